#!/usr/bin/env bash
# The two-thirds figures (issue #15) for the whole city, in one run: 20,000
# officials across every organisation of the tree, 5,000 of them linked to
# users with on-site investment visits, and a year (2025) of frontline
# entries, about 45 % of days each on average, one in ten unconfirmed.  Then
# GET /api/v1/cadres/frontline?org=350100 over the year, timed with curl,
# beside a plain count(*) over the same records (sqlite3) in the same run.
# Target: under 1 s.
# Usage: bench/cadres.sh BUILD_DIR      Knobs: CADRES_OFFICIALS (20000), CADRES_RUNS (5),
#        CADRES_KEEP (a path: keep a copy of the loaded database there),
#        CADRES_FROM (a database kept so: measure it again instead of loading)
# The server listens on 127.0.0.1 only.
set -eu
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
banyan=$(cd "$1" && pwd)/banyan
officials=${CADRES_OFFICIALS:-20000}
runs=${CADRES_RUNS:-5}
for t in curl sqlite3; do command -v "$t" >/dev/null || { echo "$0: $t missing" >&2; exit 1; }; done
. "$(dirname "$0")/lib.sh"
bench_workdir cadres
db=$tmp/cadres.db
port=$(free_port)

if [ -n "${CADRES_FROM:-}" ]; then
	cp "$CADRES_FROM" "$db"
else
"$banyan" init --db "$db" >/dev/null
echo bench-password | BANYAN_PWHASH=interactive "$banyan" user add --db "$db" --username zzb --role department \
	--org 350100-zzb --password-stdin >/dev/null

echo "generating $officials officials and a year of frontline records ..."
start=$(date +%s.%N)
# Days are day numbers: 2025-01-01 is 20089.  Official i is at the front line on day d when
# (7d + i) % 10 < i % 10, so officials range from never to 90 % of days.
sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
CREATE TEMP TABLE os AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM orgs;
INSERT INTO users(username, display_name, role, org_id, password_hash, created_at, updated_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $officials / 4)
  SELECT 'official' || i, '干部' || i, 'officer', (SELECT id FROM orgs WHERE code = '350111-tcj'), '-', 0, 0 FROM n;
INSERT INTO officials(name, post, org_id, leading_group, user_id, created_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $officials)
  SELECT '干部' || i, '科员', os.id, i % 8 = 0, (SELECT id FROM users WHERE username = 'official' || i), 0
  FROM n JOIN os ON os.k = n.i % (SELECT count(*) FROM os);
INSERT INTO central_tasks(name, kind, starts_on, ends_on, owner_id, org_id, created_at)
  SELECT '全年专项行动', 'special_action', 20089, 20453, id, org_id, 0 FROM users WHERE username = 'zzb';
INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone, created_at)
  SELECT '企业', '91350100MA00000001', id, '制造', '联系人', '0591', 0 FROM orgs WHERE code = '350111';
INSERT INTO frontline_entries(official_id, task_id, day, halves, place, work, entered_by, created_at, confirmed_by,
  confirmed_at)
  WITH RECURSIVE d(day) AS (SELECT 20089 UNION ALL SELECT day + 1 FROM d WHERE day < 20453)
  SELECT o.id, 1, d.day, 1 + (d.day + o.id) % 3, '现场', '协调', 2, 0, CASE WHEN (d.day + o.id) % 10 THEN 1 END,
    CASE WHEN (d.day + o.id) % 10 THEN 0 END
  FROM officials o JOIN d ON (7 * d.day + o.id) % 10 < o.id % 10 WHERE o.user_id IS NULL OR o.id % 2 = 0;
INSERT INTO visits(enterprise_id, officer_id, mode, happened_on, discussed, created_at)
  WITH RECURSIVE d(day) AS (SELECT 20089 UNION ALL SELECT day + 1 FROM d WHERE day < 20453)
  SELECT 1, o.user_id, CASE WHEN d.day % 5 THEN 'onsite' ELSE 'online' END, d.day, '走访', 0
  FROM officials o JOIN d ON (7 * d.day + o.id) % 10 < o.id % 10 WHERE o.user_id IS NOT NULL AND o.id % 2 = 1;
ANALYZE;
SQL
[ -z "${CADRES_KEEP:-}" ] || cp "$db" "$CADRES_KEEP"
fi
records="SELECT count(*) FROM (SELECT day FROM frontline_entries WHERE day BETWEEN 20089 AND 20453
  UNION ALL SELECT happened_on FROM visits WHERE happened_on BETWEEN 20089 AND 20453)"
echo "  loaded in $(echo "$(date +%s.%N) - ${start:-$(date +%s.%N)}" | bc) s: $(sqlite3 "$db" 'SELECT count(*) FROM officials') officials," \
	"$(sqlite3 "$db" "$records") records"

"$banyan" serve --db "$db" --listen "127.0.0.1:$port" --quiet --second-factor none 2>"$tmp/serve.log" &
pids="$pids $!"
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break; sleep 0.05; done
cookie=$(curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"zzb","password":"bench-password"}' "http://127.0.0.1:$port/api/v1/session" |
	sed -n 's/^Set-Cookie: \(banyan_session=[0-9a-f]*\).*/\1/p')
url="http://127.0.0.1:$port/api/v1/cadres/frontline?org=350100&from=2025-01-01&to=2025-12-31"
curl -fs -H "Cookie: $cookie" "$url" >"$tmp/figures.json"
figures=$(for _ in $(seq "$runs"); do curl -fs -o /dev/null -w '%{time_total}\n' -H "Cookie: $cookie" "$url"; done |
	median %.3f)
count=$(for _ in $(seq "$runs"); do
	s=$(date +%s.%N)
	sqlite3 "$db" "$records" >/dev/null
	echo "$(date +%s.%N) - $s" | bc
done | median %.3f)
echo "== the whole city, 2025 ($runs runs, median), target under 1 s"
printf '%-58s %8s s\n' "GET /api/v1/cadres/frontline?org=350100 (the figures)" "$figures"
printf '%-58s %8s s\n' "count(*) over the same records (sqlite3, a process each)" "$count"
sed -n 's/.*"rule": *{\([^}]*\)}.*/  rule: \1/p' "$tmp/figures.json" | head -c 300
echo
