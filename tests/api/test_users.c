/*
** test_users.c - managing users as an administrator does: create, list with
** filters and pages, change, disable, reset and change passwords, within
** one's own scope, with every change in the audit log.
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

static struct test_server server;
static struct client admin, security, auditor; /* 三员: the system, security and audit administrators of the city */

static int setup(void **state)
{
	(void)state;
	server_prepare(&server);
	add_user(&server, "jinan.admin", "admin", "350111");
	add_user(&server, "changle.officer", "officer", "350112-tcj");
	add_user(&server, "city.security", "security", "350100"); /* `banyan user add --role security` */
	add_user(&server, "city.auditor", "auditor", "350100");
	add_user(&server, "jinan.auditor", "auditor", "350111");
	server_start_process(&server, NULL);
	client_init(&admin, &server);
	client_init(&security, &server);
	client_init(&auditor, &server);
	return client_login(&admin, "admin", "admin-password") == 200 &&
	               client_login(&security, "city.security", "city.security-password") == 200 &&
	               client_login(&auditor, "city.auditor", "city.auditor-password") == 200
	           ? 0
	           : -1;
}

static int teardown(void **state)
{
	(void)state;
	client_free(&admin);
	client_free(&security);
	client_free(&auditor);
	server_down(&server);
	return 0;
}

/* Create a user as `as`; returns its id, or 0 when the status is not 201. */
static long long create_user(struct client *as, const char *username, const char *role, const char *org,
                             long expect_status)
{
	struct response r;
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", username, "display_name", "测试用户", "role",
	                         role, "org", org, "password", "long-enough-pw");
	char *text = json_dumps(body, 0);
	client_request(as, &r, "POST", "/api/v1/users", text, NULL, NULL);
	if (r.status != expect_status)
		fprintf(stderr, "create %s: %ld %s\n", username, r.status, r.body);
	assert_int_equal(r.status, expect_status);
	long long id = r.status == 201 ? json_integer_value(json_object_get(r.json, "id")) : 0;
	response_free(&r);
	free(text);
	json_decref(body);
	return id;
}

static void request_json(struct client *c, struct response *r, const char *method, const char *path_fmt, long long id,
                         const char *body)
{
	char path[200];
	snprintf(path, sizeof path, path_fmt, id);
	client_request(c, r, method, path, body, NULL, NULL);
}

static void test_create_and_read_back(void **state)
{
	(void)state;
	long long id = create_user(&admin, "chen.jing", "agent", "350100-xzfw", 201);
	struct response r;
	request_json(&admin, &r, "GET", "/api/v1/users/%lld", id, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "role")), "agent");
	assert_string_equal(json_string_value(json_object_get(r.json, "role_label")), "代办员");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "org"), "code")), "350100-xzfw");
	assert_false(json_is_true(json_object_get(r.json, "disabled")));
	response_free(&r);
	/* The new user can log in with the password given. */
	struct client c;
	client_init(&c, &server);
	assert_int_equal(client_login(&c, "chen.jing", "long-enough-pw"), 200);
	client_free(&c);
	assert_int_equal(
	    db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'user.create' AND actor = 'admin'"), 1);
}

static void test_duplicates_and_bad_values_are_refused(void **state)
{
	(void)state;
	create_user(&admin, "dup.user", "officer", "350111", 201);
	long long users = db_count(&server, "SELECT count(*) FROM users");
	create_user(&admin, "dup.user", "leader", "350112", 409);
	create_user(&admin, "Dup.User", "leader", "350112", 422); /* upper case is not a valid username */
	create_user(&admin, "x", "officer", "350111", 422);
	create_user(&admin, "alipay.user", "channel", "350100-swj", 422); /* channels are API keys */
	struct response r;
	client_request(&admin, &r, "POST", "/api/v1/users",
	               "{\"username\":\"short.pw\",\"display_name\":\"x\",\"role\":\"officer\",\"org\":\"350111\","
	               "\"password\":\"1234567\"}",
	               NULL, NULL);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "weak_password");
	response_free(&r);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM users"), users);
}

static void test_district_admin_stays_in_district(void **state)
{
	(void)state;
	struct client d;
	struct response r;
	client_init(&d, &server);
	assert_int_equal(client_login(&d, "jinan.admin", "jinan.admin-password"), 200);
	long long mine = create_user(&d, "jinan.clerk", "department", "350111-fgj", 201);
	create_user(&d, "changle.clerk", "department", "350112-fgj", 403);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM users WHERE username = 'changle.clerk'"), 0);
	/* The list holds only 晋安's people. */
	client_request(&d, &r, "GET", "/api/v1/users?limit=500", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(r.json, "items"), i, u)
	{
		const char *code = json_string_value(json_object_get(json_object_get(u, "org"), "code"));
		assert_int_equal(strncmp(code, "350111", 6), 0);
	}
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 2);
	response_free(&r);
	/* Someone in 长乐 can be neither read nor changed. */
	long long other = db_count(&server, "SELECT id FROM users WHERE username = 'changle.officer'");
	request_json(&d, &r, "GET", "/api/v1/users/%lld", other, NULL);
	assert_int_equal(r.status, 403);
	response_free(&r);
	request_json(&d, &r, "PATCH", "/api/v1/users/%lld", other, "{\"disabled\":true}");
	assert_int_equal(r.status, 403);
	response_free(&r);
	/* Nor can one's own people be moved out of the district. */
	request_json(&d, &r, "PATCH", "/api/v1/users/%lld", mine, "{\"org\":\"350112\"}");
	assert_int_equal(r.status, 403);
	response_free(&r);
	assert_int_equal(db_count(&server, "SELECT disabled FROM users WHERE username = 'changle.officer'"), 0);
	client_free(&d);
}

static void test_disable_ends_sessions_and_logins(void **state)
{
	(void)state;
	long long id = create_user(&admin, "leaving.soon", "officer", "350111-tcj", 201);
	struct client c;
	struct response r;
	client_init(&c, &server);
	assert_int_equal(client_login(&c, "leaving.soon", "long-enough-pw"), 200);
	/* 三员分立: the security administrator disables accounts, the system administrator does not. */
	request_json(&admin, &r, "PATCH", "/api/v1/users/%lld", id, "{\"disabled\":true}");
	assert_int_equal(r.status, 403);
	response_free(&r);
	request_json(&security, &r, "PATCH", "/api/v1/users/%lld", id,
	             "{\"disabled\":true,\"display_name\":\"已调离\"}");
	assert_int_equal(r.status, 403); /* names are the system administrator's */
	response_free(&r);
	request_json(&security, &r, "PATCH", "/api/v1/users/%lld", id, "{\"disabled\":true}");
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(r.json, "disabled")));
	response_free(&r);
	client_request(&c, &r, "GET", "/api/v1/me", NULL, NULL, NULL);
	assert_int_equal(r.status, 401);
	response_free(&r);
	assert_int_equal(client_login(&c, "leaving.soon", "long-enough-pw"), 403);
	/* The audit record keeps before and after. */
	json_t *detail = db_json(&server, "SELECT detail FROM audit_log WHERE action = 'user.update' ORDER BY id DESC");
	assert_true(json_is_false(json_object_get(json_object_get(detail, "before"), "disabled")));
	assert_true(json_is_true(json_object_get(json_object_get(detail, "after"), "disabled")));
	json_decref(detail);
	request_json(&security, &r, "PATCH", "/api/v1/users/%lld", id, "{\"disabled\":false}");
	assert_int_equal(r.status, 200);
	response_free(&r);
	assert_int_equal(client_login(&c, "leaving.soon", "long-enough-pw"), 200);
	client_free(&c);
}

static void test_admin_cannot_lock_themselves_out(void **state)
{
	(void)state;
	struct response r;
	long long self = db_count(&server, "SELECT id FROM users WHERE username = 'admin'");
	long long sec = db_count(&server, "SELECT id FROM users WHERE username = 'city.security'");
	request_json(&security, &r, "PATCH", "/api/v1/users/%lld", sec, "{\"disabled\":true}");
	assert_int_equal(r.status, 403); /* its own account, like the auditor's, is changed from the shell */
	response_free(&r);
	request_json(&admin, &r, "PATCH", "/api/v1/users/%lld", self, "{\"role\":\"leader\"}");
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "self_lockout");
	response_free(&r);
	assert_int_equal(
	    db_count(&server, "SELECT count(*) FROM users WHERE username IN ('admin', 'city.security') AND disabled = 0"
	                      " AND role IN ('admin', 'security')"),
	    2);
}

/* 三员分立: each administrator does its own part and none of the others'. */
static void test_three_administrators_are_separate(void **state)
{
	(void)state;
	static const char *const audit[] = {"/api/v1/audit", "/api/v1/audit/export?format=csv", "/api/v1/audit/daily"};
	struct response r;
	for (size_t i = 0; i < sizeof audit / sizeof audit[0]; i++) {
		client_request(&admin, &r, "GET", audit[i], NULL, NULL, NULL);
		assert_int_equal(r.status, 403); /* the system administrator reads no audit rows */
		response_free(&r);
		client_request(&security, &r, "GET", audit[i], NULL, NULL, NULL);
		assert_int_equal(r.status, 403);
		response_free(&r);
		client_request(&auditor, &r, "GET", audit[i], NULL, NULL, NULL);
		assert_int_equal(r.status, 200);
		response_free(&r);
	}
	/* The auditor reads nothing else: not the users, not the business. */
	static const char *const other[] = {"/api/v1/users", "/api/v1/problems", "/api/v1/projects",
	                                    "/api/v1/vouchers/campaigns"};
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
		client_request(&auditor, &r, "GET", other[i], NULL, NULL, NULL);
		assert_int_equal(r.status, 403);
		response_free(&r);
	}
	/* The security administrator reads who has which role, and no business. */
	client_request(&security, &r, "GET", "/api/v1/users?role=admin", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1);
	response_free(&r);
	client_request(&security, &r, "GET", "/api/v1/problems", NULL, NULL, NULL);
	assert_int_equal(r.status, 403);
	response_free(&r);
	client_request(&security, &r, "POST", "/api/v1/users",
	               "{\"username\":\"sec.made\",\"display_name\":\"某\",\"role\":\"officer\",\"org\":\"350100\","
	               "\"password\":\"long-enough-pw\"}",
	               NULL, NULL);
	assert_int_equal(r.status, 403);
	response_free(&r);
	/* The system administrator cannot make an auditor (who could then read the log) nor touch one. */
	create_user(&admin, "puppet.auditor", "auditor", "350100", 403);
	create_user(&admin, "puppet.security", "security", "350100", 403);
	long long aud = db_count(&server, "SELECT id FROM users WHERE username = 'city.auditor'");
	request_json(&admin, &r, "PATCH", "/api/v1/users/%lld", aud, "{\"display_name\":\"改名\"}");
	assert_int_equal(r.status, 403);
	assert_string_equal(error_code(&r), "shell_only");
	response_free(&r);
	long long officer = create_user(&admin, "made.auditor", "officer", "350100", 201);
	request_json(&admin, &r, "PATCH", "/api/v1/users/%lld", officer, "{\"role\":\"auditor\"}");
	assert_int_equal(r.status, 403);
	response_free(&r);
	/* Nor can the security administrator take over the auditor's account. */
	request_json(&security, &r, "POST", "/api/v1/users/%lld/password", aud, "{\"password\":\"taken-over-now\"}");
	assert_int_equal(r.status, 403);
	response_free(&r);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM users WHERE substr(username, 1, 7) = 'puppet.'"), 0);
	/* A leader is no way round: the system administrator makes one and logs in as it, and reads no audit rows. */
	create_user(&admin, "made.leader", "leader", "350100", 201);
	struct client leader;
	client_init(&leader, &server);
	assert_int_equal(client_login(&leader, "made.leader", "long-enough-pw"), 200);
	for (size_t i = 0; i < sizeof audit / sizeof audit[0]; i++) {
		client_request(&leader, &r, "GET", audit[i], NULL, NULL, NULL);
		assert_int_equal(r.status, 403);
		response_free(&r);
	}
	/* Nor does the home page count them for anyone but the audit administrator. */
	struct client *const callers[] = {&admin, &leader, &auditor};
	for (size_t i = 0; i < 3; i++) {
		client_request(callers[i], &r, "GET", "/api/v1/overview", NULL, NULL, NULL);
		assert_int_equal(r.status, 200);
		assert_int_equal(json_object_get(r.json, "audit_today") != NULL, callers[i] == &auditor);
		response_free(&r);
	}
	client_free(&leader);
	assert_int_equal(
	    db_count(&server, "SELECT count(*) FROM users WHERE username = 'made.auditor' AND role = 'officer'"), 1);
}

static void test_password_reset_and_change(void **state)
{
	(void)state;
	long long id = create_user(&admin, "forgetful", "leader", "350100", 201);
	struct client c, other;
	struct response r;
	client_init(&c, &server);
	client_init(&other, &server);
	assert_int_equal(client_login(&other, "forgetful", "long-enough-pw"), 200);
	request_json(&admin, &r, "POST", "/api/v1/users/%lld/password", id, "{\"password\":\"brand-new-pass\"}");
	assert_int_equal(r.status, 403); /* resetting passwords is the security administrator's */
	response_free(&r);
	request_json(&security, &r, "POST", "/api/v1/users/%lld/password", id, "{\"password\":\"brand-new-pass\"}");
	assert_int_equal(r.status, 200);
	response_free(&r);
	client_request(&other, &r, "GET", "/api/v1/me", NULL, NULL, NULL);
	assert_int_equal(r.status, 401); /* the reset ended the old session */
	response_free(&r);
	assert_int_equal(client_login(&c, "forgetful", "long-enough-pw"), 401);
	assert_int_equal(client_login(&c, "forgetful", "brand-new-pass"), 200);
	assert_int_equal(client_login(&other, "forgetful", "brand-new-pass"), 200);

	client_request(&c, &r, "PUT", "/api/v1/me/password",
	               "{\"old_password\":\"wrong-old-pass\",\"new_password\":\"mine-only-now\"}", NULL, NULL);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "wrong_password");
	response_free(&r);
	client_request(&c, &r, "PUT", "/api/v1/me/password",
	               "{\"old_password\":\"brand-new-pass\",\"new_password\":\"mine-only-now\"}", NULL, NULL);
	assert_int_equal(r.status, 200);
	response_free(&r);
	/* This session goes on; the other one ended. */
	client_request(&c, &r, "GET", "/api/v1/me", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	response_free(&r);
	client_request(&other, &r, "GET", "/api/v1/me", NULL, NULL, NULL);
	assert_int_equal(r.status, 401);
	response_free(&r);
	assert_int_equal(client_login(&other, "forgetful", "mine-only-now"), 200);
	client_free(&c);
	client_free(&other);
}

/*
** New passwords (creation, reset, change): at least 12 characters, counted as
** characters, and not one of the 10,000 most common in any case; refused with
** 422 weak_password naming the field, the message in Chinese first, and
** nothing changed.
*/
static void test_new_passwords_follow_the_rule(void **state)
{
	(void)state;
	struct response r;
	const char *refused[] = {"elevenchars", "qwerty123456", "QWERTY123456", "1Qaz2Wsx3Edc"};
	long long users = db_count(&server, "SELECT count(*) FROM users");
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", "rule.check", "display_name", "测试",
		                         "role", "officer", "org", "350111", "password", refused[i]);
		char *text = json_dumps(body, 0);
		client_request(&admin, &r, "POST", "/api/v1/users", text, NULL, NULL);
		assert_int_equal(r.status, 422);
		assert_string_equal(error_code(&r), "weak_password");
		json_t *error = json_object_get(r.json, "error");
		assert_string_equal(json_string_value(json_object_get(error, "field")), "password");
		const char *message = json_string_value(json_object_get(error, "message"));
		assert_non_null(strstr(message, i == 0 ? "至少 12 个字符" : "最常见的密码"));
		assert_true((unsigned char)message[0] >= 0x80); /* Chinese first */
		response_free(&r);
		free(text);
		json_decref(body);
	}
	assert_int_equal(db_count(&server, "SELECT count(*) FROM users"), users);
	/* Twelve characters of any kind will do: twelve Chinese characters are 36 bytes, eleven are too few.
	** (Resetting passwords is the security administrator's.) */
	long long id = create_user(&admin, "rule.ok", "officer", "350111", 201);
	request_json(&security, &r, "POST", "/api/v1/users/%lld/password", id,
	             "{\"password\":\"福州榕城经济服务平台好\"}");
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "weak_password");
	response_free(&r);
	request_json(&security, &r, "POST", "/api/v1/users/%lld/password", id,
	             "{\"password\":\"福州市榕城经济服务平台好\"}");
	assert_int_equal(r.status, 200);
	response_free(&r);
	struct client c;
	client_init(&c, &server);
	assert_int_equal(client_login(&c, "rule.ok", "福州市榕城经济服务平台好"), 200);
	client_request(&c, &r, "PUT", "/api/v1/me/password",
	               "{\"old_password\":\"福州市榕城经济服务平台好\",\"new_password\":\"123456Qwerty\"}", NULL, NULL);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "weak_password");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")),
	                    "new_password");
	response_free(&r);
	client_free(&c);
}

static void test_pages_cover_every_user_once(void **state)
{
	(void)state;
	char name[32];
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof name, "page.user%d", i);
		create_user(&admin, name, "officer", "350104-tcj", 201);
	}
	char path[200] = "/api/v1/users?org=350104&limit=3";
	int seen = 0, pages = 0;
	for (;;) {
		struct response r;
		client_request(&admin, &r, "GET", path, NULL, NULL, NULL);
		assert_int_equal(r.status, 200);
		pages++;
		seen += (int)json_array_size(json_object_get(r.json, "items"));
		const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
		if (!next) {
			response_free(&r);
			break;
		}
		snprintf(path, sizeof path, "/api/v1/users?org=350104&limit=3&cursor=%s", next);
		response_free(&r);
	}
	assert_int_equal(seen, 7);
	assert_int_equal(pages, 3);
	struct response r;
	client_request(&admin, &r, "GET", "/api/v1/users?role=officer&q=page.user3", NULL, NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);
}

static void test_audit_filters(void **state)
{
	(void)state;
	struct response r;
	client_request(&auditor, &r, "GET", "/api/v1/audit?action=user.&actor=admin&limit=1000", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	size_t i, n = 0;
	json_t *e;
	json_array_foreach(json_object_get(r.json, "items"), i, e)
	{
		assert_int_equal(strncmp(json_string_value(json_object_get(e, "action")), "user.", 5), 0);
		assert_string_equal(json_string_value(json_object_get(e, "actor")), "admin");
		n++;
	}
	assert_int_equal(
	    (long long)n,
	    db_count(&server, "SELECT count(*) FROM audit_log WHERE action LIKE 'user.%' AND actor = 'admin'"));
	response_free(&r);
	client_request(&auditor, &r, "GET", "/api/v1/audit?from=2000-01-01&to=2000-12-31", NULL, NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	response_free(&r);
	/* A district's audit administrator sees only the district's events. */
	struct client d;
	client_init(&d, &server);
	assert_int_equal(client_login(&d, "jinan.auditor", "jinan.auditor-password"), 200);
	client_request(&d, &r, "GET", "/api/v1/audit?limit=1000", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) > 0);
	assert_true((long long)json_array_size(json_object_get(r.json, "items")) <
	            db_count(&server, "SELECT count(*) FROM audit_log"));
	response_free(&r);
	client_free(&d);
}

static void test_audit_exports_and_daily_counts(void **state)
{
	(void)state;
	struct response r;
	client_request(&auditor, &r, "GET", "/api/v1/audit/export?format=csv&action=user.create", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type: text/csv"));
	assert_non_null(strstr(r.headers, "filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.csv"));
	assert_memory_equal(r.body, "\xEF\xBB\xBF\xE7\xBC\x96\xE5\x8F\xB7,", 10); /* BOM, then 编号 */
	long long lines = 0;
	for (const char *p = r.body; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines - 1, db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'user.create'"));
	response_free(&r);

	client_request(&auditor, &r, "GET", "/api/v1/audit/export", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
	assert_memory_equal(r.body, "PK", 2); /* an .xlsx is a zip file */
	/* It names who exported it: under the table, in the printed header and footer, as the author. */
	char *strings = xlsx_part(&r, "xl/sharedStrings.xml"), *sheet = xlsx_part(&r, "xl/worksheets/sheet1.xml");
	char *core = xlsx_part(&r, "docProps/core.xml");
	assert_non_null(strings);
	assert_non_null(sheet);
	assert_non_null(core);
	assert_non_null(strstr(strings, "导出:"));
	assert_non_null(strstr(strings, "(city.auditor) "));
	assert_non_null(strstr(sheet, "<oddHeader>&amp;R导出:"));
	assert_non_null(strstr(sheet, "<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页&amp;R导出:"));
	assert_non_null(strstr(core, "(city.auditor) "));
	free(strings);
	free(sheet);
	free(core);
	response_free(&r);

	client_request(&auditor, &r, "GET", "/api/v1/audit/export?format=pdf", NULL, NULL, NULL);
	assert_int_equal(r.status, 422);
	response_free(&r);

	client_request(&auditor, &r, "GET", "/api/v1/audit/daily?days=7", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 7);
	json_t *today = json_array_get(items, 6);
	/* Today in Beijing began at the last midnight UTC+8. */
	char since[96];
	time_t now = time(NULL);
	snprintf(since, sizeof since, "SELECT count(*) FROM audit_log WHERE at >= %lld",
	         (long long)(now - (now + 28800) % 86400));
	assert_int_equal(json_integer_value(json_object_get(today, "count")), db_count(&server, since));
	response_free(&r);
	client_request(&auditor, &r, "GET", "/api/v1/audit/daily?days=0", NULL, NULL, NULL);
	assert_int_equal(r.status, 422);
	response_free(&r);
}

/* The catalogue entry for action in GET /api/v1/audit/actions. */
static json_t *catalogue_entry(json_t *catalogue, const char *action)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(catalogue, "actions"), i, a)
	{
		if (strcmp(json_string_value(json_object_get(a, "action")), action) == 0)
			return a;
	}
	fail_msg("no %s in the catalogue", action);
	return NULL;
}

static void test_audit_in_words(void **state)
{
	(void)state;
	struct response r;
	client_request(&auditor, &r, "GET", "/api/v1/audit/actions", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	json_t *login = catalogue_entry(r.json, "session.login"),
	       *round = catalogue_entry(r.json, "voucher.round_create");
	assert_string_equal(json_string_value(json_object_get(login, "label_zh")), "登录");
	assert_string_equal(json_string_value(json_object_get(login, "label_en")), "Signed in");
	assert_string_equal(json_string_value(json_object_get(login, "object_zh")), "账号");
	assert_string_equal(json_string_value(json_object_get(round, "label_zh")), "新建消费券期次");
	assert_string_equal(json_string_value(json_object_get(round, "module")), "voucher");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(json_object_get(r.json, "fields"), "face_fen"), "kind")),
	    "money_fen");
	response_free(&r);

	/* A list of actions: those and no others, each in words, the user by name, the time in Beijing time. */
	client_request(&auditor, &r, "GET", "/api/v1/audit?action=user.create,session.login&limit=1000", NULL, NULL,
	               NULL);
	assert_int_equal(r.status, 200);
	size_t i, created = 0, logins = 0;
	json_t *e;
	json_array_foreach(json_object_get(r.json, "items"), i, e)
	{
		const char *action = json_string_value(json_object_get(e, "action"));
		const char *label = json_string_value(json_object_get(e, "action_label"));
		const char *at = json_string_value(json_object_get(e, "at"));
		assert_string_equal(at + strlen(at) - 6, "+08:00");
		if (strcmp(action, "user.create") == 0) {
			assert_string_equal(label, "新建账号");
			created++;
			if (strcmp(json_string_value(json_object_get(
			               json_object_get(json_object_get(e, "detail"), "after"), "username")),
			           "chen.jing") == 0)
				assert_string_equal(json_string_value(json_object_get(e, "object_name")), "测试用户");
		} else {
			assert_string_equal(action, "session.login");
			assert_string_equal(label, "登录");
			logins++;
		}
	}
	assert_int_equal(created, db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'user.create'"));
	assert_int_equal(logins, db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'session.login'"));
	assert_true(created > 0 && logins > 0);
	response_free(&r);

	/* An action that does not exist is named, not silently matched by nothing. */
	client_request(&auditor, &r, "GET", "/api/v1/audit?action=user.create,user.nonsense", NULL, NULL, NULL);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "invalid_query");
	assert_non_null(strstr(r.body, "user.nonsense"));
	response_free(&r);

	/* The export reads the same way: the action and its details in words. */
	client_request(&auditor, &r, "GET", "/api/v1/audit/export?format=csv&action=user.create", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "新建账号"));
	assert_non_null(strstr(r.body, "测试用户"));
	assert_non_null(strstr(r.body, "用户名: chen.jing"));
	assert_null(strstr(r.body, "\"username\""));
	response_free(&r);
}

static void test_overview_counts_scope(void **state)
{
	(void)state;
	struct response r;
	client_request(&admin, &r, "GET", "/api/v1/overview", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	json_t *orgs = json_object_get(r.json, "orgs");
	assert_int_equal(json_integer_value(json_object_get(orgs, "district")), 13);
	assert_int_equal(json_integer_value(json_object_get(orgs, "total")),
	                 db_count(&server, "SELECT count(*) FROM orgs"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "users"), "active")),
	                 db_count(&server, "SELECT count(*) FROM users WHERE disabled = 0"));
	response_free(&r);
	struct client o;
	client_init(&o, &server);
	assert_int_equal(client_login(&o, "changle.officer", "changle.officer-password"), 200);
	client_request(&o, &r, "GET", "/api/v1/overview", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "orgs"), "total")), 1);
	assert_null(json_object_get(r.json, "users"));
	response_free(&r);
	client_free(&o);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create_and_read_back),
	    cmocka_unit_test(test_duplicates_and_bad_values_are_refused),
	    cmocka_unit_test(test_district_admin_stays_in_district),
	    cmocka_unit_test(test_disable_ends_sessions_and_logins),
	    cmocka_unit_test(test_admin_cannot_lock_themselves_out),
	    cmocka_unit_test(test_three_administrators_are_separate),
	    cmocka_unit_test(test_password_reset_and_change),
	    cmocka_unit_test(test_new_passwords_follow_the_rule),
	    cmocka_unit_test(test_pages_cover_every_user_once),
	    cmocka_unit_test(test_audit_filters),
	    cmocka_unit_test(test_audit_exports_and_daily_counts),
	    cmocka_unit_test(test_audit_in_words),
	    cmocka_unit_test(test_overview_counts_scope),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return failed;
}
