-- PostgreSQL's part of 0001 (see src/db/postgres.c).
-- User names compare without regard to case, as SQLite's COLLATE NOCASE
-- (which the translation of 0001_foundation.sql leaves out).
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
ALTER TABLE users ALTER COLUMN username TYPE TEXT COLLATE nocase;

-- SQLite's functions the domains' SQL uses, which PostgreSQL names otherwise.
CREATE FUNCTION instr(haystack text, needle text) RETURNS integer LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT strpos(haystack COLLATE "C", needle COLLATE "C")'; -- case-sensitive, as SQLite's

-- SQLite's JSON1 functions the domains use: a JSON array's elements as rows
-- (json_each(...).value), and rows gathered into a JSON array ('[]' for none).
CREATE FUNCTION json_each(array_text text) RETURNS TABLE (value text) LANGUAGE sql IMMUTABLE
  AS 'SELECT json_array_elements_text(array_text::json)';
CREATE FUNCTION banyan_json_array(items anycompatiblearray) RETURNS text LANGUAGE sql IMMUTABLE
  AS 'SELECT coalesce(array_to_json(items)::text, ''[]'')';
CREATE AGGREGATE json_group_array(anycompatible) (SFUNC = array_append, STYPE = anycompatiblearray, INITCOND = '{}',
  FINALFUNC = banyan_json_array);

-- An append-only table refuses UPDATE and DELETE with the trigger's message,
-- as SQLite's RAISE(ABORT, …): a constraint error.
CREATE FUNCTION banyan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION banyan_append_only('audit_log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION banyan_append_only('audit_log is append-only');
