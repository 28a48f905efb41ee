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
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "core/clock.h"
#include "core/log.h"
#include "http/auth.h"
#include "http/http.h"
#include "http/internal.h"
#include "http/router.h"

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

/* ---- replies ---------------------------------------------------------- */

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
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text) {
		queue_text(r, 500, "application/json",
		           "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}", 56, NULL);
		return;
	}
	queue_text(r, status, "application/json; charset=utf-8", text, strlen(text), NULL);
	free(text);
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
static void reply_error_v(struct request *r, int status, const char *code, const char *field, const char *allow,
                          const char *fmt, va_list ap)
{
	if (r->status)
		return;
	char message[512], text[1400];
	size_t len = 0;
	vsnprintf(message, sizeof message, fmt, ap);
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

void reply_rows(struct request *r, int rc, struct db_stmt *s, json_t *(*row)(struct request *r, struct db_stmt *s),
                int64_t page_limit)
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
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char ip[INET6_ADDRSTRLEN] = "-";
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
	else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, sizeof ip);
	r->ip = arena_strdup(r->arena, ip);
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
	return strncmp(org_path, p->org_path, strlen(p->org_path)) == 0;
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
	if (!r->status)
		dispatch(r);
	return MHD_YES;
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	struct server *s = cls;
	struct request *r = *con_cls;
	if (!r)
		return;
	if (!s->quiet)
		log_info("http method=%s path=%s status=%d us=%lld who=%s id=%s%s", r->method, r->path, r->status,
		         (long long)(clock_monotonic_us() - r->start_us), r->who.name ? r->who.name : "-", r->id,
		         toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
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
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = (unsigned)(cfg->threads > 0 ? cfg->threads : (cores > 0 ? cores : 2));
	/* A connection's memory pool holds its request headers, the read buffer
	** (bodies are passed on in pieces) and the response headers.
	** libmicrohttpd 0.9.75 zeroes the whole pool after every request, so its
	** default of 32 KiB cost several microseconds a request in a claim storm;
	** 16 KiB still leaves room for any sane set of headers. */
	const unsigned pool_bytes = 16 * 1024;
	s->daemon = MHD_start_daemon(
	    MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    access_handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_NOTIFY_COMPLETED, request_completed, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)pool_bytes, MHD_OPTION_END);
	if (!s->daemon) {
		server_stop(s, 0);
		return -EADDRINUSE;
	}
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
	free(s->db_path);
	free(s);
}
