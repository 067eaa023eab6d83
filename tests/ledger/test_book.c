/*
 * test_book.c - ledger/book: the SQLite file, its transactions, settings
 * and statements.
 *
 *   1. create and open: modes, refusals (existing, missing, not SQLite,
 *      another program's SQLite file, newer schema), reopen, read-only
 *   2. statements: the cache, bindings, exact pb_sum / pb_money
 *   3. settings: meta, financial-year start, user, timestamp
 *   4. transactions: commit, rollback discards everything, extension
 *      hooks, BEGIN IMMEDIATE queueing between two connections
 *
 * Section 1 makes foreign SQLite files with the sqlite3 library directly:
 * the point is a file poolbook did not write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger/account.h"
#include "ledger/book.h"
#include "ledger/book_int.h"
#include "ledger/dim.h"
#include "ledger/journal.h"
#include "ledger/period.h"
#include "tests/support/support.h"

static int mode_of(const char *path)
{
    struct stat sb;

    if (stat(path, &sb) != 0)
        return -1;
    return (int)(sb.st_mode & 07777);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long len;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* ---- 1. create and open ----------------------------------------------- */

static void test_book_create__file_is_0600_and_so_are_wal_and_shm(void **state)
{
    char *path = pbt_path_new(), *wal, *shm;
    mode_t old = umask(0); /* even a permissive umask must not widen it */
    pb_book *b;
    pb_error err;

    (void)state;
    pbt_env();
    assert_int_equal(pb_book_open(&b, path, PB_BOOK_CREATE, &err), PB_OK);
    umask(old);
    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(pb_book_begin(b, &err), PB_OK);
    assert_int_equal(pb_account_add(b, "1000", "Assets:Bank",
                                    PB_ACCOUNT_ASSET, NULL, &err),
                     PB_OK);
    assert_int_equal(pb_book_commit(b, &err), PB_OK);
    wal = pbt_path_sibling(path, "-wal");
    shm = pbt_path_sibling(path, "-shm");
    assert_true(exists(wal));
    assert_true(exists(shm));
    assert_int_equal(mode_of(wal), 0600);
    assert_int_equal(mode_of(shm), 0600);
    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(pbt_int(b, "PRAGMA user_version"),
                     pb_book_schema_version());
    assert_int_equal(pbt_int(b, "PRAGMA foreign_keys"), 1);
    assert_int_equal(pbt_int(b, "PRAGMA synchronous"), 2); /* FULL */
    free(wal);
    free(shm);
    pbt_book_done(b, path);
}

static void test_book_create__refuses_an_existing_file(void **state)
{
    char *path = pbt_path_new(), *text;
    pb_book *b = (pb_book *)&b;
    pb_error err;
    size_t n;

    (void)state;
    write_file(path, "precious data\n");
    assert_int_equal(pb_book_open(&b, path, PB_BOOK_CREATE, &err),
                     PB_EEXISTS);
    assert_null(b);
    assert_non_null(strstr(err.msg, "already exists"));
    text = slurp(path, &n);
    assert_int_equal(n, 14);
    assert_memory_equal(text, "precious data\n", 14);
    free(text);
    pbt_path_remove(path);
}

static void test_book_open__refuses_a_missing_file(void **state)
{
    char *path = pbt_path_new();
    pb_book *b = (pb_book *)&b;
    pb_error err;

    (void)state;
    assert_int_equal(pb_book_open(&b, path, 0, &err), PB_ENOTFOUND);
    assert_null(b);
    assert_non_null(strstr(err.msg, "poolbook init"));
    assert_false(exists(path)); /* opening never creates */
    pbt_path_remove(path);
}

static void test_book_open__refuses_a_file_that_is_not_sqlite(void **state)
{
    char *path = pbt_path_new(), *wal, *text;
    pb_book *b = (pb_book *)&b;
    pb_error err;
    char junk[4096];
    size_t n, i;

    (void)state;
    for (i = 0; i < sizeof junk - 1; i++)
        junk[i] = (char)('a' + i % 26);
    junk[sizeof junk - 1] = '\0';
    write_file(path, junk);
    assert_int_equal(pb_book_open(&b, path, 0, &err), PB_EVERSION);
    assert_null(b);
    assert_non_null(strstr(err.msg, "not a poolbook book"));
    /* Untouched, and no WAL was started beside it. */
    text = slurp(path, &n);
    assert_int_equal(n, sizeof junk - 1);
    assert_memory_equal(text, junk, n);
    free(text);
    wal = pbt_path_sibling(path, "-wal");
    assert_false(exists(wal));
    free(wal);
    pbt_path_remove(path);
}

static void test_book_open__refuses_an_empty_file_and_leaves_it_empty(
    void **state)
{
    char *path = pbt_path_new();
    pb_book *b = (pb_book *)&b;
    pb_error err;

    (void)state;
    write_file(path, "");
    assert_int_equal(pb_book_open(&b, path, 0, &err), PB_EVERSION);
    assert_null(b);
    assert_int_equal(mode_of(path) >= 0, 1);
    {
        struct stat sb;

        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(sb.st_size, 0);
    }
    pbt_path_remove(path);
}

static void test_book_open__refuses_another_programs_sqlite_file(void **state)
{
    char *path = pbt_path_new(), *wal;
    sqlite3 *db;
    sqlite3_stmt *st;
    pb_book *b = (pb_book *)&b;
    pb_error err;

    (void)state;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE t(x); INSERT INTO t VALUES "
                                  "(1), (2);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);

    assert_int_equal(pb_book_open(&b, path, 0, &err), PB_EVERSION);
    assert_null(b);
    assert_non_null(strstr(err.msg, "not a poolbook book"));
    wal = pbt_path_sibling(path, "-wal");
    assert_false(exists(wal));
    free(wal);

    /* The other program's file is as it was: rollback journal, its rows. */
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "delete");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);
    pbt_path_remove(path);
}

static void test_book_open__refuses_a_newer_schema_version(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path), *b2 = (pb_book *)&b;
    pb_error err;
    char sql[64];

    (void)state;
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
             pb_book_schema_version() + 1);
    pbt_exec(b, sql);
    pb_book_close(b);
    assert_int_equal(pb_book_open(&b2, path, 0, &err), PB_EVERSION);
    assert_null(b2);
    assert_non_null(strstr(err.msg, "newer poolbook"));
    /* And the same for a much newer one, read-only too. */
    assert_int_equal(pb_book_open(&b2, path, PB_BOOK_READONLY, &err),
                     PB_EVERSION);
    pbt_path_remove(path);
}

/* Two officers open a book an upgrade left one schema version behind:
 * the second to get the write lock must find it upgraded already, not
 * run the migration again (which would fail, "table already exists").
 * Here the "first" is a raw connection holding the lock while it bumps
 * the version; the second, a child process, reads the old version and
 * then queues on the lock. */
static void test_book_open__upgrade_waits_for_a_concurrent_one(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    int version = pb_book_schema_version(), status;
    struct timespec pause = {0, 300 * 1000 * 1000};
    sqlite3 *db;
    char sql[64];
    int go[2];
    pid_t pid;

    (void)state;
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version - 1);
    pbt_exec(b, sql);
    pb_book_close(b);
    /* Fork before any connection is open: SQLite's locks do not survive
     * a fork, so the child opens the book only once told to. */
    assert_int_equal(pipe(go), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        pb_book *b2;
        pb_error err;
        char c;
        int rc;

        close(go[1]);
        if (read(go[0], &c, 1) != 1)
            _exit(2);
        rc = pb_book_open(&b2, path, 0, &err);
        if (rc != PB_OK)
            fprintf(stderr, "child: %s\n", err.msg);
        else
            pb_book_close(b2);
        _exit(rc == PB_OK ? 0 : 1);
    }
    close(go[0]);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(write(go[1], "x", 1), 1);
    close(go[1]);
    nanosleep(&pause, NULL); /* the child reads version - 1, then waits */
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    pbt_path_remove(path);
}

static void test_book_open__refuses_a_directory(void **state)
{
    char *path = pbt_path_new();
    pb_book *b;
    pb_error err;

    (void)state;
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(pb_book_open(&b, path, 0, &err), PB_EVERSION);
    assert_null(b);
    rmdir(path);
    pbt_path_remove(path);
}

static void test_book_open__reopen_keeps_contents_and_settings(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_error err;
    pb_buf v = PB_BUF_INIT;

    (void)state;
    assert_int_equal(pb_book_set_fy_start(b, 1, &err), PB_OK);
    pb_book_close(b);
    assert_int_equal(pb_book_open(&b, path, 0, &err), PB_OK);
    assert_int_equal(pb_book_fy_start(b), 1);
    assert_string_equal(pb_book_path(b), path);
    assert_int_equal(pbt_int(b, "SELECT count(*) FROM account"), 10);
    assert_int_equal(pb_book_meta_get(b, "currency", &v, &err), PB_OK);
    assert_string_equal(pb_buf_str(&v), "GBP");
    assert_int_equal(pb_book_meta_get(b, "created_by", &v, &err), PB_OK);
    assert_string_equal(pb_buf_str(&v), PBT_USER);
    assert_int_equal(pb_book_meta_get(b, "created_at", &v, &err), PB_OK);
    assert_string_equal(pb_buf_str(&v), PBT_NOW);
    pb_buf_clear(&v);
    pbt_book_done(b, path);
}

static void test_book_open__readonly_reads_but_cannot_write(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_error err;

    (void)state;
    pbt_post_ok(b, "2024-09-30 Fees; 5000 10.00; 1000");
    pb_book_close(b);
    assert_int_equal(pb_book_open(&b, path, PB_BOOK_READONLY, &err), PB_OK);
    assert_int_equal(pbt_entries(b), 1);
    assert_true(pb_book_exec(b, "INSERT INTO meta VALUES ('x', 'y')", &err) <
                0);
    assert_int_equal(pbt_int(b, "SELECT count(*) FROM meta WHERE key = 'x'"),
                     0);
    pbt_book_done(b, path);
}

/* ---- 2. statements ------------------------------------------------------ */

static void test_book_prepare__same_sql_reuses_the_statement(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_stmt *s1, *s2, *s3;
    pb_error err;
    char sql[64];

    (void)state;
    assert_int_equal(pb_book_prepare(b, &s1, "SELECT 1 + ?", &err), PB_OK);
    pb_stmt_bind_int(s1, 1, 41);
    assert_int_equal(pb_stmt_step(s1, &err), PB_ROW);
    assert_int_equal(pb_stmt_int(s1, 0), 42);
    pb_stmt_release(s1);
    /* Equal text from another buffer finds the same statement, reset and
     * with its bindings cleared. */
    strcpy(sql, "SELECT 1 + ?");
    assert_int_equal(pb_book_prepare(b, &s2, sql, &err), PB_OK);
    assert_ptr_equal(s1, s2);
    assert_int_equal(pb_stmt_step(s2, &err), PB_ROW);
    assert_true(pb_stmt_is_null(s2, 0));
    pb_stmt_release(s2);
    assert_int_equal(pb_book_prepare(b, &s3, "SELECT 2 + ?", &err), PB_OK);
    assert_ptr_not_equal(s1, s3);
    pb_stmt_release(s3);
    pb_stmt_release(NULL);
    pbt_book_done(b, path);
}

static void test_book_prepare__bad_sql_is_an_error_not_a_crash(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_stmt *st = (pb_stmt *)&st;
    pb_error err;

    (void)state;
    assert_int_equal(pb_book_prepare(b, &st, "SELEKT nonsense", &err), PB_EDB);
    assert_null(st);
    assert_non_null(strstr(err.msg, "syntax error"));
    /* A second try fails the same way (nothing half-cached). */
    assert_int_equal(pb_book_prepare(b, &st, "SELEKT nonsense", &err), PB_EDB);
    pbt_book_done(b, path);
}

static void test_book_stmt__bind_and_read_every_type(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_stmt *st;
    pb_error err;
    pb_amount a, back;
    const void *blob;
    size_t n;

    (void)state;
    pb_amount_init(&a);
    pb_amount_init(&back);
    assert_int_equal(pb_book_prepare(b, &st, "SELECT ?, ?, ?, ?, ?, ?", &err),
                     PB_OK);
    pb_stmt_bind_int(st, 1, INT64_MIN);
    pb_stmt_bind_text(st, 2, "caf\xc3\xa9");
    pb_stmt_bind_textn(st, 3, "abcdef", 3);
    pb_stmt_bind_blob(st, 4, "\0\1\2", 3);
    pb_stmt_bind_text(st, 5, NULL);
    pbt_amount_set(&a, "-1234.50");
    assert_int_equal(pb_stmt_bind_money(st, 6, &a, &err), PB_OK);
    assert_int_equal(pb_stmt_step(st, &err), PB_ROW);
    assert_int_equal(pb_stmt_int(st, 0), INT64_MIN);
    assert_string_equal(pb_stmt_text(st, 1), "caf\xc3\xa9");
    assert_string_equal(pb_stmt_text(st, 2), "abc");
    blob = pb_stmt_blob(st, 3, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(blob, "\0\1\2", 3);
    assert_true(pb_stmt_is_null(st, 4));
    assert_string_equal(pb_stmt_text(st, 4), "");
    assert_int_equal(pb_stmt_int(st, 5), -123450);
    pb_stmt_money(st, 5, &back);
    pbt_assert_amount(&back, "-1234.50");
    pb_stmt_money(st, 4, &back); /* NULL reads as zero */
    pbt_assert_amount(&back, "0.00");
    pb_stmt_release(st);
    pb_amount_clear(&a);
    pb_amount_clear(&back);
    pbt_book_done(b, path);
}

static void test_book_stmt__money_binding_refuses_fractions_and_overflow(
    void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_stmt *st;
    pb_error err;
    pb_amount a;

    (void)state;
    pb_amount_init(&a);
    assert_int_equal(pb_book_prepare(b, &st, "SELECT ?", &err), PB_OK);
    pbt_amount_set(&a, "0.001");
    assert_int_equal(pb_stmt_bind_money(st, 1, &a, &err), PB_EINVAL);
    pbt_amount_set(&a, "1.000"); /* trailing zeros are whole pence */
    assert_int_equal(pb_stmt_bind_money(st, 1, &a, &err), PB_OK);
    pbt_amount_set(&a, "92233720368547758.08"); /* INT64_MAX + 1 pence */
    assert_int_equal(pb_stmt_bind_money(st, 1, &a, &err), PB_ERANGE);
    pbt_amount_set(&a, "-92233720368547758.08"); /* INT64_MIN pence */
    assert_int_equal(pb_stmt_bind_money(st, 1, &a, &err), PB_OK);
    pb_stmt_release(st);
    pb_amount_clear(&a);
    pbt_book_done(b, path);
}

static void test_book_stmt__constraint_failures_are_refusals(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_stmt *st;
    pb_error err;

    (void)state;
    assert_int_equal(pb_book_prepare(b, &st,
                                     "INSERT INTO account (code, name, type,"
                                     " opened_at) VALUES ('1000', 'X', "
                                     "'asset', 'now')",
                                     &err),
                     PB_OK);
    assert_int_equal(pb_stmt_run(st, &err), PB_EREFUSED);
    assert_non_null(strstr(err.msg, "UNIQUE"));
    /* STRICT: a REAL cannot be stored as money. */
    assert_int_equal(pb_book_exec(b,
                                  "INSERT INTO balance VALUES (202401, 1, 0, "
                                  "0, 0, 0, 1.5, 0, 1)",
                                  &err),
                     PB_EREFUSED);
    pbt_book_done(b, path);
}

/* Reads "SELECT pb_sum(x) FROM t" (or other SQL) as text. */
static void sum_text(pb_book *b, const char *sql, char *out, size_t n)
{
    pb_stmt *st;
    pb_error err;

    assert_int_equal(pb_book_prepare(b, &st, sql, &err), PB_OK);
    assert_int_equal(pb_stmt_step(st, &err), PB_ROW);
    snprintf(out, n, "%s", pb_stmt_text(st, 0));
    pb_stmt_release(st);
}

static void test_book_pb_sum__is_exact_beyond_int64(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_stmt *st;
    pb_error err;
    pb_amount total;
    char text[64];

    (void)state;
    pbt_exec(b, "CREATE TEMP TABLE t (x)");
    pbt_exec(b, "INSERT INTO t VALUES (9223372036854775807),"
                " (9223372036854775807), (9223372036854775806), (NULL),"
                " (3)");
    /* 3 x INT64_MAX - 1 + 3 = 27670116110564327423 pence. */
    sum_text(b, "SELECT pb_sum(x) FROM t", text, sizeof text);
    assert_string_equal(text, "276701161105643274.23");
    /* SQLite's own sum() overflows here: the reason pb_sum exists. */
    assert_true(pb_book_exec(b, "SELECT sum(x) FROM t", &err) < 0);
    /* pb_stmt_money reads the decimal text back exactly. */
    pb_amount_init(&total);
    assert_int_equal(pb_book_prepare(b, &st, "SELECT pb_sum(x) FROM t", &err),
                     PB_OK);
    assert_int_equal(pb_stmt_step(st, &err), PB_ROW);
    pb_stmt_money(st, 0, &total);
    pb_stmt_release(st);
    pbt_assert_amount(&total, "276701161105643274.23");
    pb_amount_clear(&total);

    pbt_exec(b, "DELETE FROM t");
    pbt_exec(b, "INSERT INTO t VALUES (-9223372036854775808),"
                " (-9223372036854775808), (1)");
    sum_text(b, "SELECT pb_sum(x) FROM t", text, sizeof text);
    assert_string_equal(text, "-184467440737095516.15");
    pbt_book_done(b, path);
}

static void test_book_pb_sum__empty_null_text_and_groups(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_error err;
    char text[64];

    (void)state;
    pbt_exec(b, "CREATE TEMP TABLE t (g, x)");
    sum_text(b, "SELECT pb_sum(x) FROM t", text, sizeof text);
    assert_string_equal(text, "0.00");
    pbt_exec(b, "INSERT INTO t VALUES (1, NULL)");
    sum_text(b, "SELECT pb_sum(x) FROM t", text, sizeof text);
    assert_string_equal(text, "0.00");
    /* Decimal text (what pb_sum returns) sums too, exactly. */
    pbt_exec(b, "INSERT INTO t VALUES (1, 5), (1, '0.015'), (2, -7),"
                " (2, '-1.00')");
    sum_text(b, "SELECT pb_sum(x) FROM t", text, sizeof text);
    assert_string_equal(text, "-1.005");
    sum_text(b, "SELECT group_concat(s, ',') FROM (SELECT pb_sum(x) AS s"
                " FROM t GROUP BY g ORDER BY g)",
             text, sizeof text);
    assert_string_equal(text, "0.065,-1.07");
    /* A REAL is refused, and so is text that is not an amount. */
    pbt_exec(b, "INSERT INTO t VALUES (3, 1.5)");
    assert_int_equal(pb_book_exec(b, "SELECT pb_sum(x) FROM t WHERE g = 3",
                                  &err),
                     PB_EDB);
    assert_non_null(strstr(err.msg, "INTEGER pence"));
    pbt_exec(b, "INSERT INTO t VALUES (4, 'ten pounds')");
    assert_int_equal(pb_book_exec(b, "SELECT pb_sum(x) FROM t WHERE g = 4",
                                  &err),
                     PB_EDB);
    assert_non_null(strstr(err.msg, "not an amount"));
    sum_text(b, "SELECT pb_money(-123456)", text, sizeof text);
    assert_string_equal(text, "-1234.56");
    sum_text(b, "SELECT pb_money(5)", text, sizeof text);
    assert_string_equal(text, "0.05");
    sum_text(b, "SELECT coalesce(pb_money('x'), 'null')", text, sizeof text);
    assert_string_equal(text, "null");
    pbt_book_done(b, path);
}

/* ---- 3. settings -------------------------------------------------------- */

static void test_book_meta__get_set_and_missing(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_error err;
    pb_buf v = PB_BUF_INIT;

    (void)state;
    pb_buf_puts(&v, "untouched");
    assert_int_equal(pb_book_meta_get(b, "no-such-key", &v, &err),
                     PB_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no-such-key"));
    assert_string_equal(pb_buf_str(&v), "untouched");
    assert_int_equal(pb_book_meta_set(b, "k", "one", &err), PB_OK);
    assert_int_equal(pb_book_meta_set(b, "k", "two", &err), PB_OK);
    assert_int_equal(pb_book_meta_get(b, "k", &v, &err), PB_OK);
    assert_string_equal(pb_buf_str(&v), "two");
    assert_int_equal(pb_book_meta_get(b, "fy_start_month", &v, &err), PB_OK);
    assert_string_equal(pb_buf_str(&v), "4");
    assert_int_equal(pbt_int(b, "SELECT count(*) FROM meta WHERE key = 'k'"),
                     1);
    pb_buf_clear(&v);
    pbt_book_done(b, path);
}

static void test_book_fy_start__set_until_entries_exist(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_error err;
    pb_buf v = PB_BUF_INIT;

    (void)state;
    assert_int_equal(pb_book_fy_start(b), 4);
    assert_int_equal(pb_book_set_fy_start(b, 0, &err), PB_EINVAL);
    assert_int_equal(pb_book_set_fy_start(b, 13, &err), PB_EINVAL);
    assert_int_equal(pb_book_fy_start(b), 4);
    assert_int_equal(pb_book_set_fy_start(b, 1, &err), PB_OK);
    assert_int_equal(pb_book_fy_start(b), 1);
    assert_int_equal(pb_book_set_fy_start(b, 4, &err), PB_OK);
    pbt_post_ok(b, "2024-09-30 Fees; 5000 10.00; 1000");
    assert_int_equal(pb_book_set_fy_start(b, 1, &err), PB_EREFUSED);
    assert_non_null(strstr(err.msg, "once entries, period closes, budgets or "
                                    "forecasts are recorded"));
    assert_int_equal(pb_book_fy_start(b), 4);
    assert_int_equal(pb_book_meta_get(b, "fy_start_month", &v, &err), PB_OK);
    assert_string_equal(pb_buf_str(&v), "4");
    /* Inside a caller's transaction the refusal leaves it usable. */
    assert_int_equal(pb_book_begin(b, &err), PB_OK);
    assert_int_equal(pb_book_set_fy_start(b, 7, &err), PB_EREFUSED);
    assert_true(pb_book_in_write_tx(b));
    assert_int_equal(pb_book_commit(b, &err), PB_OK);
    pb_buf_clear(&v);
    pbt_book_done(b, path);
}

/* A period closed before anything is posted pins the start as well: the
 * close names "2024-25 P06", which would mean another month after it. */
static void test_book_fy_start__pinned_by_a_period_close(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_error err;

    (void)state;
    assert_int_equal(pb_book_begin(b, &err), PB_OK);
    assert_int_equal(pb_period_close(b, 202406, "month end", &err), PB_OK);
    assert_int_equal(pb_book_commit(b, &err), PB_OK);
    assert_int_equal(pb_book_set_fy_start(b, 1, &err), PB_EREFUSED);
    assert_int_equal(pb_book_fy_start(b), 4);
    pbt_book_done(b, path);
}

static void test_book_user__from_environment_or_set(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    char ts[PB_TIMESTAMP_LEN];

    (void)state;
    assert_string_equal(pb_book_user(b), PBT_USER);
    pb_book_set_user(b, "j.smith");
    assert_string_equal(pb_book_user(b), "j.smith");
    assert_string_equal(pb_book_timestamp(b, ts), PBT_NOW);
    unsetenv("POOLBOOK_NOW");
    pb_book_timestamp(b, ts);
    assert_int_equal(strlen(ts), 20);
    assert_int_equal(ts[10], 'T');
    assert_int_equal(ts[19], 'Z');
    pbt_env();
    pbt_book_done(b, path);
}

/* ---- 4. transactions ---------------------------------------------------- */

static void test_book_tx__commit_lands_rollback_discards_everything(
    void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_error err;
    pb_buf v = PB_BUF_INIT;
    int64_t entries = pbt_entries(b);

    (void)state;
    assert_false(pb_book_in_tx(b));
    assert_int_equal(pb_book_begin(b, &err), PB_OK);
    assert_true(pb_book_in_tx(b));
    assert_true(pb_book_in_write_tx(b));
    assert_int_equal(pb_account_add(b, "6000", "Expenditure:Other",
                                    PB_ACCOUNT_EXPENDITURE, NULL, &err),
                     PB_OK);
    assert_int_equal(pb_dim_add(b, PB_DIM_STREAM, "NEW", "New stream", NULL,
                                &err),
                     PB_OK);
    assert_int_equal(pb_book_meta_set(b, "note", "x", &err), PB_OK);
    assert_int_equal(pb_book_set_fy_start(b, 1, &err), PB_OK);
    assert_int_equal(pbt_post(b, "2024-05-01 Fees; 6000 1.00 stream=NEW "
                                 "cc=CC9; 1000",
                              NULL, &err),
                     PB_OK);
    pb_book_rollback(b);
    assert_false(pb_book_in_tx(b));
    pb_book_rollback(b); /* a no-op outside a transaction */

    assert_int_equal(pbt_int(b, "SELECT count(*) FROM account WHERE code ="
                                " '6000'"),
                     0);
    assert_int_equal(pbt_int(b, "SELECT count(*) FROM dim WHERE code IN"
                                " ('NEW', 'CC9')"),
                     0);
    assert_int_equal(pb_book_meta_get(b, "note", &v, &err), PB_ENOTFOUND);
    assert_int_equal(pbt_entries(b), entries);
    assert_int_equal(pbt_int(b, "SELECT count(*) FROM balance"), 0);
    /* The in-memory settings are the book's again, too. */
    assert_int_equal(pb_book_fy_start(b), 4);
    /* And the journal's caches forgot the rolled-back rows. */
    assert_int_equal(pbt_post(b, "2024-05-01 Fees; 6000 1.00; 1000", NULL,
                              &err),
                     PB_ENOTFOUND);
    pbt_post_ok(b, "2024-05-01 Fees; 5000 1.00; 1000");
    assert_int_equal(pbt_int(b, "SELECT min(id) FROM entry"), 1);
    pbt_assert_clean(b);
    pb_buf_clear(&v);
    pbt_book_done(b, path);
}

static void test_book_tx__close_with_an_open_transaction_rolls_back(
    void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_error err;

    (void)state;
    assert_int_equal(pb_book_begin(b, &err), PB_OK);
    assert_int_equal(pbt_post(b, "2024-05-01 Fees; 5000 1.00; 1000", NULL,
                              &err),
                     PB_OK);
    pb_book_close(b);
    assert_int_equal(pb_book_open(&b, path, 0, &err), PB_OK);
    assert_int_equal(pbt_entries(b), 0);
    pbt_book_done(b, path);
}

typedef struct hook_log {
    int pre_commits, rollbacks, frees;
    int fail;
} hook_log;

static int hook_pre_commit(pb_book *b, void *state, pb_error *err)
{
    hook_log *log = state;

    log->pre_commits++;
    if (log->fail)
        return pb_error_set(err, PB_ECORRUPT, "hook refuses");
    /* A flush writes inside the transaction. */
    return pb_book_meta_set(b, "hook", "flushed", err);
}

static void hook_rollback(pb_book *b, void *state)
{
    (void)b;
    ((hook_log *)state)->rollbacks++;
}

static void hook_free(void *state)
{
    ((hook_log *)state)->frees++;
}

static void test_book_tx__pre_commit_hooks_run_and_can_abort(void **state)
{
    static const pb_book_ext_ops ops = {hook_pre_commit, hook_rollback,
                                        hook_free};
    char *path;
    pb_book *b = pbt_book_new(&path);
    hook_log log = {0, 0, 0, 0};
    pb_error err;
    pb_buf v = PB_BUF_INIT;

    (void)state;
    pb_book__set_ext(b, PB_EXT_POOL, &log, &ops);
    assert_ptr_equal(pb_book__ext(b, PB_EXT_POOL), &log);
    assert_int_equal(pb_book_begin(b, &err), PB_OK);
    assert_int_equal(pb_book_commit(b, &err), PB_OK);
    assert_int_equal(log.pre_commits, 1);
    assert_int_equal(pb_book_meta_get(b, "hook", &v, &err), PB_OK);
    assert_string_equal(pb_buf_str(&v), "flushed");

    /* A read transaction has nothing to flush. */
    assert_int_equal(pb_book_begin_read(b, &err), PB_OK);
    assert_false(pb_book_in_write_tx(b));
    assert_int_equal(pb_book_commit(b, &err), PB_OK);
    assert_int_equal(log.pre_commits, 1);

    /* A failing hook rolls the whole transaction back. */
    log.fail = 1;
    assert_int_equal(pb_book_begin(b, &err), PB_OK);
    assert_int_equal(pbt_post(b, "2024-05-01 Fees; 5000 1.00; 1000", NULL,
                              &err),
                     PB_OK);
    assert_int_equal(pb_book_commit(b, &err), PB_ECORRUPT);
    assert_string_equal(err.msg, "hook refuses");
    assert_false(pb_book_in_tx(b));
    assert_int_equal(log.rollbacks, 1);
    assert_int_equal(pbt_entries(b), 0);
    assert_int_equal(pbt_int(b, "SELECT count(*) FROM balance"), 0);
    log.fail = 0;
    pbt_post_ok(b, "2024-05-01 Fees; 5000 1.00; 1000");
    pbt_assert_clean(b);
    pb_book_close(b);
    assert_int_equal(log.frees, 1);
    pb_buf_clear(&v);
    pbt_path_remove(path);
}

static void test_book_tx__tx_serial_increases_at_every_begin(void **state)
{
    char *path;
    pb_book *b = pbt_book_new(&path);
    pb_error err;
    uint64_t s0 = pb_book__tx_serial(b);

    (void)state;
    assert_int_equal(pb_book_begin_read(b, &err), PB_OK);
    assert_true(pb_book__tx_serial(b) > s0);
    pb_book_rollback(b);
    s0 = pb_book__tx_serial(b);
    assert_int_equal(pb_book_begin(b, &err), PB_OK);
    assert_true(pb_book__tx_serial(b) > s0);
    pb_book_rollback(b);
    pbt_book_done(b, path);
}

static void test_book_tx__second_writer_gets_ebusy_then_succeeds(void **state)
{
    char *path;
    pb_book *b1 = pbt_book_new(&path), *b2;
    pb_error err;

    (void)state;
    setenv("POOLBOOK_BUSY_TIMEOUT", "50", 1);
    assert_int_equal(pb_book_open(&b2, path, 0, &err), PB_OK);
    unsetenv("POOLBOOK_BUSY_TIMEOUT");

    assert_int_equal(pb_book_begin(b1, &err), PB_OK);
    pbt_post_ok(b1, "2024-05-01 First; 5000 1.00; 1000");
    assert_int_equal(pb_book_begin(b2, &err), PB_EBUSY);
    assert_non_null(strstr(err.msg, "another writer"));
    assert_false(pb_book_in_tx(b2));
    /* Readers are not blocked by the writer (WAL), and see the last
     * committed state. */
    assert_int_equal(pb_book_begin_read(b2, &err), PB_OK);
    assert_int_equal(pbt_entries(b2), 0);
    pb_book_rollback(b2);
    assert_int_equal(pb_book_commit(b1, &err), PB_OK);

    assert_int_equal(pb_book_begin(b2, &err), PB_OK);
    pbt_post_ok(b2, "2024-05-02 Second; 5000 2.00; 1000");
    assert_int_equal(pb_book_commit(b2, &err), PB_OK);
    /* Each connection continues the other's chain. */
    pbt_post_ok(b1, "2024-05-03 Third; 5000 3.00; 1000");
    assert_int_equal(pbt_entries(b1), 3);
    assert_int_equal(pbt_int(b1, "SELECT count(*) FROM entry e JOIN entry p"
                                 " ON p.id = e.id - 1 WHERE e.prev_hash ="
                                 " p.hash"),
                     2);
    pbt_assert_clean(b1);
    pbt_assert_clean(b2);
    pb_book_close(b2);
    pbt_book_done(b1, path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. create and open */
        cmocka_unit_test(
            test_book_create__file_is_0600_and_so_are_wal_and_shm),
        cmocka_unit_test(test_book_create__refuses_an_existing_file),
        cmocka_unit_test(test_book_open__refuses_a_missing_file),
        cmocka_unit_test(test_book_open__refuses_a_file_that_is_not_sqlite),
        cmocka_unit_test(
            test_book_open__refuses_an_empty_file_and_leaves_it_empty),
        cmocka_unit_test(test_book_open__refuses_another_programs_sqlite_file),
        cmocka_unit_test(test_book_open__refuses_a_newer_schema_version),
        cmocka_unit_test(test_book_open__upgrade_waits_for_a_concurrent_one),
        cmocka_unit_test(test_book_open__refuses_a_directory),
        cmocka_unit_test(test_book_open__reopen_keeps_contents_and_settings),
        cmocka_unit_test(test_book_open__readonly_reads_but_cannot_write),
        /* 2. statements */
        cmocka_unit_test(test_book_prepare__same_sql_reuses_the_statement),
        cmocka_unit_test(test_book_prepare__bad_sql_is_an_error_not_a_crash),
        cmocka_unit_test(test_book_stmt__bind_and_read_every_type),
        cmocka_unit_test(
            test_book_stmt__money_binding_refuses_fractions_and_overflow),
        cmocka_unit_test(test_book_stmt__constraint_failures_are_refusals),
        cmocka_unit_test(test_book_pb_sum__is_exact_beyond_int64),
        cmocka_unit_test(test_book_pb_sum__empty_null_text_and_groups),
        /* 3. settings */
        cmocka_unit_test(test_book_meta__get_set_and_missing),
        cmocka_unit_test(test_book_fy_start__set_until_entries_exist),
        cmocka_unit_test(test_book_fy_start__pinned_by_a_period_close),
        cmocka_unit_test(test_book_user__from_environment_or_set),
        /* 4. transactions */
        cmocka_unit_test(
            test_book_tx__commit_lands_rollback_discards_everything),
        cmocka_unit_test(
            test_book_tx__close_with_an_open_transaction_rolls_back),
        cmocka_unit_test(test_book_tx__pre_commit_hooks_run_and_can_abort),
        cmocka_unit_test(test_book_tx__tx_serial_increases_at_every_begin),
        cmocka_unit_test(test_book_tx__second_writer_gets_ebusy_then_succeeds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
