#!/usr/bin/env bash
# The problem desk at city scale, in one run: 1,000,000 problems (20,000
# enterprises across the 13 districts, every category and state), then the
# inbox, the list (overdue first, and overdue only) and the statistics under
# load, with wrk's latency percentiles.
# Target: p99 < 100 ms for both.
# Usage: bench/desk.sh BUILD_DIR     Knobs: DESK_PROBLEMS (1000000), DESK_SECONDS (10),
#   DESK_BACKENDS ("sqlite"; "sqlite pg": the same city measured on SQLite, then
#   copied by banyan migrate into a throw-away PostgreSQL and measured there)
# The server listens on 127.0.0.1 only; every run is bounded in time.
set -eu
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
banyan=$(cd "$1" && pwd)/banyan
problems=${DESK_PROBLEMS:-1000000}
seconds=${DESK_SECONDS:-10}
backends=${DESK_BACKENDS:-sqlite}
for t in wrk curl sqlite3; do command -v "$t" >/dev/null || { echo "$0: $t missing (make bench installs it)" >&2; exit 1; }; done

bench_workdir desk
db=$tmp/desk.db
port=$((20000 + RANDOM % 12000)) # below the ephemeral range

"$banyan" init --db "$db" >/dev/null
echo bench-password | BANYAN_PWHASH=interactive "$banyan" user add --db "$db" --username admin --role admin --org 350100 --password-stdin >/dev/null
echo bench-password | BANYAN_PWHASH=interactive "$banyan" user add --db "$db" --username rsj --role department --org 350111-rsj --password-stdin >/dev/null
# A first start seeds the routing rules.
"$banyan" serve --db "$db" --listen "127.0.0.1:$port" --quiet --second-factor none 2>/dev/null & pid=$!
pids=$pid
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break; sleep 0.05; done
kill "$pid"; wait "$pid" 2>/dev/null || true; pids=

echo "generating $problems problems ..."
start=$(date +%s.%N)
sqlite3 "$db" <<SQL
CREATE TEMP TABLE ds AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM orgs WHERE kind = 'district';
CREATE TEMP TABLE cs AS SELECT row_number() OVER (ORDER BY sort) - 1 AS k, code FROM problem_categories;
CREATE TEMP TABLE rs AS SELECT district_org_id AS d, row_number() OVER (PARTITION BY district_org_id ORDER BY id) - 1 AS k,
  department_org_id AS g FROM problem_routes WHERE district_org_id IS NOT NULL;
INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone, created_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
  SELECT '企业' || i, printf('91350100%010d', i), ds.id, '制造', '联系人', '0591', 0 FROM n JOIN ds ON ds.k = n.i % 13;
INSERT INTO problems(enterprise_id, category, title, description, raised_by, district_org_id, department_org_id, status,
  escalation, accept_due, answer_due, solve_due, accepted_at, answered_at, closed_at, rating, created_at, updated_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $problems)
  SELECT e.id, cs.code, '问题' || i, '描述', 1, e.org_id, rs.g,
    CASE i % 5 WHEN 0 THEN 'submitted' WHEN 1 THEN 'accepted' WHEN 2 THEN 'in_progress' WHEN 3 THEN 'answered' ELSE 'closed' END,
    i % 3 = 0, strftime('%s', 'now') - 86400 * (i % 400) + 86400, strftime('%s', 'now') - 86400 * (i % 400) + 5 * 86400,
    strftime('%s', 'now') - 86400 * (i % 400) + 15 * 86400,
    CASE WHEN i % 5 > 0 THEN strftime('%s', 'now') - 86400 * (i % 400) + 3600 * (1 + i % 30) END,
    CASE WHEN i % 5 > 2 THEN strftime('%s', 'now') - 86400 * (i % 400) + 86400 * (1 + i % 9) END,
    CASE WHEN i % 5 = 4 THEN strftime('%s', 'now') - 86400 * (i % 400) + 86400 * (2 + i % 20) END,
    CASE WHEN i % 5 = 4 THEN 1 + i % 5 END, strftime('%s', 'now') - 86400 * (i % 400), strftime('%s', 'now') - 86400 * (i % 400)
  FROM n JOIN enterprises e ON e.id = 1 + n.i % 20000 JOIN cs ON cs.k = n.i % 7 JOIN rs ON rs.d = e.org_id AND rs.k = n.i % 5;
SQL
echo "  done in $(echo "$(date +%s.%N) - $start" | bc) s: $(sqlite3 "$db" 'SELECT count(*) FROM problems') problems"

cookie() { # username -> the session cookie
	curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"bench-password\"}" "http://127.0.0.1:$port/api/v1/session" |
		sed -n 's/^Set-Cookie: \(banyan_session=[0-9a-f]*\).*/\1/p'
}
measure() { # label cookie path
	local out
	out=$(timeout $((seconds + 20)) wrk -t2 -c10 -d"${seconds}s" --latency -H "Cookie: $2" "http://127.0.0.1:$port$3")
	local rps p50 p99
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
	printf '%-34s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99"
}

for backend in $backends; do
	bench_serve "$backend" "$db"
	admin=$(cookie admin)
	rsj=$(cookie rsj)
	# Statistics come from the background snapshot once it is built (about 10 s for a million).
	echo "waiting for the statistics snapshot ..."
	for _ in $(seq 600); do
		curl -fs -H "Cookie: $admin" "http://127.0.0.1:$port/api/v1/problems/stats" | grep -q '"as_of"' && break
		sleep 0.5
	done
	echo "== $backend: $problems problems, wrk -t2 -c10 -d${seconds}s, 2 cores shared with wrk; target p99 < 100 ms"
	measure "inbox (city admin)" "$admin" "/api/v1/problems?waiting=1"
	measure "inbox (district department)" "$rsj" "/api/v1/problems?waiting=1"
	measure "list, overdue first (city admin)" "$admin" "/api/v1/problems"
	measure "list, overdue only (city admin)" "$admin" "/api/v1/problems?overdue=1"
	measure "list, overdue first (district dept)" "$rsj" "/api/v1/problems"
	measure "statistics (city admin)" "$admin" "/api/v1/problems/stats"
	measure "statistics (district department)" "$rsj" "/api/v1/problems/stats"
	measure "statistics, live (date range)" "$admin" "/api/v1/problems/stats?from=2000-01-01"
	kill "$pid"; wait "$pid" 2>/dev/null || true; pids=
	bench_postgres_stop
done
