#!/usr/bin/env bash
# banyan's HTTP figures, in one run, side by side with bench/bare_server
# (a bare libmicrohttpd server answering a constant JSON body):
#   1. start-up time of `banyan serve`: exec to first 200 from GET /api/v1/health
#   2. idle resident memory (VmRSS) after start and after a warm-up
#   3. GET /api/v1/health requests/s and latency p50/p99 under wrk
# Usage: bench/http_health.sh BUILD_DIR     (what `make bench` runs)
# Knobs (environment): BENCH_STARTS (11), BENCH_ROUNDS (3), BENCH_DURATION
# (10s per wrk run), BENCH_CONNECTIONS (100), BENCH_THREADS (2).
# Every server listens on 127.0.0.1 only; every load run is bounded in time.
set -eu
export LC_ALL=C # EPOCHREALTIME with a dot, numbers without grouping
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
banyan=$build/banyan
bare=$build/bench/bare_server
for b in "$banyan" "$bare"; do
	[ -x "$b" ] || { echo "$0: $b missing: build first (make build)" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "$0: wrk missing (scripts/deps.sh --bench)" >&2; exit 1; }

starts=${BENCH_STARTS:-11}
rounds=${BENCH_ROUNDS:-3}
duration=${BENCH_DURATION:-10s}
conns=${BENCH_CONNECTIONS:-100}
wthreads=${BENCH_THREADS:-2}

bench_workdir bench

db=$tmp/bench.db
"$banyan" init --db "$db" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; exit 1; }

# One GET /api/v1/health over bash's /dev/tcp (no fork); true on a 200.
health_ok() {
	local line=""
	{ exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
	printf 'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 2>/dev/null || true
	read -r -t 2 line <&3 || true
	exec 3<&- 3>&-
	[[ $line == "HTTP/1."?" 200 "* ]]
}

# start NAME CMD...: start a server in the background on a fresh port, wait
# for its first 200 from /api/v1/health.  Sets $pid, $port and $start_ms:
# time from just before the fork (bash's $EPOCHREALTIME, microseconds) to
# the first 200, polling in a tight loop with no sleep.
start() {
	local name=$1 t0 t1
	shift
	port=$(free_port)
	t0=$EPOCHREALTIME
	"$@" "$port" >>"$tmp/$name.log" 2>&1 &
	pid=$!
	pids="$pids $pid"
	until health_ok "$port"; do
		kill -0 "$pid" 2>/dev/null || { echo "$0: $name exited:" >&2; cat "$tmp/$name.log" >&2; exit 1; }
		if (( ${EPOCHREALTIME/./} - ${t0/./} > 10000000 )); then
			echo "$0: $name not answering after 10 s" >&2; exit 1
		fi
	done
	t1=$EPOCHREALTIME
	start_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
}

stop() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pids=${pids/ $pid/}
}

# exec: the background job's pid ($!) is the server's own pid.
run_banyan() { exec "$banyan" serve --db "$db" --quiet --second-factor none --listen "127.0.0.1:$1"; }
run_bare() { exec "$bare" "$1"; }

rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }


declare -A res # res[banyan.rps], res[bare.p99], ...


# CPU time a process has used so far (user + system), in clock ticks
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# load NAME PORT ROUND: one measured wrk run, appended to res[NAME.rps] ...
# Also the server's CPU time per request answered (less noisy than req/s
# when wrk and the server fight over the same cores).
load() {
	local out=$tmp/wrk-$1-$3.txt rps p50 p99 errs c0 c1 us
	c0=$(cpu_ticks "${res[$1.pid]}")
	timeout 120 wrk -t"$wthreads" -c"$conns" -d"$duration" --latency "http://127.0.0.1:$2/api/v1/health" >"$out" 2>&1 ||
		{ echo "$0: wrk failed against $1:" >&2; cat "$out" >&2; exit 1; }
	c1=$(cpu_ticks "${res[$1.pid]}")
	rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$out")
	us=$(awk -v t=$((c1 - c0)) -v hz="$hz" '/ requests in / { printf "%.1f", t * 1e6 / hz / $1 }' "$out")
	[ -n "$rps" ] || { echo "$0: no result from wrk against $1:" >&2; cat "$out" >&2; exit 1; }
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	errs=$(awk '/Non-2xx|Socket errors/ { sub(/^ +/, ""); printf "%s%s", sep, $0; sep = "; " }' "$out")
	printf '  round %d %-6s %7d req/s  p50 %6s ms  p99 %7s ms  server CPU %5s us/req%s\n' \
		"$3" "$1" "$rps" "$p50" "$p99" "$us" "${errs:+  ($errs)}"
	res[$1.rps]+=" $rps" res[$1.p50]+=" $p50" res[$1.p99]+=" $p99" res[$1.us]+=" $us" res[$1.last]=$rps
	[ -z "$errs" ] || res[$1.errs]+="round $3: $errs; "
}

echo "$("$banyan" version 2>/dev/null | head -1 || true): $(nproc) cores; wrk shares them with the server"
echo

# 1. start-up
echo "start-up: $starts starts each (exec to first 200 from /api/v1/health)"
for name in banyan bare; do
	times=""
	for _ in $(seq "$starts"); do
		start "$name" "run_$name"
		times="$times $start_ms"
		stop
	done
	# shellcheck disable=SC2086 # $times: one number per word
	printf '  %-6s ms: %s\n' "$name" "$(printf '%s\n' $times | sort -n | tr '\n' ' ')"
	# shellcheck disable=SC2086
	res[$name.start]=$(printf '%s\n' $times | median)
done
echo

# 2. resident memory, each server alone: after start (one health request
# answered), then after a 2 s wrk warm-up and 1 s of rest.
for name in banyan bare; do
	start "$name" "run_$name"
	res[$name.rss0]=$(rss_mb "$pid")
	timeout 30 wrk -t"$wthreads" -c"$conns" -d2s "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 || true
	sleep 1
	res[$name.rss1]=$(rss_mb "$pid")
	res[$name.pid]=$pid res[$name.port]=$port
done

# 3. throughput: both servers stay up (the idle one sleeps in epoll); the wrk
# runs alternate so that drift of this machine hits both alike; medians.
ratios=""
echo "health: wrk -t$wthreads -c$conns -d$duration --latency, $rounds rounds, alternating"
for round in $(seq "$rounds"); do
	for name in banyan bare; do
		load "$name" "${res[$name.port]}" "$round"
	done
	# the ratio within a round, where both runs saw the same machine
	ratios+=" $(awk -v a="${res[banyan.last]}" -v b="${res[bare.last]}" 'BEGIN { printf "%.1f", 100 * a / b }')"
done
for name in banyan bare; do
	# shellcheck disable=SC2086 # one number per word
	res[$name.rps]=$(printf '%s\n' ${res[$name.rps]} | median %.0f)
	for k in p50 p99 us; do
		# shellcheck disable=SC2086
		res[$name.$k]=$(printf '%s\n' ${res[$name.$k]} | median %.2f)
	done
done
# shellcheck disable=SC2086
ratio=$(printf '%s\n' $ratios | median %.0f)
echo

row() { # LABEL KEY [EXTRA]
	printf '%-24s banyan %-9s bare %-9s%s\n' "$1" "${res[banyan.$2]}" "${res[bare.$2]}" "${3:-}"
}
echo "== results ($(nproc) cores shared by wrk and the server; targets: start < 100 ms, idle RSS < 30 MB) =="
row "start-up median ms:" start
row "idle RSS MB (started):" rss0
row "idle RSS MB (warm):" rss1
row "health req/s (median):" rps " ratio $ratio% (median of per-round ratios:$ratios)"
row "health p50 ms (median):" p50
row "health p99 ms (median):" p99
row "server CPU us/request:" us
for name in banyan bare; do
	[ -z "${res[$name.errs]:-}" ] || echo "WARNING $name: ${res[$name.errs]}"
done
