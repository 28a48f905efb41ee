/*
** The demo's 2020 difficulty batch after its run, taken by the same steps the
** bureau takes through the routes: the enterprises' bank accounts on record,
** five working days of publicity from 1 September 2020 with three
** objections (one upheld, one dismissed, one left open that holds its
** enterprise back), approval by the city's leader (the batch was run by the
** city's bureau), a payment file, the bank's return file with a few
** failures, and one failure re-sent to the enterprise's social-insurance
** account and paid in a second file.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "org/org.h"
#include "refunds/life.h"

/* A demo user's audit context (its id looked up, 0 if absent). */
static struct audit_context demo_actor(struct db *d, const char *username)
{
	struct audit_context ctx = audit_context_shell();
	ctx.actor = username;
	db_query_int64(d, &ctx.actor_id, "SELECT id FROM users WHERE username = ?", "t", username);
	return ctx;
}

/* The bank accounts on record of the batch's eligible enterprises, made up from their codes. */
static int demo_accounts(struct db *d, const struct audit_context *ctx, const struct life_batch *b)
{
	int64_t root = 0;
	int rc = db_query_int64(d, &root, "SELECT id FROM orgs WHERE parent_id IS NULL", NULL);
	if (rc == 0)
		rc = db_run(
		    d,
		    "INSERT INTO refund_account_imports(sha256, rows, org_id, actor_id, actor, at)"
		    " SELECT 'demo', count(*), ?, ?, ?, ? FROM refund_decisions WHERE batch_id = ? AND eligible = 1",
		    "iriii", root, ctx->actor_id, ctx->actor, clock_now(), b->id);
	int64_t import = db_last_insert_id(d);
	if (rc == 0)
		rc = db_run(
		    d,
		    "INSERT INTO refund_accounts(credit_code, payee_name, bank, account, social_account, import_id,"
		    " updated_at) SELECT e.credit_code, e.name, CASE WHEN e.size = 'micro' THEN '福建海峡银行'"
		    " ELSE '中国建设银行福州分行' END, '3505' || substr(e.credit_code, 3, 6) || substr(e.credit_code, "
		    "14, 4),"
		    " '5901' || substr(e.credit_code, 3, 6) || substr(e.credit_code, 14, 4), ?, ?"
		    " FROM refund_enterprises e JOIN refund_decisions x ON x.credit_code = e.credit_code"
		    " WHERE x.batch_id = ? AND x.eligible = 1",
		    "iii", import, clock_now(), b->id);
	if (rc == 0) {
		json_t *detail = json_pack("{s:s, s:s}", "list", "accounts", "sha256", "demo");
		rc = life_audit(d, ctx, "refunds.accounts.import", "refund_account_import", import, b->policy_path,
		                detail);
		json_decref(detail);
	}
	return rc;
}

/* The first three eligible decisions: one objection upheld, one dismissed, one left open. */
static int demo_objections(struct db *d, const struct audit_context *hr, int64_t batch)
{
	static const char *const reasons[] = {
	    "该企业六月起已停产,员工大多离职,不应享受稳岗返还。",
	    "该企业参保人数与实际用工不符,请核查。",
	    "听说该企业拖欠工资,是否符合困难企业条件?",
	};
	struct audit_context anyone = audit_context_shell();
	anyone.actor = "anonymous";
	struct db_stmt *s;
	int64_t decision[3] = {0}, objection[3] = {0};
	const char *path[3] = {0};
	struct arena *a = arena_new();
	int n = 0,
	    rc = a ? db_prepare(d, &s,
	                        "SELECT d.id, o.path FROM refund_decisions d JOIN orgs o ON o.id = d.district_org_id"
	                        " WHERE d.batch_id = ? AND d.eligible = 1 ORDER BY d.id LIMIT 3",
	                        "i", batch)
	           : -1;
	while (rc == 0 && db_step(s) == DB_ROW) {
		decision[n] = db_column_int64(s, 0);
		path[n++] = arena_strdup(a, db_column_text(s, 1));
	}
	db_finalize(s);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = life_object(d, &anyone, decision[i], reasons[i], i == 0 ? "0591-87000000" : NULL, path[i],
		                 &objection[i]);
	if (rc == 0 && n > 0)
		rc = life_resolve(d, hr, objection[0], decision[0], true, "经核查该企业2020年6月已停产,撤销返还。",
		                  path[0]);
	if (rc == 0 && n > 1)
		rc = life_resolve(d, hr, objection[1], decision[1], false, "经核查参保人数与缴费记录一致,维持原决定。",
		                  path[1]);
	arena_free(a);
	return rc;
}

/* The bank's return file of `file`: every 37th payment fails, with the bank's words. */
static int demo_returns(struct db *d, struct arena *a, const struct audit_context *hr, int64_t file,
                        const struct life_batch *b, bool all_paid)
{
	static const char *const why[] = {"账户已销户", "户名与账号不符", "账户已冻结"};
	char *csv = arena_strdup(a, "参考号,结果,银行说明\n");
	struct db_stmt *s;
	int i = 0,
	    rc = db_prepare(d, &s, "SELECT reference FROM refund_payments WHERE file_id = ? ORDER BY id", "i", file);
	while (rc == 0 && csv && db_step(s) == DB_ROW) {
		bool fails = !all_paid && ++i % 37 == 0;
		csv = arena_printf(a, "%s%s,%s,%s\n", csv, db_column_text(s, 0), fails ? "失败" : "成功",
		                   fails ? why[i / 37 % 3] : "");
	}
	db_finalize(s);
	struct life_returned res;
	return rc < 0 ? rc : csv ? life_returns(d, a, hr, file, b, csv, &res) : -1;
}

int refunds_demo_lifecycle(struct db *d)
{
	struct audit_context hr = demo_actor(d, "city-rsj"), leader = demo_actor(d, "city-leader");
	struct arena *a = arena_new();
	int64_t policy = 0, batch = 0, held = 0, approved = 0, failed = 0;
	int rc =
	    a ? db_query_int64(d, &policy, "SELECT id FROM refund_policies WHERE code = '2020-difficulty'", NULL) : -1;
	if (rc == DB_DONE) { /* no such policy in this demo: nothing to do */
		arena_free(a);
		return 0;
	}
	if (rc == 0 &&
	    db_query_int64(d, &batch, "SELECT max(id) FROM refund_batches WHERE policy_id = ?", "i", policy) == 0 &&
	    batch == 0)
		rc = refunds_run_policy(d, a, &hr, policy, &batch);
	struct life_batch b;
	json_t *file = NULL, *again = NULL;
	bool begun = rc == 0 && (rc = db_begin(d)) == 0;
	if (rc == 0)
		rc = life_batch_get(d, a, batch, &b);
	if (rc == 0)
		rc = demo_accounts(d, &hr, &b);
	if (rc == 0)
		rc = life_publicise(d, a, &hr, &b, clock_days_from_civil(2020, 9, 1), 5);
	if (rc == 0)
		rc = demo_objections(d, &hr, batch);
	if (rc == 0)
		rc = life_approve(d, &leader, &b, "同意按公示结果拨付", &approved, &held);
	if (rc == 0)
		rc = life_payment_file(d, &hr, &b, "350501000000012345", &file);
	if (rc == 0)
		rc = demo_returns(d, a, &hr, json_integer_value(json_object_get(file, "id")), &b, false);
	/* The first failure re-sent to the social-insurance account, in a second file, and paid. */
	struct db_stmt *s = NULL;
	if (rc == 0)
		rc = db_prepare(
		    d, &s,
		    "SELECT p.id, p.decision_id, p.amount_fen, a.payee_name, a.bank, a.social_account, o.path"
		    " FROM refund_payments p JOIN refund_decisions x ON x.id = p.decision_id"
		    " JOIN refund_accounts a ON a.credit_code = x.credit_code JOIN orgs o ON o.id = x.district_org_id"
		    " WHERE x.batch_id = ? AND p.state = 'failed' ORDER BY p.id LIMIT 1",
		    "i", batch);
	if (rc == 0 && db_step(s) == DB_ROW)
		rc = life_resend(d, &hr, db_column_int64(s, 0), db_column_int64(s, 1), true, db_column_text(s, 3),
		                 db_column_text(s, 5), db_column_text(s, 4), db_column_int64(s, 2),
		                 db_column_text(s, 6), &failed);
	db_finalize(s);
	if (rc == 0 && failed)
		rc = life_payment_file(d, &hr, &b, "350501000000012345", &again);
	if (rc == 0 && failed)
		rc = demo_returns(d, a, &hr, json_integer_value(json_object_get(again, "id")), &b, true);
	if (rc == 0)
		rc = db_commit(d);
	else if (begun)
		db_rollback(d);
	json_decref(file);
	json_decref(again);
	arena_free(a);
	return rc < 0 ? rc : 0;
}
