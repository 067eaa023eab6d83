/*
 * cmd_import.c - `poolbook import`: finance-system exports into the book,
 * and the provenance of what was imported.
 *
 *   import [--preset NAME | --rules FILE] [--strict] [--dry-run]
 *          [--expect-total AMOUNT] FILE
 *   import list | show BATCH | undo BATCH --reason TEXT | presets [NAME]
 *
 * An import is one transaction: the rules are loaded before the book is
 * opened (a bad rules file changes nothing), the import runs between one
 * begin and one commit, and a dry run is the same import rolled back
 * after printing what it would have posted.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "importers/import.h"
#include "importers/preset.h"
#include "ledger/journal.h"

static const char help[] =
    "usage: poolbook import [--preset NAME | --rules FILE] [--strict]\n"
    "                       [--dry-run] [--expect-total AMOUNT] FILE\n"
    "       poolbook import list\n"
    "       poolbook import show BATCH\n"
    "       poolbook import undo BATCH --reason TEXT [--date DATE]\n"
    "       poolbook import presets [NAME]\n"
    "\n"
    "Imports an export of a finance system (CSV, or XML: camt.053, OFX) as\n"
    "journal entries, mapped by a built-in preset or a rules file (see\n"
    "'poolbook import presets', and docs/importing.md for the language).\n"
    "The import is all or nothing.  A file imported before is recognised by\n"
    "its SHA-256 and posts nothing; rows already in the book (same source\n"
    "and source reference) are skipped, so overlapping exports post only\n"
    "their new rows.  Rows no rule matches go to the rules' suspense\n"
    "account and are listed, or with --strict refuse the import.\n"
    "\n"
    "  --preset NAME        use a built-in preset\n"
    "  --rules FILE         use a rules file (it may start 'preset NAME')\n"
    "  --strict             refuse the import if a row matches no rule\n"
    "  --dry-run            print the entries, totals and unmatched rows;\n"
    "                       write nothing\n"
    "  --expect-total AMT   refuse unless the file's amounts sum to AMT\n"
    "\n"
    "list shows every import; show BATCH its provenance, totals by account\n"
    "and unmatched rows; undo BATCH posts the reversal of each of its\n"
    "entries (never deleting; --date for a closed period); presets lists\n"
    "the presets, and presets NAME prints one's rules to copy and adapt.\n"
    "A FILE named like a subcommand can be given as ./list.\n";

/* ---- printing ---------------------------------------------------------- */

#define UNMATCHED_SHOWN 20 /* unmatched rows listed after an import */

static void money(FILE *f, const pb_amount *a, int width)
{
    pb_cli_money(f, a, width);
}

static int print_entry(const pb_entry *e, void *ud)
{
    (void)ud;
    pb_cli_print_entry(stdout, e, false);
    putchar('\n');
    return 0;
}

static void print_sums(const char *title, const pb_import_sum *s, size_t n)
{
    size_t i;

    if (n == 0)
        return;
    printf("%s:\n", title);
    for (i = 0; i < n; i++) {
        printf("  %-24s ", s[i].key);
        money(stdout, &s[i].amount, 14);
        putchar('\n');
    }
}

static void print_result(const pb_import_result *res, const pb_rules *rules,
                         const char *name, const char *rules_file, int dry_run)
{
    size_t i;
    int k;

    if (dry_run) {
        print_sums("totals by account", res->accounts, res->naccounts);
        for (k = 0; k < PB_DIM_COUNT; k++) {
            char title[64];

            snprintf(title, sizeof title, "totals by %s",
                     pb_dim_kind_title((pb_dim_kind)k));
            print_sums(title, res->dims[k], res->ndims[k]);
        }
    } else {
        printf("batch %lld: imported %s with %s %s\n", (long long)res->batch,
               name, rules_file != NULL ? "rules" : "preset",
               rules_file != NULL ? rules_file : rules->preset);
    }
    printf("rows: %lld read, %lld posted, %lld already imported, %lld left "
           "out by rules, %lld unmatched\n",
           (long long)res->rows_read, (long long)res->rows_posted,
           (long long)res->rows_skipped, (long long)res->rows_ignored,
           (long long)res->rows_unmatched);
    if (res->entries > 1)
        printf("entries: %lld (%lld-%lld)\n", (long long)res->entries,
               (long long)res->first_entry, (long long)res->last_entry);
    else if (res->entries == 1)
        printf("entries: 1 (%lld)\n", (long long)res->first_entry);
    else
        printf("entries: 0\n");
    printf("total: ");
    money(stdout, &res->file_total, 0);
    printf(" in the file, ");
    money(stdout, &res->posted_total, 0);
    printf(" posted\n");
    if (res->nunmatched > 0) {
        printf("unmatched rows (posted to %s):\n", rules->suspense);
        for (i = 0; i < res->nunmatched && i < UNMATCHED_SHOWN; i++) {
            const pb_import_unmatched *u = &res->unmatched[i];
            char d[PB_DATE_ISO_LEN];

            if (u->record > 0)
                printf("  record %-5ld %s ", u->record,
                       pb_date_iso(u->date, d));
            else
                printf("  line %-7ld %s ", u->line, pb_date_iso(u->date, d));
            money(stdout, &u->amount, 14);
            printf("  %s\n", u->description);
        }
        if (res->rows_unmatched > (int64_t)i)
            printf("  ... and %lld more (%s lists them all)\n",
                   (long long)(res->rows_unmatched - (int64_t)i),
                   dry_run ? "the import's 'import show BATCH'"
                           : "'poolbook import show BATCH'");
    }
}

/* ---- import FILE ------------------------------------------------------- */

static int do_import(pb_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"preset", required_argument, NULL, 'p'},
        {"rules", required_argument, NULL, 'r'},
        {"strict", no_argument, NULL, 's'},
        {"dry-run", no_argument, NULL, 'n'},
        {"expect-total", required_argument, NULL, 't'},
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *preset = NULL, *rules_file = NULL, *total = NULL;
    pb_import_options opt;
    pb_import_result res;
    pb_rules *rules = NULL;
    pb_amount expect;
    pb_book *b = NULL;
    pb_error err;
    int c, rc, dry_run = 0, strict = 0;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'p':
            preset = optarg;
            break;
        case 'r':
            rules_file = optarg;
            break;
        case 's':
            strict = 1;
            break;
        case 'n':
            dry_run = 1;
            break;
        case 't':
            total = optarg;
            break;
        case 'h':
            return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return pb_msg_usage(cli, "give one export FILE to import");
    if ((preset == NULL) == (rules_file == NULL))
        return pb_msg_usage(cli, "give --preset NAME or --rules FILE (one "
                                 "of them)");
    pb_amount_init(&expect);
    if (total != NULL && (rc = pb_cli_amount(cli, total, &expect)) != 0) {
        pb_amount_clear(&expect);
        return rc;
    }
    pb_error_clear(&err);
    if (pb_import_load_rules(&rules, preset, rules_file, &err) != PB_OK) {
        pb_amount_clear(&expect);
        if (preset != NULL && err.code == PB_ENOTFOUND)
            return pb_msg_usage(cli, "%s", err.msg);
        return pb_msg_error(&err);
    }
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK) {
        pb_rules_free(rules);
        pb_amount_clear(&expect);
        return rc;
    }
    memset(&opt, 0, sizeof opt);
    opt.path = argv[optind];
    opt.rules = rules;
    opt.rules_file = rules_file;
    opt.strict = strict;
    opt.expect_total = total != NULL ? &expect : NULL;
    opt.on_entry = dry_run ? print_entry : NULL;
    pb_import_result_init(&res);
    rc = pb_book_begin(b, &err);
    if (rc == PB_OK)
        rc = pb_import_file(b, &opt, &res, &err);
    if (rc == PB_OK && res.already > 0) {
        pb_book_rollback(b);
        printf("%s: already imported (batch %lld); nothing posted\n",
               argv[optind], (long long)res.already);
        rc = PB_EXIT_OK;
    } else if (rc == PB_OK && dry_run) {
        pb_book_rollback(b);
        print_result(&res, rules, argv[optind], rules_file, 1);
        printf("dry run: %lld entr%s would be posted; nothing written\n",
               (long long)res.entries, res.entries == 1 ? "y" : "ies");
        rc = PB_EXIT_OK;
    } else {
        rc = pb_cli_finish(b, rc, &err);
        if (rc == PB_EXIT_OK)
            print_result(&res, rules, argv[optind], rules_file, 0);
    }
    pb_import_result_clear(&res);
    pb_book_close(b);
    pb_rules_free(rules);
    pb_amount_clear(&expect);
    return rc;
}

/* ---- list / show ------------------------------------------------------- */

static int list_one(const pb_import_info *i, void *ud)
{
    int *n = ud;

    if ((*n)++ == 0)
        printf("%5s  %-20s  %7s  %7s  %7s  %9s  %14s  %-10s  %s\n", "batch",
               "imported at", "rows", "posted", "skipped", "unmatched", "total",
               "rules", "file");
    printf("%5lld  %-20s  %7lld  %7lld  %7lld  %9lld  ", (long long)i->batch,
           i->created_at, (long long)i->rows_read, (long long)i->rows_posted,
           (long long)i->rows_skipped, (long long)i->rows_unmatched);
    money(stdout, i->file_total, 14);
    {
        const char *rules =
            i->rules_file[0] != '\0' ? i->rules_file : i->preset;
        const char *slash = strrchr(rules, '/');

        printf("  %-10s  %s", slash != NULL ? slash + 1 : rules, i->file);
    }
    if (i->undone_by != 0)
        printf("  (undone by batch %lld)", (long long)i->undone_by);
    putchar('\n');
    return 0;
}

static int show_one(const pb_import_info *i, void *ud)
{
    (void)ud;
    printf("batch %lld: import of %s\n", (long long)i->batch, i->file);
    printf("  file      %s, %lld bytes, sha256 %s\n", i->file,
           (long long)i->size, i->sha256);
    if (i->rules_file[0] != '\0' && i->preset[0] != '\0')
        printf("  rules     %s (preset %s), sha256 %s\n", i->rules_file,
               i->preset, i->rules_sha256);
    else if (i->rules_file[0] != '\0')
        printf("  rules     %s, sha256 %s\n", i->rules_file, i->rules_sha256);
    else
        printf("  rules     preset %s, sha256 %s\n", i->preset,
               i->rules_sha256);
    printf("  source    %s\n", i->source);
    printf("  by        %s at %s\n", i->created_by, i->created_at);
    printf("  rows      %lld read, %lld posted, %lld already imported, %lld "
           "left out by rules, %lld unmatched%s\n",
           (long long)i->rows_read, (long long)i->rows_posted,
           (long long)i->rows_skipped, (long long)i->rows_ignored,
           (long long)i->rows_unmatched, i->strict ? " (strict)" : "");
    printf("  entries   %lld\n", (long long)i->entries);
    printf("  total     ");
    money(stdout, i->file_total, 0);
    printf(" in the file, ");
    money(stdout, i->posted_total, 0);
    printf(" posted\n");
    if (i->undone_by != 0)
        printf("  undone    by batch %lld: %s\n", (long long)i->undone_by,
               i->undo_reason);
    return 0;
}

static int show_account(const char *code, const char *name,
                        const pb_amount *amount, void *ud)
{
    int *n = ud;

    if ((*n)++ == 0)
        printf("totals by account:\n");
    printf("  %-10s %-36s ", code, name);
    money(stdout, amount, 14);
    putchar('\n');
    return 0;
}

static int show_unmatched(int64_t entry, const char *date,
                          const char *description, const pb_amount *amount,
                          const char *where, void *ud)
{
    int *n = ud;

    if ((*n)++ == 0)
        printf("unmatched rows:\n");
    printf("  %-13s entry %-6lld %s ", where, (long long)entry, date);
    money(stdout, amount, 14);
    printf("  %s\n", description);
    return 0;
}

static int do_list_show(pb_cli *cli, int argc, char **argv, int show)
{
    static const struct option opts[] = {
        PB_CLI_COMMON_OPTS,
        {NULL, 0, NULL, 0},
    };
    pb_book *b = NULL;
    pb_error err;
    int64_t batch = 0;
    int c, rc, n = 0;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        if (c == 'h')
            return pb_msg_help(help);
        return pb_cli_bad_option(cli, c, argv[optind - 1]);
    }
    if (show && (argc - optind != 1 || !pb_cli_id(argv[optind], &batch)))
        return pb_msg_usage(cli, "import show takes one batch number");
    if (!show && argc != optind)
        return pb_msg_usage(cli, "import list takes no arguments");
    if ((rc = pb_cli_open(cli, &b, PB_BOOK_READONLY)) != PB_EXIT_OK)
        return rc;
    pb_error_clear(&err);
    rc = pb_book_begin_read(b, &err);
    if (rc == PB_OK && show) {
        rc = pb_import_each(b, batch, show_one, NULL, &err);
        if (rc == PB_OK)
            rc = pb_import_accounts_each(b, batch, show_account, &n, &err);
        n = 0;
        if (rc == PB_OK)
            rc = pb_import_unmatched_each(b, batch, show_unmatched, &n, &err);
    } else if (rc == PB_OK) {
        rc = pb_import_each(b, 0, list_one, &n, &err);
        if (rc == PB_OK && n == 0)
            printf("no imports\n");
    }
    rc = rc == PB_OK ? PB_EXIT_OK : pb_msg_error(&err);
    pb_book_close(b);
    return rc;
}

/* ---- undo --------------------------------------------------------------- */

static int do_undo(pb_cli *cli, int argc, char **argv)
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
    int64_t batch, undo = 0, reversed = 0;
    int c, rc;

    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (pb_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'r':
            reason = optarg;
            break;
        case 'd':
            date_text = optarg;
            break;
        case 'h':
            return pb_msg_help(help);
        default:
            return pb_cli_bad_option(cli, c, argv[optind - 1]);
        }
    }
    if (argc - optind != 1 || !pb_cli_id(argv[optind], &batch))
        return pb_msg_usage(cli, "import undo takes one batch number");
    if (reason == NULL || *reason == '\0')
        return pb_msg_usage(cli, "import undo needs --reason");
    if (date_text != NULL && (rc = pb_cli_date(cli, date_text, &date)) != 0)
        return rc;
    if ((rc = pb_cli_open(cli, &b, 0)) != PB_EXIT_OK)
        return rc;
    pb_error_clear(&err);
    rc = pb_book_begin(b, &err);
    if (rc == PB_OK)
        rc = pb_import_undo(b, batch, reason, date_text != NULL ? &date : NULL,
                            &undo, &reversed, &err);
    if (rc == PB_ECLOSED && date_text == NULL) {
        size_t n = strlen(err.msg);

        snprintf(err.msg + n, sizeof err.msg - n,
                 "; or give --date for the reversals");
    }
    rc = pb_cli_finish(b, rc, &err);
    if (rc == PB_EXIT_OK)
        printf("batch %lld: reversed %lld entr%s of import batch %lld\n",
               (long long)undo, (long long)reversed,
               reversed == 1 ? "y" : "ies", (long long)batch);
    pb_book_close(b);
    return rc;
}

/* ---- presets ------------------------------------------------------------ */

static int do_presets(pb_cli *cli, int argc, char **argv)
{
    const pb_preset *p;
    size_t i;

    if (argc > 2)
        return pb_msg_usage(cli, "import presets takes at most one NAME");
    if (argc == 2) {
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
            return pb_msg_help(help);
        if ((p = pb_preset_find(argv[1])) == NULL)
            return pb_msg_usage(cli,
                                "no preset '%s' (see 'poolbook import "
                                "presets')",
                                argv[1]);
        fputs(p->text, stdout);
        return PB_EXIT_OK;
    }
    for (i = 0; (p = pb_preset_at(i)) != NULL; i++)
        printf("%-10s %s\n", p->name, p->summary);
    printf("\n'poolbook import presets NAME' prints a preset's rules.\n");
    return PB_EXIT_OK;
}

int pb_cmd_import(pb_cli *cli, int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "list") == 0)
            return do_list_show(cli, argc - 1, argv + 1, 0);
        if (strcmp(argv[1], "show") == 0)
            return do_list_show(cli, argc - 1, argv + 1, 1);
        if (strcmp(argv[1], "undo") == 0)
            return do_undo(cli, argc - 1, argv + 1);
        if (strcmp(argv[1], "presets") == 0)
            return do_presets(cli, argc - 1, argv + 1);
    }
    return do_import(cli, argc, argv);
}
