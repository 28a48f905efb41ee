/*
** The leaders' screen (领导驾驶舱): one request per card group for the city
** or a district, each figure with the console route of its detail.  The
** console refreshes a card when a live event says its figures changed
** (indicators.figures, projects.project, desk.problem, voucher.counter,
** projects.green).
*/
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "indicators/internal.h"
#include "projects/projects.h"

/* What a card group is given: the unit, its path and the month. */
struct screen {
	struct ind_unit unit;
	const char *period;
	int year, month;
	int64_t now;
};

static json_t *decimal_or_null(struct request *r, bool has, int64_t v, int decimals)
{
	return has ? json_string(ind_decimal_text(r->arena, v, decimals)) : json_null();
}

/* The unit's rank on def among its peers for period: the province's for the city, the districts' for a district. */
static int unit_rank(struct request *r, const struct screen *sc, const struct ind_def *def, const char *period,
                     json_t **ret)
{
	struct ranking k;
	struct ranking_result res;
	struct refusal why;
	const char *code = NULL;
	*ret = json_null();
	int rc = 0;
	/* The city's path has one code: "/350100/". */
	if (strchr(sc->unit.path + 1, '/') == sc->unit.path + strlen(sc->unit.path) - 1) {
		rc = ranking_province_of(r, def, &code);
		if (rc == 0)
			rc = ranking_load(r, code, &k);
	} else {
		ranking_of_indicator(def, &k);
	}
	if (rc == 0)
		rc = ranking_compute(r, &k, period, &res, &why);
	if (rc == DB_DONE || rc == -EINVAL)
		return 0;
	for (size_t i = 0; rc == 0 && i < res.n; i++)
		if (strcmp(res.items[i].code, sc->unit.code) == 0 && res.items[i].rank) {
			char phrase[96];
			ind_rank_phrase(res.items[i].rank, res.items[i].streak, def->kind, code != NULL, phrase,
			                sizeof phrase);
			json_decref(*ret);
			*ret = json_pack("{s:i, s:o, s:i, s:s, s:s?}", "rank", res.items[i].rank, "change",
			                 res.items[i].previous ? json_integer(res.items[i].previous - res.items[i].rank)
			                                       : json_null(),
			                 "streak", res.items[i].streak, "phrase", phrase, "ranking", code);
		}
	return rc;
}

/* indicators: the key indicators (entered and derived) with growth and rank. */
static int group_indicators(struct request *r, const struct screen *sc, json_t *out)
{
	struct db_stmt *s;
	json_t *items = json_array();
	int rc = db_prepare(r->db, &s, "SELECT code FROM indicators WHERE source <> 'platform' ORDER BY position", NULL);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		struct ind_def def;
		struct ind_figure f;
		json_t *rank = NULL;
		int got = ind_def_find(r->db, r->arena, db_column_text(s, 0), &def), m = sc->month;
		while (m > 0 && !ind_period_fits(def.kind, m))
			m--;
		if (got == 0 && m == 0)
			continue;
		const char *period = arena_printf(r->arena, "%04d-%02d", sc->year, m);
		if (got == 0)
			got = ind_figure_load(r->db, r->arena, &def, sc->unit.code, sc->year, m, &f);
		if (got == 0)
			got = unit_rank(r, sc, &def, period, &rank);
		if (got != 0) {
			rc = got < 0 ? got : DB_ERROR;
			break;
		}
		const char *ranking = json_string_value(json_object_get(rank, "ranking"));
		json_array_append_new(
		    items,
		    json_pack("{s:{s:s, s:s, s:s}, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "indicator", "code", def.code,
		              "name", def.name, "unit", def.unit, "period", period, "value",
		              decimal_or_null(r, f.has_value, f.value, def.decimals), "ytd",
		              decimal_or_null(r, f.has_ytd, f.ytd, def.decimals), "growth",
		              decimal_or_null(r, f.has_growth, f.growth, 2), "ytd_growth",
		              decimal_or_null(r, f.has_ytd_growth, f.ytd_growth, 2), "rank", rank, "task",
		              task_brief(r, sc->unit.code, period, 0, def.id), "route",
		              ranking ? arena_printf(r->arena, "/indicators/rankings/%s?period=%s", ranking, period)
		                      : arena_printf(r->arena, "/indicators/values?unit=%s&period=%s", sc->unit.code,
		                                     period)));
	}
	db_finalize(s);
	json_object_set_new(out, "items", items);
	return rc < 0 ? rc : 0;
}

/* redblack: the districts' composite ranking's lists. */
static int group_redblack(struct request *r, const struct screen *sc, json_t *out)
{
	struct ranking k;
	struct refusal why;
	json_t *list = NULL;
	int rc = ranking_load(r, "districts-composite", &k);
	if (rc == 0)
		rc = redblack_json(r, &k, sc->period, &list, &why);
	if (rc == 0)
		json_object_set_new(out, "redblack", list);
	else
		json_object_set_new(out, "redblack", json_null());
	return rc == DB_DONE || rc == -EINVAL ? 0 : rc;
}

/*
** projects: the major projects by light, with their investment (亿元): all
** of them from the running totals, the lit ones counted and summed in one
** pass each over their covering indexes.
*/
static int group_projects(struct request *r, const struct screen *sc, json_t *out)
{
#define IN_AREA "district_org_id IN (SELECT id FROM orgs WHERE substr(path, 1, length(?1)) = ?1)"
	static const char sql[] =
	    "SELECT 0, coalesce(sum(projects), 0), coalesce(sum(investment_wan), 0) FROM project_totals WHERE " IN_AREA
	    " UNION ALL SELECT 1, count(*), coalesce(sum(investment_wan), 0) FROM projects WHERE " IN_AREA
	    " AND red_at <= ?2"
	    " UNION ALL SELECT 2, count(*), coalesce(sum(investment_wan), 0) FROM projects WHERE " IN_AREA
	    " AND " SQL_YELLOW("", "?2");
#undef IN_AREA
	/* all, red, yellow; green is what remains */
	int64_t count[3] = {0}, money[3] = {0};
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, sql, "ti", sc->unit.path, sc->now);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t k = db_column_int64(s, 0);
		if (k >= 0 && k < 3) {
			count[k] = db_column_int64(s, 1);
			money[k] = db_column_int64(s, 2);
		}
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	const char *const lights[] = {"red", "yellow", "green"};
	int64_t lit[] = {count[1], count[2], count[0] - count[1] - count[2]},
	        lit_money[] = {money[1], money[2], money[0] - money[1] - money[2]};
	json_t *by = json_array();
	for (int i = 0; i < 3; i++)
		json_array_append_new(by, json_pack("{s:s, s:I, s:s, s:s}", "light", lights[i], "count", (json_int_t)lit[i],
		                                    "investment", ind_decimal_text(r->arena, lit_money[i], 4), "route",
		                                    arena_printf(r->arena, "/projects?light=%s", lights[i])));
	json_object_set_new(out, "count", json_integer(count[0]));
	/* 万元 are 亿元 with 4 decimals */
	json_object_set_new(out, "total_investment", json_string(ind_decimal_text(r->arena, money[0], 4)));
	json_object_set_new(out, "lights", json_pack("{s:I, s:I, s:I}", "red", (json_int_t)lit[0], "yellow",
	                                             (json_int_t)lit[1], "green", (json_int_t)lit[2]));
	json_object_set_new(out, "by_light", by);
	json_object_set_new(out, "route", json_string("/projects"));
	return 0;
}

/* problems: the overdue problems of the unit's area by the department holding them, the most first. */
static int group_problems(struct request *r, const struct screen *sc, json_t *out)
{
	struct db_stmt *s;
	int64_t total = 0;
	json_t *items = json_array();
	int rc = db_prepare(r->db, &s,
	                    "SELECT g.id, g.name, count(*) FROM problems p JOIN orgs d ON d.id = p.district_org_id"
	                    " JOIN orgs g ON g.id = p.department_org_id WHERE substr(d.path, 1, length(?1)) = ?1 AND"
	                    " ((p.status = 'submitted' AND p.accept_due < ?2)"
	                    " OR (p.status IN ('accepted', 'in_progress') AND p.answer_due < ?2))"
	                    " GROUP BY g.id, g.name ORDER BY 3 DESC, g.id",
	                    "ti", sc->unit.path, sc->now);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t id = db_column_int64(s, 0), n = db_column_int64(s, 2);
		total += n;
		json_array_append_new(items,
		                      json_pack("{s:{s:I, s:s}, s:I, s:s}", "department", "id", (json_int_t)id, "name",
		                                db_column_text(s, 1), "overdue", (json_int_t)n, "route",
		                                arena_printf(r->arena, "/desk/problems?state=overdue&department=%lld",
		                                             (long long)id)));
	}
	db_finalize(s);
	json_object_set_new(out, "overdue_total", json_integer(total));
	json_object_set_new(out, "items", items);
	return rc < 0 ? rc : 0;
}

/* A platform indicator's year to date for the unit as text, or null. */
static int platform_ytd(struct request *r, const struct screen *sc, const char *code, json_t **ret)
{
	struct ind_def def;
	struct ind_figure f;
	*ret = json_null();
	int rc = ind_def_find(r->db, r->arena, code, &def);
	if (rc == 0)
		rc = ind_figure_load(r->db, r->arena, &def, sc->unit.code, sc->year, sc->month, &f);
	if (rc == 0 && f.has_ytd)
		*ret = json_pack("{s:s, s:s, s:o}", "ytd", ind_decimal_text(r->arena, f.ytd, def.decimals), "unit",
		                 def.unit, "ytd_growth", decimal_or_null(r, f.has_ytd_growth, f.ytd_growth, 2));
	return rc == DB_DONE ? 0 : rc;
}

/* invest: the investment signed this year (the platform's investment_signed) and the agreements signed. */
static int group_invest(struct request *r, const struct screen *sc, json_t *out)
{
	json_t *signed_year;
	int rc = platform_ytd(r, sc, "investment_signed", &signed_year);
	if (rc == 0 && json_is_object(signed_year))
		json_object_set_new(signed_year, "route", json_string("/invest/stats"));
	json_object_set_new(out, "signed_year", signed_year);
	return rc;
}

/* money: vouchers redeemed and refunds paid this year. */
static int group_money(struct request *r, const struct screen *sc, json_t *out)
{
	static const char *const parts[][3] = {{"vouchers", "vouchers_redeemed", "/vouchers/stats"},
	                                       {"refunds", "refunds_paid", "/refunds/stats"}};
	int rc = 0;
	for (int i = 0; rc == 0 && i < 2; i++) {
		json_t *o;
		rc = platform_ytd(r, sc, parts[i][1], &o);
		if (json_is_object(o))
			json_object_set_new(o, "route", json_string(parts[i][2]));
		json_object_set_new(out, parts[i][0], o);
	}
	return rc;
}

/* green: the open green-channel cases, the nearest due first (the first ten), and how many. */
static int group_green(struct request *r, const struct screen *sc, json_t *out)
{
	struct db_stmt *s = NULL;
	int64_t open = 0;
	json_t *items = json_array();
	int rc = db_query_int64(r->db, &open,
	                        "SELECT count(*) FROM green_cases c JOIN orgs o ON o.id = c.district_org_id"
	                        " WHERE c.state = 'open' AND substr(o.path, 1, length(?1)) = ?1",
	                        "t", sc->unit.path);
	if (rc == 0)
		rc = db_prepare(r->db, &s,
		                "SELECT c.id, c.applicant, o.name, c.documents_at, c.due_at FROM green_cases c"
		                " JOIN orgs o ON o.id = c.district_org_id WHERE c.state = 'open' AND"
		                " substr(o.path, 1, length(?1)) = ?1 ORDER BY c.due_at IS NULL, c.due_at, c.id LIMIT 10",
		                "t", sc->unit.path);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t id = db_column_int64(s, 0);
		bool started = !db_column_is_null(s, 3);
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:s, s:o, s:b, s:s}", "id", (json_int_t)id, "applicant",
		                     db_column_text(s, 1), "district", db_column_text(s, 2), "hours",
		                     started ? json_integer((sc->now - db_column_int64(s, 3)) / 3600) : json_null(),
		                     "overdue", !db_column_is_null(s, 4) && db_column_int64(s, 4) < sc->now, "route",
		                     arena_printf(r->arena, "/projects/green-channel?id=%lld", (long long)id)));
	}
	if (s)
		db_finalize(s);
	json_object_set_new(out, "open", json_integer(open));
	json_object_set_new(out, "items", items);
	return rc < 0 ? rc : 0;
}

static const struct group {
	const char *name;
	int (*fill)(struct request *r, const struct screen *sc, json_t *out);
} groups[] = {
    {"indicators", group_indicators}, {"redblack", group_redblack}, {"projects", group_projects},
    {"problems", group_problems},     {"invest", group_invest},     {"money", group_money},
    {"green", group_green},
};

/*
** ROUTE: GET /api/v1/indicators/screen/{group}
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 领导驾驶舱 One card group of the leaders' screen for the city or a district
** {group}: indicators (key indicators with growth and rank), redblack,
** projects (by light, with investment), problems (overdue by department),
** invest (signed this year), money (vouchers redeemed, refunds paid),
** green (open green-channel cases).  ?unit=CODE (default the caller's
** area), ?period=YYYY-MM (default the unit's latest approved month).  Each
** figure has "route", the console page of its detail.
*/
void indicator_screen(struct request *r)
{
	const char *name = route_param(r, "group"), *unit = query_arg(r, "unit");
	const struct group *g = NULL;
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (strcmp(groups[i].name, name) == 0)
			g = &groups[i];
	if (!g) {
		reply_error(r, 404, "unknown_group", NULL,
		            "驾驶舱没有这组卡片 (no such card group: indicators, redblack, projects, problems, invest, "
		            "money, green)");
		return;
	}
	struct screen sc = {.now = clock_now()};
	struct db_stmt *s;
	int rc = 0;
	if (!unit) {
		rc = db_prepare(r->db, &s, "SELECT code FROM orgs WHERE path = ? AND kind IN ('city', 'district')", "t",
		                request_area(r));
		if (rc >= 0 && (rc = db_step(s)) == DB_ROW)
			unit = arena_strdup(r->arena, db_column_text(s, 0));
		db_finalize(s);
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!ind_unit_or_reply(r, unit, false, &sc.unit))
		return;
	if (!sc.unit.path) {
		reply_error(r, 422, "unknown_unit", "unit", "驾驶舱只看本市或县(市)区 (the city or a district)");
		return;
	}
	sc.period = query_arg(r, "period");
	if (!sc.period) {
		rc = db_prepare(r->db, &s,
		                "SELECT max(period) FROM indicator_periods WHERE unit = ? AND state = 'approved'", "t",
		                sc.unit.code);
		if (rc >= 0 && (rc = db_step(s)) == DB_ROW && !db_column_is_null(s, 0))
			sc.period = arena_strdup(r->arena, db_column_text(s, 0));
		db_finalize(s);
		if (!sc.period) {
			int y, m, d;
			clock_civil_from_days(clock_local_day(sc.now), &y, &m, &d);
			sc.period = arena_printf(r->arena, "%04d-%02d", y, m);
		}
	}
	if (ind_period_parse(sc.period, &sc.year, &sc.month) < 0) {
		reply_error(r, 422, "invalid_period", "period", "期间应为 YYYY-MM (a month, YYYY-MM)");
		return;
	}
	char at[32];
	clock_format_iso(sc.now, at);
	json_t *out = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s}", "group", g->name, "unit", "code", sc.unit.code, "name",
	                        sc.unit.name, "period", sc.period, "generated_at", at);
	rc = g->fill(r, &sc, out);
	reply_json_or_db_error(r, rc < 0 ? rc : 0, out);
}
