/*
 * msg.c - every message poolbook prints to the user about success or
 * failure.  Errors go to stderr in one form, "poolbook: error: WHERE:
 * WHAT", where WHERE is the input file, line and field when known, so
 * editors and CI logs can jump to it.  Help goes to stdout.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cli/cli.h"

int pb_msg_error(const pb_error *err)
{
    char buf[PB_ERROR_MSG_MAX + PB_ERROR_FILE_MAX + PB_ERROR_FIELD_MAX + 64];

    fprintf(stderr, "poolbook: error: %s\n",
            pb_error_format(err, buf, sizeof buf));
    return err->code == PB_EUSAGE ? PB_EXIT_USAGE : PB_EXIT_DATA;
}

int pb_msg_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("poolbook: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return PB_EXIT_DATA;
}

int pb_msg_usage(const pb_cli *cli, const char *fmt, ...)
{
    va_list ap;
    const char *cmd = cli != NULL && cli->cmd != NULL ? cli->cmd : NULL;

    fprintf(stderr, "poolbook%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'poolbook%s%s --help'.\n", cmd ? " " : "",
            cmd ? cmd : "");
    return PB_EXIT_USAGE;
}

int pb_msg_help(const char *text)
{
    fputs(text, stdout);
    return PB_EXIT_OK;
}
