/*
** Authentication: sessions, API-key signatures, roles, failed-login throttle.
*/
#include "http/auth.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <sodium.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/strmap.h"

static const struct {
	const char *name, *label_zh;
} roles[ROLE_COUNT] = {
    [ROLE_NONE] = {"none", "未登录"},           [ROLE_ADMIN] = {"admin", "系统管理员"},
    [ROLE_SECURITY] = {"security", "安全管理员"}, [ROLE_AUDITOR] = {"auditor", "审计管理员"},
    [ROLE_LEADER] = {"leader", "领导"},         [ROLE_OFFICER] = {"officer", "招商专员"},
    [ROLE_AGENT] = {"agent", "代办员"},         [ROLE_DEPARTMENT] = {"department", "审批部门"},
    [ROLE_ENTERPRISE] = {"enterprise", "企业"}, [ROLE_MERCHANT] = {"merchant", "商户"},
    [ROLE_CHANNEL] = {"channel", "支付渠道"},
};

enum role role_from_name(const char *name)
{
	for (int i = ROLE_NONE + 1; name && i < ROLE_COUNT; i++)
		if (strcmp(roles[i].name, name) == 0)
			return (enum role)i;
	return ROLE_NONE;
}

const char *role_name(enum role role)
{
	return role >= 0 && role < ROLE_COUNT ? roles[role].name : "none";
}

bool role_is_for_people(enum role role)
{
	return role != ROLE_NONE && role != ROLE_CHANNEL;
}

const char *role_label_zh(enum role role)
{
	return role >= 0 && role < ROLE_COUNT ? roles[role].label_zh : "";
}

void auth_random_hex(char *out, size_t n_bytes)
{
	unsigned char raw[64];
	if (n_bytes > sizeof raw)
		n_bytes = sizeof raw;
	randombytes_buf(raw, n_bytes);
	sodium_bin2hex(out, n_bytes * 2 + 1, raw, n_bytes);
}

static void token_hash(const char *token, unsigned char out[crypto_hash_sha256_BYTES])
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

int auth_session_create(struct db *d, int64_t user_id, char ret_token[65], char ret_csrf[65], int64_t *ret_session_id)
{
	char token[65], csrf[65];
	unsigned char hash[crypto_hash_sha256_BYTES];
	auth_random_hex(token, 32);
	auth_random_hex(csrf, 32);
	token_hash(token, hash);
	int64_t now = clock_now();
	int r = db_run(
	    d, "INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?,?,?,?,?)",
	    "bitii", hash, sizeof hash, user_id, csrf, now, now + SESSION_LIFETIME);
	if (r < 0)
		return r;
	memcpy(ret_token, token, sizeof token);
	memcpy(ret_csrf, csrf, sizeof csrf);
	*ret_session_id = db_last_insert_id(d);
	return 0;
}

int auth_session_delete(struct db *d, int64_t session_id)
{
	return db_run(d, "DELETE FROM sessions WHERE id = ?", "i", session_id);
}

int auth_apikey_create(struct db *d, int64_t org_id, const char *role, const char *name, char ret_key_id[32],
                       char ret_secret[65], int64_t *ret_id)
{
	char key_id[32] = "bk_", secret[65];
	auth_random_hex(key_id + 3, 12);
	auth_random_hex(secret, 32);
	int r = db_run(d, "INSERT INTO api_keys(key_id, secret, name, role, org_id, created_at) VALUES (?,?,?,?,?,?)",
	               "ttttii", key_id, secret, name, role, org_id, clock_now());
	if (r < 0)
		return r;
	memcpy(ret_key_id, key_id, sizeof key_id);
	memcpy(ret_secret, secret, sizeof secret);
	*ret_id = db_last_insert_id(d);
	return 0;
}

/* The signature with the key already absorbed into st (HMAC's inner and outer
** pads), so a cached key costs no key set-up per request.  The hashing is
** nettle's, which uses the CPU's SHA instructions where it has them (about
** five times libsodium's portable SHA-256 on this project's machines); it is
** already loaded, under GnuTLS under libmicrohttpd. */
static void signature_keyed(const struct hmac_sha256_ctx *keyed, const char *method, const char *path,
                            const char *timestamp, const char *nonce, const void *body, size_t body_len,
                            char ret_hex[65])
{
	unsigned char body_hash[SHA256_DIGEST_SIZE], mac[SHA256_DIGEST_SIZE];
	char body_hex[SHA256_DIGEST_SIZE * 2 + 1];
	struct sha256_ctx hash;
	sha256_init(&hash);
	sha256_update(&hash, body_len, body);
	sha256_digest(&hash, sizeof body_hash, body_hash);
	sodium_bin2hex(body_hex, sizeof body_hex, body_hash, sizeof body_hash);
	struct hmac_sha256_ctx st = *keyed;
	const char *parts[] = {method, path, timestamp, nonce, body_hex};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (i > 0)
			hmac_sha256_update(&st, 1, (const uint8_t *)"\n");
		hmac_sha256_update(&st, strlen(parts[i]), (const uint8_t *)parts[i]);
	}
	hmac_sha256_digest(&st, sizeof mac, mac);
	sodium_bin2hex(ret_hex, 65, mac, sizeof mac);
}

void auth_signature(const char *secret, const char *method, const char *path, const char *timestamp, const char *nonce,
                    const void *body, size_t body_len, char ret_hex[65])
{
	struct hmac_sha256_ctx keyed;
	hmac_sha256_set_key(&keyed, strlen(secret), (const uint8_t *)secret);
	signature_keyed(&keyed, method, path, timestamp, nonce, body, body_len, ret_hex);
}

/* Requests signed before this moment were signed for an earlier run of the
** server, whose nonces are forgotten: refuse them. */
static atomic_llong started_at;

void auth_set_started(int64_t now)
{
	atomic_store(&started_at, now);
}

static atomic_bool secure_cookies;

void auth_set_secure_cookies(bool on)
{
	atomic_store(&secure_cookies, on);
}

const char *auth_session_cookie_name(void)
{
	return atomic_load(&secure_cookies) ? SESSION_COOKIE_SECURE : SESSION_COOKIE;
}

void auth_set_session_cookie(struct request *r, const char *token, int max_age)
{
	r->set_cookie =
	    arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", auth_session_cookie_name(),
	                 token, max_age, atomic_load(&secure_cookies) ? "; Secure" : "");
}

static int unauthorized(struct request *r, const char *code, const char *message)
{
	reply_error(r, 401, code, NULL, "%s", message);
	return -1;
}

static int resolve_session(struct request *r, const char *token)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	struct db_stmt *s;
	token_hash(token, hash);
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT s.id, s.csrf_token, s.expires_at, u.id, u.username, u.role, u.disabled, o.id, o.code, o.path"
	    " FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id"
	    " WHERE s.token_hash = ?",
	    "b", hash, sizeof hash);
	if (rc < 0) {
		reply_db_error(r, rc);
		return -1;
	}
	rc = db_step(s);
	/* An unknown, expired or disabled session is simply no session: the
	** caller is anonymous and public routes still work (e.g. logging in again). */
	if (rc == DB_ROW && db_column_int64(s, 2) > clock_now() && !db_column_int64(s, 6)) {
		struct principal *p = &r->who;
		p->session_id = db_column_int64(s, 0);
		p->csrf_token = arena_strdup(r->arena, db_column_text(s, 1));
		p->user_id = db_column_int64(s, 3);
		p->name = arena_strdup(r->arena, db_column_text(s, 4));
		p->role = role_from_name(db_column_text(s, 5));
		p->org_id = db_column_int64(s, 7);
		p->org_code = arena_strdup(r->arena, db_column_text(s, 8));
		p->org_path = arena_strdup(r->arena, db_column_text(s, 9));
	}
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return -1;
	}
	return 0;
}

/*
** API keys, cached in memory: a claim storm signs every request, and the
** key behind it should not cost a query each time.  An entry is read again
** from the database when the keys' generation changed (`banyan apikey
** disable|rotate` bumps it in the server's lock file, or on PostgreSQL
** notifies every node, banyan_keys: the very next request sees the change)
** and, for changes made some other way, after KEY_CACHE_SECONDS.  Unknown
** keys are not cached: a flood of made-up key ids
** cannot grow the cache.
*/
enum { KEY_CACHE_SECONDS = 5 };

struct api_key {
	int64_t id, org_id, loaded_at;
	uint64_t generation;
	enum role role;
	bool disabled;
	struct hmac_sha256_ctx keyed; /* the secret absorbed, for signature_keyed() */
	char org_code[33], org_path[256];
};

static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct strmap *keys; /* key_id -> struct api_key * */
static const _Atomic uint64_t *keys_generation;
static _Atomic uint64_t keys_heard; /* changes notified through PostgreSQL */

void auth_apikey_watch(const _Atomic uint64_t *generation)
{
	keys_generation = generation;
}

void auth_apikeys_changed(void)
{
	atomic_fetch_add(&keys_heard, 1);
}

static int api_key_lookup(struct db *d, const char *key_id, int64_t now, struct api_key *ret)
{
	size_t n = strlen(key_id);
	uint64_t generation = (keys_generation ? atomic_load(keys_generation) : 0) + atomic_load(&keys_heard);
	pthread_mutex_lock(&keys_lock);
	uintptr_t *slot = keys ? strmap_get(keys, key_id, n) : NULL;
	struct api_key *cached = slot ? (struct api_key *)*slot : NULL;
	bool fresh = cached && cached->generation == generation && now - cached->loaded_at < KEY_CACHE_SECONDS;
	if (fresh)
		*ret = *cached;
	pthread_mutex_unlock(&keys_lock);
	if (fresh)
		return 0;

	struct db_stmt *s;
	struct api_key k = {.loaded_at = now, .generation = generation};
	int rc = db_prepare(d, &s,
	                    "SELECT k.id, k.secret, k.role, k.disabled, o.id, o.code, o.path"
	                    " FROM api_keys k JOIN orgs o ON o.id = k.org_id WHERE k.key_id = ?",
	                    "t", key_id);
	if (rc < 0)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		k.id = db_column_int64(s, 0);
		const char *secret = db_column_text(s, 1);
		hmac_sha256_set_key(&k.keyed, strlen(secret), (const uint8_t *)secret);
		k.role = role_from_name(db_column_text(s, 2));
		k.disabled = db_column_int64(s, 3) != 0;
		k.org_id = db_column_int64(s, 4);
		snprintf(k.org_code, sizeof k.org_code, "%s", db_column_text(s, 5));
		snprintf(k.org_path, sizeof k.org_path, "%s", db_column_text(s, 6));
	}
	db_finalize(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : DB_DONE;
	pthread_mutex_lock(&keys_lock);
	bool created;
	if (!keys)
		keys = strmap_new();
	slot = keys ? strmap_put(keys, key_id, n, &created) : NULL;
	if (slot && !*slot)
		*slot = (uintptr_t)malloc(sizeof k);
	if (slot && *slot)
		*(struct api_key *)*slot = k;
	pthread_mutex_unlock(&keys_lock);
	*ret = k;
	return 0;
}

static int resolve_api_key(struct request *r, const char *key_id)
{
	const char *ts = request_header(r, "X-Banyan-Timestamp");
	const char *nonce = request_header(r, "X-Banyan-Nonce");
	const char *sig = request_header(r, "X-Banyan-Signature");
	if (!ts || !nonce || !sig)
		return unauthorized(r, "signature_missing",
		                    "缺少签名头 X-Banyan-Timestamp/Nonce/Signature (signature headers missing)");
	char *end;
	errno = 0;
	long long when = strtoll(ts, &end, 10);
	int64_t now = clock_now();
	if (errno || *end || !*ts || llabs(when - now) > SIGNATURE_WINDOW || when < atomic_load(&started_at))
		return unauthorized(r, "signature_expired",
		                    "签名时间戳无效或已过期 (timestamp invalid or outside 300 s)");
	size_t nonce_len = strlen(nonce);
	if (nonce_len < 8 || nonce_len > 64)
		return unauthorized(r, "signature_invalid",
		                    "随机数长度应为 8 到 64 (nonce must be 8 to 64 characters)");

	struct api_key key;
	int rc = api_key_lookup(r->db, key_id, now, &key);
	if (rc < 0 && rc != DB_DONE) {
		reply_db_error(r, rc);
		return -1;
	}
	if (rc == DB_DONE || key.disabled)
		return unauthorized(r, "signature_invalid", "API 密钥无效 (unknown or disabled API key)");
	char expected[65];
	signature_keyed(&key.keyed, r->method, r->path, ts, nonce, r->body ? r->body : "", r->body_len, expected);
	if (strlen(sig) != 64 || sodium_memcmp(expected, sig, 64) != 0)
		return unauthorized(r, "signature_invalid", "签名错误 (signature does not match)");
	struct principal *p = &r->who;
	p->api_key_id = key.id;
	p->role = key.role;
	p->org_id = key.org_id;
	p->org_code = arena_strdup(r->arena, key.org_code);
	p->org_path = arena_strdup(r->arena, key.org_path);
	p->name = arena_printf(r->arena, "apikey:%s", key_id);

	/* The nonce is remembered only after the signature holds, so nobody can
	** burn a channel's nonces with unsigned requests. */
	bool shared = db_is_postgres(db_path(r->db));
	int seen =
	    shared ? nonce_remember_db(r->db, p->api_key_id, nonce, now) : nonce_remember(p->api_key_id, nonce, now);
	if (seen != 0) {
		memset(p, 0, sizeof *p);
		if (seen < 0 && shared) {
			reply_db_error(r, seen);
			return -1;
		}
		if (seen < 0) {
			reply_error(r, 503, "busy", NULL, "系统繁忙,请稍后重试 (out of memory, retry)");
			return -1;
		}
		return unauthorized(r, "signature_replayed", "请求已使用过 (nonce reused: replay refused)");
	}
	return 0;
}

int auth_resolve(struct request *r)
{
	const char *key = request_header(r, "X-Banyan-Key");
	if (key)
		return resolve_api_key(r, key);
	const char *token = request_cookie(r, auth_session_cookie_name());
	if (token && strlen(token) == 64)
		return resolve_session(r, token);
	return 0;
}

/* ---- login throttle --------------------------------------------------- */

/*
** A set-associative table: a key may sit in any of the THROTTLE_WAYS slots of
** its bucket, chosen by a keyed hash of it (the hash key is drawn at start,
** so nobody can choose keys that fall into a victim's bucket).  A newcomer to
** a full bucket takes the slot worth least: the most failures in a window
** still open are kept first, then refusals not yet reported, then the newer
** window.  A flood of keys with one failure each thus pushes out only keys
** with as few, never a key being guessed at: to push out one with n
** failures, every slot of its bucket must hold n or more, and a key's
** failures each cost a password hash.
*/
enum { THROTTLE_WAYS = 8, THROTTLE_BUCKETS = 2048, THROTTLE_SLOTS = THROTTLE_WAYS * THROTTLE_BUCKETS };

struct throttle_slot {
	char key[128];
	int count;
	int64_t first_at, window;
	/* Refused attempts not yet taken by ratelimit_refusals_take(). */
	int refused;
	int64_t refused_first, refused_last, refused_until;
};

static struct throttle_slot throttle[THROTTLE_SLOTS];
static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned char throttle_key[crypto_shorthash_KEYBYTES];
static bool throttle_key_set;

/* A keyed hash of key.  Caller holds throttle_lock. */
static uint64_t throttle_hash(const char *key)
{
	unsigned char h[crypto_shorthash_BYTES];
	if (!throttle_key_set) {
		randombytes_buf(throttle_key, sizeof throttle_key);
		throttle_key_set = true;
	}
	crypto_shorthash(h, (const unsigned char *)key, strlen(key), throttle_key);
	uint64_t v = 0;
	for (size_t i = 0; i < sizeof h; i++)
		v = v << 8 | h[i];
	return v;
}

/* The first of key's bucket's slots.  Caller holds throttle_lock. */
static struct throttle_slot *throttle_bucket(const char *key)
{
	return &throttle[throttle_hash(key) % THROTTLE_BUCKETS * THROTTLE_WAYS];
}

/* Key's slot, or NULL.  Caller holds throttle_lock. */
static struct throttle_slot *throttle_find(const char *key)
{
	struct throttle_slot *bucket = throttle_bucket(key);
	for (int i = 0; i < THROTTLE_WAYS; i++)
		if (strcmp(bucket[i].key, key) == 0)
			return &bucket[i];
	return NULL;
}

/* The failures a slot counts in a window still open. */
static int slot_count(const struct throttle_slot *s, int64_t now)
{
	return now - s->first_at < s->window ? s->count : 0;
}

/* Whether slot a is worth less than b (see above). */
static bool slot_worth_less(const struct throttle_slot *a, const struct throttle_slot *b, int64_t now)
{
	if (slot_count(a, now) != slot_count(b, now))
		return slot_count(a, now) < slot_count(b, now);
	if ((a->refused > 0) != (b->refused > 0))
		return a->refused == 0;
	return a->first_at < b->first_at;
}

/*
** Several nodes on one PostgreSQL database count failures together
** (ratelimit_share()): the counts and the known pairs are rows of
** `throttles` (one connection, under its own lock: a login costs a password
** hash anyway), so three nodes do not give a guesser three times the
** attempts.  The slots above still count too, for the refusals each node
** reports.  A query that fails counts as nothing: the login itself then
** meets the same database.
*/
static struct db *shared_db;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

void ratelimit_share(struct db *d)
{
	pthread_mutex_lock(&shared_lock);
	shared_db = d;
	pthread_mutex_unlock(&shared_lock);
}

/* Run sql on the shared connection with key and up to two numbers (as fmt says); *ret (if given) the first
** column of its row.  False when nothing is shared. */
static bool shared_run(const char *sql, const char *fmt, const char *key, int64_t a, int64_t b, int64_t *ret)
{
	pthread_mutex_lock(&shared_lock);
	bool shared = shared_db != NULL;
	if (shared) {
		int rc =
		    ret ? db_query_int64(shared_db, ret, sql, fmt, key, a, b) : db_run(shared_db, sql, fmt, key, a, b);
		if (rc < 0 && rc != DB_DONE)
			log_error("login throttle: %s", db_errmsg(shared_db));
	}
	pthread_mutex_unlock(&shared_lock);
	return shared;
}

int64_t ratelimit_blocked(const char *key, int max, int64_t now)
{
	int64_t wait = 0;
	if (shared_run("SELECT coalesce(max(first_at + window_s - ?3), 0) FROM throttles"
	               " WHERE name = ?1 AND count >= ?2 AND first_at + window_s > ?3",
	               "tii", key, max, now, &wait))
		return wait;
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *s = throttle_find(key);
	if (s && s->count >= max && now - s->first_at < s->window)
		wait = s->window - (now - s->first_at);
	pthread_mutex_unlock(&throttle_lock);
	return wait;
}

void ratelimit_count(const char *key, int64_t window, int64_t now)
{
	shared_run(
	    "INSERT INTO throttles(name, count, first_at, window_s) VALUES (?1, 1, ?2, ?3)"
	    " ON CONFLICT (name) DO UPDATE SET"
	    " count = CASE WHEN throttles.first_at + throttles.window_s <= ?2 THEN 1 ELSE throttles.count + 1 END,"
	    " first_at = CASE WHEN throttles.first_at + throttles.window_s <= ?2 THEN ?2 ELSE throttles.first_at END,"
	    " window_s = CASE WHEN throttles.first_at + throttles.window_s <= ?2 THEN ?3 ELSE throttles.window_s END",
	    "tii", key, now, window, NULL);
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *s = throttle_find(key);
	if (!s) {
		struct throttle_slot *bucket = throttle_bucket(key);
		s = &bucket[0];
		for (int i = 1; i < THROTTLE_WAYS; i++)
			if (slot_worth_less(&bucket[i], s, now))
				s = &bucket[i];
		memset(s, 0, sizeof *s);
		snprintf(s->key, sizeof s->key, "%s", key);
	}
	if (s->count == 0 || now - s->first_at >= s->window) {
		s->count = 0;
		s->first_at = now;
		s->window = window;
	}
	s->count++;
	pthread_mutex_unlock(&throttle_lock);
}

/*
** The (account, address) pairs that logged in lately: a keyed hash of each,
** in buckets as above, the oldest giving way.  Only a login adds one, so no
** stranger can push them out.
*/
enum { KNOWN_WAYS = 8, KNOWN_BUCKETS = 1024 };

static struct known_pair {
	uint64_t hash;
	int64_t at; /* 0: an empty slot */
} known[KNOWN_WAYS * KNOWN_BUCKETS];

void ratelimit_remember(const char *key, int64_t now)
{
	/* A known pair is a row named "known " + key, kept as long as it stays known. */
	shared_run("INSERT INTO throttles(name, count, first_at, window_s) VALUES ('known ' || ?1, 0, ?2, ?3)"
	           " ON CONFLICT (name) DO UPDATE SET first_at = ?2",
	           "tii", key, now, (int64_t)LOGIN_KNOWN_ADDRESS_DAYS * 86400, NULL);
	pthread_mutex_lock(&throttle_lock);
	uint64_t h = throttle_hash(key);
	struct known_pair *bucket = &known[h % KNOWN_BUCKETS * KNOWN_WAYS], *k = &bucket[0];
	for (int i = 0; i < KNOWN_WAYS; i++) {
		if (bucket[i].at && bucket[i].hash == h) {
			k = &bucket[i];
			break;
		}
		if (bucket[i].at < k->at)
			k = &bucket[i];
	}
	k->hash = h;
	k->at = now;
	pthread_mutex_unlock(&throttle_lock);
}

bool ratelimit_remembered(const char *key, int64_t since)
{
	int64_t n = 0;
	if (shared_run("SELECT count(*) FROM throttles WHERE name = 'known ' || ?1 AND first_at > ?2", "ti", key, since,
	               0, &n))
		return n > 0;
	bool found = false;
	pthread_mutex_lock(&throttle_lock);
	uint64_t h = throttle_hash(key);
	struct known_pair *bucket = &known[h % KNOWN_BUCKETS * KNOWN_WAYS];
	for (int i = 0; i < KNOWN_WAYS && !found; i++)
		found = bucket[i].at > since && bucket[i].hash == h;
	pthread_mutex_unlock(&throttle_lock);
	return found;
}

void ratelimit_clear(const char *key)
{
	shared_run("DELETE FROM throttles WHERE name = ?1", "t", key, 0, 0, NULL);
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *s = throttle_find(key);
	if (s)
		s->count = 0;
	pthread_mutex_unlock(&throttle_lock);
}

int ratelimit_refused(const char *key, int64_t until, int64_t now)
{
	int n = 1;
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *s = throttle_find(key);
	if (s) {
		if (s->refused++ == 0)
			s->refused_first = now;
		s->refused_last = now;
		if (until > s->refused_until)
			s->refused_until = until;
		n = s->refused;
	}
	pthread_mutex_unlock(&throttle_lock);
	return n;
}

size_t ratelimit_refusals_take(int64_t now, bool all, struct ratelimit_refusals *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&throttle_lock);
	for (size_t i = 0; i < THROTTLE_SLOTS && n < max; i++) {
		struct throttle_slot *s = &throttle[i];
		if (s->refused == 0 || (!all && now < s->refused_until))
			continue;
		memcpy(out[n].key, s->key, sizeof out[n].key);
		out[n].count = s->refused;
		out[n].first_at = s->refused_first;
		out[n].last_at = s->refused_last;
		n++;
		s->refused = 0;
		s->refused_until = 0;
	}
	pthread_mutex_unlock(&throttle_lock);
	return n;
}
