/*
** The bulletin (通报) of a month or a quarter, generated from the figures:
** headline lines in the article's own style (value, growth, rank, streak),
** a table per indicator by district with ranks, the red/black list and the
** platform's own figures.  Publishing stores what was generated, each
** publication of a period the next revision, with who published it; the
** published bulletin reads and exports (.xlsx) as it was.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "indicators/internal.h"
#include "org/org.h"

/*
** The headline of an indicator: main, then, when the city is ranked in the
** province on it, rank.  Placeholders: {span} (前三季度, 1-9月), {ytd} and
** {unit} (the year to date), {ytd_change} (增长3.1% or 下降2%), {month} and
** {month_change} (the month's own growth), {rank} (位列全省第三, 连续两个月
** 排名全省第一).  An indicator without its own line has the default's.
*/
static const struct headline {
	const char *indicator, *main, *rank;
} headlines[] = {
    {"gdp", "{span},全市实现地区生产总值(GDP){ytd}{unit},同比{ytd_change}", ",增速{rank}"},
    {"fai", "{span},全市固定资产投资同比{ytd_change}", ",{rank}"},
    {"retail", "{span},全市社会消费品零售总额{ytd}{unit},同比{ytd_change};{month}月份{month_change}", ",{rank}"},
    {NULL, "{span},全市{name}{ytd}{unit},同比{ytd_change}", ",{rank}"},
};

/* The year to date's name: 1月, 1-9月; by quarter 一季度, 上半年, 前三季度, 全年. */
static const char *span_words(struct request *r, enum ind_kind kind, int month)
{
	static const char *const quarters[] = {"一季度", "上半年", "前三季度", "全年"};
	if (kind != IND_MONTH)
		return quarters[(month - 1) / 3];
	return month == 1 ? "1月" : arena_printf(r->arena, "1-%d月", month);
}

/* 增长3.1% / 下降2% */
static const char *change_words(struct request *r, bool has, int64_t bp)
{
	char g[32];
	if (!has)
		return "持平(无可比数据)";
	ind_growth_words(bp < 0 ? -bp : bp, g, sizeof g);
	return arena_printf(r->arena, "%s%s%%", bp < 0 ? "下降" : "增长", g);
}

/* Replace each {key} of template by its value (keys and values in pairs, n of them). */
static const char *fill(struct request *r, const char *template, const char *const *pairs, size_t n)
{
	const char *out = "";
	for (const char *p = template; *p;) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		size_t i = 0;
		while (end && i < n && (strlen(pairs[2 * i]) != (size_t)(end - p - 1) ||
		                        strncmp(pairs[2 * i], p + 1, (size_t)(end - p - 1)) != 0))
			i++;
		if (end && i < n) {
			out = arena_printf(r->arena, "%s%s", out, pairs[2 * i + 1]);
			p = end + 1;
		} else {
			const char *next = strchr(p + 1, '{');
			size_t len = next ? (size_t)(next - p) : strlen(p);
			out = arena_printf(r->arena, "%s%.*s", out, (int)len, p);
			p += len;
		}
	}
	return out;
}

/* The month of an indicator's figure in a bulletin of month: the latest period of its kind so far (0: none yet). */
static int month_of(enum ind_kind kind, int month)
{
	while (month > 0 && !ind_period_fits(kind, month))
		month--;
	return month;
}

static json_t *decimal_or_null(struct request *r, bool has, int64_t v, int decimals)
{
	return has ? json_string(ind_decimal_text(r->arena, v, decimals)) : json_null();
}

/* A unit's figure of an indicator as a table row's numbers. */
static json_t *figure_row(struct request *r, const char *code, const char *name, const struct ind_def *def,
                          const struct ind_figure *f, int rank)
{
	return json_pack("{s:{s:s, s:s}, s:o, s:o, s:o, s:o, s:o}", "unit", "code", code, "name", name, "value",
	                 decimal_or_null(r, f->has_value, f->value, def->decimals), "ytd",
	                 decimal_or_null(r, f->has_ytd, f->ytd, def->decimals), "growth",
	                 decimal_or_null(r, f->has_growth, f->growth, 2), "ytd_growth",
	                 decimal_or_null(r, f->has_ytd_growth, f->ytd_growth, 2), "rank",
	                 rank ? json_integer(rank) : json_null());
}

/* The city's rank in the province on def for period ("" when there is no such ranking or it is unranked). */
static int province_phrase(struct request *r, const struct ind_def *def, const struct ind_unit *city,
                           const char *period, const char **ret_phrase, const char **ret_ranking, int *ret_rank)
{
	const char *code;
	struct ranking k;
	struct ranking_result res;
	struct refusal why;
	*ret_phrase = "";
	*ret_ranking = NULL;
	*ret_rank = 0;
	int rc = ranking_province_of(r, def, &code);
	if (rc == 0)
		rc = ranking_load(r, code, &k);
	if (rc == 0)
		rc = ranking_compute(r, &k, period, &res, &why);
	if (rc == DB_DONE || rc == -EINVAL)
		return 0;
	for (size_t i = 0; rc == 0 && i < res.n; i++)
		if (strcmp(res.items[i].code, city->code) == 0 && res.items[i].rank) {
			char phrase[96];
			ind_rank_phrase(res.items[i].rank, res.items[i].streak, def->kind, true, phrase, sizeof phrase);
			*ret_phrase = arena_strdup(r->arena, phrase);
			*ret_ranking = code;
			*ret_rank = res.items[i].rank;
		}
	return rc;
}

/* The city at the root of the tree. */
static int city_of_tree(struct request *r, struct ind_unit *ret)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT code FROM orgs WHERE kind = 'city' ORDER BY id LIMIT 1", NULL);
	const char *code = NULL;
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		code = arena_strdup(r->arena, db_column_text(s, 0));
	db_finalize(s);
	return code ? ind_unit_find(r->db, r->arena, code, ret) : rc < 0 ? rc : DB_DONE;
}

int ind_headline(struct request *r, const struct ind_def *def, const struct ind_unit *city, int year, int month,
                 const char **ret_text, json_t **ret_rank)
{
	struct ind_figure f;
	const char *phrase = "", *ranking = NULL;
	int rank = 0;
	const char *period = arena_printf(r->arena, "%04d-%02d", year, month);
	int rc = ind_figure_load(r->db, r->arena, def, city->code, year, month, &f);
	if (rc == 0)
		rc = province_phrase(r, def, city, period, &phrase, &ranking, &rank);
	if (rc < 0)
		return rc;
	const struct headline *h = headlines;
	while (h->indicator && strcmp(h->indicator, def->code) != 0)
		h++;
	const char *pairs[] = {"span",
	                       span_words(r, def->kind, month),
	                       "name",
	                       def->name,
	                       "ytd",
	                       f.has_ytd ? ind_decimal_text(r->arena, f.ytd, def->decimals) : "—",
	                       "unit",
	                       strcmp(def->unit, "count") == 0 ? "" : def->unit,
	                       "ytd_change",
	                       change_words(r, f.has_ytd_growth, f.ytd_growth),
	                       "month",
	                       arena_printf(r->arena, "%d", month),
	                       "month_change",
	                       change_words(r, f.has_growth, f.growth),
	                       "rank",
	                       phrase};
	size_t n = sizeof pairs / sizeof pairs[0] / 2;
	*ret_text = fill(r, h->main, pairs, n);
	if (*phrase)
		*ret_text = arena_printf(r->arena, "%s%s", *ret_text, fill(r, h->rank, pairs, n));
	*ret_rank = ranking ? json_pack("{s:s, s:i, s:s}", "ranking", ranking, "rank", rank, "phrase", phrase)
	                    : json_null();
	return 0;
}

/* The indicators of a bulletin, in order: the entered, imported and derived ones (platform: false) or the platform's. */
static int bulletin_defs(struct request *r, bool platform, struct ind_def **ret, size_t *ret_n)
{
	struct db_stmt *s;
	size_t n = 0, cap = 64;
	struct ind_def *defs = arena_alloc(r->arena, cap * sizeof *defs);
	if (!defs)
		return DB_ERROR;
	int rc =
	    db_prepare(r->db, &s, "SELECT code FROM indicators WHERE (source = 'platform') = (? = 1) ORDER BY position",
	               "I", (int)platform);
	while (rc >= 0 && n < cap && (rc = db_step(s)) == DB_ROW) {
		const char *code = arena_strdup(r->arena, db_column_text(s, 0));
		int got = ind_def_find(r->db, r->arena, code, &defs[n]);
		if (got < 0)
			rc = got;
		else
			n++;
	}
	db_finalize(s);
	*ret = defs;
	*ret_n = n;
	return rc < 0 ? rc : 0;
}

/* An indicator's table: the city, then the districts by rank on its growth. */
static int indicator_table(struct request *r, const struct ind_def *def, const struct ind_unit *city, int year,
                           int month, json_t **ret)
{
	struct ranking k;
	struct ranking_result res;
	struct refusal why;
	struct ind_figure f;
	const char *period = arena_printf(r->arena, "%04d-%02d", year, month);
	ranking_of_indicator(def, &k);
	int rc = ind_figure_load(r->db, r->arena, def, city->code, year, month, &f);
	if (rc == 0)
		rc = ranking_compute(r, &k, period, &res, &why);
	if (rc < 0)
		return rc == -EINVAL ? DB_ERROR : rc;
	json_t *rows = json_array();
	json_array_append_new(rows, figure_row(r, city->code, city->name, def, &f, 0));
	for (size_t i = 0; i < res.n; i++)
		json_array_append_new(rows, figure_row(r, res.items[i].code, res.items[i].name, def, &res.items[i].first,
		                                       res.items[i].rank));
	*ret = json_pack("{s:{s:s, s:s, s:s}, s:s, s:s, s:o}", "indicator", "code", def->code, "name", def->name, "unit",
	                 def->unit, "period", period, "ranked_on", def->yoy ? "growth" : "level", "rows", rows);
	return 0;
}

/*
** Generate the bulletin of period (kind month or quarter): 0 with *ret; -EINVAL
** with *why; or a database error.
*/
static int bulletin_build(struct request *r, const char *period, const char *kind, json_t **ret, struct refusal *why)
{
	static const char *const kinds[] = {"month", "quarter", NULL};
	int year, month, k = -1;
	for (int i = 0; kind && kinds[i]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			k = i;
	if (ind_period_parse(period, &year, &month) < 0)
		return ind_refuse(why, 422, "invalid_period", "period", "期间应为 YYYY-MM (a month, YYYY-MM)");
	if (k < 0)
		return ind_refuse(why, 422, "invalid_kind", "kind", "kind 应为 month 或 quarter (month or quarter)");
	if (k == 1 && !ind_period_fits(IND_QUARTER, month))
		return ind_refuse(why, 422, "period_kind", "period", "季度通报的期间应为季末月份 (a quarter's last month)");
	struct ind_unit city;
	struct ind_def *defs, *platform;
	size_t n, n_platform;
	int rc = city_of_tree(r, &city);
	if (rc == 0)
		rc = bulletin_defs(r, false, &defs, &n);
	if (rc == 0)
		rc = bulletin_defs(r, true, &platform, &n_platform);
	if (rc < 0)
		return rc == DB_DONE ? DB_ERROR : rc;
	json_t *lines = json_array(), *tables = json_array(), *figures = json_array(), *redblack = NULL;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int m = month_of(defs[i].kind, month);
		const char *text;
		json_t *rank, *table;
		if (m == 0)
			continue;
		/* Headlines for the figures with growth on last year; every indicator has its table. */
		if (defs[i].yoy && (rc = ind_headline(r, &defs[i], &city, year, m, &text, &rank)) == 0)
			json_array_append_new(lines, json_pack("{s:s, s:s, s:o}", "indicator", defs[i].code, "text", text,
			                                       "rank", rank));
		if (rc == 0 && (rc = indicator_table(r, &defs[i], &city, year, m, &table)) == 0)
			json_array_append_new(tables, table);
	}
	for (size_t i = 0; rc == 0 && i < n_platform; i++) {
		struct ind_figure f;
		if ((rc = ind_figure_load(r->db, r->arena, &platform[i], city.code, year, month, &f)) == 0) {
			json_t *row = figure_row(r, city.code, city.name, &platform[i], &f, 0);
			json_object_del(row, "rank");
			json_object_set_new(row, "indicator",
			                    json_pack("{s:s, s:s, s:s}", "code", platform[i].code, "name", platform[i].name,
			                              "unit", platform[i].unit));
			json_array_append_new(figures, row);
		}
	}
	struct ranking composite;
	if (rc == 0 && (rc = ranking_load(r, "districts-composite", &composite)) == 0)
		rc = redblack_json(r, &composite, period, &redblack, why);
	if (rc == DB_DONE || rc == -EINVAL) /* no composite ranking, or not this month: the bulletin goes without */
		rc = 0;
	int64_t approved = 0, units = 0, revision = 0;
	if (rc == 0)
		rc = db_query_int64(r->db, &units, "SELECT count(*) FROM orgs WHERE kind IN ('city', 'district')", NULL);
	if (rc == 0)
		rc = db_query_int64(r->db, &approved,
		                    "SELECT count(*) FROM indicator_periods p JOIN orgs o ON o.code = p.unit WHERE"
		                    " o.kind IN ('city', 'district') AND p.period = ? AND p.state = 'approved'",
		                    "t", period);
	if (rc == 0)
		rc = db_query_int64(r->db, &revision,
		                    "SELECT coalesce(max(revision), 0) FROM indicator_periods WHERE period = ?", "t",
		                    period);
	if (rc < 0) {
		json_decref(lines);
		json_decref(tables);
		json_decref(figures);
		json_decref(redblack);
		return rc;
	}
	const char *title =
	    k == 0 ? arena_printf(r->arena, "%d年%d月%s经济运行情况通报", year, month, city.name)
	           : arena_printf(r->arena, "%d年%s%s经济运行情况通报", year, span_words(r, IND_QUARTER, month), city.name);
	*ret = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:o, s:o, s:b, s:I}", "period", period, "kind", kind,
	                 "title", title, "unit", "code", city.code, "name", city.name, "headlines", lines, "tables",
	                 tables, "redblack", redblack ? redblack : json_null(), "platform", figures, "approved",
	                 approved == units, "data_revision", (json_int_t)revision);
	return 0;
}

/* Generate the bulletin of the query's or the body's period and kind, answering a refusal or an error itself. */
static json_t *bulletin_or_reply(struct request *r, const char *period, const char *kind)
{
	json_t *out = NULL;
	struct refusal why;
	int rc = bulletin_build(r, period, kind ? kind : "month", &out, &why);
	return ind_ok_or_reply(r, rc, &why) ? out : NULL;
}

/*
** ROUTE: GET /api/v1/indicators/bulletins/preview
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 通报预览 Generate a month's or quarter's bulletin from the figures, not stored
** ?period=YYYY-MM&kind=month|quarter (default month): headline lines in
** the article's style, a table per indicator by district with ranks, the
** red/black list, the platform's figures, whether every unit's month is
** approved and the highest revision of the figures.
*/
void indicator_bulletin_preview(struct request *r)
{
	json_t *out = bulletin_or_reply(r, query_arg(r, "period"), query_arg(r, "kind"));
	if (out)
		reply_json(r, 200, out);
}

/*
** ROUTE: POST /api/v1/indicators/bulletins
** AUTH: department
** DUTY: statistics
** SUMMARY: 发布通报 Publish a bulletin (the city's bureau): the next revision of its period
** Body: {"period","kind": "month"|"quarter"} → 201 {"id","revision","title"}.
** 409 not_approved while the city's or a district's month is not approved.
*/
void indicator_bulletin_publish(struct request *r)
{
	static const char *const fields[] = {"period", "kind", NULL};
	const char *period, *kind;
	if (!body_only(r, fields) || !body_string(r, "period", FIELD_REQUIRED, 7, &period) ||
	    !body_string(r, "kind", FIELD_REQUIRED, 8, &kind) || !ind_city_bureau_or_reply(r))
		return;
	json_t *content = bulletin_or_reply(r, period, kind);
	if (!content)
		return;
	if (!json_is_true(json_object_get(content, "approved"))) {
		json_decref(content);
		reply_error(r, 409, "not_approved", "period",
		            "本市及各县(市)区该期数据审定后才能发布通报 (every unit's month must be approved first)");
		return;
	}
	char *text = json_dumps(content, JSON_COMPACT);
	const char *title = arena_strdup(r->arena, json_string_value(json_object_get(content, "title")));
	int64_t data_revision = json_integer_value(json_object_get(content, "data_revision")), revision = 0;
	json_decref(content);
	int rc = text ? db_begin(r->db) : DB_ERROR;
	if (rc == 0)
		rc = db_query_int64(r->db, &revision,
		                    "SELECT coalesce(max(revision), 0) + 1 FROM indicator_bulletins WHERE period = ? AND kind = ?",
		                    "tt", period, kind);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO indicator_bulletins(period, kind, revision, title, data_revision, content,"
		            " published_by, published_at) VALUES (?,?,?,?,?,?,?,?)",
		            "ttititii", period, kind, revision, title, data_revision, text, r->who.user_id, clock_now());
	free(text);
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s, s:I, s:I}", "period", period, "kind", kind, "revision",
		                           (json_int_t)revision, "data_revision", (json_int_t)data_revision);
		rc = audit_append(r->db, &ctx, "indicators.bulletin.publish", "indicator_bulletin",
		                  arena_printf(r->arena, "%lld", (long long)id), request_area(r), detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	struct ind_unit city;
	if (city_of_tree(r, &city) == 0)
		ind_figures_changed(&city, period, "bulletin");
	reply_json(r, 201, json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "revision", (json_int_t)revision, "title",
	                             title));
}

#define BULLETIN_SELECT                                                                                                \
	"SELECT b.id AS id, b.period AS period, b.kind AS kind, b.title AS title, b.revision AS revision,"             \
	" b.data_revision AS data_revision, u.username AS \"published_by.username\","                                  \
	" u.display_name AS \"published_by.name\", b.published_at AS \"published_at:time\", b.content AS _content"     \
	" FROM indicator_bulletins b JOIN users u ON u.id = b.published_by"

/*
** ROUTE: GET /api/v1/indicators/bulletins
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 已发布通报 The published bulletins, newest first: period, revision, who published them
** ?period=YYYY-MM, ?limit, ?cursor.
*/
void indicator_bulletins_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 200, &limit, &cursor))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    BULLETIN_SELECT " WHERE b.id < ? AND (? IS NULL OR b.period = ?) ORDER BY b.id DESC LIMIT ?",
	                    "ittI", cursor, query_arg(r, "period"), query_arg(r, "period"), (int)limit);
	reply_rows(r, rc, s, row_as_json_of, limit);
}

/* The published bulletin of the route's id: its record and content merged, or NULL having answered. */
static json_t *published_or_reply(struct request *r)
{
	int64_t id;
	struct db_stmt *s;
	if (!route_param_id(r, "id", &id))
		return NULL;
	int rc = db_prepare(r->db, &s, BULLETIN_SELECT " WHERE b.id = ?", "i", id);
	if (!db_row_or_reply(r, rc, s, "unknown_bulletin", "通报不存在 (no such bulletin)"))
		return NULL;
	json_t *o = json_loads(db_named_text(s, "_content"), 0, NULL), *record = row_as_json(s);
	db_finalize(s);
	if (!o) {
		json_decref(record);
		reply_db_error(r, DB_ERROR);
		return NULL;
	}
	json_object_update(o, record);
	json_decref(record);
	return o;
}

/*
** ROUTE: GET /api/v1/indicators/bulletins/{id}
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 通报 A published bulletin as published, with its revision and publisher
*/
void indicator_bulletin_get(struct request *r)
{
	json_t *o = published_or_reply(r);
	if (o)
		reply_json(r, 200, o);
}

/* A row of the export: seven cells, text or null. */
static json_t *cells(const char *a, const char *b, json_t *c, json_t *d, json_t *e, json_t *f, json_t *g)
{
	return json_pack("[s, s?, O?, O?, O?, O?, O?]", a, b, c, d, e, f, g);
}

/*
** ROUTE: GET /api/v1/indicators/bulletins/{id}/export
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 导出通报 A published bulletin as Excel (or ?format=csv): headlines, tables, red/black list, platform
*/
void indicator_bulletin_export(struct request *r)
{
	static const char *const headers[] = {"内容", "单位", "当期", "累计", "当期增速(%)", "累计增速(%)", "排名"};
	const char *format = export_format_arg(r);
	json_t *o = format ? published_or_reply(r) : NULL, *rows = json_array(), *v, *t, *row;
	size_t i, j;
	if (!o) {
		json_decref(rows);
		return;
	}
	json_array_append_new(rows, cells(json_string_value(json_object_get(o, "title")),
	                                  arena_printf(r->arena, "第%lld版", (long long)json_integer_value(
	                                                                        json_object_get(o, "revision"))),
	                                  NULL, NULL, NULL, NULL, NULL));
	json_array_foreach(json_object_get(o, "headlines"), i, v) json_array_append_new(
	    rows, cells("要点", json_string_value(json_object_get(v, "text")), NULL, NULL, NULL, NULL, NULL));
	json_array_foreach(json_object_get(o, "tables"), i, t)
	{
		json_t *ind = json_object_get(t, "indicator");
		const char *title = arena_printf(r->arena, "%s(%s)", json_string_value(json_object_get(ind, "name")),
		                                 json_string_value(json_object_get(ind, "unit")));
		json_array_foreach(json_object_get(t, "rows"), j, row) json_array_append_new(
		    rows, cells(title, json_string_value(json_object_get(json_object_get(row, "unit"), "name")),
		                json_object_get(row, "value"), json_object_get(row, "ytd"), json_object_get(row, "growth"),
		                json_object_get(row, "ytd_growth"), json_object_get(row, "rank")));
	}
	json_t *redblack = json_object_get(o, "redblack");
	static const char *const lists[][2] = {{"red", "红榜"}, {"black", "黑榜"}};
	for (int l = 0; l < 2; l++)
		json_array_foreach(json_object_get(redblack, lists[l][0]), j, row) json_array_append_new(
		    rows, cells(lists[l][1], json_string_value(json_object_get(json_object_get(row, "unit"), "name")), NULL,
		                NULL, NULL, NULL, json_object_get(row, "rank")));
	json_array_foreach(json_object_get(o, "platform"), j, row)
	{
		json_t *ind = json_object_get(row, "indicator");
		json_array_append_new(
		    rows, cells(arena_printf(r->arena, "平台数据:%s(%s)", json_string_value(json_object_get(ind, "name")),
		                             json_string_value(json_object_get(ind, "unit"))),
		                json_string_value(json_object_get(json_object_get(row, "unit"), "name")),
		                json_object_get(row, "value"), json_object_get(row, "ytd"), json_object_get(row, "growth"),
		                json_object_get(row, "ytd_growth"), NULL));
	}
	reply_table(r, format, json_string_value(json_object_get(o, "title")), headers, 7, rows);
	json_decref(rows);
	json_decref(o);
}
