/*
 * batch.c - batch rows: opened before the entries that point at them,
 * frozen at the end of the same transaction.
 */
#include "ledger/batch.h"

#include <assert.h>

int pb_batch_begin(pb_book *b, const pb_batch_info *info, int64_t *id_out,
                   pb_error *err)
{
    pb_stmt *st;
    char now[PB_TIMESTAMP_LEN];
    int rc;

    assert(pb_book_in_write_tx(b));
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO batch (kind, source, sha256, size,"
                         " detail, created_by, created_at, first_entry)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?,"
                         " (SELECT coalesce(max(id), 0) + 1 FROM entry))",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, info->kind);
    pb_stmt_bind_text(st, 2, info->source != NULL ? info->source : "");
    pb_stmt_bind_text(st, 3, info->sha256);
    if (info->size >= 0)
        pb_stmt_bind_int(st, 4, info->size);
    pb_stmt_bind_text(st, 5, info->detail != NULL ? info->detail : "");
    pb_stmt_bind_text(st, 6, pb_book_user(b));
    pb_stmt_bind_text(st, 7, pb_book_timestamp(b, now));
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        return rc;
    *id_out = pb_book_last_id(b);
    return PB_OK;
}

int pb_batch_finish(pb_book *b, int64_t id, int64_t rows, int64_t entries,
                    const char *note, pb_error *err)
{
    pb_stmt *st;
    int rc;

    assert(pb_book_in_write_tx(b));
    rc = pb_book_prepare(b, &st,
                         "UPDATE batch SET rows = ?, entries = ?, note = ?,"
                         " status = 'done', last_entry ="
                         " (SELECT coalesce(max(id), 0) FROM entry)"
                         " WHERE id = ? AND status = 'open'",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, rows);
    pb_stmt_bind_int(st, 2, entries);
    pb_stmt_bind_text(st, 3, note != NULL ? note : "");
    pb_stmt_bind_int(st, 4, id);
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        return rc;
    if (pb_book_changes(b) != 1)
        return pb_error_set(err, PB_EREFUSED, "batch %lld is not open",
                            (long long)id);
    return PB_OK;
}
