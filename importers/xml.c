/*
 * xml.c - records out of XML exports through libxml2's streaming reader
 * (xmlTextReader), with the safety rules of xml.h.
 *
 * Workload: a camt.053 statement of 100,000 entries (about 100 MB).  The
 * reader walks the document element by element, keeping only the stack of
 * open elements (for the streamable paths of the rules); at a record it
 * expands that one subtree, evaluates the field XPaths against it and
 * skips past it, and libxml2 frees each subtree once passed.  The file is
 * read in 256 KiB chunks through an I/O callback that also hashes what it
 * feeds, so memory does not grow with the file.
 *
 * Invariants: libxml2 never sees a document whose prolog failed
 * pb_xml_check_prolog(); while a reader is open, libxml2's global error
 * handlers and external entity loader are ours (saved and restored: the
 * program reads one XML file at a time); every libxml2 message ends in
 * err, none on stderr.
 */
#include "importers/xml.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "importers/text.h"
#include "ledger/buf.h"
#include "ledger/sha256.h"

#define CHUNK ((size_t)256 << 10)               /* bytes per read */
#define MAX_BYTES ((unsigned long long)1 << 32) /* 4 GiB per file */

/* ---- libxml2's error reporting, captured --------------------------------
 * One capture at a time (the program parses one XML text at a time). */

typedef struct capture {
    char msg[PB_ERROR_MSG_MAX]; /* first error, one line */
    long line;
    long column; /* 0: not known */
    int set;
} capture;

static void capture_error(void *ud, xmlErrorPtr e)
{
    capture *c = ud;
    size_t n;

    if (c == NULL || c->set || e == NULL || e->level < XML_ERR_ERROR)
        return;
    snprintf(c->msg, sizeof c->msg, "%s",
             e->message != NULL ? e->message : "XML error");
    for (n = 0; c->msg[n] != '\0'; n++) {
        if (c->msg[n] == '\n' || c->msg[n] == '\r')
            c->msg[n] = ' ';
    }
    while (n > 0 && c->msg[n - 1] == ' ')
        n--;
    c->msg[n] = '\0';
    c->line = e->line;
    c->column = e->int2 > 0 ? e->int2 : 0; /* libxml2 keeps the column there */
    c->set = 1;
}

static void silent(void *ud, const char *fmt, ...)
{
    (void)ud;
    (void)fmt;
}

/* External entities are never loaded: any attempt is refused here. */
static int entity_attempts;

static xmlParserInputPtr refuse_entity(const char *url, const char *id,
                                       xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    entity_attempts++;
    return NULL;
}

typedef struct saved_globals {
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    xmlStructuredErrorFunc structured;
    void *structured_ctx;
    xmlExternalEntityLoader loader;
} saved_globals;

static void globals_take(saved_globals *s, capture *c)
{
    xmlInitParser();
    s->generic = xmlGenericError;
    s->generic_ctx = xmlGenericErrorContext;
    s->structured = xmlStructuredError;
    s->structured_ctx = xmlStructuredErrorContext;
    s->loader = xmlGetExternalEntityLoader();
    xmlSetGenericErrorFunc(NULL, silent);
    xmlSetStructuredErrorFunc(c, capture_error);
    xmlSetExternalEntityLoader(refuse_entity);
}

static void globals_give_back(const saved_globals *s)
{
    xmlSetGenericErrorFunc(s->generic_ctx, s->generic);
    xmlSetStructuredErrorFunc(s->structured_ctx, s->structured);
    xmlSetExternalEntityLoader(s->loader);
}

int pb_xml_xpath_check(const char *expr, pb_error *err)
{
    saved_globals g;
    capture c;
    xmlXPathCompExprPtr comp;

    memset(&c, 0, sizeof c);
    globals_take(&g, &c);
    comp = xmlXPathCompile((const xmlChar *)expr);
    globals_give_back(&g);
    if (comp != NULL) {
        xmlXPathFreeCompExpr(comp);
        return PB_OK;
    }
    return pb_error_set(err, PB_EINVAL, "XPath \"%s\" does not compile: %s",
                        expr, c.set ? c.msg : "syntax error");
}

/* ---- the prolog ---------------------------------------------------------- */

static bool starts(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);

    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static bool starts_ci(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);

    return (size_t)(end - p) >= n && strncasecmp(p, lit, n) == 0;
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

static const char *find(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);

    for (; (size_t)(end - p) >= n; p++) {
        if (memcmp(p, lit, n) == 0)
            return p;
    }
    return NULL;
}

static int prolog_err(const char *name, const char *data, const char *at,
                      pb_error *err, const char *msg)
{
    pb_error_set(err, PB_EINVAL, "%s", msg);
    pb_error_locate(err, name, pb_text_line_col(data, (size_t)(at - data), NULL), 0,
                    NULL);
    return PB_EINVAL;
}

/* The encoding="..." of an XML declaration [p, end): only UTF-8 (or its
 * ASCII subset) is read. */
static int check_encoding(const char *name, const char *data, const char *p,
                          const char *end, pb_error *err)
{
    const char *e = find(p, end, "encoding");
    const char *v, *close;
    char enc[40];
    size_t n;

    if (e == NULL)
        return PB_OK;
    v = skip_ws(e + 8, end);
    if (v >= end || *v != '=')
        return PB_OK; /* malformed: libxml2 says so */
    v = skip_ws(v + 1, end);
    if (v >= end || (*v != '"' && *v != '\''))
        return PB_OK;
    close = memchr(v + 1, *v, (size_t)(end - v - 1));
    if (close == NULL)
        return PB_OK;
    n = (size_t)(close - v - 1);
    snprintf(enc, sizeof enc, "%.*s", (int)(n < 39 ? n : 39), v + 1);
    if (strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0 ||
        strcasecmp(enc, "US-ASCII") == 0 || strcasecmp(enc, "ASCII") == 0)
        return PB_OK;
    pb_error_set(err, PB_EINVAL,
                 "the document declares encoding \"%s\"; only UTF-8 XML is "
                 "read (save or export it as UTF-8)",
                 enc);
    pb_error_locate(err, name, pb_text_line_col(data, (size_t)(e - data), NULL), 0,
                    NULL);
    return PB_EINVAL;
}

/* Checks a DOCTYPE from p (at "<!DOCTYPE").  Finance exports never carry
 * an internal subset, and only there can a document declare entities, so
 * any subset is refused outright - scanning its declarations instead would
 * have to follow their grammar exactly (a ']' or a quote inside a
 * processing instruction must not end the scan early).  Sets *after past
 * the closing '>', or NULL if it does not end in the data. */
static int check_doctype(const char *name, const char *data, const char *p,
                         const char *end, const char **after, pb_error *err)
{
    const char *q = p + 9;

    *after = NULL;
    while (q < end) {
        if (*q == '"' || *q == '\'') {
            const char *close = memchr(q + 1, *q, (size_t)(end - q - 1));

            if (close == NULL)
                return PB_OK;
            q = close + 1;
        } else if (*q == '[') {
            return prolog_err(name, data, q, err,
                              "the document's DOCTYPE has an internal subset, "
                              "where entities are declared; refused (entity "
                              "expansion can read local files or exhaust "
                              "memory: XXE, billion laughs; finance exports "
                              "have no subset)");
        } else if (*q == '>') {
            *after = q + 1;
            return PB_OK;
        } else {
            q++;
        }
    }
    return PB_OK;
}

/* The prolog check; *root (if not NULL) says whether a root element's
 * start tag follows the prolog in the data. */
static int scan_prolog(const char *name, const char *data, size_t len,
                       int complete, int *root, pb_error *err)
{
    const char *p = data, *end = data + len;
    int rc;

    if (root != NULL)
        *root = 0;
    if (len >= 4 && ((memcmp(p, "\x00\x00\xFE\xFF", 4) == 0) ||
                     memcmp(p, "\xFF\xFE\x00\x00", 4) == 0))
        return prolog_err(name, data, p, err,
                          "UTF-32 XML is not read; save it as UTF-8");
    if (len >= 2 &&
        (memcmp(p, "\xFE\xFF", 2) == 0 || memcmp(p, "\xFF\xFE", 2) == 0 ||
         (p[0] == '\0' || p[1] == '\0')))
        return prolog_err(name, data, p, err,
                          "UTF-16 XML is not read; save it as UTF-8");
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    p = skip_ws(p, end);
    if (starts(p, end, "OFXHEADER:"))
        return prolog_err(name, data, p, err,
                          "this is an OFX 1.x file (SGML, not XML); export "
                          "the statement as OFX 2 (XML) instead");
    if (p == end || *p != '<')
        return prolog_err(name, data, p, err,
                          "not an XML document (it does not start with "
                          "'<')");
    if (starts(p, end, "<?xml") && p + 5 < end &&
        (p[5] == ' ' || p[5] == '\t' || p[5] == '\r' || p[5] == '\n')) {
        const char *close = find(p, end, "?>");

        if (close == NULL)
            goto incomplete;
        if ((rc = check_encoding(name, data, p, close, err)) != PB_OK)
            return rc;
        p = close + 2;
    }
    for (;;) {
        const char *close;

        p = skip_ws(p, end);
        if (p == end)
            goto incomplete;
        if (starts(p, end, "<!--")) {
            if ((close = find(p + 4, end, "-->")) == NULL)
                goto incomplete;
            p = close + 3;
        } else if (starts(p, end, "<?")) {
            if ((close = find(p + 2, end, "?>")) == NULL)
                goto incomplete;
            p = close + 2;
        } else if (starts_ci(p, end, "<!DOCTYPE")) {
            if ((rc = check_doctype(name, data, p, end, &close, err)) != PB_OK)
                return rc;
            if (close == NULL)
                goto incomplete;
            p = close;
        } else {
            /* the root element, or junk libxml2 reports */
            if (root != NULL && p + 1 < end &&
                ((p[1] >= 'A' && p[1] <= 'Z') ||
                 (p[1] >= 'a' && p[1] <= 'z') || p[1] == '_' ||
                 p[1] == ':' || (unsigned char)p[1] >= 0x80))
                *root = 1;
            return PB_OK;
        }
    }
incomplete:
    if (complete)
        return PB_OK; /* libxml2 reports the truncation */
    return prolog_err(name, data, data, err,
                      "the document has more than 1 MiB before its root "
                      "element; refused");
}

int pb_xml_check_prolog(const char *name, const char *data, size_t len,
                        int complete, pb_error *err)
{
    return scan_prolog(name, data, len, complete, NULL, err);
}

/* ---- the reader ---------------------------------------------------------- */

/* An open element.  The names are the reader's own (its dictionary):
 * they live as long as the reader, so they are borrowed, not copied. */
typedef struct elem {
    const char *ns; /* namespace URI or NULL */
    const char *local;
    long line;
} elem;

typedef enum { ADV_READ = 0, ADV_NEXT } advance;

typedef struct xml_reader {
    pb_reader base;
    const pb_rules *rules;
    char *name;
    int fd;
    /* input */
    char *head; /* the first bytes, read for the prolog check */
    size_t head_len, head_pos;
    unsigned long long fed; /* bytes handed to libxml2 */
    pb_sha256 *hash;
    char expect[PB_SHA256_HEX_LEN]; /* "" = no check */
    int io_errno;
    int too_big;
    /* libxml2 */
    saved_globals globals;
    int globals_taken;
    capture cap;
    xmlTextReaderPtr xr;
    xmlXPathContextPtr xp;
    xmlXPathCompExprPtr *comp; /* per field slot */
    const char **field_names;  /* per field slot, borrowed from rules */
    pb_rules_loc *field_locs;
    xmlXPathCompExprPtr bal[PB_BAL_COUNT];
    char **bound; /* per rules->ns: the URI registered */
    /* walk */
    elem stack[PB_XML_MAX_DEPTH + 1];
    int depth;      /* elements on the stack */
    int stmt_depth; /* depth of the open statement, or -1 */
    long stmt_line;
    advance adv;
    int done, root_seen, root_closed;
    int has_root;               /* the prolog scan found a root start tag */
    int eof; /* the file was read to its end */
    /* the current record */
    pb_buf *vals; /* max(nfields, PB_BAL_COUNT) */
    const char **values;
    size_t *lens;
    size_t nvals;
    pb_record rec;
    long rows, balances, groups;
} xml_reader;

static int io_read(void *ctx, char *buf, int len)
{
    xml_reader *x = ctx;
    ssize_t n;

    if (x->head_pos < x->head_len) {
        size_t k = x->head_len - x->head_pos;

        if (k > (size_t)len)
            k = (size_t)len;
        memcpy(buf, x->head + x->head_pos, k);
        x->head_pos += k;
        pb_sha256_update(x->hash, buf, k);
        x->fed += k;
        if (x->head_pos == x->head_len) { /* fed: the rest is streamed */
            free(x->head);
            x->head = NULL;
            x->head_len = x->head_pos = 0;
        }
        return (int)k;
    }
    do {
        n = read(x->fd, buf, (size_t)len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        x->io_errno = errno;
        return -1;
    }
    if (n == 0)
        x->eof = 1;
    x->fed += (unsigned long long)n;
    if (x->fed > MAX_BYTES) {
        x->too_big = 1;
        return -1;
    }
    pb_sha256_update(x->hash, buf, (size_t)n);
    return (int)n;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0; /* the fd is closed by pb_reader_free */
}

static void xml_free(pb_reader *base)
{
    xml_reader *x = (xml_reader *)base;
    size_t i;
    int k;

    if (x == NULL)
        return;
    if (x->xp != NULL)
        xmlXPathFreeContext(x->xp);
    if (x->xr != NULL)
        xmlFreeTextReader(x->xr);
    for (i = 0; x->comp != NULL && i < x->rules->nfields; i++) {
        if (x->comp[i] != NULL)
            xmlXPathFreeCompExpr(x->comp[i]);
    }
    free(x->comp);
    free(x->field_names);
    free(x->field_locs);
    for (k = 0; k < PB_BAL_COUNT; k++) {
        if (x->bal[k] != NULL)
            xmlXPathFreeCompExpr(x->bal[k]);
    }
    for (i = 0; x->bound != NULL && i < x->rules->nns; i++)
        free(x->bound[i]);
    free(x->bound);
    for (i = 0; i < x->nvals; i++)
        pb_buf_clear(&x->vals[i]);
    free(x->vals);
    free(x->values);
    free(x->lens);
    if (x->globals_taken)
        globals_give_back(&x->globals);
    if (x->fd >= 0)
        close(x->fd);
    pb_sha256_free(x->hash);
    free(x->head);
    free(x->name);
    free(x);
}

/* Fails with err located at the file and line. */
static int xfail(xml_reader *x, pb_error *err, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int xfail(xml_reader *x, pb_error *err, long line, const char *fmt, ...)
{
    char msg[PB_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pb_error_set(err, PB_EINVAL, "%s", msg);
    pb_error_locate(err, x->name, line, 0, NULL);
    x->done = -1;
    return PB_EINVAL;
}

/* libxml2's own first error, at its line and column. */
static int xfail_parser(xml_reader *x, pb_error *err)
{
    pb_error_set(err, PB_EINVAL, "XML is not well-formed: %s", x->cap.msg);
    pb_error_locate(err, x->name, x->cap.line, x->cap.column, NULL);
    x->done = -1;
    return PB_EINVAL;
}

/* The reason the last libxml2 call failed. */
static int parse_failed(xml_reader *x, pb_error *err)
{
    if (x->io_errno != 0) {
        pb_error_set(err, PB_EIO, "cannot read: %s", strerror(x->io_errno));
        pb_error_locate(err, x->name, 0, 0, NULL);
        x->done = -1;
        return PB_EIO;
    }
    if (x->too_big)
        return xfail(x, err, 0, "the file is larger than 4 GiB; refused");
    if (entity_attempts > 0)
        return xfail(x, err, x->cap.line,
                     "the document refers to an external entity or DTD; "
                     "refused");
    if (x->cap.set && !x->root_seen && !x->has_root)
        return xfail(x, err, x->cap.line,
                     "no root element could be read: the document is empty "
                     "or not well-formed");
    if (x->cap.set && x->eof && !x->root_closed)
        return xfail(x, err, x->cap.line,
                     "the document ends before its elements are closed "
                     "(is the file truncated?)");
    if (x->cap.set)
        return xfail_parser(x, err);
    return xfail(x, err, xmlTextReaderGetParserLineNumber(x->xr),
                 "XML is not well-formed");
}

static bool ns_match(const char *pattern, const char *uri)
{
    size_t n = strlen(pattern);

    if (uri == NULL)
        return false;
    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, uri, n - 1) == 0;
    return strcmp(pattern, uri) == 0;
}

static const char *ns_pattern(const pb_rules *r, const char *prefix)
{
    size_t i;

    for (i = 0; i < r->nns; i++) {
        if (strcmp(r->ns[i].prefix, prefix) == 0)
            return r->ns[i].uri;
    }
    return NULL;
}

static bool step_match(const pb_rules *r, const pb_path_step *st, const elem *e)
{
    bool any = strcmp(st->local, "*") == 0;

    if (!any && strcmp(st->local, e->local) != 0)
        return false;
    if (st->prefix == NULL)
        return any || e->ns == NULL; /* as XPath: * is any namespace */
    return ns_match(ns_pattern(r, st->prefix), e->ns);
}

static bool path_match_from(const pb_rules *r, const pb_rules_path *path,
                            size_t i, const elem *stack, int j, int n)
{
    int k;

    if (i == path->n)
        return j == n;
    if (j == n)
        return false;
    if (!path->steps[i].descendant)
        return step_match(r, &path->steps[i], &stack[j]) &&
               path_match_from(r, path, i + 1, stack, j + 1, n);
    for (k = j; k < n; k++) {
        if (step_match(r, &path->steps[i], &stack[k]) &&
            path_match_from(r, path, i + 1, stack, k + 1, n))
            return true;
    }
    return false;
}

static bool path_match(const xml_reader *x, const pb_rules_path *path)
{
    return path->n > 0 &&
           path_match_from(x->rules, path, 0, x->stack, 0, x->depth);
}

/* The root must match an absolute record path's first step: a statement
 * of another kind or version is refused here, by name. */
static int check_root(xml_reader *x, pb_error *err)
{
    const pb_rules_path *path = &x->rules->record;
    const pb_path_step *st = &path->steps[0];
    const elem *root = &x->stack[0];
    char want[400];

    x->root_seen = 1;
    if (st->descendant || step_match(x->rules, st, root))
        return PB_OK;
    if (st->prefix != NULL)
        snprintf(want, sizeof want, "%s:%s with %s = %s", st->prefix, st->local,
                 st->prefix, ns_pattern(x->rules, st->prefix));
    else
        snprintf(want, sizeof want, "%s in no namespace", st->local);
    if (root->ns != NULL)
        return xfail(x, err, root->line,
                     "the root element is %s in namespace %s; the rules "
                     "expect %s",
                     root->local, root->ns, want);
    return xfail(x, err, root->line,
                 "the root element is %s in no namespace; the rules "
                 "expect %s",
                 root->local, want);
}

/* Registers each declared prefix with the URI the document uses for it
 * (the first open element matching its pattern). */
static void bind_namespaces(xml_reader *x)
{
    const pb_rules *r = x->rules;
    size_t i;
    int k;

    for (i = 0; i < r->nns; i++) {
        const char *uri = NULL;

        if (x->bound[i] != NULL)
            continue;
        for (k = 0; k < x->depth && uri == NULL; k++) {
            if (ns_match(r->ns[i].uri, x->stack[k].ns))
                uri = x->stack[k].ns;
        }
        if (uri == NULL && strchr(r->ns[i].uri, '*') != NULL)
            continue; /* nothing in the document uses it yet */
        x->bound[i] = pb_xstrdup(uri != NULL ? uri : r->ns[i].uri);
        xmlXPathRegisterNs(x->xp, (const xmlChar *)r->ns[i].prefix,
                           (const xmlChar *)x->bound[i]);
    }
}

static int eval_into(xml_reader *x, xmlNodePtr node, xmlXPathCompExprPtr comp,
                     const char *what, pb_rules_loc loc, size_t k,
                     pb_error *err)
{
    xmlXPathObjectPtr res;
    xmlChar *s;
    char where[300];
    size_t n;

    x->xp->node = node;
    x->cap.set = 0;
    res = xmlXPathCompiledEval(comp, x->xp);
    if (res == NULL)
        return xfail(x, err, xmlGetLineNo(node),
                     "%s: the XPath (%s) failed: %s", what,
                     pb_rules_where(x->rules, loc, where, sizeof where),
                     x->cap.set ? x->cap.msg : "evaluation error");
    s = xmlXPathCastToString(res);
    xmlXPathFreeObject(res);
    if (s == NULL)
        return xfail(x, err, xmlGetLineNo(node), "%s: out of memory", what);
    n = strlen((const char *)s);
    if (n > PB_XML_MAX_FIELD) {
        xmlFree(s);
        return xfail(x, err, xmlGetLineNo(node),
                     "%s: the value is longer than %zu bytes", what,
                     PB_XML_MAX_FIELD);
    }
    pb_buf_reset(&x->vals[k]);
    pb_buf_add(&x->vals[k], s, n);
    x->values[k] = pb_buf_str(&x->vals[k]);
    x->lens[k] = n;
    xmlFree(s);
    return PB_OK;
}

/* A record's subtree is expanded whole, so the reader's own check of each
 * node it visits never sees inside it: an entity reference there (from a
 * DTD the prolog check let through) is refused here, before any XPath
 * could expand it into a value. */
static int refuse_entity_refs(xml_reader *x, xmlNodePtr top, pb_error *err)
{
    xmlNodePtr n = top->children;

    while (n != NULL && n != top) {
        if (n->type == XML_ENTITY_REF_NODE)
            return xfail(x, err, xmlGetLineNo(n),
                         "the document uses an entity reference; refused");
        if (n->children != NULL && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n != top && n->next == NULL)
            n = n->parent;
        if (n != top)
            n = n->next;
    }
    return PB_OK;
}

/* Expands the current element and evaluates `n` expressions into
 * values[0..n). */
static int expand(xml_reader *x, xmlXPathCompExprPtr *comps,
                  const char *const *names, const pb_rules_loc *locs, size_t n,
                  pb_error *err)
{
    xmlNodePtr node = xmlTextReaderExpand(x->xr);
    size_t k;
    int rc;

    if (node == NULL)
        return parse_failed(x, err);
    if ((rc = refuse_entity_refs(x, node, err)) != PB_OK)
        return rc;
    if (x->xp == NULL) {
        x->xp = xmlXPathNewContext(node->doc);
        if (x->xp == NULL)
            return xfail(x, err, 0, "out of memory");
    }
    bind_namespaces(x);
    for (k = 0; k < n; k++) {
        if (comps[k] == NULL) {
            x->values[k] = "";
            x->lens[k] = 0;
            continue;
        }
        rc = eval_into(x, node, comps[k], names[k], locs[k], k, err);
        if (rc != PB_OK)
            return rc;
    }
    x->rec.line = xmlGetLineNo(node);
    x->rec.count = n;
    return PB_OK;
}

static int push(xml_reader *x, int depth, pb_error *err)
{
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(x->xr);
    const char *local = (const char *)xmlTextReaderConstLocalName(x->xr);
    elem *e;

    if (depth >= PB_XML_MAX_DEPTH)
        return xfail(x, err, xmlTextReaderGetParserLineNumber(x->xr),
                     "elements are nested more than %d deep; refused",
                     PB_XML_MAX_DEPTH);
    e = &x->stack[depth];
    e->ns = ns;
    e->local = local != NULL ? local : "";
    e->line = xmlGetLineNo(xmlTextReaderCurrentNode(x->xr));
    x->depth = depth + 1;
    return PB_OK;
}

/* The end of input: the file must be read to its end and unchanged. */
static int finish(xml_reader *x, pb_error *err)
{
    char buf[65536];
    uint8_t digest[PB_SHA256_LEN];
    char hex[PB_SHA256_HEX_LEN];
    ssize_t n;

    while ((n = read(x->fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            x->io_errno = errno;
            return parse_failed(x, err);
        }
        pb_sha256_update(x->hash, buf, (size_t)n);
    }
    pb_sha256_final(x->hash, digest);
    x->hash = NULL;
    pb_sha256_hex(digest, hex);
    if (x->expect[0] != '\0' && strcmp(hex, x->expect) != 0)
        return xfail(x, err, 0,
                     "the file changed while it was being read; import it "
                     "again");
    assert(x->root_seen); /* else libxml2 fails first */
    x->done = 1;
    return 0;
}

static int xml_next(pb_reader *base, const pb_record **out, pb_error *err)
{
    xml_reader *x = (xml_reader *)base;
    const pb_rules *r = x->rules;
    int ret, rc;

    if (x->done > 0)
        return 0;
    if (x->done < 0)
        return pb_error_set(err, PB_EINVAL, "the XML reader failed before");
    for (;;) {
        int type, depth;

        ret = x->adv == ADV_NEXT ? xmlTextReaderNext(x->xr)
                                 : xmlTextReaderRead(x->xr);
        x->adv = ADV_READ;
        if (ret == 0)
            return finish(x, err);
        if (ret < 0 || x->io_errno != 0 || x->too_big)
            return parse_failed(x, err);
        type = xmlTextReaderNodeType(x->xr);
        depth = xmlTextReaderDepth(x->xr);
        if (type == XML_READER_TYPE_ENTITY_REFERENCE)
            return xfail(x, err, xmlTextReaderGetParserLineNumber(x->xr),
                         "the document uses an entity reference; refused");
        if (type == XML_READER_TYPE_END_ELEMENT && depth == 0)
            x->root_closed = 1;
        if (type == XML_READER_TYPE_END_ELEMENT && depth == x->stmt_depth) {
            x->stmt_depth = -1;
            goto group_end;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        if ((rc = push(x, depth, err)) != PB_OK)
            return rc;
        if (depth == 0 && (rc = check_root(x, err)) != PB_OK)
            return rc;
        if (path_match(x, &r->record)) {
            rc = expand(x, x->comp, x->field_names, x->field_locs, r->nfields,
                        err);
            if (rc != PB_OK)
                return rc;
            x->adv = ADV_NEXT;
            x->rec.kind = PB_RECORD_ROW;
            x->rec.number = ++x->rows;
            *out = &x->rec;
            return 1;
        }
        if (x->stmt_depth >= 0 && path_match(x, &r->balance)) {
            static const char *const names[PB_BAL_COUNT] = {
                "balance-type", "balance-amount", "balance-flag"};

            rc = expand(x, x->bal, names, r->balance_loc, PB_BAL_COUNT, err);
            if (rc != PB_OK)
                return rc;
            x->adv = ADV_NEXT;
            x->rec.kind = PB_RECORD_BALANCE;
            x->rec.number = ++x->balances;
            *out = &x->rec;
            return 1;
        }
        if (path_match(x, &r->statement) ||
            (r->balance.n > 0 && r->statement.n == 0 && depth == 0)) {
            x->stmt_depth = depth;
            x->stmt_line = x->stack[depth].line;
            if (xmlTextReaderIsEmptyElement(x->xr)) {
                x->stmt_depth = -1;
                goto group_end;
            }
        }
        continue;
    group_end:
        x->rec.kind = PB_RECORD_GROUP_END;
        x->rec.line = x->stmt_line;
        x->rec.number = ++x->groups;
        x->rec.count = 0;
        *out = &x->rec;
        return 1;
    }
}

static const pb_reader_ops xml_ops = {xml_next, xml_free};

int pb_xml_open(pb_reader **out, const char *path, const char *name,
                const pb_rules *rules, const char *expect_sha256, pb_error *err)
{
    xml_reader *x;
    struct stat sb;
    size_t i, n;
    int k, rc;

    *out = NULL;
    x = pb_xcalloc(1, sizeof *x);
    x->base.ops = &xml_ops;
    x->rules = rules;
    x->name = pb_xstrdup(name);
    x->stmt_depth = -1;
    x->hash = pb_sha256_new();
    if (expect_sha256 != NULL)
        snprintf(x->expect, sizeof x->expect, "%s", expect_sha256);
    x->fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (x->fd < 0 || fstat(x->fd, &sb) != 0) {
        pb_error_set(err, PB_EIO, "cannot open: %s", strerror(errno));
        pb_error_locate(err, name, 0, 0, NULL);
        rc = PB_EIO;
        goto fail;
    }
    if (!S_ISREG(sb.st_mode)) {
        pb_error_set(err, PB_EINVAL, "not a regular file");
        pb_error_locate(err, name, 0, 0, NULL);
        rc = PB_EINVAL;
        goto fail;
    }
    /* The head: enough of the file to hold its prolog. */
    x->head = pb_xmalloc(PB_XML_MAX_PROLOG);
    while (x->head_len < PB_XML_MAX_PROLOG) {
        ssize_t got =
            read(x->fd, x->head + x->head_len, PB_XML_MAX_PROLOG - x->head_len);

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            pb_error_set(err, PB_EIO, "cannot read: %s", strerror(errno));
            pb_error_locate(err, name, 0, 0, NULL);
            rc = PB_EIO;
            goto fail;
        }
        if (got == 0)
            break;
        x->head_len += (size_t)got;
    }
    rc = scan_prolog(name, x->head, x->head_len,
                     x->head_len < PB_XML_MAX_PROLOG, &x->has_root, err);
    if (rc != PB_OK)
        goto fail;

    /* Compile the XPaths (syntax was checked with the rules). */
    x->comp = pb_xcalloc(rules->nfields + 1, sizeof *x->comp);
    x->field_names = pb_xcalloc(rules->nfields + 1, sizeof(char *));
    x->field_locs = pb_xcalloc(rules->nfields + 1, sizeof(pb_rules_loc));
    memset(&x->cap, 0, sizeof x->cap);
    globals_take(&x->globals, &x->cap);
    x->globals_taken = 1;
    entity_attempts = 0;
    for (i = 0; i < rules->nfields; i++) {
        x->field_names[i] = rules->fields[i].name;
        x->field_locs[i] = rules->fields[i].loc;
        x->comp[i] = xmlXPathCompile((const xmlChar *)rules->fields[i].xpath);
        if (x->comp[i] == NULL) {
            rc = xfail(x, err, 0, "field %s: the XPath does not compile",
                       rules->fields[i].name);
            goto fail;
        }
    }
    for (k = 0; k < PB_BAL_COUNT; k++) {
        if (rules->balance_xpath[k] != NULL &&
            (x->bal[k] = xmlXPathCompile(
                 (const xmlChar *)rules->balance_xpath[k])) == NULL) {
            rc = xfail(x, err, 0, "a balance XPath does not compile");
            goto fail;
        }
    }
    x->bound = pb_xcalloc(rules->nns + 1, sizeof *x->bound);
    n = rules->nfields > PB_BAL_COUNT ? rules->nfields : PB_BAL_COUNT;
    x->nvals = n;
    x->vals = pb_xcalloc(n, sizeof *x->vals);
    x->values = pb_xcalloc(n, sizeof *x->values);
    x->lens = pb_xcalloc(n, sizeof *x->lens);
    for (i = 0; i < n; i++)
        x->values[i] = "";
    x->rec.values = x->values;
    x->rec.lens = x->lens;

    x->xr =
        xmlReaderForIO(io_read, io_close, x, name, "UTF-8",
                       XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT |
                           XML_PARSE_BIG_LINES | XML_PARSE_IGNORE_ENC);
    if (x->xr == NULL) {
        rc = parse_failed(x, err);
        goto fail;
    }
    xmlTextReaderSetStructuredErrorHandler(x->xr, capture_error, &x->cap);
    *out = &x->base;
    return PB_OK;
fail:
    xml_free(&x->base);
    return rc;
}
