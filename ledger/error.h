/*
 * error.h - how poolbook reports failure.
 *
 * Every fallible function returns an int: PB_OK (0) or one of the negative
 * PB_E* codes below, and takes a `pb_error *err` as its last argument.  The
 * message is written once, where the failure is found, and passed up
 * unchanged; a caller that knows more about *where* (the input file, line,
 * field) may add the location with pb_error_locate(), which never overwrites
 * a location already set.  `err` may be NULL when the caller only wants the
 * code.  Programming errors are assert()s, not error codes.
 */
#ifndef PB_ERROR_H
#define PB_ERROR_H

#include <stddef.h>

enum {
    PB_OK = 0,
    PB_ERROR = -1,      /* generic failure */
    PB_EINVAL = -2,     /* bad input data: text that does not parse */
    PB_ENOTFOUND = -3,  /* a named thing does not exist */
    PB_EEXISTS = -4,    /* a thing with that key already exists */
    PB_EUNBALANCED = -5, /* postings or virement lines do not sum to zero */
    PB_ECLOSED = -6,    /* period or account is closed */
    PB_EREFUSED = -7,   /* a rule of the book forbids the operation */
    PB_EDB = -8,        /* the storage engine failed */
    PB_EIO = -9,        /* the operating system failed to read or write */
    PB_ECORRUPT = -10,  /* an invariant of the book does not hold */
    PB_EVERSION = -11,  /* book written by a newer poolbook, or not a book */
    PB_EBUSY = -12,     /* another writer held the book too long */
    PB_ERANGE = -13,    /* a value is outside what can be represented */
    PB_EUSAGE = -14     /* the caller asked for something meaningless */
};

#define PB_ERROR_MSG_MAX 512
#define PB_ERROR_FILE_MAX 256
#define PB_ERROR_FIELD_MAX 64

typedef struct pb_error {
    int code;                      /* PB_OK or a PB_E* code */
    char msg[PB_ERROR_MSG_MAX];    /* what was wrong, no location, no "\n" */
    char file[PB_ERROR_FILE_MAX];  /* input file, "" if none */
    long line;                     /* 1-based input line or record, 0 = none */
    long column;                   /* 1-based column, 0 = none */
    char field[PB_ERROR_FIELD_MAX]; /* input field or column name, "" = none */
} pb_error;

/* Resets err to "no error".  NULL is accepted. */
void pb_error_clear(pb_error *err);

/* Sets code and message (printf-style) and clears any location.  Returns
 * `code`, so that `return pb_error_set(err, PB_EINVAL, "...")` reads well.
 * NULL err is accepted (the code is still returned). */
int pb_error_set(pb_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a location to an error already set.  Only parts not yet known are
 * filled: file if empty, line if 0, column if 0, field if empty.  Pass NULL
 * or 0 for parts you do not know.  NULL err is accepted. */
void pb_error_locate(pb_error *err, const char *file, long line, long column,
                     const char *field);

/* Writes "FILE:LINE:COL: field: message" (parts that are unknown omitted)
 * into buf of size n, always NUL-terminated.  Returns buf. */
const char *pb_error_format(const pb_error *err, char *buf, size_t n);

/* A short English name for a code ("bad input", "not found", ...). */
const char *pb_error_name(int code);

#endif
