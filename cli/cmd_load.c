/*
 * cmd_load.c - `poolbook load KIND FILE` and `poolbook dump KIND`: the
 * master data, budgets and postings of the pool model in and out as CSV
 * (importers/load.h; the layouts are in docs/pool-model.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "importers/load.h"

static const char load_help[] =
    "usage: poolbook load KIND FILE [--dry-run]\n"
    "\n"
    "Loads a CSV file of KIND into the book, all or nothing, in one\n"
    "transaction recorded as a batch.  KIND is one of:\n"
    "\n"
    "  partners       code,name,kind,ledger_code\n"
    "  pools          code,name,basis,host,manager,first_fy,last_fy,\n"
    "                 risk_share\n"
    "  streams        code,name,pool,partner,capital,ring_fenced,\n"
    "                 carry_forward,order\n"
    "  schemes        code,name,pool,host,manager,pooled,area,order\n"
    "  accounts       code,name,type\n"
    "  profiles       name,description,p01..p12 (weights)\n"
    "  budgets        pool,fy,scheme,stream,partner,effective,amount,\n"
    "                 profile,p01..p12,note\n"
    "  virements      ref,date,reason,approval,pool,fy,scheme,stream,\n"
    "                 partner,amount,profile,p01..p12 (one row per leg)\n"
    "  contributions  pool,fy,partner,stream,amount,note\n"
    "  outturns       pool,fy,scheme,stream,partner,amount\n"
    "  postings       entry,date,period,description,reference,account,\n"
    "                 amount,stream,scheme,partner,cc,memo (one row per\n"
    "                 posting; the rows of an entry together)\n"
    "  forecasts      pool,fy,period,scheme,stream,partner,amount,note (one\n"
    "                 forecast outturn per budget line and month-end; see\n"
    "                 docs/reports.md)\n"
    "\n"
    "Headers may come in any order and case; UTF-8 or Windows-1252, with\n"
    "or without BOM, CRLF or LF.  A bad row stops the load with\n"
    "FILE:LINE: field: what is wrong, and nothing is written.  Loading the\n"
    "same file again changes nothing and says so.  Master data that differs\n"
    "from the book is updated (each change logged); a budget that differs\n"
    "becomes an adjustment from the row's effective date; a recorded\n"
    "virement or posted entry is never changed.  FILE - reads standard\n"
    "input.  See docs/pool-model.md.\n"
    "\n"
    "  --dry-run   check everything and report, write nothing\n";

static const char dump_help[] =
    "usage: poolbook dump KIND [--pool CODE] [--fy YEAR] [--output FILE]\n"
    "\n"
    "Writes the book's records of KIND (partners, pools, streams, schemes,\n"
    "accounts, profiles, budgets, virements, contributions, outturns,\n"
    "forecasts - those in force) as a\n"
    "CSV file in exactly the layout `poolbook load KIND` reads: loading it\n"
    "back changes nothing.  Budgets are written as each line's base budget\n"
    "(original plus adjustments) from each date it changed, every month\n"
    "spelt out; virements one row per leg.  --pool and --fy keep one pool\n"
    "or year where the kind has them.  Standard output unless --output.\n";

/* "load KIND FILE": one file, one transaction. */
int pb_cmd_load(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"dry-run", no_argument, NULL, 'n'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    pb_load_kind kind;
    pb_load_result res;
    pb_book *b = NULL;
    pb_buf input = PB_BUF_INIT;
    pb_error err;
    const char *path, *name;
    unsigned flags = 0;
    int c, rc;

    while ((c = getopt_long(argc, argv, ":hn", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'n': flags |= PB_LOAD_DRY_RUN; break;
        case 'h': return pb_msg_help(load_help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return pb_msg_usage(cli, "give a KIND and one FILE");
    pb_error_clear(&err);
    if (pb_load_kind_parse(&kind, argv[optind], &err) != PB_OK)
        return pb_msg_usage(cli, "%s", err.msg);
    path = argv[optind + 1];
    name = strcmp(path, "-") == 0 ? "stdin" : path;
    if (strcmp(path, "-") == 0 &&
        (rc = pb_cli_read_input(NULL, &input)) != PB_EXIT_OK)
        return rc;
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK) {
        pb_buf_clear(&input);
        return rc;
    }
    if (strcmp(path, "-") == 0)
        rc = pb_load_mem(b, kind, name, pb_buf_str(&input), input.len, flags,
                         &res, &err);
    else
        rc = pb_load_file(b, kind, path, flags, &res, &err);
    if (rc != PB_OK) {
        rc = pb_msg_error(&err);
    } else {
        if (flags & PB_LOAD_DRY_RUN)
            printf("dry run: %s: %lld new, %lld updated, %lld unchanged; "
                   "nothing written\n",
                   name, (long long)res.added, (long long)res.updated,
                   (long long)res.unchanged);
        else if (res.batch_id == 0)
            printf("%s: already loaded: 0 new, %lld unchanged; nothing "
                   "written\n",
                   name, (long long)res.unchanged);
        else if (kind == PB_LOAD_POSTINGS && res.added == 1)
            printf("loaded postings from %s: 1 new entry (%lld, %lld "
                   "postings), %lld unchanged (batch %lld)\n",
                   name, (long long)res.first_entry, (long long)res.postings,
                   (long long)res.unchanged, (long long)res.batch_id);
        else if (kind == PB_LOAD_POSTINGS)
            printf("loaded postings from %s: %lld new entries (%lld-%lld, "
                   "%lld postings), %lld unchanged (batch %lld)\n",
                   name, (long long)res.added, (long long)res.first_entry,
                   (long long)res.last_entry, (long long)res.postings,
                   (long long)res.unchanged, (long long)res.batch_id);
        else
            printf("loaded %s from %s: %lld new, %lld updated, %lld "
                   "unchanged (batch %lld)\n",
                   pb_load_kind_name(kind), name, (long long)res.added,
                   (long long)res.updated, (long long)res.unchanged,
                   (long long)res.batch_id);
        rc = PB_EXIT_OK;
    }
    pb_book_close(b);
    pb_buf_clear(&input);
    return rc;
}

int pb_cmd_dump(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"pool", required_argument, NULL, 'p'},
        {"fy", required_argument, NULL, 'y'},
        {"output", required_argument, NULL, 'o'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    pb_budget_query q;
    pb_load_kind kind;
    pb_book *b = NULL;
    pb_buf out = PB_BUF_INIT;
    pb_error err;
    const char *output = NULL;
    pb_cli_out dst;
    int c, rc;

    pb_budget_query_init(&q);
    pb_error_clear(&err);
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'p': q.pool = optarg; break;
        case 'y':
            if (pb_fy_parse(&q.fy, optarg, &err) != PB_OK)
                return pb_msg_usage(cli, "%s", err.msg);
            break;
        case 'o': output = optarg; break;
        case 'h': return pb_msg_help(dump_help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return pb_msg_usage(cli, "give one KIND");
    if (pb_load_kind_parse(&kind, argv[optind], &err) != PB_OK)
        return pb_msg_usage(cli, "%s", err.msg);
    if (kind == PB_LOAD_POSTINGS)
        return pb_msg_usage(cli, "postings are not dumped (the journal is "
                                 "the record: see show, register, export)");
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    rc = pb_book_begin_read(b, &err);
    if (rc == PB_OK)
        rc = pb_load_dump(b, kind, &q, &out, &err);
    if (pb_book_in_tx(b))
        pb_book_rollback(b);
    pb_book_close(b);
    if (rc != PB_OK) {
        pb_buf_clear(&out);
        return pb_msg_error(&err);
    }
    if ((rc = pb_cli_out_open(&dst, output)) == PB_EXIT_OK) {
        pb_cli_out_write(&dst, out.data, out.len);
        rc = pb_cli_out_close(&dst, true);
    }
    pb_buf_clear(&out);
    return rc;
}
