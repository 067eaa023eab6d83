/*
 * reader.c - the reader interface and the CSV reader.
 *
 * The CSV reader sits on importers/csv (the RFC 4180 scanner) and adds
 * what an export needs: title lines before the header, the header found
 * by the rules' field names and their synonyms, columns bound once to
 * field slots, and rows checked to have the header's width.  Per row it
 * only copies field pointers into the slot array, so the engine pays
 * nothing for the indirection.
 */
#include "importers/reader.h"

#include <stdlib.h>
#include <string.h>

#include "importers/csv.h"
#include "ledger/buf.h"

#define AUTO_HEADER_LINES 30 /* header auto: records searched */

int pb_reader_next(pb_reader *r, const pb_record **out, pb_error *err)
{
    return r->ops->next(r, out, err);
}

void pb_reader_free(pb_reader *r)
{
    if (r != NULL)
        r->ops->free(r);
}

/* ---- CSV ---------------------------------------------------------------- */

typedef struct csv_reader {
    pb_reader base;
    const pb_rules *rules;
    pb_csv *csv;
    int *col;            /* per slot: column index, or -1 (absent) */
    size_t width;        /* fields a row must have */
    long header_line;    /* 0 without a header */
    const char **values; /* per slot */
    size_t *lens;
    pb_record rec;
    long rows;
} csv_reader;

static void csv_reader_free(pb_reader *base)
{
    csv_reader *c = (csv_reader *)base;

    if (c == NULL)
        return;
    pb_csv_free(c->csv);
    free(c->col);
    free(c->values);
    free(c->lens);
    free(c);
}

static bool blank_field(const char *s, size_t n)
{
    pb_text_trim(&s, &n);
    return n == 0;
}

static int csv_next(pb_reader *base, const pb_record **out, pb_error *err)
{
    csv_reader *c = (csv_reader *)base;
    const pb_rules *r = c->rules;
    size_t i, n;
    int rc;

    for (;;) {
        if ((rc = pb_csv_next(c->csv, err)) <= 0)
            return rc;
        n = pb_csv_count(c->csv);
        for (i = 0; i < n; i++) {
            size_t len;
            const char *f = pb_csv_field(c->csv, i, &len);

            if (!blank_field(f, len))
                break;
        }
        if (i == n)
            continue; /* an empty row: ,,,, */
        if (n != c->width) {
            if (c->header_line > 0)
                pb_error_set(err, PB_EINVAL,
                             "the row has %zu field%s; the header (line "
                             "%ld) has %zu",
                             n, n == 1 ? "" : "s", c->header_line, c->width);
            else
                pb_error_set(err, PB_EINVAL,
                             "the row has %zu field%s; 'columns' names %zu", n,
                             n == 1 ? "" : "s", c->width);
            pb_error_locate(err, pb_csv_name(c->csv), pb_csv_line(c->csv), 0,
                            NULL);
            return PB_EINVAL;
        }
        for (i = 0; i < r->nfields; i++) {
            if (c->col[i] < 0) {
                c->values[i] = "";
                c->lens[i] = 0;
            } else {
                c->values[i] =
                    pb_csv_field(c->csv, (size_t)c->col[i], &c->lens[i]);
            }
        }
        c->rec.line = pb_csv_line(c->csv);
        c->rec.number = ++c->rows;
        *out = &c->rec;
        return 1;
    }
}

static const pb_reader_ops csv_ops = {csv_next, csv_reader_free};

/* Binds every slot to a column of the current record (the header) or of
 * `names` (header no).  Returns how many required slots have no column;
 * `missing` (reset) describes the first. */
static size_t bind_columns(csv_reader *c, const char *const *names,
                           size_t nnames, pb_buf *missing)
{
    const pb_rules *r = c->rules;
    pb_buf norm = PB_BUF_INIT, cand = PB_BUF_INIT;
    size_t i, j, k, absent = 0;

    pb_buf_reset(missing);
    for (i = 0; i < r->nfields; i++) {
        const pb_rules_field *f = &r->fields[i];

        c->col[i] = -1;
        for (j = 0; j < nnames && c->col[i] < 0; j++) {
            pb_text_normalise_header(&cand, names[j], strlen(names[j]));
            if (cand.len == 0)
                continue;
            for (k = 0; f->synonyms[k] != NULL; k++) {
                pb_text_normalise_header(&norm, f->synonyms[k],
                                         strlen(f->synonyms[k]));
                if (strcmp(pb_buf_str(&norm), pb_buf_str(&cand)) == 0) {
                    c->col[i] = (int)j;
                    break;
                }
            }
        }
        if (c->col[i] < 0 && !f->optional) {
            if (absent++ == 0) {
                pb_buf_printf(missing,
                              "no column for field '%s' (looked "
                              "for: ",
                              f->name);
                for (k = 0; f->synonyms[k] != NULL; k++)
                    pb_buf_printf(missing, "%s%s", k ? ", " : "",
                                  f->synonyms[k]);
                pb_buf_puts(missing, "); the ");
                pb_buf_puts(missing, names == NULL || c->header_line > 0
                                         ? "header has: "
                                         : "columns are: ");
                for (j = 0; j < nnames; j++)
                    pb_buf_printf(missing, "%s%s", j ? ", " : "", names[j]);
            }
        }
    }
    pb_buf_clear(&norm);
    pb_buf_clear(&cand);
    return absent;
}

/* The current record's fields as an array of borrowed strings. */
static const char **record_names(pb_csv *csv, size_t *n)
{
    const char **v;
    size_t i;

    *n = pb_csv_count(csv);
    v = pb_xcalloc(*n + 1, sizeof *v);
    for (i = 0; i < *n; i++)
        v[i] = pb_csv_field(csv, i, NULL);
    return v;
}

int pb_reader_csv_open(pb_reader **out, const char *name, const char *data,
                       size_t len, const pb_rules *rules, pb_error *err)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;
    csv_reader *c;
    pb_buf missing = PB_BUF_INIT, best = PB_BUF_INIT;
    const char **names = NULL;
    size_t nnames = 0, absent, best_absent = (size_t)-1;
    long i, best_line = 0;
    int rc;

    *out = NULL;
    c = pb_xcalloc(1, sizeof *c);
    c->base.ops = &csv_ops;
    c->rules = rules;
    c->col = pb_xcalloc(rules->nfields + 1, sizeof *c->col);
    c->values = pb_xcalloc(rules->nfields + 1, sizeof *c->values);
    c->lens = pb_xcalloc(rules->nfields + 1, sizeof *c->lens);
    c->rec.kind = PB_RECORD_ROW;
    c->rec.count = rules->nfields;
    c->rec.values = c->values;
    c->rec.lens = c->lens;
    opt.delimiter = rules->delimiter != 0 ? rules->delimiter
                                          : pb_csv_sniff_delimiter(data, len);
    opt.encoding = rules->encoding;
    if ((rc = pb_csv_open_mem(&c->csv, name, data, len, &opt, err)) != PB_OK)
        goto fail;
    for (i = 0; i < rules->skip; i++) {
        if ((rc = pb_csv_next(c->csv, err)) < 0)
            goto fail;
        if (rc == 0)
            break;
    }
    if (rules->header == PB_HEADER_NO) {
        c->width = rules->ncolumns;
        if (bind_columns(c, (const char *const *)rules->columns,
                         rules->ncolumns, &missing) > 0) {
            rc = pb_error_set(err, PB_EINVAL, "%s", pb_buf_str(&missing));
            pb_error_locate(err, name, 0, 0, NULL);
            goto fail;
        }
        rc = PB_OK;
        goto done;
    }
    for (i = 0; i < (rules->header == PB_HEADER_AUTO ? AUTO_HEADER_LINES : 1);
         i++) {
        if ((rc = pb_csv_next(c->csv, err)) < 0)
            goto fail;
        if (rc == 0)
            break;
        free(names);
        names = record_names(c->csv, &nnames);
        c->header_line = pb_csv_line(c->csv);
        absent = bind_columns(c, names, nnames, &missing);
        if (absent == 0) {
            c->width = nnames;
            rc = PB_OK;
            goto done;
        }
        if (absent < best_absent) {
            best_absent = absent;
            best_line = c->header_line;
            pb_buf_reset(&best);
            pb_buf_puts(&best, pb_buf_str(&missing));
        }
    }
    if (best_absent == (size_t)-1) {
        rc = pb_error_set(err, PB_EINVAL, "the file has no header row");
        pb_error_locate(err, name, 0, 0, NULL);
    } else {
        rc = pb_error_set(err, PB_EINVAL, "%s%s", pb_buf_str(&best),
                          rules->header == PB_HEADER_AUTO
                              ? " (no header row with every field was "
                                "found)"
                              : "");
        pb_error_locate(err, name, best_line, 0, NULL);
    }
    goto fail;
done:
    free(names);
    pb_buf_clear(&missing);
    pb_buf_clear(&best);
    *out = &c->base;
    return PB_OK;
fail:
    free(names);
    pb_buf_clear(&missing);
    pb_buf_clear(&best);
    csv_reader_free(&c->base);
    return rc;
}
