/*
 * cmd_budget.c - `poolbook budget list|changes|virements|contributions|
 * outturns|profiles`: budgets and plans as the book holds them, as at any
 * date, for people.  (They are loaded with `poolbook load` and written back
 * as CSV with `poolbook dump`.)
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/budget.h"

static const char help[] =
    "usage: poolbook budget list [--months] [FILTERS]\n"
    "       poolbook budget changes [FILTERS]\n"
    "       poolbook budget virements [FILTERS]\n"
    "       poolbook budget contributions [--pool CODE] [--fy YEAR]\n"
    "       poolbook budget outturns [FILTERS]\n"
    "       poolbook budget profiles\n"
    "\n"
    "FILTERS: --pool CODE --fy YEAR --as-of DATE --scheme CODE\n"
    "         --stream CODE --partner CODE\n"
    "\n"
    "list       each budget line with its original budget, adjustments,\n"
    "           virements and current budget (--months: the current budget\n"
    "           by month, P01-P12), with totals per pool and year\n"
    "changes    every change of every line: original, adjustment or\n"
    "           virement leg, with the date it takes effect from\n"
    "virements  each virement with its legs\n"
    "contributions, outturns, profiles\n"
    "           planned contributions, prior-year outturns, named profiles\n"
    "\n"
    "--as-of DATE shows budgets as they stood at the end of DATE (changes\n"
    "effective on or before it), so a past month-end reads as it did then.\n"
    "Amounts are signed as the book holds them: expenditure budgets\n"
    "positive, income budgets negative.\n";

typedef struct ctx {
    bool months;
    int started;
    char pool[64];
    int fy;
    pb_amount total[4], mtotal[PB_MONTHS];
} ctx;

static void money(const pb_amount *a)
{
    pb_cli_money(stdout, a, 15);
}

static void key(const char *scheme, const char *stream, const char *partner)
{
    printf("%-14s %-12s %-8s", scheme, stream[0] ? stream : "-",
           partner[0] ? partner : "-");
}

static void heading(ctx *c, const char *pool, int fy, const char *what)
{
    char y[PB_FY_STR_LEN];

    snprintf(c->pool, sizeof c->pool, "%s", pool);
    c->fy = fy;
    printf("%s%s %s %s\n", c->started++ ? "\n" : "", pool,
           pb_fy_str(fy, 4, y), what);
}

static bool new_group(const ctx *c, const char *pool, int fy)
{
    return !c->started || strcmp(c->pool, pool) != 0 || c->fy != fy;
}

static void totals_line(ctx *c)
{
    int i;

    printf("%-36s", "TOTAL");
    if (c->months) {
        money(&c->total[3]);
        for (i = 0; i < PB_MONTHS; i++)
            money(&c->mtotal[i]);
    } else {
        for (i = 0; i < 4; i++)
            money(&c->total[i]);
    }
    fputc('\n', stdout);
    for (i = 0; i < 4; i++)
        pb_amount_set_zero(&c->total[i]);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_set_zero(&c->mtotal[i]);
}

/* The total line of contributions and outturns: one amount. */
static void sum_line(ctx *c)
{
    printf("%-36s", "TOTAL");
    money(&c->total[3]);
    fputc('\n', stdout);
    pb_amount_set_zero(&c->total[3]);
}

static int list_row(const pb_budget_row *r, void *ud)
{
    ctx *c = ud;
    const pb_amount *v[4] = {r->original, r->adjustments, r->virements,
                             r->current};
    int i;

    if (new_group(c, r->pool, r->fy)) {
        if (c->started)
            totals_line(c);
        heading(c, r->pool, r->fy, "budgets");
        printf("%-14s %-12s %-8s", "SCHEME", "STREAM", "PARTNER");
        if (c->months) {
            printf("%15s", "CURRENT");
            for (i = 1; i <= PB_MONTHS; i++)
                printf("%12sP%02d", "", i);
        } else {
            printf("%15s%15s%15s%15s", "ORIGINAL", "ADJUSTMENTS",
                   "VIREMENTS", "CURRENT");
        }
        fputc('\n', stdout);
    }
    key(r->scheme, r->stream, r->partner);
    for (i = 0; i < 4; i++) {
        pb_amount_add(&c->total[i], &c->total[i], v[i]);
        if (!c->months || i == 3)
            money(v[i]);
    }
    for (i = 0; i < PB_MONTHS; i++) {
        pb_amount_add(&c->mtotal[i], &c->mtotal[i], &r->months[i]);
        if (c->months)
            money(&r->months[i]);
    }
    fputc('\n', stdout);
    return 0;
}

static int change_row(const pb_budget_change_info *ch, void *ud)
{
    ctx *c = ud;
    char d[PB_DATE_ISO_LEN];

    if (new_group(c, ch->pool, ch->fy)) {
        heading(c, ch->pool, ch->fy, "budget changes");
        printf("%-10s  %-10s  %-14s %-12s %-8s%15s  %s\n", "EFFECTIVE",
               "KIND", "SCHEME", "STREAM", "PARTNER", "AMOUNT", "NOTE");
    }
    printf("%-10s  %-10s  ", pb_date_iso(ch->effective, d), ch->kind);
    key(ch->scheme, ch->stream, ch->partner);
    money(ch->amount);
    if (ch->virement_ref[0] != '\0')
        printf("  %s: %s", ch->virement_ref, ch->note);
    else if (ch->note[0] != '\0')
        printf("  %s", ch->note);
    fputc('\n', stdout);
    return 0;
}

typedef struct vctx {
    char ref[64];
} vctx;

static int virement_row(const pb_budget_change_info *ch, void *ud)
{
    vctx *v = ud;
    char d[PB_DATE_ISO_LEN], y[PB_FY_STR_LEN];

    if (strcmp(v->ref, ch->virement_ref) != 0) {
        snprintf(v->ref, sizeof v->ref, "%s", ch->virement_ref);
        printf("%s  %s  %s%s%s%s\n", ch->virement_ref,
               pb_date_iso(ch->effective, d), ch->virement_reason,
               ch->virement_approval[0] ? " (" : "", ch->virement_approval,
               ch->virement_approval[0] ? ")" : "");
    }
    printf("    %-6s %-8s ", ch->pool, pb_fy_str(ch->fy, 4, y));
    key(ch->scheme, ch->stream, ch->partner);
    money(ch->amount);
    fputc('\n', stdout);
    return 0;
}

static int contribution_row(const pb_contribution_info *co, void *ud)
{
    ctx *c = ud;

    if (new_group(c, co->pool, co->fy)) {
        if (c->started)
            sum_line(c);
        heading(c, co->pool, co->fy, "planned contributions");
        printf("%-14s %-21s%15s  %s\n", "PARTNER", "STREAM", "AMOUNT",
               "NOTE");
    }
    printf("%-14s %-21s", co->partner, co->stream[0] ? co->stream : "-");
    money(co->amount);
    pb_amount_add(&c->total[3], &c->total[3], co->amount);
    if (co->note[0] != '\0')
        printf("  %s", co->note);
    fputc('\n', stdout);
    return 0;
}

static int outturn_row(const pb_outturn_info *o, void *ud)
{
    ctx *c = ud;

    if (new_group(c, o->pool, o->fy)) {
        if (c->started)
            sum_line(c);
        heading(c, o->pool, o->fy, "outturn");
        printf("%-14s %-12s %-8s%15s\n", "SCHEME", "STREAM", "PARTNER",
               "AMOUNT");
    }
    key(o->scheme, o->stream, o->partner);
    money(o->amount);
    pb_amount_add(&c->total[3], &c->total[3], o->amount);
    fputc('\n', stdout);
    return 0;
}

static int profile_row(const pb_profile_info *p, void *ud)
{
    pb_buf w = PB_BUF_INIT;
    int i;

    (void)ud;
    for (i = 0; i < PB_MONTHS; i++) {
        if (i > 0)
            pb_buf_putc(&w, ' ');
        pb_amount_format(&w, &p->weights[i], NULL);
    }
    printf("%-16s %s%s%s\n", p->name, pb_buf_str(&w),
           p->description[0] ? "  # " : "", p->description);
    pb_buf_clear(&w);
    return 0;
}

int pb_cmd_budget(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"pool", required_argument, NULL, 'p'},
        {"fy", required_argument, NULL, 'y'},
        {"as-of", required_argument, NULL, 'a'},
        {"scheme", required_argument, NULL, 's'},
        {"stream", required_argument, NULL, 't'},
        {"partner", required_argument, NULL, 'P'},
        {"months", no_argument, NULL, 'm'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    pb_budget_query q;
    pb_book *b = NULL;
    pb_error err;
    vctx vc;
    ctx c;
    const char *verb;
    int opt, rc, i;

    pb_budget_query_init(&q);
    memset(&c, 0, sizeof c);
    memset(&vc, 0, sizeof vc);
    pb_error_clear(&err);
    while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, opt, optarg))
            continue;
        switch (opt) {
        case 'p': q.pool = optarg; break;
        case 'y':
            if (pb_fy_parse(&q.fy, optarg, &err) != PB_OK)
                return pb_msg_usage(cli, "%s", err.msg);
            break;
        case 'a':
            if ((rc = pb_cli_date(cli, optarg, &q.as_of)) != PB_EXIT_OK)
                return rc;
            q.has_as_of = true;
            break;
        case 's': q.scheme = optarg; break;
        case 't': q.stream = optarg; break;
        case 'P': q.partner = optarg; break;
        case 'm': c.months = true; break;
        case 'h': return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, opt, argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return pb_msg_usage(cli, "say list, changes, virements, "
                                 "contributions, outturns or profiles");
    verb = argv[optind];
    if (strcmp(verb, "list") != 0 && strcmp(verb, "changes") != 0 &&
        strcmp(verb, "virements") != 0 && strcmp(verb, "contributions") != 0 &&
        strcmp(verb, "outturns") != 0 && strcmp(verb, "profiles") != 0)
        return pb_msg_usage(cli, "unknown action '%s' (list, changes, "
                                 "virements, contributions, outturns, "
                                 "profiles)",
                            verb);
    if (c.months && strcmp(verb, "list") != 0)
        return pb_msg_usage(cli, "--months applies to budget list");
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    for (i = 0; i < 4; i++)
        pb_amount_init(&c.total[i]);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_init(&c.mtotal[i]);
    if (q.has_as_of) {
        char d[PB_DATE_ISO_LEN];

        printf("as at %s\n", pb_date_iso(q.as_of, d));
    }
    if (strcmp(verb, "list") == 0) {
        rc = pb_budget_each(b, &q, list_row, &c, &err);
        if (rc == PB_OK && c.started)
            totals_line(&c);
    } else if (strcmp(verb, "changes") == 0) {
        rc = pb_budget_change_each(b, &q, change_row, &c, &err);
    } else if (strcmp(verb, "virements") == 0) {
        rc = pb_virement_each(b, &q, virement_row, &vc, &err);
    } else if (strcmp(verb, "contributions") == 0) {
        rc = pb_contribution_each(b, &q, contribution_row, &c, &err);
        if (rc == PB_OK && c.started)
            sum_line(&c);
    } else if (strcmp(verb, "outturns") == 0) {
        rc = pb_outturn_each(b, &q, outturn_row, &c, &err);
        if (rc == PB_OK && c.started)
            sum_line(&c);
    } else {
        rc = pb_profile_each(b, profile_row, NULL, &err);
    }
    rc = rc == PB_OK ? PB_EXIT_OK : pb_msg_error(&err);
    for (i = 0; i < 4; i++)
        pb_amount_clear(&c.total[i]);
    for (i = 0; i < PB_MONTHS; i++)
        pb_amount_clear(&c.mtotal[i]);
    pb_book_close(b);
    return rc;
}
