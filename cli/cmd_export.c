/*
 * cmd_export.c - `poolbook export ledger|beancount`: the whole journal in
 * another tool's syntax (ledger/export.h does the work; docs/export.md
 * describes the mapping).
 *
 * With --output the file is written beside its final name and renamed into
 * place only when complete (pb_cli_out), so a failed export never leaves a
 * truncated file where a good one was.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/export.h"

static const char help[] =
    "usage: poolbook export ledger|beancount [--output FILE]\n"
    "\n"
    "Writes the whole journal, in entry order, to standard output or FILE:\n"
    "  ledger     a journal for ledger and hledger (hledger-web)\n"
    "  beancount  a beancount file (bean-check, bean-query, Fava)\n"
    "Every account is declared (beancount: `open`), amounts are exact in\n"
    "GBP with debits positive, and each entry carries its id, reference,\n"
    "adjustment period, reversal links and tags; each posting its stream,\n"
    "scheme, partner and cost centre as tags (beancount: metadata) and its\n"
    "memo.  Beancount account names are derived from the type and name\n"
    "(Expenditure:Care technology -> Expenses:CareTechnology).  `hledger\n"
    "bal`, `ledger bal` and `bean-query` report the same balances as\n"
    "`poolbook balance`.\n";

int pb_cmd_export(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    pb_export_format fmt;
    pb_book *b = NULL;
    pb_cli_out dst;
    pb_error err;
    int c, rc;

    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'o': output = optarg; break;
        case 'h': return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return pb_msg_usage(cli, "say ledger or beancount");
    pb_error_clear(&err);
    if (pb_export_format_parse(&fmt, argv[optind], &err) != PB_OK)
        return pb_msg_usage(cli, "%s", err.msg);
    if ((rc = pb_cli_open(cli, &b, PB_BOOK_READONLY)) != PB_EXIT_OK)
        return rc;
    if ((rc = pb_cli_out_open(&dst, output)) != PB_EXIT_OK) {
        pb_book_close(b);
        return rc;
    }
    rc = pb_export_book(b, fmt, dst.f, &err);
    pb_book_close(b);
    if (rc != PB_OK) {
        pb_cli_out_close(&dst, false);
        return pb_msg_error(&err);
    }
    return pb_cli_out_close(&dst, true);
}
