/*
 * rag.h - Red/Amber/Green flags for forecast variances, from thresholds
 * each pool configures per level, stored in the book.
 *
 * Contents
 *   pb_rag_level      line, scheme, area, total: the rows a rule applies to
 *   pb_rag_rule       a Red threshold and an Amber threshold
 *   pb_rag_classify   the flag of one variance against one budget
 *   pb_rag_set / get  record a pool's rule for a level; the rule in force
 *   pb_rag_describe   the rule in words, for the report's notes
 *
 * A variance is forecast - budget with net budgets (expenditure positive,
 * income negative), so a positive variance is adverse whatever the line:
 * spending more than budgeted, or receiving less income.  A threshold is a
 * percentage of the budget's magnitude and/or an amount in pounds, both
 * exact decimals (no binary floating point anywhere), combined:
 *   lower   "whichever is lower": crossing either part is enough;
 *   higher  "whichever is higher": both parts must be crossed.
 * "Crossing" is reaching or exceeding: an adverse variance v crosses
 * p% when v x 100 >= p x |budget|, and an amount A when v >= A.  For a
 * budget of zero any adverse variance crosses the percentage (it is
 * infinitely many per cent of nothing).
 *
 * The flag: Green when the variance is zero or favourable; otherwise Red
 * when it crosses the Red threshold, else Amber when it crosses the Amber
 * threshold (an Amber threshold with neither part, the default, is
 * crossed by any adverse variance), else Green.  The published default,
 * used for any pool and level without a recorded rule:
 *   Red = adverse >= 5% of budget or >= £100,000, whichever is lower;
 *   Amber = any other adverse; Green = on budget or favourable.
 *
 * Rules are data: recorded append-only with who, when and the batch;
 * the newest recorded (on or before a date, when asked) is in force.
 */
#ifndef PB_RAG_H
#define PB_RAG_H

#include <stdbool.h>
#include <stdint.h>

#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/date.h"
#include "ledger/pool.h"
#include "reports/table.h"

typedef enum pb_rag_level {
    PB_RAG_LINE = 0, /* "line": one budget line */
    PB_RAG_SCHEME,   /* "scheme": a scheme (its lines together) */
    PB_RAG_AREA,     /* "area": a group of schemes (subtotals) */
    PB_RAG_TOTAL,    /* "total": the pool (the total row) */
    PB_RAG_LEVEL_COUNT
} pb_rag_level;

const char *pb_rag_level_name(pb_rag_level level);
/* "line", "scheme", "area", "total" in any case.  PB_EINVAL listing them. */
int pb_rag_level_parse(pb_rag_level *out, const char *text, pb_error *err);

typedef enum pb_rag_combine {
    PB_RAG_LOWER = 0, /* "lower": either part crossed is enough */
    PB_RAG_HIGHER     /* "higher": both parts must be crossed */
} pb_rag_combine;

const char *pb_rag_combine_name(pb_rag_combine c);
int pb_rag_combine_parse(pb_rag_combine *out, const char *text, pb_error *err);

typedef struct pb_rag_threshold {
    bool has_percent;
    pb_amount percent; /* of |budget|: 5 means 5%; exact, >= 0 */
    bool has_amount;
    pb_amount amount; /* pounds, whole pence, >= 0 */
    pb_rag_combine combine;
} pb_rag_threshold;

typedef struct pb_rag_rule {
    pb_rag_threshold red;   /* at least one part */
    pb_rag_threshold amber; /* neither part: any adverse variance */
    bool is_default;        /* the published default, not a recorded rule */
    char recorded_by[64];   /* of a recorded rule, else "" */
    char recorded_at[PB_TIMESTAMP_LEN];
    char note[128]; /* truncated copy of the recorded note */
} pb_rag_rule;

/* Initialises r to the published default (5%, £100,000, lower; Amber any
 * adverse).  Pair with pb_rag_rule_clear. */
void pb_rag_rule_init(pb_rag_rule *r);
void pb_rag_rule_clear(pb_rag_rule *r); /* NULL-safe */
void pb_rag_rule_set(pb_rag_rule *dst, const pb_rag_rule *src);

/* The flag of `variance` (positive adverse) against `budget` (signed). */
pb_indicator pb_rag_classify(const pb_rag_rule *r, const pb_amount *variance,
                             const pb_amount *budget);

/*
 * Checks a rule: the Red threshold has a part; percentages are between 0
 * and 1000 with at most 4 decimal places; amounts are >= 0 in whole
 * pence.  PB_EINVAL naming the option ("red-percent", "amber-amount"...)
 * in the error's field.
 */
int pb_rag_rule_check(const pb_rag_rule *r, pb_error *err);

/*
 * Records r as pool `pool`'s rule at `level` (write transaction
 * required).  *out: PB_PUT_UNCHANGED if the rule in force is already
 * exactly r (nothing written; the default counts: setting the default on
 * a pool that never had a rule writes nothing), else PB_PUT_ADDED (first
 * rule of the level) or PB_PUT_UPDATED.  `note` may be NULL.
 */
int pb_rag_set(pb_book *b, const char *pool, pb_rag_level level,
               const pb_rag_rule *r, const char *note, int64_t batch_id,
               pb_put_result *out, pb_error *err);

/* The rule in force for pool_id at `level`: the newest recorded (on or
 * before *known_at when not NULL), else the default.  out initialised. */
int pb_rag_get(pb_book *b, int64_t pool_id, pb_rag_level level,
               const pb_date *known_at, pb_rag_rule *out, pb_error *err);

typedef struct pb_rag_info {
    int64_t id;
    const char *pool;
    pb_rag_level level;
    const pb_rag_rule *rule;
    const char *note;
    int64_t batch_id;
    bool in_force; /* the newest of its pool and level */
} pb_rag_info;

/* Every recorded rule (pool code NULL: every pool), by pool, level, then
 * record.  A non-zero return from fn stops and is returned. */
int pb_rag_each(pb_book *b, const char *pool,
                int (*fn)(const pb_rag_info *info, void *ud), void *ud,
                pb_error *err);

/* Appends the rule in words: "Red: adverse >= 5% of budget or >=
 * £100,000, whichever is lower; Amber: any other adverse; Green: on
 * budget or favourable". */
void pb_rag_describe(pb_buf *out, const pb_rag_rule *r);

#endif
