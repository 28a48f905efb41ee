/*
** The enterprises' bank accounts on record, where refunds are paid: imported
** by the bureau (the list `accounts`, with the social-insurance account a
** failed payment may fall back to), and confirmed or corrected by the
** enterprise before payment: a correction waits for the bureau's acceptance,
** and both are audited.
*/
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/credit_code.h"
#include "core/csv.h"
#include "org/org.h"
#include "refunds/life.h"

static const char *const accounts_header[] = {"统一社会信用代码", "户名", "开户银行", "银行账号", "社保缴费账号"};

/* Refuse a line: answer 422 bad_line.  Rolls the transaction back. */
static void refuse_line(struct request *r, int line, const char *why)
{
	db_rollback(r->db);
	reply_error(r, 422, "bad_line", "csv", "第 %d 行: %s (line %d)", line, why, line);
}

void refunds_accounts_import(struct request *r, const char *csv)
{
	size_t len = strlen(csv);
	struct csv_reader c;
	char *f[6];
	int n, got;
	csv_init(&c, csv, len);
	if (csv_read(&c, r->arena, f, 6, &n) != 1 || n != 5 || strcmp(f[0], accounts_header[0]) ||
	    strcmp(f[1], accounts_header[1]) || strcmp(f[2], accounts_header[2]) || strcmp(f[3], accounts_header[3]) ||
	    strcmp(f[4], accounts_header[4])) {
		reply_error(
		    r, 422, "bad_header", "csv",
		    "第 1 行应为表头 统一社会信用代码,户名,开户银行,银行账号,社保缴费账号 (line 1 must be the header)");
		return;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	char sha[65];
	crypto_hash_sha256(h, (const unsigned char *)csv, len);
	sodium_bin2hex(sha, sizeof sha, h, sizeof h);
	const char *area = request_area(r);
	int64_t id = 0, rows = 0, now = clock_now();
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_query_int64(r->db, &id, "SELECT id FROM refund_account_imports WHERE sha256 = ?", "t", sha);
	if (rc == 0) {
		int64_t before = 0;
		db_query_int64(r->db, &before, "SELECT rows FROM refund_account_imports WHERE id = ?", "i", id);
		db_rollback(r->db);
		reply_json(r, 200,
		           json_pack("{s:I, s:I, s:I, s:b}", "import", (json_int_t)id, "rows", (json_int_t)before,
		                     "enterprises", (json_int_t)before, "already_imported", 1));
		return;
	}
	if (rc == DB_DONE)
		rc = db_run(r->db,
		            "INSERT INTO refund_account_imports(sha256, rows, org_id, actor_id, actor, at)"
		            " SELECT ?, 0, id, ?, ?, ? FROM orgs WHERE path = ?",
		            "trtit", sha, r->who.user_id, r->who.name, now, area);
	id = db_last_insert_id(r->db);
	while (rc == 0 && (got = csv_read(&c, r->arena, f, 6, &n)) != 0) {
		int err = got == 1 && n == 5 ? credit_code_validate(f[0]) : 0;
		if (got != 1 || n != 5 || err || !*f[1] || !*f[2] || !*f[3] || strlen(f[3]) > 64 || strlen(f[4]) > 64) {
			refuse_line(r, c.record_line,
			            err ? credit_code_strerror(err)
			                : "每行应有信用代码、户名、开户银行和银行账号(账号至多 64 字符) (code, payee, "
			                  "bank and account on each line)");
			return;
		}
		int64_t outside = 0;
		rc = db_query_int64(r->db, &outside,
		                    "SELECT count(*) FROM refund_enterprises e JOIN orgs o ON o.id = e.district_org_id"
		                    " WHERE e.credit_code = ?1 AND substr(o.path, 1, length(?2)) <> ?2",
		                    "tt", f[0], area);
		if (rc == 0 && outside) {
			refuse_line(r, c.record_line, "该企业不在您的辖区 (the enterprise is outside your area)");
			return;
		}
		if (rc == 0)
			rc = db_run(
			    r->db,
			    "INSERT INTO refund_accounts(credit_code, payee_name, bank, account, social_account, "
			    "import_id,"
			    " updated_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT (credit_code) DO UPDATE SET"
			    " payee_name = excluded.payee_name, bank = excluded.bank, account = excluded.account,"
			    " social_account = excluded.social_account, import_id = excluded.import_id,"
			    " updated_at = excluded.updated_at",
			    "tttttri", f[0], f[1], f[2], f[3], *f[4] ? f[4] : NULL, id, now);
		rows++;
	}
	if (rc == 0)
		rc = db_run(r->db, "UPDATE refund_account_imports SET rows = ? WHERE id = ?", "ii", rows, id);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail =
		    json_pack("{s:s, s:s, s:I}", "list", "accounts", "sha256", sha, "rows", (json_int_t)rows);
		rc = life_audit(r->db, &ctx, "refunds.accounts.import", "refund_account_import", id, area, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200,
		           json_pack("{s:I, s:I, s:I, s:b}", "import", (json_int_t)id, "rows", (json_int_t)rows,
		                     "enterprises", (json_int_t)rows, "already_imported", 0));
}

/* The enterprises the caller acts for, as SQL: their credit codes. */
#define MY_CODES                                                                                                       \
	"SELECT x.credit_code FROM enterprises x JOIN enterprise_users u ON u.enterprise_id = x.id WHERE u.user_id = " \
	"?"

static json_t *change_json(struct db_stmt *s, int first)
{
	char at[32];
	clock_format_iso(db_column_int64(s, first + 6), at);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "id", (json_int_t)db_column_int64(s, first),
	                 "credit_code", db_column_text(s, first + 1), "payee_name", db_column_text(s, first + 2),
	                 "bank", db_column_text(s, first + 3), "account", db_column_text(s, first + 4), "state",
	                 db_column_text(s, first + 5), "requested_at", at, "requested_by", db_column_text(s, first + 7),
	                 "note", db_column_text(s, first + 8));
}

#define CHANGE_COLUMNS                                                                                                 \
	"c.id, c.credit_code, c.payee_name, c.bank, c.account, c.state, c.requested_at, c.requested_by, c.note"

int refunds_mine_accounts(struct request *r, json_t *obj)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT x.credit_code, a.payee_name, a.bank, a.account, a.social_account, " CHANGE_COLUMNS
	               " FROM (" MY_CODES ") x LEFT JOIN refund_accounts a ON a.credit_code = x.credit_code"
	               " LEFT JOIN refund_account_changes c ON c.credit_code = x.credit_code AND c.state = 'pending'"
	               " ORDER BY x.credit_code",
	               "i", r->who.user_id);
	json_t *list = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *on_record = db_column_is_null(s, 1)
		                        ? json_null()
		                        : json_pack("{s:s, s:s, s:s, s:s?}", "payee_name", db_column_text(s, 1), "bank",
		                                    db_column_text(s, 2), "account", db_column_text(s, 3),
		                                    "social_account", db_column_text(s, 4));
		json_array_append_new(list, json_pack("{s:s, s:o, s:o}", "credit_code", db_column_text(s, 0),
		                                      "on_record", on_record, "pending",
		                                      db_column_is_null(s, 5) ? json_null() : change_json(s, 5)));
	}
	db_finalize(s);
	json_object_set_new(obj, "accounts", list);
	return rc == DB_DONE ? 0 : rc;
}

/*
** ROUTE: PUT /api/v1/refunds/mine/bank-account
** AUTH: enterprise
** SUMMARY: 确认或更正本企业收款账户 Confirm or correct my enterprise's bank account
** Body: {"credit_code","payee_name","bank","account"}: the account refunds
** should be paid to.  → 202 the pending change, which the bureau accepts or
** rejects; a second one before then replaces the first.  Only an enterprise
** the account acts for (403 not_your_enterprise).
*/
void refunds_mine_bank_account(struct request *r)
{
	static const char *const fields[] = {"credit_code", "payee_name", "bank", "account", NULL};
	const char *code, *name, *bank, *account;
	if (!body_only(r, fields) || !body_string(r, "credit_code", FIELD_REQUIRED, 18, &code) ||
	    !body_string(r, "payee_name", FIELD_REQUIRED, 200, &name) ||
	    !body_string(r, "bank", FIELD_REQUIRED, 200, &bank) ||
	    !body_string(r, "account", FIELD_REQUIRED, 64, &account))
		return;
	int64_t mine = 0;
	int rc = db_query_int64(r->db, &mine, "SELECT count(*) FROM (" MY_CODES ") x WHERE x.credit_code = ?", "it",
	                        r->who.user_id, code);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!mine) {
		reply_error(r, 403, "not_your_enterprise", "credit_code",
		            "您的账号不代表该企业 (you do not act for this enterprise)");
		return;
	}
	int64_t id = 0, now = clock_now();
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_query_int64(r->db, &id,
		                    "SELECT id FROM refund_account_changes WHERE credit_code = ? AND state = 'pending'",
		                    "t", code);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "UPDATE refund_account_changes SET payee_name = ?, bank = ?, account = ?, requested_by_id = ?,"
		    " requested_by = ?, requested_at = ? WHERE id = ?",
		    "tttitii", name, bank, account, r->who.user_id, r->who.name, now, id);
	else if (rc == DB_DONE) {
		rc =
		    db_run(r->db,
		           "INSERT INTO refund_account_changes(credit_code, payee_name, bank, account, requested_by_id,"
		           " requested_by, requested_at) VALUES (?,?,?,?,?,?,?)",
		           "ttttiti", code, name, bank, account, r->who.user_id, r->who.name, now);
		id = db_last_insert_id(r->db);
	}
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s, s:s, s:s}", "credit_code", code, "payee_name", name, "bank",
		                           bank, "account", account);
		rc = life_audit(r->db, &ctx, "refunds.account.change", "refund_account_change", id, r->who.org_path,
		                detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 202,
		           json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "credit_code", code,
		                     "payee_name", name, "bank", bank, "account", account, "state", "pending"));
}

static json_t *change_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *o = change_json(s, 0);
	json_object_set_new(o, "name", json_string(db_column_text(s, 9)));
	json_object_set_new(o, "requested_by_name", json_string(db_column_text(s, 14)));
	json_object_set_new(o, "on_record",
	                    db_column_is_null(s, 10)
	                        ? json_null()
	                        : json_pack("{s:s, s:s, s:s}", "payee_name", db_column_text(s, 10), "bank",
	                                    db_column_text(s, 11), "account", db_column_text(s, 12)));
	return o;
}

#define CHANGE_SELECT                                                                                                  \
	"SELECT " CHANGE_COLUMNS ", e.name, a.payee_name, a.bank, a.account, o.path,"                                  \
	" coalesce((SELECT display_name FROM users WHERE id = c.requested_by_id), c.requested_by)"                     \
	" FROM refund_account_changes c"                                                                               \
	" JOIN refund_enterprises e ON e.credit_code = c.credit_code JOIN orgs o ON o.id = e.district_org_id"          \
	" LEFT JOIN refund_accounts a ON a.credit_code = c.credit_code"

/*
** ROUTE: GET /api/v1/refunds/bank-account-changes
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 企业收款账户更正申请 The enterprises' corrections of their bank accounts
** Of enterprises on the rolls in the caller's area, newest first, each beside
** the account on record; ?state=pending|accepted|rejected, ?limit, ?cursor.
*/
void refunds_account_changes_list(struct request *r)
{
	static const char *const states[] = {"pending", "accepted", "rejected", NULL};
	life_reply_by_state(r, CHANGE_SELECT, "c", states, change_row_json);
}

/*
** ROUTE: POST /api/v1/refunds/bank-account-changes/{id}
** AUTH: department
** DUTY: refunds
** SUMMARY: 受理企业收款账户更正 Accept or reject an enterprise's bank account correction
** Body: {"outcome": "accepted" | "rejected", "note"}.  Accepted: the account
** on record becomes the enterprise's (its social-insurance account kept).
** Only a pending change (409 wrong_state) of an enterprise in the caller's area.
*/
void refunds_account_change_resolve(struct request *r)
{
	static const char *const fields[] = {"outcome", "note", NULL};
	int64_t id;
	const char *outcome, *note;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "outcome", FIELD_REQUIRED, 16, &outcome) ||
	    !body_string(r, "note", FIELD_OPTIONAL, 1000, &note))
		return;
	static const char *const outcomes[] = {"accepted", "rejected", NULL};
	int choice = choice_or_reply(r, "invalid_value", "outcome", outcome, outcomes);
	if (choice < 0)
		return;
	bool accepted = choice == 0;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, CHANGE_SELECT " WHERE c.id = ?1 AND substr(o.path, 1, length(?2)) = ?2", "it",
	                    id, request_area(r));
	if (!db_row_or_reply(r, rc, s, "unknown_change", "更正申请不存在 (no such change)"))
		return;
	bool pending = strcmp(db_column_text(s, 5), "pending") == 0;
	const char *path = arena_strdup(r->arena, db_column_text(s, 13));
	db_finalize(s);
	if (!pending) {
		reply_error(r, 409, "wrong_state", NULL, "该申请已处理 (the change was resolved already)");
		return;
	}
	int64_t now = clock_now();
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE refund_account_changes SET state = ?, note = ?, resolved_by = ?, resolved_at = ?"
		            " WHERE id = ?",
		            "tttii", accepted ? "accepted" : "rejected", note, r->who.name, now, id);
	if (rc == 0 && accepted)
		rc = db_run(
		    r->db,
		    "INSERT INTO refund_accounts(credit_code, payee_name, bank, account, updated_at)"
		    " SELECT credit_code, payee_name, bank, account, ? FROM refund_account_changes WHERE id = ?"
		    " ON CONFLICT (credit_code) DO UPDATE SET payee_name = excluded.payee_name, bank = excluded.bank,"
		    " account = excluded.account, updated_at = excluded.updated_at",
		    "ii", now, id);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s?}", "outcome", outcome, "note", note);
		rc = life_audit(r->db, &ctx, "refunds.account.resolve", "refund_account_change", id, path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200,
		           json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", accepted ? "accepted" : "rejected"));
}
