/*
 * running_balances.c - `report running-balances`: DOMAIN layout A, the
 * income received and spent to date on each funding stream of a pool.
 *
 * One pass over the balance cache of the year (pb_report__ie_read grouped
 * by stream), the pool's streams in display order (zero rows kept, as the
 * BCF template does), and the budget lines' months for the profile the
 * chart draws.  Cost: cache rows of the year, streams, budget lines - not
 * the number of postings.
 *
 * Invariants: balance = income - spend on every row; the total row is the
 * sum of the unrounded rows; its percentage is total spend / total income
 * (not a mean of row percentages); a percentage is blank, never "0.00%"
 * or a division by zero, where income is zero.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/budget.h"
#include "reports/report.h"
#include "reports/report_int.h"

enum { C_STREAM, C_INCOME, C_SPENT, C_PCT, C_BALANCE, C_PROFILE };

typedef struct rb_stream {
    int64_t id;
    char *code, *name;
    pb_amount profile; /* budget months P1..as-at period */
} rb_stream;

typedef struct rb_ctx {
    rb_stream *s;
    size_t n, cap;
    int months;           /* P1..months make the profile */
    pb_amount unstreamed; /* profile of lines with no stream */
} rb_ctx;

static int stream_fn(const pb_stream_info *info, void *ud)
{
    rb_ctx *c = ud;
    rb_stream *s;

    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->s = pb_xrealloc(c->s, c->cap * sizeof *c->s);
    }
    s = &c->s[c->n++];
    s->id = info->id;
    s->code = pb_xstrdup(info->code);
    s->name = pb_xstrdup(info->name);
    pb_amount_init(&s->profile);
    pb_amount_set_units(&s->profile, 0, PB_MONEY_SCALE);
    return 0;
}

static int line_fn(const pb_budget_row *row, void *ud)
{
    rb_ctx *c = ud;
    pb_amount *into = &c->unstreamed;
    size_t i;
    int m;

    for (i = 0; i < c->n && *row->stream != '\0'; i++) {
        if (strcmp(c->s[i].code, row->stream) == 0) {
            into = &c->s[i].profile;
            break;
        }
    }
    for (m = 0; m < c->months; m++)
        pb_amount_add(into, into, &row->months[m]);
    return 0;
}

/* Fills row r: income, spend, % spent (blank where income is zero), and
 * balance. */
static void fill(pb_table *t, size_t r, const pb_amount *in,
                 const pb_amount *out, pb_amount *tmp)
{
    pb_ratio q;

    pb_table_set_amount(t, r, C_INCOME, in);
    pb_table_set_amount(t, r, C_SPENT, out);
    if (!pb_amount_is_zero(in)) {
        pb_ratio_init(&q);
        (void)pb_ratio_div(&q, out, in, NULL); /* in != 0 */
        pb_table_set_ratio(t, r, C_PCT, &q);
        pb_ratio_clear(&q);
    }
    pb_amount_sub(tmp, in, out);
    pb_table_set_amount(t, r, C_BALANCE, tmp);
}

int pb_report_running_balances(pb_table **out, pb_book *b,
                               const pb_report_opts *o, pb_error *err)
{
    pb_table *t =
        pb_table_new("running-balances", "Running balances by funding stream");
    pb_report__ie *ie = NULL;
    pb_report__pool p;
    pb_budget_query bq;
    rb_ctx c;
    pb_amount in, spent, tmp, sum;
    bool opened = false;
    size_t i, r;
    int rc;

    *out = NULL;
    memset(&p, 0, sizeof p);
    memset(&c, 0, sizeof c);
    pb_amount_init(&in);
    pb_amount_init(&spent);
    pb_amount_init(&tmp);
    pb_amount_init(&sum);
    pb_amount_init(&c.unstreamed);
    pb_amount_set_units(&c.unstreamed, 0, PB_MONEY_SCALE);
    pb_table_add_column(t, "stream", "Funding stream", PB_COL_TEXT);
    pb_table_add_column(t, "income", "Income", PB_COL_AMOUNT);
    pb_table_add_column(t, "spent", "Expenditure to date", PB_COL_AMOUNT);
    pb_table_add_column(t, "percent_spent", "Percentage spent", PB_COL_PERCENT);
    pb_table_add_column(t, "balance", "Balance", PB_COL_AMOUNT);
    pb_table_add_column(t, "profile", "Profiled budget to date", PB_COL_AMOUNT);
    pb_table_column_hide(t, C_PROFILE);
    /* Layout A's own form: whole pounds with "£". */
    pb_table_set_units(t, PB_UNITS_ONE, 0);
    pb_table_set_currency(t, true);
    if ((rc = pb_report__begin(b, &opened, err)) != PB_OK ||
        (rc = pb_report__pool_open(t, b, o, &p, err)) != PB_OK ||
        (rc = pb_report__ie_read(&ie, b, &p, PB_REPORT__STREAM, err)) !=
            PB_OK ||
        (rc = pb_stream_each(b, p.code, stream_fn, &c, err)) != PB_OK)
        goto done;
    c.months = pb_period_num(p.period);
    pb_budget_query_init(&bq);
    bq.pool = p.code;
    bq.fy = p.fy;
    bq.has_as_of = true;
    bq.as_of = p.as_at;
    bq.stream = o->filter[PB_DIM_STREAM];
    bq.scheme = o->filter[PB_DIM_SCHEME];
    bq.partner = o->filter[PB_DIM_PARTNER];
    if ((rc = pb_budget_each(b, &bq, line_fn, &c, err)) != PB_OK)
        goto done;
    for (i = 0; i < c.n; i++) {
        if (p.dims.id[PB_DIM_STREAM] != 0 &&
            p.dims.id[PB_DIM_STREAM] != c.s[i].id)
            continue;
        r = pb_table_add_row(t, PB_ROW_DETAIL, 0);
        pb_table_set_text(t, r, C_STREAM, c.s[i].name);
        pb_report__ie_get(ie, c.s[i].id, 0, 0, &in, &spent);
        fill(t, r, &in, &spent, &tmp);
        pb_table_set_amount(t, r, C_PROFILE, &c.s[i].profile);
    }
    /* Income or spend with no stream belongs to no stream of the pool's
     * template but must not vanish from the totals. */
    if (p.dims.id[PB_DIM_STREAM] == 0) {
        pb_report__ie_get(ie, 0, 0, 0, &in, &spent);
        if (!pb_amount_is_zero(&in) || !pb_amount_is_zero(&spent)) {
            r = pb_table_add_row(t, PB_ROW_DETAIL, 0);
            pb_table_set_text(t, r, C_STREAM, "No funding stream");
            fill(t, r, &in, &spent, &tmp);
            pb_table_set_amount(t, r, C_PROFILE, &c.unstreamed);
            pb_table_add_note(t, "\"No funding stream\" is income and "
                                 "expenditure posted without a stream; give "
                                 "those postings a stream to attribute them.");
        }
    }
    r = pb_table_row_count(t);
    pb_table_sum(&in, t, C_INCOME, 0, r);
    pb_table_sum(&spent, t, C_SPENT, 0, r);
    pb_table_sum(&sum, t, C_PROFILE, 0, r);
    r = pb_table_add_row(t, PB_ROW_TOTAL, 0);
    pb_table_set_text(t, r, C_STREAM, "Total");
    fill(t, r, &in, &spent, &tmp);
    pb_table_set_amount(t, r, C_PROFILE, &sum);
    pb_table_add_chart(t,
                       "Expenditure to date against profiled budget by "
                       "stream",
                       C_STREAM, C_PROFILE, C_SPENT);
    *out = t;
    t = NULL;
done:
    if (opened)
        pb_book_rollback(b);
    for (i = 0; i < c.n; i++) {
        free(c.s[i].code);
        free(c.s[i].name);
        pb_amount_clear(&c.s[i].profile);
    }
    free(c.s);
    pb_amount_clear(&c.unstreamed);
    pb_amount_clear(&in);
    pb_amount_clear(&spent);
    pb_amount_clear(&tmp);
    pb_amount_clear(&sum);
    pb_report__ie_free(ie);
    pb_report__pool_clear(&p);
    pb_table_free(t);
    return rc;
}
