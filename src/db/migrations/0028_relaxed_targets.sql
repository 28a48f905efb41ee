-- Relaxed targets (放宽目标) made visible: a plan version that moves a
-- milestone's target later is a move, kept with the light the project had
-- before and after it, so a project that turned green because its targets
-- were pushed back is shown as such and not as progress.
--
-- Lights are not recorded over time, so a move keeps the project's light at
-- the moment the plan was saved: under the old targets (before) and the new
-- ones (after).  Moves found in plans made before this migration carry no
-- lights (NULL: not known).

CREATE TABLE project_target_moves (
  id           INTEGER PRIMARY KEY,
  project_id   INTEGER NOT NULL REFERENCES projects(id),
  kind         TEXT NOT NULL CHECK (kind IN ('start', 'structure', 'complete', 'produce')),
  version      INTEGER NOT NULL,               -- the plan version that moved it
  from_target  INTEGER NOT NULL,               -- day numbers
  to_target    INTEGER NOT NULL CHECK (to_target > from_target),
  made_by      INTEGER NOT NULL REFERENCES users(id),
  moved_at     INTEGER NOT NULL,
  light_before TEXT CHECK (light_before IN ('red', 'yellow', 'green')),
  light_after  TEXT CHECK (light_after IN ('red', 'yellow', 'green'))
);
-- The month's moves, for GET /api/v1/projects/relaxed.
CREATE INDEX project_target_moves_at ON project_target_moves(moved_at);
CREATE INDEX project_target_moves_project ON project_target_moves(project_id, kind);

-- A milestone's first target, and how often and when last it moved later.
ALTER TABLE project_milestones ADD COLUMN original_target INTEGER;
ALTER TABLE project_milestones ADD COLUMN moves INTEGER NOT NULL DEFAULT 0;
ALTER TABLE project_milestones ADD COLUMN moved_at INTEGER;

-- A project's plan versions that moved a target later, the last one, and
-- whether one of them took it out of red: while it is not red again, its
-- light is owed to the relaxed targets.
ALTER TABLE projects ADD COLUMN relaxed_times INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN relaxed_at INTEGER;
ALTER TABLE projects ADD COLUMN relaxed_from_red INTEGER NOT NULL DEFAULT 0;
-- The statistics count a group's relaxed projects (as projects_red counts its red ones).
CREATE INDEX projects_relaxed ON projects(district_org_id, level, industry, stage, relaxed_at)
  WHERE relaxed_at IS NOT NULL;

-- What the plans kept so far say.
INSERT INTO project_target_moves(project_id, kind, version, from_target, to_target, made_by, moved_at)
  SELECT v.project_id, m.kind, v.version,
    CASE m.kind WHEN 'start' THEN w.target_start WHEN 'structure' THEN w.target_structure
      WHEN 'complete' THEN w.target_complete ELSE w.target_produce END,
    CASE m.kind WHEN 'start' THEN v.target_start WHEN 'structure' THEN v.target_structure
      WHEN 'complete' THEN v.target_complete ELSE v.target_produce END,
    v.made_by, v.made_at
  FROM project_plans v JOIN project_plans w ON w.project_id = v.project_id AND w.version = v.version - 1
  CROSS JOIN (SELECT 'start' AS kind UNION ALL SELECT 'structure' UNION ALL SELECT 'complete'
    UNION ALL SELECT 'produce') m
  WHERE CASE m.kind WHEN 'start' THEN v.target_start > w.target_start
    WHEN 'structure' THEN v.target_structure > w.target_structure
    WHEN 'complete' THEN v.target_complete > w.target_complete ELSE v.target_produce > w.target_produce END;

UPDATE project_milestones SET
  original_target = coalesce((SELECT CASE project_milestones.kind WHEN 'start' THEN v.target_start
      WHEN 'structure' THEN v.target_structure WHEN 'complete' THEN v.target_complete ELSE v.target_produce END
    FROM project_plans v WHERE v.project_id = project_milestones.project_id ORDER BY v.version LIMIT 1), target),
  moves = (SELECT count(*) FROM project_target_moves x
    WHERE x.project_id = project_milestones.project_id AND x.kind = project_milestones.kind),
  moved_at = (SELECT max(x.moved_at) FROM project_target_moves x
    WHERE x.project_id = project_milestones.project_id AND x.kind = project_milestones.kind);

UPDATE projects SET
  relaxed_times = (SELECT count(DISTINCT x.version) FROM project_target_moves x WHERE x.project_id = projects.id),
  relaxed_at = (SELECT max(x.moved_at) FROM project_target_moves x WHERE x.project_id = projects.id);
