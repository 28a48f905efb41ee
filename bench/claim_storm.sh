#!/usr/bin/env bash
# The voucher-claim storm, side by side with bench/bare_server, in rounds, on
# one or more set-ups of banyan (STORM_SETUPS), one after the other in one run:
#   sqlite   one `banyan serve` on a SQLite file;
#   pg       one `banyan serve` on a throw-away PostgreSQL of its own (initdb
#            in the work directory, a Unix socket, fsync and synchronous_commit
#            on as PostgreSQL ships them, no standby);
#   cluster  three `banyan serve --cluster` nodes behind HAProxy, on a
#            PostgreSQL primary with a synchronous standby: scripts/cluster.sh.
# For each set-up:
#   1. a fresh database (banyan init), a commerce bureau user (vouchers are
#      its duty), a channel API key;
#   2. the set-up's servers (bare_server is up for the whole run); over
#      HTTP (curl, the bureau's session): a campaign and a round open now (started a
#      minute ago, ends in an hour) offered through the key;
#   3. for each load tool (bench/claim_storm, and wrk replaying claims signed
#      beforehand by claim_storm --presign, bench/claim_replay.lua) and each
#      number of connections, STORM_ROUNDS rounds, each: a new kind with
#      STORM_STOCK vouchers, 1 per person; the storm against banyan (signed
#      POST /api/v1/vouchers/claims; HAProxy for the cluster), then the same
#      against bare_server (constant 200), the reference.  Alternating, as
#      bench/http_health.sh does, so that both servers of a round saw the same
#      machine.  The CPU time (utime + stime from /proc) of banyan's processes
#      (every node), of PostgreSQL's (the postmaster, its live children and
#      those it reaped; the standby apart) and of HAProxy over each round;
#   4. banyan stopped cleanly, then checks on the database (sqlite3 or psql)
#      for every kind: vouchers issued <= stock, nobody above the per-person
#      limit, and every 201 the tool received is a voucher in the database
#      (and no voucher without one); and banyan check (on PostgreSQL it
#      recounts the vouchers against their leases).
# Then, per set-up, tool and number of connections, a table of the rounds
# (rates, p50/p90/p99/p99.9 of both, the writer's commits over 50 ms) and the
# medians against the targets (claims/s >= 0.6 x bare, p99 <= 2 x bare p99:
# medians of the rounds' ratios), the writer's longest commit; a summary of
# every set-up with the CPU per acknowledged claim (201); then the checks.
# Usage: bench/claim_storm.sh BUILD_DIR
# Knobs (environment): STORM_SETUPS ("sqlite"; "sqlite pg cluster" for all),
# STORM_ROUNDS (5), STORM_DURATION (10 s),
# STORM_CONNECTIONS ("200 1000"), STORM_TOOLS ("claim_storm wrk"),
# STORM_USERS (1000000), STORM_STOCK (1000000: more than a round can claim, so
# every round measures durable claims), STORM_REPEAT (10 %), STORM_REPLAY (1 %),
# STORM_PRESIGN (100000 a second of a round: claims signed for each wrk round),
# STORM_BANYAN (another banyan binary to measure, e.g. an older build).
# Every server listens on 127.0.0.1 only (PostgreSQL on a Unix socket); every
# run is bounded in time; on exit (a failure too) every server is stopped and
# the work directory removed.
set -eu
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
banyan=${STORM_BANYAN:-$build/banyan}
bare=$build/bench/bare_server
storm=$build/bench/claim_storm
for b in "$banyan" "$bare" "$storm"; do
	[ -x "$b" ] || { echo "$0: $b missing: build first (make build)" >&2; exit 1; }
done
setups=${STORM_SETUPS:-sqlite}
needs="curl"
for setup in $setups; do
	case $setup in
	sqlite) needs="$needs sqlite3" ;;
	pg) needs="$needs psql" ;;
	cluster) needs="$needs psql haproxy" ;;
	*) echo "$0: unknown set-up '$setup' in STORM_SETUPS (sqlite, pg, cluster)" >&2; exit 2 ;;
	esac
done
for t in $needs; do
	command -v "$t" >/dev/null || { echo "$0: $t missing (scripts/deps.sh --test --bench)" >&2; exit 1; }
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
replay_lua=$here/claim_replay.lua
case " $tools " in *" wrk "*) command -v wrk >/dev/null || { echo "$0: wrk missing (scripts/deps.sh --bench)" >&2; exit 1; } ;; esac
# the highest number of connections, for the per-address limit
conns_max=$(tr ' ' '\n' <<<"$conns_list" | sort -n | tail -1)

bench_workdir storm
cldir=""
# shellcheck disable=SC2317 # run by lib.sh's cleanup, a failure's too
bench_stop() {
	[ -z "$cldir" ] || BANYAN=$banyan "$here/../scripts/cluster.sh" stop "$cldir" >/dev/null 2>&1
	cldir=""
}

die() { echo "$0: $*" >&2; exit 1; }

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

# All the storm's connections come from 127.0.0.1 (HAProxy's too): above the per-address limit (256 by default).
serve_args=(--quiet --second-factor none --max-connections-per-address $((conns_max + 64)))
# shellcheck disable=SC2317 # run by start
run_banyan() { exec "$banyan" serve --db "$db" "${serve_args[@]}" --listen "127.0.0.1:$1"; }
# shellcheck disable=SC2317
run_bare() { exec "$bare" "$1"; }

hz=$(getconf CLK_TCK)

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
# ISO 8601 in Beijing time (+08:00) for a Unix time
beijing() { date -u -d "@$(($1 + 8 * 3600))" +%Y-%m-%dT%H:%M:%S+08:00; }

# The set-ups.  Each sets $db (a file or a URL, for the shell commands and the
# checks), $banyan_port (where the storm goes), $logs (banyan's logs) and the
# processes whose CPU is measured: cpu[node] (banyan), cpu[pg] (the primary's
# postmaster), cpu[standby], cpu[proxy].
declare -A cpu
# shellcheck disable=SC2317 # the setup_ functions are run by name
setup_sqlite() {
	db=$tmp/storm.db
	"$banyan" init --db "$db" >"$tmp/init-sqlite.log" 2>&1 || { cat "$tmp/init-sqlite.log" >&2; die "banyan init failed"; }
	start banyan-sqlite run_banyan
	banyan_port=$port cpu[node]=$pid logs=$tmp/banyan-sqlite.log
}
# shellcheck disable=SC2317
setup_pg() {
	bench_postgres
	db=$pg_url
	"$banyan" init --db "$db" >"$tmp/init-pg.log" 2>&1 || { cat "$tmp/init-pg.log" >&2; die "banyan init failed"; }
	start banyan-pg run_banyan
	banyan_port=$port cpu[node]=$pid cpu[pg]=$pg_pid logs=$tmp/banyan-pg.log
}
# shellcheck disable=SC2317
setup_cluster() {
	cldir=$tmp/cluster
	local base n
	base=$(free_port 4) # HAProxy, then the three nodes
	chmod 711 "$tmp"    # its PostgreSQL runs as postgres when we are root
	BANYAN=$banyan BANYAN_SERVE_ARGS="${serve_args[*]}" "$here/../scripts/cluster.sh" start "$cldir" "$base" \
		>"$tmp/cluster.log" 2>&1 || { cat "$tmp/cluster.log" >&2; die "scripts/cluster.sh start failed"; }
	db=$(sed -n 's/^BANYAN_DB=//p' "$cldir/cluster.env")
	banyan_port=$base logs="" cpu[node]=""
	for n in 1 2 3; do
		cpu[node]="${cpu[node]} $(cat "$cldir/node$n.pid")" logs="$logs $cldir/node$n.log"
	done
	cpu[pg]=$(head -1 "$cldir/primary/postmaster.pid") cpu[standby]=$(head -1 "$cldir/standby/postmaster.pid")
	cpu[proxy]=$(cat "$cldir/haproxy.pid")
}
# Banyan stopped cleanly (the writer's summary logged, the leases given back), PostgreSQL left for the checks.
stop_banyan() {
	local p
	case $setup in
	cluster)
		for p in ${cpu[proxy]} ${cpu[node]}; do kill "$p" 2>/dev/null || true; done
		for p in ${cpu[proxy]} ${cpu[node]}; do
			for _ in $(seq 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		done
		;;
	*) stop "${cpu[node]}" ;;
	esac
}
# A commerce bureau user and a channel key ($key_id, $secret), then, over HTTP, a campaign and a round ($round).
make_round() {
	local bureau_password login now campaign
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
	rm -f "$jar"
	csrf=""
	login=$(api POST /api/v1/session "{\"username\":\"stormbureau\",\"password\":\"$bureau_password\"}")
	csrf=$(printf '%s' "$login" | json_str csrf_token)
	[ -n "$csrf" ] || die "no csrf_token in the login answer: $login"
	now=$(date +%s)
	campaign=$(api POST /api/v1/vouchers/campaigns '{"name":"惠聚榕城消费季","org":"350100-swj"}' | json_num id)
	[ -n "$campaign" ] || die "no id in the campaign answer"
	round=$(api POST /api/v1/vouchers/rounds "{\"campaign\":$campaign,\"name\":\"第一期\",\"starts_at\":\"$(beijing $((now - 60)))\",\"ends_at\":\"$(beijing $((now + 3600)))\",\"channels\":[\"$key_id\"]}" | json_num id)
	[ -n "$round" ] || die "no id in the round answer"
}

declare -A res
# The writer's slow commits in banyan's logs since the line counts in $1 ("LOG:LINES ..."): "COUNT LONGEST_MS".
log_lines() { local f; for f in $logs; do echo "$f:$(wc -l <"$f")"; done; }
slow_since() {
	local fl
	for fl in $1; do tail -n "+$((${fl##*:} + 1))" "${fl%:*}"; done |
		sed -n 's/.*vouchers: slow commit \([0-9.]*\) ms.*/\1/p' |
		awk '{ n++; if ($1 > m) m = $1 } END { printf "%d %s\n", n, n ? m : "-" }'
}
# per_claim TICKS N: CPU µs per answer
per_claim() { awk -v t="$1" -v hz="$hz" -v n="$2" 'BEGIN { printf "%.1f", n ? t * 1e6 / hz / n : 0 }'; }
# storm TOOL CONNS LABEL PORT KIND GROUP...: one bounded run; res[RUN.LABEL.key] from its RESULT line, and the
# CPU of the processes of each group (cpu[GROUP]) per answer (GROUP_us) and per 201 (GROUP_claim_us).
storm() {
	local tool=$1 c=$2 label=$3 port=$4 kind=$5 out=$tmp/storm-$setup-$1-$2-$3.txt kv lines at slow longest g p
	shift 5
	local -A c0
	at=$setup.$tool.$c.$label
	lines=$(log_lines)
	# shellcheck disable=SC2086 # the pids are words
	for g in "$@"; do c0[$g]=$(cpu_ticks ${cpu[$g]}); done
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
	echo "== $setup, $tool, $c connections: $label"
	grep -v '^RESULT' "$out" | sed 's/^/  /'
	# shellcheck disable=SC2013 # key=value words
	for kv in $(sed -n 's/^RESULT //p' "$out"); do
		res[$at.${kv%%=*}]=${kv#*=}
	done
	[ -n "${res[$at.rps]:-}" ] || die "no RESULT line from $tool against $label"
	for g in "$@"; do
		for p in ${cpu[$g]}; do
			kill -0 "$p" 2>/dev/null || { cat "$out" >&2; die "a server ($g, pid $p) died during the storm $label"; }
		done
		# shellcheck disable=SC2086
		res[$at.${g}_ticks]=$(($(cpu_ticks ${cpu[$g]}) - ${c0[$g]}))
		res[$at.${g}_us]=$(per_claim "${res[$at.${g}_ticks]}" "${res[$at.answers]}")
		res[$at.${g}_claim_us]=$(per_claim "${res[$at.${g}_ticks]}" "${res[$at.acked]:-${res[$at.c201]:-0}}")
	done
	res[$at.tool_us]=$(awk -v n="${res[$at.answers]}" '{ printf "%.1f", n ? ($1 + $2) * 1e6 / n : 0 }' "$out.cpu")
	read -r slow longest <<<"$(slow_since "$lines")"
	res[$at.slow]=$slow res[$at.longest]=$longest
	printf '  CPU us/request: server %s' "${res[$at.${1}_us]}"
	for g in "${@:2}"; do printf ', %s %s' "$g" "${res[$at.${g}_us]}"; done
	echo ", $tool ${res[$at.tool_us]}; writer commits over 50 ms: ${res[$at.slow]} (longest ${res[$at.longest]} ms)"
	echo
}
# PostgreSQL's counters (none on SQLite): the database's commits, the WAL's records, bytes and syncs
# (and each table's rows inserted, updated and deleted in $tmp/pg-tables-$1)
pg_counters() {
	[ "$setup" != sqlite ] || return 0
	psql -X -qAt -F ' ' -d "$db" -c "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables
		WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY relname" >"$tmp/pg-tables-$1"
	psql -X -qAt -F ' ' -d "$db" -c "SELECT d.xact_commit, w.wal_records, w.wal_bytes, w.wal_sync
		FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = current_database()"
}
# pg_per_claim AT BEFORE AFTER: res[AT.commits], [AT.wal_records], [AT.wal_bytes], [AT.wal_syncs] per acknowledged claim
pg_per_claim() {
	local k b a n=${res[$1.acked]:-${res[$1.c201]}}
	[ -n "$2" ] || return 0
	read -ra b <<<"$2"
	read -ra a <<<"$3"
	for k in 0 1 2 3; do
		res[$1.$(cut -d' ' -f$((k + 1)) <<<"commits wal_records wal_bytes wal_syncs")]=$(awk -v d="$((a[k] - b[k]))" -v n="$n" \
			'BEGIN { printf "%.2f", n ? d / n : 0 }')
	done
	echo "  PostgreSQL per acknowledged claim (this round and the bare one after it): ${res[$1.commits]} commits," \
		"${res[$1.wal_records]} WAL records, ${res[$1.wal_bytes]} WAL bytes, ${res[$1.wal_syncs]} WAL syncs;" \
		"rows inserted/updated/deleted: $(join -a2 -e0 -o 2.1,1.2,1.3,1.4,2.2,2.3,2.4 "$tmp/pg-tables-before" "$tmp/pg-tables-after" |
			awk -v n="$n" 'n { i = ($5 - $2) / n; u = ($6 - $3) / n; d = ($7 - $4) / n
				if (i + u + d >= 0.01) { printf "%s%s %.2f/%.2f/%.2f", sep, $1, i, u, d; sep = ", " } }')"
	echo
}
new_kind() {
	api POST /api/v1/vouchers/kinds "{\"round\":$round,\"name\":\"满100减20 $1\",\"face_fen\":2000,\"threshold_fen\":10000,\"stock\":$stock,\"validity_days\":7,\"per_person_limit\":$limit,\"categories\":[\"catering\",\"retail\"]}" | json_num id
}

failed=0
# q SQL: one value from the set-up's database
q() {
	case $setup in
	sqlite) sqlite3 -batch -noheader "$db" "$1" ;;
	*) psql -X -qAt -d "$db" -c "$1" ;;
	esac
}
# A <= B, both integers (an empty answer from the database fails)
le() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && [ "$1" -le "$2" ]; }
check() { # OK? TEXT
	if [ "$1" = 1 ]; then echo "  ok      $2"; else echo "  FAILED  $2"; failed=1; fi
}
# The checks on the set-up's database, banyan stopped
checks() {
	local run tool i b kind issued db_stock db_limit most codes acked unanswered codes_all
	for run in $runs; do
		[ "${run%%.*}" = "$setup" ] || continue
		tool=${run#*.} tool=${tool%.*}
		for i in $(seq "$rounds"); do
			b=$run.banyan$i
			kind=${res[$b.kind]}
			issued=$(q "SELECT count(*) FROM vouchers WHERE kind_id = $kind")
			db_stock=$(q "SELECT stock FROM voucher_kinds WHERE id = $kind")
			db_limit=$(q "SELECT per_person_limit FROM voucher_kinds WHERE id = $kind")
			most=$(q "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM vouchers WHERE kind_id = $kind
				GROUP BY api_key_id, person) AS per_person")
			codes=$(q "SELECT count(DISTINCT code) FROM vouchers WHERE kind_id = $kind")
			acked=${res[$b.acked]:-${res[$b.c201]}}
			# wrk does not wait for the answers in flight at the end; claim_storm names those it never got
			unanswered=${res[$b.unanswered]:-${run##*.}}
			echo "== checks on the banyan database, $setup, $tool at ${run##*.} connections, round $i (kind $kind)"
			check "$(le "$issued" "$db_stock" && echo 1)" "vouchers issued <= stock: $issued <= $db_stock"
			check "$(le "$most" "$db_limit" && echo 1)" "per (kind, channel user) at most the limit: max $most <= $db_limit"
			check "$(le "$codes" "$issued" && le "$issued" "$codes" && echo 1)" "voucher codes distinct: $codes of $issued"
			check "$(le "$acked" "$issued" && le "$issued" $((acked + unanswered)) && echo 1)" \
				"every 201 durable: $acked 201s <= $issued in the database <= 201s + $unanswered unanswered"
			if [ "$tool" = claim_storm ]; then
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
	codes_all=$(q "SELECT CASE WHEN count(DISTINCT code) = count(*) THEN 1 ELSE 0 END FROM vouchers")
	echo "== checks on the banyan database, $setup, every kind"
	check "$([ "$codes_all" = 1 ] && echo 1)" "voucher codes distinct across every kind"
	if "$banyan" check --db "$db" >"$tmp/check-$setup.txt" 2>&1; then
		check 1 "banyan check: $(grep -c ': ok' "$tmp/check-$setup.txt") checks ok (vouchers: $(sed -n 's/^vouchers: //p' "$tmp/check-$setup.txt" | head -1))"
	else
		check 0 "banyan check:"
		sed 's/^/          /' "$tmp/check-$setup.txt"
	fi
}

# The reference, up for the whole run
start bare run_bare
bare_pid=$pid bare_port=$port cpu[bare]=$pid
echo "$("$banyan" version 2>/dev/null | head -1 || true): $(nproc) cores, shared by the load tool and every server"
echo "set-ups: $setups; $rounds rounds of ${duration} s with $tools at $conns_list connections, each on a new kind (stock $stock, $limit per person)"
echo

runs=""
for setup in $setups; do
	cpu[node]="" cpu[pg]="" cpu[standby]="" cpu[proxy]=""
	"setup_$setup"
	make_round
	groups="node"
	for g in pg standby proxy; do [ -z "${cpu[$g]}" ] || groups="$groups $g"; done
	res[$setup.groups]=$groups
	echo "=== $setup: banyan on 127.0.0.1:$banyan_port, database $db; round $round, channel key $key_id"
	echo
	# the rounds: per tool and number of connections, a new kind each round, banyan then bare
	for tool in $tools; do
		for c in $conns_list; do
			runs="$runs $setup.$tool.$c"
			for i in $(seq "$rounds"); do
				kind=$(new_kind "$tool $c $i")
				[ -n "$kind" ] || die "no id in the kind answer"
				res[$setup.$tool.$c.banyan$i.kind]=$kind
				if [ "$tool" = wrk ]; then # signed now: valid for 300 s
					"$storm" --presign "$presign" --out "$tmp/signed" --files 2 --port "$banyan_port" --key "$key_id" \
						--secret "$secret" --round "$round" --kind "$kind" >/dev/null || die "claim_storm --presign failed"
				fi
				pg_before=$(pg_counters before)
				# shellcheck disable=SC2086 # the groups are words
				storm "$tool" "$c" "banyan$i" "$banyan_port" "$kind" $groups
				storm "$tool" "$c" "bare$i" "$bare_port" "$kind" bare
				# after the bare round: a busy backend reports its counts a few seconds late
				pg_per_claim "$setup.$tool.$c.banyan$i" "$pg_before" "$(pg_counters after)"
			done
			rm -f "$tmp"/signed.*
		done
	done
	res[$setup.load]=$(cut -d' ' -f1-3 /proc/loadavg)
	stop_banyan
	echo "=== $setup: load average at the end of its rounds (1, 5, 15 min): ${res[$setup.load]}"
	echo "=== $setup: the writer over the whole run (banyan's logs at stop)"
	# shellcheck disable=SC2086 # the logs are words
	grep -hE 'NOTICE vouchers: (writer|commits|claims)' $logs | sed 's/^.*NOTICE vouchers: /  /' ||
		echo "  no summary in the log"
	echo "=== $setup: the first slow commits"
	# shellcheck disable=SC2086
	grep -h 'vouchers: slow commit' $logs | head -5 | sed 's/^.*NOTICE vouchers: /  /' || true
	echo
	checks >"$tmp/checks-$setup.txt"
	bench_stop
	bench_postgres_stop
done
stop "$bare_pid"

# The figures
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
		res[$run.banyan$i.acked_rps]=$(awk -v a="${res[$run.banyan$i.acked]:-${res[$run.banyan$i.c201]}}" -v d="$duration" \
			'BEGIN { printf "%.0f", a / d }')
	done
	res[$run.ratio]=$(column "$run" ratio "" | words_median)
	res[$run.p99ratio]=$(column "$run" p99ratio "" | words_median)
done

echo "== results ($(nproc) cores shared by the load tool and the servers; ${duration} s runs, $rounds rounds)"
for run in $runs; do
	setup=${run%%.*} tool=${run#*.} tool=${tool%.*}
	echo
	echo "-- $setup, $tool, ${run##*.} connections: per round"
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
	printf '%-26s %12s %12s\n' "server CPU us/request" "$(column "$run" banyan node_us | words_median)" \
		"$(column "$run" bare bare_us | words_median)"
	for g in ${res[$setup.groups]#node}; do
		printf '%-26s %12s\n' "$g CPU us/request" "$(column "$run" banyan "${g}_us" | words_median)"
	done
	printf '%-26s %12s %12s\n' "$tool CPU us/request" "$(column "$run" banyan tool_us | words_median)" \
		"$(column "$run" bare tool_us | words_median)"
	printf '%-26s %12s\n' "writer commits > 50 ms" "$(sum "$run" banyan slow)"
done
echo
echo "== summary: medians of the rounds; CPU in us per acknowledged claim (a 201; the repeats' and refusals' work"
echo "   included), bare's per request; '-' where the set-up has no such part"
printf '%-8s %-11s %5s | %9s %9s %9s %6s | %-13s %-13s | %7s %7s %7s %7s %7s\n' set-up tool conns "201s/s" answers/s \
	bare/s ratio "p50/p99 ms" "bare p50/p99" banyan pg standby haproxy bare
for run in $runs; do
	setup=${run%%.*} tool=${run#*.} tool=${tool%.*}
	us=()
	for g in node pg standby proxy; do
		case " ${res[$setup.groups]} " in
		*" $g "*) us+=("$(column "$run" banyan "${g}_claim_us" | words_median)") ;;
		*) us+=(-) ;;
		esac
	done
	printf '%-8s %-11s %5s | %9s %9s %9s %5s%% | %-13s %-13s | %7s %7s %7s %7s %7s\n' "$setup" "$tool" "${run##*.}" \
		"$(column "$run" banyan acked_rps | words_median)" "$(column "$run" banyan rps | words_median)" \
		"$(column "$run" bare rps | words_median)" "${res[$run.ratio]}" \
		"$(column "$run" banyan p50 | words_median) / $(column "$run" banyan p99 | words_median)" \
		"$(column "$run" bare p50 | words_median) / $(column "$run" bare p99 | words_median)" \
		"${us[@]}" "$(column "$run" bare bare_us | words_median)"
done
for setup in $setups; do echo "load average (1, 5, 15 min) at the end of $setup's rounds: ${res[$setup.load]}"; done
echo
for setup in $setups; do cat "$tmp/checks-$setup.txt"; done
exit "$failed"
