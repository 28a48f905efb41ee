-- Economic indicators (经济运行监测), the statistics bureaus' duty
-- (statistics): indicators as data, their values per unit and month, the
-- approval of a unit's month and its revisions, and rankings as data.
--
-- Periods are months 'YYYY-MM'.  A quarterly indicator's value sits on the
-- quarter's last month ('2020-09' is the third quarter), a yearly one's on
-- December.  A value is the period's own figure (当月, 当季); year-to-date
-- figures (1–N月累计) and growth rates are computed from them when they
-- exist (src/indicators/periods.c).
--
-- Numbers are integers, never floating point: a value is stored in the
-- indicator's smallest unit, 10^decimals of its unit (亿元 with 4 decimals:
-- 1 = 0.0001亿元 = 1万元; 万元 with 2: 1 = 100元; % with 2: 1 = 0.01%;
-- count with 0).  Growth rates are hundredths of a percent (310 = 3.10%).

-- An indicator.  source: entered or imported by the statistics staff,
-- computed from banyan's own data (platform), or derived from others by
-- formula: 'ratio' (a ÷ b, in %) or 'children_sum' (a summed over the
-- unit's county-level units).  additive: the districts' values should sum
-- to the city's (a validation rule; not for rates).
CREATE TABLE indicators (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  unit         TEXT NOT NULL CHECK (unit IN ('亿元', '万元', '%', 'count')),
  decimals     INTEGER NOT NULL CHECK (decimals BETWEEN 0 AND 4),
  period_kind  TEXT NOT NULL CHECK (period_kind IN ('month', 'quarter', 'year')),
  yoy          INTEGER NOT NULL DEFAULT 1 CHECK (yoy IN (0, 1)),  -- growth on the same period last year
  source       TEXT NOT NULL CHECK (source IN ('entered', 'imported', 'platform', 'derived')),
  formula      TEXT CHECK (formula IN ('ratio', 'children_sum')),
  a_id         INTEGER REFERENCES indicators(id),
  b_id         INTEGER REFERENCES indicators(id),
  additive     INTEGER NOT NULL DEFAULT 1 CHECK (additive IN (0, 1)),
  position     INTEGER NOT NULL,
  CHECK ((source = 'derived') = (formula IS NOT NULL)),
  CHECK (formula IS NULL OR a_id IS NOT NULL),
  CHECK ((formula = 'ratio') = (b_id IS NOT NULL))
);

INSERT INTO indicators(code, name, unit, decimals, period_kind, yoy, source, additive, position) VALUES
  ('gdp', '地区生产总值', '亿元', 4, 'quarter', 1, 'entered', 1, 1),
  ('industry', '规模以上工业增加值', '亿元', 4, 'month', 1, 'entered', 1, 2),
  ('fai', '固定资产投资', '亿元', 4, 'month', 1, 'entered', 1, 3),
  ('retail', '社会消费品零售总额', '亿元', 4, 'month', 1, 'entered', 1, 4),
  ('revenue', '一般公共预算收入', '亿元', 4, 'month', 1, 'entered', 1, 5),
  ('fdi', '实际利用外资', '万元', 2, 'month', 1, 'imported', 1, 6);
INSERT INTO indicators(code, name, unit, decimals, period_kind, yoy, source, formula, a_id, b_id, additive, position)
  SELECT 'revenue_gdp', '一般公共预算收入占地区生产总值比重', '%', 2, 'quarter', 0, 'derived', 'ratio',
         (SELECT id FROM indicators WHERE code = 'revenue'), (SELECT id FROM indicators WHERE code = 'gdp'), 0, 7;

-- Units compared outside the organisation tree: the other cities of the
-- province, whose figures the city's statistics bureau enters for the
-- province comparison.  The tree's own units are its city and districts.
CREATE TABLE indicator_peers (
  code  TEXT PRIMARY KEY,   -- division code
  name  TEXT NOT NULL
);
INSERT INTO indicator_peers(code, name) VALUES
  ('350200', '厦门市'), ('350300', '莆田市'), ('350400', '三明市'), ('350500', '泉州市'),
  ('350600', '漳州市'), ('350700', '南平市'), ('350800', '龙岩市'), ('350900', '宁德市');

-- A value of an indicator for a unit (an organisation's code, or a peer's)
-- and month.  value NULL: only growth is published.  growth_bp is the
-- published growth of the period's own figure, ytd_growth_bp of the
-- year to date; computed growth replaces them when the values exist.
-- revision: the revision of the unit's month that last changed it (0 快报).
CREATE TABLE indicator_values (
  id             INTEGER PRIMARY KEY,
  indicator_id   INTEGER NOT NULL REFERENCES indicators(id),
  unit           TEXT NOT NULL,
  period         TEXT NOT NULL,
  value          INTEGER,
  growth_bp      INTEGER,
  ytd_growth_bp  INTEGER,
  comment        TEXT,
  revision       INTEGER NOT NULL DEFAULT 0,
  entered_by     INTEGER NOT NULL REFERENCES users(id),
  entered_at     INTEGER NOT NULL,
  UNIQUE (indicator_id, unit, period),
  CHECK (value IS NOT NULL OR growth_bp IS NOT NULL OR ytd_growth_bp IS NOT NULL)
);
CREATE INDEX indicator_values_period ON indicator_values(period, unit);

-- A unit's month on its way: draft → submitted → approved, or returned with
-- a reason (and submitted again).  Approved values are locked; a correction
-- makes the next revision (0 快报, then 1, 2 … 修订).
CREATE TABLE indicator_periods (
  unit          TEXT NOT NULL,
  period        TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'returned')),
  revision      INTEGER NOT NULL DEFAULT 0,
  submitted_by  INTEGER REFERENCES users(id),
  submitted_at  INTEGER,
  decided_by    INTEGER REFERENCES users(id),
  decided_at    INTEGER,
  reason        TEXT,               -- why it was sent back
  PRIMARY KEY (unit, period)
);

-- What a correction after approval changed: one row a value, with the revision it made.
CREATE TABLE indicator_changes (
  id               INTEGER PRIMARY KEY,
  indicator_id     INTEGER NOT NULL REFERENCES indicators(id),
  unit             TEXT NOT NULL,
  period           TEXT NOT NULL,
  revision         INTEGER NOT NULL,
  value_before     INTEGER,
  value_after      INTEGER,
  growth_before    INTEGER,
  growth_after     INTEGER,
  ytd_growth_before INTEGER,
  ytd_growth_after INTEGER,
  reason           TEXT NOT NULL,
  changed_by       INTEGER NOT NULL REFERENCES users(id),
  changed_at       INTEGER NOT NULL
);
CREATE INDEX indicator_changes_unit ON indicator_changes(unit, period);

-- Annual targets, for rankings on the share of the target done.
CREATE TABLE indicator_targets (
  indicator_id  INTEGER NOT NULL REFERENCES indicators(id),
  unit          TEXT NOT NULL,
  year          INTEGER NOT NULL,
  target        INTEGER NOT NULL CHECK (target > 0),
  PRIMARY KEY (indicator_id, unit, year)
);

-- A ranking: which units are compared (the set: 'districts', the tree's
-- county-level units, or 'province', the city and its peers), on what
-- basis (growth, level, or the share of the annual target done), over the
-- month's own figure or the year to date, and how ties are broken
-- ('shared': equal scores share a rank; 'level': the larger first
-- indicator's year-to-date level goes first).  Its terms are the indicators
-- with a weight and a direction.
CREATE TABLE rankings (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  unit_set   TEXT NOT NULL CHECK (unit_set IN ('districts', 'province')),
  basis      TEXT NOT NULL CHECK (basis IN ('growth', 'level', 'target_share')),
  span       TEXT NOT NULL CHECK (span IN ('period', 'ytd')),
  tie_break  TEXT NOT NULL CHECK (tie_break IN ('shared', 'level')),
  created_at INTEGER NOT NULL
);

CREATE TABLE ranking_terms (
  ranking_id    INTEGER NOT NULL REFERENCES rankings(id),
  indicator_id  INTEGER NOT NULL REFERENCES indicators(id),
  weight        INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 1000),
  higher_better INTEGER NOT NULL DEFAULT 1 CHECK (higher_better IN (0, 1)),
  position      INTEGER NOT NULL,
  PRIMARY KEY (ranking_id, indicator_id)
);

-- The rankings the article reads: the province's growth rankings of GDP and
-- fixed-asset investment (year to date) and of retail sales (the month), and
-- the districts' composite.
INSERT INTO rankings(code, name, unit_set, basis, span, tie_break, created_at) VALUES
  ('province-gdp', '全省地区生产总值增速排名', 'province', 'growth', 'ytd', 'level', 0),
  ('province-fai', '全省固定资产投资增速排名', 'province', 'growth', 'ytd', 'level', 0),
  ('province-retail', '全省社会消费品零售总额当月增速排名', 'province', 'growth', 'period', 'level', 0),
  ('districts-composite', '县(市)区经济运行综合排名', 'districts', 'growth', 'ytd', 'shared', 0);
INSERT INTO ranking_terms(ranking_id, indicator_id, weight, higher_better, position)
  SELECT r.id, i.id, 1, 1, 1 FROM rankings r JOIN indicators i ON i.code = substr(r.code, 10)
  WHERE r.unit_set = 'province';
INSERT INTO ranking_terms(ranking_id, indicator_id, weight, higher_better, position)
  SELECT r.id, i.id, CASE i.code WHEN 'gdp' THEN 30 ELSE 20 END, 1, i.position
  FROM rankings r JOIN indicators i ON i.code IN ('gdp', 'industry', 'fai', 'retail', 'revenue')
  WHERE r.code = 'districts-composite';
