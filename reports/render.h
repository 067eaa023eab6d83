/*
 * render.h - printing a report table as text, CSV, JSON or HTML.
 *
 * Contents
 *   pb_report_format        the four output formats and their names
 *   pb_report_render        any table, any format, into a pb_buf or FILE
 *   pb_render_*             the renderers themselves (one file each)
 *   pb_render_html_chart    an inline SVG bar chart, for HTML reports
 *
 * Renderers read a pb_table (table.h) and never compute: every figure
 * they print is a cell rounded once by pb_table_cell_format() with the
 * table's units and rule, so the four formats always agree.  They cannot
 * fail (buffers abort when memory runs out); only writing to a FILE can.
 *
 *   text  aligned columns for a terminal, numbers right-aligned, a title
 *         block (pool, as-at date and period, units, filters), notes;
 *         widths count UTF-8 characters, so "£", "↑" and "↓" align.
 *   csv   RFC 4180 with CRLF line ends, UTF-8 with a byte-order mark (what
 *         Excel needs to read "£" and "↑" as UTF-8); the header row then
 *         the rows, nothing else.  Amounts are plain decimals at the
 *         table's units and places ("-15.28": no "£", grouping or
 *         brackets) and their headers name the units ("Income (£M)"); a
 *         variance is two columns, its magnitude and its "A"/"F" marker.
 *         A text cell that begins with = + - @ TAB or CR gets a leading
 *         "'" so a spreadsheet cannot run it as a formula; numbers and the
 *         generated arrow "-" are left alone.
 *   json  one object: parameters, column metadata, rows (cells by column
 *         key), notes.  Money is an exact decimal string, never a binary
 *         float: {"value": "45143210.17", "display": "45.14"}; text is
 *         escaped per RFC 8259 and stays UTF-8.
 *   html  one self-contained page (inline CSS, no script, no network) that
 *         prints on A4 landscape; adverse variances and Red flags marked
 *         by class, colour, weight and their own words, so they survive
 *         greyscale printing; the table's charts as inline SVG.  The
 *         markup is also well-formed XML (polyglot HTML5).
 */
#ifndef PB_RENDER_H
#define PB_RENDER_H

#include <stdio.h>

#include "ledger/buf.h"
#include "ledger/error.h"
#include "reports/table.h"

typedef enum pb_report_format {
    PB_FORMAT_TEXT = 0,
    PB_FORMAT_CSV,
    PB_FORMAT_JSON,
    PB_FORMAT_HTML
} pb_report_format;

/* "text", "csv", "json" or "html" (also "txt", "htm").  PB_EINVAL naming
 * the accepted names otherwise. */
int pb_report_format_parse(pb_report_format *out, const char *name,
                           pb_error *err);
const char *pb_report_format_name(pb_report_format f);
/* The format a file name's extension implies (.txt .csv .json .html
 * .htm, any case); PB_ENOTFOUND (no message) for any other name. */
int pb_report_format_from_path(pb_report_format *out, const char *path);

/* Appends the table rendered in format f to out. */
void pb_report_render(pb_buf *out, const pb_table *t, pb_report_format f);
/* Renders to a stream and flushes it.  PB_EIO if writing fails. */
int pb_report_render_file(FILE *f, const pb_table *t, pb_report_format fmt,
                          pb_error *err);

void pb_render_text(pb_buf *out, const pb_table *t);
void pb_render_csv(pb_buf *out, const pb_table *t);
void pb_render_json(pb_buf *out, const pb_table *t);
void pb_render_html(pb_buf *out, const pb_table *t);

/*
 * Appends an <svg> element drawing chart c of table t: for each detail row,
 * two horizontal bars (the chart's series) labelled with the row's label
 * and the values as the table prints them.  Bar lengths are whole pixels,
 * |value| x width / largest |value|, computed exactly from the unrounded
 * amounts and rounded half-up once; a zero chart draws no bars.  Blank
 * cells draw no bar.  Usable on its own inside any HTML or SVG document.
 */
void pb_render_html_chart(pb_buf *out, const pb_table *t,
                          const pb_table_chart *c);

#endif
