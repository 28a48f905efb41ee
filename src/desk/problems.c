/*
** Problems: raised, routed, accepted, answered, confirmed or reopened;
** every step an event, every step audited, every step allowed only to the
** role that owns it.  Deadlines are counted in working days on China's
** calendar and become lights: red when late, yellow within a day of due.
*/
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "desk/desk.h"
#include "org/org.h"

bool desk_problem_visible(struct request *r, const char *district_path, const char *department_path)
{
	const char *me = r->who.org_path;
	if (r->who.role == ROLE_DEPARTMENT)
		return path_within(department_path, me); /* a department sees what it owns */
	const char *area = request_area(r);
	return path_within(department_path, me) || path_within(district_path, area) || path_within(area, district_path);
}

/* The end of the n-th working day after the instant t (Beijing time). */
static int64_t due_after(int64_t t, int n)
{
	int32_t day = calendar_add_working_days(calendar_china(), clock_local_day(t), n);
	return clock_local_midnight(day + 1) - 1;
}

static int64_t current_due(const char *status, int64_t accept_due, int64_t answer_due)
{
	if (strcmp(status, "submitted") == 0)
		return accept_due;
	if (strcmp(status, "accepted") == 0 || strcmp(status, "in_progress") == 0)
		return answer_due;
	return 0;
}

const char *desk_light(const char *status, int64_t accept_due, int64_t answer_due, int64_t now)
{
	int64_t due = current_due(status, accept_due, answer_due);
	if (!due)
		return "green";
	return now > due ? "red" : now > due - 86400 ? "yellow" : "green";
}

/* A problem as the answers show it: the aliases are the JSON's keys (see
** row_as_json); the "_" columns are for the code's checks alone. */
static const char problem_columns[] =
    "p.id AS id, p.title AS title, p.category AS category, c.name AS category_name, p.status AS status,"
    " p.escalation AS escalation, p.reopened AS reopened, p.accept_due AS \"due.accept:time\","
    " p.answer_due AS \"due.answer:time\", p.solve_due AS \"due.solve:time\", p.created_at AS \"created_at:time\","
    " e.id AS \"enterprise.id\", e.name AS \"enterprise.name\", d.code AS \"district.code\","
    " d.name AS \"district.name\", g.code AS \"department.code\", g.name AS \"department.name\","
    " d.path AS _district_path, g.path AS _department_path, p.raised_by AS _raised_by,"
    " p.enterprise_id AS _enterprise_id";

/* What only a problem's own page shows besides. */
static const char problem_detail_columns[] =
    "p.description AS description, p.project_ref AS project, p.lead_ref AS lead, p.rating AS rating,"
    " p.rating_comment AS rating_comment";

static const char problem_from[] =
    " FROM problems p JOIN problem_categories c ON c.code = p.category JOIN enterprises e ON e.id = p.enterprise_id"
    " JOIN orgs d ON d.id = p.district_org_id JOIN orgs g ON g.id = p.department_org_id";

static json_t *problem_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *p = row_as_json(s);
	const char *status = json_string_value(json_object_get(p, "status"));
	json_object_set_new(p, "light",
	                    json_string(desk_light(status, db_named_int64(s, "due.accept:time"),
	                                           db_named_int64(s, "due.answer:time"), clock_now())));
	return p;
}

/* Load problem id for the caller: 404 when absent or not visible.  Fills the
** paths and status; returns the JSON (or NULL after answering). */
struct problem_ref {
	int64_t id, enterprise_id, raised_by;
	const char *status, *district_path, *department_path;
	int64_t accept_due, answer_due;
	int escalation;
};

static json_t *problem_load(struct request *r, int64_t id, struct problem_ref *ret)
{
	struct db_stmt *s;
	char *sql = arena_printf(r->arena, "SELECT %s, %s%s WHERE p.id = ?", problem_columns, problem_detail_columns,
	                         problem_from);
	int rc = db_prepare(r->db, &s, sql, "i", id);
	if (rc < 0) {
		reply_db_error(r, rc);
		return NULL;
	}
	rc = db_step(s);
	json_t *p = NULL;
	if (rc == DB_ROW) {
		struct problem_ref ref = {.id = id,
		                          .enterprise_id = db_named_int64(s, "_enterprise_id"),
		                          .raised_by = db_named_int64(s, "_raised_by"),
		                          .status = arena_strdup(r->arena, db_named_text(s, "status")),
		                          .district_path = arena_strdup(r->arena, db_named_text(s, "_district_path")),
		                          .department_path =
		                              arena_strdup(r->arena, db_named_text(s, "_department_path")),
		                          .accept_due = db_named_int64(s, "due.accept:time"),
		                          .answer_due = db_named_int64(s, "due.answer:time"),
		                          .escalation = (int)db_named_int64(s, "escalation")};
		bool visible;
		if (r->who.role == ROLE_ENTERPRISE) {
			int64_t linked = 0;
			visible =
			    db_query_int64(r->db, &linked,
			                   "SELECT 1 FROM enterprise_users WHERE user_id = ? AND enterprise_id = ?",
			                   "ii", r->who.user_id, ref.enterprise_id) == 0;
		} else {
			visible = desk_problem_visible(r, ref.district_path, ref.department_path);
		}
		if (visible) {
			p = problem_row_json(r, s);
			if (ret)
				*ret = ref;
		}
	}
	db_finalize(s);
	if (rc < 0)
		reply_db_error(r, rc);
	else if (!p)
		reply_error(r, 404, "not_found", NULL, "问题不存在 (no such problem)");
	return p;
}

/* Record an event (and its audit record) inside the caller's transaction. */
static int problem_event(struct request *r, int64_t id, const char *kind, const char *from, const char *to,
                         int64_t from_org, int64_t to_org, const char *text, const char *org_path)
{
	int rc =
	    db_run(r->db,
	           "INSERT INTO problem_events(problem_id, at, actor_id, actor, kind, from_status, to_status,"
	           " from_org_id, to_org_id, text) VALUES (?,?,?,?,?,?,?,?,?,?)",
	           "iiittttrrt", id, clock_now(), r->who.user_id, r->who.name, kind, from, to, from_org, to_org, text);
	if (rc < 0)
		return rc;
	struct audit_context ctx = audit_context_of(r);
	json_t *detail = json_pack("{s:s?, s:s?, s:s?}", "from", from, "to", to, "text", text);
	rc = audit_append(r->db, &ctx, arena_printf(r->arena, "problem.%s", kind), "problem",
	                  arena_printf(r->arena, "%lld", (long long)id), org_path, detail);
	json_decref(detail);
	return rc;
}

/*
** Publish a change: on the department's path it reaches the department, the
** district above it and the city; a city department's problem is also
** published on the district's path, so the district's consoles see it too.
*/
static void problem_publish(struct problem_ref *p, const char *status)
{
	json_t *data = json_pack("{s:I, s:s}", "id", (json_int_t)p->id, "status", status);
	events_publish("desk.problem", p->department_path, data);
	if (!path_within(p->department_path, p->district_path))
		events_publish("desk.problem", p->district_path, data);
	json_decref(data);
}

/* Commit and answer with the problem as it now is. */
static void finish(struct request *r, int rc, int64_t id, int status)
{
	if (!db_finish_or_reply(r, rc))
		return;
	struct problem_ref p;
	json_t *body = problem_load(r, id, &p);
	if (!body)
		return;
	problem_publish(&p, p.status);
	reply_json(r, status, body);
}

/* Where a problem raised now goes: its department and deadlines. */
struct problem_routing {
	int64_t department, at, accept_due, answer_due, solve_due;
};

/*
** Route a problem of category raised at instant `at` by an enterprise of the
** district: the routing rules pick the department (the district's own rule
** before the city's), the category's working days give the deadlines.
** Answers 422 (unknown category, no route) or the database error and returns
** false otherwise.  Raising and the preview both come here.
*/
static bool problem_destination(struct request *r, const char *category, int64_t district, int64_t at,
                                struct problem_routing *ret)
{
	int64_t days[3] = {0, 0, 0};
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s, "SELECT accept_days, answer_days, solve_days FROM problem_categories WHERE code = ?",
	               "t", category);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		for (int i = 0; i < 3; i++)
			days[i] = db_column_int64(s, i);
	db_finalize(s);
	if (rc == DB_DONE) {
		reply_error(r, 422, "unknown_category", "category", "未知的问题类别 %s (unknown category)", category);
		return false;
	}
	if (rc >= 0)
		rc = db_query_int64(
		    r->db, &ret->department,
		    "SELECT department_org_id FROM problem_routes WHERE category = ?"
		    " AND (district_org_id = ? OR district_org_id IS NULL) ORDER BY district_org_id IS NULL LIMIT 1",
		    "ti", category, district);
	if (rc == DB_DONE) {
		reply_error(r, 422, "no_route", "category",
		            "该类别尚未配置承办部门 (no department handles this category)");
		return false;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	ret->at = at;
	ret->accept_due = due_after(at, (int)days[0]);
	ret->answer_due = due_after(at, (int)days[1]);
	ret->solve_due = due_after(at, (int)days[2]);
	return true;
}

/*
** ROUTE: POST /api/v1/problems
** AUTH: admin,officer,agent,enterprise
** SUMMARY: 提交问题 Raise an enterprise's problem
** Body: {"enterprise","category","title","description","project","lead"}
** (project and lead optional: the code of a major project, or the id of an
** investment lead, of this enterprise; the problem then shows on its page).  An enterprise account raises its own; an
** officer or agent raises one on an enterprise's behalf (e.g. on a visit).
** The routing rules pick the department; deadlines follow the category.
*/
void problem_post(struct request *r)
{
	static const char *const fields[] = {"enterprise", "category", "title", "description", "project", "lead", NULL};
	int64_t enterprise_id;
	const char *category, *title, *description, *project, *lead;
	struct enterprise e;
	if (!body_only(r, fields) || !body_int64(r, "enterprise", FIELD_REQUIRED, 1, INT64_MAX, &enterprise_id, NULL) ||
	    !body_string(r, "category", FIELD_REQUIRED, 32, &category) ||
	    !body_string(r, "title", FIELD_REQUIRED, 200, &title) ||
	    !body_string(r, "description", FIELD_REQUIRED, 10000, &description) ||
	    !body_string(r, "project", FIELD_OPTIONAL, 64, &project) ||
	    !body_string(r, "lead", FIELD_OPTIONAL, 64, &lead) || !enterprise_for_caller(r, enterprise_id, &e))
		return;
	int64_t known = 0;
	if (project && db_query_int64(r->db, &known, "SELECT 1 FROM projects WHERE code = ? AND enterprise_id = ?", "ti",
	                              project, enterprise_id) != 0) {
		reply_error(r, 422, "unknown_project", "project", "该企业没有代码为 %s 的重大项目 (no such project of this enterprise)",
		            project);
		return;
	}
	if (lead &&
	    db_query_int64(r->db, &known, "SELECT 1 FROM leads WHERE CAST(id AS TEXT) = ? AND enterprise_id = ?", "ti",
	                   lead, enterprise_id) != 0) {
		reply_error(r, 422, "unknown_lead", "lead", "该企业没有编号为 %s 的招商线索 (no such lead of this enterprise)",
		            lead);
		return;
	}
	struct problem_routing to;
	if (!problem_destination(r, category, e.org_id, clock_now(), &to))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc =
		    db_run(r->db,
		           "INSERT INTO problems(enterprise_id, category, title, description, project_ref, lead_ref, "
		           "raised_by,"
		           " district_org_id, department_org_id, status, accept_due, answer_due, solve_due, "
		           "created_at, updated_at)"
		           " VALUES (?,?,?,?,?,?,?,?,?,'submitted',?,?,?,?,?)",
		           "itttttiiiiiiii", enterprise_id, category, title, description, project, lead, r->who.user_id,
		           e.org_id, to.department, to.accept_due, to.answer_due, to.solve_due, to.at, to.at);
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0)
		rc = problem_event(r, id, "submit", NULL, "submitted", 0, to.department, NULL, e.org_path);
	finish(r, rc, id, 201);
}

/*
** ROUTE: GET /api/v1/problems/routing
** AUTH: admin,officer,agent,enterprise
** SUMMARY: 问题将转办何部门及时限(提交前预览) Where a problem would go and its deadlines, before raising it
** ?enterprise=ID&category=CODE: the department and the deadlines (accept,
** answer, solve) that raising it now would give, by the same rules.
*/
void problem_routing_preview(struct request *r)
{
	int64_t enterprise_id;
	const char *category = query_arg(r, "category");
	if (!query_id(r, "enterprise", &enterprise_id))
		return;
	if (!enterprise_id || !category) {
		reply_error(r, 422, "invalid_query", enterprise_id ? "category" : "enterprise",
		            "请选择企业和问题类别 (enterprise and category are required)");
		return;
	}
	struct enterprise e;
	struct problem_routing to;
	if (!enterprise_for_caller(r, enterprise_id, &e) ||
	    !problem_destination(r, category, e.org_id, clock_now(), &to))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT code, name FROM orgs WHERE id = ?", "i", to.department);
	if (!db_row_or_reply(r, rc, s, "not_found", "承办部门不存在 (no such department)"))
		return;
	char accept[32], answer[32], solve[32];
	clock_format_iso(to.accept_due, accept);
	clock_format_iso(to.answer_due, answer);
	clock_format_iso(to.solve_due, solve);
	json_t *body = json_pack("{s:{s:I, s:s, s:s}, s:{s:s, s:s, s:s}}", "department", "id",
	                         (json_int_t)to.department, "code", db_column_text(s, 0), "name", db_column_text(s, 1),
	                         "due", "accept", accept, "answer", answer, "solve", solve);
	db_finalize(s);
	reply_json(r, 200, body);
}

/* The most problems a list's first page counts; beyond, it says "more than" this. */
enum { PROBLEM_LIST_COUNTED = 1000 };

/*
** ROUTE: GET /api/v1/problems
** AUTH: admin,leader,officer,agent,department,enterprise
** SUMMARY: 问题列表与待办(按紧急程度) Problems, and the caller's inbox by urgency
** ?waiting=1: only what waits on the caller (a department: its open problems;
** an enterprise: answers to confirm; a leader: escalated ones), most urgent
** first (at most ?limit=).  Otherwise every visible problem, the open ones by
** their current deadline (so the overdue first), then the answered and
** closed, newest first; ?status=, ?category=, ?overdue=1 (past the current
** deadline: the red light) and ?department=ID (the organisation handling it)
** filter; ?limit= and ?cursor= paginate; the first page's "total" counts every
** page, or "total_over": 1000 says there are more than that.
*/
void problem_list(struct request *r)
{
	int64_t limit, cursor, department = 0;
	if (!page_args(r, 50, 500, &limit, &cursor) || !query_id(r, "department", &department))
		return;
	const char *status = query_arg(r, "status"), *category = query_arg(r, "category"),
	           *waiting = query_arg(r, "waiting"), *overdue = query_arg(r, "overdue");
	if (overdue && strcmp(overdue, "1") != 0) {
		reply_error(r, 422, "invalid_filter", "overdue", "overdue 只能为 1 (overdue: 1 or absent)");
		return;
	}
	bool inbox = waiting && strcmp(waiting, "1") == 0;
	const char *who = r->who.role == ROLE_ENTERPRISE
	                      ? "p.enterprise_id IN (SELECT enterprise_id FROM enterprise_users WHERE user_id = ?2)"
	                  : r->who.role == ROLE_DEPARTMENT /* its own: the (department, current_due) index orders it */
	                      ? "p.department_org_id = ?5"
	                      : SQL_PROBLEM_IN_AREA;
	/* The filters are ?1..?8; the count binds those alone, a page ?9 (cursor), ?10 (limit) and ?11 besides. */
	const char *filters = " AND (?3 IS NULL OR p.status = ?3) AND (?4 IS NULL OR p.category = ?4)"
	                      " AND (?6 = 0 OR p.current_due < ?7) AND (?8 = 0 OR p.department_org_id = ?8)";
	const char *scope = r->who.role == ROLE_DEPARTMENT ? r->who.org_path : request_area(r);
	int64_t now = clock_now(), late = overdue ? 1 : 0;
	if (inbox) {
		/* The inbox: what waits on the caller, the nearest deadline first.  current_due
		** is a generated, indexed column (migration 0005): ordering needs no sort.
		** Deadlines are ends of days, so many tie: the oldest first, in index order. */
		const char *waits = " AND p.current_due IS NOT NULL",
		           *order = " AND p.id < ?9 ORDER BY p.current_due, p.id LIMIT ?10";
		if (r->who.role == ROLE_ENTERPRISE) {
			waits = " AND p.status = 'answered'";
			order = " AND p.id < ?9 ORDER BY p.updated_at, p.id DESC LIMIT ?10";
		} else if (r->who.role == ROLE_LEADER) {
			waits = " AND p.current_due IS NOT NULL AND p.escalation > 0";
		}
		struct db_stmt *s;
		int rc = db_prepare(r->db, &s,
		                    arena_printf(r->arena, "SELECT %s%s WHERE %s%s%s%s", problem_columns, problem_from,
		                                 who, waits, filters, order),
		                    "tittiiiiii", scope, r->who.user_id, status, category, r->who.org_id, late, now,
		                    department, cursor, limit);
		reply_rows(r, rc, s, problem_row_json, 0);
		return;
	}
	/*
	** The list: the open problems by their current deadline (so the overdue
	** first), then the answered and closed, newest first.  Each part is a walk
	** of an index (problems_due, then the primary key), not a sort of every
	** visible problem.  The cursor's row says in which part the page goes on.
	*/
	int64_t after_due = 0, total = 0;
	int rc = 0;
	if (cursor != INT64_MAX) {
		rc = db_query_int64(r->db, &after_due, "SELECT coalesce(current_due, 0) FROM problems WHERE id = ?",
		                    "i", cursor);
		if (rc == DB_DONE) {
			reply_error(r, 422, "invalid_query", "cursor", "cursor 无效 (invalid cursor)");
			return;
		}
	} else { /* the first page counts them, up to a bound: a city's million is not counted on every visit */
		rc = db_query_int64(
		    r->db, &total,
		    arena_printf(
		        r->arena,
		        "SELECT count(*) FROM (SELECT 1 FROM problems p JOIN orgs d ON d.id = p.district_org_id"
		        " JOIN orgs g ON g.id = p.department_org_id WHERE %s%s LIMIT %d) AS x",
		        who, filters, PROBLEM_LIST_COUNTED + 1),
		    "tittiiii", scope, r->who.user_id, status, category, r->who.org_id, late, now, department);
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	static const char *const parts[] = {
	    " AND p.current_due IS NOT NULL AND (p.current_due > ?11 OR (p.current_due = ?11 AND p.id > ?9))"
	    " ORDER BY p.current_due, p.id LIMIT ?10",
	    " AND p.current_due IS NULL AND p.id < ?9 ORDER BY p.id DESC LIMIT ?10"};
	json_t *items = json_array();
	int64_t last = 0;
	bool open = cursor == INT64_MAX || after_due != 0;
	for (int part = open ? 0 : 1; rc >= 0 && part < 2 && (int64_t)json_array_size(items) < limit; part++) {
		/* The first part starts after the cursor's (deadline, id), from the start when none; the second below the
		** cursor's id, from the newest when the page comes from the first. */
		int64_t from = part == 0 ? (cursor == INT64_MAX ? 0 : cursor) : open ? INT64_MAX : cursor;
		struct db_stmt *s;
		rc = db_prepare(r->db, &s,
		                arena_printf(r->arena, "SELECT %s%s WHERE %s%s%s", problem_columns, problem_from, who,
		                             filters, parts[part]),
		                part == 0 ? "tittiiiiiii" : "tittiiiiii" /* ?11 is the first part's alone */, scope,
		                r->who.user_id, status, category, r->who.org_id, late, now, department, from,
		                limit - (int64_t)json_array_size(items), after_due);
		while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
			last = db_named_int64(s, "id");
			json_array_append_new(items, problem_row_json(r, s));
		}
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(items);
		reply_db_error(r, rc);
		return;
	}
	json_t *body =
	    json_pack("{s:o, s:o}", "items", items, "next_cursor",
	              (int64_t)json_array_size(items) == limit ? json_sprintf("%lld", (long long)last) : json_null());
	if (cursor == INT64_MAX && total <= PROBLEM_LIST_COUNTED)
		json_object_set_new(body, "total", json_integer(total));
	else if (cursor == INT64_MAX)
		json_object_set_new(body, "total_over", json_integer(PROBLEM_LIST_COUNTED));
	reply_json(r, 200, body);
}

/*
** ROUTE: GET /api/v1/problems/{id}
** AUTH: admin,leader,officer,agent,department,enterprise
** SUMMARY: 问题详情与全过程 A problem with everything that happened to it
*/
void problem_get(struct request *r)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return;
	json_t *p = problem_load(r, id, NULL);
	if (!p)
		return;
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT e.id AS id, e.at AS \"at:time\", e.actor AS actor, coalesce(u.display_name, e.actor) AS actor_name,"
	    " e.kind AS kind, e.from_status AS from_status, e.to_status AS to_status, f.name AS from_org,"
	    " t.name AS to_org, e.text AS text FROM problem_events e LEFT JOIN users u ON u.id = e.actor_id"
	    " LEFT JOIN orgs f ON f.id = e.from_org_id"
	    " LEFT JOIN orgs t ON t.id = e.to_org_id WHERE e.problem_id = ? ORDER BY e.id",
	    "i", id);
	rc = rows_into(r, p, "events", rc, s, row_as_json_of);
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT id, name, content_type, size FROM problem_attachments WHERE problem_id = ? ORDER BY id",
		    "i", id);
		rc = rows_into(r, p, "attachments", rc, s, row_as_json_of);
	}
	reply_json_or_db_error(r, rc, p);
}

/* Who may move a problem on: the owning department (its staff, or an admin
** above it); for confirm and reopen, the enterprise or whoever raised it. */
static bool may_act(struct request *r, const struct problem_ref *p, bool enterprise_side)
{
	if (enterprise_side) {
		if (r->who.user_id == p->raised_by)
			return true;
		int64_t linked = 0;
		return r->who.role == ROLE_ENTERPRISE &&
		       db_query_int64(r->db, &linked,
		                      "SELECT 1 FROM enterprise_users WHERE user_id = ? AND enterprise_id = ?", "ii",
		                      r->who.user_id, p->enterprise_id) == 0;
	}
	return (r->who.role == ROLE_DEPARTMENT || r->who.role == ROLE_ADMIN) &&
	       path_within(p->department_path, r->who.org_path);
}

/*
** ROUTE: POST /api/v1/problems/{id}/transitions
** AUTH: admin,department,officer,agent,enterprise
** SUMMARY: 办理问题(受理、办理中、答复、确认办结、重新办理) Move a problem on
** Body: {"action": accept | start | answer | confirm | reopen, "text", "rating", "comment"}.
** accept, start and answer belong to the owning department (answer needs
** text); confirm (rating 1-5, optional comment) and reopen (text) to the
** enterprise or whoever raised it.  Out of order: 409 invalid_transition.
*/
void problem_transition(struct request *r)
{
	static const char *const fields[] = {"action", "text", "rating", "comment", NULL};
	static const struct {
		const char *action, *from, *from2, *to;
		bool enterprise_side, needs_text;
	} moves[] = {
	    {"accept", "submitted", NULL, "accepted", false, false},
	    {"start", "accepted", NULL, "in_progress", false, false},
	    {"answer", "accepted", "in_progress", "answered", false, true},
	    {"confirm", "answered", NULL, "closed", true, false},
	    {"reopen", "answered", NULL, "in_progress", true, true},
	};
	int64_t id, rating = 0;
	bool has_rating;
	const char *action, *text, *comment;
	struct problem_ref p;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "action", FIELD_REQUIRED, 16, &action) ||
	    !body_string(r, "text", FIELD_OPTIONAL, 10000, &text) ||
	    !body_int64(r, "rating", FIELD_OPTIONAL, 1, 5, &rating, &has_rating) ||
	    !body_string(r, "comment", FIELD_OPTIONAL, 2000, &comment))
		return;
	size_t m = 0;
	while (m < sizeof moves / sizeof moves[0] && strcmp(moves[m].action, action) != 0)
		m++;
	if (m == sizeof moves / sizeof moves[0]) {
		reply_error(r, 422, "invalid_value", "action",
		            "action 应为 accept/start/answer/confirm/reopen (unknown action)");
		return;
	}
	json_t *before = problem_load(r, id, &p);
	if (!before)
		return;
	json_decref(before);
	if (!may_act(r, &p, moves[m].enterprise_side)) {
		reply_error(r, 403, "forbidden", NULL, "此操作不属于您 (this step is not yours to take)");
		return;
	}
	if (strcmp(p.status, moves[m].from) != 0 && !(moves[m].from2 && strcmp(p.status, moves[m].from2) == 0)) {
		reply_error(r, 409, "invalid_transition", "action",
		            "问题当前状态为 %s,不能 %s (cannot %s a problem that is %s)", p.status, action, action,
		            p.status);
		return;
	}
	if (moves[m].needs_text && !text) {
		reply_error(r, 422, "missing_field", "text", "请填写说明 (text is required)");
		return;
	}
	if (strcmp(action, "confirm") == 0 && !has_rating) {
		reply_error(r, 422, "missing_field", "rating", "请为办理结果评分 1-5 (rating 1 to 5 is required)");
		return;
	}
	int64_t now = clock_now();
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE problems SET status = ?2, updated_at = ?3,"
		            " accepted_at = CASE WHEN ?1 = 'accept' THEN ?3 ELSE accepted_at END,"
		            " answered_at = CASE WHEN ?1 = 'answer' THEN ?3 ELSE answered_at END,"
		            " closed_at = CASE WHEN ?1 = 'confirm' THEN ?3 ELSE closed_at END,"
		            " rating = CASE WHEN ?1 = 'confirm' THEN ?4 ELSE rating END,"
		            " rating_comment = CASE WHEN ?1 = 'confirm' THEN ?5 ELSE rating_comment END,"
		            " reopened = reopened + CASE WHEN ?1 = 'reopen' THEN 1 ELSE 0 END,"
		            " answer_due = CASE WHEN ?1 = 'reopen' THEN ?6 ELSE answer_due END WHERE id = ?7",
		            "ttiitii", action, moves[m].to, now, rating, comment, due_after(now, 5), id);
	if (rc == 0)
		rc = problem_event(r, id, action, p.status, moves[m].to, 0, 0, text ? text : comment, p.district_path);
	finish(r, rc, id, 200);
}

/*
** ROUTE: POST /api/v1/problems/{id}/route
** AUTH: admin,leader
** SUMMARY: 转办(改派承办部门) Hand a problem to another department
** Body: {"department": CODE, "reason"}.  The new department must accept it
** again (a fresh acceptance deadline); the hand-over is kept with its reason.
** The department must be in the caller's area (a district's own departments,
** every department for the city): 403 out_of_scope otherwise.
*/
void problem_route(struct request *r)
{
	static const char *const fields[] = {"department", "reason", NULL};
	int64_t id;
	const char *code, *reason;
	struct problem_ref p;
	struct org to;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "department", FIELD_REQUIRED, 32, &code) ||
	    !body_string(r, "reason", FIELD_REQUIRED, 2000, &reason))
		return;
	json_t *before = problem_load(r, id, &p);
	if (!before)
		return;
	json_decref(before);
	if (!path_within(p.district_path, r->who.org_path) && !path_within(p.department_path, r->who.org_path)) {
		reply_error(r, 403, "out_of_scope", NULL, "该问题不在您的调度范围内 (problem outside your scope)");
		return;
	}
	if (strcmp(p.status, "closed") == 0) {
		reply_error(r, 409, "invalid_transition", NULL, "问题已办结 (the problem is closed)");
		return;
	}
	int rc = org_find_by_code(r->db, r->arena, code, &to);
	if (rc == DB_DONE || (rc == 0 && strcmp(to.kind, "department") != 0)) {
		reply_error(r, 422, "unknown_department", "department", "%s 不是部门 (not a department)", code);
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (strcmp(to.path, p.department_path) == 0) {
		reply_error(r, 422, "invalid_value", "department", "已由该部门承办 (already with that department)");
		return;
	}
	/* A hand-over stays where the caller could route: a district's departments for the
	** district, any for the city.  Handing it elsewhere would show it to another branch. */
	if (!path_within(to.path, request_area(r))) {
		reply_error(r, 403, "out_of_scope", "department",
		            "%s 不在您的调度范围内 (department outside your area)", to.name);
		return;
	}
	int64_t now = clock_now(), from_org = 0;
	rc = db_query_int64(r->db, &from_org, "SELECT department_org_id FROM problems WHERE id = ?", "i", id);
	if (rc == 0)
		rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "UPDATE problems SET department_org_id = ?, status = 'submitted', accept_due = ?, updated_at = ?"
		    " WHERE id = ?",
		    "iiii", to.id, due_after(now, 1), now, id);
	if (rc == 0)
		rc = problem_event(r, id, "route", p.status, "submitted", from_org, to.id, reason, p.district_path);
	finish(r, rc, id, 200);
}

/*
** ROUTE: POST /api/v1/problems/{id}/comments
** AUTH: admin,leader,officer,agent,department,enterprise
** SUMMARY: 留言 Comment on a problem
** Body: {"text"}.  Anyone who can see the problem may comment.
*/
void problem_comment(struct request *r)
{
	static const char *const fields[] = {"text", NULL};
	int64_t id;
	const char *text;
	struct problem_ref p;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "text", FIELD_REQUIRED, 4000, &text))
		return;
	json_t *before = problem_load(r, id, &p);
	if (!before)
		return;
	json_decref(before);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = problem_event(r, id, "comment", NULL, NULL, 0, 0, text, p.district_path);
	finish(r, rc, id, 201);
}

static json_t *category_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	return json_pack("{s:s, s:s, s:I, s:I, s:I}", "code", db_column_text(s, 1), "name", db_column_text(s, 2),
	                 "accept_days", (json_int_t)db_column_int64(s, 3), "answer_days",
	                 (json_int_t)db_column_int64(s, 4), "solve_days", (json_int_t)db_column_int64(s, 5));
}

/*
** ROUTE: GET /api/v1/problems/categories
** AUTH: any
** SUMMARY: 问题类别与办理时限 Problem categories and their time limits
*/
void problem_categories(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT 0, code, name, accept_days, answer_days, solve_days FROM problem_categories ORDER BY sort", NULL);
	reply_rows(r, rc, s, category_row_json, 0);
}
