/*
** test_pg_demo.c - `banyan demo` fills PostgreSQL with the same city as
** SQLite: a demo on each backend, side by side, and every person's workbench
** (each figure, how many of them are red, and the menu's counts) the same on
** both, but for the moments each demo made its own (a key's creation).  Run beside a throw-away PostgreSQL cluster (tests/with_postgres.sh);
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

static void test_every_workbench_the_same(void **state)
{
	(void)state;
	static const struct {
		const char *username, *group;
	} people[] = {{"jinan-officer", "officer"}, {"city-zjj", "bureau"}, {"city-agent", "agent"},
	              {"city-leader", "leader"},    {"admin", "admin"}};
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		char path[64];
		snprintf(path, sizeof path, "/api/v1/workbench/%s", people[i].group);
		const char *const paths[] = {path, "/api/v1/workbench/counts"};
		for (size_t k = 0; k < 2; k++) {
			json_t *pg = read_as(&on_pg, people[i].username, paths[k]);
			json_t *lite = read_as(&on_sqlite, people[i].username, paths[k]);
			/* The group's figures; the menu's counts are the whole answer. */
			json_t *pg_figures = k == 0 ? json_object_get(pg, "figures") : pg;
			json_t *lite_figures = k == 0 ? json_object_get(lite, "figures") : lite;
			drop_moments(pg_figures);
			drop_moments(lite_figures);
			char *a = json_dumps(pg_figures, JSON_SORT_KEYS), *b = json_dumps(lite_figures, JSON_SORT_KEYS);
			if (!a || !b || strcmp(a, b) != 0)
				fail_msg("%s %s differs:\nPostgreSQL %s\nSQLite     %s", people[i].username, paths[k], a, b);
			assert_true(k == 1 || strlen(a) > 20); /* figures, not an empty answer on both */
			free(a);
			free(b);
			json_decref(pg);
			json_decref(lite);
		}
	}
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_workbench_the_same),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return failed;
}
