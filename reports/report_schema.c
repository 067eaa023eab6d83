/*
 * report_schema.c - migration 4: what the month-end reports need beyond
 * the journal and the pool model: officers' forecasts, recorded per
 * period, and each pool's RAG thresholds.
 *
 * Tables
 *   forecast   append-only: the forecast outturn of one budget line for
 *              the year, as an officer recorded it at one month-end
 *              (period P1..P12 of the line's year), with who, when, the
 *              batch and a note.  A correction is a new row: the forecast
 *              of (line, period) is its newest row (highest id), or the
 *              newest recorded on or before a date when a past report is
 *              re-run as it was known then.  Amounts are INTEGER pence,
 *              signed like budgets: expenditure positive, income negative.
 *   rag_rule   append-only: the Red and Amber thresholds of one pool at
 *              one level (line, scheme, area, total), newest row wins in
 *              the same way.  A threshold is a percentage of the budget
 *              (exact decimal text, "5" = 5%) and/or an amount (INTEGER
 *              pence), combined "lower" (whichever is lower: crossing
 *              either is enough) or "higher" (both must be crossed).  An
 *              Amber threshold with neither part means "any adverse
 *              variance".  A pool and level without a row uses the
 *              published default (reports/rag.h).
 *
 * Invariants the database enforces: money is INTEGER in STRICT tables;
 * periods are P1..P12; levels and combinations are from their lists; a Red
 * threshold has a percentage or an amount; neither table can be updated
 * or deleted (triggers, verified by `poolbook check`).  Invariants
 * reports/forecast.c enforces: a forecast's period is in its line's year.
 */
#include "ledger/book_int.h"

#define NO_CHANGE(table, msg)                                                  \
    "CREATE TRIGGER " table "_no_update BEFORE UPDATE ON " table " BEGIN"      \
    "  SELECT RAISE(ABORT, '" msg "');"                                        \
    "END;"                                                                     \
    "CREATE TRIGGER " table "_no_delete BEFORE DELETE ON " table " BEGIN"      \
    "  SELECT RAISE(ABORT, '" msg "');"                                        \
    "END;"

const char pb_schema__report[] =
    "CREATE TABLE forecast ("
    "  id          INTEGER PRIMARY KEY,"
    "  line_id     INTEGER NOT NULL REFERENCES budget_line(id),"
    "  period      INTEGER NOT NULL CHECK (period % 100 BETWEEN 1 AND 12),"
    "  amount      INTEGER NOT NULL,"
    "  note        TEXT NOT NULL DEFAULT '',"
    "  batch_id    INTEGER REFERENCES batch(id),"
    "  recorded_by TEXT NOT NULL,"
    "  recorded_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX forecast_line ON forecast(line_id, period, id);"
    "CREATE INDEX forecast_period ON forecast(period, line_id);"

    "CREATE TABLE rag_rule ("
    "  id            INTEGER PRIMARY KEY,"
    "  pool_id       INTEGER NOT NULL REFERENCES pool(id),"
    "  level         TEXT NOT NULL CHECK (level IN ('line', 'scheme',"
    "                  'area', 'total')),"
    "  red_percent   TEXT," /* NULL: no percentage part */
    "  red_amount    INTEGER CHECK (red_amount >= 0),"
    "  red_combine   TEXT NOT NULL CHECK (red_combine IN ('lower',"
    "                  'higher')),"
    "  amber_percent TEXT,"
    "  amber_amount  INTEGER CHECK (amber_amount >= 0),"
    "  amber_combine TEXT NOT NULL CHECK (amber_combine IN ('lower',"
    "                  'higher')),"
    "  note          TEXT NOT NULL DEFAULT '',"
    "  batch_id      INTEGER REFERENCES batch(id),"
    "  recorded_by   TEXT NOT NULL,"
    "  recorded_at   TEXT NOT NULL,"
    "  CHECK (red_percent IS NOT NULL OR red_amount IS NOT NULL)"
    ") STRICT;"
    "CREATE INDEX rag_rule_pool ON rag_rule(pool_id, level, id);"

    NO_CHANGE("forecast", "recorded forecasts cannot be changed or deleted; "
                          "record a new forecast for the period")
    NO_CHANGE("rag_rule", "RAG thresholds cannot be changed or deleted; "
                          "record new thresholds");
