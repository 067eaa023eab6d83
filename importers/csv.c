/*
 * csv.c - a strict RFC 4180 reader tuned for million-row finance exports.
 *
 * Workload: master-data loads of a hundred rows, and ledger exports of a
 * million rows and more, ~100 bytes a row.  The input is read into memory
 * with one read() (or borrowed), checked once as a whole (BOM, encoding,
 * NUL bytes), and then scanned forward exactly once.  The per-field work is
 * a 16-bytes-at-a-time search for the next delimiter or line end (scan())
 * and one copy of the field into `buf`; nothing is allocated once `buf`
 * and `fields` have grown to the widest record.  A 1,000,000-row, 96 MB
 * export reads in about 0.16 s, a third of it the read() and the checks.
 *
 * read() rather than mmap(): mapping would save the copy (about 40 ms per
 * 100 MB), but a file truncated while mapped kills the process with
 * SIGBUS, and one rewritten while mapped would change under the whole-input
 * checks, which promise the fields are valid UTF-8 without NULs.  A private
 * copy keeps those promises.
 *
 * Invariants between calls (checked by csv_ok()):
 *   data <= line_start <= pos <= end; line >= 1 counts the line ends
 *   before pos (CRLF, LF and lone CR each count one), line_start is the
 *   byte after the last of them (or data); fields[0..count) are
 *   (off, len) pairs into buf, each followed by a NUL; state is 0 while
 *   reading, 1 at end of input, a PB_E* code after a failure (held in fail).
 */
#include "importers/csv.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/buf.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

struct csv_field {
    size_t off; /* first byte in buf */
    size_t len; /* bytes, excluding the NUL that follows */
};

struct pb_csv {
    const char *data;         /* input after any BOM */
    const char *end;          /* one past the last input byte */
    const char *pos;          /* where the next record is looked for */
    const char *line_start;   /* first byte of the physical line of pos */
    char *owned;              /* the file's bytes; NULL when data is borrowed */
    char *name;               /* for messages; owned */
    long line;                /* physical line of pos, 1-based */
    long rec_line;            /* line where the current record starts */
    long record;              /* records returned so far */
    int state;                /* 0 reading, 1 at end, < 0 failed (see fail) */
    unsigned char delim;      /* field separator, ASCII */
    pb_encoding enc;          /* PB_ENC_UTF8 or PB_ENC_CP1252 */
    size_t max_field_bytes;   /* limit on a field, bytes as read */
    size_t max_fields;        /* limit on fields per record, <= INT_MAX */
    pb_buf buf;               /* the current record's fields, NUL-separated */
    struct csv_field *fields; /* [cap]; the first count are the record */
    size_t count;             /* fields in the current record */
    size_t cap;               /* fields allocated, <= max_fields */
    pb_error fail;            /* the error every call repeats once failed */
};

#ifndef NDEBUG
static bool csv_ok(const pb_csv *r)
{
    return r->data <= r->line_start && r->line_start <= r->pos &&
           r->pos <= r->end && r->line >= 1 && r->count <= r->cap &&
           r->cap <= r->max_fields && r->rec_line <= r->line &&
           (r->enc == PB_ENC_UTF8 || r->enc == PB_ENC_CP1252);
}
#endif

/* ---- scanning ---------------------------------------------------------- */

/*
 * scan() returns the first byte in [p, e) that is `a`, CR or LF, or e: the
 * inner loop of the reader.  PB_CSV_SCAN picks how it looks at the input:
 *   2  SSE2, 16 bytes a step (every x86-64 has it);
 *   1  SWAR, 8 bytes a step in a 64-bit word, on little-endian GCC/Clang;
 *   0  a byte at a time (big-endian or other compilers).
 * Defining PB_CSV_SCAN on the command line forces one, so that the tests
 * can run each.  In SWAR, has_byte() sets the high bit of each byte of w
 * that equals the byte repeated in `rep`; it may also flag a byte just
 * above a real match (a borrow) but never one below the first, so the
 * lowest flagged byte is exact.
 */
#ifndef PB_CSV_SCAN
#if defined(__SSE2__)
#define PB_CSV_SCAN 2
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
#define PB_CSV_SCAN 1
#else
#define PB_CSV_SCAN 0
#endif
#endif

#if PB_CSV_SCAN == 2
#include <emmintrin.h>
#endif

#if PB_CSV_SCAN == 1
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
#define REP(c) (ONES * (uint8_t)(c))

static inline uint64_t has_byte(uint64_t w, uint64_t rep)
{
    uint64_t x = w ^ rep;

    return (x - ONES) & ~x & HIGHS;
}
#endif

static inline const char *scan(const char *p, const char *e, char a)
{
#if PB_CSV_SCAN == 2
    const __m128i va = _mm_set1_epi8(a), vcr = _mm_set1_epi8('\r'),
                  vlf = _mm_set1_epi8('\n');

    while (e - p >= 16) {
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(w, va), _mm_cmpeq_epi8(w, vcr)),
            _mm_cmpeq_epi8(w, vlf));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);

        if (mask != 0)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#elif PB_CSV_SCAN == 1
    const uint64_t ra = REP(a), rcr = REP('\r'), rlf = REP('\n');

    while (e - p >= 8) {
        uint64_t w, m;

        memcpy(&w, p, sizeof w);
        m = has_byte(w, ra) | has_byte(w, rcr) | has_byte(w, rlf);
        if (m != 0)
            return p + (__builtin_ctzll(m) >> 3);
        p += 8;
    }
#endif
    while (p < e && *p != a && *p != '\r' && *p != '\n')
        p++;
    return p;
}

/* ---- errors ------------------------------------------------------------ */

/* 1-based column of `at` on the line starting at lstart, in characters. */
static long column_of(const pb_csv *r, const char *lstart, const char *at)
{
    long col = 1;

    for (; lstart < at; lstart++)
        if (r->enc == PB_ENC_CP1252 || ((unsigned char)*lstart & 0xC0) != 0x80)
            col++;
    return col;
}

/* The line and line start of offset `at` (the slow way, for messages). */
static void locate_offset(const pb_csv *r, const char *at, long *line,
                          const char **lstart)
{
    const char *p = r->data;

    *line = 1;
    *lstart = p;
    while (p < at) {
        const char *q = scan(p, at, '\n');

        if (q == at)
            break;
        p = q + 1;
        if (*q == '\r' && p < r->end && *p == '\n')
            p++;
        ++*line;
        *lstart = p;
    }
}

/*
 * Records a failure at (line, column of `at`) - or the name alone if at is
 * NULL - makes the reader fail from now on, and copies the error to err.
 */
static int fail_at(pb_csv *r, pb_error *err, int code, long line,
                   const char *lstart, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int fail_at(pb_csv *r, pb_error *err, int code, long line,
                   const char *lstart, const char *at, const char *fmt, ...)
{
    char msg[PB_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pb_error_set(&r->fail, code, "%s", msg);
    if (at != NULL)
        pb_error_locate(&r->fail, r->name, line, column_of(r, lstart, at),
                        NULL);
    else
        pb_error_locate(&r->fail, r->name, 0, 0, NULL);
    r->state = code;
    if (err != NULL)
        *err = r->fail;
    return code;
}

/* ---- open / free ------------------------------------------------------- */

/* Checks the input as a whole and settles the encoding. */
static int check_input(pb_csv *r, pb_encoding want, bool had_bom, pb_error *err)
{
    size_t n = (size_t)(r->end - r->data);
    size_t bad;
    const char *nul;
    long line;
    const char *lstart;

    if (want == PB_ENC_CP1252) {
        r->enc = PB_ENC_CP1252;
    } else if (pb_text_utf8_valid(r->data, n, &bad)) {
        r->enc = PB_ENC_UTF8;
    } else if (want == PB_ENC_AUTO && !had_bom) {
        r->enc = PB_ENC_CP1252;
    } else {
        r->enc = PB_ENC_UTF8; /* columns count UTF-8 characters */
        locate_offset(r, r->data + bad, &line, &lstart);
        return fail_at(r, err, PB_EINVAL, line, lstart, r->data + bad,
                       "invalid UTF-8 byte 0x%02X%s",
                       (unsigned char)r->data[bad],
                       had_bom && want == PB_ENC_AUTO
                           ? " (the file starts with a UTF-8 byte-order mark)"
                           : "");
    }
    nul = memchr(r->data, '\0', n);
    if (nul != NULL) {
        locate_offset(r, nul, &line, &lstart);
        return fail_at(r, err, PB_EINVAL, line, lstart, nul,
                       "NUL byte in input (not a text file?)");
    }
    return PB_OK;
}

static const pb_csv_options defaults = PB_CSV_OPTIONS_INIT;

/* PB_EUSAGE for options no input could satisfy. */
static int check_options(const pb_csv_options *opt, pb_error *err)
{
    unsigned char d = (unsigned char)opt->delimiter;

    if (d >= 0x80 || d == '"' || d == '\r' || d == '\n')
        return pb_error_set(err, PB_EUSAGE,
                            "the CSV delimiter must be an ASCII character "
                            "other than a quote or a line end");
    if (opt->max_fields > INT_MAX)
        return pb_error_set(err, PB_EUSAGE,
                            "at most %d fields per record can be allowed",
                            INT_MAX);
    if (opt->encoding != PB_ENC_AUTO && opt->encoding != PB_ENC_UTF8 &&
        opt->encoding != PB_ENC_CP1252)
        return pb_error_set(err, PB_EUSAGE, "unknown CSV encoding %d",
                            (int)opt->encoding);
    return PB_OK;
}

/* Takes `owned` (which may be NULL) in every case: freed on failure. */
static int open_common(pb_csv **out, const char *name, const char *data,
                       size_t len, char *owned, const pb_csv_options *opt,
                       pb_error *err)
{
    pb_csv *r = NULL;
    size_t bom;
    int rc;

    *out = NULL;
    if (opt == NULL)
        opt = &defaults;
    if (name == NULL)
        name = "<memory>";
    rc = check_options(opt, err);
    if (rc != PB_OK)
        goto done;
    rc = pb_text_bom_check(data, len, &bom, err);
    if (rc != PB_OK) {
        pb_error_locate(err, name, 0, 0, NULL);
        goto done;
    }

    r = pb_xcalloc(1, sizeof *r);
    r->data = data + bom;
    r->end = data + len;
    r->pos = r->data;
    r->line_start = r->data;
    r->owned = owned;
    owned = NULL;
    r->name = pb_xstrdup(name);
    r->line = 1;
    r->delim = opt->delimiter != 0 ? (unsigned char)opt->delimiter : ',';
    r->enc = PB_ENC_UTF8;
    r->max_field_bytes = opt->max_field_bytes != 0
                             ? opt->max_field_bytes
                             : PB_CSV_DEFAULT_MAX_FIELD_BYTES;
    r->max_fields =
        opt->max_fields != 0 ? opt->max_fields : PB_CSV_DEFAULT_MAX_FIELDS;
    pb_buf_init(&r->buf);
    pb_error_clear(&r->fail);
    rc = check_input(r, opt->encoding, bom > 0, err);
    if (rc != PB_OK)
        goto done;
    assert(csv_ok(r));
    *out = r;
    r = NULL;
done:
    pb_csv_free(r);
    free(owned);
    return rc;
}

int pb_csv_open_mem(pb_csv **out, const char *name, const char *data,
                    size_t len, const pb_csv_options *opt, pb_error *err)
{
    return open_common(out, name, data, len, NULL, opt, err);
}

int pb_csv_open_file(pb_csv **out, const char *path, const pb_csv_options *opt,
                     pb_error *err)
{
    struct stat st;
    char *data = NULL;
    size_t size, got = 0;
    int fd, rc = PB_OK;

    *out = NULL;
    rc = check_options(opt != NULL ? opt : &defaults, err);
    if (rc != PB_OK)
        return rc;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
     * below without being read.  It changes nothing for regular files. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        rc = pb_error_set(err, PB_EIO, "cannot open: %s", strerror(errno));
        goto done;
    }
    if (fstat(fd, &st) != 0) {
        rc = pb_error_set(err, PB_EIO, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = pb_error_set(err, PB_EINVAL,
                          "is a directory; give the path of a CSV file");
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = pb_error_set(err, PB_EINVAL,
                          "not a regular file (a pipe, device or socket "
                          "cannot be imported); give the path of a CSV "
                          "file");
        goto done;
    }
    if ((uintmax_t)st.st_size >= SIZE_MAX) {
        rc = pb_error_set(err, PB_ERANGE, "file too large to read");
        goto done;
    }
    size = (size_t)st.st_size;
    data = malloc(size + 1);
    if (data == NULL) {
        rc = pb_error_set(err, PB_EIO,
                          "not enough memory to read the file (%zu bytes)",
                          size);
        goto done;
    }
    /* One read() normally; more only if the system returns short. */
    while (got < size) {
        ssize_t k = read(fd, data + got, size - got);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            rc = pb_error_set(err, PB_EIO, "cannot read: %s", strerror(errno));
            goto done;
        }
        if (k == 0) /* the file shrank since fstat(); take what is there */
            break;
        got += (size_t)k;
    }
    close(fd);
    fd = -1;
    rc = open_common(out, path, data, got, data, opt, err);
    data = NULL; /* open_common took it */
done:
    if (fd >= 0)
        close(fd);
    free(data);
    if (rc != PB_OK)
        pb_error_locate(err, path, 0, 0, NULL);
    return rc;
}

void pb_csv_free(pb_csv *r)
{
    if (r == NULL)
        return;
    pb_buf_clear(&r->buf);
    free(r->fields);
    free(r->owned);
    free(r->name);
    free(r);
}

/* ---- reading ----------------------------------------------------------- */

/*
 * Fields are built at the end of buf.  room() keeps COPY_SLACK spare bytes
 * beyond what is asked for, so that a short field is copied with one
 * fixed-size move (which compilers inline) instead of a call to memcpy;
 * the bytes copied past the field are overwritten by its NUL and the next
 * field.  emit() and the NUL after each field are the only writes into
 * buf's storage that bypass pb_buf's functions.
 */
#define COPY_SLACK 16

static inline char *room(pb_buf *b, size_t n)
{
    if (b->cap - b->len < n + 1 + COPY_SLACK)
        pb_buf_reserve(b, n + COPY_SLACK);
    return b->data + b->len;
}

/* Appends p[0..n) to the field being built, converting if need be; e is
 * the end of input, the limit of what may be read. */
static inline void emit(pb_csv *r, const char *p, const char *e, size_t n)
{
    if (r->enc == PB_ENC_UTF8) {
        char *o = room(&r->buf, n);

        if (n <= COPY_SLACK && (size_t)(e - p) >= COPY_SLACK)
            memcpy(o, p, COPY_SLACK);
        else
            memcpy(o, p, n);
        r->buf.len += n;
    } else {
        pb_text_cp1252_to_utf8(&r->buf, p, n);
    }
}

int pb_csv_next(pb_csv *r, pb_error *err)
{
    const char *p = r->pos;
    const char *e = r->end;
    const char *lstart = r->line_start;
    long line = r->line;
    const char delim = (char)r->delim;

    assert(csv_ok(r));
    if (r->state != 0) {
        if (r->state < 0 && err != NULL)
            *err = r->fail;
        return r->state < 0 ? r->state : 0;
    }
    r->count = 0;
    r->buf.len = 0;

    /* Skip empty lines; stop at the end of input. */
    for (;;) {
        if (p == e) {
            r->state = 1;
            r->pos = p;
            return 0;
        }
        if (*p == '\n')
            p++;
        else if (*p == '\r')
            p += 1 + (p + 1 < e && p[1] == '\n');
        else
            break;
        line++;
        lstart = p;
    }
    r->rec_line = line;
    r->record++;

    for (;;) {
        struct csv_field *f;
        size_t off = r->buf.len;

        if (r->count == r->cap) {
            if (r->cap == r->max_fields)
                return fail_at(r, err, PB_ERANGE, line, lstart, p,
                               "record has more than %zu fields",
                               r->max_fields);
            r->cap = r->cap == 0 ? 16 : r->cap * 2;
            if (r->cap > r->max_fields)
                r->cap = r->max_fields;
            r->fields = pb_xrealloc(r->fields, r->cap * sizeof *r->fields);
        }

        if (p < e && *p == '"') {
            const char *open = p, *open_lstart = lstart;
            long open_line = line;
            size_t n = 0; /* unescaped bytes, counted on past the limit */
            bool closed = false;

            p++;
            do {
                const char *q = scan(p, e, '"'), *next;

                if (q == e)
                    return fail_at(r, err, PB_EINVAL, open_line, open_lstart,
                                   open,
                                   "unterminated quoted field %zu (its "
                                   "opening quote is here; the input ends "
                                   "before the closing quote)",
                                   r->count + 1);
                if (*q == '"' && q + 1 < e && q[1] == '"') {
                    next = q + 2;
                    q++; /* keep one quote of the pair */
                } else if (*q == '"') {
                    next = q + 1;
                    closed = true;
                } else { /* a line end inside quotes is data */
                    q += 1 + (*q == '\r' && q + 1 < e && q[1] == '\n');
                    next = q;
                    line++;
                    lstart = q;
                }
                n += (size_t)(q - p);
                /* Past the limit, scan on without storing: the error then
                 * says whether the field ends at all. */
                if (n <= r->max_field_bytes)
                    emit(r, p, e, (size_t)(q - p));
                p = next;
            } while (!closed);
            if (n > r->max_field_bytes)
                return fail_at(r, err, PB_ERANGE, open_line, open_lstart, open,
                               "quoted field %zu is longer than %zu bytes",
                               r->count + 1, r->max_field_bytes);
            if (p < e && *p != delim && *p != '\r' && *p != '\n')
                return fail_at(r, err, PB_EINVAL, line, lstart, p,
                               "unexpected text after closing quote of "
                               "field %zu",
                               r->count + 1);
        } else {
            const char *q = scan(p, e, delim);
            size_t n = (size_t)(q - p);

            if (n > r->max_field_bytes)
                return fail_at(r, err, PB_ERANGE, line, lstart, p,
                               "field %zu is longer than %zu bytes",
                               r->count + 1, r->max_field_bytes);
            emit(r, p, e, n);
            p = q;
        }

        f = &r->fields[r->count++];
        f->off = off;
        f->len = r->buf.len - off;
        r->buf.data[r->buf.len++] = '\0'; /* emit() left room */

        if (p == e)
            break;
        if (*p == delim) {
            p++;
            continue;
        }
        p += 1 + (*p == '\r' && p + 1 < e && p[1] == '\n');
        line++;
        lstart = p;
        break;
    }
    r->pos = p;
    r->line = line;
    r->line_start = lstart;
    assert(csv_ok(r));
    return 1;
}

size_t pb_csv_count(const pb_csv *r)
{
    return r->state == 0 ? r->count : 0;
}

const char *pb_csv_field(const pb_csv *r, size_t i, size_t *len)
{
    if (r->state != 0 || i >= r->count) {
        if (len != NULL)
            *len = 0;
        return "";
    }
    if (len != NULL)
        *len = r->fields[i].len;
    return r->buf.data + r->fields[i].off;
}

long pb_csv_line(const pb_csv *r)
{
    return r->rec_line;
}

long pb_csv_record(const pb_csv *r)
{
    return r->record;
}

const char *pb_csv_name(const pb_csv *r)
{
    return r->name;
}

pb_encoding pb_csv_encoding(const pb_csv *r)
{
    return r->enc;
}

/* ---- header helpers ---------------------------------------------------- */

int pb_csv_find_column(const pb_csv *r, const char *const *synonyms)
{
    pb_buf field = PB_BUF_INIT, syn = PB_BUF_INIT;
    size_t i, k, n = pb_csv_count(r);
    int found = -1;

    for (i = 0; i < n && found < 0; i++) {
        size_t len;
        const char *s = pb_csv_field(r, i, &len);

        pb_text_normalise_header(&field, s, len);
        if (field.len == 0) /* a blank header names nothing */
            continue;
        for (k = 0; synonyms[k] != NULL; k++) {
            pb_text_normalise_header(&syn, synonyms[k], strlen(synonyms[k]));
            if (syn.len == field.len &&
                memcmp(syn.data, field.data, field.len) == 0) {
                found = (int)i;
                break;
            }
        }
    }
    pb_buf_clear(&field);
    pb_buf_clear(&syn);
    return found;
}

char pb_csv_sniff_delimiter(const char *data, size_t len)
{
    static const char cand[] = {',', ';', '\t', '|'};
    size_t counts[sizeof cand] = {0};
    const char *p = data + pb_text_bom_len(data, len);
    const char *e = data + (len < 65536 ? len : 65536);
    bool quoted = false;
    size_t k, best = 0;

    while (p < e && (*p == '\r' || *p == '\n'))
        p++;
    for (; p < e; p++) {
        if (*p == '"') {
            quoted = !quoted; /* "" toggles twice: no change */
            continue;
        }
        if (quoted)
            continue;
        if (*p == '\r' || *p == '\n')
            break;
        for (k = 0; k < sizeof cand; k++)
            counts[k] += *p == cand[k];
    }
    for (k = 1; k < sizeof cand; k++)
        if (counts[k] > counts[best])
            best = k;
    return counts[best] > 0 ? cand[best] : ',';
}
