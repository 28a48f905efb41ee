/*
** test_cadres_scores.c - assessment schemes, scores, the 360 survey, ranking,
** publicity and objections against the real server, worked by hand.
**
** The scheme: 一线时间 (frontline) 10, 考核组研判 (judgement) 30 breaking ties
** first, 实绩 (entered) 40 breaking ties second, 360测评 (survey) 20; 称职
** from 70, 基本称职 from 60, a fifth 优秀.  Five subjects in one cohort, over
** 26 September to 11 October 2020 (six working days) without frontline
** records: frontline 0 for all.  Only A is surveyed (80, 80, 90, 90, 100:
** mean 88); the others' surveys are under the minimum and their totals are
** reweighted over the other 80 points.
**   A: judgement 90, entered 90: (0 + 2700 + 3600 + 1760) / 100 = 80.6
**   B, C: 95 and 95: (0 + 2850 + 3800) / 80 = 83.125, tied on every item
**   D: 70 and 70: 4900 / 80 = 61.25 (基本称职);  E: 50 and 50: 50 (不称职)
** The quota is floor(20 × 5 / 100) = 1: B and C tie at its edge, so neither
** is 优秀 (both rank 1, A rank 3).  An objection upheld sends it back; C's
** 实绩 corrected to 94 gives C (2850 + 3760) / 80 = 82.625: B alone first,
** 优秀.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadres/cadres.h"
#include "client.h"
#include "core/clock.h"

static struct test_server server;
static struct client admin, zzb, fgw, leader, officer, other, firm, raters[6];

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&zzb, "city-zzb", "department", "350100-zzb"}, /* the organisation department */
    {&fgw, "fgw-dept", "department", "350100-fgw"}, /* a department without the duty */
    {&leader, "city-leader", "leader", "350100"},
    {&officer, "ja-officer", "officer", "350111-tcj"}, /* official A */
    {&other, "ja-other", "officer", "350111-tcj"},     /* official B's user */
    {&firm, "ja-firm", "enterprise", "350111"},
    {&raters[0], "rater-1", "officer", "350111-tcj"},
    {&raters[1], "rater-2", "officer", "350111-tcj"},
    {&raters[2], "rater-3", "agent", "350100-xzfw"},
    {&raters[3], "rater-4", "department", "350100-fgw"},
    {&raters[4], "rater-5", "officer", "350111-tcj"},
    {&raters[5], "rater-6", "officer", "350111-tcj"}, /* never invited */
};

static long long off[5], assessment;
static char base[64];

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

static long long created(struct client *c, const char *path, const char *fmt, ...)
{
	char body[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	struct response r;
	long status = client_callf(c, &r, "POST", path, "%s", body);
	if (status != 201)
		fail_msg("POST %s: %ld %s", path, status, r.body);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	return id;
}

static const char *at(const char *suffix)
{
	static char path[160];
	snprintf(path, sizeof path, "%s%s", base, suffix);
	return path;
}

static long put_score(long long official, const char *code, const char *score, char err[48])
{
	char path[160];
	snprintf(path, sizeof path, "%s/scores/%lld/%s", base, official, code);
	return client_statusf(&zzb, "PUT", path, err, "{\"score\":%s}", score);
}

static long answer(int rater, const char *score, char err[48])
{
	char path[160];
	snprintf(path, sizeof path, "%s/survey/%lld", base, off[0]);
	return client_statusf(&raters[rater], "POST", path, err, "{\"score\":%s,\"comment\":\"踏实\"}", score);
}

/* The item of a list whose official has id. */
static json_t *of(json_t *items, long long id)
{
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) if (json_integer_value(json_object_get(json_object_get(v, "official"), "id")) ==
	                                    id) return v;
	fail_msg("official %lld not in the list", id);
	return NULL;
}

#define SCHEME_ITEMS                                                                                                   \
	"{\"code\":\"frontline\",\"name\":\"一线时间\",\"weight\":10,\"source\":\"frontline\"},"                   \
	"{\"code\":\"judge\",\"name\":\"考核组研判\",\"weight\":30,\"source\":\"judgement\",\"tie_order\":1},"    \
	"{\"code\":\"work\",\"name\":\"实绩\",\"weight\":40,\"source\":\"entered\",\"tie_order\":2},"

static int setup(void **state)
{
	(void)state;
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	const char *names[] = {"陈一", "林二", "王三", "赵四", "钱五"}, *users[] = {"ja-officer", "ja-other"};
	for (int i = 0; i < 5; i++)
		off[i] = created(&zzb, "/api/v1/cadres/officials",
		                 "{\"name\":\"%s\",\"post\":\"科员\",\"org\":\"350111-tcj\"%s%s%s}", names[i],
		                 i < 2 ? ",\"user\":\"" : "", i < 2 ? users[i] : "", i < 2 ? "\"" : "");
	/* Fixture until the groups' routes (helper "groups") merge: the group and its judgements, inserted directly. */
	db_run_sql(&server,
	           "INSERT INTO assessment_groups(id, name, org_id, starts_on, ends_on, created_by, created_at)"
	           " SELECT 1, '第一考核组', id, 0, 99999, 1, 0 FROM orgs WHERE code = '350100-zzb'");
	const int judged[] = {90, 95, 95, 70, 50};
	for (int i = 0; i < 5; i++) {
		char sql[256];
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO assessment_judgements(group_id, official_id, score, reasons, recorded_by, recorded_at)"
		    " VALUES (1, %lld, %d, '靠前指挥,敢于担当', 1, 0)",
		    off[i], judged[i] * 1000);
		db_run_sql(&server, sql);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

static void test_scheme_weights_sources_and_codes(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&zzb, &r, "POST", "/api/v1/cadres/schemes",
	                              "{\"name\":\"x\",\"items\":[" SCHEME_ITEMS
	                              "{\"code\":\"survey\",\"name\":\"360\",\"weight\":15,\"source\":\"survey\"}]}"),
	                 422);
	assert_string_equal(error_code(&r), "weights_not_100");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")), "95"));
	response_free(&r);
	char err[48];
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/schemes", err,
	                                "{\"name\":\"x\",\"items\":[{\"code\":\"a\",\"name\":\"a\",\"weight\":100,"
	                                "\"source\":\"rumour\"}]}"),
	                 422);
	assert_string_equal(err, "invalid_source");
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/schemes", err,
	                                "{\"name\":\"x\",\"items\":[{\"code\":\"a\",\"name\":\"a\",\"weight\":50,"
	                                "\"source\":\"entered\"},{\"code\":\"a\",\"name\":\"b\",\"weight\":50,"
	                                "\"source\":\"entered\"}]}"),
	                 422);
	assert_string_equal(err, "duplicate_code");
	assert_int_equal(count("SELECT count(*) FROM assessment_schemes"), 0);
	long long scheme = created(&zzb, "/api/v1/cadres/schemes",
	                           "{\"name\":\"一线考核方案\",\"items\":[" SCHEME_ITEMS
	                           "{\"code\":\"survey\",\"name\":\"360测评\",\"weight\":20,\"source\":\"survey\"}]}");
	assessment =
	    created(&zzb, "/api/v1/cadres/assessments",
	            "{\"name\":\"2020年国庆一线考核\",\"scheme\":%lld,\"group\":1,\"starts_on\":\"2020-09-26\","
	            "\"ends_on\":\"2020-10-11\",\"subjects\":[{\"official\":%lld,\"cohort\":\"科员\"},"
	            "{\"official\":%lld,\"cohort\":\"科员\"},{\"official\":%lld,\"cohort\":\"科员\"},"
	            "{\"official\":%lld,\"cohort\":\"科员\"},{\"official\":%lld,\"cohort\":\"科员\"}]}",
	            scheme, off[0], off[1], off[2], off[3], off[4]);
	snprintf(base, sizeof base, "/api/v1/cadres/assessments/%lld", assessment);
	assert_int_equal(client_callf(&zzb, &r, "GET", base, NULL), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "state_label")), "草稿");
	assert_int_equal(json_integer_value(json_object_get(r.json, "subjects")), 5);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 4);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action IN ('cadres.scheme.create',"
	                       " 'cadres.assessment.create')"),
	                 2);
}

static void test_compute_and_entered_scores(void **state)
{
	(void)state;
	struct response r;
	char err[48];
	/* Nothing scored yet: every item of every subject is missing. */
	assert_int_equal(client_callf(&zzb, &r, "POST", at("/rank"), NULL), 409);
	assert_string_equal(error_code(&r), "missing_scores");
	assert_int_equal(json_array_size(json_object_get(r.json, "missing")), 20);
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "POST", at("/compute"), NULL), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "scored")), 15); /* 5 × 3 computed items */
	response_free(&r);
	assert_int_equal(put_score(off[0], "judge", "90", err), 422);
	assert_string_equal(err, "not_entered_item");
	assert_int_equal(put_score(off[0], "work", "100.5", err), 422);
	assert_string_equal(err, "invalid_score");
	const char *work[] = {"90", "95", "95", "70", "50"};
	for (int i = 0; i < 5; i++)
		assert_int_equal(put_score(off[i], "work", work[i], err), 200);
	assert_int_equal(client_callf(&zzb, &r, "GET", at("/scores"), NULL), 200);
	json_t *a = json_object_get(of(json_object_get(r.json, "items"), off[0]), "scores");
	json_t *frontline = json_object_get(a, "frontline"), *judge = json_object_get(a, "judge");
	assert_true(json_real_value(json_object_get(frontline, "score")) == 0.0);
	assert_non_null(strstr(json_string_value(json_object_get(frontline, "basis")), "6 个工作日"));
	assert_true(json_number_value(json_object_get(judge, "score")) == 90.0);
	assert_non_null(strstr(json_string_value(json_object_get(judge, "basis")), "靠前指挥"));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(json_object_get(a, "work"), "entered_by"), "username")),
	    "city-zzb");
	assert_true(json_is_null(json_object_get(json_object_get(a, "survey"), "score")));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.score.enter'"), 5);
}

static void test_survey_minimum_and_anonymity(void **state)
{
	(void)state;
	struct response r;
	char err[48], body[1024];
	snprintf(body, sizeof body, "{\"raters\":[{\"official\":%lld,\"user\":\"ja-officer\",\"relation\":\"peer\"}]}",
	         off[0]);
	assert_int_equal(client_statusf(&zzb, "POST", at("/raters"), err, "%s", body), 422);
	assert_string_equal(err, "self_rating");
	size_t len = (size_t)snprintf(body, sizeof body, "{\"raters\":[");
	for (int i = 0; i < 5; i++)
		len += (size_t)snprintf(body + len, sizeof body - len,
		                        "%s{\"official\":%lld,\"user\":\"rater-%d\",\"relation\":\"peer\"}",
		                        i ? "," : "", off[0], i + 1);
	snprintf(body + len, sizeof body - len, "]}");
	assert_int_equal(client_callf(&zzb, &r, "POST", at("/raters"), "%s", body), 201);
	assert_int_equal(json_integer_value(json_object_get(r.json, "invited")), 5);
	response_free(&r);
	assert_int_equal(client_callf(&raters[0], &r, "GET", "/api/v1/cadres/surveys/mine", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);
	const char *scores[] = {"80", "80", "90", "90", "100"};
	for (int i = 0; i < 4; i++)
		assert_int_equal(answer(i, scores[i], err), 201);
	/* Four answers: under the minimum of five, no mean, and compute leaves it unscored. */
	assert_int_equal(client_callf(&zzb, &r, "GET", at("/survey"), NULL), 200);
	json_t *a = of(json_object_get(r.json, "items"), off[0]);
	assert_int_equal(json_integer_value(json_object_get(a, "answered")), 4);
	assert_true(json_is_null(json_object_get(a, "mean")));
	assert_false(json_is_true(json_object_get(a, "shown")));
	assert_null(json_object_get(a, "comments")); /* nor the comments */
	response_free(&r);
	assert_int_equal(answer(4, scores[4], err), 201);
	assert_int_equal(answer(4, "60", err), 409);
	assert_string_equal(err, "already_answered");
	assert_int_equal(answer(5, "60", err), 403);
	assert_string_equal(err, "not_invited");
	assert_int_equal(client_callf(&zzb, &r, "GET", at("/survey"), NULL), 200);
	a = of(json_object_get(r.json, "items"), off[0]);
	assert_int_equal(json_integer_value(json_object_get(a, "answered")), 5);
	assert_true(json_number_value(json_object_get(a, "mean")) == 88.0);
	assert_true(json_is_true(json_object_get(a, "shown")));
	assert_int_equal(json_array_size(json_object_get(a, "comments")), 5);
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "comments"), 0)), "踏实");
	response_free(&r);
	/* Nothing names the rater: not the answers' rows, not the audit, and the ids are not in order of arrival. */
	assert_int_equal(count(on_postgres() ? "SELECT count(*) FROM information_schema.columns"
	                                       " WHERE table_name = 'assessment_survey_answers'"
	                                       " AND (column_name LIKE '%user%' OR column_name LIKE '%rater%' OR column_name LIKE '%_at')"
	                                     : "SELECT count(*) FROM pragma_table_info('assessment_survey_answers')"
	                                       " WHERE name LIKE '%user%' OR name LIKE '%rater%' OR name LIKE '%_at'"),
	                 0);
	assert_int_equal(count("SELECT count(*) FROM assessment_survey_answers"), 5);
	assert_int_equal(count("SELECT count(*) FROM assessment_survey_answers WHERE id <= 1000000"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.survey.answer'"
	                       " AND actor = 'anonymous-rater' AND actor_id = 0 AND ip = '-' AND request_id = '-'"),
	                 5);
	assert_int_equal(count("SELECT count(*) FROM audit_log a WHERE (a.action = 'cadres.survey.answer' AND"
	                       " (a.detail LIKE '%score%' OR a.detail LIKE '%rater%')) OR (a.actor LIKE 'rater-%' AND "
	                       "a.action LIKE 'cadres.survey%')"),
	                 0);
	assert_int_equal(client_callf(&zzb, &r, "POST", at("/compute"), NULL), 200);
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "GET", at("/scores"), NULL), 200);
	a = json_object_get(of(json_object_get(r.json, "items"), off[0]), "scores");
	assert_true(json_number_value(json_object_get(json_object_get(a, "survey"), "score")) == 88.0);
	response_free(&r);
}

static void test_rank_quota_edge_and_the_officials_view(void **state)
{
	(void)state;
	struct response r;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/assessments", off[0]);
	assert_int_equal(client_callf(&zzb, &r, "POST", at("/rank"), NULL), 200);
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "GET", at("/results"), NULL), 200);
	json_t *items = json_object_get(r.json, "items"), *a = of(items, off[0]), *b = of(items, off[1]),
	       *c = of(items, off[2]), *d = of(items, off[3]), *e = of(items, off[4]);
	assert_true(json_number_value(json_object_get(a, "total")) == 80.6);
	assert_true(json_number_value(json_object_get(b, "total")) == 83.125);
	assert_int_equal(json_integer_value(json_object_get(b, "rank")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "rank")), 1);
	assert_int_equal(json_integer_value(json_object_get(a, "rank")), 3);
	assert_string_equal(json_string_value(json_object_get(b, "grade_label")), "称职");
	assert_string_equal(json_string_value(json_object_get(c, "grade")), "competent");
	assert_non_null(strstr(json_string_value(json_object_get(b, "tie_note")), "均不评优秀"));
	assert_string_equal(json_string_value(json_object_get(a, "grade")), "competent");
	assert_string_equal(json_string_value(json_object_get(d, "grade_label")), "基本称职");
	assert_string_equal(json_string_value(json_object_get(e, "grade_label")), "不称职");
	response_free(&r);
	char err[48];
	assert_int_equal(put_score(off[2], "work", "94", err), 409);
	assert_string_equal(err, "wrong_state");
	assert_int_equal(client_statusf(&zzb, "GET", at("/results?format=csv"), err, NULL), 422);
	assert_string_equal(err, "xlsx_only");
	assert_int_equal(client_callf(&zzb, &r, "GET", at("/results?format=xlsx"), NULL), 200);
	assert_true(has_header(&r, "Content-Type: application/vnd.openxmlformats"));
	/* The sheet names who took it out, on screen and on paper. */
	char *strings = xlsx_part(&r, "xl/sharedStrings.xml"), *sheet = xlsx_part(&r, "xl/worksheets/sheet1.xml");
	assert_non_null(strings);
	assert_non_null(sheet);
	assert_non_null(strstr(strings, "导出:"));
	assert_non_null(strstr(strings, "(city-zzb) "));
	assert_non_null(strstr(sheet, "(city-zzb) "));
	free(strings);
	free(sheet);
	response_free(&r);
	/* Ranked, not publicised: the official sees that they are assessed, not the result nor the scores. */
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	json_t *mine = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(mine, "state")), "ranked");
	assert_true(json_is_null(json_object_get(mine, "result")));
	assert_true(json_is_null(json_object_get(mine, "scores")));
	response_free(&r);
	/* Nobody else outside the department sees anything. */
	assert_int_equal(client_statusf(&other, "GET", path, err, NULL), 403);
	assert_string_equal(err, "not_your_file");
	assert_int_equal(client_statusf(&leader, "GET", path, err, NULL), 403);
	assert_int_equal(client_statusf(&leader, "GET", at("/results"), err, NULL), 403);
	assert_int_equal(client_statusf(&fgw, "GET", at("/results"), err, NULL), 403);
	assert_string_equal(err, "wrong_duty");
	assert_int_equal(client_statusf(&officer, "GET", at("/scores"), err, NULL), 403);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.assessments.read'"), 1);
}

static void window(const char *start, const char *end)
{
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE assessments SET publicity_start = '%s', publicity_end = '%s' WHERE id = %lld",
	         start, end, assessment);
	db_run_sql(&server, sql);
}

static long long object(struct client *c, long long official)
{
	char path[128];
	snprintf(path, sizeof path, "%s/objections", base);
	return created(c, path, "{\"official\":%lld,\"reason\":\"测评打分不实,请核查。\"}", official);
}

static void resolve(long long id, const char *outcome)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/cadres/objections/%lld/resolve", id);
	assert_int_equal(
	    client_statusf(&zzb, "POST", path, NULL, "{\"outcome\":\"%s\",\"resolution\":\"已核查\"}", outcome), 200);
}

static void test_publicity_objections_and_finalise(void **state)
{
	(void)state;
	struct response r;
	char err[48], path[96], body[96];
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/assessments", off[0]);
	snprintf(body, sizeof body, "{\"official\":%lld,\"reason\":\"x\"}", off[2]);
	assert_int_equal(client_statusf(&leader, "POST", at("/objections"), err, "%s", body), 409);
	assert_string_equal(err, "not_in_publicity");
	assert_int_equal(client_callf(&zzb, &r, "POST", at("/publicise"), "{\"days\":5}"), 200);
	assert_non_null(json_object_get(r.json, "publicity_end"));
	response_free(&r);
	window("2000-01-03", "2099-12-31"); /* open now, whatever the day the test runs */
	/* Publicised: the official sees their own result and scores with their basis, and no one who objected. */
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	json_t *mine = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(mine, "result"), "rank")), 3);
	assert_non_null(json_object_get(json_object_get(json_object_get(mine, "scores"), "judge"), "basis"));
	assert_null(json_object_get(json_object_get(json_object_get(mine, "scores"), "work"), "entered_by"));
	response_free(&r);
	long long upheld = object(&leader, off[2]);
	assert_int_equal(client_statusf(&zzb, "POST", at("/finalise"), err, NULL), 409);
	assert_string_equal(err, "publicity_open");
	assert_int_equal(client_callf(&zzb, &r, "GET", at("/objections"), NULL), 200);
	json_t *o = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "lodged_by"), "username")),
	                    "city-leader");
	response_free(&r);
	assert_int_equal(client_statusf(&leader, "GET", at("/objections"), err, NULL), 403);
	/* Upheld: back to draft for the correction; C's 实绩 94, ranked again: B alone first, 优秀. */
	resolve(upheld, "upheld");
	assert_int_equal(count("SELECT count(*) FROM assessment_results"), 0);
	assert_int_equal(put_score(off[2], "work", "94", err), 200);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.score.enter'"
	                       " AND detail LIKE '%\"old_score\":95.0,%'"),
	                 1);
	assert_int_equal(client_callf(&zzb, &r, "POST", at("/rank"), NULL), 200);
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "GET", at("/results"), NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_string_equal(json_string_value(json_object_get(of(items, off[1]), "grade_label")), "优秀");
	assert_int_equal(json_integer_value(json_object_get(of(items, off[2]), "rank")), 2);
	assert_true(json_number_value(json_object_get(of(items, off[2]), "total")) == 82.625);
	assert_true(json_is_null(json_object_get(of(items, off[1]), "tie_note")));
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "POST", at("/publicise"), NULL), 200);
	response_free(&r);
	window("2000-01-03", "2099-12-31");
	long long dismissed = object(&raters[0], off[1]);
	window("2000-01-03", "2000-01-07"); /* over */
	assert_int_equal(client_statusf(&leader, "POST", at("/objections"), err, "%s", body), 409);
	assert_string_equal(err, "not_in_publicity");
	assert_int_equal(client_statusf(&zzb, "POST", at("/finalise"), err, NULL), 409);
	assert_string_equal(err, "objections_open");
	resolve(dismissed, "dismissed");
	snprintf(path, sizeof path, "/api/v1/cadres/objections/%lld/resolve", dismissed);
	assert_int_equal(client_statusf(&zzb, "POST", path, err, "{\"outcome\":\"upheld\",\"resolution\":\"x\"}"), 409);
	assert_int_equal(client_statusf(&zzb, "POST", at("/finalise"), err, NULL), 200);
	assert_int_equal(client_callf(&zzb, &r, "GET", base, NULL), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "state_label")), "已定");
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action IN ('cadres.objection.lodge',"
	                       " 'cadres.objection.resolve', 'cadres.assessment.finalise')"),
	                 5);
}

/* Day today + offset as "YYYY-MM-DD" in out. */
static const char *day(int offset, char out[11])
{
	clock_format_date(clock_local_day(clock_now()) + offset, out);
	return out;
}

/*
** Milestones and problems from the platform's records, for 孙六 (fgw-dept's
** official) over the last 35 days.  His task covers a project whose plan
** wants start 30 days ago (done the day before: met), structure 20 days ago
** (done 15 days ago: late), completion 10 days ago (not done: overdue) and
** production in a month (not due): 1 of 3 met, 33.333.  He answered a
** problem on time, rated 4 stars: 60 × 1 + 40 × 4 / 5 = 92.
*/
static void test_milestones_and_problems_from_the_records(void **state)
{
	(void)state;
	struct response r;
	char d1[11], d2[11], d3[11], d4[11], path[160];
	long long sun = created(&zzb, "/api/v1/cadres/officials",
	                        "{\"name\":\"孙六\",\"post\":\"处长\",\"org\":\"350100-fgw\",\"user\":\"fgw-dept\"}");
	assert_int_equal(
	    enterprise_with_account(&admin, "福州海峡新材料有限公司", "91350111MA2AB0123Y", "350111", "ja-firm"), 0);
	long long firm_id = count("SELECT id FROM enterprises WHERE credit_code = '91350111MA2AB0123Y'");
	long long project =
	    created(&raters[2], "/api/v1/projects",
	            "{\"code\":\"2020-350111-39-03-000001\",\"name\":\"晋安新材料产业园\",\"enterprise\":%lld,"
	            "\"industry\":\"新材料\",\"investment_wan\":120000,\"level\":\"municipal\","
	            "\"created_on\":\"%s\"}",
	            firm_id, day(-40, d1));
	snprintf(path, sizeof path, "/api/v1/projects/%lld/plan", project);
	assert_int_equal(client_callf(&raters[2], &r, "POST", path,
	                              "{\"targets\":{\"start\":\"%s\",\"structure\":\"%s\",\"complete\":\"%s\","
	                              "\"produce\":\"%s\"},\"reason\":\"倒排\"}",
	                              day(-30, d1), day(-20, d2), day(-10, d3), day(30, d4)),
	                 201);
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/projects/%lld/milestones/start", project);
	assert_int_equal(client_statusf(&raters[2], "POST", path, NULL, "{\"actual\":\"%s\"}", day(-31, d1)), 200);
	snprintf(path, sizeof path, "/api/v1/projects/%lld/milestones/structure", project);
	assert_int_equal(client_statusf(&raters[2], "POST", path, NULL, "{\"actual\":\"%s\"}", day(-15, d1)), 200);
	created(&zzb, "/api/v1/cadres/tasks",
	        "{\"name\":\"新材料产业园攻坚\",\"kind\":\"key_project\",\"starts_on\":\"%s\",\"ends_on\":\"%s\","
	        "\"owner\":\"city-leader\",\"officials\":[%lld],\"records\":[{\"kind\":\"project\","
	        "\"ref\":\"2020-350111-39-03-000001\"}]}",
	        day(-60, d1), day(60, d2), sun);
	/* A problem routed to 市发改委, answered by 孙六, confirmed by the enterprise with four stars. */
	long long problem = created(&admin, "/api/v1/problems",
	                            "{\"enterprise\":%lld,\"category\":\"other\",\"title\":\"用地指标\","
	                            "\"description\":\"请协调\"}",
	                            firm_id);
	snprintf(path, sizeof path, "/api/v1/problems/%lld/route", problem);
	assert_int_equal(
	    client_statusf(&admin, "POST", path, NULL, "{\"department\":\"350100-fgw\",\"reason\":\"职责\"}"), 200);
	snprintf(path, sizeof path, "/api/v1/problems/%lld/transitions", problem);
	assert_int_equal(client_statusf(&fgw, "POST", path, NULL, "{\"action\":\"accept\"}"), 200);
	assert_int_equal(client_statusf(&fgw, "POST", path, NULL, "{\"action\":\"answer\",\"text\":\"已协调\"}"), 200);
	assert_int_equal(client_statusf(&firm, "POST", path, NULL, "{\"action\":\"confirm\",\"rating\":4}"), 200);
	long long scheme =
	    created(&zzb, "/api/v1/cadres/schemes",
	            "{\"name\":\"实绩方案\",\"items\":[{\"code\":\"m\",\"name\":\"节点完成\",\"weight\":50,"
	            "\"source\":\"milestones\"},{\"code\":\"p\",\"name\":\"问题办结\",\"weight\":50,"
	            "\"source\":\"problems\"}]}");
	long long id = created(&zzb, "/api/v1/cadres/assessments",
	                       "{\"name\":\"近期实绩\",\"scheme\":%lld,\"starts_on\":\"%s\",\"ends_on\":\"%s\","
	                       "\"subjects\":[{\"official\":%lld,\"cohort\":\"处级\"}]}",
	                       scheme, day(-35, d1), day(0, d2), sun);
	snprintf(path, sizeof path, "/api/v1/cadres/assessments/%lld/compute", id);
	assert_int_equal(client_statusf(&zzb, "POST", path, NULL, NULL), 200);
	snprintf(path, sizeof path, "/api/v1/cadres/assessments/%lld/scores", id);
	assert_int_equal(client_callf(&zzb, &r, "GET", path, NULL), 200);
	json_t *scores = json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "scores");
	json_t *m = json_object_get(scores, "m"), *p = json_object_get(scores, "p");
	assert_true(json_number_value(json_object_get(m, "score")) == 33.333);
	assert_non_null(strstr(json_string_value(json_object_get(m, "basis")), "项目节点到期 3 个,按期完成 1 个"));
	assert_true(json_number_value(json_object_get(p, "score")) == 92.0);
	assert_non_null(strstr(json_string_value(json_object_get(p, "basis")), "平均 4.00 星"));
	response_free(&r);
	/* Someone with no such records: nothing to measure, unscored. */
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/assessments", off[4]);
	long long other_id = created(&zzb, "/api/v1/cadres/assessments",
	                             "{\"name\":\"近期实绩二\",\"scheme\":%lld,\"starts_on\":\"%s\",\"ends_on\":\"%s\","
	                             "\"subjects\":[{\"official\":%lld,\"cohort\":\"科员\"}]}",
	                             scheme, day(-35, d1), day(0, d2), off[4]);
	snprintf(path, sizeof path, "/api/v1/cadres/assessments/%lld/compute", other_id);
	assert_int_equal(client_statusf(&zzb, "POST", path, NULL, NULL), 200);
	snprintf(path, sizeof path, "/api/v1/cadres/assessments/%lld/rank", other_id);
	assert_int_equal(client_callf(&zzb, &r, "POST", path, NULL), 409); /* no scored item at all */
	assert_string_equal(error_code(&r), "missing_scores");
	response_free(&r);
}

/* The item of a list whose official is named so. */
static json_t *named(json_t *items, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(items, i,
	                   v) if (strcmp(json_string_value(json_object_get(json_object_get(v, "official"), "name")),
	                                 name) == 0) return v;
	fail_msg("%s not in the list", name);
	return NULL;
}

/*
** The demo's assessment, made by cadres_demo over the demo's people: final,
** 张敏 the one 优秀 of the five 科级及以下干部 (floor(20% × 5) = 1), none among
** the two 领导班子成员 (floor(0.4) = 0), 吴磊's survey (four answers) not
** counted, one objection dismissed, and 郑海峰 reading his own result.
*/
static void test_demo_assessment(void **state)
{
	(void)state;
	struct test_server demo;
	struct client zzb_demo, own;
	const struct cast_member demo_cast[] = {
	    {&zzb_demo, "city-zzb", "department", "350100-zzb"},
	    {NULL, "city-leader", "leader", "350100"},
	    {&own, "jinan-officer", "officer", "350111-tcj"},
	    {NULL, "city-agent", "agent", "350100-xzfw"},
	};
	cast_up(&demo, demo_cast, CAST_SIZE(demo_cast), NULL);
	cast_sign_out(demo_cast, CAST_SIZE(demo_cast));
	assert_int_equal(server_stop_process(&demo), 0);
	assert_int_equal(cadres_demo(demo.db), 0);
	cast_start(&demo, demo_cast, CAST_SIZE(demo_cast), NULL);
	struct response r;
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", "/api/v1/cadres/assessments", NULL), 200);
	json_t *a = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "name")), "2020年疫情防控一线考核");
	assert_string_equal(json_string_value(json_object_get(a, "state_label")), "已定");
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cadres/assessments/%lld",
	         (long long)json_integer_value(json_object_get(a, "id")));
	response_free(&r);
	char results[160], survey[160], objections[160];
	snprintf(results, sizeof results, "%s/results", path);
	snprintf(survey, sizeof survey, "%s/survey", path);
	snprintf(objections, sizeof objections, "%s/objections", path);
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", results, NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	int excellent = 0;
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) excellent +=
	    strcmp(json_string_value(json_object_get(v, "grade")), "excellent") == 0;
	assert_int_equal(excellent, 1);
	assert_string_equal(json_string_value(json_object_get(named(items, "张敏"), "grade_label")), "优秀");
	json_t *zheng = named(items, "郑海峰");
	assert_int_equal(json_integer_value(json_object_get(zheng, "rank")), 1);
	assert_string_equal(json_string_value(json_object_get(zheng, "grade_label")), "称职");
	long long zheng_id = json_integer_value(json_object_get(json_object_get(zheng, "official"), "id"));
	response_free(&r);
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", survey, NULL), 200);
	json_t *wu = named(json_object_get(r.json, "items"), "吴磊");
	assert_int_equal(json_integer_value(json_object_get(wu, "answered")), 4);
	assert_false(json_is_true(json_object_get(wu, "shown")));
	response_free(&r);
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", objections, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "state")),
	    "dismissed");
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/assessments", zheng_id);
	assert_int_equal(client_callf(&own, &r, "GET", path, NULL), 200);
	json_t *mine = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(mine, "result"), "grade")), "competent");
	response_free(&r);
	cast_down(&demo, demo_cast, CAST_SIZE(demo_cast));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scheme_weights_sources_and_codes),
	    cmocka_unit_test(test_compute_and_entered_scores),
	    cmocka_unit_test(test_survey_minimum_and_anonymity),
	    cmocka_unit_test(test_rank_quota_edge_and_the_officials_view),
	    cmocka_unit_test(test_publicity_objections_and_finalise),
	    cmocka_unit_test(test_milestones_and_problems_from_the_records),
	    cmocka_unit_test(test_demo_assessment),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
