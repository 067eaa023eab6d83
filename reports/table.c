/*
 * table.c - the typed result table: storage, builders, readers and the
 * one function that turns a cell into text.
 *
 * Workload: a report has tens of columns and at most a few thousand rows
 * (a ledger report of one account over a year), built once and printed
 * once, so the layout favours simplicity: rows are arrays of cells, cells
 * a tagged union whose tag is the column's type.  A cell's union member is
 * initialised only while the cell is set (`set`), so clearing a cell needs
 * the column type and nothing else.
 */
#include "reports/table.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct cell {
    bool set; /* false: blank, the union untouched */
    union {
        char *text;       /* TEXT, owned */
        pb_amount amount; /* AMOUNT, VARIANCE */
        pb_ratio ratio;   /* PERCENT */
        int64_t integer;  /* INTEGER */
        pb_date date;     /* DATE */
        pb_indicator ind; /* INDICATOR */
        pb_arrow arrow;   /* ARROW */
    } v;
} cell;

typedef struct row {
    pb_row_kind kind;
    int level;   /* >= 0 */
    cell *cells; /* ncols of them */
} row;

struct pb_table {
    pb_table_params params; /* strings owned (cast away const to free) */
    pb_column *cols;
    size_t ncols, capcols;
    row *rows;
    size_t nrows, caprows;
    pb_table_filter *filters;
    size_t nfilters;
    char **notes;
    size_t nnotes;
    pb_table_chart *charts;
    size_t ncharts;
    size_t label; /* label column, (size_t)-1: the first TEXT column */
};

static char *dup_or_null(const char *s)
{
    return s != NULL ? pb_xstrdup(s) : NULL;
}

static void free_str(const char *s)
{
    free((void *)(uintptr_t)s);
}

pb_table *pb_table_new(const char *report, const char *title)
{
    pb_table *t = pb_xcalloc(1, sizeof *t);

    assert(report != NULL && title != NULL);
    t->params.report = pb_xstrdup(report);
    t->params.title = pb_xstrdup(title);
    t->params.fy_start = 4;
    t->params.units = PB_UNITS_ONE;
    t->params.places = 2;
    t->params.rounding = PB_ROUND_HALF_UP;
    t->params.grouping = true;
    t->label = (size_t)-1;
    return t;
}

static void cell_clear(cell *c, pb_col_type type)
{
    if (!c->set)
        return;
    switch (type) {
    case PB_COL_TEXT:
        free(c->v.text);
        break;
    case PB_COL_AMOUNT:
    case PB_COL_VARIANCE:
        pb_amount_clear(&c->v.amount);
        break;
    case PB_COL_PERCENT:
        pb_ratio_clear(&c->v.ratio);
        break;
    default:
        break;
    }
    c->set = false;
}

void pb_table_free(pb_table *t)
{
    size_t i, j;

    if (t == NULL)
        return;
    for (i = 0; i < t->nrows; i++) {
        for (j = 0; j < t->ncols; j++)
            cell_clear(&t->rows[i].cells[j], t->cols[j].type);
        free(t->rows[i].cells);
    }
    free(t->rows);
    for (j = 0; j < t->ncols; j++) {
        free_str(t->cols[j].key);
        free_str(t->cols[j].title);
        free_str(t->cols[j].adverse);
        free_str(t->cols[j].favourable);
    }
    free(t->cols);
    for (i = 0; i < t->nfilters; i++) {
        free_str(t->filters[i].key);
        free_str(t->filters[i].label);
        free_str(t->filters[i].value);
    }
    free(t->filters);
    for (i = 0; i < t->nnotes; i++)
        free(t->notes[i]);
    free(t->notes);
    for (i = 0; i < t->ncharts; i++)
        free_str(t->charts[i].title);
    free(t->charts);
    free_str(t->params.report);
    free_str(t->params.title);
    free_str(t->params.pool_code);
    free_str(t->params.pool_name);
    free(t);
}

static bool key_ok(const char *k)
{
    if (*k == '\0')
        return false;
    for (; *k != '\0'; k++) {
        if (!(islower((unsigned char)*k) || isdigit((unsigned char)*k) ||
              *k == '_'))
            return false;
    }
    return true;
}

bool pb_table_valid(const pb_table *t)
{
    size_t i, j;

    if (t == NULL || t->params.report == NULL || t->params.title == NULL)
        return false;
    if (t->params.places < 0 || t->params.places > PB_AMOUNT_MAX_SCALE)
        return false;
    for (j = 0; j < t->ncols; j++) {
        if (!key_ok(t->cols[j].key) || (unsigned)t->cols[j].type > PB_COL_DATE)
            return false;
        for (i = 0; i < j; i++) {
            if (strcmp(t->cols[i].key, t->cols[j].key) == 0)
                return false;
        }
    }
    for (i = 0; i < t->nrows; i++) {
        if ((unsigned)t->rows[i].kind > PB_ROW_TOTAL || t->rows[i].level < 0)
            return false;
    }
    for (i = 0; i < t->ncharts; i++) {
        const pb_table_chart *c = &t->charts[i];

        if (c->label_col >= t->ncols || c->series[0] >= t->ncols ||
            c->series[1] >= t->ncols ||
            t->cols[c->label_col].type != PB_COL_TEXT ||
            t->cols[c->series[0]].type != PB_COL_AMOUNT ||
            t->cols[c->series[1]].type != PB_COL_AMOUNT)
            return false;
    }
    return true;
}

/* ---- parameters -------------------------------------------------------- */

void pb_table_set_pool(pb_table *t, const char *code, const char *name)
{
    free_str(t->params.pool_code);
    free_str(t->params.pool_name);
    t->params.pool_code = dup_or_null(code);
    t->params.pool_name = code != NULL ? dup_or_null(name) : NULL;
}

void pb_table_set_period(pb_table *t, pb_period p, int fy_start)
{
    assert(fy_start >= 1 && fy_start <= 12);
    t->params.has_period = true;
    t->params.period = p;
    t->params.fy_start = fy_start;
}

void pb_table_set_as_at(pb_table *t, pb_date date)
{
    t->params.has_as_at = true;
    t->params.as_at = date;
}

void pb_table_set_units(pb_table *t, pb_units units, int places)
{
    assert((unsigned)units <= PB_UNITS_MILLION);
    assert(places <= PB_AMOUNT_MAX_SCALE);
    t->params.units = units;
    if (places < 0)
        places = units == PB_UNITS_THOUSAND ? 0 : 2;
    t->params.places = places;
}

void pb_table_set_rounding(pb_table *t, pb_rounding rule)
{
    t->params.rounding = rule;
}

void pb_table_set_currency(pb_table *t, bool currency)
{
    t->params.currency = currency;
}

void pb_table_set_grouping(pb_table *t, bool grouping)
{
    t->params.grouping = grouping;
}

void pb_table_add_filter(pb_table *t, const char *key, const char *label,
                         const char *value)
{
    pb_table_filter *f;

    assert(key != NULL && label != NULL && value != NULL);
    t->filters =
        pb_xrealloc(t->filters, (t->nfilters + 1) * sizeof *t->filters);
    f = &t->filters[t->nfilters++];
    f->key = pb_xstrdup(key);
    f->label = pb_xstrdup(label);
    f->value = pb_xstrdup(value);
}

void pb_table_add_note(pb_table *t, const char *fmt, ...)
{
    pb_buf b = PB_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    pb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    t->notes = pb_xrealloc(t->notes, (t->nnotes + 1) * sizeof *t->notes);
    t->notes[t->nnotes++] = b.data != NULL ? pb_buf_detach(&b) : pb_xstrdup("");
}

static const struct {
    const char *name;
    pb_units units;
} unit_names[] = {
    {"£", PB_UNITS_ONE},
    {"gbp", PB_UNITS_ONE},
    {"pounds", PB_UNITS_ONE},
    {"1", PB_UNITS_ONE},
    {"£000", PB_UNITS_THOUSAND},
    {"000", PB_UNITS_THOUSAND},
    {"k", PB_UNITS_THOUSAND},
    {"£k", PB_UNITS_THOUSAND},
    {"thousands", PB_UNITS_THOUSAND},
    {"£m", PB_UNITS_MILLION},
    {"m", PB_UNITS_MILLION},
    {"millions", PB_UNITS_MILLION},
};

int pb_table_units_parse(pb_units *out, const char *text, pb_error *err)
{
    size_t i;

    for (i = 0; i < sizeof unit_names / sizeof unit_names[0]; i++) {
        /* ASCII case folding only: "£M" and "£m", "GBP" and "gbp". */
        if (strcasecmp(text, unit_names[i].name) == 0) {
            *out = unit_names[i].units;
            return PB_OK;
        }
    }
    return pb_error_set(err, PB_EINVAL,
                        "unknown units \"%s\" (use £, £000 or £M; also "
                        "gbp, k or m)",
                        text);
}

const char *pb_table_units_name(pb_units units)
{
    switch (units) {
    case PB_UNITS_THOUSAND:
        return "£000";
    case PB_UNITS_MILLION:
        return "£M";
    default:
        return "£";
    }
}

/* ---- columns and rows ---------------------------------------------------- */

size_t pb_table_add_column(pb_table *t, const char *key, const char *title,
                           pb_col_type type)
{
    pb_column *c;

    assert(t->nrows == 0 && "add every column before the first row");
    assert(key_ok(key) && pb_table_column_find(t, key) == (size_t)-1);
    if (t->ncols == t->capcols) {
        t->capcols = t->capcols ? 2 * t->capcols : 8;
        t->cols = pb_xrealloc(t->cols, t->capcols * sizeof *t->cols);
    }
    c = &t->cols[t->ncols];
    c->key = pb_xstrdup(key);
    c->title = pb_xstrdup(title);
    c->type = type;
    c->negative = PB_NEG_MINUS;
    c->places = type == PB_COL_PERCENT ? 2 : -1;
    c->hidden = false;
    c->adverse = NULL;
    c->favourable = NULL;
    return t->ncols++;
}

void pb_table_column_hide(pb_table *t, size_t col)
{
    assert(col < t->ncols);
    t->cols[col].hidden = true;
}

void pb_table_column_markers(pb_table *t, size_t col, const char *adverse,
                             const char *favourable)
{
    assert(col < t->ncols && t->cols[col].type == PB_COL_VARIANCE);
    assert(adverse != NULL && *adverse != '\0' && favourable != NULL &&
           *favourable != '\0');
    free_str(t->cols[col].adverse);
    free_str(t->cols[col].favourable);
    t->cols[col].adverse = pb_xstrdup(adverse);
    t->cols[col].favourable = pb_xstrdup(favourable);
}

void pb_table_column_negative(pb_table *t, size_t col, pb_negative style)
{
    assert(col < t->ncols);
    t->cols[col].negative = style;
}

void pb_table_column_places(pb_table *t, size_t col, int places)
{
    assert(col < t->ncols && places <= PB_AMOUNT_MAX_SCALE);
    t->cols[col].places = places;
}

void pb_table_set_label_column(pb_table *t, size_t col)
{
    assert(col < t->ncols && t->cols[col].type == PB_COL_TEXT);
    t->label = col;
}

size_t pb_table_add_row(pb_table *t, pb_row_kind kind, int level)
{
    row *r;

    assert(level >= 0 && (unsigned)kind <= PB_ROW_TOTAL);
    if (t->nrows == t->caprows) {
        t->caprows = t->caprows ? 2 * t->caprows : 16;
        t->rows = pb_xrealloc(t->rows, t->caprows * sizeof *t->rows);
    }
    r = &t->rows[t->nrows];
    r->kind = kind;
    r->level = level;
    r->cells = pb_xcalloc(t->ncols ? t->ncols : 1, sizeof *r->cells);
    return t->nrows++;
}

/* The cell at (r, c), cleared, asserting the column holds `type`. */
static cell *cell_for(pb_table *t, size_t r, size_t c, pb_col_type type)
{
    cell *x;

    assert(r < t->nrows && c < t->ncols);
    assert(t->cols[c].type == type);
    x = &t->rows[r].cells[c];
    cell_clear(x, type);
    return x;
}

void pb_table_set_text(pb_table *t, size_t r, size_t c, const char *s)
{
    cell *x = cell_for(t, r, c, PB_COL_TEXT);

    if (s == NULL)
        return;
    x->v.text = pb_xstrdup(s);
    x->set = true;
}

void pb_table_set_amount(pb_table *t, size_t r, size_t c, const pb_amount *a)
{
    cell *x;

    assert(c < t->ncols);
    assert(t->cols[c].type == PB_COL_AMOUNT ||
           t->cols[c].type == PB_COL_VARIANCE);
    x = cell_for(t, r, c, t->cols[c].type);
    if (a == NULL)
        return;
    pb_amount_init(&x->v.amount);
    pb_amount_set(&x->v.amount, a);
    x->set = true;
}

void pb_table_set_ratio(pb_table *t, size_t r, size_t c, const pb_ratio *q)
{
    cell *x = cell_for(t, r, c, PB_COL_PERCENT);

    if (q == NULL)
        return;
    pb_ratio_init(&x->v.ratio);
    pb_ratio_set(&x->v.ratio, q);
    x->set = true;
}

void pb_table_set_indicator(pb_table *t, size_t r, size_t c, pb_indicator v)
{
    cell *x = cell_for(t, r, c, PB_COL_INDICATOR);

    assert((unsigned)v <= PB_IND_BLUE);
    x->v.ind = v;
    x->set = true;
}

void pb_table_set_arrow(pb_table *t, size_t r, size_t c, pb_arrow v)
{
    cell *x = cell_for(t, r, c, PB_COL_ARROW);

    assert((unsigned)v <= PB_ARROW_DETERIORATING);
    x->v.arrow = v;
    x->set = true;
}

void pb_table_set_int(pb_table *t, size_t r, size_t c, int64_t v)
{
    cell *x = cell_for(t, r, c, PB_COL_INTEGER);

    x->v.integer = v;
    x->set = true;
}

void pb_table_set_date(pb_table *t, size_t r, size_t c, pb_date v)
{
    cell *x = cell_for(t, r, c, PB_COL_DATE);

    x->v.date = v;
    x->set = true;
}

void pb_table_set_blank(pb_table *t, size_t r, size_t c)
{
    assert(r < t->nrows && c < t->ncols);
    cell_clear(&t->rows[r].cells[c], t->cols[c].type);
}

void pb_table_sum(pb_amount *out, const pb_table *t, size_t col, size_t first,
                  size_t last)
{
    size_t i;

    assert(col < t->ncols);
    assert(t->cols[col].type == PB_COL_AMOUNT ||
           t->cols[col].type == PB_COL_VARIANCE);
    assert(first <= last && last <= t->nrows);
    pb_amount_set_units(out, 0, PB_MONEY_SCALE);
    for (i = first; i < last; i++) {
        const cell *x = &t->rows[i].cells[col];

        if (t->rows[i].kind == PB_ROW_DETAIL && x->set)
            pb_amount_add(out, out, &x->v.amount);
    }
}

void pb_table_add_chart(pb_table *t, const char *title, size_t label_col,
                        size_t series_a, size_t series_b)
{
    pb_table_chart *c;

    assert(label_col < t->ncols && series_a < t->ncols && series_b < t->ncols);
    assert(t->cols[label_col].type == PB_COL_TEXT);
    assert(t->cols[series_a].type == PB_COL_AMOUNT &&
           t->cols[series_b].type == PB_COL_AMOUNT);
    t->charts = pb_xrealloc(t->charts, (t->ncharts + 1) * sizeof *t->charts);
    c = &t->charts[t->ncharts++];
    c->title = pb_xstrdup(title);
    c->label_col = label_col;
    c->series[0] = series_a;
    c->series[1] = series_b;
}

/* ---- readers ------------------------------------------------------------ */

const pb_table_params *pb_table_params_get(const pb_table *t)
{
    return &t->params;
}

size_t pb_table_filter_count(const pb_table *t)
{
    return t->nfilters;
}

const pb_table_filter *pb_table_filter_get(const pb_table *t, size_t i)
{
    assert(i < t->nfilters);
    return &t->filters[i];
}

size_t pb_table_note_count(const pb_table *t)
{
    return t->nnotes;
}

const char *pb_table_note(const pb_table *t, size_t i)
{
    assert(i < t->nnotes);
    return t->notes[i];
}

size_t pb_table_chart_count(const pb_table *t)
{
    return t->ncharts;
}

const pb_table_chart *pb_table_chart_get(const pb_table *t, size_t i)
{
    assert(i < t->ncharts);
    return &t->charts[i];
}

size_t pb_table_column_count(const pb_table *t)
{
    return t->ncols;
}

const pb_column *pb_table_column(const pb_table *t, size_t col)
{
    assert(col < t->ncols);
    return &t->cols[col];
}

size_t pb_table_column_find(const pb_table *t, const char *key)
{
    size_t j;

    for (j = 0; j < t->ncols; j++) {
        if (strcmp(t->cols[j].key, key) == 0)
            return j;
    }
    return (size_t)-1;
}

size_t pb_table_label_column(const pb_table *t)
{
    size_t j;

    if (t->label != (size_t)-1)
        return t->label;
    for (j = 0; j < t->ncols; j++) {
        if (t->cols[j].type == PB_COL_TEXT)
            return j;
    }
    return (size_t)-1;
}

size_t pb_table_row_count(const pb_table *t)
{
    return t->nrows;
}

pb_row_kind pb_table_row_kind(const pb_table *t, size_t r)
{
    assert(r < t->nrows);
    return t->rows[r].kind;
}

int pb_table_row_level(const pb_table *t, size_t r)
{
    assert(r < t->nrows);
    return t->rows[r].level;
}

static const cell *cell_get(const pb_table *t, size_t r, size_t c)
{
    assert(r < t->nrows && c < t->ncols);
    return &t->rows[r].cells[c];
}

bool pb_table_is_blank(const pb_table *t, size_t r, size_t c)
{
    return !cell_get(t, r, c)->set;
}

/* The set cell at (r, c), asserting its column is of `type` (or of the
 * other money type when `alt` is not -1). */
static const cell *typed(const pb_table *t, size_t r, size_t c,
                         pb_col_type type, int alt)
{
    const cell *x = cell_get(t, r, c);

    assert(t->cols[c].type == type || (int)t->cols[c].type == alt);
    assert(x->set);
    (void)type;
    (void)alt;
    return x;
}

const char *pb_table_text(const pb_table *t, size_t r, size_t c)
{
    return typed(t, r, c, PB_COL_TEXT, -1)->v.text;
}

const pb_amount *pb_table_amount(const pb_table *t, size_t r, size_t c)
{
    return &typed(t, r, c, PB_COL_AMOUNT, PB_COL_VARIANCE)->v.amount;
}

const pb_ratio *pb_table_ratio(const pb_table *t, size_t r, size_t c)
{
    return &typed(t, r, c, PB_COL_PERCENT, -1)->v.ratio;
}

pb_indicator pb_table_indicator(const pb_table *t, size_t r, size_t c)
{
    return typed(t, r, c, PB_COL_INDICATOR, -1)->v.ind;
}

pb_arrow pb_table_arrow(const pb_table *t, size_t r, size_t c)
{
    return typed(t, r, c, PB_COL_ARROW, -1)->v.arrow;
}

int64_t pb_table_int(const pb_table *t, size_t r, size_t c)
{
    return typed(t, r, c, PB_COL_INTEGER, -1)->v.integer;
}

pb_date pb_table_date(const pb_table *t, size_t r, size_t c)
{
    return typed(t, r, c, PB_COL_DATE, -1)->v.date;
}

/* ---- display ------------------------------------------------------------ */

static void amount_format(pb_buf *out, const pb_table *t, const pb_amount *a,
                          int places, pb_negative neg, pb_cell_form form)
{
    pb_amount_style st;

    st.places = places >= 0 ? places : t->params.places;
    st.units = t->params.units;
    st.rounding = t->params.rounding;
    if (form == PB_FORM_PLAIN) {
        st.grouping = false;
        st.currency = false;
        st.negative = PB_NEG_MINUS;
    } else {
        st.grouping = t->params.grouping;
        st.currency = t->params.currency;
        st.negative = neg;
    }
    pb_amount_format(out, a, &st);
}

void pb_table_amount_format(pb_buf *out, const pb_table *t, const pb_amount *a,
                            pb_negative neg, pb_cell_form form)
{
    amount_format(out, t, a, -1, neg, form);
}

const char *pb_table_variance_marker(const pb_table *t, size_t r, size_t c)
{
    const cell *x = cell_get(t, r, c);

    assert(t->cols[c].type == PB_COL_VARIANCE);
    if (!x->set)
        return "";
    switch (pb_amount_sign(&x->v.amount)) {
    case 1:
        return t->cols[c].adverse != NULL ? t->cols[c].adverse : "A";
    case -1:
        return t->cols[c].favourable != NULL ? t->cols[c].favourable : "F";
    default:
        return "";
    }
}

void pb_table_cell_format(pb_buf *out, const pb_table *t, size_t r, size_t c,
                          pb_cell_form form)
{
    const pb_column *col = pb_table_column(t, c);
    const cell *x = cell_get(t, r, c);
    char iso[PB_DATE_ISO_LEN];

    if (!x->set)
        return;
    switch (col->type) {
    case PB_COL_TEXT:
        pb_buf_puts(out, x->v.text);
        break;
    case PB_COL_AMOUNT:
        amount_format(out, t, &x->v.amount, col->places, col->negative, form);
        break;
    case PB_COL_VARIANCE: {
        /* The magnitude, rounded once; the marker from the unrounded
         * sign, so a tiny favourable variance reads "0.00 F". */
        const char *mk = pb_table_variance_marker(t, r, c);
        pb_amount mag;

        pb_amount_init(&mag);
        pb_amount_abs(&mag, &x->v.amount);
        amount_format(out, t, &mag, col->places, PB_NEG_MINUS, form);
        pb_amount_clear(&mag);
        if (form == PB_FORM_DISPLAY && *mk != '\0')
            pb_buf_printf(out, " %s", mk);
        break;
    }
    case PB_COL_PERCENT: {
        pb_amount pct;
        pb_amount_style st = {col->places, PB_UNITS_ONE, t->params.rounding,
                              false,       false,        PB_NEG_MINUS};

        pb_amount_init(&pct);
        pb_ratio_percent(&pct, &x->v.ratio, col->places < 0 ? 2 : col->places,
                         t->params.rounding);
        if (st.places < 0)
            st.places = 2;
        pb_amount_format(out, &pct, &st);
        pb_amount_clear(&pct);
        if (form == PB_FORM_DISPLAY)
            pb_buf_putc(out, '%');
        break;
    }
    case PB_COL_INDICATOR:
        pb_buf_puts(out, pb_indicator_name(x->v.ind));
        break;
    case PB_COL_ARROW:
        pb_buf_puts(out, pb_arrow_symbol(x->v.arrow));
        break;
    case PB_COL_INTEGER:
        pb_buf_printf(out, "%" PRId64, x->v.integer);
        break;
    case PB_COL_DATE:
        pb_buf_puts(out, pb_date_iso(x->v.date, iso));
        break;
    }
}

const char *pb_col_type_name(pb_col_type type)
{
    static const char *const names[] = {"text",     "amount",    "percent",
                                        "variance", "indicator", "arrow",
                                        "integer",  "date"};

    assert((unsigned)type < sizeof names / sizeof names[0]);
    return names[type];
}

const char *pb_row_kind_name(pb_row_kind kind)
{
    static const char *const names[] = {"detail", "heading", "subtotal",
                                        "total"};

    assert((unsigned)kind < sizeof names / sizeof names[0]);
    return names[kind];
}

const char *pb_indicator_name(pb_indicator v)
{
    static const char *const names[] = {"Green", "Amber", "Red", "Blue"};

    assert((unsigned)v < sizeof names / sizeof names[0]);
    return names[v];
}

const char *pb_arrow_symbol(pb_arrow v)
{
    static const char *const sym[] = {"-", "\xe2\x86\x91", "\xe2\x86\x93"};

    assert((unsigned)v < sizeof sym / sizeof sym[0]);
    return sym[v];
}

const char *pb_arrow_name(pb_arrow v)
{
    static const char *const names[] = {"unchanged", "improving",
                                        "deteriorating"};

    assert((unsigned)v < sizeof names / sizeof names[0]);
    return names[v];
}
