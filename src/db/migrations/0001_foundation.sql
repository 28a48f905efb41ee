-- The platform foundation: organisations, users, sessions, API keys, the audit log.
-- Times are Unix seconds (UTC); money is never stored here.

CREATE TABLE orgs (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,          -- division code (350111) or department code (350111-tcj)
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('city', 'district', 'department', 'unit')),
  parent_id   INTEGER REFERENCES orgs(id),
  path        TEXT NOT NULL UNIQUE,          -- '/350100/350111/' : scope checks are prefix tests
  created_at  INTEGER NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'officer', 'agent', 'department',
                                             'enterprise', 'merchant', 'channel')),
  org_id        INTEGER NOT NULL REFERENCES orgs(id),
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX users_org ON users(org_id);

-- Only the SHA-256 of a session token is stored: a copy of the database opens no session.
CREATE TABLE sessions (
  id          INTEGER PRIMARY KEY,
  token_hash  BLOB NOT NULL UNIQUE,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  csrf_token  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- The secret is needed to check HMAC signatures, so it is stored as issued.
CREATE TABLE api_keys (
  id          INTEGER PRIMARY KEY,
  key_id      TEXT NOT NULL UNIQUE,
  secret      TEXT NOT NULL,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('channel', 'merchant')),
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  disabled    INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL
);

-- Nonces seen within the signature window; a reused one is a replay.
CREATE TABLE api_nonces (
  api_key_id  INTEGER NOT NULL REFERENCES api_keys(id),
  nonce       TEXT NOT NULL,
  seen_at     INTEGER NOT NULL,
  PRIMARY KEY (api_key_id, nonce)
) WITHOUT ROWID;
CREATE INDEX api_nonces_seen ON api_nonces(seen_at);

-- Append-only, hash-chained: hash = SHA-256 over prev_hash and the row's fields
-- (see src/org/audit.c); `banyan check` recomputes the chain.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  actor_id     INTEGER NOT NULL,             -- users.id; 0 for the shell, a machine client or an unknown login
  actor        TEXT NOT NULL,                -- username, 'apikey:ID' or 'system'
  action       TEXT NOT NULL,                -- 'user.create', 'session.login_failed', ...
  object_type  TEXT NOT NULL,
  object_id    TEXT NOT NULL,
  detail       TEXT NOT NULL,                -- JSON: {"before":..., "after":...} or context
  ip           TEXT NOT NULL,
  request_id   TEXT NOT NULL,
  org_path     TEXT NOT NULL,                -- the scope the event belongs to (actor's or target's org)
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);
CREATE INDEX audit_actor ON audit_log(actor_id, id);
CREATE INDEX audit_action ON audit_log(action, id);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_org ON audit_log(org_path, id);

-- sqlite only (PostgreSQL: 0001_foundation.postgres.sql)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- end sqlite only
