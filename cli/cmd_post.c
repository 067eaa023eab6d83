/*
 * cmd_post.c - `poolbook post`, `poolbook reverse`, `poolbook show`.
 *
 * post reads entries in the text format (importers/entry_text.h) from a
 * file or standard input, or builds one entry from options; every entry
 * of one run is posted in one transaction, as one batch: all land, or
 * (on the first refusal) none.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "importers/entry_text.h"
#include "ledger/batch.h"
#include "ledger/journal.h"
#include "ledger/sha256.h"

static const char post_help[] =
    "usage: poolbook post [--dry-run] [FILE | -]\n"
    "       poolbook post --date DATE --desc TEXT [--ref REF] [--period PNN]\n"
    "                     -p POSTING -p POSTING [-p POSTING ...] [--dry-run]\n"
    "\n"
    "Posts journal entries.  The first form reads entries in poolbook's\n"
    "text format from FILE or standard input:\n"
    "\n"
    "  2024-04-30 (INV-2291) Reablement provider payments, April\n"
    "      Expenditure:Reablement   12,345.67  stream=MIN-NHS scheme=REABLE\n"
    "      Liabilities:Creditors\n"
    "\n"
    "A header in column 1: date, optional P0/P13-P16 (adjustment period),\n"
    "optional (REFERENCE), description.  Indented postings: account (code or\n"
    "name), amount (1234.56, -1,234.56, (1,234.56), £1,234.56, 1234.56 CR...),\n"
    "then stream=, scheme=, partner=, cc=, memo=\"...\", tag:NAME=VALUE.  One\n"
    "posting may omit its amount to balance the entry.  A line of only\n"
    "tag:NAME=VALUE pairs tags the entry.  '#' or ';' starts a comment.\n"
    "\n"
    "The second form posts one entry; each -p is a posting line as above.\n"
    "All entries of one run are posted together or not at all.\n"
    "\n"
    "  --dry-run   check everything, print what would be posted, write nothing\n";

typedef struct post_ctx {
    pb_book *book;
    const char *name;  /* input name for messages */
    int64_t batch;
    int64_t first, last, count;
    int dry_run;
} post_ctx;

static int post_one(pb_entry *e, const long *lines, void *ud, pb_error *err)
{
    post_ctx *ctx = ud;
    int64_t id;
    int rc;

    pb_entry_set_batch(e, ctx->batch);
    rc = pb_journal_post(ctx->book, e, &id, err);
    if (rc != PB_OK) {
        if (lines != NULL)
            pb_error_locate(err, ctx->name, lines[pb_entry_error_line(e)], 0,
                            NULL);
        return rc;
    }
    if (ctx->count++ == 0)
        ctx->first = id;
    ctx->last = id;
    if (ctx->dry_run)
        pb_cli_print_entry(stdout, e, false);
    return PB_OK;
}

static int post_from_options(post_ctx *ctx, const char *date,
                             const char *desc, const char *ref,
                             const char *period, char **postings,
                             size_t npostings, pb_error *err)
{
    pb_entry *e = pb_entry_new();
    pb_date d;
    size_t i;
    int rc;

    rc = pb_date_parse(&d, date, strlen(date), PB_DATE_ISO, err);
    if (rc == PB_OK) {
        pb_entry_set_date(e, d);
        pb_entry_set_description(e, desc);
        pb_entry_set_reference(e, ref);
        if (period != NULL) {
            const char *p = period + (period[0] == 'P' || period[0] == 'p');
            char *end;
            long num = strtol(p, &end, 10);

            if (*p == '\0' || *end != '\0' || num < 0 || num > PB_PERIOD_MAX)
                rc = pb_error_set(err, PB_EUSAGE,
                                  "--period takes P0 or P13-P16, not '%s'",
                                  period);
            pb_entry_set_period(e, (int)num);
        }
    }
    for (i = 0; rc == PB_OK && i < npostings; i++) {
        rc = pb_entry_text_posting(e, postings[i], err);
        if (rc != PB_OK)
            pb_error_locate(err, NULL, 0, 0, "-p");
    }
    if (rc == PB_OK)
        rc = post_one(e, NULL, ctx, err);
    pb_entry_free(e);
    return rc;
}

int pb_cmd_post(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"date", required_argument, NULL, 'd'},
        {"desc", required_argument, NULL, 'm'},
        {"ref", required_argument, NULL, 'r'},
        {"period", required_argument, NULL, 'P'},
        {"posting", required_argument, NULL, 'p'},
        {"dry-run", no_argument, NULL, 'n'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *date = NULL, *desc = NULL, *ref = NULL, *period = NULL;
    char **postings = NULL;
    size_t npostings = 0;
    post_ctx ctx;
    pb_batch_info bi;
    pb_buf input = PB_BUF_INIT;
    pb_error err;
    uint8_t digest[PB_SHA256_LEN];
    char hex[PB_SHA256_HEX_LEN];
    int c, rc;

    memset(&ctx, 0, sizeof ctx);
    while ((c = getopt_long(argc, argv, ":hp:n", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'd': date = optarg; break;
        case 'm': desc = optarg; break;
        case 'r': ref = optarg; break;
        case 'P': period = optarg; break;
        case 'n': ctx.dry_run = 1; break;
        case 'p':
            postings = pb_xrealloc(postings,
                                   (npostings + 1) * sizeof *postings);
            postings[npostings++] = optarg;
            break;
        case 'h': free(postings); return pb_msg_help(post_help);
        default:
            free(postings);
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (npostings > 0 || date != NULL || desc != NULL) {
        if (date == NULL || desc == NULL || npostings < 2 || optind != argc) {
            free(postings);
            return pb_msg_usage(cli, "an entry from options needs --date, "
                                "--desc and at least two -p postings (and "
                                "no FILE)");
        }
        ctx.name = "arguments";
    } else {
        if (argc - optind > 1) {
            free(postings);
            return pb_msg_usage(cli, "post reads one FILE (or - for stdin)");
        }
        ctx.name = optind < argc && strcmp(argv[optind], "-") != 0
                       ? argv[optind]
                       : "stdin";
        if ((rc = pb_cli_read_input(optind < argc ? argv[optind] : NULL,
                                    &input)) != PB_EXIT_OK) {
            free(postings);
            return rc;
        }
    }
    if ((rc = pb_cli_open(cli, &ctx.book, 0)) != PB_EXIT_OK) {
        free(postings);
        pb_buf_clear(&input);
        return rc;
    }
    pb_error_clear(&err);
    memset(&bi, 0, sizeof bi);
    bi.kind = "post";
    bi.source = ctx.name;
    bi.size = -1;
    if (npostings == 0) {
        pb_sha256_digest(pb_buf_str(&input), input.len, digest);
        bi.sha256 = pb_sha256_hex(digest, hex);
        bi.size = (int64_t)input.len;
    }
    rc = pb_book_begin(ctx.book, &err);
    if (rc == PB_OK)
        rc = pb_batch_begin(ctx.book, &bi, &ctx.batch, &err);
    if (rc == PB_OK && npostings > 0)
        rc = post_from_options(&ctx, date, desc, ref, period, postings,
                               npostings, &err);
    else if (rc == PB_OK)
        rc = pb_entry_text_parse(ctx.name, pb_buf_str(&input), input.len,
                                 post_one, &ctx, &err);
    if (rc == PB_OK && ctx.count == 0)
        rc = pb_error_set(&err, PB_EINVAL, "%s: no entries to post",
                          ctx.name);
    if (rc == PB_OK)
        rc = pb_batch_finish(ctx.book, ctx.batch, ctx.count, ctx.count, NULL,
                             &err);
    if (rc == PB_OK && ctx.dry_run) {
        pb_book_rollback(ctx.book);
        printf("dry run: %lld entr%s would be posted; nothing written\n",
               (long long)ctx.count, ctx.count == 1 ? "y" : "ies");
        rc = PB_EXIT_OK;
    } else {
        rc = pb_cli_finish(ctx.book, rc, &err);
        if (rc == PB_EXIT_OK && ctx.count == 1)
            printf("posted entry %lld\n", (long long)ctx.first);
        else if (rc == PB_EXIT_OK)
            printf("posted %lld entries (%lld-%lld)\n", (long long)ctx.count,
                   (long long)ctx.first, (long long)ctx.last);
    }
    pb_book_close(ctx.book);
    pb_buf_clear(&input);
    free(postings);
    return rc;
}

/* ---- reverse ---------------------------------------------------------- */

static const char reverse_help[] =
    "usage: poolbook reverse ID --reason TEXT [--date DATE]\n"
    "\n"
    "Posts the exact negation of entry ID, pointing back at it: the way to\n"
    "correct a posted entry (entries are never changed or deleted).  The\n"
    "reversal takes the original's date unless --date is given; if the\n"
    "original's period is closed, give a date in an open period.\n";

int pb_cmd_reverse(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"reason", required_argument, NULL, 'r'},
        {"date", required_argument, NULL, 'd'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *reason = NULL, *date_text = NULL;
    pb_date date;
    pb_book *b = NULL;
    pb_error err;
    pb_batch_info bi = {"reverse", "arguments", NULL, -1, NULL};
    int64_t id, new_id = 0, batch;
    int c, rc;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'r': reason = optarg; break;
        case 'd': date_text = optarg; break;
        case 'h': return pb_msg_help(reverse_help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (argc - optind != 1 || !pb_cli_id(argv[optind], &id))
        return pb_msg_usage(cli, "give the id of one entry");
    if (reason == NULL || *reason == '\0')
        return pb_msg_usage(cli, "a reversal needs --reason");
    if (date_text != NULL && (rc = pb_cli_date(cli, date_text, &date)) != 0)
        return rc;
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    pb_error_clear(&err);
    rc = pb_book_begin(b, &err);
    if (rc == PB_OK)
        rc = pb_batch_begin(b, &bi, &batch, &err);
    if (rc == PB_OK)
        rc = pb_journal_reverse(b, id, date_text != NULL ? &date : NULL,
                                reason, batch, &new_id, &err);
    if (rc == PB_OK)
        rc = pb_batch_finish(b, batch, 1, 1, reason, &err);
    rc = pb_cli_finish(b, rc, &err);
    if (rc == PB_EXIT_OK)
        printf("posted entry %lld reversing entry %lld\n", (long long)new_id,
               (long long)id);
    pb_book_close(b);
    return rc;
}

/* ---- show -------------------------------------------------------------- */

static const char show_help[] =
    "usage: poolbook show ID...\n"
    "\n"
    "Prints entries in poolbook's text format (so they can be read back by\n"
    "`poolbook post`), with who entered them and when as comments.\n";

int pb_cmd_show(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    pb_book *b = NULL;
    pb_entry *e;
    pb_error err;
    int64_t id = 0;
    int c, rc = PB_EXIT_OK, i;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        if (c == 'h')
            return pb_msg_help(show_help);
        return pb_cli_bad_option(cli, c, argv[optind - 1]);
    }
    if (optind == argc)
        return pb_msg_usage(cli, "give at least one entry id");
    for (i = optind; i < argc; i++) {
        if (!pb_cli_id(argv[i], &id))
            return pb_msg_usage(cli, "'%s' is not an entry id", argv[i]);
    }
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    e = pb_entry_new();
    pb_error_clear(&err);
    for (i = optind; i < argc && rc == PB_EXIT_OK; i++) {
        pb_cli_id(argv[i], &id);
        if (pb_journal_get(b, id, e, &err) != PB_OK) {
            rc = pb_msg_error(&err);
            break;
        }
        if (i > optind)
            fputc('\n', stdout);
        pb_cli_print_entry(stdout, e, true);
    }
    pb_entry_free(e);
    pb_book_close(b);
    return rc;
}
