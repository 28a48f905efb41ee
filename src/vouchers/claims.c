/*
** The channel API for claiming and looking at vouchers.  Payment channels
** (Alipay, UnionPay) call it with signed requests on behalf of their users;
** a channel sees only its own rounds and its own users' vouchers.
*/
#include <string.h>

#include "core/clock.h"
#include "vouchers/vouchers.h"

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* A string of 1 to 64 printable ASCII characters, no escapes, after its opening quote. */
static const char *plain_string(const char *p, const char *end, char out[65])
{
	size_t n = 0;
	for (; p < end && *p != '"'; p++, n++)
		if (n == 64 || *p < 0x20 || *p > 0x7e || *p == '\\')
			return NULL;
		else
			out[n] = *p;
	out[n] = 0;
	return n > 0 && p < end ? p + 1 : NULL;
}

/* 1 to 18 digits, the first not 0: a positive int64 however it is written. */
static const char *plain_number(const char *p, const char *end, int64_t *out)
{
	int64_t v = 0;
	int n = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++, n++) {
		if (n == 18 || (n == 0 && *p == '0'))
			return NULL;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return n > 0 ? p : NULL;
}

bool voucher_claim_body_parse(const char *text, size_t len, struct voucher_claim_body *ret)
{
	static const char *const names[] = {"round", "kind", "user", "request_id"};
	const char *p = text, *end = text + len;
	unsigned seen = 0;
	p = skip_space(p, end);
	if (p == end || *p++ != '{')
		return false;
	for (int field = 0; field < 4; field++) {
		p = skip_space(p, end);
		if (p == end || *p++ != '"')
			return false;
		const char *name = p;
		while (p < end && *p != '"')
			p++;
		if (p == end)
			return false;
		size_t name_len = (size_t)(p++ - name);
		int which = 0;
		while (which < 4 && (strlen(names[which]) != name_len || memcmp(names[which], name, name_len) != 0))
			which++;
		if (which == 4 || (seen & 1u << which))
			return false;
		seen |= 1u << which;
		p = skip_space(p, end);
		if (p == end || *p++ != ':')
			return false;
		p = skip_space(p, end);
		if (p == end)
			return false;
		if (which < 2)
			p = plain_number(p, end, which == 0 ? &ret->round : &ret->kind);
		else
			p = *p == '"' ? plain_string(p + 1, end, which == 2 ? ret->user : ret->request_id) : NULL;
		if (!p)
			return false;
		p = skip_space(p, end);
		if (p == end || *p++ != (field < 3 ? ',' : '}'))
			return false;
	}
	return skip_space(p, end) == end;
}

/*
** ROUTE: POST /api/v1/vouchers/claims
** AUTH: channel
** BODY: raw
** SUMMARY: 领取消费券(渠道) Claim a voucher for a channel's user
** Body: {"round","kind","user","request_id"}.  201 {"voucher":{...}} once the
** claim is on disk.  409 already_claimed (the person's limit for the kind is
** reached) or sold_out; 422 round_not_open; 403 foreign_round.  Repeating a
** request_id returns the first answer, never a second voucher.
*/
void voucher_claim_post(struct request *r)
{
	/* The body as channels send it is read directly; anything else takes the
	** general path, with its exact answers (400, 422 and their fields). */
	struct voucher_claim_body b;
	if (voucher_claim_body_parse(r->body, r->body_len, &b)) {
		voucher_engine_claim(r, b.round, b.kind, b.user, b.request_id);
		return;
	}
	static const char *const fields[] = {"round", "kind", "user", "request_id", NULL};
	int64_t round, kind;
	const char *user, *request_id;
	if (!request_json(r) || !body_only(r, fields) ||
	    !body_int64(r, "round", FIELD_REQUIRED, 1, INT64_MAX, &round, NULL) ||
	    !body_int64(r, "kind", FIELD_REQUIRED, 1, INT64_MAX, &kind, NULL) ||
	    !body_string(r, "user", FIELD_REQUIRED, 64, &user) ||
	    !body_string(r, "request_id", FIELD_REQUIRED, 64, &request_id))
		return;
	voucher_engine_claim(r, round, kind, user, request_id);
}

/*
** ROUTE: GET /api/v1/vouchers/{code}
** AUTH: channel
** SUMMARY: 查询消费券状态(渠道) A voucher's state, for the channel that issued it
** state: claimed, redeemed or expired.  Another channel's voucher is not found.
*/
void voucher_get(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT v.code, v.kind_id, k.round_id, k.face_fen, k.threshold_fen, v.claimed_at, v.expires_at,"
	    " EXISTS (SELECT 1 FROM voucher_redemptions d WHERE d.voucher_id = v.id AND d.reversed_at IS NULL)"
	    " FROM vouchers v JOIN voucher_kinds k ON k.id = v.kind_id WHERE v.code = ? AND v.api_key_id = ?",
	    "ti", route_param(r, "code"), r->who.api_key_id);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	rc = db_step(s);
	if (rc == DB_ROW) {
		int64_t expires = db_column_int64(s, 6);
		const char *state = db_column_int64(s, 7) ? "redeemed" : expires <= clock_now() ? "expired" : "claimed";
		reply_json(r, 200,
		           json_pack("{s:o}", "voucher",
		                     voucher_json(db_column_text(s, 0), db_column_int64(s, 1), db_column_int64(s, 2),
		                                  db_column_int64(s, 3), db_column_int64(s, 4), db_column_int64(s, 5),
		                                  expires, state)));
	} else if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_voucher", NULL, "消费券不存在 (no such voucher)");
	} else {
		reply_db_error(r, rc);
	}
	db_finalize(s);
}
