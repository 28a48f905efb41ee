/*
** Logging in and out, and "who am I".
**
** A failed login is audited and counted against both the username and the
** client address; past the limit in the window (5 for an account, 50 for an
** address, which a whole office may share) either one answers 429 without
** checking the password, so guessing is slow for one account and from one place.
*/
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "http/auth.h"
#include "org/org.h"

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

/* Unknown usernames are checked against this hash so that they take as long
** as known ones: the timing does not tell which usernames exist. */
static void dummy_hash_init(void)
{
	char password[33];
	auth_random_hex(password, 16);
	if (user_hash_password(password, dummy_hash) < 0)
		dummy_hash[0] = 0;
}

struct login_user {
	int64_t id;
	const char *hash, *org_path;
	bool disabled;
};

static int login_lookup(struct request *r, const char *username, struct login_user *ret)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT u.id, u.password_hash, u.disabled, o.path FROM users u JOIN orgs o ON o.id = u.org_id"
	               " WHERE u.username = ?",
	               "t", username);
	if (rc < 0)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		ret->id = db_column_int64(s, 0);
		ret->hash = arena_strdup(r->arena, db_column_text(s, 1));
		ret->disabled = db_column_int64(s, 2) != 0;
		ret->org_path = arena_strdup(r->arena, db_column_text(s, 3));
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

int login_audit(struct request *r, const char *action, const char *username, int64_t user_id, const char *org_path,
                const char *reason)
{
	const char *root = "/";
	struct db_stmt *s;
	if (!org_path && db_prepare(r->db, &s, "SELECT path FROM orgs WHERE parent_id IS NULL", NULL) == 0) {
		if (db_step(s) == DB_ROW)
			root = arena_strdup(r->arena, db_column_text(s, 0));
		db_finalize(s);
	}
	struct audit_context ctx = audit_context_of(r);
	ctx.actor = username;
	ctx.actor_id = user_id;
	json_t *detail = reason ? json_pack("{s:s}", "reason", reason) : NULL;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = audit_append(r->db, &ctx, action, "user", arena_printf(r->arena, "%lld", (long long)user_id),
		                  org_path ? org_path : root, detail);
	json_decref(detail);
	if (rc < 0) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

static json_t *me_json(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT u.username, u.display_name, u.role, o.code, o.name, o.kind FROM users u"
	                    " JOIN orgs o ON o.id = u.org_id WHERE u.id = ?",
	                    "i", r->who.user_id);
	if (rc < 0)
		return NULL;
	json_t *user = NULL;
	if (db_step(s) == DB_ROW) {
		const char *role = db_column_text(s, 2);
		user = json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "id", (json_int_t)r->who.user_id,
		                 "username", db_column_text(s, 0), "display_name", db_column_text(s, 1), "role", role,
		                 "role_label", role_label_zh(role_from_name(role)), "org", "code", db_column_text(s, 3),
		                 "name", db_column_text(s, 4), "kind", db_column_text(s, 5), "path", r->who.org_path);
	}
	db_finalize(s);
	return user;
}

/*
** ROUTE: POST /api/v1/session
** AUTH: public
** SUMMARY: 登录 Log in
** Body: {"username","password"}.  Sets the session cookie (HttpOnly,
** SameSite=Strict) and returns {"user":{...},"csrf_token":"..."}; send the
** token as X-CSRF-Token on every state-changing request.  Repeated failures
** answer 429.
*/
void session_login(struct request *r)
{
	static const char *const fields[] = {"username", "password", NULL};
	const char *username, *password;
	if (!body_only(r, fields) || !body_string(r, "username", FIELD_REQUIRED, 64, &username) ||
	    !body_string(r, "password", FIELD_REQUIRED, 256, &password))
		return;
	char user_key[96], ip_key[96];
	snprintf(user_key, sizeof user_key, "u:%s", username);
	for (char *p = user_key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	snprintf(ip_key, sizeof ip_key, "ip:%s", request_ip(r));
	int64_t now = clock_now();
	struct login_user u = {0};
	int rc = login_lookup(r, username, &u);
	if (rc < 0 && rc != DB_DONE) {
		reply_db_error(r, rc);
		return;
	}
	int64_t wait = ratelimit_blocked(user_key, LOGIN_MAX_FAILURES, now);
	if (!wait)
		wait = ratelimit_blocked(ip_key, LOGIN_MAX_FAILURES_PER_ADDRESS, now);
	if (wait) {
		rc = login_audit(r, "session.login_blocked", username, u.id, u.org_path, "too many failures");
		if (rc < 0) {
			reply_db_error(r, rc);
			return;
		}
		reply_error(r, 429, "too_many_attempts", NULL,
		            "登录失败次数过多,请 %lld 分钟后再试 (too many failed logins; try again in %lld minutes)",
		            (long long)(wait + 59) / 60, (long long)(wait + 59) / 60);
		return;
	}
	pthread_once(&dummy_once, dummy_hash_init);
	bool ok = crypto_pwhash_str_verify(u.hash ? u.hash : dummy_hash, password, strlen(password)) == 0 && u.hash;
	if (!ok) {
		ratelimit_failure(user_key, now);
		ratelimit_failure(ip_key, now);
		rc = login_audit(r, "session.login_failed", username, u.id, u.org_path,
		                 u.hash ? "wrong password" : "unknown user");
		if (rc < 0) {
			reply_db_error(r, rc);
			return;
		}
		reply_error(r, 401, "wrong_credentials", NULL, "用户名或密码错误 (wrong username or password)");
		return;
	}
	if (u.disabled) {
		rc = login_audit(r, "session.login_failed", username, u.id, u.org_path, "disabled");
		if (rc < 0) {
			reply_db_error(r, rc);
			return;
		}
		reply_error(r, 403, "account_disabled", NULL, "账号已停用,请联系管理员 (account disabled)");
		return;
	}
	ratelimit_clear(user_key);
	/* Second step (src/org/totp.c): a user who must or chose to use a second
	** factor is answered a challenge instead of a session. */
	if (totp_challenge_or_pass(r, u.id, username, u.org_path))
		return;
	char token[65], csrf[65];
	rc = db_begin(r->db);
	if (rc == 0)
		rc = session_open(r, u.id, username, u.org_path, NULL, token, csrf);
	if (db_finish_or_reply(r, rc))
		session_reply(r, u.id, u.org_path, token, csrf, NULL);
}

int session_open(struct request *r, int64_t user_id, const char *username, const char *org_path, json_t *detail,
                 char ret_token[65], char ret_csrf[65])
{
	int64_t session_id;
	/* Expired sessions are swept here, where sessions are made, rather than by a timer. */
	int rc = db_run(r->db, "DELETE FROM sessions WHERE expires_at <= ?", "i", clock_now());
	if (rc == 0)
		rc = auth_session_create(r->db, user_id, ret_token, ret_csrf, &session_id);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		ctx.actor = username;
		ctx.actor_id = user_id;
		rc = audit_append(r->db, &ctx, "session.login", "user",
		                  arena_printf(r->arena, "%lld", (long long)user_id), org_path, detail);
	}
	return rc;
}

void session_reply(struct request *r, int64_t user_id, const char *org_path, const char *token, const char *csrf,
                   json_t *extra)
{
	r->who.user_id = user_id;
	r->who.org_path = org_path;
	json_t *user = me_json(r);
	if (!user) {
		json_decref(extra);
		reply_db_error(r, DB_ERROR);
		return;
	}
	r->set_cookie = arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", SESSION_COOKIE,
	                             token, SESSION_LIFETIME);
	json_t *body = json_pack("{s:o, s:s}", "user", user, "csrf_token", csrf);
	if (extra)
		json_object_update(body, extra);
	json_decref(extra);
	reply_json(r, 200, body);
}

/*
** ROUTE: DELETE /api/v1/session
** AUTH: any
** SUMMARY: 退出登录 Log out
*/
void session_logout(struct request *r)
{
	if (!r->who.session_id) {
		reply_error(r, 400, "no_session", NULL, "没有登录会话 (no session to end)");
		return;
	}
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = auth_session_delete(r->db, r->who.session_id);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		rc = audit_append(r->db, &ctx, "session.logout", "user",
		                  arena_printf(r->arena, "%lld", (long long)r->who.user_id), r->who.org_path, NULL);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	r->set_cookie = arena_printf(r->arena, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", SESSION_COOKIE);
	reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/*
** ROUTE: GET /api/v1/me
** AUTH: any
** SUMMARY: 当前用户 Who am I
** For a session: {"user":{...},"csrf_token"}; for an API key: {"api_key":{...}}.
*/
void session_me(struct request *r)
{
	if (!r->who.user_id) {
		reply_json(r, 200,
		           json_pack("{s:{s:s, s:s, s:s}}", "api_key", "name", r->who.name, "role",
		                     role_name(r->who.role), "org", r->who.org_code));
		return;
	}
	json_t *user = me_json(r);
	if (!user) {
		reply_db_error(r, DB_ERROR);
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:s?}", "user", user, "csrf_token", r->who.csrf_token));
}
