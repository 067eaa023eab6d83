/*
 * pool_schema.c - migration 2: the pool model (pools, partners, funding
 * streams, schemes, budgets, virements, contributions, prior-year
 * outturns).  Filled in by the pool-model work.
 */
#include "ledger/book_int.h"

const char pb_schema__pool[] = "";
