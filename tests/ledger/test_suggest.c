/*
 * test_suggest.c - ledger/suggest: edit distance and "did you mean".
 *
 *   1. distance: the four edits, case, empty strings, long strings, and
 *      a model (plain recursion with memo) on random short words
 *   2. suggestions: the nearest within a third of the word, ties to the
 *      first, nothing when all are far
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/suggest.h"
#include "tests/support/support.h"

/* ---- 1. distance --------------------------------------------------------- */

static void test_suggest_distance__single_edits_cost_one(void **state)
{
    (void)state;
    assert_int_equal(pb_suggest_distance("IBCF", "IBCF"), 0);
    assert_int_equal(pb_suggest_distance("IBCF", "IBC"), 1);   /* delete */
    assert_int_equal(pb_suggest_distance("BCF", "IBCF"), 1);   /* insert */
    assert_int_equal(pb_suggest_distance("IBCF", "IBXF"), 1);  /* replace */
    assert_int_equal(pb_suggest_distance("IBFC", "IBCF"), 1);  /* swap */
    assert_int_equal(pb_suggest_distance("BIFC", "IBCF"), 2);  /* two swaps */
    assert_int_equal(pb_suggest_distance("IBFC", "BCF"), 2);
    assert_int_equal(pb_suggest_distance("kitten", "sitting"), 3);
}

static void test_suggest_distance__ignores_case(void **state)
{
    (void)state;
    assert_int_equal(pb_suggest_distance("ibcf", "IBCF"), 0);
    assert_int_equal(pb_suggest_distance("Expenditure:Reablement",
                                         "expenditure:reablment"),
                     1);
}

static void test_suggest_distance__empty_and_long_strings(void **state)
{
    char a[80], b[80];

    (void)state;
    assert_int_equal(pb_suggest_distance("", ""), 0);
    assert_int_equal(pb_suggest_distance("", "abc"), 3);
    assert_int_equal(pb_suggest_distance("abcd", ""), 4);
    memset(a, 'x', 64);
    a[64] = '\0';
    memcpy(b, a, 65);
    b[0] = 'y';
    assert_int_equal(pb_suggest_distance(a, b), 1); /* 64 bytes: compared */
    a[64] = 'x';
    a[65] = '\0';
    assert_true(pb_suggest_distance(a, a) > 1000); /* 65: "far apart" */
}

/* The same metric (optimal string alignment) by plain recursion. */
static int osa(const char *a, int i, const char *b, int j)
{
    int best, v, cost;

    if (i == 0)
        return j;
    if (j == 0)
        return i;
    cost = a[i - 1] != b[j - 1];
    best = osa(a, i - 1, b, j) + 1;
    if ((v = osa(a, i, b, j - 1) + 1) < best)
        best = v;
    if ((v = osa(a, i - 1, b, j - 1) + cost) < best)
        best = v;
    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
        (v = osa(a, i - 2, b, j - 2) + 1) < best)
        best = v;
    return best;
}

static void test_suggest_distance__matches_a_recursive_model(void **state)
{
    int n;

    (void)state;
    pbt_rng_seed(5);
    for (n = 0; n < 3000; n++) {
        char a[8], b[8];
        int la = (int)pbt_rng_range(0, 6), lb = (int)pbt_rng_range(0, 6), i;

        for (i = 0; i < la; i++)
            a[i] = (char)('a' + pbt_rng() % 3);
        for (i = 0; i < lb; i++)
            b[i] = (char)('a' + pbt_rng() % 3);
        a[la] = b[lb] = '\0';
        if (pb_suggest_distance(a, b) != osa(a, la, b, lb))
            fail_msg("\"%s\" \"%s\": %d, model %d", a, b,
                     pb_suggest_distance(a, b), osa(a, la, b, lb));
        assert_int_equal(pb_suggest_distance(a, b), pb_suggest_distance(b, a));
    }
}

/* ---- 2. suggestions -------------------------------------------------------- */

static void test_suggest_best__nearest_within_a_third(void **state)
{
    pb_suggest s;

    (void)state;
    pb_suggest_init(&s, "IBFC");
    assert_null(pb_suggest_best(&s));
    pb_suggest_add(&s, "BCF");
    pb_suggest_add(&s, "IBCF");
    pb_suggest_add(&s, "DFG");
    assert_string_equal(pb_suggest_best(&s), "IBCF");
    pb_suggest_clear(&s);
    assert_null(pb_suggest_best(&s));
    pb_suggest_clear(&s); /* twice is fine */
    pb_suggest_clear(NULL);
}

static void test_suggest_best__ties_keep_the_first(void **state)
{
    pb_suggest s;

    (void)state;
    pb_suggest_init(&s, "S04");
    pb_suggest_add(&s, "S01");
    pb_suggest_add(&s, "S02");
    pb_suggest_add(&s, "S03");
    assert_string_equal(pb_suggest_best(&s), "S01");
    pb_suggest_clear(&s);
    /* A strictly better later candidate still wins. */
    pb_suggest_init(&s, "COUNCL");
    pb_suggest_add(&s, "COUNTY"); /* 2 */
    pb_suggest_add(&s, "COUNCIL"); /* 1 */
    assert_string_equal(pb_suggest_best(&s), "COUNCIL");
    pb_suggest_clear(&s);
}

static void test_suggest_best__nothing_when_all_are_far(void **state)
{
    pb_suggest s;

    (void)state;
    /* Short words allow one edit. */
    pb_suggest_init(&s, "AB");
    pb_suggest_add(&s, "XY");
    pb_suggest_add(&s, "ABCD");
    assert_null(pb_suggest_best(&s));
    pb_suggest_add(&s, "ABC");
    assert_string_equal(pb_suggest_best(&s), "ABC");
    pb_suggest_clear(&s);
    /* Nine letters allow three. */
    pb_suggest_init(&s, "reablemnt");
    pb_suggest_add(&s, "residential"); /* far */
    assert_null(pb_suggest_best(&s));
    pb_suggest_add(&s, "Reablement");
    assert_string_equal(pb_suggest_best(&s), "Reablement");
    pb_suggest_clear(&s);
    pb_suggest_init(&s, "NHS-ENGLAND");
    pb_suggest_add(&s, "COUNCIL");
    pb_suggest_add(&s, "ICB");
    assert_null(pb_suggest_best(&s));
    pb_suggest_clear(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. distance */
        cmocka_unit_test(test_suggest_distance__single_edits_cost_one),
        cmocka_unit_test(test_suggest_distance__ignores_case),
        cmocka_unit_test(test_suggest_distance__empty_and_long_strings),
        cmocka_unit_test(test_suggest_distance__matches_a_recursive_model),
        /* 2. suggestions */
        cmocka_unit_test(test_suggest_best__nearest_within_a_third),
        cmocka_unit_test(test_suggest_best__ties_keep_the_first),
        cmocka_unit_test(test_suggest_best__nothing_when_all_are_far),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
