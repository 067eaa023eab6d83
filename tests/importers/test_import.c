/*
 * test_import.c - importers/import: the shipped sample exports imported
 * into a real book, with the semantics an auditor relies on.
 *
 * For every preset: the good sample, with every account's balance checked
 * against totals worked out by hand from the file (in the comments);
 * importing it again posts nothing; an overlapping export posts only its
 * new rows; a dry run writes nothing; the bad samples fail with the
 * expected message at the right line or record and leave the book as it
 * was (row counts equal, pb_check_run clean); undo brings the balances
 * back.  XML attacks are refused quickly and read nothing from disk.
 *
 * The book is the test support's standard chart (pbt_book_new) plus a
 * suspense account 9990 "Suspense:Import".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "importers/import.h"
#include "importers/rules.h"
#include "ledger/account.h"
#include "ledger/buf.h"
#include "ledger/journal.h"
#include "ledger/period.h"
#include "tests/support/support.h"

#define EX "fixtures/exports/"
#define RU "fixtures/rules/"

static pb_book *book;
static char *book_path;
static char msg[1024];

static int setup(void **state)
{
    pb_error err;

    (void)state;
    book = pbt_book_new(&book_path);
    assert_int_equal(pb_book_begin(book, &err), PB_OK);
    assert_int_equal(pb_account_add(book, "9990", "Suspense:Import",
                                    PB_ACCOUNT_ASSET, NULL, &err),
                     PB_OK);
    assert_int_equal(pb_book_commit(book, &err), PB_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pbt_book_done(book, book_path);
    book = NULL;
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

typedef struct opts {
    const char *preset, *rules;
    bool strict, dry_run;
    const char *expect; /* --expect-total, or NULL */
} opts;

/* Imports `file` in one transaction, committed unless it fails or is a
 * dry run.  res is initialised here; the caller clears it. */
static int import_file(const char *file, opts o, pb_import_result *res,
                       pb_error *err)
{
    pb_import_options opt;
    pb_rules *rules = NULL;
    pb_amount expect;
    int rc;

    pb_import_result_init(res);
    pb_error_clear(err);
    pb_amount_init(&expect);
    rc = pb_import_load_rules(&rules, o.preset, o.rules, err);
    if (rc != PB_OK)
        return rc;
    memset(&opt, 0, sizeof opt);
    opt.path = file;
    opt.rules = rules;
    opt.rules_file = o.rules;
    opt.strict = o.strict;
    if (o.expect != NULL) {
        pbt_amount_set(&expect, o.expect);
        opt.expect_total = &expect;
    }
    rc = pb_book_begin(book, err);
    if (rc == PB_OK)
        rc = pb_import_file(book, &opt, res, err);
    if (rc == PB_OK && !o.dry_run)
        rc = pb_book_commit(book, err);
    else
        pb_book_rollback(book);
    pb_rules_free(rules);
    pb_amount_clear(&expect);
    return rc;
}

/* Imports and fails the test unless it succeeds. */
static void import_ok(const char *file, opts o, pb_import_result *res)
{
    pb_error err;

    if (import_file(file, o, res, &err) != PB_OK)
        fail_msg("import %s: %s", file, pb_error_format(&err, msg, sizeof msg));
}

/* Imports a file that must be refused; returns the formatted error. */
static const char *import_err(const char *file, opts o)
{
    pb_import_result res;
    pb_error err;
    int rc = import_file(file, o, &res, &err);

    pb_import_result_clear(&res);
    if (rc == PB_OK)
        fail_msg("import %s was accepted", file);
    return pb_error_format(&err, msg, sizeof msg);
}

/* The net balance of an account, in pence. */
static int64_t bal(const char *code)
{
    pb_stmt *st;
    pb_error err;
    int64_t v = 0;

    assert_int_equal(
        pb_book_prepare(book, &st,
                        "SELECT COALESCE(SUM(p.amount), 0) FROM posting p"
                        " JOIN account a ON a.id = p.account_id"
                        " WHERE a.code = ?",
                        &err),
        PB_OK);
    pb_stmt_bind_text(st, 1, code);
    if (pb_stmt_step(st, &err) == PB_ROW)
        v = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    return v;
}

/* A dimension total from a result, in canonical text. */
static const char *dim_total(const pb_import_result *res, pb_dim_kind k,
                             const char *code)
{
    size_t i;

    for (i = 0; i < res->ndims[k]; i++) {
        if (strcmp(res->dims[k][i].key, code) == 0)
            return pbt_amt(&res->dims[k][i].amount);
    }
    return "none";
}

static const char *acct_total(const pb_import_result *res, const char *code)
{
    size_t i;

    for (i = 0; i < res->naccounts; i++) {
        if (strcmp(res->accounts[i].key, code) == 0)
            return pbt_amt(&res->accounts[i].amount);
    }
    return "none";
}

/* What must not change when an import is refused. */
typedef struct snapshot {
    int64_t entries, postings, tags, batches, imports, dims, balances;
} snapshot;

static void snap(snapshot *s)
{
    s->entries = pbt_entries(book);
    s->postings = pbt_postings(book);
    s->tags = pbt_int(book, "SELECT count(*) FROM tag");
    s->batches = pbt_int(book, "SELECT count(*) FROM batch");
    s->imports = pbt_int(book, "SELECT count(*) FROM import_batch");
    s->dims = pbt_int(book, "SELECT count(*) FROM dim");
    s->balances = pbt_int(book, "SELECT count(*) FROM balance");
}

static void assert_unchanged(const snapshot *before)
{
    snapshot now;

    snap(&now);
    assert_int_equal(now.entries, before->entries);
    assert_int_equal(now.postings, before->postings);
    assert_int_equal(now.tags, before->tags);
    assert_int_equal(now.batches, before->batches);
    assert_int_equal(now.imports, before->imports);
    assert_int_equal(now.dims, before->dims);
    assert_int_equal(now.balances, before->balances);
    pbt_assert_clean(book);
}

/* Refused, with exactly this message, and the book as it was. */
static void assert_refused(const char *file, opts o, const char *want)
{
    snapshot before;

    snap(&before);
    assert_string_equal(import_err(file, o), want);
    assert_unchanged(&before);
}

static int64_t entry_of_ref(const char *source, const char *ref)
{
    pb_stmt *st;
    pb_error err;
    int64_t v = 0;

    assert_int_equal(pb_book_prepare(book, &st,
                                     "SELECT id FROM entry WHERE source = ?"
                                     " AND source_ref = ? AND reverses IS"
                                     " NULL ORDER BY id DESC LIMIT 1",
                                     &err),
                     PB_OK);
    pb_stmt_bind_text(st, 1, source);
    pb_stmt_bind_text(st, 2, ref);
    if (pb_stmt_step(st, &err) == PB_ROW)
        v = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    return v;
}

/* The value of tag `key` on entry id, line 0 ("" if none). */
static const char *entry_tag(int64_t id, size_t line_want, const char *key)
{
    static char value[256];
    pb_entry *e = pb_entry_new();
    pb_error err;
    size_t i;

    value[0] = '\0';
    assert_int_equal(pb_journal_get(book, id, e, &err), PB_OK);
    for (i = 0; i < pb_entry_tag_count(e); i++) {
        size_t line;
        const char *k, *v;

        pb_entry_tag(e, i, &line, &k, &v);
        if (line == line_want && strcmp(k, key) == 0)
            snprintf(value, sizeof value, "%s", v);
    }
    pb_entry_free(e);
    return value;
}

/* The entry's source position ("line 4", "lines 4-6", "record 4"). */
static const char *entry_pos(int64_t id)
{
    static char value[256];
    pb_entry *e = pb_entry_new();
    pb_error err;

    assert_int_equal(pb_journal_get(book, id, e, &err), PB_OK);
    snprintf(value, sizeof value, "%s",
             pb_entry_source_pos(e) != NULL ? pb_entry_source_pos(e) : "");
    pb_entry_free(e);
    return value;
}

static const opts SPEND = {NULL, RU "spend500-scc.rules", false, false, NULL};
static const opts UNIT4 = {"unit4-gl", NULL, false, false, NULL};
static const opts ISFE = {"isfe", NULL, false, false, NULL};
static const opts CAMT = {NULL, RU "camt053-pool.rules", false, false, NULL};
static const opts OFX = {NULL, RU "ofx-pool.rules", false, false, NULL};

/* ---- Transparency Code spend ---------------------------------------------
 * spend500-2024-05.csv (Windows-1252, CRLF, a title line):
 *   7000101 Reablement   12,500.00   -> 5000 BCF S01
 *   7000102 Reablement    3,250.75   -> 5000 BCF S01
 *   7000103 Integrated   28,000.00   -> 5200 BCF S02
 *   7000104 Integrated   (1,200.00)  -> 5200 BCF S02
 *   7000105 Housing       8,740.00 + 437.00 VAT = 9,177.00 -> 5100 DFG
 *   7000106 Carers grant  1,500.00   -> 5100 IBCF S03 (matches /grant/i)
 *   7000107 Corporate       612.40   -> unmatched, 9990
 * 5000 = 15,750.75; 5200 = 26,800.00; 5100 = 10,677.00; 9990 = 612.40;
 * 2000 = -(53,840.15), the file total. */

static void test_spend500__good_sample_exact_totals(void **state)
{
    pb_import_result res;
    int64_t id;

    (void)state;
    import_ok(EX "spend500-2024-05.csv", SPEND, &res);
    assert_int_equal(res.rows_read, 7);
    assert_int_equal(res.rows_posted, 7);
    assert_int_equal(res.rows_skipped, 0);
    assert_int_equal(res.rows_unmatched, 1);
    assert_int_equal(res.entries, 7);
    assert_string_equal(pbt_amt(&res.file_total), "53840.15");
    assert_string_equal(pbt_amt(&res.posted_total), "53840.15");
    assert_int_equal(bal("5000"), 1575075);
    assert_int_equal(bal("5200"), 2680000);
    assert_int_equal(bal("5100"), 1067700);
    assert_int_equal(bal("9990"), 61240);
    assert_int_equal(bal("2000"), -5384015);
    assert_string_equal(dim_total(&res, PB_DIM_STREAM, "BCF"), "42550.75");
    assert_string_equal(dim_total(&res, PB_DIM_STREAM, "DFG"), "9177.00");
    assert_string_equal(dim_total(&res, PB_DIM_STREAM, "IBCF"), "1500.00");
    assert_string_equal(dim_total(&res, PB_DIM_SCHEME, "S02"), "26800.00");
    assert_string_equal(acct_total(&res, "2000"), "-53840.15");
    assert_int_equal(res.nunmatched, 1);
    assert_int_equal(res.unmatched[0].line, 10);
    assert_string_equal(pbt_amt(&res.unmatched[0].amount), "612.40");
    assert_string_equal(res.unmatched[0].description,
                        "Office Supplies plc - Stationery");
    /* provenance: source row, file line, batch; tags hashed in */
    id = entry_of_ref("spend500", "7000101");
    assert_true(id > 0);
    assert_string_equal(entry_pos(id), "line 4");
    assert_string_equal(entry_tag(id, 0, "source-line"), "");
    assert_int_equal(pbt_int(book, "SELECT count(*) FROM entry WHERE"
                                   " batch_id = (SELECT max(batch_id) FROM"
                                   " import_batch)"),
                     7);
    assert_string_equal(
        entry_tag(entry_of_ref("spend500", "7000106"), 0, "grant"), "yes");
    assert_string_equal(
        entry_tag(entry_of_ref("spend500", "7000107"), 0, "unmatched"),
        "no rule matched");
    assert_string_equal(
        entry_tag(entry_of_ref("spend500", "7000105"), 0, "service-area"),
        "Housing - Disabled Facilities");
    pbt_assert_clean(book);
    pb_import_result_clear(&res);
}

static void test_spend500__reimport_posts_nothing(void **state)
{
    pb_import_result a, b;
    snapshot before;

    (void)state;
    import_ok(EX "spend500-2024-05.csv", SPEND, &a);
    snap(&before);
    import_ok(EX "spend500-2024-05.csv", SPEND, &b);
    assert_int_equal(b.already, a.batch);
    assert_int_equal(b.batch, 0);
    assert_int_equal(b.entries, 0);
    assert_unchanged(&before);
    pb_import_result_clear(&a);
    pb_import_result_clear(&b);
}

/* The re-export repeats 7000105-7 and adds 7000108 (reablement 2,000.00)
 * and 7000109 (carers grant 450.00): only those two post. */
static void test_spend500__overlap_posts_only_new_rows(void **state)
{
    pb_import_result a, b;

    (void)state;
    import_ok(EX "spend500-2024-05.csv", SPEND, &a);
    import_ok(EX "spend500-2024-05-rerun.csv", SPEND, &b);
    assert_int_equal(b.rows_read, 5);
    assert_int_equal(b.rows_skipped, 3);
    assert_int_equal(b.rows_posted, 2);
    assert_int_equal(b.entries, 2);
    assert_string_equal(pbt_amt(&b.posted_total), "2450.00");
    /* file total: 9,177.00 + 1,500.00 + 612.40 + 2,000.00 + 450.00 */
    assert_string_equal(pbt_amt(&b.file_total), "13739.40");
    assert_int_equal(bal("5000"), 1575075 + 200000);
    assert_int_equal(bal("5100"), 1067700 + 45000);
    assert_int_equal(bal("2000"), -5384015 - 245000);
    pbt_assert_clean(book);
    pb_import_result_clear(&a);
    pb_import_result_clear(&b);
}

static void test_spend500__dry_run_writes_nothing(void **state)
{
    pb_import_result res;
    opts o = SPEND;
    snapshot before;

    (void)state;
    o.dry_run = true;
    snap(&before);
    import_ok(EX "spend500-2024-05.csv", o, &res);
    assert_int_equal(res.entries, 7);
    assert_string_equal(acct_total(&res, "5000"), "15750.75");
    assert_string_equal(acct_total(&res, "9990"), "612.40");
    assert_unchanged(&before);
    pb_import_result_clear(&res);
    /* and it was not recorded as imported */
    import_ok(EX "spend500-2024-05.csv", SPEND, &res);
    assert_int_equal(res.already, 0);
    assert_int_equal(res.entries, 7);
    pb_import_result_clear(&res);
}

static void test_spend500__bad_samples(void **state)
{
    opts utf8 = {NULL, RU "spend500-utf8.rules", false, false, NULL};

    (void)state;
    assert_refused(EX "spend500-bad-date.csv", SPEND,
                   EX "spend500-bad-date.csv:4: date: \"31/02/2024\": no "
                      "such day");
    assert_refused(EX "spend500-bad-amount.csv", SPEND,
                   EX "spend500-bad-amount.csv:5: amount: \"12,00.00\": "
                      "misplaced thousands separator");
    assert_refused(
        EX "spend500-missing-column.csv", SPEND,
        EX "spend500-missing-column.csv:1: no column for field 'amount' "
           "(looked for: amount, net amount, value, amount excl vat, amount "
           "excluding vat, net, net value, amount paid, transaction amount, "
           "expenditure); the header has: Body Name, Service Area, Expenses "
           "Type, Payment Date, Transaction Number, Cost (£), Irrecoverable "
           "VAT, Supplier Name (no header row with every field was found)");
    assert_refused(EX "spend500-ragged.csv", SPEND,
                   EX "spend500-ragged.csv:6: the row has 9 fields; the "
                      "header (line 1) has 8");
    assert_refused(EX "spend500-bad-utf8.csv", utf8,
                   EX "spend500-bad-utf8.csv:7:67: invalid UTF-8 byte "
                      "0xA3");
}

/* Undo reverses every entry: each account the batch touched is back to
 * zero; the file can then be imported again. */
static void test_spend500__undo_reverses_exactly(void **state)
{
    pb_import_result res, again;
    int64_t undo = 0, n = 0;
    pb_error err;

    (void)state;
    import_ok(EX "spend500-2024-05.csv", SPEND, &res);
    assert_int_equal(pb_book_begin(book, &err), PB_OK);
    assert_int_equal(
        pb_import_undo(book, res.batch, "wrong month", NULL, &undo, &n, &err),
        PB_OK);
    assert_int_equal(pb_book_commit(book, &err), PB_OK);
    assert_int_equal(n, 7);
    assert_true(undo > res.batch);
    assert_int_equal(bal("5000"), 0);
    assert_int_equal(bal("5100"), 0);
    assert_int_equal(bal("5200"), 0);
    assert_int_equal(bal("9990"), 0);
    assert_int_equal(bal("2000"), 0);
    assert_int_equal(pbt_entries(book), 14); /* never deleted */
    assert_int_equal(pbt_int(book, "SELECT count(*) FROM entry WHERE"
                                   " reverses IS NOT NULL"),
                     7);
    pbt_assert_clean(book);
    /* undone: the same file imports again, as a new batch */
    import_ok(EX "spend500-2024-05.csv", SPEND, &again);
    assert_int_equal(again.already, 0);
    assert_int_equal(again.entries, 7);
    assert_int_equal(bal("2000"), -5384015);
    pb_import_result_clear(&res);
    pb_import_result_clear(&again);
}

/* ---- Unit4 GL --------------------------------------------------------------
 * unit4-gl-2024-06.csv: V24001 (P03: 2024-06-30) 5000 +1,200.00 / 2000;
 * V24002 (P03) 5100 +350.50, 5200 +149.50 / 2000 -500.00;
 * V24003 (P13: 2025-03-31 in period 13) 5000 +75.25 / 2000.
 * 5000 = 1,275.25; 5100 = 350.50; 5200 = 149.50; 2000 = -1,775.25. */

static void test_unit4__good_sample_exact_totals(void **state)
{
    pb_import_result res;
    pb_entry *e = pb_entry_new();
    pb_error err;
    int64_t id;

    (void)state;
    import_ok(EX "unit4-gl-2024-06.csv", UNIT4, &res);
    assert_int_equal(res.rows_read, 7);
    assert_int_equal(res.entries, 3);
    assert_string_equal(pbt_amt(&res.file_total), "0.00");
    assert_int_equal(bal("5000"), 127525);
    assert_int_equal(bal("5100"), 35050);
    assert_int_equal(bal("5200"), 14950);
    assert_int_equal(bal("2000"), -177525);
    assert_string_equal(dim_total(&res, PB_DIM_COST_CENTRE, "RB01"), "1275.25");
    assert_string_equal(dim_total(&res, PB_DIM_COST_CENTRE, "FIN00"),
                        "-1775.25");
    id = entry_of_ref("unit4-gl", "V24002");
    assert_int_equal(pb_journal_get(book, id, e, &err), PB_OK);
    assert_int_equal(pb_entry_count(e), 3);
    assert_int_equal(pb_entry_period(e), 202403);
    assert_string_equal(entry_pos(id), "lines 4-6");
    /* posting n is the group's n-th row */
    assert_string_equal(entry_tag(id, 2, "source-line"), "");
    assert_string_equal(pb_entry_reference(e), "V24002");
    id = entry_of_ref("unit4-gl", "V24003");
    assert_int_equal(pb_journal_get(book, id, e, &err), PB_OK);
    assert_int_equal(pb_entry_period(e), 202413);
    assert_int_equal(pb_entry_date(e), pbt_date("2025-03-31"));
    pbt_assert_clean(book);
    pb_entry_free(e);
    pb_import_result_clear(&res);
}

static void test_unit4__reimport_overlap_dry_run(void **state)
{
    pb_import_result a, b, c;
    opts dry = UNIT4;
    snapshot before;

    (void)state;
    dry.dry_run = true;
    snap(&before);
    import_ok(EX "unit4-gl-2024-06.csv", dry, &a);
    assert_int_equal(a.entries, 3);
    assert_unchanged(&before);
    pb_import_result_clear(&a);
    import_ok(EX "unit4-gl-2024-06.csv", UNIT4, &a);
    snap(&before);
    import_ok(EX "unit4-gl-2024-06.csv", UNIT4, &b);
    assert_int_equal(b.already, a.batch);
    assert_unchanged(&before);
    /* V24002, V24003 again and V24004 (5000 +400.00 / 2000) new */
    import_ok(EX "unit4-gl-2024-06-rerun.csv", UNIT4, &c);
    assert_int_equal(c.rows_read, 7);
    assert_int_equal(c.rows_skipped, 5);
    assert_int_equal(c.rows_posted, 2);
    assert_int_equal(c.entries, 1);
    assert_int_equal(bal("5000"), 127525 + 40000);
    assert_int_equal(bal("2000"), -177525 - 40000);
    pbt_assert_clean(book);
    pb_import_result_clear(&a);
    pb_import_result_clear(&b);
    pb_import_result_clear(&c);
}

static void test_unit4__bad_samples(void **state)
{
    (void)state;
    assert_refused(EX "unit4-gl-unbalanced.csv", UNIT4,
                   EX "unit4-gl-unbalanced.csv:4: the rows grouped as "
                      "\"V24005\" (lines 4-5) do not balance: debits 100.00, "
                      "credits 90.00, difference 10.00");
    assert_refused(EX "unit4-gl-bad-period.csv", UNIT4,
                   EX "unit4-gl-bad-period.csv:4: period: \"202417\": the "
                      "period must be 00 to 16");
}

/* ---- Oracle / NHS ISFE ------------------------------------------------------
 * isfe-2024-05.csv: journal 880101 (15-MAY-24) 1000 DR 2,500,000.00 /
 * 4100 CR 2,500,000.00; journal 880102 (28-MAY-24) 5200 DR 61,250.00,
 * 5000 DR 8,750.00 / 2000 CR 70,000.00. */

static void test_isfe__good_sample_exact_totals(void **state)
{
    pb_import_result res;
    pb_entry *e = pb_entry_new();
    pb_error err;

    (void)state;
    import_ok(EX "isfe-2024-05.csv", ISFE, &res);
    assert_int_equal(res.rows_read, 5);
    assert_int_equal(res.entries, 2);
    assert_int_equal(bal("1000"), 250000000);
    assert_int_equal(bal("4100"), -250000000);
    assert_int_equal(bal("5200"), 6125000);
    assert_int_equal(bal("5000"), 875000);
    assert_int_equal(bal("2000"), -7000000);
    assert_int_equal(
        pb_journal_get(book, entry_of_ref("isfe", "880102"), e, &err), PB_OK);
    assert_int_equal(pb_entry_date(e), pbt_date("2024-05-28"));
    assert_string_equal(pb_entry_reference(e), "Discharge to assess May-24");
    assert_string_equal(pb_entry_dim(e, 1, PB_DIM_COST_CENTRE), "D2A01");
    assert_string_equal(entry_tag(pb_entry_id(e), 0, "entity"), "15N");
    assert_string_equal(entry_tag(pb_entry_id(e), 0, "period-name"), "MAY-24");
    pbt_assert_clean(book);
    pb_entry_free(e);
    pb_import_result_clear(&res);
}

static void test_isfe__reimport_overlap_dry_run(void **state)
{
    pb_import_result a, b;
    opts dry = ISFE;
    snapshot before;

    (void)state;
    dry.dry_run = true;
    snap(&before);
    import_ok(EX "isfe-2024-05.csv", dry, &a);
    assert_unchanged(&before);
    pb_import_result_clear(&a);
    import_ok(EX "isfe-2024-05.csv", ISFE, &a);
    pb_import_result_clear(&a);
    import_ok(EX "isfe-2024-05.csv", ISFE, &a);
    assert_true(a.already > 0);
    pb_import_result_clear(&a);
    /* 880102 again; 880103 5100 DR 1,234.56 / 2000 CR new */
    import_ok(EX "isfe-2024-05-rerun.csv", ISFE, &b);
    assert_int_equal(b.rows_skipped, 3);
    assert_int_equal(b.entries, 1);
    assert_int_equal(bal("5100"), 123456);
    assert_int_equal(bal("2000"), -7000000 - 123456);
    pb_import_result_clear(&b);
}

static void test_isfe__bad_samples(void **state)
{
    (void)state;
    assert_refused(EX "isfe-unbalanced.csv", ISFE,
                   EX "isfe-unbalanced.csv:4: the rows grouped as \"880104\" "
                      "(lines 4-5) do not balance: debits 500.00, credits "
                      "499.99, difference 0.01");
    assert_refused(EX "isfe-bad-date.csv", ISFE,
                   EX "isfe-bad-date.csv:5: date: \"28-MAI-24\": not a date "
                      "(expected dd-mon-yy)");
}

/* ---- camt.053 ---------------------------------------------------------------
 * camt053-2024-04.xml, opening 10,000.00:
 *   1 CRDT 250,000.00 from the ICB      -> 4100 (credit) BCF ICB
 *   2 DBIT  12,345.67 "REABLEMENT"      -> 5000 BCF S01
 *   3 DBIT     500.00 "DFG GRANT"       -> 5100 DFG
 *   4 CRDT     500.00 reversal of 3     -> 5100 DFG, tagged
 *   5 DBIT      99.99 pending           -> left out (skip rule)
 *   6 DBIT      45.00 "ACCOUNT FEE"     -> unmatched, 9990
 * closing 247,609.33 = 10,000 + 250,000 - 12,345.67 - 500 + 500 - 45.
 * Bank 1000 = +237,609.33, the file total. */

static void test_camt053__good_sample_exact_totals(void **state)
{
    pb_import_result res;

    (void)state;
    import_ok(EX "camt053-2024-04.xml", CAMT, &res);
    assert_true(res.xml);
    assert_int_equal(res.rows_read, 5);
    assert_int_equal(res.rows_ignored, 1);
    assert_int_equal(res.rows_posted, 5);
    assert_int_equal(res.rows_unmatched, 1);
    assert_string_equal(pbt_amt(&res.file_total), "237609.33");
    assert_int_equal(bal("1000"), 23760933);
    assert_int_equal(bal("4100"), -25000000);
    assert_int_equal(bal("5000"), 1234567);
    assert_int_equal(bal("5100"), 0);
    assert_int_equal(bal("9990"), 4500);
    assert_int_equal(res.unmatched[0].record, 6);
    assert_string_equal(res.unmatched[0].description, "ACCOUNT FEE APR");
    assert_string_equal(dim_total(&res, PB_DIM_PARTNER, "ICB"), "-250000.00");
    assert_string_equal(entry_tag(entry_of_ref("camt053", "NWB240416000001"), 0,
                                  "bank-reversal"),
                        "true");
    assert_string_equal(entry_pos(entry_of_ref("camt053", "NWB240416000001")),
                        "record 4");
    assert_int_equal(entry_of_ref("camt053", "NWB240430000009"), 0);
    pbt_assert_clean(book);
    pb_import_result_clear(&res);
}

/* The interim statement (entries 1-3) first, then the month: only 4 and 6
 * post; both statements reconcile on their own. */
static void test_camt053__interim_then_month(void **state)
{
    pb_import_result a, b, c;
    opts dry = CAMT;
    snapshot before;

    (void)state;
    import_ok(EX "camt053-2024-04-interim.xml", CAMT, &a);
    assert_int_equal(a.entries, 3);
    assert_string_equal(pbt_amt(&a.file_total), "237154.33");
    dry.dry_run = true;
    snap(&before);
    import_ok(EX "camt053-2024-04.xml", dry, &b);
    assert_int_equal(b.entries, 2);
    assert_unchanged(&before);
    pb_import_result_clear(&b);
    import_ok(EX "camt053-2024-04.xml", CAMT, &b);
    assert_int_equal(b.rows_skipped, 3);
    assert_int_equal(b.entries, 2);
    assert_string_equal(pbt_amt(&b.posted_total), "455.00");
    assert_int_equal(bal("1000"), 23760933);
    snap(&before);
    import_ok(EX "camt053-2024-04.xml", CAMT, &c);
    assert_int_equal(c.already, b.batch);
    assert_unchanged(&before);
    pb_import_result_clear(&a);
    pb_import_result_clear(&b);
    pb_import_result_clear(&c);
}

/* A later schema version (.001.08: Sts/Cd, Pty/Nm, BookgDt/DtTm), with
 * PRCD as the opening balance: 247,609.33 + 10,000 - 2,000 = 255,609.33. */
static void test_camt053__version_08(void **state)
{
    pb_import_result res;

    (void)state;
    import_ok(EX "camt053-2024-05-v08.xml", CAMT, &res);
    assert_int_equal(res.entries, 2);
    assert_int_equal(bal("4000"), -1000000);
    assert_int_equal(bal("5100"), 200000);
    assert_int_equal(bal("1000"), 800000);
    assert_string_equal(dim_total(&res, PB_DIM_SCHEME, "S03"), "2000.00");
    pb_import_result_clear(&res);
}

static void test_camt053__bad_samples(void **state)
{
    (void)state;
    assert_refused(EX "camt053-bad-date.xml", CAMT,
                   EX "camt053-bad-date.xml:70: date: record 2: "
                      "\"2024-04-31\": no such day");
    assert_refused(EX "camt053-bad-amount.xml", CAMT,
                   EX "camt053-bad-amount.xml:98: amount: record 3: "
                      "\"5OO.00\": unexpected \"O\"");
    assert_refused(EX "camt053-unbalanced.xml", CAMT,
                   EX "camt053-unbalanced.xml:9: statement 1: the entries do "
                      "not reconcile with the balances: opening 10,000.00 + "
                      "entries 237,609.33 = 247,609.33, but the closing "
                      "balance is 247,619.33 (difference -10.00)");
    assert_refused(EX "camt053-wrong-namespace.xml", CAMT,
                   EX "camt053-wrong-namespace.xml:3: the root element is "
                      "Document in namespace "
                      "urn:iso:std:iso:20022:tech:xsd:camt.052.001.02; the "
                      "rules expect c:Document with c = "
                      "urn:iso:std:iso:20022:tech:xsd:camt.053.001.*");
    assert_refused(EX "camt053-truncated.xml", CAMT,
                   EX "camt053-truncated.xml:109: the document ends before "
                      "its elements are closed (is the file truncated?)");
    assert_refused(EX "camt053-bad-utf8.xml", CAMT,
                   EX "camt053-bad-utf8.xml:121:32: XML is not well-formed: "
                      "Input is not proper UTF-8, indicate encoding ! Bytes: "
                      "0xA3 0x20 0x30 0x30");
}

/* Reads the whole of a file into out (the book and its WAL). */
static void slurp(const char *path, pb_buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (f == NULL)
        return;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        pb_buf_add(out, chunk, n);
    fclose(f);
}

static bool book_contains(const char *marker)
{
    pb_buf all = PB_BUF_INIT;
    char *wal = pbt_path_sibling(book_path, "-wal");
    size_t i, m = strlen(marker);
    bool found = false;

    slurp(book_path, &all);
    slurp(wal, &all);
    for (i = 0; i + m <= all.len && !found; i++)
        found = memcmp(all.data + i, marker, m) == 0;
    pb_buf_clear(&all);
    free(wal);
    return found;
}

/* XXE pointing at a local file with a unique marker, billion laughs,
 * quadratic blowup: each refused in well under a second, nothing posted,
 * and the marker nowhere in the book or the message. */
static void test_camt053__attacks_refused(void **state)
{
    static const char *const samples[] = {
        EX "camt053-billion-laughs.xml",
        EX "camt053-quadratic-blowup.xml",
        EX "camt053-xxe.xml",
    };
    char marker[64], doc[2048];
    char *secret = pbt_path_sibling(book_path, "-secret.txt");
    char *xxe = pbt_path_sibling(book_path, "-xxe.xml");
    const char *got;
    snapshot before;
    FILE *f;
    size_t i;
    clock_t t0;

    (void)state;
    snprintf(marker, sizeof marker, "PB-SECRET-%ld-%ld", (long)getpid(),
             (long)time(NULL));
    f = fopen(secret, "w");
    assert_non_null(f);
    fputs(marker, f);
    fclose(f);
    snprintf(doc, sizeof doc,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE Document [<!ENTITY s SYSTEM \"file://%s\">]>\n"
             "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001."
             "02\"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy=\"GBP\">1.00</Amt>"
             "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>"
             "2024-04-02</Dt></BookgDt><AcctSvcrRef>X1</AcctSvcrRef>"
             "<AddtlNtryInf>&s;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt>"
             "</Document>\n",
             secret);
    f = fopen(xxe, "w");
    assert_non_null(f);
    fputs(doc, f);
    fclose(f);

    snap(&before);
    t0 = clock();
    got = import_err(xxe, CAMT);
    assert_true(clock() - t0 < CLOCKS_PER_SEC);
    assert_non_null(strstr(got, ":2: the document's DOCTYPE has an internal "
                                "subset, where entities are declared; "
                                "refused"));
    assert_null(strstr(got, marker));
    assert_unchanged(&before);
    assert_false(book_contains(marker));
    for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        t0 = clock();
        got = import_err(samples[i], CAMT);
        assert_true(clock() - t0 < CLOCKS_PER_SEC);
        assert_non_null(strstr(got, "has an internal subset, where entities "
                                    "are declared; refused"));
        assert_unchanged(&before);
    }
    unlink(secret);
    unlink(xxe);
    free(secret);
    free(xxe);
}

/* ---- OFX
 * ---------------------------------------------------------------------
 * ofx-2024-04.ofx: +1,500.00 council (4000 IBCF COUNCIL); -320.00
 * reablement (5000); -12.50 fee and -75.00 cheque unmatched (9990).
 * Bank 1000 = +1,092.50; 9990 = 87.50. */

static void test_ofx__good_sample_exact_totals(void **state)
{
    pb_import_result res;
    pb_entry *e = pb_entry_new();
    pb_error err;

    (void)state;
    import_ok(EX "ofx-2024-04.ofx", OFX, &res);
    assert_int_equal(res.entries, 4);
    assert_int_equal(res.rows_unmatched, 2);
    assert_string_equal(pbt_amt(&res.file_total), "1092.50");
    assert_int_equal(bal("1000"), 109250);
    assert_int_equal(bal("4000"), -150000);
    assert_int_equal(bal("5000"), 32000);
    assert_int_equal(bal("9990"), 8750);
    assert_int_equal(
        pb_journal_get(book, entry_of_ref("ofx", "202404240004"), e, &err),
        PB_OK);
    assert_string_equal(pb_entry_reference(e), "000123");
    assert_string_equal(pb_entry_description(e),
                        "OFFICE SUPPLIES PLC STATIONERY");
    assert_string_equal(entry_tag(pb_entry_id(e), 0, "ofx-type"), "CHECK");
    pb_entry_free(e);
    pb_import_result_clear(&res);
}

static void test_ofx__reimport_overlap_dry_run_bad(void **state)
{
    pb_import_result a, b;
    opts dry = OFX;
    snapshot before;

    (void)state;
    dry.dry_run = true;
    snap(&before);
    import_ok(EX "ofx-2024-04.ofx", dry, &a);
    assert_int_equal(a.entries, 4);
    assert_unchanged(&before);
    pb_import_result_clear(&a);
    import_ok(EX "ofx-2024-04.ofx", OFX, &a);
    pb_import_result_clear(&a);
    import_ok(EX "ofx-2024-04.ofx", OFX, &a);
    assert_true(a.already > 0);
    /* two repeated, +2,000.00 from the ICB new */
    import_ok(EX "ofx-2024-04-rerun.ofx", OFX, &b);
    assert_int_equal(b.rows_skipped, 2);
    assert_int_equal(b.entries, 1);
    assert_int_equal(bal("4100"), -200000);
    assert_int_equal(bal("1000"), 109250 + 200000);
    assert_refused(EX "ofx-bad-date.ofx", OFX,
                   EX "ofx-bad-date.ofx:33: date: record 2: \"20240431\": no "
                      "such day");
    assert_refused(EX "ofx1-2024-04.ofx", OFX,
                   EX "ofx1-2024-04.ofx:1: this is an OFX 1.x file (SGML, not "
                      "XML); export the statement as OFX 2 (XML) instead");
    pb_import_result_clear(&a);
    pb_import_result_clear(&b);
}

/* ---- a rules file of its own: SAP, flag S/H, decimal comma ----------------
 * 5000 RB01: +1,250.00 (S) -50.00 (H); 5100: +480.25; 7777 unmatched:
 * +99.99.  Total 1,780.24, as the rules' expect-total says. */

static void test_sap_rules__flag_and_expect_total(void **state)
{
    pb_import_result res;
    opts sap = {NULL, RU "sap-acdoca.rules", false, false, NULL};

    (void)state;
    import_ok(EX "sap-acdoca-2024-07.csv", sap, &res);
    assert_int_equal(res.entries, 4);
    assert_int_equal(bal("5000"), 120000);
    assert_int_equal(bal("5100"), 48025);
    assert_int_equal(bal("9990"), 9999);
    assert_int_equal(bal("2000"), -178024);
    assert_string_equal(dim_total(&res, PB_DIM_STREAM, "BCF"), "1200.00");
    pb_import_result_clear(&res);
}

/* ---- driver refusals ---------------------------------------------------- */

static void test_import_refusals__expect_total_and_strict(void **state)
{
    opts o = OFX;
    char rules[] = "preset ofx\ncontra 1000\nexpect-total 1000.00\n";
    char *rpath = pbt_path_sibling(book_path, "-x.rules");
    FILE *f = fopen(rpath, "w");

    (void)state;
    o.expect = "1092.49";
    assert_refused(EX "ofx-2024-04.ofx", o,
                   EX "ofx-2024-04.ofx: the file's total is 1,092.50, but "
                      "--expect-total expects 1,092.49 (difference 0.01)");
    assert_non_null(f);
    fputs(rules, f);
    fclose(f);
    o.rules = rpath;
    o.expect = NULL;
    assert_refused(EX "ofx-2024-04.ofx", o,
                   EX "ofx-2024-04.ofx: the file's total is 1,092.50, but the "
                      "rules' expect-total expects 1,000.00 (difference "
                      "92.50)");
    o.expect = "1092.50"; /* the option overrides the rules */
    {
        pb_import_result res;

        import_ok(EX "ofx-2024-04.ofx", o, &res);
        pb_import_result_clear(&res);
    }
    o = SPEND;
    o.strict = true;
    assert_refused(EX "spend500-2024-05-rerun.csv", o,
                   EX "spend500-2024-05-rerun.csv:6: no rule gives this row "
                      "an account (\"Office Supplies plc - Stationery\"); "
                      "a strict import refuses unmatched rows");
    unlink(rpath);
    free(rpath);
}

/* Writes a small CSV into the test directory and returns its path. */
static char *csv_file(const char *name, const char *text)
{
    char *path = pbt_path_sibling(book_path, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static char *rules_file(const char *text)
{
    return csv_file("-t.rules", text);
}

/* The journal's refusals come back located at the file's line. */
static void test_import_refusals__journal_at_line(void **state)
{
    char *data = csv_file("-a.csv", "d,a,x,r\n"
                                    "2024-04-01,1.00,ok,R1\n"
                                    "2024-05-02,2.00,typo,R2\n");
    char *rules = rules_file("reader csv\nsource t\ndate d iso\namount a\n"
                             "description {x}\nsource-ref {r}\ncontra 2000\n"
                             "account 5000 stream=BCF\n"
                             "if x is typo\n    stream BFC\n");
    opts o = {NULL, rules, false, false, NULL};
    char want[512];
    pb_error err;

    (void)state;
    snprintf(want, sizeof want,
             "%s:3: unknown funding stream \"BFC\" (did you mean \"BCF\"?)",
             data);
    assert_refused(data, o, want);
    free(rules);
    rules = rules_file("reader csv\nsource t\ndate d iso\namount a\n"
                       "description {x}\nsource-ref {r}\ncontra 2000\n"
                       "account 5000\nif x is typo\n    account 5001\n");
    o.rules = rules;
    snprintf(want, sizeof want,
             "%s:3: unknown account \"5001\" (did you mean \"5000\"?)", data);
    assert_refused(data, o, want);
    free(rules);
    rules = rules_file("reader csv\nsource t\ndate d iso\namount a\n"
                       "description {x}\nsource-ref {r}\ncontra 2000\n"
                       "account 5000\n");
    o.rules = rules;
    assert_int_equal(pb_book_begin(book, &err), PB_OK);
    assert_int_equal(pb_period_close(book, 202402, NULL, &err), PB_OK);
    assert_int_equal(pb_book_commit(book, &err), PB_OK);
    snprintf(want, sizeof want,
             "%s:3: period 2024-25 P02 is closed; post into an open period "
             "(or reopen it, with a reason)",
             data);
    assert_refused(data, o, want);
    free(rules);
    free(data);
}

/* References must be unique within a file; groups must be together and
 * of one date. */
static void test_import_refusals__duplicates_and_groups(void **state)
{
    char *data = csv_file("-b.csv", "d,a,x,r\n"
                                    "2024-04-01,1.00,a,R1\n"
                                    "2024-04-01,2.00,b,R2\n"
                                    "2024-04-01,3.00,c,R1\n");
    char *rules = rules_file("reader csv\nsource t\ndate d iso\namount a\n"
                             "description {x}\nsource-ref {r}\ncontra 2000\n"
                             "account 5000\n");
    char *grouped = csv_file("-c.csv", "d,a,x,v\n"
                                       "2024-04-01,1.00,5000,V1\n"
                                       "2024-04-01,-1.00,2000,V1\n"
                                       "2024-04-01,2.00,5000,V2\n"
                                       "2024-04-01,-2.00,2000,V2\n"
                                       "2024-04-01,0.00,5000,V1\n");
    char *dated = csv_file("-d.csv", "d,a,x,v\n"
                                     "2024-04-01,1.00,5000,V1\n"
                                     "2024-04-02,-1.00,2000,V1\n");
    opts o = {NULL, rules, false, false, NULL};
    char want[512];

    (void)state;
    snprintf(want, sizeof want,
             "%s:4: source reference \"R1\" is also on line 2: each row "
             "needs its own (make source-ref more specific)",
             data);
    assert_refused(data, o, want);
    free(rules);
    rules = rules_file("reader csv\nsource g\ndate d iso\namount a\n"
                       "description x\ngroup-by {v}\naccount {x}\n");
    o.rules = rules;
    snprintf(want, sizeof want,
             "%s:6: the rows grouped as \"V1\" are not together: the group "
             "started on line 2 (sort the export by it)",
             grouped);
    assert_refused(grouped, o, want);
    snprintf(want, sizeof want,
             "%s:3: the rows grouped as \"V1\" have different dates "
             "(2024-04-02 here, 2024-04-01 on line 2)",
             dated);
    assert_refused(dated, o, want);
    free(rules);
    free(data);
    free(grouped);
    free(dated);
}

/* A group: tags shared by its rows go on the entry, a differing one on
 * its posting; an unmatched row's posting goes to suspense, tagged. */
static void test_import_groups__tags_and_unmatched_rows(void **state)
{
    char *data = csv_file("-g.csv", "d,a,x,v,k\n"
                                    "2024-04-01,10.00,5000,V1,AP\n"
                                    "2024-04-01,5.00,7777,V1,AP\n"
                                    "2024-04-01,-15.00,2000,V1,GL\n");
    char *rules = rules_file("reader csv\nsource g\ndate d iso\namount a\n"
                             "description voucher {v}\ngroup-by {v}\n"
                             "suspense 9990\ntag kind={k}\n"
                             "if x starts 5\n    account {x}\n"
                             "if x is 2000\n    account 2000\n");
    opts o = {NULL, rules, false, false, NULL};
    pb_import_result res;
    int64_t id;

    (void)state;
    import_ok(data, o, &res);
    assert_int_equal(res.entries, 1);
    assert_int_equal(res.rows_unmatched, 1);
    assert_int_equal(res.unmatched[0].line, 3);
    assert_string_equal(pbt_amt(&res.unmatched[0].amount), "5.00");
    assert_int_equal(bal("5000"), 1000);
    assert_int_equal(bal("9990"), 500);
    assert_int_equal(bal("2000"), -1500);
    id = entry_of_ref("g", "V1");
    assert_string_equal(entry_pos(id), "lines 2-4");
    assert_string_equal(entry_tag(id, 0, "source-line"), "");
    assert_string_equal(entry_tag(id, 0, "kind"), "AP");
    assert_string_equal(entry_tag(id, 1, "kind"), "");
    assert_string_equal(entry_tag(id, 2, "unmatched"), "no rule matched");
    assert_string_equal(entry_tag(id, 2, "source-line"), "3");
    assert_string_equal(entry_tag(id, 1, "source-line"), "");
    assert_string_equal(entry_tag(id, 2, "kind"), "");
    assert_string_equal(entry_tag(id, 3, "kind"), "GL");
    pbt_assert_clean(book);
    pb_import_result_clear(&res);
    free(rules);
    free(data);
}

/* Thousands of references (the in-file set grows several times): every
 * row posts once, a repeat far down is caught, an overlap dedupes. */
static void test_import_refs__many_rows(void **state)
{
    pb_buf a = PB_BUF_INIT, b = PB_BUF_INIT;
    char *fa, *fb, *fc, *rules, want[256];
    opts o = {NULL, NULL, false, false, NULL};
    pb_import_result res;
    int i;

    (void)state;
    pb_buf_puts(&a, "d,a,x,r\n");
    for (i = 1; i <= 5000; i++)
        pb_buf_printf(&a, "2024-04-01,0.01,row,R%d\n", i);
    pb_buf_puts(&b, "d,a,x,r\n");
    for (i = 4001; i <= 7000; i++)
        pb_buf_printf(&b, "2024-04-02,0.02,row,R%d\n", i);
    fa = csv_file("-many-a.csv", pb_buf_str(&a));
    fb = csv_file("-many-b.csv", pb_buf_str(&b));
    pb_buf_printf(&b, "2024-04-02,0.02,row,R4100\n");
    fc = csv_file("-many-c.csv", pb_buf_str(&b));
    rules = rules_file("reader csv\nsource t\ndate d iso\namount a\n"
                       "description {x}\nsource-ref {r}\ncontra 2000\n"
                       "account 5000\n");
    o.rules = rules;
    import_ok(fa, o, &res);
    assert_int_equal(res.entries, 5000);
    assert_int_equal(bal("5000"), 5000);
    pb_import_result_clear(&res);
    snprintf(want, sizeof want,
             "%s:3002: source reference \"R4100\" is also on line 101: "
             "each row needs its own (make source-ref more specific)",
             fc);
    assert_refused(fc, o, want);
    import_ok(fb, o, &res);
    assert_int_equal(res.rows_skipped, 1000);
    assert_int_equal(res.entries, 2000);
    assert_int_equal(bal("5000"), 5000 + 2000 * 2);
    pb_import_result_clear(&res);
    pb_buf_clear(&a);
    pb_buf_clear(&b);
    free(fa);
    free(fb);
    free(fc);
    free(rules);
}

/* Errors the driver or the journal finds in an XML record are located
 * at the record's line and number. */
static void test_import_refusals__xml_records(void **state)
{
    static const char head[] =
        "<?xml version=\"1.0\"?>\n"
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001."
        "02\"><BkToCstmrStmt><Stmt>\n"
        "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>"
        "<Amt Ccy=\"GBP\">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n"
        "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>"
        "<Amt Ccy=\"GBP\">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n";
    static const char ntry[] =
        "<Ntry><Amt Ccy=\"GBP\">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        "<Sts>BOOK</Sts><BookgDt><Dt>2024-04-0%d</Dt></BookgDt>"
        "<AcctSvcrRef>%s</AcctSvcrRef><AddtlNtryInf>%s</AddtlNtryInf>"
        "</Ntry>\n";
    static const char tail[] = "</Stmt></BkToCstmrStmt></Document>\n";
    char doc[4096], want[512], *path, *rules;
    opts o = {NULL, NULL, false, false, NULL};
    int n;

    (void)state;
    n = snprintf(doc, sizeof doc, "%s", head);
    n += snprintf(doc + n, sizeof doc - (size_t)n, ntry, "1.00", 1, "A1",
                  "fee");
    n += snprintf(doc + n, sizeof doc - (size_t)n, ntry, "2.00", 2, "A1",
                  "fee");
    snprintf(doc + n, sizeof doc - (size_t)n, "%s", tail);
    path = csv_file("-dup.xml", doc);
    rules = rules_file("preset camt053\ncontra 1000\n");
    o.rules = rules;
    snprintf(want, sizeof want,
             "%s:6: record 2: source reference \"A1\" is also on record 1: "
             "each row needs its own (make source-ref more specific)",
             path);
    assert_refused(path, o, want);
    free(path);
    free(rules);
    n = snprintf(doc, sizeof doc, "%s", head);
    n += snprintf(doc + n, sizeof doc - (size_t)n, ntry, "1.00", 1, "A1",
                  "fee");
    n += snprintf(doc + n, sizeof doc - (size_t)n, ntry, "2.00", 2, "A2",
                  "grant");
    snprintf(doc + n, sizeof doc - (size_t)n, "%s", tail);
    path = csv_file("-acct.xml", doc);
    rules = rules_file("preset camt053\ncontra 1000\n"
                       "if text is grant\n    account 4001\n");
    o.rules = rules;
    snprintf(want, sizeof want,
             "%s:6: record 2: unknown account \"4001\" (did you mean "
             "\"4000\"?)",
             path);
    assert_refused(path, o, want);
    free(path);
    free(rules);
}

static void test_import_refusals__files(void **state)
{
    pb_rules *r = NULL;
    pb_error err;
    char want[512];

    (void)state;
    assert_refused("/nonexistent.csv", SPEND,
                   "/nonexistent.csv: cannot open: No such file or directory");
    assert_refused("fixtures", SPEND, "fixtures: not a regular file");
    assert_int_equal(pb_import_load_rules(&r, NULL, "/nonexistent.rules", &err),
                     PB_EIO);
    assert_int_equal(pb_import_load_rules(&r, NULL, "fixtures", &err),
                     PB_EINVAL);
    assert_string_equal(pb_error_format(&err, msg, sizeof msg),
                        "fixtures: not a regular file");
    /* a bad rules file is located at its own line */
    {
        char *rules = rules_file("reader csv\nsurce x\n");

        assert_int_equal(pb_import_load_rules(&r, NULL, rules, &err),
                         PB_EINVAL);
        snprintf(want, sizeof want,
                 "%s:2: unknown directive 'surce' (did you mean 'source'?)",
                 rules);
        assert_string_equal(pb_error_format(&err, msg, sizeof msg), want);
        free(rules);
    }
    /* outside a write transaction */
    {
        pb_import_options opt;
        pb_import_result res;

        assert_int_equal(pb_import_load_rules(&r, "ofx", NULL, &err), PB_OK);
        memset(&opt, 0, sizeof opt);
        opt.path = EX "ofx-2024-04.ofx";
        opt.rules = r;
        pb_import_result_init(&res);
        assert_int_equal(pb_import_file(book, &opt, &res, &err), PB_EUSAGE);
        assert_string_equal(err.msg, "an import needs a write transaction");
        pb_import_result_clear(&res);
        pb_rules_free(r);
    }
}

/* ---- provenance and undo ----------------------------------------------------
 */

typedef struct seen_info {
    int n;
    pb_import_info last;
    char file[256], rules_file[256], preset[32], rules_sha[80], source[32];
    char by[32], at[32], total[32], posted[32], reason[64], sha[80];
    char suspense[32];
} seen_info;

static int keep_info(const pb_import_info *i, void *ud)
{
    seen_info *s = ud;

    s->n++;
    s->last = *i;
    snprintf(s->file, sizeof s->file, "%s", i->file);
    snprintf(s->rules_file, sizeof s->rules_file, "%s", i->rules_file);
    snprintf(s->preset, sizeof s->preset, "%s", i->preset);
    snprintf(s->rules_sha, sizeof s->rules_sha, "%s", i->rules_sha256);
    snprintf(s->source, sizeof s->source, "%s", i->source);
    snprintf(s->by, sizeof s->by, "%s", i->created_by);
    snprintf(s->at, sizeof s->at, "%s", i->created_at);
    snprintf(s->total, sizeof s->total, "%s", pbt_amt(i->file_total));
    snprintf(s->posted, sizeof s->posted, "%s", pbt_amt(i->posted_total));
    snprintf(s->reason, sizeof s->reason, "%s", i->undo_reason);
    snprintf(s->sha, sizeof s->sha, "%s", i->sha256);
    snprintf(s->suspense, sizeof s->suspense, "%s", i->suspense);
    /* the strings are borrowed: keep no pointer */
    s->last.file = s->last.sha256 = s->last.preset = NULL;
    s->last.suspense = NULL;
    return 0;
}

static int count_unmatched(int64_t entry, const char *date,
                           const char *description, const pb_amount *amount,
                           const char *where, void *ud)
{
    pb_buf *b = ud;

    pb_buf_printf(b, "%lld %s %s %s %s\n", (long long)entry, date, description,
                  pbt_amt(amount), where);
    return 0;
}

static int list_accounts(const char *code, const char *name,
                         const pb_amount *amount, void *ud)
{
    pb_buf *b = ud;

    pb_buf_printf(b, "%s %s %s\n", code, name, pbt_amt(amount));
    return 0;
}

static void test_provenance__list_show_undo(void **state)
{
    pb_import_result a, b;
    seen_info s;
    pb_buf text = PB_BUF_INIT;
    pb_rules *rules = NULL;
    pb_error err;
    int64_t undo = 0, n = 0;

    (void)state;
    import_ok(EX "spend500-2024-05.csv", SPEND, &a);
    import_ok(EX "unit4-gl-2024-06.csv",
              (opts){"unit4-gl", NULL, true, false, NULL}, &b);
    memset(&s, 0, sizeof s);
    assert_int_equal(pb_import_each(book, 0, keep_info, &s, &err), PB_OK);
    assert_int_equal(s.n, 2);
    memset(&s, 0, sizeof s);
    assert_int_equal(pb_import_each(book, a.batch, keep_info, &s, &err), PB_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.file, EX "spend500-2024-05.csv");
    assert_string_equal(s.sha, a.sha256);
    assert_int_equal(s.last.size, 853);
    assert_string_equal(s.rules_file, RU "spend500-scc.rules");
    assert_string_equal(s.preset, "spend500");
    assert_int_equal(
        pb_import_load_rules(&rules, NULL, RU "spend500-scc.rules", &err),
        PB_OK);
    assert_string_equal(s.rules_sha, rules->sha256);
    pb_rules_free(rules);
    assert_string_equal(s.source, "spend500");
    assert_string_equal(s.by, PBT_USER);
    assert_string_equal(s.at, PBT_NOW);
    assert_int_equal(s.last.rows_read, 7);
    assert_int_equal(s.last.rows_posted, 7);
    assert_int_equal(s.last.rows_unmatched, 1);
    assert_int_equal(s.last.entries, 7);
    assert_string_equal(s.total, "53840.15");
    assert_string_equal(s.posted, "53840.15");
    assert_string_equal(s.suspense, "Suspense:Import");
    assert_false(s.last.strict);
    assert_int_equal(s.last.undone_by, 0);
    memset(&s, 0, sizeof s);
    assert_int_equal(pb_import_each(book, b.batch, keep_info, &s, &err), PB_OK);
    assert_true(s.last.strict);
    assert_string_equal(s.rules_file, "");
    assert_string_equal(s.preset, "unit4-gl");
    assert_string_equal(s.suspense, "");
    assert_int_equal(pb_import_each(book, 999, keep_info, &s, &err),
                     PB_ENOTFOUND);
    assert_string_equal(err.msg, "batch 999 is not an import");

    assert_int_equal(
        pb_import_unmatched_each(book, a.batch, count_unmatched, &text, &err),
        PB_OK);
    assert_string_equal(pb_buf_str(&text),
                        "7 2024-05-28 Office Supplies plc - Stationery "
                        "612.40 line 10\n");
    pb_buf_reset(&text);
    assert_int_equal(
        pb_import_accounts_each(book, a.batch, list_accounts, &text, &err),
        PB_OK);
    assert_string_equal(pb_buf_str(&text),
                        "5100 Expenditure:Care:Homecare 10677.00\n"
                        "5200 Expenditure:Care:Residential 26800.00\n"
                        "5000 Expenditure:Reablement 15750.75\n"
                        "2000 Liabilities:Creditors -53840.15\n"
                        "9990 Suspense:Import 612.40\n");
    pb_buf_clear(&text);

    /* Undo: one entry was already reversed by hand; the rest are. */
    assert_int_equal(pb_book_begin(book, &err), PB_OK);
    assert_int_equal(pb_journal_reverse(book,
                                        entry_of_ref("spend500", "7000107"),
                                        NULL, "by hand", 0, NULL, &err),
                     PB_OK);
    assert_int_equal(pb_import_undo(book, a.batch, "", NULL, &undo, &n, &err),
                     PB_EINVAL);
    assert_string_equal(err.msg, "an undo needs a reason");
    assert_int_equal(pb_import_undo(book, 999, "x", NULL, &undo, &n, &err),
                     PB_ENOTFOUND);
    assert_int_equal(pb_import_undo(book, a.batch, "duplicate of ledger", NULL,
                                    &undo, &n, &err),
                     PB_OK);
    assert_int_equal(n, 6);
    assert_int_equal(
        pb_import_undo(book, a.batch, "again", NULL, &undo, &n, &err),
        PB_EREFUSED);
    assert_int_equal(pb_book_commit(book, &err), PB_OK);
    memset(&s, 0, sizeof s);
    assert_int_equal(pb_import_each(book, a.batch, keep_info, &s, &err), PB_OK);
    assert_int_equal(s.last.undone_by, undo);
    assert_string_equal(s.reason, "duplicate of ledger");
    /* only the Unit4 import's postings remain */
    assert_int_equal(bal("2000"), -177525);
    assert_int_equal(bal("9990"), 0);
    assert_int_equal(bal("5100"), 35050);
    assert_int_equal(bal("5200"), 14950);
    pbt_assert_clean(book);
    /* a closed period needs a date for the reversals */
    assert_int_equal(pb_book_begin(book, &err), PB_OK);
    assert_int_equal(pb_period_close(book, 202403, NULL, &err), PB_OK);
    assert_int_equal(pb_import_undo(book, b.batch, "x", NULL, &undo, &n, &err),
                     PB_ECLOSED);
    assert_non_null(strstr(err.msg, "entry "));
    pb_book_rollback(book);
    pb_import_result_clear(&a);
    pb_import_result_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_spend500__good_sample_exact_totals),
        T(test_spend500__reimport_posts_nothing),
        T(test_spend500__overlap_posts_only_new_rows),
        T(test_spend500__dry_run_writes_nothing),
        T(test_spend500__bad_samples),
        T(test_spend500__undo_reverses_exactly),
        T(test_unit4__good_sample_exact_totals),
        T(test_unit4__reimport_overlap_dry_run),
        T(test_unit4__bad_samples),
        T(test_isfe__good_sample_exact_totals),
        T(test_isfe__reimport_overlap_dry_run),
        T(test_isfe__bad_samples),
        T(test_camt053__good_sample_exact_totals),
        T(test_camt053__interim_then_month),
        T(test_camt053__version_08),
        T(test_camt053__bad_samples),
        T(test_camt053__attacks_refused),
        T(test_ofx__good_sample_exact_totals),
        T(test_ofx__reimport_overlap_dry_run_bad),
        T(test_sap_rules__flag_and_expect_total),
        T(test_import_refusals__expect_total_and_strict),
        T(test_import_refusals__journal_at_line),
        T(test_import_refusals__duplicates_and_groups),
        T(test_import_groups__tags_and_unmatched_rows),
        T(test_import_refs__many_rows),
        T(test_import_refusals__xml_records),
        T(test_import_refusals__files),
        T(test_provenance__list_show_undo),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
