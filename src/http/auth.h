/*
** Authentication: who is calling.  Users hold a session (a random 256-bit
** token in an HttpOnly, SameSite=Strict cookie, of which only a SHA-256 is
** stored, plus a CSRF token that state-changing requests echo in
** X-CSRF-Token).  Machine clients (payment channels) hold an API key and sign
** each request with HMAC-SHA256:
**
**   X-Banyan-Signature = hex(HMAC-SHA256(secret,
**       METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body))))
**
** PATH is the request path without the query string.  A timestamp more than
** 300 s from the server's clock or before the server started, or a nonce
** seen before, is refused.
*/
#ifndef BANYAN_HTTP_AUTH_H
#define BANYAN_HTTP_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

enum {
	SESSION_LIFETIME = 12 * 3600,
	SIGNATURE_WINDOW = 300,
	LOGIN_MAX_FAILURES = 5,              /* per account, from all addresses */
	LOGIN_MAX_FAILURES_PER_ADDRESS = 50, /* per client address: an office shares one behind NAT */
	LOGIN_MAX_FAILURES_PER_ACCOUNT = 20, /* per account from anywhere: then only known addresses */
	LOGIN_KNOWN_ADDRESS_DAYS = 30,       /* an address that logged in to an account stays known so long */
	LOGIN_FAILURE_WINDOW = 15 * 60,
	LOGIN_MAX_PER_MINUTE = 10, /* successful logins per account: each costs a password hash */
};

#define SESSION_COOKIE "banyan_session"
/* The name under `serve --secure-cookies`: the browser then keeps it only if
** it was set with Secure, Path=/ and no Domain, by this very host. */
#define SESSION_COOKIE_SECURE "__Host-banyan_session"

/*
** Set r->who from the session cookie or the API-key headers.  Returns 0 (the
** caller may still be anonymous) or answers 401 and returns -1.  Needs the
** whole body (for the signature).
*/
int auth_resolve(struct request *r);

/*
** The session cookie: under `serve --secure-cookies` (TLS in front) it is
** named SESSION_COOKIE_SECURE and marked Secure, else SESSION_COOKIE.  Only
** the current mode's name is read: a __Host- cookie cannot be planted by a
** neighbouring subdomain, the plain one could.
*/
void auth_set_secure_cookies(bool on);
const char *auth_session_cookie_name(void);
/* Set the session cookie on r's answer (max_age 0 with an empty token ends it). */
void auth_set_session_cookie(struct request *r, const char *token, int max_age);

/* Create a session for user_id; ret_token (the cookie value) and ret_csrf are 64 hex chars. */
int auth_session_create(struct db *d, int64_t user_id, char ret_token[65], char ret_csrf[65], int64_t *ret_session_id);
int auth_session_delete(struct db *d, int64_t session_id);

/* Issue an API key; ret_key_id ("bk_" + 24 hex) and ret_secret (64 hex) are shown once. */
int auth_apikey_create(struct db *d, int64_t org_id, const char *role, const char *name, char ret_key_id[32],
                       char ret_secret[65], int64_t *ret_id);

/* The request signature as lowercase hex (65 bytes with NUL). */
void auth_signature(const char *secret, const char *method, const char *path, const char *timestamp, const char *nonce,
                    const void *body, size_t body_len, char ret_hex[65]);

/*
** Remember a signed request's nonce: 0 the first time, 1 when seen before
** within the window (a replay), -1 when out of memory.
*/
int nonce_remember(int64_t api_key_id, const char *nonce, int64_t now);
/* The same in the database, shared by every node on it (PostgreSQL): 0, 1, or a db error. */
int nonce_remember_db(struct db *d, int64_t api_key_id, const char *nonce, int64_t now);
/* Forget the database's nonces too old to be replayed (one node does it: DUTY_NONCES). */
int nonces_forget(struct db *d, int64_t now);

/* The API keys' generation to watch (in the server's lock file): when it
** changes, every cached key is read again from the database. */
void auth_apikey_watch(const _Atomic uint64_t *generation);
/* The keys changed (heard through PostgreSQL: NOTIFY banyan_keys): every cached key is read again. */
void auth_apikeys_changed(void);

/* The moment the server started: requests signed earlier are refused. */
void auth_set_started(int64_t now);

/* Random bytes as lowercase hex: n bytes give 2n characters plus NUL. */
void auth_random_hex(char *out, size_t n_bytes);

/*
** Login throttling, in memory: events (failed or successful logins) are
** counted per key in a window of `window` seconds from the key's first event;
** ratelimit_blocked() returns the seconds left in the window once max events
** are counted, or 0.
*/
void ratelimit_count(const char *key, int64_t window, int64_t now);
/* Count in the database through d from now on (several nodes on PostgreSQL; NULL: in memory alone). */
void ratelimit_share(struct db *d);
int64_t ratelimit_blocked(const char *key, int max, int64_t now);
/* Forget key's events (attempts refused before stay to be reported). */
void ratelimit_clear(const char *key);

/*
** Remember that key (an account and an address) logged in; remembered()
** says whether it did after `since`.  The table keeps the latest 8,192 or so
** such logins (a fixed size, the oldest forgotten first), and forgets them
** all when the server restarts.
*/
void ratelimit_remember(const char *key, int64_t now);
bool ratelimit_remembered(const char *key, int64_t since);

/*
** Attempts refused because key is blocked are counted, not each written down:
** ratelimit_refused() counts one and returns how many the key has had since
** its refusals were last taken (1: the first, worth a record of its own).
** ratelimit_refusals_take() moves up to max keys' counts into out, those whose
** last block has ended (or all of them when `all`), and forgets them.
*/
struct ratelimit_refusals {
	char key[128];
	int count;
	int64_t first_at, last_at;
};
int ratelimit_refused(const char *key, int64_t until, int64_t now);
size_t ratelimit_refusals_take(int64_t now, bool all, struct ratelimit_refusals *out, size_t max);

#endif
