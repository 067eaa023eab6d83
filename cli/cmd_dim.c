/*
 * cmd_dim.c - `poolbook dim add|list|rename`: dimension values.
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"

static const char help[] =
    "usage: poolbook dim add KIND CODE NAME\n"
    "       poolbook dim rename KIND CODE NAME\n"
    "       poolbook dim list KIND\n"
    "\n"
    "Dimension values analyse postings: KIND is stream (funding stream),\n"
    "scheme, partner or cc (cost centre).  Streams, schemes and partners\n"
    "must exist before a posting names them; cost centres are created on\n"
    "first use.  Codes use letters, digits and . _ - / & (up to 40).\n";

static int print_dim(const pb_dim_info *d, void *ud)
{
    (void)ud;
    printf("%-16s %s\n", d->code, d->name);
    return 0;
}

int pb_cmd_dim(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *verb;
    pb_dim_kind kind;
    pb_book *b = NULL;
    pb_error err;
    int c, rc, nargs;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        if (c == 'h')
            return pb_msg_help(help);
        return pb_cli_bad_option(cli, c, argv[optind - 1]);
    }
    if (argc - optind < 2)
        return pb_msg_usage(cli, "say add, rename or list, and a KIND");
    verb = argv[optind++];
    pb_error_clear(&err);
    if (pb_dim_kind_parse(&kind, argv[optind++], &err) != PB_OK)
        return pb_msg_usage(cli, "%s", err.msg);
    nargs = argc - optind;
    if (strcmp(verb, "list") == 0) {
        if (nargs != 0)
            return pb_msg_usage(cli, "list takes only a KIND");
        if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
            return rc;
        rc = pb_dim_each(b, kind, print_dim, NULL, &err);
        rc = rc == PB_OK ? PB_EXIT_OK : pb_msg_error(&err);
    } else if (strcmp(verb, "add") == 0 || strcmp(verb, "rename") == 0) {
        if (nargs != 2)
            return pb_msg_usage(cli, "%s takes KIND CODE NAME", verb);
        if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
            return rc;
        rc = pb_book_begin(b, &err);
        if (rc == PB_OK && verb[0] == 'a')
            rc = pb_dim_add(b, kind, argv[optind], argv[optind + 1], NULL,
                            &err);
        else if (rc == PB_OK)
            rc = pb_dim_rename(b, kind, argv[optind], argv[optind + 1], &err);
        rc = pb_cli_finish(b, rc, &err);
        if (rc == PB_EXIT_OK)
            printf("%s %s %s\n", verb[0] == 'a' ? "added" : "renamed",
                   pb_dim_kind_title(kind), argv[optind]);
    } else {
        return pb_msg_usage(cli, "unknown action '%s' (add, rename, list)",
                            verb);
    }
    pb_book_close(b);
    return rc;
}
