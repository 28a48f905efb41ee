/*
** Relaxed targets (放宽目标): a plan version that moves a milestone's target
** later is recorded as a move (0028_relaxed_targets.sql) with the project's
** light under the old targets and under the new ones, so that a project
** turned green by pushing its targets back is shown as such, not as
** progress; leaders list the month's moves.
*/
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "projects/projects.h"

const char *project_light_now(struct db *d, int64_t project_id, int64_t now)
{
	struct db_stmt *s;
	const char *light = "green";
	if (db_prepare(d, &s, "SELECT red_at, yellow_at FROM projects WHERE id = ?", "i", project_id) == 0 &&
	    db_step(s) == DB_ROW)
		light = project_row_light(s, 0, now); /* a static string: safe after finalize */
	db_finalize(s);
	return light;
}

/* "转绿" or "转黄" when a move took a project out of red, else NULL. */
static const char *turned_by_relaxation(const char *before, const char *after)
{
	if (!before || !after || strcmp(before, "red") != 0 || strcmp(after, "red") == 0)
		return NULL;
	return strcmp(after, "green") == 0 ? "因放宽目标转绿" : "因放宽目标转黄";
}

int project_relaxation_record(struct db *d, const struct target_relaxation *x, int *ret_moved)
{
	int rc = 0, moved = 0;
	char text[512] = "放宽目标:"; /* four milestones' moves take under 300 bytes */
	size_t len = strlen(text);
	for (int g = 0; rc == 0 && g < MILESTONE_COUNT; g++) {
		if (x->before[g] == PLAN_NO_DAY || x->after[g] == PLAN_NO_DAY || x->after[g] <= x->before[g])
			continue;
		rc = db_run(
		    d,
		    "INSERT INTO project_target_moves(project_id, kind, version, from_target, to_target, made_by,"
		    " moved_at, light_before, light_after) VALUES (?,?,?,?,?,?,?,?,?)",
		    "itiiiiitt", x->project_id, milestone_names[g], (int64_t)x->version, (int64_t)x->before[g],
		    (int64_t)x->after[g], x->made_by, x->at, x->light_before, x->light_after);
		if (rc == 0)
			rc = db_run(d,
			            "UPDATE project_milestones SET moves = moves + 1, moved_at = ?"
			            " WHERE project_id = ? AND kind = ?",
			            "iit", x->at, x->project_id, milestone_names[g]);
		char from[11], to[11];
		clock_format_date(x->before[g], from);
		clock_format_date(x->after[g], to);
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s %s → %s(推迟 %d 天)", moved ? ";" : "",
		                        milestone_labels[g], from, to, (int)(x->after[g] - x->before[g]));
		moved++;
	}
	const char *turned = turned_by_relaxation(x->light_before, x->light_after);
	if (turned)
		snprintf(text + len, sizeof text - len, ";%s", turned);
	if (rc == 0 && moved)
		rc = db_run(d,
		            "UPDATE projects SET relaxed_times = relaxed_times + 1, relaxed_at = ?1,"
		            " relaxed_from_red = CASE WHEN ?2 = 1 THEN 1 ELSE relaxed_from_red END WHERE id = ?3",
		            "iii", x->at, (int64_t)(turned != NULL), x->project_id);
	if (rc == 0 && moved)
		rc = db_run(
		    d,
		    "INSERT INTO project_events(project_id, at, actor_id, actor, kind, from_status, to_status, text)"
		    " VALUES (?,?,?,?,'relaxed',?,?,?)",
		    "iiitttt", x->project_id, x->at, x->made_by, x->actor, x->light_before, x->light_after, text);
	if (ret_moved)
		*ret_moved = moved;
	return rc;
}

/* ?month=YYYY-MM (default this month) as the instants [from, to); answers 422 and returns false otherwise. */
static bool month_arg(struct request *r, char month[8], int64_t *ret_from, int64_t *ret_to)
{
	const char *arg = query_arg(r, "month");
	int y, m, d;
	int32_t first;
	if (!arg) {
		clock_civil_from_days(clock_local_day(clock_now()), &y, &m, &d);
	} else if (strlen(arg) != 7 || clock_parse_date(arena_printf(r->arena, "%s-01", arg), &first) < 0) {
		reply_error(r, 422, "invalid_month", "month", "月份应为 YYYY-MM (month must be YYYY-MM)");
		return false;
	} else {
		clock_civil_from_days(first, &y, &m, &d);
	}
	snprintf(month, 8, "%04d-%02d", y, m);
	*ret_from = clock_local_midnight(clock_days_from_civil(y, m, 1));
	*ret_to = clock_local_midnight(clock_days_from_civil(y + m / 12, m % 12 + 1, 1));
	return true;
}

static json_t *move_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *row = row_as_json(s);
	int g = milestone_from_name(db_named_text(s, "milestone"));
	json_object_set_new(row, "milestone_name", json_string(g >= 0 ? milestone_labels[g] : ""));
	const char *turned = turned_by_relaxation(db_named_text(s, "light_before"), db_named_text(s, "light_after"));
	json_object_set_new(row, "turned_by_relaxation", turned ? json_string(turned) : json_null());
	return row;
}

/*
** ROUTE: GET /api/v1/projects/relaxed
** AUTH: admin,leader,officer,agent
** SUMMARY: 目标放宽 Every milestone target moved later in a month, on the caller's branch
** ?month=YYYY-MM (default this month, Beijing time).  Each move: the project,
** the milestone, its first target, the target before and after, the days
** moved, the plan version and who made it, and the project's light under
** the old and the new targets at that moment; turned_by_relaxation says
** 因放宽目标转绿 (or 转黄) when the move alone took it out of red.  Newest first,
** with the month's counts of projects, moves and projects turned out of red.
*/
void project_relaxed_list(struct request *r)
{
	char month[8];
	int64_t from, to;
	if (!month_arg(r, month, &from, &to))
		return;
	const char *bind, *scope = projects_scope_sql(r, 1, &bind);
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    arena_printf(
	        r->arena,
	        "SELECT x.id AS id, p.id AS \"project.id\", p.code AS \"project.code\", p.name AS \"project.name\","
	        " o.name AS \"project.district_name\", x.kind AS milestone, m.original_target AS \"original:date\","
	        " x.from_target AS \"from:date\", x.to_target AS \"to:date\", x.to_target - x.from_target AS days,"
	        " x.version AS version, v.reason AS reason, u.username AS \"made_by.username\","
	        " u.display_name AS \"made_by.name\", x.moved_at AS \"moved_at:time\", x.light_before AS light_before,"
	        " x.light_after AS light_after"
	        " FROM project_target_moves x JOIN projects p ON p.id = x.project_id"
	        " JOIN orgs o ON o.id = p.district_org_id JOIN users u ON u.id = x.made_by"
	        " LEFT JOIN project_milestones m ON m.project_id = x.project_id AND m.kind = x.kind"
	        " LEFT JOIN project_plans v ON v.project_id = x.project_id AND v.version = x.version"
	        " WHERE %s AND x.moved_at >= ?2 AND x.moved_at < ?3 ORDER BY x.moved_at DESC, x.id DESC",
	        scope),
	    "tii", bind, from, to);
	json_t *out = json_pack("{s:s}", "month", month);
	rc = rows_into(r, out, "items", rc, s, move_json);
	if (rc == 0) {
		rc = db_prepare(r->db, &s,
		                arena_printf(r->arena,
		                             "SELECT count(DISTINCT x.project_id), count(*), count(DISTINCT CASE WHEN"
		                             " x.light_before = 'red' AND x.light_after <> 'red' THEN x.project_id END)"
		                             " FROM project_target_moves x JOIN projects p ON p.id = x.project_id"
		                             " JOIN orgs o ON o.id = p.district_org_id"
		                             " WHERE %s AND x.moved_at >= ?2 AND x.moved_at < ?3",
		                             scope),
		                "tii", bind, from, to);
		if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
			json_object_set_new(out, "projects", json_integer(db_column_int64(s, 0)));
			json_object_set_new(out, "moves", json_integer(db_column_int64(s, 1)));
			json_object_set_new(out, "out_of_red", json_integer(db_column_int64(s, 2)));
			rc = 0;
		}
		db_finalize(s);
	}
	reply_json_or_db_error(r, rc, out);
}
