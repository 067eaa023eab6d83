/*
 * render_html.c - a report table as one self-contained, printable page,
 * and inline SVG bar charts.
 *
 * The page needs nothing else: CSS is inline, there is no script, no
 * font, image or link to fetch, so it can be mailed, archived with board
 * papers and printed (A4 landscape, header row repeated on each page).
 * It is polyglot HTML5: also well-formed XML (void elements closed, only
 * the five XML entities, numeric references otherwise), so XML tools can
 * read it and a test can check it strictly.
 *
 * Marking survives greyscale printing: an adverse variance is bold and
 * red and carries its "A"; a Red flag is bold on a tinted cell and says
 * "Red"; every marked cell also has a class (adverse, favourable, rag-red,
 * improving...) for anyone restyling the page.  Negative amounts in a
 * bracketed column keep their brackets; the other cells of that column
 * are padded by a bracket's width so the digits line up.
 *
 * Charts: a pb_table_chart becomes an <svg> after the table: per detail
 * row two horizontal bars (the two series) on one scale, integer geometry
 * computed exactly from the unrounded amounts (pb_render_html_chart).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "reports/render.h"
#include "reports/render_int.h"

#define MAX_PARAMS 32

static const char css[] =
    "body{font-family:\"Segoe UI\",Arial,Helvetica,sans-serif;"
    "font-size:10pt;color:#111;margin:24px;background:#fff}\n"
    "h1{font-size:15pt;margin:0 0 6px}\n"
    "h2{font-size:11pt;margin:18px 0 6px}\n"
    "dl.params{display:grid;grid-template-columns:max-content auto;"
    "gap:2px 12px;margin:0 0 14px}\n"
    "dl.params dt{font-weight:bold}\n"
    "dl.params dd{margin:0}\n"
    "table.report{border-collapse:collapse;margin:0 0 8px}\n"
    "table.report th,table.report td{padding:3px 8px;"
    "border-bottom:1px solid #d0d0d0;vertical-align:top}\n"
    "table.report th{background:#e8e8e8;border-bottom:2px solid #333;"
    "text-align:left;font-weight:bold}\n"
    "table.report .num{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}\n"
    "table.report th{vertical-align:bottom}\n"
    "table.report th,table.report th.num{width:5.5em;white-space:normal}\n"
    "table.report th.label{width:auto}\n"
    "table.report td.np{padding-right:calc(8px + 0.33em)}\n"
    "table.report th.arrow{text-align:center}\n"
    "table.report td.arrow{text-align:center;font-size:12pt;"
    "line-height:1}\n"
    "table.report .mk{display:inline-block;min-width:1.1em;"
    "text-align:right}\n"
    "table.report .mk.word{min-width:6.2em;text-align:left}\n"
    "tr.heading td{font-weight:bold;background:#f4f4f4;padding-top:8px}\n"
    "tr.subtotal td{font-weight:bold;border-top:1px solid #333}\n"
    "tr.total td{font-weight:bold;border-top:2px solid #333;"
    "border-bottom:3px double #333}\n"
    "tr.lvl-1 td.label{padding-left:24px}\n"
    "tr.lvl-2 td.label{padding-left:40px}\n"
    "tr.lvl-3 td.label{padding-left:56px}\n"
    "tr.lvl-4 td.label{padding-left:72px}\n"
    "tr.lvl-5 td.label{padding-left:88px}\n"
    "tr.lvl-6 td.label{padding-left:104px}\n"
    "td.adverse{color:#a50e0e;font-weight:bold}\n"
    "td.favourable{color:#1d6b2a}\n"
    "td.rag-red{background:#f4c7c3;color:#7f0000;font-weight:bold}\n"
    "td.rag-amber{background:#fde7b0;color:#6b4500}\n"
    "td.rag-green{background:#d9ead3;color:#1f4d13}\n"
    "td.rag-blue{background:#cfe2f3;color:#0b3660}\n"
    "td.improving{color:#1d6b2a}\n"
    "td.deteriorating{color:#a50e0e;font-weight:bold}\n"
    "ol.notes{margin:4px 0 0 20px;padding:0}\n"
    "div.chart svg{max-width:100%;height:auto}\n"
    "p.foot{color:#555;font-size:8.5pt;margin-top:16px}\n"
    "@media print{body{margin:0}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "tr{page-break-inside:avoid}}\n"
    "@page{size:A4 landscape;margin:12mm}\n";

static void esc(pb_buf *out, const char *s)
{
    pb_render__html_escape(out, s);
}

static void head(pb_buf *out, const pb_table *t)
{
    const char *title = pb_table_params_get(t)->title;
    char *labels[MAX_PARAMS], *values[MAX_PARAMS];
    size_t n, i;

    pb_buf_puts(out, "<!DOCTYPE html>\n"
                     "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
                     "lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                     "<meta name=\"viewport\" content=\"width=device-width, "
                     "initial-scale=1\"/>\n"
                     "<meta name=\"generator\" content=\"poolbook\"/>\n"
                     "<title>");
    esc(out, title);
    pb_buf_puts(out, "</title>\n<style>\n");
    pb_buf_puts(out, css);
    pb_buf_puts(out, "</style>\n</head>\n<body>\n<h1>");
    esc(out, title);
    pb_buf_puts(out, "</h1>\n<dl class=\"params\">\n");
    n = pb_render__params(t, labels, values, MAX_PARAMS);
    for (i = 0; i < n; i++) {
        pb_buf_puts(out, "<dt>");
        esc(out, labels[i]);
        pb_buf_puts(out, "</dt><dd>");
        esc(out, values[i]);
        pb_buf_puts(out, "</dd>\n");
    }
    pb_render__params_free(labels, values, n);
    pb_buf_puts(out, "</dl>\n");
}

static void td(pb_buf *out, const pb_table *t, size_t r, size_t c, size_t label,
               pb_buf *tmp)
{
    const pb_column *col = pb_table_column(t, c);
    const char *mk = "";
    pb_buf_reset(tmp);

    pb_buf_printf(out, "<td class=\"%s %s", col->key,
                  pb_render__numeric(col->type) ? "num" : "text");
    if (c == label)
        pb_buf_puts(out, " label");
    if (pb_table_is_blank(t, r, c)) {
        pb_buf_puts(out, "\"></td>");
        return;
    }
    switch (col->type) {
    case PB_COL_VARIANCE:
        mk = pb_table_variance_marker(t, r, c);
        if (pb_amount_sign(pb_table_amount(t, r, c)) > 0)
            pb_buf_puts(out, " adverse");
        else if (pb_amount_sign(pb_table_amount(t, r, c)) < 0)
            pb_buf_puts(out, " favourable");
        break;
    case PB_COL_AMOUNT:
        if (col->negative == PB_NEG_BRACKETS &&
            pb_amount_sign(pb_table_amount(t, r, c)) >= 0)
            pb_buf_puts(out, " np");
        break;
    case PB_COL_INDICATOR:
        pb_buf_printf(out, " ind rag-%s",
                      pb_table_indicator(t, r, c) == PB_IND_RED     ? "red"
                      : pb_table_indicator(t, r, c) == PB_IND_AMBER ? "amber"
                      : pb_table_indicator(t, r, c) == PB_IND_GREEN ? "green"
                                                                    : "blue");
        break;
    case PB_COL_ARROW:
        pb_buf_printf(out, " arrow %s\" title=\"%s",
                      pb_arrow_name(pb_table_arrow(t, r, c)),
                      pb_arrow_name(pb_table_arrow(t, r, c)));
        break;
    default:
        break;
    }
    pb_buf_puts(out, "\">");
    if (col->type == PB_COL_VARIANCE) {
        /* Magnitude, then the marker in a fixed-width box so that the
         * digits of "0.00" line up with those of "3.05 A". */
        pb_table_cell_format(tmp, t, r, c, PB_FORM_DISPLAY);
        if (*mk != '\0')
            pb_buf_truncate(tmp, tmp->len - strlen(mk) - 1);
        esc(out, pb_buf_str(tmp));
        pb_buf_printf(out, "<span class=\"mk%s\">%s",
                      col->adverse != NULL ? " word" : "",
                      *mk != '\0' ? "&#160;" : "");
        esc(out, mk);
        pb_buf_puts(out, "</span>");
    } else {
        pb_table_cell_format(tmp, t, r, c, PB_FORM_DISPLAY);
        esc(out, pb_buf_str(tmp));
    }
    pb_buf_puts(out, "</td>");
}

static void table(pb_buf *out, const pb_table *t)
{
    size_t label = pb_table_label_column(t), i, j;
    pb_buf tmp = PB_BUF_INIT;

    pb_buf_puts(out, "<table class=\"report\">\n<thead>\n<tr>");
    for (j = 0; j < pb_table_column_count(t); j++) {
        const pb_column *col = pb_table_column(t, j);

        if (col->hidden)
            continue;
        pb_buf_printf(out, "<th scope=\"col\" class=\"%s %s%s\">", col->key,
                      pb_render__numeric(col->type) ? "num"
                      : col->type == PB_COL_ARROW   ? "text arrow"
                                                    : "text",
                      j == label ? " label" : "");
        esc(out, col->title);
        pb_buf_puts(out, "</th>");
    }
    pb_buf_puts(out, "</tr>\n</thead>\n<tbody>\n");
    for (i = 0; i < pb_table_row_count(t); i++) {
        int level = pb_table_row_level(t, i);

        pb_buf_printf(out, "<tr class=\"%s lvl-%d\">",
                      pb_row_kind_name(pb_table_row_kind(t, i)),
                      level > 6 ? 6 : level);
        for (j = 0; j < pb_table_column_count(t); j++) {
            if (!pb_table_column(t, j)->hidden)
                td(out, t, i, j, label, &tmp);
        }
        pb_buf_puts(out, "</tr>\n");
    }
    pb_buf_puts(out, "</tbody>\n</table>\n");
    pb_buf_clear(&tmp);
}

static int has_variance(const pb_table *t)
{
    size_t j;

    for (j = 0; j < pb_table_column_count(t); j++) {
        if (pb_table_column(t, j)->type == PB_COL_VARIANCE &&
            pb_table_column(t, j)->adverse == NULL &&
            !pb_table_column(t, j)->hidden)
            return 1;
    }
    return 0;
}

void pb_render_html(pb_buf *out, const pb_table *t)
{
    const pb_table_params *p = pb_table_params_get(t);
    size_t i;

    assert(pb_table_valid(t));
    head(out, t);
    table(out, t);
    if (pb_table_note_count(t) > 0) {
        pb_buf_puts(out, "<h2>Notes</h2>\n<ol class=\"notes\">\n");
        for (i = 0; i < pb_table_note_count(t); i++) {
            pb_buf_puts(out, "<li>");
            esc(out, pb_table_note(t, i));
            pb_buf_puts(out, "</li>\n");
        }
        pb_buf_puts(out, "</ol>\n");
    }
    for (i = 0; i < pb_table_chart_count(t); i++) {
        const pb_table_chart *c = pb_table_chart_get(t, i);

        pb_buf_puts(out, "<div class=\"chart\">\n<h2>");
        esc(out, c->title);
        pb_buf_puts(out, "</h2>\n");
        pb_render_html_chart(out, t, c);
        pb_buf_puts(out, "</div>\n");
    }
    pb_buf_printf(out,
                  "<p class=\"foot\">Amounts in %s, rounded %s to %d "
                  "decimal place%s when printed; totals are computed from "
                  "unrounded amounts, so printed rows need not add up to "
                  "printed totals.%s Produced by poolbook.</p>\n</body>\n"
                  "</html>\n",
                  pb_table_units_name(p->units), pb_rounding_name(p->rounding),
                  p->places, p->places == 1 ? "" : "s",
                  has_variance(t) ? " Variances: A adverse, F favourable."
                                  : "");
}

/* ---- SVG bar chart ------------------------------------------------------- */

/* Geometry in SVG user units (pixels at 100%). */
enum {
    CH_WIDTH = 900,   /* whole drawing */
    CH_LABEL = 330,   /* label area; bars start here */
    CH_BAR = 420,     /* length of the largest bar */
    CH_TOP = 30,      /* legend band */
    CH_BAR_H = 12,    /* one bar's thickness */
    CH_PAIR = 34,     /* vertical space per row: two bars and a gap */
    CH_LABEL_MAX = 54 /* label characters shown before an ellipsis */
};

/* Length in whole units of |a| on a scale where |max| is CH_BAR:
 * |a| x CH_BAR / |max|, exact until one half-up rounding. */
static int bar_length(const pb_amount *a, const pb_amount *max)
{
    pb_amount mag, width, len;
    pb_ratio q;
    int64_t units = 0;

    if (pb_amount_is_zero(max))
        return 0;
    pb_amount_init(&mag);
    pb_amount_init(&width);
    pb_amount_init(&len);
    pb_ratio_init(&q);
    pb_amount_abs(&mag, a);
    pb_amount_set_units(&width, CH_BAR, 0);
    if (pb_ratio_div(&q, &mag, max, NULL) == PB_OK) {
        pb_amount_mul_ratio(&len, &width, &q, 0, PB_ROUND_HALF_UP);
        if (pb_amount_get_units(&len, 0, &units, NULL) != PB_OK)
            units = 0;
    }
    pb_amount_clear(&mag);
    pb_amount_clear(&width);
    pb_amount_clear(&len);
    pb_ratio_clear(&q);
    assert(units >= 0 && units <= CH_BAR);
    return (int)units;
}

/* Label text, shortened to CH_LABEL_MAX characters with "…". */
static void short_label(pb_buf *out, const char *s)
{
    size_t n = strlen(s), k, chars = 0;
    int32_t cp;
    const char *p = s;

    if (pb_render__width(s) <= CH_LABEL_MAX) {
        esc(out, s);
        return;
    }
    while (n > 0 && chars < CH_LABEL_MAX - 1) {
        k = pb_render__utf8_next(p, n, &cp);
        p += k;
        n -= k;
        chars++;
    }
    {
        char *cut = pb_xstrndup(s, (size_t)(p - s));

        esc(out, cut);
        free(cut);
    }
    pb_buf_puts(out, "\xE2\x80\xA6");
}

void pb_render_html_chart(pb_buf *out, const pb_table *t,
                          const pb_table_chart *c)
{
    static const char *const fill[2] = {"#1f4e79", "#a9c8e8"};
    size_t i, s, nrows = 0;
    pb_amount max, mag;
    pb_buf v = PB_BUF_INIT;
    int y, height;

    pb_amount_init(&max);
    pb_amount_init(&mag);
    for (i = 0; i < pb_table_row_count(t); i++) {
        if (pb_table_row_kind(t, i) != PB_ROW_DETAIL)
            continue;
        nrows++;
        for (s = 0; s < 2; s++) {
            if (pb_table_is_blank(t, i, c->series[s]))
                continue;
            pb_amount_abs(&mag, pb_table_amount(t, i, c->series[s]));
            if (pb_amount_cmp(&mag, &max) > 0)
                pb_amount_set(&max, &mag);
        }
    }
    height = CH_TOP + (int)nrows * CH_PAIR + 8;
    pb_buf_printf(out,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                  "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                  "role=\"img\" font-family=\"Arial, Helvetica, sans-serif\" "
                  "font-size=\"11\">\n<title>",
                  CH_WIDTH, height, CH_WIDTH, height);
    esc(out, c->title);
    pb_buf_puts(out, "</title>\n");
    /* Legend: a swatch and the column title per series. */
    for (s = 0; s < 2; s++) {
        int x = CH_LABEL + (int)s * 200;

        pb_buf_printf(out,
                      "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"%d\" "
                      "fill=\"%s\" stroke=\"#1f4e79\"/>"
                      "<text x=\"%d\" y=\"18\">",
                      x, CH_BAR_H, fill[s], x + 20);
        esc(out, pb_table_column(t, c->series[s])->title);
        pb_buf_puts(out, "</text>\n");
    }
    y = CH_TOP;
    for (i = 0; i < pb_table_row_count(t); i++) {
        if (pb_table_row_kind(t, i) != PB_ROW_DETAIL)
            continue;
        pb_buf_printf(out,
                      "<g class=\"row\"><text x=\"%d\" y=\"%d\" "
                      "text-anchor=\"end\">",
                      CH_LABEL - 10, y + CH_BAR_H + 4);
        if (!pb_table_is_blank(t, i, c->label_col))
            short_label(out, pb_table_text(t, i, c->label_col));
        pb_buf_puts(out, "</text>\n");
        for (s = 0; s < 2; s++) {
            int by = y + (int)s * (CH_BAR_H + 2), len;

            if (pb_table_is_blank(t, i, c->series[s]))
                continue;
            len = bar_length(pb_table_amount(t, i, c->series[s]), &max);
            pb_buf_printf(out,
                          "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                          "height=\"%d\" fill=\"%s\" stroke=\"#1f4e79\"/>",
                          CH_LABEL, by, len, CH_BAR_H, fill[s]);
            pb_buf_reset(&v);
            pb_table_cell_format(&v, t, i, c->series[s], PB_FORM_DISPLAY);
            pb_buf_printf(out, "<text x=\"%d\" y=\"%d\">", CH_LABEL + len + 6,
                          by + CH_BAR_H - 2);
            esc(out, pb_buf_str(&v));
            pb_buf_puts(out, "</text>\n");
        }
        pb_buf_puts(out, "</g>\n");
        y += CH_PAIR;
    }
    pb_buf_printf(out,
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                  "stroke=\"#333\"/>\n</svg>\n",
                  CH_LABEL, CH_TOP - 2, CH_LABEL, height - 6);
    pb_buf_clear(&v);
    pb_amount_clear(&max);
    pb_amount_clear(&mag);
}
