/*
** The channel API for claiming and looking at vouchers.  Payment channels
** (Alipay, UnionPay) call it with signed requests on behalf of their users;
** a channel sees only its own rounds and its own users' vouchers.
*/
#include <string.h>

#include "core/clock.h"
#include "vouchers/vouchers.h"

/*
** ROUTE: POST /api/v1/vouchers/claims
** AUTH: channel
** SUMMARY: 领取消费券(渠道) Claim a voucher for a channel's user
** Body: {"round","kind","user","request_id"}.  201 {"voucher":{...}} once the
** claim is on disk.  409 already_claimed (the person's limit for the kind is
** reached) or sold_out; 422 round_not_open; 403 foreign_round.  Repeating a
** request_id returns the first answer, never a second voucher.
*/
void voucher_claim_post(struct request *r)
{
	static const char *const fields[] = {"round", "kind", "user", "request_id", NULL};
	int64_t round, kind;
	const char *user, *request_id;
	if (!body_only(r, fields) || !body_int64(r, "round", FIELD_REQUIRED, 1, INT64_MAX, &round, NULL) ||
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
