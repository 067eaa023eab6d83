/*
 * buf.h - a growable byte string, always NUL-terminated.
 *
 * The one string builder of poolbook: renderers, canonical hashing input
 * and messages are built in a pb_buf.  Allocation failure aborts the
 * program with a message (like GMP, which poolbook already depends on):
 * no function here can fail, so none returns an error.
 */
#ifndef PB_BUF_H
#define PB_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct pb_buf {
    char *data; /* NUL-terminated contents; NULL until the first append */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
} pb_buf;

#define PB_BUF_INIT {NULL, 0, 0}

void pb_buf_init(pb_buf *b);
/* Frees the storage.  The buffer may be reused after pb_buf_init(). */
void pb_buf_clear(pb_buf *b);
/* Empties the buffer but keeps its storage. */
void pb_buf_reset(pb_buf *b);
/* Ensures room for `extra` more bytes plus the NUL. */
void pb_buf_reserve(pb_buf *b, size_t extra);

void pb_buf_add(pb_buf *b, const void *p, size_t n);
void pb_buf_puts(pb_buf *b, const char *s);
void pb_buf_putc(pb_buf *b, char c);
void pb_buf_printf(pb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void pb_buf_vprintf(pb_buf *b, const char *fmt, va_list ap);
/* Shortens the contents to n bytes (n <= len). */
void pb_buf_truncate(pb_buf *b, size_t n);
/* The contents; "" for a buffer never written.  Borrowed. */
const char *pb_buf_str(const pb_buf *b);
/* Hands the storage to the caller (free() it) and resets the buffer. */
char *pb_buf_detach(pb_buf *b);

/* Allocation that never returns NULL: it aborts with a message instead. */
void *pb_xmalloc(size_t n);
void *pb_xcalloc(size_t n, size_t size);
void *pb_xrealloc(void *p, size_t n);
char *pb_xstrdup(const char *s);
char *pb_xstrndup(const char *s, size_t n);

#endif
