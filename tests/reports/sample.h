/*
 * sample.h - two report tables built from published figures, shared by
 * test_table.c and test_render.c (static functions: each test binary gets
 * its own copy; tests/support is not ours to extend).
 *
 * sample_budget(): DOMAIN.md layout B, seed 001 "Adult Social Care budget
 * monitoring, Month 11 (February)" 2023/24, in £M.  The seed prints values
 * rounded to £10,000; the unrounded pound values below were chosen (by
 * hand, see the margins noted per row) so that every printed cell equals
 * the seed's AND the totals come out as published from the unrounded
 * values: the budget rows print 1.16 ... 3.77, which add up to 90.16, but
 * the total prints 90.17 (and the prior-year rows add to 89.61 against a
 * total of 89.60).  Variance = forecast - budget and movement = variance
 * - P10 variance are computed here exactly, never typed in.
 *
 * sample_running(): DOMAIN.md layout A, seed 000 "Running Balances"
 * 2024-25 month 6, whole pounds with "£"; balance = income - spend and
 * % spent = spend / income computed exactly, blank where income is zero,
 * the total % from the totals.
 */
#ifndef PB_TEST_REPORTS_SAMPLE_H
#define PB_TEST_REPORTS_SAMPLE_H

#include <string.h>

#include "ledger/amount.h"
#include "ledger/date.h"
#include "reports/table.h"

static void sample_amount(pb_amount *a, const char *text)
{
    static const pb_amount_syntax syn = {PB_MONEY_SCALE, false};
    int rc = pb_amount_parse(a, text, strlen(text), &syn, NULL);

    (void)rc;
    assert_int_equal(rc, PB_OK);
}

enum {
    B_AREA,
    B_BUDGET,
    B_FORECAST,
    B_VAR,
    B_PREV,
    B_MOVE,
    B_RAG,
    B_TREND,
    B_ACTUAL,
    B_PRIOR,
    B_NCOLS
};

typedef struct sample_budget_row {
    const char *area;
    const char *budget, *forecast, *prev, *actual, *prior; /* pounds */
    pb_indicator rag;
} sample_budget_row;

/* Offsets from the printed figure are noted as (+4,000) etc. */
static const sample_budget_row sample_budget_rows[] = {
    {"Adults - Adult Services Management", "1160000", "870000", "-340000",
     "690000", "1690000", PB_IND_GREEN},
    {"Adults - Long Term", "45144000" /* +4,000 */, "48190000",
     "3555500" /* -4,500 */, "37670000", "43276000" /* -4,000 */, PB_IND_RED},
    {"Adults - Provider Services", "4290000", "3846000" /* -4,000 */,
     "-455000" /* +5,000: movement 0.011 A as published */, "3680000",
     "4610000", PB_IND_GREEN},
    {"Adults - Reablement & Hospital Discharge", "8800000",
     "7884900" /* +4,900 */, "-870000", "8840000", "8210000", PB_IND_GREEN},
    {"Adults - Safeguarding AMH & OOH", "14023000" /* +3,000 */, "13640000",
     "-80000", "12040000", "13686000" /* -4,000 */, PB_IND_GREEN},
    {"ICU - Provider Relationships", "14941900" /* +1,900 */,
     "14594000" /* +4,000 */, "-240000", "11720000", "13698000" /* -2,000 */,
     PB_IND_GREEN},
    {"ICU - System Redesign", "1630000", "1620000", "-10000", "2800000",
     "2030000", PB_IND_GREEN},
    {"Public Health - Health Improvement", "1700000", "1700000", "0", "800000",
     "2180000", PB_IND_GREEN},
    {"Public Health - Health Protection and Surveillance", "9800000", "9800000",
     "0", "7420000", "9880000", PB_IND_GREEN},
    {"Public Health - Management & Overheads", "-15280000",
     "-15284000" /* -4,000: variance -0.004 prints "0.00 F" */, "-4000",
     "-17160000", "-15820000", PB_IND_GREEN},
    {"Public Health - Non-ringfenced", "190000", "190000", "0", "160000",
     "2400000", PB_IND_GREEN},
    {"Public Health - Population Healthcare", "3770000", "3770000", "0",
     "310000", "3760000", PB_IND_GREEN},
};

#define SAMPLE_BUDGET_ROWS                                                     \
    (sizeof sample_budget_rows / sizeof sample_budget_rows[0])

/* The arrow for a movement: less adverse (negative) is improving. */
static pb_arrow sample_arrow(const pb_amount *movement)
{
    int s = pb_amount_sign(movement);

    return s < 0   ? PB_ARROW_IMPROVING
           : s > 0 ? PB_ARROW_DETERIORATING
                   : PB_ARROW_UNCHANGED;
}

static pb_table *sample_budget(void)
{
    pb_table *t = pb_table_new("budget-monitoring",
                               "Adult Social Care budget monitoring, "
                               "Month 11 (February)");
    pb_amount b, f, p, v, m;
    size_t i, r, j;

    pb_amount_init(&b);
    pb_amount_init(&f);
    pb_amount_init(&p);
    pb_amount_init(&v);
    pb_amount_init(&m);
    pb_table_add_column(t, "area", "Service area", PB_COL_TEXT);
    pb_table_add_column(t, "budget", "Current budget", PB_COL_AMOUNT);
    pb_table_add_column(t, "forecast", "Forecast", PB_COL_AMOUNT);
    pb_table_add_column(t, "variance", "Forecast variance at P11",
                        PB_COL_VARIANCE);
    pb_table_add_column(t, "variance_prev", "Variance at P10", PB_COL_VARIANCE);
    pb_table_add_column(t, "movement", "Movement since P10", PB_COL_VARIANCE);
    pb_table_add_column(t, "rag", "RAG", PB_COL_INDICATOR);
    pb_table_add_column(t, "trend",
                        "Improving \xE2\x86\x91 / "
                        "Deteriorating \xE2\x86\x93",
                        PB_COL_ARROW);
    pb_table_add_column(t, "actual", "Actual to date", PB_COL_AMOUNT);
    pb_table_add_column(t, "prior", "Prior-year outturn", PB_COL_AMOUNT);
    pb_table_column_negative(t, B_BUDGET, PB_NEG_BRACKETS);
    pb_table_column_negative(t, B_FORECAST, PB_NEG_BRACKETS);
    pb_table_column_negative(t, B_ACTUAL, PB_NEG_BRACKETS);
    pb_table_column_negative(t, B_PRIOR, PB_NEG_BRACKETS);
    pb_table_set_pool(t, "ASC", "Adult Social Care (seed 001)");
    pb_table_set_period(t, pb_period_make(2023, 11), 4);
    pb_table_set_as_at(t, pb_date_from_ymd(2024, 2, 29));
    pb_table_set_units(t, PB_UNITS_MILLION, -1);
    pb_table_add_filter(t, "directorate", "Directorate", "Community Wellbeing");
    for (i = 0; i < SAMPLE_BUDGET_ROWS; i++) {
        const sample_budget_row *s = &sample_budget_rows[i];

        r = pb_table_add_row(t, PB_ROW_DETAIL, 0);
        sample_amount(&b, s->budget);
        sample_amount(&f, s->forecast);
        sample_amount(&p, s->prev);
        pb_amount_sub(&v, &f, &b);
        pb_amount_sub(&m, &v, &p);
        pb_table_set_text(t, r, B_AREA, s->area);
        pb_table_set_amount(t, r, B_BUDGET, &b);
        pb_table_set_amount(t, r, B_FORECAST, &f);
        pb_table_set_amount(t, r, B_VAR, &v);
        pb_table_set_amount(t, r, B_PREV, &p);
        pb_table_set_amount(t, r, B_MOVE, &m);
        pb_table_set_indicator(t, r, B_RAG, s->rag);
        pb_table_set_arrow(t, r, B_TREND, sample_arrow(&m));
        sample_amount(&b, s->actual);
        pb_table_set_amount(t, r, B_ACTUAL, &b);
        sample_amount(&b, s->prior);
        pb_table_set_amount(t, r, B_PRIOR, &b);
    }
    r = pb_table_add_row(t, PB_ROW_TOTAL, 0);
    pb_table_set_text(t, r, B_AREA, "Total Adult Social Care");
    for (j = B_BUDGET; j <= B_PRIOR; j++) {
        if (j == B_RAG || j == B_TREND)
            continue;
        pb_table_sum(&b, t, j, 0, r);
        pb_table_set_amount(t, r, j, &b);
        if (j == B_MOVE)
            pb_table_set_arrow(t, r, B_TREND, sample_arrow(&b));
    }
    pb_table_set_indicator(t, r, B_RAG, PB_IND_RED);
    pb_table_add_note(t, "Unrounded values chosen to reproduce the published "
                         "Month 11 table; totals are computed from them.");
    pb_table_add_chart(t, "Budget against forecast by service area", B_AREA,
                       B_BUDGET, B_FORECAST);
    pb_amount_clear(&b);
    pb_amount_clear(&f);
    pb_amount_clear(&p);
    pb_amount_clear(&v);
    pb_amount_clear(&m);
    return t;
}

/* Every cell of the published table, as the seed prints it (the arrow
 * "\\downarrow" of the extracted text is "↓"). */
static const char *const sample_budget_printed[][B_NCOLS] = {
    {"Adults - Adult Services Management", "1.16", "0.87", "0.29 F", "0.34 F",
     "0.05 A", "Green", "\xE2\x86\x93", "0.69", "1.69"},
    {"Adults - Long Term", "45.14", "48.19", "3.05 A", "3.56 A", "0.51 F",
     "Red", "\xE2\x86\x91", "37.67", "43.28"},
    {"Adults - Provider Services", "4.29", "3.85", "0.44 F", "0.46 F", "0.01 A",
     "Green", "\xE2\x86\x93", "3.68", "4.61"},
    {"Adults - Reablement & Hospital Discharge", "8.80", "7.88", "0.92 F",
     "0.87 F", "0.05 F", "Green", "\xE2\x86\x91", "8.84", "8.21"},
    {"Adults - Safeguarding AMH & OOH", "14.02", "13.64", "0.38 F", "0.08 F",
     "0.30 F", "Green", "\xE2\x86\x91", "12.04", "13.69"},
    {"ICU - Provider Relationships", "14.94", "14.59", "0.35 F", "0.24 F",
     "0.11 F", "Green", "\xE2\x86\x91", "11.72", "13.70"},
    {"ICU - System Redesign", "1.63", "1.62", "0.01 F", "0.01 F", "0.00",
     "Green", "-", "2.80", "2.03"},
    {"Public Health - Health Improvement", "1.70", "1.70", "0.00", "0.00",
     "0.00", "Green", "-", "0.80", "2.18"},
    {"Public Health - Health Protection and Surveillance", "9.80", "9.80",
     "0.00", "0.00", "0.00", "Green", "-", "7.42", "9.88"},
    {"Public Health - Management & Overheads", "(15.28)", "(15.28)", "0.00 F",
     "0.00 F", "0.00", "Green", "-", "(17.16)", "(15.82)"},
    {"Public Health - Non-ringfenced", "0.19", "0.19", "0.00", "0.00", "0.00",
     "Green", "-", "0.16", "2.40"},
    {"Public Health - Population Healthcare", "3.77", "3.77", "0.00", "0.00",
     "0.00", "Green", "-", "0.31", "3.76"},
    {"Total Adult Social Care", "90.17", "90.82", "0.65 A", "1.56 A", "0.90 F",
     "Red", "\xE2\x86\x91", "68.97", "89.60"},
};

enum { A_STREAM, A_INCOME, A_SPENT, A_PCT, A_BALANCE, A_NCOLS };

static const char *const sample_running_inputs[][3] = {
    {"DFG", "2741399", "1047233"},
    {"Minimum NHS Contribution", "23080574", "11612525"},
    {"IBCF", "10704789", "5352395"},
    {"Additional LA Contribution", "0", "0"},
    {"Additional NHS Contribution", "0", "0"},
    {"Local Authority Discharge Funding", "2501325", "1250662"},
    {"ICB Discharge Funding", "2270958", "1137156"},
};

#define SAMPLE_RUNNING_ROWS                                                    \
    (sizeof sample_running_inputs / sizeof sample_running_inputs[0])

static void sample_percent(pb_table *t, size_t r, const pb_amount *spent,
                           const pb_amount *income)
{
    pb_ratio q;

    if (pb_amount_is_zero(income))
        return; /* blank where income is zero */
    pb_ratio_init(&q);
    assert_int_equal(pb_ratio_div(&q, spent, income, NULL), PB_OK);
    pb_table_set_ratio(t, r, A_PCT, &q);
    pb_ratio_clear(&q);
}

static pb_table *sample_running(void)
{
    pb_table *t =
        pb_table_new("running-balances", "Running balances per funding stream");
    pb_amount in, out, bal;
    size_t i, r;

    pb_amount_init(&in);
    pb_amount_init(&out);
    pb_amount_init(&bal);
    pb_table_add_column(t, "stream", "Funding stream", PB_COL_TEXT);
    pb_table_add_column(t, "income", "Income", PB_COL_AMOUNT);
    pb_table_add_column(t, "spent", "Expenditure to date", PB_COL_AMOUNT);
    pb_table_add_column(t, "percent_spent", "Percentage spent", PB_COL_PERCENT);
    pb_table_add_column(t, "balance", "Balance", PB_COL_AMOUNT);
    pb_table_set_pool(t, "BCF", "Better Care Fund 2024-25 (seed 000)");
    pb_table_set_period(t, pb_period_make(2024, 6), 4);
    pb_table_set_as_at(t, pb_date_from_ymd(2024, 9, 30));
    pb_table_set_units(t, PB_UNITS_ONE, 0);
    pb_table_set_currency(t, true);
    for (i = 0; i < SAMPLE_RUNNING_ROWS; i++) {
        r = pb_table_add_row(t, PB_ROW_DETAIL, 0);
        sample_amount(&in, sample_running_inputs[i][1]);
        sample_amount(&out, sample_running_inputs[i][2]);
        pb_amount_sub(&bal, &in, &out);
        pb_table_set_text(t, r, A_STREAM, sample_running_inputs[i][0]);
        pb_table_set_amount(t, r, A_INCOME, &in);
        pb_table_set_amount(t, r, A_SPENT, &out);
        sample_percent(t, r, &out, &in);
        pb_table_set_amount(t, r, A_BALANCE, &bal);
    }
    r = pb_table_add_row(t, PB_ROW_TOTAL, 0);
    pb_table_set_text(t, r, A_STREAM, "Total");
    pb_table_sum(&in, t, A_INCOME, 0, r);
    pb_table_sum(&out, t, A_SPENT, 0, r);
    pb_table_sum(&bal, t, A_BALANCE, 0, r);
    pb_table_set_amount(t, r, A_INCOME, &in);
    pb_table_set_amount(t, r, A_SPENT, &out);
    sample_percent(t, r, &out, &in);
    pb_table_set_amount(t, r, A_BALANCE, &bal);
    pb_table_add_chart(t, "Income against expenditure to date by stream",
                       A_STREAM, A_INCOME, A_SPENT);
    pb_amount_clear(&in);
    pb_amount_clear(&out);
    pb_amount_clear(&bal);
    return t;
}

static const char *const sample_running_printed[][A_NCOLS] = {
    {"DFG", "£2,741,399", "£1,047,233", "38.20%", "£1,694,166"},
    {"Minimum NHS Contribution", "£23,080,574", "£11,612,525", "50.31%",
     "£11,468,049"},
    {"IBCF", "£10,704,789", "£5,352,395", "50.00%", "£5,352,394"},
    {"Additional LA Contribution", "£0", "£0", "", "£0"},
    {"Additional NHS Contribution", "£0", "£0", "", "£0"},
    {"Local Authority Discharge Funding", "£2,501,325", "£1,250,662", "50.00%",
     "£1,250,663"},
    {"ICB Discharge Funding", "£2,270,958", "£1,137,156", "50.07%",
     "£1,133,802"},
    {"Total", "£41,299,045", "£20,399,971", "49.40%", "£20,899,074"},
};

#endif
