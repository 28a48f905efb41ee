# What the benchmark scripts share: sourced, not run.
#   bench_workdir NAME  sets $tmp (a fresh directory) and $pids (add the
#                       background processes you start); on exit every one
#                       of them is stopped and $tmp removed; a function
#                       bench_stop, if the script defines one, runs first
#                       (for servers that are not its children).
#   bench_postgres      a throw-away PostgreSQL in $tmp/pg (initdb; a Unix
#                       socket there, no TCP; the settings as shipped, fsync
#                       and synchronous_commit on, but max_connections 300),
#                       with a database banyan: its URL in $pg_url, its
#                       postmaster's pid in $pg_pid.  As root it runs as the
#                       postgres user (as tests/with_postgres.sh).  Stopped by
#                       bench_postgres_stop, or on exit.
#   bench_serve BACKEND DB   banyan serve ($banyan, on a free port: $port; $pid,
#                       also in $pids) on the city in the SQLite file DB
#                       (BACKEND sqlite), or (pg) on a copy of it made by
#                       banyan migrate in a throw-away PostgreSQL (bench_postgres;
#                       then ANALYZE; $pg_pid, else empty); up to 30 s for its
#                       first health answer
#   cpu_ticks PID...    the CPU time (user + system, clock ticks) those
#                       processes have used so far, with their children's:
#                       those still running and those they waited for (a
#                       PostgreSQL backend that ended is in its postmaster's)
#   free_port [N]       a loopback port nobody listens on (N such ports in a
#                       row: the first printed)
#   to_ms VALUE         wrk's latency ("850.12us", "1.75ms", "1.02s") in ms
#   median [FORMAT]     the median of the numbers on stdin, one a line

bench_workdir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/banyan-$1.XXXXXX")
	pids=""
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

# shellcheck disable=SC2317 # run by the trap
bench_cleanup() {
	! command -v bench_stop >/dev/null 2>&1 || bench_stop || true
	bench_postgres_stop immediate
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}

bench_postgres() {
	# shellcheck disable=SC2012 # Debian's directories, one a major version
	pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -n "$pgbin" ] || { echo "$0: PostgreSQL's server is not installed (scripts/deps.sh --test)" >&2; exit 1; }
	pgdir=$tmp/pg pg_as=""
	mkdir "$pgdir"
	if [ "$(id -u)" -eq 0 ]; then
		chmod 711 "$tmp"
		chown postgres "$pgdir"
		pg_as="runuser -u postgres --"
	fi
	$pg_as "$pgbin/initdb" -D "$pgdir/data" -U banyan --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 ||
		{ cat "$pgdir/initdb.log" >&2; echo "$0: initdb failed" >&2; exit 1; }
	$pg_as "$pgbin/pg_ctl" start -w -D "$pgdir/data" -l "$pgdir/server.log" \
		-o "-k $pgdir -c listen_addresses='' -c max_connections=300" >/dev/null ||
		{ cat "$pgdir/server.log" >&2; echo "$0: PostgreSQL did not start" >&2; exit 1; }
	"$pgbin/createdb" -h "$pgdir" -U banyan banyan
	pg_url="postgresql:///banyan?host=$pgdir&user=banyan"
	pg_pid=$(head -1 "$pgdir/data/postmaster.pid")
}

# bench_postgres_stop [MODE]: pg_ctl's stop mode, fast by default
bench_postgres_stop() {
	[ -n "${pgdir:-}" ] || return 0
	$pg_as "$pgbin/pg_ctl" stop -w -D "$pgdir/data" -m "${1:-fast}" >/dev/null 2>&1 || true
	pgdir=""
}

bench_serve() {
	local url=$2 start
	pg_pid=""
	if [ "$1" = pg ]; then
		bench_postgres
		echo "copying the city into PostgreSQL (banyan migrate) ..."
		start=$(date +%s.%N)
		"$banyan" migrate --from "$2" --to "$pg_url" >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log" >&2; exit 1; }
		# The planner's statistics at once, as an operator would after a bulk load (migrate leaves them to autovacuum)
		psql -X -q -d "$pg_url" -c ANALYZE
		echo "  done in $(echo "$(date +%s.%N) - $start" | bc) s (with ANALYZE)"
		url=$pg_url
	fi
	port=$(free_port)
	"$banyan" serve --db "$url" --listen "127.0.0.1:$port" --quiet --second-factor none 2>"$tmp/serve.log" &
	pid=$!
	pids=$pid
	for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/health" && return; sleep 0.05; done
	echo "$0: banyan did not answer within 30 s" >&2
	exit 1
}

cpu_ticks() {
	local p c t=0
	for p in "$@"; do
		t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
		for c in $(pgrep -P "$p"); do
			t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$c/stat" 2>/dev/null || echo 0)))
		done
	done
	echo "$t"
}

free_port() {
	local p i
	while :; do
		p=$((20000 + RANDOM % 12000)) # below the ephemeral range, where client ports linger
		for ((i = 0; i < ${1:-1}; i++)); do
			if { exec 4<>"/dev/tcp/127.0.0.1/$((p + i))"; } 2>/dev/null; then
				exec 4<&- 4>&-
				continue 2
			fi
		done
		echo "$p"
		return
	done
}

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
	printf "%.2f", u == "us" ? n / 1000 : u == "s" ? n * 1000 : u == "m" ? n * 60000 : n }'; }

median() { sort -n | awk -v f="${1:-%.1f}" '{ v[NR] = $1 } END { m = int((NR + 1) / 2); printf f, NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2 }'; }
