/*
 * test_forecast.c - reports/forecast and `poolbook load forecasts`:
 * forecasts recorded per budget line and month-end, append-only.
 *
 *   1. set: added, unchanged (nothing written), corrected (a new record,
 *      the old one kept); the record in force; notes
 *   2. refusals: period outside P1..P12 or the line's year, a scheme
 *      budgeted per stream and partner given without them, unknown codes,
 *      more than 2 decimal places; nothing written
 *   3. reading: in force, history, as known on a date, filters
 *   4. the loader: a good file, idempotent reload, corrections, located
 *      errors "FILE:LINE: field: what", all or nothing, dump round trip
 *   5. the database refuses edits (triggers) and `check` verifies them
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ledger/check.h"
#include "reports/forecast.h"
#include "tests/reports/books.h"

static const char *const files[] = {"partners", "pools",     "streams",
                                    "schemes",  "accounts",  "profiles",
                                    "budgets",  "virements", "contributions",
                                    "outturns", "postings"};

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = book_load(&f->path, "bcf-2024-25", files, COUNT(files));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    unsetenv("POOLBOOK_NOW");
    book_done(f->b, f->path);
    free(f);
    return 0;
}

static int64_t forecasts(fixture *f)
{
    return pbt_int(f->b, "SELECT count(*) FROM forecast");
}

/* Sets one forecast in its own transaction; returns the code. */
static int set(fixture *f, const char *scheme, const char *stream,
               const char *partner, int period, const char *amount,
               const char *note, pb_put_result *res)
{
    pb_forecast_def d;
    pb_amount a;
    int rc;

    pb_amount_init(&a);
    pbt_amount_set(&a, amount);
    memset(&d, 0, sizeof d);
    d.key.pool = "BCF";
    d.key.fy = 2024;
    d.key.scheme = scheme;
    d.key.stream = stream;
    d.key.partner = partner;
    d.period = pb_period_make(2024, period);
    d.amount = &a;
    d.note = note;
    pb_error_clear(&f->err);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    rc = pb_forecast_set(f->b, &d, 0, res, &f->err);
    if (rc == PB_OK)
        assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    else
        pb_book_rollback(f->b);
    pb_amount_clear(&a);
    return rc;
}

/* ---- 1. set
 * ------------------------------------------------------------------ */

static void test_forecast_set__added_unchanged_corrected(void **state)
{
    fixture *f = *state;
    pb_put_result res;

    assert_int_equal(set(f, "LD", "MIN-NHS", "ICB", 6, "1970000",
                         "two "
                         "placements",
                         &res),
                     PB_OK);
    assert_int_equal(res, PB_PUT_ADDED);
    assert_int_equal(forecasts(f), 1);
    /* The same figure and note: nothing. */
    assert_int_equal(set(f, "LD", "MIN-NHS", "ICB", 6, "1970000.00",
                         "two "
                         "placements",
                         &res),
                     PB_OK);
    assert_int_equal(res, PB_PUT_UNCHANGED);
    /* No note given: compared by amount only. */
    assert_int_equal(set(f, "LD", "MIN-NHS", "ICB", 6, "1970000", NULL, &res),
                     PB_OK);
    assert_int_equal(res, PB_PUT_UNCHANGED);
    assert_int_equal(forecasts(f), 1);
    /* A correction is a new record; the old one is kept. */
    assert_int_equal(set(f, "LD", "MIN-NHS", "ICB", 6, "1980000", NULL, &res),
                     PB_OK);
    assert_int_equal(res, PB_PUT_UPDATED);
    assert_int_equal(forecasts(f), 2);
    assert_int_equal(pbt_int(f->b, "SELECT amount FROM forecast ORDER BY id"
                                   " LIMIT 1"),
                     197000000);
    /* Another period of the same line is another forecast. */
    assert_int_equal(set(f, "LD", "MIN-NHS", "ICB", 5, "1980000", NULL, &res),
                     PB_OK);
    assert_int_equal(res, PB_PUT_ADDED);
    /* Who and when. */
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM forecast WHERE"
                                   " recorded_by = 'tester' AND recorded_at"
                                   " = '" PBT_NOW "'"),
                     3);
}

/* ---- 2. refusals
 * --------------------------------------------------------------- */

static void test_forecast_set__refusals_write_nothing(void **state)
{
    fixture *f = *state;
    pb_put_result res;
    pb_forecast_def d;
    pb_amount a;

    /* Learning Disability is budgeted per stream and partner. */
    assert_int_equal(set(f, "LD", NULL, NULL, 6, "4300000", NULL, &res),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.field, "scheme");
    assert_non_null(strstr(f->err.msg, "stream MIN-NHS and partner ICB; "
                                       "stream IBCF and partner SCC"));
    assert_int_equal(set(f, "LD", "DFG", "SCC", 6, "1", NULL, &res),
                     PB_ENOTFOUND);
    assert_non_null(strstr(f->err.msg, "no budget line with stream DFG and "
                                       "partner SCC"));
    assert_int_equal(set(f, "LDX", NULL, NULL, 6, "1", NULL, &res),
                     PB_ENOTFOUND);
    assert_non_null(strstr(f->err.msg, "did you mean \"LD\""));
    assert_int_equal(set(f, "LD", "MIN-NHS", "ICB", 6, "1.005", NULL, &res),
                     PB_EINVAL);
    assert_string_equal(f->err.field, "amount");
    /* P0 and P13 are not month-ends; P06 of another year is not this
     * line's. */
    assert_int_equal(set(f, "LD", "MIN-NHS", "ICB", 0, "1", NULL, &res),
                     PB_EINVAL);
    assert_string_equal(f->err.field, "period");
    assert_int_equal(set(f, "LD", "MIN-NHS", "ICB", 13, "1", NULL, &res),
                     PB_EINVAL);
    pb_amount_init(&a);
    pbt_amount_set(&a, "1");
    memset(&d, 0, sizeof d);
    d.key.pool = "BCF";
    d.key.fy = 2024;
    d.key.scheme = "LD";
    d.key.stream = "MIN-NHS";
    d.key.partner = "ICB";
    d.period = pb_period_make(2025, 6);
    d.amount = &a;
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_forecast_set(f->b, &d, 0, &res, &f->err), PB_EINVAL);
    assert_non_null(strstr(f->err.msg, "is not in 2024-25"));
    pb_book_rollback(f->b);
    pb_amount_clear(&a);
    assert_int_equal(forecasts(f), 0);
}

/* ---- 3. reading
 * ------------------------------------------------------------------ */

typedef struct seen {
    char rows[8][128];
    int n;
} seen;

static int seen_fn(const pb_forecast_info *fi, void *ud)
{
    seen *s = ud;
    char *a = pb_amount_to_string(fi->amount);

    if (s->n < 8)
        snprintf(s->rows[s->n], sizeof s->rows[0], "%d %s %s %s %s%s",
                 (int)pb_period_num(fi->period), fi->scheme, fi->stream,
                 fi->partner, a, fi->in_force ? " *" : "");
    s->n++;
    free(a);
    return 0;
}

static void test_forecast_each__in_force_history_known_at(void **state)
{
    fixture *f = *state;
    pb_forecast_query q;
    pb_put_result res;
    seen s;

    setenv("POOLBOOK_NOW", "2024-10-08T09:00:00Z", 1);
    set(f, "LD", "MIN-NHS", "ICB", 6, "1970000", NULL, &res);
    set(f, "DP", "IBCF", "SCC", 6, "180000", NULL, &res);
    setenv("POOLBOOK_NOW", "2024-10-10T09:00:00Z", 1);
    set(f, "LD", "MIN-NHS", "ICB", 6, "1980000", NULL, &res);
    set(f, "LD", "MIN-NHS", "ICB", 5, "1940000", NULL, &res);

    pb_forecast_query_init(&q);
    memset(&s, 0, sizeof s);
    assert_int_equal(pb_forecast_each(f->b, &q, seen_fn, &s, &f->err), PB_OK);
    assert_int_equal(s.n, 3);
    /* By period, then report order: LD (order 6) before DP (order 7). */
    assert_string_equal(s.rows[0], "5 LD MIN-NHS ICB 1940000.00 *");
    assert_string_equal(s.rows[1], "6 LD MIN-NHS ICB 1980000.00 *");
    assert_string_equal(s.rows[2], "6 DP IBCF SCC 180000.00 *");

    q.history = true;
    q.period = pb_period_make(2024, 6);
    memset(&s, 0, sizeof s);
    assert_int_equal(pb_forecast_each(f->b, &q, seen_fn, &s, &f->err), PB_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.rows[0], "6 LD MIN-NHS ICB 1970000.00");
    assert_string_equal(s.rows[1], "6 LD MIN-NHS ICB 1980000.00 *");

    /* As known on 9 October: the first LD figure, and no P5 yet. */
    q.history = false;
    q.period = 0;
    q.has_known_at = true;
    q.known_at = pbt_date("2024-10-09");
    memset(&s, 0, sizeof s);
    assert_int_equal(pb_forecast_each(f->b, &q, seen_fn, &s, &f->err), PB_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.rows[0], "6 LD MIN-NHS ICB 1970000.00 *");

    /* Filters. */
    pb_forecast_query_init(&q);
    q.partner = "SCC";
    memset(&s, 0, sizeof s);
    assert_int_equal(pb_forecast_each(f->b, &q, seen_fn, &s, &f->err), PB_OK);
    assert_int_equal(s.n, 1);
    q.partner = "NOPE";
    assert_int_equal(pb_forecast_each(f->b, &q, seen_fn, &s, &f->err),
                     PB_ENOTFOUND);
}

/* ---- 4. the loader
 * ----------------------------------------------------------------- */

static int load(fixture *f, const char *csv, pb_load_result *res)
{
    pb_error_clear(&f->err);
    return pb_load_mem(f->b, PB_LOAD_FORECASTS, "f.csv", csv, strlen(csv), 0,
                       res, &f->err);
}

static const char *where(fixture *f)
{
    static char buf[700];

    return pb_error_format(&f->err, buf, sizeof buf);
}

static void test_load_forecasts__the_sample_file(void **state)
{
    fixture *f = *state;
    pb_load_result res;
    int64_t batches;

    assert_int_equal(pb_load_file(f->b, PB_LOAD_FORECASTS,
                                  "fixtures/bcf-2024-25/forecasts.csv", 0, &res,
                                  &f->err),
                     PB_OK);
    assert_int_equal(res.rows, 40);
    assert_int_equal(res.added, 40);
    assert_int_equal(forecasts(f), 40);
    assert_int_equal(pbt_int(f->b, "SELECT count(DISTINCT batch_id) FROM"
                                   " forecast"),
                     1);
    /* Again: nothing written, not even a batch. */
    batches = pbt_int(f->b, "SELECT count(*) FROM batch");
    assert_int_equal(pb_load_file(f->b, PB_LOAD_FORECASTS,
                                  "fixtures/bcf-2024-25/forecasts.csv", 0, &res,
                                  &f->err),
                     PB_OK);
    assert_int_equal(res.unchanged, 40);
    assert_int_equal(res.batch_id, 0);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM batch"), batches);
    assert_int_equal(forecasts(f), 40);
}

/* Periods with their own year or the fy column; corrections counted as
 * updated; the dump loads back unchanged. */
static void test_load_forecasts__periods_corrections_dump(void **state)
{
    fixture *f = *state;
    pb_load_result res;
    pb_buf dump = PB_BUF_INIT;

    assert_int_equal(load(f,
                          "pool,fy,period,scheme,stream,partner,amount,note\n"
                          "BCF,2024-25,P06,LD,MIN-NHS,ICB,\"1,970,000\",a\n"
                          "BCF,,2024-25 P05,LD,MIN-NHS,ICB,1940000,b\n"
                          "BCF,2024/25,202404,DP,IBCF,SCC,(0.50),c\n",
                          &res),
                     PB_OK);
    assert_int_equal(res.added, 3);
    assert_int_equal(load(f,
                          "Pool,Period,Scheme,Stream,Partner,Forecast\n"
                          "BCF,2024-25 P06,LD,MIN-NHS,ICB,1980000\n"
                          "BCF,2024-25 P05,LD,MIN-NHS,ICB,1940000\n",
                          &res),
                     PB_OK);
    assert_int_equal(res.updated, 1);
    assert_int_equal(res.unchanged, 1);
    assert_int_equal(forecasts(f), 4);
    assert_int_equal(
        pb_load_dump(f->b, PB_LOAD_FORECASTS, NULL, &dump, &f->err), PB_OK);
    assert_string_equal(pb_buf_str(&dump),
                        "pool,fy,period,scheme,stream,partner,amount,note\n"
                        "BCF,2024-25,P04,DP,IBCF,SCC,-0.50,c\n"
                        "BCF,2024-25,P05,LD,MIN-NHS,ICB,1940000.00,b\n"
                        "BCF,2024-25,P06,LD,MIN-NHS,ICB,1980000.00,\n");
    assert_int_equal(load(f, pb_buf_str(&dump), &res), PB_OK);
    assert_int_equal(res.unchanged, 3);
    assert_int_equal(res.batch_id, 0);
    pb_buf_clear(&dump);
}

/* Each bad row is located FILE:LINE: field, and a bad row anywhere in the
 * file leaves the book exactly as it was: one transaction. */
static void test_load_forecasts__located_errors_all_or_nothing(void **state)
{
    static const struct {
        const char *csv, *want;
    } cases[] = {
        {"pool,fy,period,scheme,stream,partner,amount\n"
         "BCF,2024-25,P06,CARERS,MIN-NHS,ICB,1240000\n"
         "BCF,2024-25,P06,LD,MIN-NHS,ICB,1.005\n",
         "f.csv:3: amount: "},
        {"pool,fy,period,scheme,stream,partner,amount\n"
         "BCF,2024-25,P06,CARERS,MIN-NHS,ICB,1240000\n"
         "BCF,2024-25,P13,LD,MIN-NHS,ICB,1\n",
         "f.csv:3: period: a forecast is for a month-end, P1 to P12"},
        {"pool,period,scheme,stream,partner,amount\n"
         "BCF,2024-25 P06,CARERS,MIN-NHS,ICB,1240000\n"
         "BCF,P06,LD,MIN-NHS,ICB,1\n",
         "f.csv:3: period: \"P06\" needs its year"},
        {"pool,fy,period,scheme,stream,partner,amount\n"
         "BCF,2023-24,2024-25 P06,LD,MIN-NHS,ICB,1\n",
         "f.csv:2: period: period \"2024-25 P06\" is in 2024-25, but fy "
         "says 2023-24"},
        {"pool,fy,period,scheme,stream,partner,amount\n"
         "BCF,2024-25,P06,CARERS,MIN-NHS,ICB,1240000\n"
         "BCF,2024-25,P06,LD,,,4300000\n",
         "f.csv:3: scheme: scheme LD has no budget line with no stream or "
         "partner"},
        {"pool,fy,period,scheme,stream,partner,amount\n"
         "BCF,2024-25,P06,CARERS,MIN-NHS,ICB,1240000\n"
         "BCF,2024-25,P06,CARERS,MIN-NHS,ICB,1250000\n",
         "f.csv:3: scheme: a forecast for this line and period is given "
         "twice (first at line 2)"},
        {"pool,fy,period,scheme,stream,partner,amount\n"
         "BFC,2024-25,P06,CARERS,MIN-NHS,ICB,1240000\n",
         "f.csv:2: pool: unknown pool \"BFC\""},
        {"pool,fy,period,scheme,stream,partner\n"
         "BCF,2024-25,P06,CARERS,MIN-NHS,ICB\n",
         "f.csv:1: missing column \"amount\""},
        {"pool,fy,period,schem,stream,partner,amount\n",
         "f.csv:1: unknown column \"schem\" (did you mean \"scheme\"?)"},
    };
    fixture *f = *state;
    pb_load_result res;
    int64_t batches = pbt_int(f->b, "SELECT count(*) FROM batch");
    size_t i;

    for (i = 0; i < COUNT(cases); i++) {
        assert_int_not_equal(load(f, cases[i].csv, &res), PB_OK);
        if (strncmp(where(f), cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("case %zu: \"%s\", want \"%s...\"", i, where(f),
                     cases[i].want);
        assert_int_equal(forecasts(f), 0);
        assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM batch"), batches);
    }
}

/* ---- 5. append-only
 * ----------------------------------------------------------------- */

static void test_forecast__database_refuses_edits(void **state)
{
    fixture *f = *state;
    pb_put_result res;
    pbt_check c;

    set(f, "LD", "MIN-NHS", "ICB", 6, "1970000", NULL, &res);
    assert_int_equal(
        pb_book_exec(f->b, "UPDATE forecast SET amount = 1", &f->err),
        PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "record a new forecast"));
    assert_int_equal(pb_book_exec(f->b, "DELETE FROM forecast", &f->err),
                     PB_EREFUSED);
    pbt_assert_clean(f->b);
    /* A trigger dropped is found by check. */
    pbt_exec(f->b, "DROP TRIGGER forecast_no_delete");
    pbt_check_run(f->b, &c);
    assert_true(pbt_check_find(&c, "triggers", 0) >= 0);
    assert_non_null(strstr(c.p[pbt_check_find(&c, "triggers", 0)].detail,
                           "forecast_no_delete"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_forecast_set__added_unchanged_corrected),
        T(test_forecast_set__refusals_write_nothing),
        T(test_forecast_each__in_force_history_known_at),
        T(test_load_forecasts__the_sample_file),
        T(test_load_forecasts__periods_corrections_dump),
        T(test_load_forecasts__located_errors_all_or_nothing),
        T(test_forecast__database_refuses_edits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
