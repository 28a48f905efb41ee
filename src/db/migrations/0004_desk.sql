-- The problem desk (问题没解决,服务不停止): enterprises, their problems, who
-- owns each problem, every hand-over, deadlines in working days and escalation.

CREATE TABLE enterprises (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL,
  credit_code    TEXT NOT NULL UNIQUE,                -- GB 32100-2015, checked
  org_id         INTEGER NOT NULL REFERENCES orgs(id), -- the district it belongs to
  industry       TEXT NOT NULL,
  contact_name   TEXT NOT NULL,
  contact_phone  TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE INDEX enterprises_org ON enterprises(org_id);

-- Accounts of the enterprise role act for one enterprise.
CREATE TABLE enterprise_users (
  user_id        INTEGER PRIMARY KEY REFERENCES users(id),
  enterprise_id  INTEGER NOT NULL REFERENCES enterprises(id)
);

-- Categories are data: their names and the working days to accept, answer and solve.
CREATE TABLE problem_categories (
  code          TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  accept_days   INTEGER NOT NULL,
  answer_days   INTEGER NOT NULL,
  solve_days    INTEGER NOT NULL,
  sort          INTEGER NOT NULL
);
INSERT INTO problem_categories VALUES
  ('land',       '用地',     1, 5, 20, 1),
  ('financing',  '融资',     1, 5, 15, 2),
  ('labour',     '用工',     1, 3, 10, 3),
  ('approvals',  '审批',     1, 3, 10, 4),
  ('utilities',  '水电气',   1, 3, 10, 5),
  ('policy',     '政策',     1, 5, 15, 6),
  ('other',      '其他',     1, 5, 15, 7);

-- Routing: a category (and optionally the enterprise's district) picks the
-- department.  The most specific rule wins: district rules before city-wide.
CREATE TABLE problem_routes (
  id                 INTEGER PRIMARY KEY,
  category           TEXT NOT NULL REFERENCES problem_categories(code),
  district_org_id    INTEGER REFERENCES orgs(id),         -- NULL: any district
  department_org_id  INTEGER NOT NULL REFERENCES orgs(id),
  UNIQUE (category, district_org_id)
);

CREATE TABLE problems (
  id                 INTEGER PRIMARY KEY,
  enterprise_id      INTEGER NOT NULL REFERENCES enterprises(id),
  category           TEXT NOT NULL REFERENCES problem_categories(code),
  title              TEXT NOT NULL,
  description        TEXT NOT NULL,
  project_ref        TEXT,                                -- a major project's code, when about one
  lead_ref           TEXT,                                -- an investment lead, when about one
  raised_by          INTEGER NOT NULL REFERENCES users(id),
  district_org_id    INTEGER NOT NULL REFERENCES orgs(id),
  department_org_id  INTEGER NOT NULL REFERENCES orgs(id), -- who owns it now
  status             TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'in_progress', 'answered', 'closed')),
  escalation         INTEGER NOT NULL DEFAULT 0,           -- 0 department, 1 district leadership, 2 city
  reopened           INTEGER NOT NULL DEFAULT 0,
  accept_due         INTEGER NOT NULL,
  answer_due         INTEGER NOT NULL,
  solve_due          INTEGER NOT NULL,
  accepted_at        INTEGER,
  answered_at        INTEGER,
  closed_at          INTEGER,
  rating             INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_comment     TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE INDEX problems_department ON problems(department_org_id, status);
CREATE INDEX problems_district ON problems(district_org_id, status);
CREATE INDEX problems_enterprise ON problems(enterprise_id);
CREATE INDEX problems_open_due ON problems(status, accept_due, answer_due);

-- Everything that happened to a problem, in order: nothing is lost between
-- districts and departments.
CREATE TABLE problem_events (
  id          INTEGER PRIMARY KEY,
  problem_id  INTEGER NOT NULL REFERENCES problems(id),
  at          INTEGER NOT NULL,
  actor_id    INTEGER NOT NULL,                          -- users.id, 0 for the system (escalation)
  actor       TEXT NOT NULL,
  kind        TEXT NOT NULL,                             -- submit, accept, start, answer, confirm, reopen, route, escalate, comment
  from_status TEXT,
  to_status   TEXT,
  from_org_id INTEGER,
  to_org_id   INTEGER,
  text        TEXT
);
CREATE INDEX problem_events_problem ON problem_events(problem_id, id);

CREATE TABLE problem_attachments (
  id            INTEGER PRIMARY KEY,
  problem_id    INTEGER NOT NULL REFERENCES problems(id),
  name          TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  size          INTEGER NOT NULL,
  data          BLOB NOT NULL,
  created_at    INTEGER NOT NULL
);
