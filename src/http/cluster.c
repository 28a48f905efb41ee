/*
** Several banyan nodes on one PostgreSQL database.
**
** Each node keeps one connection of its own to PostgreSQL, run by one thread:
**
** - Live events: events_publish() hands an event to cluster_relay(), which
**   queues it; the thread sends what is queued as NOTIFY banyan_events (one
**   transaction for all, so a burst costs one commit) and LISTENs on the same
**   channel, so every node, this one too, gets each event and gives it to its
**   own streams (events_deliver()).  A browser sees an event whichever node
**   made it and whichever node it is connected to.
** - The login throttle counts in the database (ratelimit_share()), on a
**   connection of its own.
** - Duties: work that must run on one node at a time (the desk's escalation
**   pass, forgetting old nonces and throttle counts) has an advisory lock each, taken with
**   pg_try_advisory_lock() on this connection and held while it lives.  A node
**   without a lock asks again every CLUSTER_RETRY_SECONDS; when the node
**   holding it dies (SIGKILL too) PostgreSQL sees its connection close and
**   drops the lock, and another node takes the duty within seconds.
**
** This is PostgreSQL's own machinery (NOTIFY, advisory locks, a socket to
** wait on), not SQL of the domains, so it talks libpq directly rather than
** through db.h.  On SQLite (one server per file) nothing runs here: events
** go straight to the streams and this node does every duty.
*/
#include "http/cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/clock.h"
#include "core/index.h"
#include "core/log.h"
#include "db/db.h"
#include "http/auth.h"

enum {
	/* NOTIFY's payload must be shorter than 8,000 bytes; a larger event stays on its node. */
	PAYLOAD_MAX = 7900,
	/* Events queued beyond this (PostgreSQL unreachable) stay on their node. */
	QUEUE_MAX = 10000,
	NONCE_PURGE_SECONDS = 60,
};

/* The duties' advisory locks: after the single-server lock of serve.c (98971101219712). */
#define DUTY_LOCK_BASE 98971101219713LL

static const char *const duty_names[DUTY_COUNT] = {"desk", "vouchers", "nonces"};

struct queued {
	struct queued *next;
	char payload[];
};

static struct {
	pthread_mutex_t lock;
	pthread_t thread;
	int wake[2]; /* a pipe: something queued, or stop */
	bool running, stopping;
	struct queued *head, *tail;
	size_t n_queued;
	char *url;
	PGconn *conn;
	struct db *db;       /* for forgetting nonces, through db.h */
	struct db *throttle; /* the login throttle's, shared by the nodes (auth.c) */
} relay = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = {-1, -1}};

static atomic_bool on_postgres;
static atomic_bool leads[DUTY_COUNT];

bool cluster_leads(enum cluster_duty duty)
{
	return !atomic_load(&on_postgres) || atomic_load(&leads[duty]);
}

bool cluster_relay(const char *type, const char *org_path, int64_t user_id, const char *json)
{
	size_t size = strlen(type) + (org_path ? strlen(org_path) : 0) + strlen(json) + 32;
	if (size > PAYLOAD_MAX)
		return false;
	struct queued *q = malloc(sizeof *q + size);
	if (!q)
		return false;
	snprintf(q->payload, size, "%lld\n%s\n%s\n%s", (long long)user_id, org_path ? org_path : "", type, json);
	q->next = NULL;
	pthread_mutex_lock(&relay.lock);
	bool taken = relay.running && relay.n_queued < QUEUE_MAX;
	if (taken) {
		if (relay.tail)
			relay.tail->next = q;
		else
			relay.head = q;
		relay.tail = q;
		relay.n_queued++;
		/* A full pipe already holds a wake-up. */
		ssize_t unused = write(relay.wake[1], "", 1);
		(void)unused;
	}
	pthread_mutex_unlock(&relay.lock);
	if (!taken)
		free(q);
	return taken;
}

/* A notification's payload back into its parts, to this node's streams. */
static void deliver(char *payload)
{
	char *path = strchr(payload, '\n'), *type = path ? strchr(path + 1, '\n') : NULL;
	char *json = type ? strchr(type + 1, '\n') : NULL;
	if (!json)
		return;
	*path++ = *type++ = *json++ = 0;
	events_deliver(type, *path ? path : NULL, strtoll(payload, NULL, 10), json);
}

static void lose_duties(void)
{
	for (int i = 0; i < DUTY_COUNT; i++)
		if (atomic_exchange(&leads[i], false))
			log_info("cluster: this node no longer does %s (connection to PostgreSQL lost)", duty_names[i]);
}

/* Run sql with up to one text parameter: 1 when it answered the single value true, 0 when it ran, -1 on error. */
static int ask(PGconn *c, const char *sql, const char *param)
{
	PGresult *res = PQexecParams(c, sql, param ? 1 : 0, NULL, param ? &param : NULL, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	int answer = st == PGRES_TUPLES_OK && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0 ? 1
	             : st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK                                       ? 0
	                                                                                                     : -1;
	if (answer < 0)
		log_error("cluster: %s", PQerrorMessage(c));
	PQclear(res);
	return answer;
}

static PGconn *connect_and_listen(void)
{
	PGconn *c = PQconnectdb(relay.url);
	if (PQstatus(c) != CONNECTION_OK || ask(c, "LISTEN banyan_events", NULL) < 0 ||
	    ask(c, "LISTEN banyan_keys", NULL) < 0) {
		log_error("cluster: cannot connect to PostgreSQL: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	auth_apikeys_changed(); /* a key may have changed while nobody listened */
	return c;
}

static void try_duties(PGconn *c)
{
	for (int i = 0; i < DUTY_COUNT; i++) {
		if (atomic_load(&leads[i]))
			continue;
		char key[32];
		snprintf(key, sizeof key, "%lld", DUTY_LOCK_BASE + i);
		if (ask(c, "SELECT pg_try_advisory_lock($1::bigint)", key) == 1) {
			atomic_store(&leads[i], true);
			log_info("cluster: this node now does %s", duty_names[i]);
		}
	}
}

/* Send everything queued as one transaction of NOTIFYs. */
static void send_queued(PGconn *c)
{
	pthread_mutex_lock(&relay.lock);
	struct queued *q = relay.head;
	relay.head = relay.tail = NULL;
	relay.n_queued = 0;
	pthread_mutex_unlock(&relay.lock);
	if (!q)
		return;
	bool ok = ask(c, "BEGIN", NULL) == 0;
	for (struct queued *i = q; ok && i; i = i->next)
		ok = ask(c, "SELECT pg_notify('banyan_events', $1)", i->payload) == 0;
	if (!ok || ask(c, "COMMIT", NULL) < 0) {
		ask(c, "ROLLBACK", NULL);
		log_error("cluster: events not relayed to the other nodes");
	}
	while (q) {
		struct queued *next = q->next;
		free(q);
		q = next;
	}
}

static void *relay_main(void *unused)
{
	(void)unused;
	PGconn *c = relay.conn;
	int64_t next_try = 0, next_purge = 0;
	for (;;) {
		pthread_mutex_lock(&relay.lock);
		bool stopping = relay.stopping;
		pthread_mutex_unlock(&relay.lock);
		if (stopping)
			break;
		if (c && PQstatus(c) != CONNECTION_OK) {
			PQfinish(c);
			c = NULL;
			lose_duties();
		}
		if (!c)
			c = connect_and_listen();
		int64_t now = clock_now();
		if (c && now >= next_try) {
			try_duties(c);
			next_try = now + CLUSTER_RETRY_SECONDS;
		}
		if (c && atomic_load(&leads[DUTY_NONCES]) && now >= next_purge) {
			if (nonces_forget(relay.db, now) < 0 ||
			    db_run(relay.db, "DELETE FROM throttles WHERE first_at + window_s < ?", "i", now) < 0)
				log_error("cluster: old nonces and throttles not forgotten: %s", db_errmsg(relay.db));
			next_purge = now + NONCE_PURGE_SECONDS;
		}
		if (c) {
			send_queued(c);
			if (!PQconsumeInput(c)) {
				log_error("cluster: connection to PostgreSQL lost: %s", PQerrorMessage(c));
				PQfinish(c);
				c = NULL;
				lose_duties();
				continue;
			}
			PGnotify *n;
			while ((n = PQnotifies(c))) {
				if (strcmp(n->relname, "banyan_keys") == 0)
					auth_apikeys_changed(); /* `banyan apikey disable|rotate` (serve_keys_changed) */
				else
					deliver(n->extra);
				PQfreemem(n);
			}
		}
		struct pollfd p[2] = {{relay.wake[0], POLLIN, 0}, {c ? PQsocket(c) : -1, POLLIN, 0}};
		if (poll(p, 2, 1000) > 0 && (p[0].revents & POLLIN)) {
			char drain[256];
			while (read(relay.wake[0], drain, sizeof drain) > 0) {
			}
		}
	}
	relay.conn = c;
	return NULL;
}

static void relay_free(void)
{
	PQfinish(relay.conn); /* the duties' locks go with it */
	relay.conn = NULL;
	lose_duties();
	ratelimit_share(NULL);
	db_close(relay.throttle);
	db_close(relay.db);
	relay.db = relay.throttle = NULL;
	for (int i = 0; i < 2; i++)
		if (relay.wake[i] >= 0)
			close(relay.wake[i]);
	relay.wake[0] = relay.wake[1] = -1;
	free(relay.url);
	relay.url = NULL;
}

/*
** SERVICE: cluster
** SUMMARY: 多节点:实时事件经 PostgreSQL 转发,后台任务只在一个节点运行 Several nodes: events through NOTIFY, one node per duty
** On PostgreSQL only; started before the other services, so the desk finds
** its duty already decided.
*/
int cluster_service(enum service_phase phase, const char *db_path)
{
	if (phase == SERVICE_DEMO || !db_is_postgres(db_path))
		return 0;
	if (phase == SERVICE_STOP) {
		if (!relay.running)
			return 0;
		pthread_mutex_lock(&relay.lock);
		relay.stopping = true;
		pthread_mutex_unlock(&relay.lock);
		ssize_t unused = write(relay.wake[1], "", 1);
		(void)unused;
		pthread_join(relay.thread, NULL);
		pthread_mutex_lock(&relay.lock);
		relay.running = relay.stopping = false;
		/* Events published from now on go to this node's streams at once. */
		while (relay.head) {
			struct queued *next = relay.head->next;
			free(relay.head);
			relay.head = next;
		}
		relay.tail = NULL;
		relay.n_queued = 0;
		pthread_mutex_unlock(&relay.lock);
		relay_free();
		atomic_store(&on_postgres, false);
		return 0;
	}
	relay.url = strdup(db_path);
	if (!relay.url || pipe2(relay.wake, O_CLOEXEC | O_NONBLOCK) < 0 || db_open(db_path, &relay.db) < 0 ||
	    db_open(db_path, &relay.throttle) < 0 || !(relay.conn = connect_and_listen())) {
		relay_free();
		return -1;
	}
	ratelimit_share(relay.throttle);
	/* The duties are decided before the services after this one start. */
	atomic_store(&on_postgres, true);
	try_duties(relay.conn);
	pthread_mutex_lock(&relay.lock);
	relay.running = true;
	pthread_mutex_unlock(&relay.lock);
	if (pthread_create(&relay.thread, NULL, relay_main, NULL) != 0) {
		relay.running = false;
		relay_free();
		atomic_store(&on_postgres, false);
		return -1;
	}
	return 0;
}
