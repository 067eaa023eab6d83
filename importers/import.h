/*
 * import.h - importing a finance-system export into the book, and the
 * provenance an auditor reads back.
 *
 * Contents
 *   pb_import_load_rules   a preset or a rules file -> pb_rules
 *   pb_import_file         the import: read, map, dedupe, post, record
 *   pb_import_undo         reverse every entry of an import, never delete
 *   pb_import_each         imports as recorded (list / show)
 *   pb_import_unmatched_each, pb_import_accounts_each   details for show
 *
 * Semantics an auditor relies on:
 *   - all or nothing: pb_import_file works inside the caller's one write
 *     transaction; on any error the caller rolls back and the book is as
 *     it was.  A dry run is an import rolled back.
 *   - idempotent: a file whose SHA-256 matches an import not undone is
 *     not read again (result.already names that batch); a row whose
 *     source reference (or a group whose key) is already in the book from
 *     the same source, not reversed, is skipped and counted, so an export
 *     that overlaps an earlier one posts only its new rows.
 *   - provenance: the import is a batch (file name, SHA-256, size, who,
 *     when) with an import_batch row (preset or rules file and the rules'
 *     SHA-256, source system, row counts, totals); each entry carries its
 *     source and source reference and a "source-line" (CSV) or
 *     "source-record" (XML) tag; rows no rule matched carry the tag
 *     "unmatched".
 *   - control totals: `expect-total` in the rules, or the caller's, must
 *     equal the sum of the file's signed amounts (every row read).
 */
#ifndef PB_IMPORT_H
#define PB_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "importers/rules.h"
#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/date.h"
#include "ledger/dim.h"
#include "ledger/journal.h"

#define PB_IMPORT_UNMATCHED_MAX 1000 /* unmatched rows kept in a result */

/*
 * Loads the rules: the built-in `preset`, or the rules file at
 * `rules_path` (a regular file of at most 1 MiB).  Exactly one of the two
 * is given.  *out is the caller's to pb_rules_free().
 */
int pb_import_load_rules(pb_rules **out, const char *preset,
                         const char *rules_path, pb_error *err);

typedef struct pb_import_options {
    const char *path; /* the export to read */
    const char *name; /* its name in messages and the batch; NULL:
                         path */
    const pb_rules *rules;
    const char *rules_file; /* the rules file's name, NULL for a preset */
    bool strict;            /* refuse unmatched rows */
    const pb_amount *expect_total; /* overrides the rules'; NULL: none */
    /* Called after each entry is posted (e.g. to print a dry run); a
     * non-zero return stops the import with that code.  May be NULL. */
    int (*on_entry)(const pb_entry *e, void *ud);
    void *ud;
} pb_import_options;

typedef struct pb_import_sum {
    char *key;        /* account code, or dimension code */
    pb_amount amount; /* net of the postings: debit positive */
} pb_import_sum;

typedef struct pb_import_unmatched {
    long line;   /* file line of the row */
    long record; /* XML record number, 0 for CSV */
    pb_date date;
    pb_amount amount; /* posted to the suspense account */
    char *description;
} pb_import_unmatched;

typedef struct pb_import_result {
    int64_t batch;   /* the import's batch; 0 if none was made */
    int64_t already; /* > 0: this file was imported as that batch, and
                        nothing was done */
    bool xml;
    char sha256[PB_SHA256_HEX_LEN]; /* of the file */
    int64_t size;                   /* bytes */
    int64_t rows_read;              /* rows of the file (skip rules excluded) */
    int64_t rows_posted;
    int64_t rows_skipped;   /* already in the book */
    int64_t rows_ignored;   /* left out by a skip rule */
    int64_t rows_unmatched; /* posted to suspense */
    int64_t entries;
    int64_t first_entry, last_entry;
    pb_amount file_total;    /* signed amounts of every row read */
    pb_amount posted_total;  /* of the rows posted */
    pb_import_sum *accounts; /* by account, in code order */
    size_t naccounts;
    pb_import_sum *dims[PB_DIM_COUNT]; /* by dimension value */
    size_t ndims[PB_DIM_COUNT];
    pb_import_unmatched *unmatched; /* the first PB_IMPORT_UNMATCHED_MAX */
    size_t nunmatched;
} pb_import_result;

void pb_import_result_init(pb_import_result *r);
void pb_import_result_clear(pb_import_result *r); /* NULL-safe */

/*
 * Imports the export opt->path (see the semantics above).  Needs a write
 * transaction; res must be initialised and is filled in.  Returns PB_OK
 * (also when the file was already imported: res->already), or an error
 * located at the file and line (or XML record) of the fault, the rules
 * line, or the file alone; the caller must then roll back.
 */
int pb_import_file(pb_book *b, const pb_import_options *opt,
                   pb_import_result *res, pb_error *err);

/*
 * Undoes import `batch`: posts, in one new batch ("import-undo"), the
 * reversal of every entry of the import not already reversed, dated as
 * the original unless `date` is given (a closed period needs a date in an
 * open one).  `reason` is required.  Needs a write transaction.  On
 * success *undo_batch (if not NULL) is the new batch and *reversed the
 * number of entries reversed; on error neither is written.  Errors:
 * PB_ENOTFOUND (no such import), PB_EREFUSED (already undone), PB_EINVAL
 * (no reason), or the journal's refusal (the caller rolls back).
 */
int pb_import_undo(pb_book *b, int64_t batch, const char *reason,
                   const pb_date *date, int64_t *undo_batch, int64_t *reversed,
                   pb_error *err);

typedef struct pb_import_info {
    int64_t batch;
    const char *file; /* borrowed for the callback's duration */
    const char *sha256;
    int64_t size;
    const char *preset;     /* "" for a rules file */
    const char *rules_file; /* "" for a preset alone */
    const char *rules_sha256;
    const char *source;
    const char *created_by;
    const char *created_at;
    int64_t rows_read, rows_posted, rows_skipped, rows_ignored;
    int64_t rows_unmatched, entries;
    const pb_amount *file_total;
    const pb_amount *posted_total;
    const char *suspense;
    bool strict;
    int64_t undone_by; /* the undo batch, 0 if not undone */
    const char *undo_reason;
} pb_import_info;

/* Calls fn for import `batch`, or for every import (batch 0) in batch
 * order; a non-zero return from fn stops and is returned.  PB_ENOTFOUND
 * if `batch` is not an import. */
int pb_import_each(pb_book *b, int64_t batch,
                   int (*fn)(const pb_import_info *info, void *ud), void *ud,
                   pb_error *err);

/* The unmatched rows of an import: entry, date, description, amount
 * posted to suspense, and where ("line 12", "lines 12-15" or "record 7"). */
int pb_import_unmatched_each(pb_book *b, int64_t batch,
                             int (*fn)(int64_t entry, const char *date,
                                       const char *description,
                                       const pb_amount *amount,
                                       const char *where, void *ud),
                             void *ud, pb_error *err);

/* Net postings of an import by account, in account-name order. */
int pb_import_accounts_each(pb_book *b, int64_t batch,
                            int (*fn)(const char *code, const char *name,
                                      const pb_amount *amount, void *ud),
                            void *ud, pb_error *err);

#endif
