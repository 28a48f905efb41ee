-- Economic indicators, the second part (#14): the platform's own
-- indicators, the red/black list's rule on a ranking, supervised tasks
-- (督办) and published bulletins (通报).

-- The platform's own figures, computed from banyan's data on reading
-- (src/indicators/platform.c), never entered: counts, and amounts in
-- 亿元 (4 decimals: 1 = 1万元) or 万元 (2 decimals: 1 = 100元).
INSERT INTO indicators(code, name, unit, decimals, period_kind, yoy, source, additive, position) VALUES
  ('projects_started', '重大项目开工数', 'count', 0, 'month', 1, 'platform', 1, 101),
  ('investment_signed', '招商签约投资额', '亿元', 4, 'month', 1, 'platform', 1, 102),
  ('problems_on_time', '企业问题按时办结数', 'count', 0, 'month', 1, 'platform', 1, 103),
  ('vouchers_redeemed', '消费券核销金额', '万元', 2, 'month', 1, 'platform', 1, 104),
  ('refunds_paid', '稳岗返还支付金额', '万元', 2, 'month', 1, 'platform', 1, 105);

-- The red/black list (红黑榜) of a ranking: its first `red` ranked units
-- are on the red list, its last `black` ranked units on the black list.
ALTER TABLE rankings ADD COLUMN red_count INTEGER NOT NULL DEFAULT 3;
ALTER TABLE rankings ADD COLUMN black_count INTEGER NOT NULL DEFAULT 3;

-- A supervised task (督办): a unit on a ranking's black list, or an
-- indicator whose year to date is behind its annual target, followed by an
-- owner to a due date: open → in_progress → done (reopened by the bureau).
CREATE TABLE indicator_tasks (
  id            INTEGER PRIMARY KEY,
  source        TEXT NOT NULL CHECK (source IN ('black_list', 'below_target')),
  unit          TEXT NOT NULL,
  period        TEXT NOT NULL,
  ranking_id    INTEGER REFERENCES rankings(id),
  indicator_id  INTEGER REFERENCES indicators(id),
  title         TEXT NOT NULL,
  owner_id      INTEGER NOT NULL REFERENCES users(id),
  due_on        INTEGER NOT NULL,                -- day number
  state         TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'done')),
  created_by    INTEGER NOT NULL REFERENCES users(id),
  created_at    INTEGER NOT NULL,
  done_at       INTEGER,
  CHECK ((source = 'black_list') = (ranking_id IS NOT NULL)),
  CHECK ((source = 'below_target') = (indicator_id IS NOT NULL))
);
CREATE INDEX indicator_tasks_unit ON indicator_tasks(unit, period);
CREATE INDEX indicator_tasks_state ON indicator_tasks(state, due_on);

-- A task's notes: progress reported, and each move with its note.
CREATE TABLE indicator_task_notes (
  id        INTEGER PRIMARY KEY,
  task_id   INTEGER NOT NULL REFERENCES indicator_tasks(id),
  action    TEXT NOT NULL CHECK (action IN ('create', 'note', 'start', 'finish', 'reopen')),
  text      TEXT,
  by_id     INTEGER NOT NULL REFERENCES users(id),
  at        INTEGER NOT NULL
);
CREATE INDEX indicator_task_notes_task ON indicator_task_notes(task_id, id);

-- A published bulletin: the content as published (JSON), each publication
-- of a period and kind the next revision, and who published it.
CREATE TABLE indicator_bulletins (
  id             INTEGER PRIMARY KEY,
  period         TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('month', 'quarter')),
  revision       INTEGER NOT NULL,
  title          TEXT NOT NULL,
  data_revision  INTEGER NOT NULL,
  content        TEXT NOT NULL,
  published_by   INTEGER NOT NULL REFERENCES users(id),
  published_at   INTEGER NOT NULL,
  UNIQUE (period, kind, revision)
);

-- The leaders' screen counts the projects lit red and yellow with their
-- investment from these alone, and sums the refunds paid in a month.
CREATE INDEX projects_red_investment ON projects(district_org_id, red_at, investment_wan);
CREATE INDEX projects_yellow_investment ON projects(district_org_id, yellow_at, red_at, investment_wan);
CREATE INDEX refund_payments_settled ON refund_payments(settled_at) WHERE state = 'paid';
-- Rankings and bulletins read every unit's years of an indicator: from the index alone.
CREATE INDEX indicator_values_reading ON indicator_values(indicator_id, unit, period, value, growth_bp, ytd_growth_bp);
-- The platform's indicators count a month's projects started and problems closed.
CREATE INDEX project_milestones_actual ON project_milestones(kind, actual, project_id);
CREATE INDEX problems_closed ON problems(closed_at) WHERE status = 'closed';
