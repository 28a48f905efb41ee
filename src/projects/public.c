/*
** The owner's progress query (进度查询): with the project code and the
** query code banyan gave them, anyone can see the stage, the approval
** items and the lights — never who is responsible, never the follow-ups,
** the timeline or anything else written inside government.
*/
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "projects/projects.h"

static json_t *public_item_json(struct request *r, struct db_stmt *s)
{
	const char *status = db_column_text(s, 2);
	return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:i, s:i}", "name", db_column_text(s, 0),
	                 "department", db_column_text(s, 1), "status", status, "light",
	                 strcmp(status, "done") == 0 ? "done" : project_row_light(s, 3, clock_now()), "latest_finish",
	                 project_day_text(r, s, 5), "accepted_at", project_time_text(r, s, 6), "due_at",
	                 project_time_text(r, s, 7), "done_at", project_time_text(r, s, 8), "limit_days",
	                 (int)db_column_int64(s, 9), "limit_hours", (int)db_column_int64(s, 10));
}

static json_t *public_milestone_json(struct request *r, struct db_stmt *s)
{
	int g = milestone_from_name(db_column_text(s, 0));
	return json_pack("{s:s, s:s, s:s?, s:s?}", "kind", db_column_text(s, 0), "name", g >= 0 ? milestone_labels[g] : "",
	                 "target", project_day_text(r, s, 1), "actual", project_day_text(r, s, 2));
}

/*
** ROUTE: GET /api/v1/public/projects/{code}
** AUTH: public
** SUMMARY: 项目进度公开查询 Progress of a project for its owner (project code and ?query_code=)
** A wrong query code and an unknown project answer the same 404.
*/
void project_public_get(struct request *r)
{
	const char *code = route_param(r, "code"), *query_code = query_arg(r, "query_code");
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT p.id, p.query_code, p.name, o.name, p.stage, p.red_at, p.yellow_at, p.feasible,"
	                    " p.shortfall_days, p.code FROM projects p JOIN orgs o ON o.id = p.district_org_id WHERE p.code = ?",
	                    "t", code);
	if (rc == 0)
		rc = db_step(s);
	bool match = rc == DB_ROW && query_code && strlen(query_code) == strlen(db_column_text(s, 1)) &&
	             sodium_memcmp(query_code, db_column_text(s, 1), strlen(query_code)) == 0;
	if (rc < 0) {
		db_finalize(s);
		reply_db_error(r, rc);
		return;
	}
	if (!match) {
		db_finalize(s);
		reply_error(r, 404, "not_found", "query_code",
		            "项目代码或查询码不正确 (no project with this code and query code)");
		return;
	}
	int64_t id = db_column_int64(s, 0);
	json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", db_column_text(s, 9), "name", db_column_text(s, 2),
	                        "district_name", db_column_text(s, 3), "stage", db_column_text(s, 4), "light",
	                        project_row_light(s, 5, clock_now()));
	if (!db_column_is_null(s, 7)) {
		json_object_set_new(out, "feasible", json_boolean(db_column_int64(s, 7)));
		json_object_set_new(out, "shortfall_days", json_integer(db_column_int64(s, 8)));
	}
	db_finalize(s);
	json_t *items = json_array(), *milestones = json_array();
	rc = db_prepare(r->db, &s,
	                "SELECT a.name, g.name, i.status, i.red_at, i.yellow_at, i.latest_finish, i.accepted_at, i.due_at,"
	                " i.done_at, i.limit_days, i.limit_hours FROM project_items i"
	                " JOIN approval_items a ON a.code = i.item_code JOIN orgs g ON g.id = i.department_org_id"
	                " WHERE i.project_id = ? ORDER BY coalesce(i.latest_start, 1e9), a.sort",
	                "i", id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(items, public_item_json(r, s));
	db_finalize(s);
	if (rc == DB_DONE)
		rc = db_prepare(r->db, &s,
		                "SELECT kind, target, actual FROM project_milestones WHERE project_id = ?"
		                " ORDER BY CASE kind WHEN 'start' THEN 0 WHEN 'structure' THEN 1 WHEN 'complete' THEN 2 ELSE 3 END",
		                "i", id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(milestones, public_milestone_json(r, s));
	db_finalize(s);
	json_object_set_new(out, "items", items);
	json_object_set_new(out, "milestones", milestones);
	reply_json_or_db_error(r, rc, out); /* rc: DB_DONE, or the first error */
}
