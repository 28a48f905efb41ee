/*
** test_refunds_crash.c - a rolls import and a decision run survive SIGKILL:
** each is one transaction, so after a kill the whole step is there or none of
** it, `banyan check` is clean, and doing it again completes it.
**
** The rolls are big enough (ENTERPRISES x 12 months) that each step takes a
** while, and the kill waits for the step to be under way, not for a clock:
** the import streams its file, so it is killed once it has read a third of
** it (rchar in /proc/PID/io; it commits only after the last line); the run
** writes decisions beyond its page cache into the write-ahead log as it goes,
** so it is killed once it has written WRITTEN bytes (wchar), a small part of
** the batch.  Both kills hit `banyan refunds` processes, as the bureau's bulk
** load runs them; the server runs the same functions in its requests.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../api/client.h"
#include "core/credit_code.h"

enum { ENTERPRISES = 40000, WRITTEN = 4 << 20 };

static struct test_server server;
static char rolls[160], rules[160];

/* The rolls of 2020: ENTERPRISES enterprises of 晋安 (350111), twelve months each, a few laying off. */
static void write_rolls(void)
{
	snprintf(rolls, sizeof rolls, "%s/rolls.csv", server.dir);
	FILE *f = fopen(rolls, "w");
	assert_non_null(f);
	fputs("统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n", f);
	for (int e = 0; e < ENTERPRISES; e++) {
		char code[CREDIT_CODE_LEN + 1];
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
** Run `banyan refunds ARGS... --db DB` and SIGKILL it once its counter
** passes `threshold`; the process must die of the signal, not finish first.
*/
static void kill_when(const char *counter, long long threshold, const char *const *args)
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
	/* Zombie or not, /proc/PID/io reads while the process is ours; its end shows as a status below. */
	int status = 0;
	struct timespec pause = {0, 200000};
	while (waitpid(pid, &status, WNOHANG) == 0 && io_counter(pid, counter) < threshold)
		nanosleep(&pause, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("banyan refunds %s ended before the kill (status %d): make the rolls bigger", argv[2], status);
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
	assert_non_null(strstr(out, "imported: 480000 rows, 40000 enterprises"));
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_rolls"), ENTERPRISES * 12);
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
		kill_when("wchar", WRITTEN, (const char *const[]){"run", "--policy", "crash", NULL});
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
	assert_int_equal(db_count(&server, "SELECT decided FROM refund_batches"), ENTERPRISES);
	assert_int_equal(db_count(&server, "SELECT count(DISTINCT credit_code) FROM refund_decisions"), ENTERPRISES);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_decisions"), ENTERPRISES);
	/* The run after it adds nobody. */
	if (run_banyan(NULL, out, sizeof out, "refunds", "run", "--db", server.db, "--policy", "crash", NULL) != 0)
		fail_msg("second run: %s", out);
	assert_non_null(strstr(out, "\"decided\":0,"));
	assert_int_equal(db_count(&server, "SELECT count(*) FROM refund_decisions"), ENTERPRISES);
	assert_check_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_import_killed_midway_leaves_nothing_and_runs_again_whole),
	    cmocka_unit_test(test_run_killed_midway_leaves_no_batch_and_the_next_decides_everyone_once),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
