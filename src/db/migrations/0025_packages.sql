-- Projects after completion: packages (项目包, e.g. a water-system package
-- of many rivers) and their operation and maintenance (长效运营管护).
--
-- A package groups parts (each river) under one owner and one agent; a part
-- may be a registered project.  Its progress is the parts' progress weighted
-- by their investment, worked out when read, so it is never stale.  The
-- operation licence (运营许可证) is the package's last milestone: recorded
-- once, when every part is built, it moves the package into operation.  A
-- single project in operation is a package of one part.
--
-- Days are day numbers (clock.h), instants Unix seconds.
CREATE TABLE packages (
  id                INTEGER PRIMARY KEY,
  code              TEXT NOT NULL UNIQUE,
  name              TEXT NOT NULL,
  kind              TEXT NOT NULL,                           -- 水系治理, 道路 ...
  district_org_id   INTEGER NOT NULL REFERENCES orgs(id),
  enterprise_id     INTEGER NOT NULL REFERENCES enterprises(id),  -- the owner (业主)
  agent_id          INTEGER NOT NULL REFERENCES users(id),
  stage             TEXT NOT NULL DEFAULT 'construction' CHECK (stage IN ('construction', 'operating')),
  licence_number    TEXT,
  licence_issuer    TEXT,
  licence_on        INTEGER,
  created_at        INTEGER NOT NULL
);
CREATE INDEX packages_district ON packages(district_org_id);
CREATE INDEX packages_enterprise ON packages(enterprise_id);

CREATE TABLE package_parts (
  id              INTEGER PRIMARY KEY,
  package_id      INTEGER NOT NULL REFERENCES packages(id),
  name            TEXT NOT NULL,
  project_id      INTEGER REFERENCES projects(id),
  investment_wan  INTEGER NOT NULL CHECK (investment_wan > 0),   -- 万元: the part's weight in the roll-up
  progress        INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),  -- per cent built
  UNIQUE (package_id, name)
);

-- The maintenance regime: what is inspected and how often; the next
-- inspection is due on next_due, and is overdue (red) the day after.
CREATE TABLE package_checks (
  id          INTEGER PRIMARY KEY,
  package_id  INTEGER NOT NULL REFERENCES packages(id),
  what        TEXT NOT NULL,
  every_days  INTEGER NOT NULL CHECK (every_days BETWEEN 1 AND 366),
  next_due    INTEGER NOT NULL,
  UNIQUE (package_id, what)
);
CREATE INDEX package_checks_due ON package_checks(package_id, next_due);

CREATE TABLE package_inspections (
  id          INTEGER PRIMARY KEY,
  package_id  INTEGER NOT NULL REFERENCES packages(id),
  check_id    INTEGER NOT NULL REFERENCES package_checks(id),
  part_id     INTEGER REFERENCES package_parts(id),
  done_on     INTEGER NOT NULL,
  finding     TEXT NOT NULL,
  normal      INTEGER NOT NULL,                              -- 1: found in normal operation
  done_by     INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL
);
CREATE INDEX package_inspections_package ON package_inspections(package_id, id);

-- Photos of an inspection, checked as the desk's attachments are.
CREATE TABLE package_photos (
  id             INTEGER PRIMARY KEY,
  inspection_id  INTEGER NOT NULL REFERENCES package_inspections(id),
  name           TEXT NOT NULL,
  content_type   TEXT NOT NULL,
  size           INTEGER NOT NULL,
  data           BLOB NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX package_photos_inspection ON package_photos(inspection_id);

-- Defects raised to the owner, followed until fixed.  A part with an open
-- defect that stops it (severity 'major') is not in normal operation.
CREATE TABLE package_defects (
  id             INTEGER PRIMARY KEY,
  package_id     INTEGER NOT NULL REFERENCES packages(id),
  part_id        INTEGER REFERENCES package_parts(id),
  inspection_id  INTEGER REFERENCES package_inspections(id),
  description    TEXT NOT NULL,
  severity       TEXT NOT NULL CHECK (severity IN ('minor', 'major')),
  raised_on      INTEGER NOT NULL,
  due_on         INTEGER NOT NULL,
  state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'fixed')),
  fixed_on       INTEGER,
  fix_note       TEXT,
  raised_by      INTEGER NOT NULL REFERENCES users(id),
  fixed_by       INTEGER REFERENCES users(id)
);
CREATE INDEX package_defects_open ON package_defects(package_id, state);
