/*
 * load.c - drives a load: the file, its header, the transaction and the
 * batch; and the field parsers every kind uses (load_int.h).
 *
 * Order of work, so that a bad file costs nothing: the whole input is
 * checked by the CSV reader when opened (encoding, BOM, NUL bytes), then
 * the header against the kind's columns, and only then is the write
 * transaction begun.  Rows are handled one at a time as they are read;
 * the first error rolls everything back.
 */
#include "importers/load.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "importers/load_int.h"
#include "importers/text.h"
#include "ledger/batch.h"
#include "ledger/sha256.h"
#include "ledger/suggest.h"

static const pb_load__kind_ops *const kinds[PB_LOAD_KIND_COUNT] = {
    &pb_load__partners,      &pb_load__pools,    &pb_load__streams,
    &pb_load__schemes,       &pb_load__accounts, &pb_load__profiles,
    &pb_load__budgets,       &pb_load__virements,
    &pb_load__contributions, &pb_load__outturns, &pb_load__postings,
    &pb_load__forecasts,
};

static const char *const kind_names[PB_LOAD_KIND_COUNT] = {
    "partners", "pools",     "streams",       "schemes",  "accounts",
    "profiles", "budgets",   "virements",     "contributions",
    "outturns", "postings",  "forecasts",
};

const char *pb_load_kind_name(pb_load_kind kind)
{
    assert(kind < PB_LOAD_KIND_COUNT);
    return kind_names[kind];
}

int pb_load_kind_parse(pb_load_kind *out, const char *text, pb_error *err)
{
    pb_suggest sg;
    size_t n = strlen(text);
    int k, rc;

    for (k = 0; k < PB_LOAD_KIND_COUNT; k++) {
        size_t len = strlen(kind_names[k]);

        /* "streams", or the singular "stream" */
        if (strcasecmp(text, kind_names[k]) == 0 ||
            (n + 1 == len && strncasecmp(text, kind_names[k], n) == 0)) {
            *out = (pb_load_kind)k;
            return PB_OK;
        }
    }
    pb_suggest_init(&sg, text);
    for (k = 0; k < PB_LOAD_KIND_COUNT; k++)
        pb_suggest_add(&sg, kind_names[k]);
    if (pb_suggest_best(&sg) != NULL)
        rc = pb_error_set(err, PB_EUSAGE,
                          "unknown kind \"%s\" (did you mean \"%s\"?)", text,
                          pb_suggest_best(&sg));
    else
        rc = pb_error_set(err, PB_EUSAGE,
                          "unknown kind \"%s\" (partners, pools, streams, "
                          "schemes, accounts, profiles, budgets, virements, "
                          "contributions, outturns, postings, forecasts)",
                          text);
    pb_suggest_clear(&sg);
    return rc;
}

const char *pb_load_header(pb_load_kind kind)
{
    static char headers[PB_LOAD_KIND_COUNT][512];
    const pb_load__kind_ops *ops;
    size_t i;

    assert(kind < PB_LOAD_KIND_COUNT);
    ops = kinds[kind];
    if (headers[kind][0] == '\0') {
        pb_buf b = PB_BUF_INIT;

        for (i = 0; i < ops->ncols; i++)
            pb_buf_printf(&b, "%s%s", i ? "," : "", ops->cols[i].name);
        snprintf(headers[kind], sizeof headers[kind], "%s", pb_buf_str(&b));
        pb_buf_clear(&b);
    }
    return headers[kind];
}

/* ---- values and parsers ------------------------------------------------ */

const char *pb_load__get(const pb_load__ctx *c, int col)
{
    return pb_buf_str(&c->val[col]);
}

bool pb_load__has(const pb_load__ctx *c, int col)
{
    return c->val[col].len > 0;
}

bool pb_load__present(const pb_load__ctx *c, int col)
{
    return c->idx[col] >= 0;
}

int pb_load__at(const pb_load__ctx *c, int col, int rc, pb_error *err)
{
    pb_error_locate(err, c->name, c->line, 0,
                    col >= 0 ? c->ops->cols[col].name : NULL);
    return rc;
}

static int blank(const pb_load__ctx *c, int col, pb_error *err)
{
    return pb_load__at(c, col,
                       pb_error_set(err, PB_EINVAL, "a value is required"),
                       err);
}

int pb_load__text(const pb_load__ctx *c, int col, bool required,
                  const char **out, pb_error *err)
{
    if (required && !pb_load__has(c, col))
        return blank(c, col, err);
    *out = pb_load__get(c, col);
    return PB_OK;
}

int pb_load__amount(const pb_load__ctx *c, int col, int max_scale,
                    pb_amount *out, pb_error *err)
{
    pb_amount_syntax syn = {max_scale, false};
    int rc;

    if (!pb_load__has(c, col))
        return blank(c, col, err);
    rc = pb_amount_parse(out, pb_load__get(c, col), c->val[col].len, &syn,
                         err);
    return rc == PB_OK ? PB_OK : pb_load__at(c, col, rc, err);
}

int pb_load__date(const pb_load__ctx *c, int col, bool required,
                  pb_date *out, bool *given, pb_error *err)
{
    const char *t = pb_load__get(c, col);
    size_t n = c->val[col].len;
    int rc;

    if (given != NULL)
        *given = n > 0;
    if (n == 0)
        return required ? blank(c, col, err) : PB_OK;
    /* 2024-04-01, or 01/04/2024 as Excel saves UK dates. */
    rc = pb_date_parse(out, t, n,
                       n >= 5 && t[4] == '-' ? PB_DATE_ISO : PB_DATE_DMY,
                       err);
    return rc == PB_OK ? PB_OK : pb_load__at(c, col, rc, err);
}

int pb_load__fy(const pb_load__ctx *c, int col, int *out, pb_error *err)
{
    int rc;

    if (!pb_load__has(c, col))
        return blank(c, col, err);
    rc = pb_fy_parse(out, pb_load__get(c, col), err);
    return rc == PB_OK ? PB_OK : pb_load__at(c, col, rc, err);
}

int pb_load__bool(const pb_load__ctx *c, int col, bool dflt, bool *out,
                  pb_error *err)
{
    static const char *const yes[] = {"yes", "y", "true", "1"};
    static const char *const no[] = {"no", "n", "false", "0"};
    const char *t = pb_load__get(c, col);
    size_t i;

    if (!pb_load__has(c, col)) {
        *out = dflt;
        return PB_OK;
    }
    for (i = 0; i < 4; i++) {
        if (strcasecmp(t, yes[i]) == 0 || strcasecmp(t, no[i]) == 0) {
            *out = strcasecmp(t, yes[i]) == 0;
            return PB_OK;
        }
    }
    return pb_load__at(c, col,
                       pb_error_set(err, PB_EINVAL,
                                    "\"%s\" is not yes or no", t),
                       err);
}

int pb_load__int(const pb_load__ctx *c, int col, int dflt, int *out,
                 pb_error *err)
{
    const char *t = pb_load__get(c, col);
    char *end;
    long v;

    if (!pb_load__has(c, col)) {
        *out = dflt;
        return PB_OK;
    }
    errno = 0;
    v = strtol(t, &end, 10);
    if (*end != '\0' || errno != 0 || v < -1000000 || v > 1000000)
        return pb_load__at(c, col,
                           pb_error_set(err, PB_EINVAL,
                                        "\"%s\" is not a whole number "
                                        "(-1000000 to 1000000)",
                                        t),
                           err);
    *out = (int)v;
    return PB_OK;
}

int pb_load__months(const pb_load__ctx *c, int first, int max_scale,
                    pb_amount months[PB_MONTHS], bool *given, pb_error *err)
{
    int i, rc;

    *given = false;
    for (i = 0; i < PB_MONTHS; i++)
        *given = *given || pb_load__has(c, first + i);
    if (!*given)
        return PB_OK;
    for (i = 0; i < PB_MONTHS; i++) {
        if (!pb_load__has(c, first + i)) {
            pb_amount_set_units(&months[i], 0, PB_MONEY_SCALE);
            continue;
        }
        if ((rc = pb_load__amount(c, first + i, max_scale, &months[i],
                                  err)) != PB_OK)
            return rc;
    }
    return PB_OK;
}

int pb_load__unique(pb_load__ctx *c, const char *what, const char *key,
                    int col, pb_error *err)
{
    int64_t line;

    if (pb_map_gets(&c->keys, key, &line))
        return pb_load__at(c, col,
                           pb_error_set(err, PB_EINVAL,
                                        "%s is given twice (first at line "
                                        "%lld)",
                                        what, (long long)line),
                           err);
    pb_map_puts(&c->keys, key, c->line);
    return PB_OK;
}

void pb_load__count(pb_load__ctx *c, pb_put_result r)
{
    switch (r) {
    case PB_PUT_ADDED: c->res->added++; break;
    case PB_PUT_UPDATED: c->res->updated++; break;
    default: c->res->unchanged++; break;
    }
}

int pb_load__done(pb_load__ctx *c, int rc, pb_put_result r, int col,
                  pb_error *err)
{
    if (rc != PB_OK)
        return pb_load__at(c, col, rc, err);
    pb_load__count(c, r);
    return PB_OK;
}

void pb_load__csv_field(pb_buf *out, const char *text, bool last)
{
    size_t n = strlen(text);
    bool quote = n > 0 && (text[0] == ' ' || text[n - 1] == ' ');
    const char *p;

    for (p = text; *p != '\0' && !quote; p++)
        quote = *p == ',' || *p == '"' || *p == '\n' || *p == '\r';
    if (!quote) {
        pb_buf_add(out, text, n);
    } else {
        pb_buf_putc(out, '"');
        for (p = text; *p != '\0'; p++) {
            if (*p == '"')
                pb_buf_putc(out, '"');
            pb_buf_putc(out, *p);
        }
        pb_buf_putc(out, '"');
    }
    pb_buf_putc(out, last ? '\n' : ',');
}

/* ---- the header -------------------------------------------------------- */

/* Matches header field `h` (normalised) against the kind's columns. */
static int column_of(const pb_load__kind_ops *ops, const char *h,
                     pb_buf *scratch)
{
    size_t i;

    for (i = 0; i < ops->ncols; i++) {
        pb_text_normalise_header(scratch, ops->cols[i].name,
                                 strlen(ops->cols[i].name));
        if (strcmp(pb_buf_str(scratch), h) == 0)
            return (int)i;
        if (ops->cols[i].alt != NULL) {
            pb_text_normalise_header(scratch, ops->cols[i].alt,
                                     strlen(ops->cols[i].alt));
            if (strcmp(pb_buf_str(scratch), h) == 0)
                return (int)i;
        }
    }
    return -1;
}

static int read_header(pb_load__ctx *c, pb_csv *csv, pb_error *err)
{
    const pb_load__kind_ops *ops = c->ops;
    pb_buf norm = PB_BUF_INIT, scratch = PB_BUF_INIT, list = PB_BUF_INIT;
    pb_suggest sg;
    size_t i, nunknown = 0, nmissing = 0;
    const char *first_unknown = NULL;
    int rc, col;

    for (i = 0; i < ops->ncols; i++)
        c->idx[i] = -1;
    rc = pb_csv_next(csv, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        rc = pb_error_set(err, PB_EINVAL,
                          "the file is empty; it needs a header row (%s)",
                          pb_load_header(ops->kind));
        pb_error_locate(err, c->name, 1, 0, NULL);
        return rc;
    }
    c->line = pb_csv_line(csv);
    c->nheader = pb_csv_count(csv);
    rc = PB_OK;
    for (i = 0; i < c->nheader; i++) {
        size_t n;
        const char *h = pb_csv_field(csv, i, &n);

        pb_text_normalise_header(&norm, h, n);
        if (norm.len == 0 && i + 1 == c->nheader && i > 0)
            break; /* Excel's trailing comma: a blank last header */
        col = column_of(ops, pb_buf_str(&norm), &scratch);
        if (col < 0) {
            pb_buf_printf(&list, "%s\"%s\"", nunknown ? ", " : "", h);
            if (nunknown++ == 0)
                first_unknown = h;
            continue;
        }
        if (c->idx[col] >= 0) {
            rc = pb_error_set(err, PB_EINVAL,
                              "column \"%s\" is given twice (columns %d and "
                              "%zu)",
                              ops->cols[col].name, c->idx[col] + 1, i + 1);
            pb_error_locate(err, c->name, c->line, 0, NULL);
            goto done;
        }
        c->idx[col] = (int)i;
    }
    if (nunknown > 0) {
        pb_text_normalise_header(&norm, first_unknown, strlen(first_unknown));
        pb_suggest_init(&sg, pb_buf_str(&norm));
        for (i = 0; i < ops->ncols; i++) {
            if (c->idx[i] < 0)
                pb_suggest_add(&sg, ops->cols[i].name);
        }
        if (nunknown == 1 && pb_suggest_best(&sg) != NULL)
            rc = pb_error_set(err, PB_EINVAL,
                              "unknown column %s (did you mean \"%s\"?); "
                              "a %s file has: %s",
                              pb_buf_str(&list), pb_suggest_best(&sg),
                              pb_load_kind_name(ops->kind),
                              pb_load_header(ops->kind));
        else
            rc = pb_error_set(err, PB_EINVAL,
                              "unknown column%s %s; a %s file has: %s",
                              nunknown == 1 ? "" : "s", pb_buf_str(&list),
                              pb_load_kind_name(ops->kind),
                              pb_load_header(ops->kind));
        pb_suggest_clear(&sg);
        pb_error_locate(err, c->name, c->line, 0, NULL);
        goto done;
    }
    pb_buf_reset(&list);
    for (i = 0; i < ops->ncols; i++) {
        if ((ops->cols[i].flags & PB_LOAD__REQUIRED) && c->idx[i] < 0)
            pb_buf_printf(&list, "%s\"%s\"", nmissing++ ? ", " : "",
                          ops->cols[i].name);
    }
    if (nmissing > 0) {
        rc = pb_error_set(err, PB_EINVAL, "missing column%s %s",
                          nmissing == 1 ? "" : "s", pb_buf_str(&list));
        pb_error_locate(err, c->name, c->line, 0, NULL);
    }
done:
    pb_buf_clear(&norm);
    pb_buf_clear(&scratch);
    pb_buf_clear(&list);
    return rc;
}

/* Copies the current record's values, trimmed, into c->val.  Returns 0
 * for a blank row (to skip), 1 for a row, or an error. */
static int take_row(pb_load__ctx *c, pb_csv *csv, pb_error *err)
{
    size_t n = pb_csv_count(csv), i, len;
    bool any = false;

    c->line = pb_csv_line(csv);
    for (i = 0; i < n; i++) {
        const char *f = pb_csv_field(csv, i, &len);

        pb_text_trim(&f, &len);
        if (len > 0 && i >= c->nheader)
            return pb_load__at(c, -1,
                               pb_error_set(err, PB_EINVAL,
                                            "the row has %zu fields; the "
                                            "header has %zu",
                                            n, c->nheader),
                               err);
        any = any || len > 0;
    }
    if (!any)
        return 0;
    if (n < c->nheader)
        return pb_load__at(c, -1,
                           pb_error_set(err, PB_EINVAL,
                                        "the row has %zu field%s; the header "
                                        "has %zu",
                                        n, n == 1 ? "" : "s", c->nheader),
                           err);
    for (i = 0; i < c->ops->ncols; i++) {
        pb_buf_reset(&c->val[i]);
        if (c->idx[i] >= 0) {
            const char *f = pb_csv_field(csv, (size_t)c->idx[i], &len);

            pb_text_trim(&f, &len);
            pb_buf_add(&c->val[i], f, len);
        }
    }
    return 1;
}

/* ---- driving a load ---------------------------------------------------- */

static void summary_note(pb_buf *out, const pb_load_result *r)
{
    pb_buf_printf(out, "%lld rows: %lld new, %lld updated, %lld unchanged",
                  (long long)r->rows, (long long)r->added,
                  (long long)r->updated, (long long)r->unchanged);
}

int pb_load_mem(pb_book *b, pb_load_kind kind, const char *name,
                const char *data, size_t len, unsigned flags,
                pb_load_result *out, pb_error *err)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;
    pb_load__ctx c;
    pb_csv *csv = NULL;
    pb_batch_info bi;
    pb_buf kind_text = PB_BUF_INIT, note = PB_BUF_INIT;
    uint8_t digest[PB_SHA256_LEN];
    char hex[PB_SHA256_HEX_LEN];
    size_t i;
    int rc;

    assert(kind < PB_LOAD_KIND_COUNT);
    assert(!pb_book_in_tx(b) && "a load runs in its own transaction");
    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    c.b = b;
    c.ops = kinds[kind];
    c.name = name != NULL ? name : "<memory>";
    c.res = out;
    pb_map_init(&c.keys);
    for (i = 0; i < PB_LOAD__MAX_COLS; i++)
        pb_buf_init(&c.val[i]);
    assert(c.ops->ncols <= PB_LOAD__MAX_COLS);

    rc = pb_csv_open_mem(&csv, c.name, data, len, &opt, err);
    if (rc == PB_OK)
        rc = read_header(&c, csv, err);
    if (rc != PB_OK)
        goto done;
    pb_sha256_digest(data, len, digest);
    pb_buf_printf(&kind_text, "load:%s", pb_load_kind_name(kind));
    memset(&bi, 0, sizeof bi);
    bi.kind = pb_buf_str(&kind_text);
    bi.source = c.name;
    bi.sha256 = pb_sha256_hex(digest, hex);
    bi.size = (int64_t)len;
    bi.detail = (flags & PB_LOAD_DRY_RUN) ? "dry run" : "";
    if ((rc = pb_book_begin(b, err)) != PB_OK)
        goto done;
    if ((rc = pb_batch_begin(b, &bi, &c.batch, err)) != PB_OK)
        goto done;
    while ((rc = pb_csv_next(csv, err)) == 1) {
        if ((rc = take_row(&c, csv, err)) < 0)
            break;
        if (rc == 0)
            continue;
        c.row_no = ++out->rows;
        if ((rc = c.ops->row(&c, err)) != PB_OK)
            break;
    }
    if (rc == 0 && c.ops->finish != NULL)
        rc = c.ops->finish(&c, err);
    if (rc != PB_OK)
        goto done;
    if (out->rows == 0) {
        rc = pb_error_set(err, PB_EINVAL, "no rows to load after the header");
        pb_error_locate(err, c.name, c.line + 1, 0, NULL);
        goto done;
    }
    summary_note(&note, out);
    rc = pb_batch_finish(b, c.batch, out->rows,
                         out->first_entry ? out->last_entry -
                                                out->first_entry + 1
                                          : 0,
                         pb_buf_str(&note), err);
    if (rc != PB_OK)
        goto done;
    if ((flags & PB_LOAD_DRY_RUN) || out->added + out->updated == 0) {
        pb_book_rollback(b);
    } else if ((rc = pb_book_commit(b, err)) == PB_OK) {
        out->batch_id = c.batch;
    }
done:
    if (rc != PB_OK) {
        if (pb_book_in_tx(b))
            pb_book_rollback(b);
        out->batch_id = 0;
    }
    if (c.ops->free_state != NULL)
        c.ops->free_state(&c);
    for (i = 0; i < PB_LOAD__MAX_COLS; i++)
        pb_buf_clear(&c.val[i]);
    pb_buf_clear(&c.key);
    pb_map_clear(&c.keys);
    pb_buf_clear(&kind_text);
    pb_buf_clear(&note);
    pb_csv_free(csv);
    return rc;
}

int pb_load_file(pb_book *b, pb_load_kind kind, const char *path,
                 unsigned flags, pb_load_result *out, pb_error *err)
{
    struct stat sb;
    FILE *f;
    char *data = NULL;
    size_t n = 0;
    int rc;

    memset(out, 0, sizeof *out);
    if (stat(path, &sb) != 0)
        return pb_error_set(err, PB_EIO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return pb_error_set(err, PB_EIO, "%s: not a regular file", path);
    f = fopen(path, "rb");
    if (f == NULL)
        return pb_error_set(err, PB_EIO, "%s: %s", path, strerror(errno));
    data = pb_xmalloc((size_t)sb.st_size + 1);
    n = fread(data, 1, (size_t)sb.st_size, f);
    if (ferror(f) || n != (size_t)sb.st_size) {
        rc = pb_error_set(err, PB_EIO, "%s: could not read the whole file",
                          path);
        fclose(f);
        free(data);
        return rc;
    }
    fclose(f);
    rc = pb_load_mem(b, kind, path, data, n, flags, out, err);
    free(data);
    return rc;
}
