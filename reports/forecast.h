/*
 * forecast.h - forecasts as data: the forecast outturn officers record for
 * each budget line at each month-end, kept for ever.
 *
 * Contents
 *   pb_forecast_set   record a line's forecast for a period (a correction
 *                     is a new record; the same figure again is nothing)
 *   pb_forecast_each  the forecasts in force (newest per line and period),
 *                     or every record, optionally as known on a date
 *
 * A forecast is the year-end outturn a line is expected to reach, stated
 * at the end of period P1..P12 of the line's year, signed like budgets
 * (expenditure positive, income negative: a forecast of (15.28) is
 * -15.28).  Budget-monitoring compares it with the line's current budget;
 * a line with no forecast recorded for the period is taken at its current
 * budget (the report says how many).  Nothing is ever overwritten: each
 * recording is a row with who, when and the batch, so last month's report
 * can be rebuilt exactly, including the movement since the month before,
 * and `--known-at DATE` shows the forecasts as they were known on DATE,
 * before later corrections.
 */
#ifndef PB_FORECAST_H
#define PB_FORECAST_H

#include <stdbool.h>
#include <stdint.h>

#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/budget.h"
#include "ledger/date.h"
#include "ledger/pool.h"

typedef struct pb_forecast_def {
    pb_budget_key key;       /* the budget line; key.fy is the period's year */
    pb_period period;        /* P1..P12 of key.fy: the month-end it is for */
    const pb_amount *amount; /* forecast outturn for the year, whole pence */
    const char *note;        /* NULL: not given (compared by amount only) */
} pb_forecast_def;

/*
 * Records def in the current write transaction (batch_id: the batch the
 * record names, 0 for none).  *out (may be NULL):
 *   PB_PUT_UNCHANGED  the forecast in force for (line, period) is already
 *                     this amount (and this note, when a note is given):
 *                     nothing is written, so a reload changes nothing;
 *   PB_PUT_ADDED      the first forecast of the line for the period;
 *   PB_PUT_UPDATED    a correction: a new record that supersedes the old.
 * Errors, located at the field of the files: PB_EINVAL for a period
 * outside P1..P12 or outside the line's year ("period"), an amount with
 * more than 2 places ("amount"); PB_ENOTFOUND for an unknown code, or a
 * line with no budget (the message lists the scheme's lines, so a
 * forecast given per scheme for a scheme budgeted per stream or partner
 * says which keys to give).  On error nothing is written.
 */
int pb_forecast_set(pb_book *b, const pb_forecast_def *def, int64_t batch_id,
                    pb_put_result *out, pb_error *err);

typedef struct pb_forecast_query {
    const char *pool;   /* code; NULL = every pool */
    int fy;             /* 0 = every year */
    pb_period period;   /* 0 = every period */
    const char *scheme; /* filters by code; NULL = all */
    const char *stream;
    const char *partner;
    bool has_known_at; /* only records made on or before known_at */
    pb_date known_at;
    bool history; /* every record, not only those in force */
} pb_forecast_query;

/* Every forecast in force now, every pool. */
void pb_forecast_query_init(pb_forecast_query *q);

typedef struct pb_forecast_info {
    int64_t id, line_id;
    const char *pool; /* the line's key: codes, "" for none */
    int fy;
    const char *scheme, *stream, *partner;
    pb_period period;
    const pb_amount *amount;
    const char *note;
    int64_t batch_id; /* 0 if none */
    const char *recorded_by, *recorded_at;
    bool in_force; /* the newest record of (line, period), as of
                      q->known_at when given */
} pb_forecast_info;

/*
 * Calls fn for each forecast matching q, by period, then line in report
 * order (pool, scheme, stream, partner), then record.  Strings and the
 * amount are borrowed for the callback.  A non-zero return from fn stops
 * and is returned.  PB_ENOTFOUND for an unknown filter code.
 */
int pb_forecast_each(pb_book *b, const pb_forecast_query *q,
                     int (*fn)(const pb_forecast_info *f, void *ud), void *ud,
                     pb_error *err);

#endif
