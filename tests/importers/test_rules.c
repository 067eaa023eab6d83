/*
 * test_rules.c - importers/rules: the import rules language.
 *
 * Part 1 parses every directive and checks what it compiled to.  Part 2
 * is a table of bad rules, one case per error message of the parser,
 * each with the exact "file:line: message" expected.  Part 3 checks the
 * built-in presets parse and that a file built on a preset overrides it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/engine.h"
#include "importers/preset.h"
#include "importers/rules.h"
#include "ledger/buf.h"

/* A complete csv rules text that the cases below extend or break. */
#define CSV_BASE                                                               \
    "reader csv\n"                                                             \
    "source test\n"                                                            \
    "date d dd/mm/yyyy\n"                                                      \
    "amount a\n"                                                               \
    "description {x}\n"                                                        \
    "source-ref {r}\n"                                                         \
    "contra 2000\n"                                                            \
    "suspense 9990\n"

/* The same without an amount, for the cases that give their own. */
#define CSV_NO_AMOUNT                                                          \
    "reader csv\n"                                                             \
    "source test\n"                                                            \
    "date d dd/mm/yyyy\n"                                                      \
    "description {x}\n"                                                        \
    "source-ref {r}\n"                                                         \
    "contra 2000\n"                                                            \
    "suspense 9990\n"

#define XML_BASE                                                               \
    "reader xml\n"                                                             \
    "source test\n"                                                            \
    "record //Row\n"                                                           \
    "field d = D\n"                                                            \
    "field a = A\n"                                                            \
    "field x = X\n"                                                            \
    "field r = R\n"                                                            \
    "date d yyyy-mm-dd\n"                                                      \
    "amount a\n"                                                               \
    "description {x}\n"                                                        \
    "source-ref {r}\n"                                                         \
    "contra 2000\n"                                                            \
    "suspense 9990\n"

static char errbuf[1024];

static pb_rules *parse_ok(const char *text)
{
    pb_rules *r = NULL;
    pb_error err;
    int rc;

    pb_error_clear(&err);
    rc = pb_rules_parse(&r, "t.rules", text, strlen(text), &err);
    if (rc != PB_OK)
        fail_msg("rules refused: %s",
                 pb_error_format(&err, errbuf, sizeof errbuf));
    assert_non_null(r);
    return r;
}

/* Parses text that must fail; returns "file:line: message". */
static const char *parse_err(const char *text, size_t len)
{
    pb_rules *r = (pb_rules *)1;
    pb_error err;
    int rc;

    pb_error_clear(&err);
    rc = pb_rules_parse(&r, "t.rules", text, len, &err);
    if (rc == PB_OK) {
        pb_rules_free(r);
        return "(accepted)";
    }
    assert_null(r);
    return pb_error_format(&err, errbuf, sizeof errbuf);
}

static int slot(const pb_rules *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->nfields; i++) {
        if (strcmp(r->fields[i].name, name) == 0)
            return (int)i;
    }
    fail_msg("no slot %s", name);
    return -1;
}

/* A template written back: literals as they are, fields as {name}. */
static const char *tpl(const pb_rules *r, const pb_template *t)
{
    static pb_buf b = PB_BUF_INIT;
    size_t i;

    pb_buf_reset(&b);
    for (i = 0; i < t->n; i++) {
        if (t->parts[i].slot < 0)
            pb_buf_puts(&b, t->parts[i].text);
        else
            pb_buf_printf(&b, "{%s}", r->fields[t->parts[i].slot].name);
    }
    return pb_buf_str(&b);
}

static const pb_rules_action *act(const pb_rules_rule *rule,
                                  pb_rules_action_kind kind, int dim)
{
    size_t i;

    for (i = 0; i < rule->nacts; i++) {
        if (rule->acts[i].kind == kind &&
            (dim < 0 || rule->acts[i].dim == (pb_dim_kind)dim))
            return &rule->acts[i];
    }
    return NULL;
}

/* ---- part 1: every directive -------------------------------------------- */

/* 1. The minimal csv rules and their defaults. */
static void test_rules_parse__csv_base_and_defaults(void **state)
{
    pb_rules *r = parse_ok(CSV_BASE);

    (void)state;
    assert_int_equal(r->reader, PB_READER_CSV);
    assert_string_equal(r->source, "test");
    assert_int_equal(r->delimiter, ',');
    assert_int_equal(r->encoding, PB_ENC_AUTO);
    assert_int_equal(r->skip, 0);
    assert_int_equal(r->header, PB_HEADER_YES);
    assert_int_equal(r->date_slot, slot(r, "d"));
    assert_int_equal(r->date_format, PB_RDATE_DMY);
    assert_int_equal(r->amount_mode, PB_RAMOUNT_SIGNED);
    assert_int_equal(r->amount_slot, slot(r, "a"));
    assert_int_equal(r->add_slot, -1);
    assert_false(r->number.decimal_comma);
    assert_int_equal(r->sign, 1);
    assert_string_equal(tpl(r, &r->description), "{x}");
    assert_string_equal(tpl(r, &r->source_ref), "{r}");
    assert_int_equal(r->group_by.n, 0);
    assert_string_equal(r->suspense, "9990");
    assert_false(r->strict);
    assert_false(r->has_expect_total);
    assert_int_equal(r->nrules, 1);
    assert_string_equal(tpl(r, &act(&r->rules[0], PB_ACT_CONTRA, -1)->value),
                        "2000");
    assert_null(r->preset);
    assert_int_equal(strlen(r->sha256), 64);
    /* undeclared slots look for a header of their own name */
    assert_false(r->fields[slot(r, "d")].declared);
    assert_string_equal(r->fields[slot(r, "d")].synonyms[0], "d");
    assert_null(r->fields[slot(r, "d")].synonyms[1]);
    pb_rules_free(r);
}

/* 2. Comments, blank lines, CRLF, a BOM, trailing blanks. */
static void test_rules_parse__comments_crlf_bom(void **state)
{
    const char text[] = "\xEF\xBB\xBF# a comment\r\n"
                        "; another\r\n"
                        "\r\n"
                        "   # indented comment\r\n" CSV_BASE "skip 2   \r\n";
    pb_rules *r = parse_ok(text);

    (void)state;
    assert_int_equal(r->skip, 2);
    pb_rules_free(r);
}

/* 3. The csv reader directives. */
static void test_rules_parse__csv_reader_directives(void **state)
{
    static const struct {
        const char *line;
        char delim;
    } delims[] = {{"delimiter ;", ';'},     {"delimiter tab", '\t'},
                  {"delimiter comma", ','}, {"delimiter semicolon", ';'},
                  {"delimiter pipe", '|'},  {"delimiter auto", 0},
                  {"delimiter |", '|'}};
    char text[512];
    pb_rules *r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof delims / sizeof delims[0]; i++) {
        snprintf(text, sizeof text, CSV_BASE "%s\n", delims[i].line);
        r = parse_ok(text);
        assert_int_equal(r->delimiter, delims[i].delim);
        pb_rules_free(r);
    }
    r = parse_ok(CSV_BASE "encoding windows-1252\nheader auto\nskip 3\n");
    assert_int_equal(r->encoding, PB_ENC_CP1252);
    assert_int_equal(r->header, PB_HEADER_AUTO);
    assert_int_equal(r->skip, 3);
    pb_rules_free(r);
    r = parse_ok(CSV_BASE "header no\ncolumns d, a , x,r\n");
    assert_int_equal(r->header, PB_HEADER_NO);
    assert_int_equal(r->ncolumns, 4);
    assert_string_equal(r->columns[1], "a");
    assert_string_equal(r->columns[2], "x");
    pb_rules_free(r);
    r = parse_ok(CSV_BASE "header yes\nencoding utf-8\n");
    assert_int_equal(r->header, PB_HEADER_YES);
    assert_int_equal(r->encoding, PB_ENC_UTF8);
    pb_rules_free(r);
}

/* 4. field and optional-field: synonyms, declared after use. */
static void test_rules_parse__fields(void **state)
{
    pb_rules *r =
        parse_ok(CSV_NO_AMOUNT "field a = Amount | Net Amount (£)|value\n"
                               "optional-field vat = irrecoverable vat\n"
                               "amount a add=vat\n");
    const pb_rules_field *f;

    (void)state;
    f = &r->fields[slot(r, "a")];
    assert_true(f->declared);
    assert_false(f->optional);
    assert_string_equal(f->synonyms[0], "Amount");
    assert_string_equal(f->synonyms[1], "Net Amount (£)");
    assert_string_equal(f->synonyms[2], "value");
    assert_null(f->synonyms[3]);
    assert_int_equal(f->loc.line, 8);
    f = &r->fields[slot(r, "vat")];
    assert_true(f->optional);
    assert_int_equal(r->add_slot, slot(r, "vat"));
    pb_rules_free(r);
}

/* 5. Every date format name. */
static void test_rules_parse__date_formats(void **state)
{
    static const struct {
        const char *name;
        pb_rules_date f;
    } fmts[] = {
        {"dd/mm/yyyy", PB_RDATE_DMY},   {"yyyy-mm-dd", PB_RDATE_ISO},
        {"iso", PB_RDATE_ISO},          {"dd-mon-yy", PB_RDATE_DMON},
        {"dd-mon-yyyy", PB_RDATE_DMON}, {"yyyymmdd", PB_RDATE_YMD},
        {"yyyypp", PB_RDATE_YYYYPP},    {"yyyymm", PB_RDATE_YYYYMM},
        {"mon-yy", PB_RDATE_MON_YY},    {"auto", PB_RDATE_AUTO},
    };
    char text[512];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        pb_rules *r;

        snprintf(text, sizeof text,
                 "reader csv\nsource s\ndate when %s\namount a\n"
                 "description x\nsource-ref {r}\ncontra 1\nsuspense 2\n",
                 fmts[i].name);
        r = parse_ok(text);
        assert_int_equal(r->date_format, fmts[i].f);
        assert_int_equal(r->date_slot, slot(r, "when"));
        assert_string_equal(pb_rules_date_name(r->date_format),
                            fmts[i].f == PB_RDATE_DMON  ? "dd-mon-yy"
                            : fmts[i].f == PB_RDATE_ISO ? "yyyy-mm-dd"
                                                        : fmts[i].name);
        pb_rules_free(r);
    }
}

/* 6. The three amount forms, decimal comma, sign, expect-total. */
static void test_rules_parse__amounts(void **state)
{
    pb_rules *r;

    (void)state;
    r = parse_ok(CSV_NO_AMOUNT "amount debit=dr credit=cr\ndecimal-comma\n"
                               "sign receipt\nexpect-total -1,234.50\n");
    assert_int_equal(r->amount_mode, PB_RAMOUNT_DEBIT_CREDIT);
    assert_int_equal(r->debit_slot, slot(r, "dr"));
    assert_int_equal(r->credit_slot, slot(r, "cr"));
    assert_true(r->number.decimal_comma);
    assert_int_equal(r->sign, -1);
    assert_true(r->has_expect_total);
    {
        char *t = pb_amount_to_string(&r->expect_total);

        assert_string_equal(t, "-1234.50");
        free(t);
    }
    pb_rules_free(r);

    r = parse_ok(CSV_NO_AMOUNT "amount hsl flag=shkzg positive=S negative=H,h\n"
                               "sign spend\n");
    assert_int_equal(r->amount_mode, PB_RAMOUNT_FLAG);
    assert_int_equal(r->amount_slot, slot(r, "hsl"));
    assert_int_equal(r->flag_slot, slot(r, "shkzg"));
    assert_string_equal(r->positive[0], "S");
    assert_null(r->positive[1]);
    assert_string_equal(r->negative[0], "H");
    assert_string_equal(r->negative[1], "h");
    assert_int_equal(r->sign, 1);
    pb_rules_free(r);

    r = parse_ok(CSV_BASE "sign credit\n");
    assert_int_equal(r->sign, -1);
    pb_rules_free(r);
    r = parse_ok(CSV_BASE "sign debit\n");
    assert_int_equal(r->sign, 1);
    pb_rules_free(r);
}

/* 7. Text templates: literals, fields, braces, quotes kept as text. */
static void test_rules_parse__templates(void **state)
{
    pb_rules *r =
        parse_ok("reader csv\nsource s\ndate d iso\namount a\n"
                 "description {supplier} - {{lit}} {Service Area}: \"q\"\n"
                 "reference INV{ref}\nmemo {m}\nsource-ref {v}/{ seq }\n"
                 "contra 2000\nsuspense 9990\n");

    (void)state;
    assert_string_equal(tpl(r, &r->description),
                        "{supplier} - {lit} {Service Area}: \"q\"");
    assert_string_equal(tpl(r, &r->reference), "INV{ref}");
    assert_string_equal(tpl(r, &r->memo), "{m}");
    assert_string_equal(tpl(r, &r->source_ref), "{v}/{seq}");
    assert_int_equal(slot(r, "Service Area") >= 0, 1);
    pb_rules_free(r);
}

/* 8. source-ref none, group-by and group-by none. */
static void test_rules_parse__source_ref_and_group_by(void **state)
{
    pb_rules *r;

    (void)state;
    r = parse_ok("reader csv\nsource s\ndate d iso\namount a\n"
                 "description x\nsource-ref none\ncontra 2\nsuspense 9\n");
    assert_true(r->source_ref_none);
    assert_int_equal(r->source_ref.n, 0);
    pb_rules_free(r);
    r = parse_ok("reader csv\nsource s\ndate d iso\namount a\n"
                 "description x\ngroup-by {voucher}\naccount {acct}\n");
    assert_string_equal(tpl(r, &r->group_by), "{voucher}");
    assert_null(r->suspense);
    pb_rules_free(r);
}

/* 9. Top-level account, contra and dimensions; tags. */
static void test_rules_parse__defaults(void **state)
{
    pb_rules *r =
        parse_ok(CSV_BASE "account \"Expenditure:Adult Care\" stream=BCF "
                          "cc={cc}\n"
                          "scheme S01\npartner ICB\n"
                          "tag team=\"north east\"\n"
                          "tag kind=spend\n");
    const pb_rules_rule *r0 = &r->rules[0];

    (void)state;
    assert_string_equal(tpl(r, &act(r0, PB_ACT_ACCOUNT, -1)->value),
                        "Expenditure:Adult Care");
    assert_string_equal(tpl(r, &act(r0, PB_ACT_DIM, PB_DIM_STREAM)->value),
                        "BCF");
    assert_string_equal(tpl(r, &act(r0, PB_ACT_DIM, PB_DIM_COST_CENTRE)->value),
                        "{cc}");
    assert_string_equal(tpl(r, &act(r0, PB_ACT_DIM, PB_DIM_SCHEME)->value),
                        "S01");
    assert_string_equal(tpl(r, &act(r0, PB_ACT_DIM, PB_DIM_PARTNER)->value),
                        "ICB");
    assert_string_equal(act(r0, PB_ACT_TAG, -1)->key, "team");
    assert_string_equal(tpl(r, &act(r0, PB_ACT_TAG, -1)->value), "north east");
    pb_rules_free(r);

    r = parse_ok("reader csv\nsource s\ndate d iso\namount a\n"
                 "description x\nsource-ref {r}\n"
                 "contra 1000 partner=ICB stream=BCF\nstrict\n");
    (void)r0;
    assert_true(r->strict);
    assert_string_equal(
        tpl(r, &act(&r->rules[0], PB_ACT_CONTRA_DIM, PB_DIM_PARTNER)->value),
        "ICB");
    pb_rules_free(r);
}

/* 10. if: every operator, not, and, quoted values, the actions. */
static void test_rules_parse__if_rules(void **state)
{
    pb_rules *r = parse_ok(
        CSV_BASE
        "if cc is RB01\n"
        "    account 5000 stream=BCF\n"
        "if cc is not RB01 and \"Service Area\" starts \"Adult Care\"\n"
        "    contra 1000 partner=ICB\n"
        "    scheme S02\n"
        "if supplier contains Ltd\n"
        "\tpartner COUNCIL\n"
        "\tcc X1\n"
        "    tag supplier={supplier}\n"
        "if text matches /^inv[0-9]+ a\\/b$/i and x not contains y\n"
        "    stream IBCF\n"
        "    skip\n"
        "if x not matches /z/\n"
        "    refuse \"row {r} is not ours\"\n"
        "if x not starts a\n"
        "    refuse plain words\n");
    const pb_rules_rule *q;

    (void)state;
    assert_int_equal(r->nrules, 7);
    q = &r->rules[1];
    assert_int_equal(q->loc.line, 9);
    assert_int_equal(q->nconds, 1);
    assert_int_equal(q->conds[0].op, PB_COND_IS);
    assert_false(q->conds[0].negate);
    assert_string_equal(q->conds[0].value, "RB01");
    assert_int_equal(q->conds[0].slot, slot(r, "cc"));
    assert_int_equal(q->nacts, 2); /* account, stream */
    q = &r->rules[2];
    assert_int_equal(q->nconds, 2);
    assert_true(q->conds[0].negate);
    assert_int_equal(q->conds[1].op, PB_COND_STARTS);
    assert_string_equal(q->conds[1].value, "Adult Care");
    assert_int_equal(q->conds[1].slot, slot(r, "Service Area"));
    assert_non_null(act(q, PB_ACT_CONTRA, -1));
    assert_non_null(act(q, PB_ACT_CONTRA_DIM, PB_DIM_PARTNER));
    assert_non_null(act(q, PB_ACT_DIM, PB_DIM_SCHEME));
    q = &r->rules[3];
    assert_int_equal(q->conds[0].op, PB_COND_CONTAINS);
    assert_non_null(act(q, PB_ACT_DIM, PB_DIM_PARTNER));
    assert_non_null(act(q, PB_ACT_DIM, PB_DIM_COST_CENTRE));
    assert_string_equal(tpl(r, &act(q, PB_ACT_TAG, -1)->value), "{supplier}");
    q = &r->rules[4];
    assert_int_equal(q->conds[0].op, PB_COND_MATCHES);
    assert_true(q->conds[0].icase);
    assert_string_equal(q->conds[0].value, "^inv[0-9]+ a/b$");
    assert_int_equal(regexec(&q->conds[0].re, "INV42 a/b", 0, NULL, 0), 0);
    assert_true(q->conds[1].negate);
    assert_int_equal(q->conds[1].op, PB_COND_CONTAINS);
    assert_non_null(act(q, PB_ACT_SKIP, -1));
    q = &r->rules[5];
    assert_true(q->conds[0].negate);
    assert_false(q->conds[0].icase);
    assert_string_equal(tpl(r, &act(q, PB_ACT_REFUSE, -1)->value),
                        "row {r} is not ours");
    q = &r->rules[6];
    assert_string_equal(tpl(r, &act(q, PB_ACT_REFUSE, -1)->value),
                        "plain words");
    pb_rules_free(r);
}

/* 11. The xml directives. */
static void test_rules_parse__xml_directives(void **state)
{
    pb_rules *r =
        parse_ok("reader xml\nsource bank\n"
                 "namespace c urn:iso:std:iso:20022:tech:xsd:camt.053.001.*\n"
                 "namespace x urn:example\n"
                 "record /c:Document//c:Ntry\n"
                 "statement /c:Document/c:BkToCstmrStmt/c:Stmt\n"
                 "balance //c:Stmt/*\n"
                 "balance-type = c:Tp/c:CdOrPrtry/c:Cd\n"
                 "balance-amount = c:Amt\n"
                 "balance-flag = c:CdtDbtInd\n"
                 "opening-balance OPBD PRCD\n"
                 "closing-balance CLBD\n"
                 "field amt = c:Amt\n"
                 "field ind = c:CdtDbtInd\n"
                 "field ccy = c:Amt/@Ccy\n"
                 "field d = substring(normalize-space(c:BookgDt), 1, 10)\n"
                 "field ref = c:AcctSvcrRef | c:NtryRef\n"
                 "date d iso\n"
                 "amount amt flag=ind positive=CRDT negative=DBIT\n"
                 "description {ref}\nsource-ref {ref}\ncontra 1000\n"
                 "suspense 9990\n");
    const pb_rules_path *p;

    (void)state;
    assert_int_equal(r->reader, PB_READER_XML);
    assert_int_equal(r->nns, 2);
    assert_string_equal(r->ns[0].prefix, "c");
    assert_string_equal(r->ns[0].uri,
                        "urn:iso:std:iso:20022:tech:xsd:camt.053.001.*");
    p = &r->record;
    assert_int_equal(p->n, 2);
    assert_false(p->steps[0].descendant);
    assert_string_equal(p->steps[0].prefix, "c");
    assert_string_equal(p->steps[0].local, "Document");
    assert_true(p->steps[1].descendant);
    assert_string_equal(p->steps[1].local, "Ntry");
    assert_int_equal(r->statement.n, 3);
    assert_int_equal(r->balance.n, 2);
    assert_true(r->balance.steps[0].descendant);
    assert_null(r->balance.steps[1].prefix);
    assert_string_equal(r->balance.steps[1].local, "*");
    assert_string_equal(r->balance_xpath[PB_BAL_TYPE], "c:Tp/c:CdOrPrtry/c:Cd");
    assert_string_equal(r->balance_xpath[PB_BAL_FLAG], "c:CdtDbtInd");
    assert_string_equal(r->opening[1], "PRCD");
    assert_null(r->opening[2]);
    assert_string_equal(r->closing[0], "CLBD");
    assert_string_equal(r->fields[slot(r, "ref")].xpath,
                        "c:AcctSvcrRef | c:NtryRef");
    pb_rules_free(r);
}

/* 12. The SHA-256 covers the text: one byte changes it. */
static void test_rules_parse__sha256_of_text(void **state)
{
    pb_rules *a = parse_ok(CSV_BASE), *b = parse_ok(CSV_BASE "# x\n");
    pb_rules *c = parse_ok(CSV_BASE);

    (void)state;
    assert_string_not_equal(a->sha256, b->sha256);
    assert_string_equal(a->sha256, c->sha256);
    pb_rules_free(a);
    pb_rules_free(b);
    pb_rules_free(c);
}

/* ---- part 2: every error message ------------------------------------------
 */

typedef struct bad_case {
    const char *text;
    const char *want;
} bad_case;

#define B CSV_BASE
#define X XML_BASE
#define NB "reader csv\n" /* "no base": the cases of missing settings */

static const bad_case bad[] = {
    /* lexical */
    {B "tag a=\"open\n", "t.rules:9: a quoted string is not closed"},
    {B "tag \"a=b\"c\n",
     "t.rules:9: a quoted string must be followed by a blank"},
    {"\tskip\n", "t.rules:1: an indented line must belong to an 'if' rule "
                 "above it"},
    {B "skip 1\nskip 2\n", "t.rules:10: 'skip' is given twice (first at "
                           "line 9)"},
    {B "sourse x\n",
     "t.rules:9: unknown directive 'sourse' (did you mean 'source'?)"},
    {B "xyzzyplugh\n", "t.rules:9: unknown directive 'xyzzyplugh'"},
    /* reader */
    {"reader json\n", "t.rules:1: 'reader' must be csv or xml, not \"json\""},
    {"delimiter ;\n", "t.rules:1: give 'reader csv' or 'reader xml' before "
                      "'delimiter'"},
    {X "delimiter ;\n", "t.rules:14: 'delimiter' applies to csv readers "
                        "only"},
    {B "delimiter ;;\n", "t.rules:9: 'delimiter' must be one character or "
                         "comma, semicolon, tab, pipe or auto"},
    {B "delimiter \"\n", "t.rules:9: 'delimiter' must be one character or "
                         "comma, semicolon, tab, pipe or auto"},
    {B "encoding latin-9\n",
     "t.rules:9: unknown encoding 'latin-9' (expected auto, utf-8 or "
     "windows-1252)"},
    {B "skip -1\n", "t.rules:9: 'skip' takes a number of lines from 0 to 1000"},
    {B "skip 1001\n",
     "t.rules:9: 'skip' takes a number of lines from 0 to 1000"},
    {B "header maybe\n", "t.rules:9: 'header' must be yes, no or auto"},
    {B "header no\ncolumns a,,b\n",
     "t.rules:10: 'columns' needs names separated by commas, none empty"},
    {B "header no\n", "t.rules:9: 'header no' needs 'columns' to name the "
                      "fields"},
    {B "columns a, b\n", "t.rules:9: 'columns' needs 'header no'"},
    {X "header yes\n", "t.rules:14: 'header' applies to csv readers only"},
    {X "skip 1\n", "t.rules:14: 'skip' applies to csv readers only"},
    {X "encoding utf-8\n", "t.rules:14: 'encoding' applies to csv readers "
                           "only"},
    {X "columns a\n", "t.rules:14: 'columns' applies to csv readers only"},
    /* fields */
    {"field a = b\n", "t.rules:1: give 'reader csv' or 'reader xml' before "
                      "'field'"},
    {B "field a\n", "t.rules:9: 'field' needs NAME = HEADER | HEADER ..."},
    {B "field a =\n", "t.rules:9: 'field' needs NAME = HEADER | HEADER ..."},
    {B "optional-field a b\n",
     "t.rules:9: 'optional-field' needs NAME = HEADER | HEADER ..."},
    {X "field a\n", "t.rules:14: 'field' needs NAME = XPATH"},
    {B "field a/b = c\n",
     "t.rules:9: 'a/b' is not a field name (letters, digits, _ - .)"},
    {B "field a = x | | y\n",
     "t.rules:9: 'field a': a header name between '|' is empty"},
    {B "field a = x\nfield a = y\n",
     "t.rules:10: 'field a' is given twice (first at line 9)"},
    {X "field z = A[\n",
     "t.rules:14: XPath \"A[\" does not compile: Invalid expression"},
    /* xml */
    {B "namespace c urn:x\n",
     "t.rules:9: 'namespace' applies to xml readers only"},
    {X "namespace c\n", "t.rules:14: 'namespace' needs PREFIX URI"},
    {X "namespace 9c urn:x\n", "t.rules:14: '9c' is not a namespace prefix"},
    {X "record\n",
     "t.rules:14: 'record' needs a path such as /Document/Stmt/Ntry"},
    {X "statement Stmt\n", "t.rules:14: 'statement' must start with / (from "
                           "the root) or // (anywhere)"},
    {X "balance //Bal[1]\n",
     "t.rules:14: 'balance' must be a path of element names (/a/b, //b, "
     "prefix:name, *); predicates, attributes and functions belong in "
     "field XPaths"},
    {X "balance //Bal/@x\n",
     "t.rules:14: 'balance' must be a path of element names (/a/b, //b, "
     "prefix:name, *); predicates, attributes and functions belong in "
     "field XPaths"},
    {X "statement //q:Stmt\n",
     "t.rules:14: namespace prefix 'q' is not declared (add 'namespace q "
     "URI' before it)"},
    {B "record //Row\n", "t.rules:9: 'record' applies to xml readers only"},
    {X "balance-type c:Tp\n", "t.rules:14: 'balance-type' needs = XPATH"},
    {X "balance-amount = a b\n",
     "t.rules:14: XPath \"a b\" does not compile: Invalid expression"},
    {X "opening-balance\n", "t.rules:14: 'opening-balance' needs at least "
                            "one balance type code (OPBD...)"},
    {B "closing-balance CLBD\n",
     "t.rules:9: 'closing-balance' applies to xml readers only"},
    {"reader xml\nsource s\nfield d = D\nfield a = A\ndate d iso\n"
     "amount a\ndescription x\nsource-ref {d}\ncontra 1\nsuspense 2\n",
     "t.rules:10: no 'record' path is given (e.g. record //Ntry)"},
    {X "reference {nope}\n", "t.rules:14: field 'nope' is used but not "
                             "declared (an xml reader needs 'field nope = "
                             "XPATH')"},
    {X "balance //Bal\nbalance-type = T\n",
     "t.rules:14: 'balance' needs balance-type, balance-amount, "
     "opening-balance and closing-balance"},
    {X "statement //Stmt\n",
     "t.rules:14: statement, balance-type, balance-amount, balance-flag, "
     "opening-balance and closing-balance need 'balance'"},
    {X "balance //Bal\nbalance-type = T\nbalance-amount = A\n"
       "balance-flag = F\nopening-balance O\nclosing-balance C\n",
     "t.rules:17: 'balance-flag' reads the amount's flag values: it needs "
     "amount ... flag="},
    /* mapping settings */
    {B "source has space\n", "t.rules:9: 'source' must be 1-64 characters "
                             "from letters, digits and . _ : / -"},
    {B "source \n", "t.rules:9: 'source' must be 1-64 characters from "
                    "letters, digits and . _ : / -"},
    {B "date d\n", "t.rules:9: 'date' needs FIELD FORMAT (e.g. date posted "
                   "dd/mm/yyyy)"},
    {B "date d iso extra\n", "t.rules:9: 'date' needs FIELD FORMAT (e.g. "
                             "date posted dd/mm/yyyy)"},
    {NB "date \"\" iso\n", "t.rules:2: 'date' needs a field name"},
    {NB "date d mm/dd/yyyy\n",
     "t.rules:2: 'mm/dd/yyyy' is not a date format (use dd/mm/yyyy, "
     "yyyy-mm-dd, dd-mon-yy, yyyymmdd, yyyypp, yyyymm, mon-yy or auto)"},
    {NB "amount\n", "t.rules:2: 'amount' needs FIELD, or debit=FIELD "
                    "credit=FIELD, or FIELD flag=FIELD positive=... "
                    "negative=..."},
    {NB "amount a b\n",
     "t.rules:2: 'amount' options are NAME=VALUE, not \"b\""},
    {NB "amount a flag=\n",
     "t.rules:2: 'amount' options are NAME=VALUE, not \"flag=\""},
    {NB "amount a sign=x\n",
     "t.rules:2: 'sign' is not an amount option (use debit=, credit=, "
     "flag=, positive=, negative=, add=)"},
    {NB "amount debit=d\n",
     "t.rules:2: 'amount' needs both debit= and credit="},
    {NB "amount a debit=d credit=c\n",
     "t.rules:2: 'amount' takes either one column (with an optional flag) "
     "or debit= and credit=, not both"},
    {NB "amount a flag=f positive=C\n",
     "t.rules:2: 'amount ... flag=' needs positive=VALUES and "
     "negative=VALUES"},
    {NB "amount a positive=C negative=D\n",
     "t.rules:2: positive= and negative= need flag="},
    {B "decimal-comma yes\n", "t.rules:9: 'decimal-comma' takes no value"},
    {B "strict please\n", "t.rules:9: 'strict' takes no value"},
    {B "sign positive\n", "t.rules:9: 'sign' must be debit (or spend) or "
                          "credit (or receipt)"},
    {B "memo\n", "t.rules:9: 'memo' needs a value"},
    {B "reference {a\n", "t.rules:9: a '{' is not closed with '}'"},
    {B "reference a}\n", "t.rules:9: a '}' has no '{' (write }} for a "
                         "brace)"},
    {B "reference a{ }\n", "t.rules:9: '{}' names no field"},
    {B "expect-total 12.3.4\n",
     "t.rules:9: 'expect-total': \"12.3.4\": more than one decimal point"},
    {B "suspense\n", "t.rules:9: 'suspense' needs one account code or name "
                     "(quote a name with spaces)"},
    {B "suspense a b\n", "t.rules:9: 'suspense' needs one account code or "
                         "name (quote a name with spaces)"},
    {B "suspense \"a\n", "t.rules:9: a quoted string is not closed"},
    /* accounts, dimensions, tags */
    {B "account\n", "t.rules:9: 'account' needs an account code or name"},
    {B "contra \"\"\n", "t.rules:9: 'contra' needs an account code or name"},
    {B "account 5000 fund=X\n", "t.rules:9: 'fund' is not a dimension (use "
                                "stream, scheme, partner or cc)"},
    {B "account Expenditure:Adult Care\n",
     "t.rules:9: after the account, 'account' takes dimension=CODE words, "
     "not \"Care\" (quote an account name that contains spaces)"},
    {B "stream\n", "t.rules:9: 'stream' needs a code"},
    {B "scheme S1 S2\n",
     "t.rules:9: 'scheme' takes one code (quote a value with spaces)"},
    {B "tag novalue\n", "t.rules:9: 'tag' needs NAME=VALUE"},
    {B "tag\n", "t.rules:9: 'tag' needs NAME=VALUE"},
    {B "tag a=b c=d\n", "t.rules:9: 'tag' takes one NAME=VALUE (quote it if "
                        "the value has spaces)"},
    {B "tag a b=c\n", "t.rules:9: 'tag' needs NAME=VALUE"},
    {B "tag =x\n", "t.rules:9: '' is not a tag name (letters, digits, _ - .)"},
    {B "tag source-line=1\n",
     "t.rules:9: tag 'source-line' is set by the importer itself"},
    {B "tag unmatched=1\n",
     "t.rules:9: tag 'unmatched' is set by the importer itself"},
    {B "contra 1000\n", "t.rules:9: 'contra' is given twice (first at line "
                        "7)"},
    {B "stream A\nstream B\n", "t.rules:10: 'stream' is given twice (first "
                               "at line 9)"},
    {B "tag a=1\ntag a=2\n",
     "t.rules:10: 'tag a' is given twice (first at line 9)"},
    /* conditions */
    {B "if\n    skip\n", "t.rules:9: 'if' needs FIELD is|starts|contains|"
                         "matches VALUE"},
    {B "if x\n    skip\n", "t.rules:9: the condition on 'x' needs an "
                           "operator (is, is not, starts, contains, "
                           "matches)"},
    {B "if x equals y\n    skip\n",
     "t.rules:9: 'equals' is not an operator (use is, is not, starts, "
     "contains, matches)"},
    {B "if x is\n    skip\n", "t.rules:9: the condition on 'x' needs a "
                              "value"},
    {B "if x is a b\n    skip\n",
     "t.rules:9: unexpected \"b\" after the condition (join conditions with "
     "'and'; quote values that contain spaces)"},
    {B "if x is a and\n    skip\n",
     "t.rules:9: 'if' needs FIELD is|starts|contains|matches VALUE"},
    {B "if x matches abc\n    skip\n",
     "t.rules:9: 'matches' needs a /regular expression/"},
    {B "if x matches /abc\n    skip\n",
     "t.rules:9: a /regular expression/ is not closed with '/'"},
    {B "if x matches /abc/g\n    skip\n",
     "t.rules:9: unexpected 'g' after a /regular expression/ (only i may "
     "follow it)"},
    {B "if x matches /a(b/\n    skip\n",
     "t.rules:9: bad regular expression /a(b/: Unmatched ( or \\("},
    {B "if x is a\nskip 1\n", "t.rules:9: this 'if' rule has no actions "
                              "(indent them on the lines below it)"},
    {B "if x is a\n", "t.rules:9: this 'if' rule has no actions (indent "
                      "them on the lines below it)"},
    {B "if x is a\n    source y\n",
     "t.rules:10: 'source' cannot be used inside an 'if' rule (use account, "
     "contra, stream, scheme, partner, cc, tag, skip or refuse)"},
    {B "if x is a\n    skip now\n", "t.rules:10: 'skip' takes no value"},
    {B "if x is a\n    refuse\n", "t.rules:10: 'refuse' needs a message"},
    {B "if x is a\n    refuse \"\"\n", "t.rules:10: 'refuse' needs a "
                                       "message"},
    {B "if x is a\n    refuse {\n", "t.rules:10: a '{' is not closed with '}'"},
    {B "if x is a\n    account\n",
     "t.rules:10: 'account' needs an account code or name"},
    /* presets */
    {B "preset spend500\n", "t.rules:9: 'preset' must be the first "
                            "directive"},
    {"preset camt05\n",
     "t.rules:1: unknown preset 'camt05' (did you mean 'camt053'?)"},
    {"preset zzzzzzzzzz\n",
     "t.rules:1: unknown preset 'zzzzzzzzzz' (presets: spend500, unit4-gl, "
     "isfe, camt053, ofx)"},
    /* whole rules */
    {"# nothing\n", "t.rules:1: no 'reader' is given (reader csv or reader "
                    "xml)"},
    {"reader csv\n", "t.rules:1: no 'source' is given (the system the "
                     "export comes from, e.g. source unit4-gl)"},
    {"reader csv\nsource s\n",
     "t.rules:2: no 'date' is given (date FIELD FORMAT)"},
    {"reader csv\nsource s\ndate d iso\n", "t.rules:3: no 'amount' is given"},
    {"reader csv\nsource s\ndate d iso\namount a\n",
     "t.rules:4: no 'description' is given (e.g. description {supplier})"},
    {"reader csv\nsource s\ndate d iso\namount a\ndescription x\n",
     "t.rules:5: no 'source-ref' is given (the fields that identify a row "
     "in the source system, e.g. source-ref {voucher}/{line}; or "
     "source-ref none)"},
    {"reader csv\nsource s\ndate d iso\namount a\ndescription x\n"
     "source-ref {r}\n",
     "t.rules:6: no 'contra' account is given (the other side of each "
     "row's entry), and no 'group-by'"},
    {"reader csv\nsource s\ndate d iso\namount a\ndescription x\n"
     "group-by {v}\nsource-ref {r}\n",
     "t.rules:7: 'source-ref' cannot be used with 'group-by': a grouped "
     "entry is known by its group"},
    {"reader csv\nsource s\ndate d iso\namount a\ndescription x\n"
     "group-by {v}\nsource-ref none\n",
     "t.rules:7: 'source-ref' cannot be used with 'group-by': a grouped "
     "entry is known by its group"},
    {"reader csv\nsource s\ndate d iso\namount a\ndescription x\n"
     "group-by {v}\ncontra 2000\n",
     "t.rules:7: 'contra' cannot be used with 'group-by': the rows of a "
     "group balance each other"},
};

static void test_rules_errors__every_message(void **state)
{
    size_t i;

    (void)state;
    size_t failed = 0;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *got = parse_err(bad[i].text, strlen(bad[i].text));

        if (strcmp(got, bad[i].want) != 0) {
            print_message("case %zu:\n  rules: %s\n  want: %s\n  got:  %s\n", i,
                          bad[i].text, bad[i].want, got);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

/* Not UTF-8, a NUL byte, and over the size limit. */
static void test_rules_errors__bytes_and_size(void **state)
{
    static const char nul[] = "reader csv\nsource a\0b\n";
    char *big;

    (void)state;
    assert_string_equal(parse_err("reader csv\n# \xA3 sign\n", 19),
                        "t.rules:2: the rules are not UTF-8 text (byte "
                        "0xA3)");
    assert_string_equal(parse_err(nul, sizeof nul - 1),
                        "t.rules:2: the rules are not UTF-8 text (byte "
                        "0x00)");
    big = malloc((1 << 20) + 2);
    assert_non_null(big);
    memset(big, '#', (1 << 20) + 1);
    big[(1 << 20) + 1] = '\0';
    assert_string_equal(parse_err(big, (1 << 20) + 1),
                        "t.rules: a rules file may be at most 1 MiB");
    free(big);
}

/* The engine refuses rules that leave unmatched rows nowhere to go. */
static void test_rules_errors__no_suspense_needs_strict(void **state)
{
    pb_rules *r = parse_ok("reader csv\nsource s\ndate d iso\namount a\n"
                           "description x\nsource-ref {r}\ncontra 2000\n");
    pb_engine *e = NULL;
    pb_error err;

    (void)state;
    assert_int_equal(pb_engine_new(&e, r, "f.csv", false, 4, false, &err),
                     PB_EINVAL);
    assert_null(e);
    assert_string_equal(pb_error_format(&err, errbuf, sizeof errbuf),
                        "t.rules: the rules name no 'suspense' account for "
                        "rows that no rule matches (add 'suspense ACCOUNT' "
                        "or a default 'account', or import with --strict)");
    assert_int_equal(pb_engine_new(&e, r, "f.csv", false, 4, true, &err),
                     PB_OK);
    pb_engine_free(e);
    pb_rules_free(r);
    /* a default account needs no suspense either */
    r = parse_ok("reader csv\nsource s\ndate d iso\namount a\n"
                 "description x\nsource-ref {r}\ncontra 2000\naccount 5000\n");
    assert_int_equal(pb_engine_new(&e, r, "f.csv", false, 4, false, &err),
                     PB_OK);
    pb_engine_free(e);
    pb_rules_free(r);
}

/* ---- part 3: presets -------------------------------------------------------
 */

static void test_rules_presets__all_parse(void **state)
{
    const pb_preset *p;
    size_t i;

    (void)state;
    for (i = 0; (p = pb_preset_at(i)) != NULL; i++) {
        pb_rules *r = NULL;
        pb_error err;

        if (pb_rules_preset(&r, p->name, &err) != PB_OK)
            fail_msg("preset %s: %s", p->name,
                     pb_error_format(&err, errbuf, sizeof errbuf));
        assert_string_equal(r->preset, p->name);
        assert_non_null(r->source);
        assert_non_null(r->suspense);
        assert_ptr_equal(pb_preset_find(p->name), p);
        pb_rules_free(r);
    }
    assert_int_equal(i, 5);
    assert_null(pb_preset_find("nope"));
}

static void test_rules_presets__unknown_has_no_location(void **state)
{
    pb_rules *r = NULL;
    pb_error err;

    (void)state;
    assert_int_equal(pb_rules_preset(&r, "ofz", &err), PB_ENOTFOUND);
    assert_string_equal(pb_error_format(&err, errbuf, sizeof errbuf),
                        "unknown preset 'ofz' (did you mean 'ofx'?)");
    assert_int_equal(pb_rules_parse(&r, "f", "preset ofz\n", 11, &err),
                     PB_ENOTFOUND);
}

/* A file on a preset overrides single settings and adds rules; a setting
 * twice in the file itself is still an error. */
static void test_rules_presets__file_overrides_preset(void **state)
{
    pb_rules *r = parse_ok("preset unit4-gl\n"
                           "group-by none\n"
                           "source-ref {voucher}/{seq}\n"
                           "contra 2000\n"
                           "account {account} cc={cc} stream=BCF\n"
                           "source pool-gl\n"
                           "if cc starts RB\n"
                           "    scheme S01\n");
    char where[64];

    (void)state;
    assert_string_equal(r->preset, "unit4-gl");
    assert_int_equal(r->norigins, 2);
    assert_string_equal(r->origins[1], "preset unit4-gl");
    assert_string_equal(r->source, "pool-gl");
    assert_int_equal(r->group_by.n, 0);
    assert_string_equal(tpl(r, &r->source_ref), "{voucher}/{seq}");
    assert_non_null(act(&r->rules[0], PB_ACT_DIM, PB_DIM_STREAM));
    assert_int_equal(act(&r->rules[0], PB_ACT_ACCOUNT, -1)->loc.line, 5);
    assert_int_equal(act(&r->rules[0], PB_ACT_ACCOUNT, -1)->loc.origin, 0);
    /* the preset's settings stay, located in the preset */
    assert_string_equal(r->suspense, "Suspense:Import");
    assert_string_equal(pb_rules_where(r, r->fields[0].loc, where,
                                       sizeof where),
                        "preset unit4-gl:5");
    assert_int_equal(r->nrules, 2);
    pb_rules_free(r);
    assert_string_equal(parse_err("preset ofx\ncontra 1\ncontra 2\n", 29),
                        "t.rules:3: 'contra' is given twice (first at "
                        "line 2)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_parse__csv_base_and_defaults),
        cmocka_unit_test(test_rules_parse__comments_crlf_bom),
        cmocka_unit_test(test_rules_parse__csv_reader_directives),
        cmocka_unit_test(test_rules_parse__fields),
        cmocka_unit_test(test_rules_parse__date_formats),
        cmocka_unit_test(test_rules_parse__amounts),
        cmocka_unit_test(test_rules_parse__templates),
        cmocka_unit_test(test_rules_parse__source_ref_and_group_by),
        cmocka_unit_test(test_rules_parse__defaults),
        cmocka_unit_test(test_rules_parse__if_rules),
        cmocka_unit_test(test_rules_parse__xml_directives),
        cmocka_unit_test(test_rules_parse__sha256_of_text),
        cmocka_unit_test(test_rules_errors__every_message),
        cmocka_unit_test(test_rules_errors__bytes_and_size),
        cmocka_unit_test(test_rules_errors__no_suspense_needs_strict),
        cmocka_unit_test(test_rules_presets__all_parse),
        cmocka_unit_test(test_rules_presets__unknown_has_no_location),
        cmocka_unit_test(test_rules_presets__file_overrides_preset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
