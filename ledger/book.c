/*
 * book.c - the SQLite connection behind a book, and the only file of
 * poolbook that includes <sqlite3.h>.
 *
 * Design notes
 * - One connection per book, opened with foreign keys, WAL and
 *   synchronous=FULL: a commit that returned is on disk.  DEFENSIVE mode
 *   and trusted_schema=OFF stop SQL from editing the schema or running
 *   functions from views/triggers a tampered file might carry.
 * - Statements are prepared once and cached by their SQL text (a pb_map
 *   from text to slot); the posting hot path therefore never re-parses SQL.
 * - Writers use BEGIN IMMEDIATE: the write lock is taken up front, so two
 *   officers' commands queue behind the busy timeout instead of failing
 *   half-way with SQLITE_BUSY on their first write.
 * - Modules keep per-book state in extension slots (book_int.h) and are
 *   called before commit and after rollback.
 */
#include "ledger/book.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger/book_int.h"
#include "ledger/map.h"

/* "PBK1" as the SQLite application id: marks a file as a poolbook book. */
#define PB_APPLICATION_ID 0x50424b31

static const char *const migrations[] = {
    pb_schema__core,
    pb_schema__pool,
    pb_schema__import,
    pb_schema__report,
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

struct pb_stmt {
    sqlite3_stmt *st; /* prepared once, reset on release */
    pb_book *book;    /* owner */
    int busy;         /* handed out and not yet released */
};

struct pb_book {
    sqlite3 *db;
    char *path;
    char *user;           /* acting user, owned */
    int fy_start;         /* 1..12 */
    int tx;               /* 0 none, 1 read, 2 write */
    uint64_t tx_serial;   /* increments at every begin */
    pb_map stmt_index;    /* SQL text -> index in stmts */
    pb_stmt **stmts;      /* owned */
    size_t nstmts, capstmts;
    struct {
        void *state;
        const pb_book_ext_ops *ops;
    } ext[PB_EXT_COUNT];
};

int pb_book_schema_version(void)
{
    return SCHEMA_VERSION;
}

/* ---- errors ------------------------------------------------------------ */

static int db_error(pb_book *b, int rc, pb_error *err, const char *what)
{
    const char *msg = b->db != NULL ? sqlite3_errmsg(b->db) : "";
    int prim = rc & 0xff;

    switch (prim) {
    case SQLITE_CONSTRAINT:
        return pb_error_set(err, PB_EREFUSED, "%s", msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return pb_error_set(err, PB_EBUSY,
                            "the book is in use by another writer; try "
                            "again (%s)",
                            msg);
    case SQLITE_NOTADB:
        return pb_error_set(err, PB_EVERSION,
                            "%s: not a poolbook book (not an SQLite "
                            "database)",
                            b->path);
    case SQLITE_CORRUPT:
        return pb_error_set(err, PB_ECORRUPT, "%s: %s: %s", b->path, what,
                            msg);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
        return pb_error_set(err, PB_EIO, "%s: %s: %s", b->path, what, msg);
    default:
        return pb_error_set(err, PB_EDB, "%s: %s: %s", b->path, what, msg);
    }
}

/* ---- SQL functions: exact money sums ----------------------------------- */

typedef struct sum_ctx {
    int started;
    pb_amount total;
} sum_ctx;

static void sum_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sum_ctx *s = sqlite3_aggregate_context(ctx, sizeof *s);
    sqlite3_value *v = argv[0];

    (void)argc;
    if (s == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (!s->started) {
        pb_amount_init(&s->total);
        pb_amount_set_units(&s->total, 0, PB_MONEY_SCALE);
        s->started = 1;
    }
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        pb_amount_add_units(&s->total, sqlite3_value_int64(v),
                            PB_MONEY_SCALE);
        break;
    case SQLITE_TEXT: {
        pb_amount a;
        pb_amount_syntax syn = {PB_AMOUNT_MAX_SCALE, false};
        const char *t = (const char *)sqlite3_value_text(v);

        pb_amount_init(&a);
        if (pb_amount_parse(&a, t, (size_t)sqlite3_value_bytes(v), &syn,
                            NULL) != PB_OK) {
            pb_amount_clear(&a);
            sqlite3_result_error(ctx, "pb_sum: not an amount", -1);
            return;
        }
        pb_amount_add(&s->total, &s->total, &a);
        pb_amount_clear(&a);
        break;
    }
    case SQLITE_NULL:
        break;
    default:
        sqlite3_result_error(ctx, "pb_sum: money must be INTEGER pence", -1);
        break;
    }
}

static void sum_final(sqlite3_context *ctx)
{
    sum_ctx *s = sqlite3_aggregate_context(ctx, 0);
    char *text;

    if (s == NULL || !s->started) {
        sqlite3_result_text(ctx, "0.00", -1, SQLITE_STATIC);
        return;
    }
    text = pb_amount_to_string(&s->total);
    sqlite3_result_text(ctx, text, -1, free);
    pb_amount_clear(&s->total);
    s->started = 0;
}

static void money_func(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    pb_amount a;

    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER) {
        sqlite3_result_null(ctx);
        return;
    }
    pb_amount_init(&a);
    pb_amount_set_units(&a, sqlite3_value_int64(argv[0]), PB_MONEY_SCALE);
    sqlite3_result_text(ctx, pb_amount_to_string(&a), -1, free);
    pb_amount_clear(&a);
}

/* ---- open and close ---------------------------------------------------- */

static const char *default_user(void)
{
    const char *u = getenv("POOLBOOK_USER");
    struct passwd *pw;

    if (u != NULL && *u != '\0')
        return u;
    u = getenv("USER");
    if (u != NULL && *u != '\0')
        return u;
    pw = getpwuid(geteuid());
    return pw != NULL && pw->pw_name != NULL ? pw->pw_name : "unknown";
}

static int exec_sql(pb_book *b, const char *sql, pb_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(b->db, sql, NULL, NULL, &msg);

    sqlite3_free(msg);
    if (rc != SQLITE_OK)
        return db_error(b, rc, err, "running SQL");
    return PB_OK;
}

static int pragma_int(pb_book *b, const char *sql, int *out, pb_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(b->db, sql, -1, &st, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return db_error(b, rc, err, "reading the schema version");
    return PB_OK;
}

/* Brings the schema to SCHEMA_VERSION in one transaction. */
static int migrate(pb_book *b, int from, bool fresh, pb_error *err)
{
    char sql[96];
    char now[PB_TIMESTAMP_LEN];
    int rc, v;

    if ((rc = exec_sql(b, "BEGIN IMMEDIATE", err)) != PB_OK)
        return rc;
    /* Another process may have upgraded the book while this one waited
     * for the write lock: start from the version the book has now. */
    if ((rc = pragma_int(b, "PRAGMA user_version", &v, err)) != PB_OK)
        goto fail;
    if (v > SCHEMA_VERSION) {
        rc = pb_error_set(err, PB_EVERSION,
                          "%s: written by a newer poolbook (schema version "
                          "%d; this program knows up to %d); upgrade "
                          "poolbook",
                          b->path, v, SCHEMA_VERSION);
        goto fail;
    }
    if (v > from)
        from = v;
    for (v = from; v < SCHEMA_VERSION; v++) {
        if ((rc = exec_sql(b, migrations[v], err)) != PB_OK)
            goto fail;
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", SCHEMA_VERSION);
    if ((rc = exec_sql(b, sql, err)) != PB_OK)
        goto fail;
    if (fresh) {
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d",
                 PB_APPLICATION_ID);
        if ((rc = exec_sql(b, sql, err)) != PB_OK)
            goto fail;
        pb_book_timestamp(b, now);
        if ((rc = pb_book_meta_set(b, "fy_start_month", "4", err)) != PB_OK ||
            (rc = pb_book_meta_set(b, "currency", "GBP", err)) != PB_OK ||
            (rc = pb_book_meta_set(b, "created_at", now, err)) != PB_OK ||
            (rc = pb_book_meta_set(b, "created_by", b->user, err)) != PB_OK)
            goto fail;
    }
    if ((rc = exec_sql(b, "COMMIT", err)) != PB_OK)
        goto fail;
    return PB_OK;
fail:
    sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int create_file(const char *path, pb_error *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0) {
        if (errno == EEXIST)
            return pb_error_set(err, PB_EEXISTS,
                                "%s: already exists; a new book needs a new "
                                "file",
                                path);
        return pb_error_set(err, PB_EIO, "%s: %s", path, strerror(errno));
    }
    /* The umask may have narrowed the mode; never widen past 0600. */
    if (fchmod(fd, 0600) != 0) {
        int e = errno;

        close(fd);
        unlink(path);
        return pb_error_set(err, PB_EIO, "%s: %s", path, strerror(e));
    }
    close(fd);
    return PB_OK;
}

static int configure(pb_book *b, pb_error *err)
{
    const char *env = getenv("POOLBOOK_BUSY_TIMEOUT");
    int timeout = env != NULL && *env != '\0' ? atoi(env) : 10000;
    int rc;

    sqlite3_extended_result_codes(b->db, 1);
    sqlite3_busy_timeout(b->db, timeout > 0 ? timeout : 10000);
    sqlite3_db_config(b->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(b->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(b->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    /* recursive_triggers: without it an INSERT OR REPLACE deletes the row
     * it replaces without firing the append-only DELETE triggers.
     * cache_size: up to 16 MB of pages (allocated as used).  Measured: a
     * million-entry import is no faster with 64 or 256 MB (the journal's
     * writes are appends), and a smaller cache keeps a report's memory
     * small whatever the size of the book. */
    if ((rc = exec_sql(b, "PRAGMA foreign_keys = ON", err)) != PB_OK ||
        (rc = exec_sql(b, "PRAGMA recursive_triggers = ON", err)) != PB_OK ||
        (rc = exec_sql(b, "PRAGMA cache_size = -16384", err)) != PB_OK)
        return rc;
    if (sqlite3_create_function_v2(b->db, "pb_sum", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                   NULL, sum_step, sum_final,
                                   NULL) != SQLITE_OK ||
        sqlite3_create_function_v2(
            b->db, "pb_money", 1,
            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
            money_func, NULL, NULL, NULL) != SQLITE_OK)
        return db_error(b, sqlite3_errcode(b->db), err, "registering pb_sum");
    return PB_OK;
}

/* WAL and synchronous=FULL.  Switching to WAL writes to the file, so this
 * runs only once the file is known to be a book (or is being created). */
static int set_journal(pb_book *b, pb_error *err)
{
    int rc;

    if ((rc = exec_sql(b, "PRAGMA journal_mode = WAL", err)) != PB_OK ||
        (rc = exec_sql(b, "PRAGMA synchronous = FULL", err)) != PB_OK)
        return rc;
    return PB_OK;
}

static int load_config(pb_book *b, pb_error *err)
{
    pb_buf v = PB_BUF_INIT;
    int rc = pb_book_meta_get(b, "fy_start_month", &v, err);

    if (rc == PB_OK) {
        int m = atoi(pb_buf_str(&v));

        if (m < 1 || m > 12)
            rc = pb_error_set(err, PB_ECORRUPT,
                              "%s: fy_start_month is \"%s\", not 1..12",
                              b->path, pb_buf_str(&v));
        else
            b->fy_start = m;
    }
    pb_buf_clear(&v);
    return rc;
}

/* Undoes a failed create: the book and the files SQLite keeps beside it. */
static void remove_book_files(const char *path)
{
    static const char *const suffixes[] = {"-wal", "-shm", "-journal"};
    size_t i, n = strlen(path);

    unlink(path);
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char *p = pb_xmalloc(n + strlen(suffixes[i]) + 1);

        memcpy(p, path, n);
        strcpy(p + n, suffixes[i]);
        unlink(p);
        free(p);
    }
}

static bool sqlite_configured;

int pb_book_open(pb_book **out, const char *path, unsigned flags,
                 pb_error *err)
{
    bool create = (flags & PB_BOOK_CREATE) != 0;
    bool readonly = (flags & PB_BOOK_READONLY) != 0;
    pb_book *b;
    struct stat sb;
    int rc, version = 0, app_id = 0;

    assert(!(create && readonly));
    *out = NULL;
    if (!create) {
        if (stat(path, &sb) != 0)
            return pb_error_set(err, errno == ENOENT ? PB_ENOTFOUND : PB_EIO,
                                "%s: %s%s", path, strerror(errno),
                                errno == ENOENT
                                    ? " (create a book with `poolbook init`)"
                                    : "");
        if (!S_ISREG(sb.st_mode))
            return pb_error_set(err, PB_EVERSION,
                                "%s: not a poolbook book (not a regular "
                                "file)",
                                path);
    } else if ((rc = create_file(path, err)) != PB_OK) {
        return rc;
    }

    b = pb_xcalloc(1, sizeof *b);
    b->path = pb_xstrdup(path);
    b->user = pb_xstrdup(default_user());
    b->fy_start = 4;
    pb_map_init(&b->stmt_index);
    /* SQLite's allocation statistics take a global lock on every malloc;
     * poolbook never reads them.  (Effective only before SQLite's first
     * use in the process; later it is refused, harmlessly.) */
    if (!sqlite_configured) {
        sqlite_configured = true;
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    }
    /* NOMUTEX: a book is used by one thread at a time, so SQLite need not
     * lock the connection around every bind, step and column read. */
    rc = sqlite3_open_v2(path, &b->db,
                         (readonly ? SQLITE_OPEN_READONLY
                                   : SQLITE_OPEN_READWRITE) |
                             SQLITE_OPEN_NOMUTEX,
                         NULL);
    if (rc != SQLITE_OK) {
        rc = db_error(b, rc, err, "opening");
        goto fail;
    }
    if ((rc = configure(b, err)) != PB_OK)
        goto fail;
    if ((rc = pragma_int(b, "PRAGMA application_id", &app_id, err)) !=
            PB_OK ||
        (rc = pragma_int(b, "PRAGMA user_version", &version, err)) != PB_OK)
        goto fail;
    if (!create && app_id != PB_APPLICATION_ID) {
        rc = pb_error_set(err, PB_EVERSION,
                          "%s: not a poolbook book (application id %#x)",
                          path, (unsigned)app_id);
        goto fail;
    }
    if (version > SCHEMA_VERSION) {
        rc = pb_error_set(err, PB_EVERSION,
                          "%s: written by a newer poolbook (schema version "
                          "%d; this program knows up to %d); upgrade "
                          "poolbook",
                          path, version, SCHEMA_VERSION);
        goto fail;
    }
    if (!readonly && (rc = set_journal(b, err)) != PB_OK)
        goto fail;
    if (version < SCHEMA_VERSION) {
        if (readonly) {
            rc = pb_error_set(err, PB_EVERSION,
                              "%s: schema version %d needs upgrading to %d; "
                              "open it for writing once",
                              path, version, SCHEMA_VERSION);
            goto fail;
        }
        if ((rc = migrate(b, version, create, err)) != PB_OK)
            goto fail;
    }
    if ((rc = load_config(b, err)) != PB_OK)
        goto fail;
    *out = b;
    return PB_OK;
fail:
    pb_book_close(b);
    if (create)
        remove_book_files(path);
    return rc;
}

void pb_book_close(pb_book *b)
{
    size_t i;
    int s;

    if (b == NULL)
        return;
    if (b->tx)
        pb_book_rollback(b);
    for (s = 0; s < PB_EXT_COUNT; s++) {
        if (b->ext[s].ops != NULL && b->ext[s].ops->free_state != NULL)
            b->ext[s].ops->free_state(b->ext[s].state);
    }
    for (i = 0; i < b->nstmts; i++) {
        sqlite3_finalize(b->stmts[i]->st);
        free(b->stmts[i]);
    }
    free(b->stmts);
    pb_map_clear(&b->stmt_index);
    sqlite3_close_v2(b->db);
    free(b->path);
    free(b->user);
    free(b);
}

const char *pb_book_path(const pb_book *b)
{
    return b->path;
}

/* ---- transactions ------------------------------------------------------ */

static int begin(pb_book *b, const char *sql, int kind, pb_error *err)
{
    int rc;

    assert(b->tx == 0 && "nested transaction");
    rc = sqlite3_exec(b->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return db_error(b, rc, err, "starting a transaction");
    b->tx = kind;
    b->tx_serial++;
    return PB_OK;
}

int pb_book_begin(pb_book *b, pb_error *err)
{
    return begin(b, "BEGIN IMMEDIATE", 2, err);
}

int pb_book_begin_read(pb_book *b, pb_error *err)
{
    return begin(b, "BEGIN DEFERRED", 1, err);
}

int pb_book__flush(pb_book *b, pb_error *err)
{
    int s, rc;

    if (b->tx != 2)
        return PB_OK;
    for (s = 0; s < PB_EXT_COUNT; s++) {
        if (b->ext[s].ops == NULL || b->ext[s].ops->pre_commit == NULL)
            continue;
        if ((rc = b->ext[s].ops->pre_commit(b, b->ext[s].state, err)) !=
            PB_OK)
            return rc;
    }
    return PB_OK;
}

int pb_book_commit(pb_book *b, pb_error *err)
{
    int rc;

    assert(b->tx != 0 && "commit outside a transaction");
    if ((rc = pb_book__flush(b, err)) != PB_OK) {
        pb_book_rollback(b);
        return rc;
    }
    rc = sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc = db_error(b, rc, err, "committing");
        pb_book_rollback(b);
        return rc;
    }
    b->tx = 0;
    return PB_OK;
}

void pb_book_rollback(pb_book *b)
{
    size_t i;
    int s;

    if (b->tx == 0)
        return;
    /* A statement left mid-step would keep the rollback from finishing
     * cleanly; reset every one. */
    for (i = 0; i < b->nstmts; i++)
        sqlite3_reset(b->stmts[i]->st);
    if (!sqlite3_get_autocommit(b->db))
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    b->tx = 0;
    /* Settings changed in the transaction are undone with it. */
    load_config(b, NULL);
    for (s = 0; s < PB_EXT_COUNT; s++) {
        if (b->ext[s].ops != NULL && b->ext[s].ops->on_rollback != NULL)
            b->ext[s].ops->on_rollback(b, b->ext[s].state);
    }
}

bool pb_book_in_tx(const pb_book *b)
{
    return b->tx != 0;
}

bool pb_book_in_write_tx(const pb_book *b)
{
    return b->tx == 2;
}

uint64_t pb_book__tx_serial(const pb_book *b)
{
    return b->tx_serial;
}

void *pb_book__ext(pb_book *b, int slot)
{
    assert(slot >= 0 && slot < PB_EXT_COUNT);
    return b->ext[slot].state;
}

void pb_book__set_ext(pb_book *b, int slot, void *state,
                      const pb_book_ext_ops *ops)
{
    assert(slot >= 0 && slot < PB_EXT_COUNT);
    assert(b->ext[slot].state == NULL);
    b->ext[slot].state = state;
    b->ext[slot].ops = ops;
}

/* ---- configuration ----------------------------------------------------- */

int pb_book_fy_start(const pb_book *b)
{
    return b->fy_start;
}

int pb_book_set_fy_start(pb_book *b, int month, pb_error *err)
{
    pb_stmt *st;
    char text[4];
    int rc;
    bool own = !pb_book_in_tx(b);

    if (month < 1 || month > 12)
        return pb_error_set(err, PB_EINVAL,
                            "the financial year must start in month 1..12, "
                            "not %d",
                            month);
    if (own && (rc = pb_book_begin(b, err)) != PB_OK)
        return rc;
    /* Periods (P1 = the start month), budget months and forecasts are all
     * counted from the start: once any is recorded it cannot move. */
    rc = pb_book_prepare(b, &st,
                         "SELECT EXISTS (SELECT 1 FROM entry)"
                         " OR EXISTS (SELECT 1 FROM period_log)"
                         " OR EXISTS (SELECT 1 FROM budget_change)"
                         " OR EXISTS (SELECT 1 FROM virement)"
                         " OR EXISTS (SELECT 1 FROM forecast)",
                         err);
    if (rc == PB_OK) {
        rc = pb_stmt_step(st, err);
        if (rc == PB_ROW && pb_stmt_int(st, 0) != 0)
            rc = pb_error_set(err, PB_EREFUSED,
                              "the start of the financial year cannot change "
                              "once entries, period closes, budgets or "
                              "forecasts are recorded");
        else if (rc == PB_ROW)
            rc = PB_OK;
        pb_stmt_release(st);
    }
    if (rc == PB_OK) {
        snprintf(text, sizeof text, "%d", month);
        rc = pb_book_meta_set(b, "fy_start_month", text, err);
    }
    if (own)
        rc = rc == PB_OK ? pb_book_commit(b, err) : (pb_book_rollback(b), rc);
    if (rc == PB_OK)
        b->fy_start = month;
    return rc;
}

const char *pb_book_user(const pb_book *b)
{
    return b->user;
}

void pb_book_set_user(pb_book *b, const char *user)
{
    free(b->user);
    b->user = pb_xstrdup(user);
}

char *pb_book_timestamp(const pb_book *b, char *buf)
{
    const char *env = getenv("POOLBOOK_NOW");
    time_t t;
    struct tm tm;

    (void)b;
    if (env != NULL && *env != '\0' && strlen(env) < PB_TIMESTAMP_LEN) {
        strcpy(buf, env);
        return buf;
    }
    t = time(NULL);
    gmtime_r(&t, &tm);
    strftime(buf, PB_TIMESTAMP_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

int pb_book_meta_get(pb_book *b, const char *key, pb_buf *out, pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st, "SELECT value FROM meta WHERE key = ?",
                             err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, key);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        pb_buf_reset(out);
        pb_buf_puts(out, pb_stmt_text(st, 0));
        rc = PB_OK;
    } else if (rc == PB_DONE) {
        rc = pb_error_set(err, PB_ENOTFOUND, "no setting \"%s\" in the book",
                          key);
    }
    pb_stmt_release(st);
    return rc;
}

int pb_book_meta_set(pb_book *b, const char *key, const char *value,
                     pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st,
                             "INSERT INTO meta (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = "
                             "excluded.value",
                             err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, key);
    pb_stmt_bind_text(st, 2, value);
    return pb_stmt_run(st, err);
}

/* ---- statements -------------------------------------------------------- */

int pb_book_prepare(pb_book *b, pb_stmt **out, const char *sql,
                    pb_error *err)
{
    int64_t slot;
    pb_stmt *s;
    int rc;

    if (pb_map_gets(&b->stmt_index, sql, &slot)) {
        s = b->stmts[slot];
        assert(!s->busy && "statement handed out twice");
        s->busy = 1;
        *out = s;
        return PB_OK;
    }
    s = pb_xcalloc(1, sizeof *s);
    rc = sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st,
                            NULL);
    if (rc != SQLITE_OK) {
        free(s);
        *out = NULL;
        return db_error(b, rc, err, "preparing a statement");
    }
    s->book = b;
    s->busy = 1;
    if (b->nstmts == b->capstmts) {
        b->capstmts = b->capstmts ? b->capstmts * 2 : 32;
        b->stmts = pb_xrealloc(b->stmts, b->capstmts * sizeof *b->stmts);
    }
    pb_map_puts(&b->stmt_index, sql, (int64_t)b->nstmts);
    b->stmts[b->nstmts++] = s;
    *out = s;
    return PB_OK;
}

void pb_stmt_release(pb_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
    st->busy = 0;
}

void pb_stmt_bind_int(pb_stmt *st, int idx, int64_t v)
{
    int rc = sqlite3_bind_int64(st->st, idx, v);

    assert(rc == SQLITE_OK);
    (void)rc;
}

void pb_stmt_bind_text(pb_stmt *st, int idx, const char *s)
{
    int rc = s == NULL ? sqlite3_bind_null(st->st, idx)
                       : sqlite3_bind_text(st->st, idx, s, -1,
                                           SQLITE_TRANSIENT);

    assert(rc == SQLITE_OK);
    (void)rc;
}

void pb_stmt__bind_text_static(pb_stmt *st, int idx, const char *s)
{
    int rc = s == NULL ? sqlite3_bind_null(st->st, idx)
                       : sqlite3_bind_text(st->st, idx, s, -1, SQLITE_STATIC);

    assert(rc == SQLITE_OK);
    (void)rc;
}

void pb_stmt__bind_blob_static(pb_stmt *st, int idx, const void *p, size_t n)
{
    int rc = sqlite3_bind_blob64(st->st, idx, p, n, SQLITE_STATIC);

    assert(rc == SQLITE_OK);
    (void)rc;
}

void pb_stmt_bind_textn(pb_stmt *st, int idx, const char *s, size_t n)
{
    int rc = sqlite3_bind_text64(st->st, idx, s, n, SQLITE_TRANSIENT,
                                 SQLITE_UTF8);

    assert(rc == SQLITE_OK);
    (void)rc;
}

void pb_stmt_bind_blob(pb_stmt *st, int idx, const void *p, size_t n)
{
    int rc = sqlite3_bind_blob64(st->st, idx, p, n, SQLITE_TRANSIENT);

    assert(rc == SQLITE_OK);
    (void)rc;
}

void pb_stmt_bind_null(pb_stmt *st, int idx)
{
    int rc = sqlite3_bind_null(st->st, idx);

    assert(rc == SQLITE_OK);
    (void)rc;
}

int pb_stmt_bind_money(pb_stmt *st, int idx, const pb_amount *a,
                       pb_error *err)
{
    int64_t pence;
    int rc = pb_amount_get_units(a, PB_MONEY_SCALE, &pence, err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, idx, pence);
    return PB_OK;
}

int pb_stmt_step(pb_stmt *st, pb_error *err)
{
    int rc = sqlite3_step(st->st);

    if (rc == SQLITE_ROW)
        return PB_ROW;
    if (rc == SQLITE_DONE)
        return PB_DONE;
    return db_error(st->book, rc, err, "query");
}

int pb_stmt_run(pb_stmt *st, pb_error *err)
{
    int rc = pb_stmt_step(st, err);

    pb_stmt_release(st);
    if (rc == PB_DONE || rc == PB_ROW)
        return PB_OK;
    return rc;
}

int64_t pb_stmt_int(pb_stmt *st, int col)
{
    return sqlite3_column_int64(st->st, col);
}

const char *pb_stmt_text(pb_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st->st, col);

    return t != NULL ? (const char *)t : "";
}

bool pb_stmt_is_null(pb_stmt *st, int col)
{
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

const void *pb_stmt_blob(pb_stmt *st, int col, size_t *n)
{
    const void *p = sqlite3_column_blob(st->st, col);

    *n = (size_t)sqlite3_column_bytes(st->st, col);
    return p;
}

void pb_stmt_money(pb_stmt *st, int col, pb_amount *out)
{
    switch (sqlite3_column_type(st->st, col)) {
    case SQLITE_INTEGER:
        pb_amount_set_units(out, sqlite3_column_int64(st->st, col),
                            PB_MONEY_SCALE);
        break;
    case SQLITE_TEXT: {
        pb_amount_syntax syn = {PB_AMOUNT_MAX_SCALE, false};
        const char *t = (const char *)sqlite3_column_text(st->st, col);
        int rc = pb_amount_parse(out, t,
                                 (size_t)sqlite3_column_bytes(st->st, col),
                                 &syn, NULL);

        /* Money text comes only from pb_sum()/pb_money(), canonical. */
        assert(rc == PB_OK);
        (void)rc;
        break;
    }
    default:
        pb_amount_set_units(out, 0, PB_MONEY_SCALE);
        break;
    }
}

int pb_book_exec(pb_book *b, const char *sql, pb_error *err)
{
    return exec_sql(b, sql, err);
}

int64_t pb_book_last_id(const pb_book *b)
{
    return sqlite3_last_insert_rowid(b->db);
}

int pb_book_changes(const pb_book *b)
{
    return sqlite3_changes(b->db);
}
