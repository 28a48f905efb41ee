/*
** What a handler sees of HTTP: the request, its caller (principal), and the
** ways to answer.  Domain code includes this and db/db.h, never
** libmicrohttpd or SQLite.
**
** A handler runs on one of the server's worker threads with r->db, that
** thread's own database connection, and r->arena, freed when the response
** has been sent.  It must answer exactly once, with reply_json() or
** reply_error(); the helpers that read the body answer the error themselves
** and return false (like Redis's lookupKeyReadOrReply), so handlers read
** straight down:
**
**     const char *name;
**     if (!body_string(r, "name", FIELD_REQUIRED, 64, &name))
**         return;
*/
#ifndef BANYAN_HTTP_HTTP_H
#define BANYAN_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/index.h"
#include "db/db.h"

enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN, /* 系统管理员: organisations, users' identities, configuration; not the audit log */
	/* 三员分立 (GB/T 22239-2019 8.1.4.2 d, 8.1.5): the two other administrators, whose accounts
	** only the operator makes (`banyan user add`), and who see none of the business. */
	ROLE_SECURITY, /* 安全管理员: disables and enables accounts, resets passwords and second factors */
	ROLE_AUDITOR,  /* 审计管理员: reads the audit log, nothing else */
	ROLE_LEADER,
	ROLE_OFFICER,
	ROLE_AGENT,
	ROLE_DEPARTMENT,
	ROLE_ENTERPRISE,
	ROLE_MERCHANT,
	ROLE_CHANNEL,
	ROLE_COUNT
};

/* "admin" -> ROLE_ADMIN; ROLE_NONE for an unknown name. */
enum role role_from_name(const char *name);
const char *role_name(enum role role);
const char *role_label_zh(enum role role);
/* May a user account have this role?  Payment channels are machines: API keys only. */
bool role_is_for_people(enum role role);

/* Who is calling: a user with a session, a machine client with an API key, or nobody. */
struct principal {
	enum role role;     /* ROLE_NONE: anonymous */
	int64_t user_id;    /* 0 for an API key */
	int64_t api_key_id; /* 0 for a user */
	const char *name;   /* username, or "apikey:KEY_ID" */
	int64_t org_id;
	const char *org_code;
	const char *org_path;   /* "/350100/350111/": the caller's scope is every org under it */
	int64_t session_id;     /* 0 unless authenticated by session cookie */
	const char *csrf_token; /* the session's CSRF token, when session_id != 0 */
};

enum { MAX_ROUTE_PARAMS = 8 };

struct server;

struct request {
	struct arena *arena;
	struct db *db;
	struct server *server;
	void *conn; /* the MHD connection; only src/http touches it; NULL for a detached request */
	const char *method;
	const char *path;
	const char *ip; /* read it with request_ip(): formatted on first use */
	char id[17];    /* request id, also in the X-Request-Id response header */
	const struct route_def *route;
	int n_params;
	const char *param_names[MAX_ROUTE_PARAMS];
	const char *param_values[MAX_ROUTE_PARAMS];
	char *body;
	size_t body_len, body_cap;
	bool body_too_large;
	json_t *json; /* the parsed body, when the route received one */
	struct principal who;
	const char *set_cookie; /* a Set-Cookie header to add to the response */
	int64_t retry_after;    /* seconds, for a Retry-After header (429, 503) when > 0 */
	/* Set by request_defer(): the answer comes later, written by this on a worker thread. */
	void (*deferred_answer)(struct request *r, void *arg);
	void *deferred_arg;
	int status;     /* 0 until answered */
	char *captured;      /* a detached request's answer (conn == NULL: fuzzing, tests) */
	size_t captured_len;
	int64_t start_us;
	const char *area; /* the caller's service area, once request_area() has looked it up */
};

/*
** Parse the body into r->json, once.  The dispatcher does this before every
** handler except those whose route says BODY: raw, which read a simple body
** their own way on a hot path and call this for anything else.  Answers 400
** itself and returns false when the body is not a JSON object; without a
** body, r->json stays NULL and the answer is true.
*/
bool request_json(struct request *r);

/*
** How answers are written: compact, and reals to 15 significant digits, as
** many as a double holds exactly, so a share of 0.9 reads 0.9 and not
** 0.90000000000000002 (money is integer fen and never a real).
*/
#define JSON_ANSWER_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

/* Answer with a JSON document (stolen: the reply owns it). */
void reply_json(struct request *r, int status, json_t *body);
/*
** value's index among choices (NULL-terminated); -1 when value is NULL (absent,
** nothing answered); -2 having answered 422 code on field, naming the choices.
*/
int choice_or_reply(struct request *r, const char *code, const char *field, const char *value,
                    const char *const *choices);
/* Answer 200 with body (stolen), or, when rc < 0, the database error rc (body dropped). */
void reply_json_or_db_error(struct request *r, int rc, json_t *body);
/* Answer with JSON text already formatted (hot paths that skip building a document). */
void reply_json_text(struct request *r, int status, const char *text, size_t len);

/*
** Append s to buf (of size bytes, holding *len) as the contents of a JSON
** string, escaped.  Returns false when it does not fit.
*/
bool json_escape_into(char *buf, size_t size, size_t *len, const char *s);

/*
** Answer {"error":{"code":code,"message":...,"field":field}} with status.
** The message is for people: Chinese first, then English in parentheses.
** field may be NULL.
*/
void reply_error(struct request *r, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
** Answer later: the handler returns without answering and the connection
** waits, holding no worker thread, until another thread calls
** request_resume() (exactly once).  A worker thread then calls
** answer(r, arg), which replies as a handler does.  Used where a reply must
** wait for a group commit to reach the disk; the thread that commits only
** wakes the request, and the answer is written where the connection lives.
*/
void request_defer(struct request *r, void (*answer)(struct request *r, void *arg), void *arg);
void request_resume(struct request *r);

/*
** The current row of s as a JSON object keyed by the columns' names (their
** SQL aliases), so that a SELECT reads like the answer it makes and nothing
** depends on a column's position.  An alias "a.b" nests ({"a":{"b":…}});
** a suffix says how to read the value: ":bool" (0/1 as false/true), ":time"
** (Unix seconds as ISO 8601 in +08:00), ":date" (a day number as YYYY-MM-DD),
** ":json" (text holding JSON); without one a value keeps its SQL type, NULL
** as null.  A column whose alias starts with "_" is left out: the code reads
** it with db_named_text() and its kin (db.h).
*/
json_t *row_as_json(struct db_stmt *s);
/* row_as_json as a row callback of reply_rows() and rows_into(). */
json_t *row_as_json_of(struct request *r, struct db_stmt *s);

/*
** Answer a list: rc is db_prepare()'s result for s.  Steps s to the end,
** turning each row into JSON with row(r, s), and answers 200
** {"items":[...]}; with page_limit > 0 also "next_cursor", the first
** column of the last row when the page is full (see page_args()).
** Finalizes s; answers the database error if any.
*/
void reply_rows(struct request *r, int rc, struct db_stmt *s, json_t *(*row)(struct request *r, struct db_stmt *s),
                int64_t page_limit);
/* The same with "total" besides: how many rows the list holds across all its pages. */
void reply_counted_rows(struct request *r, int rc, struct db_stmt *s,
                        json_t *(*row)(struct request *r, struct db_stmt *s), int64_t page_limit, int64_t total);

/*
** Put a list into obj under key: rc is db_prepare()'s result for s, each row
** made by row(r, s).  Finalizes s; returns 0 or the database error (the
** caller answers it), for pages that gather several lists into one answer.
*/
int rows_into(struct request *r, json_t *obj, const char *key, int rc, struct db_stmt *s,
              json_t *(*row)(struct request *r, struct db_stmt *s));

/*
** End the request's transaction: commit when rc is 0 (the writes went
** well), roll back otherwise.  Returns true once committed; otherwise
** answers the database error and returns false.
*/
bool db_finish_or_reply(struct request *r, int rc);

/*
** Step s (rc is db_prepare()'s result for it) to its one row.  Returns true
** with s on that row; otherwise finalizes s, answers 404 with code and
** message when there is no row (or the database error), and returns false.
*/
bool db_row_or_reply(struct request *r, int rc, struct db_stmt *s, const char *code, const char *message);

/* 500 for a database failure: logs the detail, tells the caller only the request id. */
void reply_db_error(struct request *r, int db_result);

/* A path parameter ("{id}" in the route pattern) by name; NULL if absent. */
const char *route_param(struct request *r, const char *name);
/* A path parameter that must be a positive integer; answers 404 and returns false otherwise. */
bool route_param_id(struct request *r, const char *name, int64_t *ret);

/* A query-string argument, or NULL. */
const char *query_arg(struct request *r, const char *name);
/* A query-string argument that is an id (0 when absent); answers 422 and returns false otherwise. */
bool query_id(struct request *r, const char *name, int64_t *ret);
/* A header, or NULL. */
const char *request_header(struct request *r, const char *name);
/*
** The client's address as text ("127.0.0.1", "2001:db8::1"): the socket's
** peer, or when the peer is a trusted proxy (serve --trusted-proxy) the
** rightmost X-Forwarded-For address that is not itself a trusted proxy.
*/
const char *request_ip(struct request *r);
/* A cookie, or NULL. */
const char *request_cookie(struct request *r, const char *name);

enum field_flags { FIELD_OPTIONAL = 0, FIELD_REQUIRED = 1 };

/*
** Read a field of the JSON body.  Each returns true with *ret set (to NULL /
** untouched when an optional field is absent or null), or answers 422 naming
** the field and returns false.  Strings are trimmed of nothing and must be
** valid UTF-8 without NUL (jansson guarantees it), 1..max_len bytes when present.
*/
bool body_string(struct request *r, const char *field, int flags, size_t max_len, const char **ret);
bool body_int64(struct request *r, const char *field, int flags, int64_t min, int64_t max, int64_t *ret,
                bool *ret_present);
bool body_bool(struct request *r, const char *field, int flags, bool *ret, bool *ret_present);
/* Refuse any field of the body not in the NULL-terminated list (catches typos). */
bool body_only(struct request *r, const char *const *allowed);

/*
** Pagination by cursor: ?limit=N (1..max, default def) and ?cursor=ID, where
** items are returned in descending id order below the cursor.  Answers 422
** for a bad value.
*/
bool page_args(struct request *r, int def, int max, int64_t *ret_limit, int64_t *ret_cursor);

/*
** Answer a table as a download: format "xlsx" (Excel) or "csv" (UTF-8 with a
** byte-order mark, so Excel reads Chinese).  headers has n_cols titles; rows
** (borrowed) is a JSON array of arrays of strings, numbers or nulls.
** filename has no extension and may be Chinese ("审计日志").
*/
void reply_table(struct request *r, const char *format, const char *filename, const char *const *headers, size_t n_cols,
                 json_t *rows);
/* Answer a download: data (copied) named filename (may be Chinese, with its extension). */
void reply_file(struct request *r, const char *content_type, const char *filename, const void *data, size_t len);

/*
** Answer a download from a row: s (rc is db_prepare()'s result) selects the
** file name, its data and, if there is a third column, its content type
** (else application/octet-stream).  No row: 404 missing_code with the
** message.  Finalizes s.
*/
void reply_file_row(struct request *r, int rc, struct db_stmt *s, const char *missing_code, const char *missing_message);

/* The ?format= of an export: "xlsx" (the default) or "csv"; answers 422 and returns NULL otherwise. */
const char *export_format_arg(struct request *r);

/* A dimension of a statistics table (?by=): its name, its column title in a sheet, the SQL of its key and label. */
struct stats_dimension {
	const char *name, *title, *key, *label;
};
/* The ?by= dimension of the n in dims (dims[0] when absent); answers 422 invalid_filter with message and returns NULL otherwise. */
const struct stats_dimension *stats_dimension_arg(struct request *r, const struct stats_dimension *dims, size_t n,
                                                  const char *message);

/*
** Send a live event (Server-Sent Events, GET /api/v1/events) to every open
** console whose scope contains org_path.  data is borrowed.  Any thread.
*/
void events_publish(const char *type, const char *org_path, json_t *data);
/* The same to every open console of one user (a notice addressed to them). */
void events_publish_user(const char *type, int64_t user_id, json_t *data);

/*
** The part of the tree a member of staff serves: staff sitting in a
** department serve what its parent covers (the city's 行政服务中心 every
** district, a district's 投促局 its district); anyone else their own
** organisation.  Looked up once a request.
*/
const char *request_area(struct request *r);

/* Are two organisation paths on one branch of the tree (one a prefix of the other)? */
bool path_on_branch(const char *a, const char *b);

/* Is the organisation at path inside the subtree at scope (scope a prefix of path)? */
bool path_within(const char *path, const char *scope);

/* The same as an SQL condition on a path expression and a parameter: SQL_ON_BRANCH("o.path", "?1"). */
#define SQL_ON_BRANCH(path, param)                                                                                     \
	"(substr(" path ", 1, length(" param ")) = " param " OR substr(" param ", 1, length(" path ")) = " path ")"

/*
** A list of work in order of urgency, paged by a keyset: the earliest
** deadline first (so the overdue lead), then the rows without one, newest
** first.  SQL_DEADLINE_KEY(t, due) is the ORDER BY key of the rows of alias
** t (id column "id"); SQL_AFTER_DEADLINE(t, due, table, param) keeps the
** rows after the one whose id is param (?cursor, bound NULL when absent).
*/
#define SQL_DEADLINE_KEY(t, due)                                                                                       \
	"CASE WHEN " t "." due " IS NULL THEN 1 ELSE 0 END, coalesce(" t "." due ", 0), CASE WHEN " t "." due          \
	" IS NULL THEN -" t ".id ELSE " t ".id END"
#define SQL_AFTER_DEADLINE(t, due, table, param)                                                                       \
	"(" param " IS NULL OR (" SQL_DEADLINE_KEY(t, due) ") > (SELECT " SQL_DEADLINE_KEY(                            \
	    "k", due) " FROM " table " k WHERE k.id = " param "))"

/*
** A page of the caller's area, newest first: the rows of select (a SELECT …
** FROM … without WHERE) whose organisation path is on the branch of
** request_area(), below ?cursor, at most ?limit (default 50, at most 200),
** each read by row.  The statement comes from AREA_PAGE_SQL(select, id, path).
*/
#define AREA_PAGE_SQL(select, id, path)                                                                                \
	select " WHERE " id " < ?1 AND " SQL_ON_BRANCH(path, "?2") " ORDER BY " id " DESC LIMIT ?3"
void reply_area_page(struct request *r, const char *sql, json_t *(*row)(struct request *r, struct db_stmt *s));

/*
** Does the caller's organisation hold the duty (org_duties)?  Leaders pass on
** GET and HEAD.  Answers 403 wrong_duty itself; for routes whose DUTY depends
** on the caller's role, checked in the handler.
*/
bool duty_allowed(struct request *r, const char *duty);
/* Does the caller's organisation hold the duty: 1, 0, or a db error (nothing answered). */
int duty_held(struct request *r, const char *duty);

/* Is the organisation with this path inside the caller's scope? */
bool principal_scope_contains(const struct principal *p, const char *org_path);

#endif
