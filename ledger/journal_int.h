/*
 * journal_int.h - the journal's canonical form, shared with the checker,
 * and the cache invalidation other core modules call.
 *
 * Canonical text of an entry (what its hash covers), UTF-8, one field a
 * line, in this order, each line ending "\n":
 *
 *   poolbook-entry 1
 *   id <id>
 *   date <YYYY-MM-DD>
 *   period <fy*100+p>
 *   description <text>
 *   reference <text>
 *   entered-by <text>
 *   entered-at <text>
 *   reverses <id or empty>
 *   batch <id or empty>
 *   source <text or empty>
 *   source-ref <text or empty>
 *   source-pos <text or empty>
 *   posting <line>|<account code>|<amount>|<stream>|<scheme>|<partner>|<cc>|<memo>
 *   ...                      (one per posting, in line order)
 *   tag <line>|<key>|<value> (in (line, key) order)
 *
 * Amounts are canonical decimals ("-1234.56"); dimensions are codes, empty
 * when absent.  In text fields '\' is written "\\", newline "\n", carriage
 * return "\r" and '|' "\|", so the form is unambiguous.
 *
 * hash = SHA-256(previous entry's hash || canonical text); the first
 * entry's previous hash is 32 zero bytes.
 */
#ifndef PB_JOURNAL_INT_H
#define PB_JOURNAL_INT_H

#include "ledger/buf.h"
#include "ledger/book.h"
#include "ledger/dim.h"
#include "ledger/sha256.h"

typedef struct pb_canon_posting {
    int64_t line;
    const char *account; /* code */
    int64_t pence;
    const char *dims[PB_DIM_COUNT]; /* codes or NULL */
    const char *memo;
} pb_canon_posting;

typedef struct pb_canon_tag {
    int64_t line;
    const char *key;
    const char *value;
} pb_canon_tag;

typedef struct pb_canon_entry {
    int64_t id;
    const char *date;
    int64_t period;
    const char *description;
    const char *reference;
    const char *entered_by;
    const char *entered_at;
    int64_t reverses;      /* 0 = none */
    int64_t batch_id;      /* 0 = none */
    const char *source;    /* NULL = none */
    const char *source_ref;
    const char *source_pos;
    const pb_canon_posting *postings;
    size_t npostings;
    const pb_canon_tag *tags; /* sorted by (line, key) */
    size_t ntags;
} pb_canon_entry;

/* Replaces out's contents with the canonical text of e. */
void pb_journal__canon(pb_buf *out, const pb_canon_entry *e);
/* hash = SHA-256(prev || text). */
void pb_journal__hash(const uint8_t prev[PB_SHA256_LEN], const pb_buf *text,
                      uint8_t out[PB_SHA256_LEN]);
/* Appends pence as a canonical decimal ("-1234.56"). */
void pb_journal__pence(pb_buf *out, int64_t pence);

/* Forgets what the journal cached in this transaction (accounts' open or
 * closed state, periods' state): called after closing an account or
 * closing / reopening a period. */
void pb_journal__invalidate(pb_book *b);

#endif
