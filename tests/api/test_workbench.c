/*
** test_workbench.c - each role's workbench (工作台) against the demo's data,
** over HTTP: every figure equals what the list behind it shows to the same
** person (counted here from the list routes' rows, as the person would count
** them on the page), the menu's counts are those figures summed by page, a
** change made through the API moves the figures by exactly what it should,
** and a role reads only its own group.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client.h"

static struct test_server server;
static struct client officer, bureau, agent, leader, admin;

static int setup(void **state)
{
	(void)state;
	demo_up_as(&server, &admin, "admin");
	struct {
		struct client *c;
		const char *username;
	} people[] = {
	    {&officer, "jinan-officer"}, {&bureau, "city-zjj"}, {&agent, "city-agent"}, {&leader, "city-leader"}};
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		client_init(people[i].c, &server);
		assert_int_equal(client_login(people[i].c, people[i].username, "banyan-demo-2020"), 200);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	struct client *all[] = {&officer, &bureau, &agent, &leader, &admin};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		client_free(all[i]);
	server_down(&server);
	return 0;
}

/* Today in Beijing, YYYY-MM-DD: the lists' dates compare with it as text. */
static void beijing_today(char out[11])
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The caller's group: its figures by key, into the response (freed by the caller). */
static json_t *figure(struct response *r, const char *key)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(r->json, "figures"), i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "key")), key) == 0)
			return f;
	}
	fail_msg("no figure %s", key);
	return NULL;
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void group_of(struct client *c, const char *group, struct response *r)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/workbench/%s", group);
	assert_int_equal(client_callf(c, r, "GET", path, NULL), 200);
}

/* A list route's rows: how many, and how many of them match (key == value, or key's text < / <= value). */
enum match { ALL, EQUALS, BEFORE, NOT_AFTER };
static long long rows_matching(struct client *c, const char *path, const char *key, enum match m, const char *value)
{
	struct response r;
	assert_int_equal(client_callf(c, &r, "GET", path, NULL), 200);
	long long n = 0;
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(r.json, "items"), i, row)
	{
		const char *v = key ? json_string_value(json_object_get(row, key)) : NULL;
		int cmp = v ? strcmp(v, value) : 0;
		n += m == ALL ||
		     (v && ((m == EQUALS && cmp == 0) || (m == BEFORE && cmp < 0) || (m == NOT_AFTER && cmp <= 0)));
	}
	response_free(&r);
	return n;
}

/* The menu's counts: every figure's waiting number summed by its page. */
static void counts_are_figures(struct client *c, const char *group)
{
	struct response g, counts;
	group_of(c, group, &g);
	assert_int_equal(client_callf(c, &counts, "GET", "/api/v1/workbench/counts", NULL), 200);
	json_t *sums = json_object();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(g.json, "figures"), i, f)
	{
		const char *page = json_string_value(json_object_get(f, "page"));
		long long n = num(f, "waiting");
		if (n)
			json_object_set_new(sums, page, json_integer(n + num(sums, page)));
	}
	assert_true(json_equal(sums, counts.json));
	json_decref(sums);
	response_free(&g);
	response_free(&counts);
}

/* Figures with red ones come first. */
static void red_first(struct response *r)
{
	bool seen_plain = false;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(r->json, "figures"), i, f)
	{
		bool red = num(f, "red") > 0;
		assert_false(red && seen_plain);
		seen_plain |= !red;
	}
}

static void test_officer(void **state)
{
	(void)state;
	char today[11];
	beijing_today(today);
	struct response r;
	group_of(&officer, "officer", &r);
	red_first(&r);
	json_t *f = figure(&r, "problems");
	assert_int_equal(num(f, "count"),
	                 rows_matching(&officer, "/api/v1/problems?waiting=1&limit=500", NULL, ALL, NULL));
	assert_int_equal(num(f, "red"),
	                 rows_matching(&officer, "/api/v1/problems?waiting=1&limit=500", "light", EQUALS, "red"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(f, "red_route"), "path")),
	                    "/desk/problems");
	f = figure(&r, "visits");
	assert_true(num(f, "count") > 0); /* the demo's officer has key enterprises to visit */
	assert_int_equal(num(f, "count"), rows_matching(&officer, "/api/v1/invest/key-enterprises?mine=1", "next_due",
	                                                NOT_AFTER, today));
	assert_int_equal(num(f, "red"),
	                 rows_matching(&officer, "/api/v1/invest/key-enterprises?mine=1", "next_due", BEFORE, today));
	f = figure(&r, "followups");
	assert_int_equal(num(f, "count"),
	                 rows_matching(&officer, "/api/v1/projects/followups", "next_due", NOT_AFTER, today));
	assert_int_equal(num(f, "red"),
	                 rows_matching(&officer, "/api/v1/projects/followups", "next_due", BEFORE, today));
	assert_int_equal(num(figure(&r, "transfers"), "count"),
	                 rows_matching(&officer, "/api/v1/invest/transfers", NULL, ALL, NULL));
	/* Ceremonies with an agreement not yet signed, counted from the list's totals. */
	struct response c;
	assert_int_equal(client_callf(&officer, &c, "GET", "/api/v1/invest/ceremonies", NULL), 200);
	long long unsigned_ = 0;
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(c.json, "items"), i, row) unsigned_ +=
	    num(row, "signed") < num(row, "agreements");
	response_free(&c);
	assert_int_equal(num(figure(&r, "ceremonies"), "count"), unsigned_);
	long long problems = num(figure(&r, "problems"), "count");
	response_free(&r);
	counts_are_figures(&officer, "officer");

	/* A problem the officer raises waits on the officer's branch: one more, not red. */
	struct response e, cat;
	assert_int_equal(client_callf(&officer, &e, "GET", "/api/v1/enterprises?limit=1", NULL), 200);
	assert_int_equal(client_callf(&officer, &cat, "GET", "/api/v1/problems/categories", NULL), 200);
	long long firm = num(json_array_get(json_object_get(e.json, "items"), 0), "id");
	const char *category =
	    json_string_value(json_object_get(json_array_get(json_object_get(cat.json, "items"), 0), "code"));
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/problems", NULL,
	                                "{\"enterprise\":%lld,\"category\":\"%s\",\"title\":\"用电增容\","
	                                "\"description\":\"需协调供电\"}",
	                                firm, category),
	                 201);
	response_free(&e);
	response_free(&cat);
	group_of(&officer, "officer", &r);
	assert_int_equal(num(figure(&r, "problems"), "count"), problems + 1);
	response_free(&r);
	counts_are_figures(&officer, "officer");
}

static void test_bureau_and_agent(void **state)
{
	(void)state;
	struct response r, a;
	group_of(&bureau, "bureau", &r);
	red_first(&r);
	json_t *f = figure(&r, "items");
	assert_true(num(f, "count") > 0);
	assert_int_equal(num(f, "count"), rows_matching(&bureau, "/api/v1/projects/items?limit=500", NULL, ALL, NULL));
	assert_int_equal(num(f, "red"),
	                 rows_matching(&bureau, "/api/v1/projects/items?light=red&limit=500", NULL, ALL, NULL));
	assert_int_equal(num(f, "to_accept"),
	                 rows_matching(&bureau, "/api/v1/projects/items?limit=500", "status", EQUALS, "pending"));
	long long to_finish = num(f, "to_finish");
	assert_int_equal(to_finish,
	                 rows_matching(&bureau, "/api/v1/projects/items?limit=500", "status", EQUALS, "accepted"));
	assert_int_equal(num(figure(&r, "problems"), "count"),
	                 rows_matching(&bureau, "/api/v1/problems?waiting=1&limit=500", NULL, ALL, NULL));
	counts_are_figures(&bureau, "bureau");

	group_of(&agent, "agent", &a);
	red_first(&a);
	assert_int_equal(num(figure(&a, "projectsRed"), "count"),
	                 rows_matching(&agent, "/api/v1/projects?light=red&mine=1&limit=500", NULL, ALL, NULL));
	assert_int_equal(num(figure(&a, "projectsYellow"), "count"),
	                 rows_matching(&agent, "/api/v1/projects?light=yellow&mine=1&limit=500", NULL, ALL, NULL));
	long long returned = num(figure(&a, "itemsReturned"), "count");
	assert_int_equal(returned, db_count(&server, "SELECT count(*) FROM project_items i JOIN projects p ON p.id ="
	                                             " i.project_id JOIN users u ON u.id = p.agent_id"
	                                             " WHERE i.status = 'returned' AND u.username = 'city-agent'"));
	response_free(&a);
	counts_are_figures(&agent, "agent");

	/* The bureau returns one of its accepted items of the agent's projects for 补正: the agent has one
	** more to see to, the bureau one fewer to finish (the item stays on its list, waiting). */
	struct response items;
	assert_int_equal(client_callf(&bureau, &items, "GET", "/api/v1/projects/items?limit=500", NULL), 200);
	long long item = 0, project = 0;
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(items.json, "items"), i, row)
	{
		if (item || strcmp(json_string_value(json_object_get(row, "status")), "accepted") != 0)
			continue;
		char sql[160];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM projects p JOIN users u ON u.id = p.agent_id"
		         " WHERE p.id = %lld AND u.username = 'city-agent'",
		         num(json_object_get(row, "project"), "id"));
		if (db_count(&server, sql) == 1) {
			item = num(row, "id");
			project = num(json_object_get(row, "project"), "id");
		}
	}
	response_free(&items);
	assert_true(item > 0); /* the demo's bureau has accepted items of the demo agent's projects */
	char path[96];
	snprintf(path, sizeof path, "/api/v1/projects/%lld/items/%lld/transitions", project, item);
	assert_int_equal(client_statusf(&bureau, "POST", path, NULL, "{\"action\":\"return\",\"note\":\"补充材料\"}"),
	                 200);
	response_free(&r);
	group_of(&bureau, "bureau", &r);
	assert_int_equal(num(figure(&r, "items"), "to_finish"), to_finish - 1);
	response_free(&r);
	group_of(&agent, "agent", &a);
	assert_int_equal(num(figure(&a, "itemsReturned"), "count"), returned + 1);
	/* The card names them, at most five, each with its project. */
	json_t *named = json_object_get(figure(&a, "itemsReturned"), "items");
	assert_int_equal(json_array_size(named), returned + 1 < 5 ? returned + 1 : 5);
	assert_true(json_is_integer(json_object_get(json_object_get(json_array_get(named, 0), "project"), "id")));
	response_free(&a);
}

static void test_leader(void **state)
{
	(void)state;
	struct response r;
	group_of(&leader, "leader", &r);
	assert_int_equal(num(figure(&r, "projectsRed"), "count"),
	                 rows_matching(&leader, "/api/v1/projects?light=red&limit=500", NULL, ALL, NULL));
	assert_int_equal(num(figure(&r, "projectsYellow"), "count"),
	                 rows_matching(&leader, "/api/v1/projects?light=yellow&limit=500", NULL, ALL, NULL));
	/* Overdue problems as the desk's ?state=overdue shows them: every visible problem with a red light. */
	assert_int_equal(num(figure(&r, "problemsOverdue"), "count"),
	                 rows_matching(&leader, "/api/v1/problems?limit=500", "light", EQUALS, "red"));
	response_free(&r);
	/* Nothing on a leader's workbench waits on the leader: no badges. */
	struct response counts;
	assert_int_equal(client_callf(&leader, &counts, "GET", "/api/v1/workbench/counts", NULL), 200);
	assert_int_equal(json_object_size(counts.json), 0);
	response_free(&counts);
}

static void test_admin(void **state)
{
	(void)state;
	struct response r;
	group_of(&admin, "admin", &r);
	json_t *f = figure(&r, "accounts");
	assert_int_equal(num(f, "count"), db_count(&server, "SELECT count(*) FROM users WHERE disabled = 0"));
	assert_int_equal(num(f, "disabled"), db_count(&server, "SELECT count(*) FROM users WHERE disabled = 1"));
	assert_int_equal(num(f, "locked"), 0);
	f = figure(&r, "backup");
	assert_int_equal(num(f, "count"), 0);
	assert_int_equal(num(f, "red"), 1); /* never backed up: red, and first */
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(r.json, "figures"), 0), "key")), "backup");
	assert_true(json_is_null(json_object_get(figure(&r, "audit"), "checked"))); /* never checked */
	assert_int_equal(num(figure(&r, "keys"), "count"),
	                 db_count(&server, "SELECT count(*) FROM api_keys WHERE disabled = 0"));
	response_free(&r);

	/* A backup and a check from the shell, while the server serves: the figures say so. */
	char out[4096], copy[200];
	snprintf(copy, sizeof copy, "%s/copy.db", server.dir);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "backup", "--db", server.db, "--to", copy, NULL), 0);
	long long head = db_count(&server, "SELECT max(id) FROM audit_log");
	run_banyan(NULL, out, sizeof out, "check", "--db", server.db, NULL);
	/* The check notes what it found beside the database, never in it. */
	assert_int_equal(db_count(&server, "SELECT max(id) FROM audit_log"), head);
	group_of(&admin, "admin", &r);
	f = figure(&r, "backup");
	assert_int_equal(num(f, "count"), 1);
	assert_int_equal(num(f, "red"), 0);
	json_t *checked = json_object_get(figure(&r, "audit"), "checked");
	assert_int_equal(num(checked, "upto"), head);
	assert_true(json_is_true(json_object_get(checked, "ok")) ==
	            (strstr(out, "FAILED") == NULL && strstr(out, "BROKEN") == NULL));
	response_free(&r);
	/* The backup is in the audit log. */
	assert_int_equal(db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'audit.backup'"), 1);
}

/* A role reads its own group only: another's is refused, an unknown one is not there. */
/* An officer of a service centre, which holds no invest duty: problems and follow-ups, no leads' figures. */
static void test_officer_without_invest_duty(void **state)
{
	(void)state;
	struct client centre;
	struct response r;
	add_user(&server, "ja-centre-officer", "officer", "350111-xzfw");
	client_login_as(&centre, &server, "ja-centre-officer");
	group_of(&centre, "officer", &r);
	json_t *figures = json_object_get(r.json, "figures"), *f;
	size_t i;
	char keys[128] = "";
	json_array_foreach(figures, i, f)
	{
		strcat(keys, json_string_value(json_object_get(f, "key")));
		strcat(keys, " ");
	}
	assert_string_equal(keys, "problems followups ");
	response_free(&r);
	client_free(&centre);
}

static void test_refused(void **state)
{
	(void)state;
	char code[48];
	assert_int_equal(client_statusf(&officer, "GET", "/api/v1/workbench/bureau", code, NULL), 403);
	assert_string_equal(code, "wrong_group");
	assert_int_equal(client_statusf(&bureau, "GET", "/api/v1/workbench/officer", code, NULL), 403);
	assert_int_equal(client_statusf(&agent, "GET", "/api/v1/workbench/admin", code, NULL), 403);
	assert_int_equal(client_statusf(&admin, "GET", "/api/v1/workbench/leader", code, NULL), 403);
	assert_int_equal(client_statusf(&leader, "GET", "/api/v1/workbench/screen", code, NULL), 404);
	assert_string_equal(code, "unknown_group");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_officer), cmocka_unit_test(test_bureau_and_agent), cmocka_unit_test(test_leader),
	    cmocka_unit_test(test_admin),   cmocka_unit_test(test_officer_without_invest_duty),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
