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
#include "desk/snapshot.h"

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
    " WHERE (substr(g.path, 1, length(?1)) = ?1 OR (?5 = 0 AND (substr(d.path, 1, length(?1)) = ?1"
    "        OR substr(?1, 1, length(d.path)) = d.path))) AND p.created_at BETWEEN ?2 AND ?3) ";

static int query(struct request *r, const struct range *g, const char *select, struct db_stmt **ret)
{
	/* ?5: a department counts only the problems it owns. */
	bool department = r->who.role == ROLE_DEPARTMENT;
	return db_prepare(r->db, ret, arena_printf(r->arena, "%s%s", scoped, select), "tiiiI",
	                  department ? r->who.org_path : request_area(r), g->from, g->to, clock_now(),
	                  (int)department);
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

/* One grouped table: key, name, count, overdue, closed, on time, rating; ties by key, as the snapshot orders them. */
static const char *const groups[][2] = {
    {"category", "SELECT category, category_name,"},
    {"department", "SELECT department_code, department_name,"},
    {"district", "SELECT district_code, district_name,"},
};
static const char group_tail[] =
    " count(*), sum(overdue), count(*) FILTER (WHERE status = 'closed'),"
    " count(*) FILTER (WHERE answered_at IS NOT NULL AND answered_at <= answer_due), avg(rating) FROM sp GROUP BY 1, 2"
    " ORDER BY sum(overdue) DESC, count(*) DESC, 1";

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
		json_object_set_new(row, "satisfaction",
		                    db_column_is_null(s, 6) ? json_null() : json_real(db_column_double(s, 6)));
		json_array_append_new(rows, row);
	}
	db_finalize(s);
	if (*rc == DB_DONE)
		*rc = 0;
	return rows;
}

/* How old snapshot figures may be, in seconds; 0: always count live. */
static int stats_max_age(void)
{
	const char *v = getenv("BANYAN_DESK_STATS_AGE");
	return v ? atoi(v) : 120;
}

/*
** The snapshot, when it should answer: no date range, fresh enough, and a
** city with so many problems that counting them live would be slow (below
** BANYAN_DESK_SNAPSHOT_FROM problems, default 50,000, figures are exact).
*/
static struct desk_snapshot *snapshot_for(const struct range *g)
{
	if (g->from != INT64_MIN || g->to != INT64_MAX)
		return NULL;
	struct desk_snapshot *snap = desk_snapshot_get(stats_max_age());
	const char *from = getenv("BANYAN_DESK_SNAPSHOT_FROM");
	int64_t threshold = from ? atoll(from) : 50000;
	if (snap && snap->problems < threshold) {
		desk_snapshot_put(snap);
		snap = NULL;
	}
	return snap;
}

/* Is a snapshot group in the caller's scope?  The rule of desk_problem_visible(). */
static bool group_in_scope(struct request *r, const char *area, const struct snapshot_org *district,
                           const struct snapshot_org *department)
{
	if (!district || !department)
		return false;
	if (r->who.role == ROLE_DEPARTMENT)
		return path_within(department->path, r->who.org_path);
	return path_within(department->path, r->who.org_path) || path_within(district->path, area) ||
	       path_within(area, district->path);
}

struct table_row {
	const char *key, *name;
	int64_t n[SNAPSHOT_FIELDS];
};

static int compare_rows(const void *a, const void *b)
{
	const struct table_row *x = a, *y = b;
	if (x->n[SF_OVERDUE] != y->n[SF_OVERDUE])
		return x->n[SF_OVERDUE] < y->n[SF_OVERDUE] ? 1 : -1;
	if (x->n[SF_COUNT] != y->n[SF_COUNT])
		return x->n[SF_COUNT] < y->n[SF_COUNT] ? 1 : -1;
	return strcmp(x->key, y->key);
}

static json_t *row_json(const struct table_row *t)
{
	json_t *row = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "key", t->key, "name", t->name, "count",
	                        (json_int_t)t->n[SF_COUNT], "overdue", (json_int_t)t->n[SF_OVERDUE], "closed",
	                        (json_int_t)t->n[SF_CLOSED], "answered_on_time", (json_int_t)t->n[SF_ON_TIME]);
	json_object_set_new(row, "satisfaction",
	                    t->n[SF_RATING_N] ? json_real((double)t->n[SF_RATING_SUM] / (double)t->n[SF_RATING_N])
	                                      : json_null());
	return row;
}

/*
** The statistics from the snapshot, in the shape the live query gives:
** totals (when totals is not NULL) and the three tables, or one table when
** only is 0..2.  Category names come from the table of categories.
*/
static json_t *snapshot_stats(struct request *r, const struct desk_snapshot *snap, int only)
{
	const char *area = request_area(r);
	struct table_row *rows[3] = {NULL, NULL, NULL};
	size_t n_rows[3] = {0, 0, 0};
	int64_t totals[SNAPSHOT_FIELDS] = {0}, accept[SNAPSHOT_BUCKETS] = {0}, solve[SNAPSHOT_BUCKETS] = {0};
	for (size_t i = 0; i < snap->n_groups; i++) {
		const struct snapshot_group *g = &snap->groups[i];
		const struct snapshot_org *district = desk_snapshot_org(snap, g->district),
		                          *department = desk_snapshot_org(snap, g->department);
		if (!group_in_scope(r, area, district, department))
			continue;
		for (int f = 0; f < SNAPSHOT_FIELDS; f++)
			totals[f] += g->n[f];
		for (int b = 0; b < SNAPSHOT_BUCKETS; b++) {
			accept[b] += g->hist_accept[b];
			solve[b] += g->hist_solve[b];
		}
		const char *keys[3] = {g->category, department->code, district->code};
		const char *names[3] = {g->category, department->name, district->name};
		for (int t = 0; t < 3; t++) {
			size_t k = 0;
			while (k < n_rows[t] && strcmp(rows[t][k].key, keys[t]) != 0)
				k++;
			if (k == n_rows[t]) {
				struct table_row *grown = arena_alloc(r->arena, (n_rows[t] + 1) * sizeof *grown);
				if (!grown)
					return NULL;
				if (n_rows[t])
					memcpy(grown, rows[t], n_rows[t] * sizeof *grown);
				rows[t] = grown;
				memset(&rows[t][k], 0, sizeof rows[t][k]);
				rows[t][k].key = keys[t];
				rows[t][k].name = names[t];
				n_rows[t]++;
			}
			for (int f = 0; f < SNAPSHOT_FIELDS; f++)
				rows[t][k].n[f] += g->n[f];
		}
	}
	/* Category names, from their table. */
	struct db_stmt *s;
	if (db_prepare(r->db, &s, "SELECT code, name FROM problem_categories", NULL) == 0) {
		while (db_step(s) == DB_ROW)
			for (size_t k = 0; k < n_rows[0]; k++)
				if (strcmp(rows[0][k].key, db_column_text(s, 0)) == 0)
					rows[0][k].name = arena_strdup(r->arena, db_column_text(s, 1));
		db_finalize(s);
	}
	json_t *body = json_object();
	for (int t = 0; t < 3; t++) {
		if (only >= 0 && t != only)
			continue;
		qsort(rows[t], n_rows[t], sizeof rows[t][0], compare_rows);
		json_t *list = json_array();
		for (size_t k = 0; k < n_rows[t]; k++)
			json_array_append_new(list, row_json(&rows[t][k]));
		json_object_set_new(body, arena_printf(r->arena, "by_%s", groups[t][0]), list);
	}
	if (only >= 0)
		return body;
	double med_accept = desk_histogram_median(accept), med_solve = desk_histogram_median(solve);
	json_t *t = json_pack("{s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I}", "total",
	                      (json_int_t)totals[SF_COUNT], "by_status", "submitted", (json_int_t)totals[SF_SUBMITTED],
	                      "accepted", (json_int_t)totals[SF_ACCEPTED], "in_progress",
	                      (json_int_t)totals[SF_IN_PROGRESS], "answered", (json_int_t)totals[SF_ANSWERED], "closed",
	                      (json_int_t)totals[SF_CLOSED], "overdue", (json_int_t)totals[SF_OVERDUE], "escalated",
	                      (json_int_t)totals[SF_ESCALATED], "rated", (json_int_t)totals[SF_RATING_N]);
	json_object_set_new(t, "on_time_rate",
	                    totals[SF_ANSWERED_N]
	                        ? json_real((double)totals[SF_ON_TIME] / (double)totals[SF_ANSWERED_N])
	                        : json_null());
	json_object_set_new(t, "satisfaction",
	                    totals[SF_RATING_N] ? json_real((double)totals[SF_RATING_SUM] / (double)totals[SF_RATING_N])
	                                        : json_null());
	json_object_set_new(t, "median_hours_to_accept", med_accept < 0 ? json_null() : json_real(med_accept));
	json_object_set_new(t, "median_hours_to_solve", med_solve < 0 ? json_null() : json_real(med_solve));
	char as_of[32];
	clock_format_iso(snap->taken_at, as_of);
	json_object_set_new(t, "as_of", json_string(as_of));
	json_object_set_new(body, "totals", t);
	return body;
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
	/* Without a date range, the background snapshot answers (see snapshot.c). */
	struct desk_snapshot *snap = snapshot_for(&g);
	if (snap) {
		json_t *body = snapshot_stats(r, snap, -1);
		desk_snapshot_put(snap);
		if (body)
			reply_json(r, 200, body);
		else
			reply_error(r, 503, "busy", NULL, "内存不足 (out of memory)");
		return;
	}
	struct db_stmt *s;
	int rc = query(r, &g,
	               "SELECT count(*), count(*) FILTER (WHERE status = 'submitted'), count(*) FILTER (WHERE status = "
	               "'accepted'), count(*) FILTER (WHERE status = 'in_progress'),"
	               " count(*) FILTER (WHERE status = 'answered'), count(*) FILTER (WHERE status = 'closed'), "
	               "sum(overdue), count(*) FILTER (WHERE escalation > 0),"
	               " count(*) FILTER (WHERE answered_at IS NOT NULL), count(*) FILTER (WHERE answered_at IS NOT "
	               "NULL AND answered_at <= answer_due),"
	               " avg(rating), count(rating) FROM sp",
	               &s);
	json_t *totals = NULL;
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t answered = db_column_int64(s, 8), on_time = db_column_int64(s, 9);
		totals = json_pack(
		    "{s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:o, s:o, s:I}", "total",
		    (json_int_t)db_column_int64(s, 0), "by_status", "submitted", (json_int_t)db_column_int64(s, 1),
		    "accepted", (json_int_t)db_column_int64(s, 2), "in_progress", (json_int_t)db_column_int64(s, 3),
		    "answered", (json_int_t)db_column_int64(s, 4), "closed", (json_int_t)db_column_int64(s, 5),
		    "overdue", (json_int_t)db_column_int64(s, 6), "escalated", (json_int_t)db_column_int64(s, 7),
		    "on_time_rate", answered ? json_real((double)on_time / (double)answered) : json_null(),
		    "satisfaction", db_column_is_null(s, 10) ? json_null() : json_real(db_column_double(s, 10)),
		    "rated", (json_int_t)db_column_int64(s, 11));
	}
	db_finalize(s);
	if (rc < 0 || !totals) {
		json_decref(totals);
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	double accept = median_hours(r, &g, "accepted_at - created_at"),
	       solve = median_hours(r, &g, "closed_at - created_at");
	json_object_set_new(totals, "median_hours_to_accept", accept < 0 ? json_null() : json_real(accept));
	json_object_set_new(totals, "median_hours_to_solve", solve < 0 ? json_null() : json_real(solve));
	json_t *body = json_pack("{s:o}", "totals", totals);
	for (int i = 0; i < 3 && rc >= 0; i++)
		json_object_set_new(body, arena_printf(r->arena, "by_%s", groups[i][0]), group_table(r, &g, i, &rc));
	reply_json_or_db_error(r, rc, body);
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
		reply_error(r, 422, "invalid_query", "table",
		            "table 应为 category/department/district (unknown table)");
		return;
	}
	struct range g;
	if (!(format = export_format_arg(r)) || !range_args(r, &g))
		return;
	int rc = 0;
	json_t *rows = NULL, *out = json_array(), *row;
	struct desk_snapshot *snap = snapshot_for(&g);
	if (snap) {
		json_t *body = snapshot_stats(r, snap, which);
		desk_snapshot_put(snap);
		rows = json_incref(json_object_get(body, arena_printf(r->arena, "by_%s", groups[which][0])));
		json_decref(body);
	}
	if (!rows)
		rows = group_table(r, &g, which, &rc);
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
