#!/bin/sh
# The cluster's own test: scripts/cluster.sh brings up a PostgreSQL primary and
# standby, three nodes and HAProxy in a temporary directory; test_cluster checks
# them; everything is stopped and removed after, whatever happened (meson's
# timeout bounds the whole; its SIGTERM runs the trap too).
#   tests/cluster/run.sh TEST_PROGRAM
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/banyan-cluster-XXXXXX)
down() {
	"$here/scripts/cluster.sh" stop "$dir" >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap down EXIT
trap 'exit 1' INT TERM
# A base port of its own for each run: 20000-29990, in steps of 10.
base=$((20000 + ($$ % 1000) * 10))
BANYAN=$BANYAN_BIN "$here/scripts/cluster.sh" start "$dir" "$base" >"$dir/start.log" 2>&1 ||
	{ echo "Bail out! the cluster did not start:"; sed 's/^/# /' "$dir/start.log"; for f in "$dir"/*.log; do echo "# == $f"; tail -n 5 "$f" | sed 's/^/# /'; done; exit 1; }
rc=0
CLUSTER_DIR=$dir CLUSTER_SH=$here/scripts/cluster.sh "$1" || rc=$?
if [ "$rc" -ne 0 ]; then
	# What the servers said, for the failure above.
	for f in "$dir"/*.log; do echo "# == $f"; tail -n 15 "$f" | sed 's/^/# /'; done
fi
exit "$rc"
