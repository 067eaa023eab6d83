/*
 * schema.c - migration 1: the core of the book.
 *
 * Tables
 *   meta          settings (fy_start_month, currency, created_at ...)
 *   account       chart of accounts: code, hierarchical name, type
 *   dim           dimension values: funding streams, schemes, partners,
 *                 cost centres (attributes of the first three live in the
 *                 pool model's tables, migration 2)
 *   batch         one row per command or import that posted entries
 *   entry         journal entries, hash-chained, append-only
 *   posting       entry lines: account, INTEGER pence, dimensions
 *   tag           free key=value tags on an entry (line 0) or a posting
 *   balance       per-period balance cache, maintained as entries post
 *   period_state  closed periods; period_log: every close and reopen
 *
 * Invariants the database itself enforces: money columns are INTEGER in
 * STRICT tables (no REAL can be stored, no NUMERIC affinity); entries,
 * postings, tags and the period log cannot be updated or deleted (the
 * triggers abort); an entry is reversed at most once.  Invariants the
 * journal enforces and `poolbook check` verifies: every entry balances,
 * the hash chain is intact, the balance cache equals the postings, and no
 * entry was posted into a period while it was closed.
 */
#include "ledger/book_int.h"

const char pb_schema__core[] =
    "CREATE TABLE meta ("
    "  key   TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE account ("
    "  id        INTEGER PRIMARY KEY,"
    "  code      TEXT NOT NULL UNIQUE,"
    "  name      TEXT NOT NULL UNIQUE,"
    "  type      TEXT NOT NULL CHECK (type IN ('asset', 'liability',"
    "              'equity', 'income', 'expenditure')),"
    "  closed    INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),"
    "  opened_at TEXT NOT NULL,"
    "  closed_at TEXT"
    ") STRICT;"

    "CREATE TABLE dim ("
    "  id   INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('stream', 'scheme', 'partner',"
    "         'cost_centre')),"
    "  code TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  UNIQUE (kind, code)"
    ") STRICT;"

    "CREATE TABLE batch ("
    "  id         INTEGER PRIMARY KEY,"
    "  kind       TEXT NOT NULL,"
    "  source     TEXT NOT NULL DEFAULT '',"
    "  sha256     TEXT,"
    "  size       INTEGER,"
    "  detail     TEXT NOT NULL DEFAULT '',"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open',"
    "               'done')),"
    "  rows       INTEGER NOT NULL DEFAULT 0,"
    "  entries    INTEGER NOT NULL DEFAULT 0,"
    "  note       TEXT NOT NULL DEFAULT '',"
    /* Entries of a batch have ids in first_entry..last_entry (a batch is
     * written by one transaction, which holds the write lock), so queries
     * by batch need no index on entry.batch_id. */
    "  first_entry INTEGER NOT NULL,"
    "  last_entry  INTEGER"
    ") STRICT;"
    "CREATE INDEX batch_sha256 ON batch(sha256) WHERE sha256 IS NOT NULL;"

    "CREATE TABLE entry ("
    "  id          INTEGER PRIMARY KEY,"
    "  date        TEXT NOT NULL CHECK (date GLOB"
    "                '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),"
    "  period      INTEGER NOT NULL CHECK (period % 100 BETWEEN 0 AND 16),"
    "  description TEXT NOT NULL,"
    "  reference   TEXT NOT NULL DEFAULT '',"
    "  entered_by  TEXT NOT NULL,"
    "  entered_at  TEXT NOT NULL,"
    "  reverses    INTEGER REFERENCES entry(id),"
    "  batch_id    INTEGER REFERENCES batch(id),"
    "  source      TEXT,"
    "  source_ref  TEXT,"
    "  source_pos  TEXT,"  /* "line 12", "lines 12-15", "record 7" */
    "  prev_hash   BLOB NOT NULL CHECK (length(prev_hash) = 32),"
    "  hash        BLOB NOT NULL CHECK (length(hash) = 32)"
    ") STRICT;"
    "CREATE INDEX entry_period ON entry(period, date);"
    "CREATE UNIQUE INDEX entry_reverses ON entry(reverses)"
    "  WHERE reverses IS NOT NULL;"
    "CREATE INDEX entry_source ON entry(source, source_ref)"
    "  WHERE source_ref IS NOT NULL;"

    "CREATE TABLE posting ("
    "  entry_id   INTEGER NOT NULL REFERENCES entry(id),"
    "  line       INTEGER NOT NULL CHECK (line >= 1),"
    "  account_id INTEGER NOT NULL REFERENCES account(id),"
    "  amount     INTEGER NOT NULL,"
    "  stream_id  INTEGER REFERENCES dim(id),"
    "  scheme_id  INTEGER REFERENCES dim(id),"
    "  partner_id INTEGER REFERENCES dim(id),"
    "  cc_id      INTEGER REFERENCES dim(id),"
    "  memo       TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (entry_id, line)"
    ") STRICT, WITHOUT ROWID;"
    /* One index besides the key: by account, for registers and ledgers.
     * Balances by stream or scheme come from the cache, not from postings,
     * so indexes by dimension would cost every posting a b-tree insert
     * (a third of batch posting time) for no reader. */
    "CREATE INDEX posting_account ON posting(account_id, entry_id);"

    "CREATE TABLE tag ("
    "  entry_id INTEGER NOT NULL REFERENCES entry(id),"
    "  line     INTEGER NOT NULL CHECK (line >= 0),"
    "  key      TEXT NOT NULL,"
    "  value    TEXT NOT NULL,"
    "  PRIMARY KEY (entry_id, line, key)"
    ") STRICT, WITHOUT ROWID;"

    /* The cache: one row per (period, account, dimensions), 0 where a
     * posting has no value for a dimension.  debit and credit are the
     * turnover in pence, both >= 0; the balance is debit - credit. */
    "CREATE TABLE balance ("
    "  period     INTEGER NOT NULL,"
    "  account_id INTEGER NOT NULL,"
    "  stream_id  INTEGER NOT NULL,"
    "  scheme_id  INTEGER NOT NULL,"
    "  partner_id INTEGER NOT NULL,"
    "  cc_id      INTEGER NOT NULL,"
    "  debit      INTEGER NOT NULL CHECK (debit >= 0),"
    "  credit     INTEGER NOT NULL CHECK (credit >= 0),"
    "  postings   INTEGER NOT NULL,"
    "  PRIMARY KEY (period, account_id, stream_id, scheme_id, partner_id,"
    "               cc_id)"
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE period_state ("
    "  period     INTEGER PRIMARY KEY,"
    "  closed     INTEGER NOT NULL CHECK (closed IN (0, 1)),"
    "  changed_by TEXT NOT NULL,"
    "  changed_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE period_log ("
    "  id     INTEGER PRIMARY KEY,"
    "  period INTEGER NOT NULL,"
    "  action TEXT NOT NULL CHECK (action IN ('close', 'reopen')),"
    "  reason TEXT NOT NULL,"
    "  by     TEXT NOT NULL,"
    "  at     TEXT NOT NULL,"
    "  last_entry INTEGER NOT NULL"  /* newest entry id when it happened */
    ") STRICT;"

    /* Append-only, enforced by the database itself. */
    "CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry BEGIN"
    "  SELECT RAISE(ABORT, 'posted entries cannot be changed; post a "
    "reversal instead');"
    "END;"
    "CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry BEGIN"
    "  SELECT RAISE(ABORT, 'posted entries cannot be deleted; post a "
    "reversal instead');"
    "END;"
    "CREATE TRIGGER posting_no_update BEFORE UPDATE ON posting BEGIN"
    "  SELECT RAISE(ABORT, 'posted entries cannot be changed; post a "
    "reversal instead');"
    "END;"
    "CREATE TRIGGER posting_no_delete BEFORE DELETE ON posting BEGIN"
    "  SELECT RAISE(ABORT, 'posted entries cannot be deleted; post a "
    "reversal instead');"
    "END;"
    "CREATE TRIGGER tag_no_update BEFORE UPDATE ON tag BEGIN"
    "  SELECT RAISE(ABORT, 'tags of posted entries cannot be changed');"
    "END;"
    "CREATE TRIGGER tag_no_delete BEFORE DELETE ON tag BEGIN"
    "  SELECT RAISE(ABORT, 'tags of posted entries cannot be deleted');"
    "END;"
    "CREATE TRIGGER period_log_no_update BEFORE UPDATE ON period_log BEGIN"
    "  SELECT RAISE(ABORT, 'the period log cannot be changed');"
    "END;"
    "CREATE TRIGGER period_log_no_delete BEFORE DELETE ON period_log BEGIN"
    "  SELECT RAISE(ABORT, 'the period log cannot be changed');"
    "END;"
    /* A batch is filled in while open, then frozen. */
    "CREATE TRIGGER batch_frozen BEFORE UPDATE ON batch"
    "  WHEN OLD.status = 'done' BEGIN"
    "  SELECT RAISE(ABORT, 'a finished batch cannot be changed');"
    "END;"
    "CREATE TRIGGER batch_no_delete BEFORE DELETE ON batch BEGIN"
    "  SELECT RAISE(ABORT, 'batches cannot be deleted');"
    "END;";
