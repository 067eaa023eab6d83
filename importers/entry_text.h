/*
 * entry_text.h - poolbook's text format for journal entries, as typed by
 * an officer or piped from another program (`poolbook post < FILE`).
 *
 *   # a comment (also ';'); blank lines are ignored
 *   2024-04-30 (INV-2291) Reablement provider payments, April
 *       Expenditure:Reablement   12,345.67  stream=MIN-NHS scheme=REABLE
 *       Liabilities:Creditors
 *
 *   2025-03-31 P13 (YE-1) Year-end accrual
 *       tag:approved-by=J.Smith
 *       5100   1,000.00  partner=SCC memo="accrued, invoice awaited"
 *       2100  (1,000.00)
 *
 * A header line starts in column 1: an ISO date, optionally P0 or P13..P16
 * (an adjustment period), optionally (REFERENCE), then the description.
 * Indented lines below it are postings: the account (code or full name;
 * a name containing single spaces ends at two spaces or a tab), then the
 * amount in any form pb_amount_parse() accepts (CR/DR may follow as a
 * separate word), then key=value pairs: stream, scheme, partner, cc, memo,
 * tag:NAME.  One posting may leave its amount out: it takes whatever
 * balances the entry.  An indented line of only tag:NAME=VALUE pairs tags
 * the entry itself.  Values containing spaces are double-quoted, with \"
 * and \\ inside.
 */
#ifndef PB_ENTRY_TEXT_H
#define PB_ENTRY_TEXT_H

#include <stddef.h>

#include "ledger/journal.h"

/*
 * Called once per complete entry.  lines[0] is the header's line number;
 * lines[i] the line of posting i (1-based), so a refusal from
 * pb_journal_post can be located with pb_entry_error_line().  A non-zero
 * return stops parsing and is returned.
 */
typedef int (*pb_entry_text_fn)(pb_entry *e, const long *lines, void *ud,
                                pb_error *err);

/* Parses text[0..len) (named `name` in messages), calling fn per entry.
 * Syntax errors: PB_EINVAL located at name:line:column. */
int pb_entry_text_parse(const char *name, const char *text, size_t len,
                        pb_entry_text_fn fn, void *ud, pb_error *err);

/* Parses one posting line (without indentation) into e: the form of an
 * indented line above.  Used for postings given as arguments. */
int pb_entry_text_posting(pb_entry *e, const char *line, pb_error *err);

#endif
