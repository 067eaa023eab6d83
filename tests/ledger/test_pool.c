/*
 * test_pool.c - ledger/pool: partners, pools, funding streams, schemes.
 *
 *   1. names: partner kinds and legal bases parse and print
 *   2. risk share: the rule syntax, good and bad
 *   3. puts: add, unchanged, update logged field by field; streams and
 *      schemes never move pool; codes and names checked
 *   4. streams are dimensions: postable at once; unknown codes refused by
 *      the journal with a suggestion
 *   5. find and each: membership of a pool, report order
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/journal.h"
#include "ledger/pool.h"
#include "tests/support/support.h"

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static const pb_partner_def scc = {"SCC", "Southampton City Council",
                                   PB_PARTNER_COUNCIL, "SCC"};
static const pb_partner_def icb = {"ICB2", "NHS Hampshire and Isle of Wight",
                                   PB_PARTNER_ICB, "QRL"};
static const pb_pool_def bcf = {"BCF", "Better Care Fund",
                                PB_BASIS_S75_POOLED, "SCC", "Pool Manager",
                                2024, 2025, "fixed:SCC=50,ICB2=50"};

/* The support chart (accounts, dims BCF/IBCF/DFG, S01.., COUNCIL, ICB)
 * plus partners SCC and ICB2 and pool BCF, in an open transaction. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = pbt_book_new(&f->path);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_partner_put(f->b, &scc, 0, NULL, &f->err), PB_OK);
    assert_int_equal(pb_partner_put(f->b, &icb, 0, NULL, &f->err), PB_OK);
    assert_int_equal(pb_pool_put(f->b, &bcf, 0, NULL, &f->err), PB_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    pb_book_rollback(f->b);
    pbt_book_done(f->b, f->path);
    free(f);
    return 0;
}

/* ---- 1. names ----------------------------------------------------------- */

static void test_pool_names__parse_and_print(void **state)
{
    static const char *const kinds[] = {"council", "icb", "ccg", "nhs-trust",
                                        "other"};
    static const char *const bases[] = {"s75-pooled", "aligned", "s75-other",
                                        "s76", "s256", "single"};
    pb_partner_kind k;
    pb_pool_basis b;
    pb_error err;
    int i;

    (void)state;
    for (i = 0; i < 5; i++) {
        assert_int_equal(pb_partner_kind_parse(&k, kinds[i], NULL), PB_OK);
        assert_int_equal(k, i);
        assert_string_equal(pb_partner_kind_name(k), kinds[i]);
    }
    for (i = 0; i < 6; i++) {
        assert_int_equal(pb_pool_basis_parse(&b, bases[i], NULL), PB_OK);
        assert_string_equal(pb_pool_basis_name(b), bases[i]);
    }
    assert_int_equal(pb_partner_kind_parse(&k, "ICB", NULL), PB_OK);
    assert_int_equal(k, PB_PARTNER_ICB);
    assert_int_equal(pb_partner_kind_parse(&k, "trust", &err), PB_EINVAL);
    assert_string_equal(err.msg, "unknown partner kind \"trust\" (use "
                                 "council, icb, ccg, nhs-trust or other)");
    assert_int_equal(pb_pool_basis_parse(&b, "s75", &err), PB_EINVAL);
}

/* ---- 2. risk share ------------------------------------------------------ */

static void test_risk_share__syntax_table(void **state)
{
    static const struct {
        const char *rule;
        int rc;
        const char *msg; /* a part of the message, or NULL */
    } cases[] = {
        {"", PB_OK, NULL},
        {"pro-rata", PB_OK, NULL},
        {"own", PB_OK, NULL},
        {"host", PB_OK, NULL},
        {"fixed:SCC=50,ICB2=50", PB_OK, NULL},
        {"fixed:SCC=33.33,ICB2=66.67", PB_OK, NULL},
        {"fixed:SCC=100", PB_OK, NULL},
        {"pro-rata-capped:SCC=500000,ICB2=0", PB_OK, NULL},
        {"pro-rata-capped:SCC=1,234.56", PB_EINVAL, "\"234.56\" is not"},
        {"fixed:SCC=50,ICB2=49.99", PB_EINVAL, "add up to 99.99, not 100"},
        {"fixed:SCC=50,SCC=50", PB_EINVAL, "named twice"},
        {"fixed:SCC=0,ICB2=100", PB_EINVAL, "must be above zero"},
        {"fixed:SCC=-50,ICB2=150", PB_EINVAL, "must be above zero"},
        {"fixed:SCX=50,ICB2=50", PB_ENOTFOUND, "did you mean \"SCC\""},
        {"fixed:", PB_EINVAL, "name each partner"},
        {"fixed:SCC", PB_EINVAL, "is not PARTNER=PERCENT"},
        {"fixed:SCC=fifty,ICB2=50", PB_EINVAL, "risk share"},
        {"pro-rata-capped:SCC=-1", PB_EINVAL, "zero or more"},
        {"prorata", PB_EINVAL, "unknown risk share"},
        {"50/50", PB_EINVAL, "unknown risk share"},
    };
    fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc;

        pb_error_clear(&f->err);
        rc = pb_risk_share_check(f->b, cases[i].rule, &f->err);
        if (rc != cases[i].rc)
            fail_msg("\"%s\": %d, not %d (%s)", cases[i].rule, rc,
                     cases[i].rc, f->err.msg);
        if (cases[i].msg != NULL && strstr(f->err.msg, cases[i].msg) == NULL)
            fail_msg("\"%s\": message \"%s\" lacks \"%s\"", cases[i].rule,
                     f->err.msg, cases[i].msg);
    }
}

/* ---- 3. puts ------------------------------------------------------------ */

static void test_partner_put__add_unchanged_update_logged(void **state)
{
    fixture *f = *state;
    pb_partner_def d = {"ICB3", "An ICB", PB_PARTNER_ICB, ""};
    pb_put_result r;

    assert_int_equal(pb_partner_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    assert_int_equal(pb_partner_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_UNCHANGED);
    d.name = "Another ICB";
    d.ledger_code = "QXX";
    assert_int_equal(pb_partner_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_UPDATED);
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM master_log WHERE key ="
                             " 'ICB3'"),
                     3); /* added; name; ledger_code */
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM master_log WHERE key ="
                             " 'ICB3' AND field = 'name' AND old_value ="
                             " 'An ICB' AND new_value = 'Another ICB'"),
                     1);
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM dim WHERE kind ="
                             " 'partner' AND code = 'ICB3' AND name ="
                             " 'Another ICB'"),
                     1);
    d.code = "bad code";
    assert_int_equal(pb_partner_put(f->b, &d, 0, &r, &f->err), PB_EINVAL);
    assert_string_equal(f->err.field, "code");
}

static void test_partner_put__a_dim_partner_gains_its_attributes(void **state)
{
    fixture *f = *state;
    pb_partner_def d = {"COUNCIL", "County Council", PB_PARTNER_COUNCIL, ""};
    pb_put_result r;

    /* COUNCIL is a dim of the support chart, with no partner row yet. */
    assert_int_equal(pb_partner_find(f->b, "COUNCIL", NULL, &f->err),
                     PB_ENOTFOUND);
    assert_int_equal(pb_partner_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    assert_int_equal(pb_partner_find(f->b, "COUNCIL", NULL, &f->err), PB_OK);
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM dim WHERE code ="
                             " 'COUNCIL'"),
                     1);
}

static void test_pool_put__checks_and_updates(void **state)
{
    fixture *f = *state;
    pb_pool_def d = bcf;
    pb_put_result r;

    assert_int_equal(pb_pool_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_UNCHANGED);
    d.last_fy = 2026;
    d.risk_share = "own";
    assert_int_equal(pb_pool_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_UPDATED);
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM master_log WHERE kind ="
                             " 'pool' AND field = 'last_fy' AND old_value ="
                             " '2025-26' AND new_value = '2026-27'"),
                     1);
    d.host = "SCX";
    assert_int_equal(pb_pool_put(f->b, &d, 0, &r, &f->err), PB_ENOTFOUND);
    assert_string_equal(f->err.msg,
                        "unknown partner \"SCX\" (did you mean \"SCC\"?)");
    assert_string_equal(f->err.field, "host");
    d.host = "SCC";
    d.last_fy = 2023;
    assert_int_equal(pb_pool_put(f->b, &d, 0, &r, &f->err), PB_EINVAL);
    assert_string_equal(f->err.field, "last_fy");
    d.last_fy = 0;
    d.risk_share = "fixed:SCC=60,ICB2=60";
    assert_int_equal(pb_pool_put(f->b, &d, 0, &r, &f->err), PB_EINVAL);
    assert_string_equal(f->err.field, "risk_share");
    assert_int_equal(pbt_int(f->b,
                             "SELECT risk_share = 'own' FROM pool WHERE"
                             " code = 'BCF'"),
                     1);
}

static void test_stream_put__update_logged_and_never_moves_pool(void **state)
{
    fixture *f = *state;
    pb_stream_def s = {"MIN-NHS", "Minimum NHS Contribution", "BCF", "ICB2",
                       false, false, false, 2};
    pb_pool_def other = {"LD", "Learning disability", PB_BASIS_S75_OTHER,
                         "ICB2", "", 2024, 0, "own"};
    pb_put_result r;

    assert_int_equal(pb_stream_put(f->b, &s, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    s.ring_fenced = true;
    s.order = 5;
    assert_int_equal(pb_stream_put(f->b, &s, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_UPDATED);
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM master_log WHERE kind ="
                             " 'stream' AND ((field = 'ring_fenced' AND"
                             " old_value = 'no' AND new_value = 'yes') OR"
                             " (field = 'order' AND old_value = '2' AND"
                             " new_value = '5'))"),
                     2);
    assert_int_equal(pb_pool_put(f->b, &other, 0, NULL, &f->err), PB_OK);
    s.pool = "LD";
    assert_int_equal(pb_stream_put(f->b, &s, 0, &r, &f->err), PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "belongs to pool BCF"));
    assert_string_equal(f->err.field, "pool");
    s.pool = "BFC";
    assert_int_equal(pb_stream_put(f->b, &s, 0, &r, &f->err), PB_ENOTFOUND);
    assert_string_equal(f->err.msg,
                        "unknown pool \"BFC\" (did you mean \"BCF\"?)");
    s.pool = "BCF";
    s.name = "";
    assert_int_equal(pb_stream_put(f->b, &s, 0, &r, &f->err), PB_EINVAL);
    assert_string_equal(f->err.field, "name");
}

/* ---- 4. streams are dimensions ----------------------------------------- */

static void test_stream_put__postable_at_once_and_typos_refused(void **state)
{
    fixture *f = *state;
    pb_stream_def s = {"LA-DISCH", "Local Authority Discharge Funding", "BCF",
                       "SCC", false, true, false, 6};
    pb_scheme_def sc = {"DISCH", "Discharge schemes", "BCF", "SCC", "", true,
                        "Hospital Discharge", 1};

    assert_int_equal(pb_stream_put(f->b, &s, 0, NULL, &f->err), PB_OK);
    assert_int_equal(pb_scheme_put(f->b, &sc, 0, NULL, &f->err), PB_OK);
    pbt_post_ok(f->b, "2024-05-31 Bridging care; 5000 250.00 stream=LA-DISCH"
                      " scheme=DISCH partner=SCC; 2000");
    assert_int_equal(pbt_post(f->b,
                              "2024-05-31 Typo; 5000 1.00 stream=LA-DICSH;"
                              " 2000",
                              NULL, &f->err),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.msg, "unknown funding stream \"LA-DICSH\" (did "
                                    "you mean \"LA-DISCH\"?)");
}

/* ---- 5. find and each --------------------------------------------------- */

typedef struct seen {
    char codes[256];
} seen;

static int stream_code(const pb_stream_info *s, void *ud)
{
    seen *x = ud;

    strcat(x->codes, s->code);
    strcat(x->codes, " ");
    return 0;
}

static int scheme_code(const pb_scheme_info *s, void *ud)
{
    seen *x = ud;

    strcat(x->codes, s->code);
    strcat(x->codes, s->pooled ? "+ " : "- ");
    return 0;
}

static void test_each__report_order_and_pool_membership(void **state)
{
    static const pb_stream_def streams[] = {
        {"ICB-DISCH", "ICB Discharge", "BCF", "ICB2", false, true, false, 7},
        {"DFG", "Disabled Facilities Grant", "BCF", "SCC", true, true, true,
         1},
        {"IBCF", "iBCF", "BCF", "SCC", false, true, false, 3},
    };
    pb_pool_def other = {"LD", "Learning disability", PB_BASIS_S75_OTHER,
                         "ICB2", "", 2024, 0, "own"};
    pb_scheme_def sc1 = {"LD-CARE", "LD care", "LD", "ICB2", "", false, "", 1};
    pb_scheme_def sc2 = {"CARERS", "Carers", "BCF", "SCC", "", true, "", 2};
    fixture *f = *state;
    seen x;
    int64_t id, pool;
    size_t i;

    for (i = 0; i < 3; i++)
        assert_int_equal(pb_stream_put(f->b, &streams[i], 0, NULL,
                                       NULL),
                         PB_OK);
    assert_int_equal(pb_pool_put(f->b, &other, 0, NULL, NULL), PB_OK);
    assert_int_equal(pb_scheme_put(f->b, &sc1, 0, NULL, NULL), PB_OK);
    assert_int_equal(pb_scheme_put(f->b, &sc2, 0, NULL, NULL), PB_OK);
    memset(&x, 0, sizeof x);
    assert_int_equal(pb_stream_each(f->b, "BCF", stream_code, &x, NULL),
                     PB_OK);
    assert_string_equal(x.codes, "DFG IBCF ICB-DISCH ");
    memset(&x, 0, sizeof x);
    assert_int_equal(pb_scheme_each(f->b, NULL, scheme_code, &x, NULL),
                     PB_OK);
    assert_string_equal(x.codes, "CARERS+ LD-CARE- ");
    assert_int_equal(pb_stream_each(f->b, "NOPE", stream_code, &x,
                                    NULL),
                     PB_ENOTFOUND);
    assert_int_equal(pb_pool_find(f->b, "LD", &pool, NULL), PB_OK);
    assert_int_equal(pb_scheme_find(f->b, "LD-CARE", pool, &id, NULL),
                     PB_OK);
    assert_int_equal(pb_scheme_find(f->b, "CARERS", pool, &id, NULL),
                     PB_ENOTFOUND);
    assert_int_equal(pb_scheme_find(f->b, "CARERS", 0, &id, NULL),
                     PB_OK);
    /* S01 is a dim of the support chart that no pool declared. */
    assert_int_equal(pb_scheme_find(f->b, "S01", 0, &id, NULL),
                     PB_ENOTFOUND);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. names */
        cmocka_unit_test(test_pool_names__parse_and_print),
        /* 2. risk share */
        T(test_risk_share__syntax_table),
        /* 3. puts */
        T(test_partner_put__add_unchanged_update_logged),
        T(test_partner_put__a_dim_partner_gains_its_attributes),
        T(test_pool_put__checks_and_updates),
        T(test_stream_put__update_logged_and_never_moves_pool),
        /* 4. streams are dimensions */
        T(test_stream_put__postable_at_once_and_typos_refused),
        /* 5. find and each */
        T(test_each__report_order_and_pool_membership),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
