/*
** The second factor: time-based one-time passwords (TOTP, RFC 6238: HMAC-SHA1,
** six digits, 30-second steps, one step either side for clocks that drift),
** with single-use recovery codes (GB/T 22239-2019 8.1.4.1 d).
**
** Logging in with one takes two requests.  The password (POST /api/v1/session)
** of a user who must use a second factor, or has enrolled one, answers a
** challenge: a token good for CHALLENGE_LIFETIME seconds, and, when the user
** has no confirmed factor yet, a new key to enrol.  The code (or a recovery
** code) with the challenge opens the session (POST /api/v1/session/second-factor);
** the first code also confirms the enrolment and is answered the recovery codes.
**
** A code is accepted once: its step must be newer than the last accepted one,
** so a code seen over a shoulder or in a log is refused within its window.
** Wrong codes count against the account like wrong passwords.
**
** Which roles must use one is the serve option --second-factor (by default the
** three administrators and leaders); anyone may enrol from the console's
** 账号安全 page, and then must use it too.  A security administrator resets a
** lost factor; the user enrols again at the next login.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>
#include <sodium.h>

#include "core/clock.h"
#include "http/auth.h"
#include "org/org.h"

enum {
	TOTP_STEP = 30,
	TOTP_DIGITS = 6,
	TOTP_KEY_BYTES = 20, /* 160 bits, the length of HMAC-SHA1's output, as RFC 4226 recommends */
	CHALLENGE_LIFETIME = 300,
	RECOVERY_CODES = 10,
	RECOVERY_CODE_BYTES = 5, /* 40 random bits: ten characters of base32 */
};

static const char issuer[] = "banyan";

uint32_t totp_code(const uint8_t *key, size_t key_len, uint64_t step, int digits)
{
	uint8_t counter[8], mac[SHA1_DIGEST_SIZE];
	for (int i = 7; i >= 0; i--, step >>= 8)
		counter[i] = (uint8_t)step;
	struct hmac_sha1_ctx ctx;
	hmac_sha1_set_key(&ctx, key_len, key);
	hmac_sha1_update(&ctx, sizeof counter, counter);
	hmac_sha1_digest(&ctx, sizeof mac, mac);
	/* RFC 4226 5.3, dynamic truncation. */
	int offset = mac[sizeof mac - 1] & 0x0f;
	uint32_t bin = (uint32_t)(mac[offset] & 0x7f) << 24 | (uint32_t)mac[offset + 1] << 16 |
	               (uint32_t)mac[offset + 2] << 8 | (uint32_t)mac[offset + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	return bin % mod;
}

void totp_base32(const uint8_t *data, size_t len, char *out)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint32_t buffer = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		buffer = buffer << 8 | data[i];
		bits += 8;
		while (bits >= 5) {
			*out++ = alphabet[(buffer >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		*out++ = alphabet[(buffer << (5 - bits)) & 31];
	*out = 0;
}

/* ---- which roles must use a second factor ---------------------------- */

static bool required[ROLE_COUNT];

int totp_require_roles(const char *list)
{
	bool want[ROLE_COUNT] = {0};
	if (strcmp(list, "none") != 0) {
		char copy[256];
		snprintf(copy, sizeof copy, "%s", list);
		for (char *save, *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
			enum role role = role_from_name(name);
			if (!role_is_for_people(role))
				return -1;
			want[role] = true;
		}
	}
	memcpy(required, want, sizeof required);
	return 0;
}

bool totp_role_required(enum role role)
{
	return required[role];
}

/* ---- the factor's rows ------------------------------------------------ */

struct factor {
	uint8_t key[TOTP_KEY_BYTES];
	bool present, confirmed;
	int64_t last_step;
};

static int factor_load(struct request *r, int64_t user_id, struct factor *ret)
{
	struct db_stmt *s;
	*ret = (struct factor){0};
	int rc = db_prepare(r->db, &s, "SELECT secret, confirmed_at, last_step FROM second_factors WHERE user_id = ?",
	                    "i", user_id);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		size_t n;
		const void *key = db_column_blob(s, 0, &n);
		if (n == sizeof ret->key) {
			memcpy(ret->key, key, n);
			ret->present = true;
			ret->confirmed = !db_column_is_null(s, 1);
			ret->last_step = db_column_int64(s, 2);
		}
	}
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/* A new key for user_id, replacing an unconfirmed one; *ret_enrolment gets the key and the otpauth:// URI. */
static int factor_begin(struct request *r, int64_t user_id, const char *username, json_t **ret_enrolment)
{
	uint8_t key[TOTP_KEY_BYTES];
	char b32[TOTP_KEY_BYTES * 8 / 5 + 2];
	randombytes_buf(key, sizeof key);
	totp_base32(key, sizeof key, b32);
	int rc = db_run(r->db, "DELETE FROM second_factors WHERE user_id = ?", "i", user_id);
	if (rc == 0)
		rc = db_run(r->db, "INSERT INTO second_factors(user_id, secret, created_at) VALUES (?,?,?)", "ibi",
		            user_id, key, sizeof key, clock_now());
	sodium_memzero(key, sizeof key);
	if (rc == 0) {
		/* Usernames are [a-z0-9_.-]: nothing in the URI needs escaping. */
		const char *uri = arena_printf(
		    r->arena, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d&period=%d", issuer,
		    username, b32, issuer, TOTP_DIGITS, TOTP_STEP);
		*ret_enrolment = json_pack("{s:s, s:s}", "secret", b32, "otpauth_uri", uri);
	}
	return rc;
}

/*
** Check a six-digit code against the factor at now.  Returns the step it
** matched (newer than the last accepted), 0 for no match, or -1 for a code
** already used (its step not newer than the last accepted).
*/
static int64_t factor_match(const struct factor *f, const char *code, int64_t now)
{
	if (strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return 0;
	uint32_t want = (uint32_t)strtoul(code, NULL, 10);
	int64_t step = now / TOTP_STEP;
	for (int64_t s = step - 1; s <= step + 1; s++)
		if (s > 0 && totp_code(f->key, sizeof f->key, (uint64_t)s, TOTP_DIGITS) == want)
			return s > f->last_step ? s : -1;
	return 0;
}

static void recovery_hash(const char *code, unsigned char out[crypto_hash_sha256_BYTES])
{
	/* As typed: case and dashes do not matter. */
	char norm[32];
	size_t n = 0;
	for (const char *p = code; *p && n + 1 < sizeof norm; p++)
		if (*p != '-' && *p != ' ')
			norm[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	norm[n] = 0;
	crypto_hash_sha256(out, (const unsigned char *)norm, n);
}

/* Confirm the factor with the step its first code matched and issue new recovery codes into *ret_codes. */
static int factor_confirm(struct request *r, int64_t user_id, int64_t step, const char *org_path, json_t **ret_codes)
{
	int64_t now = clock_now();
	int rc = db_run(r->db, "UPDATE second_factors SET confirmed_at = ?, last_step = ? WHERE user_id = ?", "iii",
	                now, step, user_id);
	if (rc == 0)
		rc = db_run(r->db, "DELETE FROM recovery_codes WHERE user_id = ?", "i", user_id);
	json_t *codes = json_array();
	for (int i = 0; rc == 0 && i < RECOVERY_CODES; i++) {
		uint8_t raw[RECOVERY_CODE_BYTES];
		char b32[RECOVERY_CODE_BYTES * 8 / 5 + 1], shown[16];
		unsigned char hash[crypto_hash_sha256_BYTES];
		randombytes_buf(raw, sizeof raw);
		totp_base32(raw, sizeof raw, b32);
		snprintf(shown, sizeof shown, "%.5s-%.5s", b32, b32 + 5);
		recovery_hash(shown, hash);
		rc = db_run(r->db, "INSERT INTO recovery_codes(user_id, code_hash) VALUES (?,?)", "ib", user_id, hash,
		            sizeof hash);
		json_array_append_new(codes, json_string(shown));
	}
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		rc = audit_append(r->db, &ctx, "user.second_factor_enrol", "user",
		                  arena_printf(r->arena, "%lld", (long long)user_id), org_path, NULL);
	}
	if (rc < 0)
		json_decref(codes);
	else
		*ret_codes = codes;
	return rc;
}

static int64_t recovery_lookup(struct request *r, int64_t user_id, const char *code)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	recovery_hash(code, hash);
	int64_t id = 0;
	int rc = db_query_int64(r->db, &id,
	                        "SELECT id FROM recovery_codes WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
	                        "ib", user_id, hash, sizeof hash);
	return rc < 0 && rc != DB_DONE ? rc : id;
}

static void throttle_key(int64_t user_id, char out[32])
{
	snprintf(out, 32, "2fa:%lld", (long long)user_id);
}

/* Count a wrong code: they share the wrong passwords' limit, under a key of their own. */
static void count_wrong_code(const char *key)
{
	ratelimit_count(key, LOGIN_FAILURE_WINDOW, clock_now());
}

/* Answer 429 and return true while the account's wrong codes are over the limit. */
static bool throttled(struct request *r, const char *key)
{
	int64_t wait = ratelimit_blocked(key, LOGIN_MAX_FAILURES, clock_now());
	if (!wait)
		return false;
	r->retry_after = wait;
	reply_error(r, 429, "too_many_attempts", NULL,
	            "验证码错误次数过多,请 %lld 分钟后再试 (too many wrong codes; try again in %lld minutes)",
	            (long long)(wait + 59) / 60, (long long)(wait + 59) / 60);
	return true;
}

/* ---- the login's second step ------------------------------------------ */

bool totp_challenge_or_pass(struct request *r, int64_t user_id, const char *username, const char *org_path)
{
	struct factor f;
	enum role role = ROLE_NONE;
	struct db_stmt *s = NULL;
	int rc = factor_load(r, user_id, &f);
	if (rc == 0)
		rc = db_prepare(r->db, &s, "SELECT role FROM users WHERE id = ?", "i", user_id);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		role = role_from_name(db_column_text(s, 0));
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return true;
	}
	if (!required[role] && !f.confirmed)
		return false;

	char token[65];
	unsigned char hash[crypto_hash_sha256_BYTES];
	auth_random_hex(token, 32);
	crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
	int64_t now = clock_now();
	json_t *enrolment = NULL;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "DELETE FROM login_challenges WHERE expires_at <= ?", "i", now);
	if (rc == 0)
		rc = db_run(r->db, "INSERT INTO login_challenges(token_hash, user_id, expires_at) VALUES (?,?,?)",
		            "bii", hash, sizeof hash, user_id, now + CHALLENGE_LIFETIME);
	if (rc == 0 && !f.confirmed)
		rc = factor_begin(r, user_id, username, &enrolment);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		ctx.actor = username;
		ctx.actor_id = user_id;
		json_t *detail = json_pack("{s:b}", "enrolment", !f.confirmed);
		rc = audit_append(r->db, &ctx, "session.challenge", "user",
		                  arena_printf(r->arena, "%lld", (long long)user_id), org_path, detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc)) {
		json_decref(enrolment);
		return true;
	}
	reply_json(r, 200,
	           json_pack("{s:b, s:s, s:b, s:o*}", "second_factor_required", 1, "challenge", token, "enrolled",
	                     f.confirmed, "enrolment", enrolment));
	return true;
}

struct challenge {
	int64_t id, user_id;
	const char *username, *org_path;
	bool disabled;
};

static int challenge_load(struct request *r, const char *token, struct challenge *ret)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT c.id, u.id, u.username, o.path, u.disabled FROM login_challenges c"
	                    " JOIN users u ON u.id = c.user_id JOIN orgs o ON o.id = u.org_id"
	                    " WHERE c.token_hash = ? AND c.expires_at > ?",
	                    "bi", hash, sizeof hash, clock_now());
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		ret->id = db_column_int64(s, 0);
		ret->user_id = db_column_int64(s, 1);
		ret->username = arena_strdup(r->arena, db_column_text(s, 2));
		ret->org_path = arena_strdup(r->arena, db_column_text(s, 3));
		ret->disabled = db_column_int64(s, 4) != 0;
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

/* Count a wrong code against the account, audit it and answer 401. */
static void wrong_code(struct request *r, const char *key, const struct challenge *c, const char *reason, bool used)
{
	count_wrong_code(key);
	int rc = login_audit(r, "session.second_factor_failed", c->username, c->user_id, c->org_path, reason);
	if (rc < 0)
		reply_db_error(r, rc);
	else if (used)
		reply_error(r, 401, "code_used", "code",
		            "该验证码已使用过,请等待下一个验证码 (code already used; wait for the next one)");
	else
		reply_error(r, 401, "wrong_code", "code", "验证码错误 (wrong code)");
}

/*
** ROUTE: POST /api/v1/session/second-factor
** AUTH: public
** SUMMARY: 登录第二步:动态验证码 Log in, second step: the one-time code
** Body: {"challenge","code"} (six digits from the authenticator) or
** {"challenge","recovery_code"}.  Answers as POST /api/v1/session does, and,
** when the code confirmed a new enrolment, also "recovery_codes" (shown once).
** 401 challenge_expired (log in again), wrong_code, code_used (a code is
** accepted once); 429 after repeated wrong codes.
*/
void totp_login(struct request *r)
{
	static const char *const fields[] = {"challenge", "code", "recovery_code", NULL};
	const char *token, *code, *recovery;
	if (!body_only(r, fields) || !body_string(r, "challenge", FIELD_REQUIRED, 64, &token) ||
	    !body_string(r, "code", FIELD_OPTIONAL, 16, &code) ||
	    !body_string(r, "recovery_code", FIELD_OPTIONAL, 32, &recovery))
		return;
	if (!code == !recovery) {
		reply_error(r, 422, "invalid_value", "code",
		            "请填写动态验证码或恢复码之一 (give either code or recovery_code)");
		return;
	}
	struct challenge c = {0};
	int rc = challenge_load(r, token, &c);
	if (rc == DB_DONE) {
		reply_error(r, 401, "challenge_expired", "challenge",
		            "登录已超时,请重新输入密码 (the login expired: enter the password again)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	char key[32];
	throttle_key(c.user_id, key);
	if (throttled(r, key))
		return;
	if (c.disabled) {
		reply_error(r, 403, "account_disabled", NULL, "账号已停用,请联系管理员 (account disabled)");
		return;
	}
	struct factor f;
	if ((rc = factor_load(r, c.user_id, &f)) < 0) {
		reply_db_error(r, rc);
		return;
	}
	int64_t now = clock_now(), step = 0, recovery_id = 0;
	if (code) {
		step = f.present ? factor_match(&f, code, now) : 0;
		if (step <= 0) {
			wrong_code(r, key, &c, step < 0 ? "code used" : "wrong code", step < 0);
			return;
		}
	} else {
		recovery_id = f.confirmed ? recovery_lookup(r, c.user_id, recovery) : 0;
		if (recovery_id < 0) {
			reply_db_error(r, (int)recovery_id);
			return;
		}
		if (!recovery_id) {
			wrong_code(r, key, &c, "wrong recovery code", false);
			return;
		}
	}
	ratelimit_clear(key);

	json_t *codes = NULL;
	char session_token[65], csrf[65];
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "DELETE FROM login_challenges WHERE id = ?", "i", c.id);
	/* The guards on used_at and last_step hold against two requests racing with one code. */
	if (rc == 0 && (recovery_id || f.confirmed)) {
		rc = recovery_id
		         ? db_run(r->db, "UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", "ii",
		                  now, recovery_id)
		         : db_run(r->db, "UPDATE second_factors SET last_step = ? WHERE user_id = ? AND last_step < ?",
		                  "iii", step, c.user_id, step);
		if (rc == 0 && db_changes(r->db) == 0)
			rc = DB_CONSTRAINT;
	} else if (rc == 0) {
		rc = factor_confirm(r, c.user_id, step, c.org_path, &codes);
	}
	if (rc == 0) {
		json_t *detail = json_pack("{s:s}", "second_factor", recovery_id ? "recovery_code" : "totp");
		rc = session_open(r, c.user_id, c.username, c.org_path, detail, session_token, csrf);
		json_decref(detail);
	}
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		json_decref(codes);
		wrong_code(r, key, &c, "code used", true);
		return;
	}
	if (!db_finish_or_reply(r, rc)) {
		json_decref(codes);
		return;
	}
	session_reply(r, c.user_id, c.org_path, session_token, csrf,
	              codes ? json_pack("{s:o}", "recovery_codes", codes) : NULL);
}

/* ---- the user's own page (账号安全) ------------------------------------ */

/*
** ROUTE: GET /api/v1/me/second-factor
** AUTH: admin,security,auditor,leader,officer,agent,department,enterprise,merchant
** SUMMARY: 本人第二因素状态 One's own second factor
** {"enrolled","required" (by role),"recovery_codes_left"}.
*/
void totp_status(struct request *r)
{
	struct factor f;
	int64_t left = 0;
	int rc = factor_load(r, r->who.user_id, &f);
	if (rc == 0)
		rc = db_query_int64(r->db, &left,
		                    "SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", "i",
		                    r->who.user_id);
	reply_json_or_db_error(r, rc,
	                       json_pack("{s:b, s:b, s:I}", "enrolled", f.confirmed, "required", required[r->who.role],
	                                 "recovery_codes_left", (json_int_t)left));
}

/*
** ROUTE: POST /api/v1/me/second-factor
** AUTH: admin,security,auditor,leader,officer,agent,department,enterprise,merchant
** SUMMARY: 开始绑定动态验证码 Start enrolling a second factor
** Answers 201 {"secret" (base32),"otpauth_uri"} for the authenticator app;
** the enrolment counts once POST /api/v1/me/second-factor/confirm has a
** code from it.  409 already_enrolled when a factor is confirmed (a security
** administrator resets it).
*/
void totp_enrol(struct request *r)
{
	struct factor f;
	int rc = factor_load(r, r->who.user_id, &f);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (f.confirmed) {
		reply_error(r, 409, "already_enrolled", NULL,
		            "已绑定动态验证码;如需更换请联系安全管理员重置 (already enrolled; a security administrator "
		            "can reset it)");
		return;
	}
	json_t *enrolment = NULL;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = factor_begin(r, r->who.user_id, r->who.name, &enrolment);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		rc = audit_append(r->db, &ctx, "user.second_factor_begin", "user",
		                  arena_printf(r->arena, "%lld", (long long)r->who.user_id), r->who.org_path, NULL);
	}
	if (!db_finish_or_reply(r, rc)) {
		json_decref(enrolment);
		return;
	}
	reply_json(r, 201, enrolment);
}

/*
** ROUTE: POST /api/v1/me/second-factor/confirm
** AUTH: admin,security,auditor,leader,officer,agent,department,enterprise,merchant
** SUMMARY: 确认绑定动态验证码 Confirm the enrolment with a first code
** Body: {"code"}.  Answers {"recovery_codes":[...]}, ten single-use codes
** shown this once.  409 when nothing is being enrolled; 422 wrong_code.
*/
void totp_confirm(struct request *r)
{
	static const char *const fields[] = {"code", NULL};
	const char *code;
	if (!body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 16, &code))
		return;
	char key[32];
	throttle_key(r->who.user_id, key);
	if (throttled(r, key))
		return;
	struct factor f;
	int rc = factor_load(r, r->who.user_id, &f);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!f.present || f.confirmed) {
		reply_error(r, 409, f.confirmed ? "already_enrolled" : "not_enrolling", NULL,
		            "没有待确认的绑定,请先开始绑定 (no enrolment to confirm: start one first)");
		return;
	}
	int64_t step = factor_match(&f, code, clock_now());
	if (step <= 0) {
		count_wrong_code(key);
		reply_error(r, 422, "wrong_code", "code", "验证码错误 (wrong code)");
		return;
	}
	ratelimit_clear(key);
	json_t *codes = NULL;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = factor_confirm(r, r->who.user_id, step, r->who.org_path, &codes);
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:o}", "recovery_codes", codes));
	else
		json_decref(codes);
}

int second_factor_remove(struct db *d, int64_t user_id)
{
	int rc = db_run(d, "DELETE FROM second_factors WHERE user_id = ?", "i", user_id);
	if (rc == 0)
		rc = db_run(d, "DELETE FROM recovery_codes WHERE user_id = ?", "i", user_id);
	if (rc == 0)
		rc = login_challenges_end(d, user_id);
	return rc;
}

int login_challenges_end(struct db *d, int64_t user_id)
{
	return db_run(d, "DELETE FROM login_challenges WHERE user_id = ?", "i", user_id);
}

/*
** ROUTE: DELETE /api/v1/users/{id}/second-factor
** AUTH: security
** SUMMARY: 重置用户的动态验证码 Reset a user's second factor
** For a lost phone: removes the user's factor, recovery codes and pending
** logins; the user enrols again at the next login.  Within the security
** administrator's scope; not for the security and audit administrators'
** accounts nor the roles that must use a second factor (the operator's, from
** the shell).
*/
void totp_reset(struct request *r)
{
	int64_t id;
	const char *path;
	if (!user_target_or_reply(r, &id, &path))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = second_factor_remove(r->db, id);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		rc = audit_append(r->db, &ctx, "user.second_factor_reset", "user",
		                  arena_printf(r->arena, "%lld", (long long)id), path, NULL);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
