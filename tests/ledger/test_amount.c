/*
 * test_amount.c - ledger/amount: exact decimal money.
 *
 *   1. parsing: a table of good and bad inputs, then named cases
 *   2. round trips: parse -> format -> parse keeps the value
 *   3. a seeded random check against an independent integer model
 *   4. allocation: random splits checked exactly, and the domain cases
 *   5. formatting: canonical, grouped, brackets, £000 / £M, percentages
 *   6. whole units: set, add (the hot path), get and its failures
 *   7. arithmetic, ratios and the rounding rules
 *
 * The model in section 3 works in __int128 pence-like units and rounds by
 * floor division, a different formulation from the library's truncate and
 * adjust, so a shared mistake is unlikely.  Section 4 checks shares by
 * cross-multiplying with GMP directly rather than through pb_ratio.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/amount.h"

__extension__ typedef __int128 i128;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define POUND "\xC2\xA3"

/* ---- helpers ------------------------------------------------------------ */

/* splitmix64: a fixed seed gives the same cases on every run. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
    rng_state = seed;
}

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* A uniform-enough integer in [lo, hi]; hi - lo < 2^63. */
static int64_t rng_range(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
}

static const int64_t pow10_i64[] = {
    1,
    10,
    100,
    1000,
    10000,
    100000,
    1000000,
    10000000,
    100000000,
    1000000000,
    10000000000,
    100000000000,
    1000000000000,
    10000000000000,
    100000000000000,
    1000000000000000,
    10000000000000000,
    100000000000000000,
    1000000000000000000,
};

/* Parses text (any scale) or fails the test. */
static void amt(pb_amount *a, const char *text)
{
    pb_amount_syntax syn = {PB_AMOUNT_MAX_SCALE, false};
    pb_error err;

    if (pb_amount_parse(a, text, strlen(text), &syn, &err) != PB_OK)
        fail_msg("cannot parse \"%s\": %s", text, err.msg);
}

static void assert_amount(const pb_amount *a, const char *want)
{
    char *got = pb_amount_to_string(a);

    assert_string_equal(got, want);
    free(got);
}

static void assert_format(const pb_amount *a, const pb_amount_style *st,
                          const char *want)
{
    pb_buf b = PB_BUF_INIT;

    pb_amount_format(&b, a, st);
    if (strcmp(pb_buf_str(&b), want) != 0) {
        char *v = pb_amount_to_string(a);

        print_error("format of %s: got \"%s\", want \"%s\"\n", v,
                    pb_buf_str(&b), want);
        free(v);
        pb_buf_clear(&b);
        fail();
    }
    pb_buf_clear(&b);
}

static int sgn(int c)
{
    return (c > 0) - (c < 0);
}

static bool same(const pb_amount *a, const pb_amount *b)
{
    return a->scale == b->scale && mpz_cmp(a->units, b->units) == 0;
}

/* ---- 1. parsing --------------------------------------------------------- */

struct parse_case {
    const char *text;
    int max_scale;     /* syntax.max_scale */
    bool comma;        /* syntax.decimal_comma */
    const char *value; /* canonical value, NULL when refused */
    int scale;         /* scale of the result */
    int code;          /* PB_OK or the expected error */
    const char *error; /* a fragment of the message */
};

/* clang-format off */
#define OK(t, v, sc) {t, 2, false, v, sc, PB_OK, NULL}
#define OK_AT(t, ms, v, sc) {t, ms, false, v, sc, PB_OK, NULL}
#define OK_EU(t, v, sc) {t, 2, true, v, sc, PB_OK, NULL}
#define BAD(t, msg) {t, 2, false, NULL, 0, PB_EINVAL, msg}
#define BAD_AT(t, ms, msg) {t, ms, false, NULL, 0, PB_EINVAL, msg}
#define BAD_EU(t, msg) {t, 2, true, NULL, 0, PB_EINVAL, msg}
#define RANGE(t, msg) {t, 2, false, NULL, 0, PB_ERANGE, msg}

#define NINES_60 "999999999999999999999999999999999999999999999999999999999999"

static const struct parse_case parse_cases[] = {
    /* the forms the header lists */
    OK("1234.56", "1234.56", 2),
    OK("-1234.56", "-1234.56", 2),
    OK("+1234.56", "1234.56", 2),
    OK("1,234.56", "1234.56", 2),
    OK(".5", "0.50", 1),
    OK("0", "0.00", 0),
    OK("(1,234.56)", "-1234.56", 2),
    OK(POUND "1,234.56", "1234.56", 2),
    OK("-" POUND "1,234.56", "-1234.56", 2),
    OK(POUND "-1,234.56", "-1234.56", 2),
    OK(POUND "(1,234.56)", "-1234.56", 2),
    OK("1234.56-", "-1234.56", 2),
    OK("1234.56 CR", "-1234.56", 2),
    OK("1234.56 DR", "1234.56", 2),
    /* more of the same forms */
    OK("(" POUND "1,234.56)", "-1234.56", 2),
    OK("+" POUND "5", "5.00", 0),
    OK(POUND "+5", "5.00", 0),
    OK(POUND "1,234.56-", "-1234.56", 2),
    OK("1234.56CR", "-1234.56", 2),
    OK("1234.56cr", "-1234.56", 2),
    OK("1234.56 Cr", "-1234.56", 2),
    OK("1234.56 dR", "1234.56", 2),
    OK("1234.56DR", "1234.56", 2),
    OK("1234.56\tCR", "-1234.56", 2),
    OK("1,234.56  CR", "-1234.56", 2),
    OK(POUND "1,234.56 CR", "-1234.56", 2),
    OK("5 CR", "-5.00", 0),
    OK("(5)", "-5.00", 0),
    OK("(.5)", "-0.50", 1),
    OK("-.5", "-0.50", 1),
    OK(POUND ".99", "0.99", 2),
    /* white space around */
    OK("  42  ", "42.00", 0),
    OK("\t-7.25\n", "-7.25", 2),
    OK("\r\n(3.10)\r\n", "-3.10", 2),
    OK(" " POUND "1.00 ", "1.00", 2),
    /* scale follows the text */
    OK("1.50", "1.50", 2),
    OK("1.5", "1.50", 1),
    OK("0.00", "0.00", 2),
    OK("0.01", "0.01", 2),
    OK("-0.01", "-0.01", 2),
    OK("-0.00", "0.00", 2),
    OK("(0.00)", "0.00", 2),
    OK("0 DR", "0.00", 0),
    OK("007", "7.00", 0),
    OK("00.10", "0.10", 2),
    /* grouping */
    OK("999", "999.00", 0),
    OK("1,000", "1000.00", 0),
    OK("12,345", "12345.00", 0),
    OK("123,456.7", "123456.70", 1),
    OK("1,234,567,890.12", "1234567890.12", 2),
    OK("100,000,000", "100000000.00", 0),
    OK("1234567", "1234567.00", 0),
    OK("0,001", "1.00", 0),
    /* large values: GMP, not int64 */
    OK("123456789012345678901234567890.12",
       "123456789012345678901234567890.12", 2),
    OK("-9,223,372,036,854,775,808.99", "-9223372036854775808.99", 2),
    OK(NINES_60, NINES_60 ".00", 0),
    OK(NINES_60 ".99", NINES_60 ".99", 2),
    /* max_scale */
    OK_AT("12.345", 3, "12.345", 3),
    OK_AT("0.125", 18, "0.125", 3),
    OK_AT("1.123456789012345678", 18, "1.123456789012345678", 18),
    OK_AT("-0.000000000000000001", 18, "-0.000000000000000001", 18),
    OK_AT("5", 0, "5.00", 0),
    OK_AT("-1.5", 1, "-1.50", 1),
    OK_AT("12.3400", 4, "12.34", 4),
    /* decimal comma */
    OK_EU("1.234,56", "1234.56", 2),
    OK_EU("-1.234,56", "-1234.56", 2),
    OK_EU("1234,5", "1234.50", 1),
    OK_EU(",5", "0.50", 1),
    OK_EU("(1.234.567,89)", "-1234567.89", 2),
    OK_EU(POUND "1.234,56 CR", "-1234.56", 2),
    OK_EU("12.345", "12345.00", 0),
    OK_EU("0,01", "0.01", 2),
    OK_EU("1,50-", "-1.50", 2),

    /* empty */
    BAD("", "empty amount"),
    BAD("   ", "empty amount"),
    BAD("\t\n", "empty amount"),
    /* two signs */
    BAD("-(1.00)", "more than one sign"),
    BAD("(1.00) CR", "more than one sign"),
    BAD("--1", "more than one sign"),
    BAD("1.00--", "more than one sign"),
    BAD("+-1", "more than one sign"),
    BAD("-1-", "more than one sign"),
    BAD("-1 CR", "more than one sign"),
    BAD("+1 DR", "more than one sign"),
    BAD("1 CR DR", "more than one sign"),
    BAD("1CR cr", "more than one sign"),
    BAD("1CRCR", "unexpected \"C\""),
    BAD("(-1)", "more than one sign"),
    BAD(POUND "(-1)", "more than one sign"),
    BAD("-" POUND "(1)", "more than one sign"),
    BAD("((1))", "more than one sign"),
    BAD("(1)-", "more than one sign"),
    /* brackets */
    BAD("(1.00", "unbalanced brackets"),
    BAD("1.00)", "unbalanced brackets"),
    BAD("(1))", "unbalanced brackets"),
    BAD(POUND "(5", "unbalanced brackets"),
    /* grouping */
    BAD("1,23,4", "misplaced thousands separator"),
    BAD("12,34.5", "misplaced thousands separator"),
    BAD("1,2345", "misplaced thousands separator"),
    BAD(",123", "misplaced thousands separator"),
    BAD("1,", "misplaced thousands separator"),
    BAD("1,,234", "misplaced thousands separator"),
    BAD("1234,567.5", "misplaced thousands separator"),
    BAD("1,234.567,8", "more than 2 decimal places"),
    BAD("1.23,4", "misplaced thousands separator"),
    BAD("1,234,56", "misplaced thousands separator"),
    /* the point */
    BAD("5.", "point with no digits after it"),
    BAD("-5.", "point with no digits after it"),
    BAD("1,234.", "point with no digits after it"),
    BAD("(5.)", "point with no digits after it"),
    BAD("12.34.56", "more than one decimal point"),
    BAD("1..2", "point with no digits after it"),
    /* no digits */
    BAD(".", "no digits"),
    BAD(POUND, "no digits"),
    BAD("()", "no digits"),
    BAD("-", "no digits"),
    BAD("+", "no digits"),
    BAD("CR", "no digits"),
    BAD(POUND " ", "no digits"),
    /* exponents, nan, inf */
    BAD("1e5", "exponent not allowed"),
    BAD("1.5E3", "exponent not allowed"),
    BAD("1E-5", "exponent not allowed"),
    BAD("-2.5e+2", "exponent not allowed"),
    BAD("nan", "not a number"),
    BAD("NaN", "not a number"),
    BAD("-nan", "not a number"),
    BAD("inf", "infinity"),
    BAD("-Inf", "infinity"),
    BAD("Infinity", "infinity"),
    BAD(POUND "INF", "infinity"),
    /* decimal places */
    BAD("12.345", "more than 2 decimal places"),
    BAD("0.001", "more than 2 decimal places"),
    BAD("-0.125 CR", "more than 2 decimal places"),
    BAD_AT("1.5", 0, "more than 0 decimal places"),
    BAD_AT("1.25", 1, "more than 1 decimal place"),
    BAD_AT("1.1234567890123456789", 18, "more than 18 decimal places"),
    /* any other character */
    BAD("12abc", "unexpected \"a\""),
    BAD("abc", "unexpected \"a\""),
    BAD("0x10", "unexpected \"x\""),
    BAD("1/2", "unexpected \"/\""),
    BAD("5%", "unexpected \"%\""),
    BAD("$5", "unexpected \"$\""),
    BAD("\xE2\x82\xAC" "5", "unexpected \"\xE2\x82\xAC\""),
    BAD("5" POUND, "unexpected \"" POUND "\""),
    BAD(POUND POUND "5", "unexpected \"" POUND "\""),
    BAD(POUND " 5", "unexpected \" \""),
    BAD("- 5", "unexpected \" \""),
    BAD("1 234", "unexpected \" \""),
    BAD("12 34", "unexpected \" \""),
    BAD("5 CREDIT", "unexpected \" \""),
    BAD("5CREDIT", "unexpected \"C\""),
    BAD("5 C", "unexpected \" \""),
    BAD("\"5\"", "unexpected \"\\\"\""),
    BAD("5\x01", "unexpected \"\\x01\""),
    BAD("5\xFF", "unexpected \"\\xFF\""),
    BAD("1)(", "unbalanced brackets"),
    BAD("1_000", "unexpected \"_\""),
    /* decimal comma */
    BAD_EU("1,234.56", "more than 2 decimal places"),
    BAD_EU("1.23,4", "misplaced thousands separator"),
    BAD_EU("5,", "point with no digits after it"),
    BAD_EU("1,2,3", "more than one decimal point"),
    BAD_EU("1.5", "misplaced thousands separator"),
    BAD_EU("1,5.0", "misplaced thousands separator"),
    /* absurd lengths */
    RANGE("1" NINES_60, "more than 60 digits before the point"),
    RANGE("-1,000" NINES_60, "more than 60 digits before the point"),
};
/* clang-format on */

static void check_parse_case(size_t i, const struct parse_case *c)
{
    pb_amount_syntax syn = {c->max_scale, c->comma};
    pb_amount a, sentinel;
    pb_error err;
    int rc;

    pb_amount_init(&a);
    pb_amount_init(&sentinel);
    pb_amount_set_units(&sentinel, 777777, 3);
    pb_amount_set(&a, &sentinel);
    pb_error_clear(&err);
    rc = pb_amount_parse(&a, c->text, strlen(c->text), &syn, &err);
    if (rc != c->code)
        fail_msg("row %zu \"%s\": returned %d (%s), want %d", i, c->text, rc,
                 err.msg, c->code);
    if (c->value != NULL) {
        char *got = pb_amount_to_string(&a);

        if (strcmp(got, c->value) != 0 || a.scale != c->scale)
            fail_msg("row %zu \"%s\": got %s at scale %d, want %s at %d", i,
                     c->text, got, a.scale, c->value, c->scale);
        free(got);
    } else {
        if (!same(&a, &sentinel))
            fail_msg("row %zu \"%s\": out changed on failure", i, c->text);
        if (err.code != c->code || strstr(err.msg, c->error) == NULL)
            fail_msg("row %zu \"%s\": message \"%s\" lacks \"%s\"", i, c->text,
                     err.msg, c->error);
        if (err.msg[0] != '"')
            fail_msg("row %zu: message \"%s\" does not quote the text", i,
                     err.msg);
        if (strchr(err.msg, '\n') != NULL)
            fail_msg("row %zu: message holds a newline", i);
        /* err is optional: the code alone comes back. */
        if (pb_amount_parse(&a, c->text, strlen(c->text), &syn, NULL) !=
            c->code)
            fail_msg("row %zu: different code without err", i);
    }
    pb_amount_clear(&a);
    pb_amount_clear(&sentinel);
}

static void test_amount_parse__table(void **state)
{
    size_t i, good = 0;

    (void)state;
    assert_true(COUNT(parse_cases) >= 100);
    for (i = 0; i < COUNT(parse_cases); i++) {
        check_parse_case(i, &parse_cases[i]);
        good += parse_cases[i].value != NULL;
    }
    /* Both halves of the table are substantial. */
    assert_true(good >= 50);
    assert_true(COUNT(parse_cases) - good >= 50);
}

/* Parses text with the default syntax; returns the code, message in err. */
static int parse_default(pb_amount *a, const char *text, pb_error *err)
{
    return pb_amount_parse(a, text, strlen(text), NULL, err);
}

static void test_amount_parse__messages_say_why_and_quote_the_text(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"1,23,4", "\"1,23,4\": misplaced thousands separator"},
        {"1e5", "\"1e5\": exponent not allowed"},
        {"12.345", "\"12.345\": more than 2 decimal places"},
        {"", "\"\": empty amount"},
        {"-(1.00)", "\"-(1.00)\": more than one sign"},
        {"12abc", "\"12abc\": unexpected \"a\""},
        {"a\nb", "\"a\\x0Ab\": unexpected \"a\""},
    };
    pb_amount a;
    pb_error err;
    size_t i;

    (void)state;
    pb_amount_init(&a);
    for (i = 0; i < COUNT(cases); i++) {
        assert_int_equal(parse_default(&a, cases[i].text, &err), PB_EINVAL);
        assert_int_equal(err.code, PB_EINVAL);
        assert_string_equal(err.msg, cases[i].msg);
    }
    pb_amount_clear(&a);
}

static void test_amount_parse__long_text_is_quoted_cut_short(void **state)
{
    char text[300];
    pb_amount a;
    pb_error err;

    (void)state;
    memset(text, '7', sizeof text - 2);
    text[sizeof text - 2] = 'x';
    text[sizeof text - 1] = '\0';
    pb_amount_init(&a);
    assert_int_equal(parse_default(&a, text, &err), PB_ERANGE);
    assert_non_null(strstr(err.msg, "...\": "));
    assert_true(strlen(err.msg) < 120);
    pb_amount_clear(&a);
}

static void test_amount_parse__brackets_are_negative(void **state)
{
    pb_amount a;

    (void)state;
    pb_amount_init(&a);
    assert_int_equal(parse_default(&a, "(1,234.56)", NULL), PB_OK);
    assert_int_equal(pb_amount_sign(&a), -1);
    assert_amount(&a, "-1234.56");
    pb_amount_clear(&a);
}

static void test_amount_parse__cr_is_negative_dr_is_positive(void **state)
{
    pb_amount cr, dr;

    (void)state;
    pb_amount_init(&cr);
    pb_amount_init(&dr);
    assert_int_equal(parse_default(&cr, "10.00 cr", NULL), PB_OK);
    assert_int_equal(parse_default(&dr, "10.00DR", NULL), PB_OK);
    assert_int_equal(pb_amount_sign(&cr), -1);
    assert_int_equal(pb_amount_sign(&dr), 1);
    pb_amount_add(&cr, &cr, &dr);
    assert_true(pb_amount_is_zero(&cr));
    pb_amount_clear(&cr);
    pb_amount_clear(&dr);
}

static void test_amount_parse__reads_only_len_bytes(void **state)
{
    static const char buf[] = "12.34xyz";
    static const char nul[] = "1\0"
                              "2";
    pb_amount a;
    pb_error err;

    (void)state;
    pb_amount_init(&a);
    assert_int_equal(pb_amount_parse(&a, buf, 4, NULL, &err), PB_OK);
    assert_amount(&a, "12.30");
    assert_int_equal(a.scale, 1);
    assert_int_equal(pb_amount_parse(&a, buf, 0, NULL, &err), PB_EINVAL);
    assert_string_equal(err.msg, "\"\": empty amount");
    /* An embedded NUL is a character like any other. */
    assert_int_equal(pb_amount_parse(&a, nul, 3, NULL, &err), PB_EINVAL);
    assert_string_equal(err.msg, "\"1\\x002\": unexpected \"\\x00\"");
    assert_int_equal(pb_amount_parse(&a, NULL, 0, NULL, &err), PB_EINVAL);
    pb_amount_clear(&a);
}

static void test_amount_parse__null_syntax_means_pennies(void **state)
{
    pb_amount a;
    pb_error err;

    (void)state;
    pb_amount_init(&a);
    assert_int_equal(parse_default(&a, "1,234.56", &err), PB_OK);
    assert_amount(&a, "1234.56");
    assert_int_equal(parse_default(&a, "1.234", &err), PB_EINVAL);
    assert_string_equal(err.msg, "\"1.234\": more than 2 decimal places");
    pb_amount_clear(&a);
}

/* ---- 2. round trips ----------------------------------------------------- */

/* Formats a in st, parses it back at any scale and checks the value. */
static void round_trip(const pb_amount *a, const pb_amount_style *st)
{
    pb_amount_syntax syn = {PB_AMOUNT_MAX_SCALE, false};
    pb_buf b = PB_BUF_INIT;
    pb_amount back;
    pb_error err;

    pb_amount_init(&back);
    pb_amount_format(&b, a, st);
    if (pb_amount_parse(&back, b.data, b.len, &syn, &err) != PB_OK)
        fail_msg("\"%s\" does not parse back: %s", pb_buf_str(&b), err.msg);
    if (pb_amount_cmp(&back, a) != 0)
        fail_msg("\"%s\" parses back to another value", pb_buf_str(&b));
    pb_amount_clear(&back);
    pb_buf_clear(&b);
}

/* The styles that keep every digit of a (places -1 or a's scale). */
static void round_trip_styles(const pb_amount *a)
{
    pb_amount_style canonical = PB_AMOUNT_STYLE_CANONICAL;
    pb_amount_style grouped = {-1,   PB_UNITS_ONE, PB_ROUND_HALF_UP,
                               true, true,         PB_NEG_BRACKETS};
    pb_amount_style exact = {a->scale, PB_UNITS_ONE, PB_ROUND_HALF_EVEN,
                             true,     true,         PB_NEG_MINUS};
    pb_amount_style plain = {a->scale, PB_UNITS_ONE, PB_ROUND_DOWN,
                             false,    false,        PB_NEG_BRACKETS};

    round_trip(a, NULL);
    round_trip(a, &canonical);
    round_trip(a, &grouped);
    round_trip(a, &exact);
    round_trip(a, &plain);
}

static void test_amount_round_trip__table_values(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(parse_cases); i++) {
        const struct parse_case *c = &parse_cases[i];
        pb_amount_syntax syn = {c->max_scale, c->comma};
        pb_amount a;

        if (c->value == NULL)
            continue;
        pb_amount_init(&a);
        assert_int_equal(
            pb_amount_parse(&a, c->text, strlen(c->text), &syn, NULL), PB_OK);
        round_trip_styles(&a);
        pb_amount_clear(&a);
    }
}

static void test_amount_round_trip__random_values(void **state)
{
    char text[64];
    pb_amount a;
    int i;

    (void)state;
    rng_seed(20240401);
    pb_amount_init(&a);
    for (i = 0; i < 3000; i++) {
        /* Up to 40 random digits, so values pass well beyond int64. */
        int nd = (int)rng_range(1, 40), k;
        int scale = (int)rng_range(0, PB_AMOUNT_MAX_SCALE);

        text[0] = rng() & 1 ? '-' : '+';
        for (k = 0; k < nd; k++)
            text[1 + k] = (char)('0' + rng() % 10);
        text[1 + nd] = '\0';
        amt(&a, text);
        a.scale = scale; /* the same digits at any scale */
        round_trip_styles(&a);
    }
    pb_amount_clear(&a);
}

/* ---- 3. random check against an integer model --------------------------- */

/* floor(n / d) for d > 0. */
static i128 floor_div(i128 n, i128 d)
{
    i128 q = n / d;

    return n % d != 0 && n < 0 ? q - 1 : q;
}

/* n / d, d > 0, rounded with rule from the floor and its remainder. */
static i128 model_div(i128 n, i128 d, pb_rounding rule)
{
    i128 f = floor_div(n, d);
    i128 rem = n - f * d; /* 0 <= rem < d */

    if (rem == 0)
        return f;
    switch (rule) {
    case PB_ROUND_FLOOR:
        return f;
    case PB_ROUND_CEILING:
        return f + 1;
    case PB_ROUND_DOWN:
        return n < 0 ? f + 1 : f;
    case PB_ROUND_UP:
        return n < 0 ? f : f + 1;
    case PB_ROUND_HALF_UP:
        if (2 * rem != d)
            return 2 * rem < d ? f : f + 1;
        return n < 0 ? f : f + 1;
    case PB_ROUND_HALF_EVEN:
        if (2 * rem != d)
            return 2 * rem < d ? f : f + 1;
        return f % 2 == 0 ? f : f + 1;
    }
    fail_msg("bad rule %d", (int)rule);
    return 0;
}

/* v at scale s rounded to scale t. */
static i128 model_rescale(i128 v, int s, int t, pb_rounding rule)
{
    if (t >= s)
        return v * pow10_i64[t - s];
    return model_div(v, pow10_i64[s - t], rule);
}

/* Inserts ',' every three digits, counting from the right, into the digit
 * string d (room for 40 bytes). */
static void model_group(char *d)
{
    char tmp[40];
    size_t n = strlen(d), j = sizeof tmp - 1, k;

    tmp[j] = '\0';
    for (k = 0; k < n; k++) {
        if (k > 0 && k % 3 == 0)
            tmp[--j] = ',';
        tmp[--j] = d[n - 1 - k];
    }
    strcpy(d, tmp + j);
}

/* The model's text for v x 10^-s in a subset of styles: canonical when
 * places < 0 (v then exact), else v already rounded to `places`. */
static void model_format(char *out, size_t n, int64_t v, int s, bool canonical,
                         bool grouping, bool currency, bool brackets)
{
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    uint64_t p = (uint64_t)pow10_i64[s];
    char ip[40], fp[40];
    int flen = s;

    snprintf(ip, sizeof ip, "%" PRIu64, m / p);
    snprintf(fp, sizeof fp, "%0*" PRIu64, s, m % p);
    if (s == 0)
        fp[0] = '\0';
    if (canonical) {
        while (flen > 2 && fp[flen - 1] == '0')
            fp[--flen] = '\0';
        for (; flen < 2; flen++) {
            fp[flen] = '0';
            fp[flen + 1] = '\0';
        }
    }
    if (grouping)
        model_group(ip);
    snprintf(out, n, "%s%s%s%s%s%s%s", v < 0 && !brackets ? "-" : "",
             v < 0 && brackets ? "(" : "", currency ? POUND : "", ip,
             flen > 0 ? "." : "", fp, v < 0 && brackets ? ")" : "");
}

static void set_model(pb_amount *a, int64_t units, int scale)
{
    pb_amount_set_units(a, units, scale);
}

/* Value of a at scale 4 (the model's common scale), via get_units. */
static int64_t at4(const pb_amount *a)
{
    int64_t v = 0;
    pb_error err;

    if (pb_amount_get_units(a, 4, &v, &err) != PB_OK)
        fail_msg("get_units: %s", err.msg);
    return v;
}

static int64_t random_units(int64_t bound)
{
    switch (rng() % 8) {
    case 0:
        return 0;
    case 1:
        return rng_range(-1000, 1000);
    default:
        return rng_range(-bound, bound);
    }
}

static void test_amount_model__random_operations_match_integers(void **state)
{
    pb_amount a, b, r;
    pb_ratio q;
    char want[96];
    pb_buf got = PB_BUF_INIT;
    int i;

    (void)state;
    rng_seed(0x706F6F6C626F6F6Bu);
    pb_amount_init(&a);
    pb_amount_init(&b);
    pb_amount_init(&r);
    pb_ratio_init(&q);
    for (i = 0; i < 5000; i++) {
        int sa = (int)rng_range(0, 4), sb = (int)rng_range(0, 4);
        int64_t ua = random_units(100000000000),
                ub = random_units(100000000000);
        int64_t va = ua * pow10_i64[4 - sa], vb = ub * pow10_i64[4 - sb];
        pb_rounding rule = (pb_rounding)rng_range(0, 5);
        int t = (int)rng_range(0, 4), places;
        long k = (long)rng_range(-500, 500), num, den;
        int64_t mv;
        pb_amount_style st;
        pb_rounding half;

        set_model(&a, ua, sa);
        set_model(&b, ub, sb);

        pb_amount_add(&r, &a, &b);
        assert_int_equal(r.scale, sa > sb ? sa : sb);
        assert_true(at4(&r) == va + vb);
        pb_amount_sub(&r, &a, &b);
        assert_int_equal(r.scale, sa > sb ? sa : sb);
        assert_true(at4(&r) == va - vb);
        pb_amount_neg(&r, &a);
        assert_true(at4(&r) == -va);
        pb_amount_abs(&r, &a);
        assert_true(at4(&r) == (va < 0 ? -va : va));
        assert_int_equal(sgn(pb_amount_cmp(&a, &b)), (va > vb) - (va < vb));
        assert_int_equal(pb_amount_sign(&a), (va > 0) - (va < 0));
        pb_amount_mul_int(&r, &a, k);
        assert_int_equal(r.scale, sa);
        assert_true(at4(&r) == va * k);

        /* rounding: every rule, to fewer and to more places */
        pb_amount_round(&r, &a, t, rule);
        assert_int_equal(r.scale, t);
        mv = (int64_t)model_rescale(ua, sa, t, rule);
        assert_true(at4(&r) == mv * pow10_i64[4 - t]);

        /* a x num/den, rounded once; smaller a keeps the model in int64 */
        num = (long)rng_range(-9999, 9999);
        den = (long)rng_range(1, 9999) * (rng() & 1 ? 1 : -1);
        pb_ratio_set_si(&q, num, den);
        set_model(&a, ua / 100, sa);
        pb_amount_mul_ratio(&r, &a, &q, t, rule);
        assert_int_equal(r.scale, t);
        {
            i128 n = (i128)(ua / 100) * num, d = den;

            if (d < 0)
                n = -n, d = -d;
            if (t >= sa)
                n *= pow10_i64[t - sa];
            else
                d *= pow10_i64[sa - t];
            mv = (int64_t)model_div(n, d, rule);
        }
        assert_true(at4(&r) == mv * pow10_i64[4 - t]);

        /* the ratio itself rounded, and as a percentage */
        pb_ratio_round(&r, &q, t, rule);
        mv = (int64_t)model_div((i128)(den < 0 ? -num : num) * pow10_i64[t],
                                den < 0 ? -den : den, rule);
        assert_true(at4(&r) == mv * pow10_i64[4 - t]);
        places = (int)rng_range(0, 2);
        pb_ratio_percent(&r, &q, places, rule);
        assert_int_equal(r.scale, places);
        mv = (int64_t)model_div((i128)(den < 0 ? -num : num) *
                                    pow10_i64[places + 2],
                                den < 0 ? -den : den, rule);
        assert_true(at4(&r) == mv * pow10_i64[4 - places]);

        /* formatting against snprintf of the model */
        set_model(&a, ua, sa);
        pb_buf_reset(&got);
        pb_amount_format(&got, &a, NULL);
        model_format(want, sizeof want, ua, sa, true, false, false, false);
        assert_string_equal(pb_buf_str(&got), want);

        half = rng() & 1 ? PB_ROUND_HALF_UP : PB_ROUND_HALF_EVEN;
        st = (pb_amount_style){2,    PB_UNITS_ONE, half,
                               true, true,         PB_NEG_BRACKETS};
        mv = (int64_t)model_rescale(ua, sa, 2, st.rounding);
        pb_buf_reset(&got);
        pb_amount_format(&got, &a, &st);
        model_format(want, sizeof want, mv, 2, false, true, true, true);
        assert_string_equal(pb_buf_str(&got), want);

        st = (pb_amount_style){1,     PB_UNITS_THOUSAND, rule, true,
                               false, PB_NEG_MINUS};
        mv = (int64_t)model_rescale(ua, sa + 3, 1, rule);
        pb_buf_reset(&got);
        pb_amount_format(&got, &a, &st);
        model_format(want, sizeof want, mv, 1, false, true, false, false);
        assert_string_equal(pb_buf_str(&got), want);
    }
    pb_buf_clear(&got);
    pb_ratio_clear(&q);
    pb_amount_clear(&a);
    pb_amount_clear(&b);
    pb_amount_clear(&r);
}

static void test_amount_model__add_units_sums_match_integers(void **state)
{
    pb_amount sum;
    i128 model = 0; /* at scale 4 */
    char want[64];
    int i;

    (void)state;
    rng_seed(77);
    pb_amount_init(&sum);
    for (i = 0; i < 20000; i++) {
        int s = (int)rng_range(0, 4);
        int64_t u = rng() % 16 == 0 ? (int64_t)rng() : rng_range(-99999, 99999);

        pb_amount_add_units(&sum, u, s);
        model += (i128)u * pow10_i64[4 - s];
    }
    assert_int_equal(sum.scale, 4);
    /* The total passes int64: compare as text. */
    {
        i128 m = model < 0 ? -model : model;
        char digits[48];
        int n = 0;

        do {
            digits[n++] = (char)('0' + (int)(m % 10));
            m /= 10;
        } while (m != 0);
        while (n < 5)
            digits[n++] = '0';
        for (i = 0; i < n / 2; i++) {
            char c = digits[i];

            digits[i] = digits[n - 1 - i];
            digits[n - 1 - i] = c;
        }
        digits[n] = '\0';
        snprintf(want, sizeof want, "%s%.*s.%s", model < 0 ? "-" : "", n - 4,
                 digits, digits + n - 4);
        /* canonical trims zeros beyond the second place */
        for (n = (int)strlen(want); want[n - 1] == '0' && want[n - 3] != '.';)
            want[--n] = '\0';
    }
    assert_amount(&sum, want);
    pb_amount_clear(&sum);
}

/* ---- 4. allocation ------------------------------------------------------ */

/* Checks every promise of pb_amount_allocate() for one split. */
static void check_allocation(const pb_amount *total, const pb_amount *w,
                             size_t n)
{
    pb_amount *parts = calloc(n, sizeof *parts), *again, sum, neg;
    mpz_t t, s, x, y;
    int wscale = 0;
    pb_error err;
    size_t i;

    again = calloc(n, sizeof *again);
    assert_non_null(parts);
    assert_non_null(again);
    for (i = 0; i < n; i++) {
        pb_amount_init(&parts[i]);
        pb_amount_init(&again[i]);
        if (w[i].scale > wscale)
            wscale = w[i].scale;
    }
    if (pb_amount_allocate(parts, total, w, n, 2, &err) != PB_OK)
        fail_msg("allocate: %s", err.msg);

    /* sums exactly to the total */
    pb_amount_init(&sum);
    for (i = 0; i < n; i++) {
        assert_int_equal(parts[i].scale, 2);
        pb_amount_add(&sum, &sum, &parts[i]);
    }
    assert_int_equal(pb_amount_cmp(&sum, total), 0);

    /* each part within one penny: |P S - T W| < S, all as integers */
    mpz_init(t);
    mpz_init(s);
    mpz_init(x);
    mpz_init(y);
    mpz_set(t, total->units);
    for (i = (size_t)total->scale; i < 2; i++)
        mpz_mul_ui(t, t, 10);
    for (i = 2; i < (size_t)total->scale; i++)
        mpz_divexact_ui(t, t, 10);
    for (i = 0; i < n; i++) {
        mpz_ui_pow_ui(x, 10, (unsigned long)(wscale - w[i].scale));
        mpz_addmul(s, x, w[i].units);
    }
    for (i = 0; i < n; i++) {
        mpz_ui_pow_ui(x, 10, (unsigned long)(wscale - w[i].scale));
        mpz_mul(x, x, w[i].units);
        mpz_mul(x, x, t);
        mpz_mul(y, parts[i].units, s);
        mpz_sub(y, y, x);
        if (mpz_cmpabs(y, s) >= 0)
            fail_msg("part %zu is a penny or more from its share", i);
        if (pb_amount_is_zero(&w[i]))
            assert_true(pb_amount_is_zero(&parts[i]));
    }

    /* deterministic, and a negative total splits as the negation */
    assert_int_equal(pb_amount_allocate(again, total, w, n, 2, NULL), PB_OK);
    for (i = 0; i < n; i++)
        assert_true(same(&parts[i], &again[i]));
    pb_amount_init(&neg);
    pb_amount_neg(&neg, total);
    assert_int_equal(pb_amount_allocate(again, &neg, w, n, 2, NULL), PB_OK);
    for (i = 0; i < n; i++) {
        pb_amount_neg(&again[i], &again[i]);
        assert_true(same(&parts[i], &again[i]));
    }

    pb_amount_clear(&neg);
    pb_amount_clear(&sum);
    mpz_clear(t);
    mpz_clear(s);
    mpz_clear(x);
    mpz_clear(y);
    for (i = 0; i < n; i++) {
        pb_amount_clear(&parts[i]);
        pb_amount_clear(&again[i]);
    }
    free(parts);
    free(again);
}

static void random_total(pb_amount *total)
{
    char text[48];
    int k, nd;

    switch (rng() % 6) {
    case 0:
        pb_amount_set_units(total, 0, (int)rng_range(0, 2));
        break;
    case 1:
        pb_amount_set_units(total, rng_range(-1000, 1000), 2);
        break;
    case 2:
        pb_amount_set_units(total, rng_range(-100000000, 100000000),
                            (int)rng_range(0, 2));
        break;
    case 3:
        pb_amount_set_units(total, (int64_t)rng(), 2);
        break;
    case 4: /* 3 places, representable in pennies */
        pb_amount_set_units(total, rng_range(-10000000, 10000000) * 10, 3);
        break;
    default: /* far beyond int64 */
        nd = (int)rng_range(20, 40);
        text[0] = rng() & 1 ? '-' : '+';
        for (k = 0; k < nd; k++)
            text[1 + k] = (char)('0' + rng() % 10);
        text[1 + nd] = '.';
        text[2 + nd] = '4';
        text[3 + nd] = '2';
        text[4 + nd] = '\0';
        amt(total, text);
        break;
    }
}

static void test_amount_allocate__random_splits_keep_every_promise(void **state)
{
    pb_amount total, w[20];
    int i;
    size_t n, k;

    (void)state;
    rng_seed(1285000);
    pb_amount_init(&total);
    for (k = 0; k < COUNT(w); k++)
        pb_amount_init(&w[k]);
    for (i = 0; i < 3000; i++) {
        bool any = false;

        n = (size_t)rng_range(1, 20);
        random_total(&total);
        for (k = 0; k < n; k++) {
            if (rng() % 4 == 0)
                pb_amount_set_units(&w[k], 0, (int)rng_range(0, 3));
            else if (rng() % 4 == 0) /* many equal weights: ties */
                pb_amount_set_units(&w[k], 1, 0);
            else
                pb_amount_set_units(&w[k], rng_range(1, 10000000),
                                    (int)rng_range(0, 3));
            any = any || !pb_amount_is_zero(&w[k]);
        }
        if (!any)
            pb_amount_set_units(&w[rng() % n], 5, 1);
        check_allocation(&total, w, n);
    }
    pb_amount_clear(&total);
    for (k = 0; k < COUNT(w); k++)
        pb_amount_clear(&w[k]);
}

/* Splits total by the weights given as text; checks the parts' text. */
static void split(const char *total, const char *const *weights,
                  const char *const *want, size_t n)
{
    pb_amount t, w[8], p[8];
    size_t i;

    assert_true(n <= 8);
    pb_amount_init(&t);
    amt(&t, total);
    for (i = 0; i < n; i++) {
        pb_amount_init(&w[i]);
        pb_amount_init(&p[i]);
        amt(&w[i], weights[i]);
    }
    assert_int_equal(pb_amount_allocate(p, &t, w, n, PB_MONEY_SCALE, NULL),
                     PB_OK);
    for (i = 0; i < n; i++)
        assert_amount(&p[i], want[i]);
    check_allocation(&t, w, n);
    pb_amount_clear(&t);
    for (i = 0; i < n; i++) {
        pb_amount_clear(&w[i]);
        pb_amount_clear(&p[i]);
    }
}

static void test_amount_allocate__pooled_fund_half_each(void **state)
{
    (void)state;
    split("940000.00", (const char *[]){"50", "50"},
          (const char *[]){"470000.00", "470000.00"}, 2);
}

static void test_amount_allocate__by_contributions(void **state)
{
    /* 128,499,999 pence by the floors; the one left goes to the larger
     * remainder (the second part). */
    (void)state;
    split("1285000.00", (const char *[]){"9858000", "16324000"},
          (const char *[]){"483825.91", "801174.09"}, 2);
}

static void test_amount_allocate__ties_go_to_the_lower_index(void **state)
{
    (void)state;
    split("100.00", (const char *[]){"1", "1", "1"},
          (const char *[]){"33.34", "33.33", "33.33"}, 3);
    split("-100.00", (const char *[]){"1", "1", "1"},
          (const char *[]){"-33.34", "-33.33", "-33.33"}, 3);
    split("0.02", (const char *[]){"1", "0", "1", "1"},
          (const char *[]){"0.01", "0.00", "0.01", "0.00"}, 4);
}

static void test_amount_allocate__percentages_with_decimals(void **state)
{
    (void)state;
    split("1000.00", (const char *[]){"33.3", "33.3", "33.4"},
          (const char *[]){"333.00", "333.00", "334.00"}, 3);
    split("10.00", (const char *[]){"0.5", "0", "1.25"},
          (const char *[]){"2.86", "0.00", "7.14"}, 3);
}

static void test_amount_allocate__zero_total_gives_zero_parts(void **state)
{
    (void)state;
    split("0", (const char *[]){"1", "2"}, (const char *[]){"0.00", "0.00"}, 2);
}

static void test_amount_allocate__parts_may_alias_the_total(void **state)
{
    pb_amount p[3], w[3];
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        pb_amount_init(&p[i]);
        pb_amount_init(&w[i]);
        pb_amount_set_units(&w[i], 1, 0);
    }
    amt(&p[0], "100.00");
    assert_int_equal(pb_amount_allocate(p, &p[0], w, 3, 2, NULL), PB_OK);
    assert_amount(&p[0], "33.34");
    assert_amount(&p[1], "33.33");
    assert_amount(&p[2], "33.33");
    for (i = 0; i < 3; i++) {
        pb_amount_clear(&p[i]);
        pb_amount_clear(&w[i]);
    }
}

static void test_amount_allocate__refuses_bad_input_unchanged(void **state)
{
    pb_amount t, w[3], p[3], sentinel;
    pb_error err;
    size_t i;

    (void)state;
    pb_amount_init(&t);
    pb_amount_init(&sentinel);
    pb_amount_set_units(&sentinel, 424242, 1);
    for (i = 0; i < 3; i++) {
        pb_amount_init(&w[i]);
        pb_amount_init(&p[i]);
        pb_amount_set(&p[i], &sentinel);
    }
    amt(&t, "100.00");

    assert_int_equal(pb_amount_allocate(p, &t, w, 0, 2, &err), PB_EINVAL);
    assert_non_null(strstr(err.msg, "at least one weight"));

    pb_amount_set_units(&w[0], 5, 0);
    pb_amount_set_units(&w[1], -1, 2);
    assert_int_equal(pb_amount_allocate(p, &t, w, 3, 2, &err), PB_EINVAL);
    assert_string_equal(err.msg, "weight 2 is negative");

    pb_amount_set_zero(&w[0]);
    pb_amount_set_zero(&w[1]);
    assert_int_equal(pb_amount_allocate(p, &t, w, 3, 2, &err), PB_EINVAL);
    assert_string_equal(err.msg, "all weights are zero");

    pb_amount_set_units(&w[0], 1, 0);
    amt(&t, "1.005");
    assert_int_equal(pb_amount_allocate(p, &t, w, 3, 2, &err), PB_EINVAL);
    assert_string_equal(err.msg,
                        "\"1.005\": total has more than 2 decimal places");
    for (i = 0; i < 3; i++)
        assert_true(same(&p[i], &sentinel));

    /* Places beyond `scale` that are zero do not count. */
    amt(&t, "1.000");
    assert_int_equal(pb_amount_allocate(p, &t, w, 3, 2, &err), PB_OK);
    assert_amount(&p[0], "1.00");
    assert_int_equal(p[0].scale, 2);

    pb_amount_clear(&t);
    pb_amount_clear(&sentinel);
    for (i = 0; i < 3; i++) {
        pb_amount_clear(&w[i]);
        pb_amount_clear(&p[i]);
    }
}

/* ---- 5. formatting ------------------------------------------------------ */

/* clang-format off */
#define CANON {-1, PB_UNITS_ONE, PB_ROUND_HALF_UP, false, false, PB_NEG_MINUS}
#define GBP(r) {2, PB_UNITS_ONE, r, true, true, PB_NEG_MINUS}
#define GBP_BR(r) {2, PB_UNITS_ONE, r, true, true, PB_NEG_BRACKETS}
#define K(p, r) {p, PB_UNITS_THOUSAND, r, true, false, PB_NEG_MINUS}
#define M(p, r) {p, PB_UNITS_MILLION, r, true, false, PB_NEG_MINUS}
#define M_BR(p, r) {p, PB_UNITS_MILLION, r, true, false, PB_NEG_BRACKETS}
#define PLAIN(p, r) {p, PB_UNITS_ONE, r, false, false, PB_NEG_MINUS}
#define HU PB_ROUND_HALF_UP
#define HE PB_ROUND_HALF_EVEN

static const struct format_case {
    const char *value;
    pb_amount_style style;
    const char *want;
} format_cases[] = {
    /* canonical */
    {"5", CANON, "5.00"},
    {"1.5", CANON, "1.50"},
    {"0.125", CANON, "0.125"},
    {"12.3400", CANON, "12.34"},
    {"1.000", CANON, "1.00"},
    {"-1.2300", CANON, "-1.23"},
    {"100.10", CANON, "100.10"},
    {"0", CANON, "0.00"},
    {"-0.05", CANON, "-0.05"},
    {"-1234.56", CANON, "-1234.56"},
    {"1234567.891", CANON, "1234567.891"},
    {"0.000000000000000001", CANON, "0.000000000000000001"},
    {"-0.100000000000000000", CANON, "-0.10"},
    /* grouped pounds */
    {"1234.56", GBP(HU), POUND "1,234.56"},
    {"-1234.56", GBP(HU), "-" POUND "1,234.56"},
    {"1234567.8", GBP(HU), POUND "1,234,567.80"},
    {"123", GBP(HU), POUND "123.00"},
    {"0", GBP(HU), POUND "0.00"},
    {"999.995", GBP(HU), POUND "1,000.00"},
    {"999.995", GBP(HE), POUND "1,000.00"},
    {"999.985", GBP(HE), POUND "999.98"},
    {"-0.004", GBP(HU), POUND "0.00"},
    {"-0.005", GBP(HE), POUND "0.00"},
    {"-0.005", GBP(HU), "-" POUND "0.01"},
    /* brackets */
    {"-1234.56", GBP_BR(HU), "(" POUND "1,234.56)"},
    {"1234.56", GBP_BR(HU), POUND "1,234.56"},
    {"-0.004", GBP_BR(HU), POUND "0.00"},
    {"-1234.56", {2, PB_UNITS_ONE, HU, true, false, PB_NEG_BRACKETS},
     "(1,234.56)"},
    {"-1234.5", {-1, PB_UNITS_ONE, HU, false, false, PB_NEG_BRACKETS},
     "(1234.50)"},
    /* £000 */
    {"1234567.89", K(0, HU), "1,235"},
    {"-1500", K(0, HU), "-2"},
    {"-1500", K(0, HE), "-2"},
    {"-2500", K(0, HE), "-2"},
    {"-2500", K(0, HU), "-3"},
    {"499.99", K(0, HU), "0"},
    {"-499.99", K(0, HU), "0"},
    {"45144999.99", K(1, HU), "45,145.0"},
    {"1234567.89", {-1, PB_UNITS_THOUSAND, HU, true, false, PB_NEG_MINUS},
     "1,234.56789"},
    /* £M */
    {"45144999.99", M(2, HU), "45.14"},
    {"45144999.99", M(2, HE), "45.14"},
    {"1555000", M(2, HU), "1.56"},
    {"1555000", M(2, HE), "1.56"},
    {"1565000", M(2, HE), "1.56"},
    {"1565000", M(2, HU), "1.57"},
    {"-1565000", M(2, HU), "-1.57"},
    {"-1565000", M(2, HE), "-1.56"},
    {"-1565000", M_BR(2, HU), "(1.57)"},
    {"1561000", M(2, PB_ROUND_DOWN), "1.56"},
    {"1561000", M(2, PB_ROUND_UP), "1.57"},
    {"-1561000", M(2, PB_ROUND_FLOOR), "-1.57"},
    {"-1561000", M(2, PB_ROUND_CEILING), "-1.56"},
    {"-1569999.99", M(2, PB_ROUND_DOWN), "-1.56"},
    {"-1560000.01", M(2, PB_ROUND_UP), "-1.57"},
    {"-4999.99", M(2, HU), "0.00"},
    {"-4999.99", M_BR(2, HU), "0.00"},
    {"1234567890123", M(0, HU), "1,234,568"},
    {"0.000001", {-1, PB_UNITS_MILLION, HU, false, false, PB_NEG_MINUS},
     "0.000000000001"},
    /* places */
    {"2.5", PLAIN(0, HE), "2"},
    {"3.5", PLAIN(0, HE), "4"},
    {"2.5", PLAIN(0, HU), "3"},
    {"-2.5", PLAIN(0, HU), "-3"},
    {"-0.001", PLAIN(2, HU), "0.00"},
    {"5", PLAIN(3, HU), "5.000"},
    {"0.125", PLAIN(2, HU), "0.13"},
    {"-0.125", PLAIN(2, HU), "-0.13"},
    {"0.125", PLAIN(2, HE), "0.12"},
    {"0.135", PLAIN(2, HE), "0.14"},
    {"1234567", {0, PB_UNITS_ONE, HU, true, false, PB_NEG_MINUS},
     "1,234,567"},
    {"1234567.5", {-1, PB_UNITS_ONE, HU, true, false, PB_NEG_MINUS},
     "1,234,567.50"},
    {"123456789012345678901234567890.125", GBP(HE),
     POUND "123,456,789,012,345,678,901,234,567,890.12"},
};
/* clang-format on */

static void test_amount_format__table(void **state)
{
    pb_amount a;
    size_t i;

    (void)state;
    pb_amount_init(&a);
    for (i = 0; i < COUNT(format_cases); i++) {
        amt(&a, format_cases[i].value);
        assert_format(&a, &format_cases[i].style, format_cases[i].want);
    }
    pb_amount_clear(&a);
}

static void test_amount_format__appends_to_the_buffer(void **state)
{
    pb_buf b = PB_BUF_INIT;
    pb_amount a;
    char *s;

    (void)state;
    pb_amount_init(&a);
    amt(&a, "-3.5");
    pb_buf_puts(&b, "x=");
    pb_amount_format(&b, &a, NULL);
    assert_string_equal(pb_buf_str(&b), "x=-3.50");
    s = pb_amount_to_string(&a);
    assert_string_equal(s, "-3.50");
    free(s);
    pb_buf_clear(&b);
    pb_amount_clear(&a);
}

/* num / den as a percentage at 2 places, as published. */
static void check_percent(const char *num, const char *den, pb_rounding rule,
                          const char *want)
{
    pb_amount n, d, pct;
    pb_ratio r;
    pb_amount_style st = PLAIN(2, HU);

    pb_amount_init(&n);
    pb_amount_init(&d);
    pb_amount_init(&pct);
    pb_ratio_init(&r);
    amt(&n, num);
    amt(&d, den);
    assert_int_equal(pb_ratio_div(&r, &n, &d, NULL), PB_OK);
    pb_ratio_percent(&pct, &r, 2, rule);
    assert_int_equal(pct.scale, 2);
    assert_format(&pct, &st, want);
    pb_amount_clear(&n);
    pb_amount_clear(&d);
    pb_amount_clear(&pct);
    pb_ratio_clear(&r);
}

static void test_amount_format__published_percentages(void **state)
{
    (void)state;
    check_percent("1047233", "2741399", HU, "38.20");
    check_percent("20399971", "41299045", HU, "49.40");
    check_percent("11612525", "23080574", HU, "50.31");
    check_percent("1137156", "2270958", HU, "50.07");
    check_percent("1137156", "2270958", HE, "50.07");
    /* ties: 1/8 = 12.5% */
    check_percent("1", "800", HU, "0.13");
    check_percent("1", "800", HE, "0.12");
    check_percent("-1", "800", HU, "-0.13");
}

/* ---- 6. whole units ----------------------------------------------------- */

static void test_amount_units__set_and_get_at_the_same_scale(void **state)
{
    pb_amount a;
    int64_t v = 0;

    (void)state;
    pb_amount_init(&a);
    assert_true(pb_amount_is_zero(&a));
    assert_int_equal(a.scale, 0);
    pb_amount_set_units(&a, 12345, 2);
    assert_amount(&a, "123.45");
    assert_int_equal(pb_amount_get_units(&a, 2, &v, NULL), PB_OK);
    assert_true(v == 12345);
    pb_amount_set_units(&a, INT64_MIN, 2);
    assert_amount(&a, "-92233720368547758.08");
    assert_int_equal(pb_amount_get_units(&a, 2, &v, NULL), PB_OK);
    assert_true(v == INT64_MIN);
    pb_amount_set_units(&a, INT64_MAX, 0);
    assert_int_equal(pb_amount_get_units(&a, 0, &v, NULL), PB_OK);
    assert_true(v == INT64_MAX);
    pb_amount_clear(&a);
    pb_amount_clear(NULL);
}

static void test_amount_units__get_changes_scale_exactly(void **state)
{
    pb_amount a;
    int64_t v = 0;

    (void)state;
    pb_amount_init(&a);
    amt(&a, "123.45");
    assert_int_equal(pb_amount_get_units(&a, 4, &v, NULL), PB_OK);
    assert_true(v == 1234500);
    amt(&a, "-1.50");
    assert_int_equal(pb_amount_get_units(&a, 1, &v, NULL), PB_OK);
    assert_true(v == -15);
    amt(&a, "7.000000000000000000");
    assert_int_equal(pb_amount_get_units(&a, 0, &v, NULL), PB_OK);
    assert_true(v == 7);
    amt(&a, "-9223372036854775.808");
    assert_int_equal(pb_amount_get_units(&a, 3, &v, NULL), PB_OK);
    assert_true(v == INT64_MIN);
    amt(&a, "-922337203685477580.80");
    assert_int_equal(pb_amount_get_units(&a, 1, &v, NULL), PB_OK);
    assert_true(v == INT64_MIN);
    pb_amount_clear(&a);
}

static void test_amount_units__too_many_places_is_einval(void **state)
{
    pb_amount a;
    pb_error err;
    int64_t v = 99;

    (void)state;
    pb_amount_init(&a);
    amt(&a, "12.345");
    assert_int_equal(pb_amount_get_units(&a, 2, &v, &err), PB_EINVAL);
    assert_string_equal(err.msg, "\"12.345\": more than 2 decimal places");
    assert_true(v == 99);
    amt(&a, "-0.5");
    assert_int_equal(pb_amount_get_units(&a, 0, &v, &err), PB_EINVAL);
    assert_int_equal(pb_amount_get_units(&a, 0, &v, NULL), PB_EINVAL);
    assert_true(v == 99);
    pb_amount_clear(&a);
}

static void test_amount_units__beyond_int64_is_erange(void **state)
{
    static const struct {
        const char *value;
        int scale;
    } cases[] = {
        {"9223372036854775808", 0},  /* INT64_MAX + 1 */
        {"-9223372036854775809", 0}, /* INT64_MIN - 1 */
        {"92233720368547758.08", 2}, /* same units, at scale */
        {"92233720368547758.07", 3}, /* fits at 2, not at 3 */
        {"-92233720368547758.09", 2},
        {"-9223372036854775.809", 3},
        {"-92233720368547758.08", 3}, /* INT64_MIN at 2, not at 3 */
        {"-922337203685477.59", 4},
        {"100000000000000000000.000", 2}, /* exact, but too large */
        {"123456789012345678901234567890", 2},
    };
    pb_amount a;
    pb_error err;
    int64_t v = 99;
    size_t i;

    (void)state;
    pb_amount_init(&a);
    for (i = 0; i < COUNT(cases); i++) {
        amt(&a, cases[i].value);
        assert_int_equal(pb_amount_get_units(&a, cases[i].scale, &v, &err),
                         PB_ERANGE);
        assert_non_null(strstr(err.msg, "does not fit in 64 bits"));
        assert_true(v == 99);
    }
    pb_amount_clear(&a);
}

static void test_amount_units__add_units_across_scales(void **state)
{
    pb_amount a;

    (void)state;
    pb_amount_init(&a);
    pb_amount_add_units(&a, 150, 2);
    assert_int_equal(a.scale, 2);
    assert_amount(&a, "1.50");
    pb_amount_add_units(&a, -3, 0); /* fewer places than the sum */
    assert_int_equal(a.scale, 2);
    assert_amount(&a, "-1.50");
    pb_amount_add_units(&a, 1, 4); /* more places: the sum grows */
    assert_int_equal(a.scale, 4);
    assert_amount(&a, "-1.4999");
    pb_amount_add_units(&a, 0, 5);
    assert_int_equal(a.scale, 5);
    assert_amount(&a, "-1.4999");
    pb_amount_set_zero(&a);
    pb_amount_add_units(&a, INT64_MIN, 2);
    pb_amount_add_units(&a, INT64_MIN, 2);
    assert_amount(&a, "-184467440737095516.16");
    pb_amount_add_units(&a, INT64_MAX, 0);
    pb_amount_add_units(&a, INT64_MIN, 0);
    assert_amount(&a, "-184467440737095517.16");
    pb_amount_set_units(&a, 0, 4);
    pb_amount_add_units(&a, INT64_MIN, 0);
    assert_amount(&a, "-9223372036854775808.00");
    assert_int_equal(a.scale, 4);
    pb_amount_clear(&a);
}

/* ---- 7. arithmetic, ratios, rounding rules ------------------------------ */

static void test_amount_rounding__names_parse_back(void **state)
{
    static const char *const names[] = {"half-up", "half-even", "down",
                                        "up",      "floor",     "ceiling"};
    pb_rounding r = PB_ROUND_DOWN;
    pb_error err;
    size_t i;

    (void)state;
    for (i = 0; i < COUNT(names); i++) {
        assert_int_equal(pb_rounding_parse(&r, names[i], &err), PB_OK);
        assert_int_equal(r, (int)i);
        assert_string_equal(pb_rounding_name(r), names[i]);
    }
    assert_int_equal(PB_ROUND_HALF_UP, 0);
    r = PB_ROUND_UP;
    assert_int_equal(pb_rounding_parse(&r, "bankers", &err), PB_EINVAL);
    assert_int_equal(r, PB_ROUND_UP);
    assert_non_null(strstr(err.msg, "\"bankers\""));
    assert_non_null(strstr(err.msg, "half-even"));
    assert_int_equal(pb_rounding_parse(&r, "Half-Up", NULL), PB_EINVAL);
}

static void test_amount_rounding__six_rules_on_ties_and_near_ties(void **state)
{
    /* value, then the result at 2 places for each rule in enum order:
     * half-up, half-even, down, up, floor, ceiling */
    static const char *const rows[][7] = {
        {"0.125", "0.13", "0.12", "0.12", "0.13", "0.12", "0.13"},
        {"-0.125", "-0.13", "-0.12", "-0.12", "-0.13", "-0.13", "-0.12"},
        {"0.135", "0.14", "0.14", "0.13", "0.14", "0.13", "0.14"},
        {"-0.135", "-0.14", "-0.14", "-0.13", "-0.14", "-0.14", "-0.13"},
        {"0.1249", "0.12", "0.12", "0.12", "0.13", "0.12", "0.13"},
        {"0.1251", "0.13", "0.13", "0.12", "0.13", "0.12", "0.13"},
        {"-0.1251", "-0.13", "-0.13", "-0.12", "-0.13", "-0.13", "-0.12"},
        {"0.12", "0.12", "0.12", "0.12", "0.12", "0.12", "0.12"},
        {"-0.005", "-0.01", "0.00", "0.00", "-0.01", "-0.01", "0.00"},
        {"0.001", "0.00", "0.00", "0.00", "0.01", "0.00", "0.01"},
        {"-0.000000000000000001", "0.00", "0.00", "0.00", "-0.01", "-0.01",
         "0.00"},
    };
    pb_amount a, r;
    size_t i;
    int rule;

    (void)state;
    pb_amount_init(&a);
    pb_amount_init(&r);
    for (i = 0; i < COUNT(rows); i++) {
        for (rule = 0; rule < 6; rule++) {
            amt(&a, rows[i][0]);
            pb_amount_round(&r, &a, 2, (pb_rounding)rule);
            assert_int_equal(r.scale, 2);
            assert_amount(&r, rows[i][1 + rule]);
            pb_amount_round(&a, &a, 2, (pb_rounding)rule); /* in place */
            assert_amount(&a, rows[i][1 + rule]);
        }
    }
    /* Rounding to more places only grows the scale. */
    amt(&a, "-1.5");
    pb_amount_round(&r, &a, 4, PB_ROUND_UP);
    assert_int_equal(r.scale, 4);
    assert_int_equal(pb_amount_cmp(&r, &a), 0);
    pb_amount_clear(&a);
    pb_amount_clear(&r);
}

static void test_amount_arith__outputs_may_alias_inputs(void **state)
{
    pb_amount a, b;

    (void)state;
    pb_amount_init(&a);
    pb_amount_init(&b);
    amt(&a, "1.5");
    amt(&b, "0.25");
    pb_amount_add(&a, &a, &b);
    assert_amount(&a, "1.75");
    assert_int_equal(a.scale, 2);
    amt(&a, "1.5");
    pb_amount_add(&b, &a, &b);
    assert_amount(&b, "1.75");
    amt(&b, "0.25");
    pb_amount_sub(&a, &a, &b);
    assert_amount(&a, "1.25");
    amt(&a, "1.5");
    pb_amount_sub(&b, &a, &b);
    assert_amount(&b, "1.25");
    amt(&a, "0.25");
    amt(&b, "1.5");
    pb_amount_sub(&a, &a, &b);
    assert_amount(&a, "-1.25");
    amt(&a, "0.25");
    pb_amount_sub(&b, &a, &b);
    assert_amount(&b, "-1.25");
    pb_amount_add(&b, &b, &b);
    assert_amount(&b, "-2.50");
    pb_amount_sub(&b, &b, &b);
    assert_true(pb_amount_is_zero(&b));
    assert_int_equal(pb_amount_sign(&b), 0);
    amt(&a, "-2.5");
    pb_amount_mul_int(&a, &a, -3);
    assert_amount(&a, "7.50");
    pb_amount_neg(&a, &a);
    assert_amount(&a, "-7.50");
    pb_amount_abs(&a, &a);
    assert_amount(&a, "7.50");
    pb_amount_set(&a, &a);
    assert_amount(&a, "7.50");
    pb_amount_clear(&a);
    pb_amount_clear(&b);
}

static void test_amount_cmp__compares_values_not_scales(void **state)
{
    pb_amount a, b;

    (void)state;
    pb_amount_init(&a);
    pb_amount_init(&b);
    amt(&a, "1.5");
    amt(&b, "1.500000");
    assert_int_equal(pb_amount_cmp(&a, &b), 0);
    amt(&b, "1.500001");
    assert_int_equal(sgn(pb_amount_cmp(&a, &b)), -1);
    assert_int_equal(sgn(pb_amount_cmp(&b, &a)), 1);
    amt(&a, "-1");
    amt(&b, "0.5");
    assert_int_equal(sgn(pb_amount_cmp(&a, &b)), -1);
    amt(&a, "-1000000000000000000000");
    amt(&b, "-999999999999999999999.99");
    assert_int_equal(sgn(pb_amount_cmp(&a, &b)), -1);
    amt(&a, "0");
    amt(&b, "0.000");
    assert_int_equal(pb_amount_cmp(&a, &b), 0);
    pb_amount_clear(&a);
    pb_amount_clear(&b);
}

static void test_ratio__exact_division_and_rounding_once(void **state)
{
    pb_amount a, b, out;
    pb_ratio r, s, t;
    pb_error err;

    (void)state;
    pb_amount_init(&a);
    pb_amount_init(&b);
    pb_amount_init(&out);
    pb_ratio_init(&r);
    pb_ratio_init(&s);
    pb_ratio_init(&t);

    amt(&a, "1.00");
    amt(&b, "3");
    assert_int_equal(pb_ratio_div(&r, &a, &b, &err), PB_OK);
    pb_ratio_set_si(&s, -2, -6);
    assert_int_equal(pb_ratio_cmp(&r, &s), 0);
    assert_int_equal(pb_ratio_sign(&s), 1);
    pb_ratio_set_si(&s, 1, -3);
    assert_int_equal(pb_ratio_sign(&s), -1);
    assert_int_equal(sgn(pb_ratio_cmp(&s, &r)), -1);
    amt(&a, "1.5");
    amt(&b, "0.025");
    assert_int_equal(pb_ratio_div(&r, &a, &b, &err), PB_OK);
    pb_ratio_set_si(&s, 60, 1);
    assert_int_equal(pb_ratio_cmp(&r, &s), 0);
    assert_int_equal(pb_ratio_div(&r, &b, &a, &err), PB_OK);
    pb_ratio_set_si(&s, 1, 60);
    assert_int_equal(pb_ratio_cmp(&r, &s), 0);
    amt(&a, "1.00");
    amt(&b, "3");
    assert_int_equal(pb_ratio_div(&r, &a, &b, &err), PB_OK);
    pb_ratio_set_si(&s, LONG_MIN, LONG_MIN);
    pb_ratio_set_si(&t, 1, 1);
    assert_int_equal(pb_ratio_cmp(&s, &t), 0);

    /* 100.00 x 1/3 rounded once: 33.33; x 2/3: 66.67 */
    amt(&a, "100.00");
    pb_amount_mul_ratio(&out, &a, &r, 2, PB_ROUND_HALF_UP);
    assert_amount(&out, "33.33");
    pb_ratio_set_si(&s, 2, 1);
    pb_ratio_mul(&t, &r, &s);
    pb_amount_mul_ratio(&a, &a, &t, 2, PB_ROUND_HALF_UP); /* in place */
    assert_amount(&a, "66.67");
    pb_ratio_round(&out, &t, 4, PB_ROUND_DOWN);
    assert_amount(&out, "0.6666");
    assert_int_equal(out.scale, 4);

    /* exact value of an amount */
    amt(&a, "-0.25");
    pb_ratio_set_amount(&r, &a);
    pb_ratio_set_si(&s, -1, 4);
    assert_int_equal(pb_ratio_cmp(&r, &s), 0);
    pb_ratio_set(&t, &r);
    assert_int_equal(pb_ratio_cmp(&t, &s), 0);

    /* division by zero leaves r alone */
    pb_amount_set_zero(&b);
    assert_int_equal(pb_ratio_div(&r, &a, &b, &err), PB_ERANGE);
    assert_string_equal(err.msg, "division by zero");
    assert_int_equal(pb_ratio_cmp(&r, &s), 0);

    /* mul_ratio to fewer places than a has, and a tie */
    amt(&a, "0.0250");
    pb_ratio_set_si(&r, 1, 1);
    pb_amount_mul_ratio(&out, &a, &r, 2, PB_ROUND_HALF_EVEN);
    assert_amount(&out, "0.02");
    pb_amount_mul_ratio(&out, &a, &r, 2, PB_ROUND_HALF_UP);
    assert_amount(&out, "0.03");

    pb_amount_clear(&a);
    pb_amount_clear(&b);
    pb_amount_clear(&out);
    pb_ratio_clear(&r);
    pb_ratio_clear(&s);
    pb_ratio_clear(&t);
    pb_ratio_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. parsing */
        cmocka_unit_test(test_amount_parse__table),
        cmocka_unit_test(
            test_amount_parse__messages_say_why_and_quote_the_text),
        cmocka_unit_test(test_amount_parse__long_text_is_quoted_cut_short),
        cmocka_unit_test(test_amount_parse__brackets_are_negative),
        cmocka_unit_test(test_amount_parse__cr_is_negative_dr_is_positive),
        cmocka_unit_test(test_amount_parse__reads_only_len_bytes),
        cmocka_unit_test(test_amount_parse__null_syntax_means_pennies),
        /* 2. round trips */
        cmocka_unit_test(test_amount_round_trip__table_values),
        cmocka_unit_test(test_amount_round_trip__random_values),
        /* 3. random model */
        cmocka_unit_test(test_amount_model__random_operations_match_integers),
        cmocka_unit_test(test_amount_model__add_units_sums_match_integers),
        /* 4. allocation */
        cmocka_unit_test(
            test_amount_allocate__random_splits_keep_every_promise),
        cmocka_unit_test(test_amount_allocate__pooled_fund_half_each),
        cmocka_unit_test(test_amount_allocate__by_contributions),
        cmocka_unit_test(test_amount_allocate__ties_go_to_the_lower_index),
        cmocka_unit_test(test_amount_allocate__percentages_with_decimals),
        cmocka_unit_test(test_amount_allocate__zero_total_gives_zero_parts),
        cmocka_unit_test(test_amount_allocate__parts_may_alias_the_total),
        cmocka_unit_test(test_amount_allocate__refuses_bad_input_unchanged),
        /* 5. formatting */
        cmocka_unit_test(test_amount_format__table),
        cmocka_unit_test(test_amount_format__appends_to_the_buffer),
        cmocka_unit_test(test_amount_format__published_percentages),
        /* 6. whole units */
        cmocka_unit_test(test_amount_units__set_and_get_at_the_same_scale),
        cmocka_unit_test(test_amount_units__get_changes_scale_exactly),
        cmocka_unit_test(test_amount_units__too_many_places_is_einval),
        cmocka_unit_test(test_amount_units__beyond_int64_is_erange),
        cmocka_unit_test(test_amount_units__add_units_across_scales),
        /* 7. arithmetic, ratios, rounding rules */
        cmocka_unit_test(test_amount_rounding__names_parse_back),
        cmocka_unit_test(test_amount_rounding__six_rules_on_ties_and_near_ties),
        cmocka_unit_test(test_amount_arith__outputs_may_alias_inputs),
        cmocka_unit_test(test_amount_cmp__compares_values_not_scales),
        cmocka_unit_test(test_ratio__exact_division_and_rounding_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
