-- Job-stabilisation refunds (稳岗返还, src/refunds/): the unemployment-insurance
-- rolls, the lists that bar or qualify an enterprise, policies as versioned
-- data, and the decisions a run of a policy makes (免申即享).

-- Every import, kept with its file's SHA-256: the same file twice is one import.
CREATE TABLE refund_imports (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('rolls', 'default', 'difficulty')),
  year        INTEGER,                    -- the rolls' policy year
  sha256      TEXT NOT NULL,
  rows        INTEGER NOT NULL,
  org_id      INTEGER NOT NULL REFERENCES orgs(id), -- the importer's area
  actor_id    INTEGER,
  actor       TEXT NOT NULL,
  at          INTEGER NOT NULL,
  UNIQUE (kind, sha256)
);

-- The enterprises on the rolls, by credit code (as of their latest month imported).
CREATE TABLE refund_enterprises (
  credit_code      TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  district_org_id  INTEGER NOT NULL REFERENCES orgs(id),
  industry         TEXT NOT NULL,
  size             TEXT NOT NULL CHECK (size IN ('large', 'medium', 'small', 'micro')),
  latest_month     INTEGER NOT NULL
);
CREATE INDEX refund_enterprises_district ON refund_enterprises(district_org_id);

-- One enterprise's month: insured headcount, premiums paid and arrears, in fen.
CREATE TABLE refund_rolls (
  credit_code   TEXT NOT NULL REFERENCES refund_enterprises(credit_code),
  month         INTEGER NOT NULL,            -- YYYYMM
  insured       INTEGER NOT NULL CHECK (insured >= 0),
  premiums_fen  INTEGER NOT NULL CHECK (premiums_fen >= 0),
  arrears_fen   INTEGER NOT NULL CHECK (arrears_fen >= 0),
  import_id     INTEGER NOT NULL REFERENCES refund_imports(id),
  PRIMARY KEY (credit_code, month)
);

-- Serious default (严重失信) and certified difficulty (困难企业), by credit code.
CREATE TABLE refund_lists (
  list         TEXT NOT NULL CHECK (list IN ('default', 'difficulty')),
  credit_code  TEXT NOT NULL,
  name         TEXT NOT NULL,
  import_id    INTEGER NOT NULL REFERENCES refund_imports(id),
  PRIMARY KEY (list, credit_code)
);

-- A policy belongs to the area of the bureau that made it; each edit is a new version.
CREATE TABLE refund_policies (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  created_at  INTEGER NOT NULL
);

CREATE TABLE refund_policy_versions (
  id          INTEGER PRIMARY KEY,
  policy_id   INTEGER NOT NULL REFERENCES refund_policies(id),
  version     INTEGER NOT NULL,
  rules       TEXT NOT NULL,               -- JSON, read by refund_policy_read()
  note        TEXT,
  actor_id    INTEGER,
  actor       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (policy_id, version)
);

-- A run of a policy version: 第N批 of its policy.
CREATE TABLE refund_batches (
  id                 INTEGER PRIMARY KEY,
  policy_id          INTEGER NOT NULL REFERENCES refund_policies(id),
  policy_version_id  INTEGER NOT NULL REFERENCES refund_policy_versions(id),
  number             INTEGER NOT NULL,
  decided            INTEGER NOT NULL,
  eligible           INTEGER NOT NULL,
  people             INTEGER NOT NULL,
  amount_fen         INTEGER NOT NULL,
  skipped            INTEGER NOT NULL,     -- enterprises already decided under the policy
  actor_id           INTEGER,
  actor              TEXT NOT NULL,
  at                 INTEGER NOT NULL,
  UNIQUE (policy_id, number)
);

-- One decision per enterprise per policy, whatever the batch: the key, not
-- the code, is what stops a second refund.
CREATE TABLE refund_decisions (
  id                 INTEGER PRIMARY KEY,
  batch_id           INTEGER NOT NULL REFERENCES refund_batches(id),
  policy_id          INTEGER NOT NULL REFERENCES refund_policies(id),
  policy_version_id  INTEGER NOT NULL REFERENCES refund_policy_versions(id),
  credit_code        TEXT NOT NULL REFERENCES refund_enterprises(credit_code),
  district_org_id    INTEGER NOT NULL REFERENCES orgs(id),
  eligible           INTEGER NOT NULL CHECK (eligible IN (0, 1)),
  people             INTEGER NOT NULL,
  amount_fen         INTEGER NOT NULL CHECK (amount_fen >= 0),
  reason             TEXT NOT NULL,
  figures            TEXT NOT NULL,        -- JSON: every figure the decision used
  UNIQUE (policy_id, credit_code)
);
CREATE INDEX refund_decisions_batch ON refund_decisions(batch_id);
CREATE INDEX refund_decisions_code ON refund_decisions(credit_code);
