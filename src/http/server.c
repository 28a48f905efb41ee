/*
** The HTTP server: request life cycle, dispatch, replies, body helpers.
**
** libmicrohttpd calls access_handler() several times per request: first with
** the headers, then with pieces of the body, then with no data.  The request
** (struct request) is created on the first call with its own arena and freed
** in request_completed(), which libmicrohttpd calls once the response has
** been sent or the connection died: that is the one place a request's memory
** is released.
*/
#include "http/server.h"

#include <errno.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "core/clock.h"
#include "core/log.h"
#include "http/auth.h"
#include "http/http.h"
#include "http/internal.h"
#include "http/router.h"

enum { COUNT_BUCKETS = 1024, CONNECTIONS = 0, REQUESTS = 1 };

/* How many connections one socket address holds, and how many requests one forwarded client has in flight. */
struct addr_count {
	struct addr_count *next;
	uint8_t addr[16];
	unsigned n[2]; /* [CONNECTIONS], [REQUESTS] */
	bool refusing; /* its connections are being refused (logged once, when it starts) */
};

/* What the server knows of one TCP connection (libmicrohttpd's socket context). */
struct conn_state {
	struct conn_state *prev, *next;
	uint8_t addr[16];
	int fd;
	bool trusted;                  /* the peer is a trusted proxy: not counted against its address */
	bool counted;                  /* counted in its address's CONNECTIONS */
	bool cut;                      /* shut down by the deadline */
	bool client_counted;           /* its request counted in client's REQUESTS */
	uint8_t client[16];            /* the forwarded client of its request */
	_Atomic int64_t reading_since; /* monotonic us since it has been waiting for a whole request; 0: not */
};

struct server {
	struct MHD_Daemon *daemon;
	char *db_path;
	size_t body_limit;
	int quiet;
	uint16_t port;
	atomic_int in_flight;
	pthread_mutex_t conns_lock;
	struct db **conns;
	size_t n_conns, cap_conns;
	struct cidr *trusted;
	size_t n_trusted;
	unsigned max_per_address, request_deadline_s;
	/* edge_lock guards the counts, the connection list and stopping; reaper_wake ends the reaper's wait. */
	pthread_mutex_t edge_lock;
	pthread_cond_t reaper_wake;
	pthread_t reaper;
	bool reaper_started, stopping;
	struct addr_count *counts[COUNT_BUCKETS];
	struct conn_state *connections;
};

/* The worker thread's database connection, opened on its first request. */
static _Thread_local struct db *thread_db;

static struct db *worker_db(struct server *s)
{
	if (thread_db)
		return thread_db;
	struct db *d;
	if (db_open(s->db_path, &d) < 0)
		return NULL;
	pthread_mutex_lock(&s->conns_lock);
	if (s->n_conns == s->cap_conns) {
		size_t cap = s->cap_conns ? s->cap_conns * 2 : 16;
		struct db **grown = realloc(s->conns, cap * sizeof *grown);
		if (!grown) {
			pthread_mutex_unlock(&s->conns_lock);
			db_close(d);
			return NULL;
		}
		s->conns = grown;
		s->cap_conns = cap;
	}
	s->conns[s->n_conns++] = d;
	pthread_mutex_unlock(&s->conns_lock);
	thread_db = d;
	return d;
}

/*
** Each worker thread keeps up to SPARE_ARENAS emptied arenas of finished
** requests for the next ones: a claim storm would otherwise allocate and
** free a block per request.  One spare is not enough there: a thread holds
** hundreds of requests suspended while their claims are committed, and they
** finish together.  A thread's spares are freed when the thread ends.
*/
enum { SPARE_ARENAS = 64 };

struct spares {
	int n;
	struct arena *arenas[SPARE_ARENAS];
};

static pthread_key_t spares_key;
static pthread_once_t spares_once = PTHREAD_ONCE_INIT;

static void spares_free(void *p)
{
	struct spares *sp = p;
	for (int i = 0; i < sp->n; i++)
		arena_free(sp->arenas[i]);
	free(sp);
}

static void spares_init(void)
{
	pthread_key_create(&spares_key, spares_free);
}

/* This thread's spares, or NULL when there is no memory for the list. */
static struct spares *spares(void)
{
	pthread_once(&spares_once, spares_init);
	struct spares *sp = pthread_getspecific(spares_key);
	if (!sp && (sp = calloc(1, sizeof *sp)) && pthread_setspecific(spares_key, sp) != 0) {
		free(sp);
		sp = NULL;
	}
	return sp;
}

static struct arena *arena_take(void)
{
	struct spares *sp = spares();
	return sp && sp->n > 0 ? sp->arenas[--sp->n] : arena_new();
}

static void arena_give_back(struct arena *a)
{
	struct spares *sp = a ? spares() : NULL;
	if (sp && sp->n < SPARE_ARENAS) {
		arena_reset(a);
		sp->arenas[sp->n++] = a;
	} else {
		arena_free(a);
	}
}

/* ---- the network edge: addresses, trusted proxies, limits, deadline ----- */

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* An address as 16 bytes (IPv4 mapped into IPv6), or false for another family. */
static bool addr_of(const struct sockaddr *sa, uint8_t out[16])
{
	if (sa && sa->sa_family == AF_INET) {
		memcpy(out, v4_mapped, 12);
		memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa && sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

/* Parse len bytes of text as an address: 4 (IPv4), 6 (IPv6) or 0 (malformed). */
static int addr_parse(const char *text, size_t len, uint8_t out[16])
{
	char buf[INET6_ADDRSTRLEN];
	if (len == 0 || len >= sizeof buf)
		return 0;
	memcpy(buf, text, len);
	buf[len] = 0;
	if (inet_pton(AF_INET, buf, out + 12) == 1) {
		memcpy(out, v4_mapped, 12);
		return 4;
	}
	return inet_pton(AF_INET6, buf, out) == 1 ? 6 : 0;
}

static void addr_format(const uint8_t a[16], char out[INET6_ADDRSTRLEN])
{
	if (memcmp(a, v4_mapped, 12) == 0)
		inet_ntop(AF_INET, a + 12, out, INET6_ADDRSTRLEN);
	else
		inet_ntop(AF_INET6, a, out, INET6_ADDRSTRLEN);
}

int cidr_parse(const char *text, struct cidr *ret)
{
	const char *slash = strchr(text, '/');
	int family = addr_parse(text, slash ? (size_t)(slash - text) : strlen(text), ret->addr);
	if (!family)
		return -1;
	int max = family == 4 ? 32 : 128, bits = max;
	if (slash) {
		char *end;
		errno = 0;
		long n = strtol(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || errno || *end || n > max)
			return -1;
		bits = (int)n;
	}
	ret->bits = family == 4 ? bits + 96 : bits;
	/* "10.1.2.3/8" means 10.0.0.0/8: the bits below the prefix do not matter. */
	for (int i = 0; i < 16; i++) {
		int keep = ret->bits - 8 * i;
		if (keep <= 0)
			ret->addr[i] = 0;
		else if (keep < 8)
			ret->addr[i] &= (uint8_t)(0xff << (8 - keep));
	}
	return 0;
}

static bool cidr_contains(const struct cidr *c, const uint8_t a[16])
{
	int whole = c->bits / 8, rest = c->bits % 8;
	if (memcmp(c->addr, a, (size_t)whole) != 0)
		return false;
	return rest == 0 || ((c->addr[whole] ^ a[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static bool is_trusted(const struct server *s, const uint8_t a[16])
{
	for (size_t i = 0; i < s->n_trusted; i++)
		if (cidr_contains(&s->trusted[i], a))
			return true;
	return false;
}

/* The X-Forwarded-For headers of a request, the last MAX_FORWARDED of them (a proxy appends to the last). */
enum { MAX_FORWARDED = 8 };

struct forwarded {
	const char *values[MAX_FORWARDED];
	int n;
};

static enum MHD_Result forwarded_collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct forwarded *f = cls;
	if (!value || strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	if (f->n == MAX_FORWARDED) {
		memmove(f->values, f->values + 1, (MAX_FORWARDED - 1) * sizeof f->values[0]);
		f->n--;
	}
	f->values[f->n++] = value;
	return MHD_YES;
}

/*
** The client's address: the socket peer, unless the peer is a trusted proxy.
** Then X-Forwarded-For is walked from the right (each proxy appends the
** address it saw): the first hop that is not itself a trusted proxy is the
** client.  Entries left of it were written by the client and may be anything.
** A malformed entry ends the walk at the last good address.
*/
static bool client_addr(struct request *r, uint8_t out[16])
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !addr_of(ci->client_addr, out))
		return false;
	if (!is_trusted(r->server, out))
		return true;
	struct forwarded f = {0};
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, forwarded_collect, &f);
	for (int i = f.n - 1; i >= 0; i--) {
		const char *v = f.values[i], *end = v + strlen(v);
		for (;;) {
			const char *start = end;
			while (start > v && start[-1] != ',')
				start--;
			const char *a = start, *b = end;
			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			uint8_t hop[16];
			if (!addr_parse(a, (size_t)(b - a), hop))
				return true;
			memcpy(out, hop, 16);
			if (!is_trusted(r->server, hop))
				return true;
			if (start == v)
				break;
			end = start - 1;
		}
	}
	return true;
}

static unsigned addr_hash(const uint8_t a[16])
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 16; i++)
		h = (h ^ a[i]) * 16777619u;
	return h % COUNT_BUCKETS;
}

/* The counts of address a, made when create is set: NULL when absent (or out of memory).  Hold edge_lock. */
static struct addr_count *counts_find(struct server *s, const uint8_t a[16], bool create)
{
	struct addr_count **head = &s->counts[addr_hash(a)];
	for (struct addr_count *c = *head; c; c = c->next)
		if (memcmp(c->addr, a, 16) == 0)
			return c;
	struct addr_count *c = create ? calloc(1, sizeof *c) : NULL;
	if (c) {
		memcpy(c->addr, a, 16);
		c->next = *head;
		*head = c;
	}
	return c;
}

/* One less of kind for address a; an address counting nothing is forgotten.  Hold edge_lock. */
static void counts_release(struct server *s, const uint8_t a[16], int kind)
{
	for (struct addr_count **p = &s->counts[addr_hash(a)]; *p; p = &(*p)->next) {
		struct addr_count *c = *p;
		if (memcmp(c->addr, a, 16) != 0)
			continue;
		c->n[kind]--;
		c->refusing &= c->n[CONNECTIONS] >= s->max_per_address;
		if (!c->n[CONNECTIONS] && !c->n[REQUESTS]) {
			*p = c->next;
			free(c);
		}
		return;
	}
}

/*
** Connections are counted per socket address here rather than by
** libmicrohttpd's MHD_OPTION_PER_IP_CONNECTION_LIMIT, which would count a
** trusted proxy too: behind one, every client arrives from the proxy's
** address.  A trusted proxy's connections are bounded by the global limit and
** its clients by their requests in flight (forwarded_admit()).  The count is
** checked here and taken when the connection starts, so a connection that
** libmicrohttpd fails to set up is never counted; threads accepting at the
** same instant may pass the limit by a connection or two each.
*/
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
	(void)len;
	struct server *s = cls;
	uint8_t a[16];
	if (!addr_of(sa, a) || is_trusted(s, a))
		return MHD_YES;
	pthread_mutex_lock(&s->edge_lock);
	struct addr_count *c = counts_find(s, a, false);
	bool ok = !c || c->n[CONNECTIONS] < s->max_per_address, first = !ok && !c->refusing;
	if (!ok)
		c->refusing = true;
	pthread_mutex_unlock(&s->edge_lock);
	if (first) {
		char text[INET6_ADDRSTRLEN];
		addr_format(a, text);
		log_info("connections from %s refused: it holds %u (--max-connections-per-address)", text,
		         s->max_per_address);
	}
	return ok ? MHD_YES : MHD_NO;
}

static void connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode code)
{
	struct server *s = cls;
	struct conn_state *c = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *peer =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!peer || !fd || !(c = calloc(1, sizeof *c)))
			return;
		c->fd = fd->connect_fd;
		bool known = addr_of(peer->client_addr, c->addr);
		c->trusted = known && is_trusted(s, c->addr);
		atomic_store(&c->reading_since, clock_monotonic_us());
		pthread_mutex_lock(&s->edge_lock);
		struct addr_count *n = known && !c->trusted ? counts_find(s, c->addr, true) : NULL;
		if (n) {
			n->n[CONNECTIONS]++;
			c->counted = true;
		}
		c->next = s->connections;
		if (c->next)
			c->next->prev = c;
		s->connections = c;
		pthread_mutex_unlock(&s->edge_lock);
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	/* libmicrohttpd closes the socket after this: the reaper, holding edge_lock, never sees a closed one. */
	pthread_mutex_lock(&s->edge_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->connections = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->counted)
		counts_release(s, c->addr, CONNECTIONS);
	pthread_mutex_unlock(&s->edge_lock);
	free(c);
	*socket_context = NULL;
}

static struct conn_state *conn_state(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/*
** Behind a trusted proxy all clients share the proxy's connections, so a
** client is bounded by its requests in flight instead: false (and the
** request is refused) when its forwarded address has max_per_address already.
*/
static bool forwarded_admit(struct request *r, struct conn_state *c)
{
	struct server *s = r->server;
	uint8_t a[16];
	if (!client_addr(r, a) || is_trusted(s, a))
		return true;
	pthread_mutex_lock(&s->edge_lock);
	struct addr_count *n = counts_find(s, a, true);
	bool ok = !n || n->n[REQUESTS] < s->max_per_address;
	if (n && ok) {
		n->n[REQUESTS]++;
		memcpy(c->client, a, 16);
		c->client_counted = true;
	}
	pthread_mutex_unlock(&s->edge_lock);
	return ok;
}

/* The connection's request has been answered: release its client's count; it waits for the next one. */
static void connection_request_done(struct server *s, struct conn_state *c)
{
	if (c->client_counted) {
		pthread_mutex_lock(&s->edge_lock);
		counts_release(s, c->client, REQUESTS);
		c->client_counted = false;
		pthread_mutex_unlock(&s->edge_lock);
	}
	atomic_store(&c->reading_since, clock_monotonic_us());
}

/*
** The request deadline.  libmicrohttpd's connection timeout counts idle time,
** so a client sending a byte every few seconds (slowloris) would hold its
** connection forever, and libmicrohttpd 0.9.75 has no limit on the time a
** whole request may take.  So this thread looks four times a second for
** connections that have been waiting for a whole request (line, headers and
** body) longer than the deadline, counted from when the connection became
** ready for it (accepted, or its previous answer sent), and shuts their socket
** down: libmicrohttpd then reads the end of the stream and closes the
** connection as usual.  shutdown(), not close(): the descriptor stays
** libmicrohttpd's, and it is closed only after connection_notify() has taken
** the connection off the list under edge_lock, which the reaper holds.
*/
static void *reaper_run(void *arg)
{
	struct server *s = arg;
	pthread_mutex_lock(&s->edge_lock);
	while (!s->stopping) {
		int64_t now = clock_monotonic_us(), limit = (int64_t)s->request_deadline_s * 1000000;
		for (struct conn_state *c = s->connections; c; c = c->next) {
			int64_t since = atomic_load(&c->reading_since);
			if (since && !c->cut && now - since > limit) {
				char text[INET6_ADDRSTRLEN];
				addr_format(c->addr, text);
				log_info("connection from %s cut: no whole request within %u s", text,
				         s->request_deadline_s);
				shutdown(c->fd, SHUT_RDWR);
				c->cut = true;
			}
		}
		struct timespec at;
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_nsec += 250000000;
		if (at.tv_nsec >= 1000000000) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->reaper_wake, &s->edge_lock, &at);
	}
	pthread_mutex_unlock(&s->edge_lock);
	return NULL;
}

/* ---- replies ---------------------------------------------------------- */

/*
** The console's scripts, styles, fonts and calls all come from this server,
** and no page may frame it (clickjacking).  Vite's build has no inline script
** and nothing evaluates strings, so script-src is 'self' alone.  style-src
** needs 'unsafe-inline': ECharts writes its tooltips as HTML with style
** attributes, which CSP counts as inline style (without it Chromium refuses
** them when a chart is hovered); Vue and Element Plus set styles through the
** DOM, which CSP allows.  A style cannot run script.  img-src takes data: for
** an image inlined in Element Plus's CSS.  API answers carry the policy too:
** a JSON answer opened in a tab then runs nothing.
*/
static const char content_security_policy[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

void http_queue(struct request *r, int status, const char *content_type, const void *data, size_t len, bool persistent,
                const char *const *headers)
{
	if (!r->conn) {
		/* A detached request (fuzzing, in-process tests): keep the answer. */
		(void)content_type, (void)persistent, (void)headers;
		r->status = status;
		r->captured = arena_strndup(r->arena, data, len);
		r->captured_len = len;
		return;
	}
	/* A copy in the request's arena lives until request_completed(), after
	** the last byte is sent: no malloc() and free() an answer. */
	void *copy = persistent ? NULL : arena_alloc_raw(r->arena, len ? len : 1);
	if (copy) {
		memcpy(copy, data, len);
		data = copy;
		persistent = true;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	    len, (void *)data, persistent ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return;
	bool cache_set = false;
	for (const char *const *h = headers; h && h[0]; h += 2) {
		MHD_add_response_header(resp, h[0], h[1]);
		cache_set |= strcasecmp(h[0], "Cache-Control") == 0;
	}
	MHD_add_response_header(resp, "Content-Type", content_type);
	MHD_add_response_header(resp, "X-Request-Id", r->id);
	/* Headers that protect a browser go to browsers.  A signed (API-key)
	** request comes from a channel's server, never a browser, and in a claim
	** storm each header is three allocations and their frees. */
	if (!r->who.api_key_id) {
		if (!cache_set)
			MHD_add_response_header(resp, "Cache-Control", "no-store");
		MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(resp, "Content-Security-Policy", content_security_policy);
		MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	}
	if (r->set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->retry_after > 0) {
		char seconds[24];
		snprintf(seconds, sizeof seconds, "%lld", (long long)r->retry_after);
		MHD_add_response_header(resp, "Retry-After", seconds);
	}
	MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	r->status = status;
}

static void queue_text(struct request *r, int status, const char *content_type, const char *text, size_t len,
                       const char *allow)
{
	const char *headers[] = {"Allow", allow, NULL};
	http_queue(r, status, content_type, text, len, false, allow ? headers : NULL);
}

void reply_json(struct request *r, int status, json_t *body)
{
	if (r->status) {
		json_decref(body);
		return;
	}
	char *text = body ? json_dumps(body, JSON_ANSWER_FLAGS) : NULL;
	json_decref(body);
	if (!text) {
		queue_text(r, 500, "application/json",
		           "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}", 56, NULL);
		return;
	}
	queue_text(r, status, "application/json; charset=utf-8", text, strlen(text), NULL);
	free(text);
}

int choice_or_reply(struct request *r, const char *code, const char *field, const char *value,
                    const char *const *choices)
{
	char all[160] = "";
	size_t len = 0;
	for (int i = 0; choices[i]; i++) {
		if (value && strcmp(value, choices[i]) == 0)
			return i;
		len += (size_t)snprintf(all + len, sizeof all - len, "%s%s", i ? "|" : "", choices[i]);
	}
	if (!value)
		return -1;
	reply_error(r, 422, code, field, "%s 应为 %s 之一 (%s: one of %s)", field, all, field, all);
	return -2;
}

void reply_json_or_db_error(struct request *r, int rc, json_t *body)
{
	if (rc < 0) {
		json_decref(body);
		reply_db_error(r, rc);
		return;
	}
	reply_json(r, 200, body);
}

void reply_json_text(struct request *r, int status, const char *text, size_t len)
{
	if (!r->status)
		queue_text(r, status, "application/json; charset=utf-8", text, len, NULL);
}

bool json_escape_into(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = *len;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		const char *out = esc;
		size_t k = 1;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\', esc[1] = (char)*p, k = 2;
		} else if (*p < 0x20) {
			k = (size_t)snprintf(esc, sizeof esc, "\\u%04x", *p);
		} else {
			esc[0] = (char)*p;
		}
		if (n + k >= size)
			return false;
		memcpy(buf + n, out, k);
		n += k;
	}
	buf[n] = 0;
	*len = n;
	return true;
}

/* Append raw text (JSON punctuation) to buf. */
static bool raw_into(char *buf, size_t size, size_t *len, const char *s)
{
	size_t k = strlen(s);
	if (*len + k >= size)
		return false;
	memcpy(buf + *len, s, k + 1);
	*len += k;
	return true;
}

/* Errors are written by hand, not through a JSON document: a claim storm
** answers very many "sold out" and "already claimed". */
/*
** Messages are written "中文 (English)".  A caller that names its language
** first in Accept-Language (the console sends the one it shows) gets that
** half alone, so a Chinese page never shows English beside Chinese; anyone
** else (curl, another program) gets both.  The English half is the last
** parenthesised group, preceded by a space, ending the message.
*/
static const char *message_language(struct request *r, char *message)
{
	const char *want = request_header(r, "Accept-Language");
	bool zh = want && strncasecmp(want, "zh", 2) == 0, en = want && strncasecmp(want, "en", 2) == 0;
	size_t n = strlen(message);
	if ((!zh && !en) || n < 4 || message[n - 1] != ')')
		return message;
	int depth = 0;
	for (size_t i = n; i-- > 0;) {
		depth += message[i] == ')';
		depth -= message[i] == '(';
		if (depth > 0)
			continue;
		if (i == 0 || message[i - 1] != ' ')
			return message;
		if (zh) {
			message[i - 1] = 0;
			return message;
		}
		message[n - 1] = 0;
		return message + i + 1;
	}
	return message;
}

static void reply_error_v(struct request *r, int status, const char *code, const char *field, const char *allow,
                          const char *fmt, va_list ap)
{
	if (r->status)
		return;
	char full[512], text[1400];
	size_t len = 0;
	vsnprintf(full, sizeof full, fmt, ap);
	const char *message = message_language(r, full);
	bool ok = raw_into(text, sizeof text, &len, "{\"error\":{\"code\":\"") &&
	          json_escape_into(text, sizeof text, &len, code) &&
	          raw_into(text, sizeof text, &len, "\",\"message\":\"") &&
	          json_escape_into(text, sizeof text, &len, message);
	if (ok && field)
		ok = raw_into(text, sizeof text, &len, "\",\"field\":\"") &&
		     json_escape_into(text, sizeof text, &len, field);
	ok = ok && raw_into(text, sizeof text, &len, "\"},\"request_id\":\"") &&
	     raw_into(text, sizeof text, &len, r->id) && raw_into(text, sizeof text, &len, "\"}");
	if (!ok) {
		len = (size_t)snprintf(
		    text, sizeof text,
		    "{\"error\":{\"code\":\"internal\",\"message\":\"error too long\"},\"request_id\":\"%s\"}", r->id);
		status = 500;
	}
	queue_text(r, status, "application/json; charset=utf-8", text, len, allow);
}

void reply_error(struct request *r, int status, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	reply_error_v(r, status, code, field, NULL, fmt, ap);
	va_end(ap);
}

static void reply_error_allow(struct request *r, const char *allow, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void reply_error_allow(struct request *r, const char *allow, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	reply_error_v(r, 405, "method_not_allowed", NULL, allow, fmt, ap);
	va_end(ap);
}

bool db_finish_or_reply(struct request *r, int rc)
{
	if (rc == 0)
		rc = db_commit(r->db);
	else if (db_in_transaction(r->db))
		db_rollback(r->db);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	return true;
}

bool db_row_or_reply(struct request *r, int rc, struct db_stmt *s, const char *code, const char *message)
{
	if (rc == 0) {
		if ((rc = db_step(s)) == DB_ROW)
			return true;
		db_finalize(s);
	}
	if (rc == DB_DONE)
		reply_error(r, 404, code, NULL, "%s", message);
	else
		reply_db_error(r, rc);
	return false;
}

void reply_db_error(struct request *r, int db_result)
{
	if (db_result == DB_BUSY) {
		reply_error(r, 503, "busy", NULL, "系统繁忙,请稍后重试 (database busy, retry)");
		return;
	}
	if (db_result == DB_FULL) {
		log_error("request %s %s %s: disk full: the database cannot grow (%s); nothing was saved", r->id,
		          r->method, r->path, db_errmsg(r->db));
		reply_error(r, 503, "storage_full", NULL,
		            "存储空间已满,未保存,请稍后重试 (disk full: nothing saved, retry later)");
		return;
	}
	if (db_result == DB_LOST) {
		log_error("request %s %s %s: %s", r->id, r->method, r->path, db_errmsg(r->db));
		reply_error(r, 503, "database_unavailable", NULL,
		            "数据库连接中断,请稍后重试 (the database connection was lost: retry)");
		return;
	}
	log_error("request %s %s %s: database error %d: %s", r->id, r->method, r->path, db_result,
	          r->db ? db_errmsg(r->db) : "no connection");
	reply_error(r, 500, "internal", NULL, "内部错误,请求编号 %s (internal error, request %s)", r->id, r->id);
}

void request_defer(struct request *r, void (*answer)(struct request *r, void *arg), void *arg)
{
	r->deferred_answer = answer;
	r->deferred_arg = arg;
	MHD_suspend_connection(r->conn);
}

void request_resume(struct request *r)
{
	MHD_resume_connection(r->conn);
}

void reply_area_page(struct request *r, const char *sql, json_t *(*row)(struct request *r, struct db_stmt *s))
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 200, &limit, &cursor))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, sql, "iti", cursor, request_area(r), limit);
	reply_rows(r, rc, s, row, limit);
}

void reply_rows(struct request *r, int rc, struct db_stmt *s, json_t *(*row)(struct request *r, struct db_stmt *s),
                int64_t page_limit)
{
	reply_counted_rows(r, rc, s, row, page_limit, -1);
}

void reply_counted_rows(struct request *r, int rc, struct db_stmt *s,
                        json_t *(*row)(struct request *r, struct db_stmt *s), int64_t page_limit, int64_t total)
{
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	json_t *items = json_array();
	int64_t last = 0, count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		last = db_column_int64(s, 0);
		count++;
		json_array_append_new(items, row(r, s));
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(items);
		reply_db_error(r, rc);
		return;
	}
	json_t *body = json_pack("{s:o}", "items", items);
	if (page_limit > 0)
		json_object_set_new(body, "next_cursor",
		                    count == page_limit ? json_sprintf("%lld", (long long)last) : json_null());
	if (total >= 0)
		json_object_set_new(body, "total", json_integer(total));
	reply_json(r, 200, body);
}

int rows_into(struct request *r, json_t *obj, const char *key, int rc, struct db_stmt *s,
              json_t *(*row)(struct request *r, struct db_stmt *s))
{
	json_t *list = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(list, row(r, s));
	db_finalize(s);
	json_object_set_new(obj, key, list);
	return rc == DB_DONE ? 0 : rc;
}

/* ---- request accessors ------------------------------------------------ */

/*
** A request id: a random 64-bit base per worker thread plus a counter.
** Unique without a getrandom() system call per request.
*/
static void request_id(char out[17])
{
	static _Thread_local uint64_t base, count;
	if (!base)
		randombytes_buf(&base, sizeof base);
	uint64_t id = base + count++;
	for (int i = 15; i >= 0; i--, id >>= 4)
		out[i] = "0123456789abcdef"[id & 15];
	out[16] = 0;
}

const char *request_ip(struct request *r)
{
	if (r->ip || !r->conn)
		return r->ip ? r->ip : "-";
	uint8_t a[16];
	char text[INET6_ADDRSTRLEN] = "-";
	if (client_addr(r, a))
		addr_format(a, text);
	r->ip = arena_strdup(r->arena, text);
	return r->ip ? r->ip : "-";
}

const char *route_param(struct request *r, const char *name)
{
	for (int i = 0; i < r->n_params; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->param_values[i];
	return NULL;
}

bool route_param_id(struct request *r, const char *name, int64_t *ret)
{
	const char *v = route_param(r, name);
	char *end;
	errno = 0;
	long long id = v ? strtoll(v, &end, 10) : 0;
	if (!v || errno || *end || id <= 0 || v[0] == '+') {
		reply_error(r, 404, "not_found", NULL, "记录不存在 (not found)");
		return false;
	}
	*ret = id;
	return true;
}

const char *query_arg(struct request *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

const char *request_header(struct request *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *request_cookie(struct request *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name) : NULL;
}

static json_t *body_field(struct request *r, const char *field)
{
	json_t *v = r->json ? json_object_get(r->json, field) : NULL;
	return json_is_null(v) ? NULL : v;
}

static bool missing(struct request *r, const char *field)
{
	reply_error(r, 422, "missing_field", field, "缺少字段 %s (field %s is required)", field, field);
	return false;
}

bool body_string(struct request *r, const char *field, int flags, size_t max_len, const char **ret)
{
	json_t *v = body_field(r, field);
	if (!v) {
		*ret = NULL;
		return (flags & FIELD_REQUIRED) ? missing(r, field) : true;
	}
	if (!json_is_string(v)) {
		reply_error(r, 422, "invalid_type", field, "字段 %s 应为字符串 (field %s must be a string)", field,
		            field);
		return false;
	}
	size_t len = json_string_length(v);
	const char *s = json_string_value(v);
	if (len == 0 || len > max_len || strlen(s) != len) {
		reply_error(r, 422, "invalid_length", field,
		            "字段 %s 长度应为 1 到 %zu 字节 (field %s must be 1 to %zu bytes)", field, max_len, field,
		            max_len);
		return false;
	}
	*ret = s;
	return true;
}

bool body_int64(struct request *r, const char *field, int flags, int64_t min, int64_t max, int64_t *ret,
                bool *ret_present)
{
	json_t *v = body_field(r, field);
	if (ret_present)
		*ret_present = v != NULL;
	if (!v)
		return (flags & FIELD_REQUIRED) ? missing(r, field) : true;
	if (!json_is_integer(v)) {
		reply_error(r, 422, "invalid_type", field, "字段 %s 应为整数 (field %s must be an integer)", field,
		            field);
		return false;
	}
	json_int_t n = json_integer_value(v);
	if (n < min || n > max) {
		reply_error(r, 422, "out_of_range", field, "字段 %s 超出范围 %lld..%lld (field %s out of range)", field,
		            (long long)min, (long long)max, field);
		return false;
	}
	*ret = n;
	return true;
}

bool body_bool(struct request *r, const char *field, int flags, bool *ret, bool *ret_present)
{
	json_t *v = body_field(r, field);
	if (ret_present)
		*ret_present = v != NULL;
	if (!v)
		return (flags & FIELD_REQUIRED) ? missing(r, field) : true;
	if (!json_is_boolean(v)) {
		reply_error(r, 422, "invalid_type", field, "字段 %s 应为 true 或 false (field %s must be a boolean)",
		            field, field);
		return false;
	}
	*ret = json_is_true(v);
	return true;
}

bool body_only(struct request *r, const char *const *allowed)
{
	const char *key;
	json_t *value;
	if (!r->json)
		return true;
	json_object_foreach(r->json, key, value)
	{
		const char *const *a = allowed;
		while (*a && strcmp(*a, key) != 0)
			a++;
		if (!*a) {
			reply_error(r, 422, "unknown_field", key, "未知字段 %s (unknown field %s)", key, key);
			return false;
		}
	}
	return true;
}

bool query_id(struct request *r, const char *name, int64_t *ret)
{
	const char *v = query_arg(r, name);
	char *end;
	*ret = 0;
	if (!v)
		return true;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end || !*v || n < 1) {
		reply_error(r, 422, "invalid_query", name, "%s 应为编号 (%s must be an id)", name, name);
		return false;
	}
	*ret = n;
	return true;
}

bool page_args(struct request *r, int def, int max, int64_t *ret_limit, int64_t *ret_cursor)
{
	const char *limit = query_arg(r, "limit"), *cursor = query_arg(r, "cursor");
	char *end;
	int64_t l = def, c = INT64_MAX;
	if (limit) {
		errno = 0;
		l = strtoll(limit, &end, 10);
		if (errno || *end || !*limit || l < 1 || l > max) {
			reply_error(r, 422, "invalid_query", "limit", "limit 应为 1 到 %d (limit must be 1 to %d)", max,
			            max);
			return false;
		}
	}
	if (cursor) {
		errno = 0;
		c = strtoll(cursor, &end, 10);
		if (errno || *end || !*cursor || c < 1) {
			reply_error(r, 422, "invalid_query", "cursor", "cursor 无效 (invalid cursor)");
			return false;
		}
	}
	*ret_limit = l;
	*ret_cursor = c;
	return true;
}

const char *request_area(struct request *r)
{
	if (r->area)
		return r->area;
	r->area = r->who.org_path;
	struct db_stmt *s;
	if (r->who.org_id &&
	    db_prepare(r->db, &s,
	               "SELECT p.path FROM orgs o JOIN orgs p ON p.id = o.parent_id WHERE o.id = ? AND o.kind = 'department'",
	               "i", r->who.org_id) == 0) {
		if (db_step(s) == DB_ROW)
			r->area = arena_strdup(r->arena, db_column_text(s, 0));
		db_finalize(s);
	}
	return r->area;
}

bool path_on_branch(const char *a, const char *b)
{
	return strncmp(a, b, strlen(a)) == 0 || strncmp(b, a, strlen(b)) == 0;
}

bool path_within(const char *path, const char *scope)
{
	return strncmp(path, scope, strlen(scope)) == 0;
}

bool principal_scope_contains(const struct principal *p, const char *org_path)
{
	if (!p->org_path || !org_path)
		return false;
	return path_within(org_path, p->org_path);
}

bool request_json(struct request *r)
{
	if (r->json || r->body_len == 0)
		return true;
	json_error_t jerr;
	r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!r->json) {
		reply_error(r, 400, "malformed_json", NULL, "JSON 格式错误,第 %d 行: %s (malformed JSON)", jerr.line,
		            jerr.text);
		return false;
	}
	if (!json_is_object(r->json)) {
		json_decref(r->json);
		r->json = NULL;
		reply_error(r, 400, "malformed_json", NULL, "请求体须为 JSON 对象 (body must be a JSON object)");
		return false;
	}
	return true;
}

/* ---- dispatch --------------------------------------------------------- */

static bool role_allowed(const char *auth, enum role role)
{
	const char *name = role_name(role);
	size_t n = strlen(name);
	for (const char *p = auth; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && memcmp(p, name, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

/*
** A route declared with DUTY: is the work of the organisations that hold that
** duty (org_duties: the human resources bureaus hold "refunds"), not of a
** broad role: the caller's own organisation (for department staff, their
** department) must hold it.  Leaders read across duties; nobody else is
** exempt, a system administrator included: running a bureau's work is not
** administering the system.  Answers 403 wrong_duty itself.
*/
int duty_held(struct request *r, const char *duty)
{
	int64_t held = 0;
	int rc = db_query_int64(r->db, &held, "SELECT count(*) FROM org_duties WHERE org_id = ? AND duty = ?", "it",
	                        r->who.org_id, duty);
	return rc < 0 ? rc : held > 0;
}

bool duty_allowed(struct request *r, const char *duty)
{
	if (r->who.role == ROLE_LEADER && (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0))
		return true;
	int held = duty_held(r, duty);
	if (held < 0) {
		reply_db_error(r, held);
		return false;
	}
	if (!held)
		reply_error(r, 403, "wrong_duty", NULL, "您所在的单位不负责此项工作 (your organisation does not hold the duty %s)",
		            duty);
	return held > 0;
}

static bool is_json_content_type(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

static bool method_has_body(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
}

static void dispatch(struct request *r)
{
	struct route_match m;
	if (strncmp(r->path, "/api/", 5) != 0) {
		static_serve(r);
		return;
	}
	if (router_match(route_table, route_count, r->method, r->path, r->arena, &m) < 0) {
		reply_error(r, 503, "busy", NULL, "内存不足 (out of memory)");
		return;
	}
	if (!m.route) {
		if (m.path_known)
			reply_error_allow(r, m.allow, "不支持的请求方法 %s (method not allowed; allowed: %s)",
			                  r->method, m.allow);
		else
			reply_error(r, 404, "not_found", NULL, "没有这个接口 %s (no such route)", r->path);
		return;
	}
	r->route = m.route;
	r->n_params = m.n_params;
	memcpy(r->param_names, m.names, sizeof m.names);
	memcpy(r->param_values, m.values, sizeof m.values);
	if (r->body_too_large) {
		reply_error(r, 413, "body_too_large", NULL, "请求体超过 %zu 字节 (request body over %zu bytes)",
		            r->server->body_limit, r->server->body_limit);
		return;
	}
	r->db = worker_db(r->server);
	if (!r->db) {
		reply_error(r, 503, "busy", NULL, "数据库暂不可用 (database unavailable)");
		return;
	}
	if (auth_resolve(r) < 0)
		return;
	const char *auth = m.route->auth;
	if (strcmp(auth, "public") != 0) {
		if (r->who.role == ROLE_NONE) {
			reply_error(r, 401, "unauthenticated", NULL, "请先登录 (login required)");
			return;
		}
		if (strcmp(auth, "any") != 0 && !role_allowed(auth, r->who.role)) {
			reply_error(r, 403, "forbidden", NULL, "无权访问 (your role may not use this)");
			return;
		}
		if (m.route->duty && !duty_allowed(r, m.route->duty))
			return;
		/* A cookie travels with every request the browser makes, so a state change
		** also needs the token only our own pages can read. */
		if (r->who.session_id && strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
			const char *token = request_header(r, "X-CSRF-Token");
			if (!token || strlen(token) != strlen(r->who.csrf_token) ||
			    sodium_memcmp(token, r->who.csrf_token, strlen(token)) != 0) {
				reply_error(r, 403, "csrf", NULL,
				            "缺少或错误的 CSRF 令牌 (missing or wrong X-CSRF-Token)");
				return;
			}
		}
	}
	if (r->body_len > 0) {
		if (!method_has_body(r->method)) {
			reply_error(r, 400, "unexpected_body", NULL, "%s 请求不应带请求体 (%s takes no body)",
			            r->method, r->method);
			return;
		}
		if (!is_json_content_type(request_header(r, "Content-Type"))) {
			reply_error(r, 415, "unsupported_media_type", NULL,
			            "请求体须为 application/json (Content-Type must be application/json)");
			return;
		}
		if (!m.route->raw_body && !request_json(r))
			return;
	}
	m.route->handler(r);
	if (!r->status && !r->deferred_answer) {
		log_error("handler for %s %s answered nothing", r->method, m.route->pattern);
		reply_error(r, 500, "internal", NULL, "内部错误 (internal error)");
	}
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                      const char *version, const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
	(void)version;
	struct server *s = cls;
	struct request *r = *con_cls;
	if (!r) {
		struct arena *a = arena_take();
		r = a ? arena_alloc(a, sizeof *r) : NULL;
		if (!r) {
			arena_free(a);
			return MHD_NO;
		}
		atomic_fetch_add(&s->in_flight, 1);
		r->arena = a;
		r->server = s;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->start_us = clock_monotonic_us();
		request_id(r->id);
		*con_cls = r;
		struct conn_state *c = s->n_trusted ? conn_state(conn) : NULL;
		if (c && c->trusted && !forwarded_admit(r, c)) {
			r->retry_after = 1; /* a request in flight ends within a moment */
			reply_error(
			    r, 429, "too_many_requests", NULL,
			    "来自您地址的并发请求过多,请稍后再试 (too many requests in flight from your address)");
			return MHD_YES;
		}
		/* Declared too large: refuse before reading a byte of it. */
		const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (length && strtoull(length, NULL, 10) > s->body_limit) {
			r->body_too_large = true;
			reply_error(r, 413, "body_too_large", NULL, "请求体超过 %zu 字节 (request body over %zu bytes)",
			            s->body_limit, s->body_limit);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* A body over the limit is read and dropped, then refused with 413. */
		if (!r->body_too_large && r->body_len + *upload_data_size > s->body_limit)
			r->body_too_large = true;
		if (!r->body_too_large) {
			if (r->body_len + *upload_data_size + 1 > r->body_cap) {
				size_t cap = r->body_cap ? r->body_cap : 1024;
				while (cap < r->body_len + *upload_data_size + 1)
					cap *= 2;
				char *grown = arena_alloc_raw(r->arena, cap);
				if (!grown)
					return MHD_NO;
				if (r->body_len)
					memcpy(grown, r->body, r->body_len);
				r->body = grown;
				r->body_cap = cap;
			}
			memcpy(r->body + r->body_len, upload_data, *upload_data_size);
			r->body_len += *upload_data_size;
			r->body[r->body_len] = 0;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->deferred_answer) {
		/* Resumed: the answer can be written now. */
		if (!r->status)
			r->deferred_answer(r, r->deferred_arg);
		if (!r->status)
			reply_error(r, 500, "internal", NULL, "内部错误 (internal error)");
		return MHD_YES;
	}
	/* The whole request is in: the deadline no longer applies. */
	struct conn_state *c = conn_state(conn);
	if (c)
		atomic_store(&c->reading_since, 0);
	if (!r->status)
		dispatch(r);
	return MHD_YES;
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct request *r = *con_cls;
	if (!r)
		return;
	if (!s->quiet)
		log_info("http method=%s path=%s status=%d us=%lld who=%s ip=%s id=%s%s", r->method, r->path, r->status,
		         (long long)(clock_monotonic_us() - r->start_us), r->who.name ? r->who.name : "-",
		         request_ip(r), r->id, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	struct conn_state *c = conn_state(conn);
	if (c)
		connection_request_done(s, c);
	json_decref(r->json);
	arena_give_back(r->arena);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static int parse_listen(const char *listen, struct sockaddr_in *ret)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return -EINVAL;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || colon[1] == 0)
		return -EINVAL;
	memset(ret, 0, sizeof *ret);
	ret->sin_family = AF_INET;
	ret->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host[0] ? host : "127.0.0.1", &ret->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

int server_start(const struct server_config *cfg, struct server **ret)
{
	struct sockaddr_in addr;
	int r = parse_listen(cfg->listen, &addr);
	if (r < 0)
		return r;
	struct server *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->db_path = strdup(cfg->db_path);
	s->body_limit = cfg->body_limit;
	s->quiet = cfg->quiet;
	pthread_mutex_init(&s->conns_lock, NULL);
	pthread_mutex_init(&s->edge_lock, NULL);
	pthread_condattr_t monotonic;
	pthread_condattr_init(&monotonic);
	pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
	pthread_cond_init(&s->reaper_wake, &monotonic);
	pthread_condattr_destroy(&monotonic);
	s->max_per_address = cfg->max_per_address ? cfg->max_per_address : 256;
	s->request_deadline_s = cfg->request_deadline_s ? cfg->request_deadline_s : 60;
	s->n_trusted = cfg->n_trusted;
	s->trusted = cfg->n_trusted ? malloc(cfg->n_trusted * sizeof *s->trusted) : NULL;
	if (cfg->n_trusted && !s->trusted) {
		server_stop(s, 0);
		return -ENOMEM;
	}
	if (cfg->n_trusted)
		memcpy(s->trusted, cfg->trusted, cfg->n_trusted * sizeof *s->trusted);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = (unsigned)(cfg->threads > 0 ? cfg->threads : (cores > 0 ? cores : 2));
	/* A connection's memory pool holds its request headers, the read buffer
	** (bodies are passed on in pieces) and the response headers.
	** libmicrohttpd 0.9.75 zeroes the whole pool after every request, so its
	** default of 32 KiB cost several microseconds a request in a claim storm;
	** 16 KiB still leaves room for any sane set of headers. */
	const unsigned pool_bytes = 16 * 1024;
	s->daemon = MHD_start_daemon(
	    MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, accept_policy,
	    s, access_handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_NOTIFY_COMPLETED, request_completed, s, MHD_OPTION_NOTIFY_CONNECTION, connection_notify, s,
	    MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s ? cfg->timeout_s : 30u, MHD_OPTION_CONNECTION_LIMIT,
	    cfg->max_connections ? cfg->max_connections : 4000u, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)pool_bytes, MHD_OPTION_END);
	if (!s->daemon) {
		server_stop(s, 0);
		return -EADDRINUSE;
	}
	if (pthread_create(&s->reaper, NULL, reaper_run, s) != 0) {
		server_stop(s, 0);
		return -EAGAIN;
	}
	s->reaper_started = true;
	auth_set_started(clock_now());
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : ntohs(addr.sin_port);
	*ret = s;
	return 0;
}

uint16_t server_port(const struct server *s)
{
	return s->port;
}

void server_stop(struct server *s, int grace_ms)
{
	if (!s)
		return;
	if (s->reaper_started) {
		pthread_mutex_lock(&s->edge_lock);
		s->stopping = true;
		pthread_cond_signal(&s->reaper_wake);
		pthread_mutex_unlock(&s->edge_lock);
		pthread_join(s->reaper, NULL);
	}
	if (s->daemon) {
		/* No MHD_quiesce_daemon(): requests keep being accepted during the
		** grace period and are finished like the rest.  (With epoll,
		** libmicrohttpd 0.9.75 races its own workers removing the listening
		** socket when quiescing or stopping, and panics: hence poll().) */
		events_close_all();
		for (int waited = 0; atomic_load(&s->in_flight) > 0 && waited < grace_ms; waited += 10)
			usleep(10000);
		MHD_stop_daemon(s->daemon);
	}
	for (size_t i = 0; i < s->n_conns; i++)
		db_close(s->conns[i]);
	free(s->conns);
	pthread_mutex_destroy(&s->conns_lock);
	pthread_mutex_destroy(&s->edge_lock);
	pthread_cond_destroy(&s->reaper_wake);
	free(s->trusted);
	free(s->db_path);
	free(s);
}
