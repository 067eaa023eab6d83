/*
 * test_load.c - importers/load: poolbook's own CSV files in and out.
 *
 *   1. kinds: names, singulars, suggestions
 *   2. every kind loads (fixtures/small); loading again changes nothing
 *   3. headers: missing, unknown (with a suggestion), repeated, empty file
 *   4. bad rows: each refused as FILE:LINE: field: what, the book unchanged
 *      (counts and sums of every table, and `check`)
 *   5. encodings and quoting: Windows-1252 £, BOM, CRLF, quoted commas
 *      and line breaks
 *   6. changes: master data updated and logged; a budget becomes an
 *      adjustment; a changed entry is refused; dry run writes nothing
 *   7. dump: loads back unchanged into the same book, and identically into
 *      a fresh one
 *   8. the sample book (fixtures/bcf-2024-25): loads clean; income and
 *      month-6 expenditure per stream equal the published table exactly
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/load.h"
#include "ledger/balance.h"
#include "ledger/budget.h"
#include "ledger/journal.h"
#include "tests/support/support.h"

static const char *const kinds_in_order[] = {
    "partners", "pools",     "streams",       "schemes",  "accounts",
    "profiles", "budgets",   "virements",     "contributions",
    "outturns", "postings",
};
#define NKINDS 11

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
    pb_load_result res;
} fixture;

static pb_book *fresh_book(char **path)
{
    pb_book *b = NULL;
    pb_error err;

    pbt_env();
    *path = pbt_path_new();
    if (pb_book_open(&b, *path, PB_BOOK_CREATE, &err) != PB_OK)
        fail_msg("create: %s", err.msg);
    return b;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = fresh_book(&f->path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    pbt_book_done(f->b, f->path);
    free(f);
    return 0;
}

static pb_load_kind kind_of(const char *name)
{
    pb_load_kind k;

    assert_int_equal(pb_load_kind_parse(&k, name, NULL), PB_OK);
    return k;
}

/* Loads text as file "t.csv". */
static int load(fixture *f, const char *kind, const char *text)
{
    pb_error_clear(&f->err);
    return pb_load_mem(f->b, kind_of(kind), "t.csv", text, strlen(text), 0,
                       &f->res, &f->err);
}

/* Loads fixtures/DIR/KIND.csv, which must succeed. */
static void load_fixture(fixture *f, const char *dir, const char *kind)
{
    char path[256];

    snprintf(path, sizeof path, "fixtures/%s/%s.csv", dir, kind);
    if (pb_load_file(f->b, kind_of(kind), path, 0, &f->res, &f->err) !=
        PB_OK) {
        char buf[1024];

        fail_msg("%s", pb_error_format(&f->err, buf, sizeof buf));
    }
}

static void load_all(fixture *f, const char *dir)
{
    int i;

    for (i = 0; i < NKINDS; i++)
        load_fixture(f, dir, kinds_in_order[i]);
}

static const char *where(const pb_error *err)
{
    static char buf[1024];

    return pb_error_format(err, buf, sizeof buf);
}

/*
 * The book's content, summarised: the count of every table and the sums
 * of its money and ids.  Two equal snapshots around a failed load mean
 * it wrote nothing.
 */
static void snapshot(pb_book *b, pb_buf *out)
{
    static const char *const sql[] = {
        "SELECT count(*) FROM batch",
        "SELECT count(*) FROM entry",
        "SELECT count(*) + coalesce(sum(amount), 0) FROM posting",
        "SELECT count(*) FROM tag",
        "SELECT count(*) + coalesce(sum(debit - credit), 0) FROM balance",
        "SELECT count(*) FROM account",
        "SELECT count(*) + coalesce(sum(length(name)), 0) FROM dim",
        "SELECT count(*) + coalesce(sum(length(kind || ledger_code)), 0)"
        " FROM partner",
        "SELECT count(*) + coalesce(sum(length(risk_share || manager)), 0)"
        " FROM pool",
        "SELECT count(*) + coalesce(sum(display_order + ring_fenced), 0)"
        " FROM stream",
        "SELECT count(*) + coalesce(sum(display_order + pooled), 0)"
        " FROM scheme",
        "SELECT count(*) FROM profile",
        "SELECT count(*) FROM budget_line",
        "SELECT count(*) + coalesce(sum(amount + m01), 0) FROM budget_change",
        "SELECT count(*) FROM virement",
        "SELECT count(*) + coalesce(sum(amount), 0) FROM contribution",
        "SELECT count(*) + coalesce(sum(amount), 0) FROM outturn",
        "SELECT count(*) FROM master_log",
    };
    size_t i;

    pb_buf_reset(out);
    for (i = 0; i < sizeof sql / sizeof sql[0]; i++)
        pb_buf_printf(out, "%lld,", (long long)pbt_int(b, sql[i]));
}

/* ---- 1. kinds ----------------------------------------------------------- */

static void test_load_kind__names_singulars_suggestions(void **state)
{
    pb_load_kind k;
    pb_error err;
    int i;

    (void)state;
    for (i = 0; i < NKINDS; i++) {
        assert_int_equal(pb_load_kind_parse(&k, kinds_in_order[i], NULL),
                         PB_OK);
        assert_int_equal(k, i);
        assert_string_equal(pb_load_kind_name(k), kinds_in_order[i]);
    }
    assert_int_equal(pb_load_kind_parse(&k, "stream", NULL), PB_OK);
    assert_int_equal(k, PB_LOAD_STREAMS);
    assert_int_equal(pb_load_kind_parse(&k, "Budget", NULL), PB_OK);
    assert_int_equal(k, PB_LOAD_BUDGETS);
    assert_int_equal(pb_load_kind_parse(&k, "virments", &err), PB_EUSAGE);
    assert_string_equal(err.msg, "unknown kind \"virments\" (did you mean "
                                 "\"virements\"?)");
    assert_string_equal(pb_load_header(PB_LOAD_CONTRIBUTIONS),
                        "pool,fy,partner,stream,amount,note");
}

/* ---- 2. every kind, twice ---------------------------------------------- */

static void test_load__every_kind_then_again_unchanged(void **state)
{
    static const int64_t added[NKINDS] = {2, 1, 3, 3, 7, 1, 5, 1, 3, 2, 4};
    fixture *f = *state;
    pb_buf before = PB_BUF_INIT, after = PB_BUF_INIT;
    int i;

    for (i = 0; i < NKINDS; i++) {
        load_fixture(f, "small", kinds_in_order[i]);
        if (f->res.added != added[i])
            fail_msg("%s: %lld added, not %lld", kinds_in_order[i],
                     (long long)f->res.added, (long long)added[i]);
        assert_int_equal(f->res.updated, 0);
        assert_int_equal(f->res.unchanged, 0);
        assert_int_equal(f->res.batch_id, i + 1);
    }
    assert_int_equal(f->res.postings, 11);
    assert_int_equal(f->res.first_entry, 1);
    assert_int_equal(f->res.last_entry, 4);
    pbt_assert_clean(f->b);
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM batch WHERE kind ="
                             " 'load:budgets' AND status = 'done' AND"
                             " length(sha256) = 64 AND rows = 5"),
                     1);
    snapshot(f->b, &before);
    for (i = 0; i < NKINDS; i++) {
        load_fixture(f, "small", kinds_in_order[i]);
        assert_int_equal(f->res.added + f->res.updated, 0);
        assert_int_equal(f->res.unchanged, added[i]);
        assert_int_equal(f->res.batch_id, 0);
    }
    snapshot(f->b, &after);
    assert_string_equal(pb_buf_str(&before), pb_buf_str(&after));
    pb_buf_clear(&before);
    pb_buf_clear(&after);
}

/* ---- 3. headers --------------------------------------------------------- */

static void test_load_header__refusals(void **state)
{
    static const struct {
        const char *kind, *text, *error;
    } cases[] = {
        {"partners", "code,name\nSCC,Council\n",
         "t.csv:1: missing column \"kind\""},
        {"budgets", "pool,scheme\nX,Y\n",
         "t.csv:1: missing columns \"fy\", \"amount\""},
        {"partners", "code,name,kind,ledger_cod\nSCC,Council,council,\n",
         "t.csv:1: unknown column \"ledger_cod\" (did you mean "
         "\"ledger_code\"?); a partners file has: code,name,kind,"
         "ledger_code"},
        {"partners", "code,name,kind,colour,size\nSCC,Council,council,,\n",
         "t.csv:1: unknown columns \"colour\", \"size\"; a partners file "
         "has: code,name,kind,ledger_code"},
        {"partners", "code,name,kind,CODE\nSCC,Council,council,X\n",
         "t.csv:1: column \"code\" is given twice (columns 1 and 4)"},
        {"partners", "", "t.csv:1: the file is empty; it needs a header "
                         "row (code,name,kind,ledger_code)"},
        {"partners", "code,name,kind\n",
         "t.csv:2: no rows to load after the header"},
    };
    fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_not_equal(load(f, cases[i].kind, cases[i].text), PB_OK);
        assert_string_equal(where(&f->err), cases[i].error);
    }
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM batch"), 0);
}

static void test_load_header__any_order_and_case(void **state)
{
    fixture *f = *state;

    assert_int_equal(load(f, "partners",
                          "Ledger Code,KIND,Name,Code,\n"
                          "SCC01,council,Southampton City Council,SCC,\n"),
                     PB_OK);
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM partner p JOIN dim d ON"
                             " d.id = p.dim_id WHERE d.code = 'SCC' AND"
                             " p.ledger_code = 'SCC01'"),
                     1);
}

/* ---- 4. bad rows -------------------------------------------------------- */

static void test_load_row__errors_located_book_unchanged(void **state)
{
    static const struct {
        const char *kind, *text, *error;
    } cases[] = {
        /* unknown codes, with suggestions */
        {"streams",
         "code,name,pool,partner\nNEW,New stream,TEST,SCX\n",
         "t.csv:2: partner: unknown partner \"SCX\" (did you mean "
         "\"SCC\"?)"},
        {"budgets",
         "pool,fy,scheme,stream,amount\nTEST,2024-25,CARERS,MIN-NSH,1\n",
         "t.csv:2: stream: unknown funding stream \"MIN-NSH\" (did you mean "
         "\"MIN-NHS\"?)"},
        {"postings",
         "entry,date,description,account,amount,stream\n"
         "X1,2024-05-01,Pay,5000,1.00,IBFC\nX1,,,2000,-1.00,\n",
         "t.csv:2: stream: unknown funding stream \"IBFC\" (did you mean "
         "\"IBCF\"?)"},
        {"postings",
         "entry,date,description,account,amount,scheme\n"
         "X1,2024-05-01,Pay,5000,1.00,CARERS\nX1,,,2001,-1.00,\n",
         "t.csv:3: account: unknown account \"2001\" (did you mean "
         "\"2000\"?)"},
        /* duplicates */
        {"partners", "code,name,kind\nXX,One,council\nXX,Two,icb\n",
         "t.csv:3: code: partner code is given twice (first at line 2)"},
        {"budgets",
         "pool,fy,scheme,stream,partner,amount\n"
         "TEST,2024-25,REABLE,DFG,SCC,1\nTEST,2024/25,REABLE,DFG,SCC,2\n",
         "t.csv:3: scheme: this budget line and effective date is given "
         "twice (first at line 2)"},
        /* bad values */
        {"budgets",
         "pool,fy,scheme,amount\nTEST,2024-25,CARERS,12.345\n",
         "t.csv:2: amount: \"12.345\": more than 2 decimal places"},
        {"contributions", "pool,fy,partner,amount\nTEST,2024-25,SCC,1e5\n",
         NULL},
        {"postings",
         "entry,date,description,account,amount\n"
         "X1,31/02/2024,Pay,5000,1.00\nX1,,,2000,-1.00\n",
         "t.csv:2: date: \"31/02/2024\": no such day"},
        {"postings",
         "entry,date,description,account,amount\n"
         "X1,2024-13-01,Pay,5000,1.00\nX1,,,2000,-1.00\n",
         "t.csv:2: date: \"2024-13-01\": no month 13"},
        {"streams",
         "code,name,pool,partner,capital\nNEW,New,TEST,SCC,maybe\n",
         "t.csv:2: capital: \"maybe\" is not yes or no"},
        {"pools",
         "code,name,basis,host,first_fy\nP2,Pool,s75,SCC,2024-25\n",
         "t.csv:2: basis: unknown legal basis \"s75\" (use s75-pooled, "
         "aligned, s75-other, s76, s256 or single)"},
        {"partners", "code,name,kind\nXX,,council\n",
         "t.csv:2: name: a value is required"},
        {"partners", "code,name,kind\nXX,One,council,extra\n",
         "t.csv:2: the row has 4 fields; the header has 3"},
        /* postings: grouping and balance */
        {"postings",
         "entry,date,description,account,amount\n"
         "X1,2024-05-01,Pay,5000,1.00\nX2,2024-05-01,Pay,5000,1.00\n"
         "X2,,,2000,-1.00\nX1,,,2000,-1.00\n",
         "t.csv:2: an entry needs at least two postings (it has 1)"},
        {"postings",
         "entry,date,description,account,amount\n"
         "X1,2024-05-01,Pay,5000,1.00\nX1,,,2000,-1.00\n"
         "X2,2024-05-01,Pay,5000,1.00\nX2,,,2000,-1.00\n"
         "X1,2024-05-01,Pay,5000,1.00\nX1,,,2000,-1.00\n",
         "t.csv:6: entry: the rows of entry X1 must be together; it started "
         "at an earlier line"},
        {"postings",
         "entry,date,description,account,amount\n"
         "X1,2024-05-01,Pay,5000,1.00\nX1,2024-05-02,,2000,-1.00\n",
         "t.csv:3: date: \"2024-05-02\" differs from the entry's first row "
         "(\"2024-05-01\"); leave it blank or repeat it"},
        {"postings",
         "entry,date,description,account,amount\n"
         "X1,2024-05-01,Pay,5000,1.00\nX1,,,2000,-1.01\n",
         "t.csv:2: amount: the entry does not balance: debits 1.00, "
         "credits 1.01, difference -0.01"},
        {"postings",
         "entry,date,description,account,amount\n"
         "X1,2024-05-01,Pay,5000,1.00\nX1,,,2000,\nX1,,,1000,\n",
         "t.csv:4: amount: only one posting may leave its amount out"},
        /* virements */
        {"virements",
         "ref,date,reason,pool,fy,scheme,stream,partner,amount\n"
         "V9,2024-08-01,Move,TEST,2024-25,CARERS,MIN-NHS,ICB,-10\n"
         "V9,,,TEST,2024-25,REABLE,MIN-NHS,ICB,9.99\n",
         "t.csv:2: amount: virement V9 does not balance: 9.99 into lines, "
         "10.00 out of lines, difference -0.01"},
        {"virements",
         "ref,date,reason,pool,fy,scheme,stream,partner,amount\n"
         "V9,2024-08-01,Move,TEST,2024-25,CARERS,MIN-NHS,ICB,-10\n"
         "V9,,,TEST,2024-25,REABEL,MIN-NHS,ICB,10\n",
         "t.csv:3: scheme: unknown scheme \"REABEL\" (did you mean "
         "\"REABLE\"?)"},
        {"virements",
         "ref,date,reason,pool,fy,scheme,stream,partner,amount\n"
         "V1,2024-07-15,Other reason,TEST,2024-25,CARERS,MIN-NHS,ICB,"
         "-60000\nV1,,,TEST,2024-25,REABLE,MIN-NHS,ICB,60000\n",
         "t.csv:2: ref: virement V1 is already recorded, differently; a "
         "recorded virement is never changed: record another virement to "
         "move the budget back"},
        /* schemes, profiles, outturns */
        {"schemes", "code,name,pool,host\nNEWS,New scheme,TEST,IBC\n",
         "t.csv:2: host: unknown partner \"IBC\" (did you mean \"ICB\"?)"},
        {"profiles",
         "name,p01,p02,p03,p04,p05,p06,p07,p08,p09,p10,p11,p12\n"
         "BAD,1,1,1,-1,1,1,1,1,1,1,1,1\n",
         "t.csv:2: name: profile \"BAD\": the weight of P4 is negative"},
        {"profiles",
         "name,p01,p02,p03,p04,p05,p06,p07,p08,p09,p10,p11,p12\n"
         "flat,1,1,1,1,1,1,1,1,1,1,1,1\n",
         "t.csv:2: name: \"flat\" is built in and cannot be redefined"},
        {"outturns", "pool,fy,scheme,amount\nTEST,2023-24,CARRERS,1\n",
         "t.csv:2: scheme: unknown scheme \"CARRERS\" (did you mean "
         "\"CARERS\"?)"},
        /* accounts are never renamed by a load */
        {"accounts", "code,name,type\n5000,Expenditure:Other,expenditure\n",
         "t.csv:2: name: account 5000 is \"Expenditure:Care Purchasing\" "
         "(expenditure) in the book; a load never renames an account or "
         "changes its type"},
        /* budgets: months, profile, time */
        {"budgets",
         "pool,fy,scheme,amount,p01,p12\nTEST,2024-25,CARERS,100,50,49.99\n",
         "t.csv:2: amount: the months add up to 99.99, not the annual 100.00 "
         "(short by 0.01)"},
        {"budgets", "pool,fy,scheme,amount,profile\nTEST,2024-25,CARERS,1,"
                    "WINTR\n",
         "t.csv:2: profile: unknown profile \"WINTR\" (did you mean "
         "\"WINTER\"?)"},
        {"budgets",
         "pool,fy,scheme,stream,partner,effective,amount\n"
         "TEST,2024-25,CARERS,MIN-NHS,ICB,2024-03-31,1000000.01\n",
         "t.csv:2: effective: the budget of TEST 2024-25 CARERS MIN-NHS ICB "
         "was last set from 2024-04-01; a change must take effect after "
         "that (budgets are never rewritten back in time)"},
        {"budgets", "pool,fy,scheme,amount\nTEST,2027-28,CARERS,1\n",
         "t.csv:2: fy: pool TEST covers 2024-25 to 2025-26, not 2027-28"},
        /* a bad last row after good ones: nothing of it lands */
        {"partners",
         "code,name,kind\nP1,One,council\nP2,Two,icb\nP3,Three,trust\n",
         "t.csv:4: kind: unknown partner kind \"trust\" (use council, icb, "
         "ccg, nhs-trust or other)"},
    };
    fixture *f = *state;
    pb_buf before = PB_BUF_INIT, after = PB_BUF_INIT;
    size_t i;

    load_all(f, "small");
    snapshot(f->b, &before);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = load(f, cases[i].kind, cases[i].text);

        if (rc == PB_OK)
            fail_msg("case %zu (%s) loaded", i, cases[i].kind);
        if (cases[i].error != NULL &&
            strcmp(where(&f->err), cases[i].error) != 0)
            fail_msg("case %zu:\n  got  %s\n  want %s", i, where(&f->err),
                     cases[i].error);
        assert_int_equal(f->res.batch_id, 0);
        snapshot(f->b, &after);
        if (strcmp(pb_buf_str(&before), pb_buf_str(&after)) != 0)
            fail_msg("case %zu changed the book: %s -> %s", i,
                     pb_buf_str(&before), pb_buf_str(&after));
    }
    pbt_assert_clean(f->b);
    pb_buf_clear(&before);
    pb_buf_clear(&after);
}

/* ---- 5. encodings and quoting ------------------------------------------ */

static void test_load_encoding__cp1252_bom_crlf_quotes(void **state)
{
    /* Windows-1252 as Excel saves it: £ is 0xA3, é 0xE9, CRLF. */
    static const char cp1252[] =
        "code,name,kind,ledger_code\r\n"
        "CAFE,\"Caf\xe9 \xa3 Co, Ltd\",other,\r\n";
    /* UTF-8 with a BOM; quoted commas, doubled quotes, a line break. */
    static const char utf8[] =
        "\xef\xbb\xbf"
        "entry,date,description,account,amount,memo,partner\r\n"
        "C1,01/05/2024,\"Payment, with a comma\",5000,\"\xc2\xa3"
        "1,234.56\",\"two\r\nlines, \"\"quoted\"\"\",CAFE\r\n"
        "C1,,,2000,\"(\xa3" "1,234.56)\",,\r\n";
    fixture *f = *state;
    pb_entry *e = pb_entry_new();

    load_all(f, "small");
    if (pb_load_mem(f->b, PB_LOAD_PARTNERS, "w.csv", cp1252,
                    sizeof cp1252 - 1, 0, &f->res, &f->err) != PB_OK)
        fail_msg("%s", where(&f->err));
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM dim WHERE code = 'CAFE'"
                             " AND name = 'Caf\xc3\xa9 \xc2\xa3 Co, Ltd'"),
                     1);
    /* The UTF-8 file's last line has a bare 0xA3: not valid UTF-8 with a
     * BOM, so it is refused, located. */
    assert_int_equal(pb_load_mem(f->b, PB_LOAD_POSTINGS, "u.csv", utf8,
                                 sizeof utf8 - 1, 0, &f->res, &f->err),
                     PB_EINVAL);
    assert_non_null(strstr(where(&f->err), "u.csv:4:"));
    assert_non_null(strstr(f->err.msg, "0xA3"));
    {
        /* ... and with the last line in UTF-8 too, it loads. */
        static const char good[] =
            "\xef\xbb\xbf"
            "entry,date,description,account,amount,memo,partner\r\n"
            "C1,01/05/2024,\"Payment, with a comma\",5000,\"\xc2\xa3"
            "1,234.56\",\"two\r\nlines, \"\"quoted\"\"\",CAFE\r\n"
            "C1,,,2000,\"(\xc2\xa3" "1,234.56)\",,\r\n";

        assert_int_equal(pb_load_mem(f->b, PB_LOAD_POSTINGS, "u.csv", good,
                                     sizeof good - 1, 0, &f->res, &f->err),
                         PB_OK);
    }
    assert_int_equal(pb_journal_get(f->b, f->res.first_entry, e, &f->err),
                     PB_OK);
    assert_string_equal(pb_entry_description(e), "Payment, with a comma");
    assert_string_equal(pb_entry_memo(e, 1), "two\r\nlines, \"quoted\"");
    assert_string_equal(pb_entry_dim(e, 1, PB_DIM_PARTNER), "CAFE");
    pbt_assert_amount(pb_entry_amount(e, 1), "1234.56");
    pbt_assert_amount(pb_entry_amount(e, 2), "-1234.56");
    assert_int_equal(pb_entry_date(e), pbt_date("2024-05-01"));
    pb_entry_free(e);
}

/* ---- 6. changes --------------------------------------------------------- */

static void test_load_master__changes_updated_and_logged(void **state)
{
    fixture *f = *state;

    load_all(f, "small");
    assert_int_equal(load(f, "streams",
                          "code,name,pool,partner,capital,ring_fenced,"
                          "carry_forward,order\n"
                          "DFG,Disabled Facilities Grant (capital),TEST,SCC,"
                          "yes,yes,yes,1\n"
                          "MIN-NHS,Minimum NHS Contribution,TEST,ICB,no,no,"
                          "no,2\n"),
                     PB_OK);
    assert_int_equal(f->res.updated, 1);
    assert_int_equal(f->res.unchanged, 1);
    assert_true(f->res.batch_id > 0);
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM master_log m JOIN batch b"
                             " ON b.id = m.batch_id WHERE b.kind ="
                             " 'load:streams' AND m.key = 'DFG' AND m.field"
                             " = 'name' AND m.new_value = 'Disabled"
                             " Facilities Grant (capital)'"),
                     1);
    assert_int_equal(load(f, "streams",
                          "code,name,pool,partner\nDFG,DFG,OTHER,SCC\n"),
                     PB_ENOTFOUND);
}

static void test_load_budgets__change_becomes_adjustment(void **state)
{
    fixture *f = *state;
    pb_budget_key k = {"TEST", 2024, "CARERS", "MIN-NHS", "ICB"};
    pb_amount original, current;
    int64_t line;

    pb_amount_init(&original);
    pb_amount_init(&current);
    load_all(f, "small");
    assert_int_equal(load(f, "budgets",
                          "pool,fy,scheme,stream,partner,effective,amount\n"
                          "TEST,2024-25,CARERS,MIN-NHS,ICB,01/10/2024,"
                          "\"1,100,000.01\"\n"),
                     PB_OK);
    assert_int_equal(f->res.updated, 1);
    assert_int_equal(pb_budget_line_find(f->b, &k, &line, &f->err), PB_OK);
    assert_int_equal(pb_budget_line_amounts(f->b, line, NULL, &original,
                                            &current, NULL, &f->err),
                     PB_OK);
    pbt_assert_amount(&original, "1000000.01");
    pbt_assert_amount(&current, "1040000.01"); /* + 100,000 - 60,000 */
    /* The original file again: as at its dates nothing differs. */
    load_fixture(f, "small", "budgets");
    assert_int_equal(f->res.added + f->res.updated, 0);
    pb_amount_clear(&original);
    pb_amount_clear(&current);
}

static void test_load_postings__changed_entry_refused_reversal_reloads(
    void **state)
{
    fixture *f = *state;
    const char *v1 = "entry,date,description,account,amount\n"
                     "R1,2024-05-01,Pay,5000,10.00\nR1,,,2000,\n";
    const char *v2 = "entry,date,description,account,amount\n"
                     "R1,2024-05-01,Pay,5000,10.01\nR1,,,2000,\n";
    int64_t first, rev;

    load_all(f, "small");
    assert_int_equal(load(f, "postings", v1), PB_OK);
    first = f->res.first_entry;
    assert_int_equal(load(f, "postings", v1), PB_OK);
    assert_int_equal(f->res.unchanged, 1);
    assert_int_equal(load(f, "postings", v2), PB_EREFUSED);
    assert_non_null(strstr(where(&f->err), "t.csv:2: entry: entry R1 was "
                                           "loaded before (journal entry"));
    /* After a reversal the corrected entry loads. */
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_journal_reverse(f->b, first, NULL, "wrong amount", 0,
                                        &rev, &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(load(f, "postings", v2), PB_OK);
    assert_int_equal(f->res.added, 1);
    pbt_assert_clean(f->b);
}

static void test_load__dry_run_writes_nothing(void **state)
{
    fixture *f = *state;
    pb_buf before = PB_BUF_INIT, after = PB_BUF_INIT;
    int i;

    snapshot(f->b, &before);
    for (i = 0; i < 5; i++) {
        char path[64];

        snprintf(path, sizeof path, "fixtures/small/%s.csv",
                 kinds_in_order[i]);
        /* Each kind needs the ones before it, so only the first loads
         * fully; dry runs of the others fail or not, but never write. */
        (void)pb_load_file(f->b, kind_of(kinds_in_order[i]), path,
                           PB_LOAD_DRY_RUN, &f->res, &f->err);
        assert_int_equal(f->res.batch_id, 0);
    }
    assert_int_equal(pb_load_file(f->b, PB_LOAD_PARTNERS,
                                  "fixtures/small/partners.csv",
                                  PB_LOAD_DRY_RUN, &f->res, &f->err),
                     PB_OK);
    assert_int_equal(f->res.added, 2);
    snapshot(f->b, &after);
    assert_string_equal(pb_buf_str(&before), pb_buf_str(&after));
    pb_buf_clear(&before);
    pb_buf_clear(&after);
}

/* ---- 7. dump ------------------------------------------------------------ */

static void test_load_dump__round_trips(void **state)
{
    fixture *f = *state;
    pb_buf dump[NKINDS], again = PB_BUF_INIT;
    pb_book *b2;
    char *path2;
    int i;

    load_all(f, "small");
    for (i = 0; i < NKINDS - 1; i++) { /* postings are not dumped */
        pb_buf_init(&dump[i]);
        assert_int_equal(pb_load_dump(f->b, (pb_load_kind)i, NULL, &dump[i],
                                      &f->err),
                         PB_OK);
        assert_int_equal(pb_load_mem(f->b, (pb_load_kind)i, "dump.csv",
                                     dump[i].data, dump[i].len, 0, &f->res,
                                     &f->err),
                         PB_OK);
        if (f->res.added + f->res.updated != 0)
            fail_msg("%s: the dump loads back with changes",
                     kinds_in_order[i]);
    }
    assert_int_equal(pb_load_dump(f->b, PB_LOAD_POSTINGS, NULL, &again,
                                  &f->err),
                     PB_EUSAGE);
    /* Into a fresh book, kind by kind: the same dumps come back. */
    b2 = fresh_book(&path2);
    for (i = 0; i < NKINDS - 1; i++) {
        assert_int_equal(pb_load_mem(b2, (pb_load_kind)i, "dump.csv",
                                     dump[i].data, dump[i].len, 0, &f->res,
                                     &f->err),
                         PB_OK);
    }
    for (i = 0; i < NKINDS - 1; i++) {
        pb_buf_reset(&again);
        assert_int_equal(pb_load_dump(b2, (pb_load_kind)i, NULL, &again,
                                      &f->err),
                         PB_OK);
        assert_string_equal(pb_buf_str(&again), pb_buf_str(&dump[i]));
        pb_buf_clear(&dump[i]);
    }
    assert_non_null(strstr(pb_buf_str(&again),
                           "TEST,2023-24,CARERS,MIN-NHS,ICB,980123.45\n"));
    pbt_book_done(b2, path2);
    pb_buf_clear(&again);
}

/* ---- 8. the sample book ------------------------------------------------- */

/* DOMAIN.md table A (seed 000): BCF 2024-25 at month 6, in pounds. */
static const struct {
    const char *stream;
    const char *income, *spent;
} table_a[] = {
    {"DFG", "2741399.00", "1047233.00"},
    {"MIN-NHS", "23080574.00", "11612525.00"},
    {"IBCF", "10704789.00", "5352395.00"},
    {"ADD-LA", "0.00", "0.00"},
    {"ADD-NHS", "0.00", "0.00"},
    {"LA-DISCH", "2501325.00", "1250662.00"},
    {"ICB-DISCH", "2270958.00", "1137156.00"},
};
#define NSTREAMS (sizeof table_a / sizeof table_a[0])

typedef struct by_stream {
    pb_amount credit[NSTREAMS], debit[NSTREAMS], total;
    int other; /* rows with no stream or one not in table A */
} by_stream;

static int add_row(const pb_balance_row *r, void *ud)
{
    by_stream *s = ud;
    size_t i;

    for (i = 0; i < NSTREAMS; i++) {
        if (strcmp(r->dim_code, table_a[i].stream) == 0) {
            pb_amount_add(&s->credit[i], &s->credit[i], r->credit);
            pb_amount_add(&s->debit[i], &s->debit[i], r->debit);
            pb_amount_add(&s->total, &s->total, r->balance);
            return 0;
        }
    }
    s->other++;
    return 0;
}

static void by_stream_init(by_stream *s)
{
    size_t i;

    for (i = 0; i < NSTREAMS; i++) {
        pb_amount_init(&s->credit[i]);
        pb_amount_init(&s->debit[i]);
        pb_amount_set_units(&s->credit[i], 0, 2);
        pb_amount_set_units(&s->debit[i], 0, 2);
    }
    pb_amount_init(&s->total);
    pb_amount_set_units(&s->total, 0, 2);
    s->other = 0;
}

static void by_stream_clear(by_stream *s)
{
    size_t i;

    for (i = 0; i < NSTREAMS; i++) {
        pb_amount_clear(&s->credit[i]);
        pb_amount_clear(&s->debit[i]);
    }
    pb_amount_clear(&s->total);
}

static void test_sample_book__income_and_month6_spend_equal_table_a(
    void **state)
{
    fixture *f = *state;
    pb_balance_query q;
    by_stream income, spent;
    size_t i;

    load_all(f, "bcf-2024-25");
    pbt_assert_clean(f->b);
    by_stream_init(&income);
    by_stream_init(&spent);
    pb_balance_query_init(&q);
    q.to = pb_period_make(2024, 6);
    q.group_by = PB_DIM_STREAM;
    q.account = "Income";
    assert_int_equal(pb_balance_each(f->b, &q, add_row, &income, &f->err),
                     PB_OK);
    q.account = "Expenditure";
    q.from = pb_period_make(2024, 1);
    assert_int_equal(pb_balance_each(f->b, &q, add_row, &spent, &f->err),
                     PB_OK);
    for (i = 0; i < NSTREAMS; i++) {
        /* Income: credits to income accounts; spend: debits to
         * expenditure, P1-P6 (no refunds, so debits are the balance). */
        if (strcmp(pbt_amt(&income.credit[i]), table_a[i].income) != 0)
            fail_msg("%s income %s, not %s", table_a[i].stream,
                     pbt_amt(&income.credit[i]), table_a[i].income);
        pbt_assert_amount(&income.debit[i], "0.00");
        if (strcmp(pbt_amt(&spent.debit[i]), table_a[i].spent) != 0)
            fail_msg("%s spent %s, not %s", table_a[i].stream,
                     pbt_amt(&spent.debit[i]), table_a[i].spent);
        pbt_assert_amount(&spent.credit[i], "0.00");
    }
    assert_int_equal(income.other, 0);
    assert_int_equal(spent.other, 0);
    pbt_assert_amount(&income.total, "-41299045.00");
    pbt_assert_amount(&spent.total, "20399971.00");
    /* Nothing after month 6 changes the picture: the whole book agrees. */
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM entry WHERE period >"
                             " 202406"),
                     0);
    by_stream_clear(&income);
    by_stream_clear(&spent);
}

typedef struct budget_sums {
    pb_amount by_stream[NSTREAMS], virements;
} budget_sums;

static int sum_budget(const pb_budget_row *r, void *ud)
{
    budget_sums *s = ud;
    size_t i;

    pb_amount_add(&s->virements, &s->virements, r->virements);
    for (i = 0; i < NSTREAMS; i++) {
        if (strcmp(r->stream, table_a[i].stream) == 0)
            pb_amount_add(&s->by_stream[i], &s->by_stream[i], r->current);
    }
    return 0;
}

static void test_sample_book__budgets_match_income_stream_by_stream(
    void **state)
{
    fixture *f = *state;
    pb_budget_query q;
    budget_sums s;
    size_t i;

    load_all(f, "bcf-2024-25");
    for (i = 0; i < NSTREAMS; i++) {
        pb_amount_init(&s.by_stream[i]);
        pb_amount_set_units(&s.by_stream[i], 0, 2);
    }
    pb_amount_init(&s.virements);
    pb_budget_query_init(&q);
    q.pool = "BCF";
    q.fy = 2024;
    q.has_as_of = true;
    q.as_of = pbt_date("2024-09-30");
    assert_int_equal(pb_budget_each(f->b, &q, sum_budget, &s, &f->err),
                     PB_OK);
    for (i = 0; i < NSTREAMS; i++)
        pbt_assert_amount(&s.by_stream[i], table_a[i].income);
    pbt_assert_amount(&s.virements, "0.00");
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM virement"), 2);
    for (i = 0; i < NSTREAMS; i++)
        pb_amount_clear(&s.by_stream[i]);
    pb_amount_clear(&s.virements);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. kinds */
        cmocka_unit_test(test_load_kind__names_singulars_suggestions),
        /* 2. every kind, twice */
        T(test_load__every_kind_then_again_unchanged),
        /* 3. headers */
        T(test_load_header__refusals),
        T(test_load_header__any_order_and_case),
        /* 4. bad rows */
        T(test_load_row__errors_located_book_unchanged),
        /* 5. encodings */
        T(test_load_encoding__cp1252_bom_crlf_quotes),
        /* 6. changes */
        T(test_load_master__changes_updated_and_logged),
        T(test_load_budgets__change_becomes_adjustment),
        T(test_load_postings__changed_entry_refused_reversal_reloads),
        T(test_load__dry_run_writes_nothing),
        /* 7. dump */
        T(test_load_dump__round_trips),
        /* 8. the sample book */
        T(test_sample_book__income_and_month6_spend_equal_table_a),
        T(test_sample_book__budgets_match_income_stream_by_stream),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
