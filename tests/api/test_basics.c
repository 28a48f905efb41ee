/*
** test_basics.c - the HTTP contract every route keeps: health, the OpenAPI
** document, request ids, the error shape and status for each kind of bad
** input, and that bad input writes nothing.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "client.h"
#include "core/index.h"

static struct test_server server;
static struct client admin, auditor; /* the audit log is the audit administrator's */

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&auditor, "auditor", "auditor", "350100"},
};

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

static void test_health(void **state)
{
	(void)state;
	struct response r;
	client_request(&admin, &r, "GET", "/api/v1/health", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	assert_true(has_header(&r, "X-Request-Id: "));
	assert_true(has_header(&r, "Content-Type: application/json"));
	/* What protects a browser from misreading or keeping an answer. */
	assert_true(has_header(&r, "Cache-Control: no-store"));
	assert_true(has_header(&r, "X-Content-Type-Options: nosniff"));
	response_free(&r);
}

/* The document lists exactly the routes the server has, each with its summary. */
static void test_openapi_lists_every_route(void **state)
{
	(void)state;
	struct response r;
	client_request(&admin, &r, "GET", "/api/v1/openapi.json", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "openapi")), "3.0.3");
	json_t *paths = json_object_get(r.json, "paths");
	size_t operations = 0;
	const char *key;
	json_t *item;
	json_object_foreach(paths, key, item) operations += json_object_size(item);
	assert_int_equal(operations, route_count);
	for (size_t i = 0; i < route_count; i++) {
		char method[16];
		size_t k;
		for (k = 0; route_table[i].method[k]; k++)
			method[k] = (char)(route_table[i].method[k] + ('a' - 'A'));
		method[k] = 0;
		json_t *op = json_object_get(json_object_get(paths, route_table[i].pattern), method);
		assert_non_null(op);
		assert_string_equal(json_string_value(json_object_get(op, "summary")), route_table[i].summary);
	}
	response_free(&r);
}

static long long writes(void)
{
	return db_count(&server, "SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM users) * 1000000");
}

static struct client *sender = &admin;

/* Send a bad request as sender; check its status, error code and that nothing was written. */
static void expect_refused(const char *method, const char *path, const char *body, const char *content_type,
                           long status, const char *code, const char *field)
{
	struct response r;
	long long before = writes();
	client_request(sender, &r, method, path, body, content_type, NULL);
	if (r.status != status)
		fprintf(stderr, "%s %s: got %ld %s\n", method, path, r.status, r.body);
	assert_int_equal(r.status, status);
	assert_string_equal(error_code(&r), code);
	json_t *error = json_object_get(r.json, "error");
	assert_true(strlen(json_string_value(json_object_get(error, "message"))) > 0);
	if (field)
		assert_string_equal(json_string_value(json_object_get(error, "field")), field);
	assert_true(json_is_string(json_object_get(r.json, "request_id")));
	assert_int_equal(writes(), before);
	response_free(&r);
}

static const char good_user[] = "{\"username\":\"wang.wei\",\"display_name\":\"王伟\",\"role\":\"officer\",\"org\":"
                                "\"350111-tcj\",\"password\":\"long-enough-pw\"}";

static void test_bad_input_each_kind(void **state)
{
	(void)state;
	expect_refused("POST", "/api/v1/users", "{\"username\":", NULL, 400, "malformed_json", NULL);
	expect_refused("POST", "/api/v1/users", "[1,2]", NULL, 400, "malformed_json", NULL);
	expect_refused("POST", "/api/v1/users", "{\"a\":1,\"a\":2}", NULL, 400, "malformed_json", NULL);
	expect_refused("POST", "/api/v1/users", good_user, "text/plain", 415, "unsupported_media_type", NULL);
	expect_refused("POST", "/api/v1/users", good_user, "application/x-www-form-urlencoded", 415,
	               "unsupported_media_type", NULL);
	expect_refused(
	    "POST", "/api/v1/users",
	    "{\"display_name\":\"王伟\",\"role\":\"officer\",\"org\":\"350111\",\"password\":\"long-enough-pw\"}", NULL,
	    422, "missing_field", "username");
	expect_refused("POST", "/api/v1/users",
	               "{\"username\":42,\"display_name\":\"王伟\",\"role\":\"officer\",\"org\":\"350111\","
	               "\"password\":\"long-enough-pw\"}",
	               NULL, 422, "invalid_type", "username");
	expect_refused("POST", "/api/v1/users",
	               "{\"username\":\"wang.wei\",\"display_name\":\"王伟\",\"role\":\"king\",\"org\":\"350111\","
	               "\"password\":\"long-enough-pw\"}",
	               NULL, 422, "invalid_value", "role");
	expect_refused("POST", "/api/v1/users",
	               "{\"username\":\"wang.wei\",\"display_name\":\"王伟\",\"role\":\"officer\",\"org\":\"999999\","
	               "\"password\":\"long-enough-pw\"}",
	               NULL, 422, "unknown_org", "org");
	expect_refused("POST", "/api/v1/users", "{\"usrname\":\"wang.wei\"}", NULL, 422, "unknown_field", "usrname");
	expect_refused("GET", "/api/v1/nowhere", NULL, NULL, 404, "not_found", NULL);
	expect_refused("DELETE", "/api/v1/users", NULL, NULL, 405, "method_not_allowed", NULL);
	expect_refused("GET", "/api/v1/users?limit=0", NULL, NULL, 422, "invalid_query", "limit");
	expect_refused("GET", "/api/v1/users/abc", NULL, NULL, 404, "not_found", NULL);
	sender = &auditor;
	expect_refused("GET", "/api/v1/audit?from=2020-13-01", NULL, NULL, 422, "invalid_query", "from");
	sender = &admin;
}

/* An error's message in the language the caller names first, or both when it names neither. */
static void test_error_in_the_callers_language(void **state)
{
	(void)state;
	static const struct {
		const char *header, *message;
	} cases[] = {
	    {NULL, "没有这个接口 /api/v1/nowhere (no such route)"},
	    {"Accept-Language: zh-CN", "没有这个接口 /api/v1/nowhere"},
	    {"Accept-Language: zh-CN,zh;q=0.9,en;q=0.8", "没有这个接口 /api/v1/nowhere"},
	    {"Accept-Language: en", "no such route"},
	    {"Accept-Language: en-GB,en;q=0.9", "no such route"},
	    {"Accept-Language: fr-FR", "没有这个接口 /api/v1/nowhere (no such route)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *headers[] = {cases[i].header, NULL};
		struct response r;
		client_request(sender, &r, "GET", "/api/v1/nowhere", NULL, NULL, cases[i].header ? headers : NULL);
		assert_int_equal(r.status, 404);
		assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")),
		                    cases[i].message);
		response_free(&r);
	}
	/* A message with a value in it: the value stays in each half. */
	const char *headers[] = {"Accept-Language: en", NULL};
	struct response r;
	client_request(sender, &r, "POST", "/api/v1/users", "{\"usrname\":\"x\"}", NULL, headers);
	assert_int_equal(r.status, 422);
	const char *message = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
	assert_string_equal(message, "unknown field usrname");
	response_free(&r);
}

static void test_method_not_allowed_names_allowed(void **state)
{
	(void)state;
	struct response r;
	client_request(&admin, &r, "PUT", "/api/v1/users", "{}", NULL, NULL);
	assert_int_equal(r.status, 405);
	assert_true(has_header(&r, "Allow: GET, POST"));
	response_free(&r);
}

static void test_oversized_body(void **state)
{
	(void)state;
	size_t n = (1 << 20) + 10;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = 0;
	expect_refused("POST", "/api/v1/users", big, NULL, 413, "body_too_large", NULL);
	free(big);
	/* Without a Content-Length (chunked), the limit still holds. */
	struct response r;
	const char *chunked[] = {"Transfer-Encoding: chunked", NULL};
	char *body = malloc((2 << 20) + 1);
	memset(body, ' ', 2 << 20);
	body[0] = '{';
	body[(2 << 20) - 1] = '}';
	body[2 << 20] = 0;
	long long before = writes();
	client_request(&admin, &r, "POST", "/api/v1/users", body, NULL, chunked);
	assert_int_equal(r.status, 413);
	assert_int_equal(writes(), before);
	response_free(&r);
	free(body);
}

static void test_good_request_after_bad_ones(void **state)
{
	(void)state;
	struct response r;
	client_request(&admin, &r, "POST", "/api/v1/users", good_user, "application/json; charset=utf-8", NULL);
	assert_int_equal(r.status, 201);
	assert_string_equal(json_string_value(json_object_get(r.json, "username")), "wang.wei");
	response_free(&r);
}

/* The calendar over HTTP: National Day 2020 with its adjusted working days. */
static void test_working_days(void **state)
{
	(void)state;
	struct response r;
	client_request(&admin, &r, "GET", "/api/v1/calendar/working-days?from=2020-09-30&add=1", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "date")), "2020-10-09");
	assert_true(json_is_true(json_object_get(r.json, "holidays_known")));
	response_free(&r);
	/* 9-27 (Sunday) and 10-10 (Saturday) were working days. */
	client_request(&admin, &r, "GET", "/api/v1/calendar/working-days?from=2020-09-25&to=2020-10-12", NULL, NULL,
	               NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "working_days")), 7);
	response_free(&r);
	client_request(&admin, &r, "GET", "/api/v1/calendar/working-days?from=2020-10-09&add=-1", NULL, NULL, NULL);
	assert_string_equal(json_string_value(json_object_get(r.json, "date")), "2020-09-30");
	response_free(&r);
	client_request(&admin, &r, "GET", "/api/v1/calendar/working-days?from=2020-09-30", NULL, NULL, NULL);
	assert_int_equal(r.status, 422);
	response_free(&r);
	client_request(&admin, &r, "GET", "/api/v1/calendar/working-days?from=2020-02-30&add=1", NULL, NULL, NULL);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "invalid_query");
	response_free(&r);
}

/* The console is served from the binary: pages revalidated, hashed assets cached for good. */
static void test_console_files(void **state)
{
	(void)state;
	struct response r;
	client_request(&admin, &r, "GET", "/", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type: text/html"));
	assert_true(has_header(&r, "Cache-Control: no-cache"));
	assert_non_null(strstr(r.body, "<div id=\"app\">"));
	const char *asset = strstr(r.body, "/assets/index-");
	assert_non_null(asset);
	char path[128];
	snprintf(path, sizeof path, "%.*s", (int)strcspn(asset, "\""), asset);
	response_free(&r);

	/* A console route the browser may reload gets the same page. */
	client_request(&admin, &r, "GET", "/users", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<div id=\"app\">"));
	response_free(&r);

	client_request(&admin, &r, "GET", path, NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type: text/javascript"));
	assert_true(has_header(&r, "Cache-Control: public, max-age=31536000, immutable"));
	size_t plain = strlen(r.body);
	response_free(&r);

	const char *gzip[] = {"Accept-Encoding: gzip, deflate", NULL};
	client_request(&admin, &r, "GET", path, NULL, NULL, gzip);
	assert_true(has_header(&r, "Content-Encoding: gzip"));
	assert_memory_equal(r.body, "\x1f\x8b", 2);
	assert_true(plain > 1000);
	size_t gzipped = r.body_len;
	response_free(&r);

	/* Brotli where the browser takes it (every browser does): smaller again. */
	const char *br[] = {"Accept-Encoding: gzip, deflate, br, zstd", NULL};
	client_request(&admin, &r, "GET", path, NULL, NULL, br);
	assert_true(has_header(&r, "Content-Encoding: br"));
	assert_true(has_header(&r, "Cache-Control: public, max-age=31536000, immutable"));
	assert_true(r.body_len > 0 && r.body_len < gzipped);
	response_free(&r);
	/* q=0 refuses a coding. */
	const char *no_br[] = {"Accept-Encoding: br;q=0, gzip", NULL};
	client_request(&admin, &r, "GET", path, NULL, NULL, no_br);
	assert_true(has_header(&r, "Content-Encoding: gzip"));
	response_free(&r);

	client_request(&admin, &r, "GET", "/assets/not-there.js", NULL, NULL, NULL);
	assert_int_equal(r.status, 404);
	response_free(&r);
	/* Only embedded files are served, never the machine's. */
	client_request(&admin, &r, "GET", "/etc/passwd", NULL, NULL, NULL);
	assert_null(strstr(r.body, "root:"));
	response_free(&r);
	client_request(&admin, &r, "POST", "/users", "{}", NULL, NULL);
	assert_int_equal(r.status, 405);
	response_free(&r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_health),
	    cmocka_unit_test(test_openapi_lists_every_route),
	    cmocka_unit_test(test_bad_input_each_kind),
	    cmocka_unit_test(test_error_in_the_callers_language),
	    cmocka_unit_test(test_method_not_allowed_names_allowed),
	    cmocka_unit_test(test_oversized_body),
	    cmocka_unit_test(test_good_request_after_bad_ones),
	    cmocka_unit_test(test_working_days),
	    cmocka_unit_test(test_console_files),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return failed;
}
