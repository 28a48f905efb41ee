-- The administrators' separation (三员分立) and their second factor (GB/T 22239-2019 8.1.4.1, 8.1.4.2).

-- Two more roles: the security administrator and the audit administrator.  Widening
-- a CHECK constraint changes no stored row, so the table's definition is edited in
-- place, the way SQLite's ALTER TABLE documentation describes for removing or
-- changing constraints (rebuilding users would mean dropping the seventeen foreign
-- keys that point at it).  PostgreSQL: ALTER TABLE users DROP/ADD CONSTRAINT.
-- sqlite only (PostgreSQL: 0010_admins.postgres.sql)
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''admin'', ''leader'',', '''admin'', ''security'', ''auditor'', ''leader'',')
 WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;
-- end sqlite only

-- A user's TOTP key (RFC 6238).  The key itself is kept, as it must be to compute
-- codes; confirmed_at stays NULL until a first code proves the authenticator has it.
-- last_step is the newest 30-second step accepted: a code is never accepted twice.
CREATE TABLE second_factors (
  user_id       INTEGER PRIMARY KEY REFERENCES users(id),
  secret        BLOB NOT NULL,
  confirmed_at  INTEGER,
  last_step     INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);

-- Single-use recovery codes, shown once at enrolment; only their SHA-256 is kept.
CREATE TABLE recovery_codes (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  code_hash   BLOB NOT NULL,
  used_at     INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- A correct password of a user who needs a second factor opens a challenge, not a
-- session: a short-lived token (only its SHA-256 kept) that the code then redeems.
CREATE TABLE login_challenges (
  id          INTEGER PRIMARY KEY,
  token_hash  BLOB NOT NULL UNIQUE,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  expires_at  INTEGER NOT NULL
);
CREATE INDEX login_challenges_expiry ON login_challenges(expires_at);
