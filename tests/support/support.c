/*
 * support.c - see support.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger/account.h"
#include "ledger/check.h"
#include "ledger/date.h"
#include "ledger/dim.h"

void pbt_env(void)
{
    setenv("POOLBOOK_USER", PBT_USER, 1);
    setenv("POOLBOOK_NOW", PBT_NOW, 1);
    unsetenv("POOLBOOK_BUSY_TIMEOUT");
    unsetenv("POOLBOOK_TODAY");
}

/* ---- paths -------------------------------------------------------------- */

char *pbt_path_new(void)
{
    char dir[] = "/tmp/pbtest-XXXXXX";
    char *path;

    if (mkdtemp(dir) == NULL)
        fail_msg("mkdtemp failed");
    path = malloc(strlen(dir) + sizeof "/book.db");
    assert_non_null(path);
    sprintf(path, "%s/book.db", dir);
    return path;
}

char *pbt_path_sibling(const char *path, const char *suffix)
{
    char *s = malloc(strlen(path) + strlen(suffix) + 1);

    assert_non_null(s);
    sprintf(s, "%s%s", path, suffix);
    return s;
}

void pbt_path_remove(char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char *slash;
    size_t i;

    if (path == NULL)
        return;
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char *f = pbt_path_sibling(path, suffixes[i]);

        unlink(f);
        free(f);
    }
    slash = strrchr(path, '/');
    if (slash != NULL) {
        *slash = '\0';
        /* Tests may leave other files (a second database) next to it. */
        if (rmdir(path) != 0) {
            char cmd[512];

            snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", path);
            if (strncmp(path, "/tmp/pbtest-", 12) == 0 && system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", path);
        }
    }
    free(path);
}

/* ---- the standard book --------------------------------------------------- */

static void must(int rc, const pb_error *err, const char *what)
{
    if (rc != PB_OK)
        fail_msg("%s: %s (%d)", what, err->msg, rc);
}

pb_book *pbt_book_new(char **path_out)
{
    static const struct {
        const char *code, *name;
        pb_account_type type;
    } accounts[] = {
        {"1000", "Assets:Bank", PB_ACCOUNT_ASSET},
        {"1100", "Assets:Debtors", PB_ACCOUNT_ASSET},
        {"2000", "Liabilities:Creditors", PB_ACCOUNT_LIABILITY},
        {"3000", "Equity:Reserves", PB_ACCOUNT_EQUITY},
        {"4000", "Income:Contributions:Council", PB_ACCOUNT_INCOME},
        {"4100", "Income:Contributions:NHS", PB_ACCOUNT_INCOME},
        {"5000", "Expenditure:Reablement", PB_ACCOUNT_EXPENDITURE},
        {"5100", "Expenditure:Care:Homecare", PB_ACCOUNT_EXPENDITURE},
        {"5200", "Expenditure:Care:Residential", PB_ACCOUNT_EXPENDITURE},
        {"9999", "Suspense:Closed", PB_ACCOUNT_ASSET},
    };
    static const struct {
        pb_dim_kind kind;
        const char *code, *name;
    } dims[] = {
        {PB_DIM_STREAM, "BCF", "Better Care Fund"},
        {PB_DIM_STREAM, "IBCF", "Improved Better Care Fund"},
        {PB_DIM_STREAM, "DFG", "Disabled Facilities Grant"},
        {PB_DIM_SCHEME, "S01", "Reablement at home"},
        {PB_DIM_SCHEME, "S02", "Discharge to assess"},
        {PB_DIM_SCHEME, "S03", "Carers support"},
        {PB_DIM_PARTNER, "COUNCIL", "County Council"},
        {PB_DIM_PARTNER, "ICB", "Integrated Care Board"},
    };
    pb_book *b = NULL;
    pb_error err;
    char *path = pbt_path_new();
    size_t i;

    pbt_env();
    pb_error_clear(&err);
    must(pb_book_open(&b, path, PB_BOOK_CREATE, &err), &err, "create");
    must(pb_book_begin(b, &err), &err, "begin");
    for (i = 0; i < sizeof accounts / sizeof accounts[0]; i++)
        must(pb_account_add(b, accounts[i].code, accounts[i].name,
                            accounts[i].type, NULL, &err),
             &err, accounts[i].code);
    for (i = 0; i < sizeof dims / sizeof dims[0]; i++)
        must(pb_dim_add(b, dims[i].kind, dims[i].code, dims[i].name, NULL,
                        &err),
             &err, dims[i].code);
    must(pb_account_close(b, "9999", &err), &err, "close 9999");
    must(pb_book_commit(b, &err), &err, "commit");
    *path_out = path;
    return b;
}

void pbt_book_done(pb_book *b, char *path)
{
    pb_book_close(b);
    pbt_path_remove(path);
}

/* ---- entries from a spec ------------------------------------------------- */

/* Next whitespace-separated word of s[0..n) from *pos, copied to out. */
static bool next_word(const char *s, size_t n, size_t *pos, char *out,
                      size_t outn)
{
    size_t i = *pos, start, len;

    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == n)
        return false;
    start = i;
    while (i < n && s[i] != ' ' && s[i] != '\t')
        i++;
    len = i - start;
    if (len >= outn)
        fail_msg("spec word too long");
    memcpy(out, s + start, len);
    out[len] = '\0';
    *pos = i;
    return true;
}

static void underscores_to_spaces(char *s)
{
    for (; *s != '\0'; s++)
        if (*s == '_')
            *s = ' ';
}

static bool looks_like_amount(const char *w)
{
    return (w[0] >= '0' && w[0] <= '9') || w[0] == '-' || w[0] == '+' ||
           w[0] == '.' || w[0] == '(';
}

static void spec_posting(pb_entry *e, const char *s, size_t n)
{
    char w[256], account[128];
    size_t pos = 0, line;
    pb_amount a;
    bool have_amount = false;

    if (!next_word(s, n, &pos, account, sizeof account))
        fail_msg("empty posting in spec");
    pb_amount_init(&a);
    {
        size_t save = pos;

        if (next_word(s, n, &pos, w, sizeof w) && looks_like_amount(w)) {
            pb_amount_syntax syn = {6, false};

            if (pb_amount_parse(&a, w, strlen(w), &syn, NULL) != PB_OK)
                fail_msg("bad amount \"%s\" in spec", w);
            have_amount = true;
        } else {
            pos = save;
        }
    }
    line = pb_entry_add(e, account, have_amount ? &a : NULL);
    pb_amount_clear(&a);
    while (next_word(s, n, &pos, w, sizeof w)) {
        char *eq = strchr(w, '=');
        pb_dim_kind kind;

        if (eq == NULL)
            fail_msg("spec word \"%s\" is not key=value", w);
        *eq = '\0';
        underscores_to_spaces(eq + 1);
        if (strcmp(w, "memo") == 0)
            pb_entry_set_memo(e, line, eq + 1);
        else if (pb_dim_kind_parse(&kind, w, NULL) == PB_OK)
            pb_entry_set_dim(e, line, kind, eq + 1);
        else
            pb_entry_add_tag(e, line, w, eq + 1);
    }
}

void pbt_entry_spec(pb_entry *e, const char *spec)
{
    const char *p = spec, *semi;
    char date[32];
    size_t i = 0, n;

    pb_entry_reset(e);
    semi = strchr(p, ';');
    n = semi != NULL ? (size_t)(semi - p) : strlen(p);
    while (i < n && p[i] != ' ' && p[i] != '@')
        i++;
    if (i >= sizeof date)
        fail_msg("bad date in spec");
    memcpy(date, p, i);
    date[i] = '\0';
    pb_entry_set_date(e, pbt_date(date));
    if (i < n && p[i] == '@') {
        int num = 0;

        i++;
        if (i < n && (p[i] == 'P' || p[i] == 'p'))
            i++;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            num = num * 10 + (p[i++] - '0');
        pb_entry_set_period(e, num);
    }
    while (i < n && p[i] == ' ')
        i++;
    {
        char *desc = malloc(n - i + 1);

        assert_non_null(desc);
        memcpy(desc, p + i, n - i);
        desc[n - i] = '\0';
        pb_entry_set_description(e, desc);
        free(desc);
    }
    while (semi != NULL) {
        p = semi + 1;
        semi = strchr(p, ';');
        n = semi != NULL ? (size_t)(semi - p) : strlen(p);
        while (n > 0 && *p == ' ') {
            p++;
            n--;
        }
        if (n > 0 && *p == '#') {
            char w[256];
            char *eq;

            if (n >= sizeof w)
                fail_msg("tag too long");
            memcpy(w, p + 1, n - 1);
            w[n - 1] = '\0';
            while (n > 1 && w[strlen(w) - 1] == ' ')
                w[strlen(w) - 1] = '\0';
            eq = strchr(w, '=');
            if (eq == NULL)
                fail_msg("entry tag without '='");
            *eq = '\0';
            underscores_to_spaces(eq + 1);
            if (strcmp(w, "ref") == 0) {
                pb_entry_set_reference(e, eq + 1);
            } else if (strcmp(w, "src") == 0) {
                char *colon = strchr(eq + 1, ':');

                if (colon == NULL)
                    fail_msg("src=SOURCE:ROW");
                *colon = '\0';
                pb_entry_set_source(e, eq + 1, colon + 1);
            } else {
                pb_entry_add_tag(e, 0, w, eq + 1);
            }
            continue;
        }
        spec_posting(e, p, n);
    }
}

int pbt_post(pb_book *b, const char *spec, int64_t *id_out, pb_error *err)
{
    pb_entry *e = pb_entry_new();
    bool own = !pb_book_in_tx(b);
    int rc;

    pbt_entry_spec(e, spec);
    if (own && (rc = pb_book_begin(b, err)) != PB_OK) {
        pb_entry_free(e);
        return rc;
    }
    rc = pb_journal_post(b, e, id_out, err);
    if (own) {
        if (rc == PB_OK)
            rc = pb_book_commit(b, err);
        else
            pb_book_rollback(b);
    }
    pb_entry_free(e);
    return rc;
}

int64_t pbt_post_ok(pb_book *b, const char *spec)
{
    pb_error err;
    int64_t id = 0;
    int rc;

    pb_error_clear(&err);
    rc = pbt_post(b, spec, &id, &err);
    if (rc != PB_OK)
        fail_msg("post \"%s\": %s (%d)", spec, err.msg, rc);
    return id;
}

/* ---- SQL ----------------------------------------------------------------- */

void pbt_exec(pb_book *b, const char *sql)
{
    pb_error err;
    int rc;

    pb_error_clear(&err);
    rc = pb_book_exec(b, sql, &err);
    if (rc != PB_OK)
        fail_msg("%s: %s (%d)", sql, err.msg, rc);
}

int64_t pbt_int(pb_book *b, const char *sql)
{
    pb_error err;
    pb_stmt *st;
    int64_t v = 0;
    int rc;

    pb_error_clear(&err);
    rc = pb_book_prepare(b, &st, sql, &err);
    if (rc != PB_OK)
        fail_msg("%s: %s", sql, err.msg);
    rc = pb_stmt_step(st, &err);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.msg);
    if (rc == PB_ROW)
        v = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    return v;
}

int64_t pbt_entries(pb_book *b)
{
    return pbt_int(b, "SELECT count(*) FROM entry");
}

int64_t pbt_postings(pb_book *b)
{
    return pbt_int(b, "SELECT count(*) FROM posting");
}

/* ---- money --------------------------------------------------------------- */

const char *pbt_amt(const pb_amount *a)
{
    static char buf[128];
    char *s = pb_amount_to_string(a);

    snprintf(buf, sizeof buf, "%s", s);
    free(s);
    return buf;
}

void pbt_amount_set(pb_amount *a, const char *text)
{
    pb_amount_syntax syn = {PB_AMOUNT_MAX_SCALE, false};
    pb_error err;

    if (pb_amount_parse(a, text, strlen(text), &syn, &err) != PB_OK)
        fail_msg("amount \"%s\": %s", text, err.msg);
}

/* ---- the checker ---------------------------------------------------------- */

static void collect(const pb_check_problem *p, void *ud)
{
    pbt_check *c = ud;

    if (c->n < sizeof c->p / sizeof c->p[0]) {
        pbt_problem *q = &c->p[c->n];

        snprintf(q->check, sizeof q->check, "%s", p->check);
        q->entry_id = p->entry_id;
        snprintf(q->detail, sizeof q->detail, "%s", p->detail);
    }
    c->n++;
}

void pbt_check_run(pb_book *b, pbt_check *out)
{
    pb_check_summary sum;
    pb_error err;
    int rc;

    memset(out, 0, sizeof *out);
    pb_error_clear(&err);
    rc = pb_check_run(b, 0, collect, out, &sum, &err);
    if (rc != PB_OK)
        fail_msg("pb_check_run: %s (%d)", err.msg, rc);
    assert_int_equal(sum.problems, out->n);
    out->entries = sum.entries;
    out->postings = sum.postings;
    memcpy(out->head, sum.head, sizeof out->head);
}

int pbt_check_find(const pbt_check *c, const char *check, int64_t id)
{
    size_t i;

    for (i = 0; i < c->n && i < sizeof c->p / sizeof c->p[0]; i++) {
        if (strcmp(c->p[i].check, check) == 0 &&
            (id == 0 || c->p[i].entry_id == id))
            return (int)i;
    }
    return -1;
}

void pbt_assert_clean(pb_book *b)
{
    pbt_check c;
    size_t i;

    pbt_check_run(b, &c);
    for (i = 0; i < c.n && i < sizeof c.p / sizeof c.p[0]; i++)
        print_error("check: %s: entry %lld: %s\n", c.p[i].check,
                    (long long)c.p[i].entry_id, c.p[i].detail);
    assert_int_equal(c.n, 0);
}

/* ---- dates and randomness ------------------------------------------------ */

pb_date pbt_date(const char *iso)
{
    pb_date d;
    pb_error err;

    if (pb_date_parse(&d, iso, strlen(iso), PB_DATE_ISO, &err) != PB_OK)
        fail_msg("date \"%s\": %s", iso, err.msg);
    return d;
}

static uint64_t rng_state;

void pbt_rng_seed(uint64_t seed)
{
    rng_state = seed;
}

uint64_t pbt_rng(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

int64_t pbt_rng_range(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(pbt_rng() % (uint64_t)(hi - lo + 1));
}
