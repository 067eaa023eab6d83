/*
 * test_trial_balance.c - reports/trial_balance: every account's balance
 * in its natural column, equal totals.
 *
 *   1. figures by hand: the standard chart (tests/support) with seven
 *      entries, as at P03, P11, P12 (which takes in P13) and a date
 *   2. grouping by account-name levels: headings, subtotals, segment order
 *   3. filters: a note with the difference, no error; an unknown code
 *   4. a corrupted balance cache: the table is returned with a note, and
 *      PB_ECORRUPT
 *   5. a seeded random book against a model kept while posting
 *
 * The entries (2024-25; P1 = April):
 *   E1 04-01  Bank 500,000.00 Dr / Council contribution       P01
 *   E2 04-02  Bank 1,200,000.00 Dr / NHS contribution         P01
 *   E3 05-31  Homecare 20,500.50 Dr / Creditors               P02
 *   E4 06-30  Residential 30,000.25 Dr / Bank                 P03
 *   E5 07-15  Reablement 10,000.01 Dr / Bank                  P04
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

#include "ledger/account.h"
#include "reports/report.h"
#include "reports/table.h"
#include "tests/support/support.h"

enum { C_CODE, C_ACCOUNT, C_DEBIT, C_CREDIT };

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
    "2024-07-15 Reablement July; 5000 10000.01 stream=DFG scheme=S03; 1000",
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

static const char *cell(const pb_table *t, size_t r, size_t c)
{
    static char text[4][128];
    static int k;
    pb_buf b = PB_BUF_INIT;

    k = (k + 1) % 4;
    pb_table_cell_format(&b, t, r, c, PB_FORM_DISPLAY);
    snprintf(text[k], sizeof text[k], "%s", pb_buf_str(&b));
    pb_buf_clear(&b);
    return text[k];
}

/* The one row whose code cell is `code`. */
static size_t row_of(const pb_table *t, const char *code)
{
    size_t r, found = (size_t)-1;

    for (r = 0; r < pb_table_row_count(t); r++) {
        if (!pb_table_is_blank(t, r, C_CODE) &&
            strcmp(pb_table_text(t, r, C_CODE), code) == 0) {
            assert_int_equal(found, (size_t)-1);
            found = r;
        }
    }
    if (found == (size_t)-1)
        fail_msg("no row for account %s", code);
    return found;
}

static void expect(const pb_table *t, const char *code, const char *dr,
                   const char *cr)
{
    size_t r = row_of(t, code);

    if (strcmp(cell(t, r, C_DEBIT), dr) != 0 ||
        strcmp(cell(t, r, C_CREDIT), cr) != 0)
        fail_msg("%s: debit \"%s\" credit \"%s\", want \"%s\" \"%s\"", code,
                 cell(t, r, C_DEBIT), cell(t, r, C_CREDIT), dr, cr);
}

static void expect_total(const pb_table *t, const char *both)
{
    size_t r = pb_table_row_count(t) - 1;

    assert_int_equal(pb_table_row_kind(t, r), PB_ROW_TOTAL);
    assert_string_equal(cell(t, r, C_ACCOUNT), "Total");
    assert_string_equal(cell(t, r, C_DEBIT), both);
    assert_string_equal(cell(t, r, C_CREDIT), both);
}

static pb_table *tb(fixture *f, const pb_report_opts *o)
{
    pb_table *t = NULL;
    pb_error err;

    pb_error_clear(&err);
    if (pb_report_trial_balance(&t, f->b, o, &err) != PB_OK)
        fail_msg("trial balance: %s", err.msg);
    assert_non_null(t);
    assert_true(pb_table_valid(t));
    return t;
}

/* ---- 1. figures by hand -------------------------------------------------- */

static void test_trial_balance__as_at_p03_by_hand(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    char buf[PB_PERIOD_STR_LEN];

    pb_report_opts_init(&o);
    o.has_period = true;
    o.period = 202403;
    t = tb(f, &o);
    /* E1-E4 only (to the end of June); six accounts with postings. */
    assert_int_equal(pb_table_row_count(t), 6 + 1);
    expect(t, "1000", "1,669,999.75", ""); /* 500,000 + 1,200,000 - 30,000.25 */
    expect(t, "2000", "", "20,500.50");
    expect(t, "4000", "", "500,000.00");
    expect(t, "4100", "", "1,200,000.00");
    expect(t, "5100", "20,500.50", "");
    expect(t, "5200", "30,000.25", "");
    expect_total(t, "1,720,500.50");
    assert_true(pb_table_params_get(t)->has_period);
    assert_string_equal(pb_period_str(pb_table_params_get(t)->period, 4, buf),
                        "2024-25 P03");
    assert_int_equal(pb_table_params_get(t)->as_at,
                     pb_date_from_ymd(2024, 6, 30));
    assert_int_equal(pb_table_note_count(t), 0);
    pb_table_free(t);
}

/* P12 takes in the year-end adjustment periods (E7 in P13); P11 does not,
 * and an account whose postings net to zero keeps its row, both blank. */
static void test_trial_balance__p12_takes_in_adjustments(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    pb_report_opts_init(&o);
    o.has_period = true;
    o.period = 202412;
    t = tb(f, &o);
    expect(t, "1000", "1,639,499.24", "");
    expect(t, "2000", "", "999.99");
    expect(t, "5000", "11,000.00", "");
    expect_total(t, "1,700,999.99");
    pb_table_free(t);

    o.period = 202411;
    t = tb(f, &o);
    expect(t, "2000", "", ""); /* 20,500.50 in, 20,500.50 out */
    expect(t, "5000", "10,000.01", "");
    expect_total(t, "1,700,000.00");
    pb_table_free(t);
}

static void test_trial_balance__as_of_a_date_inside_a_period(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    pb_report_opts_init(&o);
    o.has_as_of = true;
    o.as_of = pbt_date("2024-07-14");
    t = tb(f, &o);
    expect(t, "1000", "1,669,999.75", "");
    expect_total(t, "1,720,500.50");
    assert_int_equal(pb_table_params_get(t)->period, 202404);
    pb_table_free(t);
    o.as_of = pbt_date("2024-07-15"); /* takes E5: bank to reablement */
    t = tb(f, &o);
    expect(t, "1000", "1,659,999.74", "");
    expect(t, "5000", "10,000.01", "");
    expect_total(t, "1,720,500.50");
    pb_table_free(t);
}

/* Units apply, each figure rounded once from its exact value: 1,639,499.24
 * is 1,639 in £000, 999.99 is 1 and the total 1,700,999.99 is 1,701. */
static void test_trial_balance__units_round_once(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    pb_report_opts_init(&o);
    o.has_units = true;
    o.units = PB_UNITS_THOUSAND;
    t = tb(f, &o);
    expect(t, "1000", "1,639", ""); /* 1,639.49924 */
    expect(t, "5000", "11", "");
    expect(t, "5100", "21", ""); /* 20.5005 */
    expect(t, "5200", "30", "");
    expect(t, "2000", "", "1"); /* 0.99999 */
    expect_total(t, "1,701");   /* 1,700.99999 */
    pb_table_free(t);
}

/* ---- 2. grouping -----------------------------------------------------------
 */

static void test_trial_balance__depth_groups_with_subtotals(void **state)
{
    fixture *f = *state;
    static const struct {
        pb_row_kind kind;
        int level;
        const char *label, *dr, *cr;
    } want[] = {
        {PB_ROW_HEADING, 0, "Assets", "", ""},
        {PB_ROW_DETAIL, 1, "Bank", "1,639,499.24", ""},
        {PB_ROW_SUBTOTAL, 0, "Total Assets", "1,639,499.24", ""},
        {PB_ROW_HEADING, 0, "Expenditure", "", ""},
        {PB_ROW_HEADING, 1, "Care", "", ""},
        {PB_ROW_DETAIL, 2, "Homecare", "20,500.50", ""},
        {PB_ROW_DETAIL, 2, "Residential", "30,000.25", ""},
        {PB_ROW_SUBTOTAL, 1, "Total Care", "50,500.75", ""},
        {PB_ROW_DETAIL, 1, "Reablement", "11,000.00", ""},
        {PB_ROW_SUBTOTAL, 0, "Total Expenditure", "61,500.75", ""},
        {PB_ROW_HEADING, 0, "Income", "", ""},
        {PB_ROW_HEADING, 1, "Contributions", "", ""},
        {PB_ROW_DETAIL, 2, "Council", "", "500,000.00"},
        {PB_ROW_DETAIL, 2, "NHS", "", "1,200,000.00"},
        {PB_ROW_SUBTOTAL, 1, "Total Contributions", "", "1,700,000.00"},
        {PB_ROW_SUBTOTAL, 0, "Total Income", "", "1,700,000.00"},
        {PB_ROW_HEADING, 0, "Liabilities", "", ""},
        {PB_ROW_DETAIL, 1, "Creditors", "", "999.99"},
        {PB_ROW_SUBTOTAL, 0, "Total Liabilities", "", "999.99"},
        {PB_ROW_TOTAL, 0, "Total", "1,700,999.99", "1,700,999.99"},
    };
    pb_report_opts o;
    pb_table *t;
    size_t r;

    pb_report_opts_init(&o);
    o.depth = 2;
    t = tb(f, &o);
    assert_int_equal(pb_table_row_count(t), sizeof want / sizeof want[0]);
    assert_int_equal(pb_table_label_column(t), C_ACCOUNT);
    for (r = 0; r < pb_table_row_count(t); r++) {
        if (pb_table_row_kind(t, r) != want[r].kind ||
            pb_table_row_level(t, r) != want[r].level ||
            strcmp(cell(t, r, C_ACCOUNT), want[r].label) != 0 ||
            strcmp(cell(t, r, C_DEBIT), want[r].dr) != 0 ||
            strcmp(cell(t, r, C_CREDIT), want[r].cr) != 0)
            fail_msg("row %zu: %s/%d \"%s\" \"%s\" \"%s\", want \"%s\"", r,
                     pb_row_kind_name(pb_table_row_kind(t, r)),
                     pb_table_row_level(t, r), cell(t, r, C_ACCOUNT),
                     cell(t, r, C_DEBIT), cell(t, r, C_CREDIT), want[r].label);
    }
    pb_table_free(t);
}

/* Names compare segment by segment: "Expenditure Other" (a sibling of
 * "Expenditure") comes after every "Expenditure:..." account, which plain
 * string order (' ' < ':') would interleave, splitting the group. */
static void
test_trial_balance__groups_stay_together_in_segment_order(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    pb_error err;
    size_t r, other, reable;

    pb_error_clear(&err);
    assert_int_equal(pb_book_begin(f->b, &err), PB_OK);
    assert_int_equal(pb_account_add(f->b, "5900", "Expenditure Other",
                                    PB_ACCOUNT_EXPENDITURE, NULL, &err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &err), PB_OK);
    pbt_post_ok(f->b, "2024-09-01 Other; 5900 5.00; 1000");
    pb_report_opts_init(&o);
    o.depth = 1;
    t = tb(f, &o);
    other = row_of(t, "5900");
    reable = row_of(t, "5000");
    assert_true(other > reable);
    assert_int_equal(pb_table_row_level(t, other), 0); /* not in a group */
    assert_string_equal(cell(t, other, C_ACCOUNT), "Expenditure Other");
    for (r = 0; r < pb_table_row_count(t); r++) {
        if (pb_table_row_kind(t, r) == PB_ROW_HEADING &&
            strcmp(cell(t, r, C_ACCOUNT), "Expenditure") == 0)
            break;
    }
    assert_true(r < other);
    assert_string_equal(cell(t, other - 1, C_ACCOUNT), "Total Expenditure");
    assert_string_equal(cell(t, other - 1, C_DEBIT), "61,500.75");
    expect_total(t, "1,700,999.99"); /* 5.00 moved from the bank */
    pb_table_free(t);
}

/* ---- 3. filters ------------------------------------------------------------
 */

static void test_trial_balance__filter_notes_the_difference(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    size_t last;

    pb_report_opts_init(&o);
    o.filter[PB_DIM_STREAM] = "BCF";
    t = tb(f, &o);
    /* Only the BCF-tagged legs: the bank legs carry no stream. */
    assert_int_equal(pb_table_row_count(t), 3 + 1);
    expect(t, "4000", "", "500,000.00");
    expect(t, "4100", "", "1,200,000.00");
    expect(t, "5100", "20,500.50", "");
    last = pb_table_row_count(t) - 1;
    assert_string_equal(cell(t, last, C_DEBIT), "20,500.50");
    assert_string_equal(cell(t, last, C_CREDIT), "1,700,000.00");
    assert_int_equal(pb_table_note_count(t), 1);
    assert_non_null(strstr(pb_table_note(t, 0), "-1679499.50"));
    assert_int_equal(pb_table_filter_count(t), 1);
    assert_string_equal(pb_table_filter_get(t, 0)->label, "Funding stream");
    assert_string_equal(pb_table_filter_get(t, 0)->value,
                        "BCF - Better Care Fund");
    pb_table_free(t);
}

static void test_trial_balance__unknown_filter_code(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t = (pb_table *)&o; /* must be set to NULL */
    pb_error err;

    pb_report_opts_init(&o);
    o.filter[PB_DIM_SCHEME] = "S0l";
    pb_error_clear(&err);
    assert_int_equal(pb_report_trial_balance(&t, f->b, &o, &err), PB_ENOTFOUND);
    assert_null(t);
    assert_non_null(strstr(err.msg, "S0l"));
    assert_false(pb_book_in_tx(f->b)); /* its read transaction is over */
}

/* ---- 4. corruption ----------------------------------------------------- */

static void test_trial_balance__unbalanced_cache_is_corruption(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t = NULL;
    pb_error err;

    pbt_exec(f->b, "UPDATE balance SET debit = debit + 1 WHERE account_id ="
                   " (SELECT id FROM account WHERE code = '5100')");
    pb_report_opts_init(&o);
    pb_error_clear(&err);
    assert_int_equal(pb_report_trial_balance(&t, f->b, &o, &err), PB_ECORRUPT);
    assert_non_null(t); /* the table is kept for the reader */
    assert_non_null(strstr(err.msg, "does not balance"));
    assert_non_null(strstr(err.msg, "0.01"));
    assert_int_equal(pb_table_note_count(t), 1);
    assert_non_null(strstr(pb_table_note(t, 0), "OUT OF BALANCE"));
    expect(t, "5100", "20,500.51", "");
    pb_table_free(t);
}

/* ---- 5. against a model ------------------------------------------------- */

static void test_trial_balance__random_book_matches_a_model(void **state)
{
    static const char *const accts[] = {"1000", "1100", "2000", "4000",
                                        "4100", "5000", "5100", "5200"};
    enum { N = sizeof accts / sizeof accts[0] };
    int64_t model[N] = {0};
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    pb_error err;
    char spec[256], want[64];
    int64_t total = 0;
    size_t i, k;

    /* The fixture's entries, in pence. */
    model[0] = 163949924;
    model[2] = -99999;
    model[3] = -50000000;
    model[4] = -120000000;
    model[5] = 1100000;
    model[6] = 2050050;
    model[7] = 3000025;
    pbt_rng_seed(5);
    pb_error_clear(&err);
    assert_int_equal(pb_book_begin(f->b, &err), PB_OK);
    for (i = 0; i < 300; i++) {
        size_t a = (size_t)pbt_rng_range(0, N - 1);
        size_t c = (size_t)pbt_rng_range(0, N - 2);
        int64_t p = pbt_rng_range(1, 99999999);

        c += c >= a; /* a different account */
        snprintf(spec, sizeof spec, "2024-%02d-%02d R%zu; %s %lld.%02lld; %s",
                 (int)pbt_rng_range(4, 12), (int)pbt_rng_range(1, 28), i,
                 accts[a], (long long)(p / 100), (long long)(p % 100),
                 accts[c]);
        pbt_post_ok(f->b, spec);
        model[a] += p;
        model[c] -= p;
    }
    assert_int_equal(pb_book_commit(f->b, &err), PB_OK);
    pb_report_opts_init(&o);
    o.places = 2;
    t = tb(f, &o);
    for (k = 0; k < N; k++) {
        int64_t v = model[k] < 0 ? -model[k] : model[k];
        pb_amount a;
        char *s;

        pb_amount_init(&a);
        pb_amount_set_units(&a, v, 2);
        s = pb_amount_to_string(&a);
        snprintf(want, sizeof want, "%s", s);
        free(s);
        pb_amount_clear(&a);
        {
            size_t r = row_of(t, accts[k]);
            size_t col = model[k] > 0 ? C_DEBIT : C_CREDIT;
            pb_buf b = PB_BUF_INIT;

            pb_table_cell_format(&b, t, r, col, PB_FORM_PLAIN);
            if (model[k] != 0 && strcmp(pb_buf_str(&b), want) != 0)
                fail_msg("%s: %s, model %s", accts[k], pb_buf_str(&b), want);
            assert_true(
                pb_table_is_blank(t, r, col == C_DEBIT ? C_CREDIT : C_DEBIT));
            pb_buf_clear(&b);
        }
        if (model[k] > 0)
            total += model[k];
    }
    {
        size_t r = pb_table_row_count(t) - 1;
        pb_buf b = PB_BUF_INIT;

        pb_table_cell_format(&b, t, r, C_DEBIT, PB_FORM_PLAIN);
        snprintf(want, sizeof want, "%lld.%02lld", (long long)(total / 100),
                 (long long)(total % 100));
        assert_string_equal(pb_buf_str(&b), want);
        pb_buf_reset(&b);
        pb_table_cell_format(&b, t, r, C_CREDIT, PB_FORM_PLAIN);
        assert_string_equal(pb_buf_str(&b), want);
        pb_buf_clear(&b);
    }
    pb_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_trial_balance__as_at_p03_by_hand,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_trial_balance__p12_takes_in_adjustments, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_trial_balance__as_of_a_date_inside_a_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trial_balance__units_round_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_trial_balance__depth_groups_with_subtotals, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_trial_balance__groups_stay_together_in_segment_order, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_trial_balance__filter_notes_the_difference, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trial_balance__unknown_filter_code,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_trial_balance__unbalanced_cache_is_corruption, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_trial_balance__random_book_matches_a_model, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
