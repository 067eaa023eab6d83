/*
 * cmd_rag.c - `poolbook rag set|show|history`: the RAG thresholds of each
 * pool and level, as data in the book (reports/rag.h).
 *
 * `set` records a whole rule for one level (or every level) in one
 * transaction, as a batch ("rag:set") only when it changes something.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ledger/batch.h"
#include "reports/rag.h"

static const char help[] =
    "usage: poolbook rag set --level LEVEL [--pool CODE] [--red-percent P]\n"
    "                        [--red-amount POUNDS]\n"
    "                        [--red-combine lower|higher]\n"
    "                        [--amber-percent P] [--amber-amount POUNDS]\n"
    "                        [--amber-combine lower|higher] [--note TEXT]\n"
    "       poolbook rag show [--pool CODE] [--known-at DATE]\n"
    "       poolbook rag history [--pool CODE]\n"
    "\n"
    "RAG flags in budget monitoring come from thresholds each pool sets per\n"
    "LEVEL: line, scheme, area, total (the rows of the report), or all.  A\n"
    "variance (forecast - budget; positive is adverse, including income\n"
    "short of budget) is Red when it reaches the Red threshold, else Amber\n"
    "when it reaches the Amber threshold (none given: any adverse\n"
    "variance), else Green; favourable and zero variances are Green.  A\n"
    "threshold is a percentage of the budget (exact: 5, 2.5) and/or an\n"
    "amount in pounds; with both, lower means whichever is lower (either\n"
    "is enough), higher whichever is higher (both are needed).  Without a\n"
    "recorded rule a level uses the published default: Red = adverse >= 5%\n"
    "of budget or >= 100,000 pounds, whichever is lower; Amber = any other\n"
    "adverse; Green = on budget or favourable.\n"
    "\n"
    "set      records a whole rule (what is not given is not part of it);\n"
    "         the same rule again writes nothing; the old rule is kept\n"
    "show     the rule in force for each level (--known-at: as it stood at\n"
    "         the end of DATE)\n"
    "history  every rule recorded, * marking those in force\n";

typedef struct pools {
    char **code;
    size_t n;
} pools;

static int pool_fn(const pb_pool_info *info, void *ud)
{
    pools *p = ud;

    p->code = pb_xrealloc(p->code, (p->n + 1) * sizeof *p->code);
    p->code[p->n++] = pb_xstrdup(info->code);
    return 0;
}

static void pools_free(pools *p)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        free(p->code[i]);
    free(p->code);
}

/* Parses an exact decimal option value into a. */
static int decimal(const pb_cli *cli, const char *opt, const char *text,
                   int places, pb_amount *a)
{
    pb_amount_syntax syn = {places, false};
    pb_error err;

    if (pb_amount_parse(a, text, strlen(text), &syn, &err) == PB_OK)
        return PB_EXIT_OK;
    return pb_msg_usage(cli, "--%s: %s", opt, err.msg);
}

static int set(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"pool", required_argument, NULL, 'p'},
        {"level", required_argument, NULL, 'l'},
        {"red-percent", required_argument, NULL, 'r'},
        {"red-amount", required_argument, NULL, 'R'},
        {"red-combine", required_argument, NULL, 'c'},
        {"amber-percent", required_argument, NULL, 'a'},
        {"amber-amount", required_argument, NULL, 'A'},
        {"amber-combine", required_argument, NULL, 'C'},
        {"note", required_argument, NULL, 'n'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *pool = NULL, *level = NULL, *note = NULL;
    pb_put_result res[PB_RAG_LEVEL_COUNT];
    pb_rag_level lv;
    pb_rag_rule rule;
    pb_batch_info bi;
    pb_book *b = NULL;
    pb_error err;
    pools all = {NULL, 0};
    int64_t batch = 0;
    bool changed = false;
    int c, rc = PB_EXIT_OK, k, first, last;

    pb_rag_rule_init(&rule);
    /* A rule states everything: start from nothing, not the default. */
    rule.red.has_percent = rule.red.has_amount = false;
    rule.is_default = false;
    pb_error_clear(&err);
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'p': pool = optarg; break;
        case 'l': level = optarg; break;
        case 'r':
            rc = decimal(cli, "red-percent", optarg, 4, &rule.red.percent);
            rule.red.has_percent = true;
            break;
        case 'R':
            rc = decimal(cli, "red-amount", optarg, 2, &rule.red.amount);
            rule.red.has_amount = true;
            break;
        case 'a':
            rc = decimal(cli, "amber-percent", optarg, 4, &rule.amber.percent);
            rule.amber.has_percent = true;
            break;
        case 'A':
            rc = decimal(cli, "amber-amount", optarg, 2, &rule.amber.amount);
            rule.amber.has_amount = true;
            break;
        case 'c':
        case 'C':
            if (pb_rag_combine_parse(c == 'c' ? &rule.red.combine
                                              : &rule.amber.combine,
                                     optarg, &err) != PB_OK)
                rc = pb_msg_usage(cli, "%s", err.msg);
            break;
        case 'n': note = optarg; break;
        case 'h':
            rc = pb_msg_help(help);
            goto done;
        default:
            rc = pb_cli_bad_option(cli, c, argv[optind - 1]);
            break;
        }
        if (rc != PB_EXIT_OK)
            goto done;
    }
    if (optind < argc) {
        rc = pb_msg_usage(cli, "unexpected argument '%s'", argv[optind]);
        goto done;
    }
    if (level == NULL) {
        rc = pb_msg_usage(cli, "give --level line, scheme, area, total or "
                               "all");
        goto done;
    }
    if (strcmp(level, "all") == 0) {
        first = 0;
        last = PB_RAG_LEVEL_COUNT - 1;
    } else if (pb_rag_level_parse(&lv, level, &err) == PB_OK) {
        first = last = (int)lv;
    } else {
        rc = pb_msg_usage(cli, "%s", err.msg);
        goto done;
    }
    if (pb_rag_rule_check(&rule, &err) != PB_OK) {
        rc = pb_msg_usage(cli, "--%s: %s", err.field, err.msg);
        goto done;
    }
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        goto done;
    if (pool == NULL) {
        if (pb_pool_each(b, pool_fn, &all, &err) != PB_OK) {
            rc = pb_msg_error(&err);
            goto done;
        }
        if (all.n != 1) {
            rc = pb_msg_usage(cli, "the book has %zu pools: give --pool CODE",
                              all.n);
            goto done;
        }
        pool = all.code[0];
    }
    memset(&bi, 0, sizeof bi);
    bi.kind = "rag:set";
    bi.source = "arguments";
    bi.size = -1;
    bi.detail = "";
    rc = pb_book_begin(b, &err);
    if (rc == PB_OK)
        rc = pb_batch_begin(b, &bi, &batch, &err);
    for (k = first; rc == PB_OK && k <= last; k++) {
        rc = pb_rag_set(b, pool, (pb_rag_level)k, &rule, note, batch, &res[k],
                        &err);
        changed = changed || (rc == PB_OK && res[k] != PB_PUT_UNCHANGED);
    }
    if (rc == PB_OK)
        rc = pb_batch_finish(b, batch, last - first + 1, 0, "rag set", &err);
    if (rc == PB_OK && !changed) {
        pb_book_rollback(b);
        printf("RAG thresholds of %s: unchanged; nothing written\n", pool);
        rc = PB_EXIT_OK;
        goto done;
    }
    if ((rc = pb_cli_finish(b, rc, &err)) != PB_EXIT_OK)
        goto done;
    for (k = first; k <= last; k++) {
        pb_buf words = PB_BUF_INIT;

        pb_rag_describe(&words, &rule);
        printf("%s %s: %s (%s)\n", pool, pb_rag_level_name((pb_rag_level)k),
               pb_buf_str(&words),
               res[k] == PB_PUT_UNCHANGED ? "unchanged"
               : res[k] == PB_PUT_ADDED   ? "recorded"
                                          : "recorded, replacing the earlier");
        pb_buf_clear(&words);
    }
    printf("batch %lld\n", (long long)batch);
done:
    pb_rag_rule_clear(&rule);
    pools_free(&all);
    pb_book_close(b);
    return rc;
}

static int show(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"pool", required_argument, NULL, 'p'},
        {"known-at", required_argument, NULL, 'k'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *pool = NULL;
    pb_date known;
    bool has_known = false;
    pools all = {NULL, 0};
    pb_book *b = NULL;
    pb_error err;
    pb_rag_rule rule;
    size_t i;
    int c, rc, k;

    pb_error_clear(&err);
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'p': pool = optarg; break;
        case 'k':
            if ((rc = pb_cli_date(cli, optarg, &known)) != PB_EXIT_OK)
                return rc;
            has_known = true;
            break;
        case 'h': return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (optind < argc)
        return pb_msg_usage(cli, "unexpected argument '%s'", argv[optind]);
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    pb_rag_rule_init(&rule);
    rc = pb_book_begin_read(b, &err);
    if (rc == PB_OK && pool != NULL) {
        all.code = pb_xmalloc(sizeof *all.code);
        all.code[all.n++] = pb_xstrdup(pool);
    } else if (rc == PB_OK) {
        rc = pb_pool_each(b, pool_fn, &all, &err);
    }
    for (i = 0; rc == PB_OK && i < all.n; i++) {
        int64_t id;

        if ((rc = pb_pool_find(b, all.code[i], &id, &err)) != PB_OK)
            break;
        printf("%s%s\n", i > 0 ? "\n" : "", all.code[i]);
        for (k = 0; rc == PB_OK && k < PB_RAG_LEVEL_COUNT; k++) {
            pb_buf words = PB_BUF_INIT;

            rc = pb_rag_get(b, id, (pb_rag_level)k,
                            has_known ? &known : NULL, &rule, &err);
            if (rc != PB_OK)
                break;
            pb_rag_describe(&words, &rule);
            printf("  %-7s %s\n", pb_rag_level_name((pb_rag_level)k),
                   pb_buf_str(&words));
            if (rule.is_default)
                printf("          (the published default)\n");
            else
                printf("          (recorded %s by %s%s%s)\n",
                       rule.recorded_at, rule.recorded_by,
                       *rule.note ? ": " : "", rule.note);
            pb_buf_clear(&words);
        }
    }
    pb_book_rollback(b);
    pb_rag_rule_clear(&rule);
    pools_free(&all);
    pb_book_close(b);
    return rc == PB_OK ? PB_EXIT_OK : pb_msg_error(&err);
}

static int history_fn(const pb_rag_info *info, void *ud)
{
    pb_buf words = PB_BUF_INIT;
    long *n = ud;

    pb_rag_describe(&words, info->rule);
    printf("%s %-6s %-7s %-20s %s\n", info->in_force ? "*" : " ",
           info->pool, pb_rag_level_name(info->level),
           info->rule->recorded_at, info->rule->recorded_by);
    printf("    %s%s%s\n", pb_buf_str(&words), *info->note ? "; note: " : "",
           info->note);
    pb_buf_clear(&words);
    (*n)++;
    return 0;
}

static int history(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"pool", required_argument, NULL, 'p'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *pool = NULL;
    pb_book *b = NULL;
    pb_error err;
    long n = 0;
    int c, rc;

    pb_error_clear(&err);
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'p': pool = optarg; break;
        case 'h': return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (optind < argc)
        return pb_msg_usage(cli, "unexpected argument '%s'", argv[optind]);
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    rc = pb_book_begin_read(b, &err);
    if (rc == PB_OK)
        rc = pb_rag_each(b, pool, history_fn, &n, &err);
    pb_book_rollback(b);
    pb_book_close(b);
    if (rc != PB_OK)
        return pb_msg_error(&err);
    if (n == 0)
        printf("no RAG thresholds recorded: every level uses the published "
               "default\n");
    return PB_EXIT_OK;
}

int pb_cmd_rag(pb_cli *cli, int argc, char **argv)
{
    if (argc < 2)
        return pb_msg_usage(cli, "give an action: set, show or history");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return pb_msg_help(help);
    if (strcmp(argv[1], "set") == 0)
        return set(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return show(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "history") == 0)
        return history(cli, argc - 1, argv + 1);
    return pb_msg_usage(cli, "unknown action '%s' (set, show, history)",
                        argv[1]);
}
