/*
 * engine.h - the mapping engine: one record + the rules -> what to post.
 *
 * For each row the engine runs the matching rules in order (rule 0, the
 * top-level defaults, always applies; a later rule's setting replaces an
 * earlier one's), then reads the date and the amount, and evaluates the
 * templates of the winning settings only.  It touches no book: the import
 * driver (import.h) turns mapped rows into entries, dedupes and posts.
 *
 * It also keeps the file's control total (the signed amounts of every row
 * not skipped) and, for statements with balances (xml), checks at each
 * statement's end that opening balance + rows = closing balance.
 *
 * Errors are located at the export file's line, with the field's name;
 * for XML the message starts "record N: ", N the record's number.
 */
#ifndef PB_ENGINE_H
#define PB_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "importers/reader.h"
#include "importers/rules.h"
#include "ledger/amount.h"
#include "ledger/date.h"
#include "ledger/dim.h"

typedef enum pb_mapped_kind {
    PB_MAPPED_ROW = 0, /* a row to post */
    PB_MAPPED_SKIP,    /* a row a `skip` rule left out */
    PB_MAPPED_NONE     /* a balance or a statement's end: nothing to post */
} pb_mapped_kind;

/* A mapped row.  Strings are never NULL ("" when absent) except contra,
 * which is NULL with group-by; everything is borrowed until the next
 * pb_engine_map(). */
typedef struct pb_mapped {
    pb_mapped_kind kind;
    long line;   /* file line of the record */
    long number; /* record number among rows */
    pb_date date;
    int period;               /* -1: the date's month; 0, 13..16 */
    const pb_amount *amount;  /* signed as the file means it */
    const pb_amount *posting; /* to the row's account: amount x sign */
    const char *account;      /* the suspense account when unmatched */
    bool matched;             /* false: no rule gave an account */
    const char *dims[PB_DIM_COUNT];
    const char *contra;
    const char *contra_dims[PB_DIM_COUNT];
    const char *description; /* never "" (a placeholder instead) */
    const char *reference;
    const char *memo;
    const char *source_ref; /* "" with source-ref none / group-by */
    const char *group;      /* group-by value, "" without */
    size_t ntags;
    const char *const *tag_keys; /* tags with a non-empty value */
    const char *const *tag_values;
} pb_mapped;

typedef struct pb_engine pb_engine;

/*
 * A new engine for `rules` over the export `file` (for messages); `xml`
 * says records are XML records; fy_start is the book's first month of
 * the financial year (for period codes); `strict` refuses unmatched rows
 * (as the rules' own `strict` does).  Refused (PB_EINVAL, located at the
 * rules) when unmatched rows would have nowhere to go: no suspense
 * account, no default account, not strict.  *out is the caller's to
 * pb_engine_free().
 */
int pb_engine_new(pb_engine **out, const pb_rules *rules, const char *file,
                  bool xml, int fy_start, bool strict, pb_error *err);
void pb_engine_free(pb_engine *e); /* NULL-safe */

/*
 * Maps one record.  On PB_OK *out describes it (borrowed until the next
 * call).  Errors, located at the record: PB_EINVAL for a bad date or
 * amount, an unknown flag, a `refuse` rule, an unmatched row under
 * strict, a statement that does not reconcile or lacks a balance.
 */
int pb_engine_map(pb_engine *e, const pb_record *rec, const pb_mapped **out,
                  pb_error *err);

/* The control total so far: the signed amounts of every row mapped that
 * no `skip` rule left out. */
const pb_amount *pb_engine_total(const pb_engine *e);

#endif
