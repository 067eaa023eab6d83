/*
 * text.c - UTF-8 validation, Windows-1252 conversion, BOMs, header names.
 *
 * The two byte loops here, pb_text_utf8_valid() and
 * pb_text_cp1252_to_utf8(), run over whole finance exports (100 MB and
 * more) when the CSV reader detects an encoding, so both skip ASCII eight
 * bytes at a time: a 64-bit word with no high bit set is eight ASCII
 * bytes.  Words are loaded with memcpy, which compilers turn into one
 * unaligned load, so no alignment or aliasing rule is bent.  Everything
 * else is small and written for clarity.
 */
#include "importers/text.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#define HIGH_BITS UINT64_C(0x8080808080808080)

static const char utf16_msg[] =
    "UTF-16 files are not supported; save as UTF-8 or CSV (Windows)";
static const char utf32_msg[] =
    "UTF-32 files are not supported; save as UTF-8 or CSV (Windows)";

static uint64_t load64(const unsigned char *p)
{
    uint64_t w;

    memcpy(&w, p, sizeof w);
    return w;
}

/* ---- encodings --------------------------------------------------------- */

int pb_text_encoding_parse(pb_encoding *out, const char *name, pb_error *err)
{
    size_t n = strlen(name);

    if (pb_text_eq_ci(name, n, "auto"))
        *out = PB_ENC_AUTO;
    else if (pb_text_eq_ci(name, n, "utf-8") || pb_text_eq_ci(name, n, "utf8"))
        *out = PB_ENC_UTF8;
    else if (pb_text_eq_ci(name, n, "windows-1252") ||
             pb_text_eq_ci(name, n, "cp1252"))
        *out = PB_ENC_CP1252;
    else
        return pb_error_set(err, PB_EINVAL,
                            "unknown encoding '%s' (expected auto, utf-8 or "
                            "windows-1252)",
                            name);
    return PB_OK;
}

const char *pb_text_encoding_name(pb_encoding enc)
{
    switch (enc) {
    case PB_ENC_UTF8: return "utf-8";
    case PB_ENC_CP1252: return "windows-1252";
    case PB_ENC_AUTO: break;
    }
    return "auto";
}

/* ---- UTF-8 ------------------------------------------------------------- */

bool pb_text_utf8_valid(const char *s, size_t n, size_t *bad_off)
{
    const unsigned char *start = (const unsigned char *)s;
    const unsigned char *p = start;
    const unsigned char *e = start + n;

    while (p < e) {
        unsigned c, lo = 0x80, hi = 0xBF;
        size_t need, i;

        while (e - p >= 8 && (load64(p) & HIGH_BITS) == 0)
            p += 8;
        if (p == e)
            break;
        c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        /* Table 3-7: the lead byte fixes the length and the range of the
         * second byte; later bytes are plain continuations. */
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c == 0xE0) {
            need = 2;
            lo = 0xA0; /* below is overlong */
        } else if (c >= 0xE1 && c <= 0xEF && c != 0xED) {
            need = 2;
        } else if (c == 0xED) {
            need = 2;
            hi = 0x9F; /* above is a surrogate */
        } else if (c == 0xF0) {
            need = 3;
            lo = 0x90; /* below is overlong */
        } else if (c >= 0xF1 && c <= 0xF3) {
            need = 3;
        } else if (c == 0xF4) {
            need = 3;
            hi = 0x8F; /* above is beyond U+10FFFF */
        } else {
            goto bad; /* 80-C1 (continuation, overlong lead) or F5-FF */
        }
        if ((size_t)(e - p) <= need)
            goto bad;
        if (p[1] < lo || p[1] > hi)
            goto bad;
        for (i = 2; i <= need; i++)
            if ((p[i] & 0xC0) != 0x80)
                goto bad;
        p += need + 1;
    }
    return true;
bad:
    if (bad_off != NULL)
        *bad_off = (size_t)(p - start);
    return false;
}

/* ---- Windows-1252 ------------------------------------------------------ */

/* Code points of 0x80-0x9F.  The undefined five map to themselves (C1). */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

void pb_text_cp1252_to_utf8(pb_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *e = p + n;
    unsigned char *o;

    assert(n <= (SIZE_MAX - 1) / 3); /* 3n must not wrap */
    pb_buf_reserve(out, 3 * n);
    o = (unsigned char *)out->data + out->len;
    while (p < e) {
        unsigned cp;

        while (e - p >= 8) {
            uint64_t w = load64(p);

            if ((w & HIGH_BITS) != 0)
                break;
            memcpy(o, &w, sizeof w);
            o += 8;
            p += 8;
        }
        if (p == e)
            break;
        if (*p < 0x80) {
            *o++ = *p++;
            continue;
        }
        cp = *p < 0xA0 ? cp1252_c1[*p - 0x80] : *p;
        p++;
        if (cp < 0x800) {
            *o++ = (unsigned char)(0xC0 | cp >> 6);
            *o++ = (unsigned char)(0x80 | (cp & 0x3F));
        } else {
            *o++ = (unsigned char)(0xE0 | cp >> 12);
            *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
            *o++ = (unsigned char)(0x80 | (cp & 0x3F));
        }
    }
    out->len = (size_t)((char *)o - out->data);
    out->data[out->len] = '\0';
}

/* ---- byte-order marks -------------------------------------------------- */

size_t pb_text_bom_len(const char *s, size_t n)
{
    return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/*
 * UTF-16 without a BOM, as some Windows tools write it: in the first 64
 * bytes, the high byte of every 16-bit unit is NUL and no low byte is (or
 * the reverse, for big-endian).  ASCII text in UTF-16 looks exactly like
 * that; UTF-8 and CP1252 text never does, having no NULs at all.
 */
static bool looks_utf16(const unsigned char *p, size_t n)
{
    size_t units = (n < 64 ? n : 64) / 2;
    size_t zero_even = 0, zero_odd = 0, i;

    if (units == 0)
        return false;
    for (i = 0; i < units; i++) {
        zero_even += p[2 * i] == 0;
        zero_odd += p[2 * i + 1] == 0;
    }
    return (zero_odd == units && zero_even == 0) ||
           (zero_even == units && zero_odd == 0);
}

int pb_text_bom_check(const char *s, size_t n, size_t *bom_len, pb_error *err)
{
    const unsigned char *p = (const unsigned char *)s;

    *bom_len = 0;
    /* UTF-32 LE's BOM begins with UTF-16 LE's, so test it first. */
    if (n >= 4 && memcmp(p, "\xFF\xFE\0\0", 4) == 0)
        return pb_error_set(err, PB_EINVAL, "%s", utf32_msg);
    if (n >= 4 && memcmp(p, "\0\0\xFE\xFF", 4) == 0)
        return pb_error_set(err, PB_EINVAL, "%s", utf32_msg);
    if (n >= 2 &&
        (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0))
        return pb_error_set(err, PB_EINVAL, "%s", utf16_msg);
    *bom_len = pb_text_bom_len(s, n);
    if (*bom_len == 0 && looks_utf16(p, n))
        return pb_error_set(err, PB_EINVAL, "%s", utf16_msg);
    return PB_OK;
}

/* ---- ASCII helpers ----------------------------------------------------- */

static bool is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

void pb_text_trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;

    while (len > 0 && is_space((unsigned char)p[0])) {
        p++;
        len--;
    }
    while (len > 0 && is_space((unsigned char)p[len - 1]))
        len--;
    *s = p;
    *n = len;
}

bool pb_text_eq_ci(const char *s, size_t n, const char *z)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)z[i];

        if (b == '\0' || lower(a) != lower(b))
            return false;
    }
    return z[n] == '\0';
}

/* ---- header names ------------------------------------------------------ */

/* Length of the separator starting at p (before e), or 0. */
static size_t sep_at(const unsigned char *p, const unsigned char *e)
{
    if (is_space(*p) || *p == '_' || *p == '-')
        return 1;
    if (*p == 0xC2 && e - p >= 2 && p[1] == 0xA0)
        return 2;
    return 0;
}

/* Length of the separator ending just before e (after p), or 0. */
static size_t sep_before(const unsigned char *p, const unsigned char *e)
{
    if (e - p >= 1 && sep_at(e - 1, e) == 1)
        return 1;
    if (e - p >= 2 && e[-2] == 0xC2 && e[-1] == 0xA0)
        return 2;
    return 0;
}

static bool ends_with(const unsigned char *p, const unsigned char *e,
                      const char *tail, size_t n)
{
    return (size_t)(e - p) >= n && memcmp(e - n, tail, n) == 0;
}

void pb_text_normalise_header(pb_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *e = p + n;
    unsigned char *o;
    size_t k;

    while ((k = sep_before(p, e)) > 0)
        e -= k;
    if (ends_with(p, e, "(\xC2\xA3)", 4))
        e -= 4;
    else if (ends_with(p, e, "\xC2\xA3", 2))
        e -= 2;
    while ((k = sep_before(p, e)) > 0)
        e -= k;
    while (p < e && (k = sep_at(p, e)) > 0)
        p += k;

    pb_buf_reset(out);
    pb_buf_reserve(out, (size_t)(e - p));
    o = (unsigned char *)out->data;
    while (p < e) {
        if ((k = sep_at(p, e)) > 0) {
            while (p < e && (k = sep_at(p, e)) > 0)
                p += k;
            *o++ = ' '; /* never trailing: e ends on a non-separator */
        } else {
            *o++ = lower(*p++);
        }
    }
    out->len = (size_t)((char *)o - out->data);
    out->data[out->len] = '\0';
}

long pb_text_line_col(const char *s, size_t off, long *col)
{
    const char *nl, *line_start = s;
    long line = 1;

    while ((nl = memchr(line_start, '\n', (size_t)(s + off - line_start))) !=
           NULL) {
        line++;
        line_start = nl + 1;
    }
    if (col != NULL)
        *col = (long)(s + off - line_start) + 1;
    return line;
}
