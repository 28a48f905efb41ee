/*
** Live events to the console: Server-Sent Events on GET /api/v1/events.
**
** A subscriber is an open response whose content comes from
** events_read(); when it has nothing to send it suspends its connection
** (the pattern libmicrohttpd asks for: a reader that returns 0 must suspend,
** or the server would spin), and events_publish() resumes it.  So a
** thousand open consoles hold no worker thread.  Each subscriber sees only
** events whose organisation path lies in its scope.  A subscriber that
** falls too far behind is closed; the browser's EventSource reconnects.
** A user (or an API key) holds at most STREAMS_PER_CALLER streams at once:
** each holds a connection and a 256 KiB buffer.
** On PostgreSQL an event goes out through NOTIFY and comes back to every
** node's streams (cluster.c), whichever node made it.
*/
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/log.h"
#include "http/cluster.h"
#include "http/internal.h"

enum { SUBSCRIBER_BUFFER = 256 * 1024, KEEPALIVE_SECONDS = 15, STREAMS_PER_CALLER = 8 };

struct subscriber {
	struct subscriber *prev, *next;
	struct MHD_Connection *conn;
	int fd;                      /* the connection's socket, to see whether the browser left */
	int64_t user_id, api_key_id; /* whose stream it is */
	char *scope; /* org path */
	char *buf;
	size_t len;
	bool suspended, closed;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct subscriber *subscribers;
static bool closing; /* shutting down: streams opened now end at once */

static void wake(struct subscriber *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

static void append(struct subscriber *s, const char *text, size_t n)
{
	if (s->closed)
		return;
	if (s->len + n > SUBSCRIBER_BUFFER) {
		s->closed = true; /* too slow: let it reconnect rather than grow without bound */
	} else {
		memcpy(s->buf + s->len, text, n);
		s->len += n;
	}
	wake(s);
}

/* Send an event to this node's streams in org_path's scope, or with user_id > 0 to that user's streams. */
void events_deliver(const char *type, const char *org_path, int64_t user_id, const char *json)
{
	size_t size = strlen(type) + strlen(json) + 32;
	char *text = malloc(size);
	if (text) {
		int n = snprintf(text, size, "event: %s\ndata: %s\n\n", type, json);
		pthread_mutex_lock(&lock);
		for (struct subscriber *s = subscribers; s; s = s->next)
			if (user_id > 0 ? s->user_id == user_id : path_within(org_path, s->scope))
				append(s, text, (size_t)n);
		pthread_mutex_unlock(&lock);
	}
	free(text);
}

/* Every node's streams get the event: through PostgreSQL when several nodes may share it, else directly. */
static void publish(const char *type, const char *org_path, int64_t user_id, json_t *data)
{
	char *json = json_dumps(data, JSON_ANSWER_FLAGS);
	if (json && !cluster_relay(type, org_path, user_id, json))
		events_deliver(type, org_path, user_id, json);
	free(json);
}

void events_publish(const char *type, const char *org_path, json_t *data)
{
	publish(type, org_path, 0, data);
}

void events_publish_user(const char *type, int64_t user_id, json_t *data)
{
	publish(type, NULL, user_id, data);
}

void events_close_all(void)
{
	pthread_mutex_lock(&lock);
	closing = true;
	for (struct subscriber *s = subscribers; s; s = s->next) {
		s->closed = true;
		wake(s);
	}
	pthread_mutex_unlock(&lock);
}

static ssize_t events_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct subscriber *s = cls;
	ssize_t n = 0;
	pthread_mutex_lock(&lock);
	if (s->len > 0) {
		n = (ssize_t)(s->len < max ? s->len : max);
		memcpy(buf, s->buf, (size_t)n);
		memmove(s->buf, s->buf + n, s->len - (size_t)n);
		s->len -= (size_t)n;
	} else if (s->closed) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		s->suspended = true;
		MHD_suspend_connection(s->conn);
	}
	pthread_mutex_unlock(&lock);
	return n;
}

static void events_free(void *cls)
{
	struct subscriber *s = cls;
	pthread_mutex_lock(&lock);
	if (s->prev)
		s->prev->next = s->next;
	else
		subscribers = s->next;
	if (s->next)
		s->next->prev = s->prev;
	pthread_mutex_unlock(&lock);
	free(s->scope);
	free(s->buf);
	free(s);
}

/*
** The live streams of s's caller.  A suspended stream does not notice that
** its browser went (closed the tab, reloaded) until the next write, up to 15 s
** later: a stream whose socket the browser has closed (a peek reads the end
** of the stream, or a reset) is ended now and not counted.  The socket is still
** open while the subscriber is listed: events_free() unlists it, under lock,
** before libmicrohttpd closes it.  Hold lock.
*/
static int streams_of(const struct subscriber *s)
{
	int n = 0;
	for (struct subscriber *o = subscribers; o; o = o->next) {
		if (o->user_id != s->user_id || o->api_key_id != s->api_key_id || o->closed)
			continue;
		char c;
		ssize_t peek = o->fd >= 0 ? recv(o->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) : 1;
		if (peek == 0 || (peek < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			o->closed = true;
			wake(o);
			continue;
		}
		n++;
	}
	return n;
}

/*
** ROUTE: GET /api/v1/events
** AUTH: admin,leader,officer,agent,department,enterprise,merchant,channel
** SUMMARY: 实时事件流(SSE) Live events for the console (Server-Sent Events)
** text/event-stream of the events in the caller's scope, e.g.
** "voucher.counter"; a comment line every 15 s keeps proxies from closing it.
** Not for the security and audit administrators: the events are the business's.
** At most 8 streams per account at once: 429 too_many_streams beyond.
*/
void events_get(struct request *r)
{
	/* Staff follow their service area, as they are served everywhere else (a district 投促局's
	** officer: its district's leads, problems and ceremonies); a department only its own. */
	const char *scope = r->who.role == ROLE_DEPARTMENT ? r->who.org_path : request_area(r);
	struct subscriber *s = calloc(1, sizeof *s);
	if (s) {
		s->conn = r->conn;
		s->scope = strdup(scope);
		s->buf = malloc(SUBSCRIBER_BUFFER);
	}
	if (!s || !s->scope || !s->buf) {
		if (s) {
			free(s->scope);
			free(s->buf);
		}
		free(s);
		reply_error(r, 503, "busy", NULL, "系统繁忙 (out of memory)");
		return;
	}
	/* The first bytes tell the browser the stream is open. */
	memcpy(s->buf, ": banyan events\nretry: 3000\n\n", 29);
	s->len = 29;
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	s->fd = fd ? fd->connect_fd : -1;
	s->user_id = r->who.user_id;
	s->api_key_id = r->who.api_key_id;
	pthread_mutex_lock(&lock);
	if (streams_of(s) >= STREAMS_PER_CALLER) {
		pthread_mutex_unlock(&lock);
		free(s->scope);
		free(s->buf);
		free(s);
		r->retry_after = 5; /* a closed tab's stream is let go at once: the wait is the person's */
		reply_error(r, 429, "too_many_streams", NULL,
		            "实时事件流过多:每个账号最多同时打开 %d 个,请关闭多余的页面 "
		            "(too many live event streams: at most %d per account; close other tabs)",
		            STREAMS_PER_CALLER, STREAMS_PER_CALLER);
		return;
	}
	s->closed = closing;
	s->next = subscribers;
	if (subscribers)
		subscribers->prev = s;
	subscribers = s;
	pthread_mutex_unlock(&lock);
	struct MHD_Response *resp =
	    MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, events_read, s, events_free);
	if (!resp) {
		events_free(s);
		reply_error(r, 503, "busy", NULL, "系统繁忙 (out of memory)");
		return;
	}
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	MHD_add_response_header(resp, "X-Request-Id", r->id);
	MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->status = 200;
}

void events_keepalive(void)
{
	pthread_mutex_lock(&lock);
	for (struct subscriber *s = subscribers; s; s = s->next)
		append(s, ":\n\n", 3);
	pthread_mutex_unlock(&lock);
}
