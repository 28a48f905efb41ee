/*
** The indicators and their values, the statistics bureaus' work (DUTY:
** statistics): a value entered one by one or imported as CSV (all or
** nothing), and a unit's month read back with its year to date, growth,
** revision and the validation rules' flags.
**
** Who enters what: a bureau enters the units of its area (a district's
** bureau its district, the city's bureau the city and every district) and
** the city's bureau alone the province's other cities.  Leaders read.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "indicators/indicators.h"
#include "indicators/internal.h"
#include "org/org.h"
#include "core/clock.h"
#include "core/csv.h"

static const char *const kind_names[] = {"month", "quarter", "year"};

/* The indicator of the statement's row (its columns as DEF_COLUMNS selects them). */
static void def_of_row(struct db_stmt *s, struct arena *a, struct ind_def *ret)
{
	const char *formula = db_column_text(s, 8);
	*ret = (struct ind_def){.id = db_column_int64(s, 0),
	                        .code = arena_strdup(a, db_column_text(s, 1)),
	                        .name = arena_strdup(a, db_column_text(s, 2)),
	                        .unit = arena_strdup(a, db_column_text(s, 3)),
	                        .decimals = (int)db_column_int64(s, 4),
	                        .kind = (enum ind_kind)ind_kind_from_name(db_column_text(s, 5)),
	                        .additive = db_column_int64(s, 6) != 0,
	                        .source = arena_strdup(a, db_column_text(s, 7)),
	                        .formula = !formula                        ? IND_STORED
	                                   : strcmp(formula, "ratio") == 0 ? IND_RATIO
	                                                                   : IND_CHILDREN_SUM,
	                        .a_id = db_column_int64(s, 9),
	                        .b_id = db_column_int64(s, 10),
	                        .yoy = db_column_int64(s, 11) != 0};
}

#define DEF_COLUMNS                                                                                                    \
	"SELECT id, code, name, unit, decimals, period_kind, additive, source, formula, coalesce(a_id, 0),"            \
	" coalesce(b_id, 0), yoy FROM indicators"

/* The indicator where column = the value (bound by fmt): 0, DB_DONE, or a database error. */
static int def_where(struct db *d, struct arena *a, const char *sql, int64_t id, const char *code, struct ind_def *ret)
{
	struct db_stmt *s;
	int rc = code ? db_prepare(d, &s, sql, "t", code) : db_prepare(d, &s, sql, "i", id);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		def_of_row(s, a, ret);
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

int ind_def_find(struct db *d, struct arena *a, const char *code, struct ind_def *ret)
{
	return def_where(d, a, DEF_COLUMNS " WHERE code = ?", 0, code, ret);
}

int ind_def_by_id(struct db *d, struct arena *a, int64_t id, struct ind_def *ret)
{
	return def_where(d, a, DEF_COLUMNS " WHERE id = ?", id, NULL, ret);
}

/* The year's months as 'YYYY-01' and 'YYYY-12', for BETWEEN. */
static void year_bounds(int year, char from[16], char to[16])
{
	snprintf(from, 16, "%04d-01", year);
	snprintf(to, 16, "%04d-12", year);
}

int ind_stored_each(struct db *d, int64_t indicator, const char *unit, int from_year, int to_year,
                    void (*each)(void *ctx, const char *unit, int year, int month, struct db_stmt *s), void *ctx)
{
	char from[16], to[16], ignored[16];
	year_bounds(from_year, from, ignored);
	year_bounds(to_year, ignored, to);
	struct db_stmt *s;
	/* Two statements, so that each uses the key (indicator_id, unit, period) as far as it can. */
	int rc = unit ? db_prepare(d, &s,
	                           "SELECT unit, period, value, growth_bp, ytd_growth_bp FROM indicator_values"
	                           " WHERE indicator_id = ? AND unit = ? AND period BETWEEN ? AND ?",
	                           "ittt", indicator, unit, from, to)
	              : db_prepare(d, &s,
	                           "SELECT unit, period, value, growth_bp, ytd_growth_bp FROM indicator_values"
	                           " WHERE indicator_id = ? AND period BETWEEN ? AND ?",
	                           "itt", indicator, from, to);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int y, m;
		if (ind_period_parse(db_column_text(s, 1), &y, &m) == 0)
			each(ctx, db_column_text(s, 0), y, m, s);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

void ind_year_put(struct ind_year *y, int month, struct db_stmt *s)
{
	int i = month - 1;
	if ((y->has_value[i] = !db_column_is_null(s, 2)))
		y->value[i] = db_column_int64(s, 2);
	if ((y->has_growth[i] = !db_column_is_null(s, 3)))
		y->growth[i] = db_column_int64(s, 3);
	if ((y->has_ytd_growth[i] = !db_column_is_null(s, 4)))
		y->ytd_growth[i] = db_column_int64(s, 4);
}

static void put_year(void *ctx, const char *unit, int year, int month, struct db_stmt *s)
{
	(void)unit;
	(void)year;
	ind_year_put(ctx, month, s);
}

/* A unit's stored values of an indicator for a year. */
static int year_stored(struct db *d, int64_t indicator, const char *unit, int year, struct ind_year *ret)
{
	return ind_stored_each(d, indicator, unit, year, year, put_year, ret);
}

/* The sum of an indicator's values over the unit's county-level units, each month where all of them have one. */
static int year_children_sum(struct db *d, int64_t indicator, const char *unit, int year, struct ind_year *ret)
{
	char from[16], to[16];
	year_bounds(year, from, to);
	struct db_stmt *s;
	int rc = db_prepare(d, &s,
	                    "SELECT v.period, sum(v.value), count(*), (SELECT count(*) FROM orgs c JOIN orgs p ON"
	                    " p.id = c.parent_id WHERE p.code = ?2 AND c.kind = 'district')"
	                    " FROM indicator_values v JOIN orgs o ON o.code = v.unit JOIN orgs p ON p.id = o.parent_id"
	                    " WHERE v.indicator_id = ?1 AND p.code = ?2 AND o.kind = 'district' AND v.value IS NOT NULL"
	                    " AND v.period BETWEEN ?3 AND ?4 GROUP BY v.period",
	                    "ittt", indicator, unit, from, to);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int y, m;
		if (ind_period_parse(db_column_text(s, 0), &y, &m) < 0 ||
		    db_column_int64(s, 2) != db_column_int64(s, 3))
			continue;
		ret->has_value[m - 1] = true;
		ret->value[m - 1] = db_column_int64(s, 1);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* a ÷ b (%) over the year to date, each month of the ratio's kind where both operands have one. */
static int year_ratio(struct db *d, struct arena *a, const struct ind_def *def, const char *unit, int year,
                      struct ind_year *ret)
{
	struct ind_def op[2];
	struct ind_year now[2], last[2];
	int rc = ind_def_by_id(d, a, def->a_id, &op[0]);
	if (rc == 0)
		rc = ind_def_by_id(d, a, def->b_id, &op[1]);
	for (int i = 0; rc == 0 && i < 2; i++) {
		rc = ind_year_of(d, a, &op[i], unit, year, &now[i]);
		if (rc == 0)
			rc = ind_year_of(d, a, &op[i], unit, year - 1, &last[i]);
	}
	for (int m = 1; rc == 0 && m <= 12; m++) {
		struct ind_figure f[2];
		if (!ind_period_fits(def->kind, m))
			continue;
		for (int i = 0; i < 2; i++)
			ind_figure_of_def(&op[i], &now[i], &last[i], m, &f[i]);
		ret->has_value[m - 1] = f[0].has_ytd && f[1].has_ytd &&
		                        ind_ratio(f[0].ytd, op[0].unit, op[0].decimals, f[1].ytd, op[1].unit,
		                                  op[1].decimals, def->decimals, &ret->value[m - 1]);
	}
	return rc == DB_DONE ? DB_ERROR : rc;
}

int ind_year_of(struct db *d, struct arena *a, const struct ind_def *def, const char *unit, int year,
                struct ind_year *ret)
{
	*ret = (struct ind_year){0};
	if (strcmp(def->source, "platform") == 0)
		return ind_platform_year(d, def, unit, year, ret);
	switch (def->formula) {
	case IND_RATIO:
		return year_ratio(d, a, def, unit, year, ret);
	case IND_CHILDREN_SUM:
		return year_children_sum(d, def->a_id, unit, year, ret);
	default:
		return year_stored(d, def->id, unit, year, ret);
	}
}

void ind_figure_of_def(const struct ind_def *def, const struct ind_year *now, const struct ind_year *last, int month,
                       struct ind_figure *ret)
{
	ind_figure_of(def->kind, now, last, month, ret);
	if (def->formula == IND_RATIO) {
		ret->has_ytd = ret->has_value;
		ret->ytd = ret->value;
	}
	if (!def->yoy)
		ret->has_growth = ret->has_ytd_growth = ret->growth_computed = ret->ytd_growth_computed = false;
}

int ind_figure_load(struct db *d, struct arena *a, const struct ind_def *def, const char *unit, int year, int month,
                    struct ind_figure *ret)
{
	struct ind_year now, last;
	int rc = ind_year_of(d, a, def, unit, year, &now);
	if (rc == 0)
		rc = ind_year_of(d, a, def, unit, year - 1, &last);
	if (rc == 0)
		ind_figure_of_def(def, &now, &last, month, ret);
	return rc;
}

int ind_unit_find(struct db *d, struct arena *a, const char *code, struct ind_unit *ret)
{
	struct db_stmt *s;
	int rc = db_prepare(d, &s,
	                    "SELECT code, name, path FROM orgs WHERE code = ?1 AND kind IN ('city', 'district')"
	                    " UNION ALL SELECT code, name, NULL FROM indicator_peers WHERE code = ?1",
	                    "t", code);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		*ret =
		    (struct ind_unit){.code = arena_strdup(a, db_column_text(s, 0)),
		                      .name = arena_strdup(a, db_column_text(s, 1)),
		                      .path = db_column_is_null(s, 2) ? NULL : arena_strdup(a, db_column_text(s, 2))};
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

bool ind_city_bureau(struct request *r)
{
	int64_t city = 0;
	int rc = db_query_int64(r->db, &city, "SELECT count(*) FROM orgs WHERE path = ? AND kind = 'city'", "t",
	                        request_area(r));
	return rc == 0 && city > 0 && r->who.role == ROLE_DEPARTMENT;
}

bool ind_city_bureau_or_reply(struct request *r)
{
	if (ind_city_bureau(r))
		return true;
	reply_error(
	    r, 403, "not_city_bureau", NULL,
	    "只有市统计局可以进行此操作:审核、修订、设立指标和排名、设定目标 (only the city's statistics bureau)");
	return false;
}

bool ind_ok_or_reply(struct request *r, int rc, const struct refusal *why)
{
	if (rc == -EINVAL)
		reply_error(r, why->status, why->code, why->field, "%s", why->why);
	else if (rc != 0)
		reply_db_error(r, rc);
	return rc == 0;
}

bool ind_unit_or_reply(struct request *r, const char *code, bool write, struct ind_unit *ret)
{
	struct refusal why;
	return ind_ok_or_reply(r, ind_unit_check(r, code, write, ret, &why), &why);
}

int ind_refuse(struct refusal *ret, int status, const char *code, const char *field, const char *why)
{
	*ret = (struct refusal){status, code, field, why};
	return -EINVAL;
}

int ind_unit_check(struct request *r, const char *code, bool write, struct ind_unit *ret, struct refusal *why)
{
	int rc = code ? ind_unit_find(r->db, r->arena, code, ret) : DB_DONE;
	if (rc == DB_DONE)
		return ind_refuse(why, 422, "unknown_unit", "unit",
		                  "统计单位不存在:应为本市、县(市)区或省内设区市的代码 (no such unit)");
	if (rc < 0)
		return rc;
	/* The province's other cities: the city's bureau enters them, everyone with the duty reads them. */
	bool allowed = ret->path ? path_within(ret->path, request_area(r)) : !write || ind_city_bureau(r);
	if (!allowed)
		return ind_refuse(why, 403, "out_of_scope", "unit",
		                  "该单位不在您的管辖范围内 (unit outside your area)");
	return 0;
}

int ind_period_state(struct db *d, struct arena *a, const char *unit, const char *period, const char **ret_state,
                     int64_t *ret_revision)
{
	struct db_stmt *s;
	*ret_state = NULL;
	*ret_revision = 0;
	int rc = db_prepare(d, &s, "SELECT state, revision FROM indicator_periods WHERE unit = ? AND period = ?", "tt",
	                    unit, period);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		*ret_state = arena_strdup(a, db_column_text(s, 0));
		*ret_revision = db_column_int64(s, 1);
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* An optional decimal of the value: true with *ret_has, or a refusal naming the field. */
static int decimal_in(const char *text, int decimals, const char *field, bool *ret_has, int64_t *ret,
                      struct refusal *why)
{
	*ret_has = text && *text;
	if (*ret_has && ind_decimal_parse(text, decimals, ret) < 0)
		return ind_refuse(
		    why, 422, "invalid_number", field,
		    decimals == 2 && strcmp(field, "value") != 0
		        ? "增速应为至多两位小数的百分数,如 3.1 (a percentage with at most two decimals)"
		        : "数值应为十进制数,小数位数不超过指标的精度 (a decimal within the indicator's precision)");
	return 0;
}

int ind_value_store(struct request *r, const struct ind_value_in *in, int64_t revision, const char *reason,
                    struct refusal *why)
{
	struct ind_def def;
	int rc = ind_def_find(r->db, r->arena, in->indicator, &def);
	if (rc == DB_DONE)
		return ind_refuse(why, 404, "unknown_indicator", "indicator", "指标不存在 (no such indicator)");
	if (rc < 0)
		return rc;
	if (strcmp(def.source, "entered") != 0 && strcmp(def.source, "imported") != 0)
		return ind_refuse(why, 422, "computed_indicator", "indicator",
		                  "该指标由平台计算,不能录入 (this indicator is computed, not entered)");
	int year, month;
	if (ind_period_parse(in->period, &year, &month) < 0)
		return ind_refuse(why, 422, "invalid_period", "period", "期间应为 YYYY-MM (a month, YYYY-MM)");
	if (!ind_period_fits(def.kind, month))
		return ind_refuse(why, 422, "period_kind", "period",
		                  "季度指标的期间应为季末月份,年度指标应为12月 (a quarter's last month, or December)");
	struct ind_unit unit;
	if ((rc = ind_unit_check(r, in->unit, true, &unit, why)) != 0)
		return rc;
	bool has_value, has_growth, has_ytd;
	int64_t value = 0, growth = 0, ytd = 0;
	if ((rc = decimal_in(in->value, def.decimals, "value", &has_value, &value, why)) != 0 ||
	    (rc = decimal_in(in->growth, 2, "growth", &has_growth, &growth, why)) != 0 ||
	    (rc = decimal_in(in->ytd_growth, 2, "ytd_growth", &has_ytd, &ytd, why)) != 0)
		return rc;
	if (!has_value && !has_growth && !has_ytd)
		return ind_refuse(why, 422, "empty_value", "value",
		                  "数值、增速、累计增速至少填一项 (a value, a growth rate or both)");
	const char *state;
	int64_t period_revision;
	if ((rc = ind_period_state(r->db, r->arena, unit.code, in->period, &state, &period_revision)) < 0)
		return rc;
	if (!reason && state && strcmp(state, "submitted") == 0)
		return ind_refuse(why, 409, "period_submitted", "period",
		                  "该期数据已报送,待市统计局审核 (the month is submitted and waits for approval)");
	if (!reason && state && strcmp(state, "approved") == 0)
		return ind_refuse(why, 409, "period_approved", "period",
		                  "该期数据已审定并锁定,更正请走修订 (approved and locked: correct it as a revision)");
	/* What it was, for the revision's record and the audit. */
	struct db_stmt *s;
	json_t *before = json_null();
	int64_t b_value = 0, b_growth = 0, b_ytd = 0;
	bool existed = false, bv = false, bg = false, by = false;
	rc = db_prepare(r->db, &s,
	                "SELECT value, growth_bp, ytd_growth_bp FROM indicator_values"
	                " WHERE indicator_id = ? AND unit = ? AND period = ?",
	                "itt", def.id, unit.code, in->period);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		existed = true;
		if ((bv = !db_column_is_null(s, 0)))
			b_value = db_column_int64(s, 0);
		if ((bg = !db_column_is_null(s, 1)))
			b_growth = db_column_int64(s, 1);
		if ((by = !db_column_is_null(s, 2)))
			b_ytd = db_column_int64(s, 2);
		before = json_pack("{s:s?, s:s?, s:s?}", "value",
		                   bv ? ind_decimal_text(r->arena, b_value, def.decimals) : NULL, "growth",
		                   bg ? ind_decimal_text(r->arena, b_growth, 2) : NULL, "ytd_growth",
		                   by ? ind_decimal_text(r->arena, b_ytd, 2) : NULL);
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(before);
		return rc;
	}
	if (reason && !existed) {
		json_decref(before);
		return ind_refuse(why, 422, "no_such_value", "indicator",
		                  "修订只能更正已审定的数值 (a revision corrects an approved value)");
	}
	int64_t now = clock_now();
	rc = db_run(
	    r->db,
	    "INSERT INTO indicator_values(indicator_id, unit, period, value, growth_bp, ytd_growth_bp, comment,"
	    " revision, entered_by, entered_at) VALUES (?,?,?," IND_SQL_MAYBE "," IND_SQL_MAYBE "," IND_SQL_MAYBE
	    ",?,?,?,?)"
	    " ON CONFLICT (indicator_id, unit, period) DO UPDATE SET value = excluded.value,"
	    " growth_bp = excluded.growth_bp, ytd_growth_bp = excluded.ytd_growth_bp, comment = excluded.comment,"
	    " revision = excluded.revision, entered_by = excluded.entered_by, entered_at = excluded.entered_at",
	    "itt"
	    "IiIiIi"
	    "tiii",
	    def.id, unit.code, in->period, (int)has_value, value, (int)has_growth, growth, (int)has_ytd, ytd,
	    in->comment, revision, r->who.user_id, now);
	if (rc >= 0 && reason)
		rc = db_run(
		    r->db,
		    "INSERT INTO indicator_changes(indicator_id, unit, period, revision, value_before, value_after,"
		    " growth_before, growth_after, ytd_growth_before, ytd_growth_after, reason, changed_by,"
		    " changed_at) VALUES (?,?,?,?," IND_SQL_MAYBE "," IND_SQL_MAYBE "," IND_SQL_MAYBE "," IND_SQL_MAYBE
		    "," IND_SQL_MAYBE "," IND_SQL_MAYBE ",?,?,?)",
		    "itti"
		    "IiIiIiIiIiIi"
		    "tii",
		    def.id, unit.code, in->period, revision, (int)bv, b_value, (int)has_value, value, (int)bg, b_growth,
		    (int)has_growth, growth, (int)by, b_ytd, (int)has_ytd, ytd, reason, r->who.user_id, now);
	if (rc >= 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s, s:s, s:o, s:{s:s?, s:s?, s:s?, s:s?}, s:I, s:s?}", "indicator",
		                           def.code, "unit", unit.code, "period", in->period, "before", before, "after",
		                           "value", in->value, "growth", in->growth, "ytd_growth", in->ytd_growth,
		                           "comment", in->comment, "revision", (json_int_t)revision, "reason", reason);
		before = NULL;
		rc =
		    audit_append(r->db, &ctx, reason ? "indicators.value.correct" : "indicators.value.set",
		                 "indicator_value", arena_printf(r->arena, "%s/%s/%s", def.code, unit.code, in->period),
		                 unit.path ? unit.path : request_area(r), detail);
		json_decref(detail);
	}
	json_decref(before);
	return rc < 0 ? rc : 0;
}

const char *ind_decimal_text(struct arena *a, int64_t v, int decimals)
{
	char buf[32];
	ind_decimal_format(v, decimals, buf, sizeof buf);
	return arena_strdup(a, buf);
}

static json_t *decimal_json(struct request *r, bool has, int64_t v, int decimals)
{
	return has ? json_string(ind_decimal_text(r->arena, v, decimals)) : json_null();
}

int ind_month_items(struct request *r, const struct ind_unit *unit, const char *period, json_t **ret, int *ret_blocking)
{
	int year, month;
	*ret = NULL;
	*ret_blocking = 0;
	if (ind_period_parse(period, &year, &month) < 0)
		return DB_ERROR;
	struct db_stmt *s;
	json_t *items = json_array();
	int rc = db_prepare(r->db, &s,
	                    "SELECT i.code AS _code, v.comment AS _comment, v.revision AS _revision, v.id AS _id"
	                    " FROM indicators i LEFT JOIN indicator_values v ON v.indicator_id = i.id AND v.unit = ?"
	                    " AND v.period = ? ORDER BY i.position",
	                    "tt", unit->code, period);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		struct ind_def def;
		const char *comment = db_named_text(s, "_comment");
		comment = comment ? arena_strdup(r->arena, comment) : NULL;
		bool stored = !db_named_is_null(s, "_id");
		int64_t revision = db_named_int64(s, "_revision");
		int got = ind_def_find(r->db, r->arena, db_named_text(s, "_code"), &def);
		if (got < 0) {
			rc = got;
			break;
		}
		if (!ind_period_fits(def.kind, month))
			continue;
		struct ind_figure f, prev;
		int prev_month = ind_period_previous(def.kind, month);
		rc = ind_figure_load(r->db, r->arena, &def, unit->code, year, month, &f);
		if (rc == 0 && prev_month)
			rc = ind_figure_load(r->db, r->arena, &def, unit->code, year, prev_month, &prev);
		unsigned flags = stored ? ind_figure_flags(&f, prev_month ? &prev : NULL) : 0;
		/* The districts sum to this unit's value: a unit with county-level units under it, all entered. */
		bool differs = false;
		if (rc == 0 && stored && def.additive && f.has_value) {
			struct ind_year children = {0};
			rc = year_children_sum(r->db, def.id, unit->code, year, &children);
			differs = rc == 0 && children.has_value[month - 1] &&
			          ind_sum_differs(f.value, children.value[month - 1]);
		}
		if (rc < 0)
			break;
		if (differs)
			flags |= IND_FLAG_SUM;
		json_t *names = json_array();
		if (flags & IND_FLAG_GROWTH)
			json_array_append_new(names, json_string("growth_beyond_limit"));
		if (flags & IND_FLAG_YTD_FALL)
			json_array_append_new(names, json_string("ytd_below_last_period"));
		if (flags & IND_FLAG_SUM)
			json_array_append_new(names, json_string("districts_sum_differs"));
		bool blocking = flags && !comment;
		*ret_blocking += blocking;
		json_array_append_new(
		    items,
		    json_pack("{s:{s:s, s:s, s:s, s:s}, s:o, s:o, s:o, s:b, s:o, s:b, s:s?, s:I, s:s, s:o, s:b, s:s, s:o}",
		              "indicator", "code", def.code, "name", def.name, "unit", def.unit, "period_kind",
		              kind_names[def.kind], "value", decimal_json(r, f.has_value, f.value, def.decimals), "ytd",
		              decimal_json(r, f.has_ytd, f.ytd, def.decimals), "growth",
		              decimal_json(r, f.has_growth, f.growth, 2), "growth_computed", f.growth_computed,
		              "ytd_growth", decimal_json(r, f.has_ytd_growth, f.ytd_growth, 2), "ytd_growth_computed",
		              f.ytd_growth_computed, "comment", comment, "revision", (json_int_t)revision,
		              "revision_label", revision ? "修订" : "快报", "flags", names, "blocking", blocking, "source", def.source,
		              "task", task_brief(r, unit->code, period, 0, def.id)));
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*ret = items;
	return 0;
}

/*
** ROUTE: GET /api/v1/indicators
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 经济指标 The indicators: unit, precision, period kind, source and formula
*/
void indicators_list(struct request *r)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT i.code AS code, i.name AS name, i.unit AS unit, i.decimals AS decimals,"
	               " i.period_kind AS period_kind, i.yoy AS \"yoy:bool\", i.source AS source, i.formula AS formula,"
	               " a.code AS \"of.a\", b.code AS \"of.b\", i.additive AS \"additive:bool\" FROM indicators i"
	               " LEFT JOIN indicators a ON a.id = i.a_id LEFT JOIN indicators b ON b.id = i.b_id"
	               " ORDER BY i.position",
	               NULL);
	reply_rows(r, rc, s, row_as_json_of, 0);
}

/* A formula's operand named in the body (code): its id, or 0 having answered 422. */
static int64_t operand(struct request *r, const char *field, const char *code)
{
	struct ind_def def;
	int rc = code ? ind_def_find(r->db, r->arena, code, &def) : DB_DONE;
	if (rc == 0)
		return def.id;
	if (rc == DB_DONE)
		reply_error(r, 422, "unknown_indicator", field,
		            "公式引用的指标不存在 (the formula's indicator does not exist)");
	else
		reply_db_error(r, rc);
	return 0;
}

/*
** ROUTE: POST /api/v1/indicators
** AUTH: department
** DUTY: statistics
** SUMMARY: 设立指标 Define an indicator (the city's bureau)
** Body: {"code","name","unit": "亿元"|"万元"|"%"|"count","decimals" (0–4),
** "period_kind": "month"|"quarter"|"year","yoy" (growth on last year,
** default true),"source": "entered"|"imported"|"derived","formula":
** "ratio"|"children_sum" (derived only),"a","b" (the operands' codes: a
** for both formulas, b for a ratio),"additive" (the districts sum to the
** city; default true)} → 201 {"code"}.
*/
void indicator_post(struct request *r)
{
	static const char *const fields[] = {"code",   "name",    "unit", "decimals", "period_kind", "yoy",
	                                     "source", "formula", "a",    "b",        "additive",    NULL};
	static const char *const units[] = {"亿元", "万元", "%", "count", NULL},
	                         *const kinds[] = {"month", "quarter", "year", NULL},
	                         *const sources[] = {"entered", "imported", "derived", NULL},
	                         *const formulas[] = {"ratio", "children_sum", NULL};
	const char *code, *name, *unit, *kind, *source, *formula, *a, *b;
	int64_t decimals;
	bool yoy = true, additive = true;
	if (!body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 32, &code) ||
	    !body_string(r, "name", FIELD_REQUIRED, 128, &name) || !body_string(r, "unit", FIELD_REQUIRED, 16, &unit) ||
	    !body_int64(r, "decimals", FIELD_REQUIRED, 0, 4, &decimals, NULL) ||
	    !body_string(r, "period_kind", FIELD_REQUIRED, 16, &kind) ||
	    !body_bool(r, "yoy", FIELD_OPTIONAL, &yoy, NULL) ||
	    !body_string(r, "source", FIELD_REQUIRED, 16, &source) ||
	    !body_string(r, "formula", FIELD_OPTIONAL, 16, &formula) || !body_string(r, "a", FIELD_OPTIONAL, 32, &a) ||
	    !body_string(r, "b", FIELD_OPTIONAL, 32, &b) || !body_bool(r, "additive", FIELD_OPTIONAL, &additive, NULL))
		return;
	if (choice_or_reply(r, "invalid_unit", "unit", unit, units) < 0 ||
	    choice_or_reply(r, "invalid_period_kind", "period_kind", kind, kinds) < 0 ||
	    choice_or_reply(r, "invalid_source", "source", source, sources) < 0 ||
	    choice_or_reply(r, "invalid_formula", "formula", formula, formulas) == -2)
		return;
	bool derived = strcmp(source, "derived") == 0, ratio = formula && strcmp(formula, "ratio") == 0;
	if (derived != (formula != NULL) || (formula && !a) || ratio != (b != NULL)) {
		reply_error(
		    r, 422, "invalid_formula", "formula",
		    "派生指标须有公式:ratio 需 a 和 b,children_sum 只需 a;录入指标无公式 (derived: ratio of a and b, "
		    "or children_sum of a)");
		return;
	}
	if (!ind_city_bureau_or_reply(r))
		return;
	int64_t a_id = a ? operand(r, "a", a) : 0, b_id = b ? operand(r, "b", b) : 0;
	if ((a && !a_id) || (b && !b_id))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO indicators(code, name, unit, decimals, period_kind, yoy, source, formula, a_id, b_id,"
		    " additive, position) SELECT ?,?,?,?,?,?,?,?,?,?,?, coalesce(max(position), 0) + 1 FROM indicators"
		    " WHERE 1 = 1" /* an upsert's SELECT needs a WHERE: SQLite would read ON as a join's */
		    " ON CONFLICT (code) DO NOTHING",
		    "ttti"
		    "tItt"
		    "rrI",
		    code, name, unit, decimals, kind, (int)yoy, source, formula, a_id, b_id, (int)additive);
	if (rc == 0 && db_changes(r->db) == 0) {
		db_rollback(r->db);
		reply_error(r, 409, "indicator_exists", "code", "指标代码已存在 (an indicator has this code)");
		return;
	}
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail =
		    json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:s, s:s?, s:s?, s:s?, s:b}", "code", code, "name", name,
		              "unit", unit, "decimals", (json_int_t)decimals, "period_kind", kind, "yoy", yoy, "source",
		              source, "formula", formula, "a", a, "b", b, "additive", additive);
		rc = audit_append(r->db, &ctx, "indicators.indicator.create", "indicator", code, request_area(r),
		                  detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:s}", "code", code));
}

/*
** ROUTE: PUT /api/v1/indicators/{code}/values/{unit}/{period}
** AUTH: department
** DUTY: statistics
** SUMMARY: 录入指标数值 Enter a unit's figure of an indicator for a month
** Body: {"value" (the month's or quarter's own figure, decimal text in the
** indicator's unit),"growth","ytd_growth" (published growth in %, where
** only it is published),"comment" (说明: required by a flagged value before
** submission)}; at least one of the three figures.  It replaces what was
** there.  409 period_submitted / period_approved once the month is sent.
*/
void indicator_value_put(struct request *r)
{
	static const char *const fields[] = {"value", "growth", "ytd_growth", "comment", NULL};
	struct ind_value_in in = {
	    .indicator = route_param(r, "code"), .unit = route_param(r, "unit"), .period = route_param(r, "period")};
	if (!body_only(r, fields) || !body_string(r, "value", FIELD_OPTIONAL, 24, &in.value) ||
	    !body_string(r, "growth", FIELD_OPTIONAL, 12, &in.growth) ||
	    !body_string(r, "ytd_growth", FIELD_OPTIONAL, 12, &in.ytd_growth) ||
	    !body_string(r, "comment", FIELD_OPTIONAL, 500, &in.comment))
		return;
	struct refusal why;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = ind_value_store(r, &in, 0, NULL, &why);
	if (rc == -EINVAL) {
		db_rollback(r->db);
		reply_error(r, why.status, why.code, why.field, "%s", why.why);
		return;
	}
	struct ind_unit unit;
	if (!db_finish_or_reply(r, rc))
		return;
	if (ind_unit_find(r->db, r->arena, in.unit, &unit) == 0)
		ind_figures_changed(&unit, in.period, "values");
	reply_json(r, 200,
	           json_pack("{s:s, s:s, s:s}", "indicator", in.indicator, "unit", in.unit, "period", in.period));
}

/*
** ROUTE: PUT /api/v1/indicators/{code}/targets/{unit}/{year}
** AUTH: department
** DUTY: statistics
** SUMMARY: 设定年度目标 Set a unit's annual target of an indicator (the city's bureau)
** Body: {"target"} (decimal text in the indicator's unit, positive): what
** rankings on the share of the target done compare with the year to date.
*/
void indicator_target_put(struct request *r)
{
	static const char *const fields[] = {"target", NULL};
	const char *text;
	if (!body_only(r, fields) || !body_string(r, "target", FIELD_REQUIRED, 24, &text))
		return;
	struct ind_def def;
	struct ind_unit unit;
	int64_t target;
	int rc = ind_def_find(r->db, r->arena, route_param(r, "code"), &def);
	if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_indicator", NULL, "指标不存在 (no such indicator)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	const char *year_text = route_param(r, "year");
	int year = 0, month;
	char period[16];
	snprintf(period, sizeof period, "%.4s-01", year_text);
	if (strlen(year_text) != 4 || ind_period_parse(period, &year, &month) < 0) {
		reply_error(r, 422, "invalid_year", "year", "年份应为四位数字 (a year, YYYY)");
		return;
	}
	if (ind_decimal_parse(text, def.decimals, &target) < 0 || target <= 0) {
		reply_error(r, 422, "invalid_number", "target",
		            "目标应为正的十进制数,小数位数不超过指标的精度 (a positive decimal within the indicator's "
		            "precision)");
		return;
	}
	if (!ind_city_bureau_or_reply(r))
		return;
	if (!ind_unit_or_reply(r, route_param(r, "unit"), true, &unit))
		return;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO indicator_targets(indicator_id, unit, year, target) VALUES (?,?,?,?)"
		            " ON CONFLICT (indicator_id, unit, year) DO UPDATE SET target = excluded.target",
		            "itIi", def.id, unit.code, year, target);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s, s:i, s:s}", "indicator", def.code, "unit", unit.code, "year",
		                           year, "target", text);
		rc = audit_append(r->db, &ctx, "indicators.target.set", "indicator_target",
		                  arena_printf(r->arena, "%s/%s/%d", def.code, unit.code, year),
		                  unit.path ? unit.path : request_area(r), detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200,
		           json_pack("{s:s, s:s, s:i, s:s}", "indicator", def.code, "unit", unit.code, "year", year,
		                     "target", ind_decimal_text(r->arena, target, def.decimals)));
}

static const char *const import_header[] = {"指标代码", "单位代码", "期间", "数值", "增速", "累计增速", "说明"};
enum { IMPORT_COLUMNS = sizeof import_header / sizeof import_header[0] };

/*
** ROUTE: POST /api/v1/indicators/values/import
** AUTH: department
** DUTY: statistics
** SUMMARY: 导入指标数值 Import figures (CSV text)
** Body: {"csv"}: the header 指标代码,单位代码,期间,数值,增速,累计增速,说明
** and a line per figure, as the PUT takes them (empty cells absent).  All
** or nothing: the first bad line is named and nothing is stored.
*/
void indicator_values_import(struct request *r)
{
	static const char *const fields[] = {"csv", NULL};
	const char *csv;
	if (!body_only(r, fields) || !body_string(r, "csv", FIELD_REQUIRED, 16 << 20, &csv))
		return;
	struct csv_reader c;
	char *f[IMPORT_COLUMNS + 1];
	int n, got;
	csv_init(&c, csv, strlen(csv));
	got = csv_read(&c, r->arena, f, IMPORT_COLUMNS + 1, &n);
	for (int i = 0; got == 1 && n == IMPORT_COLUMNS && i < IMPORT_COLUMNS; i++)
		if (strcmp(f[i], import_header[i]) != 0)
			got = 0;
	if (got != 1 || n != IMPORT_COLUMNS) {
		reply_error(
		    r, 422, "bad_header", "csv",
		    "第 1 行应为表头 指标代码,单位代码,期间,数值,增速,累计增速,说明 (line 1 must be the header)");
		return;
	}
	int rc = db_begin(r->db), line = 0;
	int64_t rows = 0;
	const char *why_text = NULL;
	while (rc == 0 && (got = csv_read(&c, r->arena, f, IMPORT_COLUMNS + 1, &n)) != 0) {
		line = c.record_line;
		if (got != 1 || n != IMPORT_COLUMNS) {
			why_text = "每行应有 7 列 (seven columns on each line)";
			rc = -EINVAL;
			break;
		}
		struct ind_value_in in = {f[0], f[1], f[2], f[3], f[4], f[5], *f[6] ? f[6] : NULL};
		struct refusal why;
		rc = ind_value_store(r, &in, 0, NULL, &why);
		if (rc == -EINVAL)
			why_text = why.why;
		rows++;
	}
	if (rc == -EINVAL) {
		db_rollback(r->db);
		reply_error(r, 422, "bad_line", "csv", "第 %d 行: %s (line %d)", line, why_text, line);
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:I}", "rows", (json_int_t)rows));
}

/* A correction's record: what the value, growth and year-to-date growth were and became. */
static json_t *change_json(struct request *r, struct db_stmt *s)
{
	json_t *o = row_as_json(s);
	int decimals = (int)db_named_int64(s, "_decimals");
	static const char *const sides[][4] = {{"before", "_vb", "_gb", "_yb"}, {"after", "_va", "_ga", "_ya"}};
	for (int i = 0; i < 2; i++)
		json_object_set_new(
		    o, sides[i][0],
		    json_pack(
		        "{s:o, s:o, s:o}", "value",
		        decimal_json(r, !db_named_is_null(s, sides[i][1]), db_named_int64(s, sides[i][1]), decimals),
		        "growth", decimal_json(r, !db_named_is_null(s, sides[i][2]), db_named_int64(s, sides[i][2]), 2),
		        "ytd_growth",
		        decimal_json(r, !db_named_is_null(s, sides[i][3]), db_named_int64(s, sides[i][3]), 2)));
	return o;
}

/*
** ROUTE: GET /api/v1/indicators/values
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 单位月度指标 A unit's figures for a month, with flags and revision
** ?unit=CODE&period=YYYY-MM.  Each indicator with a figure that month: its
** value, year to date (1–N月累计), growth and year-to-date growth (computed
** when both years' values exist, else as published), comment, revision
** (快报 0, 修订 after) and the validation rules' flags; the month's state.
*/
void indicator_values_get(struct request *r)
{
	struct ind_unit unit;
	const char *period = query_arg(r, "period");
	int year, month;
	if (!ind_unit_or_reply(r, query_arg(r, "unit"), false, &unit))
		return;
	if (ind_period_parse(period, &year, &month) < 0) {
		reply_error(r, 422, "invalid_period", "period", "期间应为 YYYY-MM (a month, YYYY-MM)");
		return;
	}
	json_t *items;
	int blocking;
	int rc = ind_month_items(r, &unit, period, &items, &blocking);
	struct db_stmt *s = NULL;
	json_t *out = NULL;
	if (rc == 0) {
		rc = db_prepare(r->db, &s,
		                "SELECT p.state AS state, p.revision AS revision, p.reason AS reason,"
		                " p.submitted_at AS \"submitted_at:time\", p.decided_at AS \"decided_at:time\""
		                " FROM indicator_periods p WHERE p.unit = ? AND p.period = ?",
		                "tt", unit.code, period);
		if (rc >= 0 && (rc = db_step(s)) == DB_ROW)
			out = row_as_json(s);
		db_finalize(s);
	}
	if (rc >= 0 && !out)
		out = json_pack("{s:s, s:i}", "state", "draft", "revision", 0);
	if (rc >= 0) {
		json_object_set_new(out, "unit", json_pack("{s:s, s:s}", "code", unit.code, "name", unit.name));
		json_object_set_new(out, "period", json_string(period));
		json_object_set_new(out, "blocking", json_integer(blocking));
		json_object_set_new(out, "items", items);
		items = NULL;
		rc = db_prepare(r->db, &s,
		                "SELECT i.code AS indicator, c.revision AS revision, c.value_before AS _vb,"
		                " c.value_after AS _va, c.growth_before AS _gb, c.growth_after AS _ga,"
		                " c.ytd_growth_before AS _yb, c.ytd_growth_after AS _ya, i.decimals AS _decimals,"
		                " c.reason AS reason, u.username AS changed_by, u.display_name AS changed_by_name,"
		                " c.changed_at AS \"changed_at:time\""
		                " FROM indicator_changes c JOIN indicators i ON i.id = c.indicator_id"
		                " JOIN users u ON u.id = c.changed_by WHERE c.unit = ? AND c.period = ? ORDER BY c.id",
		                "tt", unit.code, period);
		rc = rows_into(r, out, "changes", rc, s, change_json);
	}
	json_decref(items);
	reply_json_or_db_error(r, rc < 0 ? rc : 0, out);
}

void ind_figures_changed(const struct ind_unit *unit, const char *period, const char *what)
{
	if (!unit->path)
		return;
	json_t *data = json_pack("{s:s, s:s, s:s}", "unit", unit->code, "period", period, "what", what);
	events_publish("indicators.figures", unit->path, data);
	json_decref(data);
}
