/*
 * import_schema.c - migration 3: import provenance (batches of
 * finance-system exports, their source rows).  Filled in by the importer
 * work.
 */
#include "ledger/book_int.h"

const char pb_schema__import[] = "";
