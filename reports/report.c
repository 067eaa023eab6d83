/*
 * report.c - what every report shares: default options, the as-at range,
 * units and rounding, dimension filters resolved and stated in the table,
 * and the read transaction that makes a report one snapshot.
 */
#include "reports/report.h"

#include <stdio.h>
#include <string.h>

#include "reports/report_int.h"

void pb_report_opts_init(pb_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->places = -1;
    o->rounding = PB_ROUND_HALF_UP;
}

/* A period that ends the year also takes its adjustment periods. */
static pb_period through(pb_period p)
{
    if (pb_period_num(p) == 12)
        return pb_period_make(pb_period_fy(p), PB_PERIOD_MAX);
    return p;
}

pb_period pb_report__to(pb_book *b, const pb_report_opts *o)
{
    int fy_start = pb_book_fy_start(b);

    if (o->has_period)
        return through(o->period);
    if (o->has_as_of) {
        pb_period p = pb_period_of_date(o->as_of, fy_start);

        if (o->as_of == pb_fy_last_day(pb_period_fy(p), fy_start))
            return pb_period_make(pb_period_fy(p), PB_PERIOD_MAX);
        return p;
    }
    return PB_REPORT__ALL;
}

void pb_report__as_at(pb_book *b, const pb_report_opts *o, pb_balance_query *q)
{
    if (o->has_period) {
        q->to = through(o->period);
    } else if (o->has_as_of) {
        q->has_as_of = true;
        q->as_of = o->as_of;
    }
    (void)b;
}

static const char dim_name_sql[] = "SELECT code, name FROM dim WHERE id = ?";

int pb_report__common(pb_table *t, pb_book *b, const pb_report_opts *o,
                      pb_report__dims *dims, pb_error *err)
{
    const pb_table_params *p = pb_table_params_get(t);
    int fy_start = pb_book_fy_start(b);
    pb_buf v = PB_BUF_INIT;
    pb_stmt *st;
    int k, rc;

    memset(dims, 0, sizeof *dims);
    if (o->has_period) {
        pb_table_set_period(t, o->period, fy_start);
        pb_table_set_as_at(t, pb_period_last_day(o->period, fy_start));
    } else if (o->has_as_of) {
        pb_table_set_period(t, pb_period_of_date(o->as_of, fy_start), fy_start);
        pb_table_set_as_at(t, o->as_of);
    }
    if (o->has_units || o->places >= 0)
        pb_table_set_units(t, o->has_units ? o->units : p->units, o->places);
    pb_table_set_rounding(t, o->rounding);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (o->filter[k] == NULL)
            continue;
        rc = pb_dim_find(b, (pb_dim_kind)k, o->filter[k], &dims->id[k], err);
        if (rc != PB_OK)
            goto done;
        dims->any = true;
        if ((rc = pb_book_prepare(b, &st, dim_name_sql, err)) != PB_OK)
            goto done;
        pb_stmt_bind_int(st, 1, dims->id[k]);
        pb_buf_reset(&v);
        if ((rc = pb_stmt_step(st, err)) == PB_ROW) {
            pb_buf_puts(&v, pb_stmt_text(st, 0));
            if (*pb_stmt_text(st, 1) != '\0')
                pb_buf_printf(&v, " - %s", pb_stmt_text(st, 1));
        }
        pb_stmt_release(st);
        if (rc < 0)
            goto done;
        {
            /* "funding stream" -> "Funding stream" for the title block. */
            char label[32];

            snprintf(label, sizeof label, "%s",
                     pb_dim_kind_title((pb_dim_kind)k));
            label[0] =
                (char)(label[0] -
                       ('a' <= label[0] && label[0] <= 'z' ? 'a' - 'A' : 0));
            pb_table_add_filter(t, pb_dim_kind_key((pb_dim_kind)k), label,
                                pb_buf_str(&v));
        }
    }
    rc = PB_OK;
done:
    pb_buf_clear(&v);
    return rc;
}

int pb_report__begin(pb_book *b, bool *opened, pb_error *err)
{
    int rc;

    *opened = false;
    if (pb_book_in_tx(b))
        return PB_OK;
    if ((rc = pb_book_begin_read(b, err)) != PB_OK)
        return rc;
    *opened = true;
    return PB_OK;
}
