/*
 * journal.h - double-entry journal entries: build, post, read, reverse.
 *
 * Contents
 *   pb_entry           an entry under construction (or read back): date,
 *                      description, reference, provenance, postings with
 *                      amounts, dimensions, memos and tags
 *   pb_journal_post    validate and append one entry
 *   pb_journal_reverse post the exact negation of an earlier entry
 *   pb_journal_get     read an entry back
 *
 * Posting rules (each refusal leaves the book and the transaction as they
 * were, so a caller may report and carry on or roll back):
 *   - a date, a description and at least two postings;
 *   - amounts in whole pence (at most 2 decimal places); one posting may
 *     leave its amount out and takes what balances the entry;
 *   - the postings sum to exactly zero (debits positive, credits negative),
 *     else PB_EUNBALANCED naming debits, credits and the difference;
 *   - accounts exist and are open; streams, schemes and partners exist
 *     (cost centres are created on first use);
 *   - the period is open.
 * A posted entry gets the next id, the acting user and the time, and a
 * SHA-256 hash over its canonical text and the previous entry's hash.  The
 * per-period balance cache is brought up to date before the transaction
 * commits.  Posted entries can never change: corrections are reversals.
 */
#ifndef PB_JOURNAL_H
#define PB_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/date.h"
#include "ledger/dim.h"

typedef struct pb_entry pb_entry;

/* A new empty entry; the caller frees it with pb_entry_free (NULL-safe).
 * Never returns NULL (allocation failure aborts). */
pb_entry *pb_entry_new(void);
void pb_entry_free(pb_entry *e);
/* Empties the entry for reuse, keeping its storage (batch posting). */
void pb_entry_reset(pb_entry *e);

void pb_entry_set_date(pb_entry *e, pb_date date);
/* Places the entry in an adjustment period of its year: 0 (opening, dated
 * the year's first day) or 13..16 (dated its last day).  -1: the month
 * of the date (the default). */
void pb_entry_set_period(pb_entry *e, int num);
void pb_entry_set_description(pb_entry *e, const char *text);
void pb_entry_set_reference(pb_entry *e, const char *text);
/* Provenance: the source system (e.g. "unit4-gl", a bank account) and the
 * row's unique key in it.  NULL clears. */
void pb_entry_set_source(pb_entry *e, const char *source, const char *ref);
/* Where in the source the entry was read from, for people: "line 12",
 * "lines 12-15", "record 7".  NULL clears. */
void pb_entry_set_source_pos(pb_entry *e, const char *pos);
void pb_entry_set_batch(pb_entry *e, int64_t batch_id);

/* Appends a posting to `account` (code or full name).  amount NULL means
 * "whatever balances the entry" (at most one such posting).  Returns the
 * posting's line number, 1-based. */
size_t pb_entry_add(pb_entry *e, const char *account, const pb_amount *amount);
/* Sets (or with NULL or "" clears) a dimension code on posting `line`. */
void pb_entry_set_dim(pb_entry *e, size_t line, pb_dim_kind kind,
                      const char *code);
void pb_entry_set_memo(pb_entry *e, size_t line, const char *memo);
/* Adds a tag to the entry (line 0) or to posting `line`. */
void pb_entry_add_tag(pb_entry *e, size_t line, const char *key,
                      const char *value);

/* Readers (borrowed strings, valid until the entry changes). */
size_t pb_entry_count(const pb_entry *e);
int64_t pb_entry_id(const pb_entry *e); /* 0 before posting */
pb_date pb_entry_date(const pb_entry *e);
pb_period pb_entry_period(const pb_entry *e); /* after posting / reading */
const char *pb_entry_description(const pb_entry *e);
const char *pb_entry_reference(const pb_entry *e);
const char *pb_entry_source(const pb_entry *e);     /* NULL if none */
const char *pb_entry_source_ref(const pb_entry *e); /* NULL if none */
const char *pb_entry_source_pos(const pb_entry *e); /* NULL if none */
int64_t pb_entry_batch(const pb_entry *e);          /* 0 if none */
const char *pb_entry_entered_by(const pb_entry *e);
const char *pb_entry_entered_at(const pb_entry *e);
int64_t pb_entry_reverses(const pb_entry *e); /* 0 if none */
int64_t pb_entry_reversed_by(const pb_entry *e); /* read back only */
const char *pb_entry_account(const pb_entry *e, size_t line);
const pb_amount *pb_entry_amount(const pb_entry *e, size_t line);
const char *pb_entry_dim(const pb_entry *e, size_t line, pb_dim_kind kind);
const char *pb_entry_memo(const pb_entry *e, size_t line);
size_t pb_entry_tag_count(const pb_entry *e);
void pb_entry_tag(const pb_entry *e, size_t i, size_t *line,
                  const char **key, const char **value);
/* After a refused post: the posting the refusal is about (1-based), or 0
 * when it concerns the whole entry.  Lets a reader map the error back to
 * its input line. */
size_t pb_entry_error_line(const pb_entry *e);

/*
 * Validates and appends e (see the rules above).  Needs a write
 * transaction.  On success *id_out (if not NULL) is the new entry's id and
 * e is updated with it, its period and its resolved account codes.
 * Errors: PB_EINVAL, PB_ENOTFOUND, PB_ECLOSED, PB_EUNBALANCED, PB_ERANGE
 * (nothing written); PB_EDB / PB_EIO / PB_EREFUSED from storage (the caller
 * must roll back).
 */
int pb_journal_post(pb_book *b, pb_entry *e, int64_t *id_out, pb_error *err);

/*
 * Posts the reversal of entry `id`: the same postings and dimensions with
 * amounts negated, pointing back at it.  `date` NULL uses the original's
 * date (refused if that period is closed: pass a date in an open period).
 * Refused if `id` does not exist, is itself a reversal, or was already
 * reversed.  `reason` is required and becomes part of the description.
 */
int pb_journal_reverse(pb_book *b, int64_t id, const pb_date *date,
                       const char *reason, int64_t batch_id,
                       int64_t *id_out, pb_error *err);

/* Reads entry `id` into e (reset first).  PB_ENOTFOUND if none. */
int pb_journal_get(pb_book *b, int64_t id, pb_entry *e, pb_error *err);

/* True if some entry from `source` with key `ref` exists and has not
 * been reversed: the importers' duplicate test. */
int pb_journal_source_seen(pb_book *b, const char *source, const char *ref,
                           int *seen, pb_error *err);

#endif
