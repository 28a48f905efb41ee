/*
** Follow-up service (跟踪服务) and inspections: an agent logs each visit,
** call or online meeting with the next action it promises and when; the
** promise stays on the agent's list until the next contact is logged, and
** turns overdue when its day passes.  A project in operation keeps its
** record, and its periodic inspections (the 29 rivers' upkeep) are
** scheduled and logged here.
*/
#include <string.h>

#include "core/clock.h"
#include "org/org.h"
#include "projects/projects.h"

/* A follow-up as the answers show it: the aliases are the JSON's keys (see row_as_json). */
const char project_followup_select[] =
    "SELECT f.id AS id, f.kind AS kind, f.happened_on AS \"happened_on:date\", f.summary AS summary,"
    " f.next_action AS next_action, f.next_due AS \"next_due:date\", f.closed_at AS _closed_at,"
    " u.username AS \"agent.username\", u.display_name AS \"agent.name\", p.id AS \"project.id\","
    " p.code AS \"project.code\", p.name AS \"project.name\""
    " FROM project_followups f JOIN users u ON u.id = f.agent_id JOIN projects p ON p.id = f.project_id";

json_t *project_followup_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *f = row_as_json(s);
	/* Open while its next action is still to happen. */
	bool open = db_named_is_null(s, "_closed_at") && !db_named_is_null(s, "next_due:date");
	bool overdue = open && db_named_int64(s, "next_due:date") < clock_local_day(clock_now());
	json_object_set_new(f, "open", json_boolean(open));
	json_object_set_new(f, "overdue", json_boolean(overdue));
	return f;
}

/*
** ROUTE: POST /api/v1/projects/{id}/followups
** AUTH: admin,officer,agent
** SUMMARY: 记录跟踪服务 Log a visit, call or online meeting and the next action
** Body: {"kind": "visit"|"call"|"online", "happened_on" (default today), "summary",
** "next_action", "next_due"}.  Logging one closes the project's earlier open
** follow-ups: their next action has now happened.
*/
void project_followup_post(struct request *r)
{
	static const char *const fields[] = {"kind", "happened_on", "summary", "next_action", "next_due", NULL};
	struct project p;
	const char *kind, *summary, *next_action;
	int32_t happened = clock_local_day(clock_now()), next_due = PLAN_NO_DAY;
	bool has_due = false;
	if (!body_only(r, fields) || !project_from_route(r, &p) || !body_string(r, "kind", FIELD_REQUIRED, 16, &kind) ||
	    !project_body_day(r, "happened_on", FIELD_OPTIONAL, &p, true, &happened, NULL) ||
	    !body_string(r, "summary", FIELD_REQUIRED, 4000, &summary) ||
	    !body_string(r, "next_action", FIELD_OPTIONAL, 1000, &next_action) ||
	    !project_body_day(r, "next_due", FIELD_OPTIONAL, &p, false, &next_due, &has_due))
		return;
	if (strcmp(kind, "visit") != 0 && strcmp(kind, "call") != 0 && strcmp(kind, "online") != 0) {
		reply_error(r, 422, "invalid_kind", "kind", "方式应为 visit、call 或 online (kind: visit, call or online)");
		return;
	}
	if (has_due != (next_action != NULL)) {
		reply_error(r, 422, "missing_field", has_due ? "next_action" : "next_due",
		            "下一步行动和日期须同时填写 (give both next_action and next_due, or neither)");
		return;
	}
	if (has_due && next_due < happened) {
		reply_error(r, 422, "invalid_date", "next_due", "下一步日期不能早于本次服务 (next_due before this contact)");
		return;
	}
	int64_t now = clock_now();
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "UPDATE project_followups SET closed_at = ? WHERE project_id = ? AND closed_at IS NULL", "ii",
		            now, p.id);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO project_followups(project_id, agent_id, kind, happened_on, summary, next_action,"
		            " next_due, created_at) VALUES (?,?,?,?,?,?,?,?)",
		            "iitittri", p.id, r->who.user_id, kind, (int64_t)happened, summary, next_action,
		            has_due ? (int64_t)next_due : (int64_t)0, now);
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0)
		rc = project_event(r, p.id, 0, "followup", NULL, NULL, summary);
	if (!db_finish_or_reply(r, rc))
		return;
	project_publish(r, &p, "followup");
	reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "kind", kind));
}

/*
** ROUTE: GET /api/v1/projects/followups
** AUTH: admin,officer,agent
** SUMMARY: 我的待跟踪 The caller's follow-ups still to do, the most overdue first
** ?all=1 for every open follow-up on the caller's branch (an administrator: all).
*/
void project_followups_due(struct request *r)
{
	const char *all = query_arg(r, "all");
	bool everyone = all && strcmp(all, "1") == 0;
	const char *bind, *scope = projects_scope_sql(r, 2, &bind);
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    arena_printf(r->arena,
	                                 "%s JOIN orgs o ON o.id = p.district_org_id WHERE f.closed_at IS NULL"
	                                 " AND f.next_due IS NOT NULL AND (?1 = 0 OR f.agent_id = ?1) AND %s"
	                                 " ORDER BY f.next_due, f.id LIMIT 500",
	                                 project_followup_select, scope),
	                    "it", everyone ? (int64_t)0 : r->who.user_id, bind);
	reply_rows(r, rc, s, project_followup_json, 0);
}

/* An inspection as the answers show it (see row_as_json). */
const char project_inspection_select[] =
    "SELECT n.id AS id, n.title AS title, n.due AS \"due:date\", n.every_days AS every_days,"
    " n.done_on AS \"done_on:date\", n.findings AS findings, u.username AS done_by, n.project_id AS _project_id"
    " FROM project_inspections n LEFT JOIN users u ON u.id = n.done_by";

json_t *project_inspection_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *n = row_as_json(s);
	bool done = !db_named_is_null(s, "done_on:date");
	json_object_set_new(n, "overdue",
	                    json_boolean(!done && db_named_int64(s, "due:date") < clock_local_day(clock_now())));
	return n;
}

/*
** ROUTE: POST /api/v1/projects/{id}/inspections
** AUTH: admin,officer,agent
** SUMMARY: 安排巡查 Schedule an inspection, once or every so many days
** Body: {"title","due","every_days"} (every_days 0 for once, up to 366).
*/
void project_inspection_post(struct request *r)
{
	static const char *const fields[] = {"title", "due", "every_days", NULL};
	struct project p;
	const char *title;
	int32_t due;
	int64_t every = 0;
	if (!body_only(r, fields) || !project_from_route(r, &p) || !body_string(r, "title", FIELD_REQUIRED, 200, &title) ||
	    !project_body_day(r, "due", FIELD_REQUIRED, &p, false, &due, NULL) ||
	    !body_int64(r, "every_days", FIELD_OPTIONAL, 0, 366, &every, NULL))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO project_inspections(project_id, title, due, every_days, created_at) VALUES (?,?,?,?,?)",
		            "itiii", p.id, title, (int64_t)due, every, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0)
		rc = project_event(r, p.id, 0, "inspection", NULL, NULL, title);
	if (!db_finish_or_reply(r, rc))
		return;
	project_publish(r, &p, "inspection");
	reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", title));
}

/*
** ROUTE: POST /api/v1/projects/{id}/inspections/{inspection}/log
** AUTH: admin,officer,agent
** SUMMARY: 登记巡查结果 Log an inspection as done; a recurring one schedules the next
** Body: {"done_on" (default today), "findings"}.  Logging it twice is 409.
*/
void project_inspection_log(struct request *r)
{
	static const char *const fields[] = {"done_on", "findings", NULL};
	struct project p;
	int64_t id;
	const char *findings;
	int32_t done_on = clock_local_day(clock_now());
	if (!body_only(r, fields) || !project_from_route(r, &p) || !route_param_id(r, "inspection", &id) ||
	    !project_body_day(r, "done_on", FIELD_OPTIONAL, &p, true, &done_on, NULL) ||
	    !body_string(r, "findings", FIELD_REQUIRED, 4000, &findings))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT title, due, every_days, done_on IS NOT NULL FROM project_inspections"
	                    " WHERE id = ? AND project_id = ?",
	                    "ii", id, p.id);
	if (!db_row_or_reply(r, rc, s, "unknown_inspection", "巡查不存在 (no such inspection)"))
		return;
	const char *title = arena_strdup(r->arena, db_column_text(s, 0));
	int64_t due = db_column_int64(s, 1), every = db_column_int64(s, 2), logged = db_column_int64(s, 3);
	db_finalize(s);
	if (logged) {
		reply_error(r, 409, "already_logged", NULL, "该次巡查已登记 (already logged)");
		return;
	}
	int64_t next = 0;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "UPDATE project_inspections SET done_on = ?, findings = ?, done_by = ? WHERE id = ?", "itii",
		            (int64_t)done_on, findings, r->who.user_id, id);
	if (rc == 0 && every > 0) {
		rc = db_run(r->db,
		            "INSERT INTO project_inspections(project_id, title, due, every_days, created_at) VALUES (?,?,?,?,?)",
		            "itiii", p.id, title, due + every, every, clock_now());
		next = db_last_insert_id(r->db);
	}
	if (rc == 0)
		rc = project_event(r, p.id, 0, "inspection_done", NULL, NULL, arena_printf(r->arena, "%s: %s", title, findings));
	if (!db_finish_or_reply(r, rc))
		return;
	project_publish(r, &p, "inspection");
	json_t *out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "done");
	if (next)
		json_object_set_new(out, "next", json_integer(next));
	reply_json(r, 200, out);
}
