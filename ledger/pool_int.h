/*
 * pool_int.h - what ledger/pool.c offers ledger/budget.c: the master-data
 * log and the comparison of a row's attributes, old against new.
 */
#ifndef PB_POOL_INT_H
#define PB_POOL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/book.h"
#include "ledger/pool.h"

/* Appends one row to master_log.  old NULL: the row was added. */
int pb_pool__log(pb_book *b, int64_t batch_id, const char *kind,
                 const char *key, const char *field, const char *old_value,
                 const char *new_value, pb_error *err);

/*
 * One attribute of a row, as text for comparison and for the log: the
 * value in the book (owned copy, or NULL when the row is new) and the one
 * asked for (borrowed).
 */
typedef struct pb_pool__attr {
    const char *field;
    char *old_value;
    const char *new_value;
} pb_pool__attr;

/*
 * Compares attrs[0..n): logs each field whose value changes (or, for a
 * new row, one "added" line) and sets *out.  Frees the old values.
 */
int pb_pool__diff(pb_book *b, int64_t batch_id, const char *kind,
                  const char *key, pb_pool__attr *attrs, size_t n,
                  bool is_new, pb_put_result *out, pb_error *err);

/* "yes" / "no". */
const char *pb_pool__yn(bool v);

#endif
