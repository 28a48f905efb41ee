/*
** The black-box test harness: start the real `banyan serve` on a free
** loopback port with a fresh database, and talk to it over HTTP with libcurl,
** as a browser or a payment channel would.
*/
#ifndef BANYAN_TESTS_API_CLIENT_H
#define BANYAN_TESTS_API_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

struct test_server {
	char dir[64]; /* temporary directory holding the database and logs */
	char db[256]; /* a file, or a PostgreSQL URL (several hosts, for a cluster) */
	char log[128];
	unsigned port;
	pid_t pid;
};

/* A new temporary directory and an empty database: a file's path, or beside a test cluster a new PostgreSQL database. */
void server_dir(struct test_server *s);
/* Create dir + database (banyan init) and an admin user "admin" / "admin-password". */
void server_prepare(struct test_server *s);
/* Start banyan serve on the prepared database; extra_args may be NULL. */
void server_start_process(struct test_server *s, const char *const *extra_args);
/* A new demo database (banyan demo: the demo's people, password banyan-demo-2020), served. */
void server_demo_up(struct test_server *s);
/* server_prepare + server_start_process. */
void server_up(struct test_server *s);
/* SIGTERM and wait; returns the exit status (or -1). */
int server_stop_process(struct test_server *s);
/* Stop (unless stopped already) and remove the directory. */
void server_down(struct test_server *s);

/* Run `banyan ARGS...` (NULL-terminated) with stdin_text; output captured into out (may be NULL). */
int run_banyan(const char *stdin_text, char *out, size_t out_size, const char *arg, ...);

/* Issue a channel API key through the CLI (banyan apikey add) and read its id and secret: 0 or -1. */
int issue_channel_key(struct test_server *s, const char *org, const char *name, char key_id[64], char secret[128]);

/* Add a user through the CLI: username, role, org code; password is username + "-password". */
void add_user(struct test_server *s, const char *username, const char *role, const char *org);

struct response {
	long status;
	char *body;
	size_t body_len; /* body may hold NULs (a download) */
	json_t *json;    /* parsed body or NULL */
	char headers[4096];
	bool stream; /* text/event-stream: read up to the first bytes, then hung up */
};

struct client {
	void *curl;
	struct test_server *server;
	char csrf[128];
	/* API-key signing, when key_id is set */
	char key_id[64], secret[128];
	/* A transfer that fails (the server killed under it) is status 0 rather than a failed test. */
	bool may_go_unanswered;
};

void client_init(struct client *c, struct test_server *s);
void client_free(struct client *c);

/* Send a request; body may be NULL; content_type NULL means application/json when there is a body.
** extra_headers is NULL or a NULL-terminated list of "Name: value". Sends X-CSRF-Token when known. */
void client_request(struct client *c, struct response *ret, const char *method, const char *path, const char *body,
                    const char *content_type, const char *const *extra_headers);
/* Log in; returns the status; remembers the CSRF token. */
long client_login(struct client *c, const char *username, const char *password);
/* client_init and log in as a user made by add_user() (password username + "-password"); asserts 200. */
void client_login_as(struct client *c, struct test_server *s, const char *username);
/* client_request with a printf-formatted JSON body (NULL fmt: no body); returns the status. */
long client_callf(struct client *c, struct response *ret, const char *method, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/*
** Register an enterprise on the desk as admin (name, credit code, district)
** and let the enterprise account username act for it: 0, or -1 if refused.
*/
int enterprise_with_account(struct client *admin, const char *name, const char *credit_code, const char *district,
                            const char *username);
/* POST body (stolen: a JSON value made with json_pack, for texts a format would mangle); returns the status. */
long client_post_json(struct client *c, struct response *ret, const char *path, json_t *body);
/* The same keeping only the status, and the error code (or "" on success) in code[48] if not NULL. */
long client_statusf(struct client *c, const char *method, const char *path, char code[48], const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* POST a printf-formatted body that must create something: asserts 201 and answers its "id". */
long long client_createdf(struct client *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sign with an API key: send as a channel would (timestamp now unless ts != 0, nonce random unless given). */
void client_signed(struct client *c, struct response *ret, const char *method, const char *path, const char *body,
                   long long ts, const char *nonce);
/* server_demo_up(), then c signed in as one of the demo's people (the demo's password). */
void demo_up_as(struct test_server *s, struct client *c, const char *username);
void response_free(struct response *r);

/*
** Watch c's live events (GET /api/v1/events) as a console does: after 300 ms
** call trigger(arg) on another thread, and read the stream until it holds
** want or 10 s pass.  true when want came (and the answer was an event
** stream); what was read into out (size bytes, NUL-terminated).
*/
bool client_await_event(struct client *c, const char *want, void (*trigger)(void *arg), void *arg, char *out,
                        size_t size);
/* The text of one file of an .xlsx download (e.g. "xl/sharedStrings.xml"), malloc'd; NULL if absent. */
char *xlsx_part(const struct response *r, const char *name);

/*
** A test's cast: the people who sign in, each with the client it uses.  A
** member with a role is made by add_user() (password username + "-password");
** one without, such as "admin", is server_prepare()'s.  A member without a
** client is a user that rows act on and that never signs in.
*/
struct cast_member {
	struct client *client;
	const char *username, *role, *org;
};
#define CAST_SIZE(cast) (sizeof(cast) / sizeof((cast)[0]))

/* server_prepare() and add the cast's users. */
void cast_prepare(struct test_server *s, const struct cast_member *cast, size_t n);
/* cast_prepare(), then cast_start(). */
void cast_up(struct test_server *s, const struct cast_member *cast, size_t n, const char *const *extra_args);
/* Start the server (prepared, users added) and sign every member in. */
void cast_start(struct test_server *s, const struct cast_member *cast, size_t n, const char *const *extra_args);
/* Free every member's client (their sessions die with the server). */
void cast_sign_out(const struct cast_member *cast, size_t n);
/* cast_sign_out() and server_down(). */
void cast_down(struct test_server *s, const struct cast_member *cast, size_t n);

/* The error code of a JSON error response, or "". */
const char *error_code(const struct response *r);
/* Does the response carry a header line that starts with prefix (case-insensitive)? */
bool has_header(const struct response *r, const char *prefix);

/* Count rows of the test database: a number, via the sqlite3 API directly. */
long long db_count(struct test_server *s, const char *sql);
/* The server's database through the db interface (a file or a PostgreSQL database); db_close() it after. */
struct db;
struct db *server_db(struct test_server *s);
/* Run one SQL statement on the test database (setting up what no route may, e.g. an old password hash). */
void db_run_sql(struct test_server *s, const char *sql);
/* Run one SQL statement that the schema must refuse: its db code (DB_CONSTRAINT for a refused row). */
int db_run_sql_refused(struct test_server *s, const char *sql);
/* The JSON text in the first column of the first row, parsed (NULL if none): to read an audit row's detail. */
json_t *db_json(struct test_server *s, const char *sql);
/* The same for every row, as an array (each row's JSON, or null): to read several audit rows' details. */
json_t *db_json_rows(struct test_server *s, const char *sql);
/* Do the servers of this run keep their data in PostgreSQL (tests/with_postgres.sh)? */
bool on_postgres(void);
/* Several counts on one connection: ret[i] for sql[i]. */
void db_counts(struct test_server *s, const char *const *sql, size_t n, long long *ret);

/* The code a user's authenticator shows now (the second factor's key read from the database). */
void totp_code_now(struct test_server *s, const char *username, char out[7]);

#endif
