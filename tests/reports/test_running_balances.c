/*
 * test_running_balances.c - reports/running_balances: DOMAIN layout A,
 * computed from the sample book.
 *
 *   1. the published table: fixtures/bcf-2024-25 at 2024-25 P06 gives
 *      every cell of the Board's Quarter 2 "Running Balances" (seed 000)
 *   2. the arithmetic: balance = income - spend exactly, totals from the
 *      unrounded rows, % blank where income is zero, the chart's profile
 *   3. as at: an --as-of date inside a period against a model built from
 *      pb_balance_each; an earlier month-end; P12 takes P13-P16
 *   4. filters and the row for money with no stream
 *   5. errors: no pool, no period, P0, --cc, a stream of no pool
 *   6. golden files in every format; JSON round-trips; HTML parses
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledger/balance.h"
#include "ledger/journal.h"
#include "tests/reports/books.h"

static const char *const sample_files[] = {
    "partners",      "pools",    "streams",  "schemes",
    "accounts",      "profiles", "budgets",  "virements",
    "contributions", "outturns", "postings", "forecasts"};

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b =
        book_load(&f->path, "bcf-2024-25", sample_files, COUNT(sample_files));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    book_done(f->b, f->path);
    free(f);
    return 0;
}

static pb_table *report(fixture *f, const pb_report_opts *o)
{
    pb_table *t = NULL;
    int rc = pb_report_running_balances(&t, f->b, o, &f->err);

    if (rc != PB_OK)
        fail_msg("running balances: %s", f->err.msg);
    assert_true(pb_table_valid(t));
    return t;
}

static void at_p06(pb_report_opts *o)
{
    pb_report_opts_init(o);
    o->has_period = true;
    o->period = pb_period_make(2024, 6);
}

/* ---- 1. the published table ---------------------------------------------- */

/* Seed 000, "Running Balances" at month 6 2024-25, as printed.  The book
 * names the streams in full where the Board's template abbreviates: "DFG"
 * is the Disabled Facilities Grant stream, "IBCF" the Improved Better Care
 * Fund; every figure is compared as printed. */
static const char *const published[][5] = {
    {"Disabled Facilities Grant", "£2,741,399", "£1,047,233", "38.20%",
     "£1,694,166"},
    {"Minimum NHS Contribution", "£23,080,574", "£11,612,525", "50.31%",
     "£11,468,049"},
    {"Improved Better Care Fund", "£10,704,789", "£5,352,395", "50.00%",
     "£5,352,394"},
    {"Additional LA Contribution", "£0", "£0", "", "£0"},
    {"Additional NHS Contribution", "£0", "£0", "", "£0"},
    {"Local Authority Discharge Funding", "£2,501,325", "£1,250,662", "50.00%",
     "£1,250,663"},
    {"ICB Discharge Funding", "£2,270,958", "£1,137,156", "50.07%",
     "£1,133,802"},
    {"Total", "£41,299,045", "£20,399,971", "49.40%", "£20,899,074"},
};

static void test_running_balances__every_cell_matches_seed_000(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    size_t r, c;

    at_p06(&o);
    t = report(f, &o);
    assert_int_equal(pb_table_row_count(t), COUNT(published));
    for (r = 0; r < COUNT(published); r++) {
        for (c = 0; c < 5; c++) {
            if (strcmp(cell(t, r, c), published[r][c]) != 0)
                fail_msg("row %zu column %s: \"%s\", published \"%s\"", r,
                         pb_table_column(t, c)->key, cell(t, r, c),
                         published[r][c]);
        }
    }
    /* Template order, zero rows kept; the last row is the total. */
    assert_int_equal(pb_table_row_kind(t, 7), PB_ROW_TOTAL);
    assert_true(pb_table_is_blank(t, 3, 3));
    assert_true(pb_table_is_blank(t, 4, 3));
    /* The total % is 20,399,971 / 41,299,045, not the mean of the rows
     * (47.72%): exactly that ratio. */
    {
        pb_ratio want;
        pb_amount a, b;

        pb_ratio_init(&want);
        pb_amount_init(&a);
        pb_amount_init(&b);
        pbt_amount_set(&a, "20399971");
        pbt_amount_set(&b, "41299045");
        assert_int_equal(pb_ratio_div(&want, &a, &b, NULL), PB_OK);
        assert_int_equal(pb_ratio_cmp(&want, pb_table_ratio(t, 7, 3)), 0);
        pb_ratio_clear(&want);
        pb_amount_clear(&a);
        pb_amount_clear(&b);
    }
    pb_table_free(t);
}

/* ---- 2. the arithmetic ------------------------------------------------------
 */

static void test_running_balances__balance_is_income_less_spend(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_amount d;
    pb_table *t;
    size_t r;

    at_p06(&o);
    t = report(f, &o);
    pb_amount_init(&d);
    for (r = 0; r < pb_table_row_count(t); r++) {
        pb_amount_sub(&d, pb_table_amount(t, r, 1), pb_table_amount(t, r, 2));
        assert_int_equal(pb_amount_cmp(&d, pb_table_amount(t, r, 4)), 0);
    }
    /* The money is exact to the penny: the sample book's figures are
     * whole pounds, so nothing is hidden by rounding. */
    assert_string_equal(exact(t, 0, "income"), "2741399.00");
    assert_string_equal(exact(t, 7, "spent"), "20399971.00");
    pb_amount_clear(&d);
    pb_table_free(t);
}

/* The hidden profile column: each stream's budget months P1..P6 as they
 * stood on 30 September.  DFG is profiled DFG-CAPITAL (4,5,6,7,8,9 of
 * 100 in P1-P6): 39% of 2,741,399 = 1,069,145.61, spread to the penny. */
static void test_running_balances__profile_to_date_for_the_chart(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    size_t c;

    at_p06(&o);
    t = report(f, &o);
    c = pb_table_column_find(t, "profile");
    assert_true(pb_table_column(t, c)->hidden);
    assert_string_equal(exact(t, 0, "profile"), "1069145.61");
    /* iBCF is flat, 10,704,789 / 2 = 5,352,394.50 over six months if it
     * were one line; it is seven, each spread to the penny with the
     * leftover pennies in the earliest months (and a virement spread
     * flat from July that nets to zero), so the book's months add to
     * 5,352,394.60 - the sum of `budget list --months --stream IBCF`
     * P01-P06 as at 30 September. */
    assert_string_equal(exact(t, 2, "profile"), "5352394.60");
    assert_int_equal(pb_table_chart_count(t), 1);
    assert_int_equal(pb_table_chart_get(t, 0)->series[0], c);
    /* Hidden: not in the text report. */
    {
        pb_buf out = PB_BUF_INIT;

        pb_report_render(&out, t, PB_FORMAT_TEXT);
        assert_null(strstr(pb_buf_str(&out), "Profiled"));
        pb_buf_reset(&out);
        pb_report_render(&out, t, PB_FORMAT_CSV);
        assert_null(strstr(pb_buf_str(&out), "Profiled"));
        pb_buf_reset(&out);
        pb_report_render(&out, t, PB_FORMAT_JSON);
        assert_non_null(strstr(pb_buf_str(&out), "\"hidden\": true"));
        pb_buf_clear(&out);
    }
    pb_table_free(t);
}

/* ---- 3. as at --------------------------------------------------------------
 */

typedef struct model {
    const char *stream;
    pb_amount income, spend;
} model;

static int model_fn(const pb_balance_row *row, void *ud)
{
    model *m = ud;

    if (strcmp(row->dim_code, m->stream) != 0)
        return 0;
    if (row->account_type == PB_ACCOUNT_INCOME)
        pb_amount_sub(&m->income, &m->income, row->balance);
    else if (row->account_type == PB_ACCOUNT_EXPENDITURE)
        pb_amount_add(&m->spend, &m->spend, row->balance);
    return 0;
}

/* An --as-of date inside a period reads that period's postings up to the
 * date: each stream's figures equal those of the core balance query (a
 * different code path) for the same date. */
static void test_running_balances__as_of_inside_a_period(void **state)
{
    static const char *const streams[] = {"DFG", "MIN-NHS", "IBCF", "LA-DISCH",
                                          "ICB-DISCH"};
    fixture *f = *state;
    pb_balance_query q;
    pb_report_opts o;
    pb_table *t, *t6;
    size_t i;

    pb_report_opts_init(&o);
    o.has_as_of = true;
    o.as_of = pbt_date("2024-08-15");
    t = report(f, &o);
    at_p06(&o);
    t6 = report(f, &o);
    for (i = 0; i < COUNT(streams); i++) {
        model m;
        size_t r = i < 3 ? i : i + 2;

        m.stream = streams[i];
        pb_amount_init(&m.income);
        pb_amount_init(&m.spend);
        pb_balance_query_init(&q);
        q.has_as_of = true;
        q.as_of = o.as_of = pbt_date("2024-08-15");
        q.group_by = PB_DIM_STREAM;
        assert_int_equal(pb_balance_each(f->b, &q, model_fn, &m, &f->err),
                         PB_OK);
        assert_int_equal(pb_amount_cmp(&m.income, pb_table_amount(t, r, 1)), 0);
        assert_int_equal(pb_amount_cmp(&m.spend, pb_table_amount(t, r, 2)), 0);
        pb_amount_clear(&m.income);
        pb_amount_clear(&m.spend);
    }
    /* Less has been spent by mid-August than by the end of September. */
    assert_true(
        pb_amount_cmp(pb_table_amount(t, 7, 2), pb_table_amount(t6, 7, 2)) < 0);
    /* The title block says so. */
    assert_true(pb_table_params_get(t)->has_as_at);
    assert_int_equal(pb_table_params_get(t)->as_at, pbt_date("2024-08-15"));
    pb_table_free(t);
    pb_table_free(t6);
}

/* Spend at month 5 is less than at month 6 by exactly the P06 postings,
 * and the same as --as-of the last day of P05. */
static void test_running_balances__earlier_month_end(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t5, *t5d;
    pb_buf a = PB_BUF_INIT, b = PB_BUF_INIT;

    pb_report_opts_init(&o);
    o.has_period = true;
    o.period = pb_period_make(2024, 5);
    t5 = report(f, &o);
    pb_report_opts_init(&o);
    o.has_as_of = true;
    o.as_of = pbt_date("2024-08-31");
    t5d = report(f, &o);
    pb_report_render(&a, t5, PB_FORMAT_CSV);
    pb_report_render(&b, t5d, PB_FORMAT_CSV);
    assert_string_equal(pb_buf_str(&a), pb_buf_str(&b));
    /* Income was all due on 1 April: unchanged; spend grows. */
    assert_string_equal(cell(t5, 7, 1), "£41,299,045");
    assert_string_not_equal(cell(t5, 7, 2), "£20,399,971");
    pb_buf_clear(&a);
    pb_buf_clear(&b);
    pb_table_free(t5);
    pb_table_free(t5d);
}

/* P12 (and P13-P16 given as the period) takes the year-end adjustment
 * periods: an accrual posted in P13 counts at P12. */
static void test_running_balances__p12_takes_adjustment_periods(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t, *t13;
    pb_amount before;

    pb_report_opts_init(&o);
    o.has_period = true;
    o.period = pb_period_make(2024, 12);
    t = report(f, &o);
    pb_amount_init(&before);
    pb_amount_set(&before, pb_table_amount(t, 0, 2));
    pb_table_free(t);
    pbt_post_ok(f->b, "2025-03-31@P13 DFG accrual; 5900 1000.00 stream=DFG"
                      " scheme=DFG-ADAPT partner=SCC; 2000");
    t = report(f, &o);
    pb_amount_add_units(&before, 100000, 2);
    assert_int_equal(pb_amount_cmp(&before, pb_table_amount(t, 0, 2)), 0);
    o.period = pb_period_make(2024, 13);
    t13 = report(f, &o);
    assert_int_equal(
        pb_amount_cmp(pb_table_amount(t13, 0, 2), pb_table_amount(t, 0, 2)), 0);
    pb_amount_clear(&before);
    pb_table_free(t);
    pb_table_free(t13);
}

/* ---- 4. filters -------------------------------------------------------------
 */

static void test_running_balances__filters(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    /* One stream: its row and the total. */
    at_p06(&o);
    o.filter[PB_DIM_STREAM] = "IBCF";
    t = report(f, &o);
    assert_int_equal(pb_table_row_count(t), 2);
    assert_string_equal(cell(t, 0, 2), "£5,352,395");
    assert_string_equal(cell(t, 1, 2), "£5,352,395");
    pb_table_free(t);
    /* A scheme: contributions carry no scheme, so no income; the spend
     * is the scheme's (the Carers spend of the sample book). */
    at_p06(&o);
    o.filter[PB_DIM_SCHEME] = "CARERS";
    t = report(f, &o);
    assert_string_equal(cell(t, 7, 1), "£0");
    assert_string_equal(cell(t, 1, 2), "£671,064");
    assert_true(pb_table_is_blank(t, 7, 3)); /* no income: no % */
    pb_table_free(t);
}

/* Income or spend posted with no stream gets a row and a note, so the
 * total is all the income and expenditure of the year. */
static void test_running_balances__money_without_a_stream(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    size_t r;

    pbt_post_ok(f->b, "2024-09-20 Unallocated invoice; 5000 250.00"
                      " scheme=CARERS; 2000");
    at_p06(&o);
    t = report(f, &o);
    r = row_of(t, "No funding stream");
    assert_string_equal(cell(t, r, 2), "£250");
    assert_string_equal(cell(t, r + 1, 2), "£20,400,221");
    assert_int_equal(pb_table_note_count(t), 1);
    pb_table_free(t);
}

/* ---- 5. errors -------------------------------------------------------------
 */

static void test_running_balances__refusals(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t = NULL;

    pb_report_opts_init(&o);
    assert_int_equal(pb_report_running_balances(&t, f->b, &o, &f->err),
                     PB_EUSAGE);
    assert_null(t);
    assert_non_null(strstr(f->err.msg, "--period"));
    o.has_period = true;
    o.period = pb_period_make(2024, 0);
    assert_int_equal(pb_report_running_balances(&t, f->b, &o, &f->err),
                     PB_EUSAGE);
    at_p06(&o);
    o.filter[PB_DIM_COST_CENTRE] = "CC1";
    assert_int_equal(pb_report_running_balances(&t, f->b, &o, &f->err),
                     PB_EUSAGE);
    at_p06(&o);
    o.pool = "BFC";
    assert_int_equal(pb_report_running_balances(&t, f->b, &o, &f->err),
                     PB_ENOTFOUND);
    assert_non_null(strstr(f->err.msg, "did you mean \"BCF\""));
    at_p06(&o);
    o.filter[PB_DIM_STREAM] = "NOPE";
    assert_int_equal(pb_report_running_balances(&t, f->b, &o, &f->err),
                     PB_ENOTFOUND);
    assert_null(t);
}

/* With two pools, the pool must be named. */
static void test_running_balances__two_pools_need_pool(void **state)
{
    fixture *f = *state;
    pb_load_result res;
    pb_report_opts o;
    pb_table *t = NULL;
    static const char pools[] =
        "code,name,basis,host,first_fy\nASC,Adult Social Care,single,SCC,"
        "2024-25\n";

    assert_int_equal(pb_load_mem(f->b, PB_LOAD_POOLS, "p.csv", pools,
                                 sizeof pools - 1, 0, &res, &f->err),
                     PB_OK);
    at_p06(&o);
    assert_int_equal(pb_report_running_balances(&t, f->b, &o, &f->err),
                     PB_EUSAGE);
    assert_non_null(strstr(f->err.msg, "ASC, BCF"));
    o.pool = "BCF";
    t = report(f, &o);
    assert_string_equal(cell(t, 7, 1), "£41,299,045");
    pb_table_free(t);
}

/* ---- 6. formats ------------------------------------------------------------
 */

static void test_running_balances__golden_json_html(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    at_p06(&o);
    t = report(f, &o);
    golden_all(t, "bcf-running-balances");
    /* 8 rows x 4 money columns (income, spend, balance, hidden profile). */
    assert_int_equal(json_round_trip(t), 32);
    html_parses(t);
    pb_table_free(t);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_running_balances__every_cell_matches_seed_000),
        T(test_running_balances__balance_is_income_less_spend),
        T(test_running_balances__profile_to_date_for_the_chart),
        T(test_running_balances__as_of_inside_a_period),
        T(test_running_balances__earlier_month_end),
        T(test_running_balances__p12_takes_adjustment_periods),
        T(test_running_balances__filters),
        T(test_running_balances__money_without_a_stream),
        T(test_running_balances__refusals),
        T(test_running_balances__two_pools_need_pool),
        T(test_running_balances__golden_json_html),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
