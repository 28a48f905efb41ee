/*
** test_green.c - the green channel (特事特办) against the real server, its
** clock stopped at 01:00 on 7 February 2020 (BANYAN_CLOCK): a case flagged
** for an hour-limited catalogue item with its dedicated officer, its steps
** in order (one out of order is 409), a clock that runs across midnight,
** the leaders' list of open cases, statistics with median and worst hours
** worked by hand, bad input refused with nothing changed, who may and who
** may not, and the demo's Luoyuan case.
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
static struct client admin, agent, scjg, officer, cl_officer, fgw, leader, ja_admin, firm;

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&agent, "city-agent", "agent", "350100-xzfw"},    /* the city's 行政服务中心: every district */
    {&scjg, "ly-scjg", "department", "350123-scjg"},   /* handles 罗源's registrations */
    {&officer, "ly-officer", "officer", "350123-tcj"}, /* the dedicated officer (精准招商) */
    {&cl_officer, "cl-officer", "officer", "350112-tcj"},
    {&fgw, "fgw-dept", "department", "350100-fgw"}, /* handles no registration */
    {&leader, "city-leader", "leader", "350100"},
    {&ja_admin, "ja-admin", "admin", "350111"},
    {&firm, "ly-firm", "enterprise", "350123"},
};

static const char green[] = "/api/v1/projects/green-channel";

static int up(void **state)
{
	(void)state;
	setenv("BANYAN_CLOCK", "2020-02-07T01:00:00+08:00", 1);
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
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

#define FLAG(applicant, district, officer)                                                                             \
	"{\"applicant\":\"" applicant "\",\"item\":\"business_license\",\"district\":\"" district "\","                \
	"\"officer\":\"" officer "\",\"reason\":\"防疫物资生产企业\"}"

/* Flag a case as c; asserts 201 and answers its id. */
static long long flag(struct client *c, const char *body)
{
	return client_createdf(c, green, "%s", body);
}

/* Record a step as c at an instant (NULL: now); answers the status and the error code in code. */
static long step(struct client *c, long long id, const char *kind, const char *at, char code[48])
{
	char path[96];
	snprintf(path, sizeof path, "%s/%lld/steps", green, id);
	if (at)
		return client_statusf(c, "POST", path, code, "{\"kind\":\"%s\",\"at\":\"%s\"}", kind, at);
	return client_statusf(c, "POST", path, code, "{\"kind\":\"%s\"}", kind);
}

/* A case flagged with body, done in the given minutes from documents (at 2020-02-06 08:00) to licence. */
static long long done_case(const char *body, int minutes)
{
	static const char *const kinds[] = {"documents", "submission", "review"};
	char code[48], at[40];
	long long id = flag(&agent, body);
	for (int k = 0; k < 3; k++) {
		snprintf(at, sizeof at, "2020-02-06T08:0%d:00+08:00", k);
		assert_int_equal(step(&agent, id, kinds[k], at, code), 200);
	}
	int end = 8 * 60 + minutes;
	snprintf(at, sizeof at, "2020-02-06T%02d:%02d:00+08:00", end / 60, end % 60);
	assert_int_equal(step(&agent, id, "licence", at, code), 200);
	return id;
}

static double real(json_t *o, const char *key)
{
	return json_real_value(json_object_get(o, key));
}

/* Hours go out to 15 significant digits. */
static bool near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

static json_t *get(struct client *c, const char *path, struct response *r)
{
	assert_int_equal(client_callf(c, r, "GET", path, NULL), 200);
	return r->json;
}

static void test_flag_refuses_bad_input_and_outsiders(void **state)
{
	(void)state;
	static const struct {
		const char *body, *code, *field;
	} bad[] = {
	    {"{\"item\":\"business_license\",\"district\":\"350123\",\"officer\":\"ly-officer\",\"reason\":\"急需\"}",
	     "missing_field", "applicant"},
	    {"{\"applicant\":\"甲\",\"item\":\"no_such\",\"district\":\"350123\",\"officer\":\"ly-officer\",\"reason\":"
	     "\"急需\"}",
	     "unknown_item", "item"},
	    /* 立项备案 is limited in working days: not for the green channel */
	    {"{\"applicant\":\"甲\",\"item\":\"filing\",\"district\":\"350123\",\"officer\":\"ly-officer\",\"reason\":"
	     "\"急需\"}",
	     "not_hour_limited", "item"},
	    {"{\"applicant\":\"甲\",\"item\":\"business_license\",\"district\":\"350123-scjg\",\"officer\":\"ly-"
	     "officer\","
	     "\"reason\":\"急需\"}",
	     "not_a_district", "district"},
	    /* an enterprise's account follows nobody's case */
	    {"{\"applicant\":\"甲\",\"item\":\"business_license\",\"district\":\"350123\",\"officer\":\"ly-firm\","
	     "\"reason\":\"急需\"}",
	     "unknown_officer", "officer"},
	    {"{\"applicant\":\"甲\",\"item\":\"business_license\",\"district\":\"350123\",\"officer\":\"ly-officer\","
	     "\"reason\":\"急需\",\"hours\":1}",
	     "unknown_field", "hours"},
	};
	long long audit = count("SELECT count(*) FROM audit_log");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct response r;
		assert_int_equal(client_callf(&agent, &r, "POST", green, "%s", bad[i].body), 422);
		assert_string_equal(error_code(&r), bad[i].code);
		assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")),
		                    bad[i].field);
		response_free(&r);
	}
	char code[48];
	/* Leaders read; a bureau that handles no registration, an administrator of another district, an
	** investment officer and an enterprise may not flag. */
	assert_int_equal(client_statusf(&leader, "POST", green, code, "%s", FLAG("甲", "350123", "ly-officer")), 403);
	assert_string_equal(code, "forbidden");
	assert_int_equal(client_statusf(&officer, "POST", green, code, "%s", FLAG("甲", "350123", "ly-officer")), 403);
	assert_int_equal(client_statusf(&firm, "POST", green, code, "%s", FLAG("甲", "350123", "ly-officer")), 403);
	assert_int_equal(client_statusf(&fgw, "POST", green, code, "%s", FLAG("甲", "350123", "ly-officer")), 403);
	assert_string_equal(code, "not_your_case");
	assert_int_equal(client_statusf(&ja_admin, "POST", green, code, "%s", FLAG("甲", "350123", "ly-officer")), 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(count("SELECT count(*) FROM green_cases"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);

	/* 罗源's 市场监管局 handles the registration (the district's own bureau); the catalogue gives 2 hours. */
	struct response r;
	assert_int_equal(
	    client_callf(&scjg, &r, "POST", green, "%s", FLAG("福建省源联盛医疗器械有限公司", "350123", "ly-officer")),
	    201);
	assert_int_equal(json_integer_value(json_object_get(r.json, "limit_hours")), 2);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	char path[96];
	snprintf(path, sizeof path, "%s/%lld", green, id);
	json_t *c = get(&leader, path, &r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "department"), "code")),
	                    "350123-scjg");
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "officer"), "username")),
	                    "ly-officer");
	assert_string_equal(json_string_value(json_object_get(c, "state")), "open");
	assert_string_equal(json_string_value(json_object_get(c, "next_step")), "documents");
	assert_true(json_is_null(json_object_get(c, "hours"))); /* no clock before the documents */
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'project.green_flag'"), 1);
	/* The city's agent flags in any district. */
	flag(&agent, FLAG("福州长乐洁康消毒用品有限公司", "350112", "cl-officer"));
}

/*
** Documents in at 23:10 on 6 February, the licence at 00:55 on the 7th:
** 50 minutes before midnight and 55 after, 1 h 45 min = 1.75 hours on a
** 2-hour clock.  At 01:00 (the server's clock), while the licence is not yet
** recorded, the clock reads 1 h 50 min: past half the limit, yellow.
*/
static void test_steps_in_order_clock_across_midnight(void **state)
{
	(void)state;
	char code[48], path[96];
	long long id = flag(&agent, FLAG("福建省源联盛医疗器械有限公司", "350123", "ly-officer"));
	snprintf(path, sizeof path, "%s/%lld", green, id);
	assert_int_equal(step(&officer, id, "submission", "2020-02-06T23:20:00+08:00", code), 409);
	assert_string_equal(code, "step_out_of_order");
	assert_int_equal(step(&officer, id, "documents", "2020-02-06T23:10:00+08:00", code), 200);
	assert_int_equal(step(&officer, id, "documents", "2020-02-06T23:11:00+08:00", code), 409);
	assert_string_equal(code, "step_out_of_order");
	assert_int_equal(step(&officer, id, "licence", "2020-02-07T00:55:00+08:00", code), 409);
	assert_int_equal(step(&scjg, id, "submission", "2020-02-06T23:30:00+08:00", code), 200);
	assert_int_equal(step(&scjg, id, "review", "2020-02-07T00:20:00+08:00", code), 200);

	struct response r;
	json_t *c = get(&leader, path, &r);
	assert_string_equal(json_string_value(json_object_get(c, "due_at")), "2020-02-07T01:10:00+08:00");
	assert_true(near(real(c, "hours"), 110.0 / 60));
	assert_string_equal(json_string_value(json_object_get(c, "light")), "yellow");
	response_free(&r);
	/* On the leaders' screen while open. */
	json_t *list = get(&leader, "/api/v1/projects/green-channel?state=open", &r);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(list, "items"), 0), "id")),
	                 id);
	response_free(&r);

	assert_int_equal(step(&officer, id, "licence", "2020-02-07T00:55:00+08:00", code), 200);
	c = get(&leader, path, &r);
	assert_string_equal(json_string_value(json_object_get(c, "state")), "done");
	assert_true(near(real(c, "hours"), 1.75));
	assert_true(json_is_true(json_object_get(c, "on_time")));
	assert_string_equal(json_string_value(json_object_get(c, "licensed_at")), "2020-02-07T00:55:00+08:00");
	json_t *steps = json_object_get(c, "steps");
	assert_int_equal(json_array_size(steps), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(steps, 1), "name")), "现场提交");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(json_array_get(steps, 1), "by"), "username")), "ly-scjg");
	response_free(&r);
	list = get(&leader, "/api/v1/projects/green-channel?state=open", &r);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
	response_free(&r);
	assert_int_equal(step(&officer, id, "licence", NULL, code), 409);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'project.green_step'"), 4);
}

static void test_bad_steps_change_nothing(void **state)
{
	(void)state;
	char code[48], path[96];
	long long id = flag(&agent, FLAG("甲", "350123", "ly-officer"));
	assert_int_equal(step(&officer, id, "documents", "2020-02-06T22:00:00+08:00", code), 200);
	long long audit = count("SELECT count(*) FROM audit_log");
	assert_int_equal(step(&officer, id, "stamp", NULL, code), 422);
	assert_string_equal(code, "unknown_step");
	assert_int_equal(step(&officer, id, "submission", "2020-02-07T01:30:00+08:00", code), 422);
	assert_string_equal(code, "time_in_future");
	assert_int_equal(step(&officer, id, "submission", "2020-02-06T21:59:00+08:00", code), 422);
	assert_string_equal(code, "time_before_previous");
	assert_int_equal(step(&officer, id, "submission", "yesterday", code), 422);
	assert_string_equal(code, "invalid_time");
	snprintf(path, sizeof path, "%s/%lld/steps", green, id);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"kind\":\"submission\",\"by\":\"me\"}"), 422);
	assert_string_equal(code, "unknown_field");
	assert_int_equal(count("SELECT count(*) FROM green_case_steps"), 1);
	assert_int_equal(count("SELECT steps FROM green_cases"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/projects/green-channel?state=late", code, NULL), 422);
	assert_string_equal(code, "invalid_filter");
}

/*
** Who may record a step: the case's officer (even outside their district),
** the department that handles it, an agent or administrator whose area
** holds its district.  Others see it (their branch) but may not act, or do
** not see it at all.
*/
static void test_who_may_record(void **state)
{
	(void)state;
	char code[48], path[96];
	/* A 长乐 case followed by 罗源's officer. */
	long long id = flag(&agent, FLAG("乙", "350112", "ly-officer"));
	snprintf(path, sizeof path, "%s/%lld", green, id);
	assert_int_equal(step(&cl_officer, id, "documents", NULL, code), 403);
	assert_string_equal(code, "not_your_case");
	assert_int_equal(step(&fgw, id, "documents", NULL, code), 404); /* not its case: not there at all */
	assert_string_equal(code, "unknown_case");
	assert_int_equal(step(&ja_admin, id, "documents", NULL, code), 404);
	assert_int_equal(step(&leader, id, "documents", NULL, code), 403);
	assert_string_equal(code, "forbidden");
	assert_int_equal(step(&firm, id, "documents", NULL, code), 403);
	assert_int_equal(count("SELECT count(*) FROM green_case_steps"), 0);
	assert_int_equal(step(&officer, id, "documents", NULL, code), 200);
	assert_int_equal(step(&agent, id, "submission", NULL, code), 200);
	assert_int_equal(step(&admin, id, "review", NULL, code), 200);
	/* Reading: the city's leader, 长乐's officer (its branch), its officer; not 发改委 nor 晋安. */
	assert_int_equal(client_statusf(&leader, "GET", path, code, NULL), 200);
	assert_int_equal(client_statusf(&cl_officer, "GET", path, code, NULL), 200);
	assert_int_equal(client_statusf(&officer, "GET", path, code, NULL), 200);
	assert_int_equal(client_statusf(&fgw, "GET", path, code, NULL), 404);
	assert_int_equal(client_statusf(&ja_admin, "GET", path, code, NULL), 404);
	assert_int_equal(client_statusf(&firm, "GET", path, code, NULL), 403);
	struct response r;
	json_t *list = get(&fgw, green, &r);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
	response_free(&r);
}

/* The row of a district in the statistics. */
static json_t *row_of(json_t *stats, const char *district)
{
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(stats, "items"), i, row)
	{
		if (strcmp(json_string_value(json_object_get(json_object_get(row, "district"), "code")), district) == 0)
			return row;
	}
	fail_msg("no row for %s", district);
	return NULL;
}

/*
** By hand: 罗源 took 60, 105 and 150 minutes (1, 1.75, 2.5 hours): median
** 1.75, worst 2.5, two within the 2 hours; 长乐 30 and 90 minutes (0.5,
** 1.5): median the mean of the two, 1.0, worst 1.5, and one open.  In all,
** 0.5 1 1.5 1.75 2.5: median 1.5, worst 2.5.
*/
static void test_statistics_by_hand(void **state)
{
	(void)state;
	done_case(FLAG("甲", "350123", "ly-officer"), 150);
	done_case(FLAG("乙", "350123", "ly-officer"), 60);
	done_case(FLAG("丙", "350123", "ly-officer"), 105);
	done_case(FLAG("丁", "350112", "cl-officer"), 90);
	done_case(FLAG("戊", "350112", "cl-officer"), 30);
	flag(&agent, FLAG("己", "350112", "cl-officer"));
	struct response r;
	json_t *stats = get(&leader, "/api/v1/projects/green-channel/stats", &r);
	json_t *ly = row_of(stats, "350123"), *cl = row_of(stats, "350112"), *total = json_object_get(stats, "total");
	assert_int_equal(json_integer_value(json_object_get(ly, "cases")), 3);
	assert_int_equal(json_integer_value(json_object_get(ly, "on_time")), 2);
	assert_true(near(real(ly, "median_hours"), 1.75));
	assert_true(near(real(ly, "worst_hours"), 2.5));
	assert_string_equal(json_string_value(json_object_get(json_object_get(ly, "kind"), "code")),
	                    "business_license");
	assert_int_equal(json_integer_value(json_object_get(cl, "cases")), 3);
	assert_int_equal(json_integer_value(json_object_get(cl, "open")), 1);
	assert_true(near(real(cl, "median_hours"), 1.0));
	assert_true(near(real(cl, "worst_hours"), 1.5));
	assert_int_equal(json_integer_value(json_object_get(total, "cases")), 6);
	assert_int_equal(json_integer_value(json_object_get(total, "done")), 5);
	assert_true(near(real(total, "median_hours"), 1.5));
	assert_true(near(real(total, "worst_hours"), 2.5));
	response_free(&r);
	/* 长乐's officer sees 长乐's cases only. */
	stats = get(&cl_officer, "/api/v1/projects/green-channel/stats", &r);
	assert_int_equal(json_array_size(json_object_get(stats, "items")), 1);
	assert_true(near(real(json_object_get(stats, "total"), "median_hours"), 1.0));
	response_free(&r);
	/* 发改委 handles none: nothing to count, no hours. */
	stats = get(&fgw, "/api/v1/projects/green-channel/stats", &r);
	assert_int_equal(json_array_size(json_object_get(stats, "items")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(stats, "total"), "cases")), 0);
	assert_true(json_is_null(json_object_get(json_object_get(stats, "total"), "median_hours")));
	response_free(&r);
	/* For Excel: a line a district and kind, and the total. */
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/projects/green-channel/stats?format=csv", NULL),
	                 200);
	assert_non_null(strstr(r.body, "罗源县,设立登记(营业执照),3,3,0,2,1.75,2.50"));
	assert_non_null(strstr(r.body, "合计,,6,5,1,4,1.50,2.50"));
	response_free(&r);
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/projects/green-channel/stats?format=xlsx", NULL),
	                 200);
	char *strings = xlsx_part(&r, "xl/sharedStrings.xml");
	assert_non_null(strings);
	assert_non_null(strstr(strings, "用时中位数(小时)"));
	free(strings);
	response_free(&r);
	char code[48];
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/projects/green-channel/stats?format=pdf", code, NULL),
	                 422);
}

/* The demo holds Luoyuan's 2-hour case, its officer following it. */
static void test_demo_case(void **state)
{
	(void)state;
	struct test_server demo;
	struct client c;
	unsetenv("BANYAN_CLOCK");
	demo_up_as(&demo, &c, "city-leader");
	struct response r;
	json_t *list = get(&c, "/api/v1/projects/green-channel?district=350123", &r);
	json_t *it = json_array_get(json_object_get(list, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(it, "applicant")), "福建省源联盛医疗器械有限公司");
	assert_string_equal(json_string_value(json_object_get(it, "state")), "done");
	assert_true(near(real(it, "hours"), 2.0));
	assert_string_equal(json_string_value(json_object_get(json_object_get(it, "officer"), "username")),
	                    "luoyuan-scjg");
	response_free(&r);
	list = get(&c, "/api/v1/projects/green-channel?state=open", &r);
	assert_true(json_array_size(json_object_get(list, "items")) >= 1);
	response_free(&r);
	client_free(&c);
	server_down(&demo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_flag_refuses_bad_input_and_outsiders, up, down),
	    cmocka_unit_test_setup_teardown(test_steps_in_order_clock_across_midnight, up, down),
	    cmocka_unit_test_setup_teardown(test_bad_steps_change_nothing, up, down),
	    cmocka_unit_test_setup_teardown(test_who_may_record, up, down),
	    cmocka_unit_test_setup_teardown(test_statistics_by_hand, up, down),
	    /* Last: `banyan demo` does not run on PostgreSQL yet, so it is left out there. */
	    cmocka_unit_test(test_demo_case),
	};
	size_t n = sizeof tests / sizeof tests[0] - (on_postgres() ? 1 : 0);
	return _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
}
