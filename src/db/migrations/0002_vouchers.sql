-- Consumption vouchers (惠民消费券): campaigns, rounds, kinds, stock by channel,
-- claimed vouchers, merchants and redemptions.  Money in fen.

-- Signed requests' nonces are kept in memory (see src/http/auth.c): a claim
-- storm cannot afford a write per request, and a request signed before the
-- server started is refused, so a restart opens no replay.
DROP TABLE api_nonces;

CREATE TABLE voucher_campaigns (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),   -- the commerce bureau that runs it
  created_at  INTEGER NOT NULL
);

CREATE TABLE voucher_rounds (
  id           INTEGER PRIMARY KEY,
  campaign_id  INTEGER NOT NULL REFERENCES voucher_campaigns(id),
  name         TEXT NOT NULL,
  starts_at    INTEGER NOT NULL,
  ends_at      INTEGER NOT NULL CHECK (ends_at > starts_at),
  created_at   INTEGER NOT NULL
);

-- The channels (API keys of role channel) a round is offered through.
CREATE TABLE voucher_round_channels (
  round_id    INTEGER NOT NULL REFERENCES voucher_rounds(id),
  api_key_id  INTEGER NOT NULL REFERENCES api_keys(id),
  PRIMARY KEY (round_id, api_key_id)
) WITHOUT ROWID;

CREATE TABLE voucher_kinds (
  id                INTEGER PRIMARY KEY,
  round_id          INTEGER NOT NULL REFERENCES voucher_rounds(id),
  name              TEXT NOT NULL,
  face_fen          INTEGER NOT NULL CHECK (face_fen > 0),
  threshold_fen     INTEGER NOT NULL CHECK (threshold_fen >= 0),
  stock             INTEGER NOT NULL CHECK (stock >= 0),
  validity_days     INTEGER NOT NULL CHECK (validity_days BETWEEN 1 AND 366),
  per_person_limit  INTEGER NOT NULL CHECK (per_person_limit BETWEEN 1 AND 100),
  categories        TEXT NOT NULL,                   -- ',catering,retail,' : a merchant's category must be in it
  created_at        INTEGER NOT NULL
);

-- A kind's stock split between channels; a kind without rows here has one shared pool.
CREATE TABLE voucher_allocations (
  kind_id     INTEGER NOT NULL REFERENCES voucher_kinds(id),
  api_key_id  INTEGER NOT NULL REFERENCES api_keys(id),
  stock       INTEGER NOT NULL CHECK (stock >= 0),
  PRIMARY KEY (kind_id, api_key_id)
) WITHOUT ROWID;

-- One row per voucher claimed.  person_seq numbers a person's vouchers of a
-- kind (1..limit): the unique index makes the limit hold even if memory lied.
CREATE TABLE vouchers (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL UNIQUE,
  kind_id      INTEGER NOT NULL REFERENCES voucher_kinds(id),
  api_key_id   INTEGER NOT NULL REFERENCES api_keys(id),
  person       TEXT NOT NULL,                       -- the channel's user id
  person_seq   INTEGER NOT NULL,
  request_id   TEXT NOT NULL,
  claimed_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  UNIQUE (api_key_id, request_id),
  UNIQUE (kind_id, api_key_id, person, person_seq)
);

CREATE TABLE merchants (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  credit_code  TEXT NOT NULL UNIQUE,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),  -- the district it is in
  category     TEXT NOT NULL,
  channels     TEXT NOT NULL,                        -- ',<api_keys.id>,...,' the channels it accepts
  active       INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL
);

-- A redemption; reversed_at is set when the order was refunded and the
-- voucher given back.  A voucher has at most one live redemption.
CREATE TABLE voucher_redemptions (
  id            INTEGER PRIMARY KEY,
  voucher_id    INTEGER NOT NULL REFERENCES vouchers(id),
  merchant_id   INTEGER NOT NULL REFERENCES merchants(id),
  order_no      TEXT NOT NULL,
  amount_fen    INTEGER NOT NULL,
  discount_fen  INTEGER NOT NULL,
  redeemed_at   INTEGER NOT NULL,
  reversed_at   INTEGER,
  UNIQUE (merchant_id, order_no)
);
CREATE UNIQUE INDEX voucher_redemptions_live ON voucher_redemptions(voucher_id) WHERE reversed_at IS NULL;
CREATE INDEX voucher_redemptions_at ON voucher_redemptions(redeemed_at);
