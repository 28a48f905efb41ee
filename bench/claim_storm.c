/*
** claim_storm: a load generator for POST /api/v1/vouchers/claims.  One
** process, one thread, epoll over non-blocking keep-alive HTTP/1.1
** connections (1000 by default), each with one request in flight.  Every
** request is a signed JSON claim (fresh timestamp and nonce, HMAC-SHA256 by
** auth_signature(), the server's own function).
**
** The requests are of three sorts:
**   fresh   a user not seen before (2088 + 12 digits, up to --users, then
**           the numbering wraps round);
**   repeat  (--repeat-percent) a new request_id for a user who already got a
**           201, so the answer should be 409 already_claimed;
**   replay  (--replay-percent) the body of an earlier answered request,
**           request_id included, so the answer should be the first one (same
**           status, same voucher code).  Checked, as "replay mismatches".
** A request whose connection breaks or that times out (--timeout) is sent
** again with the same request_id on a new connection, so that the tool learns
** the answer of every claim it made: the 201s of fresh and repeat requests
** are then the vouchers the server issued.
**
** The clock: connections are opened first, then requests run for --duration
** seconds; requests in flight at the end have --drain seconds to finish.
** Requests/s counts the answers received within --duration.  Latency is from
** the write of a request to the last byte of its answer.
**
** With --presign N --out PREFIX it sends nothing: it writes N signed fresh
** claims (users 0 to N-1, timestamp now, so valid for 300 s) into PREFIX.0
** ... PREFIX.(--files - 1), each request followed by a NUL byte, for
** bench/claim_replay.lua to replay with wrk (one file per wrk thread).
**
** The last line of the output is machine-readable (RESULT key=value ...).
** It also works against bench/bare_server (every answer a 200), which gives
** the reference figure for the same client.
*/
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "http/auth.h"

enum { OUT_CAP = 2048, IN_CAP0 = 4096, IN_MAX = 1 << 20, MAX_TRIES = 5 };
enum { T_FRESH, T_REPEAT, T_REPLAY, NTYPES };
enum { C_201, C_200, C_409_CLAIMED, C_409_SOLD, C_409_OTHER, C_422, C_401, C_4XX, C_5XX, C_OTHER, NCLASSES };
static const char *const class_names[NCLASSES] = {
    "201", "200", "409 already_claimed", "409 sold_out", "409 other", "422", "401", "other 4xx", "5xx", "other",
};
static const char *const class_keys[NCLASSES] = {"c201", "c200", "c409_claimed", "c409_sold", "c409_other",
                                                 "c422", "c401", "c4xx",         "c5xx",      "cother"};

enum conn_state { S_CLOSED, S_CONNECTING, S_OPEN };

struct conn {
	int fd;
	enum conn_state state;
	bool want_out; /* EPOLLOUT registered */
	bool active;   /* a request is in flight (or waiting for a reconnect) */
	uint8_t type;  /* of the active request */
	uint8_t tries;
	uint32_t seq; /* the request's number (its request_id), an index into recs */
	uint32_t user;
	uint64_t sent_ns, retry_at_ns;
	char out[OUT_CAP];
	size_t out_len, out_off;
	char *in;
	size_t in_len, in_cap;
};

/* What became of each fresh or repeat request, for the replays. */
struct rec {
	uint32_t user;
	uint16_t status;
	uint64_t code_hash;
};

static struct {
	const char *host, *path, *key, *secret, *round, *kind;
	int port, connections;
	double duration, timeout, drain, repeat_pct, replay_pct;
	uint32_t users, presign, files;
	const char *out;
	uint64_t seed;
} opt = {
    .files = 2,
    .host = "127.0.0.1",
    .path = "/api/v1/vouchers/claims",
    .key = "bk_bench",
    .secret = "bench",
    .round = "1",
    .kind = "1",
    .port = 0,
    .connections = 1000,
    .duration = 10,
    .timeout = 5,
    .drain = 5,
    .repeat_pct = 10,
    .replay_pct = 1,
    .users = 1000000,
};

static int ep;
static struct conn *conns;
static struct sockaddr_in addr;
static uint64_t rng;
static char run_id[17]; /* random, per run: nonces and request_ids */
static char head[512];  /* the constant part of every request */
static size_t head_len;
static char body_head[128]; /* and of every body */
static size_t body_head_len;
static char ts_text[24];
static time_t ts_now;
static uint64_t nonce_counter;
static crypto_auth_hmacsha256_state sig_base; /* keyed, "POST\n" PATH "\n" absorbed */

static struct rec *recs;
static uint32_t n_recs, cap_recs;
static uint32_t *answered; /* seqs of answered fresh/repeat requests */
static uint32_t n_answered;
static uint32_t *winners; /* users with a 201 */
static uint32_t n_winners;
static uint8_t *has_voucher; /* per user */
static uint32_t next_user;

static uint32_t *lat_us;
static size_t n_lat, cap_lat;

static uint64_t counts[NTYPES][NCLASSES];
static uint64_t in_window, inflight;
static uint64_t err_connect, err_reset, err_timeout, err_proto, retries, unanswered, replay_mismatch, double_claims;
static char sample[NCLASSES][240];

static bool stopping;
static uint64_t t_start, t_deadline, t_hard;

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t rnd(void)
{
	rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static void *grow(void *p, size_t elem, size_t *cap, size_t need)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 1024;
	while (c < need)
		c *= 2;
	p = realloc(p, c * elem);
	if (!p) {
		fprintf(stderr, "claim_storm: out of memory\n");
		exit(1);
	}
	*cap = c;
	return p;
}

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h ? h : 1;
}

static void set_events(struct conn *c, bool out)
{
	if (c->want_out == out)
		return;
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	c->want_out = out;
}

static void conn_close(struct conn *c, uint64_t reopen_at)
{
	if (c->fd >= 0)
		close(c->fd); /* also leaves the epoll set */
	c->fd = -1;
	c->state = S_CLOSED;
	c->in_len = 0;
	c->retry_at_ns = reopen_at;
}

static void conn_open(struct conn *c, uint64_t now)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err_connect++;
		c->retry_at_ns = now + 100000000u;
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->fd = fd;
	c->want_out = true;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 || errno == EINPROGRESS) {
		c->state = S_CONNECTING;
		return;
	}
	err_connect++;
	conn_close(c, now + 50000000u);
}

static void to_hex(char *out, const unsigned char *p, size_t n)
{
	static const char digit[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++)
		out[2 * i] = digit[p[i] >> 4], out[2 * i + 1] = digit[p[i] & 15];
	out[2 * n] = 0;
}

/* auth_signature() with the key and the constant prefix absorbed once (the
** start-up checks that both give the same). */
static void sign(const char *ts, const char *nonce, const char *body, size_t body_len, char ret_hex[65])
{
	unsigned char hash[crypto_hash_sha256_BYTES], mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(hash, (const unsigned char *)body, body_len);
	to_hex(hex, hash, sizeof hash);
	crypto_auth_hmacsha256_state st = sig_base;
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)nonce, strlen(nonce));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)hex, 2 * sizeof hash);
	crypto_auth_hmacsha256_final(&st, mac);
	to_hex(ret_hex, mac, sizeof mac);
}

static void sign_setup(void)
{
	crypto_auth_hmacsha256_init(&sig_base, (const unsigned char *)opt.secret, strlen(opt.secret));
	crypto_auth_hmacsha256_update(&sig_base, (const unsigned char *)"POST\n", 5);
	crypto_auth_hmacsha256_update(&sig_base, (const unsigned char *)opt.path, strlen(opt.path));
	crypto_auth_hmacsha256_update(&sig_base, (const unsigned char *)"\n", 1);
	const char body[] = "{\"round\":1}";
	char a[65], b[65];
	auth_signature(opt.secret, "POST", opt.path, "1700000000", "nonce-check", body, sizeof body - 1, a);
	sign("1700000000", "nonce-check", body, sizeof body - 1, b);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "claim_storm: the signature differs from auth_signature()\n");
		exit(1);
	}
}

/* The request (c->seq, c->user) with a fresh timestamp and nonce into c->out. */
static char *put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}
#define PUT(p, lit) put(p, lit, sizeof lit - 1)

/* v in decimal, at least width digits (zero-padded) */
static char *put_u(char *p, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;
	do
		tmp[n++] = (char)('0' + v % 10), v /= 10;
	while (v || n < width);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static void build(struct conn *c)
{
	char body[256], nonce[40], sig[65];
	char *b = put(body, body_head, body_head_len);
	b = put_u(b, c->user, 12);
	b = PUT(b, "\",\"request_id\":\"");
	b = put(b, run_id, 16);
	*b++ = '-';
	b = put_u(b, c->seq, 1);
	b = PUT(b, "\"}");
	size_t blen = (size_t)(b - body);

	static const char hexdigit[] = "0123456789abcdef";
	uint64_t k = ++nonce_counter;
	memcpy(nonce, run_id, 16);
	for (int i = 27; i >= 16; i--, k >>= 4)
		nonce[i] = hexdigit[k & 15];
	nonce[28] = 0;
	sign(ts_text, nonce, body, blen, sig);

	char *o = put(c->out, head, head_len);
	o = PUT(o, "Content-Length: ");
	o = put_u(o, blen, 1);
	o = PUT(o, "\r\nX-Banyan-Timestamp: ");
	o = put(o, ts_text, strlen(ts_text));
	o = PUT(o, "\r\nX-Banyan-Nonce: ");
	o = put(o, nonce, 28);
	o = PUT(o, "\r\nX-Banyan-Signature: ");
	o = put(o, sig, 64);
	o = PUT(o, "\r\n\r\n");
	o = put(o, body, blen);
	c->out_len = (size_t)(o - c->out);
	c->out_off = 0;
}

static void new_request(struct conn *c)
{
	uint64_t r = rnd() % 10000;
	double replay = opt.replay_pct * 100, repeat = opt.repeat_pct * 100;
	if (r < replay && n_answered) {
		c->type = T_REPLAY;
		c->seq = answered[rnd() % n_answered];
		c->user = recs[c->seq].user;
	} else {
		if (r < replay + repeat && n_winners) {
			c->type = T_REPEAT;
			c->user = winners[rnd() % n_winners];
		} else {
			c->type = T_FRESH;
			c->user = next_user++ % opt.users;
		}
		size_t cap = cap_recs;
		recs = grow(recs, sizeof *recs, &cap, (size_t)n_recs + 1);
		cap_recs = (uint32_t)cap;
		c->seq = n_recs++;
		recs[c->seq] = (struct rec){.user = c->user};
	}
	c->tries = 0;
	c->active = true;
	inflight++;
}

static void fail(struct conn *c, uint64_t now);

static void send_some(struct conn *c, uint64_t now)
{
	if (c->out_off == 0)
		c->sent_ns = now;
	while (c->out_off < c->out_len) {
		ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (w > 0) {
			c->out_off += (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			set_events(c, true);
			return;
		} else {
			err_reset++;
			fail(c, now);
			return;
		}
	}
	set_events(c, false);
}

/* On an open, idle connection: the pending request again, or the next one. */
static void kick(struct conn *c, uint64_t now)
{
	if (!c->active) {
		if (stopping)
			return;
		new_request(c);
	}
	build(c);
	send_some(c, now);
}

/* The connection broke or timed out: close it and, time allowing, send the
** request again (same request_id) on a new one. */
static void fail(struct conn *c, uint64_t now)
{
	conn_close(c, now);
	if (!c->active)
		return;
	if (++c->tries > MAX_TRIES) {
		c->active = false;
		inflight--;
		unanswered++;
		return;
	}
	retries++;
	c->retry_at_ns = now + 10000000u * c->tries;
}

static void record(struct conn *c, int status, const char *body, size_t body_len, uint64_t now)
{
	int cls;
	if (status == 201)
		cls = C_201;
	else if (status == 200)
		cls = C_200;
	else if (status == 409)
		cls = memmem(body, body_len, "already_claimed", 15) ? C_409_CLAIMED
		      : memmem(body, body_len, "sold_out", 8)       ? C_409_SOLD
		                                                    : C_409_OTHER;
	else if (status == 422)
		cls = C_422;
	else if (status == 401)
		cls = C_401;
	else if (status >= 400 && status < 500)
		cls = C_4XX;
	else if (status >= 500 && status < 600)
		cls = C_5XX;
	else
		cls = C_OTHER;
	counts[c->type][cls]++;
	if (cls != C_201 && cls != C_200 && !sample[cls][0])
		snprintf(sample[cls], sizeof sample[cls], "%d %.*s", status, (int)(body_len < 200 ? body_len : 200),
		         body);

	uint64_t code = 0;
	if (status == 201) {
		const char *k = memmem(body, body_len, "\"code\"", 6);
		if (k) {
			const char *p = k + 6, *end = body + body_len;
			while (p < end && (*p == ' ' || *p == ':'))
				p++;
			if (p < end && *p == '"') {
				const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
				if (q)
					code = hash_bytes(p + 1, (size_t)(q - p - 1));
			}
		}
	}
	struct rec *r = &recs[c->seq];
	if (c->type == T_REPLAY) {
		if (r->status != status || r->code_hash != code)
			replay_mismatch++;
	} else {
		r->status = (uint16_t)status;
		r->code_hash = code;
		static size_t cap_answered, cap_winners;
		size_t cap = cap_answered;
		answered = grow(answered, sizeof *answered, &cap, (size_t)n_answered + 1);
		cap_answered = cap;
		answered[n_answered++] = c->seq;
		if (status == 201) {
			if (has_voucher[c->user]) {
				double_claims++;
			} else {
				has_voucher[c->user] = 1;
				cap = cap_winners;
				winners = grow(winners, sizeof *winners, &cap, (size_t)n_winners + 1);
				cap_winners = cap;
				winners[n_winners++] = c->user;
			}
		}
	}
	lat_us = grow(lat_us, sizeof *lat_us, &cap_lat, n_lat + 1);
	uint64_t us = (now - c->sent_ns) / 1000;
	lat_us[n_lat++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	if (now <= t_deadline)
		in_window++;
	c->active = false;
	inflight--;
}

/* Parse what c->in holds: 1 if a whole answer was taken (and *close says
** whether the server closes), 0 if more is needed, -1 on garbage. */
static int parse(struct conn *c, uint64_t now, bool *close_after)
{
	for (;;) {
		char *buf = c->in, *eoh = memmem(buf, c->in_len, "\r\n\r\n", 4);
		if (!eoh)
			return c->in_len > 65536 ? -1 : 0;
		size_t hlen = (size_t)(eoh - buf) + 4;
		if (c->in_len < 12 || memcmp(buf, "HTTP/1.", 7) != 0)
			return -1;
		int status = atoi(buf + 9);
		long long clen = -1;
		bool chunked = false, close_hdr = buf[7] == '0';
		for (char *line = memchr(buf, '\n', hlen); line && line < eoh;
		     line = memchr(line, '\n', (size_t)(eoh - line))) {
			line++;
			size_t ll = (size_t)(eoh - line);
			if (ll > 15 && strncasecmp(line, "content-length:", 15) == 0)
				clen = strtoll(line + 15, NULL, 10);
			else if (ll > 18 && strncasecmp(line, "transfer-encoding:", 18) == 0)
				chunked = memmem(line, strcspn(line, "\r"), "chunked", 7) != NULL;
			else if (ll > 11 && strncasecmp(line, "connection:", 11) == 0) {
				size_t n = strcspn(line, "\r");
				if (memmem(line, n, "close", 5) || memmem(line, n, "Close", 5))
					close_hdr = true;
				else if (memmem(line, n, "keep-alive", 10) || memmem(line, n, "Keep-Alive", 10))
					close_hdr = false;
			}
		}
		if (status >= 100 && status < 200) { /* 100 Continue: skip it */
			memmove(buf, buf + hlen, c->in_len - hlen);
			c->in_len -= hlen;
			continue;
		}
		size_t total;
		if (chunked) {
			size_t p = hlen;
			for (;;) {
				char *nl = memmem(buf + p, c->in_len - p, "\r\n", 2);
				if (!nl)
					return 0;
				unsigned long long sz = strtoull(buf + p, NULL, 16);
				p = (size_t)(nl - buf) + 2;
				if (sz == 0) {
					char *end = memmem(buf + p, c->in_len - p, "\r\n",
					                   2); /* trailers end with an empty line */
					while (end && end != buf + p) {
						p = (size_t)(end - buf) + 2;
						end = memmem(buf + p, c->in_len - p, "\r\n", 2);
					}
					if (!end)
						return 0;
					total = p + 2;
					break;
				}
				if (sz > IN_MAX)
					return -1;
				p += sz + 2;
				if (p > c->in_len)
					return 0;
			}
		} else if (clen >= 0) {
			if (clen > IN_MAX)
				return -1;
			total = hlen + (size_t)clen;
			if (c->in_len < total)
				return 0;
		} else if (status == 204 || status == 304) {
			total = hlen;
		} else {
			return -1; /* a body up to the close: not from these servers */
		}
		record(c, status, buf + hlen, total - hlen, now);
		memmove(buf, buf + total, c->in_len - total);
		c->in_len -= total;
		*close_after = close_hdr;
		return 1;
	}
}

static void on_readable(struct conn *c, uint64_t now)
{
	for (;;) {
		if (c->in_len == c->in_cap) {
			if (c->in_cap >= IN_MAX) {
				err_proto++;
				fail(c, now);
				return;
			}
			c->in = grow(c->in, 1, &c->in_cap, c->in_cap * 2);
		}
		ssize_t n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			if (c->active)
				err_reset++;
			bool was = c->active;
			fail(c, now);
			if (!was && !stopping)
				c->retry_at_ns = now; /* an idle keep-alive closed: reopen */
			return;
		}
		c->in_len += (size_t)n;
		if (!c->active) { /* bytes nobody asked for */
			err_proto++;
			fail(c, now);
			return;
		}
		bool close_after = false;
		int rc = parse(c, now, &close_after);
		if (rc < 0) {
			err_proto++;
			fail(c, now);
			return;
		}
		if (rc == 1) {
			if (close_after || c->in_len) {
				conn_close(c, stopping ? UINT64_MAX : now);
				return;
			}
			kick(c, now);
			return;
		}
		if ((size_t)n < c->in_cap - (c->in_len - (size_t)n))
			return; /* short read: nothing more now */
	}
}

static void on_event(struct conn *c, uint32_t events, uint64_t now)
{
	if (c->state == S_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err || (events & (EPOLLERR | EPOLLHUP))) {
			err_connect++;
			conn_close(c, now + 50000000u);
			return;
		}
		if (!(events & EPOLLOUT))
			return;
		c->state = S_OPEN;
		set_events(c, false);
		if (t_start) /* before the start, connections only open */
			kick(c, now);
		return;
	}
	if (c->state != S_OPEN)
		return;
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		on_readable(c, now);
		if (c->state != S_OPEN)
			return;
	}
	if ((events & EPOLLOUT) && c->active && c->out_off < c->out_len)
		send_some(c, now);
}

static void update_ts(void)
{
	time_t t = time(NULL);
	if (t != ts_now) {
		ts_now = t;
		snprintf(ts_text, sizeof ts_text, "%lld", (long long)t);
	}
}

/* Timeouts, reconnects. */
static void scan(uint64_t now)
{
	uint64_t limit = (uint64_t)(opt.timeout * 1e9);
	for (int i = 0; i < opt.connections; i++) {
		struct conn *c = &conns[i];
		if (c->state == S_OPEN && c->active && now - c->sent_ns > limit) {
			err_timeout++;
			fail(c, now);
		} else if (c->state == S_CONNECTING && c->sent_ns && now - c->sent_ns > limit) {
			err_connect++;
			conn_close(c, now);
		}
		if (c->state == S_CLOSED && now >= c->retry_at_ns && (c->active || (!stopping && t_start))) {
			conn_open(c, now);
			c->sent_ns = now; /* connect timeout */
		}
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static double pct(double p)
{
	if (!n_lat)
		return 0;
	size_t i = (size_t)(p / 100.0 * (double)n_lat);
	if (i >= n_lat)
		i = n_lat - 1;
	return lat_us[i] / 1000.0;
}

/* --presign: request i, a fresh claim of user i, goes to file i % --files. */
static int presign(void)
{
	FILE *f[64];
	struct conn c = {0};
	char path[4096];
	for (uint32_t i = 0; i < opt.files; i++) {
		snprintf(path, sizeof path, "%s.%u", opt.out, i);
		if (!(f[i] = fopen(path, "w"))) {
			fprintf(stderr, "claim_storm: cannot write %s\n", path);
			return 1;
		}
	}
	for (uint32_t i = 0; i < opt.presign; i++) {
		c.user = c.seq = i;
		build(&c);
		fwrite(c.out, 1, c.out_len, f[i % opt.files]);
		fputc(0, f[i % opt.files]);
	}
	int failed = 0;
	for (uint32_t i = 0; i < opt.files; i++)
		failed |= fclose(f[i]) != 0;
	printf("claim_storm: %u signed claims in %s.0 to .%u (timestamp %s)\n", opt.presign, opt.out, opt.files - 1,
	       ts_text);
	return failed;
}

static void usage(void)
{
	fprintf(stderr, "usage: claim_storm --port P [--host 127.0.0.1] [--connections 1000] [--duration 10]\n"
	                "       [--key KEY_ID] [--secret SECRET] [--round ID] [--kind ID] [--users 1000000]\n"
	                "       [--repeat-percent 10] [--replay-percent 1] [--path /api/v1/vouchers/claims]\n"
	                "       [--timeout 5] [--drain 5] [--seed N]\n"
	                "       claim_storm --presign N --out PREFIX [--files 2] [--port P --key --secret --round --kind]\n");
	exit(2);
}

static bool digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"host", required_argument, 0, 'h'},
	    {"port", required_argument, 0, 'p'},
	    {"connections", required_argument, 0, 'c'},
	    {"duration", required_argument, 0, 'd'},
	    {"key", required_argument, 0, 'k'},
	    {"secret", required_argument, 0, 's'},
	    {"round", required_argument, 0, 'r'},
	    {"kind", required_argument, 0, 'K'},
	    {"users", required_argument, 0, 'u'},
	    {"repeat-percent", required_argument, 0, 'R'},
	    {"replay-percent", required_argument, 0, 'P'},
	    {"path", required_argument, 0, 'a'},
	    {"timeout", required_argument, 0, 't'},
	    {"drain", required_argument, 0, 'D'},
	    {"seed", required_argument, 0, 'S'},
	    {"presign", required_argument, 0, 'n'},
	    {"out", required_argument, 0, 'o'},
	    {"files", required_argument, 0, 'f'},
	    {"help", no_argument, 0, '?'},
	    {0, 0, 0, 0},
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			opt.host = optarg;
			break;
		case 'p':
			opt.port = atoi(optarg);
			break;
		case 'c':
			opt.connections = atoi(optarg);
			break;
		case 'd':
			opt.duration = atof(optarg);
			break;
		case 'k':
			opt.key = optarg;
			break;
		case 's':
			opt.secret = optarg;
			break;
		case 'r':
			opt.round = optarg;
			break;
		case 'K':
			opt.kind = optarg;
			break;
		case 'u':
			opt.users = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'R':
			opt.repeat_pct = atof(optarg);
			break;
		case 'P':
			opt.replay_pct = atof(optarg);
			break;
		case 'a':
			opt.path = optarg;
			break;
		case 't':
			opt.timeout = atof(optarg);
			break;
		case 'D':
			opt.drain = atof(optarg);
			break;
		case 'S':
			opt.seed = strtoull(optarg, NULL, 10);
			break;
		case 'n':
			opt.presign = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'o':
			opt.out = optarg;
			break;
		case 'f':
			opt.files = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || opt.port <= 0 || opt.port > 65535 || opt.connections <= 0 || opt.duration <= 0 ||
	    opt.timeout <= 0 || opt.drain < 0 || opt.users == 0 || opt.users > 1000000000u || opt.repeat_pct < 0 ||
	    opt.replay_pct < 0 || opt.repeat_pct + opt.replay_pct > 100 || !digits(opt.round) || !digits(opt.kind) ||
	    strlen(opt.key) > 100 || strlen(opt.path) > 200 || strlen(opt.round) > 18 || strlen(opt.kind) > 18 ||
	    opt.path[0] != '/' || !opt.presign != !opt.out || opt.files == 0 || opt.files > 64)
		usage();
	addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
	if (inet_pton(AF_INET, opt.host, &addr.sin_addr) != 1) {
		fprintf(stderr, "claim_storm: --host must be an IPv4 address\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* A backstop for the time bound, whatever happens in the loop. */
	alarm((unsigned)(opt.duration + opt.drain + opt.timeout + 10));

	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)opt.connections + 64) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)opt.connections + 64 ? rl.rlim_max : (rlim_t)opt.connections + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	if (sodium_init() < 0) {
		fprintf(stderr, "claim_storm: libsodium does not start\n");
		return 1;
	}
	sign_setup();
	auth_random_hex(run_id, 8);
	rng = opt.seed ? opt.seed : hash_bytes(run_id, 16);
	head_len = (size_t)snprintf(head, sizeof head,
	                            "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
	                            "X-Banyan-Key: %s\r\n",
	                            opt.path, opt.host, opt.port, opt.key);
	body_head_len = (size_t)snprintf(body_head, sizeof body_head, "{\"round\":%s,\"kind\":%s,\"user\":\"2088",
	                                 opt.round, opt.kind);
	update_ts();
	if (opt.presign)
		return presign();
	has_voucher = calloc(opt.users, 1);
	conns = calloc((size_t)opt.connections, sizeof *conns);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!has_voucher || !conns || ep < 0) {
		fprintf(stderr, "claim_storm: cannot set up\n");
		return 1;
	}

	/* Open every connection first (bounded by --timeout). */
	uint64_t t0 = now_ns(), now = t0;
	for (int i = 0; i < opt.connections; i++) {
		struct conn *c = &conns[i];
		c->fd = -1;
		c->in_cap = IN_CAP0;
		c->in = malloc(IN_CAP0);
		if (!c->in)
			return 1;
		conn_open(c, now);
	}
	struct epoll_event evs[512];
	int n_open = 0;
	while (n_open < opt.connections && now - t0 < (uint64_t)(opt.timeout * 1e9)) {
		int n = epoll_wait(ep, evs, 512, 10);
		now = now_ns();
		for (int i = 0; i < n; i++)
			on_event(evs[i].data.ptr, evs[i].events, now);
		n_open = 0;
		for (int i = 0; i < opt.connections; i++)
			n_open += conns[i].state == S_OPEN;
		if (n_open == 0 && err_connect >= (uint64_t)opt.connections && now - t0 > 1000000000u)
			break;
	}
	double connect_ms = (double)(now - t0) / 1e6;
	printf("claim_storm: %d connections to http://%s:%d%s, %.1f s (+ %.1f s drain), %u users, "
	       "repeat %.1f%%, replay %.1f%%\n",
	       opt.connections, opt.host, opt.port, opt.path, opt.duration, opt.drain, opt.users, opt.repeat_pct,
	       opt.replay_pct);
	printf("connected %d/%d in %.1f ms\n", n_open, opt.connections, connect_ms);
	if (n_open == 0) {
		fprintf(stderr, "claim_storm: no connection to %s:%d\n", opt.host, opt.port);
		return 1;
	}

	t_start = now = now_ns();
	t_deadline = t_start + (uint64_t)(opt.duration * 1e9);
	t_hard = t_deadline + (uint64_t)(opt.drain * 1e9);
	update_ts();
	for (int i = 0; i < opt.connections; i++) {
		conns[i].retry_at_ns = 0;
		if (conns[i].state == S_OPEN)
			kick(&conns[i], now);
	}
	uint64_t last_scan = now;
	for (;;) {
		if (!stopping && now >= t_deadline)
			stopping = true;
		if (stopping && (inflight == 0 || now >= t_hard))
			break;
		int n = epoll_wait(ep, evs, 512, 5);
		now = now_ns();
		update_ts();
		for (int i = 0; i < n; i++)
			on_event(evs[i].data.ptr, evs[i].events, now);
		if (now - last_scan >= 20000000u) {
			scan(now);
			last_scan = now;
		}
	}
	unanswered += inflight;
	for (int i = 0; i < opt.connections; i++)
		if (conns[i].fd >= 0)
			close(conns[i].fd);

	qsort(lat_us, n_lat, sizeof *lat_us, cmp_u32);
	double window = opt.duration;
	double rps = (double)in_window / window;
	uint64_t total[NCLASSES] = {0}, all = 0;
	for (int t = 0; t < NTYPES; t++)
		for (int k = 0; k < NCLASSES; k++)
			total[k] += counts[t][k], all += counts[t][k];
	printf("answers      %llu (%llu within %.1f s) = %.0f req/s\n", (unsigned long long)all,
	       (unsigned long long)in_window, window, rps);
	printf("latency ms   p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", pct(50), pct(90), pct(99), pct(99.9),
	       n_lat ? lat_us[n_lat - 1] / 1000.0 : 0);
	printf("%-20s %9s %9s %9s %9s\n", "status", "fresh", "repeat", "replay", "total");
	for (int k = 0; k < NCLASSES; k++) {
		if (!total[k] && k != C_201 && k != C_409_CLAIMED && k != C_409_SOLD && k != C_422 && k != C_401)
			continue;
		printf("  %-18s %9llu %9llu %9llu %9llu\n", class_names[k], (unsigned long long)counts[T_FRESH][k],
		       (unsigned long long)counts[T_REPEAT][k], (unsigned long long)counts[T_REPLAY][k],
		       (unsigned long long)total[k]);
	}
	uint64_t acked = counts[T_FRESH][C_201] + counts[T_REPEAT][C_201];
	printf("claims acknowledged (201, not replays): %llu;  users with a voucher: %u\n", (unsigned long long)acked,
	       n_winners);
	printf("errors: connect %llu, broken %llu, timeouts %llu, protocol %llu; retried %llu; unanswered %llu;"
	       " replay mismatches %llu; double 201s %llu\n",
	       (unsigned long long)err_connect, (unsigned long long)err_reset, (unsigned long long)err_timeout,
	       (unsigned long long)err_proto, (unsigned long long)retries, (unsigned long long)unanswered,
	       (unsigned long long)replay_mismatch, (unsigned long long)double_claims);
	for (int k = 0; k < NCLASSES; k++)
		if (sample[k][0])
			printf("  first %s: %s\n", class_names[k], sample[k]);
	printf("RESULT rps=%.0f p50=%.2f p90=%.2f p99=%.2f p999=%.2f max=%.2f answers=%llu acked=%llu", rps, pct(50),
	       pct(90), pct(99), pct(99.9), n_lat ? lat_us[n_lat - 1] / 1000.0 : 0, (unsigned long long)all, (unsigned long long)acked);
	for (int k = 0; k < NCLASSES; k++)
		printf(" %s=%llu", class_keys[k], (unsigned long long)total[k]);
	printf(" connect_errors=%llu broken=%llu timeouts=%llu protocol=%llu retries=%llu unanswered=%llu"
	       " replay_mismatch=%llu double=%llu\n",
	       (unsigned long long)err_connect, (unsigned long long)err_reset, (unsigned long long)err_timeout,
	       (unsigned long long)err_proto, (unsigned long long)retries, (unsigned long long)unanswered,
	       (unsigned long long)replay_mismatch, (unsigned long long)double_claims);
	return 0;
}
