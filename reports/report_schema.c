/*
 * report_schema.c - migration 4: forecasts recorded per period and report
 * configuration (RAG thresholds).  Filled in by the reports work.
 */
#include "ledger/book_int.h"

const char pb_schema__report[] = "";
