/*
** `banyan serve`: open (and migrate) the database, start the domains'
** services (see SERVICE: in tools/mkindex.c), start the server, wait for
** SIGINT/SIGTERM, stop the server, then the services.  The signals are blocked in every thread
** and taken with sigwait() by the main thread alone, so no handler runs in
** a worker in the middle of a request.
*/
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cli.h"
#include "core/clock.h"
#include "core/index.h"
#include "core/log.h"
#include "http/auth.h"
#include "http/internal.h"
#include "http/serve.h"
#include "org/org.h"

/*
** One server per database.  The voucher engine holds stock and limits in
** memory, so a second server on the same file would sell the same stock
** again.  The server holds an flock() on the database file itself for its
** whole life, so no other name of the file (a symlink, a hard link, a bind
** mount) gets past it; the kernel drops it however the process ends (kill -9
** too).  On Linux flock() locks are apart from SQLite's POSIX (fcntl) locks,
** but closing any descriptor of the file drops all of the process's fcntl
** locks: so this descriptor is never closed, and goes only with the process.
**
** DB.lock, named from the database's real path so that every spelling of
** the path finds it, holds the server's PID on its first line, for the
** operator (and the second server's message); after it, at a fixed place,
** the API keys' generation, which `banyan apikey disable|rotate` bumps in the
** shared mapping so the server's key cache drops the key before the command
** returns (no signal to wait for, nothing to race).
*/
struct lock_file {
	char pid[32]; /* "12345\n", NUL-padded */
	_Atomic uint64_t keys_generation;
};

/* DB.lock beside the file db_path names, symlinks resolved; false if the file is not there. */
static bool lock_path(const char *db_path, char *buf, size_t size)
{
	char *real = realpath(db_path, NULL);
	if (!real)
		return false;
	snprintf(buf, size, "%s.lock", real);
	free(real);
	return true;
}

/* Say who serves db_path, from its DB.lock. */
static void say_held(const char *db_path)
{
	char path[4096], holder[32] = "";
	int fd = lock_path(db_path, path, sizeof path) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
		holder[n > 0 ? strcspn(holder, "\n") : 0] = 0;
		close(fd);
	}
	fprintf(stderr,
	        "banyan: %s is already being served by process %s; two servers on one database would each sell"
	        " the same voucher stock: stop the other one first\n",
	        db_path, holder[0] ? holder : "?");
}

/* Take the lock or say who holds it: 0, or -1 after saying why.  *ret_map:
** DB.lock mapped, for auth_apikey_watch(). */
static int lock_take(const char *db_path, struct lock_file **ret_map)
{
	/* A new database starts as an empty file, which SQLite takes for an empty database. */
	int db_fd = open(db_path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (db_fd < 0) {
		fprintf(stderr, "banyan: cannot open %s: %s\n", db_path, strerror(errno));
		return -1;
	}
	if (flock(db_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			say_held(db_path);
		else
			fprintf(stderr, "banyan: cannot lock %s: %s\n", db_path, strerror(errno));
		close(db_fd); /* no SQLite connection of this process has the file open yet */
		return -1;
	}
	char path[4096];
	int fd = lock_path(db_path, path, sizeof path) ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
	struct lock_file *map = MAP_FAILED;
	if (fd >= 0 && ftruncate(fd, sizeof *map) == 0)
		map = mmap(NULL, sizeof *map, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd); /* the mapping stays */
	if (map == MAP_FAILED) {
		fprintf(stderr, "banyan: cannot write the lock file %s.lock: %s\n", db_path, strerror(errno));
		close(db_fd);
		return -1;
	}
	memset(map->pid, 0, sizeof map->pid);
	snprintf(map->pid, sizeof map->pid, "%ld\n", (long)getpid());
	*ret_map = map;
	return 0; /* db_fd stays open, and locked, till the process exits */
}

/*
** On PostgreSQL, one server per database too, for the same reason: a
** session-level advisory lock held on a connection of its own for the
** server's life (the server dies, the connection closes, the lock goes).
** `serve --cluster` leaves the lock alone: several nodes then serve one
** database, sharing sessions, nonces and events through it and each
** background duty done by one node at a time (cluster.c).  API keys changed
** from the shell reach every node through NOTIFY banyan_keys.
*/
static struct db *postgres_lock;
static bool several_nodes; /* serve --cluster */

/* At exit the lock's connection ends cleanly (the server's end, not the kernel's, closes it). */
static void postgres_lock_release(void)
{
	db_close(postgres_lock);
}

static int lock_take_postgres(const char *url, struct lock_file **ret_map)
{
	static struct lock_file local;
	struct db *d;
	int64_t got = 0;
	if (db_open(url, &d) < 0) {
		fprintf(stderr, "banyan: cannot connect to %s\n", url);
		return -1;
	}
	if (db_query_int64(d, &got, "SELECT pg_try_advisory_lock(98971101219712)", NULL) < 0 || !got) {
		fprintf(stderr,
		        "banyan: %s is already being served by another banyan serve; two servers on one database would"
		        " each sell the same voucher stock: stop the other one first\n",
		        url);
		db_close(d);
		return -1;
	}
	*ret_map = &local;
	postgres_lock = d; /* open, holding the lock, till the process exits */
	atexit(postgres_lock_release);
	return 0;
}

void serve_keys_changed(const char *db_path)
{
	char path[4096];
	struct stat st;
	if (db_is_postgres(db_path)) { /* every node listens (cluster.c) */
		struct db *d = NULL;
		if (db_open(db_path, &d) == 0 && db_exec(d, "NOTIFY banyan_keys") < 0)
			fprintf(stderr, "banyan: the servers were not told (%s): the change reaches them within 5 s\n",
			        db_errmsg(d));
		db_close(d);
		return;
	}
	int fd = lock_path(db_path, path, sizeof path) ? open(path, O_RDWR | O_CLOEXEC) : -1;
	if (fd < 0)
		return; /* never served: no cache to tell */
	struct lock_file *map = MAP_FAILED;
	if (fstat(fd, &st) == 0 && st.st_size >= (off_t)sizeof *map)
		map = mmap(NULL, sizeof *map, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map != MAP_FAILED) {
		atomic_fetch_add(&map->keys_generation, 1);
		munmap(map, sizeof *map);
	}
	close(fd);
}

/* Refuse a damaged file at start, with SQLite's reason, before anything writes to it. */
static int quick_check(const char *db_path)
{
	struct db *d;
	const char *problem = NULL;
	if (access(db_path, F_OK) != 0)
		return 0; /* a new database */
	if (db_open(db_path, &d) < 0) {
		fprintf(stderr, "banyan: cannot open %s\n", db_path);
		return -1;
	}
	if (db_integrity_check(d, true, &problem) < 0 && !problem)
		problem = db_errmsg(d); /* e.g. "database disk image is malformed" */
	if (problem)
		fprintf(stderr,
		        "banyan: %s is damaged and will not be served: %s\n"
		        "  (restore the last good backup: see docs/operations.md)\n",
		        db_path, problem);
	db_close(d);
	return problem ? -1 : 0;
}

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
	/* The lock is held until the process exits, however it exits. */
	static struct lock_file unlocked;
	struct lock_file *lock_map = &unlocked;
	if (several_nodes && !db_is_postgres(cfg->db_path)) {
		fprintf(stderr, "banyan serve: --cluster needs a PostgreSQL database (--db postgresql://...)\n");
		return 1;
	}
	if (db_is_postgres(cfg->db_path) ? !several_nodes && lock_take_postgres(cfg->db_path, &lock_map) < 0
	                                 : lock_take(cfg->db_path, &lock_map) < 0 || quick_check(cfg->db_path) < 0)
		return 1;
	struct db *d;
	if (org_init_database(cfg->db_path, &d) < 0) {
		fprintf(stderr, "banyan: cannot open or migrate %s\n", cfg->db_path);
		return 1;
	}
	int keyed = audit_key_begin(d);
	db_close(d);
	if (keyed < 0)
		return 1;
	auth_apikey_watch(&lock_map->keys_generation);
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

/* A whole number in [min, max] for option name: 0, or -1 after saying why. */
static int parse_count(const char *name, const char *text, long min, long max, unsigned *ret)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || *end || !*text || v < min || v > max) {
		fprintf(stderr, "banyan serve: --%s must be %ld to %ld\n", name, min, max);
		return -1;
	}
	*ret = (unsigned)v;
	return 0;
}

enum { MAX_TRUSTED = 64 };

/*
** Every --trusted-proxy given (cli_parse() keeps only the last), each a
** comma-separated list of ranges: 0, or -1 after naming the malformed one.
*/
static int parse_trusted(int argc, char **argv, struct cidr *ret, size_t *ret_n)
{
	static const char opt[] = "--trusted-proxy";
	for (int i = 1; i < argc; i++) {
		const char *list = NULL;
		if (strcmp(argv[i], opt) == 0 && i + 1 < argc)
			list = argv[++i];
		else if (strncmp(argv[i], opt, sizeof opt - 1) == 0 && argv[i][sizeof opt - 1] == '=')
			list = argv[i] + sizeof opt;
		for (const char *p = list; p;) {
			size_t len = strcspn(p, ",");
			char one[128];
			snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : sizeof one - 1), p);
			if (len >= sizeof one || *ret_n == MAX_TRUSTED || cidr_parse(one, &ret[*ret_n]) < 0) {
				fprintf(
				    stderr,
				    "banyan serve: --trusted-proxy takes address ranges such as 10.0.0.0/8 or fd00::/8 "
				    "(at most %d); not \"%.*s\"\n",
				    MAX_TRUSTED, (int)len, p);
				return -1;
			}
			++*ret_n;
			p = p[len] == ',' ? p + len + 1 : NULL;
		}
	}
	return 0;
}

/*
** COMMAND: serve
** USAGE: banyan serve [--db PATH] [--listen ADDR:PORT] [--body-limit BYTES] [--threads N] [--quiet] [--secure-cookies] [--audit-key FILE] [--trusted-proxy CIDR[,CIDR...]] [--max-connections N] [--max-connections-per-address N] [--timeout SECONDS] [--request-deadline SECONDS] [--second-factor ROLES] [--cluster]
** SUMMARY: 启动服务 Serve the API (and console) over HTTP
** --listen       address and port, default 127.0.0.1:8080 (port 0: any free port)
** --body-limit   largest request body in bytes, default 1048576 (1 MiB)
** --threads      worker threads, default one per core
** --quiet        no log line per request
** --secure-cookies  the session cookie is Secure and named __Host-banyan_session
**                (implied by --trusted-proxy: the proxy in front serves the console over TLS)
** --audit-key    the audit key file (else $BANYAN_AUDIT_KEY, else DB.audit-key
**                if it exists; see banyan audit keygen): without one the audit
**                chain is plain SHA-256, with a warning; a keyed log needs it
** --trusted-proxy     reverse proxies' ranges, repeatable or comma-separated: only their X-Forwarded-For is believed
** --max-connections   open connections in all, default 4000
** --max-connections-per-address  from one address (not a trusted proxy's), and a forwarded client's requests, default 256
** --timeout           seconds a connection may stay idle, default 30
** --request-deadline  seconds a connection has to send a whole request, default 60
** --second-factor     roles that must log in with a one-time code (TOTP), comma-separated, or none; default admin,security,auditor,leader
** --cluster     one of several nodes serving one PostgreSQL database (scripts/cluster.sh):
**                no single-server lock; each background duty on one node at a time
** Stops cleanly on SIGINT or SIGTERM: requests in flight finish (up to
** 10 s), event streams end, the database is closed.
*/
int cmd_serve(int argc, char **argv)
{
	const char *db_opt = NULL, *listen = "127.0.0.1:8080", *limit = NULL, *threads = NULL, *audit_key = NULL,
	           *words[1];
	const char *second_factor = "admin,security,auditor,leader";
	const char *trusted = NULL, *max_conns = NULL, *per_address = NULL, *timeout = NULL, *deadline = NULL;
	bool quiet = false, secure_cookies = false, cluster = false;
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL},
	                         {"listen", &listen, NULL},
	                         {"body-limit", &limit, NULL},
	                         {"threads", &threads, NULL},
	                         {"quiet", NULL, &quiet},
	                         {"secure-cookies", NULL, &secure_cookies},
	                         {"audit-key", &audit_key, NULL},
	                         {"trusted-proxy", &trusted, NULL},
	                         {"max-connections", &max_conns, NULL},
	                         {"max-connections-per-address", &per_address, NULL},
	                         {"timeout", &timeout, NULL},
	                         {"request-deadline", &deadline, NULL},
	                         {"second-factor", &second_factor, NULL},
	                         {"cluster", NULL, &cluster},
	                         {NULL, NULL, NULL}};
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
	unsigned n_threads = 0;
	struct cidr ranges[MAX_TRUSTED];
	if ((threads && parse_count("threads", threads, 1, 256, &n_threads) < 0) ||
	    (max_conns && parse_count("max-connections", max_conns, 16, 1000000, &cfg.max_connections) < 0) ||
	    (per_address &&
	     parse_count("max-connections-per-address", per_address, 1, 1000000, &cfg.max_per_address) < 0) ||
	    (timeout && parse_count("timeout", timeout, 1, 86400, &cfg.timeout_s) < 0) ||
	    (deadline && parse_count("request-deadline", deadline, 1, 86400, &cfg.request_deadline_s) < 0) ||
	    (trusted && parse_trusted(argc, argv, ranges, &cfg.n_trusted) < 0))
		return EXIT_USAGE;
	cfg.threads = (int)n_threads;
	cfg.trusted = ranges;
	if (totp_require_roles(second_factor) < 0) {
		fprintf(stderr, "banyan serve: --second-factor takes roles of people (admin,security,...) or none\n");
		return EXIT_USAGE;
	}
	cfg.quiet = quiet;
	several_nodes = cluster;
	/* TLS ends at the proxy (docs/operations.md): behind one, the browser talks HTTPS. */
	auth_set_secure_cookies(secure_cookies || cfg.n_trusted > 0);
	log_set_quiet(quiet);
	if (audit_key_load(audit_key, cfg.db_path) < 0)
		return 1;
	return serve_until_signal(&cfg, NULL);
}
