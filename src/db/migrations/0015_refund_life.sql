-- The life of a refund batch after it is decided (src/refunds/publicity.c,
-- payments.c, accounts.c): publicity and objections, approval, the bank's
-- payment and return files, re-sending, recoveries, the enterprises' bank
-- accounts, and a decision's earlier versions when its rolls changed.  Also
-- the general notices to users (src/org/notices.c).

-- The publicity window (days "YYYY-MM-DD", inclusive) and who approved.
ALTER TABLE refund_batches ADD COLUMN publicity_start TEXT;
ALTER TABLE refund_batches ADD COLUMN publicity_end TEXT;
ALTER TABLE refund_batches ADD COLUMN approved_by TEXT;
ALTER TABLE refund_batches ADD COLUMN approved_by_id INTEGER;
ALTER TABLE refund_batches ADD COLUMN approved_at INTEGER;

-- Why a decision was withdrawn (an objection upheld), and what it was based
-- on: a digest of its enterprise's rolls and lists, so a later run sees a change.
ALTER TABLE refund_decisions ADD COLUMN withdrawn_reason TEXT;
ALTER TABLE refund_decisions ADD COLUMN basis TEXT;

-- A decision's earlier figures, kept when a later run decided it again.
CREATE TABLE refund_decision_history (
  id                 INTEGER PRIMARY KEY,
  decision_id        INTEGER NOT NULL REFERENCES refund_decisions(id),
  batch_id           INTEGER NOT NULL REFERENCES refund_batches(id),
  policy_version_id  INTEGER NOT NULL REFERENCES refund_policy_versions(id),
  eligible           INTEGER NOT NULL,
  people             INTEGER NOT NULL,
  amount_fen         INTEGER NOT NULL,
  reason             TEXT NOT NULL,
  figures            TEXT NOT NULL,
  basis              TEXT,
  replaced_by_batch  INTEGER NOT NULL REFERENCES refund_batches(id),
  replaced_at        INTEGER NOT NULL
);
CREATE INDEX refund_decision_history_decision ON refund_decision_history(decision_id);

-- Objections lodged by anyone during the window (公示异议); contact is kept
-- for the bureau only, never shown in public.
CREATE TABLE refund_objections (
  id              INTEGER PRIMARY KEY,
  decision_id     INTEGER NOT NULL REFERENCES refund_decisions(id),
  reason          TEXT NOT NULL,
  contact         TEXT,
  ip              TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'upheld', 'dismissed')),
  resolution      TEXT,
  lodged_at       INTEGER NOT NULL,
  resolved_by     TEXT,
  resolved_by_id  INTEGER,
  resolved_at     INTEGER
);
CREATE INDEX refund_objections_decision ON refund_objections(decision_id, state);

-- The enterprises' bank accounts on record, and the social-insurance account
-- (社保缴费账号) a failed payment may fall back to.  Imported as the list
-- `accounts`; these imports are kept apart from refund_imports, whose CHECK
-- on kind a portable migration cannot widen.
CREATE TABLE refund_account_imports (
  id        INTEGER PRIMARY KEY,
  sha256    TEXT NOT NULL UNIQUE,
  rows      INTEGER NOT NULL,
  org_id    INTEGER NOT NULL REFERENCES orgs(id),
  actor_id  INTEGER,
  actor     TEXT NOT NULL,
  at        INTEGER NOT NULL
);

CREATE TABLE refund_accounts (
  credit_code     TEXT PRIMARY KEY,
  payee_name      TEXT NOT NULL,
  bank            TEXT NOT NULL,
  account         TEXT NOT NULL,
  social_account  TEXT,
  import_id       INTEGER REFERENCES refund_account_imports(id),
  updated_at      INTEGER NOT NULL
);

-- An enterprise's correction of its account, waiting for the bureau.
CREATE TABLE refund_account_changes (
  id              INTEGER PRIMARY KEY,
  credit_code     TEXT NOT NULL,
  payee_name      TEXT NOT NULL,
  bank            TEXT NOT NULL,
  account         TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
  note            TEXT,
  requested_by_id INTEGER NOT NULL,
  requested_by    TEXT NOT NULL,
  requested_at    INTEGER NOT NULL,
  resolved_by     TEXT,
  resolved_at     INTEGER
);
CREATE INDEX refund_account_changes_code ON refund_account_changes(credit_code, state);

-- A bank payment file: the rows are its payments.
CREATE TABLE refund_payment_files (
  id             INTEGER PRIMARY KEY,
  batch_id       INTEGER NOT NULL REFERENCES refund_batches(id),
  payer_account  TEXT NOT NULL,
  rows           INTEGER NOT NULL,
  amount_fen     INTEGER NOT NULL,
  actor_id       INTEGER,
  actor          TEXT NOT NULL,
  at             INTEGER NOT NULL
);

-- One attempt to pay a decision: pending (re-addressed, waiting for the next
-- file), sent (in a file), paid or failed (as the bank returned it).
CREATE TABLE refund_payments (
  id             INTEGER PRIMARY KEY,
  decision_id    INTEGER NOT NULL REFERENCES refund_decisions(id),
  file_id        INTEGER REFERENCES refund_payment_files(id),
  reference      TEXT UNIQUE,
  state          TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'paid', 'failed')),
  payee_name     TEXT NOT NULL,
  payee_account  TEXT NOT NULL,
  bank           TEXT NOT NULL,
  fallback       INTEGER NOT NULL DEFAULT 0 CHECK (fallback IN (0, 1)),
  amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
  bank_reason    TEXT,
  sent_at        INTEGER,
  settled_at     INTEGER
);
-- The key, not the code, stops a second payment: a decision has at most one
-- payment that is waiting, in the bank's hands or paid.
CREATE UNIQUE INDEX refund_payments_live ON refund_payments(decision_id) WHERE state IN ('pending', 'sent', 'paid');
CREATE INDEX refund_payments_file ON refund_payments(file_id);
-- A decision's payments, whatever their state (the key above covers only the live ones).
CREATE INDEX refund_payments_decision ON refund_payments(decision_id, id);

-- A bank return file imported against a payment file: the same file twice is one import.
CREATE TABLE refund_returns (
  id        INTEGER PRIMARY KEY,
  file_id   INTEGER NOT NULL REFERENCES refund_payment_files(id),
  sha256    TEXT NOT NULL,
  rows      INTEGER NOT NULL,
  paid      INTEGER NOT NULL,
  failed    INTEGER NOT NULL,
  actor_id  INTEGER,
  actor     TEXT NOT NULL,
  at        INTEGER NOT NULL,
  UNIQUE (file_id, sha256)
);

-- A paid decision found wrong (追回): recovering, then recovered or written off.
CREATE TABLE refund_recoveries (
  id           INTEGER PRIMARY KEY,
  decision_id  INTEGER NOT NULL REFERENCES refund_decisions(id),
  amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
  reason       TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'recovering' CHECK (state IN ('recovering', 'recovered', 'written_off')),
  note         TEXT,
  opened_by    TEXT NOT NULL,
  opened_at    INTEGER NOT NULL,
  closed_by    TEXT,
  closed_at    INTEGER
);
CREATE UNIQUE INDEX refund_recoveries_open ON refund_recoveries(decision_id) WHERE state = 'recovering';

-- Notices to a user (the workbench's too): newest first, read or not.
CREATE TABLE notices (
  id       INTEGER PRIMARY KEY,
  user_id  INTEGER NOT NULL REFERENCES users(id),
  title    TEXT NOT NULL,
  body     TEXT NOT NULL,
  link     TEXT,
  at       INTEGER NOT NULL,
  read_at  INTEGER
);
CREATE INDEX notices_user ON notices(user_id, id);
