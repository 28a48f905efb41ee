-- PostgreSQL's part of 0010 (see src/db/postgres.c): the users' roles with the
-- security and audit administrators, by replacing the CHECK constraint.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'security', 'auditor', 'leader', 'officer',
  'agent', 'department', 'enterprise', 'merchant', 'channel'));
