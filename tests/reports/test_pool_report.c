/*
 * test_pool_report.c - reports/pool_report: DOMAIN layout E from
 * fixtures/bcf-2023-24, the 2023/24 pooled fund composition (seed 003).
 *
 *   1. the published table in £000: ICB £99,381, SCC (including the iBCF
 *      allocation) £57,727, Discharge Fund £3,130, DFG inc c/f £8,084,
 *      total £168,322
 *   2. received to date beside each, against a hand computation of the
 *      fixture's receipts; an earlier month-end; by partner
 *   3. income nobody planned, and a plan without a stream
 *   4. golden files in every format; JSON round-trips; HTML parses
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/reports/books.h"

static const char *const files[] = {"partners", "pools",         "streams",
                                    "accounts", "contributions", "postings"};

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = book_load(&f->path, "bcf-2023-24", files, COUNT(files));
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

static pb_table *report(fixture *f, int period, pb_report_by by, bool thousands)
{
    pb_report_opts o;
    pb_table *t = NULL;

    pb_report_opts_init(&o);
    o.has_period = true;
    o.period = pb_period_make(2023, period);
    o.by = by;
    if (thousands) {
        o.has_units = true;
        o.units = PB_UNITS_THOUSAND;
    }
    if (pb_report_pool(&t, f->b, &o, &f->err) != PB_OK)
        fail_msg("pool: %s", f->err.msg);
    assert_true(pb_table_valid(t));
    return t;
}

/* ---- 1. the published table
 * -------------------------------------------------- */

static void test_pool__planned_matches_seed_003(void **state)
{
    static const char *const published[][3] = {
        {"ICB contribution (NHS minimum and additional)", "ICB", "£99,381"},
        {"SCC contribution (including the iBCF allocation)", "SCC", "£57,727"},
        {"BCF Discharge Fund (ASCDF)", "SCC", "£3,130"},
        {"Disabled Facility Grant (DFG) inc c/f from previous years", "SCC",
         "£8,084"},
        {"Total", "", "£168,322"},
    };
    fixture *f = *state;
    pb_table *t = report(f, 9, PB_BY_DEFAULT, true);
    size_t r;

    assert_int_equal(pb_table_row_count(t), COUNT(published));
    for (r = 0; r < COUNT(published); r++) {
        assert_string_equal(cell(t, r, 0), published[r][0]);
        assert_string_equal(cell(t, r, 1), published[r][1]);
        assert_string_equal(cell(t, r, 2), published[r][2]);
    }
    /* "The overall pooled fund for 2023/2024 is £168,322,000". */
    assert_string_equal(exact(t, 4, "planned"), "168322000.00");
    pb_table_free(t);
}

/* ---- 2. received
 * --------------------------------------------------------------- */

/* By hand (fixtures/bcf-2023-24/generate.py): ICB 9 x 8,281,750 =
 * 74,535,750 (75%); SCC 3 x 14,431,750 = 43,295,250 (75%); ASCDF
 * 1,252,000 + 1,878,000 = 3,130,000; DFG 2,021,000 + 6,063,000 =
 * 8,084,000; total 129,045,000 = 76.67% of 168,322,000, 39,277,000 still
 * to come. */
static void test_pool__received_to_date(void **state)
{
    fixture *f = *state;
    pb_table *t = report(f, 9, PB_BY_DEFAULT, false);

    assert_string_equal(exact(t, 0, "received"), "74535750.00");
    assert_string_equal(cellk(t, 0, "percent_received"), "75.00%");
    assert_string_equal(exact(t, 1, "received"), "43295250.00");
    assert_string_equal(exact(t, 2, "received"), "3130000.00");
    assert_string_equal(cellk(t, 2, "percent_received"), "100.00%");
    assert_string_equal(exact(t, 3, "received"), "8084000.00");
    assert_string_equal(exact(t, 4, "received"), "129045000.00");
    assert_string_equal(cellk(t, 4, "percent_received"), "76.67%");
    assert_string_equal(exact(t, 4, "outstanding"), "39277000.00");
    pb_table_free(t);
    /* At P02: ICB 2 months, SCC nothing yet, ASCDF's first tranche, DFG
     * all (the carry-forward in P0 and the grant in May). */
    t = report(f, 2, PB_BY_DEFAULT, false);
    assert_string_equal(exact(t, 0, "received"), "16563500.00");
    assert_string_equal(exact(t, 1, "received"), "0.00");
    assert_string_equal(cellk(t, 1, "percent_received"), "0.00%");
    assert_string_equal(exact(t, 2, "received"), "1252000.00");
    assert_string_equal(exact(t, 3, "received"), "8084000.00");
    pb_table_free(t);
}

static void test_pool__by_partner(void **state)
{
    fixture *f = *state;
    pb_table *t = report(f, 9, PB_BY_PARTNER, true);
    size_t r;

    assert_int_equal(pb_table_row_kind(t, 0), PB_ROW_HEADING);
    assert_string_equal(cell(t, 0, 0), "NHS Hampshire and Isle of Wight ICB");
    r = row_of(t, "Total Southampton City Council");
    /* 57,727 + 3,130 + 8,084 = 68,941. */
    assert_string_equal(cellk(t, r, "planned"), "£68,941");
    r = pb_table_row_count(t) - 1;
    assert_string_equal(cellk(t, r, "planned"), "£168,322");
    pb_table_free(t);
}

/* ---- 3. income nobody planned
 * -------------------------------------------------- */

static void test_pool__unplanned_income_gets_a_row(void **state)
{
    fixture *f = *state;
    pb_table *t;
    size_t r;

    /* An ICB payment coded to the DFG stream: no plan covers it. */
    pbt_post_ok(f->b, "2023-12-15 Misposted receipt; 1000 5000.00;"
                      " 4000 -5000.00 stream=DFG partner=ICB");
    t = report(f, 9, PB_BY_DEFAULT, false);
    r = 4;
    assert_string_equal(cell(t, r, 0),
                        "Disabled Facility Grant (DFG) inc c/f from previous "
                        "years");
    assert_string_equal(cell(t, r, 1), "ICB");
    assert_true(pb_table_is_blank(t, r, 2));
    assert_string_equal(exact(t, r, "received"), "5000.00");
    r = pb_table_row_count(t) - 1;
    assert_string_equal(exact(t, r, "received"), "129050000.00");
    assert_string_equal(exact(t, r, "planned"), "168322000.00");
    assert_int_equal(pb_table_note_count(t), 2);
    pb_table_free(t);
}

static void test_pool__refusals(void **state)
{
    fixture *f = *state;
    pb_report_opts o;
    pb_table *t = NULL;

    pb_report_opts_init(&o);
    o.has_period = true;
    o.period = pb_period_make(2023, 9);
    o.by = PB_BY_AREA;
    assert_int_equal(pb_report_pool(&t, f->b, &o, &f->err), PB_EUSAGE);
    o.by = PB_BY_DEFAULT;
    o.filter[PB_DIM_SCHEME] = "X";
    assert_int_equal(pb_report_pool(&t, f->b, &o, &f->err), PB_EUSAGE);
    assert_null(t);
}

/* ---- 4. formats
 * ----------------------------------------------------------------- */

static void test_pool__golden_json_html(void **state)
{
    fixture *f = *state;
    pb_table *t = report(f, 9, PB_BY_DEFAULT, true);

    golden_all(t, "bcf-2023-24-pool");
    /* 5 rows x 3 money columns. */
    assert_int_equal(json_round_trip(t), 15);
    html_parses(t);
    pb_table_free(t);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_pool__planned_matches_seed_003),
        T(test_pool__received_to_date),
        T(test_pool__by_partner),
        T(test_pool__unplanned_income_gets_a_row),
        T(test_pool__refusals),
        T(test_pool__golden_json_html),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
