/*
 * report_int.h - what the reports share (report.c).  Not public.
 */
#ifndef PB_REPORT_INT_H
#define PB_REPORT_INT_H

#include <stdint.h>

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

#endif
