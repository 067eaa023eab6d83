/*
 * render_int.h - helpers the renderers share (render.c).  Not public.
 */
#ifndef PB_RENDER_INT_H
#define PB_RENDER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/buf.h"
#include "reports/table.h"

/*
 * Decodes one UTF-8 character at s[0..n) (n > 0).  Returns its length
 * (1..4) and sets *cp; for a byte that does not start a valid, shortest
 * form sequence (or a surrogate, or beyond U+10FFFF) returns 1 and sets
 * *cp to -1.
 */
size_t pb_render__utf8_next(const char *s, size_t n, int32_t *cp);

/* Characters a terminal gives s: UTF-8 sequences count one each, an
 * invalid byte one.  (Wide East Asian characters are not counted twice.) */
size_t pb_render__width(const char *s);

/* Appends s escaped for HTML/XML text and attribute values: & < > " '
 * as references; control characters other than TAB, LF and CR, and
 * invalid UTF-8, as U+FFFD, so the result is well-formed XML. */
void pb_render__html_escape(pb_buf *out, const char *s);

/* The title-block lines text and HTML show: "Pool", "As at", filters,
 * "Units": labels and values, at most max of them (the count returned),
 * strings the caller frees with pb_render__params_free(). */
size_t pb_render__params(const pb_table *t, char **labels, char **values,
                         size_t max);
void pb_render__params_free(char **labels, char **values, size_t n);

/* True for columns whose cells are right-aligned numbers. */
int pb_render__numeric(pb_col_type type);

#endif
