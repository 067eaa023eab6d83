#!/usr/bin/env python3
"""bench_book.py DIR N - writes the CSV files of a generated BCF book of N
postings for tests/reports/bench_reports.sh (deterministic; not a fixture).

A pool BCF 2024-25: partners SCC and ICB, the 7 BCF streams, 12 schemes
with 2 budget lines each (a stream and partner), 4 cost centres per
scheme, P05 and P06 forecasts for every line, planned contributions; the
postings are the contributions (income) and then invoices - Dr one of 5
expenditure accounts with stream, scheme, partner and cost centre, Cr
creditors - spread evenly over the 365 days of 2024-25.  budget.journal
holds the budgets as ledger periodic transactions for `hledger bal
--budget`.
"""
import os
import random
import sys
from datetime import date, timedelta

STREAMS = [("DFG", "SCC"), ("MIN-NHS", "ICB"), ("IBCF", "SCC"),
           ("ADD-LA", "SCC"), ("ADD-NHS", "ICB"), ("LA-DISCH", "SCC"),
           ("ICB-DISCH", "ICB")]
SCHEMES = ["S%02d" % i for i in range(1, 13)]
EXP = ["5000", "5100", "5200", "5300", "5400"]


def main(out, n):
    rnd = random.Random(2024)
    w = lambda name: open(os.path.join(out, name), "w")
    with w("partners.csv") as f:
        f.write("code,name,kind\nSCC,Southampton City Council,council\n"
                "ICB,NHS Hampshire and Isle of Wight ICB,icb\n")
    with w("pools.csv") as f:
        f.write("code,name,basis,host,first_fy\n"
                "BCF,Better Care Fund,s75-pooled,SCC,2024-25\n")
    with w("streams.csv") as f:
        f.write("code,name,pool,partner\n")
        for s, p in STREAMS:
            f.write("%s,Stream %s,BCF,%s\n" % (s, s, p))
    with w("schemes.csv") as f:
        f.write("code,name,pool,host,area\n")
        for i, s in enumerate(SCHEMES):
            f.write("%s,Scheme %s,BCF,SCC,Area %d\n" % (s, s, i % 3))
    with w("accounts.csv") as f:
        f.write("code,name,type\n1000,Assets:Bank,asset\n"
                "1100,Assets:Debtors,asset\n2000,Liabilities:Creditors,"
                "liability\n4000,Income:Contributions:ICB,income\n"
                "4100,Income:Contributions:SCC,income\n")
        for a in EXP:
            f.write("%s,Expenditure:Cost %s,expenditure\n" % (a, a))
    lines = []
    for i, s in enumerate(SCHEMES):
        for k in (0, 1):
            st, p = STREAMS[(i + k * 3) % len(STREAMS)]
            lines.append((s, st, p, 1000000 + 250000 * i + 100000 * k))
    with w("budgets.csv") as f:
        f.write("pool,fy,scheme,stream,partner,amount\n")
        for s, st, p, a in lines:
            f.write("BCF,2024-25,%s,%s,%s,%d.00\n" % (s, st, p, a))
    with w("forecasts.csv") as f:
        f.write("pool,fy,period,scheme,stream,partner,amount\n")
        for per in ("P05", "P06"):
            for s, st, p, a in lines:
                f.write("BCF,2024-25,%s,%s,%s,%s,%d.00\n"
                        % (per, s, st, p, a + rnd.randrange(-50000, 50000)))
    total = {}
    for s, st, p, a in lines:
        total[(st, p)] = total.get((st, p), 0) + a
    with w("contributions.csv") as f:
        f.write("pool,fy,partner,stream,amount\n")
        for (st, p), a in sorted(total.items()):
            f.write("BCF,2024-25,%s,%s,%d.00\n" % (p, st, a))
    with w("budget.journal") as f:
        f.write("\n~ monthly from 2024-04-01 to 2025-04-01\n")
        for a in EXP:
            f.write("    Expenditure:Cost %s    GBP %d.00\n"
                    % (a, sum(x[3] for x in lines) // 12 // len(EXP)))
        f.write("    Liabilities:Creditors\n")
    start = date(2024, 4, 1)
    with w("postings.csv") as f:
        f.write("entry,date,description,account,amount,stream,scheme,"
                "partner,cc\n")
        k = 0
        for (st, p), a in sorted(total.items()):
            k += 1
            f.write("C%d,2024-04-01,Contribution %s,1100,%d.00,%s,,%s,\n"
                    "C%d,,,%s,,,,,\n" % (k, st, a, st, p, k,
                                         "4000" if p == "ICB" else "4100"))
        entries = max(0, (n - 2 * k) // 2)
        for e in range(entries):
            d = start + timedelta(days=e * 365 // max(entries, 1))
            s, st, p, _a = lines[rnd.randrange(len(lines))]
            cc = "%s-CC%d" % (s, rnd.randrange(4))
            amt = rnd.randrange(100, 2000000)
            f.write("E%d,%s,Invoice %d,%s,%d.%02d,%s,%s,%s,%s\n"
                    "E%d,,,2000,,,,,\n"
                    % (e, d.isoformat(), e, EXP[e % len(EXP)], amt // 100,
                       amt % 100, st, s, p, cc, e))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
