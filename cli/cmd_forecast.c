/*
 * cmd_forecast.c - `poolbook forecast set|list`: officers' forecast
 * outturns per budget line and month-end (reports/forecast.h).  A file of
 * them loads with `poolbook load forecasts FILE`.
 *
 * `set` is one transaction, recorded as a batch ("forecast:set") only
 * when it changes something: the same figure again writes nothing.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/batch.h"
#include "reports/forecast.h"

static const char help[] =
    "usage: poolbook forecast set --period P --scheme CODE [--stream CODE]\n"
    "                             [--partner CODE] [--pool CODE]\n"
    "                             [--note TEXT] AMOUNT\n"
    "       poolbook forecast list [--pool CODE] [--fy YEAR] [--period P]\n"
    "                             [--scheme CODE] [--stream CODE]\n"
    "                             [--partner CODE] [--known-at DATE]\n"
    "                             [--history]\n"
    "\n"
    "set   records the forecast outturn for the year of one budget line -\n"
    "      the line of --scheme with --stream and --partner, as its budget\n"
    "      was set - at month-end P (\"2024-25 P06\", 202406, or P06 in the\n"
    "      current year).  AMOUNT is signed like budgets: expenditure\n"
    "      positive, income negative (write \"(15,284,000)\", or put \"--\"\n"
    "      before a leading minus).  A correction is a new record; the old\n"
    "      one is kept.  The same figure again writes nothing.  --pool may be\n"
    "      left out when the book has one pool.\n"
    "list  the forecasts in force per line and period, with who recorded\n"
    "      them and when; --history every record, corrections included\n"
    "      (* marks the one in force); --known-at DATE as they stood at the\n"
    "      end of DATE.\n"
    "\n"
    "A file of forecasts loads with `poolbook load forecasts FILE`\n"
    "(pool,fy,period,scheme,stream,partner,amount,note).\n";

/* The book's only pool, when --pool is left out. */
typedef struct only {
    char code[64];
    int n;
} only;

static int only_fn(const pb_pool_info *info, void *ud)
{
    only *o = ud;

    if (o->n++ == 0)
        snprintf(o->code, sizeof o->code, "%s", info->code);
    return 0;
}

static int default_pool(const pb_cli *cli, pb_book *b, const char **pool,
                        only *o)
{
    pb_error err;

    if (*pool != NULL)
        return PB_EXIT_OK;
    memset(o, 0, sizeof *o);
    pb_error_clear(&err);
    if (pb_pool_each(b, only_fn, o, &err) != PB_OK)
        return pb_msg_error(&err);
    if (o->n != 1)
        return pb_msg_usage(cli, "the book has %d pools: give --pool CODE",
                            o->n);
    *pool = o->code;
    return PB_EXIT_OK;
}

static void money(const pb_amount *a, int width)
{
    pb_cli_money(stdout, a, width);
}

static int set(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"pool", required_argument, NULL, 'p'},
        {"period", required_argument, NULL, 'P'},
        {"scheme", required_argument, NULL, 's'},
        {"stream", required_argument, NULL, 't'},
        {"partner", required_argument, NULL, 'q'},
        {"note", required_argument, NULL, 'n'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *pool = NULL, *period = NULL, *amount_text = NULL;
    char **args = pb_xcalloc((size_t)argc + 1, sizeof *args);
    pb_forecast_def d;
    pb_put_result res = PB_PUT_UNCHANGED;
    pb_batch_info bi;
    pb_amount amount;
    pb_book *b = NULL;
    pb_error err;
    int64_t batch = 0;
    char ps[PB_PERIOD_STR_LEN], key[256];
    only o;
    int c, rc, n = 0, i;

    memset(&d, 0, sizeof d);
    pb_amount_init(&amount);
    pb_error_clear(&err);
    /* A negative AMOUNT ("-4000") would read as options: take it first. */
    for (i = 0; i < argc; i++) {
        if (i > 0 && argv[i][0] == '-' &&
            ((argv[i][1] >= '0' && argv[i][1] <= '9') || argv[i][1] == '.') &&
            strcmp(argv[i - 1], "--note") != 0)
            amount_text = argv[i];
        else
            args[n++] = argv[i];
    }
    optind = 0;
    while ((c = getopt_long(n, args, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'p': pool = optarg; break;
        case 'P': period = optarg; break;
        case 's': d.key.scheme = optarg; break;
        case 't': d.key.stream = optarg; break;
        case 'q': d.key.partner = optarg; break;
        case 'n': d.note = optarg; break;
        case 'h':
            rc = pb_msg_help(help);
            goto done;
        default:
            rc = pb_cli_bad_option(cli, c, args[optind - 1]);
            goto done;
        }
    }
    if (optind < n && amount_text == NULL)
        amount_text = args[optind++];
    if (optind < n) {
        rc = pb_msg_usage(cli, "unexpected argument '%s'", args[optind]);
        goto done;
    }
    if (amount_text == NULL || period == NULL || d.key.scheme == NULL) {
        rc = pb_msg_usage(cli, "give --period, --scheme and the AMOUNT");
        goto done;
    }
    if ((rc = pb_cli_amount(cli, amount_text, &amount)) != PB_EXIT_OK)
        goto done;
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        goto done;
    if ((rc = pb_cli_period(cli, b, period, &d.period)) != PB_EXIT_OK ||
        (rc = default_pool(cli, b, &pool, &o)) != PB_EXIT_OK)
        goto done;
    d.key.pool = pool;
    d.key.fy = pb_period_fy(d.period);
    d.amount = &amount;
    memset(&bi, 0, sizeof bi);
    bi.kind = "forecast:set";
    bi.source = "arguments";
    bi.size = -1;
    bi.detail = "";
    if ((rc = pb_book_begin(b, &err)) == PB_OK &&
        (rc = pb_batch_begin(b, &bi, &batch, &err)) == PB_OK &&
        (rc = pb_forecast_set(b, &d, batch, &res, &err)) == PB_OK)
        rc = pb_batch_finish(b, batch, 1, 0, "forecast set", &err);
    snprintf(key, sizeof key, "%s %s %s%s%s%s%s", pool,
             pb_period_str(d.period, pb_book_fy_start(b), ps), d.key.scheme,
             d.key.stream != NULL ? " " : "",
             d.key.stream != NULL ? d.key.stream : "",
             d.key.partner != NULL ? " " : "",
             d.key.partner != NULL ? d.key.partner : "");
    if (rc == PB_OK && res == PB_PUT_UNCHANGED) {
        pb_book_rollback(b);
        printf("forecast %s: already ", key);
        money(&amount, 0);
        printf("; nothing written\n");
        rc = PB_EXIT_OK;
        goto done;
    }
    if ((rc = pb_cli_finish(b, rc, &err)) != PB_EXIT_OK)
        goto done;
    printf("forecast %s: ", key);
    money(&amount, 0);
    printf(" recorded%s (batch %lld)\n",
           res == PB_PUT_UPDATED ? ", correcting the earlier one" : "",
           (long long)batch);
done:
    pb_amount_clear(&amount);
    pb_book_close(b);
    free(args);
    return rc;
}

typedef struct list_ctx {
    bool history;
    int fy_start;
    long rows;
} list_ctx;

static int list_fn(const pb_forecast_info *f, void *ud)
{
    list_ctx *c = ud;
    char ps[PB_PERIOD_STR_LEN];

    if (c->rows++ == 0)
        printf("%-12s %-6s %-12s %-10s %-8s %16s  %-20s  %-12s %s\n",
               "PERIOD", "POOL", "SCHEME", "STREAM", "PARTNER", "FORECAST",
               "RECORDED AT", "BY", "NOTE");
    printf("%-12s %-6s %-12s %-10s %-8s ",
           pb_period_str(f->period, c->fy_start, ps), f->pool, f->scheme,
           *f->stream ? f->stream : "-", *f->partner ? f->partner : "-");
    money(f->amount, 16);
    printf("%s %-20s  %-12s %s\n", c->history && f->in_force ? "*" : " ",
           f->recorded_at, f->recorded_by, f->note);
    return 0;
}

static int list(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"pool", required_argument, NULL, 'p'},
        {"fy", required_argument, NULL, 'y'},
        {"period", required_argument, NULL, 'P'},
        {"scheme", required_argument, NULL, 's'},
        {"stream", required_argument, NULL, 't'},
        {"partner", required_argument, NULL, 'q'},
        {"known-at", required_argument, NULL, 'k'},
        {"history", no_argument, NULL, 'H'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *period = NULL;
    pb_forecast_query q;
    list_ctx lc = {false, 4, 0};
    pb_book *b = NULL;
    pb_error err;
    int c, rc;

    pb_forecast_query_init(&q);
    pb_error_clear(&err);
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'p': q.pool = optarg; break;
        case 'y':
            if (pb_fy_parse(&q.fy, optarg, &err) != PB_OK)
                return pb_msg_usage(cli, "%s", err.msg);
            break;
        case 'P': period = optarg; break;
        case 's': q.scheme = optarg; break;
        case 't': q.stream = optarg; break;
        case 'q': q.partner = optarg; break;
        case 'k':
            if ((rc = pb_cli_date(cli, optarg, &q.known_at)) != PB_EXIT_OK)
                return rc;
            q.has_known_at = true;
            break;
        case 'H': q.history = lc.history = true; break;
        case 'h': return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (optind < argc)
        return pb_msg_usage(cli, "unexpected argument '%s'", argv[optind]);
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    lc.fy_start = pb_book_fy_start(b);
    if (period != NULL &&
        (rc = pb_cli_period(cli, b, period, &q.period)) != PB_EXIT_OK) {
        pb_book_close(b);
        return rc;
    }
    rc = pb_book_begin_read(b, &err);
    if (rc == PB_OK)
        rc = pb_forecast_each(b, &q, list_fn, &lc, &err);
    pb_book_rollback(b);
    pb_book_close(b);
    if (rc != PB_OK)
        return pb_msg_error(&err);
    if (lc.rows == 0)
        printf("no forecasts recorded%s\n",
               q.pool != NULL || period != NULL || q.scheme != NULL
                   ? " that match"
                   : "");
    return PB_EXIT_OK;
}

int pb_cmd_forecast(pb_cli *cli, int argc, char **argv)
{
    if (argc < 2)
        return pb_msg_usage(cli, "give an action: set or list");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return pb_msg_help(help);
    if (strcmp(argv[1], "set") == 0)
        return set(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return list(cli, argc - 1, argv + 1);
    return pb_msg_usage(cli, "unknown action '%s' (set, list)", argv[1]);
}
