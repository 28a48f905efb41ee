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
-- The statistics count a group's red and yellow projects (by district,
-- level, industry and stage, as in project_totals) in a range of these.
CREATE INDEX projects_red ON projects(district_org_id, level, industry, stage, red_at);
CREATE INDEX projects_yellow ON projects(district_org_id, level, industry, stage, yellow_at, red_at);

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
-- Late and nearly late items, counted for the statistics in a range of
-- these by district, department and catalogue item (as in project_item_totals).
CREATE INDEX project_items_red ON project_items(district_org_id, department_org_id, item_code, red_at)
  WHERE red_at IS NOT NULL;
CREATE INDEX project_items_yellow ON project_items(district_org_id, department_org_id, item_code, yellow_at, red_at)
  WHERE yellow_at IS NOT NULL;
-- The longest an item took in a district is one step into this index.
CREATE INDEX project_items_code ON project_items(item_code, district_org_id, working_days);

-- Running totals for the statistics (GET /api/v1/projects/stats and
-- /analysis), kept by the triggers below in the transaction that changes a
-- project or an item, so they are exact and never stale: with 100,000
-- projects and 2,000,000 items, adding the items up for each request takes
-- seconds.  What depends on the hour (lights) is not here: the statistics
-- count it, for each totals row, in a range of the red_at/yellow_at indexes.
--   project_totals: projects and their items by district, level, industry
--     and stage (every dimension the statistics group projects by).
--   project_item_totals: items by district, department and catalogue item.
--   project_departments: how many items a project has with a department,
--     so project_department_totals can count the projects a department
--     works on (count DISTINCT) as items come and go.
CREATE TABLE project_totals (
  district_org_id  INTEGER NOT NULL,
  level            TEXT NOT NULL,
  industry         TEXT NOT NULL,
  stage            TEXT NOT NULL,
  projects         INTEGER NOT NULL DEFAULT 0,
  investment_wan   INTEGER NOT NULL DEFAULT 0,
  items_done       INTEGER NOT NULL DEFAULT 0,
  items_on_time    INTEGER NOT NULL DEFAULT 0,
  items_days       INTEGER NOT NULL DEFAULT 0,   -- sum of working_days
  items_open       INTEGER NOT NULL DEFAULT 0,   -- status <> 'done'
  PRIMARY KEY (district_org_id, level, industry, stage)
) WITHOUT ROWID;

CREATE TABLE project_item_totals (
  district_org_id    INTEGER NOT NULL,
  department_org_id  INTEGER NOT NULL,
  item_code          TEXT NOT NULL,
  items_done         INTEGER NOT NULL DEFAULT 0,
  items_on_time      INTEGER NOT NULL DEFAULT 0,
  items_days         INTEGER NOT NULL DEFAULT 0,
  items_days_n       INTEGER NOT NULL DEFAULT 0, -- items with working_days, for the average
  items_open         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (district_org_id, department_org_id, item_code)
) WITHOUT ROWID;

CREATE TABLE project_departments (
  project_id         INTEGER NOT NULL,
  department_org_id  INTEGER NOT NULL,
  district_org_id    INTEGER NOT NULL,
  items              INTEGER NOT NULL,
  PRIMARY KEY (project_id, department_org_id)
) WITHOUT ROWID;

CREATE TABLE project_department_totals (
  district_org_id    INTEGER NOT NULL,
  department_org_id  INTEGER NOT NULL,
  projects           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (district_org_id, department_org_id)
) WITHOUT ROWID;

-- sqlite only (PostgreSQL: 0006_projects.postgres.sql)
CREATE TRIGGER projects_totals_insert AFTER INSERT ON projects BEGIN
  INSERT INTO project_totals(district_org_id, level, industry, stage, projects, investment_wan)
    VALUES (NEW.district_org_id, NEW.level, NEW.industry, NEW.stage, 1, NEW.investment_wan)
    ON CONFLICT DO UPDATE SET projects = projects + 1, investment_wan = investment_wan + excluded.investment_wan;
END;

CREATE TRIGGER projects_totals_delete AFTER DELETE ON projects BEGIN
  UPDATE project_totals SET projects = projects - 1, investment_wan = investment_wan - OLD.investment_wan
    WHERE district_org_id = OLD.district_org_id AND level = OLD.level AND industry = OLD.industry AND stage = OLD.stage;
END;

-- A project moving to another group takes its items' totals along.
CREATE TRIGGER projects_totals_update
AFTER UPDATE OF district_org_id, level, industry, stage, investment_wan ON projects BEGIN
  UPDATE project_totals SET projects = projects - 1, investment_wan = investment_wan - OLD.investment_wan,
    items_done = items_done - (SELECT count(*) FILTER (WHERE status = 'done') FROM project_items WHERE project_id = OLD.id),
    items_on_time = items_on_time - (SELECT coalesce(sum(on_time), 0) FROM project_items WHERE project_id = OLD.id),
    items_days = items_days - (SELECT coalesce(sum(working_days), 0) FROM project_items WHERE project_id = OLD.id),
    items_open = items_open - (SELECT count(*) FILTER (WHERE status <> 'done') FROM project_items WHERE project_id = OLD.id)
    WHERE district_org_id = OLD.district_org_id AND level = OLD.level AND industry = OLD.industry AND stage = OLD.stage;
  INSERT INTO project_totals(district_org_id, level, industry, stage, projects, investment_wan, items_done, items_on_time,
      items_days, items_open)
    SELECT NEW.district_org_id, NEW.level, NEW.industry, NEW.stage, 1, NEW.investment_wan,
      count(*) FILTER (WHERE status = 'done'), coalesce(sum(on_time), 0), coalesce(sum(working_days), 0),
      count(*) FILTER (WHERE status <> 'done')
    FROM project_items WHERE project_id = NEW.id
    ON CONFLICT DO UPDATE SET projects = projects + 1, investment_wan = investment_wan + excluded.investment_wan,
      items_done = items_done + excluded.items_done, items_on_time = items_on_time + excluded.items_on_time,
      items_days = items_days + excluded.items_days, items_open = items_open + excluded.items_open;
END;

CREATE TRIGGER project_items_totals_insert AFTER INSERT ON project_items BEGIN
  UPDATE project_totals SET items_done = items_done + (NEW.status = 'done'),
    items_on_time = items_on_time + coalesce(NEW.on_time, 0), items_days = items_days + coalesce(NEW.working_days, 0),
    items_open = items_open + (NEW.status <> 'done')
    WHERE (district_org_id, level, industry, stage) = (SELECT district_org_id, level, industry, stage FROM projects WHERE id = NEW.project_id);
  INSERT INTO project_item_totals VALUES (NEW.district_org_id, NEW.department_org_id, NEW.item_code, NEW.status = 'done',
      coalesce(NEW.on_time, 0), coalesce(NEW.working_days, 0), NEW.working_days IS NOT NULL, NEW.status <> 'done')
    ON CONFLICT DO UPDATE SET items_done = items_done + excluded.items_done, items_on_time = items_on_time + excluded.items_on_time,
      items_days = items_days + excluded.items_days, items_days_n = items_days_n + excluded.items_days_n,
      items_open = items_open + excluded.items_open;
  INSERT INTO project_departments VALUES (NEW.project_id, NEW.department_org_id, NEW.district_org_id, 1)
    ON CONFLICT DO UPDATE SET items = items + 1;
  INSERT INTO project_department_totals SELECT NEW.district_org_id, NEW.department_org_id, 1
    WHERE (SELECT items FROM project_departments WHERE project_id = NEW.project_id AND department_org_id = NEW.department_org_id) = 1
    ON CONFLICT DO UPDATE SET projects = projects + 1;
END;

CREATE TRIGGER project_items_totals_delete AFTER DELETE ON project_items BEGIN
  UPDATE project_totals SET items_done = items_done - (OLD.status = 'done'),
    items_on_time = items_on_time - coalesce(OLD.on_time, 0), items_days = items_days - coalesce(OLD.working_days, 0),
    items_open = items_open - (OLD.status <> 'done')
    WHERE (district_org_id, level, industry, stage) = (SELECT district_org_id, level, industry, stage FROM projects WHERE id = OLD.project_id);
  UPDATE project_item_totals SET items_done = items_done - (OLD.status = 'done'),
    items_on_time = items_on_time - coalesce(OLD.on_time, 0), items_days = items_days - coalesce(OLD.working_days, 0),
    items_days_n = items_days_n - (OLD.working_days IS NOT NULL), items_open = items_open - (OLD.status <> 'done')
    WHERE district_org_id = OLD.district_org_id AND department_org_id = OLD.department_org_id AND item_code = OLD.item_code;
  UPDATE project_departments SET items = items - 1
    WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id;
  UPDATE project_department_totals SET projects = projects - 1
    WHERE district_org_id = OLD.district_org_id AND department_org_id = OLD.department_org_id
    AND (SELECT items FROM project_departments WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id) = 0;
  DELETE FROM project_departments WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id AND items = 0;
END;

-- Progress moves an item's counts; the same steps as a delete and an insert.
CREATE TRIGGER project_items_totals_update
AFTER UPDATE OF status, on_time, working_days, district_org_id, department_org_id, item_code ON project_items BEGIN
  UPDATE project_totals SET items_done = items_done - (OLD.status = 'done') + (NEW.status = 'done'),
    items_on_time = items_on_time - coalesce(OLD.on_time, 0) + coalesce(NEW.on_time, 0),
    items_days = items_days - coalesce(OLD.working_days, 0) + coalesce(NEW.working_days, 0),
    items_open = items_open - (OLD.status <> 'done') + (NEW.status <> 'done')
    WHERE (district_org_id, level, industry, stage) = (SELECT district_org_id, level, industry, stage FROM projects WHERE id = NEW.project_id);
  UPDATE project_item_totals SET items_done = items_done - (OLD.status = 'done'),
    items_on_time = items_on_time - coalesce(OLD.on_time, 0), items_days = items_days - coalesce(OLD.working_days, 0),
    items_days_n = items_days_n - (OLD.working_days IS NOT NULL), items_open = items_open - (OLD.status <> 'done')
    WHERE district_org_id = OLD.district_org_id AND department_org_id = OLD.department_org_id AND item_code = OLD.item_code;
  INSERT INTO project_item_totals VALUES (NEW.district_org_id, NEW.department_org_id, NEW.item_code, NEW.status = 'done',
      coalesce(NEW.on_time, 0), coalesce(NEW.working_days, 0), NEW.working_days IS NOT NULL, NEW.status <> 'done')
    ON CONFLICT DO UPDATE SET items_done = items_done + excluded.items_done, items_on_time = items_on_time + excluded.items_on_time,
      items_days = items_days + excluded.items_days, items_days_n = items_days_n + excluded.items_days_n,
      items_open = items_open + excluded.items_open;
END;

CREATE TRIGGER project_items_departments_update
AFTER UPDATE OF district_org_id, department_org_id ON project_items
WHEN OLD.district_org_id IS NOT NEW.district_org_id OR OLD.department_org_id IS NOT NEW.department_org_id BEGIN
  UPDATE project_departments SET items = items - 1
    WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id;
  UPDATE project_department_totals SET projects = projects - 1
    WHERE district_org_id = OLD.district_org_id AND department_org_id = OLD.department_org_id
    AND (SELECT items FROM project_departments WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id) = 0;
  DELETE FROM project_departments WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id AND items = 0;
  INSERT INTO project_departments VALUES (NEW.project_id, NEW.department_org_id, NEW.district_org_id, 1)
    ON CONFLICT DO UPDATE SET items = items + 1, district_org_id = excluded.district_org_id;
  INSERT INTO project_department_totals SELECT NEW.district_org_id, NEW.department_org_id, 1
    WHERE (SELECT items FROM project_departments WHERE project_id = NEW.project_id AND department_org_id = NEW.department_org_id) = 1
    ON CONFLICT DO UPDATE SET projects = projects + 1;
END;
-- end sqlite only

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

-- Problems on projects by the project's district, the department that owns
-- them and category, for the problem analysis: kept like project_totals, by
-- triggers on problems (a problem counts once its project_ref names a
-- registered project) and on projects (registered after its problems, or
-- moved to another district).
CREATE TABLE project_problem_totals (
  district_org_id    INTEGER NOT NULL,  -- the project's
  department_org_id  INTEGER NOT NULL,
  category           TEXT NOT NULL,
  problems           INTEGER NOT NULL DEFAULT 0,
  unsolved           INTEGER NOT NULL DEFAULT 0,  -- status <> 'closed'
  PRIMARY KEY (district_org_id, department_org_id, category)
) WITHOUT ROWID;

-- sqlite only (PostgreSQL: 0006_projects.postgres.sql)
CREATE TRIGGER problems_project_totals_insert AFTER INSERT ON problems WHEN NEW.project_ref IS NOT NULL BEGIN
  INSERT INTO project_problem_totals SELECT p.district_org_id, NEW.department_org_id, NEW.category, 1, NEW.status <> 'closed'
    FROM projects p WHERE p.code = NEW.project_ref
    ON CONFLICT DO UPDATE SET problems = problems + 1, unsolved = unsolved + excluded.unsolved;
END;

CREATE TRIGGER problems_project_totals_delete AFTER DELETE ON problems WHEN OLD.project_ref IS NOT NULL BEGIN
  UPDATE project_problem_totals SET problems = problems - 1, unsolved = unsolved - (OLD.status <> 'closed')
    WHERE district_org_id = (SELECT district_org_id FROM projects WHERE code = OLD.project_ref)
    AND department_org_id = OLD.department_org_id AND category = OLD.category;
END;

CREATE TRIGGER problems_project_totals_update AFTER UPDATE OF project_ref, department_org_id, category, status ON problems
WHEN OLD.project_ref IS NOT NULL OR NEW.project_ref IS NOT NULL BEGIN
  UPDATE project_problem_totals SET problems = problems - 1, unsolved = unsolved - (OLD.status <> 'closed')
    WHERE district_org_id = (SELECT district_org_id FROM projects WHERE code = OLD.project_ref)
    AND department_org_id = OLD.department_org_id AND category = OLD.category;
  INSERT INTO project_problem_totals SELECT p.district_org_id, NEW.department_org_id, NEW.category, 1, NEW.status <> 'closed'
    FROM projects p WHERE p.code = NEW.project_ref
    ON CONFLICT DO UPDATE SET problems = problems + 1, unsolved = unsolved + excluded.unsolved;
END;

CREATE TRIGGER projects_problem_totals_insert AFTER INSERT ON projects BEGIN
  INSERT INTO project_problem_totals
    SELECT NEW.district_org_id, q.department_org_id, q.category, count(*), count(*) FILTER (WHERE q.status <> 'closed')
    FROM problems q WHERE q.project_ref = NEW.code GROUP BY q.department_org_id, q.category
    ON CONFLICT DO UPDATE SET problems = problems + excluded.problems, unsolved = unsolved + excluded.unsolved;
END;

CREATE TRIGGER projects_problem_totals_update AFTER UPDATE OF code, district_org_id ON projects BEGIN
  UPDATE project_problem_totals SET
    problems = problems - (SELECT count(*) FROM problems q WHERE q.project_ref = OLD.code
      AND q.department_org_id = project_problem_totals.department_org_id AND q.category = project_problem_totals.category),
    unsolved = unsolved - (SELECT count(*) FROM problems q WHERE q.project_ref = OLD.code AND q.status <> 'closed'
      AND q.department_org_id = project_problem_totals.department_org_id AND q.category = project_problem_totals.category)
    WHERE district_org_id = OLD.district_org_id;
  INSERT INTO project_problem_totals
    SELECT NEW.district_org_id, q.department_org_id, q.category, count(*), count(*) FILTER (WHERE q.status <> 'closed')
    FROM problems q WHERE q.project_ref = NEW.code GROUP BY q.department_org_id, q.category
    ON CONFLICT DO UPDATE SET problems = problems + excluded.problems, unsolved = unsolved + excluded.unsolved;
END;

CREATE TRIGGER projects_problem_totals_delete AFTER DELETE ON projects BEGIN
  UPDATE project_problem_totals SET
    problems = problems - (SELECT count(*) FROM problems q WHERE q.project_ref = OLD.code
      AND q.department_org_id = project_problem_totals.department_org_id AND q.category = project_problem_totals.category),
    unsolved = unsolved - (SELECT count(*) FROM problems q WHERE q.project_ref = OLD.code AND q.status <> 'closed'
      AND q.department_org_id = project_problem_totals.department_org_id AND q.category = project_problem_totals.category)
    WHERE district_org_id = OLD.district_org_id;
END;
-- end sqlite only
