/*
 * test_ledger_report.c - reports/ledger_report: postings of an account,
 * scheme or stream over a period range with opening, running and closing
 * balances.
 *
 *   1. figures by hand on the book of test_trial_balance.c (same seven
 *      entries): an account over P03-P05, an account prefix over a year
 *      with a P13 accrual, a scheme, an as-of date, a memo, the analysis
 *   2. refusals: no selection, unknown account (with a suggestion), a
 *      range that ends before it starts
 *   3. the opening balance (from the balance cache) plus the postings
 *      (from the journal) equal the trial balance, on a seeded random book
 *
 * Entries (2024-25; P1 = April):
 *   E1 04-01  Bank 500,000.00 Dr / Council contribution       P01
 *   E2 04-02  Bank 1,200,000.00 Dr / NHS contribution         P01
 *   E3 05-31  Homecare 20,500.50 Dr / Creditors               P02
 *   E4 06-30  Residential 30,000.25 Dr / Bank                 P03
 *   E5 07-15  Reablement 10,000.01 Dr / Bank (memo)           P04
 *   E6 08-05  Creditors 20,500.50 Dr / Bank                   P05
 *   E7 03-31  Reablement 999.99 Dr / Creditors, in P13 (accrual)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "reports/table.h"
#include "tests/support/support.h"

enum {
    C_DATE,
    C_ENTRY,
    C_DESC,
    C_ACCOUNT,
    C_ANALYSIS,
    C_DEBIT,
    C_CREDIT,
    C_BALANCE
};

typedef struct fixture {
    pb_book *b;
    char *path;
} fixture;

static const char *const entries[] = {
    "2024-04-01 Council contribution; 1000 500000.00; 4000 partner=COUNCIL "
    "stream=BCF",
    "2024-04-02 NHS contribution; 1000 1200000.00; 4100 partner=ICB "
    "stream=BCF",
    "2024-05-31 Homecare May; 5100 20500.50 stream=BCF scheme=S01; 2000",
    "2024-06-30 Residential June; 5200 30000.25 stream=IBCF scheme=S02; 1000",
    "2024-07-15 Reablement July; 5000 10000.01 stream=DFG scheme=S03 "
    "memo=Invoice_77; 1000",
    "2024-08-05 Pay creditor; 2000 20500.50; 1000",
    "2025-03-31@P13 Accrual; 5000 999.99 stream=DFG; 2000",
};

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    size_t i;

    assert_non_null(f);
    f->b = pbt_book_new(&f->path);
    for (i = 0; i < sizeof entries / sizeof entries[0]; i++)
        pbt_post_ok(f->b, entries[i]);
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

/* Every cell of a row in DISPLAY form, "|"-separated, for one compare. */
static const char *row_text(const pb_table *t, size_t r)
{
    static char text[512];
    pb_buf b = PB_BUF_INIT;
    size_t c;

    for (c = 0; c < pb_table_column_count(t); c++) {
        if (c > 0)
            pb_buf_putc(&b, '|');
        pb_table_cell_format(&b, t, r, c, PB_FORM_DISPLAY);
    }
    snprintf(text, sizeof text, "%s", pb_buf_str(&b));
    pb_buf_clear(&b);
    return text;
}

static void expect_rows(const pb_table *t, const char *const *want, size_t n)
{
    size_t r;

    assert_int_equal(pb_table_row_count(t), n);
    for (r = 0; r < n; r++) {
        if (strcmp(row_text(t, r), want[r]) != 0)
            fail_msg("row %zu:\n  got  %s\n  want %s", r, row_text(t, r),
                     want[r]);
    }
    assert_int_equal(pb_table_row_kind(t, n - 1), PB_ROW_TOTAL);
}

static pb_table *ledger(fixture *f, const pb_report_opts *o)
{
    pb_table *t = NULL;
    pb_error err;

    pb_error_clear(&err);
    if (pb_report_ledger(&t, f->b, o, &err) != PB_OK)
        fail_msg("ledger: %s", err.msg);
    assert_true(pb_table_valid(t));
    return t;
}

/* ---- 1. figures by hand -------------------------------------------------- */

static void test_ledger__account_over_a_period_range(void **state)
{
    static const char *const want[] = {
        "2024-06-01|||||||1,700,000.00", /* E1 + E2, before P03 */
        "2024-06-30|4|Residential June|1000|||30,000.25|1,669,999.75",
        "2024-07-15|5|Reablement July|1000|||10,000.01|1,659,999.74",
        "2024-08-05|6|Pay creditor|1000|||20,500.50|1,639,499.24",
        "||Totals and closing balance|||0.00|60,500.76|1,639,499.24",
    };
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    pb_report_opts_init(&o);
    o.account = "1000";
    o.has_from = true;
    o.from = 202403;
    o.has_period = true;
    o.period = 202405;
    t = ledger(f, &o);
    /* The opening row's description is its label. */
    assert_string_equal(pb_table_text(t, 0, C_DESC), "Opening balance");
    pb_table_set_blank(t, 0, C_DESC);
    expect_rows(t, want, sizeof want / sizeof want[0]);
    assert_int_equal(pb_table_filter_count(t), 2);
    assert_string_equal(pb_table_filter_get(t, 0)->value, "Assets:Bank");
    assert_string_equal(pb_table_filter_get(t, 1)->value, "2024-25 P03");
    assert_int_equal(pb_table_params_get(t)->as_at,
                     pb_date_from_ymd(2024, 8, 31));
    pb_table_free(t);
}

/* A name prefix takes the accounts below it; P12 takes in the P13 accrual
 * (dated 31 March, after the P12 postings); the range starts at P0. */
static void test_ledger__account_prefix_over_the_year(void **state)
{
    static const char *const want[] = {
        "2024-04-01|||||||0.00",
        "2024-05-31|3|Homecare May|5100|stream=BCF scheme=S01|20,500.50||"
        "20,500.50",
        "2024-06-30|4|Residential June|5200|stream=IBCF scheme=S02|30,000.25|"
        "|50,500.75",
        "2024-07-15|5|Reablement July - Invoice 77|5000|stream=DFG "
        "scheme=S03|10,000.01||60,500.76",
        "2025-03-31|7|Accrual|5000|stream=DFG|999.99||61,500.75",
        "||Totals and closing balance|||61,500.75|0.00|61,500.75",
    };
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    pb_report_opts_init(&o);
    o.account = "Expenditure";
    o.has_period = true;
    o.period = 202412;
    t = ledger(f, &o);
    pb_table_set_blank(t, 0, C_DESC);
    expect_rows(t, want, sizeof want / sizeof want[0]);
    pb_table_free(t);
}

/* A scheme across accounts, the whole book: no opening date. */
static void test_ledger__scheme_across_accounts(void **state)
{
    static const char *const want[] = {
        "||Opening balance|||||0.00",
        "2024-06-30|4|Residential June|5200|stream=IBCF scheme=S02|30,000.25|"
        "|30,000.25",
        "||Totals and closing balance|||30,000.25|0.00|30,000.25",
    };
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    pb_report_opts_init(&o);
    o.filter[PB_DIM_SCHEME] = "S02";
    t = ledger(f, &o);
    expect_rows(t, want, sizeof want / sizeof want[0]);
    assert_string_equal(pb_table_filter_get(t, 0)->label, "Scheme");
    assert_string_equal(pb_table_filter_get(t, 0)->value,
                        "S02 - Discharge to assess");
    pb_table_free(t);
}

/* As of a date inside a period: postings after the date are left out. */
static void test_ledger__as_of_a_date(void **state)
{
    static const char *const want[] = {
        "2024-04-01|||||||0.00",
        "2024-04-01|1|Council contribution|1000||500,000.00||500,000.00",
        "2024-04-02|2|NHS contribution|1000||1,200,000.00||1,700,000.00",
        "2024-06-30|4|Residential June|1000|||30,000.25|1,669,999.75",
        "||Totals and closing balance|||1,700,000.00|30,000.25|1,669,999.75",
    };
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    pb_report_opts_init(&o);
    o.account = "Assets:Bank";
    o.has_as_of = true;
    o.as_of = pbt_date("2024-07-14");
    t = ledger(f, &o);
    pb_table_set_blank(t, 0, C_DESC);
    expect_rows(t, want, sizeof want / sizeof want[0]);
    pb_table_free(t);
}

/* A stream and an account together; £000 rounds each figure once. */
static void test_ledger__stream_and_account_in_thousands(void **state)
{
    static const char *const want[] = {
        "||Opening balance|||||0",
        "2024-07-15|5|Reablement July - Invoice 77|5000|stream=DFG "
        "scheme=S03|10||10",
        "2025-03-31|7|Accrual|5000|stream=DFG|1||11",
        "||Totals and closing balance|||11|0|11",
    };
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    pb_report_opts_init(&o);
    o.account = "5000";
    o.filter[PB_DIM_STREAM] = "DFG";
    o.has_units = true;
    o.units = PB_UNITS_THOUSAND;
    t = ledger(f, &o);
    expect_rows(t, want, sizeof want / sizeof want[0]);
    pb_table_free(t);
}

/* ---- 2. refusals ------------------------------------------------------------
 */

static void test_ledger__refusals(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t = NULL;
    pb_error err;

    pb_report_opts_init(&o);
    pb_error_clear(&err);
    assert_int_equal(pb_report_ledger(&t, f->b, &o, &err), PB_EUSAGE);
    assert_null(t);
    assert_non_null(strstr(err.msg, "give an account"));

    o.account = "Expenditur";
    pb_error_clear(&err);
    assert_int_equal(pb_report_ledger(&t, f->b, &o, &err), PB_ENOTFOUND);
    assert_null(t);
    assert_non_null(strstr(err.msg, "Expenditur"));

    o.account = "1000";
    o.has_from = true;
    o.from = 202406;
    o.has_period = true;
    o.period = 202405;
    pb_error_clear(&err);
    assert_int_equal(pb_report_ledger(&t, f->b, &o, &err), PB_EUSAGE);
    assert_null(t);
    assert_non_null(strstr(err.msg, "2024-25 P06"));
    assert_false(pb_book_in_tx(f->b));
}

/* ---- 3. cache and journal agree --------------------------------------------
 */

/* For every account: the ledger's closing balance (opening from the cache
 * before P07, postings from the journal after) equals the trial balance's
 * figure, on a book with 250 more random entries. */
static void test_ledger__closing_equals_trial_balance(void **state)
{
    static const char *const accts[] = {"1000", "1100", "2000", "4000",
                                        "4100", "5000", "5100", "5200"};
    fixture *f = *state;
    pb_report_opts o;
    pb_table *tb, *t;
    pb_error err;
    char spec[256];
    size_t i, k, r;

    pbt_rng_seed(11);
    pb_error_clear(&err);
    assert_int_equal(pb_book_begin(f->b, &err), PB_OK);
    for (i = 0; i < 250; i++) {
        size_t a = (size_t)pbt_rng_range(0, 7), c = (size_t)pbt_rng_range(0, 6);
        int64_t p = pbt_rng_range(1, 5000000);

        c += c >= a;
        snprintf(spec, sizeof spec,
                 "2024-%02d-%02d R%zu; %s %lld.%02lld scheme=S0%d; %s",
                 (int)pbt_rng_range(4, 12), (int)pbt_rng_range(1, 28), i,
                 accts[a], (long long)(p / 100), (long long)(p % 100),
                 (int)pbt_rng_range(1, 3), accts[c]);
        pbt_post_ok(f->b, spec);
    }
    assert_int_equal(pb_book_commit(f->b, &err), PB_OK);
    pb_report_opts_init(&o);
    tb = NULL;
    assert_int_equal(pb_report_trial_balance(&tb, f->b, &o, &err), PB_OK);
    for (k = 0; k < sizeof accts / sizeof accts[0]; k++) {
        pb_amount want;

        pb_amount_init(&want);
        pb_amount_set_units(&want, 0, 2);
        for (r = 0; r < pb_table_row_count(tb); r++) {
            if (pb_table_row_kind(tb, r) == PB_ROW_DETAIL &&
                strcmp(pb_table_text(tb, r, 0), accts[k]) == 0) {
                if (!pb_table_is_blank(tb, r, 2))
                    pb_amount_set(&want, pb_table_amount(tb, r, 2));
                if (!pb_table_is_blank(tb, r, 3))
                    pb_amount_neg(&want, pb_table_amount(tb, r, 3));
            }
        }
        pb_report_opts_init(&o);
        o.account = accts[k];
        o.has_from = true;
        o.from = 202407;
        t = ledger(f, &o);
        r = pb_table_row_count(t) - 1;
        if (pb_amount_cmp(pb_table_amount(t, r, C_BALANCE), &want) != 0)
            fail_msg("%s: ledger closes at %s", accts[k], row_text(t, r));
        pb_table_free(t);
        pb_amount_clear(&want);
    }
    pb_table_free(tb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_ledger__account_over_a_period_range, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_ledger__account_prefix_over_the_year, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger__scheme_across_accounts,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger__as_of_a_date, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_ledger__stream_and_account_in_thousands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger__refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_ledger__closing_equals_trial_balance, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
