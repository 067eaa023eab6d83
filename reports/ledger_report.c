/*
 * ledger_report.c - `report ledger`: the postings of an account, a
 * scheme or a stream over a period range, with opening balance, running
 * balance and totals - what an officer ticks against a partner's ledger.
 *
 * The opening balance comes from the per-period balance cache (cost: cache
 * rows before the range); the postings in range are read in date, entry
 * and line order through the posting indexes (by account, or by scheme or
 * stream).  Invariant, checked before returning: opening + debits -
 * credits = closing balance = the last running balance.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "reports/report_int.h"

enum {
    C_DATE,
    C_ENTRY,
    C_DESC,
    C_ACCOUNT,
    C_ANALYSIS,
    C_DEBIT,
    C_CREDIT,
    C_BALANCE
};

/* Postings in periods [?6, ?7] dated on or before ?8, of the accounts
 * named ?1 or below it (NULL: any), with dimension ids ?2..?5 (0: any).
 * Two shapes so SQLite can drive from the index that fits. */
#define LG_COLS                                                                \
    "SELECT e.date, e.id, e.description, a.code, p.amount, s.code, sc.code,"   \
    " pa.code, cc.code, p.memo"
#define LG_JOINS                                                               \
    " JOIN entry e ON e.id = p.entry_id JOIN account a ON a.id = p.account_id" \
    " LEFT JOIN dim s ON s.id = p.stream_id"                                   \
    " LEFT JOIN dim sc ON sc.id = p.scheme_id"                                 \
    " LEFT JOIN dim pa ON pa.id = p.partner_id"                                \
    " LEFT JOIN dim cc ON cc.id = p.cc_id"
#define LG_ACCOUNTS                                                            \
    " p.account_id IN (SELECT id FROM account WHERE name = ?1"                 \
    " OR substr(name, 1, length(?1) + 1) = ?1 || ':') AND"
#define LG_WHERE                                                               \
    " (?2 = 0 OR p.stream_id = ?2) AND (?3 = 0 OR p.scheme_id = ?3)"           \
    " AND (?4 = 0 OR p.partner_id = ?4) AND (?5 = 0 OR p.cc_id = ?5)"          \
    " AND e.period BETWEEN ?6 AND ?7 AND e.date <= ?8"                         \
    " ORDER BY e.date, e.id, p.line"

static const char lg_by_account[] =
    LG_COLS " FROM posting p" LG_JOINS " WHERE" LG_ACCOUNTS LG_WHERE;
static const char lg_by_dim[] =
    LG_COLS " FROM posting p" LG_JOINS " WHERE" LG_WHERE;

/* The account's full name from a code or name; or `text` itself when it
 * is a prefix of some names ("Expenditure").  *name is the caller's. */
static int resolve_account(pb_book *b, const char *text, char **name,
                           pb_error *err)
{
    pb_stmt *st;
    int64_t id;
    int rc;

    *name = NULL;
    if (pb_account_find(b, text, &id, NULL) == PB_OK) {
        if ((rc = pb_book_prepare(b, &st,
                                  "SELECT name FROM account WHERE id = ?",
                                  err)) != PB_OK)
            return rc;
        pb_stmt_bind_int(st, 1, id);
        if ((rc = pb_stmt_step(st, err)) == PB_ROW)
            *name = pb_xstrdup(pb_stmt_text(st, 0));
        pb_stmt_release(st);
        return rc < 0 ? rc : PB_OK;
    }
    if ((rc = pb_book_prepare(b, &st,
                              "SELECT EXISTS (SELECT 1 FROM account WHERE"
                              " substr(name, 1, length(?1) + 1) = ?1 || ':')",
                              err)) != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, text);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW && pb_stmt_int(st, 0) != 0)
        *name = pb_xstrdup(text);
    pb_stmt_release(st);
    if (rc < 0)
        return rc;
    if (*name == NULL)
        return pb_account_find(b, text, &id, err); /* words it, with a hint */
    return PB_OK;
}

static int add_balance(const pb_balance_row *r, void *ud)
{
    pb_amount *sum = ud;

    pb_amount_add(sum, sum, r->balance);
    return 0;
}

/* Sets the cells of one posting row and moves the running balance. */
static void posting_row(pb_table *t, pb_stmt *st, pb_amount *running,
                        pb_amount *amt, pb_amount *mag, pb_buf *an)
{
    size_t r = pb_table_add_row(t, PB_ROW_DETAIL, 0);
    const char *memo;
    pb_date d;
    int k;

    if (pb_date_parse(&d, pb_stmt_text(st, 0), strlen(pb_stmt_text(st, 0)),
                      PB_DATE_ISO, NULL) == PB_OK)
        pb_table_set_date(t, r, C_DATE, d);
    pb_table_set_int(t, r, C_ENTRY, pb_stmt_int(st, 1));
    memo = pb_stmt_text(st, 9);
    if (*memo != '\0') {
        pb_buf_reset(an);
        pb_buf_printf(an, "%s - %s", pb_stmt_text(st, 2), memo);
        pb_table_set_text(t, r, C_DESC, pb_buf_str(an));
    } else {
        pb_table_set_text(t, r, C_DESC, pb_stmt_text(st, 2));
    }
    pb_table_set_text(t, r, C_ACCOUNT, pb_stmt_text(st, 3));
    pb_buf_reset(an);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (!pb_stmt_is_null(st, 5 + k))
            pb_buf_printf(an, "%s%s=%s", an->len ? " " : "",
                          pb_dim_kind_key((pb_dim_kind)k),
                          pb_stmt_text(st, 5 + k));
    }
    if (an->len > 0)
        pb_table_set_text(t, r, C_ANALYSIS, pb_buf_str(an));
    pb_stmt_money(st, 4, amt);
    if (pb_amount_sign(amt) >= 0) {
        pb_table_set_amount(t, r, C_DEBIT, amt);
    } else {
        pb_amount_neg(mag, amt);
        pb_table_set_amount(t, r, C_CREDIT, mag);
    }
    pb_amount_add(running, running, amt);
    pb_table_set_amount(t, r, C_BALANCE, running);
}

int pb_report_ledger(pb_table **out, pb_book *b, const pb_report_opts *o,
                     pb_error *err)
{
    pb_table *t = pb_table_new("ledger", "Ledger");
    int fy_start = pb_book_fy_start(b);
    pb_report__dims dims;
    pb_balance_query q;
    pb_period from, to;
    pb_amount running, amt, mag, dr, cr, check;
    pb_buf an = PB_BUF_INIT;
    char *account = NULL, asof[PB_DATE_ISO_LEN] = "9999-12-31";
    char p1[PB_PERIOD_STR_LEN], p2[PB_PERIOD_STR_LEN];
    bool opened = false;
    pb_stmt *st = NULL;
    size_t r, first;
    int rc, k;

    *out = NULL;
    pb_amount_init(&running);
    pb_amount_init(&amt);
    pb_amount_init(&mag);
    pb_amount_init(&dr);
    pb_amount_init(&cr);
    pb_amount_init(&check);
    pb_table_add_column(t, "date", "Date", PB_COL_DATE);
    pb_table_add_column(t, "entry", "Entry", PB_COL_INTEGER);
    pb_table_add_column(t, "description", "Description", PB_COL_TEXT);
    pb_table_add_column(t, "account", "Account", PB_COL_TEXT);
    pb_table_add_column(t, "analysis", "Analysis", PB_COL_TEXT);
    pb_table_add_column(t, "debit", "Debit", PB_COL_AMOUNT);
    pb_table_add_column(t, "credit", "Credit", PB_COL_AMOUNT);
    pb_table_add_column(t, "balance", "Balance", PB_COL_AMOUNT);
    if ((rc = pb_report__begin(b, &opened, err)) != PB_OK)
        goto done;
    if ((rc = pb_report__common(t, b, o, &dims, err)) != PB_OK)
        goto done;
    if (o->account == NULL && !dims.any) {
        rc = pb_error_set(err, PB_EUSAGE,
                          "give an account, or a --stream, --scheme, "
                          "--partner or --cc filter");
        goto done;
    }
    to = pb_report__to(b, o);
    if (o->has_from)
        from = o->from;
    else if (o->has_period || o->has_as_of)
        from = pb_period_make(pb_period_fy(to), 0);
    else
        from = 0;
    if (from > to) {
        rc = pb_error_set(
            err, PB_EUSAGE, "the range starts (%s) after it ends (%s)",
            pb_period_str(from, fy_start, p1), pb_period_str(to, fy_start, p2));
        goto done;
    }
    if (o->account != NULL) {
        if ((rc = resolve_account(b, o->account, &account, err)) != PB_OK)
            goto done;
        pb_table_add_filter(t, "account", "Account", account);
    }
    if (from > 0)
        pb_table_add_filter(t, "from", "From",
                            pb_period_str(from, fy_start, p1));
    if (o->has_as_of)
        pb_date_iso(o->as_of, asof);

    /* Opening balance: the same selection before `from`, from the cache. */
    pb_amount_set_units(&running, 0, PB_MONEY_SCALE);
    if (from > 0) {
        pb_balance_query_init(&q);
        q.from = 0;
        q.to = from - 1;
        q.account = account;
        for (k = 0; k < PB_DIM_COUNT; k++)
            q.filter[k] = dims.id[k];
        if ((rc = pb_balance_each(b, &q, add_balance, &running, err)) != PB_OK)
            goto done;
    }
    r = pb_table_add_row(t, PB_ROW_DETAIL, 0);
    if (from > 0)
        pb_table_set_date(t, r, C_DATE, pb_period_first_day(from, fy_start));
    pb_table_set_text(t, r, C_DESC, "Opening balance");
    pb_table_set_amount(t, r, C_BALANCE, &running);
    pb_amount_set(&check, &running);
    first = r + 1;

    rc = pb_book_prepare(b, &st, account != NULL ? lg_by_account : lg_by_dim,
                         err);
    if (rc != PB_OK)
        goto done;
    pb_stmt_bind_text(st, 1, account);
    for (k = 0; k < PB_DIM_COUNT; k++)
        pb_stmt_bind_int(st, 2 + k, dims.id[k]);
    pb_stmt_bind_int(st, 6, from);
    pb_stmt_bind_int(st, 7, to);
    pb_stmt_bind_text(st, 8, asof);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW)
        posting_row(t, st, &running, &amt, &mag, &an);
    pb_stmt_release(st);
    if (rc < 0)
        goto done;

    r = pb_table_row_count(t);
    pb_table_sum(&dr, t, C_DEBIT, first, r);
    pb_table_sum(&cr, t, C_CREDIT, first, r);
    r = pb_table_add_row(t, PB_ROW_TOTAL, 0);
    pb_table_set_text(t, r, C_DESC, "Totals and closing balance");
    pb_table_set_amount(t, r, C_DEBIT, &dr);
    pb_table_set_amount(t, r, C_CREDIT, &cr);
    pb_table_set_amount(t, r, C_BALANCE, &running);
    pb_amount_add(&check, &check, &dr);
    pb_amount_sub(&check, &check, &cr);
    assert(pb_amount_cmp(&check, &running) == 0);
    *out = t;
    t = NULL;
    rc = PB_OK;
done:
    if (opened)
        pb_book_rollback(b);
    free(account);
    pb_buf_clear(&an);
    pb_table_free(t);
    pb_amount_clear(&running);
    pb_amount_clear(&amt);
    pb_amount_clear(&mag);
    pb_amount_clear(&dr);
    pb_amount_clear(&cr);
    pb_amount_clear(&check);
    return rc;
}
