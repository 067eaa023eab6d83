/*
 * text.h - byte-level text helpers shared by the importers.
 *
 * Contents
 *   pb_encoding      the encodings importers read, by name
 *   UTF-8            strict validation (the check behind encoding detection)
 *   Windows-1252     conversion to UTF-8 (Excel "CSV" saves are CP1252)
 *   byte-order marks skipping UTF-8's, refusing UTF-16's and UTF-32's
 *   ASCII helpers    trimming, case-insensitive comparison
 *   header names     the normal form CSV headers are matched in
 *
 * Inside poolbook all text is UTF-8.  Importers meet other encodings only
 * at the edge, and convert there with these functions.  Everything here
 * works on (pointer, length) pairs that need not be NUL-terminated, never
 * allocates except through a pb_buf the caller passes, and cannot fail
 * except where an int is returned.  "ASCII whitespace" below means space,
 * \t, \n, \v, \f and \r.
 */
#ifndef PB_TEXT_H
#define PB_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "ledger/buf.h"
#include "ledger/error.h"

/* ---- encodings --------------------------------------------------------- */

typedef enum pb_encoding {
    PB_ENC_AUTO = 0, /* "auto": UTF-8 if the whole input is, else CP1252 */
    PB_ENC_UTF8,     /* "utf-8": invalid bytes are errors */
    PB_ENC_CP1252    /* "windows-1252" (also "cp1252"): every byte is valid */
} pb_encoding;

/* Parses an encoding name as users type it ("auto", "utf-8", "utf8",
 * "windows-1252", "cp1252"; any case).  Returns PB_OK, or PB_EINVAL naming
 * the accepted names; *out is unchanged on failure. */
int pb_text_encoding_parse(pb_encoding *out, const char *name, pb_error *err);
/* The encoding's canonical name as listed above. */
const char *pb_text_encoding_name(pb_encoding enc);

/* ---- UTF-8 ------------------------------------------------------------- */

/*
 * Whether s[0..n) is well-formed UTF-8 in the strict sense of the Unicode
 * Standard, table 3-7: no overlong forms (C0 80, E0 80 80, ...), no surrogates
 * (ED A0 80 .. ED BF BF), nothing above U+10FFFF (F4 90 80 80, F5..FF), no
 * stray continuation bytes, no truncated sequences.  U+0000 is valid.
 * On failure, if bad_off is not NULL, *bad_off is set to the offset of the
 * first byte of the first ill-formed sequence (for a multi-byte sequence
 * that is cut short or has a bad continuation byte, its lead byte);
 * otherwise *bad_off is not touched.  Runs at memory speed on ASCII.
 */
bool pb_text_utf8_valid(const char *s, size_t n, size_t *bad_off);

/* ---- Windows-1252 ------------------------------------------------------ */

/*
 * Appends s[0..n), read as Windows-1252, to `out` as UTF-8; `out` keeps
 * its previous contents.  Every byte converts (the function cannot fail):
 * 0x00-0x7F are copied, 0xA0-0xFF become U+00A0-U+00FF (0xA3 -> "£",
 * C2 A3), 0x80-0x9F follow Microsoft's table (0x80 -> "€", 0x92 -> "’",
 * 0x96 -> "–", ...).  The five bytes the table leaves undefined, 0x81,
 * 0x8D, 0x8F, 0x90 and 0x9D, become the C1 control characters of the same
 * value (0x81 -> U+0081), as Windows itself and the WHATWG encoding
 * standard do: the conversion is then lossless and reversible, where
 * U+FFFD would destroy the byte.  Output is at most 3n bytes.
 */
void pb_text_cp1252_to_utf8(pb_buf *out, const char *s, size_t n);

/* ---- byte-order marks -------------------------------------------------- */

/* 3 if s[0..n) starts with the UTF-8 byte-order mark EF BB BF, else 0. */
size_t pb_text_bom_len(const char *s, size_t n);

/*
 * The check an importer makes on the first bytes of its input before it
 * reads anything.  Returns PB_OK and sets *bom_len to the number of bytes
 * to skip (3 for a UTF-8 BOM, else 0).  Returns PB_EINVAL, with the message
 * "UTF-16 files are not supported; save as UTF-8 or CSV (Windows)" (or the
 * same for UTF-32), when the input starts with a UTF-16 or UTF-32 BOM, or
 * has no BOM but plainly is UTF-16 (a NUL in every other byte of its start,
 * as Excel's "Unicode Text" writes); *bom_len is then 0.  bom_len must not
 * be NULL.
 */
int pb_text_bom_check(const char *s, size_t n, size_t *bom_len, pb_error *err);

/* ---- positions --------------------------------------------------------- */

/* The 1-based line and column (in bytes) of offset off in s, lines ending
 * at '\n'.  col may be NULL. */
long pb_text_line_col(const char *s, size_t off, long *col);

/* ---- ASCII helpers ----------------------------------------------------- */

/* Narrows (*s, *n) to exclude leading and trailing ASCII whitespace. */
void pb_text_trim(const char **s, size_t *n);

/*
 * Whether s[0..n) equals the C string z, ignoring the case of ASCII letters
 * only (bytes >= 0x80 must match exactly).  Lengths must match: "Amount"
 * does not equal "Amounts".
 */
bool pb_text_eq_ci(const char *s, size_t n, const char *z);

/* ---- header names ------------------------------------------------------ */

/*
 * Replaces the contents of `out` with the normal form of the column header
 * s[0..n) (UTF-8), so that headers written by different systems compare
 * equal:
 *   - ASCII letters are lower-cased (other bytes are kept as they are);
 *   - a trailing unit marker "£" or "(£)" is removed, with the separators
 *     before it ("Amount (£)", "amount £", "AMOUNT_£" -> "amount");
 *   - separators - ASCII whitespace, '_', '-' and U+00A0 (no-break space,
 *     which Excel leaves in pasted headers) - are removed at both ends, and
 *     each run of them inside becomes one space ("Cost_Centre",
 *     "cost - centre" and " COST  CENTRE " all give "cost centre").
 * The result is never longer than the input.
 */
void pb_text_normalise_header(pb_buf *out, const char *s, size_t n);

#endif
