/*
 * test_dim.c - ledger/dim: dimension kinds, codes and values.
 *
 *   1. kinds: keys, titles, SQL names, parsing
 *   2. codes: the allowed characters and length
 *   3. values: add, find with suggestions, rename, list
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/dim.h"
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

    pb_book_rollback(f->b);
    pbt_book_done(f->b, f->path);
    free(f);
    return 0;
}

/* ---- 1. kinds -------------------------------------------------------------- */

static void test_dim_kind__names_and_parsing(void **state)
{
    static const char *const accepted[][2] = {
        {"stream", "0"},      {"scheme", "1"},      {"partner", "2"},
        {"cc", "3"},          {"cost_centre", "3"}, {"cost-centre", "3"},
        {"cost_center", "3"},
    };
    pb_dim_kind k;
    pb_error err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        assert_int_equal(pb_dim_kind_parse(&k, accepted[i][0], NULL), PB_OK);
        assert_int_equal(k, accepted[i][1][0] - '0');
    }
    assert_int_equal(pb_dim_kind_parse(&k, "fund", &err), PB_EINVAL);
    assert_non_null(strstr(err.msg, "stream, scheme, partner, cc"));
    assert_string_equal(pb_dim_kind_key(PB_DIM_COST_CENTRE), "cc");
    assert_string_equal(pb_dim_kind_title(PB_DIM_STREAM), "funding stream");
    assert_string_equal(pb_dim_kind_sql(PB_DIM_COST_CENTRE), "cost_centre");
    for (i = 0; i < PB_DIM_COUNT; i++) {
        assert_int_equal(pb_dim_kind_parse(&k, pb_dim_kind_key((pb_dim_kind)i),
                                           NULL),
                         PB_OK);
        assert_int_equal(k, i);
        assert_int_equal(pb_dim_kind_parse(&k, pb_dim_kind_sql((pb_dim_kind)i),
                                           NULL),
                         PB_OK);
        assert_int_equal(k, i);
    }
}

/* ---- 2. codes ---------------------------------------------------------------- */

static void test_dim_code__allowed_characters_and_length(void **state)
{
    static const char *const good[] = {"BCF", "S-01", "cc_1.2", "A/B", "R&D",
                                       "0123456789012345678901234567890123456"
                                       "789"};
    static const char *const bad[] = {"",      "A B", "A=B", "A:B", "A|B",
                                      "A\tB",  "caf\xc3\xa9", "A;B",
                                      "01234567890123456789012345678901234567"
                                      "890"};
    pb_error err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        if (pb_code_check(good[i], "code", &err) != PB_OK)
            fail_msg("\"%s\" refused: %s", good[i], err.msg);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (pb_code_check(bad[i], "code", &err) != PB_EINVAL)
            fail_msg("\"%s\" accepted", bad[i]);
    assert_int_equal(pb_code_check("A B", "scheme code", &err), PB_EINVAL);
    assert_string_equal(err.msg, "scheme code \"A B\": character 2 is not "
                                 "allowed (use letters, digits and . _ - / &)");
}

/* ---- 3. values ------------------------------------------------------------------ */

static void test_dim_add__find_rename_and_duplicates(void **state)
{
    fixture *f = *state;
    int64_t id = 0, found = 0;

    assert_int_equal(pb_dim_add(f->b, PB_DIM_SCHEME, "S10", "Falls service",
                                &id, &f->err),
                     PB_OK);
    assert_int_equal(pb_dim_find(f->b, PB_DIM_SCHEME, "S10", &found, &f->err),
                     PB_OK);
    assert_int_equal(found, id);
    /* The same code is free in another kind. */
    assert_int_equal(pb_dim_add(f->b, PB_DIM_PARTNER, "S10", "Odd partner",
                                NULL, &f->err),
                     PB_OK);
    assert_int_equal(pb_dim_add(f->b, PB_DIM_SCHEME, "S10", "Again", NULL,
                                &f->err),
                     PB_EEXISTS);
    assert_string_equal(f->err.msg, "scheme \"S10\" already exists");
    assert_int_equal(pb_dim_add(f->b, PB_DIM_SCHEME, "S11", "", NULL,
                                &f->err),
                     PB_EINVAL);
    assert_int_equal(pb_dim_add(f->b, PB_DIM_SCHEME, "S 11", "Name", NULL,
                                &f->err),
                     PB_EINVAL);
    assert_int_equal(pb_dim_rename(f->b, PB_DIM_SCHEME, "S10", "Falls",
                                   &f->err),
                     PB_OK);
    assert_int_equal(pbt_int(f->b, "SELECT count(*) FROM dim WHERE code ="
                                   " 'S10' AND name = 'Falls'"),
                     1);
    assert_int_equal(pb_dim_rename(f->b, PB_DIM_SCHEME, "S10", "", &f->err),
                     PB_EINVAL);
    assert_int_equal(pb_dim_rename(f->b, PB_DIM_SCHEME, "S99", "X", &f->err),
                     PB_ENOTFOUND);
}

static void test_dim_find__suggests_within_the_kind(void **state)
{
    fixture *f = *state;

    assert_int_equal(pb_dim_find(f->b, PB_DIM_STREAM, "IBFC", NULL, &f->err),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.msg, "unknown funding stream \"IBFC\" (did you"
                                    " mean \"IBCF\"?)");
    /* S01 is a scheme, not a stream: no suggestion across kinds. */
    assert_int_equal(pb_dim_find(f->b, PB_DIM_STREAM, "S01", NULL, &f->err),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.msg, "unknown funding stream \"S01\"");
    assert_int_equal(pb_dim_find(f->b, PB_DIM_COST_CENTRE, "CC1", NULL,
                                 &f->err),
                     PB_ENOTFOUND);
    assert_string_equal(f->err.msg, "unknown cost centre \"CC1\"");
}

typedef struct dlist {
    int n;
    char codes[8][16];
} dlist;

static int collect(const pb_dim_info *info, void *ud)
{
    dlist *l = ud;

    assert_int_equal(info->kind, PB_DIM_STREAM);
    assert_true(info->id > 0);
    assert_true(info->name[0] != '\0');
    snprintf(l->codes[l->n++], sizeof l->codes[0], "%s", info->code);
    return 0;
}

static int stop_first(const pb_dim_info *info, void *ud)
{
    (void)info;
    (void)ud;
    return 5;
}

static void test_dim_each__in_code_order(void **state)
{
    fixture *f = *state;
    dlist l;

    memset(&l, 0, sizeof l);
    assert_int_equal(pb_dim_each(f->b, PB_DIM_STREAM, collect, &l, &f->err),
                     PB_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.codes[0], "BCF");
    assert_string_equal(l.codes[1], "DFG");
    assert_string_equal(l.codes[2], "IBCF");
    assert_int_equal(pb_dim_each(f->b, PB_DIM_STREAM, stop_first, NULL,
                                 &f->err),
                     5);
    memset(&l, 0, sizeof l);
    assert_int_equal(pb_dim_each(f->b, PB_DIM_COST_CENTRE, collect, &l,
                                 &f->err),
                     PB_OK);
    assert_int_equal(l.n, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* 1. kinds */
        cmocka_unit_test(test_dim_kind__names_and_parsing),
        /* 2. codes */
        cmocka_unit_test(test_dim_code__allowed_characters_and_length),
        /* 3. values */
        T(test_dim_add__find_rename_and_duplicates),
        T(test_dim_find__suggests_within_the_kind),
        T(test_dim_each__in_code_order),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
