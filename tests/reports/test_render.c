/*
 * test_render.c - reports/render*: text, CSV, JSON and HTML.
 *
 *   1. golden files: the two published sample tables (tests/reports/
 *      sample.h) in every format, byte for byte against
 *      tests/reports/golden/; PB_UPDATE_GOLDEN=1 rewrites them (review
 *      the diff before committing)
 *   2. text: UTF-8 aware alignment, control characters
 *   3. CSV: formula injection neutralised in text, never in numbers;
 *      RFC 4180 quoting, CRLF, BOM
 *   4. JSON: a real parser (python3's json) accepts it and finds no binary
 *      float anywhere; every amount read back with pb_amount_parse equals
 *      the table's exactly; escaping
 *   5. HTML: libxml2 parses it strictly as XML and as HTML; text escaped;
 *      adverse variances and Red flags marked; the SVG chart's integer
 *      geometry
 *   6. format names, writing to a stream
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "ledger/amount.h"
#include "reports/render.h"
#include "reports/render_int.h"
#include "reports/table.h"
#include "tests/reports/sample.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define GOLDEN_DIR "tests/reports/golden/"

/* ---- helpers ------------------------------------------------------------ */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    pb_buf b = PB_BUF_INIT;
    char chunk[4096];
    size_t n;

    if (f == NULL)
        return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        pb_buf_add(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data != NULL ? pb_buf_detach(&b) : pb_xstrdup("");
}

static void spill(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

/* Compares got with the golden file `name`, reporting the first line
 * that differs. */
static void golden(const char *name, const pb_buf *got)
{
    char path[256];
    const char *env = getenv("PB_UPDATE_GOLDEN");
    char *want;
    size_t wlen, i, line = 1, start = 0;

    snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
    if (env != NULL && strcmp(env, "1") == 0)
        spill(path, got->data, got->len);
    want = slurp(path, &wlen);
    if (want == NULL)
        fail_msg("missing golden file %s (PB_UPDATE_GOLDEN=1 writes it)", path);
    for (i = 0; i < wlen && i < got->len && want[i] == got->data[i]; i++) {
        if (want[i] == '\n') {
            line++;
            start = i + 1;
        }
    }
    if (i != wlen || i != got->len) {
        size_t we = start, ge = start;

        while (we < wlen && want[we] != '\n')
            we++;
        while (ge < got->len && got->data[ge] != '\n')
            ge++;
        fail_msg("%s differs at line %zu:\n  want: %.*s\n  got:  %.*s", path,
                 line, (int)(we - start), want + start, (int)(ge - start),
                 got->data + start);
    }
    free(want);
}

static void render(pb_buf *out, const pb_table *t, pb_report_format f)
{
    pb_buf_reset(out);
    pb_report_render(out, t, f);
}

/* Writes data to a new temporary file; returns its path (free, unlink). */
static char *temp_file(const pb_buf *data)
{
    char *path = pb_xstrdup("/tmp/pb-render-XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, data->data, data->len), (ssize_t)data->len);
    close(fd);
    return path;
}

/* Runs a shell command feeding it `in`; returns its exit status. */
static int run_with_input(const char *cmd, const char *in, size_t len)
{
    FILE *p = popen(cmd, "w");
    int st;

    assert_non_null(p);
    fwrite(in, 1, len, p);
    st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- 1. golden files ------------------------------------------------------
 */

static void golden_pair(const char *ext, pb_report_format f)
{
    pb_table *b = sample_budget(), *r = sample_running();
    pb_buf out = PB_BUF_INIT;
    char name[64];

    render(&out, b, f);
    snprintf(name, sizeof name, "budget.%s", ext);
    golden(name, &out);
    render(&out, r, f);
    snprintf(name, sizeof name, "running.%s", ext);
    golden(name, &out);
    pb_buf_clear(&out);
    pb_table_free(b);
    pb_table_free(r);
}

static void test_render_text__golden(void **state)
{
    (void)state;
    golden_pair("txt", PB_FORMAT_TEXT);
}

static void test_render_csv__golden(void **state)
{
    (void)state;
    golden_pair("csv", PB_FORMAT_CSV);
}

static void test_render_json__golden(void **state)
{
    (void)state;
    golden_pair("json", PB_FORMAT_JSON);
}

static void test_render_html__golden(void **state)
{
    (void)state;
    golden_pair("html", PB_FORMAT_HTML);
}

/* ---- 2. text --------------------------------------------------------------
 */

/* Characters (not bytes) before the last occurrence of c in line. */
static size_t char_pos_last(const char *line, char c)
{
    const char *p = strrchr(line, c);
    char *head;
    size_t w;

    assert_non_null(p);
    head = pb_xstrndup(line, (size_t)(p - line));
    w = pb_render__width(head);
    free(head);
    return w;
}

/* The columns line up in characters: in every row the last figure's
 * decimal point, and the RAG word, sit at the same character position,
 * although the rows before them hold "↑"/"↓" (3 bytes) or "-" (1 byte)
 * and brackets or none.  And the published figures appear as published. */
static void test_render_text__columns_align_in_characters(void **state)
{
    pb_table *t = sample_budget();
    pb_buf out = PB_BUF_INIT;
    char *text, *line, *save = NULL;
    size_t dot = 0, rag = 0, lines = 0;
    int in_table = 0;

    (void)state;
    render(&out, t, PB_FORMAT_TEXT);
    assert_non_null(strstr(out.data, "  45.14 "));
    assert_non_null(strstr(out.data, "(15.28)"));
    assert_non_null(strstr(out.data, "3.05 A"));
    assert_non_null(strstr(out.data, "0.00  "));
    text = pb_xstrdup(out.data);
    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        const char *word;
        size_t d, g;

        if (strncmp(line, "Service area", 12) == 0) {
            in_table = 1;
            continue;
        }
        if (strncmp(line, "Notes:", 6) == 0)
            in_table = 0;
        if (!in_table || strspn(line, " -") == strlen(line))
            continue;
        word = strstr(line, "Green") != NULL ? "Green" : "Red ";
        assert_non_null(strstr(line, word));
        {
            char *head = pb_xstrndup(line, (size_t)(strstr(line, word) - line));

            g = pb_render__width(head);
            free(head);
        }
        d = char_pos_last(line, '.');
        if (lines == 0) {
            dot = d;
            rag = g;
        }
        if (d != dot || g != rag)
            fail_msg("misaligned (point at %zu not %zu, RAG at %zu not "
                     "%zu): %s",
                     d, dot, g, rag, line);
        lines++;
    }
    assert_int_equal(lines, SAMPLE_BUDGET_ROWS + 1);
    free(text);
    pb_buf_clear(&out);
    pb_table_free(t);
}

static void test_render_text__title_block_states_pool_period_units(void **state)
{
    pb_table *t = sample_budget();
    pb_buf out = PB_BUF_INIT;

    (void)state;
    render(&out, t, PB_FORMAT_TEXT);
    assert_non_null(strstr(out.data, "Pool:         ASC - Adult Social Care "
                                     "(seed 001)\n"));
    assert_non_null(strstr(out.data, "As at:        2024-02-29 (2023-24 "
                                     "P11)\n"));
    assert_non_null(strstr(out.data, "Directorate:  Community Wellbeing\n"));
    assert_non_null(strstr(out.data, "Units:        £M, 2 decimal places, "
                                     "rounded half-up\n"));
    assert_non_null(strstr(out.data, "Notes:\n  1. Unrounded values"));
    pb_buf_clear(&out);
    pb_table_free(t);
}

static void test_render_text__control_characters_print_as_spaces(void **state)
{
    pb_table *t = pb_table_new("t", "T");
    pb_buf out = PB_BUF_INIT;

    (void)state;
    pb_table_add_column(t, "d", "Description", PB_COL_TEXT);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_set_text(t, 0, 0, "a\tb\nc\rd");
    /* The title block and notes carry names loaded from files too. */
    pb_table_set_pool(t, "P", "Pool\x1b[2J\nname");
    pb_table_add_filter(t, "scheme", "Scheme", "S1\tCarers");
    pb_table_add_note(t, "note\none\x7f");
    render(&out, t, PB_FORMAT_TEXT);
    assert_non_null(strstr(out.data, "\na b c d\n"));
    assert_non_null(strstr(out.data, "P - Pool [2J name\n"));
    assert_non_null(strstr(out.data, "S1 Carers\n"));
    assert_non_null(strstr(out.data, "  1. note one \n"));
    assert_null(strchr(out.data, '\x1b'));
    assert_null(strchr(out.data, '\t'));
    assert_null(strchr(out.data, '\x7f'));
    pb_buf_clear(&out);
    pb_table_free(t);
}

/* ---- 3. CSV ---------------------------------------------------------------
 */

static pb_table *injection_table(void)
{
    static const char *const texts[] = {
        "=SUM(A1)",
        "+1",
        "-2",
        "@x",
        "\tTab",
        "\rCR",
        "a \"quoted\", comma",
        "line\nbreak",
        "plain",
        "1+1=2",
    };
    pb_table *t = pb_table_new("t", "T");
    pb_amount a;
    size_t i, r;

    pb_amount_init(&a);
    pb_table_add_column(t, "text", "Text", PB_COL_TEXT);
    pb_table_add_column(t, "amount", "Amount", PB_COL_AMOUNT);
    pb_table_add_column(t, "var", "Variance", PB_COL_VARIANCE);
    pb_table_add_column(t, "trend", "Trend", PB_COL_ARROW);
    pb_table_column_negative(t, 1, PB_NEG_BRACKETS);
    pb_table_set_currency(t, true);
    for (i = 0; i < COUNT(texts); i++) {
        r = pb_table_add_row(t, PB_ROW_DETAIL, 0);
        pb_table_set_text(t, r, 0, texts[i]);
    }
    sample_amount(&a, "-1234.5");
    pb_table_set_amount(t, 0, 1, &a);
    pb_table_set_amount(t, 0, 2, &a);
    pb_table_set_arrow(t, 0, 3, PB_ARROW_UNCHANGED);
    sample_amount(&a, "2");
    pb_table_set_amount(t, 1, 1, &a);
    pb_table_set_amount(t, 1, 2, &a);
    pb_table_set_arrow(t, 1, 3, PB_ARROW_IMPROVING);
    sample_amount(&a, "0");
    pb_table_set_amount(t, 2, 2, &a);
    pb_amount_clear(&a);
    return t;
}

static void
test_render_csv__injection_neutralised_numbers_untouched(void **state)
{
    static const char want[] =
        "\xEF\xBB\xBF"
        "Text,Amount (£),Variance (£),Variance F/A,Trend\r\n"
        "'=SUM(A1),-1234.50,1234.50,F,-\r\n"
        "'+1,2.00,2.00,A,↑\r\n"
        "'-2,,0.00,,\r\n"
        "'@x,,,,\r\n"
        "'\tTab,,,,\r\n"
        "\"'\rCR\",,,,\r\n"
        "\"a \"\"quoted\"\", comma\",,,,\r\n"
        "\"line\nbreak\",,,,\r\n"
        "plain,,,,\r\n"
        "1+1=2,,,,\r\n";
    pb_table *t = injection_table();
    pb_buf out = PB_BUF_INIT;

    (void)state;
    render(&out, t, PB_FORMAT_CSV);
    assert_string_equal(out.data, want);
    pb_buf_clear(&out);
    pb_table_free(t);
}

/* Parsed back by python's csv module (RFC 4180 with the excel dialect),
 * every text comes back with only the neutralising quote added. */
static void test_render_csv__python_csv_reads_it_back(void **state)
{
    pb_table *t = injection_table();
    pb_buf out = PB_BUF_INIT;
    char *path, cmd[512];

    (void)state;
    render(&out, t, PB_FORMAT_CSV);
    path = temp_file(&out);
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import csv,sys\n"
             "rows=list(csv.reader(open(sys.argv[1],encoding=\"utf-8-sig\","
             "newline=\"\")))\n"
             "want=[\"=SUM(A1)\",\"+1\",\"-2\",\"@x\",\"\\tTab\",\"\\rCR\","
             "\"a \\\"quoted\\\", comma\",\"line\\nbreak\",\"plain\","
             "\"1+1=2\"]\n"
             "got=[r[0] for r in rows[1:]]\n"
             "exp=[(\"\\x27\"+w if w[0] in \"=+-@\\t\\r\" else w) for w in "
             "want]\n"
             "sys.exit(0 if got==exp and len(rows[0])==5 and "
             "rows[1][1]==\"-1234.50\" else 1)' %s",
             path);
    assert_int_equal(run_with_input(cmd, "", 0), 0);
    unlink(path);
    free(path);
    pb_buf_clear(&out);
    pb_table_free(t);
}

/* ---- 4. JSON ------------------------------------------------------------ */

static const char json_check[] =
    "python3 -c 'import json,sys; json.load(sys.stdin)'";

static void test_render_json__a_json_parser_accepts_it(void **state)
{
    pb_table *tables[3];
    pb_buf out = PB_BUF_INIT;
    size_t i;

    (void)state;
    tables[0] = sample_budget();
    tables[1] = sample_running();
    tables[2] = injection_table();
    for (i = 0; i < COUNT(tables); i++) {
        render(&out, tables[i], PB_FORMAT_JSON);
        assert_int_equal(run_with_input(json_check, out.data, out.len), 0);
        pb_table_free(tables[i]);
    }
    /* The check itself can fail: a truncated document is refused. */
    assert_int_not_equal(run_with_input("python3 -c 'import json,sys; "
                                        "json.load(sys.stdin)' 2>/dev/null",
                                        out.data, out.len - 3),
                         0);
    pb_buf_clear(&out);
}

/* Reads every amount and variance "value" back (through python's json,
 * which is told to refuse any binary float in the document) and compares
 * it exactly, with pb_amount_parse, to the table's unrounded cell. */
static void test_render_json__amounts_round_trip_exactly(void **state)
{
    static const char script[] =
        "python3 -c 'import json,sys\n"
        "def nofloat(s): sys.exit(\"binary float in JSON: \" + s)\n"
        "d=json.load(open(sys.argv[1],encoding=\"utf-8\"),"
        "parse_float=nofloat)\n"
        "cols=d[\"columns\"]\n"
        "for i,row in enumerate(d[\"rows\"]):\n"
        "  for j,c in enumerate(cols):\n"
        "    v=row[\"cells\"][c[\"key\"]]\n"
        "    if c[\"type\"] in (\"amount\",\"variance\") and v is not None:\n"
        "      print(i,j,v[\"value\"],v[\"display\"],sep=\"\\t\")' ";
    pb_table *tables[2];
    pb_buf out = PB_BUF_INIT, disp = PB_BUF_INIT;
    size_t k;

    (void)state;
    tables[0] = sample_budget();
    tables[1] = sample_running();
    for (k = 0; k < COUNT(tables); k++) {
        const pb_table *t = tables[k];
        static const pb_amount_syntax syn = {PB_AMOUNT_MAX_SCALE, false};
        size_t expected = 0, seen = 0, r, c;
        char *path, cmd[2048], line[512];
        pb_amount a;
        FILE *p;

        for (r = 0; r < pb_table_row_count(t); r++) {
            for (c = 0; c < pb_table_column_count(t); c++) {
                pb_col_type ty = pb_table_column(t, c)->type;

                expected += (ty == PB_COL_AMOUNT || ty == PB_COL_VARIANCE) &&
                            !pb_table_is_blank(t, r, c);
            }
        }
        render(&out, t, PB_FORMAT_JSON);
        path = temp_file(&out);
        snprintf(cmd, sizeof cmd, "%s%s", script, path);
        p = popen(cmd, "r");
        assert_non_null(p);
        pb_amount_init(&a);
        while (fgets(line, sizeof line, p) != NULL) {
            char *f[4], *save = NULL, *s = line;
            size_t i;

            line[strcspn(line, "\n")] = '\0';
            for (i = 0; i < 4; i++, s = NULL)
                f[i] = strtok_r(s, "\t", &save);
            assert_non_null(f[3]);
            r = (size_t)strtoul(f[0], NULL, 10);
            c = (size_t)strtoul(f[1], NULL, 10);
            assert_int_equal(
                pb_amount_parse(&a, f[2], strlen(f[2]), &syn, NULL), PB_OK);
            if (pb_amount_cmp(&a, pb_table_amount(t, r, c)) != 0)
                fail_msg("row %zu column %zu: JSON %s", r, c, f[2]);
            pb_buf_reset(&disp);
            pb_table_cell_format(&disp, t, r, c, PB_FORM_DISPLAY);
            assert_string_equal(f[3], pb_buf_str(&disp));
            seen++;
        }
        assert_int_equal(WEXITSTATUS(pclose(p)), 0);
        assert_int_equal(seen, expected);
        assert_true(seen >= 24); /* 8 x 3 in layout A, 13 x 7 in B */
        pb_amount_clear(&a);
        unlink(path);
        free(path);
        pb_table_free(tables[k]);
    }
    pb_buf_clear(&out);
    pb_buf_clear(&disp);
}

static void test_render_json__escapes_controls_keeps_utf8(void **state)
{
    pb_table *t = pb_table_new("t", "Quote \" and \\ in a title");
    pb_buf out = PB_BUF_INIT;

    (void)state;
    pb_table_add_column(t, "s", "S", PB_COL_TEXT);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_set_text(t, 0, 0,
                      "tab\tnl\ncr\rbell\x07"
                      "del\x7f");
    pb_table_set_text(t, 1, 0, "Café – £5 ↑");
    pb_table_set_text(t, 2, 0, "bad \xff\xc3(");
    pb_table_add_note(t, "note with \x1f unit separator");
    render(&out, t, PB_FORMAT_JSON);
    assert_non_null(strstr(out.data, "\"title\": \"Quote \\\" and \\\\ in a "
                                     "title\""));
    assert_non_null(strstr(out.data, "\"tab\\tnl\\ncr\\rbell\\u0007del\x7f\""));
    assert_non_null(strstr(out.data, "\"Café – £5 ↑\""));
    assert_non_null(strstr(out.data, "\"bad \\ufffd\\ufffd(\""));
    assert_non_null(strstr(out.data, "\"note with \\u001f unit separator\""));
    assert_int_equal(run_with_input(json_check, out.data, out.len), 0);
    pb_buf_clear(&out);
    pb_table_free(t);
}

/* ---- 5. HTML --------------------------------------------------------------
 */

typedef struct xml_errors {
    int errors;      /* errors other than the allowed ones */
    int unknown_svg; /* "Tag svg invalid" and friends (HTML4 parser) */
    char first[256];
} xml_errors;

static void on_error(void *ud, xmlErrorPtr e)
{
    static const char *const svg_tags[] = {"svg", "rect", "text", "g", "line"};
    xml_errors *x = ud;
    size_t i;

    if (e->level < XML_ERR_ERROR)
        return;
    if (e->code == XML_HTML_UNKNOWN_TAG && e->str1 != NULL) {
        for (i = 0; i < COUNT(svg_tags); i++) {
            if (strcmp(e->str1, svg_tags[i]) == 0) {
                x->unknown_svg++;
                return;
            }
        }
    }
    if (x->errors++ == 0)
        snprintf(x->first, sizeof x->first, "line %d: %s", e->line,
                 e->message != NULL ? e->message : "?");
}

/* Parses html strictly as XML; fails the test on any error. */
static xmlDocPtr parse_xml(const pb_buf *html)
{
    xml_errors x = {0, 0, ""};
    xmlDocPtr doc;

    xmlSetStructuredErrorFunc(&x, on_error);
    doc = xmlReadMemory(html->data, (int)html->len, "report.html", "UTF-8",
                        XML_PARSE_NONET);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (doc == NULL || x.errors != 0 || x.unknown_svg != 0)
        fail_msg("not well-formed XML: %s", x.first);
    return doc;
}

static int xpath_count(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr res;
    int n;

    xmlXPathRegisterNs(ctx, BAD_CAST "h",
                       BAD_CAST "http://www.w3.org/1999/xhtml");
    xmlXPathRegisterNs(ctx, BAD_CAST "s",
                       BAD_CAST "http://www.w3.org/2000/svg");
    res = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(res);
    n = res->nodesetval != NULL ? res->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(ctx);
    return n;
}

/* The string value of an XPath expression, in a static buffer. */
static const char *xpath_string(xmlDocPtr doc, const char *expr)
{
    static char buf[1024];
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr res;
    xmlChar *s;

    xmlXPathRegisterNs(ctx, BAD_CAST "h",
                       BAD_CAST "http://www.w3.org/1999/xhtml");
    xmlXPathRegisterNs(ctx, BAD_CAST "s",
                       BAD_CAST "http://www.w3.org/2000/svg");
    res = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(res);
    s = xmlXPathCastToString(res);
    snprintf(buf, sizeof buf, "%s", (const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(ctx);
    return buf;
}

/* libxml2's HTML parser (an HTML4 one in this version) accepts the page
 * with no error except that it does not know SVG's element names; the
 * XML parser accepts it with no error at all. */
static void test_render_html__parses_as_html_and_as_xml(void **state)
{
    pb_table *tables[3];
    pb_buf out = PB_BUF_INIT;
    size_t i;

    (void)state;
    tables[0] = sample_budget();
    tables[1] = sample_running();
    tables[2] = injection_table();
    for (i = 0; i < COUNT(tables); i++) {
        xml_errors x = {0, 0, ""};
        htmlDocPtr hdoc;
        xmlDocPtr doc;

        render(&out, tables[i], PB_FORMAT_HTML);
        xmlSetStructuredErrorFunc(&x, on_error);
        hdoc = htmlReadMemory(out.data, (int)out.len, "report.html", "UTF-8",
                              HTML_PARSE_NONET);
        xmlSetStructuredErrorFunc(NULL, NULL);
        assert_non_null(hdoc);
        if (x.errors != 0)
            fail_msg("HTML parser: %d errors, first %s", x.errors, x.first);
        if (pb_table_chart_count(tables[i]) > 0)
            assert_true(x.unknown_svg > 0); /* it did see the SVG */
        xmlFreeDoc(hdoc);
        doc = parse_xml(&out);
        assert_int_equal(xpath_count(doc, "/h:html/h:head/h:style"), 1);
        assert_int_equal(xpath_count(doc, "//h:script"), 0);
        assert_int_equal(xpath_count(doc, "//*[@src or @href]"), 0);
        assert_int_equal(xpath_count(doc, "//s:svg"),
                         (int)pb_table_chart_count(tables[i]));
        xmlFreeDoc(doc);
        pb_table_free(tables[i]);
    }
    pb_buf_clear(&out);
}

static void test_render_html__escapes_text(void **state)
{
    static const char nasty[] = "<b>\"Tom\" & 'Jerry'</b>";
    pb_table *t = pb_table_new("t", "Profit & <Loss>");
    pb_buf out = PB_BUF_INIT;
    xmlDocPtr doc;

    (void)state;
    pb_table_add_column(t, "s", "A <col> & \"title\"", PB_COL_TEXT);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_set_text(t, 0, 0, nasty);
    pb_table_add_filter(t, "k", "Filter <x>", "a&b");
    render(&out, t, PB_FORMAT_HTML);
    assert_null(strstr(out.data, nasty));
    assert_non_null(strstr(out.data, "&lt;b&gt;&quot;Tom&quot; &amp; "
                                     "&#39;Jerry&#39;&lt;/b&gt;"));
    doc = parse_xml(&out);
    assert_string_equal(xpath_string(doc, "string(//h:td[@class='s text "
                                          "label'])"),
                        nasty);
    assert_string_equal(xpath_string(doc, "string(//h:h1)"), "Profit & <Loss>");
    assert_string_equal(xpath_string(doc, "string(//h:title)"),
                        "Profit & <Loss>");
    assert_string_equal(xpath_string(doc, "string(//h:th)"),
                        "A <col> & \"title\"");
    assert_string_equal(xpath_string(doc, "string(//h:dt[1])"), "As at");
    assert_string_equal(xpath_string(doc, "string(//h:dd[2])"), "a&b");
    xmlFreeDoc(doc);
    pb_buf_clear(&out);
    pb_table_free(t);
}

/* Adverse variances (the seed's "A" cells) and Red flags are marked by
 * class and keep their words; favourable ones by another class. */
static void test_render_html__marks_adverse_and_red(void **state)
{
    pb_table *t = sample_budget();
    pb_buf out = PB_BUF_INIT;
    xmlDocPtr doc;
    size_t r, c;
    int adverse = 0, favourable = 0, red = 0;

    (void)state;
    for (r = 0; r < pb_table_row_count(t); r++) {
        for (c = B_VAR; c <= B_MOVE; c++) {
            adverse += *pb_table_variance_marker(t, r, c) == 'A';
            favourable += *pb_table_variance_marker(t, r, c) == 'F';
        }
        red += pb_table_indicator(t, r, B_RAG) == PB_IND_RED;
    }
    /* By hand from the seed: A in variance (Long Term, total), P10
     * (Long Term, total), movement (Adult Services Management, Provider
     * Services); Red on Long Term and the total. */
    assert_int_equal(adverse, 6);
    assert_int_equal(favourable, 19);
    assert_int_equal(red, 2);
    render(&out, t, PB_FORMAT_HTML);
    doc = parse_xml(&out);
    assert_int_equal(xpath_count(doc, "//h:td[contains(concat(' ', @class, "
                                      "' '), ' adverse ')]"),
                     adverse);
    assert_int_equal(xpath_count(doc, "//h:td[contains(concat(' ', @class, "
                                      "' '), ' adverse ')][substring(., "
                                      "string-length(.)) = 'A']"),
                     adverse);
    assert_int_equal(xpath_count(doc, "//h:td[contains(concat(' ', @class, "
                                      "' '), ' favourable ')]"),
                     favourable);
    assert_int_equal(xpath_count(doc, "//h:td[contains(@class, 'rag-red')]"
                                      "[. = 'Red']"),
                     red);
    assert_int_equal(xpath_count(doc, "//h:tr[@class='total lvl-0']"), 1);
    assert_string_equal(
        xpath_string(doc, "string(//h:tr[2]/h:td[@class='variance num "
                          "adverse'])"),
        "3.05\xC2\xA0"
        "A");
    assert_string_equal(xpath_string(doc,
                                     "string(//h:tr[2]/h:td[contains(@class, "
                                     "'arrow')]/@title)"),
                        "improving");
    /* Zero variance: no marker, no class. */
    assert_string_equal(
        xpath_string(doc, "string(//h:tr[9]/h:td[@class='variance num'])"),
        "0.00");
    xmlFreeDoc(doc);
    pb_buf_clear(&out);
    pb_table_free(t);
}

/* Bar lengths are |value| x 420 / largest |value|, rounded half-up once:
 * checked by hand against the seed's figures. */
static void test_render_html_chart__bar_lengths_exact(void **state)
{
    pb_table *t = sample_budget();
    pb_buf out = PB_BUF_INIT;
    xmlDocPtr doc;

    (void)state;
    pb_render_html_chart(&out, t, pb_table_chart_get(t, 0));
    doc = parse_xml(&out);
    /* 2 legend swatches, then 2 bars per row. */
    assert_int_equal(xpath_count(doc, "//s:rect"), 2 + 2 * 12);
    assert_int_equal(xpath_count(doc, "//s:g"), 12);
    /* Largest: Long Term forecast 48,190,000 -> 420. */
    assert_string_equal(xpath_string(doc, "string(//s:g[2]/s:rect[2]/@width)"),
                        "420");
    /* Long Term budget: 45,144,000 x 420 / 48,190,000 = 393.45 -> 393. */
    assert_string_equal(xpath_string(doc, "string(//s:g[2]/s:rect[1]/@width)"),
                        "393");
    /* Adult Services Management: 1,160,000 -> 10.11 -> 10; 870,000 ->
     * 7.58 -> 8. */
    assert_string_equal(xpath_string(doc, "string(//s:g[1]/s:rect[1]/@width)"),
                        "10");
    assert_string_equal(xpath_string(doc, "string(//s:g[1]/s:rect[2]/@width)"),
                        "8");
    /* Income lines draw their magnitude: (15.28) -> 133.17 -> 133. */
    assert_string_equal(xpath_string(doc, "string(//s:g[10]/s:rect[1]/@width)"),
                        "133");
    assert_string_equal(xpath_string(doc, "string(//s:g[10]/s:text[2])"),
                        "(15.28)");
    assert_string_equal(xpath_string(doc, "string(//s:g[2]/s:text[1])"),
                        "Adults - Long Term");
    xmlFreeDoc(doc);
    pb_buf_clear(&out);
    pb_table_free(t);
}

/* Half a unit rounds up; zero draws a zero-width bar; a blank cell none;
 * a chart of zeros draws no bar longer than zero. */
static void test_render_html_chart__ties_zero_and_blank(void **state)
{
    pb_table *t = pb_table_new("t", "T");
    pb_buf out = PB_BUF_INIT;
    pb_amount a;
    xmlDocPtr doc;

    (void)state;
    pb_amount_init(&a);
    pb_table_add_column(t, "l", "L", PB_COL_TEXT);
    pb_table_add_column(t, "a", "A", PB_COL_AMOUNT);
    pb_table_add_column(t, "b", "B", PB_COL_AMOUNT);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_add_row(t, PB_ROW_DETAIL, 0);
    pb_table_add_row(t, PB_ROW_TOTAL, 0); /* not drawn */
    sample_amount(&a, "8.40");
    pb_table_set_amount(t, 0, 1, &a);
    sample_amount(&a, "0.01"); /* 0.01 x 420 / 8.40 = 0.5 -> 1 */
    pb_table_set_amount(t, 0, 2, &a);
    sample_amount(&a, "0");
    pb_table_set_amount(t, 1, 1, &a);
    sample_amount(&a, "1000");
    pb_table_set_amount(t, 2, 1, &a);
    pb_table_add_chart(t, "C", 0, 1, 2);
    pb_render_html_chart(&out, t, pb_table_chart_get(t, 0));
    doc = parse_xml(&out);
    assert_int_equal(xpath_count(doc, "//s:g"), 2);
    assert_string_equal(xpath_string(doc, "string(//s:g[1]/s:rect[1]/@width)"),
                        "420");
    assert_string_equal(xpath_string(doc, "string(//s:g[1]/s:rect[2]/@width)"),
                        "1");
    assert_string_equal(xpath_string(doc, "string(//s:g[2]/s:rect[1]/@width)"),
                        "0");
    assert_int_equal(xpath_count(doc, "//s:g[2]/s:rect"), 1);
    xmlFreeDoc(doc);
    /* All zero: every bar is zero wide. */
    sample_amount(&a, "0");
    pb_table_set_amount(t, 0, 1, &a);
    pb_table_set_amount(t, 0, 2, &a);
    pb_buf_reset(&out);
    pb_render_html_chart(&out, t, pb_table_chart_get(t, 0));
    doc = parse_xml(&out);
    assert_int_equal(xpath_count(doc, "//s:g/s:rect[@width != '0']"), 0);
    xmlFreeDoc(doc);
    pb_amount_clear(&a);
    pb_buf_clear(&out);
    pb_table_free(t);
}

/* ---- 6. names and streams ---------------------------------------------- */

static void test_report_format__names_and_extensions(void **state)
{
    pb_report_format f;
    pb_error err;

    (void)state;
    assert_int_equal(pb_report_format_parse(&f, "csv", NULL), PB_OK);
    assert_int_equal(f, PB_FORMAT_CSV);
    assert_int_equal(pb_report_format_parse(&f, "html", NULL), PB_OK);
    assert_int_equal(f, PB_FORMAT_HTML);
    assert_int_equal(pb_report_format_parse(&f, "json", NULL), PB_OK);
    assert_int_equal(f, PB_FORMAT_JSON);
    assert_int_equal(pb_report_format_parse(&f, "text", NULL), PB_OK);
    assert_int_equal(f, PB_FORMAT_TEXT);
    pb_error_clear(&err);
    assert_int_equal(pb_report_format_parse(&f, "xlsx", &err), PB_EINVAL);
    assert_non_null(strstr(err.msg, "text, csv, json or html"));
    assert_string_equal(pb_report_format_name(PB_FORMAT_HTML), "html");
    assert_int_equal(pb_report_format_from_path(&f, "out/Q2.HTML"), PB_OK);
    assert_int_equal(f, PB_FORMAT_HTML);
    assert_int_equal(pb_report_format_from_path(&f, "tb.csv"), PB_OK);
    assert_int_equal(f, PB_FORMAT_CSV);
    assert_int_equal(pb_report_format_from_path(&f, "a.json"), PB_OK);
    assert_int_equal(f, PB_FORMAT_JSON);
    assert_int_equal(pb_report_format_from_path(&f, "report"), PB_ENOTFOUND);
    assert_int_equal(pb_report_format_from_path(&f, "dir.csv/report"),
                     PB_ENOTFOUND);
    assert_int_equal(pb_report_format_from_path(&f, "x.pdf"), PB_ENOTFOUND);
}

static void test_report_render_file__writes_or_says_why_not(void **state)
{
    pb_table *t = sample_running();
    pb_buf out = PB_BUF_INIT;
    pb_error err;
    FILE *f = tmpfile();
    char buf[64];

    (void)state;
    assert_non_null(f);
    assert_int_equal(pb_report_render_file(f, t, PB_FORMAT_CSV, NULL), PB_OK);
    rewind(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    assert_int_equal(strncmp(buf,
                             "\xEF\xBB\xBF"
                             "Funding stream,",
                             18),
                     0);
    fclose(f);
    f = fopen("/dev/full", "w");
    if (f != NULL) {
        pb_error_clear(&err);
        assert_int_equal(pb_report_render_file(f, t, PB_FORMAT_HTML, &err),
                         PB_EIO);
        assert_non_null(strstr(err.msg, "cannot write the report"));
        fclose(f);
    }
    pb_buf_clear(&out);
    pb_table_free(t);
}

static void test_render__utf8_helpers(void **state)
{
    pb_buf out = PB_BUF_INIT;
    int32_t cp;

    (void)state;
    assert_int_equal(pb_render__width("£↑↓-"), 4);
    assert_int_equal(pb_render__width("\xff\xfe"), 2);
    assert_int_equal(pb_render__utf8_next("\xE2\x86\x91", 3, &cp), 3);
    assert_int_equal(cp, 0x2191);
    assert_int_equal(pb_render__utf8_next("\xC0\x80", 2, &cp),
                     1); /* overlong */
    assert_int_equal(cp, -1);
    assert_int_equal(pb_render__utf8_next("\xED\xA0\x80", 3, &cp), 1);
    assert_int_equal(cp, -1); /* surrogate */
    assert_int_equal(pb_render__utf8_next("\xE2\x86", 2, &cp), 1);
    assert_int_equal(cp, -1); /* truncated */
    pb_render__html_escape(&out, "a<&>\"'\x01\xff£");
    assert_string_equal(out.data, "a&lt;&amp;&gt;&quot;&#39;\xEF\xBF\xBD"
                                  "\xEF\xBF\xBD£");
    pb_buf_clear(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_text__golden),
        cmocka_unit_test(test_render_csv__golden),
        cmocka_unit_test(test_render_json__golden),
        cmocka_unit_test(test_render_html__golden),
        cmocka_unit_test(test_render_text__columns_align_in_characters),
        cmocka_unit_test(
            test_render_text__title_block_states_pool_period_units),
        cmocka_unit_test(test_render_text__control_characters_print_as_spaces),
        cmocka_unit_test(
            test_render_csv__injection_neutralised_numbers_untouched),
        cmocka_unit_test(test_render_csv__python_csv_reads_it_back),
        cmocka_unit_test(test_render_json__a_json_parser_accepts_it),
        cmocka_unit_test(test_render_json__amounts_round_trip_exactly),
        cmocka_unit_test(test_render_json__escapes_controls_keeps_utf8),
        cmocka_unit_test(test_render_html__parses_as_html_and_as_xml),
        cmocka_unit_test(test_render_html__escapes_text),
        cmocka_unit_test(test_render_html__marks_adverse_and_red),
        cmocka_unit_test(test_render_html_chart__bar_lengths_exact),
        cmocka_unit_test(test_render_html_chart__ties_zero_and_blank),
        cmocka_unit_test(test_report_format__names_and_extensions),
        cmocka_unit_test(test_report_render_file__writes_or_says_why_not),
        cmocka_unit_test(test_render__utf8_helpers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
