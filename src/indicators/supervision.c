/*
** Supervised tasks (督办): a unit on a ranking's black list, or an indicator
** whose year to date is behind its annual target, becomes a task with an
** owner and a due date, followed like a desk problem: open → in_progress →
** done, reopened by the city's bureau, each move and progress note kept,
** overdue red.  Its state shows beside the figure (task_brief()).
*/
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "indicators/internal.h"
#include "org/org.h"

/* Lights as the desk's: red once past the due date, yellow within three days of it. */
enum { TASK_YELLOW_DAYS = 3 };

/* The columns of a task as JSON (TASK in docs/api.md). */
#define TASK_SELECT                                                                                                    \
	"SELECT t.id AS id, t.source AS source, t.title AS title, t.unit AS \"unit.code\","                             \
	" coalesce(o.name, t.unit) AS \"unit.name\", t.period AS period, k.code AS _ranking, k.name AS _ranking_name,"  \
	" i.code AS _indicator, i.name AS _indicator_name, w.username AS \"owner.username\","                          \
	" w.display_name AS \"owner.name\", t.due_on AS \"due_on:date\", t.due_on AS _due, t.state AS state,"          \
	" c.username AS \"created_by.username\", c.display_name AS \"created_by.name\","                               \
	" t.created_at AS \"created_at:time\", t.done_at AS \"done_at:time\", t.owner_id AS _owner"                    \
	" FROM indicator_tasks t JOIN users w ON w.id = t.owner_id JOIN users c ON c.id = t.created_by"                \
	" LEFT JOIN orgs o ON o.code = t.unit LEFT JOIN rankings k ON k.id = t.ranking_id"                             \
	" LEFT JOIN indicators i ON i.id = t.indicator_id"

static int32_t today(void)
{
	return clock_local_day(clock_now());
}

/* red, yellow or green for a task due on due in state. */
static const char *task_light(int64_t due, const char *state)
{
	if (strcmp(state, "done") == 0)
		return "green";
	return due < today() ? "red" : due - today() <= TASK_YELLOW_DAYS ? "yellow" : "green";
}

static json_t *named_or_null(struct db_stmt *s, const char *code, const char *name)
{
	if (db_named_is_null(s, code))
		return json_null();
	return json_pack("{s:s, s:s}", "code", db_named_text(s, code), "name", db_named_text(s, name));
}

static json_t *task_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *o = row_as_json(s);
	const char *state = db_named_text(s, "state");
	int64_t due = db_named_int64(s, "_due");
	const char *light = task_light(due, state);
	json_object_set_new(o, "ranking", named_or_null(s, "_ranking", "_ranking_name"));
	json_object_set_new(o, "indicator", named_or_null(s, "_indicator", "_indicator_name"));
	json_object_set_new(o, "light", json_string(light));
	json_object_set_new(o, "overdue", json_boolean(strcmp(light, "red") == 0));
	return o;
}

json_t *task_brief(struct request *r, const char *unit, const char *period, int64_t ranking_id, int64_t indicator_id)
{
	struct db_stmt *s;
	json_t *out = NULL;
	int rc = db_prepare(r->db, &s,
	                    "SELECT id, state, due_on FROM indicator_tasks WHERE unit = ? AND period = ? AND"
	                    " (ranking_id = ? OR indicator_id = ?) AND state <> 'done' ORDER BY id DESC LIMIT 1",
	                    "ttii", unit, period, ranking_id, indicator_id);
	if (rc >= 0 && db_step(s) == DB_ROW) {
		char due[11];
		clock_format_date((int32_t)db_column_int64(s, 2), due);
		const char *state = db_column_text(s, 1);
		out = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)db_column_int64(s, 0), "state", state,
		                "due_on", due, "overdue",
		                strcmp(task_light(db_column_int64(s, 2), state), "red") == 0);
	}
	db_finalize(s);
	return out ? out : json_null();
}

/* Answer a task by id with its notes (200, or status given). */
static void reply_task(struct request *r, int status, int64_t id)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, TASK_SELECT " WHERE t.id = ?", "i", id);
	if (!db_row_or_reply(r, rc, s, "unknown_task", "督办事项不存在 (no such task)"))
		return;
	json_t *o = task_json(r, s);
	db_finalize(s);
	rc = db_prepare(r->db, &s,
	                "SELECT n.at AS \"at:time\", u.username AS \"by.username\", u.display_name AS \"by.name\","
	                " n.action AS action, n.text AS text FROM indicator_task_notes n JOIN users u ON u.id = n.by_id"
	                " WHERE n.task_id = ? ORDER BY n.id",
	                "i", id);
	rc = rows_into(r, o, "notes", rc, s, row_as_json_of);
	if (rc < 0) {
		json_decref(o);
		reply_db_error(r, rc);
		return;
	}
	reply_json(r, status, o);
}

/* The task's unit if the caller may see it: true, or answered 404 (a task out of scope does not exist for them). */
static bool task_unit_or_reply(struct request *r, int64_t id, struct ind_unit *ret, const char **ret_period)
{
	const char *unit = NULL;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT unit, period FROM indicator_tasks WHERE id = ?", "i", id);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		unit = arena_strdup(r->arena, db_column_text(s, 0));
		*ret_period = arena_strdup(r->arena, db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	struct refusal why;
	rc = unit ? ind_unit_check(r, unit, false, ret, &why) : -EINVAL;
	if (rc == 0)
		return true;
	if (rc == -EINVAL)
		reply_error(r, 404, "unknown_task", NULL, "督办事项不存在 (no such task)");
	else
		reply_db_error(r, rc);
	return false;
}

/* Record a note (and a move) on a task, audited, inside the caller's transaction. */
static int task_note(struct request *r, int64_t id, const char *action, const char *text, const char *path,
                     int64_t *ret_note)
{
	int rc = db_run(r->db, "INSERT INTO indicator_task_notes(task_id, action, text, by_id, at) VALUES (?,?,?,?,?)",
	                "ittii", id, action, text, r->who.user_id, clock_now());
	*ret_note = db_last_insert_id(r->db);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s?}", "action", action, "note", text);
		rc = audit_append(r->db, &ctx,
		                  strcmp(action, "create") == 0 ? "indicators.task.create"
		                  : strcmp(action, "note") == 0 ? "indicators.task.note"
		                                                : "indicators.task.move",
		                  "indicator_task", arena_printf(r->arena, "%lld", (long long)id), path, detail);
		json_decref(detail);
	}
	return rc;
}

/* Is the unit on k's black list for period?  0 with *ret, -EINVAL with *why, or a database error. */
static int on_black_list(struct request *r, const struct ranking *k, const char *unit, const char *period, bool *ret,
                         struct refusal *why)
{
	struct redblack lists;
	int rc = redblack_lists(r, k, period, &lists, why);
	*ret = false;
	for (size_t i = lists.black; rc == 0 && i < lists.ranked; i++)
		if (strcmp(lists.res.items[i].code, unit) == 0)
			*ret = true;
	return rc;
}

/* Is the indicator's year to date behind its annual target's share of the months so far (month ÷ 12)? */
static int below_target(struct request *r, const struct ind_def *def, const char *unit, const char *period, bool *ret)
{
	int year, month;
	int64_t target;
	struct ind_figure f;
	*ret = false;
	if (ind_period_parse(period, &year, &month) < 0)
		return 0;
	int rc = db_query_int64(r->db, &target,
	                        "SELECT target FROM indicator_targets WHERE indicator_id = ? AND unit = ? AND year = ?",
	                        "itI", def->id, unit, year);
	if (rc == DB_DONE)
		return 0;
	if (rc == 0)
		rc = ind_figure_load(r->db, r->arena, def, unit, year, month, &f);
	if (rc == 0)
		*ret = f.has_ytd && f.ytd * 12 < target * month;
	return rc;
}

/*
** ROUTE: POST /api/v1/indicators/tasks
** AUTH: department
** DUTY: statistics
** SUMMARY: 发起督办 Turn a black-listed unit or an indicator behind target into a supervised task
** Body: {"source": "black_list"|"below_target","unit","period","ranking"
** (black_list),"indicator" (below_target: its year to date below the
** annual target's share of the months so far),"owner" (a username of staff
** serving the unit),"due_on" (YYYY-MM-DD, not past),"note"} → 201 the task.
** The city's bureau alone.  409 not_black_listed, not_below_target,
** task_exists (one open task for the same unit, period and ranking or indicator).
*/
void indicator_task_post(struct request *r)
{
	static const char *const fields[] = {"source", "unit", "period", "ranking", "indicator", "owner", "due_on",
	                                     "note",   NULL};
	static const char *const sources[] = {"black_list", "below_target", NULL};
	const char *source, *unit_code, *period, *ranking = NULL, *indicator = NULL, *owner, *due_text, *note;
	int32_t due;
	int year, month;
	if (!body_only(r, fields) || !body_string(r, "source", FIELD_REQUIRED, 16, &source) ||
	    !body_string(r, "unit", FIELD_REQUIRED, 16, &unit_code) ||
	    !body_string(r, "period", FIELD_REQUIRED, 7, &period) ||
	    !body_string(r, "ranking", FIELD_OPTIONAL, 64, &ranking) ||
	    !body_string(r, "indicator", FIELD_OPTIONAL, 32, &indicator) ||
	    !body_string(r, "owner", FIELD_REQUIRED, 64, &owner) ||
	    !body_string(r, "due_on", FIELD_REQUIRED, 10, &due_text) ||
	    !body_string(r, "note", FIELD_OPTIONAL, 1000, &note))
		return;
	int which = choice_or_reply(r, "invalid_source", "source", source, sources);
	if (which < 0)
		return;
	if (ind_period_parse(period, &year, &month) < 0) {
		reply_error(r, 422, "invalid_period", "period", "期间应为 YYYY-MM (a month, YYYY-MM)");
		return;
	}
	if (clock_parse_date(due_text, &due) < 0 || due < today()) {
		reply_error(r, 422, "invalid_date", "due_on", "办理期限应为今天或以后的日期 YYYY-MM-DD (a date, not past)");
		return;
	}
	if ((which == 0) != (ranking != NULL) || (which == 1) != (indicator != NULL)) {
		reply_error(r, 422, "invalid_field", which == 0 ? "ranking" : "indicator",
		            "黑榜督办须指明排名,目标督办须指明指标 (black_list names a ranking, below_target an indicator)");
		return;
	}
	if (!ind_city_bureau_or_reply(r))
		return;
	struct ind_unit unit;
	if (!ind_unit_or_reply(r, unit_code, true, &unit))
		return;
	if (!unit.path) {
		reply_error(r, 422, "unknown_unit", "unit", "只能督办本市或县(市)区 (a unit of the city's tree)");
		return;
	}
	struct ranking k = {0};
	struct ind_def def = {0};
	struct refusal why;
	bool listed = false;
	int rc = which == 0 ? ranking_load(r, ranking, &k) : ind_def_find(r->db, r->arena, indicator, &def);
	if (rc == DB_DONE) {
		reply_error(r, 422, which == 0 ? "unknown_ranking" : "unknown_indicator", which == 0 ? "ranking" : "indicator",
		            which == 0 ? "排名不存在 (no such ranking)" : "指标不存在 (no such indicator)");
		return;
	}
	if (rc == 0)
		rc = which == 0 ? on_black_list(r, &k, unit.code, period, &listed, &why)
		                : below_target(r, &def, unit.code, period, &listed);
	if (!ind_ok_or_reply(r, rc, &why))
		return;
	if (!listed) {
		reply_error(r, 409, which == 0 ? "not_black_listed" : "not_below_target", which == 0 ? "unit" : "indicator",
		            which == 0 ? "该单位不在本期黑榜 (the unit is not on this period's black list)"
		                       : "该指标累计未落后于年度目标进度 (the year to date is not behind the target)");
		return;
	}
	int64_t owner_id = 0;
	rc = db_query_int64(r->db, &owner_id,
	                    "SELECT u.id FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?1 AND"
	                    " u.disabled = 0 AND u.role = 'department' AND " SQL_ON_BRANCH("o.path", "?2"),
	                    "tt", owner, unit.path);
	if (rc == DB_DONE) {
		reply_error(r, 422, "unknown_user", "owner",
		            "责任人应为该单位范围内的部门工作人员 (the owner: department staff serving the unit)");
		return;
	}
	const char *title =
	    which == 0 ? arena_printf(r->arena, "%s%s列入黑榜(%s)督办", unit.name, k.name, period)
	               : arena_printf(r->arena, "%s%s未达年度目标进度(%s)督办", unit.name, def.name, period);
	if (rc == 0)
		rc = db_begin(r->db);
	int64_t exists = 0;
	if (rc == 0)
		rc = db_query_int64(r->db, &exists,
		                    "SELECT count(*) FROM indicator_tasks WHERE unit = ? AND period = ? AND state <> 'done'"
		                    " AND coalesce(ranking_id, 0) = ? AND coalesce(indicator_id, 0) = ?",
		                    "ttii", unit.code, period, k.id, def.id);
	if (rc == 0 && exists) {
		db_rollback(r->db);
		reply_error(r, 409, "task_exists", NULL, "已有未办结的同一督办事项 (an open task exists for this)");
		return;
	}
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO indicator_tasks(source, unit, period, ranking_id, indicator_id, title, owner_id,"
		            " due_on, state, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,'open',?,?)",
		            "tttrrtiiii", source, unit.code, period, k.id, def.id, title, owner_id, (int64_t)due,
		            r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0)
		rc = task_note(r, id, "create", note, unit.path, &(int64_t){0});
	if (db_finish_or_reply(r, rc)) {
		ind_figures_changed(&unit, period, "task");
		reply_task(r, 201, id);
	}
}

/*
** ROUTE: GET /api/v1/indicators/tasks
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 督办事项 Supervised tasks in the caller's area, the overdue first
** ?state=open|in_progress|done|overdue, ?unit=CODE, ?period=YYYY-MM,
** ?limit (default 50, at most 200): each with its light (red: overdue).
*/
void indicator_tasks_list(struct request *r)
{
	static const char *const states[] = {"open", "in_progress", "done", "overdue", NULL};
	const char *state = query_arg(r, "state"), *unit = query_arg(r, "unit"), *period = query_arg(r, "period");
	int64_t limit, cursor;
	if (choice_or_reply(r, "invalid_filter", "state", state, states) == -2 || !page_args(r, 50, 200, &limit, &cursor))
		return;
	bool overdue = state && strcmp(state, "overdue") == 0;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    TASK_SELECT " WHERE o.path IS NOT NULL AND substr(o.path, 1, length(?1)) = ?1"
	                                " AND (?2 IS NULL OR t.state = ?2) AND (?3 = 0 OR (t.state <> 'done' AND"
	                                " t.due_on < ?4)) AND (?5 IS NULL OR t.unit = ?5) AND (?6 IS NULL OR t.period = ?6)"
	                                " ORDER BY t.state = 'done', t.due_on, t.id LIMIT ?7",
	                    "ttIItti", request_area(r), overdue ? NULL : state, (int)overdue, today(), unit, period,
	                    limit);
	reply_rows(r, rc, s, task_json, 0);
}

/*
** ROUTE: GET /api/v1/indicators/tasks/{id}
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 督办事项详情 A supervised task with its notes and moves
*/
void indicator_task_get(struct request *r)
{
	int64_t id;
	struct ind_unit unit;
	const char *period;
	if (route_param_id(r, "id", &id) && task_unit_or_reply(r, id, &unit, &period))
		reply_task(r, 200, id);
}

/*
** ROUTE: POST /api/v1/indicators/tasks/{id}/transitions
** AUTH: department
** DUTY: statistics
** SUMMARY: 办理督办事项 Move a task: start, finish (the owner or the bureau), reopen (the bureau)
** Body: {"action": "start"|"finish"|"reopen","note"} (the note required to
** finish or reopen).  409 invalid_transition, 403 not_owner.
*/
void indicator_task_transition(struct request *r)
{
	static const char *const fields[] = {"action", "note", NULL};
	static const char *const actions[] = {"start", "finish", "reopen", NULL};
	static const char *const from[] = {"open", "in_progress", "done"}, *const to[] = {"in_progress", "done", "in_progress"};
	const char *action, *note, *period;
	int64_t id, owner = 0;
	struct ind_unit unit;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "action", FIELD_REQUIRED, 16, &action) || !body_string(r, "note", FIELD_OPTIONAL, 1000, &note))
		return;
	int a = choice_or_reply(r, "invalid_action", "action", action, actions);
	if (a < 0 || !task_unit_or_reply(r, id, &unit, &period))
		return;
	if (a > 0 && !note) {
		reply_error(r, 422, "invalid_field", "note", "办结或重新办理须说明情况 (a note is required)");
		return;
	}
	bool bureau = ind_city_bureau(r);
	int rc = db_query_int64(r->db, &owner, "SELECT owner_id FROM indicator_tasks WHERE id = ?", "i", id);
	if (rc == 0 && !bureau && (a == 2 || owner != r->who.user_id)) {
		reply_error(r, 403, "not_owner", NULL,
		            "只有责任人或市统计局可以办理,重新办理由市统计局决定 (the owner or the city's bureau)");
		return;
	}
	if (rc == 0)
		rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE indicator_tasks SET state = ?, done_at = CASE WHEN ? = 'done' THEN ? END"
		            " WHERE id = ? AND state = ?",
		            "ttiit", to[a], to[a], clock_now(), id, from[a]);
	if (rc == 0 && db_changes(r->db) == 0) {
		db_rollback(r->db);
		reply_error(r, 409, "invalid_transition", "action",
		            "当前状态下不能这样办理 (the task's state does not allow this)");
		return;
	}
	if (rc == 0)
		rc = task_note(r, id, action, note, unit.path, &(int64_t){0});
	if (db_finish_or_reply(r, rc)) {
		ind_figures_changed(&unit, period, "task");
		reply_task(r, 200, id);
	}
}

/*
** ROUTE: POST /api/v1/indicators/tasks/{id}/notes
** AUTH: department
** DUTY: statistics
** SUMMARY: 督办进展 Report progress on a supervised task
** Body: {"text"} → 201 {"id"}.
*/
void indicator_task_note_post(struct request *r)
{
	static const char *const fields[] = {"text", NULL};
	const char *text, *period;
	int64_t id;
	struct ind_unit unit;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "text", FIELD_REQUIRED, 1000, &text) || !task_unit_or_reply(r, id, &unit, &period))
		return;
	int64_t note = 0;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = task_note(r, id, "note", text, unit.path, &note);
	if (db_finish_or_reply(r, rc)) {
		ind_figures_changed(&unit, period, "task");
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)note));
	}
}
