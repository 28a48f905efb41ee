-- What the operator ran from the shell and how it went, for the
-- administrator's workbench (#17): `banyan check` (and how far it verified
-- the audit chain) and `banyan backup` (when the last copy was made).
CREATE TABLE operator_runs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('check', 'backup')),
  at          INTEGER NOT NULL,
  ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
  audit_upto  INTEGER,             -- check: the last audit row verified
  detail      TEXT                 -- backup: the file written
);
CREATE INDEX operator_runs_kind ON operator_runs(kind, id);
