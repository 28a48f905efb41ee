/*
** Logging in and out, and "who am I".
**
** Password guessing is throttled per client address and per account, so
** that guessing is slow for one account and from one place, without letting
** a stranger lock a user out:
**
**   - an address with 50 failed logins in 15 minutes (an office may share
**     one behind NAT) is refused for every account until its window ends;
**   - an account with 5 failed logins in 15 minutes, from all addresses
**     together, is refused to every address that has itself failed for it
**     in its window; an address that has not may still try, and a wrong
**     password from there blocks it too.  A guesser thus gets 5 tries, then
**     one per new address, per 15 minutes, while the user still logs in from
**     their own computer (OWASP's authentication cheat sheet: lockout must
**     not become a denial of service);
**   - an account with 20 failed logins in 15 minutes, from all addresses
**     together, is refused to every address but those that have logged in
**     to it in the last 30 days (remembered in memory, see
**     ratelimit_remember()): a guesser with a botnet or an IPv6 network gets
**     20 tries per 15 minutes, the user at their usual computer still gets in;
**   - an IPv6 client counts by its /64, all of which one subscriber holds;
**   - an account logs in successfully at most 10 times a minute (setting
**     BANYAN_LOGINS_PER_MINUTE): each login costs a password hash (see
**     passwords.c), and a script looping on one valid account must not have
**     the server's cores.
**
** Failed logins for unknown usernames are counted as for real ones, so that
** the answers do not tell which usernames exist; the table keeps the keys
** being guessed at however many such keys a flood makes (see auth.c).
**
** A refused attempt answers 429 with the real wait in Retry-After, without
** checking the password.  The first refusal of a block is audited
** (session.login_blocked); the others are only counted, and the count is
** audited as one session.login_refused row once the block has ended (or when
** the server stops): refusals cannot grow the audit log.  Wrong old passwords
** on a password change count as failed logins.
*/
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/index.h"
#include "core/log.h"
#include "http/auth.h"
#include "org/org.h"

enum { LOGIN_SUCCESS_WINDOW = 60 };

/* Successful logins an account may make in a minute: BANYAN_LOGINS_PER_MINUTE, or LOGIN_MAX_PER_MINUTE. */
static int logins_per_minute(void)
{
	const char *v = getenv("BANYAN_LOGINS_PER_MINUTE");
	return v && atoi(v) > 0 ? atoi(v) : LOGIN_MAX_PER_MINUTE;
}

/* The throttle's keys for username (any case) from the caller's address. */
struct login_keys {
	char account[128], address[128], pair[128], success[128];
};

static void login_keys_of(struct request *r, const char *username, struct login_keys *k)
{
	char name[72], ip[INET6_ADDRSTRLEN + 3];
	snprintf(name, sizeof name, "%s", username);
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	unsigned char a[16];
	snprintf(ip, sizeof ip, "%s", request_ip(r));
	if (inet_pton(AF_INET6, ip, a) == 1) {
		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, ip, sizeof ip);
		strcat(ip, "/64");
	}
	snprintf(k->account, sizeof k->account, "u:%s", name);
	snprintf(k->address, sizeof k->address, "ip:%s", ip);
	snprintf(k->pair, sizeof k->pair, "p:%s|%s", name, ip);
	snprintf(k->success, sizeof k->success, "ok:%s", name);
}

void login_count_failure(struct request *r, const char *username)
{
	struct login_keys k;
	login_keys_of(r, username, &k);
	int64_t now = clock_now();
	ratelimit_count(k.account, LOGIN_FAILURE_WINDOW, now);
	ratelimit_count(k.address, LOGIN_FAILURE_WINDOW, now);
	ratelimit_count(k.pair, LOGIN_FAILURE_WINDOW, now);
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

/* The root organisation's path, where events about no organisation are placed. */
static const char *root_path(struct db *d, struct arena *a)
{
	const char *root = "/";
	struct db_stmt *s;
	if (db_prepare(d, &s, "SELECT path FROM orgs WHERE parent_id IS NULL", NULL) == 0) {
		if (db_step(s) == DB_ROW)
			root = arena_strdup(a, db_column_text(s, 0));
		db_finalize(s);
	}
	return root;
}

int login_audit(struct request *r, const char *action, const char *username, int64_t user_id, const char *org_path,
                const char *reason)
{
	if (!org_path)
		org_path = root_path(r->db, r->arena);
	struct audit_context ctx = audit_context_of(r);
	ctx.actor = username;
	ctx.actor_id = user_id;
	json_t *detail = reason ? json_pack("{s:s}", "reason", reason) : NULL;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = audit_append(r->db, &ctx, action, "user", arena_printf(r->arena, "%lld", (long long)user_id),
		                  org_path, detail);
	json_decref(detail);
	if (rc < 0) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

bool login_refuse_if_throttled(struct request *r, const char *username, int64_t user_id, const char *org_path,
                               bool logging_in)
{
	struct login_keys k;
	login_keys_of(r, username, &k);
	int64_t now = clock_now();
	const char *key = k.address, *reason = "too many failures from this address";
	int64_t wait = ratelimit_blocked(k.address, LOGIN_MAX_FAILURES_PER_ADDRESS, now);
	if (!wait) {
		int64_t account = ratelimit_blocked(k.account, LOGIN_MAX_FAILURES, now);
		int64_t pair = account ? ratelimit_blocked(k.pair, 1, now) : 0;
		/* Blocked while both hold: until the first of the two windows ends. */
		wait = pair < account ? pair : account;
		key = k.pair;
		reason = "too many failures for this account, some from this address";
	}
	if (!wait && (wait = ratelimit_blocked(k.account, LOGIN_MAX_FAILURES_PER_ACCOUNT, now)) != 0) {
		if (ratelimit_remembered(k.pair, now - LOGIN_KNOWN_ADDRESS_DAYS * 86400))
			wait = 0;
		key = k.account;
		reason = "too many failures for this account from all addresses";
	}
	if (!wait && logging_in) {
		wait = ratelimit_blocked(k.success, logins_per_minute(), now);
		key = k.success;
		reason = "too many logins in a minute";
	}
	if (!wait)
		return false;
	if (ratelimit_refused(key, now + wait, now) == 1) {
		int rc = login_audit(r, "session.login_blocked", username, user_id, org_path, reason);
		if (rc < 0) {
			reply_db_error(r, rc);
			return true;
		}
	}
	r->retry_after = wait;
	if (wait < 60)
		reply_error(r, 429, "too_many_attempts", NULL,
		            "尝试过于频繁,请 %lld 秒后再试 (too many attempts; try again in %lld seconds)",
		            (long long)wait, (long long)wait);
	else
		reply_error(r, 429, "too_many_attempts", NULL,
		            "登录失败次数过多,请 %lld 分钟后再试 (too many failed logins; try again in %lld minutes)",
		            (long long)(wait + 59) / 60, (long long)(wait + 59) / 60);
	return true;
}

static json_t *me_json(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT u.username, u.display_name, u.role, o.code, o.name, o.kind, u.duty_admin FROM users u"
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
		json_object_set_new(user, "duty_admin", json_boolean(db_column_int64(s, 6)));
	}
	db_finalize(s);
	/* What the user's organisation runs (org_duties): the console shows the menus it can use. */
	json_t *duties = json_array();
	if (user && db_prepare(r->db, &s,
	                       "SELECT d.duty FROM org_duties d JOIN users u ON u.org_id = d.org_id WHERE u.id = ?"
	                       " ORDER BY d.duty",
	                       "i", r->who.user_id) == 0) {
		while (db_step(s) == DB_ROW)
			json_array_append_new(duties, json_string(db_column_text(s, 0)));
		db_finalize(s);
	}
	json_object_set_new(json_object_get(user, "org"), "duties", duties);
	/* The official the user is (一线考核), or null: the console opens their own page (我的一线) with it. */
	int64_t official = 0;
	if (user && db_query_int64(r->db, &official, "SELECT coalesce(max(id), 0) FROM officials WHERE user_id = ?",
	                           "i", r->who.user_id) < 0)
		official = 0;
	if (user)
		json_object_set_new(user, "official", official ? json_integer(official) : json_null());
	return user;
}

/* A login in progress: what session_login() found, and the password check. */
struct login {
	const char *username;
	struct login_user user;
	struct pwhash_job check;
};

/*
** A hash made with other limits than today's is replaced by the one just
** made, audited.  Done as soon as the password holds, before any second
** step, so that users with a second factor are rehashed too.
*/
static int login_rehash(struct request *r, const struct login *l)
{
	struct audit_context ctx = audit_context_of(r);
	ctx.actor = l->username;
	ctx.actor_id = l->user.id;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "UPDATE users SET password_hash = ? WHERE id = ?", "ti", l->check.new_hash,
		            l->user.id);
	if (rc == 0)
		rc = audit_append(r->db, &ctx, "user.password_rehash", "user",
		                  arena_printf(r->arena, "%lld", (long long)l->user.id), l->user.org_path, NULL);
	if (rc < 0) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

/* The password held (and any second step passed): open a session. */
static void login_open_session(struct request *r, struct login *l)
{
	char token[65], csrf[65];
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = session_open(r, l->user.id, l->username, l->user.org_path, NULL, token, csrf);
	if (db_finish_or_reply(r, rc))
		session_reply(r, l->user.id, l->user.org_path, token, csrf, NULL);
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
	if (rc == 0) {
		/* An address the user logs in from stays open to them when the account is under attack. */
		struct login_keys k;
		login_keys_of(r, username, &k);
		ratelimit_remember(k.pair, clock_now());
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
	auth_set_session_cookie(r, token, SESSION_LIFETIME);
	json_t *body = json_pack("{s:o, s:s}", "user", user, "csrf_token", csrf);
	if (extra)
		json_object_update(body, extra);
	json_decref(extra);
	reply_json(r, 200, body);
}

/* The password was checked on the hashing threads: answer the login. */
static void login_checked(struct request *r, void *arg)
{
	struct login *l = arg;
	int rc;
	if (!l->check.verified) {
		login_count_failure(r, l->username);
		rc = login_audit(r, "session.login_failed", l->username, l->user.id, l->user.org_path,
		                 l->user.hash ? "wrong password" : "unknown user");
		if (rc < 0)
			reply_db_error(r, rc);
		else
			reply_error(r, 401, "wrong_credentials", NULL, "用户名或密码错误 (wrong username or password)");
		return;
	}
	if (l->user.disabled) {
		rc = login_audit(r, "session.login_failed", l->username, l->user.id, l->user.org_path, "disabled");
		if (rc < 0)
			reply_db_error(r, rc);
		else
			reply_error(r, 403, "account_disabled", NULL, "账号已停用,请联系管理员 (account disabled)");
		return;
	}
	/* The password held: counted here, where the hash was paid for, whatever step follows. */
	struct login_keys k;
	login_keys_of(r, l->username, &k);
	ratelimit_clear(k.pair);
	ratelimit_count(k.success, LOGIN_SUCCESS_WINDOW, clock_now());
	if (l->check.hashed && (rc = login_rehash(r, l)) < 0) {
		reply_db_error(r, rc);
		return;
	}
	/* Second step (src/org/totp.c): a user who must or chose to use a second
	** factor is answered a challenge instead of a session. */
	if (totp_challenge_or_pass(r, l->user.id, l->username, l->user.org_path))
		return;
	login_open_session(r, l);
}

/*
** ROUTE: POST /api/v1/session
** AUTH: public
** SUMMARY: 登录 Log in
** Body: {"username","password"}.  Sets the session cookie (HttpOnly,
** SameSite=Strict) and returns {"user":{...},"csrf_token":"..."}; send the
** token as X-CSRF-Token on every state-changing request.  Repeated failures
** answer 429 (see the top of this file); too many password checks at once 503.
*/
void session_login(struct request *r)
{
	static const char *const fields[] = {"username", "password", NULL};
	struct login *l = arena_alloc(r->arena, sizeof *l);
	const char *password;
	if (!l) {
		reply_error(r, 503, "busy", NULL, "内存不足 (out of memory)");
		return;
	}
	if (!body_only(r, fields) || !body_string(r, "username", FIELD_REQUIRED, 64, &l->username) ||
	    !body_string(r, "password", FIELD_REQUIRED, 256, &password))
		return;
	int rc = login_lookup(r, l->username, &l->user);
	if (rc < 0 && rc != DB_DONE) {
		reply_db_error(r, rc);
		return;
	}
	if (login_refuse_if_throttled(r, l->username, l->user.id, l->user.org_path, true))
		return;
	l->check = (struct pwhash_job){.stored = l->user.hash, .password = password, .rehash = true};
	pwhash_run(r, &l->check, login_checked, l);
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
	auth_set_session_cookie(r, "", 0);
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

/* ---- refused attempts, summed up -------------------------------------- */

enum { REFUSALS_TICK = 10, REFUSALS_BATCH = 64 };

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stopping;
	struct db *db;
} refusals = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

/* Audit the refusals of the blocks that have ended (all of them with `all`), one row each. */
static int refusals_write(struct db *d, bool all)
{
	struct ratelimit_refusals batch[REFUSALS_BATCH];
	struct arena *a = arena_new();
	if (!a)
		return -1;
	const char *root = root_path(d, a);
	struct audit_context ctx = audit_context_shell();
	ctx.actor = "system";
	int rc = 0;
	size_t n;
	while (rc == 0 && (n = ratelimit_refusals_take(clock_now(), all, batch, REFUSALS_BATCH)) > 0) {
		rc = db_begin(d);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char from[32], to[32];
			clock_format_iso(batch[i].first_at, from);
			clock_format_iso(batch[i].last_at, to);
			json_t *detail =
			    json_pack("{s:i, s:s, s:s}", "refused", batch[i].count, "from", from, "to", to);
			rc = audit_append(d, &ctx, "session.login_refused", "throttle", batch[i].key, root, detail);
			json_decref(detail);
		}
		if (rc == 0)
			rc = db_commit(d);
		else
			db_rollback(d);
		if (rc < 0)
			log_error("cannot audit refused logins: %s", db_errmsg(d));
	}
	arena_free(a);
	return rc;
}

static void *refusals_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&refusals.lock);
	while (!refusals.stopping) {
		pthread_mutex_unlock(&refusals.lock);
		refusals_write(refusals.db, false);
		pthread_mutex_lock(&refusals.lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += REFUSALS_TICK;
		if (!refusals.stopping)
			pthread_cond_timedwait(&refusals.wake, &refusals.lock, &until);
	}
	pthread_mutex_unlock(&refusals.lock);
	return NULL;
}

/*
** SERVICE: logins
** SUMMARY: 登录拒绝汇总 Audits how many logins each throttle block refused, once the block has ended
** Looks every 10 s; at stop, every count not yet written is written.
*/
int login_service(enum service_phase phase, const char *db_path)
{
	if (phase == SERVICE_DEMO)
		return 0;
	if (phase == SERVICE_STOP) {
		if (!refusals.running)
			return 0;
		pthread_mutex_lock(&refusals.lock);
		refusals.stopping = true;
		pthread_cond_signal(&refusals.wake);
		pthread_mutex_unlock(&refusals.lock);
		pthread_join(refusals.thread, NULL);
		refusals_write(refusals.db, true);
		db_close(refusals.db);
		refusals.db = NULL;
		refusals.running = refusals.stopping = false;
		return 0;
	}
	if (db_open(db_path, &refusals.db) < 0)
		return -1;
	if (pthread_create(&refusals.thread, NULL, refusals_main, NULL) != 0) {
		db_close(refusals.db);
		refusals.db = NULL;
		return -1;
	}
	refusals.running = true;
	return 0;
}
