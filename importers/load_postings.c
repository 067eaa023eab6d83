/*
 * load_postings.c - poolbook's native posting CSV: one row per posting,
 * rows of one entry together, keyed by the entry id.
 *
 * Workload: a month's or a year's transactions, up to millions of rows,
 * in one transaction.  Per row the work is parsing the amount and adding
 * the posting to a reused pb_entry (no allocation once warm); per entry,
 * one indexed look-up of its id among entries already loaded, then
 * pb_journal_post.  The entry id is the key that makes a re-load
 * harmless: it becomes the entry's source reference under the source
 * "poolbook-csv", so an entry already in the book (and not reversed) is
 * compared with the file's rows - identical: skipped; different: refused
 * (posted entries never change; reverse it and load the correction).
 */
#include <stdlib.h>
#include <string.h>

#include "importers/load_int.h"
#include "ledger/account.h"
#include "ledger/journal.h"

#define SOURCE "poolbook-csv"

enum { PO_ENTRY, PO_DATE, PO_PERIOD, PO_DESC, PO_REF, PO_ACCOUNT, PO_AMOUNT,
       PO_STREAM, PO_SCHEME, PO_PARTNER, PO_CC, PO_MEMO };

static const pb_load__col posting_cols[] = {
    {"entry", "entry_id", PB_LOAD__REQUIRED},
    {"date", NULL, PB_LOAD__REQUIRED},
    {"period", NULL, 0},
    {"description", NULL, PB_LOAD__REQUIRED},
    {"reference", "ref", 0},
    {"account", NULL, PB_LOAD__REQUIRED},
    {"amount", NULL, PB_LOAD__REQUIRED},
    {"stream", NULL, 0},
    {"scheme", NULL, 0},
    {"partner", NULL, 0},
    {"cc", "cost_centre", 0},
    {"memo", NULL, 0},
};

/* The columns a posting's dimensions come from, in pb_dim_kind order. */
static const int dim_cols[PB_DIM_COUNT] = {PO_STREAM, PO_SCHEME, PO_PARTNER,
                                           PO_CC};

typedef struct pstate {
    pb_entry *e;          /* the entry being gathered (reused) */
    pb_entry *old;        /* an entry already loaded, for comparison */
    pb_buf id;            /* its id in the file; empty: none yet */
    pb_buf date, period, desc, ref; /* the first row's, as written */
    long *lines;          /* [0] the first row; [i] posting i's row */
    bool *elided;         /* [i]: posting i left its amount blank */
    size_t cap;
    pb_amount amount;     /* scratch */
    int period_num;       /* -1: the month of the date */
    int any_before;       /* -1 unknown; 0: no entry of this source in
                             the book, so no id needs looking up */
} pstate;

static void state_free(pb_load__ctx *c)
{
    pstate *s = c->state;

    if (s == NULL)
        return;
    pb_entry_free(s->e);
    pb_entry_free(s->old);
    pb_buf_clear(&s->id);
    pb_buf_clear(&s->date);
    pb_buf_clear(&s->period);
    pb_buf_clear(&s->desc);
    pb_buf_clear(&s->ref);
    pb_amount_clear(&s->amount);
    free(s->lines);
    free(s->elided);
    free(s);
    c->state = NULL;
}

static pstate *state_get(pb_load__ctx *c)
{
    pstate *s = c->state;

    if (s == NULL) {
        s = c->state = pb_xcalloc(1, sizeof *s);
        s->e = pb_entry_new();
        s->old = pb_entry_new();
        pb_amount_init(&s->amount);
        s->any_before = -1;
    }
    return s;
}

/* ---- comparing with an entry already loaded ---------------------------- */

/* The code of the account `text` names (a code or a full name). */
static bool same_account(pb_book *b, const char *text, const char *code)
{
    pb_stmt *st;
    bool same = false;

    if (strcmp(text, code) == 0)
        return true;
    if (pb_book_prepare(b, &st, "SELECT code FROM account WHERE name = ?",
                        NULL) != PB_OK)
        return false;
    pb_stmt_bind_text(st, 1, text);
    if (pb_stmt_step(st, NULL) == PB_ROW)
        same = strcmp(pb_stmt_text(st, 0), code) == 0;
    pb_stmt_release(st);
    return same;
}

static bool same_text(const char *a, const char *z)
{
    return strcmp(a != NULL ? a : "", z != NULL ? z : "") == 0;
}

/* True if the gathered entry says what the posted entry `old` says. */
static bool same_entry(pb_load__ctx *c, pstate *s)
{
    pb_entry *e = s->e, *old = s->old;
    size_t n = pb_entry_count(e), i;
    int start = pb_book_fy_start(c->b), k;
    int64_t sum = 0, p;
    pb_period want;

    if (pb_entry_count(old) != n || pb_entry_date(old) != pb_entry_date(e) ||
        !same_text(pb_entry_description(old), pb_entry_description(e)) ||
        !same_text(pb_entry_reference(old), pb_entry_reference(e)))
        return false;
    want = s->period_num < 0
               ? pb_period_of_date(pb_entry_date(e), start)
               : pb_period_make(pb_fy_of_date(pb_entry_date(e), start),
                                s->period_num);
    if (pb_entry_period(old) != want)
        return false;
    for (i = 1; i <= n; i++) {
        if (!s->elided[i] &&
            pb_amount_get_units(pb_entry_amount(e, i), PB_MONEY_SCALE, &p,
                                NULL) == PB_OK)
            sum += p;
    }
    for (i = 1; i <= n; i++) {
        int64_t want_p, got;

        if (pb_amount_get_units(pb_entry_amount(old, i), PB_MONEY_SCALE,
                                &got, NULL) != PB_OK)
            return false;
        if (s->elided[i])
            want_p = -sum;
        else if (pb_amount_get_units(pb_entry_amount(e, i), PB_MONEY_SCALE,
                                     &want_p, NULL) != PB_OK)
            return false;
        if (got != want_p ||
            !same_account(c->b, pb_entry_account(e, i),
                          pb_entry_account(old, i)) ||
            !same_text(pb_entry_memo(old, i), pb_entry_memo(e, i)))
            return false;
        for (k = 0; k < PB_DIM_COUNT; k++) {
            if (!same_text(pb_entry_dim(old, i, (pb_dim_kind)k),
                           pb_entry_dim(e, i, (pb_dim_kind)k)))
                return false;
        }
    }
    return true;
}

/* The entry loaded before under this id and not reversed, or 0.  A book
 * that holds no entry of this source at all (the first load, or a big one
 * into a fresh book) is asked once, not once per entry: entries this load
 * posts cannot collide, the file's ids being unique (pb_load__unique). */
static int loaded_before(pb_book *b, pstate *s, const char *id, int64_t *out,
                         pb_error *err)
{
    pb_stmt *st;
    int rc;

    *out = 0;
    if (s->any_before < 0) {
        rc = pb_book_prepare(b, &st,
                             "SELECT EXISTS (SELECT 1 FROM entry WHERE"
                             " source = '" SOURCE "')",
                             err);
        if (rc != PB_OK)
            return rc;
        rc = pb_stmt_step(st, err);
        s->any_before = rc == PB_ROW && pb_stmt_int(st, 0) != 0;
        pb_stmt_release(st);
        if (rc < 0)
            return rc;
    }
    if (!s->any_before)
        return PB_OK;
    rc = pb_book_prepare(
        b, &st,
        "SELECT e.id FROM entry e WHERE e.source = '" SOURCE "'"
        " AND e.source_ref = ? AND NOT EXISTS"
        " (SELECT 1 FROM entry r WHERE r.reverses = e.id)"
        " ORDER BY e.id DESC LIMIT 1",
        err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, id);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW)
        *out = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    return rc < 0 ? rc : PB_OK;
}

/* ---- posting an entry -------------------------------------------------- */

/* The column a refused post is about, from posting `line` (0: the whole
 * entry) and the refusal. */
static int refused_field(pb_load__ctx *c, pstate *s, size_t line, int rc)
{
    int k;

    if (rc == PB_EUNBALANCED)
        return PO_AMOUNT;
    if (line == 0)
        return (rc == PB_ECLOSED || rc == PB_EINVAL) &&
                       pb_entry_count(s->e) >= 2
                   ? PO_DATE
                   : -1;
    if (rc == PB_ECLOSED)
        return PO_ACCOUNT;
    if (rc == PB_ENOTFOUND) {
        if (pb_account_find(c->b, pb_entry_account(s->e, line), NULL,
                            NULL) != PB_OK)
            return PO_ACCOUNT;
        for (k = 0; k < PB_DIM_COUNT; k++) {
            const char *v = pb_entry_dim(s->e, line, (pb_dim_kind)k);

            if (v != NULL && *v != '\0' &&
                pb_dim_find(c->b, (pb_dim_kind)k, v, NULL, NULL) != PB_OK)
                return dim_cols[k];
        }
    }
    return PO_AMOUNT;
}

static int flush_entry(pb_load__ctx *c, pb_error *err)
{
    pstate *s = c->state;
    int64_t before, id;
    size_t line;
    int rc;

    if (s == NULL || s->id.len == 0)
        return PB_OK;
    if ((rc = loaded_before(c->b, s, pb_buf_str(&s->id), &before, err)) !=
        PB_OK)
        return rc;
    if (before != 0) {
        if ((rc = pb_journal_get(c->b, before, s->old, err)) != PB_OK)
            return rc;
        if (!same_entry(c, s)) {
            rc = pb_error_set(err, PB_EREFUSED,
                              "entry %s was loaded before (journal entry "
                              "%lld) and this one differs; posted entries "
                              "never change: reverse it (poolbook reverse "
                              "%lld --reason ...) and load the correction",
                              pb_buf_str(&s->id), (long long)before,
                              (long long)before);
            pb_error_locate(err, c->name, s->lines[0], 0, "entry");
            return rc;
        }
        c->res->unchanged++;
    } else {
        pb_entry_set_batch(s->e, c->batch);
        rc = pb_journal_post(c->b, s->e, &id, err);
        if (rc != PB_OK) {
            int col;

            line = pb_entry_error_line(s->e);
            col = refused_field(c, s, line, rc);
            pb_error_locate(err, c->name, s->lines[line], 0,
                            col >= 0 ? posting_cols[col].name : NULL);
            return rc;
        }
        c->res->added++;
        c->res->postings += (int64_t)pb_entry_count(s->e);
        if (c->res->first_entry == 0)
            c->res->first_entry = id;
        c->res->last_entry = id;
    }
    pb_buf_reset(&s->id);
    return PB_OK;
}

/* ---- rows -------------------------------------------------------------- */

static int same_as_first(pb_load__ctx *c, int col, const pb_buf *first,
                         pb_error *err)
{
    if (!pb_load__has(c, col) ||
        strcmp(pb_load__get(c, col), pb_buf_str(first)) == 0)
        return PB_OK;
    return pb_load__at(c, col,
                       pb_error_set(err, PB_EINVAL,
                                    "\"%s\" differs from the entry's first "
                                    "row (\"%s\"); leave it blank or repeat "
                                    "it",
                                    pb_load__get(c, col), pb_buf_str(first)),
                       err);
}

static void keep(pb_buf *dst, const pb_load__ctx *c, int col)
{
    pb_buf_reset(dst);
    pb_buf_add(dst, pb_load__get(c, col), c->val[col].len);
}

/* Starts a new entry from its first row. */
static int begin_entry(pb_load__ctx *c, pstate *s, pb_error *err)
{
    const char *t;
    char *end;
    pb_date date;
    long num;
    int rc, skip;

    if ((rc = pb_load__unique(c, "entry", pb_load__get(c, PO_ENTRY),
                              PO_ENTRY, err)) != PB_OK) {
        pb_error_set(err, PB_EINVAL,
                     "the rows of entry %s must be together; it started at "
                     "an earlier line",
                     pb_load__get(c, PO_ENTRY));
        return pb_load__at(c, PO_ENTRY, PB_EINVAL, err);
    }
    keep(&s->id, c, PO_ENTRY);
    pb_entry_reset(s->e);
    pb_entry_set_source(s->e, SOURCE, pb_buf_str(&s->id));
    s->lines[0] = c->line;
    if ((rc = pb_load__date(c, PO_DATE, true, &date, NULL, err)) != PB_OK ||
        (rc = pb_load__text(c, PO_DESC, true, &t, err)) != PB_OK)
        return rc;
    pb_entry_set_date(s->e, date);
    pb_entry_set_description(s->e, t);
    pb_entry_set_reference(s->e, pb_load__get(c, PO_REF));
    s->period_num = -1;
    if (pb_load__has(c, PO_PERIOD)) {
        t = pb_load__get(c, PO_PERIOD);
        skip = t[0] == 'P' || t[0] == 'p';
        num = strtol(t + skip, &end, 10);
        if (*end != '\0' || end == t + skip ||
            !(num == 0 || (num >= 13 && num <= PB_PERIOD_MAX)))
            return pb_load__at(c, PO_PERIOD,
                               pb_error_set(err, PB_EINVAL,
                                            "\"%s\": give P0 (opening) or "
                                            "P13-P16 (year end), or leave it "
                                            "blank for the month of the date",
                                            t),
                               err);
        s->period_num = (int)num;
        pb_entry_set_period(s->e, (int)num);
    }
    keep(&s->date, c, PO_DATE);
    keep(&s->period, c, PO_PERIOD);
    keep(&s->desc, c, PO_DESC);
    keep(&s->ref, c, PO_REF);
    return PB_OK;
}

static int posting_row(pb_load__ctx *c, pb_error *err)
{
    pstate *s = state_get(c);
    size_t line;
    const char *account;
    int rc, k;

    if (!pb_load__has(c, PO_ENTRY))
        return pb_load__at(c, PO_ENTRY,
                           pb_error_set(err, PB_EINVAL, "a value is required"),
                           err);
    if (s->id.len == 0 || strcmp(pb_buf_str(&s->id),
                                 pb_load__get(c, PO_ENTRY)) != 0) {
        if ((rc = flush_entry(c, err)) != PB_OK)
            return rc;
        if (s->cap == 0) {
            s->cap = 16;
            s->lines = pb_xrealloc(s->lines, s->cap * sizeof *s->lines);
            s->elided = pb_xrealloc(s->elided, s->cap * sizeof *s->elided);
        }
        if ((rc = begin_entry(c, s, err)) != PB_OK)
            return rc;
    } else if ((rc = same_as_first(c, PO_DATE, &s->date, err)) != PB_OK ||
               (rc = same_as_first(c, PO_PERIOD, &s->period, err)) != PB_OK ||
               (rc = same_as_first(c, PO_DESC, &s->desc, err)) != PB_OK ||
               (rc = same_as_first(c, PO_REF, &s->ref, err)) != PB_OK) {
        return rc;
    }
    if ((rc = pb_load__text(c, PO_ACCOUNT, true, &account, err)) != PB_OK)
        return rc;
    if (pb_load__has(c, PO_AMOUNT)) {
        if ((rc = pb_load__amount(c, PO_AMOUNT, PB_MONEY_SCALE, &s->amount,
                                  err)) != PB_OK)
            return rc;
        line = pb_entry_add(s->e, account, &s->amount);
    } else {
        line = pb_entry_add(s->e, account, NULL);
    }
    if (line + 1 > s->cap) {
        s->cap *= 2;
        s->lines = pb_xrealloc(s->lines, s->cap * sizeof *s->lines);
        s->elided = pb_xrealloc(s->elided, s->cap * sizeof *s->elided);
    }
    s->lines[line] = c->line;
    s->elided[line] = !pb_load__has(c, PO_AMOUNT);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (pb_load__has(c, dim_cols[k]))
            pb_entry_set_dim(s->e, line, (pb_dim_kind)k,
                             pb_load__get(c, dim_cols[k]));
    }
    if (pb_load__has(c, PO_MEMO))
        pb_entry_set_memo(s->e, line, pb_load__get(c, PO_MEMO));
    return PB_OK;
}

const pb_load__kind_ops pb_load__postings = {
    PB_LOAD_POSTINGS, posting_cols,
    sizeof posting_cols / sizeof posting_cols[0],
    posting_row,      flush_entry,
    state_free};
