-- What `banyan check` found, on PostgreSQL, for the administrators' workbench:
-- on SQLite it is kept beside the database (DB.check, written whole and
-- renamed), but a PostgreSQL database has no file beside it.  A row per check;
-- the check writes it after it has read everything it checks.
CREATE TABLE check_notes (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  ok          INTEGER NOT NULL,     -- 1: everything held
  audit_upto  INTEGER NOT NULL      -- the last audit row found holding
);
