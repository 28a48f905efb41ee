/*
** The green channel (绿色通道, 特事特办、快审快批): an epidemic-supply
** enterprise's registration or permit flagged for handling within hours,
** with a dedicated officer (专人跟踪) and its steps recorded as they happen
** — documents in, on-site submission, on-site review, licence issued —
** on the leaders' screen until done, and its statistics.
**
** A case is an hour-limited item of the approval catalogue (limit_hours,
** e.g. business_license: 设立登记 in 2 hours) handled by the department
** the catalogue names, the district's own bureau when it has one, as a
** project's items are; it is not a project item, because the applicant is
** often a company that does not exist until the case is done, and a
** registration is no major project (see 0023_green_channel.sql).  It lives
** here, beside the catalogue it reads, rather than in a folder of its own.
**
** The clock runs in calendar hours from the documents to the licence: a
** two-hour green channel does not stop at midnight, a weekend or a holiday.
*/
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "org/org.h"
#include "projects/projects.h"

/* The steps in the order they must come, and their names. */
static const char *const step_kinds[] = {"documents", "submission", "review", "licence"};
static const char *const step_labels[] = {"材料齐全", "现场提交", "现场审核", "颁发执照"};
enum { N_STEPS = sizeof step_kinds / sizeof step_kinds[0] };

static const char case_select[] =
    "SELECT c.id AS id, c.applicant AS applicant, c.item_code AS \"kind.code\", a.name AS \"kind.name\","
    " o.code AS \"district.code\", o.name AS \"district.name\", g.code AS \"department.code\","
    " g.name AS \"department.name\", u.username AS \"officer.username\", u.display_name AS \"officer.name\","
    " c.reason AS reason, c.limit_hours AS limit_hours, c.state AS state, c.steps AS _steps,"
    " c.documents_at AS \"documents_at:time\", c.due_at AS \"due_at:time\", c.licensed_at AS \"licensed_at:time\","
    " c.created_at AS \"flagged_at:time\", c.documents_at AS _documents_at, c.seconds AS _seconds,"
    " o.path AS _district_path, c.department_org_id AS _department, c.officer_id AS _officer"
    " FROM green_cases c JOIN approval_items a ON a.code = c.item_code JOIN orgs o ON o.id = c.district_org_id"
    " JOIN orgs g ON g.id = c.department_org_id JOIN users u ON u.id = c.officer_id";

/*
** The cases the caller may see, as an SQL condition on c (joined to its
** district o) reading ?1 (the caller's area, NULL for a department), ?2 (the
** caller's department, or 0) and ?3 (the caller): staff and leaders the
** cases of their branch of the tree, a department the cases it handles, and
** anyone the cases they follow as the dedicated officer.
*/
static const char green_scope[] =
    "(c.department_org_id = ?2 OR c.officer_id = ?3 OR (?1 IS NOT NULL AND " SQL_ON_BRANCH("o.path", "?1") "))";

static const char *scope_area(struct request *r)
{
	return r->who.role == ROLE_DEPARTMENT ? NULL : request_area(r);
}

static int64_t scope_department(struct request *r)
{
	return r->who.role == ROLE_DEPARTMENT ? r->who.org_id : 0;
}

/*
** May the caller act on a case of this district handled by this department
** (officer: its dedicated officer, 0 when flagging)?  Its officer may; an
** administrator or agent whose area holds the district; the department that
** handles it.  Answers 403 and returns false otherwise.
*/
static bool may_act(struct request *r, const char *district_path, int64_t department, int64_t officer)
{
	bool ok =
	    (officer && officer == r->who.user_id) ||
	    ((r->who.role == ROLE_ADMIN || r->who.role == ROLE_AGENT) && path_within(district_path, request_area(r))) ||
	    (r->who.role == ROLE_DEPARTMENT && department == r->who.org_id);
	if (!ok)
		reply_error(r, 403, "not_your_case", NULL,
		            "该绿色通道事项不由您办理或跟踪 (you neither handle nor follow this green-channel case)");
	return ok;
}

/* Hours of a number of seconds, for the answers. */
static double hours_of(int64_t seconds)
{
	return (double)seconds / 3600.0;
}

/*
** A case as the answers show it: with the step due next, the hours on its
** clock (to the licence, or until now while open) and its light: yellow
** once half the limit has run, red past it, "done" once licensed.
*/
static json_t *case_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *c = row_as_json(s);
	int64_t steps = db_named_int64(s, "_steps"), limit = db_named_int64(s, "limit_hours") * 3600;
	json_object_set_new(c, "next_step", steps < N_STEPS ? json_string(step_kinds[steps]) : json_null());
	json_object_set_new(c, "steps_done", json_integer(steps));
	const char *light = "green";
	if (!db_named_is_null(s, "_seconds")) {
		int64_t took = db_named_int64(s, "_seconds");
		json_object_set_new(c, "hours", json_real(hours_of(took)));
		json_object_set_new(c, "on_time", json_boolean(took <= limit));
		light = "done";
	} else if (!db_named_is_null(s, "_documents_at")) {
		int64_t running = clock_now() - db_named_int64(s, "_documents_at");
		json_object_set_new(c, "hours", json_real(hours_of(running)));
		light = running > limit ? "red" : 2 * running >= limit ? "yellow" : "green";
	} else {
		json_object_set_new(c, "hours", json_null());
	}
	json_object_set_new(c, "light", json_string(light));
	return c;
}

static json_t *step_json(struct request *r, struct db_stmt *s)
{
	json_t *step = row_as_json_of(r, s);
	int seq = (int)json_integer_value(json_object_get(step, "seq"));
	if (seq >= 1 && seq <= N_STEPS)
		json_object_set_new(step, "name", json_string(step_labels[seq - 1]));
	return step;
}

/*
** ROUTE: POST /api/v1/projects/green-channel
** AUTH: admin,agent,department
** SUMMARY: 开通绿色通道 Flag a registration or permit 特事特办, with its dedicated officer
** Body: {"applicant","item","district","officer","reason"}: the enterprise (to
** be) registered; a catalogue item limited in hours (business_license); a
** county-level district; the username of the dedicated officer, an active
** officer, agent or department member; why (防疫物资生产企业).  The handling
** department is the item's, the district's own bureau when it has one.  An
** administrator or agent flags within their area, a department its own cases.
*/
void green_case_post(struct request *r)
{
	static const char *const fields[] = {"applicant", "item", "district", "officer", "reason", NULL};
	const char *applicant, *item, *officer_name, *reason;
	struct org district;
	bool present;
	if (!body_only(r, fields) || !body_string(r, "applicant", FIELD_REQUIRED, 200, &applicant) ||
	    !body_string(r, "item", FIELD_REQUIRED, 40, &item) ||
	    !org_from_body(r, "district", FIELD_REQUIRED, &district, &present) ||
	    !body_string(r, "officer", FIELD_REQUIRED, 64, &officer_name) ||
	    !body_string(r, "reason", FIELD_REQUIRED, 500, &reason))
		return;
	if (strcmp(district.kind, "district") != 0) {
		reply_error(r, 422, "not_a_district", "district", "应为县(市)区 (must be a county-level district)");
		return;
	}
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT a.limit_hours, coalesce((SELECT id FROM orgs WHERE code = ?2 || '-' || a.local_suffix),"
	               " a.department_org_id) FROM approval_items a WHERE a.code = ?1 AND a.active = 1",
	               "tt", item, district.code);
	if (rc == 0 && (rc = db_step(s)) == DB_DONE) {
		db_finalize(s);
		reply_error(r, 422, "unknown_item", "item", "未知的审批事项 %s (unknown approval item)", item);
		return;
	}
	int64_t limit_hours = rc == DB_ROW ? db_column_int64(s, 0) : 0,
	        department = rc == DB_ROW ? db_column_int64(s, 1) : 0;
	db_finalize(s);
	if (rc != DB_ROW) {
		reply_db_error(r, rc);
		return;
	}
	if (limit_hours <= 0) {
		reply_error(r, 422, "not_hour_limited", "item",
		            "绿色通道仅适用于按小时限时办结的事项 (the green channel takes items limited in hours)");
		return;
	}
	int64_t officer = 0;
	rc = db_query_int64(r->db, &officer,
	                    "SELECT id FROM users WHERE username = ? AND disabled = 0"
	                    " AND role IN ('officer', 'agent', 'department')",
	                    "t", officer_name);
	if (rc == DB_DONE) {
		reply_error(r, 422, "unknown_officer", "officer",
		            "专人应为在岗的招商专员、代办员或部门人员 (the officer must be an active officer, agent or "
		            "department member)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!may_act(r, district.path, department, 0))
		return;
	int64_t now = clock_now(), id = 0;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO green_cases(applicant, item_code, district_org_id, department_org_id, officer_id,"
		    " reason, limit_hours, flagged_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
		    "ttiiitiii", applicant, item, district.id, department, officer, reason, limit_hours, r->who.user_id,
		    now);
	id = db_last_insert_id(r->db);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail =
		    json_pack("{s:{s:s, s:s, s:s, s:s, s:I}}", "after", "applicant", applicant, "item", item, "officer",
		              officer_name, "reason", reason, "limit_hours", (json_int_t)limit_hours);
		rc = audit_append(r->db, &ctx, "project.green_flag", "green_case",
		                  arena_printf(r->arena, "%lld", (long long)id), district.path, detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	json_t *data = json_pack("{s:I, s:s}", "id", (json_int_t)id, "change", "flag");
	events_publish("projects.green", district.path, data);
	json_decref(data);
	reply_json(r, 201,
	           json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "state", "open", "limit_hours",
	                     (json_int_t)limit_hours));
}

/*
** ROUTE: GET /api/v1/projects/green-channel
** AUTH: admin,leader,officer,agent,department
** SUMMARY: 绿色通道事项(领导屏) Green-channel cases with their clocks; ?state=open for the leaders' screen
** ?state=open|done|all (default all) ?district=CODE; ?limit= and ?cursor=
** paginate, newest first.  Each case has its light and the hours on its clock.
*/
void green_case_list(struct request *r)
{
	static const char *const states[] = {"open", "done", "all", NULL};
	int64_t limit, cursor;
	const char *state = query_arg(r, "state");
	if (!page_args(r, 50, 500, &limit, &cursor) ||
	    choice_or_reply(r, "invalid_filter", "state", state, states) == -2)
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    arena_printf(r->arena,
	                                 "%s WHERE %s AND c.id < ?4 AND (?5 = 'all' OR c.state = ?5)"
	                                 " AND (?6 IS NULL OR o.code = ?6) ORDER BY c.id DESC LIMIT ?7",
	                                 case_select, green_scope),
	                    "tiiitti", scope_area(r), scope_department(r), r->who.user_id, cursor,
	                    state ? state : "all", query_arg(r, "district"), limit);
	reply_rows(r, rc, s, case_json, limit);
}

/* Load the case of the route's {id} if the caller may see it, on s (finalized by the caller); else answer 404. */
static bool case_from_route(struct request *r, struct db_stmt **s, int64_t *ret_id)
{
	if (!route_param_id(r, "id", ret_id))
		return false;
	int rc = db_prepare(r->db, s, arena_printf(r->arena, "%s WHERE c.id = ?4 AND %s", case_select, green_scope),
	                    "tiii", scope_area(r), scope_department(r), r->who.user_id, *ret_id);
	return db_row_or_reply(r, rc, *s, "unknown_case", "没有此绿色通道事项 (no such green-channel case)");
}

static int case_steps_into(struct request *r, json_t *out, int64_t id)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT t.seq AS seq, t.kind AS kind, t.at AS \"at:time\", u.username AS \"by.username\","
	                    " u.display_name AS \"by.name\", t.note AS note FROM green_case_steps t"
	                    " JOIN users u ON u.id = t.actor_id WHERE t.case_id = ? ORDER BY t.seq",
	                    "i", id);
	return rows_into(r, out, "steps", rc, s, step_json);
}

/*
** ROUTE: GET /api/v1/projects/green-channel/{id}
** AUTH: admin,leader,officer,agent,department
** SUMMARY: 绿色通道事项详情 A green-channel case with its steps and clock
*/
void green_case_get(struct request *r)
{
	struct db_stmt *s;
	int64_t id;
	if (!case_from_route(r, &s, &id))
		return;
	json_t *out = case_json(r, s);
	db_finalize(s);
	reply_json_or_db_error(r, case_steps_into(r, out, id), out);
}

/*
** ROUTE: POST /api/v1/projects/green-channel/{id}/steps
** AUTH: admin,officer,agent,department
** SUMMARY: 记录绿色通道办理环节 Record the next step of a green-channel case
** Body: {"kind","at","note"}: kind the step due next, in the order documents
** (材料齐全: the clock starts), submission (现场提交), review (现场审核),
** licence (颁发执照: the clock stops, the case is done); another is 409
** step_out_of_order.  at (ISO 8601, default now) not in the future nor before
** the step before.  Recorded by the case's officer, the department handling
** it, or an administrator or agent whose area holds its district.
*/
void green_case_step(struct request *r)
{
	static const char *const fields[] = {"kind", "at", "note", NULL};
	const char *kind, *at_text, *note;
	struct db_stmt *s;
	int64_t id, at, now = clock_now();
	if (!body_only(r, fields) || !body_string(r, "kind", FIELD_REQUIRED, 16, &kind) ||
	    !body_string(r, "at", FIELD_OPTIONAL, 40, &at_text) || !body_string(r, "note", FIELD_OPTIONAL, 2000, &note))
		return;
	int seq = 0;
	for (int i = 0; i < N_STEPS; i++)
		if (strcmp(kind, step_kinds[i]) == 0)
			seq = i + 1;
	if (!seq) {
		reply_error(r, 422, "unknown_step", "kind",
		            "环节应为 documents、submission、review 或 licence (unknown step)");
		return;
	}
	at = now;
	if (at_text && clock_parse_iso(at_text, &at) < 0) {
		reply_error(r, 422, "invalid_time", "at",
		            "时间应为 ISO 8601,如 2020-02-10T10:00:00+08:00 (at: ISO 8601)");
		return;
	}
	if (at > now) {
		reply_error(r, 422, "time_in_future", "at", "时间不能晚于现在 (at cannot be in the future)");
		return;
	}
	if (!case_from_route(r, &s, &id))
		return;
	int64_t steps = db_named_int64(s, "_steps"), department = db_named_int64(s, "_department"),
	        officer = db_named_int64(s, "_officer"), documents_at = db_named_int64(s, "_documents_at");
	const char *district_path = arena_strdup(r->arena, db_named_text(s, "_district_path"));
	db_finalize(s);
	if (!may_act(r, district_path, department, officer))
		return;
	if (seq != steps + 1) {
		reply_error(r, 409, "step_out_of_order", "kind",
		            "下一环节应为%s,不能记录%s (the next step is %s, not %s)",
		            steps < N_STEPS ? step_labels[steps] : "(已办结 done)", step_labels[seq - 1],
		            steps < N_STEPS ? step_kinds[steps] : "none", kind);
		return;
	}
	int64_t previous = 0;
	int rc = steps
	             ? db_query_int64(r->db, &previous, "SELECT at FROM green_case_steps WHERE case_id = ? AND seq = ?",
	                              "ii", id, steps)
	             : 0;
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (steps && at < previous) {
		reply_error(r, 422, "time_before_previous", "at", "时间早于上一环节 (at is before the step before)");
		return;
	}
	bool licence = seq == N_STEPS;
	if (seq == 1)
		documents_at = at;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO green_case_steps(case_id, seq, kind, at, actor_id, note, recorded_at)"
		            " VALUES (?,?,?,?,?,?,?)",
		            "iitiiti", id, (int64_t)seq, kind, at, r->who.user_id, note, now);
	/* Conditional on the steps read above: of two callers recording the same step at once, one wins. */
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE green_cases SET steps = ?1, documents_at = ?2, due_at = ?2 + limit_hours * 3600,"
		            " licensed_at = CASE WHEN ?3 = 1 THEN ?4 END, seconds = CASE WHEN ?3 = 1 THEN ?4 - ?2 END,"
		            " state = CASE WHEN ?3 = 1 THEN 'done' ELSE 'open' END WHERE id = ?5 AND steps = ?6",
		            "iiiiii", (int64_t)seq, documents_at, (int64_t)licence, at, id, steps);
	if (rc == 0 && db_changes(r->db) != 1)
		rc = DB_CONSTRAINT;
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		char when[32];
		clock_format_iso(at, when);
		json_t *detail = json_pack("{s:s, s:s, s:s?}", "step", kind, "at", when, "note", note);
		if (licence)
			json_object_set_new(detail, "hours", json_real(hours_of(at - documents_at)));
		rc = audit_append(r->db, &ctx, "project.green_step", "green_case",
		                  arena_printf(r->arena, "%lld", (long long)id), district_path, detail);
		json_decref(detail);
	}
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "step_out_of_order", "kind",
		            "该环节刚被他人记录 (someone has just recorded this step)");
		return;
	}
	if (!db_finish_or_reply(r, rc))
		return;
	json_t *data = json_pack("{s:I, s:s}", "id", (json_int_t)id, "change", kind);
	events_publish("projects.green", district_path, data);
	json_decref(data);
	if (!case_from_route(r, &s, &id))
		return;
	json_t *out = case_json(r, s);
	db_finalize(s);
	reply_json_or_db_error(r, case_steps_into(r, out, id), out);
}

/* The cases of one group and their hours, to be summed up into a row. */
struct green_group {
	json_t *key; /* [district code, district name, kind code, kind name]; NULL for the total */
	int64_t cases, open, on_time, *seconds;
	size_t done, cap;
};

static int group_add(struct green_group *g, bool done, int64_t seconds, int64_t limit_hours)
{
	g->cases++;
	if (!done) {
		g->open++;
		return 0;
	}
	if (g->done == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		int64_t *grown = realloc(g->seconds, cap * sizeof *grown);
		if (!grown)
			return DB_ERROR;
		g->seconds = grown, g->cap = cap;
	}
	g->seconds[g->done++] = seconds;
	g->on_time += seconds <= limit_hours * 3600;
	return 0;
}

static int compare_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* A group's row: counts, and the median and worst hours of the cases done (null when none is). */
static json_t *group_json(struct green_group *g)
{
	if (g->done) /* none done: no array at all, and qsort must not be given NULL */
		qsort(g->seconds, g->done, sizeof *g->seconds, compare_int64);
	json_t *row = json_pack("{s:I, s:I, s:I, s:I}", "cases", (json_int_t)g->cases, "done", (json_int_t)g->done,
	                        "open", (json_int_t)g->open, "on_time", (json_int_t)g->on_time);
	size_t n = g->done;
	json_object_set_new(row, "median_hours",
	                    n ? json_real(hours_of(g->seconds[(n - 1) / 2] + g->seconds[n / 2]) / 2) : json_null());
	json_object_set_new(row, "worst_hours", n ? json_real(hours_of(g->seconds[n - 1])) : json_null());
	if (g->key) {
		json_object_set_new(
		    row, "district",
		    json_pack("{s:O, s:O}", "code", json_array_get(g->key, 0), "name", json_array_get(g->key, 1)));
		json_object_set_new(
		    row, "kind",
		    json_pack("{s:O, s:O}", "code", json_array_get(g->key, 2), "name", json_array_get(g->key, 3)));
	}
	return row;
}

/* Hours (never negative) for a sheet: to the hundredth, blank when none. */
static json_t *sheet_hours(json_t *v)
{
	return json_is_real(v) ? json_real((double)(int64_t)(json_real_value(v) * 100 + 0.5) / 100) : json_null();
}

/*
** ROUTE: GET /api/v1/projects/green-channel/stats
** AUTH: admin,leader,officer,agent,department
** SUMMARY: 绿色通道统计 Green-channel cases by district and kind: count, median and worst hours
** Over the cases the caller may see: a row per district and kind (catalogue
** item) with cases, done, open, done within the limit, and the median and
** worst hours of those done, documents to licence; "total" the same over all.
** ?format=xlsx|csv downloads the table.
*/
void green_case_stats(struct request *r)
{
	static const char *const headers[] = {
	    "县(市)区", "事项", "件数", "已办结", "办理中", "限时内办结", "用时中位数(小时)", "最长用时(小时)"};
	const char *format = query_arg(r, "format") ? export_format_arg(r) : NULL;
	if (query_arg(r, "format") && !format)
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    arena_printf(r->arena,
	                                 "SELECT o.code, o.name, c.item_code, a.name, c.seconds, c.limit_hours"
	                                 " FROM green_cases c JOIN orgs o ON o.id = c.district_org_id"
	                                 " JOIN approval_items a ON a.code = c.item_code WHERE %s"
	                                 " ORDER BY o.code, c.item_code",
	                                 green_scope),
	                    "tii", scope_area(r), scope_department(r), r->who.user_id);
	json_t *rows = json_array();
	struct green_group total = {0}, group = {0};
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		bool same = group.key &&
		            strcmp(json_string_value(json_array_get(group.key, 0)), db_column_text(s, 0)) == 0 &&
		            strcmp(json_string_value(json_array_get(group.key, 2)), db_column_text(s, 2)) == 0;
		if (!same && group.key) {
			json_array_append_new(rows, group_json(&group));
			json_decref(group.key);
			group.key = NULL;
		}
		if (!group.key) {
			free(group.seconds);
			group = (struct green_group){.key = json_pack("[s, s, s, s]", db_column_text(s, 0),
			                                              db_column_text(s, 1), db_column_text(s, 2),
			                                              db_column_text(s, 3))};
		}
		bool done = !db_column_is_null(s, 4);
		int64_t seconds = db_column_int64(s, 4), limit = db_column_int64(s, 5);
		if (group_add(&group, done, seconds, limit) < 0 || group_add(&total, done, seconds, limit) < 0)
			rc = DB_ERROR;
	}
	db_finalize(s);
	if (rc == DB_DONE && group.key)
		json_array_append_new(rows, group_json(&group));
	json_t *sum = group_json(&total);
	json_decref(group.key);
	free(group.seconds), free(total.seconds);
	if (rc != DB_DONE) {
		json_decref(rows), json_decref(sum);
		reply_db_error(r, rc);
		return;
	}
	if (!format) {
		reply_json(r, 200, json_pack("{s:o, s:o}", "items", rows, "total", sum));
		return;
	}
	json_t *table = json_array();
	size_t i;
	json_t *row;
	json_array_append(rows, sum);
	json_array_foreach(rows, i, row)
	{
		json_t *district = json_object_get(row, "district"), *kind = json_object_get(row, "kind");
		json_array_append_new(
		    table,
		    json_pack("[s, s, O, O, O, O, o, o]",
		              district ? json_string_value(json_object_get(district, "name")) : "合计",
		              kind ? json_string_value(json_object_get(kind, "name")) : "",
		              json_object_get(row, "cases"), json_object_get(row, "done"), json_object_get(row, "open"),
		              json_object_get(row, "on_time"), sheet_hours(json_object_get(row, "median_hours")),
		              sheet_hours(json_object_get(row, "worst_hours"))));
	}
	reply_table(r, format, "绿色通道统计", headers, sizeof headers / sizeof headers[0], table);
	json_decref(table), json_decref(rows), json_decref(sum);
}

/*
** The demo's green channel: Luoyuan's case of the article (a mask maker
** registered, licence in hand, in 2 hours, 罗源县市场监管局's officer
** following it; the day is illustrative), a quicker one in 长乐, and one
** open in 闽侯 for the leaders' screen, its documents in an hour ago.
** Each step is given in minutes after the documents came in (-1: not yet).
*/
int green_demo(struct db *d, int64_t now)
{
	static const struct {
		const char *applicant, *district, *officer, *documents;
		int minutes[N_STEPS];
	} cases[] = {
	    {"福建省源联盛医疗器械有限公司", "350123", "luoyuan-scjg", "2020-02-06T09:30:00+08:00", {0, 10, 60, 120}},
	    {"福州长乐洁康消毒用品有限公司", "350112", "city-agent", "2020-02-09T14:00:00+08:00", {0, 15, 50, 95}},
	    {"福州闽侯安护防护服有限公司", "350121", "city-agent", NULL, {0, -1, -1, -1}},
	};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof cases / sizeof cases[0]; i++) {
		int64_t documents = now - 3600;
		if (cases[i].documents && clock_parse_iso(cases[i].documents, &documents) < 0)
			return DB_ERROR;
		int steps = 0;
		while (steps < N_STEPS && cases[i].minutes[steps] >= 0)
			steps++;
		int64_t licensed = steps == N_STEPS ? documents + cases[i].minutes[N_STEPS - 1] * 60 : 0;
		rc = db_run(
		    d,
		    "INSERT INTO green_cases(applicant, item_code, district_org_id, department_org_id, officer_id,"
		    " reason, limit_hours, state, steps, documents_at, due_at, licensed_at, seconds, flagged_by,"
		    " created_at)"
		    " SELECT ?1, a.code, o.id, coalesce((SELECT id FROM orgs WHERE code = o.code || '-' || "
		    "a.local_suffix),"
		    " a.department_org_id), u.id, '疫情防控急需:防疫物资生产企业落户', a.limit_hours, ?2, ?3, ?4,"
		    " ?4 + a.limit_hours * 3600, nullif(?5, 0), CASE WHEN ?5 > 0 THEN ?5 - ?4 END, u.id, ?4"
		    " FROM approval_items a, orgs o, users u"
		    " WHERE a.code = 'business_license' AND o.code = ?6 AND u.username = ?7",
		    "ttiiitt", cases[i].applicant, licensed ? "done" : "open", (int64_t)steps, documents, licensed,
		    cases[i].district, cases[i].officer);
		int64_t id = db_last_insert_id(d);
		for (int k = 0; rc == 0 && k < steps; k++)
			rc = db_run(d,
			            "INSERT INTO green_case_steps(case_id, seq, kind, at, actor_id, recorded_at)"
			            " SELECT ?1, ?2, ?3, ?4, officer_id, ?4 FROM green_cases WHERE id = ?1",
			            "iiti", id, (int64_t)(k + 1), step_kinds[k], documents + cases[i].minutes[k] * 60);
	}
	return rc;
}
