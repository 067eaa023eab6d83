/*
 * test_date.c - ledger/date: day numbers, date parsing, financial years
 * and periods.
 *
 *   1. day numbers: every day 1900..2199 against an independent counter
 *   2. parsing: every format, impossible days, two-digit years, messages
 *   3. financial years: of a date, first/last day, names, parsing
 *   4. periods: of a date (April and January starts, and a model over
 *      every day), first/last day incl. P0 and P13..P16, accepts, parse,
 *      names
 *
 * The model in section 1 walks the calendar one day at a time with its
 * own month table and leap rule, so it shares no arithmetic with the
 * era-based formulas under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/date.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static pb_date ymd(int y, int m, int d)
{
    return pb_date_from_ymd(y, m, d);
}

/* ---- 1. day numbers --------------------------------------------------- */

static int model_days_in_month(int y, int m)
{
    static const int len[13] = {0,  31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    bool leap = (y % 400 == 0) || (y % 4 == 0 && y % 100 != 0);

    return m == 2 && leap ? 29 : len[m];
}

static void test_date_days__every_day_1900_to_2199_round_trips(void **state)
{
    /* 1900-01-01 is 25567 days before 1970-01-01 (70 years, 17 leap days). */
    pb_date expect = -25567;
    int y, m, d, count = 0;

    (void)state;
    for (y = PB_YEAR_MIN; y <= PB_YEAR_MAX; y++) {
        for (m = 1; m <= 12; m++) {
            assert_int_equal(pb_date_days_in_month(y, m),
                             model_days_in_month(y, m));
            for (d = 1; d <= model_days_in_month(y, m); d++) {
                int y2, m2, d2;
                pb_date got = pb_date_from_ymd(y, m, d);

                if (got != expect)
                    fail_msg("%04d-%02d-%02d: day %d, expected %d", y, m, d,
                             got, expect);
                pb_date_to_ymd(got, &y2, &m2, &d2);
                if (y2 != y || m2 != m || d2 != d)
                    fail_msg("day %d -> %04d-%02d-%02d, expected "
                             "%04d-%02d-%02d",
                             got, y2, m2, d2, y, m, d);
                assert_true(pb_date_valid_ymd(y, m, d));
                expect++;
                count++;
            }
            assert_false(pb_date_valid_ymd(y, m, d));
        }
    }
    /* 300 years of 365 days plus 73 leap days (1900, 2100 are not). */
    assert_int_equal(count, 300 * 365 + 73);
}

static void test_date_days__anchors_and_weekdays(void **state)
{
    char buf[PB_DATE_ISO_LEN];

    (void)state;
    assert_int_equal(ymd(1970, 1, 1), 0);
    assert_int_equal(ymd(2000, 3, 1), 11017);
    assert_int_equal(ymd(1969, 12, 31), -1);
    /* 1970-01-01 was a Thursday; 2024-09-30 a Monday. */
    assert_int_equal(((ymd(2024, 9, 30) % 7) + 7 + 3) % 7, 0);
    assert_string_equal(pb_date_iso(ymd(1900, 1, 1), buf), "1900-01-01");
    assert_string_equal(pb_date_iso(ymd(2199, 12, 31), buf), "2199-12-31");
    assert_string_equal(pb_date_iso(ymd(2024, 2, 29), buf), "2024-02-29");
    assert_string_equal(pb_date_iso(ymd(2005, 7, 4), buf), "2005-07-04");
}

static void test_date_days__validity_edges(void **state)
{
    (void)state;
    assert_false(pb_date_valid_ymd(1899, 12, 31));
    assert_false(pb_date_valid_ymd(2200, 1, 1));
    assert_false(pb_date_valid_ymd(2024, 0, 1));
    assert_false(pb_date_valid_ymd(2024, 13, 1));
    assert_false(pb_date_valid_ymd(2024, 1, 0));
    assert_false(pb_date_valid_ymd(2023, 2, 29));
    assert_true(pb_date_valid_ymd(2024, 2, 29));
    assert_true(pb_date_valid_ymd(2000, 2, 29));
    assert_false(pb_date_valid_ymd(1900, 2, 29));
    assert_false(pb_date_valid_ymd(2100, 2, 29));
    assert_false(pb_date_valid_ymd(2024, 6, 31));
}

/* ---- 2. parsing ------------------------------------------------------- */

typedef struct parse_case {
    pb_date_format fmt;
    const char *text;
    int y, m, d;        /* expected; y == 0: refused */
    const char *why;    /* with y == 0: part of the message */
} parse_case;

static const parse_case parse_cases[] = {
    /* ISO */
    {PB_DATE_ISO, "2025-03-31", 2025, 3, 31, NULL},
    {PB_DATE_ISO, "  2024-02-29\n", 2024, 2, 29, NULL},
    {PB_DATE_ISO, "1900-01-01", 1900, 1, 1, NULL},
    {PB_DATE_ISO, "2199-12-31", 2199, 12, 31, NULL},
    {PB_DATE_ISO, "2023-02-29", 0, 0, 0, "no such day"},
    {PB_DATE_ISO, "2024-06-31", 0, 0, 0, "no such day"},
    {PB_DATE_ISO, "2024-04-00", 0, 0, 0, "no such day"},
    {PB_DATE_ISO, "2024-13-01", 0, 0, 0, "no month 13"},
    {PB_DATE_ISO, "2024-00-10", 0, 0, 0, "no month 0"},
    {PB_DATE_ISO, "1899-12-31", 0, 0, 0, "outside 1900..2199"},
    {PB_DATE_ISO, "2200-01-01", 0, 0, 0, "outside 1900..2199"},
    {PB_DATE_ISO, "2024-9-30", 0, 0, 0, "expected yyyy-mm-dd"},
    {PB_DATE_ISO, "24-09-30", 0, 0, 0, "not a date"},
    {PB_DATE_ISO, "2024/09/30", 0, 0, 0, "not a date"},
    {PB_DATE_ISO, "2024-09-30x", 0, 0, 0, "not a date"},
    {PB_DATE_ISO, "2024-09-30 10:00", 0, 0, 0, "not a date"},
    {PB_DATE_ISO, "20240930", 0, 0, 0, "not a date"},
    {PB_DATE_ISO, "", 0, 0, 0, "empty date"},
    {PB_DATE_ISO, "   ", 0, 0, 0, "empty date"},
    /* DMY */
    {PB_DATE_DMY, "31/03/2025", 2025, 3, 31, NULL},
    {PB_DATE_DMY, "31/3/2025", 2025, 3, 31, NULL},
    {PB_DATE_DMY, "1/4/2024", 2024, 4, 1, NULL},
    {PB_DATE_DMY, "31.03.2025", 2025, 3, 31, NULL},
    {PB_DATE_DMY, "31-03-2025", 2025, 3, 31, NULL},
    {PB_DATE_DMY, "29/02/2024", 2024, 2, 29, NULL},
    {PB_DATE_DMY, "29/02/2023", 0, 0, 0, "no such day"},
    {PB_DATE_DMY, "31/06/2024", 0, 0, 0, "no such day"},
    {PB_DATE_DMY, "31/04/2024", 0, 0, 0, "no such day"},
    {PB_DATE_DMY, "32/01/2024", 0, 0, 0, "no such day"},
    {PB_DATE_DMY, "00/01/2024", 0, 0, 0, "no such day"},
    {PB_DATE_DMY, "01/13/2024", 0, 0, 0, "no month 13"},
    {PB_DATE_DMY, "31/03/25", 0, 0, 0, "expected dd/mm/yyyy"},
    {PB_DATE_DMY, "31/03-2025", 0, 0, 0, "not a date"},
    {PB_DATE_DMY, "31 03 2025", 0, 0, 0, "not a date"},
    {PB_DATE_DMY, "2025-03-31", 0, 0, 0, "not a date"},
    {PB_DATE_DMY, "031/03/2025", 0, 0, 0, "not a date"},
    /* DMON */
    {PB_DATE_DMON, "31-MAR-25", 2025, 3, 31, NULL},
    {PB_DATE_DMON, "31-Mar-2025", 2025, 3, 31, NULL},
    {PB_DATE_DMON, "31 Mar 2025", 2025, 3, 31, NULL},
    {PB_DATE_DMON, "1-apr-24", 2024, 4, 1, NULL},
    {PB_DATE_DMON, "01/Sep/2024", 2024, 9, 1, NULL},
    {PB_DATE_DMON, "15-Jan-00", 2000, 1, 15, NULL},
    {PB_DATE_DMON, "15-Jan-69", 2069, 1, 15, NULL},
    {PB_DATE_DMON, "15-Jan-70", 1970, 1, 15, NULL},
    {PB_DATE_DMON, "15-Jan-99", 1999, 1, 15, NULL},
    {PB_DATE_DMON, "29-FEB-24", 2024, 2, 29, NULL},
    {PB_DATE_DMON, "29-FEB-23", 0, 0, 0, "no such day"},
    {PB_DATE_DMON, "31-Jun-2024", 0, 0, 0, "no such day"},
    {PB_DATE_DMON, "31-March-2025", 0, 0, 0, "expected dd-mon-yy"},
    {PB_DATE_DMON, "31-Mrz-2025", 0, 0, 0, "not a date"},
    {PB_DATE_DMON, "31-Mar/2025", 0, 0, 0, "not a date"},
    {PB_DATE_DMON, "31-Mar-205", 0, 0, 0, "not a date"},
    {PB_DATE_DMON, "31-03-2025", 0, 0, 0, "not a date"},
    /* YYYYMMDD */
    {PB_DATE_YMD_DIGITS, "20250331", 2025, 3, 31, NULL},
    {PB_DATE_YMD_DIGITS, "20240229", 2024, 2, 29, NULL},
    {PB_DATE_YMD_DIGITS, "20230229", 0, 0, 0, "no such day"},
    {PB_DATE_YMD_DIGITS, "2025033", 0, 0, 0, "expected yyyymmdd"},
    {PB_DATE_YMD_DIGITS, "202503311", 0, 0, 0, "not a date"},
    {PB_DATE_YMD_DIGITS, "2025-03-31", 0, 0, 0, "not a date"},
};

static void test_date_parse__table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(parse_cases); i++) {
        const parse_case *c = &parse_cases[i];
        pb_date got = 12345;
        pb_error err;
        int rc;

        pb_error_clear(&err);
        rc = pb_date_parse(&got, c->text, strlen(c->text), c->fmt, &err);
        if (c->y != 0) {
            if (rc != PB_OK)
                fail_msg("\"%s\" (format %d): refused: %s", c->text, c->fmt,
                         err.msg);
            if (got != ymd(c->y, c->m, c->d))
                fail_msg("\"%s\": wrong day", c->text);
        } else {
            if (rc != PB_EINVAL)
                fail_msg("\"%s\" (format %d): accepted", c->text, c->fmt);
            assert_int_equal(err.code, PB_EINVAL);
            if (strstr(err.msg, c->why) == NULL)
                fail_msg("\"%s\": message \"%s\" lacks \"%s\"", c->text,
                         err.msg, c->why);
            assert_int_equal(got, 12345); /* unchanged on failure */
        }
    }
}

static void test_date_parse__message_quotes_the_text(void **state)
{
    pb_date d;
    pb_error err;

    (void)state;
    assert_int_equal(pb_date_parse(&d, "31/02/2025", 10, PB_DATE_DMY, &err),
                     PB_EINVAL);
    assert_string_equal(err.msg, "\"31/02/2025\": no such day");
}

static void test_date_parse__reads_only_n_bytes(void **state)
{
    const char text[] = "2024-09-30XYZ";
    pb_date d = 0;

    (void)state;
    assert_int_equal(pb_date_parse(&d, text, 10, PB_DATE_ISO, NULL), PB_OK);
    assert_int_equal(d, ymd(2024, 9, 30));
    assert_int_equal(pb_date_parse(&d, text, 9, PB_DATE_ISO, NULL), PB_EINVAL);
}

static void test_date_parse__every_day_round_trips_in_every_format(void **state)
{
    static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"};
    pb_date d;

    (void)state;
    for (d = ymd(1990, 1, 1); d <= ymd(2030, 12, 31); d++) {
        char text[4][32];
        pb_date got;
        int y, m, day, f;

        pb_date_to_ymd(d, &y, &m, &day);
        pb_date_iso(d, text[0]);
        snprintf(text[1], sizeof text[1], "%d/%d/%04d", day, m, y);
        snprintf(text[2], sizeof text[2], "%02d-%s-%02d", day, mon[m - 1],
                 y % 100);
        snprintf(text[3], sizeof text[3], "%04d%02d%02d", y, m, day);
        for (f = 0; f < 4; f++) {
            if (pb_date_parse(&got, text[f], strlen(text[f]),
                              (pb_date_format)f, NULL) != PB_OK ||
                got != d)
                fail_msg("\"%s\" does not read back", text[f]);
        }
    }
}

static void test_date_parse__format_names(void **state)
{
    pb_date_format f;
    pb_error err;

    (void)state;
    assert_int_equal(pb_date_format_parse(&f, "iso", NULL), PB_OK);
    assert_int_equal(f, PB_DATE_ISO);
    assert_int_equal(pb_date_format_parse(&f, "dd/mm/yyyy", NULL), PB_OK);
    assert_int_equal(f, PB_DATE_DMY);
    assert_int_equal(pb_date_format_parse(&f, "dd-mon-yy", NULL), PB_OK);
    assert_int_equal(f, PB_DATE_DMON);
    assert_int_equal(pb_date_format_parse(&f, "yyyymmdd", NULL), PB_OK);
    assert_int_equal(f, PB_DATE_YMD_DIGITS);
    assert_int_equal(pb_date_format_parse(&f, "mm/dd/yyyy", &err), PB_EINVAL);
    assert_non_null(strstr(err.msg, "dd/mm/yyyy"));
}

static void test_date_today__honours_poolbook_today(void **state)
{
    (void)state;
    setenv("POOLBOOK_TODAY", "2025-03-31", 1);
    assert_int_equal(pb_date_today(), ymd(2025, 3, 31));
    unsetenv("POOLBOOK_TODAY");
    assert_true(pb_date_today() > ymd(2020, 1, 1));
}

/* ---- 3. financial years ------------------------------------------------ */

static void test_fy__of_date_april_and_january(void **state)
{
    (void)state;
    assert_int_equal(pb_fy_of_date(ymd(2024, 4, 1), 4), 2024);
    assert_int_equal(pb_fy_of_date(ymd(2024, 3, 31), 4), 2023);
    assert_int_equal(pb_fy_of_date(ymd(2025, 3, 31), 4), 2024);
    assert_int_equal(pb_fy_of_date(ymd(2024, 12, 31), 4), 2024);
    assert_int_equal(pb_fy_of_date(ymd(2024, 1, 1), 1), 2024);
    assert_int_equal(pb_fy_of_date(ymd(2024, 12, 31), 1), 2024);
    assert_int_equal(pb_fy_of_date(ymd(2024, 6, 30), 7), 2023);
    assert_int_equal(pb_fy_of_date(ymd(2024, 7, 1), 7), 2024);
}

static void test_fy__first_and_last_day(void **state)
{
    (void)state;
    assert_int_equal(pb_fy_first_day(2024, 4), ymd(2024, 4, 1));
    assert_int_equal(pb_fy_last_day(2024, 4), ymd(2025, 3, 31));
    assert_int_equal(pb_fy_first_day(2024, 1), ymd(2024, 1, 1));
    assert_int_equal(pb_fy_last_day(2024, 1), ymd(2024, 12, 31));
    assert_int_equal(pb_fy_last_day(2023, 3), ymd(2024, 2, 29));
    /* At the edges of the accepted years the year's bounds fall outside
     * them (2200-03-31, 1899-04-01) and are still computed: counted in
     * days from dates inside (April to March, 2200 not a leap year; April
     * to December 1899). */
    assert_int_equal(pb_fy_last_day(2199, 4) - ymd(2199, 4, 1), 364);
    assert_int_equal(pb_period_last_day(219912, 4) - ymd(2199, 12, 31), 90);
    assert_int_equal(ymd(1900, 1, 1) - pb_fy_first_day(1899, 4), 275);
    assert_int_equal(pb_fy_of_date(ymd(1900, 1, 15), 4), 1899);
}

static void test_fy__names(void **state)
{
    char buf[PB_FY_STR_LEN];

    (void)state;
    assert_string_equal(pb_fy_str(2024, 4, buf), "2024-25");
    assert_string_equal(pb_fy_str(2099, 4, buf), "2099-00");
    assert_string_equal(pb_fy_str(1999, 4, buf), "1999-00");
    assert_string_equal(pb_fy_str(2024, 1, buf), "2024");
}

static void test_fy__parse_forms_and_refusals(void **state)
{
    static const struct {
        const char *text;
        int fy; /* 0: refused */
    } cases[] = {
        {"2024-25", 2024},   {"2024/25", 2024},  {"2024-2025", 2024},
        {"2024/2025", 2024}, {"2024", 2024},     {"2099-00", 2099},
        {"1999-00", 1999},   {"2024-26", 0},     {"2024-24", 0},
        {"2024-5", 0},       {"24-25", 0},       {"2024-25x", 0},
        {"", 0},             {"1899-00", 0},     {"2024 25", 0},
        {"2024-2026", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(cases); i++) {
        int fy = -1;
        pb_error err;
        int rc = pb_fy_parse(&fy, cases[i].text, &err);

        if (cases[i].fy != 0) {
            if (rc != PB_OK || fy != cases[i].fy)
                fail_msg("\"%s\": rc %d fy %d", cases[i].text, rc, fy);
        } else {
            if (rc != PB_EINVAL)
                fail_msg("\"%s\" accepted as %d", cases[i].text, fy);
            assert_int_equal(fy, -1);
        }
    }
}

/* ---- 4. periods -------------------------------------------------------- */

static void test_period__of_date_april_start(void **state)
{
    (void)state;
    assert_int_equal(pb_period_of_date(ymd(2024, 9, 30), 4), 202406);
    assert_int_equal(pb_period_of_date(ymd(2024, 4, 1), 4), 202401);
    assert_int_equal(pb_period_of_date(ymd(2024, 12, 25), 4), 202409);
    assert_int_equal(pb_period_of_date(ymd(2025, 1, 1), 4), 202410);
    assert_int_equal(pb_period_of_date(ymd(2025, 3, 31), 4), 202412);
    assert_int_equal(pb_period_of_date(ymd(2025, 4, 1), 4), 202501);
}

static void test_period__of_date_january_start(void **state)
{
    (void)state;
    assert_int_equal(pb_period_of_date(ymd(2024, 1, 1), 1), 202401);
    assert_int_equal(pb_period_of_date(ymd(2024, 9, 30), 1), 202409);
    assert_int_equal(pb_period_of_date(ymd(2024, 12, 31), 1), 202412);
    assert_int_equal(pb_period_of_date(ymd(2025, 1, 1), 1), 202501);
}

/* Every day of 1900..2198 for every start month: the period's days contain
 * the date, months run 1..12 in order from the start month, and the year
 * agrees with pb_fy_of_date. */
static void test_period__model_every_day_every_start_month(void **state)
{
    int start;

    (void)state;
    for (start = 1; start <= 12; start++) {
        pb_date d, end = ymd(2198, 12, 31);

        for (d = ymd(1901, 1, 1); d <= end; d++) {
            pb_period p = pb_period_of_date(d, start);
            int y, m, dd, num = pb_period_num(p), want;

            pb_date_to_ymd(d, &y, &m, &dd);
            want = (m - start + 12) % 12 + 1;
            if (num != want || pb_period_fy(p) != pb_fy_of_date(d, start) ||
                pb_period_fy(p) != (m >= start ? y : y - 1))
                fail_msg("start %d, day %d: period %d", start, d, p);
            if (pb_period_first_day(p, start) > d ||
                pb_period_last_day(p, start) < d)
                fail_msg("start %d, day %d outside its period %d", start, d,
                         p);
            if (!pb_period_accepts(p, d, start))
                fail_msg("start %d: period %d refuses its own day %d", start,
                         p, d);
            if (dd == 1 && pb_period_first_day(p, start) != d)
                fail_msg("start %d: first day of %d", start, p);
        }
    }
}

static void test_period__first_and_last_days_incl_adjustments(void **state)
{
    (void)state;
    assert_int_equal(pb_period_first_day(202406, 4), ymd(2024, 9, 1));
    assert_int_equal(pb_period_last_day(202406, 4), ymd(2024, 9, 30));
    assert_int_equal(pb_period_first_day(202411, 4), ymd(2025, 2, 1));
    assert_int_equal(pb_period_last_day(202311, 4), ymd(2024, 2, 29));
    assert_int_equal(pb_period_first_day(202412, 4), ymd(2025, 3, 1));
    assert_int_equal(pb_period_last_day(202412, 4), ymd(2025, 3, 31));
    /* P0 is the year's first day, P13..P16 its last. */
    assert_int_equal(pb_period_first_day(202400, 4), ymd(2024, 4, 1));
    assert_int_equal(pb_period_last_day(202400, 4), ymd(2024, 4, 1));
    assert_int_equal(pb_period_first_day(202413, 4), ymd(2025, 3, 31));
    assert_int_equal(pb_period_last_day(202413, 4), ymd(2025, 3, 31));
    assert_int_equal(pb_period_first_day(202416, 4), ymd(2025, 3, 31));
    assert_int_equal(pb_period_last_day(202416, 4), ymd(2025, 3, 31));
    assert_int_equal(pb_period_first_day(202400, 1), ymd(2024, 1, 1));
    assert_int_equal(pb_period_last_day(202413, 1), ymd(2024, 12, 31));
    assert_int_equal(pb_period_last_day(202412, 1), ymd(2024, 12, 31));
}

static void test_period__accepts(void **state)
{
    (void)state;
    assert_true(pb_period_accepts(202406, ymd(2024, 9, 15), 4));
    assert_false(pb_period_accepts(202406, ymd(2024, 10, 1), 4));
    assert_false(pb_period_accepts(202506, ymd(2024, 9, 15), 4));
    assert_true(pb_period_accepts(202400, ymd(2024, 4, 1), 4));
    assert_false(pb_period_accepts(202400, ymd(2024, 4, 2), 4));
    assert_false(pb_period_accepts(202400, ymd(2025, 3, 31), 4));
    assert_true(pb_period_accepts(202413, ymd(2025, 3, 31), 4));
    assert_true(pb_period_accepts(202416, ymd(2025, 3, 31), 4));
    assert_false(pb_period_accepts(202413, ymd(2025, 3, 30), 4));
    assert_false(pb_period_accepts(202413, ymd(2024, 3, 31), 4));
    assert_false(pb_period_accepts(202417, ymd(2025, 3, 31), 4));
    assert_true(pb_period_accepts(202413, ymd(2024, 12, 31), 1));
    assert_false(pb_period_accepts(202413, ymd(2025, 3, 31), 1));
}

static void test_period__parse_forms(void **state)
{
    static const struct {
        const char *text;
        bool with_default;
        pb_period want; /* 0: refused */
    } cases[] = {
        {"2024-25 P06", false, 202406},
        {"2024/25 P6", false, 202406},
        {"2024-25 p6", false, 202406},
        {"2024-25 M6", false, 202406},
        {"2024-25  P06", false, 202406},
        {" 2024-25 P06 ", false, 202406},
        {"2024-2025 P12", false, 202412},
        {"2024 P03", false, 202403},
        {"2024-25:6", false, 202406},
        {"2024-25:P06", false, 202406},
        {"2024-25 P0", false, 202400},
        {"2024-25 P13", false, 202413},
        {"2024-25 P16", false, 202416},
        {"202406", false, 202406},
        {"202413", false, 202413},
        {"202400", false, 202400},
        {"P06", true, 202306},
        {"6", true, 202306},
        {"M6", true, 202306},
        {"P13", true, 202313},
        {"P06", false, 0},
        {"6", false, 0},
        {"2024-25 P17", false, 0},
        {"202417", false, 0},
        {"2024-25 P", false, 0},
        {"2024-25 P6x", false, 0},
        {"2024-25 Q6", false, 0},
        {"2024-26 P06", false, 0},
        {"24-25 P06", false, 0},
        {"P123", true, 0},
        {"", true, 0},
        {"2024-25", false, 0},
        {"20246", false, 0},
        {"2024061", false, 0},
        {"189906", false, 0},
    };
    const int default_fy = 2023;
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(cases); i++) {
        pb_period p = -7;
        pb_error err;
        int rc = pb_period_parse(&p, cases[i].text,
                                 cases[i].with_default ? &default_fy : NULL,
                                 &err);

        if (cases[i].want != 0) {
            if (rc != PB_OK || p != cases[i].want)
                fail_msg("\"%s\": rc %d period %d (%s)", cases[i].text, rc, p,
                         rc != PB_OK ? err.msg : "");
        } else {
            if (rc != PB_EINVAL)
                fail_msg("\"%s\" accepted as %d", cases[i].text, p);
            assert_int_equal(p, -7);
            assert_non_null(strstr(err.msg, cases[i].text));
        }
    }
}

static void test_period__names(void **state)
{
    char buf[PB_PERIOD_STR_LEN];

    (void)state;
    assert_string_equal(pb_period_str(202406, 4, buf), "2024-25 P06");
    assert_string_equal(pb_period_str(202400, 4, buf), "2024-25 P00");
    assert_string_equal(pb_period_str(202413, 4, buf), "2024-25 P13");
    assert_string_equal(pb_period_str(202412, 1, buf), "2024 P12");
}

static void test_period__names_parse_back(void **state)
{
    int fy, num;

    (void)state;
    for (fy = 1900; fy <= 2199; fy += 7) {
        for (num = 0; num <= PB_PERIOD_MAX; num++) {
            char buf[PB_PERIOD_STR_LEN];
            pb_period p = pb_period_make(fy, num), back = 0;

            pb_period_str(p, 4, buf);
            if (pb_period_parse(&back, buf, NULL, NULL) != PB_OK || back != p)
                fail_msg("\"%s\" does not parse back to %d", buf, p);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. day numbers */
        cmocka_unit_test(test_date_days__every_day_1900_to_2199_round_trips),
        cmocka_unit_test(test_date_days__anchors_and_weekdays),
        cmocka_unit_test(test_date_days__validity_edges),
        /* 2. parsing */
        cmocka_unit_test(test_date_parse__table),
        cmocka_unit_test(test_date_parse__message_quotes_the_text),
        cmocka_unit_test(test_date_parse__reads_only_n_bytes),
        cmocka_unit_test(
            test_date_parse__every_day_round_trips_in_every_format),
        cmocka_unit_test(test_date_parse__format_names),
        cmocka_unit_test(test_date_today__honours_poolbook_today),
        /* 3. financial years */
        cmocka_unit_test(test_fy__of_date_april_and_january),
        cmocka_unit_test(test_fy__first_and_last_day),
        cmocka_unit_test(test_fy__names),
        cmocka_unit_test(test_fy__parse_forms_and_refusals),
        /* 4. periods */
        cmocka_unit_test(test_period__of_date_april_start),
        cmocka_unit_test(test_period__of_date_january_start),
        cmocka_unit_test(test_period__model_every_day_every_start_month),
        cmocka_unit_test(test_period__first_and_last_days_incl_adjustments),
        cmocka_unit_test(test_period__accepts),
        cmocka_unit_test(test_period__parse_forms),
        cmocka_unit_test(test_period__names),
        cmocka_unit_test(test_period__names_parse_back),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
