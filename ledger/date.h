/*
 * date.h - calendar dates, financial years and accounting periods.
 *
 * A pb_date is a day number (days since 1970-01-01, proleptic Gregorian),
 * so dates compare and subtract as integers.  The book stores dates as ISO
 * text ("2024-09-30"), which sorts the same way.
 *
 * Financial year: starts on the 1st of a configurable month (April in
 * England: the book's `fy_start_month`, 1..12).  It is named by the
 * calendar year it starts in: 2024 is "2024-25", 1 Apr 2024 - 31 Mar 2025.
 *
 * A pb_period is fy x 100 + p.  P1..P12 are the months of the year (P1 =
 * April, P6 = September "month 6", P12 = March); P0 is an opening period
 * dated on the year's first day; P13..P16 are year-end adjustment periods
 * dated on its last day.  202406 is 2024-25 P06.  Periods order as
 * integers, so "up to P06" is a range.
 */
#ifndef PB_DATE_H
#define PB_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/error.h"

typedef int32_t pb_date;   /* days since 1970-01-01 */
typedef int32_t pb_period; /* fy * 100 + p, p in 0..16 */

#define PB_DATE_ISO_LEN 11   /* "YYYY-MM-DD" + NUL */
#define PB_PERIOD_STR_LEN 24 /* "2024-25 P06" + NUL, with room */
#define PB_FY_STR_LEN 12     /* "2024-25" + NUL, with room */
#define PB_PERIOD_MAX 16     /* highest adjustment period */

/* Year range accepted anywhere: 1900..2199. */
#define PB_YEAR_MIN 1900
#define PB_YEAR_MAX 2199

typedef enum pb_date_format {
    PB_DATE_ISO = 0,   /* 2025-03-31 */
    PB_DATE_DMY,       /* 31/03/2025, 31/3/2025, 31.03.2025, 31-03-2025 */
    PB_DATE_DMON,      /* 31-MAR-25, 31-Mar-2025, 31 Mar 2025 */
    PB_DATE_YMD_DIGITS /* 20250331 */
} pb_date_format;

bool pb_date_valid_ymd(int y, int m, int d);
/* y-m-d must be a real day of a year in PB_YEAR_MIN - 1 .. PB_YEAR_MAX + 1
 * (assert): one year either side, for dates derived from accepted ones. */
pb_date pb_date_from_ymd(int y, int m, int d);
void pb_date_to_ymd(pb_date date, int *y, int *m, int *d);
int pb_date_days_in_month(int y, int m);

/*
 * Parses text[0..n) in `fmt` (surrounding white space ignored).  Two-digit
 * years (DMON only) mean 2000-2069 for 00-69 and 1970-1999 for 70-99.
 * Returns PB_OK or PB_EINVAL with a message quoting the text and the form
 * expected ("\"31/02/2025\": no such day"); *out unchanged on failure.
 */
int pb_date_parse(pb_date *out, const char *text, size_t n,
                  pb_date_format fmt, pb_error *err);
/* Parses a format name: "iso", "dd/mm/yyyy", "dd-mon-yy", "yyyymmdd". */
int pb_date_format_parse(pb_date_format *out, const char *name,
                         pb_error *err);
/* Writes "YYYY-MM-DD" into buf (PB_DATE_ISO_LEN bytes).  Returns buf. */
char *pb_date_iso(pb_date date, char *buf);

/* Today's date in local time, or $POOLBOOK_TODAY (ISO) when set, so that
 * tests and demos are reproducible. */
pb_date pb_date_today(void);

/* ---- financial years and periods ---------------------------------------
 * start_month is the book's first month of the year, 1..12. */

/* The financial year (its starting calendar year) that contains date. */
int pb_fy_of_date(pb_date date, int start_month);
pb_date pb_fy_first_day(int fy, int start_month);
pb_date pb_fy_last_day(int fy, int start_month);
/* "2024-25" (or "2024" when the year starts in January). */
char *pb_fy_str(int fy, int start_month, char *buf);
/* Parses "2024-25", "2024/25", "2024-2025", "2024/2025" or "2024". */
int pb_fy_parse(int *out, const char *text, pb_error *err);

/* The month period (P1..P12) that contains date. */
pb_period pb_period_of_date(pb_date date, int start_month);
static inline int pb_period_fy(pb_period p) { return p / 100; }
static inline int pb_period_num(pb_period p) { return p % 100; }
static inline pb_period pb_period_make(int fy, int num)
{
    return (pb_period)(fy * 100 + num);
}
/* First and last day of period p.  P0 is the first day of the year and
 * P13..P16 the last day. */
pb_date pb_period_first_day(pb_period p, int start_month);
pb_date pb_period_last_day(pb_period p, int start_month);
/* True if an entry dated `date` may be placed in period p: p is the
 * month of date, or P0 on the first day, or P13..P16 on the last day. */
bool pb_period_accepts(pb_period p, pb_date date, int start_month);

/*
 * Parses a period: "2024-25 P06", "2024/25 P6", "2024-25:6", "202406"
 * (YYYYPP), or "P06" / "6" / "M6" relative to *default_fy when that is not
 * NULL.  Returns PB_OK or PB_EINVAL with the forms expected.
 */
int pb_period_parse(pb_period *out, const char *text, const int *default_fy,
                    pb_error *err);
/* "2024-25 P06" (start_month decides "2024-25" vs "2024"). */
char *pb_period_str(pb_period p, int start_month, char *buf);

#endif
