/*
 * amount.h - exact decimal money over GMP.
 *
 * Contents
 *   pb_amount        an exact decimal: units x 10^-scale, units an mpz_t
 *   pb_ratio         an exact rational (shares, percentages, quotients)
 *   pb_rounding      the named rounding rules; rounding happens only here
 *   parse            the forms finance exports use, strictly
 *   arithmetic       add, sub, neg, abs, mul by integer, compare
 *   ratios           exact division, multiplication by a ratio, rounding
 *   allocation       split a total by weights, to the penny, largest remainder
 *   formatting       canonical, grouped, bracketed, £000 / £M, percentages
 *
 * This is the only module that calls GMP.  Every other module holds and
 * combines money through these functions; no float or double ever carries
 * an amount.  Values are exact: add, sub, neg, compare and multiplication by
 * an integer never round.  Rounding happens only in the functions that take
 * a pb_rounding argument, and each of those rounds exactly once.
 *
 * Ownership: pb_amount and pb_ratio are embedded values.  Initialise with
 * pb_amount_init() / pb_ratio_init() before any other use, copy with
 * pb_amount_set() (never with `=`), release with pb_amount_clear() /
 * pb_ratio_clear(), which accept NULL.  Output arguments may alias inputs.
 * Out of memory aborts (GMP's own policy).
 */
#ifndef PB_AMOUNT_H
#define PB_AMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "ledger/buf.h"
#include "ledger/error.h"

/* Most decimal places an amount may carry (parse limit and scale limit). */
#define PB_AMOUNT_MAX_SCALE 18

/* Decimal places of the book's money: pennies. */
#define PB_MONEY_SCALE 2

typedef struct pb_amount {
    mpz_t units; /* the value times 10^scale */
    int scale;   /* decimal places held, 0..PB_AMOUNT_MAX_SCALE */
} pb_amount;

typedef struct pb_ratio {
    mpq_t q; /* canonical (lowest terms, positive denominator) */
} pb_ratio;

/*
 * Rounding rules.  The names are what users type (--rounding half-even) and
 * what reports print in their notes.
 */
typedef enum pb_rounding {
    PB_ROUND_HALF_UP = 0, /* "half-up": ties away from zero (the default):
                             0.125 -> 0.13, -0.125 -> -0.13 */
    PB_ROUND_HALF_EVEN,   /* "half-even": ties to the even digit (banker's):
                             0.125 -> 0.12, 0.135 -> 0.14 */
    PB_ROUND_DOWN,        /* "down": toward zero (truncation) */
    PB_ROUND_UP,          /* "up": away from zero */
    PB_ROUND_FLOOR,       /* "floor": toward minus infinity */
    PB_ROUND_CEILING      /* "ceiling": toward plus infinity */
} pb_rounding;

/* Parses a rule name ("half-up", "half-even", "down", "up", "floor",
 * "ceiling").  Returns PB_OK, or PB_EINVAL naming the accepted names. */
int pb_rounding_parse(pb_rounding *out, const char *name, pb_error *err);
/* The rule's name as pb_rounding_parse() accepts it. */
const char *pb_rounding_name(pb_rounding rule);

/* ---- life cycle -------------------------------------------------------- */

void pb_amount_init(pb_amount *a); /* zero, scale 0 */
void pb_amount_clear(pb_amount *a); /* NULL-safe */
void pb_amount_set(pb_amount *dst, const pb_amount *src);
void pb_amount_set_zero(pb_amount *a);
/* a = units x 10^-scale; e.g. (12345, 2) is 123.45.  0 <= scale <= max. */
void pb_amount_set_units(pb_amount *a, int64_t units, int scale);
/* a += units x 10^-scale, without a temporary.  The hot path of sums. */
void pb_amount_add_units(pb_amount *a, int64_t units, int scale);

/*
 * Reads the value as a whole number of 10^-scale units (pence for scale 2).
 * Returns PB_OK; PB_EINVAL if the value has non-zero digits beyond `scale`
 * places ("more than 2 decimal places"); PB_ERANGE if it does not fit in
 * int64_t.  *out is unchanged on failure.
 */
int pb_amount_get_units(const pb_amount *a, int scale, int64_t *out,
                        pb_error *err);

/* ---- parsing ----------------------------------------------------------- */

typedef struct pb_amount_syntax {
    int max_scale;      /* most decimal places accepted (0..max) */
    bool decimal_comma; /* "1.234,56": ',' is the point, '.' groups */
} pb_amount_syntax;

/* max_scale PB_MONEY_SCALE, decimal point. */
#define PB_AMOUNT_SYNTAX_DEFAULT {PB_MONEY_SCALE, false}

/*
 * Parses text[0..len) (need not be NUL-terminated) into *out.  Leading and
 * trailing white space is ignored.  Accepted, with the decimal point:
 *
 *   1234.56   -1234.56   +1234.56   1,234.56   .5   0
 *   (1,234.56)                  brackets mean negative
 *   £1,234.56  -£1,234.56  £-1,234.56  £(1,234.56)   (UTF-8 pound sign)
 *   1234.56-                    trailing minus
 *   1234.56 CR   1234.56 DR     CR negative (credit), DR positive; any case,
 *                               space before them optional
 *
 * With decimal_comma the roles of '.' and ',' swap ("-1.234,56").
 * Grouping, when present, must be regular: 1-3 leading digits, then groups
 * of exactly three.  The result has exactly as many decimal places as the
 * text ("1.50" has scale 2).
 *
 * Refused with PB_EINVAL and a message saying why: empty text; more than
 * one sign (e.g. "-(1.00)", "(1.00) CR", "--1", "1.00--"); unbalanced
 * brackets; misplaced grouping ("1,23,4", "12,34.5", "1,2345"); a point
 * with no digits after it ("5."); exponents ("1e5"); "nan", "inf";
 * more decimal places than syntax->max_scale; any other character.
 * *out is unchanged on failure.  NULL syntax means the default.
 */
int pb_amount_parse(pb_amount *out, const char *text, size_t len,
                    const pb_amount_syntax *syntax, pb_error *err);

/* ---- arithmetic (exact) ------------------------------------------------ */

/* Results carry the larger of the operands' scales. */
void pb_amount_add(pb_amount *out, const pb_amount *a, const pb_amount *b);
void pb_amount_sub(pb_amount *out, const pb_amount *a, const pb_amount *b);
void pb_amount_neg(pb_amount *out, const pb_amount *a);
void pb_amount_abs(pb_amount *out, const pb_amount *a);
void pb_amount_mul_int(pb_amount *out, const pb_amount *a, long k);

/* <0, 0, >0 as a < b, a == b, a > b, whatever their scales. */
int pb_amount_cmp(const pb_amount *a, const pb_amount *b);
/* -1, 0 or +1. */
int pb_amount_sign(const pb_amount *a);
bool pb_amount_is_zero(const pb_amount *a);

/*
 * Rounds a to `scale` decimal places with `rule`; out has that scale.
 * If a already has at most `scale` places the value is unchanged (only the
 * scale grows).
 */
void pb_amount_round(pb_amount *out, const pb_amount *a, int scale,
                     pb_rounding rule);

/* ---- ratios ------------------------------------------------------------ */

void pb_ratio_init(pb_ratio *r); /* zero */
void pb_ratio_clear(pb_ratio *r); /* NULL-safe */
void pb_ratio_set(pb_ratio *dst, const pb_ratio *src);
/* r = num / den; den != 0. */
void pb_ratio_set_si(pb_ratio *r, long num, long den);
/* r = the exact value of a. */
void pb_ratio_set_amount(pb_ratio *r, const pb_amount *a);
/* r = num / den exactly.  PB_ERANGE ("division by zero") if den is zero,
 * r unchanged. */
int pb_ratio_div(pb_ratio *r, const pb_amount *num, const pb_amount *den,
                 pb_error *err);
void pb_ratio_mul(pb_ratio *out, const pb_ratio *a, const pb_ratio *b);
int pb_ratio_cmp(const pb_ratio *a, const pb_ratio *b);
int pb_ratio_sign(const pb_ratio *r);

/* out = r rounded to `scale` places with `rule` (rounded once, exactly). */
void pb_ratio_round(pb_amount *out, const pb_ratio *r, int scale,
                    pb_rounding rule);
/* out = a x r, rounded once to `scale` places with `rule`. */
void pb_amount_mul_ratio(pb_amount *out, const pb_amount *a,
                         const pb_ratio *r, int scale, pb_rounding rule);
/* out = 100 x r rounded to `places` (0.382 -> 38.20 at 2 places). */
void pb_ratio_percent(pb_amount *out, const pb_ratio *r, int places,
                      pb_rounding rule);

/* ---- allocation -------------------------------------------------------- */

/*
 * Splits `total` into n parts in proportion to `weights` (contributions,
 * percentages: any non-negative amounts, at least one non-zero), each part
 * at `scale` places (PB_MONEY_SCALE for pennies).
 *
 * Largest-remainder method: every part first gets its exact share
 * total x w[i] / sum(w) rounded toward zero; the units still unallocated
 * (fewer than n) go one each to the parts with the largest remainders,
 * ties to the lower index.  So the parts sum exactly to total, each part
 * is within one unit (10^-scale) of its exact share, a zero weight gets
 * zero, and the result depends only on the inputs.  A negative total is
 * split as the negation of the split of its magnitude.
 *
 * parts[0..n) must be initialised; they are overwritten.  Returns PB_OK,
 * or PB_EINVAL (n == 0, a negative weight, all weights zero, or total has
 * more than `scale` places), parts unchanged.
 */
int pb_amount_allocate(pb_amount *parts, const pb_amount *total,
                       const pb_amount *weights, size_t n, int scale,
                       pb_error *err);

/* ---- formatting -------------------------------------------------------- */

typedef enum pb_units {
    PB_UNITS_ONE = 0,  /* pounds */
    PB_UNITS_THOUSAND, /* £000: value / 1,000 */
    PB_UNITS_MILLION   /* £M: value / 1,000,000 */
} pb_units;

typedef enum pb_negative {
    PB_NEG_MINUS = 0, /* -1,234.56 */
    PB_NEG_BRACKETS   /* (1,234.56) */
} pb_negative;

typedef struct pb_amount_style {
    int places;           /* decimal places printed; < 0: canonical (every
                             significant place, at least 2) */
    pb_units units;       /* divide by 1, 1,000 or 1,000,000 first */
    pb_rounding rounding; /* rule for dropping places */
    bool grouping;        /* thousands separators "," */
    bool currency;        /* a leading "£" (after "-" or inside brackets) */
    pb_negative negative; /* how a negative value is shown */
} pb_amount_style;

/* Canonical: "-1234.56", "0.00", "12.345" - what the book hashes and what
 * JSON carries.  Parses back to the same value. */
#define PB_AMOUNT_STYLE_CANONICAL                                              \
    {-1, PB_UNITS_ONE, PB_ROUND_HALF_UP, false, false, PB_NEG_MINUS}

/*
 * Appends a to out in `style` (NULL = canonical).  Scaling and rounding are
 * done exactly, once.  A value that rounds to zero prints without a sign
 * ("0.00", never "-0.00" or "(0.00)"): callers that need the sign of the
 * unrounded value (the F/A marker) take it from pb_amount_sign().
 */
void pb_amount_format(pb_buf *out, const pb_amount *a,
                      const pb_amount_style *style);

/* Grouped to the penny, rounded half-up, with a minus: "-1,234.56" - how
 * messages and listings show money. */
void pb_amount_format_grouped(pb_buf *out, const pb_amount *a);

/* Canonical text into a fresh pb_buf-free string the caller frees. */
char *pb_amount_to_string(const pb_amount *a);

#endif
