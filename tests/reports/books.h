/*
 * books.h - what the pool-report tests share: fixture books loaded from
 * fixtures/ into temporary books, the printed text of cells, golden files,
 * and the JSON and XML checks of rendered reports.  Static inline helpers
 * (each test binary gets its own copy; tests/support is the core's).
 *
 * Fixture books are loaded exactly as an officer would: `poolbook load
 * KIND FILE` per file, through pb_load_file, in dependency order.  A file
 * may name the clock of its load ("forecasts:forecasts-p11.csv@2024-03-05
 * T10:00:00Z" sets POOLBOOK_NOW for that load), so that what was recorded
 * when is part of the fixture.
 */
#ifndef PB_TEST_REPORTS_BOOKS_H
#define PB_TEST_REPORTS_BOOKS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "importers/load.h"
#include "ledger/book.h"
#include "reports/render.h"
#include "reports/report.h"
#include "reports/table.h"
#include "tests/support/support.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define GOLDEN_DIR "tests/reports/golden/"

/* A new empty book at a temporary path, loaded from fixtures/DIR with
 * the files listed ("KIND" reads KIND.csv; "KIND:FILE"; "...@NOW"). */
static inline pb_book *book_load(char **path, const char *dir,
                                 const char *const *files, size_t n)
{
    pb_book *b = NULL;
    pb_error err;
    size_t i;

    pbt_env();
    *path = pbt_path_new();
    if (pb_book_open(&b, *path, PB_BOOK_CREATE, &err) != PB_OK)
        fail_msg("cannot create a book: %s", err.msg);
    for (i = 0; i < n; i++) {
        char spec[256], file[512], *colon, *at;
        const char *kind_name = spec, *name;
        pb_load_kind kind;
        pb_load_result res;

        snprintf(spec, sizeof spec, "%s", files[i]);
        at = strchr(spec, '@');
        if (at != NULL) {
            *at = '\0';
            setenv("POOLBOOK_NOW", at + 1, 1);
        }
        colon = strchr(spec, ':');
        if (colon != NULL)
            *colon = '\0';
        name = colon != NULL ? colon + 1 : NULL;
        if (pb_load_kind_parse(&kind, kind_name, &err) != PB_OK)
            fail_msg("%s", err.msg);
        if (name != NULL)
            snprintf(file, sizeof file, "fixtures/%s/%s", dir, name);
        else
            snprintf(file, sizeof file, "fixtures/%s/%s.csv", dir, kind_name);
        if (pb_load_file(b, kind, file, 0, &res, &err) != PB_OK) {
            char msg[1024];

            fail_msg("%s", pb_error_format(&err, msg, sizeof msg));
        }
        if (at != NULL)
            setenv("POOLBOOK_NOW", PBT_NOW, 1);
    }
    return b;
}

static inline void book_done(pb_book *b, char *path)
{
    pb_book_close(b);
    pbt_path_remove(path);
}

/* The DISPLAY text of a cell, in a static buffer. */
static inline const char *cell(const pb_table *t, size_t r, size_t c)
{
    static char text[512];
    pb_buf b = PB_BUF_INIT;

    pb_table_cell_format(&b, t, r, c, PB_FORM_DISPLAY);
    snprintf(text, sizeof text, "%s", pb_buf_str(&b));
    pb_buf_clear(&b);
    return text;
}

/* The cell of row r in the column with key `key`. */
static inline const char *cellk(const pb_table *t, size_t r, const char *key)
{
    size_t c = pb_table_column_find(t, key);

    if (c == (size_t)-1)
        fail_msg("no column %s", key);
    return cell(t, r, c);
}

/* The first row whose label (column 0) is `label`, or fails. */
static inline size_t row_of(const pb_table *t, const char *label)
{
    size_t r;

    for (r = 0; r < pb_table_row_count(t); r++) {
        if (!pb_table_is_blank(t, r, 0) &&
            strcmp(pb_table_text(t, r, 0), label) == 0)
            return r;
    }
    fail_msg("no row \"%s\"", label);
    return 0;
}

/* Canonical text of the exact value of an AMOUNT/VARIANCE cell. */
static inline const char *exact(const pb_table *t, size_t r, const char *key)
{
    static char text[128];
    char *s = pb_amount_to_string(
        pb_table_amount(t, r, pb_table_column_find(t, key)));

    snprintf(text, sizeof text, "%s", s);
    free(s);
    return text;
}

static inline char *slurp(const char *path, size_t *len)
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

/* Compares got with tests/reports/golden/NAME (PB_UPDATE_GOLDEN=1
 * rewrites it; review the diff), reporting the first line that differs. */
static inline void golden(const char *name, const pb_buf *got)
{
    char path[256];
    const char *env = getenv("PB_UPDATE_GOLDEN");
    char *want;
    size_t wlen, i, line = 1, start = 0;

    snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
    if (env != NULL && strcmp(env, "1") == 0) {
        FILE *f = fopen(path, "wb");

        if (f == NULL || fwrite(got->data, 1, got->len, f) != got->len ||
            fclose(f) != 0)
            fail_msg("cannot write %s", path);
    }
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

/* Renders t in every format and compares with NAME.{txt,csv,json,html}. */
static inline void golden_all(const pb_table *t, const char *name)
{
    static const struct {
        const char *ext;
        pb_report_format f;
    } fmts[] = {{"txt", PB_FORMAT_TEXT},
                {"csv", PB_FORMAT_CSV},
                {"json", PB_FORMAT_JSON},
                {"html", PB_FORMAT_HTML}};
    pb_buf out = PB_BUF_INIT;
    char file[128];
    size_t i;

    for (i = 0; i < COUNT(fmts); i++) {
        pb_buf_reset(&out);
        pb_report_render(&out, t, fmts[i].f);
        snprintf(file, sizeof file, "%s.%s", name, fmts[i].ext);
        golden(file, &out);
    }
    pb_buf_clear(&out);
}

/*
 * The JSON of t read back by a real parser (python3's json, told to refuse
 * any binary float): every amount and variance "value" parses with
 * pb_amount_parse to exactly the table's unrounded cell, and its
 * "display" is the text the other formats print.  Returns the number of
 * money cells checked.
 */
static inline size_t json_round_trip(const pb_table *t)
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
    static const pb_amount_syntax syn = {PB_AMOUNT_MAX_SCALE, false};
    pb_buf out = PB_BUF_INIT, disp = PB_BUF_INIT;
    char path[] = "/tmp/pb-report-json-XXXXXX", cmd[2048], line[512];
    size_t expected = 0, seen = 0, r, c;
    pb_amount a;
    FILE *p;
    int fd;

    for (r = 0; r < pb_table_row_count(t); r++) {
        for (c = 0; c < pb_table_column_count(t); c++) {
            pb_col_type ty = pb_table_column(t, c)->type;

            expected += (ty == PB_COL_AMOUNT || ty == PB_COL_VARIANCE) &&
                        !pb_table_is_blank(t, r, c);
        }
    }
    pb_report_render(&out, t, PB_FORMAT_JSON);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, out.data, out.len), (ssize_t)out.len);
    close(fd);
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
        assert_int_equal(pb_amount_parse(&a, f[2], strlen(f[2]), &syn, NULL),
                         PB_OK);
        if (pb_amount_cmp(&a, pb_table_amount(t, r, c)) != 0)
            fail_msg("row %zu column %zu: JSON %s", r, c, f[2]);
        pb_buf_reset(&disp);
        pb_table_cell_format(&disp, t, r, c, PB_FORM_DISPLAY);
        assert_string_equal(f[3], pb_buf_str(&disp));
        seen++;
    }
    assert_int_equal(WEXITSTATUS(pclose(p)), 0);
    assert_int_equal(seen, expected);
    pb_amount_clear(&a);
    unlink(path);
    pb_buf_clear(&out);
    pb_buf_clear(&disp);
    return seen;
}

/* The HTML of t parses strictly as XML (libxml2, no network). */
static inline void html_parses(const pb_table *t)
{
    pb_buf out = PB_BUF_INIT;
    xmlDocPtr doc;

    pb_report_render(&out, t, PB_FORMAT_HTML);
    doc = xmlReadMemory(out.data, (int)out.len, "report.html", "UTF-8",
                        XML_PARSE_NONET | XML_PARSE_NOERROR |
                            XML_PARSE_NOWARNING);
    if (doc == NULL)
        fail_msg("the HTML report is not well-formed XML");
    xmlFreeDoc(doc);
    pb_buf_clear(&out);
}

#endif
