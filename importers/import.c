/*
 * import.c - the import driver: file -> reader -> engine -> journal, in
 * the caller's transaction, with provenance.
 *
 * Workload: a 1,000,000-row GL export.  The CSV is read into memory once
 * (hashed from the same bytes the reader scans); XML is hashed in a first
 * streaming pass and parsed in a second (xml.h), so memory stays bounded
 * by the record, not the file.  Per row the driver does one hash-map probe
 * for references repeated inside the file and, only when the book already
 * holds entries from the same source, one indexed lookup for rows
 * imported before; one pb_entry is reused for every row.
 *
 * Invariants: nothing is written before the file is known not to be an
 * earlier import; every entry posted names the batch, the source and the
 * file line; the import_batch row is written last, with the final counts.
 */
#include "importers/import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "importers/engine.h"
#include "importers/import_int.h"
#include "importers/reader.h"
#include "importers/xml.h"
#include "ledger/batch.h"
#include "ledger/buf.h"
#include "ledger/map.h"
#include "ledger/sha256.h"

#define CSV_MAX_BYTES ((size_t)2 << 30) /* a CSV export is read whole */
#define RULES_MAX_BYTES ((size_t)1 << 20)

/* ---- files --------------------------------------------------------------- */

/* Opens a regular file for reading (a FIFO or device is never read). */
static int open_regular(const char *path, const char *name, int *fd_out,
                        struct stat *sb, pb_error *err)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0 || fstat(fd, sb) != 0) {
        int e = errno;

        if (fd >= 0)
            close(fd);
        pb_error_set(err, PB_EIO, "cannot open: %s", strerror(e));
        pb_error_locate(err, name, 0, 0, NULL);
        return PB_EIO;
    }
    if (!S_ISREG(sb->st_mode)) {
        close(fd);
        pb_error_set(err, PB_EINVAL, "not a regular file");
        pb_error_locate(err, name, 0, 0, NULL);
        return PB_EINVAL;
    }
    *fd_out = fd;
    return PB_OK;
}

/* Reads all of fd (at most max bytes; `size` is the expected size, for
 * one allocation) into out, hashing it; out NULL: hash only. */
static int read_all(int fd, const char *name, size_t max, size_t size,
                    pb_buf *out, uint8_t digest[PB_SHA256_LEN], pb_error *err)
{
    pb_sha256 *h = pb_sha256_new();
    char chunk[1 << 16];
    ssize_t n;

    if (out != NULL && size <= max)
        pb_buf_reserve(out, size + 1);
    for (;;) {
        if (out != NULL) {
            if (out->cap - out->len < (1 << 16))
                pb_buf_reserve(out, 1 << 20);
            n = read(fd, out->data + out->len, out->cap - out->len - 1);
        } else {
            n = read(fd, chunk, sizeof chunk);
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pb_sha256_free(h);
            pb_error_set(err, PB_EIO, "cannot read: %s", strerror(errno));
            pb_error_locate(err, name, 0, 0, NULL);
            return PB_EIO;
        }
        if (n == 0)
            break;
        if (out != NULL) {
            pb_sha256_update(h, out->data + out->len, (size_t)n);
            out->len += (size_t)n;
            out->data[out->len] = '\0';
            if (out->len > max) {
                pb_sha256_free(h);
                pb_error_set(err, PB_EINVAL,
                             "the file is larger than %zu MiB; refused",
                             max >> 20);
                pb_error_locate(err, name, 0, 0, NULL);
                return PB_EINVAL;
            }
        } else {
            pb_sha256_update(h, chunk, (size_t)n);
        }
    }
    pb_sha256_final(h, digest);
    return PB_OK;
}

int pb_import_load_rules(pb_rules **out, const char *preset,
                         const char *rules_path, pb_error *err)
{
    pb_buf text = PB_BUF_INIT;
    uint8_t digest[PB_SHA256_LEN];
    struct stat sb;
    int fd, rc;

    *out = NULL;
    if (preset != NULL)
        return pb_rules_preset(out, preset, err);
    if ((rc = open_regular(rules_path, rules_path, &fd, &sb, err)) != PB_OK)
        return rc;
    rc = read_all(fd, rules_path, RULES_MAX_BYTES, (size_t)sb.st_size, &text,
                  digest, err);
    close(fd);
    if (rc == PB_OK)
        rc = pb_rules_parse(out, rules_path, pb_buf_str(&text), text.len, err);
    pb_buf_clear(&text);
    return rc;
}

void pb_import__prefix(pb_error *err, const char *prefix)
{
    size_t p = strlen(prefix), m;

    if (err == NULL || p >= sizeof err->msg)
        return;
    m = strlen(err->msg);
    if (p + m >= sizeof err->msg)
        m = sizeof err->msg - 1 - p;
    memmove(err->msg + p, err->msg, m);
    memcpy(err->msg, prefix, p);
    err->msg[p + m] = '\0';
}

/* ---- results ------------------------------------------------------------- */

void pb_import_result_init(pb_import_result *r)
{
    memset(r, 0, sizeof *r);
    pb_amount_init(&r->file_total);
    pb_amount_init(&r->posted_total);
}

static void sums_free(pb_import_sum *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(s[i].key);
        pb_amount_clear(&s[i].amount);
    }
    free(s);
}

void pb_import_result_clear(pb_import_result *r)
{
    size_t i;
    int k;

    if (r == NULL)
        return;
    pb_amount_clear(&r->file_total);
    pb_amount_clear(&r->posted_total);
    sums_free(r->accounts, r->naccounts);
    for (k = 0; k < PB_DIM_COUNT; k++)
        sums_free(r->dims[k], r->ndims[k]);
    for (i = 0; i < r->nunmatched; i++) {
        pb_amount_clear(&r->unmatched[i].amount);
        free(r->unmatched[i].description);
    }
    free(r->unmatched);
    memset(r, 0, sizeof *r);
}

/* Running sums keyed by code: a map to indices of a growing array. */
typedef struct sums {
    pb_map index;
    pb_import_sum *v;
    size_t n, cap;
} sums;

static void sums_add(sums *s, const char *key, const pb_amount *a)
{
    int64_t i;

    if (!pb_map_gets(&s->index, key, &i)) {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 16;
            s->v = pb_xrealloc(s->v, s->cap * sizeof *s->v);
        }
        i = (int64_t)s->n++;
        s->v[i].key = pb_xstrdup(key);
        pb_amount_init(&s->v[i].amount);
        pb_map_puts(&s->index, key, i);
    }
    pb_amount_add(&s->v[i].amount, &s->v[i].amount, a);
}

static int sum_cmp(const void *a, const void *b)
{
    return strcmp(((const pb_import_sum *)a)->key,
                  ((const pb_import_sum *)b)->key);
}

/* Moves the sums into the result, sorted by key. */
static void sums_take(sums *s, pb_import_sum **out, size_t *n)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, sum_cmp);
    *out = s->v;
    *n = s->n;
    pb_map_clear(&s->index);
    memset(s, 0, sizeof *s);
}

/* ---- references seen in this file ---------------------------------------
 * A set of byte strings with the line each was first seen on: one arena
 * for the keys and an open-addressing table of (hash, offset, line), so a
 * million references cost two arrays and no malloc per key. */

typedef struct ref_slot {
    uint64_t hash;
    uint32_t off; /* arena offset + 1; 0 = empty */
    uint32_t line;
} ref_slot;

typedef struct refset {
    pb_buf arena; /* keys, NUL-terminated */
    ref_slot *t;
    size_t cap, n; /* cap: power of two or 0; n < cap * 3 / 4 */
} refset;

static uint64_t ref_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 31);
}

static ref_slot *ref_find(const refset *rs, const char *key, uint64_t h)
{
    size_t mask = rs->cap - 1, i = (size_t)h & mask;

    for (;; i = (i + 1) & mask) {
        ref_slot *sl = &rs->t[i];

        if (sl->off == 0 ||
            (sl->hash == h && strcmp(rs->arena.data + sl->off - 1, key) == 0))
            return sl;
    }
}

/* Adds key first seen on `line`; if it was there, returns false and the
 * line it was first seen on in *first. */
static bool ref_add(refset *rs, const char *key, long line, long *first)
{
    uint64_t h = ref_hash(key);
    ref_slot *sl;

    if (rs->n + 1 > rs->cap / 4 * 3) {
        refset bigger = *rs;
        size_t i;

        bigger.cap = rs->cap ? rs->cap * 2 : 1024;
        bigger.t = pb_xcalloc(bigger.cap, sizeof *bigger.t);
        for (i = 0; i < rs->cap; i++) {
            if (rs->t[i].off != 0)
                *ref_find(&bigger, rs->arena.data + rs->t[i].off - 1,
                          rs->t[i].hash) = rs->t[i];
        }
        free(rs->t);
        *rs = bigger;
    }
    sl = ref_find(rs, key, h);
    if (sl->off != 0) {
        *first = (long)sl->line;
        return false;
    }
    sl->hash = h;
    sl->off = (uint32_t)rs->arena.len + 1;
    sl->line = (uint32_t)line;
    pb_buf_add(&rs->arena, key, strlen(key) + 1);
    rs->n++;
    return true;
}

static void refset_clear(refset *rs)
{
    pb_buf_clear(&rs->arena);
    free(rs->t);
    memset(rs, 0, sizeof *rs);
}

/* ---- the import ---------------------------------------------------------- */

typedef struct run {
    pb_book *book;
    const pb_import_options *opt;
    const pb_rules *rules;
    pb_import_result *res;
    const char *name;
    bool xml;
    bool prior; /* the book has entries from this source */
    int64_t batch;
    pb_entry *e;
    pb_amount neg;
    refset refs; /* reference or group key -> first line */
    sums accounts, dims[PB_DIM_COUNT];
    pb_buf where; /* "12" or "12-15" */
    /* the open group (group-by) */
    bool in_group, group_skipped;
    pb_buf group;
    long group_first, group_last; /* lines, or records for XML */
    long group_line;              /* file line of its first row */
    pb_buf group_tags;            /* its entry's tags: key NUL value NUL ... */
    pb_date group_date;
    int group_period;
    long *posting_line; /* [i]: file line of the group's posting i (1..) */
    size_t posting_cap, posting_noted;
    bool in_group_post; /* post() is posting the group */
} run;

/* Locates an error at a mapped row: line, and "record N: " for XML. */
static int at_row(run *r, const pb_mapped *m, const char *field, int rc,
                  pb_error *err)
{
    if (err == NULL)
        return rc;
    if (r->xml && m->number > 0 && err->file[0] == '\0') {
        char prefix[48];

        snprintf(prefix, sizeof prefix, "record %ld: ", m->number);
        pb_import__prefix(err, prefix);
    }
    pb_error_locate(err, r->name, m->line, 0, field);
    return rc;
}

static int seen_before(run *r, const char *ref, int *seen, pb_error *err)
{
    *seen = 0;
    if (!r->prior)
        return PB_OK;
    return pb_journal_source_seen(r->book, r->rules->source, ref, seen, err);
}

static const char *where_text(run *r, long first, long last)
{
    pb_buf_reset(&r->where);
    if (first == last)
        pb_buf_printf(&r->where, "%ld", first);
    else
        pb_buf_printf(&r->where, "%ld-%ld", first, last);
    return pb_buf_str(&r->where);
}

/* Where an entry came from, for its source_pos: "line 12", "lines 4-6",
 * "record 7", "records 3-5".  Borrowed until the next call. */
static const char *pos_text(run *r, long first, long last)
{
    pb_buf_reset(&r->where);
    pb_buf_printf(&r->where, "%s%s %ld", r->xml ? "record" : "line",
                  first == last ? "" : "s", first);
    if (first != last)
        pb_buf_printf(&r->where, "-%ld", last);
    return pb_buf_str(&r->where);
}

static const char *line_key(const run *r)
{
    return r->xml ? "source-record" : "source-line";
}

static void note_unmatched(run *r, const pb_mapped *m)
{
    pb_import_result *res = r->res;
    pb_import_unmatched *u;

    res->rows_unmatched++;
    if (res->nunmatched >= PB_IMPORT_UNMATCHED_MAX)
        return;
    if (res->nunmatched == 0)
        res->unmatched =
            pb_xcalloc(PB_IMPORT_UNMATCHED_MAX, sizeof *res->unmatched);
    u = &res->unmatched[res->nunmatched++];
    u->line = m->line;
    u->record = r->xml ? m->number : 0;
    u->date = m->date;
    pb_amount_init(&u->amount);
    pb_amount_set(&u->amount, m->posting);
    u->description = pb_xstrdup(m->description);
}

/* Whether the open group's entry already carries tag key=value. */
static bool group_has_tag(const run *r, const char *key, const char *value)
{
    const char *p = r->group_tags.data, *end = p + r->group_tags.len;

    while (p < end) {
        const char *v = p + strlen(p) + 1;

        if (strcmp(p, key) == 0)
            return strcmp(v, value) == 0;
        p = v + strlen(v) + 1;
    }
    return false;
}

/* Adds the row's posting (and its contra) to r->e.  In a group, the
 * row's tags go on its posting only where they differ from the entry's
 * (the first row's), and the posting's place in the entry is the row's
 * place in the group; an unmatched row's posting also names its line. */
static void add_row(run *r, const pb_mapped *m, bool grouped)
{
    size_t line, i;
    int k;

    line = pb_entry_add(r->e, m->account, m->posting);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (*m->dims[k] != '\0')
            pb_entry_set_dim(r->e, line, (pb_dim_kind)k, m->dims[k]);
    }
    if (*m->memo != '\0')
        pb_entry_set_memo(r->e, line, m->memo);
    if (grouped) {
        for (i = 0; i < m->ntags; i++) {
            if (!group_has_tag(r, m->tag_keys[i], m->tag_values[i]))
                pb_entry_add_tag(r->e, line, m->tag_keys[i], m->tag_values[i]);
        }
        if (!m->matched) {
            char num[24];

            snprintf(num, sizeof num, "%ld", r->xml ? m->number : m->line);
            pb_entry_add_tag(r->e, line, line_key(r), num);
            pb_entry_add_tag(r->e, line, "unmatched", "no rule matched");
        }
    }
    if (m->contra == NULL)
        return;
    pb_amount_neg(&r->neg, m->posting);
    line = pb_entry_add(r->e, m->contra, &r->neg);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (*m->contra_dims[k] != '\0')
            pb_entry_set_dim(r->e, line, (pb_dim_kind)k, m->contra_dims[k]);
    }
}

/* Posts r->e and adds it to the totals. */
static int post(run *r, long first, long last, long line, pb_error *err)
{
    pb_import_result *res = r->res;
    size_t i, n;
    int64_t id;
    int rc, k;

    pb_entry_set_batch(r->e, r->batch);
    rc = pb_journal_post(r->book, r->e, &id, err);
    if (rc != PB_OK) {
        size_t at = pb_entry_error_line(r->e);

        /* A group's refusal about one posting: that row's line. */
        if (r->in_group_post && at > 0 && at <= pb_entry_count(r->e))
            line = r->posting_line[at];
        if (r->xml && err != NULL && err->file[0] == '\0') {
            char prefix[64];

            snprintf(prefix, sizeof prefix,
                     "record %s: ", where_text(r, first, last));
            pb_import__prefix(err, prefix);
        }
        pb_error_locate(err, r->name, line, 0, NULL);
        return rc;
    }
    if (res->entries++ == 0)
        res->first_entry = id;
    res->last_entry = id;
    n = pb_entry_count(r->e);
    for (i = 1; i <= n; i++) {
        const pb_amount *a = pb_entry_amount(r->e, i);

        sums_add(&r->accounts, pb_entry_account(r->e, i), a);
        for (k = 0; k < PB_DIM_COUNT; k++) {
            const char *d = pb_entry_dim(r->e, i, (pb_dim_kind)k);

            if (d != NULL && *d != '\0')
                sums_add(&r->dims[k], d, a);
        }
    }
    if (r->opt->on_entry != NULL)
        return r->opt->on_entry(r->e, r->opt->ud);
    return PB_OK;
}

static void start_entry(run *r, const pb_mapped *m, const char *ref)
{
    pb_entry_reset(r->e);
    pb_entry_set_date(r->e, m->date);
    if (m->period >= 0)
        pb_entry_set_period(r->e, m->period);
    pb_entry_set_description(r->e, m->description);
    pb_entry_set_reference(r->e, m->reference);
    pb_entry_set_source(r->e, r->rules->source, *ref != '\0' ? ref : NULL);
}

/* One entry per row: the row's account against the contra. */
static int one_row(run *r, const pb_mapped *m, pb_error *err)
{
    pb_import_result *res = r->res;
    size_t i;
    long first;
    int seen, rc;

    if (r->refs.arena.len > UINT32_MAX / 2)
        return at_row(r, m, NULL,
                      pb_error_set(err, PB_ERANGE,
                                   "the file has too many source references"),
                      err);
    if (*m->source_ref != '\0') {
        if (!ref_add(&r->refs, m->source_ref, r->xml ? m->number : m->line,
                     &first)) {
            pb_error_set(err, PB_EINVAL,
                         "source reference \"%s\" is also on %s %ld: each "
                         "row needs its own (make source-ref more "
                         "specific)",
                         m->source_ref, r->xml ? "record" : "line", first);
            return at_row(r, m, NULL, PB_EINVAL, err);
        }
        if ((rc = seen_before(r, m->source_ref, &seen, err)) != PB_OK)
            return rc;
        if (seen) {
            res->rows_skipped++;
            return PB_OK;
        }
    }
    start_entry(r, m, m->source_ref);
    add_row(r, m, false);
    pb_entry_set_source_pos(r->e, pos_text(r, r->xml ? m->number : m->line,
                                           r->xml ? m->number : m->line));
    for (i = 0; i < m->ntags; i++)
        pb_entry_add_tag(r->e, 0, m->tag_keys[i], m->tag_values[i]);
    if (!m->matched)
        pb_entry_add_tag(r->e, 0, "unmatched", "no rule matched");
    if ((rc = post(r, r->xml ? m->number : m->line,
                   r->xml ? m->number : m->line, m->line, err)) != PB_OK)
        return rc;
    res->rows_posted++;
    pb_amount_add(&res->posted_total, &res->posted_total, m->amount);
    if (!m->matched)
        note_unmatched(r, m);
    return PB_OK;
}

/* Posts the open group, refusing one whose rows do not balance. */
static int close_group(run *r, pb_error *err)
{
    pb_amount debit, credit, diff;
    size_t i, n;
    int rc = PB_OK;

    if (!r->in_group)
        return PB_OK;
    r->in_group = false;
    if (r->group_skipped)
        return PB_OK;
    pb_amount_init(&debit);
    pb_amount_init(&credit);
    pb_amount_init(&diff);
    n = pb_entry_count(r->e);
    for (i = 1; i <= n; i++) {
        const pb_amount *a = pb_entry_amount(r->e, i);

        if (pb_amount_sign(a) > 0)
            pb_amount_add(&debit, &debit, a);
        else
            pb_amount_sub(&credit, &credit, a);
    }
    pb_amount_sub(&diff, &debit, &credit);
    if (!pb_amount_is_zero(&diff)) {
        pb_buf d = PB_BUF_INIT, c = PB_BUF_INIT, f = PB_BUF_INIT;

        pb_amount_format_grouped(&d, &debit);
        pb_amount_format_grouped(&c, &credit);
        pb_amount_format_grouped(&f, &diff);
        pb_error_set(err, PB_EUNBALANCED,
                     "the rows grouped as \"%s\" (%s %s) do not balance: "
                     "debits %s, credits %s, difference %s",
                     pb_buf_str(&r->group), r->xml ? "records" : "lines",
                     where_text(r, r->group_first, r->group_last),
                     pb_buf_str(&d), pb_buf_str(&c), pb_buf_str(&f));
        pb_error_locate(err, r->name, r->group_line, 0, NULL);
        pb_buf_clear(&d);
        pb_buf_clear(&c);
        pb_buf_clear(&f);
        rc = PB_EUNBALANCED;
    }
    pb_amount_clear(&debit);
    pb_amount_clear(&credit);
    pb_amount_clear(&diff);
    if (rc != PB_OK)
        return rc;
    pb_entry_set_source_pos(r->e,
                            pos_text(r, r->group_first, r->group_last));
    r->in_group_post = true;
    rc = post(r, r->group_first, r->group_last, r->group_line, err);
    r->in_group_post = false;
    return rc;
}

/* Records `line` as the file line of the open group's postings that have
 * none yet (those the row just added), for post() to locate a refusal. */
static void note_posting_lines(run *r, long line)
{
    size_t n = pb_entry_count(r->e), i;

    if (n >= r->posting_cap) {
        r->posting_cap = (n + 1) * 2;
        r->posting_line = pb_xrealloc(r->posting_line,
                                      r->posting_cap * sizeof *r->posting_line);
    }
    for (i = r->posting_noted + 1; i <= n; i++)
        r->posting_line[i] = line;
    r->posting_noted = n;
}

/* Rows grouped into one entry per group-by value. */
static int group_row(run *r, const pb_mapped *m, pb_error *err)
{
    pb_import_result *res = r->res;
    long here = r->xml ? m->number : m->line, first;
    int seen, rc;

    if (!r->in_group || strcmp(pb_buf_str(&r->group), m->group) != 0) {
        if ((rc = close_group(r, err)) != PB_OK)
            return rc;
        if (r->refs.arena.len > UINT32_MAX / 2)
            return at_row(
                r, m, NULL,
                pb_error_set(err, PB_ERANGE, "the file has too many groups"),
                err);
        if (!ref_add(&r->refs, m->group, here, &first)) {
            pb_error_set(err, PB_EINVAL,
                         "the rows grouped as \"%s\" are not together: the "
                         "group started on %s %ld (sort the export by it)",
                         m->group, r->xml ? "record" : "line", first);
            return at_row(r, m, NULL, PB_EINVAL, err);
        }
        r->in_group = true;
        pb_buf_reset(&r->group);
        pb_buf_puts(&r->group, m->group);
        r->group_first = r->group_last = here;
        r->group_line = m->line;
        r->group_date = m->date;
        r->group_period = m->period;
        if ((rc = seen_before(r, m->group, &seen, err)) != PB_OK)
            return rc;
        r->group_skipped = seen != 0;
        pb_buf_reset(&r->group_tags);
        r->posting_noted = 0;
        if (!r->group_skipped) {
            size_t i;

            start_entry(r, m, m->group);
            for (i = 0; i < m->ntags; i++) {
                pb_entry_add_tag(r->e, 0, m->tag_keys[i], m->tag_values[i]);
                pb_buf_add(&r->group_tags, m->tag_keys[i],
                           strlen(m->tag_keys[i]) + 1);
                pb_buf_add(&r->group_tags, m->tag_values[i],
                           strlen(m->tag_values[i]) + 1);
            }
        }
    } else if (m->date != r->group_date || m->period != r->group_period) {
        char a[PB_DATE_ISO_LEN], b[PB_DATE_ISO_LEN];

        pb_error_set(err, PB_EINVAL,
                     "the rows grouped as \"%s\" have different dates (%s "
                     "here, %s on %s %ld)",
                     m->group, pb_date_iso(m->date, a),
                     pb_date_iso(r->group_date, b), r->xml ? "record" : "line",
                     r->group_first);
        return at_row(r, m, NULL, PB_EINVAL, err);
    }
    r->group_last = here;
    if (r->group_skipped) {
        res->rows_skipped++;
        return PB_OK;
    }
    add_row(r, m, true);
    note_posting_lines(r, m->line);
    res->rows_posted++;
    pb_amount_add(&res->posted_total, &res->posted_total, m->amount);
    if (!m->matched)
        note_unmatched(r, m);
    return PB_OK;
}

static int source_has_entries(pb_book *b, const char *source, bool *out,
                              pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st,
                             "SELECT EXISTS (SELECT 1 FROM entry WHERE"
                             " source = ? AND source_ref IS NOT NULL)",
                             err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, source);
    rc = pb_stmt_step(st, err);
    *out = rc == PB_ROW && pb_stmt_int(st, 0) != 0;
    pb_stmt_release(st);
    return rc < 0 ? rc : PB_OK;
}

/* The newest import of this digest that was not undone, or 0. */
static int find_import(pb_book *b, const char *sha, int64_t *id, pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(b, &st,
                             "SELECT b.id FROM batch b JOIN import_batch i"
                             " ON i.batch_id = b.id WHERE b.sha256 = ?"
                             " AND b.status = 'done' AND NOT EXISTS"
                             " (SELECT 1 FROM import_undo u WHERE"
                             " u.undoes = b.id) ORDER BY b.id DESC LIMIT 1",
                             err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, sha);
    rc = pb_stmt_step(st, err);
    *id = rc == PB_ROW ? pb_stmt_int(st, 0) : 0;
    pb_stmt_release(st);
    return rc < 0 ? rc : PB_OK;
}

static int record_import(run *r, pb_error *err)
{
    const pb_import_result *res = r->res;
    pb_stmt *st;
    int rc;

    rc = pb_book_prepare(r->book, &st,
                         "INSERT INTO import_batch (batch_id, preset,"
                         " rules_file, rules_sha256, source, rows_read,"
                         " rows_posted, rows_skipped, rows_ignored,"
                         " rows_unmatched, entries, file_total,"
                         " posted_total, suspense, strict)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                         " ?, ?)",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, r->batch);
    pb_stmt_bind_text(st, 2, r->rules->preset);
    pb_stmt_bind_text(st, 3, r->opt->rules_file);
    pb_stmt_bind_text(st, 4, r->rules->sha256);
    pb_stmt_bind_text(st, 5, r->rules->source);
    pb_stmt_bind_int(st, 6, res->rows_read);
    pb_stmt_bind_int(st, 7, res->rows_posted);
    pb_stmt_bind_int(st, 8, res->rows_skipped);
    pb_stmt_bind_int(st, 9, res->rows_ignored);
    pb_stmt_bind_int(st, 10, res->rows_unmatched);
    pb_stmt_bind_int(st, 11, res->entries);
    if ((rc = pb_stmt_bind_money(st, 12, &res->file_total, err)) != PB_OK ||
        (rc = pb_stmt_bind_money(st, 13, &res->posted_total, err)) != PB_OK) {
        pb_stmt_release(st);
        return rc;
    }
    pb_stmt_bind_text(st, 14,
                      r->opt->strict || r->rules->strict ||
                              r->rules->suspense == NULL
                          ? ""
                          : r->rules->suspense);
    pb_stmt_bind_int(st, 15, r->opt->strict || r->rules->strict);
    return pb_stmt_run(st, err);
}

static int check_total(run *r, const pb_amount *total, pb_error *err)
{
    const pb_amount *want = r->opt->expect_total != NULL ? r->opt->expect_total
                            : r->rules->has_expect_total
                                ? &r->rules->expect_total
                                : NULL;
    pb_buf a = PB_BUF_INIT, b = PB_BUF_INIT, c = PB_BUF_INIT;
    pb_amount diff;

    if (want == NULL || pb_amount_cmp(total, want) == 0)
        return PB_OK;
    pb_amount_init(&diff);
    pb_amount_sub(&diff, total, want);
    pb_amount_format_grouped(&a, total);
    pb_amount_format_grouped(&b, want);
    pb_amount_format_grouped(&c, &diff);
    pb_error_set(err, PB_EINVAL,
                 "the file's total is %s, but %s expects %s (difference "
                 "%s)",
                 pb_buf_str(&a),
                 r->opt->expect_total != NULL ? "--expect-total"
                                              : "the rules' expect-total",
                 pb_buf_str(&b), pb_buf_str(&c));
    pb_error_locate(err, r->name, 0, 0, NULL);
    pb_buf_clear(&a);
    pb_buf_clear(&b);
    pb_buf_clear(&c);
    pb_amount_clear(&diff);
    return PB_EINVAL;
}

static int run_rows(run *r, pb_reader *rd, pb_engine *eng, pb_error *err)
{
    const pb_record *rec;
    const pb_mapped *m = NULL;
    int rc;

    while ((rc = pb_reader_next(rd, &rec, err)) == 1) {
        if ((rc = pb_engine_map(eng, rec, &m, err)) != PB_OK)
            return rc;
        if (m->kind == PB_MAPPED_NONE)
            continue;
        if (m->kind == PB_MAPPED_SKIP) {
            r->res->rows_ignored++;
            continue;
        }
        r->res->rows_read++;
        rc = r->rules->group_by.n > 0 ? group_row(r, m, err)
                                      : one_row(r, m, err);
        if (rc != PB_OK)
            return rc;
    }
    if (rc < 0)
        return rc;
    if (m != NULL && (rc = close_group(r, err)) != PB_OK)
        return rc;
    return check_total(r, pb_engine_total(eng), err);
}

int pb_import_file(pb_book *b, const pb_import_options *opt,
                   pb_import_result *res, pb_error *err)
{
    const pb_rules *rules = opt->rules;
    const char *name = opt->name != NULL ? opt->name : opt->path;
    pb_buf data = PB_BUF_INIT, kind = PB_BUF_INIT, detail = PB_BUF_INIT;
    uint8_t digest[PB_SHA256_LEN];
    pb_reader *rd = NULL;
    pb_engine *eng = NULL;
    pb_batch_info bi;
    struct stat sb;
    run r;
    int fd = -1, rc, k;

    if (!pb_book_in_write_tx(b))
        return pb_error_set(err, PB_EUSAGE,
                            "an import needs a write "
                            "transaction");
    memset(&r, 0, sizeof r);
    r.book = b;
    r.opt = opt;
    r.rules = rules;
    r.res = res;
    r.name = name;
    r.xml = rules->reader == PB_READER_XML;
    res->xml = r.xml;
    pb_amount_init(&r.neg);

    /* Read (CSV) or hash (XML) the file, and stop if it was imported. */
    if ((rc = open_regular(opt->path, name, &fd, &sb, err)) != PB_OK)
        goto done;
    rc = read_all(fd, name, CSV_MAX_BYTES, (size_t)sb.st_size,
                  r.xml ? NULL : &data, digest, err);
    close(fd);
    if (rc != PB_OK)
        goto done;
    pb_sha256_hex(digest, res->sha256);
    res->size = r.xml ? (int64_t)sb.st_size : (int64_t)data.len;
    if ((rc = find_import(b, res->sha256, &res->already, err)) != PB_OK ||
        res->already > 0)
        goto done;

    /* The reader and the engine: bad rules or a bad header stop here. */
    if (r.xml)
        rc = pb_xml_open(&rd, opt->path, name, rules, res->sha256, err);
    else
        rc = pb_reader_csv_open(&rd, name, pb_buf_str(&data), data.len, rules,
                                err);
    if (rc == PB_OK)
        rc = pb_engine_new(&eng, rules, name, r.xml, pb_book_fy_start(b),
                           opt->strict, err);
    if (rc == PB_OK)
        rc = source_has_entries(b, rules->source, &r.prior, err);
    if (rc != PB_OK)
        goto done;

    pb_buf_printf(&kind, "import:%s",
                  rules->preset != NULL && opt->rules_file == NULL
                      ? rules->preset
                      : "rules");
    if (opt->rules_file != NULL)
        pb_buf_printf(&detail, "rules %s", opt->rules_file);
    else
        pb_buf_printf(&detail, "preset %s", rules->preset);
    pb_buf_printf(&detail, " (rules sha256 %s)%s", rules->sha256,
                  opt->strict || rules->strict ? " strict" : "");
    memset(&bi, 0, sizeof bi);
    bi.kind = pb_buf_str(&kind);
    bi.source = name;
    bi.sha256 = res->sha256;
    bi.size = res->size;
    bi.detail = pb_buf_str(&detail);
    if ((rc = pb_batch_begin(b, &bi, &r.batch, err)) != PB_OK)
        goto done;
    res->batch = r.batch;

    r.e = pb_entry_new();
    rc = run_rows(&r, rd, eng, err);
    if (rc == PB_OK)
        pb_amount_set(&res->file_total, pb_engine_total(eng));
    if (rc == PB_OK)
        rc = pb_batch_finish(b, r.batch, res->rows_read, res->entries, NULL,
                             err);
    if (rc == PB_OK)
        rc = record_import(&r, err);
    sums_take(&r.accounts, &res->accounts, &res->naccounts);
    for (k = 0; k < PB_DIM_COUNT; k++)
        sums_take(&r.dims[k], &res->dims[k], &res->ndims[k]);
done:
    pb_reader_free(rd);
    pb_engine_free(eng);
    pb_entry_free(r.e);
    pb_amount_clear(&r.neg);
    refset_clear(&r.refs);
    pb_map_clear(&r.accounts.index);
    sums_free(r.accounts.v, r.accounts.n);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        pb_map_clear(&r.dims[k].index);
        sums_free(r.dims[k].v, r.dims[k].n);
    }
    pb_buf_clear(&r.where);
    pb_buf_clear(&r.group);
    pb_buf_clear(&r.group_tags);
    free(r.posting_line);
    pb_buf_clear(&data);
    pb_buf_clear(&kind);
    pb_buf_clear(&detail);
    return rc;
}

/* ---- undo ---------------------------------------------------------------- */

int pb_import_undo(pb_book *b, int64_t batch, const char *reason,
                   const pb_date *date, int64_t *undo_batch, int64_t *reversed,
                   pb_error *err)
{
    pb_stmt *st;
    pb_batch_info bi;
    pb_buf src = PB_BUF_INIT;
    int64_t *ids = NULL, undone = 0, ub = 0;
    size_t n = 0, cap = 0, i;
    int rc;

    if (reason == NULL || *reason == '\0')
        return pb_error_set(err, PB_EINVAL, "an undo needs a reason");
    rc = pb_book_prepare(b, &st,
                         "SELECT i.batch_id, (SELECT u.batch_id FROM"
                         " import_undo u WHERE u.undoes = i.batch_id)"
                         " FROM import_batch i WHERE i.batch_id = ?",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, batch);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW)
        undone = pb_stmt_int(st, 1);
    pb_stmt_release(st);
    if (rc == PB_DONE)
        return pb_error_set(err, PB_ENOTFOUND, "batch %lld is not an import",
                            (long long)batch);
    if (rc < 0)
        return rc;
    if (undone != 0)
        return pb_error_set(err, PB_EREFUSED,
                            "import batch %lld was already undone by batch "
                            "%lld",
                            (long long)batch, (long long)undone);

    /* The entries first: reversing appends to the table being read. */
    rc = pb_book_prepare(b, &st,
                         "SELECT e.id FROM entry e WHERE" PB_BATCH_ENTRIES_SQL
                         " AND e.reverses IS NULL AND NOT EXISTS"
                         " (SELECT 1 FROM entry r WHERE r.reverses = e.id)"
                         " ORDER BY e.id",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, batch);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            ids = pb_xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = pb_stmt_int(st, 0);
    }
    pb_stmt_release(st);
    if (rc < 0)
        goto done;

    pb_buf_printf(&src, "batch %lld", (long long)batch);
    memset(&bi, 0, sizeof bi);
    bi.kind = "import-undo";
    bi.source = pb_buf_str(&src);
    bi.size = -1;
    bi.detail = reason;
    if ((rc = pb_batch_begin(b, &bi, &ub, err)) != PB_OK)
        goto done;
    for (i = 0; i < n; i++) {
        rc = pb_journal_reverse(b, ids[i], date, reason, ub, NULL, err);
        if (rc != PB_OK) {
            char prefix[48];

            snprintf(prefix, sizeof prefix, "entry %lld: ", (long long)ids[i]);
            pb_import__prefix(err, prefix);
            goto done;
        }
    }
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO import_undo (batch_id, undoes, reason,"
                         " reversed) VALUES (?, ?, ?, ?)",
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_int(st, 1, ub);
    pb_stmt_bind_int(st, 2, batch);
    pb_stmt_bind_text(st, 3, reason);
    pb_stmt_bind_int(st, 4, (int64_t)n);
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        goto done;
    rc = pb_batch_finish(b, ub, (int64_t)n, (int64_t)n, reason, err);
    if (rc == PB_OK) {
        *reversed = (int64_t)n;
        if (undo_batch != NULL)
            *undo_batch = ub;
    }
done:
    free(ids);
    pb_buf_clear(&src);
    return rc;
}

/* ---- reading back -------------------------------------------------------- */

int pb_import_each(pb_book *b, int64_t batch,
                   int (*fn)(const pb_import_info *info, void *ud), void *ud,
                   pb_error *err)
{
    pb_import_info info;
    pb_amount ft, pt;
    pb_stmt *st;
    int rc, found = 0;

    rc = pb_book_prepare(
        b, &st,
        "SELECT i.batch_id, b.source, COALESCE(b.sha256, ''),"
        " COALESCE(b.size, -1), COALESCE(i.preset, ''),"
        " COALESCE(i.rules_file, ''), i.rules_sha256, i.source,"
        " b.created_by, b.created_at, i.rows_read, i.rows_posted,"
        " i.rows_skipped, i.rows_ignored, i.rows_unmatched, i.entries,"
        " i.file_total, i.posted_total, i.suspense, i.strict,"
        " COALESCE(u.batch_id, 0), COALESCE(u.reason, '')"
        " FROM import_batch i JOIN batch b ON b.id = i.batch_id"
        " LEFT JOIN import_undo u ON u.undoes = i.batch_id"
        " WHERE ?1 = 0 OR i.batch_id = ?1 ORDER BY i.batch_id",
        err);
    if (rc != PB_OK)
        return rc;
    pb_amount_init(&ft);
    pb_amount_init(&pt);
    pb_stmt_bind_int(st, 1, batch);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        found = 1;
        info.batch = pb_stmt_int(st, 0);
        info.file = pb_stmt_text(st, 1);
        info.sha256 = pb_stmt_text(st, 2);
        info.size = pb_stmt_int(st, 3);
        info.preset = pb_stmt_text(st, 4);
        info.rules_file = pb_stmt_text(st, 5);
        info.rules_sha256 = pb_stmt_text(st, 6);
        info.source = pb_stmt_text(st, 7);
        info.created_by = pb_stmt_text(st, 8);
        info.created_at = pb_stmt_text(st, 9);
        info.rows_read = pb_stmt_int(st, 10);
        info.rows_posted = pb_stmt_int(st, 11);
        info.rows_skipped = pb_stmt_int(st, 12);
        info.rows_ignored = pb_stmt_int(st, 13);
        info.rows_unmatched = pb_stmt_int(st, 14);
        info.entries = pb_stmt_int(st, 15);
        pb_stmt_money(st, 16, &ft);
        pb_stmt_money(st, 17, &pt);
        info.file_total = &ft;
        info.posted_total = &pt;
        info.suspense = pb_stmt_text(st, 18);
        info.strict = pb_stmt_int(st, 19) != 0;
        info.undone_by = pb_stmt_int(st, 20);
        info.undo_reason = pb_stmt_text(st, 21);
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_amount_clear(&ft);
    pb_amount_clear(&pt);
    if (rc == PB_DONE && batch != 0 && !found)
        return pb_error_set(err, PB_ENOTFOUND, "batch %lld is not an import",
                            (long long)batch);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_import_unmatched_each(pb_book *b, int64_t batch,
                             int (*fn)(int64_t entry, const char *date,
                                       const char *description,
                                       const pb_amount *amount,
                                       const char *where, void *ud),
                             void *ud, pb_error *err)
{
    pb_amount a;
    pb_stmt *st;
    int rc;

    rc = pb_book_prepare(
        b, &st,
        "SELECT e.id, e.date, e.description, p.amount,"
        " COALESCE('line ' || pl.value, 'record ' || pr.value,"
        "          e.source_pos, '')"
        " FROM entry e"
        " JOIN tag u ON u.entry_id = e.id AND u.key = 'unmatched'"
        " JOIN posting p ON p.entry_id = e.id"
        "  AND p.line = CASE u.line WHEN 0 THEN 1 ELSE u.line END"
        " LEFT JOIN tag pl ON pl.entry_id = e.id AND pl.line = u.line"
        "  AND u.line > 0 AND pl.key = 'source-line'"
        " LEFT JOIN tag pr ON pr.entry_id = e.id AND pr.line = u.line"
        "  AND u.line > 0 AND pr.key = 'source-record'"
        " WHERE" PB_BATCH_ENTRIES_SQL " ORDER BY e.id, p.line",
        err);
    if (rc != PB_OK)
        return rc;
    pb_amount_init(&a);
    pb_stmt_bind_int(st, 1, batch);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        pb_stmt_money(st, 3, &a);
        if ((rc = fn(pb_stmt_int(st, 0), pb_stmt_text(st, 1),
                     pb_stmt_text(st, 2), &a, pb_stmt_text(st, 4), ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_amount_clear(&a);
    return rc == PB_DONE ? PB_OK : rc;
}

int pb_import_accounts_each(pb_book *b, int64_t batch,
                            int (*fn)(const char *code, const char *name,
                                      const pb_amount *amount, void *ud),
                            void *ud, pb_error *err)
{
    pb_amount a;
    pb_stmt *st;
    int rc;

    rc = pb_book_prepare(b, &st,
                         "SELECT a.code, a.name, pb_sum(p.amount)"
                         " FROM entry e JOIN posting p ON p.entry_id = e.id"
                         " JOIN account a ON a.id = p.account_id"
                         " WHERE" PB_BATCH_ENTRIES_SQL " GROUP BY a.id"
                         " ORDER BY a.name",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_amount_init(&a);
    pb_stmt_bind_int(st, 1, batch);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        pb_stmt_money(st, 2, &a);
        if ((rc = fn(pb_stmt_text(st, 0), pb_stmt_text(st, 1), &a, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_amount_clear(&a);
    return rc == PB_DONE ? PB_OK : rc;
}
