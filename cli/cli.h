/*
 * cli.h - what the poolbook commands share: the invocation context, the
 * command table entry, opening the book, exit statuses, and the one
 * module every message to the user goes through (msg.c).
 *
 * Exit statuses: 0 success; 1 bad data or a refused operation (the book is
 * unchanged); 2 usage error (nothing was attempted).
 */
#ifndef PB_CLI_H
#define PB_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "ledger/amount.h"
#include "ledger/book.h"
#include "ledger/date.h"
#include "ledger/dim.h"
#include "ledger/error.h"

enum { PB_EXIT_OK = 0, PB_EXIT_DATA = 1, PB_EXIT_USAGE = 2 };

typedef struct pb_cli {
    const char *db;   /* --db, $POOLBOOK_DB, or "poolbook.db" */
    const char *user; /* --user, or NULL for the book's default */
    const char *cmd;  /* the command's full name, for messages */
} pb_cli;

typedef struct pb_command {
    const char *name;
    int (*run)(pb_cli *cli, int argc, char **argv);
    const char *summary; /* one line for `poolbook --help` */
} pb_command;

/* Commands (cli/cmd_*.c). */
int pb_cmd_init(pb_cli *cli, int argc, char **argv);
int pb_cmd_account(pb_cli *cli, int argc, char **argv);
int pb_cmd_dim(pb_cli *cli, int argc, char **argv);
int pb_cmd_post(pb_cli *cli, int argc, char **argv);
int pb_cmd_reverse(pb_cli *cli, int argc, char **argv);
int pb_cmd_show(pb_cli *cli, int argc, char **argv);
int pb_cmd_balance(pb_cli *cli, int argc, char **argv);
int pb_cmd_register(pb_cli *cli, int argc, char **argv);
int pb_cmd_period(pb_cli *cli, int argc, char **argv);
int pb_cmd_check(pb_cli *cli, int argc, char **argv);
int pb_cmd_import(pb_cli *cli, int argc, char **argv);
int pb_cmd_load(pb_cli *cli, int argc, char **argv);
int pb_cmd_dump(pb_cli *cli, int argc, char **argv);
int pb_cmd_pool(pb_cli *cli, int argc, char **argv);
int pb_cmd_partner(pb_cli *cli, int argc, char **argv);
int pb_cmd_stream(pb_cli *cli, int argc, char **argv);
int pb_cmd_scheme(pb_cli *cli, int argc, char **argv);
int pb_cmd_budget(pb_cli *cli, int argc, char **argv);
int pb_cmd_report(pb_cli *cli, int argc, char **argv);
int pb_cmd_forecast(pb_cli *cli, int argc, char **argv);
int pb_cmd_rag(pb_cli *cli, int argc, char **argv);
int pb_cmd_export(pb_cli *cli, int argc, char **argv);

/* ---- messages (msg.c): the only writers to stderr -------------------- */

/* "poolbook: error: FILE:LINE: field: message".  Returns the exit status
 * for the error's code (1, or 2 for PB_EUSAGE). */
int pb_msg_error(const pb_error *err);
/* "poolbook: error: <printf>" with status 1. */
int pb_msg_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "poolbook CMD: <printf>\nTry 'poolbook CMD --help'." with status 2. */
int pb_msg_usage(const pb_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints a command's help text to stdout; returns 0. */
int pb_msg_help(const char *text);

/* ---- helpers (common.c) ----------------------------------------------- */

/* Opens the book named by cli (PB_BOOK_CREATE for init), applying --user.
 * On failure prints the error and returns its exit status (non-zero). */
int pb_cli_open(const pb_cli *cli, pb_book **out, unsigned flags);
/* Handles the options every command takes: --db, --user.  Returns true if
 * `opt` was one of them. */
bool pb_cli_common_opt(pb_cli *cli, int opt, const char *arg);
/* Finishes a write: commit on rc == PB_OK, else roll back; prints the
 * error.  Returns the exit status. */
int pb_cli_finish(pb_book *b, int rc, const pb_error *err);

/* The usage error for what getopt_long returned as not an option of the
 * command: c is ':' (the option string starts with ':') when `arg`, the
 * option as given, lacks its value; else `arg` is unknown.  Status 2. */
int pb_cli_bad_option(const pb_cli *cli, int c, const char *arg);

/* An entry or batch id: a positive whole number.  false otherwise. */
bool pb_cli_id(const char *text, int64_t *out);

/* Option values. */
int pb_cli_date(const pb_cli *cli, const char *text, pb_date *out);
int pb_cli_period(const pb_cli *cli, pb_book *b, const char *text,
                  pb_period *out);
int pb_cli_amount(const pb_cli *cli, const char *text, pb_amount *out);

/* Reads a whole file (path "-" or NULL: standard input) into out.
 * Refuses anything but a regular file or a pipe.  Prints the error and
 * returns its exit status on failure. */
int pb_cli_read_input(const char *path, pb_buf *out);

/* Where a command's output goes: standard output, or a file written whole
 * or not at all - a temporary file beside it (created exclusively, mode
 * 0666 & ~umask), synced and renamed over it only when every byte is
 * written, so a full disk or an error never leaves a truncated report or
 * destroys the previous one. */
typedef struct pb_cli_out {
    FILE *f;          /* write here */
    const char *path; /* NULL: standard output */
    char *tmp;        /* the temporary file while open */
    int err;          /* errno of the first failed pb_cli_out_write */
} pb_cli_out;

/* path NULL or "-": standard output.  Prints the error and returns its
 * exit status on failure. */
int pb_cli_out_open(pb_cli_out *o, const char *path);
/* Writes n bytes; a failure is kept for pb_cli_out_close to report. */
void pb_cli_out_write(pb_cli_out *o, const void *p, size_t n);
/* keep: flush and check every write, then (for a file) sync and rename;
 * prints the error and returns its exit status on failure.  !keep: the
 * temporary file is removed and the target left as it was; returns 0. */
int pb_cli_out_close(pb_cli_out *o, bool keep);

/* Prints an entry in the text entry format (readable back by `poolbook
 * post`); its provenance as a comment; with_meta: also who entered it,
 * when, and what it reverses or is reversed by. */
struct pb_entry;
void pb_cli_print_entry(FILE *f, const struct pb_entry *e, bool with_meta);

/* Prints an amount grouped with 2 places ("-1,234.56"). */
void pb_cli_money(FILE *f, const pb_amount *a, int width);

/* Long options shared by every command; use in each command's table. */
#define PB_CLI_COMMON_OPTS                                                     \
    {"db", required_argument, NULL, 0x100}, {"user", required_argument, NULL, \
                                             0x101},                          \
    {                                                                          \
        "help", no_argument, NULL, 'h'                                         \
    }

#endif
