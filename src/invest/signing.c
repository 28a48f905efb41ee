/*
** Cloud signing (云签约): a ceremony holds agreements; banyan keeps each
** agreement's document and its SHA-256, and every party signs that hash
** remotely with the Ed25519 key pair banyan issued to them (libsodium; banyan
** keeps only the public half).  A signature is recorded only if it verifies,
** and each is appended to a hash-chained ledger.  Anyone holding the document
** can check it: offline with `banyan verify AGREEMENT.json DOCUMENT`, or on
** the public verification page, which needs the document's hash and shows
** nothing to whoever has not got it.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/cli.h"
#include "core/clock.h"
#include "desk/desk.h"
#include "invest/invest.h"
#include "org/org.h"

enum { DOCUMENT_MAX = 512 * 1024 };

static const char ledger_genesis[65] = "0000000000000000000000000000000000000000000000000000000000000000";

bool ed25519_valid(const char *public_key_hex, const char *signature_hex, const unsigned char *message, size_t len)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	size_t pk_len = 0, sig_len = 0;
	return public_key_hex && signature_hex &&
	       sodium_hex2bin(pk, sizeof pk, public_key_hex, strlen(public_key_hex), NULL, &pk_len, NULL) == 0 &&
	       pk_len == sizeof pk &&
	       sodium_hex2bin(sig, sizeof sig, signature_hex, strlen(signature_hex), NULL, &sig_len, NULL) == 0 &&
	       sig_len == sizeof sig && crypto_sign_verify_detached(sig, message, len, pk) == 0;
}

/* The hash of a ledger row: SHA-256 over its fields and the hash before it. */
static void ledger_hash(int64_t id, int64_t at, int64_t agreement, int64_t signer, const char *sha256,
                        const char *public_key, const char *signature, const char *prev, char out[65])
{
	char *text = NULL;
	int n = asprintf(&text, "%lld|%lld|%lld|%lld|%s|%s|%s|%s", (long long)id, (long long)at, (long long)agreement,
	                 (long long)signer, sha256, public_key, signature, prev);
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)(n > 0 ? text : ""), n > 0 ? (size_t)n : 0);
	sodium_bin2hex(out, 65, digest, sizeof digest);
	free(text);
}

int signing_ledger_verify(struct db *d, int64_t *ret_bad_id, int64_t *ret_rows)
{
	struct db_stmt *s;
	char prev[65], hash[65];
	memcpy(prev, ledger_genesis, sizeof prev);
	int64_t rows = 0, expect = 1;
	*ret_bad_id = 0;
	int rc = db_prepare(d, &s,
	                    "SELECT id, at, agreement_id, signer_id, document_sha256, public_key, signature, prev_hash, hash"
	                    " FROM signing_ledger ORDER BY id",
	                    NULL);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t id = db_column_int64(s, 0);
		ledger_hash(id, db_column_int64(s, 1), db_column_int64(s, 2), db_column_int64(s, 3), db_column_text(s, 4),
		            db_column_text(s, 5), db_column_text(s, 6), prev, hash);
		rows++;
		if (id != expect++ || strcmp(db_column_text(s, 7), prev) != 0 || strcmp(db_column_text(s, 8), hash) != 0) {
			*ret_bad_id = id;
			break;
		}
		memcpy(prev, hash, sizeof prev);
	}
	db_finalize(s);
	*ret_rows = rows;
	return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

int signing_ledger_append(struct db *d, int64_t agreement, int64_t signer, const char *sha256, const char *public_key,
                         const char *signature, int64_t at)
{
	struct db_stmt *s;
	char prev[65], hash[65];
	int64_t id = 1;
	memcpy(prev, ledger_genesis, sizeof prev);
	int rc = db_prepare(d, &s, "SELECT id, hash FROM signing_ledger ORDER BY id DESC LIMIT 1", NULL);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		id = db_column_int64(s, 0) + 1;
		snprintf(prev, sizeof prev, "%s", db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	ledger_hash(id, at, agreement, signer, sha256, public_key, signature, prev, hash);
	return db_run(d,
	              "INSERT INTO signing_ledger(id, at, agreement_id, signer_id, document_sha256, public_key, signature,"
	              " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
	              "iiiittttt", id, at, agreement, signer, sha256, public_key, signature, prev, hash);
}

/*
** ROUTE: POST /api/v1/invest/signers
** AUTH: officer
** DUTY: invest
** SUMMARY: 签发签约密钥 Issue a signer an Ed25519 key pair (the secret key is shown once)
** Body: {"name","organisation"}.  Answers 201 {"id","public_key","secret_key"}:
** hex; banyan keeps only the public key, the signer keeps the secret one and
** signs with `banyan sign` or any Ed25519 tool.
*/
void signer_post(struct request *r)
{
	static const char *const fields[] = {"name", "organisation", NULL};
	const char *name, *organisation;
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 100, &name) ||
	    !body_string(r, "organisation", FIELD_REQUIRED, 200, &organisation))
		return;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char pk_hex[2 * sizeof pk + 1], sk_hex[2 * sizeof sk + 1];
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
	sodium_bin2hex(sk_hex, sizeof sk_hex, sk, sizeof sk);
	sodium_memzero(sk, sizeof sk);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "INSERT INTO signers(name, organisation, public_key, issued_by, issued_at) VALUES (?,?,?,?,?)",
		            "tttii", name, organisation, pk_hex, r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s, s:s}", "name", name, "organisation", organisation, "public_key", pk_hex);
		rc = audit_append(r->db, &ctx, "signer.issue", "signer", arena_printf(r->arena, "%lld", (long long)id),
		                  r->who.org_path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "name", name, "public_key", pk_hex,
		                             "secret_key", sk_hex));
	sodium_memzero(sk_hex, sizeof sk_hex);
}

/*
** ROUTE: GET /api/v1/invest/signers
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 签约人 Signers and their public keys
*/
void signer_list(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT id, name, organisation, public_key FROM signers ORDER BY id", NULL);
	reply_rows(r, rc, s, row_as_json_of, 0);
}

/*
** The ceremony (or agreement) of the route's {id}, if its ceremony's host is
** on the caller's branch of the tree: `from` joins the host as `o` given the
** id as ?1.  Answers 404 `missing` (or the database error) otherwise.
*/
static bool hosted_for_caller(struct request *r, const char *from, const char *missing, const char *message,
                              int64_t *ret_id, const char **ret_host_path)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return false;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    arena_printf(r->arena,
	                                 "SELECT o.path FROM %s"
	                                 " AND " SQL_ON_BRANCH("o.path", "?2"),
	                                 from),
	                    "it", id, request_area(r));
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		*ret_host_path = arena_strdup(r->arena, db_column_text(s, 0));
	db_finalize(s);
	if (rc == DB_DONE)
		reply_error(r, 404, missing, NULL, "%s", message);
	else if (rc < 0)
		reply_db_error(r, rc);
	*ret_id = id;
	return rc == DB_ROW;
}

static bool ceremony_for_caller(struct request *r, int64_t *ret_id, const char **ret_host_path)
{
	return hosted_for_caller(r, "ceremonies c JOIN orgs o ON o.id = c.host_org_id WHERE c.id = ?1", "unknown_ceremony",
	                         "签约仪式不存在 (no such ceremony)", ret_id, ret_host_path);
}

/*
** ROUTE: POST /api/v1/invest/ceremonies
** AUTH: officer
** DUTY: invest
** SUMMARY: 创建云签约仪式 Create a signing ceremony
** Body: {"title","host","held_on"}: the host district (or the city) on the
** caller's branch, and the day.
*/
void ceremony_post(struct request *r)
{
	static const char *const fields[] = {"title", "host", "held_on", NULL};
	const char *title, *held_text;
	int32_t held_on;
	const char *host_code, *area = request_area(r);
	struct org host;
	if (!body_only(r, fields) || !body_string(r, "title", FIELD_REQUIRED, 200, &title) ||
	    !body_string(r, "host", FIELD_REQUIRED, 32, &host_code) ||
	    !body_string(r, "held_on", FIELD_REQUIRED, 10, &held_text))
		return;
	int found = org_find_by_code(r->db, r->arena, host_code, &host);
	if (found == DB_DONE || (found == 0 && strcmp(host.kind, "district") != 0 && strcmp(host.kind, "city") != 0)) {
		reply_error(r, 422, "unknown_district", "host", "%s 不是县(市)区或市 (not a district or the city)", host_code);
		return;
	}
	if (found < 0) {
		reply_db_error(r, found);
		return;
	}
	if (!path_within(host.path, area)) { /* a district's officer hosts for the district */
		reply_error(r, 403, "out_of_scope", "host", "主办单位不在您的服务范围内 (host outside your area)");
		return;
	}
	if (clock_parse_date(held_text, &held_on) < 0) {
		reply_error(r, 422, "invalid_date", "held_on", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return;
	}
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "INSERT INTO ceremonies(title, host_org_id, held_on, created_by, created_at) VALUES (?,?,?,?,?)",
		            "tiiii", title, host.id, (int64_t)held_on, r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s}", "title", title, "held_on", held_text);
		rc = audit_append(r->db, &ctx, "ceremony.create", "ceremony", arena_printf(r->arena, "%lld", (long long)id),
		                  host.path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", title));
}

/* A ceremony with its running totals: the aliases are the JSON's keys (see row_as_json). */
static const char ceremony_select[] =
    "SELECT c.id AS id, c.title AS title, o.code AS \"host.code\", o.name AS \"host.name\","
    " c.held_on AS \"held_on:date\", count(a.id) AS agreements, count(a.signed_at) AS signed,"
    " coalesce(sum(a.amount_wan), 0) AS amount_wan,"
    " coalesce(sum(CASE WHEN a.signed_at IS NOT NULL THEN a.amount_wan END), 0) AS signed_amount_wan"
    " FROM ceremonies c JOIN orgs o ON o.id = c.host_org_id LEFT JOIN agreements a ON a.ceremony_id = c.id";

/*
** ROUTE: GET /api/v1/invest/ceremonies
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 云签约仪式 Ceremonies hosted on the caller's branch, with signed counts and amounts
*/
void ceremony_list(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    arena_printf(r->arena,
	                 "%s WHERE " SQL_ON_BRANCH(
	                     "o.path", "?1") " GROUP BY c.id, o.id ORDER BY c.held_on DESC, c.id DESC LIMIT 500",
	                 ceremony_select),
	    "t", request_area(r));
	reply_rows(r, rc, s, row_as_json_of, 0);
}

/* An agreement with its parties, as the console, the export and the public page show it. */
static json_t *agreement_json(struct request *r, int64_t id, int *ret_rc)
{
	struct db_stmt *s;
	json_t *a = NULL;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT a.id AS id, a.title AS title, a.amount_wan AS amount_wan, a.document_name AS document_name,"
	    " a.document_sha256 AS document_sha256, a.signed_at IS NOT NULL AS \"signed:bool\","
	    " a.ceremony_id AS \"ceremony.id\", c.title AS \"ceremony.title\", a.lead_id AS lead"
	    " FROM agreements a JOIN ceremonies c ON c.id = a.ceremony_id WHERE a.id = ?",
	    "i", id);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		a = row_as_json(s);
	db_finalize(s);
	if (a) {
		rc = db_prepare(r->db, &s,
		                "SELECT g.id AS signer, g.name AS name, g.organisation AS organisation, p.role AS role,"
		                " g.public_key AS public_key, p.signature IS NOT NULL AS \"signed:bool\","
		                " p.signature AS signature, p.signed_at AS \"signed_at:time\""
		                " FROM agreement_parties p JOIN signers g ON g.id = p.signer_id"
		                " WHERE p.agreement_id = ? ORDER BY p.rowid",
		                "i", id);
		rc = rows_into(r, a, "parties", rc, s, row_as_json_of);
	}
	*ret_rc = rc == DB_DONE ? 0 : rc;
	return a;
}

/*
** ROUTE: GET /api/v1/invest/ceremonies/{id}
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 签约仪式现场 A ceremony: its agreements, who has signed, the running total
** The console's live screen follows "invest.signature" events.
*/
void ceremony_get(struct request *r)
{
	int64_t id;
	const char *host_path;
	if (!ceremony_for_caller(r, &id, &host_path))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, arena_printf(r->arena, "%s WHERE c.id = ? GROUP BY c.id, o.id", ceremony_select),
	                    "i", id);
	json_t *out = NULL;
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		out = row_as_json(s);
	db_finalize(s);
	json_t *agreements = json_array();
	int64_t *ids = NULL;
	size_t n = 0;
	if (out && db_prepare(r->db, &s, "SELECT id FROM agreements WHERE ceremony_id = ? ORDER BY id", "i", id) == 0) {
		while (db_step(s) == DB_ROW) {
			int64_t *grown = realloc(ids, (n + 1) * sizeof *ids);
			if (!grown)
				break;
			ids = grown;
			ids[n++] = db_column_int64(s, 0);
		}
		db_finalize(s);
	}
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		json_t *a = agreement_json(r, ids[i], &rc);
		if (a)
			json_array_append_new(agreements, a);
	}
	free(ids);
	if (!out || rc < 0) {
		json_decref(out);
		json_decref(agreements);
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	json_object_set_new(out, "items", agreements);
	reply_json(r, 200, out);
}

/*
** ROUTE: POST /api/v1/invest/ceremonies/{id}/agreements
** AUTH: officer
** DUTY: invest
** SUMMARY: 加入签约协议 Put an agreement and its document into a ceremony
** Body: {"title","amount_wan","lead","document_name","document" (base64, at most
** 512 KiB),"parties": [{"signer","role"}]} (2 to 10 parties, each a signer).
** banyan keeps the document and its SHA-256, which is what the parties sign.
*/
void agreement_post(struct request *r)
{
	static const char *const fields[] = {"title", "amount_wan", "lead", "document_name", "document", "parties", NULL};
	const char *title, *document_name, *document;
	int64_t amount, lead_id = 0, ceremony;
	const char *host_path;
	if (!body_only(r, fields) || !ceremony_for_caller(r, &ceremony, &host_path) ||
	    !body_string(r, "title", FIELD_REQUIRED, 200, &title) ||
	    !body_int64(r, "amount_wan", FIELD_REQUIRED, 0, 100000000000LL, &amount, NULL) ||
	    !body_int64(r, "lead", FIELD_OPTIONAL, 1, INT64_MAX, &lead_id, NULL) ||
	    !body_string(r, "document_name", FIELD_REQUIRED, 200, &document_name) ||
	    !body_string(r, "document", FIELD_REQUIRED, 4 * DOCUMENT_MAX / 3 + 8, &document))
		return;
	struct lead l;
	if (lead_id && !lead_for_caller(r, lead_id, true, &l))
		return;
	json_t *parties = json_object_get(r->json, "parties");
	if (!json_is_array(parties) || json_array_size(parties) < 2 || json_array_size(parties) > 10) {
		reply_error(r, 422, "invalid_field", "parties", "签约方应为 2 至 10 个 (2 to 10 parties)");
		return;
	}
	size_t i;
	json_t *p;
	json_array_foreach(parties, i, p)
	{
		int64_t known = 0;
		json_t *signer = json_object_get(p, "signer");
		const char *role = json_string_value(json_object_get(p, "role"));
		if (!json_is_integer(signer) || !role || !*role || strlen(role) > 32 ||
		    db_query_int64(r->db, &known, "SELECT 1 FROM signers WHERE id = ?", "i",
		                   (int64_t)json_integer_value(signer)) != 0) {
			reply_error(r, 422, "unknown_signer", "parties",
			            "第 %zu 个签约方应为已签发密钥的签约人和角色 (party %zu: a known signer and a role)", i + 1, i + 1);
			return;
		}
	}
	unsigned char *bytes = arena_alloc(r->arena, DOCUMENT_MAX);
	size_t len = 0;
	if (!bytes || sodium_base642bin(bytes, DOCUMENT_MAX, document, strlen(document), "\n\r ", &len, NULL,
	                                sodium_base64_VARIANT_ORIGINAL) != 0 || len == 0) {
		reply_error(r, 422, "invalid_value", "document", "协议文件应为 base64 编码,且不超过 512 KB (base64, at most 512 KiB)");
		return;
	}
	unsigned char digest[crypto_hash_sha256_BYTES];
	char sha[65];
	crypto_hash_sha256(digest, bytes, len);
	sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO agreements(ceremony_id, lead_id, title, amount_wan, document_name, document_sha256,"
		            " document, created_at) VALUES (?,?,?,?,?,?,?,?)",
		            "irtittbi", ceremony, lead_id, title, amount, document_name, sha, (const void *)bytes, len,
		            clock_now());
	int64_t id = db_last_insert_id(r->db);
	json_array_foreach(parties, i, p)
	{
		if (rc == 0)
			rc = db_run(r->db, "INSERT INTO agreement_parties(agreement_id, signer_id, role) VALUES (?,?,?)", "iit", id,
			            (int64_t)json_integer_value(json_object_get(p, "signer")),
			            json_string_value(json_object_get(p, "role")));
	}
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 422, "duplicate_party", "parties", "同一签约人不能出现两次 (a signer appears twice)");
		return;
	}
	if (rc == 0 && lead_id)
		rc = lead_event(r, lead_id, "agreement", NULL, NULL, 0, 0, title);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:I, s:s}", "title", title, "amount_wan", (json_int_t)amount, "sha256", sha);
		rc = audit_append(r->db, &ctx, "agreement.create", "agreement", arena_printf(r->arena, "%lld", (long long)id),
		                  host_path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", title, "document_sha256", sha));
}

static bool agreement_for_caller(struct request *r, int64_t *ret_id, const char **ret_host_path)
{
	return hosted_for_caller(r,
	                         "agreements a JOIN ceremonies c ON c.id = a.ceremony_id JOIN orgs o ON o.id = c.host_org_id"
	                         " WHERE a.id = ?1",
	                         "unknown_agreement", "签约协议不存在 (no such agreement)", ret_id, ret_host_path);
}

/*
** ROUTE: GET /api/v1/invest/agreements/{id}/document
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 下载协议文件 Download an agreement's document
*/
void agreement_document_get(struct request *r)
{
	int64_t id;
	const char *host;
	if (!agreement_for_caller(r, &id, &host))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT document_name, document FROM agreements WHERE id = ?", "i", id);
	reply_file_row(r, rc, s, "unknown_agreement", "签约协议不存在 (no such agreement)");
}

/*
** ROUTE: GET /api/v1/invest/agreements/{id}/export
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 导出协议签名文件 The agreement as AGREEMENT.json, for `banyan verify` offline
*/
void agreement_export(struct request *r)
{
	int64_t id;
	const char *host;
	if (!agreement_for_caller(r, &id, &host))
		return;
	int rc;
	json_t *a = agreement_json(r, id, &rc);
	if (!a) {
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	json_object_set_new(a, "format", json_string("banyan-agreement/1"));
	char *text = json_dumps(a, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	json_decref(a);
	if (!text) {
		reply_db_error(r, DB_ERROR);
		return;
	}
	reply_file(r, "application/json", arena_printf(r->arena, "agreement-%lld.json", (long long)id), text, strlen(text));
	free(text);
}

/*
** ROUTE: POST /api/v1/public/agreements/{id}/signatures
** AUTH: public
** SUMMARY: 远程签署 A party signs an agreement: the Ed25519 signature of its document's SHA-256
** Body: {"signer","signature"} (signature: 128 hex digits over the 32 bytes of
** the digest).  The signature is the credential: recorded only if it verifies
** with the signer's public key (422 bad_signature), once (409 already_signed),
** and only by a party of the agreement (404 otherwise).  The last signature
** makes the agreement signed and moves its lead from 洽谈 to 签约.
*/
void agreement_sign(struct request *r)
{
	static const char *const fields[] = {"signer", "signature", NULL};
	int64_t id, signer;
	const char *signature;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_int64(r, "signer", FIELD_REQUIRED, 1, INT64_MAX, &signer, NULL) ||
	    !body_string(r, "signature", FIELD_REQUIRED, 2 * crypto_sign_BYTES, &signature))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT a.document_sha256, g.public_key, p.signature IS NOT NULL, a.ceremony_id, o.path,"
	                    " coalesce(a.lead_id, 0) FROM agreement_parties p JOIN agreements a ON a.id = p.agreement_id"
	                    " JOIN signers g ON g.id = p.signer_id JOIN ceremonies c ON c.id = a.ceremony_id"
	                    " JOIN orgs o ON o.id = c.host_org_id WHERE p.agreement_id = ? AND p.signer_id = ?",
	                    "ii", id, signer);
	char sha[65] = "", pk_hex[65] = "", host[256] = "";
	int64_t already = 0, ceremony = 0, lead_id = 0;
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		snprintf(sha, sizeof sha, "%s", db_column_text(s, 0));
		snprintf(pk_hex, sizeof pk_hex, "%s", db_column_text(s, 1));
		already = db_column_int64(s, 2);
		ceremony = db_column_int64(s, 3);
		snprintf(host, sizeof host, "%s", db_column_text(s, 4));
		lead_id = db_column_int64(s, 5);
	}
	db_finalize(s);
	if (rc == DB_DONE) {
		reply_error(r, 404, "not_a_party", "signer", "该签约人不是此协议的签约方 (not a party to this agreement)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	unsigned char digest[32], sig[crypto_sign_BYTES];
	size_t len;
	if (sodium_hex2bin(digest, sizeof digest, sha, strlen(sha), NULL, &len, NULL) != 0 ||
	    !ed25519_valid(pk_hex, signature, digest, sizeof digest) ||
	    sodium_hex2bin(sig, sizeof sig, signature, strlen(signature), NULL, &len, NULL) != 0) {
		reply_error(r, 422, "bad_signature", "signature",
		            "签名无效:不是该签约人对本协议文件 SHA-256 的签名 (the signature does not verify)");
		return;
	}
	if (already) {
		reply_error(r, 409, "already_signed", "signer", "该签约方已签署 (already signed)");
		return;
	}
	int64_t now = clock_now(), unsigned_left = 0;
	char lowered[2 * crypto_sign_BYTES + 1];
	sodium_bin2hex(lowered, sizeof lowered, sig, sizeof sig);
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE agreement_parties SET signature = ?, signed_at = ? WHERE agreement_id = ? AND signer_id = ?"
		            " AND signature IS NULL",
		            "tiii", lowered, now, id, signer);
	if (rc == 0 && db_changes(r->db) != 1) {
		db_rollback(r->db);
		reply_error(r, 409, "already_signed", "signer", "该签约方已签署 (already signed)");
		return;
	}
	if (rc == 0)
		rc = signing_ledger_append(r->db, id, signer, sha, pk_hex, lowered, now);
	if (rc == 0)
		rc = db_query_int64(r->db, &unsigned_left,
		                    "SELECT count(*) FROM agreement_parties WHERE agreement_id = ? AND signature IS NULL", "i", id);
	if (rc == 0 && unsigned_left == 0) {
		rc = db_run(r->db, "UPDATE agreements SET signed_at = ? WHERE id = ?", "ii", now, id);
		if (rc == 0 && lead_id) {
			rc = db_run(r->db,
			            "UPDATE leads SET stage = 'signed', updated_at = ? WHERE id = ? AND stage = 'negotiating'", "ii",
			            now, lead_id);
			if (rc == 0 && db_changes(r->db) == 1)
				rc = db_run(r->db,
				            "INSERT INTO lead_events(lead_id, at, actor_id, actor, kind, from_stage, to_stage, text)"
				            " VALUES (?, ?, 0, 'system', 'stage', 'negotiating', 'signed', '云签约完成')",
				            "ii", lead_id, now);
		}
	}
	if (!db_finish_or_reply(r, rc))
		return;
	/* The room's screen: the running total of what is signed. */
	int64_t signed_count = 0, signed_wan = 0;
	db_query_int64(r->db, &signed_count, "SELECT count(*) FROM agreements WHERE ceremony_id = ? AND signed_at IS NOT NULL",
	               "i", ceremony);
	db_query_int64(r->db, &signed_wan,
	               "SELECT coalesce(sum(amount_wan), 0) FROM agreements WHERE ceremony_id = ? AND signed_at IS NOT NULL",
	               "i", ceremony);
	json_t *data = json_pack("{s:I, s:I, s:b, s:I, s:I}", "ceremony", (json_int_t)ceremony, "agreement", (json_int_t)id,
	                         "agreement_signed", unsigned_left == 0, "signed", (json_int_t)signed_count,
	                         "signed_amount_wan", (json_int_t)signed_wan);
	events_publish("invest.signature", host, data);
	json_decref(data);
	reply_json(r, 201, json_pack("{s:I, s:I, s:b}", "agreement", (json_int_t)id, "signer", (json_int_t)signer,
	                             "agreement_signed", unsigned_left == 0));
}

/*
** Check an agreement (JSON as exported) against a document digest: fills
** *ret_results with a line a party.  Returns 0 when the document matches and
** every party has a valid signature, 1 otherwise (the lines say why).
*/
static int verify_agreement(const json_t *a, const unsigned char digest[32], json_t *ret_results, const char **ret_why)
{
	char sha[65];
	sodium_bin2hex(sha, sizeof sha, digest, 32);
	const char *expected = json_string_value(json_object_get(a, "document_sha256"));
	if (!expected || strcmp(expected, sha) != 0) {
		*ret_why = "文件已被改动:SHA-256 与协议记录不符 (the document was changed: its SHA-256 does not match)";
		return 1;
	}
	int bad = 0;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(a, "parties"), i, p)
	{
		const char *sig_hex = json_string_value(json_object_get(p, "signature"));
		bool ok = ed25519_valid(json_string_value(json_object_get(p, "public_key")), sig_hex, digest, 32);
		bad |= !ok;
		json_array_append_new(ret_results,
		                      json_pack("{s:s?, s:s?, s:s?, s:b, s:s}", "name", json_string_value(json_object_get(p, "name")),
		                                "organisation", json_string_value(json_object_get(p, "organisation")), "role",
		                                json_string_value(json_object_get(p, "role")), "valid", ok, "result",
		                                ok ? "签名有效 (valid)"
		                                   : sig_hex ? "签名无效 (the signature does not verify)" : "尚未签署 (not signed)"));
	}
	*ret_why = bad ? "有签约方的签名无效或尚未签署 (a party's signature is missing or does not verify)"
	               : "文件与全部签名均有效 (the document and every signature verify)";
	return bad;
}

/*
** ROUTE: GET /api/v1/public/agreements/{id}/verification
** AUTH: public
** SUMMARY: 协议验真 Check a document against an agreement: ?sha256= of the document
** Whoever holds the document (the page hashes it in the browser) sees the
** agreement, its parties and whether each signature verifies; a wrong hash is
** the same 404 as an unknown agreement.
*/
void agreement_verification(struct request *r)
{
	int64_t id;
	const char *sha = query_arg(r, "sha256");
	unsigned char digest[32];
	size_t len = 0;
	if (!route_param_id(r, "id", &id))
		return;
	if (!sha || sodium_hex2bin(digest, sizeof digest, sha, strlen(sha), NULL, &len, NULL) != 0 || len != 32) {
		reply_error(r, 422, "invalid_value", "sha256", "sha256 应为 64 位十六进制 (sha256: 64 hex digits)");
		return;
	}
	int rc;
	json_t *a = agreement_json(r, id, &rc);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	char lowered[65];
	sodium_bin2hex(lowered, sizeof lowered, digest, sizeof digest);
	if (!a || strcmp(json_string_value(json_object_get(a, "document_sha256")), lowered) != 0) {
		json_decref(a);
		reply_error(r, 404, "not_found", "sha256",
		            "没有与此文件对应的协议:文件可能已被改动 (no agreement with this document: it may have been changed)");
		return;
	}
	json_t *results = json_array();
	const char *why;
	int bad = verify_agreement(a, digest, results, &why);
	json_object_del(a, "lead");
	reply_json(r, 200, json_pack("{s:b, s:s, s:o, s:o}", "valid", !bad, "result", why, "agreement", a, "parties", results));
}

/* Read a whole file (at most max bytes) into malloc'd memory. */
static unsigned char *read_file(const char *path, size_t max, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *data = malloc(max + 1);
	size_t n = data ? fread(data, 1, max + 1, f) : 0;
	bool whole = data && feof(f) && !ferror(f) && n <= max;
	fclose(f);
	if (!whole) {
		free(data);
		return NULL;
	}
	*ret_len = n;
	return data;
}

/*
** COMMAND: verify
** USAGE: banyan verify AGREEMENT.json DOCUMENT | banyan verify --ledger [--db PATH]
** SUMMARY: 协议验真 Check an agreement's signatures against its document, offline; or the signing ledger
** AGREEMENT.json is the agreement as exported by the console.  Prints a line a
** party; exit 0 when the document matches and every signature verifies, 1
** otherwise, saying why (a changed document, a forged or missing signature).
** With --ledger, recomputes the signing ledger's hash chain instead.
*/
int cmd_verify(int argc, char **argv)
{
	const char *db_opt = NULL, *words[2];
	bool ledger = false;
	int n;
	struct cli_opt opts[] = {{"db", &db_opt, NULL}, {"ledger", NULL, &ledger}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 2, &n))
		return EXIT_USAGE;
	if (sodium_init() < 0)
		return 1;
	if (ledger) {
		struct db *d;
		const char *path = cli_db_path(db_opt);
		if (!db_exists(path) || db_open(path, &d) < 0) {
			fprintf(stderr, "banyan verify: cannot open %s\n", path);
			return 1;
		}
		int64_t bad, rows;
		int rc = signing_ledger_verify(d, &bad, &rows);
		db_close(d);
		if (rc < 0 || bad) {
			printf("signing ledger: BROKEN at row %lld\n", (long long)bad);
			return 1;
		}
		printf("signing ledger: ok (%lld signatures)\n", (long long)rows);
		return 0;
	}
	if (n != 2) {
		fprintf(stderr, "usage: banyan verify AGREEMENT.json DOCUMENT\n");
		return EXIT_USAGE;
	}
	size_t len;
	json_error_t err;
	json_t *a = json_load_file(words[0], 0, &err);
	if (!json_is_object(a)) {
		fprintf(stderr, "banyan verify: %s: 不是协议签名文件 (not an agreement file): %s\n", words[0], err.text);
		json_decref(a);
		return 1;
	}
	unsigned char *doc = read_file(words[1], 64u << 20, &len);
	if (!doc) {
		fprintf(stderr, "banyan verify: cannot read %s\n", words[1]);
		json_decref(a);
		return 1;
	}
	unsigned char digest[32];
	crypto_hash_sha256(digest, doc, len);
	free(doc);
	json_t *results = json_array();
	const char *why;
	int bad = verify_agreement(a, digest, results, &why);
	printf("%s\n", json_string_value(json_object_get(a, "title")) ? json_string_value(json_object_get(a, "title")) : "");
	size_t i;
	json_t *p;
	json_array_foreach(results, i, p) printf("  %s %s (%s): %s\n", json_string_value(json_object_get(p, "role")),
	                                         json_string_value(json_object_get(p, "name")),
	                                         json_string_value(json_object_get(p, "organisation")),
	                                         json_string_value(json_object_get(p, "result")));
	printf("%s: %s\n", bad ? "FAILED" : "OK", why);
	json_decref(results);
	json_decref(a);
	return bad ? 1 : 0;
}

/*
** COMMAND: sign
** USAGE: banyan sign --key SECRET_KEY_FILE DOCUMENT
** SUMMARY: 签署协议文件 Sign a document's SHA-256 with an issued secret key, offline
** SECRET_KEY_FILE holds the 128 hex digits banyan issued.  Prints the document's
** SHA-256 and the signature to give to the agreement's signing page.
*/
int cmd_sign(int argc, char **argv)
{
	const char *key_path = NULL, *words[1];
	int n;
	struct cli_opt opts[] = {{"key", &key_path, NULL}, {NULL, NULL, NULL}};
	if (cli_parse(argc, argv, opts, words, 1, &n))
		return EXIT_USAGE;
	if (!key_path || n != 1) {
		fprintf(stderr, "usage: banyan sign --key SECRET_KEY_FILE DOCUMENT\n");
		return EXIT_USAGE;
	}
	if (sodium_init() < 0)
		return 1;
	size_t key_len, doc_len, bin_len = 0;
	unsigned char *key_text = read_file(key_path, 4096, &key_len), sk[crypto_sign_SECRETKEYBYTES];
	if (!key_text || sodium_hex2bin(sk, sizeof sk, (const char *)key_text, key_len, " \r\n", &bin_len, NULL) != 0 ||
	    bin_len != sizeof sk) {
		fprintf(stderr, "banyan sign: %s does not hold a secret key (128 hex digits)\n", key_path);
		free(key_text);
		return 1;
	}
	free(key_text);
	unsigned char *doc = read_file(words[0], 64u << 20, &doc_len);
	if (!doc) {
		fprintf(stderr, "banyan sign: cannot read %s\n", words[0]);
		sodium_memzero(sk, sizeof sk);
		return 1;
	}
	unsigned char digest[32], sig[crypto_sign_BYTES];
	crypto_hash_sha256(digest, doc, doc_len);
	free(doc);
	crypto_sign_detached(sig, NULL, digest, sizeof digest, sk);
	sodium_memzero(sk, sizeof sk);
	char sha[65], sig_hex[2 * sizeof sig + 1];
	sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
	sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
	printf("sha256: %s\nsignature: %s\n", sha, sig_hex);
	return 0;
}
