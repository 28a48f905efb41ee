-- The green channel (绿色通道, 特事特办、快审快批): a registration or permit
-- for an enterprise making epidemic supplies, flagged for hour-limited
-- handling, with a dedicated officer (专人跟踪) and its steps.
--
-- A case is an item of the approval catalogue that is limited in hours
-- (approval_items.limit_hours > 0, e.g. business_license: 设立登记 in 2
-- hours), copied with its limit and handling department as project_items
-- are, but not a project item: the applicant is often a company that does
-- not exist yet (its registration is the case), and a registration is no
-- major project with an investment code, an owner and milestones, nor
-- should it count in the projects' statistics.
--
-- The clock runs on calendar hours, not working hours: from the instant the
-- documents are in (step 'documents') to the licence (step 'licence'),
-- across midnight, weekends and holidays alike.  Instants are Unix seconds.
CREATE TABLE green_cases (
  id                 INTEGER PRIMARY KEY,
  applicant          TEXT NOT NULL,                          -- the enterprise (to be) registered
  item_code          TEXT NOT NULL REFERENCES approval_items(code),  -- the kind of case
  district_org_id    INTEGER NOT NULL REFERENCES orgs(id),
  department_org_id  INTEGER NOT NULL REFERENCES orgs(id),   -- handles it: the district's bureau when it has one
  officer_id         INTEGER NOT NULL REFERENCES users(id),  -- the dedicated officer
  reason             TEXT NOT NULL,                          -- why 特事特办
  limit_hours        INTEGER NOT NULL CHECK (limit_hours > 0),
  state              TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
  steps              INTEGER NOT NULL DEFAULT 0,             -- how many of the four steps are recorded
  documents_at       INTEGER,                                -- the clock starts
  due_at             INTEGER,                                -- documents_at + limit_hours
  licensed_at        INTEGER,                                -- the clock stops
  seconds            INTEGER,                                -- licensed_at - documents_at
  flagged_by         INTEGER NOT NULL REFERENCES users(id),
  created_at         INTEGER NOT NULL
);
-- The leaders' screen lists the open cases; statistics group by district and kind.
CREATE INDEX green_cases_state ON green_cases(state, district_org_id);
CREATE INDEX green_cases_kind ON green_cases(district_org_id, item_code, seconds);

-- The steps in their order: seq 1 documents (材料齐全), 2 submission (现场提交),
-- 3 review (现场审核), 4 licence (颁发执照); the key refuses a step recorded twice.
CREATE TABLE green_case_steps (
  case_id      INTEGER NOT NULL REFERENCES green_cases(id),
  seq          INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 4),
  kind         TEXT NOT NULL CHECK (kind IN ('documents', 'submission', 'review', 'licence')),
  at           INTEGER NOT NULL,
  actor_id     INTEGER NOT NULL REFERENCES users(id),
  note         TEXT,
  recorded_at  INTEGER NOT NULL,
  PRIMARY KEY (case_id, seq)
);
