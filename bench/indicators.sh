#!/usr/bin/env bash
# Economic indicators (issue #14) in one run, on the demo database with, added:
# 30 more monthly indicators with 24 months (2019–2020) of figures for the city
# and its 13 county-level units, a composite ranking of eight of them, 100,000
# major projects in the 13 districts with red, yellow and green lights (as
# bench/projects.sh makes them, without the approval items the screen does not
# read) and 10,000 problems, some overdue.  Then, with wrk's latency
# percentiles, as the city's leader: the ranking (13 units, 24 periods of
# streaks), the September 2020 bulletin (every indicator's table ranked by
# district: 13 units × 37 indicators × 24 periods), every card group of the
# leaders' screen, and the plain health request beside them.
# Targets: the ranking and the bulletin p99 < 200 ms; the screen's p99 < 100 ms.
# Usage: bench/indicators.sh BUILD_DIR
# Knobs: INDICATORS_PROJECTS (100000), INDICATORS_SECONDS (5), INDICATORS_CONNECTIONS (2)
# The server listens on 127.0.0.1 only; every run is bounded in time.
set -eu
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
banyan=$(cd "$1" && pwd)/banyan
projects=${INDICATORS_PROJECTS:-100000}
seconds=${INDICATORS_SECONDS:-5}
connections=${INDICATORS_CONNECTIONS:-2}
for t in wrk curl sqlite3; do command -v "$t" >/dev/null || { echo "$0: $t missing (make bench installs it)" >&2; exit 1; }; done
. "$(dirname "$0")/lib.sh"
bench_workdir indicators
db=$tmp/demo.db
port=$(free_port)
up() { # wait for the server's health
	for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/health" && return; sleep 0.1; done
	echo "$0: the server did not start" >&2
	exit 1
}

echo "creating the demo database ..."
BANYAN_PWHASH=interactive "$banyan" demo --db "$db" --listen "127.0.0.1:$port" >/dev/null 2>&1 & demo=$!
pids="$demo"
up
kill "$demo"
wait "$demo" 2>/dev/null || true

echo "adding 30 indicators × 14 units × 24 months, $projects projects and 10,000 problems ..."
start=$(date +%s.%N)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA synchronous = OFF;
CREATE TEMP TABLE vars AS SELECT CAST(strftime('%s', 'now') AS INTEGER) AS now;
CREATE TEMP TABLE n AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < $projects) SELECT i FROM r;
INSERT INTO indicators(code, name, unit, decimals, period_kind, yoy, source, additive, position)
  SELECT printf('b%02d', i), '基准指标' || i, '亿元', 4, 'month', 1, 'entered', 1, 200 + i FROM n WHERE i <= 30;
INSERT INTO indicator_values(indicator_id, unit, period, value, entered_by, entered_at)
  SELECT x.id, o.code, printf('%04d-%02d', 2019 + (m.i - 1) / 12, 1 + (m.i - 1) % 12),
    100000 + ((x.id * 131 + CAST(o.code AS INTEGER) % 1000 * 17 + m.i * 7919) % 5000) * 10, 1, 0
  FROM indicators x JOIN orgs o ON o.kind IN ('city', 'district') JOIN n m ON m.i <= 24 WHERE x.code LIKE 'b__';
INSERT INTO rankings(code, name, unit_set, basis, span, tie_break, created_at)
  VALUES ('bench-composite', '基准综合排名', 'districts', 'growth', 'ytd', 'shared', 0);
INSERT INTO ranking_terms(ranking_id, indicator_id, weight, higher_better, position)
  SELECT r.id, x.id, 10, 1, x.position FROM rankings r JOIN indicators x ON x.code BETWEEN 'b01' AND 'b08'
  WHERE r.code = 'bench-composite';
-- Projects: about 12 % red (a late item), 13 % yellow, the rest green, spread over the districts.
CREATE TEMP TABLE ds AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM orgs WHERE kind = 'district';
INSERT INTO projects(code, name, enterprise_id, district_org_id, industry, investment_wan, level, agent_id, stage,
  query_code, created_on, plan_version, feasible, shortfall_days, red_at, yellow_at, created_at, updated_at)
  SELECT printf('BENCH-%07d', n.i), '项目' || n.i, (SELECT min(id) FROM enterprises), ds.id,
    CASE n.i % 4 WHEN 0 THEN '制造' WHEN 1 THEN '数字经济' WHEN 2 THEN '新能源' ELSE '现代物流' END,
    1000 + (n.i * 7919) % 500000, CASE WHEN n.i % 20 = 0 THEN 'provincial' WHEN n.i % 4 = 1 THEN 'municipal' ELSE 'ordinary' END,
    (SELECT min(id) FROM users WHERE role = 'agent'),
    CASE WHEN n.i % 10 < 5 THEN 'approvals' WHEN n.i % 10 < 8 THEN 'construction' WHEN n.i % 10 = 8 THEN 'completed' ELSE 'operating' END,
    printf('Q%07d', n.i), 18000, 1, 1, 0,
    CASE WHEN (n.i * 2654435761) % 1000 < 120 THEN v.now - 86400 * (1 + n.i % 30) ELSE v.now + 86400 * 20 END,
    CASE WHEN (n.i * 2654435761) % 1000 < 250 THEN v.now - 3600 ELSE v.now + 86400 * 10 END, v.now, v.now
  FROM n JOIN vars v JOIN ds ON ds.k = n.i % 13;
-- Problems: the city's departments hold them, a fifth in each state, the open ones half past their dates.
CREATE TEMP TABLE dp AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM orgs
  WHERE kind = 'department' AND parent_id = (SELECT id FROM orgs WHERE kind = 'city');
INSERT INTO problems(enterprise_id, category, title, description, raised_by, district_org_id, department_org_id, status,
  accept_due, answer_due, solve_due, created_at, updated_at)
  SELECT (SELECT min(id) FROM enterprises), (SELECT min(code) FROM problem_categories), '问题' || n.i, '描述',
    (SELECT min(id) FROM users), ds.id, dp.id,
    CASE n.i % 5 WHEN 0 THEN 'submitted' WHEN 1 THEN 'accepted' WHEN 2 THEN 'in_progress' WHEN 3 THEN 'answered' ELSE 'closed' END,
    v.now + 86400 * (n.i % 2 * 2 - 1), v.now + 86400 * (n.i % 2 * 4 - 1), v.now + 86400 * 10, v.now - 86400 * 3, v.now
  FROM n JOIN vars v JOIN ds ON ds.k = n.i % 13 JOIN dp ON dp.k = n.i % (SELECT count(*) FROM dp) WHERE n.i <= 10000;
SQL
load=$(printf %.1f "$(echo "$(date +%s.%N) - $start" | bc)")
sizes=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM indicator_values), (SELECT count(*) FROM projects), (SELECT count(*) FROM problems)")
IFS='|' read -r n_values n_projects n_problems <<<"$sizes"
echo "  loaded in $load s: $n_values indicator values, $n_projects projects, $n_problems problems"
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null

"$banyan" serve --db "$db" --listen "127.0.0.1:$port" --quiet --second-factor none 2>"$tmp/serve.log" & pid=$!
pids="$pids $pid"
up
leader=$(curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"city-leader","password":"banyan-demo-2020"}' "http://127.0.0.1:$port/api/v1/session" |
	sed -n 's/^Set-Cookie: \(banyan_session=[0-9a-f]*\).*/\1/p')

results=$tmp/results
: >"$results"
measure() { # label path
	local out status bytes p50 p99 rps alone
	read -r status bytes < <(curl -s -o /dev/null -w '%{http_code} %{size_download}\n' -H "Cookie: $leader" "http://127.0.0.1:$port$2")
	# One at a time first: the median of 11 requests alone, steadier than wrk's tail on a shared machine.
	alone=$(for _ in $(seq 11); do
		curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $leader" "http://127.0.0.1:$port$2"
	done | awk '{ print $1 * 1000 }' | median %.2f)
	out=$(timeout $((seconds + 30)) wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s --latency -H "Cookie: $leader" "http://127.0.0.1:$port$2")
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
	echo "$out" | grep -q 'Non-2xx' && status="$status+non-2xx"
	printf '%-34s alone %7s ms   %9s req/s   p50 %8s ms   p99 %8s ms   (%s, %s bytes)\n' "$1" "$alone" "$rps" \
		"$(to_ms "$p50")" "$(to_ms "$p99")" "$status" "$bytes" | tee -a "$results"
}
echo "== measuring: 11 requests one at a time (median), then wrk -t1 -c$connections -d${seconds}s, as the city's leader"
measure "health" "/api/v1/health"
measure "ranking bench-composite (8 terms)" "/api/v1/indicators/rankings/bench-composite?period=2020-09"
measure "ranking districts-composite" "/api/v1/indicators/rankings/districts-composite?period=2020-09"
measure "bulletin preview 2020-09" "/api/v1/indicators/bulletins/preview?period=2020-09"
for group in indicators redblack projects problems invest money green; do
	measure "screen $group" "/api/v1/indicators/screen/$group"
done

echo
echo "== results: $n_values indicator values, $n_projects projects, $n_problems problems;"
echo "   alone: median of 11 requests one at a time; wrk -t1 -c$connections -d${seconds}s, 2 cores shared with wrk;"
echo "   load average when done: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   targets p99: ranking and bulletin < 200 ms, screen < 100 ms"
cat "$results"
