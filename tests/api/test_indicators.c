/*
** test_indicators.c - economic indicators against the real server: the
** statistics bureaus entering figures in their area (one by one and by CSV,
** all or nothing), the year to date and growth computed from the months
** (or as published), the validation rules' flags blocking a submission
** until commented, approval, return, the lock and corrections as
** revisions, rankings as data, and the demo's figures giving the article's
** lines (GDP 6,759.34亿元 +3.1% third in the province; fixed-asset
** investment +8% first two months running; September retail sales +6.1%
** first).
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
static struct client tjj, ja_tjj, cl_tjj, fgw, leader;

static const struct cast_member cast[] = {
    {NULL, "admin", NULL, NULL},
    {&tjj, "city-tjj", "department", "350100-tjj"},  /* the city's statistics bureau */
    {&ja_tjj, "ja-tjj", "department", "350111-tjj"}, /* 晋安区统计局 */
    {&cl_tjj, "cl-tjj", "department", "350112-tjj"}, /* 长乐区统计局 */
    {&fgw, "fgw-dept", "department", "350100-fgw"},  /* a bureau without the duty */
    {&leader, "city-leader", "leader", "350100"},
};

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

/* PUT a figure; returns the status, the error code into code (may be NULL). */
static long put(struct client *c, const char *indicator, const char *unit, const char *period, const char *body,
                char code[48])
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/indicators/%s/values/%s/%s", indicator, unit, period);
	return client_statusf(c, "PUT", path, code, "%s", body);
}

static void put_ok(struct client *c, const char *indicator, const char *unit, const char *period, const char *body)
{
	char code[48];
	long status = put(c, indicator, unit, period, body, code);
	if (status != 200)
		fail_msg("PUT %s %s %s %s: %ld %s", indicator, unit, period, body, status, code);
}

/* GET a unit's month; the item of indicator into *ret_item (borrowed from r). */
static json_t *month_item(struct client *c, struct response *r, const char *unit, const char *period,
                          const char *indicator)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/indicators/values?unit=%s&period=%s", unit, period);
	client_request(c, r, "GET", path, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(r->json, "items"), i, it)
	{
		if (strcmp(json_string_value(json_object_get(json_object_get(it, "indicator"), "code")), indicator) ==
		    0)
			return it;
	}
	fail_msg("no %s in %s %s", indicator, unit, period);
	return NULL;
}

static const char *text(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "(null)";
}

static bool has_flag(json_t *item, const char *flag)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(item, "flags"), i,
	                   f) if (strcmp(json_string_value(f), flag) == 0) return true;
	return false;
}

static long step(struct client *c, const char *unit, const char *period, const char *what, const char *body,
                 char code[48])
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/indicators/periods/%s/%s/%s", unit, period, what);
	return client_statusf(c, "POST", path, code, "%s", body ? body : "{}");
}

static void test_indicators_are_data(void **state)
{
	(void)state;
	struct response r;
	client_request(&tjj, &r, "GET", "/api/v1/indicators", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	json_t *items = json_object_get(r.json, "items"), *gdp = json_array_get(items, 0);
	assert_true(json_array_size(items) >= 7);
	assert_string_equal(text(gdp, "code"), "gdp");
	assert_string_equal(text(gdp, "name"), "地区生产总值");
	assert_string_equal(text(gdp, "unit"), "亿元");
	assert_string_equal(text(gdp, "period_kind"), "quarter");
	assert_int_equal(json_integer_value(json_object_get(gdp, "decimals")), 4);
	json_t *ratio = json_array_get(items, 6);
	assert_string_equal(text(ratio, "source"), "derived");
	assert_string_equal(text(ratio, "formula"), "ratio");
	assert_string_equal(text(json_object_get(ratio, "of"), "a"), "revenue");
	response_free(&r);
	char code[48];
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/indicators", code, NULL), 200);
	assert_int_equal(client_statusf(&fgw, "GET", "/api/v1/indicators", code, NULL), 403);
	assert_string_equal(code, "wrong_duty");
}

/* A district's bureau enters its district; the city's every district and the province's cities. */
static void test_entry_in_scope_and_exact(void **state)
{
	(void)state;
	char code[48];
	long long audit = count("SELECT count(*) FROM audit_log");
	put_ok(&ja_tjj, "fai", "350111", "2020-01", "{\"value\":\"12.3456\"}");
	assert_int_equal(count("SELECT value FROM indicator_values WHERE unit = '350111' AND period = '2020-01'"),
	                 123456);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit + 1);
	assert_int_equal(put(&ja_tjj, "fai", "350112", "2020-01", "{\"value\":\"1\"}", code), 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(put(&ja_tjj, "fai", "350100", "2020-01", "{\"value\":\"1\"}", code), 403);
	assert_int_equal(put(&ja_tjj, "fai", "350200", "2020-01", "{\"value\":\"1\"}", code), 403);
	put_ok(&tjj, "fai", "350112", "2020-01", "{\"value\":\"10\"}");
	put_ok(&tjj, "fai", "350200", "2020-01", "{\"ytd_growth\":\"-3.5\"}"); /* 厦门: only growth published */
	assert_int_equal(put(&fgw, "fai", "350111", "2020-01", "{\"value\":\"1\"}", code), 403);
	assert_string_equal(code, "wrong_duty");
	assert_int_equal(put(&leader, "fai", "350111", "2020-01", "{\"value\":\"1\"}", code), 403);
	/* Bad figures, refused with nothing written. */
	audit = count("SELECT count(*) FROM audit_log");
	long long values = count("SELECT count(*) FROM indicator_values");
	assert_int_equal(put(&tjj, "fai", "350111", "2020-02", "{\"value\":\"1.23456\"}", code), 422);
	assert_string_equal(code, "invalid_number");
	assert_int_equal(put(&tjj, "fai", "350111", "2020-02", "{\"growth\":\"3.125\"}", code), 422);
	assert_string_equal(code, "invalid_number");
	assert_int_equal(put(&tjj, "fai", "350111", "2020-02", "{\"value\":\"1,000\"}", code), 422);
	assert_int_equal(put(&tjj, "fai", "350111", "2020-02", "{}", code), 422);
	assert_string_equal(code, "empty_value");
	assert_int_equal(put(&tjj, "gdp", "350111", "2020-08", "{\"value\":\"1\"}", code), 422);
	assert_string_equal(code, "period_kind"); /* a quarter's figure sits on its last month */
	assert_int_equal(put(&tjj, "fai", "350111", "2020-13", "{\"value\":\"1\"}", code), 422);
	assert_string_equal(code, "invalid_period");
	assert_int_equal(put(&tjj, "revenue_gdp", "350111", "2020-09", "{\"value\":\"1\"}", code), 422);
	assert_string_equal(code, "computed_indicator");
	assert_int_equal(put(&tjj, "nothing", "350111", "2020-09", "{\"value\":\"1\"}", code), 404);
	assert_int_equal(put(&tjj, "fai", "999999", "2020-09", "{\"value\":\"1\"}", code), 422);
	assert_string_equal(code, "unknown_unit");
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);
	assert_int_equal(count("SELECT count(*) FROM indicator_values"), values);
}

#define IMPORT_HEAD "指标代码,单位代码,期间,数值,增速,累计增速,说明\n"

static void test_import_all_or_nothing(void **state)
{
	(void)state;
	long long values = count("SELECT count(*) FROM indicator_values");
	struct response r;
	json_t *body = json_pack("{s:s}", "csv",
	                         IMPORT_HEAD "revenue,350103,2020-03,5.5,,,\nrevenue,350104,2020-03,6.5,,,\n"
	                                     "revenue,350104,2020-04,abc,,,\n");
	assert_int_equal(client_post_json(&tjj, &r, "/api/v1/indicators/values/import", body), 422);
	assert_string_equal(error_code(&r), "bad_line");
	assert_non_null(strstr(r.body, "第 4 行"));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM indicator_values"), values);
	/* A district's bureau imports its own district only. */
	body = json_pack("{s:s}", "csv", IMPORT_HEAD "revenue,350111,2020-03,5.5,,,\nrevenue,350104,2020-03,6.5,,,\n");
	assert_int_equal(client_post_json(&ja_tjj, &r, "/api/v1/indicators/values/import", body), 422);
	assert_non_null(strstr(r.body, "第 3 行"));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM indicator_values"), values);
	body = json_pack("{s:s}", "csv", "指标,单位\n");
	assert_int_equal(client_post_json(&tjj, &r, "/api/v1/indicators/values/import", body), 422);
	assert_string_equal(error_code(&r), "bad_header");
	response_free(&r);
	body = json_pack("{s:s}", "csv",
	                 IMPORT_HEAD "revenue,350103,2020-03,5.5,,,\nindustry,350103,2020-03,,,4.2,仅公布增速\n");
	assert_int_equal(client_post_json(&tjj, &r, "/api/v1/indicators/values/import", body), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "rows")), 2);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM indicator_values"), values + 2);
	assert_int_equal(count("SELECT ytd_growth_bp FROM indicator_values WHERE unit = '350103' AND period = '2020-03'"
	                       " AND value IS NULL"),
	                 420);
}

/*
** 台江's retail sales, by hand: 2019 January–March 100, 200, 300; 2020 90,
** 220, 330 (亿元).  March: +10.00% on March; January–March 640 on 600,
** +6.67%.  Across the year boundary January's year to date is January's.
*/
static void test_year_to_date_and_growth_computed(void **state)
{
	(void)state;
	static const char *const v19[] = {"100", "200", "300"}, *const v20[] = {"90", "220", "330"};
	char period[8], body[64];
	for (int m = 0; m < 3; m++) {
		snprintf(period, sizeof period, "2019-%02d", m + 1);
		snprintf(body, sizeof body, "{\"value\":\"%s\"}", v19[m]);
		put_ok(&tjj, "retail", "350103", period, body);
		snprintf(period, sizeof period, "2020-%02d", m + 1);
		snprintf(body, sizeof body, "{\"value\":\"%s\"}", v20[m]);
		put_ok(&tjj, "retail", "350103", period, body);
	}
	struct response r;
	json_t *it = month_item(&tjj, &r, "350103", "2020-03", "retail");
	assert_string_equal(text(it, "value"), "330.00");
	assert_string_equal(text(it, "ytd"), "640.00");
	assert_string_equal(text(it, "growth"), "10.00");
	assert_string_equal(text(it, "ytd_growth"), "6.67");
	assert_true(json_is_true(json_object_get(it, "ytd_growth_computed")));
	assert_string_equal(text(it, "revision_label"), "快报");
	response_free(&r);
	/* Published growth where no value is: as stored, not computed. */
	it = month_item(&tjj, &r, "350103", "2020-03", "industry");
	assert_true(json_is_null(json_object_get(it, "value")));
	assert_string_equal(text(it, "ytd_growth"), "4.20");
	assert_false(json_is_true(json_object_get(it, "ytd_growth_computed")));
	response_free(&r);
	it = month_item(&tjj, &r, "350103", "2020-01", "retail");
	assert_string_equal(text(it, "ytd"), "90.00");
	assert_string_equal(text(it, "ytd_growth"), "-10.00");
	response_free(&r);
	/* A unit with no data: its indicators listed empty. */
	it = month_item(&tjj, &r, "350124", "2020-03", "retail");
	assert_true(json_is_null(json_object_get(it, "value")) && json_is_null(json_object_get(it, "ytd_growth")));
	response_free(&r);
}

/* 晋安's April: growth beyond 30% and a year to date that falls; 长乐 for the city's sum. */
static void test_flags_block_submission_until_commented(void **state)
{
	(void)state;
	char code[48];
	put_ok(&ja_tjj, "fai", "350111", "2019-04", "{\"value\":\"100\"}");
	put_ok(&ja_tjj, "fai", "350111", "2020-04", "{\"value\":\"140\"}"); /* +40% */
	put_ok(&ja_tjj, "retail", "350111", "2020-01", "{\"value\":\"10\"}");
	put_ok(&ja_tjj, "retail", "350111", "2020-02", "{\"value\":\"10\"}");
	put_ok(&ja_tjj, "retail", "350111", "2020-03", "{\"value\":\"50\"}");
	put_ok(&ja_tjj, "retail", "350111", "2020-04", "{\"value\":\"-5\"}"); /* the year to date falls */
	struct response r;
	json_t *it = month_item(&ja_tjj, &r, "350111", "2020-04", "fai");
	assert_true(has_flag(it, "growth_beyond_limit"));
	assert_true(json_is_true(json_object_get(it, "blocking")));
	response_free(&r);
	it = month_item(&ja_tjj, &r, "350111", "2020-04", "retail");
	assert_true(has_flag(it, "ytd_below_last_period"));
	assert_int_equal(json_integer_value(json_object_get(r.json, "blocking")), 2);
	response_free(&r);
	assert_int_equal(step(&ja_tjj, "350111", "2020-04", "submit", NULL, code), 422);
	assert_string_equal(code, "validation_failed");
	assert_int_equal(count("SELECT count(*) FROM indicator_periods WHERE unit = '350111'"), 0);
	put_ok(&ja_tjj, "fai", "350111", "2020-04", "{\"value\":\"140\",\"comment\":\"新材料产业园项目集中开工\"}");
	assert_int_equal(step(&ja_tjj, "350111", "2020-04", "submit", NULL, code), 422); /* retail still */
	put_ok(&ja_tjj, "retail", "350111", "2020-04", "{\"value\":\"-5\",\"comment\":\"退货冲减\"}");
	it = month_item(&ja_tjj, &r, "350111", "2020-04", "retail");
	assert_true(has_flag(it, "ytd_below_last_period")); /* still flagged, no longer blocking */
	assert_false(json_is_true(json_object_get(it, "blocking")));
	response_free(&r);
	assert_int_equal(step(&ja_tjj, "350111", "2020-04", "submit", NULL, code), 200);
	assert_int_equal(step(&ja_tjj, "350111", "2020-04", "submit", NULL, code), 409);
	assert_int_equal(put(&ja_tjj, "fai", "350111", "2020-04", "{\"value\":\"1\"}", code), 409);
	assert_string_equal(code, "period_submitted");
	assert_int_equal(step(&ja_tjj, "350111", "2020-05", "submit", NULL, code), 422);
	assert_string_equal(code, "nothing_entered");
	/* The districts sum to the city within 1%: every district 10 (130), the city 132: 2 off, more than
	** 1.32; then 131.3: 1.3 off, within 1.313. */
	static const char *const all[] = {"350102", "350103", "350104", "350105", "350111", "350112", "350121",
	                                  "350122", "350123", "350124", "350125", "350128", "350181"};
	for (size_t i = 0; i < 13; i++)
		put_ok(&tjj, "revenue", all[i], "2020-06", "{\"value\":\"10\"}");
	put_ok(&tjj, "revenue", "350100", "2020-06", "{\"value\":\"132\"}");
	it = month_item(&tjj, &r, "350100", "2020-06", "revenue");
	assert_true(has_flag(it, "districts_sum_differs"));
	response_free(&r);
	put_ok(&tjj, "revenue", "350100", "2020-06", "{\"value\":\"131.3\"}");
	it = month_item(&tjj, &r, "350100", "2020-06", "revenue");
	assert_false(has_flag(it, "districts_sum_differs"));
	response_free(&r);
}

/* An indicator defined as data, derived: the districts' revenue summed (each of the 13 entered 10 for June). */
static void test_indicator_defined_and_derived(void **state)
{
	(void)state;
	const char *sum =
	    "{\"code\":\"revenue_districts\",\"name\":\"县(市)区一般公共预算收入合计\",\"unit\":\"亿元\","
	    "\"decimals\":4,\"period_kind\":\"month\",\"source\":\"derived\",\"formula\":\"children_sum\","
	    "\"a\":\"revenue\"}";
	char code[48];
	assert_int_equal(client_statusf(&ja_tjj, "POST", "/api/v1/indicators", code, "%s", sum), 403);
	assert_string_equal(code, "not_city_bureau");
	assert_int_equal(client_statusf(&tjj, "POST", "/api/v1/indicators", code,
	                                "{\"code\":\"x\",\"name\":\"x\",\"unit\":\"亿元\",\"decimals\":4,"
	                                "\"period_kind\":\"month\",\"source\":\"derived\",\"formula\":\"ratio\","
	                                "\"a\":\"revenue\"}"),
	                 422); /* a ratio without b */
	assert_string_equal(code, "invalid_formula");
	assert_int_equal(client_statusf(&tjj, "POST", "/api/v1/indicators", code,
	                                "{\"code\":\"x\",\"name\":\"x\",\"unit\":\"元\",\"decimals\":4,"
	                                "\"period_kind\":\"month\",\"source\":\"entered\"}"),
	                 422);
	assert_string_equal(code, "invalid_unit");
	assert_int_equal(client_statusf(&tjj, "POST", "/api/v1/indicators", code, "%s", sum), 201);
	assert_int_equal(client_statusf(&tjj, "POST", "/api/v1/indicators", code, "%s", sum), 409);
	struct response r;
	json_t *it = month_item(&leader, &r, "350100", "2020-06", "revenue_districts");
	assert_string_equal(text(it, "value"), "130.00");
	response_free(&r);
	it = month_item(&leader, &r, "350100", "2020-05", "revenue_districts"); /* not every district: none */
	assert_true(json_is_null(json_object_get(it, "value")));
	response_free(&r);
	assert_int_equal(put(&tjj, "revenue_districts", "350100", "2020-06", "{\"value\":\"1\"}", code), 422);
	assert_string_equal(code, "computed_indicator");
}

/* 长乐's May: submitted, sent back, submitted again, approved, locked, corrected twice. */
static void test_approval_and_revisions(void **state)
{
	(void)state;
	char code[48];
	put_ok(&cl_tjj, "retail", "350112", "2020-05", "{\"value\":\"80\"}");
	put_ok(&cl_tjj, "revenue", "350112", "2020-05", "{\"value\":\"9\"}");
	assert_int_equal(step(&cl_tjj, "350112", "2020-05", "approve", NULL, code), 403);
	assert_string_equal(code, "not_city_bureau");
	assert_int_equal(step(&tjj, "350112", "2020-05", "approve", NULL, code), 409);
	assert_string_equal(code, "not_submitted");
	assert_int_equal(step(&cl_tjj, "350112", "2020-05", "submit", NULL, code), 200);
	assert_int_equal(step(&tjj, "350112", "2020-05", "return", "{}", code), 422);
	assert_int_equal(step(&tjj, "350112", "2020-05", "return", "{\"reason\":\"社零额与商务局口径不一致\"}", code),
	                 200);
	struct response r;
	month_item(&cl_tjj, &r, "350112", "2020-05", "retail");
	assert_string_equal(text(r.json, "state"), "returned");
	assert_string_equal(text(r.json, "reason"), "社零额与商务局口径不一致");
	response_free(&r);
	put_ok(&cl_tjj, "retail", "350112", "2020-05", "{\"value\":\"82.5\"}");
	assert_int_equal(step(&cl_tjj, "350112", "2020-05", "submit", NULL, code), 200);
	assert_int_equal(step(&tjj, "350112", "2020-05", "approve", NULL, code), 200);
	assert_int_equal(put(&cl_tjj, "retail", "350112", "2020-05", "{\"value\":\"83\"}", code), 409);
	assert_string_equal(code, "period_approved");
	assert_int_equal(put(&tjj, "retail", "350112", "2020-05", "{\"value\":\"83\"}", code), 409);
	/* A correction: the city's bureau only, of an approved month, with a reason. */
	const char *fix = "{\"reason\":\"年报核实\",\"values\":[{\"indicator\":\"retail\",\"value\":\"83.1\"}]}";
	assert_int_equal(step(&cl_tjj, "350112", "2020-05", "corrections", fix, code), 403);
	assert_int_equal(step(&tjj, "350112", "2020-06", "corrections", fix, code), 409);
	assert_string_equal(code, "not_approved");
	assert_int_equal(step(&tjj, "350112", "2020-05", "corrections",
	                      "{\"reason\":\"x\",\"values\":[{\"indicator\":\"fai\",\"value\":\"1\"}]}", code),
	                 422); /* nothing approved to correct */
	assert_int_equal(step(&tjj, "350112", "2020-05", "corrections", fix, code), 200);
	json_t *it = month_item(&leader, &r, "350112", "2020-05", "retail");
	assert_string_equal(text(it, "value"), "83.10");
	assert_int_equal(json_integer_value(json_object_get(it, "revision")), 1);
	assert_string_equal(text(it, "revision_label"), "修订");
	assert_int_equal(json_integer_value(json_object_get(r.json, "revision")), 1);
	assert_string_equal(text(r.json, "state"), "approved");
	json_t *change = json_array_get(json_object_get(r.json, "changes"), 0);
	assert_string_equal(text(json_object_get(change, "before"), "value"), "82.50");
	assert_string_equal(text(json_object_get(change, "after"), "value"), "83.10");
	assert_string_equal(text(change, "reason"), "年报核实");
	assert_string_equal(text(change, "changed_by"), "city-tjj");
	response_free(&r);
	it = month_item(&leader, &r, "350112", "2020-05", "revenue"); /* untouched: still the 快报 */
	assert_int_equal(json_integer_value(json_object_get(it, "revision")), 0);
	response_free(&r);
	assert_int_equal(step(&tjj, "350112", "2020-05", "corrections",
	                      "{\"reason\":\"再次核实\",\"values\":[{\"indicator\":\"revenue\",\"value\":\"9.2\"}]}",
	                      code),
	                 200);
	it = month_item(&leader, &r, "350112", "2020-05", "revenue");
	assert_int_equal(json_integer_value(json_object_get(it, "revision")), 2);
	assert_int_equal(json_array_size(json_object_get(r.json, "changes")), 2);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'indicators.period.revise'"), 2);
	/* The approval list: the city's bureau sees 长乐's month, 晋安's bureau does not; who
	 * decided it is named by display name beside the login. */
	db_run_sql(&server, "UPDATE users SET display_name = '市统计局综合科' WHERE username = 'city-tjj'");
	client_request(&tjj, &r, "GET", "/api/v1/indicators/periods?state=approved", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	json_t *month = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(text(month, "decided_by"), "city-tjj");
	assert_string_equal(text(month, "decided_by_name"), "市统计局综合科");
	response_free(&r);
	db_run_sql(&server, "UPDATE users SET display_name = username WHERE username = 'city-tjj'");
	client_request(&ja_tjj, &r, "GET", "/api/v1/indicators/periods?state=approved", NULL, NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	response_free(&r);
}

/* A ranking defined as data: 2020-03 revenue level of the districts; 台江 5.5, 仓山 none, …. */
static void test_ranking_defined_and_computed(void **state)
{
	(void)state;
	const char *def =
	    "{\"code\":\"rev-level\",\"name\":\"收入规模\",\"unit_set\":\"districts\",\"basis\":\"level\","
	    "\"span\":\"period\",\"tie_break\":\"shared\",\"terms\":[{\"indicator\":\"revenue\",\"weight\":1}]}";
	char code[48];
	assert_int_equal(client_statusf(&ja_tjj, "POST", "/api/v1/indicators/rankings", code, "%s", def), 403);
	assert_int_equal(client_statusf(&tjj, "POST", "/api/v1/indicators/rankings", code, "%s", def), 201);
	assert_int_equal(client_statusf(&tjj, "POST", "/api/v1/indicators/rankings", code, "%s", def), 409);
	assert_int_equal(client_statusf(&tjj, "POST", "/api/v1/indicators/rankings", code, "%s",
	                                "{\"code\":\"x\",\"name\":\"x\",\"unit_set\":\"world\",\"basis\":\"level\","
	                                "\"span\":\"period\",\"tie_break\":\"shared\",\"terms\":[]}"),
	                 422);
	put_ok(&tjj, "revenue", "350102", "2020-03", "{\"value\":\"5.5\"}"); /* ties with 台江 */
	put_ok(&tjj, "revenue", "350105", "2020-03", "{\"value\":\"2\"}");
	struct response r;
	client_request(&leader, &r, "GET", "/api/v1/indicators/rankings/rev-level?period=2020-03", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 13);
	json_t *a = json_array_get(items, 0), *b = json_array_get(items, 1), *c = json_array_get(items, 2),
	       *d = json_array_get(items, 3);
	assert_int_equal(json_integer_value(json_object_get(a, "rank")), 1);
	assert_int_equal(json_integer_value(json_object_get(b, "rank")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "rank")), 3);
	assert_string_equal(text(json_object_get(c, "unit"), "code"), "350105");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "values"), 0)), "2.00");
	assert_true(json_is_null(json_object_get(d, "rank")));      /* no data: unranked, listed last */
	assert_false(json_is_true(json_object_get(a, "approved"))); /* 鼓楼's March was never submitted */
	response_free(&r);
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/indicators/rankings/none?period=2020-03", code, NULL),
	                 404);
	assert_int_equal(
	    client_statusf(&leader, "GET", "/api/v1/indicators/rankings/province-gdp?period=2020-08", code, NULL), 422);
}

/* The share of the annual target: 晋安's retail January–March 70 of 100, 台江's 640 of 2000. */
static void test_ranking_on_targets(void **state)
{
	(void)state;
	char code[48];
	const char *def = "{\"code\":\"retail-target\",\"name\":\"社零目标完成\",\"unit_set\":\"districts\","
	                  "\"basis\":\"target_share\",\"span\":\"ytd\",\"tie_break\":\"shared\","
	                  "\"terms\":[{\"indicator\":\"retail\",\"weight\":1}]}";
	assert_int_equal(client_statusf(&tjj, "POST", "/api/v1/indicators/rankings", code, "%s", def), 201);
	assert_int_equal(client_statusf(&ja_tjj, "PUT", "/api/v1/indicators/retail/targets/350111/2020", code,
	                                "{\"target\":\"100\"}"),
	                 403);
	assert_string_equal(code, "not_city_bureau");
	assert_int_equal(
	    client_statusf(&tjj, "PUT", "/api/v1/indicators/retail/targets/350111/2020", code, "{\"target\":\"0\"}"),
	    422);
	assert_int_equal(
	    client_statusf(&tjj, "PUT", "/api/v1/indicators/retail/targets/350111/20x0", code, "{\"target\":\"1\"}"),
	    422);
	assert_int_equal(
	    client_statusf(&tjj, "PUT", "/api/v1/indicators/retail/targets/350111/2020", code, "{\"target\":\"100\"}"),
	    200);
	assert_int_equal(
	    client_statusf(&tjj, "PUT", "/api/v1/indicators/retail/targets/350103/2020", code, "{\"target\":\"2000\"}"),
	    200);
	struct response r;
	client_request(&leader, &r, "GET", "/api/v1/indicators/rankings/retail-target?period=2020-03", NULL, NULL,
	               NULL);
	assert_int_equal(r.status, 200);
	json_t *items = json_object_get(r.json, "items"), *a = json_array_get(items, 0), *b = json_array_get(items, 1);
	assert_string_equal(text(json_object_get(a, "unit"), "code"), "350111");
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "values"), 0)), "70.00");
	assert_string_equal(text(json_object_get(b, "unit"), "code"), "350103");
	assert_string_equal(json_string_value(json_array_get(json_object_get(b, "values"), 0)), "32.00");
	assert_true(json_is_null(json_object_get(json_array_get(items, 2), "rank"))); /* no target */
	response_free(&r);
}

/* ---- the demo: the article's lines from its figures ---- */

static struct test_server demo;

/* The demo's city-leader reads a ranking for 2020-09; the city's item into *ret (borrowed from r). */
static json_t *fuzhou_in(struct client *c, struct response *r, const char *ranking)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/indicators/rankings/%s?period=2020-09", ranking);
	client_request(c, r, "GET", path, NULL, NULL, NULL);
	assert_int_equal(r->status, 200);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(r->json, "items"), i,
	                   it) if (strcmp(text(json_object_get(it, "unit"), "code"), "350100") == 0) return it;
	fail_msg("no 福州 in %s", ranking);
	return NULL;
}

static void test_demo_gives_the_articles_lines(void **state)
{
	(void)state;
	server_demo_up(&demo);
	struct client c;
	client_init(&c, &demo);
	assert_int_equal(client_login(&c, "city-leader", "banyan-demo-2020"), 200);
	struct response r;
	/* 前三季度,全市实现地区生产总值6759.34亿元,同比增长3.1%,增速位列全省第三 */
	json_t *it = fuzhou_in(&c, &r, "province-gdp");
	assert_string_equal(text(it, "level"), "6759.34");
	assert_string_equal(json_string_value(json_array_get(json_object_get(it, "values"), 0)), "3.10");
	assert_int_equal(json_integer_value(json_object_get(it, "rank")), 3);
	assert_true(json_is_true(json_object_get(it, "approved")));
	assert_string_equal(text(it, "phrase"), "位列全省第三");
	assert_int_equal(json_integer_value(json_object_get(it, "change")), 1); /* up from fourth in the first half */
	response_free(&r);
	/* 全市固定资产投资同比增长8%,连续两个月排名全省第一 */
	it = fuzhou_in(&c, &r, "province-fai");
	assert_string_equal(json_string_value(json_array_get(json_object_get(it, "values"), 0)), "8.00");
	assert_int_equal(json_integer_value(json_object_get(it, "rank")), 1);
	assert_int_equal(json_integer_value(json_object_get(it, "streak")), 2);
	assert_string_equal(text(it, "phrase"), "连续两个月排名全省第一");
	response_free(&r);
	/* 社会消费品零售总额……9月份增长6.1%,位列全省第一 */
	it = fuzhou_in(&c, &r, "province-retail");
	assert_string_equal(json_string_value(json_array_get(json_object_get(it, "values"), 0)), "6.10");
	assert_int_equal(json_integer_value(json_object_get(it, "rank")), 1);
	assert_int_equal(json_integer_value(json_object_get(it, "change")), 1); /* up from second in August */
	response_free(&r);
	/* The figures behind them are the city's, approved, flagless, and the districts sum to it. */
	it = month_item(&c, &r, "350100", "2020-09", "gdp");
	assert_string_equal(text(it, "ytd"), "6759.34");
	assert_string_equal(text(r.json, "state"), "approved");
	assert_int_equal(json_integer_value(json_object_get(r.json, "blocking")), 0);
	response_free(&r);
	long long city =
	    db_count(&demo, "SELECT sum(v.value) FROM indicator_values v JOIN indicators i ON i.id ="
	                    " v.indicator_id WHERE i.code = 'gdp' AND v.unit = '350100' AND v.period LIKE '2020-%'");
	long long districts =
	    db_count(&demo, "SELECT sum(v.value) FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id"
	                    " JOIN orgs o ON o.code = v.unit WHERE i.code = 'gdp' AND o.kind = 'district'"
	                    " AND v.period LIKE '2020-%'");
	assert_int_equal(city, 67593400);
	/* The derived ratio: revenue January–September 537.57亿元 (543.00 less 1%) over GDP 6,759.34: 7.95%. */
	it = month_item(&c, &r, "350100", "2020-09", "revenue_gdp");
	assert_string_equal(text(it, "value"), "7.95");
	assert_true(json_is_null(json_object_get(it, "growth")));
	response_free(&r);
	assert_int_equal(districts, city);
	/* The districts' composite ranks all thirteen. */
	client_request(&c, &r, "GET", "/api/v1/indicators/rankings/districts-composite?period=2020-09", NULL, NULL,
	               NULL);
	assert_int_equal(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 13);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 12), "rank")) > 0, 1);
	response_free(&r);
	client_free(&c);
}

/* The headline of indicator in a bulletin (borrowed). */
static const char *headline(json_t *bulletin, const char *indicator)
{
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(bulletin, "headlines"), i, h) if (strcmp(text(h, "indicator"), indicator) ==
	                                                                        0) return text(h, "text");
	fail_msg("no headline of %s", indicator);
	return NULL;
}

static void test_bulletin_regenerates_the_article(void **state)
{
	(void)state;
	struct client c, city, ja;
	client_init(&c, &demo);
	client_init(&city, &demo);
	client_init(&ja, &demo);
	assert_int_equal(client_login(&c, "city-leader", "banyan-demo-2020"), 200);
	assert_int_equal(client_login(&city, "city-tjj", "banyan-demo-2020"), 200);
	assert_int_equal(client_login(&ja, "jinan-tjj", "banyan-demo-2020"), 200);
	struct response r;
	client_request(&c, &r, "GET", "/api/v1/indicators/bulletins/preview?period=2020-09", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(text(r.json, "title"), "2020年9月福州市经济运行情况通报");
	assert_string_equal(headline(r.json, "gdp"),
	                    "前三季度,全市实现地区生产总值(GDP)6759.34亿元,同比增长3.1%,增速位列全省第三");
	assert_string_equal(headline(r.json, "fai"), "1-9月,全市固定资产投资同比增长8%,连续两个月排名全省第一");
	assert_non_null(strstr(headline(r.json, "retail"), ";9月份增长6.1%,位列全省第一"));
	assert_true(json_is_true(json_object_get(r.json, "approved")));
	/* The GDP table: the city first (no rank), then the thirteen districts ranked on growth, best first. */
	json_t *gdp = json_array_get(json_object_get(r.json, "tables"), 0), *rows = json_object_get(gdp, "rows");
	assert_string_equal(text(json_object_get(gdp, "indicator"), "code"), "gdp");
	assert_int_equal(json_array_size(rows), 14);
	assert_string_equal(text(json_array_get(rows, 0), "ytd"), "6759.34");
	assert_true(json_is_null(json_object_get(json_array_get(rows, 0), "rank")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "rank")), 1);
	/* The revenue-to-GDP ratio has no growth: its table ranks the districts on the ratio itself. */
	size_t i;
	json_t *t, *ratio = NULL;
	json_array_foreach(json_object_get(r.json, "tables"), i, t) if (strcmp(text(json_object_get(t, "indicator"), "code"),
	                                                                        "revenue_gdp") == 0) ratio = t;
	assert_non_null(ratio);
	assert_string_equal(text(ratio, "ranked_on"), "level");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(ratio, "rows"), 1), "rank")), 1);
	/* The red and black lists: three each; the platform's five figures. */
	json_t *rb = json_object_get(r.json, "redblack");
	assert_int_equal(json_array_size(json_object_get(rb, "red")), 3);
	assert_int_equal(json_array_size(json_object_get(rb, "black")), 3);
	assert_int_equal(json_array_size(json_object_get(r.json, "platform")), 5);
	response_free(&r);
	client_request(&c, &r, "GET", "/api/v1/indicators/bulletins/preview?period=2020-09&kind=quarter", NULL, NULL,
	               NULL);
	assert_string_equal(text(r.json, "title"), "2020年前三季度福州市经济运行情况通报");
	response_free(&r);
	char code[48];
	assert_int_equal(client_statusf(&c, "GET", "/api/v1/indicators/bulletins/preview?period=2020-08&kind=quarter",
	                                code, "%s", ""),
	                 422);
	assert_string_equal(code, "period_kind");
	/* Publishing: the city's bureau alone, approved months only, each time the next revision. */
	const char *body = "{\"period\":\"2020-09\",\"kind\":\"month\"}";
	assert_int_equal(client_statusf(&ja, "POST", "/api/v1/indicators/bulletins", code, "%s", body), 403);
	assert_string_equal(code, "not_city_bureau");
	assert_int_equal(client_statusf(&city, "POST", "/api/v1/indicators/bulletins", code, "%s",
	                                "{\"period\":\"2020-10\",\"kind\":\"month\"}"),
	                 409);
	assert_string_equal(code, "not_approved");
	assert_int_equal(db_count(&demo, "SELECT count(*) FROM indicator_bulletins"), 0);
	long long first = client_createdf(&city, "/api/v1/indicators/bulletins", "%s", body);
	assert_int_equal(client_callf(&city, &r, "POST", "/api/v1/indicators/bulletins", "%s", body), 201);
	assert_int_equal(json_integer_value(json_object_get(r.json, "revision")), 2);
	response_free(&r);
	client_request(&c, &r, "GET", "/api/v1/indicators/bulletins?period=2020-09", NULL, NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	json_t *newest = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(newest, "revision")), 2);
	assert_string_equal(text(json_object_get(newest, "published_by"), "username"), "city-tjj");
	response_free(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/indicators/bulletins/%lld", first);
	client_request(&c, &r, "GET", path, NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "revision")), 1);
	assert_string_equal(headline(r.json, "gdp"),
	                    "前三季度,全市实现地区生产总值(GDP)6759.34亿元,同比增长3.1%,增速位列全省第三");
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/indicators/bulletins/%lld/export", first);
	client_request(&c, &r, "GET", path, NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	char *strings = xlsx_part(&r, "xl/sharedStrings.xml");
	assert_non_null(strings);
	assert_non_null(strstr(strings, "增速位列全省第三"));
	assert_non_null(strstr(strings, "黑榜"));
	free(strings);
	response_free(&r);
	assert_int_equal(db_count(&demo, "SELECT count(*) FROM audit_log WHERE action = 'indicators.bulletin.publish'"),
	                 2);
	client_free(&c);
	client_free(&city);
	client_free(&ja);
}

/* The item of unit in a list (borrowed), or NULL. */
static json_t *unit_in(json_t *list, const char *unit)
{
	size_t i;
	json_t *it;
	json_array_foreach(list, i, it) if (strcmp(text(json_object_get(it, "unit"), "code"), unit) == 0) return it;
	return NULL;
}

static void test_black_list_becomes_a_supervised_task(void **state)
{
	(void)state;
	add_user(&demo, "tj-tjj", "department", "350103-tjj"); /* 台江区统计局: last in the composite */
	struct client city, tj, ja;
	client_init(&city, &demo);
	client_init(&tj, &demo);
	client_init(&ja, &demo);
	assert_int_equal(client_login(&city, "city-tjj", "banyan-demo-2020"), 200);
	assert_int_equal(client_login(&tj, "tj-tjj", "tj-tjj-password"), 200);
	assert_int_equal(client_login(&ja, "jinan-tjj", "banyan-demo-2020"), 200);
	struct response r;
	/* 红黑榜: first three red, last three black (闽清 and 永泰 tie for eleventh). */
	client_request(&city, &r, "GET", "/api/v1/indicators/redblack?period=2020-09", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(unit_in(json_object_get(r.json, "red"), "350111"));
	json_t *last = unit_in(json_object_get(r.json, "black"), "350103");
	assert_non_null(last);
	assert_int_equal(json_integer_value(json_object_get(last, "rank")), 13);
	assert_true(json_is_null(json_object_get(last, "task")));
	assert_int_equal(json_integer_value(json_object_get(unit_in(json_object_get(r.json, "black"), "350124"), "rank")),
	                 11);
	response_free(&r);
	char code[48];
	const char *task = "{\"source\":\"black_list\",\"unit\":\"%s\",\"period\":\"2020-09\",\"ranking\":"
	                   "\"districts-composite\",\"owner\":\"tj-tjj\",\"due_on\":\"2099-12-31\"}";
	assert_int_equal(client_statusf(&city, "POST", "/api/v1/indicators/tasks", code, task, "350111"), 409);
	assert_string_equal(code, "not_black_listed");
	assert_int_equal(client_statusf(&ja, "POST", "/api/v1/indicators/tasks", code, task, "350103"), 403);
	assert_string_equal(code, "not_city_bureau");
	assert_int_equal(client_callf(&city, &r, "POST", "/api/v1/indicators/tasks", task, "350103"), 201);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	assert_string_equal(text(r.json, "state"), "open");
	assert_string_equal(text(r.json, "light"), "green");
	assert_string_equal(text(r.json, "title"), "台江区县(市)区经济运行综合排名列入黑榜(2020-09)督办");
	response_free(&r);
	assert_int_equal(client_statusf(&city, "POST", "/api/v1/indicators/tasks", code, task, "350103"), 409);
	assert_string_equal(code, "task_exists");
	/* Its state beside the figure: the black list and the ranking's result name the task. */
	client_request(&city, &r, "GET", "/api/v1/indicators/rankings/districts-composite?period=2020-09", NULL, NULL,
	               NULL);
	json_t *brief = json_object_get(unit_in(json_object_get(r.json, "items"), "350103"), "task");
	assert_int_equal(json_integer_value(json_object_get(brief, "id")), id);
	assert_string_equal(text(brief, "state"), "open");
	response_free(&r);
	/* Followed like a desk problem: the owner starts, reports, finishes; the bureau reopens. */
	char path[96], moves[112];
	snprintf(path, sizeof path, "/api/v1/indicators/tasks/%lld", id);
	snprintf(moves, sizeof moves, "%s/transitions", path);
	assert_int_equal(client_statusf(&tj, "POST", moves, code, "%s", "{\"action\":\"finish\",\"note\":\"x\"}"),
	                 409);
	assert_string_equal(code, "invalid_transition");
	assert_int_equal(client_statusf(&ja, "POST", moves, code, "%s", "{\"action\":\"start\"}"), 404);
	assert_int_equal(client_statusf(&tj, "POST", moves, code, "%s", "{\"action\":\"start\"}"), 200);
	char notes[112];
	snprintf(notes, sizeof notes, "%s/notes", path);
	assert_int_equal(client_statusf(&tj, "POST", notes, code, "%s", "{\"text\":\"已约谈重点企业\"}"), 201);
	assert_int_equal(client_statusf(&tj, "POST", moves, code, "%s", "{\"action\":\"finish\"}"), 422);
	assert_int_equal(
	    client_statusf(&tj, "POST", moves, code, "%s", "{\"action\":\"finish\",\"note\":\"四季度追上\"}"), 200);
	assert_int_equal(
	    client_statusf(&tj, "POST", moves, code, "%s", "{\"action\":\"reopen\",\"note\":\"再看\"}"), 403);
	assert_string_equal(code, "not_owner");
	assert_int_equal(
	    client_statusf(&city, "POST", moves, code, "%s", "{\"action\":\"reopen\",\"note\":\"再看\"}"), 200);
	client_request(&tj, &r, "GET", path, NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(text(r.json, "state"), "in_progress");
	json_t *trail = json_object_get(r.json, "notes");
	assert_int_equal(json_array_size(trail), 5);
	assert_string_equal(text(json_array_get(trail, 2), "text"), "已约谈重点企业");
	response_free(&r);
	assert_int_equal(client_statusf(&ja, "GET", path, code, "%s", ""), 404); /* 晋安 does not see 台江's task */
	assert_int_equal(db_count(&demo, "SELECT count(*) FROM audit_log WHERE action LIKE 'indicators.task.%'"), 5);
	/* An indicator behind its target's share of the months so far: 晋安's fixed-asset investment against 99,999亿元. */
	const char *behind = "{\"source\":\"below_target\",\"unit\":\"350111\",\"period\":\"2020-09\","
	                     "\"indicator\":\"fai\",\"owner\":\"jinan-tjj\",\"due_on\":\"2099-12-31\"}";
	assert_int_equal(client_statusf(&city, "POST", "/api/v1/indicators/tasks", code, "%s", behind), 409);
	assert_string_equal(code, "not_below_target");
	assert_int_equal(client_statusf(&city, "PUT", "/api/v1/indicators/fai/targets/350111/2020", code, "%s",
	                                "{\"target\":\"99999\"}"),
	                 200);
	id = client_createdf(&city, "/api/v1/indicators/tasks", "%s", behind);
	json_t *fai = month_item(&ja, &r, "350111", "2020-09", "fai");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(fai, "task"), "id")), id);
	response_free(&r);
	client_free(&city);
	client_free(&tj);
	client_free(&ja);
}

static void enter_in_jinan(void *arg)
{
	put_ok(arg, "fai", "350111", "2020-10", "{\"value\":\"60\"}");
}

/* The leader's screen refreshes itself: a figure entered in 晋安 reaches the city's open consoles as an event. */
static void test_figures_changed_live(void **state)
{
	(void)state;
	struct client c, ja;
	client_init(&c, &demo);
	client_init(&ja, &demo);
	assert_int_equal(client_login(&c, "city-leader", "banyan-demo-2020"), 200);
	assert_int_equal(client_login(&ja, "jinan-tjj", "banyan-demo-2020"), 200);
	static char seen[65536];
	assert_true(client_await_event(&c, "event: indicators.figures\ndata: {\"unit\":\"350111\",\"period\":\"2020-10\","
	                                   "\"what\":\"values\"}",
	                               enter_in_jinan, &ja, seen, sizeof seen));
	client_free(&c);
	client_free(&ja);
}

static void test_leaders_screen(void **state)
{
	(void)state;
	struct client c, ja;
	client_init(&c, &demo);
	client_init(&ja, &demo);
	assert_int_equal(client_login(&c, "city-leader", "banyan-demo-2020"), 200);
	assert_int_equal(client_login(&ja, "jinan-tjj", "banyan-demo-2020"), 200);
	struct response r;
	/* Key indicators: the city's, the latest approved month, ranked in the province, each with its detail. */
	client_request(&c, &r, "GET", "/api/v1/indicators/screen/indicators", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(text(r.json, "period"), "2020-09");
	json_t *gdp = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(text(gdp, "ytd_growth"), "3.10");
	assert_string_equal(text(json_object_get(gdp, "rank"), "phrase"), "位列全省第三");
	assert_string_equal(text(gdp, "route"), "/indicators/rankings/province-gdp?period=2020-09");
	response_free(&r);
	/* A district's statistics staff: their district by default, ranked among the districts; not the city. */
	client_request(&ja, &r, "GET", "/api/v1/indicators/screen/indicators", NULL, NULL, NULL);
	assert_string_equal(text(json_object_get(r.json, "unit"), "code"), "350111");
	assert_non_null(strstr(text(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "rank"), "phrase"),
	                       "全市"));
	response_free(&r);
	char code[48];
	assert_int_equal(client_statusf(&ja, "GET", "/api/v1/indicators/screen/projects?unit=350100", code, "%s", ""),
	                 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(client_statusf(&c, "GET", "/api/v1/indicators/screen/weather", code, "%s", ""), 404);
	assert_string_equal(code, "unknown_group");
	/* Projects by light: every project, its investment in 亿元. */
	client_request(&c, &r, "GET", "/api/v1/indicators/screen/projects", NULL, NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "count")),
	                 db_count(&demo, "SELECT count(*) FROM projects"));
	json_t *lights = json_object_get(r.json, "lights");
	assert_int_equal(json_integer_value(json_object_get(lights, "red")) +
	                     json_integer_value(json_object_get(lights, "yellow")) +
	                     json_integer_value(json_object_get(lights, "green")),
	                 db_count(&demo, "SELECT count(*) FROM projects"));
	response_free(&r);
	/* Investment signed in 2020, as the platform's indicator counts it: the agreements signed that year. */
	client_request(&c, &r, "GET", "/api/v1/indicators/screen/invest", NULL, NULL, NULL);
	long long wan = db_count(&demo, "SELECT coalesce(sum(amount_wan), 0) FROM agreements WHERE signed_at >="
	                                " 1577808000 AND signed_at < 1601481600"); /* 2020-01-01 to 2020-10-01 +08:00 */
	char expect[32];
	assert_true(wan > 0);
	snprintf(expect, sizeof expect, "%lld.%04lld", wan / 10000, wan % 10000); /* 万元 as 亿元: two decimals at least */
	for (size_t n = strlen(expect); expect[n - 1] == '0' && expect[n - 3] != '.'; n--)
		expect[n - 1] = 0;
	assert_string_equal(text(json_object_get(r.json, "signed_year"), "ytd"), expect);
	response_free(&r);
	static const char *const groups[] = {"redblack", "problems", "money", "green"};
	for (size_t i = 0; i < 4; i++) {
		char path[64];
		snprintf(path, sizeof path, "/api/v1/indicators/screen/%s", groups[i]);
		assert_int_equal(client_statusf(&c, "GET", path, code, "%s", ""), 200);
	}
	/* The platform's figures read like entered ones, and cannot be entered. */
	json_t *signed_item = month_item(&c, &r, "350100", "2020-09", "investment_signed");
	assert_string_equal(text(signed_item, "source"), "platform");
	assert_string_equal(text(signed_item, "ytd"), expect);
	response_free(&r);
	client_free(&c);
	client_free(&ja);
	server_down(&demo);
}

static int setup(void **state)
{
	(void)state;
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_indicators_are_data),
	    cmocka_unit_test(test_entry_in_scope_and_exact),
	    cmocka_unit_test(test_import_all_or_nothing),
	    cmocka_unit_test(test_year_to_date_and_growth_computed),
	    cmocka_unit_test(test_flags_block_submission_until_commented),
	    cmocka_unit_test(test_indicator_defined_and_derived),
	    cmocka_unit_test(test_approval_and_revisions),
	    cmocka_unit_test(test_ranking_defined_and_computed),
	    cmocka_unit_test(test_ranking_on_targets),
	    /* Last: on the demo, which takes minutes to fill PostgreSQL (the demo runs there in pg_demo). */
	    cmocka_unit_test(test_demo_gives_the_articles_lines),
	    cmocka_unit_test(test_bulletin_regenerates_the_article),
	    cmocka_unit_test(test_black_list_becomes_a_supervised_task),
	    cmocka_unit_test(test_figures_changed_live),
	    cmocka_unit_test(test_leaders_screen),
	};
	size_t n = sizeof tests / sizeof tests[0] - (on_postgres() ? 5 : 0);
	return _cmocka_run_group_tests("tests", tests, n, setup, teardown);
}
