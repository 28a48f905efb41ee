-- The rolls keyed by (enterprise, month) alone, without a rowid: one b-tree
-- instead of a table and its index, half the pages an import of the city's
-- rolls (2.4M lines) writes and keeps in cache.  Without foreign keys: a
-- checked reference makes SQLite keep a statement journal for every line,
-- which costs a third of the import, and the import is the only writer of
-- the rolls: it writes the enterprise and the import before their lines, in
-- the same transaction (banyan check recounts it).
CREATE TABLE refund_rolls_by_month (
  credit_code   TEXT NOT NULL,               -- refund_enterprises(credit_code)
  month         INTEGER NOT NULL,            -- YYYYMM
  insured       INTEGER NOT NULL CHECK (insured >= 0),
  premiums_fen  INTEGER NOT NULL CHECK (premiums_fen >= 0),
  arrears_fen   INTEGER NOT NULL CHECK (arrears_fen >= 0),
  import_id     INTEGER NOT NULL,            -- refund_imports(id)
  PRIMARY KEY (credit_code, month)
) WITHOUT ROWID;
INSERT INTO refund_rolls_by_month SELECT credit_code, month, insured, premiums_fen, arrears_fen, import_id FROM refund_rolls;
DROP TABLE refund_rolls;
ALTER TABLE refund_rolls_by_month RENAME TO refund_rolls;

-- A duty administrator (业务管理员) of their organisation's duties: at a
-- human resources bureau, the one who edits refund policies, while any of
-- its staff runs batches.  Set by the system administrator (PATCH /api/v1/users/{id}).
ALTER TABLE users ADD COLUMN duty_admin INTEGER NOT NULL DEFAULT 0 CHECK (duty_admin IN (0, 1));
