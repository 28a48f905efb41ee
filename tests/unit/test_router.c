/*
** test_router.c - path patterns, parameters, 404 versus 405, and the real
** route table's invariants.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "http/http.h"
#include "http/router.h"

static void handler_a(struct request *r)
{
	(void)r;
}
static void handler_b(struct request *r)
{
	(void)r;
}

static const struct route_def routes[] = {
    {"GET", "/api/v1/users", "admin", "list", "a", handler_a, false, 13, NULL},
    {"POST", "/api/v1/users", "admin", "create", "b", handler_b, false, 13, NULL},
    {"GET", "/api/v1/users/{id}", "admin", "get", "a", handler_a, false, 14, NULL},
    {"POST", "/api/v1/users/{id}/password", "admin", "reset", "b", handler_b, false, 14, NULL},
};

static void test_literal_and_parameter_paths(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct route_match m;
	assert_int_equal(router_match(routes, 4, "POST", "/api/v1/users", a, &m), 0);
	assert_ptr_equal(m.route, &routes[1]);
	assert_int_equal(router_match(routes, 4, "GET", "/api/v1/users/42", a, &m), 0);
	assert_ptr_equal(m.route, &routes[2]);
	assert_int_equal(m.n_params, 1);
	assert_string_equal(m.names[0], "id");
	assert_string_equal(m.values[0], "42");
	assert_int_equal(router_match(routes, 4, "POST", "/api/v1/users/7/password", a, &m), 0);
	assert_ptr_equal(m.route, &routes[3]);
	assert_string_equal(m.values[0], "7");
	arena_free(a);
}

static void test_unknown_path_and_wrong_method(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct route_match m;
	const char *unknown[] = {
	    "/api/v1/user", "/api/v1/users/", "/api/v1/users//password", "/api/v1/users/1/x", "/", ""};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		router_match(routes, 4, "GET", unknown[i], a, &m);
		assert_null(m.route);
		assert_false(m.path_known);
	}
	router_match(routes, 4, "DELETE", "/api/v1/users", a, &m);
	assert_null(m.route);
	assert_true(m.path_known);
	assert_string_equal(m.allow, "GET, POST");
	arena_free(a);
}

/* Every route in the real table is well formed: known method, /api/v1/ prefix,
** the length of its literal head, a valid auth word, and no two routes answer
** the same method and path. */
static void test_real_route_table(void **state)
{
	(void)state;
	const char *methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	assert_true(route_count > 10);
	for (size_t i = 0; i < route_count; i++) {
		const struct route_def *r = &route_table[i];
		bool known = false;
		for (size_t k = 0; k < 5; k++)
			known |= strcmp(r->method, methods[k]) == 0;
		assert_true(known);
		assert_int_equal(strncmp(r->pattern, "/api/v1/", 8), 0);
		assert_int_equal(r->head_len, strcspn(r->pattern, "{"));
		if (strcmp(r->auth, "public") && strcmp(r->auth, "any")) {
			char copy[128];
			strcpy(copy, r->auth);
			for (char *t = strtok(copy, ","); t; t = strtok(NULL, ","))
				assert_int_not_equal(role_from_name(t), ROLE_NONE);
		}
		for (size_t k = i + 1; k < route_count; k++)
			assert_false(strcmp(r->method, route_table[k].method) == 0 &&
			             strcmp(r->pattern, route_table[k].pattern) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal_and_parameter_paths),
	    cmocka_unit_test(test_unknown_path_and_wrong_method),
	    cmocka_unit_test(test_real_route_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
