/*
 * import_schema.c - migration 3: what an import of a finance-system export
 * adds to the core's batch row.
 *
 * Tables
 *   import_batch  one row per import: the rules applied (preset name or
 *                 rules file, and the SHA-256 of the rules text), the
 *                 source system the rows came from (the scope in which
 *                 source references are unique), row counts and control
 *                 totals.  The batch row (migration 1) already holds the
 *                 file name, its SHA-256 and size, who and when.
 *   import_undo   one row per `import undo`: the undo batch, the import it
 *                 reversed, the reason and how many entries it reversed.
 *
 * Each posted entry links to its batch (entry.batch_id), to its source row
 * by source/source_ref (the row's key in the source system) and, through
 * its "source-line" or "source-record" tag, to the line or XML record of
 * the file it came from; tags are part of the entry's hash, so this link
 * is as tamper-evident as the amounts.
 *
 * Invariants: both tables are append-only (the triggers abort any UPDATE
 * or DELETE), money is INTEGER pence, an import is undone at most once.
 */
#include "ledger/book_int.h"

const char pb_schema__import[] =
    "CREATE TABLE import_batch ("
    "  batch_id       INTEGER PRIMARY KEY REFERENCES batch(id),"
    "  preset         TEXT," /* NULL: a rules file */
    "  rules_file     TEXT," /* NULL: a preset alone */
    "  rules_sha256   TEXT NOT NULL,"
    "  source         TEXT NOT NULL," /* source system identifier */
    "  rows_read      INTEGER NOT NULL CHECK (rows_read >= 0),"
    "  rows_posted    INTEGER NOT NULL CHECK (rows_posted >= 0),"
    "  rows_skipped   INTEGER NOT NULL CHECK (rows_skipped >= 0),"
    "  rows_ignored   INTEGER NOT NULL CHECK (rows_ignored >= 0),"
    "  rows_unmatched INTEGER NOT NULL CHECK (rows_unmatched >= 0),"
    "  entries        INTEGER NOT NULL CHECK (entries >= 0),"
    "  file_total     INTEGER NOT NULL," /* pence: every row read */
    "  posted_total   INTEGER NOT NULL," /* pence: the rows posted */
    "  suspense       TEXT NOT NULL DEFAULT '',"
    "  strict         INTEGER NOT NULL CHECK (strict IN (0, 1))"
    ") STRICT;"

    "CREATE TABLE import_undo ("
    "  batch_id INTEGER PRIMARY KEY REFERENCES batch(id),"
    "  undoes   INTEGER NOT NULL UNIQUE REFERENCES import_batch(batch_id),"
    "  reason   TEXT NOT NULL CHECK (reason <> ''),"
    "  reversed INTEGER NOT NULL CHECK (reversed >= 0)"
    ") STRICT;"

    "CREATE TRIGGER import_batch_no_update BEFORE UPDATE ON import_batch"
    "  BEGIN SELECT RAISE(ABORT, 'import records cannot be changed');"
    "END;"
    "CREATE TRIGGER import_batch_no_delete BEFORE DELETE ON import_batch"
    "  BEGIN SELECT RAISE(ABORT, 'import records cannot be deleted');"
    "END;"
    "CREATE TRIGGER import_undo_no_update BEFORE UPDATE ON import_undo"
    "  BEGIN SELECT RAISE(ABORT, 'import records cannot be changed');"
    "END;"
    "CREATE TRIGGER import_undo_no_delete BEFORE DELETE ON import_undo"
    "  BEGIN SELECT RAISE(ABORT, 'import records cannot be deleted');"
    "END;";
