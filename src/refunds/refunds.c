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
#include "core/calendar.h"
#include "core/clock.h"
#include "core/csv.h"
#include "org/org.h"
#include "refunds/internal.h"
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

/*
** Record an import inside the caller's transaction.  Its file's SHA-256 and
** rows are those of import_seal(): a streamed file's hash is known at its end.
*/
static int import_record(const struct import_place *at, const char *kind, int year, int64_t *ret_id)
{
	int rc = db_run(at->db,
	                "INSERT INTO refund_imports(kind, year, sha256, rows, org_id, actor_id, actor, at)"
	                " VALUES (?,?,'',0,?,?,?,?)",
	                "trirti", kind, (int64_t)year, at->area_org_id, at->ctx.actor_id, at->ctx.actor, clock_now());
	*ret_id = db_last_insert_id(at->db);
	return rc;
}

/* Set an import's SHA-256 and rows and audit it, inside its transaction; detail is stolen. */
static int import_seal(const struct import_place *at, const char *kind, int64_t id, const char *sha, int64_t rows,
                       json_t *detail)
{
	int rc = db_run(at->db, "UPDATE refund_imports SET sha256 = ?, rows = ? WHERE id = ?", "tii", sha, rows, id);
	if (rc == 0) {
		json_object_set_new(detail, "sha256", json_string(sha));
		json_object_set_new(detail, "rows", json_integer(rows));
		char text[24];
		snprintf(text, sizeof text, "%lld", (long long)id);
		rc = audit_append(at->db, &at->ctx, strcmp(kind, "rolls") == 0 ? "refunds.rolls.import" : "refunds.list.import",
		                  "refund_import", text, at->area, detail);
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
** The lines of one enterprise read one after another (a file lists an
** enterprise's months together): its particulars as of the latest of them,
** and their figures, written at once when the next enterprise begins.  At
** most twelve: a thirteenth would repeat a month.
*/
struct firm_run {
	char credit_code[CREDIT_CODE_LEN + 1], name[256], industry[128];
	int64_t district_id;
	enum refund_size size;
	int32_t latest;
	uint16_t months; /* bit m: month m of the year is among the lines */
	int n;
	struct {
		int32_t month, insured;
		int64_t premiums_fen, arrears_fen;
		int line;
	} lines[12];
};

/* The import's statements, and its counts. */
struct rolls_import {
	struct db *db;
	struct db_stmt *roll, *firm, *seen;
	int64_t import_id, rows, enterprises;
	int line; /* of a repeated (enterprise, month) */
};

/*
** Write a run: the enterprise first (its rolls refer to it; its name,
** district, industry and size are those of its latest month on file), then
** its months.  A month whose row already carries this import's id repeats
** one of the file's lines further up: -EINVAL with im->line.
*/
static int run_write(struct rolls_import *im, const struct firm_run *r)
{
	if (r->n == 0)
		return 0;
	int rc = db_rebind(im->firm, "ttitti", r->credit_code, r->name, r->district_id, r->industry,
	                   refund_size_names[r->size], (int64_t)r->latest);
	if (rc == 0 && (rc = db_step(im->firm)) == DB_DONE)
		rc = 0;
	/* An enterprise met again further down the file was counted the first time. */
	if (rc == 0)
		rc = db_rebind(im->seen, "ti", r->credit_code, im->import_id);
	if (rc == 0 && (rc = db_step(im->seen)) == DB_ROW) {
		im->enterprises += db_column_int64(im->seen, 0) == 0;
		rc = 0;
	}
	for (int i = 0; rc == 0 && i < r->n; i++) {
		rc = db_rebind(im->roll, "tiiiii", r->credit_code, (int64_t)r->lines[i].month, (int64_t)r->lines[i].insured,
		               r->lines[i].premiums_fen, r->lines[i].arrears_fen, im->import_id);
		if (rc == 0 && (rc = db_step(im->roll)) == DB_DONE)
			rc = 0;
		if (rc == 0 && db_changes(im->db) == 0) {
			im->line = r->lines[i].line;
			rc = -EINVAL;
		}
		im->rows++;
	}
	return rc;
}

/* Add a line to the run (of its enterprise): -EINVAL when it repeats a month of the run. */
static int run_add(struct firm_run *r, const struct roll_line *l)
{
	uint16_t bit = (uint16_t)(1u << (l->month % 100 - 1));
	if (r->months & bit)
		return -EINVAL;
	r->months |= bit;
	if (r->n == 0 || l->month > r->latest) {
		memcpy(r->credit_code, l->credit_code, sizeof r->credit_code);
		snprintf(r->name, sizeof r->name, "%s", l->name); /* the reader allows 200 bytes */
		snprintf(r->industry, sizeof r->industry, "%s", l->industry);
		r->district_id = l->district_id;
		r->size = l->size;
		r->latest = l->month;
	}
	r->lines[r->n].month = l->month;
	r->lines[r->n].insured = l->insured;
	r->lines[r->n].premiums_fen = l->premiums_fen;
	r->lines[r->n].arrears_fen = l->arrears_fen;
	r->lines[r->n++].line = l->line;
	return 0;
}

static void sha256_seen(void *state, const char *bytes, size_t len)
{
	crypto_hash_sha256_update(state, (const unsigned char *)bytes, len);
}

static const char repeated[] = "同一企业同一月份重复 (the enterprise's month is listed twice)";

/*
** Import the rolls of policy year `year` from reader (its CSV initialised; sha
** sees its every byte): all or nothing, in one transaction, a line at a time,
** so memory stays the same whatever the file's size.  0 with *ret (also when
** the file was imported before: ret->already, nothing written); -EINVAL with
** ret->line and ret->why; or a database error.
*/
static int rolls_import_from(const struct import_place *at, int year, struct rolls_reader *reader,
                             crypto_hash_sha256_state *sha, struct import_result *ret)
{
	struct district_ctx districts = {.db = at->db, .area = at->area};
	struct arena *line_arena = arena_new();
	struct firm_run run = {.n = 0};
	struct rolls_import im = {.db = at->db};
	*ret = (struct import_result){0};
	int rc = line_arena ? db_begin(at->db) : DB_ERROR;
	if (rc < 0) {
		arena_free(line_arena);
		return rc;
	}
	/* Most of the rolls' pages stay in cache for the import (the city's rolls make about 100 MB). */
	db_cache_size(at->db, 64);
	rc = import_record(at, "rolls", year, &im.import_id);
	if (rc == 0)
		rc = db_prepare(at->db, &im.roll,
		                "INSERT INTO refund_rolls(credit_code, month, insured, premiums_fen, arrears_fen, import_id)"
		                " VALUES (?,?,?,?,?,?) ON CONFLICT (credit_code, month) DO UPDATE SET"
		                " insured = excluded.insured, premiums_fen = excluded.premiums_fen,"
		                " arrears_fen = excluded.arrears_fen, import_id = excluded.import_id"
		                " WHERE refund_rolls.import_id <> excluded.import_id",
		                NULL);
	if (rc == 0)
		rc = db_prepare(at->db, &im.firm,
		                "INSERT INTO refund_enterprises(credit_code, name, district_org_id, industry, size, latest_month)"
		                " VALUES (?,?,?,?,?,?) ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name,"
		                " district_org_id = excluded.district_org_id, industry = excluded.industry,"
		                " size = excluded.size, latest_month = excluded.latest_month"
		                " WHERE excluded.latest_month >= refund_enterprises.latest_month",
		                NULL);
	if (rc == 0)
		rc = db_prepare(at->db, &im.seen,
		                "SELECT count(*) FROM refund_rolls WHERE credit_code = ? AND import_id = ?", NULL);
	if (rc == 0 && refund_rolls_start(reader, line_arena, year, district_lookup, &districts) < 0)
		rc = -EINVAL;
	struct roll_line l;
	int got;
	while (rc == 0) {
		got = refund_rolls_next(reader, line_arena, &l);
		/* The run before a bad line or the end may repeat a line further up: that one is named first. */
		if (got <= 0 || strcmp(l.credit_code, run.credit_code) != 0) {
			rc = run_write(&im, &run);
			run.n = 0;
			run.months = 0;
			if (rc == -EINVAL) {
				reader->line = im.line;
				reader->why = repeated;
			}
		}
		if (rc == 0 && got < 0)
			rc = -EINVAL;
		if (rc != 0 || got <= 0)
			break;
		if (run_add(&run, &l) < 0) {
			reader->line = l.line;
			reader->why = repeated;
			rc = -EINVAL;
		}
		arena_reset(line_arena);
	}
	db_finalize(im.roll);
	db_finalize(im.firm);
	db_finalize(im.seen);
	db_cache_size(at->db, 0);
	arena_free(line_arena);
	if (rc == -EINVAL) {
		ret->line = reader->line;
		ret->why = reader->why;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256_final(sha, h);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	/* The same file again: what it wrote is what is there, so nothing is kept of this pass. */
	if (rc == 0 && ((rc = import_find(at->db, "rolls", hex, ret)) < 0 || ret->already)) {
		db_rollback(at->db);
		return rc;
	}
	ret->enterprises = im.enterprises;
	if (rc == 0)
		rc = import_seal(at, "rolls", im.import_id, hex, im.rows, json_pack("{s:i}", "year", year));
	return import_finish(at, rc, im.import_id, im.rows, ret);
}

/* Import the rolls from CSV text in memory (a request's body, the demo's): as rolls_import_from(). */
int rolls_import(const struct import_place *at, int year, const char *csv, size_t len, struct import_result *ret)
{
	crypto_hash_sha256_state sha;
	crypto_hash_sha256_init(&sha);
	crypto_hash_sha256_update(&sha, (const unsigned char *)csv, len);
	struct rolls_reader reader = {0};
	csv_init(&reader.csv, csv, len);
	return rolls_import_from(at, year, &reader, &sha, ret);
}

static const char *const list_header[] = {"统一社会信用代码", "企业名称"};

/* Import a list (default or difficulty): credit codes added to it.  As rolls_import(). */
int list_import(const struct import_place *at, const char *list, const char *csv, size_t len, struct import_result *ret)
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
	rc = import_record(at, list, 0, &import_id);
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
		rc = import_seal(at, list, import_id, sha, rows, json_pack("{s:s}", "list", list));
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

/*
** ROUTE: GET /api/v1/refunds/imports
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 台账与名单导入记录 Imports of the rolls and lists
** Each with its file's SHA-256, rows and who; those of the caller's branch of the tree.
*/
void refunds_imports_list(struct request *r)
{
	reply_area_page(r,
	                AREA_PAGE_SQL("SELECT i.id AS id, i.kind AS kind, i.year AS year, i.sha256 AS sha256,"
	                              " i.rows AS rows, o.code AS org, i.at AS \"at:time\", i.actor AS actor,"
	                              " coalesce(u.display_name, i.actor) AS actor_name FROM refund_imports i"
	                              " JOIN orgs o ON o.id = i.org_id LEFT JOIN users u ON u.id = i.actor_id",
	                              "i.id", "o.path"),
	                row_as_json_of);
}

/* ---- policies -------------------------------------------------------------- */

/*
** The policy `id` (or, with id 0, the one whose code is `code`) at version
** `version` (0: the latest), its strings in a: 0, DB_DONE when there is no
** such policy or version, or a database error.
*/
int policy_load(struct db *d, struct arena *a, int64_t id, const char *code, int version, struct policy *ret)
{
	struct db_stmt *s;
	int rc = db_prepare(d, &s,
	                    "SELECT p.id, p.code, p.name, o.path, v.id, v.version, v.rules FROM refund_policies p"
	                    " JOIN orgs o ON o.id = p.org_id JOIN refund_policy_versions v ON v.policy_id = p.id"
	                    " WHERE (p.id = ?1 OR p.code = ?3) AND (v.version = ?2 OR (?2 = 0 AND v.version ="
	                    " (SELECT max(version) FROM refund_policy_versions WHERE policy_id = p.id)))",
	                    "iit", id, (int64_t)version, id ? NULL : code);
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

/*
** The policy of the route's {id} at version `version` (0: the latest), if the
** caller's area is on its branch (a district's bureau reads the city's), and,
** with `write`, inside its area.  Answers 404/403 itself.
*/
static bool policy_from_route(struct request *r, int version, bool write, struct policy *ret)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return false;
	int rc = policy_load(r->db, r->arena, id, NULL, version, ret);
	if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_policy", NULL, "政策或版本不存在 (no such policy or version)");
		return false;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	const char *area = request_area(r);
	if (!path_on_branch(ret->org_path, area)) {
		reply_error(r, 404, "unknown_policy", NULL, "政策或版本不存在 (no such policy or version)");
		return false;
	}
	if (write && !path_within(ret->org_path, area)) {
		reply_error(r, 403, "out_of_scope", NULL, "该政策不属于您的单位 (the policy is another area's)");
		return false;
	}
	return true;
}

/* Rules checked by refund_policy_read(): the JSON text to store (malloc'd), or NULL with *field and *why. */
static char *rules_checked(json_t *rules, const char **field, const char **why)
{
	struct refund_policy p;
	if (refund_policy_read(rules, &p, field, why) < 0)
		return NULL;
	char *text = json_dumps(rules, JSON_SORT_KEYS | JSON_COMPACT);
	if (!text) {
		*field = NULL;
		*why = "内存不足 (out of memory)";
	}
	return text;
}

/* The body's rules, checked: the JSON text to store, or NULL having answered 422. */
static const char *rules_from_body(struct request *r)
{
	const char *field, *why;
	char *text = rules_checked(json_object_get(r->json, "rules"), &field, &why);
	if (!text) {
		reply_error(r, field ? 422 : 503, field ? "invalid_rules" : "busy", field, "%s", why);
		return NULL;
	}
	const char *kept = arena_strdup(r->arena, text);
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
int policy_insert(struct db *d, const struct audit_context *ctx, const char *code, const char *name,
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
** belongs to the caller's bureau's area.  The bureau's duty administrator
** (业务管理员) only: 403 not_duty_admin for its other staff.
*/
void refunds_policy_create(struct request *r)
{
	static const char *const fields[] = {"code", "name", "rules", "note", NULL};
	const char *code, *name, *note, *rules;
	if (!user_duty_admin_or_reply(r) || !body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 64, &code) ||
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
** The bureau's duty administrator only, as for creating one.
*/
void refunds_policy_version(struct request *r)
{
	static const char *const fields[] = {"rules", "note", NULL};
	const char *note, *rules;
	struct policy p;
	if (!user_duty_admin_or_reply(r) || !policy_from_route(r, 0, true, &p) || !body_only(r, fields) ||
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
	const char *credit_code, *name, *district_code, *district_name;
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
	/* An enterprise's months are found by its key in the rolls, its lists by theirs (list, code): no
	** grouping, no sort, no scan of the rolls or the lists per enterprise. */
	int rc = db_prepare(
	    d, &s,
	    "SELECT e.credit_code, e.name, e.size, e.district_org_id, o.code,"
	    " (SELECT count(*) FROM refund_rolls r WHERE r.credit_code = e.credit_code AND r.month = ?1),"
	    " (SELECT coalesce(sum(r.insured), 0) FROM refund_rolls r WHERE r.credit_code = e.credit_code AND r.month = ?1),"
	    " (SELECT count(*) FROM refund_rolls r WHERE r.credit_code = e.credit_code AND r.month = ?2),"
	    " (SELECT coalesce(sum(r.insured), 0) FROM refund_rolls r WHERE r.credit_code = e.credit_code AND r.month = ?2),"
	    " (SELECT coalesce(sum(r.premiums_fen), 0) FROM refund_rolls r WHERE r.credit_code = e.credit_code"
	    " AND r.month BETWEEN ?3 AND ?4),"
	    " (SELECT coalesce(sum(r.arrears_fen), 0) FROM refund_rolls r WHERE r.credit_code = e.credit_code"
	    " AND r.month BETWEEN ?5 AND ?6),"
	    " EXISTS (SELECT 1 FROM refund_lists l WHERE l.list = 'default' AND l.credit_code = e.credit_code),"
	    " EXISTS (SELECT 1 FROM refund_lists l WHERE l.list = 'difficulty' AND l.credit_code = e.credit_code),"
	    " x.id, x.state, x.basis, x.figures, x.amount_fen,"
	    " 'rolls:' || CAST(coalesce((SELECT max(r.import_id) FROM refund_rolls r WHERE r.credit_code = e.credit_code),"
	    " 0) AS TEXT) || ';lists:' || CAST(coalesce((SELECT max(l.import_id) FROM refund_lists l"
	    " WHERE l.list IN ('default', 'difficulty') AND l.credit_code = e.credit_code), 0) AS TEXT), o.name"
	    " FROM refund_enterprises e JOIN orgs o ON o.id = e.district_org_id"
	    " LEFT JOIN refund_decisions x ON x.policy_id = ?7 AND x.credit_code = e.credit_code"
	    " WHERE substr(o.path, 1, length(?8)) = ?8 AND substr(o.path, 1, length(?9)) = ?9"
	    " ORDER BY o.code, e.credit_code",
	    "iiiiiiitt", (int64_t)rules->start_month, (int64_t)rules->end_month, last_year * 100 + 1, last_year * 100 + 12,
	    (int64_t)rules->year * 100 + 1, (int64_t)rules->arrears_month, p->id, p->org_path, scope);
	while (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		struct candidate c = {.credit_code = db_column_text(s, 0),
		                      .name = db_column_text(s, 1),
		                      .district_id = db_column_int64(s, 3),
		                      .district_code = db_column_text(s, 4),
		                      .decision_id = db_column_int64(s, 13),
		                      .basis = db_column_text(s, 18),
		                      .district_name = db_column_text(s, 19)};
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
		d = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "district", c->district_code, "district_name",
		              c->district_name, "enterprises", (json_int_t)0,
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
** Run policy p: a batch (第N批) deciding every enterprise on the rolls in the
** policy's area not yet decided under it (new), and again those whose rolls
** or lists changed their figures while their decision is still decided
** (redecided), streamed from one query into the decisions, in one
** transaction begun here that the caller ends (db_finish...): all the batch
** or none of it.  *ret_answer: the batch's totals, also audited (NULL on error).
*/
int batch_run(struct db *d, const struct audit_context *ctx, struct policy *p, json_t **ret_answer)
{
	struct run run = {.db = d, .policy = p, .recover = json_array()};
	int64_t number = 0;
	*ret_answer = NULL;
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
	if (rc == 0)
		*ret_answer = answer;
	else
		json_decref(answer);
	return rc;
}

/* The same for the demo and the shell, committed: policy_id's latest version. */
int refunds_run_policy(struct db *d, struct arena *a, const struct audit_context *ctx, int64_t policy_id,
                       int64_t *ret_batch)
{
	struct policy p;
	json_t *answer = NULL;
	int rc = policy_load(d, a, policy_id, NULL, 0, &p);
	if (rc == 0) {
		rc = batch_run(d, ctx, &p, &answer);
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
	if (db_finish_or_reply(r, batch_run(r->db, &ctx, &p, &answer)))
		reply_json(r, 201, answer);
	else
		json_decref(answer);
}

static json_t *decision_row_json(struct request *r, struct db_stmt *s)
{
	char today[11];
	life_today(today);
	json_t *d = row_as_json(s);
	const char *state = db_named_text(s, "state");
	bool in_window =
	    calendar_window_open(db_named_text(s, "_publicity_start"), db_named_text(s, "_publicity_end"), today);
	json_object_set_new(d, "state_label", json_string(refund_decision_label(state, in_window)));
	json_object_set_new(d, "payment", life_payment_json(r->db, db_named_int64(s, "id")));
	return d;
}

/* A decision as the answers show it: the aliases are the JSON's keys (see row_as_json). */
#define DECISION_SELECT                                                                                                \
	"SELECT d.id AS id, d.batch_id AS batch, d.policy_id AS policy, p.name AS policy_name, v.version AS version,"  \
	" d.credit_code AS credit_code, e.name AS name, o.code AS district, o.name AS district_name,"                  \
	" d.eligible AS \"eligible:bool\", d.people AS people, d.amount_fen AS amount_fen, d.reason AS reason,"        \
	" d.figures AS \"figures:json\", d.state AS state, d.withdrawn_reason AS withdrawn_reason,"                    \
	" b.publicity_start AS _publicity_start, b.publicity_end AS _publicity_end"                                    \
	" FROM refund_decisions d JOIN refund_batches b ON b.id = d.batch_id"                                          \
	" JOIN refund_policies p ON p.id = d.policy_id JOIN refund_policy_versions v ON v.id = d.policy_version_id"    \
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

/* The longest line of the rolls a file may have: the buffer a file streams through. */
enum { ROLLS_BUFFER = 1 << 20 };

/* Import the rolls of `year` from the file at path, streamed: as rolls_import_from(); -ENOENT when unreadable. */
static int rolls_import_file(const struct import_place *at, int year, const char *path, struct import_result *ret)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(ROLLS_BUFFER);
	int rc = -ENOENT;
	if (f && buf) {
		crypto_hash_sha256_state sha;
		crypto_hash_sha256_init(&sha);
		struct rolls_reader reader = {0};
		csv_init_file(&reader.csv, f, buf, ROLLS_BUFFER, sha256_seen, &sha);
		rc = rolls_import_from(at, year, &reader, &sha, ret);
	}
	free(buf);
	if (f)
		fclose(f);
	return rc;
}

static int command_import(const struct import_place *at, const char *year_opt, const char *list, const char *path)
{
	struct import_result res;
	int rc;
	if (year_opt) {
		rc = rolls_import_file(at, atoi(year_opt), path, &res);
	} else {
		size_t len = 0;
		char *csv = file_read(path, &len);
		rc = csv ? list_import(at, list, csv, len, &res) : -ENOENT;
		free(csv);
	}
	if (rc == -ENOENT)
		fprintf(stderr, "banyan refunds import: cannot read %s\n", path);
	else if (rc == -EINVAL)
		fprintf(stderr, "banyan refunds import: 第 %d 行: %s (line %d)\n", res.line, res.why, res.line);
	else if (rc < 0)
		fprintf(stderr, "banyan refunds import: %s\n", db_errmsg(at->db));
	else if (res.already)
		printf("already imported (import %lld, %lld rows): nothing changed\n", (long long)res.id, (long long)res.rows);
	else
		printf("imported: %lld rows, %lld enterprises (import %lld)\n", (long long)res.rows,
		       (long long)res.enterprises, (long long)res.id);
	return rc < 0 ? 1 : 0;
}

/* A policy of the whole city (the tree's root) from a rules file: version 1. */
static int command_policy_add(const struct import_place *at, const char *code, const char *name, const char *path,
                              const char *note)
{
	json_error_t error;
	json_t *rules = json_load_file(path, 0, &error);
	const char *field = NULL, *why = error.text;
	char *text = rules ? rules_checked(rules, &field, &why) : NULL;
	json_decref(rules);
	if (!text) {
		fprintf(stderr, "banyan refunds policy add: %s%s%s\n", field ? field : "", field ? ": " : "", why);
		return 1;
	}
	int64_t id = 0;
	const char *root = NULL;
	struct db_stmt *s;
	int rc = db_begin(at->db);
	if (rc == 0 && (rc = db_prepare(at->db, &s, "SELECT path FROM orgs WHERE parent_id IS NULL", NULL)) == 0 &&
	    (rc = db_step(s)) == DB_ROW)
		root = arena_strdup(at->arena, db_column_text(s, 0));
	db_finalize(s);
	rc = root ? policy_insert(at->db, &at->ctx, code, name, root, text, note, &id) : rc < 0 ? rc : DB_ERROR;
	free(text);
	if (rc == 0)
		rc = db_commit(at->db);
	else
		db_rollback(at->db);
	if (rc < 0) {
		fprintf(stderr, "banyan refunds policy add: %s\n",
		        rc == DB_CONSTRAINT ? "政策代码已存在 (policy code taken)" : db_errmsg(at->db));
		return 1;
	}
	printf("policy %lld (%s), version 1\n", (long long)id, code);
	return 0;
}

static int command_run(const struct import_place *at, const char *code, int version)
{
	struct policy p;
	json_t *answer = NULL;
	int rc = policy_load(at->db, at->arena, 0, code, version, &p);
	if (rc == DB_DONE) {
		fprintf(stderr, "banyan refunds run: 政策或版本不存在 (no such policy or version): %s\n", code);
		return 1;
	}
	if (rc == 0)
		rc = batch_run(at->db, &at->ctx, &p, &answer);
	if (rc == 0)
		rc = db_commit(at->db);
	else if (db_in_transaction(at->db))
		db_rollback(at->db);
	if (rc < 0) {
		fprintf(stderr, "banyan refunds run: %s\n", db_errmsg(at->db));
		json_decref(answer);
		return 1;
	}
	char *text = json_dumps(answer, JSON_COMPACT);
	printf("%s\n", text ? text : "");
	free(text);
	json_decref(answer);
	return 0;
}

/*
** COMMAND: refunds
** USAGE: banyan refunds import|policy add|run [--db PATH] [--audit-key FILE] [OPTIONS]
** SUMMARY: 稳岗返还:导入台账或名单、新建政策、运行政策 Refunds: import the rolls or a list, add a policy, run it
** import --year YEAR FILE.csv   the rolls of policy year YEAR (the header of
**                               POST /api/v1/refunds/rolls/import), for the
**                               whole city, streamed from the file
** import --list default FILE    the serious-default (严重失信) list, or --list difficulty
**                               the certified-difficulty (困难企业) list
**        All or nothing: the first bad line is named.  The same file twice changes nothing.
** policy add --code CODE --name NAME --rules FILE.json [--note TEXT]
**                               a policy of the whole city, its rules as in docs/api.md
** run --policy CODE [--version N]
**                               decide a batch (as POST /api/v1/refunds/policies/{id}/batches),
**                               in one transaction; prints its totals as JSON
*/
int cmd_refunds(int argc, char **argv)
{
	const char *db_opt = NULL, *key_opt = NULL, *year_opt = NULL, *list = NULL, *code = NULL, *name = NULL,
	           *rules = NULL, *note = NULL, *policy = NULL, *version = NULL, *words[3];
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL},       {"audit-key", &key_opt, NULL}, {"year", &year_opt, NULL},
	                         {"list", &list, NULL},       {"code", &code, NULL},         {"name", &name, NULL},
	                         {"rules", &rules, NULL},     {"note", &note, NULL},         {"policy", &policy, NULL},
	                         {"version", &version, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 3, &n))
		return EXIT_USAGE;
	int year = year_opt ? atoi(year_opt) : 0;
	bool import = n == 2 && strcmp(words[0], "import") == 0 && !year_opt != !list &&
	              (!year_opt || (year >= 2000 && year <= 2100)) &&
	              (!list || strcmp(list, "default") == 0 || strcmp(list, "difficulty") == 0);
	bool add = n == 2 && strcmp(words[0], "policy") == 0 && strcmp(words[1], "add") == 0 && code && name && rules;
	bool run = n == 1 && strcmp(words[0], "run") == 0 && policy && (!version || atoi(version) > 0);
	if (!import && !add && !run) {
		fprintf(stderr, "usage: banyan refunds import (--year YEAR | --list default|difficulty) [--db PATH] FILE.csv\n"
		                "       banyan refunds policy add --code CODE --name NAME --rules FILE.json [--note TEXT]\n"
		                "       banyan refunds run --policy CODE [--version N]\n");
		return EXIT_USAGE;
	}
	struct db *d = NULL;
	struct arena *a = arena_new();
	const char *db_path = cli_db_path(db_opt);
	if (!a || audit_key_load(key_opt, db_path) < 0 || org_init_database(db_path, &d) < 0) {
		fprintf(stderr, "banyan refunds: cannot open the database\n");
		arena_free(a);
		return 1;
	}
	struct import_place at = {.db = d, .arena = a, .ctx = audit_context_shell(), .area = "/"};
	db_query_int64(d, &at.area_org_id, "SELECT id FROM orgs WHERE parent_id IS NULL", NULL);
	int rc = import ? command_import(&at, year_opt, list, words[1])
	         : add  ? command_policy_add(&at, code, name, rules, note)
	                : command_run(&at, policy, version ? atoi(version) : 0);
	db_close(d);
	arena_free(a);
	return rc;
}
