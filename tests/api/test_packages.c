/*
** test_packages.c - packages (项目包) and their operation and maintenance
** against the real server, its clock stopped at 10:00 on 10 July 2020
** (BANYAN_CLOCK): a package's progress rolled up from its parts by
** investment, worked by hand; the operation licence recorded once, when
** every part is built; a maintenance check overdue turning red (and one due
** today not); an inspection with a finding, a photo and a defect that stops
** a part, fixed by the owner; bad input refused with nothing changed; who
** may see and act; and the demo's water-system packages.
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
static struct client admin, agent, ja_officer, cl_officer, leader, cl_leader, owner, other_firm;

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&agent, "city-agent", "agent", "350100-xzfw"}, /* the city's 行政服务中心: every district */
    {&ja_officer, "ja-officer", "officer", "350111-tcj"},
    {&cl_officer, "cl-officer", "officer", "350112-tcj"},
    {&leader, "city-leader", "leader", "350100"},
    {&cl_leader, "cl-leader", "leader", "350112"},
    {&owner, "ja-owner", "enterprise", "350111"},      /* acts for the packages' owner */
    {&other_firm, "ja-other", "enterprise", "350111"}, /* another 晋安 enterprise */
};

#define OWNER_CODE "91350111MA2DK0011P"

static int up(void **state)
{
	(void)state;
	setenv("BANYAN_CLOCK", "2020-07-10T10:00:00+08:00", 1);
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	assert_int_equal(enterprise_with_account(&admin, "晋安东部水系运维有限公司", OWNER_CODE, "350111", "ja-owner"),
	                 0);
	assert_int_equal(enterprise_with_account(&admin, "另一家企业", "91350111MA2DK0012T", "350111", "ja-other"), 0);
	return 0;
}

static int down(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

/* A 晋安 package of three rivers: 100 万元 built, 200 万元 at 40%, 300 万元 not started. */
#define PACKAGE(code)                                                                                                  \
	"{\"code\":\"" code "\",\"name\":\"" code "水系\",\"kind\":\"水系治理\",\"district\":\"350111\","        \
	"\"owner\":\"" OWNER_CODE "\",\"agent\":\"city-agent\",\"parts\":["                                            \
	"{\"name\":\"凤坂河\",\"investment_wan\":100,\"progress\":100},"                                            \
	"{\"name\":\"磨洋河\",\"investment_wan\":200,\"progress\":40},"                                             \
	"{\"name\":\"化工河\",\"investment_wan\":300}]}"

static json_t *get(struct client *c, const char *path, struct response *r)
{
	assert_int_equal(client_callf(c, r, "GET", path, NULL), 200);
	return r->json;
}

static double real(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static const char *text(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The id of the i-th part of package id. */
static long long part_id(long long id, int i)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT id FROM package_parts WHERE package_id = %lld ORDER BY id LIMIT 1 OFFSET %d",
	         id, i);
	return count(sql);
}

/* Set every part of package id to 100% and record its licence; asserts 200. */
static void licence(long long id)
{
	char path[96];
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/api/v1/packages/%lld/parts/%lld", id, part_id(id, i));
		assert_int_equal(client_statusf(&agent, "PUT", path, NULL, "{\"progress\":100}"), 200);
	}
	snprintf(path, sizeof path, "/api/v1/packages/%lld/licence", id);
	assert_int_equal(
	    client_statusf(&agent, "POST", path, NULL,
	                   "{\"number\":\"YY-%lld\",\"issuer\":\"福州市城乡建设局\",\"on\":\"2020-07-01\"}", id),
	    200);
}

/* (100×100 + 200×40 + 300×0) / 600 = 30%; the third river at 55%: (10000 + 8000 + 16500) / 600 = 57.5%. */
static void test_progress_rolls_up_by_investment(void **state)
{
	(void)state;
	struct response r;
	char path[96];
	long long id = client_createdf(&agent, "/api/v1/packages", PACKAGE("RU-1"));
	snprintf(path, sizeof path, "/api/v1/packages/%lld", id);
	json_t *k = get(&leader, path, &r);
	assert_int_equal(json_integer_value(json_object_get(k, "parts")), 3);
	assert_int_equal(json_integer_value(json_object_get(k, "investment_wan")), 600);
	assert_true(real(k, "progress") == 30.0);
	assert_string_equal(text(k, "stage"), "construction");
	assert_true(json_is_null(json_object_get(k, "licence")));
	assert_true(json_is_null(json_object_get(k, "normal_share")));
	response_free(&r);

	snprintf(path, sizeof path, "/api/v1/packages/%lld/parts/%lld", id, part_id(id, 2));
	assert_int_equal(client_callf(&ja_officer, &r, "PUT", path, "{\"progress\":55}"), 200);
	assert_true(real(r.json, "progress") == 57.5);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'package.progress'"), 1);

	/* Out of range: refused, unchanged. */
	char code[48];
	assert_int_equal(client_statusf(&agent, "PUT", path, code, "{\"progress\":101}"), 422);
	assert_int_equal(count("SELECT sum(progress) FROM package_parts WHERE package_id = (SELECT id FROM packages"
	                       " WHERE code = 'RU-1')"),
	                 195);
}

/* The licence: not while a part is unbuilt, then once; it moves the package into operation. */
static void test_licence_moves_into_operation(void **state)
{
	(void)state;
	char path[96], code[48];
	struct response r;
	long long id = client_createdf(&agent, "/api/v1/packages", PACKAGE("LC-1"));
	snprintf(path, sizeof path, "/api/v1/packages/%lld/licence", id);
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                                "{\"number\":\"YY-1\",\"issuer\":\"福州市城乡建设局\",\"on\":\"2020-07-01\"}"),
	                 409);
	assert_string_equal(code, "parts_unfinished");
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                                "{\"number\":\"YY-1\",\"issuer\":\"福州市城乡建设局\",\"on\":\"2020-07-11\"}"),
	                 422);
	assert_string_equal(code, "date_in_future");
	licence(id);
	snprintf(path, sizeof path, "/api/v1/packages/%lld", id);
	json_t *k = get(&owner, path, &r);
	assert_string_equal(text(k, "stage"), "operating");
	assert_string_equal(text(json_object_get(k, "licence"), "on"), "2020-07-01");
	assert_true(real(k, "progress") == 100.0);
	assert_true(real(k, "normal_share") == 1.0);
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/packages/%lld/licence", id);
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                                "{\"number\":\"YY-2\",\"issuer\":\"福州市城乡建设局\",\"on\":\"2020-07-02\"}"),
	                 409);
	assert_string_equal(code, "licence_recorded");
	snprintf(path, sizeof path, "/api/v1/packages/%lld/parts/%lld", id, part_id(id, 0));
	assert_int_equal(client_statusf(&agent, "PUT", path, code, "{\"progress\":90}"), 409);
	assert_string_equal(code, "package_operating");
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'package.licence'"), 1);
	assert_int_equal(count("SELECT count(*) FROM packages WHERE code = 'LC-1' AND licence_number = 'YY-' || id"),
	                 1);
}

/* A part that is a registered project gets the licence on its timeline; an unknown project is refused. */
static void test_licence_on_a_projects_timeline(void **state)
{
	(void)state;
	char path[96], code[48];
	client_createdf(
	    &agent, "/api/v1/projects",
	    "{\"code\":\"2020-350111-76-03-000101\",\"name\":\"东部水系一期\",\"enterprise\":1,"
	    "\"district\":\"350111\",\"industry\":\"水利\",\"investment_wan\":50000,\"level\":\"municipal\","
	    "\"agent\":\"city-agent\"}");
	static const char body[] =
	    "{\"code\":\"PJ-%d\",\"name\":\"一期\",\"kind\":\"水系治理\",\"district\":\"350111\",\"owner\":"
	    "\"" OWNER_CODE
	    "\",\"agent\":\"city-agent\",\"parts\":[{\"name\":\"一期\",\"investment_wan\":50000,\"progress\":100,"
	    "\"project\":\"%s\"}]}";
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/packages", code, body, 1, "2020-350111-76-03-000999"),
	                 422);
	assert_string_equal(code, "unknown_project");
	long long id = client_createdf(&agent, "/api/v1/packages", body, 2, "2020-350111-76-03-000101");
	snprintf(path, sizeof path, "/api/v1/packages/%lld/licence", id);
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                                "{\"number\":\"YY-PJ\",\"issuer\":\"福州市城乡建设局\",\"on\":\"2020-07-01\"}"),
	                 200);
	assert_int_equal(count("SELECT count(*) FROM project_events e JOIN projects p ON p.id = e.project_id"
	                       " WHERE p.code = '2020-350111-76-03-000101' AND e.kind = 'licence'"
	                       " AND e.text = '运营许可证 YY-PJ 2020-07-01'"),
	                 1);
}

/* The i-th package of the list with code, or NULL. */
static json_t *listed(json_t *list, const char *code, size_t *ret_index)
{
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(list, "items"), i, k) if (strcmp(text(k, "code"), code) == 0)
	{
		*ret_index = i;
		return k;
	}
	return NULL;
}

/* A check due yesterday is overdue, red, and heads the list; one due today is not; inspecting it clears it. */
static void test_overdue_check_turns_red(void **state)
{
	(void)state;
	char path[96], code[48];
	struct response r;
	client_createdf(&agent, "/api/v1/packages", PACKAGE("OD-0"));
	long long id = client_createdf(&agent, "/api/v1/packages", PACKAGE("OD-1"));
	snprintf(path, sizeof path, "/api/v1/packages/%lld/checks", id);
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                                "{\"what\":\"泵站检查\",\"every_days\":14,\"first_due\":\"2020-07-09\"}"),
	                 201);
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                                "{\"what\":\"泵站检查\",\"every_days\":7,\"first_due\":\"2020-07-09\"}"),
	                 409);
	assert_string_equal(code, "check_exists");
	long long late =
	    client_createdf(&agent, path, "{\"what\":\"河道保洁\",\"every_days\":7,\"first_due\":\"2020-07-09\"}");
	client_createdf(&agent, path, "{\"what\":\"水质监测\",\"every_days\":30,\"first_due\":\"2020-07-10\"}");
	/* Overdue before the licence too: the regime is set while the package is built. */
	json_t *list = get(&leader, "/api/v1/packages", &r);
	size_t at = 99, at_early = 99;
	json_t *k = listed(list, "OD-1", &at);
	assert_non_null(k);
	assert_non_null(listed(list, "OD-0", &at_early));
	assert_string_equal(text(k, "light"), "red");
	assert_int_equal(json_integer_value(json_object_get(k, "checks_overdue")), 2);
	assert_true(at < at_early); /* red first, though registered later */
	response_free(&r);

	snprintf(path, sizeof path, "/api/v1/packages/%lld", id);
	k = get(&agent, path, &r);
	json_t *checks = json_object_get(k, "checks");
	assert_int_equal(json_array_size(checks), 3);
	int red = 0, today = 0;
	size_t i;
	json_t *c;
	json_array_foreach(checks, i, c)
	{
		if (strcmp(text(c, "next_due"), "2020-07-10") == 0) {
			today++;
			assert_false(json_is_true(json_object_get(c, "overdue")));
			assert_string_equal(text(c, "light"), "yellow");
		} else {
			red++;
			assert_true(json_is_true(json_object_get(c, "overdue")));
			assert_string_equal(text(c, "light"), "red");
		}
	}
	assert_int_equal(red, 2);
	assert_int_equal(today, 1);
	response_free(&r);

	/* Inspections only in operation; once inspected, its next day is 7 on and it is no longer overdue. */
	snprintf(path, sizeof path, "/api/v1/packages/%lld/inspections", id);
	assert_int_equal(client_statusf(&agent, "POST", path, code,
	                                "{\"check\":%lld,\"finding\":\"水面清洁\",\"normal\":true}", late),
	                 409);
	assert_string_equal(code, "not_in_operation");
	licence(id);
	client_createdf(&agent, path, "{\"check\":%lld,\"finding\":\"水面清洁\",\"normal\":true}", late);
	snprintf(path, sizeof path, "/api/v1/packages/%lld", id);
	k = get(&agent, path, &r);
	assert_int_equal(json_integer_value(json_object_get(k, "checks_overdue")), 1);
	assert_string_equal(text(k, "light"), "red");
	json_array_foreach(json_object_get(k, "checks"), i, c) if (strcmp(text(c, "what"), "河道保洁") == 0)
	    assert_string_equal(text(c, "next_due"), "2020-07-17");
	response_free(&r);
}

static const char png[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/* An inspection with a photo and a major defect: the part stops, the owner fixes it, the share is whole again. */
static void test_inspection_defect_fixed_by_owner(void **state)
{
	(void)state;
	char path[128], code[48];
	struct response r;
	long long id = client_createdf(&agent, "/api/v1/packages", PACKAGE("DF-1"));
	licence(id);
	snprintf(path, sizeof path, "/api/v1/packages/%lld/checks", id);
	long long check = client_createdf(&agent, path, "{\"what\":\"泵站检查\",\"every_days\":14}");
	long long part = part_id(id, 1);
	snprintf(path, sizeof path, "/api/v1/packages/%lld/inspections", id);
	long long before = count("SELECT count(*) FROM package_inspections");
	/* A photo whose content is not its type: refused, nothing written. */
	assert_int_equal(
	    client_statusf(&agent, "POST", path, code,
	                   "{\"check\":%lld,\"finding\":\"泵站故障\",\"normal\":false,\"photos\":[{\"name\":"
	                   "\"a.jpg\",\"content_type\":\"image/jpeg\",\"data\":\"%s\"}]}",
	                   check, png),
	    415);
	assert_int_equal(
	    client_statusf(&agent, "POST", path, code,
	                   "{\"check\":%lld,\"finding\":\"泵站故障\",\"normal\":false,\"defect\":{\"description\":"
	                   "\"水泵故障\",\"severity\":\"serious\",\"due_on\":\"2020-07-20\"}}",
	                   check),
	    422);
	assert_string_equal(code, "invalid_defect");
	assert_int_equal(count("SELECT count(*) FROM package_inspections"), before);
	assert_int_equal(
	    client_callf(&agent, &r, "POST", path,
	                 "{\"check\":%lld,\"part\":%lld,\"finding\":\"2号泵站水泵故障\",\"normal\":false,"
	                 "\"photos\":[{\"name\":\"pump.png\",\"content_type\":\"image/png\",\"data\":\"%s\"}],"
	                 "\"defect\":{\"description\":\"水泵故障,无法抽排\",\"severity\":\"major\","
	                 "\"due_on\":\"2020-07-20\"}}",
	                 check, part, png),
	    201);
	long long defect = json_integer_value(json_object_get(r.json, "defect"));
	assert_true(defect > 0);
	response_free(&r);

	snprintf(path, sizeof path, "/api/v1/packages/%lld", id);
	json_t *k = get(&owner, path, &r);
	assert_int_equal(json_integer_value(json_object_get(k, "parts_normal")), 2);
	assert_true(real(k, "normal_share") > 0.6666 && real(k, "normal_share") < 0.6667);
	assert_int_equal(json_integer_value(json_object_get(k, "defects_open")), 1);
	json_t *insp = json_array_get(json_object_get(k, "inspections"), 0);
	assert_string_equal(text(insp, "finding"), "2号泵站水泵故障");
	assert_string_equal(text(insp, "part"), "磨洋河");
	long long photo = json_integer_value(json_array_get(json_object_get(insp, "photos"), 0));
	json_t *stopped = json_array_get(json_object_get(k, "parts_list"), 1);
	assert_false(json_is_true(json_object_get(stopped, "normal")));
	response_free(&r);

	/* The photo comes back as it went in. */
	snprintf(path, sizeof path, "/api/v1/packages/%lld/photos/%lld", id, photo);
	client_callf(&leader, &r, "GET", path, NULL);
	assert_int_equal(r.status, 200);
	assert_true(r.body_len > 8 && memcmp(r.body, "\x89PNG", 4) == 0);
	response_free(&r);

	/* Another enterprise cannot see it; the owner fixes it, once. */
	snprintf(path, sizeof path, "/api/v1/packages/%lld/defects/%lld/fix", id, defect);
	assert_int_equal(client_statusf(&other_firm, "POST", path, code, "{\"note\":\"已修复\"}"), 404);
	assert_int_equal(
	    client_statusf(&owner, "POST", path, code, "{\"note\":\"更换水泵\",\"fixed_on\":\"2020-07-09\"}"), 422);
	assert_string_equal(code, "date_before_defect");
	assert_int_equal(client_callf(&owner, &r, "POST", path, "{\"note\":\"更换水泵\"}"), 200);
	assert_string_equal(text(r.json, "state"), "fixed");
	response_free(&r);
	assert_int_equal(client_statusf(&agent, "POST", path, code, "{\"note\":\"又修\"}"), 409);
	assert_string_equal(code, "defect_fixed");
	snprintf(path, sizeof path, "/api/v1/packages/%lld", id);
	k = get(&agent, path, &r);
	assert_true(real(k, "normal_share") == 1.0);
	assert_int_equal(json_integer_value(json_object_get(k, "defects_open")), 0);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'package.defect_fix'"), 1);
	assert_int_equal(count("SELECT count(*) FROM package_photos"), 1);
}

static void test_bad_input_changes_nothing(void **state)
{
	(void)state;
	static const struct {
		const char *body, *code, *field;
		long status;
	} bad[] = {
	    {"{\"code\":\"B-1\",\"name\":\"甲\",\"kind\":\"水系\",\"district\":\"350111\",\"owner\":\"" OWNER_CODE
	     "\",\"agent\":\"city-agent\"}",
	     "invalid_parts", "parts", 422},
	    {"{\"code\":\"B-1\",\"name\":\"甲\",\"kind\":\"水系\",\"district\":\"350111\",\"owner\":\"" OWNER_CODE
	     "\",\"agent\":\"ja-officer\",\"parts\":[{\"name\":\"河\",\"investment_wan\":1}]}",
	     "unknown_agent", "agent", 422},
	    {"{\"code\":\"B-1\",\"name\":\"甲\",\"kind\":\"水系\",\"district\":\"350111\",\"owner\":"
	     "\"91350111MA2DK0099X\","
	     "\"agent\":\"city-agent\",\"parts\":[{\"name\":\"河\",\"investment_wan\":1}]}",
	     "unknown_enterprise", "owner", 422},
	    {"{\"code\":\"B-1\",\"name\":\"甲\",\"kind\":\"水系\",\"district\":\"350111-tcj\",\"owner\":\"" OWNER_CODE
	     "\",\"agent\":\"city-agent\",\"parts\":[{\"name\":\"河\",\"investment_wan\":1}]}",
	     "not_a_district", "district", 422},
	    {"{\"code\":\"B-1\",\"name\":\"甲\",\"kind\":\"水系\",\"district\":\"350111\",\"owner\":\"" OWNER_CODE
	     "\",\"agent\":\"city-agent\",\"parts\":[{\"name\":\"河\",\"investment_wan\":1},{\"name\":\"河\","
	     "\"investment_wan\":2}]}",
	     "invalid_parts", "parts", 422},
	    {"{\"code\":\"B-1\",\"name\":\"甲\",\"kind\":\"水系\",\"district\":\"350111\",\"owner\":\"" OWNER_CODE
	     "\",\"agent\":\"city-agent\",\"parts\":[{\"name\":\"河\",\"investment_wan\":0}]}",
	     "invalid_parts", "parts", 422},
	    {"{\"code\":\"B-1\",\"name\":\"甲\",\"kind\":\"水系\",\"district\":\"350112\",\"owner\":\"" OWNER_CODE
	     "\",\"agent\":\"city-agent\",\"parts\":[{\"name\":\"河\",\"investment_wan\":1}]}",
	     "out_of_scope", "district", 403},
	};
	long long packages = count("SELECT count(*) FROM packages"), audit = count("SELECT count(*) FROM audit_log");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct response r;
		assert_int_equal(client_callf(&ja_officer, &r, "POST", "/api/v1/packages", "%s", bad[i].body),
		                 bad[i].status);
		assert_string_equal(error_code(&r), bad[i].code);
		json_t *e = json_object_get(r.json, "error");
		assert_string_equal(text(e, "field"), bad[i].field);
		assert_non_null(strstr(text(e, "message"), "("));
		response_free(&r);
	}
	client_createdf(&agent, "/api/v1/packages", PACKAGE("B-2"));
	char code[48];
	assert_int_equal(client_statusf(&agent, "POST", "/api/v1/packages", code, PACKAGE("B-2")), 409);
	assert_string_equal(code, "package_exists");
	assert_int_equal(count("SELECT count(*) FROM packages"), packages + 1);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit + 1);
}

/* 长乐's officer and leader do not see a 晋安 package, nor another enterprise; the city's leader reads but does not act. */
static void test_who_sees_and_acts(void **state)
{
	(void)state;
	char path[96], code[48];
	struct response r;
	long long id = client_createdf(&agent, "/api/v1/packages", PACKAGE("AC-1"));
	snprintf(path, sizeof path, "/api/v1/packages/%lld", id);
	assert_int_equal(client_statusf(&cl_officer, "GET", path, code, NULL), 404);
	assert_string_equal(code, "unknown_package");
	assert_int_equal(client_statusf(&cl_leader, "GET", path, code, NULL), 404);
	assert_int_equal(client_statusf(&other_firm, "GET", path, code, NULL), 404);
	assert_int_equal(client_statusf(&owner, "GET", path, code, NULL), 200);
	assert_int_equal(client_statusf(&leader, "GET", path, code, NULL), 200);
	json_t *list = get(&cl_leader, "/api/v1/packages", &r);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
	response_free(&r);
	list = get(&other_firm, "/api/v1/packages", &r);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/packages/%lld/checks", id);
	assert_int_equal(client_statusf(&leader, "POST", path, code, "{\"what\":\"巡查\",\"every_days\":7}"), 403);
	assert_int_equal(client_statusf(&owner, "POST", path, code, "{\"what\":\"巡查\",\"every_days\":7}"), 403);
	assert_int_equal(client_statusf(&cl_officer, "POST", path, code, "{\"what\":\"巡查\",\"every_days\":7}"), 404);
	assert_int_equal(count("SELECT count(*) FROM package_checks WHERE what = '巡查'"), 0);
}

/* The demo: six water-system packages; Jin'an East, the largest, has its 29 rivers in operation, red first. */
static void test_demo_water_systems(void **state)
{
	(void)state;
	struct test_server demo;
	struct client c;
	struct response r;
	unsetenv("BANYAN_CLOCK"); /* the demo's days are relative to today */
	demo_up_as(&demo, &c, "city-leader");
	json_t *list = get(&c, "/api/v1/packages", &r);
	json_t *items = json_object_get(list, "items");
	assert_int_equal(json_array_size(items), 6);
	json_t *first = json_array_get(items, 0);
	assert_string_equal(text(first, "name"), "晋安东区水系治理项目包");
	assert_string_equal(text(first, "stage"), "operating");
	assert_string_equal(text(first, "light"), "red");
	assert_int_equal(json_integer_value(json_object_get(first, "parts")), 29);
	assert_int_equal(json_integer_value(json_object_get(first, "parts_normal")), 28);
	assert_int_equal(json_integer_value(json_object_get(first, "investment_wan")), 460000); /* 46亿元 over its rivers */
	size_t i;
	json_t *k;
	json_array_foreach(items, i, k) assert_true(json_integer_value(json_object_get(k, "investment_wan")) <=
	                                            json_integer_value(json_object_get(first, "investment_wan")));
	response_free(&r);
	client_free(&c);
	server_down(&demo);
	setenv("BANYAN_CLOCK", "2020-07-10T10:00:00+08:00", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_progress_rolls_up_by_investment),
	    cmocka_unit_test(test_licence_moves_into_operation),
	    cmocka_unit_test(test_licence_on_a_projects_timeline),
	    cmocka_unit_test(test_overdue_check_turns_red),
	    cmocka_unit_test(test_inspection_defect_fixed_by_owner),
	    cmocka_unit_test(test_bad_input_changes_nothing),
	    cmocka_unit_test(test_who_sees_and_acts),
	    /* Last: `banyan demo` does not run on PostgreSQL yet, so it is left out there. */
	    cmocka_unit_test(test_demo_water_systems),
	};
	size_t n = sizeof tests / sizeof tests[0] - (on_postgres() ? 1 : 0);
	return _cmocka_run_group_tests("tests", tests, n, up, down);
}
