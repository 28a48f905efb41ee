/*
** Voucher statistics for the commerce bureau and leaders: how many were
** issued, claimed, redeemed, what they cost (the discounts: the subsidy) and
** what they drove (the orders' totals), and the leverage between the two —
** the article's "1.37亿元 redeemed drove 9.38亿元 of consumption".
**
** Filters, all optional: ?campaign= ?round= ?kind= (ids), ?channel= (key
** id), ?district= (merchant's organisation code, with its subtree),
** ?category=, ?day=YYYY-MM-DD (claims and redemptions of that day).
*/
#include <string.h>

#include "core/clock.h"
#include "org/org.h"
#include "vouchers/vouchers.h"

struct filters {
	int64_t campaign, round, kind, day_from, day_to;
	const char *channel, *district_path, *category;
};

static bool filters_read(struct request *r, struct filters *f)
{
	memset(f, 0, sizeof *f);
	f->day_from = INT64_MIN;
	f->day_to = INT64_MAX;
	if (!query_id(r, "campaign", &f->campaign) || !query_id(r, "round", &f->round) ||
	    !query_id(r, "kind", &f->kind))
		return false;
	f->channel = query_arg(r, "channel");
	f->category = query_arg(r, "category");
	const char *district = query_arg(r, "district"), *day = query_arg(r, "day");
	if (district) {
		struct org o;
		int rc = org_find_by_code(r->db, r->arena, district, &o);
		if (rc != 0) {
			if (rc == DB_DONE)
				reply_error(r, 422, "invalid_query", "district",
				            "机构 %s 不存在 (no such organisation)", district);
			else
				reply_db_error(r, rc);
			return false;
		}
		f->district_path = o.path;
	}
	if (day) {
		int32_t d;
		if (clock_parse_date(day, &d) < 0) {
			reply_error(r, 422, "invalid_query", "day", "day 应为 YYYY-MM-DD (day must be a date)");
			return false;
		}
		f->day_from = clock_local_midnight(d);
		f->day_to = clock_local_midnight(d + 1) - 1;
	}
	return true;
}

/*
** Every statistics query starts with the same common tables, so each binds
** the same nine parameters: fv the vouchers of the kinds in the filter, fd
** their live redemptions with merchant and district.
*/
static const char with_filters[] =
    "WITH fk AS (SELECT k.* FROM voucher_kinds k JOIN voucher_rounds r ON r.id = k.round_id"
    "   JOIN voucher_campaigns c ON c.id = r.campaign_id JOIN orgs o ON o.id = c.org_id"
    "   WHERE substr(o.path, 1, length(?1)) = ?1 AND (?2 = 0 OR c.id = ?2) AND (?3 = 0 OR r.id = ?3)"
    "   AND (?4 = 0 OR k.id = ?4)),"
    " fv AS (SELECT v.* FROM vouchers v JOIN fk ON fk.id = v.kind_id"
    "   WHERE ?5 IS NULL OR v.api_key_id = (SELECT id FROM api_keys WHERE key_id = ?5)),"
    " fd AS (SELECT d.*, m.name AS merchant_name, m.category, mo.code AS district, mo.name AS district_name"
    "   FROM voucher_redemptions d JOIN fv ON fv.id = d.voucher_id JOIN merchants m ON m.id = d.merchant_id"
    "   JOIN orgs mo ON mo.id = m.org_id WHERE (?6 IS NULL OR substr(mo.path, 1, length(?6)) = ?6)"
    "   AND (?7 IS NULL OR m.category = ?7) AND d.redeemed_at BETWEEN ?8 AND ?9) ";

static int stats_query(struct request *r, const struct filters *f, const char *select, struct db_stmt **ret)
{
	return db_prepare(r->db, ret, arena_printf(r->arena, "%s%s", with_filters, select), "tiiitttii",
	                  request_area(r), f->campaign, f->round, f->kind, f->channel, f->district_path, f->category,
	                  f->day_from, f->day_to);
}

/* The two tables, by merchant and by district: the same columns, so one row reader serves both. */
static const char *const groups[] = {
    "SELECT merchant_id, merchant_name, category, district, district_name, count(*), sum(discount_fen),"
    " sum(amount_fen) FROM fd WHERE reversed_at IS NULL"
    " GROUP BY merchant_id, merchant_name, category, district, district_name ORDER BY sum(amount_fen) DESC LIMIT 100",
    "SELECT 0, '', '', district, district_name, count(*), sum(discount_fen), sum(amount_fen) FROM fd"
    " WHERE reversed_at IS NULL GROUP BY district, district_name ORDER BY sum(amount_fen) DESC",
};

/*
** ROUTE: GET /api/v1/vouchers/stats
** AUTH: department,leader
** DUTY: vouchers
** SUMMARY: 消费券统计(领取、核销、带动消费、杠杆率) Voucher statistics
** Totals (issued, claimed, redeemed, subsidy, consumption driven, leverage,
** reversed, expired), and tables by merchant (top 100) and by district.
*/
void voucher_stats(struct request *r)
{
	struct filters f;
	if (!filters_read(r, &f))
		return;
	struct db_stmt *s;
	char *sql = arena_printf(
	    r->arena,
	    "SELECT (SELECT coalesce(sum(stock), 0) FROM fk),"
	    " (SELECT count(*) FROM fv WHERE claimed_at BETWEEN ?8 AND ?9),"
	    " (SELECT count(*) FROM fv WHERE expires_at <= %lld AND NOT EXISTS"
	    "   (SELECT 1 FROM voucher_redemptions d WHERE d.voucher_id = fv.id AND d.reversed_at IS NULL)),"
	    " (SELECT count(*) FROM fd WHERE reversed_at IS NULL),"
	    " (SELECT coalesce(sum(discount_fen), 0) FROM fd WHERE reversed_at IS NULL),"
	    " (SELECT coalesce(sum(amount_fen), 0) FROM fd WHERE reversed_at IS NULL),"
	    " (SELECT count(*) FROM fd WHERE reversed_at IS NOT NULL)",
	    (long long)clock_now());
	int rc = stats_query(r, &f, sql, &s);
	json_t *totals = NULL;
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t subsidy = db_column_int64(s, 4), consumption = db_column_int64(s, 5);
		totals = json_pack(
		    "{s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I}", "issued", (json_int_t)db_column_int64(s, 0), "claimed",
		    (json_int_t)db_column_int64(s, 1), "expired", (json_int_t)db_column_int64(s, 2), "redeemed",
		    (json_int_t)db_column_int64(s, 3), "subsidy_fen", (json_int_t)subsidy, "consumption_fen",
		    (json_int_t)consumption, "leverage", subsidy ? (double)consumption / (double)subsidy : 0.0,
		    "reversed", (json_int_t)db_column_int64(s, 6));
	}
	db_finalize(s);
	json_t *by_merchant = json_array(), *by_district = json_array();
	for (int g = 0; g < 2 && rc >= 0; g++) {
		rc = stats_query(r, &f, groups[g], &s);
		while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
			json_t *row = json_pack(
			    "{s:s, s:s, s:I, s:I, s:I}", "district", db_column_text(s, 3), "district_name",
			    db_column_text(s, 4), "redeemed", (json_int_t)db_column_int64(s, 5), "subsidy_fen",
			    (json_int_t)db_column_int64(s, 6), "consumption_fen", (json_int_t)db_column_int64(s, 7));
			if (g == 0) {
				json_object_set_new(row, "merchant", json_integer(db_column_int64(s, 0)));
				json_object_set_new(row, "name", json_string(db_column_text(s, 1)));
				json_object_set_new(row, "category", json_string(db_column_text(s, 2)));
			}
			json_array_append_new(g == 0 ? by_merchant : by_district, row);
		}
		db_finalize(s);
	}
	if (rc < 0 || !totals) {
		json_decref(totals);
		json_decref(by_merchant);
		json_decref(by_district);
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	reply_json(
	    r, 200,
	    json_pack("{s:o, s:o, s:o}", "totals", totals, "by_merchant", by_merchant, "by_district", by_district));
}

/*
** ROUTE: GET /api/v1/vouchers/stats/export
** AUTH: department,leader
** DUTY: vouchers
** SUMMARY: 导出消费券统计表(Excel/CSV) Export the merchant or district table
** ?table=merchants|districts, ?format=xlsx|csv, and the filters of /stats.
** Amounts in 元.
*/
void voucher_stats_export(struct request *r)
{
	static const char *const merchant_headers[] = {"商户",     "行业",         "区县",
	                                               "核销张数", "财政补贴(元)", "带动消费(元)"};
	static const char *const district_headers[] = {"区县代码", "区县", "核销张数", "财政补贴(元)", "带动消费(元)"};
	const char *table = query_arg(r, "table"), *format;
	struct filters f;
	bool merchants = table && strcmp(table, "merchants") == 0;
	if (!table || (!merchants && strcmp(table, "districts") != 0)) {
		reply_error(r, 422, "invalid_query", "table",
		            "table 应为 merchants 或 districts (table must be merchants or districts)");
		return;
	}
	if (!(format = export_format_arg(r)) || !filters_read(r, &f))
		return;
	struct db_stmt *s;
	int rc = stats_query(r, &f, groups[merchants ? 0 : 1], &s);
	json_t *rows = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		double subsidy = (double)db_column_int64(s, 6) / 100, consumption = (double)db_column_int64(s, 7) / 100;
		json_array_append_new(
		    rows, merchants
		              ? json_pack("[s, s, s, I, f, f]", db_column_text(s, 1), db_column_text(s, 2),
		                          db_column_text(s, 4), (json_int_t)db_column_int64(s, 5), subsidy, consumption)
		              : json_pack("[s, s, I, f, f]", db_column_text(s, 3), db_column_text(s, 4),
		                          (json_int_t)db_column_int64(s, 5), subsidy, consumption));
	}
	db_finalize(s);
	if (rc < 0)
		reply_db_error(r, rc);
	else if (merchants)
		reply_table(r, format, "消费券核销-商户", merchant_headers, 6, rows);
	else
		reply_table(r, format, "消费券核销-区县", district_headers, 5, rows);
	json_decref(rows);
}
