/*
 * test_map.c - ledger/map: the byte-string -> int64 hash map.
 *
 *   1. put, get, overwrite, misses
 *   2. binary keys: embedded NULs, the empty key, prefixes
 *   3. iteration visits every key exactly once
 *   4. growth to 100,000 keys against a model array; reset and reuse
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/map.h"
#include "tests/support/support.h"

/* ---- 1. put, get, overwrite ------------------------------------------- */

static void test_map_put__then_get_returns_the_value(void **state)
{
    pb_map m = PB_MAP_INIT;
    int64_t v = 0;

    (void)state;
    pb_map_puts(&m, "BCF", 1);
    pb_map_puts(&m, "IBCF", 2);
    pb_map_puts(&m, "DFG", -3);
    assert_int_equal(m.count, 3);
    assert_true(pb_map_gets(&m, "BCF", &v));
    assert_int_equal(v, 1);
    assert_true(pb_map_gets(&m, "IBCF", &v));
    assert_int_equal(v, 2);
    assert_true(pb_map_gets(&m, "DFG", &v));
    assert_int_equal(v, -3);
    pb_map_clear(&m);
}

static void test_map_put__overwrite_keeps_one_key(void **state)
{
    pb_map m = PB_MAP_INIT;
    int64_t v = 0;

    (void)state;
    pb_map_puts(&m, "k", 1);
    pb_map_puts(&m, "k", INT64_MAX);
    pb_map_puts(&m, "k", INT64_MIN);
    assert_int_equal(m.count, 1);
    assert_true(pb_map_gets(&m, "k", &v));
    assert_int_equal(v, INT64_MIN);
    pb_map_clear(&m);
}

static void test_map_get__miss_leaves_value_alone(void **state)
{
    pb_map m = PB_MAP_INIT;
    int64_t v = 42;

    (void)state;
    assert_false(pb_map_gets(&m, "nothing", &v)); /* empty, never grown */
    pb_map_puts(&m, "a", 1);
    assert_false(pb_map_gets(&m, "b", &v));
    assert_false(pb_map_gets(&m, "aa", &v));
    assert_false(pb_map_gets(&m, "A", &v)); /* case matters */
    assert_int_equal(v, 42);
    pb_map_clear(&m);
    pb_map_clear(&m); /* cleared twice is fine */
    pb_map_clear(NULL);
}

static void test_map_put__copies_the_key(void **state)
{
    pb_map m = PB_MAP_INIT;
    char key[8] = "abc";
    int64_t v = 0;

    (void)state;
    pb_map_puts(&m, key, 7);
    strcpy(key, "xyz");
    assert_true(pb_map_gets(&m, "abc", &v));
    assert_int_equal(v, 7);
    assert_false(pb_map_gets(&m, "xyz", &v));
    pb_map_clear(&m);
}

/* ---- 2. binary keys ----------------------------------------------------- */

static void test_map_binary__keys_with_nuls_are_distinct(void **state)
{
    pb_map m = PB_MAP_INIT;
    int64_t v = 0;

    (void)state;
    pb_map_put(&m, "a\0b", 3, 1);
    pb_map_put(&m, "a\0c", 3, 2);
    pb_map_put(&m, "a", 1, 3);
    pb_map_put(&m, "a\0", 2, 4);
    pb_map_put(&m, "", 0, 5);
    assert_int_equal(m.count, 5);
    assert_true(pb_map_get(&m, "a\0b", 3, &v));
    assert_int_equal(v, 1);
    assert_true(pb_map_get(&m, "a\0c", 3, &v));
    assert_int_equal(v, 2);
    assert_true(pb_map_get(&m, "a", 1, &v));
    assert_int_equal(v, 3);
    assert_true(pb_map_get(&m, "a\0", 2, &v));
    assert_int_equal(v, 4);
    assert_true(pb_map_get(&m, "", 0, &v));
    assert_int_equal(v, 5);
    assert_false(pb_map_get(&m, "a\0d", 3, &v));
    pb_map_clear(&m);
}

static void test_map_binary__int64_tuples_as_keys(void **state)
{
    pb_map m = PB_MAP_INIT;
    int64_t key[6], v, i;

    (void)state;
    for (i = 0; i < 5000; i++) {
        memset(key, 0, sizeof key);
        key[0] = 202400 + i % 17;
        key[1] = i / 17;
        key[5] = i % 3 == 0 ? 0 : i; /* many zero bytes */
        pb_map_put(&m, key, sizeof key, i);
    }
    assert_int_equal(m.count, 5000);
    for (i = 0; i < 5000; i++) {
        memset(key, 0, sizeof key);
        key[0] = 202400 + i % 17;
        key[1] = i / 17;
        key[5] = i % 3 == 0 ? 0 : i;
        assert_true(pb_map_get(&m, key, sizeof key, &v));
        assert_int_equal(v, i);
    }
    pb_map_clear(&m);
}

/* ---- 3. iteration ------------------------------------------------------- */

static void test_map_next__visits_every_key_once(void **state)
{
    pb_map m = PB_MAP_INIT;
    char *seen = calloc(1000, 1);
    const void *k;
    size_t len, iter = 0, visits = 0;
    int64_t v;
    int i;

    (void)state;
    assert_false(pb_map_next(&m, &iter, &k, &len, &v)); /* empty */
    for (i = 0; i < 1000; i++) {
        char key[16];

        snprintf(key, sizeof key, "key-%d", i);
        pb_map_puts(&m, key, i);
    }
    iter = 0;
    while (pb_map_next(&m, &iter, &k, &len, &v)) {
        char key[16];

        assert_true(v >= 0 && v < 1000);
        snprintf(key, sizeof key, "key-%d", (int)v);
        assert_int_equal(len, strlen(key));
        assert_memory_equal(k, key, len);
        assert_int_equal(seen[v], 0);
        seen[v] = 1;
        visits++;
    }
    assert_int_equal(visits, 1000);
    free(seen);
    pb_map_clear(&m);
}

/* ---- 4. growth, model, reset -------------------------------------------- */

static void key_of(uint64_t x, unsigned char out[16], size_t *len)
{
    /* Variable length, with NUL bytes common. */
    size_t n = 4 + x % 9, i;

    for (i = 0; i < n; i++)
        out[i] = (unsigned char)(i < 8 ? x >> (8 * i) : 0);
    *len = n;
}

static void test_map_growth__100k_keys_match_a_model(void **state)
{
    enum { N = 100000 };
    uint64_t *keys = malloc(N * sizeof *keys);
    int64_t *vals = malloc(N * sizeof *vals);
    pb_map m = PB_MAP_INIT;
    size_t i, iter = 0, visits = 0, len;
    const void *k;
    int64_t v;

    (void)state;
    pbt_rng_seed(7);
    for (i = 0; i < N; i++) {
        /* Distinct by construction: the index is in the low bits. */
        keys[i] = (pbt_rng() << 17) | i;
        vals[i] = (int64_t)pbt_rng();
    }
    for (i = 0; i < N; i++) {
        unsigned char kb[16];

        key_of(keys[i], kb, &len);
        pb_map_put(&m, kb, len, vals[i]);
        /* The load factor stays under 70% and capacity a power of two. */
        assert_true(m.count * 10 <= m.cap * 7);
        assert_int_equal(m.cap & (m.cap - 1), 0);
    }
    assert_int_equal(m.count, N);
    /* Overwrite every third key. */
    for (i = 0; i < N; i += 3) {
        unsigned char kb[16];

        key_of(keys[i], kb, &len);
        vals[i] = -(int64_t)i;
        pb_map_put(&m, kb, len, vals[i]);
    }
    assert_int_equal(m.count, N);
    for (i = 0; i < N; i++) {
        unsigned char kb[16];

        key_of(keys[i], kb, &len);
        if (!pb_map_get(&m, kb, len, &v) || v != vals[i])
            fail_msg("key %zu lost or wrong after growth", i);
        /* A near miss: one byte longer. */
        kb[len] = 0xff;
        assert_false(pb_map_get(&m, kb, len + 1, &v));
    }
    while (pb_map_next(&m, &iter, &k, &len, &v))
        visits++;
    assert_int_equal(visits, N);
    free(keys);
    free(vals);
    pb_map_clear(&m);
}

static void test_map_reset__empties_and_keeps_storage(void **state)
{
    pb_map m = PB_MAP_INIT;
    size_t cap, iter = 0, len;
    const void *k;
    int64_t v = 9;
    int i;

    (void)state;
    for (i = 0; i < 100; i++)
        pb_map_put(&m, &i, sizeof i, i);
    cap = m.cap;
    pb_map_reset(&m);
    assert_int_equal(m.count, 0);
    assert_int_equal(m.cap, cap);
    i = 5;
    assert_false(pb_map_get(&m, &i, sizeof i, &v));
    assert_false(pb_map_next(&m, &iter, &k, &len, &v));
    pb_map_put(&m, &i, sizeof i, 55);
    assert_true(pb_map_get(&m, &i, sizeof i, &v));
    assert_int_equal(v, 55);
    assert_int_equal(m.count, 1);
    pb_map_clear(&m);
    assert_null(m.slots);
    assert_int_equal(m.cap, 0);
    pb_map_puts(&m, "again", 1); /* usable after clear */
    assert_true(pb_map_gets(&m, "again", &v));
    pb_map_clear(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. put, get, overwrite */
        cmocka_unit_test(test_map_put__then_get_returns_the_value),
        cmocka_unit_test(test_map_put__overwrite_keeps_one_key),
        cmocka_unit_test(test_map_get__miss_leaves_value_alone),
        cmocka_unit_test(test_map_put__copies_the_key),
        /* 2. binary keys */
        cmocka_unit_test(test_map_binary__keys_with_nuls_are_distinct),
        cmocka_unit_test(test_map_binary__int64_tuples_as_keys),
        /* 3. iteration */
        cmocka_unit_test(test_map_next__visits_every_key_once),
        /* 4. growth and reset */
        cmocka_unit_test(test_map_growth__100k_keys_match_a_model),
        cmocka_unit_test(test_map_reset__empties_and_keeps_storage),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
