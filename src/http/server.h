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

struct server_config {
	const char *db_path;
	const char *listen; /* "127.0.0.1:8080"; port 0 picks a free one */
	size_t body_limit;  /* bytes; larger bodies get 413 */
	int threads;        /* worker threads; 0: one per core */
	int quiet;          /* no per-request log lines */
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
