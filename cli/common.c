/*
 * common.c - helpers every command uses: opening the book, finishing a
 * write transaction, reading option values.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

int pb_cli_open(const pb_cli *cli, pb_book **out, unsigned flags)
{
    pb_error err;
    int rc;

    pb_error_clear(&err);
    rc = pb_book_open(out, cli->db, flags, &err);
    if (rc != PB_OK)
        return pb_msg_error(&err);
    if (cli->user != NULL)
        pb_book_set_user(*out, cli->user);
    return PB_EXIT_OK;
}

bool pb_cli_common_opt(pb_cli *cli, int opt, const char *arg)
{
    switch (opt) {
    case 0x100:
        cli->db = arg;
        return true;
    case 0x101:
        cli->user = arg;
        return true;
    default:
        return false;
    }
}

int pb_cli_finish(pb_book *b, int rc, const pb_error *err)
{
    pb_error cerr;

    if (rc != PB_OK) {
        if (pb_book_in_tx(b))
            pb_book_rollback(b);
        return pb_msg_error(err);
    }
    pb_error_clear(&cerr);
    if (pb_book_in_tx(b) && pb_book_commit(b, &cerr) != PB_OK)
        return pb_msg_error(&cerr);
    return PB_EXIT_OK;
}

int pb_cli_date(const pb_cli *cli, const char *text, pb_date *out)
{
    pb_error err;

    if (pb_date_parse(out, text, strlen(text), PB_DATE_ISO, &err) == PB_OK)
        return PB_EXIT_OK;
    return pb_msg_usage(cli, "%s", err.msg);
}

int pb_cli_period(const pb_cli *cli, pb_book *b, const char *text,
                  pb_period *out)
{
    pb_error err;
    int fy = pb_fy_of_date(pb_date_today(), pb_book_fy_start(b));

    if (pb_period_parse(out, text, &fy, &err) == PB_OK)
        return PB_EXIT_OK;
    return pb_msg_usage(cli, "%s", err.msg);
}

int pb_cli_amount(const pb_cli *cli, const char *text, pb_amount *out)
{
    pb_error err;

    if (pb_amount_parse(out, text, strlen(text), NULL, &err) == PB_OK)
        return PB_EXIT_OK;
    return pb_msg_usage(cli, "%s", err.msg);
}

void pb_cli_money(FILE *f, const pb_amount *a, int width)
{
    pb_amount_style style = {2,    PB_UNITS_ONE, PB_ROUND_HALF_UP,
                             true, false,        PB_NEG_MINUS};
    pb_buf buf = PB_BUF_INIT;

    pb_amount_format(&buf, a, &style);
    fprintf(f, "%*s", width, pb_buf_str(&buf));
    pb_buf_clear(&buf);
}

int pb_cli_read_input(const char *path, pb_buf *out)
{
    FILE *f = stdin;
    char chunk[65536];
    size_t n;
    int e;

    if (path != NULL && strcmp(path, "-") != 0) {
        struct stat sb;

        if (stat(path, &sb) != 0)
            return pb_msg_fail("%s: %s", path, strerror(errno));
        if (!S_ISREG(sb.st_mode))
            return pb_msg_fail("%s: not a regular file", path);
        f = fopen(path, "rb");
        if (f == NULL)
            return pb_msg_fail("%s: %s", path, strerror(errno));
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        pb_buf_add(out, chunk, n);
    e = ferror(f) ? errno : 0;
    if (f != stdin)
        fclose(f);
    if (e != 0)
        return pb_msg_fail("%s: %s", path != NULL ? path : "stdin",
                           strerror(e));
    return PB_EXIT_OK;
}
