/*
 * rag.c - RAG rules: classification, storage (append-only, newest in
 * force), and the words a report prints for them.
 *
 * Comparisons are exact: a percentage part compares the rationals
 * v / |budget| and p / 100 (pb_ratio), never a rounded product, so a
 * variance of exactly 5% is Red under "5%" and one penny less is not.
 */
#include "reports/rag.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const level_names[PB_RAG_LEVEL_COUNT] = {"line", "scheme",
                                                            "area", "total"};

const char *pb_rag_level_name(pb_rag_level level)
{
    assert((unsigned)level < PB_RAG_LEVEL_COUNT);
    return level_names[level];
}

int pb_rag_level_parse(pb_rag_level *out, const char *text, pb_error *err)
{
    int i;

    for (i = 0; i < PB_RAG_LEVEL_COUNT; i++) {
        if (strcasecmp(text, level_names[i]) == 0) {
            *out = (pb_rag_level)i;
            return PB_OK;
        }
    }
    return pb_error_set(err, PB_EINVAL,
                        "unknown level \"%s\" (use line, scheme, area or "
                        "total)",
                        text);
}

const char *pb_rag_combine_name(pb_rag_combine c)
{
    return c == PB_RAG_HIGHER ? "higher" : "lower";
}

int pb_rag_combine_parse(pb_rag_combine *out, const char *text, pb_error *err)
{
    if (strcasecmp(text, "lower") == 0) {
        *out = PB_RAG_LOWER;
        return PB_OK;
    }
    if (strcasecmp(text, "higher") == 0) {
        *out = PB_RAG_HIGHER;
        return PB_OK;
    }
    return pb_error_set(err, PB_EINVAL,
                        "unknown combination \"%s\" (use lower: whichever is "
                        "lower, or higher: whichever is higher)",
                        text);
}

/* ---- rules --------------------------------------------------------------- */

static void threshold_init(pb_rag_threshold *t)
{
    memset(t, 0, sizeof *t);
    pb_amount_init(&t->percent);
    pb_amount_init(&t->amount);
}

static void threshold_set(pb_rag_threshold *dst, const pb_rag_threshold *src)
{
    dst->has_percent = src->has_percent;
    dst->has_amount = src->has_amount;
    dst->combine = src->combine;
    pb_amount_set(&dst->percent, &src->percent);
    pb_amount_set(&dst->amount, &src->amount);
}

void pb_rag_rule_init(pb_rag_rule *r)
{
    memset(r, 0, sizeof *r);
    threshold_init(&r->red);
    threshold_init(&r->amber);
    r->red.has_percent = true;
    pb_amount_set_units(&r->red.percent, 5, 0);
    r->red.has_amount = true;
    pb_amount_set_units(&r->red.amount, 100000, 0);
    r->red.combine = PB_RAG_LOWER;
    r->is_default = true;
}

void pb_rag_rule_clear(pb_rag_rule *r)
{
    if (r == NULL)
        return;
    pb_amount_clear(&r->red.percent);
    pb_amount_clear(&r->red.amount);
    pb_amount_clear(&r->amber.percent);
    pb_amount_clear(&r->amber.amount);
}

void pb_rag_rule_set(pb_rag_rule *dst, const pb_rag_rule *src)
{
    threshold_set(&dst->red, &src->red);
    threshold_set(&dst->amber, &src->amber);
    dst->is_default = src->is_default;
    memcpy(dst->recorded_by, src->recorded_by, sizeof dst->recorded_by);
    memcpy(dst->recorded_at, src->recorded_at, sizeof dst->recorded_at);
    memcpy(dst->note, src->note, sizeof dst->note);
}

/* True when adverse variance v (> 0) crosses t.  A threshold with neither
 * part is crossed by anything (Amber's "any adverse"). */
static bool crosses(const pb_rag_threshold *t, const pb_amount *v,
                    const pb_amount *budget)
{
    bool pct = true, amt = true;

    if (!t->has_percent && !t->has_amount)
        return true;
    if (t->has_percent) {
        if (pb_amount_is_zero(budget)) {
            pct = true;
        } else {
            pb_ratio share, limit, hundredth;
            pb_amount mag;

            pb_ratio_init(&share);
            pb_ratio_init(&limit);
            pb_ratio_init(&hundredth);
            pb_amount_init(&mag);
            pb_amount_abs(&mag, budget);
            (void)pb_ratio_div(&share, v, &mag, NULL); /* mag != 0 */
            pb_ratio_set_amount(&limit, &t->percent);
            pb_ratio_set_si(&hundredth, 1, 100);
            pb_ratio_mul(&limit, &limit, &hundredth);
            pct = pb_ratio_cmp(&share, &limit) >= 0;
            pb_ratio_clear(&share);
            pb_ratio_clear(&limit);
            pb_ratio_clear(&hundredth);
            pb_amount_clear(&mag);
        }
    }
    if (t->has_amount)
        amt = pb_amount_cmp(v, &t->amount) >= 0;
    if (t->has_percent && t->has_amount)
        return t->combine == PB_RAG_LOWER ? (pct || amt) : (pct && amt);
    return t->has_percent ? pct : amt;
}

pb_indicator pb_rag_classify(const pb_rag_rule *r, const pb_amount *variance,
                             const pb_amount *budget)
{
    if (pb_amount_sign(variance) <= 0)
        return PB_IND_GREEN;
    if (crosses(&r->red, variance, budget))
        return PB_IND_RED;
    if (crosses(&r->amber, variance, budget))
        return PB_IND_AMBER;
    return PB_IND_GREEN;
}

static int check_threshold(const pb_rag_threshold *t, const char *which,
                           pb_error *err)
{
    pb_amount limit;
    char field[32];
    int64_t units;
    int rc = PB_OK;

    pb_amount_init(&limit);
    pb_amount_set_units(&limit, 1000, 0);
    if (t->has_percent &&
        (pb_amount_sign(&t->percent) < 0 ||
         pb_amount_cmp(&t->percent, &limit) > 0 ||
         pb_amount_get_units(&t->percent, 4, &units, NULL) != PB_OK)) {
        snprintf(field, sizeof field, "%s-percent", which);
        rc = pb_error_set(err, PB_EINVAL,
                          "a percentage must be from 0 to 1000 with at most "
                          "4 decimal places");
        pb_error_locate(err, NULL, 0, 0, field);
    } else if (t->has_amount && (pb_amount_sign(&t->amount) < 0 ||
                                 pb_amount_get_units(&t->amount, PB_MONEY_SCALE,
                                                     &units, NULL) != PB_OK)) {
        snprintf(field, sizeof field, "%s-amount", which);
        rc = pb_error_set(err, PB_EINVAL,
                          "an amount must be 0 or more, in whole pence");
        pb_error_locate(err, NULL, 0, 0, field);
    }
    pb_amount_clear(&limit);
    return rc;
}

int pb_rag_rule_check(const pb_rag_rule *r, pb_error *err)
{
    int rc;

    if (!r->red.has_percent && !r->red.has_amount) {
        rc = pb_error_set(err, PB_EINVAL,
                          "the Red threshold needs a percentage, an amount, "
                          "or both");
        pb_error_locate(err, NULL, 0, 0, "red-percent");
        return rc;
    }
    if ((rc = check_threshold(&r->red, "red", err)) != PB_OK)
        return rc;
    return check_threshold(&r->amber, "amber", err);
}

/* ---- storage ------------------------------------------------------------- */

static bool same_threshold(const pb_rag_threshold *a, const pb_rag_threshold *z)
{
    if (a->has_percent != z->has_percent || a->has_amount != z->has_amount)
        return false;
    if (a->has_percent && pb_amount_cmp(&a->percent, &z->percent) != 0)
        return false;
    if (a->has_amount && pb_amount_cmp(&a->amount, &z->amount) != 0)
        return false;
    /* The combination matters only when both parts are there. */
    return !(a->has_percent && a->has_amount) || a->combine == z->combine;
}

static bool same_rule(const pb_rag_rule *a, const pb_rag_rule *z)
{
    return same_threshold(&a->red, &z->red) &&
           same_threshold(&a->amber, &z->amber);
}

/* Reads columns col.. (percent, amount, combine) of a rag_rule row. */
static void read_threshold(pb_stmt *st, int col, pb_rag_threshold *t)
{
    const char *pct = pb_stmt_text(st, col);

    t->has_percent = !pb_stmt_is_null(st, col);
    if (t->has_percent &&
        pb_amount_parse(&t->percent, pct, strlen(pct),
                        &(pb_amount_syntax){4, false}, NULL) != PB_OK)
        t->has_percent = false; /* the book only ever stores parsable text */
    t->has_amount = !pb_stmt_is_null(st, col + 1);
    if (t->has_amount)
        pb_stmt_money(st, col + 1, &t->amount);
    t->combine = strcmp(pb_stmt_text(st, col + 2), "higher") == 0
                     ? PB_RAG_HIGHER
                     : PB_RAG_LOWER;
}

#define RULE_COLS                                                              \
    " r.red_percent, r.red_amount, r.red_combine, r.amber_percent,"            \
    " r.amber_amount, r.amber_combine, r.recorded_by, r.recorded_at,"          \
    " r.note"

/* Fills r (not initialised, or cleared) from RULE_COLS starting at column
 * col. */
static void read_rule(pb_stmt *st, int col, pb_rag_rule *r)
{
    threshold_init(&r->red);
    threshold_init(&r->amber);
    read_threshold(st, col, &r->red);
    read_threshold(st, col + 3, &r->amber);
    r->is_default = false;
    snprintf(r->recorded_by, sizeof r->recorded_by, "%s",
             pb_stmt_text(st, col + 6));
    snprintf(r->recorded_at, sizeof r->recorded_at, "%s",
             pb_stmt_text(st, col + 7));
    snprintf(r->note, sizeof r->note, "%s", pb_stmt_text(st, col + 8));
}

int pb_rag_get(pb_book *b, int64_t pool_id, pb_rag_level level,
               const pb_date *known_at, pb_rag_rule *out, pb_error *err)
{
    char known[PB_DATE_ISO_LEN];
    pb_rag_rule dflt;
    pb_stmt *st;
    int rc;

    rc = pb_book_prepare(b, &st,
                         "SELECT" RULE_COLS " FROM rag_rule r"
                         " WHERE r.pool_id = ?1 AND r.level = ?2 AND"
                         " (?3 IS NULL OR substr(r.recorded_at, 1, 10) <= ?3)"
                         " ORDER BY r.id DESC LIMIT 1",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, pool_id);
    pb_stmt_bind_text(st, 2, pb_rag_level_name(level));
    pb_stmt_bind_text(st, 3,
                      known_at != NULL ? pb_date_iso(*known_at, known) : NULL);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW) {
        pb_rag_rule_clear(out);
        read_rule(st, 0, out);
    } else if (rc == PB_DONE) {
        pb_rag_rule_init(&dflt);
        pb_rag_rule_set(out, &dflt);
        pb_rag_rule_clear(&dflt);
    }
    pb_stmt_release(st);
    return rc < 0 ? rc : PB_OK;
}

static void bind_threshold(pb_stmt *st, int idx, const pb_rag_threshold *t,
                           pb_buf *tmp)
{
    int64_t pence = 0;

    if (t->has_percent) {
        pb_buf_reset(tmp);
        pb_amount_format(tmp, &t->percent, NULL);
        pb_stmt_bind_text(st, idx, pb_buf_str(tmp));
    } else {
        pb_stmt_bind_null(st, idx);
    }
    if (t->has_amount &&
        pb_amount_get_units(&t->amount, PB_MONEY_SCALE, &pence, NULL) == PB_OK)
        pb_stmt_bind_int(st, idx + 1, pence);
    else
        pb_stmt_bind_null(st, idx + 1);
    pb_stmt_bind_text(st, idx + 2, pb_rag_combine_name(t->combine));
}

int pb_rag_set(pb_book *b, const char *pool, pb_rag_level level,
               const pb_rag_rule *r, const char *note, int64_t batch_id,
               pb_put_result *out, pb_error *err)
{
    char now[PB_TIMESTAMP_LEN];
    pb_buf tmp = PB_BUF_INIT;
    pb_rag_rule cur;
    int64_t pool_id;
    bool any;
    pb_stmt *st;
    int rc;

    assert(pb_book_in_write_tx(b));
    if ((rc = pb_pool_find(b, pool, &pool_id, err)) != PB_OK) {
        pb_error_locate(err, NULL, 0, 0, "pool");
        return rc;
    }
    if ((rc = pb_rag_rule_check(r, err)) != PB_OK)
        return rc;
    pb_rag_rule_init(&cur);
    rc = pb_rag_get(b, pool_id, level, NULL, &cur, err);
    if (rc == PB_OK && same_rule(&cur, r)) {
        if (out != NULL)
            *out = PB_PUT_UNCHANGED;
        goto done;
    }
    any = !cur.is_default;
    if (rc == PB_OK)
        rc = pb_book_prepare(b, &st,
                             "INSERT INTO rag_rule (pool_id, level,"
                             " red_percent, red_amount, red_combine,"
                             " amber_percent, amber_amount, amber_combine,"
                             " note, batch_id, recorded_by, recorded_at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_int(st, 1, pool_id);
    pb_stmt_bind_text(st, 2, pb_rag_level_name(level));
    bind_threshold(st, 3, &r->red, &tmp);
    bind_threshold(st, 6, &r->amber, &tmp);
    pb_stmt_bind_text(st, 9, note != NULL ? note : "");
    if (batch_id != 0)
        pb_stmt_bind_int(st, 10, batch_id);
    else
        pb_stmt_bind_null(st, 10);
    pb_stmt_bind_text(st, 11, pb_book_user(b));
    pb_stmt_bind_text(st, 12, pb_book_timestamp(b, now));
    rc = pb_stmt_run(st, err);
    if (rc == PB_OK && out != NULL)
        *out = any ? PB_PUT_UPDATED : PB_PUT_ADDED;
done:
    pb_rag_rule_clear(&cur);
    pb_buf_clear(&tmp);
    return rc;
}

int pb_rag_each(pb_book *b, const char *pool,
                int (*fn)(const pb_rag_info *info, void *ud), void *ud,
                pb_error *err)
{
    int64_t pool_id = 0;
    pb_rag_info info;
    pb_rag_rule rule;
    pb_stmt *st;
    int rc;

    if (pool != NULL && *pool != '\0' &&
        (rc = pb_pool_find(b, pool, &pool_id, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(
        b, &st,
        "SELECT r.id, p.code, r.level, coalesce(r.batch_id, 0),"
        " NOT EXISTS (SELECT 1 FROM rag_rule g WHERE g.pool_id = r.pool_id"
        " AND g.level = r.level AND g.id > r.id)," RULE_COLS
        " FROM rag_rule r JOIN pool p ON p.id = r.pool_id"
        " WHERE (?1 = 0 OR r.pool_id = ?1)"
        " ORDER BY p.code, CASE r.level WHEN 'line' THEN 0 WHEN 'scheme'"
        " THEN 1 WHEN 'area' THEN 2 ELSE 3 END, r.id",
        err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, pool_id);
    pb_rag_rule_init(&rule);
    info.rule = &rule;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        info.id = pb_stmt_int(st, 0);
        info.pool = pb_stmt_text(st, 1);
        if (pb_rag_level_parse(&info.level, pb_stmt_text(st, 2), NULL) != PB_OK)
            info.level = PB_RAG_TOTAL; /* the CHECK forbids this */
        info.batch_id = pb_stmt_int(st, 3);
        info.in_force = pb_stmt_int(st, 4) != 0;
        pb_rag_rule_clear(&rule);
        read_rule(st, 5, &rule);
        info.note = rule.note;
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_rag_rule_clear(&rule);
    return rc == PB_DONE ? PB_OK : rc;
}

/* ---- words ----------------------------------------------------------------
 */

/* "5" for 5.00, "2.5" for 2.50: a percentage without trailing zeros. */
static void percent_words(pb_buf *out, const pb_amount *p)
{
    char *s = pb_amount_to_string(p);
    size_t n = strlen(s);

    if (strchr(s, '.') != NULL) {
        while (n > 0 && s[n - 1] == '0')
            n--;
        if (n > 0 && s[n - 1] == '.')
            n--;
    }
    pb_buf_printf(out, "%.*s%%", (int)n, s);
    free(s);
}

/* "£100,000", or "£1,234.50" when there are pence. */
static void amount_words(pb_buf *out, const pb_amount *a)
{
    int64_t whole;
    pb_amount_style st = {0,    PB_UNITS_ONE, PB_ROUND_HALF_UP,
                          true, true,         PB_NEG_MINUS};

    if (pb_amount_get_units(a, 0, &whole, NULL) != PB_OK)
        st.places = 2;
    pb_amount_format(out, a, &st);
}

static void threshold_words(pb_buf *out, const pb_rag_threshold *t)
{
    pb_buf_puts(out, "adverse ");
    if (t->has_percent) {
        pb_buf_puts(out, "\xE2\x89\xA5 ");
        percent_words(out, &t->percent);
        pb_buf_puts(out, " of budget");
    }
    if (t->has_percent && t->has_amount)
        pb_buf_puts(out, t->combine == PB_RAG_LOWER ? " or " : " and ");
    if (t->has_amount) {
        pb_buf_puts(out, "\xE2\x89\xA5 ");
        amount_words(out, &t->amount);
    }
    if (t->has_percent && t->has_amount)
        pb_buf_printf(out, ", whichever is %s",
                      t->combine == PB_RAG_LOWER ? "lower" : "higher");
}

void pb_rag_describe(pb_buf *out, const pb_rag_rule *r)
{
    pb_buf_puts(out, "Red: ");
    threshold_words(out, &r->red);
    pb_buf_puts(out, "; Amber: ");
    if (!r->amber.has_percent && !r->amber.has_amount) {
        pb_buf_puts(out, "any other adverse");
        pb_buf_puts(out, "; Green: on budget or favourable");
    } else {
        threshold_words(out, &r->amber);
        pb_buf_puts(out, "; Green: on budget, favourable or a smaller "
                         "adverse");
    }
}
