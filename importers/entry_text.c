/*
 * entry_text.c - reader for the text entry format (see entry_text.h).
 *
 * Line-oriented, no backtracking: each line is classified by its first
 * character (comment, blank, header in column 1, indented body), so an
 * error always names the line and column where it is.
 */
#include "importers/entry_text.h"
#include "importers/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct lexer {
    const char *p, *end; /* the line being read */
    const char *start;   /* its first byte, for columns */
    const char *name;
    long line;
} lexer;

static int fail(const lexer *lx, const char *at, pb_error *err,
                const char *msg, const char *detail)
{
    pb_error_set(err, PB_EINVAL, "%s%s%s%s", msg, detail ? " \"" : "",
                 detail ? detail : "", detail ? "\"" : "");
    pb_error_locate(err, lx->name, lx->line, (long)(at - lx->start) + 1,
                    NULL);
    return PB_EINVAL;
}

static void skip_space(lexer *lx)
{
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'))
        lx->p++;
}

/* Reads one whitespace-delimited token, honouring "quoted" parts, into
 * out (unquoted).  Returns PB_OK, or an error for an unterminated quote. */
static int read_token(lexer *lx, pb_buf *out, pb_error *err)
{
    const char *tok = lx->p;

    pb_buf_reset(out);
    while (lx->p < lx->end && *lx->p != ' ' && *lx->p != '\t') {
        if (*lx->p == '"') {
            const char *q = lx->p++;

            for (;;) {
                if (lx->p >= lx->end)
                    return fail(lx, q, err, "unterminated quoted value",
                                NULL);
                if (*lx->p == '"')
                    break;
                if (*lx->p == '\\' && lx->p + 1 < lx->end &&
                    (lx->p[1] == '"' || lx->p[1] == '\\'))
                    lx->p++;
                pb_buf_putc(out, *lx->p++);
            }
            lx->p++;
            continue;
        }
        pb_buf_putc(out, *lx->p++);
    }
    (void)tok;
    return PB_OK;
}

static int apply_pair(pb_entry *e, size_t line, lexer *lx, const char *tok,
                      const char *text, pb_error *err)
{
    const char *eq = strchr(text, '=');
    size_t klen;
    pb_dim_kind kind;
    char key[48];

    if (eq == NULL)
        return fail(lx, tok, err, "expected key=value, not", text);
    klen = (size_t)(eq - text);
    if (klen == 0 || klen >= sizeof key)
        return fail(lx, tok, err, "bad key in", text);
    memcpy(key, text, klen);
    key[klen] = '\0';
    if (strncmp(key, "tag:", 4) == 0) {
        if (key[4] == '\0')
            return fail(lx, tok, err, "a tag needs a name:", text);
        pb_entry_add_tag(e, line, key + 4, eq + 1);
        return PB_OK;
    }
    if (line == 0)
        return fail(lx, tok, err, "only tag:NAME=VALUE may tag an entry, not",
                    text);
    if (strcmp(key, "memo") == 0) {
        pb_entry_set_memo(e, line, eq + 1);
        return PB_OK;
    }
    if (pb_dim_kind_parse(&kind, key, NULL) != PB_OK)
        return fail(lx, tok, err,
                    "unknown key (expected stream, scheme, partner, cc, memo "
                    "or tag:NAME):",
                    key);
    pb_entry_set_dim(e, line, kind, eq + 1);
    return PB_OK;
}

/* A posting: ACCOUNT [AMOUNT [CR|DR]] [key=value ...] */
static int parse_posting(pb_entry *e, lexer *lx, pb_error *err)
{
    const char *acc = lx->p, *acc_end = lx->p, *tok;
    pb_buf account = PB_BUF_INIT, t = PB_BUF_INIT, amt = PB_BUF_INIT;
    pb_amount amount;
    int rc = PB_OK, has_amount = 0;
    size_t line;

    /* The account ends at a tab, two spaces, or the end of the line. */
    while (acc_end < lx->end && *acc_end != '\t' &&
           !(acc_end[0] == ' ' && acc_end + 1 < lx->end && acc_end[1] == ' ') &&
           !(acc_end[0] == ' ' && acc_end + 1 == lx->end))
        acc_end++;
    /* A single space before key=value or an amount also ends it when the
     * account has no spaces of its own ("5100 12.00"). */
    if (memchr(acc, ' ', (size_t)(acc_end - acc)) != NULL) {
        const char *sp = memchr(acc, ' ', (size_t)(acc_end - acc));
        const char *q = acc;
        int simple = 1;

        for (; q < sp; q++)
            if (*q == ':')
                simple = 0;
        if (simple) /* codes have no spaces; names use ':' */
            acc_end = sp;
    }
    pb_buf_add(&account, acc, (size_t)(acc_end - acc));
    lx->p = acc_end;
    pb_amount_init(&amount);
    skip_space(lx);
    if (lx->p < lx->end) {
        tok = lx->p;
        if ((rc = read_token(lx, &t, err)) != PB_OK)
            goto done;
        if (strchr(pb_buf_str(&t), '=') == NULL) {
            pb_buf_puts(&amt, pb_buf_str(&t));
            skip_space(lx);
            /* "1,234.56 CR": the marker as a separate word. */
            if (lx->end - lx->p >= 2 &&
                (strncasecmp(lx->p, "CR", 2) == 0 ||
                 strncasecmp(lx->p, "DR", 2) == 0) &&
                (lx->end - lx->p == 2 || lx->p[2] == ' ' ||
                 lx->p[2] == '\t')) {
                pb_buf_putc(&amt, ' ');
                pb_buf_add(&amt, lx->p, 2);
                lx->p += 2;
            }
            if (pb_amount_parse(&amount, amt.data, amt.len, NULL, err) !=
                PB_OK) {
                pb_error_locate(err, lx->name, lx->line,
                                (long)(tok - lx->start) + 1, "amount");
                rc = PB_EINVAL;
                goto done;
            }
            has_amount = 1;
        } else {
            lx->p = tok;
        }
    }
    line = pb_entry_add(e, pb_buf_str(&account), has_amount ? &amount : NULL);
    for (;;) {
        skip_space(lx);
        if (lx->p >= lx->end)
            break;
        tok = lx->p;
        if ((rc = read_token(lx, &t, err)) != PB_OK ||
            (rc = apply_pair(e, line, lx, tok, pb_buf_str(&t), err)) != PB_OK)
            goto done;
    }
done:
    pb_amount_clear(&amount);
    pb_buf_clear(&account);
    pb_buf_clear(&t);
    pb_buf_clear(&amt);
    return rc;
}

static int parse_tags_line(pb_entry *e, lexer *lx, pb_error *err)
{
    pb_buf t = PB_BUF_INIT;
    int rc = PB_OK;

    for (;;) {
        const char *tok;

        skip_space(lx);
        if (lx->p >= lx->end)
            break;
        tok = lx->p;
        if ((rc = read_token(lx, &t, err)) != PB_OK ||
            (rc = apply_pair(e, 0, lx, tok, pb_buf_str(&t), err)) != PB_OK)
            break;
    }
    pb_buf_clear(&t);
    return rc;
}

static int parse_header(pb_entry *e, lexer *lx, pb_error *err)
{
    const char *d = lx->p;
    pb_date date;
    pb_buf desc = PB_BUF_INIT;

    while (lx->p < lx->end && *lx->p != ' ' && *lx->p != '\t')
        lx->p++;
    if (pb_date_parse(&date, d, (size_t)(lx->p - d), PB_DATE_ISO, err) !=
        PB_OK) {
        pb_error_locate(err, lx->name, lx->line, 1, "date");
        return PB_EINVAL;
    }
    pb_entry_set_date(e, date);
    skip_space(lx);
    if (lx->p < lx->end && (*lx->p == 'P' || *lx->p == 'p') &&
        lx->p + 1 < lx->end && isdigit((unsigned char)lx->p[1])) {
        const char *q = lx->p + 1;
        int num = 0;

        while (q < lx->end && isdigit((unsigned char)*q) && num < 100)
            num = num * 10 + (*q++ - '0');
        if (q == lx->end || *q == ' ' || *q == '\t') {
            if (num != 0 && (num < 13 || num > PB_PERIOD_MAX))
                return fail(lx, lx->p, err,
                            "only P0 and P13..P16 may be named (month "
                            "periods follow the date):",
                            NULL);
            pb_entry_set_period(e, num);
            lx->p = q;
            skip_space(lx);
        }
    }
    if (lx->p < lx->end && *lx->p == '(') {
        const char *r = ++lx->p;
        pb_buf ref = PB_BUF_INIT;

        while (lx->p < lx->end && *lx->p != ')')
            lx->p++;
        if (lx->p >= lx->end)
            return fail(lx, r - 1, err, "unclosed '(' in the reference",
                        NULL);
        pb_buf_add(&ref, r, (size_t)(lx->p - r));
        pb_entry_set_reference(e, pb_buf_str(&ref));
        pb_buf_clear(&ref);
        lx->p++;
        skip_space(lx);
    }
    if (lx->p >= lx->end)
        return fail(lx, lx->p, err, "the entry needs a description", NULL);
    pb_buf_add(&desc, lx->p, (size_t)(lx->end - lx->p));
    pb_entry_set_description(e, pb_buf_str(&desc));
    pb_buf_clear(&desc);
    return PB_OK;
}

/* The text must be UTF-8 (a BOM, as Notepad writes, is skipped): text in
 * another encoding would enter the hash chain as bytes that no report or
 * export can show.  Sets *skip to the BOM's length. */
static int check_encoding(const char *name, const char *text, size_t len,
                          size_t *skip, pb_error *err)
{
    size_t bad;
    long line, col;

    if (pb_text_bom_check(text, len, skip, err) != PB_OK) {
        pb_error_locate(err, name, 1, 0, NULL);
        return PB_EINVAL;
    }
    text += *skip;
    len -= *skip;
    if (pb_text_utf8_valid(text, len, &bad))
        return PB_OK;
    line = pb_text_line_col(text, bad, &col);
    pb_error_set(err, PB_EINVAL,
                 "not UTF-8 (byte 0x%02X); save the file as UTF-8",
                 (unsigned char)text[bad]);
    pb_error_locate(err, name, line, col, NULL);
    return PB_EINVAL;
}

int pb_entry_text_parse(const char *name, const char *text, size_t len,
                        pb_entry_text_fn fn, void *ud, pb_error *err)
{
    const char *p = text, *end = text + len;
    pb_entry *e;
    long *lines = NULL;
    size_t caplines = 0, skip;
    int open = 0, rc = PB_OK;
    lexer lx;

    if (check_encoding(name, text, len, &skip, err) != PB_OK)
        return PB_EINVAL;
    p += skip;
    e = pb_entry_new();
    lx.name = name;
    lx.line = 0;
    while (p < end && rc == PB_OK) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl != NULL ? nl : end;
        const char *q;

        lx.line++;
        lx.start = lx.p = p;
        lx.end = le;
        if (lx.end > lx.p && lx.end[-1] == '\r')
            lx.end--;
        p = nl != NULL ? nl + 1 : end;
        if (memchr(lx.p, '\0', (size_t)(lx.end - lx.p)) != NULL) {
            rc = fail(&lx, lx.p, err, "NUL byte in the text", NULL);
            break;
        }
        for (q = lx.p; q < lx.end && (*q == ' ' || *q == '\t'); q++)
            ;
        if (q == lx.end || *q == '#' || *q == ';')
            continue;
        if (q == lx.p) { /* a header */
            if (open && (rc = fn(e, lines, ud, err)) != PB_OK)
                break;
            pb_entry_reset(e);
            open = 1;
            if (caplines < 1) {
                caplines = 16;
                lines = pb_xrealloc(lines, caplines * sizeof *lines);
            }
            lines[0] = lx.line;
            rc = parse_header(e, &lx, err);
            continue;
        }
        if (!open) {
            rc = fail(&lx, q, err,
                      "an indented line outside an entry (headers start in "
                      "column 1)",
                      NULL);
            break;
        }
        lx.p = q;
        if (strncmp(q, "tag:", 4) == 0) {
            rc = parse_tags_line(e, &lx, err);
            continue;
        }
        rc = parse_posting(e, &lx, err);
        if (rc == PB_OK) {
            size_t n = pb_entry_count(e);

            if (n + 1 > caplines) {
                caplines = (n + 1) * 2;
                lines = pb_xrealloc(lines, caplines * sizeof *lines);
            }
            lines[n] = lx.line;
        }
    }
    if (rc == PB_OK && open)
        rc = fn(e, lines, ud, err);
    free(lines);
    pb_entry_free(e);
    return rc;
}

int pb_entry_text_posting(pb_entry *e, const char *line, pb_error *err)
{
    lexer lx;

    lx.name = NULL;
    lx.line = 0;
    lx.start = lx.p = line;
    lx.end = line + strlen(line);
    skip_space(&lx);
    if (lx.p == lx.end)
        return fail(&lx, lx.p, err, "empty posting", NULL);
    return parse_posting(e, &lx, err);
}
