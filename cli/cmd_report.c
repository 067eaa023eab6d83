/*
 * cmd_report.c - `poolbook report NAME [options]`: compute a report from
 * the book and print it as text, CSV, JSON or HTML.
 *
 * A table of reports, like main.c's table of commands: each entry names
 * the function that computes its pb_table (reports/report.h), the options
 * it takes beyond the common ones, and its help.  Adding a report is
 * adding an entry.  Every report shares one option parser, so --period,
 * --units, --format... mean the same everywhere.
 *
 * --output FILE is written through a temporary file in FILE's directory,
 * then renamed over FILE: a run that fails (bad data, disk full, a
 * report that computes with an error) leaves FILE as it was, never half a
 * report.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/suggest.h"
#include "reports/render.h"
#include "reports/report.h"

/* Options a report may take beyond those every report takes. */
enum {
    OPT_POOL = 1 << 0,     /* --pool */
    OPT_FILTERS = 1 << 1,  /* --stream --scheme --partner */
    OPT_FROM = 1 << 2,     /* --from */
    OPT_ACCOUNT = 1 << 3,  /* --account, or one ACCOUNT argument */
    OPT_DEPTH = 1 << 4,    /* --depth */
    OPT_CC = 1 << 5,       /* --cc */
    OPT_BY = 1 << 6,       /* --by */
    OPT_KNOWN_AT = 1 << 7, /* --known-at */
    OPT_SPEND = 1 << 8     /* --spend */
};

typedef struct report_def {
    const char *name;
    const char *summary; /* one line for `poolbook report --help` */
    const char *help;    /* usage and the report's own options */
    unsigned opts;       /* OPT_* it takes */
    int (*compute)(pb_table **out, pb_book *b, const pb_report_opts *o,
                   pb_error *err);
} report_def;

static const report_def reports[] = {
    {"trial-balance", "every account's balance, debit and credit columns",
     "usage: poolbook report trial-balance [--period P | --as-of DATE]\n"
     "                                     [--depth N] [FILTERS] [OUTPUT]\n"
     "\n"
     "Every account with postings up to the as-at point, its balance in\n"
     "the natural column (Debit if positive, Credit if negative), and\n"
     "totals, which are equal for a whole book.  --depth N groups accounts\n"
     "by the first N levels of their names (Expenditure, Expenditure:Care)\n"
     "under headings with subtotals.  With a filter (--stream, --scheme,\n"
     "--partner, --cc) the columns need not agree; a note gives the\n"
     "difference.  An unfiltered trial balance that does not balance is\n"
     "printed with a note and exits with status 1.\n",
     OPT_FILTERS | OPT_CC | OPT_DEPTH, pb_report_trial_balance},
    {"ledger", "postings of an account, scheme or stream, running balance",
     "usage: poolbook report ledger [ACCOUNT] [--from P]\n"
     "                              [--period P | --as-of DATE]\n"
     "                              [FILTERS] [OUTPUT]\n"
     "\n"
     "The postings of ACCOUNT (a code, a full name, or a name prefix:\n"
     "Expenditure takes Expenditure:*) and/or of a --stream, --scheme,\n"
     "--partner or --cc, in date order with a running balance: first the\n"
     "opening balance (everything before the range), last the debit and\n"
     "credit totals and the closing balance.  The range runs from --from P\n"
     "(default: P0 of the as-at year) to the as-at point; with neither,\n"
     "it is the whole book.  Debits are positive, credits negative.\n",
     OPT_FILTERS | OPT_CC | OPT_FROM | OPT_ACCOUNT, pb_report_ledger},
    {"running-balances", "income, spend to date and balance per stream",
     "usage: poolbook report running-balances [--pool CODE]\n"
     "                     (--period P | --as-of DATE) [FILTERS] [OUTPUT]\n"
     "\n"
     "For each funding stream of the pool, in template order (zero rows\n"
     "kept): Income (credits to income accounts with that stream), and\n"
     "Expenditure to date (debits to expenditure accounts), from the start\n"
     "of the financial year to the as-at point; Percentage spent (blank\n"
     "where income is zero); Balance = income - expenditure; and a total\n"
     "row whose percentage is total spend / total income.  The HTML page\n"
     "adds a chart of spend against the profiled budget to date.  Default\n"
     "units: whole pounds with a pound sign.  Filters: --stream, --scheme,\n"
     "--partner.\n",
     OPT_POOL | OPT_FILTERS, pb_report_running_balances},
    {"budget-monitoring",
     "budget, forecast, variance F/A, movement, RAG per scheme",
     "usage: poolbook report budget-monitoring [--pool CODE]\n"
     "                     (--period P | --as-of DATE)\n"
     "                     [--by scheme|area|line] [--known-at DATE]\n"
     "                     [FILTERS] [OUTPUT]\n"
     "\n"
     "Per scheme: current budget (as at the period end), forecast outturn\n"
     "(recorded for the period with `poolbook forecast`; a line with none is\n"
     "taken at its current budget, and a note says how many), forecast\n"
     "variance (forecast - budget) with A adverse / F favourable, the\n"
     "variance at the previous period (its forecast against its budget as\n"
     "they stood then), the movement since, RAG (the pool's thresholds:\n"
     "`poolbook rag`), improving / deteriorating arrow, actual to date and\n"
     "prior-year outturn; a total computed from the unrounded rows.\n"
     "  --by area        schemes under their areas, with subtotals\n"
     "  --by line        each budget line, under its scheme, with subtotals\n"
     "  --known-at DATE  forecasts and RAG thresholds as recorded on or\n"
     "                   before DATE (the report as it could be run then)\n"
     "Filters: --stream, --scheme, --partner.\n",
     OPT_POOL | OPT_FILTERS | OPT_BY | OPT_KNOWN_AT,
     pb_report_budget_monitoring},
    {"schemes", "each scheme's value, spend and variance by partner",
     "usage: poolbook report schemes [--pool CODE]\n"
     "                     (--period P | --as-of DATE)\n"
     "                     [--spend actual|forecast] [--known-at DATE]\n"
     "                     [FILTERS] [OUTPUT]\n"
     "\n"
     "Per scheme: host (or \"budgets not pooled\" for an aligned scheme) and\n"
     "budget manager; per partner its annual value (current budget), share\n"
     "of the scheme's value, spend, and variance worded as overspend or\n"
     "underspend; the scheme's total; a grand total.  Spend is the actual\n"
     "to date at P12 and the forecast outturn before it, unless --spend\n"
     "says which.  Shares are rounded for show; amounts are exact.\n"
     "Filters: --scheme, --partner.\n",
     OPT_POOL | OPT_FILTERS | OPT_KNOWN_AT | OPT_SPEND, pb_report_schemes},
    {"pool", "planned contributions by partner and stream, and received",
     "usage: poolbook report pool [--pool CODE]\n"
     "                     (--period P | --as-of DATE)\n"
     "                     [--by stream|partner] [FILTERS] [OUTPUT]\n"
     "\n"
     "The pool's planned contributions for the year, by partner and\n"
     "stream, with the total; beside each, the contributions received to\n"
     "date (credits to income accounts with that partner and stream) and\n"
     "the percentage received.  Income from a partner and stream with no\n"
     "plan gets a row of its own.  --by partner groups the rows under each\n"
     "partner with subtotals.  Filters: --stream, --partner.\n",
     OPT_POOL | OPT_FILTERS | OPT_BY, pb_report_pool},
};

#define NREPORTS (sizeof reports / sizeof reports[0])

static const char report_help[] =
    "usage: poolbook report NAME [options]\n"
    "\n"
    "Computes a month-end report from the book and prints it as text, CSV,\n"
    "JSON or HTML.  Reports:\n"
    "\n";

static const char common_help[] =
    "\n"
    "Options every report takes:\n"
    "  --period P       as at the end of period P (\"2024-25 P06\", 202406,\n"
    "                   or P06 in the current financial year); P12 takes\n"
    "                   in the adjustment periods P13-P16\n"
    "  --as-of DATE     as at the end of DATE (YYYY-MM-DD)\n"
    "  --units U        amounts in £ (default), £000 or £M; also gbp, k, m\n"
    "  --places N       decimal places of amounts (default: £ 2, £000 0,\n"
    "                   £M 2)\n"
    "  --rounding RULE  half-up (default), half-even, down, up, floor or\n"
    "                   ceiling; amounts are rounded once, when printed,\n"
    "                   and totals are computed from unrounded amounts\n"
    "  --format F       text (default), csv, json or html; with --output\n"
    "                   the default is the file's extension\n"
    "  --output FILE    write to FILE instead of standard output (all or\n"
    "                   nothing: a failed run leaves FILE as it was)\n"
    "Where a report takes them:\n"
    "  --pool CODE      the pool reported on (default: the book's only pool)\n"
    "  --stream CODE, --scheme CODE, --partner CODE, --cc CODE   filters\n";

static void list_reports(void)
{
    size_t i;

    fputs(report_help, stdout);
    for (i = 0; i < NREPORTS; i++)
        printf("  %-18s %s\n", reports[i].name, reports[i].summary);
    fputs(common_help, stdout);
    fputs("\n'poolbook report NAME --help' describes a report.\n", stdout);
}

static const report_def *find_report(const pb_cli *cli, const char *name)
{
    pb_suggest sg;
    size_t i;

    for (i = 0; i < NREPORTS; i++) {
        if (strcmp(reports[i].name, name) == 0)
            return &reports[i];
    }
    pb_suggest_init(&sg, name);
    for (i = 0; i < NREPORTS; i++)
        pb_suggest_add(&sg, reports[i].name);
    if (pb_suggest_best(&sg) != NULL)
        pb_msg_usage(cli, "'%s' is not a report; did you mean '%s'?", name,
                     pb_suggest_best(&sg));
    else
        pb_msg_usage(cli, "'%s' is not a report", name);
    pb_suggest_clear(&sg);
    return NULL;
}

static int refuse(const pb_cli *cli, const char *opt)
{
    return pb_msg_usage(cli, "this report does not take %s (see --help)", opt);
}

int pb_cmd_report(pb_cli *cli, int argc, char **argv)
{
    enum {
        O_PERIOD = 0x200,
        O_AS_OF,
        O_FROM,
        O_UNITS,
        O_PLACES,
        O_ROUNDING,
        O_FORMAT,
        O_OUTPUT,
        O_POOL,
        O_ACCOUNT,
        O_DEPTH,
        O_STREAM,
        O_SCHEME,
        O_PARTNER,
        O_CC,
        O_BY,
        O_KNOWN_AT,
        O_SPEND
    };
    static const struct option opts[] = {
        {"period", required_argument, NULL, O_PERIOD},
        {"as-of", required_argument, NULL, O_AS_OF},
        {"from", required_argument, NULL, O_FROM},
        {"units", required_argument, NULL, O_UNITS},
        {"places", required_argument, NULL, O_PLACES},
        {"rounding", required_argument, NULL, O_ROUNDING},
        {"format", required_argument, NULL, O_FORMAT},
        {"output", required_argument, NULL, O_OUTPUT},
        {"pool", required_argument, NULL, O_POOL},
        {"account", required_argument, NULL, O_ACCOUNT},
        {"depth", required_argument, NULL, O_DEPTH},
        {"stream", required_argument, NULL, O_STREAM},
        {"scheme", required_argument, NULL, O_SCHEME},
        {"partner", required_argument, NULL, O_PARTNER},
        {"cc", required_argument, NULL, O_CC},
        {"by", required_argument, NULL, O_BY},
        {"known-at", required_argument, NULL, O_KNOWN_AT},
        {"spend", required_argument, NULL, O_SPEND},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    static char cmd[64];
    const char *period = NULL, *from = NULL, *output = NULL;
    const report_def *def;
    pb_report_format fmt = PB_FORMAT_TEXT;
    int have_fmt = 0, c, rc;
    pb_report_opts o;
    pb_table *t = NULL;
    pb_book *b = NULL;
    pb_buf out = PB_BUF_INIT;
    pb_error err;
    char *end;
    long n;

    if (argc < 2)
        return pb_msg_usage(cli, "no report given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        list_reports();
        return PB_EXIT_OK;
    }
    if (argv[1][0] == '-')
        return pb_msg_usage(cli, "give the report's NAME before options");
    if ((def = find_report(cli, argv[1])) == NULL)
        return PB_EXIT_USAGE;
    snprintf(cmd, sizeof cmd, "report %s", def->name);
    cli->cmd = cmd;
    argc--;
    argv++;
    pb_report_opts_init(&o);
    pb_error_clear(&err);
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case O_PERIOD:
            period = optarg;
            break;
        case O_AS_OF:
            if ((rc = pb_cli_date(cli, optarg, &o.as_of)) != PB_EXIT_OK)
                return rc;
            o.has_as_of = true;
            break;
        case O_FROM:
            if (!(def->opts & OPT_FROM))
                return refuse(cli, "--from");
            from = optarg;
            break;
        case O_UNITS:
            if (pb_table_units_parse(&o.units, optarg, &err) != PB_OK)
                return pb_msg_usage(cli, "%s", err.msg);
            o.has_units = true;
            break;
        case O_PLACES:
            errno = 0;
            n = strtol(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || n < 0 || n > 6)
                return pb_msg_usage(cli, "--places takes 0 to 6, not '%s'",
                                    optarg);
            o.places = (int)n;
            break;
        case O_ROUNDING:
            if (pb_rounding_parse(&o.rounding, optarg, &err) != PB_OK)
                return pb_msg_usage(cli, "%s", err.msg);
            break;
        case O_FORMAT:
            if (pb_report_format_parse(&fmt, optarg, &err) != PB_OK)
                return pb_msg_usage(cli, "%s", err.msg);
            have_fmt = 1;
            break;
        case O_OUTPUT:
            output = optarg;
            break;
        case O_POOL:
            if (!(def->opts & OPT_POOL))
                return refuse(cli, "--pool");
            o.pool = optarg;
            break;
        case O_ACCOUNT:
            if (!(def->opts & OPT_ACCOUNT))
                return refuse(cli, "--account");
            o.account = optarg;
            break;
        case O_DEPTH:
            if (!(def->opts & OPT_DEPTH))
                return refuse(cli, "--depth");
            errno = 0;
            n = strtol(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || n < 0 || n > 32)
                return pb_msg_usage(cli, "--depth takes 0 to 32, not '%s'",
                                    optarg);
            o.depth = (int)n;
            break;
        case O_STREAM:
        case O_SCHEME:
        case O_PARTNER:
        case O_CC:
            if (!(def->opts & (c == O_CC ? OPT_CC : OPT_FILTERS)))
                return refuse(cli, c == O_STREAM    ? "--stream"
                                   : c == O_SCHEME  ? "--scheme"
                                   : c == O_PARTNER ? "--partner"
                                                    : "--cc");
            o.filter[c - O_STREAM] = optarg;
            break;
        case O_BY:
            if (!(def->opts & OPT_BY))
                return refuse(cli, "--by");
            if (pb_report_by_parse(&o.by, optarg, &err) != PB_OK)
                return pb_msg_usage(cli, "%s", err.msg);
            break;
        case O_KNOWN_AT:
            if (!(def->opts & OPT_KNOWN_AT))
                return refuse(cli, "--known-at");
            if ((rc = pb_cli_date(cli, optarg, &o.known_at)) != PB_EXIT_OK)
                return rc;
            o.has_known_at = true;
            break;
        case O_SPEND:
            if (!(def->opts & OPT_SPEND))
                return refuse(cli, "--spend");
            if (strcmp(optarg, "actual") == 0)
                o.spend = PB_SPEND_ACTUAL;
            else if (strcmp(optarg, "forecast") == 0)
                o.spend = PB_SPEND_FORECAST;
            else
                return pb_msg_usage(cli,
                                    "--spend takes actual or forecast, not "
                                    "'%s'",
                                    optarg);
            break;
        case 'h':
            pb_msg_help(def->help);
            return pb_msg_help(common_help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (optind < argc && (def->opts & OPT_ACCOUNT) && o.account == NULL)
        o.account = argv[optind++];
    if (optind < argc)
        return pb_msg_usage(cli, "unexpected argument '%s'", argv[optind]);
    if (period != NULL && o.has_as_of)
        return pb_msg_usage(cli, "give --period or --as-of, not both");
    if (output != NULL && strcmp(output, "-") == 0)
        output = NULL;
    if (!have_fmt && output != NULL)
        pb_report_format_from_path(&fmt, output); /* else stays text */

    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    if (period != NULL) {
        if ((rc = pb_cli_period(cli, b, period, &o.period)) != PB_EXIT_OK)
            goto done;
        o.has_period = true;
    }
    if (from != NULL) {
        if ((rc = pb_cli_period(cli, b, from, &o.from)) != PB_EXIT_OK)
            goto done;
        o.has_from = true;
    }
    rc = def->compute(&t, b, &o, &err);
    /* A table that comes with an error (an unbalanced trial balance) is
     * shown on the terminal, but never replaces an --output file. */
    if (t != NULL && (rc == PB_OK || output == NULL)) {
        int wrc;

        pb_cli_out dst;

        pb_report_render(&out, t, fmt);
        wrc = pb_cli_out_open(&dst, output);
        if (wrc == PB_EXIT_OK) {
            pb_cli_out_write(&dst, out.data, out.len);
            wrc = pb_cli_out_close(&dst, true);
        }
        if (wrc != PB_EXIT_OK) {
            rc = wrc;
            goto done;
        }
    }
    rc = rc == PB_OK ? PB_EXIT_OK : pb_msg_error(&err);
done:
    pb_table_free(t);
    pb_buf_clear(&out);
    pb_book_close(b);
    return rc;
}
