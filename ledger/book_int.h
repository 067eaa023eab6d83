/*
 * book_int.h - what the book offers the other core modules, not users.
 *
 * Extension slots: a module (the journal, the pool model) keeps per-book
 * state - caches of codes, pending balance deltas - in a slot, and is told
 * before each commit (to flush pending writes in the same transaction) and
 * after each rollback (to forget what did not land).  Caches of rows that
 * other writers may change must be reloaded per transaction: compare
 * pb_book__tx_serial() with the serial the cache was filled under.
 */
#ifndef PB_BOOK_INT_H
#define PB_BOOK_INT_H

#include "ledger/book.h"

enum {
    PB_EXT_JOURNAL = 0,
    PB_EXT_POOL,
    PB_EXT_IMPORT,
    PB_EXT_COUNT
};

typedef struct pb_book_ext_ops {
    /* Flushes pending writes inside the transaction; an error aborts the
     * commit (the transaction is then rolled back). May be NULL. */
    int (*pre_commit)(pb_book *b, void *state, pb_error *err);
    /* Forgets pending writes and anything read inside the transaction.
     * May be NULL. */
    void (*on_rollback)(pb_book *b, void *state);
    /* Frees the state when the book closes.  May be NULL. */
    void (*free_state)(void *state);
} pb_book_ext_ops;

void *pb_book__ext(pb_book *b, int slot);
void pb_book__set_ext(pb_book *b, int slot, void *state,
                      const pb_book_ext_ops *ops);

/* Runs every extension's pre-commit flush now, inside the current write
 * transaction, so that a read of a table the flushes maintain (the balance
 * cache) sees this transaction's own pending writes.  PB_OK and nothing
 * done outside a write transaction.  On error the caller must roll back. */
int pb_book__flush(pb_book *b, pb_error *err);

/* Bind without copying, for the posting path: the text or bytes must stay
 * valid and unchanged until the statement has been stepped and released.
 * A NULL string binds SQL NULL. */
void pb_stmt__bind_text_static(pb_stmt *st, int idx, const char *s);
void pb_stmt__bind_blob_static(pb_stmt *st, int idx, const void *p, size_t n);

/* Increases at every begin; 0 before the first transaction. */
uint64_t pb_book__tx_serial(const pb_book *b);

/*
 * Schema migrations.  Migration i (1-based) takes the book from version
 * i-1 to i.  Each is SQL text, run in one transaction with the version
 * bump.  A module's tables live in its migration; a change to a released
 * table is a new migration, never an edit of an old one.
 */
extern const char pb_schema__core[];    /* 1: ledger/schema.c */
extern const char pb_schema__pool[];    /* 2: ledger/pool_schema.c */
extern const char pb_schema__import[];  /* 3: importers/import_schema.c */
extern const char pb_schema__report[];  /* 4: reports/report_schema.c */

#endif
