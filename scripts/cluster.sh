#!/bin/sh
# Several banyan nodes on one machine, on loopback, as the current user (see
# docs/operations.md, "Several nodes"):
#   - a PostgreSQL 15 primary and a streaming standby (pg_basebackup -R), with
#     synchronous_standby_names naming the standby, so a commit (an
#     acknowledged claim) returns only once the standby has it on disk;
#   - three `banyan serve --cluster` nodes on the primary;
#   - HAProxy balancing them.
# Everything lives in DIR (data, sockets, logs, pid files); DIR/cluster.env
# says where each part listens.
#
#   scripts/cluster.sh start DIR [BASE_PORT]   HAProxy on BASE_PORT (default 8400),
#                                              the nodes on BASE_PORT+1..+3
#   scripts/cluster.sh status DIR
#   scripts/cluster.sh promote DIR             the primary killed (as a crash), the standby promoted
#   scripts/cluster.sh stop DIR
#
# BANYAN names the binary (default build/banyan beside this script);
# BANYAN_SERVE_ARGS are added to every node's `banyan serve`.
# PostgreSQL refuses to run as root: as root its servers run as the postgres
# user that Debian's package made (as tests/with_postgres.sh does).
set -eu

usage() {
	echo "usage: scripts/cluster.sh start DIR [BASE_PORT] | status DIR | promote DIR | stop DIR" >&2
	exit 2
}
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
here=$(cd "$(dirname "$0")/.." && pwd)
banyan=${BANYAN:-$here/build/banyan}
pgbin=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as=""
[ "$(id -u)" -eq 0 ] && as="runuser -u postgres --"
NODES="1 2 3"

# Wait up to $1 tenths of a second for the command after it to succeed.
wait_for() {
	tries=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

# A value from DIR/cluster.env (read, not sourced: the URLs hold '&').
envget() { sed -n "s/^$1=//p" "$dir/cluster.env"; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

healthy() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$1/api/v1/health"; }

start() {
	base=${1:-8400}
	[ -n "$pgbin" ] || { echo "cluster.sh: PostgreSQL's server is not installed (scripts/deps.sh --test)" >&2; exit 1; }
	command -v haproxy >/dev/null || { echo "cluster.sh: haproxy is not installed (scripts/deps.sh --test)" >&2; exit 1; }
	[ -x "$banyan" ] || { echo "cluster.sh: no banyan binary at $banyan (build first, or set BANYAN)" >&2; exit 1; }
	if [ -e "$dir/cluster.env" ]; then
		echo "cluster.sh: $dir already holds a cluster (stop it first)" >&2
		exit 1
	fi
	mkdir -p "$dir/run"
	dir=$(cd "$dir" && pwd)
	[ -n "$as" ] && chown postgres "$dir" "$dir/run"
	primary_port=$((base + 5))
	standby_port=$((base + 6))
	# Both servers, the writable one chosen: after `promote` a new connection finds the standby.
	url="postgresql:///banyan?host=$dir/run,$dir/run&port=$primary_port,$standby_port&user=banyan&target_session_attrs=read-write"
	cat >"$dir/cluster.env" <<EOF
PROXY_PORT=$base
NODE1_PORT=$((base + 1))
NODE2_PORT=$((base + 2))
NODE3_PORT=$((base + 3))
PRIMARY_PORT=$primary_port
STANDBY_PORT=$standby_port
SOCKETS=$dir/run
BANYAN_DB=postgresql:///banyan?host=$dir/run&port=$primary_port&user=banyan
NODES_DB=$url
EOF

	# The primary: Unix sockets only, in DIR/run.  A commit waits for the standby
	# (synchronous_commit = on, the default, with the standby named in
	# synchronous_standby_names): a claim acknowledged is on both machines' disks.
	# (--no-sync: a new, empty cluster lost to a crash in the next seconds is simply made again.)
	$as "$pgbin/initdb" -D "$dir/primary" -U banyan --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
		>"$dir/initdb.log" 2>&1
	cat >>"$dir/primary/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir/run'
port = $primary_port
max_connections = 300
wal_level = replica
max_wal_senders = 4
synchronous_commit = on
synchronous_standby_names = 'FIRST 1 (standby1)'
EOF
	$as "$pgbin/pg_ctl" start -w -D "$dir/primary" -l "$dir/primary.log" >/dev/null
	# The standby: a copy of the primary that streams its log (-R writes standby.signal
	# and primary_conninfo); application_name names it in synchronous_standby_names.
	$as "$pgbin/pg_basebackup" -D "$dir/standby" -R -X stream -c fast --no-sync \
		-d "host=$dir/run port=$primary_port user=banyan application_name=standby1" >"$dir/basebackup.log" 2>&1
	cat >>"$dir/standby/postgresql.conf" <<EOF
port = $standby_port
EOF
	$as "$pgbin/pg_ctl" start -w -D "$dir/standby" -l "$dir/standby.log" >/dev/null
	psql_primary() { psql -X -qAt -h "$dir/run" -p "$primary_port" -U banyan "$@"; }
	wait_for 300 sh -c "psql -X -qAt -h '$dir/run' -p $primary_port -U banyan -d postgres \
		-c \"SELECT 1 FROM pg_stat_replication WHERE application_name = 'standby1' AND sync_state = 'sync'\" | grep -q 1" ||
		{ echo "cluster.sh: the standby did not start streaming (see $dir/standby.log)" >&2; exit 1; }
	psql_primary -d postgres -c "CREATE DATABASE banyan" >/dev/null

	# The schema once, before the nodes start side by side.
	"$banyan" init --db "$url" >"$dir/init.log" 2>&1

	for n in $NODES; do
		port=$((base + n))
		# shellcheck disable=SC2086
		setsid "$banyan" serve --cluster --quiet --listen "127.0.0.1:$port" \
			--db "$url&application_name=banyan-node$n" \
			${BANYAN_SERVE_ARGS:-} </dev/null >"$dir/node$n.log" 2>&1 &
		echo $! >"$dir/node$n.pid"
	done
	for n in $NODES; do
		wait_for 300 healthy $((base + n)) ||
			{ echo "cluster.sh: node $n did not come up (see $dir/node$n.log)" >&2; exit 1; }
	done

	# HAProxy: round robin over the nodes, each checked on /api/v1/health; live
	# event streams stay open (timeout tunnel) and pass unbuffered.
	cat >"$dir/haproxy.cfg" <<EOF
global
	maxconn 4000
	pidfile $dir/haproxy.pid

defaults
	mode http
	timeout connect 2s
	timeout client 60s
	timeout server 60s
	timeout tunnel 1h
	option forwardfor

frontend banyan
	bind 127.0.0.1:$base
	default_backend nodes

backend nodes
	balance roundrobin
	# A request whose node is gone (killed, not yet seen by the checks) goes to another.
	option redispatch
	retries 2
	option httpchk GET /api/v1/health
	default-server inter 1s fall 2 rise 1
EOF
	for n in $NODES; do
		echo "	server node$n 127.0.0.1:$((base + n)) check" >>"$dir/haproxy.cfg"
	done
	haproxy -f "$dir/haproxy.cfg" -D
	wait_for 100 healthy "$base" || { echo "cluster.sh: HAProxy did not come up" >&2; exit 1; }
	echo "cluster up: http://127.0.0.1:$base/ (nodes on $((base + 1))-$((base + 3))), database in $dir"
}

status() {
	[ -f "$dir/cluster.env" ] || { echo "cluster.sh: no cluster in $dir" >&2; exit 1; }
	SOCKETS=$(envget SOCKETS)
	PRIMARY_PORT=$(envget PRIMARY_PORT)
	PROXY_PORT=$(envget PROXY_PORT)
	rc=0
	for part in primary standby; do
		if $as "$pgbin/pg_ctl" status -D "$dir/$part" >/dev/null 2>&1; then
			echo "$part: running"
		else
			echo "$part: stopped"
			rc=1
		fi
	done
	psql -X -qAt -h "$SOCKETS" -p "$PRIMARY_PORT" -U banyan -d postgres -F ' ' \
		-c "SELECT 'replication:', application_name, state, sync_state FROM pg_stat_replication" 2>/dev/null || true
	for n in $NODES; do
		port=$(envget "NODE${n}_PORT")
		if alive "$dir/node$n.pid" && healthy "$port"; then
			echo "node$n: serving on 127.0.0.1:$port (pid $(cat "$dir/node$n.pid"))"
		else
			echo "node$n: down"
			rc=1
		fi
	done
	# Which node does each background duty (cluster.c): the holders of the duties' advisory locks.
	psql -X -qAt -d "$(envget NODES_DB)" -F ' ' -c \
		"SELECT 'duty', CASE l.objid::bigint - 2169817985 WHEN 0 THEN 'desk' WHEN 1 THEN 'vouchers' WHEN 2 THEN 'nonces' END,
		        'on', a.application_name
		   FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		  WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 23043 AND l.objid::bigint > 2169817984 ORDER BY 2" 2>/dev/null || true
	if alive "$dir/haproxy.pid" && healthy "$PROXY_PORT"; then
		echo "haproxy: balancing on 127.0.0.1:$PROXY_PORT"
	else
		echo "haproxy: down"
		rc=1
	fi
	return $rc
}

# The primary lost as in a crash (no shutdown checkpoint), the standby made the primary.  With
# synchronous replication every acknowledged commit is already on the standby's disk.  The nodes'
# URL names both servers (target_session_attrs=read-write): connections made from now on reach it.
# The new primary inherited synchronous_standby_names from the old one's copy, and has no standby:
# every commit would wait for one forever.  It is cleared, so the service goes on with commits on
# one machine's disk until a new standby is attached (then name it again: docs/operations.md).
promote() {
	[ -f "$dir/cluster.env" ] || { echo "cluster.sh: no cluster in $dir" >&2; exit 1; }
	$as "$pgbin/pg_ctl" stop -D "$dir/primary" -m immediate >/dev/null
	$as "$pgbin/pg_ctl" promote -w -D "$dir/standby" >/dev/null
	psql -X -qAt -h "$(envget SOCKETS)" -p "$(envget STANDBY_PORT)" -U banyan -d postgres \
		-c "ALTER SYSTEM SET synchronous_standby_names = ''" -c "SELECT pg_reload_conf()" >/dev/null
	echo "the standby is the primary now (commits on its disk alone until a new standby is attached)"
}

stop() {
	[ -d "$dir" ] || return 0
	for f in "$dir"/node*.pid "$dir/haproxy.pid"; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
	done
	# A node finishes its requests within 10 s of SIGTERM; then it is killed.
	for f in "$dir"/node*.pid "$dir/haproxy.pid"; do
		if [ -f "$f" ]; then
			wait_for 120 sh -c "! kill -0 $(cat "$f") 2>/dev/null" || kill -9 "$(cat "$f")" 2>/dev/null || true
			rm -f "$f"
		fi
	done
	for part in standby primary; do
		[ -d "$dir/$part" ] && $as "$pgbin/pg_ctl" stop -w -D "$dir/$part" -m fast >/dev/null 2>&1 || true
	done
	rm -f "$dir/cluster.env"
}

case "$cmd" in
start) start "${3:-}" ;;
status) status ;;
promote) promote ;;
stop) stop ;;
*) usage ;;
esac
