/*
** The workbench (工作台): each person's home page, one card group a role,
** each figure what waits for them, how much of it is red (late), and the
** console page with the query that lists exactly those things, most urgent
** first.  The side menu's badges are the same figures summed by page.
**
** Every figure counts with the conditions of the list it links to and the
** scope rules of its module (request_area(), projects_scope_sql(), the
** desk's inbox), so the number on the card is the number of rows the list
** shows; tests/api/test_workbench.c holds each to its list.  The leaders'
** screen (GET /api/v1/indicators/screen/{group}) is a leader's workbench;
** the leader group here is what a leader whose area has no screen sees.
*/
#include <string.h>

#include "core/clock.h"
#include "desk/desk.h"
#include "http/auth.h"
#include "org/org.h"
#include "projects/projects.h"

/*
** One figure: the statement s (rc is db_prepare()'s result) gives one row
** with "count" and "red" and whatever else the card shows; key names the
** figure, page the console page (router.js name) whose badge it adds to,
** path and query (JSON text, or NULL) the list behind it (no path: a figure
** with no list, e.g. the last backup), red_query that list narrowed to the
** red ones (NULL when the list has no such filter).
** badge names the column that waits for the caller ("count" for a to-do,
** NULL for a figure that only informs).
*/
struct figure {
	const char *key, *page, *path, *query, *red_query, *badge;
};

/* When the figures are counted: now, and today's day number in Beijing. */
struct moment {
	int64_t now;
	int32_t today;
};

static json_t *route_json(const char *path, const char *query)
{
	json_t *q = query ? json_loads(query, 0, NULL) : NULL;
	return json_pack("{s:s, s:o}", "path", path, "query", q ? q : json_object());
}

static int figure_add(json_t *figures, const struct figure *f, int rc, struct db_stmt *s)
{
	if (rc < 0)
		return rc;
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_finalize(s);
		return rc < 0 ? rc : DB_ERROR; /* an aggregate always has its row */
	}
	json_t *o = row_as_json(s);
	db_finalize(s);
	json_object_set_new(o, "key", json_string(f->key));
	json_object_set_new(o, "page", json_string(f->page));
	if (f->path)
		json_object_set_new(o, "route", route_json(f->path, f->query));
	if (f->red_query)
		json_object_set_new(o, "red_route", route_json(f->path, f->red_query));
	json_t *badge = f->badge ? json_object_get(o, f->badge) : NULL;
	json_object_set_new(o, "waiting", json_integer(badge ? json_integer_value(badge) : 0));
	json_array_append_new(figures, o);
	return 0;
}

/* ---- the figures, each with its list's conditions ----------------------- */

/* The desk's inbox (GET /problems?waiting=1): open problems on the caller's
** branch (a department: its own) with a deadline running; red when past it.
** A leader's inbox is the escalated ones: a leader's figure is those overdue,
** as the list's ?state=overdue shows them. */
static int problems_waiting(struct request *r, json_t *out, const struct moment *m)
{
	int64_t now = m->now;
	static const struct figure waiting = {
	    "problems", "deskProblems", "/desk/problems", NULL, "{\"state\":\"overdue\"}", "count"};
	static const struct figure overdue = {"problemsOverdue",         "deskProblems", "/desk/problems",
	                                      "{\"state\":\"overdue\"}", NULL,           NULL};
	static const char select[] =
	    "SELECT count(%s) AS count, count(CASE WHEN p.current_due < ?2 THEN 1 END) AS red"
	    " FROM problems p JOIN orgs d ON d.id = p.district_org_id"
	    " JOIN orgs g ON g.id = p.department_org_id WHERE p.current_due IS NOT NULL AND %s";
	bool leader = r->who.role == ROLE_LEADER;
	const char *n = leader ? "CASE WHEN p.current_due < ?2 THEN 1 END" : "*";
	struct db_stmt *s;
	int rc = r->who.role == ROLE_DEPARTMENT
	             ? db_prepare(r->db, &s, arena_printf(r->arena, select, n, "p.department_org_id = ?1"), "ii",
	                          r->who.org_id, now)
	             : db_prepare(r->db, &s, arena_printf(r->arena, select, n, SQL_PROBLEM_IN_AREA), "ti",
	                          request_area(r), now);
	return figure_add(out, leader ? &overdue : &waiting, rc, s);
}

/* The key enterprises the caller answers for (GET /invest/key-enterprises?mine=1)
** whose visit is due today or overdue (red). */
static int visits_due(struct request *r, json_t *out, const struct moment *m)
{
	int32_t today = m->today;
	static const struct figure f = {"visits", "investService", "/invest/service", "{\"mine\":\"1\"}",
	                                NULL,     "count"};
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT count(*) AS count, count(CASE WHEN due < ?3 THEN 1 END) AS red FROM"
	    " (SELECT coalesce(v.last + k.every_days, (k.assigned_at + 28800) / 86400) AS due"
	    "  FROM key_enterprises k JOIN enterprises e ON e.id = k.enterprise_id"
	    "  JOIN orgs o ON o.id = e.org_id JOIN users u ON u.id = k.officer_id"
	    "  LEFT JOIN (SELECT enterprise_id, max(happened_on) AS last FROM visits GROUP BY enterprise_id) v"
	    "   ON v.enterprise_id = e.id"
	    "  WHERE " SQL_ON_BRANCH("o.path", "?1") " AND k.officer_id = ?2) x WHERE due <= ?3",
	    "tii", request_area(r), r->who.user_id, (int64_t)today);
	return figure_add(out, &f, rc, s);
}

/* The caller's open follow-ups (GET /projects/followups) due today or overdue (red). */
static int followups_due(struct request *r, json_t *out, const struct moment *m)
{
	int32_t today = m->today;
	static const struct figure f = {"followups", "projectFollowups", "/projects/followups", NULL, NULL, "count"};
	const char *bind, *scope = projects_scope_sql(r, 1, &bind);
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    arena_printf(r->arena,
	                                 "SELECT count(*) AS count, count(CASE WHEN f.next_due < ?3 THEN 1 END) AS red"
	                                 " FROM project_followups f JOIN projects p ON p.id = f.project_id"
	                                 " JOIN orgs o ON o.id = p.district_org_id"
	                                 " WHERE f.closed_at IS NULL AND f.next_due <= ?3 AND f.agent_id = ?2 AND %s",
	                                 scope),
	                    "tii", bind, r->who.user_id, (int64_t)today);
	return figure_add(out, &f, rc, s);
}

/* Leads offered to the caller's district (GET /invest/transfers). */
static int transfers_offered(struct request *r, json_t *out, const struct moment *m)
{
	(void)m;
	static const struct figure f = {"transfers", "investTransfers", "/invest/transfers", NULL, NULL, "count"};
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT count(DISTINCT t.id) AS count, 0 AS red FROM lead_transfers t"
	                    " JOIN lead_transfer_targets x ON x.transfer_id = t.id JOIN orgs o ON o.id = x.org_id"
	                    " WHERE t.status = 'offered' AND o.path = ?1",
	                    "t", request_area(r));
	return figure_add(out, &f, rc, s);
}

/* Ceremonies on the caller's branch (GET /invest/ceremonies) with agreements
** not yet signed; red once their day has passed. */
static int ceremonies_unsigned(struct request *r, json_t *out, const struct moment *m)
{
	int32_t today = m->today;
	static const struct figure f = {
	    "ceremonies", "investCeremonies", "/invest/ceremonies", "{\"waiting\":\"1\"}", NULL, "count"};
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT count(*) AS count, count(CASE WHEN held_on < ?2 THEN 1 END) AS red FROM"
	                    " (SELECT c.held_on AS held_on FROM ceremonies c JOIN orgs o ON o.id = c.host_org_id"
	                    "  JOIN agreements a ON a.ceremony_id = c.id WHERE " SQL_ON_BRANCH(
	                        "o.path", "?1") "  GROUP BY c.id HAVING count(a.signed_at) < count(a.id)) x",
	                    "ti", request_area(r), (int64_t)today);
	return figure_add(out, &f, rc, s);
}

/* The department's open approval items (GET /projects/items), of which those
** to accept (pending, prerequisites done) and to finish (accepted). */
static int items_open(struct request *r, json_t *out, const struct moment *m)
{
	int64_t now = m->now;
	static const struct figure f = {"items", "projectItems",        "/projects/items",
	                                NULL,    "{\"light\":\"red\"}", "count"};
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT count(*) AS count, count(CASE WHEN i.red_at <= ?2 THEN 1 END) AS red,"
	                    " count(CASE WHEN i.status = 'pending' THEN 1 END) AS to_accept,"
	                    " count(CASE WHEN i.status = 'accepted' THEN 1 END) AS to_finish"
	                    " FROM project_items i JOIN orgs g ON g.id = i.department_org_id"
	                    " WHERE g.code = ?1 AND (i.status IN ('accepted', 'returned', 'refused') OR (i.status = "
	                    "'pending' AND NOT EXISTS"
	                    "  (SELECT 1 FROM project_item_prereqs x JOIN project_items q ON q.id = x.requires_id"
	                    "   WHERE x.item_id = i.id AND q.status <> 'done')))",
	                    "ti", r->who.org_code, now);
	return figure_add(out, &f, rc, s);
}

/* Projects on the caller's branch (GET /projects?light=), the caller's own as agent with mine. */
static int projects_by_light(struct request *r, json_t *out, int64_t now, bool mine, bool red)
{
	static const struct figure figs[2][2] = {
	    {{"projectsYellow", "projects", "/projects", "{\"light\":\"yellow\"}", NULL, NULL},
	     {"projectsRed", "projects", "/projects", "{\"light\":\"red\"}", NULL, NULL}},
	    {{"projectsYellow", "projects", "/projects", "{\"light\":\"yellow\",\"mine\":\"1\"}", NULL, "count"},
	     {"projectsRed", "projects", "/projects", "{\"light\":\"red\",\"mine\":\"1\"}", NULL, "count"}}};
	const char *bind, *scope = projects_scope_sql(r, 1, &bind);
	const char *light = red ? "p.red_at <= ?2" : SQL_YELLOW("p.", "?2");
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    arena_printf(r->arena,
	                 "SELECT count(*) AS count, %s AS red, coalesce(sum(p.investment_wan), 0) AS investment_wan"
	                 " FROM projects p JOIN orgs o ON o.id = p.district_org_id"
	                 " WHERE %s AND (?3 = 0 OR p.agent_id = ?3) AND %s",
	                 red ? "count(*)" : "0", scope, light),
	    "tii", bind, now, mine ? r->who.user_id : (int64_t)0);
	return figure_add(out, &figs[mine][red], rc, s);
}

/* The caller's own projects as agent, red and yellow. */
static int my_projects(struct request *r, json_t *out, const struct moment *m)
{
	int rc = projects_by_light(r, out, m->now, true, true);
	return rc < 0 ? rc : projects_by_light(r, out, m->now, true, false);
}

/* Every project on the caller's branch, red and yellow. */
static int area_projects(struct request *r, json_t *out, const struct moment *m)
{
	int rc = projects_by_light(r, out, m->now, false, true);
	return rc < 0 ? rc : projects_by_light(r, out, m->now, false, false);
}

/* Approval items of the agent's projects returned for 补正 (each on its project's page), the oldest first. */
static int items_returned(struct request *r, json_t *out, const struct moment *m)
{
	(void)m;
	static const struct figure f = {"itemsReturned", "projects", "/projects", "{\"mine\":\"1\"}", NULL, "count"};
	const char *bind, *scope = projects_scope_sql(r, 1, &bind);
	struct db_stmt *s;
	char *from = arena_printf(r->arena,
	                          " FROM project_items i JOIN approval_items a ON a.code = i.item_code"
	                          " JOIN orgs g ON g.id = i.department_org_id JOIN projects p ON p.id = i.project_id"
	                          " JOIN orgs o ON o.id = p.district_org_id"
	                          " WHERE i.status = 'returned' AND p.agent_id = ?2 AND %s",
	                          scope);
	int rc = db_prepare(r->db, &s, arena_printf(r->arena, "SELECT count(*) AS count, 0 AS red%s", from), "ti", bind,
	                    r->who.user_id);
	if ((rc = figure_add(out, &f, rc, s)) < 0)
		return rc;
	rc = db_prepare(r->db, &s,
	                arena_printf(r->arena,
	                             "SELECT i.id AS id, a.name AS name, g.name AS department, p.id AS \"project.id\","
	                             " p.name AS \"project.name\"%s ORDER BY i.id LIMIT 5",
	                             from),
	                "ti", bind, r->who.user_id);
	rc = rows_into(r, json_array_get(out, json_array_size(out) - 1), "items", rc, s, row_as_json_of);
	return rc;
}

/* Accounts of the caller's scope: active, disabled, and locked now by the login throttle
** (an account refused for repeated failures within the throttle's window). */
static int accounts(struct request *r, json_t *out, const struct moment *m)
{
	int64_t now = m->now;
	static const struct figure f = {"accounts", "users", "/users", NULL, NULL, "locked"};
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT count(CASE WHEN u.disabled = 0 THEN 1 END) AS count,"
	                    " count(CASE WHEN u.disabled = 1 THEN 1 END) AS disabled,"
	                    " count(CASE WHEN u.disabled = 0 AND u.id IN (SELECT actor_id FROM audit_log"
	                    "  WHERE action = 'session.login_blocked' AND at >= ?2) THEN 1 END) AS locked, 0 AS red"
	                    " FROM users u JOIN orgs o ON o.id = u.org_id WHERE substr(o.path, 1, length(?1)) = ?1",
	                    "ti", r->who.org_path, now - LOGIN_FAILURE_WINDOW);
	return figure_add(out, &f, rc, s);
}

/* The payment channels' and merchants' API keys: in use and disabled.  (Keys do not expire.) */
static int api_keys(struct request *r, json_t *out, const struct moment *m)
{
	(void)m;
	static const struct figure f = {"keys", "home", NULL, NULL, NULL, NULL};
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT count(CASE WHEN disabled = 0 THEN 1 END) AS count,"
	                    " count(CASE WHEN disabled = 1 THEN 1 END) AS disabled, 0 AS red,"
	                    " min(CASE WHEN disabled = 0 THEN created_at END) AS \"oldest:time\" FROM api_keys",
	                    NULL);
	return figure_add(out, &f, rc, s);
}

/* What the last `banyan check` found, {"at","ok","audit_upto"}: its note beside the database
** (CHECK_NOTE_SUFFIX), or on PostgreSQL the last row of check_notes; NULL when never checked. */
static json_t *last_check(struct request *r)
{
	if (!db_is_postgres(db_path(r->db)))
		return json_load_file(arena_printf(r->arena, "%s%s", db_path(r->db), CHECK_NOTE_SUFFIX), 0, NULL);
	struct db_stmt *s;
	json_t *note = NULL;
	if (db_prepare(r->db, &s, "SELECT at, ok, audit_upto FROM check_notes ORDER BY id DESC LIMIT 1", NULL) == 0 &&
	    db_step(s) == DB_ROW)
		note = json_pack("{s:I, s:b, s:I}", "at", (json_int_t)db_column_int64(s, 0), "ok",
		                 db_column_int64(s, 1) == 1, "audit_upto", (json_int_t)db_column_int64(s, 2));
	db_finalize(s);
	return note;
}

/* The audit chain: its rows and head, and how far the last `banyan check` found it
** holding (last_check()); red when that check failed.
** Nothing deletes audit rows (triggers refuse it) and ids count from 1, so the head's id
** is the number of rows without counting them. */
static int audit_chain(struct request *r, json_t *out, const struct moment *m)
{
	(void)m;
	static const struct figure f = {"audit", "audit", "/audit", NULL, NULL, NULL};
	json_t *note = last_check(r);
	json_t *at = json_object_get(note, "at"), *ok = json_object_get(note, "ok");
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT coalesce(max(id), 0) AS count, max(id) AS head, max(at) AS \"head_at:time\", ?1 AS red"
	               " FROM audit_log",
	               "i", (int64_t)json_is_false(ok));
	rc = figure_add(out, &f, rc, s);
	if (rc == 0) {
		char when[32];
		if (json_is_integer(at))
			clock_format_iso(json_integer_value(at), when);
		json_object_set_new(json_array_get(out, json_array_size(out) - 1), "checked",
		                    json_is_integer(at)
		                        ? json_pack("{s:s, s:b, s:O}", "at", when, "ok", json_is_true(ok), "upto",
		                                    json_object_get(note, "audit_upto"))
		                        : json_null());
	}
	json_decref(note);
	return rc;
}

/* The last backup (`banyan backup`): when, and red when there is none or it is over a day old. */
static int backups(struct request *r, json_t *out, const struct moment *m)
{
	static const struct figure f = {"backup", "home", NULL, NULL, NULL, NULL};
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT count(*) AS count, max(at) AS \"last_at:time\", ?1 - max(at) AS age_seconds,"
	                    " CASE WHEN max(at) IS NULL OR max(at) < ?1 - 86400 THEN 1 ELSE 0 END AS red FROM backups",
	                    "i", m->now);
	return figure_add(out, &f, rc, s);
}

/* ---- the groups ------------------------------------------------------- */

/*
** A role's card group: its figures, in the order of the card when none is
** red.  A figure of a duty's work (visits, transfers, signing: investment
** promotion) shows only to staff whose organisation holds the duty: an
** officer of a service centre has problems and follow-ups, not leads.
*/
struct group {
	const char *name;
	enum role roles[3];
	struct {
		int (*count)(struct request *r, json_t *out, const struct moment *m);
		const char *duty;
	} figures[6];
};

static const struct group groups[] = {
    {"officer",
     {ROLE_OFFICER},
     {{problems_waiting, NULL},
      {visits_due, "invest"},
      {followups_due, NULL},
      {transfers_offered, "invest"},
      {ceremonies_unsigned, "invest"}}},
    {"bureau", {ROLE_DEPARTMENT}, {{items_open, NULL}, {problems_waiting, NULL}}},
    {"agent", {ROLE_AGENT}, {{my_projects, NULL}, {followups_due, NULL}, {items_returned, NULL}}},
    /* A leader without the screen: the projects by light and the problems past their deadlines in the area. */
    {"leader", {ROLE_LEADER}, {{area_projects, NULL}, {problems_waiting, NULL}}},
    {"admin",
     {ROLE_ADMIN, ROLE_SECURITY, ROLE_AUDITOR},
     {{accounts, NULL}, {api_keys, NULL}, {audit_chain, NULL}, {backups, NULL}}},
};

static const struct group *group_of_role(enum role role)
{
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		for (size_t j = 0; j < 3 && groups[i].roles[j]; j++)
			if (groups[i].roles[j] == role)
				return &groups[i];
	return NULL;
}

/* The group's figures, those with red ones first (in the group's order otherwise). */
static int group_figures(struct request *r, const struct group *g, json_t **ret)
{
	struct moment m = {.now = clock_now()};
	m.today = clock_local_day(m.now);
	json_t *all = json_array();
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < sizeof g->figures / sizeof g->figures[0] && g->figures[i].count; i++) {
		rc = g->figures[i].duty ? duty_held(r, g->figures[i].duty) : 1;
		if (rc > 0)
			rc = g->figures[i].count(r, all, &m);
	}
	if (rc < 0) {
		json_decref(all);
		return rc;
	}
	json_t *sorted = json_array();
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		json_t *f;
		json_array_foreach(all, i, f)
		{
			if ((json_integer_value(json_object_get(f, "red")) > 0) == (pass == 0))
				json_array_append(sorted, f);
		}
	}
	json_decref(all);
	*ret = sorted;
	return 0;
}

/*
** ROUTE: GET /api/v1/workbench/{group}
** AUTH: admin,security,auditor,leader,officer,agent,department
** SUMMARY: 工作台 One card group of the caller's home page: what waits, how much is late, and the list behind each
** {group}: officer, bureau (an approving department), agent, leader (when the
** leaders' screen has nothing for the leader's area), admin (the three
** administrators).  Each figure: key, count, red (late), page (the console's
** menu page), route {path, query} of the list behind it and, where that list
** filters them, red_route; those with red ones first.  A role reads only its
** own group: 403 wrong_group otherwise, 404 for no such group.
*/
void workbench_get(struct request *r)
{
	const char *name = route_param(r, "group");
	const struct group *g = NULL, *mine = group_of_role(r->who.role);
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (strcmp(groups[i].name, name) == 0)
			g = &groups[i];
	if (!g) {
		reply_error(r, 404, "unknown_group", NULL,
		            "工作台没有这组卡片 (no such card group: officer, bureau, agent, leader, admin)");
		return;
	}
	if (g != mine) {
		reply_error(r, 403, "wrong_group", NULL, "这组卡片不属于您的工作台 (not your workbench's group: %s)",
		            mine ? mine->name : "none");
		return;
	}
	json_t *figures;
	int rc = group_figures(r, g, &figures);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	reply_json(r, 200, json_pack("{s:s, s:o}", "group", g->name, "figures", figures));
}

/*
** ROUTE: GET /api/v1/workbench/counts
** AUTH: admin,security,auditor,leader,officer,agent,department
** SUMMARY: 菜单待办数 What waits for the caller, by console menu page, for the menu's badges
** {"deskProblems": 3, "projectFollowups": 1, ...}: the workbench's figures
** that wait on the caller, summed by page; pages with nothing waiting are left out.
*/
void workbench_counts(struct request *r)
{
	const struct group *g = group_of_role(r->who.role);
	json_t *figures = NULL, *counts = json_object();
	int rc = g ? group_figures(r, g, &figures) : 0;
	if (rc < 0) {
		json_decref(counts);
		reply_db_error(r, rc);
		return;
	}
	size_t i;
	json_t *f;
	json_array_foreach(figures, i, f)
	{
		const char *page = json_string_value(json_object_get(f, "page"));
		json_int_t n = json_integer_value(json_object_get(f, "waiting"));
		if (n > 0)
			json_object_set_new(counts, page,
			                    json_integer(n + json_integer_value(json_object_get(counts, page))));
	}
	json_decref(figures);
	reply_json(r, 200, counts);
}
