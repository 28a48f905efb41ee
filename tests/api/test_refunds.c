/*
** test_refunds.c - job-stabilisation refunds against the real server: the
** human resources bureaus' duty, the rolls imported (refusals by line, the
** same file twice), policies and their versions, a dry run and a run worked
** out by hand, a re-run that decides nobody twice, district scope, and an
** enterprise reading its own decision.
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
#include "db/db.h"

static struct test_server server;
static struct client hr, hr_admin, ja_hr, swj, fgw, leader, cl_leader, admin, firm;

#define HEADER "统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n"
/* Enterprises worked by hand (see test_dry_run_and_run_worked_by_hand). */
#define E1 "91350111MA2RF0001N" /* 晋安, large: 200 → 189 = 5.50%, eligible; 50% of 12,345 fen = 6,172.5 → 6,173 */
#define E2 "91350111MA2RF0002R" /* 晋安, medium: 2000 → 1889 = 5.55%, refused under 5.5% (eligible under 6%) */
#define E3 "91350111MA2RF00053" /* 晋安, small: 30 → 24 = 20%, eligible: 100% of 50,000 fen */
#define E4 "91350111MA2RF00066" /* 晋安, small: 31 → 25 = 19.35%, refused (31 takes 5.5%) */
#define E5 "91350112MA2RF0003B" /* 长乐, micro: arrears in June, the cut-off month: refused */
#define E6 "91350112MA2RF0008T" /* 长乐, micro: arrears only in July, after the cut-off: eligible, 7,000 fen */
#define E7 "91350102MA2RF0004Y" /* 鼓楼, small: on the serious-default list: refused */
#define E8 "91350111MA2RF00079" /* 晋安, small: on the rolls later (a second import), decided by a later batch */

static const char rolls_2019[] = HEADER E1 ",一号公司,350111,制造,大型,2019-12,200,12345,0\n" E2
                                        ",二号公司,350111,制造,中型,2019-12,2000,100000,0\n" E3
                                        ",三号公司,350111,零售,小型,2019-12,30,50000,0\n" E4
                                        ",四号公司,350111,零售,小型,2019-12,31,50000,0\n" E5
                                        ",五号公司,350112,餐饮,微型,2019-12,10,7000,0\n" E6
                                        ",六号公司,350112,餐饮,微型,2019-12,10,7000,0\n" E7
                                        ",七号公司,350102,零售,小型,2019-12,10,9000,0\n";

static const char rolls_2020[] =
    HEADER E1 ",一号公司,350111,制造,大型,2020-01,200,1000,0\n" E1 ",一号公司,350111,制造,大型,2020-06,189,1000,0\n" E2
    ",二号公司,350111,制造,中型,2020-01,2000,1000,0\n" E2 ",二号公司,350111,制造,中型,2020-06,1889,1000,0\n" E3
    ",三号公司,350111,零售,小型,2020-01,30,1000,0\n" E3 ",三号公司,350111,零售,小型,2020-06,24,1000,0\n" E4
    ",四号公司,350111,零售,小型,2020-01,31,1000,0\n" E4 ",四号公司,350111,零售,小型,2020-06,25,1000,0\n" E5
    ",五号公司,350112,餐饮,微型,2020-01,10,1000,0\n" E5 ",五号公司,350112,餐饮,微型,2020-06,10,1000,500\n" E6
    ",六号公司,350112,餐饮,微型,2020-01,10,1000,0\n" E6 ",六号公司,350112,餐饮,微型,2020-06,10,1000,0\n" E6
    ",六号公司,350112,餐饮,微型,2020-07,10,1000,800\n" E7 ",七号公司,350102,零售,小型,2020-01,10,1000,0\n" E7
    ",七号公司,350102,零售,小型,2020-06,10,1000,0\n";

#define RULES(rate)                                                                                                    \
	"{\"year\":2020,\"start_month\":\"2020-01\",\"end_month\":\"2020-06\",\"arrears_month\":\"2020-06\","          \
	"\"rate_bp\":" rate ",\"small_rate_bp\":2000,\"small_headcount\":30,\"exclude_default\":true,"                 \
	"\"require_difficulty\":false,\"amount\":\"premium_share\",\"share_bp\":{\"large\":5000,\"medium\":5000,"      \
	"\"small\":10000,\"micro\":10000},\"cap_fen\":0,\"rounding\":\"half_up\"}"

/* POST {key: value...} built by jansson (CSV text needs escaping); returns the status. */
static long import_rolls(struct client *c, struct response *r, int year, const char *csv)
{
	return client_post_json(c, r, "/api/v1/refunds/rolls/import",
	                        json_pack("{s:i, s:s}", "year", year, "csv", csv));
}

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

static long long json_int(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&hr, "city-hr", "department", "350100-rsj"},
    {&hr_admin, "city-hr-admin", "department", "350100-rsj"}, /* made the duty administrator below */
    {&ja_hr, "ja-hr", "department", "350111-rsj"},
    {&swj, "swj-staff", "department", "350100-swj"},
    {&fgw, "fgw-staff", "department", "350100-fgw"},
    {&leader, "leader", "leader", "350100"},
    {&cl_leader, "cl-leader", "leader", "350112"},
    {&firm, "firm", "enterprise", "350111"},
};

static int setup(void **state)
{
	(void)state;
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	/* The enterprise account acts for E1, registered on the desk. */
	return enterprise_with_account(&admin, "一号公司", E1, "350111", "firm");
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

/* Only the human resources bureaus run refunds: the commerce bureau and the development commission are refused. */
static void test_other_bureaus_lack_the_duty(void **state)
{
	(void)state;
	char code[48];
	long long audit = count("SELECT count(*) FROM audit_log");
	struct client *others[] = {&swj, &fgw};
	for (size_t i = 0; i < 2; i++) {
		struct response r;
		assert_int_equal(import_rolls(others[i], &r, 2020, rolls_2020), 403);
		assert_string_equal(error_code(&r), "wrong_duty");
		assert_non_null(strstr(r.body, "您所在的单位不负责此项工作"));
		response_free(&r);
		assert_int_equal(client_statusf(others[i], "GET", "/api/v1/refunds/policies", code, NULL), 403);
		assert_string_equal(code, "wrong_duty");
	}
	/* A system administrator does not run a bureau's work; leaders read. */
	assert_int_equal(client_statusf(&admin, "GET", "/api/v1/refunds/policies", code, NULL), 403);
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/refunds/policies", code, NULL), 200);
	assert_int_equal(client_statusf(&hr, "GET", "/api/v1/refunds/policies", code, NULL), 200);
	assert_int_equal(count("SELECT count(*) FROM refund_imports"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);
	/* Who am I says what my organisation runs (the console's menus follow it); so does the OpenAPI document. */
	struct response r;
	assert_int_equal(client_callf(&hr, &r, "GET", "/api/v1/me", NULL), 200);
	json_t *duties = json_object_get(json_object_get(json_object_get(r.json, "user"), "org"), "duties");
	assert_int_equal(json_array_size(duties), 1);
	assert_string_equal(json_string_value(json_array_get(duties, 0)), "refunds");
	response_free(&r);
	assert_int_equal(client_callf(&fgw, &r, "GET", "/api/v1/me", NULL), 200);
	duties = json_object_get(json_object_get(json_object_get(r.json, "user"), "org"), "duties");
	assert_int_equal(json_array_size(duties), 1); /* the development commission approves, it does not run refunds */
	assert_string_equal(json_string_value(json_array_get(duties, 0)), "approval");
	response_free(&r);
	assert_int_equal(client_callf(&hr, &r, "GET", "/api/v1/openapi.json", NULL), 200);
	json_t *op = json_object_get(json_object_get(json_object_get(r.json, "paths"), "/api/v1/refunds/rolls/import"),
	                             "post");
	assert_string_equal(json_string_value(json_object_get(op, "x-banyan-duty")), "refunds");
	response_free(&r);
}

static void test_rolls_import_all_or_nothing_and_once(void **state)
{
	(void)state;
	struct response r;
	/* A bad line 3 (a month of another year) and nothing is imported. */
	char bad[1024];
	snprintf(bad, sizeof bad, HEADER E1 ",一号公司,350111,制造,大型,2020-01,200,1000,0\n" E2
	         ",二号公司,350111,制造,中型,2021-01,2000,1000,0\n");
	assert_int_equal(import_rolls(&hr, &r, 2020, bad), 422);
	assert_string_equal(error_code(&r), "bad_line");
	assert_non_null(strstr(r.body, "第 3 行"));
	response_free(&r);
	/* A district's bureau imports its own district only: 长乐's line is refused. */
	assert_int_equal(import_rolls(&ja_hr, &r, 2020, rolls_2020), 422);
	assert_non_null(strstr(r.body, "第 10 行"));
	response_free(&r);
	/* The same (enterprise, month) twice is named at its second line, lines apart, before a fault further down. */
	snprintf(bad, sizeof bad,
	         HEADER E1 ",一号公司,350111,制造,大型,2020-01,200,1000,0\n" E2 ",二号公司,350111,制造,中型,2020-01,20,1000,0\n" E1
	                ",一号公司,350111,制造,大型,2020-02,200,1000,0\n" E1 ",一号公司,350111,制造,大型,2020-01,201,1000,0\n" E2
	                ",二号公司,350111,制造,中型,2021-01,20,1000,0\n");
	assert_int_equal(import_rolls(&hr, &r, 2020, bad), 422);
	assert_non_null(strstr(r.body, "第 5 行"));
	assert_non_null(strstr(r.body, "重复"));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_rolls") + count("SELECT count(*) FROM refund_imports") +
	                     count("SELECT count(*) FROM refund_enterprises"),
	                 0);

	assert_int_equal(import_rolls(&hr, &r, 2019, rolls_2019), 200);
	assert_int_equal(json_int(r.json, "rows"), 7);
	response_free(&r);
	assert_int_equal(import_rolls(&hr, &r, 2020, rolls_2020), 200);
	assert_int_equal(json_int(r.json, "rows"), 15);
	assert_int_equal(json_int(r.json, "enterprises"), 7);
	assert_false(json_is_true(json_object_get(r.json, "already_imported")));
	response_free(&r);
	long long audit = count("SELECT count(*) FROM audit_log");
	/* The same file again: nothing changes, the answer says so. */
	assert_int_equal(import_rolls(&hr, &r, 2020, rolls_2020), 200);
	assert_true(json_is_true(json_object_get(r.json, "already_imported")));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_imports"), 2);
	assert_int_equal(count("SELECT count(*) FROM refund_rolls"), 22);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'refunds.rolls.import'"), 2);
	/* Kept with the file's SHA-256 and who imported it. */
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/refunds/imports", NULL), 200);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(strlen(json_string_value(json_object_get(first, "sha256"))), 64);
	assert_string_equal(json_string_value(json_object_get(first, "actor")), "city-hr");
	response_free(&r);
	/* The serious-default list, once. */
	const char *list = "统一社会信用代码,企业名称\n" E7 ",七号公司\n";
	for (int i = 0; i < 2; i++) {
		assert_int_equal(client_post_json(&hr, &r, "/api/v1/refunds/lists/import",
		                                  json_pack("{s:s, s:s}", "list", "default", "csv", list)),
		                 200);
		assert_int_equal(json_is_true(json_object_get(r.json, "already_imported")), i == 1);
		response_free(&r);
	}
	assert_int_equal(
	    client_post_json(&hr, &r, "/api/v1/refunds/lists/import",
	                     json_pack("{s:s, s:s}", "list", "default", "csv",
	                               "统一社会信用代码,企业名称\n" E7 ",七号公司\n91350111MA2RF0001P,坏\n")),
	    422);
	assert_non_null(strstr(r.body, "第 3 行"));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_lists"), 1);
}

static long long policy_id;

/* The system administrator makes username the duty administrator (业务管理员) of their organisation's duties. */
static void make_duty_admin(const char *username)
{
	struct response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/users?q=%s", username);
	assert_int_equal(client_callf(&admin, &r, "GET", path, NULL), 200);
	json_t *user = json_array_get(json_object_get(r.json, "items"), 0);
	assert_false(json_is_true(json_object_get(user, "duty_admin")));
	snprintf(path, sizeof path, "/api/v1/users/%lld", json_int(user, "id"));
	response_free(&r);
	assert_int_equal(client_callf(&admin, &r, "PATCH", path, "{\"duty_admin\":true}"), 200);
	assert_true(json_is_true(json_object_get(r.json, "duty_admin")));
	response_free(&r);
}

/* The bureau's duty administrator edits policies; its other staff may not (they run batches). */
static void test_only_the_duty_administrator_edits_policies(void **state)
{
	(void)state;
	struct response r;
	char code[48];
	const char *policy = "{\"code\":\"2020-staff\",\"name\":\"职员新建\",\"rules\":" RULES("550") "}";
	assert_int_equal(client_statusf(&hr, "POST", "/api/v1/refunds/policies", code, policy), 403);
	assert_string_equal(code, "not_duty_admin");
	assert_int_equal(client_callf(&hr_admin, &r, "POST", "/api/v1/refunds/policies", policy), 403);
	assert_non_null(strstr(r.body, "业务管理员"));
	response_free(&r);
	make_duty_admin("city-hr-admin");
	make_duty_admin("ja-hr");
	assert_int_equal(client_callf(&hr_admin, &r, "GET", "/api/v1/me", NULL), 200);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "user"), "duty_admin")));
	response_free(&r);
	assert_int_equal(client_callf(&hr, &r, "GET", "/api/v1/me", NULL), 200);
	assert_false(json_is_true(json_object_get(json_object_get(r.json, "user"), "duty_admin")));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'user.update' AND detail LIKE"
	                       " '%\"duty_admin\":true%'"),
	                 2);
	assert_int_equal(count("SELECT count(*) FROM refund_policies"), 0);
	assert_int_equal(client_statusf(&hr_admin, "POST", "/api/v1/refunds/policies/999999/versions", code,
	                                "{\"rules\":" RULES("550") "}"),
	                 404);
}

static void test_policies_are_versioned(void **state)
{
	(void)state;
	struct response r;
	char code[48];
	assert_int_equal(client_callf(&hr_admin, &r, "POST", "/api/v1/refunds/policies",
	                              "{\"code\":\"2020-small\",\"name\":\"2020年中小微企业稳岗返还\",\"rules\":" RULES("550") "}"),
	                 201);
	policy_id = json_int(r.json, "id");
	assert_int_equal(json_int(r.json, "version"), 1);
	response_free(&r);
	assert_int_equal(client_statusf(&hr_admin, "POST", "/api/v1/refunds/policies", code,
	                                "{\"code\":\"2020-small\",\"name\":\"重名\",\"rules\":" RULES("550") "}"),
	                 409);
	assert_int_equal(client_statusf(&hr_admin, "POST", "/api/v1/refunds/policies", code,
	                                "{\"code\":\"x\",\"name\":\"浮点\",\"rules\":" RULES("5.5") "}"),
	                 422);
	assert_string_equal(code, "invalid_rules");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/refunds/policies/%lld/versions", policy_id);
	assert_int_equal(client_statusf(&hr, "POST", path, code, "{\"rules\":" RULES("600") "}"), 403);
	assert_string_equal(code, "not_duty_admin");
	assert_int_equal(client_callf(&hr_admin, &r, "POST", path, "{\"rules\":" RULES("600") ",\"note\":\"放宽到 6%%\"}"),
	                 201);
	assert_int_equal(json_int(r.json, "version"), 2);
	response_free(&r);
	/* A district's bureau reads the city's policy but may not change it. */
	assert_int_equal(client_statusf(&ja_hr, "POST", path, code, "{\"rules\":" RULES("700") "}"), 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(client_callf(&ja_hr, &r, "GET", "/api/v1/refunds/policies", NULL), 200);
	json_t *p = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(json_int(p, "version"), 2);
	assert_int_equal(json_int(json_object_get(p, "rules"), "rate_bp"), 600);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_policy_versions"), 2);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action LIKE 'refunds.policy.%'"), 2);
}

/* The item of an array whose field is value, or NULL. */
static json_t *item_with(json_t *array, const char *field, const char *value)
{
	size_t i;
	json_t *item;
	json_array_foreach(array, i, item)
	{
		if (strcmp(json_string_value(json_object_get(item, field)), value) == 0)
			return item;
	}
	return NULL;
}

static json_t *district_of(json_t *dry, const char *code)
{
	return item_with(json_object_get(dry, "districts"), "district", code);
}

static void test_dry_run_and_run_worked_by_hand(void **state)
{
	(void)state;
	struct response r;
	char path[128], code[48];
	long long audit = count("SELECT count(*) FROM audit_log");
	/* Version 1 (5.5%): E1 6,173 + E3 50,000 + E6 7,000 = 63,173 fen; 189 + 24 + 10 = 223 people. */
	snprintf(path, sizeof path, "/api/v1/refunds/policies/%lld/dry-run?version=1", policy_id);
	assert_int_equal(client_callf(&hr, &r, "GET", path, NULL), 200);
	assert_int_equal(json_int(r.json, "enterprises"), 3);
	assert_int_equal(json_int(r.json, "people"), 223);
	assert_int_equal(json_int(r.json, "amount_fen"), 63173);
	assert_int_equal(json_int(r.json, "refused"), 4);
	json_t *ja = district_of(r.json, "350111"), *cl = district_of(r.json, "350112"), *gl = district_of(r.json, "350102");
	assert_int_equal(json_int(ja, "enterprises"), 2);
	assert_int_equal(json_int(ja, "people"), 213);
	assert_int_equal(json_int(ja, "amount_fen"), 56173);
	assert_int_equal(json_int(cl, "amount_fen"), 7000);
	assert_int_equal(json_int(gl, "enterprises"), 0);
	assert_int_equal(json_int(gl, "refused"), 1);
	response_free(&r);
	/* The latest version (6%) would also give E2 50% of 100,000 fen. */
	snprintf(path, sizeof path, "/api/v1/refunds/policies/%lld/dry-run", policy_id);
	assert_int_equal(client_callf(&hr, &r, "GET", path, NULL), 200);
	assert_int_equal(json_int(r.json, "version"), 2);
	assert_int_equal(json_int(r.json, "amount_fen"), 63173 + 50000);
	response_free(&r);
	/* A district's bureau tries it on its own district only. */
	assert_int_equal(client_callf(&ja_hr, &r, "GET", path, NULL), 200);
	assert_int_equal(json_int(r.json, "enterprises") + json_int(r.json, "refused"), 4);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_decisions") + count("SELECT count(*) FROM refund_batches"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);

	/* Running version 1: 第1批, every enterprise decided once. */
	snprintf(path, sizeof path, "/api/v1/refunds/policies/%lld/batches", policy_id);
	assert_int_equal(client_statusf(&ja_hr, "POST", path, code, "{}"), 403); /* the city's policy */
	assert_int_equal(client_callf(&hr, &r, "POST", path, "{\"version\":1}"), 201);
	long long batch = json_int(r.json, "id");
	assert_int_equal(json_int(r.json, "number"), 1);
	assert_int_equal(json_int(r.json, "decided"), 7);
	assert_int_equal(json_int(r.json, "eligible"), 3);
	assert_int_equal(json_int(r.json, "amount_fen"), 63173);
	assert_int_equal(json_int(r.json, "skipped"), 0);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_decisions WHERE eligible = 1"), 3);
	assert_int_equal(count("SELECT count(*) FROM refund_decisions d JOIN refund_policy_versions v"
	                       " ON v.id = d.policy_version_id WHERE v.version = 1"),
	                 7);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'refunds.batch.run'"), 1);
	/* Each refusal says why. */
	assert_int_equal(count("SELECT count(*) FROM refund_decisions WHERE credit_code = '" E5
	                       "' AND reason LIKE '%欠缴%'"),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM refund_decisions WHERE credit_code = '" E7
	                       "' AND reason LIKE '%严重失信%'"),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM refund_decisions WHERE credit_code = '" E4
	                       "' AND reason LIKE '%19.35%'"),
	                 1);

	/* Run again: nobody decided twice.  A new enterprise on the rolls is decided by 第3批 alone. */
	assert_int_equal(client_callf(&hr, &r, "POST", path, "{}"), 201);
	assert_int_equal(json_int(r.json, "number"), 2);
	assert_int_equal(json_int(r.json, "decided"), 0);
	assert_int_equal(json_int(r.json, "skipped"), 7);
	response_free(&r);
	assert_int_equal(import_rolls(&hr, &r, 2020,
	                              HEADER E8 ",八号公司,350111,零售,小型,2020-01,5,100,0\n" E8
	                                        ",八号公司,350111,零售,小型,2020-06,5,100,0\n"),
	                 200);
	response_free(&r);
	assert_int_equal(client_callf(&hr, &r, "POST", path, "{}"), 201);
	assert_int_equal(json_int(r.json, "decided"), 1);
	assert_int_equal(json_int(r.json, "skipped"), 7);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_decisions"), 8);
	/* The key, not the code, keeps one decision per enterprise and policy. */
	char sql[512];
	snprintf(sql, sizeof sql,
	         "INSERT INTO refund_decisions(batch_id, policy_id, policy_version_id, credit_code, district_org_id,"
	         " eligible, people, amount_fen, reason, figures) SELECT batch_id, policy_id, policy_version_id,"
	         " credit_code, district_org_id, eligible, people, amount_fen, reason, figures FROM refund_decisions"
	         " WHERE credit_code = '%s'",
	         E1);
	assert_int_equal(db_run_sql_refused(&server, sql), DB_CONSTRAINT);

	/* The decisions of 第1批: the city sees 7, 晋安's bureau its 4, 长乐's leader its 2. */
	snprintf(path, sizeof path, "/api/v1/refunds/batches/%lld/decisions", batch);
	struct {
		struct client *c;
		size_t n;
	} views[] = {{&hr, 7}, {&leader, 7}, {&ja_hr, 4}, {&cl_leader, 2}};
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
		assert_int_equal(client_callf(views[i].c, &r, "GET", path, NULL), 200);
		assert_int_equal(json_array_size(json_object_get(r.json, "items")), views[i].n);
		response_free(&r);
	}
	snprintf(path, sizeof path, "/api/v1/refunds/batches/%lld/decisions?eligible=1", batch);
	assert_int_equal(client_callf(&hr, &r, "GET", path, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
	response_free(&r);
}

/* The enterprise sees its own decision, with the figures to redo the sum, and nobody else's. */
static void test_enterprise_reads_its_own_decision(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&firm, &r, "GET", "/api/v1/refunds/mine", NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *d = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(d, "credit_code")), E1);
	assert_true(json_is_true(json_object_get(d, "eligible")));
	assert_int_equal(json_int(d, "amount_fen"), 6173);
	assert_int_equal(json_int(d, "version"), 1);
	json_t *f = json_object_get(d, "figures");
	assert_int_equal(json_int(f, "insured_start"), 200);
	assert_int_equal(json_int(f, "insured_end"), 189);
	assert_int_equal(json_int(f, "premiums_last_year_fen"), 12345);
	assert_int_equal(json_int(f, "share_bp"), 5000);
	assert_int_equal(json_int(f, "layoff_rate_bp"), 550);
	response_free(&r);
	char code[48];
	assert_int_equal(client_statusf(&hr, "GET", "/api/v1/refunds/mine", code, NULL), 403);
}

/* `banyan refunds import`: the bureau's bulk load, with the same refusals and the same once-only rule. */
static void test_command_imports_rolls(void **state)
{
	(void)state;
	char out[4096], csv[160];
	snprintf(csv, sizeof csv, "%s/rolls.csv", server.dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fputs(HEADER "91350111MA2RF0009F,九号公司,350111,零售,小型,2020-01,8,100,0\n"
	             "91350111MA2RF0009F,九号公司,350111,零售,小型,2020-01,8,100,0\n",
	      f);
	fclose(f);
	assert_int_not_equal(run_banyan(NULL, out, sizeof out, "refunds", "import", "--db", server.db, "--year", "2020",
	                                csv, NULL),
	                     0);
	if (!strstr(out, "line 3"))
		fail_msg("the duplicate is on line 3: %s", out);
	f = fopen(csv, "w");
	fputs(HEADER "91350111MA2RF0009F,九号公司,350111,零售,小型,2020-01,8,100,0\n", f);
	fclose(f);
	for (int i = 0; i < 2; i++)
		assert_int_equal(run_banyan(NULL, out, sizeof out, "refunds", "import", "--db", server.db, "--year", "2020",
		                            csv, NULL),
		                 0);
	assert_non_null(strstr(out, "already imported"));
	assert_int_equal(count("SELECT count(*) FROM refund_rolls WHERE credit_code = '91350111MA2RF0009F'"), 1);
	/* Corrected rolls of the same month, in another file: the month takes the new figures, no duplicate. */
	f = fopen(csv, "w");
	fputs(HEADER "91350111MA2RF0009F,九号公司,350111,零售,小型,2020-01,9,100,0\n", f);
	fclose(f);
	assert_int_equal(
	    run_banyan(NULL, out, sizeof out, "refunds", "import", "--db", server.db, "--year", "2020", csv, NULL), 0);
	assert_non_null(strstr(out, "1 rows, 1 enterprises"));
	assert_int_equal(count("SELECT insured FROM refund_rolls WHERE credit_code = '91350111MA2RF0009F'"), 9);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'refunds.rolls.import' AND actor = 'shell'"),
	                 2);
}

/* One row of a statistics answer by its key, or NULL. */
static json_t *stats_row(json_t *answer, const char *key)
{
	return item_with(json_object_get(answer, "rows"), "key", key);
}

/* Where the lifecycle would have taken a decision (its routes are not these tests'). */
static void set_state(long long policy, const char *credit_code, const char *state)
{
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE refund_decisions SET state = '%s' WHERE policy_id = %lld AND credit_code = '%s'",
	         state, policy, credit_code);
	db_run_sql(&server, sql);
}

static void assert_figures(json_t *row, long long enterprises, long long people, long long amount, long long paid)
{
	assert_non_null(row);
	assert_int_equal(json_int(row, "enterprises"), enterprises);
	assert_int_equal(json_int(row, "people"), people);
	assert_int_equal(json_int(row, "amount_fen"), amount);
	assert_int_equal(json_int(row, "paid_fen"), paid);
	assert_int_equal(json_int(row, "pending_fen"), amount - paid);
}

/*
** Statistics worked by hand.  A second policy, six months of a 100-fen
** benefit capped at 100,000 fen, refunds E1 189 × 600 = 113,400 → 100,000,
** E3 24 × 600 = 14,400, E6 6,000 and E8 5 × 600 = 3,000 (the first policy:
** E1 6,173, E3 50,000, E6 7,000).  Then, as the bank and the objections
** would leave them: the first policy's E3 and the second's E1 paid, the
** second's E6 withdrawn (not counted), the first's E1 failed (pending).
*/
static void test_statistics_worked_by_hand(void **state)
{
	(void)state;
	struct response r;
	char code[48];
	assert_int_equal(
	    client_callf(&hr_admin, &r, "POST", "/api/v1/refunds/policies",
	                 "{\"code\":\"2020-hard\",\"name\":\"2020年困难企业稳岗返还\",\"rules\":{\"year\":2020,"
	                 "\"start_month\":\"2020-01\",\"end_month\":\"2020-06\",\"arrears_month\":\"2020-06\","
	                 "\"rate_bp\":550,\"small_rate_bp\":2000,\"small_headcount\":30,\"exclude_default\":true,"
	                 "\"require_difficulty\":false,\"amount\":\"benefit\",\"benefit_months\":6,\"benefit_fen\":100,"
	                 "\"cap_fen\":100000,\"rounding\":\"half_up\"}}"),
	    201);
	long long hard = json_int(r.json, "id");
	response_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/refunds/policies/%lld/batches", hard);
	assert_int_equal(client_callf(&hr, &r, "POST", path, "{}"), 201);
	assert_int_equal(json_int(r.json, "eligible"), 4);
	assert_int_equal(json_int(r.json, "amount_fen"), 100000 + 14400 + 6000 + 3000);
	response_free(&r);
	set_state(policy_id, E3, "paid");
	set_state(hard, E1, "paid");
	set_state(hard, E6, "withdrawn");
	set_state(policy_id, E1, "failed");

	/* The city: E1, E3, E6 and E8 once each; people and money under each policy. */
	assert_int_equal(client_callf(&hr, &r, "GET", "/api/v1/refunds/stats", NULL), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "by")), "district");
	assert_figures(json_object_get(r.json, "total"), 4, 189 + 24 + 10 + 189 + 24 + 5,
	               6173 + 50000 + 7000 + 100000 + 14400 + 3000, 50000 + 100000);
	assert_string_equal(json_string_value(json_object_get(r.json, "headline")),
	                    "惠及4家企业,受惠人数441人,返还资金1,805.73元");
	assert_int_equal(json_array_size(json_object_get(r.json, "rows")), 2);
	json_t *first = json_array_get(json_object_get(r.json, "rows"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "label")), "晋安区");
	assert_figures(first, 3, 189 + 24 + 189 + 24 + 5, 6173 + 50000 + 100000 + 14400 + 3000, 150000);
	assert_figures(stats_row(r.json, "350112"), 1, 10, 7000, 0);
	response_free(&r);

	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/refunds/stats?by=policy", NULL), 200);
	first = json_array_get(json_object_get(r.json, "rows"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "label")), "2020年困难企业稳岗返还");
	assert_figures(first, 3, 189 + 24 + 5, 100000 + 14400 + 3000, 100000);
	assert_figures(stats_row(r.json, "2020-small"), 3, 189 + 24 + 10, 63173, 50000);
	response_free(&r);

	assert_int_equal(client_callf(&hr, &r, "GET", "/api/v1/refunds/stats?by=size", NULL), 200);
	first = json_array_get(json_object_get(r.json, "rows"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "label")), "大型");
	assert_figures(first, 1, 378, 106173, 100000);
	assert_figures(stats_row(r.json, "small"), 2, 24 + 24 + 5, 50000 + 14400 + 3000, 50000);
	assert_figures(stats_row(r.json, "micro"), 1, 10, 7000, 0);
	assert_null(stats_row(r.json, "medium"));
	response_free(&r);

	assert_int_equal(client_callf(&hr, &r, "GET", "/api/v1/refunds/stats?by=industry", NULL), 200);
	assert_figures(stats_row(r.json, "零售"), 2, 53, 67400, 50000);
	assert_figures(stats_row(r.json, "餐饮"), 1, 10, 7000, 0);
	response_free(&r);

	/* One policy; and each district's own: 晋安's bureau, 长乐's leader. */
	snprintf(path, sizeof path, "/api/v1/refunds/stats?policy=%lld", policy_id);
	assert_int_equal(client_callf(&hr, &r, "GET", path, NULL), 200);
	assert_figures(json_object_get(r.json, "total"), 3, 223, 63173, 50000);
	assert_string_equal(json_string_value(json_object_get(r.json, "headline")),
	                    "惠及3家企业,受惠人数223人,返还资金631.73元");
	response_free(&r);
	assert_int_equal(client_callf(&ja_hr, &r, "GET", "/api/v1/refunds/stats", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "rows")), 1);
	assert_figures(json_object_get(r.json, "total"), 3, 431, 173573, 150000);
	response_free(&r);
	assert_int_equal(client_callf(&cl_leader, &r, "GET", "/api/v1/refunds/stats?by=policy", NULL), 200);
	assert_figures(json_object_get(r.json, "total"), 1, 10, 7000, 0);
	assert_figures(stats_row(r.json, "2020-small"), 1, 10, 7000, 0);
	assert_null(stats_row(r.json, "2020-hard")); /* E6's decision there was withdrawn */
	response_free(&r);

	/* The sheet: a line per row and the total, money in 元. */
	assert_int_equal(client_callf(&hr, &r, "GET", "/api/v1/refunds/stats?by=district&format=csv", NULL), 200);
	assert_non_null(strstr(r.body, "县(市)区,企业数,受惠人数,返还资金(元),已到账(元),待支付(元)\r\n"));
	assert_non_null(strstr(r.body, "晋安区,3,431,1735.73,1500.00,235.73\r\n"));
	assert_non_null(strstr(r.body, "合计,4,441,1805.73,1500.00,305.73\r\n"));
	response_free(&r);
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/refunds/stats?by=size&format=xlsx", NULL), 200);
	assert_true(has_header(&r, "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
	assert_memory_equal(r.body, "PK", 2);
	response_free(&r);

	/* Refused, clearly: another bureau, an enterprise, a bad dimension, policy or format, another area's policy. */
	assert_int_equal(client_statusf(&swj, "GET", "/api/v1/refunds/stats", code, NULL), 403);
	assert_string_equal(code, "wrong_duty");
	assert_int_equal(client_statusf(&firm, "GET", "/api/v1/refunds/stats", code, NULL), 403);
	assert_int_equal(client_statusf(&hr, "GET", "/api/v1/refunds/stats?by=month", code, NULL), 422);
	assert_string_equal(code, "invalid_filter");
	assert_int_equal(client_statusf(&hr, "GET", "/api/v1/refunds/stats?policy=x1", code, NULL), 422);
	assert_string_equal(code, "invalid_query");
	assert_int_equal(client_statusf(&hr, "GET", "/api/v1/refunds/stats?policy=999999", code, NULL), 404);
	assert_string_equal(code, "unknown_policy");
	assert_int_equal(client_statusf(&hr, "GET", "/api/v1/refunds/stats?format=pdf", code, NULL), 422);
}

/*
** The demo holds the Fuzhou Daily's figures (4 November 2020): the 2020
** difficulty refund 惠及17772家中小微困难企业,受惠人数15.06万人,涉及返还资金
** 11.66亿元, read through the statistics as the bureau would, and refusals
** of every kind beside them.
*/
static void test_demo_holds_the_article_figures(void **state)
{
	(void)state;
	struct test_server demo;
	struct client rsj;
	struct response r;
	demo_up_as(&demo, &rsj, "city-rsj");
	assert_int_equal(client_callf(&rsj, &r, "GET", "/api/v1/refunds/policies", NULL), 200);
	long long difficulty = json_int(item_with(json_object_get(r.json, "items"), "code", "2020-difficulty"), "id");
	response_free(&r);
	assert_true(difficulty > 0);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/refunds/stats?policy=%lld", difficulty);
	assert_int_equal(client_callf(&rsj, &r, "GET", path, NULL), 200);
	json_t *total = json_object_get(r.json, "total");
	assert_int_equal(json_int(total, "enterprises"), 17772);
	assert_int_equal(json_int(total, "people"), 150600);
	assert_int_equal(json_int(total, "amount_fen"), 116600000000LL); /* 11.66亿元 to the 万元: 116,600万元 */
	assert_int_equal(json_int(total, "paid_fen") + json_int(total, "pending_fen"), 116600000000LL);
	assert_string_equal(json_string_value(json_object_get(r.json, "headline")),
	                    "惠及17772家企业,受惠人数15.06万人,返还资金11.66亿元");
	assert_int_equal(json_array_size(json_object_get(r.json, "rows")), 13); /* every district */
	response_free(&r);
	/* Refused for each reason the rules give; and the cap at work. */
	static const char *const reasons[] = {"%无参保人员%", "%无参保记录%", "%严重失信%", "%未认定为困难企业%",
	                                      "%欠缴%", "%高于 5.50%", "%高于 20.00%"};
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM refund_decisions WHERE eligible = 0 AND reason LIKE '%s'",
		         reasons[i]);
		if (db_count(&demo, sql) == 0)
			fail_msg("no enterprise refused for %s", reasons[i]);
	}
	assert_int_equal(db_count(&demo, "SELECT count(*) FROM refund_decisions WHERE amount_fen = 10000000"), 38);
	client_free(&rsj);
	server_down(&demo);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_other_bureaus_lack_the_duty),
	    cmocka_unit_test(test_rolls_import_all_or_nothing_and_once),
	    cmocka_unit_test(test_only_the_duty_administrator_edits_policies),
	    cmocka_unit_test(test_policies_are_versioned),
	    cmocka_unit_test(test_dry_run_and_run_worked_by_hand),
	    cmocka_unit_test(test_enterprise_reads_its_own_decision),
	    cmocka_unit_test(test_command_imports_rolls),
	    cmocka_unit_test(test_statistics_worked_by_hand),
	    /* Last: not yet on PostgreSQL, where banyan demo (pgops's) takes minutes, past server_demo_up's wait. */
	    cmocka_unit_test(test_demo_holds_the_article_figures),
	};
	size_t n = sizeof tests / sizeof tests[0] - (on_postgres() ? 1 : 0);
	int failed = _cmocka_run_group_tests("tests", tests, n, setup, teardown);
	curl_global_cleanup();
	return failed;
}
