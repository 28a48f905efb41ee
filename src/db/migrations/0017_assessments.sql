-- Frontline assessment (一线考核), the rest of the organisation department's
-- tool: assessment groups and the evidence of their methods, assessment
-- schemes and their scores, 360 surveys, rankings with a quota, publicity and
-- objections, and what follows (the "十个一批" and "五个优先" outcomes, the
-- reserve pool, care for frontline staff).  Days are day numbers
-- (core/clock.h); scores are thousandths of a point (87.5 points = 87500), so
-- that no rounding decides a rank.

-- An assessment group (考核组) the department forms for a central task (or
-- on its own) and a period, with its members and the organisations it assesses.
CREATE TABLE assessment_groups (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  task_id     INTEGER REFERENCES central_tasks(id),
  org_id      INTEGER NOT NULL REFERENCES orgs(id),      -- the department that formed it
  starts_on   INTEGER NOT NULL,
  ends_on     INTEGER NOT NULL,
  created_by  INTEGER NOT NULL REFERENCES users(id),
  created_at  INTEGER NOT NULL,
  CHECK (ends_on >= starts_on)
);

CREATE TABLE assessment_group_members (
  group_id  INTEGER NOT NULL REFERENCES assessment_groups(id),
  user_id   INTEGER NOT NULL REFERENCES users(id),
  leads     INTEGER NOT NULL DEFAULT 0 CHECK (leads IN (0, 1)),  -- 组长
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX assessment_group_members_user ON assessment_group_members(user_id);

CREATE TABLE assessment_group_orgs (
  group_id  INTEGER NOT NULL REFERENCES assessment_groups(id),
  org_id    INTEGER NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (group_id, org_id)
);

-- Sitting in (列席旁听): a meeting of an assessed organisation, its day and what was observed.
CREATE TABLE assessment_sittings (
  id            INTEGER PRIMARY KEY,
  group_id      INTEGER NOT NULL REFERENCES assessment_groups(id),
  org_id        INTEGER NOT NULL REFERENCES orgs(id),
  day           INTEGER NOT NULL,
  meeting       TEXT NOT NULL,
  observations  TEXT NOT NULL,
  recorded_by   INTEGER NOT NULL REFERENCES users(id),
  recorded_at   INTEGER NOT NULL
);
CREATE INDEX assessment_sittings_group ON assessment_sittings(group_id, day);

-- Open and unannounced visits (明察暗访).  An unannounced visit is invisible
-- to the assessed organisation (and its officials) until it is closed.
CREATE TABLE assessment_visits (
  id           INTEGER PRIMARY KEY,
  group_id     INTEGER NOT NULL REFERENCES assessment_groups(id),
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  kind         TEXT NOT NULL CHECK (kind IN ('open', 'unannounced')),
  day          INTEGER NOT NULL,
  place        TEXT NOT NULL,
  findings     TEXT NOT NULL,
  recorded_by  INTEGER NOT NULL REFERENCES users(id),
  recorded_at  INTEGER NOT NULL,
  closed_by    INTEGER REFERENCES users(id),
  closed_at    INTEGER,
  CHECK ((closed_by IS NULL) = (closed_at IS NULL))
);
CREATE INDEX assessment_visits_group ON assessment_visits(group_id, day);
CREATE INDEX assessment_visits_org ON assessment_visits(org_id, closed_at);

-- The group's overall judgement (综合研判) of an official: a score and its
-- reasons.  One per group and official; a revision replaces it, audited.
CREATE TABLE assessment_judgements (
  group_id     INTEGER NOT NULL REFERENCES assessment_groups(id),
  official_id  INTEGER NOT NULL REFERENCES officials(id),
  score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100000),
  reasons      TEXT NOT NULL,
  recorded_by  INTEGER NOT NULL REFERENCES users(id),
  recorded_at  INTEGER NOT NULL,
  PRIMARY KEY (group_id, official_id)
);

-- An assessment scheme (考核方案) is data: its indicators with weights adding
-- up to 100, each computed from the records or entered by the group; the
-- share of the top grade (优秀) a ranking may give, the grades' thresholds,
-- and the 360 survey's minimum of raters.
CREATE TABLE assessment_schemes (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL,
  org_id          INTEGER NOT NULL REFERENCES orgs(id),
  excellent_pct   INTEGER NOT NULL DEFAULT 20 CHECK (excellent_pct BETWEEN 0 AND 100),
  competent_min   INTEGER NOT NULL DEFAULT 70000,   -- 称职 from this score; below, 基本称职
  basic_min       INTEGER NOT NULL DEFAULT 60000,   -- 基本称职 from this score; below, 不称职
  min_raters      INTEGER NOT NULL DEFAULT 5 CHECK (min_raters >= 1),
  created_by      INTEGER NOT NULL REFERENCES users(id),
  created_at      INTEGER NOT NULL,
  CHECK (basic_min <= competent_min)
);

-- source: frontline (the official's share of working days at the front line),
-- milestones (their tasks' project milestones met on time), problems (problems
-- solved on time, and satisfaction), judgement (the group's score), survey
-- (the 360 survey's mean) or entered (typed by the group).  tie_order: the
-- order in which indicators break a tie of totals (NULL: not used).
CREATE TABLE assessment_scheme_items (
  scheme_id  INTEGER NOT NULL REFERENCES assessment_schemes(id),
  code       TEXT NOT NULL,
  name       TEXT NOT NULL,
  weight     INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
  source     TEXT NOT NULL CHECK (source IN ('frontline', 'milestones', 'problems', 'judgement', 'survey', 'entered')),
  tie_order  INTEGER,
  PRIMARY KEY (scheme_id, code)
);

-- An assessment: a scheme applied to officials over a period, by a group.
-- draft → ranked → publicised → final.  Officials are ranked within their
-- cohort (comparable group, e.g. 县处级领导班子成员).
CREATE TABLE assessments (
  id               INTEGER PRIMARY KEY,
  name             TEXT NOT NULL,
  scheme_id        INTEGER NOT NULL REFERENCES assessment_schemes(id),
  group_id         INTEGER REFERENCES assessment_groups(id),
  starts_on        INTEGER NOT NULL,
  ends_on          INTEGER NOT NULL,
  state            TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'ranked', 'publicised', 'final')),
  publicity_start  TEXT,                                -- "YYYY-MM-DD", inclusive
  publicity_end    TEXT,
  ranked_at        INTEGER,
  finalised_by     INTEGER REFERENCES users(id),
  finalised_at     INTEGER,
  created_by       INTEGER NOT NULL REFERENCES users(id),
  created_at       INTEGER NOT NULL,
  CHECK (ends_on >= starts_on)
);

CREATE TABLE assessment_subjects (
  assessment_id  INTEGER NOT NULL REFERENCES assessments(id),
  official_id    INTEGER NOT NULL REFERENCES officials(id),
  cohort         TEXT NOT NULL,
  PRIMARY KEY (assessment_id, official_id)
);
CREATE INDEX assessment_subjects_official ON assessment_subjects(official_id);

-- Each indicator's score of each official, computed or entered.
CREATE TABLE assessment_scores (
  assessment_id  INTEGER NOT NULL REFERENCES assessments(id),
  official_id    INTEGER NOT NULL REFERENCES officials(id),
  code           TEXT NOT NULL,
  score          INTEGER CHECK (score BETWEEN 0 AND 100000),  -- NULL: no score (a survey under its minimum)
  basis          TEXT NOT NULL,                               -- what it was computed from, in words
  entered_by     INTEGER REFERENCES users(id),                -- NULL: computed
  scored_at      INTEGER NOT NULL,
  PRIMARY KEY (assessment_id, official_id, code)
);

-- The 360 survey (360度测评): who was asked to rate whom and whether they
-- answered, and the answers, which carry no rater: nobody can tell who gave
-- which score.
CREATE TABLE assessment_raters (
  assessment_id  INTEGER NOT NULL REFERENCES assessments(id),
  official_id    INTEGER NOT NULL REFERENCES officials(id),
  user_id        INTEGER NOT NULL REFERENCES users(id),
  relation       TEXT NOT NULL CHECK (relation IN ('superior', 'peer', 'subordinate', 'public')),
  answered       INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1)),
  PRIMARY KEY (assessment_id, official_id, user_id)
);
CREATE INDEX assessment_raters_user ON assessment_raters(user_id, answered);

CREATE TABLE assessment_survey_answers (
  id             INTEGER PRIMARY KEY,
  assessment_id  INTEGER NOT NULL REFERENCES assessments(id),
  official_id    INTEGER NOT NULL REFERENCES officials(id),
  relation       TEXT NOT NULL,
  score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100000),
  comment        TEXT
);
CREATE INDEX assessment_survey_answers_official ON assessment_survey_answers(assessment_id, official_id);

-- The ranking: total, rank within the cohort and grade, per official.
CREATE TABLE assessment_results (
  assessment_id  INTEGER NOT NULL REFERENCES assessments(id),
  official_id    INTEGER NOT NULL REFERENCES officials(id),
  cohort         TEXT NOT NULL,
  total          INTEGER NOT NULL,
  rank           INTEGER NOT NULL,
  grade          TEXT NOT NULL CHECK (grade IN ('excellent', 'competent', 'basic', 'incompetent')),
  tie_note       TEXT,                                  -- how a tie was broken, in words
  PRIMARY KEY (assessment_id, official_id)
);

-- Objections to a publicised result (公示异议), lodged by a signed-in user;
-- who lodged it is kept for the department only.
CREATE TABLE assessment_objections (
  id             INTEGER PRIMARY KEY,
  assessment_id  INTEGER NOT NULL REFERENCES assessments(id),
  official_id    INTEGER NOT NULL REFERENCES officials(id),
  reason         TEXT NOT NULL,
  lodged_by      INTEGER NOT NULL REFERENCES users(id),
  lodged_at      INTEGER NOT NULL,
  state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'upheld', 'dismissed')),
  resolution     TEXT,
  resolved_by    INTEGER REFERENCES users(id),
  resolved_at    INTEGER
);
CREATE INDEX assessment_objections_assessment ON assessment_objections(assessment_id, state);

-- Outcomes against the "十个一批" and "五个优先" lists, each with the
-- (final) assessment that justifies it.
CREATE TABLE cadre_outcomes (
  id             INTEGER PRIMARY KEY,
  official_id    INTEGER NOT NULL REFERENCES officials(id),
  list           TEXT NOT NULL CHECK (list IN ('ten_batches', 'five_priorities')),
  item           TEXT NOT NULL,
  assessment_id  INTEGER NOT NULL REFERENCES assessments(id),
  day            INTEGER NOT NULL,
  note           TEXT,
  recorded_by    INTEGER NOT NULL REFERENCES users(id),
  recorded_at    INTEGER NOT NULL
);
CREATE INDEX cadre_outcomes_official ON cadre_outcomes(official_id);

-- The reserve pool (后备库): an official's stay in it, entered and left with
-- a reason each; basis lists the assessments (JSON array of ids) that justify
-- the entry.  At most one open stay per official.
CREATE TABLE reserve_pool (
  id            INTEGER PRIMARY KEY,
  official_id   INTEGER NOT NULL REFERENCES officials(id),
  basis         TEXT NOT NULL,
  entry_reason  TEXT NOT NULL,
  entered_by    INTEGER NOT NULL REFERENCES users(id),
  entered_at    INTEGER NOT NULL,
  exit_reason   TEXT,
  left_by       INTEGER REFERENCES users(id),
  left_at       INTEGER,
  CHECK ((left_at IS NULL) = (left_by IS NULL) AND (left_at IS NULL) = (exit_reason IS NULL))
);
CREATE UNIQUE INDEX reserve_pool_open ON reserve_pool(official_id) WHERE left_at IS NULL;

-- Care for frontline staff (关心关爱): rest, allowances, visits to families.
CREATE TABLE care_measures (
  id           INTEGER PRIMARY KEY,
  official_id  INTEGER NOT NULL REFERENCES officials(id),
  kind         TEXT NOT NULL CHECK (kind IN ('rest', 'allowance', 'family_visit', 'health_check', 'other')),
  day          INTEGER NOT NULL,
  amount_fen   INTEGER CHECK (amount_fen >= 0),
  note         TEXT NOT NULL,
  recorded_by  INTEGER NOT NULL REFERENCES users(id),
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX care_measures_official ON care_measures(official_id, day);
