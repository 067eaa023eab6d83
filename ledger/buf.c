/*
 * buf.c - growable strings and the allocation wrappers.
 *
 * Growth doubles the capacity, so appending n bytes one at a time costs
 * O(n).  Out of memory is not recoverable for a command-line ledger (GMP
 * aborts too), so the x-allocators print one line and abort().
 */
#include "ledger/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "poolbook: fatal: out of memory (%zu bytes)\n", n);
    abort();
}

void *pb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        oom(n);
    return p;
}

void *pb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        oom(n * size);
    return p;
}

void *pb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        oom(n);
    return q;
}

char *pb_xstrdup(const char *s)
{
    return pb_xstrndup(s, strlen(s));
}

char *pb_xstrndup(const char *s, size_t n)
{
    char *p = pb_xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void pb_buf_init(pb_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void pb_buf_clear(pb_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    pb_buf_init(b);
}

void pb_buf_reset(pb_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

void pb_buf_reserve(pb_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    size_t cap;

    if (need <= b->cap)
        return;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = pb_xrealloc(b->data, cap);
    b->cap = cap;
}

void pb_buf_add(pb_buf *b, const void *p, size_t n)
{
    pb_buf_reserve(b, n);
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pb_buf_puts(pb_buf *b, const char *s)
{
    pb_buf_add(b, s, strlen(s));
}

void pb_buf_putc(pb_buf *b, char c)
{
    pb_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void pb_buf_vprintf(pb_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    size_t avail;
    int n;

    /* Format straight into the spare capacity; only a result that does not
     * fit is formatted a second time, after growing. */
    pb_buf_reserve(b, 63);
    avail = b->cap - b->len;
    va_copy(ap2, ap);
    n = vsnprintf(b->data + b->len, avail, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= avail) {
        pb_buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void pb_buf_printf(pb_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    pb_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void pb_buf_truncate(pb_buf *b, size_t n)
{
    if (n < b->len) {
        b->len = n;
        b->data[n] = '\0';
    }
}

const char *pb_buf_str(const pb_buf *b)
{
    return b->data != NULL ? b->data : "";
}

char *pb_buf_detach(pb_buf *b)
{
    char *p = b->data != NULL ? b->data : pb_xstrdup("");

    pb_buf_init(b);
    return p;
}
