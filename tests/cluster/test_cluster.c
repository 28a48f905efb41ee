/*
** Several nodes (scripts/cluster.sh, run by tests/cluster/run.sh, which
** passes the cluster's directory in CLUSTER_DIR): a session made on one node
** or through HAProxy holds on every node, a signed request replayed to
** another node is refused, failed logins count on every node together, an event made on one node reaches a console on
** another, vouchers claimed on all three nodes at once, one of them killed
** meanwhile, never pass the stock or a person's limit and answer a request
** id the same on every node, and the background duties move to another
** node within seconds of SIGKILL to the node doing them.  Last, the primary
** is killed during a storm and the standby promoted: with synchronous
** replication no acknowledged claim is lost, and claims go on.
*/
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "../api/client.h"
#include "core/clock.h"

enum { NODES = 3 };

static struct test_server proxy, node[NODES];
static char cluster_dir[256];

/* A line NAME=VALUE of DIR/cluster.env. */
static void env_value(const char *name, char *out, size_t size)
{
	char path[512], line[1024];
	snprintf(path, sizeof path, "%s/cluster.env", cluster_dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	out[0] = 0;
	size_t n = strlen(name);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, name, n) == 0 && line[n] == '=') {
			line[strcspn(line, "\n")] = 0;
			snprintf(out, size, "%s", line + n + 1);
		}
	fclose(f);
	assert_true(out[0]);
}

static void server_of(struct test_server *s, const char *port_name, const char *db)
{
	char port[16];
	memset(s, 0, sizeof *s);
	env_value(port_name, port, sizeof port);
	s->port = (unsigned)atoi(port);
	snprintf(s->db, sizeof s->db, "%s", db);
}

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || !getenv("CLUSTER_DIR"))
		return -1;
	snprintf(cluster_dir, sizeof cluster_dir, "%s", getenv("CLUSTER_DIR"));
	/* Both PostgreSQL servers, the writable one chosen: the checks follow the standby once promoted. */
	char db[256];
	env_value("NODES_DB", db, sizeof db);
	server_of(&proxy, "PROXY_PORT", db);
	for (int i = 0; i < NODES; i++) {
		char name[16];
		snprintf(name, sizeof name, "NODE%d_PORT", i + 1);
		server_of(&node[i], name, db);
	}
	add_user(&proxy, "cl-officer", "officer", "350111-tcj");
	add_user(&proxy, "cl-second", "officer", "350111-tcj");
	add_user(&proxy, "cl-guessed", "officer", "350111-tcj");
	add_user(&proxy, "cl-swj", "department", "350100-swj");
	return 0;
}

/* Logged in through HAProxy, the same session (and its CSRF token) works on every node. */
static void test_login_holds_on_every_node(void **state)
{
	(void)state;
	struct client c;
	struct response r;
	client_init(&c, &proxy);
	assert_int_equal(client_login(&c, "cl-officer", "cl-officer-password"), 200);
	for (int i = 0; i < NODES; i++) {
		c.server = &node[i];
		assert_int_equal(client_callf(&c, &r, "GET", "/api/v1/me", NULL), 200);
		assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"), "username")),
		                    "cl-officer");
		response_free(&r);
	}
	/* A change (its CSRF token checked) on a node, with the session HAProxy's node made. */
	c.server = &node[2];
	assert_int_equal(
	    client_callf(&c, &r, "POST", "/api/v1/invest/leads",
	                 "{\"title\":\"海上风电装备制造基地\",\"source\":\"以商招商\",\"industry\":\"新能源\","
	                 "\"investment_wan\":600000,\"new_enterprise\":{\"name\":\"福建海风重工\","
	                 "\"credit_code\":\"91350111MA2AB0123Y\",\"contact_name\":\"陈总\","
	                 "\"contact_phone\":\"0591-1\"}}"),
	    201);
	response_free(&r);
	client_free(&c);
	/* And a login made on each node directly holds on the next. */
	for (int i = 0; i < NODES; i++) {
		client_init(&c, &node[i]);
		assert_int_equal(client_login(&c, "cl-officer", "cl-officer-password"), 200);
		c.server = &node[(i + 1) % NODES];
		assert_int_equal(client_callf(&c, &r, "GET", "/api/v1/me", NULL), 200);
		response_free(&r);
		client_free(&c);
	}
}

/* A signed request's nonce, once used on node 1, is refused on node 2 and through HAProxy. */
static void test_nonce_replayed_to_another_node(void **state)
{
	(void)state;
	struct client k;
	struct response r;
	client_init(&k, &node[0]);
	assert_int_equal(issue_channel_key(&node[0], "350100-swj", "支付宝", k.key_id, k.secret), 0);
	long long now = (long long)time(NULL);
	client_signed(&k, &r, "GET", "/api/v1/vouchers/FZNOSUCHVOUCHER0", NULL, now, "cluster-nonce-0001");
	assert_int_equal(r.status, 404); /* signed correctly: the voucher is simply not there */
	response_free(&r);
	k.server = &node[1];
	client_signed(&k, &r, "GET", "/api/v1/vouchers/FZNOSUCHVOUCHER0", NULL, now, "cluster-nonce-0001");
	assert_int_equal(r.status, 401);
	assert_string_equal(error_code(&r), "signature_replayed");
	response_free(&r);
	k.server = &proxy;
	client_signed(&k, &r, "GET", "/api/v1/vouchers/FZNOSUCHVOUCHER0", NULL, now, "cluster-nonce-0001");
	assert_int_equal(r.status, 401);
	response_free(&r);
	client_free(&k);
}

/* Failed logins count on every node together: five wrong passwords spread over the nodes block the account. */
static void test_throttle_counts_across_nodes(void **state)
{
	(void)state;
	struct client c;
	client_init(&c, &node[0]);
	for (int i = 0; i < 5; i++) {
		c.server = &node[i % NODES];
		assert_int_equal(client_login(&c, "cl-guessed", "not-the-password"), 401);
	}
	c.server = &node[2]; /* it saw only one of the five */
	struct response r;
	assert_int_equal(client_callf(&c, &r, "POST", "/api/v1/session",
	                              "{\"username\":\"cl-guessed\",\"password\":\"cl-guessed-password\"}"),
	                 429);
	assert_string_equal(error_code(&r), "too_many_attempts");
	response_free(&r);
	client_free(&c);
}

static void lead_moved_on_node3(void *arg)
{
	struct client *c = arg;
	struct response r;
	long long lead = db_count(&proxy, "SELECT max(id) FROM leads");
	char path[64];
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/stage", lead);
	assert_int_equal(client_callf(c, &r, "POST", path, "{\"stage\":\"negotiating\"}"), 200);
	response_free(&r);
}

/* A console on node 1 sees the lead a colleague moves on on node 3. */
static void test_event_reaches_another_node(void **state)
{
	(void)state;
	struct client watcher, maker;
	client_init(&watcher, &node[0]);
	client_init(&maker, &node[2]);
	assert_int_equal(client_login(&watcher, "cl-officer", "cl-officer-password"), 200);
	assert_int_equal(client_login(&maker, "cl-officer", "cl-officer-password"), 200);
	static char seen[65536];
	assert_true(client_await_event(&watcher, "event: invest.lead\ndata: {\"id\":1,\"change\":\"stage\"}",
	                               lead_moved_on_node3, &maker, seen, sizeof seen));
	client_free(&watcher);
	client_free(&maker);
}

/* ---- vouchers across nodes ---------------------------------------------- */

enum {
	STOCK = 1200,
	LIMIT = 2,
	PEOPLE = 400, /* 800 vouchers at most: the storm reaches the limits, latecomers the stock */
	CLAIMERS = 6, /* two a node */
	KEPT = 4096,  /* request ids answered 201, per claimer */
	FAILOVER_STOCK = 100000
};

static long long round_id, kind_id;
static struct client channel;
static atomic_bool node3_dead, storm_over;

struct claimer {
	int n;                    /* which claimer: sends to node n % 3, repeats to the next node */
	struct test_server *only; /* or all its claims, each for a new person, to this server */
	unsigned rng;
	long sent, created, refused, unanswered, mismatched;
	int kept;
	char ids[KEPT][24], codes[KEPT][20];
	long odd_status; /* the first answer that should not have come, and its error */
	char odd_error[20];
};
static struct claimer claimers[CLAIMERS];

/* One signed claim to server s with k's key: the status (0 if unanswered), and the code of a 201 (or the error's). */
static long claim(struct client *k, struct test_server *s, const char *person, const char *request_id, char code[20])
{
	k->server = s;
	char body[256];
	snprintf(body, sizeof body, "{\"round\":%lld,\"kind\":%lld,\"user\":\"%s\",\"request_id\":\"%s\"}", round_id,
	         kind_id, person, request_id);
	struct response r;
	client_signed(k, &r, "POST", "/api/v1/vouchers/claims", body, 0, NULL);
	long status = r.status;
	code[0] = 0;
	if (status == 201)
		snprintf(code, 20, "%s",
		         json_string_value(json_object_get(json_object_get(r.json, "voucher"), "code")));
	else if (r.json)
		snprintf(code, 20, "%s", error_code(&r));
	response_free(&r);
	return status;
}

static void *claimer_main(void *arg)
{
	struct claimer *cl = arg;
	struct client k; /* a connection of its own */
	client_init(&k, &node[0]);
	memcpy(k.key_id, channel.key_id, sizeof k.key_id);
	memcpy(k.secret, channel.secret, sizeof k.secret);
	k.may_go_unanswered = true;
	while (!atomic_load(&storm_over)) {
		if (cl->only) {
			char person[24], code[20];
			snprintf(person, sizeof person, "f%d-%ld", cl->n, cl->sent++);
			long status = claim(&k, cl->only, person, person, code);
			if (status == 201 && cl->kept < KEPT) {
				cl->created++;
				snprintf(cl->ids[cl->kept], sizeof cl->ids[0], "%s", person);
				snprintf(cl->codes[cl->kept++], sizeof cl->codes[0], "%s", code);
			} else if (status == 201 || (status != 503 && status != 0)) {
				cl->mismatched++; /* more 201s than kept (the test's sizes are wrong), or a refusal */
				if (!cl->odd_status) {
					cl->odd_status = status;
					memcpy(cl->odd_error, code, sizeof cl->odd_error);
				}
			} else {
				cl->unanswered++; /* 503 or no answer while the primary changes */
			}
			continue;
		}
		int to = cl->n % NODES;
		if (to == 2 && atomic_load(&node3_dead))
			to = cl->n % 2;
		char person[32], id[24], code[20];
		/* One claim in five repeats an earlier one on another node: the same code. */
		if (cl->kept > 0 && rand_r(&cl->rng) % 5 == 0) {
			int which = rand_r(&cl->rng) % cl->kept, other = (to + 1) % NODES;
			if (other == 2 && atomic_load(&node3_dead))
				other = (other + 1) % NODES;
			snprintf(person, sizeof person, "person-%d",
			         rand_r(&cl->rng) % PEOPLE); /* ignored for a repeat */
			long status = claim(&k, &node[other], person, cl->ids[which], code);
			if (status == 201 && strcmp(code, cl->codes[which]) != 0)
				cl->mismatched++;
			if (status != 201 && status != 0)
				cl->mismatched++;
			continue;
		}
		snprintf(person, sizeof person, "person-%d", rand_r(&cl->rng) % PEOPLE);
		snprintf(id, sizeof id, "c%d-%ld", cl->n, cl->sent++);
		long status = claim(&k, &node[to], person, id, code);
		if (status == 201) {
			cl->created++;
			if (cl->kept < KEPT) {
				snprintf(cl->ids[cl->kept], sizeof cl->ids[0], "%s", id);
				snprintf(cl->codes[cl->kept++], sizeof cl->codes[0], "%s", code);
			}
		} else if (status == 409) {
			cl->refused++;
		} else {
			cl->unanswered++; /* the node killed under it, or 503: nothing acknowledged */
		}
	}
	client_free(&k);
	return NULL;
}

static pid_t node_pid(int n)
{
	char path[512], text[32];
	snprintf(path, sizeof path, "%s/node%d.pid", cluster_dir, n);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof text, f));
	fclose(f);
	return (pid_t)atol(text);
}

/* A kind's vouchers, a person's, the leases' counts: all within the stock and the limit. */
static void assert_vouchers_exact(int stock, int limit, int *ret_vouchers)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM vouchers WHERE kind_id = %lld", kind_id);
	long long vouchers = db_count(&proxy, sql);
	assert_true(vouchers <= stock);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM (SELECT person FROM vouchers WHERE kind_id = %lld GROUP BY person"
	         " HAVING count(*) > %d) t",
	         kind_id, limit);
	assert_int_equal(db_count(&proxy, sql), 0);
	snprintf(sql, sizeof sql, "SELECT COALESCE(sum(used), 0) FROM voucher_leases WHERE kind_id = %lld", kind_id);
	assert_int_equal(db_count(&proxy, sql), vouchers);
	snprintf(
	    sql, sizeof sql,
	    "SELECT count(*) FROM voucher_buckets b WHERE kind_id = %lld AND leased <>"
	    " (SELECT sum(size) FROM voucher_leases l WHERE l.kind_id = b.kind_id AND l.api_key_id = b.api_key_id)",
	    kind_id);
	assert_int_equal(db_count(&proxy, sql), 0);
	*ret_vouchers = (int)vouchers;
}

/* A campaign of the city's commerce bureau made through server via, a round open now offered through
** the test's channel, and a kind of it (round_id, kind_id). */
static void open_kind(struct test_server *via, const char *campaign_name, int stock, int limit)
{
	struct client bureau;
	client_init(&bureau, via);
	assert_int_equal(client_login(&bureau, "cl-swj", "cl-swj-password"), 200);
	char start[32], end[32];
	long long now = time(NULL);
	clock_format_iso(now - 60, start);
	clock_format_iso(now + 3600, end);
	long long campaign = client_createdf(&bureau, "/api/v1/vouchers/campaigns",
	                                     "{\"name\":\"%s\",\"org\":\"350100-swj\"}", campaign_name);
	round_id = client_createdf(&bureau, "/api/v1/vouchers/rounds",
	                           "{\"campaign\":%lld,\"name\":\"第一期\",\"starts_at\":\"%s\",\"ends_at\":\"%s\","
	                           "\"channels\":[\"%s\"]}",
	                           campaign, start, end, channel.key_id);
	kind_id =
	    client_createdf(&bureau, "/api/v1/vouchers/kinds",
	                    "{\"round\":%lld,\"name\":\"满100减20\",\"face_fen\":2000,\"threshold_fen\":10000,"
	                    "\"stock\":%d,\"validity_days\":7,\"per_person_limit\":%d,\"categories\":[\"retail\"]}",
	                    round_id, stock, limit);
	client_free(&bureau);
	assert_true(campaign > 0 && round_id > 0 && kind_id > 0);
}

/*
** Six claimers, two on each node, 400 people wanting two vouchers each of a
** kind of 1,200; node 3 killed after a second.  Then: never over the stock or
** a limit, every 201 a voucher with its code, a request id repeated on
** another node answered with its first code; once the dead node's leases are
** closed, the rest is claimed through the two nodes left: exactly the stock.
*/
static void test_vouchers_exact_across_nodes(void **state)
{
	(void)state;
	client_init(&channel, &node[0]);
	assert_int_equal(issue_channel_key(&node[0], "350100-swj", "云闪付", channel.key_id, channel.secret), 0);
	/* Made on node 2: nodes 1 and 3 learn the kind from the database. */
	open_kind(&node[1], "多节点消费券", STOCK, LIMIT);

	pthread_t threads[CLAIMERS];
	for (int i = 0; i < CLAIMERS; i++) {
		memset(&claimers[i], 0, sizeof claimers[i]);
		claimers[i].n = i;
		claimers[i].rng = (unsigned)(time(NULL) * 31 + i);
		assert_int_equal(pthread_create(&threads[i], NULL, claimer_main, &claimers[i]), 0);
	}
	sleep(1);
	assert_int_equal(kill(node_pid(3), SIGKILL), 0);
	atomic_store(&node3_dead, true);
	sleep(3);
	atomic_store(&storm_over, true);
	long created = 0, refused = 0, unanswered = 0, mismatched = 0;
	for (int i = 0; i < CLAIMERS; i++) {
		pthread_join(threads[i], NULL);
		created += claimers[i].created;
		refused += claimers[i].refused;
		unanswered += claimers[i].unanswered;
		mismatched += claimers[i].mismatched;
	}
	int vouchers;
	assert_vouchers_exact(STOCK, LIMIT, &vouchers);
	printf("# storm over three nodes, node 3 killed after 1 s: %ld vouchers acknowledged, %ld refused, %ld"
	       " unanswered; %d in the database (stock %d)\n",
	       created, refused, unanswered, vouchers, STOCK);
	assert_int_equal(mismatched, 0);
	assert_true(created > 0 && created <= vouchers);
	/* Every 201 a claimer kept is that voucher, with its request id. */
	for (int i = 0; i < CLAIMERS; i++)
		for (int j = 0; j < claimers[i].kept; j++) {
			char sql[256];
			snprintf(sql, sizeof sql,
			         "SELECT count(*) FROM vouchers WHERE code = '%s' AND request_id = '%s'",
			         claimers[i].codes[j], claimers[i].ids[j]);
			assert_int_equal(db_count(&proxy, sql), 1);
		}

	/* The dead node's leases closed by a node alive (within seconds), the rest is claimed by new people. */
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM voucher_leases WHERE kind_id = %lld AND closed_at IS NULL AND node_id NOT IN"
	         " (SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = 98971 AND granted)",
	         kind_id);
	for (int i = 0; i < 100 && db_count(&proxy, sql) > 0; i++)
		usleep(100 * 1000);
	assert_int_equal(db_count(&proxy, sql), 0);
	int sold_out = 0;
	for (int i = 0; sold_out < 3 && i < 4 * STOCK; i++) {
		char person[32], id[32], code[20];
		snprintf(person, sizeof person, "latecomer-%d", i);
		snprintf(id, sizeof id, "late-%d", i);
		long status = claim(&channel, &node[i % 2], person, id, code);
		if (status == 409) {
			assert_string_equal(code, "sold_out");
			sold_out++;
			usleep(600 * 1000); /* a node that found nothing to lease asks again after a second */
		} else {
			assert_int_equal(status, 201);
			sold_out = 0;
		}
	}
	assert_vouchers_exact(STOCK, LIMIT, &vouchers);
	assert_int_equal(vouchers, STOCK);
	client_free(&channel);
}

/*
** The primary killed (as in a crash) during a storm through HAProxy, the
** standby promoted (scripts/cluster.sh promote): synchronous replication
** put every acknowledged claim on the standby's disk before its answer, so
** every 201 is a voucher on the new primary; the nodes reconnect to it and
** claims are acknowledged again.
*/
static void test_no_claim_lost_when_the_primary_dies(void **state)
{
	(void)state;
	client_init(&channel, &proxy);
	assert_int_equal(issue_channel_key(&proxy, "350100-swj", "支付宝", channel.key_id, channel.secret), 0);
	open_kind(&proxy, "主库切换", FAILOVER_STOCK, 1);

	enum { FAILOVER_CLAIMERS = 3 };
	pthread_t threads[FAILOVER_CLAIMERS];
	atomic_store(&storm_over, false);
	for (int i = 0; i < FAILOVER_CLAIMERS; i++) {
		memset(&claimers[i], 0, sizeof claimers[i]);
		claimers[i].n = i;
		claimers[i].only = &proxy;
		assert_int_equal(pthread_create(&threads[i], NULL, claimer_main, &claimers[i]), 0);
	}
	sleep(1);
	char sql[512], command[512];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM vouchers WHERE kind_id = %lld", kind_id);
	long long before = db_count(&proxy, sql);
	snprintf(command, sizeof command, "%s promote %s >/dev/null", getenv("CLUSTER_SH"), cluster_dir);
	assert_int_equal(system(command), 0);
	/* Claims go on until some are acknowledged by the new primary, for at most 20 s. */
	long long at_promotion = db_count(&proxy, sql);
	for (int i = 0; i < 200 && db_count(&proxy, sql) < at_promotion + 50; i++)
		usleep(100 * 1000);
	atomic_store(&storm_over, true);
	long created = 0, unanswered = 0, mismatched = 0;
	for (int i = 0; i < FAILOVER_CLAIMERS; i++) {
		pthread_join(threads[i], NULL);
		created += claimers[i].created;
		unanswered += claimers[i].unanswered;
		mismatched += claimers[i].mismatched;
		if (claimers[i].odd_status)
			printf("# claimer %d was answered %ld %s\n", i, claimers[i].odd_status, claimers[i].odd_error);
	}
	long long vouchers = db_count(&proxy, sql);
	printf("# the primary killed with %lld vouchers written; %ld acknowledged in all, %ld unanswered or 503"
	       " during the switch; %lld vouchers on the new primary (%lld once promoted)\n",
	       before, created, unanswered, vouchers, at_promotion);
	assert_int_equal(mismatched, 0);
	assert_true(before > 0);
	assert_true(vouchers >= at_promotion + 50); /* acknowledged again after the switch */
	/* No acknowledged claim lost: each is its voucher on the new primary. */
	for (int i = 0; i < FAILOVER_CLAIMERS; i++)
		for (int j = 0; j < claimers[i].kept; j++) {
			snprintf(sql, sizeof sql,
			         "SELECT count(*) FROM vouchers WHERE code = '%s' AND request_id = '%s'",
			         claimers[i].codes[j], claimers[i].ids[j]);
			assert_int_equal(db_count(&proxy, sql), 1);
		}
	int counted;
	assert_vouchers_exact(FAILOVER_STOCK, 1, &counted);
	client_free(&channel);
}

/* The node whose connection holds the desk's duty lock (cluster.c), 0 when none does. */
static int desk_duty_node(void)
{
	char sql[512];
	for (int i = 0; i < NODES; i++) {
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
		         " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 23043 AND l.objid = 2169817985"
		         " AND a.application_name = 'banyan-node%d'",
		         i + 1);
		if (db_count(&proxy, sql) == 1)
			return i + 1;
	}
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* SIGKILL to the node running the background duties: another takes them within seconds, and serving goes on. */
static void test_duties_move_when_their_node_dies(void **state)
{
	(void)state;
	int before = desk_duty_node();
	assert_true(before > 0);
	char name[32], pid_text[32];
	snprintf(name, sizeof name, "node%d.pid", before);
	char path[512];
	snprintf(path, sizeof path, "%s/%s", cluster_dir, name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(pid_text, sizeof pid_text, f));
	fclose(f);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(kill((pid_t)atol(pid_text), SIGKILL), 0);
	int after = 0;
	while (seconds_since(&t0) < 15 && ((after = desk_duty_node()) == 0 || after == before))
		usleep(100 * 1000);
	double took = seconds_since(&t0);
	printf("# the desk's duty moved from node %d to node %d in %.1f s\n", before, after, took);
	assert_true(after > 0 && after != before);
	assert_true(took < 10);
	/* HAProxy sends the next requests to the nodes still alive (one sent to the dead node is sent again to another). */
	struct client c;
	client_init(&c, &proxy);
	for (int i = 0; i < NODES; i++)
		assert_int_equal(client_login(&c, "cl-second", "cl-second-password"), 200);
	client_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_login_holds_on_every_node),
	    cmocka_unit_test(test_nonce_replayed_to_another_node),
	    cmocka_unit_test(test_throttle_counts_across_nodes),
	    cmocka_unit_test(test_event_reaches_another_node),
	    cmocka_unit_test(test_vouchers_exact_across_nodes),
	    cmocka_unit_test(test_duties_move_when_their_node_dies),
	    cmocka_unit_test(test_no_claim_lost_when_the_primary_dies),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
