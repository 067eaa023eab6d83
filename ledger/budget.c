/*
 * budget.c - budget lines and their append-only changes, virements,
 * planned contributions, outturns, and the as-at queries over them.
 *
 * Workload: budgets are a few hundred lines a year, changed a few times;
 * reports read every line of a pool and year as at a date.  So writes
 * favour checking over speed (each call resolves its codes afresh) and a
 * read is one grouped query over budget_change, summed exactly with
 * pb_sum().  Amounts are validated to whole pence before anything is
 * written, so a refusal never leaves half a change behind.
 */
#include "ledger/budget.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/dim.h"
#include "ledger/pool_int.h"

/* ---- keys -------------------------------------------------------------- */

/* A budget key resolved to row ids (0 = none). */
typedef struct rkey {
    int64_t pool, scheme, stream, partner;
    int fy;
} rkey;

static const char *nz(const char *s)
{
    return s != NULL ? s : "";
}

static bool given(const char *s)
{
    return s != NULL && *s != '\0';
}

/* "BCF 2024-25 CARERS MIN-NHS ICB": the key as logs and messages show it. */
static void key_text(pb_buf *out, const pb_budget_key *k)
{
    char fy[PB_FY_STR_LEN];

    pb_buf_reset(out);
    pb_buf_printf(out, "%s %s %s", nz(k->pool), pb_fy_str(k->fy, 4, fy),
                  nz(k->scheme));
    if (given(k->stream))
        pb_buf_printf(out, " %s", k->stream);
    if (given(k->partner))
        pb_buf_printf(out, " %s", k->partner);
}

/* The years the pool covers: refuses fy outside them. */
static int check_years(pb_book *b, int64_t pool, const char *code, int fy,
                       pb_error *err)
{
    pb_stmt *st;
    int first = 0, last = 0, rc;
    char a[PB_FY_STR_LEN], z[PB_FY_STR_LEN], y[PB_FY_STR_LEN];

    rc = pb_book_prepare(b, &st,
                         "SELECT first_fy, coalesce(last_fy, 0) FROM pool"
                         " WHERE id = ?",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, pool);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        first = (int)pb_stmt_int(st, 0);
        last = (int)pb_stmt_int(st, 1);
    }
    pb_stmt_release(st);
    if (rc < 0)
        return rc;
    if (fy < first || (last != 0 && fy > last)) {
        if (last != 0)
            rc = pb_error_set(err, PB_EINVAL,
                              "pool %s covers %s to %s, not %s", code,
                              pb_fy_str(first, 4, a), pb_fy_str(last, 4, z),
                              pb_fy_str(fy, 4, y));
        else
            rc = pb_error_set(err, PB_EINVAL,
                              "pool %s starts in %s, after %s", code,
                              pb_fy_str(first, 4, a), pb_fy_str(fy, 4, y));
        pb_error_locate(err, NULL, 0, 0, "fy");
        return rc;
    }
    return PB_OK;
}

/* Resolves k; each failure names its field (the column of the files). */
static int resolve_key(pb_book *b, const pb_budget_key *k, bool years,
                       bool need_scheme, rkey *out, pb_error *err)
{
    int rc;

    memset(out, 0, sizeof *out);
    out->fy = k->fy;
    if (!given(k->pool)) {
        rc = pb_error_set(err, PB_EINVAL, "no pool given");
        pb_error_locate(err, NULL, 0, 0, "pool");
        return rc;
    }
    if ((rc = pb_pool_find(b, k->pool, &out->pool, err)) != PB_OK) {
        pb_error_locate(err, NULL, 0, 0, "pool");
        return rc;
    }
    if (k->fy < PB_YEAR_MIN || k->fy > PB_YEAR_MAX) {
        rc = pb_error_set(err, PB_EINVAL, "no financial year given");
        pb_error_locate(err, NULL, 0, 0, "fy");
        return rc;
    }
    if (years && (rc = check_years(b, out->pool, k->pool, k->fy, err)) !=
                     PB_OK)
        return rc;
    if (need_scheme && !given(k->scheme)) {
        rc = pb_error_set(err, PB_EINVAL, "no scheme given");
        pb_error_locate(err, NULL, 0, 0, "scheme");
        return rc;
    }
    if (given(k->scheme) &&
        (rc = pb_scheme_find(b, k->scheme, out->pool, &out->scheme, err)) !=
            PB_OK) {
        pb_error_locate(err, NULL, 0, 0, "scheme");
        return rc;
    }
    if (given(k->stream) &&
        (rc = pb_stream_find(b, k->stream, out->pool, &out->stream, err)) !=
            PB_OK) {
        pb_error_locate(err, NULL, 0, 0, "stream");
        return rc;
    }
    if (given(k->partner) &&
        (rc = pb_partner_find(b, k->partner, &out->partner, err)) != PB_OK) {
        pb_error_locate(err, NULL, 0, 0, "partner");
        return rc;
    }
    return PB_OK;
}

static void bind_opt(pb_stmt *st, int idx, int64_t id)
{
    if (id != 0)
        pb_stmt_bind_int(st, idx, id);
    else
        pb_stmt_bind_null(st, idx);
}

/* Finds the line of k: *line 0 when there is none. */
static int line_find(pb_book *b, const rkey *k, int64_t *line, pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st,
                             "SELECT id FROM budget_line WHERE pool_id = ?"
                             " AND fy = ? AND scheme_id = ?"
                             " AND coalesce(stream_id, 0) = ?"
                             " AND coalesce(partner_id, 0) = ?",
                             err);

    *line = 0;
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, k->pool);
    pb_stmt_bind_int(st, 2, k->fy);
    pb_stmt_bind_int(st, 3, k->scheme);
    pb_stmt_bind_int(st, 4, k->stream);
    pb_stmt_bind_int(st, 5, k->partner);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW)
        *line = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    return rc < 0 ? rc : PB_OK;
}

static int line_get(pb_book *b, const rkey *k, int64_t *line, pb_error *err)
{
    pb_stmt *st;
    int rc = line_find(b, k, line, err);

    if (rc != PB_OK || *line != 0)
        return rc;
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO budget_line (pool_id, fy, scheme_id,"
                         " stream_id, partner_id) VALUES (?, ?, ?, ?, ?)",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, k->pool);
    pb_stmt_bind_int(st, 2, k->fy);
    pb_stmt_bind_int(st, 3, k->scheme);
    bind_opt(st, 4, k->stream);
    bind_opt(st, 5, k->partner);
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        return rc;
    *line = pb_book_last_id(b);
    return PB_OK;
}

int pb_budget_line_find(pb_book *b, const pb_budget_key *key,
                        int64_t *line_out, pb_error *err)
{
    pb_buf t = PB_BUF_INIT;
    rkey k;
    int rc = resolve_key(b, key, false, true, &k, err);

    if (rc == PB_OK)
        rc = line_find(b, &k, line_out, err);
    if (rc == PB_OK && *line_out == 0) {
        key_text(&t, key);
        rc = pb_error_set(err, PB_ENOTFOUND, "no budget line %s",
                          pb_buf_str(&t));
    }
    pb_buf_clear(&t);
    return rc;
}

/* ---- money helpers ----------------------------------------------------- */

/* Whole pence of a, or PB_EINVAL/PB_ERANGE located at `field`. */
static int pence(const pb_amount *a, const char *field, int64_t *out,
                 pb_error *err)
{
    int rc = pb_amount_get_units(a, PB_MONEY_SCALE, out, err);

    if (rc != PB_OK)
        pb_error_locate(err, NULL, 0, 0, field);
    return rc;
}

static const char *const month_fields[PB_MONTHS] = {
    "p01", "p02", "p03", "p04", "p05", "p06",
    "p07", "p08", "p09", "p10", "p11", "p12"};

/*
 * The months of a budget or leg in pence: the explicit ones (checked to
 * sum to the amount) or the spread by profile from month `first`.
 */
static int months_of(pb_book *b, const pb_amount *amount,
                     const pb_amount *months, const char *profile, int first,
                     int64_t out[PB_MONTHS], pb_error *err)
{
    pb_amount spread[PB_MONTHS], w[PB_MONTHS];
    int i, rc = PB_OK;

    if (months != NULL) {
        if (given(profile) && !pb_profile_is_flat(profile)) {
            rc = pb_error_set(err, PB_EINVAL,
                              "give a profile or monthly amounts, not both");
            pb_error_locate(err, NULL, 0, 0, "profile");
            return rc;
        }
        for (i = 0; i < PB_MONTHS && rc == PB_OK; i++)
            rc = pence(&months[i], month_fields[i], &out[i], err);
        if (rc == PB_OK &&
            (rc = pb_profile_check_sum(months, amount, err)) != PB_OK)
            pb_error_locate(err, NULL, 0, 0, "amount");
        return rc;
    }
    for (i = 0; i < PB_MONTHS; i++) {
        pb_amount_init(&spread[i]);
        pb_amount_init(&w[i]);
    }
    rc = pb_profile_get(b, profile, w, err);
    if (rc == PB_OK)
        rc = pb_profile_spread(spread, amount, w, first, err);
    if (rc != PB_OK)
        pb_error_locate(err, NULL, 0, 0, "profile");
    for (i = 0; i < PB_MONTHS && rc == PB_OK; i++)
        rc = pence(&spread[i], "amount", &out[i], err);
    for (i = 0; i < PB_MONTHS; i++) {
        pb_amount_clear(&spread[i]);
        pb_amount_clear(&w[i]);
    }
    return rc;
}

static int insert_change(pb_book *b, int64_t line, const char *kind,
                         pb_date effective, int64_t amount,
                         const int64_t months[PB_MONTHS], int64_t virement,
                         int64_t batch_id, const char *note, pb_error *err)
{
    pb_stmt *st;
    char date[PB_DATE_ISO_LEN], now[PB_TIMESTAMP_LEN];
    int i, rc;

    rc = pb_book_prepare(
        b, &st,
        "INSERT INTO budget_change (line_id, kind, effective, amount, m01,"
        " m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12,"
        " virement_id, batch_id, note, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?)",
        err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, line);
    pb_stmt_bind_text(st, 2, kind);
    pb_stmt_bind_text(st, 3, pb_date_iso(effective, date));
    pb_stmt_bind_int(st, 4, amount);
    for (i = 0; i < PB_MONTHS; i++)
        pb_stmt_bind_int(st, 5 + i, months[i]);
    bind_opt(st, 17, virement);
    bind_opt(st, 18, batch_id);
    pb_stmt_bind_text(st, 19, nz(note));
    pb_stmt_bind_text(st, 20, pb_book_user(b));
    pb_stmt_bind_text(st, 21, pb_book_timestamp(b, now));
    return pb_stmt_run(st, err);
}

/* ---- base budgets ------------------------------------------------------ */

/* The base budget of a line as at the end of `date`, in pence, with the
 * number of base changes and the date of the latest (any date). */
typedef struct base_state {
    int64_t amount, months[PB_MONTHS];
    int64_t changes;
    char latest[PB_DATE_ISO_LEN];
} base_state;

static int base_as_at(pb_book *b, int64_t line, pb_date date, base_state *s,
                      pb_error *err)
{
    pb_stmt *st;
    pb_amount a;
    char d[PB_DATE_ISO_LEN];
    int i, rc;

    memset(s, 0, sizeof *s);
    if (line == 0)
        return PB_OK;
    rc = pb_book_prepare(
        b, &st,
        "SELECT pb_sum(CASE WHEN effective <= ?2 THEN amount END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m01 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m02 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m03 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m04 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m05 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m06 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m07 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m08 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m09 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m10 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m11 END),"
        " pb_sum(CASE WHEN effective <= ?2 THEN m12 END),"
        " count(*), coalesce(max(effective), '')"
        " FROM budget_change WHERE line_id = ?1 AND kind <> 'virement'",
        err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, line);
    pb_stmt_bind_text(st, 2, pb_date_iso(date, d));
    rc = pb_stmt_step(st, err);
    pb_amount_init(&a);
    if (rc == PB_ROW) {
        for (i = 0; i <= PB_MONTHS && rc == PB_ROW; i++) {
            pb_stmt_money(st, i, &a);
            if (pb_amount_get_units(&a, PB_MONEY_SCALE,
                                    i == 0 ? &s->amount : &s->months[i - 1],
                                    err) != PB_OK)
                rc = PB_ERANGE;
        }
        s->changes = pb_stmt_int(st, 13);
        snprintf(s->latest, sizeof s->latest, "%s", pb_stmt_text(st, 14));
    }
    pb_amount_clear(&a);
    pb_stmt_release(st);
    return rc == PB_ROW ? PB_OK : rc;
}

int pb_budget_set(pb_book *b, const pb_budget_def *def, int64_t batch_id,
                  pb_put_result *out, pb_error *err)
{
    int64_t amount, change, months[PB_MONTHS], delta[PB_MONTHS], line = 0;
    char eff[PB_DATE_ISO_LEN];
    pb_buf key = PB_BUF_INIT;
    base_state s;
    rkey k;
    bool same;
    int i, rc;

    assert(pb_book_in_write_tx(b));
    if ((rc = resolve_key(b, &def->key, true, true, &k, err)) != PB_OK ||
        (rc = pence(def->amount, "amount", &amount, err)) != PB_OK ||
        (rc = months_of(b, def->amount, def->months, def->profile, 1, months,
                        err)) != PB_OK ||
        (rc = line_find(b, &k, &line, err)) != PB_OK ||
        (rc = base_as_at(b, line, def->effective, &s, err)) != PB_OK)
        goto done;
    same = s.changes > 0 && s.amount == amount;
    for (i = 0; i < PB_MONTHS; i++) {
        if (__builtin_sub_overflow(months[i], s.months[i], &delta[i])) {
            rc = pb_error_set(err, PB_ERANGE,
                              "the change to month %d of the budget is too "
                              "large to store",
                              i + 1);
            pb_error_locate(err, NULL, 0, 0, month_fields[i]);
            goto done;
        }
        same = same && delta[i] == 0;
    }
    if (same) {
        if (out != NULL)
            *out = PB_PUT_UNCHANGED;
        goto done;
    }
    key_text(&key, &def->key);
    pb_date_iso(def->effective, eff);
    if (s.changes == 0) {
        if ((rc = line_get(b, &k, &line, err)) == PB_OK)
            rc = insert_change(b, line, "original", def->effective, amount,
                               months, 0, batch_id, def->note, err);
        if (rc == PB_OK && out != NULL)
            *out = PB_PUT_ADDED;
        goto done;
    }
    if (strcmp(eff, s.latest) <= 0) {
        rc = pb_error_set(err, PB_EREFUSED,
                          "the budget of %s was last set from %s; a change "
                          "must take effect after that (budgets are never "
                          "rewritten back in time)",
                          pb_buf_str(&key), s.latest);
        pb_error_locate(err, NULL, 0, 0, "effective");
        goto done;
    }
    if (__builtin_sub_overflow(amount, s.amount, &change)) {
        rc = pb_error_set(err, PB_ERANGE,
                          "the change to the budget of %s is too large to "
                          "store",
                          pb_buf_str(&key));
        pb_error_locate(err, NULL, 0, 0, "amount");
        goto done;
    }
    rc = insert_change(b, line, "adjustment", def->effective, change, delta,
                       0, batch_id, def->note, err);
    if (rc == PB_OK && out != NULL)
        *out = PB_PUT_UPDATED;
done:
    pb_buf_clear(&key);
    return rc;
}

/* ---- virements --------------------------------------------------------- */

typedef struct vleg {
    rkey k;
    int64_t amount, months[PB_MONTHS];
    int64_t line; /* 0 until found or created */
} vleg;

/* The first month a virement dated `date` moves budget in year fy, or an
 * error when it is dated after the year. */
static int virement_first(pb_book *b, const pb_virement_def *def, int fy,
                          int *first, pb_error *err)
{
    int start = pb_book_fy_start(b), rc;
    char d[PB_DATE_ISO_LEN], y[PB_FY_STR_LEN];

    if (def->date < pb_fy_first_day(fy, start)) {
        *first = 1;
        return PB_OK;
    }
    if (def->date > pb_fy_last_day(fy, start)) {
        rc = pb_error_set(err, PB_EINVAL,
                          "virement dated %s is after the end of %s",
                          pb_date_iso(def->date, d), pb_fy_str(fy, 4, y));
        pb_error_locate(err, NULL, 0, 0, "date");
        return rc;
    }
    *first = pb_period_num(pb_period_of_date(def->date, start));
    return PB_OK;
}

static bool same_key(const rkey *a, const rkey *z)
{
    return a->pool == z->pool && a->fy == z->fy && a->scheme == z->scheme &&
           a->stream == z->stream && a->partner == z->partner;
}

static char *grouped_pence(int64_t p)
{
    pb_buf buf = PB_BUF_INIT;
    pb_amount a;

    pb_amount_init(&a);
    pb_amount_set_units(&a, p, PB_MONEY_SCALE);
    pb_amount_format_grouped(&buf, &a);
    pb_amount_clear(&a);
    return pb_buf_detach(&buf);
}

/* Compares a recorded virement with legs: *same is true when date,
 * reason, approval and every leg (line, amount, months) agree. */
static int virement_same(pb_book *b, int64_t id, const pb_virement_def *def,
                         vleg *legs, bool *same, pb_error *err)
{
    pb_stmt *st;
    size_t n = 0, i;
    char d[PB_DATE_ISO_LEN];
    int rc, m;

    *same = false;
    rc = pb_book_prepare(b, &st,
                         "SELECT date, reason, approval_ref FROM virement"
                         " WHERE id = ?",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, id);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW)
        *same = strcmp(pb_stmt_text(st, 0), pb_date_iso(def->date, d)) == 0 &&
                strcmp(pb_stmt_text(st, 1), nz(def->reason)) == 0 &&
                strcmp(pb_stmt_text(st, 2), nz(def->approval)) == 0;
    pb_stmt_release(st);
    if (rc < 0 || !*same)
        return rc < 0 ? rc : PB_OK;
    for (i = 0; i < def->nlegs; i++) {
        if ((rc = line_find(b, &legs[i].k, &legs[i].line, err)) != PB_OK)
            return rc;
    }
    rc = pb_book_prepare(b, &st,
                         "SELECT line_id, amount, m01, m02, m03, m04, m05,"
                         " m06, m07, m08, m09, m10, m11, m12"
                         " FROM budget_change WHERE virement_id = ?"
                         " ORDER BY id",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, id);
    while (*same && (rc = pb_stmt_step(st, err)) == PB_ROW) {
        const vleg *match = NULL;

        n++;
        for (i = 0; i < def->nlegs && match == NULL; i++) {
            if (legs[i].line != 0 && legs[i].line == pb_stmt_int(st, 0))
                match = &legs[i];
        }
        *same = match != NULL && match->amount == pb_stmt_int(st, 1);
        for (m = 0; *same && m < PB_MONTHS; m++)
            *same = match->months[m] == pb_stmt_int(st, 2 + m);
    }
    pb_stmt_release(st);
    if (rc < 0)
        return rc;
    *same = *same && n == def->nlegs;
    return PB_OK;
}

int pb_virement_add(pb_book *b, const pb_virement_def *def, int64_t batch_id,
                    pb_put_result *out, size_t *bad_leg, pb_error *err)
{
    vleg *legs = NULL;
    pb_stmt *st;
    int64_t in = 0, outgoing = 0, id = 0;
    char now[PB_TIMESTAMP_LEN], date[PB_DATE_ISO_LEN];
    size_t i, j;
    bool same;
    int rc, first = 1;

    assert(pb_book_in_write_tx(b));
    if (bad_leg != NULL)
        *bad_leg = 0;
    if ((rc = pb_code_check(nz(def->ref), "virement reference", err)) !=
        PB_OK) {
        pb_error_locate(err, NULL, 0, 0, "ref");
        return rc;
    }
    if (!given(def->reason)) {
        rc = pb_error_set(err, PB_EINVAL, "virement %s needs a reason",
                          def->ref);
        pb_error_locate(err, NULL, 0, 0, "reason");
        return rc;
    }
    if (def->nlegs < 2)
        return pb_error_set(err, PB_EINVAL,
                            "virement %s has %zu leg%s; it must move budget "
                            "out of one line and into another",
                            def->ref, def->nlegs, def->nlegs == 1 ? "" : "s");
    legs = pb_xcalloc(def->nlegs, sizeof *legs);
    for (i = 0; i < def->nlegs; i++) {
        const pb_virement_leg *l = &def->legs[i];

        if (bad_leg != NULL)
            *bad_leg = i + 1;
        if ((rc = resolve_key(b, &l->key, true, true, &legs[i].k, err)) !=
                PB_OK ||
            (rc = pence(l->amount, "amount", &legs[i].amount, err)) !=
                PB_OK ||
            (rc = virement_first(b, def, l->key.fy, &first, err)) != PB_OK ||
            (rc = months_of(b, l->amount, l->months, l->profile, first,
                            legs[i].months, err)) != PB_OK)
            goto done;
        if (legs[i].amount == 0) {
            rc = pb_error_set(err, PB_EINVAL,
                              "a virement leg must move a non-zero amount");
            pb_error_locate(err, NULL, 0, 0, "amount");
            goto done;
        }
        for (j = 0; j < i; j++) {
            if (same_key(&legs[j].k, &legs[i].k)) {
                rc = pb_error_set(err, PB_EINVAL,
                                  "this leg names the same budget line as "
                                  "leg %zu; give one leg per line",
                                  j + 1);
                goto done;
            }
        }
        if (legs[i].amount > 0
                ? __builtin_add_overflow(in, legs[i].amount, &in)
                : __builtin_sub_overflow(outgoing, legs[i].amount,
                                         &outgoing)) {
            rc = pb_error_set(err, PB_ERANGE, "the virement is too large");
            goto done;
        }
    }
    if (bad_leg != NULL)
        *bad_leg = 0;
    if (in != outgoing) {
        char *a = grouped_pence(in), *z = grouped_pence(outgoing);
        char *d = grouped_pence(in - outgoing);

        rc = pb_error_set(err, PB_EUNBALANCED,
                          "virement %s does not balance: %s into lines, %s "
                          "out of lines, difference %s",
                          def->ref, a, z, d);
        free(a);
        free(z);
        free(d);
        goto done;
    }
    rc = pb_book_prepare(b, &st, "SELECT id FROM virement WHERE ref = ?",
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_text(st, 1, def->ref);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW)
        id = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    if (rc < 0)
        goto done;
    rc = PB_OK;
    if (id != 0) {
        if ((rc = virement_same(b, id, def, legs, &same, err)) != PB_OK)
            goto done;
        if (!same) {
            rc = pb_error_set(err, PB_EREFUSED,
                              "virement %s is already recorded, differently; "
                              "a recorded virement is never changed: record "
                              "another virement to move the budget back",
                              def->ref);
            pb_error_locate(err, NULL, 0, 0, "ref");
            goto done;
        }
        if (out != NULL)
            *out = PB_PUT_UNCHANGED;
        goto done;
    }
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO virement (ref, date, reason,"
                         " approval_ref, batch_id, recorded_by, recorded_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)",
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_text(st, 1, def->ref);
    pb_stmt_bind_text(st, 2, pb_date_iso(def->date, date));
    pb_stmt_bind_text(st, 3, def->reason);
    pb_stmt_bind_text(st, 4, nz(def->approval));
    bind_opt(st, 5, batch_id);
    pb_stmt_bind_text(st, 6, pb_book_user(b));
    pb_stmt_bind_text(st, 7, pb_book_timestamp(b, now));
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        goto done;
    id = pb_book_last_id(b);
    for (i = 0; i < def->nlegs && rc == PB_OK; i++) {
        rc = line_get(b, &legs[i].k, &legs[i].line, err);
        if (rc == PB_OK)
            rc = insert_change(b, legs[i].line, "virement", def->date,
                               legs[i].amount, legs[i].months, id, batch_id,
                               def->reason, err);
    }
    if (rc == PB_OK && out != NULL)
        *out = PB_PUT_ADDED;
done:
    free(legs);
    return rc;
}

/* ---- contributions and outturns ---------------------------------------- */

/*
 * Compares the row a caller's statement finds (st: prepared and bound,
 * selecting id, amount, note) with the amount and note asked for, logs
 * the differences, and releases st.  *id is the row's id, 0 if none.
 */
static int plan_compare(pb_book *b, pb_stmt *st, const char *kind,
                        const pb_buf *key, int64_t amount, const char *note,
                        bool has_note, int64_t batch_id, int64_t *id,
                        pb_put_result *res, pb_error *err)
{
    pb_amount a;
    pb_pool__attr attrs[2] = {{"amount", NULL, NULL}, {"note", NULL, nz(note)}};
    char *amount_text;
    int rc;

    pb_amount_init(&a);
    pb_amount_set_units(&a, amount, PB_MONEY_SCALE);
    amount_text = pb_amount_to_string(&a);
    attrs[0].new_value = amount_text;
    *id = 0;
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        *id = pb_stmt_int(st, 0);
        pb_stmt_money(st, 1, &a);
        attrs[0].old_value = pb_amount_to_string(&a);
        attrs[1].old_value = pb_xstrdup(pb_stmt_text(st, 2));
    }
    pb_stmt_release(st);
    pb_amount_clear(&a);
    if (rc >= 0)
        rc = pb_pool__diff(b, batch_id, kind, pb_buf_str(key), attrs,
                           has_note ? 2 : 1, *id == 0, res, err);
    free(attrs[0].old_value);
    free(attrs[1].old_value);
    free(amount_text);
    return rc;
}

int pb_contribution_put(pb_book *b, const pb_contribution_def *def,
                        int64_t batch_id, pb_put_result *out, pb_error *err)
{
    pb_budget_key key = {def->pool, def->fy, NULL, def->stream, def->partner};
    pb_buf text = PB_BUF_INIT;
    pb_put_result res;
    pb_stmt *st;
    int64_t amount, id;
    rkey k;
    int rc;

    assert(pb_book_in_write_tx(b));
    if (!given(def->partner)) {
        rc = pb_error_set(err, PB_EINVAL, "no partner given");
        pb_error_locate(err, NULL, 0, 0, "partner");
        return rc;
    }
    if ((rc = resolve_key(b, &key, true, false, &k, err)) != PB_OK ||
        (rc = pence(def->amount, "amount", &amount, err)) != PB_OK)
        return rc;
    key_text(&text, &key);
    rc = pb_book_prepare(b, &st,
                         "SELECT id, amount, note FROM contribution WHERE"
                         " pool_id = ? AND fy = ? AND partner_id = ?"
                         " AND coalesce(stream_id, 0) = ?",
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_int(st, 1, k.pool);
    pb_stmt_bind_int(st, 2, k.fy);
    pb_stmt_bind_int(st, 3, k.partner);
    pb_stmt_bind_int(st, 4, k.stream);
    rc = plan_compare(b, st, "contribution", &text, amount, def->note, true,
                      batch_id, &id, &res, err);
    if (rc != PB_OK || res == PB_PUT_UNCHANGED)
        goto done;
    if (id != 0) {
        rc = pb_book_prepare(b, &st,
                             "UPDATE contribution SET amount = ?, note = ?"
                             " WHERE id = ?",
                             err);
        if (rc != PB_OK)
            goto done;
        pb_stmt_bind_int(st, 3, id);
    } else {
        rc = pb_book_prepare(b, &st,
                             "INSERT INTO contribution (amount, note,"
                             " pool_id, fy, partner_id, stream_id)"
                             " VALUES (?, ?, ?, ?, ?, ?)",
                             err);
        if (rc != PB_OK)
            goto done;
        pb_stmt_bind_int(st, 3, k.pool);
        pb_stmt_bind_int(st, 4, k.fy);
        pb_stmt_bind_int(st, 5, k.partner);
        bind_opt(st, 6, k.stream);
    }
    pb_stmt_bind_int(st, 1, amount);
    pb_stmt_bind_text(st, 2, nz(def->note));
    rc = pb_stmt_run(st, err);
done:
    if (rc == PB_OK && out != NULL)
        *out = res;
    pb_buf_clear(&text);
    return rc;
}

int pb_outturn_put(pb_book *b, const pb_outturn_def *def, int64_t batch_id,
                   pb_put_result *out, pb_error *err)
{
    pb_buf text = PB_BUF_INIT;
    pb_put_result res;
    pb_stmt *st;
    int64_t amount, id;
    rkey k;
    int rc;

    assert(pb_book_in_write_tx(b));
    if ((rc = resolve_key(b, &def->key, false, true, &k, err)) != PB_OK ||
        (rc = pence(def->amount, "amount", &amount, err)) != PB_OK)
        return rc;
    key_text(&text, &def->key);
    rc = pb_book_prepare(b, &st,
                         "SELECT id, amount, '' FROM outturn WHERE"
                         " pool_id = ? AND fy = ? AND scheme_id = ?"
                         " AND coalesce(stream_id, 0) = ?"
                         " AND coalesce(partner_id, 0) = ?",
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_int(st, 1, k.pool);
    pb_stmt_bind_int(st, 2, k.fy);
    pb_stmt_bind_int(st, 3, k.scheme);
    pb_stmt_bind_int(st, 4, k.stream);
    pb_stmt_bind_int(st, 5, k.partner);
    rc = plan_compare(b, st, "outturn", &text, amount, NULL, false, batch_id,
                      &id, &res, err);
    if (rc != PB_OK || res == PB_PUT_UNCHANGED)
        goto done;
    if (id != 0) {
        rc = pb_book_prepare(b, &st,
                             "UPDATE outturn SET amount = ? WHERE id = ?",
                             err);
        if (rc != PB_OK)
            goto done;
        pb_stmt_bind_int(st, 2, id);
    } else {
        rc = pb_book_prepare(b, &st,
                             "INSERT INTO outturn (amount, pool_id, fy,"
                             " scheme_id, stream_id, partner_id)"
                             " VALUES (?, ?, ?, ?, ?, ?)",
                             err);
        if (rc != PB_OK)
            goto done;
        pb_stmt_bind_int(st, 2, k.pool);
        pb_stmt_bind_int(st, 3, k.fy);
        pb_stmt_bind_int(st, 4, k.scheme);
        bind_opt(st, 5, k.stream);
        bind_opt(st, 6, k.partner);
    }
    pb_stmt_bind_int(st, 1, amount);
    rc = pb_stmt_run(st, err);
done:
    if (rc == PB_OK && out != NULL)
        *out = res;
    pb_buf_clear(&text);
    return rc;
}

/* ---- queries ----------------------------------------------------------- */

void pb_budget_query_init(pb_budget_query *q)
{
    memset(q, 0, sizeof *q);
}

/* Query filters resolved to ids (0 = no filter) and the as-at date. */
typedef struct rquery {
    int64_t pool, scheme, stream, partner;
    int fy;
    bool has_as_of;
    char as_of[PB_DATE_ISO_LEN];
} rquery;

static int resolve_query(pb_book *b, const pb_budget_query *q, rquery *r,
                         pb_error *err)
{
    int rc = PB_OK;

    memset(r, 0, sizeof *r);
    r->fy = q->fy;
    r->has_as_of = q->has_as_of;
    if (q->has_as_of)
        pb_date_iso(q->as_of, r->as_of);
    if (given(q->pool))
        rc = pb_pool_find(b, q->pool, &r->pool, err);
    if (rc == PB_OK && given(q->scheme))
        rc = pb_dim_find(b, PB_DIM_SCHEME, q->scheme, &r->scheme, err);
    if (rc == PB_OK && given(q->stream))
        rc = pb_dim_find(b, PB_DIM_STREAM, q->stream, &r->stream, err);
    if (rc == PB_OK && given(q->partner))
        rc = pb_dim_find(b, PB_DIM_PARTNER, q->partner, &r->partner, err);
    return rc;
}

/* Binds ?1 as-at (NULL: now), ?2 pool, ?3 fy, ?4 scheme, ?5 stream,
 * ?6 partner: the parameters of every query below (a query that does not
 * filter on one leaves it unused, which SQLite allows below the highest
 * number used). */
static void bind_query(pb_stmt *st, const rquery *r)
{
    pb_stmt_bind_text(st, 1, r->has_as_of ? r->as_of : NULL);
    pb_stmt_bind_int(st, 2, r->pool);
    pb_stmt_bind_int(st, 3, r->fy);
    pb_stmt_bind_int(st, 4, r->scheme);
    pb_stmt_bind_int(st, 5, r->stream);
    pb_stmt_bind_int(st, 6, r->partner);
}

/* The line, its key's codes and report order; filters ?2..?6. */
#define LINE_FROM                                                              \
    " FROM budget_line l JOIN pool p ON p.id = l.pool_id"                      \
    " JOIN dim sd ON sd.id = l.scheme_id"                                      \
    " JOIN scheme sc ON sc.dim_id = l.scheme_id"                               \
    " LEFT JOIN dim st ON st.id = l.stream_id"                                 \
    " LEFT JOIN stream ss ON ss.dim_id = l.stream_id"                          \
    " LEFT JOIN dim pa ON pa.id = l.partner_id"
#define LINE_WHERE                                                             \
    " (?2 = 0 OR l.pool_id = ?2) AND (?3 = 0 OR l.fy = ?3)"                    \
    " AND (?4 = 0 OR l.scheme_id = ?4) AND (?5 = 0 OR l.stream_id = ?5)"       \
    " AND (?6 = 0 OR l.partner_id = ?6)"
#define LINE_ORDER                                                             \
    " p.code, l.fy, sc.display_order, sd.code,"                                \
    " coalesce(ss.display_order, -1), coalesce(st.code, ''),"                  \
    " coalesce(pa.code, '')"
#define LINE_KEY                                                               \
    " l.id, p.code, l.fy, sd.code, sd.name, sc.area, coalesce(st.code, ''),"   \
    " coalesce(pa.code, '')"
#define SUM_MONTHS(c)                                                          \
    " pb_sum(" c "m01), pb_sum(" c "m02), pb_sum(" c "m03), pb_sum(" c         \
    "m04), pb_sum(" c "m05), pb_sum(" c "m06), pb_sum(" c "m07), pb_sum(" c   \
    "m08), pb_sum(" c "m09), pb_sum(" c "m10), pb_sum(" c "m11), pb_sum(" c   \
    "m12)"

/* Amounts a row callback borrows: initialised once per query. */
typedef struct amounts {
    pb_amount original, adjustments, virements, current;
    pb_amount months[PB_MONTHS];
} amounts;

static void amounts_init(amounts *a)
{
    int i;

    pb_amount_init(&a->original);
    pb_amount_init(&a->adjustments);
    pb_amount_init(&a->virements);
    pb_amount_init(&a->current);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_init(&a->months[i]);
}

static void amounts_clear(amounts *a)
{
    int i;

    pb_amount_clear(&a->original);
    pb_amount_clear(&a->adjustments);
    pb_amount_clear(&a->virements);
    pb_amount_clear(&a->current);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_clear(&a->months[i]);
}

static void read_line(pb_stmt *st, pb_budget_row *row)
{
    row->line_id = pb_stmt_int(st, 0);
    row->pool = pb_stmt_text(st, 1);
    row->fy = (int)pb_stmt_int(st, 2);
    row->scheme = pb_stmt_text(st, 3);
    row->scheme_name = pb_stmt_text(st, 4);
    row->area = pb_stmt_text(st, 5);
    row->stream = pb_stmt_text(st, 6);
    row->partner = pb_stmt_text(st, 7);
}

int pb_budget_each(pb_book *b, const pb_budget_query *q,
                   int (*fn)(const pb_budget_row *row, void *ud), void *ud,
                   pb_error *err)
{
    pb_budget_row row;
    amounts a;
    rquery r;
    pb_stmt *st;
    int rc, i;

    if ((rc = resolve_query(b, q, &r, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(
        b, &st,
        "SELECT" LINE_KEY ","
        " pb_sum(CASE WHEN c.kind = 'original' THEN c.amount END),"
        " pb_sum(CASE WHEN c.kind = 'adjustment' THEN c.amount END),"
        " pb_sum(CASE WHEN c.kind = 'virement' THEN c.amount END),"
        " pb_sum(c.amount)," SUM_MONTHS("c.") LINE_FROM
        " JOIN budget_change c ON c.line_id = l.id"
        " AND (?1 IS NULL OR c.effective <= ?1)"
        " WHERE" LINE_WHERE " GROUP BY l.id ORDER BY" LINE_ORDER,
        err);
    if (rc != PB_OK)
        return rc;
    bind_query(st, &r);
    amounts_init(&a);
    row.original = &a.original;
    row.adjustments = &a.adjustments;
    row.virements = &a.virements;
    row.current = &a.current;
    row.months = a.months;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        read_line(st, &row);
        pb_stmt_money(st, 8, &a.original);
        pb_stmt_money(st, 9, &a.adjustments);
        pb_stmt_money(st, 10, &a.virements);
        pb_stmt_money(st, 11, &a.current);
        for (i = 0; i < PB_MONTHS; i++)
            pb_stmt_money(st, 12 + i, &a.months[i]);
        if ((rc = fn(&row, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    amounts_clear(&a);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_budget_line_amounts(pb_book *b, int64_t line_id, const pb_date *as_of,
                           pb_amount *original, pb_amount *current,
                           pb_amount months[PB_MONTHS], pb_error *err)
{
    char d[PB_DATE_ISO_LEN];
    pb_stmt *st;
    int rc, i;

    rc = pb_book_prepare(
        b, &st,
        "SELECT pb_sum(CASE WHEN kind = 'original' THEN amount END),"
        " pb_sum(amount)," SUM_MONTHS("")
        " FROM budget_change WHERE line_id = ?1"
        " AND (?2 IS NULL OR effective <= ?2)",
        err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, line_id);
    pb_stmt_bind_text(st, 2, as_of != NULL ? pb_date_iso(*as_of, d) : NULL);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        if (original != NULL)
            pb_stmt_money(st, 0, original);
        if (current != NULL)
            pb_stmt_money(st, 1, current);
        for (i = 0; months != NULL && i < PB_MONTHS; i++)
            pb_stmt_money(st, 2 + i, &months[i]);
    }
    pb_stmt_release(st);
    return rc == PB_ROW ? PB_OK : rc;
}

/* Changes with their line key and virement; filters ?1..?6. */
#define CHANGE_SELECT                                                          \
    "SELECT c.id, l.id, p.code, l.fy, sd.code, coalesce(st.code, ''),"         \
    " coalesce(pa.code, ''), c.kind, c.effective, c.amount, c.m01, c.m02,"     \
    " c.m03, c.m04, c.m05, c.m06, c.m07, c.m08, c.m09, c.m10, c.m11, c.m12,"   \
    " c.note, coalesce(c.batch_id, 0), c.recorded_by, c.recorded_at,"          \
    " coalesce(v.ref, ''), coalesce(v.reason, ''),"                            \
    " coalesce(v.approval_ref, '')" LINE_FROM                                  \
    " JOIN budget_change c ON c.line_id = l.id"                                \
    " LEFT JOIN virement v ON v.id = c.virement_id"                            \
    " WHERE (?1 IS NULL OR c.effective <= ?1) AND" LINE_WHERE

static int change_rows(pb_book *b, const pb_budget_query *q, const char *sql,
                       int (*fn)(const pb_budget_change_info *c, void *ud),
                       void *ud, pb_error *err)
{
    pb_budget_change_info c;
    pb_amount amount, months[PB_MONTHS];
    rquery r;
    pb_stmt *st;
    int rc, i;

    if ((rc = resolve_query(b, q, &r, err)) != PB_OK)
        return rc;
    if ((rc = pb_book_prepare(b, &st, sql, err)) != PB_OK)
        return rc;
    bind_query(st, &r);
    pb_amount_init(&amount);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_init(&months[i]);
    c.amount = &amount;
    c.months = months;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        const char *eff = pb_stmt_text(st, 8);

        c.id = pb_stmt_int(st, 0);
        c.line_id = pb_stmt_int(st, 1);
        c.pool = pb_stmt_text(st, 2);
        c.fy = (int)pb_stmt_int(st, 3);
        c.scheme = pb_stmt_text(st, 4);
        c.stream = pb_stmt_text(st, 5);
        c.partner = pb_stmt_text(st, 6);
        c.kind = pb_stmt_text(st, 7);
        if (pb_date_parse(&c.effective, eff, strlen(eff), PB_DATE_ISO,
                          err) != PB_OK) {
            rc = PB_ECORRUPT;
            break;
        }
        pb_stmt_money(st, 9, &amount);
        for (i = 0; i < PB_MONTHS; i++)
            pb_stmt_money(st, 10 + i, &months[i]);
        c.note = pb_stmt_text(st, 22);
        c.batch_id = pb_stmt_int(st, 23);
        c.recorded_by = pb_stmt_text(st, 24);
        c.recorded_at = pb_stmt_text(st, 25);
        c.virement_ref = pb_stmt_text(st, 26);
        c.virement_reason = pb_stmt_text(st, 27);
        c.virement_approval = pb_stmt_text(st, 28);
        if ((rc = fn(&c, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_amount_clear(&amount);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_clear(&months[i]);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_budget_change_each(pb_book *b, const pb_budget_query *q,
                          int (*fn)(const pb_budget_change_info *c, void *ud),
                          void *ud, pb_error *err)
{
    return change_rows(b, q,
                       CHANGE_SELECT " ORDER BY" LINE_ORDER
                                     ", c.effective, c.id",
                       fn, ud, err);
}

int pb_virement_each(pb_book *b, const pb_budget_query *q,
                     int (*fn)(const pb_budget_change_info *c, void *ud),
                     void *ud, pb_error *err)
{
    return change_rows(b, q,
                       CHANGE_SELECT " AND c.kind = 'virement'"
                                     " ORDER BY v.date, v.ref, c.id",
                       fn, ud, err);
}

int pb_budget_base_each(pb_book *b, const pb_budget_query *q,
                        int (*fn)(const pb_budget_base_row *r, void *ud),
                        void *ud, pb_error *err)
{
    pb_budget_row line;
    pb_budget_base_row row;
    pb_amount total, months[PB_MONTHS], v;
    int64_t current = 0;
    rquery r;
    pb_stmt *st;
    int rc, i;

    if ((rc = resolve_query(b, q, &r, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(
        b, &st,
        "SELECT" LINE_KEY ", c.effective, pb_sum(c.amount)," SUM_MONTHS("c.")
        ", (SELECT c2.note FROM budget_change c2 WHERE c2.line_id = l.id"
        " AND c2.kind <> 'virement' AND c2.effective = c.effective"
        " ORDER BY c2.id DESC LIMIT 1)" LINE_FROM
        " JOIN budget_change c ON c.line_id = l.id AND c.kind <> 'virement'"
        " AND (?1 IS NULL OR c.effective <= ?1)"
        " WHERE" LINE_WHERE " GROUP BY l.id, c.effective"
        " ORDER BY" LINE_ORDER ", c.effective",
        err);
    if (rc != PB_OK)
        return rc;
    bind_query(st, &r);
    memset(&line, 0, sizeof line);
    pb_amount_init(&total);
    pb_amount_init(&v);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_init(&months[i]);
    row.line = &line;
    row.amount = &total;
    row.months = months;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        const char *eff = pb_stmt_text(st, 8);

        read_line(st, &line);
        if (line.line_id != current) { /* a new line: start from zero */
            current = line.line_id;
            pb_amount_set_units(&total, 0, PB_MONEY_SCALE);
            for (i = 0; i < PB_MONTHS; i++)
                pb_amount_set_units(&months[i], 0, PB_MONEY_SCALE);
        }
        if (pb_date_parse(&row.effective, eff, strlen(eff), PB_DATE_ISO,
                          err) != PB_OK) {
            rc = PB_ECORRUPT;
            break;
        }
        pb_stmt_money(st, 9, &v);
        pb_amount_add(&total, &total, &v);
        for (i = 0; i < PB_MONTHS; i++) {
            pb_stmt_money(st, 10 + i, &v);
            pb_amount_add(&months[i], &months[i], &v);
        }
        row.note = pb_stmt_text(st, 22);
        if ((rc = fn(&row, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_amount_clear(&total);
    pb_amount_clear(&v);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_clear(&months[i]);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_contribution_each(pb_book *b, const pb_budget_query *q,
                         int (*fn)(const pb_contribution_info *c, void *ud),
                         void *ud, pb_error *err)
{
    pb_contribution_info c;
    pb_amount amount;
    rquery r;
    pb_stmt *st;
    int rc;

    if ((rc = resolve_query(b, q, &r, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(
        b, &st,
        "SELECT p.code, c.fy, pd.code, coalesce(sd.code, ''), c.amount,"
        " c.note FROM contribution c JOIN pool p ON p.id = c.pool_id"
        " JOIN dim pd ON pd.id = c.partner_id"
        " LEFT JOIN dim sd ON sd.id = c.stream_id"
        " LEFT JOIN stream ss ON ss.dim_id = c.stream_id"
        " WHERE (?2 = 0 OR c.pool_id = ?2) AND (?3 = 0 OR c.fy = ?3)"
        " AND (?5 = 0 OR c.stream_id = ?5)"
        " AND (?6 = 0 OR c.partner_id = ?6)"
        " ORDER BY p.code, c.fy, pd.code, coalesce(ss.display_order, -1),"
        " coalesce(sd.code, '')",
        err);
    if (rc != PB_OK)
        return rc;
    bind_query(st, &r);
    pb_amount_init(&amount);
    c.amount = &amount;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        c.pool = pb_stmt_text(st, 0);
        c.fy = (int)pb_stmt_int(st, 1);
        c.partner = pb_stmt_text(st, 2);
        c.stream = pb_stmt_text(st, 3);
        pb_stmt_money(st, 4, &amount);
        c.note = pb_stmt_text(st, 5);
        if ((rc = fn(&c, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_amount_clear(&amount);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_outturn_each(pb_book *b, const pb_budget_query *q,
                    int (*fn)(const pb_outturn_info *o, void *ud), void *ud,
                    pb_error *err)
{
    pb_outturn_info o;
    pb_amount amount;
    rquery r;
    pb_stmt *st;
    int rc;

    if ((rc = resolve_query(b, q, &r, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(
        b, &st,
        "SELECT p.code, l.fy, sd.code, coalesce(st.code, ''),"
        " coalesce(pa.code, ''), l.amount FROM outturn l"
        " JOIN pool p ON p.id = l.pool_id"
        " JOIN dim sd ON sd.id = l.scheme_id"
        " JOIN scheme sc ON sc.dim_id = l.scheme_id"
        " LEFT JOIN dim st ON st.id = l.stream_id"
        " LEFT JOIN stream ss ON ss.dim_id = l.stream_id"
        " LEFT JOIN dim pa ON pa.id = l.partner_id"
        " WHERE" LINE_WHERE " ORDER BY" LINE_ORDER,
        err);
    if (rc != PB_OK)
        return rc;
    bind_query(st, &r);
    pb_amount_init(&amount);
    o.amount = &amount;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        o.pool = pb_stmt_text(st, 0);
        o.fy = (int)pb_stmt_int(st, 1);
        o.scheme = pb_stmt_text(st, 2);
        o.stream = pb_stmt_text(st, 3);
        o.partner = pb_stmt_text(st, 4);
        pb_stmt_money(st, 5, &amount);
        if ((rc = fn(&o, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_amount_clear(&amount);
    return rc == PB_DONE ? PB_OK : rc;
}
