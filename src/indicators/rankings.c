/*
** Rankings as data: a ranking names the units compared (the districts, or
** the city among the province's cities), the basis, the span, the
** tie-break and its terms; its result for a month is computed on reading
** from the figures (ranking.c ranks), with each unit's change since the
** period before and how many periods running it has held its rank.
*/
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "indicators/internal.h"
#include "org/org.h"

/* How far back a result looks for its streaks: two years of months. */
enum { LOOKBACK_MONTHS = 24, YEARS = 4 /* the month's year, the two before for the lookback, and their last years */ };


int ranking_load(struct request *r, const char *code, struct ranking *ret)
{
	struct db_stmt *s;
	*ret = (struct ranking){0};
	int rc = db_prepare(r->db, &s,
	                    "SELECT id, code, name, unit_set, basis, span, tie_break, red_count, black_count FROM"
	                    " rankings WHERE code = ?",
	                    "t", code);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		ret->id = db_column_int64(s, 0);
		const char **fields[] = {&ret->code,  &ret->name, &ret->unit_set,
		                         &ret->basis, &ret->span, &ret->tie_break};
		for (int i = 0; i < 6; i++)
			*fields[i] = arena_strdup(r->arena, db_column_text(s, i + 1));
		ret->red = (int)db_column_int64(s, 7);
		ret->black = (int)db_column_int64(s, 8);
	}
	db_finalize(s);
	if (rc != DB_ROW)
		return rc;
	rc = db_prepare(r->db, &s,
	                "SELECT i.code, t.weight, t.higher_better FROM ranking_terms t JOIN indicators i ON i.id ="
	                " t.indicator_id WHERE t.ranking_id = ? ORDER BY t.position, i.position",
	                "i", ret->id);
	while (rc >= 0 && ret->n_terms < RANK_MAX_TERMS && (rc = db_step(s)) == DB_ROW) {
		size_t k = ret->n_terms++;
		ret->term[k] = (struct rank_term){db_column_int64(s, 1), db_column_int64(s, 2) != 0};
		const char *indicator = arena_strdup(r->arena, db_column_text(s, 0));
		int got = ind_def_find(r->db, r->arena, indicator, &ret->def[k]);
		if (got < 0)
			rc = got;
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* A unit compared, with its stored years of every term (years[k][0] the month's year, [1] the one before, …). */
struct compared {
	const char *code, *name;
	struct ind_year years[RANK_MAX_TERMS][YEARS];
	bool has_target[RANK_MAX_TERMS][YEARS];
	int64_t target[RANK_MAX_TERMS][YEARS];
};

/* Is def's year its stored values (not computed)? */
static bool stored(const struct ind_def *def)
{
	return def->formula == IND_STORED && strcmp(def->source, "platform") != 0;
}

/* Where a row of ind_stored_each() goes: term t of the unit of its code, its year back from year. */
struct put_ctx {
	struct compared *u;
	size_t n, t;
	int year;
};

static void put_compared(void *ctx, const char *unit, int year, int month, struct db_stmt *s)
{
	struct put_ctx *c = ctx;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->u[i].code, unit) == 0)
			ind_year_put(&c->u[i].years[c->t][c->year - year], month, s);
}

/* The units of the ranking's set, their figures loaded from year - 3 to year: 0 or a database error. */
static int units_load(struct request *r, const struct ranking *k, int year, struct compared **ret, size_t *ret_n)
{
	struct db_stmt *s;
	const char *sql = strcmp(k->unit_set, "province") == 0
	                      ? "SELECT code, name FROM orgs WHERE kind = 'city' UNION ALL"
	                        " SELECT code, name FROM indicator_peers ORDER BY 1"
	                      : "SELECT code, name FROM orgs WHERE kind = 'district' ORDER BY code";
	size_t n = 0, cap = 32;
	struct compared *u = arena_alloc(r->arena, cap * sizeof *u);
	if (!u)
		return DB_ERROR;
	int rc = db_prepare(r->db, &s, sql, NULL);
	while (rc >= 0 && n < cap && (rc = db_step(s)) == DB_ROW) {
		memset(&u[n], 0, sizeof u[n]);
		u[n].code = arena_strdup(r->arena, db_column_text(s, 0));
		u[n].name = arena_strdup(r->arena, db_column_text(s, 1));
		n++;
	}
	db_finalize(s);
	/* A stored indicator's years for every unit in one query; a computed one unit by unit. */
	for (size_t t = 0; rc >= 0 && t < k->n_terms; t++)
		if (stored(&k->def[t])) {
			struct put_ctx ctx = {u, n, t, year};
			rc = ind_stored_each(r->db, k->def[t].id, NULL, year - YEARS + 1, year, put_compared, &ctx);
		}
	for (size_t i = 0; rc >= 0 && i < n; i++)
		for (size_t t = 0; rc >= 0 && t < k->n_terms; t++)
			for (int y = 0; rc >= 0 && y < YEARS; y++) {
				if (!stored(&k->def[t]))
					rc = ind_year_of(r->db, r->arena, &k->def[t], u[i].code, year - y, &u[i].years[t][y]);
				if (rc >= 0 && strcmp(k->basis, "target_share") == 0) {
					int got = db_query_int64(
					    r->db, &u[i].target[t][y],
					    "SELECT target FROM indicator_targets WHERE indicator_id = ? AND"
					    " unit = ? AND year = ?",
					    "itI", k->def[t].id, u[i].code, year - y);
					u[i].has_target[t][y] = got == 0;
					rc = got == DB_DONE ? 0 : got;
				}
			}
	*ret = u;
	*ret_n = n;
	return rc < 0 ? rc : 0;
}

/* What a unit shows on term t in month m of the year y back (0 the ranking's year): the basis's figure. */
static bool term_value(const struct ranking *k, const struct compared *u, size_t t, int y, int m, int64_t *ret,
                       struct ind_figure *ret_figure)
{
	const struct ind_def *def = &k->def[t];
	/* A quarterly term in a monthly ranking reads the latest quarter of the year so far. */
	while (m > 0 && !ind_period_fits(def->kind, m))
		m--;
	if (m == 0 || y + 1 >= YEARS)
		return false;
	struct ind_figure f;
	ind_figure_of_def(def, &u->years[t][y], &u->years[t][y + 1], m, &f);
	*ret_figure = f;
	bool ytd = strcmp(k->span, "ytd") == 0;
	if (strcmp(k->basis, "growth") == 0) {
		*ret = ytd ? f.ytd_growth : f.growth;
		return ytd ? f.has_ytd_growth : f.has_growth;
	}
	if (strcmp(k->basis, "level") == 0) {
		*ret = ytd ? f.ytd : f.value;
		return ytd ? f.has_ytd : f.has_value;
	}
	/* The share of the annual target done, in hundredths of a percent. */
	if (!f.has_ytd || !u->has_target[t][y])
		return false;
	*ret = f.ytd * 10000 / u->target[t][y];
	return true;
}

/* Rank the units in month m of the year y back; the figures of term 0 into first (n of them). */
static void rank_month(const struct ranking *k, const struct compared *u, size_t n, int y, int m, struct rank_unit *ret,
                       struct ind_figure *first)
{
	for (size_t i = 0; i < n; i++) {
		ret[i] = (struct rank_unit){0};
		for (size_t t = 0; t < k->n_terms; t++) {
			struct ind_figure f = {0};
			ret[i].has[t] = term_value(k, &u[i], t, y, m, &ret[i].value[t], &f);
			if (t == 0) {
				first[i] = f;
				ret[i].has_level = f.has_ytd || f.has_value;
				ret[i].level = f.has_ytd ? f.ytd : f.value;
			}
		}
	}
	rank_units(ret, n, k->term, k->n_terms, strcmp(k->tie_break, "level") == 0);
}

/* Does a come before b in a result: ranked before unranked, then by rank? */
static bool rank_before(const struct rank_unit *a, const struct rank_unit *b)
{
	return a->rank && (!b->rank || a->rank < b->rank);
}

void ranking_of_indicator(const struct ind_def *def, struct ranking *ret)
{
	*ret = (struct ranking){.code = def->code,
	                        .name = def->name,
	                        .unit_set = "districts",
	                        .basis = def->yoy ? "growth" : "level", /* a ratio has no growth: its level */
	                        .span = def->formula == IND_RATIO ? "period" : "ytd",
	                        .tie_break = "level",
	                        .red = 3,
	                        .black = 3,
	                        .n_terms = 1};
	ret->def[0] = *def;
	ret->term[0] = (struct rank_term){1, true};
}

int ranking_province_of(struct request *r, const struct ind_def *def, const char **ret_code)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT r.code FROM rankings r JOIN ranking_terms t ON t.ranking_id = r.id"
	                    " WHERE r.unit_set = 'province' AND t.indicator_id = ? AND NOT EXISTS (SELECT 1 FROM"
	                    " ranking_terms o WHERE o.ranking_id = r.id AND o.indicator_id <> t.indicator_id)"
	                    " ORDER BY r.id",
	                    "i", def->id);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		*ret_code = arena_strdup(r->arena, db_column_text(s, 0));
	db_finalize(s);
	return rc == DB_ROW ? 0 : rc;
}

int ranking_compute(struct request *r, const struct ranking *k, const char *period, struct ranking_result *ret,
                    struct refusal *why)
{
	int year, month, rc;
	*ret = (struct ranking_result){.period = period};
	if (ind_period_parse(period, &year, &month) < 0)
		return ind_refuse(why, 422, "invalid_period", "period", "期间应为 YYYY-MM (a month, YYYY-MM)");
	if (k->n_terms == 0 || !ind_period_fits(k->def[0].kind, month))
		return ind_refuse(why, 422, "period_kind", "period",
		                  "该排名按季度或年度计算,期间应为季末月份或12月 (a quarter's last month, or December)");
	struct compared *u;
	size_t n;
	if ((rc = units_load(r, k, year, &u, &n)) < 0)
		return rc;
	int step = k->def[0].kind == IND_MONTH ? 1 : k->def[0].kind == IND_QUARTER ? 3 : 12;
	size_t periods = LOOKBACK_MONTHS / (size_t)step;
	int *ranks = arena_alloc(r->arena, n * periods * sizeof *ranks);
	struct rank_unit *now = arena_alloc(r->arena, n * sizeof *now), *then = arena_alloc(r->arena, n * sizeof *then);
	struct ind_figure *first = arena_alloc(r->arena, n * sizeof *first),
	                  *scratch = arena_alloc(r->arena, n * sizeof *scratch);
	size_t *order = arena_alloc(r->arena, n * sizeof *order);
	ret->items = arena_alloc(r->arena, n * sizeof *ret->items);
	if (!ranks || !now || !then || !first || !scratch || !order || !ret->items)
		return DB_ERROR;
	rank_month(k, u, n, 0, month, now, first);
	for (size_t p = 0; p < periods; p++) {
		int back = (int)p * step, m = month - back, y = 0;
		while (m <= 0)
			m += 12, y++;
		if (p > 0)
			rank_month(k, u, n, y, m, then, scratch);
		for (size_t i = 0; i < n; i++)
			ranks[i * periods + p] = (p == 0 ? now : then)[i].rank;
	}
	/* Best first, the unranked last, each group in the set's order. */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		for (; j > 0 && rank_before(&now[i], &now[order[j - 1]]); j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (size_t o = 0; o < n; o++) {
		size_t i = order[o];
		struct ranked *it = &ret->items[o];
		*it = (struct ranked){.code = u[i].code,
		                      .name = u[i].name,
		                      .first = first[i],
		                      .ranked = now[i].ranked,
		                      .score = now[i].score,
		                      .rank = now[i].rank,
		                      .previous = periods > 1 ? ranks[i * periods + 1] : 0,
		                      .streak = rank_streak(&ranks[i * periods], periods)};
		memcpy(it->has, now[i].has, sizeof it->has);
		memcpy(it->value, now[i].value, sizeof it->value);
	}
	ret->n = n;
	return 0;
}

/* The ranking's description as JSON. */
static json_t *ranking_json(const struct ranking *k)
{
	json_t *terms = json_array();
	for (size_t t = 0; t < k->n_terms; t++)
		json_array_append_new(terms, json_pack("{s:s, s:s, s:I, s:b}", "indicator", k->def[t].code, "name",
		                                       k->def[t].name, "weight", (json_int_t)k->term[t].weight,
		                                       "higher_better", k->term[t].higher_better));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "code", k->code, "name", k->name, "unit_set",
	                 k->unit_set, "basis", k->basis, "span", k->span, "tie_break", k->tie_break, "terms", terms);
}

/* A basis value as text: growth and shares in %, levels in the indicator's unit. */
static json_t *basis_text(struct request *r, const struct ranking *k, size_t t, bool has, int64_t v)
{
	if (!has)
		return json_null();
	return json_string(ind_decimal_text(r->arena, v, strcmp(k->basis, "level") == 0 ? k->def[t].decimals : 2));
}

/*
** ROUTE: GET /api/v1/indicators/rankings/{code}
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 排名结果 A ranking's result for a month: rank, change, streak
** ?period=YYYY-MM.  Each unit compared with its values on the terms (growth
** and shares in %, levels in the indicator's unit), its score, rank (null:
** a term without data), the rank the period before (the ranking's step:
** the first term's month, quarter or year) and the change (positive: up),
** and its streak: how many periods running it has held this rank (连续两个
** 月排名第一 is rank 1, streak 2), and its open supervised task (督办).
** Best first, unranked last.
*/
void ranking_result(struct request *r)
{
	struct ranking k;
	struct ranking_result res;
	struct refusal why;
	const char *period = query_arg(r, "period");
	int rc = ranking_load(r, route_param(r, "code"), &k);
	if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_ranking", NULL, "排名不存在 (no such ranking)");
		return;
	}
	if (rc == 0)
		rc = ranking_compute(r, &k, period, &res, &why);
	if (!ind_ok_or_reply(r, rc, &why))
		return;
	json_t *items = json_array();
	for (size_t o = 0; rc >= 0 && o < res.n; o++) {
		const struct ranked *it = &res.items[o];
		const char *state;
		int64_t revision;
		if ((rc = ind_period_state(r->db, r->arena, it->code, period, &state, &revision)) < 0)
			break;
		json_t *values = json_array();
		for (size_t t = 0; t < k.n_terms; t++)
			json_array_append_new(values, basis_text(r, &k, t, it->has[t], it->value[t]));
		char phrase[96];
		ind_rank_phrase(it->rank, it->streak, k.def[0].kind, strcmp(k.unit_set, "province") == 0, phrase,
		                sizeof phrase);
		const struct ind_figure *f = &it->first;
		json_array_append_new(
		    items,
		    json_pack("{s:{s:s, s:s}, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:s?, s:b, s:o}", "unit", "code",
		              it->code, "name", it->name, "values", values, "level",
		              f->has_ytd || f->has_value
		                  ? json_string(ind_decimal_text(r->arena, f->has_ytd ? f->ytd : f->value,
		                                                 k.def[0].decimals))
		                  : json_null(),
		              "score", it->ranked ? json_integer(it->score) : json_null(), "rank",
		              it->rank ? json_integer(it->rank) : json_null(), "previous_rank",
		              it->previous ? json_integer(it->previous) : json_null(), "change",
		              it->previous && it->rank ? json_integer(it->previous - it->rank) : json_null(), "streak",
		              it->streak, "phrase", *phrase ? phrase : NULL, "approved",
		              state && strcmp(state, "approved") == 0, "task",
		              task_brief(r, it->code, period, k.id, 0)));
	}
	if (rc < 0) {
		json_decref(items);
		reply_db_error(r, rc);
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:s, s:o}", "ranking", ranking_json(&k), "period", period, "items", items));
}

/*
** ROUTE: GET /api/v1/indicators/rankings
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 排名 The rankings: units compared, basis, span, tie-break, terms
*/
void rankings_list(struct request *r)
{
	struct db_stmt *s;
	json_t *items = json_array();
	int rc = db_prepare(r->db, &s, "SELECT code FROM rankings ORDER BY id", NULL);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		const char *code = arena_strdup(r->arena, db_column_text(s, 0));
		struct ranking k;
		int got = ranking_load(r, code, &k);
		if (got < 0) {
			rc = got;
			break;
		}
		json_array_append_new(items, ranking_json(&k));
	}
	db_finalize(s);
	reply_json_or_db_error(r, rc < 0 ? rc : 0, json_pack("{s:o}", "items", items));
}

/*
** ROUTE: POST /api/v1/indicators/rankings
** AUTH: department
** DUTY: statistics
** SUMMARY: 设立排名 Define a ranking (the city's bureau)
** Body: {"code","name","unit_set": "districts"|"province","basis":
** "growth"|"level"|"target_share","span": "period"|"ytd","tie_break":
** "shared"|"level","terms": [{"indicator","weight" (1–1000),
** "higher_better" (default true)}] (1–8)}.
*/
void ranking_post(struct request *r)
{
	static const char *const fields[] = {"code", "name", "unit_set", "basis", "span", "tie_break", "terms", NULL};
	static const char *const sets[] = {"districts", "province", NULL},
	                         *const bases[] = {"growth", "level", "target_share", NULL},
	                         *const spans[] = {"period", "ytd", NULL}, *const ties[] = {"shared", "level", NULL};
	const char *code, *name, *set, *basis, *span, *tie;
	if (!body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 64, &code) ||
	    !body_string(r, "name", FIELD_REQUIRED, 128, &name) ||
	    !body_string(r, "unit_set", FIELD_REQUIRED, 16, &set) ||
	    !body_string(r, "basis", FIELD_REQUIRED, 16, &basis) ||
	    !body_string(r, "span", FIELD_REQUIRED, 16, &span) ||
	    !body_string(r, "tie_break", FIELD_REQUIRED, 16, &tie))
		return;
	if (choice_or_reply(r, "invalid_unit_set", "unit_set", set, sets) < 0 ||
	    choice_or_reply(r, "invalid_basis", "basis", basis, bases) < 0 ||
	    choice_or_reply(r, "invalid_span", "span", span, spans) < 0 ||
	    choice_or_reply(r, "invalid_tie_break", "tie_break", tie, ties) < 0)
		return;
	json_t *terms = json_object_get(r->json, "terms"), *t;
	if (!json_is_array(terms) || json_array_size(terms) == 0 || json_array_size(terms) > RANK_MAX_TERMS) {
		reply_error(r, 422, "invalid_field", "terms", "terms 应为 1 至 8 项 (one to eight terms)");
		return;
	}
	if (!ind_city_bureau_or_reply(r))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO rankings(code, name, unit_set, basis, span, tie_break, created_at) VALUES "
		            "(?,?,?,?,?,?,?)"
		            " ON CONFLICT (code) DO NOTHING",
		            "tttttti", code, name, set, basis, span, tie, clock_now());
	if (rc == 0 && db_changes(r->db) == 0) {
		db_rollback(r->db);
		reply_error(r, 409, "ranking_exists", "code", "排名代码已存在 (a ranking has this code)");
		return;
	}
	int64_t id = db_last_insert_id(r->db);
	size_t i;
	json_array_foreach(terms, i, t)
	{
		struct ind_def def;
		json_t *weight = json_object_get(t, "weight"), *higher = json_object_get(t, "higher_better");
		const char *indicator = json_string_value(json_object_get(t, "indicator"));
		int got = indicator ? ind_def_find(r->db, r->arena, indicator, &def) : DB_DONE;
		if (got < 0) {
			rc = got;
			break;
		}
		if (got == DB_DONE || !json_is_integer(weight) || json_integer_value(weight) < 1 ||
		    json_integer_value(weight) > 1000 || (higher && !json_is_boolean(higher))) {
			db_rollback(r->db);
			reply_error(r, 422, "invalid_term", "terms",
			            "第 %zu 项应为 {indicator: 指标代码, weight: 1–1000, higher_better} (term %zu)",
			            i + 1, i + 1);
			return;
		}
		rc = db_run(r->db,
		            "INSERT INTO ranking_terms(ranking_id, indicator_id, weight, higher_better, position) "
		            "VALUES (?,?,?,?,?)"
		            " ON CONFLICT DO NOTHING",
		            "iiiIi", id, def.id, (int64_t)json_integer_value(weight),
		            higher ? (int)json_is_true(higher) : 1, (int64_t)i + 1);
		if (rc != 0)
			break;
	}
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail =
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "code", code, "name", name, "unit_set", set,
		              "basis", basis, "span", span, "tie_break", tie, "terms", terms);
		rc = audit_append(r->db, &ctx, "indicators.ranking.create", "ranking", code, request_area(r), detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:s}", "code", code));
}
