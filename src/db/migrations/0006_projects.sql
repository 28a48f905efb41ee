-- Major projects under the cloud agency (重大项目"云代办"): the approval
-- catalogue, projects, their plans (every version kept), approval items and
-- milestones with their lights, follow-ups and inspections.
--
-- Days are day numbers (clock.h), instants Unix seconds.  A light is two
-- instants, red_at and yellow_at (NULL: never), so the light at any moment
-- is a comparison, a list can be filtered by light through an index, and
-- nothing has to be rewritten when midnight passes.

CREATE TABLE approval_items (
  code               TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  department_org_id  INTEGER NOT NULL REFERENCES orgs(id),  -- the city's department
  local_suffix       TEXT,                                  -- a district's own bureau handles it when it has one
  limit_days         INTEGER NOT NULL CHECK (limit_days BETWEEN 0 AND 365),
  limit_hours        INTEGER NOT NULL CHECK (limit_hours BETWEEN 0 AND 72),
  gate               TEXT NOT NULL CHECK (gate IN ('start', 'structure', 'complete', 'produce')),
  sort               INTEGER NOT NULL,
  active             INTEGER NOT NULL DEFAULT 1,
  CHECK ((limit_days > 0) <> (limit_hours > 0))
);

CREATE TABLE approval_prereqs (
  item      TEXT NOT NULL REFERENCES approval_items(code),
  requires  TEXT NOT NULL REFERENCES approval_items(code),
  PRIMARY KEY (item, requires)
);

CREATE TABLE project_settings (
  key    TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);
INSERT INTO project_settings VALUES ('yellow_days', 3);

CREATE TABLE projects (
  id                INTEGER PRIMARY KEY,
  code              TEXT NOT NULL UNIQUE,                  -- 投资项目代码, checked
  name              TEXT NOT NULL,
  enterprise_id     INTEGER NOT NULL REFERENCES enterprises(id),
  district_org_id   INTEGER NOT NULL REFERENCES orgs(id),
  industry          TEXT NOT NULL,
  investment_wan    INTEGER NOT NULL CHECK (investment_wan >= 0),  -- 万元
  level             TEXT NOT NULL CHECK (level IN ('provincial', 'municipal', 'ordinary')),
  agent_id          INTEGER NOT NULL REFERENCES users(id),
  official_id       INTEGER REFERENCES users(id),
  stage             TEXT NOT NULL DEFAULT 'approvals'
                    CHECK (stage IN ('approvals', 'construction', 'completed', 'operating')),
  query_code        TEXT NOT NULL,                         -- given to the owner for the public progress query
  created_on        INTEGER NOT NULL,                      -- day from which dates may be recorded
  plan_version      INTEGER NOT NULL DEFAULT 0,
  feasible          INTEGER,                               -- of the current plan
  shortfall_days    INTEGER,
  red_at            INTEGER,
  yellow_at         INTEGER,
  lead_ref          TEXT,                                  -- the investment lead it came from
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX projects_district ON projects(district_org_id);
CREATE INDEX projects_agent ON projects(agent_id);
CREATE INDEX projects_red ON projects(red_at);
CREATE INDEX projects_yellow ON projects(yellow_at);

-- Every plan ever made for a project; the items carry the current one's dates.
CREATE TABLE project_plans (
  id              INTEGER PRIMARY KEY,
  project_id      INTEGER NOT NULL REFERENCES projects(id),
  version         INTEGER NOT NULL,
  target_start    INTEGER,
  target_structure INTEGER,
  target_complete INTEGER,
  target_produce  INTEGER,
  feasible        INTEGER NOT NULL,
  shortfall_days  INTEGER NOT NULL,
  items           TEXT NOT NULL,                           -- JSON: each item's latest start and finish then
  reason          TEXT NOT NULL,
  made_by         INTEGER NOT NULL REFERENCES users(id),
  made_at         INTEGER NOT NULL,
  UNIQUE (project_id, version)
);

CREATE TABLE project_items (
  id                 INTEGER PRIMARY KEY,
  project_id         INTEGER NOT NULL REFERENCES projects(id),
  item_code          TEXT NOT NULL REFERENCES approval_items(code),
  district_org_id    INTEGER NOT NULL REFERENCES orgs(id),   -- the project's, for statistics without a join
  department_org_id  INTEGER NOT NULL REFERENCES orgs(id),
  limit_days         INTEGER NOT NULL,
  limit_hours        INTEGER NOT NULL,
  status             TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'accepted', 'returned', 'done', 'refused')),
  latest_start       INTEGER,
  latest_finish      INTEGER,
  earliest_finish    INTEGER,
  critical           INTEGER NOT NULL DEFAULT 0,
  accepted_at        INTEGER,                                -- first acceptance
  clock_from         INTEGER,                                -- when the statutory clock last started
  due_at             INTEGER,                                -- statutory deadline while the clock runs
  done_at            INTEGER,
  working_days       INTEGER,                                -- acceptance to done, on the calendar
  on_time            INTEGER,                                -- done within the statutory limit
  red_at             INTEGER,
  yellow_at          INTEGER,
  UNIQUE (project_id, item_code)
);
CREATE INDEX project_items_department ON project_items(department_org_id, status);
CREATE INDEX project_items_red ON project_items(red_at) WHERE red_at IS NOT NULL;
CREATE INDEX project_items_code ON project_items(item_code, status);

CREATE TABLE project_item_prereqs (
  item_id      INTEGER NOT NULL REFERENCES project_items(id),
  requires_id  INTEGER NOT NULL REFERENCES project_items(id),
  PRIMARY KEY (item_id, requires_id)
);

CREATE TABLE project_milestones (
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  kind        TEXT NOT NULL CHECK (kind IN ('start', 'structure', 'complete', 'produce')),
  target      INTEGER,
  actual      INTEGER,
  PRIMARY KEY (project_id, kind)
);

-- What happened, in order: plans, item transitions, milestones, stage moves.
CREATE TABLE project_events (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  item_id     INTEGER REFERENCES project_items(id),
  at          INTEGER NOT NULL,
  actor_id    INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  kind        TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT,
  text        TEXT
);
CREATE INDEX project_events_project ON project_events(project_id, id);

-- Follow-up service (跟踪服务): a visit, call or online meeting, and the next
-- action it promises.  Logging the next one on a project closes the earlier.
CREATE TABLE project_followups (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  agent_id     INTEGER NOT NULL REFERENCES users(id),
  kind         TEXT NOT NULL CHECK (kind IN ('visit', 'call', 'online')),
  happened_on  INTEGER NOT NULL,
  summary      TEXT NOT NULL,
  next_action  TEXT,
  next_due     INTEGER,
  closed_at    INTEGER,
  created_at   INTEGER NOT NULL
);
CREATE INDEX project_followups_due ON project_followups(agent_id, next_due) WHERE closed_at IS NULL;
CREATE INDEX project_followups_project ON project_followups(project_id, id);

-- Inspections of a project in operation (the 29 rivers' long-term upkeep):
-- due on a day, optionally every so many days; logging one schedules the next.
CREATE TABLE project_inspections (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  title       TEXT NOT NULL,
  due         INTEGER NOT NULL,
  every_days  INTEGER NOT NULL DEFAULT 0,
  done_on     INTEGER,
  findings    TEXT,
  done_by     INTEGER REFERENCES users(id),
  created_at  INTEGER NOT NULL
);
CREATE INDEX project_inspections_project ON project_inspections(project_id, due);

-- Problems raised on a project live on the desk; find them by project code.
CREATE INDEX problems_project ON problems(project_ref) WHERE project_ref IS NOT NULL;
