-- Vouchers on PostgreSQL, where several nodes claim from one round
-- (src/vouchers/leases.c).  A kind's stock (per channel, or its one shared
-- pool) is handed to the nodes in leases; a node claims only from leases it
-- holds, and every transaction that writes vouchers counts them into their
-- lease, refused once that would pass the lease's size or the lease is
-- closed.  So a kind's vouchers never pass its stock, whichever nodes wrote
-- them.  A node's leases are closed (their unused stock returned) when it
-- stops, or by another node once it is dead: each node holds an advisory
-- lock on its number for its life.  A single server on SQLite keeps the whole
-- stock in memory and writes none of these rows.

-- How much of a kind's stock (api_key_id 0: the shared pool) is leased.
-- granted: the size of the last lease taken, read back by the node taking it.
CREATE TABLE voucher_buckets (
  kind_id     INTEGER NOT NULL REFERENCES voucher_kinds(id),
  api_key_id  INTEGER NOT NULL,
  stock       INTEGER NOT NULL,
  leased      INTEGER NOT NULL CHECK (leased >= 0 AND leased <= stock),
  granted     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind_id, api_key_id)
) WITHOUT ROWID;

CREATE TABLE voucher_nodes (
  id          INTEGER PRIMARY KEY,
  started_at  INTEGER NOT NULL
);

-- used: the vouchers written from the lease; a closed lease's size is its used.
CREATE TABLE voucher_leases (
  id          INTEGER PRIMARY KEY,
  kind_id     INTEGER NOT NULL REFERENCES voucher_kinds(id),
  api_key_id  INTEGER NOT NULL,
  node_id     INTEGER NOT NULL REFERENCES voucher_nodes(id),
  size        INTEGER NOT NULL,
  used        INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= size),
  taken_at    INTEGER NOT NULL,
  closed_at   INTEGER
);
CREATE INDEX voucher_leases_open ON voucher_leases(node_id) WHERE closed_at IS NULL;
CREATE INDEX voucher_leases_kind ON voucher_leases(kind_id);
