/*
 * period.h - closing and reopening accounting periods.
 *
 * A closed period takes no entries: corrections go into an open period as
 * reversals.  Closing needs no reason (it is month-end routine); reopening
 * does, and both are written to the append-only period log with who and
 * when, so `poolbook check` can prove nothing was posted into a period
 * while it was closed.  Period arithmetic (which period a date is in) is
 * in date.h.
 */
#ifndef PB_PERIOD_H
#define PB_PERIOD_H

#include <stdbool.h>
#include <stdint.h>

#include "ledger/book.h"
#include "ledger/date.h"

/* Write transaction required.  PB_EREFUSED if already closed. */
int pb_period_close(pb_book *b, pb_period p, const char *reason,
                    pb_error *err);
/* Write transaction required.  PB_EINVAL without a reason, PB_EREFUSED if
 * the period is not closed. */
int pb_period_reopen(pb_book *b, pb_period p, const char *reason,
                     pb_error *err);
int pb_period_is_closed(pb_book *b, pb_period p, bool *closed,
                        pb_error *err);

typedef struct pb_period_info {
    pb_period period;
    bool closed;
    const char *changed_by; /* "" if never closed; borrowed */
    const char *changed_at;
    int64_t entries;        /* entries posted in the period */
} pb_period_info;

/* Calls fn for P0..P16 of financial year fy that are in use (P1..P12
 * always; P0 and P13..P16 only if they hold entries or were closed). */
int pb_period_each(pb_book *b, int fy,
                   int (*fn)(const pb_period_info *info, void *ud), void *ud,
                   pb_error *err);

typedef struct pb_period_log_info {
    pb_period period;
    const char *action; /* "close" or "reopen"; borrowed */
    const char *reason;
    const char *by;
    const char *at;
} pb_period_log_info;

/* Calls fn for every close and reopen, oldest first. */
int pb_period_log_each(pb_book *b,
                       int (*fn)(const pb_period_log_info *info, void *ud),
                       void *ud, pb_error *err);

#endif
