/*
 * render_csv.c - a report table as CSV for spreadsheets (RFC 4180).
 *
 * Decisions (see render.h and docs/reports.md):
 *   - UTF-8 with a byte-order mark, CRLF line ends: Excel opens it with
 *     "£" and "↑" intact (without the BOM it assumes Windows-1252).
 *   - One header row, then one line per row, nothing else: the title
 *     block, notes and row kinds are for the other formats (JSON carries
 *     all of them).  Headers of money columns name the units,
 *     "Current budget (£M)", and percentage columns "(%)", because the
 *     cells below them are bare numbers.
 *   - Numbers are plain: rounded once like the text report, at the table's
 *     units and places, with "-" for negatives and no "£", grouping or
 *     brackets ("-15.28").  A percentage is the number of percent
 *     ("38.20").  A variance takes two columns: its magnitude ("3.05") and
 *     its marker column "... F/A" ("A", "F" or empty when exactly zero;
 *     a column with its own words, "... underspend/overspend").
 *   - Hidden columns (chart data) are left out.
 *   - Formula injection: a TEXT cell (or header) beginning with "=", "+",
 *     "-", "@", TAB or CR is written with a leading "'", so "=SUM(A1)"
 *     arrives as text.  Cells the program generates - numbers, dates,
 *     indicators, arrows (including the lone "-" of "unchanged") - are
 *     never prefixed.
 *   - A field is quoted when it holds ",", '"', CR or LF; quotes double.
 */
#include <string.h>

#include "reports/render.h"
#include "reports/render_int.h"

static void field(pb_buf *out, const char *s, int text)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    const char *p;

    if (quote)
        pb_buf_putc(out, '"');
    if (text && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
        pb_buf_putc(out, '\'');
    for (p = s; *p != '\0'; p++) {
        if (*p == '"')
            pb_buf_putc(out, '"');
        pb_buf_putc(out, *p);
    }
    if (quote)
        pb_buf_putc(out, '"');
}

static void header(pb_buf *out, const pb_table *t)
{
    const char *units = pb_table_units_name(pb_table_params_get(t)->units);
    pb_buf h = PB_BUF_INIT;
    size_t j;
    int first = 1;

    for (j = 0; j < pb_table_column_count(t); j++) {
        const pb_column *col = pb_table_column(t, j);

        if (col->hidden)
            continue;
        if (!first)
            pb_buf_putc(out, ',');
        first = 0;
        pb_buf_reset(&h);
        pb_buf_puts(&h, col->title);
        if (col->type == PB_COL_AMOUNT || col->type == PB_COL_VARIANCE)
            pb_buf_printf(&h, " (%s)", units);
        else if (col->type == PB_COL_PERCENT)
            pb_buf_puts(&h, " (%)");
        field(out, pb_buf_str(&h), 1);
        if (col->type == PB_COL_VARIANCE) {
            pb_buf_reset(&h);
            if (col->adverse != NULL)
                pb_buf_printf(&h, "%s %s/%s", col->title, col->favourable,
                              col->adverse);
            else
                pb_buf_printf(&h, "%s F/A", col->title);
            pb_buf_putc(out, ',');
            field(out, pb_buf_str(&h), 1);
        }
    }
    pb_buf_puts(out, "\r\n");
    pb_buf_clear(&h);
}

void pb_render_csv(pb_buf *out, const pb_table *t)
{
    pb_buf v = PB_BUF_INIT;
    size_t i, j;

    pb_buf_puts(out, "\xEF\xBB\xBF");
    header(out, t);
    for (i = 0; i < pb_table_row_count(t); i++) {
        int first = 1;

        for (j = 0; j < pb_table_column_count(t); j++) {
            pb_col_type type = pb_table_column(t, j)->type;

            if (pb_table_column(t, j)->hidden)
                continue;
            if (!first)
                pb_buf_putc(out, ',');
            first = 0;
            pb_buf_reset(&v);
            pb_table_cell_format(&v, t, i, j, PB_FORM_PLAIN);
            field(out, pb_buf_str(&v), type == PB_COL_TEXT);
            if (type == PB_COL_VARIANCE) {
                pb_buf_putc(out, ',');
                pb_buf_puts(out, pb_table_variance_marker(t, i, j));
            }
        }
        pb_buf_puts(out, "\r\n");
    }
    pb_buf_clear(&v);
}
