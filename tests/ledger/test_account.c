/*
 * test_account.c - ledger/account: the chart of accounts.
 *
 *   1. types: names, parsing, inference from the first segment
 *   2. names: the hierarchy's rules
 *   3. add: duplicates by code or name, malformed input
 *   4. find: by code or name, suggestions
 *   5. close: only at zero, once; listing in name order
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/account.h"
#include "tests/support/support.h"

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);

    f->b = pbt_book_new(&f->path);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    if (pb_book_in_tx(f->b))
        pb_book_rollback(f->b);
    pbt_book_done(f->b, f->path);
    free(f);
    return 0;
}

/* ---- 1. types ------------------------------------------------------------- */

static void test_account_type__names_parse_and_infer(void **state)
{
    pb_account_type t;
    int i;

    (void)state;
    for (i = 0; i < 5; i++) {
        assert_int_equal(pb_account_type_parse(
                             &t, pb_account_type_name((pb_account_type)i),
                             NULL),
                         PB_OK);
        assert_int_equal(t, i);
    }
    assert_int_equal(pb_account_type_parse(&t, "EXPENDITURE", NULL), PB_OK);
    assert_int_equal(t, PB_ACCOUNT_EXPENDITURE);
    assert_int_equal(pb_account_type_parse(&t, "Revenue", NULL), PB_OK);
    assert_int_equal(t, PB_ACCOUNT_INCOME);
    assert_int_equal(pb_account_type_parse(&t, "cash", NULL), PB_EINVAL);
    assert_int_equal(pb_account_type_infer(&t, "Assets:Bank"), PB_OK);
    assert_int_equal(t, PB_ACCOUNT_ASSET);
    assert_int_equal(pb_account_type_infer(&t, "Liabilities:Creditors"),
                     PB_OK);
    assert_int_equal(t, PB_ACCOUNT_LIABILITY);
    assert_int_equal(pb_account_type_infer(&t, "Reserves:General"), PB_OK);
    assert_int_equal(t, PB_ACCOUNT_EQUITY);
    assert_int_equal(pb_account_type_infer(&t, "expenses"), PB_OK);
    assert_int_equal(t, PB_ACCOUNT_EXPENDITURE);
    assert_int_equal(pb_account_type_infer(&t, "Expenditures:Misc"),
                     PB_ENOTFOUND);
    assert_int_equal(pb_account_type_infer(&t, "Bank"), PB_ENOTFOUND);
}

/* ---- 2. names ---------------------------------------------------------------- */

static void test_account_name__hierarchy_rules(void **state)
{
    static const struct {
        const char *name;
        bool ok;
    } cases[] = {
        {"Expenditure:Reablement", true},
        {"Expenditure:Care at home:Night sitting", true},
        {"Assets", true},
        {"", false},
        {":Bank", false},
        {"Assets:", false},
        {"Assets::Bank", false},
        {" Assets:Bank", false},
        {"Assets :Bank", false},
        {"Assets: Bank", false},
        {"Assets:Bank\n", false},
        {"Assets:Ba|nk", false},
        {"Assets:Ba\x7fnk", false},
    };
    char long_name[260];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pb_error err;
        int rc = pb_account_name_check(cases[i].name, &err);

        if ((rc == PB_OK) != cases[i].ok)
            fail_msg("\"%s\": %d", cases[i].name, rc);
    }
    memset(long_name, 'a', 200);
    long_name[200] = '\0';
    assert_int_equal(pb_account_name_check(long_name, NULL), PB_OK);
    long_name[200] = 'a';
    long_name[201] = '\0';
    assert_int_equal(pb_account_name_check(long_name, NULL), PB_EINVAL);
}

/* ---- 3. add ------------------------------------------------------------------- */

static void test_account_add__refuses_duplicates_and_bad_input(void **state)
{
    fixture *f = *state;
    int64_t id = 0, found = 0;

    assert_int_equal(pb_account_add(f->b, "6000", "Expenditure:Other",
                                    PB_ACCOUNT_EXPENDITURE, &id, &f->err),
                     PB_OK);
    assert_true(id > 0);
    assert_int_equal(pb_account_find(f->b, "6000", &found, &f->err), PB_OK);
    assert_int_equal(found, id);
    assert_int_equal(pb_account_add(f->b, "6000", "Expenditure:Else",
                                    PB_ACCOUNT_EXPENDITURE, NULL, &f->err),
                     PB_EEXISTS);
    assert_non_null(strstr(f->err.msg, "account \"6000\" already exists"));
    assert_int_equal(pb_account_add(f->b, "6001", "Expenditure:Other",
                                    PB_ACCOUNT_EXPENDITURE, NULL, &f->err),
                     PB_EEXISTS);
    assert_non_null(strstr(f->err.msg, "named \"Expenditure:Other\""));
    /* A name equal to another account's code would make lookups by
     * "code or name" ambiguous. */
    assert_int_equal(pb_account_add(f->b, "6003", "5000",
                                    PB_ACCOUNT_EXPENDITURE, NULL, &f->err),
                     PB_EEXISTS);
    assert_int_equal(pb_account_add(f->b, "60 00", "Expenditure:X",
                                    PB_ACCOUNT_EXPENDITURE, NULL, &f->err),
                     PB_EINVAL);
    assert_int_equal(pb_account_add(f->b, "", "Expenditure:X",
                                    PB_ACCOUNT_EXPENDITURE, NULL, &f->err),
                     PB_EINVAL);
    assert_int_equal(pb_account_add(f->b, "6002", "Expenditure::X",
                                    PB_ACCOUNT_EXPENDITURE, NULL, &f->err),
                     PB_EINVAL);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM account"), 11);
}

/* ---- 4. find ------------------------------------------------------------------- */

static void test_account_find__by_code_or_name_with_suggestions(void **state)
{
    fixture *f = *state;
    int64_t a = 0, b = 0;

    assert_int_equal(pb_account_find(f->b, "5000", &a, &f->err), PB_OK);
    assert_int_equal(pb_account_find(f->b, "Expenditure:Reablement", &b,
                                     &f->err),
                     PB_OK);
    assert_int_equal(a, b);
    assert_int_equal(pb_account_find(f->b, "Expenditure:Reablment", NULL,
                                     &f->err),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.msg,
                        "unknown account \"Expenditure:Reablment\" (did you "
                        "mean \"Expenditure:Reablement\"?)");
    assert_int_equal(pb_account_find(f->b, "50000", NULL, &f->err),
                     PB_ENOTFOUND);
    assert_non_null(strstr(f->err.msg, "did you mean \"5000\""));
    assert_int_equal(pb_account_find(f->b, "Nothing:Like:It", NULL, &f->err),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.msg, "unknown account \"Nothing:Like:It\"");
    assert_int_equal(pb_account_find(f->b, "5000x", NULL, NULL),
                     PB_ENOTFOUND);
}

/* ---- 5. close and list ------------------------------------------------------------ */

static void test_account_close__only_at_zero_and_once(void **state)
{
    fixture *f = *state;

    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pbt_post_ok(f->b, "2024-05-01 Spend; 5200 12.34; 1000");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_account_close(f->b, "5200", &f->err), PB_EREFUSED);
    assert_string_equal(f->err.msg, "account \"5200\" has a balance of 12.34;"
                                    " it can be closed only at zero");
    assert_int_equal(pb_account_close(f->b, "9999", &f->err), PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "already closed"));
    assert_int_equal(pb_account_close(f->b, "nope", &f->err), PB_ENOTFOUND);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    pbt_post_ok(f->b, "2024-05-02 Refund; 5200 -12.34; 1000");
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    assert_int_equal(pb_account_close(f->b, "Expenditure:Care:Residential",
                                      &f->err),
                     PB_OK);
    assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    assert_int_equal(pbt_int(f->b, "SELECT closed FROM account WHERE code ="
                                   " '5200'"),
                     1);
    assert_int_equal(pbt_post(f->b, "2024-05-03 Again; 5200 1.00; 1000",
                              NULL, &f->err),
                     PB_ECLOSED);
}

typedef struct listing {
    int n;
    char codes[16][8];
    bool closed[16];
} listing;

static int list(const pb_account_info *info, void *ud)
{
    listing *l = ud;

    snprintf(l->codes[l->n], sizeof l->codes[0], "%s", info->code);
    l->closed[l->n] = info->closed;
    l->n++;
    return 0;
}

static void test_account_each__in_name_order(void **state)
{
    static const char *const want[] = {"1000", "1100", "3000", "5100", "5200",
                                       "5000", "4000", "4100", "2000",
                                       "9999"};
    fixture *f = *state;
    listing l;
    int i;

    memset(&l, 0, sizeof l);
    assert_int_equal(pb_account_each(f->b, list, &l, &f->err), PB_OK);
    assert_int_equal(l.n, 10);
    for (i = 0; i < 10; i++) {
        assert_string_equal(l.codes[i], want[i]);
        assert_int_equal(l.closed[i], i == 9);
    }
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. types */
        cmocka_unit_test(test_account_type__names_parse_and_infer),
        /* 2. names */
        cmocka_unit_test(test_account_name__hierarchy_rules),
        /* 3. add */
        T(test_account_add__refuses_duplicates_and_bad_input),
        /* 4. find */
        T(test_account_find__by_code_or_name_with_suggestions),
        /* 5. close and list */
        T(test_account_close__only_at_zero_and_once),
        T(test_account_each__in_name_order),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
