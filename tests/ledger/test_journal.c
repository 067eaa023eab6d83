/*
 * test_journal.c - ledger/journal: posting, refusals, append-only storage,
 * reversal, adjustment periods, the hash chain and batch posting.
 *
 *   1. post and read back: every field, dimensions, memos, tags
 *   2. refusals: each leaves the book as it was and the transaction usable
 *   3. dimensions: declared ones with suggestions, cost centres on first use
 *   4. append-only: UPDATE and DELETE refused by the database itself
 *   5. reversal
 *   6. adjustment periods P0 and P13..P16
 *   7. the hash chain: links, and the documented canonical text by hand
 *   8. batch posting: 100,000 entries in one transaction against a model
 *   9. provenance: source_seen
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/account.h"
#include "ledger/balance.h"
#include "ledger/book.h"
#include "ledger/dim.h"
#include "ledger/journal.h"
#include "ledger/journal_int.h"
#include "ledger/period.h"
#include "ledger/sha256.h"
#include "tests/support/support.h"

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_entry *e;
    pb_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = pbt_book_new(&f->path);
    f->e = pb_entry_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    pb_entry_free(f->e);
    pbt_book_done(f->b, f->path);
    free(f);
    return 0;
}

/* Posts e in its own transaction; returns the code (rolled back on
 * failure). */
static int post_entry(fixture *f, int64_t *id)
{
    int rc;

    pb_error_clear(&f->err);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    rc = pb_journal_post(f->b, f->e, id, &f->err);
    if (rc == PB_OK)
        rc = pb_book_commit(f->b, &f->err);
    else
        pb_book_rollback(f->b);
    return rc;
}

/* Posts a spec that must be refused with `code`; checks that nothing was
 * written, in the transaction as well as after it, and that the same
 * transaction can still post. */
static void refused(fixture *f, const char *spec, int code, const char *msg)
{
    int64_t entries = pbt_entries(f->b), postings = pbt_postings(f->b);
    int64_t dims = pbt_int(f->b, "SELECT count(*) FROM dim");
    int64_t tags = pbt_int(f->b, "SELECT count(*) FROM tag");
    int64_t cache = pbt_int(f->b, "SELECT count(*) FROM balance");
    int rc;

    pbt_entry_spec(f->e, spec);
    pb_error_clear(&f->err);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    rc = pb_journal_post(f->b, f->e, NULL, &f->err);
    if (rc != code)
        fail_msg("\"%s\": got %d (%s), expected %d", spec, rc, f->err.msg,
                 code);
    assert_int_equal(f->err.code, code);
    if (strstr(f->err.msg, msg) == NULL)
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", spec, f->err.msg,
                 msg);
    assert_int_equal(pbt_entries(f->b), entries);
    assert_int_equal(pbt_postings(f->b), postings);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM dim"), dims);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM tag"), tags);
    /* The transaction carries on. */
    pbt_entry_spec(f->e, "2024-09-01 Still fine; 5000 0.01; 1000");
    assert_int_equal(pb_journal_post(f->b, f->e, NULL, &f->err), PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_entries(f->b), entries + 1);
    /* Only the filler reached the balance cache. */
    assert_true(pbt_int(f->b, "SELECT count(*) FROM balance") <= cache + 2);
    assert_int_equal(pbt_int(f->b, "SELECT coalesce(sum(postings), 0) FROM"
                                   " balance"),
                     pbt_postings(f->b));
}

/* ---- 1. post and read back -------------------------------------------- */

static void test_journal_post__reads_back_every_field(void **state)
{
    fixture *f = *state;
    pb_entry *r = pb_entry_new();
    int64_t id = 0, batch;
    size_t line, tl;
    const char *k, *v;
    pb_amount a;

    pbt_exec(f->b, "INSERT INTO batch (kind, created_by, created_at,"
                   " first_entry) VALUES ('import', 'tester', 'now', 1)");
    batch = pbt_int(f->b, "SELECT max(id) FROM batch");
    pb_amount_init(&a);
    pb_entry_set_date(f->e, pbt_date("2024-09-30"));
    pb_entry_set_description(f->e, "Homecare | September\\invoices\nline 2");
    pb_entry_set_reference(f->e, "INV-0042");
    pb_entry_set_source(f->e, "unit4-gl", "row-17");
    pb_entry_set_source_pos(f->e, "lines 17-19");
    pb_entry_set_batch(f->e, batch);
    pbt_amount_set(&a, "1234.56");
    line = pb_entry_add(f->e, "Expenditure:Care:Homecare", &a);
    assert_int_equal(line, 1);
    pb_entry_set_dim(f->e, 1, PB_DIM_STREAM, "BCF");
    pb_entry_set_dim(f->e, 1, PB_DIM_SCHEME, "S02");
    pb_entry_set_dim(f->e, 1, PB_DIM_PARTNER, "ICB");
    pb_entry_set_dim(f->e, 1, PB_DIM_COST_CENTRE, "CC-101");
    pb_entry_set_memo(f->e, 1, "Provider A");
    pbt_amount_set(&a, "-1000.00");
    assert_int_equal(pb_entry_add(f->e, "2000", &a), 2);
    pb_entry_set_dim(f->e, 2, PB_DIM_PARTNER, "COUNCIL");
    pbt_amount_set(&a, "-234.56");
    assert_int_equal(pb_entry_add(f->e, "1000", &a), 3);
    pb_entry_add_tag(f->e, 0, "approved", "yes");
    pb_entry_add_tag(f->e, 0, "an|odd", "va|lue");
    pb_entry_add_tag(f->e, 3, "bank", "lloyds");
    assert_int_equal(pb_entry_count(f->e), 3);
    assert_int_equal(post_entry(f, &id), PB_OK);
    assert_int_equal(id, 1);
    assert_int_equal(pb_entry_id(f->e), 1);
    assert_int_equal(pb_entry_period(f->e), 202406);
    /* The posted entry shows the account's code, not the name given. */
    assert_string_equal(pb_entry_account(f->e, 1), "5100");

    assert_int_equal(pb_journal_get(f->b, id, r, &f->err), PB_OK);
    assert_int_equal(pb_entry_id(r), 1);
    assert_int_equal(pb_entry_date(r), pbt_date("2024-09-30"));
    assert_int_equal(pb_entry_period(r), 202406);
    assert_string_equal(pb_entry_description(r),
                        "Homecare | September\\invoices\nline 2");
    assert_string_equal(pb_entry_reference(r), "INV-0042");
    assert_string_equal(pb_entry_entered_by(r), PBT_USER);
    assert_string_equal(pb_entry_entered_at(r), PBT_NOW);
    assert_int_equal(pb_entry_reverses(r), 0);
    assert_int_equal(pb_entry_reversed_by(r), 0);
    assert_int_equal(pb_entry_count(r), 3);
    assert_string_equal(pb_entry_account(r, 1), "5100");
    pbt_assert_amount(pb_entry_amount(r, 1), "1234.56");
    assert_string_equal(pb_entry_dim(r, 1, PB_DIM_STREAM), "BCF");
    assert_string_equal(pb_entry_dim(r, 1, PB_DIM_SCHEME), "S02");
    assert_string_equal(pb_entry_dim(r, 1, PB_DIM_PARTNER), "ICB");
    assert_string_equal(pb_entry_dim(r, 1, PB_DIM_COST_CENTRE), "CC-101");
    assert_string_equal(pb_entry_memo(r, 1), "Provider A");
    assert_string_equal(pb_entry_account(r, 2), "2000");
    pbt_assert_amount(pb_entry_amount(r, 2), "-1000.00");
    assert_string_equal(pb_entry_dim(r, 2, PB_DIM_STREAM), "");
    assert_string_equal(pb_entry_dim(r, 2, PB_DIM_PARTNER), "COUNCIL");
    assert_string_equal(pb_entry_memo(r, 2), "");
    assert_string_equal(pb_entry_account(r, 3), "1000");
    pbt_assert_amount(pb_entry_amount(r, 3), "-234.56");
    /* Tags come back in (line, key) order. */
    assert_int_equal(pb_entry_tag_count(r), 3);
    pb_entry_tag(r, 0, &tl, &k, &v);
    assert_int_equal(tl, 0);
    assert_string_equal(k, "an|odd");
    assert_string_equal(v, "va|lue");
    pb_entry_tag(r, 1, &tl, &k, &v);
    assert_int_equal(tl, 0);
    assert_string_equal(k, "approved");
    assert_string_equal(v, "yes");
    pb_entry_tag(r, 2, &tl, &k, &v);
    assert_int_equal(tl, 3);
    assert_string_equal(k, "bank");
    assert_string_equal(v, "lloyds");
    /* Stored as written. */
    assert_int_equal(pbt_int(f->b, "SELECT batch_id FROM entry WHERE id = 1"),
                     batch);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM entry WHERE id = 1"
                                   " AND source = 'unit4-gl' AND source_ref ="
                                   " 'row-17' AND source_pos = 'lines 17-19'"),
                     1);
    assert_string_equal(pb_entry_source(r), "unit4-gl");
    assert_string_equal(pb_entry_source_ref(r), "row-17");
    assert_string_equal(pb_entry_source_pos(r), "lines 17-19");
    assert_int_equal(pb_entry_batch(r), batch);
    assert_int_equal(pbt_int(f->b, "SELECT amount FROM posting WHERE"
                                   " entry_id = 1 AND line = 1"),
                     123456);
    assert_int_equal(pbt_int(f->b, "SELECT typeof(amount) = 'integer' FROM"
                                   " posting WHERE entry_id = 1 AND line = 3"),
                     1);
    pbt_assert_clean(f->b);
    pb_amount_clear(&a);
    pb_entry_free(r);
}

static void test_journal_post__ids_count_up_and_entry_is_reusable(
    void **state)
{
    fixture *f = *state;
    int64_t id = 0;
    int i;

    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    for (i = 1; i <= 50; i++) {
        char spec[128];

        snprintf(spec, sizeof spec,
                 "2024-05-%02d Entry %d; 5000 %d.%02d cc=CC%d; 1000",
                 i % 28 + 1, i, i, i % 100, i % 5);
        pbt_entry_spec(f->e, spec); /* resets and reuses the entry */
        assert_int_equal(pb_journal_post(f->b, f->e, &id, &f->err), PB_OK);
        assert_int_equal(id, i);
    }
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_postings(f->b), 100);
    pbt_assert_clean(f->b);
}

static void test_journal_get__unknown_id_is_enotfound(void **state)
{
    fixture *f = *state;

    assert_int_equal(pb_journal_get(f->b, 99, f->e, &f->err), PB_ENOTFOUND);
    assert_non_null(strstr(f->err.msg, "99"));
}

static void test_entry__setters_take_strings_read_from_the_same_entry(
    void **state)
{
    fixture *f = *state;
    pb_amount a;
    int i;

    pb_amount_init(&a);
    pb_entry_set_description(f->e, "Invoice 4711 for reablement, September");
    pb_entry_add(f->e, "Expenditure:Reablement", &a);
    /* Each call may grow (and move) the storage the argument lives in. */
    for (i = 0; i < 40; i++) {
        pb_entry_set_reference(f->e, pb_entry_description(f->e));
        pb_entry_set_memo(f->e, 1, pb_entry_account(f->e, 1));
        pb_entry_add(f->e, pb_entry_memo(f->e, 1), &a);
    }
    assert_string_equal(pb_entry_reference(f->e),
                        "Invoice 4711 for reablement, September");
    assert_string_equal(pb_entry_memo(f->e, 1), "Expenditure:Reablement");
    assert_string_equal(pb_entry_account(f->e, 41), "Expenditure:Reablement");
    /* Two strings of the entry at once: interning the first may move the
     * second (a tag copied to another posting, a source from its ref). */
    pb_entry_add_tag(f->e, 1, "approved-by", "J. Smith, Head of Finance");
    for (i = 0; i < 2000; i++) { /* enough growths for some to fall between */
        size_t line;
        const char *k, *v;

        pb_entry_tag(f->e, pb_entry_tag_count(f->e) - 1, &line, &k, &v);
        pb_entry_add_tag(f->e, 2 + (size_t)i % 39, k, v);
        pb_entry_set_source(f->e, pb_entry_description(f->e),
                            pb_entry_reference(f->e));
    }
    {
        size_t line;
        const char *k, *v;

        pb_entry_tag(f->e, pb_entry_tag_count(f->e) - 1, &line, &k, &v);
        assert_string_equal(k, "approved-by");
        assert_string_equal(v, "J. Smith, Head of Finance");
    }
    assert_string_equal(pb_entry_source_ref(f->e),
                        "Invoice 4711 for reablement, September");
    pb_amount_clear(&a);
}

/* ---- 2. refusals ------------------------------------------------------- */

static void test_journal_post__unbalanced_entry_is_refused_with_the_difference(
    void **state)
{
    fixture *f = *state;

    refused(f, "2024-09-30 Fees; 5000 100.00; 5100 20.00; 1000 -119.99",
            PB_EUNBALANCED,
            "debits 120.00, credits 119.99, difference 0.01");
    refused(f, "2024-09-30 Fees; 5000 10.00; 1000 -12.50", PB_EUNBALANCED,
            "debits 10.00, credits 12.50, difference -2.50");
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM entry WHERE"
                                   " description = 'Fees'"),
                     0);
    pbt_assert_clean(f->b);
}

static void test_journal_post__needs_two_postings_a_date_and_a_description(
    void **state)
{
    fixture *f = *state;
    pb_amount a;

    refused(f, "2024-09-30 Lonely; 5000 0.00", PB_EINVAL,
            "at least two postings (it has 1)");
    refused(f, "2024-09-30 Empty", PB_EINVAL,
            "at least two postings (it has 0)");
    refused(f, "2024-09-30 ; 5000 1.00; 1000", PB_EINVAL, "no description");

    pb_amount_init(&a);
    pb_entry_reset(f->e);
    pb_entry_set_description(f->e, "No date");
    pbt_amount_set(&a, "1.00");
    pb_entry_add(f->e, "5000", &a);
    pb_entry_add(f->e, "1000", NULL);
    assert_int_equal(post_entry(f, NULL), PB_EINVAL);
    assert_non_null(strstr(f->err.msg, "no date"));
    pb_amount_clear(&a);
    assert_int_equal(pbt_entries(f->b), 3); /* refused() posted 3 fillers */
}

static void test_journal_post__one_elided_amount_balances_the_entry(
    void **state)
{
    fixture *f = *state;
    int64_t id;

    id = pbt_post_ok(f->b, "2024-09-30 Split; 5000 100.00; 5100 20.05; 1000");
    assert_int_equal(pb_journal_get(f->b, id, f->e, &f->err), PB_OK);
    pbt_assert_amount(pb_entry_amount(f->e, 3), "-120.05");
    /* The elided posting may come first, and may balance to a debit. */
    id = pbt_post_ok(f->b, "2024-09-30 Refund; 1000; 5000 -7.50");
    assert_int_equal(pb_journal_get(f->b, id, f->e, &f->err), PB_OK);
    pbt_assert_amount(pb_entry_amount(f->e, 1), "7.50");
    pbt_assert_clean(f->b);
}

static void test_journal_post__two_elided_amounts_are_refused(void **state)
{
    fixture *f = *state;

    refused(f, "2024-09-30 Two gaps; 5000 10.00; 1000; 2000", PB_EINVAL,
            "only one posting may leave its amount out");
    assert_int_equal(pb_entry_error_line(f->e), 0); /* reset by the filler */
    pbt_entry_spec(f->e, "2024-09-30 Two gaps; 5000 10.00; 1000; 2000");
    assert_int_equal(post_entry(f, NULL), PB_EINVAL);
    assert_int_equal(pb_entry_error_line(f->e), 3);
}

static void test_journal_post__more_than_two_decimal_places_is_refused(
    void **state)
{
    fixture *f = *state;

    refused(f, "2024-09-30 Fraction; 5000 10.005; 1000 -10.005", PB_EINVAL,
            "more than 2 decimal places");
    pbt_entry_spec(f->e, "2024-09-30 Fraction; 5000 10.00; 1000 -10.001");
    assert_int_equal(post_entry(f, NULL), PB_EINVAL);
    assert_int_equal(pb_entry_error_line(f->e), 2);
    /* Trailing zeros are whole pence. */
    pbt_post_ok(f->b, "2024-09-30 Zeros; 5000 10.000; 1000 -10.0");
}

static void test_journal_post__amounts_beyond_the_book_are_erange(
    void **state)
{
    fixture *f = *state;

    refused(f, "2024-09-30 Huge; 5000 92233720368547758.08; 1000", PB_ERANGE,
            "64 bits");
    refused(f,
            "2024-09-30 Sum overflows; 5000 92233720368547758.07; 5100 0.01;"
            " 1000",
            PB_ERANGE, "range of the book");
}

static void test_journal_post__cache_turnover_beyond_int64_is_erange(
    void **state)
{
    fixture *f = *state;

    int64_t entries;

    pbt_post_ok(f->b, "2024-09-10 Max; 5000 92233720368547758.07; 1000");
    /* Another in the same period and account would take its cache row
     * beyond int64 pence.  Against a committed row that is found when the
     * cache is written, at commit, which then fails as a whole ... */
    entries = pbt_entries(f->b);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-09-11 More; 5000 0.01; 1000", NULL,
                              &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_ERANGE);
    assert_non_null(strstr(f->err.msg, "beyond the range of the book"));
    assert_false(pb_book_in_tx(f->b));
    assert_int_equal(pbt_entries(f->b), entries);
    pbt_assert_clean(f->b);
    /* ... and against a row pending in the same transaction, the post is
     * refused before anything is written. */
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-10-10 Max; 5000"
                                    " 92233720368547758.07; 1000",
                              NULL, &f->err),
                     PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-10-11 More; 5100 1.00; 1000", NULL,
                              &f->err),
                     PB_ERANGE);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    /* Other periods and accounts are unaffected. */
    pbt_post_ok(f->b, "2024-11-11 Fine; 5100 1.00; 2000");
    pbt_assert_clean(f->b);
}

static void test_journal_post__unknown_account_suggests_the_nearest(
    void **state)
{
    fixture *f = *state;

    refused(f, "2024-09-30 Typo; 5001 1.00; 1000", PB_ENOTFOUND,
            "unknown account \"5001\" (did you mean \"5000\"?)");
    refused(f, "2024-09-30 Typo; Expenditure:Reablment 1.00; 1000",
            PB_ENOTFOUND, "did you mean \"Expenditure:Reablement\"?");
    refused(f, "2024-09-30 Typo; 1000 1.00; XYZZY", PB_ENOTFOUND,
            "unknown account \"XYZZY\"");
    pbt_entry_spec(f->e, "2024-09-30 Typo; 1000 1.00; 5000 1.00; 5001");
    assert_int_equal(post_entry(f, NULL), PB_ENOTFOUND);
    assert_int_equal(pb_entry_error_line(f->e), 3);
}

static void test_journal_post__closed_account_is_refused(void **state)
{
    fixture *f = *state;

    refused(f, "2024-09-30 Into closed; 9999 1.00; 1000", PB_ECLOSED,
            "account \"9999\" is closed");
    refused(f, "2024-09-30 Into closed; 1000 1.00; Suspense:Closed",
            PB_ECLOSED, "account \"9999\" is closed");
}

static void test_journal_post__account_closed_in_the_same_transaction(
    void **state)
{
    fixture *f = *state;

    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    /* The journal has seen 5200 open in this transaction ... */
    assert_int_equal(pbt_post(f->b, "2024-09-30 In; 5200 5.00; 1000", NULL,
                              &f->err),
                     PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-09-30 Out; 5200 -5.00; 1000", NULL,
                              &f->err),
                     PB_OK);
    /* ... its balance is zero, counting what is not yet committed ... */
    assert_int_equal(pb_account_close(f->b, "5200", &f->err), PB_OK);
    /* ... and once closed it takes nothing more. */
    assert_int_equal(pbt_post(f->b, "2024-09-30 After; 5200 1.00; 1000",
                              NULL, &f->err),
                     PB_ECLOSED);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pbt_assert_clean(f->b);
}

static void test_journal_post__account_close_counts_uncommitted_postings(
    void **state)
{
    fixture *f = *state;

    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-09-30 In; 5200 5.00; 1000", NULL,
                              &f->err),
                     PB_OK);
    assert_int_equal(pb_account_close(f->b, "5200", &f->err), PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "balance of 5.00"));
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pbt_assert_clean(f->b);
}

static void test_journal_post__duplicate_tags_are_refused(void **state)
{
    fixture *f = *state;

    refused(f, "2024-09-30 Tags; 5000 1.00 k=1 k=2; 1000", PB_EINVAL,
            "tag \"k\" is given twice");
    refused(f, "2024-09-30 Tags; #a=1; #a=2; 5000 1.00; 1000", PB_EINVAL,
            "tag \"a\" is given twice");
    /* The same key on different lines is fine. */
    pbt_post_ok(f->b, "2024-09-30 Tags; #k=0; 5000 1.00 k=1; 1000 k=2");
    pbt_assert_clean(f->b);
}

static void test_journal_post__a_failed_post_leaves_check_clean(void **state)
{
    fixture *f = *state;
    pbt_check before, after;

    pbt_post_ok(f->b, "2024-09-30 Good; 5000 10.00 stream=BCF; 1000");
    pbt_check_run(f->b, &before);
    assert_int_equal(before.n, 0);
    /* Refusals at every stage: resolution, dimensions, balance, period. */
    assert_int_equal(pbt_post(f->b, "2024-09-30 X; 5001 1.00; 1000", NULL,
                              &f->err),
                     PB_ENOTFOUND);
    assert_int_equal(pbt_post(f->b, "2024-09-30 X; 5000 1.00 stream=BCX cc=NEW;"
                                    " 1000",
                              NULL, &f->err),
                     PB_ENOTFOUND);
    assert_int_equal(pbt_post(f->b, "2024-09-30 X; 5000 1.00 cc=NEW1; 1000"
                                    " -0.99 cc=NEW2",
                              NULL, &f->err),
                     PB_EUNBALANCED);
    assert_int_equal(pbt_post(f->b, "2024-09-30@P13 X; 5000 1.00; 1000", NULL,
                              &f->err),
                     PB_EINVAL);
    /* Also inside one transaction that then commits. */
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-09-30 X; 5000 1.00 cc=NEW3; 1000"
                                    " -2.00",
                              NULL, &f->err),
                     PB_EUNBALANCED);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);

    pbt_check_run(f->b, &after);
    assert_int_equal(after.n, 0);
    assert_int_equal(after.entries, before.entries);
    assert_int_equal(after.postings, before.postings);
    assert_memory_equal(after.head, before.head, 32);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM dim WHERE kind ="
                                   " 'cost_centre'"),
                     0);
}

/* ---- 3. dimensions ------------------------------------------------------ */

static void test_journal_post__unknown_stream_scheme_partner_suggest(
    void **state)
{
    fixture *f = *state;

    refused(f, "2024-09-30 Dim; 5000 1.00 stream=IBFC; 1000", PB_ENOTFOUND,
            "unknown funding stream \"IBFC\" (did you mean \"IBCF\"?)");
    refused(f, "2024-09-30 Dim; 5000 1.00 scheme=S1; 1000", PB_ENOTFOUND,
            "unknown scheme \"S1\" (did you mean \"S01\"?)");
    refused(f, "2024-09-30 Dim; 5000 1.00 partner=COUNCL; 1000", PB_ENOTFOUND,
            "unknown partner \"COUNCL\" (did you mean \"COUNCIL\"?)");
    refused(f, "2024-09-30 Dim; 5000 1.00 partner=NHS-ENGLAND; 1000",
            PB_ENOTFOUND, "unknown partner \"NHS-ENGLAND\"");
    /* Codes are exact: a stream is not found under another's case. */
    refused(f, "2024-09-30 Dim; 5000 1.00 stream=bcf; 1000", PB_ENOTFOUND,
            "did you mean \"BCF\"?");
}

static void test_journal_post__unknown_cost_centre_is_created(void **state)
{
    fixture *f = *state;
    int64_t id;

    id = pbt_post_ok(f->b, "2024-09-30 CC; 5000 1.00 cc=CC-9; 1000 cc=CC-9");
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM dim WHERE kind ="
                                   " 'cost_centre' AND code = 'CC-9' AND"
                                   " name = 'CC-9'"),
                     1);
    assert_int_equal(pb_journal_get(f->b, id, f->e, &f->err), PB_OK);
    assert_string_equal(pb_entry_dim(f->e, 2, PB_DIM_COST_CENTRE), "CC-9");
    /* Used again, it is found, not created twice. */
    pbt_post_ok(f->b, "2024-09-30 CC; 5000 1.00 cc=CC-9; 1000");
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM dim WHERE code ="
                                   " 'CC-9'"),
                     1);
    /* A malformed code is not created. */
    refused(f, "2024-09-30 CC; 5000 1.00 cc=CC|1; 1000", PB_EINVAL,
            "not allowed");
    pbt_assert_clean(f->b);
}

static void test_journal_post__refused_entry_creates_no_cost_centre(
    void **state)
{
    fixture *f = *state;

    refused(f, "2024-09-30 Bad; 5000 1.00 cc=CC-NEW; 1000 -2.00",
            PB_EUNBALANCED, "difference");
    refused(f, "2024-09-30 Bad; 5000 1.00 cc=CC-NEW; 1000 stream=NOPE",
            PB_ENOTFOUND, "NOPE");
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM dim WHERE code ="
                                   " 'CC-NEW'"),
                     0);
    /* In the same transaction, a later good entry creates it once. */
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-09-30 Bad; 5000 1.00 cc=CC-NEW;"
                                    " 1000 -2.00",
                              NULL, &f->err),
                     PB_EUNBALANCED);
    assert_int_equal(pbt_post(f->b, "2024-09-30 Good; 5000 1.00 cc=CC-NEW;"
                                    " 1000 cc=CC-NEW",
                              NULL, &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM dim WHERE code ="
                                   " 'CC-NEW'"),
                     1);
    pbt_assert_clean(f->b);
}

/* ---- 4. append-only ------------------------------------------------------ */

static void test_journal_storage__update_and_delete_refused_by_the_database(
    void **state)
{
    static const struct {
        const char *sql, *msg;
    } cases[] = {
        {"UPDATE entry SET description = 'x' WHERE id = 1",
         "posted entries cannot be changed"},
        {"UPDATE entry SET hash = prev_hash", "posted entries cannot be"},
        {"DELETE FROM entry WHERE id = 1", "posted entries cannot be deleted"},
        {"DELETE FROM entry", "posted entries cannot be deleted"},
        {"UPDATE posting SET amount = amount + 1",
         "posted entries cannot be changed"},
        {"DELETE FROM posting WHERE entry_id = 1",
         "posted entries cannot be deleted"},
        {"UPDATE tag SET value = 'no'", "tags of posted entries cannot be"
                                        " changed"},
        {"DELETE FROM tag", "tags of posted entries cannot be deleted"},
        {"UPDATE period_log SET reason = 'x'", "the period log cannot be"},
        {"DELETE FROM period_log", "the period log cannot be changed"},
        /* REPLACE deletes the old row without a DELETE statement. */
        {"INSERT OR REPLACE INTO entry SELECT * FROM entry",
         "posted entries cannot be deleted"},
        {"REPLACE INTO posting (entry_id, line, account_id, amount)"
         " VALUES (1, 1, 1, 999999)",
         "posted entries cannot be deleted"},
        {"INSERT OR REPLACE INTO tag VALUES (1, 0, 'approved', 'no')",
         "tags of posted entries cannot be deleted"},
        {"INSERT INTO posting (entry_id, line, account_id, amount)"
         " VALUES (1, 1, 1, 5) ON CONFLICT DO UPDATE SET amount = 5",
         "posted entries cannot be changed"},
    };
    fixture *f = *state;
    size_t i;

    pbt_post_ok(f->b, "2024-09-30 Fees; #approved=yes; 5000 10.00; 1000");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_period_close(f->b, 202406, NULL, &f->err), PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_error_clear(&f->err);
        if (pb_book_exec(f->b, cases[i].sql, &f->err) != PB_EREFUSED)
            fail_msg("%s: not refused (%d %s)", cases[i].sql, f->err.code,
                     f->err.msg);
        if (strstr(f->err.msg, cases[i].msg) == NULL)
            fail_msg("%s: message \"%s\"", cases[i].sql, f->err.msg);
    }
    /* The same through a prepared statement inside a transaction. */
    {
        pb_stmt *st;

        assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
        assert_int_equal(pb_book_prepare(f->b, &st,
                                         "UPDATE posting SET amount = ?"
                                         " WHERE entry_id = 1",
                                         &f->err),
                         PB_OK);
        pb_stmt_bind_int(st, 1, 0);
        assert_int_equal(pb_stmt_run(st, &f->err), PB_EREFUSED);
        pb_book_rollback(f->b);
    }
    assert_int_equal(pbt_int(f->b, "SELECT sum(abs(amount)) FROM posting"),
                     2000);
    pbt_assert_clean(f->b);
}

/* ---- 5. reversal -------------------------------------------------------- */

static void test_journal_reverse__negates_and_points_back(void **state)
{
    fixture *f = *state;
    pb_entry *r = pb_entry_new();
    int64_t id, rid = 0;
    size_t i;

    id = pbt_post_ok(f->b, "2024-09-30 Fees; #ref=INV-1; 5000 100.00"
                           " stream=BCF scheme=S01 cc=CC1 memo=first; 5100"
                           " 20.00 partner=ICB; 1000");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_journal_reverse(f->b, id, NULL, "", 0, &rid, &f->err),
                     PB_EINVAL);
    assert_non_null(strstr(f->err.msg, "needs a reason"));
    assert_int_equal(pb_journal_reverse(f->b, id, NULL, "wrong supplier", 0,
                                        &rid, &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(rid, id + 1);

    assert_int_equal(pb_journal_get(f->b, id, f->e, &f->err), PB_OK);
    assert_int_equal(pb_entry_reversed_by(f->e), rid);
    assert_int_equal(pb_journal_get(f->b, rid, r, &f->err), PB_OK);
    assert_int_equal(pb_entry_reverses(r), id);
    assert_int_equal(pb_entry_date(r), pb_entry_date(f->e));
    assert_int_equal(pb_entry_period(r), 202406);
    assert_string_equal(pb_entry_description(r),
                        "Reversal of entry 1: wrong supplier");
    assert_string_equal(pb_entry_reference(r), "INV-1");
    assert_int_equal(pb_entry_count(r), 3);
    for (i = 1; i <= 3; i++) {
        pb_amount neg;
        int k;

        pb_amount_init(&neg);
        pb_amount_neg(&neg, pb_entry_amount(f->e, i));
        assert_int_equal(pb_amount_cmp(pb_entry_amount(r, i), &neg), 0);
        assert_string_equal(pb_entry_account(r, i), pb_entry_account(f->e, i));
        for (k = 0; k < PB_DIM_COUNT; k++) {
            const char *a = pb_entry_dim(r, i, (pb_dim_kind)k);
            const char *o = pb_entry_dim(f->e, i, (pb_dim_kind)k);

            assert_string_equal(a != NULL ? a : "", o != NULL ? o : "");
        }
        assert_string_equal(pb_entry_memo(r, i), pb_entry_memo(f->e, i));
        pb_amount_clear(&neg);
    }
    /* Every account is back to zero. */
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM (SELECT account_id"
                                   " FROM posting GROUP BY account_id HAVING"
                                   " sum(amount) != 0)"),
                     0);
    pbt_assert_clean(f->b);
    pb_entry_free(r);
}

static void test_journal_reverse__refused_twice_and_for_a_reversal(
    void **state)
{
    fixture *f = *state;
    int64_t id, rid;

    id = pbt_post_ok(f->b, "2024-09-30 Fees; 5000 100.00; 1000");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_journal_reverse(f->b, id, NULL, "error", 0, &rid,
                                        &f->err),
                     PB_OK);
    assert_int_equal(pb_journal_reverse(f->b, id, NULL, "again", 0, NULL,
                                        &f->err),
                     PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "already reversed by entry 2"));
    assert_int_equal(pb_journal_reverse(f->b, rid, NULL, "undo", 0, NULL,
                                        &f->err),
                     PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "itself the reversal of entry 1"));
    assert_int_equal(pb_journal_reverse(f->b, 77, NULL, "none", 0, NULL,
                                        &f->err),
                     PB_ENOTFOUND);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_entries(f->b), 2);
    pbt_assert_clean(f->b);
}

static void test_journal_reverse__into_a_closed_period_needs_an_open_date(
    void **state)
{
    fixture *f = *state;
    pb_date oct = pbt_date("2024-10-03"), sep = pbt_date("2024-09-15");
    int64_t id, rid = 0;

    id = pbt_post_ok(f->b, "2024-09-30 Fees; 5000 100.00; 1000");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_period_close(f->b, 202406, NULL, &f->err), PB_OK);
    assert_int_equal(pb_journal_reverse(f->b, id, NULL, "late", 0, &rid,
                                        &f->err),
                     PB_ECLOSED);
    assert_non_null(strstr(f->err.msg, "2024-25 P06 is closed"));
    assert_int_equal(pb_journal_reverse(f->b, id, &sep, "late", 0, &rid,
                                        &f->err),
                     PB_ECLOSED);
    assert_int_equal(pb_journal_reverse(f->b, id, &oct, "late", 0, &rid,
                                        &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(pb_journal_get(f->b, rid, f->e, &f->err), PB_OK);
    assert_int_equal(pb_entry_period(f->e), 202407);
    assert_int_equal(pb_entry_date(f->e), oct);
    pbt_assert_clean(f->b);
}

static void test_journal_reverse__adjustment_entry_stays_in_its_period(
    void **state)
{
    fixture *f = *state;
    int64_t id, rid = 0;

    id = pbt_post_ok(f->b, "2025-03-31@P13 Accrual; 5000 50.00; 2000");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_journal_reverse(f->b, id, NULL, "re-estimated", 0,
                                        &rid, &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(pb_journal_get(f->b, rid, f->e, &f->err), PB_OK);
    assert_int_equal(pb_entry_period(f->e), 202413);
    pbt_assert_clean(f->b);
}

/* ---- 6. adjustment periods ---------------------------------------------- */

static void test_journal_post__adjustment_periods_need_their_dates(
    void **state)
{
    fixture *f = *state;
    int64_t id;

    id = pbt_post_ok(f->b, "2024-04-01@P0 Opening balances; 1000 500.00;"
                           " 3000");
    assert_int_equal(pb_journal_get(f->b, id, f->e, &f->err), PB_OK);
    assert_int_equal(pb_entry_period(f->e), 202400);
    id = pbt_post_ok(f->b, "2025-03-31@P13 Year-end accrual; 5000 10.00;"
                           " 2000");
    assert_int_equal(pb_journal_get(f->b, id, f->e, &f->err), PB_OK);
    assert_int_equal(pb_entry_period(f->e), 202413);
    id = pbt_post_ok(f->b, "2025-03-31@P16 Audit adjustment; 5000 1.00;"
                           " 2000");
    assert_int_equal(pbt_int(f->b, "SELECT period FROM entry ORDER BY id"
                                   " DESC LIMIT 1"),
                     202416);
    (void)id;
    /* Without a period the same dates land in P01 and P12. */
    id = pbt_post_ok(f->b, "2025-03-31 Ordinary; 5000 1.00; 2000");
    assert_int_equal(pbt_int(f->b, "SELECT period FROM entry ORDER BY id"
                                   " DESC LIMIT 1"),
                     202412);

    refused(f, "2024-04-02@P0 Late opening; 1000 1.00; 3000", PB_EINVAL,
            "first day of the year");
    refused(f, "2025-03-30@P13 Early; 5000 1.00; 2000", PB_EINVAL,
            "last day of the year");
    refused(f, "2024-09-30@P13 Mid-year; 5000 1.00; 2000", PB_EINVAL,
            "dated 2024-09-30");
    refused(f, "2025-03-31@P17 Beyond; 5000 1.00; 2000", PB_EINVAL, "P17");
    pbt_assert_clean(f->b);
}

/* ---- 7. the hash chain --------------------------------------------------- */

static void test_journal_hash__each_entry_links_to_the_previous(void **state)
{
    fixture *f = *state;
    int i;

    for (i = 0; i < 20; i++) {
        char spec[96];

        snprintf(spec, sizeof spec, "2024-%02d-10 E%d; 5000 %d.00; 1000",
                 i % 12 + 1, i, i + 1);
        pbt_post_ok(f->b, spec);
    }
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM entry e JOIN entry"
                                   " p ON p.id = e.id - 1 WHERE e.prev_hash"
                                   " = p.hash"),
                     19);
    assert_int_equal(pbt_int(f->b, "SELECT prev_hash = zeroblob(32) FROM"
                                   " entry WHERE id = 1"),
                     1);
    assert_int_equal(pbt_int(f->b, "SELECT count(DISTINCT hash) FROM entry"),
                     20);
}

static void test_journal_hash__is_sha256_of_the_documented_text(void **state)
{
    static const char text[] =
        "poolbook-entry 1\n"
        "id 1\n"
        "date 2024-09-30\n"
        "period 202406\n"
        "description Care \\| fees\\nmore\\\\\n"
        "reference INV-1\n"
        "entered-by tester\n"
        "entered-at 2024-10-01T09:00:00Z\n"
        "reverses \n"
        "batch \n"
        "source bank\n"
        "source-ref r1\n"
        "source-pos line 7\n"
        "posting 1|5000|100.00|BCF||ICB|CC1|first line\n"
        "posting 2|1000|-100.00|||||\n"
        "tag 0|a|1\n"
        "tag 0|b|x\\|y\n"
        "tag 2|c|\n";
    fixture *f = *state;
    uint8_t buf[32 + sizeof text], want[32];
    const void *got;
    pb_stmt *st;
    pb_amount a;
    size_t n;

    pb_amount_init(&a);
    pb_entry_set_date(f->e, pbt_date("2024-09-30"));
    pb_entry_set_description(f->e, "Care | fees\nmore\\");
    pb_entry_set_reference(f->e, "INV-1");
    pb_entry_set_source(f->e, "bank", "r1");
    pb_entry_set_source_pos(f->e, "line 7");
    pbt_amount_set(&a, "100");
    pb_entry_add(f->e, "5000", &a);
    pb_entry_set_dim(f->e, 1, PB_DIM_STREAM, "BCF");
    pb_entry_set_dim(f->e, 1, PB_DIM_PARTNER, "ICB");
    pb_entry_set_dim(f->e, 1, PB_DIM_COST_CENTRE, "CC1");
    pb_entry_set_memo(f->e, 1, "first line");
    pb_entry_add(f->e, "Assets:Bank", NULL);
    pb_entry_add_tag(f->e, 2, "c", "");
    pb_entry_add_tag(f->e, 0, "b", "x|y");
    pb_entry_add_tag(f->e, 0, "a", "1");
    assert_int_equal(post_entry(f, NULL), PB_OK);

    memset(buf, 0, 32);
    memcpy(buf + 32, text, sizeof text - 1);
    pb_sha256_digest(buf, 32 + sizeof text - 1, want);
    assert_int_equal(pb_book_prepare(f->b, &st,
                                     "SELECT hash FROM entry WHERE id = 1",
                                     &f->err),
                     PB_OK);
    assert_int_equal(pb_stmt_step(st, &f->err), PB_ROW);
    got = pb_stmt_blob(st, 0, &n);
    assert_int_equal(n, 32);
    assert_memory_equal(got, want, 32);
    pb_stmt_release(st);
    pb_amount_clear(&a);
    pbt_assert_clean(f->b);
}

static void test_journal_canon__pence_and_empty_fields(void **state)
{
    pb_buf out = PB_BUF_INIT;

    (void)state;
    pb_journal__pence(&out, 0);
    pb_buf_putc(&out, ' ');
    pb_journal__pence(&out, -5);
    pb_buf_putc(&out, ' ');
    pb_journal__pence(&out, 123456);
    pb_buf_putc(&out, ' ');
    pb_journal__pence(&out, INT64_MIN);
    pb_buf_putc(&out, ' ');
    pb_journal__pence(&out, INT64_MAX);
    assert_string_equal(pb_buf_str(&out),
                        "0.00 -0.05 1234.56 -92233720368547758.08"
                        " 92233720368547758.07");
    pb_buf_clear(&out);
}

/* ---- 8. batch posting ---------------------------------------------------- */

#define NACC 8
static const char *const batch_accounts[NACC] = {
    "1000", "1100", "2000", "3000", "4000", "4100", "5000", "5100"};
static const char *const batch_streams[4] = {NULL, "BCF", "IBCF", "DFG"};

typedef struct model {
    int64_t debit[NACC][4], credit[NACC][4];
    int seen[NACC][4];
} model;

typedef struct cmp_ctx {
    const model *m;
    int by_stream;
    int rows;
    int bad;
} cmp_ctx;

static int acc_index(const char *code)
{
    int i;

    for (i = 0; i < NACC; i++)
        if (strcmp(code, batch_accounts[i]) == 0)
            return i;
    return -1;
}

static void pence_text(int64_t v, char *buf, size_t n)
{
    pb_buf t = PB_BUF_INIT;

    pb_journal__pence(&t, v);
    snprintf(buf, n, "%s", pb_buf_str(&t));
    pb_buf_clear(&t);
}

static int compare_row(const pb_balance_row *row, void *ud)
{
    cmp_ctx *c = ud;
    int a = acc_index(row->account_code), s = 0, k;
    int64_t d = 0, cr = 0;
    char want[64];

    assert_true(a >= 0);
    if (c->by_stream) {
        for (s = 0; s < 4; s++)
            if ((batch_streams[s] == NULL && row->dim_code[0] == '\0') ||
                (batch_streams[s] != NULL &&
                 strcmp(row->dim_code, batch_streams[s]) == 0))
                break;
        assert_true(s < 4);
        d = c->m->debit[a][s];
        cr = c->m->credit[a][s];
    } else {
        for (k = 0; k < 4; k++) {
            d += c->m->debit[a][k];
            cr += c->m->credit[a][k];
        }
    }
    pence_text(d, want, sizeof want);
    if (strcmp(pbt_amt(row->debit), want) != 0)
        c->bad++;
    pence_text(cr, want, sizeof want);
    if (strcmp(pbt_amt(row->credit), want) != 0)
        c->bad++;
    pence_text(d - cr, want, sizeof want);
    if (strcmp(pbt_amt(row->balance), want) != 0)
        c->bad++;
    c->rows++;
    return 0;
}

static void test_journal_batch__100k_entries_in_one_transaction(void **state)
{
    enum { N = 100000 };
    fixture *f = *state;
    model *m = calloc(1, sizeof *m);
    pb_balance_query q;
    pb_amount a;
    cmp_ctx c;
    int i, expect_rows = 0, expect_stream_rows = 0, s;
    int64_t last = 0;

    pb_amount_init(&a);
    pbt_rng_seed(2024);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    for (i = 0; i < N; i++) {
        int np = 2 + (int)(pbt_rng() % 2), j;
        int64_t sum = 0;
        char cc[16];

        pb_entry_reset(f->e);
        pb_entry_set_date(f->e, pbt_date("2024-04-01") +
                                    (pb_date)pbt_rng_range(0, 364));
        pb_entry_set_description(f->e, "batch entry");
        for (j = 0; j < np; j++) {
            int acc = (int)(pbt_rng() % NACC), st = (int)(pbt_rng() % 4);
            int64_t pence = j < np - 1 ? pbt_rng_range(-5000000, 5000000)
                                       : -sum;
            size_t line;

            sum += pence;
            pb_amount_set_units(&a, pence, 2);
            line = pb_entry_add(f->e, batch_accounts[acc], &a);
            if (batch_streams[st] != NULL)
                pb_entry_set_dim(f->e, line, PB_DIM_STREAM,
                                 batch_streams[st]);
            snprintf(cc, sizeof cc, "CC%d", (int)(pbt_rng() % 50));
            pb_entry_set_dim(f->e, line, PB_DIM_COST_CENTRE, cc);
            if (pence >= 0)
                m->debit[acc][st] += pence;
            else
                m->credit[acc][st] -= pence;
            m->seen[acc][st] = 1;
        }
        if (pb_journal_post(f->b, f->e, &last, &f->err) != PB_OK)
            fail_msg("entry %d: %s", i, f->err.msg);
    }
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(last, N);
    assert_int_equal(pbt_entries(f->b), N);

    for (i = 0; i < NACC; i++) {
        int any = 0;

        for (s = 0; s < 4; s++) {
            expect_stream_rows += m->seen[i][s];
            any |= m->seen[i][s];
        }
        expect_rows += any;
    }
    pb_balance_query_init(&q);
    memset(&c, 0, sizeof c);
    c.m = m;
    assert_int_equal(pb_balance_each(f->b, &q, compare_row, &c, &f->err),
                     PB_OK);
    assert_int_equal(c.bad, 0);
    assert_int_equal(c.rows, expect_rows);

    q.group_by = PB_DIM_STREAM;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.by_stream = 1;
    assert_int_equal(pb_balance_each(f->b, &q, compare_row, &c, &f->err),
                     PB_OK);
    assert_int_equal(c.bad, 0);
    assert_int_equal(c.rows, expect_stream_rows);
    /* The cache holds one row per key, not per posting. */
    assert_true(pbt_int(f->b, "SELECT count(*) FROM balance") <
                pbt_postings(f->b) / 2);
    pbt_assert_clean(f->b);
    pb_amount_clear(&a);
    free(m);
}

/* ---- 9. provenance ------------------------------------------------------- */

static void test_journal_source_seen__until_reversed(void **state)
{
    fixture *f = *state;
    int seen = -1;
    int64_t id;

    assert_int_equal(pb_journal_source_seen(f->b, "bank", "r1", &seen,
                                            &f->err),
                     PB_OK);
    assert_int_equal(seen, 0);
    id = pbt_post_ok(f->b, "2024-09-30 Receipt; #src=bank:r1; 1000 10.00;"
                           " 4000");
    pbt_post_ok(f->b, "2024-09-30 No source; 1000 10.00; 4000");
    assert_int_equal(pb_journal_source_seen(f->b, "bank", "r1", &seen,
                                            &f->err),
                     PB_OK);
    assert_int_equal(seen, 1);
    assert_int_equal(pb_journal_source_seen(f->b, "bank", "r2", &seen,
                                            &f->err),
                     PB_OK);
    assert_int_equal(seen, 0);
    assert_int_equal(pb_journal_source_seen(f->b, "gl", "r1", &seen,
                                            &f->err),
                     PB_OK);
    assert_int_equal(seen, 0);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_journal_reverse(f->b, id, NULL, "duplicate", 0, NULL,
                                        &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(pb_journal_source_seen(f->b, "bank", "r1", &seen,
                                            &f->err),
                     PB_OK);
    assert_int_equal(seen, 0);
    /* Posted again after the reversal, it is seen again. */
    pbt_post_ok(f->b, "2024-09-30 Receipt; #src=bank:r1; 1000 10.00; 4000");
    assert_int_equal(pb_journal_source_seen(f->b, "bank", "r1", &seen,
                                            &f->err),
                     PB_OK);
    assert_int_equal(seen, 1);
    pbt_assert_clean(f->b);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. post and read back */
        T(test_journal_post__reads_back_every_field),
        T(test_journal_post__ids_count_up_and_entry_is_reusable),
        T(test_journal_get__unknown_id_is_enotfound),
        T(test_entry__setters_take_strings_read_from_the_same_entry),
        /* 2. refusals */
        T(test_journal_post__unbalanced_entry_is_refused_with_the_difference),
        T(test_journal_post__needs_two_postings_a_date_and_a_description),
        T(test_journal_post__one_elided_amount_balances_the_entry),
        T(test_journal_post__two_elided_amounts_are_refused),
        T(test_journal_post__more_than_two_decimal_places_is_refused),
        T(test_journal_post__amounts_beyond_the_book_are_erange),
        T(test_journal_post__cache_turnover_beyond_int64_is_erange),
        T(test_journal_post__unknown_account_suggests_the_nearest),
        T(test_journal_post__closed_account_is_refused),
        T(test_journal_post__account_closed_in_the_same_transaction),
        T(test_journal_post__account_close_counts_uncommitted_postings),
        T(test_journal_post__duplicate_tags_are_refused),
        T(test_journal_post__a_failed_post_leaves_check_clean),
        /* 3. dimensions */
        T(test_journal_post__unknown_stream_scheme_partner_suggest),
        T(test_journal_post__unknown_cost_centre_is_created),
        T(test_journal_post__refused_entry_creates_no_cost_centre),
        /* 4. append-only */
        T(test_journal_storage__update_and_delete_refused_by_the_database),
        /* 5. reversal */
        T(test_journal_reverse__negates_and_points_back),
        T(test_journal_reverse__refused_twice_and_for_a_reversal),
        T(test_journal_reverse__into_a_closed_period_needs_an_open_date),
        T(test_journal_reverse__adjustment_entry_stays_in_its_period),
        /* 6. adjustment periods */
        T(test_journal_post__adjustment_periods_need_their_dates),
        /* 7. the hash chain */
        T(test_journal_hash__each_entry_links_to_the_previous),
        T(test_journal_hash__is_sha256_of_the_documented_text),
        cmocka_unit_test(test_journal_canon__pence_and_empty_fields),
        /* 8. batch posting */
        T(test_journal_batch__100k_entries_in_one_transaction),
        /* 9. provenance */
        T(test_journal_source_seen__until_reversed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
