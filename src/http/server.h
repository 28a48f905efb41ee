/*
** The HTTP server: libmicrohttpd with an internal thread pool, one poll() loop
** per thread (its epoll mode can panic at shutdown in 0.9.75; poll measured
** the same under the claim storm).
** Each worker thread opens its own database connection on first use (SQLite
** handles are not shared between threads); all are closed at shutdown.
*/
#ifndef BANYAN_HTTP_SERVER_H
#define BANYAN_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct server;

/* A range of addresses; IPv4 is held as IPv4-mapped IPv6 (::ffff:a.b.c.d/96+n) so one compare serves both. */
struct cidr {
	uint8_t addr[16];
	int bits;
};

/* Parse "10.0.0.0/8", "fd00::/8" or a bare address (all its bits): 0, or -1 when malformed. */
int cidr_parse(const char *text, struct cidr *ret);

struct server_config {
	const char *db_path;
	const char *listen; /* "127.0.0.1:8080"; port 0 picks a free one */
	size_t body_limit;  /* bytes; larger bodies get 413 */
	int threads;        /* worker threads; 0: one per core */
	int quiet;          /* no per-request log lines */
	/* Proxies whose X-Forwarded-For is believed (see request_ip()). */
	const struct cidr *trusted;
	size_t n_trusted;
	/* The limits below: 0 means the default (in brackets). */
	unsigned max_connections; /* open connections in all (4000) */
	unsigned
	    max_per_address; /* connections from one untrusted address; requests in flight per forwarded client (256) */
	unsigned timeout_s;  /* a connection idle this long is closed (30) */
	unsigned request_deadline_s; /* a request's line, headers and body must arrive within this (60) */
};

/* Start serving.  Returns 0 or a negative errno-style code (address in use, ...). */
int server_start(const struct server_config *cfg, struct server **ret);
/* The port actually bound (useful with port 0). */
uint16_t server_port(const struct server *s);
/*
** End the event streams, wait up to grace_ms for requests in flight to
** finish, stop the workers and close every database connection.  NULL is fine.
*/
void server_stop(struct server *s, int grace_ms);

#endif
