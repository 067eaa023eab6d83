/*
 * report.c - what every report shares: default options, the as-at range,
 * units and rounding, dimension filters resolved and stated in the table,
 * and the read transaction that makes a report one snapshot.  For the pool
 * reports also: the pool and month-end a report is about, the income and
 * expenditure of the year to date summed from the balance cache (plus, for
 * a date inside a period, that period's postings: never a scan of all
 * postings), and dimension codes and names by id.
 *
 * The year-to-date sums are kept in int64 pence per group and spill into
 * exact amounts if an addition would overflow (as balance.c does), so a
 * sum is exact however large; groups are found through a hash map, so the
 * cost is one lookup per cache row.
 */
#include "reports/report.h"

#include <stdio.h>
#include <string.h>

#include "reports/report_int.h"

#include <stdlib.h>

#include "ledger/book_int.h"
#include "ledger/map.h"
#include "ledger/pool.h"

void pb_report_opts_init(pb_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->places = -1;
    o->rounding = PB_ROUND_HALF_UP;
}

/* A period that ends the year also takes its adjustment periods. */
static pb_period through(pb_period p)
{
    if (pb_period_num(p) == 12)
        return pb_period_make(pb_period_fy(p), PB_PERIOD_MAX);
    return p;
}

pb_period pb_report__to(pb_book *b, const pb_report_opts *o)
{
    int fy_start = pb_book_fy_start(b);

    if (o->has_period)
        return through(o->period);
    if (o->has_as_of) {
        pb_period p = pb_period_of_date(o->as_of, fy_start);

        if (o->as_of == pb_fy_last_day(pb_period_fy(p), fy_start))
            return pb_period_make(pb_period_fy(p), PB_PERIOD_MAX);
        return p;
    }
    return PB_REPORT__ALL;
}

void pb_report__as_at(pb_book *b, const pb_report_opts *o, pb_balance_query *q)
{
    if (o->has_period) {
        q->to = through(o->period);
    } else if (o->has_as_of) {
        q->has_as_of = true;
        q->as_of = o->as_of;
    }
    (void)b;
}

static const char dim_name_sql[] = "SELECT code, name FROM dim WHERE id = ?";

int pb_report__common(pb_table *t, pb_book *b, const pb_report_opts *o,
                      pb_report__dims *dims, pb_error *err)
{
    const pb_table_params *p = pb_table_params_get(t);
    int fy_start = pb_book_fy_start(b);
    pb_buf v = PB_BUF_INIT;
    pb_stmt *st;
    int k, rc;

    memset(dims, 0, sizeof *dims);
    if (o->has_period) {
        pb_table_set_period(t, o->period, fy_start);
        pb_table_set_as_at(t, pb_period_last_day(o->period, fy_start));
    } else if (o->has_as_of) {
        pb_table_set_period(t, pb_period_of_date(o->as_of, fy_start), fy_start);
        pb_table_set_as_at(t, o->as_of);
    }
    if (o->has_units || o->places >= 0)
        pb_table_set_units(t, o->has_units ? o->units : p->units, o->places);
    pb_table_set_rounding(t, o->rounding);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (o->filter[k] == NULL)
            continue;
        rc = pb_dim_find(b, (pb_dim_kind)k, o->filter[k], &dims->id[k], err);
        if (rc != PB_OK)
            goto done;
        dims->any = true;
        if ((rc = pb_book_prepare(b, &st, dim_name_sql, err)) != PB_OK)
            goto done;
        pb_stmt_bind_int(st, 1, dims->id[k]);
        pb_buf_reset(&v);
        if ((rc = pb_stmt_step(st, err)) == PB_ROW) {
            pb_buf_puts(&v, pb_stmt_text(st, 0));
            if (*pb_stmt_text(st, 1) != '\0')
                pb_buf_printf(&v, " - %s", pb_stmt_text(st, 1));
        }
        pb_stmt_release(st);
        if (rc < 0)
            goto done;
        {
            /* "funding stream" -> "Funding stream" for the title block. */
            char label[32];

            snprintf(label, sizeof label, "%s",
                     pb_dim_kind_title((pb_dim_kind)k));
            label[0] =
                (char)(label[0] -
                       ('a' <= label[0] && label[0] <= 'z' ? 'a' - 'A' : 0));
            pb_table_add_filter(t, pb_dim_kind_key((pb_dim_kind)k), label,
                                pb_buf_str(&v));
        }
    }
    rc = PB_OK;
done:
    pb_buf_clear(&v);
    return rc;
}

int pb_report__begin(pb_book *b, bool *opened, pb_error *err)
{
    int rc;

    *opened = false;
    if (pb_book_in_tx(b))
        return PB_OK;
    if ((rc = pb_book_begin_read(b, err)) != PB_OK)
        return rc;
    *opened = true;
    return PB_OK;
}

/* ---- layouts --------------------------------------------------------------
 */

static const char *const by_names[] = {"default", "scheme", "area",
                                       "line",    "stream", "partner"};

const char *pb_report_by_name(pb_report_by by)
{
    return (unsigned)by < sizeof by_names / sizeof by_names[0] ? by_names[by]
                                                               : "default";
}

int pb_report_by_parse(pb_report_by *out, const char *text, pb_error *err)
{
    size_t i;

    for (i = 1; i < sizeof by_names / sizeof by_names[0]; i++) {
        if (strcmp(text, by_names[i]) == 0) {
            *out = (pb_report_by)i;
            return PB_OK;
        }
    }
    return pb_error_set(err, PB_EINVAL,
                        "unknown layout \"%s\" (scheme, area, line, stream "
                        "or partner)",
                        text);
}

/* ---- pool reports -------------------------------------------------------- */

const char *pb_report__pname(pb_period p, char buf[8])
{
    snprintf(buf, 8, "P%02d", pb_period_num(p) % 100);
    return buf;
}

/* The book's only pool, or a usage error listing them. */
static int only_pool(pb_book *b, int64_t *id, pb_error *err)
{
    pb_buf list = PB_BUF_INIT;
    pb_stmt *st;
    int n = 0, rc;

    rc = pb_book_prepare(b, &st, "SELECT id, code FROM pool ORDER BY code",
                         err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        *id = pb_stmt_int(st, 0);
        pb_buf_printf(&list, "%s%s", n++ > 0 ? ", " : "", pb_stmt_text(st, 1));
    }
    pb_stmt_release(st);
    if (rc == PB_DONE && n == 0)
        rc = pb_error_set(err, PB_EUSAGE,
                          "the book has no pool (load pools first: poolbook "
                          "load pools FILE)");
    else if (rc == PB_DONE && n > 1)
        rc = pb_error_set(err, PB_EUSAGE,
                          "the book has %d pools (%s): give --pool CODE", n,
                          pb_buf_str(&list));
    else if (rc == PB_DONE)
        rc = PB_OK;
    pb_buf_clear(&list);
    return rc;
}

int pb_report__pool_open(pb_table *t, pb_book *b, const pb_report_opts *o,
                         pb_report__pool *p, pb_error *err)
{
    pb_stmt *st;
    int64_t id;
    int rc, num;

    memset(p, 0, sizeof *p);
    p->fy_start = pb_book_fy_start(b);
    if (!o->has_period && !o->has_as_of)
        return pb_error_set(err, PB_EUSAGE,
                            "give the month-end the report is for: --period "
                            "P (P1 to P12) or --as-of DATE");
    if (o->filter[PB_DIM_COST_CENTRE] != NULL)
        return pb_error_set(err, PB_EUSAGE,
                            "pool reports do not filter by cost centre "
                            "(budgets and forecasts are not kept by cost "
                            "centre)");
    if (o->has_period) {
        num = pb_period_num(o->period);
        if (num == 0)
            return pb_error_set(err, PB_EUSAGE,
                                "P0 is the opening period; a month-end "
                                "report is for P1 to P12");
        p->fy = pb_period_fy(o->period);
        p->period = pb_period_make(p->fy, num > 12 ? 12 : num);
        p->as_at = pb_period_last_day(p->period, p->fy_start);
        p->to = num >= 12 ? pb_period_make(p->fy, PB_PERIOD_MAX) : p->period;
    } else {
        pb_period q = pb_period_of_date(o->as_of, p->fy_start);

        p->fy = pb_period_fy(q);
        p->period = q;
        p->as_at = o->as_of;
        if (o->as_of == pb_fy_last_day(p->fy, p->fy_start)) {
            p->to = pb_period_make(p->fy, PB_PERIOD_MAX);
        } else if (o->as_of == pb_period_last_day(q, p->fy_start)) {
            p->to = q;
        } else {
            /* Inside a period: the cache to the one before, then its own
             * postings up to the date (see balance.c). */
            p->to = q - 1;
            p->part = q;
            pb_date_iso(o->as_of, p->part_date);
        }
    }
    p->known_at = o->has_known_at ? &o->known_at : NULL;
    if (o->pool != NULL) {
        rc = pb_pool_find(b, o->pool, &id, err);
    } else {
        rc = only_pool(b, &id, err);
    }
    if (rc != PB_OK)
        return rc;
    p->id = id;
    rc = pb_book_prepare(b, &st, "SELECT code, name FROM pool WHERE id = ?",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, id);
    if ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        p->code = pb_xstrdup(pb_stmt_text(st, 0));
        p->name = pb_xstrdup(pb_stmt_text(st, 1));
    }
    pb_stmt_release(st);
    if (rc < 0)
        return rc;
    pb_table_set_pool(t, p->code, p->name);
    if ((rc = pb_report__common(t, b, o, &p->dims, err)) != PB_OK)
        return rc;
    /* A stream or scheme filter must be one of the pool's. */
    if (o->filter[PB_DIM_STREAM] != NULL &&
        (rc = pb_stream_find(b, o->filter[PB_DIM_STREAM], p->id, &id, err)) !=
            PB_OK)
        return rc;
    if (o->filter[PB_DIM_SCHEME] != NULL &&
        (rc = pb_scheme_find(b, o->filter[PB_DIM_SCHEME], p->id, &id, err)) !=
            PB_OK)
        return rc;
    if (o->has_period)
        pb_table_set_period(t, p->period, p->fy_start);
    return PB_OK;
}

void pb_report__pool_clear(pb_report__pool *p)
{
    if (p == NULL)
        return;
    free(p->code);
    free(p->name);
    p->code = p->name = NULL;
}

/* ---- income and expenditure sums ---------------------------------------- */

/* One group: turnover in int64 pence, spilling into exact amounts when
 * an addition would overflow (as balance.c does). */
typedef struct ie_group {
    int64_t key[PB_DIM_COUNT];
    int64_t debit[2], credit[2]; /* [0] expenditure, [1] income */
    pb_amount big_debit[2], big_credit[2];
} ie_group;

struct pb_report__ie {
    unsigned group;
    pb_map index; /* key -> slot */
    ie_group *g;
    size_t n, cap;
};

static void turnover(int64_t *acc, pb_amount *big, int64_t v)
{
    int64_t sum;

    if (__builtin_add_overflow(*acc, v, &sum)) {
        pb_amount_add_units(big, *acc, PB_MONEY_SCALE);
        sum = v;
    }
    *acc = sum;
}

static ie_group *ie_slot(pb_report__ie *ie, int64_t stream, int64_t scheme,
                         int64_t partner)
{
    int64_t key[PB_DIM_COUNT] = {0}, idx;
    ie_group *g;
    int k;

    key[PB_DIM_STREAM] = (ie->group & PB_REPORT__STREAM) ? stream : 0;
    key[PB_DIM_SCHEME] = (ie->group & PB_REPORT__SCHEME) ? scheme : 0;
    key[PB_DIM_PARTNER] = (ie->group & PB_REPORT__PARTNER) ? partner : 0;
    if (pb_map_get(&ie->index, key, sizeof key, &idx))
        return &ie->g[idx];
    if (ie->n == ie->cap) {
        ie->cap = ie->cap ? 2 * ie->cap : 64;
        ie->g = pb_xrealloc(ie->g, ie->cap * sizeof *ie->g);
    }
    g = &ie->g[ie->n];
    memset(g, 0, sizeof *g);
    memcpy(g->key, key, sizeof key);
    for (k = 0; k < 2; k++) {
        pb_amount_init(&g->big_debit[k]);
        pb_amount_init(&g->big_credit[k]);
    }
    pb_map_put(&ie->index, key, sizeof key, (int64_t)ie->n);
    return &ie->g[ie->n++];
}

/* Whole periods from the cache: ?1..?2 periods, ?3..?5 filters. */
static const char ie_cache_sql[] =
    "SELECT b.stream_id, b.scheme_id, b.partner_id, a.type = 'income',"
    " b.debit, b.credit FROM balance b JOIN account a ON a.id = b.account_id"
    " WHERE b.period BETWEEN ?1 AND ?2"
    " AND a.type IN ('income', 'expenditure')"
    " AND (?3 = 0 OR b.stream_id = ?3) AND (?4 = 0 OR b.scheme_id = ?4)"
    " AND (?5 = 0 OR b.partner_id = ?5)";

/* One period's postings dated on or before ?2. */
static const char ie_part_sql[] =
    "SELECT coalesce(p.stream_id, 0), coalesce(p.scheme_id, 0),"
    " coalesce(p.partner_id, 0), a.type = 'income', p.amount"
    " FROM entry e JOIN posting p ON p.entry_id = e.id"
    " JOIN account a ON a.id = p.account_id"
    " WHERE e.period = ?1 AND e.date <= ?2"
    " AND a.type IN ('income', 'expenditure')"
    " AND (?3 = 0 OR coalesce(p.stream_id, 0) = ?3)"
    " AND (?4 = 0 OR coalesce(p.scheme_id, 0) = ?4)"
    " AND (?5 = 0 OR coalesce(p.partner_id, 0) = ?5)";

int pb_report__ie_read(pb_report__ie **out, pb_book *b,
                       const pb_report__pool *p, unsigned group,
                       pb_error *err)
{
    pb_report__ie *ie = pb_xcalloc(1, sizeof *ie);
    pb_stmt *st;
    int rc;

    *out = NULL;
    ie->group = group;
    pb_map_init(&ie->index);
    /* The cache must include this transaction's own postings. */
    if ((rc = pb_book__flush(b, err)) != PB_OK)
        goto fail;
    if ((rc = pb_book_prepare(b, &st, ie_cache_sql, err)) != PB_OK)
        goto fail;
    pb_stmt_bind_int(st, 1, pb_period_make(p->fy, 0));
    pb_stmt_bind_int(st, 2, p->to);
    pb_stmt_bind_int(st, 3, p->dims.id[PB_DIM_STREAM]);
    pb_stmt_bind_int(st, 4, p->dims.id[PB_DIM_SCHEME]);
    pb_stmt_bind_int(st, 5, p->dims.id[PB_DIM_PARTNER]);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        ie_group *g = ie_slot(ie, pb_stmt_int(st, 0), pb_stmt_int(st, 1),
                              pb_stmt_int(st, 2));
        int inc = pb_stmt_int(st, 3) != 0;

        turnover(&g->debit[inc], &g->big_debit[inc], pb_stmt_int(st, 4));
        turnover(&g->credit[inc], &g->big_credit[inc], pb_stmt_int(st, 5));
    }
    pb_stmt_release(st);
    if (rc != PB_DONE)
        goto fail;
    rc = PB_OK;
    if (p->part != 0) {
        if ((rc = pb_book_prepare(b, &st, ie_part_sql, err)) != PB_OK)
            goto fail;
        pb_stmt_bind_int(st, 1, p->part);
        pb_stmt_bind_text(st, 2, p->part_date);
        pb_stmt_bind_int(st, 3, p->dims.id[PB_DIM_STREAM]);
        pb_stmt_bind_int(st, 4, p->dims.id[PB_DIM_SCHEME]);
        pb_stmt_bind_int(st, 5, p->dims.id[PB_DIM_PARTNER]);
        while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
            ie_group *g = ie_slot(ie, pb_stmt_int(st, 0), pb_stmt_int(st, 1),
                                  pb_stmt_int(st, 2));
            int inc = pb_stmt_int(st, 3) != 0;
            int64_t v = pb_stmt_int(st, 4);

            if (v >= 0) {
                turnover(&g->debit[inc], &g->big_debit[inc], v);
            } else if (v == INT64_MIN) {
                turnover(&g->credit[inc], &g->big_credit[inc], INT64_MAX);
                turnover(&g->credit[inc], &g->big_credit[inc], 1);
            } else {
                turnover(&g->credit[inc], &g->big_credit[inc], -v);
            }
        }
        pb_stmt_release(st);
        if (rc != PB_DONE)
            goto fail;
        rc = PB_OK;
    }
    *out = ie;
    return PB_OK;
fail:
    pb_report__ie_free(ie);
    return rc;
}

void pb_report__ie_free(pb_report__ie *ie)
{
    size_t i;
    int k;

    if (ie == NULL)
        return;
    for (i = 0; i < ie->n; i++) {
        for (k = 0; k < 2; k++) {
            pb_amount_clear(&ie->g[i].big_debit[k]);
            pb_amount_clear(&ie->g[i].big_credit[k]);
        }
    }
    free(ie->g);
    pb_map_clear(&ie->index);
    free(ie);
}

/* out = debit - credit of side k of g (exact). */
static void net(pb_amount *out, const ie_group *g, int k)
{
    pb_amount c;

    pb_amount_init(&c);
    pb_amount_set(out, &g->big_debit[k]);
    pb_amount_add_units(out, g->debit[k], PB_MONEY_SCALE);
    pb_amount_set(&c, &g->big_credit[k]);
    pb_amount_add_units(&c, g->credit[k], PB_MONEY_SCALE);
    pb_amount_sub(out, out, &c);
    pb_amount_clear(&c);
}

void pb_report__ie_get(const pb_report__ie *ie, int64_t stream,
                       int64_t scheme, int64_t partner, pb_amount *income,
                       pb_amount *spend)
{
    int64_t key[PB_DIM_COUNT] = {0}, idx;

    key[PB_DIM_STREAM] = (ie->group & PB_REPORT__STREAM) ? stream : 0;
    key[PB_DIM_SCHEME] = (ie->group & PB_REPORT__SCHEME) ? scheme : 0;
    key[PB_DIM_PARTNER] = (ie->group & PB_REPORT__PARTNER) ? partner : 0;
    if (!pb_map_get(&ie->index, key, sizeof key, &idx)) {
        if (income != NULL)
            pb_amount_set_units(income, 0, PB_MONEY_SCALE);
        if (spend != NULL)
            pb_amount_set_units(spend, 0, PB_MONEY_SCALE);
        return;
    }
    if (income != NULL) {
        net(income, &ie->g[idx], 1);
        pb_amount_neg(income, income);
    }
    if (spend != NULL)
        net(spend, &ie->g[idx], 0);
}

size_t pb_report__ie_count(const pb_report__ie *ie)
{
    return ie->n;
}

void pb_report__ie_key(const pb_report__ie *ie, size_t i,
                       int64_t ids[PB_DIM_COUNT])
{
    memcpy(ids, ie->g[i].key, sizeof ie->g[i].key);
}

/* ---- dimension names ------------------------------------------------------
 */

struct pb_report__names {
    pb_map by_id;   /* id -> index */
    pb_map by_code; /* "kind\x1fcode" -> id */
    char **code, **name;
    size_t n;
};

int pb_report__names_new(pb_report__names **out, pb_book *b, pb_error *err)
{
    pb_report__names *n = pb_xcalloc(1, sizeof *n);
    pb_buf key = PB_BUF_INIT;
    size_t cap = 0;
    pb_stmt *st;
    int rc;

    *out = NULL;
    pb_map_init(&n->by_id);
    pb_map_init(&n->by_code);
    rc = pb_book_prepare(b, &st,
                         "SELECT id, kind, code, name FROM dim"
                         " WHERE kind <> 'cost_centre'",
                         err);
    if (rc != PB_OK) {
        pb_report__names_free(n);
        return rc;
    }
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        int64_t id = pb_stmt_int(st, 0);

        if (n->n == cap) {
            cap = cap ? 2 * cap : 64;
            n->code = pb_xrealloc(n->code, cap * sizeof *n->code);
            n->name = pb_xrealloc(n->name, cap * sizeof *n->name);
        }
        n->code[n->n] = pb_xstrdup(pb_stmt_text(st, 2));
        n->name[n->n] = pb_xstrdup(pb_stmt_text(st, 3));
        pb_map_put(&n->by_id, &id, sizeof id, (int64_t)n->n);
        pb_buf_reset(&key);
        pb_buf_printf(&key, "%s\x1f%s", pb_stmt_text(st, 1),
                      pb_stmt_text(st, 2));
        pb_map_puts(&n->by_code, pb_buf_str(&key), id);
        n->n++;
    }
    pb_stmt_release(st);
    pb_buf_clear(&key);
    if (rc != PB_DONE) {
        pb_report__names_free(n);
        return rc;
    }
    *out = n;
    return PB_OK;
}

void pb_report__names_free(pb_report__names *n)
{
    size_t i;

    if (n == NULL)
        return;
    for (i = 0; i < n->n; i++) {
        free(n->code[i]);
        free(n->name[i]);
    }
    free(n->code);
    free(n->name);
    pb_map_clear(&n->by_id);
    pb_map_clear(&n->by_code);
    free(n);
}

const char *pb_report__code(const pb_report__names *n, int64_t id)
{
    int64_t idx;

    return pb_map_get(&n->by_id, &id, sizeof id, &idx) ? n->code[idx] : "";
}

const char *pb_report__name(const pb_report__names *n, int64_t id)
{
    int64_t idx;

    return pb_map_get(&n->by_id, &id, sizeof id, &idx) ? n->name[idx] : "";
}

int64_t pb_report__id(const pb_report__names *n, pb_dim_kind kind,
                      const char *code)
{
    pb_buf key = PB_BUF_INIT;
    int64_t id = 0;

    if (code == NULL || *code == '\0')
        return 0;
    pb_buf_printf(&key, "%s\x1f%s", pb_dim_kind_sql(kind), code);
    if (!pb_map_gets(&n->by_code, pb_buf_str(&key), &id))
        id = 0;
    pb_buf_clear(&key);
    return id;
}
