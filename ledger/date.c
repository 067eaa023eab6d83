/*
 * date.c - day numbers, the parsers for the date forms finance exports use,
 * and the financial-year arithmetic behind periods.
 *
 * Day numbers use the days-from-civil algorithm (era of 400 years), exact
 * for every Gregorian date.  Parsers are strict: a date that does not exist
 * (31 June, 29 Feb 2023) is refused, never normalised.
 */
#include "ledger/date.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int pb_date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};

    assert(m >= 1 && m <= 12);
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool pb_date_valid_ymd(int y, int m, int d)
{
    return y >= PB_YEAR_MIN && y <= PB_YEAR_MAX && m >= 1 && m <= 12 &&
           d >= 1 && d <= pb_date_days_in_month(y, m);
}

pb_date pb_date_from_ymd(int y, int m, int d)
{
    int era, yoe, doy, doe;

    /* Dates derived from accepted ones (the day after a year ending in
     * 2199, the start of the year before 1900) fall one year outside the
     * accepted range; the arithmetic holds for any year. */
    assert(y >= PB_YEAR_MIN - 1 && y <= PB_YEAR_MAX + 1 && m >= 1 &&
           m <= 12 && d >= 1 && d <= pb_date_days_in_month(y, m));
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (pb_date)(era * 146097 + doe - 719468);
}

void pb_date_to_ymd(pb_date date, int *y, int *m, int *d)
{
    int z = date + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int mm = mp < 10 ? mp + 3 : mp - 9;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mm;
    *y = yoe + era * 400 + (mm <= 2);
}

char *pb_date_iso(pb_date date, char *buf)
{
    int y, m, d;

    pb_date_to_ymd(date, &y, &m, &d);
    y = y < 0 ? 0 : y % 10000;
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return buf;
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct cursor {
    const char *p, *end;
} cursor;

/* Reads 1..max digits; returns the count read (0 = none). */
static int read_digits(cursor *c, int max, int *value)
{
    int n = 0, v = 0;

    while (c->p < c->end && n < max && isdigit((unsigned char)*c->p)) {
        v = v * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    *value = v;
    return n;
}

static int month_from_name(const char *p, size_t n)
{
    static const char *names[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                    "jul", "aug", "sep", "oct", "nov", "dec"};
    int i;

    if (n != 3 && n < 3)
        return 0;
    for (i = 0; i < 12; i++) {
        if (tolower((unsigned char)p[0]) == names[i][0] &&
            tolower((unsigned char)p[1]) == names[i][1] &&
            tolower((unsigned char)p[2]) == names[i][2])
            return i + 1;
    }
    return 0;
}

static const char *format_hint(pb_date_format fmt)
{
    switch (fmt) {
    case PB_DATE_ISO: return "yyyy-mm-dd";
    case PB_DATE_DMY: return "dd/mm/yyyy";
    case PB_DATE_DMON: return "dd-mon-yy";
    case PB_DATE_YMD_DIGITS: return "yyyymmdd";
    }
    return "?";
}

static int parse_fields(cursor *c, pb_date_format fmt, int *y, int *m, int *d)
{
    int n;

    switch (fmt) {
    case PB_DATE_ISO:
        if (read_digits(c, 4, y) != 4 || c->p == c->end || *c->p++ != '-')
            return -1;
        if (read_digits(c, 2, m) != 2 || c->p == c->end || *c->p++ != '-')
            return -1;
        return read_digits(c, 2, d) == 2 ? 0 : -1;
    case PB_DATE_DMY: {
        char sep;

        if (read_digits(c, 2, d) == 0 || c->p == c->end)
            return -1;
        sep = *c->p++;
        if (sep != '/' && sep != '-' && sep != '.')
            return -1;
        if (read_digits(c, 2, m) == 0 || c->p == c->end || *c->p++ != sep)
            return -1;
        return read_digits(c, 4, y) == 4 ? 0 : -1;
    }
    case PB_DATE_DMON: {
        const char *name;
        char sep;

        if (read_digits(c, 2, d) == 0 || c->p == c->end)
            return -1;
        sep = *c->p++;
        if (sep != '-' && sep != ' ' && sep != '/')
            return -1;
        name = c->p;
        while (c->p < c->end && isalpha((unsigned char)*c->p))
            c->p++;
        if (c->p - name != 3 ||
            (*m = month_from_name(name, (size_t)(c->p - name))) == 0)
            return -1;
        if (c->p == c->end || *c->p++ != sep)
            return -1;
        n = read_digits(c, 4, y);
        if (n == 2)
            *y += *y < 70 ? 2000 : 1900;
        else if (n != 4)
            return -1;
        return 0;
    }
    case PB_DATE_YMD_DIGITS:
        if (read_digits(c, 4, y) != 4 || read_digits(c, 2, m) != 2)
            return -1;
        return read_digits(c, 2, d) == 2 ? 0 : -1;
    }
    return -1;
}

int pb_date_parse(pb_date *out, const char *text, size_t n,
                  pb_date_format fmt, pb_error *err)
{
    cursor c = {text, text + n};
    int y = 0, m = 0, d = 0;

    while (c.p < c.end && isspace((unsigned char)*c.p))
        c.p++;
    while (c.end > c.p && isspace((unsigned char)c.end[-1]))
        c.end--;
    if (c.p == c.end)
        return pb_error_set(err, PB_EINVAL, "empty date (expected %s)",
                            format_hint(fmt));
    if (parse_fields(&c, fmt, &y, &m, &d) != 0 || c.p != c.end)
        return pb_error_set(err, PB_EINVAL, "\"%.*s\": not a date (expected %s)",
                            (int)n > 40 ? 40 : (int)n, text, format_hint(fmt));
    if (y < PB_YEAR_MIN || y > PB_YEAR_MAX)
        return pb_error_set(err, PB_EINVAL,
                            "\"%.*s\": year %d is outside %d..%d", (int)n,
                            text, y, PB_YEAR_MIN, PB_YEAR_MAX);
    if (m < 1 || m > 12)
        return pb_error_set(err, PB_EINVAL, "\"%.*s\": no month %d", (int)n,
                            text, m);
    if (!pb_date_valid_ymd(y, m, d))
        return pb_error_set(err, PB_EINVAL, "\"%.*s\": no such day", (int)n,
                            text);
    *out = pb_date_from_ymd(y, m, d);
    return PB_OK;
}

int pb_date_format_parse(pb_date_format *out, const char *name,
                         pb_error *err)
{
    static const struct {
        const char *name;
        pb_date_format fmt;
    } names[] = {
        {"iso", PB_DATE_ISO},          {"yyyy-mm-dd", PB_DATE_ISO},
        {"dd/mm/yyyy", PB_DATE_DMY},   {"dmy", PB_DATE_DMY},
        {"dd-mon-yy", PB_DATE_DMON},   {"dd-mon-yyyy", PB_DATE_DMON},
        {"yyyymmdd", PB_DATE_YMD_DIGITS},
    };
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].fmt;
            return PB_OK;
        }
    }
    return pb_error_set(err, PB_EINVAL,
                        "unknown date format \"%s\" (known: yyyy-mm-dd, "
                        "dd/mm/yyyy, dd-mon-yy, yyyymmdd)",
                        name);
}

pb_date pb_date_today(void)
{
    const char *env = getenv("POOLBOOK_TODAY");
    pb_date d;
    time_t t;
    struct tm tm;

    if (env != NULL && *env != '\0' &&
        pb_date_parse(&d, env, strlen(env), PB_DATE_ISO, NULL) == PB_OK)
        return d;
    t = time(NULL);
    localtime_r(&t, &tm);
    return pb_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* ---- financial years and periods -------------------------------------- */

int pb_fy_of_date(pb_date date, int start_month)
{
    int y, m, d;

    assert(start_month >= 1 && start_month <= 12);
    pb_date_to_ymd(date, &y, &m, &d);
    return m >= start_month ? y : y - 1;
}

pb_date pb_fy_first_day(int fy, int start_month)
{
    return pb_date_from_ymd(fy, start_month, 1);
}

pb_date pb_fy_last_day(int fy, int start_month)
{
    return pb_fy_first_day(fy + 1, start_month) - 1;
}

char *pb_fy_str(int fy, int start_month, char *buf)
{
    if (start_month == 1)
        snprintf(buf, PB_FY_STR_LEN, "%04d", fy % 10000);
    else
        snprintf(buf, PB_FY_STR_LEN, "%04d-%02d", fy % 10000, (fy + 1) % 100);
    return buf;
}

int pb_fy_parse(int *out, const char *text, pb_error *err)
{
    int y1 = 0, y2 = 0, n1, n2 = 0;
    cursor c = {text, text + strlen(text)};

    n1 = read_digits(&c, 4, &y1);
    if (n1 == 4 && c.p < c.end && (*c.p == '-' || *c.p == '/')) {
        c.p++;
        n2 = read_digits(&c, 4, &y2);
        if (n2 == 2)
            y2 += (y1 / 100) * 100 + (y2 < y1 % 100 ? 100 : 0);
        else if (n2 != 4)
            n1 = 0;
        if (n1 == 4 && y2 != y1 + 1)
            return pb_error_set(err, PB_EINVAL,
                                "\"%s\": the second year must follow the "
                                "first",
                                text);
    }
    if (n1 != 4 || c.p != c.end || y1 < PB_YEAR_MIN || y1 > PB_YEAR_MAX)
        return pb_error_set(err, PB_EINVAL,
                            "\"%s\": not a financial year (expected e.g. "
                            "2024-25)",
                            text);
    *out = y1;
    return PB_OK;
}

pb_period pb_period_of_date(pb_date date, int start_month)
{
    int y, m, d;

    pb_date_to_ymd(date, &y, &m, &d);
    if (m >= start_month)
        return pb_period_make(y, m - start_month + 1);
    return pb_period_make(y - 1, m + 12 - start_month + 1);
}

pb_date pb_period_first_day(pb_period p, int start_month)
{
    int fy = pb_period_fy(p), num = pb_period_num(p), m, y;

    if (num == 0)
        return pb_fy_first_day(fy, start_month);
    if (num > 12)
        return pb_fy_last_day(fy, start_month);
    m = start_month + num - 1;
    y = fy;
    if (m > 12) {
        m -= 12;
        y++;
    }
    return pb_date_from_ymd(y, m, 1);
}

pb_date pb_period_last_day(pb_period p, int start_month)
{
    int fy = pb_period_fy(p), num = pb_period_num(p), y, m, d;

    if (num == 0)
        return pb_fy_first_day(fy, start_month);
    if (num >= 12)
        return pb_fy_last_day(fy, start_month);
    pb_date_to_ymd(pb_period_first_day(p, start_month), &y, &m, &d);
    return pb_date_from_ymd(y, m, pb_date_days_in_month(y, m));
}

bool pb_period_accepts(pb_period p, pb_date date, int start_month)
{
    int num = pb_period_num(p);

    if (num < 0 || num > PB_PERIOD_MAX)
        return false;
    if (num == 0)
        return date == pb_fy_first_day(pb_period_fy(p), start_month);
    if (num > 12)
        return date == pb_fy_last_day(pb_period_fy(p), start_month);
    return pb_period_of_date(date, start_month) == p;
}

int pb_period_parse(pb_period *out, const char *text, const int *default_fy,
                    pb_error *err)
{
    cursor c = {text, text + strlen(text)};
    const char *sep;
    int fy, num = -1, n;
    char fybuf[16];

    while (c.p < c.end && isspace((unsigned char)*c.p))
        c.p++;
    while (c.end > c.p && isspace((unsigned char)c.end[-1]))
        c.end--;
    /* YYYYPP */
    if (c.end - c.p == 6) {
        cursor d = c;
        int v;

        if (read_digits(&d, 6, &v) == 6 && d.p == d.end) {
            fy = v / 100;
            num = v % 100;
            goto check;
        }
    }
    sep = c.p;
    while (sep < c.end && *sep != ' ' && *sep != ':')
        sep++;
    if (sep < c.end) {
        size_t len = (size_t)(sep - c.p);

        if (len >= sizeof fybuf)
            goto bad;
        memcpy(fybuf, c.p, len);
        fybuf[len] = '\0';
        if (pb_fy_parse(&fy, fybuf, NULL) != PB_OK)
            goto bad;
        c.p = sep + 1;
        while (c.p < c.end && *c.p == ' ')
            c.p++;
    } else if (default_fy != NULL) {
        fy = *default_fy;
    } else {
        return pb_error_set(err, PB_EINVAL,
                            "\"%s\": which financial year? (e.g. "
                            "\"2024-25 P06\" or 202406)",
                            text);
    }
    if (c.p < c.end && (*c.p == 'P' || *c.p == 'p' || *c.p == 'M' ||
                        *c.p == 'm'))
        c.p++;
    n = read_digits(&c, 2, &num);
    if (n == 0 || c.p != c.end)
        goto bad;
check:
    if (fy < PB_YEAR_MIN || fy > PB_YEAR_MAX)
        return pb_error_set(err, PB_EINVAL,
                            "\"%s\": year %d is outside %d..%d", text, fy,
                            PB_YEAR_MIN, PB_YEAR_MAX);
    if (num < 0 || num > PB_PERIOD_MAX)
        return pb_error_set(err, PB_EINVAL,
                            "\"%s\": periods run from P0 to P%d", text,
                            PB_PERIOD_MAX);
    *out = pb_period_make(fy, num);
    return PB_OK;
bad:
    return pb_error_set(err, PB_EINVAL,
                        "\"%s\": not a period (expected e.g. \"2024-25 P06\", "
                        "202406 or P06)",
                        text);
}

char *pb_period_str(pb_period p, int start_month, char *buf)
{
    char fy[PB_FY_STR_LEN];

    snprintf(buf, PB_PERIOD_STR_LEN, "%s P%02d",
             pb_fy_str(pb_period_fy(p), start_month, fy),
             pb_period_num(p) % 100);
    return buf;
}
