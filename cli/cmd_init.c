/*
 * cmd_init.c - `poolbook init`: create a new, empty book.
 */
#include <getopt.h>
#include <stdlib.h>

#include "cli/cli.h"

static const char help[] =
    "usage: poolbook init [--fy-start MONTH]\n"
    "\n"
    "Creates a new book (an SQLite file readable by you only) at --db FILE,\n"
    "$POOLBOOK_DB or ./poolbook.db.  Refuses to overwrite an existing file.\n"
    "\n"
    "  --fy-start MONTH   first month of the financial year, 1-12 (default 4,\n"
    "                     April: P1 = April ... P12 = March)\n";

int pb_cmd_init(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"fy-start", required_argument, NULL, 'f'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    pb_book *b = NULL;
    pb_error err;
    int c, month = 4, rc;
    char *end;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'f':
            month = (int)strtol(optarg, &end, 10);
            if (*end != '\0' || month < 1 || month > 12)
                return pb_msg_usage(cli, "--fy-start takes a month 1-12, not "
                                    "'%s'", optarg);
            break;
        case 'h':
            return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (optind != argc)
        return pb_msg_usage(cli, "unexpected argument '%s'", argv[optind]);
    if ((rc = pb_cli_open(cli, &b, PB_BOOK_CREATE)) != PB_EXIT_OK)
        return rc;
    pb_error_clear(&err);
    if (month != 4 && pb_book_set_fy_start(b, month, &err) != PB_OK) {
        rc = pb_msg_error(&err);
        pb_book_close(b);
        return rc;
    }
    printf("created book %s (financial year starts in month %d)\n", cli->db,
           month);
    pb_book_close(b);
    return PB_EXIT_OK;
}
