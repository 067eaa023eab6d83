/*
 * main.c - the poolbook program: global options and the command table.
 *
 *   poolbook [--db FILE] [--user NAME] COMMAND [ARGS]
 *
 * The book is --db, else $POOLBOOK_DB, else ./poolbook.db.  Each command
 * parses its own options (every command also takes --db, --user and
 * --help) and returns the exit status: 0 done, 1 bad data or refused
 * (nothing changed), 2 usage error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/suggest.h"

#ifndef PB_VERSION
#define PB_VERSION "0.1.0"
#endif

static const pb_command commands[] = {
    {"init", pb_cmd_init, "create a new book"},
    {"account", pb_cmd_account, "add, list and close accounts"},
    {"dim", pb_cmd_dim, "add and list dimension values (streams, schemes...)"},
    {"post", pb_cmd_post, "post journal entries"},
    {"reverse", pb_cmd_reverse, "post the reversal of an entry"},
    {"show", pb_cmd_show, "show an entry"},
    {"balance", pb_cmd_balance, "balances by account, optionally by dimension"},
    {"register", pb_cmd_register, "postings of an account with running balance"},
    {"period", pb_cmd_period, "close, reopen and list accounting periods"},
    {"check", pb_cmd_check, "verify every invariant of the book"},
    {"import", pb_cmd_import, "import finance-system exports (CSV, XML)"},
    {"load", pb_cmd_load, "load partners, pools, budgets, postings... from CSV"},
    {"dump", pb_cmd_dump, "write master data and budgets as loadable CSV"},
    {"pool", pb_cmd_pool, "list the pools"},
    {"partner", pb_cmd_partner, "list the partners"},
    {"stream", pb_cmd_stream, "list the funding streams"},
    {"scheme", pb_cmd_scheme, "list the schemes"},
    {"budget", pb_cmd_budget, "budgets, virements, contributions, outturns"},
    {"report", pb_cmd_report, "month-end reports as text, CSV, JSON or HTML"},
    {"forecast", pb_cmd_forecast, "record and list forecast outturns"},
    {"rag", pb_cmd_rag, "set and show RAG thresholds per pool and level"},
    {"export", pb_cmd_export, "the journal for ledger, hledger or beancount"},
};

static const char usage[] =
    "usage: poolbook [--db FILE] [--user NAME] COMMAND [ARGS]\n"
    "\n"
    "A double-entry ledger for pooled health and care funds (Section 75,\n"
    "Better Care Fund).  The book is one SQLite file: --db FILE, else\n"
    "$POOLBOOK_DB, else ./poolbook.db.\n"
    "\n"
    "Commands:\n";

static void print_help(void)
{
    size_t i;

    fputs(usage, stdout);
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'poolbook COMMAND --help' describes a command.\n"
          "Exit status: 0 success, 1 bad data or refused (book unchanged), "
          "2 usage error.\n",
          stdout);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"user", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    pb_cli cli = {NULL, NULL, NULL};
    const char *env = getenv("POOLBOOK_DB");
    pb_suggest sg;
    size_t i;
    int c;

    cli.db = env != NULL && *env != '\0' ? env : "poolbook.db";
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': cli.db = optarg; break;
        case 'u': cli.user = optarg; break;
        case 'h': print_help(); return PB_EXIT_OK;
        case 'V': printf("poolbook %s\n", PB_VERSION); return PB_EXIT_OK;
        default: return pb_cli_bad_option(NULL, c, argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return pb_msg_usage(NULL, "no command given");
    if (strcmp(argv[optind], "help") == 0) {
        print_help();
        return PB_EXIT_OK;
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[optind], commands[i].name) == 0) {
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;

            pb_cli_out out = {stdout, NULL, NULL, 0};
            int rc;

            cli.cmd = commands[i].name;
            optind = 0; /* glibc: re-initialise for the new argv */
            opterr = 0;
            rc = commands[i].run(&cli, sub_argc, sub_argv);
            /* Output that could not be written is a failure, though the
             * command thought it done: a listing cut short by a full disk
             * must not exit 0. */
            return rc != PB_EXIT_OK ? rc : pb_cli_out_close(&out, true);
        }
    }
    pb_suggest_init(&sg, argv[optind]);
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        pb_suggest_add(&sg, commands[i].name);
    if (pb_suggest_best(&sg) != NULL)
        c = pb_msg_usage(NULL, "'%s' is not a command; did you mean '%s'?",
                         argv[optind], pb_suggest_best(&sg));
    else
        c = pb_msg_usage(NULL, "'%s' is not a command", argv[optind]);
    pb_suggest_clear(&sg);
    return c;
}
