/*
 * report.h - the reports poolbook computes, and the options they share.
 *
 * Contents
 *   pb_report_opts           as-at period or date, period range, units,
 *                            places, rounding, dimension filters...
 *   pb_report_trial_balance  every account's balance in its natural column
 *   pb_report_ledger         postings of an account, scheme or stream over
 *                            a period range, with running balance
 *   pb_report_running_balances  table A: income, spend to date, % spent
 *                            and balance per funding stream of a pool
 *   pb_report_budget_monitoring table B: budget, forecast, variance F/A,
 *                            movement, RAG, actual, prior-year outturn
 *   pb_report_schemes        table D: each scheme's value, spend and
 *                            variance by partner
 *   pb_report_pool           table E: planned contributions by partner
 *                            and stream beside those received
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
 *
 * The pool reports (running balances, budget monitoring, schemes, pool)
 * need a pool (o->pool, or the book's only pool) and an as-at point
 * (--period P1..P12, or --as-of): they cover the financial year to that
 * point.  They are reproducible: budgets are those in force at the end of
 * the as-at day, forecasts those recorded for the as-at period (and, with
 * o->has_known_at, recorded on or before known_at), RAG rules likewise;
 * postings come from the balance cache (plus, for an --as-of date inside
 * a period, that one period's postings up to the date).
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

/* How budget-monitoring and pool lay out their rows. */
typedef enum pb_report_by {
    PB_BY_DEFAULT = 0, /* the report's own default */
    PB_BY_SCHEME,      /* one row per scheme */
    PB_BY_AREA,        /* schemes grouped by area, with subtotals */
    PB_BY_LINE,        /* one row per budget line, grouped by scheme */
    PB_BY_STREAM,      /* pool: one row per contribution, stream order */
    PB_BY_PARTNER      /* pool: contributions grouped by partner */
} pb_report_by;

/* "scheme", "area", "line", "stream", "partner". */
const char *pb_report_by_name(pb_report_by by);
int pb_report_by_parse(pb_report_by *out, const char *text, pb_error *err);

/* What the schemes report shows as each partner's spend. */
typedef enum pb_report_spend {
    PB_SPEND_AUTO = 0, /* actual at P12 (the year-end), else forecast */
    PB_SPEND_ACTUAL,   /* net income and expenditure posted to date */
    PB_SPEND_FORECAST  /* forecast outturn for the period */
} pb_report_spend;

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
    /* Row layout (budget-monitoring, pool). */
    pb_report_by by;
    /* Forecasts and RAG rules as recorded on or before this day. */
    bool has_known_at;
    pb_date known_at;
    /* Schemes: actual or forecast spend. */
    pb_report_spend spend;
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

/*
 * Running balances (DOMAIN layout A): for each funding stream of the pool,
 * in display order, zero rows kept: Income (net credits to income
 * accounts with that stream, from P0 of the year to the as-at point),
 * Expenditure to date (net debits to expenditure accounts), Percentage
 * spent (spend / income; blank where income is zero), Balance (income -
 * spend); a total row whose percentage is total spend / total income.
 * Income and spend without a stream, if any, get a row of their own with
 * a note.  A hidden column holds each stream's profiled budget to date
 * (its budget lines' months P1..as-at period) for the HTML chart of spend
 * against profile.  Default units: £, no pence, with "£".  Filters:
 * stream (one row), scheme, partner.
 */
int pb_report_running_balances(pb_table **out, pb_book *b,
                               const pb_report_opts *o, pb_error *err);

/*
 * Budget monitoring (DOMAIN layout B), one row per scheme (o->by scheme,
 * the default), per scheme within area headings with subtotals (area), or
 * per budget line within scheme headings (line): Current budget (as at
 * the as-at day), Forecast outturn (recorded for the as-at period; else
 * the current budget, counted in a note), Forecast variance (forecast -
 * budget, positive adverse, F/A), Variance at the previous period (its
 * forecast against its budget, both as they stood then), Movement
 * (variance - previous variance, F/A), RAG (the pool's rule for the row's
 * level, reports/rag.h), Improving / Deteriorating arrow (from the
 * movement's sign), Actual to date (net income and expenditure posted
 * with the scheme), Prior-year outturn (outturns of the year before).
 * Subtotals and the total are sums of the unrounded detail rows; their
 * RAG uses the area and total rules.  P1 has no previous period: those
 * columns are blank.  Filters: stream, scheme, partner.
 */
int pb_report_budget_monitoring(pb_table **out, pb_book *b,
                                const pb_report_opts *o, pb_error *err);

/*
 * Scheme performance by partner (DOMAIN layout D): per scheme a heading
 * (name, host - or "budgets not pooled" for an aligned scheme - and
 * budget manager), a row per partner with its annual value (current
 * budget of its lines), share of the scheme's value (percent, rounded
 * for show only), spend and variance (spend - value, worded overspend or
 * underspend), and the scheme's subtotal; a total.  Spend is actual
 * (posted to date) at P12 and forecast outturn before it, unless
 * o->spend says which.  Filters: scheme, partner.
 */
int pb_report_schemes(pb_table **out, pb_book *b, const pb_report_opts *o,
                      pb_error *err);

/*
 * Pool composition (DOMAIN layout E): the planned contributions of the
 * pool's year by partner and stream (stream display order; o->by partner
 * groups them under partner headings with subtotals), with Received to
 * date (net credits to income accounts with that partner and stream)
 * and the percentage received; income from a partner and stream with no
 * planned contribution gets a row of its own.  Total row.  Filters:
 * stream, partner.
 */
int pb_report_pool(pb_table **out, pb_book *b, const pb_report_opts *o,
                   pb_error *err);

#endif
