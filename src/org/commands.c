/*
** Shell commands for operators: users, API keys, integrity check, backup,
** the audit log's key, anchors and archives, version, and the demo.  They
** work on the same database file as the server, and may run while it serves
** (SQLite WAL lets them).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cadres/cadres.h"
#include "core/cli.h"
#include "core/clock.h"
#include "core/index.h"
#include "http/auth.h"
#include "http/serve.h"
#include "indicators/indicators.h"
#include "invest/invest.h"
#include "org/org.h"
#include "projects/projects.h"
#include "refunds/refunds.h"
#include "projects/packages.h"
#include "supplies/supplies.h"

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

/* Open (and migrate) the database, with the audit key that signs what the command records. */
static int open_or_fail(const char *db_opt, const char *key_opt, struct db **ret, const char *cmd)
{
	const char *path = cli_db_path(db_opt);
	if (audit_key_load(key_opt, path) < 0)
		return -1;
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

/*
** Change one user inside a transaction with its audit record: sql_set (may
** be NULL) on the row, then also (may be NULL) on the user's id; the user's
** sessions and pending second steps end.
*/
static int user_change(struct db *d, const char *username, const char *sql_set, const char *hash, const char *action,
                       int (*also)(struct db *d, int64_t user_id))
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
	snprintf(sql, sizeof sql, "UPDATE users SET %s%supdated_at = ? WHERE id = ?", sql_set ? sql_set : "",
	         sql_set ? ", " : "");
	snprintf(object_id, sizeof object_id, "%lld", (long long)id);
	int r = db_begin(d);
	if (r == 0)
		r = hash ? db_run(d, sql, "tii", hash, clock_now(), id) : db_run(d, sql, "ii", clock_now(), id);
	if (r == 0)
		r = db_run(d, "DELETE FROM sessions WHERE user_id = ?", "i", id);
	if (r == 0)
		r = login_challenges_end(d, id);
	if (r == 0 && also)
		r = also(d, id);
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
** USAGE: banyan user add|passwd|list|disable|enable|second-factor-reset [--db PATH] [--audit-key FILE] [OPTIONS]
** SUMMARY: 用户管理 Manage users
** add      --username U --role ROLE --org CODE [--name 姓名] --password-stdin
** passwd   --username U --password-stdin      (ends the user's sessions)
** list     [--org CODE]
** disable  --username U                       (ends the user's sessions)
** enable   --username U
** second-factor-reset --username U            (a lost phone: enrol again at the next login)
** Roles: admin security auditor leader officer agent department enterprise merchant
** (payment channels are machines: they get API keys, see banyan apikey).
** The security and audit administrators (三员分立) are made only here, by the
** operator: no one can grant those roles through the API.
** The password is read from standard input, never from the command line.
*/
int cmd_user(int argc, char **argv)
{
	const char *db_opt = NULL, *key_opt = NULL, *username = NULL, *role = NULL, *org = NULL, *name = NULL,
	           *words[1];
	bool from_stdin = false;
	int n, rc = EXIT_USAGE;
	struct cli_opt opts[] = {{"db", &db_opt, NULL},         {"username", &username, NULL},
	                         {"role", &role, NULL},         {"org", &org, NULL},
	                         {"name", &name, NULL},         {"password-stdin", NULL, &from_stdin},
	                         {"audit-key", &key_opt, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 1, &n))
		return EXIT_USAGE;
	const char *verb = n == 1 ? words[0] : "";
	bool known = !strcmp(verb, "add") || !strcmp(verb, "passwd") || !strcmp(verb, "list") ||
	             !strcmp(verb, "disable") || !strcmp(verb, "enable") || !strcmp(verb, "second-factor-reset");
	if (!known || ((!strcmp(verb, "add") || !strcmp(verb, "passwd")) && !from_stdin) ||
	    (strcmp(verb, "list") && strcmp(verb, "add") && !username)) {
		fprintf(stderr, "usage: banyan user add|passwd|list|disable|enable|second-factor-reset"
		                " (see banyan user --help)\n");
		return EXIT_USAGE;
	}
	struct db *d;
	struct arena *a = arena_new();
	if (!a || open_or_fail(db_opt, key_opt, &d, "user") < 0) {
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
			rc = user_change(d, username, "password_hash = ?", hash, "user.password_reset", NULL);
		}
	} else if (!strcmp(verb, "disable")) {
		rc = user_change(d, username, "disabled = 1", NULL, "user.disable", NULL);
	} else if (!strcmp(verb, "enable")) {
		rc = user_change(d, username, "disabled = 0", NULL, "user.enable", NULL);
	} else if (!strcmp(verb, "second-factor-reset")) {
		rc = user_change(d, username, NULL, NULL, "user.second_factor_reset", second_factor_remove);
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

/* Issue a key: prints its id and secret. */
static int apikey_add(struct db *d, struct arena *a, const char *org, const char *role, const char *name)
{
	struct org o;
	if (org_find_by_code(d, a, org, &o) != 0) {
		fprintf(stderr, "banyan apikey: no organisation with code '%s'\n", org);
		return 1;
	}
	char key_id[32], secret[65];
	int64_t id;
	struct audit_context ctx = audit_context_shell();
	int r = db_begin(d);
	if (r == 0)
		r = auth_apikey_create(d, o.id, role, name ? name : role, key_id, secret, &id);
	if (r == 0) {
		json_t *detail = json_pack("{s:{s:s, s:s, s:s}}", "after", "key_id", key_id, "role", role, "name",
		                           name ? name : role);
		r = audit_append(d, &ctx, "apikey.create", "api_key", key_id, o.path, detail);
		json_decref(detail);
	}
	if (r == 0 && db_commit(d) == 0) {
		printf("id: %lld\nkey_id: %s\nsecret: %s\n", (long long)id, key_id, secret);
		return 0;
	}
	if (r < 0)
		db_rollback(d);
	fprintf(stderr, "banyan apikey: %s\n", db_errmsg(d));
	return 1;
}

static int apikey_list(struct db *d)
{
	struct db_stmt *s;
	if (db_prepare(d, &s,
	               "SELECT k.id, k.key_id, k.name, k.role, o.code, k.created_at, k.disabled FROM api_keys k"
	               " JOIN orgs o ON o.id = k.org_id ORDER BY k.id",
	               NULL) < 0)
		return 1;
	printf("%-5s %-28s %-9s %-14s %-25s %s\n", "id", "key_id", "role", "org", "created", "name");
	int r;
	while ((r = db_step(s)) == DB_ROW) {
		char created[32];
		clock_format_iso(db_column_int64(s, 5), created);
		printf("%-5lld %-28s %-9s %-14s %-25s %s%s\n", (long long)db_column_int64(s, 0), db_column_text(s, 1),
		       db_column_text(s, 3), db_column_text(s, 4), created, db_column_text(s, 2),
		       db_column_int64(s, 6) ? " (停用 disabled)" : "");
	}
	db_finalize(s);
	return r < 0 ? 1 : 0;
}

/* Disable or rotate key id, with its audit record; then the running server drops it from its cache. */
static int apikey_change(struct db *d, int64_t id, bool rotate)
{
	char key_id[32] = "", path[600] = "/", secret[65];
	struct db_stmt *s;
	if (db_prepare(d, &s, "SELECT k.key_id, o.path FROM api_keys k JOIN orgs o ON o.id = k.org_id WHERE k.id = ?",
	               "i", id) == 0 &&
	    db_step(s) == DB_ROW) {
		snprintf(key_id, sizeof key_id, "%s", db_column_text(s, 0));
		snprintf(path, sizeof path, "%s", db_column_text(s, 1));
	}
	db_finalize(s);
	if (!key_id[0]) {
		fprintf(stderr, "banyan apikey: no API key with id %lld (see banyan apikey list)\n", (long long)id);
		return 1;
	}
	struct audit_context ctx = audit_context_shell();
	if (rotate)
		auth_random_hex(secret, 32);
	int r = db_begin(d);
	if (r == 0)
		r = rotate ? db_run(d, "UPDATE api_keys SET secret = ? WHERE id = ?", "ti", secret, id)
		           : db_run(d, "UPDATE api_keys SET disabled = 1 WHERE id = ?", "i", id);
	if (r == 0)
		r = audit_append(d, &ctx, rotate ? "apikey.rotate" : "apikey.disable", "api_key", key_id, path, NULL);
	if (r < 0 || db_commit(d) < 0) {
		if (r < 0)
			db_rollback(d);
		fprintf(stderr, "banyan apikey: %s\n", db_errmsg(d));
		return 1;
	}
	serve_keys_changed(db_path(d));
	if (rotate)
		printf("key_id: %s\nsecret: %s\n(the old secret no longer works)\n", key_id, secret);
	else
		printf("API key %s disabled\n", key_id);
	sodium_memzero(secret, sizeof secret);
	return 0;
}

/*
** COMMAND: apikey
** USAGE: banyan apikey add|list|disable|rotate [--db PATH] [--audit-key FILE] [OPTIONS]
** SUMMARY: API 密钥:签发、列出、停用、更换 Issue, list, disable or rotate API keys of machine clients
** add      --org CODE --role channel|merchant [--name NAME]
**          prints the key's id, key_id and secret once; banyan cannot show the secret again
** list     id, key_id, role, organisation, created, name, disabled (never the secret)
** disable  --id N    the key stops working at once, on a running server too
** rotate   --id N    prints a new secret once; the old one stops working at once
** The client signs each request with the secret (see docs/api.md).
*/
int cmd_apikey(int argc, char **argv)
{
	const char *db_opt = NULL, *key_opt = NULL, *org = NULL, *role = NULL, *name = NULL, *id_s = NULL, *words[1];
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL}, {"org", &org, NULL}, {"role", &role, NULL},
	                         {"name", &name, NULL}, {"id", &id_s, NULL}, {"audit-key", &key_opt, NULL},
	                         {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 1, &n))
		return EXIT_USAGE;
	const char *verb = n == 1 ? words[0] : "";
	char *end = NULL;
	long long id = id_s ? strtoll(id_s, &end, 10) : 0;
	bool add = !strcmp(verb, "add"), change = !strcmp(verb, "disable") || !strcmp(verb, "rotate");
	bool usable = add      ? org && role && (!strcmp(role, "channel") || !strcmp(role, "merchant"))
	              : change ? id_s && !*end && id > 0
	                       : !strcmp(verb, "list");
	if (!usable) {
		fprintf(stderr, "usage: banyan apikey add --org CODE --role channel|merchant [--name NAME]\n"
		                "       banyan apikey list | disable --id N | rotate --id N\n");
		return EXIT_USAGE;
	}
	struct db *d;
	struct arena *a = arena_new();
	if (!a || open_or_fail(db_opt, key_opt, &d, "apikey") < 0) {
		arena_free(a);
		return 1;
	}
	int rc;
	if (add)
		rc = apikey_add(d, a, org, role, name);
	else if (change)
		rc = apikey_change(d, id, !strcmp(verb, "rotate"));
	else
		rc = apikey_list(d);
	db_close(d);
	arena_free(a);
	return rc;
}

/*
** What must hold in the vouchers whatever wrote them (a second server, a
** hand edit): each query names the first breach, or returns no row.  The
** engine keeps stock and limits in memory; these recount from the rows.
*/
static const char *const voucher_invariants[] = {
    "SELECT 'kind ' || k.id || ' ' || k.name || ': ' || count(v.id) || ' vouchers issued, stock ' || k.stock"
    " FROM voucher_kinds k JOIN vouchers v ON v.kind_id = k.id GROUP BY k.id, k.name, k.stock"
    " HAVING count(v.id) > k.stock ORDER BY k.id LIMIT 1",
    /* A kind split between channels: each channel within its share. */
    "SELECT 'kind ' || k.id || ' ' || k.name || ', channel ' || a.key_id || ': ' || count(v.id)"
    " || ' vouchers issued, its allocation ' || coalesce(al.stock, 0) FROM vouchers v"
    " JOIN voucher_kinds k ON k.id = v.kind_id JOIN api_keys a ON a.id = v.api_key_id"
    " LEFT JOIN voucher_allocations al ON al.kind_id = v.kind_id AND al.api_key_id = v.api_key_id"
    " WHERE EXISTS (SELECT 1 FROM voucher_allocations x WHERE x.kind_id = k.id)"
    " GROUP BY k.id, k.name, a.key_id, al.stock HAVING count(v.id) > coalesce(al.stock, 0) ORDER BY k.id LIMIT 1",
    "SELECT 'kind ' || k.id || ' ' || k.name || ': person ' || v.person || ' holds ' || count(*)"
    " || ' vouchers, the limit is ' || k.per_person_limit FROM vouchers v JOIN voucher_kinds k ON k.id = v.kind_id"
    " GROUP BY k.id, k.name, v.api_key_id, v.person, k.per_person_limit HAVING count(*) > k.per_person_limit"
    " ORDER BY k.id LIMIT 1",
    "SELECT 'code ' || code || ' is on ' || count(*) || ' vouchers' FROM vouchers GROUP BY code"
    " HAVING count(*) > 1 LIMIT 1",
    /* On PostgreSQL, stock leased to nodes (src/vouchers/leases.c): what a bucket leased is what its
    ** leases hold, and its vouchers are what its leases counted. */
    "SELECT 'kind ' || b.kind_id || ': ' || b.leased || ' leased, its leases hold ' || coalesce(sum(l.size), 0)"
    " FROM voucher_buckets b LEFT JOIN voucher_leases l ON l.kind_id = b.kind_id AND l.api_key_id = b.api_key_id"
    " GROUP BY b.kind_id, b.api_key_id, b.leased HAVING b.leased <> coalesce(sum(l.size), 0) LIMIT 1",
    "SELECT 'kind ' || n.kind_id || ': ' || n.vouchers || ' vouchers, its leases counted ' || n.counted FROM"
    " (SELECT b.kind_id, (SELECT count(*) FROM vouchers v WHERE v.kind_id = b.kind_id"
    " AND (b.api_key_id = 0 OR v.api_key_id = b.api_key_id)) AS vouchers, (SELECT coalesce(sum(l.used), 0)"
    " FROM voucher_leases l WHERE l.kind_id = b.kind_id AND l.api_key_id = b.api_key_id) AS counted"
    " FROM voucher_buckets b) n WHERE n.vouchers <> n.counted LIMIT 1",
};

/*
** The rolls' references, which the import keeps rather than foreign keys
** (a checked reference costs the import a statement journal a line).
*/
static const char *const refund_invariants[] = {
    "SELECT 'rolls of ' || credit_code || ' ' || month || ': no such enterprise' FROM refund_rolls r"
    " WHERE NOT EXISTS (SELECT 1 FROM refund_enterprises e WHERE e.credit_code = r.credit_code) LIMIT 1",
    "SELECT 'rolls of ' || credit_code || ' ' || month || ': no import ' || import_id FROM refund_rolls r"
    " WHERE NOT EXISTS (SELECT 1 FROM refund_imports i WHERE i.id = r.import_id) LIMIT 1",
    /* A decision's state agrees with its payments: sent with one in the bank's hands, paid or
    ** later with one paid, failed with its failure not yet re-sent. */
    "SELECT 'decision ' || d.id || ': its state disagrees with its payments' FROM refund_decisions d"
    " WHERE (d.state = 'sent') <> EXISTS (SELECT 1 FROM refund_payments p WHERE p.decision_id = d.id"
    " AND p.state = 'sent') OR (d.state IN ('paid', 'recovering', 'recovered', 'written_off')) <> EXISTS"
    " (SELECT 1 FROM refund_payments p WHERE p.decision_id = d.id AND p.state = 'paid')"
    " OR (d.state = 'failed') <> EXISTS (SELECT 1 FROM refund_payments p WHERE p.decision_id = d.id"
    " AND p.state = 'failed' AND NOT EXISTS (SELECT 1 FROM refund_payments q WHERE q.decision_id = d.id"
    " AND q.id > p.id AND q.state IN ('sent', 'paid'))) ORDER BY d.id LIMIT 1",
};

/* Print "NAME: ok (WHAT)" or the first breach of the invariants (queries as above); 0 or 1. */
static int check_invariants(struct db *d, const char *name, const char *const *invariants, size_t n,
                            const char *what)
{
	for (size_t i = 0; i < n; i++) {
		struct db_stmt *s;
		int r = db_prepare(d, &s, invariants[i], NULL);
		if (r == 0 && (r = db_step(s)) == DB_ROW)
			printf("%s: FAILED: %s\n", name, db_column_text(s, 0));
		else if (r < 0)
			printf("%s: FAILED: %s\n", name, db_errmsg(d));
		db_finalize(s);
		if (r != DB_DONE)
			return 1;
	}
	printf("%s: ok (%s)\n", name, what);
	return 0;
}

/*
** Note a backup in the database, audited, for the administrators' workbench
** (how old the last backup is).
*/
static int backup_record(struct db *d, const char *file)
{
	struct audit_context ctx = audit_context_shell();
	int rc = db_begin(d);
	if (rc == 0)
		rc = db_run(d, "INSERT INTO backups(at, file) VALUES (?,?)", "it", clock_now(), file);
	char id[24], root[256] = "/";
	snprintf(id, sizeof id, "%lld", (long long)db_last_insert_id(d));
	struct db_stmt *s;
	if (rc == 0 &&
	    (rc = db_prepare(d, &s, "SELECT path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1", NULL)) == 0) {
		if ((rc = db_step(s)) == DB_ROW)
			snprintf(root, sizeof root, "%s", db_column_text(s, 0));
		db_finalize(s);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0) {
		json_t *what = json_pack("{s:s}", "file", file);
		rc = audit_append(d, &ctx, "audit.backup", "backup", id, root, what);
		json_decref(what);
	}
	if (rc < 0) {
		db_rollback(d);
		return rc;
	}
	return db_commit(d);
}

/*
** Note what a check found in DB.check (CHECK_NOTE_SUFFIX), beside the
** database: written whole to a new file, then renamed over the old one.  A
** PostgreSQL database has no file beside it: there, a row of check_notes.
*/
static int check_note(struct db *d, const char *path, bool ok, int64_t audit_upto)
{
	char note[4096], tmp[4200];
	if (db_is_postgres(path))
		return db_run(d, "INSERT INTO check_notes(at, ok, audit_upto) VALUES (?, ?, ?)", "iIi", clock_now(),
		              ok ? 1 : 0, audit_upto);
	snprintf(note, sizeof note, "%s%s", path, CHECK_NOTE_SUFFIX);
	snprintf(tmp, sizeof tmp, "%s.new", note);
	json_t *what =
	    json_pack("{s:I, s:b, s:I}", "at", (json_int_t)clock_now(), "ok", ok, "audit_upto", (json_int_t)audit_upto);
	int rc = json_dump_file(what, tmp, JSON_COMPACT) < 0 || rename(tmp, note) < 0 ? -1 : 0;
	json_decref(what);
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/* *ret_upto: the last row that holds (0 when none was read). */
static int check_audit_chain(struct db *d, int64_t *ret_upto)
{
	struct audit_verdict v;
	char hash[65];
	int64_t at;
	*ret_upto = 0;
	if (audit_verify(d, &v) < 0) {
		printf("audit chain: FAILED: %s\n", db_errmsg(d));
		return 1;
	}
	if (v.bad_id) {
		*ret_upto = v.bad_id - 1;
		printf("audit chain: BROKEN at row %lld: %s\n", (long long)v.bad_id, v.why);
		return 1;
	}
	if (audit_head(d, ret_upto, hash, &at) < 0)
		*ret_upto = 0;
	if (v.keyed_from)
		printf("audit chain: ok (%lld rows, keyed from row %lld)\n", (long long)v.rows,
		       (long long)v.keyed_from);
	else
		printf("audit chain: ok (%lld rows, not keyed: see banyan audit keygen)\n", (long long)v.rows);
	return 0;
}

/*
** Every anchor in the file (lines "audit-anchor ID HASH TIME", as `banyan
** audit anchor` prints them) must name a row that is still there with that
** hash: with the chain intact, the log then still extends what was anchored.
*/
static int check_anchors(struct db *d, const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		printf("anchors: FAILED: cannot read %s\n", file);
		return 1;
	}
	char line[512], hash[65];
	long long id;
	int kept = 0, rc = 0, line_no = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		line_no++;
		if (line[strspn(line, " \t\r\n")] == 0 || line[0] == '#')
			continue;
		if (sscanf(line, "audit-anchor %lld %64s", &id, hash) != 2 || strlen(hash) != 64) {
			printf("anchors: FAILED: %s line %d is not an anchor (audit-anchor ID HASH TIME)\n", file,
			       line_no);
			rc = 1;
			break;
		}
		struct db_stmt *s;
		int r = db_prepare(d, &s, "SELECT hash FROM audit_log WHERE id = ?", "i", (int64_t)id);
		if (r == 0)
			r = db_step(s);
		if (r < 0)
			printf("anchors: FAILED: %s\n", db_errmsg(d));
		else if (r != DB_ROW)
			printf("anchors: FAILED: anchored row %lld is gone: the log was cut back\n", id);
		else if (strcmp(db_column_text(s, 0), hash) != 0)
			printf("anchors: FAILED: anchored row %lld has another hash: the log was rewritten\n", id);
		rc = r != DB_ROW || strcmp(db_column_text(s, 0), hash) != 0;
		db_finalize(s);
		kept++;
	}
	fclose(f);
	if (rc == 0)
		printf("anchors: ok (the log extends all %d kept)\n", kept);
	return rc;
}

/*
** COMMAND: check
** USAGE: banyan check [--db PATH] [--audit-key FILE] [--anchor FILE]
** SUMMARY: 校验数据库、审计链与业务不变量 Check the database, the audit chain and the invariants
** Compares the schema's version with this banyan's, runs SQLite's integrity
** and foreign-key checks (PostgreSQL: every constraint validated), recomputes
** the audit log's chain (keyed with the audit key: see banyan audit) and the
** signing ledger's, and recounts the vouchers: issued within stock per kind
** and channel, nobody
** above the per-person limit, codes distinct; that the refunds' rolls name
** enterprises and imports on file; and that every refund decision's state
** agrees with its payments.  --anchor FILE: the log must
** still extend every anchor kept in FILE (lines of banyan audit anchor).
** Exit 0 when all is well; 1 naming the first problem of each check.
*/
int cmd_check(int argc, char **argv)
{
	const char *db_opt = NULL, *key_opt = NULL, *anchors = NULL, *words[1], *problem;
	int n;
	struct cli_opt opts[] = {
	    {"db", &db_opt, NULL}, {"audit-key", &key_opt, NULL}, {"anchor", &anchors, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 0, &n))
		return EXIT_USAGE;
	const char *path = cli_db_path(db_opt);
	struct db *d;
	if (audit_key_load(key_opt, path) < 0)
		return 1;
	if (!db_exists(path) || db_open(path, &d) < 0) {
		fprintf(stderr, "banyan check: cannot open %s\n", path);
		return 1;
	}
	int rc = 0, version = db_schema_version(d);
	if (version != db_schema_latest()) {
		printf("schema: FAILED: version %d, this banyan's is %d (banyan init --db applies the migrations)\n",
		       version, db_schema_latest());
		rc = 1;
	} else {
		printf("schema: ok (version %d)\n", version);
	}
	if (db_integrity_check(d, false, &problem) < 0 || problem) {
		printf("database: FAILED: %s\n", problem ? problem : db_errmsg(d));
		rc = 1;
	} else {
		printf("database: ok\n");
	}
	int64_t upto;
	rc |= check_audit_chain(d, &upto);
	if (anchors)
		rc |= check_anchors(d, anchors);
	int64_t bad = 0, rows = 0;
	if (signing_ledger_verify(d, &bad, &rows) < 0 || bad) {
		printf("signing ledger: BROKEN at row %lld\n", (long long)bad);
		rc = 1;
	} else {
		printf("signing ledger: ok (%lld signatures)\n", (long long)rows);
	}
	rc |= check_invariants(d, "vouchers", voucher_invariants, sizeof voucher_invariants / sizeof voucher_invariants[0],
	                       "issued within stock and limits, codes distinct");
	rc |= check_invariants(d, "refunds", refund_invariants, sizeof refund_invariants / sizeof refund_invariants[0],
	                       "the rolls' enterprises and imports on file, decisions agreeing with payments");
	if (check_note(d, path, rc == 0, upto) < 0)
		fprintf(stderr, "banyan check: could not note what the check found (%s%s or check_notes)\n", path,
		        CHECK_NOTE_SUFFIX);
	db_close(d);
	return rc;
}

/* The day of a --from/--to option; -1 after saying what is wrong. */
static int day_option(const char *name, const char *value, int32_t *ret)
{
	if (!value || clock_parse_date(value, ret) < 0) {
		fprintf(stderr, "banyan audit export: --%s YYYY-MM-DD is required (a Beijing day)\n", name);
		return -1;
	}
	return 0;
}

static int audit_export_file(struct db *d, const char *from_s, const char *to_s, const char *out)
{
	int32_t from, to;
	if (day_option("from", from_s, &from) < 0 || day_option("to", to_s, &to) < 0 || !out) {
		fprintf(stderr, "usage: banyan audit export --from YYYY-MM-DD --to YYYY-MM-DD --out FILE\n");
		return EXIT_USAGE;
	}
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		fprintf(stderr, "banyan audit export: cannot create %s (%s); choose a new file\n", out,
		        strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	int64_t rows = 0;
	int r = audit_export_archive(d, from, to, f, &rows);
	if ((fflush(f) != 0 || fsync(fileno(f)) != 0) && r == 0)
		r = -1;
	if (fclose(f) != 0 || r < 0) {
		fprintf(stderr, "banyan audit export: writing %s failed\n", out);
		unlink(out);
		return 1;
	}
	printf("%lld audit rows of %s to %s written to %s, signed with the audit key\n", (long long)rows, from_s, to_s,
	       out);
	return 0;
}

static int audit_anchor(struct db *d)
{
	struct audit_verdict v;
	int64_t id, at;
	char hash[65], when[32];
	if (audit_verify(d, &v) < 0 || v.bad_id) {
		fprintf(stderr, "banyan audit anchor: the chain does not hold (%s): run banyan check\n",
		        v.bad_id ? v.why : db_errmsg(d));
		return 1;
	}
	if (audit_head(d, &id, hash, &at) < 0 || !id) {
		fprintf(stderr, "banyan audit anchor: the audit log is empty\n");
		return 1;
	}
	clock_format_iso(at, when);
	printf("audit-anchor %lld %s %s\n", (long long)id, hash, when);
	return 0;
}

/*
** COMMAND: audit
** USAGE: banyan audit keygen FILE | anchor | export --from DAY --to DAY --out FILE | verify-export FILE [--db PATH] [--audit-key FILE]
** SUMMARY: 审计日志:密钥、锚点、归档 The audit log's key, anchors and signed archives
** keygen FILE      write a new audit key to FILE (mode 0600); if FILE holds
**                  keys already, add a newer one (rotation: restart serve)
** anchor           verify the chain, then print its head as one line
**                  "audit-anchor ID HASH TIME": keep it somewhere else, and
**                  give the file of kept lines to banyan check --anchor
** export           write the rows of the days --from to --to (Beijing days,
**                  inclusive) to --out as JSON Lines with their chain hashes,
**                  signed (HMAC-SHA256) with the audit key, for off-site keeping
** verify-export F  check an archive's signature and chain (needs the audit key)
** The audit key: --audit-key FILE, else $BANYAN_AUDIT_KEY, else DB.audit-key.
** Nothing deletes audit rows: keep them (and archives) at least 180 days.
*/
int cmd_audit(int argc, char **argv)
{
	const char *db_opt = NULL, *key_opt = NULL, *from = NULL, *to = NULL, *out = NULL, *words[2];
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL}, {"audit-key", &key_opt, NULL}, {"from", &from, NULL},
	                         {"to", &to, NULL},     {"out", &out, NULL},           {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 2, &n))
		return EXIT_USAGE;
	const char *verb = n >= 1 ? words[0] : "";
	bool with_file = !strcmp(verb, "keygen") || !strcmp(verb, "verify-export");
	if ((with_file ? n != 2 : n != 1) || (!with_file && strcmp(verb, "anchor") && strcmp(verb, "export"))) {
		fprintf(stderr, "usage: banyan audit keygen FILE | anchor | export --from DAY --to DAY --out FILE |"
		                " verify-export FILE\n");
		return EXIT_USAGE;
	}
	if (!strcmp(verb, "keygen")) {
		int64_t id;
		if (audit_keygen(words[1], &id) < 0)
			return 1;
		printf("audit key %lld written to %s (mode 0600)\n", (long long)id, words[1]);
		return 0;
	}
	const char *path = cli_db_path(db_opt);
	if (audit_key_load(key_opt, path) < 0)
		return 1;
	if (strcmp(verb, "anchor") && !audit_signing_key_id()) {
		fprintf(stderr, "banyan audit %s: needs the audit key that signs archives (--audit-key FILE)\n", verb);
		return 1;
	}
	if (!strcmp(verb, "verify-export")) {
		FILE *f = fopen(words[1], "r");
		if (!f) {
			fprintf(stderr, "banyan audit verify-export: cannot read %s\n", words[1]);
			return 1;
		}
		int64_t rows;
		const char *why;
		int r = audit_verify_archive(f, &rows, &why);
		fclose(f);
		if (r < 0) {
			printf("archive %s: FAILED: %s\n", words[1], why);
			return 1;
		}
		printf("archive %s: ok (%lld rows, signature and chain hold)\n", words[1], (long long)rows);
		return 0;
	}
	struct db *d;
	if (!db_exists(path) || db_open(path, &d) < 0) {
		fprintf(stderr, "banyan audit: cannot open %s\n", path);
		return 1;
	}
	int rc = !strcmp(verb, "anchor") ? audit_anchor(d) : audit_export_file(d, from, to, out);
	db_close(d);
	return rc;
}

/*
** COMMAND: backup
** USAGE: banyan backup --to PATH [--db PATH] [--audit-key FILE]
** SUMMARY: 在线备份数据库 Copy the database, safe while serving
** Uses SQLite's online backup: the copy is a consistent snapshot even while
** the server writes.  Refuses to overwrite an existing file.  The backup is
** noted (and audited) in the database, for the administrators' workbench.
*/
int cmd_backup(int argc, char **argv)
{
	const char *db_opt = NULL, *to = NULL, *key_opt = NULL, *words[1];
	int n;
	struct cli_opt opts[] = {
	    {"db", &db_opt, NULL}, {"to", &to, NULL}, {"audit-key", &key_opt, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 0, &n))
		return EXIT_USAGE;
	if (!to) {
		fprintf(stderr, "usage: banyan backup --to PATH [--db PATH] [--audit-key FILE]\n");
		return EXIT_USAGE;
	}
	if (access(to, F_OK) == 0) {
		fprintf(stderr, "banyan backup: %s exists; choose a new file\n", to);
		return 1;
	}
	const char *path = cli_db_path(db_opt);
	struct db *d;
	if (audit_key_load(key_opt, path) < 0)
		return 1;
	if (!db_exists(path) || db_open(path, &d) < 0) {
		fprintf(stderr, "banyan backup: cannot open %s\n", path);
		return 1;
	}
	int r = db_backup(d, to);
	if (r == 0 && backup_record(d, to) < 0)
		fprintf(stderr, "banyan backup: copied, but could not record it: %s\n", db_errmsg(d));
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
	printf("\n  banyan demo: http://127.0.0.1:%u/\n  登录 login: admin / %s  (also city-leader, city-agent, "
	       "jinan-officer, city-zjj, city-swj,\n  city-rsj, city-rsj-admin, city-zzb, city-wjw, taijiang-site, "
	       "city-tjj, jinan-tjj, luoyuan-scjg,\n  city-security, city-auditor)\n\n",
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
	    {"city-security", "安全管理员", "security", "350100"},
	    {"city-auditor", "审计管理员", "auditor", "350100"},
	    {"city-leader", "市领导", "leader", "350100"},
	    {"jinan-officer", "晋安区投促局专员", "officer", "350111-tcj"},
	    {"city-agent", "市行政服务中心代办员", "agent", "350100-xzfw"},
	    {"city-zjj", "市城乡建设局审批科", "department", "350100-zjj"},
	    {"city-zrzy", "市自然资源和规划局审批科", "department", "350100-zrzy"},
	    {"jinan-fgj", "晋安区发改局审批科", "department", "350111-fgj"},
	    {"city-swj", "市商务局消费券专班", "department", "350100-swj"},
	    {"city-rsj", "市人社局就业科", "department", "350100-rsj"},
	    {"city-rsj-admin", "市人社局业务管理员", "department", "350100-rsj"},
	    {"city-zzb", "市委组织部干部考核处", "department", "350100-zzb"},
	    {"city-wjw", "市卫健委防疫物资保障组", "department", "350100-wjw"},
	    {"taijiang-site", "台江区隔离点物资保管员", "department", "350103-wjj"},
	    {"city-tjj", "市统计局综合科", "department", "350100-tjj"},
	    {"jinan-tjj", "晋安区统计局", "department", "350111-tjj"},
	    {"luoyuan-scjg", "罗源县市场监管局登记专员", "department", "350123-scjg"},
	};
	/* The city bureau's duty administrator (业务管理员) edits its refund policies; city-rsj runs batches. */
	static const char duty_admin[] = "city-rsj-admin";
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
		                     .org_path = o.path,
		                     .duty_admin = strcmp(people[i].username, duty_admin) == 0};
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
** users if it does not exist yet, then serves it on 127.0.0.1:8080.  A new
** demo database gets its audit key in DB.audit-key, beside it.  --db
** postgresql://… fills an existing database that has nobody in it yet
** (createdb first), keyed with $BANYAN_AUDIT_KEY if set.
*/
int cmd_demo(int argc, char **argv)
{
	const char *db_opt = "banyan-demo.db", *listen = "127.0.0.1:8080", *words[1];
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL}, {"listen", &listen, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 0, &n))
		return EXIT_USAGE;
	/* A PostgreSQL database is new to the demo when nobody is in it yet (below). */
	bool on_postgres = db_is_postgres(db_opt), fresh = !on_postgres && access(db_opt, F_OK) != 0;
	/* A new demo file is keyed from its first row, with DB.audit-key beside it (where every
	** command finds it; on PostgreSQL $BANYAN_AUDIT_KEY); a real deployment keeps its key elsewhere. */
	char key_file[4096];
	int64_t key_id;
	snprintf(key_file, sizeof key_file, "%s.audit-key", db_opt);
	if (fresh && access(key_file, F_OK) != 0 && audit_keygen(key_file, &key_id) < 0)
		return 1;
	if (audit_key_load(NULL, db_opt) < 0)
		return 1;
	struct db *d;
	if (org_init_database(db_opt, &d) < 0) {
		fprintf(stderr, "banyan demo: cannot create %s\n", db_opt);
		return 1;
	}
	int64_t users = 0;
	if (on_postgres && db_query_int64(d, &users, "SELECT count(*) FROM users", NULL) == 0)
		fresh = users == 0;
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
		if (r >= 0) /* the officials' frontline days come from the other domains' demo data */
			r = cadres_demo(db_opt);
		if (r >= 0)
			r = supplies_demo(db_opt);
		if (r >= 0)
			r = packages_demo(db_opt);
		if (r >= 0)
			r = indicators_demo(db_opt);
		if (r >= 0)
			r = resumption_demo(db_opt);
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
