/*
 * period.c - period state and its log.
 */
#include "ledger/period.h"

#include <assert.h>
#include <string.h>

#include "ledger/journal_int.h"

int pb_period_is_closed(pb_book *b, pb_period p, bool *closed, pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(
        b, &st, "SELECT closed FROM period_state WHERE period = ?", err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, p);
    rc = pb_stmt_step(st, err);
    *closed = rc == PB_ROW && pb_stmt_int(st, 0) != 0;
    pb_stmt_release(st);
    return rc < 0 ? rc : PB_OK;
}

static int change(pb_book *b, pb_period p, bool close, const char *reason,
                  pb_error *err)
{
    pb_stmt *st;
    char now[PB_TIMESTAMP_LEN], ps[PB_PERIOD_STR_LEN];
    bool closed;
    int rc;

    assert(pb_book_in_write_tx(b));
    if (pb_period_num(p) < 0 || pb_period_num(p) > PB_PERIOD_MAX)
        return pb_error_set(err, PB_EINVAL, "no period %d", (int)p);
    pb_period_str(p, pb_book_fy_start(b), ps);
    if ((rc = pb_period_is_closed(b, p, &closed, err)) != PB_OK)
        return rc;
    if (close && closed)
        return pb_error_set(err, PB_EREFUSED, "period %s is already closed",
                            ps);
    if (!close && !closed)
        return pb_error_set(err, PB_EREFUSED, "period %s is not closed", ps);
    if (!close && (reason == NULL || *reason == '\0'))
        return pb_error_set(err, PB_EINVAL,
                            "reopening period %s needs a reason", ps);
    pb_book_timestamp(b, now);
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO period_state (period, closed,"
                         " changed_by, changed_at) VALUES (?, ?, ?, ?)"
                         " ON CONFLICT (period) DO UPDATE SET"
                         " closed = excluded.closed,"
                         " changed_by = excluded.changed_by,"
                         " changed_at = excluded.changed_at",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, p);
    pb_stmt_bind_int(st, 2, close ? 1 : 0);
    pb_stmt_bind_text(st, 3, pb_book_user(b));
    pb_stmt_bind_text(st, 4, now);
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO period_log (period, action, reason, by,"
                         " at, last_entry) VALUES (?, ?, ?, ?, ?,"
                         " (SELECT coalesce(max(id), 0) FROM entry))",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, p);
    pb_stmt_bind_text(st, 2, close ? "close" : "reopen");
    pb_stmt_bind_text(st, 3, reason != NULL ? reason : "");
    pb_stmt_bind_text(st, 4, pb_book_user(b));
    pb_stmt_bind_text(st, 5, now);
    rc = pb_stmt_run(st, err);
    pb_journal__invalidate(b);
    return rc;
}

int pb_period_close(pb_book *b, pb_period p, const char *reason,
                    pb_error *err)
{
    return change(b, p, true, reason, err);
}

int pb_period_reopen(pb_book *b, pb_period p, const char *reason,
                     pb_error *err)
{
    return change(b, p, false, reason, err);
}

int pb_period_each(pb_book *b, int fy,
                   int (*fn)(const pb_period_info *info, void *ud), void *ud,
                   pb_error *err)
{
    pb_stmt *st;
    pb_period_info info;
    int rc = pb_book_prepare(
        b, &st,
        "WITH RECURSIVE p(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM p"
        " WHERE n < 16)"
        " SELECT ?1 * 100 + n AS period,"
        " coalesce(s.closed, 0), coalesce(s.changed_by, ''),"
        " coalesce(s.changed_at, ''),"
        " (SELECT count(*) FROM entry e WHERE e.period = ?1 * 100 + n)"
        " FROM p LEFT JOIN period_state s ON s.period = ?1 * 100 + n"
        " ORDER BY n",
        err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, fy);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        info.period = (pb_period)pb_stmt_int(st, 0);
        info.closed = pb_stmt_int(st, 1) != 0;
        info.changed_by = pb_stmt_text(st, 2);
        info.changed_at = pb_stmt_text(st, 3);
        info.entries = pb_stmt_int(st, 4);
        if ((pb_period_num(info.period) == 0 ||
             pb_period_num(info.period) > 12) &&
            info.entries == 0 && info.changed_at[0] == '\0')
            continue;
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_period_log_each(pb_book *b,
                       int (*fn)(const pb_period_log_info *info, void *ud),
                       void *ud, pb_error *err)
{
    pb_stmt *st;
    pb_period_log_info info;
    int rc = pb_book_prepare(b, &st,
                             "SELECT period, action, reason, by, at"
                             " FROM period_log ORDER BY id",
                             err);

    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        info.period = (pb_period)pb_stmt_int(st, 0);
        info.action = pb_stmt_text(st, 1);
        info.reason = pb_stmt_text(st, 2);
        info.by = pb_stmt_text(st, 3);
        info.at = pb_stmt_text(st, 4);
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}
