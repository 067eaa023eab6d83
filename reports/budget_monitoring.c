/*
 * budget_monitoring.c - `report budget-monitoring`: DOMAIN layout B.
 *
 * Reads, for one pool and month-end: every budget line's current budget
 * as at the period end and as at the previous period end (ledger/
 * budget.h), the forecasts in force for both periods (reports/
 * forecast.h), the income and expenditure posted to date by scheme (the
 * balance cache, pb_report__ie_read), the outturns of the year before,
 * and the RAG rules of the pool's levels.  All of these are small
 * (lines, schemes, cache rows of one year), so the cost does not grow
 * with the number of postings.
 *
 * Lines are the unit of record; rows are made by adding lines up: a
 * scheme (--by scheme, --by area) is its lines together, and a line
 * without a forecast for the period counts at its current budget (so it
 * adds nothing to the variance), as one without a forecast for the
 * previous period counts at its budget then.  With --by line, postings and
 * outturns are matched to the most specific line of their scheme whose
 * stream and partner they agree with; what matches none is shown on a
 * row of its own so that no money disappears.
 *
 * Invariants: variance = forecast - budget, movement = variance -
 * previous variance, on every row, exactly; subtotal and total rows are
 * sums of the unrounded detail rows; RAG and arrows come from unrounded
 * values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/budget.h"
#include "ledger/map.h"
#include "reports/forecast.h"
#include "reports/rag.h"
#include "reports/report.h"
#include "reports/report_int.h"

enum {
    C_LABEL,
    C_BUDGET,
    C_FORECAST,
    C_VAR,
    C_PREV,
    C_MOVE,
    C_RAG,
    C_TREND,
    C_ACTUAL,
    C_PRIOR,
    C_NCOLS
};

/* The money of a line or a row: [0] budget, [1] forecast, [2] previous
 * budget, [3] previous forecast, [4] actual, [5] prior-year outturn. */
enum { M_BUDGET, M_FORECAST, M_PBUDGET, M_PFORECAST, M_ACTUAL, M_PRIOR, M_N };

typedef struct bm_line {
    int64_t id;
    int64_t scheme, stream, partner; /* dim ids; 0 = none */
    pb_amount m[M_N];
    bool has_fc, has_pfc; /* forecasts recorded for the periods */
} bm_line;

typedef struct bm_scheme {
    int64_t id;
    char *name, *area;
} bm_scheme;

typedef struct bm {
    const pb_report__names *names;
    bm_line *l;
    size_t n, cap;
    pb_map by_id; /* line id -> index */
    bm_scheme *s;
    size_t ns, caps;
    bool prev_pass; /* filling previous-period budgets */
} bm;

static void m_init(pb_amount m[M_N])
{
    int k;

    for (k = 0; k < M_N; k++) {
        pb_amount_init(&m[k]);
        pb_amount_set_units(&m[k], 0, PB_MONEY_SCALE);
    }
}

static void m_clear(pb_amount m[M_N])
{
    int k;

    for (k = 0; k < M_N; k++)
        pb_amount_clear(&m[k]);
}

static void m_add(pb_amount into[M_N], const pb_amount from[M_N])
{
    int k;

    for (k = 0; k < M_N; k++)
        pb_amount_add(&into[k], &into[k], &from[k]);
}

/* The line with this id, added (from codes) if new. */
static bm_line *line_of(bm *c, int64_t id, const char *scheme,
                        const char *stream, const char *partner)
{
    int64_t idx;
    bm_line *l;

    if (pb_map_get(&c->by_id, &id, sizeof id, &idx))
        return &c->l[idx];
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 32;
        c->l = pb_xrealloc(c->l, c->cap * sizeof *c->l);
    }
    l = &c->l[c->n];
    memset(l, 0, sizeof *l);
    l->id = id;
    l->scheme = pb_report__id(c->names, PB_DIM_SCHEME, scheme);
    l->stream = pb_report__id(c->names, PB_DIM_STREAM, stream);
    l->partner = pb_report__id(c->names, PB_DIM_PARTNER, partner);
    m_init(l->m);
    pb_map_put(&c->by_id, &id, sizeof id, (int64_t)c->n);
    return &c->l[c->n++];
}

static int budget_fn(const pb_budget_row *row, void *ud)
{
    bm *c = ud;
    bm_line *l =
        line_of(c, row->line_id, row->scheme, row->stream, row->partner);

    if (c->prev_pass) {
        pb_amount_set(&l->m[M_PBUDGET], row->current);
    } else {
        pb_amount_set(&l->m[M_BUDGET], row->current);
    }
    return 0;
}

static int forecast_fn(const pb_forecast_info *f, void *ud)
{
    bm *c = ud;
    bm_line *l = line_of(c, f->line_id, f->scheme, f->stream, f->partner);

    if (c->prev_pass) {
        pb_amount_set(&l->m[M_PFORECAST], f->amount);
        l->has_pfc = true;
    } else {
        pb_amount_set(&l->m[M_FORECAST], f->amount);
        l->has_fc = true;
    }
    return 0;
}

static int scheme_fn(const pb_scheme_info *info, void *ud)
{
    bm *c = ud;
    bm_scheme *s;

    if (c->ns == c->caps) {
        c->caps = c->caps ? 2 * c->caps : 16;
        c->s = pb_xrealloc(c->s, c->caps * sizeof *c->s);
    }
    s = &c->s[c->ns++];
    s->id = info->id;
    s->name = pb_xstrdup(info->name);
    s->area = pb_xstrdup(info->area);
    return 0;
}

/* ---- rows ------------------------------------------------------------------
 * An item is one detail row: a scheme (scheme, area layouts) or a line or
 * the unmatched rest of a scheme (line layout). */

typedef struct bm_item {
    size_t scheme; /* index in c->s */
    char *label;
    pb_amount m[M_N];
    bool any;       /* has a line, an actual or an outturn */
    bool has_prior; /* has an outturn for the year before */
} bm_item;

typedef struct bm_items {
    bm_item *it;
    size_t n, cap;
} bm_items;

static bm_item *item_add(bm_items *v, size_t scheme, const char *label)
{
    bm_item *it;

    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 32;
        v->it = pb_xrealloc(v->it, v->cap * sizeof *v->it);
    }
    it = &v->it[v->n++];
    memset(it, 0, sizeof *it);
    it->scheme = scheme;
    it->label = pb_xstrdup(label);
    m_init(it->m);
    return it;
}

static void items_free(bm_items *v)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        free(v->it[i].label);
        m_clear(v->it[i].m);
    }
    free(v->it);
}

/* "Adults - Long Term": a scheme's label with its area, as the council's
 * table prints service areas. */
static char *scheme_label(const bm_scheme *s)
{
    pb_buf b = PB_BUF_INIT;

    if (*s->area != '\0')
        pb_buf_printf(&b, "%s - %s", s->area, s->name);
    else
        pb_buf_puts(&b, s->name);
    return pb_buf_detach(&b);
}

/* "Minimum NHS Contribution - ICB": a line by its stream and partner. */
static char *line_label(const bm *c, const bm_line *l)
{
    pb_buf b = PB_BUF_INIT;

    if (l->stream != 0)
        pb_buf_puts(&b, pb_report__name(c->names, l->stream));
    if (l->stream != 0 && l->partner != 0)
        pb_buf_puts(&b, " - ");
    if (l->partner != 0)
        pb_buf_puts(&b, pb_report__code(c->names, l->partner));
    if (l->stream == 0 && l->partner == 0)
        pb_buf_puts(&b, "Whole scheme");
    return pb_buf_detach(&b);
}

/* How specifically line l matches a key: -1 not at all, else 2 for its
 * stream and 1 for its partner. */
static int match(const bm_line *l, int64_t scheme, int64_t stream,
                 int64_t partner)
{
    if (l->scheme != scheme || (l->stream != 0 && l->stream != stream) ||
        (l->partner != 0 && l->partner != partner))
        return -1;
    return (l->stream != 0 ? 2 : 0) + (l->partner != 0 ? 1 : 0);
}

/* The item of the best line for a key, or the scheme's "not in a line"
 * item (made on first use): the --by line layout. */
static bm_item *line_item(bm *c, bm_items *v, const size_t *line_item_of,
                          size_t *rest_of, size_t scheme_idx, int64_t scheme,
                          int64_t stream, int64_t partner)
{
    size_t i, best = (size_t)-1;
    int score = -1, k;

    for (i = 0; i < c->n; i++) {
        k = match(&c->l[i], scheme, stream, partner);
        if (k > score) {
            score = k;
            best = i;
        }
    }
    if (best != (size_t)-1)
        return &v->it[line_item_of[best]];
    if (rest_of[scheme_idx] == (size_t)-1) {
        rest_of[scheme_idx] = v->n;
        item_add(v, scheme_idx, "Not in a budget line");
    }
    return &v->it[rest_of[scheme_idx]];
}

typedef struct outturn_ctx {
    bm *c;
    bm_items *v;
    const size_t *item_of_scheme; /* scheme/area layouts */
    const size_t *line_item_of;   /* line layout */
    size_t *rest_of;
    bool by_line;
} outturn_ctx;

static size_t scheme_index(const bm *c, int64_t id)
{
    size_t i;

    for (i = 0; i < c->ns; i++) {
        if (c->s[i].id == id)
            return i;
    }
    return (size_t)-1;
}

static int outturn_fn(const pb_outturn_info *o, void *ud)
{
    outturn_ctx *x = ud;
    bm *c = x->c;
    int64_t sc = pb_report__id(c->names, PB_DIM_SCHEME, o->scheme);
    size_t si = scheme_index(c, sc);
    bm_item *it;

    if (si == (size_t)-1)
        return 0;
    if (x->by_line) {
        /* An outturn is keyed like a line: line_item finds the exact line
         * when there is one (it scores highest). */
        int64_t st = pb_report__id(c->names, PB_DIM_STREAM, o->stream);
        int64_t pa = pb_report__id(c->names, PB_DIM_PARTNER, o->partner);

        it = line_item(c, x->v, x->line_item_of, x->rest_of, si, sc, st, pa);
    } else {
        it = &x->v->it[x->item_of_scheme[si]];
    }
    pb_amount_add(&it->m[M_PRIOR], &it->m[M_PRIOR], o->amount);
    it->any = true;
    it->has_prior = true;
    return 0;
}

/* ---- the table ------------------------------------------------------------
 */

static void set_arrow(pb_table *t, size_t r, const pb_amount *movement)
{
    int s = pb_amount_sign(movement);

    pb_table_set_arrow(t, r, C_TREND,
                       s < 0   ? PB_ARROW_IMPROVING
                       : s > 0 ? PB_ARROW_DETERIORATING
                               : PB_ARROW_UNCHANGED);
}

/* Sets row r's figures from m: variance, previous variance, movement,
 * arrow and RAG (rule); the prior-year outturn only when there is one
 * (blank, not "0", for a scheme new this year). */
static void fill(pb_table *t, size_t r, const pb_amount m[M_N], bool prev,
                 bool prior, const pb_rag_rule *rule)
{
    pb_amount v, pv, mv;

    pb_amount_init(&v);
    pb_amount_init(&pv);
    pb_amount_init(&mv);
    pb_table_set_amount(t, r, C_BUDGET, &m[M_BUDGET]);
    pb_table_set_amount(t, r, C_FORECAST, &m[M_FORECAST]);
    pb_amount_sub(&v, &m[M_FORECAST], &m[M_BUDGET]);
    pb_table_set_amount(t, r, C_VAR, &v);
    if (prev) {
        pb_amount_sub(&pv, &m[M_PFORECAST], &m[M_PBUDGET]);
        pb_amount_sub(&mv, &v, &pv);
        pb_table_set_amount(t, r, C_PREV, &pv);
        pb_table_set_amount(t, r, C_MOVE, &mv);
        set_arrow(t, r, &mv);
    }
    pb_table_set_indicator(t, r, C_RAG,
                           pb_rag_classify(rule, &v, &m[M_BUDGET]));
    pb_table_set_amount(t, r, C_ACTUAL, &m[M_ACTUAL]);
    if (prior)
        pb_table_set_amount(t, r, C_PRIOR, &m[M_PRIOR]);
    pb_amount_clear(&v);
    pb_amount_clear(&pv);
    pb_amount_clear(&mv);
}

/* A subtotal or total row over detail rows [first, r): sums of the
 * unrounded cells (the outturn only if some row has one), then RAG and
 * arrow from those sums. */
static void total_row(pb_table *t, size_t r, size_t first, bool prev,
                      const pb_rag_rule *rule)
{
    static const size_t cols[] = {C_BUDGET, C_FORECAST, C_VAR,  C_PREV,
                                  C_MOVE,   C_ACTUAL,   C_PRIOR};
    pb_amount s;
    size_t k;

    pb_amount_init(&s);
    for (k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        size_t i;
        bool any = cols[k] != C_PRIOR;

        for (i = first; i < r && !any; i++)
            any = pb_table_row_kind(t, i) == PB_ROW_DETAIL &&
                  !pb_table_is_blank(t, i, C_PRIOR);
        if ((!prev && (cols[k] == C_PREV || cols[k] == C_MOVE)) || !any)
            continue;
        pb_table_sum(&s, t, cols[k], first, r);
        pb_table_set_amount(t, r, cols[k], &s);
    }
    if (prev)
        set_arrow(t, r, pb_table_amount(t, r, C_MOVE));
    pb_table_set_indicator(t, r, C_RAG,
                           pb_rag_classify(rule, pb_table_amount(t, r, C_VAR),
                                           pb_table_amount(t, r, C_BUDGET)));
    pb_amount_clear(&s);
}

/* Notes naming the RAG rules in force, once if all levels used agree. */
static void rag_notes(pb_table *t, const pb_rag_rule *rules[3],
                      const char *levels[3], size_t n)
{
    pb_buf b = PB_BUF_INIT;
    size_t i;
    bool same = true;

    for (i = 1; i < n; i++) {
        pb_buf x = PB_BUF_INIT, y = PB_BUF_INIT;

        pb_rag_describe(&x, rules[0]);
        pb_rag_describe(&y, rules[i]);
        same = same && strcmp(pb_buf_str(&x), pb_buf_str(&y)) == 0;
        pb_buf_clear(&x);
        pb_buf_clear(&y);
    }
    for (i = 0; i < (same ? 1 : n); i++) {
        pb_buf_reset(&b);
        pb_rag_describe(&b, rules[i]);
        pb_table_add_note(t, "RAG (%s%s): %s.", same ? "every row" : levels[i],
                          rules[i]->is_default ? ", the published default" : "",
                          pb_buf_str(&b));
    }
    pb_buf_clear(&b);
}

int pb_report_budget_monitoring(pb_table **out, pb_book *b,
                                const pb_report_opts *o, pb_error *err)
{
    pb_table *t = pb_table_new("budget-monitoring", "Budget monitoring");
    pb_report__names *names = NULL;
    pb_report__ie *ie = NULL;
    pb_report__pool p;
    pb_budget_query bq;
    pb_forecast_query fq;
    bm c;
    bm_items v = {NULL, 0, 0};
    pb_rag_rule rules[PB_RAG_LEVEL_COUNT];
    size_t *item_of_scheme = NULL, *line_item_of = NULL, *rest_of = NULL;
    pb_amount in, spend, tmp;
    pb_report_by by = o->by == PB_BY_DEFAULT ? PB_BY_SCHEME : o->by;
    char pn[8], qn[8], title[64], fy[PB_FY_STR_LEN];
    bool opened = false, prev;
    size_t i, j, r, first = 0, no_fc = 0, no_pfc = 0, nlines = 0;
    int rc, k;

    *out = NULL;
    memset(&p, 0, sizeof p);
    memset(&c, 0, sizeof c);
    pb_map_init(&c.by_id);
    pb_amount_init(&in);
    pb_amount_init(&spend);
    pb_amount_init(&tmp);
    for (k = 0; k < PB_RAG_LEVEL_COUNT; k++)
        pb_rag_rule_init(&rules[k]);
    if (by != PB_BY_SCHEME && by != PB_BY_AREA && by != PB_BY_LINE) {
        rc = pb_error_set(err, PB_EUSAGE,
                          "budget-monitoring is laid out --by scheme, area "
                          "or line, not %s",
                          pb_report_by_name(by));
        goto done;
    }
    /* Columns are titled with the periods, known once the pool is open;
     * a table takes its columns before rows, so open first. */
    if ((rc = pb_report__begin(b, &opened, err)) != PB_OK ||
        (rc = pb_report__pool_open(t, b, o, &p, err)) != PB_OK)
        goto done;
    prev = pb_period_num(p.period) > 1;
    pb_report__pname(p.period, pn);
    pb_report__pname(prev ? p.period - 1 : p.period, qn);
    pb_table_add_column(
        t, "scheme", by == PB_BY_LINE ? "Budget line" : "Scheme", PB_COL_TEXT);
    pb_table_add_column(t, "budget", "Current budget", PB_COL_AMOUNT);
    pb_table_add_column(t, "forecast", "Forecast outturn", PB_COL_AMOUNT);
    snprintf(title, sizeof title, "Forecast variance at %s", pn);
    pb_table_add_column(t, "variance", title, PB_COL_VARIANCE);
    snprintf(title, sizeof title, "Variance at %s", qn);
    pb_table_add_column(t, "variance_prev", title, PB_COL_VARIANCE);
    snprintf(title, sizeof title, "Movement since %s", qn);
    pb_table_add_column(t, "movement", title, PB_COL_VARIANCE);
    pb_table_add_column(t, "rag", "RAG", PB_COL_INDICATOR);
    pb_table_add_column(t, "trend",
                        "Improving \xE2\x86\x91 / Deteriorating \xE2\x86\x93",
                        PB_COL_ARROW);
    pb_table_add_column(t, "actual", "Actual to date", PB_COL_AMOUNT);
    snprintf(title, sizeof title, "Outturn %s",
             pb_fy_str(p.fy - 1, p.fy_start, fy));
    pb_table_add_column(t, "prior", title, PB_COL_AMOUNT);
    pb_table_column_negative(t, C_BUDGET, PB_NEG_BRACKETS);
    pb_table_column_negative(t, C_FORECAST, PB_NEG_BRACKETS);
    pb_table_column_negative(t, C_ACTUAL, PB_NEG_BRACKETS);
    pb_table_column_negative(t, C_PRIOR, PB_NEG_BRACKETS);
    if (!o->has_units && o->places < 0)
        pb_table_set_units(t, PB_UNITS_ONE, 0);

    /* The lines, their budgets now and then, their forecasts. */
    if ((rc = pb_report__names_new(&names, b, err)) != PB_OK)
        goto done;
    c.names = names;
    pb_budget_query_init(&bq);
    bq.pool = p.code;
    bq.fy = p.fy;
    bq.has_as_of = true;
    bq.as_of = p.as_at;
    bq.stream = o->filter[PB_DIM_STREAM];
    bq.scheme = o->filter[PB_DIM_SCHEME];
    bq.partner = o->filter[PB_DIM_PARTNER];
    if ((rc = pb_budget_each(b, &bq, budget_fn, &c, err)) != PB_OK)
        goto done;
    pb_forecast_query_init(&fq);
    fq.pool = p.code;
    fq.fy = p.fy;
    fq.period = p.period;
    fq.stream = bq.stream;
    fq.scheme = bq.scheme;
    fq.partner = bq.partner;
    if (p.known_at != NULL) {
        fq.has_known_at = true;
        fq.known_at = *p.known_at;
    }
    if ((rc = pb_forecast_each(b, &fq, forecast_fn, &c, err)) != PB_OK)
        goto done;
    if (prev) {
        c.prev_pass = true;
        bq.as_of = pb_period_last_day(p.period - 1, p.fy_start);
        if ((rc = pb_budget_each(b, &bq, budget_fn, &c, err)) != PB_OK)
            goto done;
        fq.period = p.period - 1;
        if ((rc = pb_forecast_each(b, &fq, forecast_fn, &c, err)) != PB_OK)
            goto done;
    }
    for (i = 0; i < c.n; i++) {
        bm_line *l = &c.l[i];

        nlines++;
        if (!l->has_fc) {
            pb_amount_set(&l->m[M_FORECAST], &l->m[M_BUDGET]);
            no_fc++;
        }
        if (prev && !l->has_pfc) {
            pb_amount_set(&l->m[M_PFORECAST], &l->m[M_PBUDGET]);
            no_pfc++;
        }
    }

    /* Schemes in report order, and the rows they make. */
    if ((rc = pb_scheme_each(b, p.code, scheme_fn, &c, err)) != PB_OK ||
        (rc = pb_report__ie_read(&ie, b, &p,
                                 by == PB_BY_LINE
                                     ? PB_REPORT__SCHEME | PB_REPORT__STREAM |
                                           PB_REPORT__PARTNER
                                     : PB_REPORT__SCHEME,
                                 err)) != PB_OK)
        goto done;
    item_of_scheme = pb_xcalloc(c.ns ? c.ns : 1, sizeof *item_of_scheme);
    rest_of = pb_xcalloc(c.ns ? c.ns : 1, sizeof *rest_of);
    line_item_of = pb_xcalloc(c.n ? c.n : 1, sizeof *line_item_of);
    for (j = 0; j < c.ns; j++) {
        rest_of[j] = (size_t)-1;
        item_of_scheme[j] = (size_t)-1;
        if (p.dims.id[PB_DIM_SCHEME] != 0 &&
            p.dims.id[PB_DIM_SCHEME] != c.s[j].id)
            continue;
        if (by == PB_BY_LINE) {
            /* Lines of the scheme, in the order pb_budget_each gave. */
            for (i = 0; i < c.n; i++) {
                if (c.l[i].scheme != c.s[j].id)
                    continue;
                {
                    char *label = line_label(&c, &c.l[i]);
                    bm_item *it = item_add(&v, j, label);

                    free(label);
                    m_add(it->m, c.l[i].m);
                    it->any = true;
                    line_item_of[i] = v.n - 1;
                }
            }
        } else {
            char *label = by == PB_BY_AREA ? pb_xstrdup(c.s[j].name)
                                           : scheme_label(&c.s[j]);
            bm_item *it = item_add(&v, j, label);

            free(label);
            item_of_scheme[j] = v.n - 1;
            for (i = 0; i < c.n; i++) {
                if (c.l[i].scheme == c.s[j].id) {
                    m_add(it->m, c.l[i].m);
                    it->any = true;
                }
            }
        }
    }
    /* Actuals to date. */
    for (i = 0; i < pb_report__ie_count(ie); i++) {
        int64_t ids[PB_DIM_COUNT];
        size_t si;
        bm_item *it;

        pb_report__ie_key(ie, i, ids);
        si = scheme_index(&c, ids[PB_DIM_SCHEME]);
        if (si == (size_t)-1 ||
            (p.dims.id[PB_DIM_SCHEME] != 0 &&
             p.dims.id[PB_DIM_SCHEME] != ids[PB_DIM_SCHEME]))
            continue;
        pb_report__ie_get(ie, ids[PB_DIM_STREAM], ids[PB_DIM_SCHEME],
                          ids[PB_DIM_PARTNER], &in, &spend);
        pb_amount_sub(&tmp, &spend, &in);
        if (by == PB_BY_LINE)
            it =
                line_item(&c, &v, line_item_of, rest_of, si, ids[PB_DIM_SCHEME],
                          ids[PB_DIM_STREAM], ids[PB_DIM_PARTNER]);
        else
            it = &v.it[item_of_scheme[si]];
        pb_amount_add(&it->m[M_ACTUAL], &it->m[M_ACTUAL], &tmp);
        it->any = true;
    }
    /* Prior-year outturns. */
    {
        outturn_ctx x = {&c,           &v,      item_of_scheme,
                         line_item_of, rest_of, by == PB_BY_LINE};

        bq.fy = p.fy - 1;
        bq.has_as_of = false;
        if ((rc = pb_outturn_each(b, &bq, outturn_fn, &x, err)) != PB_OK)
            goto done;
    }

    /* RAG rules of the levels this layout uses. */
    for (k = 0; k < PB_RAG_LEVEL_COUNT; k++) {
        if ((rc = pb_rag_get(b, p.id, (pb_rag_level)k, p.known_at, &rules[k],
                             err)) != PB_OK)
            goto done;
    }

    /* Rows: items in scheme order (line layout: each scheme's lines, then
     * its unmatched rest), grouped by area or scheme. */
    {
        pb_rag_level detail = by == PB_BY_LINE ? PB_RAG_LINE : PB_RAG_SCHEME;
        pb_rag_level sub = by == PB_BY_LINE ? PB_RAG_SCHEME : PB_RAG_AREA;
        bool grouped = by != PB_BY_SCHEME;
        char *glabel = NULL;
        size_t si;

        /* The schemes in display order - by area, each area's schemes
         * together, areas in the order of their first scheme. */
        size_t *seq = pb_xcalloc(c.ns ? c.ns : 1, sizeof *seq), q, n = 0;

        for (q = 0; q < c.ns; q++) {
            size_t z;
            bool seen = false;

            if (by != PB_BY_AREA) {
                seq[n++] = q;
                continue;
            }
            for (z = 0; z < q && !seen; z++)
                seen = strcmp(c.s[z].area, c.s[q].area) == 0;
            for (z = q; !seen && z < c.ns; z++) {
                if (strcmp(c.s[z].area, c.s[q].area) == 0)
                    seq[n++] = z;
            }
        }
        /* Walk them; a change of area (or, by line, each scheme) closes
         * the open group with its subtotal and opens the next. */
        for (q = 0; q < n; q++) {
            bool any = false;

            si = seq[q];

            for (i = 0; i < v.n; i++)
                any = any || (v.it[i].scheme == si && v.it[i].any);
            if (!any)
                continue;
            if (grouped) {
                const char *want =
                    by == PB_BY_AREA
                        ? (*c.s[si].area != '\0' ? c.s[si].area : "No area")
                        : NULL;
                char *slabel = by == PB_BY_LINE ? scheme_label(&c.s[si])
                                                : pb_xstrdup(want);

                if (glabel == NULL || by == PB_BY_LINE ||
                    strcmp(glabel, slabel) != 0) {
                    if (glabel != NULL) {
                        pb_buf tl = PB_BUF_INIT;

                        r = pb_table_add_row(t, PB_ROW_SUBTOTAL, 0);
                        pb_buf_printf(&tl, "Total %s", glabel);
                        pb_table_set_text(t, r, C_LABEL, pb_buf_str(&tl));
                        pb_buf_clear(&tl);
                        total_row(t, r, first, prev, &rules[sub]);
                        free(glabel);
                    }
                    glabel = slabel;
                    r = pb_table_add_row(t, PB_ROW_HEADING, 0);
                    pb_table_set_text(t, r, C_LABEL, glabel);
                    first = r + 1;
                } else {
                    free(slabel);
                }
            }
            for (i = 0; i < v.n; i++) {
                bm_item *it = &v.it[i];

                if (it->scheme != si || !it->any)
                    continue;
                r = pb_table_add_row(t, PB_ROW_DETAIL, grouped ? 1 : 0);
                pb_table_set_text(t, r, C_LABEL, it->label);
                fill(t, r, it->m, prev, it->has_prior, &rules[detail]);
            }
        }
        if (glabel != NULL) {
            pb_buf tl = PB_BUF_INIT;

            r = pb_table_add_row(t, PB_ROW_SUBTOTAL, 0);
            pb_buf_printf(&tl, "Total %s", glabel);
            pb_table_set_text(t, r, C_LABEL, pb_buf_str(&tl));
            pb_buf_clear(&tl);
            total_row(t, r, first, prev, &rules[sub]);
            free(glabel);
        }
        free(seq);
        r = pb_table_add_row(t, PB_ROW_TOTAL, 0);
        pb_table_set_text(t, r, C_LABEL, "Total");
        total_row(t, r, 0, prev, &rules[PB_RAG_TOTAL]);

        /* Notes: what the reader must know to trust the figures. */
        if (no_fc > 0)
            pb_table_add_note(t,
                              "No forecast recorded for %s: %zu of %zu "
                              "budget line%s taken at the current budget "
                              "(no variance).",
                              pn, no_fc, nlines, nlines == 1 ? "" : "s");
        if (prev && no_pfc > 0)
            pb_table_add_note(t,
                              "No forecast recorded for %s: %zu budget "
                              "line%s taken at %s budget as it stood then.",
                              qn, no_pfc, no_pfc == 1 ? "" : "s",
                              no_pfc == 1 ? "its" : "their");
        if (!prev)
            pb_table_add_note(t,
                              "%s opens the year: there is no previous "
                              "month-end to compare with.",
                              pn);
        if (p.known_at != NULL) {
            char d[PB_DATE_ISO_LEN];

            pb_table_add_note(t,
                              "Forecasts and RAG thresholds as recorded on "
                              "or before %s.",
                              pb_date_iso(*p.known_at, d));
        }
        {
            const pb_rag_rule *used[3] = {&rules[detail], &rules[sub],
                                          &rules[PB_RAG_TOTAL]};
            const char *names3[3] = {pb_rag_level_name(detail),
                                     pb_rag_level_name(sub), "total"};

            if (grouped) {
                rag_notes(t, used, names3, 3);
            } else {
                used[1] = &rules[PB_RAG_TOTAL];
                names3[1] = "total";
                rag_notes(t, used, names3, 2);
            }
        }
    }
    pb_table_add_chart(t,
                       by == PB_BY_LINE
                           ? "Budget against forecast outturn by budget line"
                           : "Budget against forecast outturn by scheme",
                       C_LABEL, C_BUDGET, C_FORECAST);
    *out = t;
    t = NULL;
done:
    if (opened)
        pb_book_rollback(b);
    for (i = 0; i < c.n; i++)
        m_clear(c.l[i].m);
    free(c.l);
    for (i = 0; i < c.ns; i++) {
        free(c.s[i].name);
        free(c.s[i].area);
    }
    free(c.s);
    pb_map_clear(&c.by_id);
    items_free(&v);
    free(item_of_scheme);
    free(line_item_of);
    free(rest_of);
    for (k = 0; k < PB_RAG_LEVEL_COUNT; k++)
        pb_rag_rule_clear(&rules[k]);
    pb_amount_clear(&in);
    pb_amount_clear(&spend);
    pb_amount_clear(&tmp);
    pb_report__ie_free(ie);
    pb_report__names_free(names);
    pb_report__pool_clear(&p);
    pb_table_free(t);
    return rc;
}
