/*
** The black-box test harness (see client.h).  The server is the real binary
** (BANYAN_BIN), started with port 0; the port is read from its first log line.
*/
#include "client.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <sodium.h>
#include <zlib.h>

#include "db/db.h"
#include "http/auth.h"
#include "org/org.h"

static const char *banyan_bin(void)
{
	const char *bin = getenv("BANYAN_BIN");
	return bin ? bin : "build/banyan";
}

int run_banyan(const char *stdin_text, char *out, size_t out_size, const char *arg, ...)
{
	const char *argv[32];
	int n = 0;
	va_list ap;
	argv[n++] = banyan_bin();
	va_start(ap, arg);
	for (const char *a = arg; a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	int in[2], outp[2];
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(outp), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		close(in[1]);
		close(outp[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	if (stdin_text) {
		ssize_t w = write(in[1], stdin_text, strlen(stdin_text));
		(void)w;
	}
	close(in[1]);
	size_t used = 0;
	char sink[4096];
	for (;;) {
		char *dst = out && used + 1 < out_size ? out + used : sink;
		size_t room = out && used + 1 < out_size ? out_size - used - 1 : sizeof sink;
		ssize_t got = read(outp[0], dst, room);
		if (got <= 0)
			break;
		if (dst != sink)
			used += (size_t)got;
	}
	if (out)
		out[used] = 0;
	close(outp[0]);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int issue_channel_key(struct test_server *s, const char *org, const char *name, char key_id[64], char secret[128])
{
	char out[1024];
	if (run_banyan(NULL, out, sizeof out, "apikey", "add", "--db", s->db, "--org", org, "--role", "channel",
	               "--name", name, NULL) != 0)
		return -1;
	const char *k = strstr(out, "key_id: "), *v = strstr(out, "secret: ");
	if (!k || !v || sscanf(k, "key_id: %63s", key_id) != 1 || sscanf(v, "secret: %127s", secret) != 1)
		return -1;
	return 0;
}

void add_user(struct test_server *s, const char *username, const char *role, const char *org)
{
	char password[128], out[1024];
	snprintf(password, sizeof password, "%s-password\n", username);
	int rc = run_banyan(password, out, sizeof out, "user", "add", "--db", s->db, "--username", username, "--role",
	                    role, "--org", org, "--password-stdin", NULL);
	if (rc != 0)
		fprintf(stderr, "add_user %s: %s\n", username, out);
	assert_int_equal(rc, 0);
}

/*
** A new temporary directory for the database and the log.  Beside a test
** cluster (tests/with_postgres.sh sets BANYAN_TEST_PG_HOST), the database is
** a new PostgreSQL database named after the directory instead of a file.
*/
void server_dir(struct test_server *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/banyan-api-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->log, sizeof s->log, "%s/serve.log", s->dir);
	const char *pg_host = getenv("BANYAN_TEST_PG_HOST");
	if (!pg_host) {
		snprintf(s->db, sizeof s->db, "%s/banyan.db", s->dir);
		return;
	}
	char name[64], sql[128], maintenance[256];
	snprintf(name, sizeof name, "t_%s", s->dir + strlen("/tmp/banyan-api-"));
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	snprintf(maintenance, sizeof maintenance, "postgresql:///banyan?host=%s&user=banyan", pg_host);
	snprintf(s->db, sizeof s->db, "postgresql:///%s?host=%s&user=banyan", name, pg_host);
	struct db *d;
	assert_int_equal(db_open(maintenance, &d), DB_OK);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	assert_int_equal(db_exec(d, sql), DB_OK);
	db_close(d);
}

void server_prepare(struct test_server *s)
{
	server_dir(s);
	assert_int_equal(run_banyan(NULL, NULL, 0, "init", "--db", s->db, NULL), 0);
	char out[512];
	int rc = run_banyan("admin-password\n", out, sizeof out, "user", "add", "--db", s->db, "--username", "admin",
	                    "--role", "admin", "--org", "350100", "--password-stdin", NULL);
	assert_int_equal(rc, 0);
}

/* Run argv (a server) with its output in s->log, and wait up to `seconds` for the port it serves on. */
static void server_spawn(struct test_server *s, const char *const *argv, int seconds)
{
	/* Truncated here, not in the child: a restart must not read the last run's port. */
	int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, 2);
		dup2(fd, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd);
	s->pid = pid;
	/* Wait for the "serving ... on http://127.0.0.1:PORT/" line. */
	for (int tries = 0; tries < seconds * 100 && !s->port; tries++) {
		char buf[4096] = "";
		FILE *f = fopen(s->log, "r");
		if (f) {
			size_t got = fread(buf, 1, sizeof buf - 1, f);
			buf[got] = 0;
			fclose(f);
		}
		const char *p = strstr(buf, "on http://127.0.0.1:");
		if (p)
			s->port = (unsigned)atoi(p + strlen("on http://127.0.0.1:"));
		else
			usleep(10000);
	}
	assert_true(s->port > 0);
}

void server_start_process(struct test_server *s, const char *const *extra_args)
{
	/* Tests log in with passwords alone unless they ask for a second factor (a later --second-factor wins). */
	const char *argv[24] = {banyan_bin(),  "serve",           "--db", s->db, "--listen",
	                        "127.0.0.1:0", "--second-factor", "none"};
	int n = 8;
	for (const char *const *a = extra_args; a && *a && n < 23; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	server_spawn(s, argv, 10);
}

void server_demo_up(struct test_server *s)
{
	server_dir(s);
	const char *argv[] = {banyan_bin(), "demo", "--db", s->db, "--listen", "127.0.0.1:0", NULL};
	/* The demo data first: seconds on SQLite, more under the sanitizers, minutes on PostgreSQL. */
	server_spawn(s, argv, on_postgres() ? 900 : 120);
}

void demo_up_as(struct test_server *s, struct client *c, const char *username)
{
	server_demo_up(s);
	client_init(c, s);
	assert_int_equal(client_login(c, username, "banyan-demo-2020"), 200);
}

void server_up(struct test_server *s)
{
	server_prepare(s);
	server_start_process(s, NULL);
}

int server_stop_process(struct test_server *s)
{
	int status = -1;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, &status, 0);
		s->pid = 0;
		s->port = 0;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void server_down(struct test_server *s)
{
	/* A clean exit: under the sanitizers a leak or an error in the server
	** makes its exit status non-zero, and the log says why.  A server the
	** test has stopped itself (and checked) only leaves its directory. */
	int status = s->pid > 0 ? server_stop_process(s) : 0;
	if (status != 0) {
		char cmd[200];
		snprintf(cmd, sizeof cmd, "tail -40 %s >&2", s->log);
		if (system(cmd) != 0)
			fprintf(stderr, "server exited %d\n", status);
	}
	assert_int_equal(status, 0);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", s->dir);
	assert_int_equal(system(cmd), 0);
}

struct buffer {
	char *data;
	size_t len;
};

struct collector {
	struct buffer body;
	struct response *r;
};

/* An event stream never ends: keep its first bytes and hang up. */
static size_t collect(char *ptr, size_t size, size_t n, void *userdata)
{
	struct collector *col = userdata;
	struct buffer *b = &col->body;
	size_t add = size * n;
	char *grown = realloc(b->data, b->len + add + 1);
	if (!grown)
		return 0;
	memcpy(grown + b->len, ptr, add);
	b->data = grown;
	b->len += add;
	b->data[b->len] = 0;
	return col->r->stream ? 0 : add;
}

static size_t collect_header(char *ptr, size_t size, size_t n, void *userdata)
{
	struct response *r = userdata;
	size_t used = strlen(r->headers), add = size * n;
	if (strncasecmp(ptr, "Content-Type: text/event-stream", 31) == 0 && add >= 31)
		r->stream = true;
	if (used + add + 1 < sizeof r->headers) {
		memcpy(r->headers + used, ptr, add);
		r->headers[used + add] = 0;
	}
	return add;
}

void client_init(struct client *c, struct test_server *s)
{
	memset(c, 0, sizeof *c);
	c->server = s;
	c->curl = curl_easy_init();
	assert_non_null(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, ""); /* in-memory cookie jar */
}

void client_free(struct client *c)
{
	curl_easy_cleanup(c->curl);
	c->curl = NULL;
}

static void send_request(struct client *c, struct response *ret, const char *method, const char *path, const char *body,
                         const char *content_type, const char *const *extra_headers)
{
	CURL *h = c->curl;
	char url[1024], line[512];
	struct collector col = {.r = ret};
	struct curl_slist *headers = NULL;
	memset(ret, 0, sizeof *ret);
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", c->server->port, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		snprintf(line, sizeof line, "Content-Type: %s", content_type ? content_type : "application/json");
		headers = curl_slist_append(headers, line);
	} else {
		/* Back to a body-less request, then name the method. */
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	}
	headers = curl_slist_append(headers, "Expect:");
	if (c->csrf[0]) {
		snprintf(line, sizeof line, "X-CSRF-Token: %s", c->csrf);
		headers = curl_slist_append(headers, line);
	}
	for (const char *const *x = extra_headers; x && *x; x++)
		headers = curl_slist_append(headers, *x);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &col);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, ret);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	CURLcode rc = curl_easy_perform(h);
	curl_slist_free_all(headers);
	if (rc == CURLE_WRITE_ERROR && ret->stream)
		rc = CURLE_OK;
	if (rc != CURLE_OK && c->may_go_unanswered) {
		free(col.body.data);
		ret->body = strdup(""); /* status 0: no answer */
		return;
	}
	if (rc != CURLE_OK)
		fprintf(stderr, "%s %s: %s\n", method, path, curl_easy_strerror(rc));
	assert_int_equal(rc, CURLE_OK);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &ret->status);
	ret->body = col.body.data ? col.body.data : strdup("");
	ret->body_len = col.body.len;
	ret->json = json_loads(ret->body, 0, NULL);
}

void client_request(struct client *c, struct response *ret, const char *method, const char *path, const char *body,
                    const char *content_type, const char *const *extra_headers)
{
	send_request(c, ret, method, path, body, content_type, extra_headers);
}

long client_login(struct client *c, const char *username, const char *password)
{
	struct response r;
	json_t *body = json_pack("{s:s, s:s}", "username", username, "password", password);
	char *text = json_dumps(body, 0);
	c->csrf[0] = 0;
	send_request(c, &r, "POST", "/api/v1/session", text, NULL, NULL);
	const char *csrf = json_string_value(json_object_get(r.json, "csrf_token"));
	if (csrf)
		snprintf(c->csrf, sizeof c->csrf, "%s", csrf);
	long status = r.status;
	response_free(&r);
	free(text);
	json_decref(body);
	return status;
}

void client_signed(struct client *c, struct response *ret, const char *method, const char *path, const char *body,
                   long long ts, const char *nonce)
{
	char ts_text[32], nonce_text[65], sig[65], h_key[128], h_ts[64], h_nonce[128], h_sig[128];
	snprintf(ts_text, sizeof ts_text, "%lld", ts ? ts : (long long)time(NULL));
	if (nonce)
		snprintf(nonce_text, sizeof nonce_text, "%s", nonce);
	else
		auth_random_hex(nonce_text, 16);
	/* The signature covers the path without its query string. */
	char bare_path[512];
	snprintf(bare_path, sizeof bare_path, "%.*s", (int)strcspn(path, "?"), path);
	auth_signature(c->secret, method, bare_path, ts_text, nonce_text, body ? body : "", body ? strlen(body) : 0,
	               sig);
	snprintf(h_key, sizeof h_key, "X-Banyan-Key: %s", c->key_id);
	snprintf(h_ts, sizeof h_ts, "X-Banyan-Timestamp: %s", ts_text);
	snprintf(h_nonce, sizeof h_nonce, "X-Banyan-Nonce: %s", nonce_text);
	snprintf(h_sig, sizeof h_sig, "X-Banyan-Signature: %s", sig);
	const char *headers[] = {h_key, h_ts, h_nonce, h_sig, NULL};
	send_request(c, ret, method, path, body, NULL, headers);
}

void response_free(struct response *r)
{
	free(r->body);
	json_decref(r->json);
	r->body = NULL;
	r->json = NULL;
}

static unsigned le16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | (uint32_t)le16(p + 2) << 16;
}

/*
** A zip's central directory names each file with its sizes and where its
** local header is (the local header's own sizes may be left to a trailing
** descriptor): find the end record, walk the directory, inflate the one asked for.
*/
char *xlsx_part(const struct response *r, const char *name)
{
	const unsigned char *z = (const unsigned char *)r->body;
	size_t n = r->body_len, end = n >= 22 ? n - 22 : 0;
	while (end > 0 && le32(z + end) != 0x06054b50)
		end--;
	if (n < 22 || le32(z + end) != 0x06054b50)
		return NULL;
	size_t at = le32(z + end + 16), entries = le16(z + end + 10);
	for (size_t i = 0; i < entries && at + 46 <= n && le32(z + at) == 0x02014b50; i++) {
		unsigned method = le16(z + at + 10), name_len = le16(z + at + 28);
		uint32_t packed = le32(z + at + 20), size = le32(z + at + 24), local = le32(z + at + 42);
		bool match = name_len == strlen(name) && memcmp(z + at + 46, name, name_len) == 0;
		at += 46 + name_len + le16(z + at + 30) + le16(z + at + 32);
		if (!match)
			continue;
		size_t data = local + 30 + le16(z + local + 26) + le16(z + local + 28);
		if (data + packed > n || (method != 0 && method != 8))
			return NULL;
		char *out = calloc(1, (size_t)size + 1);
		if (method == 0) {
			memcpy(out, z + data, size);
			return out;
		}
		z_stream zs = {
		    .next_in = (Bytef *)(z + data), .avail_in = packed, .next_out = (Bytef *)out, .avail_out = size};
		bool ok = inflateInit2(&zs, -MAX_WBITS) == Z_OK && inflate(&zs, Z_FINISH) == Z_STREAM_END;
		inflateEnd(&zs);
		if (ok)
			return out;
		free(out);
		return NULL;
	}
	return NULL;
}

const char *error_code(const struct response *r)
{
	const char *code = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
	return code ? code : "";
}

bool has_header(const struct response *r, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const char *line = r->headers; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "")
		if (strncasecmp(line, prefix, n) == 0)
			return true;
	return false;
}

/* The server's database, through the db interface: a SQLite file or a PostgreSQL database alike. */
struct db *server_db(struct test_server *s)
{
	struct db *d;
	assert_int_equal(db_open(s->db, &d), DB_OK);
	return d;
}

void db_counts(struct test_server *s, const char *const *sql, size_t n, long long *ret)
{
	struct db *d = server_db(s);
	for (size_t i = 0; i < n; i++) {
		int64_t v = -1;
		int r = db_query_int64(d, &v, sql[i], NULL);
		assert_true(r == DB_OK || r == DB_DONE);
		ret[i] = r == DB_OK ? (long long)v : -1;
	}
	db_close(d);
}

json_t *db_json(struct test_server *s, const char *sql)
{
	struct db *d = server_db(s);
	struct db_stmt *st;
	json_t *v = NULL;
	assert_int_equal(db_prepare(d, &st, sql, NULL), DB_OK);
	if (db_step(st) == DB_ROW && db_column_text(st, 0))
		v = json_loads(db_column_text(st, 0), 0, NULL);
	db_finalize(st);
	db_close(d);
	return v;
}

json_t *db_json_rows(struct test_server *s, const char *sql)
{
	struct db *d = server_db(s);
	struct db_stmt *st;
	json_t *rows = json_array();
	assert_int_equal(db_prepare(d, &st, sql, NULL), DB_OK);
	while (db_step(st) == DB_ROW)
		json_array_append_new(rows, db_column_text(st, 0) ? json_loads(db_column_text(st, 0), 0, NULL) : json_null());
	db_finalize(st);
	db_close(d);
	return rows;
}

bool on_postgres(void)
{
	return getenv("BANYAN_TEST_PG_HOST") != NULL;
}

void db_run_sql(struct test_server *s, const char *sql)
{
	struct db *d = server_db(s);
	int rc = db_exec(d, sql);
	if (rc != DB_OK)
		fprintf(stderr, "db_run_sql: %s\n  in: %s\n", db_errmsg(d), sql);
	assert_int_equal(rc, DB_OK);
	db_close(d);
}

int db_run_sql_refused(struct test_server *s, const char *sql)
{
	struct db *d = server_db(s);
	int r = db_exec(d, sql);
	db_close(d);
	return r;
}

long long db_count(struct test_server *s, const char *sql)
{
	long long n;
	db_counts(s, &sql, 1, &n);
	return n;
}

void client_login_as(struct client *c, struct test_server *s, const char *username)
{
	char password[128];
	client_init(c, s);
	snprintf(password, sizeof password, "%s-password", username);
	assert_int_equal(client_login(c, username, password), 200);
}

int enterprise_with_account(struct client *admin, const char *name, const char *credit_code, const char *district,
                            const char *username)
{
	struct response r;
	long status = client_post_json(admin, &r, "/api/v1/enterprises",
	                               json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "credit_code",
	                                         credit_code, "district", district, "industry", "制造", "contact_name",
	                                         "林", "contact_phone", "0591-1"));
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	if (status != 201)
		return -1;
	char path[96];
	snprintf(path, sizeof path, "/api/v1/enterprises/%lld/accounts", id);
	status = client_post_json(admin, &r, path, json_pack("{s:s}", "username", username));
	response_free(&r);
	return status == 200 ? 0 : -1;
}

long client_post_json(struct client *c, struct response *ret, const char *path, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	client_request(c, ret, "POST", path, text, NULL, NULL);
	free(text);
	return ret->status;
}

static long client_vcall(struct client *c, struct response *ret, const char *method, const char *path,
                         const char *fmt, va_list ap)
{
	char body[8192];
	if (fmt)
		vsnprintf(body, sizeof body, fmt, ap);
	client_request(c, ret, method, path, fmt ? body : NULL, NULL, NULL);
	return ret->status;
}

long client_callf(struct client *c, struct response *ret, const char *method, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	long status = client_vcall(c, ret, method, path, fmt, ap);
	va_end(ap);
	return status;
}

long client_statusf(struct client *c, const char *method, const char *path, char code[48], const char *fmt, ...)
{
	struct response r;
	va_list ap;
	va_start(ap, fmt);
	long status = client_vcall(c, &r, method, path, fmt, ap);
	va_end(ap);
	if (code)
		snprintf(code, 48, "%s", status >= 400 ? error_code(&r) : "");
	response_free(&r);
	return status;
}

long long client_createdf(struct client *c, const char *path, const char *fmt, ...)
{
	struct response r;
	va_list ap;
	va_start(ap, fmt);
	long status = client_vcall(c, &r, "POST", path, fmt, ap);
	va_end(ap);
	if (status != 201)
		fail_msg("POST %s: %ld %s", path, status, r.body);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	return id;
}

void totp_code_now(struct test_server *s, const char *username, char out[7])
{
	struct db *d = server_db(s);
	struct db_stmt *st;
	uint8_t key[64];
	size_t n = 0;
	assert_int_equal(db_prepare(d, &st,
	                            "SELECT f.secret FROM second_factors f JOIN users u ON u.id = f.user_id"
	                            " WHERE u.username = ?",
	                            "t", username),
	                 DB_OK);
	if (db_step(st) == DB_ROW) {
		const void *secret = db_column_blob(st, 0, &n);
		if (n <= sizeof key)
			memcpy(key, secret, n);
	}
	db_finalize(st);
	db_close(d);
	assert_true(n > 0);
	snprintf(out, 7, "%06u", totp_code(key, n, (uint64_t)time(NULL) / 30, 6));
}

/* ---- a test's cast --------------------------------------------------- */

void cast_prepare(struct test_server *s, const struct cast_member *cast, size_t n)
{
	server_prepare(s);
	for (size_t i = 0; i < n; i++)
		if (cast[i].role)
			add_user(s, cast[i].username, cast[i].role, cast[i].org);
}

void cast_up(struct test_server *s, const struct cast_member *cast, size_t n, const char *const *extra_args)
{
	cast_prepare(s, cast, n);
	cast_start(s, cast, n, extra_args);
}

void cast_start(struct test_server *s, const struct cast_member *cast, size_t n, const char *const *extra_args)
{
	server_start_process(s, extra_args);
	for (size_t i = 0; i < n; i++)
		if (cast[i].client)
			client_login_as(cast[i].client, s, cast[i].username);
}

void cast_sign_out(const struct cast_member *cast, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cast[i].client)
			client_free(cast[i].client);
}

void cast_down(struct test_server *s, const struct cast_member *cast, size_t n)
{
	cast_sign_out(cast, n);
	server_down(s);
}

struct event_watch {
	char *data;
	size_t len, size;
	const char *want;
	void (*trigger)(void *arg);
	void *arg;
};

static size_t event_collect(char *ptr, size_t size, size_t n, void *userdata)
{
	struct event_watch *w = userdata;
	size_t add = size * n;
	if (w->len + add >= w->size)
		return 0;
	memcpy(w->data + w->len, ptr, add);
	w->len += add;
	w->data[w->len] = 0;
	return strstr(w->data, w->want) ? 0 : add; /* stop (a write error) once it came */
}

static void *event_trigger(void *arg)
{
	struct event_watch *w = arg;
	struct timespec pause = {0, 300 * 1000 * 1000};
	nanosleep(&pause, NULL);
	w->trigger(w->arg);
	return NULL;
}

bool client_await_event(struct client *c, const char *want, void (*trigger)(void *arg), void *arg, char *out,
                        size_t size)
{
	struct event_watch w = {out, 0, size, want, trigger, arg};
	out[0] = 0;
	CURL *h = curl_easy_duphandle(c->curl);
	struct curl_slist *cookies = NULL; /* a duplicate handle has no cookies: give it c's session */
	curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &cookies);
	for (struct curl_slist *k = cookies; k; k = k->next)
		curl_easy_setopt(h, CURLOPT_COOKIELIST, k->data);
	curl_slist_free_all(cookies);
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/events", c->server->port);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, event_collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &w);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, NULL);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL); /* else the headers go to the write function, with that pointer */
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	pthread_t t;
	pthread_create(&t, NULL, event_trigger, &w);
	CURLcode rc = curl_easy_perform(h);
	pthread_join(t, NULL);
	char *ctype = NULL;
	curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype);
	bool stream = ctype && strstr(ctype, "text/event-stream");
	curl_easy_cleanup(h);
	return rc == CURLE_WRITE_ERROR && stream && strstr(out, want);
}
