/*
 * pool_schema.c - migration 2: the pool model.
 *
 * Streams, schemes and partners ARE dimension values (rows of `dim`, so
 * postings refer to them); the tables here add their attributes, keyed by
 * the dim id.  Everything a report needs about a pool is in these tables
 * and in the journal; the reports read them, only ledger/pool.c and
 * ledger/budget.c write them.
 *
 * Tables
 *   partner        a contributing body: kind, code in its own ledger
 *   pool           an agreement: legal basis, host partner, pooled fund
 *                  manager, financial years covered (fy = the calendar
 *                  year a financial year starts in: 2024 is 2024-25), the
 *                  risk-share rule as text (syntax in pool.h; applied by a
 *                  later module)
 *   stream         a funding stream of one pool: contributing partner,
 *                  capital or revenue, ring-fenced, carries forward,
 *                  position in lists and reports (display_order)
 *   scheme         a scheme of one pool: host partner, budget manager,
 *                  pooled (1) or aligned (0: each partner keeps its own
 *                  budget and risk), area (a grouping for subtotals),
 *                  display_order
 *   profile        named monthly weights (exact decimal text), P1..P12
 *   budget_line    (pool, fy, scheme, stream or NULL, partner or NULL):
 *                  what a budget is set for; unique per key
 *   budget_change  append-only: every original budget, adjustment and
 *                  virement leg of a line, with the date it takes effect
 *                  from and its months in pence (m01 = P1)
 *   virement       an approved move of budget between lines; its legs are
 *                  budget_change rows of kind 'virement' summing to zero
 *   contribution   planned contribution per (pool, fy, partner, stream)
 *   outturn        actual outturn of year fy per budget-line key (the
 *                  "prior-year outturn" column of the report for fy+1)
 *   master_log     append-only: every master-data row added or changed by
 *                  a load, field by field, with batch, who and when
 *
 * Reading budgets (what the reports do): the budget of a line as at date
 * D is the sum of its changes with effective <= D, month by month; the
 * original budget is the sum of the 'original' ones.  Amounts are INTEGER
 * pence, signed: expenditure budgets positive, income budgets negative.
 *
 * Invariants the database enforces: money is INTEGER in STRICT tables; a
 * change's months sum to its amount; a change is a virement leg exactly
 * when it names a virement; budget changes, virements, budget lines and
 * the master log cannot be updated or deleted (triggers).  Invariants
 * ledger/budget.c enforces: a virement's legs sum to zero and take effect
 * on its date; a line's scheme and stream belong to its pool.
 */
#include "ledger/book_int.h"

#define ISO_DATE_GLOB "'[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"
#define MONTHS_INT(p)                                                          \
    "  " p "01 INTEGER NOT NULL, " p "02 INTEGER NOT NULL,"                    \
    "  " p "03 INTEGER NOT NULL, " p "04 INTEGER NOT NULL,"                    \
    "  " p "05 INTEGER NOT NULL, " p "06 INTEGER NOT NULL,"                    \
    "  " p "07 INTEGER NOT NULL, " p "08 INTEGER NOT NULL,"                    \
    "  " p "09 INTEGER NOT NULL, " p "10 INTEGER NOT NULL,"                    \
    "  " p "11 INTEGER NOT NULL, " p "12 INTEGER NOT NULL,"
#define MONTHS_TEXT(p)                                                         \
    "  " p "01 TEXT NOT NULL, " p "02 TEXT NOT NULL, " p "03 TEXT NOT NULL,"   \
    "  " p "04 TEXT NOT NULL, " p "05 TEXT NOT NULL, " p "06 TEXT NOT NULL,"   \
    "  " p "07 TEXT NOT NULL, " p "08 TEXT NOT NULL, " p "09 TEXT NOT NULL,"   \
    "  " p "10 TEXT NOT NULL, " p "11 TEXT NOT NULL, " p "12 TEXT NOT NULL"
#define NO_CHANGE(table, msg)                                                  \
    "CREATE TRIGGER " table "_no_update BEFORE UPDATE ON " table " BEGIN"      \
    "  SELECT RAISE(ABORT, '" msg "');"                                        \
    "END;"                                                                     \
    "CREATE TRIGGER " table "_no_delete BEFORE DELETE ON " table " BEGIN"      \
    "  SELECT RAISE(ABORT, '" msg "');"                                        \
    "END;"

const char pb_schema__pool[] =
    "CREATE TABLE partner ("
    "  dim_id      INTEGER PRIMARY KEY REFERENCES dim(id),"
    "  kind        TEXT NOT NULL CHECK (kind IN ('council', 'icb', 'ccg',"
    "                'nhs-trust', 'other')),"
    "  ledger_code TEXT NOT NULL DEFAULT ''"
    ") STRICT;"

    "CREATE TABLE pool ("
    "  id              INTEGER PRIMARY KEY,"
    "  code            TEXT NOT NULL UNIQUE,"
    "  name            TEXT NOT NULL,"
    "  basis           TEXT NOT NULL CHECK (basis IN ('s75-pooled',"
    "                    'aligned', 's75-other', 's76', 's256', 'single')),"
    "  host_partner_id INTEGER NOT NULL REFERENCES partner(dim_id),"
    "  manager         TEXT NOT NULL DEFAULT '',"
    "  first_fy        INTEGER NOT NULL,"
    "  last_fy         INTEGER," /* NULL: open-ended */
    "  risk_share      TEXT NOT NULL DEFAULT ''," /* '' = not recorded */
    "  created_at      TEXT NOT NULL,"
    "  CHECK (last_fy IS NULL OR last_fy >= first_fy)"
    ") STRICT;"

    "CREATE TABLE stream ("
    "  dim_id        INTEGER PRIMARY KEY REFERENCES dim(id),"
    "  pool_id       INTEGER NOT NULL REFERENCES pool(id),"
    "  partner_id    INTEGER NOT NULL REFERENCES partner(dim_id),"
    "  capital       INTEGER NOT NULL DEFAULT 0 CHECK (capital IN (0, 1)),"
    "  ring_fenced   INTEGER NOT NULL DEFAULT 0 CHECK (ring_fenced IN (0, 1)),"
    "  carry_forward INTEGER NOT NULL DEFAULT 0"
    "                  CHECK (carry_forward IN (0, 1)),"
    "  display_order INTEGER NOT NULL DEFAULT 0"
    ") STRICT;"
    "CREATE INDEX stream_pool ON stream(pool_id, display_order);"

    "CREATE TABLE scheme ("
    "  dim_id          INTEGER PRIMARY KEY REFERENCES dim(id),"
    "  pool_id         INTEGER NOT NULL REFERENCES pool(id),"
    "  host_partner_id INTEGER NOT NULL REFERENCES partner(dim_id),"
    "  manager         TEXT NOT NULL DEFAULT '',"
    "  pooled          INTEGER NOT NULL DEFAULT 1 CHECK (pooled IN (0, 1)),"
    "  area            TEXT NOT NULL DEFAULT '',"
    "  display_order   INTEGER NOT NULL DEFAULT 0"
    ") STRICT;"
    "CREATE INDEX scheme_pool ON scheme(pool_id, display_order);"

    "CREATE TABLE profile ("
    "  name        TEXT PRIMARY KEY,"
    "  description TEXT NOT NULL DEFAULT '',"
    MONTHS_TEXT("w")
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE budget_line ("
    "  id         INTEGER PRIMARY KEY,"
    "  pool_id    INTEGER NOT NULL REFERENCES pool(id),"
    "  fy         INTEGER NOT NULL,"
    "  scheme_id  INTEGER NOT NULL REFERENCES scheme(dim_id),"
    "  stream_id  INTEGER REFERENCES stream(dim_id),"
    "  partner_id INTEGER REFERENCES partner(dim_id)"
    ") STRICT;"
    "CREATE UNIQUE INDEX budget_line_key ON budget_line(pool_id, fy,"
    "  scheme_id, coalesce(stream_id, 0), coalesce(partner_id, 0));"

    "CREATE TABLE virement ("
    "  id           INTEGER PRIMARY KEY,"
    "  ref          TEXT NOT NULL UNIQUE,"
    "  date         TEXT NOT NULL CHECK (date GLOB " ISO_DATE_GLOB "),"
    "  reason       TEXT NOT NULL,"
    "  approval_ref TEXT NOT NULL DEFAULT '',"
    "  batch_id     INTEGER REFERENCES batch(id),"
    "  recorded_by  TEXT NOT NULL,"
    "  recorded_at  TEXT NOT NULL"
    ") STRICT;"

    "CREATE TABLE budget_change ("
    "  id          INTEGER PRIMARY KEY,"
    "  line_id     INTEGER NOT NULL REFERENCES budget_line(id),"
    "  kind        TEXT NOT NULL CHECK (kind IN ('original', 'adjustment',"
    "                'virement')),"
    "  effective   TEXT NOT NULL CHECK (effective GLOB " ISO_DATE_GLOB "),"
    "  amount      INTEGER NOT NULL,"
    MONTHS_INT("m")
    "  virement_id INTEGER REFERENCES virement(id),"
    "  batch_id    INTEGER REFERENCES batch(id),"
    "  note        TEXT NOT NULL DEFAULT '',"
    "  recorded_by TEXT NOT NULL,"
    "  recorded_at TEXT NOT NULL,"
    "  CHECK (m01 + m02 + m03 + m04 + m05 + m06 + m07 + m08 + m09 + m10"
    "         + m11 + m12 = amount),"
    "  CHECK ((kind = 'virement') = (virement_id IS NOT NULL))"
    ") STRICT;"
    "CREATE INDEX budget_change_line ON budget_change(line_id, effective);"
    "CREATE INDEX budget_change_virement ON budget_change(virement_id)"
    "  WHERE virement_id IS NOT NULL;"

    "CREATE TABLE contribution ("
    "  id         INTEGER PRIMARY KEY,"
    "  pool_id    INTEGER NOT NULL REFERENCES pool(id),"
    "  fy         INTEGER NOT NULL,"
    "  partner_id INTEGER NOT NULL REFERENCES partner(dim_id),"
    "  stream_id  INTEGER REFERENCES stream(dim_id),"
    "  amount     INTEGER NOT NULL,"
    "  note       TEXT NOT NULL DEFAULT ''"
    ") STRICT;"
    "CREATE UNIQUE INDEX contribution_key ON contribution(pool_id, fy,"
    "  partner_id, coalesce(stream_id, 0));"

    "CREATE TABLE outturn ("
    "  id         INTEGER PRIMARY KEY,"
    "  pool_id    INTEGER NOT NULL REFERENCES pool(id),"
    "  fy         INTEGER NOT NULL,"
    "  scheme_id  INTEGER NOT NULL REFERENCES scheme(dim_id),"
    "  stream_id  INTEGER REFERENCES stream(dim_id),"
    "  partner_id INTEGER REFERENCES partner(dim_id),"
    "  amount     INTEGER NOT NULL"
    ") STRICT;"
    "CREATE UNIQUE INDEX outturn_key ON outturn(pool_id, fy, scheme_id,"
    "  coalesce(stream_id, 0), coalesce(partner_id, 0));"

    "CREATE TABLE master_log ("
    "  id         INTEGER PRIMARY KEY,"
    "  batch_id   INTEGER REFERENCES batch(id),"
    "  kind       TEXT NOT NULL," /* 'partner', 'pool', 'stream' ... */
    "  key        TEXT NOT NULL," /* code, or the key's codes joined by ' ' */
    "  field      TEXT NOT NULL," /* '' for the row as a whole */
    "  old_value  TEXT,"          /* NULL when the row was added */
    "  new_value  TEXT NOT NULL,"
    "  changed_by TEXT NOT NULL,"
    "  changed_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX master_log_batch ON master_log(batch_id);"

    NO_CHANGE("budget_line", "budget lines cannot be changed or deleted")
    NO_CHANGE("budget_change", "budgets cannot be changed or deleted; "
                               "record an adjustment or a virement")
    NO_CHANGE("virement", "virements cannot be changed or deleted; "
                          "record a virement that moves the budget back")
    NO_CHANGE("master_log", "the master-data log cannot be changed");
