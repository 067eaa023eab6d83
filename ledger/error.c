/*
 * error.c - the pb_error record: set once where a failure happens, located
 * by callers that know the input position, formatted for people.
 */
#include "ledger/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pb_error_clear(pb_error *err)
{
    if (err == NULL)
        return;
    err->code = PB_OK;
    err->msg[0] = '\0';
    err->file[0] = '\0';
    err->line = 0;
    err->column = 0;
    err->field[0] = '\0';
}

int pb_error_set(pb_error *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return code;
    pb_error_clear(err);
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

static void copy_str(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);

    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

void pb_error_locate(pb_error *err, const char *file, long line, long column,
                     const char *field)
{
    if (err == NULL)
        return;
    if (file != NULL && err->file[0] == '\0')
        copy_str(err->file, sizeof err->file, file);
    if (line > 0 && err->line == 0)
        err->line = line;
    if (column > 0 && err->column == 0)
        err->column = column;
    if (field != NULL && err->field[0] == '\0')
        copy_str(err->field, sizeof err->field, field);
}

const char *pb_error_format(const pb_error *err, char *buf, size_t n)
{
    size_t len = 0;
    int w;

#define PUT(...)                                                               \
    do {                                                                       \
        w = snprintf(buf + len, n - len, __VA_ARGS__);                         \
        if (w < 0 || (size_t)w >= n - len)                                     \
            return buf;                                                        \
        len += (size_t)w;                                                      \
    } while (0)

    if (n == 0)
        return buf;
    buf[0] = '\0';
    if (err->file[0] != '\0') {
        PUT("%s", err->file);
        if (err->line > 0)
            PUT(":%ld", err->line);
        if (err->column > 0)
            PUT(":%ld", err->column);
        PUT(": ");
    } else if (err->line > 0) {
        PUT("line %ld: ", err->line);
    }
    if (err->field[0] != '\0')
        PUT("%s: ", err->field);
    PUT("%s", err->msg[0] != '\0' ? err->msg : pb_error_name(err->code));
#undef PUT
    return buf;
}

const char *pb_error_name(int code)
{
    switch (code) {
    case PB_OK: return "success";
    case PB_EINVAL: return "bad input";
    case PB_ENOTFOUND: return "not found";
    case PB_EEXISTS: return "already exists";
    case PB_EUNBALANCED: return "does not balance";
    case PB_ECLOSED: return "closed";
    case PB_EREFUSED: return "refused";
    case PB_EDB: return "storage failure";
    case PB_EIO: return "input/output failure";
    case PB_ECORRUPT: return "book is inconsistent";
    case PB_EVERSION: return "unsupported book version";
    case PB_EBUSY: return "book is busy";
    case PB_ERANGE: return "out of range";
    case PB_EUSAGE: return "usage error";
    default: return "error";
    }
}
