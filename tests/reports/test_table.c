/*
 * test_table.c - reports/table: the typed result table and the one place
 * a cell becomes text.
 *
 *   1. the published tables: every cell of seed 001's Month 11 budget
 *      monitoring (layout B) and seed 000's running balances (layout A)
 *   2. variance: magnitude and F/A from the unrounded sign ("0.00 F" for
 *      -0.004 in £M, "0.00" only for an exact zero), movement arrows
 *   3. round once: totals from unrounded cells (rows 90.16, total 90.17),
 *      units and places, the named rule, brackets per column, PLAIN form
 *   4. structure: parameters, filters, notes, charts, rows, blank cells,
 *      replacing values, readers, names
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/amount.h"
#include "reports/table.h"
#include "tests/reports/sample.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The DISPLAY (or PLAIN) text of a cell, in a static buffer. */
static const char *cell(const pb_table *t, size_t r, size_t c,
                        pb_cell_form form)
{
    static char text[256];
    pb_buf b = PB_BUF_INIT;

    pb_table_cell_format(&b, t, r, c, form);
    snprintf(text, sizeof text, "%s", pb_buf_str(&b));
    pb_buf_clear(&b);
    return text;
}

/* A one-column table of `type` holding `value` (pounds) in row 0. */
static pb_table *one(pb_col_type type, const char *value, pb_units units,
                     int places)
{
    pb_table *t = pb_table_new("t", "T");
    pb_amount a;

    pb_table_add_column(t, "x", "X", type);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_set_units(t, units, places);
    pb_amount_init(&a);
    sample_amount(&a, value);
    pb_table_set_amount(t, 0, 0, &a);
    pb_amount_clear(&a);
    return t;
}

/* ---- 1. the published tables ------------------------------------------ */

static void
test_table_budget_monitoring__every_cell_matches_seed_001(void **state)
{
    pb_table *t = sample_budget();
    size_t r, c;

    (void)state;
    assert_true(pb_table_valid(t));
    assert_int_equal(pb_table_row_count(t), COUNT(sample_budget_printed));
    for (r = 0; r < COUNT(sample_budget_printed); r++) {
        for (c = 0; c < B_NCOLS; c++) {
            const char *got = cell(t, r, c, PB_FORM_DISPLAY);

            if (strcmp(got, sample_budget_printed[r][c]) != 0)
                fail_msg("row %zu column %s: \"%s\", published \"%s\"", r,
                         pb_table_column(t, c)->key, got,
                         sample_budget_printed[r][c]);
        }
    }
    pb_table_free(t);
}

static void
test_table_running_balances__every_cell_matches_seed_000(void **state)
{
    pb_table *t = sample_running();
    size_t r, c;

    (void)state;
    assert_int_equal(pb_table_row_count(t), COUNT(sample_running_printed));
    for (r = 0; r < COUNT(sample_running_printed); r++) {
        for (c = 0; c < A_NCOLS; c++) {
            const char *got = cell(t, r, c, PB_FORM_DISPLAY);

            if (strcmp(got, sample_running_printed[r][c]) != 0)
                fail_msg("row %zu column %s: \"%s\", published \"%s\"", r,
                         pb_table_column(t, c)->key, got,
                         sample_running_printed[r][c]);
        }
    }
    /* % spent is blank where income is zero, not "0.00%". */
    assert_true(pb_table_is_blank(t, 3, A_PCT));
    assert_true(pb_table_is_blank(t, 4, A_PCT));
    pb_table_free(t);
}

/* The total % is total spend / total income (49.40%), not the mean of
 * the row percentages (which would be 47.72%). */
static void
test_table_running_balances__total_percent_is_not_an_average(void **state)
{
    pb_table *t = sample_running();
    size_t last = pb_table_row_count(t) - 1;

    (void)state;
    assert_string_equal(cell(t, last, A_PCT, PB_FORM_DISPLAY), "49.40%");
    assert_string_equal(cell(t, last, A_PCT, PB_FORM_PLAIN), "49.40");
    pb_table_free(t);
}

/* ---- 2. variance --------------------------------------------------------- */

static void test_table_variance__marker_from_unrounded_sign(void **state)
{
    static const struct {
        const char *pounds, *display, *plain, *marker;
    } cases[] = {
        {"3046000", "3.05 A", "3.05", "A"}, /* Long Term */
        {"-290000", "0.29 F", "0.29", "F"}, /* Adult Services Mgmt */
        {"-4000", "0.00 F", "0.00", "F"},   /* -0.004 in £M */
        {"4000", "0.00 A", "0.00", "A"},    /* tiny adverse */
        {"-0.01", "0.00 F", "0.00", "F"},   /* one penny */
        {"0", "0.00", "0.00", ""},          /* exactly zero: no marker */
        {"-5000", "0.01 F", "0.01", "F"},   /* half rounds away */
    };
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(cases); i++) {
        pb_table *t =
            one(PB_COL_VARIANCE, cases[i].pounds, PB_UNITS_MILLION, 2);

        assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), cases[i].display);
        assert_string_equal(cell(t, 0, 0, PB_FORM_PLAIN), cases[i].plain);
        assert_string_equal(pb_table_variance_marker(t, 0, 0), cases[i].marker);
        pb_table_free(t);
    }
}

/* A variance never shows brackets or a minus, whatever the column's
 * negative style: its sign is the marker. */
static void test_table_variance__magnitude_ignores_negative_style(void **state)
{
    pb_table *t = one(PB_COL_VARIANCE, "-1234567.89", PB_UNITS_ONE, 2);

    (void)state;
    pb_table_column_negative(t, 0, PB_NEG_BRACKETS);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "1,234,567.89 F");
    pb_table_free(t);
}

static void test_table_variance__blank_cell_has_no_marker(void **state)
{
    pb_table *t = pb_table_new("t", "T");

    (void)state;
    pb_table_add_column(t, "v", "V", PB_COL_VARIANCE);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    assert_true(pb_table_is_blank(t, 0, 0));
    assert_string_equal(pb_table_variance_marker(t, 0, 0), "");
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "");
    pb_table_free(t);
}

/* Movement = variance now - variance before; the seed's two examples. */
static void
test_table_movement__arrows_follow_the_published_examples(void **state)
{
    pb_table *t = sample_budget();

    (void)state;
    /* Long Term: 3.05 A, was 3.56 A: 0.51 F, improving. */
    assert_string_equal(cell(t, 1, B_MOVE, PB_FORM_DISPLAY), "0.51 F");
    assert_int_equal(pb_table_arrow(t, 1, B_TREND), PB_ARROW_IMPROVING);
    assert_string_equal(cell(t, 1, B_TREND, PB_FORM_DISPLAY), "\xE2\x86\x91");
    /* Adult Services Management: 0.29 F, was 0.34 F: 0.05 A, worse. */
    assert_string_equal(cell(t, 0, B_MOVE, PB_FORM_DISPLAY), "0.05 A");
    assert_int_equal(pb_table_arrow(t, 0, B_TREND), PB_ARROW_DETERIORATING);
    assert_string_equal(cell(t, 0, B_TREND, PB_FORM_DISPLAY), "\xE2\x86\x93");
    /* Exactly unchanged: "0.00", "-". */
    assert_string_equal(cell(t, 6, B_MOVE, PB_FORM_DISPLAY), "0.00");
    assert_int_equal(pb_table_arrow(t, 6, B_TREND), PB_ARROW_UNCHANGED);
    pb_table_free(t);
}

/* ---- 3. round once --------------------------------------------------------
 */

/* Sum of the printed texts of column c over rows [0, n), as pence. */
static int64_t printed_sum(const pb_table *t, size_t c, size_t n)
{
    int64_t sum = 0, units;
    pb_amount a;
    size_t r;

    pb_amount_init(&a);
    for (r = 0; r < n; r++) {
        const char *s = cell(t, r, c, PB_FORM_DISPLAY);

        assert_int_equal(pb_amount_parse(&a, s, strlen(s), NULL, NULL), PB_OK);
        assert_int_equal(pb_amount_get_units(&a, 2, &units, NULL), PB_OK);
        sum += units;
    }
    pb_amount_clear(&a);
    return sum;
}

static void test_table_sum__totals_come_from_unrounded_values(void **state)
{
    pb_table *t = sample_budget();
    size_t total = SAMPLE_BUDGET_ROWS;

    (void)state;
    /* The rows as printed add up to 90.16; the total prints 90.17. */
    assert_int_equal(printed_sum(t, B_BUDGET, total), 9016);
    assert_string_equal(cell(t, total, B_BUDGET, PB_FORM_DISPLAY), "90.17");
    /* Prior-year outturn: rows 89.61, total 89.60. */
    assert_int_equal(printed_sum(t, B_PRIOR, total), 8961);
    assert_string_equal(cell(t, total, B_PRIOR, PB_FORM_DISPLAY), "89.60");
    /* The total cell holds the exact sum of the unrounded rows. */
    {
        pb_amount exact;
        char *s;

        pb_amount_init(&exact);
        pb_table_sum(&exact, t, B_BUDGET, 0, total);
        s = pb_amount_to_string(&exact);
        assert_string_equal(s, "90168900.00");
        assert_int_equal(
            pb_amount_cmp(&exact, pb_table_amount(t, total, B_BUDGET)), 0);
        free(s);
        pb_amount_clear(&exact);
    }
    pb_table_free(t);
}

/* pb_table_sum counts detail rows only: subtotals and totals already in
 * the range are not counted twice; blank cells count as zero. */
static void test_table_sum__detail_rows_only(void **state)
{
    pb_table *t = pb_table_new("t", "T");
    pb_amount a;
    size_t r;

    (void)state;
    pb_amount_init(&a);
    pb_table_add_column(t, "x", "X", PB_COL_AMOUNT);
    r = pb_table_add_row(t, PB_ROW_DETAIL, 1);
    sample_amount(&a, "10.01");
    pb_table_set_amount(t, r, 0, &a);
    pb_table_add_row(t, PB_ROW_DETAIL, 1); /* blank */
    r = pb_table_add_row(t, PB_ROW_SUBTOTAL, 0);
    sample_amount(&a, "10.01");
    pb_table_set_amount(t, r, 0, &a);
    r = pb_table_add_row(t, PB_ROW_DETAIL, 0);
    sample_amount(&a, "-0.02");
    pb_table_set_amount(t, r, 0, &a);
    pb_table_sum(&a, t, 0, 0, pb_table_row_count(t));
    assert_string_equal(cell(t, 0, 0, PB_FORM_PLAIN), "10.01");
    {
        char *s = pb_amount_to_string(&a);

        assert_string_equal(s, "9.99");
        free(s);
    }
    pb_table_sum(&a, t, 0, 1, 2); /* the blank row alone */
    assert_true(pb_amount_is_zero(&a));
    pb_amount_clear(&a);
    pb_table_free(t);
}

static void test_table_units__scale_and_round_once(void **state)
{
    static const struct {
        const char *pounds;
        pb_units units;
        int places;
        const char *display, *plain;
    } cases[] = {
        {"1234567.89", PB_UNITS_ONE, 2, "1,234,567.89", "1234567.89"},
        {"1234567.89", PB_UNITS_ONE, 0, "1,234,568", "1234568"},
        {"1234567.89", PB_UNITS_THOUSAND, -1, "1,235", "1235"},
        {"1234567.89", PB_UNITS_THOUSAND, 1, "1,234.6", "1234.6"},
        {"1234567.89", PB_UNITS_MILLION, -1, "1.23", "1.23"},
        {"-1234567.89", PB_UNITS_MILLION, 3, "-1.235", "-1.235"},
        {"499.99", PB_UNITS_THOUSAND, 0, "0", "0"},
        {"-499.99", PB_UNITS_THOUSAND, 0, "0", "0"}, /* never "-0" */
        {"500", PB_UNITS_THOUSAND, 0, "1", "1"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(cases); i++) {
        pb_table *t = one(PB_COL_AMOUNT, cases[i].pounds, cases[i].units,
                          cases[i].places);

        assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), cases[i].display);
        assert_string_equal(cell(t, 0, 0, PB_FORM_PLAIN), cases[i].plain);
        pb_table_free(t);
    }
}

/* The table's named rule is the one used: ties 2,500 and 3,500 pounds at
 * £000 with no places. */
static void test_table_rounding__named_rule_applies_to_every_cell(void **state)
{
    pb_table *t = one(PB_COL_AMOUNT, "2500", PB_UNITS_THOUSAND, 0);
    pb_amount a;

    (void)state;
    pb_amount_init(&a);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    sample_amount(&a, "3500");
    pb_table_set_amount(t, 1, 0, &a);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "3");
    assert_string_equal(cell(t, 1, 0, PB_FORM_DISPLAY), "4");
    pb_table_set_rounding(t, PB_ROUND_HALF_EVEN);
    assert_int_equal(pb_table_params_get(t)->rounding, PB_ROUND_HALF_EVEN);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "2");
    assert_string_equal(cell(t, 1, 0, PB_FORM_DISPLAY), "4");
    pb_amount_clear(&a);
    pb_table_free(t);
}

static void
test_table_negative__brackets_per_column_minus_in_plain(void **state)
{
    pb_table *t = pb_table_new("t", "T");
    pb_amount a;

    (void)state;
    pb_amount_init(&a);
    sample_amount(&a, "-15284000");
    pb_table_add_column(t, "budget", "Budget", PB_COL_AMOUNT);
    pb_table_add_column(t, "other", "Other", PB_COL_AMOUNT);
    pb_table_column_negative(t, 0, PB_NEG_BRACKETS);
    pb_table_set_units(t, PB_UNITS_MILLION, -1);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_set_amount(t, 0, 0, &a);
    pb_table_set_amount(t, 0, 1, &a);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "(15.28)");
    assert_string_equal(cell(t, 0, 1, PB_FORM_DISPLAY), "-15.28");
    assert_string_equal(cell(t, 0, 0, PB_FORM_PLAIN), "-15.28");
    assert_int_equal(pb_table_column(t, 0)->negative, PB_NEG_BRACKETS);
    assert_int_equal(pb_table_column(t, 1)->negative, PB_NEG_MINUS);
    pb_amount_clear(&a);
    pb_table_free(t);
}

static void test_table_currency__pound_sign_in_display_only(void **state)
{
    pb_table *t = one(PB_COL_AMOUNT, "-1694166", PB_UNITS_ONE, 0);

    (void)state;
    pb_table_set_currency(t, true);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "-£1,694,166");
    pb_table_column_negative(t, 0, PB_NEG_BRACKETS);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "(£1,694,166)");
    assert_string_equal(cell(t, 0, 0, PB_FORM_PLAIN), "-1694166");
    pb_table_set_grouping(t, false);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "(£1694166)");
    pb_table_free(t);
}

static void test_table_percent__column_places_and_table_rule(void **state)
{
    pb_table *t = pb_table_new("t", "T");
    pb_ratio q;

    (void)state;
    pb_ratio_init(&q);
    pb_table_add_column(t, "p", "P", PB_COL_PERCENT);
    assert_int_equal(pb_table_column(t, 0)->places, 2);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_ratio_set_si(&q, 1, 8); /* 12.5% */
    pb_table_set_ratio(t, 0, 0, &q);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "12.50%");
    pb_table_column_places(t, 0, 0);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "13%");
    pb_table_set_rounding(t, PB_ROUND_HALF_EVEN);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "12%");
    pb_ratio_set_si(&q, -1, 3);
    pb_table_set_ratio(t, 0, 0, &q);
    pb_table_column_places(t, 0, 1);
    assert_string_equal(cell(t, 0, 0, PB_FORM_DISPLAY), "-33.3%");
    assert_string_equal(cell(t, 0, 0, PB_FORM_PLAIN), "-33.3");
    pb_ratio_clear(&q);
    pb_table_free(t);
}

/* ---- 4. structure -------------------------------------------------------- */

static void test_table_new__defaults(void **state)
{
    pb_table *t = pb_table_new("trial-balance", "Trial balance");
    const pb_table_params *p = pb_table_params_get(t);

    (void)state;
    assert_string_equal(p->report, "trial-balance");
    assert_string_equal(p->title, "Trial balance");
    assert_null(p->pool_code);
    assert_false(p->has_period);
    assert_false(p->has_as_at);
    assert_int_equal(p->units, PB_UNITS_ONE);
    assert_int_equal(p->places, 2);
    assert_int_equal(p->rounding, PB_ROUND_HALF_UP);
    assert_true(p->grouping);
    assert_false(p->currency);
    assert_int_equal(pb_table_column_count(t), 0);
    assert_int_equal(pb_table_row_count(t), 0);
    assert_int_equal(pb_table_label_column(t), (size_t)-1);
    assert_true(pb_table_valid(t));
    pb_table_free(t);
    pb_table_free(NULL);
}

static void test_table_units__default_places_and_spellings(void **state)
{
    static const struct {
        const char *text;
        pb_units units;
    } ok[] = {
        {"£", PB_UNITS_ONE},         {"gbp", PB_UNITS_ONE},
        {"GBP", PB_UNITS_ONE},       {"pounds", PB_UNITS_ONE},
        {"£000", PB_UNITS_THOUSAND}, {"000", PB_UNITS_THOUSAND},
        {"k", PB_UNITS_THOUSAND},    {"K", PB_UNITS_THOUSAND},
        {"£k", PB_UNITS_THOUSAND},   {"£M", PB_UNITS_MILLION},
        {"£m", PB_UNITS_MILLION},    {"m", PB_UNITS_MILLION},
        {"M", PB_UNITS_MILLION},     {"millions", PB_UNITS_MILLION},
    };
    static const char *const bad[] = {"", "£0", "mm", "bn", "1000", "£ M"};
    pb_table *t = pb_table_new("t", "T");
    pb_units u;
    pb_error err;
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(ok); i++) {
        u = (pb_units)-1;
        if (pb_table_units_parse(&u, ok[i].text, NULL) != PB_OK ||
            u != ok[i].units)
            fail_msg("units \"%s\" not read as %d", ok[i].text,
                     (int)ok[i].units);
    }
    for (i = 0; i < COUNT(bad); i++) {
        pb_error_clear(&err);
        assert_int_equal(pb_table_units_parse(&u, bad[i], &err), PB_EINVAL);
        assert_non_null(strstr(err.msg, "£000"));
    }
    assert_string_equal(pb_table_units_name(PB_UNITS_ONE), "£");
    assert_string_equal(pb_table_units_name(PB_UNITS_THOUSAND), "£000");
    assert_string_equal(pb_table_units_name(PB_UNITS_MILLION), "£M");
    pb_table_set_units(t, PB_UNITS_THOUSAND, -1);
    assert_int_equal(pb_table_params_get(t)->places, 0);
    pb_table_set_units(t, PB_UNITS_MILLION, -1);
    assert_int_equal(pb_table_params_get(t)->places, 2);
    pb_table_set_units(t, PB_UNITS_ONE, 0);
    assert_int_equal(pb_table_params_get(t)->places, 0);
    pb_table_free(t);
}

static void test_table_params__pool_period_filters_notes_charts(void **state)
{
    pb_table *t = sample_budget();
    const pb_table_params *p = pb_table_params_get(t);
    const pb_table_chart *c;
    char buf[PB_PERIOD_STR_LEN];

    (void)state;
    assert_string_equal(p->pool_code, "ASC");
    assert_string_equal(p->pool_name, "Adult Social Care (seed 001)");
    assert_true(p->has_period);
    assert_string_equal(pb_period_str(p->period, p->fy_start, buf),
                        "2023-24 P11");
    assert_true(p->has_as_at);
    assert_int_equal(p->as_at, pb_date_from_ymd(2024, 2, 29));
    assert_int_equal(pb_table_filter_count(t), 1);
    assert_string_equal(pb_table_filter_get(t, 0)->label, "Directorate");
    assert_int_equal(pb_table_note_count(t), 1);
    assert_non_null(strstr(pb_table_note(t, 0), "Unrounded"));
    assert_int_equal(pb_table_chart_count(t), 1);
    c = pb_table_chart_get(t, 0);
    assert_int_equal(c->label_col, B_AREA);
    assert_int_equal(c->series[0], B_BUDGET);
    assert_int_equal(c->series[1], B_FORECAST);
    /* Replacing the pool frees the old strings (ASan checks). */
    pb_table_set_pool(t, "BCF", NULL);
    assert_string_equal(p->pool_code, "BCF");
    assert_null(p->pool_name);
    pb_table_set_pool(t, NULL, "ignored");
    assert_null(p->pool_code);
    assert_null(p->pool_name);
    pb_table_add_note(t, "forecast taken as current budget for %d lines", 3);
    assert_string_equal(pb_table_note(t, 1),
                        "forecast taken as current budget for 3 lines");
    pb_table_free(t);
}

static void test_table_rows__kinds_levels_blank_cells(void **state)
{
    pb_table *t = pb_table_new("t", "T");
    size_t r;

    (void)state;
    pb_table_add_column(t, "code", "Code", PB_COL_TEXT);
    pb_table_add_column(t, "name", "Name", PB_COL_TEXT);
    pb_table_add_column(t, "n", "N", PB_COL_INTEGER);
    pb_table_add_column(t, "d", "D", PB_COL_DATE);
    pb_table_add_column(t, "rag", "RAG", PB_COL_INDICATOR);
    pb_table_set_label_column(t, 1);
    assert_int_equal(pb_table_label_column(t), 1);
    assert_int_equal(pb_table_column_find(t, "d"), 3);
    assert_int_equal(pb_table_column_find(t, "nope"), (size_t)-1);
    r = pb_table_add_row(t, PB_ROW_HEADING, 0);
    assert_int_equal(r, 0);
    r = pb_table_add_row(t, PB_ROW_DETAIL, 2);
    pb_table_set_int(t, r, 2, -42);
    pb_table_set_date(t, r, 3, pb_date_from_ymd(2025, 3, 31));
    pb_table_set_indicator(t, r, 4, PB_IND_AMBER);
    r = pb_table_add_row(t, PB_ROW_SUBTOTAL, 1);
    r = pb_table_add_row(t, PB_ROW_TOTAL, 0);
    assert_int_equal(pb_table_row_count(t), 4);
    assert_int_equal(pb_table_row_kind(t, 0), PB_ROW_HEADING);
    assert_int_equal(pb_table_row_kind(t, 1), PB_ROW_DETAIL);
    assert_int_equal(pb_table_row_kind(t, 2), PB_ROW_SUBTOTAL);
    assert_int_equal(pb_table_row_kind(t, 3), PB_ROW_TOTAL);
    assert_int_equal(pb_table_row_level(t, 1), 2);
    assert_true(pb_table_is_blank(t, 1, 0));
    assert_string_equal(cell(t, 1, 0, PB_FORM_DISPLAY), "");
    assert_int_equal(pb_table_int(t, 1, 2), -42);
    assert_string_equal(cell(t, 1, 2, PB_FORM_DISPLAY), "-42");
    assert_string_equal(cell(t, 1, 3, PB_FORM_DISPLAY), "2025-03-31");
    assert_string_equal(cell(t, 1, 4, PB_FORM_DISPLAY), "Amber");
    pb_table_set_blank(t, 1, 4);
    assert_true(pb_table_is_blank(t, 1, 4));
    assert_true(pb_table_valid(t));
    pb_table_free(t);
}

/* Setting a cell again replaces (and frees) what it held. */
static void test_table_set__replaces_previous_value(void **state)
{
    pb_table *t = pb_table_new("t", "T");
    pb_amount a;
    pb_ratio q;

    (void)state;
    pb_amount_init(&a);
    pb_ratio_init(&q);
    pb_table_add_column(t, "s", "S", PB_COL_TEXT);
    pb_table_add_column(t, "a", "A", PB_COL_AMOUNT);
    pb_table_add_column(t, "p", "P", PB_COL_PERCENT);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_set_text(t, 0, 0, "first");
    pb_table_set_text(t, 0, 0, "second");
    assert_string_equal(pb_table_text(t, 0, 0), "second");
    pb_table_set_text(t, 0, 0, NULL);
    assert_true(pb_table_is_blank(t, 0, 0));
    sample_amount(&a, "1.00");
    pb_table_set_amount(t, 0, 1, &a);
    sample_amount(&a, "2.00");
    pb_table_set_amount(t, 0, 1, &a);
    /* The table holds a copy: changing `a` does not change the cell. */
    sample_amount(&a, "3.00");
    assert_string_equal(cell(t, 0, 1, PB_FORM_PLAIN), "2.00");
    pb_table_set_amount(t, 0, 1, NULL);
    assert_true(pb_table_is_blank(t, 0, 1));
    pb_ratio_set_si(&q, 1, 2);
    pb_table_set_ratio(t, 0, 2, &q);
    pb_table_set_ratio(t, 0, 2, &q);
    assert_string_equal(cell(t, 0, 2, PB_FORM_DISPLAY), "50.00%");
    pb_amount_clear(&a);
    pb_ratio_clear(&q);
    pb_table_free(t);
}

static void test_table_names__types_kinds_indicators_arrows(void **state)
{
    (void)state;
    assert_string_equal(pb_col_type_name(PB_COL_TEXT), "text");
    assert_string_equal(pb_col_type_name(PB_COL_AMOUNT), "amount");
    assert_string_equal(pb_col_type_name(PB_COL_PERCENT), "percent");
    assert_string_equal(pb_col_type_name(PB_COL_VARIANCE), "variance");
    assert_string_equal(pb_col_type_name(PB_COL_INDICATOR), "indicator");
    assert_string_equal(pb_col_type_name(PB_COL_ARROW), "arrow");
    assert_string_equal(pb_col_type_name(PB_COL_INTEGER), "integer");
    assert_string_equal(pb_col_type_name(PB_COL_DATE), "date");
    assert_string_equal(pb_row_kind_name(PB_ROW_DETAIL), "detail");
    assert_string_equal(pb_row_kind_name(PB_ROW_HEADING), "heading");
    assert_string_equal(pb_row_kind_name(PB_ROW_SUBTOTAL), "subtotal");
    assert_string_equal(pb_row_kind_name(PB_ROW_TOTAL), "total");
    assert_string_equal(pb_indicator_name(PB_IND_RED), "Red");
    assert_string_equal(pb_indicator_name(PB_IND_AMBER), "Amber");
    assert_string_equal(pb_indicator_name(PB_IND_GREEN), "Green");
    assert_string_equal(pb_indicator_name(PB_IND_BLUE), "Blue");
    assert_string_equal(pb_arrow_symbol(PB_ARROW_IMPROVING), "↑");
    assert_string_equal(pb_arrow_symbol(PB_ARROW_DETERIORATING), "↓");
    assert_string_equal(pb_arrow_symbol(PB_ARROW_UNCHANGED), "-");
    assert_string_equal(pb_arrow_name(PB_ARROW_IMPROVING), "improving");
    assert_string_equal(pb_arrow_name(PB_ARROW_DETERIORATING), "deteriorating");
    assert_string_equal(pb_arrow_name(PB_ARROW_UNCHANGED), "unchanged");
}

/* pb_table_amount_format: chart labels use the table's style. */
static void test_table_amount_format__uses_table_style(void **state)
{
    pb_table *t = sample_running();
    pb_buf b = PB_BUF_INIT;
    pb_amount a;

    (void)state;
    pb_amount_init(&a);
    sample_amount(&a, "-1047233.50");
    pb_table_amount_format(&b, t, &a, PB_NEG_BRACKETS, PB_FORM_DISPLAY);
    assert_string_equal(pb_buf_str(&b), "(£1,047,234)");
    pb_buf_reset(&b);
    pb_table_amount_format(&b, t, &a, PB_NEG_BRACKETS, PB_FORM_PLAIN);
    assert_string_equal(pb_buf_str(&b), "-1047234");
    pb_buf_clear(&b);
    pb_amount_clear(&a);
    pb_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_table_budget_monitoring__every_cell_matches_seed_001),
        cmocka_unit_test(
            test_table_running_balances__every_cell_matches_seed_000),
        cmocka_unit_test(
            test_table_running_balances__total_percent_is_not_an_average),
        cmocka_unit_test(test_table_variance__marker_from_unrounded_sign),
        cmocka_unit_test(test_table_variance__magnitude_ignores_negative_style),
        cmocka_unit_test(test_table_variance__blank_cell_has_no_marker),
        cmocka_unit_test(
            test_table_movement__arrows_follow_the_published_examples),
        cmocka_unit_test(test_table_sum__totals_come_from_unrounded_values),
        cmocka_unit_test(test_table_sum__detail_rows_only),
        cmocka_unit_test(test_table_units__scale_and_round_once),
        cmocka_unit_test(test_table_rounding__named_rule_applies_to_every_cell),
        cmocka_unit_test(
            test_table_negative__brackets_per_column_minus_in_plain),
        cmocka_unit_test(test_table_currency__pound_sign_in_display_only),
        cmocka_unit_test(test_table_percent__column_places_and_table_rule),
        cmocka_unit_test(test_table_new__defaults),
        cmocka_unit_test(test_table_units__default_places_and_spellings),
        cmocka_unit_test(test_table_params__pool_period_filters_notes_charts),
        cmocka_unit_test(test_table_rows__kinds_levels_blank_cells),
        cmocka_unit_test(test_table_set__replaces_previous_value),
        cmocka_unit_test(test_table_names__types_kinds_indicators_arrows),
        cmocka_unit_test(test_table_amount_format__uses_table_style),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
