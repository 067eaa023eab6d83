/*
 * cmd_period.c - `poolbook period close|reopen|list|log`.
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/period.h"

static const char help[] =
    "usage: poolbook period close PERIOD [--reason TEXT]\n"
    "       poolbook period reopen PERIOD --reason TEXT\n"
    "       poolbook period list [--fy YEAR]\n"
    "       poolbook period log\n"
    "\n"
    "PERIOD is \"2024-25 P06\", 202406, or P06 (this financial year).  A\n"
    "closed period takes no entries: correct it with reversals in an open\n"
    "period, or reopen it with a reason (logged with who and when).\n"
    "`list` shows the periods of a year (default: this one) with their\n"
    "state and entry counts; `log` every close and reopen.\n";

typedef struct list_ctx {
    int fy_start;
} list_ctx;

static int print_period(const pb_period_info *p, void *ud)
{
    const list_ctx *ctx = ud;
    char ps[PB_PERIOD_STR_LEN], first[PB_DATE_ISO_LEN], last[PB_DATE_ISO_LEN];

    printf("%-12s %s..%s  %-6s %8lld entries", pb_period_str(p->period,
           ctx->fy_start, ps),
           pb_date_iso(pb_period_first_day(p->period, ctx->fy_start), first),
           pb_date_iso(pb_period_last_day(p->period, ctx->fy_start), last),
           p->closed ? "closed" : "open", (long long)p->entries);
    if (p->changed_at[0] != '\0')
        printf("  (%s by %s at %s)", p->closed ? "closed" : "reopened",
               p->changed_by, p->changed_at);
    fputc('\n', stdout);
    return 0;
}

static int print_log(const pb_period_log_info *l, void *ud)
{
    const list_ctx *ctx = ud;
    char ps[PB_PERIOD_STR_LEN];

    printf("%s  %-8s %-12s by %s%s%s\n", l->at, l->action,
           pb_period_str(l->period, ctx->fy_start, ps), l->by,
           l->reason[0] ? ": " : "", l->reason);
    return 0;
}

int pb_cmd_period(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"reason", required_argument, NULL, 'r'},
        {"fy", required_argument, NULL, 'y'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *reason = NULL, *fy_text = NULL, *verb;
    list_ctx ctx;
    pb_book *b = NULL;
    pb_period p;
    pb_error err;
    int c, rc, fy;
    char ps[PB_PERIOD_STR_LEN];

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'r': reason = optarg; break;
        case 'y': fy_text = optarg; break;
        case 'h': return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return pb_msg_usage(cli, "say close, reopen, list or log");
    verb = argv[optind++];
    pb_error_clear(&err);
    if (strcmp(verb, "close") == 0 || strcmp(verb, "reopen") == 0) {
        int closing = verb[0] == 'c';

        if (argc - optind != 1)
            return pb_msg_usage(cli, "%s takes one PERIOD", verb);
        if (!closing && (reason == NULL || *reason == '\0'))
            return pb_msg_usage(cli, "reopening a period needs --reason");
        if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
            return rc;
        if ((rc = pb_cli_period(cli, b, argv[optind], &p)) != 0) {
            pb_book_close(b);
            return rc;
        }
        rc = pb_book_begin(b, &err);
        if (rc == PB_OK)
            rc = closing ? pb_period_close(b, p, reason, &err)
                         : pb_period_reopen(b, p, reason, &err);
        rc = pb_cli_finish(b, rc, &err);
        if (rc == PB_EXIT_OK)
            printf("%s period %s\n", closing ? "closed" : "reopened",
                   pb_period_str(p, pb_book_fy_start(b), ps));
    } else if (strcmp(verb, "list") == 0 || strcmp(verb, "log") == 0) {
        if (argc != optind)
            return pb_msg_usage(cli, "%s takes no arguments", verb);
        if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
            return rc;
        ctx.fy_start = pb_book_fy_start(b);
        fy = pb_fy_of_date(pb_date_today(), ctx.fy_start);
        if (fy_text != NULL && pb_fy_parse(&fy, fy_text, &err) != PB_OK) {
            pb_book_close(b);
            return pb_msg_usage(cli, "%s", err.msg);
        }
        rc = verb[1] == 'i' ? pb_period_each(b, fy, print_period, &ctx, &err)
                            : pb_period_log_each(b, print_log, &ctx, &err);
        rc = rc == PB_OK ? PB_EXIT_OK : pb_msg_error(&err);
    } else {
        return pb_msg_usage(cli, "unknown action '%s' (close, reopen, list, "
                            "log)",
                            verb);
    }
    pb_book_close(b);
    return rc;
}
