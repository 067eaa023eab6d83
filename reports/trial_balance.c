/*
 * trial_balance.c - `report trial-balance`: every account's balance in
 * its natural column, as at a period or date, with equal totals.
 *
 * Reads the per-period balance cache through pb_balance_each, so the cost
 * is the number of cache rows (accounts x periods x dimension values in
 * range), not the number of postings.  Accounts are few (hundreds), so
 * they are collected, sorted by name segment by segment ("Expenditure"
 * before "Expenditure:Care" before "Expenditure Other", which plain
 * string order would interleave), then laid out, with optional heading
 * and subtotal rows for the first `depth` levels of the names.
 *
 * Invariant: without filters, total debits equal total credits (each
 * entry balances and the cache equals the postings); a difference is
 * reported as corruption, with the table kept for the reader.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "reports/report_int.h"

enum { C_CODE, C_ACCOUNT, C_DEBIT, C_CREDIT };

typedef struct tb_acct {
    char *code, *name;
    pb_amount balance;
} tb_acct;

typedef struct tb_list {
    tb_acct *a;
    size_t n, cap;
} tb_list;

static int collect(const pb_balance_row *r, void *ud)
{
    tb_list *l = ud;
    tb_acct *x;

    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->a = pb_xrealloc(l->a, l->cap * sizeof *l->a);
    }
    x = &l->a[l->n++];
    x->code = pb_xstrdup(r->account_code);
    x->name = pb_xstrdup(r->account_name);
    pb_amount_init(&x->balance);
    pb_amount_set(&x->balance, r->balance);
    return 0;
}

/* Name order, comparing ':'-separated segments one by one. */
static int by_segments(const void *pa, const void *pb)
{
    const char *a = ((const tb_acct *)pa)->name;
    const char *b = ((const tb_acct *)pb)->name;

    for (;;) {
        size_t la = strcspn(a, ":"), lb = strcspn(b, ":");
        size_t m = la < lb ? la : lb;
        int c = memcmp(a, b, m);

        if (c != 0)
            return c;
        if (la != lb)
            return la < lb ? -1 : 1;
        a += la;
        b += lb;
        if (*a == '\0' || *b == '\0')
            return (*a != '\0') - (*b != '\0');
        a++;
        b++;
    }
}

/* Number of ':'-separated segments in name. */
static int segments(const char *name)
{
    int n = 1;

    for (; *name != '\0'; name++)
        n += *name == ':';
    return n;
}

/* Length of the first `level` segments of name. */
static size_t prefix_len(const char *name, int level)
{
    const char *p = name;

    while (level-- > 0) {
        p += strcspn(p, ":");
        if (level > 0 && *p == ':')
            p++;
    }
    return (size_t)(p - name);
}

/* An open group: its name prefix and first row. */
typedef struct tb_group {
    char *prefix;
    size_t first;
} tb_group;

/* Row r's cell in column col: the sum of the group's rows [first, r),
 * left blank when none of them has a figure in that column (a group of
 * income accounts has no debit subtotal, not a "0.00" one). */
static void subtotal(pb_table *t, size_t r, size_t col, size_t first,
                     pb_amount *tmp)
{
    size_t i;

    for (i = first; i < r; i++) {
        if (pb_table_row_kind(t, i) == PB_ROW_DETAIL &&
            !pb_table_is_blank(t, i, col)) {
            pb_table_sum(tmp, t, col, first, r);
            pb_table_set_amount(t, r, col, tmp);
            return;
        }
    }
}

static void close_group(pb_table *t, tb_group *g, int level, pb_amount *tmp)
{
    size_t r = pb_table_add_row(t, PB_ROW_SUBTOTAL, level);
    const char *seg = strrchr(g->prefix, ':');
    pb_buf label = PB_BUF_INIT;

    pb_buf_printf(&label, "Total %s", seg != NULL ? seg + 1 : g->prefix);
    pb_table_set_text(t, r, C_ACCOUNT, pb_buf_str(&label));
    subtotal(t, r, C_DEBIT, g->first, tmp);
    subtotal(t, r, C_CREDIT, g->first, tmp);
    pb_buf_clear(&label);
    free(g->prefix);
    g->prefix = NULL;
}

static void layout(pb_table *t, const tb_list *l, int depth)
{
    tb_group *open = pb_xcalloc((size_t)depth + 1, sizeof *open);
    int nopen = 0, lv;
    pb_amount tmp, mag;
    size_t i, r;

    pb_amount_init(&tmp);
    pb_amount_init(&mag);
    for (i = 0; i < l->n; i++) {
        const tb_acct *a = &l->a[i];
        int want = segments(a->name) - 1; /* groups strictly above it */
        const char *label = a->name;

        if (want > depth)
            want = depth;
        /* Close groups this account is not in, deepest first. */
        for (lv = 0; lv < nopen; lv++) {
            size_t n = strlen(open[lv].prefix);

            if (lv >= want || strncmp(a->name, open[lv].prefix, n) != 0 ||
                a->name[n] != ':')
                break;
        }
        while (nopen > lv) {
            nopen--;
            close_group(t, &open[nopen], nopen, &tmp);
        }
        /* Open the groups it is in that are not open yet. */
        for (; nopen < want; nopen++) {
            size_t n = prefix_len(a->name, nopen + 1);
            const char *seg;

            open[nopen].prefix = pb_xstrndup(a->name, n);
            seg = strrchr(open[nopen].prefix, ':');
            r = pb_table_add_row(t, PB_ROW_HEADING, nopen);
            pb_table_set_text(t, r, C_ACCOUNT,
                              seg != NULL ? seg + 1 : open[nopen].prefix);
            open[nopen].first = r + 1;
        }
        if (nopen > 0)
            label = a->name + strlen(open[nopen - 1].prefix) + 1;
        r = pb_table_add_row(t, PB_ROW_DETAIL, nopen);
        pb_table_set_text(t, r, C_CODE, a->code);
        pb_table_set_text(t, r, C_ACCOUNT, label);
        if (pb_amount_sign(&a->balance) > 0) {
            pb_table_set_amount(t, r, C_DEBIT, &a->balance);
        } else if (pb_amount_sign(&a->balance) < 0) {
            pb_amount_neg(&mag, &a->balance);
            pb_table_set_amount(t, r, C_CREDIT, &mag);
        }
    }
    while (nopen > 0) {
        nopen--;
        close_group(t, &open[nopen], nopen, &tmp);
    }
    free(open);
    pb_amount_clear(&tmp);
    pb_amount_clear(&mag);
}

int pb_report_trial_balance(pb_table **out, pb_book *b, const pb_report_opts *o,
                            pb_error *err)
{
    pb_table *t = pb_table_new("trial-balance", "Trial balance");
    pb_balance_query q;
    pb_report__dims dims;
    tb_list l = {NULL, 0, 0};
    pb_amount dr, cr, diff;
    bool opened = false;
    size_t i, r;
    int rc, k;

    *out = NULL;
    pb_amount_init(&dr);
    pb_amount_init(&cr);
    pb_amount_init(&diff);
    if (o->depth < 0) {
        rc = pb_error_set(err, PB_EUSAGE, "the group depth must be 0 or more");
        goto fail;
    }
    pb_table_add_column(t, "code", "Code", PB_COL_TEXT);
    pb_table_add_column(t, "account", "Account", PB_COL_TEXT);
    pb_table_add_column(t, "debit", "Debit", PB_COL_AMOUNT);
    pb_table_add_column(t, "credit", "Credit", PB_COL_AMOUNT);
    pb_table_set_label_column(t, C_ACCOUNT);
    if ((rc = pb_report__begin(b, &opened, err)) != PB_OK)
        goto fail;
    if ((rc = pb_report__common(t, b, o, &dims, err)) != PB_OK)
        goto fail;
    pb_balance_query_init(&q);
    pb_report__as_at(b, o, &q);
    for (k = 0; k < PB_DIM_COUNT; k++)
        q.filter[k] = dims.id[k];
    if ((rc = pb_balance_each(b, &q, collect, &l, err)) != PB_OK)
        goto fail;
    if (l.n > 1)
        qsort(l.a, l.n, sizeof *l.a, by_segments);
    layout(t, &l, o->depth);
    r = pb_table_row_count(t);
    pb_table_sum(&dr, t, C_DEBIT, 0, r);
    pb_table_sum(&cr, t, C_CREDIT, 0, r);
    r = pb_table_add_row(t, PB_ROW_TOTAL, 0);
    pb_table_set_text(t, r, C_ACCOUNT, "Total");
    pb_table_set_amount(t, r, C_DEBIT, &dr);
    pb_table_set_amount(t, r, C_CREDIT, &cr);
    pb_amount_sub(&diff, &dr, &cr);
    rc = PB_OK;
    if (!pb_amount_is_zero(&diff)) {
        char *d = pb_amount_to_string(&diff);

        if (dims.any) {
            pb_table_add_note(t,
                              "Filtered by dimension: debits minus "
                              "credits is %s (the postings of one entry "
                              "may carry different dimensions).",
                              d);
        } else {
            pb_table_add_note(t,
                              "OUT OF BALANCE: debits minus credits is "
                              "%s; run `poolbook check`.",
                              d);
            rc = pb_error_set(err, PB_ECORRUPT,
                              "the trial balance does not balance: debits "
                              "minus credits is %s",
                              d);
        }
        free(d);
    }
    *out = t;
    t = NULL;
fail:
    if (opened)
        pb_book_rollback(b);
    for (i = 0; i < l.n; i++) {
        free(l.a[i].code);
        free(l.a[i].name);
        pb_amount_clear(&l.a[i].balance);
    }
    free(l.a);
    pb_table_free(t);
    pb_amount_clear(&dr);
    pb_amount_clear(&cr);
    pb_amount_clear(&diff);
    return rc;
}
