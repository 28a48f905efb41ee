/*
** test_integrity.c - the integrity of the data and of the operator's commands
** (issue #12): one server per database, `banyan check` recounting the
** vouchers and the signing ledger, the keyed audit chain with its anchors and
** signed archives, a full disk, a damaged file, and API keys disabled or
** rotated under a running server.  Attacks are made as an attacker would:
** writing the database behind banyan's back.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "client.h"
#include "core/clock.h"
#include "db/db.h"

static struct test_server s;
static char out[65536], key_file[160];

static int prepared(void **state)
{
	(void)state;
	server_prepare(&s);
	snprintf(key_file, sizeof key_file, "%s/audit.key", s.dir);
	return 0;
}

static int serving(void **state)
{
	prepared(state);
	server_start_process(&s, NULL);
	return 0;
}

static int down(void **state)
{
	(void)state;
	if (s.pid > 0) {
		server_down(&s);
		return 0;
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", s.dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The SQL that takes one of audit_log's append-only triggers away, as an attacker with the database would. */
static const char *without_trigger(const char *trigger)
{
	static char text[128];
	snprintf(text, sizeof text, on_postgres() ? "ALTER TABLE audit_log DISABLE TRIGGER %s" : "DROP TRIGGER %s",
	         trigger);
	return text;
}

static long long count(const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	return db_count(&s, text);
}

static void expect_in(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("expected \"%s\" in:\n%s", needle, text);
}

static long health(void)
{
	struct client c;
	client_init(&c, &s);
	long status = client_statusf(&c, "GET", "/api/v1/health", NULL, NULL);
	client_free(&c);
	return status;
}

/* ---- item 1: one server per database ---- */

static void test_second_server_refused_and_restart_after_kill9(void **state)
{
	(void)state;
	char pid[32];
	snprintf(pid, sizeof pid, "process %d", (int)s.pid);
	/* The second server on the same file exits at once, naming the first (on PostgreSQL, an advisory lock). */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "serve", "--db", s.db, "--listen", "127.0.0.1:0", NULL), 1);
	expect_in(out, "already being served");
	if (!on_postgres())
		expect_in(out, pid);
	assert_int_equal(health(), 200);
	/* kill -9 leaves the lock file behind, but not the lock: a restart works. */
	kill(s.pid, SIGKILL);
	waitpid(s.pid, NULL, 0);
	s.pid = 0;
	s.port = 0;
	char lock[sizeof s.db + 8];
	snprintf(lock, sizeof lock, "%s.lock", s.db);
	assert_int_equal(access(lock, F_OK), on_postgres() ? -1 : 0);
	server_start_process(&s, NULL);
	assert_true(s.port > 0);
	assert_int_equal(health(), 200);
}

static long signed_status(struct client *c);

/* `banyan serve --db db`, output into out: its exit status, or 124 if it was still serving after 5 s (then killed). */
static int serve_status(const char *db)
{
	char cmd[1024], log[160];
	const char *bin = getenv("BANYAN_BIN");
	snprintf(log, sizeof log, "%s/second.log", s.dir);
	snprintf(cmd, sizeof cmd, "timeout -s KILL -k 1 5 %s serve --db %s --listen 127.0.0.1:0 >%s 2>&1",
	         bin ? bin : "build/banyan", db, log);
	int rc = system(cmd);
	FILE *f = fopen(log, "r");
	assert_non_null(f);
	out[fread(out, 1, sizeof out - 1, f)] = 0;
	fclose(f);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 124;
}

/* Another name of the served file (a symlink) neither starts a second server nor hides the server from the CLI. */
static void test_second_server_through_a_symlink_refused(void **state)
{
	(void)state;
	char alias[160], pid[32];
	snprintf(alias, sizeof alias, "%s/alias.db", s.dir);
	assert_int_equal(symlink(s.db, alias), 0);
	snprintf(pid, sizeof pid, "process %d", (int)s.pid);
	assert_int_equal(serve_status(alias), 1);
	expect_in(out, "already being served");
	expect_in(out, pid);
	assert_int_equal(health(), 200);
	/* `apikey disable` through the symlink reaches the running server's key cache at once. */
	struct client c;
	client_init(&c, &s);
	assert_int_equal(issue_channel_key(&s, "350100-swj", "云闪付", c.key_id, c.secret), 0);
	char id[24];
	snprintf(id, sizeof id, "%lld", count("SELECT id FROM api_keys WHERE key_id = '%s'", c.key_id));
	assert_int_equal(signed_status(&c), 422); /* cached */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "apikey", "disable", "--db", alias, "--id", id, NULL), 0);
	assert_int_equal(signed_status(&c), 401);
	client_free(&c);
}

/* ---- item 1: check recounts the vouchers and the ledger ---- */

/* A campaign with one kind of stock 3, limit 1, and a channel; returns the kind's id. */
static long long voucher_kind(long long *ret_channel)
{
	char key_id[64], secret[128];
	assert_int_equal(issue_channel_key(&s, "350100-swj", "支付宝", key_id, secret), 0);
	*ret_channel = count("SELECT id FROM api_keys WHERE key_id = '%s'", key_id);
	db_run_sql(
	    &s,
	    "INSERT INTO voucher_campaigns(name, org_id, created_at) VALUES ('消费季', 1, 0);"
	    "INSERT INTO voucher_rounds(campaign_id, name, starts_at, ends_at, created_at) VALUES (1, '第一期', 0, 1, "
	    "0);"
	    "INSERT INTO voucher_kinds(round_id, name, face_fen, threshold_fen, stock, validity_days,"
	    " per_person_limit, categories, created_at) VALUES (1, '满100减20', 2000, 10000, 3, 7, 1, ',retail,', 0);");
	return count("SELECT id FROM voucher_kinds WHERE name = '满100减20'");
}

static void add_voucher(long long kind, long long channel, const char *code, const char *person, int seq)
{
	char text[512];
	snprintf(
	    text, sizeof text,
	    "INSERT INTO vouchers(code, kind_id, api_key_id, person, person_seq, request_id, claimed_at, expires_at)"
	    " VALUES ('%s', %lld, %lld, '%s', %d, 'r-%s', 0, 1)",
	    code, kind, channel, person, seq, code);
	db_run_sql(&s, text);
}

static void test_check_finds_oversold_kind_and_limit(void **state)
{
	(void)state;
	long long channel, kind = voucher_kind(&channel);
	add_voucher(kind, channel, "FZAAAA01", "u1", 1);
	add_voucher(kind, channel, "FZAAAA02", "u2", 1);
	add_voucher(kind, channel, "FZAAAA03", "u3", 1);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 0);
	expect_in(out, "vouchers: ok");
	expect_in(out, "signing ledger: ok");
	/* A second server (or anyone with the file) sold a fourth of three. */
	add_voucher(kind, channel, "FZAAAA04", "u4", 1);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 1);
	expect_in(out, "vouchers: FAILED: kind");
	expect_in(out, "满100减20: 4 vouchers issued, stock 3");
	/* Within stock again, but one person holds two of a kind limited to one. */
	db_run_sql(&s, "DELETE FROM vouchers WHERE code IN ('FZAAAA03', 'FZAAAA04')");
	add_voucher(kind, channel, "FZAAAA05", "u1", 2);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 1);
	expect_in(out, "person u1 holds 2 vouchers, the limit is 1");
}

/* Stock leased to nodes (PostgreSQL, src/vouchers/leases.c) is recounted: a bucket's leased against its leases'
** sizes, its vouchers against what its leases counted. */
static void test_check_finds_leases_that_disagree(void **state)
{
	(void)state;
	long long channel, kind = voucher_kind(&channel);
	add_voucher(kind, channel, "FZAAAA01", "u1", 1);
	add_voucher(kind, channel, "FZAAAA02", "u2", 1);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO voucher_nodes(id, started_at) VALUES (1, 0);"
	         " INSERT INTO voucher_buckets(kind_id, api_key_id, stock, leased) VALUES (%lld, 0, 3, 3);"
	         " INSERT INTO voucher_leases(kind_id, api_key_id, node_id, size, used, taken_at)"
	         " VALUES (%lld, 0, 1, 3, 2, 0)",
	         kind, kind);
	db_run_sql(&s, sql);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 0);
	expect_in(out, "vouchers: ok");
	/* A voucher written outside its lease's count. */
	db_run_sql(&s, "UPDATE voucher_leases SET used = 1");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 1);
	expect_in(out, "2 vouchers, its leases counted 1");
	/* Stock leased that no lease holds. */
	db_run_sql(&s, "UPDATE voucher_leases SET used = 2, size = 2");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 1);
	expect_in(out, "3 leased, its leases hold 2");
}

/* The rolls keep their references without foreign keys (for the import's speed): check recounts them. */
static void test_check_finds_rolls_of_no_enterprise(void **state)
{
	(void)state;
	char csv[200];
	snprintf(csv, sizeof csv, "%s/rolls.csv", s.dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fputs("统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n"
	      "91350111MA2RF0009F,九号公司,350111,零售,小型,2020-01,8,100,0\n",
	      f);
	fclose(f);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "refunds", "import", "--db", s.db, "--year", "2020", csv, NULL),
	                 0);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 0);
	expect_in(out, "refunds: ok");
	db_run_sql(&s, "DELETE FROM refund_enterprises");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 1);
	expect_in(out, "refunds: FAILED: rolls of 91350111MA2RF0009F 202001: no such enterprise");
}

/* ---- item 7: the keyed chain ---- */

static void keygen(void)
{
	assert_int_equal(run_banyan(NULL, out, sizeof out, "audit", "keygen", key_file, NULL), 0);
	struct stat st;
	assert_int_equal(stat(key_file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* Some audited changes made with the key: users added from the shell. */
static void keyed_changes(int n)
{
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "clerk%lld", count("SELECT count(*) FROM users"));
		assert_int_equal(run_banyan("clerk-password\n", out, sizeof out, "user", "add", "--db", s.db,
		                            "--audit-key", key_file, "--username", name, "--role", "officer", "--org",
		                            "350111-tcj", "--password-stdin", NULL),
		                 0);
	}
}

static void hash_field(crypto_hash_sha256_state *st, const char *value)
{
	char prefix[24];
	int len = snprintf(prefix, sizeof prefix, "%zu:", strlen(value));
	crypto_hash_sha256_update(st, (const unsigned char *)prefix, (unsigned long long)len);
	crypto_hash_sha256_update(st, (const unsigned char *)value, strlen(value));
}

/*
** The attack of the issue: triggers dropped, a row edited, and every hash
** recomputed with plain SHA-256 over the row's fields (the unkeyed formula),
** key ids cleared: a chain that would pass any check without the key.
*/
static void rewrite_chain_with_sha256(void)
{
	struct db *d;
	struct db_stmt *st;
	assert_int_equal(db_open(s.db, &d), DB_OK);
	assert_int_equal(db_exec(d, without_trigger("audit_log_no_update")), DB_OK);
	assert_int_equal(db_begin(d), DB_OK);
	assert_int_equal(db_exec(d, "UPDATE audit_log SET detail = '{\"edited\":true}' WHERE id = 2"), DB_OK);
	assert_int_equal(db_prepare(d, &st,
	                            "SELECT id, at, actor_id, actor, action, object_type, object_id, detail, ip,"
	                            " request_id, org_path FROM audit_log ORDER BY id",
	                            NULL),
	                 DB_OK);
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	while (db_step(st) == DB_ROW) {
		crypto_hash_sha256_state h;
		unsigned char digest[32];
		char hex[65], num[3][24], update[256];
		crypto_hash_sha256_init(&h);
		hash_field(&h, prev);
		for (int i = 0; i < 3; i++) {
			snprintf(num[i], sizeof num[i], "%lld", (long long)db_column_int64(st, i));
			hash_field(&h, num[i]);
		}
		for (int i = 3; i < 11; i++)
			hash_field(&h, db_column_text(st, i));
		crypto_hash_sha256_final(&h, digest);
		sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
		snprintf(update, sizeof update,
		         "UPDATE audit_log SET prev_hash = '%s', hash = '%s', key_id = NULL WHERE id = %s", prev, hex,
		         num[0]);
		assert_int_equal(db_exec(d, update), DB_OK);
		memcpy(prev, hex, sizeof prev);
	}
	db_finalize(st);
	assert_int_equal(db_commit(d), DB_OK);
	db_close(d);
}

static void test_keyed_chain_rewritten_fails_check(void **state)
{
	(void)state;
	keygen();
	keyed_changes(2);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, NULL), 0);
	expect_in(out, "audit chain: ok");
	expect_in(out, "keyed from row");
	/* Without the key, keyed rows cannot be checked: not ok. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 1);
	expect_in(out, "give the key file");
	rewrite_chain_with_sha256();
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, NULL), 1);
	expect_in(out, "audit chain: BROKEN");
	expect_in(out, "not keyed although a key was given");
}

static void test_keyed_row_edited_and_rehashed_without_key_fails(void **state)
{
	(void)state;
	keygen();
	keyed_changes(1);
	long long last = count("SELECT max(id) FROM audit_log");
	/* Edit the keyed row and give it a SHA-256 hash as an attacker without the key could: caught at that row. */
	db_run_sql(&s, without_trigger("audit_log_no_update"));
	char text[256];
	snprintf(text, sizeof text, "UPDATE audit_log SET actor = 'nobody', hash = %s WHERE id = %lld",
	         on_postgres() ? "md5(random()::text) || md5(random()::text)" : "lower(hex(randomblob(32)))", last);
	db_run_sql(&s, text);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, NULL), 1);
	char expect[64];
	snprintf(expect, sizeof expect, "BROKEN at row %lld", last);
	expect_in(out, expect);
}

static void test_key_file_others_can_read_is_refused(void **state)
{
	(void)state;
	keygen();
	assert_int_equal(chmod(key_file, 0644), 0);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, NULL), 1);
	expect_in(out, "can be read by other users");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "serve", "--db", s.db, "--listen", "127.0.0.1:0",
	                            "--audit-key", key_file, NULL),
	                 1);
	expect_in(out, "chmod 600");
}

static void test_serve_keys_the_log_and_refuses_without_key(void **state)
{
	(void)state;
	keygen();
	const char *args[] = {"--audit-key", key_file, NULL};
	server_start_process(&s, args);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'audit.key_begin' AND key_id = 1"), 1);
	assert_int_equal(server_stop_process(&s), 0);
	/* A keyed log served without its key would be signed no more: refused, saying why. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "serve", "--db", s.db, "--listen", "127.0.0.1:0", NULL), 1);
	expect_in(out, "signed with audit key 1");
	/* Rotation: a newer key in the same file signs from the next start; check needs both. */
	keygen();
	server_start_process(&s, args);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'audit.key_begin' AND key_id = 2"), 1);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, NULL), 0);
	expect_in(out, "audit chain: ok");
}

static void test_anchor_catches_truncation(void **state)
{
	(void)state;
	keygen();
	keyed_changes(2);
	char anchors[160], line[256];
	snprintf(anchors, sizeof anchors, "%s/anchors.txt", s.dir);
	assert_int_equal(
	    run_banyan(NULL, out, sizeof out, "audit", "anchor", "--db", s.db, "--audit-key", key_file, NULL), 0);
	long long head = count("SELECT max(id) FROM audit_log");
	char hash[65];
	assert_int_equal(sscanf(out, "audit-anchor %*d %64s", hash), 1);
	snprintf(line, sizeof line, "audit-anchor %lld ", head);
	expect_in(out, line);
	FILE *f = fopen(anchors, "w");
	assert_non_null(f);
	fputs(out, f);
	fclose(f);
	/* The log grows: it still extends the anchor. */
	keyed_changes(1);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, "--anchor",
	                            anchors, NULL),
	                 0);
	expect_in(out, "anchors: ok");
	/* Cut back to before the anchor: the chain alone still holds, the anchor does not. */
	char cut[256];
	snprintf(cut, sizeof cut, "%s; DELETE FROM audit_log WHERE id >= %lld", without_trigger("audit_log_no_delete"),
	         head);
	db_run_sql(&s, cut);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, NULL), 0);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, "--anchor",
	                            anchors, NULL),
	                 1);
	snprintf(line, sizeof line, "anchored row %lld is gone", head);
	expect_in(out, line);
}

/* A keyed log always holds at least its audit.key_begin row: emptied, it fails the keyed check. */
static void test_emptied_keyed_log_fails_check(void **state)
{
	(void)state;
	keygen();
	keyed_changes(1);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, NULL), 0);
	db_run_sql(&s, without_trigger("audit_log_no_delete"));
	db_run_sql(&s, "DELETE FROM audit_log");
	assert_int_equal(count("SELECT count(*) FROM audit_log"), 0);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, "--audit-key", key_file, NULL), 1);
	expect_in(out, "audit chain: BROKEN");
	expect_in(out, "the log is empty although a key was given");
}

/* ---- 等保: signed archives ---- */

static void replace_in_file(const char *path, const char *from, const char *to)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = 0;
	char *hit = strstr(text, from);
	assert_non_null(hit);
	assert_int_equal(strlen(from), strlen(to));
	memcpy(hit, to, strlen(to));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

static void test_export_archive_verifies_and_tampering_fails(void **state)
{
	(void)state;
	keygen();
	keyed_changes(2);
	char archive[160], today[11], tomorrow[11], yesterday[11];
	int32_t day = clock_local_day(time(NULL));
	clock_format_date(day - 1, yesterday);
	clock_format_date(day, today);
	clock_format_date(day + 1, tomorrow);
	snprintf(archive, sizeof archive, "%s/audit-archive.jsonl", s.dir);
	/* Without the key there is nothing to sign with. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "audit", "export", "--db", s.db, "--from", yesterday, "--to",
	                            tomorrow, "--out", archive, NULL),
	                 1);
	assert_int_not_equal(access(archive, F_OK), 0);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "audit", "export", "--db", s.db, "--audit-key", key_file,
	                            "--from", yesterday, "--to", today, "--out", archive, NULL),
	                 0);
	char rows[64];
	snprintf(rows, sizeof rows, "%lld audit rows", count("SELECT count(*) FROM audit_log"));
	expect_in(out, rows);
	assert_int_equal(
	    run_banyan(NULL, out, sizeof out, "audit", "verify-export", archive, "--audit-key", key_file, NULL), 0);
	expect_in(out, "ok");
	/* An existing archive is never overwritten. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "audit", "export", "--db", s.db, "--audit-key", key_file,
	                            "--from", yesterday, "--to", today, "--out", archive, NULL),
	                 1);
	/* One changed byte in a row: refused. */
	replace_in_file(archive, "\"action\":\"user.create\"", "\"action\":\"user.crEate\"");
	assert_int_equal(
	    run_banyan(NULL, out, sizeof out, "audit", "verify-export", archive, "--audit-key", key_file, NULL), 1);
	expect_in(out, "FAILED");
	/* Days without rows give an empty archive that still verifies. */
	char empty[160];
	snprintf(empty, sizeof empty, "%s/empty.jsonl", s.dir);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "audit", "export", "--db", s.db, "--audit-key", key_file,
	                            "--from", "2020-01-01", "--to", "2020-01-31", "--out", empty, NULL),
	                 0);
	assert_int_equal(
	    run_banyan(NULL, out, sizeof out, "audit", "verify-export", empty, "--audit-key", key_file, NULL), 0);
}

static void test_export_archive_cut_short_fails(void **state)
{
	(void)state;
	keygen();
	keyed_changes(1);
	char archive[160], today[11];
	clock_format_date(clock_local_day(time(NULL)), today);
	snprintf(archive, sizeof archive, "%s/a.jsonl", s.dir);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "audit", "export", "--db", s.db, "--audit-key", key_file,
	                            "--from", today, "--to", today, "--out", archive, NULL),
	                 0);
	/* Drop the last row line and the signature: the archive ends early. */
	struct stat st;
	assert_int_equal(stat(archive, &st), 0);
	FILE *f = fopen(archive, "rb");
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	assert_int_equal((off_t)n, st.st_size);
	text[n - 1] = 0;
	char *last = strrchr(text, '\n');
	assert_non_null(last);
	assert_int_equal(truncate(archive, last + 1 - text), 0);
	assert_int_equal(
	    run_banyan(NULL, out, sizeof out, "audit", "verify-export", archive, "--audit-key", key_file, NULL), 1);
	expect_in(out, "FAILED");
}

/* ---- item 4: a full disk, a damaged file ---- */

static void test_damaged_file_is_refused_at_start(void **state)
{
	(void)state;
	char copy[160], cmd[sizeof s.db + 200];
	snprintf(copy, sizeof copy, "%s/copy.db", s.dir);
	snprintf(cmd, sizeof cmd, "cp %s %s", s.db, copy);
	assert_int_equal(system(cmd), 0);
	/* Plain writes over a table's page, as a failing disk might leave it: the organisations' page, not one
	 * chosen by position, which may be one of the schema's (then the file does not even open). */
	long long page = count("SELECT rootpage FROM sqlite_schema WHERE name = 'orgs'");
	assert_true(page > 1);
	int fd = open(copy, O_WRONLY);
	assert_true(fd >= 0);
	char junk[4096];
	memset(junk, 0x5a, sizeof junk);
	assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)(page - 1) * 4096), (ssize_t)sizeof junk);
	close(fd);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "serve", "--db", copy, "--listen", "127.0.0.1:0", NULL), 1);
	expect_in(out, "is damaged and will not be served");
}

/* A signed claim; the status, the voucher's code in code (or ""). */
static long claim(struct client *c, long long round, long long kind, int person, char code[32])
{
	char body[256];
	struct response r;
	snprintf(body, sizeof body, "{\"round\":%lld,\"kind\":%lld,\"user\":\"u%d\",\"request_id\":\"req-%d\"}", round,
	         kind, person, person);
	client_signed(c, &r, "POST", "/api/v1/vouchers/claims", body, 0, NULL);
	const char *v = json_string_value(json_object_get(json_object_get(r.json, "voucher"), "code"));
	snprintf(code, 32, "%s", v ? v : "");
	long status = r.status;
	response_free(&r);
	return status;
}

static long long created_id(struct client *c, const char *path, const char *body)
{
	struct response r;
	assert_int_equal(client_callf(c, &r, "POST", path, "%s", body), 201);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	return id;
}

static void test_full_disk_answers_503_and_acknowledges_nothing_lost(void **state)
{
	(void)state;
	struct client channel, bureau; /* bureau: the commerce bureau's staff, who run vouchers */
	client_init(&channel, &s);
	assert_int_equal(issue_channel_key(&s, "350100-swj", "支付宝", channel.key_id, channel.secret), 0);
	add_user(&s, "city-swj", "department", "350100-swj");
	/* The database may grow 300 pages (1.2 MB) past its size at start, and no more. */
	char limit[32];
	snprintf(limit, sizeof limit, "%lld", count("SELECT page_count FROM pragma_page_count()") + 300);
	setenv("BANYAN_DB_MAX_PAGES", limit, 1);
	server_start_process(&s, NULL);
	unsetenv("BANYAN_DB_MAX_PAGES");
	client_init(&bureau, &s);
	assert_int_equal(client_login(&bureau, "city-swj", "city-swj-password"), 200);
	char body[512], start[32], end[32];
	clock_format_iso(time(NULL) - 60, start);
	clock_format_iso(time(NULL) + 3600, end);
	long long campaign =
	    created_id(&bureau, "/api/v1/vouchers/campaigns", "{\"name\":\"消费季\",\"org\":\"350100-swj\"}");
	snprintf(
	    body, sizeof body,
	    "{\"campaign\":%lld,\"name\":\"第一期\",\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"channels\":[\"%s\"]}",
	    campaign, start, end, channel.key_id);
	long long round = created_id(&bureau, "/api/v1/vouchers/rounds", body);
	snprintf(body, sizeof body,
	         "{\"round\":%lld,\"name\":\"满100减20\",\"face_fen\":2000,\"threshold_fen\":10000,\"stock\":100000,"
	         "\"validity_days\":7,\"per_person_limit\":1,\"categories\":[\"retail\"]}",
	         round);
	long long kind = created_id(&bureau, "/api/v1/vouchers/kinds", body);
	/* Fill the disk, as another program on it would. */
	db_run_sql(
	    &s,
	    "CREATE TABLE filler(b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
	    " INSERT INTO filler SELECT zeroblob(4000) FROM n;");
	/* Claims go on until the disk refuses one; that one is answered 503, and nothing acknowledged is missing. */
	int acknowledged = 0, person = 0;
	long status = 0;
	char code[32];
	for (; person < 5000; person++) {
		status = claim(&channel, round, kind, person, code);
		if (status != 201)
			break;
		acknowledged++;
		assert_int_equal(count("SELECT count(*) FROM vouchers WHERE code = '%s'", code), 1);
	}
	assert_int_equal(status, 503);
	assert_int_equal(count("SELECT count(*) FROM vouchers"), acknowledged);
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE person = 'u%d'", person), 0);
	/* A request handler's write gets 503 storage_full too (once its table's pages are full), and the log
	** names the cause. */
	char code_seen[48] = "";
	status = 201;
	for (int i = 0; i < 500 && status == 201; i++)
		status = client_statusf(&bureau, "POST", "/api/v1/vouchers/campaigns", code_seen,
		                        "{\"name\":\"消费季%d\",\"org\":\"350100-swj\"}", i);
	assert_int_equal(status, 503);
	assert_string_equal(code_seen, "storage_full");
	assert_int_equal(health(), 200);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "grep -q 'disk full' %s", s.log);
	assert_int_equal(system(cmd), 0);
	/* Space freed: claims are saved again. */
	db_run_sql(&s, "DROP TABLE filler;");
	assert_int_equal(claim(&channel, round, kind, person, code), 201);
	client_free(&bureau);
	client_free(&channel);
}

/* ---- item 5 (should fix): API keys ---- */

/* A signed request that gets past authentication answers 422 (no body), a refused key 401. */
static long signed_status(struct client *c)
{
	struct response r;
	client_signed(c, &r, "POST", "/api/v1/vouchers/claims", "{}", 0, NULL);
	long status = r.status;
	response_free(&r);
	return status;
}

/* The status a signed request gets once a key change reached the server: on the very next request on
** SQLite (the lock file), within a second on PostgreSQL (a notification its cluster thread hears). */
static long signed_status_after_change(struct client *c, long want)
{
	long status = signed_status(c);
	for (int i = 0; on_postgres() && status != want && i < 100; i++) {
		usleep(10 * 1000);
		status = signed_status(c);
	}
	return status;
}

static void test_apikey_list_disable_rotate_on_running_server(void **state)
{
	(void)state;
	struct client c;
	client_init(&c, &s);
	assert_int_equal(issue_channel_key(&s, "350100-swj", "支付宝", c.key_id, c.secret), 0);
	char id[24];
	snprintf(id, sizeof id, "%lld", count("SELECT id FROM api_keys WHERE key_id = '%s'", c.key_id));
	assert_int_equal(signed_status(&c), 422); /* the key is now in the server's cache */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "apikey", "list", "--db", s.db, NULL), 0);
	expect_in(out, c.key_id);
	expect_in(out, "350100-swj");
	assert_null(strstr(out, c.secret));
	/* Rotated: the old secret is refused on the very next request, the new one works. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "apikey", "rotate", "--db", s.db, "--id", id, NULL), 0);
	char fresh[128];
	const char *p = strstr(out, "secret: ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "secret: %127s", fresh), 1);
	assert_string_not_equal(fresh, c.secret);
	assert_int_equal(signed_status_after_change(&c, 401), 401);
	snprintf(c.secret, sizeof c.secret, "%s", fresh);
	assert_int_equal(signed_status(&c), 422);
	/* Disabled: refused on the very next request, and listed as disabled. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "apikey", "disable", "--db", s.db, "--id", id, NULL), 0);
	assert_int_equal(signed_status_after_change(&c, 401), 401);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "apikey", "list", "--db", s.db, NULL), 0);
	expect_in(out, "disabled");
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action IN ('apikey.rotate', 'apikey.disable')"),
	                 2);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "apikey", "disable", "--db", s.db, "--id", "9999", NULL), 1);
	expect_in(out, "no API key with id 9999");
	client_free(&c);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_second_server_refused_and_restart_after_kill9, serving, down),
	    cmocka_unit_test_setup_teardown(test_check_finds_oversold_kind_and_limit, prepared, down),
	    cmocka_unit_test_setup_teardown(test_check_finds_leases_that_disagree, prepared, down),
	    cmocka_unit_test_setup_teardown(test_check_finds_rolls_of_no_enterprise, prepared, down),
	    cmocka_unit_test_setup_teardown(test_keyed_chain_rewritten_fails_check, prepared, down),
	    cmocka_unit_test_setup_teardown(test_keyed_row_edited_and_rehashed_without_key_fails, prepared, down),
	    cmocka_unit_test_setup_teardown(test_key_file_others_can_read_is_refused, prepared, down),
	    cmocka_unit_test_setup_teardown(test_serve_keys_the_log_and_refuses_without_key, prepared, down),
	    cmocka_unit_test_setup_teardown(test_anchor_catches_truncation, prepared, down),
	    cmocka_unit_test_setup_teardown(test_emptied_keyed_log_fails_check, prepared, down),
	    cmocka_unit_test_setup_teardown(test_export_archive_verifies_and_tampering_fails, prepared, down),
	    cmocka_unit_test_setup_teardown(test_export_archive_cut_short_fails, prepared, down),
	    /* The key cache told through the lock file, or on PostgreSQL through NOTIFY banyan_keys. */
	    cmocka_unit_test_setup_teardown(test_apikey_list_disable_rotate_on_running_server, serving, down),
	    /* Last, the three SQLite's alone: a file's other name, a damaged file, the page limit standing in
	    ** for a full disk. */
	    cmocka_unit_test_setup_teardown(test_second_server_through_a_symlink_refused, serving, down),
	    cmocka_unit_test_setup_teardown(test_damaged_file_is_refused_at_start, prepared, down),
	    cmocka_unit_test_setup_teardown(test_full_disk_answers_503_and_acknowledges_nothing_lost, prepared, down),
	};
	size_t n = sizeof tests / sizeof tests[0] - (on_postgres() ? 3 : 0);
	int failed = _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
