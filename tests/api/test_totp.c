/*
** test_totp.c - two-factor login against the real server, started with
** --second-factor leader: a leader enrols at the first login and logs in
** with a code; a code is accepted once; a recovery code works once; wrong
** codes are throttled like wrong passwords; the role decides who must, an
** enrolled user of any role is asked too, and a security administrator's
** reset makes the user enrol again; an old password hash is replaced at the
** password step; the second step sets the cookie --secure-cookies asks for;
** a password reset or a disabled account ends the second steps pending.
** Codes are computed as an authenticator would, from the base32 key the
** enrolment shows.
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

#include <sodium.h>

#include "client.h"
#include "org/org.h"

static struct test_server server;

static int setup(void **state)
{
	(void)state;
	server_prepare(&server);
	add_user(&server, "lin.leader", "leader", "350100");
	add_user(&server, "chen.leader", "leader", "350100");
	add_user(&server, "wu.leader", "leader", "350111");
	add_user(&server, "old.leader", "leader", "350100");
	add_user(&server, "ja.officer", "officer", "350111-tcj");
	add_user(&server, "ja.security", "security", "350111");
	add_user(&server, "ja.auditor", "auditor", "350111");
	add_user(&server, "ja.leader", "leader", "350111");
	static const char *const args[] = {"--second-factor", "leader", NULL};
	server_start_process(&server, args);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	server_down(&server);
	return 0;
}

/* RFC 4648 base32, as an authenticator app reads the key. */
static size_t base32_decode(const char *text, uint8_t *out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint32_t buffer = 0;
	int bits = 0;
	size_t n = 0;
	for (; *text; text++) {
		const char *p = strchr(alphabet, *text);
		assert_non_null(p);
		buffer = buffer << 5 | (uint32_t)(p - alphabet);
		bits += 5;
		if (bits >= 8) {
			out[n++] = (uint8_t)(buffer >> (bits - 8));
			bits -= 8;
		}
	}
	return n;
}

struct authenticator {
	uint8_t key[20];
	size_t len;
};

static uint64_t step_now(void)
{
	return (uint64_t)time(NULL) / 30;
}

static const char *code_at(const struct authenticator *a, uint64_t step, char out[7])
{
	snprintf(out, 7, "%06u", totp_code(a->key, a->len, step, 6));
	return out;
}

/* The password step: the answer (a challenge, or a session) in *r. */
static void password_step(struct client *c, const char *username, struct response *r)
{
	char password[96];
	snprintf(password, sizeof password, "%s-password", username);
	client_callf(c, r, "POST", "/api/v1/session", "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
}

/* Log in up to the challenge; returns it (copied into out). */
static const char *challenge_of(struct client *c, const char *username, char out[80], struct response *r)
{
	password_step(c, username, r);
	assert_int_equal(r->status, 200);
	assert_true(json_is_true(json_object_get(r->json, "second_factor_required")));
	assert_null(json_object_get(r->json, "user")); /* no session yet */
	snprintf(out, 80, "%s", json_string_value(json_object_get(r->json, "challenge")));
	return out;
}

/* The second step with field ("code" or "recovery_code"); keeps the CSRF token of a session it opens. */
static long second_step(struct client *c, const char *challenge, const char *field, const char *value,
                        struct response *r)
{
	client_callf(c, r, "POST", "/api/v1/session/second-factor", "{\"challenge\":\"%s\",\"%s\":\"%s\"}", challenge,
	             field, value);
	const char *csrf = json_string_value(json_object_get(r->json, "csrf_token"));
	if (csrf)
		snprintf(c->csrf, sizeof c->csrf, "%s", csrf);
	return r->status;
}

static long me_status(struct client *c)
{
	struct response r;
	client_request(c, &r, "GET", "/api/v1/me", NULL, NULL, NULL);
	long status = r.status;
	response_free(&r);
	return status;
}

/* Enrol username at its first login; *a gets the key; returns the recovery codes (owned by the caller). */
static json_t *enrol_at_login(struct client *c, const char *username, struct authenticator *a)
{
	struct response r;
	char challenge[80], code[7];
	challenge_of(c, username, challenge, &r);
	assert_false(json_is_true(json_object_get(r.json, "enrolled")));
	json_t *enrolment = json_object_get(r.json, "enrolment");
	const char *secret = json_string_value(json_object_get(enrolment, "secret"));
	const char *uri = json_string_value(json_object_get(enrolment, "otpauth_uri"));
	assert_non_null(secret);
	assert_int_equal(strlen(secret), 32); /* 160 bits */
	char want[256];
	snprintf(want, sizeof want,
	         "otpauth://totp/banyan:%s?secret=%s&issuer=banyan&algorithm=SHA1&digits=6&period=30", username,
	         secret);
	assert_string_equal(uri, want);
	a->len = base32_decode(secret, a->key);
	assert_int_equal(a->len, 20);
	response_free(&r);
	assert_int_equal(me_status(c), 401);
	assert_int_equal(second_step(c, challenge, "code", code_at(a, step_now(), code), &r), 200);
	json_t *codes = json_incref(json_object_get(r.json, "recovery_codes"));
	assert_int_equal(json_array_size(codes), 10);
	response_free(&r);
	assert_int_equal(me_status(c), 200);
	return codes;
}

static void test_enrol_then_log_in_with_a_code_once(void **state)
{
	(void)state;
	struct client c;
	struct authenticator a;
	struct response r;
	char challenge[80], code[7];
	client_init(&c, &server);
	json_t *codes = enrol_at_login(&c, "lin.leader", &a);
	json_decref(codes);
	long long id = db_count(&server, "SELECT id FROM users WHERE username = 'lin.leader'");
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM audit_log WHERE object_id = '%lld' AND action = 'user.second_factor_enrol'", id);
	assert_int_equal(db_count(&server, sql), 1);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM audit_log WHERE object_id = '%lld' AND action = 'session.login'"
	         " AND detail LIKE '%%\"second_factor\":\"totp\"%%'",
	         id);
	assert_int_equal(db_count(&server, sql), 1);
	long long enrolled_step =
	    db_count(&server, "SELECT last_step FROM second_factors f JOIN users u ON u.id = f.user_id"
	                      " WHERE u.username = 'lin.leader'");

	/* The code that confirmed the enrolment is refused at the next login: it was used. */
	client_free(&c);
	client_init(&c, &server);
	challenge_of(&c, "lin.leader", challenge, &r);
	assert_true(json_is_true(json_object_get(r.json, "enrolled")));
	assert_null(json_object_get(r.json, "enrolment")); /* no new key for an enrolled user */
	response_free(&r);
	assert_int_equal(second_step(&c, challenge, "code", code_at(&a, (uint64_t)enrolled_step, code), &r), 401);
	assert_string_equal(error_code(&r), "code_used");
	response_free(&r);
	assert_int_equal(me_status(&c), 401);
	/* The next step's code (an authenticator a little ahead) is new: accepted, once. */
	assert_int_equal(second_step(&c, challenge, "code", code_at(&a, (uint64_t)enrolled_step + 1, code), &r), 200);
	response_free(&r);
	assert_int_equal(me_status(&c), 200);
	client_free(&c);
	client_init(&c, &server);
	challenge_of(&c, "lin.leader", challenge, &r);
	response_free(&r);
	assert_int_equal(second_step(&c, challenge, "code", code, &r), 401);
	assert_string_equal(error_code(&r), "code_used");
	response_free(&r);
	assert_int_equal(me_status(&c), 401);
	client_free(&c);
}

static void test_recovery_code_works_once(void **state)
{
	(void)state;
	struct client c;
	struct authenticator a;
	struct response r;
	char challenge[80];
	client_init(&c, &server);
	json_t *codes = enrol_at_login(&c, "chen.leader", &a);
	const char *first = json_string_value(json_array_get(codes, 0));
	client_free(&c);

	client_init(&c, &server);
	challenge_of(&c, "chen.leader", challenge, &r);
	response_free(&r);
	assert_int_equal(second_step(&c, challenge, "recovery_code", first, &r), 200);
	response_free(&r);
	client_request(&c, &r, "GET", "/api/v1/me/second-factor", NULL, NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(r.json, "recovery_codes_left")), 9);
	assert_true(json_is_true(json_object_get(r.json, "enrolled")));
	assert_true(json_is_true(json_object_get(r.json, "required")));
	response_free(&r);
	client_free(&c);

	client_init(&c, &server);
	challenge_of(&c, "chen.leader", challenge, &r);
	response_free(&r);
	assert_int_equal(second_step(&c, challenge, "recovery_code", first, &r), 401);
	assert_string_equal(error_code(&r), "wrong_code");
	response_free(&r);
	/* As typed by a person: lower case and without the dash still count. */
	char typed[16];
	const char *second = json_string_value(json_array_get(codes, 1));
	size_t n = 0;
	for (const char *p = second; *p; p++)
		if (*p != '-')
			typed[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	typed[n] = 0;
	assert_int_equal(second_step(&c, challenge, "recovery_code", typed, &r), 200);
	response_free(&r);
	json_decref(codes);
	client_free(&c);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM recovery_codes r JOIN users u ON u.id = r.user_id"
	                                   " WHERE u.username = 'chen.leader' AND r.used_at IS NOT NULL"),
	                 2);
}

static void test_wrong_codes_are_throttled(void **state)
{
	(void)state;
	struct client c;
	struct authenticator a;
	struct response r;
	char challenge[80], code[7];
	client_init(&c, &server);
	json_decref(enrol_at_login(&c, "wu.leader", &a));
	client_free(&c);
	client_init(&c, &server);
	challenge_of(&c, "wu.leader", challenge, &r);
	response_free(&r);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(second_step(&c, challenge, "code", "000000x", &r), 401);
		response_free(&r);
	}
	/* Past the limit even the right code waits, and says for how long. */
	assert_int_equal(second_step(&c, challenge, "code", code_at(&a, step_now() + 1, code), &r), 429);
	assert_string_equal(error_code(&r), "too_many_attempts");
	assert_true(has_header(&r, "Retry-After: "));
	response_free(&r);
	assert_int_equal(me_status(&c), 401);
	assert_true(db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'session.second_factor_failed'"
	                              " AND actor = 'wu.leader'") >= 5);
	client_free(&c);
}

static void test_role_decides_and_a_reset_means_enrolling_again(void **state)
{
	(void)state;
	struct client officer, security, leader;
	struct response r;
	char challenge[80], code[7];
	struct authenticator a;
	/* An officer need not: the password opens the session. */
	client_init(&officer, &server);
	password_step(&officer, "ja.officer", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(json_object_get(r.json, "user"));
	snprintf(officer.csrf, sizeof officer.csrf, "%s", json_string_value(json_object_get(r.json, "csrf_token")));
	response_free(&r);
	/* ... but one who enrols from 账号安全 is asked from then on. */
	assert_int_equal(client_callf(&officer, &r, "POST", "/api/v1/me/second-factor", NULL), 201);
	a.len = base32_decode(json_string_value(json_object_get(r.json, "secret")), a.key);
	response_free(&r);
	assert_int_equal(client_callf(&officer, &r, "POST", "/api/v1/me/second-factor/confirm", "{\"code\":\"12345\"}"),
	                 422);
	response_free(&r);
	assert_int_equal(client_callf(&officer, &r, "POST", "/api/v1/me/second-factor/confirm", "{\"code\":\"%s\"}",
	                              code_at(&a, step_now(), code)),
	                 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "recovery_codes")), 10);
	response_free(&r);
	assert_int_equal(client_callf(&officer, &r, "POST", "/api/v1/me/second-factor", NULL), 409);
	response_free(&r);
	client_free(&officer);
	client_init(&officer, &server);
	challenge_of(&officer, "ja.officer", challenge, &r);
	response_free(&r);
	client_free(&officer);

	/* The 晋安 security administrator resets the officer's factor (audited); the next login enrols again. */
	client_login_as(&security, &server, "ja.security");
	long long id = db_count(&server, "SELECT id FROM users WHERE username = 'ja.officer'");
	char path[80];
	snprintf(path, sizeof path, "/api/v1/users/%lld/second-factor", id);
	client_request(&security, &r, "DELETE", path, NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	response_free(&r);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'user.second_factor_reset'"
	                                   " AND actor = 'ja.security'"),
	                 1);
	client_init(&officer, &server);
	password_step(&officer, "ja.officer", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(json_object_get(r.json, "user")); /* an officer without a factor: the password suffices again */
	response_free(&r);
	client_free(&officer);
	/* Not a city leader's: outside 晋安. */
	id = db_count(&server, "SELECT id FROM users WHERE username = 'lin.leader'");
	snprintf(path, sizeof path, "/api/v1/users/%lld/second-factor", id);
	client_request(&security, &r, "DELETE", path, NULL, NULL, NULL);
	assert_int_equal(r.status, 403);
	response_free(&r);
	client_free(&security);
	/* A leader who has not enrolled cannot skip it: the challenge carries a key to enrol. */
	client_init(&leader, &server);
	run_banyan("new.leader-password\n", NULL, 0, "user", "add", "--db", server.db, "--username", "new.leader",
	           "--role", "leader", "--org", "350100", "--password-stdin", NULL);
	challenge_of(&leader, "new.leader", challenge, &r);
	assert_non_null(json_object_get(r.json, "enrolment"));
	response_free(&r);
	assert_int_equal(me_status(&leader), 401);
	client_free(&leader);
}

static void test_serve_refuses_an_unknown_role(void **state)
{
	(void)state;
	char out[512];
	assert_int_equal(run_banyan(NULL, out, sizeof out, "serve", "--db", "/nonexistent/never.db", "--listen",
	                            "127.0.0.1:0", "--second-factor", "admin,boss", NULL),
	                 2);
	assert_non_null(strstr(out, "--second-factor"));
}

/* The security and audit administrators' accounts are the operator's: the shell resets, disables and enables them. */
static void test_the_shell_manages_the_administrators_accounts(void **state)
{
	(void)state;
	struct client c, security;
	struct response r;
	char out[512], path[80];
	client_login_as(&security, &server, "ja.security");
	long long auditor = db_count(&server, "SELECT id FROM users WHERE username = 'ja.auditor'");
	snprintf(path, sizeof path, "/api/v1/users/%lld/second-factor", auditor);
	client_request(&security, &r, "DELETE", path, NULL, NULL, NULL);
	assert_int_equal(r.status, 403);
	assert_string_equal(error_code(&r), "shell_only");
	response_free(&r);
	client_free(&security);

	/* lin.leader enrolled in the first test: the shell's reset makes the next login enrol again. */
	assert_int_equal(run_banyan(NULL, out, sizeof out, "user", "second-factor-reset", "--db", server.db,
	                            "--username", "lin.leader", NULL),
	                 0);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'user.second_factor_reset'"
	                                   " AND actor = 'shell'"),
	                 1);
	client_init(&c, &server);
	password_step(&c, "lin.leader", &r);
	assert_false(json_is_true(json_object_get(r.json, "enrolled")));
	assert_non_null(json_object_get(r.json, "enrolment"));
	response_free(&r);
	client_free(&c);

	assert_int_equal(
	    run_banyan(NULL, out, sizeof out, "user", "disable", "--db", server.db, "--username", "ja.auditor", NULL),
	    0);
	client_init(&c, &server);
	assert_int_equal(client_login(&c, "ja.auditor", "ja.auditor-password"), 403);
	assert_int_equal(
	    run_banyan(NULL, out, sizeof out, "user", "enable", "--db", server.db, "--username", "ja.auditor", NULL),
	    0);
	assert_int_equal(client_login(&c, "ja.auditor", "ja.auditor-password"), 200);
	client_free(&c);
}

/*
** A hash made with other limits than the server's is replaced as soon as the
** password holds, before the second step: users with a second factor are
** rehashed too, and the new hash still holds.
*/
static void test_password_step_rehashes_an_old_hash(void **state)
{
	(void)state;
	char old[crypto_pwhash_STRBYTES], sql[400], challenge[80];
	assert_int_equal(crypto_pwhash_str_alg(old, "old.leader-password", strlen("old.leader-password"), 3, 1 << 20,
	                                       crypto_pwhash_ALG_ARGON2ID13),
	                 0);
	snprintf(sql, sizeof sql, "UPDATE users SET password_hash = '%s' WHERE username = 'old.leader'", old);
	db_run_sql(&server, sql);
	struct client c;
	struct response r;
	client_init(&c, &server);
	challenge_of(&c, "old.leader", challenge, &r);
	response_free(&r);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM users WHERE username = 'old.leader' AND password_hash = '%s'",
	         old);
	assert_int_equal(db_count(&server, sql), 0);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM audit_log WHERE action = 'user.password_rehash'"
	                                   " AND actor = 'old.leader'"),
	                 1);
	challenge_of(&c, "old.leader", challenge, &r);
	response_free(&r);
	client_free(&c);
}

/* The second step sets the session cookie as the password login does: under --secure-cookies, Secure and __Host-. */
static void test_second_step_sets_the_secure_cookie(void **state)
{
	(void)state;
	struct test_server secure;
	static const char *const args[] = {"--second-factor", "leader", "--secure-cookies", NULL};
	server_prepare(&secure);
	add_user(&secure, "he.leader", "leader", "350100");
	server_start_process(&secure, args);
	struct client c;
	struct response r;
	struct authenticator a;
	char challenge[80], code[7], line[300];
	client_init(&c, &secure);
	challenge_of(&c, "he.leader", challenge, &r);
	assert_null(strcasestr(r.headers, "\nSet-Cookie:")); /* no session before the code */
	a.len =
	    base32_decode(json_string_value(json_object_get(json_object_get(r.json, "enrolment"), "secret")), a.key);
	response_free(&r);
	assert_int_equal(second_step(&c, challenge, "code", code_at(&a, step_now(), code), &r), 200);
	const char *set = strcasestr(r.headers, "\nSet-Cookie: __Host-banyan_session=");
	assert_non_null(set);
	snprintf(line, sizeof line, "%.*s", (int)strcspn(set + 1, "\r\n"), set + 1);
	assert_non_null(strstr(line, "; Secure"));
	assert_non_null(strstr(line, "; HttpOnly"));
	response_free(&r);
	client_free(&c);
	server_down(&secure);
}

/* As c, method /api/v1/users/{username's id}/what with body (or none): the status, and the error's code in code. */
static long reset_status(struct client *c, const char *method, const char *username, const char *what,
                         const char *body, char code[48])
{
	char sql[160], path[96];
	snprintf(sql, sizeof sql, "SELECT id FROM users WHERE username = '%s'", username);
	snprintf(path, sizeof path, "/api/v1/users/%lld/%s", db_count(&server, sql), what);
	return body ? client_statusf(c, method, path, code, "%s", body) : client_statusf(c, method, path, code, NULL);
}

/*
** A security administrator who could set both the password and the second
** factor of an account under the rule would log in as its holder: the API
** refuses both resets for those roles (the operator's, from the shell) and
** still does them for the others.
*/
static void test_security_cannot_take_over_an_account_under_the_rule(void **state)
{
	(void)state;
	struct client security, c;
	struct response r;
	char challenge[80], code[48];
	client_login_as(&security, &server, "ja.security");
	assert_int_equal(
	    reset_status(&security, "POST", "wu.leader", "password", "{\"password\":\"taken-over-now\"}", code), 403);
	assert_string_equal(code, "shell_only");
	assert_int_equal(reset_status(&security, "DELETE", "wu.leader", "second-factor", NULL, code), 403);
	assert_string_equal(code, "shell_only");
	/* The leader's own password still opens the challenge; nothing was reset. */
	client_init(&c, &server);
	challenge_of(&c, "wu.leader", challenge, &r);
	response_free(&r);
	client_free(&c);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM audit_log WHERE object_type = 'user' AND object_id = "
	                                   "(SELECT CAST(id AS TEXT) FROM users WHERE username = 'wu.leader')"
	                                   " AND action IN ('user.password_reset', 'user.second_factor_reset')"),
	                 0);
	/* An officer is outside the rule: the security administrator resets its password through the API. */
	assert_int_equal(reset_status(&security, "POST", "ja.officer", "password",
	                              "{\"password\":\"a-new-long-password\"}", code),
	                 200);
	client_free(&security);
}

/*
** Whoever won a challenge with the old password (and an enrolment key with
** it) loses it when the password is reset from the shell (a leader's is the
** operator's: the console refuses it, see above), or the account is disabled,
** even if enabled again within the 5 minutes.
*/
static void test_a_reset_password_ends_pending_second_steps(void **state)
{
	(void)state;
	struct client thief, security;
	struct response r;
	char challenge[80], code[7], path[80], out[512];
	struct authenticator a;
	client_login_as(&security, &server, "ja.security");
	long long id = db_count(&server, "SELECT id FROM users WHERE username = 'ja.leader'");
	client_init(&thief, &server);
	for (int how = 0; how < 2; how++) {
		challenge_of(&thief, "ja.leader", challenge, &r);
		a.len = base32_decode(
		    json_string_value(json_object_get(json_object_get(r.json, "enrolment"), "secret")), a.key);
		response_free(&r);
		if (how == 0) {
			assert_int_equal(run_banyan("ja.leader-password\n", out, sizeof out, "user", "passwd", "--db",
			                            server.db, "--username", "ja.leader", "--password-stdin", NULL),
			                 0);
		} else {
			snprintf(path, sizeof path, "/api/v1/users/%lld", id);
			assert_int_equal(client_callf(&security, &r, "PATCH", path, "{\"disabled\":true}"), 200);
			response_free(&r);
			assert_int_equal(client_callf(&security, &r, "PATCH", path, "{\"disabled\":false}"), 200);
			response_free(&r);
		}
		assert_int_equal(second_step(&thief, challenge, "code", code_at(&a, step_now(), code), &r), 401);
		assert_string_equal(error_code(&r), "challenge_expired");
		response_free(&r);
		assert_int_equal(me_status(&thief), 401);
	}
	assert_int_equal(db_count(&server, "SELECT count(*) FROM login_challenges c JOIN users u ON u.id = c.user_id"
	                                   " WHERE u.username = 'ja.leader'"),
	                 0);
	client_free(&thief);
	client_free(&security);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_enrol_then_log_in_with_a_code_once),
	    cmocka_unit_test(test_recovery_code_works_once),
	    cmocka_unit_test(test_wrong_codes_are_throttled),
	    cmocka_unit_test(test_role_decides_and_a_reset_means_enrolling_again),
	    cmocka_unit_test(test_serve_refuses_an_unknown_role),
	    cmocka_unit_test(test_the_shell_manages_the_administrators_accounts),
	    cmocka_unit_test(test_password_step_rehashes_an_old_hash),
	    cmocka_unit_test(test_second_step_sets_the_secure_cookie),
	    cmocka_unit_test(test_security_cannot_take_over_an_account_under_the_rule),
	    cmocka_unit_test(test_a_reset_password_ends_pending_second_steps),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
