-- PostgreSQL's part of 0006 (see src/db/postgres.c): the totals' triggers of
-- 0006_projects.sql, the same statements as SQLite's, each in a function.  What
-- differs: a comparison is a boolean, added as ::int; ON CONFLICT DO UPDATE
-- names its key; the existing row's columns are named by their table; WHEN
-- compares with IS DISTINCT FROM.

CREATE FUNCTION projects_totals_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO project_totals(district_org_id, level, industry, stage, projects, investment_wan)
    VALUES (NEW.district_org_id, NEW.level, NEW.industry, NEW.stage, 1, NEW.investment_wan)
    ON CONFLICT (district_org_id, level, industry, stage) DO UPDATE SET projects = project_totals.projects + 1,
      investment_wan = project_totals.investment_wan + excluded.investment_wan;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_totals_insert AFTER INSERT ON projects FOR EACH ROW EXECUTE FUNCTION projects_totals_insert();

CREATE FUNCTION projects_totals_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_totals SET projects = projects - 1, investment_wan = investment_wan - OLD.investment_wan
    WHERE district_org_id = OLD.district_org_id AND level = OLD.level AND industry = OLD.industry AND stage = OLD.stage;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_totals_delete AFTER DELETE ON projects FOR EACH ROW EXECUTE FUNCTION projects_totals_delete();

CREATE FUNCTION projects_totals_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
    ON CONFLICT (district_org_id, level, industry, stage) DO UPDATE SET projects = project_totals.projects + 1,
      investment_wan = project_totals.investment_wan + excluded.investment_wan,
      items_done = project_totals.items_done + excluded.items_done,
      items_on_time = project_totals.items_on_time + excluded.items_on_time,
      items_days = project_totals.items_days + excluded.items_days, items_open = project_totals.items_open + excluded.items_open;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_totals_update
AFTER UPDATE OF district_org_id, level, industry, stage, investment_wan ON projects
FOR EACH ROW EXECUTE FUNCTION projects_totals_update();

CREATE FUNCTION project_items_totals_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_totals SET items_done = items_done + (NEW.status = 'done')::int,
    items_on_time = items_on_time + coalesce(NEW.on_time, 0), items_days = items_days + coalesce(NEW.working_days, 0),
    items_open = items_open + (NEW.status <> 'done')::int
    WHERE (district_org_id, level, industry, stage) = (SELECT district_org_id, level, industry, stage FROM projects WHERE id = NEW.project_id);
  INSERT INTO project_item_totals VALUES (NEW.district_org_id, NEW.department_org_id, NEW.item_code, (NEW.status = 'done')::int,
      coalesce(NEW.on_time, 0), coalesce(NEW.working_days, 0), (NEW.working_days IS NOT NULL)::int, (NEW.status <> 'done')::int)
    ON CONFLICT (district_org_id, department_org_id, item_code) DO UPDATE SET
      items_done = project_item_totals.items_done + excluded.items_done,
      items_on_time = project_item_totals.items_on_time + excluded.items_on_time,
      items_days = project_item_totals.items_days + excluded.items_days,
      items_days_n = project_item_totals.items_days_n + excluded.items_days_n,
      items_open = project_item_totals.items_open + excluded.items_open;
  INSERT INTO project_departments VALUES (NEW.project_id, NEW.department_org_id, NEW.district_org_id, 1)
    ON CONFLICT (project_id, department_org_id) DO UPDATE SET items = project_departments.items + 1;
  INSERT INTO project_department_totals SELECT NEW.district_org_id, NEW.department_org_id, 1
    WHERE (SELECT items FROM project_departments WHERE project_id = NEW.project_id AND department_org_id = NEW.department_org_id) = 1
    ON CONFLICT (district_org_id, department_org_id) DO UPDATE SET projects = project_department_totals.projects + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER project_items_totals_insert AFTER INSERT ON project_items
FOR EACH ROW EXECUTE FUNCTION project_items_totals_insert();

CREATE FUNCTION project_items_totals_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_totals SET items_done = items_done - (OLD.status = 'done')::int,
    items_on_time = items_on_time - coalesce(OLD.on_time, 0), items_days = items_days - coalesce(OLD.working_days, 0),
    items_open = items_open - (OLD.status <> 'done')::int
    WHERE (district_org_id, level, industry, stage) = (SELECT district_org_id, level, industry, stage FROM projects WHERE id = OLD.project_id);
  UPDATE project_item_totals SET items_done = items_done - (OLD.status = 'done')::int,
    items_on_time = items_on_time - coalesce(OLD.on_time, 0), items_days = items_days - coalesce(OLD.working_days, 0),
    items_days_n = items_days_n - (OLD.working_days IS NOT NULL)::int, items_open = items_open - (OLD.status <> 'done')::int
    WHERE district_org_id = OLD.district_org_id AND department_org_id = OLD.department_org_id AND item_code = OLD.item_code;
  UPDATE project_departments SET items = items - 1
    WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id;
  UPDATE project_department_totals SET projects = projects - 1
    WHERE district_org_id = OLD.district_org_id AND department_org_id = OLD.department_org_id
    AND (SELECT items FROM project_departments WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id) = 0;
  DELETE FROM project_departments WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id AND items = 0;
  RETURN NULL;
END $$;
CREATE TRIGGER project_items_totals_delete AFTER DELETE ON project_items
FOR EACH ROW EXECUTE FUNCTION project_items_totals_delete();

CREATE FUNCTION project_items_totals_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_totals SET items_done = items_done - (OLD.status = 'done')::int + (NEW.status = 'done')::int,
    items_on_time = items_on_time - coalesce(OLD.on_time, 0) + coalesce(NEW.on_time, 0),
    items_days = items_days - coalesce(OLD.working_days, 0) + coalesce(NEW.working_days, 0),
    items_open = items_open - (OLD.status <> 'done')::int + (NEW.status <> 'done')::int
    WHERE (district_org_id, level, industry, stage) = (SELECT district_org_id, level, industry, stage FROM projects WHERE id = NEW.project_id);
  UPDATE project_item_totals SET items_done = items_done - (OLD.status = 'done')::int,
    items_on_time = items_on_time - coalesce(OLD.on_time, 0), items_days = items_days - coalesce(OLD.working_days, 0),
    items_days_n = items_days_n - (OLD.working_days IS NOT NULL)::int, items_open = items_open - (OLD.status <> 'done')::int
    WHERE district_org_id = OLD.district_org_id AND department_org_id = OLD.department_org_id AND item_code = OLD.item_code;
  INSERT INTO project_item_totals VALUES (NEW.district_org_id, NEW.department_org_id, NEW.item_code, (NEW.status = 'done')::int,
      coalesce(NEW.on_time, 0), coalesce(NEW.working_days, 0), (NEW.working_days IS NOT NULL)::int, (NEW.status <> 'done')::int)
    ON CONFLICT (district_org_id, department_org_id, item_code) DO UPDATE SET
      items_done = project_item_totals.items_done + excluded.items_done,
      items_on_time = project_item_totals.items_on_time + excluded.items_on_time,
      items_days = project_item_totals.items_days + excluded.items_days,
      items_days_n = project_item_totals.items_days_n + excluded.items_days_n,
      items_open = project_item_totals.items_open + excluded.items_open;
  RETURN NULL;
END $$;
CREATE TRIGGER project_items_totals_update
AFTER UPDATE OF status, on_time, working_days, district_org_id, department_org_id, item_code ON project_items
FOR EACH ROW EXECUTE FUNCTION project_items_totals_update();

CREATE FUNCTION project_items_departments_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_departments SET items = items - 1
    WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id;
  UPDATE project_department_totals SET projects = projects - 1
    WHERE district_org_id = OLD.district_org_id AND department_org_id = OLD.department_org_id
    AND (SELECT items FROM project_departments WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id) = 0;
  DELETE FROM project_departments WHERE project_id = OLD.project_id AND department_org_id = OLD.department_org_id AND items = 0;
  INSERT INTO project_departments VALUES (NEW.project_id, NEW.department_org_id, NEW.district_org_id, 1)
    ON CONFLICT (project_id, department_org_id) DO UPDATE SET items = project_departments.items + 1,
      district_org_id = excluded.district_org_id;
  INSERT INTO project_department_totals SELECT NEW.district_org_id, NEW.department_org_id, 1
    WHERE (SELECT items FROM project_departments WHERE project_id = NEW.project_id AND department_org_id = NEW.department_org_id) = 1
    ON CONFLICT (district_org_id, department_org_id) DO UPDATE SET projects = project_department_totals.projects + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER project_items_departments_update
AFTER UPDATE OF district_org_id, department_org_id ON project_items FOR EACH ROW
WHEN (OLD.district_org_id IS DISTINCT FROM NEW.district_org_id OR OLD.department_org_id IS DISTINCT FROM NEW.department_org_id)
EXECUTE FUNCTION project_items_departments_update();

CREATE FUNCTION problems_project_totals_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO project_problem_totals SELECT p.district_org_id, NEW.department_org_id, NEW.category, 1, (NEW.status <> 'closed')::int
    FROM projects p WHERE p.code = NEW.project_ref
    ON CONFLICT (district_org_id, department_org_id, category) DO UPDATE SET problems = project_problem_totals.problems + 1,
      unsolved = project_problem_totals.unsolved + excluded.unsolved;
  RETURN NULL;
END $$;
CREATE TRIGGER problems_project_totals_insert AFTER INSERT ON problems FOR EACH ROW WHEN (NEW.project_ref IS NOT NULL)
EXECUTE FUNCTION problems_project_totals_insert();

CREATE FUNCTION problems_project_totals_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_problem_totals SET problems = problems - 1, unsolved = unsolved - (OLD.status <> 'closed')::int
    WHERE district_org_id = (SELECT district_org_id FROM projects WHERE code = OLD.project_ref)
    AND department_org_id = OLD.department_org_id AND category = OLD.category;
  RETURN NULL;
END $$;
CREATE TRIGGER problems_project_totals_delete AFTER DELETE ON problems FOR EACH ROW WHEN (OLD.project_ref IS NOT NULL)
EXECUTE FUNCTION problems_project_totals_delete();

CREATE FUNCTION problems_project_totals_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_problem_totals SET problems = problems - 1, unsolved = unsolved - (OLD.status <> 'closed')::int
    WHERE district_org_id = (SELECT district_org_id FROM projects WHERE code = OLD.project_ref)
    AND department_org_id = OLD.department_org_id AND category = OLD.category;
  INSERT INTO project_problem_totals SELECT p.district_org_id, NEW.department_org_id, NEW.category, 1, (NEW.status <> 'closed')::int
    FROM projects p WHERE p.code = NEW.project_ref
    ON CONFLICT (district_org_id, department_org_id, category) DO UPDATE SET problems = project_problem_totals.problems + 1,
      unsolved = project_problem_totals.unsolved + excluded.unsolved;
  RETURN NULL;
END $$;
CREATE TRIGGER problems_project_totals_update AFTER UPDATE OF project_ref, department_org_id, category, status ON problems
FOR EACH ROW WHEN (OLD.project_ref IS NOT NULL OR NEW.project_ref IS NOT NULL)
EXECUTE FUNCTION problems_project_totals_update();

CREATE FUNCTION projects_problem_totals_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO project_problem_totals
    SELECT NEW.district_org_id, q.department_org_id, q.category, count(*), count(*) FILTER (WHERE q.status <> 'closed')
    FROM problems q WHERE q.project_ref = NEW.code GROUP BY q.department_org_id, q.category
    ON CONFLICT (district_org_id, department_org_id, category) DO UPDATE SET
      problems = project_problem_totals.problems + excluded.problems, unsolved = project_problem_totals.unsolved + excluded.unsolved;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_problem_totals_insert AFTER INSERT ON projects FOR EACH ROW
EXECUTE FUNCTION projects_problem_totals_insert();

CREATE FUNCTION projects_problem_totals_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_problem_totals SET
    problems = problems - (SELECT count(*) FROM problems q WHERE q.project_ref = OLD.code
      AND q.department_org_id = project_problem_totals.department_org_id AND q.category = project_problem_totals.category),
    unsolved = unsolved - (SELECT count(*) FROM problems q WHERE q.project_ref = OLD.code AND q.status <> 'closed'
      AND q.department_org_id = project_problem_totals.department_org_id AND q.category = project_problem_totals.category)
    WHERE district_org_id = OLD.district_org_id;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_problem_totals_delete AFTER DELETE ON projects FOR EACH ROW
EXECUTE FUNCTION projects_problem_totals_delete();

CREATE FUNCTION projects_problem_totals_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_problem_totals SET
    problems = problems - (SELECT count(*) FROM problems q WHERE q.project_ref = OLD.code
      AND q.department_org_id = project_problem_totals.department_org_id AND q.category = project_problem_totals.category),
    unsolved = unsolved - (SELECT count(*) FROM problems q WHERE q.project_ref = OLD.code AND q.status <> 'closed'
      AND q.department_org_id = project_problem_totals.department_org_id AND q.category = project_problem_totals.category)
    WHERE district_org_id = OLD.district_org_id;
  INSERT INTO project_problem_totals
    SELECT NEW.district_org_id, q.department_org_id, q.category, count(*), count(*) FILTER (WHERE q.status <> 'closed')
    FROM problems q WHERE q.project_ref = NEW.code GROUP BY q.department_org_id, q.category
    ON CONFLICT (district_org_id, department_org_id, category) DO UPDATE SET
      problems = project_problem_totals.problems + excluded.problems, unsolved = project_problem_totals.unsolved + excluded.unsolved;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_problem_totals_update AFTER UPDATE OF code, district_org_id ON projects FOR EACH ROW
EXECUTE FUNCTION projects_problem_totals_update();
