/*
 * import_int.h - what the import modules share and users do not need.
 */
#ifndef PB_IMPORT_INT_H
#define PB_IMPORT_INT_H

#include "ledger/error.h"

/* Puts `prefix` ("record 7: ") before err's message, cutting the end of
 * the message if the two do not fit.  NULL err is accepted. */
void pb_import__prefix(pb_error *err, const char *prefix);

#endif
