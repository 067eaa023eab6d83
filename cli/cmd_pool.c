/*
 * cmd_pool.c - `poolbook pool|partner|stream|scheme list`: the pool
 * model's master data, for people.  (`poolbook dump KIND` writes the same
 * records as the CSV that `poolbook load KIND` reads.)
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/pool.h"

static const char pool_help[] =
    "usage: poolbook pool list\n"
    "\n"
    "Lists the pools: code, name, legal basis (s75-pooled, aligned,\n"
    "s75-other, s76, s256, single), host partner, financial years covered,\n"
    "pooled fund manager and risk-share rule.  Load them with\n"
    "`poolbook load pools FILE`; `poolbook dump pools` writes that CSV.\n";

static const char partner_help[] =
    "usage: poolbook partner list\n"
    "\n"
    "Lists the partners: code (as postings use it), kind (council, icb,\n"
    "ccg, nhs-trust, other), code in the partner's own ledger, and name.\n";

static const char stream_help[] =
    "usage: poolbook stream list [--pool CODE]\n"
    "\n"
    "Lists the funding streams in report order: position, code, pool,\n"
    "contributing partner, capital or revenue, ring-fenced, whether an\n"
    "underspend carries forward, and name.\n";

static const char scheme_help[] =
    "usage: poolbook scheme list [--pool CODE]\n"
    "\n"
    "Lists the schemes in report order: position, code, pool, host\n"
    "partner, pooled or aligned, area, budget manager and name.\n";

static int pool_row(const pb_pool_info *p, void *ud)
{
    char a[PB_FY_STR_LEN], z[PB_FY_STR_LEN], years[32];

    (void)ud;
    snprintf(years, sizeof years, "%s..%s", pb_fy_str(p->first_fy, 4, a),
             p->last_fy != 0 ? pb_fy_str(p->last_fy, 4, z) : "");
    printf("%-10s %-10s %-6s %-18s %-24s %-24s %s\n", p->code,
           pb_pool_basis_name(p->basis), p->host, years,
           p->manager[0] ? p->manager : "-",
           p->risk_share[0] ? p->risk_share : "-", p->name);
    return 0;
}

static int partner_row(const pb_partner_info *p, void *ud)
{
    (void)ud;
    printf("%-10s %-10s %-10s %s\n", p->code, pb_partner_kind_name(p->kind),
           p->ledger_code[0] ? p->ledger_code : "-", p->name);
    return 0;
}

static int stream_row(const pb_stream_info *s, void *ud)
{
    (void)ud;
    printf("%5d  %-12s %-8s %-8s %-8s %-12s %-10s %s\n", s->order, s->code,
           s->pool, s->partner, s->capital ? "capital" : "revenue",
           s->ring_fenced ? "yes" : "no", s->carry_forward ? "yes" : "no",
           s->name);
    return 0;
}

static int scheme_row(const pb_scheme_info *s, void *ud)
{
    (void)ud;
    printf("%5d  %-12s %-8s %-6s %-8s %-20s %-28s %s\n", s->order, s->code,
           s->pool, s->host, s->pooled ? "pooled" : "aligned",
           s->area[0] ? s->area : "-", s->manager[0] ? s->manager : "-",
           s->name);
    return 0;
}

enum { LIST_POOL, LIST_PARTNER, LIST_STREAM, LIST_SCHEME };

/* The four commands differ only in help text, columns and function. */
static int list_command(pb_cli *cli, int argc, char **argv, int what)
{
    static const struct option opts[] = {
        {"pool", required_argument, NULL, 'p'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    static const char *const helps[] = {pool_help, partner_help, stream_help,
                                        scheme_help};
    const char *pool = NULL;
    pb_book *b = NULL;
    pb_error err;
    int c, rc;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'p':
            if (what != LIST_STREAM && what != LIST_SCHEME)
                return pb_msg_usage(cli, "--pool applies to stream and "
                                         "scheme lists");
            pool = optarg;
            break;
        case 'h': return pb_msg_help(helps[what]);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (argc - optind != 1 || strcmp(argv[optind], "list") != 0)
        return pb_msg_usage(cli, "say list");
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    pb_error_clear(&err);
    if (pool != NULL && pb_pool_find(b, pool, NULL, &err) != PB_OK) {
        rc = pb_msg_error(&err);
        pb_book_close(b);
        return rc;
    }
    switch (what) {
    case LIST_POOL:
        printf("%-10s %-10s %-6s %-18s %-24s %-24s %s\n", "POOL", "BASIS",
               "HOST", "YEARS", "MANAGER", "RISK SHARE", "NAME");
        rc = pb_pool_each(b, pool_row, NULL, &err);
        break;
    case LIST_PARTNER:
        printf("%-10s %-10s %-10s %s\n", "PARTNER", "KIND", "LEDGER",
               "NAME");
        rc = pb_partner_each(b, partner_row, NULL, &err);
        break;
    case LIST_STREAM:
        printf("%5s  %-12s %-8s %-8s %-8s %-12s %-10s %s\n", "ORDER",
               "STREAM", "POOL", "PARTNER", "TYPE", "RING-FENCED",
               "CARRY-FWD", "NAME");
        rc = pb_stream_each(b, pool, stream_row, NULL, &err);
        break;
    default:
        printf("%5s  %-12s %-8s %-6s %-8s %-20s %-28s %s\n", "ORDER",
               "SCHEME", "POOL", "HOST", "BUDGET", "AREA", "MANAGER",
               "NAME");
        rc = pb_scheme_each(b, pool, scheme_row, NULL, &err);
        break;
    }
    rc = rc == PB_OK ? PB_EXIT_OK : pb_msg_error(&err);
    pb_book_close(b);
    return rc;
}

int pb_cmd_pool(pb_cli *cli, int argc, char **argv)
{
    return list_command(cli, argc, argv, LIST_POOL);
}

int pb_cmd_partner(pb_cli *cli, int argc, char **argv)
{
    return list_command(cli, argc, argv, LIST_PARTNER);
}

int pb_cmd_stream(pb_cli *cli, int argc, char **argv)
{
    return list_command(cli, argc, argv, LIST_STREAM);
}

int pb_cmd_scheme(pb_cli *cli, int argc, char **argv)
{
    return list_command(cli, argc, argv, LIST_SCHEME);
}
