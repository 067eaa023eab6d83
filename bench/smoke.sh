#!/bin/sh
# bench/smoke.sh - the benchmark's workload at its smallest size, checked
# but not timed: small enough for `make check` (about a second), and needs
# nothing but poolbook and the bench programs.
#
#   sh bench/smoke.sh [BUILD_DIR]       (default: build; needs
#                                        BUILD_DIR/poolbook, bench/gen and
#                                        bench/runtime: `make check` and
#                                        `make bench` build them)
#
# Runs bench/run.sh with BENCH_CHECK_ONLY=1 for poolbook alone on 2,000
# entries in a temporary directory: the generator must repeat itself byte
# for byte; its pool model must load through the CSV loaders; the year
# must load as text, as the posting CSV and through the Unit4 rules, each
# giving every account's balance the generator's own sums give; `poolbook
# dump budgets` must spread the budgets to the journal's pennies; the
# budget-monitoring and running-balances reports must show the
# generator's month-end figures; every case must run, `check` included.
# Exit status 0 when all of that holds, 1 (with FAILED and the
# difference) when not.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pb-bench-smoke.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
BENCH_CHECK_ONLY=1 BENCH_SIZES=2000 BENCH_TOOLS=poolbook BENCH_DATA=$tmp \
    BENCH_OUT=/dev/null sh "$top/bench/run.sh" "${1:-build}"
