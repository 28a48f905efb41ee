/*
** test_resumption.c - work resumption (复工复产) against the real server,
** its clock stopped at 10:00 on Monday 2 March 2020 (BANYAN_CLOCK): a 晋安
** project's record, its days and the schedule lost and won back across the
** 2020 Spring Festival extension worked by hand, bad input refused with
** nothing changed, a day recorded again replacing the first, a desk problem
** linked as a blocker, the statistics with the earliest and fullest and the
** bulletin's lines, who may and who may not, and the demo's road project.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static struct test_server server;
static struct client admin, agent, leader, cl_leader, cl_officer, fgw, firm;
static long long enterprise, other_enterprise, project, record;

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&agent, "city-agent", "agent", "350100-xzfw"}, /* the city's 行政服务中心: every district */
    {&leader, "city-leader", "leader", "350100"},
    {&cl_leader, "cl-leader", "leader", "350112"},
    {&cl_officer, "cl-officer", "officer", "350112-tcj"},
    {&fgw, "fgw-dept", "department", "350100-fgw"},
    {&firm, "ja-firm", "enterprise", "350111"},
};

static const char resumptions[] = "/api/v1/resumptions";

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

static json_t *get(struct client *c, const char *path, struct response *r)
{
	assert_int_equal(client_callf(c, r, "GET", path, NULL), 200);
	return r->json;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static long long enterprise_new(const char *name, const char *credit)
{
	return client_createdf(
	    &admin, "/api/v1/enterprises",
	    "{\"name\":\"%s\",\"credit_code\":\"%s\",\"district\":\"350111\",\"industry\":\"新材料\","
	    "\"contact_name\":\"林经理\",\"contact_phone\":\"0591-12345678\"}",
	    name, credit);
}

static int up(void **state)
{
	(void)state;
	setenv("BANYAN_CLOCK", "2020-03-02T10:00:00+08:00", 1);
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	enterprise = enterprise_new("福州新材料有限公司", "91350111MA2AB0123Y");
	other_enterprise = enterprise_new("福州另一家有限公司", "91350111MA2AB01242");
	project =
	    client_createdf(&agent, "/api/v1/projects",
	                    "{\"code\":\"2019-350111-39-03-000001\",\"name\":\"晋安新材料产业园\",\"enterprise\":%lld,"
	                    "\"industry\":\"新材料\",\"investment_wan\":30000,\"level\":\"municipal\","
	                    "\"created_on\":\"2019-12-01\"}",
	                    enterprise);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/projects/%lld/plan", project);
	client_createdf(&agent, path, "{\"targets\":{\"complete\":\"2020-06-30\"},\"items\":[\"filing\"]}");
	return 0;
}

static int down(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

/* Record a day as c; answers the status. */
static long day(struct client *c, const char *on, int on_site)
{
	char path[64];
	snprintf(path, sizeof path, "%s/%lld/days", resumptions, record);
	return client_statusf(c, "POST", path, NULL, "{\"day\":\"%s\",\"on_site\":%d}", on, on_site);
}

static void test_bad_input_changes_nothing(void **state)
{
	(void)state;
	char bodies[][256] = {
	    "{\"workforce_needed\":100}",
	    "{\"project\":%lld,\"enterprise\":1,\"workforce_needed\":100}",
	    "{\"project\":%lld}",
	    "{\"project\":%lld,\"workforce_needed\":0}",
	    "{\"project\":%lld,\"workforce_needed\":100,\"measures\":[\"prayer\"]}",
	    "{\"project\":%lld,\"workforce_needed\":100,\"measures\":\"masks\"}",
	    "{\"project\":%lld,\"workforce_needed\":100,\"stopped_on\":\"2020-02-20\",\"resumed_on\":\"2020-02-10\"}",
	    "{\"project\":%lld,\"workforce_needed\":100,\"resumed_on\":\"2020-03-03\"}",
	    "{\"project\":%lld,\"workforce_needed\":100,\"resumed_on\":\"2019-11-30\"}",
	    "{\"project\":%lld,\"workforce_needed\":100,\"resumed_on\":\"20 Feb\"}",
	    "{\"project\":%lld,\"workforce_needed\":100,\"crew\":1}",
	};
	static const char *const codes[][2] = {
	    {"missing_field", "project"},
	    {"missing_field", "project"},
	    {"missing_field", "workforce_needed"},
	    {"out_of_range", "workforce_needed"},
	    {"unknown_measure", "measures"},
	    {"invalid_field", "measures"},
	    {"invalid_date", "resumed_on"},
	    {"date_in_future", "resumed_on"},
	    {"date_before_project", "resumed_on"},
	    {"invalid_date", "resumed_on"},
	    {"unknown_field", "crew"},
	};
	long long audit = count("SELECT count(*) FROM audit_log");
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		char body[300];
		snprintf(body, sizeof body, bodies[i], project);
		struct response r;
		assert_int_equal(client_callf(&agent, &r, "POST", resumptions, "%s", body), 422);
		json_t *e = json_object_get(r.json, "error");
		if (strcmp(str(e, "code"), codes[i][0]) != 0 || strcmp(str(e, "field"), codes[i][1]) != 0)
			fail_msg("%s: %s on %s", body, str(e, "code"), str(e, "field"));
		response_free(&r);
	}
	assert_int_equal(count("SELECT count(*) FROM resumptions"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);
}

/*
** Who may: leaders read, a department and an enterprise are refused by
** role, 长乐's officer cannot see 晋安's project (404, as the project itself).
*/
static void test_who_may(void **state)
{
	(void)state;
	char code[48];
	assert_int_equal(
	    client_statusf(&leader, "POST", resumptions, code, "{\"project\":%lld,\"workforce_needed\":100}", project),
	    403);
	assert_int_equal(
	    client_statusf(&fgw, "POST", resumptions, code, "{\"project\":%lld,\"workforce_needed\":100}", project),
	    403);
	assert_int_equal(
	    client_statusf(&firm, "POST", resumptions, code, "{\"project\":%lld,\"workforce_needed\":100}", project),
	    403);
	assert_int_equal(client_statusf(&cl_officer, "POST", resumptions, code,
	                                "{\"project\":%lld,\"workforce_needed\":100}", project),
	                 404);
	assert_string_equal(code, "unknown_project");
	assert_int_equal(client_statusf(&cl_officer, "POST", resumptions, code,
	                                "{\"enterprise\":%lld,\"workforce_needed\":100}", enterprise),
	                 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(count("SELECT count(*) FROM resumptions"), 0);
}

/*
** The schedule across the 2020 Spring Festival extension, by hand.  The
** site should have restarted on Friday 31 January, the first working day
** after the holiday as first announced (24-30 January, with Saturday 1
** February a make-up working day); the State Council extended it to 2
** February, so 31 January, 1 and 2 February are days off.  Lost to 20
** February: 3-7, 10-14 and 17-19 February, 13 working days (15 on the
** calendar as first announced).  Since: Friday 21 February 90 of 100 on site
** (10 worker-days short, under a day: nothing more lost); the rest days
** 22 (100), 23 (80), 29 February (120: a full crew counts) and 1 March (100)
** make 380 worker-days, 3 whole days won back.  The plan finishes on 30 June:
** 13 working days later is 17 July, 10 later 14 July (no holiday between).
*/
static void test_schedule_across_the_spring_festival_extension(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&agent, &r, "POST", resumptions,
	                              "{\"project\":%lld,\"workforce_needed\":100,\"stopped_on\":\"2020-01-31\","
	                              "\"resumed_on\":\"2020-02-20\",\"measures\":[\"temperature\",\"masks\"]}",
	                              project),
	                 201);
	record = num(r.json, "id");
	response_free(&r);
	char code[48];
	assert_int_equal(
	    client_statusf(&agent, "POST", resumptions, code, "{\"project\":%lld,\"workforce_needed\":5}", project),
	    409);
	assert_string_equal(code, "already_recorded");
	assert_int_equal(day(&agent, "2020-02-21", 90), 201);
	assert_int_equal(day(&agent, "2020-02-22", 100), 201);
	assert_int_equal(day(&agent, "2020-02-23", 80), 201);
	assert_int_equal(day(&agent, "2020-02-29", 120), 201);
	assert_int_equal(day(&agent, "2020-03-01", 100), 201);
	assert_int_equal(day(&agent, "2020-03-03", 100), 422); /* tomorrow */
	char path[64];
	snprintf(path, sizeof path, "%s/%lld", resumptions, record);
	json_t *j = get(&leader, path, &r), *s = json_object_get(j, "schedule");
	assert_int_equal(num(s, "lost_days"), 13);
	assert_int_equal(num(s, "won_back_days"), 3);
	assert_string_equal(str(s, "planned_completion"), "2020-06-30");
	assert_string_equal(str(s, "projected_without_catch_up"), "2020-07-17");
	assert_string_equal(str(s, "projected_completion"), "2020-07-14");
	assert_string_equal(str(j, "resumed_on"), "2020-02-20");
	assert_int_equal(num(j, "on_site"), 100);
	assert_true(json_real_value(json_object_get(j, "arrival_rate")) == 1.0);
	assert_int_equal(json_array_size(json_object_get(j, "days")), 5);
	assert_int_equal(json_array_size(json_object_get(j, "measures")), 8);
	assert_int_equal(num(j, "measures_in_place"), 2);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'resumption.record'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'resumption.day'"), 5);
	/* 长乐's leader does not see it. */
	assert_int_equal(client_statusf(&cl_leader, "GET", path, code, NULL), 404);
	assert_int_equal(json_array_size(json_object_get(get(&cl_leader, resumptions, &r), "items")), 0);
	response_free(&r);
}

/* A day recorded again replaces the first, the audit keeping both; a change of the record is audited too. */
static void test_day_again_replaces(void **state)
{
	(void)state;
	assert_int_equal(day(&agent, "2020-03-01", 60), 200);
	assert_int_equal(count("SELECT on_site FROM resumption_days WHERE day = 18322"), 60); /* 2020-03-01 */
	json_t *days = db_json_rows(&server, "SELECT detail FROM audit_log WHERE action = 'resumption.day'");
	size_t i, corrected = 0;
	json_t *detail;
	json_array_foreach(days, i, detail) corrected +=
	    json_integer_value(json_object_get(json_object_get(detail, "before"), "on_site")) == 100 &&
	    json_integer_value(json_object_get(json_object_get(detail, "after"), "on_site")) == 60;
	assert_int_equal(corrected, 1);
	json_decref(days);
	assert_int_equal(day(&agent, "2020-03-01", 100), 200);
	char path[64];
	snprintf(path, sizeof path, "%s/%lld", resumptions, record);
	assert_int_equal(client_statusf(&agent, "PATCH", path, NULL, "{\"note\":\"四川籍工人未返岗\"}"), 200);
	/* A change that does not name the note keeps it. */
	assert_int_equal(
	    client_statusf(&agent, "PATCH", path, NULL, "{\"measures\":[\"temperature\",\"masks\",\"meals\"]}"), 200);
	assert_int_equal(count("SELECT count(*) FROM resumption_measures"), 3);
	assert_int_equal(count("SELECT count(*) FROM resumptions WHERE note = '四川籍工人未返岗'"), 1);
	assert_int_equal(client_statusf(&agent, "PATCH", path, NULL, "{\"resumed_on\":\"2020-01-20\"}"), 422);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'resumption.update'"), 2);
}

/* A blocking problem is the desk's: raised there, linked here, shown with its status. */
static void test_problem_linked_from_the_desk(void **state)
{
	(void)state;
	long long problem = client_createdf(&agent, "/api/v1/problems",
	                                    "{\"enterprise\":%lld,\"category\":\"labour\",\"title\":\"返岗工人缺口\","
	                                    "\"description\":\"四川籍工人尚未返岗\"}",
	                                    enterprise);
	long long elsewhere = client_createdf(&agent, "/api/v1/problems",
	                                      "{\"enterprise\":%lld,\"category\":\"labour\",\"title\":\"别家的问题\","
	                                      "\"description\":\"别家的问题\"}",
	                                      other_enterprise);
	char path[64], code[48];
	snprintf(path, sizeof path, "%s/%lld/problems", resumptions, record);
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"problem\":%lld}", elsewhere), 422);
	assert_string_equal(code, "other_enterprise");
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"problem\":999999}"), 422);
	assert_string_equal(code, "unknown_problem");
	assert_int_equal(client_statusf(&leader, "POST", path, code, "{\"problem\":%lld}", problem), 403);
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"problem\":%lld}", problem), 201);
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"problem\":%lld}", problem), 409);
	assert_string_equal(code, "already_linked");
	struct response r;
	snprintf(path, sizeof path, "%s/%lld", resumptions, record);
	json_t *j = get(&leader, path, &r), *p = json_array_get(json_object_get(j, "problems"), 0);
	assert_string_equal(str(p, "title"), "返岗工人缺口");
	assert_string_equal(str(p, "status"), "submitted");
	assert_int_equal(num(j, "open_problems"), 1);
	response_free(&r);
}

/*
** The enterprise itself resumed on 24 February, 40 of 50 on site by 2
** March.  As of 2 March: 2 of 2 resumed; 140 of 150 on site, 93.3%; the
** project earliest and fullest, one line.  As of 22 February the
** enterprise waits: half resumed, and the list puts it first.
*/
static void test_stats_rank_and_bulletin(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&agent, &r, "POST", resumptions,
	                              "{\"enterprise\":%lld,\"workforce_needed\":50,\"resumed_on\":\"2020-02-24\"}",
	                              enterprise),
	                 201);
	long long own = num(r.json, "id");
	response_free(&r);
	char path[64];
	snprintf(path, sizeof path, "%s/%lld/days", resumptions, own);
	assert_int_equal(client_statusf(&agent, "POST", path, NULL, "{\"on_site\":40,\"back_charter\":35}"), 201);
	json_t *s = get(&leader, "/api/v1/resumptions/stats", &r);
	assert_int_equal(num(s, "records"), 2);
	assert_int_equal(num(s, "resumed"), 2);
	assert_true(json_real_value(json_object_get(s, "arrival_rate")) == 0.933);
	assert_int_equal(num(json_object_get(s, "back"), "charter"), 35);
	json_t *district = json_array_get(json_object_get(s, "by_district"), 0);
	assert_string_equal(str(district, "code"), "350111");
	assert_int_equal(num(district, "on_site"), 140);
	assert_string_equal(str(json_array_get(json_object_get(s, "earliest"), 0), "name"), "晋安新材料产业园");
	assert_string_equal(str(json_array_get(json_object_get(s, "fullest"), 1), "name"), "福州新材料有限公司");
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "bulletin"), 1)),
	                    "晋安新材料产业园全市最早复工、人员到位率最高(2月20日复工,人员到位率100.0%)");
	response_free(&r);
	s = get(&leader, "/api/v1/resumptions/stats?on=2020-02-22", &r);
	assert_true(json_real_value(json_object_get(s, "resumption_rate")) == 0.5);
	response_free(&r);
	json_t *items = json_object_get(get(&leader, "/api/v1/resumptions?on=2020-02-22", &r), "items");
	assert_int_equal(num(json_array_get(items, 0), "id"), own);
	assert_false(json_is_true(json_object_get(json_array_get(items, 0), "resumed")));
	response_free(&r);
	s = get(&cl_leader, "/api/v1/resumptions/stats", &r);
	assert_int_equal(num(s, "records"), 0);
	assert_int_equal(json_array_size(json_object_get(s, "bulletin")), 0);
	response_free(&r);
	char code[48];
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/resumptions/stats?on=March", code, NULL), 422);
	assert_string_equal(code, "invalid_date");
}

/*
** The demo: the road project resumed first in the city on 20 February with
** the fullest crew; seen in May, working every weekend and the Qingming
** holiday to the end of April won back 20 working days.
*/
static void test_demo_road_project(void **state)
{
	(void)state;
	struct test_server demo;
	struct client c;
	struct response r;
	setenv("BANYAN_CLOCK", "2020-05-06T10:00:00+08:00", 1);
	demo_up_as(&demo, &c, "city-leader");
	setenv("BANYAN_CLOCK", "2020-03-02T10:00:00+08:00", 1);
	assert_int_equal(client_callf(&c, &r, "GET", "/api/v1/resumptions/stats?on=2020-02-29", NULL), 200);
	json_t *first = json_array_get(json_object_get(r.json, "earliest"), 0);
	assert_string_equal(str(first, "name"), "福州市南江滨西大道延伸段道路工程");
	assert_string_equal(str(first, "resumed_on"), "2020-02-20");
	assert_string_equal(str(json_array_get(json_object_get(r.json, "fullest"), 0), "name"), str(first, "name"));
	assert_true(num(json_object_get(first, "back"), "point_to_point") > 300);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/resumptions/%lld", num(first, "id"));
	response_free(&r);
	assert_int_equal(client_callf(&c, &r, "GET", path, NULL), 200);
	assert_int_equal(num(json_object_get(r.json, "schedule"), "won_back_days"), 20);
	response_free(&r);
	client_free(&c);
	server_down(&demo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_input_changes_nothing),
	    cmocka_unit_test(test_who_may),
	    cmocka_unit_test(test_schedule_across_the_spring_festival_extension),
	    cmocka_unit_test(test_day_again_replaces),
	    cmocka_unit_test(test_problem_linked_from_the_desk),
	    cmocka_unit_test(test_stats_rank_and_bulletin),
	    /* Last: on the demo, which takes minutes to fill PostgreSQL (the demo runs there in pg_demo). */
	    cmocka_unit_test(test_demo_road_project),
	};
	size_t n = sizeof tests / sizeof tests[0] - (on_postgres() ? 1 : 0);
	return _cmocka_run_group_tests("tests", tests, n, up, down);
}
