/*
** Statistics (数据统计) and problem analysis (问题分析) of major projects,
** on the caller's branch of the tree: counts, investment, lights and
** approval speed by district, level, industry, stage and department;
** which approval items, departments and problem categories hold projects
** back.  Every table can be downloaded for Excel.
*/
#include <string.h>

#include "core/clock.h"
#include "desk/desk.h"
#include "projects/projects.h"

/* A dimension: the key and label of a project row (p, joined to district o), or of an item's department (g). */
static const struct stats_dimension dimensions[] = {
    {"district", "县(市)区", "o.code", "o.name"},
    {"level", "级别", "p.level", "p.level"},
    {"industry", "行业", "p.industry", "p.industry"},
    {"stage", "阶段", "p.stage", "p.stage"},
    {"department", "部门", "g.code", "g.name"},
};


/* The projects (x) and items (i) of a row p of project_totals, t of project_item_totals. */
static const char same_group[] = "x.district_org_id = p.district_org_id AND x.level = p.level"
                                 " AND x.industry = p.industry AND x.stage = p.stage";
static const char same_items[] = "i.district_org_id = t.district_org_id AND i.department_org_id = t.department_org_id"
                                 " AND i.item_code = t.item_code";

/*
** One table: a row per key with projects, investment (万元), red and yellow
** projects, approval items done, done within their limit, and average
** working days.  The department table counts items, not projects.
*/
static json_t *stats_table(struct request *r, const struct stats_dimension *dim, int *ret_rc)
{
	const char *bind, *scope = projects_scope_sql(r, 1, &bind);
	bool by_department = strcmp(dim->name, "department") == 0;
	json_t *rows = json_array();
	struct db_stmt *s;
	int64_t now = clock_now();
	int rc;
	/*
	 * Counts and sums come from the running totals (0006_projects.sql), one
	 * row per group in the caller's scope; the lights at `now` are counted
	 * for each row in a range of projects_red/_yellow or project_items_red/
	 * _yellow, so a district's statistics cost what its own late projects do.
	 */
	if (!by_department)
		rc = db_prepare(
		    r->db, &s,
		    arena_printf(
		        r->arena,
		        "SELECT k, l, sum(n), sum(inv), sum(red), sum(yellow), sum(done), sum(on_time),"
		        " sum(days), sum(open), sum(relaxed) FROM ("
		        " SELECT %s AS k, %s AS l, p.projects AS n, p.investment_wan AS inv,"
		        "  (SELECT count(*) FROM projects x WHERE %s AND x.red_at <= ?2) AS red,"
		        "  (SELECT count(*) FROM projects x WHERE %s AND " SQL_YELLOW(
		            "x.",
		            "?2") ") AS yellow,"
		                  "  p.items_done AS done, p.items_on_time AS on_time, p.items_days AS days,"
		                  "  p.items_open AS open,"
		                  "  (SELECT count(*) FROM projects x WHERE %s AND x.relaxed_at IS NOT NULL) AS relaxed"
		                  "  FROM project_totals p JOIN orgs o ON o.id = p.district_org_id"
		                  "  WHERE p.projects > 0 AND %s"
		                  ") AS t GROUP BY k, l ORDER BY 4 DESC",
		        dim->key, dim->label, same_group, same_group, same_group, scope),
		    "ti", bind, now);
	else
		rc = db_prepare(
		    r->db, &s,
		    arena_printf(
		        r->arena,
		        "SELECT g.code, g.name, sum(x.n), 0, sum(x.red), sum(x.yellow), sum(x.done),"
		        " sum(x.on_time), sum(x.days), sum(x.open) FROM ("
		        " SELECT t.department_org_id AS dept, 0 AS n,"
		        "  (SELECT count(*) FROM project_items i WHERE %s AND i.red_at <= ?2) AS red,"
		        "  (SELECT count(*) FROM project_items i WHERE %s AND " SQL_YELLOW(
		            "i.",
		            "?2") ") AS yellow,"
		                  "  t.items_done AS done, t.items_on_time AS on_time, t.items_days AS days,"
		                  "  t.items_open AS open"
		                  "  FROM project_item_totals t JOIN orgs o ON o.id = t.district_org_id WHERE %s"
		                  " UNION ALL SELECT d.department_org_id, d.projects, 0, 0, 0, 0, 0, 0"
		                  "  FROM project_department_totals d JOIN orgs o ON o.id = d.district_org_id WHERE %s"
		                  ") x JOIN orgs g ON g.id = x.dept GROUP BY g.id HAVING sum(x.n) > 0 ORDER BY 5 DESC, "
		                  "10 DESC",
		        same_items, same_items, scope, scope),
		    "ti", bind, now);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t done = db_column_int64(s, 6);
		json_t *row = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "key", db_column_text(s, 0), "label",
		                        db_column_text(s, 1), "projects", (json_int_t)db_column_int64(s, 2), "investment_wan",
		                        (json_int_t)db_column_int64(s, 3), "red", (json_int_t)db_column_int64(s, 4), "yellow",
		                        (json_int_t)db_column_int64(s, 5), "items_done", (json_int_t)done, "items_on_time",
		                        (json_int_t)db_column_int64(s, 7), "items_open", (json_int_t)db_column_int64(s, 9));
		json_object_set_new(row, "avg_working_days",
		                    done ? json_real((double)db_column_int64(s, 8) / (double)done) : json_null());
		if (!by_department) /* projects whose targets a plan version moved later (放宽目标) */
			json_object_set_new(row, "relaxed", json_integer(db_column_int64(s, 10)));
		json_array_append_new(rows, row);
	}
	db_finalize(s);
	*ret_rc = rc == DB_DONE ? 0 : rc;
	return rows;
}

/*
** ROUTE: GET /api/v1/projects/stats
** AUTH: admin,leader,officer,agent
** SUMMARY: 项目统计 Projects by district, level, industry, stage or department (?by=)
** Each row: projects, investment_wan, red, yellow, items_done, items_on_time,
** items_open, avg_working_days and, except by department, relaxed (projects whose
** targets a plan version moved later); with totals over all rows.  ?format=xlsx|csv
** downloads the table.
*/
void project_stats(struct request *r)
{
	const struct stats_dimension *dim = stats_dimension_arg(
	    r, dimensions, sizeof dimensions / sizeof dimensions[0],
	    "by 应为 district、level、industry、stage 或 department (by: district, level, industry, stage or department)");
	if (!dim)
		return;
	int rc;
	json_t *rows = stats_table(r, dim, &rc);
	if (rc < 0) {
		json_decref(rows);
		reply_db_error(r, rc);
		return;
	}
	if (query_arg(r, "format")) {
		const char *format = export_format_arg(r);
		const char *headers[] = {dim->title, "项目数", "总投资(万元)", "红灯", "黄灯", "已办结事项", "按时办结", "在办事项", "平均办理工作日", "目标放宽项目"};
		json_t *table = json_array();
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
		    json_array_append_new(table, json_pack("[O, O, O, O, O, O, O, O, O, O?]", json_object_get(row, "label"),
		                                           json_object_get(row, "projects"), json_object_get(row, "investment_wan"),
		                                           json_object_get(row, "red"), json_object_get(row, "yellow"),
		                                           json_object_get(row, "items_done"), json_object_get(row, "items_on_time"),
		                                           json_object_get(row, "items_open"),
		                                           json_object_get(row, "avg_working_days"),
		                                           json_object_get(row, "relaxed")));
		if (format)
			reply_table(r, format, arena_printf(r->arena, "重大项目统计-%s", dim->title), headers,
			            sizeof headers / sizeof headers[0], table);
		json_decref(table);
		json_decref(rows);
		return;
	}
	json_int_t totals[7] = {0};
	static const char *const summed[] = {"projects", "investment_wan", "red", "yellow", "items_done", "items_on_time", "relaxed"};
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) for (size_t k = 0; k < 7; k++) totals[k] +=
	    json_integer_value(json_object_get(row, summed[k]));
	json_t *total = json_object();
	for (size_t k = 0; k < 7; k++)
		json_object_set_new(total, summed[k], json_integer(totals[k]));
	if (strcmp(dim->name, "department") == 0) /* a department's rows count items, not projects */
		json_object_del(total, "relaxed");
	reply_json(r, 200, json_pack("{s:s, s:o, s:o}", "by", dim->name, "rows", rows, "totals", total));
}

/*
** ROUTE: GET /api/v1/projects/analysis
** AUTH: admin,leader,officer,agent
** SUMMARY: 问题分析 What holds projects back: approval items, departments, problem categories
** items: per approval item, statutory limit against average and longest working
** days taken, on-time share and late items now; departments: late items and
** problems raised on their projects; categories: problems on projects by
** category.  ?table=items|departments|categories&format=xlsx downloads one.
*/
void project_analysis(struct request *r)
{
	const char *bind, *scope = projects_scope_sql(r, 1, &bind);
	int64_t now = clock_now();
	struct db_stmt *s;
	json_t *items = json_array(), *departments = json_array(), *categories = json_array();
	/* Totals and indexes as in stats_table(); the longest time is one index step per district and item. */
	int rc = db_prepare(
	    r->db, &s,
	    arena_printf(
	        r->arena,
	        "SELECT a.code, a.name, a.limit_days, a.limit_hours, sum(t.items_done),"
	        " CAST(sum(t.items_days) AS DOUBLE PRECISION) / nullif(sum(t.items_days_n), 0),"
	        " max((SELECT max(m.working_days) FROM project_items m WHERE m.item_code = t.item_code"
	        "  AND m.district_org_id = t.district_org_id)),"
	        " sum(t.items_on_time), sum((SELECT count(*) FROM project_items i WHERE %s AND i.red_at <= ?2)),"
	        " sum(t.items_open)"
	        " FROM project_item_totals t JOIN orgs o ON o.id = t.district_org_id"
	        " JOIN approval_items a ON a.code = t.item_code WHERE %s GROUP BY a.code"
	        " HAVING sum(t.items_done) + sum(t.items_open) > 0"
	        " ORDER BY coalesce(CAST(sum(t.items_days) AS DOUBLE PRECISION) / nullif(sum(t.items_days_n), 0)"
	        "  / CASE WHEN a.limit_days > 1 THEN a.limit_days ELSE 1 END, 0) DESC, 9 DESC",
	        same_items, scope),
	    "ti", bind, now);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t done = db_column_int64(s, 4);
		json_t *row = json_pack("{s:s, s:s, s:i, s:i, s:I, s:I, s:I, s:I}", "code", db_column_text(s, 0), "name",
		                        db_column_text(s, 1), "limit_days", (int)db_column_int64(s, 2), "limit_hours",
		                        (int)db_column_int64(s, 3), "done", (json_int_t)done, "late_now",
		                        (json_int_t)db_column_int64(s, 8), "open", (json_int_t)db_column_int64(s, 9),
		                        "max_working_days", (json_int_t)db_column_int64(s, 6));
		json_object_set_new(row, "avg_working_days", done ? json_real(db_column_double(s, 5)) : json_null());
		json_object_set_new(row, "on_time_rate",
		                    done ? json_real((double)db_column_int64(s, 7) / (double)done) : json_null());
		json_array_append_new(items, row);
	}
	db_finalize(s);
	/* Problems on projects from project_problem_totals (0006_projects.sql), by the project's district. */
	if (rc == DB_DONE)
		rc = db_prepare(r->db, &s,
		                arena_printf(r->arena,
		                             "SELECT g.code, g.name, sum(x.late), sum(x.open), sum(x.problems) FROM ("
		                             " SELECT t.department_org_id AS dept,"
		                             "  (SELECT count(*) FROM project_items i WHERE %1$s AND i.red_at <= ?2) AS late,"
		                             "  t.items_open AS open, 0 AS problems, t.items_done + t.items_open AS items"
		                             "  FROM project_item_totals t JOIN orgs o ON o.id = t.district_org_id WHERE %2$s"
		                             " UNION ALL SELECT q.department_org_id, 0, 0, q.problems, 0 FROM project_problem_totals q"
		                             "  JOIN orgs o ON o.id = q.district_org_id WHERE %2$s"
		                             ") x JOIN orgs g ON g.id = x.dept GROUP BY g.id"
		                             " HAVING sum(x.items) + sum(x.problems) > 0 ORDER BY 3 DESC, 5 DESC",
		                             same_items, scope),
		                "ti", bind, now);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(departments,
		                      json_pack("{s:s, s:s, s:I, s:I, s:I}", "code", db_column_text(s, 0), "name",
		                                db_column_text(s, 1), "late_now", (json_int_t)db_column_int64(s, 2), "open",
		                                (json_int_t)db_column_int64(s, 3), "problems", (json_int_t)db_column_int64(s, 4)));
	db_finalize(s);
	if (rc == DB_DONE)
		rc = db_prepare(r->db, &s,
		                arena_printf(r->arena,
		                             "SELECT c.code, c.name, sum(q.problems), sum(q.unsolved)"
		                             " FROM project_problem_totals q JOIN problem_categories c ON c.code = q.category"
		                             " JOIN orgs o ON o.id = q.district_org_id"
		                             " WHERE %s AND ?2 = ?2 GROUP BY c.code HAVING sum(q.problems) > 0 ORDER BY 3 DESC",
		                             scope),
		                "ti", bind, now);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(categories, json_pack("{s:s, s:s, s:I, s:I}", "code", db_column_text(s, 0), "name",
		                                            db_column_text(s, 1), "problems", (json_int_t)db_column_int64(s, 2),
		                                            "unsolved", (json_int_t)db_column_int64(s, 3)));
	db_finalize(s);
	if (rc != DB_DONE) {
		json_decref(items), json_decref(departments), json_decref(categories);
		reply_db_error(r, rc);
		return;
	}
	const char *table = query_arg(r, "table");
	if (table) {
		const char *format = export_format_arg(r);
		json_t *rows = json_array();
		size_t i;
		json_t *row;
		if (format && strcmp(table, "items") == 0) {
			static const char *const headers[] = {"审批事项", "法定时限(工作日)", "法定时限(小时)", "已办结", "平均工作日", "最长工作日", "按时率", "在办", "超期在办"};
			json_array_foreach(items, i, row) json_array_append_new(
			    rows, json_pack("[O, O, O, O, O, O, O, O, O]", json_object_get(row, "name"), json_object_get(row, "limit_days"),
			                    json_object_get(row, "limit_hours"), json_object_get(row, "done"),
			                    json_object_get(row, "avg_working_days"), json_object_get(row, "max_working_days"),
			                    json_object_get(row, "on_time_rate"), json_object_get(row, "open"),
			                    json_object_get(row, "late_now")));
			reply_table(r, format, "审批事项办理分析", headers, 9, rows);
		} else if (format && strcmp(table, "departments") == 0) {
			static const char *const headers[] = {"部门", "超期在办事项", "在办事项", "项目问题"};
			json_array_foreach(departments, i, row) json_array_append_new(
			    rows, json_pack("[O, O, O, O]", json_object_get(row, "name"), json_object_get(row, "late_now"),
			                    json_object_get(row, "open"), json_object_get(row, "problems")));
			reply_table(r, format, "部门问题分析", headers, 4, rows);
		} else if (format && strcmp(table, "categories") == 0) {
			static const char *const headers[] = {"问题类别", "问题数", "未解决"};
			json_array_foreach(categories, i, row) json_array_append_new(
			    rows, json_pack("[O, O, O]", json_object_get(row, "name"), json_object_get(row, "problems"),
			                    json_object_get(row, "unsolved")));
			reply_table(r, format, "项目问题类别分析", headers, 3, rows);
		} else if (format) {
			reply_error(r, 422, "invalid_filter", "table", "table 应为 items、departments 或 categories (unknown table)");
		}
		json_decref(rows);
		json_decref(items), json_decref(departments), json_decref(categories);
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:o, s:o}", "items", items, "departments", departments, "categories", categories));
}
