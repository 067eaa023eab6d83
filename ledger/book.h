/*
 * book.h - the book of record: one SQLite file, and the only door to it.
 *
 * Contents
 *   open / close       create a book (0600) or open one, migrating it
 *   transactions       begin (IMMEDIATE, queued behind other writers),
 *                      commit (runs the modules' pre-commit flushes), rollback
 *   configuration      financial-year start, the acting user, timestamps
 *   statements         prepared, cached, parameters bound with ? only
 *
 * Every other module reads and writes the book through pb_stmt: SQL text is
 * always a constant in the program, and values from outside are bound as
 * parameters, never spliced into SQL.  This file's implementation is the
 * only one that includes <sqlite3.h>.
 *
 * Money in the book is INTEGER pence (PB_MONEY_SCALE places), exact; SQL
 * sums of money use the GMP-backed aggregate pb_sum(), which returns the
 * exact decimal text, so no sum can overflow or round.
 */
#ifndef PB_BOOK_H
#define PB_BOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/amount.h"
#include "ledger/error.h"

typedef struct pb_book pb_book;
typedef struct pb_stmt pb_stmt;

/* Flags for pb_book_open(). */
enum {
    PB_BOOK_CREATE = 1 << 0,  /* create a new book; refuse if the file exists */
    PB_BOOK_READONLY = 1 << 1 /* open for reading only; no migration */
};

/* pb_stmt_step() results. */
enum { PB_DONE = 0, PB_ROW = 1 };

#define PB_TIMESTAMP_LEN 24 /* "2026-11-24T09:30:00Z" + NUL, with room */

/*
 * Opens the book at path.  With PB_BOOK_CREATE the file must not exist: it
 * is created readable and writable by its owner only (0600; SQLite gives
 * the -wal and -shm files the same mode), the schema is installed and the
 * financial year starts in April.  Without it the file must exist and be a
 * poolbook book: another SQLite file, or a book written by a newer poolbook
 * (schema version above PB_SCHEMA_VERSION), is refused with PB_EVERSION.
 * An older book is migrated in one transaction (unless READONLY).
 *
 * The connection runs with foreign keys on, WAL journaling, synchronous=
 * FULL and a busy timeout ($POOLBOOK_BUSY_TIMEOUT ms, default 10000), so
 * two officers writing at once queue rather than fail.
 *
 * On success *out is the caller's to pb_book_close(); on error *out is NULL.
 * A book may be used from one thread at a time only (its connection is
 * opened without SQLite's per-call locking).
 */
int pb_book_open(pb_book **out, const char *path, unsigned flags,
                 pb_error *err);
/* Rolls back an unfinished transaction and closes.  NULL-safe. */
void pb_book_close(pb_book *b);

const char *pb_book_path(const pb_book *b);
/* The schema version this program writes. */
int pb_book_schema_version(void);

/* ---- transactions -----------------------------------------------------
 * Every command that writes does all its work between one pb_book_begin()
 * and one pb_book_commit(): all of it lands or none of it does.  Nested
 * begin is a programming error. */

/* BEGIN IMMEDIATE: takes the write lock, waiting up to the busy timeout.
 * PB_EBUSY if another writer kept it longer. */
int pb_book_begin(pb_book *b, pb_error *err);
/* A read transaction: a consistent snapshot for a report. */
int pb_book_begin_read(pb_book *b, pb_error *err);
/* Runs the registered pre-commit flushes, then COMMIT.  On any failure the
 * whole transaction is rolled back and the error returned. */
int pb_book_commit(pb_book *b, pb_error *err);
/* Abandons the transaction (no-op outside one). */
void pb_book_rollback(pb_book *b);
bool pb_book_in_tx(const pb_book *b);
bool pb_book_in_write_tx(const pb_book *b);

/* ---- configuration ---------------------------------------------------- */

/* First month of the financial year, 1..12 (4 = April, the default). */
int pb_book_fy_start(const pb_book *b);
/* Changes it; refused (PB_EREFUSED) once the book holds entries. */
int pb_book_set_fy_start(pb_book *b, int month, pb_error *err);

/* Who is acting: set by the caller, else $POOLBOOK_USER, $USER, or the
 * login name.  Borrowed. */
const char *pb_book_user(const pb_book *b);
void pb_book_set_user(pb_book *b, const char *user);

/* Now, in UTC ISO 8601 ("2026-11-24T09:30:00Z"), or $POOLBOOK_NOW when
 * set (for reproducible tests).  Writes buf (PB_TIMESTAMP_LEN bytes). */
char *pb_book_timestamp(const pb_book *b, char *buf);

/* Key-value settings in the meta table.  get: PB_ENOTFOUND if absent. */
int pb_book_meta_get(pb_book *b, const char *key, pb_buf *out, pb_error *err);
int pb_book_meta_set(pb_book *b, const char *key, const char *value,
                     pb_error *err);

/* ---- statements -------------------------------------------------------- */

/*
 * Hands out the prepared statement for `sql` (a constant string of the
 * program), preparing it on first use and caching it for the life of the
 * book.  The statement comes reset with no bindings; give it back with
 * pb_stmt_release() before asking for the same SQL again.  The statement is
 * borrowed: never free it.
 */
int pb_book_prepare(pb_book *b, pb_stmt **out, const char *sql,
                    pb_error *err);
/* Resets the statement and clears its bindings.  NULL-safe. */
void pb_stmt_release(pb_stmt *st);

/* Parameters are numbered from 1.  A NULL string binds SQL NULL. */
void pb_stmt_bind_int(pb_stmt *st, int idx, int64_t v);
void pb_stmt_bind_text(pb_stmt *st, int idx, const char *s);
void pb_stmt_bind_textn(pb_stmt *st, int idx, const char *s, size_t n);
void pb_stmt_bind_blob(pb_stmt *st, int idx, const void *p, size_t n);
void pb_stmt_bind_null(pb_stmt *st, int idx);
/* Binds money as INTEGER pence.  PB_EINVAL if the amount has more than
 * PB_MONEY_SCALE places, PB_ERANGE if it is beyond int64 pence. */
int pb_stmt_bind_money(pb_stmt *st, int idx, const pb_amount *a,
                       pb_error *err);

/*
 * Steps: PB_ROW with a row to read, PB_DONE when finished, or a negative
 * code: PB_EREFUSED when a constraint or trigger of the book refuses the
 * change (the message is the book's, e.g. "posted entries cannot be
 * changed"), PB_EBUSY, PB_ECORRUPT, or PB_EDB.
 */
int pb_stmt_step(pb_stmt *st, pb_error *err);
/* Steps once expecting PB_DONE, then releases the statement. */
int pb_stmt_run(pb_stmt *st, pb_error *err);

/* Column readers; columns are numbered from 0.  text: "" for NULL,
 * borrowed until the next step or release. */
int64_t pb_stmt_int(pb_stmt *st, int col);
const char *pb_stmt_text(pb_stmt *st, int col);
bool pb_stmt_is_null(pb_stmt *st, int col);
const void *pb_stmt_blob(pb_stmt *st, int col, size_t *n);
/* Reads money: INTEGER pence, or the decimal text pb_sum() returns; NULL
 * reads as zero. */
void pb_stmt_money(pb_stmt *st, int col, pb_amount *out);

/* Runs SQL text with no parameters (schema, pragmas, tests). */
int pb_book_exec(pb_book *b, const char *sql, pb_error *err);
int64_t pb_book_last_id(const pb_book *b);
int pb_book_changes(const pb_book *b);

#endif
