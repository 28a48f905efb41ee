/*
** test_vouchers.c - consumption vouchers through the channel API, as Alipay
** and UnionPay would call it: claims and their limits, stock per channel,
** idempotent repeats, many clients at once, redemption refusals, reversal,
** and what survives a restart.
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
#include <time.h>

#include <curl/curl.h>

#include "client.h"
#include "core/clock.h"

static struct test_server server;
static struct client bureau, alipay, unionpay, outsider; /* bureau: the commerce bureau's staff, who run vouchers */
static long long round_open, round_later, kind_shared, kind_split, kind_retail, kind_car, kind_live, merchant_food,
    merchant_shop;

static void make_key(struct client *c, const char *org, const char *name)
{
	client_init(c, &server);
	assert_int_equal(issue_channel_key(&server, org, name, c->key_id, c->secret), 0);
}

/* POST as the commerce bureau; returns the new id (asserting 201). */
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

static void iso(long long t, char out[32])
{
	clock_format_iso(t, out);
}

static int setup(void **state)
{
	(void)state;
	server_prepare(&server);
	make_key(&alipay, "350100-swj", "支付宝");
	make_key(&unionpay, "350100-swj", "云闪付");
	make_key(&outsider, "350100-swj", "其他渠道");
	add_user(&server, "city-swj", "department", "350100-swj");
	add_user(&server, "city-zjj", "department", "350100-zjj");
	server_start_process(&server, NULL);
	client_init(&bureau, &server);
	assert_int_equal(client_login(&bureau, "city-swj", "city-swj-password"), 200);
	long long campaign =
	    create("/api/v1/vouchers/campaigns", "{\"name\":\"惠聚榕城消费季\",\"org\":\"350100-swj\"}");
	char start[32], end[32], later[32], later_end[32];
	long long now = time(NULL);
	iso(now - 60, start);
	iso(now + 3600, end);
	iso(now + 86400, later);
	iso(now + 2 * 86400, later_end);
	round_open = create("/api/v1/vouchers/rounds",
	                    "{\"campaign\":%lld,\"name\":\"第一期\",\"starts_at\":\"%s\",\"ends_at\":\"%s\","
	                    "\"channels\":[\"%s\",\"%s\"]}",
	                    campaign, start, end, alipay.key_id, unionpay.key_id);
	round_later = create(
	    "/api/v1/vouchers/rounds",
	    "{\"campaign\":%lld,\"name\":\"第二期\",\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"channels\":[\"%s\"]}",
	    campaign, later, later_end, alipay.key_id);
	kind_shared =
	    create("/api/v1/vouchers/kinds",
	           "{\"round\":%lld,\"name\":\"满100减20\",\"face_fen\":2000,\"threshold_fen\":10000,\"stock\":200,"
	           "\"validity_days\":7,\"per_person_limit\":2,\"categories\":[\"catering\",\"retail\"]}",
	           round_open);
	kind_split =
	    create("/api/v1/vouchers/kinds",
	           "{\"round\":%lld,\"name\":\"满50减10\",\"face_fen\":1000,\"threshold_fen\":5000,\"stock\":5,"
	           "\"validity_days\":7,\"per_person_limit\":1,\"categories\":[\"retail\"],"
	           "\"allocations\":{\"%s\":3,\"%s\":2}}",
	           round_open, alipay.key_id, unionpay.key_id);
	kind_retail = create("/api/v1/vouchers/kinds",
	                     "{\"round\":%lld,\"name\":\"零售券\",\"face_fen\":1000,\"threshold_fen\":0,\"no_threshold\":true,\"stock\":10,"
	                     "\"validity_days\":7,\"per_person_limit\":1,\"categories\":[\"retail\"]}",
	                     round_open);
	kind_car =
	    create("/api/v1/vouchers/kinds",
	           "{\"round\":%lld,\"name\":\"购车券\",\"face_fen\":300000,\"threshold_fen\":10000000,\"stock\":10,"
	           "\"validity_days\":30,\"per_person_limit\":1,\"categories\":[\"car\"]}",
	           round_later);
	merchant_food =
	    create("/api/v1/vouchers/merchants",
	           "{\"name\":\"聚春园大酒店\",\"credit_code\":\"91350102MA2XY00014\",\"district\":\"350102\","
	           "\"category\":\"catering\",\"channels\":[\"%s\",\"%s\"]}",
	           alipay.key_id, unionpay.key_id);
	merchant_shop =
	    create("/api/v1/vouchers/merchants",
	           "{\"name\":\"晋安万达广场超市\",\"credit_code\":\"91350111MA2AB0123Y\",\"district\":\"350111\","
	           "\"category\":\"retail\",\"channels\":[\"%s\"]}",
	           alipay.key_id);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	client_free(&bureau);
	client_free(&alipay);
	client_free(&unionpay);
	client_free(&outsider);
	server_down(&server);
	return 0;
}

/* A signed claim; returns the status and copies the voucher code (if any) into code. */
static long claim(struct client *c, long long round, long long kind, const char *user, const char *request_id,
                  char code[32], char error[64])
{
	char body[512];
	struct response r;
	snprintf(body, sizeof body, "{\"round\":%lld,\"kind\":%lld,\"user\":\"%s\",\"request_id\":\"%s\"}", round, kind,
	         user, request_id);
	client_signed(c, &r, "POST", "/api/v1/vouchers/claims", body, 0, NULL);
	const char *v = json_string_value(json_object_get(json_object_get(r.json, "voucher"), "code"));
	if (code)
		snprintf(code, 32, "%s", v ? v : "");
	if (error)
		snprintf(error, 64, "%s", error_code(&r));
	long status = r.status;
	response_free(&r);
	return status;
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

static void test_claim_repeat_and_limit(void **state)
{
	(void)state;
	char first[32], again[32], err[64];
	assert_int_equal(claim(&alipay, round_open, kind_shared, "alice", "req-a1", first, err), 201);
	assert_int_equal(strlen(first), 18);
	/* The same request again: the same voucher, not a second one. */
	assert_int_equal(claim(&alipay, round_open, kind_shared, "alice", "req-a1", again, err), 201);
	assert_string_equal(first, again);
	assert_int_equal(claim(&alipay, round_open, kind_shared, "alice", "req-a2", again, err), 201);
	assert_string_not_equal(first, again);
	assert_int_equal(claim(&alipay, round_open, kind_shared, "alice", "req-a3", NULL, err), 409);
	assert_string_equal(err, "already_claimed");
	/* A channel's answers carry the request id; the browser-only headers are left out. */
	struct response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/vouchers/%s", first);
	client_signed(&alipay, &r, "GET", path, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "X-Request-Id: "));
	assert_true(has_header(&r, "Content-Type: application/json"));
	assert_false(has_header(&r, "X-Content-Type-Options:"));
	response_free(&r);
	/* The same user id at another channel is another person. */
	assert_int_equal(claim(&unionpay, round_open, kind_shared, "alice", "req-a1", NULL, err), 201);
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE person = 'alice'"), 3);
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE code = '%s' AND request_id = 'req-a1'", first), 1);
}

static void test_stock_split_between_channels(void **state)
{
	(void)state;
	char err[64], user[32], req[32];
	int ok = 0;
	for (int i = 0; i < 5; i++) {
		snprintf(user, sizeof user, "split-a%d", i);
		snprintf(req, sizeof req, "split-a%d", i);
		long st = claim(&alipay, round_open, kind_split, user, req, NULL, err);
		if (st == 201)
			ok++;
		else
			assert_string_equal(err, "sold_out");
	}
	assert_int_equal(ok, 3);
	/* UnionPay's share is untouched by Alipay's users. */
	assert_int_equal(claim(&unionpay, round_open, kind_split, "split-u0", "split-u0", NULL, err), 201);
	assert_int_equal(claim(&unionpay, round_open, kind_split, "split-u1", "split-u1", NULL, err), 201);
	assert_int_equal(claim(&unionpay, round_open, kind_split, "split-u2", "split-u2", NULL, err), 409);
	assert_string_equal(err, "sold_out");
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE kind_id = %lld", kind_split), 5);
}

static void test_claim_refusals(void **state)
{
	(void)state;
	char err[64];
	long long before = count("SELECT count(*) FROM vouchers");
	assert_int_equal(claim(&outsider, round_open, kind_shared, "bob", "o1", NULL, err), 403);
	assert_string_equal(err, "foreign_round");
	assert_int_equal(claim(&alipay, round_later, kind_car, "bob", "c1", NULL, err), 422);
	assert_string_equal(err, "round_not_open");
	assert_int_equal(claim(&alipay, round_later, kind_shared, "bob", "c2", NULL, err), 404);
	assert_int_equal(claim(&alipay, round_open, 999999, "bob", "c3", NULL, err), 404);
	struct response r;
	client_signed(&alipay, &r, "POST", "/api/v1/vouchers/claims",
	              "{\"round\":1,\"kind\":\"x\",\"user\":\"b\",\"request_id\":\"r\"}", 0, NULL);
	assert_int_equal(r.status, 422);
	response_free(&r);
	client_signed(&alipay, &r, "POST", "/api/v1/vouchers/claims", "{\"round\":1,", 0, NULL);
	assert_int_equal(r.status, 400);
	response_free(&r);
	/* Running vouchers is the commerce bureau's duty: not the system administrator's, nor another bureau's. */
	struct client other;
	static const char *const others[][2] = {{"admin", "admin-password"}, {"city-zjj", "city-zjj-password"}};
	for (size_t i = 0; i < 2; i++) {
		client_init(&other, &server);
		assert_int_equal(client_login(&other, others[i][0], others[i][1]), 200);
		client_request(&other, &r, "POST", "/api/v1/vouchers/campaigns",
		               "{\"name\":\"x\",\"org\":\"350100-swj\"}", NULL, NULL);
		assert_int_equal(r.status, 403);
		assert_string_equal(error_code(&r), i == 0 ? "forbidden" : "wrong_duty");
		response_free(&r);
		client_request(&other, &r, "GET", "/api/v1/vouchers/campaigns", NULL, NULL, NULL);
		assert_int_equal(r.status, 403);
		response_free(&r);
		client_free(&other);
	}
	/* A person, not a channel, may not claim through the channel API. */
	client_request(&bureau, &r, "POST", "/api/v1/vouchers/claims",
	               "{\"round\":1,\"kind\":1,\"user\":\"b\",\"request_id\":\"r\"}", NULL, NULL);
	assert_int_equal(r.status, 403);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM vouchers"), before);
}

/* A signed claim with the body as given; like claim(). */
static long claim_body(const char *body, char code[32], char error[64])
{
	struct response r;
	client_signed(&alipay, &r, "POST", "/api/v1/vouchers/claims", body, 0, NULL);
	const char *v = json_string_value(json_object_get(json_object_get(r.json, "voucher"), "code"));
	snprintf(code, 32, "%s", v ? v : "");
	snprintf(error, 64, "%s", error_code(&r));
	long status = r.status;
	response_free(&r);
	return status;
}

/*
** The claim route reads the plain body shape itself and gives every other
** shape to the JSON path: the two must agree on the person, the request id
** and every refusal.
*/
static void test_claim_body_shapes(void **state)
{
	(void)state;
	char body[256], code[32], first[32], err[64];
	long long rd = round_open, k = kind_shared;
	/* An escape takes the JSON path; the same person by the fast path, in another order, with spaces. */
	snprintf(body, sizeof body, "{\"round\":%lld,\"kind\":%lld,\"user\":\"shape\\u0041\",\"request_id\":\"s1\"}",
	         rd, k);
	assert_int_equal(claim_body(body, first, err), 201);
	snprintf(body, sizeof body,
	         " {\"request_id\" : \"s2\",\n\"user\":\"shapeA\", \"kind\":%lld,\"round\":%lld}\r\n", k, rd);
	assert_int_equal(claim_body(body, code, err), 201);
	assert_string_not_equal(code, first);
	snprintf(body, sizeof body, "{\"round\":%lld,\"kind\":%lld,\"user\":\"shapeA\",\"request_id\":\"s\\u0033\"}",
	         rd, k);
	assert_int_equal(claim_body(body, code, err), 409);
	assert_string_equal(err, "already_claimed");
	/* The request id the JSON path saw, repeated on the fast path: the first answer. */
	snprintf(body, sizeof body, "{\"round\":%lld,\"kind\":%lld,\"user\":\"shapeA\",\"request_id\":\"s1\"}", rd, k);
	assert_int_equal(claim_body(body, code, err), 201);
	assert_string_equal(code, first);

	static const struct {
		const char *format; /* round and kind as %lld */
		long status;
		const char *error;
	} refusals[] = {
	    {"{\"round\":%lld.0,\"kind\":%lld,\"user\":\"x\",\"request_id\":\"s4\"}", 422, "invalid_type"},
	    {"{\"round\":%lld,\"kind\":%lld,\"user\":\"x\",\"request_id\":\"s5\",\"x\":1}", 422, "unknown_field"},
	    {"{\"round\":%lld,\"kind\":%lld,\"user\":\"x\",\"request_id\":\"s6\",\"kind\":1}", 400, "malformed_json"},
	    {"{\"round\":0%lld,\"kind\":%lld,\"user\":\"x\",\"request_id\":\"s7\"}", 400, "malformed_json"},
	    {"{\"round\":-%lld,\"kind\":%lld,\"user\":\"x\",\"request_id\":\"s8\"}", 422, "out_of_range"},
	    {"{\"round\":%lld,\"kind\":%lld,\"user\":\"\",\"request_id\":\"s9\"}", 422, "invalid_length"},
	    {"{\"round\":%lld,\"kind\":%lld,\"user\":\"x\"}", 422, "missing_field"},
	    {"[%lld,%lld]", 400, "malformed_json"},
	};
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		snprintf(body, sizeof body, refusals[i].format, rd, k);
		assert_int_equal(claim_body(body, code, err), refusals[i].status);
		assert_string_equal(err, refusals[i].error);
	}
	snprintf(body, sizeof body, "{\"round\":%lld,\"kind\":%lld,\"user\":\"%065d\",\"request_id\":\"s10\"}", rd, k,
	         0);
	assert_int_equal(claim_body(body, code, err), 422);
	assert_string_equal(err, "invalid_length");
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE person = 'shapeA'"), 2);
}

struct storm {
	int thread, ok, limited, sold_out, other;
	long long kind;
};

/* Many clients at once, users shared between them: never over the stock, never over the limit. */
static void *storm_thread(void *arg)
{
	struct storm *st = arg;
	struct client c;
	client_init(&c, &server);
	snprintf(c.key_id, sizeof c.key_id, "%s", alipay.key_id);
	snprintf(c.secret, sizeof c.secret, "%s", alipay.secret);
	char user[32], req[48], err[64];
	for (int i = 0; i < 60; i++) {
		snprintf(user, sizeof user, "storm-%d", i % 25);
		snprintf(req, sizeof req, "storm-t%d-%d", st->thread, i);
		long status = claim(&c, round_open, st->kind, user, req, NULL, err);
		if (status == 201)
			st->ok++;
		else if (status == 409 && strcmp(err, "already_claimed") == 0)
			st->limited++;
		else if (status == 409 && strcmp(err, "sold_out") == 0)
			st->sold_out++;
		else
			st->other++;
	}
	client_free(&c);
	return NULL;
}

static void test_concurrent_claims_never_oversell(void **state)
{
	(void)state;
	long long kind = create("/api/v1/vouchers/kinds",
	                        "{\"round\":%lld,\"name\":\"抢购券\",\"face_fen\":500,\"threshold_fen\":0,\"no_threshold\":true,\"stock\":40,"
	                        "\"validity_days\":1,\"per_person_limit\":2,\"categories\":[\"retail\"]}",
	                        round_open);
	enum { THREADS = 8 };
	pthread_t threads[THREADS];
	struct storm results[THREADS];
	for (int t = 0; t < THREADS; t++) {
		results[t] = (struct storm){.thread = t, .kind = kind};
		pthread_create(&threads[t], NULL, storm_thread, &results[t]);
	}
	int ok = 0, other = 0;
	for (int t = 0; t < THREADS; t++) {
		pthread_join(threads[t], NULL);
		ok += results[t].ok;
		other += results[t].other;
	}
	/* 25 people with a limit of 2 could take 50; the stock is 40, and all of it goes. */
	assert_int_equal(other, 0);
	assert_int_equal(ok, 40);
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE kind_id = %lld", kind), 40);
	assert_int_equal(count("SELECT count(*) FROM (SELECT person FROM vouchers WHERE kind_id = %lld GROUP BY person"
	                       " HAVING count(*) > 2) AS over",
	                       kind),
	                 0);
}

/* Redeem as a channel; returns the status, the error code and the redemption id. */
static long redeem(struct client *c, const char *code, long long merchant, const char *order, long long amount,
                   char err[64], long long *ret_id, long long *ret_discount)
{
	char body[512];
	struct response r;
	snprintf(body, sizeof body, "{\"code\":\"%s\",\"merchant\":%lld,\"order_no\":\"%s\",\"amount_fen\":%lld}", code,
	         merchant, order, amount);
	client_signed(c, &r, "POST", "/api/v1/vouchers/redemptions", body, 0, NULL);
	snprintf(err, 64, "%s", error_code(&r));
	json_t *d = json_object_get(r.json, "redemption");
	if (ret_id)
		*ret_id = json_integer_value(json_object_get(d, "id"));
	if (ret_discount)
		*ret_discount = json_integer_value(json_object_get(d, "discount_fen"));
	long status = r.status;
	response_free(&r);
	return status;
}

static const char *voucher_state(struct client *c, const char *code)
{
	static char state[32];
	char path[128];
	struct response r;
	snprintf(path, sizeof path, "/api/v1/vouchers/%s", code);
	client_signed(c, &r, "GET", path, NULL, 0, NULL);
	const char *s = json_string_value(json_object_get(json_object_get(r.json, "voucher"), "state"));
	snprintf(state, sizeof state, "%s", r.status == 200 && s ? s : "none");
	response_free(&r);
	return state;
}

static void test_redeem_refuse_and_reverse(void **state)
{
	(void)state;
	char code[32], upcode[32], err[64];
	long long id, again, discount;
	assert_int_equal(claim(&alipay, round_open, kind_shared, "carol", "carol-1", code, err), 201);
	assert_int_equal(claim(&unionpay, round_open, kind_shared, "carol", "carol-1", upcode, err), 201);
	assert_string_equal(voucher_state(&alipay, code), "claimed");
	assert_string_equal(voucher_state(&unionpay, code), "none"); /* another channel's voucher is not found */

	assert_int_equal(redeem(&alipay, code, merchant_food, "JCY-1", 9999, err, NULL, NULL), 422);
	assert_string_equal(err, "below_threshold");
	assert_int_equal(redeem(&alipay, code, merchant_food + 100, "JCY-1", 12000, err, NULL, NULL), 422);
	assert_string_equal(err, "unknown_merchant");
	assert_int_equal(redeem(&alipay, "FZNOTAREALCODE0000", merchant_food, "JCY-1", 12000, err, NULL, NULL), 404);
	assert_int_equal(redeem(&alipay, upcode, merchant_food, "JCY-1", 12000, err, NULL, NULL), 403);
	assert_string_equal(err, "foreign_voucher");
	assert_int_equal(redeem(&unionpay, upcode, merchant_shop, "WD-1", 12000, err, NULL, NULL), 422);
	assert_string_equal(err, "merchant_channel"); /* the shop takes only Alipay */
	char retail[32];
	assert_int_equal(claim(&alipay, round_open, kind_retail, "carol", "carol-r", retail, err), 201);
	assert_int_equal(redeem(&alipay, retail, merchant_food, "JCY-0", 12000, err, NULL, NULL), 422);
	assert_string_equal(err, "merchant_category"); /* a retail voucher at a restaurant */
	long long nothing = count("SELECT count(*) FROM voucher_redemptions");

	assert_int_equal(redeem(&alipay, code, merchant_food, "JCY-1", 12800, err, &id, &discount), 201);
	assert_int_equal(discount, 2000);
	assert_int_equal(count("SELECT count(*) FROM voucher_redemptions"), nothing + 1);
	/* The same order again: the first answer. */
	assert_int_equal(redeem(&alipay, code, merchant_food, "JCY-1", 12800, err, &again, NULL), 200);
	assert_int_equal(again, id);
	assert_int_equal(redeem(&alipay, code, merchant_food, "JCY-2", 20000, err, NULL, NULL), 409);
	assert_string_equal(err, "voucher_used");
	assert_string_equal(voucher_state(&alipay, code), "redeemed");

	/* The order is refunded: the voucher comes back, once. */
	char path[128];
	struct response r;
	snprintf(path, sizeof path, "/api/v1/vouchers/redemptions/%lld/reversal", id);
	client_signed(&alipay, &r, "POST", path, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	response_free(&r);
	client_signed(&alipay, &r, "POST", path, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	response_free(&r);
	client_signed(&unionpay, &r, "POST", path, NULL, 0, NULL);
	assert_int_equal(r.status, 404);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM voucher_redemptions WHERE reversed_at IS NOT NULL"), 1);
	assert_string_equal(voucher_state(&alipay, code), "claimed");
	assert_int_equal(redeem(&alipay, code, merchant_food, "JCY-3", 15000, err, NULL, NULL), 201);
}

static void test_a_claim_the_disk_refused_gives_its_number_back(void **state)
{
	(void)state;
	char err[64];
	/* The disk refuses one claim (a trigger stands in for a failing write): 503, nothing saved. */
	if (on_postgres())
		db_run_sql(&server, "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS"
		                    " 'BEGIN RAISE EXCEPTION ''refused''; END';"
		                    " CREATE TRIGGER refuse_one BEFORE INSERT ON vouchers FOR EACH ROW"
		                    " WHEN (NEW.request_id = 'undone-1') EXECUTE FUNCTION refuse_one()");
	else
		db_run_sql(&server,
		           "CREATE TRIGGER refuse_one BEFORE INSERT ON vouchers WHEN NEW.request_id = 'undone-1'"
		           " BEGIN SELECT RAISE(ABORT, 'refused'); END");
	assert_int_equal(claim(&alipay, round_open, kind_shared, "undone", "undone-1", NULL, err), 503);
	db_run_sql(&server, on_postgres() ? "DROP TRIGGER refuse_one ON vouchers" : "DROP TRIGGER refuse_one");
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE person = 'undone'"), 0);
	/* The person still gets the limit (2), numbered 1 and 2, and no more. */
	assert_int_equal(claim(&alipay, round_open, kind_shared, "undone", "undone-2", NULL, err), 201);
	assert_int_equal(claim(&alipay, round_open, kind_shared, "undone", "undone-3", NULL, err), 201);
	assert_int_equal(claim(&alipay, round_open, kind_shared, "undone", "undone-4", NULL, err), 409);
	assert_string_equal(err, "already_claimed");
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE person = 'undone' AND person_seq BETWEEN 1 AND 2"),
	                 2);
}

static void test_a_restart_keeps_every_claim(void **state)
{
	(void)state;
	char before[32], after[32], err[64];
	assert_int_equal(claim(&alipay, round_open, kind_shared, "dave", "dave-1", before, err), 201);
	long long issued = count("SELECT count(*) FROM vouchers WHERE kind_id = %lld", kind_split);
	/* A person whose first claim was lost (never acknowledged: a crash between
	** two group commits) keeps the second: numbers have a gap after the restart. */
	assert_int_equal(claim(&alipay, round_open, kind_shared, "gap", "gap-1", NULL, err), 201);
	assert_int_equal(claim(&alipay, round_open, kind_shared, "gap", "gap-2", NULL, err), 201);
	assert_int_equal(server_stop_process(&server), 0);
	db_run_sql(&server, "DELETE FROM vouchers WHERE person = 'gap' AND person_seq = 1");
	server_start_process(&server, NULL);
	assert_int_equal(claim(&alipay, round_open, kind_shared, "gap", "gap-3", NULL, err), 201);
	assert_int_equal(claim(&alipay, round_open, kind_shared, "gap", "gap-4", NULL, err), 409);
	assert_string_equal(err, "already_claimed");
	assert_int_equal(client_login(&bureau, "city-swj", "city-swj-password"), 200);
	/* The same request after the restart: the same voucher. */
	assert_int_equal(claim(&alipay, round_open, kind_shared, "dave", "dave-1", after, err), 201);
	assert_string_equal(before, after);
	assert_int_equal(claim(&alipay, round_open, kind_shared, "dave", "dave-2", NULL, err), 201);
	assert_int_equal(claim(&alipay, round_open, kind_shared, "dave", "dave-3", NULL, err), 409);
	/* The sold-out kind stays sold out. */
	assert_int_equal(claim(&alipay, round_open, kind_split, "new-after-restart", "n1", NULL, err), 409);
	assert_string_equal(err, "sold_out");
	assert_int_equal(count("SELECT count(*) FROM vouchers WHERE kind_id = %lld", kind_split), issued);
}

static void test_campaign_list_and_admin_refusals(void **state)
{
	(void)state;
	struct response r;
	client_request(&bureau, &r, "GET", "/api/v1/vouchers/campaigns", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	json_t *round =
	    json_array_get(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "rounds"), 0);
	assert_int_equal(json_array_size(json_object_get(round, "channels")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(round, "channels"), 0)), alipay.key_id);
	json_t *kind = json_array_get(json_object_get(round, "kinds"), 1); /* 满50减10, sold out */
	assert_int_equal(json_integer_value(json_object_get(kind, "claimed")), 5);
	assert_int_equal(json_integer_value(json_object_get(kind, "remaining")), 0);
	response_free(&r);
	long long merchants = count("SELECT count(*) FROM merchants");
	client_request(&bureau, &r, "POST", "/api/v1/vouchers/merchants",
	               "{\"name\":\"x\",\"credit_code\":\"91350102MA2XY00015\",\"district\":\"350102\",\"category\":"
	               "\"retail\",\"channels\":[]}",
	               NULL, NULL);
	assert_int_equal(r.status, 422);
	assert_string_equal(error_code(&r), "invalid_credit_code");
	response_free(&r);
	client_request(&bureau, &r, "POST", "/api/v1/vouchers/kinds",
	               "{\"round\":1,\"name\":\"x\",\"face_fen\":100,\"threshold_fen\":0,\"no_threshold\":true,"
	               "\"stock\":10,\"validity_days\":1,"
	               "\"per_person_limit\":1,\"categories\":[\"retail\"],\"allocations\":{\"bk_nope\":10}}",
	               NULL, NULL);
	assert_int_equal(r.status, 422);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM merchants"), merchants);
}

/* The bureau's figures: what was claimed, what it cost, what it drove. */
static void test_stats(void **state)
{
	(void)state;
	struct response r;
	client_request(&bureau, &r, "GET", "/api/v1/vouchers/stats", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	json_t *t = json_object_get(r.json, "totals");
	assert_int_equal(json_integer_value(json_object_get(t, "claimed")), count("SELECT count(*) FROM vouchers"));
	assert_int_equal(json_integer_value(json_object_get(t, "issued")),
	                 count("SELECT sum(stock) FROM voucher_kinds"));
	/* One live redemption: an order of 150元 with 20元 off; the earlier one was reversed. */
	assert_int_equal(json_integer_value(json_object_get(t, "redeemed")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "subsidy_fen")), 2000);
	assert_int_equal(json_integer_value(json_object_get(t, "consumption_fen")), 15000);
	assert_true(json_real_value(json_object_get(t, "leverage")) == 7.5);
	assert_int_equal(json_integer_value(json_object_get(t, "reversed")), 1);
	json_t *d = json_array_get(json_object_get(r.json, "by_district"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "district")), "350102");
	assert_int_equal(json_array_size(json_object_get(r.json, "by_district")), 1);
	json_t *m = json_array_get(json_object_get(r.json, "by_merchant"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "name")), "聚春园大酒店");
	assert_int_equal(json_array_size(json_object_get(r.json, "by_merchant")), 1);
	response_free(&r);
	/* Filters: another district, another channel, a kind. */
	client_request(&bureau, &r, "GET", "/api/v1/vouchers/stats?district=350111", NULL, NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "totals"), "redeemed")), 0);
	response_free(&r);
	char path[200];
	snprintf(path, sizeof path, "/api/v1/vouchers/stats?channel=%s&kind=%lld", unionpay.key_id, kind_split);
	client_request(&bureau, &r, "GET", path, NULL, NULL, NULL);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "totals"), "claimed")), 2);
	response_free(&r);
	client_request(&bureau, &r, "GET", "/api/v1/vouchers/stats?day=2020-13-01", NULL, NULL, NULL);
	assert_int_equal(r.status, 422);
	response_free(&r);
}

static void test_merchants_channels_and_export(void **state)
{
	(void)state;
	struct response r;
	client_request(&bureau, &r, "GET", "/api/v1/vouchers/merchants", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), count("SELECT count(*) FROM merchants"));
	json_t *shop = NULL, *m;
	size_t i;
	json_array_foreach(json_object_get(r.json, "items"), i,
	                   m) if (json_integer_value(json_object_get(m, "id")) == merchant_shop) shop = m;
	assert_non_null(shop);
	assert_int_equal(json_array_size(json_object_get(shop, "channels")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(shop, "channels"), 0)), alipay.key_id);
	response_free(&r);

	client_request(&bureau, &r, "GET", "/api/v1/vouchers/channels", NULL, NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
	response_free(&r);
	/* A disabled channel is still named (a round or merchant may have named it), marked disabled. */
	db_run_sql(&server,
	           "UPDATE api_keys SET disabled = 1 WHERE id = (SELECT min(id) FROM api_keys WHERE role = 'channel')");
	client_request(&bureau, &r, "GET", "/api/v1/vouchers/channels", NULL, NULL, NULL);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
	assert_true(json_is_true(json_object_get(first, "disabled")));
	assert_non_null(json_string_value(json_object_get(first, "name")));
	assert_true(json_is_false(json_object_get(json_array_get(json_object_get(r.json, "items"), 1), "disabled")));
	response_free(&r);
	db_run_sql(&server, "UPDATE api_keys SET disabled = 0 WHERE role = 'channel'");

	client_request(&bureau, &r, "GET", "/api/v1/vouchers/stats/export?table=districts&format=csv", NULL, NULL,
	               NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "350102,鼓楼区,1,20.00,150.00"));
	response_free(&r);
	client_request(&bureau, &r, "GET", "/api/v1/vouchers/stats/export?table=merchants", NULL, NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body, "PK", 2);
	response_free(&r);
	client_request(&bureau, &r, "GET", "/api/v1/vouchers/stats/export?table=nope", NULL, NULL, NULL);
	assert_int_equal(r.status, 422);
	response_free(&r);
}

static void claim_three(void *arg)
{
	(void)arg;
	char req[32], err[64];
	for (int i = 0; i < 3; i++) {
		snprintf(req, sizeof req, "live-%d", i);
		claim(&alipay, round_open, kind_live, req, req, NULL, err);
	}
}

/* A console watching a round sees the counters move as claims arrive, without asking. */
static void test_live_counters_over_sse(void **state)
{
	(void)state;
	kind_live = create("/api/v1/vouchers/kinds",
	                   "{\"round\":%lld,\"name\":\"直播券\",\"face_fen\":100,\"threshold_fen\":0,\"no_threshold\":true,\"stock\":9,"
	                   "\"validity_days\":1,\"per_person_limit\":1,\"categories\":[\"retail\"]}",
	                   round_open);
	static char seen[65536];
	assert_true(client_await_event(&bureau, "\"claimed\":3,", claim_three, NULL, seen, sizeof seen));
	assert_non_null(strstr(seen, "event: voucher.counter"));
	char expect[128];
	snprintf(expect, sizeof expect, "{\"kind\":%lld,\"round\":%lld,", kind_live, round_open);
	assert_non_null(strstr(seen, expect));
	assert_non_null(strstr(seen, "\"claimed\":3,\"remaining\":6}"));
}

/* A closed round's leftovers go into a later round, once. */
static void test_carry_over(void **state)
{
	(void)state;
	long long campaign = create("/api/v1/vouchers/campaigns", "{\"name\":\"结转测试\",\"org\":\"350100-swj\"}");
	long long past = create("/api/v1/vouchers/rounds",
	                        "{\"campaign\":%lld,\"name\":\"上一期\",\"starts_at\":\"2020-04-10T10:00:00+08:00\","
	                        "\"ends_at\":\"2020-04-30T22:00:00+08:00\",\"channels\":[\"%s\"]}",
	                        campaign, alipay.key_id);
	char start[32], end[32];
	iso(time(NULL) - 60, start);
	iso(time(NULL) + 3600, end);
	long long next = create(
	    "/api/v1/vouchers/rounds",
	    "{\"campaign\":%lld,\"name\":\"下一期\",\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"channels\":[\"%s\"]}",
	    campaign, start, end, alipay.key_id);
	long long old =
	    create("/api/v1/vouchers/kinds",
	           "{\"round\":%lld,\"name\":\"满100减20\",\"face_fen\":2000,\"threshold_fen\":10000,\"stock\":30,"
	           "\"validity_days\":7,\"per_person_limit\":1,\"categories\":[\"retail\"]}",
	           past);
	/* 4 claimed, 2 of them expired unused (a past round): put there by hand, as history. */
	char sql[1200];
	snprintf(
	    sql, sizeof sql,
	    "WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 4)"
	    " INSERT INTO vouchers(code, kind_id, api_key_id, person, person_seq, request_id, claimed_at, expires_at)"
	    " SELECT 'FZOLD' || value, %lld, 1, 'old' || value, 1, 'old' || value, 1587000000, 1587600000 FROM n",
	    old);
	db_run_sql(&server, sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO voucher_redemptions(voucher_id, merchant_id, order_no, amount_fen, discount_fen,"
	         " redeemed_at) SELECT id, %lld, 'old-' || id, 12000, 2000, 1587100000 FROM vouchers WHERE code IN"
	         " ('FZOLD1', 'FZOLD2')",
	         merchant_food);
	db_run_sql(&server, sql);

	struct response r;
	char path[128], body[64];
	snprintf(path, sizeof path, "/api/v1/vouchers/kinds/%lld/carry", old);
	snprintf(body, sizeof body, "{\"round\":%lld}", next);
	client_request(&bureau, &r, "POST", path, body, NULL, NULL);
	assert_int_equal(r.status, 201);
	/* 26 never claimed and 2 expired unused: 28 go on. */
	assert_int_equal(json_integer_value(json_object_get(r.json, "unclaimed")), 26);
	assert_int_equal(json_integer_value(json_object_get(r.json, "expired")), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "stock")), 28);
	long long carried = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	char err[64];
	assert_int_equal(claim(&alipay, next, carried, "erin", "erin-1", NULL, err), 201);
	client_request(&bureau, &r, "POST", path, body, NULL, NULL);
	assert_int_equal(r.status, 409);
	assert_string_equal(error_code(&r), "already_carried");
	response_free(&r);
	/* An open round's kind cannot be carried yet. */
	snprintf(path, sizeof path, "/api/v1/vouchers/kinds/%lld/carry", carried);
	client_request(&bureau, &r, "POST", path, body, NULL, NULL);
	assert_int_equal(r.status, 409);
	assert_string_equal(error_code(&r), "round_not_over");
	response_free(&r);
}

/*
** 满减: a kind's face value is below its threshold (满100减20), unless the kind
** is declared 无门槛 (no_threshold), whose threshold is 0 or left out.
*/
static void test_kind_face_below_threshold(void **state)
{
	(void)state;
	static const char kind[] = "{\"round\":%lld,\"name\":\"%s\",\"face_fen\":%d%s,\"stock\":5,\"validity_days\":7,"
	                           "\"per_person_limit\":1,\"categories\":[\"retail\"]}";
	long long kinds = count("SELECT count(*) FROM voucher_kinds");
	static const struct {
		int face;
		const char *rest, *field;
	} refused[] = {
	    {2000, ",\"threshold_fen\":1000", "face_fen"},                         /* 满10减20 */
	    {2000, ",\"threshold_fen\":2000", "face_fen"},                         /* 满20减20: free goods */
	    {1000, ",\"threshold_fen\":0", "face_fen"},                            /* no threshold, not declared */
	    {1000, "", "threshold_fen"},                                           /* neither */
	    {1000, ",\"threshold_fen\":5000,\"no_threshold\":true", "threshold_fen"}, /* 无门槛 with a threshold */
	    {1000, ",\"no_threshold\":1", "no_threshold"},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		struct response r;
		assert_int_equal(client_callf(&bureau, &r, "POST", "/api/v1/vouchers/kinds", kind, round_open, "错券",
		                              refused[i].face, refused[i].rest),
		                 422);
		assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")),
		                    refused[i].field);
		response_free(&r);
	}
	assert_int_equal(count("SELECT count(*) FROM voucher_kinds"), kinds);
	long long free_kind = create("/api/v1/vouchers/kinds", kind, round_open, "无门槛5元券", 500, ",\"no_threshold\":true");
	long long zero_kind =
	    create("/api/v1/vouchers/kinds", kind, round_open, "无门槛1元券", 100, ",\"threshold_fen\":0,\"no_threshold\":true");
	create("/api/v1/vouchers/kinds", kind, round_open, "满30减5", 500, ",\"threshold_fen\":3000,\"no_threshold\":false");
	struct response r;
	assert_int_equal(client_callf(&bureau, &r, "GET", "/api/v1/vouchers/campaigns", NULL), 200);
	int seen = 0;
	size_t i, j, k;
	json_t *c, *round, *kd;
	json_array_foreach(json_object_get(r.json, "items"), i, c) json_array_foreach(json_object_get(c, "rounds"), j, round)
	    json_array_foreach(json_object_get(round, "kinds"), k, kd)
	{
		long long id = json_integer_value(json_object_get(kd, "id"));
		if (id == free_kind || id == zero_kind) {
			assert_true(json_is_true(json_object_get(kd, "no_threshold")));
			assert_int_equal(json_integer_value(json_object_get(kd, "threshold_fen")), 0);
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	response_free(&r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_claim_repeat_and_limit),
	    cmocka_unit_test(test_stock_split_between_channels),
	    cmocka_unit_test(test_claim_refusals),
	    cmocka_unit_test(test_claim_body_shapes),
	    cmocka_unit_test(test_concurrent_claims_never_oversell),
	    cmocka_unit_test(test_redeem_refuse_and_reverse),
	    cmocka_unit_test(test_a_claim_the_disk_refused_gives_its_number_back),
	    cmocka_unit_test(test_a_restart_keeps_every_claim),
	    cmocka_unit_test(test_campaign_list_and_admin_refusals),
	    cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_merchants_channels_and_export),
	    cmocka_unit_test(test_live_counters_over_sse),
	    cmocka_unit_test(test_carry_over),
	    cmocka_unit_test(test_kind_face_below_threshold),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return failed;
}
