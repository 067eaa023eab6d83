/*
 * balance.h - balances by account, optionally by a dimension, as at a
 * period or a date, read from the per-period balance cache.
 *
 * The cache holds one row per (period, account, dimensions), so a balance
 * costs the number of cache rows in range, not the number of postings: a
 * book of millions of postings answers as fast as a small one.  Only an
 * as-at date that falls inside a period reads postings, and then only
 * those of that one period.
 */
#ifndef PB_BALANCE_H
#define PB_BALANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "ledger/account.h"
#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/date.h"
#include "ledger/dim.h"

typedef struct pb_balance_query {
    pb_period from;     /* first period included; 0 = from the start */
    pb_period to;       /* last period included (ignored with as_of) */
    bool has_as_of;     /* true: up to and including date as_of */
    pb_date as_of;
    int group_by;       /* -1: by account only; else a pb_dim_kind */
    int64_t filter[PB_DIM_COUNT]; /* dimension id to keep, 0 = all */
    const char *account; /* NULL = all; else an account name prefix:
                            "Expenditure" keeps Expenditure and
                            Expenditure:* */
} pb_balance_query;

/* Everything up to and including `to`, by account. */
void pb_balance_query_init(pb_balance_query *q);

typedef struct pb_balance_row {
    int64_t account_id;
    const char *account_code; /* borrowed for the callback's duration */
    const char *account_name;
    pb_account_type account_type;
    const char *dim_code;     /* with group_by: "" for postings without */
    const char *dim_name;
    const pb_amount *debit;   /* turnover, >= 0 */
    const pb_amount *credit;  /* turnover, >= 0 */
    const pb_amount *balance; /* debit - credit */
} pb_balance_row;

/* Calls fn for each (account[, dimension value]) with postings in range,
 * in account-name then dimension-code order.  A non-zero return from fn
 * stops and is returned. */
int pb_balance_each(pb_book *b, const pb_balance_query *q,
                    int (*fn)(const pb_balance_row *row, void *ud), void *ud,
                    pb_error *err);

#endif
