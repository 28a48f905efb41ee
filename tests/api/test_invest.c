/*
** test_invest.c - investment promotion and cloud signing as their people
** use them: a 晋安 officer registers a lead (the same investor cannot come in
** twice), moves it stage by stage, shares it, and offers it to two districts
** whose officers race to accept — one wins, the lead is never lost or owned
** twice; a ceremony's parties sign remotely with Ed25519, forged signatures
** are refused, the ledger chains, `banyan verify` checks an agreement offline
** and catches a changed document; a signed lead becomes a major project.
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

#include <curl/curl.h>
#include <sodium.h>

#include "client.h"
#include "core/builtin.h"
#include "core/clock.h"
#include "core/index.h"

static struct test_server server;
static struct client admin, officer, cl_officer, mw_officer, city_officer, xz_officer, leader;
static long long enterprise, lead;




static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "(null)";
}

static const struct cast_member cast[] = {
    {&admin, "admin", NULL, NULL},
    {&officer, "ja-officer", "officer", "350111-tcj"},
    {&cl_officer, "cl-officer", "officer", "350112-tcj"},
    {&mw_officer, "mw-officer", "officer", "350105-tcj"},
    {&city_officer, "city-officer", "officer", "350100-tcj"}, /* the city's 投促局 acts for the city */
    {&xz_officer, "xz-officer", "officer", "350111-xzfw"},    /* the role, in a centre without the invest duty */
    {&leader, "city-leader", "leader", "350100"},
    {NULL, "city-agent", "agent", "350100-xzfw"}, /* named as a project's agent */
};

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	cast_up(&server, cast, CAST_SIZE(cast), NULL);
	struct response r;
	assert_int_equal(client_callf(&admin, &r, "POST", "/api/v1/enterprises",
	                      "{\"name\":\"福建海风重工有限公司\",\"credit_code\":\"91350111MA2AB0123Y\",\"district\":\"350111\","
	                      "\"industry\":\"新能源\",\"contact_name\":\"陈总\",\"contact_phone\":\"0591-12345678\"}"),
	                 201);
	enterprise = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cast_down(&server, cast, CAST_SIZE(cast));
	return 0;
}

static const char new_lead[] =
    "{\"title\":\"海上风电装备制造基地\",\"source\":\"以商招商\",\"industry\":\"新能源\",\"investment_wan\":600000,"
    "\"new_enterprise\":{\"name\":\"%s\",\"credit_code\":\"%s\",\"contact_name\":\"陈总\",\"contact_phone\":\"0591-1\"%s}}";

static void test_same_investor_not_entered_twice(void **state)
{
	(void)state;
	char code[48];
	long long before = db_count(&server, "SELECT count(*) FROM enterprises");
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/leads", code, new_lead, "海风重工", "91350111MA2AB0124X", ""),
	                 422);
	assert_string_equal(code, "invalid_credit_code");
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/leads", code, new_lead, "另一个名字",
	                           "91350111MA2AB0123Y", ""),
	                 409);
	assert_string_equal(code, "enterprise_exists"); /* the credit code is registered */
	/* The same name without 有限公司 is the same investor, unless the officer says otherwise. */
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/leads", code, new_lead, "福建海风重工",
	                           "91350111MA2AB0132W", ""),
	                 409);
	assert_string_equal(code, "enterprise_name_exists");
	assert_int_equal(db_count(&server, "SELECT count(*) FROM enterprises"), before);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM leads"), 0);
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/leads", code, new_lead, "福建海风重工",
	                           "91350111MA2AB0132W", ",\"confirm_new_name\":true"),
	                 201);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM enterprises"), before + 1);
	/* A lead for the registered enterprise. */
	struct response r;
	assert_int_equal(client_callf(&officer, &r, "POST", "/api/v1/invest/leads",
	                      "{\"title\":\"海上风电运维中心\",\"source\":\"展会\",\"industry\":\"新能源\",\"investment_wan\":"
	                      "300000,\"enterprise\":%lld}",
	                      enterprise),
	                 201);
	lead = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM leads WHERE owner_org_id = (SELECT id FROM orgs WHERE code = '350111')"), 2);
}

static char lead_path[64];

static long stage(struct client *c, const char *body, char code[48])
{
	return client_statusf(c, "POST", lead_path, code, "%s", body);
}

static void test_stages_one_at_a_time(void **state)
{
	(void)state;
	char code[48];
	snprintf(lead_path, sizeof lead_path, "/api/v1/invest/leads/%lld/stage", lead);
	assert_int_equal(stage(&officer, "{\"stage\":\"producing\"}", code), 409);
	assert_string_equal(code, "invalid_stage");
	assert_int_equal(stage(&officer, "{\"stage\":\"opened\"}", code), 422);
	assert_int_equal(stage(&officer, "{\"stage\":\"dropped\"}", code), 422); /* a reason is needed */
	assert_int_equal(stage(&cl_officer, "{\"stage\":\"negotiating\"}", code), 404); /* not 长乐's to see */
	assert_int_equal(stage(&officer, "{\"stage\":\"negotiating\"}", code), 200);
	assert_int_equal(stage(&officer, "{\"stage\":\"lead\"}", code), 409); /* no going back */
	assert_int_equal(db_count(&server, "SELECT count(*) FROM lead_events WHERE kind = 'stage'"), 1);
	struct response r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld", lead);
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	assert_string_equal(str(r.json, "stage"), "negotiating");
	json_t *events = json_object_get(r.json, "events");
	assert_int_equal(json_array_size(events), 2);
	assert_string_equal(str(json_array_get(events, 1), "to_stage"), "negotiating");
	response_free(&r);
	/* The history names who acted by display name, beside the login. */
	db_run_sql(&server, "UPDATE users SET display_name = '晋安区投促局张科长' WHERE username = 'ja-officer'");
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	events = json_object_get(r.json, "events");
	assert_string_equal(str(json_array_get(events, 1), "actor"), "ja-officer");
	assert_string_equal(str(json_array_get(events, 1), "actor_name"), "晋安区投促局张科长");
	response_free(&r);
	db_run_sql(&server, "UPDATE users SET display_name = username WHERE username = 'ja-officer'");
}

/* Racers: officers of two districts accept the same offer at the same moment. */
struct racer {
	const char *username;
	char path[96];
	pthread_barrier_t *start;
	long status;
};

static void *race(void *arg)
{
	struct racer *x = arg;
	struct client c;
	client_login_as(&c, &server, x->username);
	pthread_barrier_wait(x->start);
	struct response r;
	x->status = client_callf(&c, &r, "POST", x->path, "{}");
	response_free(&r);
	client_free(&c);
	return NULL;
}

static void test_share_and_transfer(void **state)
{
	(void)state;
	char code[48], path[96];
	struct response r;
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/shares", lead);
	assert_int_equal(client_statusf(&cl_officer, "POST", path, code, "{\"org\":\"350105\"}"), 404);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"org\":\"350111\"}"), 422); /* its own */
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"org\":\"350112\"}"), 201);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"org\":\"350112\"}"), 409);
	assert_string_equal(code, "already_shared");
	/* 长乐 now sees it and its history, but the owner's side changes it. */
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld", lead);
	assert_int_equal(client_callf(&cl_officer, &r, "GET", path, NULL), 200);
	assert_false(json_is_true(json_object_get(r.json, "owned")));
	response_free(&r);
	assert_int_equal(stage(&cl_officer, "{\"stage\":\"signed\"}", code), 403);
	assert_string_equal(code, "lead_not_yours");
	assert_int_equal(client_callf(&mw_officer, &r, "GET", path, NULL), 404);
	response_free(&r);

	/* Whom a lead can go to: the city and its 13 districts, seen from a district bureau too. */
	assert_int_equal(client_callf(&officer, &r, "GET", "/api/v1/invest/districts", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 14);
	response_free(&r);
	/* Offered to 长乐 and 马尾 at once: both districts see it, one offer at a time. */
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/transfers", lead);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"to\":[\"350112\",\"350105\"]}"), 422); /* why? */
	assert_int_equal(client_callf(&officer, &r, "POST", path, "{\"to\":[\"350112\",\"350105\"],\"reason\":\"用地需求大,滨海片区更合适\"}"),
	                 201);
	long long transfer = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"to\":[\"350128\"],\"reason\":\"再试\"}"), 409);
	assert_string_equal(code, "transfer_pending");
	assert_int_equal(client_callf(&mw_officer, &r, "GET", "/api/v1/invest/transfers", NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	response_free(&r);
	char accept[96];
	snprintf(accept, sizeof accept, "/api/v1/invest/transfers/%lld/accept", transfer);
	assert_int_equal(client_statusf(&leader, "POST", accept, code, "{}"), 403); /* a leader reads, does not take */

	/* Eight officers, four of each district, accept at the same instant: exactly one wins. */
	enum { RACERS = 8 };
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, RACERS);
	struct racer racers[RACERS];
	pthread_t threads[RACERS];
	for (int i = 0; i < RACERS; i++) {
		racers[i] = (struct racer){.username = i % 2 ? "mw-officer" : "cl-officer", .start = &start};
		snprintf(racers[i].path, sizeof racers[i].path, "%s", accept);
		assert_int_equal(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
	}
	int won = 0, lost = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(threads[i], NULL);
		won += racers[i].status == 200;
		lost += racers[i].status == 409;
	}
	pthread_barrier_destroy(&start);
	assert_int_equal(won, 1);
	assert_int_equal(lost, RACERS - 1);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM lead_transfers WHERE status = 'accepted'"), 1);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM lead_events WHERE kind = 'accept'"), 1);
	/* One owner, the winner's district; 晋安 keeps seeing it (and its history), no longer changes it. */
	assert_int_equal(db_count(&server, "SELECT count(*) FROM leads l JOIN lead_transfers t ON t.lead_id = l.id"
	                                   " WHERE t.status = 'accepted' AND l.owner_org_id = t.to_org_id"),
	                 1);
	/* Its officer is now the winner, on the new owner's side, not 晋安's officer who can no longer act on it. */
	assert_int_equal(db_count(&server, "SELECT count(*) FROM leads l JOIN lead_transfers t ON t.lead_id = l.id"
	                                   " WHERE t.status = 'accepted' AND l.officer_id = t.decided_by"),
	                 1);
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld", lead);
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	assert_false(json_is_true(json_object_get(r.json, "owned")));
	assert_true(json_array_size(json_object_get(r.json, "events")) >= 5); /* create, stage, share, offer, accept */
	response_free(&r);
	assert_int_equal(client_statusf(&officer, "POST", accept, code, "{}"), 403); /* never offered to 晋安 */
	assert_string_equal(code, "not_offered_to_you");
	assert_int_equal(client_statusf(&cl_officer, "POST", accept, code, "{}"), 409); /* over, whoever won */
	assert_string_equal(code, "transfer_closed");
}

/* Issue a signer; keep its secret key. */
static long long issue_signer(const char *name, unsigned char sk[64])
{
	struct response r;
	assert_int_equal(client_callf(&officer, &r, "POST", "/api/v1/invest/signers", "{\"name\":\"%s\",\"organisation\":\"%s\"}", name,
	                      name),
	                 201);
	size_t len = 0;
	const char *hex = str(r.json, "secret_key");
	assert_int_equal(sodium_hex2bin(sk, 64, hex, strlen(hex), NULL, &len, NULL), 0);
	assert_int_equal(len, 64);
	long long id = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	/* banyan keeps only the public half. */
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM signers WHERE id = %lld AND length(public_key) = 64", id);
	assert_int_equal(db_count(&server, sql), 1);
	return id;
}

static void sign_hex(const unsigned char sk[64], const unsigned char *doc, size_t len, char out[129])
{
	unsigned char digest[32], sig[64];
	crypto_hash_sha256(digest, doc, len);
	crypto_sign_detached(sig, NULL, digest, sizeof digest, sk);
	sodium_bin2hex(out, 129, sig, sizeof sig);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static long long signed_lead;

static void test_cloud_signing(void **state)
{
	(void)state;
	static const char document[] = "晋安区海上风电运维中心投资合作协议\n甲方:福州市晋安区人民政府\n乙方:福建海风重工有限公司\n投资额:20 亿元\n";
	unsigned char gov_sk[64], firm_sk[64], stranger_sk[64];
	long long gov = issue_signer("晋安区人民政府", gov_sk), firm = issue_signer("福建海风重工", firm_sk),
	          stranger = issue_signer("无关人员", stranger_sk);
	/* A lead of 晋安's in negotiation, for the agreement. */
	struct response r;
	assert_int_equal(client_callf(&officer, &r, "POST", "/api/v1/invest/leads",
	                      "{\"title\":\"风电运维基地\",\"source\":\"展会\",\"industry\":\"新能源\",\"investment_wan\":200000,"
	                      "\"enterprise\":%lld}",
	                      enterprise),
	                 201);
	signed_lead = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	snprintf(lead_path, sizeof lead_path, "/api/v1/invest/leads/%lld/stage", signed_lead);
	assert_int_equal(stage(&officer, "{\"stage\":\"negotiating\"}", NULL), 200);

	assert_int_equal(client_callf(&officer, &r, "POST", "/api/v1/invest/ceremonies",
	                      "{\"title\":\"晋安区重点项目云签约\",\"host\":\"350111\",\"held_on\":\"2020-03-05\"}"),
	                 201);
	long long ceremony = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	char b64[1024], path[128];
	sodium_bin2base64(b64, sizeof b64, (const unsigned char *)document, strlen(document), sodium_base64_VARIANT_ORIGINAL);
	snprintf(path, sizeof path, "/api/v1/invest/ceremonies/%lld/agreements", ceremony);
	assert_int_equal(client_statusf(&officer, "POST", path, NULL,
	                           "{\"title\":\"风电运维基地\",\"amount_wan\":200000,\"document_name\":\"协议.txt\","
	                           "\"document\":\"%s\",\"parties\":[{\"signer\":%lld,\"role\":\"甲方\"}]}",
	                           b64, gov),
	                 422); /* two parties at least */
	assert_int_equal(client_callf(&officer, &r, "POST", path,
	                      "{\"title\":\"风电运维基地\",\"amount_wan\":200000,\"lead\":%lld,\"document_name\":\"协议.txt\","
	                      "\"document\":\"%s\",\"parties\":[{\"signer\":%lld,\"role\":\"甲方\"},{\"signer\":%lld,\"role\":"
	                      "\"乙方\"}]}",
	                      signed_lead, b64, gov, firm),
	                 201);
	long long agreement = json_integer_value(json_object_get(r.json, "id"));
	unsigned char digest[32];
	char sha[65];
	crypto_hash_sha256(digest, (const unsigned char *)document, strlen(document));
	sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
	assert_string_equal(str(r.json, "document_sha256"), sha);
	response_free(&r);

	/* Remote signing: the signature is the credential.  Anyone may post it; only a true one counts. */
	struct client anonymous;
	client_init(&anonymous, &server);
	char sign_path[96], sig[129], code[48];
	snprintf(sign_path, sizeof sign_path, "/api/v1/public/agreements/%lld/signatures", agreement);
	sign_hex(stranger_sk, (const unsigned char *)document, strlen(document), sig);
	assert_int_equal(client_statusf(&anonymous, "POST", sign_path, code, "{\"signer\":%lld,\"signature\":\"%s\"}", firm, sig), 422);
	assert_string_equal(code, "bad_signature"); /* someone else's key */
	assert_int_equal(client_statusf(&anonymous, "POST", sign_path, code, "{\"signer\":%lld,\"signature\":\"%s\"}", stranger, sig),
	                 404);
	assert_string_equal(code, "not_a_party");
	sign_hex(firm_sk, (const unsigned char *)"另一份文件", strlen("另一份文件"), sig);
	assert_int_equal(client_statusf(&anonymous, "POST", sign_path, code, "{\"signer\":%lld,\"signature\":\"%s\"}", firm, sig), 422);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM signing_ledger"), 0);
	sign_hex(firm_sk, (const unsigned char *)document, strlen(document), sig);
	assert_int_equal(client_statusf(&anonymous, "POST", sign_path, code, "{\"signer\":%lld,\"signature\":\"%s\"}", firm, sig), 201);
	assert_int_equal(client_statusf(&anonymous, "POST", sign_path, code, "{\"signer\":%lld,\"signature\":\"%s\"}", firm, sig), 409);
	assert_string_equal(code, "already_signed");
	/* `banyan sign` makes the same signature offline from the issued key. */
	char dir[96], key_file[128], doc_file[128], json_file[128], out[1024];
	snprintf(dir, sizeof dir, "%s", server.dir);
	snprintf(key_file, sizeof key_file, "%s/gov.key", dir);
	snprintf(doc_file, sizeof doc_file, "%s/协议.txt", dir);
	snprintf(json_file, sizeof json_file, "%s/agreement.json", dir);
	char gov_hex[129];
	sodium_bin2hex(gov_hex, sizeof gov_hex, gov_sk, 64);
	write_file(key_file, gov_hex, strlen(gov_hex));
	write_file(doc_file, document, strlen(document));
	assert_int_equal(run_banyan(NULL, out, sizeof out, "sign", "--key", key_file, doc_file, NULL), 0);
	char *line = strstr(out, "signature: ");
	assert_non_null(line);
	char gov_sig[129];
	snprintf(gov_sig, sizeof gov_sig, "%s", line + strlen("signature: "));
	sign_hex(gov_sk, (const unsigned char *)document, strlen(document), sig);
	assert_string_equal(gov_sig, sig);
	assert_int_equal(client_callf(&anonymous, &r, "POST", sign_path, "{\"signer\":%lld,\"signature\":\"%s\"}", gov, gov_sig), 201);
	assert_true(json_is_true(json_object_get(r.json, "agreement_signed")));
	response_free(&r);
	/* The last signature signs the agreement and the lead. */
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM leads WHERE id = %lld AND stage = 'signed'", signed_lead);
	assert_int_equal(db_count(&server, sql), 1);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM signing_ledger"), 2);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "verify", "--ledger", "--db", server.db, NULL), 0);
	assert_non_null(strstr(out, "ok (2 signatures)"));

	/* Offline verification from the export. */
	snprintf(path, sizeof path, "/api/v1/invest/agreements/%lld/export", agreement);
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	write_file(json_file, r.body, strlen(r.body));
	response_free(&r);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "verify", json_file, doc_file, NULL), 0);
	assert_non_null(strstr(out, "OK"));
	static const char changed[] = "晋安区海上风电运维中心投资合作协议\n甲方:福州市晋安区人民政府\n乙方:福建海风重工有限公司\n投资额:2 亿元\n";
	write_file(doc_file, changed, strlen(changed));
	assert_int_equal(run_banyan(NULL, out, sizeof out, "verify", json_file, doc_file, NULL), 1);
	assert_non_null(strstr(out, "文件已被改动"));
	/* A forged signature in the file is caught too. */
	write_file(doc_file, document, strlen(document));
	json_error_t err;
	json_t *exported = json_load_file(json_file, 0, &err);
	assert_non_null(exported);
	json_t *party = json_array_get(json_object_get(exported, "parties"), 1);
	sign_hex(stranger_sk, (const unsigned char *)document, strlen(document), sig);
	json_object_set_new(party, "signature", json_string(sig));
	assert_int_equal(json_dump_file(exported, json_file, 0), 0);
	json_decref(exported);
	assert_int_equal(run_banyan(NULL, out, sizeof out, "verify", json_file, doc_file, NULL), 1);
	assert_non_null(strstr(out, "签名无效"));

	/* The public verification page: the right document's hash shows the agreement; another is not found. */
	snprintf(path, sizeof path, "/api/v1/public/agreements/%lld/verification?sha256=%s", agreement, sha);
	assert_int_equal(client_callf(&anonymous, &r, "GET", path, NULL), 200);
	assert_true(json_is_true(json_object_get(r.json, "valid")));
	assert_int_equal(json_array_size(json_object_get(r.json, "parties")), 2);
	response_free(&r);
	crypto_hash_sha256(digest, (const unsigned char *)changed, strlen(changed));
	sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
	snprintf(path, sizeof path, "/api/v1/public/agreements/%lld/verification?sha256=%s", agreement, sha);
	assert_int_equal(client_callf(&anonymous, &r, "GET", path, NULL), 404);
	response_free(&r);
	client_free(&anonymous);
}

static void test_signed_lead_becomes_project(void **state)
{
	(void)state;
	char code[48], path[96];
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/project", lead); /* 长乐's or 马尾's now, negotiating */
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"code\":\"2020-350111-38-03-000001\",\"level\":\"municipal\"}"),
	                 403);
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/project", signed_lead);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"code\":\"2020-35011-38-03-000001\",\"level\":\"municipal\"}"),
	                 422);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM projects"), 0);
	struct response r;
	assert_int_equal(client_callf(&officer, &r, "POST", path,
	                      "{\"code\":\"2020-350111-38-03-000001\",\"level\":\"municipal\",\"agent\":\"city-agent\"}"),
	                 201);
	long long project = json_integer_value(json_object_get(r.json, "project"));
	response_free(&r);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"code\":\"2020-350111-38-03-000002\",\"level\":\"municipal\"}"),
	                 409);
	assert_string_equal(code, "already_project");
	/* Each points at the other, and the project carries the lead's investor, district and money. */
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM projects p JOIN leads l ON l.project_id = p.id AND p.lead_ref = CAST(l.id AS TEXT)"
	         " WHERE p.id = %lld AND p.enterprise_id = l.enterprise_id AND p.investment_wan = 200000"
	         " AND p.district_org_id = l.owner_org_id",
	         project);
	assert_int_equal(db_count(&server, sql), 1);
	/* It carries the lead's signed agreement and its document. */
	snprintf(path, sizeof path, "/api/v1/projects/%lld", project);
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	json_t *agreements = json_object_get(r.json, "agreements");
	assert_int_equal(json_array_size(agreements), 1);
	long long agreement = json_integer_value(json_object_get(json_array_get(agreements, 0), "id"));
	assert_non_null(json_string_value(json_object_get(json_array_get(agreements, 0), "signed_at")));
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/projects/%lld/agreements/%lld/document", project, agreement);
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	assert_non_null(strstr(r.body, "晋安区海上风电运维中心投资合作协议"));
	response_free(&r);
}

static void test_visits_and_problems(void **state)
{
	(void)state;
	char code[48];
	struct response r;
	/* The one-to-one officer serves the enterprise's branch: 长乐's would not even see it. */
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/key-enterprises", code,
	                                "{\"enterprise\":%lld,\"officer\":\"cl-officer\",\"every_days\":14}", enterprise),
	                 403);
	assert_string_equal(code, "out_of_scope");
	assert_int_equal(db_count(&server, "SELECT count(*) FROM key_enterprises"), 0);
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/key-enterprises", code,
	                           "{\"enterprise\":%lld,\"officer\":\"ja-officer\",\"every_days\":14}", enterprise),
	                 200);
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/visits", code,
	                           "{\"enterprise\":%lld,\"mode\":\"video\",\"discussed\":\"用地\"}", enterprise),
	                 422);
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/visits", code,
	                           "{\"enterprise\":%lld,\"mode\":\"online\",\"happened_on\":\"2099-01-01\",\"discussed\":\"用地\"}",
	                           enterprise),
	                 422);
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/visits", code,
	                           "{\"enterprise\":%lld,\"lead\":%lld,\"mode\":\"online\",\"discussed\":\"线上大走访:用地与用电\"}",
	                           enterprise, signed_lead),
	                 201);
	assert_int_equal(client_callf(&officer, &r, "GET", "/api/v1/invest/key-enterprises?mine=1", NULL), 200);
	json_t *k = json_array_get(json_object_get(r.json, "items"), 0);
	assert_non_null(k);
	assert_false(json_is_true(json_object_get(k, "overdue"))); /* visited today, next in 14 days */
	response_free(&r);
	/* A problem raised on the visit goes to the desk with its lead. */
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/problems", code,
	                           "{\"enterprise\":%lld,\"category\":\"land\",\"title\":\"用地指标\",\"description\":\"走访收集\","
	                           "\"lead\":\"999999\"}",
	                           enterprise),
	                 422);
	assert_string_equal(code, "unknown_lead");
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/problems", code,
	                           "{\"enterprise\":%lld,\"category\":\"land\",\"title\":\"用地指标\",\"description\":\"走访收集\","
	                           "\"lead\":\"%lld\"}",
	                           enterprise, signed_lead),
	                 201);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld", signed_lead);
	db_run_sql(&server, "UPDATE users SET display_name = '晋安区投促局张科长' WHERE username = 'ja-officer'");
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "problems")), 1);
	json_t *visits = json_object_get(r.json, "visits");
	assert_int_equal(json_array_size(visits), 1);
	assert_string_equal(str(json_array_get(visits, 0), "officer"), "ja-officer");
	assert_string_equal(str(json_array_get(visits, 0), "officer_name"), "晋安区投促局张科长");
	response_free(&r);
	db_run_sql(&server, "UPDATE users SET display_name = username WHERE username = 'ja-officer'");
}

static void test_statistics(void **state)
{
	(void)state;
	struct response r;
	/* By month: the first lead entered 40 days ago, the second on the 1st of this month (noon), the third today. */
	int32_t today = clock_local_day(clock_now());
	char day[11], before[11], sql[256];
	clock_format_date(today, day);
	clock_format_date(today - 40, before);
	long long first_of_month = today - (atoi(day + 8) - 1);
	snprintf(sql, sizeof sql, "UPDATE leads SET created_at = %lld WHERE id = (SELECT min(id) FROM leads)",
	         (long long)(today - 40) * 86400);
	db_run_sql(&server, sql);
	snprintf(sql, sizeof sql,
	         "UPDATE leads SET created_at = %lld WHERE id = (SELECT min(id) FROM leads WHERE id > (SELECT min(id) "
	         "FROM leads))",
	         first_of_month * 86400 + 4 * 3600);
	db_run_sql(&server, sql);
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/invest/stats", NULL), 200);
	json_t *months = json_object_get(r.json, "month");
	assert_int_equal(json_array_size(months), 2);
	assert_int_equal(strncmp(str(json_array_get(months, 0), "key"), before, 7), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(months, 0), "leads")), 1);
	assert_int_equal(strncmp(str(json_array_get(months, 1), "key"), day, 7), 0);
	assert_int_equal(strlen(str(json_array_get(months, 1), "key")), 7);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(months, 1), "leads")), 2);
	json_t *funnel = json_object_get(r.json, "funnel");
	assert_int_equal(json_array_size(funnel), 6);
	/* Three leads in all; two reached negotiation; one was signed (and became a project). */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(funnel, 0), "leads")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(funnel, 1), "leads")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(funnel, 2), "leads")), 1);
	json_t *signing = json_object_get(r.json, "signing");
	assert_int_equal(json_array_size(signing), 1);
	assert_string_equal(str(json_array_get(signing, 0), "key"), "350111");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(signing, 0), "amount_wan")), 200000);
	assert_int_equal(json_integer_value(json_object_get(r.json, "landed")), 1);
	response_free(&r);
	assert_int_equal(client_callf(&leader, &r, "GET", "/api/v1/invest/stats?table=signing&format=xlsx", NULL), 200);
	assert_true(has_header(&r, "Content-Type: application/vnd.openxmlformats"));
	response_free(&r);
}

/*
** Linkage crosses districts, but each side acts only for itself: a district
** reads the city's leads and does not share, offer or move them (the city's
** side does); an offer to the city is answered by the city, not by a
** district below it; a lead's new investor belongs to the lead's district.
*/
static void test_linkage_stays_with_its_owners(void **state)
{
	(void)state;
	char code[48], path[96];
	struct response r;
	assert_int_equal(client_callf(&city_officer, &r, "POST", "/api/v1/invest/leads",
	                              "{\"title\":\"市级储备项目\",\"source\":\"市招商会\",\"industry\":\"新能源\","
	                              "\"investment_wan\":100000,\"enterprise\":%lld,\"owner\":\"350100\"}",
	                              enterprise),
	                 201);
	long long city_lead = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	/* A lead's officer is one of its owner's side: 长乐's officer does not follow 晋安's lead. */
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/leads", code,
	                                "{\"title\":\"跨区专员\",\"source\":\"展会\",\"industry\":\"商务\","
	                                "\"investment_wan\":1,\"enterprise\":%lld,\"officer\":\"cl-officer\"}",
	                                enterprise),
	                 403);
	assert_string_equal(code, "out_of_scope");
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld", city_lead);
	assert_int_equal(client_callf(&officer, &r, "GET", path, NULL), 200); /* on 晋安's branch: read */
	assert_false(json_is_true(json_object_get(r.json, "owned")));
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/transfers", city_lead);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"to\":[\"350112\"],\"reason\":\"转长乐\"}"), 403);
	assert_string_equal(code, "lead_not_yours");
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/shares", city_lead);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"org\":\"350112\"}"), 403);
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/stage", city_lead);
	assert_int_equal(client_statusf(&officer, "POST", path, code, "{\"stage\":\"dropped\",\"reason\":\"x\"}"), 403);
	char sql[160];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM leads WHERE id = %lld AND stage = 'lead' AND owner_org_id = (SELECT id FROM orgs"
	         " WHERE code = '350100')",
	         city_lead);
	assert_int_equal(db_count(&server, sql), 1);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM lead_transfers t JOIN leads l ON l.id = t.lead_id"
	                                   " WHERE l.title = '市级储备项目'"),
	                 0);

	/* 晋安 offers a lead of its own to the city: 长乐, below the city, neither sees the offer nor takes it. */
	assert_int_equal(client_callf(&officer, &r, "POST", "/api/v1/invest/leads",
	                              "{\"title\":\"总部经济项目\",\"source\":\"展会\",\"industry\":\"商务\","
	                              "\"investment_wan\":50000,\"enterprise\":%lld}",
	                              enterprise),
	                 201);
	long long ja_lead = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/invest/leads/%lld/transfers", ja_lead);
	assert_int_equal(client_callf(&officer, &r, "POST", path, "{\"to\":[\"350100\"],\"reason\":\"市级统筹\"}"), 201);
	long long transfer = json_integer_value(json_object_get(r.json, "id"));
	response_free(&r);
	assert_int_equal(client_callf(&cl_officer, &r, "GET", "/api/v1/invest/transfers", NULL), 200);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(r.json, "items"), i, o)
	    assert_int_not_equal(json_integer_value(json_object_get(o, "id")), transfer);
	response_free(&r);
	snprintf(path, sizeof path, "/api/v1/invest/transfers/%lld/accept", transfer);
	assert_int_equal(client_statusf(&cl_officer, "POST", path, code, "{}"), 403);
	assert_string_equal(code, "not_offered_to_you");
	snprintf(path, sizeof path, "/api/v1/invest/transfers/%lld/decline", transfer);
	assert_int_equal(client_statusf(&mw_officer, "POST", path, code, "{}"), 403);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM lead_transfers WHERE id = %lld AND status = 'offered'", transfer);
	assert_int_equal(db_count(&server, sql), 1);
	snprintf(path, sizeof path, "/api/v1/invest/transfers/%lld/accept", transfer);
	/* the city takes what is offered to it */
	assert_int_equal(client_statusf(&city_officer, "POST", path, code, "{}"), 200);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM leads WHERE id = %lld AND owner_org_id = (SELECT id FROM orgs WHERE code = '350100')",
	         ja_lead);
	assert_int_equal(db_count(&server, sql), 1);

	/* A new investor registered with a bureau's lead is an enterprise of the district, not of the bureau. */
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/leads", code, new_lead, "福州链接科技有限公司",
	                                "91350111MA2AB0140P", ""),
	                 201);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM enterprises e JOIN orgs o ON o.id = e.org_id"
	                                   " WHERE e.credit_code = '91350111MA2AB0140P' AND o.code = '350111'"),
	                 1);
}

/*
** The demo's funnel and its major projects agree: Jin'an's five signed
** projects whose work started and three that produce (src/invest/service.c)
** are major projects, each carrying its lead, so 已转为重大项目 counts them.
*/
static void test_demo_leads_became_projects(void **state)
{
	(void)state;
	struct test_server demo;
	struct client city_leader;
	struct response r;
	demo_up_as(&demo, &city_leader, "city-leader");
	assert_int_equal(client_callf(&city_leader, &r, "GET", "/api/v1/invest/stats", NULL), 200);
	json_int_t started = 0, producing = 0;
	size_t i;
	json_t *stage;
	json_array_foreach(json_object_get(r.json, "funnel"), i, stage)
	{
		const char *key = json_string_value(json_object_get(stage, "key"));
		if (strcmp(key, "started") == 0)
			started = json_integer_value(json_object_get(stage, "leads"));
		if (strcmp(key, "producing") == 0)
			producing = json_integer_value(json_object_get(stage, "leads"));
	}
	assert_int_equal(started, 8); /* reached 开工: five building and three producing */
	assert_int_equal(producing, 3);
	assert_int_equal(json_integer_value(json_object_get(r.json, "landed")), 8);
	response_free(&r);
	assert_int_equal(db_count(&demo, "SELECT count(*) FROM projects p JOIN leads l ON l.project_id = p.id"
	                                 " WHERE p.lead_ref = CAST(l.id AS TEXT) AND p.name = l.title"),
	                 8);
	client_free(&city_leader);
	server_down(&demo);
}

/*
** Investment promotion is the investment promotion bureaus' duty, not the
** officer role's: an officer of an organisation without it (晋安's
** administrative service centre) is refused every invest route, list and
** write alike, with 403 wrong_duty and nothing written; the system
** administrator holds no duty and is refused by role; the bureaus' officers
** work and leaders read.
*/
static void test_invest_is_a_duty(void **state)
{
	(void)state;
	char path[128], code[48];
	int routes = 0;
	long long leads = db_count(&server, "SELECT count(*) FROM leads"),
	          audit = db_count(&server, "SELECT count(*) FROM audit_log");
	for (size_t i = 0; i < route_count; i++) {
		const struct route_def *rt = &route_table[i];
		if (!rt->duty || strcmp(rt->duty, "invest") != 0)
			continue;
		routes++;
		/* {id} is the lead made above; the duty is checked before the record is looked at. */
		const char *brace = strchr(rt->pattern, '{');
		if (brace)
			snprintf(path, sizeof path, "%.*s%lld%s", (int)(brace - rt->pattern), rt->pattern, lead,
			         strchr(brace, '}') + 1);
		else
			snprintf(path, sizeof path, "%s", rt->pattern);
		bool write = strcmp(rt->method, "GET") != 0;
		assert_int_equal(client_statusf(&xz_officer, rt->method, path, code, write ? "{}" : NULL), 403);
		assert_string_equal(code, "wrong_duty");
		assert_int_equal(client_statusf(&admin, rt->method, path, code, write ? "{}" : NULL), 403);
		assert_string_equal(code, "forbidden");
		if (!write)
			assert_int_not_equal(client_statusf(&officer, "GET", path, code, NULL), 403);
		if (!write && strstr(rt->auth, "leader")) /* leaders read every duty's work */
			assert_int_not_equal(client_statusf(&leader, "GET", path, code, NULL), 403);
	}
	assert_true(routes >= 20); /* leads, transfers, key enterprises and visits, signing, statistics */
	/* Nor is such an officer given an enterprise or a lead to follow, which they could not open. */
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/key-enterprises", code,
	                                "{\"enterprise\":%lld,\"officer\":\"xz-officer\"}", enterprise),
	                 422);
	assert_string_equal(code, "unknown_officer");
	assert_int_equal(client_statusf(&officer, "POST", "/api/v1/invest/leads", code,
	                                "{\"title\":\"无职责专员\",\"source\":\"展会\",\"industry\":\"商务\","
	                                "\"investment_wan\":1,\"enterprise\":%lld,\"officer\":\"xz-officer\"}",
	                                enterprise),
	                 422);
	assert_string_equal(code, "unknown_officer");
	assert_int_equal(db_count(&server, "SELECT count(*) FROM leads"), leads);
	assert_int_equal(db_count(&server, "SELECT count(*) FROM audit_log"), audit);
	/* The duty, not the role: the same officer's centre given it (an org import) works the leads. */
	char csv[256];
	snprintf(csv, sizeof csv, "%s/duties.csv", server.dir);
	FILE *f = fopen(csv, "w");
	assert_non_null(f);
	fputs("code,name,parent_code,kind,duties\n350111-xzfw,晋安区行政服务中心,350111,department,invest\n", f);
	fclose(f);
	assert_int_equal(run_banyan(NULL, NULL, 0, "org", "import", "--db", server.db, csv, NULL), 0);
	assert_int_equal(client_statusf(&xz_officer, "GET", "/api/v1/invest/leads", code, NULL), 200);
	struct response r;
	assert_int_equal(client_callf(&xz_officer, &r, "GET", "/api/v1/me", NULL), 200);
	json_t *duties = json_object_get(json_object_get(json_object_get(r.json, "user"), "org"), "duties");
	assert_string_equal(json_string_value(json_array_get(duties, 0)), "invest");
	response_free(&r);
}

/*
** A database made before investment and approval were duties (migration
** 0027) gives them to the organisations that did that work, so nothing that
** worked stops: invest where users hold the role officer, approval where the
** catalogue routes items (a district's bureau by its local suffix); not to a
** bureau that does neither.
*/
static void test_duties_given_to_existing_databases(void **state)
{
	(void)state;
	struct test_server old;
	server_prepare(&old);
	server_start_process(&old, NULL); /* serving seeds the approval catalogue */
	assert_int_equal(server_stop_process(&old), 0);
	add_user(&old, "old-officer", "officer", "350111-xzfw");
	/* The duties as they were before 0027, then 0027 itself, as `banyan init` applies it to such a
	** database (later migrations make rerunning init by its version number impossible). */
	db_run_sql(&old, "DELETE FROM org_duties WHERE duty IN ('invest', 'approval')");
	const struct builtin_file *migration = builtin_find("src/db/migrations/0027_invest_approval_duties.sql");
	assert_non_null(migration);
	db_run_sql(&old, migration->data);
	static const char held[] = "SELECT count(*) FROM org_duties d JOIN orgs o ON o.id = d.org_id"
	                           " WHERE o.code = '%s' AND d.duty = '%s'";
	static const struct {
		const char *org, *duty;
		long long count;
	} expected[] = {
	    {"350111-xzfw", "invest", 1},   {"350111-tcj", "invest", 0}, /* no officer sits there yet */
	    {"350100-fgw", "approval", 1},  {"350100-zjj", "approval", 1}, {"350111-fgj", "approval", 1},
	    {"350123-scjg", "approval", 1}, {"350100-swj", "approval", 0}, {"350100-rsj", "approval", 0},
	};
	char sql[256];
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
		snprintf(sql, sizeof sql, held, expected[i].org, expected[i].duty);
		if (db_count(&old, sql) != expected[i].count)
			fail_msg("%s %s: expected %lld", expected[i].org, expected[i].duty, expected[i].count);
	}
	server_down(&old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_investor_not_entered_twice),
	    cmocka_unit_test(test_stages_one_at_a_time),
	    cmocka_unit_test(test_share_and_transfer),
	    cmocka_unit_test(test_cloud_signing),
	    cmocka_unit_test(test_signed_lead_becomes_project),
	    cmocka_unit_test(test_visits_and_problems),
	    cmocka_unit_test(test_statistics),
	    cmocka_unit_test(test_linkage_stays_with_its_owners), /* last: it adds leads */
	    cmocka_unit_test(test_invest_is_a_duty),
	    cmocka_unit_test(test_duties_given_to_existing_databases),
	    /* Last: on the demo, which takes minutes to fill PostgreSQL (the demo runs there in pg_demo). */
	    cmocka_unit_test(test_demo_leads_became_projects),
	};
	size_t n = sizeof tests / sizeof tests[0] - (on_postgres() ? 1 : 0);
	return _cmocka_run_group_tests("tests", tests, n, setup, teardown);
}
