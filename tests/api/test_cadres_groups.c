/*
** test_cadres_groups.c - assessment groups and their methods' evidence
** against the real server: groups formed by the organisation department
** (and what is refused, nothing written), sittings-in, open and unannounced
** visits and judgements recorded by the group's members alone, an
** unannounced visit hidden from the assessed official until closed, the
** milestone reconciliation worked by hand across the 2020 Spring Festival,
** and the dynamic tracking checked against records the test makes.
**
** The Spring Festival of 2020 on the calendar: Sunday 19 January a make-up
** working day; 24 January to 2 February off (the holiday, extended for the
** epidemic, Saturday 1 February's make-up day cancelled); 3 February the
** first working day after.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cadres/cadres.h"
#include "client.h"

static struct test_server server;
static struct client admin, zzb, zzb2, cl_zzb, fgw, leader, officer, agent, bureau, firm;

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&zzb, "city-zzb", "department", "350100-zzb"}, /* leads the group */
    {&zzb2, "zzb-two", "department", "350100-zzb"}, /* the department, not in the group */
    {&fgw, "fgw-dept", "department", "350100-fgw"}, /* a department without the duty */
    {&leader, "city-leader", "leader", "350100"},
    {&officer, "ja-officer", "officer", "350111-tcj"}, /* official A */
    {&agent, "city-agent", "agent", "350100-xzfw"},    /* official D, on the task; the projects' agent */
    {&bureau, "ja-rsj", "department", "350111-rsj"},   /* official E; answers the labour problems */
    {&firm, "firm", "enterprise", "350111"},
    {&cl_zzb, "cl-zzb", "department", "350112-zzb"}, /* 长乐's organisation department, added in setup() */
};

static long long enterprise, task, group, official_a, official_b, official_c, official_d, official_e;
static char group_path[64];

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

static long long official(const char *name, const char *org, const char *user)
{
	return client_createdf(&zzb, "/api/v1/cadres/officials",
	                       "{\"name\":\"%s\",\"post\":\"科员\",\"org\":\"%s\"%s%s%s}", name, org,
	                       user ? ",\"user\":\"" : "", user ? user : "", user ? "\"" : "");
}

static int setup(void **state)
{
	(void)state;
	size_t n = CAST_SIZE(cast);
	cast_prepare(&server, cast, n - 1);
	/* A district's organisation department, for what lies outside an area. */
	char csv[160];
	snprintf(csv, sizeof csv, "%s/zzb.csv", server.dir);
	FILE *f = fopen(csv, "w");
	fputs("code,name,parent_code,kind,duties\n350112-zzb,中共长乐区委组织部,350112,department,assessment\n", f);
	fclose(f);
	assert_int_equal(run_banyan(NULL, NULL, 0, "org", "import", "--db", server.db, csv, NULL), 0);
	add_user(&server, "cl-zzb", "department", "350112-zzb");
	cast_start(&server, cast, n, NULL);
	assert_int_equal(
	    enterprise_with_account(&admin, "福州海峡新材料有限公司", "91350111MA2AB0123Y", "350111", "firm"), 0);
	enterprise = count("SELECT id FROM enterprises WHERE credit_code = '91350111MA2AB0123Y'");
	official_a = official("陈一", "350111-tcj", "ja-officer");
	official_b = official("林二", "350111-tcj", NULL);
	official_c = official("王三", "350112-tcj", NULL); /* 长乐: not assessed */
	official_d = official("张四", "350100-xzfw", "city-agent");
	official_e = official("李五", "350111-rsj", "ja-rsj");
	task =
	    client_createdf(&zzb, "/api/v1/cadres/tasks",
	                    "{\"name\":\"项目攻坚专项行动\",\"kind\":\"special_action\",\"starts_on\":\"2020-01-01\","
	                    "\"ends_on\":\"2030-12-31\",\"owner\":\"city-leader\",\"officials\":[%lld]}",
	                    official_d);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

#define GROUP_BODY(members, orgs)                                                                                      \
	"{\"name\":\"晋安考核组\",\"task\":%lld,\"starts_on\":\"2020-01-01\",\"ends_on\":\"2030-12-31\","         \
	"\"members\":" members ",\"orgs\":" orgs "}"

static void test_groups_formed_by_the_department(void **state)
{
	(void)state;
	char code[48];
	const char *groups = "SELECT count(*) FROM assessment_groups";
	struct {
		struct client *c;
		const char *body;
		long status;
		const char *code;
	} refused[] = {
	    {&zzb, GROUP_BODY("[{\"user\":\"fgw-dept\"}]", "[\"350111\"]"), 422, "not_assessor"},
	    {&zzb, GROUP_BODY("[{\"user\":\"city-zzb\"},{\"user\":\"ja-officer\"}]", "[\"350111\"]"), 422,
	     "not_assessor"},
	    {&zzb, GROUP_BODY("[{\"user\":\"nobody\"}]", "[\"350111\"]"), 422, "unknown_user"},
	    {&zzb, GROUP_BODY("[{\"user\":\"city-zzb\",\"leads\":\"yes\"}]", "[\"350111\"]"), 422, "invalid_field"},
	    {&zzb, GROUP_BODY("[]", "[\"350111\"]"), 422, "no_members"},
	    {&zzb, GROUP_BODY("[{\"user\":\"city-zzb\"}]", "[]"), 422, "no_orgs"},
	    {&zzb, GROUP_BODY("[{\"user\":\"city-zzb\"}]", "[\"999999\"]"), 422, "unknown_org"},
	    {&cl_zzb, GROUP_BODY("[{\"user\":\"cl-zzb\"}]", "[\"350112\",\"350111\"]"), 403, "out_of_scope"},
	    {&fgw, GROUP_BODY("[{\"user\":\"city-zzb\"}]", "[\"350111\"]"), 403, "wrong_duty"},
	    {&leader, GROUP_BODY("[{\"user\":\"city-zzb\"}]", "[\"350111\"]"), 403, "forbidden"},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		assert_int_equal(
		    client_statusf(refused[i].c, "POST", "/api/v1/cadres/groups", code, refused[i].body, task),
		    refused[i].status);
		assert_string_equal(code, refused[i].code);
	}
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/groups", code,
	                                GROUP_BODY("[{\"user\":\"city-zzb\"}]", "[\"350111\"]"), 999999LL),
	                 422);
	assert_string_equal(code, "unknown_task");
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/groups", code,
	                                "{\"name\":\"x\",\"starts_on\":\"2020-12-31\",\"ends_on\":\"2020-01-01\","
	                                "\"members\":[{\"user\":\"city-zzb\"}],\"orgs\":[\"350111\"]}"),
	                 422);
	assert_string_equal(code, "invalid_period");
	assert_int_equal(count(groups), 0);
	assert_int_equal(count("SELECT count(*) FROM assessment_group_members"), 0);

	/* city-zzb listed twice, the second time without leading: still the leader, one member row. */
	group = client_createdf(&zzb, "/api/v1/cadres/groups",
	                        GROUP_BODY("[{\"user\":\"city-zzb\",\"leads\":true},{\"user\":\"cl-zzb\"},{\"user\":\"city-zzb\"}]",
	                                   "[\"350111\"]"),
	                        task);
	assert_int_equal(count("SELECT count(*) FROM assessment_group_members"), 2);
	snprintf(group_path, sizeof group_path, "/api/v1/cadres/groups/%lld", group);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.group.create'"
	                       " AND object_type = 'assessment_group'"),
	                 1);

	struct response r;
	assert_int_equal(client_callf(&zzb2, &r, "GET", "/api/v1/cadres/groups", NULL), 200);
	json_t *g = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(g, "name")), "晋安考核组");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(g, "task"), "id")), task);
	assert_string_equal(json_string_value(json_object_get(g, "starts_on")), "2020-01-01");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(g, "orgs"), 0), "code")),
	                    "350111");
	json_t *lead = json_array_get(json_object_get(g, "members"), 0);
	assert_string_equal(json_string_value(json_object_get(lead, "username")), "city-zzb");
	assert_true(json_is_true(json_object_get(lead, "leads")));
	assert_true(json_is_false(json_object_get(g, "mine"))); /* zzb-two is not a member */
	response_free(&r);
	/* 长乐's department reads the group it sits in, not the city's others. */
	assert_int_equal(client_callf(&cl_zzb, &r, "GET", "/api/v1/cadres/groups?mine=1", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);

	/* Whom it assesses: 晋安's officials, and D through the task; not 长乐's C. */
	assert_int_equal(client_callf(&zzb, &r, "GET", group_path, NULL), 200);
	assert_true(json_is_true(json_object_get(r.json, "mine")));
	json_t *officials = json_object_get(r.json, "officials");
	assert_int_equal(json_array_size(officials), 4);
	size_t i;
	json_t *v;
	json_array_foreach(officials, i, v)
	{
		assert_int_not_equal(json_integer_value(json_object_get(v, "id")), official_c);
	}
	assert_int_equal(json_integer_value(json_object_get(r.json, "sittings")), 0);
	response_free(&r);
	assert_int_equal(client_statusf(&leader, "GET", group_path, code, NULL), 403);
	assert_int_equal(client_statusf(&fgw, "GET", group_path, code, NULL), 403);
	assert_string_equal(code, "wrong_duty");
	assert_int_equal(client_statusf(&zzb, "GET", "/api/v1/cadres/groups/999999", code, NULL), 404);
	assert_string_equal(code, "unknown_group");
}

static long evidence_status(struct client *c, const char *what, char code[48], const char *fmt, ...)
{
	char path[96], body[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	snprintf(path, sizeof path, "%s/%s", group_path, what);
	return client_statusf(c, strcmp(what, "sittings") && strcmp(what, "visits") ? "PUT" : "POST", path, code, "%s",
	                      body);
}

#define SITTING(org, day)                                                                                              \
	"{\"org\":\"" org "\",\"day\":\"" day "\",\"meeting\":\"党组会\",\"observations\":\"议题充分\"}"
#define VISIT(org, kind, day)                                                                                          \
	"{\"org\":\"" org "\",\"kind\":\"" kind "\",\"day\":\"" day "\",\"place\":\"项目现场\",\"findings\":\"在岗\"}"

static void test_evidence_by_members_only(void **state)
{
	(void)state;
	char code[48], what[64];
	const char *evidence =
	    "SELECT (SELECT count(*) FROM assessment_sittings) + (SELECT count(*) FROM assessment_visits)"
	    " + (SELECT count(*) FROM assessment_judgements)";
	/* The rest of the department, another department, a leader: refused, nothing written. */
	assert_int_equal(evidence_status(&zzb2, "sittings", code, SITTING("350111-tcj", "2020-06-01")), 403);
	assert_string_equal(code, "not_group_member");
	assert_int_equal(evidence_status(&zzb2, "visits", code, VISIT("350111-tcj", "open", "2020-06-01")), 403);
	assert_string_equal(code, "not_group_member");
	snprintf(what, sizeof what, "judgements/%lld", official_a);
	assert_int_equal(evidence_status(&zzb2, what, code, "{\"score\":90,\"reasons\":\"好\"}"), 403);
	assert_string_equal(code, "not_group_member");
	assert_int_equal(evidence_status(&fgw, "sittings", code, SITTING("350111-tcj", "2020-06-01")), 403);
	assert_string_equal(code, "wrong_duty");
	assert_int_equal(evidence_status(&leader, "sittings", code, SITTING("350111-tcj", "2020-06-01")), 403);
	/* Bad input from a member. */
	assert_int_equal(evidence_status(&zzb, "sittings", code, SITTING("350112-tcj", "2020-06-01")), 422);
	assert_string_equal(code, "org_not_assessed");
	assert_int_equal(evidence_status(&zzb, "sittings", code, SITTING("350100-xzfw", "2020-06-01")), 422);
	assert_string_equal(code, "org_not_assessed");
	assert_int_equal(evidence_status(&zzb, "sittings", code, SITTING("350111-tcj", "2099-06-01")), 422);
	assert_string_equal(code, "invalid_date");
	assert_int_equal(evidence_status(&zzb, "sittings", code, SITTING("350111-tcj", "2019-12-31")), 422);
	assert_string_equal(code, "invalid_date");
	assert_int_equal(evidence_status(&zzb, "visits", code, VISIT("350111-tcj", "secret", "2020-06-01")), 422);
	assert_string_equal(code, "invalid_kind");
	const char *bad_scores[] = {"100.5", "-1", "87.1234", "\"90\""};
	for (size_t i = 0; i < sizeof bad_scores / sizeof bad_scores[0]; i++) {
		assert_int_equal(evidence_status(&zzb, what, code, "{\"score\":%s,\"reasons\":\"好\"}", bad_scores[i]),
		                 422);
		assert_string_equal(code, "invalid_score");
	}
	snprintf(what, sizeof what, "judgements/%lld", official_c);
	assert_int_equal(evidence_status(&zzb, what, code, "{\"score\":90,\"reasons\":\"好\"}"), 422);
	assert_string_equal(code, "official_not_assessed");
	/* A member who is also an official assessed by the group does not judge themselves. */
	snprintf(what, sizeof what, "judgements/%lld", official("周六", "350111-tcj", "cl-zzb"));
	assert_int_equal(evidence_status(&cl_zzb, what, code, "{\"score\":99,\"reasons\":\"自评\"}"), 403);
	assert_string_equal(code, "own_record");
	assert_int_equal(count(evidence), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE object_type = 'assessment_group'"), 1);

	/* A member records a sitting (in a bureau of the district assessed) and judgements; a revision audited. */
	assert_int_equal(evidence_status(&zzb, "sittings", code, SITTING("350111-tcj", "2020-06-01")), 201);
	snprintf(what, sizeof what, "judgements/%lld", official_d); /* assessed through the task */
	assert_int_equal(evidence_status(&cl_zzb, what, code, "{\"score\":80,\"reasons\":\"一线值守\"}"), 200);
	assert_int_equal(evidence_status(&zzb, what, code, "{\"score\":87.125,\"reasons\":\"复核后上调\"}"), 200);
	json_t *revised = db_json_rows(&server, "SELECT detail FROM audit_log WHERE action = 'cadres.judgement.revise'");
	size_t i, n = 0;
	json_t *detail;
	json_array_foreach(revised, i, detail) n += json_number_value(json_object_get(detail, "old_score")) == 80 &&
	                                            json_number_value(json_object_get(detail, "score")) == 87.125;
	assert_int_equal(n, 1);
	json_decref(revised);
	struct response r;
	char path[96];
	snprintf(path, sizeof path, "%s/judgements", group_path);
	assert_int_equal(client_callf(&zzb2, &r, "GET", path, NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *j = json_array_get(items, 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "official"), "id")), official_d);
	assert_true(json_real_value(json_object_get(j, "score")) == 87.125);
	assert_string_equal(json_string_value(json_object_get(j, "reasons")), "复核后上调");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "recorded_by"), "username")),
	                    "city-zzb");
	response_free(&r);
	snprintf(path, sizeof path, "%s/sittings", group_path);
	assert_int_equal(client_callf(&zzb2, &r, "GET", path, NULL), 200);
	j = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "org"), "code")), "350111-tcj");
	assert_string_equal(json_string_value(json_object_get(j, "day")), "2020-06-01");
	assert_string_equal(json_string_value(json_object_get(j, "meeting")), "党组会");
	response_free(&r);
}

/* The evidence as the official and the department read it. */
static json_t *evidence_of(struct client *c, long long id, const char *list)
{
	char path[96];
	struct response r;
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/evidence", id);
	assert_int_equal(client_callf(c, &r, "GET", path, NULL), 200);
	json_t *out = json_incref(json_object_get(r.json, list));
	response_free(&r);
	return out;
}

static bool has_visit(json_t *visits, long long id)
{
	size_t i;
	json_t *v;
	json_array_foreach(visits, i, v)
	{
		if (json_integer_value(json_object_get(v, "id")) == id)
			return true;
	}
	return false;
}

static void test_unannounced_visit_hidden_until_closed(void **state)
{
	(void)state;
	char path[96], code[48];
	snprintf(path, sizeof path, "%s/visits", group_path);
	long long open = client_createdf(&zzb, path, VISIT("350111-tcj", "open", "2020-06-02"));
	long long hidden = client_createdf(&zzb, path, VISIT("350111-tcj", "unannounced", "2020-06-03"));
	const char *reads = "SELECT count(*) FROM audit_log WHERE action = 'cadres.evidence.read'";
	long long before = count(reads);

	json_t *seen = evidence_of(&officer, official_a, "visits");
	assert_true(has_visit(seen, open));
	assert_false(has_visit(seen, hidden));
	json_decref(seen);
	seen = evidence_of(&zzb2, official_a, "visits"); /* the department sees it */
	assert_true(has_visit(seen, hidden));
	json_decref(seen);
	seen = evidence_of(&officer, official_a, "sittings");
	assert_int_equal(json_array_size(seen), 1);
	json_decref(seen);
	assert_int_equal(count(reads), before + 3);
	json_t *reads_by_own = db_json_rows(&server, "SELECT detail FROM audit_log WHERE action = 'cadres.evidence.read'");
	size_t k, own = 0;
	json_t *detail;
	json_array_foreach(reads_by_own, k, detail) own += json_is_true(json_object_get(detail, "own"));
	assert_int_equal(own, 2);
	json_decref(reads_by_own);

	/* Nobody else reads an official's evidence. */
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/evidence", official_a);
	struct client *others[] = {&leader, &fgw, &agent, &bureau, &firm, &admin};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		assert_int_equal(client_statusf(others[i], "GET", path, code, NULL), 403);
		assert_string_equal(code, "not_your_file");
	}
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/evidence", official_a);
	assert_int_equal(client_statusf(&cl_zzb, "GET", path, code, NULL), 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(count(reads), before + 3);

	/* Closing: a member, once. */
	snprintf(path, sizeof path, "/api/v1/cadres/visits/%lld/close", hidden);
	assert_int_equal(client_statusf(&zzb2, "POST", path, code, NULL), 403);
	assert_string_equal(code, "not_group_member");
	seen = evidence_of(&officer, official_a, "visits");
	assert_false(has_visit(seen, hidden));
	json_decref(seen);
	assert_int_equal(client_statusf(&zzb, "POST", path, code, NULL), 200);
	assert_int_equal(client_statusf(&zzb, "POST", path, code, NULL), 409);
	assert_string_equal(code, "already_closed");
	assert_int_equal(client_statusf(&zzb, "POST", "/api/v1/cadres/visits/999999/close", code, NULL), 404);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'cadres.visit.close'"), 1);
	seen = evidence_of(&officer, official_a, "visits");
	assert_true(has_visit(seen, hidden));
	json_t *v = json_array_get(seen, 0); /* newest day first: the unannounced one */
	assert_string_equal(json_string_value(json_object_get(v, "kind_label")), "暗访");
	assert_false(json_is_null(json_object_get(v, "closed_at")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "group"), "name")), "晋安考核组");
	json_decref(seen);

	/* The group's page counts them. */
	struct response r;
	assert_int_equal(client_callf(&zzb, &r, "GET", group_path, NULL), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "visits")), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "open_visits")), 1);
	assert_int_equal(json_integer_value(json_object_get(r.json, "judgements")), 1);
	response_free(&r);
}

/* A project of 晋安 registered on 1 January 2020 by the agent, its start planned on planned; its id. */
static long long project(const char *serial, const char *planned)
{
	char body[512], path[96];
	snprintf(body, sizeof body,
	         "{\"code\":\"2020-350111-39-03-%s\",\"name\":\"项目%s\",\"enterprise\":%lld,\"industry\":\"新材料\","
	         "\"investment_wan\":10000,\"level\":\"municipal\",\"created_on\":\"2020-01-01\"}",
	         serial, serial, enterprise);
	long long id = client_createdf(&agent, "/api/v1/projects", "%s", body);
	snprintf(path, sizeof path, "/api/v1/projects/%lld/plan", id);
	assert_int_equal(
	    client_statusf(&agent, "POST", path, NULL, "{\"targets\":{\"start\":\"%s\"},\"reason\":\"倒排\"}", planned),
	    201);
	return id;
}

static void started(long long id, const char *day)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/projects/%lld/milestones/start", id);
	assert_int_equal(client_statusf(&agent, "POST", path, NULL, "{\"actual\":\"%s\"}", day), 200);
}

static json_t *find_milestone(json_t *items, const char *serial)
{
	char code[32];
	snprintf(code, sizeof code, "2020-350111-39-03-%s", serial);
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v)
	{
		if (strcmp(json_string_value(json_object_get(json_object_get(v, "project"), "code")), code) == 0)
			return v;
	}
	fail_msg("no milestone of %s", code);
	return NULL;
}

/*
** By hand, on the 2020 calendar:
**   000001 planned Thursday 23 January, started Monday 3 February: the days
**          after the 23rd up to the 3rd are the holiday (24 January to
**          2 February, Saturday 1 February included) and the 3rd: 1 late;
**   000002 planned Friday 17 January, started Monday 20: Saturday 18 is off,
**          Sunday 19 a make-up working day, then the 20th: 2 late;
**   000003 planned Wednesday 22 January, started Tuesday 21: on time, 0;
**   000004 planned Thursday 20 February, not started: overdue;
**   000005 planned 28 June 2030, not started: pending, outside February.
*/
static void test_milestones_reconciled_across_the_spring_festival(void **state)
{
	(void)state;
	started(project("000001", "2020-01-23"), "2020-02-03");
	started(project("000002", "2020-01-17"), "2020-01-20");
	started(project("000003", "2020-01-22"), "2020-01-21");
	project("000004", "2020-02-20");
	project("000005", "2030-06-28");
	struct response r;
	char path[128], code[48];
	snprintf(path, sizeof path, "%s/milestones?from=2020-01-01&to=2020-02-29", group_path);
	assert_int_equal(client_callf(&zzb2, &r, "GET", path, NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 4);
	struct {
		const char *serial, *planned, *actual, *state;
		int late; /* -1: null */
	} want[] = {
	    {"000001", "2020-01-23", "2020-02-03", "late", 1},
	    {"000002", "2020-01-17", "2020-01-20", "late", 2},
	    {"000003", "2020-01-22", "2020-01-21", "on_time", 0},
	    {"000004", "2020-02-20", NULL, "overdue", -2},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		json_t *m = find_milestone(items, want[i].serial);
		assert_string_equal(json_string_value(json_object_get(m, "milestone")), "start");
		assert_string_equal(json_string_value(json_object_get(m, "milestone_label")), "开工");
		assert_string_equal(json_string_value(json_object_get(m, "planned")), want[i].planned);
		if (want[i].actual)
			assert_string_equal(json_string_value(json_object_get(m, "actual")), want[i].actual);
		else
			assert_true(json_is_null(json_object_get(m, "actual")));
		assert_string_equal(json_string_value(json_object_get(m, "state")), want[i].state);
		if (want[i].late >= 0)
			assert_int_equal(json_integer_value(json_object_get(m, "late_working_days")), want[i].late);
		else /* overdue: late so far, years of working days by now */
			assert_true(json_integer_value(json_object_get(m, "late_working_days")) > 1000);
	}
	/* By planned day: 17, 22, 23 January, 20 February. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "planned")), "2020-01-17");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 3), "planned")), "2020-02-20");
	response_free(&r);
	/* The group's whole period: the one planned in 2030 too, pending. */
	snprintf(path, sizeof path, "%s/milestones", group_path);
	assert_int_equal(client_callf(&zzb, &r, "GET", path, NULL), 200);
	json_t *later = find_milestone(json_object_get(r.json, "items"), "000005");
	assert_string_equal(json_string_value(json_object_get(later, "state")), "pending");
	assert_true(json_is_null(json_object_get(later, "late_working_days")));
	response_free(&r);
	snprintf(path, sizeof path, "%s/milestones?from=2020-03-01&to=2020-02-01", group_path);
	assert_int_equal(client_statusf(&zzb, "GET", path, code, NULL), 422);
	assert_string_equal(code, "invalid_period");
	snprintf(path, sizeof path, "%s/milestones?from=2020-3-1", group_path);
	assert_int_equal(client_statusf(&zzb, "GET", path, code, NULL), 422);
	assert_string_equal(code, "invalid_period");
}

static long long problem_answered(void)
{
	long long id = client_createdf(
	    &firm, "/api/v1/problems",
	    "{\"enterprise\":%lld,\"category\":\"labour\",\"title\":\"招工难\",\"description\":\"缺工\"}", enterprise);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/problems/%lld/transitions", id);
	assert_int_equal(client_statusf(&bureau, "POST", path, NULL, "{\"action\":\"accept\"}"), 200);
	return id;
}

static void answer(long long id, int rating)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/problems/%lld/transitions", id);
	assert_int_equal(client_statusf(&bureau, "POST", path, NULL, "{\"action\":\"answer\",\"text\":\"已对接招聘\"}"),
	                 200);
	assert_int_equal(client_statusf(&firm, "POST", path, NULL, "{\"action\":\"confirm\",\"rating\":%d}", rating),
	                 200);
}

static json_t *find_official(json_t *officials, long long id)
{
	size_t i;
	json_t *v;
	json_array_foreach(officials, i, v)
	{
		if (json_integer_value(json_object_get(json_object_get(v, "official"), "id")) == id)
			return v;
	}
	fail_msg("official %lld not tracked", id);
	return NULL;
}

static long long field(json_t *obj, const char *a, const char *b)
{
	return json_integer_value(json_object_get(json_object_get(obj, a), b));
}

/* Tracking over the group's period, against the records made here and above. */
static void test_tracking_from_the_platform(void **state)
{
	(void)state;
	char path[128];
	/* Two problems answered by 晋安's 人社局: one on time (rated 4), one after its deadline (rated 5). */
	long long on_time = problem_answered(), late = problem_answered();
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE problems SET answer_due = answer_due - 30 * 86400 WHERE id = %lld", late);
	db_run_sql(&server, sql); /* its deadline passed a month ago */
	answer(on_time, 4);
	answer(late, 5);
	/* Two leads moved, one as far as signed; A's on-site visit; D's follow-ups and an inspection. */
	for (int i = 0; i < 2; i++) {
		long long lead = client_createdf(
		    &officer, "/api/v1/invest/leads",
		    "{\"title\":\"线索%d\",\"source\":\"展会\",\"enterprise\":%lld,\"industry\":\"制造\","
		    "\"investment_wan\":10000}",
		    i, enterprise);
		snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/stage", lead);
		assert_int_equal(client_statusf(&officer, "POST", path, NULL, "{\"stage\":\"negotiating\"}"), 200);
		if (i == 0)
			assert_int_equal(client_statusf(&officer, "POST", path, NULL, "{\"stage\":\"signed\"}"), 200);
	}
	assert_int_equal(
	    client_statusf(
	        &officer, "POST", "/api/v1/invest/visits", NULL,
	        "{\"enterprise\":%lld,\"mode\":\"onsite\",\"happened_on\":\"2020-06-05\",\"discussed\":\"用地\"}",
	        enterprise),
	    201);
	long long p = count("SELECT id FROM projects WHERE code = '2020-350111-39-03-000001'");
	snprintf(path, sizeof path, "/api/v1/projects/%lld/followups", p);
	client_createdf(&agent, path, "{\"kind\":\"visit\",\"happened_on\":\"2020-06-08\",\"summary\":\"现场协调\"}");
	client_createdf(&agent, path, "{\"kind\":\"call\",\"happened_on\":\"2020-06-09\",\"summary\":\"电话\"}");
	snprintf(path, sizeof path, "/api/v1/projects/%lld/inspections", p);
	long long inspection = client_createdf(&agent, path, "{\"title\":\"工地巡查\",\"due\":\"2020-06-10\"}");
	snprintf(path, sizeof path, "/api/v1/projects/%lld/inspections/%lld/log", p, inspection);
	assert_int_equal(
	    client_statusf(&agent, "POST", path, NULL, "{\"done_on\":\"2020-06-10\",\"findings\":\"安全\"}"), 200);

	struct response r;
	snprintf(path, sizeof path, "%s/tracking", group_path);
	assert_int_equal(client_callf(&zzb2, &r, "GET", path, NULL), 200);
	json_t *orgs = json_object_get(r.json, "orgs");
	assert_int_equal(json_array_size(orgs), 1);
	json_t *ja = json_array_get(orgs, 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(ja, "org"), "code")), "350111");
	assert_int_equal(field(ja, "projects", "total"), 5);
	assert_int_equal(field(ja, "projects", "milestones_met"), 1);    /* 000003 */
	assert_int_equal(field(ja, "projects", "milestones_missed"), 3); /* 000001, 000002 late, 000004 overdue */
	assert_int_equal(field(ja, "problems", "answered"), 2);
	assert_int_equal(field(ja, "problems", "on_time"), 1);
	assert_int_equal(field(ja, "problems", "late"), 1);
	assert_true(json_real_value(json_object_get(json_object_get(ja, "problems"), "average_rating")) == 4.5);
	assert_int_equal(field(ja, "leads", "moved"), 2);
	assert_int_equal(field(ja, "leads", "signed"), 1);
	/* The lights are the projects list's own. */
	long long lights[3];
	const char *const colours[] = {"green", "yellow", "red"};
	for (int i = 0; i < 3; i++) {
		struct response list;
		char url[96];
		snprintf(url, sizeof url, "/api/v1/projects?district=350111&light=%s", colours[i]);
		assert_int_equal(client_callf(&agent, &list, "GET", url, NULL), 200);
		lights[i] = (long long)json_array_size(json_object_get(list.json, "items"));
		response_free(&list);
		assert_int_equal(field(ja, "projects", colours[i]), lights[i]);
	}
	assert_int_equal(lights[0] + lights[1] + lights[2], 5);

	json_t *officials = json_object_get(r.json, "officials");
	json_t *a = find_official(officials, official_a), *d = find_official(officials, official_d),
	       *e = find_official(officials, official_e), *b = find_official(officials, official_b);
	assert_int_equal(json_integer_value(json_object_get(a, "visits")), 1);
	assert_int_equal(json_integer_value(json_object_get(d, "followups")), 2);
	assert_int_equal(json_integer_value(json_object_get(d, "inspections")), 1);
	assert_int_equal(json_integer_value(json_object_get(e, "problems_handled")), 2);
	assert_int_equal(json_integer_value(json_object_get(b, "followups")), 0); /* not linked: nothing */
	response_free(&r);

	/* A period before any of it: nothing but the milestones of January. */
	snprintf(path, sizeof path, "%s/tracking?from=2020-01-01&to=2020-01-31", group_path);
	assert_int_equal(client_callf(&zzb, &r, "GET", path, NULL), 200);
	ja = json_array_get(json_object_get(r.json, "orgs"), 0);
	assert_int_equal(field(ja, "projects", "milestones_met"), 1);
	assert_int_equal(field(ja, "projects", "milestones_missed"), 2);
	assert_int_equal(field(ja, "problems", "answered"), 0);
	assert_true(json_is_null(json_object_get(json_object_get(ja, "problems"), "average_rating")));
	assert_int_equal(field(ja, "leads", "moved"), 0);
	assert_int_equal(json_integer_value(json_object_get(
	                     find_official(json_object_get(r.json, "officials"), official_d), "followups")),
	                 0);
	response_free(&r);
	assert_int_equal(client_statusf(&leader, "GET", path, NULL, NULL), 403);
}

/* The demo's groups of 2020: the service centre's official does not see the unannounced visit still open. */
static void test_demo_groups(void **state)
{
	(void)state;
	struct test_server demo;
	struct client zzb_demo, agent_demo, officer_demo;
	const struct cast_member demo_cast[] = {
	    {&zzb_demo, "city-zzb", "department", "350100-zzb"},
	    {NULL, "city-leader", "leader", "350100"},
	    {&officer_demo, "jinan-officer", "officer", "350111-tcj"},
	    {&agent_demo, "city-agent", "agent", "350100-xzfw"},
	};
	cast_prepare(&demo, demo_cast, CAST_SIZE(demo_cast));
	assert_int_equal(cadres_demo(demo.db), 0);
	cast_start(&demo, demo_cast, CAST_SIZE(demo_cast), NULL);
	struct response r;
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", "/api/v1/cadres/groups", NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "name")), "防疫一线考核组");
	response_free(&r);
	long long zhang = db_count(&demo, "SELECT o.id FROM officials o JOIN users u ON u.id = o.user_id"
	                                  " WHERE u.username = 'city-agent'"),
	          zheng = db_count(&demo, "SELECT o.id FROM officials o JOIN users u ON u.id = o.user_id"
	                                  " WHERE u.username = 'jinan-officer'");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/evidence", zhang);
	assert_int_equal(client_callf(&agent_demo, &r, "GET", path, NULL), 200);
	json_t *visits = json_object_get(r.json, "visits");
	assert_int_equal(json_array_size(visits), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(visits, 0), "kind")), "open");
	response_free(&r);
	assert_int_equal(client_callf(&zzb_demo, &r, "GET", path, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "visits")), 2);
	response_free(&r);
	/* 郑海峰: the epidemic group's visits, both closed, and a judgement of each group. */
	snprintf(path, sizeof path, "/api/v1/cadres/officials/%lld/evidence", zheng);
	assert_int_equal(client_callf(&officer_demo, &r, "GET", path, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "visits")), 2);
	assert_int_equal(json_array_size(json_object_get(r.json, "sittings")), 1);
	assert_int_equal(json_array_size(json_object_get(r.json, "judgements")), 2);
	response_free(&r);
	cast_down(&demo, demo_cast, CAST_SIZE(demo_cast));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_groups_formed_by_the_department),
	    cmocka_unit_test(test_evidence_by_members_only),
	    cmocka_unit_test(test_unannounced_visit_hidden_until_closed),
	    cmocka_unit_test(test_milestones_reconciled_across_the_spring_festival),
	    cmocka_unit_test(test_tracking_from_the_platform),
	    cmocka_unit_test(test_demo_groups),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
