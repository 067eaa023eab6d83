/*
 * pool.c - partners, pools, funding streams and schemes: put, find, list.
 *
 * A put reads the row it is about (if any), renders every attribute as
 * text, and compares: a new row is inserted and logged once; an existing
 * one is updated only when some attribute differs, each difference logged
 * with old and new value.  Master data is small (tens of rows), so
 * nothing here is cached: each call asks the book.
 */
#include "ledger/pool.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ledger/amount.h"
#include "ledger/date.h"
#include "ledger/dim.h"
#include "ledger/pool_int.h"
#include "ledger/suggest.h"

/* ---- names ------------------------------------------------------------- */

static const char *const partner_kinds[] = {"council", "icb", "ccg",
                                            "nhs-trust", "other"};
static const char *const bases[] = {"s75-pooled", "aligned", "s75-other",
                                    "s76",        "s256",    "single"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int parse_name(int *out, const char *text, const char *const *names,
                      size_t n, const char *what, const char *list,
                      pb_error *err)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcasecmp(text, names[i]) == 0) {
            *out = (int)i;
            return PB_OK;
        }
    }
    return pb_error_set(err, PB_EINVAL, "unknown %s \"%s\" (use %s)", what,
                        text, list);
}

const char *pb_partner_kind_name(pb_partner_kind kind)
{
    assert((size_t)kind < COUNT(partner_kinds));
    return partner_kinds[kind];
}

int pb_partner_kind_parse(pb_partner_kind *out, const char *text,
                          pb_error *err)
{
    int v = 0, rc = parse_name(&v, text, partner_kinds, COUNT(partner_kinds),
                           "partner kind",
                           "council, icb, ccg, nhs-trust or other", err);

    if (rc == PB_OK)
        *out = (pb_partner_kind)v;
    return rc;
}

const char *pb_pool_basis_name(pb_pool_basis basis)
{
    assert((size_t)basis < COUNT(bases));
    return bases[basis];
}

int pb_pool_basis_parse(pb_pool_basis *out, const char *text, pb_error *err)
{
    int v = 0, rc = parse_name(&v, text, bases, COUNT(bases), "legal basis",
                           "s75-pooled, aligned, s75-other, s76, s256 or "
                           "single",
                           err);

    if (rc == PB_OK)
        *out = (pb_pool_basis)v;
    return rc;
}

const char *pb_pool__yn(bool v)
{
    return v ? "yes" : "no";
}

static const char *nz(const char *s)
{
    return s != NULL ? s : "";
}

/* Names the field (the column of the files) an error is about. */
static int at(int rc, const char *field, pb_error *err)
{
    if (rc != PB_OK)
        pb_error_locate(err, NULL, 0, 0, field);
    return rc;
}

/* ---- log and diff ------------------------------------------------------ */

int pb_pool__log(pb_book *b, int64_t batch_id, const char *kind,
                 const char *key, const char *field, const char *old_value,
                 const char *new_value, pb_error *err)
{
    pb_stmt *st;
    char now[PB_TIMESTAMP_LEN];
    int rc = pb_book_prepare(b, &st,
                             "INSERT INTO master_log (batch_id, kind, key,"
                             " field, old_value, new_value, changed_by,"
                             " changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             err);

    if (rc != PB_OK)
        return rc;
    if (batch_id > 0)
        pb_stmt_bind_int(st, 1, batch_id);
    pb_stmt_bind_text(st, 2, kind);
    pb_stmt_bind_text(st, 3, key);
    pb_stmt_bind_text(st, 4, field);
    pb_stmt_bind_text(st, 5, old_value);
    pb_stmt_bind_text(st, 6, new_value);
    pb_stmt_bind_text(st, 7, pb_book_user(b));
    pb_stmt_bind_text(st, 8, pb_book_timestamp(b, now));
    return pb_stmt_run(st, err);
}

int pb_pool__diff(pb_book *b, int64_t batch_id, const char *kind,
                  const char *key, pb_pool__attr *attrs, size_t n,
                  bool is_new, pb_put_result *out, pb_error *err)
{
    pb_put_result res = is_new ? PB_PUT_ADDED : PB_PUT_UNCHANGED;
    size_t i;
    int rc = PB_OK;

    if (is_new)
        rc = pb_pool__log(b, batch_id, kind, key, "", NULL, "added", err);
    for (i = 0; i < n; i++) {
        if (rc == PB_OK && !is_new &&
            strcmp(nz(attrs[i].old_value), nz(attrs[i].new_value)) != 0) {
            res = PB_PUT_UPDATED;
            rc = pb_pool__log(b, batch_id, kind, key, attrs[i].field,
                              nz(attrs[i].old_value), nz(attrs[i].new_value),
                              err);
        }
        free(attrs[i].old_value);
        attrs[i].old_value = NULL;
    }
    if (rc == PB_OK && out != NULL)
        *out = res;
    return rc;
}

static void free_attrs(pb_pool__attr *attrs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(attrs[i].old_value);
        attrs[i].old_value = NULL;
    }
}

/* ---- find -------------------------------------------------------------- */

/* PB_ENOTFOUND "unknown WHAT "CODE"", with the closest of the codes that
 * `sql` (no parameters, one text column) lists. */
static int unknown(pb_book *b, const char *sql, const char *what,
                   const char *code, const char *hint, pb_error *err)
{
    pb_suggest sg;
    pb_stmt *st;
    int rc;

    pb_suggest_init(&sg, code);
    if (pb_book_prepare(b, &st, sql, NULL) == PB_OK) {
        while (pb_stmt_step(st, NULL) == PB_ROW)
            pb_suggest_add(&sg, pb_stmt_text(st, 0));
        pb_stmt_release(st);
    }
    if (pb_suggest_best(&sg) != NULL)
        rc = pb_error_set(err, PB_ENOTFOUND,
                          "unknown %s \"%s\" (did you mean \"%s\"?)", what,
                          code, pb_suggest_best(&sg));
    else
        rc = pb_error_set(err, PB_ENOTFOUND, "unknown %s \"%s\"%s", what,
                          code, hint);
    pb_suggest_clear(&sg);
    return rc;
}

int pb_pool_find(pb_book *b, const char *code, int64_t *id_out,
                 pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st, "SELECT id FROM pool WHERE code = ?",
                             err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, code);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW && id_out != NULL)
        *id_out = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    if (rc == PB_ROW)
        return PB_OK;
    if (rc != PB_DONE)
        return rc;
    return unknown(b, "SELECT code FROM pool ORDER BY code", "pool", code,
                   " (load pools first: poolbook load pools FILE)", err);
}

int pb_partner_find(pb_book *b, const char *code, int64_t *id_out,
                    pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st,
                             "SELECT d.id FROM dim d JOIN partner p"
                             " ON p.dim_id = d.id"
                             " WHERE d.kind = 'partner' AND d.code = ?",
                             err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, code);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW && id_out != NULL)
        *id_out = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    if (rc == PB_ROW)
        return PB_OK;
    if (rc != PB_DONE)
        return rc;
    return unknown(b,
                   "SELECT d.code FROM dim d JOIN partner p ON p.dim_id ="
                   " d.id ORDER BY d.code",
                   "partner", code,
                   " (load partners first: poolbook load partners FILE)",
                   err);
}

/* Streams and schemes: the same shape, different tables. */
static int member_find(pb_book *b, pb_dim_kind kind, const char *code,
                       int64_t pool_id, int64_t *id_out, pb_error *err)
{
    pb_stmt *st;
    int64_t dim_id, member_pool = 0;
    int rc, found;
    const char *sql =
        kind == PB_DIM_STREAM
            ? "SELECT s.pool_id, p.code FROM stream s JOIN pool p"
              " ON p.id = s.pool_id WHERE s.dim_id = ?"
            : "SELECT s.pool_id, p.code FROM scheme s JOIN pool p"
              " ON p.id = s.pool_id WHERE s.dim_id = ?";
    char pool_code[64] = "";

    if ((rc = pb_dim_find(b, kind, code, &dim_id, err)) != PB_OK)
        return rc;
    if ((rc = pb_book_prepare(b, &st, sql, err)) != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, dim_id);
    rc = pb_stmt_step(st, err);
    found = rc == PB_ROW;
    if (found) {
        member_pool = pb_stmt_int(st, 0);
        snprintf(pool_code, sizeof pool_code, "%s", pb_stmt_text(st, 1));
    }
    pb_stmt_release(st);
    if (rc < 0)
        return rc;
    if (!found)
        return pb_error_set(err, PB_ENOTFOUND,
                            "%s \"%s\" is a dimension value but not part of "
                            "any pool (load it with poolbook load %s FILE)",
                            pb_dim_kind_title(kind), code,
                            kind == PB_DIM_STREAM ? "streams" : "schemes");
    if (pool_id != 0 && member_pool != pool_id)
        return pb_error_set(err, PB_ENOTFOUND,
                            "%s \"%s\" belongs to pool %s, not this one",
                            pb_dim_kind_title(kind), code, pool_code);
    if (id_out != NULL)
        *id_out = dim_id;
    return PB_OK;
}

int pb_stream_find(pb_book *b, const char *code, int64_t pool_id,
                   int64_t *id_out, pb_error *err)
{
    return member_find(b, PB_DIM_STREAM, code, pool_id, id_out, err);
}

int pb_scheme_find(pb_book *b, const char *code, int64_t pool_id,
                   int64_t *id_out, pb_error *err)
{
    return member_find(b, PB_DIM_SCHEME, code, pool_id, id_out, err);
}

/* ---- risk share -------------------------------------------------------- */

/* Checks "CODE=VALUE,CODE=VALUE..." (text after the ':'). */
static int check_shares(pb_book *b, const char *rule, const char *list,
                        bool percent, pb_error *err)
{
    pb_amount v, total, hundred;
    char *copy = pb_xstrdup(list), *save = NULL, *item;
    char seen[16][48];
    size_t nseen = 0, i;
    int rc = PB_OK;

    pb_amount_init(&v);
    pb_amount_init(&total);
    pb_amount_init(&hundred);
    pb_amount_set_units(&hundred, 100, 0);
    if (*list == '\0')
        rc = pb_error_set(err, PB_EINVAL,
                          "risk share \"%s\": name each partner and its "
                          "%s (e.g. %s)",
                          rule, percent ? "percentage" : "cap",
                          percent ? "fixed:SCC=50,ICB=50"
                                  : "pro-rata-capped:SCC=500000,ICB=1000000");
    for (item = strtok_r(copy, ",", &save); rc == PB_OK && item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        const char *num;

        if (eq == NULL) {
            rc = pb_error_set(err, PB_EINVAL,
                              "risk share \"%s\": \"%s\" is not "
                              "PARTNER=%s",
                              rule, item, percent ? "PERCENT" : "AMOUNT");
            break;
        }
        *eq = '\0';
        num = eq + 1;
        if ((rc = pb_partner_find(b, item, NULL, err)) != PB_OK)
            break;
        for (i = 0; i < nseen; i++) {
            if (strcmp(seen[i], item) == 0)
                rc = pb_error_set(err, PB_EINVAL,
                                  "risk share \"%s\": partner %s is named "
                                  "twice",
                                  rule, item);
        }
        if (rc != PB_OK)
            break;
        if (nseen == COUNT(seen) || strlen(item) >= sizeof seen[0]) {
            rc = pb_error_set(err, PB_EINVAL,
                              "risk share \"%s\": too many partners", rule);
            break;
        }
        strcpy(seen[nseen++], item);
        if ((rc = pb_amount_parse(&v, num, strlen(num), NULL, err)) !=
            PB_OK) {
            char msg[PB_ERROR_MSG_MAX];

            snprintf(msg, sizeof msg, "%s", err != NULL ? err->msg : "");
            rc = pb_error_set(err, PB_EINVAL, "risk share \"%s\": %s: %s",
                              rule, item, msg);
            break;
        }
        if (percent ? pb_amount_sign(&v) <= 0 : pb_amount_sign(&v) < 0) {
            rc = pb_error_set(err, PB_EINVAL,
                              "risk share \"%s\": %s's %s must be %s", rule,
                              item, percent ? "percentage" : "cap",
                              percent ? "above zero" : "zero or more");
            break;
        }
        pb_amount_add(&total, &total, &v);
    }
    if (rc == PB_OK && percent && pb_amount_cmp(&total, &hundred) != 0) {
        char *t = pb_amount_to_string(&total);

        rc = pb_error_set(err, PB_EINVAL,
                          "risk share \"%s\": the percentages add up to %s, "
                          "not 100",
                          rule, t);
        free(t);
    }
    free(copy);
    pb_amount_clear(&v);
    pb_amount_clear(&total);
    pb_amount_clear(&hundred);
    return rc;
}

int pb_risk_share_check(pb_book *b, const char *rule, pb_error *err)
{
    static const char fixed[] = "fixed:", capped[] = "pro-rata-capped:";

    if (rule == NULL || *rule == '\0' || strcmp(rule, "pro-rata") == 0 ||
        strcmp(rule, "own") == 0 || strcmp(rule, "host") == 0)
        return PB_OK;
    if (strncmp(rule, fixed, sizeof fixed - 1) == 0)
        return check_shares(b, rule, rule + sizeof fixed - 1, true, err);
    if (strncmp(rule, capped, sizeof capped - 1) == 0)
        return check_shares(b, rule, rule + sizeof capped - 1, false, err);
    return pb_error_set(err, PB_EINVAL,
                        "unknown risk share \"%s\" (use pro-rata, own, host, "
                        "fixed:P=PCT,... or pro-rata-capped:P=AMOUNT,...)",
                        rule);
}

/* ---- put: partners ------------------------------------------------------ */

static char *dup_text(pb_stmt *st, int col)
{
    return pb_xstrdup(pb_stmt_text(st, col));
}

static char *dup_int(int64_t v)
{
    char buf[32];

    snprintf(buf, sizeof buf, "%lld", (long long)v);
    return pb_xstrdup(buf);
}

static char *dup_fy(int fy)
{
    char buf[PB_FY_STR_LEN];

    if (fy == 0)
        return pb_xstrdup("");
    /* Files and lists name years as "2024-25" whatever the start month. */
    return pb_xstrdup(pb_fy_str(fy, 4, buf));
}

/* Validates a member's code and name before anything is written. */
static int member_check(pb_dim_kind kind, const char *code, const char *name,
                        pb_error *err)
{
    int rc = at(pb_code_check(code, pb_dim_kind_title(kind), err), "code",
                err);

    if (rc == PB_OK && (name == NULL || *name == '\0'))
        rc = at(pb_error_set(err, PB_EINVAL, "%s \"%s\" needs a name",
                             pb_dim_kind_title(kind), code),
                "name", err);
    return rc;
}

/* Finds or creates the dim row of a stream/scheme/partner.  *is_new says
 * which; *name_old (owned) is the current name of an existing one. */
static int dim_get(pb_book *b, pb_dim_kind kind, const char *code,
                   const char *name, int64_t *id, bool *is_new,
                   char **name_old, pb_error *err)
{
    pb_stmt *st;
    int rc;

    *name_old = NULL;
    *is_new = false;
    if ((rc = pb_code_check(code, pb_dim_kind_title(kind), err)) != PB_OK)
        return rc;
    if (name == NULL || *name == '\0')
        return pb_error_set(err, PB_EINVAL, "%s \"%s\" needs a name",
                            pb_dim_kind_title(kind), code);
    rc = pb_book_prepare(b, &st,
                         "SELECT id, name FROM dim WHERE kind = ? AND code = ?",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, pb_dim_kind_sql(kind));
    pb_stmt_bind_text(st, 2, code);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        *id = pb_stmt_int(st, 0);
        *name_old = dup_text(st, 1);
    }
    pb_stmt_release(st);
    if (rc == PB_ROW)
        return PB_OK;
    if (rc != PB_DONE)
        return rc;
    *is_new = true;
    return pb_dim_add(b, kind, code, name, id, err);
}

/* True if an existing dim's name (old, may be NULL) differs from name. */
static bool renamed(const char *old, const char *name)
{
    return old != NULL && strcmp(old, name) != 0;
}

int pb_partner_put(pb_book *b, const pb_partner_def *def, int64_t batch_id,
                   pb_put_result *out, pb_error *err)
{
    pb_pool__attr a[3] = {
        {"name", NULL, def->name},
        {"kind", NULL, pb_partner_kind_name(def->kind)},
        {"ledger_code", NULL, nz(def->ledger_code)},
    };
    pb_put_result res;
    pb_stmt *st;
    int64_t id;
    bool is_new, has_row = false, rename;
    int rc;

    assert(pb_book_in_write_tx(b));
    if ((rc = member_check(PB_DIM_PARTNER, def->code, def->name, err)) !=
        PB_OK)
        return rc;
    rc = dim_get(b, PB_DIM_PARTNER, def->code, def->name, &id, &is_new,
                 &a[0].old_value, err);
    if (rc != PB_OK)
        return rc;
    rename = renamed(a[0].old_value, def->name);
    rc = pb_book_prepare(b, &st,
                         "SELECT kind, ledger_code FROM partner"
                         " WHERE dim_id = ?",
                         err);
    if (rc != PB_OK)
        goto fail;
    pb_stmt_bind_int(st, 1, id);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        has_row = true;
        a[1].old_value = dup_text(st, 0);
        a[2].old_value = dup_text(st, 1);
    }
    pb_stmt_release(st);
    if (rc < 0)
        goto fail;
    /* A partner declared with `dim add` gains its attributes now. */
    rc = pb_pool__diff(b, batch_id, "partner", def->code, a, 3,
                       is_new || !has_row, &res, err);
    if (rc != PB_OK)
        return rc;
    if (res == PB_PUT_UNCHANGED)
        goto done;
    if (rename &&
        (rc = pb_dim_rename(b, PB_DIM_PARTNER, def->code, def->name, err)) !=
            PB_OK)
        return rc;
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO partner (dim_id, kind, ledger_code)"
                         " VALUES (?, ?, ?) ON CONFLICT (dim_id) DO UPDATE"
                         " SET kind = excluded.kind,"
                         " ledger_code = excluded.ledger_code",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, id);
    pb_stmt_bind_text(st, 2, pb_partner_kind_name(def->kind));
    pb_stmt_bind_text(st, 3, nz(def->ledger_code));
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        return rc;
done:
    if (out != NULL)
        *out = res;
    return PB_OK;
fail:
    free_attrs(a, 3);
    return rc;
}

/* ---- put: pools -------------------------------------------------------- */

static int check_fy(int fy, const char *what, pb_error *err)
{
    if (fy < PB_YEAR_MIN || fy > PB_YEAR_MAX)
        return pb_error_set(err, PB_EINVAL,
                            "%s %d is outside %d-%d", what, fy, PB_YEAR_MIN,
                            PB_YEAR_MAX);
    return PB_OK;
}

int pb_pool_put(pb_book *b, const pb_pool_def *def, int64_t batch_id,
                pb_put_result *out, pb_error *err)
{
    char *first = dup_fy(def->first_fy), *last = dup_fy(def->last_fy);
    pb_pool__attr a[7] = {
        {"name", NULL, def->name},
        {"basis", NULL, pb_pool_basis_name(def->basis)},
        {"host", NULL, def->host},
        {"manager", NULL, nz(def->manager)},
        {"first_fy", NULL, first},
        {"last_fy", NULL, last},
        {"risk_share", NULL, nz(def->risk_share)},
    };
    pb_put_result res = PB_PUT_UNCHANGED;
    pb_stmt *st;
    int64_t host_id, pool_id = 0;
    char now[PB_TIMESTAMP_LEN];
    bool is_new = true;
    int rc;

    assert(pb_book_in_write_tx(b));
    if ((rc = at(pb_code_check(def->code, "pool code", err), "code",
                 err)) != PB_OK)
        goto done;
    if (def->name == NULL || *def->name == '\0') {
        rc = at(pb_error_set(err, PB_EINVAL, "pool \"%s\" needs a name",
                             def->code),
                "name", err);
        goto done;
    }
    if ((rc = at(check_fy(def->first_fy, "first year", err), "first_fy",
                 err)) != PB_OK)
        goto done;
    if (def->last_fy != 0 &&
        ((rc = at(check_fy(def->last_fy, "last year", err), "last_fy",
                  err)) != PB_OK ||
         (def->last_fy < def->first_fy &&
          (rc = at(pb_error_set(err, PB_EINVAL,
                                "the last year (%s) is before the first (%s)",
                                last, first),
                   "last_fy", err)) != PB_OK)))
        goto done;
    if ((rc = at(pb_partner_find(b, def->host, &host_id, err), "host",
                 err)) != PB_OK ||
        (rc = at(pb_risk_share_check(b, def->risk_share, err), "risk_share",
                 err)) != PB_OK)
        goto done;
    rc = pb_book_prepare(b, &st,
                         "SELECT p.id, p.name, p.basis, d.code, p.manager,"
                         " p.first_fy, p.last_fy, p.risk_share FROM pool p"
                         " JOIN dim d ON d.id = p.host_partner_id"
                         " WHERE p.code = ?",
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_text(st, 1, def->code);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        is_new = false;
        pool_id = pb_stmt_int(st, 0);
        a[0].old_value = dup_text(st, 1);
        a[1].old_value = dup_text(st, 2);
        a[2].old_value = dup_text(st, 3);
        a[3].old_value = dup_text(st, 4);
        a[4].old_value = dup_fy((int)pb_stmt_int(st, 5));
        a[5].old_value = dup_fy((int)pb_stmt_int(st, 6));
        a[6].old_value = dup_text(st, 7);
    }
    pb_stmt_release(st);
    if (rc < 0)
        goto done;
    rc = pb_pool__diff(b, batch_id, "pool", def->code, a, 7, is_new, &res,
                       err);
    if (rc != PB_OK || res == PB_PUT_UNCHANGED)
        goto done;
    rc = pb_book_prepare(b, &st,
                         is_new ? "INSERT INTO pool (name, basis,"
                                  " host_partner_id, manager, first_fy,"
                                  " last_fy, risk_share, code, created_at)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                : "UPDATE pool SET name = ?, basis = ?,"
                                  " host_partner_id = ?, manager = ?,"
                                  " first_fy = ?, last_fy = ?,"
                                  " risk_share = ? WHERE id = ?",
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_text(st, 1, def->name);
    pb_stmt_bind_text(st, 2, pb_pool_basis_name(def->basis));
    pb_stmt_bind_int(st, 3, host_id);
    pb_stmt_bind_text(st, 4, nz(def->manager));
    pb_stmt_bind_int(st, 5, def->first_fy);
    if (def->last_fy != 0)
        pb_stmt_bind_int(st, 6, def->last_fy);
    pb_stmt_bind_text(st, 7, nz(def->risk_share));
    if (is_new) {
        pb_stmt_bind_text(st, 8, def->code);
        pb_stmt_bind_text(st, 9, pb_book_timestamp(b, now));
    } else {
        pb_stmt_bind_int(st, 8, pool_id);
    }
    rc = pb_stmt_run(st, err);
done:
    free_attrs(a, 7);
    free(first);
    free(last);
    if (rc == PB_OK && out != NULL)
        *out = res;
    return rc;
}

/* ---- put: streams and schemes ------------------------------------------ */

/* The pool a stream or scheme already belongs to: *pool_code (owned) is
 * NULL when it has no row yet. */
static int member_pool(pb_book *b, pb_dim_kind kind, int64_t id,
                       char **pool_code, pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st,
                             kind == PB_DIM_STREAM
                                 ? "SELECT p.code FROM stream s"
                                   " JOIN pool p ON p.id = s.pool_id"
                                   " WHERE s.dim_id = ?"
                                 : "SELECT p.code FROM scheme s"
                                   " JOIN pool p ON p.id = s.pool_id"
                                   " WHERE s.dim_id = ?",
                             err);

    *pool_code = NULL;
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, id);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW)
        *pool_code = dup_text(st, 0);
    pb_stmt_release(st);
    return rc < 0 ? rc : PB_OK;
}

/* Refuses moving a member to another pool. */
static int same_pool(pb_dim_kind kind, const char *code, const char *old_pool,
                     const char *new_pool, pb_error *err)
{
    if (old_pool == NULL || strcmp(old_pool, new_pool) == 0)
        return PB_OK;
    pb_error_set(err, PB_EREFUSED,
                        "%s \"%s\" belongs to pool %s; it cannot move to "
                        "pool %s (budgets and postings hang off it): "
                        "declare a new %s instead",
                        pb_dim_kind_title(kind), code, old_pool, new_pool,
                        pb_dim_kind_title(kind));
    return at(PB_EREFUSED, "pool", err);
}

/*
 * What putting a stream or a scheme shares: the member's dimension row, its
 * pool, its partner (a stream's contributor, a scheme's host) and whether
 * it existed.  member_open() validates and resolves; the caller then reads
 * the old values of its own attributes (when m->old_pool is not NULL, the
 * member has a row) and calls member_diff(), which logs what changed and
 * renames; if anything changed the caller writes its row.
 */
typedef struct member {
    pb_dim_kind kind;
    const char *code;    /* borrowed from the definition */
    const char *name;
    int64_t id;          /* dim id */
    int64_t pool_id;
    int64_t partner_id;
    char *old_pool;      /* owned; NULL: no row yet */
    bool rename;
} member;

/* a[0] must be the "name" attribute: its old value is filled in here. */
static int member_open(pb_book *b, member *m, pb_dim_kind kind,
                       const char *code, const char *name, const char *pool,
                       const char *partner, const char *partner_field,
                       pb_pool__attr *a, pb_error *err)
{
    bool is_new;
    int rc;

    assert(pb_book_in_write_tx(b));
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->code = code;
    m->name = name;
    if ((rc = member_check(kind, code, name, err)) != PB_OK ||
        (rc = at(pb_pool_find(b, pool, &m->pool_id, err), "pool", err)) !=
            PB_OK ||
        (rc = at(pb_partner_find(b, partner, &m->partner_id, err),
                 partner_field, err)) != PB_OK ||
        (rc = dim_get(b, kind, code, name, &m->id, &is_new, &a[0].old_value,
                      err)) != PB_OK)
        return rc;
    m->rename = renamed(a[0].old_value, name);
    if ((rc = member_pool(b, kind, m->id, &m->old_pool, err)) != PB_OK)
        return rc;
    return same_pool(kind, code, m->old_pool, pool, err);
}

/* Logs the changed attributes; *res says whether anything changed (only
 * then is the member renamed, and must the caller write its row). */
static int member_diff(pb_book *b, member *m, int64_t batch_id,
                       pb_pool__attr *a, size_t n, pb_put_result *res,
                       pb_error *err)
{
    int rc = pb_pool__diff(b, batch_id, pb_dim_kind_key(m->kind), m->code, a,
                           n, m->old_pool == NULL, res, err);

    if (rc != PB_OK || *res == PB_PUT_UNCHANGED || !m->rename)
        return rc;
    return pb_dim_rename(b, m->kind, m->code, m->name, err);
}

static void member_clear(member *m)
{
    free(m->old_pool);
    m->old_pool = NULL;
}

int pb_stream_put(pb_book *b, const pb_stream_def *def, int64_t batch_id,
                  pb_put_result *out, pb_error *err)
{
    char *order = dup_int(def->order);
    pb_pool__attr a[6] = {
        {"name", NULL, def->name},
        {"partner", NULL, def->partner},
        {"capital", NULL, pb_pool__yn(def->capital)},
        {"ring_fenced", NULL, pb_pool__yn(def->ring_fenced)},
        {"carry_forward", NULL, pb_pool__yn(def->carry_forward)},
        {"order", NULL, order},
    };
    pb_put_result res = PB_PUT_UNCHANGED;
    pb_stmt *st;
    member m;
    int rc;

    rc = member_open(b, &m, PB_DIM_STREAM, def->code, def->name, def->pool,
                     def->partner, "partner", a, err);
    if (rc != PB_OK)
        goto done;
    if (m.old_pool != NULL) {
        rc = pb_book_prepare(b, &st,
                             "SELECT d.code, s.capital, s.ring_fenced,"
                             " s.carry_forward, s.display_order"
                             " FROM stream s JOIN dim d"
                             " ON d.id = s.partner_id WHERE s.dim_id = ?",
                             err);
        if (rc != PB_OK)
            goto done;
        pb_stmt_bind_int(st, 1, m.id);
        if ((rc = pb_stmt_step(st, err)) == PB_ROW) {
            a[1].old_value = dup_text(st, 0);
            a[2].old_value = pb_xstrdup(pb_pool__yn(pb_stmt_int(st, 1)));
            a[3].old_value = pb_xstrdup(pb_pool__yn(pb_stmt_int(st, 2)));
            a[4].old_value = pb_xstrdup(pb_pool__yn(pb_stmt_int(st, 3)));
            a[5].old_value = dup_int(pb_stmt_int(st, 4));
        }
        pb_stmt_release(st);
        if (rc < 0)
            goto done;
    }
    rc = member_diff(b, &m, batch_id, a, 6, &res, err);
    if (rc != PB_OK || res == PB_PUT_UNCHANGED)
        goto done;
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO stream (dim_id, pool_id, partner_id,"
                         " capital, ring_fenced, carry_forward,"
                         " display_order) VALUES (?, ?, ?, ?, ?, ?, ?)"
                         " ON CONFLICT (dim_id) DO UPDATE SET"
                         " partner_id = excluded.partner_id,"
                         " capital = excluded.capital,"
                         " ring_fenced = excluded.ring_fenced,"
                         " carry_forward = excluded.carry_forward,"
                         " display_order = excluded.display_order",
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_int(st, 1, m.id);
    pb_stmt_bind_int(st, 2, m.pool_id);
    pb_stmt_bind_int(st, 3, m.partner_id);
    pb_stmt_bind_int(st, 4, def->capital);
    pb_stmt_bind_int(st, 5, def->ring_fenced);
    pb_stmt_bind_int(st, 6, def->carry_forward);
    pb_stmt_bind_int(st, 7, def->order);
    rc = pb_stmt_run(st, err);
done:
    member_clear(&m);
    free_attrs(a, 6);
    free(order);
    if (rc == PB_OK && out != NULL)
        *out = res;
    return rc;
}

int pb_scheme_put(pb_book *b, const pb_scheme_def *def, int64_t batch_id,
                  pb_put_result *out, pb_error *err)
{
    char *order = dup_int(def->order);
    pb_pool__attr a[6] = {
        {"name", NULL, def->name},
        {"host", NULL, def->host},
        {"manager", NULL, nz(def->manager)},
        {"pooled", NULL, pb_pool__yn(def->pooled)},
        {"area", NULL, nz(def->area)},
        {"order", NULL, order},
    };
    pb_put_result res = PB_PUT_UNCHANGED;
    pb_stmt *st;
    member m;
    int rc;

    rc = member_open(b, &m, PB_DIM_SCHEME, def->code, def->name, def->pool,
                     def->host, "host", a, err);
    if (rc != PB_OK)
        goto done;
    if (m.old_pool != NULL) {
        rc = pb_book_prepare(b, &st,
                             "SELECT d.code, s.manager, s.pooled, s.area,"
                             " s.display_order FROM scheme s JOIN dim d"
                             " ON d.id = s.host_partner_id"
                             " WHERE s.dim_id = ?",
                             err);
        if (rc != PB_OK)
            goto done;
        pb_stmt_bind_int(st, 1, m.id);
        if ((rc = pb_stmt_step(st, err)) == PB_ROW) {
            a[1].old_value = dup_text(st, 0);
            a[2].old_value = dup_text(st, 1);
            a[3].old_value = pb_xstrdup(pb_pool__yn(pb_stmt_int(st, 2)));
            a[4].old_value = dup_text(st, 3);
            a[5].old_value = dup_int(pb_stmt_int(st, 4));
        }
        pb_stmt_release(st);
        if (rc < 0)
            goto done;
    }
    rc = member_diff(b, &m, batch_id, a, 6, &res, err);
    if (rc != PB_OK || res == PB_PUT_UNCHANGED)
        goto done;
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO scheme (dim_id, pool_id,"
                         " host_partner_id, manager, pooled, area,"
                         " display_order) VALUES (?, ?, ?, ?, ?, ?, ?)"
                         " ON CONFLICT (dim_id) DO UPDATE SET"
                         " host_partner_id = excluded.host_partner_id,"
                         " manager = excluded.manager,"
                         " pooled = excluded.pooled, area = excluded.area,"
                         " display_order = excluded.display_order",
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_int(st, 1, m.id);
    pb_stmt_bind_int(st, 2, m.pool_id);
    pb_stmt_bind_int(st, 3, m.partner_id);
    pb_stmt_bind_text(st, 4, nz(def->manager));
    pb_stmt_bind_int(st, 5, def->pooled);
    pb_stmt_bind_text(st, 6, nz(def->area));
    pb_stmt_bind_int(st, 7, def->order);
    rc = pb_stmt_run(st, err);
done:
    member_clear(&m);
    free_attrs(a, 6);
    free(order);
    if (rc == PB_OK && out != NULL)
        *out = res;
    return rc;
}

/* ---- each -------------------------------------------------------------- */

int pb_partner_each(pb_book *b,
                    int (*fn)(const pb_partner_info *info, void *ud),
                    void *ud, pb_error *err)
{
    pb_partner_info info;
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st,
                             "SELECT d.id, d.code, d.name, p.kind,"
                             " p.ledger_code FROM partner p JOIN dim d"
                             " ON d.id = p.dim_id ORDER BY d.code",
                             err);

    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        info.id = pb_stmt_int(st, 0);
        info.code = pb_stmt_text(st, 1);
        info.name = pb_stmt_text(st, 2);
        if (pb_partner_kind_parse(&info.kind, pb_stmt_text(st, 3), NULL) !=
            PB_OK)
            info.kind = PB_PARTNER_OTHER;
        info.ledger_code = pb_stmt_text(st, 4);
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_pool_each(pb_book *b, int (*fn)(const pb_pool_info *info, void *ud),
                 void *ud, pb_error *err)
{
    pb_pool_info info;
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st,
                             "SELECT p.id, p.code, p.name, p.basis, d.code,"
                             " p.manager, p.first_fy, p.last_fy,"
                             " p.risk_share, p.created_at FROM pool p"
                             " JOIN dim d ON d.id = p.host_partner_id"
                             " ORDER BY p.code",
                             err);

    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        info.id = pb_stmt_int(st, 0);
        info.code = pb_stmt_text(st, 1);
        info.name = pb_stmt_text(st, 2);
        if (pb_pool_basis_parse(&info.basis, pb_stmt_text(st, 3), NULL) !=
            PB_OK)
            info.basis = PB_BASIS_S75_OTHER;
        info.host = pb_stmt_text(st, 4);
        info.manager = pb_stmt_text(st, 5);
        info.first_fy = (int)pb_stmt_int(st, 6);
        info.last_fy = (int)pb_stmt_int(st, 7);
        info.risk_share = pb_stmt_text(st, 8);
        info.created_at = pb_stmt_text(st, 9);
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

/* Resolves an optional pool filter: *id 0 for "every pool". */
static int pool_filter(pb_book *b, const char *pool, int64_t *id,
                       pb_error *err)
{
    *id = 0;
    if (pool == NULL || *pool == '\0')
        return PB_OK;
    return pb_pool_find(b, pool, id, err);
}

int pb_stream_each(pb_book *b, const char *pool,
                   int (*fn)(const pb_stream_info *info, void *ud), void *ud,
                   pb_error *err)
{
    pb_stream_info info;
    pb_stmt *st;
    int64_t pool_id;
    int rc;

    if ((rc = pool_filter(b, pool, &pool_id, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(b, &st,
                         "SELECT d.id, d.code, d.name, p.code, pd.code,"
                         " s.capital, s.ring_fenced, s.carry_forward,"
                         " s.display_order FROM stream s"
                         " JOIN dim d ON d.id = s.dim_id"
                         " JOIN pool p ON p.id = s.pool_id"
                         " JOIN dim pd ON pd.id = s.partner_id"
                         " WHERE ?1 = 0 OR s.pool_id = ?1"
                         " ORDER BY p.code, s.display_order, d.code",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, pool_id);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        info.id = pb_stmt_int(st, 0);
        info.code = pb_stmt_text(st, 1);
        info.name = pb_stmt_text(st, 2);
        info.pool = pb_stmt_text(st, 3);
        info.partner = pb_stmt_text(st, 4);
        info.capital = pb_stmt_int(st, 5) != 0;
        info.ring_fenced = pb_stmt_int(st, 6) != 0;
        info.carry_forward = pb_stmt_int(st, 7) != 0;
        info.order = (int)pb_stmt_int(st, 8);
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_scheme_each(pb_book *b, const char *pool,
                   int (*fn)(const pb_scheme_info *info, void *ud), void *ud,
                   pb_error *err)
{
    pb_scheme_info info;
    pb_stmt *st;
    int64_t pool_id;
    int rc;

    if ((rc = pool_filter(b, pool, &pool_id, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(b, &st,
                         "SELECT d.id, d.code, d.name, p.code, hd.code,"
                         " s.manager, s.pooled, s.area, s.display_order"
                         " FROM scheme s JOIN dim d ON d.id = s.dim_id"
                         " JOIN pool p ON p.id = s.pool_id"
                         " JOIN dim hd ON hd.id = s.host_partner_id"
                         " WHERE ?1 = 0 OR s.pool_id = ?1"
                         " ORDER BY p.code, s.display_order, d.code",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, pool_id);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        info.id = pb_stmt_int(st, 0);
        info.code = pb_stmt_text(st, 1);
        info.name = pb_stmt_text(st, 2);
        info.pool = pb_stmt_text(st, 3);
        info.host = pb_stmt_text(st, 4);
        info.manager = pb_stmt_text(st, 5);
        info.pooled = pb_stmt_int(st, 6) != 0;
        info.area = pb_stmt_text(st, 7);
        info.order = (int)pb_stmt_int(st, 8);
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}
