/*
 * load_forecast.c - the forecasts file: one forecast outturn per budget
 * line and month-end, as officers return them (reports/forecast.h has the
 * rules; this file reads rows into its definitions and says where a
 * refusal is).
 *
 *   pool,fy,period,scheme,stream,partner,amount,note
 *   BCF,2024-25,P06,LD,MIN-NHS,ICB,"1,970,000.00",placement pressures
 *
 * period is "2024-25 P06", "202406", or "P06" / "6" with the fy column.
 * A row whose figure is already the forecast in force for its line and
 * period changes nothing, so a file loads twice harmlessly; a different
 * figure is recorded as a correction (the old record is kept).
 */
#include <string.h>

#include "importers/load_int.h"
#include "reports/forecast.h"

enum {
    FO_POOL,
    FO_FY,
    FO_PERIOD,
    FO_SCHEME,
    FO_STREAM,
    FO_PARTNER,
    FO_AMOUNT,
    FO_NOTE
};

static const pb_load__col forecast_cols[] = {
    {"pool", NULL, PB_LOAD__REQUIRED},
    {"fy", "year", 0},
    {"period", NULL, PB_LOAD__REQUIRED},
    {"scheme", NULL, PB_LOAD__REQUIRED},
    {"stream", NULL, 0},
    {"partner", NULL, 0},
    {"amount", "forecast", PB_LOAD__REQUIRED},
    {"note", NULL, 0},
};

/* The row's period: its own year, or the fy column's. */
static int row_period(pb_load__ctx *c, pb_period *out, int *fy, pb_error *err)
{
    const char *text;
    bool has_fy = pb_load__has(c, FO_FY);
    int rc;

    if ((rc = pb_load__text(c, FO_PERIOD, true, &text, err)) != PB_OK)
        return rc;
    if (has_fy && (rc = pb_load__fy(c, FO_FY, fy, err)) != PB_OK)
        return rc;
    if (pb_period_parse(out, text, NULL, NULL) == PB_OK) {
        if (has_fy && pb_period_fy(*out) != *fy) {
            char a[PB_FY_STR_LEN], z[PB_FY_STR_LEN];
            int start = pb_book_fy_start(c->b);

            return pb_load__at(
                c, FO_PERIOD,
                pb_error_set(err, PB_EINVAL,
                             "period \"%s\" is in %s, but fy says %s", text,
                             pb_fy_str(pb_period_fy(*out), start, a),
                             pb_fy_str(*fy, start, z)),
                err);
        }
        *fy = pb_period_fy(*out);
        return PB_OK;
    }
    if (!has_fy)
        return pb_load__at(c, FO_PERIOD,
                           pb_error_set(err, PB_EINVAL,
                                        "\"%s\" needs its year: give a fy "
                                        "column, or a period such as "
                                        "\"2024-25 P06\"",
                                        text),
                           err);
    rc = pb_period_parse(out, text, fy, err);
    return rc == PB_OK ? PB_OK : pb_load__at(c, FO_PERIOD, rc, err);
}

static int forecast_row(pb_load__ctx *c, pb_error *err)
{
    pb_forecast_def d;
    pb_put_result r = PB_PUT_UNCHANGED;
    pb_amount amount;
    const char *note = NULL;
    int rc;

    pb_amount_init(&amount);
    memset(&d, 0, sizeof d);
    d.amount = &amount;
    if ((rc = pb_load__text(c, FO_POOL, true, &d.key.pool, err)) != PB_OK ||
        (rc = row_period(c, &d.period, &d.key.fy, err)) != PB_OK ||
        (rc = pb_load__text(c, FO_SCHEME, true, &d.key.scheme, err)) != PB_OK ||
        (rc = pb_load__text(c, FO_STREAM, false, &d.key.stream, err)) !=
            PB_OK ||
        (rc = pb_load__text(c, FO_PARTNER, false, &d.key.partner, err)) !=
            PB_OK ||
        (rc = pb_load__amount(c, FO_AMOUNT, PB_MONEY_SCALE, &amount, err)) !=
            PB_OK)
        goto done;
    if (pb_load__present(c, FO_NOTE))
        note = pb_load__get(c, FO_NOTE);
    d.note = note;
    pb_buf_reset(&c->key);
    pb_buf_printf(&c->key, "%s|%d|%s|%s|%s", d.key.pool, (int)d.period,
                  d.key.scheme, d.key.stream, d.key.partner);
    if ((rc = pb_load__unique(c, "a forecast for this line and period",
                              pb_buf_str(&c->key), FO_SCHEME, err)) != PB_OK)
        goto done;
    rc = pb_forecast_set(c->b, &d, c->batch, &r, err);
    rc = pb_load__done(c, rc, r, FO_AMOUNT, err);
done:
    pb_amount_clear(&amount);
    return rc;
}

const pb_load__kind_ops pb_load__forecasts = {PB_LOAD_FORECASTS,
                                              forecast_cols,
                                              sizeof forecast_cols /
                                                  sizeof forecast_cols[0],
                                              forecast_row,
                                              NULL,
                                              NULL};
