#!/bin/sh
# bench_reports.sh - times the month-end pool reports on generated books
# of N postings, and ledger / hledger on the same journal (not part of
# `make check`: it takes minutes and needs ledger and hledger).
#
#   sh tests/reports/bench_reports.sh PATH/TO/poolbook [N...]   (default
#   N: 100000 1000000)
#
# For each N it writes, in a temporary directory: a Better Care Fund pool
# of 12 schemes (24 budget lines, 7 streams, 2 partners, 48 cost
# centres), P05 and P06 forecasts, planned contributions, and N postings
# spread over 2024-25 (tests/reports/bench_book.py), loads them with
# `poolbook load`, and prints the best of 5 wall-clock times of each
# report (text to /dev/null) at P06, at P12, and as at a date inside P06,
# then of `ledger bal` and `hledger bal --budget -M` on the journal
# `poolbook export ledger` writes (with the budgets as periodic
# transactions).  Environment: RUNS (default 5), KEEP=1 keeps the
# directory.
set -eu
prog=$1
shift
case $prog in /*) ;; *) prog=$(pwd)/$prog ;; esac
top=$(cd "$(dirname "$0")/../.." && pwd)
sizes=${*:-100000 1000000}
runs=${RUNS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pb-bench.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT INT TERM

# best of $runs wall-clock seconds of "$@" (output discarded)
best() {
    python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
best = None
for _ in range(runs):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit("failed: %s: %s" % (" ".join(cmd), r.stderr.decode()))
    best = dt if best is None else min(best, dt)
print("%.3f" % best)
PY
}

printf '%-10s %-44s %s\n' POSTINGS COMMAND SECONDS
for n in $sizes; do
    d=$tmp/$n
    mkdir -p "$d"
    python3 "$top/tests/reports/bench_book.py" "$d" "$n"
    db=$d/book.db
    start=$(date +%s)
    "$prog" --db "$db" init >/dev/null
    for k in partners pools streams schemes accounts budgets contributions \
        postings forecasts; do
        "$prog" --db "$db" load $k "$d/$k.csv" >/dev/null
    done
    echo "# $n postings loaded in $(( $(date +%s) - start )) s" >&2
    for r in running-balances budget-monitoring schemes pool \
        trial-balance; do
        pool="--pool BCF"
        [ "$r" = trial-balance ] && pool=
        for at in "--period|2024-25 P06" "--period|2024-25 P12" \
            "--as-of|2024-09-17"; do
            opt=${at%%|*}
            val=${at#*|}
            t=$(best "$prog" --db "$db" report $r $pool "$opt" "$val")
            printf '%-10s %-44s %s\n' "$n" "report $r $opt $val" "$t"
        done
    done
    "$prog" --db "$db" export ledger --output "$d/year.journal"
    cat "$d/budget.journal" >>"$d/year.journal"
    t=$(best ledger -f "$d/year.journal" bal)
    printf '%-10s %-44s %s\n' "$n" "ledger bal" "$t"
    t=$(best hledger -f "$d/year.journal" bal --budget -M)
    printf '%-10s %-44s %s\n' "$n" "hledger bal --budget -M" "$t"
done
