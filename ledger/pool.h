/*
 * pool.h - the pool model: partners, pools, funding streams and schemes.
 *
 * Contents
 *   names          partner kinds and legal bases, as files and lists spell
 *                  them
 *   pb_put_result  what a put did: added, updated or nothing
 *   put            add or update one partner, pool, stream or scheme
 *   find           resolve a code, with "did you mean" on a miss
 *   each           list them, in report order
 *   risk share     the syntax of a pool's risk-share rule
 *
 * Streams, schemes and partners are dimension values (dim.h): putting one
 * creates its dim row the first time, so postings may use its code at
 * once.  A put is idempotent: the same definition again changes nothing
 * and says so (PB_PUT_UNCHANGED).  A different definition for an existing
 * code updates the attributes; every field that changes is written to the
 * master-data log with its old and new value and the batch that changed
 * it, so the history of the master data is kept even though the row is
 * updated.  What can never change: a stream's or scheme's pool (budgets
 * and postings already hang off it), and a code (codes are the keys
 * postings and files use).
 *
 * All puts need a write transaction.  On error nothing of that put is
 * written and err says why (the caller - a loader - adds the file and
 * line).
 */
#ifndef PB_POOL_H
#define PB_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "ledger/book.h"

/* ---- names ------------------------------------------------------------- */

typedef enum pb_partner_kind {
    PB_PARTNER_COUNCIL = 0, /* "council": a local authority */
    PB_PARTNER_ICB,         /* "icb": an Integrated Care Board */
    PB_PARTNER_CCG,         /* "ccg": a Clinical Commissioning Group
                               (before July 2022) */
    PB_PARTNER_NHS_TRUST,   /* "nhs-trust" */
    PB_PARTNER_OTHER        /* "other" */
} pb_partner_kind;

const char *pb_partner_kind_name(pb_partner_kind kind);
/* Accepts the names above in any case.  PB_EINVAL listing them. */
int pb_partner_kind_parse(pb_partner_kind *out, const char *text,
                          pb_error *err);

typedef enum pb_pool_basis {
    PB_BASIS_S75_POOLED = 0, /* "s75-pooled": Section 75 pooled fund */
    PB_BASIS_ALIGNED,        /* "aligned": budgets not pooled, joint
                                oversight */
    PB_BASIS_S75_OTHER,      /* "s75-other": another S75 arrangement */
    PB_BASIS_S76,            /* "s76" */
    PB_BASIS_S256,           /* "s256" */
    PB_BASIS_SINGLE          /* "single": one body's own budget */
} pb_pool_basis;

const char *pb_pool_basis_name(pb_pool_basis basis);
int pb_pool_basis_parse(pb_pool_basis *out, const char *text, pb_error *err);

/* What a put or a load of one row did. */
typedef enum pb_put_result {
    PB_PUT_UNCHANGED = 0, /* the book already said exactly this */
    PB_PUT_ADDED,         /* a new row */
    PB_PUT_UPDATED        /* attributes changed (logged) */
} pb_put_result;

/* ---- risk share --------------------------------------------------------- */

/*
 * Checks the syntax of a risk-share rule, and that the partners it names
 * exist.  The rule is stored as text now and applied at year end by a
 * later module.  Forms:
 *
 *   ""                          not recorded yet
 *   pro-rata                    in proportion to contributions
 *   own                         each partner bears its own over/underspend
 *   host                        the host partner bears it all
 *   fixed:SCC=50,ICB=50         fixed percentages (exact decimals, each
 *                               > 0, summing to exactly 100, each partner
 *                               once)
 *   pro-rata-capped:SCC=500000,ICB=1000000
 *                               pro rata, each partner's share capped at
 *                               an amount in pounds (>= 0)
 *
 * PB_EINVAL says what is wrong; PB_ENOTFOUND for an unknown partner (with
 * a suggestion).
 */
int pb_risk_share_check(pb_book *b, const char *rule, pb_error *err);

/* ---- put ---------------------------------------------------------------- */

/* Strings may be NULL where "" is meant, except codes and names. */
typedef struct pb_partner_def {
    const char *code;        /* the dim code postings use: "SCC" */
    const char *name;        /* "Southampton City Council" */
    pb_partner_kind kind;
    const char *ledger_code; /* the partner's code in its own ledger */
} pb_partner_def;

typedef struct pb_pool_def {
    const char *code;       /* "BCF" */
    const char *name;       /* "Better Care Fund" */
    pb_pool_basis basis;
    const char *host;       /* partner code */
    const char *manager;    /* pooled fund manager */
    int first_fy;           /* 2024 = 2024-25 */
    int last_fy;            /* 0 = open-ended; else >= first_fy */
    const char *risk_share; /* see pb_risk_share_check */
} pb_pool_def;

typedef struct pb_stream_def {
    const char *code;    /* "IBCF" */
    const char *name;    /* "Improved Better Care Fund" */
    const char *pool;    /* pool code; never changes once set */
    const char *partner; /* the contributing partner's code */
    bool capital;        /* capital (true) or revenue */
    bool ring_fenced;
    bool carry_forward;  /* unspent money carries to next year */
    int order;           /* position in lists and reports */
} pb_stream_def;

typedef struct pb_scheme_def {
    const char *code;    /* "CARERS" */
    const char *name;    /* "Carers" */
    const char *pool;    /* pool code; never changes once set */
    const char *host;    /* host partner code */
    const char *manager; /* budget manager */
    bool pooled;         /* false: aligned (budgets not pooled) */
    const char *area;    /* grouping for subtotals ("Adults"), or "" */
    int order;
} pb_scheme_def;

/*
 * Adds or updates one definition (see the contents note).  batch_id is
 * the batch the master-data log names (0: none).  *out (may be NULL) says
 * what happened.  Errors: PB_EINVAL (bad code, empty name, bad years,
 * bad risk share), PB_ENOTFOUND (an unknown partner or pool, with a
 * suggestion), PB_EREFUSED (moving a stream or scheme to another pool; a
 * code already used by another kind of thing is not a conflict: kinds
 * have separate codes), and storage errors.
 */
int pb_partner_put(pb_book *b, const pb_partner_def *def, int64_t batch_id,
                   pb_put_result *out, pb_error *err);
int pb_pool_put(pb_book *b, const pb_pool_def *def, int64_t batch_id,
                pb_put_result *out, pb_error *err);
int pb_stream_put(pb_book *b, const pb_stream_def *def, int64_t batch_id,
                  pb_put_result *out, pb_error *err);
int pb_scheme_put(pb_book *b, const pb_scheme_def *def, int64_t batch_id,
                  pb_put_result *out, pb_error *err);

/* ---- find --------------------------------------------------------------- */

/* A pool by code.  PB_ENOTFOUND: unknown pool "BFC" (did you mean "BCF"?). */
int pb_pool_find(pb_book *b, const char *code, int64_t *id_out,
                 pb_error *err);
/* A partner declared in the pool model (a dim with a partner row). */
int pb_partner_find(pb_book *b, const char *code, int64_t *id_out,
                    pb_error *err);
/* A stream or scheme of pool `pool_id` (0: of any pool).  PB_ENOTFOUND
 * for an unknown code (with a suggestion), for a dimension value that the
 * pool model does not know, or for one of another pool. */
int pb_stream_find(pb_book *b, const char *code, int64_t pool_id,
                   int64_t *id_out, pb_error *err);
int pb_scheme_find(pb_book *b, const char *code, int64_t pool_id,
                   int64_t *id_out, pb_error *err);

/* ---- each --------------------------------------------------------------- */

/* Strings are borrowed for the callback's duration; "" when absent. */
typedef struct pb_partner_info {
    int64_t id; /* dim id */
    const char *code, *name;
    pb_partner_kind kind;
    const char *ledger_code;
} pb_partner_info;

typedef struct pb_pool_info {
    int64_t id;
    const char *code, *name;
    pb_pool_basis basis;
    const char *host, *manager;
    int first_fy, last_fy; /* last_fy 0: open-ended */
    const char *risk_share;
    const char *created_at;
} pb_pool_info;

typedef struct pb_stream_info {
    int64_t id; /* dim id */
    const char *code, *name, *pool, *partner;
    bool capital, ring_fenced, carry_forward;
    int order;
} pb_stream_info;

typedef struct pb_scheme_info {
    int64_t id; /* dim id */
    const char *code, *name, *pool, *host, *manager;
    bool pooled;
    const char *area;
    int order;
} pb_scheme_info;

/*
 * Call fn for each row; a non-zero return from fn stops and is returned.
 * Partners and pools in code order; streams and schemes of `pool` (a code;
 * NULL = every pool, by pool code) in display order, then code order.  An
 * unknown pool code is PB_ENOTFOUND.
 */
int pb_partner_each(pb_book *b,
                    int (*fn)(const pb_partner_info *info, void *ud),
                    void *ud, pb_error *err);
int pb_pool_each(pb_book *b, int (*fn)(const pb_pool_info *info, void *ud),
                 void *ud, pb_error *err);
int pb_stream_each(pb_book *b, const char *pool,
                   int (*fn)(const pb_stream_info *info, void *ud), void *ud,
                   pb_error *err);
int pb_scheme_each(pb_book *b, const char *pool,
                   int (*fn)(const pb_scheme_info *info, void *ud), void *ud,
                   pb_error *err);

#endif
