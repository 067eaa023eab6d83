/*
 * profile.h - spreading an annual budget over the twelve months.
 *
 * Contents
 *   pb_profile_spread  split an amount over P1..P12 (or Pn..P12) by weights
 *   named profiles     weights kept in the book under a name; "flat" is
 *                      built in (equal weights) and cannot be redefined
 *
 * A spread is exact: the months sum to the annual amount to the penny, and
 * each month is within one penny of its exact share (largest remainder,
 * pb_amount_allocate, ties to the earlier month): £1,000,000.01 flat is
 * five months of £83,333.34 (P1-P5) and seven of £83,333.33, never a
 * month that "rounds" the total away.  Weights are exact decimals
 * (never binary floating point): 1/12 each for flat, or e.g. the share of
 * last year's spend in each month.
 */
#ifndef PB_PROFILE_H
#define PB_PROFILE_H

#include <stdint.h>

#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/pool.h"

#define PB_MONTHS 12 /* P1..P12; index 0 is P1 */

/*
 * months[0..12) = annual split by weights[first-1..12); months before
 * `first` (1..12) are zero, whatever their weights.  weights NULL means
 * flat.  months must be initialised; they get PB_MONEY_SCALE places.
 * PB_EINVAL when annual has more than 2 decimal places, a weight is
 * negative, or every weight from P`first` on is zero; months unchanged.
 */
int pb_profile_spread(pb_amount months[PB_MONTHS], const pb_amount *annual,
                      const pb_amount weights[PB_MONTHS], int first,
                      pb_error *err);

/*
 * Checks that months sum exactly to annual; PB_EINVAL otherwise, naming
 * both sums and the difference ("the months add up to 1,000.00, not
 * 1,000.01 (short by 0.01)").
 */
int pb_profile_check_sum(const pb_amount months[PB_MONTHS],
                         const pb_amount *annual, pb_error *err);

/* True if `name` means the built-in flat profile (NULL, "" or "flat"). */
int pb_profile_is_flat(const char *name);

/*
 * The weights of profile `name` (initialised amounts, overwritten); flat
 * gives twelve 1s.  PB_ENOTFOUND with a suggestion for an unknown name.
 */
int pb_profile_get(pb_book *b, const char *name, pb_amount weights[PB_MONTHS],
                   pb_error *err);

typedef struct pb_profile_def {
    const char *name;          /* 1..40 of letters, digits, . _ - / & */
    const char *description;   /* may be NULL */
    const pb_amount *weights;  /* [PB_MONTHS], each >= 0, not all zero */
} pb_profile_def;

/*
 * Adds or updates a named profile (write transaction).  Changing the
 * weights of a profile does not change budgets already spread with it:
 * budget changes keep their months.  The change is logged (pool.h).
 * PB_EINVAL for a bad name, "flat", or bad weights.
 */
int pb_profile_put(pb_book *b, const pb_profile_def *def, int64_t batch_id,
                   pb_put_result *out, pb_error *err);

typedef struct pb_profile_info {
    const char *name;          /* borrowed for the callback's duration */
    const char *description;
    const pb_amount *weights;  /* [PB_MONTHS] */
} pb_profile_info;

/* Calls fn for each named profile in name order (flat is not listed). */
int pb_profile_each(pb_book *b,
                    int (*fn)(const pb_profile_info *info, void *ud),
                    void *ud, pb_error *err);

#endif
