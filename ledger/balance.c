/*
 * balance.c - balance queries over the cache (and, for an as-at date in
 * the middle of a period, that period's postings up to the date).
 *
 * Design: SQLite reads the rows in range - cache rows for whole periods,
 * postings for the one part-period - already filtered, and this file sums
 * them per (account, dimension value) in a hash table, then names and
 * sorts the few groups.  Summing in SQL would materialise the rows and
 * sort them all for GROUP BY; here each row costs a hash lookup and two
 * integer additions.  Sums are exact: each group adds in int64 and spills
 * into a pb_amount whenever the next addition would overflow.
 */
#include "ledger/balance.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/book_int.h"
#include "ledger/map.h"

void pb_balance_query_init(pb_balance_query *q)
{
    memset(q, 0, sizeof *q);
    q->from = 0;
    q->to = PB_YEAR_MAX * 100 + PB_PERIOD_MAX;
    q->group_by = -1;
}

/* The filters both statements share: ?3 the dimension grouped by (-1
 * none), ?4..?7 dimension ids to keep (0 = all), ?8 account name prefix
 * or NULL.  Columns: account id, the grouped dimension's id (0 = none),
 * then the money columns. */
#define GROUP_COL(p)                                                           \
    " CASE ?3 WHEN 0 THEN " p "stream_id WHEN 1 THEN " p "scheme_id"         \
    " WHEN 2 THEN " p "partner_id WHEN 3 THEN " p "cc_id ELSE 0 END"
#define FILTERS(p)                                                             \
    " AND (?4 = 0 OR " p "stream_id = ?4) AND (?5 = 0 OR " p "scheme_id = ?5)" \
    " AND (?6 = 0 OR " p "partner_id = ?6) AND (?7 = 0 OR " p "cc_id = ?7)"  \
    " AND (?8 IS NULL OR " p "account_id IN (SELECT id FROM account"         \
    " WHERE name = ?8 OR substr(name, 1, length(?8) + 1) = ?8 || ':'))"

/* Whole periods [?1, ?2] from the cache. */
static const char cache_sql[] =
    "SELECT account_id," GROUP_COL("") ", debit, credit FROM balance"
    " WHERE period BETWEEN ?1 AND ?2" FILTERS("");

/* Postings of entries in period [?1, ?2] (one period) dated on or before
 * ?9.  A posting without a dimension has NULL where the cache has 0. */
static const char part_sql[] =
    "SELECT p.account_id, coalesce(" GROUP_COL("p.") ", 0), p.amount"
    " FROM entry e JOIN posting p ON p.entry_id = e.id"
    " WHERE e.period BETWEEN ?1 AND ?2 AND e.date <= ?9"
    " AND (?4 = 0 OR coalesce(p.stream_id, 0) = ?4)"
    " AND (?5 = 0 OR coalesce(p.scheme_id, 0) = ?5)"
    " AND (?6 = 0 OR coalesce(p.partner_id, 0) = ?6)"
    " AND (?7 = 0 OR coalesce(p.cc_id, 0) = ?7)"
    " AND (?8 IS NULL OR p.account_id IN (SELECT id FROM account"
    " WHERE name = ?8 OR substr(name, 1, length(?8) + 1) = ?8 || ':'))";

/* One output row being summed. */
typedef struct group {
    int64_t account_id, dim_id;
    int64_t debit, credit;  /* pence not yet spilled */
    pb_amount debit_big;    /* spilled pence (exact), scale 2 */
    pb_amount credit_big;
    char *code, *name, *dim_code, *dim_name; /* filled before sorting */
    pb_account_type type;
} group;

typedef struct groups {
    pb_map index; /* (account id, dim id) -> index in g */
    group *g;
    size_t n, cap;
} groups;

static group *group_of(groups *gs, int64_t account_id, int64_t dim_id)
{
    int64_t key[2] = {account_id, dim_id}, idx;
    group *g;

    if (pb_map_get(&gs->index, key, sizeof key, &idx))
        return &gs->g[idx];
    if (gs->n == gs->cap) {
        gs->cap = gs->cap ? gs->cap * 2 : 64;
        gs->g = pb_xrealloc(gs->g, gs->cap * sizeof *gs->g);
    }
    g = &gs->g[gs->n];
    memset(g, 0, sizeof *g);
    g->account_id = account_id;
    g->dim_id = dim_id;
    pb_amount_init(&g->debit_big);
    pb_amount_init(&g->credit_big);
    pb_map_put(&gs->index, key, sizeof key, (int64_t)gs->n);
    gs->n++;
    return g;
}

/* *acc += v (v >= 0), spilling into big when int64 would overflow. */
static void add_turnover(int64_t *acc, pb_amount *big, int64_t v)
{
    int64_t sum;

    if (__builtin_add_overflow(*acc, v, &sum)) {
        pb_amount_add_units(big, *acc, PB_MONEY_SCALE);
        sum = v;
    }
    *acc = sum;
}

static void groups_free(groups *gs)
{
    size_t i;

    for (i = 0; i < gs->n; i++) {
        pb_amount_clear(&gs->g[i].debit_big);
        pb_amount_clear(&gs->g[i].credit_big);
        free(gs->g[i].code);
        free(gs->g[i].name);
        free(gs->g[i].dim_code);
        free(gs->g[i].dim_name);
    }
    free(gs->g);
    pb_map_clear(&gs->index);
}

static void bind_filters(pb_stmt *st, const pb_balance_query *q)
{
    int k;

    pb_stmt_bind_int(st, 3, q->group_by);
    for (k = 0; k < PB_DIM_COUNT; k++)
        pb_stmt_bind_int(st, 4 + k, q->filter[k]);
    pb_stmt_bind_text(st, 8, q->account);
}

/* Sums the cache rows of periods [from, to]. */
static int sum_cache(pb_book *b, const pb_balance_query *q, pb_period from,
                     pb_period to, groups *gs, pb_error *err)
{
    pb_stmt *st;
    int rc;

    if (from > to)
        return PB_OK;
    if ((rc = pb_book_prepare(b, &st, cache_sql, err)) != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, from);
    pb_stmt_bind_int(st, 2, to);
    bind_filters(st, q);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        group *g = group_of(gs, pb_stmt_int(st, 0), pb_stmt_int(st, 1));

        add_turnover(&g->debit, &g->debit_big, pb_stmt_int(st, 2));
        add_turnover(&g->credit, &g->credit_big, pb_stmt_int(st, 3));
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

/* Sums the postings of period p dated on or before as_of. */
static int sum_part(pb_book *b, const pb_balance_query *q, pb_period p,
                    const char *as_of, groups *gs, pb_error *err)
{
    pb_stmt *st;
    int rc;

    if ((rc = pb_book_prepare(b, &st, part_sql, err)) != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, p);
    pb_stmt_bind_int(st, 2, p);
    bind_filters(st, q);
    pb_stmt_bind_text(st, 9, as_of);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        group *g = group_of(gs, pb_stmt_int(st, 0), pb_stmt_int(st, 1));
        int64_t pence = pb_stmt_int(st, 2);

        if (pence >= 0) {
            add_turnover(&g->debit, &g->debit_big, pence);
        } else if (pence == INT64_MIN) { /* -INT64_MIN does not fit */
            add_turnover(&g->credit, &g->credit_big, INT64_MAX);
            add_turnover(&g->credit, &g->credit_big, 1);
        } else {
            add_turnover(&g->credit, &g->credit_big, -pence);
        }
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

/* Fills the names of every group's account and dimension value. */
static int name_groups(pb_book *b, groups *gs, pb_error *err)
{
    pb_stmt *st;
    size_t i;
    int rc = PB_OK;

    for (i = 0; i < gs->n && rc == PB_OK; i++) {
        group *g = &gs->g[i];

        rc = pb_book_prepare(b, &st,
                             "SELECT code, name, type FROM account WHERE id = ?",
                             err);
        if (rc != PB_OK)
            break;
        pb_stmt_bind_int(st, 1, g->account_id);
        if ((rc = pb_stmt_step(st, err)) == PB_ROW) {
            g->code = pb_xstrdup(pb_stmt_text(st, 0));
            g->name = pb_xstrdup(pb_stmt_text(st, 1));
            if (pb_account_type_parse(&g->type, pb_stmt_text(st, 2), NULL) !=
                PB_OK)
                g->type = PB_ACCOUNT_ASSET; /* the CHECK forbids this */
            rc = PB_OK;
        } else if (rc == PB_DONE) {
            /* The foreign key forbids this; `poolbook check` reports it. */
            g->code = pb_xstrdup("");
            g->name = pb_xstrdup("");
            rc = PB_OK;
        }
        pb_stmt_release(st);
        if (rc != PB_OK)
            break;
        rc = pb_book_prepare(b, &st, "SELECT code, name FROM dim WHERE id = ?",
                             err);
        if (rc != PB_OK)
            break;
        pb_stmt_bind_int(st, 1, g->dim_id);
        rc = pb_stmt_step(st, err);
        g->dim_code = pb_xstrdup(rc == PB_ROW ? pb_stmt_text(st, 0) : "");
        g->dim_name = pb_xstrdup(rc == PB_ROW ? pb_stmt_text(st, 1) : "");
        pb_stmt_release(st);
        rc = rc < 0 ? rc : PB_OK;
    }
    return rc;
}

/* Account name, then dimension code: byte order, as SQLite's BINARY. */
static int group_cmp(const void *a, const void *b)
{
    const group *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    if (c == 0)
        c = strcmp(x->dim_code, y->dim_code);
    if (c == 0 && x->account_id != y->account_id)
        c = x->account_id < y->account_id ? -1 : 1;
    return c;
}

int pb_balance_each(pb_book *b, const pb_balance_query *q,
                    int (*fn)(const pb_balance_row *row, void *ud), void *ud,
                    pb_error *err)
{
    int fy_start = pb_book_fy_start(b);
    pb_period full_to = q->to, part = 0;
    char asof[PB_DATE_ISO_LEN];
    pb_amount debit, credit, bal;
    pb_balance_row row;
    groups gs;
    size_t i;
    int rc;

    /* The cache must include this transaction's own postings. */
    if ((rc = pb_book__flush(b, err)) != PB_OK)
        return rc;
    if (q->has_as_of) {
        pb_period p = pb_period_of_date(q->as_of, fy_start);
        int fy = pb_period_fy(p);

        pb_date_iso(q->as_of, asof);
        if (q->as_of == pb_fy_last_day(fy, fy_start)) {
            full_to = pb_period_make(fy, PB_PERIOD_MAX);
        } else if (q->as_of == pb_period_last_day(p, fy_start)) {
            full_to = p;
        } else {
            /* Inside a period: the cache up to the one before (P0 of the
             * year when p is P01), then p's own postings up to the date.
             * Adjustment periods P13..P16 are dated the year's last day,
             * which is after as_of here, so p alone suffices. */
            full_to = p - 1;
            part = p >= q->from ? p : 0;
        }
    }
    memset(&gs, 0, sizeof gs);
    pb_map_init(&gs.index);
    if ((rc = sum_cache(b, q, q->from, full_to, &gs, err)) == PB_OK &&
        (part == 0 || (rc = sum_part(b, q, part, asof, &gs, err)) == PB_OK))
        rc = name_groups(b, &gs, err);
    if (rc != PB_OK) {
        groups_free(&gs);
        return rc;
    }
    if (gs.n > 1)
        qsort(gs.g, gs.n, sizeof *gs.g, group_cmp);

    pb_amount_init(&debit);
    pb_amount_init(&credit);
    pb_amount_init(&bal);
    for (i = 0; i < gs.n; i++) {
        group *g = &gs.g[i];

        pb_amount_set(&debit, &g->debit_big);
        pb_amount_add_units(&debit, g->debit, PB_MONEY_SCALE);
        pb_amount_set(&credit, &g->credit_big);
        pb_amount_add_units(&credit, g->credit, PB_MONEY_SCALE);
        pb_amount_sub(&bal, &debit, &credit);
        row.account_id = g->account_id;
        row.account_code = g->code;
        row.account_name = g->name;
        row.account_type = g->type;
        row.dim_code = g->dim_code;
        row.dim_name = g->dim_name;
        row.debit = &debit;
        row.credit = &credit;
        row.balance = &bal;
        if ((rc = fn(&row, ud)) != 0)
            break;
    }
    pb_amount_clear(&debit);
    pb_amount_clear(&credit);
    pb_amount_clear(&bal);
    groups_free(&gs);
    return rc;
}
