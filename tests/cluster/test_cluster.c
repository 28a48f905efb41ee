/*
** Several nodes (scripts/cluster.sh, run by tests/cluster/run.sh, which
** passes the cluster's directory in CLUSTER_DIR): a session made on one node
** or through HAProxy holds on every node, a signed request replayed to
** another node is refused, failed logins count on every node together, an event made on one node reaches a console on
** another, and the background duties move to another node within seconds of
** SIGKILL to the node doing them.
*/
#include <setjmp.h>
#include <signal.h>
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
	char db[128];
	env_value("BANYAN_DB", db, sizeof db);
	server_of(&proxy, "PROXY_PORT", db);
	for (int i = 0; i < NODES; i++) {
		char name[16];
		snprintf(name, sizeof name, "NODE%d_PORT", i + 1);
		server_of(&node[i], name, db);
	}
	add_user(&proxy, "cl-officer", "officer", "350111-tcj");
	add_user(&proxy, "cl-second", "officer", "350111-tcj");
	add_user(&proxy, "cl-guessed", "officer", "350111-tcj");
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
	    cmocka_unit_test(test_duties_move_when_their_node_dies),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
