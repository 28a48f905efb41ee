#!/usr/bin/env bash
# Major projects (issue #5) at city scale, in one run: 100,000 projects over the
# 13 districts in every stage, 20 approval items each (2,000,000; the 17 of
# Fuzhou's catalogue and 3 more), in every status, with red and yellow lights;
# then the project list with lights and the statistics under load, with wrk's
# latency percentiles, as the city administrator, a district officer and a
# district department (the list only: statistics are not for departments).  Target: p99 < 100 ms.
# Usage: bench/projects.sh BUILD_DIR
# Knobs: PROJECTS_N (100000), PROJECTS_SECONDS (8), PROJECTS_CONNECTIONS (4),
#        PROJECTS_ONLY (a regular expression: run only the endpoints whose label matches),
#        PROJECTS_KEEP (a path: keep a copy of the loaded database there),
#        PROJECTS_FROM (a database kept so: measure it again instead of loading; lights move with the clock),
#        PROJECTS_BACKENDS ("sqlite"; "sqlite pg": the same city measured on SQLite, then copied by
#        banyan migrate into a throw-away PostgreSQL and measured there, PostgreSQL's CPU beside banyan's)
# The server listens on 127.0.0.1 only; every run is bounded in time.
set -eu
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
banyan=$(cd "$1" && pwd)/banyan
projects=${PROJECTS_N:-100000}
seconds=${PROJECTS_SECONDS:-8}
connections=${PROJECTS_CONNECTIONS:-4}
only=${PROJECTS_ONLY:-.}
backends=${PROJECTS_BACKENDS:-sqlite}
for t in wrk curl sqlite3; do command -v "$t" >/dev/null || { echo "$0: $t missing (make bench installs it)" >&2; exit 1; }; done

bench_workdir projects
db=$tmp/projects.db
port=$((20000 + RANDOM % 12000)) # below the ephemeral range

if [ -n "${PROJECTS_FROM:-}" ]; then
	echo "copying $PROJECTS_FROM ..."
	cp "$PROJECTS_FROM" "$db"
	start=$(date +%s.%N)
else
"$banyan" init --db "$db" >/dev/null
adduser() { # username role org
	echo bench-password | BANYAN_PWHASH=interactive "$banyan" user add --db "$db" --username "$1" --role "$2" --org "$3" --password-stdin >/dev/null
}
adduser admin admin 350100
adduser jinan officer 350111            # a district officer: 晋安区
adduser jinan-fgj department 350111-fgj # a district department: 晋安区发展和改革局
adduser agent1 agent 350100-tcj
adduser agent2 agent 350111-tcj
# A first start seeds the approval catalogue.
"$banyan" serve --db "$db" --listen "127.0.0.1:$port" --quiet --second-factor none 2>/dev/null & pid=$!
pids=$pid
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break; sleep 0.05; done
kill "$pid"; wait "$pid" 2>/dev/null || true; pids=

echo "generating $projects projects with 20 approval items each ..."
start=$(date +%s.%N)
# Item ids are (project - 1) * 20 + k + 1 for the k-th item of the catalogue (by sort), so
# prerequisites are arithmetic.  Each project has a "front" (its first open item), and a
# class from a hash of its id: about 12 % have a late item (red), 13 % one due within
# days (yellow), the rest are on time.
sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
INSERT INTO approval_items(code, name, department_org_id, local_suffix, limit_days, limit_hours, gate, sort)
  SELECT 'water_supply', '供水报装', id, NULL, 5, 0, 'complete', 152 FROM orgs WHERE code = '350100-zjj'
  UNION ALL SELECT 'power_supply', '供电报装', id, NULL, 7, 0, 'complete', 154 FROM orgs WHERE code = '350100-gxj'
  UNION ALL SELECT 'archives_acceptance', '城建档案验收', id, NULL, 5, 0, 'complete', 145 FROM orgs WHERE code = '350100-zjj';
INSERT INTO approval_prereqs VALUES ('water_supply', 'construction_permit'), ('power_supply', 'construction_permit'),
  ('archives_acceptance', 'fire_acceptance'), ('completion_filing', 'archives_acceptance');
CREATE TEMP TABLE vars AS SELECT CAST((strftime('%s', 'now') + 28800) / 86400 AS INTEGER) AS today, CAST(strftime('%s', 'now') AS INTEGER) AS now;
CREATE TEMP TABLE cat AS SELECT row_number() OVER (ORDER BY sort) - 1 AS k, code, department_org_id AS dept, local_suffix AS suffix,
  limit_days AS days, limit_hours AS hours, CASE gate WHEN 'start' THEN 0 WHEN 'structure' THEN 1 WHEN 'complete' THEN 2 ELSE 3 END AS g
  FROM approval_items WHERE active = 1;
CREATE TEMP TABLE ds AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, code FROM orgs WHERE kind = 'district';
CREATE TEMP TABLE dd AS SELECT ds.id AS district, cat.k AS k, coalesce(l.id, cat.dept) AS dept FROM ds JOIN cat
  LEFT JOIN orgs l ON l.code = ds.code || '-' || cat.suffix;
INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone, created_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
  SELECT '企业' || i, printf('91350100%010d', i), ds.id, '制造', '联系人', '0591', 0 FROM n JOIN ds ON ds.k = n.i % 13;
-- stage by i % 10: 5 in approvals, 3 in construction, 1 completed, 1 operating; front: the first open item.
CREATE TEMP TABLE pj AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $projects)
  SELECT i, (i * 2654435761) % 1000 AS h,
    CASE WHEN i % 10 < 5 THEN 'approvals' WHEN i % 10 < 8 THEN 'construction' WHEN i % 10 = 8 THEN 'completed' ELSE 'operating' END AS stage,
    CASE WHEN i % 10 < 5 THEN (i * 7) % 12 WHEN i % 10 < 8 THEN 12 + (i % 2) WHEN i % 10 = 8 THEN 18 ELSE 20 END AS front
  FROM n;
INSERT INTO projects(id, code, name, enterprise_id, district_org_id, industry, investment_wan, level, agent_id, stage,
  query_code, created_on, plan_version, feasible, shortfall_days, created_at, updated_at)
  SELECT pj.i, printf('%04d-%06d-%02d-%02d-%06d', 2020 + pj.i % 6, 350100 + pj.i % 90, 10 + pj.i % 80, 1 + pj.i % 3, pj.i),
    '项目' || pj.i, e.id, e.org_id,
    CASE pj.i % 8 WHEN 0 THEN '制造' WHEN 1 THEN '数字经济' WHEN 2 THEN '新能源' WHEN 3 THEN '生物医药'
      WHEN 4 THEN '现代物流' WHEN 5 THEN '文旅' WHEN 6 THEN '城建' ELSE '农业' END,
    1000 + (pj.i * 7919) % 500000, CASE WHEN pj.i % 20 = 0 THEN 'provincial' WHEN pj.i % 4 = 1 THEN 'municipal' ELSE 'ordinary' END,
    (SELECT id FROM users WHERE username = CASE pj.i % 3 WHEN 0 THEN 'agent2' WHEN 1 THEN 'agent1' ELSE 'jinan' END),
    pj.stage, printf('Q%07d', pj.i), vars.today - 60 - pj.i % 700, 1, 1, 0, vars.now, vars.now
  FROM pj JOIN vars JOIN enterprises e ON e.id = 1 + pj.i % 20000;
INSERT INTO project_items(id, project_id, item_code, district_org_id, department_org_id, limit_days, limit_hours, status,
  latest_start, latest_finish, earliest_finish, critical, accepted_at, clock_from, due_at, done_at, working_days, on_time, red_at, yellow_at)
  SELECT (x.i - 1) * 20 + x.k + 1, x.i, x.code, p.district_org_id, dd.dept, x.days, x.hours, x.status,
    x.lf - x.days - 2, x.lf, x.lf - 3, x.k = x.front,
    CASE WHEN x.status <> 'pending' THEN x.now - 86400 * (5 + (x.h + x.k) % 30) END,
    CASE WHEN x.status IN ('accepted', 'returned') THEN x.now - 86400 * (2 + x.h % 5) END,
    CASE WHEN x.status = 'accepted' THEN x.now + 86400 * (x.days + 1 - x.h % 6) END,
    CASE WHEN x.status = 'done' THEN x.now - 86400 * (30 + (x.h + x.k) % 300) END,
    CASE WHEN x.status = 'done' THEN x.days * (60 + (x.h * 7 + x.k * 13) % 70) / 100 END,
    CASE WHEN x.status = 'done' THEN x.days * (60 + (x.h * 7 + x.k * 13) % 70) / 100 <= x.days END,
    CASE WHEN x.status NOT IN ('done', 'refused') THEN (x.lf + 1) * 86400 - 28800 END,
    CASE WHEN x.status NOT IN ('done', 'refused') THEN (x.lf - 3) * 86400 - 28800 END
  FROM (SELECT pj.i, pj.h, pj.front, cat.k, cat.code, cat.days, cat.hours, vars.now,
      CASE WHEN cat.k < pj.front THEN 'done'
        WHEN cat.k = pj.front THEN CASE WHEN pj.i % 7 = 0 THEN 'returned' ELSE 'accepted' END
        WHEN cat.k = pj.front + 1 AND pj.i % 3 = 0 THEN 'accepted'
        WHEN cat.k = pj.front + 2 AND pj.i % 97 = 0 THEN 'refused'
        ELSE 'pending' END AS status,
      CASE WHEN cat.k = pj.front AND pj.h % 100 < 12 THEN vars.today - 1 - pj.h % 20
        WHEN cat.k = pj.front AND pj.h % 100 < 25 THEN vars.today + 1 + pj.h % 2
        ELSE vars.today + 10 + 6 * (cat.k - pj.front) + pj.h % 40 END AS lf
    FROM pj JOIN cat JOIN vars) x
  JOIN projects p ON p.id = x.i JOIN dd ON dd.district = p.district_org_id AND dd.k = x.k
  ORDER BY x.i, x.k;
INSERT INTO project_item_prereqs(item_id, requires_id)
  SELECT (pj.i - 1) * 20 + a.k + 1, (pj.i - 1) * 20 + b.k + 1 FROM pj JOIN approval_prereqs r
  JOIN cat a ON a.code = r.item JOIN cat b ON b.code = r.requires ORDER BY 1, 2;
-- A project is as late as its latest open item.
UPDATE projects SET red_at = (SELECT min(red_at) FROM project_items WHERE project_id = projects.id),
  yellow_at = (SELECT min(yellow_at) FROM project_items WHERE project_id = projects.id);
UPDATE projects SET feasible = 0, shortfall_days = 1 + id % 20 WHERE red_at <= (SELECT now FROM vars);
INSERT INTO project_milestones(project_id, kind, target, actual)
  SELECT p.id, m.kind, p.created_on + m.days, CASE WHEN pj.front >= m.front THEN p.created_on + m.days - pj.h % 20 END
  FROM pj JOIN projects p ON p.id = pj.i
  JOIN (SELECT 'start' AS kind, 150 AS days, 12 AS front UNION ALL SELECT 'structure', 400, 13
    UNION ALL SELECT 'complete', 700, 18 UNION ALL SELECT 'produce', 760, 20) m;
-- Problems raised on one project in ten, about all kinds of things.
INSERT INTO problems(enterprise_id, category, title, description, project_ref, raised_by, district_org_id, department_org_id,
  status, accept_due, answer_due, solve_due, created_at, updated_at)
  SELECT p.enterprise_id, c.code, '项目问题' || p.id, '描述', p.code, 1, p.district_org_id, dd.dept,
    CASE p.id % 4 WHEN 0 THEN 'submitted' WHEN 1 THEN 'in_progress' ELSE 'closed' END,
    vars.now, vars.now + 86400 * 5, vars.now + 86400 * 15, vars.now - 86400 * (p.id % 300), vars.now
  FROM projects p JOIN vars JOIN dd ON dd.district = p.district_org_id AND dd.k = p.id % 20
  JOIN (SELECT row_number() OVER (ORDER BY sort) - 1 AS k, code FROM problem_categories) c ON c.k = p.id % 7
  WHERE p.id % 10 = 3;
SQL
fi
load=$(printf %.1f "$(echo "$(date +%s.%N) - $start" | bc)")
loaded="loaded in $load s"
[ -n "${PROJECTS_FROM:-}" ] && loaded="copied from $PROJECTS_FROM"
sizes=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM project_items),
  (SELECT count(*) FROM project_item_prereqs), (SELECT count(*) FROM problems WHERE project_ref IS NOT NULL),
  (SELECT sum(red_at <= strftime('%s', 'now')) FROM projects),
  (SELECT sum(yellow_at <= strftime('%s', 'now') AND NOT coalesce(red_at <= strftime('%s', 'now'), 0)) FROM projects)" | tr '|' ' ')
read -r n_projects n_items n_prereqs n_problems n_red n_yellow <<<"$sizes"
echo "  $loaded: $n_projects projects ($n_red red, $n_yellow yellow now), $n_items approval items," \
	"$n_prereqs prerequisites, $n_problems problems on projects; database $(du -m "$db" | cut -f1) MB"
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
[ -n "${PROJECTS_KEEP:-}" ] && cp "$db" "$PROJECTS_KEEP"

cookie() { # username -> the session cookie
	curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"bench-password\"}" "http://127.0.0.1:$port/api/v1/session" |
		sed -n 's/^Set-Cookie: \(banyan_session=[0-9a-f]*\).*/\1/p'
}
results=$tmp/results
measure() { # label cookie path
	echo "$1" | grep -Eq -- "$only" || return 0
	local out rps p50 p99 status bytes cpu0 cpu1 pg0 pg1 n cpu pgcpu=""
	# One request first: its status and size, and the page cache warmed as a user would.
	read -r status bytes < <(curl -s -o /dev/null -w '%{http_code} %{size_download}\n' -H "Cookie: $2" "http://127.0.0.1:$port$3")
	cpu0=$(cpu_ticks "$pid")
	[ -z "$pg_pid" ] || pg0=$(cpu_ticks "$pg_pid")
	out=$(timeout $((seconds + 30)) wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency -H "Cookie: $2" "http://127.0.0.1:$port$3")
	cpu1=$(cpu_ticks "$pid")
	[ -z "$pg_pid" ] || pg1=$(cpu_ticks "$pg_pid")
	# The server's CPU time (user + system) per request: steadier than latency on a shared machine.
	n=$(echo "$out" | awk '/requests in/ {print $1}')
	cpu=$(ms_per "$cpu0" "$cpu1" "$n")
	[ -z "$pg_pid" ] || pgcpu=" + PostgreSQL $(ms_per "$pg0" "$pg1" "$n")"
	rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
	echo "$out" | grep -q 'Non-2xx' && status="$status+non-2xx"
	# wrk counts only the requests that finished within the run.
	[ "$n" = 0 ] && p50="none" p99="> ${seconds}s"
	printf '%-44s %9s req/s   p50 %9s   p99 %9s   cpu %6s%s ms/req   (%s, %s bytes)\n' "$backend: $1" "$rps" "$p50" "$p99" \
		"$cpu" "$pgcpu" "$status" "$bytes" | tee -a "$results"
}
# ms_per TICKS0 TICKS1 N: CPU ms per request
ms_per() { awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.2f", (b - a) * 1000 / hz / n; else printf "-" }'; }
: >"$results"
for backend in $backends; do
	bench_serve "$backend" "$db"
	admin=$(cookie admin)
	officer=$(cookie jinan)
	dept=$(cookie jinan-fgj)
	echo "== measuring on $backend: wrk -t2 -c$connections -d${seconds}s per endpoint"
	measure "list, admin" "$admin" "/api/v1/projects"
	measure "list, admin ?light=red" "$admin" "/api/v1/projects?light=red"
	measure "list, admin ?light=yellow" "$admin" "/api/v1/projects?light=yellow"
	measure "list, admin ?light=green" "$admin" "/api/v1/projects?light=green"
	measure "list, admin ?district=350111" "$admin" "/api/v1/projects?district=350111"
	measure "list, admin ?district=350111&light=red" "$admin" "/api/v1/projects?district=350111&light=red"
	measure "list, admin ?level=provincial&stage=approvals" "$admin" "/api/v1/projects?level=provincial&stage=approvals"
	measure "list, district officer" "$officer" "/api/v1/projects"
	measure "list, district officer ?light=red" "$officer" "/api/v1/projects?light=red"
	measure "list, district officer ?light=yellow" "$officer" "/api/v1/projects?light=yellow"
	measure "list, district department" "$dept" "/api/v1/projects"
	measure "list, district department ?light=red" "$dept" "/api/v1/projects?light=red"
	for by in district department level; do
		measure "stats by $by, admin" "$admin" "/api/v1/projects/stats?by=$by"
		measure "stats by $by, district officer" "$officer" "/api/v1/projects/stats?by=$by"
	done
	measure "analysis, admin" "$admin" "/api/v1/projects/analysis"
	measure "analysis, district officer" "$officer" "/api/v1/projects/analysis"
	kill "$pid"; wait "$pid" 2>/dev/null || true; pids=
	bench_postgres_stop
done

echo
echo "== results: $n_projects projects, $n_items approval items ($n_red red, $n_yellow yellow), $loaded;"
echo "   wrk -t2 -c$connections -d${seconds}s, 2 cores shared with wrk; target p99 < 100 ms"
cat "$results"
