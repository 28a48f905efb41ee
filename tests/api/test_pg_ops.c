/*
** test_pg_ops.c - the operator's side of PostgreSQL, beside a throw-away
** cluster (tests/with_postgres.sh; suite postgres only): a served SQLite
** city migrated into PostgreSQL and served from there; the refusals of a
** used target and of another schema version; check and backup (restored
** with pg_restore) on PostgreSQL; and the database server restarted under a
** running banyan: 503 while it is gone, served again after, never a crash.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "db/db.h"

static struct test_server city, target;
static char out[65536];

/* A SQLite city beside the test cluster: a file, initialised, with the admin user. */
static void sqlite_city(struct test_server *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/banyan-city-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->db, sizeof s->db, "%s/city.db", s->dir);
	snprintf(s->log, sizeof s->log, "%s/serve.log", s->dir);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "init", "--db", s->db, NULL), 0);
	assert_int_equal(run_banyan("admin-password\n", out, sizeof out, "user", "add", "--db", s->db, "--username",
	                            "admin", "--role", "admin", "--org", "350100", "--password-stdin", NULL),
	                 0);
}

static int setup(void **state)
{
	(void)state;
	sqlite_city(&city);
	server_dir(&target);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	server_down(&city);
	server_down(&target);
	return 0;
}

static const char *const counted[] = {
    "SELECT count(*) FROM users",
    "SELECT count(*) FROM orgs",
    "SELECT count(*) FROM sessions",
    "SELECT count(*) FROM audit_log",
    "SELECT count(*) FROM schema_migrations",
    "SELECT max(id) FROM audit_log",
};
enum { N_COUNTED = sizeof counted / sizeof counted[0] };

static void test_migrate_copies_a_served_city(void **state)
{
	(void)state;
	add_user(&city, "jinan-officer", "officer", "350111-tcj");
	server_start_process(&city, NULL);
	struct client c;
	client_login_as(&c, &city, "jinan-officer");
	/* Copied while the city serves. */
	int rc = run_banyan(NULL, out, sizeof out, "migrate", "--from", city.db, "--to", target.db, NULL);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "row counts: ok"));
	assert_non_null(strstr(out, "audit chain: ok on the target"));
	assert_int_equal(server_stop_process(&city), 0);
	/* The planner knows the copied rows at once (ANALYZE), not once autovacuum comes by. */
	assert_true(db_count(&target, "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
	                              " AND relname IN ('users', 'audit_log', 'orgs')") == 3);

	long long there[N_COUNTED], here[N_COUNTED];
	db_counts(&city, counted, N_COUNTED, there);
	db_counts(&target, counted, N_COUNTED, here);
	for (size_t i = 0; i < N_COUNTED; i++)
		assert_int_equal(here[i], there[i]);
	assert_true(there[0] == 2 && there[2] >= 1);

	/* Served from PostgreSQL: the same people log in, new rows take ids past the copied ones,
	** and the audit chain goes on from the copied head. */
	server_start_process(&target, NULL);
	/* The session made on SQLite holds on PostgreSQL: its token's hash (a blob) copied byte for byte. */
	struct response r;
	c.server = &target;
	assert_int_equal(client_callf(&c, &r, "GET", "/api/v1/me", NULL), 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"), "username")),
	                    "jinan-officer");
	response_free(&r);
	client_free(&c);
	client_login_as(&c, &target, "jinan-officer");
	client_free(&c);
	add_user(&target, "city-rsj", "department", "350100-rsj");
	assert_int_equal(db_count(&target, "SELECT id FROM users WHERE username = 'city-rsj'"), 3);
	assert_true(db_count(&target, "SELECT max(id) FROM audit_log") > there[5]);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", target.db, NULL), 0);
	assert_non_null(strstr(out, "audit chain: ok"));
}

static void test_migrate_refuses_used_target(void **state)
{
	(void)state;
	server_down(&target);
	server_prepare(&target); /* initialised, with its admin: a city already */
	long long users = db_count(&target, "SELECT count(*) FROM users");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "migrate", "--from", city.db, "--to", target.db, NULL), 1);
	assert_non_null(strstr(out, "holds a city already (1 users)"));
	assert_int_equal(db_count(&target, "SELECT count(*) FROM users"), users);
}

static void test_migrate_refuses_another_schema_version(void **state)
{
	(void)state;
	/* A city one migration behind this banyan. */
	db_run_sql(&city, "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "migrate", "--from", city.db, "--to", target.db, NULL), 1);
	assert_non_null(strstr(out, "bring it to"));
	assert_int_equal(db_count(&target, "SELECT count(*) FROM users"), 0);
	assert_int_equal(db_count(&target, "SELECT count(*) FROM audit_log"), 0);
}

static void test_migrate_usage(void **state)
{
	(void)state;
	/* Both ends named, the source a file and the target a URL. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "migrate", "--from", city.db, NULL), 2);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "migrate", "--from", target.db, "--to", city.db, NULL), 2);
	assert_non_null(strstr(out, "usage: banyan migrate"));
}

static int prepared(void **state)
{
	(void)state;
	server_prepare(&target);
	return 0;
}

static int target_down(void **state)
{
	(void)state;
	server_down(&target);
	return 0;
}

static void test_check_finds_a_rewritten_audit_row(void **state)
{
	(void)state;
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", target.db, NULL), 0);
	assert_non_null(strstr(out, "database: ok"));
	assert_non_null(strstr(out, "audit chain: ok"));
	/* What only the database's owner can do: the append-only rule switched off, a row rewritten. */
	db_run_sql(&target, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
	                    " UPDATE audit_log SET action = action || '.rewritten' WHERE id = 1");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", target.db, NULL), 1);
	assert_non_null(strstr(out, "audit chain: BROKEN at row 1"));
}

/* The audit figure of the administrators' workbench (GET /api/v1/workbench/admin). */
static json_t *audit_figure(struct client *c, struct response *r)
{
	assert_int_equal(client_callf(c, r, "GET", "/api/v1/workbench/admin", NULL), 200);
	json_t *figure, *figures = json_object_get(r->json, "figures");
	size_t i;
	json_array_foreach(figures, i, figure)
	{
		if (strcmp(json_string_value(json_object_get(figure, "key")), "audit") == 0)
			return figure;
	}
	fail_msg("no audit figure");
	return NULL;
}

/* What a check found reaches the administrators' workbench on PostgreSQL too (no file beside the
** database to keep it in): never checked, checked and holding, then a rewritten row found, red. */
static void test_check_reaches_the_workbench(void **state)
{
	(void)state;
	struct client admin;
	struct response r;
	server_start_process(&target, NULL);
	client_login_as(&admin, &target, "admin");
	json_t *audit = audit_figure(&admin, &r), *checked = json_object_get(audit, "checked");
	assert_true(json_is_null(checked)); /* never checked */
	response_free(&r);

	long long head = db_count(&target, "SELECT max(id) FROM audit_log");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", target.db, NULL), 0);
	assert_int_equal(db_count(&target, "SELECT max(id) FROM audit_log"), head); /* the check wrote no audit row */
	audit = audit_figure(&admin, &r);
	checked = json_object_get(audit, "checked");
	assert_true(json_is_true(json_object_get(checked, "ok")));
	assert_int_equal(json_integer_value(json_object_get(checked, "upto")), head);
	assert_int_equal(json_integer_value(json_object_get(audit, "red")), 0);
	response_free(&r);

	db_run_sql(&target, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
	                    " UPDATE audit_log SET action = action || '.rewritten' WHERE id = 2");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", target.db, NULL), 1);
	audit = audit_figure(&admin, &r);
	checked = json_object_get(audit, "checked");
	assert_true(json_is_false(json_object_get(checked, "ok")));
	assert_int_equal(json_integer_value(json_object_get(checked, "upto")), 1); /* row 1 still holds */
	assert_int_equal(json_integer_value(json_object_get(audit, "red")), 1);
	response_free(&r);
	client_free(&admin);
}

/* The setting a connection's commits are made under. */
static void expect_synchronous_commit(struct db *d, const char *want)
{
	struct db_stmt *s;
	assert_int_equal(db_prepare(d, &s, "SHOW synchronous_commit", NULL), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_column_text(s, 0), want);
	db_finalize(s);
}

/* The nonces' connections (db_commits_may_be_lost): commits not waiting for the disk, still so once the
** connection was lost and made again; every other connection's commits wait. */
static void test_lossy_commits_survive_a_reconnection(void **state)
{
	(void)state;
	struct db *lossy, *durable;
	assert_int_equal(db_open(target.db, &lossy), DB_OK);
	assert_int_equal(db_open(target.db, &durable), DB_OK);
	assert_int_equal(db_commits_may_be_lost(lossy), DB_OK);
	expect_synchronous_commit(lossy, "off");
	expect_synchronous_commit(durable, "on");
	int64_t pid = 0, killed = 0;
	assert_int_equal(db_query_int64(lossy, &pid, "SELECT pg_backend_pid()", NULL), DB_OK);
	assert_int_equal(db_query_int64(durable, &killed, "SELECT pg_terminate_backend(CAST(? AS INTEGER))", "i", pid),
	                 DB_OK);
	assert_true(killed);
	struct db_stmt *s;
	int rc = db_prepare(lossy, &s, "SELECT 1", NULL);
	if (rc == DB_OK)
		rc = db_step(s);
	db_finalize(s);
	assert_int_equal(rc, DB_LOST);
	expect_synchronous_commit(lossy, "off"); /* made again, as it was */
	db_close(lossy);
	db_close(durable);
}

static void test_check_names_another_schema_version(void **state)
{
	(void)state;
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", target.db, NULL), 0);
	assert_non_null(strstr(out, "schema: ok (version "));
	db_run_sql(&target,
	           "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", target.db, NULL), 1);
	assert_non_null(strstr(out, "schema: FAILED: version "));
}

static void test_backup_restores_with_pg_restore(void **state)
{
	(void)state;
	char dump[160];
	snprintf(dump, sizeof dump, "%s/city.dump", target.dir);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "backup", "--db", target.db, "--to", dump, NULL), 0);
	assert_int_equal(access(dump, F_OK), 0);
	/* Noted in the database for the workbench, audited. */
	assert_int_equal(db_count(&target, "SELECT count(*) FROM backups"), 1);
	assert_int_equal(db_count(&target, "SELECT count(*) FROM audit_log WHERE action = 'audit.backup'"), 1);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "backup", "--db", target.db, "--to", dump, NULL), 1);
	assert_non_null(strstr(out, "exists"));

	/* Restored into a new database: a city that checks out, with the same people. */
	struct test_server restored;
	server_dir(&restored);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "pg_restore --no-owner --dbname '%s' '%s'", restored.db, dump);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", restored.db, NULL), 0);
	assert_int_equal(db_count(&restored, "SELECT count(*) FROM users"),
	                 db_count(&target, "SELECT count(*) FROM users"));
	server_start_process(&restored, NULL);
	struct client c;
	client_init(&c, &restored);
	assert_int_equal(client_login(&c, "admin", "admin-password"), 200);
	client_free(&c);
	server_down(&restored);
}

/* The cluster stopped (or started) by the command with_postgres.sh gives in the variable name. */
static void cluster(const char *name)
{
	const char *cmd = getenv(name);
	assert_non_null(cmd);
	assert_int_equal(system(cmd), 0);
}

static void test_lost_connection_answers_503_then_reconnects(void **state)
{
	(void)state;
	server_start_process(&target, NULL);
	struct client c;
	struct response r;
	client_init(&c, &target);
	assert_int_equal(client_login(&c, "admin", "admin-password"), 200);

	cluster("BANYAN_TEST_PG_STOP");
	for (int i = 0; i < 3; i++) { /* every thread's connection, whichever answers */
		assert_int_equal(client_callf(&c, &r, "GET", "/api/v1/me", NULL), 503);
		assert_string_equal(error_code(&r), "database_unavailable");
		response_free(&r);
	}
	assert_int_equal(kill(target.pid, 0), 0);

	cluster("BANYAN_TEST_PG_START");
	assert_int_equal(client_callf(&c, &r, "GET", "/api/v1/me", NULL), 200);
	response_free(&r);
	/* Writes too: a new session, its audit row. */
	struct client again;
	client_init(&again, &target);
	assert_int_equal(client_login(&again, "admin", "admin-password"), 200);
	client_free(&again);
	client_free(&c);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", target.db, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrate_copies_a_served_city, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_refuses_used_target, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_refuses_another_schema_version, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_usage, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_finds_a_rewritten_audit_row, prepared, target_down),
	    cmocka_unit_test_setup_teardown(test_check_names_another_schema_version, prepared, target_down),
	    cmocka_unit_test_setup_teardown(test_check_reaches_the_workbench, prepared, target_down),
	    cmocka_unit_test_setup_teardown(test_lossy_commits_survive_a_reconnection, prepared, target_down),
	    cmocka_unit_test_setup_teardown(test_backup_restores_with_pg_restore, prepared, target_down),
	    cmocka_unit_test_setup_teardown(test_lost_connection_answers_503_then_reconnects, prepared, target_down),
	};
	if (!on_postgres()) {
		printf("1..0 # SKIP needs a PostgreSQL test cluster (tests/with_postgres.sh)\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
