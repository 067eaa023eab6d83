/*
 * render_text.c - a report table for the terminal.
 *
 *   Budget monitoring
 *   =================
 *   As at:  2024-02-29 (2023-24 P11)
 *   Units:  £M, 2 decimal places, rounded half-up
 *
 *   Service area     Current budget  Forecast  Variance  ...  RAG
 *   ---------------  --------------  --------  --------       -----
 *   Long Term                 45.14     48.19    3.05 A       Red
 *   ...
 *
 * Columns are as wide as their widest cell or title word, counted in
 * UTF-8 characters, two spaces apart; titles wider than their column wrap
 * at spaces onto more header lines, bottom-aligned; numbers, percentages and
 * variances are right-aligned, text, indicators, arrows and dates left-aligned.
 * So that the digits of a column line up, a variance without a marker is padded
 * as if it had one ("0.00  " under "3.05 A") and a column that brackets
 * negatives pads the others by one (" 45.14 " over "(15.28)").  Nested rows
 * indent their label column two spaces a level.  Control characters
 * in text (a tab in a description) print as spaces.  A dashed rule sits
 * under the header, and above subtotal and total rows under the figures
 * they hold; a heading gets a blank line before it unless it follows
 * another.  Lines carry no trailing
 * spaces and end in "\n".
 */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "reports/render.h"
#include "reports/render_int.h"

#define MAX_PARAMS 32

static void pad(pb_buf *out, size_t n, char c)
{
    while (n-- > 0)
        pb_buf_putc(out, c);
}

/* Drops trailing spaces of the line being built (from `start`). */
static void end_line(pb_buf *out, size_t start)
{
    size_t n = out->len;

    while (n > start && out->data[n - 1] == ' ')
        n--;
    pb_buf_truncate(out, n);
    pb_buf_putc(out, '\n');
}

/* Control characters (a tab or newline in a description, an escape
 * sequence in a name loaded from a file) would break the layout or reach
 * the terminal: each becomes a space. */
static void blank_controls(char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            s[i] = ' ';
    }
}

/* Appends s as one line: with its control characters blanked. */
static void put_line(pb_buf *out, const char *s)
{
    size_t at = out->len;

    pb_buf_puts(out, s);
    blank_controls(out->data + at, out->len - at);
    pb_buf_putc(out, '\n');
}

/* The text of cell (r, c) as this renderer lays it out. */
static char *cell_text(const pb_table *t, size_t r, size_t c, size_t label)
{
    const pb_column *col = pb_table_column(t, c);
    pb_buf b = PB_BUF_INIT;

    if (c == label)
        pad(&b, 2 * (size_t)pb_table_row_level(t, r), ' ');
    pb_table_cell_format(&b, t, r, c, PB_FORM_DISPLAY);
    blank_controls(b.data, b.len);
    if (!pb_table_is_blank(t, r, c)) {
        if (col->type == PB_COL_VARIANCE) {
            /* Pad to the widest marker, so that digits line up. */
            const char *mk = pb_table_variance_marker(t, r, c);
            size_t wa = pb_render__width(col->adverse ? col->adverse : "A");
            size_t wf =
                pb_render__width(col->favourable ? col->favourable : "F");
            size_t w = wa > wf ? wa : wf;

            pad(&b, *mk == '\0' ? w + 1 : w - pb_render__width(mk), ' ');
        } else if (col->type == PB_COL_AMOUNT &&
                 col->negative == PB_NEG_BRACKETS && b.len > 0 &&
                 b.data[b.len - 1] != ')')
            pb_buf_putc(&b, ' ');
    }
    return b.data != NULL ? pb_buf_detach(&b) : pb_xstrdup("");
}

static void put_cell(pb_buf *out, const char *s, size_t width, int right)
{
    size_t w = pb_render__width(s);

    assert(w <= width);
    if (right)
        pad(out, width - w, ' ');
    pb_buf_puts(out, s);
    if (!right)
        pad(out, width - w, ' ');
}

/* A rule: dashes under every column (row == NONE), or under the numeric
 * cells that total row `row` fills. */
#define NONE ((size_t)-1)
static void rule(pb_buf *out, const pb_table *t, const size_t *width,
                 size_t row)
{
    size_t j, start = out->len, nc = pb_table_column_count(t);
    bool first = true;

    for (j = 0; j < nc; j++) {
        int dash =
            row == NONE || (pb_render__numeric(pb_table_column(t, j)->type) &&
                            !pb_table_is_blank(t, row, j));

        if (pb_table_column(t, j)->hidden)
            continue;
        if (!first)
            pb_buf_puts(out, "  ");
        first = false;
        pad(out, width[j], dash ? '-' : ' ');
    }
    end_line(out, start);
}

static void title_block(pb_buf *out, const pb_table *t)
{
    char *labels[MAX_PARAMS], *values[MAX_PARAMS];
    size_t n, i, lw = 0;
    const char *title = pb_table_params_get(t)->title;

    put_line(out, title);
    pad(out, pb_render__width(title), '=');
    pb_buf_putc(out, '\n');
    n = pb_render__params(t, labels, values, MAX_PARAMS);
    for (i = 0; i < n; i++) {
        size_t w = pb_render__width(labels[i]);

        if (w > lw)
            lw = w;
    }
    for (i = 0; i < n; i++) {
        pb_buf_printf(out, "%s:", labels[i]);
        pad(out, lw - pb_render__width(labels[i]) + 2, ' ');
        put_line(out, values[i]);
    }
    pb_render__params_free(labels, values, n);
    pb_buf_putc(out, '\n');
}

/* Width of the widest space-separated word of s. */
static size_t widest_word(const char *s)
{
    size_t best = 0;
    char *copy = pb_xstrdup(s), *w, *save = NULL;

    for (w = strtok_r(copy, " ", &save); w != NULL;
         w = strtok_r(NULL, " ", &save)) {
        size_t n = pb_render__width(w);

        if (n > best)
            best = n;
    }
    free(copy);
    return best;
}

/* Wraps title at spaces into lines of at most `width` characters (a
 * longer word gets a line of its own), '\n'-separated into out.  Returns
 * the number of lines. */
static size_t wrap(pb_buf *out, const char *title, size_t width)
{
    char *copy = pb_xstrdup(title), *w, *save = NULL;
    size_t lines = 1, used = 0;

    for (w = strtok_r(copy, " ", &save); w != NULL;
         w = strtok_r(NULL, " ", &save)) {
        size_t n = pb_render__width(w);

        if (used > 0 && used + 1 + n > width) {
            pb_buf_putc(out, '\n');
            lines++;
            used = 0;
        }
        if (used > 0) {
            pb_buf_putc(out, ' ');
            used++;
        }
        pb_buf_puts(out, w);
        used += n;
    }
    free(copy);
    return lines;
}

/* The header: titles wrapped to their columns' widths, bottom-aligned so
 * each title sits on the rule. */
static void header(pb_buf *out, const pb_table *t, const size_t *width)
{
    size_t nc = pb_table_column_count(t), j, k, height = 1, start;
    pb_buf *titles = pb_xcalloc(nc ? nc : 1, sizeof *titles);
    size_t *lines = pb_xcalloc(nc ? nc : 1, sizeof *lines);
    const char **next = pb_xcalloc(nc ? nc : 1, sizeof *next);

    for (j = 0; j < nc; j++) {
        if (pb_table_column(t, j)->hidden)
            continue;
        lines[j] = wrap(&titles[j], pb_table_column(t, j)->title, width[j]);
        next[j] = pb_buf_str(&titles[j]);
        if (lines[j] > height)
            height = lines[j];
    }
    for (k = 0; k < height; k++) {
        bool first = true;

        start = out->len;
        for (j = 0; j < nc; j++) {
            char *line = NULL;

            if (pb_table_column(t, j)->hidden)
                continue;
            if (!first)
                pb_buf_puts(out, "  ");
            first = false;
            if (k >= height - lines[j]) {
                size_t n = strcspn(next[j], "\n");

                line = pb_xstrndup(next[j], n);
                next[j] += n + (next[j][n] == '\n');
            }
            put_cell(out, line != NULL ? line : "", width[j],
                     pb_render__numeric(pb_table_column(t, j)->type));
            free(line);
        }
        end_line(out, start);
    }
    for (j = 0; j < nc; j++)
        pb_buf_clear(&titles[j]);
    free(titles);
    free(lines);
    free(next);
}

void pb_render_text(pb_buf *out, const pb_table *t)
{
    size_t nc = pb_table_column_count(t), nr = pb_table_row_count(t);
    size_t label = pb_table_label_column(t), i, j, start;
    bool first;
    size_t *width = pb_xcalloc(nc ? nc : 1, sizeof *width);
    char **cells = pb_xcalloc(nr * nc > 0 ? nr * nc : 1, sizeof *cells);

    assert(pb_table_valid(t));
    title_block(out, t);
    for (j = 0; j < nc; j++)
        width[j] = widest_word(pb_table_column(t, j)->title);
    for (i = 0; i < nr; i++) {
        for (j = 0; j < nc; j++) {
            size_t w;

            cells[i * nc + j] = cell_text(t, i, j, label);
            w = pb_render__width(cells[i * nc + j]);
            if (w > width[j])
                width[j] = w;
        }
    }
    header(out, t, width);
    rule(out, t, width, NONE);
    for (i = 0; i < nr; i++) {
        pb_row_kind kind = pb_table_row_kind(t, i);

        if (kind == PB_ROW_SUBTOTAL || kind == PB_ROW_TOTAL)
            rule(out, t, width, i);
        else if (kind == PB_ROW_HEADING && i > 0 &&
                 pb_table_row_kind(t, i - 1) != PB_ROW_HEADING)
            pb_buf_putc(out, '\n');
        start = out->len;
        for (j = 0, first = true; j < nc; j++) {
            if (pb_table_column(t, j)->hidden)
                continue;
            if (!first)
                pb_buf_puts(out, "  ");
            first = false;
            put_cell(out, cells[i * nc + j], width[j],
                     pb_render__numeric(pb_table_column(t, j)->type));
        }
        end_line(out, start);
    }
    if (pb_table_note_count(t) > 0) {
        pb_buf_puts(out, "\nNotes:\n");
        for (i = 0; i < pb_table_note_count(t); i++) {
            pb_buf_printf(out, "  %zu. ", i + 1);
            put_line(out, pb_table_note(t, i));
        }
    }
    for (i = 0; i < nr * nc; i++)
        free(cells[i]);
    free(cells);
    free(width);
}
