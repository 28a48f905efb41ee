/*
** Redeeming vouchers at merchants, and giving them back when an order is
** refunded.  Each is one transaction, committed before the answer.  The
** same (merchant, order_no) twice returns the first answer; a partial unique
** index lets a voucher have only one live redemption, whatever the race.
*/
#include <string.h>

#include "core/clock.h"
#include "vouchers/vouchers.h"

struct voucher_row {
	int64_t id, kind_id, api_key_id, face_fen, threshold_fen, expires_at;
	const char *categories;
};

static json_t *redemption_json(struct db_stmt *s)
{
	char at[32], reversed[32];
	clock_format_iso(db_column_int64(s, 5), at);
	if (!db_column_is_null(s, 6))
		clock_format_iso(db_column_int64(s, 6), reversed);
	return json_pack("{s:{s:I, s:s, s:I, s:s, s:I, s:I, s:I, s:s, s:s?}}", "redemption", "id",
	                 (json_int_t)db_column_int64(s, 0), "code", db_column_text(s, 1), "merchant",
	                 (json_int_t)db_column_int64(s, 2), "order_no", db_column_text(s, 3), "amount_fen",
	                 (json_int_t)db_column_int64(s, 4), "discount_fen", (json_int_t)db_column_int64(s, 7),
	                 "pay_fen", (json_int_t)(db_column_int64(s, 4) - db_column_int64(s, 7)), "redeemed_at", at,
	                 "reversed_at", db_column_is_null(s, 6) ? NULL : reversed);
}

static const char redemption_select[] =
    "SELECT d.id, v.code, d.merchant_id, d.order_no, d.amount_fen, d.redeemed_at, d.reversed_at, d.discount_fen,"
    " v.api_key_id FROM voucher_redemptions d JOIN vouchers v ON v.id = d.voucher_id";

/* Answer with redemption id (or merchant+order) when it exists; false when it does not. */
static bool reply_existing(struct request *r, int status, const char *where, const char *fmt, int64_t a, const char *b)
{
	struct db_stmt *s;
	char *sql = arena_printf(r->arena, "%s WHERE %s", redemption_select, where);
	int rc = b ? db_prepare(r->db, &s, sql, fmt, a, b) : db_prepare(r->db, &s, sql, fmt, a);
	if (rc < 0) {
		reply_db_error(r, rc);
		return true;
	}
	rc = db_step(s);
	bool found = rc == DB_ROW;
	if (found && db_column_int64(s, 8) != r->who.api_key_id)
		reply_error(r, 404, "not_found", NULL, "核销记录不存在 (no such redemption)");
	else if (found)
		reply_json(r, status, redemption_json(s));
	else if (rc < 0)
		reply_db_error(r, rc), found = true;
	db_finalize(s);
	return found;
}

/* Check a voucher can be redeemed by this merchant for this amount; answers and returns false if not. */
static bool redeemable(struct request *r, const char *code, int64_t merchant_id, int64_t amount, struct voucher_row *v)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT v.id, v.kind_id, v.api_key_id, k.face_fen, k.threshold_fen, v.expires_at, k.categories,"
	    " EXISTS (SELECT 1 FROM voucher_redemptions d WHERE d.voucher_id = v.id AND d.reversed_at IS NULL)"
	    " FROM vouchers v JOIN voucher_kinds k ON k.id = v.kind_id WHERE v.code = ?",
	    "t", code);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	rc = db_step(s);
	bool used = false;
	if (rc == DB_ROW) {
		*v = (struct voucher_row){db_column_int64(s, 0),
		                          db_column_int64(s, 1),
		                          db_column_int64(s, 2),
		                          db_column_int64(s, 3),
		                          db_column_int64(s, 4),
		                          db_column_int64(s, 5),
		                          arena_strdup(r->arena, db_column_text(s, 6))};
		used = db_column_int64(s, 7) != 0;
	}
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	if (rc != DB_ROW) {
		reply_error(r, 404, "unknown_voucher", "code", "消费券不存在 (no such voucher)");
		return false;
	}
	if (v->api_key_id != r->who.api_key_id) {
		reply_error(r, 403, "foreign_voucher", "code",
		            "该券不是本渠道发放的 (the voucher was issued through another channel)");
		return false;
	}
	if (used) {
		reply_error(r, 409, "voucher_used", "code", "该券已使用 (the voucher was already used)");
		return false;
	}
	if (v->expires_at <= clock_now()) {
		reply_error(r, 409, "voucher_expired", "code", "该券已过期 (the voucher has expired)");
		return false;
	}
	if (amount < v->threshold_fen) {
		reply_error(r, 422, "below_threshold", "amount_fen",
		            "订单金额未达到使用门槛 %lld 元 (order below the threshold)",
		            (long long)(v->threshold_fen / 100));
		return false;
	}
	rc = db_prepare(r->db, &s, "SELECT category, channels, active FROM merchants WHERE id = ?", "i", merchant_id);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	rc = db_step(s);
	const char *problem = NULL, *code_out = NULL;
	if (rc != DB_ROW) {
		problem = "商户未登记 (merchant not registered)";
		code_out = "unknown_merchant";
	} else if (!db_column_int64(s, 2)) {
		problem = "商户已停用 (merchant not active)";
		code_out = "merchant_inactive";
	} else {
		char *category = arena_printf(r->arena, ",%s,", db_column_text(s, 0));
		char *channel = arena_printf(r->arena, ",%lld,", (long long)r->who.api_key_id);
		if (!strstr(v->categories, category)) {
			problem = "该商户的行业不在此券适用范围 (the merchant's category does not fit this voucher)";
			code_out = "merchant_category";
		} else if (!strstr(db_column_text(s, 1), channel)) {
			problem = "该商户未接入本渠道 (the merchant does not accept this channel)";
			code_out = "merchant_channel";
		}
	}
	db_finalize(s);
	if (problem) {
		reply_error(r, 422, code_out, "merchant", "%s", problem);
		return false;
	}
	return true;
}

/*
** ROUTE: POST /api/v1/vouchers/redemptions
** AUTH: channel
** SUMMARY: 核销消费券(渠道) Redeem a voucher at a merchant
** Body: {"code","merchant","order_no","amount_fen"}: 201 with the discount.
** Refusals: unknown_voucher, foreign_voucher, voucher_used, voucher_expired,
** below_threshold, unknown_merchant, merchant_inactive, merchant_category,
** merchant_channel.  The same merchant and order_no again returns the first answer.
*/
void voucher_redeem(struct request *r)
{
	static const char *const fields[] = {"code", "merchant", "order_no", "amount_fen", NULL};
	const char *code, *order_no;
	int64_t merchant, amount;
	struct voucher_row v;
	if (!body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 32, &code) ||
	    !body_int64(r, "merchant", FIELD_REQUIRED, 1, INT64_MAX, &merchant, NULL) ||
	    !body_string(r, "order_no", FIELD_REQUIRED, 64, &order_no) ||
	    !body_int64(r, "amount_fen", FIELD_REQUIRED, 1, 100000000000, &amount, NULL))
		return;
	if (reply_existing(r, 200, "d.merchant_id = ? AND d.order_no = ?", "it", merchant, order_no))
		return;
	if (!redeemable(r, code, merchant, amount, &v))
		return;
	int64_t discount = v.face_fen < amount ? v.face_fen : amount;
	int rc = db_run(
	    r->db,
	    "INSERT INTO voucher_redemptions(voucher_id, merchant_id, order_no, amount_fen, discount_fen, redeemed_at)"
	    " VALUES (?,?,?,?,?,?)",
	    "iitiii", v.id, merchant, order_no, amount, discount, clock_now());
	if (rc == DB_CONSTRAINT) {
		/* A race: the same order, or the same voucher at once.  Say which. */
		if (!reply_existing(r, 200, "d.merchant_id = ? AND d.order_no = ?", "it", merchant, order_no))
			reply_error(r, 409, "voucher_used", "code", "该券已使用 (the voucher was already used)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	reply_existing(r, 201, "d.id = ?", "i", db_last_insert_id(r->db), NULL);
}

/*
** ROUTE: POST /api/v1/vouchers/redemptions/{id}/reversal
** AUTH: channel
** SUMMARY: 撤销核销(退单) Reverse a redemption when the order is refunded
** The voucher can be used again while it is valid; reversing twice changes
** nothing.  An expired voucher is not given back (409 voucher_expired).
*/
void voucher_reverse(struct request *r)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT v.api_key_id, v.expires_at, d.reversed_at FROM voucher_redemptions d"
	                    " JOIN vouchers v ON v.id = d.voucher_id WHERE d.id = ?",
	                    "i", id);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	rc = db_step(s);
	int64_t channel = rc == DB_ROW ? db_column_int64(s, 0) : 0, expires = rc == DB_ROW ? db_column_int64(s, 1) : 0;
	bool reversed = rc == DB_ROW && !db_column_is_null(s, 2);
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (rc != DB_ROW || channel != r->who.api_key_id) {
		reply_error(r, 404, "not_found", NULL, "核销记录不存在 (no such redemption)");
		return;
	}
	if (!reversed && expires <= clock_now()) {
		reply_error(r, 409, "voucher_expired", NULL,
		            "该券已过期,不能退回 (the voucher has expired and is not given back)");
		return;
	}
	if (!reversed) {
		rc =
		    db_run(r->db, "UPDATE voucher_redemptions SET reversed_at = ? WHERE id = ? AND reversed_at IS NULL",
		           "ii", clock_now(), id);
		if (rc < 0) {
			reply_db_error(r, rc);
			return;
		}
	}
	reply_existing(r, 200, "d.id = ?", "i", id, NULL);
}
