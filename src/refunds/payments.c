/*
** The money of an approved batch: the bank payment file, the bank's return
** file (each line paid or failed), a failed payment re-sent to a corrected
** account or to the enterprise's social-insurance account (the fallback
** payee), and recoveries (追回) of money paid on a decision found wrong.
**
** A decision is paid at most once: refund_payments has a unique index on the
** decision over its live payments (pending, sent, paid), so a second payment
** of one decision cannot be written, whatever the code above it does.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "org/notices.h"
#include "org/org.h"
#include "refunds/life.h"

/* ---- payments as JSON ----------------------------------------------------------- */

#define PAYMENT_COLUMNS                                                                                                \
	"p.id, p.state, p.payee_name, p.payee_account, p.bank, p.fallback, p.bank_reason, p.sent_at, p.settled_at,"    \
	" p.reference, p.amount_fen, p.decision_id"

/* A payment from PAYMENT_COLUMNS at column 0. */
static json_t *payment_json(struct db_stmt *s)
{
	char sent[32], settled[32];
	bool was_sent = !db_column_is_null(s, 7), was_settled = !db_column_is_null(s, 8);
	if (was_sent)
		clock_format_iso(db_column_int64(s, 7), sent);
	if (was_settled)
		clock_format_iso(db_column_int64(s, 8), settled);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s?, s:s?, s:s?, s:s?, s:I, s:I}", "id",
	                 (json_int_t)db_column_int64(s, 0), "state", db_column_text(s, 1), "payee_name",
	                 db_column_text(s, 2), "payee_account", db_column_text(s, 3), "bank", db_column_text(s, 4),
	                 "fallback", db_column_int64(s, 5) != 0, "bank_reason", db_column_text(s, 6), "sent_at",
	                 was_sent ? sent : NULL, "settled_at", was_settled ? settled : NULL, "reference",
	                 db_column_text(s, 9), "amount_fen", (json_int_t)db_column_int64(s, 10), "decision",
	                 (json_int_t)db_column_int64(s, 11));
}

json_t *life_payment_json(struct db *d, int64_t decision_id)
{
	struct db_stmt *s;
	json_t *o = NULL;
	if (db_prepare(d, &s,
	               "SELECT " PAYMENT_COLUMNS
	               " FROM refund_payments p WHERE p.decision_id = ? ORDER BY p.id DESC LIMIT 1",
	               "i", decision_id) == 0 &&
	    db_step(s) == DB_ROW)
		o = payment_json(s);
	db_finalize(s);
	return o ? o : json_null();
}

int life_batch_settle(struct db *d, int64_t batch_id)
{
	return db_run(d,
	              "UPDATE refund_batches SET state = 'settled' WHERE id = ?1 AND state = 'paying' AND NOT EXISTS"
	              " (SELECT 1 FROM refund_decisions WHERE batch_id = ?1 AND eligible = 1"
	              " AND state IN ('decided', 'approved', 'sent', 'failed'))",
	              "i", batch_id);
}

/* ---- the payment file ------------------------------------------------------------- */

/* The payer account: the body's, else the batch's policy version's rules' payer_account; NULL having answered 422. */
static const char *payer_account_of(struct request *r, const struct life_batch *b)
{
	const char *payer;
	bool given = false;
	if (!body_string(r, "payer_account", FIELD_OPTIONAL, 64, &payer))
		return NULL;
	given = payer != NULL;
	struct db_stmt *s;
	if (!given && db_prepare(r->db, &s, "SELECT rules FROM refund_policy_versions WHERE id = ?", "i",
	                         b->policy_version_id) == 0) {
		if (db_step(s) == DB_ROW) {
			json_t *rules = json_loads(db_column_text(s, 0), 0, NULL);
			const char *text = json_string_value(json_object_get(rules, "payer_account"));
			payer = text && *text ? arena_strdup(r->arena, text) : NULL;
			json_decref(rules);
		}
		db_finalize(s);
	}
	if (!payer)
		reply_error(r, 422, "missing_field", "payer_account",
		            "请填写付款账号,或在政策规则中写明 payer_account (payer_account: in the body or the "
		            "policy's rules)");
	return payer;
}

/*
** Make batch b's payment file, inside the caller's transaction: 0 with its
** answer in *ret_answer ({"id","batch","rows","amount_fen","no_account"}; no
** rows: nothing to pay, and the caller rolls back), or an error.
*/
int life_payment_file(struct db *d, const struct audit_context *ctx, const struct life_batch *b, const char *payer,
                      json_t **ret_answer)
{
	int64_t now = clock_now(), file = 0, rows = 0, amount = 0, no_account = 0;
	int rc =
	    db_run(d,
	           "INSERT INTO refund_payment_files(batch_id, payer_account, rows, amount_fen, actor_id, actor, at)"
	           " VALUES (?,?,0,0,?,?,?)",
	           "itrti", b->id, payer, ctx->actor_id, ctx->actor, now);
	file = db_last_insert_id(d);
	if (rc == 0)
		rc = db_run(
		    d,
		    "INSERT INTO refund_payments(decision_id, file_id, state, payee_name, payee_account, bank,"
		    " amount_fen, sent_at) SELECT d.id, ?1, 'sent', a.payee_name, a.account, a.bank, d.amount_fen, ?2"
		    " FROM refund_decisions d JOIN refund_accounts a ON a.credit_code = d.credit_code"
		    " WHERE d.batch_id = ?3 AND d.state = 'approved' AND d.amount_fen > 0 ORDER BY d.id",
		    "iii", file, now, b->id);
	if (rc == 0)
		rc = db_run(
		    d,
		    "UPDATE refund_payments SET file_id = ?1, state = 'sent', sent_at = ?2 WHERE state = 'pending'"
		    " AND decision_id IN (SELECT id FROM refund_decisions WHERE batch_id = ?3)",
		    "iii", file, now, b->id);
	/* The reference the bank quotes back: unique, as the payment's id is. */
	if (rc == 0)
		rc = db_run(d,
		            "UPDATE refund_payments SET reference = 'WG' || CAST(?1 AS TEXT) || '-' || CAST(id AS TEXT)"
		            " WHERE file_id = ?2",
		            "ii", b->id, file);
	if (rc == 0)
		rc = db_run(d,
		            "UPDATE refund_decisions SET state = 'sent' WHERE id IN"
		            " (SELECT decision_id FROM refund_payments WHERE file_id = ?)",
		            "i", file);
	if (rc == 0)
		rc = db_query_int64(d, &rows, "SELECT count(*) FROM refund_payments WHERE file_id = ?", "i", file);
	if (rc == 0)
		rc = db_query_int64(d, &amount,
		                    "SELECT coalesce(sum(amount_fen), 0) FROM refund_payments WHERE file_id = ?", "i",
		                    file);
	if (rc == 0)
		rc = db_query_int64(d, &no_account,
		                    "SELECT count(*) FROM refund_decisions WHERE batch_id = ? AND state = 'approved'",
		                    "i", b->id);
	if (rc == 0)
		rc = db_run(d, "UPDATE refund_payment_files SET rows = ?, amount_fen = ? WHERE id = ?", "iii", rows,
		            amount, file);
	if (rc == 0)
		rc = db_run(d, "UPDATE refund_batches SET state = 'paying' WHERE id = ?", "i", b->id);
	*ret_answer =
	    json_pack("{s:I, s:I, s:I, s:I, s:I}", "id", (json_int_t)file, "batch", (json_int_t)b->id, "rows",
	              (json_int_t)rows, "amount_fen", (json_int_t)amount, "no_account", (json_int_t)no_account);
	if (rc == 0 && rows > 0)
		rc = life_audit(d, ctx, "refunds.payment_file.create", "refund_payment_file", file, b->policy_path,
		                *ret_answer);
	return rc;
}

/*
** ROUTE: POST /api/v1/refunds/batches/{id}/payment-files
** AUTH: department
** DUTY: refunds
** SUMMARY: 生成银行支付文件 Produce the bank payment file of an approved batch
** Body: {"payer_account"} (optional: default the policy's rules'
** payer_account).  Takes every approved decision not yet sent whose
** enterprise has a bank account on record, and every failed payment already
** re-addressed (resend); marks them sent.  → 201 {"id","rows","amount_fen",
** "no_account"}.  409 wrong_state before approval, nothing_to_pay.
*/
void refunds_payment_file_create(struct request *r)
{
	static const char *const fields[] = {"payer_account", NULL};
	struct life_batch b;
	const char *payer;
	if (!life_batch_from_route(r, "id", true, &b) || !body_only(r, fields) || !(payer = payer_account_of(r, &b)))
		return;
	if (strcmp(b.state, "approved") != 0 && strcmp(b.state, "paying") != 0) {
		reply_error(r, 409, "wrong_state", NULL,
		            "批次尚未审批或已结清 (the batch is not approved, or settled)");
		return;
	}
	struct audit_context ctx = audit_context_of(r);
	json_t *answer = NULL;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = life_payment_file(r->db, &ctx, &b, payer, &answer);
	if (rc == 0 && json_integer_value(json_object_get(answer, "rows")) == 0) {
		db_rollback(r->db);
		reply_error(r, 409, "nothing_to_pay", NULL,
		            "没有待支付的决定 (nothing to pay; %lld without a bank account)",
		            (long long)json_integer_value(json_object_get(answer, "no_account")));
		json_decref(answer);
		return;
	}
	if (!db_finish_or_reply(r, rc)) {
		json_decref(answer);
		return;
	}
	reply_json(r, 201, answer);
}

/* A payment file as the answers show it (see row_as_json): who made it by login and by name. */
#define FILE_SELECT                                                                                                    \
	"SELECT f.id AS id, f.batch_id AS batch, f.payer_account AS payer_account, f.rows AS rows,"                    \
	" f.amount_fen AS amount_fen, f.actor AS actor, coalesce(u.display_name, f.actor) AS actor_name,"              \
	" f.at AS \"at:time\","                                                                                        \
	" (SELECT count(*) FROM refund_payments p WHERE p.file_id = f.id AND p.state = 'paid') AS paid,"               \
	" (SELECT count(*) FROM refund_payments p WHERE p.file_id = f.id AND p.state = 'failed') AS failed"            \
	" FROM refund_payment_files f JOIN refund_batches b ON b.id = f.batch_id"                                      \
	" JOIN refund_policies y ON y.id = b.policy_id JOIN orgs o ON o.id = y.org_id"                                 \
	" LEFT JOIN users u ON u.id = f.actor_id"

/*
** ROUTE: GET /api/v1/refunds/payment-files
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 银行支付文件 The bank payment files, newest first
** Of batches whose policy is on the caller's branch; ?batch=ID, ?limit, ?cursor.
*/
void refunds_payment_files_list(struct request *r)
{
	int64_t limit, cursor, batch;
	if (!page_args(r, 50, 200, &limit, &cursor) || !life_id_arg(r, "batch", &batch))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    FILE_SELECT " WHERE f.id < ?1 AND " SQL_ON_BRANCH(
	                        "o.path", "?2") " AND (?3 = 0 OR f.batch_id = ?3) ORDER BY f.id DESC LIMIT ?4",
	                    "itii", cursor, request_area(r), batch, limit);
	reply_rows(r, rc, s, row_as_json_of, limit);
}

/* The payment file of the route's {id} and its batch, in the caller's reach (write: its area). */
static bool file_from_route(struct request *r, bool write, int64_t *ret_id, struct life_batch *ret_batch)
{
	int64_t batch = 0;
	if (!route_param_id(r, "id", ret_id))
		return false;
	int rc = db_query_int64(r->db, &batch, "SELECT batch_id FROM refund_payment_files WHERE id = ?", "i", *ret_id);
	if (rc < 0 && rc != DB_DONE) {
		reply_db_error(r, rc);
		return false;
	}
	if (!batch) {
		reply_error(r, 404, "unknown_payment_file", NULL, "支付文件不存在 (no such payment file)");
		return false;
	}
	return life_batch_load(r, batch, write, ret_batch);
}

static json_t *payment_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	return payment_json(s);
}

/*
** ROUTE: GET /api/v1/refunds/payment-files/{id}
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 一个银行支付文件 A payment file: its payments, or ?format=csv the file for the bank
** JSON: the file and "payments" (each with its state and the bank's reason).
** ?format=csv: the bank's file, header 付款账号,收款户名,收款账号,开户银行,
** 金额(元),用途/参考号, the amount in 元 with two decimals.
*/
void refunds_payment_file_get(struct request *r)
{
	int64_t id;
	struct life_batch b;
	if (!file_from_route(r, false, &id, &b))
		return;
	const char *format = query_arg(r, "format");
	if (format && strcmp(format, "csv") != 0) {
		reply_error(r, 422, "invalid_query", "format", "format 只能为 csv (format: csv)");
		return;
	}
	struct db_stmt *s;
	int rc;
	if (format) {
		static const char *const headers[] = {"付款账号", "收款户名", "收款账号",
		                                      "开户银行", "金额(元)", "用途/参考号"};
		rc = db_prepare(r->db, &s,
		                "SELECT f.payer_account, " PAYMENT_COLUMNS " FROM refund_payments p"
		                " JOIN refund_payment_files f ON f.id = p.file_id WHERE p.file_id = ? ORDER BY p.id",
		                "i", id);
		json_t *rows = json_array();
		while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
			char yuan[32];
			refund_yuan(db_column_int64(s, 11), yuan);
			json_array_append_new(rows, json_pack("[s, s, s, s, s, s]", db_column_text(s, 0),
			                                      db_column_text(s, 3), db_column_text(s, 4),
			                                      db_column_text(s, 5), yuan, db_column_text(s, 10)));
		}
		db_finalize(s);
		if (rc != DB_DONE)
			reply_db_error(r, rc);
		else
			reply_table(r, "csv", arena_printf(r->arena, "payment-file-%lld", (long long)id), headers, 6,
			            rows);
		json_decref(rows);
		return;
	}
	rc = db_prepare(r->db, &s, FILE_SELECT " WHERE f.id = ?", "i", id);
	if (!db_row_or_reply(r, rc, s, "unknown_payment_file", "支付文件不存在 (no such payment file)"))
		return;
	json_t *o = row_as_json(s);
	db_finalize(s);
	rc = db_prepare(r->db, &s,
	                "SELECT " PAYMENT_COLUMNS " FROM refund_payments p WHERE p.file_id = ? ORDER BY p.id", "i", id);
	rc = rows_into(r, o, "payments", rc, s, payment_row_json);
	reply_json_or_db_error(r, rc, o);
}

/* ---- the bank's return file --------------------------------------------------------- */

/* Apply one line inside the import's transaction: 0, -EINVAL with *ret_why, or a database error. */
static int return_apply(struct db *d, struct arena *a, int64_t file, const struct refund_return_line *l,
                        struct life_returned *t, const char **ret_why)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(d, &s,
	               "SELECT p.id, p.file_id, p.state, p.decision_id, d.credit_code, p.amount_fen"
	               " FROM refund_payments p JOIN refund_decisions d ON d.id = p.decision_id WHERE p.reference = ?",
	               "t", l->reference);
	if (rc == 0 && (rc = db_step(s)) != DB_ROW) {
		db_finalize(s);
		*ret_why = "参考号不存在 (unknown reference)";
		return rc == DB_DONE ? -EINVAL : rc;
	}
	if (rc < 0) {
		db_finalize(s);
		return rc;
	}
	int64_t id = db_column_int64(s, 0), decision = db_column_int64(s, 3), fen = db_column_int64(s, 5);
	bool other_file = db_column_int64(s, 1) != file;
	const char *state = arena_strdup(a, db_column_text(s, 2));
	const char *code = arena_strdup(a, db_column_text(s, 4));
	db_finalize(s);
	const char *now_state = l->paid ? "paid" : "failed";
	if (other_file) {
		*ret_why = "参考号属于另一个支付文件 (the reference is another payment file's)";
		return -EINVAL;
	}
	if (strcmp(state, now_state) == 0) {
		t->unchanged++;
		return 0;
	}
	if (strcmp(state, "sent") != 0) {
		*ret_why = "该笔支付已回盘为另一结果 (the payment was returned already with the other result)";
		return -EINVAL;
	}
	rc = db_run(d, "UPDATE refund_payments SET state = ?, bank_reason = ?, settled_at = ? WHERE id = ?", "ttii",
	            now_state, *l->reason ? l->reason : NULL, clock_now(), id);
	if (rc == 0)
		rc = db_run(d, "UPDATE refund_decisions SET state = ? WHERE id = ? AND state = 'sent'", "ti", now_state,
		            decision);
	if (rc == 0 && l->paid) {
		char yuan[32];
		refund_yuan(fen, yuan);
		rc = life_notify_enterprise(
		    d, code, "稳岗返还已到账",
		    arena_printf(a, "稳岗返还资金 %s 元已支付到贵企业账户(参考号 %s)。", yuan, l->reference));
	}
	if (l->paid)
		t->paid++;
	else
		t->failed++;
	return rc;
}

int life_returns(struct db *d, struct arena *a, const struct audit_context *ctx, int64_t file,
                 const struct life_batch *b, const char *csv, struct life_returned *ret)
{
	size_t len = strlen(csv), n = 0;
	struct refund_return_line *lines = NULL;
	*ret = (struct life_returned){0};
	int rc = refund_returns_parse(a, csv, len, &lines, &n, &ret->line, &ret->why);
	if (rc < 0)
		return rc;
	ret->rows = (int64_t)n;
	unsigned char h[crypto_hash_sha256_BYTES];
	char sha[65];
	crypto_hash_sha256(h, (const unsigned char *)csv, len);
	sodium_bin2hex(sha, sizeof sha, h, sizeof h);
	rc = db_query_int64(d, &ret->id, "SELECT id FROM refund_returns WHERE file_id = ? AND sha256 = ?", "it", file,
	                    sha);
	if (rc == 0) {
		ret->already = true;
		return 0;
	}
	if (rc == DB_DONE)
		rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if ((rc = return_apply(d, a, file, &lines[i], ret, &ret->why)) == -EINVAL)
			ret->line = lines[i].line;
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO refund_returns(file_id, sha256, rows, paid, failed, actor_id, actor, at)"
		            " VALUES (?,?,?,?,?,?,?,?)",
		            "itiiirti", file, sha, ret->rows, ret->paid, ret->failed, ctx->actor_id, ctx->actor,
		            clock_now());
	ret->id = db_last_insert_id(d);
	if (rc == 0)
		rc = life_batch_settle(d, b->id);
	if (rc == 0) {
		json_t *detail = json_pack("{s:s, s:I, s:I, s:I, s:I}", "sha256", sha, "rows", (json_int_t)ret->rows,
		                           "paid", (json_int_t)ret->paid, "failed", (json_int_t)ret->failed,
		                           "unchanged", (json_int_t)ret->unchanged);
		rc = life_audit(d, ctx, "refunds.returns.import", "refund_payment_file", file, b->policy_path, detail);
		json_decref(detail);
	}
	return rc;
}

/*
** ROUTE: POST /api/v1/refunds/payment-files/{id}/returns
** AUTH: department
** DUTY: refunds
** SUMMARY: 导入银行回盘文件 Import the bank's return file of a payment file
** Body: {"csv"}: the header 参考号,结果,银行说明, a line per payment (结果 成功 or
** 失败, with the bank's reason).  All or nothing, in one transaction: 422
** bad_line names the first bad line (an unknown reference, another file's, a
** result other than 成功/失败, a payment returned before with the other
** result).  The same file again changes nothing (already_imported).  Paid
** payments notify the enterprise's accounts.  → {"id","rows","paid",
** "failed","unchanged","already_imported"}.
*/
void refunds_returns_import(struct request *r)
{
	static const char *const fields[] = {"csv", NULL};
	int64_t file;
	struct life_batch b;
	const char *csv;
	if (!file_from_route(r, true, &file, &b) || !body_only(r, fields) ||
	    !body_string(r, "csv", FIELD_REQUIRED, 32 << 20, &csv))
		return;
	struct audit_context ctx = audit_context_of(r);
	struct life_returned res;
	int64_t mark = notices_mark(r->db);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = life_returns(r->db, r->arena, &ctx, file, &b, csv, &res);
	if (rc == -EINVAL || rc == -ENOMEM || (rc == 0 && res.already)) {
		db_rollback(r->db);
		if (rc == -ENOMEM)
			reply_error(r, 503, "busy", NULL, "内存不足 (out of memory)");
		else if (rc == -EINVAL)
			reply_error(r, 422, res.line > 1 ? "bad_line" : "bad_header", "csv", "第 %d 行: %s (line %d)",
			            res.line, res.why, res.line);
		else
			reply_json(r, 200,
			           json_pack("{s:I, s:I, s:b}", "id", (json_int_t)res.id, "rows", (json_int_t)res.rows,
			                     "already_imported", 1));
		return;
	}
	if (!db_finish_or_reply(r, rc))
		return;
	notices_push(r->db, mark);
	reply_json(r, 200,
	           json_pack("{s:I, s:I, s:I, s:I, s:I, s:b}", "id", (json_int_t)res.id, "rows", (json_int_t)res.rows,
	                     "paid", (json_int_t)res.paid, "failed", (json_int_t)res.failed, "unchanged",
	                     (json_int_t)res.unchanged, "already_imported", 0));
}

/* ---- re-sending a failed payment --------------------------------------------------- */

int life_resend(struct db *d, const struct audit_context *ctx, int64_t failed, int64_t decision, bool fallback,
                const char *name, const char *account, const char *bank, int64_t fen, const char *path, int64_t *ret_id)
{
	int rc = db_run(d,
	                "INSERT INTO refund_payments(decision_id, state, payee_name, payee_account, bank, fallback,"
	                " amount_fen) VALUES (?, 'pending', ?, ?, ?, ?, ?)",
	                "itttii", decision, name, account, bank, (int64_t)fallback, fen);
	*ret_id = db_last_insert_id(d);
	if (rc == 0) {
		json_t *detail = json_pack("{s:I, s:I, s:b, s:s, s:s, s:s}", "failed_payment", (json_int_t)failed,
		                           "decision", (json_int_t)decision, "fallback", fallback, "payee_name", name,
		                           "account", account, "bank", bank);
		rc = life_audit(d, ctx, "refunds.payment.resend", "refund_payment", *ret_id, path, detail);
		json_decref(detail);
	}
	return rc;
}

/*
** ROUTE: POST /api/v1/refunds/payments/{id}/resend
** AUTH: department
** DUTY: refunds
** SUMMARY: 重新支付失败的款项 Re-address a failed payment for the next payment file
** Body: {"payee": "corrected", "payee_name", "account", "bank"} (a corrected
** account) or {"payee": "social_insurance"} (the enterprise's
** social-insurance account on record: the fallback payee; 409
** no_fallback_account).  Only a failed payment of a decision in the caller's
** area (409 wrong_state); once (409 already_resent: the decision has a live
** payment, by the unique key).  → 201 the new payment, pending.
*/
void refunds_payment_resend(struct request *r)
{
	static const char *const fields[] = {"payee", "payee_name", "account", "bank", NULL};
	int64_t id;
	const char *payee, *name, *account, *bank;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "payee", FIELD_REQUIRED, 32, &payee))
		return;
	static const char *const payees[] = {"corrected", "social_insurance", NULL};
	int choice = choice_or_reply(r, "invalid_value", "payee", payee, payees);
	if (choice < 0)
		return;
	bool fallback = choice == 1;
	int flags = fallback ? FIELD_OPTIONAL : FIELD_REQUIRED;
	if (!body_string(r, "payee_name", flags, 200, &name) || !body_string(r, "account", flags, 64, &account) ||
	    !body_string(r, "bank", flags, 200, &bank))
		return;
	if (fallback && (name || account || bank)) {
		reply_error(r, 422, "invalid_value",
		            name      ? "payee_name"
		            : account ? "account"
		                      : "bank",
		            "退回社保缴费账号时不填写账户 (social_insurance takes the account on record)");
		return;
	}
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT p.state, p.decision_id, d.credit_code, p.amount_fen, o.path, a.payee_name, a.bank,"
	    " a.social_account FROM refund_payments p JOIN refund_decisions d ON d.id = p.decision_id"
	    " JOIN orgs o ON o.id = d.district_org_id LEFT JOIN refund_accounts a ON a.credit_code = d.credit_code"
	    " WHERE p.id = ?1 AND substr(o.path, 1, length(?2)) = ?2",
	    "it", id, request_area(r));
	if (!db_row_or_reply(r, rc, s, "unknown_payment", "支付记录不存在 (no such payment)"))
		return;
	bool failed = strcmp(db_column_text(s, 0), "failed") == 0;
	int64_t decision = db_column_int64(s, 1), fen = db_column_int64(s, 3);
	const char *path = arena_strdup(r->arena, db_column_text(s, 4));
	if (fallback && !db_column_is_null(s, 7)) {
		name = arena_strdup(r->arena, db_column_text(s, 5));
		bank = arena_strdup(r->arena, db_column_text(s, 6));
		account = arena_strdup(r->arena, db_column_text(s, 7));
	}
	db_finalize(s);
	if (!failed) {
		reply_error(r, 409, "wrong_state", NULL,
		            "只能重新支付失败的款项 (only a failed payment can be re-sent)");
		return;
	}
	if (fallback && !account) {
		reply_error(r, 409, "no_fallback_account", NULL,
		            "该企业没有登记社保缴费账号 (no social-insurance account on record for the enterprise)");
		return;
	}
	struct audit_context ctx = audit_context_of(r);
	int64_t new_id;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = life_resend(r->db, &ctx, id, decision, fallback, name, account, bank, fen, path, &new_id);
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "already_resent", NULL,
		            "该决定已有待支付或已支付的款项 (the decision has a live payment)");
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, life_payment_json(r->db, decision));
}

/* ---- recoveries ----------------------------------------------------------------------- */

/*
** ROUTE: POST /api/v1/refunds/decisions/{id}/recovery
** AUTH: department
** DUTY: refunds
** SUMMARY: 追回已支付的返还 Open a recovery of a paid decision found wrong
** Body: {"reason"}.  Only a paid decision in the caller's area (409
** wrong_state); the decision becomes recovering.  → 201 the recovery.
*/
void refunds_recovery_open(struct request *r)
{
	static const char *const fields[] = {"reason", NULL};
	int64_t id;
	const char *reason;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "reason", FIELD_REQUIRED, 1000, &reason))
		return;
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT d.state, o.path, (SELECT p.amount_fen FROM refund_payments p WHERE p.decision_id = d.id"
	               " AND p.state = 'paid') FROM refund_decisions d JOIN orgs o ON o.id = d.district_org_id"
	               " WHERE d.id = ?1 AND substr(o.path, 1, length(?2)) = ?2",
	               "it", id, request_area(r));
	if (!db_row_or_reply(r, rc, s, "unknown_decision", "返还决定不存在 (no such decision)"))
		return;
	bool paid = strcmp(db_column_text(s, 0), "paid") == 0;
	const char *path = arena_strdup(r->arena, db_column_text(s, 1));
	int64_t fen = db_column_int64(s, 2);
	db_finalize(s);
	if (!paid) {
		reply_error(r, 409, "wrong_state", NULL,
		            "只能追回已到账的返还 (only a paid decision can be recovered)");
		return;
	}
	struct audit_context ctx = audit_context_of(r);
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO refund_recoveries(decision_id, amount_fen, reason, opened_by, opened_at)"
		            " VALUES (?,?,?,?,?)",
		            "iitti", id, fen, reason, r->who.name, clock_now());
	int64_t recovery = db_last_insert_id(r->db);
	if (rc == 0)
		rc = db_run(r->db, "UPDATE refund_decisions SET state = 'recovering' WHERE id = ? AND state = 'paid'",
		            "i", id);
	if (rc == 0) {
		json_t *detail = json_pack("{s:I, s:I, s:s}", "decision", (json_int_t)id, "amount_fen", (json_int_t)fen,
		                           "reason", reason);
		rc = life_audit(r->db, &ctx, "refunds.recovery.open", "refund_recovery", recovery, path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201,
		           json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)recovery, "decision", (json_int_t)id,
		                     "amount_fen", (json_int_t)fen, "state", "recovering"));
}

#define RECOVERY_SELECT                                                                                                \
	"SELECT v.id, v.decision_id, d.batch_id, e.name, v.amount_fen, v.reason, v.state, v.note, v.opened_by,"        \
	" v.opened_at, v.closed_by, v.closed_at, o.path FROM refund_recoveries v"                                      \
	" JOIN refund_decisions d ON d.id = v.decision_id JOIN refund_enterprises e ON e.credit_code = d.credit_code"  \
	" JOIN orgs o ON o.id = d.district_org_id"

static json_t *recovery_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	char opened[32], closed[32];
	clock_format_iso(db_column_int64(s, 9), opened);
	bool done = !db_column_is_null(s, 11);
	if (done)
		clock_format_iso(db_column_int64(s, 11), closed);
	return json_pack("{s:I, s:I, s:I, s:s, s:I, s:s, s:s, s:s?, s:s, s:s, s:s?, s:s?}", "id",
	                 (json_int_t)db_column_int64(s, 0), "decision", (json_int_t)db_column_int64(s, 1), "batch",
	                 (json_int_t)db_column_int64(s, 2), "name", db_column_text(s, 3), "amount_fen",
	                 (json_int_t)db_column_int64(s, 4), "reason", db_column_text(s, 5), "state",
	                 db_column_text(s, 6), "note", db_column_text(s, 7), "opened_by", db_column_text(s, 8),
	                 "opened_at", opened, "closed_by", db_column_text(s, 10), "closed_at", done ? closed : NULL);
}

/*
** ROUTE: GET /api/v1/refunds/recoveries
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 返还追回 Recoveries of refunds paid on decisions found wrong
** On decisions in the caller's area, newest first; ?state=recovering|recovered|written_off, ?limit, ?cursor.
*/
void refunds_recoveries_list(struct request *r)
{
	static const char *const states[] = {"recovering", "recovered", "written_off", NULL};
	life_reply_by_state(r, RECOVERY_SELECT, "v", states, recovery_json);
}

/*
** ROUTE: POST /api/v1/refunds/recoveries/{id}
** AUTH: department
** DUTY: refunds
** SUMMARY: 结束追回 Close a recovery: recovered or written off
** Body: {"outcome": "recovered" | "written_off", "note"}.  Only an open
** recovery (409 wrong_state) in the caller's area; the decision takes the outcome.
*/
void refunds_recovery_close(struct request *r)
{
	static const char *const fields[] = {"outcome", "note", NULL};
	int64_t id;
	const char *outcome, *note;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "outcome", FIELD_REQUIRED, 16, &outcome) ||
	    !body_string(r, "note", FIELD_OPTIONAL, 1000, &note))
		return;
	static const char *const outcomes[] = {"recovered", "written_off", NULL};
	if (choice_or_reply(r, "invalid_value", "outcome", outcome, outcomes) < 0)
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, RECOVERY_SELECT " WHERE v.id = ?1 AND substr(o.path, 1, length(?2)) = ?2", "it",
	                    id, request_area(r));
	if (!db_row_or_reply(r, rc, s, "unknown_recovery", "追回记录不存在 (no such recovery)"))
		return;
	int64_t decision = db_column_int64(s, 1), batch = db_column_int64(s, 2);
	bool open = strcmp(db_column_text(s, 6), "recovering") == 0;
	const char *path = arena_strdup(r->arena, db_column_text(s, 12));
	db_finalize(s);
	if (!open) {
		reply_error(r, 409, "wrong_state", NULL, "该追回已结束 (the recovery is closed already)");
		return;
	}
	struct audit_context ctx = audit_context_of(r);
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "UPDATE refund_recoveries SET state = ?, note = ?, closed_by = ?, closed_at = ? WHERE id = ?",
		    "tttii", outcome, note, r->who.name, clock_now(), id);
	if (rc == 0)
		rc = db_run(r->db, "UPDATE refund_decisions SET state = ? WHERE id = ? AND state = 'recovering'", "ti",
		            outcome, decision);
	if (rc == 0)
		rc = life_batch_settle(r->db, batch);
	if (rc == 0) {
		json_t *detail =
		    json_pack("{s:I, s:s, s:s?}", "decision", (json_int_t)decision, "outcome", outcome, "note", note);
		rc = life_audit(r->db, &ctx, "refunds.recovery.close", "refund_recovery", id, path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200,
		           json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "decision", (json_int_t)decision, "state",
		                     outcome));
}
