#!/usr/bin/env bash
# Does banyan stay answered while it is attacked?  GET /api/v1/health latency
# (one connection, wrk --latency) measured in one run, in rounds, under:
#   quiet      nothing else: the reference
#   logins     8 connections logging in with one valid account in a loop
#              (the attack issue #12 reported: health went from 1 ms to 860 ms)
#   hashing    the same with the per-account login limit lifted, so every
#              login costs a password hash: what the hashing queue must bound
#   slowloris  SLOW_CONNS connections (4,000) trickling a request's headers a byte
#              every 0.5 s from one address (127.0.0.2; health asks from 127.0.0.1)
# The target: health p99 under 100 ms under each attack.
# Usage: bench/attack_health.sh BUILD_DIR [OTHER_BANYAN]
#   OTHER_BANYAN: another build's banyan binary (e.g. of an older commit),
#   measured in the same rounds, alternating, for a before/after.
# Knobs: ATTACK_ROUNDS (3), ATTACK_SECONDS (5), SLOW_CONNS (4000).
# Every server listens on 127.0.0.1 only; every load run is bounded in time.
set -eu
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [OTHER_BANYAN]" >&2; exit 2; }
build=$(cd "$1" && pwd)
bins=("$build/banyan")
names=(banyan)
if [ $# -ge 2 ]; then bins+=("$(realpath "$2")"); names+=(other); fi
for b in "${bins[@]}"; do [ -x "$b" ] || { echo "$0: $b missing" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "$0: wrk missing (scripts/deps.sh --bench)" >&2; exit 1; }

rounds=${ATTACK_ROUNDS:-3}
secs=${ATTACK_SECONDS:-5}
slow=${SLOW_CONNS:-4000}
ulimit -n $((slow + 1024)) 2>/dev/null || true # the slow client's sockets
password=attack-bench-password-1

bench_workdir attack

cat >"$tmp/login.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"firm","password":"$password"}'
EOF

# The slow client: connections that send a request's headers a byte at a time.
cat >"$tmp/slowloris.py" <<'EOF'
import socket, sys, time
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
head = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4096
socks, cut = [], 0
for _ in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1, source_address=("127.0.0.2", 0))
        socks.append([s, 0])
    except OSError:
        cut += 1
end = time.time() + secs
while time.time() < end and socks:
    for entry in list(socks):
        try:
            entry[0].send(head[entry[1]:entry[1] + 1])
            entry[1] += 1
        except OSError:
            socks.remove(entry)
            cut += 1
    time.sleep(0.5)
print(f"slowloris: {n} opened, {cut} refused or cut within {secs:.0f} s")
EOF

# serve NAME BIN [ENV...]: a fresh database with one enterprise account, served.
serve() {
	local name=$1 bin=$2 db=$tmp/$1.db extra=()
	shift 2
	rm -f "$db"*
	"$bin" init --db "$db" >"$tmp/$name.init" 2>&1 || { cat "$tmp/$name.init" >&2; exit 1; }
	echo "$password" | "$bin" user add --db "$db" --username firm --role enterprise --org 350111 \
		--password-stdin >>"$tmp/$name.init" 2>&1 || { cat "$tmp/$name.init" >&2; exit 1; }
	# Options this build has: an older one may lack them.
	local help
	help=$("$bin" serve --help 2>&1 || true)
	[[ $help == *--second-factor* ]] && extra+=(--second-factor none)
	port=$(free_port)
	env "$@" "$bin" serve --db "$db" --quiet --listen "127.0.0.1:$port" "${extra[@]}" >"$tmp/$name.log" 2>&1 &
	pid=$!
	pids="$pids $pid"
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/health" && return
		sleep 0.05
	done
	echo "$0: $name did not start" >&2; cat "$tmp/$name.log" >&2; exit 1
}

stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pids=${pids/ $pid/}; }

declare -A p99s
# health NAME ATTACK ROUND: health latency for $secs s while the attack runs.
health() {
	local out=$tmp/health-$1-$2-$3.txt p50 p99 max n
	timeout $((secs + 30)) wrk -t1 -c1 -d"${secs}s" --timeout 5s --latency "http://127.0.0.1:$port/api/v1/health" \
		>"$out" 2>&1 || { echo "$0: wrk failed:" >&2; cat "$out" >&2; exit 1; }
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	max=$(to_ms "$(awk '$1 == "Latency" { print $4 }' "$out")")
	n=$(awk '/ requests in / { print $1 }' "$out")
	if [ "${n:-0}" -eq 0 ]; then # not one answer in the whole run: count it as the run's length
		p50=">$((secs * 1000))" p99=">$((secs * 1000))" max=">$((secs * 1000))"
	fi
	printf '  round %d  %-6s %-9s health: %6s answers  p50 %7s ms  p99 %8s ms  max %8s ms%s\n' \
		"$3" "$1" "$2" "$n" "$p50" "$p99" "$max" "${4:+  ($4)}"
	p99s[$1.$2]+=" ${p99#>}"
}

# flood: 8 connections logging in while health is measured; "logins/s and how answered"
flood() {
	local out=$tmp/flood.txt
	timeout $((secs + 30)) wrk -t2 -c8 -d"${secs}s" --timeout 10s -s "$tmp/login.lua" \
		"http://127.0.0.1:$port/api/v1/session" >"$out" 2>&1 &
	local w=$!
	health "$@"
	wait "$w" || true
	awk '/Requests\/sec/ { r = $2 } /Non-2xx/ { n = $NF } END { printf "    logins: %d/s, %d answered other than 200\n", r, n }' "$out"
}

echo "$("${bins[0]}" version 2>/dev/null | head -1 || true): $(nproc) cores shared by the server, wrk and the attackers"
for round in $(seq "$rounds"); do
	for i in "${!bins[@]}"; do
		name=${names[$i]} bin=${bins[$i]}
		serve "$name" "$bin"
		health "$name" quiet "$round"
		flood "$name" logins "$round"
		python3 "$tmp/slowloris.py" "$port" "$slow" "$secs" >"$tmp/slow.txt" 2>&1 &
		s=$!
		sleep 1
		health "$name" slowloris "$round"
		wait "$s" || true
		sed 's/^/    /' "$tmp/slow.txt"
		stop
		serve "$name" "$bin" BANYAN_LOGINS_PER_MINUTE=1000000
		flood "$name" hashing "$round"
		stop
	done
done

echo
echo "health p99 (ms), median of $rounds rounds; the target is under 100 ms under each attack"
for name in "${names[@]}"; do
	for attack in quiet logins hashing slowloris; do
		m=$(printf '%s\n' ${p99s[$name.$attack]} | median %.2f)
		printf '  %-6s %-9s %9s\n' "$name" "$attack" "$m"
	done
done
