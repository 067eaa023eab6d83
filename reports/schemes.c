/*
 * schemes.c - `report schemes`: DOMAIN layout D, each scheme's annual
 * value, spend and variance split by partner, as the pooled fund
 * manager's end-of-year return shows them.
 *
 * Per scheme: a heading row (name, host, budget manager), a row per
 * partner (value = current budget of the scheme's lines with that
 * partner; share of the scheme's value; spend; variance = spend - value,
 * worded overspend / underspend), and a subtotal; then a total.  Spend is
 * actual (net income and expenditure posted to date with the scheme and
 * partner, from the balance cache) or forecast (the lines' forecasts in
 * force for the period, a line without one at its current budget).
 *
 * Invariants: each partner row's variance is its spend - value; subtotals
 * and the total are sums of the unrounded partner rows; shares are exact
 * ratios, rounded only when printed, so the printed shares of a scheme
 * need not add up to 100%.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/budget.h"
#include "reports/forecast.h"
#include "reports/report.h"
#include "reports/report_int.h"

enum { C_LABEL, C_HOST, C_MANAGER, C_VALUE, C_SHARE, C_SPEND, C_VAR };

/* One (scheme, partner) cell of the report. */
typedef struct sc_part {
    int64_t scheme, partner; /* partner 0: lines or postings without one */
    pb_amount value, spend;
    bool any;
} sc_part;

typedef struct sc_scheme {
    int64_t id;
    char *name, *host, *manager;
    bool pooled;
} sc_scheme;

typedef struct sc_ctx {
    const pb_report__names *names;
    sc_part *p;
    size_t n, cap;
    sc_scheme *s;
    size_t ns, caps;
    bool forecast; /* spend is forecast */
    size_t lines, no_fc;
    /* forecast mode: per line, its forecast (or budget) */
    int64_t *fc_line;
    pb_amount *fc_amount;
    size_t nfc;
} sc_ctx;

static sc_part *part_of(sc_ctx *c, int64_t scheme, int64_t partner)
{
    size_t i;
    sc_part *p;

    for (i = 0; i < c->n; i++) {
        if (c->p[i].scheme == scheme && c->p[i].partner == partner)
            return &c->p[i];
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 32;
        c->p = pb_xrealloc(c->p, c->cap * sizeof *c->p);
    }
    p = &c->p[c->n++];
    memset(p, 0, sizeof *p);
    p->scheme = scheme;
    p->partner = partner;
    pb_amount_init(&p->value);
    pb_amount_init(&p->spend);
    pb_amount_set_units(&p->value, 0, PB_MONEY_SCALE);
    pb_amount_set_units(&p->spend, 0, PB_MONEY_SCALE);
    return p;
}

static int scheme_fn(const pb_scheme_info *info, void *ud)
{
    sc_ctx *c = ud;
    sc_scheme *s;

    if (c->ns == c->caps) {
        c->caps = c->caps ? 2 * c->caps : 16;
        c->s = pb_xrealloc(c->s, c->caps * sizeof *c->s);
    }
    s = &c->s[c->ns++];
    s->id = info->id;
    s->name = pb_xstrdup(info->name);
    s->host = pb_xstrdup(info->host);
    s->manager = pb_xstrdup(info->manager);
    s->pooled = info->pooled;
    return 0;
}

static const pb_amount *forecast_of(const sc_ctx *c, int64_t line)
{
    size_t i;

    for (i = 0; i < c->nfc; i++) {
        if (c->fc_line[i] == line)
            return &c->fc_amount[i];
    }
    return NULL;
}

static int line_fn(const pb_budget_row *row, void *ud)
{
    sc_ctx *c = ud;
    sc_part *p = part_of(c, pb_report__id(c->names, PB_DIM_SCHEME, row->scheme),
                         pb_report__id(c->names, PB_DIM_PARTNER, row->partner));

    pb_amount_add(&p->value, &p->value, row->current);
    p->any = true;
    if (c->forecast) {
        const pb_amount *f = forecast_of(c, row->line_id);

        c->lines++;
        if (f == NULL)
            c->no_fc++;
        pb_amount_add(&p->spend, &p->spend, f != NULL ? f : row->current);
    }
    return 0;
}

static int forecast_fn(const pb_forecast_info *f, void *ud)
{
    sc_ctx *c = ud;

    c->fc_line = pb_xrealloc(c->fc_line, (c->nfc + 1) * sizeof *c->fc_line);
    c->fc_amount =
        pb_xrealloc(c->fc_amount, (c->nfc + 1) * sizeof *c->fc_amount);
    c->fc_line[c->nfc] = f->line_id;
    pb_amount_init(&c->fc_amount[c->nfc]);
    pb_amount_set(&c->fc_amount[c->nfc], f->amount);
    c->nfc++;
    return 0;
}

/* Partner rows of one scheme in partner-code order ("no partner" last). */
static int by_partner(const sc_part *x, const sc_part *y,
                      const pb_report__names *n)
{
    if ((x->partner == 0) != (y->partner == 0))
        return x->partner == 0 ? 1 : -1;
    return strcmp(pb_report__code(n, x->partner),
                  pb_report__code(n, y->partner));
}

/* Insertion sort with a context (the lists are a handful of partners). */
static void sort_parts(sc_part **v, size_t n, const pb_report__names *names)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        sc_part *x = v[i];

        for (j = i; j > 0 && by_partner(v[j - 1], x, names) > 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static void subtotal(pb_table *t, size_t r, size_t first)
{
    static const size_t cols[] = {C_VALUE, C_SPEND, C_VAR};
    pb_amount s;
    size_t k;

    pb_amount_init(&s);
    for (k = 0; k < 3; k++) {
        pb_table_sum(&s, t, cols[k], first, r);
        pb_table_set_amount(t, r, cols[k], &s);
    }
    pb_amount_clear(&s);
}

int pb_report_schemes(pb_table **out, pb_book *b, const pb_report_opts *o,
                      pb_error *err)
{
    pb_table *t = pb_table_new("schemes", "Scheme performance by partner");
    pb_report__names *names = NULL;
    pb_report__ie *ie = NULL;
    pb_report__pool p;
    pb_budget_query bq;
    pb_forecast_query fq;
    sc_ctx c;
    sc_part **rows = NULL;
    pb_amount in, spend, tmp;
    pb_ratio q;
    bool opened = false, actual;
    size_t i, j, k, r, n, first;
    char pn[8];
    int rc;

    *out = NULL;
    memset(&p, 0, sizeof p);
    memset(&c, 0, sizeof c);
    pb_amount_init(&in);
    pb_amount_init(&spend);
    pb_amount_init(&tmp);
    pb_ratio_init(&q);
    if ((rc = pb_report__begin(b, &opened, err)) != PB_OK ||
        (rc = pb_report__pool_open(t, b, o, &p, err)) != PB_OK)
        goto done;
    actual = o->spend == PB_SPEND_ACTUAL ||
             (o->spend == PB_SPEND_AUTO && pb_period_num(p.period) == 12);
    c.forecast = !actual;
    pb_report__pname(p.period, pn);
    pb_table_add_column(t, "scheme", "Scheme / partner", PB_COL_TEXT);
    pb_table_add_column(t, "host", "Host", PB_COL_TEXT);
    pb_table_add_column(t, "manager", "Budget manager", PB_COL_TEXT);
    pb_table_add_column(t, "value", "Annual value", PB_COL_AMOUNT);
    pb_table_add_column(t, "share", "Share", PB_COL_PERCENT);
    pb_table_add_column(t, "spend",
                        !actual                         ? "Forecast outturn"
                        : pb_period_num(p.period) == 12 ? "Year-end spend"
                                                        : "Spend to date",
                        PB_COL_AMOUNT);
    pb_table_add_column(t, "variance", "Variance", PB_COL_VARIANCE);
    pb_table_column_places(t, C_SHARE, 0);
    pb_table_column_markers(t, C_VAR, "overspend", "underspend");
    pb_table_column_negative(t, C_VALUE, PB_NEG_BRACKETS);
    pb_table_column_negative(t, C_SPEND, PB_NEG_BRACKETS);
    if (!o->has_units && o->places < 0)
        pb_table_set_units(t, PB_UNITS_ONE, 0);
    pb_table_set_currency(t, true); /* "£48,820,000", "£1.374" */
    if ((rc = pb_report__names_new(&names, b, err)) != PB_OK ||
        (rc = pb_scheme_each(b, p.code, scheme_fn, &c, err)) != PB_OK)
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
    if (c.forecast) {
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
    }
    if ((rc = pb_budget_each(b, &bq, line_fn, &c, err)) != PB_OK)
        goto done;
    if (actual) {
        if ((rc = pb_report__ie_read(&ie, b, &p,
                                     PB_REPORT__SCHEME | PB_REPORT__PARTNER,
                                     err)) != PB_OK)
            goto done;
        for (i = 0; i < pb_report__ie_count(ie); i++) {
            int64_t ids[PB_DIM_COUNT];
            sc_part *x;

            pb_report__ie_key(ie, i, ids);
            for (j = 0; j < c.ns && c.s[j].id != ids[PB_DIM_SCHEME]; j++)
                ;
            if (j == c.ns)
                continue; /* not a scheme of this pool, or none */
            pb_report__ie_get(ie, 0, ids[PB_DIM_SCHEME], ids[PB_DIM_PARTNER],
                              &in, &spend);
            pb_amount_sub(&tmp, &spend, &in);
            x = part_of(&c, ids[PB_DIM_SCHEME], ids[PB_DIM_PARTNER]);
            pb_amount_add(&x->spend, &x->spend, &tmp);
            x->any = true;
        }
    }
    rows = pb_xcalloc(c.n ? c.n : 1, sizeof *rows);
    for (j = 0; j < c.ns; j++) {
        const sc_scheme *s = &c.s[j];
        pb_amount *total;

        for (n = 0, i = 0; i < c.n; i++) {
            if (c.p[i].scheme == s->id && c.p[i].any)
                rows[n++] = &c.p[i];
        }
        if (n == 0)
            continue;
        sort_parts(rows, n, names);
        r = pb_table_add_row(t, PB_ROW_HEADING, 0);
        pb_table_set_text(t, r, C_LABEL, s->name);
        if (s->pooled)
            pb_table_set_text(
                t, r, C_HOST,
                pb_report__name(names,
                                pb_report__id(names, PB_DIM_PARTNER, s->host)));
        else
            pb_table_set_text(t, r, C_HOST,
                              "Budgets not pooled - joint oversight");
        pb_table_set_text(t, r, C_MANAGER, s->manager);
        first = r + 1;
        total = &tmp;
        pb_amount_set_units(total, 0, PB_MONEY_SCALE);
        for (k = 0; k < n; k++)
            pb_amount_add(total, total, &rows[k]->value);
        for (k = 0; k < n; k++) {
            r = pb_table_add_row(t, PB_ROW_DETAIL, 1);
            pb_table_set_text(t, r, C_LABEL,
                              rows[k]->partner != 0
                                  ? pb_report__code(names, rows[k]->partner)
                                  : "Not split by partner");
            pb_table_set_amount(t, r, C_VALUE, &rows[k]->value);
            if (!pb_amount_is_zero(total) &&
                pb_ratio_div(&q, &rows[k]->value, total, NULL) == PB_OK)
                pb_table_set_ratio(t, r, C_SHARE, &q);
            pb_table_set_amount(t, r, C_SPEND, &rows[k]->spend);
            pb_amount_sub(&in, &rows[k]->spend, &rows[k]->value);
            pb_table_set_amount(t, r, C_VAR, &in);
        }
        r = pb_table_add_row(t, PB_ROW_SUBTOTAL, 0);
        {
            pb_buf label = PB_BUF_INIT;

            pb_buf_printf(&label, "Total %s", s->name);
            pb_table_set_text(t, r, C_LABEL, pb_buf_str(&label));
            pb_buf_clear(&label);
        }
        subtotal(t, r, first);
    }
    r = pb_table_add_row(t, PB_ROW_TOTAL, 0);
    pb_table_set_text(t, r, C_LABEL, "Total");
    subtotal(t, r, 0);
    if (actual)
        pb_table_add_note(t,
                          "Spend is the net income and expenditure posted "
                          "with each scheme and partner to %s.",
                          pn);
    else
        pb_table_add_note(t,
                          "Spend is the forecast outturn recorded for %s "
                          "(%zu of %zu budget line%s without one taken at "
                          "the current budget).",
                          pn, c.no_fc, c.lines, c.lines == 1 ? "" : "s");
    if (p.known_at != NULL) {
        char d[PB_DATE_ISO_LEN];

        pb_table_add_note(t, "Forecasts as recorded on or before %s.",
                          pb_date_iso(*p.known_at, d));
    }
    pb_table_add_note(t, "Variance is spend less annual value. Shares are "
                         "rounded for show; the amounts are exact.");
    *out = t;
    t = NULL;
done:
    if (opened)
        pb_book_rollback(b);
    for (i = 0; i < c.n; i++) {
        pb_amount_clear(&c.p[i].value);
        pb_amount_clear(&c.p[i].spend);
    }
    free(c.p);
    for (i = 0; i < c.ns; i++) {
        free(c.s[i].name);
        free(c.s[i].host);
        free(c.s[i].manager);
    }
    free(c.s);
    for (i = 0; i < c.nfc; i++)
        pb_amount_clear(&c.fc_amount[i]);
    free(c.fc_line);
    free(c.fc_amount);
    free(rows);
    pb_amount_clear(&in);
    pb_amount_clear(&spend);
    pb_amount_clear(&tmp);
    pb_ratio_clear(&q);
    pb_report__ie_free(ie);
    pb_report__names_free(names);
    pb_report__pool_clear(&p);
    pb_table_free(t);
    return rc;
}
