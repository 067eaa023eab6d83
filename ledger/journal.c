/*
 * journal.c - posting entries: validation, the hash chain, the balance
 * cache, reversal and reading back.
 *
 * Workload: importers post hundreds of thousands of entries in one
 * transaction, so the hot path (pb_journal_post) touches SQLite only for
 * the inserts themselves.  Per transaction the journal caches, lazily:
 * account codes and names -> id and open/closed state, dimension codes ->
 * id, periods -> closed, and the last entry's id and hash.  Balance-cache
 * changes are summed in memory per (period, account, dimensions) and
 * written once, by the pre-commit hook, in the same transaction: a batch
 * of a million postings touches only as many cache rows as it has distinct
 * keys.  A rollback discards both the caches and the pending deltas.
 *
 * An entry's strings live in one arena (a pb_buf) and postings refer to
 * them by offset, so reusing an entry (pb_entry_reset) allocates nothing.
 */
#include "ledger/journal.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/account.h"
#include "ledger/book_int.h"
#include "ledger/journal_int.h"
#include "ledger/map.h"
#include "ledger/period.h"

#define NONE ((size_t)-1) /* "no string": distinct from "" at offset 0 */

typedef struct jposting {
    size_t account;             /* arena offset: as given */
    pb_amount amount;           /* initialised once, reused across resets */
    int has_amount;             /* 0: balances the entry */
    size_t dims[PB_DIM_COUNT];  /* arena offsets, 0 = none */
    size_t memo;                /* arena offset */
    /* Filled by post or get. */
    size_t code;                /* arena offset of the account code */
    int64_t account_id;
    int64_t dim_ids[PB_DIM_COUNT]; /* 0 = none */
    int64_t pence;
} jposting;

typedef struct jtag {
    size_t line; /* 0 = the entry */
    size_t key, value;
} jtag;

struct pb_entry {
    pb_buf arena;         /* every string, NUL-separated; offset 0 is "" */
    pb_date date;
    int has_date;
    int period_num;       /* -1: month of the date */
    pb_period period;     /* after posting or reading */
    size_t description, reference;
    size_t source, source_ref, source_pos; /* offsets, or NONE */
    size_t entered_by, entered_at;
    int64_t batch_id, reverses, reversed_by, id;
    jposting *p;
    size_t n, cap, ninit; /* postings used, allocated, amounts initialised */
    jtag *tags;
    size_t ntags, captags;
    size_t error_line;
};

/* ---- entry building ---------------------------------------------------- */

/* A pointer to use after the arena may have moved: s again if it is not
 * in the arena, else where its bytes are once `mark` (taken before) is
 * resolved.  For setters that intern two strings, either of which may be
 * the entry's own (copying one tag to another posting). */
typedef struct arena_mark {
    const char *s;
    size_t from; /* SIZE_MAX: not in the arena */
} arena_mark;

static arena_mark arena_mark_of(const pb_entry *e, const char *s)
{
    arena_mark m = {s, SIZE_MAX};

    if (s != NULL && e->arena.data != NULL &&
        (uintptr_t)s >= (uintptr_t)e->arena.data &&
        (uintptr_t)s < (uintptr_t)(e->arena.data + e->arena.len))
        m.from = (size_t)((uintptr_t)s - (uintptr_t)e->arena.data);
    return m;
}

static const char *arena_resolve(const pb_entry *e, arena_mark m)
{
    return m.from == SIZE_MAX ? m.s : e->arena.data + m.from;
}

static size_t intern(pb_entry *e, const char *s)
{
    arena_mark m = arena_mark_of(e, s);
    size_t off, n;

    if (s == NULL || *s == '\0')
        return 0;
    off = e->arena.len;
    n = strlen(s) + 1;
    /* A string from the arena itself (a reader's result passed back in)
     * would move if the arena grows: grow first, then find it again. */
    pb_buf_reserve(&e->arena, n);
    pb_buf_add(&e->arena, arena_resolve(e, m), n);
    return off;
}

static const char *str(const pb_entry *e, size_t off)
{
    return off == NONE ? NULL : e->arena.data + off;
}

pb_entry *pb_entry_new(void)
{
    pb_entry *e = pb_xcalloc(1, sizeof *e);

    pb_buf_init(&e->arena);
    pb_entry_reset(e);
    return e;
}

void pb_entry_reset(pb_entry *e)
{
    pb_buf_reset(&e->arena);
    pb_buf_add(&e->arena, "", 1);
    e->has_date = 0;
    e->date = 0;
    e->period_num = -1;
    e->period = 0;
    e->description = e->reference = 0;
    e->source = e->source_ref = e->source_pos = NONE;
    e->entered_by = e->entered_at = 0;
    e->batch_id = e->reverses = e->reversed_by = e->id = 0;
    e->n = 0;
    e->ntags = 0;
    e->error_line = 0;
}

void pb_entry_free(pb_entry *e)
{
    size_t i;

    if (e == NULL)
        return;
    for (i = 0; i < e->ninit; i++)
        pb_amount_clear(&e->p[i].amount);
    free(e->p);
    free(e->tags);
    pb_buf_clear(&e->arena);
    free(e);
}

void pb_entry_set_date(pb_entry *e, pb_date date)
{
    e->date = date;
    e->has_date = 1;
}

void pb_entry_set_period(pb_entry *e, int num)
{
    e->period_num = num;
}

void pb_entry_set_description(pb_entry *e, const char *text)
{
    e->description = intern(e, text);
}

void pb_entry_set_reference(pb_entry *e, const char *text)
{
    e->reference = intern(e, text);
}

void pb_entry_set_source(pb_entry *e, const char *source, const char *ref)
{
    arena_mark r = arena_mark_of(e, ref);

    e->source = source != NULL ? intern(e, source) : NONE;
    e->source_ref = ref != NULL ? intern(e, arena_resolve(e, r)) : NONE;
}

void pb_entry_set_source_pos(pb_entry *e, const char *pos)
{
    e->source_pos = pos != NULL ? intern(e, pos) : NONE;
}

void pb_entry_set_batch(pb_entry *e, int64_t batch_id)
{
    e->batch_id = batch_id;
}

static void set_reverses(pb_entry *e, int64_t id)
{
    e->reverses = id;
}

size_t pb_entry_add(pb_entry *e, const char *account, const pb_amount *amount)
{
    jposting *p;

    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 4;
        e->p = pb_xrealloc(e->p, e->cap * sizeof *e->p);
    }
    p = &e->p[e->n];
    if (e->n == e->ninit) {
        pb_amount_init(&p->amount);
        e->ninit++;
    }
    p->account = intern(e, account);
    p->has_amount = amount != NULL;
    if (amount != NULL)
        pb_amount_set(&p->amount, amount);
    else
        pb_amount_set_zero(&p->amount);
    memset(p->dims, 0, sizeof p->dims);
    memset(p->dim_ids, 0, sizeof p->dim_ids);
    p->memo = 0;
    p->code = p->account;
    p->account_id = 0;
    p->pence = 0;
    return ++e->n;
}

void pb_entry_set_dim(pb_entry *e, size_t line, pb_dim_kind kind,
                      const char *code)
{
    assert(line >= 1 && line <= e->n && kind < PB_DIM_COUNT);
    e->p[line - 1].dims[kind] = intern(e, code);
}

void pb_entry_set_memo(pb_entry *e, size_t line, const char *memo)
{
    assert(line >= 1 && line <= e->n);
    e->p[line - 1].memo = intern(e, memo);
}

void pb_entry_add_tag(pb_entry *e, size_t line, const char *key,
                      const char *value)
{
    jtag *t;
    arena_mark v;

    assert(line <= e->n);
    if (e->ntags == e->captags) {
        e->captags = e->captags ? e->captags * 2 : 4;
        e->tags = pb_xrealloc(e->tags, e->captags * sizeof *e->tags);
    }
    t = &e->tags[e->ntags++];
    t->line = line;
    v = arena_mark_of(e, value != NULL ? value : "");
    t->key = intern(e, key);
    t->value = intern(e, arena_resolve(e, v));
}

size_t pb_entry_count(const pb_entry *e) { return e->n; }
int64_t pb_entry_id(const pb_entry *e) { return e->id; }
pb_date pb_entry_date(const pb_entry *e) { return e->date; }
pb_period pb_entry_period(const pb_entry *e) { return e->period; }
int64_t pb_entry_reverses(const pb_entry *e) { return e->reverses; }
int64_t pb_entry_reversed_by(const pb_entry *e) { return e->reversed_by; }
size_t pb_entry_error_line(const pb_entry *e) { return e->error_line; }
size_t pb_entry_tag_count(const pb_entry *e) { return e->ntags; }

const char *pb_entry_description(const pb_entry *e)
{
    return str(e, e->description);
}

const char *pb_entry_reference(const pb_entry *e)
{
    return str(e, e->reference);
}

const char *pb_entry_source(const pb_entry *e)
{
    return str(e, e->source);
}

const char *pb_entry_source_ref(const pb_entry *e)
{
    return str(e, e->source_ref);
}

const char *pb_entry_source_pos(const pb_entry *e)
{
    return str(e, e->source_pos);
}

int64_t pb_entry_batch(const pb_entry *e)
{
    return e->batch_id;
}

const char *pb_entry_entered_by(const pb_entry *e)
{
    return str(e, e->entered_by);
}

const char *pb_entry_entered_at(const pb_entry *e)
{
    return str(e, e->entered_at);
}

const char *pb_entry_account(const pb_entry *e, size_t line)
{
    assert(line >= 1 && line <= e->n);
    return str(e, e->p[line - 1].code);
}

const pb_amount *pb_entry_amount(const pb_entry *e, size_t line)
{
    assert(line >= 1 && line <= e->n);
    return &e->p[line - 1].amount;
}

const char *pb_entry_dim(const pb_entry *e, size_t line, pb_dim_kind kind)
{
    assert(line >= 1 && line <= e->n && kind < PB_DIM_COUNT);
    return str(e, e->p[line - 1].dims[kind]);
}

const char *pb_entry_memo(const pb_entry *e, size_t line)
{
    assert(line >= 1 && line <= e->n);
    return str(e, e->p[line - 1].memo);
}

void pb_entry_tag(const pb_entry *e, size_t i, size_t *line,
                  const char **key, const char **value)
{
    assert(i < e->ntags);
    *line = e->tags[i].line;
    *key = str(e, e->tags[i].key);
    *value = str(e, e->tags[i].value);
}

/* ---- canonical form and hash ------------------------------------------- */

void pb_journal__pence(pb_buf *out, int64_t pence)
{
    char tmp[32];
    uint64_t mag = pence < 0 ? (uint64_t)0 - (uint64_t)pence : (uint64_t)pence;
    int i = (int)sizeof tmp;

    tmp[--i] = (char)('0' + mag % 10);
    mag /= 10;
    tmp[--i] = (char)('0' + mag % 10);
    mag /= 10;
    tmp[--i] = '.';
    do {
        tmp[--i] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    if (pence < 0)
        tmp[--i] = '-';
    pb_buf_add(out, tmp + i, sizeof tmp - (size_t)i);
}

static void put_escaped(pb_buf *out, const char *s)
{
    if (s == NULL)
        return;
    for (;;) {
        /* Most text has nothing to escape: one scan, one copy. */
        size_t run = strcspn(s, "\\\n\r|");
        const char *rep;

        pb_buf_add(out, s, run);
        s += run;
        switch (*s) {
        case '\\': rep = "\\\\"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '|': rep = "\\|"; break;
        default: return; /* the terminating NUL */
        }
        pb_buf_add(out, rep, 2);
        s++;
    }
}

static void put_field(pb_buf *out, const char *name, const char *value)
{
    pb_buf_puts(out, name);
    pb_buf_putc(out, ' ');
    put_escaped(out, value);
    pb_buf_putc(out, '\n');
}

/* Appends v in decimal (what "%lld" gives, without printf's cost: this
 * runs several times for every entry posted and checked). */
static void put_int(pb_buf *out, int64_t v)
{
    char tmp[24];
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int i = (int)sizeof tmp;

    do {
        tmp[--i] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    if (v < 0)
        tmp[--i] = '-';
    pb_buf_add(out, tmp + i, sizeof tmp - (size_t)i);
}

static void put_id(pb_buf *out, const char *name, int64_t v)
{
    pb_buf_puts(out, name);
    pb_buf_putc(out, ' ');
    if (v != 0)
        put_int(out, v);
    pb_buf_putc(out, '\n');
}

void pb_journal__canon(pb_buf *out, const pb_canon_entry *e)
{
    size_t i;
    int k;

    pb_buf_reset(out);
    pb_buf_puts(out, "poolbook-entry 1\n");
    put_id(out, "id", e->id);
    put_field(out, "date", e->date);
    pb_buf_puts(out, "period ");
    put_int(out, e->period);
    pb_buf_putc(out, '\n');
    put_field(out, "description", e->description);
    put_field(out, "reference", e->reference);
    put_field(out, "entered-by", e->entered_by);
    put_field(out, "entered-at", e->entered_at);
    put_id(out, "reverses", e->reverses);
    put_id(out, "batch", e->batch_id);
    put_field(out, "source", e->source);
    put_field(out, "source-ref", e->source_ref);
    put_field(out, "source-pos", e->source_pos);
    for (i = 0; i < e->npostings; i++) {
        const pb_canon_posting *p = &e->postings[i];

        pb_buf_puts(out, "posting ");
        put_int(out, p->line);
        pb_buf_putc(out, '|');
        put_escaped(out, p->account);
        pb_buf_putc(out, '|');
        pb_journal__pence(out, p->pence);
        for (k = 0; k < PB_DIM_COUNT; k++) {
            pb_buf_putc(out, '|');
            put_escaped(out, p->dims[k]);
        }
        pb_buf_putc(out, '|');
        put_escaped(out, p->memo);
        pb_buf_putc(out, '\n');
    }
    for (i = 0; i < e->ntags; i++) {
        pb_buf_puts(out, "tag ");
        put_int(out, e->tags[i].line);
        pb_buf_putc(out, '|');
        put_escaped(out, e->tags[i].key);
        pb_buf_putc(out, '|');
        put_escaped(out, e->tags[i].value);
        pb_buf_putc(out, '\n');
    }
}

void pb_journal__hash(const uint8_t prev[PB_SHA256_LEN], const pb_buf *text,
                      uint8_t out[PB_SHA256_LEN])
{
    pb_sha256 *h = pb_sha256_new();

    pb_sha256_update(h, prev, PB_SHA256_LEN);
    pb_sha256_update(h, text->data, text->len);
    pb_sha256_final(h, out);
}

/* ---- per-book state ---------------------------------------------------- */

typedef struct jaccount {
    int64_t id;
    int closed;
    char *code;
} jaccount;

typedef struct jdelta {
    int64_t key[6]; /* period, account, stream, scheme, partner, cc */
    int64_t debit, credit, count;
} jdelta;

typedef struct jstate {
    uint64_t serial;       /* transaction the caches belong to */
    int64_t last_id;       /* of the newest entry, 0 if none */
    uint8_t last_hash[PB_SHA256_LEN];
    pb_map accounts;       /* code or name -> index in acc */
    jaccount *acc;
    size_t nacc, capacc;
    pb_map dims[PB_DIM_COUNT]; /* code -> id */
    pb_map periods;        /* period -> 1 closed, 0 open */
    uint32_t *dslot;       /* delta table: 1 + index in deltas, 0 empty */
    size_t dcap;           /* slots, a power of two, or 0 */
    jdelta *deltas;        /* pending cache changes, in first-seen order */
    size_t ndeltas, capdeltas;
    /* The hot path's statements, prepared once per book (the book owns
     * them; these are borrowed). */
    pb_stmt *st_entry, *st_posting, *st_tag;
    pb_buf canon;          /* scratch: canonical text */
    pb_canon_posting *cp;  /* scratch: canonical postings */
    pb_canon_tag *ct;      /* scratch: canonical tags */
    size_t capcp, capct;
} jstate;

static void forget_caches(jstate *s)
{
    size_t i;
    int k;

    pb_map_reset(&s->accounts);
    for (i = 0; i < s->nacc; i++)
        free(s->acc[i].code);
    s->nacc = 0;
    for (k = 0; k < PB_DIM_COUNT; k++)
        pb_map_reset(&s->dims[k]);
    pb_map_reset(&s->periods);
}

static void forget_deltas(jstate *s)
{
    /* A big batch leaves a big table: give it back rather than clear it
     * at every later commit. */
    if (s->dcap > 4096) {
        free(s->dslot);
        s->dslot = NULL;
        s->dcap = 0;
    } else if (s->dcap > 0) {
        memset(s->dslot, 0, s->dcap * sizeof *s->dslot);
    }
    s->ndeltas = 0;
}

static void state_free(void *state)
{
    jstate *s = state;
    int k;

    if (s == NULL)
        return;
    forget_caches(s);
    pb_map_clear(&s->accounts);
    for (k = 0; k < PB_DIM_COUNT; k++)
        pb_map_clear(&s->dims[k]);
    pb_map_clear(&s->periods);
    free(s->dslot);
    free(s->acc);
    free(s->deltas);
    free(s->cp);
    free(s->ct);
    pb_buf_clear(&s->canon);
    free(s);
}

static int delta_cmp(const void *a, const void *b)
{
    const jdelta *x = a, *y = b;
    int k;

    for (k = 0; k < 6; k++) {
        if (x->key[k] != y->key[k])
            return x->key[k] < y->key[k] ? -1 : 1;
    }
    return 0;
}

static int flush_deltas(pb_book *b, void *state, pb_error *err)
{
    jstate *s = state;
    pb_stmt *st;
    size_t i;
    int rc = PB_OK, k;

    if (s->ndeltas == 0)
        return PB_OK;
    /* In the cache's key order, the upserts walk its b-tree once, front to
     * back, instead of jumping to a random page for each key. */
    qsort(s->deltas, s->ndeltas, sizeof *s->deltas, delta_cmp);
    rc = pb_book_prepare(
        b, &st,
        "INSERT INTO balance (period, account_id, stream_id, scheme_id,"
        " partner_id, cc_id, debit, credit, postings)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO UPDATE SET debit = debit + excluded.debit,"
        " credit = credit + excluded.credit,"
        " postings = postings + excluded.postings"
        " WHERE debit <= 9223372036854775807 - excluded.debit"
        " AND credit <= 9223372036854775807 - excluded.credit",
        err);
    if (rc != PB_OK)
        return rc;
    for (i = 0; i < s->ndeltas && rc == PB_OK; i++) {
        const jdelta *d = &s->deltas[i];

        for (k = 0; k < 6; k++)
            pb_stmt_bind_int(st, k + 1, d->key[k]);
        pb_stmt_bind_int(st, 7, d->debit);
        pb_stmt_bind_int(st, 8, d->credit);
        pb_stmt_bind_int(st, 9, d->count);
        rc = pb_stmt_step(st, err);
        rc = rc == PB_DONE ? PB_OK : rc;
        pb_stmt_release(st);
        /* The upsert's WHERE skipped a row whose turnover would pass int64
         * pence (the pending deltas were checked as they were added; the
         * committed rows only here). */
        if (rc == PB_OK && pb_book_changes(b) == 0)
            rc = pb_error_set(err, PB_ERANGE,
                              "balance turnover of period %lld, account "
                              "%lld beyond the range of the book",
                              (long long)d->key[0], (long long)d->key[1]);
    }
    forget_deltas(s);
    return rc;
}

static void on_rollback(pb_book *b, void *state)
{
    jstate *s = state;

    (void)b;
    forget_caches(s);
    forget_deltas(s);
    s->serial = 0;
}

static const pb_book_ext_ops journal_ops = {flush_deltas, on_rollback,
                                            state_free};

/* The state, its caches valid for the current transaction. */
static int state_get(pb_book *b, jstate **out, pb_error *err)
{
    jstate *s = pb_book__ext(b, PB_EXT_JOURNAL);
    pb_stmt *st;
    int rc;

    if (s == NULL) {
        int k;

        s = pb_xcalloc(1, sizeof *s);
        pb_map_init(&s->accounts);
        for (k = 0; k < PB_DIM_COUNT; k++)
            pb_map_init(&s->dims[k]);
        pb_map_init(&s->periods);
        pb_buf_init(&s->canon);
        pb_book__set_ext(b, PB_EXT_JOURNAL, s, &journal_ops);
    }
    if (s->serial != pb_book__tx_serial(b)) {
        forget_caches(s);
        assert(s->ndeltas == 0);
        rc = pb_book_prepare(b, &st,
                             "SELECT id, hash FROM entry "
                             "ORDER BY id DESC LIMIT 1",
                             err);
        if (rc != PB_OK)
            return rc;
        rc = pb_stmt_step(st, err);
        memset(s->last_hash, 0, sizeof s->last_hash);
        s->last_id = 0;
        if (rc == PB_ROW) {
            size_t n;
            const void *h = pb_stmt_blob(st, 1, &n);

            s->last_id = pb_stmt_int(st, 0);
            if (n == PB_SHA256_LEN)
                memcpy(s->last_hash, h, n);
        }
        pb_stmt_release(st);
        if (rc < 0)
            return rc;
        s->serial = pb_book__tx_serial(b);
    }
    *out = s;
    return PB_OK;
}

void pb_journal__invalidate(pb_book *b)
{
    jstate *s = pb_book__ext(b, PB_EXT_JOURNAL);

    if (s != NULL)
        forget_caches(s);
}

/* ---- resolution -------------------------------------------------------- */

static int resolve_account(pb_book *b, jstate *s, const char *text,
                           size_t *idx_out, pb_error *err)
{
    pb_stmt *st;
    int64_t idx;
    int rc;

    if (pb_map_gets(&s->accounts, text, &idx)) {
        *idx_out = (size_t)idx;
        return PB_OK;
    }
    rc = pb_book_prepare(b, &st,
                         "SELECT id, code, closed FROM account WHERE code = ?1"
                         " UNION ALL SELECT id, code, closed FROM account"
                         " WHERE name = ?1 LIMIT 1",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, text);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        jaccount *a;

        if (s->nacc == s->capacc) {
            s->capacc = s->capacc ? s->capacc * 2 : 32;
            s->acc = pb_xrealloc(s->acc, s->capacc * sizeof *s->acc);
        }
        a = &s->acc[s->nacc];
        a->id = pb_stmt_int(st, 0);
        a->code = pb_xstrdup(pb_stmt_text(st, 1));
        a->closed = (int)pb_stmt_int(st, 2);
        pb_map_puts(&s->accounts, text, (int64_t)s->nacc);
        pb_map_puts(&s->accounts, a->code, (int64_t)s->nacc);
        *idx_out = s->nacc++;
        rc = PB_OK;
    }
    pb_stmt_release(st);
    if (rc == PB_DONE) /* let the account module word it, with a hint */
        return pb_account_find(b, text, NULL, err);
    return rc;
}

/* Finds a dimension value's id.  A cost centre that does not exist yet is
 * created only when `create` is set; without it its code is checked and
 * *id_out is NEW_CC, so that validation writes nothing and an entry that
 * is then refused leaves no new cost centre behind. */
#define NEW_CC (-1)

static int resolve_dim(pb_book *b, jstate *s, pb_dim_kind kind,
                       const char *code, bool create, int64_t *id_out,
                       pb_error *err)
{
    int rc;

    if (pb_map_gets(&s->dims[kind], code, id_out))
        return PB_OK;
    if (kind != PB_DIM_COST_CENTRE) {
        rc = pb_dim_find(b, kind, code, id_out, err);
    } else {
        /* No suggestions needed: an unknown cost centre is not an error. */
        rc = pb_dim_find(b, kind, code, id_out, NULL);
        if (rc == PB_ENOTFOUND && !create) {
            if ((rc = pb_code_check(code, pb_dim_kind_title(kind), err)) ==
                PB_OK)
                *id_out = NEW_CC;
            return rc;
        }
        if (rc == PB_ENOTFOUND)
            rc = pb_dim_add(b, kind, code, code, id_out, err);
        else if (rc != PB_OK)
            return pb_error_set(err, rc, "cannot look up cost centre \"%s\"",
                                code);
    }
    if (rc == PB_OK)
        pb_map_puts(&s->dims[kind], code, *id_out);
    return rc;
}

static int period_closed(pb_book *b, jstate *s, pb_period p, int *closed,
                         pb_error *err)
{
    int64_t v;
    bool c;
    int rc;

    if (pb_map_get(&s->periods, &p, sizeof p, &v)) {
        *closed = (int)v;
        return PB_OK;
    }
    if ((rc = pb_period_is_closed(b, p, &c, err)) != PB_OK)
        return rc;
    *closed = c;
    pb_map_put(&s->periods, &p, sizeof p, *closed);
    return PB_OK;
}

/* The delta table: open addressing over indexes into s->deltas, keyed by
 * the six ids (a pb_map would allocate a copy of every key). */
static uint64_t delta_hash(const int64_t key[6])
{
    uint64_t h = 0x9E3779B97F4A7C15u;
    int k;

    for (k = 0; k < 6; k++) {
        h ^= (uint64_t)key[k];
        h *= 0xBF58476D1CE4E5B9u;
        h ^= h >> 31;
    }
    return h;
}

static uint32_t *delta_slot(jstate *s, const int64_t key[6])
{
    size_t mask = s->dcap - 1, i = (size_t)delta_hash(key) & mask;

    for (;; i = (i + 1) & mask) {
        uint32_t v = s->dslot[i];

        if (v == 0 || memcmp(s->deltas[v - 1].key, key, 6 * sizeof *key) == 0)
            return &s->dslot[i];
    }
}

static void delta_grow(jstate *s)
{
    size_t i;

    free(s->dslot);
    s->dcap = s->dcap ? s->dcap * 2 : 256;
    s->dslot = pb_xcalloc(s->dcap, sizeof *s->dslot);
    for (i = 0; i < s->ndeltas; i++)
        *delta_slot(s, s->deltas[i].key) = (uint32_t)i + 1;
}

static void delta_key(int64_t key[6], pb_period period, const jposting *p)
{
    int k;

    key[0] = period;
    key[1] = p->account_id;
    for (k = 0; k < PB_DIM_COUNT; k++)
        key[2 + k] = p->dim_ids[k];
}

/* Refuses, before anything is written, an entry whose postings would take
 * a cache row's turnover beyond int64 pence (or the table beyond its
 * index range), so that add_delta() cannot fail half-way through. */
static int deltas_fit(jstate *s, const pb_entry *e, pb_error *err)
{
    int64_t debits = 0, credits = 0, key[6];
    size_t i;

    if (s->ndeltas + e->n >= UINT32_MAX - 1)
        return pb_error_set(err, PB_ERANGE,
                            "too many balance changes in one transaction");
    for (i = 0; i < e->n; i++) {
        /* validate() has bounded these sums. */
        if (e->p[i].pence >= 0)
            debits += e->p[i].pence;
        else
            credits -= e->p[i].pence;
    }
    for (i = 0; i < e->n && s->dcap > 0; i++) {
        uint32_t v;

        delta_key(key, e->period, &e->p[i]);
        v = *delta_slot(s, key);
        if (v != 0 && (s->deltas[v - 1].debit > INT64_MAX - debits ||
                       s->deltas[v - 1].credit > INT64_MAX - credits))
            return pb_error_set(err, PB_ERANGE,
                                "balance turnover beyond the range of the "
                                "book");
    }
    return PB_OK;
}

/* Adds a posting to the pending cache changes; deltas_fit() said it fits. */
static void add_delta(jstate *s, pb_period period, const jposting *p)
{
    int64_t key[6];
    uint32_t *slot;
    jdelta *d;

    delta_key(key, period, p);
    if ((s->ndeltas + 1) * 10 > s->dcap * 7)
        delta_grow(s);
    slot = delta_slot(s, key);
    if (*slot == 0) {
        if (s->ndeltas == s->capdeltas) {
            s->capdeltas = s->capdeltas ? s->capdeltas * 2 : 64;
            s->deltas =
                pb_xrealloc(s->deltas, s->capdeltas * sizeof *s->deltas);
        }
        d = &s->deltas[s->ndeltas++];
        memcpy(d->key, key, sizeof key);
        d->debit = d->credit = d->count = 0;
        *slot = (uint32_t)s->ndeltas;
    }
    d = &s->deltas[*slot - 1];
    if (p->pence >= 0)
        d->debit += p->pence;
    else
        d->credit -= p->pence;
    d->count++;
}

/* ---- posting ----------------------------------------------------------- */

static int fail_at(pb_entry *e, size_t line, int rc)
{
    e->error_line = line;
    return rc;
}

static int tag_cmp(const void *a, const void *b)
{
    const pb_canon_tag *x = a, *y = b;

    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return strcmp(x->key, y->key);
}

static void format_pence(char *buf, size_t n, int64_t pence)
{
    pb_buf t = PB_BUF_INIT;

    pb_journal__pence(&t, pence);
    snprintf(buf, n, "%s", pb_buf_str(&t));
    pb_buf_clear(&t);
}

/* Checks everything that can be checked before writing; fills the
 * resolved fields of e's postings. */
static int validate(pb_book *b, jstate *s, pb_entry *e, pb_error *err)
{
    int64_t sum = 0, debits = 0, credits = 0;
    size_t i, elided = 0;
    int fy_start = pb_book_fy_start(b), closed, rc, k;

    if (!e->has_date)
        return pb_error_set(err, PB_EINVAL, "the entry has no date");
    if (e->description == 0)
        return pb_error_set(err, PB_EINVAL, "the entry has no description");
    if (e->n < 2)
        return pb_error_set(err, PB_EINVAL,
                            "an entry needs at least two postings (it has "
                            "%zu)",
                            e->n);
    if (e->period_num < 0) {
        e->period = pb_period_of_date(e->date, fy_start);
    } else {
        char d[PB_DATE_ISO_LEN];

        if ((e->period_num >= 1 && e->period_num <= 12) ||
            e->period_num > PB_PERIOD_MAX)
            return pb_error_set(err, PB_EINVAL,
                                "P%02d is not an adjustment period (use P0, "
                                "or P13 to P%d)",
                                e->period_num, PB_PERIOD_MAX);
        e->period = pb_period_make(pb_fy_of_date(e->date, fy_start),
                                   e->period_num);
        if (!pb_period_accepts(e->period, e->date, fy_start))
            return pb_error_set(err, PB_EINVAL,
                                "period P%02d takes entries dated %s only "
                                "(this one is dated %s)",
                                e->period_num,
                                e->period_num == 0 ? "the first day of the year"
                                                   : "the last day of the year",
                                pb_date_iso(e->date, d));
    }
    if ((rc = period_closed(b, s, e->period, &closed, err)) != PB_OK)
        return rc;
    if (closed) {
        char ps[PB_PERIOD_STR_LEN];

        return pb_error_set(err, PB_ECLOSED,
                            "period %s is closed; post into an open period "
                            "(or reopen it, with a reason)",
                            pb_period_str(e->period, fy_start, ps));
    }
    for (i = 0; i < e->n; i++) {
        jposting *p = &e->p[i];
        size_t ai = 0;

        if (p->account == 0)
            return fail_at(e, i + 1,
                           pb_error_set(err, PB_EINVAL,
                                        "posting %zu has no account", i + 1));
        rc = resolve_account(b, s, str(e, p->account), &ai, err);
        if (rc != PB_OK)
            return fail_at(e, i + 1, rc);
        if (s->acc[ai].closed)
            return fail_at(e, i + 1,
                           pb_error_set(err, PB_ECLOSED,
                                        "account \"%s\" is closed",
                                        s->acc[ai].code));
        p->account_id = s->acc[ai].id;
        p->code = intern(e, s->acc[ai].code);
        for (k = 0; k < PB_DIM_COUNT; k++) {
            p->dim_ids[k] = 0;
            if (p->dims[k] == 0)
                continue;
            rc = resolve_dim(b, s, (pb_dim_kind)k, str(e, p->dims[k]),
                             false, &p->dim_ids[k], err);
            if (rc != PB_OK)
                return fail_at(e, i + 1, rc);
        }
        if (!p->has_amount) {
            if (elided++)
                return fail_at(e, i + 1,
                               pb_error_set(err, PB_EINVAL,
                                            "only one posting may leave its "
                                            "amount out"));
            continue;
        }
        rc = pb_amount_get_units(&p->amount, PB_MONEY_SCALE, &p->pence, err);
        if (rc != PB_OK)
            return fail_at(e, i + 1, rc);
        if (__builtin_add_overflow(sum, p->pence, &sum) ||
            (p->pence > 0 &&
             __builtin_add_overflow(debits, p->pence, &debits)) ||
            (p->pence < 0 &&
             __builtin_sub_overflow(credits, p->pence, &credits)))
            return fail_at(e, i + 1,
                           pb_error_set(err, PB_ERANGE,
                                        "the entry's total is beyond the "
                                        "range of the book"));
    }
    if (elided) {
        for (i = 0; i < e->n; i++) {
            jposting *p = &e->p[i];

            if (!p->has_amount) {
                if (sum == INT64_MIN)
                    return pb_error_set(err, PB_ERANGE, "amount too large");
                p->pence = -sum;
                pb_amount_set_units(&p->amount, p->pence, PB_MONEY_SCALE);
                p->has_amount = 1;
            }
        }
    } else if (sum != 0) {
        char d[40], c[40], diff[40];

        format_pence(d, sizeof d, debits);
        format_pence(c, sizeof c, credits);
        format_pence(diff, sizeof diff, sum);
        return pb_error_set(err, PB_EUNBALANCED,
                            "the entry does not balance: debits %s, credits "
                            "%s, difference %s",
                            d, c, diff);
    }
    for (i = 0; i < e->ntags; i++) {
        size_t j;

        if (e->tags[i].key == 0)
            return fail_at(e, e->tags[i].line,
                           pb_error_set(err, PB_EINVAL, "a tag has no name"));
        for (j = 0; j < i; j++) {
            if (e->tags[j].line == e->tags[i].line &&
                strcmp(str(e, e->tags[j].key), str(e, e->tags[i].key)) == 0)
                return fail_at(e, e->tags[i].line,
                               pb_error_set(err, PB_EINVAL,
                                            "tag \"%s\" is given twice",
                                            str(e, e->tags[i].key)));
        }
    }
    if ((rc = deltas_fit(s, e, err)) != PB_OK)
        return rc;
    /* The entry will be posted: now create its new cost centres. */
    for (i = 0; i < e->n; i++) {
        jposting *p = &e->p[i];

        if (p->dim_ids[PB_DIM_COST_CENTRE] != NEW_CC)
            continue;
        rc = resolve_dim(b, s, PB_DIM_COST_CENTRE,
                         str(e, p->dims[PB_DIM_COST_CENTRE]), true,
                         &p->dim_ids[PB_DIM_COST_CENTRE], err);
        if (rc != PB_OK)
            return fail_at(e, i + 1, rc);
    }
    return PB_OK;
}

static void canon_of(jstate *s, const pb_entry *e, const char *date,
                     pb_canon_entry *c)
{
    size_t i;
    int k;

    if (s->capcp < e->n) {
        s->capcp = e->n * 2;
        s->cp = pb_xrealloc(s->cp, s->capcp * sizeof *s->cp);
    }
    if (s->capct < e->ntags) {
        s->capct = e->ntags * 2;
        s->ct = pb_xrealloc(s->ct, s->capct * sizeof *s->ct);
    }
    for (i = 0; i < e->n; i++) {
        const jposting *p = &e->p[i];

        s->cp[i].line = (int64_t)i + 1;
        s->cp[i].account = str(e, p->code);
        s->cp[i].pence = p->pence;
        for (k = 0; k < PB_DIM_COUNT; k++)
            s->cp[i].dims[k] = p->dims[k] ? str(e, p->dims[k]) : NULL;
        s->cp[i].memo = str(e, p->memo);
    }
    for (i = 0; i < e->ntags; i++) {
        s->ct[i].line = (int64_t)e->tags[i].line;
        s->ct[i].key = str(e, e->tags[i].key);
        s->ct[i].value = str(e, e->tags[i].value);
    }
    if (e->ntags > 1)
        qsort(s->ct, e->ntags, sizeof *s->ct, tag_cmp);
    c->id = e->id;
    c->date = date;
    c->period = e->period;
    c->description = str(e, e->description);
    c->reference = str(e, e->reference);
    c->entered_by = str(e, e->entered_by);
    c->entered_at = str(e, e->entered_at);
    c->reverses = e->reverses;
    c->batch_id = e->batch_id;
    c->source = str(e, e->source);
    c->source_ref = str(e, e->source_ref);
    c->source_pos = str(e, e->source_pos);
    c->postings = s->cp;
    c->npostings = e->n;
    c->tags = s->ct;
    c->ntags = e->ntags;
}

/* The statement for `sql`, prepared on first use and then kept in the
 * state: the posting path skips the book's lookup by SQL text.  Each use
 * ends with pb_stmt_release(), as for any statement. */
static int hot_stmt(pb_book *b, pb_stmt **slot, const char *sql,
                    pb_error *err)
{
    int rc;

    if (*slot != NULL)
        return PB_OK;
    if ((rc = pb_book_prepare(b, slot, sql, err)) != PB_OK)
        return rc;
    pb_stmt_release(*slot);
    return PB_OK;
}

static int insert_entry(pb_book *b, jstate *s, pb_entry *e, const char *date,
                        const uint8_t hash[PB_SHA256_LEN], pb_error *err)
{
    pb_stmt *st;
    size_t i;
    int rc, k;

    if ((rc = hot_stmt(b, &s->st_entry,
                       "INSERT INTO entry (id, date, period, description,"
                       " reference, entered_by, entered_at, reverses,"
                       " batch_id, source, source_ref, source_pos,"
                       " prev_hash, hash)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       err)) != PB_OK)
        return rc;
    st = s->st_entry;
    pb_stmt_bind_int(st, 1, e->id);
    /* Everything bound lives in e, s or the caller's frame until the
     * statement has run: no copies. */
    pb_stmt__bind_text_static(st, 2, date);
    pb_stmt_bind_int(st, 3, e->period);
    pb_stmt__bind_text_static(st, 4, str(e, e->description));
    pb_stmt__bind_text_static(st, 5, str(e, e->reference));
    pb_stmt__bind_text_static(st, 6, str(e, e->entered_by));
    pb_stmt__bind_text_static(st, 7, str(e, e->entered_at));
    if (e->reverses != 0)
        pb_stmt_bind_int(st, 8, e->reverses);
    if (e->batch_id != 0)
        pb_stmt_bind_int(st, 9, e->batch_id);
    pb_stmt__bind_text_static(st, 10, str(e, e->source));
    pb_stmt__bind_text_static(st, 11, str(e, e->source_ref));
    pb_stmt__bind_text_static(st, 12, str(e, e->source_pos));
    pb_stmt__bind_blob_static(st, 13, s->last_hash, PB_SHA256_LEN);
    pb_stmt__bind_blob_static(st, 14, hash, PB_SHA256_LEN);
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        return rc;

    if ((rc = hot_stmt(b, &s->st_posting,
                       "INSERT INTO posting (entry_id, line, account_id,"
                       " amount, stream_id, scheme_id, partner_id, cc_id,"
                       " memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       err)) != PB_OK)
        return rc;
    st = s->st_posting;
    for (i = 0; i < e->n && rc == PB_OK; i++) {
        const jposting *p = &e->p[i];

        pb_stmt_bind_int(st, 1, e->id);
        pb_stmt_bind_int(st, 2, (int64_t)i + 1);
        pb_stmt_bind_int(st, 3, p->account_id);
        pb_stmt_bind_int(st, 4, p->pence);
        for (k = 0; k < PB_DIM_COUNT; k++) {
            if (p->dim_ids[k] != 0)
                pb_stmt_bind_int(st, 5 + k, p->dim_ids[k]);
            else
                pb_stmt_bind_null(st, 5 + k);
        }
        pb_stmt__bind_text_static(st, 9, str(e, p->memo));
        rc = pb_stmt_step(st, err);
        rc = rc == PB_DONE ? PB_OK : rc;
        pb_stmt_release(st);
    }
    if (rc != PB_OK || e->ntags == 0)
        return rc;
    if ((rc = hot_stmt(b, &s->st_tag,
                       "INSERT INTO tag (entry_id, line, key, value)"
                       " VALUES (?, ?, ?, ?)",
                       err)) != PB_OK)
        return rc;
    st = s->st_tag;
    for (i = 0; i < e->ntags && rc == PB_OK; i++) {
        pb_stmt_bind_int(st, 1, e->id);
        pb_stmt_bind_int(st, 2, (int64_t)e->tags[i].line);
        pb_stmt__bind_text_static(st, 3, str(e, e->tags[i].key));
        pb_stmt__bind_text_static(st, 4, str(e, e->tags[i].value));
        rc = pb_stmt_step(st, err);
        rc = rc == PB_DONE ? PB_OK : rc;
        pb_stmt_release(st);
    }
    return rc;
}

int pb_journal_post(pb_book *b, pb_entry *e, int64_t *id_out, pb_error *err)
{
    jstate *s;
    pb_canon_entry c;
    uint8_t hash[PB_SHA256_LEN];
    char date[PB_DATE_ISO_LEN], now[PB_TIMESTAMP_LEN];
    size_t i;
    int rc;

    assert(pb_book_in_write_tx(b));
    e->error_line = 0;
    if ((rc = state_get(b, &s, err)) != PB_OK)
        return rc;
    if ((rc = validate(b, s, e, err)) != PB_OK)
        return rc;
    e->id = s->last_id + 1;
    e->entered_by = intern(e, pb_book_user(b));
    e->entered_at = intern(e, pb_book_timestamp(b, now));
    pb_date_iso(e->date, date);
    canon_of(s, e, date, &c);
    pb_journal__canon(&s->canon, &c);
    pb_journal__hash(s->last_hash, &s->canon, hash);
    if ((rc = insert_entry(b, s, e, date, hash, err)) != PB_OK)
        return rc;
    for (i = 0; i < e->n; i++)
        add_delta(s, e->period, &e->p[i]);
    s->last_id = e->id;
    memcpy(s->last_hash, hash, sizeof hash);
    if (id_out != NULL)
        *id_out = e->id;
    return PB_OK;
}

/* ---- reading back ------------------------------------------------------ */

int pb_journal_get(pb_book *b, int64_t id, pb_entry *e, pb_error *err)
{
    pb_stmt *st;
    int rc, k;

    pb_entry_reset(e);
    rc = pb_book_prepare(
        b, &st,
        "SELECT date, period, description, reference, entered_by,"
        " entered_at, reverses, batch_id, source, source_ref,"
        " (SELECT r.id FROM entry r WHERE r.reverses = entry.id), source_pos"
        " FROM entry WHERE id = ?",
        err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, id);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        const char *d = pb_stmt_text(st, 0);
        pb_date date;

        if (pb_date_parse(&date, d, strlen(d), PB_DATE_ISO, NULL) != PB_OK)
            rc = pb_error_set(err, PB_ECORRUPT,
                              "entry %lld: the stored date \"%s\" is not a "
                              "date",
                              (long long)id, d);
        else
            pb_entry_set_date(e, date);
        e->id = id;
        e->period = (pb_period)pb_stmt_int(st, 1);
        e->description = intern(e, pb_stmt_text(st, 2));
        e->reference = intern(e, pb_stmt_text(st, 3));
        e->entered_by = intern(e, pb_stmt_text(st, 4));
        e->entered_at = intern(e, pb_stmt_text(st, 5));
        e->reverses = pb_stmt_int(st, 6);
        e->batch_id = pb_stmt_int(st, 7);
        if (!pb_stmt_is_null(st, 8))
            e->source = intern(e, pb_stmt_text(st, 8));
        if (!pb_stmt_is_null(st, 9))
            e->source_ref = intern(e, pb_stmt_text(st, 9));
        e->reversed_by = pb_stmt_int(st, 10);
        if (!pb_stmt_is_null(st, 11))
            e->source_pos = intern(e, pb_stmt_text(st, 11));
    } else if (rc == PB_DONE) {
        rc = pb_error_set(err, PB_ENOTFOUND, "no entry %lld", (long long)id);
    }
    pb_stmt_release(st);
    if (rc != PB_ROW)
        return rc;

    rc = pb_book_prepare(
        b, &st,
        "SELECT a.code, p.amount, s.code, sc.code, pa.code, cc.code, p.memo,"
        " p.account_id"
        " FROM posting p JOIN account a ON a.id = p.account_id"
        " LEFT JOIN dim s ON s.id = p.stream_id"
        " LEFT JOIN dim sc ON sc.id = p.scheme_id"
        " LEFT JOIN dim pa ON pa.id = p.partner_id"
        " LEFT JOIN dim cc ON cc.id = p.cc_id"
        " WHERE p.entry_id = ? ORDER BY p.line",
        err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, id);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        size_t line = pb_entry_add(e, pb_stmt_text(st, 0), NULL);
        jposting *p = &e->p[line - 1];

        p->pence = pb_stmt_int(st, 1);
        pb_amount_set_units(&p->amount, p->pence, PB_MONEY_SCALE);
        p->has_amount = 1;
        for (k = 0; k < PB_DIM_COUNT; k++) {
            if (!pb_stmt_is_null(st, 2 + k))
                p->dims[k] = intern(e, pb_stmt_text(st, 2 + k));
        }
        p->memo = intern(e, pb_stmt_text(st, 6));
        p->account_id = pb_stmt_int(st, 7);
    }
    pb_stmt_release(st);
    if (rc != PB_DONE)
        return rc;

    rc = pb_book_prepare(b, &st,
                         "SELECT line, key, value FROM tag WHERE entry_id = ?"
                         " ORDER BY line, key",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, id);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW)
        pb_entry_add_tag(e, (size_t)pb_stmt_int(st, 0), pb_stmt_text(st, 1),
                         pb_stmt_text(st, 2));
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_journal_reverse(pb_book *b, int64_t id, const pb_date *date,
                       const char *reason, int64_t batch_id,
                       int64_t *id_out, pb_error *err)
{
    pb_entry *orig = pb_entry_new(), *rev = pb_entry_new();
    pb_amount neg;
    pb_buf desc = PB_BUF_INIT;
    size_t i;
    int rc, k;

    assert(pb_book_in_write_tx(b));
    pb_amount_init(&neg);
    if (reason == NULL || *reason == '\0') {
        rc = pb_error_set(err, PB_EINVAL, "a reversal needs a reason");
        goto done;
    }
    if ((rc = pb_journal_get(b, id, orig, err)) != PB_OK)
        goto done;
    if (orig->reverses != 0) {
        rc = pb_error_set(err, PB_EREFUSED,
                          "entry %lld is itself the reversal of entry %lld; "
                          "post the correct entry instead",
                          (long long)id, (long long)orig->reverses);
        goto done;
    }
    if (orig->reversed_by != 0) {
        rc = pb_error_set(err, PB_EREFUSED,
                          "entry %lld was already reversed by entry %lld",
                          (long long)id, (long long)orig->reversed_by);
        goto done;
    }
    pb_buf_printf(&desc, "Reversal of entry %lld: %s", (long long)id, reason);
    pb_entry_set_date(rev, date != NULL ? *date : orig->date);
    if (date == NULL && pb_period_num(orig->period) != 0 &&
        pb_period_num(orig->period) <= 12)
        pb_entry_set_period(rev, -1);
    else if (date == NULL)
        pb_entry_set_period(rev, pb_period_num(orig->period));
    pb_entry_set_description(rev, pb_buf_str(&desc));
    pb_entry_set_reference(rev, pb_entry_reference(orig));
    pb_entry_set_batch(rev, batch_id);
    set_reverses(rev, id);
    for (i = 1; i <= orig->n; i++) {
        size_t line;

        pb_amount_neg(&neg, pb_entry_amount(orig, i));
        line = pb_entry_add(rev, pb_entry_account(orig, i), &neg);
        for (k = 0; k < PB_DIM_COUNT; k++)
            pb_entry_set_dim(rev, line, (pb_dim_kind)k,
                             pb_entry_dim(orig, i, (pb_dim_kind)k));
        pb_entry_set_memo(rev, line, pb_entry_memo(orig, i));
    }
    rc = pb_journal_post(b, rev, id_out, err);
done:
    pb_amount_clear(&neg);
    pb_buf_clear(&desc);
    pb_entry_free(orig);
    pb_entry_free(rev);
    return rc;
}

int pb_journal_source_seen(pb_book *b, const char *source, const char *ref,
                           int *seen, pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(
        b, &st,
        "SELECT EXISTS (SELECT 1 FROM entry e WHERE e.source = ?"
        " AND e.source_ref = ? AND NOT EXISTS"
        " (SELECT 1 FROM entry r WHERE r.reverses = e.id))",
        err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, source);
    pb_stmt_bind_text(st, 2, ref);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        *seen = pb_stmt_int(st, 0) != 0;
        rc = PB_OK;
    }
    pb_stmt_release(st);
    return rc;
}
