-- Quarantine sites and their supplies (隔离点物资保障): the sites and their
-- working groups, a catalogue of supplies, and a stock ledger for the central
-- store and every site.  Days are day numbers (core/clock.h).

-- Settings of the supplies: red_days, a site and item with fewer days of
-- cover than this is red (its requests go to the top of the store's queue).
CREATE TABLE supply_settings (
  key    TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);
INSERT INTO supply_settings(key, value) VALUES ('red_days', 3);

-- The catalogue: what is stocked and counted in which unit.
CREATE TABLE supply_items (
  id        INTEGER PRIMARY KEY,
  code      TEXT NOT NULL UNIQUE,
  name      TEXT NOT NULL,
  unit      TEXT NOT NULL,
  category  TEXT NOT NULL CHECK (category IN ('protection', 'disinfection', 'testing'))
);
INSERT INTO supply_items(id, code, name, unit, category) VALUES
  (1, 'n95', 'N95口罩', '只', 'protection'),
  (2, 'surgical_mask', '医用外科口罩', '只', 'protection'),
  (3, 'suit', '医用防护服', '套', 'protection'),
  (4, 'gown', '隔离衣', '件', 'protection'),
  (5, 'goggles', '护目镜', '副', 'protection'),
  (6, 'face_shield', '防护面屏', '个', 'protection'),
  (7, 'gloves', '医用检查手套', '双', 'protection'),
  (8, 'shoe_covers', '鞋套', '双', 'protection'),
  (9, 'chlorine', '含氯消毒片', '瓶', 'disinfection'),
  (10, 'alcohol', '75%酒精', '瓶', 'disinfection'),
  (11, 'hand_sanitizer', '免洗手消毒液', '瓶', 'disinfection'),
  (12, 'thermometer', '红外额温枪', '支', 'testing');

-- A holder of stock: the central store (kind 'store') or a quarantine site,
-- in a district (org_id; the city for the store).
CREATE TABLE supply_sites (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('store', 'site')),
  name        TEXT NOT NULL UNIQUE,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  address     TEXT NOT NULL,
  capacity    INTEGER NOT NULL CHECK (capacity >= 0),   -- rooms (0 for a store)
  created_at  INTEGER NOT NULL
);
CREATE INDEX supply_sites_org ON supply_sites(org_id);

-- People staying at a site, day by day.
CREATE TABLE supply_occupancy (
  site_id    INTEGER NOT NULL REFERENCES supply_sites(id),
  day        INTEGER NOT NULL,
  occupants  INTEGER NOT NULL CHECK (occupants >= 0),
  PRIMARY KEY (site_id, day)
);

-- The members of a site's four working groups: 医疗保障 (medical),
-- 消杀物资 (disinfection and supplies), 后勤保障 (logistics), 软件管理
-- (software).  A member linked to a banyan user acts for the site: sees its
-- stock and requests, records issues and consumption, raises requests.
CREATE TABLE supply_members (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES supply_sites(id),
  team        TEXT NOT NULL CHECK (team IN ('medical', 'disinfection', 'logistics', 'software')),
  name        TEXT NOT NULL,
  post        TEXT NOT NULL,
  phone       TEXT,
  lead        INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1)),   -- 组长
  user_id     INTEGER REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  UNIQUE (site_id, user_id)
);
CREATE INDEX supply_members_user ON supply_members(user_id);

-- Stock on hand: the sum of the ledger's quantities per holder and item,
-- written in the same transaction as each entry.  Goods leave only through
-- UPDATE ... SET quantity = quantity - n WHERE quantity >= n, so that of two
-- storekeepers taking the last box at once one wins, on SQLite and on
-- PostgreSQL alike; the CHECK is the last line.
CREATE TABLE supply_stock (
  site_id   INTEGER NOT NULL REFERENCES supply_sites(id),
  item_id   INTEGER NOT NULL REFERENCES supply_items(id),
  quantity  INTEGER NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (site_id, item_id)
);

-- Goods received: bought from a supplier or donated (then acknowledged with
-- a numbered receipt, 受赠凭证, the number unique).
CREATE TABLE supply_receipts (
  id           INTEGER PRIMARY KEY,
  number       TEXT NOT NULL UNIQUE,
  site_id      INTEGER NOT NULL REFERENCES supply_sites(id),
  source       TEXT NOT NULL CHECK (source IN ('purchase', 'donation')),
  party        TEXT NOT NULL,                 -- the supplier or the donor
  received_on  INTEGER NOT NULL,
  note         TEXT,
  actor_id     INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);

-- A site's request for supplies; urgency 'normal', 'urgent' or 'critical'.
CREATE TABLE supply_requests (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES supply_sites(id),
  urgency     TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
  note        TEXT,
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fulfilled')),
  actor_id    INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX supply_requests_site ON supply_requests(site_id, id);
CREATE INDEX supply_requests_status ON supply_requests(status, id);

-- What a request asks for and what has been sent of it so far: sent grows
-- by a conditional write (never past quantity, however many fulfil at once).
CREATE TABLE supply_request_lines (
  request_id  INTEGER NOT NULL REFERENCES supply_requests(id),
  item_id     INTEGER NOT NULL REFERENCES supply_items(id),
  quantity    INTEGER NOT NULL CHECK (quantity > 0),
  sent        INTEGER NOT NULL DEFAULT 0 CHECK (sent >= 0 AND sent <= quantity),
  PRIMARY KEY (request_id, item_id)
);

-- Goods sent from a store to a site against a request: out of the store when
-- sent, into the site's stock when the site confirms receipt.
CREATE TABLE supply_transfers (
  id           INTEGER PRIMARY KEY,
  request_id   INTEGER NOT NULL REFERENCES supply_requests(id),
  from_id      INTEGER NOT NULL REFERENCES supply_sites(id),
  to_id        INTEGER NOT NULL REFERENCES supply_sites(id),
  sent_by      INTEGER NOT NULL,
  sent_at      INTEGER NOT NULL,
  received_by  INTEGER,
  received_at  INTEGER,
  CHECK ((received_by IS NULL) = (received_at IS NULL))
);
CREATE INDEX supply_transfers_request ON supply_transfers(request_id);

-- The ledger: every movement of stock, signed (in > 0, out < 0).  A day's
-- consumption is one entry per site and item (0: reported, none used).
CREATE TABLE supply_ledger (
  id           INTEGER PRIMARY KEY,
  site_id      INTEGER NOT NULL REFERENCES supply_sites(id),
  item_id      INTEGER NOT NULL REFERENCES supply_items(id),
  day          INTEGER NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('receipt', 'transfer_out', 'transfer_in', 'issue', 'consume')),
  quantity     INTEGER NOT NULL,
  receipt_id   INTEGER REFERENCES supply_receipts(id),
  transfer_id  INTEGER REFERENCES supply_transfers(id),
  batch        TEXT,
  expires_on   INTEGER,
  issued_to    TEXT,
  actor_id     INTEGER NOT NULL,
  at           INTEGER NOT NULL,
  CHECK (CASE kind WHEN 'receipt' THEN quantity > 0 AND receipt_id IS NOT NULL
                   WHEN 'transfer_in' THEN quantity > 0 AND transfer_id IS NOT NULL
                   WHEN 'transfer_out' THEN quantity < 0 AND transfer_id IS NOT NULL
                   WHEN 'issue' THEN quantity < 0
                   ELSE quantity <= 0 END)
);
CREATE INDEX supply_ledger_site ON supply_ledger(site_id, id);
-- One consumption a day per site and item.
CREATE UNIQUE INDEX supply_ledger_consumed_once ON supply_ledger(day, site_id, item_id) WHERE kind = 'consume';
-- Days of cover read the recent days of every site's consumption as one range of this index alone.
CREATE INDEX supply_ledger_consumed ON supply_ledger(day, site_id, item_id, quantity) WHERE kind = 'consume';
