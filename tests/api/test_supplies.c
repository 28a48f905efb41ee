/*
** test_supplies.c - quarantine sites and supplies against the real server,
** its clock stopped on 20 February 2020 (BANYAN_CLOCK): the last box issued
** by two storekeepers at once (one 201, one 409, stock zero), a request
** fulfilled in parts and confirmed by the site, days of cover across a gap in
** the consumption reports (red, and the site's request first in the queue),
** stock never below zero, bad input refused with nothing changed, a
** donation's receipt, the figures, who sees what, and the demo.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static struct test_server server;
static struct client admin, store, keeper, keeper2, ja_keeper, leader, cl_leader, fgw;

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&store, "city-wjw", "department", "350100-wjw"},   /* 市卫健委: holds the duty "supplies" */
    {&keeper, "tj-keeper", "department", "350103-wjj"}, /* 台江's site, member */
    {&keeper2, "tj-keeper2", "officer", "350103-tcj"},  /* 台江's site, member */
    {&ja_keeper, "ja-keeper", "officer", "350111-tcj"}, /* 晋安's site, member */
    {&leader, "city-leader", "leader", "350100"},
    {&cl_leader, "cl-leader", "leader", "350112"},
    {&fgw, "fgw-dept", "department", "350100-fgw"}, /* a department without the duty */
};

static long long depot, taijiang, jinan;

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

/* POST a body made with printf; asserts the status and returns the answer's "id" (or 0). */
static long long post_ok(struct client *c, long want, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static long long post_ok(struct client *c, long want, const char *path, const char *fmt, ...)
{
	char body[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	struct response r;
	long status = client_callf(c, &r, "POST", path, "%s", body);
	if (status != want)
		fail_msg("POST %s %s: %ld %s", path, body, status, r.body);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	return id;
}

static long long stock(long long site, const char *item)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT coalesce((SELECT quantity FROM supply_stock s JOIN supply_items i ON i.id = s.item_id"
	         " WHERE s.site_id = %lld AND i.code = '%s'), 0)",
	         site, item);
	return count(sql);
}

/* Receive goods bought into site (by the store). */
static void receive(long long site, const char *item, long long quantity)
{
	post_ok(&store, 201, "/api/v1/supplies/receipts",
	        "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"福建海峡医疗器械有限公司\","
	        "\"lines\":[{\"item\":\"%s\",\"quantity\":%lld}]}",
	        site, item, quantity);
}

static void member(long long site, const char *team, const char *name, const char *username)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/members", site);
	post_ok(&store, 201, path, "{\"team\":\"%s\",\"name\":\"%s\",\"post\":\"保管员\",\"username\":\"%s\"}", team,
	        name, username);
}

static int setup(void **state)
{
	(void)state;
	setenv("BANYAN_CLOCK", "2020-02-20T18:00:00+08:00", 1);
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	depot = post_ok(
	    &store, 201, "/api/v1/supplies/sites",
	    "{\"name\":\"市防疫物资储备库\",\"kind\":\"store\",\"district\":\"350100\",\"address\":\"湖东路\"}");
	taijiang =
	    post_ok(&store, 201, "/api/v1/supplies/sites",
	            "{\"name\":\"台江区隔离点\",\"district\":\"350103\",\"address\":\"江滨中大道\",\"capacity\":200}");
	jinan =
	    post_ok(&store, 201, "/api/v1/supplies/sites",
	            "{\"name\":\"晋安区隔离点\",\"district\":\"350111\",\"address\":\"福新东路\",\"capacity\":120}");
	member(taijiang, "disinfection", "林志明", "tj-keeper");
	member(taijiang, "logistics", "吴建华", "tj-keeper2");
	member(jinan, "disinfection", "王芳", "ja-keeper");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	unsetenv("BANYAN_CLOCK");
	return 0;
}

/* ---- the last box, twice at once ---- */

struct issuer {
	struct client *c;
	pthread_barrier_t *start;
	long status;
	char code[48];
};

static void *issue_last(void *arg)
{
	struct issuer *it = arg;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/issues", taijiang);
	pthread_barrier_wait(it->start);
	it->status = client_statusf(it->c, "POST", path, it->code,
	                            "{\"item\":\"goggles\",\"quantity\":1,\"to\":\"医疗保障组\"}");
	return NULL;
}

static void test_last_box_issued_twice_at_once(void **state)
{
	(void)state;
	for (int round = 0; round < 10; round++) {
		receive(taijiang, "goggles", 1);
		assert_int_equal(stock(taijiang, "goggles"), 1);
		pthread_barrier_t start;
		pthread_barrier_init(&start, NULL, 2);
		struct issuer a = {.c = &keeper, .start = &start}, b = {.c = &keeper2, .start = &start};
		pthread_t ta, tb;
		pthread_create(&ta, NULL, issue_last, &a);
		pthread_create(&tb, NULL, issue_last, &b);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		pthread_barrier_destroy(&start);
		/* one wins, the other is told the shelf is empty */
		assert_int_equal(a.status + b.status, 201 + 409);
		assert_string_equal(a.status == 409 ? a.code : b.code, "insufficient_stock");
		assert_int_equal(stock(taijiang, "goggles"), 0);
	}
	assert_int_equal(count("SELECT count(*) FROM supply_ledger WHERE kind = 'issue' AND item_id = 5"), 10);
	assert_int_equal(count("SELECT sum(quantity) FROM supply_ledger WHERE item_id = 5"), 0);
}

/* ---- a request fulfilled in parts ---- */

static long long sent(long long request, int item)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT sent FROM supply_request_lines WHERE request_id = %lld AND item_id = %d",
	         request, item);
	return count(sql);
}

static void test_request_fulfilled_in_parts(void **state)
{
	(void)state;
	receive(depot, "n95", 1000);
	receive(depot, "suit", 100);
	long long site_n95 = stock(taijiang, "n95"), site_suits = stock(taijiang, "suit");
	long long request = post_ok(&keeper, 201, "/api/v1/supplies/requests",
	                            "{\"site\":%lld,\"urgency\":\"critical\",\"note\":\"新增隔离人员\",\"lines\":["
	                            "{\"item\":\"n95\",\"quantity\":600},{\"item\":\"suit\",\"quantity\":200}]}",
	                            taijiang);
	char path[96], code[48];
	snprintf(path, sizeof path, "/api/v1/supplies/requests/%lld/fulfil", request);
	/* the first part: 400 of 600 N95 */
	struct response r;
	assert_int_equal(client_callf(&store, &r, "POST", path,
	                              "{\"from\":%lld,\"lines\":[{\"item\":\"n95\",\"quantity\":400}]}", depot),
	                 201);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "open");
	long long transfer = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	assert_int_equal(stock(depot, "n95"), 600);
	assert_int_equal(stock(taijiang, "n95"), site_n95); /* on the way: not the site's until it confirms */
	/* more than is outstanding, or more suits than the store holds: refused, nothing sent */
	assert_int_equal(client_statusf(&store, "POST", path, code,
	                                "{\"from\":%lld,\"lines\":[{\"item\":\"n95\",\"quantity\":201}]}", depot),
	                 409);
	assert_string_equal(code, "more_than_requested");
	assert_int_equal(client_statusf(&store, "POST", path, code,
	                                "{\"from\":%lld,\"lines\":[{\"item\":\"n95\",\"quantity\":200},"
	                                "{\"item\":\"suit\",\"quantity\":150}]}",
	                                depot),
	                 409);
	assert_string_equal(code, "insufficient_stock");
	assert_int_equal(sent(request, 1), 400);
	assert_int_equal(sent(request, 3), 0);
	assert_int_equal(stock(depot, "n95"), 600);
	/* a site's member cannot send, and a store does not take in: only the site confirms */
	assert_int_equal(client_statusf(&keeper, "POST", path, code,
	                                "{\"from\":%lld,\"lines\":[{\"item\":\"n95\",\"quantity\":1}]}", depot),
	                 403);
	snprintf(path, sizeof path, "/api/v1/supplies/transfers/%lld/receive", transfer);
	assert_int_equal(client_statusf(&store, "POST", path, code, NULL), 403);
	assert_int_equal(client_statusf(&ja_keeper, "POST", path, code, NULL), 403);
	assert_int_equal(client_statusf(&keeper2, "POST", path, code, NULL), 200);
	assert_int_equal(stock(taijiang, "n95"), site_n95 + 400);
	assert_int_equal(client_statusf(&keeper, "POST", path, code, NULL), 409);
	assert_string_equal(code, "already_received");
	assert_int_equal(stock(taijiang, "n95"), site_n95 + 400);
	/* the second part: the rest of the N95 and the 100 suits there are */
	snprintf(path, sizeof path, "/api/v1/supplies/requests/%lld/fulfil", request);
	assert_int_equal(client_callf(&store, &r, "POST", path,
	                              "{\"from\":%lld,\"lines\":[{\"item\":\"n95\",\"quantity\":200},"
	                              "{\"item\":\"suit\",\"quantity\":100}]}",
	                              depot),
	                 201);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "open");
	response_free(&r);
	/* the last part once more suits came in */
	receive(depot, "suit", 100);
	assert_int_equal(client_callf(&store, &r, "POST", path,
	                              "{\"from\":%lld,\"lines\":[{\"item\":\"suit\",\"quantity\":100}]}", depot),
	                 201);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "fulfilled");
	response_free(&r);
	/* what the site sees: asked, sent, received so far */
	snprintf(path, sizeof path, "/api/v1/supplies/requests/%lld", request);
	assert_int_equal(client_callf(&keeper, &r, "GET", path, NULL), 200);
	json_t *lines = json_object_get(r.json, "lines");
	assert_int_equal(json_array_size(lines), 2);
	json_t *n95 = json_array_get(lines, 0), *suit = json_array_get(lines, 1);
	assert_int_equal(json_integer_value(json_object_get(n95, "sent")), 600);
	assert_int_equal(json_integer_value(json_object_get(n95, "received")), 400);
	assert_int_equal(json_integer_value(json_object_get(suit, "sent")), 200);
	assert_int_equal(json_integer_value(json_object_get(suit, "outstanding")), 0);
	assert_int_equal(json_array_size(json_object_get(r.json, "transfers")), 3);
	response_free(&r);
	assert_int_equal(stock(depot, "n95"), 400);
	assert_int_equal(stock(depot, "suit"), 0);
	assert_int_equal(stock(taijiang, "suit"), site_suits);
	/* 晋安's member sees none of it */
	assert_int_equal(client_statusf(&ja_keeper, "GET", path, code, NULL), 403);
}

/* ---- days of cover across a gap ---- */

static void consume(struct client *c, long long site, const char *day, const char *item, int quantity)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/consumption", site);
	post_ok(c, 201, path, "{\"day\":\"%s\",\"lines\":[{\"item\":\"%s\",\"quantity\":%d}]}", day, item, quantity);
}

/* The cover row of site and item in the dashboard, as c sees it (a new reference, or NULL). */
static json_t *cover_row(struct client *c, long long site, const char *item)
{
	struct response r;
	assert_int_equal(client_callf(c, &r, "GET", "/api/v1/supplies/cover", NULL), 200);
	json_t *row, *found = NULL;
	size_t i;
	json_array_foreach(json_object_get(r.json, "items"), i, row)
	{
		if (json_integer_value(json_object_get(json_object_get(row, "site"), "id")) == site &&
		    strcmp(json_string_value(json_object_get(json_object_get(row, "item"), "code")), item) == 0)
			found = json_incref(row);
	}
	response_free(&r);
	return found;
}

/* The site id of the first request of the store's queue. */
static long long queue_head(void)
{
	struct response r;
	assert_int_equal(client_callf(&store, &r, "GET", "/api/v1/supplies/requests", NULL), 200);
	long long site = json_integer_value(
	    json_object_get(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "site"), "id"));
	response_free(&r);
	return site;
}

static void test_cover_across_a_gap(void **state)
{
	(void)state;
	receive(taijiang, "surgical_mask", 650);
	/* the window is 14–20 February; reported on the 14th, 15th, 16th and 20th, not on the 17th, 18th
	 * and 19th: a gap, not days of no use, so the rate is 400 / 4 and 250 masks last 2.5 days */
	consume(&keeper, taijiang, "2020-02-14", "surgical_mask", 100);
	consume(&keeper, taijiang, "2020-02-15", "surgical_mask", 100);
	consume(&keeper2, taijiang, "2020-02-16", "surgical_mask", 100);
	consume(&keeper, taijiang, "2020-02-20", "surgical_mask", 100);
	json_t *row = cover_row(&keeper, taijiang, "surgical_mask");
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "on_hand")), 250);
	assert_int_equal(json_integer_value(json_object_get(row, "consumed")), 400);
	assert_int_equal(json_integer_value(json_object_get(row, "reported_days")), 4);
	assert_float_equal(json_real_value(json_object_get(row, "cover_days")), 2.5, 0.001);
	assert_true(json_is_true(json_object_get(row, "red")));
	json_decref(row);
	/* a day reported once only */
	char path[96], code[48];
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/consumption", taijiang);
	assert_int_equal(
	    client_statusf(&keeper, "POST", path, code,
	                   "{\"day\":\"2020-02-20\",\"lines\":[{\"item\":\"surgical_mask\",\"quantity\":1}]}"),
	    409);
	assert_string_equal(code, "already_reported");
	/* 晋安 asks first and more urgently; 台江 is red, so its request heads the queue */
	receive(jinan, "gloves", 1000);
	consume(&ja_keeper, jinan, "2020-02-20", "gloves", 10);
	post_ok(&ja_keeper, 201, "/api/v1/supplies/requests",
	        "{\"site\":%lld,\"urgency\":\"critical\",\"lines\":[{\"item\":\"gloves\",\"quantity\":500}]}", jinan);
	long long mine = post_ok(&keeper, 201, "/api/v1/supplies/requests",
	                         "{\"site\":%lld,\"urgency\":\"normal\",\"lines\":[{\"item\":\"surgical_mask\","
	                         "\"quantity\":1000}]}",
	                         taijiang);
	assert_int_equal(queue_head(), taijiang);
	/* with the threshold at 2 days, 2.5 days is not red: urgency leads again */
	assert_int_equal(client_statusf(&keeper, "PUT", "/api/v1/supplies/settings", code, "{\"red_days\":2}"), 403);
	assert_int_equal(client_statusf(&store, "PUT", "/api/v1/supplies/settings", code, "{\"red_days\":2}"), 200);
	assert_int_equal(queue_head(), jinan);
	row = cover_row(&store, taijiang, "surgical_mask");
	assert_false(json_is_true(json_object_get(row, "red")));
	json_decref(row);
	assert_int_equal(client_statusf(&store, "PUT", "/api/v1/supplies/settings", code, "{\"red_days\":3}"), 200);
	/* the sites list puts the red site first */
	struct response r;
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/supplies/sites", NULL), 200);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(first, "id")), taijiang);
	assert_int_equal(json_integer_value(json_object_get(first, "red_items")), 1);
	response_free(&r);
	(void)mine;
}

/* ---- stock never below zero ---- */

static void test_stock_never_negative(void **state)
{
	(void)state;
	receive(jinan, "alcohol", 5);
	char path[96], code[48];
	long long entries = count("SELECT count(*) FROM supply_ledger"),
	          audit = count("SELECT count(*) FROM audit_log");
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/issues", jinan);
	assert_int_equal(
	    client_statusf(&ja_keeper, "POST", path, code, "{\"item\":\"alcohol\",\"quantity\":6,\"to\":\"消杀组\"}"),
	    409);
	assert_string_equal(code, "insufficient_stock");
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/consumption", jinan);
	/* one line fits, the other does not: neither is recorded */
	assert_int_equal(client_statusf(&ja_keeper, "POST", path, code,
	                                "{\"day\":\"2020-02-19\",\"lines\":[{\"item\":\"gloves\",\"quantity\":1},"
	                                "{\"item\":\"alcohol\",\"quantity\":9}]}"),
	                 409);
	assert_string_equal(code, "insufficient_stock");
	assert_int_equal(count("SELECT count(*) FROM supply_ledger"), entries);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);
	assert_int_equal(stock(jinan, "alcohol"), 5);
	/* all of it may go, and then nothing more */
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/issues", jinan);
	assert_int_equal(
	    client_statusf(&ja_keeper, "POST", path, code, "{\"item\":\"alcohol\",\"quantity\":5,\"to\":\"消杀组\"}"),
	    201);
	assert_int_equal(
	    client_statusf(&store, "POST", path, code, "{\"item\":\"alcohol\",\"quantity\":1,\"to\":\"消杀组\"}"), 409);
	/* the stock is the ledger's sum everywhere, and never below zero */
	assert_int_equal(
	    count("SELECT count(*) FROM supply_stock st WHERE quantity <> (SELECT coalesce(sum(quantity), 0)"
	          " FROM supply_ledger l WHERE l.site_id = st.site_id AND l.item_id = st.item_id)"),
	    0);
	assert_int_equal(count("SELECT count(*) FROM supply_stock WHERE quantity < 0"), 0);
}

/* ---- bad input ---- */

static void test_bad_input_changes_nothing(void **state)
{
	(void)state;
	static const struct {
		const char *path, *body, *field;
	} bad[] = {
	    {"/api/v1/supplies/receipts",
	     "{\"site\":%lld,\"source\":\"gift\",\"party\":\"x\",\"lines\":[{\"item\":\"n95\",\"quantity\":1}]}",
	     "source"},
	    {"/api/v1/supplies/receipts", "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"x\",\"lines\":[]}",
	     "lines"},
	    {"/api/v1/supplies/receipts",
	     "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"x\",\"lines\":[{\"item\":\"n95\",\"quantity\":0}]}",
	     "lines[0]"},
	    {"/api/v1/supplies/receipts",
	     "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"x\",\"lines\":[{\"item\":\"n95\",\"quantity\":-5}]}",
	     "lines[0]"},
	    {"/api/v1/supplies/receipts",
	     "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"x\",\"lines\":[{\"item\":\"caviar\",\"quantity\":5}]}",
	     "lines[0]"},
	    {"/api/v1/supplies/receipts",
	     "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"x\",\"lines\":[{\"item\":\"n95\",\"quantity\":5},{"
	     "\"item\":\"n95\",\"quantity\":5}]}",
	     "lines[1]"},
	    {"/api/v1/supplies/receipts",
	     "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"x\",\"lines\":[{\"item\":\"n95\",\"quantity\":5,"
	     "\"expires_on\":\"2021-02-30\"}]}",
	     "lines[0]"},
	    {"/api/v1/supplies/receipts",
	     "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"x\",\"received_on\":\"2020-03-01\",\"lines\":[{"
	     "\"item\":\"n95\",\"quantity\":5}]}",
	     "received_on"},
	    {"/api/v1/supplies/receipts",
	     "{\"site\":%lld999,\"source\":\"purchase\",\"party\":\"x\",\"lines\":[{\"item\":\"n95\",\"quantity\":5}]}",
	     "site"},
	    {"/api/v1/supplies/receipts",
	     "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"x\",\"colour\":1,\"lines\":[{\"item\":\"n95\","
	     "\"quantity\":5}]}",
	     "colour"},
	    {"/api/v1/supplies/requests",
	     "{\"site\":%lld,\"urgency\":\"asap\",\"lines\":[{\"item\":\"n95\",\"quantity\":5}]}", "urgency"},
	    {"/api/v1/supplies/requests", "{\"site\":%lld,\"urgency\":\"normal\",\"lines\":\"n95\"}", "lines"},
	    {"/api/v1/supplies/sites", "{\"name\":\"x%lld\",\"district\":\"999999\",\"address\":\"x\"}", "district"},
	    {"/api/v1/supplies/sites",
	     "{\"name\":\"x%lld\",\"kind\":\"hotel\",\"district\":\"350103\",\"address\":\"x\"}", "kind"},
	    {"/api/v1/supplies/sites", "{\"name\":\"x%lld\",\"district\":\"350103\",\"address\":\"x\",\"capacity\":-1}",
	     "capacity"},
	};
	long long entries = count("SELECT count(*) FROM supply_ledger"),
	          audit = count("SELECT count(*) FROM audit_log"), sites = count("SELECT count(*) FROM supply_sites"),
	          requests = count("SELECT count(*) FROM supply_requests");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct response r;
		char body[512];
		snprintf(body, sizeof body, bad[i].body, taijiang);
		long status = client_callf(&store, &r, "POST", bad[i].path, "%s", body);
		if (status != 422 ||
		    strcmp(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")),
		           bad[i].field) != 0)
			fail_msg("%s %s: %ld %s", bad[i].path, body, status, r.body);
		response_free(&r);
	}
	char path[96], code[48];
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/consumption", taijiang);
	assert_int_equal(client_statusf(&keeper, "POST", path, code,
	                                "{\"day\":\"2020-02-21\",\"lines\":[{\"item\":\"n95\",\"quantity\":1}]}"),
	                 422); /* tomorrow */
	assert_int_equal(client_statusf(&store, "PUT", "/api/v1/supplies/settings", code, "{\"red_days\":0}"), 422);
	assert_int_equal(count("SELECT count(*) FROM supply_ledger"), entries);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit);
	assert_int_equal(count("SELECT count(*) FROM supply_sites"), sites);
	assert_int_equal(count("SELECT count(*) FROM supply_requests"), requests);
	assert_int_equal(count("SELECT value FROM supply_settings WHERE key = 'red_days'"), 3);
}

/* ---- donations and figures ---- */

static void test_donation_receipt_and_figures(void **state)
{
	(void)state;
	struct response r;
	assert_int_equal(client_callf(&store, &r, "POST", "/api/v1/supplies/receipts",
	                              "{\"site\":%lld,\"source\":\"donation\",\"party\":\"台江区<工商联>\","
	                              "\"lines\":[{\"item\":\"suit\",\"quantity\":300,\"batch\":\"B2020-02\","
	                              "\"expires_on\":\"2022-02-01\"}]}",
	                              depot),
	                 201);
	assert_string_equal(json_string_value(json_object_get(r.json, "number")), "JZ2020-0001");
	char path[128];
	snprintf(path, sizeof path, "%s", json_string_value(json_object_get(r.json, "certificate")));
	json_int_t receipt = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	/* the store's ledger names the receipt, its id (for its certificate) and its source */
	char ledger[96];
	snprintf(ledger, sizeof ledger, "/api/v1/supplies/sites/%lld/ledger?item=suit&limit=1", depot);
	assert_int_equal(client_callf(&store, &r, "GET", ledger, NULL), 200);
	json_t *entry = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(entry, "receipt")), "JZ2020-0001");
	assert_int_equal(json_integer_value(json_object_get(entry, "receipt_id")), receipt);
	assert_string_equal(json_string_value(json_object_get(entry, "receipt_source")), "donation");
	assert_string_equal(json_string_value(json_object_get(entry, "batch")), "B2020-02");
	response_free(&r);
	assert_int_equal(client_callf(&leader, &r, "GET", path, NULL), 200);
	assert_true(has_header(&r, "Content-Type: text/html"));
	assert_non_null(strstr(r.body, "受赠凭证"));
	assert_non_null(strstr(r.body, "JZ2020-0001"));
	assert_non_null(strstr(r.body, "台江区&lt;工商联&gt;")); /* the donor's name, escaped */
	assert_non_null(strstr(r.body, "300 套"));
	response_free(&r);
	char code[48];
	assert_int_equal(client_statusf(&keeper, "GET", path, code, NULL), 403);
	/* a purchase has no donation receipt */
	assert_int_equal(client_statusf(&store, "GET", "/api/v1/supplies/receipts/1/certificate", code, NULL), 404);
	/* the figures by district: 台江's N95 came in by transfer, 晋安's gloves were bought */
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/supplies/stats?by=district", NULL), 200);
	json_t *row;
	size_t i;
	int seen = 0;
	json_array_foreach(json_object_get(r.json, "rows"), i, row)
	{
		const char *district = json_string_value(json_object_get(json_object_get(row, "district"), "key"));
		const char *item = json_string_value(json_object_get(row, "item"));
		if (strcmp(district, "350103") == 0 && strcmp(item, "n95") == 0) {
			assert_int_equal(json_integer_value(json_object_get(row, "transferred_in")), 400);
			assert_int_equal(json_integer_value(json_object_get(row, "on_hand")), stock(taijiang, "n95"));
			seen++;
		}
		if (strcmp(district, "350111") == 0 && strcmp(item, "gloves") == 0) {
			assert_int_equal(json_integer_value(json_object_get(row, "received")), 1000);
			assert_int_equal(json_integer_value(json_object_get(row, "issued")), 10);
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	response_free(&r);
	assert_int_equal(client_callf(&store, &r, "GET", "/api/v1/supplies/stats?by=item&format=xlsx", NULL), 200);
	assert_true(has_header(&r, "Content-Type: application/vnd.openxmlformats"));
	response_free(&r);
	assert_int_equal(client_statusf(&store, "GET", "/api/v1/supplies/stats?by=colour", code, NULL), 422);
	/* a 长乐 leader sees no 台江 or 晋安 figures */
	assert_int_equal(client_callf(&cl_leader, &r, "GET", "/api/v1/supplies/stats?by=site", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "rows")), 0);
	response_free(&r);
}

/* ---- who sees what ---- */

static size_t listed(struct client *c, const char *path)
{
	struct response r;
	assert_int_equal(client_callf(c, &r, "GET", path, NULL), 200);
	size_t n = json_array_size(json_object_get(r.json, "items"));
	response_free(&r);
	return n;
}

static void test_a_site_sees_its_own(void **state)
{
	(void)state;
	assert_int_equal(listed(&store, "/api/v1/supplies/sites"), 3);
	assert_int_equal(listed(&leader, "/api/v1/supplies/sites"), 3);
	assert_int_equal(listed(&keeper, "/api/v1/supplies/sites"), 1);
	assert_int_equal(listed(&ja_keeper, "/api/v1/supplies/sites"), 1);
	assert_int_equal(listed(&cl_leader, "/api/v1/supplies/sites"), 0);
	assert_int_equal(listed(&fgw, "/api/v1/supplies/sites"), 0);
	/* requests: the store all of them, a site its own */
	size_t all = listed(&store, "/api/v1/supplies/requests?status=all");
	assert_true(all >= 3);
	assert_int_equal(listed(&ja_keeper, "/api/v1/supplies/requests?status=all"), 1);
	assert_int_equal(listed(&keeper, "/api/v1/supplies/requests?status=all"), all - 1);
	char path[96], code[48];
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/ledger", taijiang);
	assert_int_equal(client_statusf(&ja_keeper, "GET", path, code, NULL), 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(client_statusf(&cl_leader, "GET", path, code, NULL), 403);
	assert_int_equal(client_statusf(&keeper, "GET", path, code, NULL), 200);
	snprintf(path, sizeof path, "/api/v1/supplies/sites/%lld/issues", taijiang);
	assert_int_equal(
	    client_statusf(&ja_keeper, "POST", path, code, "{\"item\":\"n95\",\"quantity\":1,\"to\":\"x\"}"), 403);
	assert_int_equal(client_statusf(&fgw, "POST", path, code, "{\"item\":\"n95\",\"quantity\":1,\"to\":\"x\"}"),
	                 403);
	/* a site's member does not receive goods into the store, nor does a department without the duty */
	assert_int_equal(
	    client_statusf(
	        &keeper, "POST", "/api/v1/supplies/receipts", code,
	        "{\"site\":%lld,\"source\":\"purchase\",\"party\":\"x\",\"lines\":[{\"item\":\"n95\",\"quantity\":1}]}",
	        taijiang),
	    403);
	assert_string_equal(code, "wrong_duty");
	assert_int_equal(client_statusf(&leader, "POST", path, code, "{\"item\":\"n95\",\"quantity\":1,\"to\":\"x\"}"),
	                 403);
}

/* ---- the demo ---- */

static void test_demo_taijiang(void **state)
{
	(void)state;
	struct test_server demo;
	unsetenv("BANYAN_CLOCK");
	server_demo_up(&demo);
	/* over 20,000 masks and suits gathered */
	assert_true(db_count(&demo,
	                     "SELECT sum(l.quantity) FROM supply_ledger l JOIN supply_items i ON i.id = l.item_id"
	                     " WHERE l.kind = 'receipt' AND i.code IN ('n95', 'surgical_mask', 'suit')") > 20000);
	assert_int_equal(db_count(&demo, "SELECT count(*) FROM supply_receipts WHERE source = 'donation'"), 2);
	/* the 台江 site with its four working groups, and a request fulfilled in part */
	assert_int_equal(db_count(&demo, "SELECT count(DISTINCT m.team) FROM supply_members m JOIN supply_sites s"
	                                 " ON s.id = m.site_id JOIN orgs o ON o.id = s.org_id WHERE o.code = '350103'"),
	                 4);
	assert_int_equal(db_count(&demo,
	                          "SELECT count(*) FROM supply_requests q WHERE status = 'open' AND EXISTS"
	                          " (SELECT 1 FROM supply_request_lines l WHERE l.request_id = q.id AND l.sent > 0)"),
	                 1);
	struct client site;
	client_init(&site, &demo);
	assert_int_equal(client_login(&site, "taijiang-site", "banyan-demo-2020"), 200);
	struct response r;
	assert_int_equal(client_callf(&site, &r, "GET", "/api/v1/supplies/sites", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);
	client_free(&site);
	struct client wjw;
	client_init(&wjw, &demo);
	assert_int_equal(client_login(&wjw, "city-wjw", "banyan-demo-2020"), 200);
	/* a red site's request first */
	assert_int_equal(client_callf(&wjw, &r, "GET", "/api/v1/supplies/requests", NULL), 200);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "red")));
	response_free(&r);
	client_free(&wjw);
	server_down(&demo);
	setenv("BANYAN_CLOCK", "2020-02-20T18:00:00+08:00", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_last_box_issued_twice_at_once),
	    cmocka_unit_test(test_request_fulfilled_in_parts),
	    cmocka_unit_test(test_cover_across_a_gap),
	    cmocka_unit_test(test_stock_never_negative),
	    cmocka_unit_test(test_bad_input_changes_nothing),
	    cmocka_unit_test(test_donation_receipt_and_figures),
	    cmocka_unit_test(test_a_site_sees_its_own),
	    /* Last: on the demo, which takes minutes to fill PostgreSQL (the demo runs there in pg_demo). */
	    cmocka_unit_test(test_demo_taijiang),
	};
	size_t n = sizeof tests / sizeof tests[0] - (on_postgres() ? 1 : 0);
	return _cmocka_run_group_tests("tests", tests, n, setup, teardown);
}
