-- Investment promotion (招商) and cloud signing (云签约): leads and their
-- stages, linkage between districts (shares and transfers), one-to-one
-- service of key enterprises and visits, signing ceremonies, agreements,
-- signers' public keys and the hash-chained signing ledger.

CREATE TABLE leads (
  id              INTEGER PRIMARY KEY,
  title           TEXT NOT NULL,
  source          TEXT NOT NULL,                         -- 以商招商, 展会, 线上推介, 驻外招商 ...
  enterprise_id   INTEGER NOT NULL REFERENCES enterprises(id),
  industry        TEXT NOT NULL,
  investment_wan  INTEGER NOT NULL CHECK (investment_wan >= 0),
  owner_org_id    INTEGER NOT NULL REFERENCES orgs(id),  -- one owner, always: a district or the city
  officer_id      INTEGER NOT NULL REFERENCES users(id),
  stage           TEXT NOT NULL DEFAULT 'lead'
                  CHECK (stage IN ('lead', 'negotiating', 'signed', 'registered', 'started', 'producing', 'dropped')),
  drop_reason     TEXT,
  project_id      INTEGER REFERENCES projects(id),       -- the major project it became
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  CHECK ((stage = 'dropped') = (drop_reason IS NOT NULL))
);
CREATE INDEX leads_owner ON leads(owner_org_id, id);
CREATE INDEX leads_enterprise ON leads(enterprise_id);

-- Everything that happened to a lead, seen by every side that has it.
CREATE TABLE lead_events (
  id           INTEGER PRIMARY KEY,
  lead_id      INTEGER NOT NULL REFERENCES leads(id),
  at           INTEGER NOT NULL,
  actor_id     INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  kind         TEXT NOT NULL,     -- create, stage, drop, share, offer, accept, decline, withdraw, visit, project, agreement
  from_stage   TEXT,
  to_stage     TEXT,
  from_org_id  INTEGER,
  to_org_id    INTEGER,
  text         TEXT
);
CREATE INDEX lead_events_lead ON lead_events(lead_id, id);

-- Other organisations a lead is shared with (联动): they see it and its history, the owner keeps it.
CREATE TABLE lead_shares (
  lead_id    INTEGER NOT NULL REFERENCES leads(id),
  org_id     INTEGER NOT NULL REFERENCES orgs(id),
  shared_by  INTEGER NOT NULL REFERENCES users(id),
  shared_at  INTEGER NOT NULL,
  PRIMARY KEY (lead_id, org_id)
);
CREATE INDEX lead_shares_org ON lead_shares(org_id);

-- A transfer is offered to one or more organisations; the first to accept owns the lead.
CREATE TABLE lead_transfers (
  id           INTEGER PRIMARY KEY,
  lead_id      INTEGER NOT NULL REFERENCES leads(id),
  from_org_id  INTEGER NOT NULL REFERENCES orgs(id),
  status       TEXT NOT NULL DEFAULT 'offered' CHECK (status IN ('offered', 'accepted', 'declined', 'withdrawn')),
  reason       TEXT NOT NULL,
  offered_by   INTEGER NOT NULL REFERENCES users(id),
  offered_at   INTEGER NOT NULL,
  to_org_id    INTEGER REFERENCES orgs(id),              -- who accepted
  decided_by   INTEGER REFERENCES users(id),
  decided_at   INTEGER
);
CREATE UNIQUE INDEX lead_transfers_open ON lead_transfers(lead_id) WHERE status = 'offered';

CREATE TABLE lead_transfer_targets (
  transfer_id  INTEGER NOT NULL REFERENCES lead_transfers(id),
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (transfer_id, org_id)
);

-- One-to-one service (一对一): an officer answers for a key enterprise and visits it.
CREATE TABLE key_enterprises (
  enterprise_id  INTEGER PRIMARY KEY REFERENCES enterprises(id),
  officer_id     INTEGER NOT NULL REFERENCES users(id),
  every_days     INTEGER NOT NULL DEFAULT 30,             -- how often it is visited
  assigned_by    INTEGER NOT NULL REFERENCES users(id),
  assigned_at    INTEGER NOT NULL
);
CREATE INDEX key_enterprises_officer ON key_enterprises(officer_id);

CREATE TABLE visits (
  id             INTEGER PRIMARY KEY,
  enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id),
  lead_id        INTEGER REFERENCES leads(id),
  officer_id     INTEGER NOT NULL REFERENCES users(id),
  mode           TEXT NOT NULL CHECK (mode IN ('online', 'onsite')),
  happened_on    INTEGER NOT NULL,
  discussed      TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX visits_enterprise ON visits(enterprise_id, happened_on);
CREATE INDEX visits_officer ON visits(officer_id, happened_on);

-- Cloud signing (云签约).
CREATE TABLE ceremonies (
  id           INTEGER PRIMARY KEY,
  title        TEXT NOT NULL,
  host_org_id  INTEGER NOT NULL REFERENCES orgs(id),
  held_on      INTEGER NOT NULL,
  created_by   INTEGER NOT NULL REFERENCES users(id),
  created_at   INTEGER NOT NULL
);

-- A signer is issued an Ed25519 key pair; banyan keeps only the public half.
CREATE TABLE signers (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  organisation  TEXT NOT NULL,
  public_key    TEXT NOT NULL UNIQUE,                     -- hex, 32 bytes
  issued_by     INTEGER NOT NULL REFERENCES users(id),
  issued_at     INTEGER NOT NULL
);

CREATE TABLE agreements (
  id               INTEGER PRIMARY KEY,
  ceremony_id      INTEGER NOT NULL REFERENCES ceremonies(id),
  lead_id          INTEGER REFERENCES leads(id),
  title            TEXT NOT NULL,
  amount_wan       INTEGER NOT NULL CHECK (amount_wan >= 0),
  document_name    TEXT NOT NULL,
  document_sha256  TEXT NOT NULL,                          -- hex; what every party signs
  document         BLOB NOT NULL,
  signed_at        INTEGER,                                -- when the last party signed
  created_at       INTEGER NOT NULL
);
CREATE INDEX agreements_ceremony ON agreements(ceremony_id);
CREATE INDEX agreements_lead ON agreements(lead_id);

CREATE TABLE agreement_parties (
  agreement_id  INTEGER NOT NULL REFERENCES agreements(id),
  signer_id     INTEGER NOT NULL REFERENCES signers(id),
  role          TEXT NOT NULL,                             -- 甲方, 乙方, 见证方 ...
  signature     TEXT,                                      -- hex, 64 bytes, over the 32 bytes of the SHA-256
  signed_at     INTEGER,
  PRIMARY KEY (agreement_id, signer_id)
);

-- The signing ledger: one row a signature, each row's hash covering the one before.
CREATE TABLE signing_ledger (
  id               INTEGER PRIMARY KEY,
  at               INTEGER NOT NULL,
  agreement_id     INTEGER NOT NULL REFERENCES agreements(id),
  signer_id        INTEGER NOT NULL REFERENCES signers(id),
  document_sha256  TEXT NOT NULL,
  public_key       TEXT NOT NULL,
  signature        TEXT NOT NULL,
  prev_hash        TEXT NOT NULL,
  hash             TEXT NOT NULL
);
-- sqlite only (PostgreSQL: 0007_invest.postgres.sql)
CREATE TRIGGER signing_ledger_no_update BEFORE UPDATE ON signing_ledger
BEGIN SELECT RAISE(ABORT, 'the signing ledger is append-only'); END;
CREATE TRIGGER signing_ledger_no_delete BEFORE DELETE ON signing_ledger
BEGIN SELECT RAISE(ABORT, 'the signing ledger is append-only'); END;
-- end sqlite only
