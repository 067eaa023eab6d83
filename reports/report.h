/*
 * report.h - the reports poolbook computes, and the options they share.
 *
 * Contents
 *   pb_report_opts           as-at period or date, period range, units,
 *                            places, rounding, dimension filters...
 *   pb_report_trial_balance  every account's balance in its natural column
 *   pb_report_ledger         postings of an account, scheme or stream over
 *                            a period range, with running balance
 *
 * Each report reads the book (in one read transaction of its own when the
 * caller has none open, so every figure comes from one snapshot), computes
 * a pb_table (table.h) and stops there: printing is the renderers' job.
 * On success *out is a table the caller frees with pb_table_free(); on
 * failure *out is NULL unless the function says otherwise, and err says
 * why: PB_ENOTFOUND for an unknown account or dimension code (with a
 * suggestion), PB_EUSAGE for options that make no sense together, or the
 * book's own error.
 *
 * As at: --period P means everything up to the end of P; P12 also takes
 * the year-end adjustment periods P13-P16 (as `poolbook balance` does).
 * --as-of DATE means everything dated up to and including DATE.  Neither:
 * everything in the book.
 */
#ifndef PB_REPORT_H
#define PB_REPORT_H

#include <stdbool.h>

#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/date.h"
#include "ledger/dim.h"
#include "ledger/error.h"
#include "reports/table.h"

typedef struct pb_report_opts {
    /* The pool reported on (pool reports); NULL: none given. */
    const char *pool;
    /* As at the end of `period`, or of day `as_of` (not both); neither:
     * everything in the book. */
    bool has_period;
    pb_period period;
    bool has_as_of;
    pb_date as_of;
    /* First period of a range (ledger). */
    bool has_from;
    pb_period from;
    /* Units, else the report's default; places of amounts, -1 for the
     * units' usual (£ 2, £000 0, £M 2); the one rule for printing. */
    bool has_units;
    pb_units units;
    int places;
    pb_rounding rounding;
    /* Stream, scheme, partner, cost-centre codes; NULL = all. */
    const char *filter[PB_DIM_COUNT];
    /* Account code, full name or name prefix ("Expenditure" takes
     * Expenditure:*); NULL = all. */
    const char *account;
    /* Trial balance: levels of account-name groups with subtotals, 0 =
     * none. */
    int depth;
} pb_report_opts;

/* Everything in the book, £ with 2 places, half-up, no filters. */
void pb_report_opts_init(pb_report_opts *o);

/*
 * Trial balance: per account with a balance or any posting in range, its
 * balance in the natural column - Debit if positive, Credit if negative -
 * the other blank (both blank for a zero balance); a total row whose two
 * columns are equal for any whole book.  With o->depth = N, accounts are
 * grouped by the first 1..N segments of their names (Expenditure,
 * Expenditure:Care...) under heading rows with subtotals.  Takes the
 * dimension filters; with a filter the columns need not agree (an entry's
 * postings may carry different dimensions) and a note gives the
 * difference.
 *
 * Unfiltered totals that disagree mean the book is corrupt: the table is
 * still returned in *out, with a note saying so, and the result is
 * PB_ECORRUPT with the same message - print the table, then the error.
 */
int pb_report_trial_balance(pb_table **out, pb_book *b, const pb_report_opts *o,
                            pb_error *err);

/*
 * Ledger: the postings of o->account (code, name or name prefix) and/or
 * of the dimension filters, in periods o->from .. as-at (default from:
 * P0 of the as-at year; everything when no as-at is given), in date and
 * entry order: date, entry, description, account, analysis (dimension
 * codes), debit, credit and the running balance.  The first row is the
 * opening balance (all matching postings before `from`, read from the
 * balance cache), the last the debit and credit totals with the closing
 * balance: opening + debits - credits.  PB_EUSAGE without an account or a
 * filter, or when from is after the as-at period.
 */
int pb_report_ledger(pb_table **out, pb_book *b, const pb_report_opts *o,
                     pb_error *err);

#endif
