/*
** test_cadres.c - frontline assessment of officials against the real server:
** officials added and imported (all or nothing), central tasks, frontline
** days from the platform (on-site visits, follow-up visits, inspections; not
** online visits or calls) and from entries confirmed by a second person, the
** two-thirds figures worked by hand across the 2020 National Day holiday,
** and who may read what, every read of a file audited.
**
** The hand-worked period: Saturday 26 September to Sunday 11 October 2020,
** whose working days are 27 (a make-up Sunday), 28, 29, 30 September, 9 and
** 10 (a make-up Saturday) October: six, two thirds of which is eight half
** days.
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
static struct client admin, zzb, fgw, leader, cl_leader, officer, agent, owner;

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&zzb, "city-zzb", "department", "350100-zzb"}, /* the organisation department: holds "assessment" */
    {&fgw, "fgw-dept", "department", "350100-fgw"}, /* a department without the duty */
    {&leader, "city-leader", "leader", "350100"},
    {&cl_leader, "cl-leader", "leader", "350112"},
    {&officer, "ja-officer", "officer", "350111-tcj"}, /* official A */
    {&agent, "city-agent", "agent", "350100-xzfw"},    /* official D */
    {&owner, "ja-owner", "officer", "350111-tcj"},     /* owns the task; no official */
};

#define PERIOD "from=2020-09-26&to=2020-10-11"

static long long enterprise, task, official_a, official_b, official_c, official_d;

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

static long long created(struct client *c, const char *path, const char *body)
{
	return client_createdf(c, path, "%s", body);
}

static long long official(const char *name, const char *org, const char *user)
{
	char body[256];
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"post\":\"科员\",\"org\":\"%s\"%s%s%s}", name, org,
	         user ? ",\"user\":\"" : "", user ? user : "", user ? "\"" : "");
	return created(&zzb, "/api/v1/cadres/officials", body);
}

/* An entry for official id by c: its id. */
static long long entry(struct client *c, long long id, const char *day, const char *portion)
{
	char path[64], body[256];
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/entries", id);
	snprintf(body, sizeof body,
	         "{\"day\":\"%s\",\"portion\":\"%s\",\"place\":\"项目现场\",\"task\":%lld,\"work\":\"协调\"}", day,
	         portion, task);
	return created(c, path, body);
}

static long confirm(struct client *c, long long id, char code[48])
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/cadres/entries/%lld/confirm", id);
	return client_statusf(c, "POST", path, code, NULL);
}

static int setup(void **state)
{
	(void)state;
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	struct response r;
	assert_int_equal(client_callf(&admin, &r, "POST", "/api/v1/enterprises",
	                              "{\"name\":\"福州海峡新材料有限公司\",\"credit_code\":\"91350111MA2AB0123Y\","
	                              "\"district\":\"350111\",\"industry\":\"新材料\",\"contact_name\":\"林经理\","
	                              "\"contact_phone\":\"0591-12345678\"}"),
	                 201);
	enterprise = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	/* 晋安区投资促进局: A (ja-officer), B and C, not linked.  D (city-agent) sits in 市行政服务中心. */
	official_a = official("陈一", "350111-tcj", "ja-officer");
	official_b = official("林二", "350111-tcj", NULL);
	official_c = official("王三", "350111-tcj", NULL);
	official_d = official("张四", "350100-xzfw", "city-agent");
	char body[256];
	snprintf(body, sizeof body,
	         "{\"name\":\"项目攻坚专项行动\",\"kind\":\"special_action\",\"starts_on\":\"2020-09-01\","
	         "\"ends_on\":\"2020-12-31\",\"owner\":\"ja-owner\",\"orgs\":[\"350111-tcj\"],\"officials\":[%lld]}",
	         official_d);
	task = created(&zzb, "/api/v1/cadres/tasks", body);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

static void test_officials_added_once_by_the_department_alone(void **state)
{
	(void)state;
	char code[48];
	const char *body = "{\"name\":\"陈一\",\"post\":\"科员\",\"org\":\"350111-tcj\"}";
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/officials", code, "%s", body), 409);
	assert_string_equal(code, "official_exists");
	assert_int_equal(client_statusf(&fgw, "POST", "/api/v1/cadres/officials", code,
	                                "{\"name\":\"赵五\",\"post\":\"科员\","
	                                "\"org\":\"350111-tcj\"}"),
	                 403);
	assert_string_equal(code, "wrong_duty");
	assert_int_equal(client_statusf(&leader, "POST", "/api/v1/cadres/officials", code,
	                                "{\"name\":\"赵五\",\"post\":\"科员\","
	                                "\"org\":\"350111-tcj\"}"),
	                 403);
	assert_int_equal(
	    client_statusf(&zzb, "POST", "/api/v1/cadres/officials", code,
	                   "{\"name\":\"赵五\",\"post\":\"科员\",\"org\":\"350111-tcj\",\"user\":\"ja-officer\"}"),
	    409);
	assert_string_equal(code, "user_linked");
	assert_int_equal(
	    client_statusf(&zzb, "POST", "/api/v1/cadres/officials", code,
	                   "{\"name\":\"赵五\",\"post\":\"科员\",\"org\":\"350111-tcj\",\"user\":\"nobody\"}"),
	    422);
	assert_string_equal(code, "unknown_user");
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/officials", code,
	                                "{\"name\":\"赵五\",\"post\":\"科员\",\"org\":\"999999\"}"),
	                 422);
	assert_string_equal(code, "unknown_org");
	assert_int_equal(count("SELECT count(*) FROM officials"), 4);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.official.create'"), 4);
}

static void test_import_all_or_nothing(void **state)
{
	(void)state;
	struct response r;
	long long before = count("SELECT count(*) FROM officials");
	/* Line 3 names an organisation that does not exist: nothing of line 2 is kept. */
	const char *bad = "姓名,职务,单位代码,领导班子成员,用户名\n周六,局长,350112-tcj,是,\n吴七,科员,350199-xx,否,\n";
	assert_int_equal(client_post_json(&zzb, &r, "/api/v1/cadres/officials/import", json_pack("{s:s}", "csv", bad)),
	                 422);
	assert_string_equal(error_code(&r), "bad_line");
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")), "第 3 行"));
	response_free(&r);
	const char *yes_no = "姓名,职务,单位代码,领导班子成员,用户名\n周六,局长,350112-tcj,也许,\n";
	assert_int_equal(
	    client_post_json(&zzb, &r, "/api/v1/cadres/officials/import", json_pack("{s:s}", "csv", yes_no)), 422);
	assert_string_equal(error_code(&r), "bad_line");
	response_free(&r);
	assert_int_equal(
	    client_post_json(&zzb, &r, "/api/v1/cadres/officials/import", json_pack("{s:s}", "csv", "姓名,职务\n")),
	    422);
	assert_string_equal(error_code(&r), "bad_header");
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM officials"), before);
	const char *good =
	    "姓名,职务,单位代码,领导班子成员,用户名\n周六,局长,350112-tcj,是,\n吴七,科员,350112-tcj,,cl-leader\n";
	assert_int_equal(client_post_json(&zzb, &r, "/api/v1/cadres/officials/import", json_pack("{s:s}", "csv", good)),
	                 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "rows")), 2);
	response_free(&r);
	/* The same file again would add the same people twice: refused at its first line. */
	assert_int_equal(client_post_json(&zzb, &r, "/api/v1/cadres/officials/import", json_pack("{s:s}", "csv", good)),
	                 422);
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")), "第 2 行"));
	response_free(&r);
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/officials?org=350112", NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	json_t *first = json_array_get(items, 1); /* newest first */
	assert_string_equal(json_string_value(json_object_get(first, "name")), "周六");
	assert_true(json_is_true(json_object_get(first, "leading_group")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(first, "org"), "code")), "350112-tcj");
	response_free(&r);
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/cadres/officials", NULL, NULL), 403);
}

static void test_tasks_cover_records(void **state)
{
	(void)state;
	struct response r;
	char code[48], body[512];
	snprintf(body, sizeof body,
	         "{\"title\":\"新材料基地\",\"source\":\"以商招商\",\"enterprise\":%lld,\"industry\":\"新材料\","
	         "\"investment_wan\":10000}",
	         enterprise);
	long long lead = created(&officer, "/api/v1/invest/leads", body);
	snprintf(
	    body, sizeof body,
	    "{\"name\":\"防疫一线\",\"kind\":\"epidemic_post\",\"starts_on\":\"2020-01-24\",\"ends_on\":\"2020-03-31\","
	    "\"owner\":\"ja-owner\",\"orgs\":[\"350111\"],\"records\":[{\"kind\":\"lead\",\"ref\":%lld},"
	    "{\"kind\":\"lead\",\"ref\":\"%lld\"}]}", /* the same lead by its id as text: once */
	    lead, lead);
	long long id = created(&zzb, "/api/v1/cadres/tasks", body);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/cadres/tasks/%lld", id);
	assert_int_equal(client_callf(&zzb, &r, "GET", path, NULL), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "kind")), "epidemic_post");
	assert_string_equal(json_string_value(json_object_get(r.json, "ends_on")), "2020-03-31");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(r.json, "orgs"), 0), "code")), "350111");
	assert_int_equal(json_array_size(json_object_get(r.json, "records")), 1);
	json_t *rec = json_array_get(json_object_get(r.json, "records"), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "kind")), "lead");
	response_free(&r);
	long long tasks = count("SELECT count(*) FROM central_tasks");
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/tasks", code,
	                                "{\"name\":\"重点项目\",\"kind\":\"key_project\",\"starts_on\":\"2020-01-01\","
	                                "\"ends_on\":\"2020-12-31\",\"owner\":\"ja-owner\",\"records\":[{\"kind\":"
	                                "\"project\",\"ref\":\"2020-350111-39-03-999999\"}]}"),
	                 422);
	assert_string_equal(code, "unknown_record");
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/tasks", code,
	                                "{\"name\":\"重点项目\",\"kind\":\"key_project\",\"starts_on\":\"2020-01-01\","
	                                "\"ends_on\":\"2020-12-31\",\"owner\":\"ja-owner\",\"records\":[{\"kind\":"
	                                "\"problem\",\"ref\":\"1x\"}]}"),
	                 422);
	assert_string_equal(code, "unknown_record");
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/tasks", code,
	                                "{\"name\":\"重点项目\",\"kind\":\"key_project\",\"starts_on\":\"2020-12-31\","
	                                "\"ends_on\":\"2020-01-01\",\"owner\":\"ja-owner\"}"),
	                 422);
	assert_string_equal(code, "invalid_period");
	assert_int_equal(count("SELECT count(*) FROM central_tasks"), tasks);
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/cadres/tasks", code, NULL), 403);
	assert_int_equal(client_statusf(&fgw, "GET", "/api/v1/cadres/tasks", code, NULL), 403);
	assert_string_equal(code, "wrong_duty");
}

/* Entries: who may enter and confirm, and what is refused. */
static void test_entries_need_a_second_person(void **state)
{
	(void)state;
	char code[48], path[64];
	/* A enters their own day; the task's owner confirms it. */
	long long own = entry(&officer, official_a, "2020-09-29", "day");
	assert_int_equal(confirm(&officer, own, code), 403); /* the official: neither owner nor department */
	assert_int_equal(confirm(&fgw, own, code), 403);
	assert_string_equal(code, "not_confirmer");
	assert_int_equal(confirm(&owner, own, code), 200);
	assert_int_equal(confirm(&zzb, own, code), 409);
	assert_string_equal(code, "already_confirmed");
	/* The department enters for B and may not confirm what it entered. */
	long long by_zzb = entry(&zzb, official_b, "2020-09-28", "morning");
	assert_int_equal(confirm(&zzb, by_zzb, code), 403);
	assert_string_equal(code, "own_entry");
	assert_int_equal(confirm(&owner, by_zzb, code), 200);
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/entries", official_b);
	assert_int_equal(
	    client_statusf(
	        &officer, "POST", path, code,
	        "{\"day\":\"2020-09-30\",\"portion\":\"day\",\"place\":\"现场\",\"task\":%lld,\"work\":\"x\"}", task),
	    403); /* A may not enter B's days */
	assert_string_equal(code, "not_your_file");
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/entries", official_a);
	assert_int_equal(
	    client_statusf(
	        &officer, "POST", path, code,
	        "{\"day\":\"2020-08-30\",\"portion\":\"day\",\"place\":\"现场\",\"task\":%lld,\"work\":\"x\"}", task),
	    422); /* before the task began */
	assert_string_equal(code, "not_on_task");
	assert_int_equal(
	    client_statusf(
	        &officer, "POST", path, code,
	        "{\"day\":\"2099-09-30\",\"portion\":\"day\",\"place\":\"现场\",\"task\":%lld,\"work\":\"x\"}", task),
	    422);
	assert_string_equal(code, "invalid_date");
	assert_int_equal(
	    client_statusf(
	        &officer, "POST", path, code,
	        "{\"day\":\"2020-09-30\",\"portion\":\"evening\",\"place\":\"现场\",\"task\":%lld,\"work\":\"x\"}",
	        task),
	    422);
	assert_string_equal(code, "invalid_portion");
	/* A task A owns: A still may not confirm A's own days, whoever entered them. */
	char body[256];
	snprintf(body, sizeof body,
	         "{\"name\":\"招商专班\",\"kind\":\"special_action\",\"starts_on\":\"2020-09-01\","
	         "\"ends_on\":\"2020-09-30\",\"owner\":\"ja-officer\",\"officials\":[%lld]}",
	         official_a);
	long long own_task = created(&zzb, "/api/v1/cadres/tasks", body);
	snprintf(body, sizeof body,
	         "{\"day\":\"2020-09-30\",\"portion\":\"afternoon\",\"place\":\"现场\",\"task\":%lld,\"work\":\"x\"}",
	         own_task);
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/entries", official_a);
	long long for_a = created(&zzb, path, body);
	assert_int_equal(confirm(&officer, for_a, code), 403);
	assert_string_equal(code, "own_entry");
	/* The owner's list of entries to confirm: what is left, none of them the owner's own. */
	long long waiting = entry(&officer, official_a, "2020-10-10", "day");
	struct response r;
	assert_int_equal(client_callf(&owner, &r, "GET", "/api/v1/cadres/entries/pending", NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), waiting);
	response_free(&r);
	assert_int_equal(client_callf(&officer, &r, "GET", "/api/v1/cadres/entries/pending", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")),
	                 0); /* A's own entry is not A's to confirm */
	response_free(&r);
	assert_int_equal(confirm(&owner, waiting, code), 200);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.entry.confirm'"), 3);
}

static json_t *find_short(json_t *figures, long long id)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(figures, "short"), i, v)
	{
		if (json_integer_value(json_object_get(v, "id")) == id)
			return v;
	}
	return NULL;
}

/*
** By hand, 26 September to 11 October 2020 (six working days):
**   A: an on-site visit on Sunday 27 (made up: counts), an online visit on
**      9 October (does not), entries of whole days on 29 and Saturday 10 October
**      (made up) confirmed above, and on 3 October (the holiday) and 28:
**      27, 28, 29, 10 = 8 half days, two thirds exactly;
**   B: 28 morning (confirmed above) and afternoon, the 30th's morning twice,
**      9 October whole: 2 + 1 + 2 = 5 half days, plus 29 whole unconfirmed;
**   C: nothing.
** Staff 3, at the front line 2 (3 × 2 ≥ 2 × 3), but B under two thirds: not
** met.  Confirming B's 29th makes B 7 half days: still short.
*/
static void test_two_thirds_by_hand(void **state)
{
	(void)state;
	char code[48];
	struct response r;
	assert_int_equal(
	    client_statusf(
	        &officer, "POST", "/api/v1/invest/visits", code,
	        "{\"enterprise\":%lld,\"mode\":\"onsite\",\"happened_on\":\"2020-09-27\",\"discussed\":\"用地\"}",
	        enterprise),
	    201);
	assert_int_equal(
	    client_statusf(
	        &officer, "POST", "/api/v1/invest/visits", code,
	        "{\"enterprise\":%lld,\"mode\":\"online\",\"happened_on\":\"2020-10-09\",\"discussed\":\"视频\"}",
	        enterprise),
	    201);
	assert_int_equal(confirm(&owner, entry(&officer, official_a, "2020-10-03", "day"), code), 200);
	assert_int_equal(confirm(&owner, entry(&officer, official_a, "2020-09-28", "day"), code), 200);
	assert_int_equal(confirm(&owner, entry(&zzb, official_b, "2020-09-28", "afternoon"), code), 200);
	assert_int_equal(confirm(&owner, entry(&zzb, official_b, "2020-09-30", "morning"), code), 200);
	assert_int_equal(confirm(&owner, entry(&zzb, official_b, "2020-09-30", "morning"), code), 200);
	assert_int_equal(confirm(&owner, entry(&zzb, official_b, "2020-10-09", "day"), code), 200);
	long long pending = entry(&zzb, official_b, "2020-09-29", "day");

	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/frontline?org=350111-tcj&" PERIOD, NULL), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "working_days")), 6);
	json_t *rule = json_object_get(r.json, "rule");
	assert_int_equal(json_integer_value(json_object_get(rule, "staff")), 3);
	assert_int_equal(json_integer_value(json_object_get(rule, "at_front")), 2);
	assert_int_equal(json_integer_value(json_object_get(rule, "time_short")), 1);
	assert_true(json_is_true(json_object_get(rule, "staff_met")));
	assert_true(json_is_false(json_object_get(rule, "time_met")));
	assert_true(json_is_false(json_object_get(rule, "met")));
	/* Shares read as written: two thirds to four places, not 0.66659999999999997. */
	assert_non_null(strstr(r.body, "\"staff_share\":0.6666,"));
	assert_null(find_short(r.json, official_a));
	json_t *b = find_short(r.json, official_b), *c = find_short(r.json, official_c);
	assert_non_null(b);
	assert_int_equal(json_integer_value(json_object_get(b, "half_days")), 5);
	assert_string_equal(json_string_value(json_object_get(b, "why")), "under_two_thirds");
	assert_string_equal(json_string_value(json_object_get(c, "why")), "not_at_front");
	response_free(&r);

	assert_int_equal(confirm(&owner, pending, code), 200);
	assert_int_equal(client_callf(&zzb, &r, "GET", "/api/v1/cadres/frontline?org=350111&" PERIOD, NULL), 200);
	assert_int_equal(json_integer_value(json_object_get(find_short(r.json, official_b), "half_days")), 7);
	json_t *tcj = json_array_get(json_object_get(r.json, "orgs"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(tcj, "org"), "code")), "350111-tcj");
	assert_true(json_is_false(json_object_get(tcj, "met")));
	response_free(&r);

	/* A leader reads the figures of organisations in scope, without names; another district's leader does not. */
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/cadres/frontline?org=350111-tcj&" PERIOD, NULL),
	                 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "rule"), "at_front")), 2);
	assert_null(json_object_get(r.json, "short"));
	response_free(&r);
	assert_int_equal(
	    client_statusf(&cl_leader, "GET", "/api/v1/cadres/frontline?org=350111-tcj&" PERIOD, code, NULL), 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(client_statusf(&zzb, "GET",
	                                "/api/v1/cadres/frontline?org=350111-tcj&from=2020-01-01&to=2021-06-30", code,
	                                NULL),
	                 422);
	assert_string_equal(code, "invalid_period");

	/* A's own record, day by day: the holiday listed and not counted, the online visit absent. */
	char path[96];
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/frontline?" PERIOD, official_a);
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "half_days")), 8);
	assert_true(json_is_true(json_object_get(r.json, "time_met")));
	json_t *days = json_object_get(r.json, "days");
	assert_int_equal(json_array_size(days), 5); /* 27, 28, 29, 3 October, 10 October */
	json_t *sunday = json_array_get(days, 0);
	assert_string_equal(json_string_value(json_object_get(sunday, "day")), "2020-09-27");
	assert_true(json_is_true(json_object_get(sunday, "working_day")));
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(sunday, "records"), 0), "source")),
	    "visit");
	json_t *holiday = json_array_get(days, 3);
	assert_string_equal(json_string_value(json_object_get(holiday, "day")), "2020-10-03");
	assert_int_equal(json_integer_value(json_object_get(holiday, "half_days")), 0);
	response_free(&r);
}

/* D's frontline days come from the projects: a follow-up visit and an inspection count, a call does not. */
static void test_project_records_count(void **state)
{
	(void)state;
	struct response r;
	char body[512], path[96];
	snprintf(
	    body, sizeof body,
	    "{\"code\":\"2020-350111-39-03-000001\",\"name\":\"晋安新材料产业园\",\"enterprise\":%lld,"
	    "\"industry\":\"新材料\",\"investment_wan\":120000,\"level\":\"municipal\",\"created_on\":\"2020-09-01\"}",
	    enterprise);
	long long project = created(&agent, "/api/v1/projects", body);
	snprintf(path, sizeof path, "/api/v1/projects/%lld/followups", project);
	created(&agent, path, "{\"kind\":\"visit\",\"happened_on\":\"2020-09-28\",\"summary\":\"现场协调用地\"}");
	created(&agent, path, "{\"kind\":\"call\",\"happened_on\":\"2020-09-29\",\"summary\":\"电话\"}");
	snprintf(path, sizeof path, "/api/v1/projects/%lld/inspections", project);
	long long inspection = created(&agent, path, "{\"title\":\"河道巡查\",\"due\":\"2020-09-30\"}");
	snprintf(path, sizeof path, "/api/v1/projects/%lld/inspections/%lld/log", project, inspection);
	assert_int_equal(
	    client_statusf(&agent, "POST", path, NULL, "{\"done_on\":\"2020-09-30\",\"findings\":\"畅通\"}"), 200);
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/frontline?" PERIOD, official_d);
	assert_int_equal(client_callf(&agent, &r, "GET", path, NULL), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "half_days")), 4);
	json_t *days = json_object_get(r.json, "days");
	assert_int_equal(json_array_size(days), 2);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(json_array_get(days, 1), "records"), 0), "source")),
	                    "inspection");
	response_free(&r);
}

/* An official's file: theirs and the department's; every read audited; nobody else learns anything. */
static void test_file_reads_audited(void **state)
{
	(void)state;
	struct response r;
	char path[96], code[48];
	const char *reads = "SELECT count(*) FROM audit_log WHERE action = 'cadres.official.read'";
	long long before = count(reads);
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld", official_a);
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "name")), "陈一");
	assert_true(json_array_size(json_object_get(r.json, "tasks")) >= 1); /* through 350111-tcj */
	assert_true(json_array_size(json_object_get(r.json, "entries")) >= 1);
	/* People by name: who confirmed an entry, who owns a task. */
	json_t *entry;
	size_t i;
	bool named = false;
	json_array_foreach(json_object_get(r.json, "entries"), i, entry)
	{
		json_t *by = json_object_get(entry, "confirmed_by");
		if (json_is_null(json_object_get(entry, "confirmed_at")))
			continue;
		assert_string_equal(json_string_value(json_object_get(by, "username")), "ja-owner");
		assert_non_null(json_string_value(json_object_get(by, "name")));
		named = true;
	}
	assert_true(named);
	response_free(&r);
	char task_path[64];
	snprintf(task_path, sizeof task_path, "/api/v1/cadres/tasks/%lld", task);
	assert_int_equal(client_callf(&zzb, &r, "GET", task_path, NULL), 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "owner"), "username")),
	                    "ja-owner");
	assert_non_null(json_string_value(json_object_get(json_object_get(r.json, "owner"), "name")));
	response_free(&r);
	/* The console learns which official its user is from /me. */
	assert_int_equal(client_callf(&officer, &r, "GET", "/api/v1/me", NULL), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "user"), "official")), official_a);
	response_free(&r);
	assert_int_equal(client_callf(&owner, &r, "GET", "/api/v1/me", NULL), 200);
	assert_true(json_is_null(json_object_get(json_object_get(r.json, "user"), "official")));
	response_free(&r);
	assert_int_equal(client_statusf(&zzb, "GET", path, NULL, NULL), 200);
	assert_int_equal(count(reads), before + 2);
	struct client *others[] = {&leader, &fgw, &agent, &owner, &admin};
	for (i = 0; i < sizeof others / sizeof others[0]; i++) {
		assert_int_equal(client_statusf(others[i], "GET", path, code, NULL), 403);
		assert_string_equal(code, "not_your_file");
	}
	assert_int_equal(client_statusf(&officer, "GET", "/api/v1/cadres/officials/999999", code, NULL), 403);
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/officials/999999", code, NULL), 404);
	assert_int_equal(count(reads), before + 2);
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/frontline?" PERIOD, official_b);
	assert_int_equal(client_statusf(&officer, "GET", path, code, NULL), 403);
	assert_int_equal(client_statusf(&leader, "GET", path, code, NULL), 403);
	assert_int_equal(client_statusf(&zzb, "GET", path, code, NULL), 200);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.frontline.read'"), 3);
}

/* The demo's figures over its last 30 days: the service centre meets the rule, the investment bureau does not. */
static void test_demo_shows_met_and_not_met(void **state)
{
	(void)state;
	struct test_server demo;
	struct client zzb_demo, leader_demo;
	const struct cast_member demo_cast[] = {
	    {&zzb_demo, "city-zzb", "department", "350100-zzb"},
	    {&leader_demo, "city-leader", "leader", "350100"},
	    {NULL, "jinan-officer", "officer", "350111-tcj"},
	    {NULL, "city-agent", "agent", "350100-xzfw"},
	};
	cast_up(&demo, demo_cast, CAST_SIZE(demo_cast), NULL);
	cast_sign_out(demo_cast, CAST_SIZE(demo_cast));
	assert_int_equal(server_stop_process(&demo), 0);
	assert_int_equal(cadres_demo(demo.db), 0);
	cast_start(&demo, demo_cast, CAST_SIZE(demo_cast), NULL);
	int32_t today = clock_local_day(clock_now());
	char from[11], to[11], path[128];
	clock_format_date(today - 30, from);
	clock_format_date(today - 1, to);
	snprintf(path, sizeof path, "/api/v1/cadres/frontline?org=350100&from=%s&to=%s", from, to);
	struct response r;
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", path, NULL), 200);
	size_t i;
	json_t *v;
	int seen = 0;
	json_array_foreach(json_object_get(r.json, "orgs"), i, v)
	{
		const char *code = json_string_value(json_object_get(json_object_get(v, "org"), "code"));
		if (strcmp(code, "350100-xzfw") == 0) {
			assert_true(json_is_true(json_object_get(v, "met"))); /* 3 of 4, each at two thirds */
			seen++;
		}
		if (strcmp(code, "350111") == 0) {
			assert_true(json_is_false(json_object_get(v, "met"))); /* 林晓燕 at a third, 王建国 never */
			assert_int_equal(json_integer_value(json_object_get(v, "time_short")), 1);
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	assert_int_equal(json_array_size(json_object_get(r.json, "short")), 3);
	response_free(&r);
	/* The owner of the special action has 林晓燕's unconfirmed days to confirm. */
	assert_int_equal(client_callf(&leader_demo, &r, "GET", "/api/v1/cadres/entries/pending", NULL), 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 6);
	response_free(&r);
	cast_down(&demo, demo_cast, CAST_SIZE(demo_cast));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_officials_added_once_by_the_department_alone),
	    cmocka_unit_test(test_import_all_or_nothing),
	    cmocka_unit_test(test_tasks_cover_records),
	    cmocka_unit_test(test_entries_need_a_second_person),
	    cmocka_unit_test(test_two_thirds_by_hand),
	    cmocka_unit_test(test_project_records_count),
	    cmocka_unit_test(test_file_reads_audited),
	    cmocka_unit_test(test_demo_shows_met_and_not_met),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
