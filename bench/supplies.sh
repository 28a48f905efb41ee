#!/usr/bin/env bash
# Days of cover (issue #16) for the whole city in one run: 1,000 quarantine
# sites × 50 items × a year (2025) of daily consumption reports, about 18
# million ledger entries (one site in fifty skips a day now and then: gaps),
# after one receipt a site and item.  Then GET /api/v1/supplies/cover, stock
# on hand and days of cover of every site and item, timed with curl as the
# store sees it, beside a plain count(*) of the ledger (sqlite3) in the same
# run.  Target: under 500 ms.
# Usage: bench/supplies.sh BUILD_DIR      Knobs: SUPPLIES_SITES (1000), SUPPLIES_RUNS (5),
#        SUPPLIES_KEEP (a path: keep a copy of the loaded database there),
#        SUPPLIES_FROM (a database kept so: measure it again instead of loading)
# The server listens on 127.0.0.1 only; its clock is stopped on 31 December 2025.
set -eu
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
banyan=$(cd "$1" && pwd)/banyan
sites=${SUPPLIES_SITES:-1000}
runs=${SUPPLIES_RUNS:-5}
for t in curl sqlite3 bc; do command -v "$t" >/dev/null || { echo "$0: $t missing" >&2; exit 1; }; done
. "$(dirname "$0")/lib.sh"
bench_workdir supplies
db=$tmp/supplies.db
port=$(free_port)

if [ -n "${SUPPLIES_FROM:-}" ]; then
	cp "$SUPPLIES_FROM" "$db"
else
"$banyan" init --db "$db" >/dev/null
echo bench-password | BANYAN_PWHASH=interactive "$banyan" user add --db "$db" --username store --role department \
	--org 350100-wjw --password-stdin >/dev/null

echo "generating $sites sites × 50 items × 365 days of consumption ..."
start=$(date +%s.%N)
# Days are day numbers: 2025-01-01 is 20089, 2025-12-31 is 20453.  The ledger's
# indexes are dropped for the load and made again after it, as a bulk load does.
sqlite3 "$db" >/dev/null <<SQL
PRAGMA synchronous = OFF;
PRAGMA journal_mode = OFF;
PRAGMA cache_size = -262144;
INSERT INTO supply_items(code, name, unit, category)
  WITH RECURSIVE n(i) AS (SELECT 13 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
  SELECT 'item' || i, '物资' || i, '件', 'protection' FROM n;
CREATE TEMP TABLE ds AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM orgs WHERE kind = 'district';
INSERT INTO supply_sites(kind, name, org_id, address, capacity, created_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $sites)
  SELECT 'site', '隔离点' || i, ds.id, '地址', 100, 0 FROM n JOIN ds ON ds.k = n.i % 13;
INSERT INTO supply_receipts(number, site_id, source, party, received_on, actor_id, created_at)
  SELECT 'CG2025-' || id, id, 'purchase', '供应商', 20089, 1, 0 FROM supply_sites;
DROP INDEX supply_ledger_site;
DROP INDEX supply_ledger_consumed_once;
DROP INDEX supply_ledger_consumed;
WITH RECURSIVE d(day) AS (SELECT 20089 UNION ALL SELECT day + 1 FROM d WHERE day < 20453)
INSERT INTO supply_ledger(site_id, item_id, day, kind, quantity, actor_id, at)
  SELECT s.id, i.id, d.day, 'consume', -(1 + (s.id * 7 + i.id * 3 + d.day) % 20), 1, 0
  FROM d, supply_sites s, supply_items i WHERE (s.id * 31 + d.day) % 50 <> 0 OR s.id % 50 <> 0;
-- One receipt a site and item on 1 January: what the year used and 0 to 2,999 more (about one in a hundred red).
INSERT INTO supply_ledger(site_id, item_id, day, kind, quantity, receipt_id, actor_id, at)
  SELECT site_id, item_id, 20089, 'receipt', -sum(quantity) + (site_id * 13 + item_id * 7) % 3000, site_id, 1, 0
  FROM supply_ledger GROUP BY site_id, item_id;
CREATE INDEX supply_ledger_site ON supply_ledger(site_id, id);
CREATE UNIQUE INDEX supply_ledger_consumed_once ON supply_ledger(day, site_id, item_id) WHERE kind = 'consume';
CREATE INDEX supply_ledger_consumed ON supply_ledger(day, site_id, item_id, quantity) WHERE kind = 'consume';
INSERT INTO supply_stock(site_id, item_id, quantity)
  SELECT site_id, item_id, sum(quantity) FROM supply_ledger GROUP BY site_id, item_id;
ANALYZE;
SQL
[ -z "${SUPPLIES_KEEP:-}" ] || cp "$db" "$SUPPLIES_KEEP"
fi
echo "  loaded in $(echo "$(date +%s.%N) - ${start:-$(date +%s.%N)}" | bc) s:" \
	"$(sqlite3 "$db" "SELECT count(*) FROM supply_sites") sites, $(sqlite3 "$db" "SELECT count(*) FROM supply_stock") stock rows"

BANYAN_CLOCK=2025-12-31T20:00:00+08:00 "$banyan" serve --db "$db" --listen "127.0.0.1:$port" --quiet \
	--second-factor none 2>"$tmp/serve.log" &
pids="$pids $!"
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break; sleep 0.05; done
cookie=$(curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"store","password":"bench-password"}' "http://127.0.0.1:$port/api/v1/session" |
	sed -n 's/^Set-Cookie: \(banyan_session=[0-9a-f]*\).*/\1/p')
url="http://127.0.0.1:$port/api/v1/supplies/cover"
curl -fs -H "Cookie: $cookie" "$url" >"$tmp/cover.json"
cover=$(for _ in $(seq "$runs"); do curl -fs -o /dev/null -w '%{time_total}\n' -H "Cookie: $cookie" "$url"; done |
	median %.3f)
count=$(for _ in $(seq "$runs"); do
	s=$(date +%s.%N)
	sqlite3 "$db" "SELECT count(*) FROM supply_ledger" >/dev/null
	echo "$(date +%s.%N) - $s" | bc
done | median %.3f)
echo "== every site and item, $(sqlite3 "$db" "SELECT count(*) FROM supply_ledger") ledger entries ($runs runs, median), target under 0.5 s"
printf '%-62s %8s s\n' "GET /api/v1/supplies/cover (on hand and days of cover, all)" "$cover"
printf '%-62s %8s s\n' "count(*) of the ledger (sqlite3, a process each)" "$count"
echo "  $(grep -o '"red": *true' "$tmp/cover.json" | wc -l) red of $(grep -o '"on_hand"' "$tmp/cover.json" | wc -l) rows," \
	"$(wc -c <"$tmp/cover.json") bytes"
