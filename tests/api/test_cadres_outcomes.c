/*
** test_cadres_outcomes.c - what follows an assessment, against the real
** server: outcomes on the "十个一批" and "五个优先" lists, each justified by a
** final assessment the official was a subject of; the reserve pool
** (candidates, entry with a basis, exit, at most one open stay, history);
** care measures and their totals; an official reading their own and nobody
** outside the department reading anyone's; refusals leaving the data as it
** was; the demo's care and outcomes.
**
** The assessments themselves (schemes, scores, rankings) come from other
** routes (test_cadres_scores.c walks one to final, publicity window and
** all); this file makes final ones directly in the database with
** assessment_fixture() below, so that each case states its grades.
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
#include "db/db.h"

static struct test_server server;
static struct client admin, zzb, fgw, leader, officer, other;

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&zzb, "city-zzb", "department", "350100-zzb"}, /* the organisation department: holds "assessment" */
    {&fgw, "fgw-dept", "department", "350100-fgw"}, /* a department without the duty */
    {&leader, "city-leader", "leader", "350100"},
    {&officer, "ja-officer", "officer", "350111-tcj"}, /* official A */
    {&other, "ja-other", "officer", "350111-tcj"},     /* official B */
};

/* A and B are linked to ja-officer and ja-other; C is not linked. */
static long long official_a, official_b, official_c;
/* Final: epidemic (A 优秀, B 优秀), projects (A 优秀, B 称职, C 优秀), quarter (A 称职, B 基本称职); draft: spring (A). */
static long long epidemic, projects, quarter, spring;

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

struct graded {
	long long official;
	const char *grade; /* NULL: a subject without a result yet */
};

/*
** An assessment named name in state, with its subjects and their results,
** written straight into the database (reaching final through the routes
** takes a publicity window of working days).  Its id.
*/
static long long assessment_fixture(struct test_server *s, const char *name, const char *state,
                                    const struct graded *subjects, size_t n)
{
	db_run_sql(s, "INSERT INTO assessment_schemes(name, org_id, created_by, created_at)"
	              " SELECT '一线考核方案', o.id, u.id, 0 FROM orgs o, users u"
	              " WHERE o.code = '350100-zzb' AND u.username = 'city-zzb'"
	              " AND NOT EXISTS (SELECT 1 FROM assessment_schemes)");
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "INSERT INTO assessments(name, scheme_id, starts_on, ends_on, state, created_by, created_at)"
	         " SELECT '%s', min(s.id), 18285, 18352, '%s', min(u.id), 0 FROM assessment_schemes s, users u"
	         " WHERE u.username = 'city-zzb'",
	         name, state); /* 24 January to 31 March 2020 */
	db_run_sql(s, sql);
	long long id = db_count(s, "SELECT max(id) FROM assessments");
	for (size_t i = 0; i < n; i++) {
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO assessment_subjects(assessment_id, official_id, cohort) VALUES (%lld, %lld, '科级');",
		    id, subjects[i].official);
		db_run_sql(s, sql);
		if (!subjects[i].grade)
			continue;
		snprintf(sql, sizeof sql,
		         "INSERT INTO assessment_results(assessment_id, official_id, cohort, total, rank, grade)"
		         " VALUES (%lld, %lld, '科级', %d, %zu, '%s')",
		         id, subjects[i].official, 95000 - (int)i * 5000, i + 1, subjects[i].grade);
		db_run_sql(s, sql);
	}
	return id;
}

static long long created(struct client *c, const char *path, const char *fmt, ...)
{
	char body[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	struct response r;
	long status = client_callf(c, &r, "POST", path, "%s", body);
	if (status != 201)
		fail_msg("POST %s %s: %ld %s", path, body, status, r.body);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	return id;
}

static int setup(void **state)
{
	(void)state;
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	const char *path = "/api/v1/cadres/officials";
	official_a =
	    created(&zzb, path, "{\"name\":\"陈一\",\"post\":\"科员\",\"org\":\"350111-tcj\",\"user\":\"ja-officer\"}");
	official_b =
	    created(&zzb, path, "{\"name\":\"林二\",\"post\":\"科员\",\"org\":\"350111-tcj\",\"user\":\"ja-other\"}");
	official_c = created(&zzb, path, "{\"name\":\"王三\",\"post\":\"科员\",\"org\":\"350111-tcj\"}");
	epidemic = assessment_fixture(&server, "2020年疫情防控一线考核", "final",
	                              (struct graded[]){{official_a, "excellent"}, {official_b, "excellent"}}, 2);
	projects = assessment_fixture(
	    &server, "2020年重点项目攻坚考核", "final",
	    (struct graded[]){{official_a, "excellent"}, {official_b, "competent"}, {official_c, "excellent"}}, 3);
	quarter = assessment_fixture(&server, "2020年三季度考核", "final",
	                             (struct graded[]){{official_a, "competent"}, {official_b, "basic"}}, 2);
	spring = assessment_fixture(&server, "2021年一季度考核", "draft", (struct graded[]){{official_a, NULL}}, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

static void test_outcome_items_are_the_two_lists(void **state)
{
	(void)state;
	struct response r;
	char code[48];
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/outcome-items", NULL), 200);
	json_t *ten = json_object_get(r.json, "ten_batches"), *five = json_object_get(r.json, "five_priorities");
	assert_int_equal(json_array_size(ten), 10);
	assert_int_equal(json_array_size(five), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ten, 0), "name")), "表彰奖励一批");
	assert_string_equal(json_string_value(json_object_get(json_array_get(five, 0), "name")), "评先评优优先");
	response_free(&r);
	assert_int_equal(client_statusf(&fgw, "GET", "/api/v1/cadres/outcome-items", code, NULL), 403);
	assert_string_equal(code, "wrong_duty");
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/cadres/outcome-items", code, NULL), 403);
}

static long outcome(long long official, char code[48], const char *fmt, ...)
{
	char path[96], body[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/outcomes", official);
	return client_statusf(&zzb, "POST", path, code, "%s", body);
}

/* An outcome needs a final assessment the official was a subject of; whatever is refused leaves nothing behind. */
static void test_outcomes_rest_on_a_final_assessment(void **state)
{
	(void)state;
	char code[48];
	const char *outcomes = "SELECT count(*) FROM cadre_outcomes",
	           *audited = "SELECT count(*) FROM audit_log WHERE action = 'cadres.outcome.create'";
	assert_int_equal(outcome(official_a, code,
	                         "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":%lld,"
	                         "\"day\":\"2020-04-08\",\"note\":\"通报表扬\"}",
	                         epidemic),
	                 201);
	assert_int_equal(outcome(official_a, code,
	                         "{\"list\":\"five_priorities\",\"item\":\"promotion\",\"assessment\":%lld,"
	                         "\"day\":\"2020-04-09\"}",
	                         projects),
	                 201);
	struct {
		long long official;
		const char *body;
		long status;
		const char *code;
	} refused[] = {
	    {official_a, "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":%lld,\"day\":\"2021-04-08\"}",
	     409, "assessment_not_final"},
	    {official_c, "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":%lld,\"day\":\"2020-04-08\"}",
	     422, "not_assessed"},
	    {official_a,
	     "{\"list\":\"three_things\",\"item\":\"commended\",\"assessment\":%lld,\"day\":\"2020-04-08\"}", 422,
	     "invalid_list"},
	    {official_a, "{\"list\":\"ten_batches\",\"item\":\"honours\",\"assessment\":%lld,\"day\":\"2020-04-08\"}",
	     422, "invalid_item"}, /* a priority, not a batch */
	    {official_a, "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":%lld,\"day\":\"2020-4-8\"}",
	     422, "invalid_date"},
	    {official_a,
	     "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":%lld,\"day\":\"2020-04-08\","
	     "\"extra\":1}",
	     422, NULL},
	    {official_a,
	     "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":99999%lld,\"day\":\"2020-04-08\"}", 422,
	     "unknown_assessment"},
	};
	long long against[] = {spring, epidemic, epidemic, epidemic, epidemic, epidemic, epidemic};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		assert_int_equal(outcome(refused[i].official, code, refused[i].body, against[i]), refused[i].status);
		if (refused[i].code)
			assert_string_equal(code, refused[i].code);
	}
	char path[96];
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/outcomes", official_a);
	assert_int_equal(client_statusf(&fgw, "POST", path, code,
	                                "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":%lld,"
	                                "\"day\":\"2020-04-08\"}",
	                                epidemic),
	                 403);
	assert_string_equal(code, "wrong_duty");
	assert_int_equal(count(outcomes), 2);
	assert_int_equal(count(audited), 2);

	struct response r;
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/outcomes?list=ten_batches", NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *o = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(o, "list_label")), "十个一批");
	assert_string_equal(json_string_value(json_object_get(o, "item_label")), "表彰奖励一批");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "official"), "name")), "陈一");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(json_object_get(o, "official"), "org"), "code")),
	    "350111-tcj");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "assessment"), "name")),
	                    "2020年疫情防控一线考核");
	assert_string_equal(json_string_value(json_object_get(o, "day")), "2020-04-08");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "recorded_by"), "username")),
	                    "city-zzb");
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/outcomes?limit=1", NULL), 200);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "item")),
	    "promotion"); /* newest first */
	assert_true(json_is_string(json_object_get(r.json, "next_cursor")));
	response_free(&r);
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/outcomes?item=commended", code, NULL), 422);
	assert_string_equal(code, "invalid_item"); /* an item needs its list */
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/outcomes?list=x", code, NULL), 422);
	assert_string_equal(code, "invalid_list");
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/outcomes?format=csv", code, NULL), 422);
	assert_string_equal(code, "xlsx_only");
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/outcomes?format=xlsx", NULL), 200);
	assert_true(has_header(&r, "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
	assert_memory_equal(r.body, "PK", 2);
	response_free(&r);
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/cadres/outcomes", code, NULL), 403);
	assert_int_equal(client_statusf(&fgw, "GET", "/api/v1/cadres/outcomes", code, NULL), 403);
}

/* The ids of a candidates list, in order, into ids (at most 8): how many. */
static size_t candidates(const char *query, long long ids[8])
{
	struct response r;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/cadres/reserve/candidates%s", query);
	assert_int_equal(client_callf(&zzb, &r, "GET", path, NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	size_t n = json_array_size(items);
	for (size_t i = 0; i < n && i < 8; i++)
		ids[i] =
		    json_integer_value(json_object_get(json_object_get(json_array_get(items, i), "official"), "id"));
	response_free(&r);
	return n;
}

static long reserve(long long official, char code[48], const char *basis)
{
	return client_statusf(&zzb, "POST", "/api/v1/cadres/reserve", code,
	                      "{\"official\":%lld,\"basis\":%s,\"reason\":\"一线表现突出\"}", official, basis);
}

static void test_reserve_pool_entry_exit_and_one_open_stay(void **state)
{
	(void)state;
	char code[48], basis[64];
	long long ids[8];
	struct response r;
	/* Twice 优秀 (the default minimum): A alone; once: A, B and C. */
	assert_int_equal(candidates("", ids), 1);
	assert_int_equal(ids[0], official_a);
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/reserve/candidates", NULL), 200);
	json_t *excellent = json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "excellent");
	assert_int_equal(json_array_size(excellent), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(excellent, 0), "name")),
	                    "2020年疫情防控一线考核");
	response_free(&r);
	assert_int_equal(candidates("?min=1", ids), 3);
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/reserve/candidates?min=0", code, NULL), 422);

	const char *stays = "SELECT count(*) FROM reserve_pool";
	snprintf(basis, sizeof basis, "[%lld, %lld]", epidemic, projects);
	assert_int_equal(reserve(official_a, code, basis), 201);
	assert_int_equal(reserve(official_a, code, basis), 409);
	assert_string_equal(code, "already_in_pool");
	assert_int_equal(candidates("?min=1", ids), 2); /* B and C: A is in the pool */
	assert_int_equal(ids[0], official_b);
	/* B: 基本称职 in the quarter, and the spring assessment is not final. */
	snprintf(basis, sizeof basis, "[%lld, %lld]", epidemic, quarter);
	assert_int_equal(reserve(official_b, code, basis), 422);
	assert_string_equal(code, "weak_basis");
	snprintf(basis, sizeof basis, "[%lld]", spring);
	assert_int_equal(reserve(official_a, code, basis),
	                 422); /* A is in the pool, but the basis is looked at first */
	assert_string_equal(code, "weak_basis");
	assert_int_equal(reserve(official_b, code, "[]"), 422);
	assert_string_equal(code, "invalid_field");
	snprintf(basis, sizeof basis, "[%lld, %lld]", epidemic, epidemic);
	assert_int_equal(reserve(official_b, code, basis), 422);
	assert_string_equal(code, "invalid_field");
	assert_int_equal(reserve(999999, code, "[1]"), 422);
	assert_string_equal(code, "unknown_official");
	assert_int_equal(client_statusf(&fgw, "POST", "/api/v1/cadres/reserve", code,
	                                "{\"official\":%lld,\"basis\":[%lld],\"reason\":\"x\"}", official_b, projects),
	                 403);
	assert_int_equal(count(stays), 1);

	/* A leaves, and enters again: two stays, one open. */
	long long first = count("SELECT max(id) FROM reserve_pool");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/cadres/reserve/%lld/leave", first);
	assert_int_equal(client_statusf(&zzb, "POST", path, code, "{}"), 422);
	assert_int_equal(client_callf(&zzb, &r, "POST", path, "{\"reason\":\"调任外地\"}"), 200);
	assert_true(json_is_string(json_object_get(r.json, "left_at")));
	response_free(&r);
	assert_int_equal(client_statusf(&zzb, "POST", path, code, "{\"reason\":\"又一次\"}"), 409);
	assert_string_equal(code, "already_left");
	assert_int_equal(
	    client_statusf(&zzb, "POST", "/api/v1/cadres/reserve/999999/leave", code, "{\"reason\":\"x\"}"), 404);
	snprintf(basis, sizeof basis, "[%lld]", quarter); /* 称职 is basis enough */
	assert_int_equal(reserve(official_a, code, basis), 201);
	assert_int_equal(count("SELECT count(*) FROM reserve_pool WHERE left_at IS NULL"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.reserve.enter'"), 2);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.reserve.leave'"), 1);

	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/reserve", NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *stay = json_array_get(items, 0);
	assert_true(json_is_null(json_object_get(stay, "left_at")));
	assert_true(json_is_null(json_object_get(stay, "left_by")));
	json_t *b0 = json_array_get(json_object_get(stay, "basis"), 0);
	assert_int_equal(json_integer_value(json_object_get(b0, "id")), quarter);
	assert_string_equal(json_string_value(json_object_get(b0, "grade")), "competent");
	assert_string_equal(json_string_value(json_object_get(json_object_get(stay, "entered_by"), "username")),
	                    "city-zzb");
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/reserve?state=left", NULL), 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	stay = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(stay, "exit_reason")), "调任外地");
	assert_string_equal(json_string_value(json_object_get(json_object_get(stay, "left_by"), "username")),
	                    "city-zzb");
	assert_int_equal(json_array_size(json_object_get(stay, "basis")), 2);
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/reserve?state=all", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	response_free(&r);
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/reserve?state=gone", code, NULL), 422);
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/reserve?format=csv", code, NULL), 422);
	assert_string_equal(code, "xlsx_only");
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/reserve?state=all&format=xlsx", NULL), 200);
	assert_true(has_header(&r, "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
	response_free(&r);
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/cadres/reserve", code, NULL), 403);
}

static long care(long long official, char code[48], const char *body)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/care", official);
	return client_statusf(&zzb, "POST", path, code, "%s", body);
}

static void test_care_measures_and_totals(void **state)
{
	(void)state;
	char code[48];
	struct response r;
	assert_int_equal(care(official_a, code,
	                      "{\"kind\":\"allowance\",\"day\":\"2020-03-05\",\"amount_fen\":150000,"
	                      "\"note\":\"一线补助 5 天\"}"),
	                 201);
	assert_int_equal(care(official_a, code, "{\"kind\":\"rest\",\"day\":\"2020-04-07\",\"note\":\"补休 3 天\"}"),
	                 201);
	assert_int_equal(
	    care(official_a, code, "{\"kind\":\"family_visit\",\"day\":\"2020-02-12\",\"note\":\"慰问家属\"}"), 201);
	assert_int_equal(care(official_b, code,
	                      "{\"kind\":\"allowance\",\"day\":\"2020-03-05\",\"amount_fen\":30000,"
	                      "\"note\":\"一线补助 1 天\"}"),
	                 201);
	const char *measures = "SELECT count(*) FROM care_measures";
	assert_int_equal(
	    care(official_a, code, "{\"kind\":\"allowance\",\"day\":\"2020-03-05\",\"note\":\"没写金额\"}"), 422);
	assert_string_equal(code, "amount_required");
	assert_int_equal(care(official_a, code, "{\"kind\":\"holiday\",\"day\":\"2020-03-05\",\"note\":\"x\"}"), 422);
	assert_string_equal(code, "invalid_kind");
	assert_int_equal(care(official_a, code, "{\"kind\":\"rest\",\"day\":\"2020-02-30\",\"note\":\"x\"}"), 422);
	assert_string_equal(code, "invalid_date");
	assert_int_equal(
	    care(official_a, code, "{\"kind\":\"allowance\",\"day\":\"2020-03-05\",\"amount_fen\":-1,\"note\":\"x\"}"),
	    422);
	assert_int_equal(care(999999, code, "{\"kind\":\"rest\",\"day\":\"2020-03-05\",\"note\":\"x\"}"), 404);
	assert_int_equal(count(measures), 4);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.care.create'"), 4);

	char path[96];
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/care", official_a);
	const char *reads = "SELECT count(*) FROM audit_log WHERE action = 'cadres.care.read'";
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "allowance_fen")), 150000);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "kind_label")), "轮休补休");
	response_free(&r);
	assert_int_equal(count(reads), 1);
	assert_int_equal(client_statusf(&other, "GET", path, code, NULL), 403); /* B may not read A's */
	assert_string_equal(code, "not_your_file");
	assert_int_equal(client_statusf(&leader, "GET", path, code, NULL), 403);
	assert_int_equal(client_statusf(&fgw, "GET", path, code, NULL), 403);
	assert_int_equal(count(reads), 1);
	assert_int_equal(client_statusf(&zzb, "GET", path, code, NULL), 200);
	assert_int_equal(count(reads), 2);

	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/care?org=350111-tcj", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 4);
	json_t *totals = json_object_get(r.json, "totals"), *allowance = json_array_get(totals, 0);
	assert_int_equal(json_array_size(totals), 3);
	assert_string_equal(json_string_value(json_object_get(allowance, "kind")), "allowance");
	assert_int_equal(json_integer_value(json_object_get(allowance, "count")), 2);
	assert_int_equal(json_integer_value(json_object_get(allowance, "amount_fen")), 180000);
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/care?kind=rest&limit=1", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "totals")), 1);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_true(json_is_string(json_object_get(r.json, "next_cursor")));
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/care?org=350112", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0); /* 长乐: none */
	assert_true(json_is_null(json_object_get(r.json, "next_cursor")));
	response_free(&r);
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/care?kind=bonus", code, NULL), 422);
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/care?org=999999", code, NULL), 422);
	assert_string_equal(code, "unknown_org");
	assert_int_equal(client_statusf(&fgw, "GET", "/api/v1/cadres/care", code, NULL), 403);
}

/* An official reads their own outcomes and stays; nobody else outside the department does. */
static void test_official_reads_own_outcomes(void **state)
{
	(void)state;
	char path[96], code[48];
	struct response r;
	const char *reads = "SELECT count(*) FROM audit_log WHERE action = 'cadres.outcomes.read'";
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/outcomes", official_a);
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "outcomes")), 2);
	json_t *stays = json_object_get(r.json, "reserve");
	assert_int_equal(json_array_size(stays), 2);
	assert_true(json_is_null(json_object_get(json_array_get(stays, 0), "left_at"))); /* the open one first */
	response_free(&r);
	struct client *others[] = {&other, &leader, &fgw, &admin};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		assert_int_equal(client_statusf(others[i], "GET", path, code, NULL), 403);
		assert_string_equal(code, "not_your_file");
	}
	assert_int_equal(count(reads), 1);
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/outcomes", official_b);
	assert_int_equal(client_callf(&zzb, &r, "GET", path, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "outcomes")), 0);
	response_free(&r);
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/officials/999999/outcomes", code, NULL), 404);
	assert_int_equal(count(reads), 2);
}

/* A department staffer who is an official records no outcome, pool entry or care for themselves. */
static void test_nobody_records_their_own(void **state)
{
	(void)state;
	char code[48], path[96];
	long long self =
	    created(&zzb, "/api/v1/cadres/officials",
	            "{\"name\":\"赵四\",\"post\":\"干部考核处处长\",\"org\":\"350100-zzb\",\"user\":\"city-zzb\"}");
	long long judged = assessment_fixture(&server, "2020年组织部自身考核", "final",
	                                      (struct graded[]){{self, "excellent"}, {official_c, "excellent"}}, 2);
	const char *const tables[] = {"SELECT count(*) FROM cadre_outcomes", "SELECT count(*) FROM reserve_pool",
	                              "SELECT count(*) FROM care_measures"};
	long long before[3], after[3];
	db_counts(&server, tables, 3, before);
	assert_int_equal(outcome(self, code,
	                         "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":%lld,"
	                         "\"day\":\"2020-04-08\"}",
	                         judged),
	                 403);
	assert_string_equal(code, "own_record");
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/reserve", code,
	                                "{\"official\":%lld,\"basis\":[%lld],\"reason\":\"连续优秀\"}", self, judged),
	                 403);
	assert_string_equal(code, "own_record");
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/care", self);
	assert_int_equal(client_statusf(&zzb, "POST", path, code,
	                                "{\"kind\":\"allowance\",\"day\":\"2020-03-01\",\"amount_fen\":150000,"
	                                "\"note\":\"一线补助\"}"),
	                 403);
	assert_string_equal(code, "own_record");
	db_counts(&server, tables, 3, after);
	for (int k = 0; k < 3; k++)
		assert_int_equal(after[k], before[k]);
	/* Someone else's, the same staffer records. */
	assert_int_equal(outcome(official_c, code,
	                         "{\"list\":\"ten_batches\",\"item\":\"commended\",\"assessment\":%lld,"
	                         "\"day\":\"2020-04-08\"}",
	                         judged),
	                 201);
}

/*
** The demo: care for the staff of the 2020 epidemic post; and the final "2020年疫情防控一线考核" (demo_scores.c), whose one
** 优秀 official is commended, put first for honours and in the pool.  Run
** again, the outcomes' part adds nothing.
*/
static void test_demo_care_and_outcomes(void **state)
{
	(void)state;
	struct test_server demo;
	struct client zzb_demo;
	const struct cast_member demo_cast[] = {
	    {&zzb_demo, "city-zzb", "department", "350100-zzb"},
	    {NULL, "city-leader", "leader", "350100"},
	    {NULL, "jinan-officer", "officer", "350111-tcj"},
	    {NULL, "city-agent", "agent", "350100-xzfw"},
	};
	cast_up(&demo, demo_cast, CAST_SIZE(demo_cast), NULL);
	cast_sign_out(demo_cast, CAST_SIZE(demo_cast));
	assert_int_equal(server_stop_process(&demo), 0);
	assert_int_equal(cadres_demo(demo.db), 0);
	long long excellent = db_count(&demo, "SELECT r.official_id FROM assessment_results r JOIN assessments a"
	                                      " ON a.id = r.assessment_id WHERE a.name = '2020年疫情防控一线考核'"
	                                      " AND a.state = 'final' AND r.grade = 'excellent'");
	assert_int_equal(excellent, db_count(&demo, "SELECT id FROM officials WHERE name = '张敏'"));
	for (int run = 0; run < 2; run++) {
		struct db *d;
		assert_int_equal(db_open(demo.db, &d), 0);
		assert_int_equal(db_begin(d), 0);
		assert_int_equal(cadres_demo_outcomes(d), 0);
		assert_int_equal(db_commit(d), 0);
		db_close(d);
	}
	cast_start(&demo, demo_cast, CAST_SIZE(demo_cast), NULL);
	struct response r;
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", "/api/v1/cadres/care?kind=allowance", NULL), 200);
	json_t *allowance = json_array_get(json_object_get(r.json, "totals"), 0);
	long long posted = db_count(&demo, "SELECT count(*) FROM central_task_officials a JOIN central_tasks t"
	                                   " ON t.id = a.task_id WHERE t.name = '疫情防控一线'");
	assert_true(posted >= 3); /* 晋安's three, and those the assessment put on the post */
	assert_int_equal(json_integer_value(json_object_get(allowance, "count")), posted);
	assert_int_equal(json_integer_value(json_object_get(allowance, "amount_fen")), posted * 150000);
	response_free(&r);
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", "/api/v1/cadres/outcomes", NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(json_array_get(items, 0), "official"), "id")),
	    excellent);
	response_free(&r);
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", "/api/v1/cadres/reserve", NULL), 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *basis = json_array_get(json_object_get(json_array_get(items, 0), "basis"), 0);
	assert_string_equal(json_string_value(json_object_get(basis, "name")), "2020年疫情防控一线考核");
	assert_string_equal(json_string_value(json_object_get(basis, "grade")), "excellent");
	response_free(&r);
	cast_down(&demo, demo_cast, CAST_SIZE(demo_cast));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_outcome_items_are_the_two_lists),
	    cmocka_unit_test(test_outcomes_rest_on_a_final_assessment),
	    cmocka_unit_test(test_reserve_pool_entry_exit_and_one_open_stay),
	    cmocka_unit_test(test_care_measures_and_totals),
	    cmocka_unit_test(test_official_reads_own_outcomes),
	    cmocka_unit_test(test_nobody_records_their_own),
	    cmocka_unit_test(test_demo_care_and_outcomes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
