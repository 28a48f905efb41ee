-- The deadline that applies to a problem now, as a column the inbox can
-- order by with an index: computed by SQLite itself, so no code can forget
-- to keep it up to date.  NULL once nothing waits on a deadline.
ALTER TABLE problems ADD COLUMN current_due INTEGER GENERATED ALWAYS AS (
  CASE status WHEN 'submitted' THEN accept_due WHEN 'accepted' THEN answer_due WHEN 'in_progress' THEN answer_due END
) VIRTUAL;
CREATE INDEX problems_due ON problems(current_due) WHERE current_due IS NOT NULL;
CREATE INDEX problems_due_department ON problems(department_org_id, current_due) WHERE current_due IS NOT NULL;
CREATE INDEX problems_due_district ON problems(district_org_id, current_due) WHERE current_due IS NOT NULL;
