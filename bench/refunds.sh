#!/usr/bin/env bash
# Job-stabilisation refunds at city scale (issue #13), side by side with sqlite3:
#   1. bench/rolls_gen writes the rolls of REFUNDS_N enterprises for the twelve
#      months of 2020 (2.4M lines for 200,000) into a CSV;
#   2. REFUNDS_ROUNDS rounds, each in the same run and on the same file:
#      a. sqlite3 DB ".import --csv FILE t" into a plain table of a new file
#         (the reference: no key, no check);
#      b. banyan refunds import --year 2020 FILE into a fresh banyan database
#         (a copy of one made by banyan init), streamed, in one transaction;
#      c. banyan refunds run --policy bench on those rolls: a batch deciding
#         every enterprise, in one transaction (the policy added, untimed,
#         with banyan refunds policy add);
#      each under /usr/bin/time: its wall time and peak resident memory;
#   3. a table of the rounds and their medians (the ratio is the median of the
#      rounds' ratios import/sqlite3), against the targets: import at most
#      2x sqlite3, deciding at most 10 s, each under 200 MB; and checks that
#      every line was imported and every enterprise decided once.
# Usage: bench/refunds.sh BUILD_DIR
# Knobs (environment): REFUNDS_N (200000 enterprises), REFUNDS_ROUNDS (3).
set -eu
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
banyan=$build/banyan
gen=$build/bench/rolls_gen
for b in "$banyan" "$gen"; do
	[ -x "$b" ] || { echo "$0: $b missing: build first (make build)" >&2; exit 1; }
done
for t in sqlite3 /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "$0: $t missing (apt-get install sqlite3 time)" >&2; exit 1; }
done
n=${REFUNDS_N:-200000}
rounds=${REFUNDS_ROUNDS:-3}

bench_workdir refunds
die() { echo "$0: $*" >&2; exit 1; }

# timed LABEL COMMAND...: run it under /usr/bin/time; "seconds kilobytes" in $tmp/LABEL.time, its output in $tmp/LABEL.out.
timed() {
	local label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$tmp/$label.time" "$@" >"$tmp/$label.out" 2>&1 ||
		{ cat "$tmp/$label.out" >&2; die "$label failed: $*"; }
}

echo "== generating the rolls of $n enterprises x 12 months ..."
csv=$tmp/rolls.csv
start=$EPOCHREALTIME
"$gen" "$n" 2020 >"$csv"
lines=$(($(wc -l <"$csv") - 1))
printf '   %d lines, %d MB, in %.1f s\n' "$lines" $(($(stat -c %s "$csv") >> 20)) "$(echo "$EPOCHREALTIME - $start" | bc)"

"$banyan" init --db "$tmp/fresh.db" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; die "banyan init failed"; }
# The 2020 small-enterprise rule: layoffs of at most 5.5 % (20 % up to 30 insured), six months of the benefit.
cat >"$tmp/rules.json" <<'JSON'
{"year": 2020, "start_month": "2020-01", "end_month": "2020-06", "arrears_month": "2020-06",
 "rate_bp": 550, "small_rate_bp": 2000, "small_headcount": 30, "exclude_default": true,
 "require_difficulty": false, "amount": "benefit", "benefit_months": 6, "benefit_fen": 129000,
 "cap_fen": 0, "rounding": "half_up"}
JSON

# The lists a city's bureau holds beside the rolls: half the enterprises certified in difficulty,
# one in a hundred in serious default (each enterprise's months are together in the file). The run
# reads them for every enterprise, so they are in the benchmark (untimed imports).
awk -F, 'NR == 1 { print "统一社会信用代码,企业名称" > d; print "统一社会信用代码,企业名称" > x; next }
	$1 != prev { prev = $1; k++; if (k % 2 == 0) print $1 "," $2 > d; if (k % 100 == 0) print $1 "," $2 > x }' \
	d="$tmp/difficulty.csv" x="$tmp/default.csv" "$csv"

results=$tmp/results
: >"$results"
for round in $(seq "$rounds"); do
	echo "== round $round/$rounds"
	rm -f "$tmp/plain.db"
	timed sqlite sqlite3 "$tmp/plain.db" ".import --csv $csv t"
	[ "$(sqlite3 "$tmp/plain.db" 'SELECT count(*) FROM t')" = "$lines" ] || die "sqlite3 imported a wrong count"
	rm -f "$tmp/plain.db"

	db=$tmp/round.db
	rm -f "$db" "$db-wal" "$db-shm"
	cp "$tmp/fresh.db" "$db"
	timed import "$banyan" refunds import --db "$db" --year 2020 "$csv"
	grep -q "imported: $lines rows, $n enterprises" "$tmp/import.out" || die "import: $(cat "$tmp/import.out")"
	for list in difficulty default; do
		"$banyan" refunds import --db "$db" --list "$list" "$tmp/$list.csv" >/dev/null || die "the $list list"
	done
	"$banyan" refunds policy add --db "$db" --code bench --name 基准政策 --rules "$tmp/rules.json" >/dev/null
	timed decide "$banyan" refunds run --db "$db" --policy bench
	[ "$(sqlite3 "$db" 'SELECT count(*), count(DISTINCT credit_code) FROM refund_decisions')" = "$n|$n" ] ||
		die "the batch did not decide every enterprise once"
	read -r s_sec s_kb <"$tmp/sqlite.time"
	read -r i_sec i_kb <"$tmp/import.time"
	read -r d_sec d_kb <"$tmp/decide.time"
	echo "$s_sec $i_sec $d_sec $s_kb $i_kb $d_kb" >>"$results"
	printf '   sqlite3 .import %6.2f s %4d MB   banyan import %6.2f s %4d MB   ratio %.2f   decide %6.2f s %4d MB\n' \
		"$s_sec" $((s_kb >> 10)) "$i_sec" $((i_kb >> 10)) "$(echo "$i_sec / $s_sec" | bc -l)" "$d_sec" $((d_kb >> 10))
done
eligible=$(sqlite3 "$db" "SELECT sum(eligible) || ' eligible, ' || sum(people) || ' people, ' ||
  printf('%.2f', sum(amount_fen) / 1e10) || '亿元' FROM refund_decisions")

col() { awk -v c="$1" '{ print $c }' "$results" | median "${2:-%.2f}"; }
mb() { awk -v c="$1" '{ print $c / 1024 }' "$results" | median %.0f; }
ratio=$(awk '{ print $2 / $1 }' "$results" | median %.2f)
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 <= t + 0) ? "met" : "MISSED" }'; }
peak=$(awk '{ m = $5 > $6 ? $5 : $6; print m / 1024 }' "$results" | sort -n | tail -1)
echo
echo "== results: $lines lines ($n enterprises x 12 months), medians of $rounds rounds; the batch: $eligible"
printf '%-34s %10s %10s\n' "" "seconds" "peak MB"
printf '%-34s %10s %10s\n' "sqlite3 .import (plain table)" "$(col 1)" "$(mb 4)"
printf '%-34s %10s %10s\n' "banyan refunds import" "$(col 2)" "$(mb 5)"
printf '%-34s %10s %10s\n' "banyan refunds run (decide)" "$(col 3)" "$(mb 6)"
printf 'import / sqlite3: %s (target <= 2: %s); decide: %s s (target <= 10: %s); peak %.0f MB (target < 200: %s)\n' \
	"$ratio" "$(verdict "$ratio" 2)" "$(col 3)" "$(verdict "$(col 3)" 10)" "$peak" "$(verdict "$peak" 199.99)"
