/*
** Organisations: the city's tree, its import from CSV, its routes and the
** `banyan init` and `banyan org` commands.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/builtin.h"
#include "core/cli.h"
#include "core/clock.h"
#include "core/csv.h"
#include "org/org.h"

static const char org_columns[] = "id, code, name, kind, coalesce(parent_id, 0), path";

static void org_from_row(struct db_stmt *s, struct arena *a, struct org *o)
{
	o->id = db_column_int64(s, 0);
	o->code = arena_strdup(a, db_column_text(s, 1));
	o->name = arena_strdup(a, db_column_text(s, 2));
	o->kind = arena_strdup(a, db_column_text(s, 3));
	o->parent_id = db_column_int64(s, 4);
	o->path = arena_strdup(a, db_column_text(s, 5));
}

static int org_find(struct db *d, struct arena *a, const char *where, const char *fmt, const char *code, int64_t id,
                    struct org *ret)
{
	char sql[160];
	struct db_stmt *s;
	snprintf(sql, sizeof sql, "SELECT %s FROM orgs WHERE %s", org_columns, where);
	int r = code ? db_prepare(d, &s, sql, fmt, code) : db_prepare(d, &s, sql, fmt, id);
	if (r < 0)
		return r;
	r = db_step(s);
	if (r == DB_ROW) {
		org_from_row(s, a, ret);
		r = 0;
	}
	db_finalize(s);
	return r;
}

int org_find_by_code(struct db *d, struct arena *a, const char *code, struct org *ret)
{
	return org_find(d, a, "code = ?", "t", code, 0, ret);
}

int org_find_by_id(struct db *d, struct arena *a, int64_t id, struct org *ret)
{
	return org_find(d, a, "id = ?", "i", NULL, id, ret);
}

json_t *org_to_json(const struct org *o)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)o->id, "code", o->code, "name", o->name, "kind",
	                 o->kind, "path", o->path);
}

bool org_require_scope(struct request *r, const struct org *o)
{
	if (principal_scope_contains(&r->who, o->path))
		return true;
	reply_error(r, 403, "out_of_scope", NULL, "%s 不在您的管辖范围内 (%s is outside your organisation)", o->name,
	            o->code);
	return false;
}

bool org_duty_or_reply(struct request *r, const struct org *o, const char *duty, const char *field)
{
	int64_t held = 0;
	int rc = db_query_int64(r->db, &held, "SELECT count(*) FROM org_duties WHERE org_id = ? AND duty = ?", "it",
	                        o->id, duty);
	if (rc < 0)
		reply_db_error(r, rc);
	else if (!held)
		reply_error(r, 422, "org_without_duty", field,
		            "%s 不负责此项工作 (the organisation does not hold the duty %s)", o->name, duty);
	return rc >= 0 && held > 0;
}

bool org_from_body(struct request *r, const char *field, int flags, struct org *ret, bool *ret_present)
{
	const char *code;
	*ret_present = false;
	if (!body_string(r, field, flags, 32, &code))
		return false;
	if (!code)
		return true;
	int rc = org_find_by_code(r->db, r->arena, code, ret);
	if (rc == DB_DONE) {
		reply_error(r, 422, "unknown_org", field, "机构 %s 不存在 (no such organisation)", code);
		return false;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	if (!path_within(ret->path, request_area(r))) {
		reply_error(r, 403, "out_of_scope", field,
		            "机构 %s 不在您的管辖范围内 (organisation outside your scope)", code);
		return false;
	}
	*ret_present = true;
	return true;
}

/* Codes become path segments, so they may not hold '/' or anything odd. */
static bool org_code_valid(const char *code)
{
	size_t n = strlen(code);
	if (n < 1 || n > 32)
		return false;
	for (const char *p = code; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-'))
			return false;
	return true;
}

static const char *org_kind_valid(const char *kind)
{
	static const char *const kinds[] = {"city", "district", "department", "unit", NULL};
	for (const char *const *k = kinds; *k; k++)
		if (strcmp(*k, kind) == 0)
			return *k;
	return NULL;
}

/*
** Make the organisation's duties exactly those of the space-separated list
** (a duties column of the import), auditing a change.  Returns an error text
** or NULL; *r_db set on a database error.
*/
static const char *org_set_duties(struct db *d, struct arena *a, const char *code, const char *list,
                                  const struct audit_context *ctx, int *r_db)
{
	struct org o;
	int r = org_find_by_code(d, a, code, &o);
	if (r < 0)
		return *r_db = r, "数据库错误 (database error)";
	json_t *after = json_array();
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " ");
		if (n > 0) {
			char *duty = arena_printf(a, "%.*s", (int)n, p);
			if (n > 32 || strspn(duty, "abcdefghijklmnopqrstuvwxyz_") != n) {
				json_decref(after);
				return "职责应为小写字母名称,以空格分隔 (duties are lower-case names separated by spaces)";
			}
			json_array_append_new(after, json_string(duty));
		}
		p += n + (p[n] == ' ');
	}
	json_t *before = json_array();
	struct db_stmt *s;
	r = db_prepare(d, &s, "SELECT duty FROM org_duties WHERE org_id = ? ORDER BY duty", "i", o.id);
	while (r == 0 && (r = db_step(s)) == DB_ROW)
		json_array_append_new(before, json_string(db_column_text(s, 0)));
	db_finalize(s);
	bool same = json_array_size(before) == json_array_size(after);
	size_t i;
	json_t *v;
	json_array_foreach(after, i, v)
	{
		int64_t held = 0;
		if (r >= 0)
			r = db_query_int64(d, &held, "SELECT count(*) FROM org_duties WHERE org_id = ? AND duty = ?", "it",
			                   o.id, json_string_value(v));
		same &= held > 0;
	}
	if (r >= 0 && !same) {
		r = db_run(d, "DELETE FROM org_duties WHERE org_id = ?", "i", o.id);
		json_array_foreach(after, i, v)
		{
			if (r >= 0)
				r = db_run(d, "INSERT INTO org_duties(org_id, duty) VALUES (?, ?) ON CONFLICT DO NOTHING",
				           "it", o.id, json_string_value(v));
		}
		json_t *detail = json_pack("{s:O, s:O}", "before", before, "after", after);
		if (r >= 0)
			r = audit_append(d, ctx, "org.duties", "org", code, o.path, detail);
		json_decref(detail);
	}
	json_decref(before);
	json_decref(after);
	return r < 0 ? (*r_db = r, "数据库错误 (database error)") : NULL;
}

/* Import one CSV record inside the caller's transaction; returns an error text or NULL. */
static const char *org_import_row(struct db *d, struct arena *a, char **f, const struct audit_context *ctx, int *added,
                                  int *r_db)
{
	const char *code = f[0], *name = f[1], *parent_code = f[2], *kind = f[3];
	struct org existing, parent = {0};
	if (!org_code_valid(code))
		return "机构代码应为 1-32 位字母、数字或 - (code must be 1-32 letters, digits or -)";
	if (!*name || strlen(name) > 200)
		return "机构名称不能为空 (name is required)";
	if (!org_kind_valid(kind))
		return "类型应为 city/district/department/unit (unknown kind)";
	if (*parent_code) {
		int r = org_find_by_code(d, a, parent_code, &parent);
		if (r == DB_DONE)
			return "上级机构不存在,请先列出上级 (parent not found: list parents first)";
		if (r < 0)
			return *r_db = r, "数据库错误 (database error)";
	}
	int r = org_find_by_code(d, a, code, &existing);
	if (r < 0 && r != DB_DONE)
		return *r_db = r, "数据库错误 (database error)";
	if (r == 0) {
		if (existing.parent_id != parent.id)
			return "不能更改已有机构的上级 (an existing organisation cannot move)";
		if (strcmp(existing.name, name) == 0 && strcmp(existing.kind, kind) == 0)
			return NULL;
		r = db_run(d, "UPDATE orgs SET name = ?, kind = ? WHERE id = ?", "tti", name, kind, existing.id);
		if (r == 0) {
			json_t *detail = json_pack("{s:{s:s,s:s}, s:{s:s,s:s}}", "before", "name", existing.name,
			                           "kind", existing.kind, "after", "name", name, "kind", kind);
			r = audit_append(d, ctx, "org.update", "org", code, existing.path, detail);
			json_decref(detail);
		}
		return r < 0 ? (*r_db = r, "数据库错误 (database error)") : NULL;
	}
	if (!*parent_code) {
		int64_t roots = 0;
		db_query_int64(d, &roots, "SELECT count(*) FROM orgs WHERE parent_id IS NULL", NULL);
		if (roots > 0)
			return "只能有一个顶级机构 (only one root organisation)";
	}
	char *path = arena_printf(a, "%s%s/", *parent_code ? parent.path : "/", code);
	r = db_run(d, "INSERT INTO orgs(code, name, kind, parent_id, path, created_at) VALUES (?,?,?,?,?,?)", "tttrti",
	           code, name, kind, parent.id, path, clock_now());
	if (r == 0) {
		json_t *detail =
		    json_pack("{s:{s:s,s:s,s:s}}", "after", "name", name, "kind", kind, "parent", parent_code);
		r = audit_append(d, ctx, "org.create", "org", code, path, detail);
		json_decref(detail);
	}
	if (r < 0)
		return *r_db = r, "数据库错误 (database error)";
	(*added)++;
	return NULL;
}

int org_import_csv(struct db *d, struct arena *a, const char *csv, size_t len, const char *actor, int *ret_added,
                   const char **ret_error)
{
	struct csv_reader c;
	char *f[8];
	int n, added = 0, r_db = 0;
	const char *problem = NULL;
	struct audit_context ctx = audit_context_shell();
	ctx.actor = actor;
	csv_init(&c, csv, len);
	int r = csv_read(&c, a, f, 8, &n);
	/* A fifth column, duties, is optional: a file without it leaves duties as they are. */
	if (r <= 0 || (n != 4 && n != 5) || strcmp(f[0], "code") || strcmp(f[1], "name") ||
	    strcmp(f[2], "parent_code") || strcmp(f[3], "kind") || (n == 5 && strcmp(f[4], "duties"))) {
		*ret_error = "第 1 行应为表头 code,name,parent_code,kind[,duties] (line 1 must be the header "
		             "code,name,parent_code,kind[,duties])";
		return -EINVAL;
	}
	int columns = n;
	r = db_begin(d);
	if (r < 0)
		return r;
	for (;;) {
		r = csv_read(&c, a, f, 8, &n);
		int line = c.record_line;
		if (r == 0)
			break;
		if (r < 0 || n != columns) {
			problem = r < 0 ? "CSV 格式错误 (malformed CSV)"
			                : arena_printf(a, "每行应有 %d 列 (each line needs %d fields)", columns, columns);
		} else {
			problem = org_import_row(d, a, f, &ctx, &added, &r_db);
			if (!problem && columns == 5)
				problem = org_set_duties(d, a, f[0], f[4], &ctx, &r_db);
		}
		if (problem) {
			*ret_error = arena_printf(a, "第 %d 行: %s (line %d)", line, problem, line);
			db_rollback(d);
			return r_db ? r_db : -EINVAL;
		}
	}
	r = db_commit(d);
	if (r == 0)
		*ret_added = added;
	return r;
}

int org_init_database(const char *path, struct db **ret)
{
	struct db *d;
	/* The audit key, if no command has chosen one: $BANYAN_AUDIT_KEY or DB.audit-key. */
	if (audit_key_load(NULL, path) < 0)
		return DB_ERROR;
	int r = db_open(path, &d);
	if (r < 0)
		return r;
	r = db_migrate(d, NULL);
	int64_t count = 0;
	if (r == 0)
		r = db_query_int64(d, &count, "SELECT count(*) FROM orgs", NULL);
	if (r == 0 && count == 0) {
		const struct builtin_file *f = builtin_find("data/orgs/fuzhou.csv");
		struct arena *a = arena_new();
		const char *problem = NULL;
		int added;
		r = f && a ? org_import_csv(d, a, f->data, f->len, "system", &added, &problem) : DB_ERROR;
		if (problem)
			fprintf(stderr, "banyan: built-in organisations: %s\n", problem);
		arena_free(a);
	}
	if (r < 0) {
		db_close(d);
		return r;
	}
	*ret = d;
	return 0;
}

static json_t *org_row_json(struct request *r, struct db_stmt *s)
{
	struct org o;
	org_from_row(s, r->arena, &o);
	json_t *item = org_to_json(&o);
	json_object_set_new(item, "parent_code", json_string(db_column_text(s, 6)));
	return item;
}

/*
** ROUTE: GET /api/v1/orgs
** AUTH: any
** SUMMARY: 组织机构列表(本级及下级) Organisations in the caller's scope
** Optional ?kind=district|department|... filters the list.  Department staff
** see their government's area (request_area()): the commerce bureau signs up
** merchants in every district, the organisation department assesses every
** organisation of the city.
*/
void org_list(struct request *r)
{
	const char *kind = query_arg(r, "kind");
	if (kind && !org_kind_valid(kind)) {
		reply_error(r, 422, "invalid_query", "kind", "kind 应为 city/district/department/unit (unknown kind)");
		return;
	}
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT o.id, o.code, o.name, o.kind, coalesce(o.parent_id, 0), o.path, coalesce(p.code, '')"
	               " FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id"
	               " WHERE substr(o.path, 1, length(?1)) = ?1 AND (?2 IS NULL OR o.kind = ?2) ORDER BY o.path",
	               "tt", r->who.role == ROLE_DEPARTMENT ? request_area(r) : r->who.org_path, kind);
	reply_rows(r, rc, s, org_row_json, 0);
}

/*
** ROUTE: GET /api/v1/orgs/{code}
** AUTH: any
** SUMMARY: 组织机构详情 One organisation
*/
void org_get(struct request *r)
{
	struct org o;
	int rc = org_find_by_code(r->db, r->arena, route_param(r, "code"), &o);
	if (rc == DB_DONE) {
		reply_error(r, 404, "not_found", NULL, "机构不存在 (no such organisation)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!org_require_scope(r, &o))
		return;
	reply_json(r, 200, org_to_json(&o));
}

/*
** COMMAND: init
** USAGE: banyan init [--db PATH]
** SUMMARY: 创建或升级数据库 Create or migrate a database
** Creates the database if it does not exist, applies every migration not yet
** applied (each in one transaction) and, in an empty database, loads the
** Fuzhou organisation tree.  Safe to run again.
*/
int cmd_init(int argc, char **argv)
{
	const char *db_opt = NULL, *words[1];
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 0, &n))
		return EXIT_USAGE;
	const char *path = cli_db_path(db_opt);
	struct db *d;
	if (org_init_database(path, &d) < 0) {
		fprintf(stderr, "banyan init: cannot initialise %s\n", path);
		return 1;
	}
	int version = db_schema_version(d);
	db_close(d);
	printf("%s: schema version %d\n", path, version);
	return 0;
}

/*
** COMMAND: org
** USAGE: banyan org list|import [--db PATH] [FILE.csv]
** SUMMARY: 组织机构:列出或导入 List or import organisations
** list            print the tree, one organisation a line
** import FILE.csv add or rename organisations from a CSV with the header
**                 code,name,parent_code,kind[,duties] (UTF-8, Excel's BOM is
**                 fine); duties, space-separated (refunds, vouchers, invest,
**                 statistics, assessment), become the organisation's; a file
**                 without the column leaves duties alone.  All or nothing.
*/
int cmd_org(int argc, char **argv)
{
	const char *db_opt = NULL, *words[2];
	int n, rc = 1;
	struct cli_opt opts[] = {{"db", &db_opt, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 2, &n))
		return EXIT_USAGE;
	bool list = n == 1 && strcmp(words[0], "list") == 0, import = n == 2 && strcmp(words[0], "import") == 0;
	if (!list && !import) {
		fprintf(stderr, "usage: banyan org list|import [--db PATH] [FILE.csv]\n");
		return EXIT_USAGE;
	}
	struct db *d;
	struct arena *a = arena_new();
	if (!a || org_init_database(cli_db_path(db_opt), &d) < 0) {
		fprintf(stderr, "banyan org: cannot open the database\n");
		arena_free(a);
		return 1;
	}
	if (list) {
		struct db_stmt *s;
		if (db_prepare(d, &s, "SELECT code, name, kind, path FROM orgs ORDER BY path", NULL) == 0) {
			while (db_step(s) == DB_ROW) {
				int depth = 0;
				for (const char *p = db_column_text(s, 3); *p; p++)
					depth += *p == '/';
				printf("%*s%s %s (%s)\n", 2 * (depth - 2), "", db_column_text(s, 0),
				       db_column_text(s, 1), db_column_text(s, 2));
			}
			db_finalize(s);
			rc = 0;
		}
	} else {
		FILE *f = fopen(words[1], "rb");
		char *text = NULL;
		size_t len = 0;
		const char *problem = NULL;
		int added = 0;
		if (f) {
			fseek(f, 0, SEEK_END);
			long size = ftell(f);
			fseek(f, 0, SEEK_SET);
			text = size >= 0 ? malloc((size_t)size + 1) : NULL;
			len = text ? fread(text, 1, (size_t)size, f) : 0;
			fclose(f);
		}
		if (!text) {
			fprintf(stderr, "banyan org import: cannot read %s\n", words[1]);
		} else if (org_import_csv(d, a, text, len, "shell", &added, &problem) < 0) {
			fprintf(stderr, "banyan org import: %s\n", problem ? problem : db_errmsg(d));
		} else {
			printf("imported: %d new organisations\n", added);
			rc = 0;
		}
		free(text);
	}
	db_close(d);
	arena_free(a);
	return rc;
}
