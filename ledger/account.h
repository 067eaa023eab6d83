/*
 * account.h - the chart of accounts.
 *
 * An account has a code (what postings and files use: "5100", "EXP-REABLE")
 * and a hierarchical name whose segments are separated by ':'
 * ("Expenditure:Reablement"), so reports can roll balances up by prefix.
 * Its type says where it sits in the accounts and which sign is natural:
 * assets and expenditure carry debit (positive) balances; liabilities,
 * equity and income carry credit (negative) balances.  A closed account
 * takes no further postings.  Accounts are never deleted.
 */
#ifndef PB_ACCOUNT_H
#define PB_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "ledger/book.h"

typedef enum pb_account_type {
    PB_ACCOUNT_ASSET = 0,
    PB_ACCOUNT_LIABILITY,
    PB_ACCOUNT_EQUITY,
    PB_ACCOUNT_INCOME,
    PB_ACCOUNT_EXPENDITURE
} pb_account_type;

/* "asset", "liability", "equity", "income", "expenditure". */
const char *pb_account_type_name(pb_account_type t);
int pb_account_type_parse(pb_account_type *out, const char *text,
                          pb_error *err);
/* Infers the type from the first segment of a name: Assets, Liabilities,
 * Equity/Reserves, Income/Revenue, Expenditure/Expenses.  PB_ENOTFOUND if
 * the segment says nothing. */
int pb_account_type_infer(pb_account_type *out, const char *name);

/* Checks a hierarchical name: segments non-empty, no surrounding spaces,
 * no control characters, at most 200 bytes. */
int pb_account_name_check(const char *name, pb_error *err);

/* Adds an account.  Write transaction required.  PB_EEXISTS if the code
 * or the name is taken, PB_EINVAL for a malformed code or name. */
int pb_account_add(pb_book *b, const char *code, const char *name,
                   pb_account_type type, int64_t *id_out, pb_error *err);

/* Closes an account.  Refused (PB_EREFUSED) unless its balance is zero,
 * the refusal naming the balance. */
int pb_account_close(pb_book *b, const char *code, pb_error *err);

/* Finds an account by code, or else by full name.  PB_ENOTFOUND with a
 * suggestion when something close exists. */
int pb_account_find(pb_book *b, const char *code_or_name, int64_t *id_out,
                    pb_error *err);

typedef struct pb_account_info {
    int64_t id;
    const char *code; /* borrowed for the callback's duration */
    const char *name;
    pb_account_type type;
    bool closed;
} pb_account_info;

/* Calls fn for every account in name order; a non-zero return from fn
 * stops and is returned. */
int pb_account_each(pb_book *b,
                    int (*fn)(const pb_account_info *info, void *ud),
                    void *ud, pb_error *err);

#endif
