/*
 * rules.c - the import rules parser.
 *
 * One pass over the lines of each text.  A line is a directive (first word
 * in column 1), an indented action belonging to the `if` above it, a
 * comment ('#' or ';' first) or blank.  Words are separated by blanks; a
 * word may be "double-quoted" with \" and \\ inside.  Directives that take
 * free text (description, reference, memo, source-ref, group-by, refuse)
 * take the rest of the line, trimmed.
 *
 * Settings given once per text are recorded in a `seen` table (key,
 * origin, line): a second one from the same text is an error, one from a
 * later text (the file after its `preset`) replaces the earlier value.
 * Top-level account / contra / dimension / tag settings are the actions
 * of rule 0, replaced by key in the same way.
 *
 * Nothing here reads the export: slot names are bound to columns or
 * XPaths later, by the readers.  Failure frees everything built so far.
 */
#include "importers/rules.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/preset.h"
#include "importers/text.h"
#include "importers/xml.h"
#include "ledger/buf.h"
#include "ledger/suggest.h"

#define RULES_MAX_BYTES ((size_t)1 << 20) /* a rules text, at most */
#define SOURCE_MAX 64                     /* characters of `source` */

typedef struct seen {
    char *key;
    int origin;
    long line;
} seen;

typedef struct parser {
    pb_rules *r;
    pb_error *err;
    int origin;     /* index of the text being parsed */
    long line;      /* its current line */
    long rule;      /* index of the open `if` rule, or -1 */
    int directives; /* directives seen so far in this text */
    int main;       /* origin of the text given (not its preset) */
    seen *seen;
    size_t nseen, capseen;
    pb_sha256 *hash;
} parser;

static const char *const directives[] = {
    "preset",
    "reader",
    "delimiter",
    "encoding",
    "skip",
    "header",
    "columns",
    "field",
    "optional-field",
    "namespace",
    "record",
    "statement",
    "balance",
    "balance-type",
    "balance-amount",
    "balance-flag",
    "opening-balance",
    "closing-balance",
    "source",
    "date",
    "amount",
    "decimal-comma",
    "sign",
    "description",
    "reference",
    "memo",
    "source-ref",
    "group-by",
    "account",
    "contra",
    "stream",
    "scheme",
    "partner",
    "cc",
    "tag",
    "suspense",
    "strict",
    "expect-total",
    "if",
    NULL,
};

static const char *const reserved_tags[] = {
    "source-line",
    "source-record",
    "unmatched",
    NULL,
};

/* ---- errors ------------------------------------------------------------ */

static int perr(parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int perr(parser *p, const char *fmt, ...)
{
    char msg[PB_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pb_error_set(p->err, PB_EINVAL, "%s", msg);
    pb_error_locate(p->err, p->r->origins[p->origin], p->line, 0, NULL);
    return PB_EINVAL;
}

static pb_rules_loc here(const parser *p)
{
    pb_rules_loc loc = {p->origin, p->line};

    return loc;
}

const char *pb_rules_where(const pb_rules *r, pb_rules_loc loc, char *buf,
                           size_t n)
{
    snprintf(buf, n, "%s:%ld",
             (size_t)loc.origin < r->norigins ? r->origins[loc.origin] : "?",
             loc.line);
    return buf;
}

/* ---- small helpers ----------------------------------------------------- */

static char **strv_add(char **v, const char *s, size_t len)
{
    size_t n = 0;

    while (v != NULL && v[n] != NULL)
        n++;
    v = pb_xrealloc(v, (n + 2) * sizeof *v);
    v[n] = pb_xstrndup(s, len);
    v[n + 1] = NULL;
    return v;
}

static void strv_free(char **v)
{
    size_t i;

    for (i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

static void tpl_free(pb_template *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->parts[i].text);
    free(t->parts);
    memset(t, 0, sizeof *t);
}

static void path_free(pb_rules_path *path)
{
    size_t i;

    for (i = 0; i < path->n; i++) {
        free(path->steps[i].prefix);
        free(path->steps[i].local);
    }
    free(path->steps);
    free(path->text);
    memset(path, 0, sizeof *path);
}

static void rule_free(pb_rules_rule *rule)
{
    size_t i;

    for (i = 0; i < rule->nconds; i++) {
        free(rule->conds[i].value);
        if (rule->conds[i].op == PB_COND_MATCHES)
            regfree(&rule->conds[i].re);
    }
    for (i = 0; i < rule->nacts; i++) {
        free(rule->acts[i].key);
        tpl_free(&rule->acts[i].value);
    }
    free(rule->conds);
    free(rule->acts);
}

void pb_rules_free(pb_rules *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->norigins; i++)
        free(r->origins[i]);
    free(r->origins);
    free(r->preset);
    strv_free(r->columns);
    for (i = 0; i < r->nns; i++) {
        free(r->ns[i].prefix);
        free(r->ns[i].uri);
    }
    free(r->ns);
    path_free(&r->record);
    path_free(&r->statement);
    path_free(&r->balance);
    for (i = 0; i < PB_BAL_COUNT; i++)
        free(r->balance_xpath[i]);
    strv_free(r->opening);
    strv_free(r->closing);
    for (i = 0; i < r->nfields; i++) {
        free(r->fields[i].name);
        strv_free(r->fields[i].synonyms);
        free(r->fields[i].xpath);
    }
    free(r->fields);
    free(r->source);
    strv_free(r->positive);
    strv_free(r->negative);
    tpl_free(&r->description);
    tpl_free(&r->reference);
    tpl_free(&r->memo);
    tpl_free(&r->source_ref);
    tpl_free(&r->group_by);
    free(r->suspense);
    pb_amount_clear(&r->expect_total);
    for (i = 0; i < r->nrules; i++)
        rule_free(&r->rules[i]);
    free(r->rules);
    free(r);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Reads a "quoted string" starting at *q (on the quote) into out, with \"
 * and \\ escapes; it must end the word. */
static int quoted_part(parser *p, const char **q, pb_buf *out)
{
    const char *c = *q + 1;

    for (; *c != '"'; c++) {
        if (*c == '\0')
            return perr(p, "a quoted string is not closed");
        if (*c == '\\' && (c[1] == '"' || c[1] == '\\'))
            c++;
        pb_buf_putc(out, *c);
    }
    c++;
    if (*c != '\0' && !is_blank(*c))
        return perr(p, "a quoted string must be followed by a blank");
    *q = c;
    return PB_OK;
}

/* The next word of *s: a run of non-blanks, or a "quoted string"; in
 * NAME="VALUE" the value may be quoted.  The word goes to out (reset
 * first).  Returns 1 with a word, 0 at the end of the line, or PB_EINVAL
 * for a quote left open. */
static int next_word(parser *p, const char **s, pb_buf *out, bool *quoted)
{
    const char *q = *s;
    int rc;

    pb_buf_reset(out);
    pb_buf_add(out, "", 0);
    while (is_blank(*q))
        q++;
    if (*q == '\0') {
        *s = q;
        return 0;
    }
    if (quoted != NULL)
        *quoted = *q == '"';
    if (*q == '"') {
        if ((rc = quoted_part(p, &q, out)) != PB_OK)
            return rc;
    } else {
        while (*q != '\0' && !is_blank(*q)) {
            if (*q == '"' && q[-1] == '=') {
                if ((rc = quoted_part(p, &q, out)) != PB_OK)
                    return rc;
                break;
            }
            pb_buf_putc(out, *q++);
        }
    }
    *s = q;
    return 1;
}

static const char *rest_of(const char *s)
{
    while (is_blank(*s))
        s++;
    return s;
}

/* Records a once-per-text setting.  Returns 0 (new), 1 (replaces the
 * value of an earlier text: the caller frees the old one) or PB_EINVAL
 * (given twice in this text). */
static int claim(parser *p, const char *key)
{
    size_t i;

    for (i = 0; i < p->nseen; i++) {
        if (strcmp(p->seen[i].key, key) != 0)
            continue;
        if (p->seen[i].origin == p->origin)
            return perr(p, "'%s' is given twice (first at line %ld)", key,
                        p->seen[i].line);
        p->seen[i].origin = p->origin;
        p->seen[i].line = p->line;
        return 1;
    }
    if (p->nseen == p->capseen) {
        p->capseen = p->capseen ? p->capseen * 2 : 32;
        p->seen = pb_xrealloc(p->seen, p->capseen * sizeof *p->seen);
    }
    p->seen[p->nseen].key = pb_xstrdup(key);
    p->seen[p->nseen].origin = p->origin;
    p->seen[p->nseen].line = p->line;
    p->nseen++;
    return 0;
}

static bool valid_name(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
            return false;
    }
    return true;
}

/* ---- field slots ------------------------------------------------------- */

static int slot_of(parser *p, const char *name)
{
    pb_rules *r = p->r;
    pb_rules_field *f;
    size_t i;

    for (i = 0; i < r->nfields; i++) {
        if (strcmp(r->fields[i].name, name) == 0)
            return (int)i;
    }
    r->fields = pb_xrealloc(r->fields, (r->nfields + 1) * sizeof *r->fields);
    f = &r->fields[r->nfields];
    memset(f, 0, sizeof *f);
    f->name = pb_xstrdup(name);
    f->synonyms = strv_add(NULL, name, strlen(name));
    f->loc = here(p);
    return (int)r->nfields++;
}

/* A field name as a word: refuses the empty name. */
static int field_word(parser *p, const char *word, const char *what, int *slot)
{
    if (*word == '\0')
        return perr(p, "%s needs a field name", what);
    *slot = slot_of(p, word);
    return PB_OK;
}

/* ---- templates --------------------------------------------------------- */

static void tpl_add(pb_template *t, const char *s, size_t n, int slot)
{
    t->parts = pb_xrealloc(t->parts, (t->n + 1) * sizeof *t->parts);
    t->parts[t->n].text = pb_xstrndup(s, n);
    t->parts[t->n].slot = slot;
    t->n++;
}

/* Parses text with {field} references ({{ and }} are literal braces) into
 * t, which must be empty. */
static int tpl_parse(parser *p, const char *s, pb_template *t)
{
    pb_buf lit = PB_BUF_INIT;
    int rc = PB_OK;

    memset(t, 0, sizeof *t);
    t->loc = here(p);
    while (*s != '\0' && rc == PB_OK) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            pb_buf_putc(&lit, s[0]);
            s += 2;
        } else if (*s == '}') {
            rc = perr(p, "a '}' has no '{' (write }} for a brace)");
        } else if (*s == '{') {
            const char *end = strchr(s + 1, '}');
            const char *a = s + 1, *b;

            if (end == NULL) {
                rc = perr(p, "a '{' is not closed with '}'");
                break;
            }
            b = end;
            while (a < b && is_blank(*a))
                a++;
            while (b > a && is_blank(b[-1]))
                b--;
            if (a == b) {
                rc = perr(p, "'{}' names no field");
                break;
            }
            if (lit.len > 0)
                tpl_add(t, lit.data, lit.len, -1);
            pb_buf_reset(&lit);
            {
                char *name = pb_xstrndup(a, (size_t)(b - a));

                tpl_add(t, name, strlen(name), slot_of(p, name));
                free(name);
            }
            s = end + 1;
        } else {
            pb_buf_putc(&lit, *s++);
        }
    }
    if (rc == PB_OK && lit.len > 0)
        tpl_add(t, lit.data, lit.len, -1);
    pb_buf_clear(&lit);
    if (rc != PB_OK)
        tpl_free(t);
    return rc;
}

/* A once-per-text template setting (description, memo ...). */
static int set_tpl(parser *p, const char *key, const char *text, pb_template *t)
{
    int rc;

    if (*text == '\0')
        return perr(p, "'%s' needs a value", key);
    if ((rc = claim(p, key)) < 0)
        return rc;
    tpl_free(t);
    return tpl_parse(p, text, t);
}

/* ---- actions ----------------------------------------------------------- */

static pb_rules_action *act_new(pb_rules_rule *rule)
{
    pb_rules_action *a;

    rule->acts = pb_xrealloc(rule->acts, (rule->nacts + 1) * sizeof *a);
    a = &rule->acts[rule->nacts++];
    memset(a, 0, sizeof *a);
    return a;
}

/* Sets an action in the open `if` rule, or a top-level default in rule 0
 * (replacing the same setting from an earlier text). */
static int add_action(parser *p, pb_rules_action_kind kind, pb_dim_kind dim,
                      const char *key, const char *value)
{
    pb_rules *r = p->r;
    pb_rules_rule *rule;
    pb_rules_action *a = NULL;
    size_t i;
    int rc;

    if (p->rule >= 0) {
        rule = &r->rules[p->rule];
    } else {
        char ck[160];

        rule = &r->rules[0];
        switch (kind) {
        case PB_ACT_ACCOUNT:
            snprintf(ck, sizeof ck, "account");
            break;
        case PB_ACT_CONTRA:
            snprintf(ck, sizeof ck, "contra");
            break;
        case PB_ACT_DIM:
            snprintf(ck, sizeof ck, "%s", pb_dim_kind_key(dim));
            break;
        case PB_ACT_CONTRA_DIM:
            snprintf(ck, sizeof ck, "contra %s", pb_dim_kind_key(dim));
            break;
        default:
            snprintf(ck, sizeof ck, "tag %s", key);
            break;
        }
        if ((rc = claim(p, ck)) < 0)
            return rc;
        for (i = 0; rc == 1 && i < rule->nacts; i++) {
            pb_rules_action *old = &rule->acts[i];

            if (old->kind == kind && old->dim == dim &&
                (key == NULL || strcmp(old->key, key) == 0)) {
                a = old;
                free(a->key);
                tpl_free(&a->value);
                break;
            }
        }
    }
    if (a == NULL)
        a = act_new(rule);
    a->kind = kind;
    a->dim = dim;
    a->key = key != NULL ? pb_xstrdup(key) : NULL;
    a->loc = here(p);
    if ((rc = tpl_parse(p, value, &a->value)) != PB_OK)
        a->kind = PB_ACT_SKIP; /* freed with the rule; value is empty */
    return rc;
}

static int dim_key(parser *p, const char *key, size_t n, pb_dim_kind *out)
{
    static const char *const keys[] = {"stream", "scheme", "partner", "cc"};
    int k;

    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (strlen(keys[k]) == n && strncmp(keys[k], key, n) == 0) {
            *out = (pb_dim_kind)k;
            return PB_OK;
        }
    }
    return perr(p,
                "'%.*s' is not a dimension (use stream, scheme, "
                "partner or cc)",
                (int)n, key);
}

/* account / contra ACCOUNT [stream=.. scheme=.. partner=.. cc=..] */
static int parse_account(parser *p, const char *s, bool contra)
{
    const char *what = contra ? "contra" : "account";
    pb_buf w = PB_BUF_INIT;
    int rc;

    rc = next_word(p, &s, &w, NULL);
    if (rc == 0 || (rc == 1 && w.len == 0))
        rc = perr(p, "'%s' needs an account code or name", what);
    if (rc == 1)
        rc = add_action(p, contra ? PB_ACT_CONTRA : PB_ACT_ACCOUNT,
                        PB_DIM_STREAM, NULL, pb_buf_str(&w));
    while (rc == PB_OK) {
        const char *eq;
        pb_dim_kind k;
        bool quoted;

        rc = next_word(p, &s, &w, &quoted);
        if (rc <= 0)
            break;
        eq = strchr(pb_buf_str(&w), '=');
        if (quoted || eq == NULL) {
            rc = perr(p,
                      "after the account, '%s' takes dimension=CODE "
                      "words, not \"%s\" (quote an account name that "
                      "contains spaces)",
                      what, pb_buf_str(&w));
            break;
        }
        if ((rc = dim_key(p, w.data, (size_t)(eq - w.data), &k)) != PB_OK)
            break;
        rc = add_action(p, contra ? PB_ACT_CONTRA_DIM : PB_ACT_DIM, k, NULL,
                        eq + 1);
    }
    pb_buf_clear(&w);
    return rc;
}

/* stream / scheme / partner / cc CODE */
static int parse_dim(parser *p, const char *dir, const char *s)
{
    pb_buf w = PB_BUF_INIT;
    pb_dim_kind k;
    int rc = dim_key(p, dir, strlen(dir), &k);

    if (rc == PB_OK && (rc = next_word(p, &s, &w, NULL)) == 0)
        rc = perr(p, "'%s' needs a code", dir);
    if (rc == 1 && *rest_of(s) != '\0')
        rc = perr(p, "'%s' takes one code (quote a value with spaces)", dir);
    if (rc == 1)
        rc = add_action(p, PB_ACT_DIM, k, NULL, pb_buf_str(&w));
    pb_buf_clear(&w);
    return rc;
}

/* tag KEY=VALUE */
static int parse_tag(parser *p, const char *s)
{
    pb_buf w = PB_BUF_INIT;
    const char *eq;
    char *key = NULL;
    size_t i;
    int rc = next_word(p, &s, &w, NULL);

    if (rc == 0 || (rc == 1 && strchr(pb_buf_str(&w), '=') == NULL))
        rc = perr(p, "'tag' needs NAME=VALUE");
    if (rc == 1 && *rest_of(s) != '\0')
        rc = perr(p, "'tag' takes one NAME=VALUE (quote it if the value "
                     "has spaces)");
    if (rc != 1)
        goto done;
    eq = strchr(w.data, '=');
    key = pb_xstrndup(w.data, (size_t)(eq - w.data));
    if (!valid_name(key)) {
        rc = perr(p, "'%s' is not a tag name (letters, digits, _ - .)", key);
        goto done;
    }
    for (i = 0; reserved_tags[i] != NULL; i++) {
        if (strcmp(key, reserved_tags[i]) == 0) {
            rc = perr(p, "tag '%s' is set by the importer itself", key);
            goto done;
        }
    }
    rc = add_action(p, PB_ACT_TAG, PB_DIM_STREAM, key, eq + 1);
done:
    free(key);
    pb_buf_clear(&w);
    return rc;
}

/* ---- conditions -------------------------------------------------------- */

static pb_rules_cond *cond_new(pb_rules_rule *rule)
{
    pb_rules_cond *c;

    rule->conds = pb_xrealloc(rule->conds, (rule->nconds + 1) * sizeof *c);
    c = &rule->conds[rule->nconds++];
    memset(c, 0, sizeof *c);
    c->op = PB_COND_IS; /* nothing to regfree until compiled */
    return c;
}

/* /regex/ or /regex/i starting at *s (a '/' inside is written \/). */
static int parse_regex(parser *p, const char **s, pb_rules_cond *c)
{
    const char *q = rest_of(*s);
    pb_buf re = PB_BUF_INIT;
    char msg[256];
    int flags = REG_EXTENDED | REG_NOSUB, rc;

    if (*q != '/')
        return perr(p, "'matches' needs a /regular expression/");
    for (q++; *q != '/'; q++) {
        if (*q == '\0') {
            pb_buf_clear(&re);
            return perr(p, "a /regular expression/ is not closed with '/'");
        }
        if (*q == '\\' && q[1] == '/')
            q++;
        pb_buf_putc(&re, *q);
    }
    q++;
    if (*q == 'i') {
        c->icase = true;
        flags |= REG_ICASE;
        q++;
    }
    if (*q != '\0' && !is_blank(*q)) {
        pb_buf_clear(&re);
        return perr(p,
                    "unexpected '%c' after a /regular expression/ (only "
                    "i may follow it)",
                    *q);
    }
    c->value = pb_xstrdup(pb_buf_str(&re));
    pb_buf_clear(&re);
    rc = regcomp(&c->re, c->value, flags);
    if (rc != 0) {
        regerror(rc, &c->re, msg, sizeof msg);
        return perr(p, "bad regular expression /%s/: %s", c->value, msg);
    }
    c->op = PB_COND_MATCHES;
    *s = q;
    return PB_OK;
}

/* if COND [and COND]... ; COND = FIELD [not] is|starts|contains|matches
 * VALUE, or FIELD is not VALUE. */
static int parse_if(parser *p, const char *s)
{
    pb_rules *r = p->r;
    pb_rules_rule *rule;
    pb_buf w = PB_BUF_INIT;
    int rc = PB_OK;

    r->rules = pb_xrealloc(r->rules, (r->nrules + 1) * sizeof *r->rules);
    rule = &r->rules[r->nrules];
    memset(rule, 0, sizeof *rule);
    rule->loc = here(p);
    p->rule = (long)r->nrules++;
    for (;;) {
        pb_rules_cond *c = cond_new(rule);

        c->loc = here(p);
        if ((rc = next_word(p, &s, &w, NULL)) == 0)
            rc = perr(p, "'if' needs FIELD is|starts|contains|matches "
                         "VALUE");
        if (rc < 0)
            break;
        c->slot = slot_of(p, pb_buf_str(&w));
        if ((rc = next_word(p, &s, &w, NULL)) == 1 &&
            strcmp(w.data, "not") == 0) {
            c->negate = true;
            rc = next_word(p, &s, &w, NULL);
        }
        if (rc == 0)
            rc = perr(p,
                      "the condition on '%s' needs an operator (is, "
                      "is not, starts, contains, matches)",
                      r->fields[c->slot].name);
        if (rc < 0)
            break;
        if (strcmp(w.data, "is") == 0) {
            const char *save = s;

            c->op = PB_COND_IS;
            if (next_word(p, &s, &w, NULL) == 1 && strcmp(w.data, "not") == 0)
                c->negate = !c->negate;
            else
                s = save;
        } else if (strcmp(w.data, "starts") == 0) {
            c->op = PB_COND_STARTS;
        } else if (strcmp(w.data, "contains") == 0) {
            c->op = PB_COND_CONTAINS;
        } else if (strcmp(w.data, "matches") == 0) {
            if ((rc = parse_regex(p, &s, c)) != PB_OK)
                break;
        } else {
            rc = perr(p,
                      "'%s' is not an operator (use is, is not, starts, "
                      "contains, matches)",
                      w.data);
            break;
        }
        if (c->op != PB_COND_MATCHES) {
            if ((rc = next_word(p, &s, &w, NULL)) == 0)
                rc = perr(p, "the condition on '%s' needs a value",
                          r->fields[c->slot].name);
            if (rc < 0)
                break;
            c->value = pb_xstrdup(pb_buf_str(&w));
        }
        if ((rc = next_word(p, &s, &w, NULL)) == 0)
            break;
        if (rc < 0)
            break;
        if (strcmp(w.data, "and") != 0) {
            rc = perr(p,
                      "unexpected \"%s\" after the condition (join "
                      "conditions with 'and'; quote values that contain "
                      "spaces)",
                      w.data);
            break;
        }
    }
    pb_buf_clear(&w);
    return rc < 0 ? rc : PB_OK;
}

/* ---- xml paths --------------------------------------------------------- */

static bool ns_declared(const pb_rules *r, const char *prefix)
{
    size_t i;

    for (i = 0; i < r->nns; i++) {
        if (strcmp(r->ns[i].prefix, prefix) == 0)
            return true;
    }
    return false;
}

static bool ncname(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (i = 1; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' &&
            s[i] != '.')
            return false;
    }
    return true;
}

static int parse_path(parser *p, const char *dir, const char *s,
                      pb_rules_path *out)
{
    pb_rules_path path;
    int rc;

    if (*s == '\0')
        return perr(p, "'%s' needs a path such as /Document/Stmt/Ntry", dir);
    if ((rc = claim(p, dir)) < 0)
        return rc;
    memset(&path, 0, sizeof path);
    path.text = pb_xstrdup(s);
    path.loc = here(p);
    if (*s != '/') {
        path_free(&path);
        return perr(p,
                    "'%s' must start with / (from the root) or // "
                    "(anywhere)",
                    dir);
    }
    while (*s != '\0') {
        pb_path_step *st;
        const char *name, *colon;
        size_t n;

        path.steps = pb_xrealloc(path.steps, (path.n + 1) * sizeof *st);
        st = &path.steps[path.n++];
        memset(st, 0, sizeof *st);
        if (s[0] == '/' && s[1] == '/') {
            st->descendant = true;
            s += 2;
        } else if (s[0] == '/') {
            s++;
        }
        name = s;
        while (*s != '\0' && *s != '/')
            s++;
        n = (size_t)(s - name);
        colon = memchr(name, ':', n);
        if (colon != NULL) {
            st->prefix = pb_xstrndup(name, (size_t)(colon - name));
            n -= (size_t)(colon - name) + 1;
            name = colon + 1;
        }
        st->local = pb_xstrndup(name, n);
        if ((st->prefix != NULL && !ncname(st->prefix, strlen(st->prefix))) ||
            !(strcmp(st->local, "*") == 0 || ncname(st->local, n))) {
            rc = perr(p,
                      "'%s' must be a path of element names (/a/b, //b, "
                      "prefix:name, *); predicates, attributes and "
                      "functions belong in field XPaths",
                      dir);
            path_free(&path);
            return rc;
        }
        if (st->prefix != NULL && !ns_declared(p->r, st->prefix)) {
            rc = perr(p,
                      "namespace prefix '%s' is not declared (add "
                      "'namespace %s URI' before it)",
                      st->prefix, st->prefix);
            path_free(&path);
            return rc;
        }
    }
    path_free(out);
    *out = path;
    return PB_OK;
}

static int check_xpath(parser *p, const char *expr)
{
    pb_error xe;

    if (pb_xml_xpath_check(expr, &xe) == PB_OK)
        return PB_OK;
    return perr(p, "%s", xe.msg);
}

/* ---- directives -------------------------------------------------------- */

static int need_reader(parser *p, const char *dir, pb_rules_reader want)
{
    if (p->r->reader == PB_READER_NONE)
        return perr(p, "give 'reader csv' or 'reader xml' before '%s'", dir);
    if (p->r->reader != want)
        return perr(p, "'%s' applies to %s readers only", dir,
                    want == PB_READER_CSV ? "csv" : "xml");
    return PB_OK;
}

static int no_value(parser *p, const char *dir, const char *s)
{
    if (*s != '\0')
        return perr(p, "'%s' takes no value", dir);
    return PB_OK;
}

static int parse_field(parser *p, const char *dir, const char *s, bool optional)
{
    pb_rules *r = p->r;
    pb_buf w = PB_BUF_INIT;
    pb_rules_field *f;
    char key[200];
    int rc, slot;

    if ((rc = need_reader(p, dir,
                          r->reader == PB_READER_XML ? PB_READER_XML
                                                     : PB_READER_CSV)) != PB_OK)
        return rc;
    rc = next_word(p, &s, &w, NULL);
    s = rest_of(s);
    if (rc >= 0 && (rc == 0 || *s != '=' || *rest_of(s + 1) == '\0'))
        rc = perr(p, "'%s' needs NAME = %s", dir,
                  r->reader == PB_READER_XML ? "XPATH" : "HEADER | HEADER ...");
    if (rc >= 0 && !valid_name(w.data))
        rc = perr(p, "'%s' is not a field name (letters, digits, _ - .)",
                  w.data);
    if (rc < 0)
        goto done;
    snprintf(key, sizeof key, "field %s", w.data);
    if ((rc = claim(p, key)) < 0)
        goto done;
    s = rest_of(s + 1);
    slot = slot_of(p, w.data);
    f = &r->fields[slot];
    f->declared = true;
    f->optional = optional;
    f->loc = here(p);
    strv_free(f->synonyms);
    f->synonyms = NULL;
    free(f->xpath);
    f->xpath = NULL;
    if (r->reader == PB_READER_XML) {
        if ((rc = check_xpath(p, s)) != PB_OK)
            goto done;
        f->xpath = pb_xstrdup(s);
        f->synonyms = strv_add(NULL, f->name, strlen(f->name));
    } else {
        while (rc >= 0) {
            const char *bar = strchr(s, '|');
            const char *end = bar != NULL ? bar : s + strlen(s);
            const char *a = s, *b = end;

            while (a < b && is_blank(*a))
                a++;
            while (b > a && is_blank(b[-1]))
                b--;
            if (a == b) {
                rc = perr(p, "'%s %s': a header name between '|' is empty", dir,
                          f->name);
                break;
            }
            f->synonyms = strv_add(f->synonyms, a, (size_t)(b - a));
            if (bar == NULL)
                break;
            s = bar + 1;
        }
    }
    rc = rc < 0 ? rc : PB_OK;
done:
    pb_buf_clear(&w);
    return rc;
}

static int parse_codes(parser *p, const char *dir, const char *s, char ***out)
{
    pb_buf w = PB_BUF_INIT;
    int rc;

    if ((rc = need_reader(p, dir, PB_READER_XML)) != PB_OK)
        return rc;
    if ((rc = claim(p, dir)) < 0)
        return rc;
    strv_free(*out);
    *out = NULL;
    while ((rc = next_word(p, &s, &w, NULL)) == 1)
        *out = strv_add(*out, w.data, w.len);
    pb_buf_clear(&w);
    if (rc == 0 && *out == NULL)
        rc =
            perr(p, "'%s' needs at least one balance type code (OPBD...)", dir);
    return rc < 0 ? rc : PB_OK;
}

static int parse_date(parser *p, const char *s)
{
    static const struct {
        const char *name;
        pb_rules_date f;
    } formats[] = {
        {"yyyy-mm-dd", PB_RDATE_ISO},   {"iso", PB_RDATE_ISO},
        {"dd/mm/yyyy", PB_RDATE_DMY},   {"dd-mon-yy", PB_RDATE_DMON},
        {"dd-mon-yyyy", PB_RDATE_DMON}, {"yyyymmdd", PB_RDATE_YMD},
        {"yyyypp", PB_RDATE_YYYYPP},    {"yyyymm", PB_RDATE_YYYYMM},
        {"mon-yy", PB_RDATE_MON_YY},    {"auto", PB_RDATE_AUTO},
    };
    pb_buf w = PB_BUF_INIT, fmt = PB_BUF_INIT;
    size_t i;
    int rc, slot = -1;

    rc = next_word(p, &s, &w, NULL);
    if (rc == 1)
        rc = next_word(p, &s, &fmt, NULL);
    if (rc == 0 || (rc == 1 && *rest_of(s) != '\0'))
        rc = perr(p, "'date' needs FIELD FORMAT (e.g. date posted "
                     "dd/mm/yyyy)");
    if (rc == 1)
        rc = claim(p, "date");
    if (rc >= 0)
        rc = field_word(p, w.data, "'date'", &slot);
    for (i = 0; rc == PB_OK && i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(fmt.data, formats[i].name) == 0) {
            p->r->date_slot = slot;
            p->r->date_format = formats[i].f;
            break;
        }
    }
    if (rc == PB_OK && i == sizeof formats / sizeof formats[0])
        rc = perr(p,
                  "'%s' is not a date format (use dd/mm/yyyy, "
                  "yyyy-mm-dd, dd-mon-yy, yyyymmdd, yyyypp, yyyymm, "
                  "mon-yy or auto)",
                  fmt.data);
    pb_buf_clear(&w);
    pb_buf_clear(&fmt);
    return rc < 0 ? rc : PB_OK;
}

static char **split_values(const char *s)
{
    char **v = NULL;

    while (*s != '\0') {
        const char *comma = strchr(s, ',');
        const char *end = comma != NULL ? comma : s + strlen(s);

        if (end > s)
            v = strv_add(v, s, (size_t)(end - s));
        s = comma != NULL ? comma + 1 : end;
    }
    return v;
}

/* amount FIELD [add=F] | amount debit=F credit=F [add=F] |
 * amount FIELD flag=F positive=A,B negative=C,D [add=F] */
static int parse_amount(parser *p, const char *s)
{
    pb_rules *r = p->r;
    pb_buf w = PB_BUF_INIT;
    int rc, n = 0, slot;
    int amount = -1, debit = -1, credit = -1, flag = -1, add = -1;
    char **pos = NULL, **neg = NULL;

    if ((rc = claim(p, "amount")) < 0)
        return rc;
    while ((rc = next_word(p, &s, &w, NULL)) == 1) {
        const char *eq = strchr(w.data, '=');
        const char *v = eq != NULL ? eq + 1 : NULL;
        size_t kn = eq != NULL ? (size_t)(eq - w.data) : 0;

        n++;
        if (eq == NULL && n == 1) {
            amount = slot_of(p, w.data);
            continue;
        }
        if (eq == NULL || *v == '\0') {
            rc = perr(p, "'amount' options are NAME=VALUE, not \"%s\"", w.data);
            break;
        }
#define OPT(name) (kn == sizeof name - 1 && strncmp(w.data, name, kn) == 0)
        if (OPT("debit") || OPT("credit") || OPT("flag") || OPT("add")) {
            slot = slot_of(p, v);
            if (OPT("debit"))
                debit = slot;
            else if (OPT("credit"))
                credit = slot;
            else if (OPT("flag"))
                flag = slot;
            else
                add = slot;
        } else if (OPT("positive")) {
            strv_free(pos);
            pos = split_values(v);
        } else if (OPT("negative")) {
            strv_free(neg);
            neg = split_values(v);
        } else {
            rc = perr(p,
                      "'%.*s' is not an amount option (use debit=, "
                      "credit=, flag=, positive=, negative=, add=)",
                      (int)kn, w.data);
            break;
        }
#undef OPT
    }
    pb_buf_clear(&w);
    if (rc < 0)
        goto fail;
    if (amount < 0 && debit < 0 && credit < 0)
        rc = perr(p, "'amount' needs FIELD, or debit=FIELD credit=FIELD, "
                     "or FIELD flag=FIELD positive=... negative=...");
    else if ((debit >= 0) != (credit >= 0))
        rc = perr(p, "'amount' needs both debit= and credit=");
    else if (debit >= 0 && (amount >= 0 || flag >= 0))
        rc = perr(p, "'amount' takes either one column (with an optional "
                     "flag) or debit= and credit=, not both");
    else if (flag >= 0 && (pos == NULL || neg == NULL))
        rc = perr(p, "'amount ... flag=' needs positive=VALUES and "
                     "negative=VALUES");
    else if (flag < 0 && (pos != NULL || neg != NULL))
        rc = perr(p, "positive= and negative= need flag=");
    if (rc < 0)
        goto fail;
    r->amount_mode = debit >= 0  ? PB_RAMOUNT_DEBIT_CREDIT
                     : flag >= 0 ? PB_RAMOUNT_FLAG
                                 : PB_RAMOUNT_SIGNED;
    r->amount_slot = amount;
    r->debit_slot = debit;
    r->credit_slot = credit;
    r->flag_slot = flag;
    r->add_slot = add;
    strv_free(r->positive);
    strv_free(r->negative);
    r->positive = pos;
    r->negative = neg;
    return PB_OK;
fail:
    strv_free(pos);
    strv_free(neg);
    return rc;
}

static int parse_preset(parser *p, const char *s);

static int directive(parser *p, const char *dir, const char *s)
{
    pb_rules *r = p->r;
    pb_buf w = PB_BUF_INIT;
    int rc = PB_OK;

    if (strcmp(dir, "preset") == 0) {
        rc = parse_preset(p, s);
    } else if (strcmp(dir, "reader") == 0) {
        if ((rc = claim(p, dir)) < 0)
            goto done;
        if (strcmp(s, "csv") == 0)
            r->reader = PB_READER_CSV;
        else if (strcmp(s, "xml") == 0)
            r->reader = PB_READER_XML;
        else
            rc = perr(p, "'reader' must be csv or xml, not \"%s\"", s);
    } else if (strcmp(dir, "delimiter") == 0) {
        static const struct {
            const char *name;
            char c;
        } names[] = {{"comma", ','},
                     {"semicolon", ';'},
                     {"tab", '\t'},
                     {"pipe", '|'},
                     {"auto", 0}};
        size_t i;

        if ((rc = need_reader(p, dir, PB_READER_CSV)) != PB_OK ||
            (rc = claim(p, dir)) < 0)
            goto done;
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (strcmp(s, names[i].name) == 0) {
                r->delimiter = names[i].c;
                goto done;
            }
        }
        if (strlen(s) == 1 && (unsigned char)s[0] < 0x80 && s[0] != '"' &&
            s[0] != '#')
            r->delimiter = s[0];
        else
            rc = perr(p, "'delimiter' must be one character or comma, "
                         "semicolon, tab, pipe or auto");
    } else if (strcmp(dir, "encoding") == 0) {
        pb_error ee;

        if ((rc = need_reader(p, dir, PB_READER_CSV)) != PB_OK ||
            (rc = claim(p, dir)) < 0)
            goto done;
        if (pb_text_encoding_parse(&r->encoding, s, &ee) != PB_OK)
            rc = perr(p, "%s", ee.msg);
    } else if (strcmp(dir, "skip") == 0) {
        char *end;
        long n = strtol(s, &end, 10);

        if ((rc = need_reader(p, dir, PB_READER_CSV)) != PB_OK ||
            (rc = claim(p, dir)) < 0)
            goto done;
        if (*s == '\0' || *end != '\0' || n < 0 || n > 1000 ||
            !isdigit((unsigned char)*s))
            rc = perr(p, "'skip' takes a number of lines from 0 to 1000");
        else
            r->skip = n;
    } else if (strcmp(dir, "header") == 0) {
        if ((rc = need_reader(p, dir, PB_READER_CSV)) != PB_OK ||
            (rc = claim(p, dir)) < 0)
            goto done;
        if (strcmp(s, "yes") == 0)
            r->header = PB_HEADER_YES;
        else if (strcmp(s, "no") == 0)
            r->header = PB_HEADER_NO;
        else if (strcmp(s, "auto") == 0)
            r->header = PB_HEADER_AUTO;
        else
            rc = perr(p, "'header' must be yes, no or auto");
    } else if (strcmp(dir, "columns") == 0) {
        if ((rc = need_reader(p, dir, PB_READER_CSV)) != PB_OK ||
            (rc = claim(p, dir)) < 0)
            goto done;
        strv_free(r->columns);
        r->columns = NULL;
        r->ncolumns = 0;
        while (rc >= 0) {
            const char *comma = strchr(s, ',');
            const char *end = comma != NULL ? comma : s + strlen(s);
            const char *a = s, *b = end;

            while (a < b && is_blank(*a))
                a++;
            while (b > a && is_blank(b[-1]))
                b--;
            if (a == b) {
                rc = perr(p, "'columns' needs names separated by commas, "
                             "none empty");
                break;
            }
            r->columns = strv_add(r->columns, a, (size_t)(b - a));
            r->ncolumns++;
            if (comma == NULL)
                break;
            s = comma + 1;
        }
    } else if (strcmp(dir, "field") == 0) {
        rc = parse_field(p, dir, s, false);
    } else if (strcmp(dir, "optional-field") == 0) {
        rc = parse_field(p, dir, s, true);
    } else if (strcmp(dir, "namespace") == 0) {
        char key[200];
        size_t i;

        if ((rc = need_reader(p, dir, PB_READER_XML)) != PB_OK)
            goto done;
        rc = next_word(p, &s, &w, NULL);
        if (rc >= 0 && (rc == 0 || *rest_of(s) == '\0'))
            rc = perr(p, "'namespace' needs PREFIX URI");
        if (rc >= 0 && !ncname(w.data, w.len))
            rc = perr(p, "'%s' is not a namespace prefix", w.data);
        if (rc < 0)
            goto done;
        snprintf(key, sizeof key, "namespace %s", w.data);
        if ((rc = claim(p, key)) < 0)
            goto done;
        for (i = 0; i < r->nns && strcmp(r->ns[i].prefix, w.data) != 0; i++)
            ;
        if (i == r->nns) {
            r->ns = pb_xrealloc(r->ns, (r->nns + 1) * sizeof *r->ns);
            r->ns[r->nns].prefix = pb_xstrdup(w.data);
            r->nns++;
        } else {
            free(r->ns[i].uri);
        }
        r->ns[i].uri = pb_xstrdup(rest_of(s));
        rc = PB_OK;
    } else if (strcmp(dir, "record") == 0 || strcmp(dir, "statement") == 0 ||
               strcmp(dir, "balance") == 0) {
        pb_rules_path *path = dir[0] == 'r'   ? &r->record
                              : dir[0] == 's' ? &r->statement
                                              : &r->balance;

        if ((rc = need_reader(p, dir, PB_READER_XML)) == PB_OK)
            rc = parse_path(p, dir, s, path);
    } else if (strncmp(dir, "balance-", 8) == 0 &&
               (strcmp(dir + 8, "type") == 0 ||
                strcmp(dir + 8, "amount") == 0 ||
                strcmp(dir + 8, "flag") == 0)) {
        int k = dir[8] == 't'   ? PB_BAL_TYPE
                : dir[8] == 'a' ? PB_BAL_AMOUNT
                                : PB_BAL_FLAG;

        if ((rc = need_reader(p, dir, PB_READER_XML)) != PB_OK)
            goto done;
        if (*s != '=' || *rest_of(s + 1) == '\0') {
            rc = perr(p, "'%s' needs = XPATH", dir);
            goto done;
        }
        s = rest_of(s + 1);
        if ((rc = claim(p, dir)) < 0 || (rc = check_xpath(p, s)) != PB_OK)
            goto done;
        free(r->balance_xpath[k]);
        r->balance_xpath[k] = pb_xstrdup(s);
        r->balance_loc[k] = here(p);
    } else if (strcmp(dir, "opening-balance") == 0) {
        rc = parse_codes(p, dir, s, &r->opening);
    } else if (strcmp(dir, "closing-balance") == 0) {
        rc = parse_codes(p, dir, s, &r->closing);
    } else if (strcmp(dir, "source") == 0) {
        size_t i, n = strlen(s);

        for (i = 0; i < n; i++) {
            if (!isalnum((unsigned char)s[i]) && strchr("._:/-", s[i]) == NULL)
                break;
        }
        if (n == 0 || n > SOURCE_MAX || i < n) {
            rc = perr(p,
                      "'source' must be 1-%d characters from letters, "
                      "digits and . _ : / -",
                      SOURCE_MAX);
            goto done;
        }
        if ((rc = claim(p, dir)) < 0)
            goto done;
        free(r->source);
        r->source = pb_xstrdup(s);
        rc = PB_OK;
    } else if (strcmp(dir, "date") == 0) {
        rc = parse_date(p, s);
    } else if (strcmp(dir, "amount") == 0) {
        rc = parse_amount(p, s);
    } else if (strcmp(dir, "decimal-comma") == 0) {
        if ((rc = no_value(p, dir, s)) == PB_OK && (rc = claim(p, dir)) >= 0)
            r->number.decimal_comma = true;
    } else if (strcmp(dir, "sign") == 0) {
        if ((rc = claim(p, dir)) < 0)
            goto done;
        if (strcmp(s, "debit") == 0 || strcmp(s, "spend") == 0)
            r->sign = 1;
        else if (strcmp(s, "credit") == 0 || strcmp(s, "receipt") == 0)
            r->sign = -1;
        else
            rc = perr(p, "'sign' must be debit (or spend) or credit (or "
                         "receipt)");
    } else if (strcmp(dir, "description") == 0) {
        rc = set_tpl(p, dir, s, &r->description);
    } else if (strcmp(dir, "reference") == 0) {
        rc = set_tpl(p, dir, s, &r->reference);
    } else if (strcmp(dir, "memo") == 0) {
        rc = set_tpl(p, dir, s, &r->memo);
    } else if (strcmp(dir, "source-ref") == 0) {
        r->source_ref_none = strcmp(s, "none") == 0;
        if (r->source_ref_none) {
            if ((rc = claim(p, dir)) >= 0)
                tpl_free(&r->source_ref);
        } else {
            rc = set_tpl(p, dir, s, &r->source_ref);
        }
    } else if (strcmp(dir, "group-by") == 0) {
        if (strcmp(s, "none") == 0) {
            if ((rc = claim(p, dir)) >= 0)
                tpl_free(&r->group_by);
        } else {
            rc = set_tpl(p, dir, s, &r->group_by);
        }
    } else if (strcmp(dir, "account") == 0 || strcmp(dir, "contra") == 0) {
        rc = parse_account(p, s, dir[0] == 'c');
    } else if (strcmp(dir, "stream") == 0 || strcmp(dir, "scheme") == 0 ||
               strcmp(dir, "partner") == 0 || strcmp(dir, "cc") == 0) {
        rc = parse_dim(p, dir, s);
    } else if (strcmp(dir, "tag") == 0) {
        rc = parse_tag(p, s);
    } else if (strcmp(dir, "suspense") == 0) {
        if ((rc = next_word(p, &s, &w, NULL)) < 0)
            goto done;
        if (rc == 0 || w.len == 0 || *rest_of(s) != '\0') {
            rc = perr(p, "'suspense' needs one account code or name (quote "
                         "a name with spaces)");
            goto done;
        }
        if ((rc = claim(p, dir)) < 0)
            goto done;
        free(r->suspense);
        r->suspense = pb_xstrdup(w.data);
        rc = PB_OK;
    } else if (strcmp(dir, "strict") == 0) {
        if ((rc = no_value(p, dir, s)) == PB_OK && (rc = claim(p, dir)) >= 0)
            r->strict = true;
    } else if (strcmp(dir, "expect-total") == 0) {
        pb_error ae;

        if ((rc = claim(p, dir)) < 0)
            goto done;
        if (pb_amount_parse(&r->expect_total, s, strlen(s), NULL, &ae) != PB_OK)
            rc = perr(p, "'expect-total': %s", ae.msg);
        else
            r->has_expect_total = true;
    } else if (strcmp(dir, "if") == 0) {
        rc = parse_if(p, s);
    } else {
        pb_suggest sg;
        size_t i;

        pb_suggest_init(&sg, dir);
        for (i = 0; directives[i] != NULL; i++)
            pb_suggest_add(&sg, directives[i]);
        if (pb_suggest_best(&sg) != NULL)
            rc = perr(p, "unknown directive '%s' (did you mean '%s'?)", dir,
                      pb_suggest_best(&sg));
        else
            rc = perr(p, "unknown directive '%s'", dir);
        pb_suggest_clear(&sg);
    }
done:
    pb_buf_clear(&w);
    return rc < 0 ? rc : PB_OK;
}

/* An indented line: an action of the open `if` rule. */
static int action(parser *p, const char *dir, const char *s)
{
    pb_rules_rule *rule = &p->r->rules[p->rule];

    if (strcmp(dir, "account") == 0 || strcmp(dir, "contra") == 0)
        return parse_account(p, s, dir[0] == 'c');
    if (strcmp(dir, "stream") == 0 || strcmp(dir, "scheme") == 0 ||
        strcmp(dir, "partner") == 0 || strcmp(dir, "cc") == 0)
        return parse_dim(p, dir, s);
    if (strcmp(dir, "tag") == 0)
        return parse_tag(p, s);
    if (strcmp(dir, "skip") == 0) {
        pb_rules_action *a;

        if (*s != '\0')
            return perr(p, "'skip' takes no value");
        a = act_new(rule);
        a->kind = PB_ACT_SKIP;
        a->loc = here(p);
        return PB_OK;
    }
    if (strcmp(dir, "refuse") == 0) {
        pb_rules_action *a;
        size_t n = strlen(s);

        if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
            s++;
            n -= 2;
        }
        if (n == 0)
            return perr(p, "'refuse' needs a message");
        a = act_new(rule);
        a->kind = PB_ACT_REFUSE;
        a->loc = here(p);
        {
            char *msg = pb_xstrndup(s, n);
            int rc = tpl_parse(p, msg, &a->value);

            free(msg);
            if (rc != PB_OK)
                a->kind = PB_ACT_SKIP;
            return rc;
        }
    }
    return perr(p,
                "'%s' cannot be used inside an 'if' rule (use account, "
                "contra, stream, scheme, partner, cc, tag, skip or "
                "refuse)",
                dir);
}

/* Ends the open `if` rule, refusing one without actions. */
static int close_rule(parser *p)
{
    pb_rules_rule *rule;

    if (p->rule < 0)
        return PB_OK;
    rule = &p->r->rules[p->rule];
    p->rule = -1;
    if (rule->nacts == 0) {
        p->line = rule->loc.line;
        return perr(p, "this 'if' rule has no actions (indent them on the "
                       "lines below it)");
    }
    return PB_OK;
}

static int parse_text(parser *p, const char *text, size_t len)
{
    const char *line = text, *end = text + len;
    pb_buf buf = PB_BUF_INIT, word = PB_BUF_INIT;
    const char *nul;
    size_t bad;
    int rc = PB_OK;

    p->line = 0;
    p->rule = -1;
    p->directives = 0;
    if (len > RULES_MAX_BYTES) {
        p->line = 0;
        return perr(p, "a rules file may be at most 1 MiB");
    }
    nul = memchr(text, '\0', len);
    if (nul != NULL || !pb_text_utf8_valid(text, len, &bad)) {
        if (nul != NULL)
            bad = (size_t)(nul - text);
        p->line = pb_text_line_col(text, bad, NULL);
        return perr(p, "the rules are not UTF-8 text (byte 0x%02X)",
                    (unsigned)(unsigned char)text[bad]);
    }
    pb_sha256_update(p->hash, text, len);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        line += 3;
    while (line < end && rc == PB_OK) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *stop = nl != NULL ? nl : end;
        const char *s, *t;
        bool indented;

        p->line++;
        pb_buf_reset(&buf);
        pb_buf_add(&buf, line, (size_t)(stop - line));
        line = nl != NULL ? nl + 1 : end;
        while (buf.len > 0 && (buf.data[buf.len - 1] == '\r' ||
                               is_blank(buf.data[buf.len - 1])))
            pb_buf_truncate(&buf, buf.len - 1);
        s = pb_buf_str(&buf);
        indented = is_blank(*s);
        s = rest_of(s);
        if (*s == '\0' || *s == '#' || *s == ';')
            continue;
        t = s;
        while (*t != '\0' && !is_blank(*t))
            t++;
        pb_buf_reset(&word);
        pb_buf_add(&word, s, (size_t)(t - s));
        t = rest_of(t);
        if (indented) {
            if (p->rule < 0)
                rc = perr(p, "an indented line must belong to an 'if' rule "
                             "above it");
            else
                rc = action(p, pb_buf_str(&word), t);
            continue;
        }
        if ((rc = close_rule(p)) != PB_OK)
            break;
        rc = directive(p, pb_buf_str(&word), t);
        p->directives++;
    }
    if (rc == PB_OK)
        rc = close_rule(p);
    pb_buf_clear(&buf);
    pb_buf_clear(&word);
    return rc;
}

static int parse_preset(parser *p, const char *s)
{
    const pb_preset *pr;
    parser sub;
    char name[80];
    int rc;

    if (p->directives > 0)
        return perr(p, "'preset' must be the first directive");
    assert(p->r->preset == NULL); /* preset texts never include presets */
    pr = pb_preset_find(s);
    if (pr == NULL) {
        pb_buf list = PB_BUF_INIT;
        pb_suggest sg;
        size_t i;

        pb_suggest_init(&sg, s);
        for (i = 0; pb_preset_at(i) != NULL; i++) {
            pb_buf_printf(&list, "%s%s", i ? ", " : "", pb_preset_at(i)->name);
            pb_suggest_add(&sg, pb_preset_at(i)->name);
        }
        if (pb_suggest_best(&sg) != NULL)
            rc = perr(p, "unknown preset '%s' (did you mean '%s'?)", s,
                      pb_suggest_best(&sg));
        else
            rc = perr(p, "unknown preset '%s' (presets: %s)", s,
                      pb_buf_str(&list));
        pb_suggest_clear(&sg);
        pb_buf_clear(&list);
        p->err->code = PB_ENOTFOUND;
        return PB_ENOTFOUND;
    }
    p->r->preset = pb_xstrdup(pr->name);
    snprintf(name, sizeof name, "preset %s", pr->name);
    p->r->origins = pb_xrealloc(p->r->origins,
                                (p->r->norigins + 1) * sizeof *p->r->origins);
    p->r->origins[p->r->norigins] = pb_xstrdup(name);
    sub = *p;
    sub.origin = (int)p->r->norigins++;
    rc = parse_text(&sub, pr->text, strlen(pr->text));
    /* the seen table may have grown */
    p->seen = sub.seen;
    p->nseen = sub.nseen;
    p->capseen = sub.capseen;
    return rc;
}

/* ---- whole-rules checks ------------------------------------------------ */

static int check_at(parser *p, pb_rules_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int check_at(parser *p, pb_rules_loc loc, const char *fmt, ...)
{
    char msg[PB_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pb_error_set(p->err, PB_EINVAL, "%s", msg);
    pb_error_locate(p->err, p->r->origins[loc.origin], loc.line, 0, NULL);
    return PB_EINVAL;
}

static int finish(parser *p)
{
    pb_rules *r = p->r;
    pb_rules_loc end = {p->main, p->line};
    size_t i, k;

    if (r->reader == PB_READER_NONE)
        return check_at(p, end,
                        "no 'reader' is given (reader csv or "
                        "reader xml)");
    if (r->source == NULL)
        return check_at(p, end,
                        "no 'source' is given (the system the "
                        "export comes from, e.g. source unit4-gl)");
    if (r->date_slot < 0)
        return check_at(p, end, "no 'date' is given (date FIELD FORMAT)");
    if (r->amount_slot < 0 && r->debit_slot < 0)
        return check_at(p, end, "no 'amount' is given");
    if (r->description.n == 0)
        return check_at(p, end,
                        "no 'description' is given (e.g. "
                        "description {supplier})");
    if (r->group_by.n > 0) {
        if (r->source_ref.n > 0 || r->source_ref_none)
            return check_at(p, r->source_ref.n > 0 ? r->source_ref.loc : end,
                            "'source-ref' cannot be used with 'group-by': "
                            "a grouped entry is known by its group");
        for (k = 0; k < r->rules[0].nacts; k++) {
            if (r->rules[0].acts[k].kind == PB_ACT_CONTRA)
                return check_at(p, r->rules[0].acts[k].loc,
                                "'contra' cannot be used with 'group-by': "
                                "the rows of a group balance each other");
        }
    } else {
        bool contra = false;

        if (r->source_ref.n == 0 && !r->source_ref_none)
            return check_at(p, end,
                            "no 'source-ref' is given (the fields that "
                            "identify a row in the source system, e.g. "
                            "source-ref {voucher}/{line}; or source-ref "
                            "none)");
        for (k = 0; k < r->rules[0].nacts; k++)
            contra |= r->rules[0].acts[k].kind == PB_ACT_CONTRA;
        if (!contra)
            return check_at(p, end,
                            "no 'contra' account is given (the "
                            "other side of each row's entry), and "
                            "no 'group-by'");
    }
    if (r->reader == PB_READER_CSV) {
        if (r->header == PB_HEADER_NO && r->ncolumns == 0)
            return check_at(p, end,
                            "'header no' needs 'columns' to name "
                            "the fields");
        if (r->header != PB_HEADER_NO && r->ncolumns > 0)
            return check_at(p, end, "'columns' needs 'header no'");
    } else {
        if (r->record.n == 0)
            return check_at(p, end,
                            "no 'record' path is given (e.g. "
                            "record //Ntry)");
        for (i = 0; i < r->nfields; i++) {
            if (r->fields[i].xpath == NULL)
                return check_at(p, r->fields[i].loc,
                                "field '%s' is used but not declared (an "
                                "xml reader needs 'field %s = XPATH')",
                                r->fields[i].name, r->fields[i].name);
        }
        if (r->balance.n > 0 && (r->balance_xpath[PB_BAL_TYPE] == NULL ||
                                 r->balance_xpath[PB_BAL_AMOUNT] == NULL ||
                                 r->opening == NULL || r->closing == NULL))
            return check_at(p, r->balance.loc,
                            "'balance' needs balance-type, balance-amount, "
                            "opening-balance and closing-balance");
        if (r->balance.n == 0 &&
            (r->statement.n > 0 || r->opening != NULL || r->closing != NULL ||
             r->balance_xpath[PB_BAL_TYPE] != NULL ||
             r->balance_xpath[PB_BAL_AMOUNT] != NULL ||
             r->balance_xpath[PB_BAL_FLAG] != NULL))
            return check_at(p, end,
                            "statement, balance-type, "
                            "balance-amount, balance-flag, "
                            "opening-balance and closing-balance "
                            "need 'balance'");
        if (r->balance_xpath[PB_BAL_FLAG] != NULL &&
            r->amount_mode != PB_RAMOUNT_FLAG)
            return check_at(p, r->balance_loc[PB_BAL_FLAG],
                            "'balance-flag' reads the amount's flag "
                            "values: it needs amount ... flag=");
    }
    return PB_OK;
}

static int parse_into(pb_rules **out, const char *name, const char *text,
                      size_t len, const char *preset, pb_error *err)
{
    pb_rules *r = pb_xcalloc(1, sizeof *r);
    parser p;
    uint8_t digest[PB_SHA256_LEN];
    size_t i;
    int rc;

    *out = NULL;
    memset(&p, 0, sizeof p);
    p.r = r;
    p.err = err;
    p.hash = pb_sha256_new();
    r->origins = pb_xmalloc(sizeof *r->origins);
    r->origins[0] = pb_xstrdup(name);
    r->norigins = 1;
    r->delimiter = ',';
    r->encoding = PB_ENC_AUTO;
    r->date_slot = r->amount_slot = r->debit_slot = r->credit_slot = -1;
    r->flag_slot = r->add_slot = -1;
    r->number.max_scale = PB_MONEY_SCALE;
    r->number.decimal_comma = false;
    r->sign = 1;
    pb_amount_init(&r->expect_total);
    r->rules = pb_xcalloc(1, sizeof *r->rules);
    r->nrules = 1;
    p.main = preset != NULL ? 1 : 0;
    if (preset != NULL)
        rc = parse_preset(&p, preset);
    else
        rc = parse_text(&p, text, len);
    if (rc == PB_OK)
        rc = finish(&p);
    pb_sha256_final(p.hash, digest);
    pb_sha256_hex(digest, r->sha256);
    for (i = 0; i < p.nseen; i++)
        free(p.seen[i].key);
    free(p.seen);
    if (rc != PB_OK) {
        pb_rules_free(r);
        return rc;
    }
    *out = r;
    return PB_OK;
}

int pb_rules_parse(pb_rules **out, const char *name, const char *text,
                   size_t len, pb_error *err)
{
    return parse_into(out, name, text, len, NULL, err);
}

int pb_rules_preset(pb_rules **out, const char *preset, pb_error *err)
{
    int rc = parse_into(out, "--preset", "", 0, preset, err);

    if (rc != PB_OK && err != NULL &&
        strcmp(err->file, "--preset") == 0) { /* name it as the user did */
        err->file[0] = '\0';
        err->line = 0;
    }
    return rc;
}

const char *pb_rules_date_name(pb_rules_date f)
{
    switch (f) {
    case PB_RDATE_ISO:
        return "yyyy-mm-dd";
    case PB_RDATE_DMY:
        return "dd/mm/yyyy";
    case PB_RDATE_DMON:
        return "dd-mon-yy";
    case PB_RDATE_YMD:
        return "yyyymmdd";
    case PB_RDATE_YYYYPP:
        return "yyyypp";
    case PB_RDATE_YYYYMM:
        return "yyyymm";
    case PB_RDATE_MON_YY:
        return "mon-yy";
    case PB_RDATE_AUTO:
        return "auto";
    }
    return "?";
}
