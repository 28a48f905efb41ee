-- The backups `banyan backup` made, for the administrators' workbench (#17):
-- when the last copy was made, and where to.  (What `banyan check` found is
-- kept beside the database, in DB.check, not in it: a check must not change
-- what it checks.)
CREATE TABLE backups (
  id    INTEGER PRIMARY KEY,
  at    INTEGER NOT NULL,
  file  TEXT NOT NULL
);
