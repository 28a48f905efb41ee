/*
** test_refunds_crash.c - a rolls import and a decision run survive SIGKILL:
** each is one transaction, so after a kill the whole step is there or none of
** it, `banyan check` is clean, and doing it again completes it.
**
** The rolls are big enough (enterprises() x 12 months) that each step takes a
** while, and the kill waits for the step to be under way, not for a clock:
** the import streams its file, so it is killed once it has read a third of
** it (rchar in /proc/PID/io; it commits only after the last line); the run
** writes decisions beyond its page cache into the write-ahead log as it goes,
** so it is killed once it has written written() bytes (wchar; on PostgreSQL
** the database server's log), a small part of the batch: as a `banyan
** refunds run` process, and as the server answering
** POST /api/v1/refunds/policies/{id}/batches.
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../api/client.h"
#include "core/credit_code.h"
#include "db/db.h"

/*
** On PostgreSQL each row is a round trip to the database server, so a step
** takes a while with an eighth of the enterprises, and the run is watched in
** the database server's log (a small part of what its batch writes there).
*/
static int enterprises(void)
{
	return on_postgres() ? 5000 : 40000;
}

static long long written(void)
{
	return on_postgres() ? 512 << 10 : 4 << 20;
}

static struct test_server server;
static char rolls[160], rules[160];

/* The rolls of 2020: enterprises() enterprises of 晋安 (350111), twelve months each, a few laying off. */
static void write_rolls(void)
{
	snprintf(rolls, sizeof rolls, "%s/rolls.csv", server.dir);
	FILE *f = fopen(rolls, "w");
	assert_non_null(f);
	fputs("统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n", f);
	for (int e = 0; e < enterprises(); e++) {
		char code[32]; /* room for any int, though e stays below 40,000 */
		snprintf(code, sizeof code, "91350111MA%07dX", e);
		code[17] = credit_code_check_char(code);
		for (int m = 1; m <= 12; m++) {
			int insured = 10 + e % 50 - (e % 7 == 0 && m >= 6 ? 5 : 0);
			fprintf(f, "%s,榕城%05d有限公司,350111,制造,小型,2020-%02d,%d,%d,0\n", code, e, m, insured, insured * 4000);
		}
	}
	assert_int_equal(fclose(f), 0);
	snprintf(rules, sizeof rules, "%s/rules.json", server.dir);
	f = fopen(rules, "w");
	assert_non_null(f);
	fputs("{\"year\":2020,\"start_month\":\"2020-01\",\"end_month\":\"2020-06\",\"arrears_month\":\"2020-06\","
	      "\"rate_bp\":550,\"small_rate_bp\":2000,\"small_headcount\":30,\"exclude_default\":true,"
	      "\"require_difficulty\":false,\"amount\":\"benefit\",\"benefit_months\":6,\"benefit_fen\":129000,"
	      "\"cap_fen\":0,\"rounding\":\"half_up\"}",
	      f);
	assert_int_equal(fclose(f), 0);
}

/* A counter of /proc/PID/io ("rchar", "wchar"), or -1 once the process is gone. */
static long long io_counter(pid_t pid, const char *name)
{
	char path[64], key[32];
	long long value, found = -1;
	snprintf(path, sizeof path, "/proc/%d/io", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%31[^:]: %lld\n", key, &value) == 2)
		if (strcmp(key, name) == 0)
			found = value;
	fclose(f);
	return found;
}

/*
** The bytes PostgreSQL's write-ahead log has taken so far: on PostgreSQL the
** run's decisions go to the database server over a socket, which wchar does
** not count, and into the server's log as the run goes.
*/
static struct db *wal_db; /* kept open while a step is watched */

static long long wal_written(void)
{
	int64_t bytes = -1;
	if (!wal_db)
		assert_int_equal(db_open(server.db, &wal_db), DB_OK);
	assert_int_equal(
	    db_query_int64(wal_db, &bytes, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint", NULL),
	    DB_OK);
	return bytes;
}

/* What shows a run's decisions being written: the log on PostgreSQL, the process's writes on SQLite. */
static const char *written_counter(void)
{
	return on_postgres() ? "wal" : "wchar";
}

static long long progress(pid_t pid, const char *counter)
{
	return strcmp(counter, "wal") == 0 ? wal_written() : io_counter(pid, counter);
}

/* SIGKILL pid (a child of ours) once its counter has grown by `by`: it must die of the signal, not end first. */
static void kill_after(pid_t pid, const char *counter, long long by, const char *what)
{
	/* Zombie or not, /proc/PID/io reads while the process is ours; its end shows as a status below. */
	int status = 0;
	long long from = progress(pid, counter);
	struct timespec pause = {0, 200000};
	time_t give_up = time(NULL) + 300; /* a step that never gets under way is a failure, not a hang */
	bool under_way = false;
	while (waitpid(pid, &status, WNOHANG) == 0 && !(under_way = progress(pid, counter) >= from + by) &&
	       time(NULL) < give_up)
		nanosleep(&pause, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("%s ended before the kill (status %d): make the rolls bigger", what, status);
	if (!under_way)
		fail_msg("%s did not get under way in 300 s", what);
}

/* Run `banyan refunds ARGS... --db DB` and SIGKILL it once its counter has grown by `by`. */
static void kill_when(const char *counter, long long by, const char *const *args)
{
	const char *argv[16] = {getenv("BANYAN_BIN"), "refunds"};
	int n = 2;
	for (; *args; args++)
		argv[n++] = *args;
	argv[n++] = "--db";
	argv[n++] = server.db;
	argv[n] = NULL;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	kill_after(pid, counter, by, argv[2]);
}

static void assert_check_clean(void)
{
	char out[4096];
	if (run_banyan(NULL, out, sizeof out, "check", "--db", server.db, NULL) != 0)
		fail_msg("banyan check after SIGKILL: %s", out);
}

static int setup(void **state)
{
	(void)state;
	server_prepare(&server);
	write_rolls();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (wal_db)
		db_close(wal_db);
	server_down(&server);
	return 0;
}

static void test_import_killed_midway_leaves_nothing_and_runs_again_whole(void **state)
{
	(void)state;
	struct stat st;
	assert_int_equal(stat(rolls, &st), 0);
	kill_when("rchar", st.st_size / 3, (const char *const[]){"import", "--year", "2020", rolls, NULL});
	assert_check_clean();
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_rolls") +
	                     db_count(&server, "SELECT count(*) FROM refund_enterprises") +
	                     db_count(&server, "SELECT count(*) FROM refund_imports") +
	                     db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'refunds.rolls.import'"),
	                 0);
	/* The same file again: a first import, whole. */
	char out[4096];
	if (run_banyan(NULL, out, sizeof out, "refunds", "import", "--db", server.db, "--year", "2020", rolls, NULL) != 0)
		fail_msg("import after the kill: %s", out);
	char imported[64];
	snprintf(imported, sizeof imported, "imported: %d rows, %d enterprises", enterprises() * 12, enterprises());
	assert_non_null(strstr(out, imported));
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_rolls"), enterprises() * 12);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_imports"), 1);
	assert_check_clean();
}

static void test_run_killed_midway_leaves_no_batch_and_the_next_decides_everyone_once(void **state)
{
	(void)state;
	char out[4096];
	if (run_banyan(NULL, out, sizeof out, "refunds", "policy", "add", "--db", server.db, "--code", "crash", "--name",
	               "崩溃测试", "--rules", rules, NULL) != 0)
		fail_msg("policy add: %s", out);
	for (int kill = 0; kill < 2; kill++) {
		kill_when(written_counter(), written(), (const char *const[]){"run", "--policy", "crash", NULL});
		assert_check_clean();
		assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_batches") +
		                     db_count(&server, "SELECT count(*) FROM refund_decisions") +
		                     db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'refunds.batch.run'"),
		                 0);
	}
	if (run_banyan(NULL, out, sizeof out, "refunds", "run", "--db", server.db, "--policy", "crash", NULL) != 0)
		fail_msg("run after the kills: %s", out);
	assert_non_null(strstr(out, "\"number\":1,"));
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_batches"), 1);
	assert_int_equal(db_count(&server, "SELECT decided FROM refund_batches"), enterprises());
	assert_int_equal(db_count(&server, "SELECT count(DISTINCT credit_code) FROM refund_decisions"), enterprises());
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_decisions"), enterprises());
	/* The run after it adds nobody. */
	if (run_banyan(NULL, out, sizeof out, "refunds", "run", "--db", server.db, "--policy", "crash", NULL) != 0)
		fail_msg("second run: %s", out);
	assert_non_null(strstr(out, "\"decided\":0,"));
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_decisions"), enterprises());
	assert_check_clean();
}

static struct client hr;
static char batch_url[160];

static size_t discard(char *data, size_t size, size_t n, void *ctx)
{
	(void)data, (void)ctx;
	return size * n;
}

/* The run over HTTP as hr, in a thread, on a handle of its own: the server dies under it, so no answer. */
static void *post_batch(void *unused)
{
	(void)unused;
	CURL *h = curl_easy_init();
	struct curl_slist *cookies = NULL, *headers = NULL;
	char csrf[160];
	curl_easy_getinfo(hr.curl, CURLINFO_COOKIELIST, &cookies);
	for (struct curl_slist *c = cookies; c; c = c->next)
		curl_easy_setopt(h, CURLOPT_COOKIELIST, c->data);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", hr.csrf);
	headers = curl_slist_append(curl_slist_append(NULL, csrf), "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, batch_url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{}");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_perform(h);
	curl_slist_free_all(headers);
	curl_slist_free_all(cookies);
	curl_easy_cleanup(h);
	return NULL;
}

/* The same in the server: a run's request killed with the server, and the server restarted runs it whole. */
static void test_server_killed_during_a_run_keeps_no_batch(void **state)
{
	(void)state;
	char out[4096], path[96];
	if (run_banyan(NULL, out, sizeof out, "refunds", "policy", "add", "--db", server.db, "--code", "crash-http",
	               "--name", "服务崩溃测试", "--rules", rules, NULL) != 0)
		fail_msg("policy add: %s", out);
	long long policy = db_count(&server, "SELECT id FROM refund_policies WHERE code = 'crash-http'");
	snprintf(path, sizeof path, "/api/v1/refunds/policies/%lld/batches", policy);
	add_user(&server, "city-hr", "department", "350100-rsj");
	server_start_process(&server, NULL);
	client_login_as(&hr, &server, "city-hr");
	snprintf(batch_url, sizeof batch_url, "http://127.0.0.1:%u%s", server.port, path);
	pthread_t thread;
	assert_int_equal(pthread_create(&thread, NULL, post_batch, NULL), 0);
	kill_after(server.pid, written_counter(), written(), "banyan serve");
	server.pid = 0;
	server.port = 0; /* the restart waits for its own port */
	pthread_join(thread, NULL);
	client_free(&hr);
	assert_check_clean();
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM refund_decisions WHERE policy_id = %lld", policy);
	assert_int_equal(db_count(&server, sql), 0);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_batches WHERE policy_id <> 1"), 0);
	server_start_process(&server, NULL);
	struct response r;
	client_login_as(&hr, &server, "city-hr");
	assert_int_equal(client_callf(&hr, &r, "POST", path, "{}"), 201);
	assert_int_equal(json_integer_value(json_object_get(r.json, "decided")), enterprises());
	response_free(&r);
	client_free(&hr);
	assert_int_equal(db_count(&server, sql), enterprises());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_import_killed_midway_leaves_nothing_and_runs_again_whole),
	    cmocka_unit_test(test_run_killed_midway_leaves_no_batch_and_the_next_decides_everyone_once),
	    cmocka_unit_test(test_server_killed_during_a_run_keeps_no_batch),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
