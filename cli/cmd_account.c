/*
 * cmd_account.c - `poolbook account add|list|close`.
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/account.h"

static const char help[] =
    "usage: poolbook account add CODE NAME [--type TYPE]\n"
    "       poolbook account list [--all]\n"
    "       poolbook account close CODE\n"
    "\n"
    "Accounts have a CODE (used in postings and files, e.g. 5100 or\n"
    "EXP-REABLE) and a hierarchical NAME with ':' between levels\n"
    "(Expenditure:Reablement).  TYPE is asset, liability, equity, income or\n"
    "expenditure; without --type it is taken from the first level of the\n"
    "name (Assets, Liabilities, Equity, Income, Expenditure...).\n"
    "An account can be closed only when its balance is zero; a closed\n"
    "account takes no postings.  `list` shows open accounts (--all: closed\n"
    "ones too).\n";

typedef struct list_ctx {
    int all;
} list_ctx;

static int print_account(const pb_account_info *a, void *ud)
{
    const list_ctx *ctx = ud;

    if (a->closed && !ctx->all)
        return 0;
    printf("%-12s %-12s %s%s\n", a->code, pb_account_type_name(a->type),
           a->name, a->closed ? "  (closed)" : "");
    return 0;
}

int pb_cmd_account(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"type", required_argument, NULL, 't'},
        {"all", no_argument, NULL, 'a'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *type = NULL, *verb;
    list_ctx lc = {0};
    pb_account_type t;
    pb_book *b = NULL;
    pb_error err;
    int c, rc;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 't': type = optarg; break;
        case 'a': lc.all = 1; break;
        case 'h': return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return pb_msg_usage(cli, "say add, list or close");
    verb = argv[optind++];
    pb_error_clear(&err);
    if (strcmp(verb, "add") == 0) {
        if (argc - optind != 2)
            return pb_msg_usage(cli, "add takes CODE and NAME");
        if (type != NULL) {
            if (pb_account_type_parse(&t, type, &err) != PB_OK)
                return pb_msg_usage(cli, "%s", err.msg);
        } else if (pb_account_type_infer(&t, argv[optind + 1]) != PB_OK) {
            return pb_msg_usage(cli,
                                "cannot tell the type of \"%s\" from its "
                                "name; give --type",
                                argv[optind + 1]);
        }
        if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
            return rc;
        rc = pb_book_begin(b, &err);
        if (rc == PB_OK)
            rc = pb_account_add(b, argv[optind], argv[optind + 1], t, NULL,
                                &err);
        rc = pb_cli_finish(b, rc, &err);
        if (rc == PB_EXIT_OK)
            printf("added account %s %s (%s)\n", argv[optind],
                   argv[optind + 1], pb_account_type_name(t));
    } else if (strcmp(verb, "close") == 0) {
        if (argc - optind != 1)
            return pb_msg_usage(cli, "close takes one CODE");
        if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
            return rc;
        rc = pb_book_begin(b, &err);
        if (rc == PB_OK)
            rc = pb_account_close(b, argv[optind], &err);
        rc = pb_cli_finish(b, rc, &err);
        if (rc == PB_EXIT_OK)
            printf("closed account %s\n", argv[optind]);
    } else if (strcmp(verb, "list") == 0) {
        if (argc != optind)
            return pb_msg_usage(cli, "list takes no arguments");
        if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
            return rc;
        rc = pb_account_each(b, print_account, &lc, &err);
        rc = rc == PB_OK ? PB_EXIT_OK : pb_msg_error(&err);
    } else {
        return pb_msg_usage(cli, "unknown action '%s' (add, list, close)",
                            verb);
    }
    pb_book_close(b);
    return rc;
}
