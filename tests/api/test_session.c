/*
** test_session.c - logging in and out, the session cookie, CSRF, the
** failed-login throttle, and API-key request signing, against the real server.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "client.h"

static struct test_server server;
static char key_id[64], secret[128];

static int setup(void **state)
{
	(void)state;
	server_prepare(&server);
	add_user(&server, "zhang.san", "officer", "350111-tcj");
	add_user(&server, "li.si", "officer", "350111-tcj");
	add_user(&server, "guess.target", "officer", "350112");
	if (issue_channel_key(&server, "350100-swj", "支付宝", key_id, secret) < 0)
		return -1;
	server_start_process(&server, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	server_down(&server);
	return 0;
}

static long long audit_count(const char *action)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
	return db_count(&server, sql);
}

static void test_login_sets_a_safe_cookie(void **state)
{
	(void)state;
	struct client c;
	struct response r;
	client_init(&c, &server);
	json_t *body = json_pack("{s:s, s:s}", "username", "zhang.san", "password", "zhang.san-password");
	char *text = json_dumps(body, 0);
	client_request(&c, &r, "POST", "/api/v1/session", text, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Set-Cookie: banyan_session="));
	assert_non_null(strstr(r.headers, "HttpOnly"));
	assert_non_null(strstr(r.headers, "SameSite=Strict"));
	const char *csrf = json_string_value(json_object_get(r.json, "csrf_token"));
	assert_non_null(csrf);
	assert_int_equal(strlen(csrf), 64);
	json_t *user = json_object_get(r.json, "user");
	assert_string_equal(json_string_value(json_object_get(user, "username")), "zhang.san");
	assert_string_equal(json_string_value(json_object_get(user, "role")), "officer");
	assert_string_equal(json_string_value(json_object_get(json_object_get(user, "org"), "code")), "350111-tcj");
	/* The stored token is a hash: the cookie's value is nowhere in the database. */
	const char *cookie = strstr(r.headers, "banyan_session=") + strlen("banyan_session=");
	char token[65];
	snprintf(token, sizeof token, "%.64s", cookie);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s' OR csrf_token = '%s'", token,
	         token);
	assert_int_equal(db_count(&server, sql), 0);
	response_free(&r);

	client_request(&c, &r, "GET", "/api/v1/me", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"), "username")),
	                    "zhang.san");
	response_free(&r);
	free(text);
	json_decref(body);
	client_free(&c);
}

static void test_wrong_password_and_unknown_user_look_alike(void **state)
{
	(void)state;
	struct client c;
	client_init(&c, &server);
	long long before = audit_count("session.login_failed");
	assert_int_equal(client_login(&c, "li.si", "not-the-password"), 401);
	assert_int_equal(client_login(&c, "nobody.here", "whatever-pass"), 401);
	assert_int_equal(audit_count("session.login_failed"), before + 2);
	struct response r;
	client_request(&c, &r, "GET", "/api/v1/me", NULL, NULL, NULL);
	assert_int_equal(r.status, 401);
	assert_string_equal(error_code(&r), "unauthenticated");
	response_free(&r);
	client_free(&c);
}

static void test_state_change_needs_csrf_token(void **state)
{
	(void)state;
	struct client c;
	struct response r;
	client_init(&c, &server);
	assert_int_equal(client_login(&c, "admin", "admin-password"), 200);
	char csrf[128];
	snprintf(csrf, sizeof csrf, "%s", c.csrf);
	const char body[] =
	    "{\"username\":\"csrf.victim\",\"display_name\":\"x\",\"role\":\"officer\",\"org\":\"350111\","
	    "\"password\":\"long-enough-pw\"}";
	c.csrf[0] = 0;
	client_request(&c, &r, "POST", "/api/v1/users", body, NULL, NULL);
	assert_int_equal(r.status, 403);
	assert_string_equal(error_code(&r), "csrf");
	response_free(&r);
	snprintf(c.csrf, sizeof c.csrf, "%064d", 7);
	client_request(&c, &r, "POST", "/api/v1/users", body, NULL, NULL);
	assert_int_equal(r.status, 403);
	response_free(&r);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM users WHERE username = 'csrf.victim'"), 0);
	snprintf(c.csrf, sizeof c.csrf, "%s", csrf);
	client_request(&c, &r, "POST", "/api/v1/users", body, NULL, NULL);
	assert_int_equal(r.status, 201);
	response_free(&r);
	client_free(&c);
}

static void test_logout_ends_the_session_on_the_server(void **state)
{
	(void)state;
	struct client c, thief;
	struct response r;
	client_init(&c, &server);
	client_init(&thief, &server);
	json_t *body = json_pack("{s:s, s:s}", "username", "li.si", "password", "li.si-password");
	char *text = json_dumps(body, 0);
	client_request(&c, &r, "POST", "/api/v1/session", text, NULL, NULL);
	assert_int_equal(r.status, 200);
	snprintf(c.csrf, sizeof c.csrf, "%s", json_string_value(json_object_get(r.json, "csrf_token")));
	char cookie[200];
	snprintf(cookie, sizeof cookie, "Cookie: banyan_session=%.64s",
	         strstr(r.headers, "banyan_session=") + strlen("banyan_session="));
	response_free(&r);
	const char *stolen[] = {cookie, NULL};
	client_request(&thief, &r, "GET", "/api/v1/me", NULL, NULL, stolen);
	assert_int_equal(r.status, 200);
	response_free(&r);

	client_request(&c, &r, "DELETE", "/api/v1/session", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.headers, "Max-Age=0"));
	response_free(&r);
	client_request(&thief, &r, "GET", "/api/v1/me", NULL, NULL, stolen);
	assert_int_equal(r.status, 401);
	response_free(&r);
	free(text);
	json_decref(body);
	client_free(&c);
	client_free(&thief);
}

static void test_expired_session_is_no_session(void **state)
{
	(void)state;
	struct client c;
	struct response r;
	client_init(&c, &server);
	assert_int_equal(client_login(&c, "zhang.san", "zhang.san-password"), 200);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "sqlite3 %s \"UPDATE sessions SET expires_at = strftime('%%s','now') - 1\"",
	         server.db);
	assert_int_equal(system(cmd), 0);
	client_request(&c, &r, "GET", "/api/v1/me", NULL, NULL, NULL);
	assert_int_equal(r.status, 401);
	response_free(&r);
	client_free(&c);
}

static void test_repeated_failures_are_throttled(void **state)
{
	(void)state;
	struct client c;
	struct response r;
	client_init(&c, &server);
	for (int i = 0; i < 5; i++)
		assert_int_equal(client_login(&c, "guess.target", "wrong-guess"), 401);
	/* Even the right password is refused now, and nothing about it is checked. */
	json_t *body = json_pack("{s:s, s:s}", "username", "guess.target", "password", "guess.target-password");
	char *text = json_dumps(body, 0);
	client_request(&c, &r, "POST", "/api/v1/session", text, NULL, NULL);
	assert_int_equal(r.status, 429);
	assert_string_equal(error_code(&r), "too_many_attempts");
	assert_true(has_header(&r, "Retry-After: "));
	response_free(&r);
	assert_true(audit_count("session.login_blocked") >= 1);
	/* Another account from the same office address still logs in. */
	assert_int_equal(client_login(&c, "zhang.san", "zhang.san-password"), 200);
	free(text);
	json_decref(body);
	client_free(&c);
}

static void test_signed_request_is_accepted(void **state)
{
	(void)state;
	struct client ch;
	struct response r;
	client_init(&ch, &server);
	snprintf(ch.key_id, sizeof ch.key_id, "%s", key_id);
	snprintf(ch.secret, sizeof ch.secret, "%s", secret);
	client_signed(&ch, &r, "GET", "/api/v1/me", NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	json_t *key = json_object_get(r.json, "api_key");
	assert_string_equal(json_string_value(json_object_get(key, "role")), "channel");
	assert_string_equal(json_string_value(json_object_get(key, "org")), "350100-swj");
	response_free(&r);
	client_free(&ch);
}

static void test_bad_signatures_are_refused(void **state)
{
	(void)state;
	struct client ch;
	struct response r;
	client_init(&ch, &server);
	snprintf(ch.key_id, sizeof ch.key_id, "%s", key_id);
	snprintf(ch.secret, sizeof ch.secret, "%s", secret);

	client_signed(&ch, &r, "GET", "/api/v1/me", NULL, (long long)time(NULL) - 301, NULL);
	assert_int_equal(r.status, 401);
	assert_string_equal(error_code(&r), "signature_expired");
	response_free(&r);

	/* Signed before the server started: a capture from an earlier run cannot be replayed. */
	client_signed(&ch, &r, "GET", "/api/v1/me", NULL, (long long)time(NULL) - 120, NULL);
	assert_int_equal(r.status, 401);
	assert_string_equal(error_code(&r), "signature_expired");
	response_free(&r);

	client_signed(&ch, &r, "GET", "/api/v1/me", NULL, 0, "fixed-nonce-0001");
	assert_int_equal(r.status, 200);
	response_free(&r);
	client_signed(&ch, &r, "GET", "/api/v1/me", NULL, 0, "fixed-nonce-0001");
	assert_int_equal(r.status, 401);
	assert_string_equal(error_code(&r), "signature_replayed");
	response_free(&r);

	snprintf(ch.secret, sizeof ch.secret, "%s", "0000000000000000000000000000000000000000000000000000000000000000");
	client_signed(&ch, &r, "GET", "/api/v1/me", NULL, 0, NULL);
	assert_int_equal(r.status, 401);
	assert_string_equal(error_code(&r), "signature_invalid");
	response_free(&r);

	snprintf(ch.key_id, sizeof ch.key_id, "bk_000000000000000000000000");
	client_signed(&ch, &r, "GET", "/api/v1/me", NULL, 0, NULL);
	assert_int_equal(r.status, 401);
	response_free(&r);

	const char *half[] = {"X-Banyan-Key: bk_x", NULL};
	client_request(&ch, &r, "GET", "/api/v1/me", NULL, NULL, half);
	assert_int_equal(r.status, 401);
	assert_string_equal(error_code(&r), "signature_missing");
	response_free(&r);
	client_free(&ch);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_login_sets_a_safe_cookie),
	    cmocka_unit_test(test_wrong_password_and_unknown_user_look_alike),
	    cmocka_unit_test(test_state_change_needs_csrf_token),
	    cmocka_unit_test(test_logout_ends_the_session_on_the_server),
	    cmocka_unit_test(test_expired_session_is_no_session),
	    cmocka_unit_test(test_repeated_failures_are_throttled),
	    cmocka_unit_test(test_signed_request_is_accepted),
	    cmocka_unit_test(test_bad_signatures_are_refused),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return failed;
}
