/*
 * test_balance.c - ledger/balance: balances from the cache, by account and
 * dimension, filtered, as at a period or a date.
 *
 *   1. named cases on a small book: by account, by each dimension, filters,
 *      account prefixes, period ranges
 *   2. as at a date: mid-period (that period's postings up to the date),
 *      period end, year end (adjustment periods included), year start (P0)
 *   3. a randomised book and random queries against a model that reads
 *      the postings directly (date <= as-of, period in range)
 *   4. the transaction's own postings count; the callback can stop
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/account.h"
#include "ledger/balance.h"
#include "ledger/book.h"
#include "ledger/dim.h"
#include "ledger/journal.h"
#include "ledger/journal_int.h"
#include "tests/support/support.h"

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = pbt_book_new(&f->path);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    /* A name that shares a prefix with Expenditure but is not under it. */
    assert_int_equal(pb_account_add(f->b, "5900", "Expenditures:Misc",
                                    PB_ACCOUNT_EXPENDITURE, NULL, &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    pbt_book_done(f->b, f->path);
    free(f);
    return 0;
}

/* Rows rendered as "code[/dim] debit credit balance" lines. */
typedef struct rows {
    char text[4096];
    int n;
} rows;

static int render(const pb_balance_row *row, void *ud)
{
    rows *r = ud;
    size_t len = strlen(r->text);
    char d[64], c[64];

    snprintf(d, sizeof d, "%s", pbt_amt(row->debit));
    snprintf(c, sizeof c, "%s", pbt_amt(row->credit));
    snprintf(r->text + len, sizeof r->text - len, "%s%s%s %s %s %s\n",
             row->account_code, row->dim_code[0] != '\0' ? "/" : "",
             row->dim_code, d, c, pbt_amt(row->balance));
    r->n++;
    return 0;
}

static const char *run(fixture *f, const pb_balance_query *q, rows *r)
{
    memset(r, 0, sizeof *r);
    if (pb_balance_each(f->b, q, render, r, &f->err) != PB_OK)
        fail_msg("pb_balance_each: %s", f->err.msg);
    return r->text;
}

static int64_t dim_id(fixture *f, pb_dim_kind kind, const char *code)
{
    int64_t id = 0;

    assert_int_equal(pb_dim_find(f->b, kind, code, &id, &f->err), PB_OK);
    return id;
}

/* A small year: 2024-25, with an opening entry and a year-end adjustment. */
static void small_book(fixture *f)
{
    pbt_post_ok(f->b, "2024-04-01@P0 Opening; 1000 1000.00; 3000");
    pbt_post_ok(f->b, "2024-04-15 Council pays in; 1000 600.00; 4000"
                      " partner=COUNCIL stream=BCF");
    pbt_post_ok(f->b, "2024-04-20 NHS pays in; 1000 400.00; 4100"
                      " partner=ICB stream=IBCF");
    pbt_post_ok(f->b, "2024-09-05 Reablement; 5000 100.00 stream=BCF"
                      " scheme=S01 cc=CC1; 1000");
    pbt_post_ok(f->b, "2024-09-20 Homecare; 5100 50.00 stream=IBCF"
                      " scheme=S02 cc=CC2; 2000");
    pbt_post_ok(f->b, "2024-09-30 Residential; 5200 25.00 stream=BCF"
                      " scheme=S02; 2000");
    pbt_post_ok(f->b, "2024-10-02 Misc; 5900 5.00; 1000");
    pbt_post_ok(f->b, "2025-03-31@P13 Accrual; 5000 10.00 stream=BCF"
                      " scheme=S01; 2000");
}

/* ---- 1. named cases -------------------------------------------------------- */

static void test_balance_each__rows_are_in_account_name_order(void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    small_book(f);
    pb_balance_query_init(&q);
    /* Assets:Bank, Equity:Reserves, Expenditure:Care:Homecare,
     * Expenditure:Care:Residential, Expenditure:Reablement,
     * Expenditures:Misc, Income:..., Liabilities:Creditors */
    assert_string_equal(run(f, &q, &r), "1000 2000.00 105.00 1895.00\n"
                                        "3000 0.00 1000.00 -1000.00\n"
                                        "5100 50.00 0.00 50.00\n"
                                        "5200 25.00 0.00 25.00\n"
                                        "5000 110.00 0.00 110.00\n"
                                        "5900 5.00 0.00 5.00\n"
                                        "4000 0.00 600.00 -600.00\n"
                                        "4100 0.00 400.00 -400.00\n"
                                        "2000 0.00 85.00 -85.00\n");
    assert_int_equal(r.n, 9);
}

static void test_balance_each__by_each_dimension(void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    small_book(f);
    pb_balance_query_init(&q);
    q.account = "Expenditure";
    q.group_by = PB_DIM_STREAM;
    assert_string_equal(run(f, &q, &r), "5100/IBCF 50.00 0.00 50.00\n"
                                        "5200/BCF 25.00 0.00 25.00\n"
                                        "5000/BCF 110.00 0.00 110.00\n");
    q.group_by = PB_DIM_SCHEME;
    assert_string_equal(run(f, &q, &r), "5100/S02 50.00 0.00 50.00\n"
                                        "5200/S02 25.00 0.00 25.00\n"
                                        "5000/S01 110.00 0.00 110.00\n");
    q.group_by = PB_DIM_COST_CENTRE;
    assert_string_equal(run(f, &q, &r), "5100/CC2 50.00 0.00 50.00\n"
                                        "5200 25.00 0.00 25.00\n"
                                        "5000 10.00 0.00 10.00\n"
                                        "5000/CC1 100.00 0.00 100.00\n");
    q.account = "Income";
    q.group_by = PB_DIM_PARTNER;
    assert_string_equal(run(f, &q, &r), "4000/COUNCIL 0.00 600.00 -600.00\n"
                                        "4100/ICB 0.00 400.00 -400.00\n");
    /* Postings without the dimension group under "". */
    q.account = "Assets";
    q.group_by = PB_DIM_STREAM;
    assert_string_equal(run(f, &q, &r), "1000 2000.00 105.00 1895.00\n");
}

typedef struct fields {
    int n;
    char code[16], name[64], dim_code[16], dim_name[64];
    pb_account_type type;
    int64_t id;
} fields;

static int keep_fields(const pb_balance_row *row, void *ud)
{
    fields *g = ud;

    g->n++;
    g->id = row->account_id;
    g->type = row->account_type;
    snprintf(g->code, sizeof g->code, "%s", row->account_code);
    snprintf(g->name, sizeof g->name, "%s", row->account_name);
    snprintf(g->dim_code, sizeof g->dim_code, "%s", row->dim_code);
    snprintf(g->dim_name, sizeof g->dim_name, "%s", row->dim_name);
    return 0;
}

static void test_balance_each__rows_carry_account_and_dimension_names(
    void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    fields g;
    int64_t id = 0;

    small_book(f);
    pb_balance_query_init(&q);
    q.account = "Income:Contributions:NHS";
    q.group_by = PB_DIM_STREAM;
    memset(&g, 0, sizeof g);
    assert_int_equal(pb_balance_each(f->b, &q, keep_fields, &g, &f->err),
                     PB_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(pb_account_find(f->b, "4100", &id, &f->err), PB_OK);
    assert_int_equal(g.id, id);
    assert_string_equal(g.code, "4100");
    assert_string_equal(g.name, "Income:Contributions:NHS");
    assert_int_equal(g.type, PB_ACCOUNT_INCOME);
    assert_string_equal(g.dim_code, "IBCF");
    assert_string_equal(g.dim_name, "Improved Better Care Fund");
    /* Without the dimension: empty code and name. */
    q.account = "Assets:Bank";
    memset(&g, 0, sizeof g);
    assert_int_equal(pb_balance_each(f->b, &q, keep_fields, &g, &f->err),
                     PB_OK);
    assert_string_equal(g.dim_code, "");
    assert_string_equal(g.dim_name, "");
    assert_int_equal(g.type, PB_ACCOUNT_ASSET);
}

static void test_balance_each__filters_by_dimension(void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    small_book(f);
    pb_balance_query_init(&q);
    q.filter[PB_DIM_STREAM] = dim_id(f, PB_DIM_STREAM, "BCF");
    assert_string_equal(run(f, &q, &r), "5200 25.00 0.00 25.00\n"
                                        "5000 110.00 0.00 110.00\n"
                                        "4000 0.00 600.00 -600.00\n");
    q.filter[PB_DIM_SCHEME] = dim_id(f, PB_DIM_SCHEME, "S01");
    assert_string_equal(run(f, &q, &r), "5000 110.00 0.00 110.00\n");
    q.filter[PB_DIM_COST_CENTRE] = dim_id(f, PB_DIM_COST_CENTRE, "CC1");
    assert_string_equal(run(f, &q, &r), "5000 100.00 0.00 100.00\n");
    q.filter[PB_DIM_PARTNER] = dim_id(f, PB_DIM_PARTNER, "ICB");
    assert_string_equal(run(f, &q, &r), "");
    assert_int_equal(r.n, 0);
}

static void test_balance_each__account_prefix_keeps_the_subtree(void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    small_book(f);
    pb_balance_query_init(&q);
    q.account = "Expenditure";
    /* Expenditures:Misc shares the letters but not the parent. */
    assert_string_equal(run(f, &q, &r), "5100 50.00 0.00 50.00\n"
                                        "5200 25.00 0.00 25.00\n"
                                        "5000 110.00 0.00 110.00\n");
    q.account = "Expenditure:Care";
    assert_string_equal(run(f, &q, &r), "5100 50.00 0.00 50.00\n"
                                        "5200 25.00 0.00 25.00\n");
    q.account = "Expenditure:Care:Homecare";
    assert_string_equal(run(f, &q, &r), "5100 50.00 0.00 50.00\n");
    q.account = "Expenditure:Ca";
    assert_string_equal(run(f, &q, &r), "");
    q.account = "Expenditures";
    assert_string_equal(run(f, &q, &r), "5900 5.00 0.00 5.00\n");
}

static void test_balance_each__period_ranges(void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    small_book(f);
    pb_balance_query_init(&q);
    q.account = "Expenditure";
    q.to = 202405;
    assert_string_equal(run(f, &q, &r), "");
    q.to = 202406;
    assert_string_equal(run(f, &q, &r), "5100 50.00 0.00 50.00\n"
                                        "5200 25.00 0.00 25.00\n"
                                        "5000 100.00 0.00 100.00\n");
    q.to = 202412; /* the months only */
    assert_string_equal(run(f, &q, &r), "5100 50.00 0.00 50.00\n"
                                        "5200 25.00 0.00 25.00\n"
                                        "5000 100.00 0.00 100.00\n");
    q.to = 202416;
    assert_string_equal(run(f, &q, &r), "5100 50.00 0.00 50.00\n"
                                        "5200 25.00 0.00 25.00\n"
                                        "5000 110.00 0.00 110.00\n");
    q.from = 202413;
    assert_string_equal(run(f, &q, &r), "5000 10.00 0.00 10.00\n");
    /* P0 alone. */
    q.account = NULL;
    q.from = 202400;
    q.to = 202400;
    assert_string_equal(run(f, &q, &r), "1000 1000.00 0.00 1000.00\n"
                                        "3000 0.00 1000.00 -1000.00\n");
}

/* ---- 2. as at a date ------------------------------------------------------- */

static void test_balance_each__as_of_mid_period_reads_postings_to_the_date(
    void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    small_book(f);
    pb_balance_query_init(&q);
    q.account = "Expenditure";
    q.has_as_of = true;
    q.as_of = pbt_date("2024-09-19");
    assert_string_equal(run(f, &q, &r), "5000 100.00 0.00 100.00\n");
    q.as_of = pbt_date("2024-09-20");
    assert_string_equal(run(f, &q, &r), "5100 50.00 0.00 50.00\n"
                                        "5000 100.00 0.00 100.00\n");
    q.as_of = pbt_date("2024-09-04");
    assert_string_equal(run(f, &q, &r), "");
    /* `to` is ignored when as_of is given. */
    q.to = 202401;
    q.as_of = pbt_date("2024-10-15");
    assert_string_equal(run(f, &q, &r), "5100 50.00 0.00 50.00\n"
                                        "5200 25.00 0.00 25.00\n"
                                        "5000 100.00 0.00 100.00\n");
}

static void test_balance_each__as_of_period_end_equals_to_period(void **state)
{
    fixture *f = *state;
    pb_balance_query q, p;
    rows r1, r2;

    small_book(f);
    pb_balance_query_init(&q);
    q.has_as_of = true;
    q.as_of = pbt_date("2024-09-30");
    pb_balance_query_init(&p);
    p.to = 202406;
    assert_string_equal(run(f, &q, &r1), run(f, &p, &r2));
    assert_int_equal(r1.n, 8); /* not 5900, posted in October */
}

static void test_balance_each__as_of_year_end_includes_adjustments(
    void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    small_book(f);
    pb_balance_query_init(&q);
    q.account = "Expenditure:Reablement";
    q.has_as_of = true;
    q.as_of = pbt_date("2025-03-31");
    assert_string_equal(run(f, &q, &r), "5000 110.00 0.00 110.00\n");
    q.as_of = pbt_date("2025-03-30");
    assert_string_equal(run(f, &q, &r), "5000 100.00 0.00 100.00\n");
    q.as_of = pbt_date("2025-04-01"); /* the next year's first day */
    assert_string_equal(run(f, &q, &r), "5000 110.00 0.00 110.00\n");
}

static void test_balance_each__as_of_year_start_includes_opening(
    void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    small_book(f);
    pbt_post_ok(f->b, "2024-04-01 First day; 1000 1.00; 4000");
    pbt_post_ok(f->b, "2024-04-02 Second day; 1000 2.00; 4000");
    pb_balance_query_init(&q);
    q.account = "Assets";
    q.has_as_of = true;
    q.as_of = pbt_date("2024-04-01");
    assert_string_equal(run(f, &q, &r), "1000 1001.00 0.00 1001.00\n");
    q.as_of = pbt_date("2024-03-31");
    assert_string_equal(run(f, &q, &r), "");
    /* From P01: the opening balance is left out. */
    q.from = 202401;
    q.as_of = pbt_date("2024-04-02");
    assert_string_equal(run(f, &q, &r), "1000 3.00 0.00 3.00\n");
}

/* ---- 3. random book, random queries ----------------------------------------- */

#define RACC 6
#define RDIM 4 /* values per kind incl. "none" at 0 */

static const char *const r_accounts[RACC] = {"1000", "2000", "4000",
                                             "5000", "5100", "5900"};
static const char *const r_names[RACC] = {
    "Assets:Bank",          "Liabilities:Creditors",
    "Income:Contributions:Council", "Expenditure:Reablement",
    "Expenditure:Care:Homecare",    "Expenditures:Misc"};
static const char *const r_dims[PB_DIM_COUNT][RDIM] = {
    {"", "BCF", "IBCF", "DFG"},
    {"", "S01", "S02", "S03"},
    {"", "COUNCIL", "ICB", "ICB"},
    {"", "CC1", "CC2", "CC3"},
};

typedef struct rposting {
    pb_date date;
    pb_period period;
    int acc;
    int dim[PB_DIM_COUNT]; /* index into r_dims */
    int64_t pence;
} rposting;

typedef struct rmodel {
    rposting *p;
    size_t n, cap;
} rmodel;

typedef struct rexpect {
    int64_t debit[RACC][RDIM], credit[RACC][RDIM];
    int seen[RACC][RDIM];
} rexpect;

typedef struct rcmp {
    const rexpect *x;
    int group;
    int rows, bad;
    char last_key[128];
} rcmp;

static int r_acc_of(const char *code)
{
    int i;

    for (i = 0; i < RACC; i++)
        if (strcmp(code, r_accounts[i]) == 0)
            return i;
    return -1;
}

static void pence_text(int64_t v, char *buf, size_t n)
{
    pb_buf t = PB_BUF_INIT;

    pb_journal__pence(&t, v);
    snprintf(buf, n, "%s", pb_buf_str(&t));
    pb_buf_clear(&t);
}

static int r_compare(const pb_balance_row *row, void *ud)
{
    rcmp *c = ud;
    int a = r_acc_of(row->account_code), d = 0;
    char want[64], key[128];

    assert_true(a >= 0);
    if (c->group >= 0) {
        for (d = 0; d < RDIM; d++)
            if (strcmp(row->dim_code, r_dims[c->group][d]) == 0)
                break;
        assert_true(d < RDIM);
    }
    /* Ordered by account name, then dimension code. */
    snprintf(key, sizeof key, "%s\x01%s", r_names[a], row->dim_code);
    if (c->rows > 0 && strcmp(c->last_key, key) >= 0)
        c->bad++;
    snprintf(c->last_key, sizeof c->last_key, "%s", key);
    if (!c->x->seen[a][d])
        c->bad++;
    pence_text(c->x->debit[a][d], want, sizeof want);
    c->bad += strcmp(pbt_amt(row->debit), want) != 0;
    pence_text(c->x->credit[a][d], want, sizeof want);
    c->bad += strcmp(pbt_amt(row->credit), want) != 0;
    pence_text(c->x->debit[a][d] - c->x->credit[a][d], want, sizeof want);
    c->bad += strcmp(pbt_amt(row->balance), want) != 0;
    c->rows++;
    return 0;
}

static bool prefix_match(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);

    return strcmp(name, prefix) == 0 ||
           (strncmp(name, prefix, n) == 0 && name[n] == ':');
}

static void test_balance_each__random_queries_match_a_model(void **state)
{
    static const char *const prefixes[] = {NULL, "Expenditure", "Assets",
                                           "Expenditure:Care", "Income"};
    fixture *f = *state;
    rmodel m = {NULL, 0, 0};
    pb_entry *e = pb_entry_new();
    pb_amount a;
    int64_t ids[PB_DIM_COUNT][RDIM];
    int i, k, d;

    pb_amount_init(&a);
    pbt_rng_seed(99);
    /* Dimension ids (CC1..CC3 are created by the first post using them). */
    pbt_post_ok(f->b, "2023-04-01 Make CCs; 1000 0.00 cc=CC1; 1000 cc=CC2;"
                      " 1000 0.00 cc=CC3");
    for (k = 0; k < PB_DIM_COUNT; k++) {
        ids[k][0] = 0;
        for (d = 1; d < RDIM; d++)
            ids[k][d] = dim_id(f, (pb_dim_kind)k, r_dims[k][d]);
    }
    /* That entry is part of the model too. */
    for (i = 0; i < 3; i++) {
        rposting p;

        memset(&p, 0, sizeof p);
        p.date = pbt_date("2023-04-01");
        p.period = 202301;
        p.acc = 0;
        p.dim[PB_DIM_COST_CENTRE] = i + 1;
        if (m.n == m.cap) {
            m.cap = m.cap ? m.cap * 2 : 1024;
            m.p = realloc(m.p, m.cap * sizeof *m.p);
        }
        m.p[m.n++] = p;
    }

    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    for (i = 0; i < 3000; i++) {
        int np = 2 + (int)(pbt_rng() % 3), j, adj = 0;
        int fy = 2023 + (int)(pbt_rng() % 2);
        pb_date date;
        pb_period period;
        int64_t sum = 0;

        pb_entry_reset(e);
        switch (pbt_rng() % 20) {
        case 0:
            date = pb_fy_first_day(fy, 4);
            adj = 0;
            pb_entry_set_period(e, 0);
            period = pb_period_make(fy, 0);
            break;
        case 1:
            date = pb_fy_last_day(fy, 4);
            adj = 13 + (int)(pbt_rng() % 4);
            pb_entry_set_period(e, adj);
            period = pb_period_make(fy, adj);
            break;
        default:
            date = pb_fy_first_day(fy, 4) + (pb_date)pbt_rng_range(0, 364);
            period = pb_period_of_date(date, 4);
            break;
        }
        pb_entry_set_date(e, date);
        pb_entry_set_description(e, "random");
        for (j = 0; j < np; j++) {
            rposting p;
            size_t line;

            p.date = date;
            p.period = period;
            p.acc = (int)(pbt_rng() % RACC);
            p.pence = j < np - 1 ? pbt_rng_range(-100000, 100000) : -sum;
            sum += p.pence;
            pb_amount_set_units(&a, p.pence, 2);
            line = pb_entry_add(e, r_accounts[p.acc], &a);
            for (k = 0; k < PB_DIM_COUNT; k++) {
                p.dim[k] = (int)(pbt_rng() % RDIM);
                /* Partner index 3 is ICB again: the same value twice. */
                if (k == PB_DIM_PARTNER && p.dim[k] == 3)
                    p.dim[k] = 2;
                if (p.dim[k] != 0)
                    pb_entry_set_dim(e, line, (pb_dim_kind)k,
                                     r_dims[k][p.dim[k]]);
            }
            if (m.n == m.cap) {
                m.cap = m.cap ? m.cap * 2 : 1024;
                m.p = realloc(m.p, m.cap * sizeof *m.p);
            }
            m.p[m.n++] = p;
        }
        if (pb_journal_post(f->b, e, NULL, &f->err) != PB_OK)
            fail_msg("post %d: %s", i, f->err.msg);
    }
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);

    for (i = 0; i < 400; i++) {
        pb_balance_query q;
        rexpect *x = calloc(1, sizeof *x);
        rcmp c;
        size_t n;
        int expect_rows = 0, acc;

        pb_balance_query_init(&q);
        q.group_by = (int)(pbt_rng() % (PB_DIM_COUNT + 1)) - 1;
        q.account = prefixes[pbt_rng() % 5];
        for (k = 0; k < PB_DIM_COUNT; k++)
            if (pbt_rng() % 4 == 0)
                q.filter[k] = ids[k][1 + pbt_rng() % (RDIM - 1)];
        switch (pbt_rng() % 3) {
        case 0: /* whole periods */
            q.from = pbt_rng() % 2 ? 0
                                   : pb_period_make(2023 + (int)(pbt_rng() % 2),
                                                    (int)(pbt_rng() % 17));
            q.to = pb_period_make(2023 + (int)(pbt_rng() % 2),
                                  (int)(pbt_rng() % 17));
            break;
        default: { /* a date, often a boundary */
            int fy = 2023 + (int)(pbt_rng() % 2);
            pb_period p = pb_period_make(fy, 1 + (int)(pbt_rng() % 12));

            q.has_as_of = true;
            switch (pbt_rng() % 4) {
            case 0: q.as_of = pb_period_last_day(p, 4); break;
            case 1: q.as_of = pb_fy_last_day(fy, 4); break;
            case 2: q.as_of = pb_fy_first_day(fy, 4); break;
            default:
                q.as_of = pb_fy_first_day(fy, 4) +
                          (pb_date)pbt_rng_range(-3, 368);
            }
            if (pbt_rng() % 4 == 0)
                q.from = pb_period_make(fy, (int)(pbt_rng() % 13));
            break;
        }
        }
        for (n = 0; n < m.n; n++) {
            const rposting *p = &m.p[n];
            int g = q.group_by >= 0 ? p->dim[q.group_by] : 0;
            bool in = p->period >= q.from &&
                      (q.has_as_of ? p->date <= q.as_of : p->period <= q.to);

            for (k = 0; k < PB_DIM_COUNT && in; k++)
                if (q.filter[k] != 0 && ids[k][p->dim[k]] != q.filter[k])
                    in = false;
            if (in && q.account != NULL &&
                !prefix_match(r_names[p->acc], q.account))
                in = false;
            if (!in)
                continue;
            /* Partner "ICB" twice in the table: group by value, not index. */
            if (q.group_by == PB_DIM_PARTNER && g == 3)
                g = 2;
            if (p->pence >= 0)
                x->debit[p->acc][g] += p->pence;
            else
                x->credit[p->acc][g] -= p->pence;
            x->seen[p->acc][g] = 1;
        }
        for (acc = 0; acc < RACC; acc++)
            for (d = 0; d < RDIM; d++)
                expect_rows += x->seen[acc][d];
        memset(&c, 0, sizeof c);
        c.x = x;
        c.group = q.group_by;
        assert_int_equal(pb_balance_each(f->b, &q, r_compare, &c, &f->err),
                         PB_OK);
        if (c.bad != 0 || c.rows != expect_rows)
            fail_msg("query %d (group %d, from %d, to %d, as_of %d/%d, "
                     "account %s): %d bad, %d rows, expected %d",
                     i, q.group_by, q.from, q.to, q.has_as_of, q.as_of,
                     q.account != NULL ? q.account : "-", c.bad, c.rows,
                     expect_rows);
        free(x);
    }
    pbt_assert_clean(f->b);
    free(m.p);
    pb_amount_clear(&a);
    pb_entry_free(e);
}

static void test_balance_each__sums_beyond_int64_are_exact(void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    /* The largest entry the book takes, in three periods (one cache row
     * each cannot go beyond int64 pence; their sum can) and once more in
     * part of a fourth. */
    pbt_post_ok(f->b, "2024-04-10 Max; 5000 92233720368547758.07; 1000");
    pbt_post_ok(f->b, "2024-05-10 Max; 5000 92233720368547758.07; 1000");
    pbt_post_ok(f->b, "2024-06-10 Max; 5000 92233720368547758.07; 1000");
    pbt_post_ok(f->b, "2024-07-10 Max; 5000 92233720368547758.07; 1000");
    pb_balance_query_init(&q);
    q.account = "Expenditure";
    assert_string_equal(run(f, &q, &r),
                        "5000 368934881474191032.28 0.00"
                        " 368934881474191032.28\n");
    q.account = "Assets";
    q.has_as_of = true;
    q.as_of = pbt_date("2024-07-15");
    assert_string_equal(run(f, &q, &r),
                        "1000 0.00 368934881474191032.28"
                        " -368934881474191032.28\n");
    q.as_of = pbt_date("2024-07-09");
    assert_string_equal(run(f, &q, &r),
                        "1000 0.00 276701161105643274.21"
                        " -276701161105643274.21\n");
    pbt_assert_clean(f->b);
}

/* ---- 4. the transaction's own postings; stopping ---------------------------- */

static void test_balance_each__sees_postings_of_its_own_transaction(
    void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    rows r;

    pb_balance_query_init(&q);
    q.account = "Assets:Bank";
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_post(f->b, "2024-05-01 In; 1000 7.00; 4000", NULL,
                              &f->err),
                     PB_OK);
    assert_string_equal(run(f, &q, &r), "1000 7.00 0.00 7.00\n");
    assert_int_equal(pbt_post(f->b, "2024-05-01 In; 1000 3.00; 4000", NULL,
                              &f->err),
                     PB_OK);
    assert_string_equal(run(f, &q, &r), "1000 10.00 0.00 10.00\n");
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_string_equal(run(f, &q, &r), "1000 10.00 0.00 10.00\n");
    pbt_assert_clean(f->b);
}

static int stop_at_two(const pb_balance_row *row, void *ud)
{
    (void)row;
    return ++*(int *)ud == 2 ? -99 : 0;
}

static void test_balance_each__callback_can_stop(void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    int calls = 0;

    small_book(f);
    pb_balance_query_init(&q);
    assert_int_equal(pb_balance_each(f->b, &q, stop_at_two, &calls, &f->err),
                     -99);
    assert_int_equal(calls, 2);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. named cases */
        T(test_balance_each__rows_are_in_account_name_order),
        T(test_balance_each__by_each_dimension),
        T(test_balance_each__rows_carry_account_and_dimension_names),
        T(test_balance_each__filters_by_dimension),
        T(test_balance_each__account_prefix_keeps_the_subtree),
        T(test_balance_each__period_ranges),
        /* 2. as at a date */
        T(test_balance_each__as_of_mid_period_reads_postings_to_the_date),
        T(test_balance_each__as_of_period_end_equals_to_period),
        T(test_balance_each__as_of_year_end_includes_adjustments),
        T(test_balance_each__as_of_year_start_includes_opening),
        T(test_balance_each__sums_beyond_int64_are_exact),
        /* 3. model */
        T(test_balance_each__random_queries_match_a_model),
        /* 4. own transaction, stopping */
        T(test_balance_each__sees_postings_of_its_own_transaction),
        T(test_balance_each__callback_can_stop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
