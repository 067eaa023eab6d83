/*
 * test_csv.c - importers/csv: the RFC 4180 reader.
 *
 * Most cases read a literal through pb_csv_open_mem() and compare a dump of
 * every record - "LINE:[field][field]" per record, then "error: ..." if
 * reading failed - with the expected text, so that a case reads as input
 * and output side by side.  A reference model (a writer that quotes what
 * must be quoted) round-trips thousands of random records with every line
 * end, quote and delimiter position; the file cases go through /tmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "importers/csv.h"
#include "ledger/buf.h"

/* ---- helpers ----------------------------------------------------------- */

static pb_buf out = PB_BUF_INIT; /* the last dump */

static int free_dump(void **state)
{
    (void)state;
    pb_buf_clear(&out);
    return 0;
}

/* Reads all of data and returns the dump (valid until the next call). */
static const char *dump_opt(const char *data, size_t len,
                            const pb_csv_options *opt)
{
    char msg[1024];
    pb_csv *r = NULL;
    pb_error err;
    size_t i;
    int rc;

    pb_buf_reset(&out);
    rc = pb_csv_open_mem(&r, "mem.csv", data, len, opt, &err);
    if (rc != PB_OK) {
        assert_null(r);
        pb_buf_printf(&out, "error: %s",
                      pb_error_format(&err, msg, sizeof msg));
        return pb_buf_str(&out);
    }
    while ((rc = pb_csv_next(r, &err)) == 1) {
        pb_buf_printf(&out, "%ld:", pb_csv_line(r));
        for (i = 0; i < pb_csv_count(r); i++) {
            size_t n;
            const char *f = pb_csv_field(r, i, &n);

            assert_int_equal(strlen(f), n);
            pb_buf_printf(&out, "[%s]", f);
        }
        pb_buf_putc(&out, '\n');
    }
    if (rc < 0)
        pb_buf_printf(&out, "error: %s",
                      pb_error_format(&err, msg, sizeof msg));
    pb_csv_free(r);
    return pb_buf_str(&out);
}

#define DUMP(lit) dump_opt(lit, sizeof lit - 1, NULL)
#define DUMP_OPT(lit, opt) dump_opt(lit, sizeof lit - 1, opt)

static pb_csv *open_lit(const char *data, size_t len,
                        const pb_csv_options *opt)
{
    pb_csv *r = NULL;
    pb_error err;

    if (pb_csv_open_mem(&r, "mem.csv", data, len, opt, &err) != PB_OK)
        fail_msg("open: %s", err.msg);
    return r;
}

#define OPEN(lit) open_lit(lit, sizeof lit - 1, NULL)

/* Writes data to a new file under /tmp; the path goes to path[32]. */
static void write_temp(char *path, const char *data, size_t len)
{
    int fd;

    strcpy(path, "/tmp/pb_test_csv_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

/* ---- the grammar ------------------------------------------------------- */

static void test_csv__plain_fields_are_split_on_commas(void **state)
{
    (void)state;
    assert_string_equal(DUMP("Date,Account,Amount\n"
                             "2024-04-01,4000,12.50\n"),
                        "1:[Date][Account][Amount]\n"
                        "2:[2024-04-01][4000][12.50]\n");
}

static void test_csv__quoted_field_may_contain_delimiter(void **state)
{
    (void)state;
    assert_string_equal(DUMP("\"Smith, J\",\"1,234.56\",x\n"),
                        "1:[Smith, J][1,234.56][x]\n");
}

static void test_csv__doubled_quote_is_one_quote(void **state)
{
    (void)state;
    assert_string_equal(DUMP("\"5\"\" pipe\",\"\"\"\",\"a\"\"\"\"b\"\n"),
                        "1:[5\" pipe][\"][a\"\"b]\n");
}

static void test_csv__quoted_crlf_is_kept_and_later_lines_count_it(
    void **state)
{
    (void)state;
    assert_string_equal(DUMP("id,memo\r\n"
                             "1,\"line one\r\nline two\r\nline three\"\r\n"
                             "2,after\r\n"
                             "3,\"a\nb\rc\"\r\n"
                             "4,last\r\n"),
                        "1:[id][memo]\n"
                        "2:[1][line one\r\nline two\r\nline three]\n"
                        "5:[2][after]\n"
                        "6:[3][a\nb\rc]\n"
                        "9:[4][last]\n");
}

static void test_csv__utf8_bom_is_skipped(void **state)
{
    pb_csv *r;

    (void)state;
    assert_string_equal(DUMP("\xEF\xBB\xBF" "Date,Amount\n1,2\n"),
                        "1:[Date][Amount]\n2:[1][2]\n");
    r = OPEN("\xEF\xBB\xBF\"Date\"\n");
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_string_equal(pb_csv_field(r, 0, NULL), "Date");
    assert_int_equal(pb_csv_encoding(r), PB_ENC_UTF8);
    pb_csv_free(r);
}

static void test_csv__crlf_lf_and_lone_cr_end_lines_alike(void **state)
{
    const char *want = "1:[a][b]\n2:[c][d]\n3:[\"e\"][f]\n";

    (void)state;
    assert_string_equal(DUMP("a,b\r\nc,d\r\n\"\"\"e\"\"\",f\r\n"), want);
    assert_string_equal(DUMP("a,b\nc,d\n\"\"\"e\"\"\",f\n"), want);
    assert_string_equal(DUMP("a,b\rc,d\r\"\"\"e\"\"\",f\r"), want);
    assert_string_equal(DUMP("a,b\rc,d\n\"\"\"e\"\"\",f\r\n"), want);
}

static void test_csv__lf_cr_is_two_line_ends(void **state)
{
    (void)state;
    /* "\n\r" is not a pair: an empty line lies between them */
    assert_string_equal(DUMP("a\n\rb\n"), "1:[a]\n3:[b]\n");
}

static void test_csv__last_line_needs_no_newline(void **state)
{
    (void)state;
    assert_string_equal(DUMP("a,b\nc,d"), "1:[a][b]\n2:[c][d]\n");
    assert_string_equal(DUMP("a,\"b\""), "1:[a][b]\n");
    assert_string_equal(DUMP("x"), "1:[x]\n");
}

static void test_csv__empty_fields_are_kept(void **state)
{
    (void)state;
    assert_string_equal(DUMP(",a,,\"\",\n"), "1:[][a][][][]\n");
    assert_string_equal(DUMP(",\n"), "1:[][]\n");
}

static void test_csv__trailing_delimiter_makes_an_empty_last_field(
    void **state)
{
    (void)state;
    assert_string_equal(DUMP("a,b,\n"), "1:[a][b][]\n");
    assert_string_equal(DUMP("a,b,"), "1:[a][b][]\n");
}

static void test_csv__empty_lines_are_skipped_but_counted(void **state)
{
    pb_csv *r;

    (void)state;
    assert_string_equal(DUMP("\n\r\n\ra\n\n\r\nb\n\n"), "4:[a]\n7:[b]\n");
    r = OPEN("h\n\n\nv\n");
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_record(r), 1);
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_line(r), 4);
    assert_int_equal(pb_csv_record(r), 2); /* records, not lines */
    pb_csv_free(r);
}

static void test_csv__quoted_empty_field_alone_is_a_record(void **state)
{
    (void)state;
    assert_string_equal(DUMP("a\n\"\"\nb\n"), "1:[a]\n2:[]\n3:[b]\n");
}

static void test_csv__spaces_are_data(void **state)
{
    (void)state;
    assert_string_equal(DUMP("  \n a , b \n"), "1:[  ]\n2:[ a ][ b ]\n");
}

static void test_csv__empty_input_has_no_records(void **state)
{
    pb_csv *r;

    (void)state;
    assert_string_equal(DUMP(""), "");
    assert_string_equal(DUMP("\xEF\xBB\xBF"), "");
    assert_string_equal(DUMP("\r\n\n"), "");
    r = OPEN("");
    assert_int_equal(pb_csv_count(r), 0);
    assert_int_equal(pb_csv_line(r), 0);
    assert_int_equal(pb_csv_record(r), 0);
    assert_int_equal(pb_csv_next(r, NULL), 0);
    pb_csv_free(r);
}

static void test_csv__semicolon_delimiter(void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;

    (void)state;
    opt.delimiter = ';';
    assert_string_equal(DUMP_OPT("a;\"b;c\";1,50\n", &opt),
                        "1:[a][b;c][1,50]\n");
}

static void test_csv__tab_delimiter(void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;

    (void)state;
    opt.delimiter = '\t';
    assert_string_equal(DUMP_OPT("a\tb, c\t\"d\te\"\t\n", &opt),
                        "1:[a][b, c][d\te][]\n");
}

static void test_csv__bare_quote_inside_unquoted_field_is_literal(
    void **state)
{
    (void)state;
    assert_string_equal(DUMP("5\" pipe,12\"\",x\"y\"\n"),
                        "1:[5\" pipe][12\"\"][x\"y\"]\n");
}

static void test_csv__long_fields_and_records_cross_word_boundaries(
    void **state)
{
    (void)state;
    /* fields of 0..17 bytes, so the 8-byte scan stops at every offset */
    assert_string_equal(
        DUMP("a,bb,ccc,dddd,eeeee,ffffff,ggggggg,hhhhhhhh,iiiiiiiii\n"
             "jjjjjjjjjjjjjjjjj,\"kkkkkkkkk,kkkkkkk\",\"\"\n"),
        "1:[a][bb][ccc][dddd][eeeee][ffffff][ggggggg][hhhhhhhh]"
        "[iiiiiiiii]\n"
        "2:[jjjjjjjjjjjjjjjjj][kkkkkkkkk,kkkkkkk][]\n");
}

/* ---- encodings --------------------------------------------------------- */

static void test_csv__auto_converts_cp1252_pound_and_euro(void **state)
{
    pb_csv *r;

    (void)state;
    assert_string_equal(DUMP("Amount,Note\n\xA3" "12.50,\x80" "5 \x93ok\x94\n"),
                        "1:[Amount][Note]\n"
                        "2:[\xC2\xA3" "12.50][\xE2\x82\xAC" "5 "
                        "\xE2\x80\x9Cok\xE2\x80\x9D]\n");
    r = OPEN("\"\xA3\"\"1\"\"\"\n");
    assert_int_equal(pb_csv_encoding(r), PB_ENC_CP1252);
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_string_equal(pb_csv_field(r, 0, NULL), "\xC2\xA3\"1\"");
    pb_csv_free(r);
}

static void test_csv__auto_keeps_valid_utf8(void **state)
{
    pb_csv *r;

    (void)state;
    r = OPEN("Amount\n\xC2\xA3" "12.50\n");
    assert_int_equal(pb_csv_encoding(r), PB_ENC_UTF8);
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_string_equal(pb_csv_field(r, 0, NULL), "\xC2\xA3" "12.50");
    pb_csv_free(r);
}

static void test_csv__auto_decides_on_the_whole_input(void **state)
{
    (void)state;
    /* valid UTF-8 "£" early, a CP1252 byte late: the file is CP1252 */
    assert_string_equal(DUMP("\xC2\xA3\n\xE9\n"),
                        "1:[\xC3\x82\xC2\xA3]\n2:[\xC3\xA9]\n");
}

static void test_csv__utf8_bom_means_utf8_even_in_auto(void **state)
{
    (void)state;
    assert_string_equal(DUMP("\xEF\xBB\xBF" "a\n\xA3\n"),
                        "error: mem.csv:2:1: invalid UTF-8 byte 0xA3 (the "
                        "file starts with a UTF-8 byte-order mark)");
}

static void test_csv__explicit_utf8_rejects_a3_with_line_and_column(
    void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;
    pb_csv *r = NULL;
    pb_error err;

    (void)state;
    opt.encoding = PB_ENC_UTF8;
    assert_string_equal(
        DUMP_OPT("Date,Amount\n2024-04-01,\xA3" "5.00\n", &opt),
        "error: mem.csv:2:12: invalid UTF-8 byte 0xA3");
    assert_int_equal(pb_csv_open_mem(&r, "x.csv", "\xA3", 1, &opt, &err),
                     PB_EINVAL);
    assert_null(r);
    assert_string_equal(err.file, "x.csv");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 1);
}

static void test_csv__error_column_counts_characters_not_bytes(void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;

    (void)state;
    opt.encoding = PB_ENC_UTF8;
    /* "£€," is 3 characters in 6 bytes; the bad byte is character 4 */
    assert_string_equal(DUMP_OPT("x\n\xC2\xA3\xE2\x82\xAC,\xFF\n", &opt),
                        "error: mem.csv:2:4: invalid UTF-8 byte 0xFF");
}

static void test_csv__explicit_cp1252_converts_even_valid_utf8(void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;
    pb_csv *r;

    (void)state;
    opt.encoding = PB_ENC_CP1252;
    assert_string_equal(DUMP_OPT("\xC2\xA3\n", &opt), "1:[\xC3\x82\xC2\xA3]\n");
    r = open_lit("a", 1, &opt);
    assert_int_equal(pb_csv_encoding(r), PB_ENC_CP1252);
    pb_csv_free(r);
}

static void test_csv__utf16_bom_is_refused(void **state)
{
    pb_csv *r = (pb_csv *)&r; /* must be set to NULL */
    pb_error err;

    (void)state;
    assert_string_equal(DUMP("\xFF\xFE" "a\0,\0b\0"),
                        "error: mem.csv: UTF-16 files are not supported; "
                        "save as UTF-8 or CSV (Windows)");
    assert_int_equal(pb_csv_open_mem(&r, NULL, "\xFE\xFF\0a", 4, NULL, &err),
                     PB_EINVAL);
    assert_null(r);
    assert_string_equal(err.file, "<memory>");
}

static void test_csv__nul_byte_is_an_error_with_location(void **state)
{
    (void)state;
    assert_string_equal(DUMP("a,b\nc,d\0\n"),
                        "error: mem.csv:2:4: NUL byte in input (not a text "
                        "file?)");
}

/* ---- malformed input --------------------------------------------------- */

static void test_csv__unterminated_quote_names_the_line_it_opened_on(
    void **state)
{
    (void)state;
    assert_string_equal(DUMP("a,b\nc,\"open\nmore\n\nrest,of,file\n"),
                        "1:[a][b]\n"
                        "error: mem.csv:2:3: unterminated quoted field 2 "
                        "(its opening quote is here; the input ends before "
                        "the closing quote)");
    assert_string_equal(DUMP("\""), "error: mem.csv:1:1: unterminated "
                                    "quoted field 1 (its opening quote is "
                                    "here; the input ends before the "
                                    "closing quote)");
}

static void test_csv__text_after_closing_quote_is_an_error(void **state)
{
    (void)state;
    assert_string_equal(DUMP("x\na,\"b\"x,c\n"),
                        "1:[x]\n"
                        "error: mem.csv:2:6: unexpected text after closing "
                        "quote of field 2");
    assert_string_equal(DUMP("\"a\" ,b\n"),
                        "error: mem.csv:1:4: unexpected text after closing "
                        "quote of field 1");
    /* the position counts the quoted line ends before it */
    assert_string_equal(DUMP("\"a\nb\"c\n"),
                        "error: mem.csv:2:3: unexpected text after closing "
                        "quote of field 1");
}

static void test_csv__too_many_fields_is_an_error(void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;

    (void)state;
    opt.max_fields = 3;
    assert_string_equal(DUMP_OPT("a,b,c\nd,e,f,g\n", &opt),
                        "1:[a][b][c]\n"
                        "error: mem.csv:2:7: record has more than 3 fields");
}

static void test_csv__wide_records_grow_up_to_the_limit(void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;
    pb_buf in = PB_BUF_INIT;
    pb_csv *r;
    int i;

    (void)state;
    for (i = 0; i < 1000; i++)
        pb_buf_printf(&in, "%s%d", i ? "," : "", i);
    opt.max_fields = 1000;
    r = open_lit(in.data, in.len, &opt);
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_count(r), 1000);
    assert_string_equal(pb_csv_field(r, 0, NULL), "0");
    assert_string_equal(pb_csv_field(r, 999, NULL), "999");
    pb_csv_free(r);
    opt.max_fields = 999;
    assert_non_null(strstr(dump_opt(in.data, in.len, &opt),
                           "more than 999 fields"));
    pb_buf_clear(&in);
}

static void test_csv__field_longer_than_limit_is_an_error(void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;

    (void)state;
    opt.max_field_bytes = 4;
    assert_string_equal(DUMP_OPT("abcd,\"ab\"\"c\"\n", &opt),
                        "1:[abcd][ab\"c]\n");
    assert_string_equal(DUMP_OPT("x,abcde\n", &opt),
                        "error: mem.csv:1:3: field 2 is longer than 4 bytes");
    assert_string_equal(DUMP_OPT("\"abcde\"\n", &opt),
                        "error: mem.csv:1:1: quoted field 1 is longer than 4 "
                        "bytes");
    assert_string_equal(DUMP_OPT("\"abc\"\"\"\"\"\n", &opt),
                        "error: mem.csv:1:1: quoted field 1 is longer than 4 "
                        "bytes");
}

static void test_csv__runaway_quote_is_reported_where_it_opens(void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;

    (void)state;
    opt.max_field_bytes = 4;
    /* past the limit the reader scans on, so it can tell these apart */
    assert_string_equal(DUMP_OPT("a,\"b\nc,d\ne,f\ng,h\n", &opt),
                        "error: mem.csv:1:3: unterminated quoted field 2 "
                        "(its opening quote is here; the input ends before "
                        "the closing quote)");
    assert_string_equal(DUMP_OPT("a,\"b\nc,d\ne,\"\nf\n", &opt),
                        "error: mem.csv:1:3: quoted field 2 is longer than 4 "
                        "bytes");
}

static void test_csv__errors_are_sticky(void **state)
{
    pb_csv *r;
    pb_error err, again;

    (void)state;
    r = OPEN("a\n\"b\"c\nd\n");
    assert_int_equal(pb_csv_next(r, &err), 1);
    assert_int_equal(pb_csv_next(r, &err), PB_EINVAL);
    assert_int_equal(pb_csv_count(r), 0);
    assert_int_equal(pb_csv_next(r, &again), PB_EINVAL);
    assert_string_equal(again.msg, err.msg);
    assert_int_equal(again.line, 2);
    assert_int_equal(pb_csv_next(r, NULL), PB_EINVAL);
    pb_csv_free(r);
}

static void test_csv__end_of_input_is_sticky(void **state)
{
    pb_csv *r;

    (void)state;
    r = OPEN("a\n");
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_next(r, NULL), 0);
    assert_int_equal(pb_csv_count(r), 0);
    assert_int_equal(pb_csv_next(r, NULL), 0);
    pb_csv_free(r);
}

static void test_csv__bad_options_are_usage_errors(void **state)
{
    pb_csv_options opt = PB_CSV_OPTIONS_INIT;
    pb_csv *r;
    pb_error err;

    (void)state;
    opt.delimiter = '"';
    assert_int_equal(pb_csv_open_mem(&r, "m", "a", 1, &opt, &err),
                     PB_EUSAGE);
    assert_null(r);
    opt.delimiter = '\n';
    assert_int_equal(pb_csv_open_mem(&r, "m", "a", 1, &opt, &err),
                     PB_EUSAGE);
    opt.delimiter = (char)0xA3;
    assert_int_equal(pb_csv_open_mem(&r, "m", "a", 1, &opt, &err),
                     PB_EUSAGE);
    opt.delimiter = 0;
    opt.encoding = (pb_encoding)7;
    assert_int_equal(pb_csv_open_mem(&r, "m", "a", 1, &opt, &err),
                     PB_EUSAGE);
}

/* ---- record access ----------------------------------------------------- */

static void test_csv__field_beyond_count_is_empty(void **state)
{
    pb_csv *r;
    size_t n = 99;

    (void)state;
    r = OPEN("a,b\n");
    assert_string_equal(pb_csv_field(r, 0, &n), ""); /* no record yet */
    assert_int_equal(n, 0);
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_count(r), 2);
    assert_string_equal(pb_csv_field(r, 1, &n), "b");
    assert_int_equal(n, 1);
    assert_string_equal(pb_csv_field(r, 2, &n), "");
    assert_int_equal(n, 0);
    assert_string_equal(pb_csv_field(r, SIZE_MAX, NULL), "");
    pb_csv_free(r);
}

static void test_csv__name_is_kept_for_messages(void **state)
{
    pb_csv *r = NULL;

    (void)state;
    assert_int_equal(pb_csv_open_mem(&r, "ledger.csv", "a", 1, NULL, NULL),
                     PB_OK);
    assert_string_equal(pb_csv_name(r), "ledger.csv");
    pb_csv_free(r);
    assert_int_equal(pb_csv_open_mem(&r, NULL, "a", 1, NULL, NULL), PB_OK);
    assert_string_equal(pb_csv_name(r), "<memory>");
    pb_csv_free(r);
}

static void test_csv__free_accepts_null(void **state)
{
    (void)state;
    pb_csv_free(NULL);
}

static void test_csv__large_field_grows_the_buffer(void **state)
{
    pb_buf in = PB_BUF_INIT;
    pb_csv *r;
    size_t n, i;
    const char *f;

    (void)state;
    pb_buf_puts(&in, "short,\"");
    for (i = 0; i < 200000; i++)
        pb_buf_putc(&in, i % 1000 == 999 ? '\n' : 'x');
    pb_buf_puts(&in, "\",tail\nnext\n");
    r = open_lit(in.data, in.len, NULL);
    assert_int_equal(pb_csv_next(r, NULL), 1);
    f = pb_csv_field(r, 1, &n);
    assert_int_equal(n, 200000);
    assert_int_equal(f[999], '\n');
    assert_string_equal(pb_csv_field(r, 0, NULL), "short");
    assert_string_equal(pb_csv_field(r, 2, NULL), "tail");
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_line(r), 202);
    pb_csv_free(r);
    pb_buf_clear(&in);
}

/* ---- header helpers ---------------------------------------------------- */

static void test_csv__find_column_matches_normalised_synonyms(void **state)
{
    static const char *const amount[] = {"amount", "value", "net amount",
                                         NULL};
    static const char *const centre[] = {"Cost Centre", "cost_center", NULL};
    static const char *const date[] = {"posting date", "date", NULL};
    pb_csv *r;

    (void)state;
    r = OPEN("Trans Date, COST-CENTRE ,Net_Amount (\xC2\xA3),Date\n");
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_find_column(r, amount), 2);
    assert_int_equal(pb_csv_find_column(r, centre), 1);
    assert_int_equal(pb_csv_find_column(r, date), 3);
    pb_csv_free(r);
}

static void test_csv__find_column_works_on_cp1252_headers(void **state)
{
    static const char *const amount[] = {"amount", NULL};
    pb_csv *r;

    (void)state;
    r = OPEN("Description,Amount \xA3\n");
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_find_column(r, amount), 1);
    pb_csv_free(r);
}

static void test_csv__find_column_prefers_leftmost_and_skips_blank(
    void **state)
{
    static const char *const amount[] = {"amount", "net", NULL};
    static const char *const blank[] = {"", "(\xC2\xA3)", NULL};
    pb_csv *r;

    (void)state;
    r = OPEN(",Net,Amount\n");
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_find_column(r, amount), 1);
    assert_int_equal(pb_csv_find_column(r, blank), -1);
    pb_csv_free(r);
}

static void test_csv__find_column_returns_minus_one_when_absent(void **state)
{
    static const char *const amount[] = {"amount", NULL};
    static const char *const none[] = {NULL};
    pb_csv *r;

    (void)state;
    r = OPEN("Date,Amounts\n");
    assert_int_equal(pb_csv_find_column(r, amount), -1); /* no record */
    assert_int_equal(pb_csv_next(r, NULL), 1);
    assert_int_equal(pb_csv_find_column(r, amount), -1);
    assert_int_equal(pb_csv_find_column(r, none), -1);
    pb_csv_free(r);
}

#define SNIFF(lit) pb_csv_sniff_delimiter(lit, sizeof lit - 1)

static void test_csv__sniff_counts_delimiters_on_first_line(void **state)
{
    (void)state;
    assert_int_equal(SNIFF("a,b,c\n"), ',');
    assert_int_equal(SNIFF("a;b;c,d\n"), ';');
    assert_int_equal(SNIFF("a\tb\tc\n"), '\t');
    assert_int_equal(SNIFF("a|b|c\n"), '|');
    /* only the first non-empty line counts, after the BOM */
    assert_int_equal(SNIFF("\xEF\xBB\xBF\r\n\na;b\nc,d,e,f\n"), ';');
}

static void test_csv__sniff_ignores_quoted_text(void **state)
{
    (void)state;
    assert_int_equal(SNIFF("\"Smith, J; \"\"x,y\"\"\";1,5;\"a\nb,c,d\"\n"),
                     ';');
}

static void test_csv__sniff_defaults_to_comma(void **state)
{
    (void)state;
    assert_int_equal(SNIFF(""), ',');
    assert_int_equal(SNIFF("amount\n1;2\n"), ',');
    assert_int_equal(SNIFF("a;b,c\n"), ','); /* a tie */
}

/* ---- files ------------------------------------------------------------- */

static void test_csv__open_file_reads_a_real_file(void **state)
{
    static const char data[] = "\xEF\xBB\xBF" "Date,Amount\r\n"
                               "2024-04-01,\xA3" "1.00\r\n"
                               "2024-04-02,\"2,000\"";
    char path[32];
    pb_csv *r = NULL;
    pb_error err;

    (void)state;
    write_temp(path, data, sizeof data - 1);
    assert_int_equal(pb_csv_open_file(&r, path, NULL, &err), PB_EINVAL);
    assert_string_equal(err.file, path); /* BOM says UTF-8; 0xA3 is not */
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 12);
    assert_int_equal(unlink(path), 0);

    write_temp(path, data + 3, sizeof data - 4);
    assert_int_equal(pb_csv_open_file(&r, path, NULL, &err), PB_OK);
    assert_string_equal(pb_csv_name(r), path);
    assert_int_equal(pb_csv_encoding(r), PB_ENC_CP1252);
    assert_int_equal(pb_csv_next(r, &err), 1);
    assert_int_equal(pb_csv_next(r, &err), 1);
    assert_string_equal(pb_csv_field(r, 1, NULL), "\xC2\xA3" "1.00");
    assert_int_equal(pb_csv_next(r, &err), 1);
    assert_string_equal(pb_csv_field(r, 1, NULL), "2,000");
    assert_int_equal(pb_csv_line(r), 3);
    assert_int_equal(pb_csv_next(r, &err), 0);
    pb_csv_free(r);
    assert_int_equal(unlink(path), 0);
}

static void test_csv__open_file_of_empty_file_has_no_records(void **state)
{
    char path[32];
    pb_csv *r = NULL;
    pb_error err;

    (void)state;
    write_temp(path, "", 0);
    assert_int_equal(pb_csv_open_file(&r, path, NULL, &err), PB_OK);
    assert_int_equal(pb_csv_next(r, &err), 0);
    pb_csv_free(r);
    assert_int_equal(unlink(path), 0);
}

static void test_csv__open_file_missing_reports_system_reason(void **state)
{
    pb_csv *r = (pb_csv *)&r;
    pb_error err;
    char msg[1024];

    (void)state;
    assert_int_equal(pb_csv_open_file(&r, "/tmp/pb-no-such-dir/x.csv", NULL,
                                      &err),
                     PB_EIO);
    assert_null(r);
    assert_string_equal(pb_error_format(&err, msg, sizeof msg),
                        "/tmp/pb-no-such-dir/x.csv: cannot open: No such "
                        "file or directory");
}

static void test_csv__open_file_refuses_a_directory(void **state)
{
    pb_csv *r = (pb_csv *)&r;
    pb_error err;

    (void)state;
    assert_int_equal(pb_csv_open_file(&r, "/tmp", NULL, &err), PB_EINVAL);
    assert_null(r);
    assert_string_equal(err.file, "/tmp");
    assert_string_equal(err.msg,
                        "is a directory; give the path of a CSV file");
}

static void test_csv__open_file_refuses_a_fifo_without_blocking(void **state)
{
    char dir[] = "/tmp/pb_test_csv_XXXXXX";
    char path[64];
    pb_csv *r = (pb_csv *)&r;
    pb_error err;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/fifo.csv", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(pb_csv_open_file(&r, path, NULL, &err), PB_EINVAL);
    assert_null(r);
    assert_non_null(strstr(err.msg, "not a regular file"));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* ---- the reference model ----------------------------------------------- */

static uint32_t rng_state = 12345;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}

/* Line ends in s[0..n): CRLF, LF and lone CR count one each. */
static long count_line_ends(const char *s, size_t n)
{
    long k = 0;
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
            k++;
    return k;
}

#define MAX_RECS 12
#define MAX_FIELDS 6

static void test_csv__random_records_round_trip(void **state)
{
    static const char *const atoms[] = {"a", "b", " ", ",", ";", "\"", "\r",
                                        "\n", "\xC2\xA3", "xyzxyzxyz"};
    static const char *const ends[] = {"\n", "\r\n", "\r"};
    int iter;

    (void)state;
    for (iter = 0; iter < 3000; iter++) {
        pb_buf want[MAX_RECS][MAX_FIELDS];
        size_t nf[MAX_RECS];
        long line[MAX_RECS];
        size_t nrec = 1 + rnd(MAX_RECS), i, j, k;
        char delim = rnd(2) ? ',' : ';';
        pb_csv_options opt = PB_CSV_OPTIONS_INIT;
        pb_buf in = PB_BUF_INIT;
        pb_csv *r;
        pb_error err;

        opt.delimiter = delim;
        for (i = 0; i < nrec; i++) {
            if (i > 0)
                pb_buf_puts(&in, ends[rnd(3)]);
            while (rnd(6) == 0) /* empty lines, never merging a CRLF */
                pb_buf_puts(&in, i > 0 && in.data[in.len - 1] == '\r'
                                     ? "\r"
                                     : "\n");
            line[i] = 1 + count_line_ends(in.data ? in.data : "", in.len);
            nf[i] = 1 + rnd(MAX_FIELDS);
            for (j = 0; j < nf[i]; j++) {
                size_t natoms = rnd(5);
                bool quote;
                const char *s;

                pb_buf_init(&want[i][j]);
                for (k = 0; k < natoms; k++)
                    pb_buf_puts(&want[i][j], atoms[rnd(10)]);
                s = pb_buf_str(&want[i][j]);
                quote = rnd(4) == 0 || strchr(s, delim) != NULL ||
                        strpbrk(s, "\r\n") != NULL || s[0] == '"' ||
                        (nf[i] == 1 && s[0] == '\0');
                if (j > 0)
                    pb_buf_putc(&in, delim);
                if (!quote) {
                    pb_buf_puts(&in, s);
                    continue;
                }
                pb_buf_putc(&in, '"');
                for (; *s != '\0'; s++) {
                    if (*s == '"')
                        pb_buf_putc(&in, '"');
                    pb_buf_putc(&in, *s);
                }
                pb_buf_putc(&in, '"');
            }
        }
        if (rnd(2))
            pb_buf_puts(&in, ends[rnd(3)]);

        r = open_lit(in.data, in.len, &opt);
        for (i = 0; i < nrec; i++) {
            if (pb_csv_next(r, &err) != 1)
                fail_msg("iteration %d record %zu: %s", iter, i, err.msg);
            assert_int_equal(pb_csv_count(r), nf[i]);
            assert_int_equal(pb_csv_line(r), line[i]);
            assert_int_equal(pb_csv_record(r), (long)i + 1);
            for (j = 0; j < nf[i]; j++) {
                size_t n;
                const char *f = pb_csv_field(r, j, &n);

                assert_int_equal(n, want[i][j].len);
                assert_memory_equal(f, pb_buf_str(&want[i][j]), n);
                pb_buf_clear(&want[i][j]);
            }
        }
        assert_int_equal(pb_csv_next(r, &err), 0);
        pb_csv_free(r);
        pb_buf_clear(&in);
    }
}

/* Whatever the bytes, the reader ends or fails cleanly, and every field it
 * hands out is valid UTF-8 with its NUL where its length says. */
static void test_csv__any_input_gives_records_or_a_located_error(
    void **state)
{
    static const char bytes[] = {'a', ',', ';', '"', '\r', '\n', ' ',
                                 '\xA3', '\xC2', '\x80', '\xEF', '\0'};
    char in[64];
    int iter;

    (void)state;
    for (iter = 0; iter < 20000; iter++) {
        pb_csv_options opt = PB_CSV_OPTIONS_INIT;
        size_t len = rnd(sizeof in), i;
        pb_csv *r;
        pb_error err;
        int rc;

        for (i = 0; i < len; i++)
            in[i] = bytes[rnd(iter % 2 ? 7 : sizeof bytes)];
        opt.encoding = (pb_encoding)rnd(3);
        opt.max_field_bytes = 1 + rnd(20);
        opt.max_fields = 1 + rnd(8);
        if (pb_csv_open_mem(&r, "fuzz", in, len, &opt, &err) != PB_OK) {
            assert_int_equal(err.code, PB_EINVAL);
            assert_string_equal(err.file, "fuzz");
            continue;
        }
        while ((rc = pb_csv_next(r, &err)) == 1) {
            assert_true(pb_csv_count(r) >= 1);
            for (i = 0; i < pb_csv_count(r); i++) {
                size_t n;
                const char *f = pb_csv_field(r, i, &n);

                assert_int_equal(strlen(f), n);
                assert_true(pb_text_utf8_valid(f, n, NULL));
            }
        }
        if (rc < 0) {
            assert_string_equal(err.file, "fuzz");
            assert_true(err.line >= 1 && err.column >= 1);
        }
        pb_csv_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv__plain_fields_are_split_on_commas),
        cmocka_unit_test(test_csv__quoted_field_may_contain_delimiter),
        cmocka_unit_test(test_csv__doubled_quote_is_one_quote),
        cmocka_unit_test(
            test_csv__quoted_crlf_is_kept_and_later_lines_count_it),
        cmocka_unit_test(test_csv__utf8_bom_is_skipped),
        cmocka_unit_test(test_csv__crlf_lf_and_lone_cr_end_lines_alike),
        cmocka_unit_test(test_csv__lf_cr_is_two_line_ends),
        cmocka_unit_test(test_csv__last_line_needs_no_newline),
        cmocka_unit_test(test_csv__empty_fields_are_kept),
        cmocka_unit_test(
            test_csv__trailing_delimiter_makes_an_empty_last_field),
        cmocka_unit_test(test_csv__empty_lines_are_skipped_but_counted),
        cmocka_unit_test(test_csv__quoted_empty_field_alone_is_a_record),
        cmocka_unit_test(test_csv__spaces_are_data),
        cmocka_unit_test(test_csv__empty_input_has_no_records),
        cmocka_unit_test(test_csv__semicolon_delimiter),
        cmocka_unit_test(test_csv__tab_delimiter),
        cmocka_unit_test(
            test_csv__bare_quote_inside_unquoted_field_is_literal),
        cmocka_unit_test(
            test_csv__long_fields_and_records_cross_word_boundaries),
        cmocka_unit_test(test_csv__auto_converts_cp1252_pound_and_euro),
        cmocka_unit_test(test_csv__auto_keeps_valid_utf8),
        cmocka_unit_test(test_csv__auto_decides_on_the_whole_input),
        cmocka_unit_test(test_csv__utf8_bom_means_utf8_even_in_auto),
        cmocka_unit_test(
            test_csv__explicit_utf8_rejects_a3_with_line_and_column),
        cmocka_unit_test(test_csv__error_column_counts_characters_not_bytes),
        cmocka_unit_test(test_csv__explicit_cp1252_converts_even_valid_utf8),
        cmocka_unit_test(test_csv__utf16_bom_is_refused),
        cmocka_unit_test(test_csv__nul_byte_is_an_error_with_location),
        cmocka_unit_test(
            test_csv__unterminated_quote_names_the_line_it_opened_on),
        cmocka_unit_test(test_csv__text_after_closing_quote_is_an_error),
        cmocka_unit_test(test_csv__too_many_fields_is_an_error),
        cmocka_unit_test(test_csv__wide_records_grow_up_to_the_limit),
        cmocka_unit_test(test_csv__field_longer_than_limit_is_an_error),
        cmocka_unit_test(test_csv__runaway_quote_is_reported_where_it_opens),
        cmocka_unit_test(test_csv__errors_are_sticky),
        cmocka_unit_test(test_csv__end_of_input_is_sticky),
        cmocka_unit_test(test_csv__bad_options_are_usage_errors),
        cmocka_unit_test(test_csv__field_beyond_count_is_empty),
        cmocka_unit_test(test_csv__name_is_kept_for_messages),
        cmocka_unit_test(test_csv__free_accepts_null),
        cmocka_unit_test(test_csv__large_field_grows_the_buffer),
        cmocka_unit_test(test_csv__find_column_matches_normalised_synonyms),
        cmocka_unit_test(test_csv__find_column_works_on_cp1252_headers),
        cmocka_unit_test(
            test_csv__find_column_prefers_leftmost_and_skips_blank),
        cmocka_unit_test(test_csv__find_column_returns_minus_one_when_absent),
        cmocka_unit_test(test_csv__sniff_counts_delimiters_on_first_line),
        cmocka_unit_test(test_csv__sniff_ignores_quoted_text),
        cmocka_unit_test(test_csv__sniff_defaults_to_comma),
        cmocka_unit_test(test_csv__open_file_reads_a_real_file),
        cmocka_unit_test(test_csv__open_file_of_empty_file_has_no_records),
        cmocka_unit_test(test_csv__open_file_missing_reports_system_reason),
        cmocka_unit_test(test_csv__open_file_refuses_a_directory),
        cmocka_unit_test(test_csv__open_file_refuses_a_fifo_without_blocking),
        cmocka_unit_test(test_csv__random_records_round_trip),
        cmocka_unit_test(
            test_csv__any_input_gives_records_or_a_located_error),
    };

    return cmocka_run_group_tests(tests, NULL, free_dump);
}
