/*
 * export.c - ledger/hledger and beancount writers, and the book exporter.
 *
 * Workload: a whole book, up to millions of postings, written once.  The
 * exporter reads three statements in lockstep - entries by id, postings by
 * (entry, line), tags by (entry, line, key) - each a walk of its table's
 * primary key, so SQLite never sorts; accounts and dimension codes are
 * read once into arrays indexed by row id.  Each entry is built in a
 * reused arena and formatted into a buffer flushed to the FILE in large
 * writes.  Nothing is kept per entry after it is written.
 *
 * Formatting never fails (buffers abort on out-of-memory); only the final
 * write can, and it is checked once, with ferror, at the end.
 */
#include "ledger/export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/journal_int.h"
#include "ledger/map.h"

#define FLUSH_AT (1u << 16) /* bytes buffered before a write */

/* Keys the export writes itself: the first ten on entries and postings
 * (declared with `tag` in ledger files), then account metadata and keys
 * beancount reserves.  A free tag with one of these keys gains "tag-". */
#define NKEYS_WRITTEN 10 /* tag_keys_reserved[0..10): on entries, postings */

static const char *const tag_keys_reserved[] = {
    "entry", "ref",     "period",  "reverses", "reversed-by", "stream",
    "scheme", "partner", "cc",     "memo",     "type",        "code",
    "name",  "closed",  "filename", "lineno",   NULL};

/* ---- formats ----------------------------------------------------------- */

int pb_export_format_parse(pb_export_format *out, const char *name,
                           pb_error *err)
{
    if (strcmp(name, "ledger") == 0 || strcmp(name, "hledger") == 0 ||
        strcmp(name, "journal") == 0) {
        *out = PB_EXPORT_LEDGER;
        return PB_OK;
    }
    if (strcmp(name, "beancount") == 0) {
        *out = PB_EXPORT_BEANCOUNT;
        return PB_OK;
    }
    return pb_error_set(err, PB_EINVAL,
                        "unknown export format \"%s\" (expected ledger or "
                        "beancount)",
                        name);
}

const char *pb_export_format_name(pb_export_format fmt)
{
    return fmt == PB_EXPORT_BEANCOUNT ? "beancount" : "ledger";
}

/* ---- text -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (s[0] >= 0x80), or 0 if the
 * bytes there are not one (overlong forms, surrogates and values above
 * U+10FFFF are refused, as a strict reader would). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n, i;
    unsigned long cp;

    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Text modes of put_text(). */
enum {
    TEXT_PLAIN = 0,   /* controls -> space */
    TEXT_DESC = 1,    /* also ';' -> ',' (ledger descriptions) */
    TEXT_QUOTED = 2   /* also '"' and '\' escaped (beancount strings) */
};

/* Appends s with invalid UTF-8 replaced by U+FFFD and control characters
 * by spaces, then what `mode` adds. */
static void put_text(pb_buf *out, const char *s, int mode)
{
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

    while (*p != '\0') {
        if (*p >= 0x80) {
            size_t n = utf8_len(p);

            if (n == 0) {
                pb_buf_puts(out, "\xEF\xBF\xBD");
                p++;
            } else {
                pb_buf_add(out, p, n);
                p += n;
            }
            continue;
        }
        if (*p < 0x20 || *p == 0x7F)
            pb_buf_putc(out, ' ');
        else if (mode == TEXT_DESC && *p == ';')
            pb_buf_putc(out, ',');
        else if (mode == TEXT_QUOTED && (*p == '"' || *p == '\\')) {
            pb_buf_putc(out, '\\');
            pb_buf_putc(out, (char)*p);
        } else
            pb_buf_putc(out, (char)*p);
        p++;
    }
}

static void put_quoted(pb_buf *out, const char *s)
{
    pb_buf_putc(out, '"');
    put_text(out, s, TEXT_QUOTED);
    pb_buf_putc(out, '"');
}

void pb_export_pence(pb_buf *out, int64_t pence)
{
    pb_journal__pence(out, pence); /* the journal's canonical form */
}

/* ---- names ------------------------------------------------------------- */

static const char *bean_root(pb_account_type type)
{
    switch (type) {
    case PB_ACCOUNT_ASSET: return "Assets";
    case PB_ACCOUNT_LIABILITY: return "Liabilities";
    case PB_ACCOUNT_EQUITY: return "Equity";
    case PB_ACCOUNT_INCOME: return "Income";
    case PB_ACCOUNT_EXPENDITURE: return "Expenses";
    }
    return "Assets";
}

static void ledger_name(pb_buf *out, const char *name)
{
    size_t start = out->len;
    const char *p;

    for (p = name; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 0x20 || c == 0x7F)
            c = ' ';
        if (c == ' ' && (out->len == start || out->data[out->len - 1] == ' '))
            continue;
        if (c >= 0x80) {
            size_t n = utf8_len((const unsigned char *)p);

            if (n == 0) {
                pb_buf_puts(out, "\xEF\xBF\xBD");
            } else {
                pb_buf_add(out, p, n);
                p += n - 1;
            }
            continue;
        }
        if (out->len == start && (c == '(' || c == '['))
            c = '_';
        pb_buf_putc(out, (char)c);
    }
    while (out->len > start && out->data[out->len - 1] == ' ')
        pb_buf_truncate(out, out->len - 1);
    if (out->len == start)
        pb_buf_putc(out, '_');
}

/* One beancount component from segment [s, e). */
static void bean_component(pb_buf *out, const char *s, const char *e)
{
    size_t start = out->len;
    int word_start = 1;

    while (s < e) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x80) {
            size_t n = utf8_len((const unsigned char *)s);

            /* U+2019, the typographic apostrophe, is dropped like '\''. */
            if (n == 3 && (unsigned char)s[1] == 0x80 &&
                (unsigned char)s[2] == 0x99 && c == 0xE2) {
                s += 3;
                continue;
            }
            if (n == 0 || (size_t)(e - s) < n) {
                s++; /* invalid bytes are dropped from names */
                word_start = 1;
                continue;
            }
            pb_buf_add(out, s, n);
            s += n;
            word_start = 0;
            continue;
        }
        if (c == '\'') {
            s++;
            continue;
        }
        if (c == '&') {
            pb_buf_puts(out, "And");
            word_start = 1;
            s++;
            continue;
        }
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-') {
            if (c == '-' && out->len == start) {
                s++;
                continue;
            }
            if (word_start && c >= 'a' && c <= 'z')
                c = (unsigned char)(c - 'a' + 'A');
            pb_buf_putc(out, (char)c);
            word_start = 0;
            s++;
            continue;
        }
        word_start = 1;
        s++;
    }
    if (out->len == start)
        pb_buf_putc(out, 'X');
}

static void bean_name(pb_buf *out, const char *name, pb_account_type type)
{
    const char *seg = name, *colon = strchr(name, ':');
    pb_account_type first;

    pb_buf_puts(out, bean_root(type));
    if (colon != NULL) {
        char head[64];
        size_t n = (size_t)(colon - name);

        if (n < sizeof head) {
            memcpy(head, name, n);
            head[n] = '\0';
            if (pb_account_type_infer(&first, head) == PB_OK &&
                first == type)
                seg = colon + 1;
        }
    }
    for (;;) {
        const char *end = strchr(seg, ':');

        if (end == NULL)
            end = seg + strlen(seg);
        pb_buf_putc(out, ':');
        bean_component(out, seg, end);
        if (*end == '\0')
            break;
        seg = end + 1;
    }
}

void pb_export_account_name(pb_buf *out, pb_export_format fmt,
                            const char *name, pb_account_type type)
{
    if (fmt == PB_EXPORT_BEANCOUNT)
        bean_name(out, name, type);
    else
        ledger_name(out, name);
}

/* A free tag's key: kept unless it is one the export writes itself, when
 * it gains "tag-"; made a valid key for the syntax. */
static void put_tag_key(pb_buf *out, pb_export_format fmt, const char *key)
{
    size_t start = out->len, i;
    const char *p;

    for (i = 0; tag_keys_reserved[i] != NULL; i++) {
        if (strcmp(key, tag_keys_reserved[i]) == 0) {
            pb_buf_puts(out, "tag-");
            break;
        }
    }
    if (fmt == PB_EXPORT_BEANCOUNT) {
        /* [a-z][a-zA-Z0-9_-]+: at least two characters. */
        if (key[0] != '\0' && key[1] == '\0' && out->len == start)
            pb_buf_puts(out, "tag-");
        for (p = key; *p != '\0'; p++) {
            char c = *p;

            if (out->len == start) {
                if (c >= 'A' && c <= 'Z')
                    c = (char)(c - 'A' + 'a');
                else if (!(c >= 'a' && c <= 'z'))
                    pb_buf_puts(out, "t-");
            }
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '_'))
                c = '-';
            pb_buf_putc(out, c);
        }
    } else {
        /* No space, ':' (ends the key), ',' or ';'. */
        for (p = key; *p != '\0'; p++) {
            unsigned char c = (unsigned char)*p;

            if (c <= ' ' || c == ':' || c == ',' || c == ';' || c == 0x7F)
                c = '-';
            pb_buf_putc(out, (char)c);
        }
    }
    if (out->len == start)
        pb_buf_puts(out, "tag");
}

/* ---- writers ----------------------------------------------------------- */

void pb_export_preamble(pb_buf *out, pb_export_format fmt, const char *title,
                        pb_date first, const char *const *keys, size_t nkeys)
{
    char d[PB_DATE_ISO_LEN];
    size_t i;

    if (fmt == PB_EXPORT_BEANCOUNT) {
        pb_buf_puts(out, "; ");
        put_text(out, title, TEXT_PLAIN);
        pb_buf_puts(out, "\n; Amounts in GBP, debits positive.  Written by "
                         "poolbook export.\n\noption \"title\" ");
        put_quoted(out, title);
        pb_buf_printf(out,
                      "\noption \"operating_currency\" \"GBP\"\n\n"
                      "%s commodity GBP\n\n",
                      pb_date_iso(first, d));
        return;
    }
    pb_buf_puts(out, "; ");
    put_text(out, title, TEXT_PLAIN);
    pb_buf_puts(out, "\n; Amounts in GBP, debits positive.  Written by "
                     "poolbook export.\n\ncommodity GBP\n"
                     "    format 1000.00 GBP\n\n");
    /* Declared tags let `ledger --pedantic` check the file. */
    for (i = 0; i < NKEYS_WRITTEN; i++)
        pb_buf_printf(out, "tag %s\n", tag_keys_reserved[i]);
    for (i = 0; i < nkeys; i++) {
        pb_buf_puts(out, "tag ");
        put_tag_key(out, fmt, keys[i]);
        pb_buf_putc(out, '\n');
    }
    pb_buf_putc(out, '\n');
}

void pb_export_account_decl(pb_buf *out, pb_export_format fmt,
                            const pb_export_account *a)
{
    static const char hledger_type[] = {'A', 'L', 'E', 'R', 'X'};
    char d[PB_DATE_ISO_LEN];

    if (fmt == PB_EXPORT_BEANCOUNT) {
        pb_buf_printf(out, "%s open %s GBP\n", pb_date_iso(a->open, d),
                      a->name);
        pb_buf_puts(out, "  code: ");
        put_quoted(out, a->code);
        pb_buf_puts(out, "\n  name: ");
        put_quoted(out, a->book_name);
        pb_buf_putc(out, '\n');
        if (a->closed)
            pb_buf_printf(out, "%s close %s\n", pb_date_iso(a->close, d),
                          a->name);
        return;
    }
    pb_buf_printf(out, "account %s\n    ; type: %c\n    ; code: ", a->name,
                  hledger_type[a->type]);
    put_text(out, a->code, TEXT_PLAIN);
    pb_buf_putc(out, '\n');
    if (a->closed)
        pb_buf_printf(out, "    ; closed: %s\n", pb_date_iso(a->close, d));
}

/* "    ; key: value\n" (ledger) or "  key: value\n" (beancount), at the
 * entry's or a posting's indentation. */
static void ledger_tag(pb_buf *out, int posting, const char *key,
                       const char *value)
{
    pb_buf_puts(out, posting ? "        ; " : "    ; ");
    pb_buf_puts(out, key);
    pb_buf_puts(out, ": ");
    put_text(out, value, TEXT_PLAIN);
    pb_buf_putc(out, '\n');
}

static void bean_meta(pb_buf *out, int posting, const char *key,
                      const char *value)
{
    pb_buf_puts(out, posting ? "    " : "  ");
    pb_buf_puts(out, key);
    pb_buf_puts(out, ": ");
    put_quoted(out, value);
    pb_buf_putc(out, '\n');
}

static void put_meta(pb_buf *out, pb_export_format fmt, int posting,
                     const char *key, const char *value)
{
    if (fmt == PB_EXPORT_BEANCOUNT)
        bean_meta(out, posting, key, value);
    else
        ledger_tag(out, posting, key, value);
}

static void put_free_tags(pb_buf *out, pb_export_format fmt,
                          const pb_export_entry *e, size_t line)
{
    pb_buf key = PB_BUF_INIT;
    size_t i;

    for (i = 0; i < e->ntags; i++) {
        if (e->tags[i].line != line)
            continue;
        pb_buf_reset(&key);
        put_tag_key(&key, fmt, e->tags[i].key);
        put_meta(out, fmt, line != 0, pb_buf_str(&key), e->tags[i].value);
    }
    pb_buf_clear(&key);
}

static int has_text(const char *s) { return s != NULL && *s != '\0'; }

/* Characters (not bytes) of UTF-8 text, for alignment. */
static size_t text_width(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A reference fits a ledger code "(REF)" unless it holds ')' or controls. */
static int code_ok(const char *ref)
{
    const unsigned char *p;

    for (p = (const unsigned char *)ref; *p != '\0'; p++)
        if (*p == ')' || *p < 0x20 || *p == 0x7F)
            return 0;
    return 1;
}

void pb_export_entry_write(pb_buf *out, pb_export_format fmt,
                           const pb_export_entry *e, int fy_start)
{
    char d[PB_DATE_ISO_LEN], per[PB_PERIOD_STR_LEN];
    int pnum = pb_period_num(e->period);
    int adjust = e->period != 0 && (pnum == 0 || pnum > 12);
    int bean = fmt == PB_EXPORT_BEANCOUNT;
    size_t i;
    int k;

    pb_buf_puts(out, pb_date_iso(e->date, d));
    if (bean) {
        pb_buf_puts(out, " * ");
        put_quoted(out, e->description);
        if (e->reverses != 0)
            pb_buf_printf(out, " ^entry-%lld", (long long)e->reverses);
        if (e->reversed_by != 0)
            pb_buf_printf(out, " ^entry-%lld", (long long)e->id);
        pb_buf_putc(out, '\n');
        if (e->id != 0)
            pb_buf_printf(out, "  entry: %lld\n", (long long)e->id);
    } else {
        const char *desc = e->description != NULL ? e->description : "";

        pb_buf_puts(out, " *");
        if (has_text(e->reference) && code_ok(e->reference)) {
            pb_buf_puts(out, " (");
            put_text(out, e->reference, TEXT_PLAIN);
            pb_buf_putc(out, ')');
        } else if (desc[0] == '(') {
            pb_buf_puts(out, " ()"); /* else it would be read as a code */
        }
        pb_buf_putc(out, ' ');
        put_text(out, desc, TEXT_DESC);
        pb_buf_putc(out, '\n');
        if (e->id != 0)
            pb_buf_printf(out, "    ; entry: %lld\n", (long long)e->id);
    }
    if (has_text(e->reference) && (bean || !code_ok(e->reference)))
        put_meta(out, fmt, 0, "ref", e->reference);
    if (adjust)
        put_meta(out, fmt, 0, "period",
                 pb_period_str(e->period, fy_start, per));
    if (e->reverses != 0)
        pb_buf_printf(out, "%sreverses: %lld\n", bean ? "  " : "    ; ",
                      (long long)e->reverses);
    if (e->reversed_by != 0)
        pb_buf_printf(out, "%sreversed-by: %lld\n", bean ? "  " : "    ; ",
                      (long long)e->reversed_by);
    put_free_tags(out, fmt, e, 0);
    for (i = 0; i < e->npostings; i++) {
        const pb_export_posting *p = &e->postings[i];
        size_t width = text_width(p->account);

        pb_buf_puts(out, bean ? "  " : "    ");
        pb_buf_puts(out, p->account);
        /* Align amounts at column 50 when the name allows; always at least
         * two spaces (which end a ledger account name). */
        pb_buf_puts(out, "  ");
        for (; width < 40; width++)
            pb_buf_putc(out, ' ');
        pb_export_pence(out, p->pence);
        pb_buf_puts(out, " GBP\n");
        for (k = 0; k < PB_DIM_COUNT; k++) {
            if (has_text(p->dims[k]))
                put_meta(out, fmt, 1, pb_dim_kind_key((pb_dim_kind)k),
                         p->dims[k]);
        }
        if (has_text(p->memo))
            put_meta(out, fmt, 1, "memo", p->memo);
        put_free_tags(out, fmt, e, i + 1);
    }
    pb_buf_putc(out, '\n');
}

/* ---- the book ------------------------------------------------------------ */

typedef struct xaccount {
    char *name;      /* export name */
    char *book_name;
    char *code;
    pb_account_type type;
    int closed;
    pb_date close;
} xaccount;

typedef struct xstate {
    pb_book *b;
    pb_export_format fmt;
    FILE *f;
    int werr; /* errno of the first failed write, or 0 */
    pb_buf out;
    xaccount *acc;     /* indexed by account id */
    size_t nacc;
    char **dim;        /* dimension code by dim id, NULL if none */
    size_t ndim;
    pb_date first;     /* earliest entry date */
    int fy_start;
} xstate;

static int parse_iso(const char *text, pb_date *out)
{
    return pb_date_parse(out, text, strlen(text) < 10 ? strlen(text) : 10,
                         PB_DATE_ISO, NULL);
}

/* Write errors are sticky in the FILE and checked once, at the end. */
static void flush(xstate *s, int force)
{
    if (s->out.len >= FLUSH_AT || (force && s->out.len > 0)) {
        if (fwrite(s->out.data, 1, s->out.len, s->f) != s->out.len &&
            s->werr == 0)
            s->werr = errno != 0 ? errno : EIO;
        pb_buf_reset(&s->out);
    }
}

static int load_dims(xstate *s, pb_error *err)
{
    pb_stmt *st;
    int rc;

    rc = pb_book_prepare(s->b, &st, "SELECT id, code FROM dim ORDER BY id",
                         err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        int64_t id = pb_stmt_int(st, 0);

        if (id < 0)
            continue;
        if ((size_t)id >= s->ndim) {
            size_t n = (size_t)id + 1;

            s->dim = pb_xrealloc(s->dim, n * sizeof *s->dim);
            memset(s->dim + s->ndim, 0, (n - s->ndim) * sizeof *s->dim);
            s->ndim = n;
        }
        s->dim[id] = pb_xstrdup(pb_stmt_text(st, 1));
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

static const char *dim_code(const xstate *s, int64_t id)
{
    return id > 0 && (size_t)id < s->ndim ? s->dim[id] : NULL;
}

/* Accounts in name order, named for the format, collisions resolved. */
static int load_accounts(xstate *s, pb_error *err)
{
    pb_stmt *st;
    pb_map taken = PB_MAP_INIT;
    pb_buf name = PB_BUF_INIT;
    int64_t seen;
    int rc;

    rc = pb_book_prepare(
        s->b, &st,
        "SELECT a.id, a.code, a.name, a.type, a.closed,"
        " coalesce(a.closed_at, ''), a.opened_at,"
        " CASE WHEN a.closed THEN (SELECT max(e.date) FROM posting p"
        "   JOIN entry e ON e.id = p.entry_id WHERE p.account_id = a.id)"
        " END"
        " FROM account a ORDER BY a.name",
        err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        int64_t id = pb_stmt_int(st, 0);
        pb_account_type type;
        xaccount *a;
        pb_date d;

        if (id < 0)
            continue;
        if ((size_t)id >= s->nacc) {
            size_t n = (size_t)id + 1;

            s->acc = pb_xrealloc(s->acc, n * sizeof *s->acc);
            memset(s->acc + s->nacc, 0, (n - s->nacc) * sizeof *s->acc);
            s->nacc = n;
        }
        a = &s->acc[id];
        if (pb_account_type_parse(&type, pb_stmt_text(st, 3), err) != PB_OK) {
            rc = PB_ECORRUPT;
            break;
        }
        a->type = type;
        a->code = pb_xstrdup(pb_stmt_text(st, 1));
        a->book_name = pb_xstrdup(pb_stmt_text(st, 2));
        pb_buf_reset(&name);
        pb_export_account_name(&name, s->fmt, a->book_name, type);
        if (pb_map_gets(&taken, pb_buf_str(&name), &seen)) {
            pb_buf_putc(&name, '-');
            if (s->fmt == PB_EXPORT_BEANCOUNT)
                bean_component(&name, a->code, a->code + strlen(a->code));
            else
                ledger_name(&name, a->code);
        }
        pb_map_puts(&taken, pb_buf_str(&name), id);
        a->name = pb_xstrdup(pb_buf_str(&name));
        a->closed = pb_stmt_int(st, 4) != 0;
        if (a->closed) {
            /* Beancount refuses postings after a close: close on the later
             * of the closing day and the last posting's date. */
            pb_date last;

            if (parse_iso(pb_stmt_text(st, 5), &d) != PB_OK &&
                parse_iso(pb_stmt_text(st, 6), &d) != PB_OK)
                d = s->first;
            if (!pb_stmt_is_null(st, 7) &&
                parse_iso(pb_stmt_text(st, 7), &last) == PB_OK && last > d)
                d = last;
            if (d < s->first)
                d = s->first;
            a->close = d;
        }
    }
    pb_stmt_release(st);
    pb_map_clear(&taken);
    pb_buf_clear(&name);
    return rc == PB_DONE ? PB_OK : rc;
}

static int first_date(xstate *s, pb_error *err)
{
    pb_stmt *st;
    int rc;

    rc = pb_book_prepare(s->b, &st,
                         "SELECT coalesce((SELECT min(date) FROM entry),"
                         " (SELECT min(substr(opened_at, 1, 10)) FROM"
                         " account), '2000-01-01')",
                         err);
    if (rc != PB_OK)
        return rc;
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW && parse_iso(pb_stmt_text(st, 0), &s->first) != PB_OK)
        rc = pb_error_set(err, PB_ECORRUPT, "bad date \"%s\" in the book",
                          pb_stmt_text(st, 0));
    pb_stmt_release(st);
    return rc == PB_ROW ? PB_OK : rc < 0 ? rc : PB_ECORRUPT;
}

/* The distinct keys of free tags, in order. */
static int load_keys(xstate *s, char ***out, size_t *n, pb_error *err)
{
    pb_stmt *st;
    int rc;

    rc = pb_book_prepare(s->b, &st, "SELECT DISTINCT key FROM tag ORDER BY 1",
                         err);
    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        *out = pb_xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = pb_xstrdup(pb_stmt_text(st, 0));
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}

static void write_accounts(xstate *s)
{
    pb_export_account *list;
    size_t i, n = 0;

    /* s->acc is indexed by id; declare in export-name order. */
    list = pb_xcalloc(s->nacc + 1, sizeof *list);
    for (i = 0; i < s->nacc; i++) {
        const xaccount *a = &s->acc[i];

        if (a->name == NULL)
            continue;
        list[n].name = a->name;
        list[n].book_name = a->book_name;
        list[n].code = a->code;
        list[n].type = a->type;
        list[n].open = s->first;
        list[n].closed = a->closed != 0;
        list[n].close = a->close;
        n++;
    }
    for (i = 1; i < n; i++) { /* insertion sort: charts are small */
        pb_export_account t = list[i];
        size_t j = i;

        while (j > 0 && strcmp(list[j - 1].name, t.name) > 0) {
            list[j] = list[j - 1];
            j--;
        }
        list[j] = t;
    }
    for (i = 0; i < n; i++)
        pb_export_account_decl(&s->out, s->fmt, &list[i]);
    if (n > 0)
        pb_buf_putc(&s->out, '\n');
    free(list);
}

/* Posting and tag rows are copied into `arena` (a row's text is borrowed
 * only until its statement steps again); offsets, fixed up to pointers
 * once the entry is complete. */
typedef struct xposting {
    pb_export_posting p;
    size_t memo; /* arena offset */
} xposting;

typedef struct xtag {
    size_t line, key, value; /* offsets */
} xtag;

static int write_entries(xstate *s, pb_error *err)
{
    pb_stmt *se = NULL, *sp = NULL, *stg = NULL;
    xposting *ps = NULL;
    xtag *ts = NULL;
    pb_export_posting *pp = NULL;
    pb_export_tag *tt = NULL;
    size_t capp = 0, capt = 0;
    pb_buf arena = PB_BUF_INIT;
    int rc, prow, trow;

    rc = pb_book_prepare(s->b, &se,
                         "SELECT e.id, e.date, e.period, e.description,"
                         " e.reference, coalesce(e.reverses, 0),"
                         " coalesce(r.id, 0)"
                         " FROM entry e LEFT JOIN entry r ON r.reverses = e.id"
                         " ORDER BY e.id",
                         err);
    if (rc == PB_OK)
        rc = pb_book_prepare(s->b, &sp,
                             "SELECT entry_id, account_id, amount, stream_id,"
                             " scheme_id, partner_id, cc_id, memo"
                             " FROM posting ORDER BY entry_id, line",
                             err);
    if (rc == PB_OK)
        rc = pb_book_prepare(s->b, &stg,
                             "SELECT entry_id, line, key, value FROM tag"
                             " ORDER BY entry_id, line, key",
                             err);
    if (rc != PB_OK)
        goto done;
    prow = pb_stmt_step(sp, err);
    trow = pb_stmt_step(stg, err);
    while (prow >= 0 && trow >= 0 && (rc = pb_stmt_step(se, err)) == PB_ROW) {
        int64_t id = pb_stmt_int(se, 0);
        pb_export_entry e;
        size_t np = 0, nt = 0, i;

        memset(&e, 0, sizeof e);
        e.id = id;
        if (parse_iso(pb_stmt_text(se, 1), &e.date) != PB_OK) {
            rc = pb_error_set(err, PB_ECORRUPT, "entry %lld: bad date \"%s\"",
                              (long long)id, pb_stmt_text(se, 1));
            goto done;
        }
        e.period = (pb_period)pb_stmt_int(se, 2);
        e.description = pb_stmt_text(se, 3);
        e.reference = pb_stmt_text(se, 4);
        e.reverses = pb_stmt_int(se, 5);
        e.reversed_by = pb_stmt_int(se, 6);
        pb_buf_reset(&arena);
        pb_buf_putc(&arena, '\0');
        /* Postings with this entry id (ids are walked in the same order,
         * so rows of an entry are consecutive). */
        while (prow == PB_ROW && pb_stmt_int(sp, 0) == id) {
            int64_t aid = pb_stmt_int(sp, 1);
            xposting *x;
            int k;

            if (np == capp) {
                capp = capp ? capp * 2 : 8;
                ps = pb_xrealloc(ps, capp * sizeof *ps);
            }
            x = &ps[np++];
            memset(x, 0, sizeof *x);
            if (aid <= 0 || (size_t)aid >= s->nacc ||
                s->acc[aid].name == NULL) {
                rc = pb_error_set(err, PB_ECORRUPT,
                                  "entry %lld: unknown account id %lld",
                                  (long long)id, (long long)aid);
                goto done;
            }
            x->p.account = s->acc[aid].name;
            x->p.pence = pb_stmt_int(sp, 2);
            for (k = 0; k < PB_DIM_COUNT; k++)
                x->p.dims[k] = dim_code(s, pb_stmt_int(sp, 3 + k));
            x->memo = 0;
            if (pb_stmt_text(sp, 7)[0] != '\0') {
                x->memo = arena.len;
                pb_buf_add(&arena, pb_stmt_text(sp, 7),
                           strlen(pb_stmt_text(sp, 7)) + 1);
            }
            prow = pb_stmt_step(sp, err);
        }
        while (trow == PB_ROW && pb_stmt_int(stg, 0) < id)
            trow = pb_stmt_step(stg, err); /* tags of no entry: skip */
        while (trow == PB_ROW && pb_stmt_int(stg, 0) == id) {
            xtag *x;

            if (nt == capt) {
                capt = capt ? capt * 2 : 8;
                ts = pb_xrealloc(ts, capt * sizeof *ts);
            }
            x = &ts[nt++];
            x->line = (size_t)pb_stmt_int(stg, 1);
            x->key = arena.len;
            pb_buf_add(&arena, pb_stmt_text(stg, 2),
                       strlen(pb_stmt_text(stg, 2)) + 1);
            x->value = arena.len;
            pb_buf_add(&arena, pb_stmt_text(stg, 3),
                       strlen(pb_stmt_text(stg, 3)) + 1);
            trow = pb_stmt_step(stg, err);
        }
        if (prow < 0 || trow < 0)
            break;
        pp = pb_xrealloc(pp, (np + 1) * sizeof *pp);
        tt = pb_xrealloc(tt, (nt + 1) * sizeof *tt);
        for (i = 0; i < np; i++) {
            pp[i] = ps[i].p;
            pp[i].memo = ps[i].memo != 0 ? arena.data + ps[i].memo : NULL;
        }
        for (i = 0; i < nt; i++) {
            tt[i].line = ts[i].line;
            tt[i].key = arena.data + ts[i].key;
            tt[i].value = arena.data + ts[i].value;
        }
        e.postings = pp;
        e.npostings = np;
        e.tags = tt;
        e.ntags = nt;
        pb_export_entry_write(&s->out, s->fmt, &e, s->fy_start);
        flush(s, 0);
    }
    if (prow < 0)
        rc = prow;
    else if (trow < 0)
        rc = trow;
    else if (rc == PB_DONE)
        rc = PB_OK;
done:
    pb_stmt_release(se);
    pb_stmt_release(sp);
    pb_stmt_release(stg);
    free(ps);
    free(ts);
    free(pp);
    free(tt);
    pb_buf_clear(&arena);
    return rc;
}

int pb_export_book(pb_book *b, pb_export_format fmt, FILE *f, pb_error *err)
{
    xstate s;
    int rc, own_tx = !pb_book_in_tx(b);
    char **keys = NULL;
    size_t i, nkeys = 0;

    memset(&s, 0, sizeof s);
    s.b = b;
    s.fmt = fmt;
    s.f = f;
    s.fy_start = pb_book_fy_start(b);
    pb_buf_init(&s.out);
    rc = own_tx ? pb_book_begin_read(b, err) : PB_OK;
    if (rc == PB_OK)
        rc = first_date(&s, err);
    if (rc == PB_OK)
        rc = load_dims(&s, err);
    if (rc == PB_OK)
        rc = load_accounts(&s, err);
    if (rc == PB_OK)
        rc = load_keys(&s, &keys, &nkeys, err);
    if (rc == PB_OK) {
        pb_export_preamble(&s.out, fmt, "poolbook export", s.first,
                           (const char *const *)keys, nkeys);
        write_accounts(&s);
        rc = write_entries(&s, err);
    }
    if (rc == PB_OK) {
        flush(&s, 1);
        errno = 0;
        if (fflush(f) != 0 && s.werr == 0)
            s.werr = errno != 0 ? errno : EIO;
        if (s.werr == 0 && ferror(f))
            s.werr = EIO;
        if (s.werr != 0)
            rc = pb_error_set(err, PB_EIO, "cannot write the export: %s",
                              strerror(s.werr));
    }
    if (own_tx)
        pb_book_rollback(b);
    for (i = 0; i < s.nacc; i++) {
        free(s.acc[i].name);
        free(s.acc[i].book_name);
        free(s.acc[i].code);
    }
    free(s.acc);
    for (i = 0; i < s.ndim; i++)
        free(s.dim[i]);
    free(s.dim);
    for (i = 0; i < nkeys; i++)
        free(keys[i]);
    free(keys);
    pb_buf_clear(&s.out);
    return rc;
}
