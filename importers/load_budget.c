/*
 * load_budget.c - the budget files: budgets (a line's base budget from a
 * date), virements (one row per leg, grouped by ref), planned
 * contributions and prior-year outturns.  The rules are budget.h's; this
 * file reads rows into its definitions and says where a refusal is.
 */
#include <stdlib.h>
#include <string.h>

#include "importers/load_int.h"
#include "ledger/budget.h"

#define MONTH_COLS(req)                                                        \
    {"p01", "p1", req}, {"p02", "p2", req}, {"p03", "p3", req},                \
        {"p04", "p4", req}, {"p05", "p5", req}, {"p06", "p6", req},            \
        {"p07", "p7", req}, {"p08", "p8", req}, {"p09", "p9", req},            \
        {"p10", NULL, req}, {"p11", NULL, req}, {"p12", NULL, req}

/* The record key "pool|fy|scheme|stream|partner[|extra]" for duplicate
 * detection. */
static const char *key_of(pb_load__ctx *c, const pb_budget_key *k,
                          const char *extra)
{
    pb_buf_reset(&c->key);
    pb_buf_printf(&c->key, "%s|%d|%s|%s|%s|%s", k->pool, k->fy,
                  k->scheme != NULL ? k->scheme : "",
                  k->stream != NULL ? k->stream : "",
                  k->partner != NULL ? k->partner : "",
                  extra != NULL ? extra : "");
    return pb_buf_str(&c->key);
}

/* ---- budgets ----------------------------------------------------------- */

enum { BU_POOL, BU_FY, BU_SCHEME, BU_STREAM, BU_PARTNER, BU_EFFECTIVE,
       BU_AMOUNT, BU_PROFILE, BU_P01, BU_NOTE = BU_P01 + PB_MONTHS };

static const pb_load__col budget_cols[] = {
    {"pool", NULL, PB_LOAD__REQUIRED},
    {"fy", "year", PB_LOAD__REQUIRED},
    {"scheme", NULL, PB_LOAD__REQUIRED},
    {"stream", NULL, 0},
    {"partner", NULL, 0},
    {"effective", NULL, 0},
    {"amount", NULL, PB_LOAD__REQUIRED},
    {"profile", NULL, 0},
    MONTH_COLS(0),
    {"note", NULL, 0},
};

static int budget_row(pb_load__ctx *c, pb_error *err)
{
    pb_amount amount, months[PB_MONTHS];
    pb_budget_def d;
    pb_put_result r = PB_PUT_UNCHANGED;
    char eff[PB_DATE_ISO_LEN];
    bool has_eff, has_months;
    int i, rc;

    pb_amount_init(&amount);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_init(&months[i]);
    memset(&d, 0, sizeof d);
    d.amount = &amount;
    if ((rc = pb_load__text(c, BU_POOL, true, &d.key.pool, err)) != PB_OK ||
        (rc = pb_load__fy(c, BU_FY, &d.key.fy, err)) != PB_OK ||
        (rc = pb_load__text(c, BU_SCHEME, true, &d.key.scheme, err)) !=
            PB_OK ||
        (rc = pb_load__text(c, BU_STREAM, false, &d.key.stream, err)) !=
            PB_OK ||
        (rc = pb_load__text(c, BU_PARTNER, false, &d.key.partner, err)) !=
            PB_OK ||
        (rc = pb_load__date(c, BU_EFFECTIVE, false, &d.effective, &has_eff,
                            err)) != PB_OK ||
        (rc = pb_load__amount(c, BU_AMOUNT, PB_MONEY_SCALE, &amount, err)) !=
            PB_OK ||
        (rc = pb_load__text(c, BU_PROFILE, false, &d.profile, err)) !=
            PB_OK ||
        (rc = pb_load__months(c, BU_P01, PB_MONEY_SCALE, months, &has_months,
                              err)) != PB_OK ||
        (rc = pb_load__text(c, BU_NOTE, false, &d.note, err)) != PB_OK)
        goto done;
    if (!has_eff)
        d.effective = pb_fy_first_day(d.key.fy, pb_book_fy_start(c->b));
    d.months = has_months ? months : NULL;
    rc = pb_load__unique(c, "this budget line and effective date",
                         key_of(c, &d.key, pb_date_iso(d.effective, eff)),
                         BU_SCHEME, err);
    if (rc == PB_OK)
        rc = pb_budget_set(c->b, &d, c->batch, &r, err);
    rc = pb_load__done(c, rc, r, BU_AMOUNT, err);
done:
    pb_amount_clear(&amount);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_clear(&months[i]);
    return rc;
}

const pb_load__kind_ops pb_load__budgets = {
    PB_LOAD_BUDGETS, budget_cols, sizeof budget_cols / sizeof budget_cols[0],
    budget_row, NULL, NULL};

/* ---- virements --------------------------------------------------------- */

enum { VI_REF, VI_DATE, VI_REASON, VI_APPROVAL, VI_POOL, VI_FY, VI_SCHEME,
       VI_STREAM, VI_PARTNER, VI_AMOUNT, VI_PROFILE, VI_P01 };

static const pb_load__col virement_cols[] = {
    {"ref", "reference", PB_LOAD__REQUIRED},
    {"date", NULL, PB_LOAD__REQUIRED},
    {"reason", NULL, PB_LOAD__REQUIRED},
    {"approval", "approval_ref", 0},
    {"pool", NULL, PB_LOAD__REQUIRED},
    {"fy", "year", PB_LOAD__REQUIRED},
    {"scheme", NULL, PB_LOAD__REQUIRED},
    {"stream", NULL, 0},
    {"partner", NULL, 0},
    {"amount", NULL, PB_LOAD__REQUIRED},
    {"profile", NULL, 0},
    MONTH_COLS(0),
};

/* One leg, its strings owned (the CSV reader's are gone by the flush). */
typedef struct vrow {
    char *pool, *scheme, *stream, *partner, *profile;
    int fy;
    pb_amount amount, months[PB_MONTHS];
    bool has_months;
    long line;
} vrow;

typedef struct vgroup {
    char *ref, *reason, *approval, *date_text;
    pb_date date;
    long line;        /* of the group's first row */
    vrow *rows;
    size_t n, cap, ninit;
} vgroup;

static void group_reset(vgroup *g)
{
    size_t i;

    for (i = 0; i < g->n; i++) {
        vrow *r = &g->rows[i];

        free(r->pool);
        free(r->scheme);
        free(r->stream);
        free(r->partner);
        free(r->profile);
        r->pool = r->scheme = r->stream = r->partner = r->profile = NULL;
    }
    g->n = 0;
    free(g->ref);
    free(g->reason);
    free(g->approval);
    free(g->date_text);
    g->ref = g->reason = g->approval = g->date_text = NULL;
}

static void virement_free(pb_load__ctx *c)
{
    vgroup *g = c->state;
    size_t i;
    int m;

    if (g == NULL)
        return;
    group_reset(g);
    for (i = 0; i < g->ninit; i++) {
        pb_amount_clear(&g->rows[i].amount);
        for (m = 0; m < PB_MONTHS; m++)
            pb_amount_clear(&g->rows[i].months[m]);
    }
    free(g->rows);
    free(g);
    c->state = NULL;
}

static int flush_virement(pb_load__ctx *c, pb_error *err)
{
    vgroup *g = c->state;
    pb_virement_leg *legs;
    pb_virement_def d;
    pb_put_result r = PB_PUT_UNCHANGED;
    size_t i, bad = 0;
    long line;
    int rc;

    if (g == NULL || g->n == 0)
        return PB_OK;
    legs = pb_xcalloc(g->n, sizeof *legs);
    for (i = 0; i < g->n; i++) {
        legs[i].key.pool = g->rows[i].pool;
        legs[i].key.fy = g->rows[i].fy;
        legs[i].key.scheme = g->rows[i].scheme;
        legs[i].key.stream = g->rows[i].stream;
        legs[i].key.partner = g->rows[i].partner;
        legs[i].amount = &g->rows[i].amount;
        legs[i].months = g->rows[i].has_months ? g->rows[i].months : NULL;
        legs[i].profile = g->rows[i].profile;
    }
    d.ref = g->ref;
    d.date = g->date;
    d.reason = g->reason;
    d.approval = g->approval;
    d.legs = legs;
    d.nlegs = g->n;
    rc = pb_virement_add(c->b, &d, c->batch, &r, &bad, err);
    if (rc != PB_OK) {
        line = bad > 0 ? g->rows[bad - 1].line : g->line;
        pb_error_locate(err, c->name, line, 0,
                        bad > 0 || rc == PB_EREFUSED ? NULL : "amount");
    } else {
        pb_load__count(c, r);
    }
    free(legs);
    group_reset(g);
    return rc;
}

/* The value a group-level column must keep on every row of a group:
 * blank or the same as the first row's. */
static int same_as_first(pb_load__ctx *c, int col, const char *first,
                         const char *what, pb_error *err)
{
    if (!pb_load__has(c, col) || strcmp(pb_load__get(c, col), first) == 0)
        return PB_OK;
    return pb_load__at(c, col,
                       pb_error_set(err, PB_EINVAL,
                                    "\"%s\" differs from this %s's first row "
                                    "(\"%s\"); leave it blank or repeat it",
                                    pb_load__get(c, col), what, first),
                       err);
}

static int virement_row(pb_load__ctx *c, pb_error *err)
{
    vgroup *g = c->state;
    vrow *v;
    const char *ref, *s;
    int rc, m;

    if (g == NULL)
        g = c->state = pb_xcalloc(1, sizeof *g);
    if ((rc = pb_load__text(c, VI_REF, true, &ref, err)) != PB_OK)
        return rc;
    if (g->ref == NULL || strcmp(g->ref, ref) != 0) {
        if ((rc = flush_virement(c, err)) != PB_OK)
            return rc;
        if ((rc = pb_load__unique(c, "virement", ref, VI_REF, err)) !=
            PB_OK) {
            pb_error_set(err, PB_EINVAL,
                         "the rows of virement %s must be together; it "
                         "started at an earlier line",
                         ref);
            return pb_load__at(c, VI_REF, PB_EINVAL, err);
        }
        g->ref = pb_xstrdup(ref);
        g->line = c->line;
        if ((rc = pb_load__date(c, VI_DATE, true, &g->date, NULL, err)) !=
                PB_OK ||
            (rc = pb_load__text(c, VI_REASON, true, &s, err)) != PB_OK)
            return rc;
        g->date_text = pb_xstrdup(pb_load__get(c, VI_DATE));
        g->reason = pb_xstrdup(s);
        g->approval = pb_xstrdup(pb_load__get(c, VI_APPROVAL));
    } else if ((rc = same_as_first(c, VI_DATE, g->date_text, "virement",
                                   err)) != PB_OK ||
               (rc = same_as_first(c, VI_REASON, g->reason, "virement",
                                   err)) != PB_OK ||
               (rc = same_as_first(c, VI_APPROVAL, g->approval, "virement",
                                   err)) != PB_OK) {
        return rc;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 4;
        g->rows = pb_xrealloc(g->rows, g->cap * sizeof *g->rows);
    }
    v = &g->rows[g->n];
    if (g->n == g->ninit) {
        pb_amount_init(&v->amount);
        for (m = 0; m < PB_MONTHS; m++)
            pb_amount_init(&v->months[m]);
        g->ninit++;
    }
    v->pool = v->scheme = v->stream = v->partner = v->profile = NULL;
    g->n++;
    v->line = c->line;
    if ((rc = pb_load__text(c, VI_POOL, true, &s, err)) != PB_OK)
        return rc;
    v->pool = pb_xstrdup(s);
    if ((rc = pb_load__fy(c, VI_FY, &v->fy, err)) != PB_OK ||
        (rc = pb_load__text(c, VI_SCHEME, true, &s, err)) != PB_OK)
        return rc;
    v->scheme = pb_xstrdup(s);
    v->stream = pb_xstrdup(pb_load__get(c, VI_STREAM));
    v->partner = pb_xstrdup(pb_load__get(c, VI_PARTNER));
    v->profile = pb_xstrdup(pb_load__get(c, VI_PROFILE));
    if ((rc = pb_load__amount(c, VI_AMOUNT, PB_MONEY_SCALE, &v->amount,
                              err)) != PB_OK)
        return rc;
    return pb_load__months(c, VI_P01, PB_MONEY_SCALE, v->months,
                           &v->has_months, err);
}

const pb_load__kind_ops pb_load__virements = {
    PB_LOAD_VIREMENTS,  virement_cols,
    sizeof virement_cols / sizeof virement_cols[0],
    virement_row,       flush_virement,
    virement_free};

/* ---- contributions ----------------------------------------------------- */

enum { CO_POOL, CO_FY, CO_PARTNER, CO_STREAM, CO_AMOUNT, CO_NOTE };

static const pb_load__col contribution_cols[] = {
    {"pool", NULL, PB_LOAD__REQUIRED},
    {"fy", "year", PB_LOAD__REQUIRED},
    {"partner", NULL, PB_LOAD__REQUIRED},
    {"stream", NULL, 0},
    {"amount", NULL, PB_LOAD__REQUIRED},
    {"note", NULL, 0},
};

static int contribution_row(pb_load__ctx *c, pb_error *err)
{
    pb_contribution_def d;
    pb_budget_key k;
    pb_amount amount;
    pb_put_result r = PB_PUT_UNCHANGED;
    int rc;

    pb_amount_init(&amount);
    memset(&d, 0, sizeof d);
    d.amount = &amount;
    if ((rc = pb_load__text(c, CO_POOL, true, &d.pool, err)) == PB_OK &&
        (rc = pb_load__fy(c, CO_FY, &d.fy, err)) == PB_OK &&
        (rc = pb_load__text(c, CO_PARTNER, true, &d.partner, err)) ==
            PB_OK &&
        (rc = pb_load__text(c, CO_STREAM, false, &d.stream, err)) == PB_OK &&
        (rc = pb_load__amount(c, CO_AMOUNT, PB_MONEY_SCALE, &amount, err)) ==
            PB_OK &&
        (rc = pb_load__text(c, CO_NOTE, false, &d.note, err)) == PB_OK) {
        k.pool = d.pool;
        k.fy = d.fy;
        k.scheme = NULL;
        k.stream = d.stream;
        k.partner = d.partner;
        rc = pb_load__unique(c, "this contribution", key_of(c, &k, NULL),
                             CO_PARTNER, err);
        if (rc == PB_OK)
            rc = pb_contribution_put(c->b, &d, c->batch, &r, err);
        rc = pb_load__done(c, rc, r, CO_AMOUNT, err);
    }
    pb_amount_clear(&amount);
    return rc;
}

const pb_load__kind_ops pb_load__contributions = {
    PB_LOAD_CONTRIBUTIONS, contribution_cols,
    sizeof contribution_cols / sizeof contribution_cols[0],
    contribution_row, NULL, NULL};

/* ---- outturns ---------------------------------------------------------- */

enum { OU_POOL, OU_FY, OU_SCHEME, OU_STREAM, OU_PARTNER, OU_AMOUNT };

static const pb_load__col outturn_cols[] = {
    {"pool", NULL, PB_LOAD__REQUIRED},
    {"fy", "year", PB_LOAD__REQUIRED},
    {"scheme", NULL, PB_LOAD__REQUIRED},
    {"stream", NULL, 0},
    {"partner", NULL, 0},
    {"amount", NULL, PB_LOAD__REQUIRED},
};

static int outturn_row(pb_load__ctx *c, pb_error *err)
{
    pb_outturn_def d;
    pb_amount amount;
    pb_put_result r = PB_PUT_UNCHANGED;
    int rc;

    pb_amount_init(&amount);
    memset(&d, 0, sizeof d);
    d.amount = &amount;
    if ((rc = pb_load__text(c, OU_POOL, true, &d.key.pool, err)) == PB_OK &&
        (rc = pb_load__fy(c, OU_FY, &d.key.fy, err)) == PB_OK &&
        (rc = pb_load__text(c, OU_SCHEME, true, &d.key.scheme, err)) ==
            PB_OK &&
        (rc = pb_load__text(c, OU_STREAM, false, &d.key.stream, err)) ==
            PB_OK &&
        (rc = pb_load__text(c, OU_PARTNER, false, &d.key.partner, err)) ==
            PB_OK &&
        (rc = pb_load__amount(c, OU_AMOUNT, PB_MONEY_SCALE, &amount, err)) ==
            PB_OK) {
        rc = pb_load__unique(c, "this outturn", key_of(c, &d.key, NULL),
                             OU_SCHEME, err);
        if (rc == PB_OK)
            rc = pb_outturn_put(c->b, &d, c->batch, &r, err);
        rc = pb_load__done(c, rc, r, OU_AMOUNT, err);
    }
    pb_amount_clear(&amount);
    return rc;
}

const pb_load__kind_ops pb_load__outturns = {
    PB_LOAD_OUTTURNS, outturn_cols,
    sizeof outturn_cols / sizeof outturn_cols[0], outturn_row, NULL, NULL};
