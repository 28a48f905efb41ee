/*
** Assessment schemes (考核方案) and assessments (考核): a scheme is data, its
** indicators with weights adding up to 100, each computed from the records or
** entered; an assessment applies it to officials in cohorts over a period.
** The organisation department's (DUTY: assessment), in its area.  What the
** assessment routes share is here too (cadres_assessment_of and its kin).
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/clock.h"
#include "org/org.h"

static const char *const sources[] = {"frontline", "milestones", "problems", "judgement", "survey", "entered", NULL};

bool cadres_points(json_t *v, int64_t *ret)
{
	if (!json_is_number(v))
		return false;
	double x = json_number_value(v) * 1000;
	if (x < 0 || x > 100000)
		return false;
	int64_t whole = (int64_t)(x + 0.5); /* rounded: 87.123 × 1000 may be 87122.99999… */
	if (x - (double)whole > 1e-6 || (double)whole - x > 1e-6)
		return false;
	*ret = whole;
	return true;
}

bool body_points(struct request *r, const char *field, int flags, int64_t *ret)
{
	json_t *v = json_object_get(r->json, field);
	if (!v || json_is_null(v)) {
		if (!(flags & FIELD_REQUIRED))
			return true;
		reply_error(r, 422, "missing_field", field, "缺少字段 %s (missing field %s)", field, field);
		return false;
	}
	if (!cadres_points(v, ret)) {
		reply_error(r, 422, "invalid_score", field,
		            "%s 应为 0 至 100 的分数,至多三位小数 (%s: points 0..100, at most 3 decimals)", field,
		            field);
		return false;
	}
	return true;
}

json_t *cadres_points_json(int64_t thousandths)
{
	return json_real((double)thousandths / 1000);
}

/* The area's organisation id: what a scheme belongs to. */
static int area_id(struct request *r, int64_t *ret)
{
	return db_query_int64(r->db, ret, "SELECT id FROM orgs WHERE path = ?", "t", request_area(r));
}

/* ---- schemes ------------------------------------------------------------------- */

/* Check the items (answers 422 itself): 1..20, codes unique, sources known, weights adding up to 100. */
static bool items_valid(struct request *r, json_t *items)
{
	if (!json_is_array(items) || json_array_size(items) < 1 || json_array_size(items) > 20) {
		reply_error(r, 422, "invalid_field", "items", "items 应为 1 至 20 项的数组 (items: 1 to 20)");
		return false;
	}
	int64_t sum = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *code = json_string_value(json_object_get(it, "code")),
		           *name = json_string_value(json_object_get(it, "name")),
		           *source = json_string_value(json_object_get(it, "source"));
		json_t *weight = json_object_get(it, "weight"), *tie = json_object_get(it, "tie_order");
		if (!code || !*code || strlen(code) > 32 ||
		    strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code) || !name || !*name ||
		    strlen(name) > 64 || !json_is_integer(weight) || json_integer_value(weight) < 1 ||
		    json_integer_value(weight) > 100 || !(json_is_null(tie) || !tie || json_is_integer(tie)) ||
		    (json_is_integer(tie) && (json_integer_value(tie) < 1 || json_integer_value(tie) > 100))) {
			reply_error(
			    r, 422, "invalid_item", "items",
			    "第 %zu 项应有 code (a-z0-9_)、name、weight (1..100)、source,tie_order 为空或 1..100 "
			    "(item %zu: code, name, weight, source, tie_order)",
			    i + 1, i + 1);
			return false;
		}
		if (!source || choice_or_reply(r, "invalid_source", "items", source, sources) < 0) {
			if (!source)
				reply_error(r, 422, "invalid_source", "items",
				            "第 %zu 项缺少 source (item %zu: no source)", i + 1, i + 1);
			return false;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(code, json_string_value(json_object_get(json_array_get(items, k), "code"))) == 0) {
				reply_error(r, 422, "duplicate_code", "items", "指标代码 %s 重复 (code %s twice)", code,
				            code);
				return false;
			}
		sum += json_integer_value(weight);
	}
	if (sum != 100) {
		reply_error(r, 422, "weights_not_100", "items",
		            "权重合计 %lld,应为 100 (the weights add up to %lld, not 100)", (long long)sum,
		            (long long)sum);
		return false;
	}
	return true;
}

/*
** ROUTE: POST /api/v1/cadres/schemes
** AUTH: department
** DUTY: assessment
** SUMMARY: 制定考核方案 Make an assessment scheme
** Body: {"name","excellent_pct" (default 20),"competent_min" (points,
** default 70),"basic_min" (60),"min_raters" (the 360 survey's minimum,
** default 5),"items":[{"code","name","weight","source","tie_order"|null}]}:
** weights adding up to 100 (422 weights_not_100), sources frontline,
** milestones, problems, judgement, survey or entered (422 invalid_source),
** codes unique (422 duplicate_code).
*/
void scheme_post(struct request *r)
{
	static const char *const fields[] = {
	    "name", "excellent_pct", "competent_min", "basic_min", "min_raters", "items", NULL};
	const char *name;
	int64_t pct = 20, competent = 70000, basic = 60000, min_raters = 5, org = 0;
	json_t *items = json_object_get(r->json, "items");
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 128, &name) ||
	    !body_int64(r, "excellent_pct", FIELD_OPTIONAL, 0, 100, &pct, NULL) ||
	    !body_points(r, "competent_min", FIELD_OPTIONAL, &competent) ||
	    !body_points(r, "basic_min", FIELD_OPTIONAL, &basic) ||
	    !body_int64(r, "min_raters", FIELD_OPTIONAL, 1, 1000, &min_raters, NULL) || !items_valid(r, items))
		return;
	if (basic > competent) {
		reply_error(r, 422, "invalid_thresholds", "basic_min",
		            "基本称职线不得高于称职线 (basic_min must not exceed competent_min)");
		return;
	}
	int rc = area_id(r, &org);
	if (rc >= 0)
		rc = db_begin(r->db);
	if (rc >= 0)
		rc = db_run(r->db,
		            "INSERT INTO assessment_schemes(name, org_id, excellent_pct, competent_min, basic_min,"
		            " min_raters, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
		            "tiiiiiii", name, org, pct, competent, basic, min_raters, r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (rc < 0)
			break;
		json_t *tie = json_object_get(it, "tie_order");
		rc = db_run(r->db,
		            "INSERT INTO assessment_scheme_items(scheme_id, code, name, weight, source, tie_order)"
		            " VALUES (?,?,?,?,?,?)",
		            "ittitr", id, json_string_value(json_object_get(it, "code")),
		            json_string_value(json_object_get(it, "name")),
		            (int64_t)json_integer_value(json_object_get(it, "weight")),
		            json_string_value(json_object_get(it, "source")), (int64_t)json_integer_value(tie));
	}
	if (rc >= 0)
		rc = cadres_audit(r, "cadres.scheme.create", "scheme", id, request_area(r),
		                  json_pack("{s:s, s:I, s:I, s:I, s:I, s:O}", "name", name, "excellent_pct",
		                            (json_int_t)pct, "competent_min", (json_int_t)competent, "basic_min",
		                            (json_int_t)basic, "min_raters", (json_int_t)min_raters, "items", items));
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

#define SCHEME_COLUMNS                                                                                                 \
	"s.id AS id, s.name AS name, s.excellent_pct AS excellent_pct, s.competent_min / 1000.0 AS competent_min,"     \
	" s.basic_min / 1000.0 AS basic_min, s.min_raters AS min_raters, s.created_at AS \"created_at:time\""          \
	" FROM assessment_schemes s JOIN orgs o ON o.id = s.org_id"

/*
** ROUTE: GET /api/v1/cadres/schemes
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核方案 Assessment schemes of the department's area, newest first
** ?limit= and ?cursor= paginate.
*/
void schemes_list(struct request *r)
{
	reply_area_page(r, AREA_PAGE_SQL("SELECT " SCHEME_COLUMNS, "s.id", "o.path"), row_as_json_of);
}

/* The scheme's items into out["items"]: 0 or a database error. */
static int scheme_items_into(struct request *r, json_t *out, int64_t scheme)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT code AS code, name AS name, weight AS weight, source AS source, tie_order AS tie_order"
	               " FROM assessment_scheme_items WHERE scheme_id = ? ORDER BY rowid",
	               "i", scheme);
	return rows_into(r, out, "items", rc, s, row_as_json_of);
}

/*
** ROUTE: GET /api/v1/cadres/schemes/{id}
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核方案详情 A scheme with its items
*/
void scheme_get(struct request *r)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT " SCHEME_COLUMNS " WHERE s.id = ?1 AND " SQL_ON_BRANCH("o.path", "?2"),
	                    "it", id, request_area(r));
	if (!db_row_or_reply(r, rc, s, "unknown_scheme", "考核方案不存在 (no such scheme)"))
		return;
	json_t *out = row_as_json(s);
	db_finalize(s);
	reply_json_or_db_error(r, scheme_items_into(r, out, id), out);
}

/* ---- assessments ------------------------------------------------------------------ */

#define ASSESSMENT_FROM                                                                                                \
	" FROM assessments a JOIN assessment_schemes s ON s.id = a.scheme_id JOIN orgs o ON o.id = s.org_id"           \
	" LEFT JOIN assessment_groups g ON g.id = a.group_id"

bool cadres_assessment_of(struct request *r, const char *param, struct cadres_assessment *ret)
{
	int64_t id;
	if (!route_param_id(r, param, &id))
		return false;
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT a.id, a.scheme_id, coalesce(a.group_id, 0), a.starts_on, a.ends_on, a.name, a.state,"
	               " o.path, a.publicity_start, a.publicity_end, s.min_raters" ASSESSMENT_FROM
	               " WHERE a.id = ?1 AND substr(o.path, 1, length(?2)) = ?2",
	               "it", id, request_area(r));
	if (!db_row_or_reply(r, rc, s, "unknown_assessment", "考核不存在 (no such assessment)"))
		return false;
	*ret = (struct cadres_assessment){
	    .id = db_column_int64(s, 0),
	    .scheme_id = db_column_int64(s, 1),
	    .group_id = db_column_int64(s, 2),
	    .starts_on = (int32_t)db_column_int64(s, 3),
	    .ends_on = (int32_t)db_column_int64(s, 4),
	    .name = arena_strdup(r->arena, db_column_text(s, 5)),
	    .state = arena_strdup(r->arena, db_column_text(s, 6)),
	    .org_path = arena_strdup(r->arena, db_column_text(s, 7)),
	    .publicity_start = db_column_text(s, 8) ? arena_strdup(r->arena, db_column_text(s, 8)) : NULL,
	    .publicity_end = db_column_text(s, 9) ? arena_strdup(r->arena, db_column_text(s, 9)) : NULL,
	    .min_raters = db_column_int64(s, 10),
	};
	db_finalize(s);
	return true;
}

bool cadres_assessment_in(struct request *r, const struct cadres_assessment *a, const char *state)
{
	if (strcmp(a->state, state) == 0)
		return true;
	reply_error(r, 409, "wrong_state", NULL, "考核当前为 %s,不能进行此操作 (the assessment is %s)", a->state,
	            a->state);
	return false;
}

/* Check and add the subjects (inside the transaction); answers a refusal itself (-EINVAL). */
static int subjects_insert(struct request *r, int64_t id, json_t *subjects)
{
	size_t i;
	json_t *v;
	json_array_foreach(subjects, i, v)
	{
		json_t *official = json_object_get(v, "official");
		const char *cohort = json_string_value(json_object_get(v, "cohort"));
		if (!json_is_integer(official) || !cohort || !*cohort || strlen(cohort) > 64) {
			reply_error(r, 422, "invalid_subject", "subjects",
			            "第 %zu 名应为 {official: 编号, cohort: 类别} (subject %zu: official and cohort)",
			            i + 1, i + 1);
			return -EINVAL;
		}
		int64_t in_area = 0;
		int rc = db_query_int64(r->db, &in_area,
		                        "SELECT count(*) FROM officials f JOIN orgs g ON g.id = f.org_id"
		                        " WHERE f.id = ?1 AND substr(g.path, 1, length(?2)) = ?2",
		                        "it", (int64_t)json_integer_value(official), request_area(r));
		if (rc < 0)
			return rc;
		if (!in_area) {
			reply_error(r, 422, "unknown_official", "subjects", "第 %zu 名干部不存在 (no such official)",
			            i + 1);
			return -EINVAL;
		}
		rc = db_run(r->db,
		            "INSERT INTO assessment_subjects(assessment_id, official_id, cohort) VALUES (?,?,?)"
		            " ON CONFLICT DO NOTHING",
		            "iit", id, (int64_t)json_integer_value(official), cohort);
		if (rc < 0)
			return rc;
		if (db_changes(r->db) == 0) {
			reply_error(r, 422, "duplicate_subject", "subjects", "第 %zu 名干部重复 (official %zu twice)",
			            i + 1, i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

/*
** ROUTE: POST /api/v1/cadres/assessments
** AUTH: department
** DUTY: assessment
** SUMMARY: 发起考核 Start an assessment
** Body: {"name","scheme","group"|null,"starts_on","ends_on" (at most a
** year),"subjects":[{"official","cohort"}]}: officials of the area, each
** once, ranked within their cohort (comparable group).  422 unknown_scheme,
** unknown_group, invalid_period, unknown_official, duplicate_subject.
*/
void assessment_post(struct request *r)
{
	static const char *const fields[] = {"name", "scheme", "group", "starts_on", "ends_on", "subjects", NULL};
	const char *name, *starts, *ends;
	int64_t scheme, group = 0;
	int32_t from, to;
	json_t *subjects = json_object_get(r->json, "subjects");
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 128, &name) ||
	    !body_int64(r, "scheme", FIELD_REQUIRED, 1, INT64_MAX, &scheme, NULL) ||
	    !body_int64(r, "group", FIELD_OPTIONAL, 1, INT64_MAX, &group, NULL) ||
	    !body_string(r, "starts_on", FIELD_REQUIRED, 10, &starts) ||
	    !body_string(r, "ends_on", FIELD_REQUIRED, 10, &ends))
		return;
	if (!json_is_array(subjects) || json_array_size(subjects) < 1 || json_array_size(subjects) > 5000) {
		reply_error(r, 422, "invalid_field", "subjects", "subjects 应为 1 至 5000 名 (subjects: 1 to 5000)");
		return;
	}
	if (clock_parse_date(starts, &from) < 0 || clock_parse_date(ends, &to) < 0 || to < from ||
	    to - from >= FRONT_MAX_DAYS) {
		reply_error(r, 422, "invalid_period", "ends_on",
		            "起止日期应为 YYYY-MM-DD,不超过一年 (a YYYY-MM-DD period of at most a year)");
		return;
	}
	int64_t found = 0;
	int rc = db_query_int64(r->db, &found,
	                        "SELECT count(*) FROM assessment_schemes s JOIN orgs o ON o.id = s.org_id"
	                        " WHERE s.id = ?1 AND substr(o.path, 1, length(?2)) = ?2",
	                        "it", scheme, request_area(r));
	if (rc >= 0 && !found) {
		reply_error(r, 422, "unknown_scheme", "scheme", "考核方案不存在 (no such scheme)");
		return;
	}
	if (rc >= 0 && group)
		rc = db_query_int64(r->db, &found,
		                    "SELECT count(*) FROM assessment_groups g JOIN orgs o ON o.id = g.org_id"
		                    " WHERE g.id = ?1 AND substr(o.path, 1, length(?2)) = ?2",
		                    "it", group, request_area(r));
	if (rc >= 0 && !found) {
		reply_error(r, 422, "unknown_group", "group", "考核组不存在 (no such assessment group)");
		return;
	}
	if (rc >= 0)
		rc = db_begin(r->db);
	if (rc >= 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO assessments(name, scheme_id, group_id, starts_on, ends_on, created_by, created_at)"
		    " VALUES (?,?,?,?,?,?,?)",
		    "tiriiii", name, scheme, group, (int64_t)from, (int64_t)to, r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc >= 0)
		rc = subjects_insert(r, id, subjects);
	if (rc >= 0)
		rc = cadres_audit(r, "cadres.assessment.create", "assessment", id, request_area(r),
		                  json_pack("{s:s, s:I, s:I, s:s, s:s, s:O}", "name", name, "scheme",
		                            (json_int_t)scheme, "group", (json_int_t)group, "starts_on", starts,
		                            "ends_on", ends, "subjects", subjects));
	if (rc == -EINVAL) {
		db_rollback(r->db);
		return;
	}
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

#define ASSESSMENT_COLUMNS                                                                                             \
	"a.id AS id, a.name AS name, s.id AS \"scheme.id\", s.name AS \"scheme.name\", g.id AS \"group.id\","          \
	" g.name AS \"group.name\", a.starts_on AS \"starts_on:date\", a.ends_on AS \"ends_on:date\","                 \
	" a.state AS state, " CADRES_STATE_LABEL " AS state_label,"                                                    \
	" (SELECT count(*) FROM assessment_subjects x WHERE x.assessment_id = a.id) AS subjects,"                      \
	" a.publicity_start AS publicity_start, a.publicity_end AS publicity_end" ASSESSMENT_FROM

/* An assessment as lists show it: a group that is not there is null, not {"id":null,"name":null}. */
static json_t *assessment_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *o = row_as_json(s);
	if (o && json_is_null(json_object_get(json_object_get(o, "group"), "id")))
		json_object_set_new(o, "group", json_null());
	return o;
}

/*
** ROUTE: GET /api/v1/cadres/assessments
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核 Assessments of the department's area, newest first
** Each with its scheme, group, period, state (草稿/已排名/公示中/已定), the
** number of subjects and the publicity window.  ?limit= and ?cursor=.
*/
void assessments_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 200, &limit, &cursor))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT " ASSESSMENT_COLUMNS " WHERE a.id < ?1 AND substr(o.path, 1, length(?2)) = ?2"
	                    " ORDER BY a.id DESC LIMIT ?3",
	                    "iti", cursor, request_area(r), limit);
	reply_rows(r, rc, s, assessment_json, limit);
}

/*
** ROUTE: GET /api/v1/cadres/assessments/{id}
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核详情 An assessment: its scheme's items and how many subjects each has a score for
*/
void assessment_get(struct request *r)
{
	struct cadres_assessment a;
	if (!cadres_assessment_of(r, "id", &a))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT " ASSESSMENT_COLUMNS " WHERE a.id = ?", "i", a.id);
	if (!db_row_or_reply(r, rc, s, "unknown_assessment", "考核不存在 (no such assessment)"))
		return;
	json_t *out = assessment_json(r, s);
	db_finalize(s);
	rc = scheme_items_into(r, out, a.scheme_id);
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT i.code AS code, (SELECT count(*) FROM assessment_scores c WHERE c.assessment_id = ?1"
		    " AND c.code = i.code AND c.score IS NOT NULL) AS scored FROM assessment_scheme_items i"
		    " WHERE i.scheme_id = ?2 ORDER BY i.rowid",
		    "ii", a.id, a.scheme_id);
		rc = rows_into(r, out, "progress", rc, s, row_as_json_of);
	}
	reply_json_or_db_error(r, rc, out);
}

void cadres_reply_subjects(struct request *r, const struct cadres_assessment *a,
                           int (*more)(struct request *r, const struct cadres_assessment *a, json_t *row,
                                       int64_t official))
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT " CADRES_SUBJECT_OFFICIAL ", x.cohort AS cohort FROM assessment_subjects x"
	                    " JOIN officials f ON f.id = x.official_id JOIN orgs g ON g.id = f.org_id"
	                    " WHERE x.assessment_id = ? ORDER BY x.cohort, f.id",
	                    "i", a->id);
	json_t *items = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *row = row_as_json(s);
		json_array_append_new(items, row);
		rc = more(r, a, row, db_named_int64(s, "official.id"));
	}
	db_finalize(s);
	reply_json_or_db_error(r, rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR, json_pack("{s:o}", "items", items));
}
