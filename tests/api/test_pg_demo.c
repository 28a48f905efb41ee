/*
** test_pg_demo.c - `banyan demo` fills PostgreSQL with the same city as
** SQLite: a demo on each backend, side by side, and every person's workbench
** (each figure, how many of them are red, and the menu's counts) the same on
** both, but for the moments each demo made its own (a key's creation); the
** article's bulletin and the projects' statistics too.  Run beside a throw-away PostgreSQL cluster (tests/with_postgres.sh);
** the demo suites that read the demo's figures one by one run on SQLite,
** where the demo takes seconds instead of minutes.
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

static struct test_server on_pg, on_sqlite;

static int setup(void **state)
{
	(void)state;
	assert_true(on_postgres());
	server_demo_up(&on_pg);
	/* The same demo in a file: server_dir() makes one where no cluster is named. */
	char *host = strdup(getenv("BANYAN_TEST_PG_HOST"));
	unsetenv("BANYAN_TEST_PG_HOST");
	server_demo_up(&on_sqlite);
	setenv("BANYAN_TEST_PG_HOST", host, 1);
	free(host);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	server_down(&on_pg);
	server_down(&on_sqlite);
	return 0;
}

/* GET path as username on a demo server, its body parsed (freed by the caller). */
static json_t *read_as(struct test_server *s, const char *username, const char *path)
{
	struct client c;
	struct response r;
	client_init(&c, s);
	assert_int_equal(client_login(&c, username, "banyan-demo-2020"), 200);
	assert_int_equal(client_callf(&c, &r, "GET", path, NULL), 200);
	json_t *body = json_incref(r.json);
	response_free(&r);
	client_free(&c);
	return body;
}

/* Leave out the moments in a figure (a key's creation, the audit log's last row): each demo made its own. */
static void drop_moments(json_t *j)
{
	const char *key;
	json_t *v, *tmp;
	size_t i;
	if (json_is_array(j))
		json_array_foreach(j, i, v) drop_moments(v);
	json_object_foreach_safe(j, tmp, key, v)
	{
		const char *t = json_string_value(v);
		if (t && strlen(t) == 25 && t[10] == 'T')
			json_object_del(j, key);
		else
			drop_moments(v);
	}
}

/* What username reads at path (its member, or the whole answer) the same on both demos. */
static void same_on_both(const char *username, const char *path, const char *member)
{
	json_t *pg = read_as(&on_pg, username, path), *lite = read_as(&on_sqlite, username, path);
	json_t *a_part = member ? json_object_get(pg, member) : pg,
	       *b_part = member ? json_object_get(lite, member) : lite;
	drop_moments(a_part);
	drop_moments(b_part);
	char *a = json_dumps(a_part, JSON_SORT_KEYS | JSON_ENCODE_ANY),
	     *b = json_dumps(b_part, JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!a || !b || strcmp(a, b) != 0)
		fail_msg("%s %s differs:\nPostgreSQL %s\nSQLite     %s", username, path, a, b);
	assert_true(!member || strlen(a) > 20); /* figures, not an empty answer on both */
	free(a);
	free(b);
	json_decref(pg);
	json_decref(lite);
}

static void test_every_workbench_the_same(void **state)
{
	(void)state;
	static const struct {
		const char *username, *group;
	} people[] = {{"jinan-officer", "officer"},
	              {"city-zjj", "bureau"},
	              {"city-agent", "agent"},
	              {"city-leader", "leader"},
	              {"admin", "admin"}};
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		char path[64];
		snprintf(path, sizeof path, "/api/v1/workbench/%s", people[i].group);
		/* The group's figures; the menu's counts are the whole answer. */
		same_on_both(people[i].username, path, "figures");
		same_on_both(people[i].username, "/api/v1/workbench/counts", NULL);
	}
}

/* The article's September bulletin, month and quarter, and the projects' statistics by district. */
static void test_bulletin_and_statistics_the_same(void **state)
{
	(void)state;
	same_on_both("city-leader", "/api/v1/indicators/bulletins/preview?period=2020-09", NULL);
	same_on_both("city-leader", "/api/v1/indicators/bulletins/preview?period=2020-09&kind=quarter", NULL);
	same_on_both("city-leader", "/api/v1/projects/stats?by=district", NULL);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_workbench_the_same),
	    cmocka_unit_test(test_bulletin_and_statistics_the_same),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return failed;
}
