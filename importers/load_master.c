/*
 * load_master.c - the master-data files: partners, pools, streams,
 * schemes, accounts and profiles.  One row is one record; its code is its
 * key (given twice in one file is an error); the row is handed to the
 * pool model's put, which adds, updates (logging) or leaves it.
 */
#include <stdio.h>
#include <string.h>

#include "importers/load_int.h"
#include "ledger/account.h"
#include "ledger/pool_int.h"

/* Hands a put's error back located at the row (the put may have named
 * the field; else `col`). */
/* ---- partners ---------------------------------------------------------- */

enum { PA_CODE, PA_NAME, PA_KIND, PA_LEDGER };

static const pb_load__col partner_cols[] = {
    {"code", NULL, PB_LOAD__REQUIRED},
    {"name", NULL, PB_LOAD__REQUIRED},
    {"kind", NULL, PB_LOAD__REQUIRED},
    {"ledger_code", NULL, 0},
};

static int partner_row(pb_load__ctx *c, pb_error *err)
{
    pb_partner_def d;
    pb_put_result r = PB_PUT_UNCHANGED;
    const char *kind;
    int rc;

    memset(&d, 0, sizeof d);
    if ((rc = pb_load__text(c, PA_CODE, true, &d.code, err)) != PB_OK ||
        (rc = pb_load__text(c, PA_NAME, true, &d.name, err)) != PB_OK ||
        (rc = pb_load__text(c, PA_KIND, true, &kind, err)) != PB_OK ||
        (rc = pb_load__text(c, PA_LEDGER, false, &d.ledger_code, err)) !=
            PB_OK)
        return rc;
    if ((rc = pb_partner_kind_parse(&d.kind, kind, err)) != PB_OK)
        return pb_load__at(c, PA_KIND, rc, err);
    if ((rc = pb_load__unique(c, "partner code", d.code, PA_CODE, err)) !=
        PB_OK)
        return rc;
    rc = pb_partner_put(c->b, &d, c->batch, &r, err);
    return pb_load__done(c, rc, r, PA_CODE, err);
}

const pb_load__kind_ops pb_load__partners = {
    PB_LOAD_PARTNERS, partner_cols,
    sizeof partner_cols / sizeof partner_cols[0], partner_row, NULL, NULL};

/* ---- pools ------------------------------------------------------------- */

enum {
    PO_CODE, PO_NAME, PO_BASIS, PO_HOST, PO_MANAGER, PO_FIRST, PO_LAST,
    PO_RISK
};

static const pb_load__col pool_cols[] = {
    {"code", NULL, PB_LOAD__REQUIRED},
    {"name", NULL, PB_LOAD__REQUIRED},
    {"basis", NULL, PB_LOAD__REQUIRED},
    {"host", NULL, PB_LOAD__REQUIRED},
    {"manager", NULL, 0},
    {"first_fy", NULL, PB_LOAD__REQUIRED},
    {"last_fy", NULL, 0},
    {"risk_share", NULL, 0},
};

static int pool_row(pb_load__ctx *c, pb_error *err)
{
    pb_pool_def d;
    pb_put_result r = PB_PUT_UNCHANGED;
    const char *basis;
    int rc;

    memset(&d, 0, sizeof d);
    if ((rc = pb_load__text(c, PO_CODE, true, &d.code, err)) != PB_OK ||
        (rc = pb_load__text(c, PO_NAME, true, &d.name, err)) != PB_OK ||
        (rc = pb_load__text(c, PO_BASIS, true, &basis, err)) != PB_OK ||
        (rc = pb_load__text(c, PO_HOST, true, &d.host, err)) != PB_OK ||
        (rc = pb_load__text(c, PO_MANAGER, false, &d.manager, err)) !=
            PB_OK ||
        (rc = pb_load__fy(c, PO_FIRST, &d.first_fy, err)) != PB_OK ||
        (pb_load__has(c, PO_LAST) &&
         (rc = pb_load__fy(c, PO_LAST, &d.last_fy, err)) != PB_OK) ||
        (rc = pb_load__text(c, PO_RISK, false, &d.risk_share, err)) != PB_OK)
        return rc;
    if ((rc = pb_pool_basis_parse(&d.basis, basis, err)) != PB_OK)
        return pb_load__at(c, PO_BASIS, rc, err);
    if ((rc = pb_load__unique(c, "pool code", d.code, PO_CODE, err)) != PB_OK)
        return rc;
    rc = pb_pool_put(c->b, &d, c->batch, &r, err);
    return pb_load__done(c, rc, r, PO_CODE, err);
}

const pb_load__kind_ops pb_load__pools = {
    PB_LOAD_POOLS, pool_cols, sizeof pool_cols / sizeof pool_cols[0],
    pool_row, NULL, NULL};

/* ---- streams and schemes ----------------------------------------------- */

enum { ST_CODE, ST_NAME, ST_POOL, ST_PARTNER, ST_CAPITAL, ST_RING,
       ST_CARRY, ST_ORDER };

static const pb_load__col stream_cols[] = {
    {"code", NULL, PB_LOAD__REQUIRED},
    {"name", NULL, PB_LOAD__REQUIRED},
    {"pool", NULL, PB_LOAD__REQUIRED},
    {"partner", NULL, PB_LOAD__REQUIRED},
    {"capital", NULL, 0},
    {"ring_fenced", NULL, 0},
    {"carry_forward", NULL, 0},
    {"order", "display_order", 0},
};

static int stream_row(pb_load__ctx *c, pb_error *err)
{
    pb_stream_def d;
    pb_put_result r = PB_PUT_UNCHANGED;
    int rc;

    memset(&d, 0, sizeof d);
    if ((rc = pb_load__text(c, ST_CODE, true, &d.code, err)) != PB_OK ||
        (rc = pb_load__text(c, ST_NAME, true, &d.name, err)) != PB_OK ||
        (rc = pb_load__text(c, ST_POOL, true, &d.pool, err)) != PB_OK ||
        (rc = pb_load__text(c, ST_PARTNER, true, &d.partner, err)) !=
            PB_OK ||
        (rc = pb_load__bool(c, ST_CAPITAL, false, &d.capital, err)) !=
            PB_OK ||
        (rc = pb_load__bool(c, ST_RING, false, &d.ring_fenced, err)) !=
            PB_OK ||
        (rc = pb_load__bool(c, ST_CARRY, false, &d.carry_forward, err)) !=
            PB_OK ||
        (rc = pb_load__int(c, ST_ORDER, (int)c->row_no, &d.order, err)) !=
            PB_OK)
        return rc;
    if ((rc = pb_load__unique(c, "stream code", d.code, ST_CODE, err)) !=
        PB_OK)
        return rc;
    rc = pb_stream_put(c->b, &d, c->batch, &r, err);
    return pb_load__done(c, rc, r, ST_CODE, err);
}

const pb_load__kind_ops pb_load__streams = {
    PB_LOAD_STREAMS, stream_cols, sizeof stream_cols / sizeof stream_cols[0],
    stream_row, NULL, NULL};

enum { SC_CODE, SC_NAME, SC_POOL, SC_HOST, SC_MANAGER, SC_POOLED, SC_AREA,
       SC_ORDER };

static const pb_load__col scheme_cols[] = {
    {"code", NULL, PB_LOAD__REQUIRED},
    {"name", NULL, PB_LOAD__REQUIRED},
    {"pool", NULL, PB_LOAD__REQUIRED},
    {"host", NULL, PB_LOAD__REQUIRED},
    {"manager", NULL, 0},
    {"pooled", NULL, 0},
    {"area", NULL, 0},
    {"order", "display_order", 0},
};

static int scheme_row(pb_load__ctx *c, pb_error *err)
{
    pb_scheme_def d;
    pb_put_result r = PB_PUT_UNCHANGED;
    int rc;

    memset(&d, 0, sizeof d);
    if ((rc = pb_load__text(c, SC_CODE, true, &d.code, err)) != PB_OK ||
        (rc = pb_load__text(c, SC_NAME, true, &d.name, err)) != PB_OK ||
        (rc = pb_load__text(c, SC_POOL, true, &d.pool, err)) != PB_OK ||
        (rc = pb_load__text(c, SC_HOST, true, &d.host, err)) != PB_OK ||
        (rc = pb_load__text(c, SC_MANAGER, false, &d.manager, err)) !=
            PB_OK ||
        (rc = pb_load__bool(c, SC_POOLED, true, &d.pooled, err)) != PB_OK ||
        (rc = pb_load__text(c, SC_AREA, false, &d.area, err)) != PB_OK ||
        (rc = pb_load__int(c, SC_ORDER, (int)c->row_no, &d.order, err)) !=
            PB_OK)
        return rc;
    if ((rc = pb_load__unique(c, "scheme code", d.code, SC_CODE, err)) !=
        PB_OK)
        return rc;
    rc = pb_scheme_put(c->b, &d, c->batch, &r, err);
    return pb_load__done(c, rc, r, SC_CODE, err);
}

const pb_load__kind_ops pb_load__schemes = {
    PB_LOAD_SCHEMES, scheme_cols, sizeof scheme_cols / sizeof scheme_cols[0],
    scheme_row, NULL, NULL};

/* ---- accounts ---------------------------------------------------------- */

enum { AC_CODE, AC_NAME, AC_TYPE };

static const pb_load__col account_cols[] = {
    {"code", NULL, PB_LOAD__REQUIRED},
    {"name", NULL, PB_LOAD__REQUIRED},
    {"type", NULL, 0},
};

/*
 * Accounts belong to the core (account.h), which never renames an account
 * or changes its type: a row that matches the book is unchanged, a new
 * code is added, and a row that contradicts the book is refused.
 */
static int account_row(pb_load__ctx *c, pb_error *err)
{
    pb_account_type type;
    const char *code, *name, *type_text;
    pb_stmt *st;
    int rc, found = 0;
    char old_name[256] = "", old_type[32] = "";

    if ((rc = pb_load__text(c, AC_CODE, true, &code, err)) != PB_OK ||
        (rc = pb_load__text(c, AC_NAME, true, &name, err)) != PB_OK ||
        (rc = pb_load__text(c, AC_TYPE, false, &type_text, err)) != PB_OK)
        return rc;
    if (*type_text != '\0') {
        if ((rc = pb_account_type_parse(&type, type_text, err)) != PB_OK)
            return pb_load__at(c, AC_TYPE, rc, err);
    } else if (pb_account_type_infer(&type, name) != PB_OK) {
        return pb_load__at(c, AC_TYPE,
                           pb_error_set(err, PB_EINVAL,
                                        "cannot tell the type of \"%s\" from "
                                        "its name; give asset, liability, "
                                        "equity, income or expenditure",
                                        name),
                           err);
    }
    if ((rc = pb_load__unique(c, "account code", code, AC_CODE, err)) !=
        PB_OK)
        return rc;
    rc = pb_book_prepare(c->b, &st,
                         "SELECT name, type FROM account WHERE code = ?",
                         err);
    if (rc != PB_OK)
        return pb_load__at(c, AC_CODE, rc, err);
    pb_stmt_bind_text(st, 1, code);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        found = 1;
        snprintf(old_name, sizeof old_name, "%s", pb_stmt_text(st, 0));
        snprintf(old_type, sizeof old_type, "%s", pb_stmt_text(st, 1));
    }
    pb_stmt_release(st);
    if (rc < 0)
        return pb_load__at(c, AC_CODE, rc, err);
    if (found) {
        if (strcmp(old_name, name) != 0 ||
            strcmp(old_type, pb_account_type_name(type)) != 0)
            return pb_load__at(
                c, strcmp(old_name, name) != 0 ? AC_NAME : AC_TYPE,
                pb_error_set(err, PB_EREFUSED,
                             "account %s is \"%s\" (%s) in the book; a load "
                             "never renames an account or changes its type",
                             code, old_name, old_type),
                err);
        pb_load__count(c, PB_PUT_UNCHANGED);
        return PB_OK;
    }
    rc = pb_account_add(c->b, code, name, type, NULL, err);
    if (rc == PB_OK)
        rc = pb_pool__log(c->b, c->batch, "account", code, "", NULL, "added",
                          err);
    return pb_load__done(c, rc, PB_PUT_ADDED,
                    rc == PB_EEXISTS ? AC_NAME : AC_CODE, err);
}

const pb_load__kind_ops pb_load__accounts = {
    PB_LOAD_ACCOUNTS, account_cols,
    sizeof account_cols / sizeof account_cols[0], account_row, NULL, NULL};

/* ---- profiles ---------------------------------------------------------- */

enum { PR_NAME, PR_DESC, PR_P01 };

static const pb_load__col profile_cols[] = {
    {"name", "profile", PB_LOAD__REQUIRED},
    {"description", NULL, 0},
    {"p01", "p1", PB_LOAD__REQUIRED},
    {"p02", "p2", PB_LOAD__REQUIRED},
    {"p03", "p3", PB_LOAD__REQUIRED},
    {"p04", "p4", PB_LOAD__REQUIRED},
    {"p05", "p5", PB_LOAD__REQUIRED},
    {"p06", "p6", PB_LOAD__REQUIRED},
    {"p07", "p7", PB_LOAD__REQUIRED},
    {"p08", "p8", PB_LOAD__REQUIRED},
    {"p09", "p9", PB_LOAD__REQUIRED},
    {"p10", NULL, PB_LOAD__REQUIRED},
    {"p11", NULL, PB_LOAD__REQUIRED},
    {"p12", NULL, PB_LOAD__REQUIRED},
};

static int profile_row(pb_load__ctx *c, pb_error *err)
{
    pb_amount w[PB_MONTHS];
    pb_profile_def d;
    pb_put_result r = PB_PUT_UNCHANGED;
    bool given;
    int i, rc;

    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_init(&w[i]);
    memset(&d, 0, sizeof d);
    d.weights = w;
    if ((rc = pb_load__text(c, PR_NAME, true, &d.name, err)) == PB_OK &&
        (rc = pb_load__text(c, PR_DESC, false, &d.description, err)) ==
            PB_OK &&
        (rc = pb_load__months(c, PR_P01, PB_AMOUNT_MAX_SCALE, w, &given,
                              err)) == PB_OK) {
        if (!given)
            rc = pb_load__at(c, PR_P01,
                             pb_error_set(err, PB_EINVAL,
                                          "a profile needs its twelve "
                                          "monthly weights"),
                             err);
        else if ((rc = pb_load__unique(c, "profile", d.name, PR_NAME,
                                       err)) == PB_OK) {
            rc = pb_profile_put(c->b, &d, c->batch, &r, err);
            rc = pb_load__done(c, rc, r, PR_NAME, err);
        }
    }
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_clear(&w[i]);
    return rc;
}

const pb_load__kind_ops pb_load__profiles = {
    PB_LOAD_PROFILES, profile_cols,
    sizeof profile_cols / sizeof profile_cols[0], profile_row, NULL, NULL};
