/*
 * table.h - the typed result table every report computes.
 *
 * Contents
 *   pb_table            a report's result, knowing nothing about output
 *   parameters          report name, title, pool, as-at period and date,
 *                       units, places, rounding rule, filters
 *   columns             key, title, type, negative style, places
 *   rows                kind (detail, heading, subtotal, total), level
 *   cells               exact values: amounts, ratios, variances, text...
 *   notes, charts       what the reader must be told; what to draw
 *   display             the one place a cell becomes text
 *
 * A report fills a pb_table; the renderers (render.h) print any table as
 * text, CSV, JSON or HTML.  Cells hold exact, unrounded values: totals are
 * computed from them (pb_table_sum), never from printed figures.  A value
 * is rounded exactly once, when a renderer asks pb_table_cell_format() for
 * its text, with the table's units (£, £000, £M), places and named
 * rounding rule.  So the rows of a £M table may print as 90.16 while their
 * total prints as 90.17; that is the rule, and a renderer never "fixes" it.
 *
 * Variance cells hold a signed value whose sign is the report's verdict:
 * positive is adverse (an overspend, or income short of budget), negative
 * favourable.  They print as a magnitude with "A" or "F" taken from the
 * sign of the unrounded value: 0.004 adverse in £M prints "0.00 A", and
 * only an exact zero prints "0.00" with no marker.
 *
 * Building: add every column first, then rows; set cells by (row, column)
 * with the setter of the column's type (a mismatch is a programming error:
 * assert).  Unset cells are blank.  Row and column indexes are size_t,
 * counted from 0 in the order added.  Nothing here can fail except by
 * running out of memory, which aborts (pb_xmalloc), so the builders return
 * no error code.
 *
 * Ownership: pb_table_new() returns a table the caller frees with
 * pb_table_free() (NULL-safe).  Strings and amounts passed in are copied.
 * Pointers returned by the readers are borrowed from the table and valid
 * until it changes or is freed.
 */
#ifndef PB_TABLE_H
#define PB_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/amount.h"
#include "ledger/buf.h"
#include "ledger/date.h"
#include "ledger/error.h"

typedef struct pb_table pb_table;

typedef enum pb_col_type {
    PB_COL_TEXT = 0,  /* text: names, codes, descriptions (owned copy) */
    PB_COL_AMOUNT,    /* money (pb_amount), unrounded */
    PB_COL_PERCENT,   /* a ratio shown as a percentage: 0.382 -> "38.20%" */
    PB_COL_VARIANCE,  /* money, positive adverse: "3.05 A", "0.29 F" */
    PB_COL_INDICATOR, /* a pb_indicator: "Red", "Amber", "Green", "Blue" */
    PB_COL_ARROW,     /* a pb_arrow: "↑" improving, "↓" deteriorating,
                         "-" unchanged */
    PB_COL_INTEGER,   /* int64_t: counts, entry numbers */
    PB_COL_DATE       /* pb_date, shown as ISO "2024-09-30" */
} pb_col_type;

typedef enum pb_row_kind {
    PB_ROW_DETAIL = 0, /* an ordinary line */
    PB_ROW_HEADING,    /* a group's title line (trial balance levels) */
    PB_ROW_SUBTOTAL,   /* the total of a group */
    PB_ROW_TOTAL       /* the table's total (usually the last row) */
} pb_row_kind;

/* RAG flags and savings-delivery statuses. */
typedef enum pb_indicator {
    PB_IND_GREEN = 0, /* on budget or favourable; savings on track */
    PB_IND_AMBER,     /* adverse below the Red threshold; at risk */
    PB_IND_RED,       /* adverse beyond the threshold; undeliverable */
    PB_IND_BLUE       /* savings delivered */
} pb_indicator;

/* Direction of a movement since the previous period. */
typedef enum pb_arrow {
    PB_ARROW_UNCHANGED = 0, /* "-" */
    PB_ARROW_IMPROVING,     /* "↑" */
    PB_ARROW_DETERIORATING  /* "↓" */
} pb_arrow;

/* How pb_table_cell_format() words a cell. */
typedef enum pb_cell_form {
    PB_FORM_DISPLAY = 0, /* as people read it: "£1,234", "(15.28)", "3.05 A",
                            "38.20%" */
    PB_FORM_PLAIN        /* as a spreadsheet reads it: rounded the same way
                            but "-1234" with no "£", grouping or brackets;
                            percent "38.20"; variance magnitude "3.05" (the
                            marker from pb_table_variance_marker) */
} pb_cell_form;

typedef struct pb_column {
    const char *key;   /* stable identifier: [a-z0-9_]+, unique; the JSON
                          member and the HTML class */
    const char *title; /* header for people */
    pb_col_type type;
    pb_negative negative; /* AMOUNT: how a negative shows; default minus */
    int places;           /* AMOUNT, VARIANCE: -1 = the table's places;
                             PERCENT: places of the percentage, default 2 */
    bool hidden;          /* kept for charts and JSON, not printed as a
                             column by text, CSV or the HTML table */
    const char *adverse;  /* VARIANCE: marker of a positive value, "A" */
    const char *favourable; /* VARIANCE: of a negative value, "F" */
} pb_column;

/* The parameters a renderer prints in the title block. */
typedef struct pb_table_params {
    const char *report;    /* machine name, "trial-balance" */
    const char *title;     /* "Trial balance" */
    const char *pool_code; /* NULL: no pool stated */
    const char *pool_name;
    bool has_period; /* the period the report is as at */
    pb_period period;
    int fy_start;   /* first month of the year, for period names */
    bool has_as_at; /* the date the report is as at (inclusive) */
    pb_date as_at;
    pb_units units;       /* £, £000, £M */
    int places;           /* decimal places of amounts at those units */
    pb_rounding rounding; /* the one rule every printed amount uses */
    bool currency;        /* amounts show "£" (DISPLAY form only) */
    bool grouping;        /* amounts show "," thousands separators */
} pb_table_params;

/* A selection the reader must see (stream, scheme, account, periods...). */
typedef struct pb_table_filter {
    const char *key;   /* "stream" */
    const char *label; /* "Funding stream" */
    const char *value; /* "DFG - Disabled Facilities Grant" */
} pb_table_filter;

/* A bar chart of two series per detail row (HTML only draws it). */
typedef struct pb_table_chart {
    const char *title; /* "Budget against forecast by service area" */
    size_t label_col;  /* a TEXT column naming each bar pair */
    size_t series[2];  /* two AMOUNT columns, drawn in that order */
} pb_table_chart;

/* ---- life cycle -------------------------------------------------------- */

/* A new empty table: report name (e.g. "trial-balance") and title;
 * units £ with 2 places, rounding half-up, grouping on, no "£" sign.
 * Never returns NULL (allocation failure aborts). */
pb_table *pb_table_new(const char *report, const char *title);
void pb_table_free(pb_table *t); /* NULL-safe */

/* True if the table's invariants hold (for assert). */
bool pb_table_valid(const pb_table *t);

/* ---- parameters -------------------------------------------------------- */

/* NULL code: no pool. */
void pb_table_set_pool(pb_table *t, const char *code, const char *name);
/* As at the end of period p (fy_start: the book's first month). */
void pb_table_set_period(pb_table *t, pb_period p, int fy_start);
/* As at the end of `date` (inclusive). */
void pb_table_set_as_at(pb_table *t, pb_date date);
/* Units; places < 0 picks the usual places for them: £ 2, £000 0, £M 2. */
void pb_table_set_units(pb_table *t, pb_units units, int places);
void pb_table_set_rounding(pb_table *t, pb_rounding rule);
/* "£" before every DISPLAY amount (Table A: "£2,741,399"). */
void pb_table_set_currency(pb_table *t, bool currency);
void pb_table_set_grouping(pb_table *t, bool grouping);
void pb_table_add_filter(pb_table *t, const char *key, const char *label,
                         const char *value);
/* A note printed under the table ("forecast taken as current budget for
 * 3 lines").  printf-style. */
void pb_table_add_note(pb_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses units as users type them: "£", "gbp", "pounds" (and "1");
 * "£000", "000", "k", "£k", "thousands"; "£M", "£m", "m", "millions".
 * Returns PB_OK or PB_EINVAL naming the accepted spellings. */
int pb_table_units_parse(pb_units *out, const char *text, pb_error *err);
/* "£", "£000", "£M". */
const char *pb_table_units_name(pb_units units);

/* ---- columns and rows ---------------------------------------------------- */

/* Adds a column (before any row; key unique).  Returns its index. */
size_t pb_table_add_column(pb_table *t, const char *key, const char *title,
                           pb_col_type type);
void pb_table_column_negative(pb_table *t, size_t col, pb_negative style);
void pb_table_column_places(pb_table *t, size_t col, int places);
/* Hides a column from the printed table (text, CSV, the HTML table): its
 * cells stay in the table for charts (a profile drawn beside spend) and
 * for JSON, which lists it with "hidden": true. */
void pb_table_column_hide(pb_table *t, size_t col);
/* The words a VARIANCE column prints after the magnitude instead of "A"
 * and "F": "overspend" and "underspend" (copied). */
void pb_table_column_markers(pb_table *t, size_t col, const char *adverse,
                             const char *favourable);
/* The TEXT column that shows a row's level as indentation (default: the
 * first TEXT column). */
void pb_table_set_label_column(pb_table *t, size_t col);

/* Adds a row of blank cells.  level: 0 for top-level lines, 1.. for lines
 * indented under a group.  Returns its index. */
size_t pb_table_add_row(pb_table *t, pb_row_kind kind, int level);

/* Cell setters; each replaces what the cell held.  The column's type must
 * match.  NULL text or amount leaves the cell blank. */
void pb_table_set_text(pb_table *t, size_t row, size_t col, const char *s);
void pb_table_set_amount(pb_table *t, size_t row, size_t col,
                         const pb_amount *a); /* AMOUNT or VARIANCE */
void pb_table_set_ratio(pb_table *t, size_t row, size_t col,
                        const pb_ratio *r); /* PERCENT */
void pb_table_set_indicator(pb_table *t, size_t row, size_t col,
                            pb_indicator v);
void pb_table_set_arrow(pb_table *t, size_t row, size_t col, pb_arrow v);
void pb_table_set_int(pb_table *t, size_t row, size_t col, int64_t v);
void pb_table_set_date(pb_table *t, size_t row, size_t col, pb_date v);
void pb_table_set_blank(pb_table *t, size_t row, size_t col);

/*
 * out = the exact sum of column `col` (AMOUNT or VARIANCE) over the DETAIL
 * rows in [first, last); blank cells count as zero.  out must be
 * initialised.  The way totals are meant to be made: from unrounded cells.
 */
void pb_table_sum(pb_amount *out, const pb_table *t, size_t col, size_t first,
                  size_t last);

/* Adds a chart of two AMOUNT series by a TEXT label column. */
void pb_table_add_chart(pb_table *t, const char *title, size_t label_col,
                        size_t series_a, size_t series_b);

/* ---- readers (for renderers) ------------------------------------------- */

const pb_table_params *pb_table_params_get(const pb_table *t);
size_t pb_table_filter_count(const pb_table *t);
const pb_table_filter *pb_table_filter_get(const pb_table *t, size_t i);
size_t pb_table_note_count(const pb_table *t);
const char *pb_table_note(const pb_table *t, size_t i);
size_t pb_table_chart_count(const pb_table *t);
const pb_table_chart *pb_table_chart_get(const pb_table *t, size_t i);

size_t pb_table_column_count(const pb_table *t);
const pb_column *pb_table_column(const pb_table *t, size_t col);
/* Index of the column with `key`, or (size_t)-1. */
size_t pb_table_column_find(const pb_table *t, const char *key);
/* The label column (see pb_table_set_label_column), or (size_t)-1 if the
 * table has no TEXT column. */
size_t pb_table_label_column(const pb_table *t);
size_t pb_table_row_count(const pb_table *t);
pb_row_kind pb_table_row_kind(const pb_table *t, size_t row);
int pb_table_row_level(const pb_table *t, size_t row);

bool pb_table_is_blank(const pb_table *t, size_t row, size_t col);
/* Typed cell readers; the cell must be set and of the matching type. */
const char *pb_table_text(const pb_table *t, size_t row, size_t col);
const pb_amount *pb_table_amount(const pb_table *t, size_t row, size_t col);
const pb_ratio *pb_table_ratio(const pb_table *t, size_t row, size_t col);
pb_indicator pb_table_indicator(const pb_table *t, size_t row, size_t col);
pb_arrow pb_table_arrow(const pb_table *t, size_t row, size_t col);
int64_t pb_table_int(const pb_table *t, size_t row, size_t col);
pb_date pb_table_date(const pb_table *t, size_t row, size_t col);

/* ---- display ------------------------------------------------------------ */

/*
 * Appends the cell's text in `form` to out ("" for a blank cell).  This is
 * where amounts are rounded: once, to the column's (else the table's)
 * places at the table's units, with the table's rule.
 */
void pb_table_cell_format(pb_buf *out, const pb_table *t, size_t row,
                          size_t col, pb_cell_form form);
/* The F/A marker of a VARIANCE cell from its unrounded sign: "A" (> 0),
 * "F" (< 0) or "" (exactly zero, or blank); the column's own words when
 * it has them (pb_table_column_markers). */
const char *pb_table_variance_marker(const pb_table *t, size_t row, size_t col);
/* Formats an amount the way the table's DISPLAY (or PLAIN) form would in
 * a column with negative style `neg` - for chart labels and notes. */
void pb_table_amount_format(pb_buf *out, const pb_table *t, const pb_amount *a,
                            pb_negative neg, pb_cell_form form);

/* Names for people and machines. */
const char *pb_col_type_name(pb_col_type type); /* "amount" ... */
const char *pb_row_kind_name(pb_row_kind kind); /* "detail" ... */
const char *pb_indicator_name(pb_indicator v);  /* "Red" ... */
const char *pb_arrow_symbol(pb_arrow v);        /* "↑", "↓", "-" */
const char *pb_arrow_name(pb_arrow v);          /* "improving" ... */

#endif
