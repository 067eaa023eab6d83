/*
 * render.c - the renderers' entry point (format names, dispatch, writing
 * to a stream) and the helpers they share: UTF-8 decoding and width, HTML
 * escaping, the title-block lines.
 */
#include "reports/render.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reports/render_int.h"

static const struct {
    const char *name;
    pb_report_format f;
} format_names[] = {
    {"text", PB_FORMAT_TEXT}, {"txt", PB_FORMAT_TEXT},  {"csv", PB_FORMAT_CSV},
    {"json", PB_FORMAT_JSON}, {"html", PB_FORMAT_HTML}, {"htm", PB_FORMAT_HTML},
};

int pb_report_format_parse(pb_report_format *out, const char *name,
                           pb_error *err)
{
    size_t i;

    for (i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
        if (strcmp(name, format_names[i].name) == 0) {
            *out = format_names[i].f;
            return PB_OK;
        }
    }
    return pb_error_set(err, PB_EINVAL,
                        "unknown format \"%s\" (use text, csv, json or html)",
                        name);
}

const char *pb_report_format_name(pb_report_format f)
{
    switch (f) {
    case PB_FORMAT_CSV:
        return "csv";
    case PB_FORMAT_JSON:
        return "json";
    case PB_FORMAT_HTML:
        return "html";
    default:
        return "text";
    }
}

int pb_report_format_from_path(pb_report_format *out, const char *path)
{
    const char *dot = strrchr(path, '.');
    size_t i;

    if (dot == NULL || strchr(dot, '/') != NULL)
        return PB_ENOTFOUND;
    for (i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
        if (strcasecmp(dot + 1, format_names[i].name) == 0) {
            *out = format_names[i].f;
            return PB_OK;
        }
    }
    return PB_ENOTFOUND;
}

void pb_report_render(pb_buf *out, const pb_table *t, pb_report_format f)
{
    assert(pb_table_valid(t));
    switch (f) {
    case PB_FORMAT_CSV:
        pb_render_csv(out, t);
        break;
    case PB_FORMAT_JSON:
        pb_render_json(out, t);
        break;
    case PB_FORMAT_HTML:
        pb_render_html(out, t);
        break;
    default:
        pb_render_text(out, t);
        break;
    }
}

int pb_report_render_file(FILE *f, const pb_table *t, pb_report_format fmt,
                          pb_error *err)
{
    pb_buf b = PB_BUF_INIT;
    int rc = PB_OK;

    pb_report_render(&b, t, fmt);
    if ((b.len > 0 && fwrite(b.data, 1, b.len, f) != b.len) || fflush(f) != 0)
        rc = pb_error_set(err, PB_EIO, "cannot write the report: %s",
                          strerror(errno));
    pb_buf_clear(&b);
    return rc;
}

/* ---- shared helpers ------------------------------------------------------ */

size_t pb_render__utf8_next(const char *str, size_t n, int32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len, i;
    int32_t c, min;

    assert(n > 0);
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2, c = s[0] & 0x1F, min = 0x80;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3, c = s[0] & 0x0F, min = 0x800;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        *cp = -1;
        return 1;
    }
    if (n < len) {
        *cp = -1;
        return 1;
    }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = -1;
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return len;
}

size_t pb_render__width(const char *s)
{
    size_t n = strlen(s), w = 0, k;
    int32_t cp;

    while (n > 0) {
        k = pb_render__utf8_next(s, n, &cp);
        s += k;
        n -= k;
        w++;
    }
    return w;
}

void pb_render__html_escape(pb_buf *out, const char *s)
{
    size_t n = strlen(s), k;
    int32_t cp;

    while (n > 0) {
        k = pb_render__utf8_next(s, n, &cp);
        if (cp == '&')
            pb_buf_puts(out, "&amp;");
        else if (cp == '<')
            pb_buf_puts(out, "&lt;");
        else if (cp == '>')
            pb_buf_puts(out, "&gt;");
        else if (cp == '"')
            pb_buf_puts(out, "&quot;");
        else if (cp == '\'')
            pb_buf_puts(out, "&#39;");
        else if (cp < 0 ||
                 (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
                 (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF)
            pb_buf_puts(out, "\xEF\xBF\xBD"); /* U+FFFD */
        else
            pb_buf_add(out, s, k);
        s += k;
        n -= k;
    }
}

int pb_render__numeric(pb_col_type type)
{
    return type == PB_COL_AMOUNT || type == PB_COL_PERCENT ||
           type == PB_COL_VARIANCE || type == PB_COL_INTEGER;
}

static void add_kv(char **labels, char **values, size_t *n, size_t max,
                   const char *label, pb_buf *value)
{
    if (*n < max) {
        labels[*n] = pb_xstrdup(label);
        values[*n] =
            value->data != NULL ? pb_buf_detach(value) : pb_xstrdup("");
    }
    pb_buf_clear(value);
    (*n)++;
}

size_t pb_render__params(const pb_table *t, char **labels, char **values,
                         size_t max)
{
    const pb_table_params *p = pb_table_params_get(t);
    pb_buf v = PB_BUF_INIT;
    char iso[PB_DATE_ISO_LEN], per[PB_PERIOD_STR_LEN];
    size_t n = 0, i;

    if (p->pool_code != NULL) {
        pb_buf_puts(&v, p->pool_code);
        if (p->pool_name != NULL && *p->pool_name != '\0')
            pb_buf_printf(&v, " - %s", p->pool_name);
        add_kv(labels, values, &n, max, "Pool", &v);
    }
    if (p->has_as_at && p->has_period)
        pb_buf_printf(&v, "%s (%s)", pb_date_iso(p->as_at, iso),
                      pb_period_str(p->period, p->fy_start, per));
    else if (p->has_as_at)
        pb_buf_puts(&v, pb_date_iso(p->as_at, iso));
    else if (p->has_period)
        pb_buf_puts(&v, pb_period_str(p->period, p->fy_start, per));
    else
        pb_buf_puts(&v, "all entries");
    add_kv(labels, values, &n, max, "As at", &v);
    for (i = 0; i < pb_table_filter_count(t); i++) {
        const pb_table_filter *f = pb_table_filter_get(t, i);

        pb_buf_puts(&v, f->value);
        add_kv(labels, values, &n, max, f->label, &v);
    }
    pb_buf_printf(&v, "%s, %d decimal place%s, rounded %s",
                  pb_table_units_name(p->units), p->places,
                  p->places == 1 ? "" : "s", pb_rounding_name(p->rounding));
    add_kv(labels, values, &n, max, "Units", &v);
    return n < max ? n : max;
}

void pb_render__params_free(char **labels, char **values, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(labels[i]);
        free(values[i]);
    }
}
