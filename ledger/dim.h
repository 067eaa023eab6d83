/*
 * dim.h - dimensions: the values a posting is analysed by.
 *
 * Every posting may carry a funding stream, a scheme, a partner and a cost
 * centre.  Each value is a row of the `dim` table with a kind, a code
 * (what postings and files use) and a name.  Streams, schemes and partners
 * must be declared before a posting uses them (a typo must not create a
 * new funding stream); cost centres, which finance systems have by the
 * hundred, are created on first use.  The pool model (pool.h) adds the
 * attributes of streams, schemes and partners.
 */
#ifndef PB_DIM_H
#define PB_DIM_H

#include <stdint.h>

#include "ledger/book.h"

typedef enum pb_dim_kind {
    PB_DIM_STREAM = 0,
    PB_DIM_SCHEME,
    PB_DIM_PARTNER,
    PB_DIM_COST_CENTRE,
    PB_DIM_COUNT
} pb_dim_kind;

/* The key used in the book and in posting syntax: "stream", "scheme",
 * "partner", "cc". */
const char *pb_dim_kind_key(pb_dim_kind kind);
/* For people: "funding stream", "scheme", "partner", "cost centre". */
const char *pb_dim_kind_title(pb_dim_kind kind);
/* The value of dim.kind in the book ("cost_centre" for cost centres). */
const char *pb_dim_kind_sql(pb_dim_kind kind);
/* Accepts stream, scheme, partner, cc, cost-centre, cost_centre. */
int pb_dim_kind_parse(pb_dim_kind *out, const char *text, pb_error *err);

/*
 * Checks the form of a code: 1..40 characters from letters, digits and
 * . _ - / & (no spaces, '=', ':' or '|': they delimit codes in files).
 * `what` names the thing in the message ("account code").
 */
int pb_code_check(const char *code, const char *what, pb_error *err);

/* Adds a value.  Write transaction required.  PB_EEXISTS if the code is
 * taken for that kind; PB_EINVAL for a bad code or empty name. */
int pb_dim_add(pb_book *b, pb_dim_kind kind, const char *code,
               const char *name, int64_t *id_out, pb_error *err);
/* Renames a value (the code never changes). */
int pb_dim_rename(pb_book *b, pb_dim_kind kind, const char *code,
                  const char *name, pb_error *err);
/* Finds a value by code.  PB_ENOTFOUND: "unknown funding stream \"IBFC\"
 * (did you mean \"IBCF\"?)". */
int pb_dim_find(pb_book *b, pb_dim_kind kind, const char *code,
                int64_t *id_out, pb_error *err);

typedef struct pb_dim_info {
    int64_t id;
    pb_dim_kind kind;
    const char *code; /* borrowed for the callback's duration */
    const char *name;
} pb_dim_info;

/* Calls fn for every value of `kind` in code order; a non-zero return
 * from fn stops and is returned. */
int pb_dim_each(pb_book *b, pb_dim_kind kind,
                int (*fn)(const pb_dim_info *info, void *ud), void *ud,
                pb_error *err);

#endif
