/*
 * budget.h - budgets as data: lines, their versioned changes, virements,
 * planned contributions and prior-year outturns; and the queries the
 * reports make of them.
 *
 * Contents
 *   pb_budget_key     what a budget is set for: (pool, fy, scheme, stream,
 *                     partner); stream and partner are optional
 *   pb_budget_set     record a line's base budget from a date (the first
 *                     one is its original budget, later ones adjustments)
 *   pb_virement_add   record a virement: legs that move budget between
 *                     lines and net to zero
 *   contributions     planned contribution per (pool, fy, partner, stream)
 *   outturns          actual outturn per line key and year
 *   queries           every line as at a date (original, adjustments,
 *                     virements, current, months); one line; the history
 *
 * Versioning.  Nothing here is ever overwritten: each change of a line's
 * budget is a row with the date it takes effect from (budget_change,
 * append-only), so the budget "as at" any date is the sum of the changes
 * effective on or before it, and a month-end report can be re-run later
 * exactly as it stood.  Words:
 *   original    the first budget set for the line;
 *   base        original + adjustments: what budget setting approved (the
 *               figure a budgets file states, see pb_budget_set);
 *   current     base + virements: what spending is monitored against.
 * Signs: expenditure budgets positive, income budgets negative (a net
 * budget "(15.28)").  All amounts are whole pence; months are P1..P12
 * (profile.h) and always sum exactly to their amount.
 */
#ifndef PB_BUDGET_H
#define PB_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/date.h"
#include "ledger/pool.h"
#include "ledger/profile.h"

/* Codes, as files name them; stream and partner NULL or "" for none. */
typedef struct pb_budget_key {
    const char *pool;    /* pool code */
    int fy;              /* 2024 = 2024-25 */
    const char *scheme;  /* a scheme of the pool */
    const char *stream;  /* a stream of the pool, or none */
    const char *partner; /* a partner, or none */
} pb_budget_key;

/* ---- base budgets ------------------------------------------------------- */

typedef struct pb_budget_def {
    pb_budget_key key;
    pb_date effective;        /* from when it applies: the approval date, or
                                 the first day of the year */
    const pb_amount *amount;  /* the line's base budget for the year */
    const pb_amount *months;  /* [PB_MONTHS], summing exactly to amount;
                                 or NULL to spread by `profile` */
    const char *profile;      /* NULL, "" or "flat", or a named profile */
    const char *note;         /* may be NULL */
} pb_budget_def;

/*
 * States that from `effective` the line's base budget (original plus
 * adjustments, not counting virements) is `amount`, spread over the months
 * as given.  What is recorded:
 *   - the line has no base budget yet: an 'original' change (the line is
 *     created if need be); *out PB_PUT_ADDED;
 *   - the base budget as at `effective` already is exactly that, month by
 *     month: nothing; *out PB_PUT_UNCHANGED (so loading a file twice, or
 *     an old file after a later change, changes nothing);
 *   - otherwise, if `effective` is after the line's latest base change:
 *     an 'adjustment' of the difference (amount and each month), so the
 *     base budget from then on is what was asked; *out PB_PUT_UPDATED;
 *   - otherwise it is refused (PB_EREFUSED): a budget is never rewritten
 *     back in time, since month-ends already reported would change.
 * The pool must cover the year (its first_fy..last_fy).  PB_EINVAL for a
 * bad amount (more than 2 decimal places), months that do not sum to the
 * amount, or a bad profile; PB_ENOTFOUND for an unknown code.  Needs a
 * write transaction; on error nothing of the call is written.
 */
int pb_budget_set(pb_book *b, const pb_budget_def *def, int64_t batch_id,
                  pb_put_result *out, pb_error *err);

/* ---- virements ---------------------------------------------------------- */

typedef struct pb_virement_leg {
    pb_budget_key key;
    const pb_amount *amount;  /* signed: + into the line, - out of it */
    const pb_amount *months;  /* [PB_MONTHS] or NULL: spread by profile */
    const char *profile;      /* NULL/""/"flat": flat over the months from
                                 the virement's month to P12 (P1 if the
                                 virement predates the year); a named
                                 profile: its weights over those months */
} pb_virement_leg;

typedef struct pb_virement_def {
    const char *ref;      /* unique: "VIR-2024-01" (code characters) */
    pb_date date;         /* approval date; the legs take effect on it */
    const char *reason;   /* required */
    const char *approval; /* approval reference (board minute), or NULL */
    const pb_virement_leg *legs;
    size_t nlegs;         /* at least 2 */
} pb_virement_def;

/*
 * Records a virement.  Its legs must sum to exactly zero (PB_EUNBALANCED
 * naming the amounts moved in and out and the difference), name distinct
 * lines, move a non-zero amount each, and fall in years the pool covers
 * (a virement dated after a year's end is refused for that year).  A leg
 * may name a line that has no budget yet (it is created).
 * Idempotent by ref: the same virement again is PB_PUT_UNCHANGED; a
 * different one under a ref already recorded is refused (PB_EREFUSED: a
 * recorded virement is never changed; record another that moves the budget
 * back).  On a leg's error *bad_leg (may be NULL) is its 1-based index, 0
 * when the error concerns the whole virement.
 */
int pb_virement_add(pb_book *b, const pb_virement_def *def, int64_t batch_id,
                    pb_put_result *out, size_t *bad_leg, pb_error *err);

/* ---- contributions and outturns ----------------------------------------- */

typedef struct pb_contribution_def {
    const char *pool;
    int fy;
    const char *partner;      /* required */
    const char *stream;       /* or NULL / "" */
    const pb_amount *amount;  /* planned, whole pence */
    const char *note;         /* may be NULL */
} pb_contribution_def;

/* Adds or updates (logging the change) one planned contribution. */
int pb_contribution_put(pb_book *b, const pb_contribution_def *def,
                        int64_t batch_id, pb_put_result *out, pb_error *err);

typedef struct pb_outturn_def {
    pb_budget_key key;        /* key.fy is the year the outturn is of */
    const pb_amount *amount;  /* actual outturn, whole pence */
} pb_outturn_def;

/* Adds or updates (logging the change) one outturn.  The year need not be
 * one the pool covers: the prior year's outturn often predates it. */
int pb_outturn_put(pb_book *b, const pb_outturn_def *def, int64_t batch_id,
                   pb_put_result *out, pb_error *err);

/* ---- queries ------------------------------------------------------------ */

typedef struct pb_budget_query {
    const char *pool;    /* pool code; NULL = every pool */
    int fy;              /* 0 = every year */
    bool has_as_of;      /* budgets as they stood at the end of as_of */
    pb_date as_of;
    const char *scheme;  /* filters by code; NULL = all */
    const char *stream;
    const char *partner;
} pb_budget_query;

/* Every line, every year, as things stand now. */
void pb_budget_query_init(pb_budget_query *q);

typedef struct pb_budget_row {
    int64_t line_id;
    const char *pool;         /* codes, borrowed for the callback */
    int fy;
    const char *scheme, *scheme_name, *area;
    const char *stream;       /* "" for none */
    const char *partner;      /* "" for none */
    const pb_amount *original;
    const pb_amount *adjustments;
    const pb_amount *virements;
    const pb_amount *current;  /* original + adjustments + virements */
    const pb_amount *months;   /* [PB_MONTHS]: current, by month */
} pb_budget_row;

/*
 * Calls fn for each line matching q that has a budget as at q's date, in
 * report order: pool, year, scheme display order, stream display order
 * (lines without a stream first), partner code.  A non-zero return from fn
 * stops and is returned.  PB_ENOTFOUND for an unknown filter code.
 */
int pb_budget_each(pb_book *b, const pb_budget_query *q,
                   int (*fn)(const pb_budget_row *row, void *ud), void *ud,
                   pb_error *err);

/* The line with this key; PB_ENOTFOUND if it has never had a budget. */
int pb_budget_line_find(pb_book *b, const pb_budget_key *key,
                        int64_t *line_out, pb_error *err);

/*
 * One line's original and current budget, and the current months, as they
 * stood at the end of *as_of (NULL: now).  Outputs must be initialised;
 * any may be NULL.  The function the reports call per line.
 */
int pb_budget_line_amounts(pb_book *b, int64_t line_id, const pb_date *as_of,
                           pb_amount *original, pb_amount *current,
                           pb_amount months[PB_MONTHS], pb_error *err);

typedef struct pb_budget_change_info {
    int64_t id, line_id;
    const char *pool;         /* the line's key, codes ("" for none) */
    int fy;
    const char *scheme, *stream, *partner;
    const char *kind;         /* "original", "adjustment", "virement" */
    pb_date effective;
    const pb_amount *amount;
    const pb_amount *months;  /* [PB_MONTHS] */
    const char *note;
    int64_t batch_id;         /* 0 if none */
    const char *recorded_by, *recorded_at;
    /* Virement legs only ("" / 0 otherwise): */
    const char *virement_ref, *virement_reason, *virement_approval;
} pb_budget_change_info;

/* Every change of the lines matching q (as_of: changes effective on or
 * before it), line by line in report order, then by effective date. */
int pb_budget_change_each(pb_book *b, const pb_budget_query *q,
                          int (*fn)(const pb_budget_change_info *c, void *ud),
                          void *ud, pb_error *err);

/* Virement legs of lines matching q, by virement (date, ref), then in the
 * order the legs were given. */
int pb_virement_each(pb_book *b, const pb_budget_query *q,
                     int (*fn)(const pb_budget_change_info *c, void *ud),
                     void *ud, pb_error *err);

typedef struct pb_budget_base_row {
    const pb_budget_row *line; /* key fields only (amounts unset) */
    pb_date effective;
    const pb_amount *amount;   /* base budget from `effective` */
    const pb_amount *months;   /* [PB_MONTHS] */
    const char *note;          /* of the newest change that day */
} pb_budget_base_row;

/* For each line matching q and each date on which its base budget changed,
 * the base budget from that date: exactly the rows of a budgets file that
 * pb_budget_set would find unchanged. */
int pb_budget_base_each(pb_book *b, const pb_budget_query *q,
                        int (*fn)(const pb_budget_base_row *r, void *ud),
                        void *ud, pb_error *err);

typedef struct pb_contribution_info {
    const char *pool;
    int fy;
    const char *partner, *stream; /* stream "" for none */
    const pb_amount *amount;
    const char *note;
} pb_contribution_info;

/* Planned contributions of q's pool and year (other filters: partner and
 * stream), by pool, year, partner, stream display order. */
int pb_contribution_each(pb_book *b, const pb_budget_query *q,
                         int (*fn)(const pb_contribution_info *c, void *ud),
                         void *ud, pb_error *err);

typedef struct pb_outturn_info {
    const char *pool;
    int fy;
    const char *scheme, *stream, *partner; /* "" for none */
    const pb_amount *amount;
} pb_outturn_info;

/* Outturns matching q (q->fy is the year of the outturn), in report
 * order. */
int pb_outturn_each(pb_book *b, const pb_budget_query *q,
                    int (*fn)(const pb_outturn_info *o, void *ud), void *ud,
                    pb_error *err);

#endif
