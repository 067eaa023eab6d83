/*
 * test_rag.c - reports/rag: RAG flags from exact thresholds, stored per
 * pool and level.
 *
 *   1. the published default: Red at >= 5% or >= £100,000, whichever is
 *      lower; Amber any other adverse; Green on budget or favourable -
 *      at and either side of each boundary, to the penny
 *   2. "whichever is higher", one part alone, Amber thresholds, a zero
 *      budget, income lines (negative budgets)
 *   3. a table of cases against a reference model in plain integers
 *   4. storage: set, unchanged, replaced, in force as known on a date,
 *      history; checks; the words
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reports/rag.h"
#include "tests/reports/books.h"

static pb_indicator flag(const pb_rag_rule *r, const char *variance,
                         const char *budget)
{
    pb_amount v, b;
    pb_indicator i;

    pb_amount_init(&v);
    pb_amount_init(&b);
    pbt_amount_set(&v, variance);
    pbt_amount_set(&b, budget);
    i = pb_rag_classify(r, &v, &b);
    pb_amount_clear(&v);
    pb_amount_clear(&b);
    return i;
}

/* ---- 1. the default
 * ------------------------------------------------------------ */

static void test_rag_default__published_rule_at_its_boundaries(void **state)
{
    pb_rag_rule r;

    (void)state;
    pb_rag_rule_init(&r);
    assert_true(r.is_default);
    /* Budget 1,000,000: 5% is 50,000, lower than 100,000. */
    assert_int_equal(flag(&r, "50000", "1000000"), PB_IND_RED);
    assert_int_equal(flag(&r, "49999.99", "1000000"), PB_IND_AMBER);
    assert_int_equal(flag(&r, "0.01", "1000000"), PB_IND_AMBER);
    assert_int_equal(flag(&r, "0", "1000000"), PB_IND_GREEN);
    assert_int_equal(flag(&r, "-50000", "1000000"), PB_IND_GREEN);
    /* Budget 45,144,000 (Long Term): 5% is 2,257,200; £100,000 is lower. */
    assert_int_equal(flag(&r, "100000", "45144000"), PB_IND_RED);
    assert_int_equal(flag(&r, "99999.99", "45144000"), PB_IND_AMBER);
    assert_int_equal(flag(&r, "3046000", "45144000"), PB_IND_RED);
    /* The total of seed 001: 652,000 on 90,168,900 (0.72%) is Red. */
    assert_int_equal(flag(&r, "652000", "90168900"), PB_IND_RED);
    pb_rag_rule_clear(&r);
}

/* ---- 2. variants
 * ---------------------------------------------------------------- */

static void set_red(pb_rag_rule *r, const char *pct, const char *amt,
                    pb_rag_combine how)
{
    r->red.has_percent = pct != NULL;
    r->red.has_amount = amt != NULL;
    if (pct != NULL)
        pbt_amount_set(&r->red.percent, pct);
    if (amt != NULL)
        pbt_amount_set(&r->red.amount, amt);
    r->red.combine = how;
}

static void test_rag_classify__higher_one_part_amber_zero_income(void **state)
{
    pb_rag_rule r;

    (void)state;
    pb_rag_rule_init(&r);
    /* Whichever is higher: both needed. */
    set_red(&r, "5", "100000", PB_RAG_HIGHER);
    assert_int_equal(flag(&r, "60000", "1000000"), PB_IND_AMBER);
    assert_int_equal(flag(&r, "100000", "1000000"), PB_IND_RED);
    assert_int_equal(flag(&r, "100000", "3000000"), PB_IND_AMBER);
    assert_int_equal(flag(&r, "150000", "3000000"), PB_IND_RED);
    /* A fractional percentage, exactly: 2.5% of 1,234,567.89 is
     * 30,864.19725. */
    set_red(&r, "2.5", NULL, PB_RAG_LOWER);
    assert_int_equal(flag(&r, "30864.20", "1234567.89"), PB_IND_RED);
    assert_int_equal(flag(&r, "30864.19", "1234567.89"), PB_IND_AMBER);
    /* An amount alone. */
    set_red(&r, NULL, "250000", PB_RAG_LOWER);
    assert_int_equal(flag(&r, "249999.99", "100"), PB_IND_AMBER);
    assert_int_equal(flag(&r, "250000", "100"), PB_IND_RED);
    /* A zero budget: any adverse is 100% and more. */
    set_red(&r, "5", NULL, PB_RAG_LOWER);
    assert_int_equal(flag(&r, "0.01", "0"), PB_IND_RED);
    assert_int_equal(flag(&r, "-0.01", "0"), PB_IND_GREEN);
    /* Income (budget -15,280,000): 5% of its magnitude is 764,000. */
    assert_int_equal(flag(&r, "764000", "-15280000"), PB_IND_RED);
    assert_int_equal(flag(&r, "763999.99", "-15280000"), PB_IND_AMBER);
    assert_int_equal(flag(&r, "-4000", "-15280000"), PB_IND_GREEN);
    /* Amber with a threshold: smaller adverse variances are Green. */
    r.amber.has_amount = true;
    pbt_amount_set(&r.amber.amount, "10000");
    assert_int_equal(flag(&r, "9999.99", "1000000"), PB_IND_GREEN);
    assert_int_equal(flag(&r, "10000", "1000000"), PB_IND_AMBER);
    assert_int_equal(flag(&r, "50000", "1000000"), PB_IND_RED);
    pb_rag_rule_clear(&r);
}

/* ---- 3. against a model
 * ---------------------------------------------------------- */

/* In whole pence and basis points: red when v*10000 >= bp*|b| (or v >=
 * amount), combined lower/higher; amber any adverse. */
static pb_indicator model(int64_t v, int64_t b, int64_t bp, int64_t amt,
                          bool higher)
{
    int64_t lhs = v * 10000, rhs = bp * (b < 0 ? -b : b); /* < 2^63 here */
    bool p = b == 0 || lhs >= rhs, a = v >= amt;

    if (v <= 0)
        return PB_IND_GREEN;
    return (higher ? (p && a) : (p || a)) ? PB_IND_RED : PB_IND_AMBER;
}

static void test_rag_classify__agrees_with_a_model(void **state)
{
    pb_rag_rule r;
    pb_amount v, b;
    int i;

    (void)state;
    pb_rag_rule_init(&r);
    pb_amount_init(&v);
    pb_amount_init(&b);
    pbt_rng_seed(20240930);
    for (i = 0; i < 20000; i++) {
        int64_t pv = pbt_rng_range(-5000000, 50000000);
        int64_t pb = pbt_rng_range(-2000000000, 2000000000);
        int64_t bp = pbt_rng_range(0, 2000); /* 0 to 20% */
        int64_t amt = pbt_rng_range(0, 30000000);
        bool higher = pbt_rng() & 1;

        if (i % 7 == 0)
            pv = pb / 20; /* on the 5% line */
        pb_amount_set_units(&r.red.percent, bp, 2);
        pb_amount_set_units(&r.red.amount, amt, 2);
        r.red.combine = higher ? PB_RAG_HIGHER : PB_RAG_LOWER;
        pb_amount_set_units(&v, pv, 2);
        pb_amount_set_units(&b, pb, 2);
        if (pb_rag_classify(&r, &v, &b) != model(pv, pb, bp, amt, higher))
            fail_msg("case %d: v %lld b %lld bp %lld amt %lld %s", i,
                     (long long)pv, (long long)pb, (long long)bp,
                     (long long)amt, higher ? "higher" : "lower");
    }
    pb_amount_clear(&v);
    pb_amount_clear(&b);
    pb_rag_rule_clear(&r);
}

/* ---- 4. storage
 * ------------------------------------------------------------------- */

typedef struct fixture {
    pb_book *b;
    char *path;
    pb_error err;
} fixture;

static int setup(void **state)
{
    static const char *const files[] = {"partners", "pools"};
    fixture *f = calloc(1, sizeof *f);

    f->b = book_load(&f->path, "bcf-2024-25", files, COUNT(files));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    unsetenv("POOLBOOK_NOW");
    book_done(f->b, f->path);
    free(f);
    return 0;
}

static int put(fixture *f, pb_rag_level level, const pb_rag_rule *r,
               pb_put_result *res)
{
    int rc;

    assert_int_equal(pb_book_begin(f->b, &f->err), PB_OK);
    rc = pb_rag_set(f->b, "BCF", level, r, "F&P group", 0, res, &f->err);
    if (rc == PB_OK)
        assert_int_equal(pb_book_commit(f->b, &f->err), PB_OK);
    else
        pb_book_rollback(f->b);
    return rc;
}

static void test_rag_set__recorded_unchanged_replaced_known_at(void **state)
{
    fixture *f = *state;
    pb_rag_rule r, got;
    pb_put_result res;
    pb_date d = pbt_date("2024-06-30");
    int64_t pool = pbt_int(f->b, "SELECT id FROM pool WHERE code = 'BCF'");

    pb_rag_rule_init(&r);
    pb_rag_rule_init(&got);
    /* The default on a pool with no rule: nothing to write. */
    assert_int_equal(put(f, PB_RAG_SCHEME, &r, &res), PB_OK);
    assert_int_equal(res, PB_PUT_UNCHANGED);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM rag_rule"), 0);
    setenv("POOLBOOK_NOW", "2024-07-11T10:00:00Z", 1);
    set_red(&r, "4", "50000", PB_RAG_LOWER);
    assert_int_equal(put(f, PB_RAG_SCHEME, &r, &res), PB_OK);
    assert_int_equal(res, PB_PUT_ADDED);
    assert_int_equal(put(f, PB_RAG_SCHEME, &r, &res), PB_OK);
    assert_int_equal(res, PB_PUT_UNCHANGED);
    setenv("POOLBOOK_NOW", "2024-09-05T10:00:00Z", 1);
    set_red(&r, "3", NULL, PB_RAG_LOWER);
    assert_int_equal(put(f, PB_RAG_SCHEME, &r, &res), PB_OK);
    assert_int_equal(res, PB_PUT_UPDATED);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM rag_rule"), 2);
    /* In force now: 3%. */
    assert_int_equal(pb_rag_get(f->b, pool, PB_RAG_SCHEME, NULL, &got, &f->err),
                     PB_OK);
    assert_false(got.is_default);
    assert_false(got.red.has_amount);
    assert_string_equal(pbt_amt(&got.red.percent), "3.00");
    assert_string_equal(got.recorded_at, "2024-09-05T10:00:00Z");
    assert_string_equal(got.note, "F&P group");
    /* As known on 30 June: the default; on 31 July: 4% or £50,000. */
    assert_int_equal(pb_rag_get(f->b, pool, PB_RAG_SCHEME, &d, &got, &f->err),
                     PB_OK);
    assert_true(got.is_default);
    d = pbt_date("2024-07-31");
    assert_int_equal(pb_rag_get(f->b, pool, PB_RAG_SCHEME, &d, &got, &f->err),
                     PB_OK);
    assert_string_equal(pbt_amt(&got.red.amount), "50000.00");
    /* Other levels keep the default. */
    assert_int_equal(pb_rag_get(f->b, pool, PB_RAG_TOTAL, NULL, &got, &f->err),
                     PB_OK);
    assert_true(got.is_default);
    /* The database refuses edits. */
    assert_int_equal(pb_book_exec(f->b, "DELETE FROM rag_rule", &f->err),
                     PB_EREFUSED);
    pb_rag_rule_clear(&r);
    pb_rag_rule_clear(&got);
}

static int count_fn(const pb_rag_info *info, void *ud)
{
    int *n = ud;

    *n += info->in_force ? 10 : 1;
    return 0;
}

static void test_rag__checks_history_and_words(void **state)
{
    fixture *f = *state;
    pb_rag_rule r;
    pb_put_result res;
    pb_buf w = PB_BUF_INIT;
    int n = 0;

    pb_rag_rule_init(&r);
    pb_rag_describe(&w, &r);
    assert_string_equal(
        pb_buf_str(&w),
        "Red: adverse \xE2\x89\xA5 5% of budget or \xE2\x89\xA5 "
        "£100,000, whichever is lower; Amber: any other "
        "adverse; Green: on budget or favourable");
    /* Refused: no Red part; a negative amount; a percentage beyond 1000
     * or with 5 places; pence beyond 2 places. */
    set_red(&r, NULL, NULL, PB_RAG_LOWER);
    assert_int_equal(put(f, PB_RAG_LINE, &r, &res), PB_EINVAL);
    assert_string_equal(f->err.field, "red-percent");
    set_red(&r, NULL, "-1", PB_RAG_LOWER);
    assert_int_equal(put(f, PB_RAG_LINE, &r, &res), PB_EINVAL);
    assert_string_equal(f->err.field, "red-amount");
    set_red(&r, "1000.5", NULL, PB_RAG_LOWER);
    assert_int_equal(put(f, PB_RAG_LINE, &r, &res), PB_EINVAL);
    set_red(&r, "2.00001", NULL, PB_RAG_LOWER);
    assert_int_equal(put(f, PB_RAG_LINE, &r, &res), PB_EINVAL);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM rag_rule"), 0);
    /* Words for a rule with an Amber threshold and "higher". */
    set_red(&r, "10", "250000.50", PB_RAG_HIGHER);
    r.amber.has_percent = true;
    pbt_amount_set(&r.amber.percent, "2.5");
    pb_buf_reset(&w);
    pb_rag_describe(&w, &r);
    assert_string_equal(
        pb_buf_str(&w),
        "Red: adverse \xE2\x89\xA5 10% of budget and \xE2\x89\xA5"
        " £250,000.50, whichever is higher; Amber: adverse "
        "\xE2\x89\xA5 2.5% of budget; Green: on budget, "
        "favourable or a smaller adverse");
    assert_int_equal(put(f, PB_RAG_LINE, &r, &res), PB_OK);
    set_red(&r, "10", NULL, PB_RAG_LOWER);
    assert_int_equal(put(f, PB_RAG_LINE, &r, &res), PB_OK);
    assert_int_equal(pb_rag_each(f->b, NULL, count_fn, &n, &f->err), PB_OK);
    assert_int_equal(n, 11); /* one replaced, one in force */
    assert_int_equal(pb_rag_each(f->b, "NOPE", count_fn, &n, &f->err),
                     PB_ENOTFOUND);
    pb_buf_clear(&w);
    pb_rag_rule_clear(&r);
}

static void test_rag__names(void **state)
{
    pb_rag_level l;
    pb_rag_combine c;

    (void)state;
    assert_int_equal(pb_rag_level_parse(&l, "Area", NULL), PB_OK);
    assert_int_equal(l, PB_RAG_AREA);
    assert_string_equal(pb_rag_level_name(PB_RAG_TOTAL), "total");
    assert_int_equal(pb_rag_level_parse(&l, "pool", NULL), PB_EINVAL);
    assert_int_equal(pb_rag_combine_parse(&c, "HIGHER", NULL), PB_OK);
    assert_int_equal(c, PB_RAG_HIGHER);
    assert_int_equal(pb_rag_combine_parse(&c, "max", NULL), PB_EINVAL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rag_default__published_rule_at_its_boundaries),
        cmocka_unit_test(test_rag_classify__higher_one_part_amber_zero_income),
        cmocka_unit_test(test_rag_classify__agrees_with_a_model),
        T(test_rag_set__recorded_unchanged_replaced_known_at),
        T(test_rag__checks_history_and_words),
        cmocka_unit_test(test_rag__names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
