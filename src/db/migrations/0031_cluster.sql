-- Several nodes on one PostgreSQL database: the nonces of signed requests,
-- shared so that a request replayed to another node is refused there too
-- (src/http/nonces.c; a single server on SQLite keeps them in memory).
-- Rows older than the signature window are deleted by one node a minute.

CREATE TABLE nonces (
  api_key_id  INTEGER NOT NULL,
  nonce       TEXT NOT NULL,
  seen_at     INTEGER NOT NULL,
  PRIMARY KEY (api_key_id, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_seen ON nonces(seen_at);

-- The login throttle's counts (name: the account, the address or both) and
-- the known account-and-address pairs ("known " + name), shared by the nodes
-- (src/http/auth.c); rows whose window has ended are deleted with the nonces.
CREATE TABLE throttles (
  name      TEXT PRIMARY KEY,
  count     INTEGER NOT NULL,
  first_at  INTEGER NOT NULL,
  window_s  INTEGER NOT NULL
) WITHOUT ROWID;
