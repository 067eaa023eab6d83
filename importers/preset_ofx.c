/*
 * preset_ofx.c - OFX 2.x statements (XML): bank (STMTRS) and credit card
 * (CCSTMTRS) transaction lists.  Each STMTTRN is a row known by its
 * FITID; TRNAMT is signed from the account holder's side (positive money
 * in).  OFX 1.x files are SGML, not XML, and the XML reader refuses them
 * with a message saying so.
 */
const char pb_preset__ofx[] =
    "# OFX 2.x (XML) bank or credit-card statement\n"
    "source          ofx\n"
    "reader          xml\n"
    "record          /OFX//STMTTRN\n"
    "field           type     = normalize-space(TRNTYPE)\n"
    "field           date     = substring(normalize-space(DTPOSTED), 1, 8)\n"
    "field           amount   = normalize-space(TRNAMT)\n"
    "field           fitid    = normalize-space(FITID)\n"
    "field           name     = normalize-space(NAME | PAYEE/NAME)\n"
    "field           memo     = normalize-space(MEMO)\n"
    "field           checknum = normalize-space(CHECKNUM)\n"
    "date            date yyyymmdd\n"
    "amount          amount\n"
    "sign            receipt\n"
    "description     {name} {memo}\n"
    "reference       {checknum}\n"
    "source-ref      {fitid}\n"
    "contra          Assets:Bank\n"
    "suspense        Suspense:Import\n"
    "tag             ofx-type={type}\n";
