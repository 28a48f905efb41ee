/*
** test_cli.c - the subcommands as an operator uses them, on real files: usage
** errors and help, init, users, organisation import, the integrity check,
** online backup while serving, and stopping the server with SIGTERM.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "client.h"
#include "core/index.h"

static struct test_server s;
static char out[65536];

/* Fixtures: a database with the admin user, served or not; both removed afterwards. */
static int prepared(void **state)
{
	(void)state;
	server_prepare(&s);
	return 0;
}

static int serving(void **state)
{
	(void)state;
	server_up(&s);
	return 0;
}

/* Serving, with no limit on how often an account logs in: a test's load logs in as admin again and again. */
static int serving_logins_unlimited(void **state)
{
	(void)state;
	setenv("BANYAN_LOGINS_PER_MINUTE", "1000000", 1);
	server_up(&s);
	unsetenv("BANYAN_LOGINS_PER_MINUTE");
	return 0;
}

static int down(void **state)
{
	(void)state;
	if (s.pid > 0) {
		server_down(&s); /* asserts a clean exit */
		return 0;
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", s.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static long long count(const char *sql)
{
	return db_count(&s, sql);
}

/* Count in another database file. */
static long long count_in(const char *db, const char *sql)
{
	struct test_server other = s;
	assert_true(strlen(db) < sizeof other.db);
	memcpy(other.db, db, strlen(db) + 1);
	return db_count(&other, sql);
}

static void path_in_dir(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", s.dir, name);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The line of text containing needle, copied into line; false if none. */
static bool line_with(const char *text, const char *needle, char *line, size_t size)
{
	const char *hit = strstr(text, needle);
	if (!hit)
		return false;
	const char *start = hit;
	while (start > text && start[-1] != '\n')
		start--;
	size_t n = strcspn(start, "\n");
	snprintf(line, size, "%.*s", (int)n, start);
	return true;
}

static long login_status(const char *username, const char *password, char *code, size_t code_size)
{
	struct client c;
	struct response r;
	char body[256];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
	client_init(&c, &s);
	client_request(&c, &r, "POST", "/api/v1/session", body, NULL, NULL);
	long status = r.status;
	if (code)
		snprintf(code, code_size, "%s", error_code(&r));
	response_free(&r);
	client_free(&c);
	return status;
}

/* ---- usage ---- */

static void test_usage_errors_exit_2(void **state)
{
	(void)state;
	char db[160];
	path_in_dir(db, sizeof db, "never.db");
	assert_int_equal(run_banyan(NULL, out, sizeof out, NULL), 2);
	assert_non_null(strstr(out, "usage"));
	assert_int_equal(run_banyan(NULL, out, sizeof out, "frobnicate", NULL), 2);
	assert_non_null(strstr(out, "frobnicate"));
	assert_int_equal(run_banyan(NULL, out, sizeof out, "init", "--nope", "--db", db, NULL), 2);
	assert_non_null(strstr(out, "--nope"));
	assert_int_equal(run_banyan(NULL, out, sizeof out, "init", "--db", NULL), 2); /* option without its value */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "user", "list", "--db", db, "--bogus", NULL), 2);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "user", "frob", "--db", db, NULL), 2);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "org", "--db", db, NULL), 2);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "backup", "--db", db, NULL), 2); /* no --to */
	/* A refused command line touches nothing. */
	assert_false(exists(db));
}

static void test_help_for_every_command(void **state)
{
	(void)state;
	assert_true(command_count > 0);
	for (size_t i = 0; i < command_count; i++) {
		const struct command_def *c = &command_table[i];
		int rc = run_banyan(NULL, out, sizeof out, c->name, "--help", NULL);
		if (rc != 0 || !strstr(out, c->usage))
			fail_msg("banyan %s --help: exit %d, output without its usage line '%s':\n%s", c->name, rc,
			         c->usage, out);
		char name[64];
		snprintf(name, sizeof name, "banyan %s", c->name);
		assert_non_null(strstr(out, name));
		assert_int_equal(run_banyan(NULL, out, sizeof out, "help", c->name, NULL), 0);
		assert_non_null(strstr(out, c->usage));
	}
	/* The overview names every command. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "--help", NULL), 0);
	for (size_t i = 0; i < command_count; i++)
		assert_non_null(strstr(out, command_table[i].name));
}

static void test_version(void **state)
{
	(void)state;
	assert_int_equal(run_banyan(NULL, out, sizeof out, "version", NULL), 0);
	assert_int_equal(strncmp(out, "banyan ", 7), 0);
	assert_string_equal(out, "banyan " BANYAN_VERSION "\n");
}

/* ---- init ---- */

static int schema_version(const char *text)
{
	const char *p = strstr(text, "schema version ");
	return p ? atoi(p + strlen("schema version ")) : -1;
}

static void test_init_twice(void **state)
{
	(void)state;
	char db[160];
	path_in_dir(db, sizeof db, "again.db");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "init", "--db", db, NULL), 0);
	int first = schema_version(out);
	assert_true(first >= 1);
	long long orgs = count_in(db, "SELECT count(*) FROM orgs"),
	          audit = count_in(db, "SELECT count(*) FROM audit_log");
	assert_int_equal(count_in(db, "SELECT count(*) FROM orgs WHERE kind = 'district'"), 13);
	assert_int_equal(count_in(db, "SELECT count(*) FROM orgs WHERE kind = 'city'"), 1);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "init", "--db", db, NULL), 0);
	assert_int_equal(schema_version(out), first);
	assert_int_equal(count_in(db, "SELECT count(*) FROM orgs WHERE kind = 'district'"), 13);
	assert_int_equal(count_in(db, "SELECT count(*) FROM orgs"), orgs);
	assert_int_equal(count_in(db, "SELECT count(*) FROM audit_log"), audit);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", db, NULL), 0);
}

/* ---- users ---- */

static void test_user_add_refusals_create_nothing(void **state)
{
	(void)state;
	long long users = count("SELECT count(*) FROM users"), audit = count("SELECT count(*) FROM audit_log");
	const char *db = s.db;
	assert_int_not_equal(run_banyan("short\n", out, sizeof out, "user", "add", "--db", db, "--username", "li.na",
	                                "--role", "officer", "--org", "350111-tcj", "--password-stdin", NULL),
	                     0);
	assert_int_not_equal(run_banyan("", out, sizeof out, "user", "add", "--db", db, "--username", "li.na", "--role",
	                                "officer", "--org", "350111-tcj", "--password-stdin", NULL),
	                     0);
	/* New passwords: 12 characters at least, and not a common one. */
	assert_int_not_equal(run_banyan("elevenchars\n", out, sizeof out, "user", "add", "--db", db, "--username", "li.na",
	                                "--role", "officer", "--org", "350111-tcj", "--password-stdin", NULL),
	                     0);
	assert_non_null(strstr(out, "12"));
	assert_int_not_equal(run_banyan("Qwerty123456\n", out, sizeof out, "user", "add", "--db", db, "--username",
	                                "li.na", "--role", "officer", "--org", "350111-tcj", "--password-stdin", NULL),
	                     0);
	assert_non_null(strstr(out, "common"));
	assert_int_not_equal(run_banyan("long-enough-pw\n", out, sizeof out, "user", "add", "--db", db, "--username",
	                                "li.na", "--role", "mayor", "--org", "350111-tcj", "--password-stdin", NULL),
	                     0);
	assert_non_null(strstr(out, "mayor"));
	assert_int_not_equal(run_banyan("long-enough-pw\n", out, sizeof out, "user", "add", "--db", db, "--username",
	                                "li.na", "--role", "officer", "--org", "350199", "--password-stdin", NULL),
	                     0);
	assert_non_null(strstr(out, "350199"));
	assert_int_not_equal(run_banyan("long-enough-pw\n", out, sizeof out, "user", "add", "--db", db, "--username",
	                                "Li Na", "--role", "officer", "--org", "350111-tcj", "--password-stdin", NULL),
	                     0);
	/* The password is never taken from the command line. */
	assert_int_not_equal(run_banyan("long-enough-pw\n", out, sizeof out, "user", "add", "--db", db, "--username",
	                                "li.na", "--role", "officer", "--org", "350111-tcj", NULL),
	                     0);
	assert_int_not_equal(run_banyan("long-enough-pw\n", out, sizeof out, "user", "add", "--db", db, "--username",
	                                "admin", "--role", "officer", "--org", "350111-tcj", "--password-stdin", NULL),
	                     0); /* taken */
	assert_int_equal(count("SELECT count(*) FROM users"), users);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);
	/* The same command with good values works. */
	assert_int_equal(run_banyan("long-enough-pw\n", out, sizeof out, "user", "add", "--db", db, "--username",
	                            "li.na", "--role", "officer", "--org", "350111-tcj", "--password-stdin", NULL),
	                 0);
	assert_int_equal(count("SELECT count(*) FROM users u JOIN orgs o ON o.id = u.org_id"
	                       " WHERE u.username = 'li.na' AND u.role = 'officer' AND o.code = '350111-tcj'"),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM users"), users + 1);
}

static void test_user_list_shows_user(void **state)
{
	(void)state;
	char line[512];
	assert_int_equal(run_banyan("long-enough-pw\n", out, sizeof out, "user", "add", "--db", s.db, "--username",
	                            "li.na", "--name", "李娜", "--role", "officer", "--org", "350111-tcj",
	                            "--password-stdin", NULL),
	                 0);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "user", "list", "--db", s.db, NULL), 0);
	assert_true(line_with(out, "li.na", line, sizeof line));
	assert_non_null(strstr(line, "officer"));
	assert_non_null(strstr(line, "350111-tcj"));
	assert_non_null(strstr(line, "李娜"));
	assert_null(strstr(line, "disabled"));
	assert_non_null(strstr(out, "admin"));
	assert_int_equal(run_banyan(NULL, out, sizeof out, "user", "list", "--db", s.db, "--org", "350111-tcj", NULL),
	                 0);
	assert_non_null(strstr(out, "li.na"));
	assert_int_equal(run_banyan(NULL, out, sizeof out, "user", "list", "--db", s.db, "--org", "350112", NULL), 0);
	assert_null(strstr(out, "li.na"));
}

static void test_user_disable_stops_logins(void **state)
{
	(void)state;
	char code[64], line[512];
	struct client c;
	struct response r;
	add_user(&s, "zhao.lei", "officer", "350111-tcj");
	client_init(&c, &s);
	assert_int_equal(client_login(&c, "zhao.lei", "zhao.lei-password"), 200);
	assert_int_equal(
	    run_banyan(NULL, out, sizeof out, "user", "disable", "--db", s.db, "--username", "zhao.lei", NULL), 0);
	/* The session open before is gone, and the right password no longer opens one. */
	client_request(&c, &r, "GET", "/api/v1/me", NULL, NULL, NULL);
	assert_int_equal(r.status, 401);
	response_free(&r);
	client_free(&c);
	assert_int_equal(login_status("zhao.lei", "zhao.lei-password", code, sizeof code), 403);
	assert_string_equal(code, "account_disabled");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "user", "list", "--db", s.db, NULL), 0);
	assert_true(line_with(out, "zhao.lei", line, sizeof line));
	assert_non_null(strstr(line, "disabled"));
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'user.disable'"), 1);
	/* Others are untouched; an unknown name is an error. */
	assert_int_equal(login_status("admin", "admin-password", NULL, 0), 200);
	assert_int_not_equal(
	    run_banyan(NULL, out, sizeof out, "user", "disable", "--db", s.db, "--username", "nobody", NULL), 0);
}

static void test_user_passwd_changes_password(void **state)
{
	(void)state;
	add_user(&s, "sun.li", "officer", "350111-tcj");
	assert_int_equal(run_banyan("brand-new-pass\n", out, sizeof out, "user", "passwd", "--db", s.db, "--username",
	                            "sun.li", "--password-stdin", NULL),
	                 0);
	assert_int_equal(login_status("sun.li", "sun.li-password", NULL, 0), 401);
	assert_int_equal(login_status("sun.li", "brand-new-pass", NULL, 0), 200);
	/* A weak password, or one on the command line, changes nothing. */
	assert_int_not_equal(run_banyan("short\n", out, sizeof out, "user", "passwd", "--db", s.db, "--username",
	                                "sun.li", "--password-stdin", NULL),
	                     0);
	assert_int_not_equal(run_banyan("other-new-pass\n", out, sizeof out, "user", "passwd", "--db", s.db,
	                                "--username", "sun.li", NULL),
	                     0);
	assert_int_equal(login_status("sun.li", "brand-new-pass", NULL, 0), 200);
}

/* ---- organisations ---- */

static void test_org_import_adds_departments(void **state)
{
	(void)state;
	char csv[160];
	long long orgs = count("SELECT count(*) FROM orgs");
	path_in_dir(csv, sizeof csv, "good.csv");
	write_file(csv, "code,name,parent_code,kind\n"
	                "350111-jyj,晋安区教育局,350111,department\n"
	                "350111-jyj-1,晋安区第一中学,350111-jyj,unit\n");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "org", "import", "--db", s.db, csv, NULL), 0);
	assert_int_equal(count("SELECT count(*) FROM orgs"), orgs + 2);
	assert_int_equal(count("SELECT count(*) FROM orgs WHERE code = '350111-jyj-1' AND name = '晋安区第一中学'"
	                       " AND kind = 'unit' AND path = '/350100/350111/350111-jyj/350111-jyj-1/'"),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'org.create'"
	                       " AND object_id IN ('350111-jyj', '350111-jyj-1')"),
	                 2);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "org", "list", "--db", s.db, NULL), 0);
	assert_non_null(strstr(out, "350111-jyj-1 晋安区第一中学"));

	/* As Excel saves it: a UTF-8 byte-order mark and CRLF line ends. */
	path_in_dir(csv, sizeof csv, "excel.csv");
	write_file(csv, "\xEF\xBB\xBF"
	                "code,name,parent_code,kind\r\n"
	                "350112-jyj,长乐区教育局,350112,department\r\n"
	                "350112-wlj,长乐区文化旅游局,350112,department\r\n");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "org", "import", "--db", s.db, csv, NULL), 0);
	assert_int_equal(count("SELECT count(*) FROM orgs"), orgs + 4);
	assert_int_equal(count("SELECT count(*) FROM orgs WHERE kind = 'department' AND ("
	                       "(code = '350112-jyj' AND name = '长乐区教育局') OR"
	                       " (code = '350112-wlj' AND name = '长乐区文化旅游局'))"),
	                 2);
	/* Importing the same file again adds nothing. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "org", "import", "--db", s.db, csv, NULL), 0);
	assert_int_equal(count("SELECT count(*) FROM orgs"), orgs + 4);
}

static void test_org_import_bad_line_adds_nothing(void **state)
{
	(void)state;
	char csv[160];
	long long orgs = count("SELECT count(*) FROM orgs"), audit = count("SELECT count(*) FROM audit_log");
	path_in_dir(csv, sizeof csv, "bad.csv");
	write_file(csv, "code,name,parent_code,kind\n"
	                "350111-aaa,晋安区甲局,350111,department\n"
	                "350111-bbb,晋安区乙局,350199,department\n"
	                "350111-ccc,晋安区丙局,350111,department\n");
	assert_int_not_equal(run_banyan(NULL, out, sizeof out, "org", "import", "--db", s.db, csv, NULL), 0);
	if (!strstr(out, "line 3"))
		fail_msg("the message does not name line 3: %s", out);
	assert_int_equal(count("SELECT count(*) FROM orgs"), orgs);
	assert_int_equal(count("SELECT count(*) FROM orgs WHERE code IN ('350111-aaa', '350111-ccc')"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);
}

/* A blank line (Excel leaves them) does not shift the line the message names. */
static void test_org_import_names_line_after_blank_line(void **state)
{
	(void)state;
	char csv[160];
	long long orgs = count("SELECT count(*) FROM orgs");
	path_in_dir(csv, sizeof csv, "blank.csv");
	write_file(csv, "code,name,parent_code,kind\r\n"
	                "350111-aaa,晋安区甲局,350111,department\r\n"
	                "\r\n"
	                "350111-bbb,晋安区乙局,350199,department\r\n");
	assert_int_not_equal(run_banyan(NULL, out, sizeof out, "org", "import", "--db", s.db, csv, NULL), 0);
	assert_int_equal(count("SELECT count(*) FROM orgs"), orgs);
	if (!strstr(out, "line 4"))
		fail_msg("the bad record is on line 4 (line 3 is blank), but the message says: %s", out);
}

/* The built-in tree says which organisation runs what; a file with a duties column sets them, one without leaves them. */
static void test_org_import_duties(void **state)
{
	(void)state;
	char csv[160];
	assert_int_equal(count("SELECT count(*) FROM org_duties d JOIN orgs o ON o.id = d.org_id"
	                       " WHERE d.duty = 'refunds' AND o.code IN ('350100-rsj', '350111-rsj')"),
	                 2);
	assert_int_equal(count("SELECT count(*) FROM org_duties d JOIN orgs o ON o.id = d.org_id"
	                       " WHERE o.code = '350100-swj' AND d.duty = 'vouchers'"),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM org_duties d JOIN orgs o ON o.id = d.org_id"
	                       " WHERE o.code = '350100-fgw' AND d.duty = 'approval'"),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM org_duties d JOIN orgs o ON o.id = d.org_id"
	                       " WHERE o.code = '350100-xzfw'"),
	                 0);
	long long audit = count("SELECT count(*) FROM audit_log WHERE action = 'org.duties'");
	path_in_dir(csv, sizeof csv, "duties.csv");
	write_file(csv, "code,name,parent_code,kind,duties\n"
	                "350100-fgw,福州市发展和改革委员会,350100,department,vouchers statistics\n"
	                "350100-rsj,福州市人力资源和社会保障局,350100,department,refunds\n");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "org", "import", "--db", s.db, csv, NULL), 0);
	assert_int_equal(count("SELECT count(*) FROM org_duties d JOIN orgs o ON o.id = d.org_id"
	                       " WHERE o.code = '350100-fgw' AND d.duty IN ('vouchers', 'statistics')"),
	                 2);
	/* Only the changed organisation is audited: the bureau's duties were already so. */
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'org.duties'"), audit + 1);
	/* Without the column, duties stay. */
	path_in_dir(csv, sizeof csv, "plain.csv");
	write_file(csv, "code,name,parent_code,kind\n350100-fgw,福州市发展和改革委员会,350100,department\n");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "org", "import", "--db", s.db, csv, NULL), 0);
	assert_int_equal(count("SELECT count(*) FROM org_duties d JOIN orgs o ON o.id = d.org_id"
	                       " WHERE o.code = '350100-fgw'"),
	                 2);
	/* An empty cell takes them away; a bad name changes nothing and names its line. */
	path_in_dir(csv, sizeof csv, "bad-duty.csv");
	write_file(csv, "code,name,parent_code,kind,duties\n"
	                "350100-fgw,福州市发展和改革委员会,350100,department,\n"
	                "350100-rsj,福州市人力资源和社会保障局,350100,department,Refunds!\n");
	assert_int_not_equal(run_banyan(NULL, out, sizeof out, "org", "import", "--db", s.db, csv, NULL), 0);
	if (!strstr(out, "line 3"))
		fail_msg("the message does not name line 3: %s", out);
	assert_int_equal(count("SELECT count(*) FROM org_duties d JOIN orgs o ON o.id = d.org_id"
	                       " WHERE o.code = '350100-fgw'"),
	                 2);
	path_in_dir(csv, sizeof csv, "no-duty.csv");
	write_file(csv, "code,name,parent_code,kind,duties\n350100-fgw,福州市发展和改革委员会,350100,department,\n");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "org", "import", "--db", s.db, csv, NULL), 0);
	assert_int_equal(count("SELECT count(*) FROM org_duties d JOIN orgs o ON o.id = d.org_id"
	                       " WHERE o.code = '350100-fgw'"),
	                 0);
}

/* ---- check ---- */

/* The row number `check` names on its "audit chain:" line, or -1. */
static long long broken_row(const char *text)
{
	char line[512];
	if (!line_with(text, "audit chain:", line, sizeof line))
		return -1;
	const char *p = strstr(line, "row ");
	return p ? atoll(p + 4) : -1;
}

static void test_check_finds_tampering(void **state)
{
	(void)state;
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 0);
	assert_non_null(strstr(out, "audit chain: ok"));
	/* Someone with the file edits an old record past the triggers. */
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE id = 5 AND detail != '{}'"), 1);
	assert_true(count("SELECT count(*) FROM audit_log") > 5);
	db_run_sql(&s, on_postgres()
	                   ? "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
	                     " UPDATE audit_log SET detail = '{}' WHERE id = 5"
	                   : "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = '{}' WHERE id = 5");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 1);
	assert_null(strstr(out, "audit chain: ok"));
	if (broken_row(out) != 5)
		fail_msg("check does not name row 5:\n%s", out);
	/* No database at all is a failure too, and check does not create one. */
	char missing[160];
	path_in_dir(missing, sizeof missing, "missing.db");
	assert_int_not_equal(run_banyan(NULL, out, sizeof out, "check", "--db", missing, NULL), 0);
	assert_false(exists(missing));
}

/* ---- backup ---- */

/* Plain libcurl for other threads, where cmocka's assertions must not run. */
struct buffer {
	char data[4096];
	size_t len;
};

static size_t collect(char *ptr, size_t size, size_t n, void *userdata)
{
	struct buffer *b = userdata;
	size_t add = size * n, room = sizeof b->data - 1 - b->len;
	memcpy(b->data + b->len, ptr, add < room ? add : room);
	b->len += add < room ? add : room;
	b->data[b->len] = 0;
	return add;
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
	(void)h, (void)data, (void)size;
	if (type == CURLINFO_DATA_OUT)
		atomic_store((atomic_int *)userp, 1);
	return 0;
}

/* POST a login; the HTTP status, or -1 when there was no answer.  *sent becomes 1 once the body is sent. */
static long raw_login(unsigned port, const char *username, const char *password, struct buffer *body, atomic_int *sent)
{
	char url[128], json[256];
	struct buffer sink = {.len = 0};
	snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/session", port);
	snprintf(json, sizeof json, "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
	CURL *h = curl_easy_init();
	if (!h)
		return -1;
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body ? body : &sink);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	if (sent) {
		curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
		curl_easy_setopt(h, CURLOPT_DEBUGDATA, sent);
		curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	}
	long status = -1;
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return status;
}

struct load {
	unsigned port;
	atomic_bool stop;
	atomic_int ok, errors;
};

/* Log in again and again: each login writes a session and its audit record. */
static void *load_run(void *arg)
{
	struct load *l = arg;
	while (!atomic_load(&l->stop)) {
		if (raw_login(l->port, "admin", "admin-password", NULL, NULL) == 200)
			atomic_fetch_add(&l->ok, 1);
		else
			atomic_fetch_add(&l->errors, 1);
	}
	return NULL;
}

static void wait_for_logins(struct load *l, int n)
{
	for (int tries = 0; tries < 3000 && atomic_load(&l->ok) < n && !atomic_load(&l->errors); tries++)
		usleep(10000);
}

/* A file the migrations have not all reached (or one ahead of the binary) fails the check, named. */
static void test_check_names_schema_version(void **state)
{
	(void)state;
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 0);
	assert_non_null(strstr(out, "schema: ok (version "));
	db_run_sql(&s, "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)");
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 1);
	assert_non_null(strstr(out, "schema: FAILED: version "));
}

static void test_backup_while_serving(void **state)
{
	(void)state;
	char copy[160];
	path_in_dir(copy, sizeof copy, "copy.db");
	struct load l = {.port = s.port};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, load_run, &l), 0);
	wait_for_logins(&l, 3);
	long long sessions_before = count("SELECT count(*) FROM sessions");
	int rc = run_banyan(NULL, out, sizeof out, "backup", "--db", s.db, "--to", copy, NULL);
	long long sessions_after = count("SELECT count(*) FROM sessions");
	int ok_at_backup = atomic_load(&l.ok);
	wait_for_logins(&l, ok_at_backup + 2); /* and the server went on serving */
	atomic_store(&l.stop, true);
	pthread_join(t, NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(atomic_load(&l.errors), 0);
	assert_true(atomic_load(&l.ok) >= ok_at_backup + 2);
	assert_true(sessions_before >= 3);
	/* On PostgreSQL the copy is pg_dump's archive, not a database to open: pg_ops restores one and checks it. */
	if (on_postgres())
		return;

	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", copy, NULL), 0);
	assert_non_null(strstr(out, "audit chain: ok"));
	assert_int_equal(count_in(copy, "SELECT count(*) FROM users"), count("SELECT count(*) FROM users"));
	/* A snapshot: each session in the copy has its login record there, and no torn commit. */
	long long copied = count_in(copy, "SELECT count(*) FROM sessions");
	assert_int_equal(count_in(copy, "SELECT count(*) FROM audit_log WHERE action = 'session.login'"), copied);
	assert_true(copied >= sessions_before && copied <= sessions_after);
}

static void test_backup_refuses_existing_target(void **state)
{
	(void)state;
	char target[160], back[64] = "";
	path_in_dir(target, sizeof target, "precious.db");
	write_file(target, "keep me\n");
	assert_int_not_equal(run_banyan(NULL, out, sizeof out, "backup", "--db", s.db, "--to", target, NULL), 0);
	FILE *f = fopen(target, "rb");
	assert_non_null(f);
	size_t n = fread(back, 1, sizeof back - 1, f);
	fclose(f);
	back[n] = 0;
	assert_string_equal(back, "keep me\n");
	/* Nor does a missing source make an empty copy. */
	char missing[160], to[160];
	path_in_dir(missing, sizeof missing, "missing.db");
	path_in_dir(to, sizeof to, "from-missing.db");
	assert_int_not_equal(run_banyan(NULL, out, sizeof out, "backup", "--db", missing, "--to", to, NULL), 0);
	assert_false(exists(missing));
	assert_false(exists(to));
}

/* ---- serve and SIGTERM ---- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_sigterm_when_idle_exits_0(void **state)
{
	(void)state;
	assert_int_equal(login_status("admin", "admin-password", NULL, 0), 200);
	unsigned port = s.port;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(server_stop_process(&s), 0);
	assert_true(seconds_since(&t0) < 5.0);
	assert_int_equal(raw_login(port, "admin", "admin-password", NULL, NULL), -1); /* nobody listens now */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 0);
}

struct slow_login {
	unsigned port;
	atomic_int sent;
	long status;
	struct buffer body;
};

static void *slow_login_run(void *arg)
{
	struct slow_login *j = arg;
	j->status = raw_login(j->port, "slow.login", "slow.login-password", &j->body, &j->sent);
	return NULL;
}

/* A login is being verified against a hash made at libsodium's moderate
** limits (about half a second) when SIGTERM comes: it still gets its answer,
** and the server then exits 0. */
static void test_sigterm_lets_request_in_flight_finish(void **state)
{
	(void)state;
	add_user(&s, "slow.login", "officer", "350111-tcj");
	char slow[crypto_pwhash_STRBYTES], sql[300];
	assert_int_equal(crypto_pwhash_str(slow, "slow.login-password", strlen("slow.login-password"),
	                                   crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE),
	                 0);
	snprintf(sql, sizeof sql, "UPDATE users SET password_hash = '%s' WHERE username = 'slow.login'", slow);
	db_run_sql(&s, sql);
	server_start_process(&s, NULL);
	struct slow_login j = {.port = s.port};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, slow_login_run, &j), 0);
	for (int tries = 0; tries < 1000 && !atomic_load(&j.sent); tries++)
		usleep(10000);
	usleep(100000); /* let the server read it and start hashing */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int status = server_stop_process(&s);
	double waited = seconds_since(&t0);
	pthread_join(t, NULL);
	assert_true(atomic_load(&j.sent));
	assert_int_equal(j.status, 200);
	assert_non_null(strstr(j.body.data, "csrf_token"));
	assert_int_equal(status, 0);
	assert_true(waited < 10.0);
	/* The log shows the signal came before the answer: the request was in flight. */
	char log[16384] = "";
	FILE *f = fopen(s.log, "r");
	assert_non_null(f);
	size_t n = fread(log, 1, sizeof log - 1, f);
	fclose(f);
	log[n] = 0;
	const char *stopping = strstr(log, "stopping"), *answered = strstr(log, "path=/api/v1/session status=200");
	if (!stopping || !answered || stopping > answered)
		fail_msg("expected the signal before the login's answer in the log:\n%s", log);
	/* Its writes were committed and the database is sound. */
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'session.login'"), 1);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", s.db, NULL), 0);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_usage_errors_exit_2, prepared, down),
	    cmocka_unit_test(test_help_for_every_command),
	    cmocka_unit_test(test_version),
	    cmocka_unit_test_setup_teardown(test_init_twice, prepared, down),
	    cmocka_unit_test_setup_teardown(test_user_add_refusals_create_nothing, prepared, down),
	    cmocka_unit_test_setup_teardown(test_user_list_shows_user, prepared, down),
	    cmocka_unit_test_setup_teardown(test_user_disable_stops_logins, serving, down),
	    cmocka_unit_test_setup_teardown(test_user_passwd_changes_password, serving, down),
	    cmocka_unit_test_setup_teardown(test_org_import_adds_departments, prepared, down),
	    cmocka_unit_test_setup_teardown(test_org_import_bad_line_adds_nothing, prepared, down),
	    cmocka_unit_test_setup_teardown(test_org_import_names_line_after_blank_line, prepared, down),
	    cmocka_unit_test_setup_teardown(test_org_import_duties, prepared, down),
	    cmocka_unit_test_setup_teardown(test_check_finds_tampering, prepared, down),
	    cmocka_unit_test_setup_teardown(test_check_names_schema_version, prepared, down),
	    cmocka_unit_test_setup_teardown(test_backup_while_serving, serving_logins_unlimited, down),
	    cmocka_unit_test_setup_teardown(test_backup_refuses_existing_target, prepared, down),
	    cmocka_unit_test_setup_teardown(test_sigterm_when_idle_exits_0, serving, down),
	    cmocka_unit_test_setup_teardown(test_sigterm_lets_request_in_flight_finish, prepared, down),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
