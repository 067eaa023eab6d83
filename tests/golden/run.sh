#!/bin/sh
# Golden CLI tests: each directory tests/golden/NAME/ holds
#   cmd      a sh script run in a fresh empty directory, with
#            $POOLBOOK (the program under test), $FIXTURES (the repo's
#            fixtures/ directory, absolute) and a fixed environment
#            (POOLBOOK_DB=book.db, POOLBOOK_NOW, POOLBOOK_TODAY, POOLBOOK_USER);
#   out      expected standard output;
#   err      expected standard error;
#   status   expected exit status of the script.
# A case fails when any of the three differs.  UPDATE=1 writes the actual
# results as the expected ones (review the diff before committing).
# Usage: sh tests/golden/run.sh PATH/TO/poolbook [CASE...]
set -u
prog=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
case $prog in /*) ;; *) prog=$(pwd)/$prog ;; esac
[ -x "$prog" ] || { echo "run.sh: $prog is not executable" >&2; exit 2; }
if [ $# -gt 0 ]; then
    cases=$*
else
    cases=$(cd "$top/tests/golden" && ls -d */ 2>/dev/null | sed 's:/$::')
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pb-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
for c in $cases; do
    dir=$top/tests/golden/$c
    [ -f "$dir/cmd" ] || continue
    work=$tmp/$c
    mkdir -p "$work"
    (
        cd "$work" &&
        POOLBOOK="${RUNNER:+$RUNNER }$prog" FIXTURES=$top/fixtures \
        POOLBOOK_DB=book.db POOLBOOK_NOW=2025-01-16T09:00:00Z \
        POOLBOOK_TODAY=2024-10-15 POOLBOOK_USER=officer LC_ALL=C TZ=UTC \
        sh "$dir/cmd" >"$tmp/$c.out" 2>"$tmp/$c.err"
        echo $? >"$tmp/$c.status"
    )
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$tmp/$c.out" "$dir/out"
        cp "$tmp/$c.err" "$dir/err"
        cp "$tmp/$c.status" "$dir/status"
    fi
    ok=1
    for f in out err status; do
        if ! cmp -s "$tmp/$c.$f" "$dir/$f" 2>/dev/null; then
            [ $ok = 1 ] && echo "FAIL golden/$c"
            ok=0
            if [ -f "$dir/$f" ]; then
                diff -u "$dir/$f" "$tmp/$c.$f" | sed 's/^/    /' | head -40
            else
                echo "    missing expected file $f"
            fi
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
