/*
 * preset_spend500.c - the Local Government Transparency Code "spending
 * over £500" publication: a council's monthly CSV of payments.
 *
 * Headers differ from council to council, so each field lists the names
 * seen in published files (matched case-, space- and underscore-blind),
 * and the header row is found among any title lines above it.  The
 * amount excludes recoverable VAT; irrecoverable VAT, where a column
 * gives it, is a cost to the pool and is added.
 */
const char pb_preset__spend500[] =
    "# Transparency Code spending over GBP 500 (council publication CSV)\n"
    "source          spend500\n"
    "reader          csv\n"
    "encoding        auto\n"
    "header          auto\n"
    "field           date     = date | payment date | transaction date |"
    " date paid | paid date | invoice date | posting date |"
    " date of payment | effective date\n"
    "field           amount   = amount | net amount | value |"
    " amount excl vat | amount excluding vat | net | net value |"
    " amount paid | transaction amount | expenditure\n"
    "field           supplier = supplier | supplier name | vendor |"
    " vendor name | beneficiary | payee | payee name | merchant |"
    " merchant name | creditor | creditor name\n"
    "field           category = expenditure category | purpose |"
    " purpose of expenditure | expense type | expenses type | category |"
    " expenditure type | subjective | account description |"
    " summary of purpose\n"
    "field           ref      = transaction number | transaction no |"
    " transaction ref | transaction reference | transaction id |"
    " reference | ref | invoice number | payment reference |"
    " document number\n"
    "optional-field  service  = service area | service | service division |"
    " department | directorate | expense area | service label\n"
    "optional-field  vat      = irrecoverable vat | vat irrecoverable |"
    " irrecoverable vat amount\n"
    "date            date auto\n"
    "amount          amount add=vat\n"
    "sign            spend\n"
    "description     {supplier} - {category}\n"
    "source-ref      {ref}\n"
    "contra          Liabilities:Creditors\n"
    "suspense        Suspense:Import\n"
    "tag             service-area={service}\n";
