/*
 * reader.h - records out of an export file: the one interface between the
 * file formats (CSV here, XML in xml.h) and the mapping engine.
 *
 * Contents
 *   pb_record          one record: values by field slot, with its location
 *   pb_reader          next / free, whatever the format
 *   pb_reader_csv_open the CSV reader (header detection, title lines,
 *                      column synonyms, ragged-row check)
 *
 * A record's values are indexed by the rules' field slots (rules.h), so
 * the engine reads field k of a row as values[k] without a name lookup.
 * Every value is NUL-terminated UTF-8; a missing optional field is "".
 * Records are borrowed: valid until the next pb_reader_next() or
 * pb_reader_free().
 */
#ifndef PB_READER_H
#define PB_READER_H

#include <stddef.h>

#include "importers/rules.h"
#include "ledger/error.h"

typedef enum pb_record_kind {
    PB_RECORD_ROW = 0,  /* a data row / transaction: values by field slot */
    PB_RECORD_BALANCE,  /* xml: a statement balance: type, amount, flag */
    PB_RECORD_GROUP_END /* xml: a statement ended (no values) */
} pb_record_kind;

typedef struct pb_record {
    pb_record_kind kind;
    long line;                 /* 1-based line where the record starts */
    long number;               /* 1-based among records of its kind */
    size_t count;              /* values: nfields, PB_BAL_COUNT or 0 */
    const char *const *values; /* by slot; never NULL entries */
    const size_t *lens;        /* byte lengths of values */
} pb_record;

typedef struct pb_reader pb_reader;

/* What a format implements; a reader struct starts with a pb_reader. */
typedef struct pb_reader_ops {
    int (*next)(pb_reader *r, const pb_record **out, pb_error *err);
    void (*free)(pb_reader *r);
} pb_reader_ops;

struct pb_reader {
    const pb_reader_ops *ops;
};

/*
 * The next record: 1 with *out set, 0 at the end of input (and on every
 * later call), or a negative PB_E* code with err located at the file and
 * line.  After an error the reader must only be freed.
 */
int pb_reader_next(pb_reader *r, const pb_record **out, pb_error *err);
/* NULL-safe. */
void pb_reader_free(pb_reader *r);

/*
 * Opens a CSV reader over data[0..len), which is borrowed and must outlive
 * the reader, for csv `rules`; `name` is the file in messages.  Skips
 * `skip` records, finds the header (rules.h: yes / auto / no), and binds
 * every field slot to its column; a required field with no column is
 * PB_EINVAL located at the header line, naming the names looked for and
 * the header's columns.  Later, a row with a different number of fields
 * than the header is refused at its line; a row whose fields are all
 * blank is passed over (spreadsheets leave such rows at the end).
 * On success *out is the caller's to pb_reader_free(); on error NULL.
 */
int pb_reader_csv_open(pb_reader **out, const char *name, const char *data,
                       size_t len, const pb_rules *rules, pb_error *err);

#endif
