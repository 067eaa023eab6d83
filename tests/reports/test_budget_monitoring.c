/*
 * test_budget_monitoring.c - reports/budget_monitoring: DOMAIN layout B.
 *
 *   1. the published table: fixtures/asc-2023-24 (seed 001's Month 11 as
 *      a book: budgets, a P11 virement, P10 and P11 forecasts with a
 *      correction, postings to date, 2022/23 outturns) gives every cell
 *      of "Adult Social Care BUDGET MONITORING MONTH 11" in £M
 *   2. round once: printed rows need not add up to the printed total
 *   3. past month-ends: the P10 report shows the published P10 variances
 *      against the budgets as they stood at P10, and is the same before
 *      and after P11 is recorded; --known-at shows a forecast as it was
 *      known before its correction
 *   4. forecasts missing: taken at budget, counted in notes; P1 has no
 *      previous period
 *   5. RAG from configuration, and the sign of income lines
 *   6. layouts: by area with subtotals; by line with postings matched to
 *      lines (fixtures/bcf-2024-25)
 *   7. golden files in every format; JSON round-trips; HTML parses
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reports/forecast.h"
#include "reports/rag.h"
#include "tests/reports/books.h"

/* The ASC book: what was recorded when.  The P10 returns came in on
 * 9 January, the P11 returns on 5 March, Long Term's correction on
 * 8 March. */
static const char *const asc_files[] = {
    "partners",
    "pools",
    "schemes",
    "accounts",
    "budgets",
    "virements",
    "outturns",
    "postings",
    "forecasts:forecasts-p10.csv@2024-01-09T10:00:00Z",
    "forecasts:forecasts-p11.csv@2024-03-05T10:00:00Z",
    "forecasts:forecasts-p11-correction.csv@2024-03-08T16:30:00Z",
};

static const char *const bcf_files[] = {
    "partners",      "pools",    "streams",  "schemes",
    "accounts",      "profiles", "budgets",  "virements",
    "contributions", "outturns", "postings", "forecasts"};

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static int setup_asc(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = book_load(&f->path, "asc-2023-24", asc_files, COUNT(asc_files));
    *state = f;
    return 0;
}

/* The ASC book as it stood at the P10 month-end: no P11 returns yet. */
static int setup_asc_p10(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = book_load(&f->path, "asc-2023-24", asc_files, 9);
    *state = f;
    return 0;
}

static int setup_bcf(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = book_load(&f->path, "bcf-2024-25", bcf_files, COUNT(bcf_files));
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

static void opts_at(pb_report_opts *o, int fy, int p, bool millions)
{
    pb_report_opts_init(o);
    o->has_period = true;
    o->period = pb_period_make(fy, p);
    if (millions) {
        o->has_units = true;
        o->units = PB_UNITS_MILLION;
    }
}

static pb_table *report(fixture *f, const pb_report_opts *o)
{
    pb_table *t = NULL;

    if (pb_report_budget_monitoring(&t, f->b, o, &f->err) != PB_OK)
        fail_msg("budget monitoring: %s", f->err.msg);
    assert_true(pb_table_valid(t));
    return t;
}

static pb_table *asc_p11(fixture *f)
{
    pb_report_opts o;

    opts_at(&o, 2023, 11, true);
    return report(f, &o);
}

/* ---- 1. the published table ---------------------------------------------- */

/* Seed 001 as printed ("\downarrow" of the extracted text is "↓").  The
 * same figures as tests/reports/sample.h, but computed here from a book,
 * not typed into a table.  The seed labels its total row "Total Adult
 * Social Care"; the report says "Total" (checked separately). */
#define UP "\xE2\x86\x91"
#define DOWN "\xE2\x86\x93"
static const char *const seed_001[][10] = {
    {"Adults - Adult Services Management", "1.16", "0.87", "0.29 F", "0.34 F",
     "0.05 A", "Green", DOWN, "0.69", "1.69"},
    {"Adults - Long Term", "45.14", "48.19", "3.05 A", "3.56 A", "0.51 F",
     "Red", UP, "37.67", "43.28"},
    {"Adults - Provider Services", "4.29", "3.85", "0.44 F", "0.46 F", "0.01 A",
     "Green", DOWN, "3.68", "4.61"},
    {"Adults - Reablement & Hospital Discharge", "8.80", "7.88", "0.92 F",
     "0.87 F", "0.05 F", "Green", UP, "8.84", "8.21"},
    {"Adults - Safeguarding AMH & OOH", "14.02", "13.64", "0.38 F", "0.08 F",
     "0.30 F", "Green", UP, "12.04", "13.69"},
    {"ICU - Provider Relationships", "14.94", "14.59", "0.35 F", "0.24 F",
     "0.11 F", "Green", UP, "11.72", "13.70"},
    {"ICU - System Redesign", "1.63", "1.62", "0.01 F", "0.01 F", "0.00",
     "Green", "-", "2.80", "2.03"},
    {"Public Health - Health Improvement", "1.70", "1.70", "0.00", "0.00",
     "0.00", "Green", "-", "0.80", "2.18"},
    {"Public Health - Health Protection and Surveillance", "9.80", "9.80",
     "0.00", "0.00", "0.00", "Green", "-", "7.42", "9.88"},
    {"Public Health - Management & Overheads", "(15.28)", "(15.28)", "0.00 F",
     "0.00 F", "0.00", "Green", "-", "(17.16)", "(15.82)"},
    {"Public Health - Non-ringfenced", "0.19", "0.19", "0.00", "0.00", "0.00",
     "Green", "-", "0.16", "2.40"},
    {"Public Health - Population Healthcare", "3.77", "3.77", "0.00", "0.00",
     "0.00", "Green", "-", "0.31", "3.76"},
    {"Total", "90.17", "90.82", "0.65 A", "1.56 A", "0.90 F", "Red", UP,
     "68.97", "89.60"},
};

static void test_budget_monitoring__every_cell_matches_seed_001(void **state)
{
    fixture *f = *state;
    pb_table *t = asc_p11(f);
    size_t r, c;

    assert_int_equal(pb_table_row_count(t), COUNT(seed_001));
    for (r = 0; r < COUNT(seed_001); r++) {
        for (c = 0; c < 10; c++) {
            if (strcmp(cell(t, r, c), seed_001[r][c]) != 0)
                fail_msg("row %zu column %s: \"%s\", published \"%s\"", r,
                         pb_table_column(t, c)->key, cell(t, r, c),
                         seed_001[r][c]);
        }
    }
    assert_int_equal(pb_table_row_kind(t, 12), PB_ROW_TOTAL);
    assert_string_equal(pb_table_column(t, 3)->title,
                        "Forecast variance at P11");
    assert_string_equal(pb_table_column(t, 4)->title, "Variance at P10");
    assert_string_equal(pb_table_column(t, 9)->title, "Outturn 2022-23");
    pb_table_free(t);
}

/* The variance, the P10 variance and the movement are computed, never
 * stored: exactly forecast - budget and variance - previous variance.
 * Management & Overheads is income: 15,284,000 expected against a budget
 * of 15,280,000 is 4,000 more income, favourable - "0.00 F", not "0.00". */
static void test_budget_monitoring__variances_are_exact(void **state)
{
    fixture *f = *state;
    pb_table *t = asc_p11(f);
    pb_amount v, m;
    size_t r;

    pb_amount_init(&v);
    pb_amount_init(&m);
    for (r = 0; r < pb_table_row_count(t); r++) {
        pb_amount_sub(&v, pb_table_amount(t, r, 2), pb_table_amount(t, r, 1));
        assert_int_equal(pb_amount_cmp(&v, pb_table_amount(t, r, 3)), 0);
        pb_amount_sub(&m, &v, pb_table_amount(t, r, 4));
        assert_int_equal(pb_amount_cmp(&m, pb_table_amount(t, r, 5)), 0);
    }
    assert_string_equal(exact(t, 9, "variance"), "-4000.00");
    assert_string_equal(exact(t, 9, "movement"), "0.00");
    /* Long Term: 48,190,000 - 45,144,000. */
    assert_string_equal(exact(t, 1, "variance"), "3046000.00");
    /* Provider Services: the seed prints 0.44 F at P11 and 0.46 F at P10
     * but a movement of 0.01 A, not the 0.02 the printed figures suggest:
     * the true figures are 444,000 F and 455,000 F, a movement of 11,000
     * adverse.  Printed from the unrounded values, all three cells match
     * the seed; subtracting printed figures would not. */
    assert_string_equal(exact(t, 2, "variance"), "-444000.00");
    assert_string_equal(exact(t, 2, "variance_prev"), "-455000.00");
    assert_string_equal(exact(t, 2, "movement"), "11000.00");
    pb_amount_clear(&v);
    pb_amount_clear(&m);
    pb_table_free(t);
}

/* ---- 2. round once ----------------------------------------------------------
 */

static int64_t printed_sum(const pb_table *t, size_t c, size_t n)
{
    int64_t sum = 0, units;
    pb_amount a;
    size_t r;

    pb_amount_init(&a);
    for (r = 0; r < n; r++) {
        const char *s = cell(t, r, c);

        assert_int_equal(pb_amount_parse(&a, s, strlen(s), NULL, NULL), PB_OK);
        assert_int_equal(pb_amount_get_units(&a, 2, &units, NULL), PB_OK);
        sum += units;
    }
    pb_amount_clear(&a);
    return sum;
}

/* The seed's rows of current budget add up, as printed, to 90.16, and
 * its total is 90.17; prior-year outturns 89.61 against 89.60.  The
 * report does what the council did: totals from the unrounded values,
 * each figure rounded once when printed. */
static void test_budget_monitoring__totals_from_unrounded_rows(void **state)
{
    fixture *f = *state;
    pb_table *t = asc_p11(f);

    assert_int_equal(printed_sum(t, 1, 12), 9016);
    assert_string_equal(cell(t, 12, 1), "90.17");
    assert_string_equal(exact(t, 12, "budget"), "90168900.00");
    assert_int_equal(printed_sum(t, 9, 12), 8961);
    assert_string_equal(cell(t, 12, 9), "89.60");
    assert_string_equal(exact(t, 12, "prior"), "89600000.00");
    pb_table_free(t);
}

/* ---- 3. past month-ends
 * ------------------------------------------------------ */

/* At P10 the forecast variances are the seed's "Variance P10" column,
 * and Provider Relationships' budget is the one before the P11 virement
 * (14,891,900: 14.89, not 14.94). */
static void test_budget_monitoring__p10_as_it_stood(void **state)
{
    static const char *const p10[] = {
        "0.34 F", "3.56 A", "0.46 F", "0.87 F", "0.08 F", "0.24 F", "0.01 F",
        "0.00",   "0.00",   "0.00 F", "0.00",   "0.00",   "1.56 A"};
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    size_t r;

    opts_at(&o, 2023, 10, true);
    t = report(f, &o);
    for (r = 0; r < COUNT(p10); r++)
        assert_string_equal(cell(t, r, 3), p10[r]);
    assert_string_equal(cell(t, 5, 1), "14.89");
    assert_string_equal(cell(t, 6, 1), "1.68");
    assert_string_equal(cell(t, 12, 1), "90.17");
    /* Actual to date is through P10: Long Term 10/11 of 37,670,000. */
    assert_string_equal(exact(t, 1, "actual"), "34245450.00");
    pb_table_free(t);
}

/* The P10 report printed at the P10 month-end is the P10 report printed
 * after P11's forecasts, their correction and more postings are in. */
static void test_budget_monitoring__p10_reproducible_later(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_load_result res;
    pb_table *t;
    pb_buf before = PB_BUF_INIT, after = PB_BUF_INIT;
    size_t i;

    opts_at(&o, 2023, 10, true);
    t = report(f, &o);
    pb_report_render(&before, t, PB_FORMAT_JSON);
    pb_table_free(t);
    for (i = 9; i < COUNT(asc_files); i++) {
        char file[128];

        snprintf(file, sizeof file, "fixtures/asc-2023-24/%s",
                 strchr(asc_files[i], ':') + 1);
        *strchr(file, '@') = '\0';
        assert_int_equal(
            pb_load_file(f->b, PB_LOAD_FORECASTS, file, 0, &res, &f->err),
            PB_OK);
    }
    pbt_post_ok(f->b, "2024-02-20 Late invoice; 5000 99999.99 scheme=LT; 1000");
    t = report(f, &o);
    pb_report_render(&after, t, PB_FORMAT_JSON);
    assert_string_equal(pb_buf_str(&before), pb_buf_str(&after));
    pb_table_free(t);
    /* ...while P11 sees them. */
    opts_at(&o, 2023, 11, true);
    t = report(f, &o);
    assert_string_equal(cell(t, 1, 3), "3.05 A");
    pb_table_free(t);
    pb_buf_clear(&before);
    pb_buf_clear(&after);
}

/* Long Term's P11 return was 48,100,000 on 5 March, corrected to
 * 48,190,000 on 8 March.  As known on 6 March: 48.10, 2.96 A, a movement
 * of 0.60 F, and a note saying so; as known on 4 March no P11 return
 * was in. */
static void test_budget_monitoring__known_at_before_a_correction(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    size_t i;
    bool noted = false;

    opts_at(&o, 2023, 11, true);
    o.has_known_at = true;
    o.known_at = pbt_date("2024-03-06");
    t = report(f, &o);
    assert_string_equal(cell(t, 1, 2), "48.10");
    assert_string_equal(cell(t, 1, 3), "2.96 A");
    assert_string_equal(cell(t, 1, 5), "0.60 F");
    assert_string_equal(cell(t, 12, 2), "90.73");
    assert_string_equal(cell(t, 12, 3), "0.56 A");
    for (i = 0; i < pb_table_note_count(t); i++)
        noted = noted || strstr(pb_table_note(t, i), "2024-03-06") != NULL;
    assert_true(noted);
    pb_table_free(t);
    o.known_at = pbt_date("2024-03-04");
    t = report(f, &o);
    assert_string_equal(cell(t, 12, 3), "0.00");
    assert_non_null(strstr(pb_table_note(t, 0), "12 of 12"));
    pb_table_free(t);
}

/* ---- 4. missing forecasts
 * ---------------------------------------------------- */

static void test_budget_monitoring__missing_forecasts_noted(void **state)
{
    fixture *f = *state;
    pb_table *t = asc_p11(f);

    /* Health Improvement, Non-ringfenced, Population Healthcare have no
     * P11 return; Health Improvement and Population Healthcare no P10. */
    assert_string_equal(pb_table_note(t, 0),
                        "No forecast recorded for P11: 3 of 12 budget lines "
                        "taken at the current budget (no variance).");
    assert_string_equal(pb_table_note(t, 1),
                        "No forecast recorded for P10: 2 budget lines taken "
                        "at their budget as it stood then.");
    assert_non_null(strstr(pb_table_note(t, 2), "published default"));
    pb_table_free(t);
}

static void test_budget_monitoring__p1_has_no_previous_period(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;

    opts_at(&o, 2023, 1, true);
    t = report(f, &o);
    assert_true(pb_table_is_blank(t, 0, 4));
    assert_true(pb_table_is_blank(t, 0, 5));
    assert_true(pb_table_is_blank(t, 0, 6 + 1));
    assert_true(pb_table_is_blank(t, 12, 5));
    assert_non_null(strstr(pb_table_note(t, 1), "P01 opens the year"));
    pb_table_free(t);
}

/* ---- 5. RAG
 * ------------------------------------------------------------------ */

static void set_rule(fixture *f, pb_rag_level level, const char *pct,
                     const char *amt, pb_rag_combine how)
{
    pb_rag_rule r;
    pb_put_result res;

    pb_rag_rule_init(&r);
    r.red.has_percent = pct != NULL;
    r.red.has_amount = amt != NULL;
    if (pct != NULL)
        pbt_amount_set(&r.red.percent, pct);
    if (amt != NULL)
        pbt_amount_set(&r.red.amount, amt);
    r.red.combine = how;
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(
        pb_rag_set(f->b, "ASC", level, &r, "test", 0, &res, &f->err), PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pb_rag_rule_clear(&r);
}

/* Long Term is 3,046,000 over on 45,144,000: 6.75%.  Red at 6%, Amber
 * at 7% (any other adverse); the total, 650,000 over on 90,168,900
 * (0.72%), is Red under the default (>= £100,000, the lower part) but
 * Amber when the total needs 1% and £1,000,000 ("whichever is higher"
 * is not met; neither is "lower": 650k < 1m and 0.72% < 1%). */
static void test_budget_monitoring__rag_from_configuration(void **state)
{
    fixture *f = *state;
    pb_table *t;

    set_rule(f, PB_RAG_SCHEME, "6", NULL, PB_RAG_LOWER);
    t = asc_p11(f);
    assert_string_equal(cell(t, 1, 6), "Red");
    assert_string_equal(cell(t, 12, 6), "Red");
    pb_table_free(t);
    set_rule(f, PB_RAG_SCHEME, "7", NULL, PB_RAG_LOWER);
    set_rule(f, PB_RAG_TOTAL, "1", "1000000", PB_RAG_LOWER);
    t = asc_p11(f);
    assert_string_equal(cell(t, 1, 6), "Amber");
    assert_string_equal(cell(t, 0, 6), "Green"); /* favourable */
    assert_string_equal(cell(t, 12, 6), "Amber");
    /* The notes name the rules in force, level by level. */
    assert_non_null(strstr(pb_table_note(t, 2), "RAG (scheme): Red: adverse "
                                                "\xE2\x89\xA5 7% of budget"));
    assert_non_null(strstr(pb_table_note(t, 3), "RAG (total)"));
    pb_table_free(t);
}

/* Income short of budget is adverse: Management & Overheads expecting
 * 15,000,000 of its 15,280,000 income is 280,000 adverse - Red (over
 * £100,000) - and the total's variance, 652,000 adverse, grows by the
 * 284,000 movement to 936,000. */
static void test_budget_monitoring__income_shortfall_is_adverse(void **state)
{
    fixture *f = *state;
    pb_forecast_def d;
    pb_put_result res;
    pb_amount a;
    pb_table *t;

    pb_amount_init(&a);
    pbt_amount_set(&a, "-15000000");
    memset(&d, 0, sizeof d);
    d.key.pool = "ASC";
    d.key.fy = 2023;
    d.key.scheme = "PHMO";
    d.period = pb_period_make(2023, 11);
    d.amount = &a;
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_forecast_set(f->b, &d, 0, &res, &f->err), PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(res, PB_PUT_UPDATED);
    t = asc_p11(f);
    assert_string_equal(cell(t, 9, 3), "0.28 A");
    assert_string_equal(cell(t, 9, 6), "Red");
    assert_string_equal(cell(t, 9, 5), "0.28 A"); /* from 0.00 F */
    assert_string_equal(cell(t, 9, 7), DOWN);
    assert_string_equal(exact(t, 12, "variance"), "936000.00");
    pb_table_free(t);
    pb_amount_clear(&a);
}

/* ---- 6. layouts
 * ------------------------------------------------------------------ */

static void test_budget_monitoring__by_area_with_subtotals(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    size_t r;

    opts_at(&o, 2023, 11, true);
    o.by = PB_BY_AREA;
    t = report(f, &o);
    /* 3 headings + 12 schemes + 3 subtotals + total. */
    assert_int_equal(pb_table_row_count(t), 19);
    assert_int_equal(pb_table_row_kind(t, 0), PB_ROW_HEADING);
    assert_string_equal(cell(t, 0, 0), "Adults");
    assert_string_equal(cell(t, 2, 0), "Long Term");
    assert_int_equal(pb_table_row_level(t, 2), 1);
    r = row_of(t, "Total Adults");
    assert_int_equal(pb_table_row_kind(t, r), PB_ROW_SUBTOTAL);
    /* Adults: 1,160,000 + 45,144,000 + 4,290,000 + 8,800,000 +
     * 14,023,000 = 73,417,000; variance 3,046,000 - 290,000 - 444,000 -
     * 915,100 - 383,000 = 1,013,900 adverse: Red at area level. */
    assert_string_equal(exact(t, r, "budget"), "73417000.00");
    assert_string_equal(exact(t, r, "variance"), "1013900.00");
    assert_string_equal(cell(t, r, 6), "Red");
    r = row_of(t, "Total Public Health");
    assert_string_equal(cell(t, r, 1), "0.18"); /* income nets off */
    assert_string_equal(cell(t, r, 3), "0.00 F");
    r = pb_table_row_count(t) - 1;
    assert_string_equal(cell(t, r, 1), "90.17");
    assert_string_equal(cell(t, r, 3), "0.65 A");
    pb_table_free(t);
}

/* By line (the BCF sample book): each line of Learning Disability under
 * the scheme's heading with its own forecast and postings; spend posted
 * with a stream no line of the scheme has goes to "Not in a budget line"
 * so the subtotal is still all of the scheme's spend. */
static void test_budget_monitoring__by_line_matches_postings(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t, *ts;
    size_t r, s;

    pbt_post_ok(f->b, "2024-09-25 LD adaptation; 5900 500.00 stream=DFG"
                      " scheme=LD partner=SCC; 2000");
    opts_at(&o, 2024, 6, false);
    o.by = PB_BY_LINE;
    o.filter[PB_DIM_SCHEME] = "LD";
    t = report(f, &o);
    assert_string_equal(cell(t, 0, 0), "Adults - Learning Disability");
    r = row_of(t, "Minimum NHS Contribution - ICB");
    assert_string_equal(cell(t, r, 1), "1,850,000");
    assert_string_equal(cell(t, r, 2), "1,980,000");
    assert_string_equal(cell(t, r, 3), "130,000 A");
    assert_string_equal(cell(t, r, 6), "Red"); /* line: >= £100,000 */
    r = row_of(t, "Not in a budget line");
    assert_string_equal(cell(t, r, 8), "500");
    assert_true(pb_table_is_blank(t, r, 1) == false);
    s = row_of(t, "Total Adults - Learning Disability");
    /* The scheme as a whole, by scheme layout: same actual. */
    opts_at(&o, 2024, 6, false);
    o.filter[PB_DIM_SCHEME] = "LD";
    ts = report(f, &o);
    assert_string_equal(exact(t, s, "actual"), exact(ts, 0, "actual"));
    assert_string_equal(exact(t, s, "variance"), "155000.00");
    assert_string_equal(cell(ts, 0, 6), "Red");
    pb_table_free(t);
    pb_table_free(ts);
}

/* The sample book at month 6: RAG by the default rule, arrows from the
 * movement since P05. */
static void test_budget_monitoring__sample_book_month_6(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    size_t r;

    opts_at(&o, 2024, 6, false);
    t = report(f, &o);
    r = row_of(t, "Adults - Learning Disability");
    assert_string_equal(cell(t, r, 3), "155,000 A");
    assert_string_equal(cell(t, r, 4), "90,000 A");
    assert_string_equal(cell(t, r, 6), "Red");
    assert_string_equal(cell(t, r, 7), DOWN);
    /* JES: 65,000 over 1,120,000 at P05 (5.8%), 15,000 over the
     * 1,200,000 it had after the September virement at P06: Amber and
     * improving. */
    r = row_of(t, "Community - Joint Equipment Store");
    assert_string_equal(cell(t, r, 1), "1,604,789");
    assert_string_equal(cell(t, r, 4), "65,000 A");
    assert_string_equal(cell(t, r, 3), "15,000 A");
    assert_string_equal(cell(t, r, 6), "Amber");
    assert_string_equal(cell(t, r, 7), UP);
    r = pb_table_row_count(t) - 1;
    assert_string_equal(cell(t, r, 1), "41,299,045");
    assert_string_equal(cell(t, r, 8), "20,399,971");
    assert_string_equal(cell(t, r, 3), "46,399 F");
    assert_string_equal(cell(t, r, 6), "Green");
    golden_all(t, "bcf-budget-monitoring");
    html_parses(t);
    pb_table_free(t);
}

/* The sample book's areas are not contiguous in scheme order (Community,
 * Community, Hospital Discharge, Community...): each area is one group,
 * its schemes together, areas in the order of their first scheme. */
static void test_budget_monitoring__areas_are_grouped_once(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t;
    size_t r, headings = 0;

    opts_at(&o, 2024, 6, false);
    o.by = PB_BY_AREA;
    t = report(f, &o);
    for (r = 0; r < pb_table_row_count(t); r++)
        headings += pb_table_row_kind(t, r) == PB_ROW_HEADING;
    assert_int_equal(headings, 5);
    assert_string_equal(cell(t, 0, 0), "Community");
    assert_string_equal(cell(t, 5, 0), "Joint Equipment Store");
    r = row_of(t, "Total Community");
    assert_int_equal(r, 6);
    /* 1,374,000 + 8,870,000 + 430,000 + 2,850,000 + 1,604,789. */
    assert_string_equal(exact(t, r, "budget"), "15128789.00");
    assert_string_equal(cell(t, r, 6), "Green"); /* 50,000 favourable */
    r = row_of(t, "Total Adults");
    assert_string_equal(exact(t, r, "variance"), "135000.00");
    assert_string_equal(cell(t, r, 6), "Red");
    r = pb_table_row_count(t) - 1;
    assert_string_equal(cell(t, r, 1), "41,299,045");
    pb_table_free(t);
}

static void test_budget_monitoring__refusals(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t = NULL;

    opts_at(&o, 2023, 11, false);
    o.by = PB_BY_PARTNER;
    assert_int_equal(pb_report_budget_monitoring(&t, f->b, &o, &f->err),
                     PB_EUSAGE);
    opts_at(&o, 2023, 11, false);
    o.filter[PB_DIM_SCHEME] = "LTX";
    assert_int_equal(pb_report_budget_monitoring(&t, f->b, &o, &f->err),
                     PB_ENOTFOUND);
    assert_non_null(strstr(f->err.msg, "\"LT\""));
    assert_null(t);
}

/* ---- 7. formats
 * --------------------------------------------------------------- */

static void test_budget_monitoring__golden_json_html(void **state)
{
    fixture *f = *state;
    pb_table *t = asc_p11(f);

    golden_all(t, "asc-budget-monitoring");
    /* 13 rows x 7 money columns. */
    assert_int_equal(json_round_trip(t), 91);
    html_parses(t);
    pb_table_free(t);
}

#define ASC(name) cmocka_unit_test_setup_teardown(name, setup_asc, teardown)
#define BCF(name) cmocka_unit_test_setup_teardown(name, setup_bcf, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        ASC(test_budget_monitoring__every_cell_matches_seed_001),
        ASC(test_budget_monitoring__variances_are_exact),
        ASC(test_budget_monitoring__totals_from_unrounded_rows),
        ASC(test_budget_monitoring__p10_as_it_stood),
        cmocka_unit_test_setup_teardown(
            test_budget_monitoring__p10_reproducible_later, setup_asc_p10,
            teardown),
        ASC(test_budget_monitoring__known_at_before_a_correction),
        ASC(test_budget_monitoring__missing_forecasts_noted),
        ASC(test_budget_monitoring__p1_has_no_previous_period),
        ASC(test_budget_monitoring__rag_from_configuration),
        ASC(test_budget_monitoring__income_shortfall_is_adverse),
        ASC(test_budget_monitoring__by_area_with_subtotals),
        BCF(test_budget_monitoring__by_line_matches_postings),
        BCF(test_budget_monitoring__sample_book_month_6),
        BCF(test_budget_monitoring__areas_are_grouped_once),
        ASC(test_budget_monitoring__refusals),
        ASC(test_budget_monitoring__golden_json_html),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
