/*
 * cmd_check.c - `poolbook check`: verify every invariant of the book.
 */
#include <getopt.h>

#include "cli/cli.h"
#include "ledger/check.h"

static const char help[] =
    "usage: poolbook check [--quick]\n"
    "\n"
    "Verifies the book: SQLite integrity and foreign keys; the append-only\n"
    "triggers are in place; every entry balances; the hash chain is\n"
    "unbroken (the first entry whose content or link does not match is\n"
    "named); every entry lies in the period of its date and none was posted\n"
    "into a closed period; dimensions are of the right kind; reversals\n"
    "negate what they reverse; the per-period balance cache equals the\n"
    "postings.  Prints the number of entries and the hash of the newest one:\n"
    "record it (e.g. in the month-end pack) and a later rewrite of the whole\n"
    "chain will show.  Exit status 1 if any problem is found.\n"
    "\n"
    "  --quick   SQLite quick_check instead of the full integrity_check\n";

static void print_problem(const pb_check_problem *p, void *ud)
{
    (void)ud;
    if (p->entry_id != 0)
        printf("FAIL %-10s entry %lld: %s\n", p->check, (long long)p->entry_id,
               p->detail);
    else
        printf("FAIL %-10s %s\n", p->check, p->detail);
}

int pb_cmd_check(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"quick", no_argument, NULL, 'q'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    pb_check_summary sum;
    pb_book *b = NULL;
    pb_error err;
    unsigned flags = 0;
    char hex[PB_SHA256_HEX_LEN];
    int c, rc;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'q': flags |= PB_CHECK_QUICK; break;
        case 'h': return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (optind != argc)
        return pb_msg_usage(cli, "unexpected argument '%s'", argv[optind]);
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    pb_error_clear(&err);
    rc = pb_check_run(b, flags, print_problem, NULL, &sum, &err);
    if (rc != PB_OK) {
        rc = pb_msg_error(&err);
    } else {
        printf("%lld entries, %lld postings; head %s\n",
               (long long)sum.entries, (long long)sum.postings,
               pb_sha256_hex(sum.head, hex));
        if (sum.problems == 0) {
            printf("ok: every check passed\n");
            rc = PB_EXIT_OK;
        } else {
            rc = pb_msg_fail("%zu problem%s found", sum.problems,
                             sum.problems == 1 ? "" : "s");
        }
    }
    pb_book_close(b);
    return rc;
}
