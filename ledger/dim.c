/*
 * dim.c - dimension values: declaration, lookup with suggestions, listing.
 * The posting hot path does not come here: the journal caches codes per
 * transaction.
 */
#include "ledger/dim.h"

#include <assert.h>
#include <string.h>

#include "ledger/suggest.h"

static const struct {
    const char *key, *title, *sql;
} kinds[PB_DIM_COUNT] = {
    {"stream", "funding stream", "stream"},
    {"scheme", "scheme", "scheme"},
    {"partner", "partner", "partner"},
    {"cc", "cost centre", "cost_centre"},
};

const char *pb_dim_kind_key(pb_dim_kind kind)
{
    assert(kind < PB_DIM_COUNT);
    return kinds[kind].key;
}

const char *pb_dim_kind_title(pb_dim_kind kind)
{
    assert(kind < PB_DIM_COUNT);
    return kinds[kind].title;
}

const char *pb_dim_kind_sql(pb_dim_kind kind)
{
    assert(kind < PB_DIM_COUNT);
    return kinds[kind].sql;
}

int pb_dim_kind_parse(pb_dim_kind *out, const char *text, pb_error *err)
{
    int k;

    for (k = 0; k < PB_DIM_COUNT; k++) {
        if (strcmp(text, kinds[k].key) == 0 ||
            strcmp(text, kinds[k].sql) == 0) {
            *out = (pb_dim_kind)k;
            return PB_OK;
        }
    }
    if (strcmp(text, "cost-centre") == 0 || strcmp(text, "cost_center") == 0) {
        *out = PB_DIM_COST_CENTRE;
        return PB_OK;
    }
    return pb_error_set(err, PB_EINVAL,
                        "unknown dimension \"%s\" (known: stream, scheme, "
                        "partner, cc)",
                        text);
}

int pb_code_check(const char *code, const char *what, pb_error *err)
{
    size_t n = strlen(code), i;

    if (n == 0)
        return pb_error_set(err, PB_EINVAL, "empty %s", what);
    if (n > 40)
        return pb_error_set(err, PB_EINVAL,
                            "%s \"%.40s...\" is longer than 40 characters",
                            what, code);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)code[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
              c == '/' || c == '&'))
            return pb_error_set(err, PB_EINVAL,
                                "%s \"%s\": character %zu is not allowed "
                                "(use letters, digits and . _ - / &)",
                                what, code, i + 1);
    }
    return PB_OK;
}

int pb_dim_add(pb_book *b, pb_dim_kind kind, const char *code,
               const char *name, int64_t *id_out, pb_error *err)
{
    pb_stmt *st;
    int64_t id;
    int rc;

    assert(pb_book_in_write_tx(b));
    if ((rc = pb_code_check(code, pb_dim_kind_title(kind), err)) != PB_OK)
        return rc;
    if (name == NULL || *name == '\0')
        return pb_error_set(err, PB_EINVAL, "%s \"%s\" needs a name",
                            pb_dim_kind_title(kind), code);
    if (pb_dim_find(b, kind, code, &id, NULL) == PB_OK)
        return pb_error_set(err, PB_EEXISTS, "%s \"%s\" already exists",
                            pb_dim_kind_title(kind), code);
    rc = pb_book_prepare(b, &st,
                         "INSERT INTO dim (kind, code, name) VALUES (?, ?, ?)",
                         err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, pb_dim_kind_sql(kind));
    pb_stmt_bind_text(st, 2, code);
    pb_stmt_bind_text(st, 3, name);
    if ((rc = pb_stmt_run(st, err)) != PB_OK)
        return rc;
    if (id_out != NULL)
        *id_out = pb_book_last_id(b);
    return PB_OK;
}

int pb_dim_rename(pb_book *b, pb_dim_kind kind, const char *code,
                  const char *name, pb_error *err)
{
    pb_stmt *st;
    int64_t id;
    int rc;

    assert(pb_book_in_write_tx(b));
    if (name == NULL || *name == '\0')
        return pb_error_set(err, PB_EINVAL, "%s \"%s\" needs a name",
                            pb_dim_kind_title(kind), code);
    if ((rc = pb_dim_find(b, kind, code, &id, err)) != PB_OK)
        return rc;
    rc = pb_book_prepare(b, &st, "UPDATE dim SET name = ? WHERE id = ?", err);
    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, name);
    pb_stmt_bind_int(st, 2, id);
    return pb_stmt_run(st, err);
}

static int not_found(pb_book *b, pb_dim_kind kind, const char *code,
                     pb_error *err)
{
    pb_suggest sg;
    pb_stmt *st;
    int rc;

    if (err == NULL)
        return PB_ENOTFOUND;
    pb_suggest_init(&sg, code);
    if (pb_book_prepare(b, &st, "SELECT code FROM dim WHERE kind = ?",
                        NULL) == PB_OK) {
        pb_stmt_bind_text(st, 1, pb_dim_kind_sql(kind));
        while (pb_stmt_step(st, NULL) == PB_ROW)
            pb_suggest_add(&sg, pb_stmt_text(st, 0));
        pb_stmt_release(st);
    }
    if (pb_suggest_best(&sg) != NULL)
        rc = pb_error_set(err, PB_ENOTFOUND,
                          "unknown %s \"%s\" (did you mean \"%s\"?)",
                          pb_dim_kind_title(kind), code,
                          pb_suggest_best(&sg));
    else
        rc = pb_error_set(err, PB_ENOTFOUND, "unknown %s \"%s\"",
                          pb_dim_kind_title(kind), code);
    pb_suggest_clear(&sg);
    return rc;
}

int pb_dim_find(pb_book *b, pb_dim_kind kind, const char *code,
                int64_t *id_out, pb_error *err)
{
    pb_stmt *st;
    int rc = pb_book_prepare(
        b, &st, "SELECT id FROM dim WHERE kind = ? AND code = ?", err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, pb_dim_kind_sql(kind));
    pb_stmt_bind_text(st, 2, code);
    rc = pb_stmt_step(st, err);
    if (rc == PB_ROW && id_out != NULL)
        *id_out = pb_stmt_int(st, 0);
    pb_stmt_release(st);
    if (rc == PB_ROW)
        return PB_OK;
    if (rc == PB_DONE)
        return not_found(b, kind, code, err);
    return rc;
}

int pb_dim_each(pb_book *b, pb_dim_kind kind,
                int (*fn)(const pb_dim_info *info, void *ud), void *ud,
                pb_error *err)
{
    pb_stmt *st;
    pb_dim_info info;
    int rc = pb_book_prepare(b, &st,
                             "SELECT id, code, name FROM dim WHERE kind = ? "
                             "ORDER BY code",
                             err);

    if (rc != PB_OK)
        return rc;
    pb_stmt_bind_text(st, 1, pb_dim_kind_sql(kind));
    while ((rc = pb_stmt_step(st, err)) == PB_ROW) {
        info.id = pb_stmt_int(st, 0);
        info.kind = kind;
        info.code = pb_stmt_text(st, 1);
        info.name = pb_stmt_text(st, 2);
        if ((rc = fn(&info, ud)) != 0)
            break;
    }
    pb_stmt_release(st);
    return rc == PB_DONE ? PB_OK : rc;
}
