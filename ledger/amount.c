/*
 * amount.c - exact decimal money over GMP.
 *
 * A pb_amount is an mpz count of 10^-scale units; a pb_ratio an mpq kept
 * canonical.  Nothing here rounds except the functions that take a
 * pb_rounding, and every one of them reaches the single decision in
 * round_away(), so the six rules are written down once.
 *
 * Workload: a book sums millions of postings stored as int64 pence, so
 * pb_amount_add_units() works in place on the accumulator's mpz and never
 * allocates a temporary (a differing scale goes through mpz_addmul_ui over
 * a read-only limb), and pb_amount_get_units() allocates nothing when the
 * scales agree.  Parsing, rounding, formatting and allocation run once per
 * value read, shown or split, and favour clarity over speed.
 *
 * Invariants: every pb_amount written here has 0 <= scale <=
 * PB_AMOUNT_MAX_SCALE; every pb_ratio is canonical (lowest terms, positive
 * denominator).  Outputs may alias inputs, so results that need more than
 * one input are computed before the output is written.
 */
#include "ledger/amount.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * int64_t values pass through GMP's long / unsigned long functions, and an
 * int64 magnitude is handed to GMP as one limb.  Both hold on the LP64
 * platforms poolbook builds for; anywhere else this fails to compile rather
 * than truncate money.
 */
static_assert(LONG_MAX >= INT64_MAX && LONG_MIN <= INT64_MIN,
              "long must hold int64_t");
static_assert(ULONG_MAX >= UINT64_MAX, "unsigned long must hold uint64_t");
static_assert(GMP_NUMB_BITS >= 64, "a GMP limb must hold uint64_t");

/* Largest k with 10^k in an unsigned long. */
#define POW10_MAX 19

static const unsigned long pow10_ul[POW10_MAX + 1] = {
    1UL,
    10UL,
    100UL,
    1000UL,
    10000UL,
    100000UL,
    1000000UL,
    10000000UL,
    100000000UL,
    1000000000UL,
    10000000000UL,
    100000000000UL,
    1000000000000UL,
    10000000000000UL,
    100000000000000UL,
    1000000000000000UL,
    10000000000000000UL,
    100000000000000000UL,
    1000000000000000000UL,
    10000000000000000000UL,
};

/* Most digits accepted before the point: bounds the work a hostile or
 * corrupt input can cause (10^60 pounds is beyond any real fund). */
#define PARSE_INT_DIGITS_MAX 60

/* How much of an input is quoted back in an error message. */
#define QUOTE_TEXT_MAX 48

/* A macro, not a function: it is only used in assert(). */
#define SCALE_OK(scale) ((scale) >= 0 && (scale) <= PB_AMOUNT_MAX_SCALE)

/* r = a x 10^k; r may be a. */
static void mul_pow10(mpz_ptr r, mpz_srcptr a, int k)
{
    assert(k >= 0);
    if (k == 0) {
        mpz_set(r, a);
        return;
    }
    while (k > POW10_MAX) {
        mpz_mul_ui(r, a, pow10_ul[POW10_MAX]);
        a = r;
        k -= POW10_MAX;
    }
    mpz_mul_ui(r, a, pow10_ul[k]);
}

/* ---- rounding ----------------------------------------------------------- */

static const char *const rounding_names[] = {
    [PB_ROUND_HALF_UP] = "half-up", [PB_ROUND_HALF_EVEN] = "half-even",
    [PB_ROUND_DOWN] = "down",       [PB_ROUND_UP] = "up",
    [PB_ROUND_FLOOR] = "floor",     [PB_ROUND_CEILING] = "ceiling",
};

#define N_RULES (sizeof rounding_names / sizeof rounding_names[0])

int pb_rounding_parse(pb_rounding *out, const char *name, pb_error *err)
{
    size_t i;

    assert(out != NULL && name != NULL);
    for (i = 0; i < N_RULES; i++) {
        if (strcmp(name, rounding_names[i]) == 0) {
            *out = (pb_rounding)i;
            return PB_OK;
        }
    }
    return pb_error_set(err, PB_EINVAL,
                        "unknown rounding rule \"%.64s\" (expected "
                        "half-up, half-even, down, up, floor or ceiling)",
                        name);
}

const char *pb_rounding_name(pb_rounding rule)
{
    assert((size_t)rule < N_RULES);
    return (size_t)rule < N_RULES ? rounding_names[rule] : "unknown";
}

/*
 * The six rules, once.  A quotient has been truncated toward zero and its
 * remainder is non-zero; this says whether it must move one unit away from
 * zero.  sign: sign of the exact quotient; half: the remainder compared
 * with half the divisor (<0, 0, >0); odd: the truncated quotient is odd.
 */
static bool round_away(pb_rounding rule, int sign, int half, bool odd)
{
    switch (rule) {
    case PB_ROUND_HALF_UP:
        return half >= 0;
    case PB_ROUND_HALF_EVEN:
        return half > 0 || (half == 0 && odd);
    case PB_ROUND_DOWN:
        return false;
    case PB_ROUND_UP:
        return true;
    case PB_ROUND_FLOOR:
        return sign < 0;
    case PB_ROUND_CEILING:
        return sign > 0;
    }
    assert(0 && "unknown rounding rule");
    return false;
}

static void bump(mpz_ptr q, int sign)
{
    if (sign > 0)
        mpz_add_ui(q, q, 1);
    else
        mpz_sub_ui(q, q, 1);
}

/* q = n / d rounded with rule; d > 0; q may alias n. */
static void round_div(mpz_ptr q, mpz_srcptr n, mpz_srcptr d, pb_rounding rule)
{
    int sign = mpz_sgn(n);
    mpz_t r;

    assert(mpz_sgn(d) > 0 && q != d);
    mpz_init(r);
    mpz_tdiv_qr(q, r, n, d);
    if (mpz_sgn(r) != 0) {
        mpz_mul_2exp(r, r, 1);
        if (round_away(rule, sign, mpz_cmpabs(r, d), mpz_odd_p(q)))
            bump(q, sign);
    }
    mpz_clear(r);
}

/* q = n / 10^k rounded with rule; q may alias n.  Divisors that fit an
 * unsigned long (all amount-to-amount roundings) need no temporary. */
static void round_div_pow10(mpz_ptr q, mpz_srcptr n, int k, pb_rounding rule)
{
    assert(k >= 0);
    if (k <= POW10_MAX) {
        unsigned long d = pow10_ul[k];
        int sign = mpz_sgn(n);
        unsigned long r = mpz_tdiv_q_ui(q, n, d);

        if (r != 0) {
            int half = r < d - r ? -1 : r > d - r;

            if (round_away(rule, sign, half, mpz_odd_p(q)))
                bump(q, sign);
        }
    } else {
        mpz_t d;

        mpz_init_set_ui(d, 1);
        mul_pow10(d, d, k);
        round_div(q, n, d, rule);
        mpz_clear(d);
    }
}

/* ---- life cycle --------------------------------------------------------- */

void pb_amount_init(pb_amount *a)
{
    mpz_init(a->units);
    a->scale = 0;
}

void pb_amount_clear(pb_amount *a)
{
    if (a == NULL)
        return;
    mpz_clear(a->units);
    a->scale = 0;
}

void pb_amount_set(pb_amount *dst, const pb_amount *src)
{
    if (dst == src)
        return;
    mpz_set(dst->units, src->units);
    dst->scale = src->scale;
}

void pb_amount_set_zero(pb_amount *a)
{
    mpz_set_ui(a->units, 0);
    a->scale = 0;
}

void pb_amount_set_units(pb_amount *a, int64_t units, int scale)
{
    assert(SCALE_OK(scale));
    mpz_set_si(a->units, (long)units);
    a->scale = scale;
}

void pb_amount_add_units(pb_amount *a, int64_t units, int scale)
{
    assert(SCALE_OK(scale));
    if (scale > a->scale) {
        mul_pow10(a->units, a->units, scale - a->scale);
        a->scale = scale;
    }
    if (units == 0)
        return;
    if (scale == a->scale) {
        /* Unsigned negation is defined for INT64_MIN too. */
        if (units > 0)
            mpz_add_ui(a->units, a->units, (unsigned long)units);
        else
            mpz_sub_ui(a->units, a->units, 0UL - (unsigned long)units);
    } else {
        /* units x 10^(a->scale - scale) added in place: the int64 becomes
         * a read-only one-limb mpz, so nothing is allocated. */
        mp_limb_t limb = units > 0 ? (mp_limb_t)units
                                   : (mp_limb_t)(0UL - (unsigned long)units);
        mpz_t u;

        mpz_addmul_ui(a->units, mpz_roinit_n(u, &limb, units > 0 ? 1 : -1),
                      pow10_ul[a->scale - scale]);
    }
}

/* ---- messages ----------------------------------------------------------- */

/* Length of the UTF-8 sequence at p (1 for ASCII or a malformed byte). */
static size_t utf8_len(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    size_t n, i;

    if (c < 0xC2 || c > 0xF4)
        return 1;
    n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if ((size_t)(end - p) < n)
        return 1;
    for (i = 1; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

/*
 * Writes text[0..len) into q for a message: well-formed UTF-8 as is,
 * '"' and '\\' escaped, other bytes outside printable ASCII as \xNN (a
 * message never holds a newline), cut after QUOTE_TEXT_MAX input bytes
 * with "...".  q must hold QUOTE_TEXT_MAX * 4 + 4 bytes.
 */
static void quote(char *q, const char *text, size_t len)
{
    const char *p = text;
    const char *end = text + (len > QUOTE_TEXT_MAX ? QUOTE_TEXT_MAX : len);

    while (p < end) {
        unsigned char c = (unsigned char)*p;
        size_t n = utf8_len(p, text + len);

        if (n > 1 && p + n <= end) {
            memcpy(q, p, n);
            q += n;
            p += n;
            continue;
        }
        if (n > 1)
            break; /* a sequence cut by the limit: drop it whole */
        if (c == '"' || c == '\\') {
            *q++ = '\\';
            *q++ = (char)c;
        } else if (c >= 0x20 && c < 0x7F) {
            *q++ = (char)c;
        } else {
            q += sprintf(q, "\\x%02X", c);
        }
        p++;
    }
    if (len > QUOTE_TEXT_MAX)
        q += sprintf(q, "...");
    *q = '\0';
}

/* Sets err to `"TEXT": WHY` and returns code. */
static int fail_text(pb_error *err, int code, const char *text, size_t len,
                     const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail_text(pb_error *err, int code, const char *text, size_t len,
                     const char *fmt, ...)
{
    char quoted[QUOTE_TEXT_MAX * 4 + 4];
    char why[256];
    va_list ap;

    if (err == NULL)
        return code;
    quote(quoted, text, len);
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return pb_error_set(err, code, "\"%s\": %s", quoted, why);
}

/* Sets err to `"AMOUNT": WHY` with a in canonical form. */
static int fail_amount(pb_error *err, int code, const pb_amount *a,
                       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_amount(pb_error *err, int code, const pb_amount *a,
                       const char *fmt, ...)
{
    char why[256];
    va_list ap;
    char *s;

    if (err == NULL)
        return code;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    s = pb_amount_to_string(a);
    fail_text(err, code, s, strlen(s), "%s", why);
    free(s);
    return code;
}

/* ---- parsing ------------------------------------------------------------ */

/* The state of one pb_amount_parse() call. */
struct scan {
    const char *text; /* the whole input, quoted in messages */
    size_t len;       /* its length */
    const char *p;    /* next byte to read */
    const char *end;  /* end of the input without trailing white space */
    char point;       /* '.', or ',' with decimal_comma */
    char group;       /* the other one */
    int max_scale;    /* most decimal places accepted */
    int signs;        /* markers seen: + - ( CR DR, trailing - */
    bool negative;    /* a marker meaning negative was seen */
    bool open;        /* '(' seen */
    bool closed;      /* ')' seen */
    bool pound;       /* "£" seen */
    int int_digits;   /* digits before the point, <= PARSE_INT_DIGITS_MAX */
    int frac_digits;  /* digits after the point, <= max_scale */
    /* the digits read, without separators or point; NUL-terminated */
    char digits[PARSE_INT_DIGITS_MAX + PB_AMOUNT_MAX_SCALE + 1];
    pb_error *err; /* where a failure is reported; may be NULL */
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool at_pound(const struct scan *s)
{
    return s->end - s->p >= 2 && (unsigned char)s->p[0] == 0xC2 &&
           (unsigned char)s->p[1] == 0xA3;
}

/* Whether p starts the case-insensitive word w (not NUL-terminated p). */
static bool at_word(const struct scan *s, const char *w)
{
    size_t n = strlen(w), i;

    if ((size_t)(s->end - s->p) < n)
        return false;
    for (i = 0; i < n; i++)
        if (upper(s->p[i]) != w[i])
            return false;
    return true;
}

#define FAIL(s, code, ...)                                                     \
    fail_text((s)->err, code, (s)->text, (s)->len, __VA_ARGS__)

static int unexpected(const struct scan *s)
{
    char quoted[QUOTE_TEXT_MAX * 4 + 4];

    quote(quoted, s->p, utf8_len(s->p, s->end));
    return FAIL(s, PB_EINVAL, "unexpected \"%s\"", quoted);
}

/* One sign marker; negative says what it means. */
static int take_sign(struct scan *s, bool negative)
{
    if (s->signs++ > 0)
        return FAIL(s, PB_EINVAL, "more than one sign");
    s->negative = negative;
    return PB_OK;
}

/* Signs, an opening bracket and "£", in any order, each at most once. */
static int scan_prefix(struct scan *s)
{
    int rc;

    while (s->p < s->end) {
        char c = *s->p;

        if (c == '+' || c == '-' || c == '(') {
            if ((rc = take_sign(s, c != '+')) != PB_OK)
                return rc;
            if (c == '(')
                s->open = true;
            s->p++;
        } else if (at_pound(s)) {
            if (s->pound)
                return unexpected(s);
            s->pound = true;
            s->p += 2;
        } else {
            break;
        }
    }
    return PB_OK;
}

/* Digits with optional regular grouping, then optionally the point and at
 * least one digit. */
static int scan_number(struct scan *s)
{
    int run = 0; /* digits since the last group separator */
    bool grouped = false;
    int n = 0;

    if (at_word(s, "NAN"))
        return FAIL(s, PB_EINVAL, "not a number");
    if (at_word(s, "INF"))
        return FAIL(s, PB_EINVAL, "infinity is not an amount");
    for (; s->p < s->end; s->p++) {
        char c = *s->p;

        if (is_digit(c)) {
            if (s->int_digits == PARSE_INT_DIGITS_MAX)
                return FAIL(s, PB_ERANGE,
                            "more than %d digits before the point",
                            PARSE_INT_DIGITS_MAX);
            s->digits[n++] = c;
            s->int_digits++;
            run++;
        } else if (c == s->group) {
            /* 1-3 digits first, then groups of exactly three. */
            if (grouped ? run != 3 : run == 0 || run > 3)
                return FAIL(s, PB_EINVAL, "misplaced thousands separator");
            grouped = true;
            run = 0;
        } else {
            break;
        }
    }
    if (grouped && run != 3)
        return FAIL(s, PB_EINVAL, "misplaced thousands separator");
    if (s->p < s->end && *s->p == s->point) {
        s->p++;
        for (; s->p < s->end && is_digit(*s->p); s->p++) {
            if (s->frac_digits == s->max_scale)
                return FAIL(s, PB_EINVAL, "more than %d decimal place%s",
                            s->max_scale, s->max_scale == 1 ? "" : "s");
            s->digits[n++] = *s->p;
            s->frac_digits++;
        }
        if (s->frac_digits == 0)
            return s->int_digits == 0
                       ? FAIL(s, PB_EINVAL, "no digits")
                       : FAIL(s, PB_EINVAL, "point with no digits after it");
    }
    s->digits[n] = '\0';
    return PB_OK;
}

/* Whether q starts the word CR or DR (any case). */
static bool at_cr_dr(const struct scan *s, const char *q)
{
    char a = s->end - q >= 2 ? upper(q[0]) : '\0';

    if ((a != 'C' && a != 'D') || upper(q[1]) != 'R')
        return false;
    return s->end - q == 2 || !(upper(q[2]) >= 'A' && upper(q[2]) <= 'Z');
}

/* The closing bracket, a trailing minus, CR or DR (space before optional). */
static int scan_suffix(struct scan *s)
{
    bool digits = s->int_digits + s->frac_digits > 0;
    int rc;

    while (s->p < s->end) {
        const char *q = s->p;
        char c = *q;

        while (q < s->end && is_space(*q))
            q++; /* never to the end: trailing space was trimmed */
        if (at_cr_dr(s, q)) {
            if ((rc = take_sign(s, upper(q[0]) == 'C')) != PB_OK)
                return rc;
            s->p = q + 2;
        } else if (c == ')') {
            if (!s->open || s->closed)
                return FAIL(s, PB_EINVAL, "unbalanced brackets");
            s->closed = true;
            s->p++;
        } else if (c == '-') {
            if ((rc = take_sign(s, true)) != PB_OK)
                return rc;
            s->p++;
        } else if ((c == 'e' || c == 'E') && digits) {
            return FAIL(s, PB_EINVAL, "exponent not allowed");
        } else if (c == s->point && digits) {
            return FAIL(s, PB_EINVAL, "more than one decimal point");
        } else if (c == s->group && digits) {
            return FAIL(s, PB_EINVAL, "misplaced thousands separator");
        } else {
            return unexpected(s);
        }
    }
    return PB_OK;
}

int pb_amount_parse(pb_amount *out, const char *text, size_t len,
                    const pb_amount_syntax *syntax, pb_error *err)
{
    static const pb_amount_syntax default_syntax = PB_AMOUNT_SYNTAX_DEFAULT;
    struct scan s;
    int rc;

    assert(out != NULL && (text != NULL || len == 0));
    if (syntax == NULL)
        syntax = &default_syntax;
    assert(SCALE_OK(syntax->max_scale));
    memset(&s, 0, sizeof s);
    s.text = text != NULL ? text : "";
    s.len = len;
    s.p = s.text;
    s.end = s.text + len;
    s.point = syntax->decimal_comma ? ',' : '.';
    s.group = syntax->decimal_comma ? '.' : ',';
    s.max_scale = syntax->max_scale;
    s.err = err;

    while (s.p < s.end && is_space(*s.p))
        s.p++;
    while (s.end > s.p && is_space(s.end[-1]))
        s.end--;
    if (s.p == s.end)
        return FAIL(&s, PB_EINVAL, "empty amount");
    if ((rc = scan_prefix(&s)) != PB_OK || (rc = scan_number(&s)) != PB_OK ||
        (rc = scan_suffix(&s)) != PB_OK)
        return rc;
    if (s.int_digits + s.frac_digits == 0)
        return FAIL(&s, PB_EINVAL, "no digits");
    if (s.open != s.closed)
        return FAIL(&s, PB_EINVAL, "unbalanced brackets");

    rc = mpz_set_str(out->units, s.digits, 10);
    assert(rc == 0);
    if (s.negative)
        mpz_neg(out->units, out->units);
    out->scale = s.frac_digits;
    return PB_OK;
}

/* ---- arithmetic --------------------------------------------------------- */

/*
 * out = a + b, or a - b if sub, at the larger scale.  The operand with the
 * smaller scale is scaled inside mpz_addmul_ui / mpz_submul_ui, so no
 * temporary is needed whichever of a and b out aliases.
 */
static void add_sub(pb_amount *out, const pb_amount *a, const pb_amount *b,
                    bool sub)
{
    void (*op)(mpz_ptr, mpz_srcptr, mpz_srcptr) = sub ? mpz_sub : mpz_add;
    void (*opmul)(mpz_ptr, mpz_srcptr, unsigned long) =
        sub ? mpz_submul_ui : mpz_addmul_ui;

    if (a->scale == b->scale) {
        op(out->units, a->units, b->units);
        out->scale = a->scale;
    } else if (a->scale < b->scale) {
        unsigned long p = pow10_ul[b->scale - a->scale];

        if (out == a) {
            mpz_mul_ui(out->units, a->units, p);
            op(out->units, out->units, b->units);
        } else {
            /* out = ±b + a x p */
            if (sub)
                mpz_neg(out->units, b->units);
            else
                mpz_set(out->units, b->units);
            mpz_addmul_ui(out->units, a->units, p);
        }
        out->scale = b->scale;
    } else {
        unsigned long p = pow10_ul[a->scale - b->scale];

        if (out == b) {
            mpz_mul_ui(out->units, b->units, p);
            op(out->units, a->units, out->units);
        } else {
            mpz_set(out->units, a->units);
            opmul(out->units, b->units, p);
        }
        out->scale = a->scale;
    }
}

void pb_amount_add(pb_amount *out, const pb_amount *a, const pb_amount *b)
{
    add_sub(out, a, b, false);
}

void pb_amount_sub(pb_amount *out, const pb_amount *a, const pb_amount *b)
{
    add_sub(out, a, b, true);
}

void pb_amount_neg(pb_amount *out, const pb_amount *a)
{
    mpz_neg(out->units, a->units);
    out->scale = a->scale;
}

void pb_amount_abs(pb_amount *out, const pb_amount *a)
{
    mpz_abs(out->units, a->units);
    out->scale = a->scale;
}

void pb_amount_mul_int(pb_amount *out, const pb_amount *a, long k)
{
    mpz_mul_si(out->units, a->units, k);
    out->scale = a->scale;
}

int pb_amount_cmp(const pb_amount *a, const pb_amount *b)
{
    int sa = mpz_sgn(a->units), sb = mpz_sgn(b->units);
    int c;
    mpz_t t;

    if (a->scale == b->scale)
        c = mpz_cmp(a->units, b->units);
    else if (sa != sb)
        c = sa - sb;
    else if (a->scale < b->scale) {
        mpz_init(t);
        mul_pow10(t, a->units, b->scale - a->scale);
        c = mpz_cmp(t, b->units);
        mpz_clear(t);
    } else {
        mpz_init(t);
        mul_pow10(t, b->units, a->scale - b->scale);
        c = mpz_cmp(a->units, t);
        mpz_clear(t);
    }
    return (c > 0) - (c < 0);
}

int pb_amount_sign(const pb_amount *a)
{
    return mpz_sgn(a->units);
}

bool pb_amount_is_zero(const pb_amount *a)
{
    return mpz_sgn(a->units) == 0;
}

void pb_amount_round(pb_amount *out, const pb_amount *a, int scale,
                     pb_rounding rule)
{
    assert(SCALE_OK(scale));
    if (a->scale <= scale)
        mul_pow10(out->units, a->units, scale - a->scale);
    else
        round_div_pow10(out->units, a->units, a->scale - scale, rule);
    out->scale = scale;
}

/* ---- units -------------------------------------------------------------- */

static int units_range_error(const pb_amount *a, int scale, pb_error *err)
{
    return fail_amount(err, PB_ERANGE, a,
                       "does not fit in 64 bits at %d decimal place%s", scale,
                       scale == 1 ? "" : "s");
}

/* The paths of pb_amount_get_units() that change scale or fail. */
static int get_units_slow(const pb_amount *a, int scale, int64_t *out,
                          pb_error *err)
{
    if (a->scale <= scale) {
        long p = (long)pow10_ul[scale - a->scale];
        long v;

        if (!mpz_fits_slong_p(a->units))
            return units_range_error(a, scale, err);
        v = mpz_get_si(a->units);
        if (v > INT64_MAX / p || v < INT64_MIN / p)
            return units_range_error(a, scale, err);
        *out = (int64_t)(v * p);
        return PB_OK;
    } else {
        unsigned long p = pow10_ul[a->scale - scale];
        int rc = PB_OK;
        mpz_t q;

        if (!mpz_divisible_ui_p(a->units, p))
            return fail_amount(err, PB_EINVAL, a,
                               "more than %d decimal place%s", scale,
                               scale == 1 ? "" : "s");
        mpz_init(q);
        mpz_divexact_ui(q, a->units, p);
        if (mpz_fits_slong_p(q))
            *out = (int64_t)mpz_get_si(q);
        else
            rc = units_range_error(a, scale, err);
        mpz_clear(q);
        return rc;
    }
}

int pb_amount_get_units(const pb_amount *a, int scale, int64_t *out,
                        pb_error *err)
{
    assert(SCALE_OK(scale));
    if (a->scale == scale && mpz_fits_slong_p(a->units)) {
        *out = (int64_t)mpz_get_si(a->units);
        return PB_OK;
    }
    return get_units_slow(a, scale, out, err);
}

/* ---- ratios ------------------------------------------------------------- */

void pb_ratio_init(pb_ratio *r)
{
    mpq_init(r->q);
}

void pb_ratio_clear(pb_ratio *r)
{
    if (r != NULL)
        mpq_clear(r->q);
}

void pb_ratio_set(pb_ratio *dst, const pb_ratio *src)
{
    if (dst != src)
        mpq_set(dst->q, src->q);
}

void pb_ratio_set_si(pb_ratio *r, long num, long den)
{
    assert(den != 0);
    /* Set by parts: mpq_set_si takes an unsigned denominator. */
    mpz_set_si(mpq_numref(r->q), num);
    mpz_set_si(mpq_denref(r->q), den);
    mpq_canonicalize(r->q);
}

void pb_ratio_set_amount(pb_ratio *r, const pb_amount *a)
{
    mpz_set(mpq_numref(r->q), a->units);
    mpz_set_ui(mpq_denref(r->q), 1);
    mul_pow10(mpq_denref(r->q), mpq_denref(r->q), a->scale);
    mpq_canonicalize(r->q);
}

int pb_ratio_div(pb_ratio *r, const pb_amount *num, const pb_amount *den,
                 pb_error *err)
{
    if (mpz_sgn(den->units) == 0)
        return pb_error_set(err, PB_ERANGE, "division by zero");
    /* (n / 10^sn) / (d / 10^sd) = n 10^sd / (d 10^sn) */
    mul_pow10(mpq_numref(r->q), num->units, den->scale);
    mul_pow10(mpq_denref(r->q), den->units, num->scale);
    mpq_canonicalize(r->q);
    return PB_OK;
}

void pb_ratio_mul(pb_ratio *out, const pb_ratio *a, const pb_ratio *b)
{
    mpq_mul(out->q, a->q, b->q);
}

int pb_ratio_cmp(const pb_ratio *a, const pb_ratio *b)
{
    int c = mpq_cmp(a->q, b->q);

    return (c > 0) - (c < 0);
}

int pb_ratio_sign(const pb_ratio *r)
{
    return mpq_sgn(r->q);
}

void pb_ratio_round(pb_amount *out, const pb_ratio *r, int scale,
                    pb_rounding rule)
{
    mpz_t n;

    assert(SCALE_OK(scale));
    mpz_init(n);
    mul_pow10(n, mpq_numref(r->q), scale);
    round_div(out->units, n, mpq_denref(r->q), rule);
    out->scale = scale;
    mpz_clear(n);
}

void pb_amount_mul_ratio(pb_amount *out, const pb_amount *a, const pb_ratio *r,
                         int scale, pb_rounding rule)
{
    mpz_t n, d;

    /* a x r at scale = units x num x 10^scale / (den x 10^a->scale) */
    assert(SCALE_OK(scale));
    mpz_init(n);
    mpz_init(d);
    mpz_mul(n, a->units, mpq_numref(r->q));
    if (scale >= a->scale) {
        mul_pow10(n, n, scale - a->scale);
        mpz_set(d, mpq_denref(r->q));
    } else {
        mul_pow10(d, mpq_denref(r->q), a->scale - scale);
    }
    round_div(out->units, n, d, rule);
    out->scale = scale;
    mpz_clear(n);
    mpz_clear(d);
}

void pb_ratio_percent(pb_amount *out, const pb_ratio *r, int places,
                      pb_rounding rule)
{
    mpz_t n;

    assert(SCALE_OK(places));
    mpz_init(n);
    mul_pow10(n, mpq_numref(r->q), places + 2);
    round_div(out->units, n, mpq_denref(r->q), rule);
    out->scale = places;
    mpz_clear(n);
}

/* ---- allocation --------------------------------------------------------- */

/* One part's share while allocating: floor of the exact share in units and
 * the remainder that ranks it for the leftover units. */
struct share {
    mpz_t q;      /* floor(T x w / S) */
    mpz_t r;      /* (T x w) mod S, 0 <= r < S */
    size_t index; /* position in parts[] */
};

/* Largest remainder first, then lower index: a total order, so the
 * unstable qsort still gives one answer. */
static int share_cmp(const void *x, const void *y)
{
    const struct share *a = *(const struct share *const *)x;
    const struct share *b = *(const struct share *const *)y;
    int c = mpz_cmp(b->r, a->r);

    if (c != 0)
        return c;
    return (a->index > b->index) - (a->index < b->index);
}

int pb_amount_allocate(pb_amount *parts, const pb_amount *total,
                       const pb_amount *weights, size_t n, int scale,
                       pb_error *err)
{
    struct share *shares, **order;
    bool negative = mpz_sgn(total->units) < 0;
    bool any = false;
    int wscale = 0;
    mpz_t t, s, w;
    size_t i, left;

    assert(parts != NULL && total != NULL && SCALE_OK(scale));
    assert(weights != NULL || n == 0);
    if (n == 0)
        return pb_error_set(err, PB_EINVAL,
                            "allocation needs at least one weight");
    for (i = 0; i < n; i++) {
        if (mpz_sgn(weights[i].units) < 0)
            return pb_error_set(err, PB_EINVAL, "weight %zu is negative",
                                i + 1);
        any = any || mpz_sgn(weights[i].units) > 0;
        if (weights[i].scale > wscale)
            wscale = weights[i].scale;
    }
    if (!any)
        return pb_error_set(err, PB_EINVAL, "all weights are zero");
    if (total->scale > scale &&
        !mpz_divisible_ui_p(total->units, pow10_ul[total->scale - scale]))
        return fail_amount(err, PB_EINVAL, total,
                           "total has more than %d decimal place%s", scale,
                           scale == 1 ? "" : "s");

    /* T = |total| in units of 10^-scale; S = sum of weights at wscale. */
    mpz_init(t);
    mpz_init(s);
    mpz_init(w);
    if (total->scale <= scale)
        mul_pow10(t, total->units, scale - total->scale);
    else
        mpz_divexact_ui(t, total->units, pow10_ul[total->scale - scale]);
    mpz_abs(t, t);
    for (i = 0; i < n; i++)
        mpz_addmul_ui(s, weights[i].units, pow10_ul[wscale - weights[i].scale]);

    shares = pb_xcalloc(n, sizeof *shares);
    order = pb_xcalloc(n, sizeof *order);
    mpz_set(w, t); /* w counts the units not yet given out */
    for (i = 0; i < n; i++) {
        struct share *sh = &shares[i];

        mpz_init(sh->q);
        mpz_init(sh->r);
        sh->index = i;
        order[i] = sh;
        mpz_mul_ui(sh->q, t, pow10_ul[wscale - weights[i].scale]);
        mpz_mul(sh->q, sh->q, weights[i].units);
        mpz_fdiv_qr(sh->q, sh->r, sh->q, s);
        mpz_sub(w, w, sh->q);
    }
    /* The remainders sum to left x S with each below S, so left < n and
     * every unit goes to a part with a non-zero remainder (weight). */
    assert(mpz_sgn(w) >= 0 && mpz_cmp_ui(w, n) < 0);
    left = mpz_get_ui(w);
    qsort(order, n, sizeof *order, share_cmp);
    for (i = 0; i < left; i++)
        mpz_add_ui(order[i]->q, order[i]->q, 1);

    /* Only now are the parts written: they may alias total or weights. */
    for (i = 0; i < n; i++) {
        if (negative)
            mpz_neg(parts[i].units, shares[i].q);
        else
            mpz_set(parts[i].units, shares[i].q);
        parts[i].scale = scale;
        mpz_clear(shares[i].q);
        mpz_clear(shares[i].r);
    }
    free(order);
    free(shares);
    mpz_clear(t);
    mpz_clear(s);
    mpz_clear(w);
    return PB_OK;
}

/* ---- formatting --------------------------------------------------------- */

static void put_grouped(pb_buf *out, const char *digits, size_t n, bool group)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (group && i > 0 && (n - i) % 3 == 0)
            pb_buf_putc(out, ',');
        pb_buf_putc(out, digits[i]);
    }
}

/*
 * Appends v x 10^-scale in style.  canonical: print every significant
 * place but at least two; otherwise exactly `scale` places (v has already
 * been rounded to them).
 */
static void emit(pb_buf *out, mpz_srcptr v, int scale, bool canonical,
                 const pb_amount_style *style)
{
    bool neg = mpz_sgn(v) < 0;
    bool brackets = neg && style->negative == PB_NEG_BRACKETS;
    size_t size = mpz_sizeinbase(v, 10) + (size_t)scale + 3;
    char local[128];
    char *buf = size <= sizeof local ? local : pb_xmalloc(size);
    char *digits = buf + scale + 1; /* room for zero padding in front */
    size_t nd, int_len, frac_len;

    mpz_get_str(digits, 10, v);
    if (neg)
        digits++;
    nd = strlen(digits);
    if (nd < (size_t)scale + 1) {
        /* 0.05 is "5" at scale 2: pad to "005" so there is an integer
         * digit. */
        size_t pad = (size_t)scale + 1 - nd;

        digits -= pad;
        memset(digits, '0', pad);
        nd += pad;
    }
    int_len = nd - (size_t)scale;
    frac_len = (size_t)scale;
    if (canonical)
        while (frac_len > PB_MONEY_SCALE &&
               digits[int_len + frac_len - 1] == '0')
            frac_len--;

    pb_buf_reserve(out, nd + nd / 3 + 8);
    if (neg && !brackets)
        pb_buf_putc(out, '-');
    if (brackets)
        pb_buf_putc(out, '(');
    if (style->currency)
        pb_buf_puts(out, "\xC2\xA3");
    put_grouped(out, digits, int_len, style->grouping);
    if (frac_len > 0 || canonical) {
        pb_buf_putc(out, '.');
        pb_buf_add(out, digits + int_len, frac_len);
        for (; canonical && frac_len < PB_MONEY_SCALE; frac_len++)
            pb_buf_putc(out, '0');
    }
    if (brackets)
        pb_buf_putc(out, ')');
    if (buf != local)
        free(buf);
}

void pb_amount_format(pb_buf *out, const pb_amount *a,
                      const pb_amount_style *style)
{
    static const pb_amount_style canonical = PB_AMOUNT_STYLE_CANONICAL;
    int scale;
    mpz_t r;

    if (style == NULL)
        style = &canonical;
    /* Dividing by 1,000 or 1,000,000 is exact: only the scale moves. */
    assert((unsigned)style->units <= PB_UNITS_MILLION);
    scale = a->scale + 3 * (int)style->units;
    if (style->places < 0) {
        emit(out, a->units, scale, true, style);
        return;
    }
    mpz_init(r);
    if (scale <= style->places)
        mul_pow10(r, a->units, style->places - scale);
    else
        round_div_pow10(r, a->units, scale - style->places, style->rounding);
    emit(out, r, style->places, false, style);
    mpz_clear(r);
}

void pb_amount_format_grouped(pb_buf *out, const pb_amount *a)
{
    static const pb_amount_style grouped = {
        2, PB_UNITS_ONE, PB_ROUND_HALF_UP, true, false, PB_NEG_MINUS};

    pb_amount_format(out, a, &grouped);
}

char *pb_amount_to_string(const pb_amount *a)
{
    pb_buf b = PB_BUF_INIT;

    pb_amount_format(&b, a, NULL);
    return pb_buf_detach(&b);
}
