/*
 * account.c - chart of accounts: validation, add, close, lookup.
 */
#include "ledger/account.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ledger/book_int.h"
#include "ledger/dim.h"
#include "ledger/journal_int.h"
#include "ledger/suggest.h"

static const char *const type_names[] = {"asset", "liability", "equity",
                                         "income", "expenditure"};

const char *pb_account_type_name(pb_account_type t)
{
    assert((unsigned)t < 5);
    return type_names[t];
}

int pb_account_type_parse(pb_account_type *out, const char *text,
                          pb_error *err)
{
    int i;

    for (i = 0; i < 5; i++) {
        if (strcasecmp(text, type_names[i]) == 0) {
            *out = (pb_account_type)i;
            return PB_OK;
        }
    }
    if (pb_account_type_infer(out, text) == PB_OK)
        return PB_OK;
    return pb_error_set(err, PB_EINVAL,
                        "unknown account type \"%s\" (known: asset, "
                        "liability, equity, income, expenditure)",
                        text);
}

int pb_account_type_infer(pb_account_type *out, const char *name)
{
    static const struct {
        const char *word;
        pb_account_type type;
    } words[] = {
        {"assets", PB_ACCOUNT_ASSET},        {"asset", PB_ACCOUNT_ASSET},
        {"liabilities", PB_ACCOUNT_LIABILITY},
        {"liability", PB_ACCOUNT_LIABILITY}, {"equity", PB_ACCOUNT_EQUITY},
        {"reserves", PB_ACCOUNT_EQUITY},     {"income", PB_ACCOUNT_INCOME},
        {"revenue", PB_ACCOUNT_INCOME},      {"expenditure",
                                              PB_ACCOUNT_EXPENDITURE},
        {"expenses", PB_ACCOUNT_EXPENDITURE},
        {"expense", PB_ACCOUNT_EXPENDITURE},
    };
    size_t len = strcspn(name, ":"), i;

    for (i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strlen(words[i].word) == len &&
            strncasecmp(name, words[i].word, len) == 0) {
            *out = words[i].type;
            return PB_OK;
        }
    }
    return PB_ENOTFOUND;
}

int pb_account_name_check(const char *name, pb_error *err)
{
    const char *seg = name, *p;

    if (*name == '\0')
        return pb_error_set(err, PB_EINVAL, "empty account name");
    if (strlen(name) > 200)
        return pb_error_set(err, PB_EINVAL,
                            "account name \"%.40s...\" is longer than 200 "
                            "bytes",
                            name);
    for (p = name;; p++) {
        if (*p == ':' || *p == '\0') {
            if (p == seg)
                return pb_error_set(err, PB_EINVAL,
                                    "account name \"%s\" has an empty "
                                    "segment",
                                    name);
            if (*seg == ' ' || p[-1] == ' ')
                return pb_error_set(err, PB_EINVAL,
                                    "account name \"%s\": a segment starts "
                                    "or ends with a space",
                                    name);
            if (*p == '\0')
                break;
            seg = p + 1;
        } else if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '|') {
            return pb_error_set(err, PB_EINVAL,
                                "account name \"%s\" contains a control "
                                "character or '|'",
                                name);
        }
    }
    return PB_OK;
}

int pb_account_add(pb_book *b, const char *code, const char *name,
                   pb_account_type type, int64_t *id_out, pb_error *err)
{
    pb_stmt *st;
    char now[PB_TIMESTAMP_LEN];
    int64_t id;
    int rc;

    assert(pb_book_in_write_tx(b));
    if ((rc = pb_code_check(code, "account code", err)) != PB_OK ||
        (rc = pb_account_name_check(name, err)) != PB_OK)
        return rc;
    if (pb_account_find(b, code, &id, NULL) == PB_OK)
        return pb_error_set(err, PB_EEXISTS, "account \"%s\" already exists",
                            code);
    if (pb_account_find(b, name, &id, NULL) == PB_OK)
        return pb_error_set(err, PB_EEXISTS,
                            "an account named \"%s\" already exists", name);
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO account (code, name, type, opened_at) "
                         "VALUES (?, ?, ?, ?)",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, code);
    pb_stmt_bind_text(st, 2, name);
    pb_stmt_bind_text(st, 3, pb_account_type_name(type));
    pb_stmt_bind_text(st, 4, pb_book_timestamp(b, now));
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        return rc;
    if (id_out != NULL)
        *id_out = pb_book_last_id(b);
    return PB_OK;
}

int pb_account_close(pb_book *b, const char *code, pb_error *err)
{
    pb_stmt *st;
    pb_amount bal;
    char now[PB_TIMESTAMP_LEN];
    int64_t id;
    int rc;

    assert(pb_book_in_write_tx(b));
    if ((rc = pb_account_find(b, code, &id, err)) != PB_OK)
        return rc;
    /* The balance must count this transaction's postings too. */
    if ((rc = pb_book__flush(b, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(b, &st,
                         "SELECT pb_sum(debit - credit) FROM balance "
                         "WHERE account_id = ?",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_amount_init(&bal);
    pb_stmt_bind_int(st, 1, id);
    if ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        pb_stmt_money(st, 0, &bal);
        rc = PB_OK;
    }
    pb_stmt_release(st);
    if (rc == PB_OK && !pb_amount_is_zero(&bal)) {
        char *text = pb_amount_to_string(&bal);

        rc = pb_error_set(err, PB_EREFUSED,
                          "account \"%s\" has a balance of %s; it can be "
                          "closed only at zero",
                          code, text);
        free(text);
    }
    pb_amount_clear(&bal);
    if (rc != PB_OK)
        return rc;
    rc = pb_book_prepare(b, &st,
                         "UPDATE account SET closed = 1, closed_at = ? "
                         "WHERE id = ? AND closed = 0",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, pb_book_timestamp(b, now));
    pb_stmt_bind_int(st, 2, id);
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        return rc;
    if (pb_book_changes(b) == 0)
        return pb_error_set(err, PB_EREFUSED, "account \"%s\" is already "
                            "closed", code);
    /* The journal may have cached the account as open. */
    pb_journal__invalidate(b);
    return PB_OK;
}

int pb_account_find(pb_book *b, const char *code_or_name, int64_t *id_out,
                    pb_error *err)
{
    pb_stmt *st;
    pb_suggest sg;
    int rc = pb_book_prepare(b, &st,
                             "SELECT id FROM account WHERE code = ?1 "
                             "UNION ALL SELECT id FROM account "
                             "WHERE name = ?1 LIMIT 1",
                             err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, code_or_name);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW && id_out != NULL)
        *id_out = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    if (rc == PB_ROW)
        return PB_OK;
    if (rc != PB_DONE || err == NULL)
        return rc == PB_DONE ? PB_ENOTFOUND : rc;
    pb_suggest_init(&sg, code_or_name);
    if (pb_book_prepare(b, &st, "SELECT code, name FROM account", NULL) ==
        PB_OK) {
        while (pb_stmt_step(st, NULL) == PB_ROW) {
            pb_suggest_add(&sg, pb_stmt_text(st, 0));
            pb_suggest_add(&sg, pb_stmt_text(st, 1));
        }
        pb_stmt_release(st);
    }
    if (pb_suggest_best(&sg) != NULL)
        rc = pb_error_set(err, PB_ENOTFOUND,
                          "unknown account \"%s\" (did you mean \"%s\"?)",
                          code_or_name, pb_suggest_best(&sg));
    else
        rc = pb_error_set(err, PB_ENOTFOUND, "unknown account \"%s\"",
                          code_or_name);
    pb_suggest_clear(&sg);
    return rc;
}

static void fill_info(pb_stmt *st, pb_account_info *info)
{
    info->id = pb_stmt_int(st, 0);
    info->code = pb_stmt_text(st, 1);
    info->name = pb_stmt_text(st, 2);
    if (pb_account_type_parse(&info->type, pb_stmt_text(st, 3), NULL) !=
        PB_OK)
        info->type = PB_ACCOUNT_ASSET; /* CHECK constraint forbids this */
    info->closed = pb_stmt_int(st, 4) != 0;
}

int pb_account_each(pb_book *b,
                    int (*fn)(const pb_account_info *info, void *ud),
                    void *ud, pb_error *err)
{
    pb_stmt *st;
    pb_account_info info;
    int rc = pb_book_prepare(b, &st,
                             "SELECT id, code, name, type, closed "
                             "FROM account ORDER BY name",
                             err);

    if (rc != PB_OK)
        return rc;
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        fill_info(st, &info);
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}
