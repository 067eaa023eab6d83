/*
 * batch.h - provenance: every command or import that posts entries is a
 * batch, recorded with what it read (file name, SHA-256, size), how
 * (kind, preset/rules in `detail`), who and when, and what came of it
 * (rows read, entries posted).  Entries point at their batch, and a
 * finished batch records the range of entry ids it was written in (its
 * entries are those of the range that name it).  A batch is
 * filled in while open and frozen by pb_batch_finish(); the database
 * refuses changes to a finished batch and any deletion.
 */
#ifndef PB_BATCH_H
#define PB_BATCH_H

#include <stdint.h>

#include "ledger/book.h"

typedef struct pb_batch_info {
    const char *kind;   /* "post", "load:streams", "import:unit4-gl" ... */
    const char *source; /* file name, "stdin" or "arguments" */
    const char *sha256; /* hex digest of the input, or NULL */
    int64_t size;       /* bytes of input, or -1 */
    const char *detail; /* preset, rules file and its hash, options */
} pb_batch_info;

/* SQL condition selecting the entries (alias e) of batch ?1 by its id
 * range: use it in place of "e.batch_id = ?" so no index is needed. */
#define PB_BATCH_ENTRIES_SQL                                                   \
    " e.id BETWEEN (SELECT first_entry FROM batch WHERE id = ?1)"            \
    " AND (SELECT coalesce(last_entry, 9223372036854775807) FROM batch"      \
    " WHERE id = ?1) AND e.batch_id = ?1"

/* Opens a batch.  Write transaction required. */
int pb_batch_begin(pb_book *b, const pb_batch_info *info, int64_t *id_out,
                   pb_error *err);
/* Records the outcome and freezes the batch. */
int pb_batch_finish(pb_book *b, int64_t id, int64_t rows, int64_t entries,
                    const char *note, pb_error *err);

#endif
