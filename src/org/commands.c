/*
** Shell commands for operators: users, API keys, integrity check, backup,
** version, and the demo.  They work on the same database file as the
** server, and may run while it serves (SQLite WAL lets them).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cli.h"
#include "core/clock.h"
#include "core/index.h"
#include "http/auth.h"
#include "http/serve.h"
#include "org/org.h"

/* Read a new password from standard input: one line, newline stripped; -1 (said why) when it may not be set. */
static int read_password_stdin(const char *cmd, char *buf, size_t size)
{
	if (!fgets(buf, (int)size, stdin)) {
		fprintf(stderr, "banyan %s: give the password on standard input\n", cmd);
		return -1;
	}
	buf[strcspn(buf, "\r\n")] = 0;
	const char *problem = password_problem(buf);
	if (problem)
		fprintf(stderr, "banyan %s: %s\n", cmd, problem);
	return problem ? -1 : 0;
}

static int open_or_fail(const char *db_opt, struct db **ret, const char *cmd)
{
	const char *path = cli_db_path(db_opt);
	if (org_init_database(path, ret) < 0) {
		fprintf(stderr, "banyan %s: cannot open %s\n", cmd, path);
		return -1;
	}
	return 0;
}

static int user_add(struct db *d, struct arena *a, const char *username, const char *role, const char *org_code,
                    const char *name)
{
	char password[300];
	struct org o;
	if (!username || !role || !org_code) {
		fprintf(stderr, "banyan user add: --username, --role and --org are required\n");
		return EXIT_USAGE;
	}
	if (!user_name_valid(username)) {
		fprintf(stderr, "banyan user add: username must be 3-32 of a-z 0-9 _ . -\n");
		return EXIT_USAGE;
	}
	if (!role_is_for_people(role_from_name(role))) {
		fprintf(stderr, "banyan user add: unknown role '%s' (payment channels use `banyan apikey add`)\n",
		        role);
		return EXIT_USAGE;
	}
	if (org_find_by_code(d, a, org_code, &o) != 0) {
		fprintf(stderr, "banyan user add: no organisation with code '%s'\n", org_code);
		return 1;
	}
	if (read_password_stdin("user add", password, sizeof password) < 0)
		return 1;
	struct audit_context ctx = audit_context_shell();
	struct user_new u = {.username = username,
	                     .display_name = name ? name : username,
	                     .role = role,
	                     .password = password,
	                     .org_id = o.id,
	                     .org_path = o.path};
	int64_t id;
	int r = user_create(d, &ctx, &u, &id);
	if (r == DB_CONSTRAINT) {
		fprintf(stderr, "banyan user add: username '%s' is taken\n", username);
		return 1;
	}
	if (r < 0) {
		fprintf(stderr, "banyan user add: %s\n", db_errmsg(d));
		return 1;
	}
	printf("user %s (id %lld) created: %s at %s\n", username, (long long)id, role, o.name);
	return 0;
}

/* Change one user inside a transaction with its audit record. */
static int user_change(struct db *d, const char *username, const char *sql_set, const char *hash, const char *action)
{
	struct audit_context ctx = audit_context_shell();
	struct db_stmt *s;
	int64_t id = 0;
	char path[600] = "/";
	if (db_prepare(d, &s, "SELECT u.id, o.path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?",
	               "t", username) == 0) {
		if (db_step(s) == DB_ROW) {
			id = db_column_int64(s, 0);
			snprintf(path, sizeof path, "%s", db_column_text(s, 1));
		}
		db_finalize(s);
	}
	if (!id) {
		fprintf(stderr, "banyan user: no user '%s'\n", username);
		return 1;
	}
	char sql[200], object_id[24];
	snprintf(sql, sizeof sql, "UPDATE users SET %s, updated_at = ? WHERE id = ?", sql_set);
	snprintf(object_id, sizeof object_id, "%lld", (long long)id);
	int r = db_begin(d);
	if (r == 0)
		r = hash ? db_run(d, sql, "tii", hash, clock_now(), id) : db_run(d, sql, "ii", clock_now(), id);
	if (r == 0)
		r = db_run(d, "DELETE FROM sessions WHERE user_id = ?", "i", id);
	if (r == 0)
		r = audit_append(d, &ctx, action, "user", object_id, path, NULL);
	if (r < 0) {
		db_rollback(d);
		fprintf(stderr, "banyan user: %s\n", db_errmsg(d));
		return 1;
	}
	if (db_commit(d) < 0) {
		fprintf(stderr, "banyan user: %s\n", db_errmsg(d));
		return 1;
	}
	printf("user %s: %s\n", username, action);
	return 0;
}

/*
** COMMAND: user
** USAGE: banyan user add|passwd|list|disable [--db PATH] [OPTIONS]
** SUMMARY: 用户管理 Manage users
** add      --username U --role ROLE --org CODE [--name 姓名] --password-stdin
** passwd   --username U --password-stdin      (ends the user's sessions)
** list     [--org CODE]
** disable  --username U                       (ends the user's sessions)
** Roles: admin leader officer agent department enterprise merchant
** (payment channels are machines: they get API keys, see banyan apikey).
** The password is read from standard input, never from the command line.
*/
int cmd_user(int argc, char **argv)
{
	const char *db_opt = NULL, *username = NULL, *role = NULL, *org = NULL, *name = NULL, *words[1];
	bool from_stdin = false;
	int n, rc = EXIT_USAGE;
	struct cli_opt opts[] = {
	    {"db", &db_opt, NULL}, {"username", &username, NULL},         {"role", &role, NULL}, {"org", &org, NULL},
	    {"name", &name, NULL}, {"password-stdin", NULL, &from_stdin}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 1, &n))
		return EXIT_USAGE;
	const char *verb = n == 1 ? words[0] : "";
	bool known =
	    !strcmp(verb, "add") || !strcmp(verb, "passwd") || !strcmp(verb, "list") || !strcmp(verb, "disable");
	if (!known || ((!strcmp(verb, "add") || !strcmp(verb, "passwd")) && !from_stdin) ||
	    (strcmp(verb, "list") && strcmp(verb, "add") && !username)) {
		fprintf(stderr, "usage: banyan user add|passwd|list|disable (see banyan user --help)\n");
		return EXIT_USAGE;
	}
	struct db *d;
	struct arena *a = arena_new();
	if (!a || open_or_fail(db_opt, &d, "user") < 0) {
		arena_free(a);
		return 1;
	}
	if (!strcmp(verb, "add")) {
		rc = user_add(d, a, username, role, org, name);
	} else if (!strcmp(verb, "passwd")) {
		char password[300], hash[128];
		if (read_password_stdin("user passwd", password, sizeof password) < 0) {
			rc = 1;
		} else if (user_hash_password(password, hash) < 0) {
			fprintf(stderr, "banyan user passwd: out of memory\n");
			rc = 1;
		} else {
			rc = user_change(d, username, "password_hash = ?", hash, "user.password_reset");
		}
	} else if (!strcmp(verb, "disable")) {
		rc = user_change(d, username, "disabled = 1", NULL, "user.disable");
	} else {
		struct db_stmt *s;
		rc = 1;
		if (db_prepare(
		        d, &s,
		        "SELECT u.username, u.display_name, u.role, o.code, u.disabled FROM users u"
		        " JOIN orgs o ON o.id = u.org_id WHERE (?1 IS NULL OR o.code = ?1) ORDER BY o.path, u.username",
		        "t", org) == 0) {
			while (db_step(s) == DB_ROW)
				printf("%-20s %-12s %-12s %s%s\n", db_column_text(s, 0), db_column_text(s, 2),
				       db_column_text(s, 3), db_column_text(s, 1),
				       db_column_int64(s, 4) ? " (停用 disabled)" : "");
			db_finalize(s);
			rc = 0;
		}
	}
	db_close(d);
	arena_free(a);
	return rc;
}

/*
** COMMAND: apikey
** USAGE: banyan apikey add --org CODE --role channel|merchant --name NAME [--db PATH]
** SUMMARY: 签发 API 密钥 Issue an API key for a machine client
** Prints the key id and the secret once; banyan cannot show the secret again.
** The client signs each request with it (see docs/api.md).
*/
int cmd_apikey(int argc, char **argv)
{
	const char *db_opt = NULL, *org = NULL, *role = NULL, *name = NULL, *words[1];
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL},
	                         {"org", &org, NULL},
	                         {"role", &role, NULL},
	                         {"name", &name, NULL},
	                         {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 1, &n))
		return EXIT_USAGE;
	if (n != 1 || strcmp(words[0], "add") || !org || !role ||
	    (strcmp(role, "channel") && strcmp(role, "merchant"))) {
		fprintf(stderr, "usage: banyan apikey add --org CODE --role channel|merchant [--name NAME]\n");
		return EXIT_USAGE;
	}
	struct db *d;
	struct arena *a = arena_new();
	struct org o;
	int rc = 1;
	if (!a || open_or_fail(db_opt, &d, "apikey") < 0) {
		arena_free(a);
		return 1;
	}
	if (org_find_by_code(d, a, org, &o) != 0) {
		fprintf(stderr, "banyan apikey: no organisation with code '%s'\n", org);
	} else {
		char key_id[32], secret[65];
		int64_t id;
		struct audit_context ctx = audit_context_shell();
		int r = db_begin(d);
		if (r == 0)
			r = auth_apikey_create(d, o.id, role, name ? name : role, key_id, secret, &id);
		if (r == 0) {
			json_t *detail = json_pack("{s:{s:s, s:s, s:s}}", "after", "key_id", key_id, "role", role,
			                           "name", name ? name : role);
			r = audit_append(d, &ctx, "apikey.create", "api_key", key_id, o.path, detail);
			json_decref(detail);
		}
		if (r == 0 && db_commit(d) == 0) {
			printf("key_id: %s\nsecret: %s\n", key_id, secret);
			rc = 0;
		} else {
			if (r < 0)
				db_rollback(d);
			fprintf(stderr, "banyan apikey: %s\n", db_errmsg(d));
		}
	}
	db_close(d);
	arena_free(a);
	return rc;
}

/*
** COMMAND: check
** USAGE: banyan check [--db PATH]
** SUMMARY: 校验数据库与审计链 Check the database and the audit chain
** Runs SQLite's integrity and foreign-key checks and recomputes the audit
** log's hash chain.  Exit 0 when all is well; 1 naming the first problem
** (for the chain: the id of the first row that does not match).
*/
int cmd_check(int argc, char **argv)
{
	const char *db_opt = NULL, *words[1], *problem;
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 0, &n))
		return EXIT_USAGE;
	const char *path = cli_db_path(db_opt);
	struct db *d;
	if (access(path, F_OK) != 0 || db_open(path, &d) < 0) {
		fprintf(stderr, "banyan check: cannot open %s\n", path);
		return 1;
	}
	int64_t bad = 0, rows = 0;
	int rc = 0;
	if (db_integrity_check(d, &problem) < 0 || problem) {
		printf("database: FAILED: %s\n", problem ? problem : db_errmsg(d));
		rc = 1;
	} else {
		printf("database: ok\n");
	}
	if (audit_verify(d, &bad, &rows) < 0) {
		printf("audit chain: FAILED: %s\n", db_errmsg(d));
		rc = 1;
	} else if (bad) {
		printf("audit chain: BROKEN at row %lld (first row whose hash does not match)\n", (long long)bad);
		rc = 1;
	} else {
		printf("audit chain: ok (%lld rows)\n", (long long)rows);
	}
	db_close(d);
	return rc;
}

/*
** COMMAND: backup
** USAGE: banyan backup --to PATH [--db PATH]
** SUMMARY: 在线备份数据库 Copy the database, safe while serving
** Uses SQLite's online backup: the copy is a consistent snapshot even while
** the server writes.  Refuses to overwrite an existing file.
*/
int cmd_backup(int argc, char **argv)
{
	const char *db_opt = NULL, *to = NULL, *words[1];
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL}, {"to", &to, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 0, &n))
		return EXIT_USAGE;
	if (!to) {
		fprintf(stderr, "usage: banyan backup --to PATH [--db PATH]\n");
		return EXIT_USAGE;
	}
	if (access(to, F_OK) == 0) {
		fprintf(stderr, "banyan backup: %s exists; choose a new file\n", to);
		return 1;
	}
	const char *path = cli_db_path(db_opt);
	struct db *d;
	if (access(path, F_OK) != 0 || db_open(path, &d) < 0) {
		fprintf(stderr, "banyan backup: cannot open %s\n", path);
		return 1;
	}
	int r = db_backup(d, to);
	db_close(d);
	if (r < 0) {
		fprintf(stderr, "banyan backup: copy to %s failed\n", to);
		unlink(to);
		return 1;
	}
	printf("backed up %s to %s\n", path, to);
	return 0;
}

/*
** COMMAND: version
** USAGE: banyan version
** SUMMARY: 版本 Print the version
*/
int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("banyan %s\n", BANYAN_VERSION);
	return 0;
}

static const char demo_password[] = "banyan-demo-2020";

static void demo_ready(uint16_t port)
{
	printf("\n  banyan demo: http://127.0.0.1:%u/\n  登录 login: admin / %s  (also city-leader, city-agent, jinan-officer, city-zjj)\n\n",
	       port, demo_password);
	fflush(stdout);
}

/* The demo's people: one per role with pages, and the bureaus that approve the demo's projects. */
static int demo_seed(struct db *d, struct arena *a)
{
	static const struct {
		const char *username, *name, *role, *org;
	} people[] = {
	    {"admin", "系统管理员", "admin", "350100"},
	    {"city-leader", "市领导", "leader", "350100"},
	    {"jinan-officer", "晋安区投促局专员", "officer", "350111-tcj"},
	    {"city-agent", "市行政服务中心代办员", "agent", "350100-xzfw"},
	    {"city-zjj", "市城乡建设局审批科", "department", "350100-zjj"},
	    {"city-zrzy", "市自然资源和规划局审批科", "department", "350100-zrzy"},
	    {"jinan-fgj", "晋安区发改局审批科", "department", "350111-fgj"},
	};
	struct audit_context ctx = audit_context_shell();
	ctx.actor = "demo";
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		struct org o;
		int64_t id;
		if (org_find_by_code(d, a, people[i].org, &o) != 0)
			return -1;
		struct user_new u = {.username = people[i].username,
		                     .display_name = people[i].name,
		                     .role = people[i].role,
		                     .password = demo_password,
		                     .org_id = o.id,
		                     .org_path = o.path};
		if (user_create(d, &ctx, &u, &id) < 0)
			return -1;
	}
	return 0;
}

/*
** COMMAND: demo
** USAGE: banyan demo [--db PATH] [--listen ADDR:PORT]
** SUMMARY: 演示:创建演示数据并启动服务 Create a demo database and serve it
** Creates banyan-demo.db (or --db) with the Fuzhou organisation tree and demo
** users if it does not exist yet, then serves it on 127.0.0.1:8080.
*/
int cmd_demo(int argc, char **argv)
{
	const char *db_opt = "banyan-demo.db", *listen = "127.0.0.1:8080", *words[1];
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL}, {"listen", &listen, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 0, &n))
		return EXIT_USAGE;
	bool fresh = access(db_opt, F_OK) != 0;
	struct db *d;
	if (org_init_database(db_opt, &d) < 0) {
		fprintf(stderr, "banyan demo: cannot create %s\n", db_opt);
		return 1;
	}
	if (fresh) {
		struct arena *a = arena_new();
		printf("creating demo data in %s ...\n", db_opt);
		int r = a ? demo_seed(d, a) : -1;
		arena_free(a);
		/* Each domain with a service adds its own demo data. */
		db_close(d);
		d = NULL;
		for (size_t i = 0; r >= 0 && i < service_count; i++)
			r = service_table[i].run(SERVICE_DEMO, db_opt);
		if (r >= 0 && db_open(db_opt, &d) < 0)
			r = -1;
		if (r < 0) {
			fprintf(stderr, "banyan demo: could not create demo data\n");
			db_close(d);
			unlink(db_opt);
			return 1;
		}
	}
	db_close(d);
	struct server_config cfg = {.db_path = db_opt, .listen = listen, .body_limit = 1 << 20};
	return serve_until_signal(&cfg, demo_ready);
}
