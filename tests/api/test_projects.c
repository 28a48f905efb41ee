/*
** test_projects.c - the cloud agency (云代办) as its people use it, on the
** real server with its clock stopped in September 2020 (BANYAN_CLOCK) so
** that hand-worked dates around National Day hold: an agent registers a
** project and plans it backwards from its start date; the district's 发改局
** and the city's 自然资源和规划局 move their approval items; the agent logs
** follow-ups and milestones; the owner checks progress on the public page;
** lights turn yellow and red as the clock is moved on.  Bad input changes
** nothing.
**
** Working days around National Day 2020:
**   Sep 17 18 | 21 22 23 24 25 | 27(Sun) 28 29 30 | Oct 9 10(Sat) | 12 13 14
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
static struct client admin, agent, fgj, zrzy, zjj, outsider;
static long long enterprise, project;
static char query_code[16];

#define CODE "2020-350111-39-03-000001"




static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "(null)";
}

/* The item with this catalogue code in a project's (or plan's) item list. */
static json_t *item_named(json_t *items, const char *code)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) if (strcmp(str(it, "code"), code) == 0) return it;
	return NULL;
}

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&agent, "agent", "agent", "350100-xzfw"},
    {&fgj, "ja-fgj", "department", "350111-fgj"},
    {&zrzy, "zrzy", "department", "350100-zrzy"},
    {&zjj, "zjj", "department", "350100-zjj"},
    {&outsider, "cl-officer", "officer", "350112-tcj"},
};

/* Start the server with its clock at instant and sign everyone in. */
static void start_at(const char *instant)
{
	setenv("BANYAN_CLOCK", instant, 1);
	cast_start(&server, cast, CAST_SIZE(cast), NULL);
}

static void stop(void)
{
	cast_sign_out(cast, CAST_SIZE(cast));
	assert_int_equal(server_stop_process(&server), 0);
}

static int setup(void **state)
{
	(void)state;
	setenv("BANYAN_CLOCK", "2020-09-18T10:00:00+08:00", 1);
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	struct response r;
	assert_int_equal(client_callf(&admin, &r, "POST", "/api/v1/enterprises",
	                      "{\"name\":\"福州新材料有限公司\",\"credit_code\":\"91350111MA2AB0123Y\",\"district\":\"350111\","
	                      "\"industry\":\"新材料\",\"contact_name\":\"林经理\",\"contact_phone\":\"0591-12345678\"}"),
	                 201);
	enterprise = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

static const char project_body[] =
    "{\"code\":\"%s\",\"name\":\"晋安新材料产业园\",\"enterprise\":%lld,\"industry\":\"新材料\","
    "\"investment_wan\":%s,\"level\":\"municipal\",\"created_on\":\"%s\"}";

static void test_register(void **state)
{
	(void)state;
	char code[48], body[512];
	struct response r;
	snprintf(body, sizeof body, project_body, "2020-35011-39-03-000001", enterprise, "120000", "2020-09-01");
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", code, "%s", body), 422);
	assert_string_equal(code, "invalid_project_code");
	snprintf(body, sizeof body, project_body, CODE, 999999LL, "120000", "2020-09-01");
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", code, "%s", body), 422);
	assert_string_equal(code, "unknown_enterprise");
	snprintf(body, sizeof body, project_body, CODE, enterprise, "\"很多\"", "2020-09-01");
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", code, "%s", body), 422);
	snprintf(body, sizeof body, project_body, CODE, enterprise, "120000", "2020-09-19"); /* tomorrow */
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", code, "%s", body), 422);
	assert_string_equal(code, "invalid_date");
	snprintf(body, sizeof body, project_body, CODE, enterprise, "120000", "2020-09-01");
	assert_int_equal(client_statusf(&outsider, "POST", "/api/v1/projects", code, "%s", body), 403); /* 长乐's officer, 晋安's firm */
	/* Naming its own district does not let 长乐 take 晋安's enterprise (nor learn of it). */
	assert_int_equal(client_statusf(&outsider, "POST", "/api/v1/projects", code,
	                                "{\"code\":\"2020-350112-39-03-000001\",\"name\":\"长乐新材料产业园\",\"enterprise\":%lld,"
	                                "\"district\":\"350112\",\"industry\":\"新材料\",\"investment_wan\":1000,"
	                                "\"level\":\"ordinary\"}",
	                                enterprise),
	                 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", code, "{\"code\":"), 400);
	/* The code's division: a real one, and this project's (晋安 350111, 福州 350100; 福建 350000 if provincial). */
	snprintf(body, sizeof body, project_body, "2020-359999-39-03-000001", enterprise, "120000", "2020-09-01");
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", code, "%s", body), 422);
	assert_string_equal(code, "unknown_division");
	snprintf(body, sizeof body, project_body, "2020-350112-39-03-000001", enterprise, "120000", "2020-09-01");
	assert_int_equal(client_callf(&agent, &r, "POST", "/api/v1/projects", "%s", body), 422);
	assert_string_equal(error_code(&r), "division_mismatch");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")), "code");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")), "长乐区"));
	response_free(&r);
	snprintf(body, sizeof body, project_body, "2020-350000-39-03-000001", enterprise, "120000", "2020-09-01");
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", code, "%s", body), 422); /* municipal */
	assert_string_equal(code, "division_mismatch");
	snprintf(body, sizeof body, project_body, CODE, enterprise, "120000", "2020-09-01");
	assert_int_equal(db_count(&server, "SELECT count(*) FROM projects"), 0);

	assert_int_equal(client_callf(&agent, &r, "POST", "/api/v1/projects", "%s", body), 201);
	project = json_integer_value(json_object_get(r.json, "id"));
	snprintf(query_code, sizeof query_code, "%s", str(r.json, "query_code"));
	assert_int_equal(strlen(query_code), 8);
	response_free(&r);
	assert_int_equal(client_statusf(&admin, "POST", "/api/v1/projects", code, "%s", body), 409);
	assert_string_equal(code, "project_code_taken");
	assert_int_equal(db_count(&server, "SELECT count(*) FROM projects"), 1);

	/* The agent (the caller) answers for it; its district is the enterprise's; it waits for a plan. */
	char path[64];
	snprintf(path, sizeof path, "/api/v1/projects/%lld", project);
	assert_int_equal(client_callf(&admin, &r, "GET", path, NULL), 200);
	assert_string_equal(str(json_object_get(r.json, "agent"), "username"), "agent");
	assert_string_equal(str(r.json, "district"), "350111");
	assert_string_equal(str(r.json, "stage"), "approvals");
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	response_free(&r);
	assert_int_equal(client_callf(&outsider, &r, "GET", path, NULL), 404);
	response_free(&r);
}

static char plan_path[64];

static void test_plan_backwards(void **state)
{
	(void)state;
	char code[48];
	struct response r;
	snprintf(plan_path, sizeof plan_path, "/api/v1/projects/%lld/plan", project);
	/* 立项备案 (3) → 建设用地规划许可 (5) → 不动产权证书 (5) before 开工 on Monday 12 October: from Friday
	** 18 September the first is done on the 23rd, a day after its latest finish on the 22nd. */
	assert_int_equal(client_callf(&agent, &r, "POST", plan_path,
	                      "{\"targets\":{\"start\":\"2020-10-12\"},\"items\":[\"filing\",\"land_use_permit\","
	                      "\"land_title\"],\"dry_run\":true}"),
	                 200);
	assert_false(json_is_true(json_object_get(r.json, "feasible")));
	assert_int_equal(json_integer_value(json_object_get(r.json, "shortfall_days")), 1);
	json_t *filing = item_named(json_object_get(r.json, "items"), "filing");
	assert_string_equal(str(filing, "latest_start"), "2020-09-17");
	assert_string_equal(str(filing, "latest_finish"), "2020-09-22");
	assert_string_equal(str(filing, "earliest_finish"), "2020-09-23");
	response_free(&r);
	/* A dry run saves nothing. */
	assert_int_equal(db_count(&server, "SELECT count(*) FROM project_plans"), 0);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM project_items"), 0);

	/* Bad plans are refused and change nothing. */
	assert_int_equal(client_statusf(&agent, "POST", plan_path, code, "{\"targets\":{}}"), 422);
	assert_int_equal(
	    client_statusf(&agent, "POST", plan_path, code, "{\"targets\":{\"start\":\"2020-10-14\",\"complete\":\"2020-10-01\"}}"),
	    422);
	assert_string_equal(code, "targets_out_of_order");
	assert_int_equal(client_statusf(&agent, "POST", plan_path, code, "{\"targets\":{\"start\":\"2020-08-31\"}}"), 422);
	assert_string_equal(code, "date_before_project");
	assert_int_equal(client_statusf(&agent, "POST", plan_path, code, "{\"targets\":{\"begin\":\"2020-10-14\"}}"), 422);
	assert_string_equal(code, "unknown_milestone");
	assert_int_equal(
	    client_statusf(&agent, "POST", plan_path, code, "{\"targets\":{\"start\":\"2020-10-14\"},\"items\":[\"filing\",\"x\"]}"),
	    422);
	assert_string_equal(code, "unknown_item");
	assert_int_equal(db_count(&server, "SELECT count(*) FROM project_plans"), 0);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM project_milestones"), 0);

	/* Two days later, Wednesday 14 October, it can be done with a working day to spare on every item. */
	assert_int_equal(client_callf(&agent, &r, "POST", plan_path,
	                      "{\"targets\":{\"start\":\"2020-10-14\"},\"items\":[\"filing\",\"land_use_permit\","
	                      "\"land_title\"],\"reason\":\"首次计划\"}"),
	                 201);
	assert_true(json_is_true(json_object_get(r.json, "feasible")));
	assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
	assert_string_equal(str(json_object_get(r.json, "projected"), "start"), "2020-10-13");
	static const struct {
		const char *code, *latest_start, *latest_finish, *earliest_finish, *department;
	} expect[] = {
	    {"filing", "2020-09-21", "2020-09-24", "2020-09-23", "350111-fgj"},
	    {"land_use_permit", "2020-09-24", "2020-09-30", "2020-09-29", "350100-zrzy"},
	    {"land_title", "2020-09-30", "2020-10-14", "2020-10-13", "350100-zrzy"},
	};
	for (size_t i = 0; i < 3; i++) {
		json_t *it = item_named(json_object_get(r.json, "items"), expect[i].code);
		assert_non_null(it);
		assert_string_equal(str(it, "latest_start"), expect[i].latest_start);
		assert_string_equal(str(it, "latest_finish"), expect[i].latest_finish);
		assert_string_equal(str(it, "earliest_finish"), expect[i].earliest_finish);
		assert_string_equal(str(json_object_get(it, "department"), "code"), expect[i].department);
		assert_true(json_is_true(json_object_get(it, "critical")));
		assert_string_equal(str(it, "status"), "pending");
	}
	response_free(&r);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM project_plans"), 1);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'project.plan'"), 1);
}

static void test_catalogue_refuses_cycles(void **state)
{
	(void)state;
	char code[48];
	/* 不动产权证书 needs 建设用地规划许可, which needs 立项备案: 立项备案 cannot need 不动产权证书. */
	assert_int_equal(client_statusf(&admin, "PUT", "/api/v1/projects/catalogue/filing", code,
	                           "{\"name\":\"项目立项备案(核准)\",\"department\":\"350100-fgw\",\"local_department\":\"fgj\","
	                           "\"limit_days\":3,\"gate\":\"start\",\"requires\":[\"land_title\"]}"),
	                 422);
	assert_string_equal(code, "prerequisite_cycle");
	assert_int_equal(db_count(&server, "SELECT count(*) FROM approval_prereqs WHERE item = 'filing'"), 0);
	assert_int_equal(client_statusf(&admin, "PUT", "/api/v1/projects/catalogue/green_licence", code,
	                           "{\"name\":\"绿色通道许可\",\"department\":\"350100-scjg\",\"limit_days\":2,\"limit_hours\":2,"
	                           "\"gate\":\"start\"}"),
	                 422);
	assert_string_equal(code, "invalid_limit");
	assert_int_equal(client_statusf(&admin, "PUT", "/api/v1/projects/catalogue/green_licence", code,
	                           "{\"name\":\"绿色通道许可\",\"department\":\"350100-scjg\",\"limit_hours\":2,"
	                           "\"gate\":\"start\",\"requires\":[\"nothing_like_it\"]}"),
	                 422);
	assert_string_equal(code, "unknown_item");
	/* Items go only to a department that approves (duty approval): the commerce bureau could not list them. */
	assert_int_equal(client_statusf(&admin, "PUT", "/api/v1/projects/catalogue/green_licence", code,
	                           "{\"name\":\"绿色通道许可\",\"department\":\"350100-swj\",\"limit_hours\":2,"
	                           "\"gate\":\"start\"}"),
	                 422);
	assert_string_equal(code, "org_without_duty");
	assert_int_equal(db_count(&server, "SELECT count(*) FROM approval_items WHERE code = 'green_licence'"), 0);
	assert_int_equal(client_statusf(&admin, "PUT", "/api/v1/projects/catalogue/green_licence", code,
	                           "{\"name\":\"绿色通道许可\",\"department\":\"350100-scjg\",\"limit_hours\":2,"
	                           "\"gate\":\"start\",\"requires\":[\"business_license\"]}"),
	                 200);
	assert_int_equal(db_count(&server, "SELECT limit_hours FROM approval_items WHERE code = 'green_licence'"), 2);
}

/* Move an item of the project as c: returns the status, the error code or new status in out. */
static long move(struct client *c, const char *item_code, const char *body, char out[48])
{
	char sql[160], path[128];
	snprintf(sql, sizeof sql, "SELECT id FROM project_items WHERE project_id = %lld AND item_code = '%s'", project,
	         item_code);
	snprintf(path, sizeof path, "/api/v1/projects/%lld/items/%lld/transitions", project, db_count(&server, sql));
	struct response r;
	long status = client_callf(c, &r, "POST", path, "%s", body);
	snprintf(out, 48, "%s", status == 200 ? str(r.json, "status") : error_code(&r));
	response_free(&r);
	return status;
}

static void test_departments_move_their_items(void **state)
{
	(void)state;
	char out[48], path[64];
	struct response r;
	/* The city's bureau waits for the district's filing. */
	assert_int_equal(move(&zrzy, "land_use_permit", "{\"action\":\"accept\"}", out), 409);
	assert_string_equal(out, "prerequisites_pending");
	/* 城乡建设局 has no item here: to it the project does not exist. */
	assert_int_equal(move(&zjj, "land_use_permit", "{\"action\":\"accept\"}", out), 404);
	assert_int_equal(move(&zrzy, "filing", "{\"action\":\"accept\"}", out), 403);
	assert_string_equal(out, "not_your_item");
	assert_int_equal(move(&agent, "filing", "{\"action\":\"accept\"}", out), 403);

	/* 晋安区发改局 sees this project with its one item, and its inbox. */
	snprintf(path, sizeof path, "/api/v1/projects/%lld", project);
	assert_int_equal(client_callf(&fgj, &r, "GET", path, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_null(json_object_get(r.json, "query_code"));
	response_free(&r);
	assert_int_equal(client_callf(&fgj, &r, "GET", "/api/v1/projects/items", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);

	assert_int_equal(move(&fgj, "filing", "{\"action\":\"done\"}", out), 409);
	assert_string_equal(out, "invalid_transition");
	assert_int_equal(move(&fgj, "filing", "{\"action\":\"approve\"}", out), 422);
	assert_int_equal(move(&fgj, "filing", "{\"action\":\"accept\"}", out), 200);
	assert_string_equal(out, "accepted");
	assert_int_equal(db_count(&server, "SELECT due_at FROM project_items WHERE item_code = 'filing'"),
	                 1600876800); /* 2020-09-24T00:00+08:00: the end of the third working day, the 23rd */
	assert_int_equal(move(&fgj, "filing", "{\"action\":\"return\"}", out), 422); /* say what is missing */
	assert_int_equal(move(&fgj, "filing", "{\"action\":\"return\",\"note\":\"补正材料:缺少用地红线图\"}", out), 200);
	assert_string_equal(out, "returned");
	assert_int_equal(db_count(&server, "SELECT count(*) FROM project_items WHERE due_at IS NULL AND item_code = 'filing'"),
	                 1); /* the clock stops */
	assert_int_equal(move(&fgj, "filing", "{\"action\":\"resubmit\"}", out), 200);
	assert_int_equal(move(&fgj, "filing", "{\"action\":\"done\"}", out), 200);
	assert_string_equal(out, "done");
	assert_int_equal(db_count(&server, "SELECT on_time FROM project_items WHERE item_code = 'filing'"), 1);
	assert_int_equal(move(&fgj, "filing", "{\"action\":\"done\"}", out), 409);
	assert_int_equal(move(&zrzy, "land_use_permit", "{\"action\":\"accept\"}", out), 200);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'project.item'"), 5);

	/* The timeline keeps every step, with the department's note, and names
	 * who acted by the display name they have now beside their login. */
	db_run_sql(&server, "UPDATE users SET display_name = '市自然资源局林科长' WHERE username = 'zrzy'");
	assert_int_equal(client_callf(&agent, &r, "GET", path, NULL), 200);
	json_t *events = json_object_get(r.json, "events");
	const char *kinds[] = {"accept", "done", "resubmit", "return", "accept"}; /* newest first */
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(str(json_array_get(events, i), "kind"), kinds[i]);
	assert_string_equal(str(json_array_get(events, 3), "text"), "补正材料:缺少用地红线图");
	assert_string_equal(str(json_array_get(events, 0), "actor"), "zrzy");
	assert_string_equal(str(json_array_get(events, 0), "actor_name"), "市自然资源局林科长");
	assert_string_equal(str(json_array_get(events, 1), "actor_name"), "ja-fgj"); /* no display name set: the login */
	db_run_sql(&server, "UPDATE users SET display_name = username WHERE username = 'zrzy'");
	response_free(&r);
}

static void test_milestones_in_order(void **state)
{
	(void)state;
	char code[48], path[96];
	snprintf(path, sizeof path, "/api/v1/projects/%lld/milestones/complete", project);
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"actual\":\"2020-09-18\"}"), 409);
	assert_string_equal(code, "milestone_out_of_order");
	snprintf(path, sizeof path, "/api/v1/projects/%lld/milestones/start", project);
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"actual\":\"2020-08-31\"}"), 422);
	assert_string_equal(code, "date_before_project");
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"actual\":\"2020-09-19\"}"), 422);
	assert_string_equal(code, "date_in_future");
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"actual\":\"18/09/2020\"}"), 422);
	snprintf(path, sizeof path, "/api/v1/projects/%lld/milestones/opening", project);
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"actual\":\"2020-09-18\"}"), 404);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM project_milestones WHERE actual IS NOT NULL"), 0);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM projects WHERE stage = 'approvals'"), 1);
}

static void test_follow_ups(void **state)
{
	(void)state;
	char code[48], path[96];
	struct response r;
	snprintf(path, sizeof path, "/api/v1/projects/%lld/followups", project);
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                           "{\"kind\":\"visit\",\"summary\":\"走访\",\"next_action\":\"协调用地\"}"),
	                 422); /* a next action needs its day */
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                           "{\"kind\":\"letter\",\"summary\":\"走访\"}"),
	                 422);
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                           "{\"kind\":\"visit\",\"happened_on\":\"2020-09-10\",\"summary\":\"现场走访,了解用地报批\","
	                           "\"next_action\":\"约自然资源局会商红线\",\"next_due\":\"2020-09-15\"}"),
	                 201);
	assert_int_equal(client_callf(&agent, &r, "GET", "/api/v1/projects/followups", NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_true(json_is_true(json_object_get(json_array_get(items, 0), "overdue")));
	response_free(&r);
	/* The next contact closes the promise and makes a new one. */
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                           "{\"kind\":\"online\",\"summary\":\"线上会商用地红线\",\"next_action\":\"跟踪施工图审查\","
	                           "\"next_due\":\"2020-09-30\"}"),
	                 201);
	assert_int_equal(client_callf(&agent, &r, "GET", "/api/v1/projects/followups", NULL), 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(str(json_array_get(items, 0), "next_due"), "2020-09-30");
	assert_false(json_is_true(json_object_get(json_array_get(items, 0), "overdue")));
	response_free(&r);
}

static void test_public_query_shows_progress_only(void **state)
{
	(void)state;
	char path[128];
	struct response r;
	snprintf(path, sizeof path, "/api/v1/public/projects/%s?query_code=%s", CODE, query_code);
	struct client anonymous;
	client_init(&anonymous, &server);
	assert_int_equal(client_callf(&anonymous, &r, "GET", path, NULL), 200);
	assert_string_equal(str(r.json, "stage"), "approvals");
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_string_equal(str(json_array_get(items, 0), "name"), "项目立项备案(核准)");
	assert_string_equal(str(json_array_get(items, 0), "status"), "done");
	/* Nothing written inside government: no people, no notes, no follow-ups, no timeline. */
	static const char *const secret[] = {"agent",       "official", "query_code", "events", "followups",
	                                     "补正材料",    "走访",     "会商",       "admin",  "username"};
	for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) {
		if (strstr(r.body, secret[i]))
			fprintf(stderr, "public answer shows %s: %s\n", secret[i], r.body);
		assert_null(strstr(r.body, secret[i]));
	}
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/public/projects/%s?query_code=%s", CODE, "ZZZZZZZZ");
	assert_int_equal(client_callf(&anonymous, &r, "GET", path, NULL), 404);
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/public/projects/%s", CODE);
	assert_int_equal(client_callf(&anonymous, &r, "GET", path, NULL), 404);
	response_free(&r);
	client_free(&anonymous);
}

static void test_problems_reach_the_desk(void **state)
{
	(void)state;
	char code[48], body[512], path[64];
	struct response r;
	snprintf(body, sizeof body,
	         "{\"enterprise\":%lld,\"category\":\"land\",\"title\":\"用地红线调整\",\"description\":\"代办中发现\","
	         "\"project\":\"%s\"}",
	         enterprise, "2020-350111-39-03-999999");
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/problems", code, "%s", body), 422);
	assert_string_equal(code, "unknown_project");
	snprintf(body, sizeof body,
	         "{\"enterprise\":%lld,\"category\":\"land\",\"title\":\"用地红线调整\",\"description\":\"代办中发现\","
	         "\"project\":\"%s\"}",
	         enterprise, CODE);
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/problems", code, "%s", body), 201);
	snprintf(path, sizeof path, "/api/v1/projects/%lld", project);
	assert_int_equal(client_callf(&agent, &r, "GET", path, NULL), 200);
	json_t *problems = json_object_get(r.json, "problems");
	assert_int_equal(json_array_size(problems), 1);
	assert_string_equal(str(json_array_get(problems, 0), "title"), "用地红线调整");
	response_free(&r);
	/* The analysis counts it against the department that owns it. */
	assert_int_equal(client_callf(&admin, &r, "GET", "/api/v1/projects/analysis", NULL), 200);
	json_t *categories = json_object_get(r.json, "categories");
	assert_int_equal(json_array_size(categories), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(categories, 0), "problems")), 1);
	response_free(&r);
}

static void test_statistics(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&admin, &r, "GET", "/api/v1/projects/stats?by=district", NULL), 200);
	json_t *rows = json_object_get(r.json, "rows");
	assert_int_equal(json_array_size(rows), 1);
	json_t *jinan = json_array_get(rows, 0);
	assert_string_equal(str(jinan, "key"), "350111");
	assert_int_equal(json_integer_value(json_object_get(jinan, "projects")), 1);
	assert_int_equal(json_integer_value(json_object_get(jinan, "investment_wan")), 120000);
	assert_int_equal(json_integer_value(json_object_get(jinan, "items_done")), 1);
	assert_int_equal(json_integer_value(json_object_get(jinan, "items_on_time")), 1);
	response_free(&r);
	assert_int_equal(client_callf(&admin, &r, "GET", "/api/v1/projects/stats?by=department", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "rows")), 2); /* 晋安区发改局, 市自然资源和规划局 */
	response_free(&r);
	assert_int_equal(client_callf(&outsider, &r, "GET", "/api/v1/projects/stats?by=district", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "rows")), 0); /* 长乐 has none */
	response_free(&r);
	assert_int_equal(client_callf(&admin, &r, "GET", "/api/v1/projects/stats?by=colour", NULL), 422);
	response_free(&r);
	assert_int_equal(client_callf(&admin, &r, "GET", "/api/v1/projects/stats?by=district&format=xlsx", NULL), 200);
	assert_true(has_header(&r, "Content-Type: application/vnd.openxmlformats"));
	response_free(&r);
}

static void test_replan_keeps_history(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&agent, &r, "POST", plan_path,
	                      "{\"targets\":{\"start\":\"2020-10-30\"},\"items\":[\"land_use_permit\",\"land_title\","
	                      "\"site_selection\"],\"reason\":\"用地红线调整,开工推迟\"}"),
	                 201);
	assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
	json_t *items = json_object_get(r.json, "items");
	/* The filing is done, so it stays though not named; site selection is added. */
	assert_int_equal(json_array_size(items), 4);
	assert_string_equal(str(item_named(items, "filing"), "status"), "done");
	assert_string_equal(str(item_named(items, "land_use_permit"), "status"), "accepted");
	assert_non_null(item_named(items, "site_selection"));
	response_free(&r);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/projects/%lld/plans", project);
	assert_int_equal(client_callf(&admin, &r, "GET", path, NULL), 200);
	json_t *plans = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(plans), 2);
	assert_string_equal(str(json_array_get(plans, 0), "reason"), "用地红线调整,开工推迟");
	db_run_sql(&server, "UPDATE users SET display_name = '王代办' WHERE username = 'agent'");
	response_free(&r);
	assert_int_equal(client_callf(&admin, &r, "GET", path, NULL), 200);
	plans = json_object_get(r.json, "items");
	assert_string_equal(str(json_array_get(plans, 0), "made_by"), "agent");
	assert_string_equal(str(json_array_get(plans, 0), "made_by_name"), "王代办");
	db_run_sql(&server, "UPDATE users SET display_name = username WHERE username = 'agent'");
	assert_string_equal(str(json_object_get(json_array_get(plans, 1), "targets"), "start"), "2020-10-14");
	response_free(&r);
}

/* The light of a project, as the list shows it. */
static const char *light_of(long long id, char out[16])
{
	struct response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/projects/%lld", id);
	assert_int_equal(client_callf(&admin, &r, "GET", path, NULL), 200);
	snprintf(out, 16, "%s", str(r.json, "light"));
	response_free(&r);
	return out;
}

/* Does the list filtered by this light hold the project? */
static bool listed_as(const char *light, long long id)
{
	struct response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/projects?light=%s", light);
	assert_int_equal(client_callf(&admin, &r, "GET", path, NULL), 200);
	bool found = false;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(r.json, "items"), i, p) found |= json_integer_value(json_object_get(p, "id")) == id;
	response_free(&r);
	return found;
}

static void test_lights_follow_the_clock(void **state)
{
	(void)state;
	char body[512], light[16], out[48], path[64];
	struct response r;
	/* A second project whose filing (3 working days) must start by 30 September for 开工 on 12 October. */
	snprintf(body, sizeof body, project_body, "2020-350111-39-03-000002", enterprise, "30000", "2020-09-01");
	assert_int_equal(client_callf(&agent, &r, "POST", "/api/v1/projects", "%s", body), 201);
	long long second = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/projects/%lld/plan", second);
	assert_int_equal(client_callf(&agent, &r, "POST", path, "{\"targets\":{\"start\":\"2020-10-12\"},\"items\":[\"filing\"]}"),
	                 201);
	assert_string_equal(str(item_named(json_object_get(r.json, "items"), "filing"), "latest_start"), "2020-09-30");
	response_free(&r);
	assert_string_equal(light_of(second, light), "green");
	assert_true(listed_as("green", second));
	/* Within three working days of the latest start (27 September is one): yellow. */
	stop();
	start_at("2020-09-28T10:00:00+08:00");
	assert_string_equal(light_of(second, light), "yellow");
	assert_true(listed_as("yellow", second));
	assert_false(listed_as("green", second) || listed_as("red", second));
	/* The holiday over, not yet accepted: red, and the list's red filter finds it. */
	stop();
	start_at("2020-10-09T10:00:00+08:00");
	assert_string_equal(light_of(second, light), "red");
	assert_true(listed_as("red", second));
	assert_false(listed_as("yellow", second));
	/* Accepted the same morning it can still finish by the 12th: yellow again, until the 13th. */
	long long saved = project;
	project = second;
	assert_int_equal(move(&fgj, "filing", "{\"action\":\"accept\"}", out), 200);
	project = saved;
	assert_string_equal(light_of(second, light), "yellow");
	stop();
	start_at("2020-10-13T10:00:00+08:00");
	assert_string_equal(light_of(second, light), "red");
}

/* A planned project for 晋安 whose only item is the filing, started by target: its filing item's id. */
static long long filing_of_new_project(const char *code, const char *start)
{
	char body[512], path[64];
	struct response r;
	snprintf(body, sizeof body, project_body, code, enterprise, "30000", "2020-09-01");
	assert_int_equal(client_callf(&agent, &r, "POST", "/api/v1/projects", "%s", body), 201);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/projects/%lld/plan", id);
	assert_int_equal(
	    client_callf(&agent, &r, "POST", path, "{\"targets\":{\"start\":\"%s\"},\"items\":[\"filing\"]}", start),
	    201);
	long long item =
	    json_integer_value(json_object_get(item_named(json_object_get(r.json, "items"), "filing"), "id"));
	response_free(&r);
	return item;
}

/*
** The department's to-do list comes red first, then by deadline, not newest
** first, and pages through every item in that order.  On 13 October (the
** clock of the test above) 晋安区发改局 has three open items: the second
** project's filing, red since that morning, and two filings planned for
** later, the one starting in December due before the one in March.
*/
static void test_items_red_first(void **state)
{
	(void)state;
	long long red = db_count(&server, "SELECT i.id FROM project_items i JOIN projects p ON p.id = i.project_id"
	                                  " WHERE p.code = '2020-350111-39-03-000002'");
	long long march = filing_of_new_project("2020-350111-39-03-000013", "2021-03-01");
	long long december = filing_of_new_project("2020-350111-39-03-000014", "2020-12-01");
	const long long want[] = {red, december, march};
	struct response r;
	char path[96] = "/api/v1/projects/items?limit=2";
	size_t n = 0;
	for (int pages = 0; pages < 3 && path[0]; pages++) {
		assert_int_equal(client_callf(&fgj, &r, "GET", path, NULL), 200);
		assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 3);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(r.json, "items"), i, it)
		{
			assert_true(n < 3);
			assert_int_equal(json_integer_value(json_object_get(it, "id")), want[n]);
			assert_string_equal(str(it, "light"), n == 0 ? "red" : "green");
			n++;
		}
		const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
		if (next)
			snprintf(path, sizeof path, "/api/v1/projects/items?limit=2&cursor=%s", next);
		else
			path[0] = 0;
		response_free(&r);
	}
	assert_int_equal(n, 3);
	/* One deadline, the instant each turns red: the end of the December one's latest start, Thursday 26
	** November (the filing's three working days are the 26th, 27th and 30th). */
	assert_int_equal(client_callf(&fgj, &r, "GET", "/api/v1/projects/items?light=green", NULL), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 2);
	assert_string_equal(str(json_array_get(json_object_get(r.json, "items"), 0), "deadline"),
	                    "2020-11-27T00:00:00+08:00");
	assert_string_equal(str(json_array_get(json_object_get(r.json, "items"), 0), "latest_start"), "2020-11-26");
	response_free(&r);
}

/* The statistics come from totals kept by triggers: after everything above they must equal counting afresh. */
static void test_totals_agree_with_counting(void **state)
{
	(void)state;
	struct response r;
	/* The server's clock stands at 2020-10-13T10:00+08:00 (the last test). */
	static const char now[] = "1602554400"; /* 2020-10-13T02:00:00Z, as a number both backends read */
	assert_int_equal(client_callf(&admin, &r, "GET", "/api/v1/projects/stats?by=department", NULL), 200);
	size_t i;
	json_t *row;
	int checked = 0;
	json_array_foreach(json_object_get(r.json, "rows"), i, row)
	{
		static const struct {
			const char *field, *where;
		} figures[] = {
		    {"items_done", "i.status = 'done'"},
		    {"items_open", "i.status <> 'done'"},
		    {"items_on_time", "i.on_time = 1"},
		    {"red", "i.red_at <= %s"},
		    {"yellow", "i.yellow_at <= %s AND NOT coalesce(i.red_at <= %s, FALSE)"},
		};
		for (size_t f = 0; f < sizeof figures / sizeof figures[0]; f++) {
			char where[256], sql[512];
			snprintf(where, sizeof where, figures[f].where, now, now);
			snprintf(sql, sizeof sql,
			         "SELECT count(*) FROM project_items i JOIN orgs g ON g.id = i.department_org_id"
			         " WHERE g.code = '%s' AND %s",
			         str(row, "key"), where);
			if (json_integer_value(json_object_get(row, figures[f].field)) != db_count(&server, sql))
				fprintf(stderr, "%s %s: statistics %lld, counted %lld\n", str(row, "key"), figures[f].field,
				        (long long)json_integer_value(json_object_get(row, figures[f].field)), db_count(&server, sql));
			assert_int_equal(json_integer_value(json_object_get(row, figures[f].field)), db_count(&server, sql));
			checked++;
		}
	}
	response_free(&r);
	assert_true(checked >= 10);
	assert_int_equal(client_callf(&admin, &r, "GET", "/api/v1/projects/stats?by=district", NULL), 200);
	json_t *jinan = json_array_get(json_object_get(r.json, "rows"), 0);
	assert_int_equal(json_integer_value(json_object_get(jinan, "projects")), db_count(&server, "SELECT count(*) FROM projects"));
	assert_int_equal(json_integer_value(json_object_get(jinan, "investment_wan")),
	                 db_count(&server, "SELECT sum(investment_wan) FROM projects"));
	response_free(&r);
}

/*
** A name that begins with a tab or a carriage return is a formula to a
** spreadsheet as much as one that begins with = + - @ (OWASP: CSV injection):
** the CSV export writes each such cell with a leading apostrophe.
*/
static void test_csv_export_neutralises_formulas(void **state)
{
	(void)state;
	static const char body[] = "{\"code\":\"%s\",\"name\":\"%s\",\"enterprise\":%lld,\"industry\":\"新材料\","
	                           "\"investment_wan\":1,\"level\":\"ordinary\",\"created_on\":\"2020-09-01\"}";
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", NULL, body, "2020-350111-39-03-000003",
	                                "\\t=1+2", enterprise),
	                 201);
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", NULL, body, "2020-350111-39-03-000004",
	                                "\\r@SUM(1)", enterprise),
	                 201);
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/projects", NULL, body, "2020-350111-39-03-000005",
	                                "-3+4", enterprise),
	                 201);
	struct response r;
	assert_int_equal(client_callf(&admin, &r, "GET", "/api/v1/projects/export?format=csv", NULL), 200);
	assert_non_null(strstr(r.body, "2020-350111-39-03-000003,'\t=1+2,"));
	assert_non_null(strstr(r.body, "2020-350111-39-03-000004,\"'\r@SUM(1)\","));
	assert_non_null(strstr(r.body, "2020-350111-39-03-000005,'-3+4,"));
	assert_null(strstr(r.body, ",\t=")); /* no cell starts with the tab itself */
	response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_register),
	    cmocka_unit_test(test_plan_backwards),
	    cmocka_unit_test(test_catalogue_refuses_cycles),
	    cmocka_unit_test(test_departments_move_their_items),
	    cmocka_unit_test(test_milestones_in_order),
	    cmocka_unit_test(test_follow_ups),
	    cmocka_unit_test(test_public_query_shows_progress_only),
	    cmocka_unit_test(test_problems_reach_the_desk),
	    cmocka_unit_test(test_statistics),
	    cmocka_unit_test(test_replan_keeps_history),
	    cmocka_unit_test(test_lights_follow_the_clock),
	    cmocka_unit_test(test_items_red_first),
	    cmocka_unit_test(test_totals_agree_with_counting),
	    cmocka_unit_test(test_csv_export_neutralises_formulas),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
