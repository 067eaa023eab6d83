/*
 * gen.c - the benchmark's workload: one financial year of a pooled fund,
 * deterministic from a seed, written for every tool the benchmark runs.
 *
 *   gen [--seed N] [--entries N] [--fy YEAR] --out DIR
 *
 * The fund: one Section 75 pool (BCF) hosted by the council, the seven BCF
 * funding streams in template order, three partners (council, ICB,
 * district council), twelve schemes with a host, an area, one or two
 * funding streams, three cost centres and three expenditure accounts each
 * (two kinds of spend and irrecoverable VAT).  The year:
 *   - a P0 opening entry (DFG carried forward);
 *   - contributions received: monthly, quarterly or in two instalments by
 *     stream, sized from the year's spend so the pool roughly balances;
 *   - supplier invoices to creditors (2-4 postings: split funding, a
 *     second kind of spend, irrecoverable VAT), card payments, refunds,
 *     recharges between schemes, fees and charges; amounts heavy-tailed
 *     (most small, a few in the millions);
 *   - a BACS payment run every Friday clearing the week's invoices;
 *   - month-end accruals, reversed on the 1st of the next month (March's
 *     are not: they reverse next year), and P13 year-end accruals.
 * Exactly N entries, about 2.5 postings each, dated in order.  Beside the
 * year: a budget line per scheme and stream (partner: the scheme's host),
 * profiled monthly - DFG capital works slow to start, discharge money
 * heavier in winter, the carers' lines as twelve monthly amounts, the rest
 * flat - the officers' forecasts at P05 and P06, and the planned
 * contributions.
 *
 * Money is integer pence (int64) throughout: amounts are drawn as integers
 * (a geometric number of doublings of a base amount, then a uniform offset
 * within the octave: a discrete Pareto-like tail), split with integer
 * division and summed exactly; budgets are spread over the months by
 * largest remainder in integers, as poolbook spreads them.  No floating
 * point anywhere.
 *
 * The year is generated twice from the same seed: the first pass only sums
 * spend by stream and budget line (contributions and budgets are sized
 * from it), the second streams every entry through the writers.  Nothing
 * is held per entry, so 1,000,000 entries need a few megabytes.
 *
 * Writers (one struct gen_writer each; adding a format is adding one):
 *   setup.sh         creates the book and loads the pool model below
 *   partners.csv, pools.csv, streams.csv, schemes.csv, accounts.csv,
 *   profiles.csv, budgets.csv, contributions.csv, forecasts.csv
 *                    the pool model, one file per `poolbook load` kind
 *   entries.txt      poolbook's text entry format (`poolbook post`)
 *   postings.csv     poolbook's native posting CSV (`poolbook load
 *                    postings`), also what SQLite's `.import` reads for
 *                    the benchmark's floor
 *   gl.csv           a Unit4 GL export of the year, and unit4-gl.rules,
 *   unit4-gl.rules   the rules that import it (`poolbook import`)
 *   year.journal     ledger/hledger, with the budgets by scheme as a
 *                    `~ monthly` periodic transaction per month
 *   year.beancount   beancount, with Fava `custom "budget"` directives
 *   expected.tsv     every account's closing balance, code<TAB>1234.56 (the
 *                    generator's own sums: the reference the benchmark
 *                    checks each tool against)
 *   month-end.tsv    the figures of the month-end reports at P06, by
 *                    scheme and by stream (the reference for cases 3, 4)
 *   accounts.tsv     code, type, poolbook name, ledger name, beancount name
 *   budgets.tsv      every budget line's amount and months
 *   names.tsv        streams' and schemes' report labels and budgeted
 *                    accounts, to map each tool's rows back to codes
 *   manifest.txt     seed, entries, postings, the register scheme, the
 *                    year and the month-end of cases 3 and 4
 * The journal and beancount entries are printed by ledger/export.c, the
 * code behind `poolbook export`, with the entry ids poolbook will assign,
 * so `poolbook export ledger` of the loaded book repeats year.journal's
 * entries byte for byte.
 */
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ledger/account.h"
#include "ledger/buf.h"
#include "ledger/date.h"
#include "ledger/dim.h"
#include "ledger/export.h"

#define FY_START 4       /* April */
#define MAX_POSTINGS 4
#define NSTREAMS 7
#define NPARTNERS 3
#define NSCHEMES 12
#define NLEAVES 3        /* expenditure accounts per scheme */
#define MIN_ENTRIES 2000 /* below this the fixed calendar does not fit */

/* ---- the fund ------------------------------------------------------------ */

typedef struct stream_def {
    const char *code, *name;
    int partner;   /* who contributes it */
    int schedule;  /* instalments: 12 monthly, 4 quarterly, 2, 0 none */
    const char *flags; /* capital, ring_fenced, carry_forward columns */
} stream_def;

enum { P_SCC = 0, P_ICB, P_DC };

static const stream_def streams[NSTREAMS] = {
    {"DFG", "Disabled Facilities Grant", P_DC, 2, "yes,yes,yes"},
    {"MIN-NHS", "Minimum NHS Contribution", P_ICB, 12, "no,yes,no"},
    {"IBCF", "iBCF", P_SCC, 12, "no,yes,no"},
    {"ADD-LA", "Additional LA Contribution", P_SCC, 4, "no,no,no"},
    {"ADD-NHS", "Additional NHS Contribution", P_ICB, 0, "no,no,no"},
    {"LA-DISCH", "Local Authority Discharge Funding", P_SCC, 4,
     "no,yes,no"},
    {"ICB-DISCH", "ICB Discharge Funding", P_ICB, 4, "no,yes,no"},
};

static const struct {
    const char *code, *name, *kind, *ledger_code;
} partners[NPARTNERS] = {
    {"SCC", "City Council", "council", "SCC01"},
    {"ICB", "NHS Integrated Care Board", "icb", "QRL"},
    {"DC", "District Council", "council", "DC07"},
};

/* The pool: one Section 75 pooled fund hosted by the council. */
#define POOL_CODE "BCF"
#define POOL_NAME "Better Care Fund pooled fund (benchmark)"

typedef struct scheme_def {
    const char *code, *name;
    const char *leaf[2];   /* two kinds of spend */
    int host;              /* partner */
    int stream[2];         /* funding; second -1 if one stream */
    int weight;            /* share of invoice volume */
    int size;              /* amount scale, 1..4 */
    const char *area;      /* budget-monitoring grouping */
} scheme_def;

static const scheme_def schemes[NSCHEMES] = {
    {"CARERS", "Carers", {"Grants", "Respite"}, P_SCC, {2, -1}, 6, 1,
     "Community"},
    {"CLUSTERS", "Clusters", {"Community Nursing", "Therapies"}, P_ICB,
     {1, -1}, 14, 4, "Community"},
    {"REABLE", "Integrated Rehabilitation & Reablement",
     {"Contracts", "Staffing"}, P_SCC, {1, 2}, 14, 3, "Intermediate Care"},
    {"CARETECH", "Care Technology", {"Telecare", "Equipment"}, P_SCC,
     {2, -1}, 7, 1, "Community"},
    {"PREVENT", "Prevention & Early Help", {"Grants", "Contracts"}, P_SCC,
     {2, 3}, 6, 1, "Community"},
    {"LD", "Learning Disability", {"Residential", "Supported Living"},
     P_SCC, {1, 2}, 10, 4, "Adults"},
    {"DP", "Direct Payments", {"Payments", "Support Services"}, P_SCC,
     {2, -1}, 9, 2, "Adults"},
    {"JES", "Joint Equipment Store", {"Equipment", "Logistics"}, P_ICB,
     {1, 2}, 8, 2, "Intermediate Care"},
    {"DFG-ADAPT", "Home Adaptations (DFG)", {"Capital Works", "Fees"}, P_DC,
     {0, -1}, 5, 3, "Housing"},
    {"DISCH", "Hospital Discharge", {"Step-down Beds", "Homecare"}, P_ICB,
     {5, 6}, 9, 3, "Hospital Discharge"},
    {"MH", "Mental Health Recovery", {"Contracts", "Staffing"}, P_ICB,
     {1, -1}, 6, 2, "Adults"},
    {"HOMECARE", "Homecare St John's", {"Domiciliary Care", "Night Care"},
     P_SCC, {2, 1}, 6, 2, "Adults"},
};

/* The register case's scheme. */
#define REGISTER_SCHEME "REABLE"

/* The month-end of cases 3 and 4 (budget monitoring, running balances). */
#define REPORT_PERIOD 6

/* ---- budgets ----------------------------------------------------------- */

#define NMONTHS 12

/* How a line's annual budget spreads over P1..P12: integer weights.
 * poolbook spreads by largest remainder, ties to the earlier month
 * (ledger/profile.h), and so does spread() below, to the same pennies. */
typedef struct profile_def {
    const char *name;        /* NULL: the months are given as amounts */
    const char *description;
    int w[NMONTHS];
} profile_def;

enum { PR_FLAT = 0, PR_DFG, PR_WINTER, PR_CARERS, NPROFILES };

static const profile_def profiles[NPROFILES] = {
    {"flat", NULL, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
    {"DFG-CAPITAL", "Capital works: slow start, most completions from autumn",
     {4, 5, 6, 7, 8, 9, 10, 10, 10, 10, 11, 10}},
    {"WINTER", "Discharge demand: heavier from October to March",
     {10, 10, 10, 10, 10, 10, 12, 13, 14, 14, 12, 10}},
    {NULL, "Respite heavier in the summer (monthly amounts)",
     {8, 8, 9, 11, 11, 9, 8, 7, 7, 7, 7, 8}},
};

/* A budget line: one per scheme and funding stream, with the scheme's
 * host as partner (the partner its postings carry). */
#define MAX_LINES (2 * NSCHEMES)
#define LINE_FLOOR 1000000 /* pence: a line's least budget, 10,000 pounds */

typedef struct line_def {
    int scheme, stream, partner;
    int profile;               /* PR_* */
    int64_t spend;             /* pass 1: the year's spend, pence */
    int64_t amount;            /* annual budget, pence, whole pounds */
    int64_t month[NMONTHS];    /* amount spread by the profile */
    int64_t forecast[2];       /* at REPORT_PERIOD - 1 and REPORT_PERIOD */
} line_def;

/* months = amount (>= 0) spread by weights w by largest remainder, ties
 * to the earlier month: pb_profile_spread in integers. */
static void spread(int64_t amount, const int w[NMONTHS],
                   int64_t month[NMONTHS])
{
    int64_t total = 0, left = amount, rem[NMONTHS];
    int k, best;

    for (k = 0; k < NMONTHS; k++)
        total += w[k];
    for (k = 0; k < NMONTHS; k++) {
        month[k] = amount * w[k] / total;
        rem[k] = amount * w[k] % total;
        left -= month[k];
    }
    for (; left > 0; left--) {
        for (best = 0, k = 1; k < NMONTHS; k++)
            if (rem[k] > rem[best])
                best = k;
        month[best]++;
        rem[best] = -1;
    }
}

/* Accounts: fixed ones, then NLEAVES per scheme (codes 5SSL). */
enum {
    A_BANK = 0,
    A_CREDITORS,
    A_ACCRUALS,
    A_RESERVES,
    A_INC_SCC,
    A_INC_ICB,
    A_INC_DC,
    A_FEES,
    A_FIXED,
    NACCOUNTS = A_FIXED + NSCHEMES * NLEAVES
};

typedef struct account_def {
    char code[16];
    char name[96];
    pb_account_type type;
    char *ledger, *bean;     /* export names */
} account_def;

static account_def accounts[NACCOUNTS];

static void accounts_init(void)
{
    static const struct {
        const char *code, *name;
        pb_account_type type;
    } fixed[A_FIXED] = {
        {"1000", "Assets:Bank:Pooled Fund", PB_ACCOUNT_ASSET},
        {"2000", "Liabilities:Creditors:Trade", PB_ACCOUNT_LIABILITY},
        {"2100", "Liabilities:Accruals", PB_ACCOUNT_LIABILITY},
        {"3000", "Reserves:DFG Carried Forward", PB_ACCOUNT_EQUITY},
        {"4000", "Income:Contributions:Council", PB_ACCOUNT_INCOME},
        {"4100", "Income:Contributions:NHS", PB_ACCOUNT_INCOME},
        {"4200", "Income:Contributions:District", PB_ACCOUNT_INCOME},
        {"4500", "Income:Fees and Charges", PB_ACCOUNT_INCOME},
    };
    int i, s, l;

    for (i = 0; i < A_FIXED; i++) {
        snprintf(accounts[i].code, sizeof accounts[i].code, "%s",
                 fixed[i].code);
        snprintf(accounts[i].name, sizeof accounts[i].name, "%s",
                 fixed[i].name);
        accounts[i].type = fixed[i].type;
    }
    for (s = 0; s < NSCHEMES; s++) {
        for (l = 0; l < NLEAVES; l++) {
            account_def *a = &accounts[A_FIXED + s * NLEAVES + l];

            snprintf(a->code, sizeof a->code, "5%02u%u",
                     (unsigned)(s + 1) % 100u, (unsigned)l % 10u);
            snprintf(a->name, sizeof a->name, "Expenditure:%s:%s",
                     schemes[s].name,
                     l < 2 ? schemes[s].leaf[l] : "Irrecoverable VAT");
            a->type = PB_ACCOUNT_EXPENDITURE;
        }
    }
    for (i = 0; i < NACCOUNTS; i++) {
        pb_buf b = PB_BUF_INIT;

        pb_export_account_name(&b, PB_EXPORT_LEDGER, accounts[i].name,
                               accounts[i].type);
        accounts[i].ledger = pb_buf_detach(&b);
        pb_export_account_name(&b, PB_EXPORT_BEANCOUNT, accounts[i].name,
                               accounts[i].type);
        accounts[i].bean = pb_buf_detach(&b);
    }
}

static void accounts_free(void)
{
    int i;

    for (i = 0; i < NACCOUNTS; i++) {
        free(accounts[i].ledger);
        free(accounts[i].bean);
    }
}

static int leaf_account(int scheme, int leaf)
{
    return A_FIXED + scheme * NLEAVES + leaf;
}

/* ---- randomness (integers only) ----------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r) /* splitmix64 */
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (rejection: no modulo bias). */
static uint64_t rng_below(rng *r, uint64_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n, v;

    do
        v = rng_next(r);
    while (v >= lim);
    return v % n;
}

/* Heavy-tailed pence: base x 2^G plus a uniform offset within that
 * octave, G geometric (continue with probability 1/2, at most 16): a
 * discrete Pareto tail of index 1.  With base 2,500 (25 pounds) the median
 * is about 75 pounds, 1 draw in 64 exceeds 1,600 pounds and about 1 in
 * 65,000 lands in the top octave, 1.6 to 3.3 million. */
static int64_t heavy_pence(rng *r, int64_t base)
{
    int g = 0;
    int64_t lo;

    while (g < 16 && rng_below(r, 100) < 50)
        g++;
    lo = base << g;
    return lo + (int64_t)rng_below(r, (uint64_t)lo);
}

/* ---- entries ------------------------------------------------------------- */

typedef struct gen_posting {
    int account;
    int64_t pence;
    int stream, scheme, partner; /* -1 = none */
    char cc[16];                 /* "" = none */
    const char *memo;            /* NULL = none */
} gen_posting;

typedef struct gen_entry {
    int64_t id;
    pb_date date;
    int adjust;            /* -1 month period, 0 = P0, 13 = P13 */
    char description[128];
    char reference[32];
    const char *tag_key;   /* one entry tag, or NULL */
    char tag_value[32];
    gen_posting p[MAX_POSTINGS];
    int n;
} gen_entry;

typedef struct model model;

/* A writer: begin once (after pass 1: budgets are known), entry per entry,
 * end once.  Each owns its FILE. */
typedef struct gen_writer {
    const char *file;
    FILE *f;
    pb_buf buf;
    void (*begin)(struct gen_writer *w, const model *m);
    void (*entry)(struct gen_writer *w, const model *m, const gen_entry *e);
    void (*end)(struct gen_writer *w, const model *m);
} gen_writer;

struct model {
    uint64_t seed;
    int64_t n;               /* entries wanted */
    int fy;
    pb_date first, last;     /* the year */
    /* plan, fixed before generation */
    int64_t accruals;        /* per month end */
    int64_t workdays;
    int64_t random_total;    /* entries drawn at random */
    /* the budget lines (lines_init), sized after pass 1 */
    line_def line[MAX_LINES];
    int nlines;
    int line_of[NSCHEMES][NSTREAMS]; /* index in line[], -1 none */
    /* pass 1 results: spend by stream; then the plan sized from it */
    int64_t spend_stream[NSTREAMS];
    int64_t contrib[NSTREAMS]; /* annual contribution */
    /* each pass: the figures of the month-end reports, P0..REPORT_PERIOD,
     * in the book's signs (debit positive) */
    int64_t rp_scheme_net[NSCHEMES];    /* income and expenditure */
    int64_t rp_scheme_spend[NSCHEMES];  /* expenditure accounts only */
    int64_t rp_stream_income[NSTREAMS]; /* income accounts */
    int64_t rp_stream_spend[NSTREAMS];  /* expenditure accounts */
    /* running state */
    int pass;                /* 1 or 2 */
    rng r;
    int64_t next_id;
    int64_t postings;
    int64_t week_creditors;  /* invoices since the last payment run */
    int64_t balance[NACCOUNTS];
    gen_writer *writers;
    size_t nwriters;
};

static const char *const supplier_a[] = {
    "Abbey",   "Beacon",  "Bridge",    "Castle",  "Cedar",   "Harbour",
    "Meadow",  "Oakwood", "Riverside", "Solent",  "Summit",  "Willow",
    "St Mary's", "Greenfield", "Northgate", "Café Bloom"};
static const char *const supplier_b[] = {
    "Care",     "Homecare", "Healthcare", "Mobility", "Equipment",
    "Adaptations", "Support", "Nursing",  "Living",   "Therapy"};
static const char *const supplier_c[] = {"Ltd", "LLP", "CIC", "Trust",
                                         "& Co", "Services Ltd"};
static const char *const months[12] = {"April",   "May",      "June",
                                       "July",    "August",   "September",
                                       "October", "November", "December",
                                       "January", "February", "March"};
static const char *const memos[] = {
    "PO 4500123, line 2", "care package review due",
    "split per \"S75 agreement\" schedule 3", "backdated uplift 2.5%"};

static void supplier(rng *r, char *out, size_t n)
{
    size_t a = (size_t)rng_below(r, sizeof supplier_a / sizeof *supplier_a);
    size_t b = (size_t)rng_below(r, sizeof supplier_b / sizeof *supplier_b);
    size_t c = (size_t)rng_below(r, sizeof supplier_c / sizeof *supplier_c);

    snprintf(out, n, "%s %s %s", supplier_a[a], supplier_b[b], supplier_c[c]);
}

static int month_index(pb_date d)
{
    return pb_period_num(pb_period_of_date(d, FY_START)) - 1;
}

static gen_posting *add(gen_entry *e, int account, int64_t pence)
{
    gen_posting *p = &e->p[e->n++];

    memset(p, 0, sizeof *p);
    p->account = account;
    p->pence = pence;
    p->stream = p->scheme = p->partner = -1;
    return p;
}

static void dims(gen_posting *p, int stream, int scheme, int partner,
                 rng *r)
{
    p->stream = stream;
    p->scheme = scheme;
    p->partner = partner;
    if (scheme >= 0 && r != NULL)
        snprintf(p->cc, sizeof p->cc, "C%02d%d", scheme + 1,
                 (int)rng_below(r, 3));
}

static void emit(model *m, gen_entry *e)
{
    size_t w;
    int i;

    int per = e->adjust >= 0 ? e->adjust : month_index(e->date) + 1;

    e->id = m->next_id++;
    m->postings += e->n;
    for (i = 0; i < e->n; i++) {
        const gen_posting *p = &e->p[i];
        pb_account_type t = accounts[p->account].type;

        m->balance[p->account] += p->pence;
        if (t == PB_ACCOUNT_EXPENDITURE && m->pass == 1) {
            if (p->stream >= 0)
                m->spend_stream[p->stream] += p->pence;
            if (p->scheme >= 0) {
                int l = p->stream >= 0 ? m->line_of[p->scheme][p->stream]
                                       : -1;

                assert(l >= 0); /* spend is always on a line's stream */
                if (l >= 0)
                    m->line[l].spend += p->pence;
            }
        }
        if (per > REPORT_PERIOD ||
            (t != PB_ACCOUNT_INCOME && t != PB_ACCOUNT_EXPENDITURE))
            continue;
        if (p->scheme >= 0) {
            m->rp_scheme_net[p->scheme] += p->pence;
            if (t == PB_ACCOUNT_EXPENDITURE)
                m->rp_scheme_spend[p->scheme] += p->pence;
        }
        if (p->stream >= 0) {
            if (t == PB_ACCOUNT_INCOME)
                m->rp_stream_income[p->stream] += p->pence;
            else
                m->rp_stream_spend[p->stream] += p->pence;
        }
    }
    if (m->pass == 2)
        for (w = 0; w < m->nwriters; w++)
            if (m->writers[w].entry != NULL)
                m->writers[w].entry(&m->writers[w], m, e);
}

static void entry_init(gen_entry *e, pb_date date)
{
    memset(e, 0, sizeof *e);
    e->date = date;
    e->adjust = -1;
}

/* A scheme drawn by weight. */
static int pick_scheme(rng *r)
{
    int total = 0, s;
    int64_t x;

    for (s = 0; s < NSCHEMES; s++)
        total += schemes[s].weight;
    x = (int64_t)rng_below(r, (uint64_t)total);
    for (s = 0; s < NSCHEMES; s++) {
        x -= schemes[s].weight;
        if (x < 0)
            return s;
    }
    return NSCHEMES - 1;
}

static int scheme_stream(rng *r, int s)
{
    if (schemes[s].stream[1] >= 0 && rng_below(r, 100) < 40)
        return schemes[s].stream[1];
    return schemes[s].stream[0];
}

/* One entry drawn at random: the bulk of the year. */
static void random_entry(model *m, pb_date date)
{
    rng *r = &m->r;
    gen_entry e;
    char who[64];
    int64_t kind = (int64_t)rng_below(r, 1000), amt, total;
    int s = pick_scheme(r), st = scheme_stream(r, s);
    int mi = month_index(date);
    gen_posting *p;

    entry_init(&e, date);
    supplier(r, who, sizeof who);
    if (kind < 760) { /* supplier invoice to creditors */
        amt = heavy_pence(r, 2500 * schemes[s].size);
        snprintf(e.reference, sizeof e.reference, "INV-%07lld",
                 (long long)(m->next_id * 7 % 10000000));
        snprintf(e.description, sizeof e.description, "%s, %s %s", who,
                 schemes[s].code, months[mi]);
        p = add(&e, leaf_account(s, 0), amt);
        dims(p, st, s, schemes[s].host, r);
        total = amt;
        if (rng_below(r, 100) < 12)
            p->memo = memos[rng_below(r, sizeof memos / sizeof *memos)];
        if (rng_below(r, 100) < 40) {
            /* split: the other stream, or the other kind of spend */
            int64_t part = heavy_pence(r, 1000 * schemes[s].size);

            if (schemes[s].stream[1] >= 0 && rng_below(r, 2) == 0) {
                p = add(&e, leaf_account(s, 0), part);
                dims(p, schemes[s].stream[0] == st ? schemes[s].stream[1]
                                                     : schemes[s].stream[0],
                     s, schemes[s].host, r);
            } else {
                p = add(&e, leaf_account(s, 1), part);
                dims(p, st, s, schemes[s].host, r);
            }
            total += part;
        }
        if (rng_below(r, 100) < 30) { /* irrecoverable VAT, 20% of net */
            int64_t vat = total / 5;

            p = add(&e, leaf_account(s, 2), vat);
            dims(p, st, s, schemes[s].host, r);
            total += vat;
        }
        add(&e, A_CREDITORS, -total);
        m->week_creditors += total;
    } else if (kind < 850) { /* card / direct payment */
        amt = heavy_pence(r, 800);
        snprintf(e.reference, sizeof e.reference, "CARD-%06lld",
                 (long long)(m->next_id % 1000000));
        snprintf(e.description, sizeof e.description,
                 "Card payment %s, %s", who, schemes[s].name);
        p = add(&e, leaf_account(s, 1), amt);
        dims(p, st, s, schemes[s].host, r);
        add(&e, A_BANK, -amt);
    } else if (kind < 910) { /* refund received: negative spend */
        amt = heavy_pence(r, 1500) / 4 + 1;
        snprintf(e.reference, sizeof e.reference, "RF-%06lld",
                 (long long)(m->next_id % 1000000));
        snprintf(e.description, sizeof e.description,
                 "Refund \"overpayment\" from %s", who);
        add(&e, A_BANK, amt);
        p = add(&e, leaf_account(s, 0), -amt);
        dims(p, st, s, schemes[s].host, r);
    } else if (kind < 960) { /* recharge between schemes: 2 or 4 lines */
        int s2 = pick_scheme(r), st2 = scheme_stream(r, s2);

        amt = heavy_pence(r, 5000);
        snprintf(e.reference, sizeof e.reference, "JNL-%06lld",
                 (long long)(m->next_id % 1000000));
        snprintf(e.description, sizeof e.description,
                 "Recharge %s to %s; %s", schemes[s2].code, schemes[s].code,
                 months[mi]);
        p = add(&e, leaf_account(s, 1), amt);
        dims(p, st, s, schemes[s].host, r);
        p = add(&e, leaf_account(s2, 1), -amt);
        dims(p, st2, s2, schemes[s2].host, r);
        if (rng_below(r, 100) < 30) {
            int64_t amt2 = heavy_pence(r, 2000);

            p = add(&e, leaf_account(s, 0), amt2);
            dims(p, st, s, schemes[s].host, r);
            p = add(&e, leaf_account(s2, 0), -amt2);
            dims(p, st2, s2, schemes[s2].host, r);
        }
    } else { /* fees and charges received */
        amt = heavy_pence(r, 1200) / 2 + 1;
        snprintf(e.reference, sizeof e.reference, "FEE-%06lld",
                 (long long)(m->next_id % 1000000));
        snprintf(e.description, sizeof e.description,
                 "Client contribution, %s – %s", schemes[s].name,
                 months[mi]);
        add(&e, A_BANK, amt);
        p = add(&e, A_FEES, -amt);
        dims(p, st, s, -1, NULL);
    }
    emit(m, &e);
}

/* Accrual number k of month mi (12: the P13 year-end ones): amounts
 * drawn from a generator seeded by (seed, month, k), so the reversal a
 * month later repeats them exactly without holding anything in memory. */
static void accrual(model *m, pb_date date, int mi, int64_t k, int reverse,
                    int adjust)
{
    rng r = {m->seed ^ (0xACC0ULL + (uint64_t)mi * 1000003ULL +
                        (uint64_t)k * 7919ULL)};
    gen_entry e;
    int s = pick_scheme(&r), st = scheme_stream(&r, s);
    int64_t amt = heavy_pence(&r, 20000 * schemes[s].size);
    gen_posting *p;

    entry_init(&e, date);
    e.adjust = adjust;
    snprintf(e.reference, sizeof e.reference, "ACR-%02d-%05lld", mi + 1,
             (long long)k);
    e.tag_key = "accrual";
    snprintf(e.tag_value, sizeof e.tag_value, "%s", e.reference);
    snprintf(e.description, sizeof e.description, "%s accrual: %s, %s",
             reverse ? "Reverse" : adjust == 13 ? "Year-end" : "Month-end",
             schemes[s].name, months[mi < 12 ? mi : 11]);
    p = add(&e, leaf_account(s, 0), reverse ? -amt : amt);
    dims(p, st, s, schemes[s].host, &r);
    add(&e, A_ACCRUALS, reverse ? amt : -amt);
    emit(m, &e);
}

static void contribution(model *m, pb_date date, int st, int k, int of)
{
    gen_entry e;
    int64_t total = m->contrib[st];
    int64_t part = total / of + (k == of - 1 ? total % of : 0);
    int pa = streams[st].partner, acct = A_INC_SCC + pa;
    gen_posting *p;

    entry_init(&e, date);
    snprintf(e.reference, sizeof e.reference, "CON-%s-%02d",
             streams[st].code, k + 1);
    snprintf(e.description, sizeof e.description,
             "%s contribution %d of %d, %s", streams[st].name, k + 1, of,
             partners[pa].code);
    p = add(&e, A_BANK, part);
    dims(p, st, -1, pa, NULL);
    p = add(&e, acct, -part);
    dims(p, st, -1, pa, NULL);
    emit(m, &e);
}

static void payment_run(model *m, pb_date date, int week)
{
    gen_entry e;

    entry_init(&e, date);
    snprintf(e.reference, sizeof e.reference, "BACS-%02d", week);
    snprintf(e.description, sizeof e.description, "BACS payment run, week %d",
             week);
    add(&e, A_CREDITORS, m->week_creditors);
    add(&e, A_BANK, -m->week_creditors);
    m->week_creditors = 0;
    emit(m, &e);
}

static int weekday(pb_date d) { return (int)((d % 7 + 7 + 4) % 7); } /* 0 Sun */

/* Scheduled entries of a day, in order; count-only when m is NULL.
 * Returns how many. */
static int64_t scheduled(model *m, const model *plan, pb_date d, int before)
{
    int y, mo, dd, mi, st, k;
    int64_t n = 0, a;

    pb_date_to_ymd(d, &y, &mo, &dd);
    mi = pb_period_num(pb_period_of_date(d, FY_START)) - 1;
    if (before) {
        if (d == plan->first) { /* P0: DFG carried forward */
            n++;
            if (m != NULL) {
                gen_entry e;
                gen_posting *p;
                int64_t cf = plan->contrib[0] / 3 / 100 * 100;

                entry_init(&e, d);
                e.adjust = 0;
                snprintf(e.reference, sizeof e.reference, "OB-%d", plan->fy);
                snprintf(e.description, sizeof e.description,
                         "DFG carried forward from %d-%02d", plan->fy - 1,
                         plan->fy % 100);
                p = add(&e, A_BANK, cf);
                dims(p, 0, -1, P_DC, NULL);
                p = add(&e, A_RESERVES, -cf);
                dims(p, 0, -1, P_DC, NULL);
                emit(m, &e);
            }
        }
        if (dd == 1 && mi > 0) { /* last month's accruals reverse */
            for (a = 0; a < plan->accruals; a++, n++)
                if (m != NULL)
                    accrual(m, d, mi - 1, a, 1, -1);
        }
        if (dd == 15) { /* contributions */
            for (st = 0; st < NSTREAMS; st++) {
                int of = streams[st].schedule;

                if (of == 0 || mi % (12 / of) != 0)
                    continue;
                n++;
                if (m != NULL)
                    contribution(m, d, st, mi / (12 / of), of);
            }
        }
        return n;
    }
    if (weekday(d) == 5) { /* Friday: payment run */
        n++;
        if (m != NULL)
            payment_run(m, d, (int)((d - plan->first) / 7) + 1);
    }
    if (dd == pb_date_days_in_month(y, mo)) { /* month end */
        for (a = 0; a < plan->accruals; a++, n++)
            if (m != NULL)
                accrual(m, d, mi, a, 0, -1);
        if (d == plan->last) {
            for (k = 0; k < 5; k++, n++)
                if (m != NULL)
                    accrual(m, d, 12, k, 0, 13);
        }
    }
    return n;
}

/* The budget lines, in scheme order then the scheme's stream order, and
 * their profiles: DFG capital works, a winter shape for discharge money,
 * monthly amounts for the carers' lines, flat for the rest. */
static void lines_init(model *m)
{
    int s, k, st;

    memset(m->line_of, -1, sizeof m->line_of);
    m->nlines = 0;
    for (s = 0; s < NSCHEMES; s++) {
        for (k = 0; k < 2 && (st = schemes[s].stream[k]) >= 0; k++) {
            line_def *l = &m->line[m->nlines];

            memset(l, 0, sizeof *l);
            l->scheme = s;
            l->stream = st;
            l->partner = schemes[s].host;
            if (st == 0) /* DFG */
                l->profile = PR_DFG;
            else if (st == 5 || st == 6) /* the discharge funds */
                l->profile = PR_WINTER;
            else if (strcmp(schemes[s].code, "CARERS") == 0)
                l->profile = PR_CARERS;
            else
                l->profile = PR_FLAT;
            m->line_of[s][st] = m->nlines++;
        }
    }
}

static int plan(model *m, const char **why)
{
    pb_date d;
    int64_t fixed = 0;

    m->first = pb_fy_first_day(m->fy, FY_START);
    m->last = pb_fy_last_day(m->fy, FY_START);
    m->accruals = m->n / 500 > 2 ? m->n / 500 : 2;
    m->workdays = 0;
    for (d = m->first; d <= m->last; d++) {
        fixed += scheduled(NULL, m, d, 1) + scheduled(NULL, m, d, 0);
        if (weekday(d) != 0 && weekday(d) != 6)
            m->workdays++;
    }
    m->random_total = m->n - fixed;
    if (m->n < MIN_ENTRIES || m->random_total < m->n / 2) {
        *why = "too few entries for the year's calendar";
        return -1;
    }
    lines_init(m);
    return 0;
}

static void run_pass(model *m, int pass)
{
    pb_date d;
    int64_t wd = 0, done = 0;
    size_t w;

    m->pass = pass;
    m->r.s = m->seed;
    m->next_id = 1;
    m->postings = 0;
    m->week_creditors = 0;
    memset(m->balance, 0, sizeof m->balance);
    memset(m->rp_scheme_net, 0, sizeof m->rp_scheme_net);
    memset(m->rp_scheme_spend, 0, sizeof m->rp_scheme_spend);
    memset(m->rp_stream_income, 0, sizeof m->rp_stream_income);
    memset(m->rp_stream_spend, 0, sizeof m->rp_stream_spend);
    if (pass == 2)
        for (w = 0; w < m->nwriters; w++)
            if (m->writers[w].begin != NULL)
                m->writers[w].begin(&m->writers[w], m);
    for (d = m->first; d <= m->last; d++) {
        scheduled(m, m, d, 1);
        if (weekday(d) != 0 && weekday(d) != 6) {
            /* Entries of working day wd: the difference of two floors
             * spreads random_total exactly over the working days. */
            int64_t upto = m->random_total * (wd + 1) / m->workdays;

            for (; done < upto; done++)
                random_entry(m, d);
            wd++;
        }
        scheduled(m, m, d, 0);
    }
    if (pass == 2)
        for (w = 0; w < m->nwriters; w++)
            if (m->writers[w].end != NULL)
                m->writers[w].end(&m->writers[w], m);
}

/* Contributions, budgets and forecasts from pass 1's spend, with factors
 * drawn from generators of their own so the year's draws are the same in
 * both passes.  A line's budget is its spend within -6%..+8% in whole
 * pounds (at least LINE_FLOOR: a heavy-tailed recharge can leave a small
 * line's year negative), spread by its profile; its forecasts for the two
 * month-ends are the budget within -5%..+6%, whole pounds. */
static void size_plan(model *m)
{
    rng r = {m->seed ^ 0xB0D6E7ULL}, fr = {m->seed ^ 0xF0CA57ULL};
    int s, i, k;

    for (s = 0; s < NSTREAMS; s++) {
        int64_t spend = m->spend_stream[s] > 0 ? m->spend_stream[s] : 0;

        m->contrib[s] = streams[s].schedule == 0
                            ? 0
                            : spend / 100 * (97 + (int64_t)rng_below(&r, 10));
        m->contrib[s] -= m->contrib[s] % 100; /* whole pounds */
    }
    for (i = 0; i < m->nlines; i++) {
        line_def *l = &m->line[i];
        int64_t b = l->spend > LINE_FLOOR ? l->spend : LINE_FLOOR;

        b = b / 100 * (94 + (int64_t)rng_below(&r, 15));
        l->amount = b - b % 100;
        spread(l->amount, profiles[l->profile].w, l->month);
        for (k = 0; k < 2; k++) {
            int64_t f = l->amount / 100 * (95 + (int64_t)rng_below(&fr, 12));

            l->forecast[k] = f - f % 100;
        }
    }
}

/* A scheme's budget for month k (0 = P1): its lines' months. */
static int64_t scheme_month(const model *m, int s, int k)
{
    int64_t sum = 0;
    int i;

    for (i = 0; i < m->nlines; i++)
        if (m->line[i].scheme == s)
            sum += m->line[i].month[k];
    return sum;
}

/* ---- writers ----------------------------------------------------------- */

static void w_flush(gen_writer *w, int force)
{
    if (w->buf.len > (1u << 16) || (force && w->buf.len > 0)) {
        fwrite(w->buf.data, 1, w->buf.len, w->f);
        pb_buf_reset(&w->buf);
    }
}

/* setup.sh: the book and its pool model, through poolbook's CSV loaders
 * (docs/pool-model.md), in the order each kind names the ones before it.
 * The CSV files are found beside the script. */
static const char *const setup_kinds[] = {
    "partners", "pools",   "streams",       "schemes",  "accounts",
    "profiles", "budgets", "contributions", "forecasts"};

static void setup_begin(gen_writer *w, const model *m)
{
    pb_buf *b = &w->buf;
    size_t i;

    pb_buf_printf(b,
                  "#!/bin/sh\n"
                  "# Creates the book for the generated year (seed %llu, "
                  "%lld entries):\n"
                  "# the pool, its partners, streams, schemes, accounts, "
                  "budgets, planned\n"
                  "# contributions and forecasts, loaded from the CSV files "
                  "beside this script.\n"
                  "# Usage: POOLBOOK=path/to/poolbook sh setup.sh BOOK\n"
                  "set -e\n"
                  "dir=$(dirname \"$0\")\n"
                  "book=$1\n"
                  "pb() { ${POOLBOOK:-poolbook} --db \"$book\" \"$@\" "
                  ">/dev/null; }\n"
                  "pb init\n"
                  "for kind in",
                  (unsigned long long)m->seed, (long long)m->n);
    for (i = 0; i < sizeof setup_kinds / sizeof *setup_kinds; i++)
        pb_buf_printf(b, " %s", setup_kinds[i]);
    pb_buf_puts(b, "; do\n"
                   "    pb load \"$kind\" \"$dir/$kind.csv\"\n"
                   "done\n");
}

/* entries.txt: poolbook's text format */
static void text_entry(gen_writer *w, const model *m, const gen_entry *e)
{
    pb_buf *b = &w->buf;
    char d[PB_DATE_ISO_LEN];
    int i;

    (void)m;
    pb_buf_puts(b, pb_date_iso(e->date, d));
    if (e->adjust >= 0)
        pb_buf_printf(b, " P%d", e->adjust);
    pb_buf_printf(b, " (%s) %s\n", e->reference, e->description);
    if (e->tag_key != NULL)
        pb_buf_printf(b, "    tag:%s=%s\n", e->tag_key, e->tag_value);
    for (i = 0; i < e->n; i++) {
        const gen_posting *p = &e->p[i];

        pb_buf_printf(b, "    %s  ", accounts[p->account].code);
        pb_export_pence(b, p->pence);
        if (p->stream >= 0)
            pb_buf_printf(b, "  stream=%s", streams[p->stream].code);
        if (p->scheme >= 0)
            pb_buf_printf(b, " scheme=%s", schemes[p->scheme].code);
        if (p->partner >= 0)
            pb_buf_printf(b, " partner=%s", partners[p->partner].code);
        if (p->cc[0] != '\0')
            pb_buf_printf(b, " cc=%s", p->cc);
        if (p->memo != NULL) {
            const char *q;

            pb_buf_puts(b, " memo=\"");
            for (q = p->memo; *q != '\0'; q++) {
                if (*q == '"' || *q == '\\')
                    pb_buf_putc(b, '\\');
                pb_buf_putc(b, *q);
            }
            pb_buf_putc(b, '"');
        }
        pb_buf_putc(b, '\n');
    }
    w_flush(w, 0);
}

/* postings.csv: poolbook's native posting CSV (docs/pool-model.md), one
 * row per posting; the entry's fields on its first row only.  Entry tags
 * have no column there (the accrual tag is the one thing it lacks). */
static void csv_field(pb_buf *b, const char *s)
{
    const char *q;

    if (strpbrk(s, ",\"\r\n") == NULL) {
        pb_buf_puts(b, s);
        return;
    }
    pb_buf_putc(b, '"');
    for (q = s; *q != '\0'; q++) {
        if (*q == '"')
            pb_buf_putc(b, '"');
        pb_buf_putc(b, *q);
    }
    pb_buf_putc(b, '"');
}

/* The pool model's CSV files, one per `poolbook load` kind, in the layout
 * `poolbook dump` writes (docs/pool-model.md). */
static void fy_name(const model *m, char out[16])
{
    snprintf(out, 16, "%d-%02d", m->fy, (m->fy + 1) % 100);
}

static void partners_end(gen_writer *w, const model *m)
{
    int i;

    (void)m;
    pb_buf_puts(&w->buf, "code,name,kind,ledger_code\n");
    for (i = 0; i < NPARTNERS; i++)
        pb_buf_printf(&w->buf, "%s,%s,%s,%s\n", partners[i].code,
                      partners[i].name, partners[i].kind,
                      partners[i].ledger_code);
}

static void pools_end(gen_writer *w, const model *m)
{
    char fy[16];

    fy_name(m, fy);
    pb_buf_printf(&w->buf,
                  "code,name,basis,host,manager,first_fy,last_fy,"
                  "risk_share\n"
                  "%s,%s,s75-pooled,%s,\"Pooled fund manager, Integrated "
                  "Commissioning\",%s,%s,pro-rata\n",
                  POOL_CODE, POOL_NAME, partners[P_SCC].code, fy, fy);
}

static void streams_end(gen_writer *w, const model *m)
{
    int i;

    (void)m;
    pb_buf_puts(&w->buf, "code,name,pool,partner,capital,ring_fenced,"
                         "carry_forward,order\n");
    for (i = 0; i < NSTREAMS; i++)
        pb_buf_printf(&w->buf, "%s,%s,%s,%s,%s,%d\n", streams[i].code,
                      streams[i].name, POOL_CODE,
                      partners[streams[i].partner].code, streams[i].flags,
                      i + 1);
}

static void schemes_end(gen_writer *w, const model *m)
{
    int i;

    (void)m;
    pb_buf_puts(&w->buf, "code,name,pool,host,manager,pooled,area,order\n");
    for (i = 0; i < NSCHEMES; i++) {
        pb_buf_printf(&w->buf, "%s,", schemes[i].code);
        csv_field(&w->buf, schemes[i].name);
        pb_buf_printf(&w->buf, ",%s,%s,\"Commissioner, %s\",yes,%s,%d\n",
                      POOL_CODE, partners[schemes[i].host].code,
                      schemes[i].code, schemes[i].area, i + 1);
    }
}

static void accounts_csv_end(gen_writer *w, const model *m)
{
    int i;

    (void)m;
    pb_buf_puts(&w->buf, "code,name,type\n");
    for (i = 0; i < NACCOUNTS; i++) {
        pb_buf_printf(&w->buf, "%s,", accounts[i].code);
        csv_field(&w->buf, accounts[i].name);
        pb_buf_printf(&w->buf, ",%s\n",
                      pb_account_type_name(accounts[i].type));
    }
}

static void profiles_end(gen_writer *w, const model *m)
{
    int i, k;

    (void)m;
    pb_buf_puts(&w->buf, "name,description,p01,p02,p03,p04,p05,p06,p07,p08,"
                         "p09,p10,p11,p12\n");
    for (i = PR_FLAT + 1; i < NPROFILES; i++) {
        if (profiles[i].name == NULL)
            continue;
        pb_buf_printf(&w->buf, "%s,", profiles[i].name);
        csv_field(&w->buf, profiles[i].description);
        for (k = 0; k < NMONTHS; k++)
            pb_buf_printf(&w->buf, ",%d", profiles[i].w[k]);
        pb_buf_putc(&w->buf, '\n');
    }
}

/* budgets.csv: a line's profile by name, or its twelve months. */
static void budgets_csv_end(gen_writer *w, const model *m)
{
    char fy[16];
    int i, k;

    fy_name(m, fy);
    pb_buf_puts(&w->buf, "pool,fy,scheme,stream,partner,effective,amount,"
                         "profile,p01,p02,p03,p04,p05,p06,p07,p08,p09,p10,"
                         "p11,p12,note\n");
    for (i = 0; i < m->nlines; i++) {
        const line_def *l = &m->line[i];
        const profile_def *pr = &profiles[l->profile];

        pb_buf_printf(&w->buf, "%s,%s,%s,%s,%s,,", POOL_CODE, fy,
                      schemes[l->scheme].code, streams[l->stream].code,
                      partners[l->partner].code);
        pb_export_pence(&w->buf, l->amount);
        pb_buf_printf(&w->buf, ",%s", pr->name != NULL ? pr->name : "");
        for (k = 0; k < NMONTHS; k++) {
            pb_buf_putc(&w->buf, ',');
            if (pr->name == NULL)
                pb_export_pence(&w->buf, l->month[k]);
        }
        pb_buf_putc(&w->buf, ',');
        if (pr->description != NULL)
            csv_field(&w->buf, pr->description);
        pb_buf_putc(&w->buf, '\n');
    }
}

static void forecasts_end(gen_writer *w, const model *m)
{
    char fy[16];
    int i, k;

    fy_name(m, fy);
    pb_buf_puts(&w->buf, "pool,fy,period,scheme,stream,partner,amount,note\n");
    for (k = 0; k < 2; k++) {
        int per = REPORT_PERIOD - 1 + k;

        for (i = 0; i < m->nlines; i++) {
            const line_def *l = &m->line[i];

            pb_buf_printf(&w->buf, "%s,%s,P%02d,%s,%s,%s,", POOL_CODE, fy,
                          per, schemes[l->scheme].code,
                          streams[l->stream].code, partners[l->partner].code);
            pb_export_pence(&w->buf, l->forecast[k]);
            pb_buf_printf(&w->buf, ",Month %d return\n", per);
        }
    }
}

static void contributions_end(gen_writer *w, const model *m)
{
    char fy[16];
    int i;

    fy_name(m, fy);
    pb_buf_puts(&w->buf, "pool,fy,partner,stream,amount,note\n");
    for (i = 0; i < NSTREAMS; i++) {
        pb_buf_printf(&w->buf, "%s,%s,%s,%s,", POOL_CODE, fy,
                      partners[streams[i].partner].code, streams[i].code);
        pb_export_pence(&w->buf, m->contrib[i]);
        pb_buf_puts(&w->buf, m->contrib[i] == 0 ? ",none planned\n" : ",\n");
    }
}

static void csv_begin(gen_writer *w, const model *m)
{
    (void)m;
    pb_buf_puts(&w->buf, "entry,date,period,description,reference,account,"
                         "amount,stream,scheme,partner,cc,memo\n");
}

static void csv_entry(gen_writer *w, const model *m, const gen_entry *e)
{
    pb_buf *b = &w->buf;
    char d[PB_DATE_ISO_LEN];
    int i;

    (void)m;
    for (i = 0; i < e->n; i++) {
        const gen_posting *p = &e->p[i];

        pb_buf_printf(b, "%lld,", (long long)e->id);
        if (i == 0) {
            pb_buf_printf(b, "%s,", pb_date_iso(e->date, d));
            if (e->adjust >= 0)
                pb_buf_printf(b, "P%d", e->adjust);
            pb_buf_putc(b, ',');
            csv_field(b, e->description);
            pb_buf_putc(b, ',');
            csv_field(b, e->reference);
        } else {
            pb_buf_puts(b, ",,,");
        }
        pb_buf_printf(b, ",%s,", accounts[p->account].code);
        pb_export_pence(b, p->pence);
        pb_buf_printf(b, ",%s,%s,%s,%s,",
                      p->stream >= 0 ? streams[p->stream].code : "",
                      p->scheme >= 0 ? schemes[p->scheme].code : "",
                      p->partner >= 0 ? partners[p->partner].code : "",
                      p->cc);
        if (p->memo != NULL)
            csv_field(b, p->memo);
        pb_buf_putc(b, '\n');
    }
    w_flush(w, 0);
}

/* gl.csv and unit4-gl.rules: the year as a Unit4 (Agresso) general-ledger
 * export, one row per posting, a voucher per entry, dated by period
 * (yyyypp, so every entry lands on its period's last day), with the
 * finance system's own codes in the dimension columns - dim_1 the cost
 * centre, dim_2 a fund code F01-F07 (the stream), dim_3 a partner ledger
 * code, dim_4 an activity code A01-A12 (the scheme) - which the rules
 * file maps to poolbook's streams, partners and schemes: 22 `if` rules,
 * each tested on every row. */
static void gl_begin(gen_writer *w, const model *m)
{
    (void)m;
    pb_buf_puts(&w->buf, "period,account,dim_1,dim_2,dim_3,dim_4,voucher_no,"
                         "sequence_no,voucher_type,amount,description\n");
}

static void gl_entry(gen_writer *w, const model *m, const gen_entry *e)
{
    pb_buf *b = &w->buf;
    pb_period per = e->adjust >= 0
                        ? pb_period_make(pb_fy_of_date(e->date, FY_START),
                                         e->adjust)
                        : pb_period_of_date(e->date, FY_START);
    int i;

    (void)m;
    for (i = 0; i < e->n; i++) {
        const gen_posting *p = &e->p[i];

        pb_buf_printf(b, "%d,%s,%s,", (int)per, accounts[p->account].code,
                      p->cc);
        if (p->stream >= 0)
            pb_buf_printf(b, "F%02d", p->stream + 1);
        pb_buf_putc(b, ',');
        if (p->partner >= 0)
            pb_buf_printf(b, "P%s", partners[p->partner].code);
        pb_buf_putc(b, ',');
        if (p->scheme >= 0)
            pb_buf_printf(b, "A%02d", p->scheme + 1);
        pb_buf_printf(b, ",V%07lld,%d,%s,", (long long)e->id, i + 1,
                      e->reference[0] == 'I' ? "AP" : "GL");
        pb_export_pence(b, p->pence);
        pb_buf_putc(b, ',');
        csv_field(b, e->description);
        pb_buf_putc(b, '\n');
    }
    w_flush(w, 0);
}

static void rules_begin(gen_writer *w, const model *m)
{
    pb_buf *b = &w->buf;
    int i;

    (void)m;
    pb_buf_puts(b, "# Rules for gl.csv, the generated Unit4 GL export.\n"
                   "preset unit4-gl\n"
                   "strict\n"
                   "account {account} cc={cc}\n\n");
    for (i = 0; i < NSTREAMS; i++)
        pb_buf_printf(b, "if dim_2 is F%02d\n    stream %s\n", i + 1,
                      streams[i].code);
    for (i = 0; i < NSCHEMES; i++)
        pb_buf_printf(b, "if dim_4 is A%02d\n    scheme %s\n", i + 1,
                      schemes[i].code);
    for (i = 0; i < NPARTNERS; i++)
        pb_buf_printf(b, "if dim_3 is P%s\n    partner %s\n",
                      partners[i].code, partners[i].code);
}

/* year.journal and year.beancount: through ledger/export.c */
static void export_begin(gen_writer *w, const model *m, pb_export_format fmt)
{
    static const char *const keys[] = {"accrual"};
    pb_buf *b = &w->buf;
    char d[PB_DATE_ISO_LEN], title[96];
    const char *parent[NSCHEMES];
    int plen[NSCHEMES];
    int i, s, k;

    snprintf(title, sizeof title,
             "poolbook bench: %d-%02d, seed %llu, %lld entries", m->fy,
             (m->fy + 1) % 100, (unsigned long long)m->seed,
             (long long)m->n);
    pb_export_preamble(b, fmt, title, m->first, keys, 1);
    for (i = 0; i < NACCOUNTS; i++) {
        pb_export_account a;

        memset(&a, 0, sizeof a);
        a.name = fmt == PB_EXPORT_LEDGER ? accounts[i].ledger
                                         : accounts[i].bean;
        a.book_name = accounts[i].name;
        a.code = accounts[i].code;
        a.type = accounts[i].type;
        a.open = m->first;
        pb_export_account_decl(b, fmt, &a);
    }
    pb_buf_putc(b, '\n');
    /* Budgets: the book's budget lines added up by scheme, on the
     * scheme's parent account (its three accounts roll up to it), month by
     * month, since profiles make the months differ: for ledger and
     * hledger a `~ monthly` periodic transaction per month, for Fava a
     * "monthly" budget per scheme from each month's first day. */
    for (s = 0; s < NSCHEMES; s++) {
        const char *leaf = fmt == PB_EXPORT_LEDGER
                               ? accounts[leaf_account(s, 0)].ledger
                               : accounts[leaf_account(s, 0)].bean;

        plen[s] = (int)(strrchr(leaf, ':') - leaf);
        parent[s] = leaf;
        /* The budgeted parent is declared too (ledger --pedantic). */
        if (fmt == PB_EXPORT_LEDGER)
            pb_buf_printf(b, "account %.*s\n    ; type: X\n", plen[s], leaf);
    }
    pb_buf_putc(b, '\n');
    for (k = 0; k < NMONTHS; k++) {
        pb_period per = pb_period_make(m->fy, k + 1);
        char d2[PB_DATE_ISO_LEN];

        pb_date_iso(pb_period_first_day(per, FY_START), d);
        if (fmt == PB_EXPORT_LEDGER)
            pb_buf_printf(b,
                          "; budget of P%02d: the budget lines by scheme\n"
                          "~ monthly from %s to %s\n",
                          k + 1, d,
                          pb_date_iso(pb_period_last_day(per, FY_START) + 1,
                                      d2));
        for (s = 0; s < NSCHEMES; s++) {
            if (fmt == PB_EXPORT_LEDGER)
                pb_buf_printf(b, "    %.*s  ", plen[s], parent[s]);
            else
                pb_buf_printf(b, "%s custom \"budget\" %.*s \"monthly\" ",
                              d, plen[s], parent[s]);
            pb_export_pence(b, scheme_month(m, s, k));
            pb_buf_puts(b, " GBP\n");
        }
        if (fmt == PB_EXPORT_LEDGER)
            pb_buf_puts(b, "    Assets:Bank:Pooled Fund\n\n");
    }
    pb_buf_putc(b, '\n');
}

static void ledger_begin(gen_writer *w, const model *m)
{
    export_begin(w, m, PB_EXPORT_LEDGER);
}

static void bean_begin(gen_writer *w, const model *m)
{
    export_begin(w, m, PB_EXPORT_BEANCOUNT);
}

static void export_entry(gen_writer *w, const gen_entry *e,
                         pb_export_format fmt)
{
    pb_export_posting ps[MAX_POSTINGS];
    pb_export_tag tag;
    pb_export_entry x;
    int i;

    memset(&x, 0, sizeof x);
    x.id = e->id;
    x.date = e->date;
    x.period = e->adjust >= 0 ? pb_period_make(pb_fy_of_date(e->date,
                                                              FY_START),
                                               e->adjust)
                              : pb_period_of_date(e->date, FY_START);
    x.description = e->description;
    x.reference = e->reference;
    for (i = 0; i < e->n; i++) {
        const gen_posting *p = &e->p[i];

        memset(&ps[i], 0, sizeof ps[i]);
        ps[i].account = fmt == PB_EXPORT_LEDGER ? accounts[p->account].ledger
                                                : accounts[p->account].bean;
        ps[i].pence = p->pence;
        ps[i].dims[PB_DIM_STREAM] =
            p->stream >= 0 ? streams[p->stream].code : NULL;
        ps[i].dims[PB_DIM_SCHEME] =
            p->scheme >= 0 ? schemes[p->scheme].code : NULL;
        ps[i].dims[PB_DIM_PARTNER] =
            p->partner >= 0 ? partners[p->partner].code : NULL;
        ps[i].dims[PB_DIM_COST_CENTRE] = p->cc;
        ps[i].memo = p->memo;
    }
    x.postings = ps;
    x.npostings = (size_t)e->n;
    if (e->tag_key != NULL) {
        tag.line = 0;
        tag.key = e->tag_key;
        tag.value = e->tag_value;
        x.tags = &tag;
        x.ntags = 1;
    }
    pb_export_entry_write(&w->buf, fmt, &x, FY_START);
    w_flush(w, 0);
}

static void ledger_entry(gen_writer *w, const model *m, const gen_entry *e)
{
    (void)m;
    export_entry(w, e, PB_EXPORT_LEDGER);
}

static void bean_entry(gen_writer *w, const model *m, const gen_entry *e)
{
    (void)m;
    export_entry(w, e, PB_EXPORT_BEANCOUNT);
}

/* expected.tsv, accounts.tsv, budgets.tsv, manifest.txt: at the end */
static void expected_end(gen_writer *w, const model *m)
{
    int i;

    for (i = 0; i < NACCOUNTS; i++) {
        pb_buf_printf(&w->buf, "%s\t", accounts[i].code);
        pb_export_pence(&w->buf, m->balance[i]);
        pb_buf_putc(&w->buf, '\n');
    }
}

static void accounts_end(gen_writer *w, const model *m)
{
    int i;

    (void)m;
    pb_buf_puts(&w->buf, "code\ttype\tpoolbook\tledger\tbeancount\n");
    for (i = 0; i < NACCOUNTS; i++)
        pb_buf_printf(&w->buf, "%s\t%s\t%s\t%s\t%s\n", accounts[i].code,
                      pb_account_type_name(accounts[i].type),
                      accounts[i].name, accounts[i].ledger, accounts[i].bean);
}

/* budgets.tsv: every line's annual budget and months, as spread here -
 * what `poolbook dump budgets` must show once the book has spread them. */
static void budgets_tsv_end(gen_writer *w, const model *m)
{
    int i, k;

    pb_buf_puts(&w->buf, "scheme\tstream\tpartner\tamount");
    for (k = 0; k < NMONTHS; k++)
        pb_buf_printf(&w->buf, "\tp%02d", k + 1);
    pb_buf_putc(&w->buf, '\n');
    for (i = 0; i < m->nlines; i++) {
        const line_def *l = &m->line[i];

        pb_buf_printf(&w->buf, "%s\t%s\t%s\t", schemes[l->scheme].code,
                      streams[l->stream].code, partners[l->partner].code);
        pb_export_pence(&w->buf, l->amount);
        for (k = 0; k < NMONTHS; k++) {
            pb_buf_putc(&w->buf, '\t');
            pb_export_pence(&w->buf, l->month[k]);
        }
        pb_buf_putc(&w->buf, '\n');
    }
}

/* month-end.tsv: the figures of the month-end reports at REPORT_PERIOD,
 * from the generator's own sums: KIND CODE MEASURE AMOUNT, in the book's
 * signs (debit positive: income is negative).
 *   scheme budget          current budget for the year (its lines)
 *   scheme budget_to_date  its lines' months P1..REPORT_PERIOD
 *   scheme forecast        its lines' forecasts at REPORT_PERIOD
 *   scheme actual          income and expenditure posted with it, P0 on
 *   scheme spend           expenditure only
 *   stream income, spend   income / expenditure posted with it
 *   stream net             the two together (-balance)
 *   stream budget_to_date  its lines' months P1..REPORT_PERIOD */
static void pair(pb_buf *b, const char *kind, const char *code,
                 const char *measure, int64_t pence)
{
    pb_buf_printf(b, "%s\t%s\t%s\t", kind, code, measure);
    pb_export_pence(b, pence);
    pb_buf_putc(b, '\n');
}

static void month_end_end(gen_writer *w, const model *m)
{
    int64_t budget, to_date, forecast;
    int s, i, k;

    for (s = 0; s < NSCHEMES; s++) {
        budget = to_date = forecast = 0;
        for (i = 0; i < m->nlines; i++) {
            if (m->line[i].scheme != s)
                continue;
            budget += m->line[i].amount;
            forecast += m->line[i].forecast[1];
            for (k = 0; k < REPORT_PERIOD; k++)
                to_date += m->line[i].month[k];
        }
        pair(&w->buf, "scheme", schemes[s].code, "budget", budget);
        pair(&w->buf, "scheme", schemes[s].code, "budget_to_date", to_date);
        pair(&w->buf, "scheme", schemes[s].code, "forecast", forecast);
        pair(&w->buf, "scheme", schemes[s].code, "actual",
             m->rp_scheme_net[s]);
        pair(&w->buf, "scheme", schemes[s].code, "spend",
             m->rp_scheme_spend[s]);
    }
    for (s = 0; s < NSTREAMS; s++) {
        to_date = 0;
        for (i = 0; i < m->nlines; i++)
            if (m->line[i].stream == s)
                for (k = 0; k < REPORT_PERIOD; k++)
                    to_date += m->line[i].month[k];
        pair(&w->buf, "stream", streams[s].code, "income",
             m->rp_stream_income[s]);
        pair(&w->buf, "stream", streams[s].code, "spend",
             m->rp_stream_spend[s]);
        pair(&w->buf, "stream", streams[s].code, "net",
             m->rp_stream_income[s] + m->rp_stream_spend[s]);
        pair(&w->buf, "stream", streams[s].code, "budget_to_date", to_date);
    }
}

/* names.tsv: KIND CODE LABEL LEDGER BEANCOUNT - a stream or scheme as the
 * pool reports label its row (a scheme as "Area - Name"), and a scheme's
 * budgeted parent account in the journal and the beancount file. */
static void names_end(gen_writer *w, const model *m)
{
    int i;

    (void)m;
    for (i = 0; i < NSTREAMS; i++)
        pb_buf_printf(&w->buf, "stream\t%s\t%s\t-\t-\n", streams[i].code,
                      streams[i].name);
    for (i = 0; i < NSCHEMES; i++) {
        const char *l = accounts[leaf_account(i, 0)].ledger;
        const char *bn = accounts[leaf_account(i, 0)].bean;

        pb_buf_printf(&w->buf, "scheme\t%s\t%s - %s\t%.*s\t%.*s\n",
                      schemes[i].code, schemes[i].area, schemes[i].name,
                      (int)(strrchr(l, ':') - l), l,
                      (int)(strrchr(bn, ':') - bn), bn);
    }
}

static void manifest_end(gen_writer *w, const model *m)
{
    pb_period per = pb_period_make(m->fy, REPORT_PERIOD);
    char d[PB_DATE_ISO_LEN], fy[16];

    fy_name(m, fy);
    pb_buf_printf(&w->buf,
                  "seed\t%llu\nentries\t%lld\npostings\t%lld\n"
                  "fy\t%d\nfy_name\t%s\nregister_scheme\t%s\n",
                  (unsigned long long)m->seed, (long long)(m->next_id - 1),
                  (long long)m->postings, m->fy, fy, REGISTER_SCHEME);
    pb_buf_printf(&w->buf, "first\t%s\n", pb_date_iso(m->first, d));
    pb_buf_printf(&w->buf, "last\t%s\n", pb_date_iso(m->last, d));
    pb_buf_printf(&w->buf, "report_period\tP%02d\n", REPORT_PERIOD);
    pb_buf_printf(&w->buf, "report_end\t%s\n",
                  pb_date_iso(pb_period_last_day(per, FY_START), d));
    pb_buf_printf(&w->buf, "report_next\t%s\n",
                  pb_date_iso(pb_period_last_day(per, FY_START) + 1, d));
}

static void w_end_flush(gen_writer *w, const model *m)
{
    (void)m;
    w_flush(w, 1);
}

/* ---- main -------------------------------------------------------------- */

static const char usage[] =
    "usage: gen [--seed N] [--entries N] [--fy YEAR] --out DIR\n"
    "Writes one financial year of a pooled fund (default: seed 1, 10000\n"
    "entries, 2024-25) in DIR: setup.sh and the pool model's CSV files\n"
    "(partners, pools, streams, schemes, accounts, profiles, budgets,\n"
    "contributions, forecasts), entries.txt, postings.csv, gl.csv,\n"
    "unit4-gl.rules, year.journal, year.beancount, expected.tsv,\n"
    "month-end.tsv, accounts.tsv, budgets.tsv, names.tsv and\n"
    "manifest.txt.\n";

static int parse_num(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},
        {"entries", required_argument, NULL, 'n'},
        {"fy", required_argument, NULL, 'y'},
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    gen_writer writers[] = {
        {"setup.sh", NULL, PB_BUF_INIT, setup_begin, NULL, w_end_flush},
        {"entries.txt", NULL, PB_BUF_INIT, NULL, text_entry, w_end_flush},
        {"postings.csv", NULL, PB_BUF_INIT, csv_begin, csv_entry,
         w_end_flush},
        {"gl.csv", NULL, PB_BUF_INIT, gl_begin, gl_entry, w_end_flush},
        {"unit4-gl.rules", NULL, PB_BUF_INIT, rules_begin, NULL,
         w_end_flush},
        {"year.journal", NULL, PB_BUF_INIT, ledger_begin, ledger_entry,
         w_end_flush},
        {"year.beancount", NULL, PB_BUF_INIT, bean_begin, bean_entry,
         w_end_flush},
        {"partners.csv", NULL, PB_BUF_INIT, NULL, NULL, partners_end},
        {"pools.csv", NULL, PB_BUF_INIT, NULL, NULL, pools_end},
        {"streams.csv", NULL, PB_BUF_INIT, NULL, NULL, streams_end},
        {"schemes.csv", NULL, PB_BUF_INIT, NULL, NULL, schemes_end},
        {"accounts.csv", NULL, PB_BUF_INIT, NULL, NULL, accounts_csv_end},
        {"profiles.csv", NULL, PB_BUF_INIT, NULL, NULL, profiles_end},
        {"budgets.csv", NULL, PB_BUF_INIT, NULL, NULL, budgets_csv_end},
        {"contributions.csv", NULL, PB_BUF_INIT, NULL, NULL,
         contributions_end},
        {"forecasts.csv", NULL, PB_BUF_INIT, NULL, NULL, forecasts_end},
        {"expected.tsv", NULL, PB_BUF_INIT, NULL, NULL, expected_end},
        {"month-end.tsv", NULL, PB_BUF_INIT, NULL, NULL, month_end_end},
        {"accounts.tsv", NULL, PB_BUF_INIT, NULL, NULL, accounts_end},
        {"budgets.tsv", NULL, PB_BUF_INIT, NULL, NULL, budgets_tsv_end},
        {"names.tsv", NULL, PB_BUF_INIT, NULL, NULL, names_end},
        {"manifest.txt", NULL, PB_BUF_INIT, NULL, NULL, manifest_end},
    };
    size_t nw = sizeof writers / sizeof writers[0], i;
    static model m;
    const char *out = NULL, *why = NULL;
    int64_t v;
    int c, rc = 0;

    m.seed = 1;
    m.n = 10000;
    m.fy = 2024;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (parse_num(optarg, 0, INT64_MAX, &v) != 0)
                goto bad;
            m.seed = (uint64_t)v;
            break;
        case 'n':
            if (parse_num(optarg, MIN_ENTRIES, 100000000, &v) != 0)
                goto bad;
            m.n = v;
            break;
        case 'y':
            if (parse_num(optarg, 2000, 2100, &v) != 0)
                goto bad;
            m.fy = (int)v;
            break;
        case 'o': out = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: goto bad;
        }
    }
    if (out == NULL || optind != argc)
        goto bad;
    if (plan(&m, &why) != 0) {
        fprintf(stderr, "gen: %s (at least %d)\n", why, MIN_ENTRIES);
        return 2;
    }
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen: cannot create %s\n", out);
        return 1;
    }
    accounts_init();
    run_pass(&m, 1);
    size_plan(&m);
    for (i = 0; i < nw; i++) {
        char path[4096];

        snprintf(path, sizeof path, "%s/%s", out, writers[i].file);
        writers[i].f = fopen(path, "w");
        if (writers[i].f == NULL) {
            fprintf(stderr, "gen: cannot write %s\n", path);
            return 1;
        }
    }
    m.writers = writers;
    m.nwriters = nw;
    run_pass(&m, 2);
    for (i = 0; i < nw; i++) {
        w_flush(&writers[i], 1);
        if (fclose(writers[i].f) != 0) {
            fprintf(stderr, "gen: cannot write %s/%s\n", out,
                    writers[i].file);
            rc = 1;
        }
        pb_buf_clear(&writers[i].buf);
    }
    if (m.next_id - 1 != m.n) {
        fprintf(stderr, "gen: internal error: %lld entries, not %lld\n",
                (long long)(m.next_id - 1), (long long)m.n);
        rc = 1;
    }
    accounts_free();
    return rc;
bad:
    fputs(usage, stderr);
    return 2;
}
