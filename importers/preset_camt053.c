/*
 * preset_camt053.c - ISO 20022 camt.053 bank-to-customer statements,
 * camt.053.001.02 and every later version (the namespace is matched as
 * urn:...:camt.053.001.*).
 *
 * Each booked entry (Ntry with Sts BOOK) is a row known by AcctSvcrRef,
 * the bank's reference; pending and information-only entries are left
 * out, as the balances leave them out.  In each statement the opening
 * booked balance (OPBD, or PRCD) plus the entries must equal the closing
 * booked balance (CLBD), or the import is refused.  A reversal (RvslInd
 * true) takes the direction its CdtDbtInd gives - ISO 20022 states the
 * reversal's own effect there - and is tagged bank-reversal=true.
 */
const char pb_preset__camt053[] =
    "# ISO 20022 camt.053 bank statement (XML), .001.02 and later\n"
    "source          camt053\n"
    "reader          xml\n"
    "namespace       c urn:iso:std:iso:20022:tech:xsd:camt.053.001.*\n"
    "record          /c:Document/c:BkToCstmrStmt/c:Stmt/c:Ntry\n"
    "statement       /c:Document/c:BkToCstmrStmt/c:Stmt\n"
    "balance         /c:Document/c:BkToCstmrStmt/c:Stmt/c:Bal\n"
    "balance-type    = c:Tp/c:CdOrPrtry/c:Cd\n"
    "balance-amount  = c:Amt\n"
    "balance-flag    = c:CdtDbtInd\n"
    "opening-balance OPBD PRCD\n"
    "closing-balance CLBD\n"
    "field           amount   = c:Amt\n"
    "field           currency = c:Amt/@Ccy\n"
    "field           cdtdbt   = c:CdtDbtInd\n"
    "field           reversal = normalize-space(c:RvslInd)\n"
    "field           status   = normalize-space(c:Sts)\n"
    "field           date     = substring(normalize-space(c:BookgDt), 1,"
    " 10)\n"
    "field           ref      = normalize-space(c:AcctSvcrRef)\n"
    "field           entryref = normalize-space(c:NtryRef)\n"
    "field           text     = normalize-space(concat("
    "c:NtryDtls/c:TxDtls/c:RmtInf/c:Ustrd, ' ', c:AddtlNtryInf))\n"
    "field           party    = normalize-space("
    "c:NtryDtls/c:TxDtls/c:RltdPties/c:Dbtr[../../../../c:CdtDbtInd ="
    " 'CRDT']//c:Nm | "
    "c:NtryDtls/c:TxDtls/c:RltdPties/c:Cdtr[../../../../c:CdtDbtInd ="
    " 'DBIT']//c:Nm)\n"
    "date            date yyyy-mm-dd\n"
    "amount          amount flag=cdtdbt positive=CRDT negative=DBIT\n"
    "sign            receipt\n"
    "description     {party} {text}\n"
    "reference       {entryref}\n"
    "source-ref      {ref}\n"
    "contra          Assets:Bank\n"
    "suspense        Suspense:Import\n"
    "if status is not BOOK\n"
    "    skip\n"
    "if currency is not GBP\n"
    "    refuse \"the entry is in {currency}; the book keeps GBP\"\n"
    "if reversal is true\n"
    "    tag bank-reversal=true\n";
