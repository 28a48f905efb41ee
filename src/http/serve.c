/*
** `banyan serve`: open (and migrate) the database, start the domains'
** services (see SERVICE: in tools/mkindex.c), start the server, wait for
** SIGINT/SIGTERM, stop the server, then the services.  The signals are blocked in every thread
** and taken with sigwait() by the main thread alone, so no handler runs in
** a worker in the middle of a request.
*/
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cli.h"
#include "core/clock.h"
#include "core/index.h"
#include "core/log.h"
#include "http/auth.h"
#include "http/internal.h"
#include "http/serve.h"
#include "org/org.h"

/* Stop the first n services, last started first. */
static void stop_services(size_t n, const char *db_path)
{
	while (n-- > 0)
		service_table[n].run(SERVICE_STOP, db_path);
}

int serve_until_signal(const struct server_config *cfg, void (*on_ready)(uint16_t port))
{
	/* Tests of what time does (lights turning red, deadlines passing) stop the clock at an instant. */
	const char *frozen = getenv("BANYAN_CLOCK");
	int64_t at;
	if (frozen && clock_parse_iso(frozen, &at) == 0) {
		clock_set_fake(at);
		log_info("clock stopped at %s (BANYAN_CLOCK)", frozen);
	} else if (frozen) {
		fprintf(stderr, "banyan: BANYAN_CLOCK must be an ISO 8601 instant\n");
		return 1;
	}
	struct db *d;
	if (org_init_database(cfg->db_path, &d) < 0) {
		fprintf(stderr, "banyan: cannot open or migrate %s\n", cfg->db_path);
		return 1;
	}
	db_close(d);
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	size_t started = 0;
	for (; started < service_count; started++) {
		if (service_table[started].run(SERVICE_START, cfg->db_path) < 0) {
			fprintf(stderr, "banyan: cannot start %s\n", service_table[started].name);
			stop_services(started, cfg->db_path);
			return 1;
		}
	}
	struct server *s;
	int r = server_start(cfg, &s);
	if (r < 0) {
		fprintf(stderr, "banyan: cannot listen on %s: %s\n", cfg->listen, strerror(-r));
		stop_services(started, cfg->db_path);
		return 1;
	}
	log_info("banyan serving %s on http://127.0.0.1:%u/", cfg->db_path, server_port(s));
	if (on_ready)
		on_ready(server_port(s));
	/* Wait for a signal; meanwhile keep the consoles' event streams alive. */
	int sig;
	struct timespec keepalive = {15, 0};
	while ((sig = sigtimedwait(&signals, NULL, &keepalive)) < 0)
		events_keepalive();
	log_info("signal %d: stopping", sig);
	server_stop(s, 10000);
	stop_services(started, cfg->db_path);
	log_info("stopped");
	return 0;
}

/*
** COMMAND: serve
** USAGE: banyan serve [--db PATH] [--listen ADDR:PORT] [--body-limit BYTES] [--threads N] [--quiet] [--secure-cookies]
** SUMMARY: 启动服务 Serve the API (and console) over HTTP
** --listen       address and port, default 127.0.0.1:8080 (port 0: any free port)
** --body-limit   largest request body in bytes, default 1048576 (1 MiB)
** --threads      worker threads, default one per core
** --quiet        no log line per request
** --secure-cookies  the session cookie is Secure and named __Host-banyan_session
**                (set it when a proxy in front serves the console over TLS)
** Stops cleanly on SIGINT or SIGTERM: requests in flight finish (up to
** 10 s), event streams end, the database is closed.
*/
int cmd_serve(int argc, char **argv)
{
	const char *db_opt = NULL, *listen = "127.0.0.1:8080", *limit = NULL, *threads = NULL, *words[1];
	bool quiet = false, secure_cookies = false;
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL},       {"listen", &listen, NULL}, {"body-limit", &limit, NULL},
	                         {"threads", &threads, NULL}, {"quiet", NULL, &quiet},
	                         {"secure-cookies", NULL, &secure_cookies}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 0, &n))
		return EXIT_USAGE;
	struct server_config cfg = {.db_path = cli_db_path(db_opt), .listen = listen, .body_limit = 1 << 20};
	char *end;
	if (limit) {
		errno = 0;
		unsigned long long v = strtoull(limit, &end, 10);
		if (errno || *end || v < 1024 || v > (1ULL << 30)) {
			fprintf(stderr, "banyan serve: --body-limit must be 1024 to 1073741824 bytes\n");
			return EXIT_USAGE;
		}
		cfg.body_limit = (size_t)v;
	}
	if (threads) {
		long v = strtol(threads, &end, 10);
		if (*end || v < 1 || v > 256) {
			fprintf(stderr, "banyan serve: --threads must be 1 to 256\n");
			return EXIT_USAGE;
		}
		cfg.threads = (int)v;
	}
	cfg.quiet = quiet;
	auth_set_secure_cookies(secure_cookies);
	log_set_quiet(quiet);
	return serve_until_signal(&cfg, NULL);
}
