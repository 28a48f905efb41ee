/*
** test_relaxed.c - relaxed targets (放宽目标) as a leader checks them, on the
** real server with its clock stopped on Monday 15 June 2020:
**   A (晋安) is planned to start on 10 June, already passed, so it is red; a
**     second plan moves the start to 31 August (82 days: 20 left in June, 31
**     in July, 31 in August) and it turns green, marked 因放宽目标转绿; a
**     third moves completion from 31 December to 31 March (31 + 28 + 31 = 90
**     days) while it is green; a fourth brings the start forward, which is no
**     relaxation.
**   B (晋安) is red the same way and turns green because it really started
**     (the start milestone recorded): progress, not marked.
**   C (长乐) moves its start 30 days and stays in another district.
** Then the clock moves to July, where C moves again.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "client.h"

static struct test_server server;
static struct client admin, agent, leader, ja_leader, cl_leader, fgj, zjj, firm;
static long long project_a, project_b, project_c;

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&agent, "agent", "agent", "350100-xzfw"},
    {&leader, "leader", "leader", "350100"},
    {&ja_leader, "ja-leader", "leader", "350111"},
    {&cl_leader, "cl-leader", "leader", "350112"},
    {&fgj, "ja-fgj", "department", "350111-fgj"}, /* handles the projects' 立项备案 */
    {&zjj, "zjj", "department", "350100-zjj"},    /* not involved */
    {&firm, "ja-firm", "enterprise", "350111"},
};

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "(null)";
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static long long project_new(const char *code, long long enterprise, const char *name)
{
	return client_createdf(&agent, "/api/v1/projects",
	                       "{\"code\":\"%s\",\"name\":\"%s\",\"enterprise\":%lld,\"industry\":\"新材料\","
	                       "\"investment_wan\":50000,\"level\":\"municipal\",\"created_on\":\"2020-05-06\"}",
	                       code, name, enterprise);
}

/* Make a plan version; answers how many milestones it moved later. */
static long long plan(long long project, const char *targets)
{
	char path[64];
	struct response r;
	snprintf(path, sizeof path, "/api/v1/projects/%lld/plan", project);
	assert_int_equal(client_callf(&agent, &r, "POST", path, "{\"targets\":%s,\"items\":[\"filing\"]}", targets),
	                 201);
	long long moved = num(r.json, "relaxed_milestones");
	response_free(&r);
	return moved;
}

/* The project's row in the caller's project list, or NULL (a new reference). */
static json_t *list_row(struct client *c, long long id)
{
	struct response r;
	assert_int_equal(client_callf(c, &r, "GET", "/api/v1/projects", NULL), 200);
	json_t *found = NULL, *row;
	size_t i;
	json_array_foreach(json_object_get(r.json, "items"), i, row) if (num(row, "id") == id) found = json_incref(row);
	response_free(&r);
	return found;
}

static const char *light_of(struct client *c, long long id)
{
	json_t *row = list_row(c, id);
	static char light[16];
	snprintf(light, sizeof light, "%s", row ? str(row, "light") : "(none)");
	json_decref(row);
	return light;
}

static int setup(void **state)
{
	(void)state;
	setenv("BANYAN_CLOCK", "2020-06-15T10:00:00+08:00", 1);
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	long long ja = client_createdf(&admin, "/api/v1/enterprises",
	                               "{\"name\":\"福州新材料有限公司\",\"credit_code\":\"91350111MA2AB0123Y\","
	                               "\"district\":\"350111\",\"industry\":\"新材料\",\"contact_name\":\"林经理\","
	                               "\"contact_phone\":\"0591-12345678\"}");
	long long cl = client_createdf(&admin, "/api/v1/enterprises",
	                               "{\"name\":\"长乐新材料有限公司\",\"credit_code\":\"91350112MA2DK00028\","
	                               "\"district\":\"350112\",\"industry\":\"新材料\",\"contact_name\":\"陈经理\","
	                               "\"contact_phone\":\"0591-22345678\"}");
	project_a = project_new("2020-350111-39-03-000001", ja, "晋安新材料产业园");
	project_b = project_new("2020-350111-39-03-000002", ja, "晋安新材料二期");
	project_c = project_new("2020-350112-39-03-000001", cl, "长乐新材料产业园");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

static void test_relaxation_and_progress(void **state)
{
	(void)state;
	/* First plans: a start already passed is red; a first plan relaxes nothing. */
	assert_int_equal(plan(project_a, "{\"start\":\"2020-06-10\",\"complete\":\"2020-12-31\"}"), 0);
	assert_int_equal(plan(project_b, "{\"start\":\"2020-06-10\"}"), 0);
	assert_int_equal(plan(project_c, "{\"start\":\"2020-07-01\"}"), 0);
	assert_string_equal(light_of(&leader, project_a), "red");
	assert_string_equal(light_of(&leader, project_b), "red");

	/* A: the start pushed back 82 days turns it green, and says why. */
	assert_int_equal(plan(project_a, "{\"start\":\"2020-08-31\",\"complete\":\"2020-12-31\"}"), 1);
	json_t *a = list_row(&leader, project_a);
	assert_non_null(a);
	assert_string_equal(str(a, "light"), "green");
	assert_true(json_is_true(json_object_get(a, "light_by_relaxation")));
	assert_int_equal(num(a, "relaxed_times"), 1);
	json_t *target = json_object_get(a, "target");
	assert_string_equal(str(target, "milestone"), "start");
	assert_string_equal(str(target, "original"), "2020-06-10");
	assert_string_equal(str(target, "current"), "2020-08-31");
	json_decref(a);

	/* B: green because it really started: progress, not marked. */
	char path[80];
	snprintf(path, sizeof path, "/api/v1/projects/%lld/milestones/start", project_b);
	assert_int_equal(client_statusf(&agent, "POST", path, NULL, "{\"actual\":\"2020-06-12\"}"), 200);
	json_t *b = list_row(&leader, project_b);
	assert_string_equal(str(b, "light"), "green");
	assert_false(json_is_true(json_object_get(b, "light_by_relaxation")));
	assert_int_equal(num(b, "relaxed_times"), 0);
	json_decref(b);

	/* A again: completion 90 days later while green; then the start earlier, which is no relaxation. */
	assert_int_equal(plan(project_a, "{\"start\":\"2020-08-31\",\"complete\":\"2021-03-31\"}"), 1);
	assert_int_equal(plan(project_a, "{\"start\":\"2020-08-20\",\"complete\":\"2021-03-31\"}"), 0);
	/* C: 30 days later, still in the future. */
	assert_int_equal(plan(project_c, "{\"start\":\"2020-07-31\"}"), 1);

	a = list_row(&leader, project_a);
	assert_int_equal(num(a, "relaxed_times"), 2);
	assert_true(json_is_true(json_object_get(a, "light_by_relaxation")));
	target = json_object_get(a, "target"); /* the milestone moved last: completion, moved in the same second */
	assert_string_equal(str(target, "milestone"), "complete");
	assert_string_equal(str(target, "name"), "竣工");
	assert_string_equal(str(target, "original"), "2020-12-31");
	assert_string_equal(str(target, "current"), "2021-03-31");
	assert_int_equal(num(target, "moves"), 1);
	json_decref(a);

	/* The project page: each milestone's first target and moves; the timeline names the cause. */
	struct response r;
	snprintf(path, sizeof path, "/api/v1/projects/%lld", project_a);
	assert_int_equal(client_callf(&leader, &r, "GET", path, NULL), 200);
	json_t *start = json_array_get(json_object_get(r.json, "milestones"), 0);
	assert_string_equal(str(start, "kind"), "start");
	assert_string_equal(str(start, "original_target"), "2020-06-10");
	assert_string_equal(str(start, "target"), "2020-08-20");
	assert_int_equal(num(start, "moves"), 1);
	json_t *event;
	size_t i;
	int relaxed_events = 0, marked = 0;
	json_array_foreach(json_object_get(r.json, "events"), i, event) if (strcmp(str(event, "kind"), "relaxed") == 0)
	{
		relaxed_events++;
		marked += strstr(str(event, "text"), "因放宽目标转绿") != NULL;
		if (strcmp(str(event, "from"), "red") == 0)
			assert_non_null(strstr(str(event, "text"), "开工 2020-06-10 → 2020-08-31(推迟 82 天)"));
	}
	assert_int_equal(relaxed_events, 2);
	assert_int_equal(marked, 1);
	response_free(&r);
}

/* The month's list: A's two moves and C's, newest first; B, which only progressed, is not there. */
static void test_month_list(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/projects/relaxed", NULL), 200);
	assert_string_equal(str(r.json, "month"), "2020-06");
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_int_equal(num(r.json, "projects"), 2);
	assert_int_equal(num(r.json, "moves"), 3);
	assert_int_equal(num(r.json, "out_of_red"), 1);
	int seen_start = 0, seen_complete = 0;
	json_t *row;
	size_t i;
	json_array_foreach(items, i, row)
	{
		json_t *p = json_object_get(row, "project");
		assert_int_not_equal(num(p, "id"), project_b);
		assert_string_equal(str(json_object_get(row, "made_by"), "username"), "agent");
		if (num(p, "id") == project_a && strcmp(str(row, "milestone"), "start") == 0) {
			seen_start++;
			assert_string_equal(str(row, "milestone_name"), "开工");
			assert_string_equal(str(row, "original"), "2020-06-10");
			assert_string_equal(str(row, "from"), "2020-06-10");
			assert_string_equal(str(row, "to"), "2020-08-31");
			assert_int_equal(num(row, "days"), 82);
			assert_int_equal(num(row, "version"), 2);
			assert_string_equal(str(row, "light_before"), "red");
			assert_string_equal(str(row, "light_after"), "green");
			assert_string_equal(str(row, "turned_by_relaxation"), "因放宽目标转绿");
		}
		if (num(p, "id") == project_a && strcmp(str(row, "milestone"), "complete") == 0) {
			seen_complete++;
			assert_int_equal(num(row, "days"), 90);
			assert_string_equal(str(row, "light_before"), "green");
			assert_true(json_is_null(json_object_get(row, "turned_by_relaxation")));
		}
	}
	assert_int_equal(seen_start, 1);
	assert_int_equal(seen_complete, 1);
	response_free(&r);

	/* The same month named; another month is empty; a malformed one is refused. */
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/projects/relaxed?month=2020-06", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
	response_free(&r);
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/projects/relaxed?month=2020-05", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	assert_int_equal(num(r.json, "projects"), 0);
	response_free(&r);
	char code[48];
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/projects/relaxed?month=2020-13", code, NULL), 422);
	assert_string_equal(code, "invalid_month");
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/projects/relaxed?month=2020-6", code, NULL), 422);
}

/* Each sees the moves of their branch; who does not see projects' statistics is refused. */
static void test_who_sees(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&ja_leader, &r, "GET", "/api/v1/projects/relaxed", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2); /* A's, not 长乐's C */
	assert_int_equal(num(r.json, "projects"), 1);
	response_free(&r);
	assert_int_equal(client_callf(&cl_leader, &r, "GET", "/api/v1/projects/relaxed", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_int_equal(num(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "project"), "id"),
	                 project_c);
	response_free(&r);
	char code[48];
	assert_int_equal(client_statusf(&fgj, "GET", "/api/v1/projects/relaxed", code, NULL), 403);
	assert_int_equal(client_statusf(&zjj, "GET", "/api/v1/projects/relaxed", code, NULL), 403);
	assert_int_equal(client_statusf(&firm, "GET", "/api/v1/projects/relaxed", code, NULL), 403);
	assert_int_equal(client_statusf(&admin, "GET", "/api/v1/projects/relaxed", code, NULL), 200);
	assert_int_equal(client_statusf(&agent, "GET", "/api/v1/projects/relaxed", code, NULL), 200);
}

/* Statistics by district: one relaxed project in 晋安 (A; B only progressed), one in 长乐. */
static void test_stats(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/projects/stats?by=district", NULL), 200);
	json_t *row;
	size_t i;
	int districts = 0;
	json_array_foreach(json_object_get(r.json, "rows"), i, row)
	{
		if (strcmp(str(row, "key"), "350111") == 0 || strcmp(str(row, "key"), "350112") == 0) {
			districts++;
			assert_int_equal(num(row, "relaxed"), 1);
		}
	}
	assert_int_equal(districts, 2);
	assert_int_equal(num(json_object_get(r.json, "totals"), "relaxed"), 2);
	response_free(&r);
	assert_int_equal(client_callf(&ja_leader, &r, "GET", "/api/v1/projects/stats?by=district", NULL), 200);
	assert_int_equal(num(json_object_get(r.json, "totals"), "relaxed"), 1);
	response_free(&r);
	/* The download has the column; by department (rows of items, not projects) it stays empty. */
	assert_int_equal(client_callf(&ja_leader, &r, "GET", "/api/v1/projects/stats?by=district&format=csv", NULL), 200);
	assert_non_null(strstr(r.body, ",目标放宽项目"));
	assert_non_null(strstr(r.body, "\n晋安区,2,"));
	response_free(&r);
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/projects/stats?by=department&format=csv", NULL), 200);
	assert_non_null(strstr(r.body, ",目标放宽项目"));
	response_free(&r);
}

/* In July: C moves again; June's list keeps its three, July's has the one. */
static void test_next_month(void **state)
{
	(void)state;
	cast_sign_out(cast, CAST_SIZE(cast));
	assert_int_equal(server_stop_process(&server), 0);
	setenv("BANYAN_CLOCK", "2020-07-02T09:00:00+08:00", 1);
	cast_start(&server, cast, CAST_SIZE(cast), NULL);
	assert_int_equal(plan(project_c, "{\"start\":\"2020-09-30\"}"), 1); /* 31 July → 30 September: 61 days */
	struct response r;
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/projects/relaxed", NULL), 200);
	assert_string_equal(str(r.json, "month"), "2020-07");
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(num(json_array_get(items, 0), "days"), 61);
	assert_string_equal(str(json_array_get(items, 0), "original"), "2020-07-01");
	response_free(&r);
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/projects/relaxed?month=2020-06", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
	response_free(&r);
	json_t *c = list_row(&leader, project_c);
	assert_int_equal(num(c, "relaxed_times"), 2);
	assert_int_equal(num(json_object_get(c, "target"), "moves"), 2);
	json_decref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_relaxation_and_progress),
	    cmocka_unit_test(test_month_list),
	    cmocka_unit_test(test_who_sees),
	    cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_next_month),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
