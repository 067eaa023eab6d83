/*
 * engine.c - rules applied to records.
 *
 * Per row: one pass over the rules testing conditions (no allocation: the
 * field values are the reader's), remembering the winning action for each
 * setting; then the date, the amount and the winners' templates, each
 * evaluated into a buffer the engine reuses.  A million rows cost a
 * million passes over a handful of conditions and no malloc.
 */
#include "importers/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "importers/import_int.h"
#include "importers/text.h"
#include "ledger/buf.h"

#define NO_DESCRIPTION "(no description)"

struct pb_engine {
    const pb_rules *rules;
    char *file;
    bool xml;
    int fy_start;
    bool strict;
    const char *suspense; /* NULL: unmatched rows are refused */
    pb_mapped m;
    pb_amount amount, posting, part;
    pb_amount total; /* control total */
    pb_buf account, contra, dims[PB_DIM_COUNT], cdims[PB_DIM_COUNT];
    pb_buf description, reference, memo, source_ref, group;
    pb_buf scratch; /* a trimmed field, a message */
    /* tags of the current row */
    const pb_rules_action **tag_acts;
    pb_buf *tag_bufs;
    const char **tag_keys, **tag_values;
    size_t ntag_acts, captags;
    /* the open statement */
    bool has_open, has_close;
    pb_amount open, close, stmt_sum;
};

/* ---- errors -------------------------------------------------------------- */

/* Locates err (already set) at the record; XML messages get "record N: ". */
static int at(pb_engine *e, const pb_record *rec, const char *field, int rc,
              pb_error *err)
{
    if (err == NULL)
        return rc;
    if (e->xml && rec->number > 0) {
        char prefix[48];
        const char *what = rec->kind == PB_RECORD_GROUP_END ? "statement"
                           : rec->kind == PB_RECORD_BALANCE ? "balance"
                                                            : "record";

        snprintf(prefix, sizeof prefix, "%s %ld: ", what, rec->number);
        pb_import__prefix(err, prefix);
    }
    pb_error_locate(err, e->file, rec->line, 0, field);
    return rc;
}

/* ---- life cycle ---------------------------------------------------------- */

int pb_engine_new(pb_engine **out, const pb_rules *rules, const char *file,
                  bool xml, int fy_start, bool strict, pb_error *err)
{
    pb_engine *e;
    size_t i;
    int k;
    bool default_account = false;

    *out = NULL;
    for (i = 0; i < rules->rules[0].nacts; i++)
        default_account |= rules->rules[0].acts[i].kind == PB_ACT_ACCOUNT;
    strict = strict || rules->strict;
    if (!strict && !default_account && rules->suspense == NULL) {
        pb_error_set(err, PB_EINVAL,
                     "the rules name no 'suspense' account for rows that no "
                     "rule matches (add 'suspense ACCOUNT' or a default "
                     "'account', or import with --strict)");
        pb_error_locate(err, rules->origins[0], 0, 0, NULL);
        return PB_EINVAL;
    }
    e = pb_xcalloc(1, sizeof *e);
    e->rules = rules;
    e->file = pb_xstrdup(file);
    e->xml = xml;
    e->fy_start = fy_start;
    e->strict = strict;
    e->suspense = strict ? NULL : rules->suspense;
    pb_amount_init(&e->amount);
    pb_amount_init(&e->posting);
    pb_amount_init(&e->part);
    pb_amount_init(&e->total);
    pb_amount_init(&e->open);
    pb_amount_init(&e->close);
    pb_amount_init(&e->stmt_sum);
    pb_buf_init(&e->account);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        pb_buf_init(&e->dims[k]);
        pb_buf_init(&e->cdims[k]);
    }
    *out = e;
    return PB_OK;
}

void pb_engine_free(pb_engine *e)
{
    size_t i;
    int k;

    if (e == NULL)
        return;
    pb_amount_clear(&e->amount);
    pb_amount_clear(&e->posting);
    pb_amount_clear(&e->part);
    pb_amount_clear(&e->total);
    pb_amount_clear(&e->open);
    pb_amount_clear(&e->close);
    pb_amount_clear(&e->stmt_sum);
    pb_buf_clear(&e->account);
    pb_buf_clear(&e->contra);
    for (k = 0; k < PB_DIM_COUNT; k++) {
        pb_buf_clear(&e->dims[k]);
        pb_buf_clear(&e->cdims[k]);
    }
    pb_buf_clear(&e->description);
    pb_buf_clear(&e->reference);
    pb_buf_clear(&e->memo);
    pb_buf_clear(&e->source_ref);
    pb_buf_clear(&e->group);
    pb_buf_clear(&e->scratch);
    for (i = 0; i < e->captags; i++)
        pb_buf_clear(&e->tag_bufs[i]);
    free(e->tag_acts);
    free(e->tag_bufs);
    free(e->tag_keys);
    free(e->tag_values);
    free(e->file);
    free(e);
}

const pb_amount *pb_engine_total(const pb_engine *e)
{
    return &e->total;
}

/* ---- fields, conditions, templates --------------------------------------- */

static void field(const pb_record *rec, int slot, const char **s, size_t *n)
{
    *s = rec->values[slot];
    *n = rec->lens[slot];
    pb_text_trim(s, n);
}

static bool has_sub(const char *s, size_t n, const char *sub)
{
    size_t m = strlen(sub), i;

    if (m == 0)
        return true;
    for (i = 0; i + m <= n; i++) {
        if (s[i] == sub[0] && memcmp(s + i, sub, m) == 0)
            return true;
    }
    return false;
}

static bool cond_true(pb_engine *e, const pb_rules_cond *c,
                      const pb_record *rec)
{
    const char *s;
    size_t n, m;
    bool yes;

    field(rec, c->slot, &s, &n);
    switch (c->op) {
    case PB_COND_IS:
        m = strlen(c->value);
        yes = n == m && memcmp(s, c->value, n) == 0;
        break;
    case PB_COND_STARTS:
        m = strlen(c->value);
        yes = n >= m && memcmp(s, c->value, m) == 0;
        break;
    case PB_COND_CONTAINS:
        yes = has_sub(s, n, c->value);
        break;
    default:
        if (s[n] != '\0') { /* regexec needs the trimmed text alone */
            pb_buf_reset(&e->scratch);
            pb_buf_add(&e->scratch, s, n);
            s = pb_buf_str(&e->scratch);
        }
        yes = regexec(&c->re, s, 0, NULL, 0) == 0;
        break;
    }
    return yes != c->negate;
}

/* Evaluates t into out: fields trimmed, white space (line ends, tabs,
 * runs of blanks) folded to one space, the whole trimmed. */
static const char *tpl_eval(const pb_template *t, const pb_record *rec,
                            pb_buf *out)
{
    size_t i, j;

    pb_buf_reset(out);
    for (i = 0; i < t->n; i++) {
        const char *s;
        size_t n;

        if (t->parts[i].slot < 0) {
            s = t->parts[i].text;
            n = strlen(s);
        } else {
            field(rec, t->parts[i].slot, &s, &n);
        }
        while (n > 0) {
            /* a run of non-blanks in one copy, then one space */
            for (j = 0; j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' &&
                        s[j] != '\n';
                 j++)
                ;
            pb_buf_add(out, s, j);
            if (j == n)
                break;
            if (out->len > 0 && out->data[out->len - 1] != ' ')
                pb_buf_putc(out, ' ');
            s += j + 1;
            n -= j + 1;
        }
    }
    if (out->len > 0 && out->data[out->len - 1] == ' ')
        pb_buf_truncate(out, out->len - 1);
    return pb_buf_str(out);
}

/* ---- dates --------------------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return n > 0;
}

static int parse_date(pb_engine *e, const char *s, size_t n, pb_date *out,
                      int *period, pb_error *err)
{
    pb_rules_date f = e->rules->date_format;
    char tmp[32];
    size_t i;
    int rc;

    *period = -1;
    if (n == 0)
        return pb_error_set(err, PB_EINVAL, "the date is empty");
    if (f == PB_RDATE_AUTO) {
        bool letters = false;

        for (i = 0; i < n; i++)
            letters |=
                (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z');
        if (letters && !(n > 10 && s[4] == '-' && s[10] == 'T'))
            f = PB_RDATE_DMON;
        else if (n == 8 && all_digits(s, n))
            f = PB_RDATE_YMD;
        else if (n >= 10 && s[4] == '-')
            f = PB_RDATE_ISO;
        else
            f = PB_RDATE_DMY;
    }
    switch (f) {
    case PB_RDATE_ISO:
        if (n > 10 && (s[10] == 'T' || s[10] == ' '))
            n = 10;
        return pb_date_parse(out, s, n, PB_DATE_ISO, err);
    case PB_RDATE_DMY:
        return pb_date_parse(out, s, n, PB_DATE_DMY, err);
    case PB_RDATE_DMON:
        return pb_date_parse(out, s, n, PB_DATE_DMON, err);
    case PB_RDATE_YMD:
        return pb_date_parse(out, s, n, PB_DATE_YMD_DIGITS, err);
    case PB_RDATE_YYYYPP:
    case PB_RDATE_YYYYMM: {
        int y, pp;

        if (n != 6 || !all_digits(s, n))
            return pb_error_set(
                err, PB_EINVAL, "\"%.*s\" is not a %s code (six digits)",
                (int)(n < 40 ? n : 40), s,
                f == PB_RDATE_YYYYPP ? "period (YYYYPP)" : "month (YYYYMM)");
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
            (s[3] - '0');
        pp = (s[4] - '0') * 10 + (s[5] - '0');
        if (y < PB_YEAR_MIN || y >= PB_YEAR_MAX)
            return pb_error_set(err, PB_EINVAL,
                                "\"%.6s\": the year is out of range", s);
        if (f == PB_RDATE_YYYYMM) {
            if (pp < 1 || pp > 12)
                return pb_error_set(err, PB_EINVAL,
                                    "\"%.6s\": the month must be 01 to 12", s);
            *out = pb_date_from_ymd(y, pp, pb_date_days_in_month(y, pp));
            return PB_OK;
        }
        if (pp > PB_PERIOD_MAX)
            return pb_error_set(err, PB_EINVAL,
                                "\"%.6s\": the period must be 00 to %02d", s,
                                PB_PERIOD_MAX);
        if (pp == 0) {
            *out = pb_fy_first_day(y, e->fy_start);
            *period = 0;
        } else if (pp > 12) {
            *out = pb_fy_last_day(y, e->fy_start);
            *period = pp;
        } else {
            *out = pb_period_last_day(pb_period_make(y, pp), e->fy_start);
        }
        return PB_OK;
    }
    case PB_RDATE_MON_YY: {
        int y, m, d;

        if (n > sizeof tmp - 4)
            return pb_error_set(err, PB_EINVAL,
                                "\"%.*s\" is not a month (MON-YY)", 40, s);
        snprintf(tmp, sizeof tmp, "01-%.*s", (int)n, s);
        rc = pb_date_parse(out, tmp, strlen(tmp), PB_DATE_DMON, NULL);
        if (rc != PB_OK)
            return pb_error_set(err, PB_EINVAL,
                                "\"%.*s\" is not a month (MON-YY, e.g. "
                                "MAR-25)",
                                (int)n, s);
        pb_date_to_ymd(*out, &y, &m, &d);
        *out = pb_date_from_ymd(y, m, pb_date_days_in_month(y, m));
        return PB_OK;
    }
    default:
        break;
    }
    return pb_error_set(err, PB_EINVAL, "unknown date format");
}

/* ---- amounts ------------------------------------------------------------- */

/* Parses field `slot` into out; an empty field is zero when empty_ok. */
static int amount_of(pb_engine *e, const pb_record *rec, int slot,
                     bool empty_ok, pb_amount *out, pb_error *err)
{
    const char *s;
    size_t n;
    int rc;

    field(rec, slot, &s, &n);
    if (n == 0) {
        if (!empty_ok)
            return at(e, rec, e->rules->fields[slot].name,
                      pb_error_set(err, PB_EINVAL, "the amount is empty"), err);
        pb_amount_set_zero(out);
        return PB_OK;
    }
    rc = pb_amount_parse(out, s, n, &e->rules->number, err);
    if (rc != PB_OK)
        return at(e, rec, e->rules->fields[slot].name, rc, err);
    return PB_OK;
}

static bool in_list(char *const *list, const char *s, size_t n)
{
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++) {
        if (pb_text_eq_ci(s, n, list[i]))
            return true;
    }
    return false;
}

static void list_text(pb_buf *out, char *const *list)
{
    size_t i;

    for (i = 0; list != NULL && list[i] != NULL; i++)
        pb_buf_printf(out, "%s%s", i ? ", " : "", list[i]);
}

/* Applies a flag value to out: positive keeps it, negative negates. */
static int apply_flag(pb_engine *e, const pb_record *rec, const char *s,
                      size_t n, const char *fname, pb_amount *out,
                      pb_error *err)
{
    const pb_rules *r = e->rules;

    pb_text_trim(&s, &n);
    if (in_list(r->positive, s, n))
        return PB_OK;
    if (in_list(r->negative, s, n)) {
        pb_amount_neg(out, out);
        return PB_OK;
    }
    pb_buf_reset(&e->scratch);
    pb_buf_printf(&e->scratch, "\"%.*s\" is neither positive (",
                  (int)(n < 40 ? n : 40), s);
    list_text(&e->scratch, r->positive);
    pb_buf_puts(&e->scratch, ") nor negative (");
    list_text(&e->scratch, r->negative);
    pb_buf_puts(&e->scratch, ")");
    pb_error_set(err, PB_EINVAL, "%s", pb_buf_str(&e->scratch));
    return at(e, rec, fname, PB_EINVAL, err);
}

static int read_amount(pb_engine *e, const pb_record *rec, pb_error *err)
{
    const pb_rules *r = e->rules;
    int rc;

    switch (r->amount_mode) {
    case PB_RAMOUNT_SIGNED:
        rc = amount_of(e, rec, r->amount_slot, false, &e->amount, err);
        break;
    case PB_RAMOUNT_DEBIT_CREDIT: {
        const char *d, *c;
        size_t dn, cn;

        field(rec, r->debit_slot, &d, &dn);
        field(rec, r->credit_slot, &c, &cn);
        if (dn == 0 && cn == 0)
            return at(e, rec, r->fields[r->debit_slot].name,
                      pb_error_set(err, PB_EINVAL,
                                   "both the debit and the credit are "
                                   "empty"),
                      err);
        rc = amount_of(e, rec, r->debit_slot, true, &e->amount, err);
        if (rc == PB_OK)
            rc = amount_of(e, rec, r->credit_slot, true, &e->part, err);
        if (rc == PB_OK)
            pb_amount_sub(&e->amount, &e->amount, &e->part);
        break;
    }
    default:
        rc = amount_of(e, rec, r->amount_slot, false, &e->amount, err);
        if (rc == PB_OK)
            rc = apply_flag(e, rec, rec->values[r->flag_slot],
                            rec->lens[r->flag_slot],
                            r->fields[r->flag_slot].name, &e->amount, err);
        break;
    }
    if (rc == PB_OK && r->add_slot >= 0) {
        rc = amount_of(e, rec, r->add_slot, true, &e->part, err);
        if (rc == PB_OK)
            pb_amount_add(&e->amount, &e->amount, &e->part);
    }
    return rc;
}

/* ---- statements ---------------------------------------------------------- */

static int balance_record(pb_engine *e, const pb_record *rec, pb_error *err)
{
    const pb_rules *r = e->rules;
    const char *type = rec->values[PB_BAL_TYPE];
    size_t tn = rec->lens[PB_BAL_TYPE];
    bool opening, closing;
    pb_amount *slot;
    bool *has;
    int rc;

    pb_text_trim(&type, &tn);
    opening = in_list(r->opening, type, tn);
    closing = in_list(r->closing, type, tn);
    if (!opening && !closing)
        return PB_OK; /* interim and available balances */
    rc = pb_amount_parse(&e->part, rec->values[PB_BAL_AMOUNT],
                         rec->lens[PB_BAL_AMOUNT], &r->number, err);
    if (rc != PB_OK)
        return at(e, rec, "balance-amount", rc, err);
    if (r->balance_xpath[PB_BAL_FLAG] != NULL &&
        (rc = apply_flag(e, rec, rec->values[PB_BAL_FLAG],
                         rec->lens[PB_BAL_FLAG], "balance-flag", &e->part,
                         err)) != PB_OK)
        return rc;
    slot = opening ? &e->open : &e->close;
    has = opening ? &e->has_open : &e->has_close;
    if (*has && pb_amount_cmp(slot, &e->part) != 0)
        return at(e, rec, "balance-type",
                  pb_error_set(err, PB_EINVAL,
                               "the statement has two different %s "
                               "balances",
                               opening ? "opening" : "closing"),
                  err);
    pb_amount_set(slot, &e->part);
    *has = true;
    return PB_OK;
}

static int statement_end(pb_engine *e, const pb_record *rec, pb_error *err)
{
    const pb_rules *r = e->rules;
    pb_buf a = PB_BUF_INIT, b = PB_BUF_INIT, c = PB_BUF_INIT;
    pb_buf d = PB_BUF_INIT, f = PB_BUF_INIT;
    int rc = PB_OK;

    if (r->balance.n == 0)
        return PB_OK;
    if (!e->has_open || !e->has_close) {
        pb_buf_reset(&e->scratch);
        list_text(&e->scratch, e->has_open ? r->closing : r->opening);
        rc = pb_error_set(
            err, PB_EINVAL, "no %s balance (%s) to check the entries against",
            e->has_open ? "closing" : "opening", pb_buf_str(&e->scratch));
        return at(e, rec, NULL, rc, err);
    }
    pb_amount_add(&e->part, &e->open, &e->stmt_sum);
    if (pb_amount_cmp(&e->part, &e->close) != 0) {
        pb_amount_format_grouped(&a, &e->open);
        pb_amount_format_grouped(&b, &e->stmt_sum);
        pb_amount_format_grouped(&c, &e->part);
        pb_amount_format_grouped(&d, &e->close);
        pb_amount_sub(&e->part, &e->part, &e->close);
        pb_amount_format_grouped(&f, &e->part);
        rc = pb_error_set(err, PB_EINVAL,
                          "the entries do not reconcile with the balances: "
                          "opening %s + entries %s = %s, but the closing "
                          "balance is %s (difference %s)",
                          pb_buf_str(&a), pb_buf_str(&b), pb_buf_str(&c),
                          pb_buf_str(&d), pb_buf_str(&f));
        rc = at(e, rec, NULL, rc, err);
    }
    pb_buf_clear(&a);
    pb_buf_clear(&b);
    pb_buf_clear(&c);
    pb_buf_clear(&d);
    pb_buf_clear(&f);
    e->has_open = e->has_close = false;
    pb_amount_set_zero(&e->stmt_sum);
    return rc;
}

/* ---- rows ---------------------------------------------------------------- */

static void tags_reserve(pb_engine *e, size_t n)
{
    size_t i;

    if (n <= e->captags)
        return;
    e->tag_acts = pb_xrealloc(e->tag_acts, n * sizeof *e->tag_acts);
    e->tag_bufs = pb_xrealloc(e->tag_bufs, n * sizeof *e->tag_bufs);
    e->tag_keys = pb_xrealloc(e->tag_keys, n * sizeof *e->tag_keys);
    e->tag_values = pb_xrealloc(e->tag_values, n * sizeof *e->tag_values);
    for (i = e->captags; i < n; i++)
        pb_buf_init(&e->tag_bufs[i]);
    e->captags = n;
}

int pb_engine_map(pb_engine *e, const pb_record *rec, const pb_mapped **out,
                  pb_error *err)
{
    const pb_rules *r = e->rules;
    const pb_rules_action *account = NULL, *contra = NULL, *refuse = NULL;
    const pb_rules_action *dims[PB_DIM_COUNT] = {NULL};
    const pb_rules_action *cdims[PB_DIM_COUNT] = {NULL};
    pb_mapped *m = &e->m;
    bool skip = false;
    const char *s;
    size_t i, j, n;
    int rc, k;

    *out = m;
    m->kind = PB_MAPPED_NONE;
    m->line = rec->line;
    m->number = rec->number;
    if (rec->kind == PB_RECORD_BALANCE)
        return balance_record(e, rec, err);
    if (rec->kind == PB_RECORD_GROUP_END)
        return statement_end(e, rec, err);

    /* The rules: conditions only; the winners are evaluated below. */
    e->ntag_acts = 0;
    for (i = 0; i < r->nrules; i++) {
        const pb_rules_rule *rule = &r->rules[i];

        for (j = 0; j < rule->nconds; j++) {
            if (!cond_true(e, &rule->conds[j], rec))
                break;
        }
        if (j < rule->nconds)
            continue;
        for (j = 0; j < rule->nacts; j++) {
            const pb_rules_action *a = &rule->acts[j];

            switch (a->kind) {
            case PB_ACT_ACCOUNT:
                account = a;
                break;
            case PB_ACT_CONTRA:
                contra = a;
                break;
            case PB_ACT_DIM:
                dims[a->dim] = a;
                break;
            case PB_ACT_CONTRA_DIM:
                cdims[a->dim] = a;
                break;
            case PB_ACT_SKIP:
                skip = true;
                break;
            case PB_ACT_REFUSE:
                if (refuse == NULL)
                    refuse = a;
                break;
            case PB_ACT_TAG:
                for (k = 0; (size_t)k < e->ntag_acts; k++) {
                    if (strcmp(e->tag_acts[k]->key, a->key) == 0)
                        break;
                }
                tags_reserve(e, e->ntag_acts + 1);
                e->tag_acts[k] = a;
                if ((size_t)k == e->ntag_acts)
                    e->ntag_acts++;
                break;
            }
        }
    }
    if (refuse != NULL) {
        char where[300];

        tpl_eval(&refuse->value, rec, &e->scratch);
        pb_error_set(err, PB_EINVAL, "%s (rule at %s)", pb_buf_str(&e->scratch),
                     pb_rules_where(r, refuse->loc, where, sizeof where));
        return at(e, rec, NULL, PB_EINVAL, err);
    }
    if (skip) {
        m->kind = PB_MAPPED_SKIP;
        return PB_OK;
    }

    /* Date and amount. */
    field(rec, r->date_slot, &s, &n);
    rc = parse_date(e, s, n, &m->date, &m->period, err);
    if (rc != PB_OK)
        return at(e, rec, r->fields[r->date_slot].name, rc, err);
    if ((rc = read_amount(e, rec, err)) != PB_OK)
        return rc;
    pb_amount_add(&e->total, &e->total, &e->amount);
    pb_amount_add(&e->stmt_sum, &e->stmt_sum, &e->amount);
    if (r->sign > 0)
        pb_amount_set(&e->posting, &e->amount);
    else
        pb_amount_neg(&e->posting, &e->amount);
    m->amount = &e->amount;
    m->posting = &e->posting;

    /* The winners' templates. */
    m->matched = account != NULL;
    if (account != NULL) {
        m->account = tpl_eval(&account->value, rec, &e->account);
        if (*m->account == '\0') {
            char where[300];

            pb_error_set(err, PB_EINVAL, "the account (rule at %s) is empty",
                         pb_rules_where(r, account->loc, where, sizeof where));
            return at(e, rec, NULL, PB_EINVAL, err);
        }
    } else if (e->suspense != NULL) {
        m->account = e->suspense;
    } else {
        tpl_eval(&r->description, rec, &e->scratch);
        pb_error_set(err, PB_EINVAL,
                     "no rule gives this row an account (\"%s\"); a strict "
                     "import refuses unmatched rows",
                     pb_buf_str(&e->scratch));
        return at(e, rec, NULL, PB_EINVAL, err);
    }
    for (k = 0; k < PB_DIM_COUNT; k++) {
        m->dims[k] =
            dims[k] != NULL ? tpl_eval(&dims[k]->value, rec, &e->dims[k]) : "";
        m->contra_dims[k] = cdims[k] != NULL
                                ? tpl_eval(&cdims[k]->value, rec, &e->cdims[k])
                                : "";
    }
    m->contra =
        contra != NULL ? tpl_eval(&contra->value, rec, &e->contra) : NULL;
    m->description = tpl_eval(&r->description, rec, &e->description);
    if (*m->description == '\0')
        m->description = NO_DESCRIPTION;
    m->reference = tpl_eval(&r->reference, rec, &e->reference);
    m->memo = tpl_eval(&r->memo, rec, &e->memo);
    m->source_ref = tpl_eval(&r->source_ref, rec, &e->source_ref);
    m->group = tpl_eval(&r->group_by, rec, &e->group);
    if (r->source_ref.n > 0 && *m->source_ref == '\0')
        return at(e, rec, NULL,
                  pb_error_set(err, PB_EINVAL,
                               "the source reference is empty (the rows "
                               "of an export must each have one)"),
                  err);
    if (r->group_by.n > 0 && *m->group == '\0')
        return at(e, rec, NULL,
                  pb_error_set(err, PB_EINVAL, "the group (group-by) is empty"),
                  err);
    m->ntags = 0;
    for (i = 0; i < e->ntag_acts; i++) {
        const char *v = tpl_eval(&e->tag_acts[i]->value, rec, &e->tag_bufs[i]);

        if (*v == '\0')
            continue;
        e->tag_keys[m->ntags] = e->tag_acts[i]->key;
        e->tag_values[m->ntags] = v;
        m->ntags++;
    }
    m->tag_keys = e->tag_keys;
    m->tag_values = e->tag_values;
    m->kind = PB_MAPPED_ROW;
    return PB_OK;
}
