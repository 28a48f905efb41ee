-- Work resumption (复工复产): for a major project or an enterprise of the
-- desk, the day work stopped and resumed, the workforce it needs, who was on
-- site day by day (the arrival rate, 人员到位率), the workers brought back
-- and how (point to point 专车, charter 包车, on their own), the
-- epidemic-control measures in place, and the desk's problems that block it.
--
-- Days are day numbers (clock.h).  A record's district is its project's or
-- enterprise's when it was made, for the statistics by district; its
-- industry is read from the project or enterprise.
CREATE TABLE resumptions (
  id                INTEGER PRIMARY KEY,
  project_id        INTEGER UNIQUE REFERENCES projects(id),  -- NULL: an enterprise's own record
  enterprise_id     INTEGER NOT NULL REFERENCES enterprises(id),
  district_org_id   INTEGER NOT NULL REFERENCES orgs(id),
  stopped_on        INTEGER,            -- the first working day the site should have worked and did not
  resumed_on        INTEGER,            -- NULL: not yet resumed
  workforce_needed  INTEGER NOT NULL CHECK (workforce_needed > 0),
  note              TEXT,
  created_by        INTEGER NOT NULL REFERENCES users(id),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  CHECK (resumed_on IS NULL OR stopped_on IS NULL OR stopped_on <= resumed_on)
);
-- One record for an enterprise itself, besides those of its projects.
CREATE UNIQUE INDEX resumptions_enterprise ON resumptions(enterprise_id) WHERE project_id IS NULL;
CREATE INDEX resumptions_district ON resumptions(district_org_id, resumed_on);

-- Who was on site each day, and the workers brought back that day by each way.
CREATE TABLE resumption_days (
  resumption_id     INTEGER NOT NULL REFERENCES resumptions(id),
  day               INTEGER NOT NULL,
  on_site           INTEGER NOT NULL CHECK (on_site >= 0),
  back_point_to_point INTEGER NOT NULL DEFAULT 0 CHECK (back_point_to_point >= 0),  -- 点对点专车
  back_charter      INTEGER NOT NULL DEFAULT 0 CHECK (back_charter >= 0),           -- 包车
  back_own          INTEGER NOT NULL DEFAULT 0 CHECK (back_own >= 0),               -- 自行返岗
  recorded_by       INTEGER NOT NULL REFERENCES users(id),
  recorded_at       INTEGER NOT NULL,
  PRIMARY KEY (resumption_id, day)
) WITHOUT ROWID;

-- The epidemic-control measures in place, from the checklist in resumption.c.
CREATE TABLE resumption_measures (
  resumption_id  INTEGER NOT NULL REFERENCES resumptions(id),
  measure        TEXT NOT NULL,
  PRIMARY KEY (resumption_id, measure)
) WITHOUT ROWID;

-- Problems blocking resumption live on the desk; a record links them.
CREATE TABLE resumption_problems (
  resumption_id  INTEGER NOT NULL REFERENCES resumptions(id),
  problem_id     INTEGER NOT NULL REFERENCES problems(id),
  linked_by      INTEGER NOT NULL REFERENCES users(id),
  linked_at      INTEGER NOT NULL,
  PRIMARY KEY (resumption_id, problem_id)
) WITHOUT ROWID;
