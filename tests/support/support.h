/*
 * support.h - helpers shared by the cmocka tests: temporary books, a
 * standard chart of accounts and dimensions, entries from a compact spec,
 * and a few assertions over money and the checker.
 *
 * Everything here fails the running test (cmocka's fail_msg) rather than
 * returning an error: a helper that cannot do its job means the test is
 * broken, not the code under test.
 */
#ifndef PB_TEST_SUPPORT_H
#define PB_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/journal.h"

/* Fixed user and clock for reproducible entries and hashes. */
#define PBT_USER "tester"
#define PBT_NOW "2024-10-01T09:00:00Z"

/* Sets POOLBOOK_USER / POOLBOOK_NOW to the values above and clears
 * POOLBOOK_BUSY_TIMEOUT and POOLBOOK_TODAY. */
void pbt_env(void);

/* A fresh directory under /tmp (mkdtemp) and the path of a book inside it
 * that does not exist yet.  Free with pbt_path_remove(), which deletes the
 * book, its -wal, -shm and -journal files, anything else named by
 * pbt_path_sibling(), and the directory. */
char *pbt_path_new(void);
/* path + suffix in a malloc'd string (e.g. "-wal"). */
char *pbt_path_sibling(const char *path, const char *suffix);
void pbt_path_remove(char *path);

/*
 * A new book at a new temporary path with the standard chart:
 *
 *   1000 Assets:Bank               asset
 *   1100 Assets:Debtors            asset
 *   2000 Liabilities:Creditors     liability
 *   3000 Equity:Reserves           equity
 *   4000 Income:Contributions:Council   income
 *   4100 Income:Contributions:NHS       income
 *   5000 Expenditure:Reablement    expenditure
 *   5100 Expenditure:Care:Homecare expenditure
 *   5200 Expenditure:Care:Residential   expenditure
 *   9999 Suspense:Closed           asset, closed
 *
 *   streams  BCF, IBCF, DFG      schemes  S01, S02, S03
 *   partners COUNCIL, ICB        cost centres: none (created on use)
 *
 * *path_out receives the path (pbt_path_remove it after pb_book_close).
 */
pb_book *pbt_book_new(char **path_out);
/* Closes the book and removes its files. */
void pbt_book_done(pb_book *b, char *path);

/*
 * Fills e from a compact spec (e is reset first):
 *
 *   "2024-09-30 Care fees; 5000 100.00 stream=BCF cc=CC1; 1000"
 *
 * The first ';'-separated field is the date (ISO), optionally followed by
 * "@P13" (or @P0...) for an adjustment period, then the description.  Each
 * further field is a posting: an account (code or name without spaces),
 * an optional amount (left out: the balancing posting), then key=value
 * words: stream, scheme, partner, cc, memo (underscores read as spaces);
 * any other key becomes a tag on the posting.  An entry-level tag is a
 * field "#key=value"; "ref=..." sets the reference and "src=S:R" the
 * source and source row.
 */
void pbt_entry_spec(pb_entry *e, const char *spec);

/* Posts a spec.  Outside a transaction it runs in its own (begin, post,
 * commit); inside one it just posts.  Returns the post's code; the new id
 * goes to *id_out when not NULL. */
int pbt_post(pb_book *b, const char *spec, int64_t *id_out, pb_error *err);
/* Like pbt_post but fails the test unless the post succeeds. */
int64_t pbt_post_ok(pb_book *b, const char *spec);

/* Runs SQL that must succeed. */
void pbt_exec(pb_book *b, const char *sql);
/* The first column of the first row of sql as an integer (0 if no row). */
int64_t pbt_int(pb_book *b, const char *sql);

/* Counts of entry and posting rows. */
int64_t pbt_entries(pb_book *b);
int64_t pbt_postings(pb_book *b);

/* Canonical text of an amount, in a static buffer (one at a time). */
const char *pbt_amt(const pb_amount *a);
/* Parses text into a (initialised) amount; fails the test on error. */
void pbt_amount_set(pb_amount *a, const char *text);
#define pbt_assert_amount(a, text) assert_string_equal(pbt_amt(a), (text))

/* One problem reported by pb_check_run. */
typedef struct pbt_problem {
    char check[32];
    int64_t entry_id;
    char detail[256];
} pbt_problem;

typedef struct pbt_check {
    pbt_problem p[64]; /* the first 64 */
    size_t n;          /* all reported */
    int64_t entries, postings;
    uint8_t head[32];
} pbt_check;

/* Runs pb_check_run (must return PB_OK) and collects the problems. */
void pbt_check_run(pb_book *b, pbt_check *out);
/* Index of the first problem of `check` (optionally for entry `id`, 0 =
 * any), or -1. */
int pbt_check_find(const pbt_check *c, const char *check, int64_t id);
/* Fails with the problems listed unless the book checks clean. */
void pbt_assert_clean(pb_book *b);

/* ISO text to a day number; fails the test on a bad date. */
pb_date pbt_date(const char *iso);

/* A fixed-seed generator (splitmix64) for randomised tests. */
void pbt_rng_seed(uint64_t seed);
uint64_t pbt_rng(void);
/* Uniform enough in [lo, hi]. */
int64_t pbt_rng_range(int64_t lo, int64_t hi);

#endif
