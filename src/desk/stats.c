/*
** The desk's statistics: how many problems in each state, category,
** department and district; how fast they are accepted and solved (medians,
** in hours); how many on time; how satisfied the enterprises are; and which
** departments and categories have the most overdue problems.
** All within the caller's scope; ?from= and ?to= (dates) filter by when the
** problem was raised.
*/
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "desk/desk.h"

struct range {
	int64_t from, to;
};

static bool range_args(struct request *r, struct range *ret)
{
	ret->from = INT64_MIN;
	ret->to = INT64_MAX;
	const char *from = query_arg(r, "from"), *to = query_arg(r, "to");
	int32_t day;
	if (from) {
		if (clock_parse_date(from, &day) < 0) {
			reply_error(r, 422, "invalid_query", "from", "日期格式应为 YYYY-MM-DD (from must be a date)");
			return false;
		}
		ret->from = clock_local_midnight(day);
	}
	if (to) {
		if (clock_parse_date(to, &day) < 0) {
			reply_error(r, 422, "invalid_query", "to", "日期格式应为 YYYY-MM-DD (to must be a date)");
			return false;
		}
		ret->to = clock_local_midnight(day + 1) - 1;
	}
	return true;
}

/* The problems in scope and range: ?1 scope, ?2 from, ?3 to, ?4 now, ?5 department only. */
static const char scoped[] =
	"WITH sp AS (SELECT p.*, d.code AS district_code, d.name AS district_name, g.code AS department_code,"
	"   g.name AS department_name, c.name AS category_name,"
	"   CASE WHEN p.status = 'submitted' AND p.accept_due < ?4 THEN 1"
	"        WHEN p.status IN ('accepted', 'in_progress') AND p.answer_due < ?4 THEN 1 ELSE 0 END AS overdue"
	" FROM problems p JOIN orgs d ON d.id = p.district_org_id JOIN orgs g ON g.id = p.department_org_id"
	" JOIN problem_categories c ON c.code = p.category"
	" WHERE (substr(g.path, 1, length(?1)) = ?1 OR (NOT ?5 AND (substr(d.path, 1, length(?1)) = ?1"
	"        OR substr(?1, 1, length(d.path)) = d.path))) AND p.created_at BETWEEN ?2 AND ?3) ";

static int query(struct request *r, const struct range *g, const char *select, struct db_stmt **ret)
{
	/* ?5: a department counts only the problems it owns. */
	bool department = r->who.role == ROLE_DEPARTMENT;
	return db_prepare(r->db, ret, arena_printf(r->arena, "%s%s", scoped, select), "tiiiI",
	                  department ? r->who.org_path : desk_service_area(r), g->from, g->to, clock_now(), (int)department);
}

/* The median of a column of durations (seconds), in hours; -1 when there are none. */
static double median_hours(struct request *r, const struct range *g, const char *expr)
{
	struct db_stmt *s;
	char *sql = arena_printf(r->arena, "SELECT %s FROM sp WHERE %s IS NOT NULL ORDER BY 1", expr, expr);
	if (query(r, g, sql, &s) < 0)
		return -1;
	size_t n = 0, cap = 0;
	int64_t *v = NULL;
	while (db_step(s) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			int64_t *grown = realloc(v, cap * sizeof *v);
			if (!grown)
				break;
			v = grown;
		}
		v[n++] = db_column_int64(s, 0);
	}
	db_finalize(s);
	double m = n == 0 ? -1 : (n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2) / 3600.0;
	free(v);
	return m;
}

/* One grouped table: key, name, count, overdue, closed, on time, rating. */
static const char *const groups[][2] = {
	{"category", "SELECT category, category_name,"},
	{"department", "SELECT department_code, department_name,"},
	{"district", "SELECT district_code, district_name,"},
};
static const char group_tail[] =
	" count(*), sum(overdue), sum(status = 'closed'),"
	" sum(answered_at IS NOT NULL AND answered_at <= answer_due), round(avg(rating), 2) FROM sp GROUP BY 1"
	" ORDER BY sum(overdue) DESC, count(*) DESC";

static json_t *group_table(struct request *r, const struct range *g, int which, int *rc)
{
	struct db_stmt *s = NULL;
	json_t *rows = json_array();
	*rc = query(r, g, arena_printf(r->arena, "%s%s", groups[which][1], group_tail), &s);
	while (*rc >= 0 && (*rc = db_step(s)) == DB_ROW) {
		json_t *row = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "key", db_column_text(s, 0), "name",
		                        db_column_text(s, 1), "count", (json_int_t)db_column_int64(s, 2), "overdue",
		                        (json_int_t)db_column_int64(s, 3), "closed", (json_int_t)db_column_int64(s, 4),
		                        "answered_on_time", (json_int_t)db_column_int64(s, 5));
		json_object_set_new(row, "satisfaction", db_column_is_null(s, 6) ? json_null() : json_real(db_column_double(s, 6)));
		json_array_append_new(rows, row);
	}
	db_finalize(s);
	if (*rc == DB_DONE)
		*rc = 0;
	return rows;
}

/*
** ROUTE: GET /api/v1/problems/stats
** AUTH: admin,leader,department
** SUMMARY: 问题统计分析(状态、类别、部门、区县、时效、满意度) Problem statistics and rankings
** totals by status; median hours to accept and to solve; on-time rate;
** satisfaction; tables by category, department and district, ranked by
** overdue problems.  ?from=, ?to= (dates raised).
*/
void problem_stats(struct request *r)
{
	struct range g;
	if (!range_args(r, &g))
		return;
	struct db_stmt *s;
	int rc = query(r, &g,
	               "SELECT count(*), sum(status = 'submitted'), sum(status = 'accepted'), sum(status = 'in_progress'),"
	               " sum(status = 'answered'), sum(status = 'closed'), sum(overdue), sum(escalation > 0),"
	               " sum(answered_at IS NOT NULL), sum(answered_at IS NOT NULL AND answered_at <= answer_due),"
	               " avg(rating), count(rating) FROM sp",
	               &s);
	json_t *totals = NULL;
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t answered = db_column_int64(s, 8), on_time = db_column_int64(s, 9);
		totals = json_pack("{s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:o, s:o, s:I}", "total",
		                   (json_int_t)db_column_int64(s, 0), "by_status", "submitted", (json_int_t)db_column_int64(s, 1),
		                   "accepted", (json_int_t)db_column_int64(s, 2), "in_progress",
		                   (json_int_t)db_column_int64(s, 3), "answered", (json_int_t)db_column_int64(s, 4), "closed",
		                   (json_int_t)db_column_int64(s, 5), "overdue", (json_int_t)db_column_int64(s, 6), "escalated",
		                   (json_int_t)db_column_int64(s, 7), "on_time_rate",
		                   answered ? json_real((double)on_time / (double)answered) : json_null(), "satisfaction",
		                   db_column_is_null(s, 10) ? json_null() : json_real(db_column_double(s, 10)), "rated",
		                   (json_int_t)db_column_int64(s, 11));
	}
	db_finalize(s);
	if (rc < 0 || !totals) {
		json_decref(totals);
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	double accept = median_hours(r, &g, "accepted_at - created_at"), solve = median_hours(r, &g, "closed_at - created_at");
	json_object_set_new(totals, "median_hours_to_accept", accept < 0 ? json_null() : json_real(accept));
	json_object_set_new(totals, "median_hours_to_solve", solve < 0 ? json_null() : json_real(solve));
	json_t *body = json_pack("{s:o}", "totals", totals);
	for (int i = 0; i < 3 && rc >= 0; i++)
		json_object_set_new(body, arena_printf(r->arena, "by_%s", groups[i][0]), group_table(r, &g, i, &rc));
	if (rc < 0) {
		json_decref(body);
		reply_db_error(r, rc);
		return;
	}
	reply_json(r, 200, body);
}

/*
** ROUTE: GET /api/v1/problems/stats/export
** AUTH: admin,leader,department
** SUMMARY: 导出问题统计表(Excel/CSV) Export a problem statistics table
** ?table=category|department|district, ?format=xlsx|csv, ?from=, ?to=.
*/
void problem_stats_export(struct request *r)
{
	static const char *const headers[] = {"代码", "名称", "问题数", "超期", "已办结", "按时答复", "满意度"};
	const char *table = query_arg(r, "table"), *format;
	int which = -1;
	for (int i = 0; i < 3 && table; i++)
		if (strcmp(table, groups[i][0]) == 0)
			which = i;
	if (which < 0) {
		reply_error(r, 422, "invalid_query", "table", "table 应为 category/department/district (unknown table)");
		return;
	}
	struct range g;
	if (!(format = export_format_arg(r)) || !range_args(r, &g))
		return;
	int rc;
	json_t *rows = group_table(r, &g, which, &rc), *out = json_array(), *row;
	size_t i;
	json_array_foreach(rows, i, row)
	{
		json_array_append_new(out, json_pack("[O, O, O, O, O, O, O]", json_object_get(row, "key"),
		                                     json_object_get(row, "name"), json_object_get(row, "count"),
		                                     json_object_get(row, "overdue"), json_object_get(row, "closed"),
		                                     json_object_get(row, "answered_on_time"),
		                                     json_object_get(row, "satisfaction")));
	}
	json_decref(rows);
	if (rc < 0)
		reply_db_error(r, rc);
	else
		reply_table(r, format, arena_printf(r->arena, "问题统计-%s", table), headers, 7, out);
	json_decref(out);
}
