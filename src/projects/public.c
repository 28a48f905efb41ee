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

/* An approval item as its owner sees it: what, who, where it stands, no staff names. */
static json_t *public_item_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *it = row_as_json(s);
	bool done = strcmp(db_named_text(s, "status"), "done") == 0;
	json_object_set_new(
	    it, "light", json_string(done ? "done" : project_row_light(s, db_column_index(s, "_red_at"), clock_now())));
	return it;
}

/* A milestone with its name in words. */
static json_t *public_milestone_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *m = row_as_json(s);
	int g = milestone_from_name(db_named_text(s, "kind"));
	json_object_set_new(m, "name", json_string(g >= 0 ? milestone_labels[g] : ""));
	return m;
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
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT p.id AS _id, p.query_code AS _query_code, p.code AS code, p.name AS name,"
	               " o.name AS district_name, p.stage AS stage, p.red_at AS _red_at, p.yellow_at AS _yellow_at,"
	               " p.feasible AS \"feasible:bool\", p.shortfall_days AS shortfall_days"
	               " FROM projects p JOIN orgs o ON o.id = p.district_org_id WHERE p.code = ?",
	               "t", code);
	if (rc == 0)
		rc = db_step(s);
	const char *expected = rc == DB_ROW ? db_named_text(s, "_query_code") : NULL;
	bool match = expected && query_code && strlen(query_code) == strlen(expected) &&
	             sodium_memcmp(query_code, expected, strlen(query_code)) == 0;
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
	int64_t id = db_named_int64(s, "_id");
	json_t *out = row_as_json(s);
	json_object_set_new(out, "light",
	                    json_string(project_row_light(s, db_column_index(s, "_red_at"), clock_now())));
	db_finalize(s);
	json_t *items = json_array(), *milestones = json_array();
	rc = db_prepare(
	    r->db, &s,
	    "SELECT a.name AS name, g.name AS department, i.status AS status, i.red_at AS _red_at,"
	    " i.yellow_at AS _yellow_at, i.latest_finish AS \"latest_finish:date\","
	    " i.accepted_at AS \"accepted_at:time\", i.due_at AS \"due_at:time\", i.done_at AS \"done_at:time\","
	    " i.limit_days AS limit_days, i.limit_hours AS limit_hours FROM project_items i"
	    " JOIN approval_items a ON a.code = i.item_code JOIN orgs g ON g.id = i.department_org_id"
	    " WHERE i.project_id = ? ORDER BY coalesce(i.latest_start, 1e9), a.sort",
	    "i", id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(items, public_item_json(r, s));
	db_finalize(s);
	if (rc == DB_DONE)
		rc = db_prepare(
		    r->db, &s,
		    "SELECT kind, target AS \"target:date\", actual AS \"actual:date\" FROM project_milestones"
		    " WHERE project_id = ?"
		    " ORDER BY CASE kind WHEN 'start' THEN 0 WHEN 'structure' THEN 1 WHEN 'complete' THEN 2 ELSE 3 END",
		    "i", id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(milestones, public_milestone_json(r, s));
	db_finalize(s);
	json_object_set_new(out, "items", items);
	json_object_set_new(out, "milestones", milestones);
	reply_json_or_db_error(r, rc, out); /* rc: DB_DONE, or the first error */
}
