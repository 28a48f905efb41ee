/*
** The approval catalogue: the items a major project may need, who handles
** each, its statutory limit (in working days, or in hours for the green
** channel's licences) and what must come before it.  Shipped as data for
** Fuzhou (data/projects/approval-items.csv), edited by an administrator;
** an edit that would make the prerequisites circular is refused.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/builtin.h"
#include "core/clock.h"
#include "core/csv.h"
#include "org/org.h"
#include "projects/projects.h"

static json_t *catalogue_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:s?, s:i, s:i, s:s, s:i, s:b, s:o}", "code", db_column_text(s, 0),
	                 "name", db_column_text(s, 1), "department", "code", db_column_text(s, 2), "name",
	                 db_column_text(s, 3), "local_department", db_column_text(s, 4), "limit_days",
	                 (int)db_column_int64(s, 5), "limit_hours", (int)db_column_int64(s, 6), "gate",
	                 db_column_text(s, 7), "sort", (int)db_column_int64(s, 8), "active", (int)db_column_int64(s, 10),
	                 "requires", json_list_of(db_column_text(s, 9)));
}

/* The catalogue and the light rule are the city's: only an administrator of the whole tree changes them. */
static bool require_city_admin(struct request *r)
{
	int64_t root = 0;
	db_query_int64(r->db, &root, "SELECT parent_id IS NULL FROM orgs WHERE id = ?", "i", r->who.org_id);
	if (!root)
		reply_error(r, 403, "out_of_scope", NULL, "仅市级管理员可修改 (only the city's administrators may change this)");
	return root != 0;
}

/*
** ROUTE: GET /api/v1/projects/catalogue
** AUTH: admin,leader,officer,agent,department
** SUMMARY: 审批事项目录 The approval catalogue with limits and prerequisites
*/
void project_catalogue_get(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT a.code, a.name, o.code, o.name, a.local_suffix, a.limit_days, a.limit_hours, a.gate,"
	    " a.sort, (SELECT json_group_array(requires) FROM approval_prereqs WHERE item = a.code), a.active"
	    " FROM approval_items a JOIN orgs o ON o.id = a.department_org_id ORDER BY a.sort, a.code",
	    NULL);
	reply_rows(r, rc, s, catalogue_row_json, 0);
}

/* Would the catalogue's prerequisites, as they stand in this transaction, go round in a circle? */
static int catalogue_has_cycle(struct db *d)
{
	int64_t cyclic = 0;
	int rc = db_query_int64(d, &cyclic,
	                        "WITH RECURSIVE reach(start, item) AS ("
	                        " SELECT item, requires FROM approval_prereqs"
	                        " UNION SELECT r.start, p.requires FROM reach r JOIN approval_prereqs p ON p.item = r.item)"
	                        " SELECT count(*) FROM reach WHERE start = item",
	                        NULL);
	return rc < 0 ? rc : cyclic > 0;
}

/*
** ROUTE: PUT /api/v1/projects/catalogue/{code}
** AUTH: admin
** SUMMARY: 新增或修改审批事项 Add or change an approval item of the catalogue
** Body: {"name","department","local_department","limit_days","limit_hours","gate",
** "requires","sort","active"}: department is a city department's code, one holding the approval duty;
** local_department the suffix of a district's bureau that handles it there
** ("fgj"); exactly one of limit_days (1-365) and limit_hours (1-72); gate the
** milestone it must precede (start, structure, complete, produce); requires the
** codes that must be done first (known items, no cycle).  Plans made already
** keep their items until they are made again.
*/
void project_catalogue_put(struct request *r)
{
	static const char *const fields[] = {"name",  "department", "local_department", "limit_days", "limit_hours",
	                                     "gate",  "requires",   "sort",             "active",     NULL};
	const char *code = route_param(r, "code"), *name, *local, *gate;
	int64_t days = 0, hours = 0, sort = 1000;
	bool active = true, present;
	struct org dept;
	if (!require_city_admin(r))
		return;
	if (!code || strlen(code) > 40 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code)) {
		reply_error(r, 422, "invalid_code", "code", "事项代码只能含小写字母、数字和下划线 (code: a-z, 0-9, _)");
		return;
	}
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 100, &name) ||
	    !org_from_body(r, "department", FIELD_REQUIRED, &dept, &present) ||
	    !body_string(r, "local_department", FIELD_OPTIONAL, 16, &local) ||
	    !body_int64(r, "limit_days", FIELD_OPTIONAL, 1, 365, &days, NULL) ||
	    !body_int64(r, "limit_hours", FIELD_OPTIONAL, 1, 72, &hours, NULL) ||
	    !body_string(r, "gate", FIELD_REQUIRED, 16, &gate) ||
	    !body_int64(r, "sort", FIELD_OPTIONAL, 0, 100000, &sort, NULL) || !body_bool(r, "active", FIELD_OPTIONAL, &active, NULL))
		return;
	if (strcmp(dept.kind, "department") != 0) {
		reply_error(r, 422, "not_a_department", "department", "应为部门 (must be a department)");
		return;
	}
	if (!org_duty_or_reply(r, &dept, "approval", "department")) /* else its staff could not list its items */
		return;
	if ((days > 0) == (hours > 0)) {
		reply_error(r, 422, "invalid_limit", "limit_days",
		            "时限须为工作日或小时之一 (give exactly one of limit_days and limit_hours)");
		return;
	}
	if (milestone_from_name(gate) < 0) {
		reply_error(r, 422, "unknown_milestone", "gate", "gate 应为 start、structure、complete 或 produce (unknown milestone)");
		return;
	}
	json_t *requires = json_object_get(r->json, "requires");
	if (requires && !json_is_array(requires)) {
		reply_error(r, 422, "invalid_field", "requires", "requires 应为事项代码数组 (an array of item codes)");
		return;
	}
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO approval_items(code, name, department_org_id, local_suffix, limit_days, limit_hours,"
		            " gate, sort, active) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"
		            " ON CONFLICT(code) DO UPDATE SET name = ?2, department_org_id = ?3, local_suffix = ?4,"
		            " limit_days = ?5, limit_hours = ?6, gate = ?7, sort = ?8, active = ?9",
		            "ttitiitii", code, name, dept.id, local, days, hours, gate, sort, (int64_t)active);
	if (rc == 0 && requires)
		rc = db_run(r->db, "DELETE FROM approval_prereqs WHERE item = ?", "t", code);
	size_t i;
	json_t *v;
	json_array_foreach(requires, i, v)
	{
		int64_t known = 0;
		if (rc == 0 && (!json_is_string(v) || db_query_int64(r->db, &known, "SELECT 1 FROM approval_items WHERE code = ?",
		                                                     "t", json_string_value(v)) != 0)) {
			db_rollback(r->db);
			reply_error(r, 422, "unknown_item", "requires", "未知的前置事项 %s (unknown prerequisite)",
			            json_is_string(v) ? json_string_value(v) : "?");
			return;
		}
		if (rc == 0)
			rc = db_run(r->db,
			            "INSERT INTO approval_prereqs(item, requires) VALUES (?, ?) ON CONFLICT DO NOTHING",
			            "tt", code, json_string_value(v));
	}
	int cyclic = rc == 0 ? catalogue_has_cycle(r->db) : 0;
	if (cyclic > 0) {
		db_rollback(r->db);
		reply_error(r, 422, "prerequisite_cycle", "requires",
		            "前置条件成环:%s 最终又要求它自己 (the prerequisites would form a cycle)", code);
		return;
	}
	rc = rc < 0 ? rc : cyclic;
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:{s:s, s:s, s:I, s:I, s:s}}", "after", "name", name, "department", dept.code,
		                           "limit_days", (json_int_t)days, "limit_hours", (json_int_t)hours, "gate", gate);
		rc = audit_append(r->db, &ctx, "project.catalogue", "approval_item", code, dept.path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:s, s:s}", "code", code, "name", name));
}

/*
** ROUTE: GET /api/v1/projects/settings
** AUTH: admin,leader,officer,agent,department
** SUMMARY: 亮灯规则 How lights are set: yellow within so many working days of a due date
*/
void project_settings_get(struct request *r)
{
	reply_json(r, 200, json_pack("{s:i}", "yellow_days", projects_yellow_days(r->db)));
}

/*
** ROUTE: PUT /api/v1/projects/settings
** AUTH: admin
** SUMMARY: 修改亮灯规则 Change the yellow-light lead time, relighting every project
** Body: {"yellow_days": 0..30}.  Every project's lights are worked out again in
** the same transaction (seconds for a hundred thousand projects).
*/
void project_settings_put(struct request *r)
{
	static const char *const fields[] = {"yellow_days", NULL};
	int64_t days;
	if (!require_city_admin(r) || !body_only(r, fields) ||
	    !body_int64(r, "yellow_days", FIELD_REQUIRED, 0, 30, &days, NULL))
		return;
	int64_t now = clock_now();
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "UPDATE project_settings SET value = ? WHERE key = 'yellow_days'", "i", days);
	struct db_stmt *s = NULL;
	if (rc == 0)
		rc = db_prepare(r->db, &s, "SELECT id FROM projects ORDER BY id", NULL);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			int64_t *grown = realloc(ids, cap * sizeof *grown);
			if (!grown) {
				rc = DB_ERROR;
				break;
			}
			ids = grown;
		}
		ids[n++] = db_column_int64(s, 0);
	}
	db_finalize(s);
	rc = rc == DB_DONE ? 0 : rc;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = project_recompute(r->db, ids[i], now, NULL);
	free(ids);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:{s:I}}", "after", "yellow_days", (json_int_t)days);
		rc = audit_append(r->db, &ctx, "project.settings", "project_settings", "yellow_days", "/", detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:I, s:I}", "yellow_days", (json_int_t)days, "projects", (json_int_t)n));
}

int projects_seed_catalogue(struct db *d)
{
	int64_t n = 0;
	int rc = db_query_int64(d, &n, "SELECT count(*) FROM approval_items", NULL);
	if (rc < 0 || n > 0)
		return rc < 0 ? rc : 0;
	const struct builtin_file *f = builtin_find("data/projects/approval-items.csv");
	struct arena *a = arena_new();
	if (!f || !a) {
		arena_free(a);
		return DB_ERROR;
	}
	struct csv_reader c;
	char *col[10];
	int got;
	csv_init(&c, f->data, f->len);
	rc = csv_read(&c, a, col, 10, &got) == 1 && got == 9 ? db_begin(d) : DB_ERROR; /* the header */
	/* Counted again inside the write transaction: of several nodes starting side by side one seeds. */
	if (rc == 0)
		rc = db_query_int64(d, &n, "SELECT count(*) FROM approval_items", NULL);
	while (rc == 0 && n == 0 && csv_read(&c, a, col, 10, &got) == 1) {
		if (got != 9) {
			rc = DB_ERROR;
			break;
		}
		rc = db_run(d,
		            "INSERT INTO approval_items(code, name, department_org_id, local_suffix, limit_days, limit_hours,"
		            " gate, sort) SELECT ?, ?, id, nullif(?, ''), ?, ?, ?, ? FROM orgs WHERE code = ?",
		            "tttiitit", col[0], col[1], col[3], (int64_t)atoi(col[4]), (int64_t)atoi(col[5]), col[6],
		            (int64_t)atoi(col[8]), col[2]);
		/* requires: space-separated codes, each listed on an earlier line */
		for (char *req = strtok(col[7], " "); rc == 0 && req; req = strtok(NULL, " "))
			rc = db_run(d, "INSERT INTO approval_prereqs(item, requires) VALUES (?, ?)", "tt", col[0], req);
	}
	if (rc == 0)
		rc = db_commit(d);
	else if (db_in_transaction(d))
		db_rollback(d);
	arena_free(a);
	return rc;
}
