-- Frontline assessment of officials (一线考核), the organisation
-- department's tool: officials, the central tasks (中心工作) they are put on,
-- and the frontline days they enter, each confirmed by a second person.
-- Days are day numbers (core/clock.h).

-- An official (干部): a person with a post in an organisation, linked to the
-- banyan user they sign in as where there is one (their platform records are
-- that user's).
CREATE TABLE officials (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL,
  post           TEXT NOT NULL,                        -- 职务
  org_id         INTEGER NOT NULL REFERENCES orgs(id),
  leading_group  INTEGER NOT NULL DEFAULT 0 CHECK (leading_group IN (0, 1)),  -- 领导班子成员
  user_id        INTEGER UNIQUE REFERENCES users(id),
  created_at     INTEGER NOT NULL,
  UNIQUE (org_id, name, post)                          -- so that a roll imported twice adds nobody twice
);

-- A central task: a special action (专项行动), a key project (重中之重) or an
-- epidemic post (防疫一线), over a period, with its owner (who confirms the
-- frontline entries made under it).
CREATE TABLE central_tasks (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('special_action', 'key_project', 'epidemic_post')),
  starts_on  INTEGER NOT NULL,
  ends_on    INTEGER NOT NULL,
  owner_id   INTEGER NOT NULL REFERENCES users(id),
  org_id     INTEGER NOT NULL REFERENCES orgs(id),     -- the department that set it
  created_at INTEGER NOT NULL,
  CHECK (ends_on >= starts_on)
);

CREATE TABLE central_task_orgs (
  task_id  INTEGER NOT NULL REFERENCES central_tasks(id),
  org_id   INTEGER NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (task_id, org_id)
);

CREATE TABLE central_task_officials (
  task_id      INTEGER NOT NULL REFERENCES central_tasks(id),
  official_id  INTEGER NOT NULL REFERENCES officials(id),
  PRIMARY KEY (task_id, official_id)
);
CREATE INDEX central_task_officials_official ON central_task_officials(official_id);

-- The banyan records a task covers: a project by its code, a lead or a
-- problem by its id (as text, so that quarantine sites can follow).
CREATE TABLE central_task_records (
  task_id  INTEGER NOT NULL REFERENCES central_tasks(id),
  kind     TEXT NOT NULL CHECK (kind IN ('project', 'lead', 'problem')),
  ref      TEXT NOT NULL,
  PRIMARY KEY (task_id, kind, ref)
);

-- A day (or half day) at the front line entered by an official (or for them
-- by the department).  halves: 1 morning, 2 afternoon, 3 the whole day.  It
-- counts only once confirmed by a second person: the task's owner or the
-- department's staff, never the official nor whoever entered it.
CREATE TABLE frontline_entries (
  id            INTEGER PRIMARY KEY,
  official_id   INTEGER NOT NULL REFERENCES officials(id),
  task_id       INTEGER NOT NULL REFERENCES central_tasks(id),
  day           INTEGER NOT NULL,
  halves        INTEGER NOT NULL CHECK (halves IN (1, 2, 3)),
  place         TEXT NOT NULL,
  work          TEXT NOT NULL,
  entered_by    INTEGER NOT NULL REFERENCES users(id),
  created_at    INTEGER NOT NULL,
  confirmed_by  INTEGER REFERENCES users(id),
  confirmed_at  INTEGER,
  CHECK ((confirmed_by IS NULL) = (confirmed_at IS NULL)),
  CHECK (confirmed_by IS NULL OR confirmed_by <> entered_by)
);
-- What counts, read from the index alone when the figures walk every official.
CREATE INDEX frontline_entries_counted ON frontline_entries(official_id, day, halves, confirmed_at);
CREATE INDEX frontline_entries_task ON frontline_entries(task_id, id);

-- The platform's own records of frontline work, read by user, kind and day from these alone.
CREATE INDEX project_followups_agent_kind ON project_followups(agent_id, kind, happened_on);
CREATE INDEX project_inspections_done_by ON project_inspections(done_by, done_on) WHERE done_on IS NOT NULL;
CREATE INDEX visits_officer_mode ON visits(officer_id, mode, happened_on);
