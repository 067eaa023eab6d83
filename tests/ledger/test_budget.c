/*
 * test_budget.c - ledger/profile and ledger/budget: monthly spreads,
 * versioned budgets, virements, contributions and outturns.
 *
 *   1. profiles: flat and weighted spreads of awkward amounts sum exactly,
 *      each month within a penny of its exact share (and a randomised
 *      check against exact rational shares); named profiles
 *   2. budgets: original, unchanged, adjustment, never back in time
 *   3. virements: current = original + adjustments + virements for every
 *      line; unbalanced refused; "as at" before a virement shows the old
 *      budget; idempotent by ref
 *   4. contributions and outturns
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/budget.h"
#include "ledger/pool.h"
#include "ledger/profile.h"
#include "tests/support/support.h"

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

/* Two partners; pool TEST (2024-25..2025-26) with streams MIN-NHS and
 * IBCF and schemes CARERS and REABLE; pool OTHER with scheme ELSEWHERE. */
static int setup(void **state)
{
    static const pb_partner_def partners[] = {
        {"SCC", "Southampton City Council", PB_PARTNER_COUNCIL, "SCC"},
        {"ICB", "NHS Hampshire and Isle of Wight ICB", PB_PARTNER_ICB, "QRL"},
    };
    static const pb_pool_def pools[] = {
        {"TEST", "Test pool", PB_BASIS_S75_POOLED, "SCC", "M", 2024, 2025,
         "pro-rata"},
        {"OTHER", "Other pool", PB_BASIS_S256, "ICB", "", 2024, 0, ""},
    };
    static const pb_stream_def streams[] = {
        {"MIN-NHS", "Minimum NHS Contribution", "TEST", "ICB", false, false,
         false, 1},
        {"IBCF", "Improved Better Care Fund", "TEST", "SCC", false, true,
         false, 2},
    };
    static const pb_scheme_def schemes[] = {
        {"CARERS", "Carers", "TEST", "SCC", "", true, "Community", 1},
        {"REABLE", "Reablement", "TEST", "ICB", "", true, "Discharge", 2},
        {"ELSEWHERE", "Elsewhere", "OTHER", "ICB", "", true, "", 1},
    };
    fixture *f = calloc(1, sizeof *f);
    size_t i;

    f->b = pbt_book_new(&f->path);
    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    for (i = 0; i < 2; i++)
        assert_int_equal(pb_partner_put(f->b, &partners[i], 0, NULL, &f->err),
                         PB_OK);
    for (i = 0; i < 2; i++)
        assert_int_equal(pb_pool_put(f->b, &pools[i], 0, NULL, &f->err),
                         PB_OK);
    for (i = 0; i < 2; i++)
        assert_int_equal(pb_stream_put(f->b, &streams[i], 0, NULL, &f->err),
                         PB_OK);
    for (i = 0; i < 3; i++)
        assert_int_equal(pb_scheme_put(f->b, &schemes[i], 0, NULL, &f->err),
                         PB_OK);
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

typedef struct months {
    pb_amount m[PB_MONTHS];
} months;

static void months_init(months *x)
{
    int i;

    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_init(&x->m[i]);
}

static void months_clear(months *x)
{
    int i;

    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_clear(&x->m[i]);
}

static int64_t pence(const pb_amount *a)
{
    int64_t p = 0;

    assert_int_equal(pb_amount_get_units(a, 2, &p, NULL), PB_OK);
    return p;
}

/*
 * Checks a spread against its exact definition: the parts sum to the
 * total, and each part differs from the exact share total * w / W by less
 * than a penny: |part * W - total * w| < W, all in pence, exactly (the
 * tests keep |total| <= 5e9 pence and W <= 1.2e6, so every product fits in
 * 64 bits).
 */
static void assert_spread(const months *x, int64_t total, const int64_t *w,
                          int first)
{
    int64_t W = 0, sum = 0;
    int i;

    for (i = first - 1; i < PB_MONTHS; i++)
        W += w[i];
    assert_true(W > 0 && W <= 1200000 && total <= 5000000000LL &&
                total >= -5000000000LL);
    for (i = 0; i < PB_MONTHS; i++) {
        int64_t part = pence(&x->m[i]);
        int64_t exact = total * (i + 1 < first ? 0 : w[i]);
        int64_t diff = part * W - exact;

        if (diff < 0)
            diff = -diff;
        if (i + 1 < first)
            assert_true(part == 0);
        if (!(diff < W))
            fail_msg("month %d: %lld is not within a penny of %lld * %lld "
                     "/ %lld",
                     i + 1, (long long)part, (long long)total,
                     (long long)w[i], (long long)W);
        sum += part;
    }
    assert_true(sum == total);
}

/* ---- 1. profiles -------------------------------------------------------- */

static void test_profile_spread__flat_1000000_01_sums_exactly(void **state)
{
    static const int64_t ones[PB_MONTHS] = {1, 1, 1, 1, 1, 1,
                                            1, 1, 1, 1, 1, 1};
    pb_amount annual;
    months x;
    int i;

    (void)state;
    pb_amount_init(&annual);
    months_init(&x);
    pbt_amount_set(&annual, "1000000.01");
    assert_int_equal(pb_profile_spread(x.m, &annual, NULL, 1, NULL), PB_OK);
    assert_spread(&x, 100000001, ones, 1);
    /* 100000001 = 12 x 8333333 + 5: the five pennies go to P1..P5 (equal
     * remainders, ties to the earlier month). */
    for (i = 0; i < PB_MONTHS; i++)
        pbt_assert_amount(&x.m[i], i < 5 ? "83333.34" : "83333.33");
    months_clear(&x);
    pb_amount_clear(&annual);
}

static void test_profile_spread__flat_10704789_is_892065_75_a_month(
    void **state)
{
    static const int64_t ones[PB_MONTHS] = {1, 1, 1, 1, 1, 1,
                                            1, 1, 1, 1, 1, 1};
    pb_amount annual;
    months x;
    int i;

    (void)state;
    pb_amount_init(&annual);
    months_init(&x);
    pbt_amount_set(&annual, "10704789");
    assert_int_equal(pb_profile_spread(x.m, &annual, NULL, 1, NULL), PB_OK);
    assert_spread(&x, 1070478900, ones, 1);
    for (i = 0; i < PB_MONTHS; i++)
        pbt_assert_amount(&x.m[i], "892065.75");
    /* ... and negative (an income budget) mirrors it. */
    pbt_amount_set(&annual, "-10704789.01");
    assert_int_equal(pb_profile_spread(x.m, &annual, NULL, 1, NULL), PB_OK);
    pbt_assert_amount(&x.m[0], "-892065.76");
    pbt_assert_amount(&x.m[1], "-892065.75");
    months_clear(&x);
    pb_amount_clear(&annual);
}

static void test_profile_spread__weighted_awkward_amount(void **state)
{
    /* Winter weights 1 1 1 1 1 1 1.5 1.5 2 2 1.5 1 = x2: 2 ... 4 ... */
    static const char *const wt[PB_MONTHS] = {"1", "1", "1",   "1",
                                              "1", "1", "1.5", "1.5",
                                              "2", "2", "1.5", "1"};
    static const int64_t w2[PB_MONTHS] = {2, 2, 2, 2, 2, 2, 3, 3, 4, 4, 3, 2};
    months x, w;
    pb_amount annual;
    int i;

    (void)state;
    pb_amount_init(&annual);
    months_init(&x);
    months_init(&w);
    for (i = 0; i < PB_MONTHS; i++)
        pbt_amount_set(&w.m[i], wt[i]);
    pbt_amount_set(&annual, "1000000.01");
    assert_int_equal(pb_profile_spread(x.m, &annual, w.m, 1, NULL), PB_OK);
    assert_spread(&x, 100000001, w2, 1);
    /* 100000001 x 2 / 31 = 6451612.96...: P1 rounds up, to 64,516.13 */
    pbt_assert_amount(&x.m[0], "64516.13");
    months_clear(&x);
    months_clear(&w);
    pb_amount_clear(&annual);
}

static void test_profile_spread__random_against_exact_shares(void **state)
{
    months x, w;
    pb_amount annual;
    int64_t wi[PB_MONTHS], total;
    int i, n, first;

    (void)state;
    pb_amount_init(&annual);
    months_init(&x);
    months_init(&w);
    pbt_rng_seed(20240930);
    for (n = 0; n < 3000; n++) {
        int any = 0;

        total = pbt_rng_range(-5000000000LL, 5000000000LL);
        first = (int)pbt_rng_range(1, 12);
        for (i = 0; i < PB_MONTHS; i++) {
            wi[i] = pbt_rng_range(0, 4) == 0 ? 0 : pbt_rng_range(0, 100000);
            any = any || (i + 1 >= first && wi[i] > 0);
            pb_amount_set_units(&w.m[i], wi[i], 0);
        }
        if (!any) {
            wi[PB_MONTHS - 1] = 7;
            pb_amount_set_units(&w.m[PB_MONTHS - 1], 7, 0);
        }
        pb_amount_set_units(&annual, total, 2);
        assert_int_equal(pb_profile_spread(x.m, &annual, w.m, first, NULL),
                         PB_OK);
        assert_spread(&x, total, wi, first);
    }
    months_clear(&x);
    months_clear(&w);
    pb_amount_clear(&annual);
}

static void test_profile_spread__from_p7_leaves_earlier_months_empty(
    void **state)
{
    static const int64_t ones[PB_MONTHS] = {1, 1, 1, 1, 1, 1,
                                            1, 1, 1, 1, 1, 1};
    pb_amount annual;
    months x;

    (void)state;
    pb_amount_init(&annual);
    months_init(&x);
    pbt_amount_set(&annual, "-150000");
    assert_int_equal(pb_profile_spread(x.m, &annual, NULL, 7, NULL), PB_OK);
    assert_spread(&x, -15000000, ones, 7);
    pbt_assert_amount(&x.m[5], "0.00");
    pbt_assert_amount(&x.m[6], "-25000.00");
    months_clear(&x);
    pb_amount_clear(&annual);
}

static void test_profile_spread__refusals(void **state)
{
    months x, w;
    pb_amount annual;
    pb_error err;
    int i;

    (void)state;
    pb_amount_init(&annual);
    months_init(&x);
    months_init(&w);
    pbt_amount_set(&annual, "100");
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_set_units(&w.m[i], i < 6 ? 1 : 0, 0);
    assert_int_equal(pb_profile_spread(x.m, &annual, w.m, 7, &err),
                     PB_EINVAL);
    assert_string_equal(err.msg, "the profile has no weight from P7 on");
    pb_amount_set_units(&w.m[3], -1, 0);
    assert_int_equal(pb_profile_spread(x.m, &annual, w.m, 1, &err),
                     PB_EINVAL);
    assert_string_equal(err.msg, "the weight of P4 is negative");
    pbt_amount_set(&annual, "100.001");
    assert_int_equal(pb_profile_spread(x.m, &annual, NULL, 1, &err),
                     PB_EINVAL);
    months_clear(&x);
    months_clear(&w);
    pb_amount_clear(&annual);
}

static void test_profile_check_sum__names_the_difference(void **state)
{
    months x;
    pb_amount annual;
    pb_error err;
    int i;

    (void)state;
    pb_amount_init(&annual);
    months_init(&x);
    for (i = 0; i < PB_MONTHS; i++)
        pbt_amount_set(&x.m[i], "83333.33");
    pbt_amount_set(&annual, "1000000.01");
    assert_int_equal(pb_profile_check_sum(x.m, &annual, &err), PB_EINVAL);
    assert_string_equal(err.msg, "the months add up to 999,999.96, not the "
                                 "annual 1,000,000.01 (short by 0.05)");
    pbt_amount_set(&annual, "999999.96");
    assert_int_equal(pb_profile_check_sum(x.m, &annual, NULL), PB_OK);
    months_clear(&x);
    pb_amount_clear(&annual);
}

static void test_profile_put__get_back_exactly_and_flat_is_built_in(
    void **state)
{
    fixture *f = *state;
    pb_profile_def d = {"WINTER", "heavier in winter", NULL};
    pb_put_result r;
    months w, got;
    int i;

    months_init(&w);
    months_init(&got);
    for (i = 0; i < PB_MONTHS; i++)
        pbt_amount_set(&w.m[i], i < 6 ? "0.0833333333333" : "1.25");
    d.weights = w.m;
    assert_int_equal(pb_profile_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    assert_int_equal(pb_profile_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_UNCHANGED);
    assert_int_equal(pb_profile_get(f->b, "WINTER", got.m, &f->err), PB_OK);
    pbt_assert_amount(&got.m[0], "0.0833333333333");
    pbt_assert_amount(&got.m[11], "1.25");
    assert_int_equal(pb_profile_get(f->b, "flat", got.m, &f->err), PB_OK);
    pbt_assert_amount(&got.m[4], "1.00");
    assert_int_equal(pb_profile_get(f->b, "WINTR", got.m, &f->err),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.msg,
                        "unknown profile \"WINTR\" (did you mean "
                        "\"WINTER\"?)");
    d.name = "flat";
    assert_int_equal(pb_profile_put(f->b, &d, 0, &r, &f->err), PB_EINVAL);
    months_clear(&w);
    months_clear(&got);
}

/* ---- 2. budgets --------------------------------------------------------- */

static const pb_budget_key carers_nhs = {"TEST", 2024, "CARERS", "MIN-NHS",
                                         "ICB"};
static const pb_budget_key reable_nhs = {"TEST", 2024, "REABLE", "MIN-NHS",
                                         "ICB"};
static const pb_budget_key reable_ibcf = {"TEST", 2024, "REABLE", "IBCF",
                                          "SCC"};

/* Sets a line's base budget from `effective` (flat unless months). */
static int set_budget(fixture *f, const pb_budget_key *k, const char *eff,
                      const char *amount, const months *m,
                      pb_put_result *r)
{
    pb_budget_def d;
    pb_amount a;
    int rc;

    memset(&d, 0, sizeof d);
    pb_amount_init(&a);
    pbt_amount_set(&a, amount);
    d.key = *k;
    d.effective = pbt_date(eff);
    d.amount = &a;
    d.months = m != NULL ? m->m : NULL;
    rc = pb_budget_set(f->b, &d, 0, r, &f->err);
    pb_amount_clear(&a);
    return rc;
}

static void test_budget_set__first_is_original_then_unchanged(void **state)
{
    fixture *f = *state;
    pb_put_result r;
    months m;
    pb_amount original, current;
    int64_t line;

    months_init(&m);
    pb_amount_init(&original);
    pb_amount_init(&current);
    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1000000.01",
                                NULL, &r),
                     PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1000000.01",
                                NULL, &r),
                     PB_OK);
    assert_int_equal(r, PB_PUT_UNCHANGED);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM budget_change"), 1);
    assert_int_equal(pb_budget_line_find(f->b, &carers_nhs, &line, &f->err),
                     PB_OK);
    assert_int_equal(pb_budget_line_amounts(f->b, line, NULL, &original,
                                            &current, m.m, &f->err),
                     PB_OK);
    pbt_assert_amount(&original, "1000000.01");
    pbt_assert_amount(&current, "1000000.01");
    pbt_assert_amount(&m.m[4], "83333.34");
    pbt_assert_amount(&m.m[5], "83333.33");
    /* An income budget: negative. */
    assert_int_equal(set_budget(f, &reable_ibcf, "2024-04-01", "-15.28", NULL,
                                &r),
                     PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    months_clear(&m);
    pb_amount_clear(&original);
    pb_amount_clear(&current);
}

static void test_budget_set__later_change_is_an_adjustment(void **state)
{
    fixture *f = *state;
    pb_put_result r;
    pb_amount original, current;
    months m;
    int64_t line;

    months_init(&m);
    pb_amount_init(&original);
    pb_amount_init(&current);
    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1200", NULL,
                                &r),
                     PB_OK);
    assert_int_equal(set_budget(f, &carers_nhs, "2024-10-01", "1320", NULL,
                                &r),
                     PB_OK);
    assert_int_equal(r, PB_PUT_UPDATED);
    assert_int_equal(pbt_int(f->b,
                             "SELECT amount FROM budget_change WHERE kind ="
                             " 'adjustment'"),
                     12000);
    assert_int_equal(pb_budget_line_find(f->b, &carers_nhs, &line, &f->err),
                     PB_OK);
    assert_int_equal(pb_budget_line_amounts(f->b, line, NULL, &original,
                                            &current, m.m, &f->err),
                     PB_OK);
    pbt_assert_amount(&original, "1200.00");
    pbt_assert_amount(&current, "1320.00");
    pbt_assert_amount(&m.m[0], "110.00"); /* the line's new flat profile */
    /* The old file again: as at its date the budget was 1200: nothing. */
    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1200", NULL,
                                &r),
                     PB_OK);
    assert_int_equal(r, PB_PUT_UNCHANGED);
    months_clear(&m);
    pb_amount_clear(&original);
    pb_amount_clear(&current);
}

static void test_budget_set__never_rewritten_back_in_time(void **state)
{
    fixture *f = *state;
    pb_put_result r;

    assert_int_equal(set_budget(f, &carers_nhs, "2024-06-01", "1200", NULL,
                                &r),
                     PB_OK);
    assert_int_equal(set_budget(f, &carers_nhs, "2024-06-01", "1300", NULL,
                                &r),
                     PB_EREFUSED);
    assert_string_equal(f->err.field, "effective");
    assert_int_equal(set_budget(f, &carers_nhs, "2024-05-01", "1300", NULL,
                                &r),
                     PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "last set from 2024-06-01"));
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM budget_change"), 1);
}

/* Pence are int64: a change from near the most negative budget to near the
 * most positive does not fit, and is refused rather than wrapped. */
static void test_budget_set__change_too_large_is_refused(void **state)
{
    fixture *f = *state;
    pb_put_result r;

    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01",
                                "-90000000000000000.00", NULL, &r),
                     PB_OK);
    assert_int_equal(set_budget(f, &carers_nhs, "2024-10-01",
                                "90000000000000000.00", NULL, &r),
                     PB_ERANGE);
    assert_non_null(strstr(f->err.msg, "too large to store"));
    assert_string_equal(f->err.field, "amount");
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM budget_change"), 1);
}

static void test_budget_set__months_must_sum_to_the_amount(void **state)
{
    fixture *f = *state;
    pb_put_result r;
    months m;
    int i;

    months_init(&m);
    for (i = 0; i < PB_MONTHS; i++)
        pbt_amount_set(&m.m[i], "100");
    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1200.01", &m,
                                &r),
                     PB_EINVAL);
    assert_string_equal(f->err.field, "amount");
    assert_string_equal(f->err.msg, "the months add up to 1,200.00, not the "
                                    "annual 1,200.01 (short by 0.01)");
    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1200", &m, &r),
                     PB_OK);
    assert_int_equal(pbt_int(f->b, "SELECT m07 FROM budget_change"), 10000);
    months_clear(&m);
}

static void test_budget_set__key_refusals(void **state)
{
    fixture *f = *state;
    pb_budget_key k = carers_nhs;
    pb_put_result r;

    k.fy = 2026;
    assert_int_equal(set_budget(f, &k, "2026-04-01", "1", NULL, &r),
                     PB_EINVAL);
    assert_string_equal(f->err.msg, "pool TEST covers 2024-25 to 2025-26, "
                                    "not 2026-27");
    assert_string_equal(f->err.field, "fy");
    k = carers_nhs;
    k.scheme = "ELSEWHERE";
    assert_int_equal(set_budget(f, &k, "2024-04-01", "1", NULL, &r),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.msg, "scheme \"ELSEWHERE\" belongs to pool "
                                    "OTHER, not this one");
    k = carers_nhs;
    k.stream = "MIN-NSH";
    assert_int_equal(set_budget(f, &k, "2024-04-01", "1", NULL, &r),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.msg, "unknown funding stream \"MIN-NSH\" (did "
                                    "you mean \"MIN-NHS\"?)");
    assert_string_equal(f->err.field, "stream");
    k = carers_nhs;
    k.stream = "BCF"; /* a dim of the support chart, not of a pool */
    assert_int_equal(set_budget(f, &k, "2024-04-01", "1", NULL, &r),
                     PB_ENOTFOUND);
    assert_non_null(strstr(f->err.msg, "not part of any pool"));
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM budget_line"), 0);
}

static void test_budget_change__database_refuses_update_and_delete(
    void **state)
{
    fixture *f = *state;
    pb_put_result r;

    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1200", NULL,
                                &r),
                     PB_OK);
    assert_int_equal(pb_book_exec(f->b, "UPDATE budget_change SET amount = 1",
                                  &f->err),
                     PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "budgets cannot be changed"));
    assert_int_equal(pb_book_exec(f->b, "DELETE FROM budget_change", &f->err),
                     PB_EREFUSED);
    assert_int_equal(pb_book_exec(f->b, "UPDATE budget_change SET m01 = m01"
                                        " + 1, amount = amount",
                                  &f->err),
                     PB_EREFUSED);
}

/* ---- 3. virements ------------------------------------------------------- */

static int add_virement(fixture *f, const char *ref, const char *date,
                        const char *out_amount, const char *in_amount,
                        pb_put_result *r, size_t *bad)
{
    pb_amount a1, a2;
    pb_virement_leg legs[2];
    pb_virement_def d;
    int rc;

    pb_amount_init(&a1);
    pb_amount_init(&a2);
    pbt_amount_set(&a1, out_amount);
    pbt_amount_set(&a2, in_amount);
    memset(legs, 0, sizeof legs);
    legs[0].key = carers_nhs;
    legs[0].amount = &a1;
    legs[1].key = reable_nhs;
    legs[1].amount = &a2;
    d.ref = ref;
    d.date = pbt_date(date);
    d.reason = "move carers slippage to reablement";
    d.approval = "Board 2024-07-10";
    d.legs = legs;
    d.nlegs = 2;
    rc = pb_virement_add(f->b, &d, 0, r, bad, &f->err);
    pb_amount_clear(&a1);
    pb_amount_clear(&a2);
    return rc;
}

typedef struct sums {
    int lines;
    pb_amount total;
} sums;

/* Every line: current = original + adjustments + virements, and the
 * months add up to current. */
static int check_line(const pb_budget_row *row, void *ud)
{
    sums *s = ud;
    pb_amount x;
    int i;

    pb_amount_init(&x);
    pb_amount_add(&x, row->original, row->adjustments);
    pb_amount_add(&x, &x, row->virements);
    assert_int_equal(pb_amount_cmp(&x, row->current), 0);
    pb_amount_set_zero(&x);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_add(&x, &x, &row->months[i]);
    assert_int_equal(pb_amount_cmp(&x, row->current), 0);
    pb_amount_add(&s->total, &s->total, row->current);
    s->lines++;
    pb_amount_clear(&x);
    return 0;
}

static void test_virement__current_is_original_plus_virements(void **state)
{
    fixture *f = *state;
    pb_budget_query q;
    pb_put_result r;
    sums s = {0, {{{0}}, 0}};
    size_t bad;

    pb_amount_init(&s.total);
    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1000000.01",
                                NULL, &r),
                     PB_OK);
    assert_int_equal(set_budget(f, &reable_nhs, "2024-04-01", "500000", NULL,
                                &r),
                     PB_OK);
    assert_int_equal(set_budget(f, &reable_ibcf, "2024-04-01", "10704789",
                                NULL, &r),
                     PB_OK);
    assert_int_equal(set_budget(f, &carers_nhs, "2024-09-01", "999000.01",
                                NULL, &r),
                     PB_OK);
    assert_int_equal(add_virement(f, "V1", "2024-07-15", "-60000", "60000",
                                  &r, &bad),
                     PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    pb_budget_query_init(&q);
    q.pool = "TEST";
    q.fy = 2024;
    assert_int_equal(pb_budget_each(f->b, &q, check_line, &s, &f->err),
                     PB_OK);
    assert_int_equal(s.lines, 3);
    pbt_assert_amount(&s.total, "12203789.01");
    /* The virement's legs: flat over P4 (July) to P12. */
    assert_int_equal(pbt_int(f->b,
                             "SELECT m03 FROM budget_change WHERE kind ="
                             " 'virement' AND amount < 0"),
                     0);
    assert_int_equal(pbt_int(f->b,
                             "SELECT m04 FROM budget_change WHERE kind ="
                             " 'virement' AND amount < 0"),
                     -666667);
    pb_amount_clear(&s.total);
}

static void test_virement__unbalanced_is_refused(void **state)
{
    fixture *f = *state;
    pb_put_result r;
    size_t bad = 99;

    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1000", NULL,
                                &r),
                     PB_OK);
    assert_int_equal(add_virement(f, "V2", "2024-07-15", "-100.00", "99.99",
                                  &r, &bad),
                     PB_EUNBALANCED);
    assert_string_equal(f->err.msg, "virement V2 does not balance: 99.99 "
                                    "into lines, 100.00 out of lines, "
                                    "difference -0.01");
    assert_int_equal(bad, 0);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM virement"), 0);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM budget_change"), 1);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM budget_line"), 1);
}

static void test_virement__as_at_before_it_shows_the_old_budget(void **state)
{
    fixture *f = *state;
    pb_amount original, current;
    pb_budget_query q;
    pb_put_result r;
    pb_date before = pbt_date("2024-07-14"), on = pbt_date("2024-07-15");
    months m;
    int64_t line;
    size_t bad;
    sums s = {0, {{{0}}, 0}};

    months_init(&m);
    pb_amount_init(&original);
    pb_amount_init(&current);
    pb_amount_init(&s.total);
    assert_int_equal(set_budget(f, &carers_nhs, "2024-04-01", "1200000",
                                NULL, &r),
                     PB_OK);
    assert_int_equal(set_budget(f, &reable_nhs, "2024-04-01", "600000", NULL,
                                &r),
                     PB_OK);
    assert_int_equal(add_virement(f, "V1", "2024-07-15", "-90000", "90000",
                                  &r, &bad),
                     PB_OK);
    assert_int_equal(pb_budget_line_find(f->b, &carers_nhs, &line, &f->err),
                     PB_OK);
    assert_int_equal(pb_budget_line_amounts(f->b, line, &before, &original,
                                            &current, m.m, &f->err),
                     PB_OK);
    pbt_assert_amount(&current, "1200000.00");
    pbt_assert_amount(&m.m[11], "100000.00");
    assert_int_equal(pb_budget_line_amounts(f->b, line, &on, &original,
                                            &current, m.m, &f->err),
                     PB_OK);
    pbt_assert_amount(&original, "1200000.00");
    pbt_assert_amount(&current, "1110000.00");
    pbt_assert_amount(&m.m[11], "90000.00");
    pbt_assert_amount(&m.m[2], "100000.00"); /* June: untouched */
    /* The whole-pool query agrees, line by line. */
    pb_budget_query_init(&q);
    q.has_as_of = true;
    q.as_of = before;
    q.scheme = "CARERS";
    assert_int_equal(pb_budget_each(f->b, &q, check_line, &s, &f->err),
                     PB_OK);
    pbt_assert_amount(&s.total, "1200000.00");
    /* Before any budget was set, a line is not listed at all. */
    q.as_of = pbt_date("2024-03-31");
    s.lines = 0;
    assert_int_equal(pb_budget_each(f->b, &q, check_line, &s, &f->err),
                     PB_OK);
    assert_int_equal(s.lines, 0);
    months_clear(&m);
    pb_amount_clear(&original);
    pb_amount_clear(&current);
    pb_amount_clear(&s.total);
}

static void test_virement__idempotent_by_ref_never_changed(void **state)
{
    fixture *f = *state;
    pb_put_result r;
    size_t bad;

    assert_int_equal(add_virement(f, "V1", "2024-07-15", "-10", "10", &r,
                                  &bad),
                     PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    assert_int_equal(add_virement(f, "V1", "2024-07-15", "-10", "10", &r,
                                  &bad),
                     PB_OK);
    assert_int_equal(r, PB_PUT_UNCHANGED);
    assert_int_equal(add_virement(f, "V1", "2024-07-15", "-11", "11", &r,
                                  &bad),
                     PB_EREFUSED);
    assert_non_null(strstr(f->err.msg, "already recorded, differently"));
    assert_int_equal(add_virement(f, "V1", "2024-07-16", "-10", "10", &r,
                                  &bad),
                     PB_EREFUSED);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM budget_change"), 2);
}

static void test_virement__leg_refusals(void **state)
{
    fixture *f = *state;
    pb_put_result r;
    size_t bad = 0;

    assert_int_equal(add_virement(f, "V1", "2025-04-01", "-10", "10", &r,
                                  &bad),
                     PB_EINVAL);
    assert_string_equal(f->err.msg, "virement dated 2025-04-01 is after the "
                                    "end of 2024-25");
    assert_int_equal(bad, 1);
    assert_int_equal(add_virement(f, "V1", "2024-08-01", "0", "0", &r, &bad),
                     PB_EINVAL);
    assert_string_equal(f->err.msg,
                        "a virement leg must move a non-zero amount");
    assert_int_equal(add_virement(f, "bad ref", "2024-08-01", "-1", "1", &r,
                                  &bad),
                     PB_EINVAL);
    /* A virement dated before the year moves budget from P1. */
    assert_int_equal(add_virement(f, "V0", "2024-03-20", "-12", "12", &r,
                                  &bad),
                     PB_OK);
    assert_int_equal(pbt_int(f->b,
                             "SELECT m01 FROM budget_change WHERE amount > 0"),
                     100);
}

/* ---- 4. contributions and outturns ------------------------------------- */

static void test_contribution_put__add_update_logged(void **state)
{
    fixture *f = *state;
    pb_contribution_def d = {"TEST", 2024, "ICB", "MIN-NHS", NULL, "plan"};
    pb_outturn_def o;
    pb_put_result r;
    pb_amount a;

    pb_amount_init(&a);
    pbt_amount_set(&a, "23080574");
    d.amount = &a;
    assert_int_equal(pb_contribution_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    assert_int_equal(pb_contribution_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_UNCHANGED);
    pbt_amount_set(&a, "23080575");
    assert_int_equal(pb_contribution_put(f->b, &d, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_UPDATED);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM contribution"), 1);
    assert_int_equal(pbt_int(f->b,
                             "SELECT count(*) FROM master_log WHERE kind ="
                             " 'contribution' AND field = 'amount' AND"
                             " old_value = '23080574.00' AND new_value ="
                             " '23080575.00'"),
                     1);
    d.partner = NULL;
    assert_int_equal(pb_contribution_put(f->b, &d, 0, &r, &f->err),
                     PB_EINVAL);
    assert_string_equal(f->err.field, "partner");

    memset(&o, 0, sizeof o);
    o.key = carers_nhs;
    o.key.fy = 2023; /* before the pool's first year: allowed */
    o.amount = &a;
    assert_int_equal(pb_outturn_put(f->b, &o, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_ADDED);
    assert_int_equal(pb_outturn_put(f->b, &o, 0, &r, &f->err), PB_OK);
    assert_int_equal(r, PB_PUT_UNCHANGED);
    pb_amount_clear(&a);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. profiles */
        cmocka_unit_test(test_profile_spread__flat_1000000_01_sums_exactly),
        cmocka_unit_test(
            test_profile_spread__flat_10704789_is_892065_75_a_month),
        cmocka_unit_test(test_profile_spread__weighted_awkward_amount),
        cmocka_unit_test(test_profile_spread__random_against_exact_shares),
        cmocka_unit_test(
            test_profile_spread__from_p7_leaves_earlier_months_empty),
        cmocka_unit_test(test_profile_spread__refusals),
        cmocka_unit_test(test_profile_check_sum__names_the_difference),
        T(test_profile_put__get_back_exactly_and_flat_is_built_in),
        /* 2. budgets */
        T(test_budget_set__first_is_original_then_unchanged),
        T(test_budget_set__later_change_is_an_adjustment),
        T(test_budget_set__never_rewritten_back_in_time),
        T(test_budget_set__change_too_large_is_refused),
        T(test_budget_set__months_must_sum_to_the_amount),
        T(test_budget_set__key_refusals),
        T(test_budget_change__database_refuses_update_and_delete),
        /* 3. virements */
        T(test_virement__current_is_original_plus_virements),
        T(test_virement__unbalanced_is_refused),
        T(test_virement__as_at_before_it_shows_the_old_budget),
        T(test_virement__idempotent_by_ref_never_changed),
        T(test_virement__leg_refusals),
        /* 4. contributions and outturns */
        T(test_contribution_put__add_update_logged),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
