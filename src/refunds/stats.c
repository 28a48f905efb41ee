/*
** Refunds' statistics (统计): enterprises, insured people and money refunded
** by district, industry, size or policy, paid against pending, within the
** caller's area, with the article's sentence regenerated from live data.
**
** What counts as refunded: an eligible decision neither withdrawn (an
** objection upheld) nor recovered (the money came back).  Of that, paid is
** the money the bank returned as paid (state 'paid'); pending is the rest,
** not yet paid (decided, approved, sent, failed, or in recovery).
*/
#include <stdlib.h>
#include <string.h>

#include "org/org.h"
#include "refunds/refunds.h"

/* A dimension: the key and label of a decision d, its enterprise e, its district o and its policy p. */
static const struct stats_dimension dimensions[] = {
    {"district", "县(市)区", "o.code", "o.name"},
    {"industry", "行业", "e.industry", "e.industry"},
    {"size", "规模", "e.size", "e.size"}, /* labelled from refund_size_labels */
    {"policy", "政策", "p.code", "p.name"},
};

/* ?policy=ID: 0 for every policy; -1 having answered 422 or 404 (a policy not on the caller's branch). */
static int64_t policy_arg(struct request *r)
{
	const char *text = query_arg(r, "policy");
	if (!text)
		return 0;
	char *end;
	long long id = strtoll(text, &end, 10);
	if (!*text || *end || id < 1) {
		reply_error(r, 422, "invalid_query", "policy", "policy 应为政策编号 (policy: a policy id)");
		return -1;
	}
	int64_t visible = 0;
	int rc = db_query_int64(r->db, &visible,
	                        "SELECT count(*) FROM refund_policies p JOIN orgs o ON o.id = p.org_id"
	                        " WHERE p.id = ?1 AND " SQL_ON_BRANCH("o.path", "?2"),
	                        "it", (int64_t)id, request_area(r));
	if (rc < 0) {
		reply_db_error(r, rc);
		return -1;
	}
	if (!visible) {
		reply_error(r, 404, "unknown_policy", "policy", "政策不存在 (no such policy)");
		return -1;
	}
	return id;
}

static const char *size_label(const char *name)
{
	for (int i = 0; i < SIZE_COUNT; i++)
		if (strcmp(name, refund_size_names[i]) == 0)
			return refund_size_labels[i];
	return name;
}

/*
** The rows grouped by key (dim NULL: one row of everything, or none when
** nothing was refunded), largest amount first.  An enterprise refunded under
** two policies is one enterprise in a row, its people and money counted
** under each.
*/
static json_t *stats_rows(struct request *r, const struct stats_dimension *dim, int64_t policy, int *ret_rc)
{
	json_t *rows = json_array();
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    arena_printf(r->arena,
	                 "SELECT %s, %s, count(DISTINCT d.credit_code), sum(d.people), sum(d.amount_fen),"
	                 " sum(CASE WHEN d.state = 'paid' THEN d.amount_fen ELSE 0 END)"
	                 " FROM refund_decisions d JOIN refund_enterprises e ON e.credit_code = d.credit_code"
	                 " JOIN orgs o ON o.id = d.district_org_id JOIN refund_policies p ON p.id = d.policy_id"
	                 " WHERE d.eligible = 1 AND d.state NOT IN ('withdrawn', 'recovered')"
	                 " AND substr(o.path, 1, length(?1)) = ?1 AND (?2 = 0 OR d.policy_id = ?2)"
	                 " GROUP BY 1, 2 ORDER BY 5 DESC, 1",
	                 dim ? dim->key : "'total'", dim ? dim->label : "'合计'"),
	    "ti", request_area(r), policy);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		const char *label = db_column_text(s, 1);
		int64_t amount = db_column_int64(s, 4), paid = db_column_int64(s, 5);
		json_array_append_new(
		    rows, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "key", db_column_text(s, 0), "label",
		                    dim && strcmp(dim->name, "size") == 0 ? size_label(label) : label, "enterprises",
		                    (json_int_t)db_column_int64(s, 2), "people", (json_int_t)db_column_int64(s, 3),
		                    "amount_fen", (json_int_t)amount, "paid_fen", (json_int_t)paid, "pending_fen",
		                    (json_int_t)(amount - paid)));
	}
	db_finalize(s);
	*ret_rc = rc == DB_DONE ? 0 : rc;
	return rows;
}

/* A row as a line of the sheet: money in 元. */
static json_t *sheet_line(json_t *row)
{
	return json_pack("[O, O, O, f, f, f]", json_object_get(row, "label"), json_object_get(row, "enterprises"),
	                 json_object_get(row, "people"),
	                 (double)json_integer_value(json_object_get(row, "amount_fen")) / 100.0,
	                 (double)json_integer_value(json_object_get(row, "paid_fen")) / 100.0,
	                 (double)json_integer_value(json_object_get(row, "pending_fen")) / 100.0);
}

/*
** ROUTE: GET /api/v1/refunds/stats
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 稳岗返还统计 Refunds by district, industry, size or policy, paid against pending
** ?by=district|industry|size|policy (default district), ?policy=ID (default
** every policy).  Each row and the total: enterprises, people, amount_fen,
** paid_fen, pending_fen; headline: the article's sentence from the total.
** Within the caller's area.  ?format=xlsx|csv downloads the table with its total.
*/
void refunds_stats(struct request *r)
{
	const struct stats_dimension *dim =
	    stats_dimension_arg(r, dimensions, sizeof dimensions / sizeof dimensions[0],
	                        "by 应为 district、industry、size 或 policy (by: district, industry, size or policy)");
	int64_t policy = dim ? policy_arg(r) : -1;
	const char *format = NULL;
	if (policy < 0 || (query_arg(r, "format") && !(format = export_format_arg(r))))
		return;
	int rc;
	json_t *rows = stats_rows(r, dim, policy, &rc), *totals = rc == 0 ? stats_rows(r, NULL, policy, &rc) : NULL;
	json_t *total = json_incref(json_array_get(totals, 0));
	json_decref(totals);
	if (rc < 0) {
		json_decref(rows);
		json_decref(total);
		reply_db_error(r, rc);
		return;
	}
	if (!total)
		total = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i}", "key", "total", "label", "合计", "enterprises",
		                  0, "people", 0, "amount_fen", 0, "paid_fen", 0, "pending_fen", 0);
	if (format) {
		const char *headers[] = {dim->title, "企业数", "受惠人数", "返还资金(元)", "已到账(元)", "待支付(元)"};
		json_t *table = json_array();
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row) json_array_append_new(table, sheet_line(row));
		json_array_append_new(table, sheet_line(total));
		reply_table(r, format, arena_printf(r->arena, "稳岗返还统计-%s", dim->title), headers, 6, table);
		json_decref(table);
		json_decref(rows);
		json_decref(total);
		return;
	}
	char headline[256];
	refund_headline(json_integer_value(json_object_get(total, "enterprises")),
	                json_integer_value(json_object_get(total, "people")),
	                json_integer_value(json_object_get(total, "amount_fen")), headline, sizeof headline);
	reply_json(
	    r, 200,
	    json_pack("{s:s, s:o, s:o, s:s}", "by", dim->name, "rows", rows, "total", total, "headline", headline));
}
