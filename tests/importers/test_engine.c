/*
 * test_engine.c - importers/reader (CSV) and importers/engine: rows read,
 * rules applied, dates and amounts read, and every refusal located.
 *
 * A case maps a CSV literal with a rules literal and compares a dump with
 * one line per record:
 *   LINE DATE[/Pnn] AMOUNT POSTING ACCOUNT[*] [dims] | CONTRA | DESC
 *        [ref=..] [memo=..] [src=..] [grp=..] [tag:k=v]...
 * ("*" marks an unmatched row, "skip" a row a rule left out), then
 * "total T" or "error: ...".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "importers/engine.h"
#include "importers/reader.h"
#include "importers/rules.h"
#include "importers/xml.h"
#include "ledger/buf.h"
#include "tests/support/support.h"

static pb_buf out = PB_BUF_INIT;
static char msg[1024];

static int teardown(void **state)
{
    (void)state;
    pb_buf_clear(&out);
    return 0;
}

static pb_rules *rules_of(const char *text)
{
    pb_rules *r = NULL;
    pb_error err;

    if (pb_rules_parse(&r, "t.rules", text, strlen(text), &err) != PB_OK)
        fail_msg("rules: %s", pb_error_format(&err, msg, sizeof msg));
    return r;
}

static void amt(pb_buf *b, const pb_amount *a)
{
    char *s = pb_amount_to_string(a);

    pb_buf_puts(b, s);
    free(s);
}

static void dump_mapped(const pb_mapped *m)
{
    char d[PB_DATE_ISO_LEN];
    size_t i;
    int k;

    pb_buf_printf(&out, "%ld ", m->line);
    if (m->kind == PB_MAPPED_SKIP) {
        pb_buf_puts(&out, "skip\n");
        return;
    }
    pb_buf_puts(&out, pb_date_iso(m->date, d));
    if (m->period >= 0)
        pb_buf_printf(&out, "/P%02d", m->period);
    pb_buf_putc(&out, ' ');
    amt(&out, m->amount);
    pb_buf_putc(&out, ' ');
    amt(&out, m->posting);
    pb_buf_printf(&out, " %s%s", m->account, m->matched ? "" : "*");
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (*m->dims[k] != '\0')
            pb_buf_printf(&out, " %s=%s", pb_dim_kind_key((pb_dim_kind)k),
                          m->dims[k]);
    }
    pb_buf_printf(&out, " | %s", m->contra != NULL ? m->contra : "-");
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (*m->contra_dims[k] != '\0')
            pb_buf_printf(&out, " %s=%s", pb_dim_kind_key((pb_dim_kind)k),
                          m->contra_dims[k]);
    }
    pb_buf_printf(&out, " | %s", m->description);
    if (*m->reference != '\0')
        pb_buf_printf(&out, " ref=%s", m->reference);
    if (*m->memo != '\0')
        pb_buf_printf(&out, " memo=%s", m->memo);
    if (*m->source_ref != '\0')
        pb_buf_printf(&out, " src=%s", m->source_ref);
    if (*m->group != '\0')
        pb_buf_printf(&out, " grp=%s", m->group);
    for (i = 0; i < m->ntags; i++)
        pb_buf_printf(&out, " tag:%s=%s", m->tag_keys[i], m->tag_values[i]);
    pb_buf_putc(&out, '\n');
}

/* Maps every record of the reader; appends the total or the error. */
static void run_reader(pb_reader *rd, const pb_rules *r, bool xml, bool strict)
{
    pb_engine *e = NULL;
    const pb_record *rec;
    const pb_mapped *m;
    pb_error err;
    int rc;

    pb_error_clear(&err);
    rc = pb_engine_new(&e, r, xml ? "in.xml" : "in.csv", xml, 4, strict, &err);
    while (rc == PB_OK && (rc = pb_reader_next(rd, &rec, &err)) == 1) {
        rc = pb_engine_map(e, rec, &m, &err);
        if (rc == PB_OK && m->kind != PB_MAPPED_NONE)
            dump_mapped(m);
    }
    if (rc < 0) {
        pb_buf_printf(&out, "error: %s",
                      pb_error_format(&err, msg, sizeof msg));
    } else {
        pb_buf_puts(&out, "total ");
        amt(&out, pb_engine_total(e));
    }
    pb_engine_free(e);
}

static const char *map_csv_opt(const char *rules, const char *data, size_t len,
                               bool strict)
{
    pb_rules *r = rules_of(rules);
    pb_reader *rd = NULL;
    pb_error err;

    pb_buf_reset(&out);
    pb_error_clear(&err);
    if (pb_reader_csv_open(&rd, "in.csv", data, len, r, &err) != PB_OK) {
        assert_null(rd);
        pb_buf_printf(&out, "error: %s",
                      pb_error_format(&err, msg, sizeof msg));
    } else {
        run_reader(rd, r, false, strict);
    }
    pb_reader_free(rd);
    pb_rules_free(r);
    return pb_buf_str(&out);
}

#define MAP(rules, lit) map_csv_opt(rules, lit, sizeof lit - 1, false)
#define MAP_STRICT(rules, lit) map_csv_opt(rules, lit, sizeof lit - 1, true)

/* Rules over a file with columns d, a, x, r. */
#define BASE(extra)                                                            \
    "reader csv\nsource t\ndate d dd/mm/yyyy\namount a\n"                      \
    "description {x}\nsource-ref {r}\ncontra 2000\nsuspense 9990\n" extra

/* ---- the CSV reader ------------------------------------------------------ */

/* 1. Header row, columns in any order, rows by slot. */
static void test_csv_reader__header_and_slots(void **state)
{
    (void)state;
    assert_string_equal(MAP(BASE(""), "x,r,a,d,extra\n"
                                      "Rent,R1,100.00,01/04/2024,z\n"
                                      "Fees,R2,-2.50,02/04/2024,z\n"),
                        "2 2024-04-01 100.00 100.00 9990* | 2000 | Rent "
                        "src=R1\n"
                        "3 2024-04-02 -2.50 -2.50 9990* | 2000 | Fees "
                        "src=R2\n"
                        "total 97.50");
}

/* 2. header auto: title lines above the header; synonyms; CP1252; CRLF;
 * blank rows; the header's normal form. */
static void test_csv_reader__auto_header_synonyms_cp1252(void **state)
{
    static const char rules[] =
        "reader csv\nsource t\nheader auto\n"
        "field when = date | payment date\n"
        "field amt = amount | net amount\n"
        "field who = supplier\nfield ref = transaction number\n"
        "date when auto\namount amt\ndescription {who}\nsource-ref {ref}\n"
        "contra 2000\nsuspense 9990\n";

    (void)state;
    assert_string_equal(
        MAP(rules, "Spend over \xA3"
                   "500, May 2024\r\n"
                   "\r\n"
                   "Payment_Date,SUPPLIER,Net Amount (\xA3),"
                   "Transaction Number\r\n"
                   "02/05/2024,Caf\xE9 Ltd,\"\xA3"
                   "1,250.00\",T1\r\n"
                   ",,,\r\n"
                   "2024-05-03,B,(5.00),T2\r\n"
                   " , ,\t, \r\n"),
        "4 2024-05-02 1250.00 1250.00 9990* | 2000 | Caf\xC3\xA9 Ltd "
        "src=T1\n"
        "6 2024-05-03 -5.00 -5.00 9990* | 2000 | B src=T2\n"
        "total 1245.00");
}

/* 3. header no with columns; skip; a custom and a sniffed delimiter. */
static void test_csv_reader__columns_skip_delimiter(void **state)
{
    (void)state;
    assert_string_equal(
        MAP(BASE("header no\ncolumns d, a, x, r\nskip 1\n"),
            "ignored title\n01/04/2024,1.00,A,R1\n"),
        "2 2024-04-01 1.00 1.00 9990* | 2000 | A src=R1\ntotal 1.00");
    assert_string_equal(MAP(BASE("delimiter ;\ndecimal-comma\n"),
                            "d;a;x;r\n01/04/2024;1.234,50;A;R1\n"),
                        "2 2024-04-01 1234.50 1234.50 9990* | 2000 | A "
                        "src=R1\ntotal 1234.50");
    assert_string_equal(
        MAP(BASE("delimiter auto\n"), "d\ta\tx\tr\n01/04/2024\t1\tA\tR1\n"),
        "2 2024-04-01 1.00 1.00 9990* | 2000 | A src=R1\n"
        "total 1.00");
}

/* 4. The reader's refusals. */
static void test_csv_reader__errors(void **state)
{
    (void)state;
    assert_string_equal(MAP(BASE(""), "d,a,x,r\n01/04/2024,1,A\n"),
                        "error: in.csv:2: the row has 3 fields; the header "
                        "(line 1) has 4");
    assert_string_equal(MAP(BASE(""), "d,a,x,r\n01/04/2024,1,A,R,\n"),
                        "error: in.csv:2: the row has 5 fields; the header "
                        "(line 1) has 4");
    assert_string_equal(
        MAP(BASE("header no\ncolumns d, a, x, r\n"), "01/04/2024,1\n"),
        "error: in.csv:1: the row has 2 fields; 'columns' "
        "names 4");
    assert_string_equal(MAP(BASE(""), "d,amount,x,r\n"),
                        "error: in.csv:1: no column for field 'a' (looked "
                        "for: a); the header has: d, amount, x, r");
    assert_string_equal(
        MAP(BASE("header no\ncolumns d, x, r\n"), "1,2,3\n"),
        "error: in.csv: no column for field 'a' (looked for: a); the "
        "columns are: d, x, r");
    assert_string_equal(
        MAP(BASE("header auto\n"), "title\nd,x\nd,x,r\n1,2,3\n"),
        "error: in.csv:3: no column for field 'a' (looked "
        "for: a); the header has: d, x, r (no header row "
        "with every field was found)");
    assert_string_equal(MAP(BASE(""), ""),
                        "error: in.csv: the file has no header row");
    assert_string_equal(MAP(BASE("skip 5\n"), "a\nb\n"),
                        "error: in.csv: the file has no header row");
    assert_string_equal(MAP(BASE("encoding utf-8\n"), "d,a,x,r\n\xA3\n"),
                        "error: in.csv:2:1: invalid UTF-8 byte 0xA3");
    assert_string_equal(MAP(BASE(""), "d,a,x,r\n\"open,1,2,3\n"),
                        "error: in.csv:2:1: unterminated quoted field 1 (its "
                        "opening quote is here; the input ends before the "
                        "closing quote)");
}

/* ---- rules --------------------------------------------------------------- */

/* 5. Conditions, later rules refining earlier ones, dimensions, tags. */
static void test_engine_rules__match_and_refine(void **state)
{
    static const char rules[] = BASE(
        "stream BCF\ntag src=spend\n"
        "if x starts Home\n    account 5100 scheme=S01\n    tag kind=home\n"
        "if x contains Care and r is not R3\n    account 5200\n"
        "if x matches /^home ?care$/i\n    contra 1000 partner=ICB\n"
        "    stream IBCF\n    tag kind=matched\n"
        "if r is R9\n    skip\n");

    (void)state;
    assert_string_equal(
        MAP(rules, "d,a,x,r\n"
                   "01/04/2024,1,Home help,R1\n"
                   "01/04/2024,2,  HomeCare ,R2\n"
                   "01/04/2024,3,Residential Care,R3\n"
                   "01/04/2024,4,Other,R4\n"
                   "01/04/2024,9,Footer,R9\n"),
        "2 2024-04-01 1.00 1.00 5100 stream=BCF scheme=S01 | 2000 | Home help "
        "src=R1 tag:src=spend tag:kind=home\n"
        "3 2024-04-01 2.00 2.00 5200 stream=IBCF scheme=S01 | 1000 partner=ICB "
        "| "
        "HomeCare src=R2 tag:src=spend tag:kind=matched\n"
        "4 2024-04-01 3.00 3.00 9990* stream=BCF | 2000 | Residential Care "
        "src=R3 "
        "tag:src=spend\n"
        "5 2024-04-01 4.00 4.00 9990* stream=BCF | 2000 | Other src=R4 "
        "tag:src=spend\n"
        "6 skip\n"
        "total 10.00");
}

/* 6. Templates: fields trimmed, white space folded, empty tags dropped,
 * {{ }} literal; the description never empty. */
static void test_engine_rules__templates(void **state)
{
    static const char rules[] =
        "reader csv\nsource t\ndate d iso\namount a\n"
        "description {x}  -  {y}\nreference {{INV-{r}}}\nmemo {y}\n"
        "source-ref {r}/{y}\ncontra 2000\naccount 5000 cc={cc}\n"
        "tag why={y}\n";

    (void)state;
    assert_string_equal(
        MAP(rules, "d,a,x,y,r,cc\n"
                   "2024-04-01,1,\" multi\nline \",  y1 ,R1,CC1\n"
                   "2024-04-02,1,,,R2,\n"),
        "2 2024-04-01 1.00 1.00 5000 cc=CC1 | 2000 | multi line - y1 "
        "ref={INV-R1} memo=y1 src=R1/y1 tag:why=y1\n"
        "4 2024-04-02 1.00 1.00 5000 | 2000 | - ref={INV-R2} src=R2/\n"
        "total 2.00");
    assert_string_equal(
        MAP("reader csv\nsource t\ndate d iso\namount a\n"
            "description {x}\nsource-ref none\ncontra 2000\naccount 5000\n",
            "d,a,x\n2024-04-01,1,\n"),
        "2 2024-04-01 1.00 1.00 5000 | 2000 | (no description)\n"
        "total 1.00");
}

/* 7. Refusals from rules: refuse, strict, empty account / reference. */
static void test_engine_rules__refusals(void **state)
{
    (void)state;
    assert_string_equal(
        MAP(BASE("if x is Bad\n    refuse \"row {r} is not for the "
                 "pool\"\n"),
            "d,a,x,r\n01/04/2024,1,Ok,R1\n01/04/2024,1,Bad,R2\n"),
        "2 2024-04-01 1.00 1.00 9990* | 2000 | Ok src=R1\n"
        "error: in.csv:3: row R2 is not for the pool (rule at t.rules:10)");
    assert_string_equal(
        MAP_STRICT(BASE("if x is Ok\n    account 5000\n"),
                   "d,a,x,r\n01/04/2024,1,Ok,R1\n01/04/2024,1,Other,R2\n"),
        "2 2024-04-01 1.00 1.00 5000 | 2000 | Ok src=R1\n"
        "error: in.csv:3: no rule gives this row an account (\"Other\"); "
        "a strict import refuses unmatched rows");
    assert_string_equal(
        MAP(BASE("strict\nif x is Ok\n    account 5000\n"),
            "d,a,x,r\n01/04/2024,1,Other,R2\n"),
        "error: in.csv:2: no rule gives this row an account (\"Other\"); "
        "a strict import refuses unmatched rows");
    assert_string_equal(
        MAP(BASE("account {x}\n"), "d,a,x,r\n01/04/2024,1, ,R1\n"),
        "error: in.csv:2: the account (rule at t.rules:9) "
        "is empty");
    assert_string_equal(MAP(BASE(""), "d,a,x,r\n01/04/2024,1,A,\n"),
                        "error: in.csv:2: the source reference is empty "
                        "(the rows of an export must each have one)");
    assert_string_equal(
        MAP("reader csv\nsource t\ndate d iso\namount a\ndescription x\n"
            "group-by {v}\naccount 5000\n",
            "d,a,v\n2024-04-01,1,\n"),
        "error: in.csv:2: the group (group-by) is empty");
}

/* ---- dates ----------------------------------------------------------------
 */

static void test_engine_dates__every_format(void **state)
{
    static const struct {
        const char *fmt, *text, *want;
    } cases[] = {
        {"dd/mm/yyyy", "31/03/2025", "2025-03-31"},
        {"dd/mm/yyyy", "1.4.2024", "2024-04-01"},
        {"yyyy-mm-dd", "2024-05-20T10:15:00", "2024-05-20"},
        {"dd-mon-yy", "15-MAY-24", "2024-05-15"},
        {"yyyymmdd", "20240229", "2024-02-29"},
        /* financial year 2024-25 starting in April */
        {"yyyypp", "202401", "2024-04-30"},
        {"yyyypp", "202406", "2024-09-30"},
        {"yyyypp", "202412", "2025-03-31"},
        {"yyyypp", "202400", "2024-04-01/P00"},
        {"yyyypp", "202413", "2025-03-31/P13"},
        {"yyyypp", "202416", "2025-03-31/P16"},
        {"yyyymm", "202402", "2024-02-29"},
        {"mon-yy", "MAR-25", "2025-03-31"},
        {"mon-yy", "Feb-2024", "2024-02-29"},
        {"auto", "31/03/2025", "2025-03-31"},
        {"auto", "2025-03-31", "2025-03-31"},
        {"auto", "31-Mar-25", "2025-03-31"},
        {"auto", "20250331", "2025-03-31"},
        {"auto", "2025-03-31T23:59:59Z", "2025-03-31"},
    };
    char rules[256], data[128], want[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(rules, sizeof rules,
                 "reader csv\nsource t\ndate d %s\namount a\n"
                 "description x\nsource-ref none\ncontra 2\naccount 5\n",
                 cases[i].fmt);
        snprintf(data, sizeof data, "d,a\n%s,1\n", cases[i].text);
        snprintf(want, sizeof want, "2 %s 1.00 1.00 5 | 2 | x\ntotal 1.00",
                 cases[i].want);
        assert_string_equal(map_csv_opt(rules, data, strlen(data), false),
                            want);
    }
}

static void test_engine_dates__errors(void **state)
{
    static const struct {
        const char *fmt, *text, *want;
    } cases[] = {
        {"dd/mm/yyyy", "", "d: the date is empty"},
        {"dd/mm/yyyy", "31/02/2024", "d: \"31/02/2024\": no such day"},
        {"yyyypp", "2024-6",
         "d: \"2024-6\" is not a period (YYYYPP) code "
         "(six digits)"},
        {"yyyypp", "202417", "d: \"202417\": the period must be 00 to 16"},
        {"yyyypp", "189901", "d: \"189901\": the year is out of range"},
        {"yyyymm", "202413", "d: \"202413\": the month must be 01 to 12"},
        {"yyyymm", "20241",
         "d: \"20241\" is not a month (YYYYMM) code (six "
         "digits)"},
        {"mon-yy", "MAY", "d: \"MAY\" is not a month (MON-YY, e.g. MAR-25)"},
        {"mon-yy", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
         "d: \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\" is not a month "
         "(MON-YY)"},
    };
    char rules[256], data[128], want[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(rules, sizeof rules,
                 "reader csv\nsource t\ndate d %s\namount a\n"
                 "description x\nsource-ref none\ncontra 2\naccount 5\n",
                 cases[i].fmt);
        snprintf(data, sizeof data, "d,a\n\"%s\",1\n", cases[i].text);
        snprintf(want, sizeof want, "error: in.csv:2: %s", cases[i].want);
        assert_string_equal(map_csv_opt(rules, data, strlen(data), false),
                            want);
    }
}

/* ---- amounts --------------------------------------------------------------
 */

static void test_engine_amounts__forms(void **state)
{
    (void)state;
    /* every form pb_amount_parse accepts; sign receipt negates posting */
    assert_string_equal(
        MAP(BASE("sign receipt\n"),
            "d,a,x,r\n"
            "01/04/2024,\"-1,234.56\",a,1\n01/04/2024,(10.00),b,2\n"
            "01/04/2024,\xC2\xA3"
            "5.00,c,3\n01/04/2024,7.00-,d,4\n"
            "01/04/2024,3.00 CR,e,5\n01/04/2024,2.00DR,f,6\n"),
        "2 2024-04-01 -1234.56 1234.56 9990* | 2000 | a src=1\n"
        "3 2024-04-01 -10.00 10.00 9990* | 2000 | b src=2\n"
        "4 2024-04-01 5.00 -5.00 9990* | 2000 | c src=3\n"
        "5 2024-04-01 -7.00 7.00 9990* | 2000 | d src=4\n"
        "6 2024-04-01 -3.00 3.00 9990* | 2000 | e src=5\n"
        "7 2024-04-01 2.00 -2.00 9990* | 2000 | f src=6\n"
        "total -1247.56");
    /* debit and credit columns, one side empty; add= */
    assert_string_equal(
        MAP("reader csv\nsource t\ndate d iso\n"
            "amount debit=dr credit=cr add=vat\ndescription x\n"
            "source-ref none\ncontra 2\naccount 5\n",
            "d,dr,cr,vat\n2024-04-01,100.00,,17.50\n2024-04-01,,40.00,\n"
            "2024-04-01,5.00,1.00,0\n"),
        "2 2024-04-01 117.50 117.50 5 | 2 | x\n"
        "3 2024-04-01 -40.00 -40.00 5 | 2 | x\n"
        "4 2024-04-01 4.00 4.00 5 | 2 | x\n"
        "total 81.50");
    /* a flag column, any case */
    assert_string_equal(
        MAP("reader csv\nsource t\ndate d iso\n"
            "amount a flag=f positive=S negative=H\ndescription x\n"
            "source-ref none\ncontra 2\naccount 5\n",
            "d,a,f\n2024-04-01,10,S\n2024-04-01,4,h\n2024-04-01,-1,H\n"),
        "2 2024-04-01 10.00 10.00 5 | 2 | x\n"
        "3 2024-04-01 -4.00 -4.00 5 | 2 | x\n"
        "4 2024-04-01 1.00 1.00 5 | 2 | x\n"
        "total 7.00");
}

static void test_engine_amounts__errors(void **state)
{
    (void)state;
    assert_string_equal(MAP(BASE(""), "d,a,x,r\n01/04/2024, ,A,R\n"),
                        "error: in.csv:2: a: the amount is empty");
    assert_string_equal(MAP(BASE(""), "d,a,x,r\n01/04/2024,12.345,A,R\n"),
                        "error: in.csv:2: a: \"12.345\": more than 2 decimal "
                        "places");
    assert_string_equal(MAP(BASE(""), "d,a,x,r\n01/04/2024,1e5,A,R\n"),
                        "error: in.csv:2: a: \"1e5\": exponent not allowed");
    assert_string_equal(
        MAP("reader csv\nsource t\ndate d iso\namount debit=dr credit=cr\n"
            "description x\nsource-ref none\ncontra 2\naccount 5\n",
            "d,dr,cr\n2024-04-01,,\n"),
        "error: in.csv:2: dr: both the debit and the credit are empty");
    assert_string_equal(
        MAP("reader csv\nsource t\ndate d iso\namount debit=dr credit=cr\n"
            "description x\nsource-ref none\ncontra 2\naccount 5\n",
            "d,dr,cr\n2024-04-01,1,x\n"),
        "error: in.csv:2: cr: \"x\": unexpected \"x\"");
    assert_string_equal(
        MAP("reader csv\nsource t\ndate d iso\n"
            "amount a flag=f positive=CRDT negative=DBIT,DR\n"
            "description x\nsource-ref none\ncontra 2\naccount 5\n",
            "d,a,f\n2024-04-01,1,C\n"),
        "error: in.csv:2: f: \"C\" is neither positive (CRDT) nor negative "
        "(DBIT, DR)");
    assert_string_equal(
        MAP("reader csv\nsource t\ndate d iso\namount a add=v\n"
            "description x\nsource-ref none\ncontra 2\naccount 5\n",
            "d,a,v\n2024-04-01,1,one\n"),
        "error: in.csv:2: v: \"one\": unexpected \"o\"");
}

/* ---- statements (XML) ---------------------------------------------------- */

static const char *map_xml(const char *rules_text, const char *doc)
{
    char *dir = pbt_path_new();
    char *path = pbt_path_sibling(dir, ".xml");
    pb_rules *r = rules_of(rules_text);
    pb_reader *rd = NULL;
    pb_error err;
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    fputs(doc, f);
    fclose(f);
    pb_buf_reset(&out);
    if (pb_xml_open(&rd, path, "in.xml", r, NULL, &err) != PB_OK)
        pb_buf_printf(&out, "error: %s",
                      pb_error_format(&err, msg, sizeof msg));
    else
        run_reader(rd, r, true, false);
    pb_reader_free(rd);
    pb_rules_free(r);
    unlink(path);
    free(path);
    pbt_path_remove(dir);
    return pb_buf_str(&out);
}

#define STMT_RULES                                                             \
    "reader xml\nsource bank\nrecord /D/S/N\nstatement /D/S\n"                 \
    "balance /D/S/B\nbalance-type = T\nbalance-amount = A\n"                   \
    "balance-flag = I\nopening-balance OPBD PRCD\nclosing-balance CLBD\n"      \
    "field a = A\nfield i = I\nfield d = D\nfield r = R\n"                     \
    "date d iso\namount a flag=i positive=CRDT negative=DBIT\n"                \
    "sign receipt\ndescription {r}\nsource-ref {r}\ncontra 1000\n"             \
    "suspense 9990\nif r is skipme\n    skip\n"

static void test_engine_statements__reconcile(void **state)
{
    (void)state;
    /* two statements, each opening + entries = closing; a skipped entry
     * and an interim balance do not count */
    assert_string_equal(
        map_xml(STMT_RULES,
                "<D>\n"
                "<S>\n"
                "<B><T>OPBD</T><A>100.00</A><I>CRDT</I></B>\n"
                "<B><T>ITBD</T><A>999</A><I>CRDT</I></B>\n"
                "<B><T>CLBD</T><A>70.00</A><I>CRDT</I></B>\n"
                "<N><A>50.00</A><I>DBIT</I><D>2024-04-02</D><R>a</R></N>\n"
                "<N><A>20.00</A><I>CRDT</I><D>2024-04-03</D><R>b</R></N>\n"
                "<N><A>5.00</A><I>CRDT</I><R>skipme</R></N>\n"
                "</S>\n"
                "<S>\n"
                "<B><T>PRCD</T><A>70.00</A><I>CRDT</I></B>\n"
                "<B><T>OPBD</T><A>70.00</A><I>CRDT</I></B>\n"
                "<N><A>100.00</A><I>DBIT</I><D>2024-04-04</D><R>c</R></N>\n"
                "<B><T>CLBD</T><A>30.00</A><I>DBIT</I></B>\n"
                "</S>\n"
                "</D>\n"),
        "6 2024-04-02 -50.00 50.00 9990* | 1000 | a src=a\n"
        "7 2024-04-03 20.00 -20.00 9990* | 1000 | b src=b\n"
        "8 skip\n"
        "13 2024-04-04 -100.00 100.00 9990* | 1000 | c src=c\n"
        "total -130.00");
}

static void test_engine_statements__errors(void **state)
{
    (void)state;
    assert_string_equal(
        map_xml(STMT_RULES,
                "<D>\n<S>\n"
                "<B><T>OPBD</T><A>100.00</A><I>CRDT</I></B>\n"
                "<B><T>CLBD</T><A>60.00</A><I>CRDT</I></B>\n"
                "<N><A>50.00</A><I>DBIT</I><D>2024-04-02</D><R>a</R></N>\n"
                "</S>\n</D>\n"),
        "5 2024-04-02 -50.00 50.00 9990* | 1000 | a src=a\n"
        "error: in.xml:2: statement 1: the entries do not reconcile with the "
        "balances: opening 100.00 + entries -50.00 = 50.00, but the closing "
        "balance is 60.00 (difference -10.00)");
    assert_string_equal(
        map_xml(STMT_RULES, "<D><S><B><T>CLBD</T><A>1</A><I>CRDT</I></B>"
                            "</S></D>"),
        "error: in.xml:1: statement 1: no opening balance (OPBD, PRCD) to "
        "check the entries against");
    assert_string_equal(
        map_xml(STMT_RULES, "<D><S><B><T>OPBD</T><A>1</A><I>CRDT</I></B>"
                            "</S></D>"),
        "error: in.xml:1: statement 1: no closing balance (CLBD) to check "
        "the entries against");
    assert_string_equal(
        map_xml(STMT_RULES, "<D><S><B><T>OPBD</T><A>1</A><I>CRDT</I></B>"
                            "<B><T>PRCD</T><A>2</A><I>CRDT</I></B>"
                            "</S></D>"),
        "error: in.xml:1: balance-type: balance 2: the statement has two "
        "different opening balances");
    assert_string_equal(
        map_xml(STMT_RULES, "<D><S><B><T>OPBD</T><A>1</A><I>CR</I></B>"
                            "</S></D>"),
        "error: in.xml:1: balance-flag: balance 1: \"CR\" is neither "
        "positive (CRDT) nor negative (DBIT)");
    assert_string_equal(
        map_xml(STMT_RULES, "<D><S><B><T>CLBD</T><A>1,0</A><I>CRDT</I></B>"
                            "</S></D>"),
        "error: in.xml:1: balance-amount: balance 1: \"1,0\": misplaced "
        "thousands separator");
    /* a record's error is located at the record and numbered */
    assert_string_equal(
        map_xml(STMT_RULES, "<D><S>\n<N><A>1</A><I>CRDT</I><D>2024-04-02</D>"
                            "<R>a</R></N>\n<N><A>x</A><I>CRDT</I>"
                            "<D>2024-04-02</D><R>b</R></N>\n</S></D>"),
        "2 2024-04-02 1.00 -1.00 9990* | 1000 | a src=a\n"
        "error: in.xml:3: a: record 2: \"x\": unexpected \"x\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_reader__header_and_slots),
        cmocka_unit_test(test_csv_reader__auto_header_synonyms_cp1252),
        cmocka_unit_test(test_csv_reader__columns_skip_delimiter),
        cmocka_unit_test(test_csv_reader__errors),
        cmocka_unit_test(test_engine_rules__match_and_refine),
        cmocka_unit_test(test_engine_rules__templates),
        cmocka_unit_test(test_engine_rules__refusals),
        cmocka_unit_test(test_engine_dates__every_format),
        cmocka_unit_test(test_engine_dates__errors),
        cmocka_unit_test(test_engine_amounts__forms),
        cmocka_unit_test(test_engine_amounts__errors),
        cmocka_unit_test(test_engine_statements__reconcile),
        cmocka_unit_test(test_engine_statements__errors),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
