/*
 * load_int.h - the machinery the loaders of each kind share: column
 * tables, the header check, per-row values, field parsers that locate
 * their errors, and duplicate detection.
 *
 * A kind is a column table and a row function (plus, for kinds whose
 * records span rows - virements and postings - a finish function that
 * flushes the last group).  load.c drives: it opens the CSV, checks the
 * header against the table, opens the transaction and the batch, hands
 * each data row's trimmed values to the row function, and commits or
 * rolls back.
 */
#ifndef PB_LOAD_INT_H
#define PB_LOAD_INT_H

#include <stdbool.h>

#include "importers/csv.h"
#include "importers/load.h"
#include "ledger/date.h"
#include "ledger/map.h"
#include "ledger/pool.h"
#include "ledger/profile.h"

#define PB_LOAD__MAX_COLS 32

enum {
    PB_LOAD__REQUIRED = 1 << 0 /* the header must have it */
};

typedef struct pb_load__col {
    const char *name; /* canonical: what dump writes, what errors name */
    const char *alt;  /* another accepted header, or NULL */
    unsigned flags;
} pb_load__col;

typedef struct pb_load__ctx pb_load__ctx;

typedef struct pb_load__kind_ops {
    pb_load_kind kind;
    const pb_load__col *cols;
    size_t ncols;
    /* Called for each data row with its values in place. */
    int (*row)(pb_load__ctx *c, pb_error *err);
    /* Called after the last row (may be NULL). */
    int (*finish)(pb_load__ctx *c, pb_error *err);
    /* Frees c->state (may be NULL). */
    void (*free_state)(pb_load__ctx *c);
} pb_load__kind_ops;

struct pb_load__ctx {
    pb_book *b;
    const pb_load__kind_ops *ops;
    const char *name;               /* the input, for messages */
    int idx[PB_LOAD__MAX_COLS];     /* field index of each column; -1 */
    size_t nheader;                 /* fields in the header */
    pb_buf val[PB_LOAD__MAX_COLS];  /* this row's values, trimmed */
    long line;                      /* physical line the row starts on */
    int64_t row_no;                 /* 1-based among data rows */
    int64_t batch;                  /* the batch being written */
    pb_load_result *res;
    pb_map keys;                    /* record key -> line first seen */
    pb_buf key;                     /* scratch for keys */
    void *state;                    /* the kind's own */
};

extern const pb_load__kind_ops pb_load__partners, pb_load__pools,
    pb_load__streams, pb_load__schemes, pb_load__accounts, pb_load__profiles,
    pb_load__budgets, pb_load__virements, pb_load__contributions,
    pb_load__outturns, pb_load__postings, pb_load__forecasts;

/* The value of column `col` in this row ("" if absent or blank). */
const char *pb_load__get(const pb_load__ctx *c, int col);
/* True if the row has a non-blank value in column `col`. */
bool pb_load__has(const pb_load__ctx *c, int col);
/* True if the header has column `col`. */
bool pb_load__present(const pb_load__ctx *c, int col);

/* Adds the row's location (and column `col`'s name unless a field is
 * already set; col < 0: none) to err.  Returns rc. */
int pb_load__at(const pb_load__ctx *c, int col, int rc, pb_error *err);

/* Field parsers.  Each refuses a blank value when `required` (else leaves
 * the default / sets *given false) and locates its error at the row and
 * column. */
int pb_load__text(const pb_load__ctx *c, int col, bool required,
                  const char **out, pb_error *err);
int pb_load__amount(const pb_load__ctx *c, int col, int max_scale,
                    pb_amount *out, pb_error *err);
int pb_load__date(const pb_load__ctx *c, int col, bool required,
                  pb_date *out, bool *given, pb_error *err);
int pb_load__fy(const pb_load__ctx *c, int col, int *out, pb_error *err);
int pb_load__bool(const pb_load__ctx *c, int col, bool dflt, bool *out,
                  pb_error *err);
int pb_load__int(const pb_load__ctx *c, int col, int dflt, int *out,
                 pb_error *err);
/* Columns first..first+11: amounts (weights when max_scale > 2).  *given
 * is false when all twelve are blank; else blanks are zero. */
int pb_load__months(const pb_load__ctx *c, int first, int max_scale,
                    pb_amount months[PB_MONTHS], bool *given, pb_error *err);

/* Refuses a record key seen earlier in the file ("... is given twice
 * (first at line N)"), located at column `col`. */
int pb_load__unique(pb_load__ctx *c, const char *what, const char *key,
                    int col, pb_error *err);

/* Counts one record's outcome. */
void pb_load__count(pb_load__ctx *c, pb_put_result r);
/* The end of a row's put: on failure the error located at column col, else
 * the outcome counted.  Returns rc. */
int pb_load__done(pb_load__ctx *c, int rc, pb_put_result r, int col,
                  pb_error *err);

/* Writes one CSV field (quoted when it must be) and a separator. */
void pb_load__csv_field(pb_buf *out, const char *text, bool last);

#endif
