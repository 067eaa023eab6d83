/*
 * test_check.c - ledger/check: every invariant, and tampering found.
 *
 *   1. a clean book: no problems, the counts, the head hash
 *   2. the hash chain: a posting amount, a description, a deleted entry,
 *      a deleted last entry (seen through the head), an inserted posting
 *   3. the other checks: balance, cache, triggers, period, dimensions,
 *      reversal, storage
 *   4. the pool model and the reports: their append-only triggers
 *      (budgets, virements, the master-data log, forecasts, RAG rules) and
 *      virements that net to exactly zero
 *
 * Tampering is done with raw SQL through pb_book_exec, with the
 * append-only triggers dropped where the change needs it, as someone with
 * the sqlite3 shell could.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/book.h"
#include "ledger/check.h"
#include "ledger/journal.h"
#include "ledger/journal_int.h"
#include "ledger/period.h"
#include "importers/load.h"
#include "tests/support/support.h"

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

/* Six entries: dimensions, tags, an adjustment, a reversal. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    int64_t id;

    f->b = pbt_book_new(&f->path);
    pbt_post_ok(f->b, "2024-04-01@P0 Opening; 1000 1000.00; 3000");
    pbt_post_ok(f->b, "2024-04-15 Contribution; #approved=yes; 1000 600.00;"
                      " 4000 partner=COUNCIL stream=BCF");
    pbt_post_ok(f->b, "2024-09-05 Reablement; 5000 100.00 stream=BCF"
                      " scheme=S01 cc=CC1 memo=visit_costs; 5100 20.00"
                      " stream=IBCF; 1000 note=bacs");
    id = pbt_post_ok(f->b, "2024-09-20 Homecare; 5100 50.00 stream=IBCF;"
                           " 2000");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_journal_reverse(f->b, id, NULL, "duplicate", 0, NULL,
                                        &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pbt_post_ok(f->b, "2025-03-31@P13 Accrual; 5000 10.00; 2000");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    pbt_book_done(f->b, f->path);
    free(f);
    return 0;
}

static void drop_triggers(fixture *f)
{
    pbt_exec(f->b, "DROP TRIGGER entry_no_update; DROP TRIGGER"
                   " entry_no_delete; DROP TRIGGER posting_no_update; DROP"
                   " TRIGGER posting_no_delete; DROP TRIGGER tag_no_update;"
                   " DROP TRIGGER tag_no_delete");
}

static void print(const pbt_check *c)
{
    size_t i;

    for (i = 0; i < c->n && i < 64; i++)
        print_message("  %s: entry %lld: %s\n", c->p[i].check,
                      (long long)c->p[i].entry_id, c->p[i].detail);
}

/* Fails unless exactly the problems named (check:entry, entry 0 = any)
 * are reported, each at least once, and no other check. */
static void expect_only(const pbt_check *c, const char *const *checks,
                        size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        if (pbt_check_find(c, checks[i], 0) < 0) {
            print(c);
            fail_msg("no \"%s\" problem reported", checks[i]);
        }
    }
    for (i = 0; i < c->n && i < 64; i++) {
        bool named = false;

        for (j = 0; j < n; j++)
            named |= strcmp(c->p[i].check, checks[j]) == 0;
        if (!named) {
            print(c);
            fail_msg("unexpected \"%s\" problem", c->p[i].check);
        }
    }
}

/* The single hash-chain problem, which must be about entry `id`. */
static void expect_chain_broken_at(const pbt_check *c, int64_t id)
{
    size_t i, chain = 0;

    for (i = 0; i < c->n && i < 64; i++) {
        if (strcmp(c->p[i].check, "hash-chain") != 0)
            continue;
        if (chain++ == 0 && c->p[i].entry_id != id) {
            print(c);
            fail_msg("hash chain first broken at %lld, expected %lld",
                     (long long)c->p[i].entry_id, (long long)id);
        }
    }
    assert_int_equal(chain, 1);
}

/* ---- 1. a clean book ------------------------------------------------------ */

static void test_check_run__clean_book_has_no_problems(void **state)
{
    fixture *f = *state;
    pbt_check c;
    pb_stmt *st;
    const void *h;
    size_t n;

    pbt_check_run(f->b, &c);
    print(&c);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.entries, 6);
    assert_int_equal(c.postings, 2 + 2 + 3 + 2 + 2 + 2);
    assert_int_equal(pb_book_prepare(f->b, &st,
                                     "SELECT hash FROM entry WHERE id = 6",
                                     &f->err),
                     PB_OK);
    assert_int_equal(pb_stmt_step(st, &f->err), PB_ROW);
    h = pb_stmt_blob(st, 0, &n);
    assert_int_equal(n, 32);
    assert_memory_equal(c.head, h, 32);
    pb_stmt_release(st);
    /* QUICK runs the same checks with a cheaper storage pass. */
    {
        pb_check_summary sum;

        assert_int_equal(pb_check_run(f->b, PB_CHECK_QUICK, NULL, NULL, &sum,
                                      &f->err),
                         PB_OK);
        assert_int_equal(sum.problems, 0);
        assert_int_equal(sum.entries, 6);
    }
}

static void test_check_run__empty_book(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pbt_check c;
    uint8_t zeros[32] = {0};

    (void)state;
    pbt_check_run(b, &c);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.entries, 0);
    assert_int_equal(c.postings, 0);
    assert_memory_equal(c.head, zeros, 32);
    pbt_book_done(b, path);
}

static void test_check_run__inside_a_write_transaction_with_pending_posts(
    void **state)
{
    fixture *f = *state;
    pbt_check c;

    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-10-01 Pending; 5000 3.00 cc=CC7;"
                                    " 1000",
                              NULL, &f->err),
                     PB_OK);
    pbt_check_run(f->b, &c);
    print(&c);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.entries, 7);
    assert_true(pb_book_in_write_tx(f->b));
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pbt_assert_clean(f->b);
}

/* ---- 2. the hash chain ------------------------------------------------------ */

static void test_check_run__altered_posting_amount_breaks_the_chain_there(
    void **state)
{
    static const char *const want[] = {"triggers", "hash-chain", "balance",
                                       "cache"};
    fixture *f = *state;
    pbt_check c;

    drop_triggers(f);
    pbt_exec(f->b, "UPDATE posting SET amount = amount + 1 WHERE entry_id = 3"
                   " AND line = 1");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 4);
    expect_chain_broken_at(&c, 3);
    assert_true(pbt_check_find(&c, "balance", 3) >= 0);
    assert_non_null(strstr(c.p[pbt_check_find(&c, "balance", 3)].detail,
                           "off by 0.01"));
}

static void test_check_run__altered_description_breaks_the_chain_there(
    void **state)
{
    static const char *const want[] = {"triggers", "hash-chain"};
    fixture *f = *state;
    pbt_check c;

    drop_triggers(f);
    pbt_exec(f->b, "UPDATE entry SET description = 'Reablement (revised)'"
                   " WHERE id = 3");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 2);
    expect_chain_broken_at(&c, 3);
    assert_non_null(strstr(c.p[pbt_check_find(&c, "hash-chain", 3)].detail,
                           "altered"));
}

static void test_check_run__altered_tag_memo_or_user_breaks_the_chain(
    void **state)
{
    static const char *const sql[] = {
        "UPDATE tag SET value = 'no' WHERE entry_id = 2",
        "UPDATE posting SET memo = 'other' WHERE entry_id = 3 AND line = 1",
        "UPDATE entry SET entered_by = 'someone.else' WHERE id = 4",
        "UPDATE entry SET date = '2024-09-21' WHERE id = 4",
        "INSERT INTO tag VALUES (5, 0, 'added', 'later')",
        "UPDATE posting SET cc_id = NULL WHERE entry_id = 3 AND line = 1",
    };
    static const int64_t at[] = {2, 3, 4, 4, 5, 3};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        fixture *f;
        pbt_check c;

        setup((void **)&f);
        drop_triggers(f);
        pbt_exec(f->b, sql[i]);
        pbt_check_run(f->b, &c);
        if (pbt_check_find(&c, "hash-chain", 0) < 0) {
            print(&c);
            fail_msg("%s: not found", sql[i]);
        }
        expect_chain_broken_at(&c, at[i]);
        teardown((void **)&f);
    }
}

static void test_check_run__deleted_postings_are_reported(void **state)
{
    static const char *const want[] = {"triggers", "hash-chain", "balance",
                                       "cache"};
    fixture *f = *state;
    pbt_check c;
    int i;

    drop_triggers(f);
    pbt_exec(f->b, "DELETE FROM posting WHERE entry_id = 3");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 4);
    expect_chain_broken_at(&c, 3);
    i = pbt_check_find(&c, "balance", 3);
    assert_true(i >= 0);
    assert_non_null(strstr(c.p[i].detail, "0 posting(s)"));
    assert_int_equal(c.postings, 13 - 3);
}

static void test_check_run__inserted_posting_is_reported(void **state)
{
    static const char *const want[] = {"hash-chain", "balance", "cache"};
    fixture *f = *state;
    pbt_check c;

    /* INSERT needs no dropped trigger: only the hash can tell. */
    pbt_exec(f->b, "INSERT INTO posting (entry_id, line, account_id, amount)"
                   " VALUES (2, 3, (SELECT id FROM account WHERE code ="
                   " '5000'), 500)");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 3);
    expect_chain_broken_at(&c, 2);
    assert_true(pbt_check_find(&c, "balance", 2) >= 0);
}

static void test_check_run__balanced_pair_inserted_still_breaks_the_chain(
    void **state)
{
    static const char *const want[] = {"hash-chain", "cache"};
    fixture *f = *state;
    pbt_check c;

    pbt_exec(f->b, "INSERT INTO posting (entry_id, line, account_id, amount)"
                   " VALUES (2, 3, 1, 500), (2, 4, 2, -500)");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 2);
    expect_chain_broken_at(&c, 2);
}

static void test_check_run__deleted_middle_entry_breaks_the_link(
    void **state)
{
    fixture *f = *state;
    pbt_check c;

    drop_triggers(f);
    pbt_exec(f->b, "DELETE FROM tag WHERE entry_id = 2; DELETE FROM posting"
                   " WHERE entry_id = 2; DELETE FROM entry WHERE id = 2");
    pbt_check_run(f->b, &c);
    expect_chain_broken_at(&c, 3);
    assert_non_null(strstr(c.p[pbt_check_find(&c, "hash-chain", 3)].detail,
                           "does not link"));
    assert_true(pbt_check_find(&c, "cache", 0) >= 0);
    assert_int_equal(c.entries, 5);
}

static void test_check_run__deleted_last_entry_changes_the_head(void **state)
{
    fixture *f = *state;
    pbt_check before, after;

    pbt_check_run(f->b, &before);
    drop_triggers(f);
    pbt_exec(f->b, "DELETE FROM posting WHERE entry_id = 6; DELETE FROM"
                   " entry WHERE id = 6; DELETE FROM balance WHERE period ="
                   " 202413");
    pbt_exec(f->b, "CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry"
                   " BEGIN SELECT RAISE(ABORT, 'posted entries cannot be"
                   " changed; post a reversal instead'); END;"
                   "CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry"
                   " BEGIN SELECT RAISE(ABORT, 'posted entries cannot be"
                   " deleted; post a reversal instead'); END;"
                   "CREATE TRIGGER posting_no_update BEFORE UPDATE ON posting"
                   " BEGIN SELECT RAISE(ABORT, 'posted entries cannot be"
                   " changed; post a reversal instead'); END;"
                   "CREATE TRIGGER posting_no_delete BEFORE DELETE ON posting"
                   " BEGIN SELECT RAISE(ABORT, 'posted entries cannot be"
                   " deleted; post a reversal instead'); END;"
                   "CREATE TRIGGER tag_no_update BEFORE UPDATE ON tag BEGIN"
                   " SELECT RAISE(ABORT, 'tags of posted entries cannot be"
                   " changed'); END;"
                   "CREATE TRIGGER tag_no_delete BEFORE DELETE ON tag BEGIN"
                   " SELECT RAISE(ABORT, 'tags of posted entries cannot be"
                   " deleted'); END;");
    /* The chain that is left is consistent: only the recorded head can
     * reveal the truncation, which is why the summary gives it. */
    pbt_check_run(f->b, &after);
    print(&after);
    assert_int_equal(after.n, 0);
    assert_int_equal(after.entries, 5);
    assert_memory_not_equal(after.head, before.head, 32);
}

/* ---- 3. the other checks ----------------------------------------------------- */

/* A batch records the range of entry ids it was written in: an entry
 * moved into a batch written later is caught even where the hash chain
 * has been re-sealed around it. */
static void test_check_run__entry_outside_its_batch_range_is_reported(
    void **state)
{
    static const char *const want[] = {"triggers", "hash-chain", "batch"};
    fixture *f = *state;
    pbt_check c;

    pbt_exec(f->b, "INSERT INTO batch (kind, created_by, created_at, status,"
                   " first_entry, last_entry) VALUES ('import', 'x', 'now',"
                   " 'done', 100, 120)");
    drop_triggers(f);
    pbt_exec(f->b, "UPDATE entry SET batch_id = (SELECT max(id) FROM batch)"
                   " WHERE id = 2");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 3);
    assert_true(pbt_check_find(&c, "batch", 2) >= 0);
    expect_chain_broken_at(&c, 2);
}

static void test_check_run__corrupt_cache_row_is_reported(void **state)
{
    static const char *const want[] = {"cache"};
    fixture *f = *state;
    pbt_check c;

    pbt_exec(f->b, "UPDATE balance SET debit = debit + 1 WHERE period ="
                   " 202400 AND account_id = (SELECT id FROM account WHERE"
                   " code = '1000')");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 1);
    assert_int_equal(c.n, 1);
    assert_non_null(strstr(c.p[0].detail, "differs"));
}

static void test_check_run__missing_and_extra_cache_rows_are_reported(
    void **state)
{
    static const char *const want[] = {"cache"};
    fixture *f = *state;
    pbt_check c;

    pbt_exec(f->b, "DELETE FROM balance WHERE period = 202400 AND account_id"
                   " = (SELECT id FROM account WHERE code = '3000')");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 1);
    assert_non_null(strstr(c.p[0].detail, "lacks"));
    pbt_exec(f->b, "INSERT INTO balance VALUES (202405, 1, 0, 0, 0, 0, 100,"
                   " 0, 1)");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 1);
    assert_int_equal(c.n, 2);
    assert_true(strstr(c.p[0].detail, "no posting explains") != NULL ||
                strstr(c.p[1].detail, "no posting explains") != NULL);
}

static void test_check_run__dropped_trigger_is_reported(void **state)
{
    static const char *const want[] = {"triggers"};
    fixture *f = *state;
    pbt_check c;

    pbt_exec(f->b, "DROP TRIGGER posting_no_update");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 1);
    assert_int_equal(c.n, 1);
    assert_non_null(strstr(c.p[0].detail, "posting_no_update"));
    assert_int_equal(c.p[0].entry_id, 0);
}

static void test_check_run__trigger_replaced_by_a_no_op_is_reported(
    void **state)
{
    static const char *const want[] = {"triggers"};
    fixture *f = *state;
    pbt_check c;

    pbt_exec(f->b, "DROP TRIGGER entry_no_delete; CREATE TRIGGER"
                   " entry_no_delete BEFORE DELETE ON entry BEGIN SELECT 1;"
                   " END");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 1);
    assert_non_null(strstr(c.p[0].detail, "entry_no_delete"));
    pbt_exec(f->b, "DROP TRIGGER tag_no_update; CREATE TRIGGER tag_no_update"
                   " BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'x');"
                   " END");
    pbt_check_run(f->b, &c);
    assert_int_equal(c.n, 2);
}

/* Posts, behind poolbook's back, a perfectly hashed entry into a closed
 * period, with its cache row: only the period check can object. */
static void test_check_run__raw_insert_into_a_closed_period_is_reported(
    void **state)
{
    static const char *const want[] = {"period"};
    fixture *f = *state;
    pb_canon_posting cp[2];
    pb_canon_entry ce;
    pb_buf text = PB_BUF_INIT;
    uint8_t prev[32], hash[32];
    const void *blob;
    pb_stmt *st;
    pbt_check c;
    size_t n;
    int i;

    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_period_close(f->b, 202406, NULL, &f->err), PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pbt_assert_clean(f->b);

    assert_int_equal(pb_book_prepare(f->b, &st,
                                     "SELECT hash FROM entry WHERE id = 6",
                                     &f->err),
                     PB_OK);
    assert_int_equal(pb_stmt_step(st, &f->err), PB_ROW);
    blob = pb_stmt_blob(st, 0, &n);
    memcpy(prev, blob, 32);
    pb_stmt_release(st);

    memset(cp, 0, sizeof cp);
    memset(&ce, 0, sizeof ce);
    cp[0].line = 1;
    cp[0].account = "5000";
    cp[0].pence = 999;
    cp[0].memo = "";
    cp[1].line = 2;
    cp[1].account = "1000";
    cp[1].pence = -999;
    cp[1].memo = "";
    ce.id = 7;
    ce.date = "2024-09-15";
    ce.period = 202406;
    ce.description = "Sneaked in";
    ce.reference = "";
    ce.entered_by = "mallory";
    ce.entered_at = "2024-10-02T00:00:00Z";
    ce.postings = cp;
    ce.npostings = 2;
    pb_journal__canon(&text, &ce);
    pb_journal__hash(prev, &text, hash);

    assert_int_equal(pb_book_prepare(f->b, &st,
                                     "INSERT INTO entry (id, date, period,"
                                     " description, reference, entered_by,"
                                     " entered_at, prev_hash, hash) VALUES (7,"
                                     " '2024-09-15', 202406, 'Sneaked in', '',"
                                     " 'mallory', '2024-10-02T00:00:00Z', ?,"
                                     " ?)",
                                     &f->err),
                     PB_OK);
    pb_stmt_bind_blob(st, 1, prev, 32);
    pb_stmt_bind_blob(st, 2, hash, 32);
    assert_int_equal(pb_stmt_run(st, &f->err), PB_OK);
    pbt_exec(f->b, "INSERT INTO posting (entry_id, line, account_id, amount)"
                   " VALUES (7, 1, (SELECT id FROM account WHERE code ="
                   " '5000'), 999), (7, 2, (SELECT id FROM account WHERE code"
                   " = '1000'), -999)");
    for (i = 0; i < 2; i++)
        pbt_exec(f->b,
                 i == 0 ? "INSERT INTO balance VALUES (202406, (SELECT id FROM"
                          " account WHERE code = '5000'), 0, 0, 0, 0, 999, 0,"
                          " 1) ON CONFLICT DO UPDATE SET debit = debit +"
                          " 999, postings = postings + 1"
                        : "INSERT INTO balance VALUES (202406, (SELECT id FROM"
                          " account WHERE code = '1000'), 0, 0, 0, 0, 0, 999,"
                          " 1) ON CONFLICT DO UPDATE SET credit = credit +"
                          " 999, postings = postings + 1");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 1);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.p[0].entry_id, 7);
    assert_non_null(strstr(c.p[0].detail, "while it was closed"));
    pb_buf_clear(&text);
}

static void test_check_run__posting_while_state_was_forged_open(void **state)
{
    static const char *const want[] = {"period"};
    fixture *f = *state;
    pbt_check c;
    int64_t id;

    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_period_close(f->b, 202406, NULL, &f->err), PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    /* Reopened by editing the state table instead of pb_period_reopen: the
     * log still says closed. */
    pbt_exec(f->b, "UPDATE period_state SET closed = 0 WHERE period ="
                   " 202406");
    /* Found before anything is posted ... */
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 1);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.p[0].entry_id, 0);
    assert_non_null(strstr(c.p[0].detail, "2024-25 P06 is marked open but"
                                          " its log says closed"));
    /* ... and so is what was posted through the forged state. */
    id = pbt_post_ok(f->b, "2024-09-25 Backdated; 5000 1.00; 1000");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 1);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.p[0].entry_id, id);
    /* A proper reopen and post later is fine. */
    pbt_exec(f->b, "UPDATE period_state SET closed = 1 WHERE period ="
                   " 202406");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_period_reopen(f->b, 202406, "audit query", &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pbt_post_ok(f->b, "2024-09-26 Proper; 5000 1.00; 1000");
    pbt_check_run(f->b, &c);
    assert_int_equal(c.n, 1); /* still only the backdated one */
}

static void test_check_run__period_disagreeing_with_date_is_reported(
    void **state)
{
    fixture *f = *state;
    pbt_check c;
    int i;

    drop_triggers(f);
    pbt_exec(f->b, "UPDATE entry SET period = 202407 WHERE id = 3");
    pbt_check_run(f->b, &c);
    i = pbt_check_find(&c, "period", 3);
    assert_true(i >= 0);
    assert_non_null(strstr(c.p[i].detail, "dated 2024-09-05"));
    expect_chain_broken_at(&c, 3);
}

static void test_check_run__dimension_of_the_wrong_kind_is_reported(
    void **state)
{
    fixture *f = *state;
    pbt_check c;
    int i;

    drop_triggers(f);
    /* A scheme's id where a stream belongs. */
    pbt_exec(f->b, "UPDATE posting SET stream_id = (SELECT id FROM dim WHERE"
                   " code = 'S02') WHERE entry_id = 4 AND line = 1");
    pbt_check_run(f->b, &c);
    i = pbt_check_find(&c, "dimensions", 4);
    assert_true(i >= 0);
    assert_non_null(strstr(c.p[i].detail, "is not a funding stream"));
}

static void test_check_run__reversal_that_does_not_negate_is_reported(
    void **state)
{
    fixture *f = *state;
    pbt_check c;
    int i;

    drop_triggers(f);
    /* Entry 5 reverses entry 4; make it reverse entry 3 instead. */
    pbt_exec(f->b, "UPDATE entry SET reverses = 3 WHERE id = 5");
    pbt_check_run(f->b, &c);
    i = pbt_check_find(&c, "reversal", 5);
    assert_true(i >= 0);
    assert_non_null(strstr(c.p[i].detail, "does not exactly negate entry 3"));
}

static void test_check_run__reversal_of_a_missing_entry_is_a_problem(
    void **state)
{
    fixture *f = *state;
    pbt_check c;

    drop_triggers(f);
    /* Entry 4, which entry 5 reverses, deleted. */
    pbt_exec(f->b, "PRAGMA foreign_keys = OFF");
    pbt_exec(f->b, "DELETE FROM posting WHERE entry_id = 4; DELETE FROM"
                   " entry WHERE id = 4");
    pbt_exec(f->b, "PRAGMA foreign_keys = ON");
    /* Not an error of the run: a problem found. */
    pbt_check_run(f->b, &c);
    assert_true(pbt_check_find(&c, "reversal", 5) >= 0);
    assert_non_null(strstr(c.p[pbt_check_find(&c, "reversal", 5)].detail,
                           "reverse entry 4, which is missing"));
    assert_true(pbt_check_find(&c, "storage", 0) >= 0); /* the foreign key */
    expect_chain_broken_at(&c, 5);
    /* A reference to an entry that never was (a later one, or none). */
    pbt_exec(f->b, "PRAGMA foreign_keys = OFF");
    pbt_exec(f->b, "UPDATE entry SET reverses = 4000 WHERE id = 5");
    pbt_check_run(f->b, &c);
    assert_true(pbt_check_find(&c, "reversal", 5) >= 0);
    pbt_exec(f->b, "UPDATE entry SET reverses = -1 WHERE id = 5");
    pbt_check_run(f->b, &c);
    assert_true(pbt_check_find(&c, "reversal", 5) >= 0);
    pbt_exec(f->b, "PRAGMA foreign_keys = ON");
}

/* A reversal whose stored date is no day (the schema's pattern lets
 * 2024-02-30 through) is a finding about that entry, and the checks after
 * the reversals still run: the damaged cache row below is found too. */
static void test_check_run__reversal_with_an_impossible_date_is_a_problem(
    void **state)
{
    fixture *f = *state;
    pbt_check c;
    int i;

    drop_triggers(f);
    pbt_exec(f->b, "UPDATE entry SET date = '2024-02-30' WHERE id = 5");
    pbt_exec(f->b, "UPDATE balance SET debit = debit + 1 WHERE period ="
                   " 202400 AND account_id = (SELECT id FROM account WHERE"
                   " code = '1000')");
    pbt_check_run(f->b, &c);
    i = pbt_check_find(&c, "reversal", 5);
    if (i < 0) {
        print(&c);
        fail_msg("no reversal problem for entry 5");
    }
    assert_non_null(strstr(c.p[i].detail, "entry 5: the stored date "
                                          "\"2024-02-30\" is not a date"));
    assert_true(pbt_check_find(&c, "cache", 0) >= 0);
}

static void test_check_run__dangling_reference_is_a_storage_problem(
    void **state)
{
    fixture *f = *state;
    pbt_check c;
    int i;

    drop_triggers(f);
    pbt_exec(f->b, "PRAGMA foreign_keys = OFF");
    pbt_exec(f->b, "UPDATE posting SET account_id = 4242 WHERE entry_id = 2"
                   " AND line = 2");
    pbt_exec(f->b, "PRAGMA foreign_keys = ON");
    pbt_check_run(f->b, &c);
    i = pbt_check_find(&c, "storage", 0);
    assert_true(i >= 0);
    assert_non_null(strstr(c.p[i].detail, "posting"));
    i = pbt_check_find(&c, "balance", 2);
    assert_true(i >= 0);
    assert_non_null(strstr(c.p[i].detail, "no account 4242"));
}

static void test_check_run__posting_of_a_missing_entry_is_reported(
    void **state)
{
    fixture *f = *state;
    pbt_check c;
    int i;

    pbt_exec(f->b, "PRAGMA foreign_keys = OFF");
    pbt_exec(f->b, "INSERT INTO posting (entry_id, line, account_id, amount)"
                   " VALUES (99, 1, 1, 5)");
    pbt_exec(f->b, "PRAGMA foreign_keys = ON");
    pbt_check_run(f->b, &c);
    i = pbt_check_find(&c, "balance", 99);
    assert_true(i >= 0);
    assert_non_null(strstr(c.p[i].detail, "missing entry 99"));
}

static void test_check_run__callback_is_optional(void **state)
{
    fixture *f = *state;
    pb_check_summary sum;

    pbt_exec(f->b, "DROP TRIGGER tag_no_delete");
    assert_int_equal(pb_check_run(f->b, 0, NULL, NULL, &sum, &f->err), PB_OK);
    assert_int_equal(sum.problems, 1);
    assert_int_equal(sum.entries, 6);
}


/* ---- 4. the pool model and the reports --------------------------------- */

/* A pool with two budget lines and a virement between them, loaded as an
 * officer would. */
static void load_pool(fixture *f)
{
    static const struct {
        pb_load_kind kind;
        const char *csv;
    } files[] = {
        {PB_LOAD_PARTNERS, "code,name,kind\nSCC,Council,council\n"},
        {PB_LOAD_POOLS, "code,name,basis,host,first_fy\n"
                        "P1,Pool,s75-pooled,SCC,2024-25\n"},
        {PB_LOAD_SCHEMES, "code,name,pool,host\nA,Scheme A,P1,SCC\n"
                          "B,Scheme B,P1,SCC\n"},
        {PB_LOAD_BUDGETS, "pool,fy,scheme,amount\nP1,2024-25,A,1200.00\n"
                          "P1,2024-25,B,600.00\n"},
        {PB_LOAD_VIREMENTS,
         "ref,date,reason,pool,fy,scheme,amount\n"
         "V1,2024-07-01,move,P1,2024-25,A,-90.00\n"
         "V1,,,P1,2024-25,B,90.00\n"},
        {PB_LOAD_FORECASTS, "pool,fy,period,scheme,amount\n"
                            "P1,2024-25,P06,A,1100.00\n"},
    };
    pb_load_result res;
    size_t i;

    for (i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_int_equal(pb_load_mem(f->b, files[i].kind, "t.csv",
                                     files[i].csv, strlen(files[i].csv), 0,
                                     &res, &f->err),
                         PB_OK);
}

static void test_check_run__pool_model_triggers_are_verified(void **state)
{
    static const char *const names[] = {
        "budget_line_no_update",   "budget_line_no_delete",
        "budget_change_no_update", "budget_change_no_delete",
        "virement_no_update",      "virement_no_delete",
        "master_log_no_update",    "master_log_no_delete",
        "forecast_no_update",      "forecast_no_delete",
        "rag_rule_no_update",      "rag_rule_no_delete"};
    static const char *const want[] = {"triggers"};
    fixture *f = *state;
    char sql[256];
    pbt_check c;
    size_t i;

    load_pool(f);
    pbt_assert_clean(f->b);
    /* Each one dropped is reported by name. */
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(sql, sizeof sql, "DROP TRIGGER %s", names[i]);
        pbt_exec(f->b, sql);
        pbt_check_run(f->b, &c);
        expect_only(&c, want, 1);
        assert_int_equal(c.n, i + 1);
        assert_non_null(strstr(c.p[i].detail, names[i]));
    }
}

static void test_check_run__budget_trigger_made_a_no_op(void **state)
{
    static const char *const want[] = {"triggers"};
    fixture *f = *state;
    pbt_check c;

    load_pool(f);
    pbt_exec(f->b, "DROP TRIGGER budget_change_no_update; CREATE TRIGGER"
                   " budget_change_no_update BEFORE UPDATE ON budget_change"
                   " BEGIN SELECT 1; END");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 1);
    assert_non_null(strstr(c.p[0].detail, "no longer refuses changes to "
                                          "budget_change"));
}

/* A virement edited behind poolbook's back so that it creates budget
 * (one leg 0.01 larger), loses a leg, or takes effect on another date:
 * each is reported, naming the virement. */
static void test_check_run__virement_must_net_to_zero(void **state)
{
    static const char *const want[] = {"virements", "triggers"};
    fixture *f = *state;
    pbt_check c;
    int i;

    load_pool(f);
    pbt_exec(f->b, "DROP TRIGGER budget_change_no_update");
    pbt_exec(f->b, "UPDATE budget_change SET amount = amount + 1,"
                   " m12 = m12 + 1 WHERE kind = 'virement' AND amount > 0");
    pbt_check_run(f->b, &c);
    expect_only(&c, want, 2);
    i = pbt_check_find(&c, "virements", 0);
    assert_string_equal(c.p[i].detail,
                        "virement V1 does not net to zero: its legs sum to "
                        "0.01");
    pbt_exec(f->b, "UPDATE budget_change SET effective = '2024-07-02'"
                   " WHERE kind = 'virement' AND amount > 0");
    pbt_check_run(f->b, &c);
    assert_non_null(strstr(c.p[pbt_check_find(&c, "virements", 0) + 1].detail,
                           "do not take effect on its date"));
    pbt_exec(f->b, "DROP TRIGGER budget_change_no_delete;"
                   " DELETE FROM budget_change WHERE kind = 'virement'"
                   " AND amount > 0");
    pbt_check_run(f->b, &c);
    i = pbt_check_find(&c, "virements", 0);
    assert_string_equal(c.p[i].detail,
                        "virement V1 has 1 leg; a virement moves budget "
                        "from one line to another");
}

/* Balanced virements pass: the exact sum, however large the legs. */
static void test_check_run__balanced_virements_pass(void **state)
{
    fixture *f = *state;
    pb_load_result res;
    static const char big[] =
        "ref,date,reason,pool,fy,scheme,amount\n"
        "V2,2024-08-01,big,P1,2024-25,A,-90000000000000000.00\n"
        "V2,,,P1,2024-25,B,90000000000000000.00\n";

    load_pool(f);
    assert_int_equal(pb_load_mem(f->b, PB_LOAD_VIREMENTS, "v.csv", big,
                                 strlen(big), 0, &res, &f->err),
                     PB_OK);
    pbt_assert_clean(f->b);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. a clean book */
        T(test_check_run__clean_book_has_no_problems),
        cmocka_unit_test(test_check_run__empty_book),
        T(test_check_run__inside_a_write_transaction_with_pending_posts),
        /* 2. the hash chain */
        T(test_check_run__altered_posting_amount_breaks_the_chain_there),
        T(test_check_run__altered_description_breaks_the_chain_there),
        cmocka_unit_test(
            test_check_run__altered_tag_memo_or_user_breaks_the_chain),
        T(test_check_run__deleted_postings_are_reported),
        T(test_check_run__inserted_posting_is_reported),
        T(test_check_run__balanced_pair_inserted_still_breaks_the_chain),
        T(test_check_run__deleted_middle_entry_breaks_the_link),
        T(test_check_run__deleted_last_entry_changes_the_head),
        /* 3. the other checks */
        T(test_check_run__entry_outside_its_batch_range_is_reported),
        T(test_check_run__corrupt_cache_row_is_reported),
        T(test_check_run__missing_and_extra_cache_rows_are_reported),
        T(test_check_run__dropped_trigger_is_reported),
        T(test_check_run__trigger_replaced_by_a_no_op_is_reported),
        T(test_check_run__raw_insert_into_a_closed_period_is_reported),
        T(test_check_run__posting_while_state_was_forged_open),
        T(test_check_run__period_disagreeing_with_date_is_reported),
        T(test_check_run__dimension_of_the_wrong_kind_is_reported),
        T(test_check_run__reversal_that_does_not_negate_is_reported),
        T(test_check_run__reversal_of_a_missing_entry_is_a_problem),
        T(test_check_run__reversal_with_an_impossible_date_is_a_problem),
        T(test_check_run__dangling_reference_is_a_storage_problem),
        T(test_check_run__posting_of_a_missing_entry_is_reported),
        T(test_check_run__callback_is_optional),
        /* 4. the pool model and the reports */
        T(test_check_run__pool_model_triggers_are_verified),
        T(test_check_run__budget_trigger_made_a_no_op),
        T(test_check_run__virement_must_net_to_zero),
        T(test_check_run__balanced_virements_pass),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
