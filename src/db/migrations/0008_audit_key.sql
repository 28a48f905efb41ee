-- The audit chain keyed (see src/org/audit.c): a row's hash is then an
-- HMAC-SHA256 under the audit key with this id, kept in a file outside the
-- database.  NULL: the row was hashed with plain SHA-256, as before keying.
ALTER TABLE audit_log ADD COLUMN key_id INTEGER;
