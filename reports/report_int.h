/*
 * report_int.h - what the reports share (report.c).  Not public.
 */
#ifndef PB_REPORT_INT_H
#define PB_REPORT_INT_H

#include <stdint.h>

#include "ledger/date.h"

#include "ledger/balance.h"
#include "reports/report.h"

/* The dimension filters of o resolved against the book. */
typedef struct pb_report__dims {
    int64_t id[PB_DIM_COUNT]; /* 0 = no filter */
    bool any;                 /* some filter given */
} pb_report__dims;

/*
 * Applies the options every report shares to t: the as-at period and
 * date, units, places and rounding; resolves the dimension filters to ids
 * and lists them in t as "Funding stream: DFG - Disabled Facilities
 * Grant".  PB_ENOTFOUND for an unknown code (with a suggestion).
 */
int pb_report__common(pb_table *t, pb_book *b, const pb_report_opts *o,
                      pb_report__dims *dims, pb_error *err);

/* Sets q's range and as-at date from o (q initialised by the caller). */
void pb_report__as_at(pb_book *b, const pb_report_opts *o, pb_balance_query *q);

/* The period o is as at: its period, the period of its date, or
 * PB_REPORT__ALL when it has neither. */
#define PB_REPORT__ALL ((pb_period)(PB_YEAR_MAX * 100 + PB_PERIOD_MAX))
pb_period pb_report__to(pb_book *b, const pb_report_opts *o);

/* Opens a read transaction unless one is open; *opened says whether to
 * roll it back when done. */
int pb_report__begin(pb_book *b, bool *opened, pb_error *err);

/* ---- pool reports ------------------------------------------------------- */

/* What a pool report is about, resolved from the options. */
typedef struct pb_report__pool {
    int64_t id;        /* the pool */
    char *code, *name; /* owned */
    int fy_start;      /* the book's first month */
    int fy;            /* the as-at financial year */
    pb_period period;  /* the as-at month-end, P1..P12 */
    pb_date as_at;     /* budgets as they stood at the end of this day */
    pb_period to;      /* periods P0..to come from the balance cache */
    pb_period part;    /* 0, or one more period read from postings ... */
    char part_date[PB_DATE_ISO_LEN]; /* ... dated on or before this */
    pb_report__dims dims;            /* the filters */
    const pb_date *known_at; /* forecasts and rules as recorded on or
                                before (NULL: all) - points into opts */
} pb_report__pool;

/*
 * Resolves what every pool report needs and applies the common options to
 * t (as pb_report__common), naming the pool in t.  The pool is o->pool or,
 * when the book has exactly one, that one (PB_EUSAGE listing the pools
 * otherwise); an as-at --period P1..P12 (P13-P16 read as P12) or --as-of
 * is required (PB_EUSAGE).  Stream and scheme filters must be of the pool
 * (PB_ENOTFOUND); a cost-centre filter is refused (PB_EUSAGE: budgets are
 * not kept by cost centre).  On success free with pb_report__pool_clear.
 */
int pb_report__pool_open(pb_table *t, pb_book *b, const pb_report_opts *o,
                         pb_report__pool *p, pb_error *err);
void pb_report__pool_clear(pb_report__pool *p); /* NULL-safe */

/* "P06": the short name of a period, for column titles. */
const char *pb_report__pname(pb_period p, char buf[8]);

/* Income and expenditure to date, summed from the balance cache. */
typedef struct pb_report__ie pb_report__ie;

/* Which dimensions pb_report__ie_read keeps apart (others are summed). */
enum {
    PB_REPORT__STREAM = 1 << PB_DIM_STREAM,
    PB_REPORT__SCHEME = 1 << PB_DIM_SCHEME,
    PB_REPORT__PARTNER = 1 << PB_DIM_PARTNER
};

/*
 * Sums every income and expenditure posting of the pool report's range
 * (P0 of its year to the as-at point; p->dims filters applied) by the
 * dimensions in `group`.  Cost: the cache rows of the year in range, plus
 * one period's postings for a date inside a period; never a scan of all
 * postings.  *out is the caller's to free (pb_report__ie_free).
 */
int pb_report__ie_read(pb_report__ie **out, pb_book *b,
                       const pb_report__pool *p, unsigned group,
                       pb_error *err);
void pb_report__ie_free(pb_report__ie *ie); /* NULL-safe */

/* The sums of one group (ids of the grouped dimensions, 0 for "none";
 * ungrouped ones ignored): income = credits - debits of income accounts,
 * spend = debits - credits of expenditure accounts (zero if no posting).
 * Either output may be NULL; outputs initialised by the caller. */
void pb_report__ie_get(const pb_report__ie *ie, int64_t stream,
                       int64_t scheme, int64_t partner, pb_amount *income,
                       pb_amount *spend);
/* The groups, in no particular order: ids[PB_DIM_COUNT] of group i. */
size_t pb_report__ie_count(const pb_report__ie *ie);
void pb_report__ie_key(const pb_report__ie *ie, size_t i,
                       int64_t ids[PB_DIM_COUNT]);

/* Dimension codes and names by id (streams, schemes, partners of the
 * book), filled on first use; borrowed strings, "" when unknown. */
typedef struct pb_report__names pb_report__names;
int pb_report__names_new(pb_report__names **out, pb_book *b, pb_error *err);
void pb_report__names_free(pb_report__names *n); /* NULL-safe */
const char *pb_report__code(const pb_report__names *n, int64_t id);
const char *pb_report__name(const pb_report__names *n, int64_t id);
/* The id of a code of `kind`, 0 when unknown ("" is 0). */
int64_t pb_report__id(const pb_report__names *n, pb_dim_kind kind,
                      const char *code);

#endif
