/*
 * test_period.c - ledger/period: closing and reopening periods, the log.
 *
 *   1. close: posting refused, other periods unaffected, twice refused
 *   2. reopen: needs a reason, allows posting again
 *   3. the log: every close and reopen with who, when and why
 *   4. listing: P1..P12 always, P0 and P13..P16 when used
 *   5. caches: a close seen in the same transaction and by another
 *      connection
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/book.h"
#include "ledger/period.h"
#include "tests/support/support.h"

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = pbt_book_new(&f->path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    pbt_book_done(f->b, f->path);
    free(f);
    return 0;
}

static int close_p(fixture *f, pb_period p, const char *reason)
{
    int rc;

    pb_error_clear(&f->err);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    rc = pb_period_close(f->b, p, reason, &f->err);
    if (rc == PB_OK)
        rc = pb_book_commit(f->b, &f->err);
    else
        pb_book_rollback(f->b);
    return rc;
}

static int reopen_p(fixture *f, pb_period p, const char *reason)
{
    int rc;

    pb_error_clear(&f->err);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    rc = pb_period_reopen(f->b, p, reason, &f->err);
    if (rc == PB_OK)
        rc = pb_book_commit(f->b, &f->err);
    else
        pb_book_rollback(f->b);
    return rc;
}

static bool is_closed(fixture *f, pb_period p)
{
    bool closed = false;

    assert_int_equal(pb_period_is_closed(f->b, p, &closed, &f->err), PB_OK);
    return closed;
}

/* ---- 1. close ------------------------------------------------------------ */

static void test_period_close__then_posting_is_refused(void **state)
{
    fixture *f = *state;
    int64_t entries;

    pbt_post_ok(f->b, "2024-09-10 Before close; 5000 10.00; 1000");
    assert_false(is_closed(f, 202406));
    assert_int_equal(close_p(f, 202406, NULL), PB_OK);
    assert_true(is_closed(f, 202406));
    entries = pbt_entries(f->b);
    assert_int_equal(pbt_post(f->b, "2024-09-30 Late; 5000 1.00; 1000", NULL,
                              &f->err),
                     PB_ECLOSED);
    assert_non_null(strstr(f->err.msg, "period 2024-25 P06 is closed"));
    assert_int_equal(pbt_entries(f->b), entries);
    /* The neighbours are open; so is the same month a year later. */
    pbt_post_ok(f->b, "2024-08-31 Prior month; 5000 1.00; 1000");
    pbt_post_ok(f->b, "2024-10-01 Next month; 5000 1.00; 1000");
    pbt_post_ok(f->b, "2025-09-15 Next year; 5000 1.00; 1000");
    pbt_assert_clean(f->b);
}

static void test_period_close__twice_is_refused(void **state)
{
    fixture *f = *state;

    assert_int_equal(close_p(f, 202406, NULL), PB_OK);
    assert_int_equal(close_p(f, 202406, NULL), PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "already closed"));
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM period_log"), 1);
}

static void test_period_close__adjustment_periods_too(void **state)
{
    fixture *f = *state;

    assert_int_equal(close_p(f, 202413, "year end"), PB_OK);
    assert_int_equal(pbt_post(f->b, "2025-03-31@P13 Accrual; 5000 1.00; 2000",
                              NULL, &f->err),
                     PB_ECLOSED);
    /* P12 on the same date is still open. */
    pbt_post_ok(f->b, "2025-03-31 March; 5000 1.00; 2000");
    assert_int_equal(close_p(f, 202417, NULL), PB_EINVAL);
    assert_int_equal(close_p(f, -5, NULL), PB_EINVAL);
}

/* ---- 2. reopen ------------------------------------------------------------ */

static void test_period_reopen__requires_a_reason(void **state)
{
    fixture *f = *state;

    assert_int_equal(close_p(f, 202406, NULL), PB_OK);
    assert_int_equal(reopen_p(f, 202406, NULL), PB_EINVAL);
    assert_non_null(strstr(f->err.msg, "needs a reason"));
    assert_int_equal(reopen_p(f, 202406, ""), PB_EINVAL);
    assert_true(is_closed(f, 202406));
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM period_log"), 1);
    assert_int_equal(reopen_p(f, 202406, "late invoice from provider"),
                     PB_OK);
    assert_false(is_closed(f, 202406));
    pbt_post_ok(f->b, "2024-09-30 Late invoice; 5000 1.00; 1000");
    pbt_assert_clean(f->b);
}

static void test_period_reopen__an_open_period_is_refused(void **state)
{
    fixture *f = *state;

    assert_int_equal(reopen_p(f, 202406, "why not"), PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "is not closed"));
    assert_int_equal(close_p(f, 202406, NULL), PB_OK);
    assert_int_equal(reopen_p(f, 202406, "reason"), PB_OK);
    assert_int_equal(reopen_p(f, 202406, "again"), PB_EREFUSED);
}

/* ---- 3. the log ------------------------------------------------------------ */

typedef struct log_rows {
    int n;
    pb_period period[8];
    char action[8][16], reason[8][64], by[8][32], at[8][32];
} log_rows;

static int collect_log(const pb_period_log_info *info, void *ud)
{
    log_rows *r = ud;

    assert_true(r->n < 8);
    r->period[r->n] = info->period;
    snprintf(r->action[r->n], sizeof r->action[0], "%s", info->action);
    snprintf(r->reason[r->n], sizeof r->reason[0], "%s", info->reason);
    snprintf(r->by[r->n], sizeof r->by[0], "%s", info->by);
    snprintf(r->at[r->n], sizeof r->at[0], "%s", info->at);
    r->n++;
    return 0;
}

static int stop_after_one(const pb_period_log_info *info, void *ud)
{
    (void)info;
    (*(int *)ud)++;
    return 42;
}

static void test_period_log__records_close_and_reopen_with_user(void **state)
{
    fixture *f = *state;
    log_rows r;
    int calls = 0;

    memset(&r, 0, sizeof r);
    pb_book_set_user(f->b, "finance.manager");
    assert_int_equal(close_p(f, 202406, NULL), PB_OK);
    pb_book_set_user(f->b, "chief.accountant");
    setenv("POOLBOOK_NOW", "2024-10-15T12:00:00Z", 1);
    assert_int_equal(reopen_p(f, 202406, "late invoice"), PB_OK);
    assert_int_equal(close_p(f, 202406, "done"), PB_OK);
    pbt_env();
    assert_int_equal(pb_period_log_each(f->b, collect_log, &r, &f->err),
                     PB_OK);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.period[0], 202406);
    assert_string_equal(r.action[0], "close");
    assert_string_equal(r.reason[0], "");
    assert_string_equal(r.by[0], "finance.manager");
    assert_string_equal(r.at[0], PBT_NOW);
    assert_string_equal(r.action[1], "reopen");
    assert_string_equal(r.reason[1], "late invoice");
    assert_string_equal(r.by[1], "chief.accountant");
    assert_string_equal(r.at[1], "2024-10-15T12:00:00Z");
    assert_string_equal(r.action[2], "close");
    assert_string_equal(r.reason[2], "done");
    /* A non-zero return from the callback stops and is returned. */
    assert_int_equal(pb_period_log_each(f->b, stop_after_one, &calls,
                                        &f->err),
                     42);
    assert_int_equal(calls, 1);
    /* The log is append-only. */
    assert_int_equal(pb_book_exec(f->b, "DELETE FROM period_log", &f->err),
                     PB_EREFUSED);
}

static void test_period_log__rolled_back_close_leaves_no_trace(void **state)
{
    fixture *f = *state;
    log_rows r;

    memset(&r, 0, sizeof r);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_period_close(f->b, 202406, NULL, &f->err), PB_OK);
    pb_book_rollback(f->b);
    assert_false(is_closed(f, 202406));
    assert_int_equal(pb_period_log_each(f->b, collect_log, &r, &f->err),
                     PB_OK);
    assert_int_equal(r.n, 0);
    pbt_post_ok(f->b, "2024-09-30 Open after all; 5000 1.00; 1000");
}

/* ---- 4. listing ------------------------------------------------------------ */

typedef struct period_rows {
    int n;
    pb_period period[17];
    bool closed[17];
    int64_t entries[17];
    char by[17][32];
} period_rows;

static int collect_periods(const pb_period_info *info, void *ud)
{
    period_rows *r = ud;

    assert_true(r->n < 17);
    r->period[r->n] = info->period;
    r->closed[r->n] = info->closed;
    r->entries[r->n] = info->entries;
    snprintf(r->by[r->n], sizeof r->by[0], "%s", info->changed_by);
    r->n++;
    return 0;
}

static void test_period_each__months_always_adjustments_when_used(
    void **state)
{
    fixture *f = *state;
    period_rows r;
    int i;

    memset(&r, 0, sizeof r);
    assert_int_equal(pb_period_each(f->b, 2024, collect_periods, &r, &f->err),
                     PB_OK);
    assert_int_equal(r.n, 12);
    for (i = 0; i < 12; i++) {
        assert_int_equal(r.period[i], 202401 + i);
        assert_false(r.closed[i]);
        assert_int_equal(r.entries[i], 0);
        assert_string_equal(r.by[i], "");
    }

    pbt_post_ok(f->b, "2024-04-01@P0 Opening; 1000 5.00; 3000");
    pbt_post_ok(f->b, "2024-09-10 A; 5000 1.00; 1000");
    pbt_post_ok(f->b, "2024-09-11 B; 5000 1.00; 1000");
    pbt_post_ok(f->b, "2025-03-31@P14 Adj; 5000 1.00; 2000");
    assert_int_equal(close_p(f, 202406, NULL), PB_OK);
    assert_int_equal(close_p(f, 202416, NULL), PB_OK);

    memset(&r, 0, sizeof r);
    assert_int_equal(pb_period_each(f->b, 2024, collect_periods, &r, &f->err),
                     PB_OK);
    assert_int_equal(r.n, 15); /* P0, P1..P12, P14, P16 */
    assert_int_equal(r.period[0], 202400);
    assert_int_equal(r.entries[0], 1);
    assert_int_equal(r.period[6], 202406);
    assert_true(r.closed[6]);
    assert_int_equal(r.entries[6], 2);
    assert_string_equal(r.by[6], PBT_USER);
    assert_int_equal(r.period[13], 202414);
    assert_int_equal(r.entries[13], 1);
    assert_false(r.closed[13]);
    assert_int_equal(r.period[14], 202416);
    assert_true(r.closed[14]);
    assert_int_equal(r.entries[14], 0);

    /* Another year is untouched. */
    memset(&r, 0, sizeof r);
    assert_int_equal(pb_period_each(f->b, 2025, collect_periods, &r, &f->err),
                     PB_OK);
    assert_int_equal(r.n, 12);
    for (i = 0; i < 12; i++)
        assert_false(r.closed[i]);
}

/* ---- 5. caches -------------------------------------------------------------- */

static void test_period_close__seen_by_a_post_in_the_same_transaction(
    void **state)
{
    fixture *f = *state;

    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    /* The journal caches P06 as open ... */
    assert_int_equal(pbt_post(f->b, "2024-09-10 A; 5000 1.00; 1000", NULL,
                              &f->err),
                     PB_OK);
    assert_int_equal(pb_period_close(f->b, 202406, NULL, &f->err), PB_OK);
    /* ... and must notice the close. */
    assert_int_equal(pbt_post(f->b, "2024-09-11 B; 5000 1.00; 1000", NULL,
                              &f->err),
                     PB_ECLOSED);
    assert_int_equal(pb_period_reopen(f->b, 202406, "correction", &f->err),
                     PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-09-12 C; 5000 1.00; 1000", NULL,
                              &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_entries(f->b), 2);
    pbt_assert_clean(f->b);
}

static void test_period_close__by_another_connection_is_seen(void **state)
{
    fixture *f = *state;
    pb_book *other;

    pbt_post_ok(f->b, "2024-09-10 A; 5000 1.00; 1000");
    assert_int_equal(pb_book_open(&other, f->path, 0, &f->err), PB_OK);
    assert_int_equal(pb_book_begin(other, &f->err), PB_OK);
    assert_int_equal(pb_period_close(other, 202406, NULL, &f->err), PB_OK);
    assert_int_equal(pb_book_commit(other, &f->err), PB_OK);
    pb_book_close(other);
    assert_int_equal(pbt_post(f->b, "2024-09-11 B; 5000 1.00; 1000", NULL,
                              &f->err),
                     PB_ECLOSED);
    pbt_assert_clean(f->b);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. close */
        T(test_period_close__then_posting_is_refused),
        T(test_period_close__twice_is_refused),
        T(test_period_close__adjustment_periods_too),
        /* 2. reopen */
        T(test_period_reopen__requires_a_reason),
        T(test_period_reopen__an_open_period_is_refused),
        /* 3. the log */
        T(test_period_log__records_close_and_reopen_with_user),
        T(test_period_log__rolled_back_close_leaves_no_trace),
        /* 4. listing */
        T(test_period_each__months_always_adjustments_when_used),
        /* 5. caches */
        T(test_period_close__seen_by_a_post_in_the_same_transaction),
        T(test_period_close__by_another_connection_is_seen),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
