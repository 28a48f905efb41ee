/*
** test_refunds_life.c - a refund batch after it is decided, on the real
** server with its clock stopped (BANYAN_CLOCK) and moved between steps:
** publicity over working days, the public list without personal data,
** objections (upheld, dismissed, one left open that holds its enterprise
** back), approval by someone other than whoever ran the batch, the bank
** accounts on record and an enterprise's correction, the payment file, a
** return file refused by line then taken, a failed payment re-sent to the
** fallback payee, the return file imported through a kill -9, a recovery,
** the notices to the enterprise, and the batch's totals adding up after
** every step.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "client.h"
#include "db/db.h"

static struct test_server server;
static struct client hr, hr2, ja_hr, swj, leader, firm, anon;

#define HEADER "统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n"
#define EA     "91350111MA2RF0001N" /* 晋安, large: eligible, 6,173 fen; the firm's; an objection left open */
#define EB     "91350111MA2RF00053" /* 晋安, small: eligible, 50,000 fen; an objection dismissed; paid, then recovered */
#define EC     "91350112MA2RF0008T" /* 长乐, micro: eligible, 7,000 fen; an objection upheld: withdrawn */
#define ED     "91350111MA2RF00066" /* 晋安, small: refused (31 insured take 5.5%) */

static const char rolls_2019[] =
    HEADER EA ",一号公司,350111,制造,大型,2019-12,200,12345,0\n" EB ",三号公司,350111,零售,小型,2019-12,30,50000,0\n" EC
              ",六号公司,350112,餐饮,微型,2019-12,10,7000,0\n" ED ",四号公司,350111,零售,小型,2019-12,31,50000,0\n";
static const char rolls_2020[] =
    HEADER EA ",一号公司,350111,制造,大型,2020-01,200,1000,0\n" EA ",一号公司,350111,制造,大型,2020-06,189,1000,0\n" EB
              ",三号公司,350111,零售,小型,2020-01,30,1000,0\n" EB ",三号公司,350111,零售,小型,2020-06,24,1000,0\n" EC
              ",六号公司,350112,餐饮,微型,2020-01,10,1000,0\n" EC ",六号公司,350112,餐饮,微型,2020-06,10,1000,0\n" ED
              ",四号公司,350111,零售,小型,2020-01,31,1000,0\n" ED ",四号公司,350111,零售,小型,2020-06,25,1000,0\n";

#define RULES                                                                                                          \
	"{\"year\":2020,\"start_month\":\"2020-01\",\"end_month\":\"2020-06\",\"arrears_month\":\"2020-06\","          \
	"\"rate_bp\":550,\"small_rate_bp\":2000,\"small_headcount\":30,\"exclude_default\":true,"                      \
	"\"require_difficulty\":false,\"amount\":\"premium_share\",\"share_bp\":{\"large\":5000,\"medium\":5000,"      \
	"\"small\":10000,\"micro\":10000},\"cap_fen\":0,\"rounding\":\"half_up\",\"payer_account\":\"35001000000\"}"

static long long batch_id, decision[4]; /* EA, EB, EC, ED */

static long long count(const char *sql)
{
	return db_count(&server, sql);
}

static long long json_int(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *json_str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "(null)";
}

static const struct cast_member cast[] = {
    {&hr, "city-hr", "department", "350100-rsj"},  {&hr2, "city-hr2", "department", "350100-rsj"},
    {&ja_hr, "ja-hr", "department", "350111-rsj"}, {&swj, "swj-staff", "department", "350100-swj"},
    {&leader, "leader", "leader", "350100"},       {&firm, "firm", "enterprise", "350111"},
};

/* Start the server with its clock stopped at instant, and log everyone in. */
static void start_at(const char *instant)
{
	setenv("BANYAN_CLOCK", instant, 1);
	cast_start(&server, cast, CAST_SIZE(cast), NULL);
	client_init(&anon, &server);
}

static void forget_sessions(void)
{
	cast_sign_out(cast, CAST_SIZE(cast));
	client_free(&anon);
}

static void restart_at(const char *instant)
{
	forget_sessions();
	assert_int_equal(server_stop_process(&server), 0);
	start_at(instant);
}

static const char *batch_path(const char *tail)
{
	static char path[128];
	snprintf(path, sizeof path, "/api/v1/refunds/batches/%lld%s", batch_id, tail);
	return path;
}

/*
** The batch's totals as the city's bureau sees them, checked to add up:
** eligible = withdrawn + waiting + approved; approved = unsent + sent + paid
** + failed; and each against the decisions' states counted in the database.
*/
static json_t *totals(void)
{
	struct response r;
	assert_int_equal(client_callf(&hr, &r, "GET", batch_path(""), NULL), 200);
	json_t *t = json_incref(json_object_get(r.json, "totals"));
	response_free(&r);
	const char *keys[] = {"eligible", "withdrawn", "waiting", "approved", "unsent", "sent", "paid", "failed"};
	long long n[8], fen[8];
	for (int i = 0; i < 8; i++) {
		json_t *k = json_object_get(t, keys[i]);
		assert_non_null(k);
		n[i] = json_int(k, "enterprises");
		fen[i] = json_int(k, "amount_fen");
	}
	assert_int_equal(n[0], n[1] + n[2] + n[3]);
	assert_int_equal(fen[0], fen[1] + fen[2] + fen[3]);
	assert_int_equal(n[3], n[4] + n[5] + n[6] + n[7]);
	assert_int_equal(fen[3], fen[4] + fen[5] + fen[6] + fen[7]);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM refund_decisions WHERE batch_id = %lld AND state = 'sent'",
	         batch_id);
	assert_int_equal(n[5], count(sql));
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM refund_decisions WHERE batch_id = %lld AND state IN ('paid', 'recovering',"
	         " 'recovered', 'written_off')",
	         batch_id);
	assert_int_equal(n[6], count(sql));
	return t;
}

static long long total(json_t *t, const char *key, const char *field)
{
	return json_int(json_object_get(t, key), field);
}

static int setup(void **state)
{
	(void)state;
	cast_prepare(&server, cast, CAST_SIZE(cast));
	/* Tuesday 1 September 2020, ten in the morning. */
	start_at("2020-09-01T10:00:00+08:00");
	struct client admin;
	client_init(&admin, &server);
	if (client_login(&admin, "admin", "admin-password") != 200)
		return -1;
	int linked = enterprise_with_account(&admin, "一号公司", EA, "350111", "firm");
	client_free(&admin);
	if (linked < 0)
		return -1;
	struct response r;
	char path[96];
	/* The rolls, a policy and its first batch, run by city-hr. */
	if (client_post_json(&hr, &r, "/api/v1/refunds/rolls/import",
	                     json_pack("{s:i, s:s}", "year", 2019, "csv", rolls_2019)) != 200)
		return -1;
	response_free(&r);
	if (client_post_json(&hr, &r, "/api/v1/refunds/rolls/import",
	                     json_pack("{s:i, s:s}", "year", 2020, "csv", rolls_2020)) != 200)
		return -1;
	response_free(&r);
	/* The policy is the bureau's duty administrator's to make (city-hr2, so made as the system administrator would). */
	db_run_sql(&server, "UPDATE users SET duty_admin = 1 WHERE username = 'city-hr2'");
	client_callf(&hr2, &r, "POST", "/api/v1/refunds/policies",
	             "{\"code\":\"2020-sme\",\"name\":\"2020年中小微企业稳岗返还\",\"rules\":" RULES "}");
	long long policy = json_int(r.json, "id");
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/refunds/policies/%lld/batches", policy);
	if (client_callf(&hr, &r, "POST", path, "{}") != 201)
		return -1;
	batch_id = json_int(r.json, "id");
	response_free(&r);
	const char *codes[] = {EA, EB, EC, ED};
	for (int i = 0; i < 4; i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT id FROM refund_decisions WHERE credit_code = '%s'", codes[i]);
		decision[i] = count(sql);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	forget_sessions();
	server_down(&server);
	return 0;
}

static long object(long long on, const char *reason, char code[48])
{
	return client_statusf(&anon, "POST", "/api/v1/public/refunds/objections", code,
	                      "{\"decision\":%lld,\"reason\":\"%s\",\"contact\":\"139-0000-0000\"}", on, reason);
}

/* Publicity starts the next working day and lasts five; nothing is public, or open to objection, before it starts. */
static void test_publicity_over_working_days(void **state)
{
	(void)state;
	json_t *t = totals();
	assert_int_equal(total(t, "decided", "enterprises"), 4);
	assert_int_equal(total(t, "eligible", "enterprises"), 3);
	assert_int_equal(total(t, "eligible", "amount_fen"), 6173 + 50000 + 7000);
	assert_int_equal(total(t, "waiting", "enterprises"), 3);
	json_decref(t);
	char code[48];
	/* Approval before any publicity, and publicity by another bureau or a district's outside the policy's area. */
	assert_int_equal(client_statusf(&leader, "POST", batch_path("/approve"), code, "{}"), 409);
	assert_string_equal(code, "wrong_state");
	assert_int_equal(client_statusf(&ja_hr, "POST", batch_path("/publicity"), code, "{\"working_days\":5}"), 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(client_statusf(&hr, "POST", batch_path("/publicity"), code, "{\"working_days\":31}"), 422);
	struct response r;
	assert_int_equal(client_callf(&hr, &r, "POST", batch_path("/publicity"), "{\"working_days\":5}"), 200);
	/* Wednesday 2 to Tuesday 8 September: five working days over a weekend. */
	assert_string_equal(json_str(json_object_get(r.json, "publicity"), "start"), "2020-09-02");
	assert_string_equal(json_str(json_object_get(r.json, "publicity"), "end"), "2020-09-08");
	assert_string_equal(json_str(r.json, "state"), "publicised");
	response_free(&r);
	assert_int_equal(client_statusf(&hr, "POST", batch_path("/publicity"), code, "{\"working_days\":5}"), 409);
	assert_string_equal(code, "wrong_state");
	/* The firm's account was told; the public list waits for the window. */
	assert_int_equal(client_callf(&firm, &r, "GET", "/api/v1/notices", NULL), 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(json_str(json_array_get(items, 0), "title"), "稳岗返还公示");
	assert_non_null(strstr(json_str(json_array_get(items, 0), "body"), "61.73元"));
	response_free(&r);
	assert_int_equal(client_callf(&anon, &r, "GET", "/api/v1/public/refunds/publicity", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "batches")), 0);
	response_free(&r);
	assert_int_equal(object(decision[0], "该企业六月已大量裁员,名单有误。", code), 409);
	assert_string_equal(code, "not_in_publicity");
}

/* In the window: the public list without personal data, objections bounded and rate-limited, the bureau resolving. */
static void test_objections_in_the_window(void **state)
{
	(void)state;
	restart_at("2020-09-03T09:00:00+08:00");
	struct response r;
	assert_int_equal(client_callf(&anon, &r, "GET", "/api/v1/public/refunds/publicity", NULL), 200);
	json_t *b = json_array_get(json_object_get(r.json, "batches"), 0);
	json_t *list = json_object_get(b, "decisions");
	assert_int_equal(json_array_size(list), 3);
	assert_null(strstr(r.body, "91350"));  /* no credit code */
	assert_null(strstr(r.body, "people")); /* no headcount */
	assert_null(strstr(r.body, "figures"));
	assert_non_null(strstr(r.body, "晋安区")); /* the district by name */
	response_free(&r);
	char code[48];
	assert_int_equal(object(decision[0], "太短", code), 422);
	assert_int_equal(object(decision[3], "该企业不符合条件却在名单上吗?", code), 404);
	assert_int_equal(object(999999, "该企业不符合条件却在名单上吗?", code), 404);
	const char *reason = "该企业六月已大量裁员,名单有误,请核查。";
	for (int i = 0; i < 3; i++)
		assert_int_equal(object(decision[i], reason, code), 201);
	/* Ten an hour from one address: seven more on EA, then the eleventh is refused. */
	for (int i = 0; i < 7; i++)
		assert_int_equal(object(decision[0], reason, code), 201);
	assert_int_equal(object(decision[0], reason, code), 429);
	assert_string_equal(code, "too_many_objections");
	assert_int_equal(count("SELECT count(*) FROM refund_objections"), 10);
	assert_int_equal(count("SELECT count(*) FROM refund_objections WHERE contact IS NULL"), 0);
	/* Approval waits for the window's end. */
	assert_int_equal(client_statusf(&leader, "POST", batch_path("/approve"), code, "{}"), 409);
	assert_string_equal(code, "publicity_open");
	/* 晋安's bureau sees the objections about 晋安's enterprises only. */
	assert_int_equal(client_callf(&ja_hr, &r, "GET", "/api/v1/refunds/objections?state=open", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 9);
	response_free(&r);
	long long on_b = count("SELECT id FROM refund_objections WHERE decision_id = (SELECT id FROM refund_decisions"
	                       " WHERE credit_code = '" EB "')");
	long long on_c = count("SELECT id FROM refund_objections WHERE decision_id = (SELECT id FROM refund_decisions"
	                       " WHERE credit_code = '" EC "')");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/refunds/objections/%lld/resolve", on_c);
	assert_int_equal(client_statusf(&ja_hr, "POST", path, code, "{\"outcome\":\"upheld\",\"resolution\":\"x\"}"),
	                 404);
	assert_int_equal(client_statusf(&swj, "POST", path, code, "{\"outcome\":\"upheld\",\"resolution\":\"x\"}"),
	                 403);
	assert_string_equal(code, "wrong_duty");
	long long audit = count("SELECT count(*) FROM audit_log");
	assert_int_equal(client_statusf(&hr, "POST", path, code,
	                                "{\"outcome\":\"upheld\",\"resolution\":\"经核查该企业六月停产,撤销返还\"}"),
	                 200);
	assert_int_equal(count("SELECT count(*) FROM audit_log"), audit + 1);
	assert_int_equal(client_statusf(&hr, "POST", path, code, "{\"outcome\":\"dismissed\",\"resolution\":\"x\"}"),
	                 409);
	assert_string_equal(code, "wrong_state");
	snprintf(path, sizeof path, "/api/v1/refunds/objections/%lld/resolve", on_b);
	assert_int_equal(client_statusf(&ja_hr, "POST", path, code,
	                                "{\"outcome\":\"dismissed\",\"resolution\":\"经核查参保人数属实\"}"),
	                 200);
	assert_int_equal(count("SELECT count(*) FROM refund_decisions WHERE state = 'withdrawn' AND withdrawn_reason ="
	                       " '经核查该企业六月停产,撤销返还'"),
	                 1);
	/* The withdrawn decision leaves the public list. */
	assert_int_equal(client_callf(&anon, &r, "GET", "/api/v1/public/refunds/publicity", NULL), 200);
	assert_int_equal(
	    json_array_size(json_object_get(json_array_get(json_object_get(r.json, "batches"), 0), "decisions")), 2);
	response_free(&r);
	json_t *t = totals();
	assert_int_equal(total(t, "withdrawn", "amount_fen"), 7000);
	json_decref(t);
}

/* After the window: never the person who ran the batch; an open objection holds its enterprise back. */
static void test_approval(void **state)
{
	(void)state;
	restart_at("2020-09-09T09:00:00+08:00");
	char code[48];
	struct response r;
	assert_int_equal(client_callf(&hr, &r, "GET", batch_path(""), NULL), 200);
	assert_string_equal(json_str(r.json, "state"), "closed");
	assert_int_equal(json_int(r.json, "objections_open"), 8);
	response_free(&r);
	assert_int_equal(client_statusf(&hr, "POST", batch_path("/approve"), code, "{}"), 403);
	assert_string_equal(code, "same_person");
	assert_int_equal(client_statusf(&swj, "POST", batch_path("/approve"), code, "{}"), 403);
	assert_string_equal(code, "wrong_duty");
	assert_int_equal(client_statusf(&ja_hr, "POST", batch_path("/approve"), code, "{}"), 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(client_statusf(&leader, "POST", batch_path("/approve"), code, "{\"note\":\"同意\"}"), 200);
	assert_int_equal(count("SELECT count(*) FROM refund_decisions WHERE state = 'approved'"), 1); /* EB */
	assert_int_equal(count("SELECT count(*) FROM refund_decisions WHERE state = 'decided' AND eligible = 1"), 1);
	json_t *t = totals();
	assert_int_equal(total(t, "approved", "amount_fen"), 50000);
	assert_int_equal(total(t, "waiting", "amount_fen"), 6173);
	json_decref(t);
	/* Objections after the window are refused; dismissing EA's lets a second approval take it. */
	assert_int_equal(object(decision[0], "该企业六月已大量裁员,名单有误,请核查。", code), 409);
	assert_int_equal(client_statusf(&hr2, "POST", batch_path("/approve"), code, "{}"), 409);
	assert_string_equal(code, "nothing_to_approve");
	assert_int_equal(client_callf(&hr, &r, "GET", "/api/v1/refunds/objections?state=open", NULL), 200);
	json_t *it;
	size_t i;
	json_array_foreach(json_object_get(r.json, "items"), i, it)
	{
		char path[96];
		snprintf(path, sizeof path, "/api/v1/refunds/objections/%lld/resolve", json_int(it, "id"));
		assert_int_equal(
		    client_statusf(&hr, "POST", path, code, "{\"outcome\":\"dismissed\",\"resolution\":\"不属实\"}"),
		    200);
	}
	response_free(&r);
	assert_int_equal(client_callf(&hr2, &r, "POST", batch_path("/approve"), "{}"), 200);
	assert_int_equal(json_int(r.json, "approved"), 1);
	assert_int_equal(json_int(r.json, "held"), 0);
	response_free(&r);
	t = totals();
	assert_int_equal(total(t, "approved", "enterprises"), 2);
	assert_int_equal(total(t, "unsent", "amount_fen"), 56173);
	json_decref(t);
}

#define ACCOUNTS_HEADER "统一社会信用代码,户名,开户银行,银行账号,社保缴费账号\n"

/* Accounts on record: imported once, corrected by the enterprise with the bureau's acceptance. */
static void test_bank_accounts(void **state)
{
	(void)state;
	struct response r;
	char code[48];
	/* Nothing to pay without an account on record. */
	assert_int_equal(client_statusf(&hr, "POST", batch_path("/payment-files"), code, "{}"), 409);
	assert_string_equal(code, "nothing_to_pay");
	const char *bad = ACCOUNTS_HEADER EA ",一号公司,建设银行,6217000001,5900001\n91350111MA2RF0001X,坏,银行,1,\n";
	assert_int_equal(client_post_json(&hr, &r, "/api/v1/refunds/lists/import",
	                                  json_pack("{s:s, s:s}", "list", "accounts", "csv", bad)),
	                 422);
	assert_non_null(strstr(r.body, "第 3 行"));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_accounts"), 0);
	const char *good =
	    ACCOUNTS_HEADER EA ",一号公司,建设银行,6217000001,5900001\n" EB ",三号公司,工商银行,6222000003,\n";
	for (int i = 0; i < 2; i++) {
		assert_int_equal(client_post_json(&hr, &r, "/api/v1/refunds/lists/import",
		                                  json_pack("{s:s, s:s}", "list", "accounts", "csv", good)),
		                 200);
		assert_int_equal(json_is_true(json_object_get(r.json, "already_imported")), i == 1);
		response_free(&r);
	}
	/* The firm corrects its account; a pending change until the bureau accepts it. */
	assert_int_equal(
	    client_statusf(&firm, "PUT", "/api/v1/refunds/mine/bank-account", code,
	                   "{\"credit_code\":\"%s\",\"payee_name\":\"三号公司\",\"bank\":\"工行\",\"account\":\"1\"}",
	                   EB),
	    403);
	assert_string_equal(code, "not_your_enterprise");
	assert_int_equal(
	    client_statusf(&firm, "PUT", "/api/v1/refunds/mine/bank-account", code,
	                   "{\"credit_code\":\"%s\",\"payee_name\":\"一号公司\",\"bank\":\"建设银行福州分行\","
	                   "\"account\":\"6217000009\"}",
	                   EA),
	    202);
	assert_int_equal(client_callf(&firm, &r, "GET", "/api/v1/refunds/mine", NULL), 200);
	json_t *acct = json_array_get(json_object_get(r.json, "accounts"), 0);
	assert_string_equal(json_str(json_object_get(acct, "on_record"), "account"), "6217000001");
	assert_string_equal(json_str(json_object_get(acct, "pending"), "account"), "6217000009");
	response_free(&r);
	db_run_sql(&server, "UPDATE users SET display_name = '一号公司财务' WHERE username = 'firm'");
	assert_int_equal(client_callf(&ja_hr, &r, "GET", "/api/v1/refunds/bank-account-changes?state=pending", NULL),
	                 200);
	json_t *change = json_array_get(json_object_get(r.json, "items"), 0);
	assert_non_null(change);
	assert_string_equal(json_str(change, "requested_by"), "firm");
	assert_string_equal(json_str(change, "requested_by_name"), "一号公司财务"); /* who asked, by display name */
	db_run_sql(&server, "UPDATE users SET display_name = username WHERE username = 'firm'");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/refunds/bank-account-changes/%lld", json_int(change, "id"));
	response_free(&r);
	assert_int_equal(client_statusf(&firm, "POST", path, code, "{\"outcome\":\"accepted\"}"), 403);
	assert_int_equal(
	    client_statusf(&ja_hr, "POST", path, code, "{\"outcome\":\"accepted\",\"note\":\"已核对开户许可证\"}"),
	    200);
	assert_int_equal(client_statusf(&ja_hr, "POST", path, code, "{\"outcome\":\"rejected\"}"), 409);
	assert_int_equal(
	    count("SELECT count(*) FROM refund_accounts WHERE account = '6217000009' AND social_account = '5900001'"),
	    1);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action IN ('refunds.account.change',"
	                       " 'refunds.account.resolve', 'refunds.accounts.import')"),
	                 3);
}

static char reference_a[32], reference_b[32];

static void reference_of(const char *credit_code, char out[32])
{
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT json_group_array(p.reference) FROM (SELECT reference FROM refund_payments p"
	         " JOIN refund_decisions d ON d.id = p.decision_id WHERE d.credit_code = '%s' ORDER BY p.id DESC LIMIT "
	         "1) AS p",
	         credit_code);
	json_t *references = db_json(&server, sql);
	assert_int_equal(json_array_size(references), 1);
	snprintf(out, 32, "%s", json_string_value(json_array_get(references, 0)));
	json_decref(references);
}

static long long file_id;

static long returns(struct client *c, struct response *r, long long file, const char *csv)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/refunds/payment-files/%lld/returns", file);
	return client_post_json(c, r, path, json_pack("{s:s}", "csv", csv));
}

/* The payment file, the bank's CSV, a decision never in two live payments, and a return file all or nothing. */
static void test_payment_file_and_returns(void **state)
{
	(void)state;
	struct response r;
	char code[48];
	assert_int_equal(client_callf(&hr, &r, "POST", batch_path("/payment-files"), "{}"), 201);
	file_id = json_int(r.json, "id");
	assert_int_equal(json_int(r.json, "rows"), 2);
	assert_int_equal(json_int(r.json, "amount_fen"), 56173);
	response_free(&r);
	assert_int_equal(client_statusf(&hr, "POST", batch_path("/payment-files"), code, "{}"), 409);
	assert_string_equal(code, "nothing_to_pay");
	json_t *t = totals();
	assert_int_equal(total(t, "sent", "enterprises"), 2);
	json_decref(t);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/refunds/payment-files/%lld?format=csv", file_id);
	assert_int_equal(client_callf(&leader, &r, "GET", path, NULL), 200);
	reference_of(EA, reference_a);
	reference_of(EB, reference_b);
	char line[200];
	assert_non_null(strstr(r.body, "付款账号,收款户名,收款账号,开户银行,金额(元),用途/参考号"));
	snprintf(line, sizeof line, "35001000000,一号公司,6217000009,建设银行福州分行,61.73,%s", reference_a);
	assert_non_null(strstr(r.body, line));
	snprintf(line, sizeof line, "35001000000,三号公司,6222000003,工商银行,500.00,%s", reference_b);
	assert_non_null(strstr(r.body, line));
	response_free(&r);
	/* The schema itself refuses a second live payment of a decision. */
	char sql[300];
	snprintf(sql, sizeof sql,
	         "INSERT INTO refund_payments(decision_id, state, payee_name, payee_account, bank, amount_fen)"
	         " VALUES (%lld, 'pending', 'x', '1', 'b', 50000)",
	         decision[1]);
	assert_int_equal(db_run_sql_refused(&server, sql), DB_CONSTRAINT);
	/* A return file with a bad line changes nothing and names the line. */
	char csv[512];
	snprintf(csv, sizeof csv, "参考号,结果,银行说明\n%s,失败,账户已销户\n%s,成功,\nWG999-1,成功,\n", reference_a,
	         reference_b);
	assert_int_equal(returns(&hr, &r, file_id, csv), 422);
	assert_string_equal(error_code(&r), "bad_line");
	assert_non_null(strstr(r.body, "第 4 行"));
	response_free(&r);
	snprintf(csv, sizeof csv, "参考号,结果,银行说明\n%s,退回,账户已销户\n", reference_a);
	assert_int_equal(returns(&hr, &r, file_id, csv), 422);
	assert_non_null(strstr(r.body, "第 2 行"));
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_payments WHERE state = 'sent'"), 2);
	snprintf(csv, sizeof csv, "参考号,结果,银行说明\n%s,失败,账户已销户\n%s,成功,\n", reference_a, reference_b);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(returns(&hr, &r, file_id, csv), 200);
		assert_int_equal(json_is_true(json_object_get(r.json, "already_imported")), i == 1);
		if (i == 0) {
			assert_int_equal(json_int(r.json, "paid"), 1);
			assert_int_equal(json_int(r.json, "failed"), 1);
		}
		response_free(&r);
	}
	assert_int_equal(count("SELECT count(*) FROM refund_returns"), 1);
	assert_int_equal(
	    count("SELECT count(*) FROM refund_payments WHERE state = 'failed' AND bank_reason = '账户已销户'"), 1);
	t = totals();
	assert_int_equal(total(t, "paid", "amount_fen"), 50000);
	assert_int_equal(total(t, "failed", "amount_fen"), 6173);
	json_decref(t);
	/* The enterprise sees its failed payment. */
	assert_int_equal(client_callf(&firm, &r, "GET", "/api/v1/refunds/mine", NULL), 200);
	json_t *mine = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_str(mine, "state"), "failed");
	assert_string_equal(json_str(mine, "state_label"), "支付失败");
	assert_string_equal(json_str(json_object_get(mine, "payment"), "bank_reason"), "账户已销户");
	response_free(&r);
}

/*
** A live event stream (GET /api/v1/events) of a logged-in client, on a raw
** socket held open: curl would wait for the end.  Returns the socket.
*/
static int open_events(struct client *c)
{
	struct curl_slist *cookies = NULL;
	curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &cookies);
	assert_non_null(cookies);
	/* Netscape format: domain, flag, path, secure, expiry, name, value, separated by tabs. */
	const char *f = cookies->data;
	for (int i = 0; i < 5; i++)
		f = strchr(f, '\t') + 1;
	const char *tab = strchr(f, '\t');
	char req[512];
	snprintf(req, sizeof req, "GET /api/v1/events HTTP/1.1\r\nHost: t\r\nCookie: %.*s=%s\r\n\r\n", (int)(tab - f),
	         f, tab + 1);
	curl_slist_free_all(cookies);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)server.port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
	return fd;
}

/* What a stream received within ms. */
static void read_events(int fd, char *buf, size_t size, int ms)
{
	size_t got = 0;
	buf[0] = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (got + 1 < size && poll(&p, 1, ms) > 0) {
		ssize_t n = recv(fd, buf + got, size - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = 0;
	}
}

/* A failed payment re-sent to the social-insurance account, its return file imported through a kill -9. */
/* A libcurl write callback that keeps nothing. */
static size_t thrown_away(char *ptr, size_t size, size_t n, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * n;
}

static void test_fallback_and_kill_during_return(void **state)
{
	(void)state;
	struct response r;
	char code[48], path[96];
	long long failed = count("SELECT id FROM refund_payments WHERE state = 'failed'");
	long long paid = count("SELECT id FROM refund_payments WHERE state = 'paid'");
	snprintf(path, sizeof path, "/api/v1/refunds/payments/%lld/resend", paid);
	assert_int_equal(client_statusf(&hr, "POST", path, code, "{\"payee\":\"social_insurance\"}"), 409);
	assert_string_equal(code, "wrong_state");
	snprintf(path, sizeof path, "/api/v1/refunds/payments/%lld/resend", failed);
	assert_int_equal(client_statusf(&hr, "POST", path, code, "{\"payee\":\"social_insurance\",\"account\":\"1\"}"),
	                 422);
	assert_int_equal(client_callf(&hr, &r, "POST", path, "{\"payee\":\"social_insurance\"}"), 201);
	assert_string_equal(json_str(r.json, "state"), "pending");
	assert_string_equal(json_str(r.json, "payee_account"), "5900001");
	assert_true(json_is_true(json_object_get(r.json, "fallback")));
	response_free(&r);
	assert_int_equal(
	    client_statusf(&hr, "POST", path, code,
	                   "{\"payee\":\"corrected\",\"payee_name\":\"一号公司\",\"account\":\"2\",\"bank\":\"b\"}"),
	    409);
	assert_string_equal(code, "already_resent");
	assert_int_equal(client_callf(&hr, &r, "POST", batch_path("/payment-files"), "{}"), 201);
	long long second = json_int(r.json, "id");
	assert_int_equal(json_int(r.json, "rows"), 1);
	assert_int_equal(json_int(r.json, "amount_fen"), 6173);
	response_free(&r);
	json_decref(totals());
	/* A long return file (its one line repeated), the server killed while it imports. */
	char reference[32];
	reference_of(EA, reference);
	size_t lines = 30000, size = lines * (strlen(reference) + 16) + 64, len = 0;
	char *csv = malloc(size);
	len += (size_t)snprintf(csv, size, "参考号,结果,银行说明\n");
	for (size_t i = 0; i < lines; i++)
		len += (size_t)snprintf(csv + len, size - len, "%s,成功,\n", reference);
	const char *firm_notices = "SELECT count(*) FROM notices n JOIN users u ON u.id = n.user_id"
	                           " WHERE u.username = 'firm'";
	long long notices_before = count(firm_notices);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		/* libcurl straight, not the harness's asserting client: this request dies with the server. */
		char url[160], csrf[160];
		snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/refunds/payment-files/%lld/returns", server.port,
		         second);
		snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", hr.csrf);
		json_t *body = json_pack("{s:s}", "csv", csv);
		char *text = json_dumps(body, JSON_COMPACT);
		struct curl_slist *h =
		    curl_slist_append(curl_slist_append(NULL, "Content-Type: application/json"), csrf);
		/* The handle keeps the harness's last request: its method, body size and a write target on a
		** stack frame gone by now; every one of them is set again, the answer thrown away. */
		curl_easy_setopt(hr.curl, CURLOPT_URL, url);
		curl_easy_setopt(hr.curl, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(hr.curl, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(hr.curl, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
		curl_easy_setopt(hr.curl, CURLOPT_CUSTOMREQUEST, "POST");
		curl_easy_setopt(hr.curl, CURLOPT_WRITEFUNCTION, thrown_away);
		curl_easy_setopt(hr.curl, CURLOPT_HEADERFUNCTION, thrown_away);
		curl_easy_perform(hr.curl);
		_exit(0);
	}
	usleep(60 * 1000); /* the import takes about 130 ms here: killed in its middle */
	assert_int_equal(kill(server.pid, SIGKILL), 0);
	waitpid(server.pid, NULL, 0);
	waitpid(child, NULL, 0);
	server.pid = 0;
	server.port = 0;
	long long imported = count("SELECT count(*) FROM refund_returns");
	long long now_paid = count("SELECT count(*) FROM refund_payments WHERE state = 'paid'");
	/* The whole import or none of it. */
	assert_true((imported == 1 && now_paid == 1) || (imported == 2 && now_paid == 2));
	forget_sessions();
	start_at("2020-09-10T09:00:00+08:00");
	/*
	** The file again.  If the import was lost with the server, this one pays, and the firm's open
	** console is told the money is paid (the bureau's is not: a notice is the firm's); if it was
	** whole before the kill, this one changes nothing and tells no one again.  Either way the firm
	** has the notice once.
	*/
	int firm_stream = open_events(&firm), hr_stream = open_events(&hr);
	char seen[8192];
	read_events(firm_stream, seen, sizeof seen, 300);
	assert_int_equal(returns(&hr, &r, second, csv), 200);
	assert_int_equal(json_is_true(json_object_get(r.json, "already_imported")), imported == 2);
	response_free(&r);
	free(csv);
	read_events(firm_stream, seen, sizeof seen, 1000);
	assert_int_equal(strstr(seen, "event: notice") != NULL, imported == 1);
	assert_int_equal(strstr(seen, "稳岗返还已到账") != NULL, imported == 1);
	read_events(hr_stream, seen, sizeof seen, 300);
	assert_null(strstr(seen, "event: notice"));
	assert_int_equal(count(firm_notices), notices_before + 1);
	close(firm_stream);
	close(hr_stream);
	assert_int_equal(count("SELECT count(*) FROM refund_returns"), 2);
	assert_int_equal(count("SELECT count(*) FROM refund_payments WHERE state = 'paid' AND fallback = 1"), 1);
	json_t *t = totals();
	assert_int_equal(total(t, "paid", "amount_fen"), 56173);
	json_decref(t);
	assert_int_equal(client_callf(&hr, &r, "GET", batch_path(""), NULL), 200);
	assert_string_equal(json_str(r.json, "state"), "settled");
	response_free(&r);
	/* The firm was told of publicity and of the money. */
	assert_int_equal(client_callf(&firm, &r, "GET", "/api/v1/notices?unread=1", NULL), 200);
	json_t *n = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_str(n, "title"), "稳岗返还已到账");
	snprintf(path, sizeof path, "/api/v1/notices/%lld/read", json_int(n, "id"));
	response_free(&r);
	assert_int_equal(client_statusf(&hr, "POST", path, code, NULL), 404);
	assert_int_equal(client_statusf(&firm, "POST", path, code, NULL), 200);
	assert_int_equal(client_callf(&firm, &r, "GET", "/api/v1/notices?unread=1", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1); /* the publicity notice */
	response_free(&r);
}

/* A paid decision found wrong: recovering, then recovered; the money counted as returned. */
static void test_recovery(void **state)
{
	(void)state;
	char path[96], code[48];
	struct response r;
	snprintf(path, sizeof path, "/api/v1/refunds/decisions/%lld/recovery", decision[2]);
	assert_int_equal(client_statusf(&hr, "POST", path, code, "{\"reason\":\"x\"}"), 409); /* withdrawn */
	snprintf(path, sizeof path, "/api/v1/refunds/decisions/%lld/recovery", decision[1]);
	assert_int_equal(client_callf(&ja_hr, &r, "POST", path, "{\"reason\":\"稽核发现六月参保人数虚报\"}"), 201);
	long long id = json_int(r.json, "id");
	assert_int_equal(json_int(r.json, "amount_fen"), 50000);
	response_free(&r);
	assert_int_equal(client_statusf(&hr, "POST", path, code, "{\"reason\":\"again\"}"), 409);
	json_t *t = totals();
	assert_int_equal(total(t, "recovering", "amount_fen"), 50000);
	json_decref(t);
	snprintf(path, sizeof path, "/api/v1/refunds/recoveries/%lld", id);
	assert_int_equal(client_statusf(&hr, "POST", path, code, "{\"outcome\":\"gone\"}"), 422);
	assert_int_equal(client_statusf(&hr, "POST", path, code, "{\"outcome\":\"recovered\",\"note\":\"已缴回\"}"),
	                 200);
	assert_int_equal(client_statusf(&hr, "POST", path, code, "{\"outcome\":\"written_off\"}"), 409);
	t = totals();
	assert_int_equal(total(t, "returned", "amount_fen"), 50000);
	assert_int_equal(total(t, "paid", "amount_fen"), 56173);
	json_decref(t);
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/refunds/recoveries?state=recovered", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);
}

#define EE "91350111MA2RF00079" /* 晋安, small: on the rolls only from the second import */

static long run_batch(struct response *r)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/refunds/policies/%lld/batches",
	         count("SELECT policy_id FROM refund_batches WHERE id = 1"));
	return client_callf(&hr2, r, "POST", path, "{}");
}

/*
** 第2批 after the rolls changed: a new enterprise is decided, a refused one whose June headcount was
** corrected is decided again in place (its earlier decision kept), a paid one that now gets nothing is
** reported for recovery and not paid again; a file repeating the same numbers changes nothing.
*/
static void test_later_batch_redecides_changed_rolls(void **state)
{
	(void)state;
	static const char changed[] = HEADER ED
	    ",四号公司,350111,零售,小型,2020-06,30,1000,0\n" EA ",一号公司,350111,制造,大型,2020-06,100,1000,0\n" EE
	    ",七号公司,350111,零售,小型,2020-01,10,1000,0\n" EE ",七号公司,350111,零售,小型,2020-06,10,1000,0\n";
	struct response r;
	assert_int_equal(client_post_json(&hr, &r, "/api/v1/refunds/rolls/import",
	                                  json_pack("{s:i, s:s}", "year", 2020, "csv", changed)),
	                 200);
	response_free(&r);
	long long paid_before = count("SELECT count(*) FROM refund_payments");
	assert_int_equal(run_batch(&r), 201);
	assert_int_equal(json_int(r.json, "new"), 1);
	assert_int_equal(json_int(r.json, "redecided"), 1);
	assert_int_equal(json_int(r.json, "skipped"), 3);
	json_t *recover = json_object_get(r.json, "recovery");
	assert_int_equal(json_array_size(recover), 1);
	assert_int_equal(json_integer_value(json_array_get(recover, 0)), decision[0]);
	long long second = json_int(r.json, "id");
	response_free(&r);
	/* One decision per enterprise and policy, ED's now eligible in the second batch, its first kept. */
	assert_int_equal(count("SELECT count(*) FROM refund_decisions WHERE credit_code = '" ED "'"), 1);
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM refund_decisions WHERE credit_code = '" ED
	         "' AND batch_id = %lld AND eligible = 1"
	         " AND amount_fen = 50000 AND state = 'decided'",
	         second);
	assert_int_equal(count(sql), 1);
	assert_int_equal(count("SELECT count(*) FROM refund_decision_history WHERE eligible = 0 AND amount_fen = 0"
	                       " AND decision_id = (SELECT id FROM refund_decisions WHERE credit_code = '" ED "')"),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM refund_decisions WHERE credit_code = '" EA "' AND state = 'paid'"
	                       " AND amount_fen = 6173"),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM refund_payments"), paid_before);
	/* The same numbers in another file (another order): nothing to decide again. */
	static const char same[] = HEADER ED ",四号公司,350111,零售,小型,2020-01,31,1000,0\n" ED
	                                     ",四号公司,350111,零售,小型,2020-06,30,1000,0\n";
	assert_int_equal(client_post_json(&hr, &r, "/api/v1/refunds/rolls/import",
	                                  json_pack("{s:i, s:s}", "year", 2020, "csv", same)),
	                 200);
	assert_false(json_is_true(json_object_get(r.json, "already_imported")));
	response_free(&r);
	assert_int_equal(run_batch(&r), 201);
	assert_int_equal(json_int(r.json, "new"), 0);
	assert_int_equal(json_int(r.json, "redecided"), 0);
	assert_int_equal(json_int(r.json, "skipped"), 5);
	response_free(&r);
	assert_int_equal(count("SELECT count(*) FROM refund_decision_history"), 1);
}

/* banyan check finds a decision whose state disagrees with its payments. */
static void test_check_payments_against_decisions(void **state)
{
	(void)state;
	char out[4096];
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", server.db, NULL), 0);
	assert_non_null(strstr(out, "refunds: ok"));
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE refund_decisions SET state = 'approved' WHERE id = %lld", decision[0]);
	db_run_sql(&server, sql);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "check", "--db", server.db, NULL), 1);
	snprintf(sql, sizeof sql, "refunds: FAILED: decision %lld: its state disagrees", decision[0]);
	assert_non_null(strstr(out, sql));
	snprintf(sql, sizeof sql, "UPDATE refund_decisions SET state = 'paid' WHERE id = %lld", decision[0]);
	db_run_sql(&server, sql);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_publicity_over_working_days),
	    cmocka_unit_test(test_objections_in_the_window),
	    cmocka_unit_test(test_approval),
	    cmocka_unit_test(test_bank_accounts),
	    cmocka_unit_test(test_payment_file_and_returns),
	    cmocka_unit_test(test_fallback_and_kill_during_return),
	    cmocka_unit_test(test_recovery),
	    cmocka_unit_test(test_later_batch_redecides_changed_rolls),
	    cmocka_unit_test(test_check_payments_against_decisions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
