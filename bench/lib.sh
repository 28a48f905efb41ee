# What the benchmark scripts share: sourced, not run.
#   bench_workdir NAME  sets $tmp (a fresh directory) and $pids (add the
#                       background processes you start); on exit every one
#                       of them is stopped and $tmp removed; a function
#                       bench_stop, if the script defines one, runs first
#                       (for servers that are not its children).
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
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
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
