/*
 * preset_unit4.c - a Unit4 ERP (Agresso) general-ledger transaction
 * export: period YYYYPP, account, dim_1 (cost centre) .. dim_7, voucher
 * number and sequence, signed amount (debit positive), description.
 *
 * The rows of one voucher balance each other, so they become one entry,
 * each row a posting to its own account and cost centre.  For an export
 * filtered to the pool's cost centres (whose vouchers do not balance),
 * override with `group-by none`, `source-ref {voucher}/{seq}` and a
 * `contra`.
 */
const char pb_preset__unit4_gl[] =
    "# Unit4 ERP / Agresso general-ledger transactions (CSV)\n"
    "source          unit4-gl\n"
    "reader          csv\n"
    "header          yes\n"
    "field           period   = period | accounting period | fiscal period\n"
    "field           account  = account | gl account | account code\n"
    "field           cc       = dim_1 | cost centre | cost center | costc\n"
    "field           voucher  = voucher_no | voucher no | voucher |"
    " voucher number\n"
    "field           amount   = amount | value | amount gbp | cur_amount\n"
    "field           text     = description | text | trans description\n"
    "optional-field  seq      = sequence_no | sequence no | sequence |"
    " seq no | line no\n"

    "date            period yyyypp\n"
    "amount          amount\n"
    "sign            debit\n"
    "description     {text}\n"
    "memo            {text}\n"
    "reference       {voucher}\n"
    "group-by        {voucher}\n"
    "account         {account} cc={cc}\n"
    "suspense        Suspense:Import\n";
