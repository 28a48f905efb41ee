-- PostgreSQL's part of 0007 (see src/db/postgres.c): the signing ledger is append-only.
CREATE TRIGGER signing_ledger_no_update BEFORE UPDATE ON signing_ledger
FOR EACH ROW EXECUTE FUNCTION banyan_append_only('the signing ledger is append-only');
CREATE TRIGGER signing_ledger_no_delete BEFORE DELETE ON signing_ledger
FOR EACH ROW EXECUTE FUNCTION banyan_append_only('the signing ledger is append-only');
