/*
 * load_dump.c - the book's master data and budgets written back out in
 * the layouts the loaders read, so that a dump loads back unchanged.
 *
 * Everything is written in canonical form: ISO dates, years "2024-25",
 * amounts "-1234.56", yes/no, every column of the kind's table (blank
 * where the book holds nothing), and budgets with their twelve months
 * spelt out (so no profile has to be re-applied to read them back).
 */
#include <stdio.h>
#include <string.h>

#include "importers/load_int.h"
#include "ledger/account.h"
#include "ledger/budget.h"
#include "reports/forecast.h"

typedef struct dump {
    pb_buf *out;
    pb_buf scratch;
} dump;

static void field(dump *d, const char *text)
{
    pb_load__csv_field(d->out, text != NULL ? text : "", false);
}

static void last_field(dump *d, const char *text)
{
    pb_load__csv_field(d->out, text != NULL ? text : "", true);
}

static void amount_field(dump *d, const pb_amount *a, bool last)
{
    pb_buf_reset(&d->scratch);
    pb_amount_format(&d->scratch, a, NULL);
    pb_load__csv_field(d->out, pb_buf_str(&d->scratch), last);
}

static void fy_field(dump *d, int fy)
{
    char buf[PB_FY_STR_LEN];

    field(d, fy != 0 ? pb_fy_str(fy, 4, buf) : "");
}

static void date_field(dump *d, pb_date date)
{
    char buf[PB_DATE_ISO_LEN];

    field(d, pb_date_iso(date, buf));
}

static void months_fields(dump *d, const pb_amount *months, bool last)
{
    int i;

    for (i = 0; i < PB_MONTHS; i++)
        amount_field(d, &months[i], last && i == PB_MONTHS - 1);
}

static int partner_fn(const pb_partner_info *p, void *ud)
{
    dump *d = ud;

    field(d, p->code);
    field(d, p->name);
    field(d, pb_partner_kind_name(p->kind));
    last_field(d, p->ledger_code);
    return 0;
}

typedef struct pool_dump {
    dump *d;
    const char *only; /* pool code, or NULL */
} pool_dump;

static int pool_fn(const pb_pool_info *p, void *ud)
{
    pool_dump *pd = ud;
    dump *d = pd->d;

    if (pd->only != NULL && strcmp(pd->only, p->code) != 0)
        return 0;
    field(d, p->code);
    field(d, p->name);
    field(d, pb_pool_basis_name(p->basis));
    field(d, p->host);
    field(d, p->manager);
    fy_field(d, p->first_fy);
    fy_field(d, p->last_fy);
    last_field(d, p->risk_share);
    return 0;
}

static int stream_fn(const pb_stream_info *s, void *ud)
{
    dump *d = ud;

    field(d, s->code);
    field(d, s->name);
    field(d, s->pool);
    field(d, s->partner);
    field(d, s->capital ? "yes" : "no");
    field(d, s->ring_fenced ? "yes" : "no");
    field(d, s->carry_forward ? "yes" : "no");
    pb_buf_printf(d->out, "%d\n", s->order);
    return 0;
}

static int scheme_fn(const pb_scheme_info *s, void *ud)
{
    dump *d = ud;

    field(d, s->code);
    field(d, s->name);
    field(d, s->pool);
    field(d, s->host);
    field(d, s->manager);
    field(d, s->pooled ? "yes" : "no");
    field(d, s->area);
    pb_buf_printf(d->out, "%d\n", s->order);
    return 0;
}

static int account_fn(const pb_account_info *a, void *ud)
{
    dump *d = ud;

    field(d, a->code);
    field(d, a->name);
    last_field(d, pb_account_type_name(a->type));
    return 0;
}

static int profile_fn(const pb_profile_info *p, void *ud)
{
    dump *d = ud;

    field(d, p->name);
    field(d, p->description);
    months_fields(d, p->weights, true);
    return 0;
}

static int budget_fn(const pb_budget_base_row *r, void *ud)
{
    dump *d = ud;

    field(d, r->line->pool);
    fy_field(d, r->line->fy);
    field(d, r->line->scheme);
    field(d, r->line->stream);
    field(d, r->line->partner);
    date_field(d, r->effective);
    amount_field(d, r->amount, false);
    field(d, ""); /* profile: the months say it all */
    months_fields(d, r->months, false);
    last_field(d, r->note);
    return 0;
}

static int virement_fn(const pb_budget_change_info *c, void *ud)
{
    dump *d = ud;

    field(d, c->virement_ref);
    date_field(d, c->effective);
    field(d, c->virement_reason);
    field(d, c->virement_approval);
    field(d, c->pool);
    fy_field(d, c->fy);
    field(d, c->scheme);
    field(d, c->stream);
    field(d, c->partner);
    amount_field(d, c->amount, false);
    field(d, "");
    months_fields(d, c->months, true);
    return 0;
}

static int contribution_fn(const pb_contribution_info *c, void *ud)
{
    dump *d = ud;

    field(d, c->pool);
    fy_field(d, c->fy);
    field(d, c->partner);
    field(d, c->stream);
    amount_field(d, c->amount, false);
    last_field(d, c->note);
    return 0;
}

static int outturn_fn(const pb_outturn_info *o, void *ud)
{
    dump *d = ud;

    field(d, o->pool);
    fy_field(d, o->fy);
    field(d, o->scheme);
    field(d, o->stream);
    field(d, o->partner);
    amount_field(d, o->amount, true);
    return 0;
}

static int forecast_fn(const pb_forecast_info *f, void *ud)
{
    dump *d = ud;
    char pn[8];

    field(d, f->pool);
    fy_field(d, f->fy);
    snprintf(pn, sizeof pn, "P%02d", pb_period_num(f->period));
    field(d, pn);
    field(d, f->scheme);
    field(d, f->stream);
    field(d, f->partner);
    amount_field(d, f->amount, false);
    last_field(d, f->note);
    return 0;
}

int pb_load_dump(pb_book *b, pb_load_kind kind, const pb_budget_query *q,
                 pb_buf *out, pb_error *err)
{
    pb_budget_query all;
    pool_dump pd;
    dump d;
    int rc;

    if (kind == PB_LOAD_POSTINGS)
        return pb_error_set(err, PB_EUSAGE,
                            "postings are not dumped: the journal is the "
                            "record (see poolbook show, balance, register)");
    if (q == NULL) {
        pb_budget_query_init(&all);
        q = &all;
    }
    d.out = out;
    pb_buf_init(&d.scratch);
    pb_buf_printf(out, "%s\n", pb_load_header(kind));
    switch (kind) {
    case PB_LOAD_PARTNERS:
        rc = pb_partner_each(b, partner_fn, &d, err);
        break;
    case PB_LOAD_POOLS:
        pd.d = &d;
        pd.only = q->pool != NULL && *q->pool != '\0' ? q->pool : NULL;
        rc = pd.only != NULL ? pb_pool_find(b, pd.only, NULL, err) : PB_OK;
        if (rc == PB_OK)
            rc = pb_pool_each(b, pool_fn, &pd, err);
        break;
    case PB_LOAD_STREAMS:
        rc = pb_stream_each(b, q->pool, stream_fn, &d, err);
        break;
    case PB_LOAD_SCHEMES:
        rc = pb_scheme_each(b, q->pool, scheme_fn, &d, err);
        break;
    case PB_LOAD_ACCOUNTS:
        rc = pb_account_each(b, account_fn, &d, err);
        break;
    case PB_LOAD_PROFILES:
        rc = pb_profile_each(b, profile_fn, &d, err);
        break;
    case PB_LOAD_BUDGETS:
        rc = pb_budget_base_each(b, q, budget_fn, &d, err);
        break;
    case PB_LOAD_VIREMENTS:
        rc = pb_virement_each(b, q, virement_fn, &d, err);
        break;
    case PB_LOAD_CONTRIBUTIONS:
        rc = pb_contribution_each(b, q, contribution_fn, &d, err);
        break;
    case PB_LOAD_OUTTURNS:
        rc = pb_outturn_each(b, q, outturn_fn, &d, err);
        break;
    case PB_LOAD_FORECASTS: {
        /* The forecasts in force, period by period: loading them back
         * changes nothing. */
        pb_forecast_query fq;

        pb_forecast_query_init(&fq);
        fq.pool = q->pool;
        fq.fy = q->fy;
        rc = pb_forecast_each(b, &fq, forecast_fn, &d, err);
        break;
    }
    default:
        rc = pb_error_set(err, PB_EUSAGE, "nothing to dump");
        break;
    }
    pb_buf_clear(&d.scratch);
    return rc;
}
