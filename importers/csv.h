/*
 * csv.h - the strict RFC 4180 reader under every CSV importer.
 *
 * Contents
 *   pb_csv_options     delimiter, encoding, limits ({0} = the defaults)
 *   open / free        from a file (read into memory once) or from memory
 *   pb_csv_next        advance to the next record
 *   record access      fields as (pointer, length), line and record numbers
 *   header helpers     find a column by synonyms; sniff the delimiter
 *
 * Grammar.  A record is fields separated by the delimiter and ended by
 * CRLF, LF, a lone CR or the end of input (a last line needs no line end).
 * A field that starts with '"' is quoted: it runs to the next '"' not
 * doubled, "" inside it is one '"', and it may contain the delimiter and
 * line ends, which are kept byte for byte.  After its closing quote only
 * the delimiter or a line end may follow ("unexpected text after closing
 * quote" otherwise).  A field that does not start with '"' is unquoted and
 * runs to the next delimiter or line end; a '"' inside it is kept as a
 * literal, as Excel writes `5" pipe`.  Spaces are data, never trimmed.
 * Lines that are entirely empty are skipped (they are still counted): a
 * record of one empty field must be written `""`.
 *
 * Encoding.  A UTF-8 BOM is skipped; a UTF-16 or UTF-32 file is refused.
 * PB_ENC_AUTO reads the input as UTF-8 if the whole of it is valid UTF-8,
 * and otherwise as Windows-1252 (Excel's "CSV" save, with £ as 0xA3);
 * an input with a UTF-8 BOM is UTF-8 whatever it contains.  PB_ENC_UTF8
 * refuses the first invalid byte ("invalid UTF-8 byte 0xA3").  Fields are
 * always handed out as UTF-8.  A NUL byte anywhere is an error.
 *
 * Whole-input checks (BOM, encoding, NUL bytes) are made by the open
 * functions, before any record is read, so a file that cannot be read to
 * its end fails before an importer has acted on its first record.  Errors
 * carry the input name, the physical line (1-based) and the column (1-based,
 * in characters of the input encoding; tabs count as one) of the fault.
 *
 * Lifetime.  Field pointers and lengths are valid until the next
 * pb_csv_next() or pb_csv_free(); each field is NUL-terminated (a field may
 * itself contain no NUL, so strlen() agrees with the length).  After warm-up
 * no call allocates: fields are unescaped into one buffer that is reused.
 */
#ifndef PB_CSV_H
#define PB_CSV_H

#include <stddef.h>

#include "importers/text.h"
#include "ledger/error.h"

typedef struct pb_csv pb_csv;

typedef struct pb_csv_options {
    char delimiter;         /* field separator; 0 = ','.  An ASCII byte
                               other than '"', CR, LF and NUL */
    pb_encoding encoding;   /* PB_ENC_AUTO (default), _UTF8 or _CP1252 */
    size_t max_field_bytes; /* longest field, in bytes as read after
                               unescaping; 0 = 1 MiB */
    size_t max_fields;      /* most fields in a record; 0 = 4096.  At most
                               INT_MAX (so pb_csv_find_column can answer) */
} pb_csv_options;

#define PB_CSV_OPTIONS_INIT {0, PB_ENC_AUTO, 0, 0}
#define PB_CSV_DEFAULT_MAX_FIELD_BYTES ((size_t)1 << 20)
#define PB_CSV_DEFAULT_MAX_FIELDS ((size_t)4096)

/* ---- open / free ------------------------------------------------------- */

/*
 * Opens the file at `path` and reads all of it into memory with one read.
 * opt NULL means the defaults.  Returns PB_OK and the reader in *out (the
 * caller frees it with pb_csv_free()).  On failure *out is NULL and err
 * names the file: PB_EIO with the system's reason when the file cannot be
 * opened or read ("cannot open: No such file or directory"); PB_EINVAL
 * when `path` is a directory, FIFO, device or anything but a regular file
 * (it is never read, so a FIFO cannot block us), or when a whole-input
 * check fails (located at line and column); PB_EUSAGE for bad options.
 */
int pb_csv_open_file(pb_csv **out, const char *path, const pb_csv_options *opt,
                     pb_error *err);

/*
 * As pb_csv_open_file(), over data[0..len), which is *borrowed*: it is
 * never written, and must stay alive and unchanged until pb_csv_free().
 * `name` (copied; NULL means "<memory>") is what messages call the input.
 */
int pb_csv_open_mem(pb_csv **out, const char *name, const char *data,
                    size_t len, const pb_csv_options *opt, pb_error *err);

/* Releases the reader and the data it read from a file.  NULL-safe. */
void pb_csv_free(pb_csv *r);

/* ---- reading ----------------------------------------------------------- */

/*
 * Advances to the next record.  Returns 1 when there is one, 0 at the end
 * of input (and on every call after), or a negative PB_E* code with err
 * located at name:line:column: PB_EINVAL for a malformed record (an
 * unterminated quoted field, located where the field starts; text after a
 * closing quote), PB_ERANGE for a record over a limit of the options.
 * After an error there is no current record (pb_csv_count() is 0) and
 * every later call returns the same error again (copied to err).
 */
int pb_csv_next(pb_csv *r, pb_error *err);

/* Fields in the current record: at least 1; 0 before the first record and
 * after the end. */
size_t pb_csv_count(const pb_csv *r);

/*
 * Field i (0-based) of the current record, NUL-terminated, UTF-8, borrowed
 * until the next pb_csv_next().  Its length in bytes goes to *len unless len
 * is NULL.  For i >= pb_csv_count() the answer is "" with length 0.
 */
const char *pb_csv_field(const pb_csv *r, size_t i, size_t *len);

/* The 1-based physical line on which the current record starts (a record
 * with quoted line ends spans several); 0 before the first record. */
long pb_csv_line(const pb_csv *r);

/* The 1-based number of the current record, header included; empty lines
 * are not records.  0 before the first record. */
long pb_csv_record(const pb_csv *r);

/* The input's name for messages: the path, or the name given to _mem. */
const char *pb_csv_name(const pb_csv *r);

/* The encoding in effect: PB_ENC_UTF8 or PB_ENC_CP1252, never AUTO. */
pb_encoding pb_csv_encoding(const pb_csv *r);

/* ---- header helpers ---------------------------------------------------- */

/*
 * The index of the first field of the current record (normally the header)
 * that equals one of `synonyms` once both are put in normal form by
 * pb_text_normalise_header() ("Cost_Centre" finds "cost centre"), or -1 if
 * none does.  `synonyms` is a NULL-terminated array; fields are tried in
 * order, so the leftmost matching column wins; a blank header (one that
 * normalises to "") never matches.  Allocates only transiently.
 */
int pb_csv_find_column(const pb_csv *r, const char *const *synonyms);

/*
 * Guesses the delimiter of a CSV text from its first line that is not
 * empty (after any UTF-8 BOM): whichever of ',' ';' '\t' '|' occurs most
 * often outside quotes, ties going to the earlier in that list.  Returns
 * ',' when none occurs (a one-column file).  Reads no further than the
 * end of that line, and never more than the first 64 KiB.
 */
char pb_csv_sniff_delimiter(const char *data, size_t len);

#endif
