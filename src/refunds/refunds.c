/*
** Job-stabilisation refunds: the rolls and lists imported, policies as
** versioned data, and runs of a policy that decide every enterprise on the
** rolls once (免申即享).  The routes are the human resources bureaus' (DUTY:
** refunds); a bureau works in its own area (a district's bureau its
** district, the city's every district), leaders read theirs, an enterprise
** reads the decisions about itself.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/cli.h"
#include "core/clock.h"
#include "core/csv.h"
#include "org/org.h"
#include "refunds/life.h"
#include "refunds/refunds.h"

/* ---- imports ------------------------------------------------------------- */

/* Districts named by the rolls, looked up once each per import. */
enum { DISTRICT_CACHE = 32 };

struct district_ctx {
	struct db *db;
	const char *area; /* the importer's area: a path prefix */
	int n;
	struct {
		char code[33];
		int64_t id;
	} seen[DISTRICT_CACHE];
};

static int64_t district_lookup(void *p, const char *code)
{
	struct district_ctx *c = p;
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->seen[i].code, code) == 0)
			return c->seen[i].id;
	int64_t id = 0;
	struct db_stmt *s;
	if (db_prepare(c->db, &s, "SELECT id, path FROM orgs WHERE code = ? AND kind IN ('city', 'district')", "t",
	               code) == 0 &&
	    db_step(s) == DB_ROW)
		id = path_within(db_column_text(s, 1), c->area) ? db_column_int64(s, 0) : -1;
	db_finalize(s);
	if (c->n < DISTRICT_CACHE && strlen(code) < sizeof c->seen[0].code) {
		snprintf(c->seen[c->n].code, sizeof c->seen[0].code, "%s", code);
		c->seen[c->n++].id = id;
	}
	return id;
}

/* Where an import happens: its database, its arena, who and in which area. */
struct import_place {
	struct db *db;
	struct arena *arena;
	struct audit_context ctx;
	int64_t area_org_id;
	const char *area; /* path */
};

struct import_result {
	int64_t id, rows, enterprises;
	bool already; /* the same file was imported before: nothing changed */
	int line;     /* the first bad line, when refused (0: not a line's fault) */
	const char *why;
};

/*
** The import of this file (kind, SHA-256) if there was one: true with *ret
** filled.  Inside the import's transaction, so a file imported twice at once
** is recorded once (the UNIQUE key would refuse the second anyway).
*/
static int import_find(struct db *d, const char *kind, const char *sha, struct import_result *ret)
{
	struct db_stmt *s;
	int rc = db_prepare(d, &s, "SELECT id, rows FROM refund_imports WHERE kind = ? AND sha256 = ?", "tt", kind, sha);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		ret->id = db_column_int64(s, 0);
		ret->rows = db_column_int64(s, 1);
		ret->already = true;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* Record an import inside the caller's transaction and audit it; detail is stolen. */
static int import_record(const struct import_place *at, const char *kind, int year, const char *sha, int64_t rows,
                         json_t *detail, int64_t *ret_id)
{
	int rc = db_run(at->db,
	                "INSERT INTO refund_imports(kind, year, sha256, rows, org_id, actor_id, actor, at)"
	                " VALUES (?,?,?,?,?,?,?,?)",
	                "trtiirti", kind, (int64_t)year, sha, rows, at->area_org_id, at->ctx.actor_id, at->ctx.actor,
	                clock_now());
	if (rc == 0) {
		*ret_id = db_last_insert_id(at->db);
		json_object_set_new(detail, "sha256", json_string(sha));
		json_object_set_new(detail, "rows", json_integer(rows));
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)*ret_id);
		rc = audit_append(at->db, &at->ctx, strcmp(kind, "rolls") == 0 ? "refunds.rolls.import" : "refunds.list.import",
		                  "refund_import", id, at->area, detail);
	}
	json_decref(detail);
	return rc;
}

/* End an import's transaction: commit when rc is 0 (then *ret holds the import), roll back otherwise. */
static int import_finish(const struct import_place *at, int rc, int64_t import_id, int64_t rows,
                         struct import_result *ret)
{
	if (rc != 0) {
		db_rollback(at->db);
		return rc;
	}
	rc = db_commit(at->db);
	if (rc == 0) {
		ret->id = import_id;
		ret->rows = rows;
	}
	return rc;
}

/*
** Import the rolls of policy year `year`: all or nothing.  0 with *ret (also
** when the file was imported before: ret->already, nothing written); -EINVAL
** with ret->line and ret->why; or a database error.
*/
static int rolls_import(const struct import_place *at, int year, const char *csv, size_t len,
                        struct import_result *ret)
{
	char sha[65];
	struct roll_line *lines;
	size_t n;
	struct district_ctx districts = {.db = at->db, .area = at->area};
	*ret = (struct import_result){0};
	sha256_hex(csv, len, sha);
	if (refund_rolls_parse(at->arena, csv, len, year, district_lookup, &districts, &lines, &n, &ret->line,
	                       &ret->why) < 0)
		return -EINVAL;
	int rc = db_begin(at->db);
	if (rc < 0)
		return rc;
	if ((rc = import_find(at->db, "rolls", sha, ret)) < 0 || ret->already) {
		db_rollback(at->db);
		return rc;
	}
	int64_t import_id = 0;
	rc = import_record(at, "rolls", year, sha, (int64_t)n, json_pack("{s:i}", "year", year), &import_id);
	struct db_stmt *roll = NULL, *firm = NULL;
	if (rc == 0)
		rc = db_prepare(at->db, &roll,
		                "INSERT INTO refund_rolls(credit_code, month, insured, premiums_fen, arrears_fen, import_id)"
		                " VALUES (?,?,?,?,?,?) ON CONFLICT (credit_code, month) DO UPDATE SET"
		                " insured = excluded.insured, premiums_fen = excluded.premiums_fen,"
		                " arrears_fen = excluded.arrears_fen, import_id = excluded.import_id",
		                NULL);
	/* An enterprise's name, district, industry and size are those of its latest month on the rolls. */
	if (rc == 0)
		rc = db_prepare(at->db, &firm,
		                "INSERT INTO refund_enterprises(credit_code, name, district_org_id, industry, size, latest_month)"
		                " VALUES (?,?,?,?,?,?) ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name,"
		                " district_org_id = excluded.district_org_id, industry = excluded.industry,"
		                " size = excluded.size, latest_month = excluded.latest_month"
		                " WHERE excluded.latest_month >= refund_enterprises.latest_month",
		                NULL);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct roll_line *l = &lines[i];
		if (i == 0 || strcmp(lines[i - 1].credit_code, l->credit_code) != 0) {
			/* An enterprise's first line (sorted by code, then month) brings its latest, before its rolls. */
			const struct roll_line *latest = l;
			while (latest + 1 < lines + n && strcmp(latest[1].credit_code, l->credit_code) == 0)
				latest++;
			rc = db_rebind(firm, "ttitti", latest->credit_code, latest->name, latest->district_id,
			               latest->industry, refund_size_names[latest->size], (int64_t)latest->month);
			if (rc == 0 && (rc = db_step(firm)) == DB_DONE)
				rc = 0;
			ret->enterprises++;
		}
		if (rc == 0)
			rc = db_rebind(roll, "tiiiii", l->credit_code, (int64_t)l->month, (int64_t)l->insured,
			               l->premiums_fen, l->arrears_fen, import_id);
		if (rc == 0 && (rc = db_step(roll)) == DB_DONE)
			rc = 0;
	}
	db_finalize(roll);
	db_finalize(firm);
	return import_finish(at, rc, import_id, (int64_t)n, ret);
}

static const char *const list_header[] = {"统一社会信用代码", "企业名称"};

/* Import a list (default or difficulty): credit codes added to it.  As rolls_import(). */
static int list_import(const struct import_place *at, const char *list, const char *csv, size_t len,
                       struct import_result *ret)
{
	char sha[65];
	struct csv_reader c;
	char *f[3];
	int n, got;
	*ret = (struct import_result){0};
	sha256_hex(csv, len, sha);
	csv_init(&c, csv, len);
	if (csv_read(&c, at->arena, f, 3, &n) != 1 || n != 2 || strcmp(f[0], list_header[0]) ||
	    strcmp(f[1], list_header[1])) {
		ret->line = 1;
		ret->why = "第 1 行应为表头 统一社会信用代码,企业名称 (line 1 must be the header)";
		return -EINVAL;
	}
	int rc = db_begin(at->db);
	if (rc < 0)
		return rc;
	if ((rc = import_find(at->db, list, sha, ret)) < 0 || ret->already) {
		db_rollback(at->db);
		return rc;
	}
	int64_t import_id = 0, rows = 0;
	rc = import_record(at, list, 0, sha, 0, json_pack("{s:s}", "list", list), &import_id);
	while (rc == 0 && (got = csv_read(&c, at->arena, f, 3, &n)) != 0) {
		int err = got == 1 && n == 2 ? credit_code_validate(f[0]) : 0;
		if (got != 1 || n != 2 || err || !*f[1]) {
			ret->line = c.record_line;
			ret->why = err ? credit_code_strerror(err) : "每行应有统一社会信用代码和企业名称 (code and name on each line)";
			rc = -EINVAL;
			break;
		}
		rc = db_run(at->db,
		            "INSERT INTO refund_lists(list, credit_code, name, import_id) VALUES (?,?,?,?)"
		            " ON CONFLICT (list, credit_code) DO NOTHING",
		            "ttti", list, f[0], f[1], import_id);
		rows++;
	}
	if (rc == 0)
		rc = db_run(at->db, "UPDATE refund_imports SET rows = ? WHERE id = ?", "ii", rows, import_id);
	return import_finish(at, rc, import_id, rows, ret);
}

static struct import_place import_place_of(struct request *r)
{
	const char *area = request_area(r);
	int64_t org_id = r->who.org_id;
	db_query_int64(r->db, &org_id, "SELECT id FROM orgs WHERE path = ?", "t", area);
	return (struct import_place){.db = r->db, .arena = r->arena, .ctx = audit_context_of(r), .area_org_id = org_id,
	                             .area = area};
}

static void reply_import(struct request *r, int rc, const struct import_result *res)
{
	if (rc == -EINVAL) {
		if (res->line > 1)
			reply_error(r, 422, "bad_line", "csv", "第 %d 行: %s (line %d)", res->line, res->why, res->line);
		else
			reply_error(r, 422, "bad_header", "csv", "%s", res->why);
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	reply_json(r, 200,
	           json_pack("{s:I, s:I, s:I, s:b}", "import", (json_int_t)res->id, "rows", (json_int_t)res->rows,
	                     "enterprises", (json_int_t)res->enterprises, "already_imported", res->already));
}

/*
** ROUTE: POST /api/v1/refunds/rolls/import
** AUTH: department
** DUTY: refunds
** SUMMARY: 导入失业保险参保缴费台账 Import the unemployment-insurance rolls (CSV text)
** Body: {"year","csv"}: the header 统一社会信用代码,企业名称,县(市)区,行业,规模,
** 月份,参保人数,缴费(分),欠费(分) and a line per enterprise and month of the
** policy year.  All or nothing: the first bad line is named.  The same file
** again changes nothing (already_imported).  A district's bureau imports its
** district's enterprises only.
*/
void refunds_rolls_import(struct request *r)
{
	static const char *const fields[] = {"year", "csv", NULL};
	const char *csv;
	int64_t year;
	if (!body_only(r, fields) || !body_int64(r, "year", FIELD_REQUIRED, 2000, 2100, &year, NULL) ||
	    !body_string(r, "csv", FIELD_REQUIRED, 64 << 20, &csv))
		return;
	struct import_place at = import_place_of(r);
	struct import_result res;
	int rc = rolls_import(&at, (int)year, csv, strlen(csv), &res);
	reply_import(r, rc, &res);
}

/*
** ROUTE: POST /api/v1/refunds/lists/import
** AUTH: department
** DUTY: refunds
** SUMMARY: 导入严重失信或困难企业名单 Import the serious-default or certified-difficulty list
** Body: {"list": "default" | "difficulty", "csv"}: the header 统一社会信用代码,企业名称.
** Codes are added to the list; all or nothing; the same file again changes nothing.
** {"list": "accounts"}: the bank accounts on record (see accounts.c).
*/
void refunds_list_import(struct request *r)
{
	static const char *const fields[] = {"list", "csv", NULL};
	const char *list, *csv;
	if (!body_only(r, fields) || !body_string(r, "list", FIELD_REQUIRED, 16, &list) ||
	    !body_string(r, "csv", FIELD_REQUIRED, 16 << 20, &csv))
		return;
	if (strcmp(list, "accounts") == 0) {
		refunds_accounts_import(r, csv);
		return;
	}
	if (strcmp(list, "default") != 0 && strcmp(list, "difficulty") != 0) {
		reply_error(r, 422, "invalid_value", "list",
		            "名单应为 default、difficulty 或 accounts (list: default, difficulty or accounts)");
		return;
	}
	struct import_place at = import_place_of(r);
	struct import_result res;
	int rc = list_import(&at, list, csv, strlen(csv), &res);
	reply_import(r, rc, &res);
}

static json_t *import_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	char at[32];
	clock_format_iso(db_column_int64(s, 6), at);
	return json_pack("{s:I, s:s, s:o, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0), "kind",
	                 db_column_text(s, 1),
	                 "year", db_column_is_null(s, 2) ? json_null() : json_integer(db_column_int64(s, 2)), "sha256",
	                 db_column_text(s, 3), "rows", (json_int_t)db_column_int64(s, 4), "org", db_column_text(s, 5),
	                 "at", at, "actor", db_column_text(s, 7));
}

/*
** ROUTE: GET /api/v1/refunds/imports
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 台账与名单导入记录 Imports of the rolls and lists
** Each with its file's SHA-256, rows and who; those of the caller's branch of the tree.
*/
void refunds_imports_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 200, &limit, &cursor))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT i.id, i.kind, i.year, i.sha256, i.rows, o.code, i.at, i.actor FROM refund_imports i"
	                    " JOIN orgs o ON o.id = i.org_id WHERE i.id < ?1 AND " SQL_ON_BRANCH("o.path", "?2")
	                    " ORDER BY i.id DESC LIMIT ?3",
	                    "iti", cursor, request_area(r), limit);
	reply_rows(r, rc, s, import_row_json, limit);
}

/* ---- policies -------------------------------------------------------------- */

struct policy {
	int64_t id, version_id;
	int version;
	const char *code, *name, *org_path;
	struct refund_policy rules;
};

/*
** The policy of the route's {id} at version `version` (0: the latest), if the
** caller's area is on its branch (a district's bureau reads the city's), and,
** with `write`, inside its area.  Answers 404/403 itself.
*/
/* Policy id at version `version` (0: the latest): 0, DB_DONE when there is none, or a database error. */
static int policy_load(struct db *d, struct arena *a, int64_t id, int version, struct policy *ret)
{
	struct db_stmt *s;
	int rc = db_prepare(d, &s,
	                    "SELECT p.id, p.code, p.name, o.path, v.id, v.version, v.rules FROM refund_policies p"
	                    " JOIN orgs o ON o.id = p.org_id JOIN refund_policy_versions v ON v.policy_id = p.id"
	                    " WHERE p.id = ?1 AND (v.version = ?2 OR (?2 = 0 AND v.version ="
	                    " (SELECT max(version) FROM refund_policy_versions WHERE policy_id = p.id)))",
	                    "ii", id, (int64_t)version);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		*ret = (struct policy){.id = db_column_int64(s, 0),
		                       .code = arena_strdup(a, db_column_text(s, 1)),
		                       .name = arena_strdup(a, db_column_text(s, 2)),
		                       .org_path = arena_strdup(a, db_column_text(s, 3)),
		                       .version_id = db_column_int64(s, 4),
		                       .version = (int)db_column_int64(s, 5)};
		json_t *rules = json_loads(db_column_text(s, 6), 0, NULL);
		const char *field, *why;
		/* A stored version was checked when it was written. */
		rc = refund_policy_read(rules, &ret->rules, &field, &why) == 0 ? 0 : DB_ERROR;
		json_decref(rules);
	}
	db_finalize(s);
	return rc;
}

static bool policy_from_route(struct request *r, int version, bool write, struct policy *ret)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return false;
	int rc = policy_load(r->db, r->arena, id, version, ret);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	const char *area = request_area(r);
	if (rc == DB_DONE || !path_on_branch(ret->org_path, area)) {
		reply_error(r, 404, "unknown_policy", NULL, "政策或版本不存在 (no such policy or version)");
		return false;
	}
	if (write && !path_within(ret->org_path, area)) {
		reply_error(r, 403, "out_of_scope", NULL, "该政策不属于您的单位 (the policy is another area's)");
		return false;
	}
	return true;
}

/* The body's rules, checked: the JSON text to store, or NULL having answered 422. */
static const char *rules_from_body(struct request *r)
{
	json_t *rules = json_object_get(r->json, "rules");
	struct refund_policy p;
	const char *field, *why;
	if (refund_policy_read(rules, &p, &field, &why) < 0) {
		reply_error(r, 422, "invalid_rules", field, "%s", why);
		return NULL;
	}
	char *text = json_dumps(rules, JSON_SORT_KEYS | JSON_COMPACT);
	const char *kept = text ? arena_strdup(r->arena, text) : NULL;
	free(text);
	if (!kept)
		reply_error(r, 503, "busy", NULL, "内存不足 (out of memory)");
	return kept;
}

/* Write version `version` of a policy and audit it, inside the caller's transaction. */
static int version_insert(struct db *d, const struct audit_context *ctx, int64_t policy_id, int version,
                          const char *rules, const char *note, const char *org_path, const char *code)
{
	int rc = db_run(d,
	                "INSERT INTO refund_policy_versions(policy_id, version, rules, note, actor_id, actor, created_at)"
	                " VALUES (?,?,?,?,?,?,?)",
	                "iittrti", policy_id, (int64_t)version, rules, note, ctx->actor_id, ctx->actor, clock_now());
	if (rc == 0) {
		json_t *detail = json_pack("{s:i, s:o, s:s?}", "version", version, "rules", json_loads(rules, 0, NULL),
		                           "note", note);
		rc = audit_append(d, ctx, version == 1 ? "refunds.policy.create" : "refunds.policy.version",
		                  "refund_policy", code, org_path, detail);
		json_decref(detail);
	}
	return rc;
}

/* Create a policy of the area at org_path with its version 1, inside the caller's transaction. */
static int policy_insert(struct db *d, const struct audit_context *ctx, const char *code, const char *name,
                         const char *org_path, const char *rules, const char *note, int64_t *ret_id)
{
	int rc = db_run(d,
	                "INSERT INTO refund_policies(code, name, org_id, created_at) SELECT ?, ?, id, ? FROM orgs"
	                " WHERE path = ?",
	                "ttit", code, name, clock_now(), org_path);
	*ret_id = db_last_insert_id(d);
	return rc == 0 ? version_insert(d, ctx, *ret_id, 1, rules, note, org_path, code) : rc;
}

/*
** ROUTE: POST /api/v1/refunds/policies
** AUTH: department
** DUTY: refunds
** SUMMARY: 新建返还政策 Create a refund policy (its version 1)
** Body: {"code","name","rules","note"}; rules as in docs/api.md.  The policy
** belongs to the caller's bureau's area.
*/
void refunds_policy_create(struct request *r)
{
	static const char *const fields[] = {"code", "name", "rules", "note", NULL};
	const char *code, *name, *note, *rules;
	if (!body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 64, &code) ||
	    !body_string(r, "name", FIELD_REQUIRED, 200, &name) || !body_string(r, "note", FIELD_OPTIONAL, 500, &note) ||
	    !(rules = rules_from_body(r)))
		return;
	struct audit_context ctx = audit_context_of(r);
	int64_t id = 0;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = policy_insert(r->db, &ctx, code, name, request_area(r), rules, note, &id);
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "policy_code_taken", "code", "政策代码 %s 已存在 (policy code taken)", code);
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I, s:i}", "id", (json_int_t)id, "version", 1));
}

/*
** ROUTE: POST /api/v1/refunds/policies/{id}/versions
** AUTH: department
** DUTY: refunds
** SUMMARY: 修改返还政策(新版本) Edit a policy: a new version
** Body: {"rules","note"}.  Earlier versions stay as they were: a decision names the one it used.
*/
void refunds_policy_version(struct request *r)
{
	static const char *const fields[] = {"rules", "note", NULL};
	const char *note, *rules;
	struct policy p;
	if (!policy_from_route(r, 0, true, &p) || !body_only(r, fields) ||
	    !body_string(r, "note", FIELD_OPTIONAL, 500, &note) || !(rules = rules_from_body(r)))
		return;
	int rc = db_begin(r->db);
	int64_t latest = 0;
	if (rc == 0)
		rc = db_query_int64(r->db, &latest, "SELECT max(version) FROM refund_policy_versions WHERE policy_id = ?",
		                    "i", p.id);
	struct audit_context ctx = audit_context_of(r);
	if (rc == 0)
		rc = version_insert(r->db, &ctx, p.id, (int)latest + 1, rules, note, p.org_path, p.code);
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I, s:I}", "id", (json_int_t)p.id, "version", (json_int_t)latest + 1));
}

static json_t *policy_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:I}", "id", (json_int_t)db_column_int64(s, 0), "code",
	                 db_column_text(s, 1), "name", db_column_text(s, 2), "org", db_column_text(s, 3), "version",
	                 (json_int_t)db_column_int64(s, 4), "rules", json_loads(db_column_text(s, 5), 0, NULL), "batches",
	                 (json_int_t)db_column_int64(s, 6));
}

/*
** ROUTE: GET /api/v1/refunds/policies
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 返还政策 Refund policies, each at its latest version
** Those on the caller's branch of the tree (a district's bureau sees the city's too).
*/
void refunds_policies_list(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT p.id, p.code, p.name, o.code, v.version, v.rules,"
	                    " (SELECT count(*) FROM refund_batches b WHERE b.policy_id = p.id)"
	                    " FROM refund_policies p JOIN orgs o ON o.id = p.org_id"
	                    " JOIN refund_policy_versions v ON v.policy_id = p.id AND v.version ="
	                    " (SELECT max(version) FROM refund_policy_versions WHERE policy_id = p.id)"
	                    " WHERE " SQL_ON_BRANCH("o.path", "?1") " ORDER BY p.id DESC",
	                    "t", request_area(r));
	reply_rows(r, rc, s, policy_row_json, 0);
}

/* ---- deciding ------------------------------------------------------------- */

/* One enterprise as a run sees it. */
struct candidate {
	const char *credit_code, *name, *district_code;
	int64_t district_id;
	bool decided;  /* decided under this policy, and a run leaves it so: skipped */
	bool redecide; /* decided, not yet approved, and its rolls or lists changed its figures: decided again */
	bool recover;  /* paid, and its rolls changed so that it would now get less: to report for recovery */
	int64_t decision_id;
	const char *basis; /* what the decision rests on: the latest imports of its rolls and lists */
	struct refund_facts facts;
	struct refund_verdict verdict;
};

/* A decision's figures as stored (compact JSON), or NULL. */
static char *figures_text(const struct policy *p, const struct candidate *c)
{
	json_t *figures = refund_figures(&p->rules, &c->facts, &c->verdict);
	char *text = json_dumps(figures, JSON_COMPACT);
	json_decref(figures);
	return text;
}

/*
** An enterprise decided before: is it to be left, decided again, or reported
** for recovery?  Only when the imports it rests on changed since (basis) and
** its figures with them: a new file of the same numbers changes nothing.
*/
static void candidate_recheck(const struct policy *p, struct candidate *c, const char *state, const char *old_basis,
                              const char *old_figures, int64_t paid_fen)
{
	c->decided = true;
	if (!old_basis || strcmp(old_basis, c->basis) == 0)
		return;
	char *now = figures_text(p, c);
	bool changed = now && strcmp(now, old_figures) != 0;
	free(now);
	c->redecide = changed && strcmp(state, "decided") == 0;
	c->decided = !c->redecide;
	c->recover = changed && strcmp(state, "paid") == 0 && c->verdict.amount_fen < paid_fen;
}

/*
** Decide every enterprise on the rolls in the policy's area and within
** `scope` (a path prefix), in credit-code order, calling each(ctx, c).
** Returns 0 or the first error (each's or the database's).
*/
static int policy_evaluate(struct db *d, const struct policy *p, const char *scope,
                           int (*each)(void *ctx, const struct candidate *c), void *ctx)
{
	const struct refund_policy *rules = &p->rules;
	int64_t last_year = rules->year - 1;
	struct db_stmt *s;
	int rc = db_prepare(
	    d, &s,
	    "SELECT e.credit_code, e.name, e.size, e.district_org_id, o.code,"
	    " sum(CASE WHEN r.month = ?1 THEN 1 ELSE 0 END), sum(CASE WHEN r.month = ?1 THEN r.insured ELSE 0 END),"
	    " sum(CASE WHEN r.month = ?2 THEN 1 ELSE 0 END), sum(CASE WHEN r.month = ?2 THEN r.insured ELSE 0 END),"
	    " sum(CASE WHEN r.month BETWEEN ?3 AND ?4 THEN r.premiums_fen ELSE 0 END),"
	    " sum(CASE WHEN r.month BETWEEN ?5 AND ?6 THEN r.arrears_fen ELSE 0 END),"
	    " EXISTS (SELECT 1 FROM refund_lists l WHERE l.list = 'default' AND l.credit_code = e.credit_code),"
	    " EXISTS (SELECT 1 FROM refund_lists l WHERE l.list = 'difficulty' AND l.credit_code = e.credit_code),"
	    " x.id, x.state, x.basis, x.figures, x.amount_fen, 'rolls:' || CAST(coalesce(max(r.import_id), 0) AS TEXT)"
	    " || ';lists:' || CAST(coalesce((SELECT max(l.import_id) FROM refund_lists l"
	    " WHERE l.credit_code = e.credit_code), 0) AS TEXT)"
	    " FROM refund_enterprises e JOIN orgs o ON o.id = e.district_org_id"
	    " LEFT JOIN refund_rolls r ON r.credit_code = e.credit_code"
	    " LEFT JOIN refund_decisions x ON x.policy_id = ?7 AND x.credit_code = e.credit_code"
	    " WHERE substr(o.path, 1, length(?8)) = ?8 AND substr(o.path, 1, length(?9)) = ?9"
	    " GROUP BY e.credit_code, e.name, e.size, e.district_org_id, o.code, x.id, x.state, x.basis, x.figures,"
	    " x.amount_fen ORDER BY o.code, e.credit_code",
	    "iiiiiiitt", (int64_t)rules->start_month, (int64_t)rules->end_month, last_year * 100 + 1,
	    last_year * 100 + 12, (int64_t)rules->year * 100 + 1, (int64_t)rules->arrears_month, p->id, p->org_path,
	    scope);
	while (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		struct candidate c = {.credit_code = db_column_text(s, 0),
		                      .name = db_column_text(s, 1),
		                      .district_id = db_column_int64(s, 3),
		                      .district_code = db_column_text(s, 4),
		                      .decision_id = db_column_int64(s, 13),
		                      .basis = db_column_text(s, 18)};
		const char *size = db_column_text(s, 2);
		for (int i = 0; i < SIZE_COUNT; i++)
			if (strcmp(size, refund_size_names[i]) == 0)
				c.facts.size = (enum refund_size)i;
		c.facts.has_start = db_column_int64(s, 5) > 0;
		c.facts.insured_start = db_column_int64(s, 6);
		c.facts.has_end = db_column_int64(s, 7) > 0;
		c.facts.insured_end = db_column_int64(s, 8);
		c.facts.premiums_last_year_fen = db_column_int64(s, 9);
		c.facts.arrears_fen = db_column_int64(s, 10);
		c.facts.on_default_list = db_column_int64(s, 11) != 0;
		c.facts.difficulty_certified = db_column_int64(s, 12) != 0;
		refund_decide(rules, &c.facts, &c.verdict);
		if (c.decision_id)
			candidate_recheck(p, &c, db_column_text(s, 14), db_column_text(s, 15), db_column_text(s, 16),
			                  db_column_int64(s, 17));
		rc = each(ctx, &c);
	}
	db_finalize(s);
	return rc == DB_DONE ? 0 : rc;
}

/* A dry run's totals, per district in the order first met. */
struct tally {
	json_t *districts; /* object: district code -> {enterprises, people, amount_fen, refused} */
	int64_t enterprises, people, amount_fen, refused, skipped;
};

static int tally_add(void *p, const struct candidate *c)
{
	struct tally *t = p;
	if (c->decided) {
		t->skipped++;
		return 0;
	}
	json_t *d = json_object_get(t->districts, c->district_code);
	if (!d) {
		d = json_pack("{s:s, s:I, s:I, s:I, s:I}", "district", c->district_code, "enterprises", (json_int_t)0,
		              "people", (json_int_t)0, "amount_fen", (json_int_t)0, "refused", (json_int_t)0);
		json_object_set_new(t->districts, c->district_code, d);
	}
	const char *key[] = {"enterprises", "people", "amount_fen", "refused"};
	int64_t add[] = {c->verdict.eligible, c->verdict.eligible ? c->facts.insured_end : 0, c->verdict.amount_fen,
	                 !c->verdict.eligible};
	for (int i = 0; i < 4; i++)
		json_object_set_new(d, key[i], json_integer(json_integer_value(json_object_get(d, key[i])) + add[i]));
	t->enterprises += add[0];
	t->people += add[1];
	t->amount_fen += add[2];
	t->refused += add[3];
	return 0;
}

/* The version the query names (?version=N), or 0 for the latest; false having answered 422. */
static bool version_arg(struct request *r, const char *text, int *ret)
{
	char *end;
	long v = text ? strtol(text, &end, 10) : 0;
	if (text && (*end || !*text || v < 1 || v > 1000000)) {
		reply_error(r, 422, "invalid_value", "version", "版本号无效 (invalid version)");
		return false;
	}
	*ret = (int)v;
	return true;
}

/*
** ROUTE: GET /api/v1/refunds/policies/{id}/dry-run
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 试算返还政策 Try a policy on the rolls without deciding
** ?version=N (default the latest).  What a run would add now: enterprises,
** insured people and fen, by district, with those refused and those already
** decided (skipped).  Writes nothing.  Within the caller's area.
*/
void refunds_policy_dry_run(struct request *r)
{
	int version;
	struct policy p;
	if (!version_arg(r, query_arg(r, "version"), &version) || !policy_from_route(r, version, false, &p))
		return;
	struct tally t = {.districts = json_object()};
	int rc = policy_evaluate(r->db, &p, request_area(r), tally_add, &t);
	if (rc < 0) {
		json_decref(t.districts);
		reply_db_error(r, rc);
		return;
	}
	json_t *list = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(t.districts, key, v)
	{
		json_array_append(list, v);
	}
	json_decref(t.districts);
	reply_json(r, 200,
	           json_pack("{s:I, s:i, s:I, s:I, s:I, s:I, s:I, s:o}", "policy", (json_int_t)p.id, "version", p.version,
	                     "enterprises", (json_int_t)t.enterprises, "people", (json_int_t)t.people, "amount_fen",
	                     (json_int_t)t.amount_fen, "refused", (json_int_t)t.refused, "skipped", (json_int_t)t.skipped,
	                     "districts", list));
}

struct run {
	struct db *db;
	struct db_stmt *insert, *keep, *redo;
	struct policy *policy;
	int64_t batch_id, fresh, redecided;
	json_t *recover; /* ids of paid decisions whose rolls now give less */
	struct tally t;
};

static int run_decide(void *p, const struct candidate *c)
{
	struct run *run = p;
	if (c->recover)
		json_array_append_new(run->recover, json_integer(c->decision_id));
	if (c->decided) {
		run->t.skipped++;
		return 0;
	}
	char *text = figures_text(run->policy, c);
	if (!text)
		return DB_ERROR;
	int64_t people = c->verdict.eligible ? c->facts.insured_end : 0;
	int rc;
	if (c->redecide) {
		/* Still one decision per enterprise and policy: decided again in place, the earlier one kept in history. */
		rc = db_rebind(run->keep, "iii", run->batch_id, clock_now(), c->decision_id);
		if (rc == 0 && (rc = db_step(run->keep)) == DB_DONE)
			rc = db_rebind(run->redo, "iiiiiittti", run->batch_id, run->policy->version_id, c->district_id,
			               (int64_t)c->verdict.eligible, people, c->verdict.amount_fen, c->verdict.reason, text,
			               c->basis, c->decision_id);
		if (rc == 0 && (rc = db_step(run->redo)) == DB_DONE)
			rc = 0;
		run->redecided++;
	} else {
		rc = db_rebind(run->insert, "iiitiiiittt", run->batch_id, run->policy->id, run->policy->version_id,
		               c->credit_code, c->district_id, (int64_t)c->verdict.eligible, people, c->verdict.amount_fen,
		               c->verdict.reason, text, c->basis);
		if (rc == 0 && (rc = db_step(run->insert)) == DB_DONE)
			rc = 0;
		run->fresh++;
	}
	free(text);
	run->t.enterprises += c->verdict.eligible;
	run->t.people += c->verdict.eligible ? c->facts.insured_end : 0;
	run->t.amount_fen += c->verdict.amount_fen;
	run->t.refused += !c->verdict.eligible;
	return rc;
}

/*
** Decide a batch of policy p as ctx, in one transaction begun here and left
** open: 0 with the batch's answer in *ret_answer (the caller commits), or an
** error (the caller rolls back; *ret_answer may still need freeing).
*/
static int batch_decide(struct db *d, const struct audit_context *ctx, struct policy *p, json_t **ret_answer)
{
	struct run run = {.db = d, .policy = p, .recover = json_array()};
	int64_t number = 0;
	int rc = db_begin(d);
	if (rc == 0)
		rc = db_query_int64(d, &number, "SELECT count(*) + 1 FROM refund_batches WHERE policy_id = ?", "i", p->id);
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO refund_batches(policy_id, policy_version_id, number, decided, eligible, people,"
		            " amount_fen, skipped, actor_id, actor, at) VALUES (?,?,?,0,0,0,0,0,?,?,?)",
		            "iiirti", p->id, p->version_id, number, ctx->actor_id, ctx->actor, clock_now());
	run.batch_id = db_last_insert_id(d);
	if (rc == 0)
		rc = db_prepare(d, &run.insert,
		                "INSERT INTO refund_decisions(batch_id, policy_id, policy_version_id, credit_code,"
		                " district_org_id, eligible, people, amount_fen, reason, figures, basis)"
		                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		                NULL);
	if (rc == 0)
		rc = db_prepare(d, &run.keep,
		                "INSERT INTO refund_decision_history(decision_id, batch_id, policy_version_id, eligible, people,"
		                " amount_fen, reason, figures, basis, replaced_by_batch, replaced_at) SELECT id, batch_id,"
		                " policy_version_id, eligible, people, amount_fen, reason, figures, basis, ?, ?"
		                " FROM refund_decisions WHERE id = ?",
		                NULL);
	if (rc == 0)
		rc = db_prepare(d, &run.redo,
		                "UPDATE refund_decisions SET batch_id = ?, policy_version_id = ?, district_org_id = ?,"
		                " eligible = ?, people = ?, amount_fen = ?, reason = ?, figures = ?, basis = ?"
		                " WHERE id = ? AND state = 'decided'",
		                NULL);
	if (rc == 0)
		rc = policy_evaluate(d, p, p->org_path, run_decide, &run);
	db_finalize(run.insert);
	db_finalize(run.keep);
	db_finalize(run.redo);
	struct tally *t = &run.t;
	int64_t decided = t->enterprises + t->refused;
	if (rc == 0)
		rc = db_run(d,
		            "UPDATE refund_batches SET decided = ?, eligible = ?, people = ?, amount_fen = ?, skipped = ?"
		            " WHERE id = ?",
		            "iiiiii", decided, t->enterprises, t->people, t->amount_fen, t->skipped, run.batch_id);
	json_t *answer = json_pack("{s:I, s:I, s:I, s:i, s:I, s:I, s:I, s:I, s:I}", "id", (json_int_t)run.batch_id,
	                           "number", (json_int_t)number, "policy", (json_int_t)p->id, "version", p->version,
	                           "decided", (json_int_t)decided, "eligible", (json_int_t)t->enterprises, "people",
	                           (json_int_t)t->people, "amount_fen", (json_int_t)t->amount_fen, "skipped",
	                           (json_int_t)t->skipped);
	json_object_set_new(answer, "new", json_integer(run.fresh));
	json_object_set_new(answer, "redecided", json_integer(run.redecided));
	json_object_set_new(answer, "recovery", run.recover);
	if (rc == 0) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)run.batch_id);
		rc = audit_append(d, ctx, "refunds.batch.run", "refund_batch", id, p->org_path, answer);
	}
	*ret_answer = answer;
	return rc;
}


/* The same for the demo and the shell: policy_id's latest version. */
int refunds_run_policy(struct db *d, struct arena *a, const struct audit_context *ctx, int64_t policy_id,
                       int64_t *ret_batch)
{
	struct policy p;
	json_t *answer = NULL;
	int rc = policy_load(d, a, policy_id, 0, &p);
	if (rc == 0) {
		rc = batch_decide(d, ctx, &p, &answer);
		if (rc == 0 && (rc = db_commit(d)) == 0)
			*ret_batch = json_integer_value(json_object_get(answer, "id"));
		else
			db_rollback(d);
	}
	json_decref(answer);
	return rc == DB_DONE ? DB_ERROR : rc;
}

/*
** ROUTE: POST /api/v1/refunds/policies/{id}/batches
** AUTH: department
** DUTY: refunds
** SUMMARY: 运行返还政策(生成一批决定) Run a policy: decide a batch (第N批)
** Body: {"version"} (optional; default the latest).  Decides every enterprise
** on the rolls in the policy's area not yet decided under this policy (new),
** and again those whose rolls or lists changed their figures while their
** decision is still decided, not approved (redecided: in place, the earlier
** one kept in refund_decision_history); one decision each with its reason
** and figures; says how many were skipped, and lists in "recovery" the paid
** decisions whose rolls now give less (never paid twice: for recovery).
** The policy must be the caller's area's.  Runs in one transaction.
*/
void refunds_batch_run(struct request *r)
{
	static const char *const fields[] = {"version", NULL};
	int64_t version = 0;
	struct policy p;
	if (!body_only(r, fields) || !body_int64(r, "version", FIELD_OPTIONAL, 1, 1000000, &version, NULL) ||
	    !policy_from_route(r, (int)version, true, &p))
		return;
	struct audit_context ctx = audit_context_of(r);
	json_t *answer = NULL;
	int rc = batch_decide(r->db, &ctx, &p, &answer);
	if (!db_finish_or_reply(r, rc)) {
		json_decref(answer);
		return;
	}
	reply_json(r, 201, answer);
}

static json_t *decision_row_json(struct request *r, struct db_stmt *s)
{
	char today[11];
	life_today(today);
	const char *state = db_column_text(s, 12);
	bool in_window = refund_in_window(db_column_text(s, 13), db_column_text(s, 14), today);
	return json_pack("{s:I, s:I, s:I, s:i, s:s, s:s, s:s, s:b, s:I, s:I, s:s, s:o, s:s, s:s, s:s?, s:o}", "id",
	                 (json_int_t)db_column_int64(s, 0), "batch", (json_int_t)db_column_int64(s, 1), "policy",
	                 (json_int_t)db_column_int64(s, 2), "version", (int)db_column_int64(s, 3), "credit_code",
	                 db_column_text(s, 4), "name", db_column_text(s, 5), "district", db_column_text(s, 6),
	                 "eligible", db_column_int64(s, 7) != 0, "people", (json_int_t)db_column_int64(s, 8), "amount_fen",
	                 (json_int_t)db_column_int64(s, 9), "reason", db_column_text(s, 10), "figures",
	                 json_loads(db_column_text(s, 11), 0, NULL), "state", state, "state_label",
	                 refund_decision_label(state, in_window), "withdrawn_reason", db_column_text(s, 15), "payment",
	                 life_payment_json(r->db, db_column_int64(s, 0)));
}

#define DECISION_SELECT                                                                                                \
	"SELECT d.id, d.batch_id, d.policy_id, v.version, d.credit_code, e.name, o.code, d.eligible, d.people,"        \
	" d.amount_fen, d.reason, d.figures, d.state, b.publicity_start, b.publicity_end, d.withdrawn_reason"        \
	" FROM refund_decisions d JOIN refund_batches b ON b.id = d.batch_id"                                          \
	" JOIN refund_policy_versions v ON v.id = d.policy_version_id"                                                 \
	" JOIN refund_enterprises e ON e.credit_code = d.credit_code JOIN orgs o ON o.id = d.district_org_id"

/*
** ROUTE: GET /api/v1/refunds/batches/{id}/decisions
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 一批的返还决定 The decisions of a batch
** ?eligible=1|0, ?limit, ?cursor.  Only enterprises of the caller's area (a
** district's bureau or leader sees its district's), newest first; each with
** its reason and the figures it used.
*/
void refunds_batch_decisions(struct request *r)
{
	int64_t id, limit, cursor;
	const char *eligible = query_arg(r, "eligible");
	if (!route_param_id(r, "id", &id) || !page_args(r, 100, 1000, &limit, &cursor))
		return;
	if (eligible && strcmp(eligible, "0") != 0 && strcmp(eligible, "1") != 0) {
		reply_error(r, 422, "invalid_query", "eligible", "eligible 应为 0 或 1 (eligible: 0 or 1)");
		return;
	}
	const char *area = request_area(r);
	int64_t visible = 0;
	int rc = db_query_int64(r->db, &visible,
	                        "SELECT count(*) FROM refund_batches b JOIN refund_policies p ON p.id = b.policy_id"
	                        " JOIN orgs o ON o.id = p.org_id WHERE b.id = ?1 AND " SQL_ON_BRANCH("o.path", "?2"),
	                        "it", id, area);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!visible) {
		reply_error(r, 404, "unknown_batch", NULL, "批次不存在 (no such batch)");
		return;
	}
	struct db_stmt *s;
	rc = db_prepare(r->db, &s,
	                DECISION_SELECT " WHERE d.batch_id = ?1 AND d.id < ?2 AND substr(o.path, 1, length(?3)) = ?3"
	                                " AND (?4 < 0 OR d.eligible = ?4) ORDER BY d.id DESC LIMIT ?5",
	                "iitii", id, cursor, area, (int64_t)(eligible ? atoi(eligible) : -1), limit);
	reply_rows(r, rc, s, decision_row_json, limit);
}

/*
** ROUTE: GET /api/v1/refunds/mine
** AUTH: enterprise
** SUMMARY: 本企业的返还决定 The refund decisions about my enterprise
** Every decision about the enterprises the account acts for: eligible or
** not, why, the figures, the amount, its state and payment; and "accounts":
** each enterprise's bank account on record and any pending correction.
*/
void refunds_mine(struct request *r)
{
	struct db_stmt *s;
	json_t *o = json_object();
	int rc = db_prepare(r->db, &s,
	                    DECISION_SELECT " WHERE d.credit_code IN (SELECT x.credit_code FROM enterprises x"
	                                    " JOIN enterprise_users u ON u.enterprise_id = x.id WHERE u.user_id = ?)"
	                                    " ORDER BY d.id DESC",
	                    "i", r->who.user_id);
	rc = rows_into(r, o, "items", rc, s, decision_row_json);
	if (rc == 0)
		rc = refunds_mine_accounts(r, o);
	reply_json_or_db_error(r, rc, o);
}

/* ---- demo data ---------------------------------------------------------------- */

/* The demo's two 2020 policies: difficulty (six months of the 1,290 元 benefit a person) and small enterprises. */
#define DEMO_RULES(difficulty, amount)                                                                                 \
	"{\"year\":2020,\"start_month\":\"2020-01\",\"end_month\":\"2020-06\",\"arrears_month\":\"2020-06\","      \
	"\"rate_bp\":550,\"small_rate_bp\":2000,\"small_headcount\":30,\"exclude_default\":true,"                  \
	"\"require_difficulty\":" difficulty "," amount ",\"cap_fen\":0,\"rounding\":\"half_up\"}"

/* Append one enterprise's lines of the rolls (2019: twelve months; 2020: January to June). */
static void demo_firm(char **csv, size_t *len, int year, const char *code, const char *name, const char *district,
                      const char *industry, int size, int start, int end, int arrears_month)
{
	static const char *const sizes[] = {"大型", "中型", "小型", "微型"};
	int months = year == 2019 ? 12 : 6;
	for (int m = 1; m <= months; m++) {
		int insured = year == 2019 ? start : start - (start - end) * (m - 1) / 5;
		char line[400];
		int n = snprintf(line, sizeof line, "%s,%s,%s,%s,%s,%d-%02d,%d,%lld,%d\n", code, name, district, industry,
		                 sizes[size], year, m, insured, (long long)insured * 4650, m == arrears_month ? 120000 : 0);
		char *grown = realloc(*csv, *len + (size_t)n + 1);
		if (!grown)
			return;
		memcpy(grown + *len, line, (size_t)n + 1);
		*csv = grown;
		*len += (size_t)n;
	}
}

/*
** The demo's rolls: 390 enterprises in every district, some laying off more
** than the threshold, some in arrears or on the serious-default list, most
** small ones certified in difficulty; and the two 2020 policies, for the
** bureau (city-rsj) to try and run.  Deterministic, and quick.
*/
static int refunds_demo(const char *db_path)
{
	static const char *const districts[] = {"350102", "350103", "350104", "350105", "350111", "350112", "350121",
	                                        "350122", "350123", "350124", "350125", "350128", "350181"};
	static const char *const industries[] = {"制造", "批发零售", "住宿餐饮", "软件信息", "建筑", "交通运输"};
	static const char header[] = "统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n";
	struct db *d = NULL;
	struct arena *a = arena_new();
	char *rolls[2] = {strdup(header), strdup(header)}, *lists[2] = {strdup("统一社会信用代码,企业名称\n"),
	                                                              strdup("统一社会信用代码,企业名称\n")};
	size_t len[2] = {sizeof header - 1, sizeof header - 1}, list_len[2];
	list_len[0] = list_len[1] = strlen(lists[0]);
	int rc = a && rolls[0] && rolls[1] && lists[0] && lists[1] ? db_open(db_path, &d) : -1;
	uint32_t seed = 2020;
	for (int i = 0; rc == 0 && i < 390; i++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t rnd = seed >> 8;
		const char *district = districts[i % 13];
		int size = i % 20 == 0 ? 0 : i % 20 < 4 ? 1 : i % 2 ? 2 : 3;
		static const int low[] = {300, 60, 11, 3}, span[] = {900, 240, 50, 8};
		int start = low[size] + (int)(rnd % (uint32_t)span[size]);
		int laid_off = (int)((rnd >> 12) % 100) < 85 ? start * (int)(rnd % 5) / 100 : start / 4;
		char code[CREDIT_CODE_LEN + 1], name[96], line[160];
		snprintf(code, sizeof code, "91%sMA2RF%04d", district, i);
		code[17] = credit_code_check_char(code);
		code[18] = 0;
		snprintf(name, sizeof name, "福州榕%03d%s有限公司", i, industries[i % 6]);
		int arrears = i % 29 == 0 ? 3 : 0;
		demo_firm(&rolls[0], &len[0], 2019, code, name, district, industries[i % 6], size, start, start, 0);
		demo_firm(&rolls[1], &len[1], 2020, code, name, district, industries[i % 6], size, start, start - laid_off,
		          arrears);
		for (int l = 0; l < 2; l++) {
			bool listed = l == 0 ? i % 47 == 0 : size >= 2 && i % 5 != 0;
			int n = snprintf(line, sizeof line, "%s,%s\n", code, name);
			char *grown = listed ? realloc(lists[l], list_len[l] + (size_t)n + 1) : lists[l];
			if (listed && grown) {
				memcpy(grown + list_len[l], line, (size_t)n + 1);
				lists[l] = grown;
				list_len[l] += (size_t)n;
			}
		}
	}
	struct import_place at = {.db = d, .arena = a, .ctx = audit_context_shell(), .area = "/"};
	at.ctx.actor = "demo";
	struct import_result res;
	if (rc == 0)
		rc = db_query_int64(d, &at.area_org_id, "SELECT id FROM orgs WHERE parent_id IS NULL", NULL);
	if (rc == 0)
		rc = rolls_import(&at, 2019, rolls[0], len[0], &res);
	if (rc == 0)
		rc = rolls_import(&at, 2020, rolls[1], len[1], &res);
	if (rc == 0)
		rc = list_import(&at, "default", lists[0], list_len[0], &res);
	if (rc == 0)
		rc = list_import(&at, "difficulty", lists[1], list_len[1], &res);
	int64_t id;
	bool begun = rc == 0 && (rc = db_begin(d)) == 0;
	if (rc == 0)
		rc = policy_insert(d, &at.ctx, "2020-difficulty", "2020年困难企业稳岗返还", "/350100/",
		                   DEMO_RULES("true", "\"amount\":\"benefit\",\"benefit_months\":6,\"benefit_fen\":129000"),
		                   "六个月当地失业保险金标准", &id);
	if (rc == 0)
		rc = policy_insert(d, &at.ctx, "2020-sme", "2020年中小微企业稳岗返还", "/350100/",
		                   DEMO_RULES("false", "\"amount\":\"premium_share\",\"share_bp\":{\"large\":5000,"
		                                       "\"medium\":5000,\"small\":10000,\"micro\":10000}"),
		                   "上年度失业保险费:大型 50%,中小微 100%", &id);
	if (rc == 0)
		rc = db_commit(d);
	else if (begun)
		db_rollback(d);
	rc = rc == 0 ? refunds_demo_lifecycle(d) : rc;
	for (int l = 0; l < 2; l++) {
		free(rolls[l]);
		free(lists[l]);
	}
	db_close(d);
	arena_free(a);
	return rc < 0 ? -1 : 0;
}

/*
** SERVICE: refunds
** SUMMARY: 稳岗返还演示数据 The refunds' demo data (nothing runs beside the server)
*/
int refunds_service(enum service_phase phase, const char *db_path)
{
	return phase == SERVICE_DEMO ? refunds_demo(db_path) : 0;
}

/* ---- the command ------------------------------------------------------------ */

static char *file_read(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *text = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long size = ftell(f);
		if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)))
			*ret_len = fread(text, 1, (size_t)size, f);
	}
	fclose(f);
	return text;
}

/*
** COMMAND: refunds
** USAGE: banyan refunds import (--year YEAR | --list default|difficulty) [--db PATH] [--audit-key FILE] FILE.csv
** SUMMARY: 稳岗返还:导入参保台账或名单 Refunds: import the insurance rolls or a list
** import --year YEAR FILE.csv   the rolls of policy year YEAR (the header of
**                               POST /api/v1/refunds/rolls/import), for the whole city
** import --list default FILE    the serious-default (严重失信) list, or --list difficulty
**                               the certified-difficulty (困难企业) list
** All or nothing: the first bad line is named.  The same file twice changes nothing.
*/
int cmd_refunds(int argc, char **argv)
{
	const char *db_opt = NULL, *key_opt = NULL, *year_opt = NULL, *list = NULL, *words[2];
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL},     {"audit-key", &key_opt, NULL}, {"year", &year_opt, NULL},
	                         {"list", &list, NULL},     {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 2, &n))
		return EXIT_USAGE;
	int year = year_opt ? atoi(year_opt) : 0;
	if (n != 2 || strcmp(words[0], "import") != 0 || !year_opt == !list || (year_opt && (year < 2000 || year > 2100)) ||
	    (list && strcmp(list, "default") != 0 && strcmp(list, "difficulty") != 0)) {
		fprintf(stderr, "usage: banyan refunds import (--year YEAR | --list default|difficulty) [--db PATH] FILE.csv\n");
		return EXIT_USAGE;
	}
	size_t len = 0;
	char *csv = file_read(words[1], &len);
	if (!csv) {
		fprintf(stderr, "banyan refunds import: cannot read %s\n", words[1]);
		return 1;
	}
	struct db *d = NULL;
	struct arena *a = arena_new();
	const char *db_path = cli_db_path(db_opt);
	if (!a || audit_key_load(key_opt, db_path) < 0 || org_init_database(db_path, &d) < 0) {
		fprintf(stderr, "banyan refunds import: cannot open the database\n");
		free(csv);
		arena_free(a);
		return 1;
	}
	struct import_place at = {.db = d, .arena = a, .ctx = audit_context_shell(), .area = "/"};
	db_query_int64(d, &at.area_org_id, "SELECT id FROM orgs WHERE parent_id IS NULL", NULL);
	struct import_result res;
	int rc = year_opt ? rolls_import(&at, year, csv, len, &res) : list_import(&at, list, csv, len, &res);
	if (rc == -EINVAL)
		fprintf(stderr, "banyan refunds import: 第 %d 行: %s (line %d)\n", res.line, res.why, res.line);
	else if (rc < 0)
		fprintf(stderr, "banyan refunds import: %s\n", db_errmsg(d));
	else if (res.already)
		printf("already imported (import %lld, %lld rows): nothing changed\n", (long long)res.id, (long long)res.rows);
	else
		printf("imported: %lld rows, %lld enterprises (import %lld)\n", (long long)res.rows,
		       (long long)res.enterprises, (long long)res.id);
	free(csv);
	db_close(d);
	arena_free(a);
	return rc < 0 ? 1 : 0;
}
