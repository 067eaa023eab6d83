/*
 * check.c - the book's invariants, verified in one ordered pass.
 *
 * Three cursors walk entries, postings and tags in key order (entries by
 * id; postings and tags by (entry, line), their primary keys), so each
 * entry is rebuilt, hashed and summed with its rows in hand and nothing
 * but lookup tables (account codes, dimension codes, closed intervals) and
 * the recomputed balance cache is held in memory.
 */
#include "ledger/check.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/book_int.h"
#include "ledger/date.h"
#include "ledger/journal.h"
#include "ledger/journal_int.h"
#include "ledger/map.h"

/* The append-only triggers and the tables they guard.  Each must exist,
 * be on its table and still abort: a trigger of the same name that does
 * nothing guards nothing. */
static const struct {
    const char *name, *table;
} triggers[] = {
    {"entry_no_update", "entry"},
    {"entry_no_delete", "entry"},
    {"posting_no_update", "posting"},
    {"posting_no_delete", "posting"},
    {"tag_no_update", "tag"},
    {"tag_no_delete", "tag"},
    {"period_log_no_update", "period_log"},
    {"period_log_no_delete", "period_log"},
    {"batch_frozen", "batch"},
    {"batch_no_delete", "batch"},
    /* The pool model (migration 2): budgets are versioned, never edited. */
    {"budget_line_no_update", "budget_line"},
    {"budget_line_no_delete", "budget_line"},
    {"budget_change_no_update", "budget_change"},
    {"budget_change_no_delete", "budget_change"},
    {"virement_no_update", "virement"},
    {"virement_no_delete", "virement"},
    {"master_log_no_update", "master_log"},
    {"master_log_no_delete", "master_log"},
    /* The reports (migration 4): recorded forecasts and RAG rules. */
    {"forecast_no_update", "forecast"},
    {"forecast_no_delete", "forecast"},
    {"rag_rule_no_update", "rag_rule"},
    {"rag_rule_no_delete", "rag_rule"},
};

typedef struct code_tab {
    char **code;   /* by id; NULL = no such id */
    int *kind;     /* dimension kind by id (dims only) */
    size_t n;      /* ids 0..n-1 */
} code_tab;

typedef struct closed_span {
    int64_t period;
    int64_t after;  /* entries with id > after ... */
    int64_t upto;   /* ... and id <= upto were posted while closed */
} closed_span;

typedef struct cache_row {
    int64_t key[6];
    int64_t debit, credit, count;
    int seen;
} cache_row;

typedef struct ctx {
    pb_book *b;
    void (*fn)(const pb_check_problem *p, void *ud);
    void *ud;
    pb_check_summary *sum;
    code_tab acc, dims;
    closed_span *spans;
    size_t nspans;
    pb_map cache_index;
    cache_row *cache;
    size_t ncache, capcache;
    int64_t (*batches)[2]; /* by batch id: first, last entry id */
    size_t nbatches;       /* ids 0..nbatches-1 */
    int64_t *reversals; /* pairs: reversal id, original id */
    size_t nrev, caprev;
    int chain_broken;
    pb_buf detail;
} ctx;

static void problem(ctx *c, const char *check, int64_t entry,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(ctx *c, const char *check, int64_t entry,
                    const char *fmt, ...)
{
    pb_check_problem p;
    va_list ap;

    pb_buf_reset(&c->detail);
    va_start(ap, fmt);
    pb_buf_vprintf(&c->detail, fmt, ap);
    va_end(ap);
    c->sum->problems++;
    if (c->fn == NULL)
        return;
    p.check = check;
    p.entry_id = entry;
    p.detail = pb_buf_str(&c->detail);
    c->fn(&p, c->ud);
}

static void tab_put(code_tab *t, int64_t id, const char *code, int kind)
{
    if (id < 0)
        return;
    if ((size_t)id >= t->n) {
        size_t n = (size_t)id * 2 + 16, i;

        t->code = pb_xrealloc(t->code, n * sizeof *t->code);
        t->kind = pb_xrealloc(t->kind, n * sizeof *t->kind);
        for (i = t->n; i < n; i++) {
            t->code[i] = NULL;
            t->kind[i] = -1;
        }
        t->n = n;
    }
    t->code[id] = pb_xstrdup(code);
    t->kind[id] = kind;
}

static const char *tab_get(const code_tab *t, int64_t id)
{
    return id >= 0 && (size_t)id < t->n ? t->code[id] : NULL;
}

static void tab_free(code_tab *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->code[i]);
    free(t->code);
    free(t->kind);
}

static int load_tables(ctx *c, pb_error *err)
{
    pb_stmt *st;
    int rc, k;

    /* Batch id ranges; an open batch (last_entry NULL) takes every id from
     * its first on. */
    rc = pb_book_prepare(c->b, &st,
                         "SELECT id, first_entry,"
                         " coalesce(last_entry, 9223372036854775807)"
                         " FROM batch ORDER BY id",
                         err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        int64_t id = pb_stmt_int(st, 0);

        if (id < 0 || id > (int64_t)1 << 40)
            continue;
        if ((size_t)id >= c->nbatches) {
            size_t n = (size_t)id * 2 + 16, i;

            c->batches = pb_xrealloc(c->batches, n * sizeof *c->batches);
            for (i = c->nbatches; i < n; i++)
                c->batches[i][0] = c->batches[i][1] = -1;
            c->nbatches = n;
        }
        c->batches[id][0] = pb_stmt_int(st, 1);
        c->batches[id][1] = pb_stmt_int(st, 2);
    }
    pb_stmt_release(st);
    if (rc != PB_DONE)
        return rc;

    rc = pb_book_prepare(c->b, &st, "SELECT id, code FROM account", err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW)
        tab_put(&c->acc, pb_stmt_int(st, 0), pb_stmt_text(st, 1), 0);
    pb_stmt_release(st);
    if (rc != PB_DONE)
        return rc;
    rc = pb_book_prepare(c->b, &st, "SELECT id, kind, code FROM dim", err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        pb_dim_kind kind = PB_DIM_COUNT;

        for (k = 0; k < PB_DIM_COUNT; k++) {
            if (strcmp(pb_stmt_text(st, 1), pb_dim_kind_sql((pb_dim_kind)k)) ==
                0)
                kind = (pb_dim_kind)k;
        }
        tab_put(&c->dims, pb_stmt_int(st, 0), pb_stmt_text(st, 2), (int)kind);
    }
    pb_stmt_release(st);
    if (rc != PB_DONE)
        return rc;
    /* Closed intervals, from the log: close at last_entry = a, reopen at
     * last_entry = z: entries a < id <= z were posted while closed. */
    rc = pb_book_prepare(c->b, &st,
                         "SELECT period, action, last_entry FROM period_log"
                         " ORDER BY period, id",
                         err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        int64_t period = pb_stmt_int(st, 0), at = pb_stmt_int(st, 2);

        if (strcmp(pb_stmt_text(st, 1), "close") == 0) {
            c->spans = pb_xrealloc(c->spans,
                                   (c->nspans + 1) * sizeof *c->spans);
            c->spans[c->nspans].period = period;
            c->spans[c->nspans].after = at;
            c->spans[c->nspans].upto = INT64_MAX;
            c->nspans++;
        } else if (c->nspans > 0 &&
                   c->spans[c->nspans - 1].period == period) {
            c->spans[c->nspans - 1].upto = at;
        }
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

static int check_storage(ctx *c, unsigned flags, pb_error *err)
{
    pb_stmt *st;
    size_t i;
    int rc;

    rc = pb_book_prepare(c->b, &st,
                         flags & PB_CHECK_QUICK ? "PRAGMA quick_check"
                                                : "PRAGMA integrity_check",
                         err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        if (strcmp(pb_stmt_text(st, 0), "ok") != 0)
            problem(c, "storage", 0, "%s", pb_stmt_text(st, 0));
    }
    pb_stmt_release(st);
    if (rc != PB_DONE)
        return rc;
    rc = pb_book_prepare(c->b, &st, "PRAGMA foreign_key_check", err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW)
        problem(c, "storage", 0, "row %lld of %s refers to a missing %s row",
                (long long)pb_stmt_int(st, 1), pb_stmt_text(st, 0),
                pb_stmt_text(st, 2));
    pb_stmt_release(st);
    if (rc != PB_DONE)
        return rc;
    rc = pb_book_prepare(c->b, &st,
                         "SELECT tbl_name = ?2 AND instr(upper(sql),"
                         " 'RAISE(ABORT') > 0 FROM sqlite_schema WHERE type ="
                         " 'trigger' AND name = ?1",
                         err);
    if (rc != PB_OK)
        return rc;
    for (i = 0; i < sizeof triggers / sizeof triggers[0]; i++) {
        pb_stmt_bind_text(st, 1, triggers[i].name);
        pb_stmt_bind_text(st, 2, triggers[i].table);
        rc = pb_stmt_step(st, err);
        if (rc < 0)
            break;
        if (rc == PB_ROW && pb_stmt_int(st, 0) == 0)
            problem(c, "triggers", 0,
                    "trigger %s no longer refuses changes to %s: the book "
                    "is no longer append-only",
                    triggers[i].name, triggers[i].table);
        else if (rc != PB_ROW)
            problem(c, "triggers", 0,
                    "trigger %s is missing: the book is no longer "
                    "append-only",
                    triggers[i].name);
        pb_stmt_release(st);
        rc = PB_OK;
    }
    pb_stmt_release(st);
    return rc < 0 ? rc : PB_OK;
}

static void cache_add(ctx *c, const int64_t key[6], int64_t pence)
{
    int64_t idx;
    cache_row *r;

    if (!pb_map_get(&c->cache_index, key, 6 * sizeof *key, &idx)) {
        if (c->ncache == c->capcache) {
            c->capcache = c->capcache ? c->capcache * 2 : 256;
            c->cache = pb_xrealloc(c->cache, c->capcache * sizeof *c->cache);
        }
        idx = (int64_t)c->ncache++;
        r = &c->cache[idx];
        memcpy(r->key, key, sizeof r->key);
        r->debit = r->credit = r->count = 0;
        r->seen = 0;
        pb_map_put(&c->cache_index, key, 6 * sizeof *key, idx);
    }
    r = &c->cache[idx];
    /* Overflow wraps here only for books beyond any real pool; the
     * comparison with the stored cache would then report it. */
    if (pence >= 0)
        r->debit = (int64_t)((uint64_t)r->debit + (uint64_t)pence);
    else
        r->credit = (int64_t)((uint64_t)r->credit - (uint64_t)pence);
    r->count++;
}

/* One entry's rows, copied out of the cursors. */
typedef struct erows {
    pb_buf arena;
    pb_canon_posting *p;
    size_t np, capp;
    pb_canon_tag *t;
    size_t nt, capt;
    size_t *poff;  /* per posting: offsets of account, 4 dims, memo */
    size_t *toff;  /* per tag: key, value */
} erows;

static size_t keep(erows *r, pb_stmt *st, int col)
{
    size_t off = r->arena.len;

    if (pb_stmt_is_null(st, col))
        return (size_t)-1;
    pb_buf_puts(&r->arena, pb_stmt_text(st, col));
    pb_buf_putc(&r->arena, '\0');
    return off;
}

static const char *at(const erows *r, size_t off)
{
    return off == (size_t)-1 ? NULL : r->arena.data + off;
}

static void check_entry_rows(ctx *c, int64_t id, const erows *r,
                             int64_t dim_ids[][4])
{
    int64_t sum = 0;
    size_t i;
    int k, overflow = 0;

    if (r->np < 2)
        problem(c, "balance", id, "entry %lld has %zu posting(s); at least "
                "two are needed", (long long)id, r->np);
    for (i = 0; i < r->np; i++) {
        const pb_canon_posting *p = &r->p[i];

        if (__builtin_add_overflow(sum, p->pence, &sum))
            overflow = 1;
        for (k = 0; k < PB_DIM_COUNT; k++) {
            int64_t d = dim_ids[i][k];

            if (d != 0 && ((size_t)d >= c->dims.n || c->dims.kind[d] != k))
                problem(c, "dimensions", id,
                        "entry %lld line %lld: %s id %lld is not a %s",
                        (long long)id, (long long)p->line,
                        pb_dim_kind_key((pb_dim_kind)k), (long long)d,
                        pb_dim_kind_title((pb_dim_kind)k));
        }
    }
    if (overflow || sum != 0) {
        pb_buf t = PB_BUF_INIT;

        pb_journal__pence(&t, sum);
        problem(c, "balance", id, "entry %lld does not balance (off by %s)",
                (long long)id, overflow ? "more than the range" : t.data);
        pb_buf_clear(&t);
    }
}

static int walk(ctx *c, pb_error *err)
{
    pb_stmt *se, *sp, *stg;
    erows r;
    pb_buf canon = PB_BUF_INIT;
    uint8_t prev[PB_SHA256_LEN] = {0}, h[PB_SHA256_LEN];
    int64_t (*dim_ids)[4] = NULL, *account_ids = NULL;
    size_t capids = 0;
    int rce, rcp, rct, rc = PB_OK, k;
    int fy_start = pb_book_fy_start(c->b);

    memset(&r, 0, sizeof r);
    pb_buf_init(&r.arena);
    if ((rc = pb_book_prepare(c->b, &se,
                              "SELECT id, date, period, description,"
                              " reference, entered_by, entered_at,"
                              " reverses, batch_id, source, source_ref,"
                              " prev_hash, hash, source_pos FROM entry"
                              " ORDER BY id",
                              err)) != PB_OK)
        return rc;
    if ((rc = pb_book_prepare(c->b, &sp,
                              "SELECT entry_id, line, account_id, amount,"
                              " stream_id, scheme_id, partner_id, cc_id,"
                              " memo FROM posting ORDER BY entry_id, line",
                              err)) != PB_OK) {
        pb_stmt_release(se);
        return rc;
    }
    if ((rc = pb_book_prepare(c->b, &stg,
                              "SELECT entry_id, line, key, value FROM tag"
                              " ORDER BY entry_id, line, key",
                              err)) != PB_OK) {
        pb_stmt_release(se);
        pb_stmt_release(sp);
        return rc;
    }
    rcp = pb_stmt_step(sp, err);
    rct = pb_stmt_step(stg, err);
    while ((rce = pb_stmt_step(se, err)) == PB_ROW && rcp >= 0 && rct >= 0) {
        int64_t id = pb_stmt_int(se, 0);
        pb_period period = (pb_period)pb_stmt_int(se, 2);
        const char *date = pb_stmt_text(se, 1);
        pb_canon_entry ce;
        size_t i, n;
        const void *blob;
        pb_date d;

        c->sum->entries++;
        pb_buf_reset(&r.arena);
        r.np = r.nt = 0;
        /* Postings of entries that do not exist (foreign keys off). */
        while (rcp == PB_ROW && pb_stmt_int(sp, 0) < id) {
            problem(c, "balance", pb_stmt_int(sp, 0),
                    "posting of missing entry %lld",
                    (long long)pb_stmt_int(sp, 0));
            rcp = pb_stmt_step(sp, err);
        }
        while (rcp == PB_ROW && pb_stmt_int(sp, 0) == id) {
            if (r.np == r.capp) {
                r.capp = r.capp ? r.capp * 2 : 8;
                r.p = pb_xrealloc(r.p, r.capp * sizeof *r.p);
                r.poff = pb_xrealloc(r.poff, r.capp * 6 * sizeof *r.poff);
            }
            if (r.np == capids) {
                capids = capids ? capids * 2 : 8;
                dim_ids = pb_xrealloc(dim_ids, capids * sizeof *dim_ids);
                account_ids =
                    pb_xrealloc(account_ids, capids * sizeof *account_ids);
            }
            r.p[r.np].line = pb_stmt_int(sp, 1);
            account_ids[r.np] = pb_stmt_int(sp, 2);
            r.p[r.np].pence = pb_stmt_int(sp, 3);
            for (k = 0; k < PB_DIM_COUNT; k++)
                dim_ids[r.np][k] = pb_stmt_int(sp, 4 + k);
            r.poff[r.np * 6 + 5] = keep(&r, sp, 8);
            r.np++;
            c->sum->postings++;
            rcp = pb_stmt_step(sp, err);
        }
        while (rct == PB_ROW && pb_stmt_int(stg, 0) <= id) {
            if (pb_stmt_int(stg, 0) == id) {
                if (r.nt == r.capt) {
                    r.capt = r.capt ? r.capt * 2 : 4;
                    r.t = pb_xrealloc(r.t, r.capt * sizeof *r.t);
                    r.toff = pb_xrealloc(r.toff, r.capt * 2 * sizeof *r.toff);
                }
                r.t[r.nt].line = pb_stmt_int(stg, 1);
                r.toff[r.nt * 2] = keep(&r, stg, 2);
                r.toff[r.nt * 2 + 1] = keep(&r, stg, 3);
                r.nt++;
            }
            rct = pb_stmt_step(stg, err);
        }
        /* Pointers into the arena only once it has stopped growing. */
        for (i = 0; i < r.np; i++) {
            r.p[i].account = tab_get(&c->acc, account_ids[i]);
            if (r.p[i].account == NULL) {
                problem(c, "balance", id, "entry %lld line %lld: no account "
                        "%lld", (long long)id, (long long)r.p[i].line,
                        (long long)account_ids[i]);
                r.p[i].account = "";
            }
            for (k = 0; k < PB_DIM_COUNT; k++)
                r.p[i].dims[k] = dim_ids[i][k] != 0
                                     ? tab_get(&c->dims, dim_ids[i][k])
                                     : NULL;
            r.p[i].memo = at(&r, r.poff[i * 6 + 5]);
        }
        for (i = 0; i < r.nt; i++) {
            r.t[i].key = at(&r, r.toff[i * 2]);
            r.t[i].value = at(&r, r.toff[i * 2 + 1]);
        }
        check_entry_rows(c, id, &r, dim_ids);
        for (i = 0; i < r.np; i++) {
            int64_t key[6];

            key[0] = period;
            key[1] = account_ids[i];
            for (k = 0; k < PB_DIM_COUNT; k++)
                key[2 + k] = dim_ids[i][k];
            cache_add(c, key, r.p[i].pence);
        }

        /* Period: agrees with the date, and was open when posted. */
        if (pb_date_parse(&d, date, strlen(date), PB_DATE_ISO, NULL) !=
                PB_OK ||
            !pb_period_accepts(period, d, fy_start))
            problem(c, "period", id,
                    "entry %lld is dated %s but placed in period %lld",
                    (long long)id, date, (long long)period);
        for (i = 0; i < c->nspans; i++) {
            if (c->spans[i].period == period && id > c->spans[i].after &&
                id <= c->spans[i].upto) {
                char ps[PB_PERIOD_STR_LEN];

                problem(c, "period", id,
                        "entry %lld was posted into period %s while it was "
                        "closed",
                        (long long)id, pb_period_str(period, fy_start, ps));
                break;
            }
        }
        if (!pb_stmt_is_null(se, 7)) {
            if (c->nrev + 2 > c->caprev) {
                c->caprev = c->caprev ? c->caprev * 2 : 16;
                c->reversals =
                    pb_xrealloc(c->reversals, c->caprev * sizeof *c->reversals);
            }
            c->reversals[c->nrev++] = id;
            c->reversals[c->nrev++] = pb_stmt_int(se, 7);
        }

        /* Hash chain. */
        ce.id = id;
        ce.date = date;
        ce.period = period;
        ce.description = pb_stmt_text(se, 3);
        ce.reference = pb_stmt_text(se, 4);
        ce.entered_by = pb_stmt_text(se, 5);
        ce.entered_at = pb_stmt_text(se, 6);
        ce.reverses = pb_stmt_int(se, 7);
        ce.batch_id = pb_stmt_int(se, 8);
        ce.source = pb_stmt_is_null(se, 9) ? NULL : pb_stmt_text(se, 9);
        ce.source_ref = pb_stmt_is_null(se, 10) ? NULL : pb_stmt_text(se, 10);
        ce.source_pos = pb_stmt_is_null(se, 13) ? NULL : pb_stmt_text(se, 13);
        if (ce.batch_id != 0 &&
            ((uint64_t)ce.batch_id >= c->nbatches ||
             c->batches[ce.batch_id][0] < 0 ||
             id < c->batches[ce.batch_id][0] ||
             id > c->batches[ce.batch_id][1]))
            problem(c, "batch", id,
                    "entry %lld names batch %lld, which was not written "
                    "when the entry was",
                    (long long)id, (long long)ce.batch_id);
        ce.postings = r.p;
        ce.npostings = r.np;
        ce.tags = r.t;
        ce.ntags = r.nt;
        pb_journal__canon(&canon, &ce);
        blob = pb_stmt_blob(se, 11, &n);
        if (!c->chain_broken &&
            (n != PB_SHA256_LEN || memcmp(blob, prev, PB_SHA256_LEN) != 0)) {
            problem(c, "hash-chain", id,
                    "entry %lld does not link to entry %lld (its previous "
                    "hash differs): entries were removed, inserted or "
                    "re-hashed",
                    (long long)id, (long long)(id - 1));
            c->chain_broken = 1;
        }
        pb_journal__hash(blob != NULL && n == PB_SHA256_LEN ? blob : prev,
                         &canon, h);
        blob = pb_stmt_blob(se, 12, &n);
        if (!c->chain_broken &&
            (n != PB_SHA256_LEN || memcmp(blob, h, PB_SHA256_LEN) != 0)) {
            problem(c, "hash-chain", id,
                    "entry %lld does not match its hash: its content was "
                    "altered after posting",
                    (long long)id);
            c->chain_broken = 1;
        }
        if (n == PB_SHA256_LEN)
            memcpy(prev, blob, PB_SHA256_LEN);
        else
            memset(prev, 0, sizeof prev);
    }
    if (rce < 0)
        rc = rce;
    else if (rcp < 0)
        rc = rcp;
    else if (rct < 0)
        rc = rct;
    else {
        while (rcp == PB_ROW) {
            problem(c, "balance", pb_stmt_int(sp, 0),
                    "posting of missing entry %lld",
                    (long long)pb_stmt_int(sp, 0));
            rcp = pb_stmt_step(sp, err);
        }
        rc = rcp < 0 ? rcp : PB_OK;
    }
    memcpy(c->sum->head, prev, PB_SHA256_LEN);
    pb_stmt_release(se);
    pb_stmt_release(sp);
    pb_stmt_release(stg);
    pb_buf_clear(&canon);
    pb_buf_clear(&r.arena);
    free(r.p);
    free(r.t);
    free(r.poff);
    free(r.toff);
    free(dim_ids);
    free(account_ids);
    return rc;
}

static int check_reversals(ctx *c, pb_error *err)
{
    pb_entry *rev = pb_entry_new(), *orig = pb_entry_new();
    size_t i, j;
    int rc = PB_OK, k;

    for (i = 0; i < c->nrev && rc == PB_OK; i += 2) {
        int64_t id = c->reversals[i], of = c->reversals[i + 1];
        int ok = 1;

        if (of >= id) {
            problem(c, "reversal", id,
                    "entry %lld claims to reverse a later entry %lld",
                    (long long)id, (long long)of);
            continue;
        }
        if ((rc = pb_journal_get(c->b, id, rev, err)) == PB_ECORRUPT) {
            /* A damaged entry is a finding; the rest of the check goes on. */
            problem(c, "reversal", id, "%s", err->msg);
            rc = PB_OK;
            continue;
        }
        if (rc != PB_OK)
            break;
        if ((rc = pb_journal_get(c->b, of, orig, err)) == PB_ECORRUPT) {
            problem(c, "reversal", id, "%s", err->msg);
            rc = PB_OK;
            continue;
        }
        if (rc == PB_ENOTFOUND) {
            problem(c, "reversal", id,
                    "entry %lld claims to reverse entry %lld, which is "
                    "missing",
                    (long long)id, (long long)of);
            rc = PB_OK;
            continue;
        }
        if (rc != PB_OK)
            break;
        if (pb_entry_count(rev) != pb_entry_count(orig))
            ok = 0;
        for (j = 1; ok && j <= pb_entry_count(rev); j++) {
            pb_amount neg;

            pb_amount_init(&neg);
            pb_amount_neg(&neg, pb_entry_amount(orig, j));
            if (strcmp(pb_entry_account(rev, j), pb_entry_account(orig, j)) !=
                    0 ||
                pb_amount_cmp(pb_entry_amount(rev, j), &neg) != 0)
                ok = 0;
            for (k = 0; k < PB_DIM_COUNT; k++) {
                const char *a = pb_entry_dim(rev, j, (pb_dim_kind)k);
                const char *o = pb_entry_dim(orig, j, (pb_dim_kind)k);

                if ((a == NULL) != (o == NULL) ||
                    (a != NULL && strcmp(a, o) != 0))
                    ok = 0;
            }
            pb_amount_clear(&neg);
        }
        if (!ok)
            problem(c, "reversal", id,
                    "entry %lld does not exactly negate entry %lld",
                    (long long)id, (long long)of);
    }
    pb_entry_free(rev);
    pb_entry_free(orig);
    return rc;
}

/* The state table agrees with the log: a period is closed exactly when
 * its last logged action closed it.  A state edited behind poolbook's
 * back (to post into a closed period) is found even before anything is
 * posted. */
static int check_period_state(ctx *c, pb_error *err)
{
    pb_stmt *st;
    int fy_start = pb_book_fy_start(c->b);
    int rc = pb_book_prepare(
        c->b, &st,
        "SELECT p.period, coalesce(s.closed, 0),"
        " coalesce((SELECT l.action = 'close' FROM period_log l"
        " WHERE l.period = p.period ORDER BY l.id DESC LIMIT 1), 0)"
        " FROM (SELECT period FROM period_state UNION"
        " SELECT period FROM period_log) p"
        " LEFT JOIN period_state s ON s.period = p.period ORDER BY p.period",
        err);

    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        char ps[PB_PERIOD_STR_LEN];
        int closed = pb_stmt_int(st, 1) != 0, logged = pb_stmt_int(st, 2) != 0;

        if (closed != logged)
            problem(c, "period", 0,
                    "period %s is marked %s but its log says %s",
                    pb_period_str((pb_period)pb_stmt_int(st, 0), fy_start,
                                  ps),
                    closed ? "closed" : "open", logged ? "closed" : "open");
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

/* Every virement moves budget, it does not make it: its legs sum to
 * exactly zero (exact sums: pb_sum), there are at least two, and each
 * takes effect on the virement's date. */
static int check_virements(ctx *c, pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(
        c->b, &st,
        "SELECT v.ref, pb_sum(l.amount), count(l.id),"
        " sum(l.effective <> v.date) FROM virement v"
        " LEFT JOIN budget_change l ON l.virement_id = v.id"
        " GROUP BY v.id ORDER BY v.id",
        err);

    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        pb_amount sum;
        const char *ref = pb_stmt_text(st, 0);

        pb_amount_init(&sum);
        pb_stmt_money(st, 1, &sum);
        if (pb_stmt_int(st, 2) < 2) {
            problem(c, "virements", 0,
                    "virement %s has %lld leg%s; a virement moves budget "
                    "from one line to another",
                    ref, (long long)pb_stmt_int(st, 2),
                    pb_stmt_int(st, 2) == 1 ? "" : "s");
        } else if (!pb_amount_is_zero(&sum)) {
            char *s = pb_amount_to_string(&sum);

            problem(c, "virements", 0,
                    "virement %s does not net to zero: its legs sum to %s",
                    ref, s);
            free(s);
        }
        if (pb_stmt_int(st, 3) > 0)
            problem(c, "virements", 0,
                    "virement %s has legs that do not take effect on its "
                    "date",
                    ref);
        pb_amount_clear(&sum);
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

static int check_cache(ctx *c, pb_error *err)
{
    pb_stmt *st;
    size_t i;
    int rc = pb_book_prepare(c->b, &st,
                             "SELECT period, account_id, stream_id,"
                             " scheme_id, partner_id, cc_id, debit, credit,"
                             " postings FROM balance",
                             err);

    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        int64_t key[6], idx;
        int k;

        for (k = 0; k < 6; k++)
            key[k] = pb_stmt_int(st, k);
        if (!pb_map_get(&c->cache_index, key, sizeof key, &idx)) {
            if (pb_stmt_int(st, 8) != 0 || pb_stmt_int(st, 6) != 0 ||
                pb_stmt_int(st, 7) != 0)
                problem(c, "cache", 0,
                        "balance cache has a row for period %lld account "
                        "%lld that no posting explains",
                        (long long)key[0], (long long)key[1]);
            continue;
        }
        c->cache[idx].seen = 1;
        if (c->cache[idx].debit != pb_stmt_int(st, 6) ||
            c->cache[idx].credit != pb_stmt_int(st, 7) ||
            c->cache[idx].count != pb_stmt_int(st, 8))
            problem(c, "cache", 0,
                    "balance cache for period %lld account %lld differs "
                    "from its postings",
                    (long long)key[0], (long long)key[1]);
    }
    pb_stmt_release(st);
    if (rc != PB_DONE)
        return rc;
    for (i = 0; i < c->ncache; i++) {
        if (!c->cache[i].seen)
            problem(c, "cache", 0,
                    "balance cache lacks period %lld account %lld",
                    (long long)c->cache[i].key[0],
                    (long long)c->cache[i].key[1]);
    }
    return PB_OK;
}

int pb_check_run(pb_book *b, unsigned flags,
                 void (*fn)(const pb_check_problem *p, void *ud), void *ud,
                 pb_check_summary *summary, pb_error *err)
{
    ctx c;
    int rc, own = !pb_book_in_tx(b);

    memset(&c, 0, sizeof c);
    memset(summary, 0, sizeof *summary);
    c.b = b;
    c.fn = fn;
    c.ud = ud;
    c.sum = summary;
    pb_map_init(&c.cache_index);
    pb_buf_init(&c.detail);
    if (own && (rc = pb_book_begin_read(b, err)) != PB_OK)
        return rc;
    /* Inside a caller's write transaction, compare the cache with the
     * postings only after the pending cache deltas are written. */
    if ((own || (rc = pb_book__flush(b, err)) == PB_OK) &&
        (rc = check_storage(&c, flags, err)) == PB_OK &&
        (rc = load_tables(&c, err)) == PB_OK && (rc = walk(&c, err)) == PB_OK &&
        (rc = check_reversals(&c, err)) == PB_OK &&
        (rc = check_period_state(&c, err)) == PB_OK &&
        (rc = check_virements(&c, err)) == PB_OK)
        rc = check_cache(&c, err);
    if (own)
        pb_book_rollback(b);
    tab_free(&c.acc);
    tab_free(&c.dims);
    free(c.batches);
    free(c.spans);
    free(c.cache);
    free(c.reversals);
    pb_map_clear(&c.cache_index);
    pb_buf_clear(&c.detail);
    return rc;
}
