/*
 * cmd_balance.c - `poolbook balance` and `poolbook register`.
 *
 * Amounts are shown as the book holds them: debits positive, credits
 * negative (so income and liabilities are negative).  The month-end
 * reports present them the way board papers do.
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/balance.h"

static const char balance_help[] =
    "usage: poolbook balance [--period P | --as-of DATE] [--from P]\n"
    "                        [--by stream|scheme|partner|cc]\n"
    "                        [--account NAME] [--stream CODE] [--scheme CODE]\n"
    "                        [--partner CODE] [--cc CODE] [--turnover]\n"
    "\n"
    "Balances by account (and by a dimension with --by), cumulative up to\n"
    "the end of period P (\"2024-25 P06\", 202406, or P06 for the current\n"
    "financial year) or up to and including DATE; default: everything.\n"
    "--from P starts at period P instead of the beginning (e.g. a year to\n"
    "date: --from P01 --period P06).  --account keeps an account and those\n"
    "below it (Expenditure keeps Expenditure:*).  --turnover adds debit and\n"
    "credit columns.  Debits are positive, credits negative; the total of a\n"
    "whole book is zero.\n";

typedef struct bal_ctx {
    int by, turnover;
    pb_amount total;
    long rows;
} bal_ctx;

static int print_row(const pb_balance_row *r, void *ud)
{
    bal_ctx *ctx = ud;

    printf("%-12s %-40s", r->account_code, r->account_name);
    if (ctx->by >= 0)
        printf(" %-14s", r->dim_code[0] != '\0' ? r->dim_code : "-");
    if (ctx->turnover) {
        pb_cli_money(stdout, r->debit, 17);
        pb_cli_money(stdout, r->credit, 17);
    }
    pb_cli_money(stdout, r->balance, 17);
    fputc('\n', stdout);
    pb_amount_add(&ctx->total, &ctx->total, r->balance);
    ctx->rows++;
    return 0;
}

static int dim_filter(const pb_cli *cli, pb_book *b, pb_dim_kind kind,
                      const char *code, int64_t *out)
{
    pb_error err;

    if (code == NULL)
        return PB_EXIT_OK;
    pb_error_clear(&err);
    if (pb_dim_find(b, kind, code, out, &err) != PB_OK)
        return pb_msg_error(&err);
    (void)cli;
    return PB_EXIT_OK;
}

int pb_cmd_balance(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"period", required_argument, NULL, 'P'},
        {"as-of", required_argument, NULL, 'a'},
        {"from", required_argument, NULL, 'f'},
        {"by", required_argument, NULL, 'b'},
        {"account", required_argument, NULL, 'A'},
        {"stream", required_argument, NULL, 0x200},
        {"scheme", required_argument, NULL, 0x201},
        {"partner", required_argument, NULL, 0x202},
        {"cc", required_argument, NULL, 0x203},
        {"turnover", no_argument, NULL, 't'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *period = NULL, *as_of = NULL, *from = NULL, *by = NULL;
    const char *filters[PB_DIM_COUNT] = {NULL, NULL, NULL, NULL};
    pb_balance_query q;
    bal_ctx ctx;
    pb_book *b = NULL;
    pb_error err;
    pb_dim_kind kind;
    int c, rc, k;

    pb_balance_query_init(&q);
    memset(&ctx, 0, sizeof ctx);
    ctx.by = -1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'P': period = optarg; break;
        case 'a': as_of = optarg; break;
        case 'f': from = optarg; break;
        case 'b': by = optarg; break;
        case 'A': q.account = optarg; break;
        case 't': ctx.turnover = 1; break;
        case 0x200: case 0x201: case 0x202: case 0x203:
            filters[c - 0x200] = optarg;
            break;
        case 'h': return pb_msg_help(balance_help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (optind != argc)
        return pb_msg_usage(cli, "unexpected argument '%s'", argv[optind]);
    if (period != NULL && as_of != NULL)
        return pb_msg_usage(cli, "give --period or --as-of, not both");
    pb_error_clear(&err);
    if (by != NULL) {
        if (pb_dim_kind_parse(&kind, by, &err) != PB_OK)
            return pb_msg_usage(cli, "%s", err.msg);
        q.group_by = ctx.by = (int)kind;
    }
    if (as_of != NULL && (rc = pb_cli_date(cli, as_of, &q.as_of)) != 0)
        return rc;
    q.has_as_of = as_of != NULL;
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    if ((period != NULL && (rc = pb_cli_period(cli, b, period, &q.to)) != 0) ||
        (from != NULL && (rc = pb_cli_period(cli, b, from, &q.from)) != 0))
        goto done;
    if (period != NULL && pb_period_num(q.to) == 12)
        q.to = pb_period_make(pb_period_fy(q.to), PB_PERIOD_MAX);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if ((rc = dim_filter(cli, b, (pb_dim_kind)k, filters[k],
                             &q.filter[k])) != 0)
            goto done;
    }
    pb_amount_init(&ctx.total);
    pb_amount_set_units(&ctx.total, 0, PB_MONEY_SCALE);
    rc = pb_book_begin_read(b, &err);
    if (rc == PB_OK)
        rc = pb_balance_each(b, &q, print_row, &ctx, &err);
    if (rc == PB_OK) {
        printf("%-12s %-40s", "", "Total");
        if (ctx.by >= 0)
            printf(" %-14s", "");
        if (ctx.turnover)
            printf("%17s%17s", "", "");
        pb_cli_money(stdout, &ctx.total, 17);
        fputc('\n', stdout);
        rc = PB_EXIT_OK;
    } else {
        rc = pb_msg_error(&err);
    }
    pb_book_rollback(b);
    pb_amount_clear(&ctx.total);
done:
    pb_book_close(b);
    return rc;
}

/* ---- register ---------------------------------------------------------- */

static const char register_help[] =
    "usage: poolbook register [ACCOUNT] [--from DATE] [--to DATE]\n"
    "                         [--stream CODE] [--scheme CODE]\n"
    "                         [--partner CODE] [--cc CODE]\n"
    "\n"
    "Lists postings in date order with a running balance: those of ACCOUNT\n"
    "(a code, or a name: Expenditure lists Expenditure:* too), or of a\n"
    "stream, scheme, partner or cost centre across accounts, or both.  With\n"
    "--from the running balance starts from the balance before that date.\n";

/* Postings matching the filters: ?1 account (code or name prefix) or NULL,
 * ?2..?5 dimension ids or 0, dates in [?6, ?7].  Two shapes so SQLite can
 * drive from the posting index that fits: by account, or by dimension. */
#define REG_COLS                                                               \
    "SELECT e.date, e.id, e.description, a.code, p.amount, s.code, sc.code," \
    " pa.code, cc.code"
#define REG_JOINS                                                              \
    " JOIN entry e ON e.id = p.entry_id JOIN account a ON a.id = p.account_id" \
    " LEFT JOIN dim s ON s.id = p.stream_id"                                 \
    " LEFT JOIN dim sc ON sc.id = p.scheme_id"                               \
    " LEFT JOIN dim pa ON pa.id = p.partner_id"                              \
    " LEFT JOIN dim cc ON cc.id = p.cc_id"
#define REG_ACCOUNTS                                                           \
    " p.account_id IN (SELECT id FROM account WHERE code = ?1 OR name = ?1"  \
    " OR substr(name, 1, length(?1) + 1) = ?1 || ':')"
#define REG_DIMS                                                               \
    " (?2 = 0 OR p.stream_id = ?2) AND (?3 = 0 OR p.scheme_id = ?3)"         \
    " AND (?4 = 0 OR p.partner_id = ?4) AND (?5 = 0 OR p.cc_id = ?5)"        \
    " AND e.date BETWEEN ?6 AND ?7"

static const char reg_by_account[] =
    REG_COLS " FROM posting p" REG_JOINS " WHERE" REG_ACCOUNTS " AND" REG_DIMS
             " ORDER BY e.date, e.id, p.line";
static const char reg_by_dim[] =
    REG_COLS " FROM posting p" REG_JOINS " WHERE" REG_DIMS
             " ORDER BY e.date, e.id, p.line";

static int run_register(pb_book *b, const char *account,
                        const int64_t dims[PB_DIM_COUNT], const char *from,
                        const char *to, pb_error *err)
{
    pb_amount running, amt;
    pb_stmt *st;
    int rc, k;

    pb_amount_init(&running);
    pb_amount_init(&amt);
    pb_amount_set_units(&running, 0, PB_MONEY_SCALE);
    /* Opening balance: the same filters before `from`. */
    if (from != NULL) {
        rc = pb_book_prepare(b, &st, account ? reg_by_account : reg_by_dim,
                             err);
        if (rc != PB_OK)
            goto out;
        pb_stmt_bind_text(st, 1, account);
        for (k = 0; k < PB_DIM_COUNT; k++)
            pb_stmt_bind_int(st, 2 + k, dims[k]);
        pb_stmt_bind_text(st, 6, "0000-00-00");
        pb_stmt_bind_text(st, 7, from);
        while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
            if (strcmp(pb_stmt_text(st, 0), from) >= 0)
                break;
            pb_stmt_money(st, 4, &amt);
            pb_amount_add(&running, &running, &amt);
        }
        pb_stmt_release(st);
        if (rc < 0)
            goto out;
        printf("%-10s %6s  %-36s %-12s %15s ", from, "", "Opening balance",
               "", "");
        pb_cli_money(stdout, &running, 15);
        fputc('\n', stdout);
    }
    rc = pb_book_prepare(b, &st, account ? reg_by_account : reg_by_dim, err);
    if (rc != PB_OK)
        goto out;
    pb_stmt_bind_text(st, 1, account);
    for (k = 0; k < PB_DIM_COUNT; k++)
        pb_stmt_bind_int(st, 2 + k, dims[k]);
    pb_stmt_bind_text(st, 6, from != NULL ? from : "0000-00-00");
    pb_stmt_bind_text(st, 7, to != NULL ? to : "9999-12-31");
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        pb_buf d = PB_BUF_INIT;

        pb_stmt_money(st, 4, &amt);
        pb_amount_add(&running, &running, &amt);
        for (k = 0; k < PB_DIM_COUNT; k++) {
            if (!pb_stmt_is_null(st, 5 + k))
                pb_buf_printf(&d, "%s%s=%s", d.len ? " " : "",
                              pb_dim_kind_key((pb_dim_kind)k),
                              pb_stmt_text(st, 5 + k));
        }
        printf("%-10s %6lld  %-36.36s %-12s", pb_stmt_text(st, 0),
               (long long)pb_stmt_int(st, 1), pb_stmt_text(st, 2),
               pb_stmt_text(st, 3));
        pb_cli_money(stdout, &amt, 16);
        pb_cli_money(stdout, &running, 16);
        if (d.len > 0)
            printf("  %s", pb_buf_str(&d));
        fputc('\n', stdout);
        pb_buf_clear(&d);
    }
    pb_stmt_release(st);
out:
    pb_amount_clear(&running);
    pb_amount_clear(&amt);
    return rc == PB_DONE ? PB_OK : rc;
}

/* True if some account sits below `name` ("Expenditure" of
 * "Expenditure:Reablement"). */
static int is_parent(pb_book *b, const char *name)
{
    pb_stmt *st;
    int yes = 0;

    if (pb_book_prepare(b, &st,
                        "SELECT EXISTS (SELECT 1 FROM account WHERE"
                        " substr(name, 1, length(?1) + 1) = ?1 || ':')",
                        NULL) != PB_OK)
        return 0;
    pb_stmt_bind_text(st, 1, name);
    if (pb_stmt_step(st, NULL) == PB_ROW)
        yes = pb_stmt_int(st, 0) != 0;
    pb_stmt_release(st);
    return yes;
}

int pb_cmd_register(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"stream", required_argument, NULL, 0x200},
        {"scheme", required_argument, NULL, 0x201},
        {"partner", required_argument, NULL, 0x202},
        {"cc", required_argument, NULL, 0x203},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *from = NULL, *to = NULL, *account = NULL;
    const char *filters[PB_DIM_COUNT] = {NULL, NULL, NULL, NULL};
    int64_t dims[PB_DIM_COUNT] = {0, 0, 0, 0}, id;
    char fromiso[PB_DATE_ISO_LEN], toiso[PB_DATE_ISO_LEN];
    pb_book *b = NULL;
    pb_error err;
    pb_date d;
    int c, rc, k, any = 0;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 0x200: case 0x201: case 0x202: case 0x203:
            filters[c - 0x200] = optarg;
            any = 1;
            break;
        case 'h': return pb_msg_help(register_help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return pb_msg_usage(cli, "give one ACCOUNT at most");
    if (optind < argc)
        account = argv[optind];
    if (account == NULL && !any)
        return pb_msg_usage(cli, "give an ACCOUNT or a dimension filter");
    if (from != NULL) {
        if ((rc = pb_cli_date(cli, from, &d)) != 0)
            return rc;
        from = pb_date_iso(d, fromiso);
    }
    if (to != NULL) {
        if ((rc = pb_cli_date(cli, to, &d)) != 0)
            return rc;
        to = pb_date_iso(d, toiso);
    }
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    pb_error_clear(&err);
    if (account != NULL && pb_account_find(b, account, &id, NULL) != PB_OK &&
        !is_parent(b, account)) {
        pb_account_find(b, account, &id, &err); /* words it, with a hint */
        rc = pb_msg_error(&err);
        goto done;
    }
    for (k = 0; k < PB_DIM_COUNT; k++) {
        if ((rc = dim_filter(cli, b, (pb_dim_kind)k, filters[k], &dims[k])) !=
            0)
            goto done;
    }
    rc = pb_book_begin_read(b, &err);
    if (rc == PB_OK)
        rc = run_register(b, account, dims, from, to, &err);
    pb_book_rollback(b);
    rc = rc == PB_OK ? PB_EXIT_OK : pb_msg_error(&err);
done:
    pb_book_close(b);
    return rc;
}
