/*
 * test_xml.c - importers/xml: records from XML, and the refusals that keep
 * a hostile document from reading files or exhausting memory.
 *
 * Each case writes a document to a temporary directory, opens it with
 * rules parsed from text, and compares a dump of the records - "LINE
 * #N [v1][v2]..." per row, "bal ..." per balance, "end #N" per statement
 * end, then "error: ..." - with the expected text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "importers/reader.h"
#include "importers/rules.h"
#include "importers/xml.h"
#include "ledger/buf.h"
#include "ledger/sha256.h"
#include "tests/support/support.h"

static char *dir_path; /* a book path inside a fresh directory */
static pb_buf out = PB_BUF_INIT;
static char msg[1024];

static int setup(void **state)
{
    (void)state;
    dir_path = pbt_path_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pbt_path_remove(dir_path);
    pb_buf_clear(&out);
    return 0;
}

/* Writes data to a file in the test directory; returns its path (free). */
static char *write_file(const char *suffix, const char *data, size_t len)
{
    char *path = pbt_path_sibling(dir_path, suffix);
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static pb_rules *rules_of(const char *text)
{
    pb_rules *r = NULL;
    pb_error err;

    if (pb_rules_parse(&r, "x.rules", text, strlen(text), &err) != PB_OK)
        fail_msg("rules: %s", pb_error_format(&err, msg, sizeof msg));
    return r;
}

/* Reads every record of data with rules; returns the dump. */
static const char *dump_with(const char *rules_text, const char *data,
                             size_t len, const char *expect_sha)
{
    pb_rules *r = rules_of(rules_text);
    char *path = write_file("-in.xml", data, len);
    pb_reader *rd = NULL;
    const pb_record *rec;
    pb_error err;
    size_t i;
    int rc;

    pb_buf_reset(&out);
    pb_error_clear(&err);
    rc = pb_xml_open(&rd, path, "in.xml", r, expect_sha, &err);
    if (rc == PB_OK) {
        while ((rc = pb_reader_next(rd, &rec, &err)) == 1) {
            if (rec->kind == PB_RECORD_GROUP_END) {
                pb_buf_printf(&out, "%ld end #%ld\n", rec->line, rec->number);
                continue;
            }
            pb_buf_printf(&out, "%ld %s#%ld ", rec->line,
                          rec->kind == PB_RECORD_BALANCE ? "bal " : "",
                          rec->number);
            for (i = 0; i < rec->count; i++) {
                assert_int_equal(strlen(rec->values[i]), rec->lens[i]);
                pb_buf_printf(&out, "[%s]", rec->values[i]);
            }
            pb_buf_putc(&out, '\n');
        }
        /* after the end, the end again */
        if (rc == 0)
            assert_int_equal(pb_reader_next(rd, &rec, &err), 0);
    } else {
        assert_null(rd);
    }
    if (rc < 0)
        pb_buf_printf(&out, "error: %s",
                      pb_error_format(&err, msg, sizeof msg));
    pb_reader_free(rd);
    pb_rules_free(r);
    unlink(path);
    free(path);
    return pb_buf_str(&out);
}

#define ROWS                                                                   \
    "reader xml\nsource t\nrecord /Rows/Row\n"                                 \
    "field d = @date\nfield a = A\nfield x = normalize-space(X)\n"             \
    "field r = R\n"                                                            \
    "date d iso\namount a\ndescription {x}\nsource-ref {r}\n"                  \
    "contra 1\nsuspense 2\n"

#define DUMP(rules, lit) dump_with(rules, lit, sizeof lit - 1, NULL)

/* ---- records ------------------------------------------------------------ */

/* 1. Records, fields by XPath, line numbers, absent fields read "". */
static void test_xml_read__records_and_fields(void **state)
{
    (void)state;
    assert_string_equal(DUMP(ROWS, "<?xml version=\"1.0\"?>\n"
                                   "<Rows>\n"
                                   "  <Row date=\"2024-04-01\">\n"
                                   "    <A>1.00</A><X>  one\n two </X>"
                                   "<R>r1</R>\n"
                                   "  </Row>\n"
                                   "  <Other><Row><A>9</A></Row></Other>\n"
                                   "  <Row><A>&lt;2&amp;</A></Row>\n"
                                   "</Rows>\n"),
                        "3 #1 [2024-04-01][1.00][one two][r1]\n"
                        "8 #2 [][<2&][][]\n");
}

/* 2. Namespaces: a wildcard URI binds to the document's; // paths; *. */
static void test_xml_read__namespaces(void **state)
{
    static const char rules[] =
        "reader xml\nsource t\n"
        "namespace c urn:x:camt.053.001.*\n"
        "record //c:Stmt/*\n"
        "field a = c:Amt\nfield n = local-name()\n"
        "date a iso\namount a\ndescription x\nsource-ref {n}\n"
        "contra 1\nsuspense 2\n";

    (void)state;
    assert_string_equal(
        DUMP(rules, "<D xmlns=\"urn:x:camt.053.001.08\"><Stmt>"
                    "<Ntry><Amt>1</Amt></Ntry>"
                    "<Bal><Amt>2</Amt></Bal>"
                    "<q:Ntry xmlns:q=\"urn:other\"><Amt>3</Amt></q:Ntry>"
                    "</Stmt></D>"),
        "1 #1 [1][Ntry]\n"
        "1 #2 [2][Bal]\n"
        "1 #3 [3][Ntry]\n"); /* Amt is in the default namespace */
    /* a prefix must match the namespace, not the spelling */
    assert_string_equal(
        DUMP(rules, "<p:D xmlns:p=\"urn:x:camt.053.001.02\"><p:Stmt>"
                    "<p:Ntry><p:Amt>4</p:Amt></p:Ntry></p:Stmt></p:D>"),
        "1 #1 [4][Ntry]\n");
    /* elements in no namespace do not match c: */
    assert_string_equal(DUMP(rules, "<D><Stmt><Ntry><Amt>1</Amt></Ntry>"
                                    "</Stmt></D>"),
                        "");
}

/* 3. Statements: balances and an end per statement, in order. */
static void test_xml_read__statements_and_balances(void **state)
{
    static const char rules[] =
        "reader xml\nsource t\n"
        "record /Doc/Stmt/Ntry\nstatement /Doc/Stmt\nbalance /Doc/Stmt/Bal\n"
        "balance-type = Tp\nbalance-amount = Amt\nbalance-flag = Ind\n"
        "opening-balance OPBD\nclosing-balance CLBD\n"
        "field a = Amt\nfield i = Ind\n"
        "date a iso\namount a flag=i positive=CRDT negative=DBIT\n"
        "description x\nsource-ref {a}\ncontra 1\nsuspense 2\n";

    (void)state;
    assert_string_equal(
        DUMP(rules, "<Doc>\n"
                    "<Stmt>\n"
                    "<Bal><Tp>OPBD</Tp><Amt>10</Amt><Ind>CRDT</Ind></Bal>\n"
                    "<Ntry><Amt>5</Amt><Ind>DBIT</Ind></Ntry>\n"
                    "<Bal><Tp>CLBD</Tp><Amt>5</Amt></Bal>\n"
                    "</Stmt>\n"
                    "<Stmt/>\n"
                    "<Bal><Tp>OPBD</Tp></Bal>\n"
                    "</Doc>\n"),
        "3 bal #1 [OPBD][10][CRDT]\n"
        "4 #1 [5][DBIT]\n"
        "5 bal #2 [CLBD][5][]\n"
        "2 end #1\n"
        "7 end #2\n");
    /* without `statement`, the whole document is one */
    assert_string_equal(
        DUMP("reader xml\nsource t\nrecord //N\nbalance //B\n"
             "balance-type = T\nbalance-amount = A\n"
             "opening-balance O\nclosing-balance C\n"
             "field a = A\ndate a iso\namount a\ndescription x\n"
             "source-ref {a}\ncontra 1\nsuspense 2\n",
             "<D><B><T>O</T><A>1</A></B><N><A>2</A></N></D>"),
        "1 bal #1 [O][1][]\n"
        "1 #1 [2]\n"
        "1 end #1\n");
}

/* 4. An XPath that fails when evaluated names the rules line. */
static void test_xml_read__xpath_runtime_error(void **state)
{
    (void)state;
    assert_string_equal(
        DUMP("reader xml\nsource t\nrecord /R\nfield a = q:A\n"
             "date a iso\namount a\ndescription x\nsource-ref {a}\n"
             "contra 1\nsuspense 2\n",
             "<R><A>1</A></R>"),
        "error: in.xml:1: a: the XPath (x.rules:4) failed: Undefined "
        "namespace prefix");
}

/* 5. The file must not change between the caller's hash and the parse. */
static void test_xml_read__file_changed(void **state)
{
    static const char doc[] = "<Rows><Row><A>1</A></Row></Rows>";
    uint8_t digest[PB_SHA256_LEN];
    char hex[PB_SHA256_HEX_LEN];

    (void)state;
    pb_sha256_digest(doc, sizeof doc - 1, digest);
    pb_sha256_hex(digest, hex);
    assert_string_equal(dump_with(ROWS, doc, sizeof doc - 1, hex),
                        "1 #1 [][1][][]\n");
    hex[0] = hex[0] == '0' ? '1' : '0';
    assert_string_equal(dump_with(ROWS, doc, sizeof doc - 1, hex),
                        "1 #1 [][1][][]\n"
                        "error: in.xml: the file changed while it was being "
                        "read; import it again");
}

/* ---- malformed documents ------------------------------------------------- */

static void test_xml_errors__malformed(void **state)
{
    (void)state;
    /* truncated inside a record */
    assert_string_equal(DUMP(ROWS, "<Rows>\n<Row><A>1</A></Row>\n<Row><A>2"),
                        "2 #1 [][1][][]\n"
                        "error: in.xml:3: the document ends before its "
                        "elements are closed (is the file truncated?)");
    /* truncated between records: the reader cannot tell the last
     * record complete, so it is not handed out */
    assert_string_equal(DUMP(ROWS, "<Rows>\n<Row><A>1</A></Row>\n"),
                        "error: in.xml:2: the document ends before its "
                        "elements are closed (is the file truncated?)");
    /* mismatched tags */
    assert_string_equal(DUMP(ROWS, "<Rows>\n<Row><A>1</B></Row></Rows>"),
                        "error: in.xml:2:14: XML is not well-formed: Opening "
                        "and ending tag mismatch: A line 2 and B");
    /* a second root */
    assert_string_equal(DUMP(ROWS, "<Rows/>\n<Rows/>\n"),
                        "error: in.xml:2:1: XML is not well-formed: Extra "
                        "content at the end of the document");
    /* nothing but a comment; not XML after the first '<' */
    assert_string_equal(DUMP(ROWS, "<!-- nothing -->\n"),
                        "error: in.xml:2: no root element could be read: the "
                        "document is empty or not well-formed");
    assert_string_equal(DUMP(ROWS, "<<<"),
                        "error: in.xml:1: no root element could be read: the "
                        "document is empty or not well-formed");
    /* invalid UTF-8 in a record */
    assert_string_equal(DUMP(ROWS, "<Rows>\n<Row><X>\xA3</X></Row></Rows>"),
                        "error: in.xml:2:9: XML is not well-formed: Input is "
                        "not proper UTF-8, indicate encoding ! Bytes: 0xA3 "
                        "0x3C 0x2F 0x58");
    /* an undeclared entity */
    assert_string_equal(DUMP(ROWS, "<Rows><Row><X>&nbsp;</X></Row></Rows>"),
                        "error: in.xml:1:21: XML is not well-formed: Entity "
                        "'nbsp' not defined");
}

/* The root must be the one an absolute record path names. */
static void test_xml_errors__wrong_root_or_namespace(void **state)
{
    static const char rules[] =
        "reader xml\nsource t\nnamespace c urn:iso:camt.053.001.*\n"
        "record /c:Document/c:Ntry\n"
        "field a = c:A\ndate a iso\namount a\ndescription x\n"
        "source-ref {a}\ncontra 1\nsuspense 2\n";

    (void)state;
    assert_string_equal(
        DUMP(rules, "<Document xmlns=\"urn:iso:camt.052.001.02\"/>"),
        "error: in.xml:1: the root element is Document in namespace "
        "urn:iso:camt.052.001.02; the rules expect c:Document with c = "
        "urn:iso:camt.053.001.*");
    assert_string_equal(DUMP(rules, "<Document/>"),
                        "error: in.xml:1: the root element is Document in "
                        "no namespace; the rules expect c:Document with c "
                        "= urn:iso:camt.053.001.*");
    assert_string_equal(DUMP(ROWS, "<OFX/>"),
                        "error: in.xml:1: the root element is OFX in no "
                        "namespace; the rules expect Rows in no namespace");
}

/* ---- limits ---------------------------------------------------------------
 */

static void test_xml_limits__depth_and_field_size(void **state)
{
    pb_buf doc = PB_BUF_INIT;
    int i;

    (void)state;
    for (i = 0; i < PB_XML_MAX_DEPTH + 1; i++)
        pb_buf_puts(&doc, "<Rows>");
    for (i = 0; i < PB_XML_MAX_DEPTH + 1; i++)
        pb_buf_puts(&doc, "</Rows>");
    assert_string_equal(dump_with("reader xml\nsource t\nrecord //Row\n"
                                  "field a = A\ndate a iso\namount a\n"
                                  "description x\nsource-ref {a}\n"
                                  "contra 1\nsuspense 2\n",
                                  doc.data, doc.len, NULL),
                        "error: in.xml:1: elements are nested more than 64 "
                        "deep; refused");
    pb_buf_reset(&doc);
    pb_buf_puts(&doc, "<Rows><Row><X>");
    for (i = 0; i < (int)PB_XML_MAX_FIELD + 1; i++)
        pb_buf_putc(&doc, 'x');
    pb_buf_puts(&doc, "</X></Row></Rows>");
    assert_string_equal(dump_with(ROWS, doc.data, doc.len, NULL),
                        "error: in.xml:1: x: the value is longer than 65536 "
                        "bytes");
    pb_buf_clear(&doc);
}

/* ---- the prolog ------------------------------------------------------------
 */

typedef struct prolog_case {
    const char *data;
    size_t len;
    const char *want; /* NULL: accepted */
} prolog_case;

#define P(lit, want)                                                           \
    {                                                                          \
        lit, sizeof lit - 1, want                                              \
    }

static const prolog_case prologs[] = {
    P("<a/>", NULL),
    P("\xEF\xBB\xBF  \n<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<!-- c --><?pi x?>\n<!DOCTYPE a SYSTEM \"a.dtd\">\n<a/>",
      NULL),
    P("<?xml version='1.0' encoding='US-ASCII'?><a/>", NULL),
    /* Any internal subset is refused, entities declared or not. */
    P("<!DOCTYPE a [ <!-- <!ENTITY in a comment> --> <!ELEMENT a ANY> ]>"
      "<a/>",
      "p.xml:1: " "the document's DOCTYPE has an internal subset, where entities are "
      "declared; refused (entity expansion can read local files or exhaust "
      "memory: XXE, billion laughs; finance exports have no subset)"),
    P("<!DOCTYPE a SYSTEM \"x]>\" [ <!ATTLIST a x CDATA \"\"> ]><a/>",
      "p.xml:1: " "the document's DOCTYPE has an internal subset, where entities are "
      "declared; refused (entity expansion can read local files or exhaust "
      "memory: XXE, billion laughs; finance exports have no subset)"),
    /* A ']' in a processing instruction does not end the subset early. */
    P("<!DOCTYPE a [<?x ]?><!ENTITY e \"big\">]><a>&e;</a>",
      "p.xml:1: " "the document's DOCTYPE has an internal subset, where entities are "
      "declared; refused (entity expansion can read local files or exhaust "
      "memory: XXE, billion laughs; finance exports have no subset)"),
    P("\xFE\xFF\x00<\x00a", "p.xml:1: UTF-16 XML is not read; save it as "
                            "UTF-8"),
    P("<\x00?\x00x\x00", "p.xml:1: UTF-16 XML is not read; save it as "
                         "UTF-8"),
    P("\xFF\xFE\x00\x00<\x00\x00\x00", "p.xml:1: UTF-32 XML is not read; "
                                       "save it as UTF-8"),
    P("OFXHEADER:100\nDATA:OFXSGML\n",
      "p.xml:1: this is an OFX 1.x file (SGML, not XML); export the "
      "statement as OFX 2 (XML) instead"),
    P("\n\nDate,Amount\n", "p.xml:3: not an XML document (it does not "
                           "start with '<')"),
    P("", "p.xml:1: not an XML document (it does not start with '<')"),
    P("<?xml version=\"1.0\"\n encoding=\"ISO-8859-1\"?><a/>",
      "p.xml:2: the document declares encoding \"ISO-8859-1\"; only UTF-8 "
      "XML is read (save or export it as UTF-8)"),
    P("<?xml version=\"1.0\"?>\n<!DOCTYPE a [\n<!ENTITY x SYSTEM "
      "\"file:///etc/passwd\">\n]>\n<a>&x;</a>",
      "p.xml:2: " "the document's DOCTYPE has an internal subset, where entities are "
      "declared; refused (entity expansion can read local files or exhaust "
      "memory: XXE, billion laughs; finance exports have no subset)"),
    P("<!DOCTYPE a [<!ENTITY % p SYSTEM \"http://example.org/x\"> %p;]><a/>",
      "p.xml:1: " "the document's DOCTYPE has an internal subset, where entities are "
      "declared; refused (entity expansion can read local files or exhaust "
      "memory: XXE, billion laughs; finance exports have no subset)"),
    P("<!doctype a [<!entity x \"y\">]><a/>",
      "p.xml:1: " "the document's DOCTYPE has an internal subset, where entities are "
      "declared; refused (entity expansion can read local files or exhaust "
      "memory: XXE, billion laughs; finance exports have no subset)"),
};

static void test_xml_prolog__refusals(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof prologs / sizeof prologs[0]; i++) {
        pb_error err;
        int rc;

        pb_error_clear(&err);
        rc = pb_xml_check_prolog("p.xml", prologs[i].data, prologs[i].len, 1,
                                 &err);
        if (prologs[i].want == NULL) {
            if (rc != PB_OK)
                fail_msg("case %zu refused: %s", i,
                         pb_error_format(&err, msg, sizeof msg));
        } else {
            assert_int_equal(rc, PB_EINVAL);
            if (strcmp(pb_error_format(&err, msg, sizeof msg),
                       prologs[i].want) != 0)
                fail_msg("case %zu:\n want %s\n got  %s", i, prologs[i].want,
                         msg);
        }
    }
}

/* A prolog that does not end within the first 1 MiB is refused. */
static void test_xml_prolog__too_long(void **state)
{
    size_t n = PB_XML_MAX_PROLOG;
    char *data = malloc(n);
    pb_error err;

    (void)state;
    assert_non_null(data);
    memcpy(data, "<!-- ", 5);
    memset(data + 5, 'x', n - 5);
    assert_int_equal(pb_xml_check_prolog("p.xml", data, n, 0, &err), PB_EINVAL);
    assert_string_equal(pb_error_format(&err, msg, sizeof msg),
                        "p.xml:1: the document has more than 1 MiB before "
                        "its root element; refused");
    /* the same bytes as a whole (small) file: libxml2 reports it */
    assert_int_equal(pb_xml_check_prolog("p.xml", data, 100, 1, &err), PB_OK);
    free(data);
}

/* ---- attacks ------------------------------------------------------------- */

/* An external entity pointing at a local file with a unique marker: the
 * open is refused quickly, and the marker is nowhere in what we return. */
static void test_xml_attack__xxe_reads_nothing(void **state)
{
    char marker[64], doc[1024];
    char *secret;
    const char *got;
    clock_t t0;

    (void)state;
    snprintf(marker, sizeof marker, "MARKER-%ld-%ld", (long)getpid(),
             (long)time(NULL));
    secret = write_file("-secret.txt", marker, strlen(marker));
    snprintf(doc, sizeof doc,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE Rows [ <!ENTITY s SYSTEM \"file://%s\"> ]>\n"
             "<Rows><Row><X>&s;</X><A>1</A></Row></Rows>\n",
             secret);
    t0 = clock();
    got = dump_with(ROWS, doc, strlen(doc), NULL);
    assert_true(clock() - t0 < CLOCKS_PER_SEC);
    assert_string_equal(got, "error: in.xml:2: the document's DOCTYPE has "
                             "an internal subset, where entities are "
                             "declared; refused (entity expansion can read "
                             "local files or exhaust memory: XXE, billion "
                             "laughs; finance exports have no subset)");
    assert_null(strstr(got, marker));
    unlink(secret);
    free(secret);
}

/* Past the prolog check (no DOCTYPE), an entity reference is still not
 * resolved: libxml2 has nothing to resolve it with. */
static void test_xml_attack__reference_without_doctype(void **state)
{
    (void)state;
    assert_string_equal(DUMP(ROWS, "<Rows><Row><X>&xxe;</X></Row></Rows>"),
                        "error: in.xml:1:20: XML is not well-formed: Entity "
                        "'xxe' not defined");
}

static void test_xml_attack__billion_laughs_and_quadratic(void **state)
{
    pb_buf doc = PB_BUF_INIT;
    const char *got;
    clock_t t0;
    int i;

    (void)state;
    pb_buf_puts(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE Rows [\n"
                      "<!ENTITY l0 \"lol\">\n");
    for (i = 1; i < 10; i++) {
        int j;

        pb_buf_printf(&doc, "<!ENTITY l%d \"", i);
        for (j = 0; j < 10; j++)
            pb_buf_printf(&doc, "&l%d;", i - 1);
        pb_buf_puts(&doc, "\">\n");
    }
    pb_buf_puts(&doc, "]>\n<Rows><Row><X>&l9;</X></Row></Rows>\n");
    t0 = clock();
    got = dump_with(ROWS, doc.data, doc.len, NULL);
    assert_true(clock() - t0 < CLOCKS_PER_SEC);
    assert_string_equal(got, "error: in.xml:2: the document's DOCTYPE has "
                             "an internal subset, where entities are "
                             "declared; refused (entity expansion can read "
                             "local files or exhaust memory: XXE, billion "
                             "laughs; finance exports have no subset)");
    pb_buf_reset(&doc);
    pb_buf_puts(&doc, "<!DOCTYPE Rows [<!ENTITY a \"");
    for (i = 0; i < 50000; i++)
        pb_buf_putc(&doc, 'a');
    pb_buf_puts(&doc, "\">]><Rows><Row><X>");
    for (i = 0; i < 50000; i++)
        pb_buf_puts(&doc, "&a;");
    pb_buf_puts(&doc, "</X></Row></Rows>");
    t0 = clock();
    got = dump_with(ROWS, doc.data, doc.len, NULL);
    assert_true(clock() - t0 < CLOCKS_PER_SEC);
    assert_string_equal(got, "error: in.xml:1: the document's DOCTYPE has "
                             "an internal subset, where entities are "
                             "declared; refused (entity expansion can read "
                             "local files or exhaust memory: XXE, billion "
                             "laughs; finance exports have no subset)");
    pb_buf_clear(&doc);
}

/* The shipped attack samples are refused the same way. */
static void test_xml_attack__fixtures(void **state)
{
    static const char *const files[] = {
        "fixtures/exports/camt053-xxe.xml",
        "fixtures/exports/camt053-billion-laughs.xml",
        "fixtures/exports/camt053-quadratic-blowup.xml",
    };
    pb_rules *r = NULL;
    pb_error err;
    size_t i;

    (void)state;
    assert_int_equal(pb_rules_preset(&r, "camt053", &err), PB_OK);
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        pb_reader *rd = (pb_reader *)1;

        assert_int_equal(pb_xml_open(&rd, files[i], "f.xml", r, NULL, &err),
                         PB_EINVAL);
        assert_null(rd);
        assert_non_null(strstr(err.msg, "internal subset, where entities are declared"));
    }
    pb_rules_free(r);
}

/* Opening what is not a readable regular file. */
static void test_xml_open__not_a_file(void **state)
{
    pb_rules *r = rules_of(ROWS);
    pb_reader *rd = NULL;
    pb_error err;

    (void)state;
    assert_int_equal(
        pb_xml_open(&rd, "/nonexistent/x.xml", "x.xml", r, NULL, &err), PB_EIO);
    assert_string_equal(pb_error_format(&err, msg, sizeof msg),
                        "x.xml: cannot open: No such file or directory");
    assert_int_equal(pb_xml_open(&rd, "fixtures", "fixtures", r, NULL, &err),
                     PB_EINVAL);
    assert_string_equal(pb_error_format(&err, msg, sizeof msg),
                        "fixtures: not a regular file");
    pb_rules_free(r);
}

static void test_xml_xpath_check(void **state)
{
    pb_error err;

    (void)state;
    assert_int_equal(pb_xml_xpath_check("substring(a/b, 1, 10)", &err), PB_OK);
    assert_int_equal(pb_xml_xpath_check("a[", &err), PB_EINVAL);
    assert_string_equal(err.msg,
                        "XPath \"a[\" does not compile: Invalid expression");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_read__records_and_fields),
        cmocka_unit_test(test_xml_read__namespaces),
        cmocka_unit_test(test_xml_read__statements_and_balances),
        cmocka_unit_test(test_xml_read__xpath_runtime_error),
        cmocka_unit_test(test_xml_read__file_changed),
        cmocka_unit_test(test_xml_errors__malformed),
        cmocka_unit_test(test_xml_errors__wrong_root_or_namespace),
        cmocka_unit_test(test_xml_limits__depth_and_field_size),
        cmocka_unit_test(test_xml_prolog__refusals),
        cmocka_unit_test(test_xml_prolog__too_long),
        cmocka_unit_test(test_xml_attack__xxe_reads_nothing),
        cmocka_unit_test(test_xml_attack__reference_without_doctype),
        cmocka_unit_test(test_xml_attack__billion_laughs_and_quadratic),
        cmocka_unit_test(test_xml_attack__fixtures),
        cmocka_unit_test(test_xml_open__not_a_file),
        cmocka_unit_test(test_xml_xpath_check),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
