/*
 * rules.h - import rules: how the records of a finance-system export become
 * journal entries.  A small line-oriented language (docs/importing.md is
 * the user's reference); this module parses it into the compiled form
 * below, which the readers (record.h, xml.h) and the mapping engine
 * (engine.h) read and never change.
 *
 * Contents
 *   pb_rules           the compiled rules: reader settings, field slots,
 *                      date / amount / text settings, matching rules
 *   pb_rules_parse     text -> pb_rules, every error located at its line
 *   pb_rules_free
 *
 * Field slots.  Every field the rules name - declared with `field`, or
 * named in a condition or a {template} - gets one slot, numbered from 0 in
 * order of first mention.  A reader hands out records whose values are
 * indexed by slot, so the engine never looks a name up per row.  A csv
 * slot lists the header names it may have (synonyms, matched in the
 * normal form of pb_text_normalise_header); an xml slot has an XPath
 * relative to the record element.
 *
 * A rules file may start with `preset NAME`: the preset's text is parsed
 * first and the file's directives then override its single settings and
 * add to its matching rules.  Within one text a setting given twice is an
 * error.
 */
#ifndef PB_RULES_H
#define PB_RULES_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "importers/text.h"
#include "ledger/amount.h"
#include "ledger/dim.h"
#include "ledger/error.h"
#include "ledger/sha256.h"

typedef enum pb_rules_reader {
    PB_READER_NONE = 0,
    PB_READER_CSV,
    PB_READER_XML
} pb_rules_reader;

typedef enum pb_rules_header {
    PB_HEADER_YES = 0, /* the first record after `skip` is the header */
    PB_HEADER_NO,      /* no header: `columns` names the fields by place */
    PB_HEADER_AUTO     /* the first of the first 30 records that has a
                          column for every required field */
} pb_rules_header;

typedef enum pb_rules_date {
    PB_RDATE_ISO = 0, /* 2025-03-31 (a time after 'T' is ignored) */
    PB_RDATE_DMY,     /* 31/03/2025, 31-03-2025, 31.03.2025 */
    PB_RDATE_DMON,    /* 31-MAR-25, 31-Mar-2025, 31 Mar 2025 */
    PB_RDATE_YMD,     /* 20250331 */
    PB_RDATE_YYYYPP,  /* 202412: financial year 2024-25, period 12: the
                         period's last day (P0 the year's first day,
                         P13-P16 its last, in that adjustment period) */
    PB_RDATE_YYYYMM,  /* 202503: the calendar month's last day */
    PB_RDATE_MON_YY,  /* MAR-25 (Oracle PERIOD_NAME): the month's last day */
    PB_RDATE_AUTO     /* any of ISO, DMY, DMON, YMD, told apart by shape */
} pb_rules_date;

typedef enum pb_rules_amount {
    PB_RAMOUNT_SIGNED = 0,   /* one signed column */
    PB_RAMOUNT_DEBIT_CREDIT, /* debit column minus credit column */
    PB_RAMOUNT_FLAG          /* a column and a flag column saying its sign */
} pb_rules_amount;

typedef enum pb_rules_cond_op {
    PB_COND_IS = 0,   /* equal, exactly (after trimming the field) */
    PB_COND_STARTS,   /* starts with */
    PB_COND_CONTAINS, /* contains */
    PB_COND_MATCHES   /* POSIX extended regular expression */
} pb_rules_cond_op;

typedef enum pb_rules_action_kind {
    PB_ACT_ACCOUNT = 0, /* the row's account */
    PB_ACT_CONTRA,      /* the other side of the entry */
    PB_ACT_DIM,         /* a dimension of the row's posting */
    PB_ACT_CONTRA_DIM,  /* a dimension of the contra posting */
    PB_ACT_TAG,         /* a tag on the entry */
    PB_ACT_SKIP,        /* leave the row out (footers, pending entries) */
    PB_ACT_REFUSE       /* refuse the whole import with a message */
} pb_rules_action_kind;

/* Where a piece of the rules was written: origin 0 is the first text
 * parsed (a preset, or the file), 1 the file that included a preset. */
typedef struct pb_rules_loc {
    int origin; /* index into pb_rules.origins */
    long line;  /* 1-based line in that text */
} pb_rules_loc;

typedef struct pb_rules_field {
    char *name;       /* as the rules spell it */
    char **synonyms;  /* csv: header names, NULL-terminated (at least the
                         name itself when not declared) */
    char *xpath;      /* xml: expression relative to the record, or NULL */
    bool declared;    /* by `field` / `optional-field` */
    bool optional;    /* may be missing: reads as "" */
    pb_rules_loc loc; /* declaration, else first mention */
} pb_rules_field;

/* A template: literal text and {field} references, concatenated. */
typedef struct pb_tpl_part {
    char *text; /* the literal (slot < 0), else the field name */
    int slot;   /* field slot, or -1 for a literal */
} pb_tpl_part;

typedef struct pb_template {
    pb_tpl_part *parts;
    size_t n; /* 0: the template is unset */
    pb_rules_loc loc;
} pb_template;

typedef struct pb_rules_cond {
    int slot;
    pb_rules_cond_op op;
    bool negate;
    bool icase;  /* matches /.../i */
    char *value; /* is / starts / contains: the text; matches: the regex */
    regex_t re;  /* compiled for PB_COND_MATCHES (REG_EXTENDED|REG_NOSUB) */
    pb_rules_loc loc;
} pb_rules_cond;

typedef struct pb_rules_action {
    pb_rules_action_kind kind;
    pb_dim_kind dim;   /* PB_ACT_DIM, PB_ACT_CONTRA_DIM */
    char *key;         /* PB_ACT_TAG: the tag name */
    pb_template value; /* account, dimension code, tag value, refusal text */
    pb_rules_loc loc;
} pb_rules_action;

/* `if` with its indented actions; rule 0 of pb_rules.rules holds the
 * top-level defaults and has no conditions. */
typedef struct pb_rules_rule {
    pb_rules_cond *conds;
    size_t nconds;
    pb_rules_action *acts;
    size_t nacts;
    pb_rules_loc loc;
} pb_rules_rule;

/* A streamable path: element steps from the root (/a/b) or anywhere
 * (//b), each a name test: local, prefix:local, * or prefix:*. */
typedef struct pb_path_step {
    char *prefix;    /* NULL: no namespace */
    char *local;     /* "*" matches any name */
    bool descendant; /* preceded by // */
} pb_path_step;

typedef struct pb_rules_path {
    pb_path_step *steps;
    size_t n;   /* 0: unset */
    char *text; /* as written */
    pb_rules_loc loc;
} pb_rules_path;

/* The XPaths of a balance record, in pb_rules.balance_xpath. */
enum { PB_BAL_TYPE = 0, PB_BAL_AMOUNT, PB_BAL_FLAG, PB_BAL_COUNT };

typedef struct pb_rules_ns {
    char *prefix;
    char *uri; /* a trailing '*' matches any ending (".001.*") */
} pb_rules_ns;

typedef struct pb_rules {
    char **origins; /* names of the texts parsed: "preset camt053", path */
    size_t norigins;
    char *preset;                   /* the preset included or given, or NULL */
    char sha256[PB_SHA256_HEX_LEN]; /* of every text parsed, in order */

    pb_rules_reader reader;
    /* csv */
    char delimiter; /* 0: sniffed from the first line */
    pb_encoding encoding;
    long skip; /* records before the header */
    pb_rules_header header;
    char **columns; /* header no: names by position */
    size_t ncolumns;
    /* xml */
    pb_rules_ns *ns;
    size_t nns;
    pb_rules_path record;    /* each match is one record */
    pb_rules_path statement; /* groups records for the balance check */
    pb_rules_path balance;   /* balance elements within a statement */
    char *balance_xpath[PB_BAL_COUNT]; /* type, amount, flag (or NULL) */
    pb_rules_loc balance_loc[PB_BAL_COUNT];
    char **opening, **closing; /* balance type codes, NULL-terminated */

    /* field slots */
    pb_rules_field *fields;
    size_t nfields;

    /* mapping */
    char *source; /* source system: the dedupe scope */
    int date_slot;
    pb_rules_date date_format;
    pb_rules_amount amount_mode;
    int amount_slot;             /* SIGNED, FLAG */
    int debit_slot, credit_slot; /* DEBIT_CREDIT */
    int flag_slot;               /* FLAG */
    int add_slot;                /* added to the amount, or -1 */
    char **positive, **negative; /* FLAG values, NULL-terminated */
    pb_amount_syntax number;     /* decimal comma */
    int sign;                    /* +1: positive = debit the row's account
                                    (spend); -1: credit it (receipt) */
    pb_template description, reference, memo, source_ref, group_by;
    bool source_ref_none; /* `source-ref none`: no row dedupe */
    char *suspense;       /* account for unmatched rows, or NULL */
    bool strict;          /* unmatched rows refuse the import */
    bool has_expect_total;
    pb_amount expect_total;

    pb_rules_rule *rules; /* [0] = top-level defaults, then `if` rules */
    size_t nrules;
} pb_rules;

/*
 * Parses rules text[0..len) named `name` in messages (a path, or
 * "preset NAME").  A leading `preset NAME` directive parses that built-in
 * preset first.  On success *out is the caller's to pb_rules_free(); on
 * failure *out is NULL and err is located at name:line (PB_EINVAL), or
 * PB_ENOTFOUND for an unknown preset.  Every check that does not need the
 * input file is made here, so bad rules fail before any file is read.
 */
int pb_rules_parse(pb_rules **out, const char *name, const char *text,
                   size_t len, pb_error *err);

/* The built-in preset `preset` parsed alone (what --preset NAME runs). */
int pb_rules_preset(pb_rules **out, const char *preset, pb_error *err);

/* NULL-safe. */
void pb_rules_free(pb_rules *r);

/* "file.rules:12" or "preset camt053:7" for messages; buf of n bytes. */
const char *pb_rules_where(const pb_rules *r, pb_rules_loc loc, char *buf,
                           size_t n);

/* The name of a date format as the rules write it ("dd/mm/yyyy"). */
const char *pb_rules_date_name(pb_rules_date f);

#endif
