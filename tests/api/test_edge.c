/*
** test_edge.c - the server's network edge against the real server: whose
** address a request has behind a trusted proxy (X-Forwarded-For), the limits
** on connections per address and in all, the deadline for a whole request
** (slowloris, slow bodies), the cap on a user's event streams, and the
** browser security headers.  Each test starts its own server with the
** options it is about, and checks that /api/v1/health stays answered within
** 100 ms while it is attacked.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "client.h"
#include "http/auth.h"

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- raw sockets: what curl will not do (hold a connection, trickle, come from another address) ---- */

/* A connection to the server from address from (127.0.0.x: all loopback on Linux), or -1. */
static int raw_connect(const struct test_server *s, const char *from)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, from, &a.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	a.sin_port = htons((uint16_t)s->port);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool raw_send(int fd, const char *text)
{
	return send(fd, text, strlen(text), MSG_NOSIGNAL) == (ssize_t)strlen(text);
}

/* Read what arrives within ms (until the peer closes, or once the headers are in when headers_only). */
static size_t raw_read(int fd, char *buf, size_t size, int ms, bool headers_only)
{
	size_t got = 0;
	long long until = now_ms() + ms;
	buf[0] = 0;
	while (got + 1 < size && now_ms() < until) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, (int)(until - now_ms())) <= 0)
			break;
		ssize_t n = recv(fd, buf + got, size - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = 0;
		if (headers_only && strstr(buf, "\r\n\r\n"))
			break;
	}
	return got;
}

/* Has the server closed this connection (end of stream or reset) within ms? */
static bool raw_closed(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char c;
	return poll(&p, 1, ms) > 0 && recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

/* The status of an answer read from a raw connection, or 0. */
static int raw_status(const char *answer)
{
	int status = 0;
	return sscanf(answer, "HTTP/1.%*d %d", &status) == 1 ? status : 0;
}

/* GET /api/v1/health from address from: asserts 200 within 100 ms. */
static void health_within_100ms(const struct test_server *s, const char *from)
{
	long long start = now_ms();
	int fd = raw_connect(s, from);
	assert_true(fd >= 0);
	assert_true(raw_send(fd, "GET /api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
	char buf[2048];
	raw_read(fd, buf, sizeof buf, 1000, true);
	close(fd);
	long long ms = now_ms() - start;
	if (raw_status(buf) != 200 || ms > 100)
		fprintf(stderr, "health from %s: %d after %lld ms\n", from, raw_status(buf), ms);
	assert_int_equal(raw_status(buf), 200);
	assert_true(ms <= 100);
}

/* Does the server's log have a line containing text? */
static bool log_has(const struct test_server *s, const char *text)
{
	char buf[1 << 16];
	FILE *f = fopen(s->log, "r");
	size_t got = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[got] = 0;
	return strstr(buf, text) != NULL;
}

static void start_with(struct test_server *s, const char *const *args)
{
	server_prepare(s);
	add_user(s, "zhang.san", "officer", "350111-tcj");
	add_user(s, "li.si", "officer", "350111-tcj");
	server_start_process(s, args);
}

/* Log in as username with its password (or a wrong one), the request saying it was forwarded for xff. */
static long login_from(struct client *c, const char *username, bool right, const char *xff)
{
	char header[128], body[256];
	snprintf(header, sizeof header, "X-Forwarded-For: %s", xff);
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username,
	         right ? "zhang.san-password" : "wrong-password");
	const char *headers[] = {header, NULL};
	struct response r;
	client_request(c, &r, "POST", "/api/v1/session", body, NULL, headers);
	long status = r.status;
	response_free(&r);
	return status;
}

static long long audit_rows_from(struct test_server *s, const char *actor, const char *ip)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE actor = '%s' AND ip = '%s'", actor, ip);
	return db_count(s, sql);
}

/* ---- trusted proxy --------------------------------------------------- */

/* Behind the proxy every client is 127.0.0.1: one client's failures must not lock out another. */
static void test_failures_from_one_client_do_not_block_another(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, (const char *[]){"--trusted-proxy", "127.0.0.1/32", NULL});
	struct client c;
	client_init(&c, &s);
	for (int i = 0; i < 50; i++) {
		char name[32];
		snprintf(name, sizeof name, "made-up-%d", i);
		assert_int_equal(login_from(&c, name, false, "203.0.113.5"), 401);
	}
	/* The guesser's address is blocked now, even with a right password... */
	assert_int_equal(login_from(&c, "zhang.san", true, "203.0.113.5"), 429);
	/* ...but a user at another address logs in. */
	assert_int_equal(login_from(&c, "zhang.san", true, "198.51.100.7"), 200);
	assert_int_equal(audit_rows_from(&s, "made-up-0", "203.0.113.5"), 1);
	assert_int_equal(audit_rows_from(&s, "made-up-0", "127.0.0.1"), 0);
	client_free(&c);
	server_down(&s);
}

/* An IPv6 client holds a whole /64: its failures count together, whichever of its addresses they come from. */
static void test_an_ipv6_client_counts_by_its_64(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, (const char *[]){"--trusted-proxy", "127.0.0.1/32", NULL});
	struct client c;
	client_init(&c, &s);
	char name[32], address[64];
	for (int i = 0; i < LOGIN_MAX_FAILURES_PER_ADDRESS; i++) {
		snprintf(name, sizeof name, "made-up-%d", i);
		snprintf(address, sizeof address, "2001:db8:1:2:%x::1", i);
		assert_int_equal(login_from(&c, name, false, address), 401);
	}
	assert_int_equal(login_from(&c, "zhang.san", true, "2001:db8:1:2:ffff::9"), 429);
	assert_int_equal(login_from(&c, "zhang.san", true, "2001:db8:1:3::1"), 200);
	client_free(&c);
	server_down(&s);
}

/* Without --trusted-proxy the header is the client's own word: its socket address counts. */
static void test_forwarded_for_is_ignored_from_untrusted_peers(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, NULL);
	struct client c;
	client_init(&c, &s);
	for (int i = 0; i < 50; i++) {
		char name[32], xff[32];
		snprintf(name, sizeof name, "made-up-%d", i);
		snprintf(xff, sizeof xff, "203.0.113.%d", i + 1);
		assert_int_equal(login_from(&c, name, false, xff), 401);
	}
	assert_int_equal(login_from(&c, "zhang.san", true, "198.51.100.7"), 429);
	assert_int_equal(audit_rows_from(&s, "made-up-7", "127.0.0.1"), 1);
	assert_int_equal(audit_rows_from(&s, "made-up-7", "203.0.113.8"), 0);
	client_free(&c);
	server_down(&s);
}

/* A client may write anything to the left of what the proxy appends: the rightmost untrusted hop counts. */
static void test_forwarded_chain_takes_the_rightmost_untrusted_address(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s,
	           (const char *[]){"--trusted-proxy", "10.0.0.0/8,127.0.0.1", "--trusted-proxy", "fd00::/8", NULL});
	struct client c;
	client_init(&c, &s);
	static const struct {
		const char *xff, *recorded;
	} cases[] = {
	    {"192.0.2.66, 198.51.100.7", "198.51.100.7"},           /* spoofed, real */
	    {"198.51.100.8, 10.1.2.3", "198.51.100.8"},             /* real, an inner trusted proxy */
	    {"2001:db8::1, fd00::5", "2001:db8::1"},                /* IPv6, through a trusted IPv6 proxy */
	    {"198.51.100.9, not-an-address", "127.0.0.1"},          /* malformed: the peer */
	    {"198.51.100.10, 10.0.0.1, bad, 10.0.0.2", "10.0.0.2"}, /* the walk stops at the last good one */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "chain-%zu", i);
		assert_int_equal(login_from(&c, name, false, cases[i].xff), 401);
		if (audit_rows_from(&s, name, cases[i].recorded) != 1)
			fprintf(stderr, "X-Forwarded-For: %s should be recorded as %s\n", cases[i].xff,
			        cases[i].recorded);
		assert_int_equal(audit_rows_from(&s, name, cases[i].recorded), 1);
	}
	client_free(&c);
	server_down(&s);
}

static void test_malformed_trusted_proxy_is_a_usage_error(void **state)
{
	(void)state;
	static const char *const bad[] = {"10.0.0.0/33", "10.0.0/8", "fd00::/129", "10.0.0.0/", "127.0.0.1,", "proxy"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[1024];
		int rc = run_banyan(NULL, out, sizeof out, "serve", "--db", "/nonexistent/x.db", "--trusted-proxy",
		                    bad[i], NULL);
		assert_int_equal(rc, 2);
		assert_non_null(strstr(out, "--trusted-proxy"));
	}
}

/* ---- connection limits and the request deadline ---------------------- */

enum { HELD = 40 };

/*
** Open n connections from address from; returns how many the server closed
** within ms (or as soon as enough were), their fds set to -1.
*/
static int open_and_count_refused(const struct test_server *s, const char *from, int fds[], int n, int ms, int enough)
{
	for (int i = 0; i < n; i++) {
		fds[i] = raw_connect(s, from);
		assert_true(fds[i] >= 0);
	}
	int refused = 0;
	for (long long until = now_ms() + ms; refused < enough && now_ms() < until; usleep(10000))
		for (int i = 0; i < n; i++)
			if (fds[i] >= 0 && raw_closed(fds[i], 0)) {
				close(fds[i]);
				fds[i] = -1;
				refused++;
			}
	return refused;
}

static void close_all(int fds[], int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void test_one_address_cannot_take_every_connection(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, (const char *[]){"--max-connections-per-address", "20", "--threads", "2", NULL});
	int fds[HELD];
	int refused = open_and_count_refused(&s, "127.0.0.2", fds, HELD, 3000, HELD - 20);
	/* Two workers accepting at the same instant may each let one more in. */
	if (refused < HELD - 22 || refused > HELD - 20)
		fprintf(stderr, "%d of %d connections refused\n", refused, HELD);
	assert_true(refused >= HELD - 22 && refused <= HELD - 20);
	assert_true(log_has(&s, "connections from 127.0.0.2 refused"));
	/* Another address is served at once; the held connections still work. */
	health_within_100ms(&s, "127.0.0.1");
	int kept = 0;
	while (fds[kept] < 0)
		kept++;
	assert_true(raw_send(fds[kept], "GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"));
	char buf[2048];
	raw_read(fds[kept], buf, sizeof buf, 1000, true);
	assert_int_equal(raw_status(buf), 200);
	/* Once they are closed the address is welcome again. */
	close_all(fds, HELD);
	usleep(200000);
	health_within_100ms(&s, "127.0.0.2");
	server_down(&s);
}

static void test_global_connection_limit(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, (const char *[]){"--max-connections", "30", "--max-connections-per-address", "25", "--threads",
	                                "1", NULL});
	int a[25], b[10];
	assert_int_equal(open_and_count_refused(&s, "127.0.0.2", a, 25, 300, 1), 0);
	/* Five more fit in all; then new connections wait in the listen queue, unanswered. */
	open_and_count_refused(&s, "127.0.0.3", b, 10, 300, 1);
	int fd = raw_connect(&s, "127.0.0.4");
	assert_true(raw_send(fd, "GET /api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
	char buf[2048];
	assert_int_equal(raw_read(fd, buf, sizeof buf, 300, true), 0);
	close_all(a, 25);
	/* The waiting request is answered once connections close. */
	raw_read(fd, buf, sizeof buf, 2000, true);
	assert_int_equal(raw_status(buf), 200);
	close(fd);
	close_all(b, 10);
	server_down(&s);
}

/*
** Trickle one byte every 300 ms into each of n connections opened with start
** (the idle timeout, 2 s, never fires) for up to 6 s, checking health every
** round; returns when every connection was cut, asserting it happened after
** the 2 s deadline and not long after.
*/
static void trickle_until_cut(const struct test_server *s, const char *start, int n)
{
	int fds[16];
	assert_true(n <= 16);
	long long t0 = now_ms();
	for (int i = 0; i < n; i++) {
		fds[i] = raw_connect(s, "127.0.0.2");
		assert_true(fds[i] >= 0);
		assert_true(raw_send(fds[i], start));
	}
	int open = n;
	while (open > 0 && now_ms() - t0 < 6000) {
		usleep(300000);
		for (int i = 0; i < n; i++) {
			if (fds[i] < 0)
				continue;
			if (raw_closed(fds[i], 0) || !raw_send(fds[i], "x")) {
				long long at = now_ms() - t0;
				if (at < 1900 || at > 4000)
					fprintf(stderr, "connection %d cut after %lld ms\n", i, at);
				assert_true(at >= 1900 && at <= 4000);
				close(fds[i]);
				fds[i] = -1;
				open--;
			}
		}
		health_within_100ms(s, "127.0.0.1");
	}
	close_all(fds, n);
	assert_int_equal(open, 0);
	assert_true(log_has(s, "connection from 127.0.0.2 cut: no whole request within 2 s"));
}

static const char *const deadline_args[] = {"--timeout", "2", "--request-deadline", "2", NULL};

static void test_slowloris_is_cut_at_the_deadline(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, deadline_args);
	trickle_until_cut(&s, "GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Slow: ", 10);
	server_down(&s);
}

static void test_slow_body_is_cut_at_the_deadline(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, deadline_args);
	trickle_until_cut(&s,
	                  "POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
	                  "Content-Length: 1000\r\n\r\n{\"username\":\"",
	                  10);
	server_down(&s);
}

/* A keep-alive connection gets the deadline afresh for each request. */
static void test_deadline_counts_from_each_request(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, deadline_args);
	int fd = raw_connect(&s, "127.0.0.2");
	char buf[2048];
	for (int i = 0; i < 4; i++) {
		usleep(800000);
		assert_true(raw_send(fd, "GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n"));
		raw_read(fd, buf, sizeof buf, 1000, true);
		assert_int_equal(raw_status(buf), 200);
	}
	close(fd);
	server_down(&s);
}

/* Behind a trusted proxy a forwarded client is bounded by its requests in flight, the proxy by nothing of its own. */
static void test_forwarded_client_is_bounded_by_requests_in_flight(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, (const char *[]){"--trusted-proxy", "127.0.0.1", "--max-connections-per-address", "4", NULL});
	int fds[6];
	for (int i = 0; i < 6; i++) {
		fds[i] = raw_connect(&s, "127.0.0.1");
		assert_true(fds[i] >= 0);
	}
	/* Four requests whose bodies have not all arrived: in flight. */
	for (int i = 0; i < 4; i++)
		assert_true(raw_send(fds[i],
		                     "POST /api/v1/session HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.5\r\n"
		                     "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"));
	usleep(200000);
	char buf[2048];
	assert_true(raw_send(fds[4], "GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.5\r\n\r\n"));
	raw_read(fds[4], buf, sizeof buf, 500, false);
	assert_int_equal(raw_status(buf), 429);
	assert_non_null(strstr(buf, "Retry-After: "));
	assert_non_null(strstr(buf, "\"too_many_requests\""));
	assert_true(
	    raw_send(fds[5], "GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n"));
	raw_read(fds[5], buf, sizeof buf, 1000, true);
	assert_int_equal(raw_status(buf), 200);
	/* Six connections from the proxy's own address, over the limit of four: none refused. */
	health_within_100ms(&s, "127.0.0.1");
	close_all(fds, 6);
	usleep(200000);
	/* Its requests over, the client is served again. */
	fds[0] = raw_connect(&s, "127.0.0.1");
	assert_true(raw_send(fds[0], "GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.5\r\n\r\n"));
	raw_read(fds[0], buf, sizeof buf, 1000, true);
	assert_int_equal(raw_status(buf), 200);
	close(fds[0]);
	server_down(&s);
}

/* ---- event streams ----------------------------------------------------- */

/* The session cookie ("name=value") of a logged-in client. */
static void session_cookie(struct client *c, char *out, size_t size)
{
	struct curl_slist *cookies = NULL;
	curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &cookies);
	assert_non_null(cookies);
	/* Netscape format: domain, flag, path, secure, expiry, name, value, separated by tabs. */
	const char *f = cookies->data;
	for (int i = 0; i < 5; i++)
		f = strchr(f, '\t') + 1;
	const char *tab = strchr(f, '\t');
	snprintf(out, size, "%.*s=%s", (int)(tab - f), f, tab + 1);
	curl_slist_free_all(cookies);
}

/* Open an event stream with cookie: the connection (status in *ret_status), held open. */
static int open_stream(const struct test_server *s, const char *cookie, int *ret_status, char *buf, size_t size)
{
	int fd = raw_connect(s, "127.0.0.1");
	char req[512];
	snprintf(req, sizeof req, "GET /api/v1/events HTTP/1.1\r\nHost: t\r\nCookie: %s\r\n\r\n", cookie);
	assert_true(raw_send(fd, req));
	raw_read(fd, buf, size, 1000, true);
	*ret_status = raw_status(buf);
	return fd;
}

static void test_event_streams_are_capped_per_user(void **state)
{
	(void)state;
	struct test_server s;
	start_with(&s, NULL);
	struct client zhang, li;
	client_login_as(&zhang, &s, "zhang.san");
	client_login_as(&li, &s, "li.si");
	char zc[256], lc[256], buf[2048];
	session_cookie(&zhang, zc, sizeof zc);
	session_cookie(&li, lc, sizeof lc);
	int fds[8], status;
	for (int i = 0; i < 8; i++) {
		fds[i] = open_stream(&s, zc, &status, buf, sizeof buf);
		assert_int_equal(status, 200);
	}
	int ninth = open_stream(&s, zc, &status, buf, sizeof buf);
	assert_int_equal(status, 429);
	raw_read(ninth, buf + strlen(buf), sizeof buf - strlen(buf), 500, false);
	assert_non_null(strstr(buf, "too_many_streams"));
	close(ninth);
	health_within_100ms(&s, "127.0.0.1");
	/* Another user still gets one. */
	int other = open_stream(&s, lc, &status, buf, sizeof buf);
	assert_int_equal(status, 200);
	close(other);
	/* A closed stream makes room (the server notices at its next write: the keep-alive or an event). */
	close(fds[0]);
	struct response r;
	client_callf(&zhang, &r, "GET", "/api/v1/health", NULL);
	response_free(&r);
	fds[0] = -1;
	close_all(fds, 8);
	usleep(300000);
	int again = open_stream(&s, zc, &status, buf, sizeof buf);
	assert_int_equal(status, 200);
	close(again);
	client_free(&zhang);
	client_free(&li);
	server_down(&s);
}

/* ---- browser security headers ----------------------------------------- */

static void assert_browser_headers(const struct response *r, bool present)
{
	assert_int_equal(has_header(r, "Content-Security-Policy: "), present);
	assert_int_equal(has_header(r, "Referrer-Policy: same-origin"), present);
	if (present) {
		const char *csp = strcasestr(r->headers, "Content-Security-Policy: ");
		const char *eol = strchr(csp, '\n');
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)(eol - csp), csp);
		assert_non_null(strstr(line, "frame-ancestors 'none'"));
		assert_non_null(strstr(line, "script-src 'self'"));
		assert_null(strstr(line, "'unsafe-eval'"));
		/* No inline script ('unsafe-inline' is for styles only). */
		const char *script = strstr(line, "script-src");
		char directive[256];
		snprintf(directive, sizeof directive, "%.*s", (int)strcspn(script, ";"), script);
		assert_null(strstr(directive, "'unsafe-inline'"));
	}
}

static void test_security_headers_go_to_browsers_only(void **state)
{
	(void)state;
	struct test_server s;
	server_prepare(&s);
	char key_id[64], secret[128];
	assert_int_equal(issue_channel_key(&s, "350100-swj", "支付宝", key_id, secret), 0);
	add_user(&s, "zhang.san", "officer", "350111-tcj");
	server_start_process(&s, NULL);
	struct client c;
	struct response r;
	client_init(&c, &s);
	/* The console: its page, a console route, an asset. */
	client_request(&c, &r, "GET", "/", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_browser_headers(&r, true);
	/* No inline script in the page the policy is for. */
	assert_null(strstr(r.body, "<script>"));
	const char *src = strstr(r.body, "<script type=\"module\" crossorigin src=\"");
	assert_non_null(src);
	char asset[256];
	snprintf(asset, sizeof asset, "%.*s", (int)strcspn(src + 39, "\""), src + 39);
	response_free(&r);
	client_request(&c, &r, "GET", asset, NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_browser_headers(&r, true);
	response_free(&r);
	/* API answers to a browser session, and to nobody yet. */
	client_request(&c, &r, "GET", "/api/v1/health", NULL, NULL, NULL);
	assert_browser_headers(&r, true);
	response_free(&r);
	client_free(&c);
	client_login_as(&c, &s, "zhang.san");
	client_callf(&c, &r, "GET", "/api/v1/me", NULL);
	assert_int_equal(r.status, 200);
	assert_browser_headers(&r, true);
	response_free(&r);
	client_free(&c);
	/* A channel's server signing its requests is no browser. */
	client_init(&c, &s);
	snprintf(c.key_id, sizeof c.key_id, "%s", key_id);
	snprintf(c.secret, sizeof c.secret, "%s", secret);
	client_signed(&c, &r, "GET", "/api/v1/me", NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	assert_browser_headers(&r, false);
	response_free(&r);
	client_free(&c);
	server_down(&s);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_failures_from_one_client_do_not_block_another),
	    cmocka_unit_test(test_an_ipv6_client_counts_by_its_64),
	    cmocka_unit_test(test_forwarded_for_is_ignored_from_untrusted_peers),
	    cmocka_unit_test(test_forwarded_chain_takes_the_rightmost_untrusted_address),
	    cmocka_unit_test(test_malformed_trusted_proxy_is_a_usage_error),
	    cmocka_unit_test(test_one_address_cannot_take_every_connection),
	    cmocka_unit_test(test_global_connection_limit),
	    cmocka_unit_test(test_slowloris_is_cut_at_the_deadline),
	    cmocka_unit_test(test_slow_body_is_cut_at_the_deadline),
	    cmocka_unit_test(test_deadline_counts_from_each_request),
	    cmocka_unit_test(test_forwarded_client_is_bounded_by_requests_in_flight),
	    cmocka_unit_test(test_event_streams_are_capped_per_user),
	    cmocka_unit_test(test_security_headers_go_to_browsers_only),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
