/*
 * render_json.c - a report table as JSON for other programs (RFC 8259).
 *
 * One object, stable for consumers (version 1; members are only ever
 * added):
 *
 *   {"format": "poolbook-report", "version": 1,
 *    "report": "budget-monitoring", "title": "...",
 *    "parameters": {"pool": {"code", "name"} | null,
 *                   "period": {"code": 202311, "name": "2023-24 P11"} | null,
 *                   "as_at": "2024-02-29" | null, "units": "£M",
 *                   "places": 2, "rounding": "half-up", "currency": false,
 *                   "filters": [{"key", "label", "value"}...]},
 *    "columns": [{"key", "title", "type", "places"?, "negative"?}...],
 *    "rows": [{"kind": "detail", "level": 0, "cells": {KEY: CELL...}}...],
 *    "notes": ["..."],
 *    "charts": [{"title", "label", "series": [KEY, KEY]}...]}
 *
 * CELL by column type; a blank cell is null:
 *   text       "Long Term"
 *   amount     {"value": "45143210.17", "display": "45.14"}
 *   variance   {"value": "3051000.00", "marker": "A", "display": "3.05 A"}
 *              (value signed: positive adverse)
 *   percent    {"percent": "38.20", "display": "38.20%"}
 *   indicator  {"value": "red", "display": "Red"}
 *   arrow      {"value": "improving", "display": "↑"}
 *   integer    42
 *   date       "2024-09-30"
 *
 * "value" is the exact, unrounded amount in pounds as a canonical decimal
 * string (pb_amount_parse reads it back to the same value); "display" is
 * the text the other renderers print, rounded once.  No money is ever a
 * JSON number.  Percentages are rounded to the column's places (a
 * quotient need not have a finite decimal form).  Strings are escaped per
 * RFC 8259 (quote, backslash, control characters); other characters pass
 * through as UTF-8, invalid UTF-8 becomes U+FFFD.  Two-space indentation,
 * one row per line.
 */
#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "reports/render.h"
#include "reports/render_int.h"

static void jstr(pb_buf *out, const char *s)
{
    size_t n = strlen(s), k;
    int32_t cp;

    pb_buf_putc(out, '"');
    while (n > 0) {
        k = pb_render__utf8_next(s, n, &cp);
        switch (cp) {
        case '"':
            pb_buf_puts(out, "\\\"");
            break;
        case '\\':
            pb_buf_puts(out, "\\\\");
            break;
        case '\b':
            pb_buf_puts(out, "\\b");
            break;
        case '\f':
            pb_buf_puts(out, "\\f");
            break;
        case '\n':
            pb_buf_puts(out, "\\n");
            break;
        case '\r':
            pb_buf_puts(out, "\\r");
            break;
        case '\t':
            pb_buf_puts(out, "\\t");
            break;
        case -1:
            pb_buf_puts(out, "\\ufffd");
            break;
        default:
            if (cp < 0x20)
                pb_buf_printf(out, "\\u%04x", (unsigned)cp);
            else
                pb_buf_add(out, s, k);
        }
        s += k;
        n -= k;
    }
    pb_buf_putc(out, '"');
}

/* "Red" -> "red": the machine value of an indicator. */
static void jlower(pb_buf *out, const char *s)
{
    pb_buf b = PB_BUF_INIT;

    for (; *s != '\0'; s++)
        pb_buf_putc(&b, (char)tolower((unsigned char)*s));
    jstr(out, pb_buf_str(&b));
    pb_buf_clear(&b);
}

static void params(pb_buf *out, const pb_table *t)
{
    const pb_table_params *p = pb_table_params_get(t);
    char iso[PB_DATE_ISO_LEN], per[PB_PERIOD_STR_LEN];
    size_t i;

    pb_buf_puts(out, "  \"parameters\": {\n    \"pool\": ");
    if (p->pool_code != NULL) {
        pb_buf_puts(out, "{\"code\": ");
        jstr(out, p->pool_code);
        pb_buf_puts(out, ", \"name\": ");
        jstr(out, p->pool_name != NULL ? p->pool_name : "");
        pb_buf_putc(out, '}');
    } else {
        pb_buf_puts(out, "null");
    }
    pb_buf_puts(out, ",\n    \"period\": ");
    if (p->has_period) {
        pb_buf_printf(out, "{\"code\": %d, \"name\": ", (int)p->period);
        jstr(out, pb_period_str(p->period, p->fy_start, per));
        pb_buf_putc(out, '}');
    } else {
        pb_buf_puts(out, "null");
    }
    pb_buf_puts(out, ",\n    \"as_at\": ");
    if (p->has_as_at)
        jstr(out, pb_date_iso(p->as_at, iso));
    else
        pb_buf_puts(out, "null");
    pb_buf_puts(out, ",\n    \"units\": ");
    jstr(out, pb_table_units_name(p->units));
    pb_buf_printf(out, ",\n    \"places\": %d,\n    \"rounding\": ", p->places);
    jstr(out, pb_rounding_name(p->rounding));
    pb_buf_printf(out, ",\n    \"currency\": %s,\n    \"filters\": [",
                  p->currency ? "true" : "false");
    for (i = 0; i < pb_table_filter_count(t); i++) {
        const pb_table_filter *f = pb_table_filter_get(t, i);

        pb_buf_puts(out, i > 0 ? ",\n      {\"key\": " : "\n      {\"key\": ");
        jstr(out, f->key);
        pb_buf_puts(out, ", \"label\": ");
        jstr(out, f->label);
        pb_buf_puts(out, ", \"value\": ");
        jstr(out, f->value);
        pb_buf_putc(out, '}');
    }
    pb_buf_puts(out, i > 0 ? "\n    ]\n  },\n" : "]\n  },\n");
}

static void columns(pb_buf *out, const pb_table *t)
{
    size_t j;

    pb_buf_puts(out, "  \"columns\": [");
    for (j = 0; j < pb_table_column_count(t); j++) {
        const pb_column *c = pb_table_column(t, j);

        pb_buf_puts(out, j > 0 ? ",\n    {\"key\": " : "\n    {\"key\": ");
        jstr(out, c->key);
        pb_buf_puts(out, ", \"title\": ");
        jstr(out, c->title);
        pb_buf_puts(out, ", \"type\": ");
        jstr(out, pb_col_type_name(c->type));
        if (c->type == PB_COL_AMOUNT || c->type == PB_COL_VARIANCE ||
            c->type == PB_COL_PERCENT)
            pb_buf_printf(out, ", \"places\": %d",
                          c->places >= 0 ? c->places
                                         : pb_table_params_get(t)->places);
        if (c->type == PB_COL_AMOUNT)
            pb_buf_printf(out, ", \"negative\": \"%s\"",
                          c->negative == PB_NEG_BRACKETS ? "brackets"
                                                         : "minus");
        if (c->type == PB_COL_VARIANCE && c->adverse != NULL) {
            pb_buf_puts(out, ", \"markers\": {\"adverse\": ");
            jstr(out, c->adverse);
            pb_buf_puts(out, ", \"favourable\": ");
            jstr(out, c->favourable);
            pb_buf_putc(out, '}');
        }
        if (c->hidden)
            pb_buf_puts(out, ", \"hidden\": true");
        pb_buf_putc(out, '}');
    }
    pb_buf_puts(out, j > 0 ? "\n  ],\n" : "],\n");
}

static void cell(pb_buf *out, const pb_table *t, size_t r, size_t c,
                 pb_buf *tmp)
{
    const pb_column *col = pb_table_column(t, c);

    if (pb_table_is_blank(t, r, c)) {
        pb_buf_puts(out, "null");
        return;
    }
    pb_buf_reset(tmp);
    switch (col->type) {
    case PB_COL_TEXT:
        jstr(out, pb_table_text(t, r, c));
        return;
    case PB_COL_INTEGER:
        pb_buf_printf(out, "%" PRId64, pb_table_int(t, r, c));
        return;
    case PB_COL_DATE:
        pb_table_cell_format(tmp, t, r, c, PB_FORM_DISPLAY);
        jstr(out, pb_buf_str(tmp));
        return;
    case PB_COL_AMOUNT:
    case PB_COL_VARIANCE:
        pb_buf_puts(out, "{\"value\": ");
        pb_amount_format(tmp, pb_table_amount(t, r, c), NULL);
        jstr(out, pb_buf_str(tmp));
        if (col->type == PB_COL_VARIANCE) {
            pb_buf_puts(out, ", \"marker\": ");
            jstr(out, pb_table_variance_marker(t, r, c));
        }
        break;
    case PB_COL_PERCENT:
        pb_buf_puts(out, "{\"percent\": ");
        pb_table_cell_format(tmp, t, r, c, PB_FORM_PLAIN);
        jstr(out, pb_buf_str(tmp));
        break;
    case PB_COL_INDICATOR:
        pb_buf_puts(out, "{\"value\": ");
        jlower(out, pb_indicator_name(pb_table_indicator(t, r, c)));
        break;
    case PB_COL_ARROW:
        pb_buf_puts(out, "{\"value\": ");
        jstr(out, pb_arrow_name(pb_table_arrow(t, r, c)));
        break;
    }
    pb_buf_reset(tmp);
    pb_table_cell_format(tmp, t, r, c, PB_FORM_DISPLAY);
    pb_buf_puts(out, ", \"display\": ");
    jstr(out, pb_buf_str(tmp));
    pb_buf_putc(out, '}');
}

static void rows(pb_buf *out, const pb_table *t)
{
    pb_buf tmp = PB_BUF_INIT;
    size_t i, j;

    pb_buf_puts(out, "  \"rows\": [");
    for (i = 0; i < pb_table_row_count(t); i++) {
        pb_buf_puts(out, i > 0 ? ",\n    {\"kind\": " : "\n    {\"kind\": ");
        jstr(out, pb_row_kind_name(pb_table_row_kind(t, i)));
        pb_buf_printf(out, ", \"level\": %d, \"cells\": {",
                      pb_table_row_level(t, i));
        for (j = 0; j < pb_table_column_count(t); j++) {
            if (j > 0)
                pb_buf_puts(out, ", ");
            jstr(out, pb_table_column(t, j)->key);
            pb_buf_puts(out, ": ");
            cell(out, t, i, j, &tmp);
        }
        pb_buf_puts(out, "}}");
    }
    pb_buf_puts(out, i > 0 ? "\n  ],\n" : "],\n");
    pb_buf_clear(&tmp);
}

void pb_render_json(pb_buf *out, const pb_table *t)
{
    const pb_table_params *p = pb_table_params_get(t);
    size_t i;

    assert(pb_table_valid(t));
    pb_buf_puts(out, "{\n  \"format\": \"poolbook-report\",\n"
                     "  \"version\": 1,\n  \"report\": ");
    jstr(out, p->report);
    pb_buf_puts(out, ",\n  \"title\": ");
    jstr(out, p->title);
    pb_buf_puts(out, ",\n");
    params(out, t);
    columns(out, t);
    rows(out, t);
    pb_buf_puts(out, "  \"notes\": [");
    for (i = 0; i < pb_table_note_count(t); i++) {
        pb_buf_puts(out, i > 0 ? ",\n    " : "\n    ");
        jstr(out, pb_table_note(t, i));
    }
    pb_buf_puts(out, i > 0 ? "\n  ],\n" : "],\n");
    pb_buf_puts(out, "  \"charts\": [");
    for (i = 0; i < pb_table_chart_count(t); i++) {
        const pb_table_chart *c = pb_table_chart_get(t, i);

        pb_buf_puts(out, i > 0 ? ",\n    {\"title\": " : "\n    {\"title\": ");
        jstr(out, c->title);
        pb_buf_puts(out, ", \"label\": ");
        jstr(out, pb_table_column(t, c->label_col)->key);
        pb_buf_puts(out, ", \"series\": [");
        jstr(out, pb_table_column(t, c->series[0])->key);
        pb_buf_puts(out, ", ");
        jstr(out, pb_table_column(t, c->series[1])->key);
        pb_buf_puts(out, "]}");
    }
    pb_buf_puts(out, i > 0 ? "\n  ]\n}\n" : "]\n}\n");
}
