/*
 * test_export.c - ledger/export: ledger/hledger and beancount writers.
 *
 *   1. formats and amounts: names parsed; pence exact at the extremes
 *   2. account names: ledger cleaning; beancount roots for every type,
 *      valid components, the type segment dropped
 *   3. one entry: awkward descriptions (quotes, semicolons, unicode,
 *      controls, invalid UTF-8), references, dimensions, memos, tags,
 *      adjustment periods, reversal links - exact text in both formats
 *   4. the book: structure, collisions, closed accounts, write errors
 *   5. a randomised book whose export, read back by a small parser here,
 *      gives every account's balance exactly as pb_balance_each does
 *   6. round trip through hledger, ledger and beancount when they are
 *      installed (skipped otherwise: `make check` must not need them)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger/account.h"
#include "ledger/balance.h"
#include "ledger/book.h"
#include "ledger/export.h"
#include "ledger/journal.h"
#include "ledger/map.h"
#include "tests/support/support.h"

/* ---- helpers ------------------------------------------------------------ */

static char *name_of(pb_export_format fmt, const char *name,
                     pb_account_type type)
{
    pb_buf out = PB_BUF_INIT;

    pb_export_account_name(&out, fmt, name, type);
    return pb_buf_detach(&out);
}

#define assert_name(fmt, name, type, want)                                     \
    do {                                                                       \
        char *got_ = name_of((fmt), (name), (type));                           \
        assert_string_equal(got_, (want));                                     \
        free(got_);                                                            \
    } while (0)

static char *entry_text(pb_export_format fmt, const pb_export_entry *e)
{
    pb_buf out = PB_BUF_INIT;

    pb_export_entry_write(&out, fmt, e, 4);
    return pb_buf_detach(&out);
}

static char *export_str(pb_book *b, pb_export_format fmt)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    pb_error err;

    assert_non_null(f);
    pb_error_clear(&err);
    if (pb_export_book(b, fmt, f, &err) != PB_OK)
        fail_msg("export: %s", err.msg);
    fclose(f);
    return text;
}

/* A two-posting entry skeleton the tests adjust. */
static void simple_entry(pb_export_entry *e, pb_export_posting p[2])
{
    memset(e, 0, sizeof *e);
    memset(p, 0, 2 * sizeof *p);
    e->id = 7;
    e->date = pbt_date("2024-04-30");
    e->period = 202401;
    e->description = "Fees";
    p[0].account = "Expenditure:Reablement";
    p[0].pence = 1234567;
    p[1].account = "Assets:Bank";
    p[1].pence = -1234567;
    e->postings = p;
    e->npostings = 2;
}

/* ---- 1. formats and amounts -------------------------------------------- */

static void test_export_format_parse__names_and_refusal(void **state)
{
    pb_export_format f;
    pb_error err;

    (void)state;
    assert_int_equal(pb_export_format_parse(&f, "ledger", NULL), PB_OK);
    assert_int_equal(f, PB_EXPORT_LEDGER);
    assert_int_equal(pb_export_format_parse(&f, "hledger", NULL), PB_OK);
    assert_int_equal(f, PB_EXPORT_LEDGER);
    assert_int_equal(pb_export_format_parse(&f, "beancount", NULL), PB_OK);
    assert_int_equal(f, PB_EXPORT_BEANCOUNT);
    assert_string_equal(pb_export_format_name(f), "beancount");
    pb_error_clear(&err);
    assert_int_equal(pb_export_format_parse(&f, "gnucash", &err), PB_EINVAL);
    assert_non_null(strstr(err.msg, "\"gnucash\""));
}

static void test_export_pence__exact_at_every_sign_and_extreme(void **state)
{
    static const struct {
        int64_t pence;
        const char *text;
    } cases[] = {
        {0, "0.00"},
        {5, "0.05"},
        {-5, "-0.05"},
        {-100, "-1.00"},
        {123456, "1234.56"},
        {-4129904500, "-41299045.00"},
        {INT64_MAX, "92233720368547758.07"},
        {INT64_MIN, "-92233720368547758.08"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_buf out = PB_BUF_INIT;

        pb_export_pence(&out, cases[i].pence);
        assert_string_equal(pb_buf_str(&out), cases[i].text);
        pb_buf_clear(&out);
    }
}

/* ---- 2. account names ---------------------------------------------------- */

static void test_export_name__ledger_keeps_the_hierarchy(void **state)
{
    (void)state;
    assert_name(PB_EXPORT_LEDGER, "Expenditure:Care:Homecare",
                PB_ACCOUNT_EXPENDITURE, "Expenditure:Care:Homecare");
    assert_name(PB_EXPORT_LEDGER, "Expenditure:St John's Café",
                PB_ACCOUNT_EXPENDITURE, "Expenditure:St John's Café");
    /* Two spaces would end the name; a tab too. */
    assert_name(PB_EXPORT_LEDGER, "Expenditure:A  B\tC", PB_ACCOUNT_EXPENDITURE,
                "Expenditure:A B C");
    /* A leading bracket would make a virtual posting. */
    assert_name(PB_EXPORT_LEDGER, "(Memo):X", PB_ACCOUNT_ASSET, "_Memo):X");
    assert_name(PB_EXPORT_LEDGER, "[Budget]", PB_ACCOUNT_ASSET, "_Budget]");
    assert_name(PB_EXPORT_LEDGER, "Bad\xff", PB_ACCOUNT_ASSET,
                "Bad\xEF\xBF\xBD");
}

static void test_export_name__beancount_root_for_every_type(void **state)
{
    (void)state;
    assert_name(PB_EXPORT_BEANCOUNT, "Assets:Bank", PB_ACCOUNT_ASSET,
                "Assets:Bank");
    assert_name(PB_EXPORT_BEANCOUNT, "Bank", PB_ACCOUNT_ASSET, "Assets:Bank");
    assert_name(PB_EXPORT_BEANCOUNT, "Suspense:Closed", PB_ACCOUNT_ASSET,
                "Assets:Suspense:Closed");
    assert_name(PB_EXPORT_BEANCOUNT, "Liabilities:Creditors",
                PB_ACCOUNT_LIABILITY, "Liabilities:Creditors");
    assert_name(PB_EXPORT_BEANCOUNT, "Reserves:General", PB_ACCOUNT_EQUITY,
                "Equity:General");
    /* A lone type word stays: beancount needs a component under the root. */
    assert_name(PB_EXPORT_BEANCOUNT, "Equity", PB_ACCOUNT_EQUITY,
                "Equity:Equity");
    assert_name(PB_EXPORT_BEANCOUNT, "Income:Contributions:Council",
                PB_ACCOUNT_INCOME, "Income:Contributions:Council");
    assert_name(PB_EXPORT_BEANCOUNT, "Revenue:Grants", PB_ACCOUNT_INCOME,
                "Income:Grants");
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:Care:Homecare",
                PB_ACCOUNT_EXPENDITURE, "Expenses:Care:Homecare");
    /* The first segment names another type: it is kept, under the type's
     * root. */
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:Refunds", PB_ACCOUNT_INCOME,
                "Income:Expenditure:Refunds");
}

static void test_export_name__beancount_components_are_valid(void **state)
{
    (void)state;
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:Care technology & aids",
                PB_ACCOUNT_EXPENDITURE, "Expenses:CareTechnologyAndAids");
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:St John's",
                PB_ACCOUNT_EXPENDITURE, "Expenses:StJohns");
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:St John\xE2\x80\x99s",
                PB_ACCOUNT_EXPENDITURE, "Expenses:StJohns");
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:non-recurrent costs",
                PB_ACCOUNT_EXPENDITURE, "Expenses:Non-recurrentCosts");
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:-x", PB_ACCOUNT_EXPENDITURE,
                "Expenses:X");
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:!!!", PB_ACCOUNT_EXPENDITURE,
                "Expenses:X");
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:2024/25 grants",
                PB_ACCOUNT_EXPENDITURE, "Expenses:202425Grants");
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:équipe",
                PB_ACCOUNT_EXPENDITURE, "Expenses:équipe");
    assert_name(PB_EXPORT_BEANCOUNT, "Expenditure:Bad\xff name",
                PB_ACCOUNT_EXPENDITURE, "Expenses:BadName");
}

/* ---- 3. one entry ------------------------------------------------------ */

static void test_export_entry__ledger_plain(void **state)
{
    pb_export_entry e;
    pb_export_posting p[2];
    char *t;

    (void)state;
    simple_entry(&e, p);
    e.reference = "INV-1";
    t = entry_text(PB_EXPORT_LEDGER, &e);
    assert_string_equal(t, "2024-04-30 * (INV-1) Fees\n"
                           "    ; entry: 7\n"
                           "    Expenditure:Reablement                    "
                           "12345.67 GBP\n"
                           "    Assets:Bank                               "
                           "-12345.67 GBP\n"
                           "\n");
    free(t);
}

static void test_export_entry__ledger_escapes_awkward_descriptions(void **state)
{
    pb_export_entry e;
    pb_export_posting p[2];
    char *t;

    (void)state;
    simple_entry(&e, p);
    e.description = "Fees \"Q1\"; April\t£ é ✓ \xff";
    t = entry_text(PB_EXPORT_LEDGER, &e);
    /* hledger ends a description at ';': it becomes ','. */
    assert_non_null(strstr(t, "2024-04-30 * Fees \"Q1\", April £ é ✓ "
                              "\xEF\xBF\xBD\n"));
    free(t);

    /* Without a reference a leading '(' would be read as a code. */
    e.description = "(draft) thing";
    t = entry_text(PB_EXPORT_LEDGER, &e);
    assert_non_null(strstr(t, "2024-04-30 * () (draft) thing\n"));
    free(t);
    e.reference = "R1";
    t = entry_text(PB_EXPORT_LEDGER, &e);
    assert_non_null(strstr(t, "2024-04-30 * (R1) (draft) thing\n"));
    free(t);
}

static void test_export_entry__beancount_quotes_descriptions(void **state)
{
    pb_export_entry e;
    pb_export_posting p[2];
    char *t;

    (void)state;
    simple_entry(&e, p);
    e.description = "Fees \"Q1\"; April\n£ é ✓ C:\\tmp";
    e.reference = "INV-1";
    t = entry_text(PB_EXPORT_BEANCOUNT, &e);
    assert_string_equal(t, "2024-04-30 * \"Fees \\\"Q1\\\"; April £ é ✓ "
                           "C:\\\\tmp\"\n"
                           "  entry: 7\n"
                           "  ref: \"INV-1\"\n"
                           "  Expenditure:Reablement                    "
                           "12345.67 GBP\n"
                           "  Assets:Bank                               "
                           "-12345.67 GBP\n"
                           "\n");
    free(t);
}

static void test_export_entry__reference_with_paren_becomes_a_tag(void **state)
{
    pb_export_entry e;
    pb_export_posting p[2];
    char *t;

    (void)state;
    simple_entry(&e, p);
    e.reference = "PO(17)";
    t = entry_text(PB_EXPORT_LEDGER, &e);
    assert_non_null(strstr(t, "2024-04-30 * Fees\n"
                              "    ; entry: 7\n"
                              "    ; ref: PO(17)\n"));
    free(t);
}

static void test_export_entry__dimensions_memo_and_tags(void **state)
{
    pb_export_entry e;
    pb_export_posting p[2];
    pb_export_tag tags[4] = {
        {0, "approved-by", "J. Smith"},
        {0, "stream", "clash"},
        {1, "x", "1"},
        {2, "Batch No", "B/7"},
    };
    char *t;

    (void)state;
    simple_entry(&e, p);
    p[0].dims[PB_DIM_STREAM] = "DFG";
    p[0].dims[PB_DIM_SCHEME] = "REABLE";
    p[0].dims[PB_DIM_PARTNER] = "SCC";
    p[0].dims[PB_DIM_COST_CENTRE] = "CC1";
    p[0].memo = "accrued, invoice; awaited";
    p[1].dims[PB_DIM_STREAM] = "";
    e.tags = tags;
    e.ntags = 4;
    t = entry_text(PB_EXPORT_LEDGER, &e);
    assert_string_equal(t, "2024-04-30 * Fees\n"
                           "    ; entry: 7\n"
                           "    ; approved-by: J. Smith\n"
                           "    ; tag-stream: clash\n"
                           "    Expenditure:Reablement                    "
                           "12345.67 GBP\n"
                           "        ; stream: DFG\n"
                           "        ; scheme: REABLE\n"
                           "        ; partner: SCC\n"
                           "        ; cc: CC1\n"
                           "        ; memo: accrued, invoice; awaited\n"
                           "        ; x: 1\n"
                           "    Assets:Bank                               "
                           "-12345.67 GBP\n"
                           "        ; Batch-No: B/7\n"
                           "\n");
    free(t);
    t = entry_text(PB_EXPORT_BEANCOUNT, &e);
    assert_string_equal(t, "2024-04-30 * \"Fees\"\n"
                           "  entry: 7\n"
                           "  approved-by: \"J. Smith\"\n"
                           "  tag-stream: \"clash\"\n"
                           "  Expenditure:Reablement                    "
                           "12345.67 GBP\n"
                           "    stream: \"DFG\"\n"
                           "    scheme: \"REABLE\"\n"
                           "    partner: \"SCC\"\n"
                           "    cc: \"CC1\"\n"
                           "    memo: \"accrued, invoice; awaited\"\n"
                           "    tag-x: \"1\"\n"
                           "  Assets:Bank                               "
                           "-12345.67 GBP\n"
                           "    batch-No: \"B/7\"\n"
                           "\n");
    free(t);
}

static void test_export_entry__adjustment_period_and_reversals(void **state)
{
    pb_export_entry e;
    pb_export_posting p[2];
    char *t;

    (void)state;
    simple_entry(&e, p);
    e.date = pbt_date("2025-03-31");
    e.period = 202413;
    e.reversed_by = 9;
    p[0].pence = -1;
    p[1].pence = 1;
    t = entry_text(PB_EXPORT_LEDGER, &e);
    assert_non_null(strstr(t, "    ; entry: 7\n"
                              "    ; period: 2024-25 P13\n"
                              "    ; reversed-by: 9\n"));
    assert_non_null(strstr(t, "-0.01 GBP\n"));
    free(t);
    t = entry_text(PB_EXPORT_BEANCOUNT, &e);
    assert_non_null(strstr(t, "2025-03-31 * \"Fees\" ^entry-7\n"
                              "  entry: 7\n"
                              "  period: \"2024-25 P13\"\n"
                              "  reversed-by: 9\n"));
    free(t);

    e.id = 9;
    e.reversed_by = 0;
    e.reverses = 7;
    e.period = 202412; /* an ordinary month: no period tag */
    t = entry_text(PB_EXPORT_BEANCOUNT, &e);
    assert_non_null(strstr(t, "2025-03-31 * \"Fees\" ^entry-7\n"
                              "  entry: 9\n"
                              "  reverses: 7\n"));
    assert_null(strstr(t, "period"));
    free(t);
}

/* ---- 4. the book ------------------------------------------------------- */

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    pbt_env();
    f->b = pbt_book_new(&f->path);
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

static void add_account(fixture *f, const char *code, const char *name,
                        pb_account_type type)
{
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_account_add(f->b, code, name, type, NULL, &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
}

/* Posts an entry with an awkward description through the journal API
 * (the test spec language cannot hold ';'). */
static int64_t post_awkward(fixture *f, const char *desc, const char *ref)
{
    pb_entry *e = pb_entry_new();
    pb_amount a;
    int64_t id = 0;
    size_t line;

    pb_amount_init(&a);
    pbt_amount_set(&a, "-250.75");
    pb_entry_set_date(e, pbt_date("2024-06-03"));
    pb_entry_set_description(e, desc);
    pb_entry_set_reference(e, ref);
    line = pb_entry_add(e, "5000", &a);
    pb_entry_set_dim(e, line, PB_DIM_SCHEME, "S02");
    pb_entry_set_memo(e, line, "refund; \"credit\" note");
    pb_entry_add(e, "1000", NULL);
    pb_entry_add_tag(e, 0, "approved-by", "A. N. Other");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    if (pb_journal_post(f->b, e, &id, &f->err) != PB_OK)
        fail_msg("post: %s", f->err.msg);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pb_amount_clear(&a);
    pb_entry_free(e);
    return id;
}

static void reverse(fixture *f, int64_t id)
{
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    if (pb_journal_reverse(f->b, id, NULL, "keyed twice", 0, NULL,
                           &f->err) != PB_OK)
        fail_msg("reverse: %s", f->err.msg);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
}

static void test_export_book__empty_book_declares_every_account(void **state)
{
    fixture *f = *state;
    char *t = export_str(f->b, PB_EXPORT_LEDGER);

    assert_non_null(strstr(t, "commodity GBP\n"));
    assert_non_null(strstr(t, "tag stream\n"));
    assert_non_null(strstr(t, "account Assets:Bank\n    ; type: A\n"
                              "    ; code: 1000\n"));
    assert_non_null(strstr(t, "account Liabilities:Creditors\n"
                              "    ; type: L\n"));
    assert_non_null(strstr(t, "account Equity:Reserves\n    ; type: E\n"));
    assert_non_null(strstr(t, "account Income:Contributions:NHS\n"
                              "    ; type: R\n"));
    assert_non_null(strstr(t, "account Expenditure:Care:Homecare\n"
                              "    ; type: X\n"));
    assert_null(strstr(t, " * ")); /* no entries */
    free(t);
    t = export_str(f->b, PB_EXPORT_BEANCOUNT);
    assert_non_null(strstr(t, "option \"operating_currency\" \"GBP\"\n"));
    assert_non_null(strstr(t, " open Expenses:Care:Homecare GBP\n"
                              "  code: \"5100\"\n"
                              "  name: \"Expenditure:Care:Homecare\"\n"));
    /* The closed suspense account is closed. */
    assert_non_null(strstr(t, " close Assets:Suspense:Closed\n"));
    free(t);
}

static void test_export_book__entries_in_id_order_with_links(void **state)
{
    fixture *f = *state;
    int64_t a, b, c;
    char *t;
    const char *pa, *pb, *pc;

    a = pbt_post_ok(f->b, "2024-09-30 Care fees; 5100 100.00 stream=BCF "
                          "scheme=S01 partner=ICB cc=CC1; 2000");
    b = pbt_post_ok(f->b, "2024-04-02 Contribution; 1000 5000.00; 4000 "
                          "stream=IBCF partner=COUNCIL");
    c = post_awkward(f, "Refund \"Q1\"; St John's £ é", "RF(1)");
    reverse(f, a);
    t = export_str(f->b, PB_EXPORT_LEDGER);
    pa = strstr(t, "2024-09-30 * Care fees\n    ; entry: 1\n"
                   "    ; reversed-by: 4\n");
    pb = strstr(t, "2024-04-02 * Contribution\n    ; entry: 2\n");
    pc = strstr(t, "2024-06-03 * Refund \"Q1\", St John's £ é\n"
                   "    ; entry: 3\n    ; ref: RF(1)\n"
                   "    ; approved-by: A. N. Other\n"
                   "    Expenditure:Reablement                    -250.75 GBP\n"
                   "        ; scheme: S02\n"
                   "        ; memo: refund; \"credit\" note\n"
                   "    Assets:Bank                               "
                   "250.75 GBP\n");
    assert_non_null(pa);
    assert_non_null(pb);
    assert_non_null(pc);
    assert_true(pa < pb && pb < pc); /* id order, not date order */
    assert_non_null(strstr(t, "    ; entry: 4\n    ; reverses: 1\n"));
    assert_non_null(strstr(t, "tag approved-by\n"));
    free(t);
    t = export_str(f->b, PB_EXPORT_BEANCOUNT);
    assert_non_null(strstr(t, "2024-09-30 * \"Care fees\" ^entry-1\n"));
    assert_non_null(strstr(t, "\"Reversal of entry 1: keyed twice\" "
                              "^entry-1\n  entry: 4\n  reverses: 1\n"));
    assert_non_null(strstr(t, "* \"Refund \\\"Q1\\\"; St John's £ é\"\n"
                              "  entry: 3\n  ref: \"RF(1)\"\n"));
    free(t);
    (void)b;
    (void)c;
}

static void test_export_book__name_collision_gets_the_code(void **state)
{
    fixture *f = *state;
    char *t;

    add_account(f, "5300", "Expenditure:Care tech", PB_ACCOUNT_EXPENDITURE);
    add_account(f, "5301", "Expenditure:Care Tech", PB_ACCOUNT_EXPENDITURE);
    t = export_str(f->b, PB_EXPORT_BEANCOUNT);
    /* Name order: "Care Tech" < "Care tech"; the later one is renamed. */
    assert_non_null(strstr(t, " open Expenses:CareTech GBP\n  code: "
                              "\"5301\"\n"));
    assert_non_null(strstr(t, " open Expenses:CareTech-5300 GBP\n  code: "
                              "\"5300\"\n"));
    free(t);
    t = export_str(f->b, PB_EXPORT_LEDGER);
    assert_non_null(strstr(t, "account Expenditure:Care tech\n"));
    assert_non_null(strstr(t, "account Expenditure:Care Tech\n"));
    free(t);
}

static void test_export_book__unwritable_output_is_eio(void **state)
{
    fixture *f = *state;
    FILE *out = fopen("/dev/full", "w");

    if (out == NULL)
        skip();
    pbt_post_ok(f->b, "2024-09-30 Care fees; 5100 100.00; 2000");
    pb_error_clear(&f->err);
    assert_int_equal(pb_export_book(f->b, PB_EXPORT_LEDGER, out, &f->err),
                     PB_EIO);
    fclose(out);
}

/* ---- 5. a randomised book read back ------------------------------------ */

static const char *const codes[] = {"1000", "1100", "2000", "3000", "4000",
                                    "4100", "5000", "5100", "5200"};
static const char *const streams[] = {"BCF", "IBCF", "DFG"};

static void random_book(fixture *f, int n)
{
    int i, k;

    pbt_rng_seed(20240401);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    for (i = 0; i < n; i++) {
        char spec[512];
        int np = (int)pbt_rng_range(2, 4), len;

        if (i % 50 == 0)
            len = snprintf(spec, sizeof spec, "2025-03-31@P13 Year end %d", i);
        else
            len = snprintf(spec, sizeof spec, "2024-%02d-%02d Entry %d",
                           (int)pbt_rng_range(4, 12),
                           (int)pbt_rng_range(1, 28), i);
        for (k = 0; k < np; k++) {
            int64_t pence = pbt_rng_range(-5000000, 5000000);

            len += snprintf(spec + len, sizeof spec - (size_t)len,
                            "; %s", codes[pbt_rng_range(0, 8)]);
            if (k < np - 1)
                len += snprintf(spec + len, sizeof spec - (size_t)len,
                                " %s%lld.%02lld", pence < 0 ? "-" : "",
                                (long long)(llabs(pence) / 100),
                                (long long)(llabs(pence) % 100));
            if (pbt_rng_range(0, 2) == 0)
                len += snprintf(spec + len, sizeof spec - (size_t)len,
                                " stream=%s scheme=S0%d",
                                streams[pbt_rng_range(0, 2)],
                                (int)pbt_rng_range(1, 3));
        }
        pbt_post_ok(f->b, spec);
    }
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    for (i = 1; i <= n; i += 17)
        reverse(f, i);
}

/* Sums the posting lines of an export by account name: a posting line is
 * indented by `indent` spaces, starts with a capital letter and ends in
 * " GBP". */
static void read_back(const char *text, int indent, pb_map *names,
                      pb_amount *sums, size_t *nsums)
{
    const char *line = text;

    while (*line != '\0') {
        const char *nl = strchr(line, '\n');
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);

        if (len > (size_t)indent + 4 &&
            strncmp(line, "        ", (size_t)indent) == 0 &&
            line[indent] >= 'A' && line[indent] <= 'Z' &&
            memcmp(line + len - 4, " GBP", 4) == 0) {
            const char *acc = line + indent, *sp = strstr(acc, "  ");
            const char *amt = line + len - 4;
            int64_t slot;
            pb_amount a;

            assert_non_null(sp);
            while (amt > sp && amt[-1] != ' ')
                amt--;
            if (!pb_map_get(names, acc, (size_t)(sp - acc), &slot)) {
                slot = (int64_t)(*nsums)++;
                pb_map_put(names, acc, (size_t)(sp - acc), slot);
                pb_amount_set_units(&sums[slot], 0, 2);
            }
            pb_amount_init(&a);
            assert_int_equal(pb_amount_parse(&a, amt,
                                             (size_t)(line + len - 4 - amt),
                                             NULL, NULL),
                             PB_OK);
            pb_amount_add(&sums[slot], &sums[slot], &a);
            pb_amount_clear(&a);
        }
        line += len + (nl != NULL);
    }
}

typedef struct expect_ctx {
    pb_export_format fmt;
    pb_map *names;
    pb_amount *sums;
    int rows;
} expect_ctx;

static int expect_row(const pb_balance_row *r, void *ud)
{
    expect_ctx *c = ud;
    char *name = name_of(c->fmt, r->account_name, r->account_type);
    int64_t slot;

    if (!pb_map_gets(c->names, name, &slot))
        fail_msg("%s: not in the export", name);
    if (pb_amount_cmp(&c->sums[slot], r->balance) != 0)
        fail_msg("%s: export %s, book %s", name, pbt_amt(&c->sums[slot]),
                 pb_amount_to_string(r->balance));
    c->rows++;
    free(name);
    return 0;
}

static void test_export_book__read_back_equals_every_balance(void **state)
{
    fixture *f = *state;
    int fmt;

    random_book(f, 400);
    for (fmt = 0; fmt < 2; fmt++) {
        char *t = export_str(f->b, (pb_export_format)fmt);
        pb_map names = PB_MAP_INIT;
        pb_amount sums[32];
        pb_balance_query q;
        expect_ctx c;
        size_t n = 0, i;

        for (i = 0; i < 32; i++)
            pb_amount_init(&sums[i]);
        read_back(t, fmt == PB_EXPORT_LEDGER ? 4 : 2, &names, sums, &n);
        assert_int_equal(n, 9); /* every account with postings */
        pb_balance_query_init(&q);
        c.fmt = (pb_export_format)fmt;
        c.names = &names;
        c.sums = sums;
        c.rows = 0;
        assert_int_equal(pb_balance_each(f->b, &q, expect_row, &c, &f->err),
                         PB_OK);
        assert_int_equal(c.rows, 9);
        for (i = 0; i < 32; i++)
            pb_amount_clear(&sums[i]);
        pb_map_clear(&names);
        free(t);
    }
}

/* ---- 6. round trip through the real tools ------------------------------ */

static int have(const char *tool)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

/* Runs cmd (a shell command with %s for the file) and checks that every
 * line "ACCOUNT<sep>AMOUNT[ GBP]" it prints for an account in `names`
 * agrees with sums; returns the number of accounts matched. */
static int compare_tool(const char *cmd_fmt, const char *file, char sep,
                        pb_map *names, pb_amount *sums)
{
    char cmd[1024], line[1024];
    FILE *p;
    int matched = 0;

    snprintf(cmd, sizeof cmd, cmd_fmt, file);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof line, p) != NULL) {
        char *s = strchr(line, sep), *acc = line, *amt, *end;
        int64_t slot;
        pb_amount a;

        if (s == NULL)
            continue;
        *s = '\0';
        amt = s + 1;
        if (*acc == '"')
            acc++;
        end = acc + strlen(acc);
        while (end > acc && (end[-1] == '"' || end[-1] == ' '))
            *--end = '\0';
        while (*amt == ' ' || *amt == '"')
            amt++;
        end = amt + strlen(amt);
        while (end > amt && strchr("\"\n ", end[-1]) != NULL)
            *--end = '\0';
        if (end - amt > 4 && strcmp(end - 4, " GBP") == 0)
            end[-4] = '\0';
        if (!pb_map_gets(names, acc, &slot))
            continue;
        pb_amount_init(&a);
        if (pb_amount_parse(&a, amt, strlen(amt), NULL, NULL) != PB_OK)
            fail_msg("%s: cannot read \"%s\" for %s", cmd, amt, acc);
        if (pb_amount_cmp(&a, &sums[slot]) != 0)
            fail_msg("%s: %s is %s, the book says %s", cmd, acc, amt,
                     pbt_amt(&sums[slot]));
        pb_amount_clear(&a);
        matched++;
    }
    assert_int_equal(pclose(p), 0);
    return matched;
}

static void book_sums(fixture *f, pb_export_format fmt, pb_map *names,
                      pb_amount *sums)
{
    char *t = export_str(f->b, fmt);
    size_t n = 0;

    read_back(t, fmt == PB_EXPORT_LEDGER ? 4 : 2, names, sums, &n);
    free(t);
}

static void test_export_book__tools_report_the_same_balances(void **state)
{
    fixture *f = *state;
    int tools = 0;
    char *file;
    FILE *out;

    if (!have("hledger") && !have("ledger") && !have("bean-check"))
        skip();
    /* Leaf accounts only (ledger's --flat totals include sub-accounts). */
    random_book(f, 120);
    post_awkward(f, "Refund \"Q1\"; St John's £ é ✓ (x)", "RF(1)");
    post_awkward(f, "(draft) semi;colon", "");
    for (int fmt = 0; fmt < 2; fmt++) {
        pb_map names = PB_MAP_INIT;
        pb_amount sums[32];
        size_t i;
        int rc;

        for (i = 0; i < 32; i++)
            pb_amount_init(&sums[i]);
        book_sums(f, (pb_export_format)fmt, &names, sums);
        file = pbt_path_sibling(f->path, fmt ? ".beancount" : ".journal");
        out = fopen(file, "w");
        assert_non_null(out);
        assert_int_equal(pb_export_book(f->b, (pb_export_format)fmt, out,
                                        &f->err),
                         PB_OK);
        fclose(out);
        if (fmt == PB_EXPORT_LEDGER && have("hledger")) {
            assert_int_equal(compare_tool("hledger -f '%s' check", file, '\t',
                                          &names, sums),
                             0);
            rc = compare_tool("hledger -f '%s' bal --flat --no-total -O csv",
                              file, ',', &names, sums);
            assert_true(rc >= 8);
            tools++;
        }
        if (fmt == PB_EXPORT_LEDGER && have("ledger")) {
            rc = compare_tool("ledger -f '%s' --pedantic bal --flat "
                              "--no-total --format "
                              "'%%(account)\\t%%(scrub(display_total))\\n'",
                              file, '\t', &names, sums);
            assert_true(rc >= 8);
            tools++;
        }
        if (fmt == PB_EXPORT_BEANCOUNT && have("bean-check")) {
            assert_int_equal(compare_tool("bean-check '%s'", file, '\t',
                                          &names, sums),
                             0);
            if (have("bean-query")) {
                rc = compare_tool("bean-query -f csv '%s' 'SELECT account, "
                                  "sum(number) GROUP BY account'",
                                  file, ',', &names, sums);
                assert_true(rc >= 8);
            }
            tools++;
        }
        unlink(file);
        free(file);
        for (i = 0; i < 32; i++)
            pb_amount_clear(&sums[i]);
        pb_map_clear(&names);
    }
    assert_true(tools > 0);
}

#define T(name) cmocka_unit_test(name)
#define TB(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_export_format_parse__names_and_refusal),
        T(test_export_pence__exact_at_every_sign_and_extreme),
        T(test_export_name__ledger_keeps_the_hierarchy),
        T(test_export_name__beancount_root_for_every_type),
        T(test_export_name__beancount_components_are_valid),
        T(test_export_entry__ledger_plain),
        T(test_export_entry__ledger_escapes_awkward_descriptions),
        T(test_export_entry__beancount_quotes_descriptions),
        T(test_export_entry__reference_with_paren_becomes_a_tag),
        T(test_export_entry__dimensions_memo_and_tags),
        T(test_export_entry__adjustment_period_and_reversals),
        TB(test_export_book__empty_book_declares_every_account),
        TB(test_export_book__entries_in_id_order_with_links),
        TB(test_export_book__name_collision_gets_the_code),
        TB(test_export_book__unwritable_output_is_eio),
        TB(test_export_book__read_back_equals_every_balance),
        TB(test_export_book__tools_report_the_same_balances),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
