/*
** test_db.c - the db interface on a real SQLite file: migrations, nested
** transactions, constraint errors, the audit hash chain and online backup.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "db/db.h"
#include "org/org.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/banyan-test-db-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static struct db *fresh_db(void)
{
	struct db *d;
	unlink(path);
	assert_int_equal(org_init_database(path, &d), 0);
	return d;
}

static void test_migrations_apply_once(void **state)
{
	(void)state;
	struct db *d = fresh_db();
	int applied = -1;
	assert_true(db_schema_version(d) >= 1);
	assert_int_equal(db_migrate(d, &applied), 0);
	assert_int_equal(applied, 0);
	int64_t orgs = 0;
	assert_int_equal(db_query_int64(d, &orgs, "SELECT count(*) FROM orgs WHERE kind = 'district'", NULL), 0);
	assert_int_equal(orgs, 13);
	int64_t fk = 0;
	assert_int_equal(db_query_int64(d, &fk, "PRAGMA foreign_keys", NULL), 0);
	assert_int_equal(fk, 1);
	db_close(d);
}

static void test_nested_rollback_undoes_outer(void **state)
{
	(void)state;
	struct db *d = fresh_db();
	assert_int_equal(db_begin(d), 0);
	assert_int_equal(db_run(d,
	                        "INSERT INTO orgs(code, name, kind, parent_id, path, created_at) VALUES "
	                        "('x1','X','unit',1,'/350100/x1/',0)",
	                        NULL),
	                 0);
	assert_int_equal(db_begin(d), 0);
	db_rollback(d);
	assert_true(db_in_transaction(d));
	assert_int_equal(db_commit(d), DB_ERROR);
	assert_false(db_in_transaction(d));
	int64_t n = -1;
	db_query_int64(d, &n, "SELECT count(*) FROM orgs WHERE code = 'x1'", NULL);
	assert_int_equal(n, 0);
	db_close(d);
}

static void test_constraint_is_reported(void **state)
{
	(void)state;
	struct db *d = fresh_db();
	assert_int_equal(db_run(d,
	                        "INSERT INTO orgs(code, name, kind, parent_id, path, created_at) VALUES (?,?,?,?,?,?)",
	                        "tttrti", "350111", "dup", "unit", (int64_t)1, "/350100/dup/", (int64_t)0),
	                 DB_CONSTRAINT);
	/* A foreign key to nothing is refused too. */
	assert_int_equal(db_run(d,
	                        "INSERT INTO orgs(code, name, kind, parent_id, path, created_at) VALUES (?,?,?,?,?,?)",
	                        "tttrti", "zz", "orphan", "unit", (int64_t)99999, "/zz/", (int64_t)0),
	                 DB_CONSTRAINT);
	db_close(d);
}

static void append_events(struct db *d, int n)
{
	struct audit_context ctx = audit_context_shell();
	assert_int_equal(db_begin(d), 0);
	for (int i = 0; i < n; i++) {
		json_t *detail = json_pack("{s:i, s:s}", "n", i, "note", "换行\nand \"quotes\"");
		assert_int_equal(audit_append(d, &ctx, "test.event", "thing", "1", "/350100/", detail), 0);
		json_decref(detail);
	}
	assert_int_equal(db_commit(d), 0);
}

/* The chain's verdict: the first bad row (0 if none) and the rows checked. */
static int chain_verify(struct db *d, int64_t *ret_bad, int64_t *ret_rows)
{
	struct audit_verdict v;
	int r = audit_verify(d, &v);
	*ret_bad = v.bad_id;
	*ret_rows = v.rows;
	return r;
}

static void test_audit_chain_detects_tampering(void **state)
{
	(void)state;
	struct db *d = fresh_db();
	append_events(d, 5);
	int64_t bad = -1, rows = 0, last = 0;
	assert_int_equal(chain_verify(d, &bad, &rows), 0);
	assert_int_equal(bad, 0);
	db_query_int64(d, &last, "SELECT max(id) FROM audit_log", NULL);
	assert_int_equal(rows, last);
	/* The log refuses edits through SQL... */
	assert_int_not_equal(db_run(d, "UPDATE audit_log SET actor = 'x' WHERE id = 3", NULL), 0);
	assert_int_not_equal(db_run(d, "DELETE FROM audit_log WHERE id = 3", NULL), 0);
	/* ...and someone who removes the guard is caught by the chain. */
	assert_int_equal(db_exec(d, "DROP TRIGGER audit_log_no_update"), 0);
	assert_int_equal(db_run(d, "UPDATE audit_log SET detail = '{}' WHERE id = ?", "i", last - 2), 0);
	assert_int_equal(chain_verify(d, &bad, &rows), 0);
	assert_int_equal(bad, last - 2);
	db_close(d);
}

static void test_audit_chain_detects_deletion(void **state)
{
	(void)state;
	struct db *d = fresh_db();
	append_events(d, 3);
	int64_t bad = -1, rows, last = 0;
	db_query_int64(d, &last, "SELECT max(id) FROM audit_log", NULL);
	assert_int_equal(db_exec(d, "DROP TRIGGER audit_log_no_delete"), 0);
	assert_int_equal(db_run(d, "DELETE FROM audit_log WHERE id = ?", "i", last), 0);
	assert_int_equal(chain_verify(d, &bad, &rows), 0);
	assert_int_equal(bad, 0); /* the tail is gone without trace: only a gap is detectable */
	assert_int_equal(db_run(d, "DELETE FROM audit_log WHERE id = ?", "i", last - 2), 0);
	assert_int_equal(chain_verify(d, &bad, &rows), 0);
	assert_int_equal(bad, last - 1);
	db_close(d);
}

static void test_audit_needs_a_transaction(void **state)
{
	(void)state;
	struct db *d = fresh_db();
	struct audit_context ctx = audit_context_shell();
	assert_int_equal(audit_append(d, &ctx, "x", "y", "z", "/", NULL), DB_ERROR);
	db_close(d);
}

static void test_backup_is_a_usable_copy(void **state)
{
	(void)state;
	struct db *d = fresh_db(), *copy;
	char to[160];
	snprintf(to, sizeof to, "%s/copy.db", dir);
	unlink(to);
	append_events(d, 2);
	assert_int_equal(db_backup(d, to), 0);
	assert_int_equal(db_open(to, &copy), 0);
	int64_t a = 0, b = 0, bad = -1, rows;
	db_query_int64(d, &a, "SELECT count(*) FROM audit_log", NULL);
	db_query_int64(copy, &b, "SELECT count(*) FROM audit_log", NULL);
	assert_int_equal(a, b);
	assert_int_equal(chain_verify(copy, &bad, &rows), 0);
	assert_int_equal(bad, 0);
	db_close(copy);
	db_close(d);
}

/* A connection that checkpoints by hand lets its log grow past the 1,000
** pages where a commit would checkpoint; after a checkpoint has copied the
** whole log, the next commit starts it afresh. */
static void test_checkpoints_by_hand(void **state)
{
	(void)state;
	struct db *d = fresh_db(), *other;
	assert_int_equal(db_checkpoints_by_hand(d), 0);
	assert_int_equal(db_open(path, &other), 0);
	const char *insert = "INSERT INTO t SELECT randomblob(3000) FROM"
	                     " (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)"
	                     " SELECT i FROM n)";
	assert_int_equal(db_exec(d, "CREATE TABLE t(x)"), 0);
	assert_int_equal(db_exec(d, insert), 0);
	assert_int_equal(db_exec(d, insert), 0);
	int log_pages = 0;
	assert_int_equal(db_checkpoint(other, &log_pages), 0);
	assert_true(log_pages > 3000);
	assert_int_equal(db_exec(d, "INSERT INTO t VALUES (1)"), 0);
	assert_int_equal(db_checkpoint(d, &log_pages), 0);
	assert_true(log_pages >= 1 && log_pages < 10);
	int64_t rows = 0;
	assert_int_equal(db_query_int64(other, &rows, "SELECT count(*) FROM t", NULL), 0);
	assert_int_equal(rows, 3001);
	db_close(other);
	db_close(d);
}

/* The voucher writer's commits return unsynced and a flush makes them
** durable; the setting is its connection's alone, and the flush still
** works once the log has started afresh (written over from the start). */
static void test_commits_unsynced_then_flushed(void **state)
{
	(void)state;
	struct db *d = fresh_db(), *other;
	assert_int_equal(db_checkpoints_by_hand(d), 0);
	assert_int_equal(db_commits_unsynced(d), 0);
	assert_int_equal(db_open(path, &other), 0);
	int64_t sync_d = 0, sync_other = 0;
	assert_int_equal(db_query_int64(d, &sync_d, "PRAGMA synchronous", NULL), 0);
	assert_int_equal(db_query_int64(other, &sync_other, "PRAGMA synchronous", NULL), 0);
	assert_int_equal(sync_d, 1);     /* NORMAL */
	assert_int_equal(sync_other, 2); /* FULL, as every other connection */
	assert_int_equal(db_exec(d, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)"), 0);
	assert_int_equal(db_log_sync(d), 0);
	int log_pages = -1;
	assert_int_equal(db_checkpoint(other, &log_pages), 0);
	assert_int_equal(db_exec(d, "INSERT INTO t VALUES (3)"), 0); /* the log starts afresh */
	assert_int_equal(db_checkpoint(other, &log_pages), 0);
	assert_true(log_pages >= 1 && log_pages < 5);
	assert_int_equal(db_log_sync(d), 0);
	db_close(d);
	db_close(other);
	assert_int_equal(db_open(path, &d), 0);
	int64_t rows = 0;
	assert_int_equal(db_query_int64(d, &rows, "SELECT count(*) FROM t", NULL), 0);
	assert_int_equal(rows, 3);
	db_close(d);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migrations_apply_once),         cmocka_unit_test(test_nested_rollback_undoes_outer),
	    cmocka_unit_test(test_constraint_is_reported),        cmocka_unit_test(test_audit_chain_detects_tampering),
	    cmocka_unit_test(test_audit_chain_detects_deletion),  cmocka_unit_test(test_audit_needs_a_transaction),
	    cmocka_unit_test(test_backup_is_a_usable_copy),       cmocka_unit_test(test_checkpoints_by_hand),
	    cmocka_unit_test(test_commits_unsynced_then_flushed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
