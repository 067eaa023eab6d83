/*
 * profile.c - monthly spreads of annual budgets, and named profiles.
 *
 * Weights are stored as canonical decimal text (w01..w12), so a profile
 * reads back exactly as it was written; a spread is one call of
 * pb_amount_allocate, which carries the exactness guarantees.
 */
#include "ledger/profile.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/dim.h"
#include "ledger/pool_int.h"
#include "ledger/suggest.h"

int pb_profile_is_flat(const char *name)
{
    return name == NULL || *name == '\0' || strcmp(name, "flat") == 0;
}

int pb_profile_spread(pb_amount months[PB_MONTHS], const pb_amount *annual,
                      const pb_amount weights[PB_MONTHS], int first,
                      pb_error *err)
{
    pb_amount w[PB_MONTHS], parts[PB_MONTHS];
    bool any = false;
    int i, rc = PB_OK;

    assert(first >= 1 && first <= PB_MONTHS);
    for (i = 0; i < PB_MONTHS; i++) {
        pb_amount_init(&w[i]);
        pb_amount_init(&parts[i]);
        if (i + 1 < first)
            pb_amount_set_zero(&w[i]);
        else if (weights == NULL)
            pb_amount_set_units(&w[i], 1, 0);
        else
            pb_amount_set(&w[i], &weights[i]);
        if (pb_amount_sign(&w[i]) < 0 && rc == PB_OK)
            rc = pb_error_set(err, PB_EINVAL,
                              "the weight of P%d is negative", i + 1);
        any = any || pb_amount_sign(&w[i]) > 0;
    }
    if (rc == PB_OK && !any)
        rc = first > 1 ? pb_error_set(err, PB_EINVAL,
                                      "the profile has no weight from P%d on",
                                      first)
                       : pb_error_set(err, PB_EINVAL,
                                      "every weight of the profile is zero");
    if (rc == PB_OK)
        rc = pb_amount_allocate(parts, annual, w, PB_MONTHS, PB_MONEY_SCALE,
                                err);
    for (i = 0; i < PB_MONTHS; i++) {
        if (rc == PB_OK)
            pb_amount_set(&months[i], &parts[i]);
        pb_amount_clear(&w[i]);
        pb_amount_clear(&parts[i]);
    }
    return rc;
}

static char *grouped(const pb_amount *a)
{
    pb_buf buf = PB_BUF_INIT;

    pb_amount_format_grouped(&buf, a);
    return pb_buf_detach(&buf);
}

int pb_profile_check_sum(const pb_amount months[PB_MONTHS],
                         const pb_amount *annual, pb_error *err)
{
    pb_amount sum, diff;
    char *s, *a, *d;
    int i, rc = PB_OK;

    pb_amount_init(&sum);
    pb_amount_init(&diff);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_add(&sum, &sum, &months[i]);
    if (pb_amount_cmp(&sum, annual) != 0) {
        pb_amount_sub(&diff, annual, &sum);
        s = grouped(&sum);
        a = grouped(annual);
        pb_amount_abs(&diff, &diff);
        d = grouped(&diff);
        rc = pb_error_set(err, PB_EINVAL,
                          "the months add up to %s, not the annual %s (%s by "
                          "%s)",
                          s, a, pb_amount_cmp(&sum, annual) < 0 ? "short"
                                                                 : "over",
                          d);
        free(s);
        free(a);
        free(d);
    }
    pb_amount_clear(&sum);
    pb_amount_clear(&diff);
    return rc;
}

static const char select_weights[] =
    "SELECT w01, w02, w03, w04, w05, w06, w07, w08, w09, w10, w11, w12,"
    " description FROM profile WHERE name = ?";

/* Reads weight columns first..first+11 of the current row. */
static void read_weights(pb_stmt *st, int first, pb_amount w[PB_MONTHS])
{
    pb_amount_syntax syn = {PB_AMOUNT_MAX_SCALE, false};
    int i;

    for (i = 0; i < PB_MONTHS; i++) {
        const char *t = pb_stmt_text(st, first + i);

        if (pb_amount_parse(&w[i], t, strlen(t), &syn, NULL) != PB_OK)
            pb_amount_set_zero(&w[i]); /* written canonical: cannot happen */
    }
}

int pb_profile_get(pb_book *b, const char *name, pb_amount weights[PB_MONTHS],
                   pb_error *err)
{
    pb_suggest sg;
    pb_stmt *st;
    int rc, i;

    if (pb_profile_is_flat(name)) {
        for (i = 0; i < PB_MONTHS; i++)
            pb_amount_set_units(&weights[i], 1, 0);
        return PB_OK;
    }
    if ((rc = pb_book_prepare(b, &st, select_weights, err)) != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, name);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW)
        read_weights(st, 0, weights);
    pb_stmt_release(st);
    if (rc == PB_ROW)
        return PB_OK;
    if (rc != PB_DONE)
        return rc;
    pb_suggest_init(&sg, name);
    pb_suggest_add(&sg, "flat");
    if (pb_book_prepare(b, &st, "SELECT name FROM profile", NULL) == PB_OK) {
        while (pb_stmt_step(st, NULL) == PB_ROW)
            pb_suggest_add(&sg, pb_stmt_text(st, 0));
        pb_stmt_release(st);
    }
    if (pb_suggest_best(&sg) != NULL)
        rc = pb_error_set(err, PB_ENOTFOUND,
                          "unknown profile \"%s\" (did you mean \"%s\"?)",
                          name, pb_suggest_best(&sg));
    else
        rc = pb_error_set(err, PB_ENOTFOUND,
                          "unknown profile \"%s\" (use flat, or load it with "
                          "poolbook load profiles FILE)",
                          name);
    pb_suggest_clear(&sg);
    return rc;
}

int pb_profile_put(pb_book *b, const pb_profile_def *def, int64_t batch_id,
                   pb_put_result *out, pb_error *err)
{
    static const char *const fields[PB_MONTHS] = {
        "p01", "p02", "p03", "p04", "p05", "p06",
        "p07", "p08", "p09", "p10", "p11", "p12"};
    pb_pool__attr a[1 + PB_MONTHS];
    char *text[PB_MONTHS];
    pb_put_result res = PB_PUT_UNCHANGED;
    pb_stmt *st;
    bool is_new = true, any = false;
    int i, rc;

    assert(pb_book_in_write_tx(b));
    if ((rc = pb_code_check(def->name, "profile name", err)) != PB_OK)
        return rc;
    if (pb_profile_is_flat(def->name))
        return pb_error_set(err, PB_EINVAL,
                            "\"flat\" is built in and cannot be redefined");
    for (i = 0; i < PB_MONTHS; i++) {
        if (pb_amount_sign(&def->weights[i]) < 0)
            return pb_error_set(err, PB_EINVAL,
                                "profile \"%s\": the weight of P%d is "
                                "negative",
                                def->name, i + 1);
        any = any || pb_amount_sign(&def->weights[i]) > 0;
    }
    if (!any)
        return pb_error_set(err, PB_EINVAL,
                            "profile \"%s\": every weight is zero",
                            def->name);
    a[0].field = "description";
    a[0].old_value = NULL;
    a[0].new_value = def->description != NULL ? def->description : "";
    for (i = 0; i < PB_MONTHS; i++) {
        text[i] = pb_amount_to_string(&def->weights[i]);
        a[1 + i].field = fields[i];
        a[1 + i].old_value = NULL;
        a[1 + i].new_value = text[i];
    }
    rc = pb_book_prepare(b, &st, select_weights, err);
    if (rc == PB_OK) {
        pb_stmt_bind_text(st, 1, def->name);
        rc = pb_stmt_step(st, err);
        if (rc == PB_ROW) {
            is_new = false;
            a[0].old_value = pb_xstrdup(pb_stmt_text(st, PB_MONTHS));
            for (i = 0; i < PB_MONTHS; i++)
                a[1 + i].old_value = pb_xstrdup(pb_stmt_text(st, i));
        }
        pb_stmt_release(st);
        rc = rc < 0 ? rc : PB_OK;
    }
    if (rc == PB_OK)
        rc = pb_pool__diff(b, batch_id, "profile", def->name, a,
                           1 + PB_MONTHS, is_new, &res, err);
    for (i = 0; i < 1 + PB_MONTHS; i++)
        free(a[i].old_value); /* only left on an early error */
    if (rc == PB_OK && res != PB_PUT_UNCHANGED) {
        rc = pb_book_prepare(
            b, &st,
            "INSERT INTO profile (name, description, w01, w02, w03, w04,"
            " w05, w06, w07, w08, w09, w10, w11, w12) VALUES (?, ?, ?, ?,"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE"
            " SET description = excluded.description, w01 = excluded.w01,"
            " w02 = excluded.w02, w03 = excluded.w03, w04 = excluded.w04,"
            " w05 = excluded.w05, w06 = excluded.w06, w07 = excluded.w07,"
            " w08 = excluded.w08, w09 = excluded.w09, w10 = excluded.w10,"
            " w11 = excluded.w11, w12 = excluded.w12",
            err);
        if (rc == PB_OK) {
            pb_stmt_bind_text(st, 1, def->name);
            pb_stmt_bind_text(st, 2, a[0].new_value);
            for (i = 0; i < PB_MONTHS; i++)
                pb_stmt_bind_text(st, 3 + i, text[i]);
            rc = pb_stmt_run(st, err);
        }
    }
    for (i = 0; i < PB_MONTHS; i++)
        free(text[i]);
    if (rc == PB_OK && out != NULL)
        *out = res;
    return rc;
}

int pb_profile_each(pb_book *b,
                    int (*fn)(const pb_profile_info *info, void *ud),
                    void *ud, pb_error *err)
{
    pb_amount w[PB_MONTHS];
    pb_profile_info info;
    pb_stmt *st;
    int rc, i;

    rc = pb_book_prepare(b, &st,
                         "SELECT name, description, w01, w02, w03, w04, w05,"
                         " w06, w07, w08, w09, w10, w11, w12 FROM profile"
                         " ORDER BY name",
                         err);
    if (rc != PB_OK)
        return rc;
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_init(&w[i]);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        read_weights(st, 2, w);
        info.name = pb_stmt_text(st, 0);
        info.description = pb_stmt_text(st, 1);
        info.weights = w;
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_clear(&w[i]);
    return rc == PB_DONE ? PB_OK : rc;
}
