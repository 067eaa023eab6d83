/*
 * preset_isfe.c - Oracle E-Business Suite general-ledger journal lines as
 * the NHS Integrated Single Financial Environment (ISFE) exports them:
 * chart-of-accounts segments (entity, cost centre, subjective), separate
 * debit and credit columns, dates as DD-MON-YY.
 *
 * The lines of one journal balance each other, so they become one entry;
 * a journal whose debits and credits differ is refused.
 */
const char pb_preset__isfe[] =
    "# Oracle / NHS ISFE general-ledger journal lines (CSV)\n"
    "source          isfe\n"
    "reader          csv\n"
    "header          yes\n"
    "field           journal    = je_header_id | journal id | header id\n"
    "field           date       = effective_date | accounting_date |"
    " gl_date | je_date\n"
    "field           entity     = entity | segment1\n"
    "field           cc         = cost_centre | cost center | segment2\n"
    "field           subjective = subjective | natural account | segment3\n"
    "field           debit      = entered_dr | accounted_dr | debit | dr\n"
    "field           credit     = entered_cr | accounted_cr | credit | cr\n"
    "field           text       = line_description | description |"
    " je_line_description\n"
    "optional-field  line       = je_line_num | line number | line\n"
    "optional-field  name       = journal_name | je_name | journal name\n"
    "optional-field  period     = period_name | period name | period\n"
    "date            date dd-mon-yy\n"
    "amount          debit=debit credit=credit\n"
    "sign            debit\n"
    "description     {text}\n"
    "memo            {text}\n"
    "reference       {name}\n"
    "group-by        {journal}\n"
    "account         {subjective} cc={cc}\n"
    "suspense        Suspense:Import\n"
    "tag             entity={entity}\n"
    "tag             period-name={period}\n";
