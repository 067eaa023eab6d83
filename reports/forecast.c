/*
 * forecast.c - recording forecasts per budget line and period, append-
 * only, and reading back the ones in force.
 *
 * Workload: a pool has tens to hundreds of lines and twelve month-ends a
 * year, so the table stays in the thousands of rows; a report reads one
 * or two periods of one pool.  The record in force for (line, period) is
 * the one with the highest id (ids grow with time), found through the
 * index forecast(line_id, period, id).
 */
#include "reports/forecast.h"

#include <assert.h>
#include <string.h>

#include "ledger/dim.h"

static const char *nz(const char *s)
{
    return s != NULL ? s : "";
}

static bool given(const char *s)
{
    return s != NULL && *s != '\0';
}

void pb_forecast_query_init(pb_forecast_query *q)
{
    memset(q, 0, sizeof *q);
}

/* "stream IBCF and partner SCC", "partner SCC", "no stream or partner". */
static void describe_key(pb_buf *out, const char *stream, const char *partner)
{
    if (given(stream))
        pb_buf_printf(out, "stream %s", stream);
    if (given(stream) && given(partner))
        pb_buf_puts(out, " and ");
    if (given(partner))
        pb_buf_printf(out, "partner %s", partner);
    if (!given(stream) && !given(partner))
        pb_buf_puts(out, "no stream or partner");
}

/* The scheme's budget lines in k->fy, listed for a message. */
static void list_lines(pb_book *b, const pb_budget_key *k, pb_buf *out)
{
    pb_stmt *st;
    int64_t pool = 0, scheme = 0;
    int n = 0;

    if (pb_pool_find(b, k->pool, &pool, NULL) != PB_OK ||
        pb_scheme_find(b, k->scheme, pool, &scheme, NULL) != PB_OK)
        return;
    if (pb_book_prepare(b, &st,
                        "SELECT coalesce(st.code, ''), coalesce(pa.code, '')"
                        " FROM budget_line l"
                        " LEFT JOIN dim st ON st.id = l.stream_id"
                        " LEFT JOIN stream ss ON ss.dim_id = l.stream_id"
                        " LEFT JOIN dim pa ON pa.id = l.partner_id"
                        " WHERE l.pool_id = ? AND l.fy = ? AND l.scheme_id = ?"
                        " ORDER BY coalesce(ss.display_order, -1),"
                        " coalesce(st.code, ''), coalesce(pa.code, '')",
                        NULL) != PB_OK)
        return;
    pb_stmt_bind_int(st, 1, pool);
    pb_stmt_bind_int(st, 2, k->fy);
    pb_stmt_bind_int(st, 3, scheme);
    while (pb_stmt_step(st, NULL) == PB_ROW) {
        if (n++ > 0)
            pb_buf_puts(out, "; ");
        describe_key(out, pb_stmt_text(st, 0), pb_stmt_text(st, 1));
    }
    pb_stmt_release(st);
}

/* Finds the line of k, explaining a miss. */
static int find_line(pb_book *b, const pb_budget_key *k, int64_t *line,
                     pb_error *err)
{
    pb_buf lines = PB_BUF_INIT, want = PB_BUF_INIT;
    char fy[PB_FY_STR_LEN];
    pb_error mine;
    int rc;

    pb_error_clear(&mine);
    rc = pb_budget_line_find(b, k, line, &mine);
    if (rc != PB_ENOTFOUND || strncmp(mine.msg, "no budget line", 14) != 0) {
        if (rc != PB_OK && err != NULL)
            *err = mine;
        return rc;
    }
    list_lines(b, k, &lines);
    describe_key(&want, k->stream, k->partner);
    if (lines.len > 0)
        rc = pb_error_set(err, PB_ENOTFOUND,
                          "scheme %s has no budget line with %s in %s; its "
                          "lines have %s (forecasts are recorded per budget "
                          "line: give the line's stream and partner)",
                          k->scheme, pb_buf_str(&want),
                          pb_fy_str(k->fy, pb_book_fy_start(b), fy),
                          pb_buf_str(&lines));
    else
        rc = pb_error_set(err, PB_ENOTFOUND,
                          "scheme %s has no budget in %s; set its budget "
                          "before recording a forecast",
                          k->scheme, pb_fy_str(k->fy, pb_book_fy_start(b), fy));
    pb_error_locate(err, NULL, 0, 0, "scheme");
    pb_buf_clear(&lines);
    pb_buf_clear(&want);
    return rc;
}

int pb_forecast_set(pb_book *b, const pb_forecast_def *def, int64_t batch_id,
                    pb_put_result *out, pb_error *err)
{
    char now[PB_TIMESTAMP_LEN], fy[PB_FY_STR_LEN], ps[PB_PERIOD_STR_LEN];
    pb_stmt *st;
    int64_t pence, line = 0;
    bool found = false, same = false;
    int rc, num = pb_period_num(def->period);

    assert(pb_book_in_write_tx(b));
    if (num < 1 || num > 12) {
        rc = pb_error_set(err, PB_EINVAL,
                          "a forecast is for a month-end, P1 to P12, not %s",
                          pb_period_str(def->period, pb_book_fy_start(b), ps));
        pb_error_locate(err, NULL, 0, 0, "period");
        return rc;
    }
    if (pb_period_fy(def->period) != def->key.fy) {
        rc = pb_error_set(err, PB_EINVAL, "period %s is not in %s",
                          pb_period_str(def->period, pb_book_fy_start(b), ps),
                          pb_fy_str(def->key.fy, pb_book_fy_start(b), fy));
        pb_error_locate(err, NULL, 0, 0, "period");
        return rc;
    }
    if ((rc = pb_amount_get_units(def->amount, PB_MONEY_SCALE, &pence, err)) !=
        PB_OK) {
        pb_error_locate(err, NULL, 0, 0, "amount");
        return rc;
    }
    if ((rc = find_line(b, &def->key, &line, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(b, &st,
                         "SELECT amount, note FROM forecast WHERE line_id = ?"
                         " AND period = ? ORDER BY id DESC LIMIT 1",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, line);
    pb_stmt_bind_int(st, 2, def->period);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        found = true;
        same =
            pb_stmt_int(st, 0) == pence &&
            (def->note == NULL || strcmp(pb_stmt_text(st, 1), def->note) == 0);
    }
    pb_stmt_release(st);
    if (rc < 0)
        return rc;
    if (same) {
        if (out != NULL)
            *out = PB_PUT_UNCHANGED;
        return PB_OK;
    }
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO forecast (line_id, period, amount, note,"
                         " batch_id, recorded_by, recorded_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, line);
    pb_stmt_bind_int(st, 2, def->period);
    pb_stmt_bind_int(st, 3, pence);
    pb_stmt_bind_text(st, 4, nz(def->note));
    if (batch_id != 0)
        pb_stmt_bind_int(st, 5, batch_id);
    else
        pb_stmt_bind_null(st, 5);
    pb_stmt_bind_text(st, 6, pb_book_user(b));
    pb_stmt_bind_text(st, 7, pb_book_timestamp(b, now));
    if ((rc = pb_stmt_run(st, err)) == PB_OK && out != NULL)
        *out = found ? PB_PUT_UPDATED : PB_PUT_ADDED;
    return rc;
}

/* ?1 pool, ?2 fy, ?3 period, ?4 scheme, ?5 stream, ?6 partner (ids, 0 =
 * all), ?7 known-at date or NULL, ?8 1 for every record.  A record is in
 * force when no later record of its line and period is visible. */
#define VISIBLE(f) "(?7 IS NULL OR substr(" f ".recorded_at, 1, 10) <= ?7)"
static const char each_sql[] =
    "SELECT f.id, l.id, p.code, l.fy, sd.code, coalesce(st.code, ''),"
    " coalesce(pa.code, ''), f.period, f.amount, f.note,"
    " coalesce(f.batch_id, 0), f.recorded_by, f.recorded_at,"
    " NOT EXISTS (SELECT 1 FROM forecast g WHERE g.line_id = f.line_id"
    " AND g.period = f.period AND g.id > f.id AND " VISIBLE(
        "g") ")"
             " FROM forecast f JOIN budget_line l ON l.id = f.line_id"
             " JOIN pool p ON p.id = l.pool_id"
             " JOIN dim sd ON sd.id = l.scheme_id"
             " JOIN scheme sc ON sc.dim_id = l.scheme_id"
             " LEFT JOIN dim st ON st.id = l.stream_id"
             " LEFT JOIN stream ss ON ss.dim_id = l.stream_id"
             " LEFT JOIN dim pa ON pa.id = l.partner_id"
             " WHERE (?1 = 0 OR l.pool_id = ?1) AND (?2 = 0 OR l.fy = ?2)"
             " AND (?3 = 0 OR f.period = ?3) AND (?4 = 0 OR l.scheme_id = ?4)"
             " AND (?5 = 0 OR l.stream_id = ?5) AND (?6 = 0 OR l.partner_id = "
             "?6)"
             " AND " VISIBLE("f") " AND (?8 = 1 OR NOT EXISTS (SELECT 1 FROM"
                                  " forecast g WHERE g.line_id = f.line_id AND "
                                  "g.period = f.period"
                                  " AND g.id > f.id AND " VISIBLE(
                                      "g") "))"
                                           " ORDER BY f.period, p.code, "
                                           "sc.display_order, sd.code,"
                                           " coalesce(ss.display_order, -1), "
                                           "coalesce(st.code, ''),"
                                           " coalesce(pa.code, ''), f.id";

int pb_forecast_each(pb_book *b, const pb_forecast_query *q,
                     int (*fn)(const pb_forecast_info *f, void *ud), void *ud,
                     pb_error *err)
{
    int64_t pool = 0, scheme = 0, stream = 0, partner = 0;
    char known[PB_DATE_ISO_LEN];
    pb_forecast_info f;
    pb_amount amount;
    pb_stmt *st;
    int rc = PB_OK;

    if (given(q->pool))
        rc = pb_pool_find(b, q->pool, &pool, err);
    if (rc == PB_OK && given(q->scheme))
        rc = pb_dim_find(b, PB_DIM_SCHEME, q->scheme, &scheme, err);
    if (rc == PB_OK && given(q->stream))
        rc = pb_dim_find(b, PB_DIM_STREAM, q->stream, &stream, err);
    if (rc == PB_OK && given(q->partner))
        rc = pb_dim_find(b, PB_DIM_PARTNER, q->partner, &partner, err);
    if (rc != PB_OK)
        return rc;
    if ((rc = pb_book_prepare(b, &st, each_sql, err)) != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, pool);
    pb_stmt_bind_int(st, 2, q->fy);
    pb_stmt_bind_int(st, 3, q->period);
    pb_stmt_bind_int(st, 4, scheme);
    pb_stmt_bind_int(st, 5, stream);
    pb_stmt_bind_int(st, 6, partner);
    pb_stmt_bind_text(st, 7,
                      q->has_known_at ? pb_date_iso(q->known_at, known) : NULL);
    pb_stmt_bind_int(st, 8, q->history ? 1 : 0);
    pb_amount_init(&amount);
    f.amount = &amount;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        f.id = pb_stmt_int(st, 0);
        f.line_id = pb_stmt_int(st, 1);
        f.pool = pb_stmt_text(st, 2);
        f.fy = (int)pb_stmt_int(st, 3);
        f.scheme = pb_stmt_text(st, 4);
        f.stream = pb_stmt_text(st, 5);
        f.partner = pb_stmt_text(st, 6);
        f.period = (pb_period)pb_stmt_int(st, 7);
        pb_stmt_money(st, 8, &amount);
        f.note = pb_stmt_text(st, 9);
        f.batch_id = pb_stmt_int(st, 10);
        f.recorded_by = pb_stmt_text(st, 11);
        f.recorded_at = pb_stmt_text(st, 12);
        f.in_force = pb_stmt_int(st, 13) != 0;
        if ((rc = fn(&f, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_amount_clear(&amount);
    return rc == PB_DONE ? PB_OK : rc;
}
