/*
 * export.h - the journal in other tools' syntax: a ledger/hledger journal
 * or a beancount file, faithful enough that `hledger bal`, `ledger bal`
 * and `bean-check` / `bean-query` accept it and report the same balances
 * as `poolbook balance`, to the penny.
 *
 * Contents
 *   formats            PB_EXPORT_LEDGER (ledger 3 and hledger share it),
 *                      PB_EXPORT_BEANCOUNT (beancount 2)
 *   names              poolbook account names -> each format's names
 *   writers            preamble, account declarations, one entry, from
 *                      plain structs: the book exporter and the benchmark
 *                      generator (bench/gen.c) print through the same code,
 *                      so their files can be compared byte for byte
 *   pb_export_book     the whole book, streamed, in entry-id order
 *
 * What is carried (docs/export.md has the full mapping):
 *   amounts    exact, from integer pence, "1234.56 GBP" (a commodity all
 *              three tools accept after the number); debits positive
 *   entry      id (`entry`), reference (ledger code "(REF)" and/or `ref`),
 *              adjustment period P0/P13-P16 (`period`), reversal links
 *              (`reverses` / `reversed-by`; beancount also links both
 *              entries with ^entry-ID), free tags
 *   postings   dimensions as tags/metadata `stream`, `scheme`, `partner`,
 *              `cc`; `memo`; free posting tags
 * Nothing here reads or writes floating point: amounts are formatted from
 * int64 pence with integer arithmetic.
 *
 * Text that the target syntax cannot hold is mapped, deterministically:
 * invalid UTF-8 becomes U+FFFD, control characters become spaces, and in
 * ledger descriptions ';' (which hledger takes as the start of a comment)
 * becomes ','.  Beancount strings are quoted with \" and \\.
 */
#ifndef PB_EXPORT_H
#define PB_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ledger/account.h"
#include "ledger/book.h"
#include "ledger/buf.h"
#include "ledger/date.h"
#include "ledger/dim.h"
#include "ledger/error.h"

typedef enum pb_export_format {
    PB_EXPORT_LEDGER = 0, /* ledger 3 / hledger journal */
    PB_EXPORT_BEANCOUNT   /* beancount 2 */
} pb_export_format;

/* "ledger" (also "hledger", "journal") or "beancount".  PB_EINVAL naming
 * the accepted names otherwise. */
int pb_export_format_parse(pb_export_format *out, const char *name,
                           pb_error *err);
const char *pb_export_format_name(pb_export_format fmt);

/*
 * Appends to out the name of a poolbook account in `fmt`.
 *
 * ledger: the hierarchical name as it is, except that control characters
 * become spaces, runs of spaces collapse to one (two spaces end an account
 * name in a journal) and a leading '(' or '[' (a virtual posting there)
 * becomes '_'.
 *
 * beancount: a root from the account's type (asset Assets, liability
 * Liabilities, equity Equity, income Income, expenditure Expenses), then
 * the segments, each made a valid component: letters, digits, '-' and
 * non-ASCII UTF-8 kept; apostrophes dropped; '&' becomes "And"; any other
 * character ends a word and the next word starts with a capital letter
 * ("Care technology & aids" -> "CareTechnologyAndAids"); a component that
 * would start with '-' loses it, one left empty becomes "X".  The first
 * segment is dropped when it only names the type ("Expenditure:Care" ->
 * "Expenses:Care") and others remain.
 *
 * The mapping is not injective; pb_export_book() resolves the rare
 * collision by appending "-CODE" to the later account in name order.
 */
void pb_export_account_name(pb_buf *out, pb_export_format fmt,
                            const char *name, pb_account_type type);

/* Appends pence as "-1234.56" (exact, integer arithmetic). */
void pb_export_pence(pb_buf *out, int64_t pence);

typedef struct pb_export_account {
    const char *name;      /* in the export's syntax (pb_export_account_name) */
    const char *book_name; /* poolbook's name, carried as metadata */
    const char *code;      /* poolbook's code */
    pb_account_type type;
    pb_date open;          /* beancount `open` date */
    bool closed;
    pb_date close;         /* beancount `close` date when closed */
} pb_export_account;

typedef struct pb_export_posting {
    const char *account;            /* in the export's syntax */
    int64_t pence;                  /* debit positive */
    const char *dims[PB_DIM_COUNT]; /* codes; NULL or "" = none */
    const char *memo;               /* NULL or "" = none */
} pb_export_posting;

typedef struct pb_export_tag {
    size_t line; /* 0 = the entry, else the posting's line (1-based) */
    const char *key;
    const char *value;
} pb_export_tag;

typedef struct pb_export_entry {
    int64_t id;              /* 0 = not carried */
    pb_date date;
    pb_period period;        /* P0 and P13..P16 are written as `period` */
    const char *description;
    const char *reference;   /* NULL or "" = none */
    int64_t reverses;        /* 0 = none */
    int64_t reversed_by;     /* 0 = none */
    const pb_export_posting *postings;
    size_t npostings;
    const pb_export_tag *tags; /* in (line, key) order, any lines */
    size_t ntags;
} pb_export_entry;

/* The file's opening lines: a comment naming `title`, then the GBP
 * commodity (and, for beancount, the title and operating currency
 * options; for ledger, a `tag` declaration of every key the export writes
 * and of the free tag keys[0..nkeys), so `ledger --pedantic` accepts the
 * file).  `first` dates beancount's commodity directive. */
void pb_export_preamble(pb_buf *out, pb_export_format fmt, const char *title,
                        pb_date first, const char *const *keys,
                        size_t nkeys);
/* One account: ledger `account NAME` with type and code tags; beancount
 * `open` (and `close` when closed) with code and name metadata. */
void pb_export_account_decl(pb_buf *out, pb_export_format fmt,
                            const pb_export_account *a);
/* One entry followed by a blank line.  fy_start (1..12) names adjustment
 * periods ("2024-25 P13"). */
void pb_export_entry_write(pb_buf *out, pb_export_format fmt,
                           const pb_export_entry *e, int fy_start);

/*
 * Writes the whole book to f in `fmt`: preamble, every account (name
 * order), every entry in id order with its postings and tags.  Streams:
 * memory stays bounded by the largest entry whatever the size of the book.
 * Runs in a read transaction of its own unless one is open.  Returns PB_OK,
 * PB_EDB (and others from the book) if it cannot be read, or PB_EIO if f
 * cannot be written (what was written is then incomplete).
 */
int pb_export_book(pb_book *b, pb_export_format fmt, FILE *f,
                   pb_error *err);

#endif
