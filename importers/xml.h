/*
 * xml.h - the XML reader: records out of a document through libxml2's
 * streaming reader, safely.
 *
 * Records are the elements that match the rules' `record` path (a
 * streamable path, rules.h); each field is the string value of an XPath
 * evaluated with the record element as context node.  Only one record's
 * subtree is in memory at a time (xmlTextReaderExpand, then skip it), and
 * the file is fed to libxml2 in chunks, so memory stays bounded whatever
 * the size of the statement.  With `statement` and `balance` paths the
 * reader also hands out balance records and a group end at the close of
 * each statement, for the engine's balance check.
 *
 * Safety (the input is untrusted): before libxml2 sees a byte, the prolog
 * is scanned and a DOCTYPE that declares any entity is refused (XXE,
 * billion laughs, quadratic blowup) as is any encoding but UTF-8; the
 * parser runs with XML_PARSE_NONET and without XML_PARSE_NOENT,
 * DTDLOAD, DTDVALID, XINCLUDE and HUGE; an external entity loader that
 * refuses everything is installed while parsing; entity reference nodes
 * are refused; element depth and field sizes are limited.  All of
 * libxml2's messages are captured into the pb_error, never printed.
 * This is the only file that includes libxml2's headers.
 */
#ifndef PB_XML_H
#define PB_XML_H

#include <stddef.h>

#include "importers/reader.h"
#include "importers/rules.h"
#include "ledger/error.h"

#define PB_XML_MAX_DEPTH 64                 /* element nesting */
#define PB_XML_MAX_PROLOG ((size_t)1 << 20) /* bytes before the root */
#define PB_XML_MAX_FIELD ((size_t)1 << 16)  /* bytes of one field value */

/*
 * Opens an XML reader over the file `path` (opened and read by the
 * reader, in chunks; named `name` in messages) for the xml `rules`.
 * `expect_sha256`, when not NULL, is the hex SHA-256 the caller computed
 * of the file: the reader hashes what it parses and refuses at the end if
 * the file changed in between.  On success *out is the caller's to
 * pb_reader_free().  Errors: PB_EIO (cannot open), PB_EINVAL (not XML,
 * OFX 1.x SGML, refused DOCTYPE, wrong encoding), located at name:line.
 */
int pb_xml_open(pb_reader **out, const char *path, const char *name,
                const pb_rules *rules, const char *expect_sha256,
                pb_error *err);

/*
 * Checks the prolog of a document whose first bytes are data[0..len):
 * refuses a UTF-16/32 document, an encoding declaration other than UTF-8,
 * a DOCTYPE with an internal subset that declares entities, an OFX 1.x
 * (SGML) header, and anything that does not start like XML.  `complete`
 * says whether data is the whole file (else a prolog running past len is
 * refused as too long).  Located at name:line.
 */
int pb_xml_check_prolog(const char *name, const char *data, size_t len,
                        int complete, pb_error *err);

/* Whether an XPath expression compiles; PB_EINVAL with libxml2's reason. */
int pb_xml_xpath_check(const char *expr, pb_error *err);

#endif
