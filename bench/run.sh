#!/bin/sh
# bench/run.sh - poolbook against hledger, ledger and beancount on the same
# generated pooled-fund year, at several sizes.  `make bench` runs it; see
# docs/bench.md.
#
#   sh bench/run.sh [BUILD_DIR]        (default: build)
#
# Environment:
#   BENCH_SIZES    entries per workload (default "10000 100000 1000000")
#   BENCH_RUNS     timed runs per case after the warm-up (default 5, odd)
#   BENCH_SEED     generator seed (default 1)
#   BENCH_DATA     scratch directory (default bench/data, git-ignored)
#   BENCH_TIMEOUT  seconds before one run is killed (default 900)
#   BENCH_SLOW     a warm-up longer than this many seconds is itself a
#                  sample and two more runs follow (default 30); longer
#                  than 3x this, it is the only sample (flagged "1 run")
#   BENCH_OUT      the results file (default bench/results.md)
#   BENCH_TOOLS    the tools to time (default "poolbook hledger ledger
#                  beancount"); with fewer, the other tools' earlier results
#                  for the same sizes are kept from bench/data/results.tsv
#   BENCH_REPORT_ONLY=1   rewrite the results file from results.tsv only
#
# For each size: generate the year (bench/gen), build the book, check that
# every tool reports every account's balance to the penny as the
# generator's own integer sums say (and that `poolbook export` repeats the
# generated journal's entries byte for byte) - exit 1 loudly if not - then
# time each case with bench/runtime (wall clock, peak RSS) and write the
# medians to the results file.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
PB=$build/poolbook
GEN=$build/bench/gen
RT=$build/bench/runtime
sizes=${BENCH_SIZES:-"10000 100000 1000000"}
runs=${BENCH_RUNS:-5}
seed=${BENCH_SEED:-1}
data=${BENCH_DATA:-$top/bench/data}
timeout=${BENCH_TIMEOUT:-900}
slow=${BENCH_SLOW:-30}
out=${BENCH_OUT:-$top/bench/results.md}

die() {
    echo "" >&2
    echo "bench: ******** FAILED: $* ********" >&2
    exit 1
}
say() { echo "bench: $*"; }

for f in "$PB" "$GEN" "$RT"; do
    [ -x "$f" ] || die "$f is missing: run 'make bench'"
done
mkdir -p "$data/bin" || die "cannot create $data"
case $data in /*) ;; *) data=$(cd "$data" && pwd) ;; esac
# Run private copies, so a rebuild during the run cannot change (or
# briefly remove) the programs being timed.
for f in "$PB" "$GEN" "$RT"; do
    cp "$f" "$data/bin/" || die "cannot copy $f"
done
PB=$data/bin/poolbook
GEN=$data/bin/gen
RT=$data/bin/runtime
tools=${BENCH_TOOLS:-"poolbook hledger ledger beancount"}
# SQLite's .import is poolbook's floor: it is timed with poolbook.
case " $tools " in *" poolbook "*) tools="$tools sqlite3" ;; esac
want() { case " $tools " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- the other tools: install from Debian when missing ------------------
missing=""
command -v hledger >/dev/null 2>&1 || missing="$missing hledger"
command -v ledger >/dev/null 2>&1 || missing="$missing ledger"
command -v bean-check >/dev/null 2>&1 || missing="$missing beancount"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
then
    say "installing$missing from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y $missing >/dev/null 2>&1 ||
        { apt-get update >/dev/null 2>&1 &&
          apt-get install -y $missing >/dev/null 2>&1; }
fi
HAVE_HLEDGER=0; HAVE_LEDGER=0; HAVE_BEAN=0; HAVE_BQL=0
want hledger && command -v hledger >/dev/null 2>&1 && HAVE_HLEDGER=1
want ledger && command -v ledger >/dev/null 2>&1 && HAVE_LEDGER=1
want beancount && command -v bean-check >/dev/null 2>&1 && HAVE_BEAN=1
want beancount && command -v bean-query >/dev/null 2>&1 && HAVE_BQL=1
HAVE_PB=0; HAVE_SQLITE=0
want poolbook && HAVE_PB=1
want sqlite3 && command -v sqlite3 >/dev/null 2>&1 && HAVE_SQLITE=1
for t in hledger:$HAVE_HLEDGER ledger:$HAVE_LEDGER bean-check:$HAVE_BEAN \
         bean-query:$HAVE_BQL; do
    case $t in bean-*) tn=beancount ;; *) tn=${t%:*} ;; esac
    if [ "${t#*:}" = 0 ] && want "$tn"; then
        echo "" >&2
        echo "bench: ******** NOTE: ${t%:*} is not installed and could not" \
             "be installed: its cases are SKIPPED ********" >&2
        echo "" >&2
    fi
done

# ---- helpers --------------------------------------------------------------

# "NAME<TAB>AMOUNT" lines (amounts as the tools print them: 1,234.56,
# -1234.56 GBP, £1.00, 0) to "NAME<TAB>PENCE", dropping zeros.  String
# operations only: no tool's arithmetic touches the money.
to_pence() {
    awk -F '\t' '{
        a = $2; gsub(/[£, "]|GBP/, "", a)
        neg = 0
        if (substr(a, 1, 1) == "-") { neg = 1; a = substr(a, 2) }
        if (index(a, ".") == 0) a = a ".00"
        split(a, p, "."); f = p[2]
        while (length(f) < 2) f = f "0"
        s = p[1] f; sub(/^0+/, "", s)
        if (s == "") next
        print $1 "\t" (neg ? "-" : "") s
    }'
}

# Maps column $1 (a tool's account name) to the poolbook code, using
# accounts.tsv column COL; names not in the chart (ledger's parents) drop.
by_code() {
    awk -F '\t' -v col="$1" -v map="$2" '
        BEGIN { while ((getline l < map) > 0) { split(l, f, "\t");
                n[f[col]] = f[1] } }
        ($1 in n) { print n[$1] "\t" $2 }'
}

# check_same WHAT FILE: FILE (code<TAB>pence) must equal expected.tsv.
check_same() {
    sort "$2" > "$2.sorted"
    if ! cmp -s "$w/expected.nz" "$2.sorted"; then
        echo "bench: $1 disagrees with the generator's totals:" >&2
        diff "$w/expected.nz" "$2.sorted" | head -20 >&2
        die "$1 does not report the same balances (N=$n)"
    fi
    say "  totals agree: $1"
}

# measure CASE TOOL CMD [ARG...]: a warm-up, then timed runs; appends
# "N CASE TOOL MEDIAN MIN MAX RSS_KIB SAMPLES STATUS" to results.tsv.
# $PREP, when set, is run (untimed) before every run.
measure() {
    mcase=$1 mtool=$2
    shift 2
    : > "$w/samples"
    [ -n "${PREP:-}" ] && sh -c "$PREP"
    warm=$("$RT" -t "$timeout" "$@") || die "cannot time $*"
    wsec=${warm%%.*}
    k=$runs
    if [ "$wsec" -ge $((slow * 3)) ]; then
        echo "$warm" >> "$w/samples"; k=0
    elif [ "$wsec" -ge "$slow" ]; then
        echo "$warm" >> "$w/samples"; k=2
    fi
    i=0
    while [ $i -lt $k ]; do
        [ -n "${PREP:-}" ] && sh -c "$PREP"
        "$RT" -t "$timeout" "$@" >> "$w/samples" || die "cannot time $*"
        i=$((i + 1))
    done
    status=$(awk '$3 != "0" { s = $3 } END { print s == "" ? "ok" : s }' \
        "$w/samples")
    cnt=$(wc -l < "$w/samples")
    med=$(sort -n "$w/samples" | awk -v c="$cnt" 'NR == int((c + 1) / 2) {
        print $1 }')
    min=$(sort -n "$w/samples" | awk 'NR == 1 { print $1 }')
    max=$(sort -n "$w/samples" | awk 'END { print $1 }')
    rss=$(sort -k2,2n "$w/samples" | awk 'END { print $2 }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$mcase" "$mtool" \
        "$med" "$min" "$max" "$rss" "$cnt" "$status" >> "$data/results.tsv"
    say "  $(printf '%-10s %-10s %9ss  (%s-%s, %s runs)  %6s KiB  %s' \
        "$mcase" "$mtool" "$med" "$min" "$max" "$cnt" "$rss" "$status")"
    [ "$status" = ok ] || echo "bench: NOTE: $mtool $mcase ended $status" >&2
}

# Copies the results of an identical command measured under another case.
same_as() {
    awk -F '\t' -v OFS='\t' -v n="$n" -v from="$1" -v tool="$2" \
        -v to="$3" '$1 == n && $2 == from && $3 == tool { $2 = to; print }' \
        "$data/results.tsv" > "$w/copy"
    cat "$w/copy" >> "$data/results.tsv"
}

# ---- the machine ----------------------------------------------------------
machine=$data/machine.txt
{
    echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null |
        sed 's/.*: //'), $(nproc) logical CPUs"
    echo "- Memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' \
        /proc/meminfo 2>/dev/null)"
    echo "- OS: $(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}")," \
        "kernel $(uname -r)"
    echo "- poolbook: $("$PB" --version 2>/dev/null), SQLite" \
        "$(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
    [ $HAVE_HLEDGER = 1 ] && echo "- $(hledger --version | head -1)"
    [ $HAVE_LEDGER = 1 ] && echo "- $(ledger --version | head -1)"
    [ $HAVE_BEAN = 1 ] && echo "- $(bean-check --version 2>&1 | head -1)"
} > "$machine"
cat "$machine"

if [ "${BENCH_REPORT_ONLY:-0}" = 1 ]; then
    sizes=""
elif [ -n "${BENCH_TOOLS:-}" ] && [ -f "$data/results.tsv" ]; then
    # Keep the other tools' results; drop what this run re-measures.
    awk -F '\t' -v sizes=" $sizes " -v tools=" $tools " '
        !(index(sizes, " " $1 " ") && index(tools, " " $3 " "))' \
        "$data/results.tsv" > "$data/results.keep"
    mv "$data/results.keep" "$data/results.tsv"
else
    : > "$data/results.tsv"
fi
for n in $sizes; do
    w=$data/$n
    say "== N = $n entries (seed $seed)"
    mkdir -p "$w"
    "$GEN" --seed "$seed" --entries "$n" --out "$w" ||
        die "the generator failed"
    say "  $(grep postings "$w/manifest.txt" | tr '\t' ' ')"
    scheme=$(awk -F '\t' '$1 == "register_scheme" { print $2 }' \
        "$w/manifest.txt")
    rm -f "$w"/template.db* "$w"/book.db* "$w"/run.db*
    POOLBOOK=$PB sh "$w/setup.sh" "$w/template.db" ||
        die "setup.sh failed"
    cp "$w/template.db" "$w/book.db"
    "$PB" --db "$w/book.db" post "$w/entries.txt" > /dev/null ||
        die "poolbook post failed"

    # ---- the same totals, to the penny, from every tool -----------------
    to_pence < "$w/expected.tsv" | sort > "$w/expected.nz"
    "$PB" --db "$w/book.db" balance |
        awk '$1 != "Total" { print $1 "\t" $NF }' | to_pence \
        > "$w/tot.poolbook"
    check_same "poolbook balance" "$w/tot.poolbook"
    if [ $HAVE_HLEDGER = 1 ]; then
        hledger -f "$w/year.journal" bal --flat --no-total -O csv |
            sed 's/^"\([^"]*\)","\(.*\)"$/\1\t\2/' |
            by_code 4 "$w/accounts.tsv" | to_pence > "$w/tot.hledger"
        check_same "hledger bal" "$w/tot.hledger"
    fi
    if [ $HAVE_LEDGER = 1 ]; then
        ledger -f "$w/year.journal" bal --flat --no-total \
            --format '%(account)\t%(scrub(display_total))\n' |
            by_code 4 "$w/accounts.tsv" | to_pence > "$w/tot.ledger"
        check_same "ledger bal" "$w/tot.ledger"
    fi
    if [ $HAVE_BQL = 1 ]; then
        bean-query -f csv "$w/year.beancount" \
            'SELECT account, sum(number) GROUP BY account' |
            tr -d '\r' | sed 's/ *, */\t/; s/ *$//' |
            by_code 5 "$w/accounts.tsv" | to_pence > "$w/tot.beancount"
        check_same "bean-query" "$w/tot.beancount"
    fi
    # poolbook export of the loaded book repeats the generated entries.
    for fmt in ledger:year.journal beancount:year.beancount; do
        "$PB" --db "$w/book.db" export "${fmt%%:*}" \
            --output "$w/export.${fmt%%:*}" || die "poolbook export failed"
        sed -n '/^[0-9-]* \* /,$p' "$w/${fmt#*:}" > "$w/a.tmp"
        sed -n '/^[0-9-]* \* /,$p' "$w/export.${fmt%%:*}" > "$w/b.tmp"
        cmp -s "$w/a.tmp" "$w/b.tmp" ||
            die "poolbook export ${fmt%%:*} differs from ${fmt#*:}"
        say "  export agrees: poolbook export ${fmt%%:*} = ${fmt#*:}"
    done
    rm -f "$w/a.tmp" "$w/b.tmp" "$w"/export.*

    # ---- case 1: load the year ---------------------------------------------
    if [ $HAVE_PB = 1 ]; then
        PREP="rm -f '$w'/run.db*; cp '$w/template.db' '$w/run.db'"
        measure load poolbook "$PB" --db "$w/run.db" post "$w/entries.txt"
        PREP=""
        rm -f "$w"/run.db*
    fi
    # ---- case 1b: the native posting CSV; SQLite's bare .import of it ---
    if [ $HAVE_PB = 1 ]; then
        PREP="rm -f '$w'/run.db*; cp '$w/template.db' '$w/run.db'"
        measure load-csv poolbook "$PB" --db "$w/run.db" load postings \
            "$w/postings.csv"
        PREP=""
        "$PB" --db "$w/run.db" balance |
            awk '$1 != "Total" { print $1 "\t" $NF }' | to_pence \
            > "$w/tot.csv"
        check_same "poolbook load postings" "$w/tot.csv"
        rm -f "$w"/run.db*
    fi
    if [ $HAVE_SQLITE = 1 ]; then
        PREP="rm -f '$w'/floor.db*"
        measure load-csv sqlite3 sqlite3 "$w/floor.db" -cmd '.mode csv' \
            ".import $w/postings.csv postings"
        PREP=""
        rm -f "$w"/floor.db*
    fi
    # ---- case 1c: a Unit4 GL export through the rules engine; its floor --
    if [ $HAVE_PB = 1 ]; then
        PREP="rm -f '$w'/run.db*; cp '$w/template.db' '$w/run.db'"
        measure import-gl poolbook "$PB" --db "$w/run.db" import \
            --rules "$w/unit4-gl.rules" "$w/gl.csv"
        PREP=""
        "$PB" --db "$w/run.db" balance |
            awk '$1 != "Total" { print $1 "\t" $NF }' | to_pence \
            > "$w/tot.gl"
        check_same "poolbook import --rules unit4-gl.rules" "$w/tot.gl"
        rm -f "$w"/run.db*
    fi
    if [ $HAVE_SQLITE = 1 ]; then
        PREP="rm -f '$w'/floor.db*"
        measure import-gl sqlite3 sqlite3 "$w/floor.db" -cmd '.mode csv' \
            ".import $w/gl.csv gl"
        PREP=""
        rm -f "$w"/floor.db*
    fi
    [ $HAVE_HLEDGER = 1 ] &&
        measure load hledger hledger -f "$w/year.journal" check
    [ $HAVE_LEDGER = 1 ] &&
        measure load ledger ledger -f "$w/year.journal" bal
    # -C: no pickle cache, so bean-check parses and checks every time.
    [ $HAVE_BEAN = 1 ] &&
        measure load beancount bean-check -C "$w/year.beancount"

    # ---- case 2: a balance of every account -----------------------------
    [ $HAVE_PB = 1 ] &&
        measure balance poolbook "$PB" --db "$w/book.db" balance
    [ $HAVE_HLEDGER = 1 ] &&
        measure balance hledger hledger -f "$w/year.journal" bal
    [ $HAVE_LEDGER = 1 ] &&
        measure balance ledger ledger -f "$w/year.journal" bal
    # bean-query reads beancount's pickle cache when it has one (written
    # by a load of over a second, so by the warm-up): its best case.
    [ $HAVE_BQL = 1 ] &&
        measure balance beancount bean-query "$w/year.beancount" \
            'SELECT account, sum(position) GROUP BY account'

    # ---- case 3 (phase 2): budget vs actual by scheme at P06 ------------
    #   poolbook report budget-monitoring --period P06
    #   hledger -f year.journal bal --budget -M -e 2024-10-01 --depth 2
    #   ledger -f year.journal budget -b 2024-04-01 -e 2024-10-01 --depth 2
    # ---- case 4 (phase 2): running balances by stream at P06 ------------
    #   poolbook report running-balances --period P06

    # ---- case 5: a register of one scheme --------------------------------
    [ $HAVE_PB = 1 ] &&
        measure register poolbook "$PB" --db "$w/book.db" register \
            --scheme "$scheme"
    [ $HAVE_HLEDGER = 1 ] &&
        measure register hledger hledger -f "$w/year.journal" reg \
            "tag:scheme=$scheme"
    [ $HAVE_LEDGER = 1 ] &&
        measure register ledger ledger -f "$w/year.journal" reg \
            "%scheme=$scheme"
    [ $HAVE_BQL = 1 ] &&
        measure register beancount bean-query "$w/year.beancount" \
            "SELECT date, narration, account, position, balance
             WHERE meta('scheme') = '$scheme'"

    # ---- case 6: full check ------------------------------------------------
    [ $HAVE_PB = 1 ] &&
        measure check poolbook "$PB" --db "$w/book.db" check
    # hledger check and bean-check are what case 1 ran: not run twice.
    [ $HAVE_HLEDGER = 1 ] && same_as load hledger check
    [ $HAVE_LEDGER = 1 ] &&
        measure check ledger ledger --pedantic -f "$w/year.journal" bal
    [ $HAVE_BEAN = 1 ] && same_as load beancount check
done

# ---- the report -------------------------------------------------------------
{
    echo "# poolbook benchmark results"
    echo ""
    echo "Written by \`make bench\` (bench/run.sh; docs/bench.md says what each"
    echo "case measures).  Seed $seed.  Wall time is the median of the runs"
    echo "after a warm-up (min-max in brackets); memory is the largest peak"
    echo "resident set (ru_maxrss) of those runs.  Every tool was first"
    echo "checked to report every account's balance to the penny."
    echo ""
    echo "## Machine"
    echo ""
    cat "$machine"
    awk -F '\t' '
    function fmt_t(s) {
        if (s < 1) return sprintf("%.1f ms", s * 1000)
        return sprintf("%.2f s", s)
    }
    function fmt_m(k) {
        if (k < 10240) return sprintf("%.1f MB", k / 1024)
        if (k < 1048576) return sprintf("%.0f MB", k / 1024)
        return sprintf("%.1f GB", k / 1048576)
    }
    function fmt_r(r) {
        if (r < 1) return sprintf("%.3g (%.1fx faster)", r, 1 / r)
        return sprintf("%.3g (%.2fx slower)", r, r)
    }
    {
        key = $1 SUBSEP $2 SUBSEP $3
        med[key] = $4; lo[key] = $5; hi[key] = $6; rss[key] = $7
        cnt[key] = $8; st[key] = $9
        if (!($1 in seen_n)) {
            seen_n[$1] = 1; ns[++nn] = $1 + 0
            for (j = nn; j > 1 && ns[j - 1] > ns[j]; j--) {
                x = ns[j]; ns[j] = ns[j - 1]; ns[j - 1] = x
            }
        }
        if (!($2 in seen_c)) { seen_c[$2] = 1; cs[++nc] = $2 }
    }
    END {
        nt = split("poolbook hledger ledger beancount sqlite3", tools, " ")
        for (i = 1; i <= nn; i++) {
            n = ns[i]
            printf "\n## N = %d entries\n\n", n
            printf "| case |"
            for (t = 1; t <= nt; t++) printf " %s |", tools[t]
            printf " poolbook / fastest other |\n|---|"
            for (t = 1; t <= nt; t++) printf "---:|"
            printf "---:|\n"
            for (c = 1; c <= nc; c++) {
                printf "| %s |", cs[c]
                best = ""
                for (t = 1; t <= nt; t++) {
                    key = n SUBSEP cs[c] SUBSEP tools[t]
                    if (!(key in med)) { printf " - |"; continue }
                    printf " %s (%s-%s), %s%s%s |", fmt_t(med[key]),
                        fmt_t(lo[key]), fmt_t(hi[key]), fmt_m(rss[key]),
                        cnt[key] == 1 ? ", 1 run" : "",
                        st[key] != "ok" ? ", " st[key] : ""
                    if (t > 1 && st[key] == "ok" &&
                        (best == "" || med[key] < best)) best = med[key]
                }
                key = n SUBSEP cs[c] SUBSEP "poolbook"
                if (best != "" && (key in med) && best > 0 && med[key] > 0 &&
                    st[key] == "ok")
                    printf " %s |\n", fmt_r(med[key] / best)
                else
                    printf " - |\n"
            }
        }
        if (nn >= 2) {
            a = ns[nn - 1]; b = ns[nn]
            printf "\n## Growth from N = %d to N = %d (x%.0f entries)\n\n",
                a, b, b / a
            printf "| case |"
            for (t = 1; t <= nt; t++) printf " %s |", tools[t]
            printf "\n|---|"
            for (t = 1; t <= nt; t++) printf "---:|"
            printf "\n"
            for (c = 1; c <= nc; c++) {
                printf "| %s |", cs[c]
                for (t = 1; t <= nt; t++) {
                    ka = a SUBSEP cs[c] SUBSEP tools[t]
                    kb = b SUBSEP cs[c] SUBSEP tools[t]
                    if ((ka in med) && (kb in med) && med[ka] > 0)
                        printf " %.1fx time, %.1fx memory |",
                            med[kb] / med[ka], rss[kb] / rss[ka]
                    else
                        printf " - |"
                }
                printf "\n"
            }
        }
        printf "\nCases 3 (budget vs actual by scheme at P06) and 4 (running"
        printf " balances by stream at P06)\nare not measured yet: they need"
        printf " the reports of phase 2.\n"
    }' "$data/results.tsv"
} > "$out"
say "results written to $out"
cat "$out"
