/*
 * balance.c - balance queries over the cache (and, for an as-at date in
 * the middle of a period, that period's postings up to the date).
 */
#include "ledger/balance.h"

#include <string.h>

void pb_balance_query_init(pb_balance_query *q)
{
    memset(q, 0, sizeof *q);
    q->from = 0;
    q->to = PB_YEAR_MAX * 100 + PB_PERIOD_MAX;
    q->group_by = -1;
}

/* Whole periods come from the cache: [?1, ?2].  Postings of entries in
 * periods [?3, ?4] dated on or before ?5 are added from the journal. */
static const char balance_sql[] =
    "WITH r(account_id, stream_id, scheme_id, partner_id, cc_id, debit,"
    " credit) AS ("
    " SELECT account_id, stream_id, scheme_id, partner_id, cc_id, debit,"
    " credit FROM balance WHERE period BETWEEN ?1 AND ?2"
    " UNION ALL"
    " SELECT p.account_id, coalesce(p.stream_id, 0),"
    " coalesce(p.scheme_id, 0), coalesce(p.partner_id, 0),"
    " coalesce(p.cc_id, 0), max(p.amount, 0), max(-p.amount, 0)"
    " FROM entry e JOIN posting p ON p.entry_id = e.id"
    " WHERE e.period BETWEEN ?3 AND ?4 AND e.date <= ?5),"
    " g AS (SELECT account_id, CASE ?6 WHEN 0 THEN stream_id"
    " WHEN 1 THEN scheme_id WHEN 2 THEN partner_id WHEN 3 THEN cc_id"
    " ELSE 0 END AS d, debit, credit FROM r"
    " WHERE (?7 = 0 OR stream_id = ?7) AND (?8 = 0 OR scheme_id = ?8)"
    " AND (?9 = 0 OR partner_id = ?9) AND (?10 = 0 OR cc_id = ?10))"
    " SELECT a.id, a.code, a.name, a.type, coalesce(dm.code, ''),"
    " coalesce(dm.name, ''), pb_sum(g.debit), pb_sum(g.credit),"
    " pb_sum(g.debit - g.credit)"
    " FROM g JOIN account a ON a.id = g.account_id"
    " LEFT JOIN dim dm ON dm.id = g.d"
    " WHERE ?11 IS NULL OR a.name = ?11"
    " OR substr(a.name, 1, length(?11) + 1) = ?11 || ':'"
    " GROUP BY a.id, g.d ORDER BY a.name, coalesce(dm.code, '')";

int pb_balance_each(pb_book *b, const pb_balance_query *q,
                    int (*fn)(const pb_balance_row *row, void *ud), void *ud,
                    pb_error *err)
{
    int fy_start = pb_book_fy_start(b);
    pb_period full_to = q->to, part_from = 1, part_to = 0;
    char asof[PB_DATE_ISO_LEN] = "9999-12-31";
    pb_amount debit, credit, bal;
    pb_balance_row row;
    pb_stmt *st;
    int rc, k;

    if (q->has_as_of) {
        pb_period p = pb_period_of_date(q->as_of, fy_start);
        int fy = pb_period_fy(p);

        pb_date_iso(q->as_of, asof);
        if (q->as_of == pb_fy_last_day(fy, fy_start)) {
            full_to = pb_period_make(fy, PB_PERIOD_MAX);
        } else if (q->as_of == pb_period_last_day(p, fy_start)) {
            full_to = p;
        } else {
            full_to = p - 1;
            part_from = p;
            part_to = pb_period_make(fy, PB_PERIOD_MAX);
        }
    }
    rc = pb_book_prepare(b, &st, balance_sql, err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_int(st, 1, q->from);
    pb_stmt_bind_int(st, 2, full_to);
    pb_stmt_bind_int(st, 3, part_from > q->from ? part_from : q->from);
    pb_stmt_bind_int(st, 4, part_to);
    pb_stmt_bind_text(st, 5, asof);
    pb_stmt_bind_int(st, 6, q->group_by);
    for (k = 0; k < PB_DIM_COUNT; k++)
        pb_stmt_bind_int(st, 7 + k, q->filter[k]);
    pb_stmt_bind_text(st, 11, q->account);
    pb_amount_init(&debit);
    pb_amount_init(&credit);
    pb_amount_init(&bal);
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        row.account_id = pb_stmt_int(st, 0);
        row.account_code = pb_stmt_text(st, 1);
        row.account_name = pb_stmt_text(st, 2);
        if (pb_account_type_parse(&row.account_type, pb_stmt_text(st, 3),
                                  NULL) != PB_OK)
            row.account_type = PB_ACCOUNT_ASSET;
        row.dim_code = pb_stmt_text(st, 4);
        row.dim_name = pb_stmt_text(st, 5);
        pb_stmt_money(st, 6, &debit);
        pb_stmt_money(st, 7, &credit);
        pb_stmt_money(st, 8, &bal);
        row.debit = &debit;
        row.credit = &credit;
        row.balance = &bal;
        if ((rc = fn(&row, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    pb_amount_clear(&debit);
    pb_amount_clear(&credit);
    pb_amount_clear(&bal);
    return rc == PB_DONE ? PB_OK : rc;
}
