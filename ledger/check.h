/*
 * check.h - verify every invariant of a book.
 *
 * What is checked (each problem names the check and, where it applies,
 * the entry):
 *   storage       SQLite's integrity_check (or quick_check) and
 *                 foreign_key_check
 *   triggers      the append-only triggers are all present, on their
 *                 tables, and still abort (journal, batches, periods,
 *                 budgets, virements, the master-data log, forecasts and
 *                 RAG rules)
 *   balance       every entry has at least two postings summing to zero
 *   hash-chain    each entry's prev_hash is the previous entry's hash and
 *                 its hash is SHA-256(prev_hash || canonical text)
 *   period        each entry's period agrees with its date, no entry
 *                 was posted into a period while it was closed, and each
 *                 period's open/closed state agrees with its log
 *   dimensions    each posting's stream/scheme/partner/cost-centre is a
 *                 dimension value of that kind
 *   reversal      a reversal negates exactly the entry it names, which is
 *                 older than it
 *   batch         an entry lies in the id range of the batch it names
 *   cache         the per-period balance cache equals the postings
 *   virements     each virement has at least two legs, they net to exactly
 *                 zero, and they take effect on its date
 * One pass over entries, postings and tags in id order, so memory stays
 * bounded whatever the size of the book.
 */
#ifndef PB_CHECK_H
#define PB_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/book.h"
#include "ledger/sha256.h"

enum {
    PB_CHECK_QUICK = 1 << 0 /* quick_check instead of integrity_check */
};

typedef struct pb_check_problem {
    const char *check;  /* "storage", "triggers", "balance", "hash-chain",
                           "period", "dimensions", "reversal", "batch",
                           "cache", "virements" */
    int64_t entry_id;   /* 0 when not about one entry */
    const char *detail; /* what is wrong */
} pb_check_problem;

typedef struct pb_check_summary {
    int64_t entries;
    int64_t postings;
    size_t problems;
    uint8_t head[PB_SHA256_LEN]; /* hash of the newest entry (zeros if
                                    none): record it to detect a rewrite
                                    of the whole chain later */
} pb_check_summary;

/*
 * Runs every check, calling fn (may be NULL) for each problem found, in
 * the order found; for the hash chain only the first broken entry is
 * reported (every later hash depends on it).  Returns PB_OK when the
 * checks could run (problems are counted in summary->problems), or an
 * error if the book could not be read.
 */
int pb_check_run(pb_book *b, unsigned flags,
                 void (*fn)(const pb_check_problem *p, void *ud), void *ud,
                 pb_check_summary *summary, pb_error *err);

#endif
