#!/usr/bin/env bash
# The voucher-claim storm, side by side with bench/bare_server, in rounds:
#   1. a fresh database (banyan init), a commerce bureau user (vouchers are
#      its duty), a channel API key;
#   2. banyan serve --quiet and bare_server, both up for the whole run; over
#      HTTP (curl, the bureau's session): a campaign and a round open now (started a
#      minute ago, ends in an hour) offered through the key;
#   3. for each load tool (bench/claim_storm, and wrk replaying claims signed
#      beforehand by claim_storm --presign, bench/claim_replay.lua) and each
#      number of connections, STORM_ROUNDS rounds, each: a new kind with
#      STORM_STOCK vouchers, 1 per person; the storm against banyan (signed
#      POST /api/v1/vouchers/claims), then the same against bare_server
#      (constant 200), the reference.  Alternating, as bench/http_health.sh
#      does, so that both servers of a round saw the same machine;
#   4. per tool and number of connections, a table of the rounds (rates,
#      p50/p90/p99/p99.9 of both, the writer's commits over 50 ms) and the
#      medians against the targets (claims/s >= 0.6 x bare, p99 <= 2 x bare
#      p99: medians of the rounds' ratios), the writer's longest commit, then
#      checks on the database with sqlite3 for every kind: vouchers issued <=
#      stock, nobody above the per-person limit, and every 201 the tool
#      received is a voucher in the database (and no voucher without one).
# Usage: bench/claim_storm.sh BUILD_DIR
# Knobs (environment): STORM_ROUNDS (5), STORM_DURATION (10 s),
# STORM_CONNECTIONS ("200 1000"), STORM_TOOLS ("claim_storm wrk"),
# STORM_USERS (1000000), STORM_STOCK (1000000: more than a round can claim, so
# every round measures durable claims), STORM_REPEAT (10 %), STORM_REPLAY (1 %),
# STORM_PRESIGN (100000 a second of a round: claims signed for each wrk round),
# STORM_BANYAN (another banyan binary to measure, e.g. an older build).
# Every server listens on 127.0.0.1 only; every run is bounded in time.
set -eu
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
banyan=${STORM_BANYAN:-$build/banyan}
bare=$build/bench/bare_server
storm=$build/bench/claim_storm
for b in "$banyan" "$bare" "$storm"; do
	[ -x "$b" ] || { echo "$0: $b missing: build first (make build)" >&2; exit 1; }
done
for t in curl sqlite3; do
	command -v "$t" >/dev/null || { echo "$0: $t missing" >&2; exit 1; }
done

rounds=${STORM_ROUNDS:-5}
duration=${STORM_DURATION:-10}
conns_list=${STORM_CONNECTIONS:-200 1000}
tools=${STORM_TOOLS:-claim_storm wrk}
users=${STORM_USERS:-1000000}
stock=${STORM_STOCK:-1000000}
repeat=${STORM_REPEAT:-10}
replay=${STORM_REPLAY:-1}
limit=1
drain=5
presign=${STORM_PRESIGN:-$((100000 * duration))}
replay_lua=$(cd "$(dirname "$0")" && pwd)/claim_replay.lua
case " $tools " in *" wrk "*) command -v wrk >/dev/null || { echo "$0: wrk missing (scripts/deps.sh --bench)" >&2; exit 1; } ;; esac
# the highest number of connections, for the per-address limit
conns_max=$(tr ' ' '\n' <<<"$conns_list" | sort -n | tail -1)

bench_workdir storm

die() { echo "$0: $*" >&2; exit 1; }

# 1. the database, a commerce bureau user, a channel key
db=$tmp/storm.db
"$banyan" init --db "$db" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; die "banyan init failed"; }
bureau_password=storm-$RANDOM$RANDOM$RANDOM
printf '%s\n' "$bureau_password" | "$banyan" user add --db "$db" --username stormbureau --role department --org 350100-swj \
	--password-stdin >"$tmp/user.log" 2>&1 || { cat "$tmp/user.log" >&2; die "banyan user add failed"; }
"$banyan" apikey add --db "$db" --org 350100-swj --role channel --name 支付宝 >"$tmp/key.txt" 2>&1 ||
	{ cat "$tmp/key.txt" >&2; die "banyan apikey add failed"; }
key_id=$(sed -n 's/^key_id: *//p' "$tmp/key.txt")
secret=$(sed -n 's/^secret: *//p' "$tmp/key.txt")
if [ -z "$key_id" ] || [ -z "$secret" ]; then
	cat "$tmp/key.txt" >&2
	die "no key_id/secret from banyan apikey add"
fi

# start NAME CMD... : in the background on a fresh port ($port, $pid), up to
# 10 s for the first 200 from /api/v1/health.
start() {
	local name=$1
	shift
	port=$(free_port)
	"$@" "$port" >>"$tmp/$name.log" 2>&1 &
	pid=$!
	pids="$pids $pid"
	for _ in $(seq 200); do
		curl -fsS -m 1 -o /dev/null "http://127.0.0.1:$port/api/v1/health" 2>/dev/null && return
		kill -0 "$pid" 2>/dev/null || { cat "$tmp/$name.log" >&2; die "$name exited"; }
		sleep 0.05
	done
	die "$name not answering after 10 s"
}

stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	pids=${pids/ $1/}
}

# All the storm's connections come from 127.0.0.1: above the per-address limit (256 by default).
# shellcheck disable=SC2317 # run by start
run_banyan() {
	exec "$banyan" serve --db "$db" --quiet --second-factor none --listen "127.0.0.1:$1" \
		--max-connections-per-address $((conns_max + 64))
}
# shellcheck disable=SC2317
run_bare() { exec "$bare" "$1"; }

# CPU time a process has used so far (user + system), in clock ticks
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)

# 2. both servers, and the set-up over HTTP
start bare run_bare
bare_pid=$pid bare_port=$port
start banyan run_banyan
banyan_pid=$pid banyan_port=$port
jar=$tmp/cookies
csrf=""
# api METHOD PATH JSON: the answer's body on stdout; dies unless 2xx.
api() {
	local code extra=()
	[ -z "$csrf" ] || extra=(-H "X-CSRF-Token: $csrf")
	code=$(curl -sS -m 10 -b "$jar" -c "$jar" -X "$1" -H 'Content-Type: application/json' \
		"${extra[@]}" --data-binary "$3" -o "$tmp/answer" -w '%{http_code}' \
		"http://127.0.0.1:$banyan_port$2") || die "$1 $2: curl failed"
	case $code in
	2??) cat "$tmp/answer" ;;
	*) die "$1 $2 answered $code: $(cat "$tmp/answer")" ;;
	esac
}
# the first "NAME": <number> or "NAME": "<text>" in a JSON text
json_num() { grep -o "\"$1\": *[0-9][0-9]*" | head -1 | sed 's/.*: *//'; }
json_str() { grep -o "\"$1\": *\"[^\"]*\"" | head -1 | sed 's/.*: *"//; s/"$//'; }

login=$(api POST /api/v1/session "{\"username\":\"stormbureau\",\"password\":\"$bureau_password\"}")
csrf=$(printf '%s' "$login" | json_str csrf_token)
[ -n "$csrf" ] || die "no csrf_token in the login answer: $login"

# ISO 8601 in Beijing time (+08:00) for a Unix time
beijing() { date -u -d "@$(($1 + 8 * 3600))" +%Y-%m-%dT%H:%M:%S+08:00; }
now=$(date +%s)
campaign=$(api POST /api/v1/vouchers/campaigns '{"name":"惠聚榕城消费季","org":"350100-swj"}' | json_num id)
[ -n "$campaign" ] || die "no id in the campaign answer"
round=$(api POST /api/v1/vouchers/rounds "{\"campaign\":$campaign,\"name\":\"第一期\",\"starts_at\":\"$(beijing $((now - 60)))\",\"ends_at\":\"$(beijing $((now + 3600)))\",\"channels\":[\"$key_id\"]}" | json_num id)
[ -n "$round" ] || die "no id in the round answer"
echo "$("$banyan" version 2>/dev/null | head -1 || true): $(nproc) cores, shared by claim_storm and the servers"
echo "campaign $campaign, round $round; $rounds rounds of ${duration} s with $tools at $conns_list connections, each on a new kind (stock $stock, $limit per person); channel key $key_id"
echo

declare -A res
# The writer's slow commits in banyan's log since line $1: "COUNT LONGEST_MS".
slow_since() {
	tail -n "+$(($1 + 1))" "$tmp/banyan.log" | sed -n 's/.*vouchers: slow commit \([0-9.]*\) ms.*/\1/p' |
		awk '{ n++; if ($1 > m) m = $1 } END { printf "%d %s\n", n, n ? m : "-" }'
}
# storm TOOL CONNS LABEL PORT PID KIND: one bounded run; res[TOOL.CONNS.LABEL.key] from its RESULT line.
storm() {
	local tool=$1 c=$2 label=$3 port=$4 spid=$5 kind=$6 out=$tmp/storm-$1-$2-$3.txt c0 c1 kv lines at slow longest
	at=$tool.$c.$label
	lines=$(wc -l <"$tmp/banyan.log")
	c0=$(cpu_ticks "$spid")
	if [ "$tool" = claim_storm ]; then
		timeout $((duration + drain + 60)) /usr/bin/time -f '%U %S' -o "$out.cpu" "$storm" --port "$port" --connections "$c" --duration "$duration" \
			--drain "$drain" --key "$key_id" --secret "$secret" --round "$round" --kind "$kind" --users "$users" \
			--repeat-percent "$repeat" --replay-percent "$replay" >"$out" 2>&1 ||
			{ cat "$out" >&2; die "claim_storm against $label failed"; }
	else
		# wrk's threads first load their signed claims (hundreds of MB): over 30 s on a loaded machine
		timeout $((duration + 120)) /usr/bin/time -f '%U %S' -o "$out.cpu" wrk -t2 -c"$c" -d"${duration}s" --timeout 5s --latency -s "$replay_lua" \
			"http://127.0.0.1:$port" -- "$tmp/signed" >"$out" 2>&1 ||
			{ cat "$out" >&2; die "wrk against $label failed"; }
	fi
	c1=$(cpu_ticks "$spid")
	kill -0 "$spid" 2>/dev/null || { cat "$out" >&2; die "the server died during the storm $label"; }
	echo "== $tool, $c connections: $label"
	grep -v '^RESULT' "$out" | sed 's/^/  /'
	# shellcheck disable=SC2013 # key=value words
	for kv in $(sed -n 's/^RESULT //p' "$out"); do
		res[$at.${kv%%=*}]=${kv#*=}
	done
	[ -n "${res[$at.rps]:-}" ] || die "no RESULT line from $tool against $label"
	res[$at.us]=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="${res[$at.answers]}" \
		'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }')
	res[$at.tool_us]=$(awk -v n="${res[$at.answers]}" '{ printf "%.1f", n ? ($1 + $2) * 1e6 / n : 0 }' "$out.cpu")
	read -r slow longest <<<"$(slow_since "$lines")"
	res[$at.slow]=$slow res[$at.longest]=$longest
	echo "  CPU us/request: server ${res[$at.us]}, $tool ${res[$at.tool_us]}; writer commits over 50 ms: ${res[$at.slow]} (longest ${res[$at.longest]} ms)"
	echo
}
new_kind() {
	api POST /api/v1/vouchers/kinds "{\"round\":$round,\"name\":\"满100减20 $1\",\"face_fen\":2000,\"threshold_fen\":10000,\"stock\":$stock,\"validity_days\":7,\"per_person_limit\":$limit,\"categories\":[\"catering\",\"retail\"]}" | json_num id
}

# 3. the rounds: per tool and number of connections, a new kind each round, banyan then bare
runs=""
for tool in $tools; do
	for c in $conns_list; do
		runs="$runs $tool.$c"
		for i in $(seq "$rounds"); do
			kind=$(new_kind "$tool $c $i")
			[ -n "$kind" ] || die "no id in the kind answer"
			res[$tool.$c.banyan$i.kind]=$kind
			if [ "$tool" = wrk ]; then # signed now: valid for 300 s
				"$storm" --presign "$presign" --out "$tmp/signed" --files 2 --port "$banyan_port" --key "$key_id" \
					--secret "$secret" --round "$round" --kind "$kind" >/dev/null || die "claim_storm --presign failed"
			fi
			storm "$tool" "$c" "banyan$i" "$banyan_port" "$banyan_pid" "$kind"
			storm "$tool" "$c" "bare$i" "$bare_port" "$bare_pid" "$kind"
		done
		rm -f "$tmp"/signed.*
	done
done
stop "$banyan_pid" # cleanly: the database closed, the writer's summary logged
stop "$bare_pid"

# 4. the figures and the checks
# The median of space-separated numbers (lib.sh's median reads one a line).
words_median() { tr ' ' '\n' | grep . | median %g; }
# column RUN LABEL [KEY]: res[RUN.LABELi.KEY] (or res[RUN.LABELi]) of every round, in order
column() { local i out=""; for i in $(seq "$rounds"); do out="$out ${res[$1.$2$i${3:+.$3}]}"; done; echo "$out"; }
verdict() { awk -v v="$1" -v t="$3" "BEGIN { print (v $2 t) ? \"ok\" : \"MISSED\" }"; }
sum() { column "$1" "$2" "$3" | tr ' ' '\n' | awk '{ s += $1 } END { print s + 0 }'; }
for run in $runs; do
	for i in $(seq "$rounds"); do
		res[$run.ratio$i]=$(awk -v a="${res[$run.banyan$i.rps]}" -v b="${res[$run.bare$i.rps]}" \
			'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')
		res[$run.p99ratio$i]=$(awk -v a="${res[$run.banyan$i.p99]}" -v b="${res[$run.bare$i.p99]}" \
			'BEGIN { printf "%.2f", b ? a / b : 0 }')
	done
	res[$run.ratio]=$(column "$run" ratio "" | words_median)
	res[$run.p99ratio]=$(column "$run" p99ratio "" | words_median)
done

echo "== results ($(nproc) cores shared by the load tool and the servers; ${duration} s runs, $rounds rounds)"
for run in $runs; do
	echo
	echo "-- ${run%%.*}, ${run#*.} connections: per round"
	printf '%-5s %9s %9s %6s | %-31s | %-31s | %6s %8s\n' round banyan/s bare/s ratio "banyan p50/p90/p99/p99.9 ms" \
		"bare p50/p90/p99/p99.9 ms" ">50ms" longest
	for i in $(seq "$rounds"); do
		b=$run.banyan$i r=$run.bare$i
		printf '%-5s %9s %9s %5s%% | %-31s | %-31s | %6s %8s\n' "$i" "${res[$b.rps]}" "${res[$r.rps]}" \
			"${res[$run.ratio$i]}" "${res[$b.p50]} / ${res[$b.p90]} / ${res[$b.p99]} / ${res[$b.p999]}" \
			"${res[$r.p50]} / ${res[$r.p90]} / ${res[$r.p99]} / ${res[$r.p999]}" "${res[$b.slow]}" "${res[$b.longest]}"
	done
	printf '%-26s %12s %12s\n' "medians" banyan bare
	printf '%-26s %12s %12s   ratio %s%% (median of the rounds; target >= 60%%: %s)\n' "claims/s" \
		"$(column "$run" banyan rps | words_median)" "$(column "$run" bare rps | words_median)" \
		"${res[$run.ratio]}" "$(verdict "${res[$run.ratio]}" '>=' 60)"
	for p in p50 p90 p99 p999; do
		p99_note=""
		[ "$p" != p99 ] || p99_note=$(printf '   banyan/bare %s (median of the rounds; target <= 2: %s)' \
			"${res[$run.p99ratio]}" "$(verdict "${res[$run.p99ratio]}" '<=' 2)")
		printf '%-26s %12s %12s%s\n' "$p ms" "$(column "$run" banyan "$p" | words_median)" \
			"$(column "$run" bare "$p" | words_median)" "$p99_note"
	done
	printf '%-26s %12s %12s\n' "server CPU us/request" "$(column "$run" banyan us | words_median)" \
		"$(column "$run" bare us | words_median)"
	printf '%-26s %12s %12s\n' "${run%%.*} CPU us/request" "$(column "$run" banyan tool_us | words_median)" \
		"$(column "$run" bare tool_us | words_median)"
	printf '%-26s %12s\n' "writer commits > 50 ms" "$(sum "$run" banyan slow)"
done
echo
echo "== the writer over the whole run (banyan's log at stop)"
grep -E 'NOTICE vouchers: (writer|commits|claims)' "$tmp/banyan.log" | sed 's/^.*NOTICE vouchers: /  /' ||
	echo "  no summary in the log"
echo "== the first slow commits"
grep 'vouchers: slow commit' "$tmp/banyan.log" | head -5 | sed 's/^.*NOTICE vouchers: /  /'
echo

failed=0
q() { sqlite3 -batch -noheader "$db" "$1"; }
# A <= B, both integers (an empty answer from sqlite3 fails)
le() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && [ "$1" -le "$2" ]; }
check() { # OK? TEXT
	if [ "$1" = 1 ]; then echo "  ok      $2"; else echo "  FAILED  $2"; failed=1; fi
}
for run in $runs; do
	for i in $(seq "$rounds"); do
		b=$run.banyan$i
		kind=${res[$b.kind]}
		issued=$(q "SELECT count(*) FROM vouchers WHERE kind_id = $kind")
		db_stock=$(q "SELECT stock FROM voucher_kinds WHERE id = $kind")
		db_limit=$(q "SELECT per_person_limit FROM voucher_kinds WHERE id = $kind")
		most=$(q "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM vouchers WHERE kind_id = $kind
			GROUP BY api_key_id, person)")
		codes=$(q "SELECT count(DISTINCT code) FROM vouchers WHERE kind_id = $kind")
		acked=${res[$b.acked]:-${res[$b.c201]}}
		# wrk does not wait for the answers in flight at the end; claim_storm names those it never got
		unanswered=${res[$b.unanswered]:-${run#*.}}
		echo "== checks on the banyan database, ${run%%.*} at ${run#*.} connections, round $i (kind $kind)"
		check "$(le "$issued" "$db_stock" && echo 1)" "vouchers issued <= stock: $issued <= $db_stock"
		check "$(le "$most" "$db_limit" && echo 1)" "per (kind, channel user) at most the limit: max $most <= $db_limit"
		check "$(le "$codes" "$issued" && le "$issued" "$codes" && echo 1)" "voucher codes distinct: $codes of $issued"
		check "$(le "$acked" "$issued" && le "$issued" $((acked + unanswered)) && echo 1)" \
			"every 201 durable: $acked 201s <= $issued in the database <= 201s + $unanswered unanswered"
		if [ "${run%%.*}" = claim_storm ]; then
			check "$([ "${res[$b.replay_mismatch]}" -eq 0 ] && echo 1)" \
				"a repeated request_id gets the first answer (mismatches: ${res[$b.replay_mismatch]})"
			check "$([ "${res[$b.double]}" -eq 0 ] && echo 1)" "no second 201 for a user (seen by the tool: ${res[$b.double]})"
		else
			check "$([ "${res[$b.c401]}" -eq 0 ] && echo 1)" \
				"wrk did not run out of signed claims (401s: ${res[$b.c401]}; raise STORM_PRESIGN)"
		fi
		check "$([ "${res[$b.c201]}" -gt 0 ] && echo 1)" "some claims succeeded (201: ${res[$b.c201]})"
	done
done
codes_all=$(q "SELECT count(DISTINCT code) = count(*) FROM vouchers")
check "$([ "$codes_all" = 1 ] && echo 1)" "voucher codes distinct across every kind"
exit "$failed"
