/*
 * common.c - helpers every command uses: opening the book, finishing a
 * write transaction, reading option values and input, writing output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ledger/journal.h"

int pb_cli_bad_option(const pb_cli *cli, int c, const char *arg)
{
    if (c == ':')
        return pb_msg_usage(cli, "option '%s' needs a value", arg);
    return pb_msg_usage(cli, "unknown option '%s'", arg);
}

bool pb_cli_id(const char *text, int64_t *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || v <= 0)
        return false;
    *out = v;
    return true;
}

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
    pb_buf buf = PB_BUF_INIT;

    pb_amount_format_grouped(&buf, a);
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
        if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode))
            return pb_msg_fail("%s: not a regular file or a pipe", path);
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

int pb_cli_out_open(pb_cli_out *o, const char *path)
{
    const char *slash;
    pb_buf tmp = PB_BUF_INIT;
    mode_t mask;
    int fd, e;

    o->f = stdout;
    o->path = NULL;
    o->tmp = NULL;
    o->err = 0;
    if (path == NULL || strcmp(path, "-") == 0)
        return PB_EXIT_OK;
    slash = strrchr(path, '/');
    if (slash != NULL)
        pb_buf_printf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path,
                      slash + 1);
    else
        pb_buf_printf(&tmp, ".%s.XXXXXX", path);
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        e = errno;
        pb_buf_clear(&tmp);
        return pb_msg_fail("%s: %s", path, strerror(e));
    }
    /* mkstemp makes 0600; an output is an ordinary file (0666 & ~umask). */
    mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || (o->f = fdopen(fd, "wb")) == NULL) {
        e = errno;
        close(fd);
        unlink(tmp.data);
        pb_buf_clear(&tmp);
        o->f = stdout;
        return pb_msg_fail("%s: %s", path, strerror(e));
    }
    o->path = path;
    o->tmp = tmp.data; /* the buffer's memory is now o's */
    return PB_EXIT_OK;
}

void pb_cli_out_write(pb_cli_out *o, const void *p, size_t n)
{
    if (fwrite(p, 1, n, o->f) != n && o->err == 0)
        o->err = errno != 0 ? errno : EIO;
}

/* The first write error of o's stream, or 0.  errno is only trusted from
 * a write or flush that failed just now; an error flagged earlier by
 * printf is EIO. */
static int out_error(pb_cli_out *o)
{
    errno = 0;
    if (fflush(o->f) != 0)
        return o->err != 0 ? o->err : errno != 0 ? errno : EIO;
    if (o->err != 0)
        return o->err;
    return ferror(o->f) ? EIO : 0;
}

int pb_cli_out_close(pb_cli_out *o, bool keep)
{
    int e = 0;

    if (o->tmp == NULL) {
        if (keep && (e = out_error(o)) != 0)
            return pb_msg_fail("standard output: %s", strerror(e));
        return PB_EXIT_OK;
    }
    if (keep && (e = out_error(o)) == 0 && fsync(fileno(o->f)) != 0)
        e = errno;
    if (fclose(o->f) != 0 && e == 0)
        e = errno;
    if (keep && e == 0 && rename(o->tmp, o->path) != 0)
        e = errno;
    if (!keep || e != 0)
        unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    o->f = stdout;
    return keep && e != 0 ? pb_msg_fail("%s: %s", o->path, strerror(e))
                          : PB_EXIT_OK;
}

/* A quoted value as the text format reads it back: \" and \\ escaped. */
static void put_quoted(FILE *f, const char *key, const char *v)
{
    fprintf(f, "%s=\"", key);
    for (; *v != '\0'; v++) {
        if (*v == '"' || *v == '\\')
            fputc('\\', f);
        fputc(*v, f);
    }
    fputc('"', f);
}

void pb_cli_print_entry(FILE *f, const pb_entry *e, bool with_meta)
{
    char d[PB_DATE_ISO_LEN];
    size_t i, n = pb_entry_count(e), t;
    int k, num = pb_period_num(pb_entry_period(e));

    if (with_meta) {
        fprintf(f, "# entry %lld, entered by %s at %s\n",
                (long long)pb_entry_id(e), pb_entry_entered_by(e),
                pb_entry_entered_at(e));
        if (pb_entry_reverses(e) != 0)
            fprintf(f, "# reverses entry %lld\n",
                    (long long)pb_entry_reverses(e));
        if (pb_entry_reversed_by(e) != 0)
            fprintf(f, "# reversed by entry %lld\n",
                    (long long)pb_entry_reversed_by(e));
    }
    fprintf(f, "%s", pb_date_iso(pb_entry_date(e), d));
    if (num == 0 || num > 12)
        fprintf(f, " P%02d", num);
    if (pb_entry_reference(e)[0] != '\0')
        fprintf(f, " (%s)", pb_entry_reference(e));
    fprintf(f, " %s\n", pb_entry_description(e));
    if (pb_entry_source(e) != NULL || pb_entry_source_pos(e) != NULL) {
        fprintf(f, "    # from");
        if (pb_entry_source(e) != NULL)
            fprintf(f, " %s", pb_entry_source(e));
        if (pb_entry_source_ref(e) != NULL)
            fprintf(f, " %s", pb_entry_source_ref(e));
        if (pb_entry_source_pos(e) != NULL)
            fprintf(f, "%s%s", pb_entry_source(e) != NULL ? ", " : " ",
                    pb_entry_source_pos(e));
        if (with_meta && pb_entry_batch(e) != 0)
            fprintf(f, " (batch %lld)", (long long)pb_entry_batch(e));
        fputc('\n', f);
    }
    for (t = 0; t < pb_entry_tag_count(e); t++) {
        size_t line;
        const char *key, *value;

        pb_entry_tag(e, t, &line, &key, &value);
        if (line == 0) {
            fputs("    tag:", f);
            put_quoted(f, key, value);
            fputc('\n', f);
        }
    }
    for (i = 1; i <= n; i++) {
        fprintf(f, "    %-30s  ", pb_entry_account(e, i));
        pb_cli_money(f, pb_entry_amount(e, i), 14);
        for (k = 0; k < PB_DIM_COUNT; k++) {
            const char *v = pb_entry_dim(e, i, (pb_dim_kind)k);

            if (v != NULL && *v != '\0')
                fprintf(f, "  %s=%s", pb_dim_kind_key((pb_dim_kind)k), v);
        }
        if (pb_entry_memo(e, i)[0] != '\0') {
            fputs("  ", f);
            put_quoted(f, "memo", pb_entry_memo(e, i));
        }
        for (t = 0; t < pb_entry_tag_count(e); t++) {
            size_t line;
            const char *key, *value;

            pb_entry_tag(e, t, &line, &key, &value);
            if (line == i) {
                fputs("  tag:", f);
                put_quoted(f, key, value);
            }
        }
        fputc('\n', f);
    }
}
