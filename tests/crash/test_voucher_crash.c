/*
** test_voucher_crash.c - the voucher claim engine survives SIGKILL.
**
** One open round, one kind (stock 3,000, two per person, split 1,800 / 1,200
** between two channels).  Several cycles of: a claim storm from several
** threads (distinct and repeated users, request ids repeated within a thread,
** between threads and from earlier cycles), SIGKILL of the server at a random
** moment while requests are in flight, then a restart and the invariants:
**   1. every claim a client saw acknowledged (a complete 201 with a code) is
**      in the vouchers table, with its channel, person and request id;
**   2. vouchers of the kind <= stock, and per channel <= its allocation;
**   3. no (channel, person) has more than the per-person limit;
**   4. no duplicate code, no duplicate (channel, request_id); one request id
**      was never acknowledged with two codes;
**   5. re-sending acknowledged request ids after the restart answers the same
**      code (and so does an in-flight request whose claim was committed);
**      a person at the limit is still refused;
**   6. `banyan check --db` passes, and the restarted server loaded every voucher.
** At the end the kind is claimed until sold out: exactly the stock, exactly
** each allocation, and the next claim is 409 sold_out, also after a restart.
**
** BANYAN_CRASH_SEED=N replays the random choices (delays, users, repeats).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "../api/client.h"
#include "core/clock.h"
#include "db/db.h"
#include "http/auth.h"

enum {
	STOCK = 3000,
	LIMIT = 2,
	CYCLES = 6,
	THREADS = 6,
	USERS_PER_CYCLE = 100, /* per channel: at most 200 vouchers a cycle from them */
	VIPS = 8,              /* users that come back every cycle */
	HISTORY = 64,
	MAX_INFLIGHT = 2,
};
static const int allocation[2] = {1800, 1200};

static struct test_server server;
static struct client bureau, channel[2]; /* bureau: the commerce bureau's staff, who run vouchers */
static long long key_db_id[2], round_id, kind_id;
static unsigned seed;

/* ---- acknowledged claims and violations, shared by the storm threads ---- */

struct ack {
	int chan, cycle;
	char user[48], req[64], code[24];
};

static struct {
	pthread_mutex_t lock;
	struct ack *v;
	size_t n, cap;
} acks = {.lock = PTHREAD_MUTEX_INITIALIZER};

static struct {
	pthread_mutex_t lock;
	int n;
	char first[8][512];
} violations = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void violation(const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&violations.lock);
	if (violations.n < 8)
		snprintf(violations.first[violations.n], sizeof violations.first[0], "%s", text);
	violations.n++;
	pthread_mutex_unlock(&violations.lock);
}

static void assert_no_violations(void)
{
	for (int i = 0; i < violations.n && i < 8; i++)
		fprintf(stderr, "violation: %s\n", violations.first[i]);
	assert_int_equal(violations.n, 0);
}

static void ack_add(int chan, int cycle, const char *user, const char *req, const char *code)
{
	pthread_mutex_lock(&acks.lock);
	if (acks.n == acks.cap) {
		acks.cap = acks.cap ? acks.cap * 2 : 1024;
		acks.v = realloc(acks.v, acks.cap * sizeof *acks.v);
	}
	struct ack *a = &acks.v[acks.n++];
	a->chan = chan;
	a->cycle = cycle;
	snprintf(a->user, sizeof a->user, "%s", user);
	snprintf(a->req, sizeof a->req, "%s", req);
	snprintf(a->code, sizeof a->code, "%s", code);
	pthread_mutex_unlock(&acks.lock);
}

/* ---- a claim that never asserts (it runs in threads, and the server dies) ---- */

struct buf {
	char *data;
	size_t len;
};

static size_t collect(char *ptr, size_t size, size_t n, void *userdata)
{
	struct buf *b = userdata;
	size_t add = size * n;
	char *grown = realloc(b->data, b->len + add + 1);
	if (!grown)
		return 0;
	memcpy(grown + b->len, ptr, add);
	b->data = grown;
	b->len += add;
	b->data[b->len] = 0;
	return add;
}

struct answer {
	bool complete; /* a whole HTTP response arrived */
	long status;
	char code[24], error[64];
};

static void raw_claim(struct client *c, unsigned port, const char *user, const char *req, struct answer *ret)
{
	char body[512], url[128], ts[32], nonce[65], sig[65], h[4][160];
	memset(ret, 0, sizeof *ret);
	snprintf(body, sizeof body, "{\"round\":%lld,\"kind\":%lld,\"user\":\"%s\",\"request_id\":\"%s\"}", round_id,
	         kind_id, user, req);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/vouchers/claims", port);
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	auth_random_hex(nonce, 16);
	auth_signature(c->secret, "POST", "/api/v1/vouchers/claims", ts, nonce, body, strlen(body), sig);
	snprintf(h[0], sizeof h[0], "X-Banyan-Key: %s", c->key_id);
	snprintf(h[1], sizeof h[1], "X-Banyan-Timestamp: %s", ts);
	snprintf(h[2], sizeof h[2], "X-Banyan-Nonce: %s", nonce);
	snprintf(h[3], sizeof h[3], "X-Banyan-Signature: %s", sig);
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:");
	for (int i = 0; i < 4; i++)
		headers = curl_slist_append(headers, h[i]);
	struct buf b = {0};
	CURL *e = c->curl;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(e);
	curl_slist_free_all(headers);
	if (rc == CURLE_OK) {
		ret->complete = true;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &ret->status);
		json_t *j = json_loads(b.data ? b.data : "", 0, NULL);
		const char *code = json_string_value(json_object_get(json_object_get(j, "voucher"), "code"));
		const char *err = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
		snprintf(ret->code, sizeof ret->code, "%s", code ? code : "");
		snprintf(ret->error, sizeof ret->error, "%s", err ? err : "");
		json_decref(j);
	}
	free(b.data);
}

/* ---- the storm ---------------------------------------------------------- */

static atomic_bool stop_storm, kill_sent;

struct sent {
	char user[48], req[64], code[24]; /* code: "" unless acknowledged */
};

struct storm {
	int thread, cycle, chan;
	unsigned port, rng;
	size_t acks_before; /* acks of earlier cycles, to repeat */
	struct client c;
	int sent, ok, limited, sold_out, busy, other, broken;
	int n_inflight;
	struct sent inflight[MAX_INFLIGHT]; /* requests that got no complete answer */
	struct sent history[HISTORY];
	int n_history;
};

static void *storm_main(void *arg)
{
	struct storm *st = arg;
	char user[48], req[64], known[24];
	for (int i = 0; !atomic_load(&stop_storm); i++) {
		int pick = (int)(rand_r(&st->rng) % 100);
		known[0] = 0;
		if (pick < 12 && st->n_history > 0) {
			/* The same request again (a retry by the channel). */
			struct sent *h = &st->history[rand_r(&st->rng) %
			                              (unsigned)(st->n_history < HISTORY ? st->n_history : HISTORY)];
			snprintf(user, sizeof user, "%s", h->user);
			snprintf(req, sizeof req, "%s", h->req);
			snprintf(known, sizeof known, "%s", h->code);
		} else if (pick < 20 && st->acks_before > 0) {
			/* A request acknowledged before an earlier crash. */
			pthread_mutex_lock(&acks.lock);
			size_t at = rand_r(&st->rng) % st->acks_before, tries = 0;
			while (acks.v[at].chan != st->chan && tries++ < st->acks_before)
				at = (at + 1) % st->acks_before;
			struct ack a = acks.v[at];
			pthread_mutex_unlock(&acks.lock);
			if (a.chan != st->chan)
				continue;
			snprintf(user, sizeof user, "%s", a.user);
			snprintf(req, sizeof req, "%s", a.req);
			snprintf(known, sizeof known, "%s", a.code);
		} else if (pick < 26) {
			/* The same request id from several threads of a channel at once. */
			snprintf(user, sizeof user, "c%d-dup-%d", st->cycle, i / 4);
			snprintf(req, sizeof req, "c%d-dup-%d", st->cycle, i / 4);
		} else if (pick < 40) {
			/* The same person from several threads at once, each its own request. */
			snprintf(user, sizeof user, "c%d-pair-%d", st->cycle, i / 4);
			snprintf(req, sizeof req, "c%d-t%d-%d", st->cycle, st->thread, i);
		} else if (pick < 48) {
			snprintf(user, sizeof user, "vip-%u", rand_r(&st->rng) % VIPS);
			snprintf(req, sizeof req, "c%d-t%d-%d", st->cycle, st->thread, i);
		} else {
			snprintf(user, sizeof user, "c%d-u%u", st->cycle, rand_r(&st->rng) % USERS_PER_CYCLE);
			snprintf(req, sizeof req, "c%d-t%d-%d", st->cycle, st->thread, i);
		}
		struct answer a;
		bool before_kill = !atomic_load(&kill_sent);
		raw_claim(&st->c, st->port, user, req, &a);
		st->sent++;
		if (!a.complete) {
			/* In flight at the kill (or refused after it): not acknowledged. */
			if (before_kill && !atomic_load(&kill_sent))
				violation("thread %d: %s/%s failed while the server was up", st->thread, user, req);
			if (st->n_inflight < MAX_INFLIGHT) {
				struct sent *f = &st->inflight[st->n_inflight++];
				snprintf(f->user, sizeof f->user, "%s", user);
				snprintf(f->req, sizeof f->req, "%s", req);
				f->code[0] = 0;
			}
			st->broken++;
			break; /* the server is gone: what follows would be refused connections */
		}
		if (a.status == 201 && strlen(a.code) == 18) {
			st->ok++;
			ack_add(st->chan, st->cycle, user, req, a.code);
			if (known[0] && strcmp(known, a.code) != 0)
				violation("channel %d request %s acknowledged %s, repeated got %s", st->chan, req,
				          known, a.code);
		} else {
			if (known[0])
				violation("channel %d request %s acknowledged %s, repeated got %ld %s", st->chan, req,
				          known, a.status, a.error);
			if (a.status == 409 && strcmp(a.error, "already_claimed") == 0)
				st->limited++;
			else if (a.status == 409 && strcmp(a.error, "sold_out") == 0)
				st->sold_out++;
			else if (a.status == 503 && strcmp(a.error, "busy") == 0)
				st->busy++;
			else {
				st->other++;
				violation("thread %d: %s/%s answered %ld %s", st->thread, user, req, a.status, a.error);
			}
		}
		struct sent *h = &st->history[st->n_history++ % HISTORY];
		snprintf(h->user, sizeof h->user, "%s", user);
		snprintf(h->req, sizeof h->req, "%s", req);
		snprintf(h->code, sizeof h->code, "%s", a.status == 201 ? a.code : "");
	}
	return NULL;
}

/* ---- the database, read directly ---------------------------------------- */

struct row {
	char code[24], person[48], req[64];
	long long key;
};

static struct row *rows;
static size_t n_rows;

static int row_by_code(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->code, ((const struct row *)b)->code);
}

/* The server's database through the db interface: a SQLite file or a PostgreSQL database alike. */
static struct db *open_db(void)
{
	struct db *d;
	assert_int_equal(db_open(server.db, &d), DB_OK);
	return d;
}

static void load_rows(void)
{
	struct db *d = open_db();
	struct db_stmt *s;
	free(rows);
	rows = NULL;
	n_rows = 0;
	size_t cap = 0;
	assert_int_equal(db_prepare(d, &s,
	                            "SELECT code, person, request_id, api_key_id FROM vouchers WHERE kind_id = ?", "i",
	                            (int64_t)kind_id),
	                 DB_OK);
	while (db_step(s) == DB_ROW) {
		if (n_rows == cap) {
			cap = cap ? cap * 2 : 1024;
			rows = realloc(rows, cap * sizeof *rows);
		}
		struct row *r = &rows[n_rows++];
		snprintf(r->code, sizeof r->code, "%s", db_column_text(s, 0));
		snprintf(r->person, sizeof r->person, "%s", db_column_text(s, 1));
		snprintf(r->req, sizeof r->req, "%s", db_column_text(s, 2));
		r->key = db_column_int64(s, 3);
	}
	db_finalize(s);
	db_close(d);
	if (n_rows)
		qsort(rows, n_rows, sizeof *rows, row_by_code);
}

static const struct row *find_code(const char *code)
{
	struct row key;
	snprintf(key.code, sizeof key.code, "%s", code);
	return n_rows ? bsearch(&key, rows, n_rows, sizeof *rows, row_by_code) : NULL;
}

static const struct row *find_request(int chan, const char *req)
{
	for (size_t i = 0; i < n_rows; i++)
		if (rows[i].key == key_db_id[chan] && strcmp(rows[i].req, req) == 0)
			return &rows[i];
	return NULL;
}

/* People of the kind whose vouchers are not numbered 1..n: a later claim of
** theirs was committed before an earlier one, and the crash lost the earlier
** (never acknowledged).  Up to max of them, as channel index and person. */
static int seq_gaps(int chans[], char people[][48], int max)
{
	struct db *d = open_db();
	struct db_stmt *s;
	int n = 0;
	assert_int_equal(
	    db_prepare(d, &s,
	               "SELECT api_key_id, person FROM vouchers WHERE kind_id = ? GROUP BY api_key_id, person"
	               " HAVING max(person_seq) > count(*)",
	               "i", (int64_t)kind_id),
	    DB_OK);
	while (db_step(s) == DB_ROW) {
		if (n < max) {
			chans[n] = db_column_int64(s, 0) == key_db_id[0] ? 0 : 1;
			snprintf(people[n], 48, "%s", db_column_text(s, 1));
		}
		n++;
	}
	db_finalize(s);
	db_close(d);
	return n;
}

static long long count(const char *fmt, ...)
{
	char sql[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return db_count(&server, sql);
}

static void log_tail(void)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "tail -30 %s >&2", server.log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no server log)\n");
}

/* Invariants 1 to 4 and 6 (the part that needs no server). */
static void check_database(void)
{
	char out[2048];
	int rc = run_banyan(NULL, out, sizeof out, "check", "--db", server.db, NULL);
	if (rc != 0)
		fprintf(stderr, "banyan check: %s\n", out);
	assert_int_equal(rc, 0);

	load_rows();
	/* 1: every acknowledged claim is there, as it was acknowledged. */
	for (size_t i = 0; i < acks.n; i++) {
		const struct ack *a = &acks.v[i];
		const struct row *r = find_code(a->code);
		if (!r)
			violation("acknowledged %s (channel %d, %s, %s, cycle %d) is not in the database", a->code,
			          a->chan, a->user, a->req, a->cycle);
		else if (r->key != key_db_id[a->chan] || strcmp(r->person, a->user) != 0 || strcmp(r->req, a->req) != 0)
			violation("acknowledged %s as channel %d %s/%s, database has key %lld %s/%s", a->code, a->chan,
			          a->user, a->req, r->key, r->person, r->req);
	}
	/* 4: one request id, one code, whatever the number of answers. */
	for (size_t i = 0; i < acks.n; i++) {
		const struct row *r = find_code(acks.v[i].code);
		const struct row *by_req = r ? find_request(acks.v[i].chan, acks.v[i].req) : NULL;
		if (r && by_req != r)
			violation("request %s of channel %d has two codes", acks.v[i].req, acks.v[i].chan);
	}
	assert_no_violations();

	/* 2: never over the stock, never over an allocation. */
	assert_true(n_rows <= STOCK);
	for (int c = 0; c < 2; c++)
		assert_true(count("SELECT count(*) FROM vouchers WHERE kind_id = %lld AND api_key_id = %lld", kind_id,
		                  key_db_id[c]) <= allocation[c]);
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE kind_id = %lld AND api_key_id NOT IN (%lld, %lld)",
	                       kind_id, key_db_id[0], key_db_id[1]),
	                 0);
	/* 3: nobody over the limit; person_seq numbers each person's vouchers 1..limit. */
	assert_int_equal(count("SELECT count(*) FROM (SELECT 1 FROM vouchers WHERE kind_id = %lld"
	                       " GROUP BY api_key_id, person HAVING count(*) > %d) AS over",
	                       kind_id, LIMIT),
	                 0);
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE kind_id = %lld AND person_seq NOT BETWEEN 1 AND %d",
	                       kind_id, LIMIT),
	                 0);
	/* 4: the unique indexes hold. */
	assert_int_equal(
	    count("SELECT count(*) FROM (SELECT 1 FROM vouchers GROUP BY code HAVING count(*) > 1) AS twice"), 0);
	assert_int_equal(count("SELECT count(*) FROM (SELECT 1 FROM vouchers GROUP BY api_key_id, request_id HAVING "
	                       "count(*) > 1) AS twice"),
	                 0);
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE length(code) != 18 OR code NOT LIKE 'FZ%%'"), 0);
}

/* The restarted server says how many vouchers it loaded into memory. */
static long long vouchers_loaded(void)
{
	char text[8192] = "";
	FILE *f = fopen(server.log, "r");
	if (f) {
		size_t got = fread(text, 1, sizeof text - 1, f);
		text[got] = 0;
		fclose(f);
	}
	const char *p = strstr(text, " vouchers loaded");
	if (!p)
		return -1;
	while (p > text && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return atoll(p);
}

static long sync_claim(int chan, const char *user, const char *req, char code[24], char error[64])
{
	struct answer a;
	raw_claim(&channel[chan], server.port, user, req, &a);
	if (!a.complete)
		fprintf(stderr, "claim %s/%s: no answer\n", user, req);
	assert_true(a.complete);
	if (code)
		snprintf(code, 24, "%s", a.code);
	if (error)
		snprintf(error, 64, "%s", a.error);
	return a.status;
}

static void restart(void)
{
	server_start_process(&server, NULL);
	/* Fresh handles: the old connections died with the server. */
	for (int c = 0; c < 2; c++) {
		client_free(&channel[c]);
		char key[64], secret[128];
		snprintf(key, sizeof key, "%s", channel[c].key_id);
		snprintf(secret, sizeof secret, "%s", channel[c].secret);
		client_init(&channel[c], &server);
		snprintf(channel[c].key_id, sizeof channel[c].key_id, "%s", key);
		snprintf(channel[c].secret, sizeof channel[c].secret, "%s", secret);
	}
}

/* ---- setup --------------------------------------------------------------- */

static void make_key(struct client *c, const char *name)
{
	client_init(c, &server);
	assert_int_equal(issue_channel_key(&server, "350100-swj", name, c->key_id, c->secret), 0);
}

static long long create(const char *path, const char *fmt, ...)
{
	char body[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	struct response r;
	client_request(&bureau, &r, "POST", path, body, NULL, NULL);
	if (r.status != 201)
		fprintf(stderr, "POST %s %s: %ld %s\n", path, body, r.status, r.body);
	assert_int_equal(r.status, 201);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	return id;
}

static int setup(void **state)
{
	(void)state;
	const char *s = getenv("BANYAN_CRASH_SEED");
	seed = s ? (unsigned)strtoul(s, NULL, 10) : (unsigned)time(NULL) ^ (unsigned)getpid();
	printf("# seed %u (BANYAN_CRASH_SEED)\n", seed);
	server_prepare(&server);
	make_key(&channel[0], "支付宝");
	make_key(&channel[1], "云闪付");
	for (int c = 0; c < 2; c++)
		key_db_id[c] = count("SELECT id FROM api_keys WHERE key_id = '%s'", channel[c].key_id);
	add_user(&server, "city-swj", "department", "350100-swj");
	server_start_process(&server, NULL);
	client_init(&bureau, &server);
	assert_int_equal(client_login(&bureau, "city-swj", "city-swj-password"), 200);
	long long campaign =
	    create("/api/v1/vouchers/campaigns", "{\"name\":\"惠聚榕城消费季\",\"org\":\"350100-swj\"}");
	char start[32], end[32];
	long long now = time(NULL);
	clock_format_iso(now - 60, start);
	clock_format_iso(now + 3600, end);
	round_id = create("/api/v1/vouchers/rounds",
	                  "{\"campaign\":%lld,\"name\":\"第一期\",\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"channels\":"
	                  "[\"%s\",\"%s\"]}",
	                  campaign, start, end, channel[0].key_id, channel[1].key_id);
	kind_id =
	    create("/api/v1/vouchers/kinds",
	           "{\"round\":%lld,\"name\":\"满100减20\",\"face_fen\":2000,\"threshold_fen\":10000,\"stock\":%d,"
	           "\"validity_days\":7,\"per_person_limit\":%d,\"categories\":[\"retail\"],"
	           "\"allocations\":{\"%s\":%d,\"%s\":%d}}",
	           round_id, STOCK, LIMIT, channel[0].key_id, allocation[0], channel[1].key_id, allocation[1]);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	client_free(&bureau);
	client_free(&channel[0]);
	client_free(&channel[1]);
	server_down(&server);
	free(acks.v);
	free(rows);
	return 0;
}

/* ---- the tests ------------------------------------------------------------ */

static void test_sigkill_during_claim_storm(void **state)
{
	(void)state;
	unsigned rng = seed;
	for (int cycle = 1; cycle <= CYCLES; cycle++) {
		struct storm st[THREADS];
		pthread_t threads[THREADS];
		size_t acks_before = acks.n;
		atomic_store(&stop_storm, false);
		atomic_store(&kill_sent, false);
		for (int t = 0; t < THREADS; t++) {
			memset(&st[t], 0, sizeof st[t]);
			st[t].thread = t;
			st[t].cycle = cycle;
			st[t].chan = t % 2;
			st[t].port = server.port;
			st[t].rng = seed * 31u + (unsigned)cycle * 7919u + (unsigned)t;
			st[t].acks_before = acks_before;
			client_init(&st[t].c, &server);
			snprintf(st[t].c.key_id, sizeof st[t].c.key_id, "%s", channel[t % 2].key_id);
			snprintf(st[t].c.secret, sizeof st[t].c.secret, "%s", channel[t % 2].secret);
			assert_int_equal(pthread_create(&threads[t], NULL, storm_main, &st[t]), 0);
		}
		int delay_ms = 100 + (int)(rand_r(&rng) % 501);
		usleep((useconds_t)delay_ms * 1000);

		/* The server must still be up: dying on its own is a failure, not a crash test. */
		int status;
		pid_t gone = waitpid(server.pid, &status, WNOHANG);
		if (gone != 0)
			log_tail();
		assert_int_equal(gone, 0);
		atomic_store(&kill_sent, true);
		assert_int_equal(kill(server.pid, SIGKILL), 0);
		assert_int_equal(waitpid(server.pid, &status, 0), server.pid);
		atomic_store(&stop_storm, true);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		server.pid = 0;
		server.port = 0;
		int sent = 0, ok = 0, limited = 0, sold_out = 0, busy = 0;
		for (int t = 0; t < THREADS; t++) {
			pthread_join(threads[t], NULL);
			client_free(&st[t].c);
			sent += st[t].sent;
			ok += st[t].ok;
			limited += st[t].limited;
			sold_out += st[t].sold_out;
			busy += st[t].busy;
		}
		assert_no_violations();

		/* The database as the crash left it. */
		check_database();

		/* Restarted: memory rebuilt from the database. */
		restart();
		assert_int_equal(vouchers_loaded(), (long long)n_rows);

		/* 5: acknowledged request ids answer the same code; this cycle's first. */
		int resent = 0;
		for (int i = 0; i < 12 && acks.n > 0; i++) {
			size_t at = i < 6 && acks.n > acks_before ? acks_before + rand_r(&rng) % (acks.n - acks_before)
			                                          : rand_r(&rng) % acks.n;
			struct ack a = acks.v[at];
			char code[24], err[64];
			long got = sync_claim(a.chan, a.user, a.req, code, err);
			if (got != 201 || strcmp(code, a.code) != 0)
				violation("after restart %d: request %s (channel %d) acknowledged %s, now %ld %s %s",
				          cycle, a.req, a.chan, a.code, got, code, err);
			resent++;
		}
		/* In flight at the kill but committed: the retry gets the committed voucher. */
		int inflight = 0, committed = 0;
		for (int t = 0; t < THREADS; t++)
			for (int i = 0; i < st[t].n_inflight; i++) {
				inflight++;
				const struct row *r = find_request(st[t].chan, st[t].inflight[i].req);
				if (!r)
					continue;
				committed++;
				char code[24], err[64];
				long got =
				    sync_claim(st[t].chan, st[t].inflight[i].user, st[t].inflight[i].req, code, err);
				if (got != 201 || strcmp(code, r->code) != 0)
					violation("after restart %d: in-flight request %s (channel %d) committed as "
					          "%s, retry got %ld %s %s",
					          cycle, st[t].inflight[i].req, st[t].chan, r->code, got, code, err);
			}
		/* A person at the limit before the crash is still at it. */
		for (int v = 0; v < VIPS * 2; v++) {
			int chan = v % 2;
			char person[48], req[64], err[64];
			snprintf(person, sizeof person, "vip-%d", v / 2);
			if (count("SELECT count(*) FROM vouchers WHERE kind_id = %lld AND api_key_id = %lld AND person "
			          "= '%s'",
			          kind_id, key_db_id[chan], person) < LIMIT)
				continue;
			snprintf(req, sizeof req, "c%d-after-restart-%d", cycle, v);
			long got = sync_claim(chan, person, req, NULL, err);
			if (got != 409 || strcmp(err, "already_claimed") != 0)
				violation("after restart %d: %s at the limit got %ld %s", cycle, person, got, err);
		}
		/* Such a gap is no reason to refuse a person below the limit. */
		int gap_chan[4];
		char gap_person[4][48];
		int gaps = seq_gaps(gap_chan, gap_person, 4);
		for (int g = 0; g < gaps && g < 4; g++) {
			char req[64], code[24], err[64];
			snprintf(req, sizeof req, "c%d-gap-%d", cycle, g);
			long got = sync_claim(gap_chan[g], gap_person[g], req, code, err);
			if (got != 201 && !(got == 409 && strcmp(err, "sold_out") == 0))
				violation(
				    "after restart %d: %s (channel %d) has fewer than %d vouchers, numbered with a gap;"
				    " a new claim answered %ld %s",
				    cycle, gap_person[g], gap_chan[g], LIMIT, got, err);
			else if (got == 201)
				ack_add(gap_chan[g], cycle, gap_person[g], req, code);
		}
		assert_no_violations();

		size_t distinct = 0;
		for (size_t i = acks_before; i < acks.n; i++) {
			bool first = true;
			for (size_t j = 0; j < i && first; j++)
				first = strcmp(acks.v[j].code, acks.v[i].code) != 0;
			distinct += first;
		}
		printf("# cycle %d: killed after %d ms; sent %d, acknowledged %d (%zu new vouchers), in db %zu of %d,"
		       " in flight at kill %d (of them committed %d), already_claimed %d, sold_out %d, busy %d, "
		       "re-sent %d ok,"
		       " person_seq gaps %d\n",
		       cycle, delay_ms, sent, ok, distinct, n_rows, STOCK, inflight, committed, limited, sold_out, busy,
		       resent, gaps);
		fflush(stdout);
		assert_true(ok > 0); /* the storm did claim something before the kill */
	}
}

struct filler {
	int chan, thread, ok, sold_out;
	struct client c;
};

static void *fill_main(void *arg)
{
	struct filler *f = arg;
	char user[48];
	for (int i = 0; f->sold_out < 3 && i < STOCK * 2; i++) {
		struct answer a;
		snprintf(user, sizeof user, "final-t%d-%d", f->thread, i);
		raw_claim(&f->c, server.port, user, user, &a);
		if (!a.complete)
			violation("final: %s got no answer", user);
		else if (a.status == 201)
			f->ok++, ack_add(f->chan, CYCLES + 1, user, user, a.code);
		else if (a.status == 409 && strcmp(a.error, "sold_out") == 0)
			f->sold_out++;
		else if (!(a.status == 503 && strcmp(a.error, "busy") == 0))
			violation("final: %s answered %ld %s", user, a.status, a.error);
		if (!a.complete)
			break;
	}
	return NULL;
}

static void assert_sold_out(void)
{
	for (int c = 0; c < 2; c++) {
		char err[64], user[48];
		snprintf(user, sizeof user, "late-%d-%d", c, (int)time(NULL) % 100000);
		assert_int_equal(sync_claim(c, user, user, NULL, err), 409);
		assert_string_equal(err, "sold_out");
	}
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE kind_id = %lld", kind_id), STOCK);
	for (int c = 0; c < 2; c++)
		assert_int_equal(count("SELECT count(*) FROM vouchers WHERE kind_id = %lld AND api_key_id = %lld",
		                       kind_id, key_db_id[c]),
		                 allocation[c]);
}

/*
** On PostgreSQL the stock is leased to the running server (src/vouchers/leases.c):
** what a killed server had leased and not used comes back once its leases are
** closed, within seconds of its death.  Wait for that before selling out.
*/
static void await_dead_leases_closed(void)
{
	const char *open_of_dead =
	    "SELECT count(*) FROM voucher_leases WHERE closed_at IS NULL AND node_id NOT IN"
	    " (SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = 98971 AND granted)";
	for (int i = 0; i < 100 && count("%s", open_of_dead) > 0; i++)
		usleep(100 * 1000);
	assert_int_equal(count("%s", open_of_dead), 0);
}

static void test_claim_until_sold_out(void **state)
{
	(void)state;
	if (on_postgres())
		await_dead_leases_closed();
	long long before = count("SELECT count(*) FROM vouchers WHERE kind_id = %lld", kind_id);
	enum { FILLERS = 4 };
	struct filler f[FILLERS];
	pthread_t threads[FILLERS];
	for (int t = 0; t < FILLERS; t++) {
		f[t] = (struct filler){.chan = t % 2, .thread = t};
		client_init(&f[t].c, &server);
		snprintf(f[t].c.key_id, sizeof f[t].c.key_id, "%s", channel[t % 2].key_id);
		snprintf(f[t].c.secret, sizeof f[t].c.secret, "%s", channel[t % 2].secret);
		assert_int_equal(pthread_create(&threads[t], NULL, fill_main, &f[t]), 0);
	}
	int ok = 0;
	for (int t = 0; t < FILLERS; t++) {
		pthread_join(threads[t], NULL);
		client_free(&f[t].c);
		ok += f[t].ok;
	}
	assert_no_violations();
	printf("# sold out: %lld before, %d more claimed, total %lld of %d\n", before, ok,
	       count("SELECT count(*) FROM vouchers WHERE kind_id = %lld", kind_id), STOCK);
	assert_int_equal(before + ok, STOCK);
	assert_sold_out();
	check_database();

	/* Still exactly sold out after a crash and a restart. */
	assert_int_equal(kill(server.pid, SIGKILL), 0);
	waitpid(server.pid, NULL, 0);
	server.pid = 0;
	server.port = 0;
	restart();
	assert_int_equal(vouchers_loaded(), STOCK);
	assert_sold_out();
	check_database();
}

int main(void)
{
	assert_true(sodium_init() >= 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sigkill_during_claim_storm),
	    cmocka_unit_test(test_claim_until_sold_out),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return failed;
}
