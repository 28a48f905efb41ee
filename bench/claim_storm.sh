#!/usr/bin/env bash
# The voucher-claim storm, side by side with bench/bare_server, in rounds:
#   1. a fresh database (banyan init), a commerce bureau user (vouchers are
#      its duty), a channel API key;
#   2. banyan serve --quiet and bare_server, both up for the whole run; over
#      HTTP (curl, the bureau's session): a campaign and a round open now (started a
#      minute ago, ends in an hour) offered through the key;
#   3. STORM_ROUNDS rounds, each: a new kind with STORM_STOCK vouchers, 1 per
#      person; bench/claim_storm against banyan (signed POST
#      /api/v1/vouchers/claims), then the same storm against bare_server
#      (constant 200), the reference.  Alternating, as bench/http_health.sh
#      does, so that both servers of a round saw the same machine;
#   4. a table of the rounds and their medians (the ratio is the median of
#      the rounds' ratios), then checks on the database with sqlite3 for every
#      kind: vouchers issued <= stock, nobody above the per-person limit, and
#      every 201 the tool received is a voucher in the database (and no
#      voucher without one).
# Usage: bench/claim_storm.sh BUILD_DIR
# Knobs (environment): STORM_ROUNDS (3), STORM_DURATION (10 s),
# STORM_CONNECTIONS (1000), STORM_USERS (1000000), STORM_STOCK (1000000: more than a round can claim, so every round measures durable claims),
# STORM_REPEAT (10 %), STORM_REPLAY (1 %).
# Every server listens on 127.0.0.1 only; every run is bounded in time.
set -eu
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
banyan=$build/banyan
bare=$build/bench/bare_server
storm=$build/bench/claim_storm
for b in "$banyan" "$bare" "$storm"; do
	[ -x "$b" ] || { echo "$0: $b missing: build first (make build)" >&2; exit 1; }
done
for t in curl sqlite3; do
	command -v "$t" >/dev/null || { echo "$0: $t missing" >&2; exit 1; }
done

rounds=${STORM_ROUNDS:-3}
duration=${STORM_DURATION:-10}
conns=${STORM_CONNECTIONS:-1000}
users=${STORM_USERS:-1000000}
stock=${STORM_STOCK:-1000000}
repeat=${STORM_REPEAT:-10}
replay=${STORM_REPLAY:-1}
limit=1
drain=5

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
		--max-connections-per-address $((conns + 64))
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
echo "campaign $campaign, round $round; $rounds rounds of ${duration} s, each on a new kind (stock $stock, $limit per person); channel key $key_id"
echo

declare -A res
# storm LABEL PORT PID KIND: one bounded run; res[LABEL.key] from its RESULT line.
storm() {
	local out=$tmp/storm-$1.txt c0 c1 kv
	c0=$(cpu_ticks "$3")
	timeout $((duration + drain + 60)) "$storm" --port "$2" --connections "$conns" --duration "$duration" \
		--drain "$drain" --key "$key_id" --secret "$secret" --round "$round" --kind "$4" --users "$users" \
		--repeat-percent "$repeat" --replay-percent "$replay" >"$out" 2>&1 ||
		{ cat "$out" >&2; die "claim_storm against $1 failed"; }
	c1=$(cpu_ticks "$3")
	kill -0 "$3" 2>/dev/null || { cat "$out" >&2; die "the server died during the storm $1"; }
	echo "== $1"
	grep -v '^RESULT' "$out" | sed 's/^/  /'
	# shellcheck disable=SC2013 # key=value words
	for kv in $(sed -n 's/^RESULT //p' "$out"); do
		res[$1.${kv%%=*}]=${kv#*=}
	done
	[ -n "${res[$1.rps]:-}" ] || die "no RESULT line from claim_storm against $1"
	res[$1.us]=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="${res[$1.answers]}" \
		'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }')
	echo "  server CPU ${res[$1.us]} us/request"
	echo
}

# 3. the rounds: a new kind for each, banyan then bare
kinds=""
for i in $(seq "$rounds"); do
	kind=$(api POST /api/v1/vouchers/kinds "{\"round\":$round,\"name\":\"满100减20 第${i}轮\",\"face_fen\":2000,\"threshold_fen\":10000,\"stock\":$stock,\"validity_days\":7,\"per_person_limit\":$limit,\"categories\":[\"catering\",\"retail\"]}" | json_num id)
	[ -n "$kind" ] || die "no id in the kind answer"
	kinds="$kinds $kind"
	res[banyan$i.kind]=$kind
	storm "banyan$i" "$banyan_port" "$banyan_pid" "$kind"
	storm "bare$i" "$bare_port" "$bare_pid" "$kind"
done
stop "$banyan_pid" # cleanly: the database closed
stop "$bare_pid"

# 4. the figures and the checks
# The median of space-separated numbers (lib.sh's median reads one a line).
words_median() { tr ' ' '\n' | grep . | median %g; }
# column LABEL KEY: the value of every round, in order
column() { local i out=""; for i in $(seq "$rounds"); do out="$out ${res[$1$i.$2]}"; done; echo "$out"; }
for i in $(seq "$rounds"); do
	res[ratio$i]=$(awk -v a="${res[banyan$i.rps]}" -v b="${res[bare$i.rps]}" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')
done
ratio=$(for i in $(seq "$rounds"); do echo "${res[ratio$i]}"; done | words_median)
verdict() { awk -v v="$1" -v t="$3" "BEGIN { print (v $2 t) ? \"ok\" : \"MISSED\" }"; }

echo "== rounds ($(nproc) cores shared by claim_storm and the servers; $conns connections, ${duration} s each)"
printf '%-6s %9s %9s %7s %10s %10s %10s %10s %12s\n' round banyan/s bare/s ratio "p50 ms" "p99 ms" "bare p99" "bare max" "CPU us/req"
for i in $(seq "$rounds"); do
	printf '%-6s %9s %9s %6s%% %10s %10s %10s %10s %5s / %s\n' "$i" "${res[banyan$i.rps]}" "${res[bare$i.rps]}" \
		"${res[ratio$i]}" "${res[banyan$i.p50]}" "${res[banyan$i.p99]}" "${res[bare$i.p99]}" "${res[bare$i.max]}" \
		"${res[banyan$i.us]}" "${res[bare$i.us]}"
done
echo
p99=$(column banyan p99 | words_median)
echo "== results: medians of $rounds rounds"
printf '%-26s %12s %12s   %s\n' "" banyan bare "target"
printf '%-26s %12s %12s   ratio %s%% (median of the rounds; target >= 60%%: %s)\n' "claim requests/s" \
	"$(column banyan rps | words_median)" "$(column bare rps | words_median)" "$ratio" "$(verdict "$ratio" '>=' 60)"
printf '%-26s %12s %12s\n' "p50 ms" "$(column banyan p50 | words_median)" "$(column bare p50 | words_median)"
printf '%-26s %12s %12s   banyan < 50 ms: %s\n' "p99 ms" "$p99" "$(column bare p99 | words_median)" \
	"$(verdict "$p99" '<' 50)"
printf '%-26s %12s %12s\n' "max ms (slowest round)" "$(column banyan max | tr ' ' '\n' | sort -g | tail -1)" \
	"$(column bare max | tr ' ' '\n' | sort -g | tail -1)"
printf '%-26s %12s %12s\n' "server CPU us/request" "$(column banyan us | words_median)" "$(column bare us | words_median)"
sum() { column "$1" "$2" | tr ' ' '\n' | awk '{ s += $1 } END { print s + 0 }'; }
printf '%-26s %12s %12s\n' "answers (all rounds)" "$(sum banyan answers)" "$(sum bare answers)"
for k in c201:201 c200:200 c409_claimed:"409 already_claimed" c409_sold:"409 sold_out" c409_other:"409 other" \
	c422:422 c401:401 c4xx:"other 4xx" c5xx:5xx cother:other; do
	a=$(sum banyan "${k%%:*}") b=$(sum bare "${k%%:*}")
	[ "$a$b" = 00 ] || printf '%-26s %12s %12s\n' "  ${k#*:}" "$a" "$b"
done
errs() { echo "$(($(sum "$1" connect_errors) + $(sum "$1" broken) + $(sum "$1" protocol))), $(sum "$1" timeouts)"; }
printf '%-26s %12s %12s\n' "errors, timeouts" "$(errs banyan)" "$(errs bare)"
echo

failed=0
q() { sqlite3 -batch -noheader "$db" "$1"; }
# A <= B, both integers (an empty answer from sqlite3 fails)
le() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && [ "$1" -le "$2" ]; }
check() { # OK? TEXT
	if [ "$1" = 1 ]; then echo "  ok      $2"; else echo "  FAILED  $2"; failed=1; fi
}
for i in $(seq "$rounds"); do
	kind=${res[banyan$i.kind]}
	issued=$(q "SELECT count(*) FROM vouchers WHERE kind_id = $kind")
	db_stock=$(q "SELECT stock FROM voucher_kinds WHERE id = $kind")
	db_limit=$(q "SELECT per_person_limit FROM voucher_kinds WHERE id = $kind")
	most=$(q "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM vouchers WHERE kind_id = $kind
		GROUP BY api_key_id, person)")
	codes=$(q "SELECT count(DISTINCT code) FROM vouchers WHERE kind_id = $kind")
	acked=${res[banyan$i.acked]}
	unanswered=${res[banyan$i.unanswered]}
	echo "== checks on the banyan database, round $i (kind $kind)"
	check "$(le "$issued" "$db_stock" && echo 1)" "vouchers issued <= stock: $issued <= $db_stock"
	check "$(le "$most" "$db_limit" && echo 1)" "per (kind, channel user) at most the limit: max $most <= $db_limit"
	check "$(le "$codes" "$issued" && le "$issued" "$codes" && echo 1)" "voucher codes distinct: $codes of $issued"
	if [ "$unanswered" -eq 0 ]; then
		check "$(le "$acked" "$issued" && le "$issued" "$acked" && echo 1)" "every 201 durable, no voucher without a 201: $acked 201s = $issued in the database"
	else
		# a claim whose answer never came may or may not have been made
		check "$(le "$acked" "$issued" && le "$issued" $((acked + unanswered)) && echo 1)" \
			"every 201 durable: $acked 201s <= $issued in the database <= 201s + $unanswered unanswered"
	fi
	check "$([ "${res[banyan$i.replay_mismatch]}" -eq 0 ] && echo 1)" \
		"a repeated request_id gets the first answer (mismatches: ${res[banyan$i.replay_mismatch]})"
	check "$([ "${res[banyan$i.double]}" -eq 0 ] && echo 1)" "no second 201 for a user (seen by the tool: ${res[banyan$i.double]})"
	check "$([ "${res[banyan$i.c201]}" -gt 0 ] && echo 1)" "some claims succeeded (201: ${res[banyan$i.c201]})"
done
codes_all=$(q "SELECT count(DISTINCT code) = count(*) FROM vouchers")
check "$([ "$codes_all" = 1 ] && echo 1)" "voucher codes distinct across every kind"
exit "$failed"
