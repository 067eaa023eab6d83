/*
 * pool_report.c - `report pool`: DOMAIN layout E, what each partner
 * plans to put into the pool, stream by stream, and what has come in.
 *
 * Planned: the pool's contributions for the as-at year (ledger/budget.h).
 * Received to date: net credits to income accounts with that partner and
 * stream, from P0 to the as-at point (the balance cache, grouped by
 * stream and partner).  A contribution planned without a stream receives
 * the partner's income on streams it has no plan for (and on none).  The
 * pool's income that no plan covers - a partner and stream nobody planned
 * - gets a row of its own, "not planned", so the received column adds up
 * to all the pool's income.
 *
 * Invariants: the total row is the sum of the unrounded rows; % received
 * is received / planned, blank where nothing was planned.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/budget.h"
#include "reports/report.h"
#include "reports/report_int.h"

enum { C_STREAM, C_PARTNER, C_PLANNED, C_RECEIVED, C_PCT, C_TODO };

typedef struct pl_row {
    int64_t partner, stream; /* stream 0: planned for no stream */
    int order;               /* the stream's display order */
    const char *pcode;       /* the partner's code, for sorting */
    bool planned;            /* false: income nobody planned */
    pb_amount plan, received;
} pl_row;

typedef struct pl_ctx {
    const pb_report__names *names;
    pl_row *r;
    size_t n, cap;
    int64_t *stream_id; /* the pool's streams, in display order */
    size_t nstreams;
} pl_ctx;

static pl_row *row_add(pl_ctx *c, int64_t partner, int64_t stream, bool planned)
{
    pl_row *r;
    size_t i;

    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->r = pb_xrealloc(c->r, c->cap * sizeof *c->r);
    }
    r = &c->r[c->n++];
    memset(r, 0, sizeof *r);
    r->partner = partner;
    r->stream = stream;
    r->planned = planned;
    r->pcode = pb_report__code(c->names, partner);
    r->order = stream == 0 ? -1 : (int)c->nstreams;
    for (i = 0; i < c->nstreams; i++) {
        if (c->stream_id[i] == stream)
            r->order = (int)i;
    }
    pb_amount_init(&r->plan);
    pb_amount_init(&r->received);
    pb_amount_set_units(&r->plan, 0, PB_MONEY_SCALE);
    pb_amount_set_units(&r->received, 0, PB_MONEY_SCALE);
    return r;
}

static int stream_fn(const pb_stream_info *info, void *ud)
{
    pl_ctx *c = ud;

    c->stream_id =
        pb_xrealloc(c->stream_id, (c->nstreams + 1) * sizeof *c->stream_id);
    c->stream_id[c->nstreams++] = info->id;
    return 0;
}

static int contribution_fn(const pb_contribution_info *ci, void *ud)
{
    pl_ctx *c = ud;
    pl_row *r =
        row_add(c, pb_report__id(c->names, PB_DIM_PARTNER, ci->partner),
                pb_report__id(c->names, PB_DIM_STREAM, ci->stream), true);

    pb_amount_set(&r->plan, ci->amount);
    return 0;
}

static bool pool_stream(const pl_ctx *c, int64_t stream)
{
    size_t i;

    for (i = 0; i < c->nstreams; i++) {
        if (c->stream_id[i] == stream)
            return true;
    }
    return false;
}

/* The row that receives income from (partner, stream): the plan for that
 * stream, else the partner's plan without a stream, else a "not planned"
 * row (made on first use). */
static pl_row *receiver(pl_ctx *c, int64_t partner, int64_t stream)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (c->r[i].planned && c->r[i].partner == partner &&
            c->r[i].stream == stream && stream != 0)
            return &c->r[i];
    }
    for (i = 0; i < c->n; i++) {
        if (c->r[i].planned && c->r[i].partner == partner &&
            c->r[i].stream == 0)
            return &c->r[i];
    }
    for (i = 0; i < c->n; i++) {
        if (!c->r[i].planned && c->r[i].partner == partner &&
            c->r[i].stream == stream)
            return &c->r[i];
    }
    return row_add(c, partner, stream, false);
}

/* Stream order, then partner code; unplanned rows after planned ones of
 * the same stream. */
static int row_cmp(const void *a, const void *b)
{
    const pl_row *x = a, *y = b;

    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    if (x->planned != y->planned)
        return x->planned ? -1 : 1;
    return strcmp(x->pcode, y->pcode);
}

/* Partner code (no partner last), then as row_cmp. */
static int row_cmp_partner(const void *a, const void *b)
{
    const pl_row *x = a, *y = b;
    int c = strcmp(x->pcode, y->pcode);

    if ((x->partner == 0) != (y->partner == 0))
        return x->partner == 0 ? 1 : -1;
    return c != 0 ? c : row_cmp(a, b);
}

static void fill(pb_table *t, size_t r, const pb_amount *plan, bool planned,
                 const pb_amount *received, pb_amount *tmp)
{
    pb_ratio q;

    if (planned)
        pb_table_set_amount(t, r, C_PLANNED, plan);
    pb_table_set_amount(t, r, C_RECEIVED, received);
    if (planned && !pb_amount_is_zero(plan)) {
        pb_ratio_init(&q);
        (void)pb_ratio_div(&q, received, plan, NULL); /* plan != 0 */
        pb_table_set_ratio(t, r, C_PCT, &q);
        pb_ratio_clear(&q);
    }
    if (planned) {
        pb_amount_sub(tmp, plan, received);
        pb_table_set_amount(t, r, C_TODO, tmp);
    }
}

static void totals(pb_table *t, size_t r, size_t first, pb_amount *tmp)
{
    pb_amount plan, got;

    pb_amount_init(&plan);
    pb_amount_init(&got);
    pb_table_sum(&plan, t, C_PLANNED, first, r);
    pb_table_sum(&got, t, C_RECEIVED, first, r);
    fill(t, r, &plan, true, &got, tmp);
    pb_table_sum(tmp, t, C_TODO, first, r);
    pb_table_set_amount(t, r, C_TODO, tmp);
    pb_amount_clear(&plan);
    pb_amount_clear(&got);
}

int pb_report_pool(pb_table **out, pb_book *b, const pb_report_opts *o,
                   pb_error *err)
{
    pb_table *t = pb_table_new("pool", "Pool composition: contributions");
    pb_report__names *names = NULL;
    pb_report__ie *ie = NULL;
    pb_report__pool p;
    pb_budget_query bq;
    pl_ctx c;
    pb_amount in, tmp;
    pb_report_by by = o->by == PB_BY_DEFAULT ? PB_BY_STREAM : o->by;
    bool opened = false, unplanned = false;
    size_t i, r, first = 0;
    int64_t group = -1;
    int rc;

    *out = NULL;
    memset(&p, 0, sizeof p);
    memset(&c, 0, sizeof c);
    pb_amount_init(&in);
    pb_amount_init(&tmp);
    pb_table_add_column(t, "stream", "Funding stream", PB_COL_TEXT);
    pb_table_add_column(t, "partner", "Partner", PB_COL_TEXT);
    pb_table_add_column(t, "planned", "Planned", PB_COL_AMOUNT);
    pb_table_add_column(t, "received", "Received to date", PB_COL_AMOUNT);
    pb_table_add_column(t, "percent_received", "Received", PB_COL_PERCENT);
    pb_table_add_column(t, "outstanding", "Still to come", PB_COL_AMOUNT);
    pb_table_set_units(t, PB_UNITS_ONE, 0);
    pb_table_set_currency(t, true);
    if (by != PB_BY_STREAM && by != PB_BY_PARTNER) {
        rc = pb_error_set(err, PB_EUSAGE,
                          "pool is laid out --by stream or partner, not %s",
                          pb_report_by_name(by));
        goto done;
    }
    if (o->filter[PB_DIM_SCHEME] != NULL) {
        rc = pb_error_set(err, PB_EUSAGE,
                          "contributions are planned by partner and stream, "
                          "not by scheme: --scheme does not apply");
        goto done;
    }
    if ((rc = pb_report__begin(b, &opened, err)) != PB_OK ||
        (rc = pb_report__pool_open(t, b, o, &p, err)) != PB_OK)
        goto done;
    if ((rc = pb_report__names_new(&names, b, err)) != PB_OK ||
        (rc = pb_stream_each(b, p.code, stream_fn, &c, err)) != PB_OK)
        goto done;
    c.names = names;
    pb_budget_query_init(&bq);
    bq.pool = p.code;
    bq.fy = p.fy;
    bq.stream = o->filter[PB_DIM_STREAM];
    bq.partner = o->filter[PB_DIM_PARTNER];
    if ((rc = pb_contribution_each(b, &bq, contribution_fn, &c, err)) !=
            PB_OK ||
        (rc = pb_report__ie_read(
             &ie, b, &p, PB_REPORT__STREAM | PB_REPORT__PARTNER, err)) != PB_OK)
        goto done;
    for (i = 0; i < pb_report__ie_count(ie); i++) {
        int64_t ids[PB_DIM_COUNT];
        pl_row *x;

        pb_report__ie_key(ie, i, ids);
        /* The pool's income: on its streams, or on none (a contribution
         * planned without a stream). */
        if (ids[PB_DIM_STREAM] != 0 && !pool_stream(&c, ids[PB_DIM_STREAM]))
            continue;
        pb_report__ie_get(ie, ids[PB_DIM_STREAM], 0, ids[PB_DIM_PARTNER], &in,
                          NULL);
        if (pb_amount_is_zero(&in))
            continue;
        if (ids[PB_DIM_STREAM] == 0) {
            /* Income with no stream counts only for a partner that planned
             * a contribution without one. */
            size_t k;
            bool ok = false;

            for (k = 0; k < c.n && !ok; k++)
                ok = c.r[k].planned && c.r[k].stream == 0 &&
                     c.r[k].partner == ids[PB_DIM_PARTNER];
            if (!ok)
                continue;
        }
        x = receiver(&c, ids[PB_DIM_PARTNER], ids[PB_DIM_STREAM]);
        pb_amount_add(&x->received, &x->received, &in);
        unplanned = unplanned || !x->planned;
    }
    if (c.n > 1)
        qsort(c.r, c.n, sizeof *c.r,
              by == PB_BY_PARTNER ? row_cmp_partner : row_cmp);
    for (i = 0; i < c.n; i++) {
        const pl_row *x = &c.r[i];

        if (by == PB_BY_PARTNER && x->partner != group) {
            if (group != -1) {
                pb_buf label = PB_BUF_INIT;

                r = pb_table_add_row(t, PB_ROW_SUBTOTAL, 0);
                pb_buf_printf(&label, "Total %s",
                              pb_report__name(names, group));
                pb_table_set_text(t, r, C_STREAM, pb_buf_str(&label));
                pb_buf_clear(&label);
                totals(t, r, first, &tmp);
            }
            group = x->partner;
            r = pb_table_add_row(t, PB_ROW_HEADING, 0);
            pb_table_set_text(t, r, C_STREAM,
                              group != 0 ? pb_report__name(names, group)
                                         : "No partner");
            first = r + 1;
        }
        r = pb_table_add_row(t, PB_ROW_DETAIL, by == PB_BY_PARTNER ? 1 : 0);
        pb_table_set_text(t, r, C_STREAM,
                          x->stream != 0 ? pb_report__name(names, x->stream)
                          : x->planned   ? "All streams"
                                         : "No funding stream");
        pb_table_set_text(t, r, C_PARTNER,
                          x->partner != 0 ? pb_report__code(names, x->partner)
                                          : "none");
        fill(t, r, &x->plan, x->planned, &x->received, &tmp);
    }
    if (by == PB_BY_PARTNER && group != -1) {
        pb_buf label = PB_BUF_INIT;

        r = pb_table_add_row(t, PB_ROW_SUBTOTAL, 0);
        pb_buf_printf(&label, "Total %s", pb_report__name(names, group));
        pb_table_set_text(t, r, C_STREAM, pb_buf_str(&label));
        pb_buf_clear(&label);
        totals(t, r, first, &tmp);
    }
    r = pb_table_add_row(t, PB_ROW_TOTAL, 0);
    pb_table_set_text(t, r, C_STREAM, "Total");
    totals(t, r, 0, &tmp);
    if (unplanned)
        pb_table_add_note(t, "Rows with no planned amount are income received "
                             "from a partner and stream with no planned "
                             "contribution.");
    pb_table_add_note(t, "Received to date: income posted with the partner "
                         "and stream from the start of the year.");
    pb_table_add_chart(t, "Planned contributions against received to date",
                       C_STREAM, C_PLANNED, C_RECEIVED);
    *out = t;
    t = NULL;
done:
    if (opened)
        pb_book_rollback(b);
    for (i = 0; i < c.n; i++) {
        pb_amount_clear(&c.r[i].plan);
        pb_amount_clear(&c.r[i].received);
    }
    free(c.r);
    free(c.stream_id);
    pb_amount_clear(&in);
    pb_amount_clear(&tmp);
    pb_report__ie_free(ie);
    pb_report__names_free(names);
    pb_report__pool_clear(&p);
    pb_table_free(t);
    return rc;
}
