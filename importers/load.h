/*
 * load.h - poolbook's own CSV files: master data, budgets and postings in,
 * and the same layouts back out.
 *
 * Contents
 *   pb_load_kind    what a file holds: partners, pools, streams, schemes,
 *                   accounts, profiles, budgets, virements, contributions,
 *                   outturns, postings, forecasts
 *   pb_load_file    load one file: one transaction, one batch, all or
 *                   nothing, idempotent
 *   pb_load_dump    write what the book holds in the layout pb_load reads
 *
 * Every file: UTF-8 or Windows-1252 (Excel's "CSV"), with or without a
 * BOM, CRLF or LF line ends (importers/csv.h reads it); a header row of
 * the column names listed in docs/pool-model.md, in any order and case
 * ("Ring Fenced", "ring_fenced" and "RING-FENCED" are one column); an
 * unknown column, a repeated one, or a missing required one is refused
 * before any row is read.  Values are trimmed of surrounding spaces.  Rows
 * whose every field is empty are skipped.  Dates are YYYY-MM-DD or
 * DD/MM/YYYY; years 2024-25 or 2024/25; amounts as pb_amount_parse reads
 * them (1,234.56, (1,234.56), £1,234.56, -1234.56 ...) to the penny;
 * yes/no columns take yes, no, y, n, true, false, 1, 0 (blank: default).
 *
 * Semantics.  A load is one transaction with one batch row (kind
 * "load:<kind>", the file's name, SHA-256 and size): every row lands or
 * none does.  The first bad row stops it, and err says where:
 * "FILE:LINE: field: what is wrong" (LINE is the physical line the record
 * starts on).  A load that would change nothing writes nothing - no batch
 * either - so loading the same file twice leaves the book exactly as the
 * first load left it, and the result says so (0 added, 0 updated).
 * Master data (partners ... profiles, contributions, outturns) is updated
 * in place when a row differs from the book, each change logged;
 * forecasts are appended (a row that differs from the forecast in force
 * for its line and period is a correction, a new record); budgets
 * and virements follow budget.h (a changed budget becomes an adjustment
 * from the row's effective date; a virement is never changed); postings
 * are keyed by their entry id (source "poolbook-csv"): an entry already
 * in the book (and not reversed) is skipped if identical and refused if
 * not.
 */
#ifndef PB_LOAD_H
#define PB_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/book.h"
#include "ledger/budget.h"
#include "ledger/buf.h"

typedef enum pb_load_kind {
    PB_LOAD_PARTNERS = 0,
    PB_LOAD_POOLS,
    PB_LOAD_STREAMS,
    PB_LOAD_SCHEMES,
    PB_LOAD_ACCOUNTS,
    PB_LOAD_PROFILES,
    PB_LOAD_BUDGETS,
    PB_LOAD_VIREMENTS,
    PB_LOAD_CONTRIBUTIONS,
    PB_LOAD_OUTTURNS,
    PB_LOAD_POSTINGS,
    PB_LOAD_FORECASTS, /* reports/forecast.h: one row per line and period */
    PB_LOAD_KIND_COUNT
} pb_load_kind;

/* "partners", "pools", ... (the plural, as the command takes it). */
const char *pb_load_kind_name(pb_load_kind kind);
/* Parses a kind name (singular accepted too).  PB_EUSAGE, with a
 * suggestion, for anything else. */
int pb_load_kind_parse(pb_load_kind *out, const char *text, pb_error *err);

/* The header line pb_load_dump writes for a kind (its canonical columns,
 * comma-separated, no line end).  Static storage. */
const char *pb_load_header(pb_load_kind kind);

enum {
    PB_LOAD_DRY_RUN = 1 << 0 /* check everything, write nothing */
};

/* What a load did.  Records are rows for master data, budgets,
 * contributions and outturns; virements for virements; entries for
 * postings. */
typedef struct pb_load_result {
    int64_t rows;        /* data rows read (blank rows not counted) */
    int64_t added;       /* new records */
    int64_t updated;     /* records changed (master data, adjustments) */
    int64_t unchanged;   /* records the book already held exactly */
    int64_t postings;    /* postings written (postings files) */
    int64_t first_entry; /* ids of the entries posted, 0 if none */
    int64_t last_entry;
    int64_t batch_id;    /* the batch written, 0 when nothing was */
} pb_load_result;

/*
 * Loads data[0..len) (named `name` in messages and in the batch) as a
 * file of `kind`, in its own write transaction: the book must not be in
 * one.  Commits when something changed and PB_LOAD_DRY_RUN is not set;
 * otherwise rolls back, so nothing at all is written.  *out (required) is
 * filled in either case (on error: as far as the load got).
 * Errors: PB_EINVAL / PB_ENOTFOUND / PB_EUNBALANCED / PB_EREFUSED for bad
 * data, located as "name:LINE: field"; PB_EBUSY, PB_EDB, PB_EIO from
 * storage.  The book is unchanged after any error.
 */
int pb_load_mem(pb_book *b, pb_load_kind kind, const char *name,
                const char *data, size_t len, unsigned flags,
                pb_load_result *out, pb_error *err);

/* As pb_load_mem, reading the file at `path` (a regular file; PB_EIO
 * naming it when it cannot be read). */
int pb_load_file(pb_book *b, pb_load_kind kind, const char *path,
                 unsigned flags, pb_load_result *out, pb_error *err);

/*
 * Appends to out the book's records of `kind` as a CSV file in the layout
 * pb_load reads (header first, canonical column names, CRLF-free UTF-8,
 * ISO dates, canonical amounts, every month written out), restricted to
 * q's pool and year where the kind has them (q NULL: everything).
 * Loading the output back into the same book changes nothing.  Budgets
 * are written as base budgets (budget.h, pb_budget_base_each); virements
 * one row per leg.  Postings are not dumped (PB_EUSAGE): the journal has
 * its own exports.
 */
int pb_load_dump(pb_book *b, pb_load_kind kind, const pb_budget_query *q,
                 pb_buf *out, pb_error *err);

#endif
