#!/bin/sh
# Run a command beside a throw-away PostgreSQL cluster of its own: initdb in a
# temporary directory, the server on a Unix socket there (no TCP port, no
# system service), the database's URL in BANYAN_TEST_PG; stopped and removed
# after, whatever the command did.  PostgreSQL refuses to run as root: as
# root the cluster belongs to the postgres user that Debian's package made.
#   tests/with_postgres.sh COMMAND [ARGS...]
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
	echo "Bail out! PostgreSQL's server is not installed (scripts/deps.sh --test installs it)"
	exit 1
fi
dir=$(mktemp -d /tmp/banyan-pg-XXXXXX)
as=""
if [ "$(id -u)" -eq 0 ]; then
	chown postgres "$dir"
	as="runuser -u postgres --"
fi
stop() {
	$as "$bin/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 1' INT TERM
$as "$bin/initdb" -D "$dir/data" -U banyan --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
	{ echo "Bail out! initdb failed:"; sed 's/^/# /' "$dir/initdb.log"; exit 1; }
# fsync off: a test cluster is thrown away, and the tests kill banyan, not PostgreSQL.
opts="-k $dir -c listen_addresses='' -c fsync=off -c max_connections=200"
$as "$bin/pg_ctl" start -w -D "$dir/data" -l "$dir/server.log" -o "$opts" >/dev/null ||
	{ echo "Bail out! PostgreSQL did not start:"; sed 's/^/# /' "$dir/server.log"; exit 1; }
"$bin/createdb" -h "$dir" -U banyan banyan
BANYAN_TEST_PG="postgresql:///banyan?host=$dir&user=banyan"
BANYAN_TEST_PG_HOST=$dir
# Shell commands that stop the cluster and start it again under a running test (a server restart).
BANYAN_TEST_PG_STOP="$as $bin/pg_ctl stop -w -D $dir/data -m fast >/dev/null"
BANYAN_TEST_PG_START="$as $bin/pg_ctl start -w -D $dir/data -l $dir/server.log -o \"$opts\" >/dev/null"
export BANYAN_TEST_PG BANYAN_TEST_PG_HOST BANYAN_TEST_PG_STOP BANYAN_TEST_PG_START
"$@"
