/*
** The platform's own indicators (source 'platform'): computed on reading
** from banyan's data, per unit (the city or a district: every record whose
** organisation lies in its subtree) and month (Asia/Shanghai), so they read
** like entered figures: the month's value, the year to date, growth on last
** year.  Each is one query over a year's records, bucketed here by month.
*/
#include <string.h>

#include "core/clock.h"
#include "indicators/internal.h"

/* A platform indicator: its records of [?1, ?2) under the path ?3 as (when, amount), and how to read them. */
static const struct platform_source {
	const char *code;
	bool days;       /* when is a day number, not an instant */
	int64_t divisor; /* amount ÷ divisor is the indicator's smallest unit (rounded half up on each month's sum) */
	const char *sql;
} sources[] = {
    {"projects_started", true, 1,
     "SELECT m.actual, 1 FROM project_milestones m JOIN projects p ON p.id = m.project_id"
     " JOIN orgs o ON o.id = p.district_org_id WHERE m.kind = 'start' AND m.actual >= ?1 AND m.actual < ?2"
     " AND substr(o.path, 1, length(?3)) = ?3"},
    /* 亿元 with 4 decimals: 1 is 1万元 */
    {"investment_signed", false, 1,
     "SELECT a.signed_at, a.amount_wan FROM agreements a JOIN leads l ON l.id = a.lead_id"
     " JOIN orgs o ON o.id = l.owner_org_id WHERE a.signed_at >= ?1 AND a.signed_at < ?2"
     " AND substr(o.path, 1, length(?3)) = ?3"},
    {"problems_on_time", false, 1,
     "SELECT p.closed_at, 1 FROM problems p JOIN orgs o ON o.id = p.district_org_id WHERE p.status = 'closed'"
     " AND p.closed_at >= ?1 AND p.closed_at < ?2 AND p.closed_at <= p.solve_due"
     " AND substr(o.path, 1, length(?3)) = ?3"},
    /* 万元 with 2 decimals: 1 is 100元, 10,000 fen */
    {"vouchers_redeemed", false, 10000,
     "SELECT v.redeemed_at, v.discount_fen FROM voucher_redemptions v JOIN merchants m ON m.id = v.merchant_id"
     " JOIN orgs o ON o.id = m.org_id WHERE v.reversed_at IS NULL AND v.redeemed_at >= ?1 AND v.redeemed_at < ?2"
     " AND substr(o.path, 1, length(?3)) = ?3"},
    {"refunds_paid", false, 10000,
     "SELECT p.settled_at, p.amount_fen FROM refund_payments p JOIN refund_decisions d ON d.id = p.decision_id"
     " JOIN orgs o ON o.id = d.district_org_id WHERE p.state = 'paid' AND p.settled_at >= ?1 AND p.settled_at < ?2"
     " AND substr(o.path, 1, length(?3)) = ?3"},
};

/* The start of month m (1–13: 13 is next January) of year as a day number or an instant. */
static int64_t month_start(int year, int m, bool days)
{
	int32_t day = m == 13 ? clock_days_from_civil(year + 1, 1, 1) : clock_days_from_civil(year, m, 1);
	return days ? day : clock_local_midnight(day);
}

int ind_platform_year(struct db *d, const struct ind_def *def, const char *unit, int year, struct ind_year *ret)
{
	const struct platform_source *p = NULL;
	for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
		if (strcmp(sources[i].code, def->code) == 0)
			p = &sources[i];
	struct db_stmt *s;
	char path[256] = "";
	int rc = p ? db_prepare(d, &s, "SELECT path FROM orgs WHERE code = ? AND kind IN ('city', 'district')", "t",
	                        unit)
	           : DB_DONE;
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		snprintf(path, sizeof path, "%s", db_column_text(s, 0));
	if (p)
		db_finalize(s);
	if (rc != DB_ROW) /* a peer, or an indicator without a source: no figures */
		return rc < 0 ? rc : 0;
	int64_t bound[14], sum[12] = {0};
	for (int m = 1; m <= 13; m++)
		bound[m] = month_start(year, m, p->days);
	rc = db_prepare(d, &s, p->sql, "iit", bound[1], bound[13], path);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t when = db_column_int64(s, 0);
		int m = 1;
		while (m < 12 && when >= bound[m + 1])
			m++;
		sum[m - 1] += db_column_int64(s, 1);
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	/* A month has a figure once it has begun: a month without records counts 0. */
	int64_t now = p->days ? clock_local_day(clock_now()) : clock_now();
	for (int m = 1; m <= 12; m++) {
		ret->has_value[m - 1] = bound[m] <= now;
		ret->value[m - 1] = (sum[m - 1] + p->divisor / 2) / p->divisor;
	}
	return 0;
}
