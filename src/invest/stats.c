/*
** Statistics of investment promotion, over the leads the caller's side
** owns: leads by stage, district, industry and month; the conversion funnel;
** signed agreements and amounts by district (a ranking); leads that landed as
** major projects; each officer's activity.  Every table downloads for Excel.
*/
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "desk/desk.h"
#include "invest/invest.h"

/* The Chinese name of a stage, for tables people read. */
#define STAGE_LABEL(column)                                                                                            \
	"CASE " column " WHEN 'lead' THEN '线索' WHEN 'negotiating' THEN '洽谈' WHEN 'signed' THEN '签约'"                \
	" WHEN 'registered' THEN '注册' WHEN 'started' THEN '开工' WHEN 'producing' THEN '投产' ELSE '终止' END"

/* Leads owned on the caller's branch (shares and offers are someone else's figures). */
static const char owned[] = SQL_ON_BRANCH("o.path", "?1");

static json_t *rows_of(struct request *r, const char *sql, int *rc, const char *const *keys, int n_keys)
{
	struct db_stmt *s;
	json_t *rows = json_array();
	if (*rc < 0)
		return rows;
	*rc = db_prepare(r->db, &s, sql, "ti", request_area(r), clock_now() - 30 * 86400);
	while (*rc >= 0 && (*rc = db_step(s)) == DB_ROW) {
		json_t *row = json_object();
		for (int k = 0; k < n_keys; k++)
			json_object_set_new(row, keys[k],
			                    k < 2 ? json_string(db_column_text(s, k) ? db_column_text(s, k) : "")
			                          : json_integer(db_column_int64(s, k)));
		json_array_append_new(rows, row);
	}
	db_finalize(s);
	if (*rc == DB_DONE)
		*rc = 0;
	return rows;
}

/* Rows keyed by day, in order, summed into rows keyed by month ("YYYY-MM"); the day rows are released. */
static json_t *days_into_months(json_t *days)
{
	json_t *months = json_array(), *month = NULL, *day;
	size_t i;
	json_array_foreach(days, i, day)
	{
		char key[11];
		clock_format_date((int32_t)strtol(json_string_value(json_object_get(day, "key")), NULL, 10), key);
		key[7] = 0;
		if (month && strcmp(json_string_value(json_object_get(month, "key")), key) == 0) {
			for (const char *const *f = (const char *const[]){"leads", "investment_wan", NULL}; *f; f++)
				json_object_set_new(month, *f,
				                    json_integer(json_integer_value(json_object_get(month, *f)) +
				                                 json_integer_value(json_object_get(day, *f))));
			continue;
		}
		month = json_deep_copy(day);
		json_object_set_new(month, "key", json_string(key));
		json_array_append_new(months, month);
	}
	json_decref(days);
	return months;
}

/*
** ROUTE: GET /api/v1/invest/stats
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 招商统计 Leads by stage, district, industry, month; funnel; signing ranking; landed; officers
** ?table=stage|district|industry|month|funnel|signing|officers&format=xlsx|csv
** downloads one table.  Amounts in 万元.
*/
void invest_stats(struct request *r)
{
	static const char *const lead_keys[] = {"key", "label", "leads", "investment_wan"};
	static const char *const sign_keys[] = {"key", "label", "agreements", "amount_wan"};
	static const char *const officer_keys[] = {"key", "label", "leads", "visits_30d", "advances_30d"};
	static const struct {
		const char *name, *title, *sql;
	} groups[] = {
	    {"stage", "阶段", "l.stage, " STAGE_LABEL("l.stage")},
	    {"district", "县(市)区", "o.code, o.name"},
	    {"industry", "行业", "l.industry, l.industry"},
	    /* By the Shanghai day, folded into months below: the engines share no date formatting. */
	    {"month", "月份", "(l.created_at + 28800) / 86400, ''"},
	};
	int rc = 0;
	json_t *out = json_object();
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		char *sql = arena_printf(
		    r->arena,
		    "SELECT %s, count(*), sum(l.investment_wan), ?2 FROM leads l JOIN orgs o ON o.id = l.owner_org_id"
		    " WHERE %s GROUP BY 1, 2 ORDER BY %s",
		    groups[g].sql, owned, strcmp(groups[g].name, "month") == 0 ? "1" : "3 DESC");
		json_t *rows = rows_of(r, sql, &rc, lead_keys, 4);
		json_object_set_new(out, groups[g].name,
		                    strcmp(groups[g].name, "month") == 0 ? days_into_months(rows) : rows);
	}
	/* The funnel: how many reached each stage (a dropped lead counts up to where it got, by its history). */
	char *funnel = arena_printf(
	    r->arena,
	    "SELECT s.stage, " STAGE_LABEL("s.stage") ", (SELECT count(*) FROM leads l JOIN orgs o ON o.id = l.owner_org_id WHERE %s AND"
	    " (l.stage = s.stage OR EXISTS (SELECT 1 FROM lead_events e WHERE e.lead_id = l.id AND e.to_stage = s.stage)"
	    "  OR (s.n <= CASE l.stage WHEN 'lead' THEN 0 WHEN 'negotiating' THEN 1 WHEN 'signed' THEN 2"
	    "   WHEN 'registered' THEN 3 WHEN 'started' THEN 4 WHEN 'producing' THEN 5 ELSE -1 END))), ?2"
	    " FROM (SELECT 'lead' AS stage, 0 AS n UNION ALL SELECT 'negotiating', 1 UNION ALL SELECT 'signed', 2"
	    " UNION ALL SELECT 'registered', 3 UNION ALL SELECT 'started', 4 UNION ALL SELECT 'producing', 5) s ORDER BY s.n",
	    owned);
	static const char *const funnel_keys[] = {"key", "label", "leads"};
	json_object_set_new(out, "funnel", rows_of(r, funnel, &rc, funnel_keys, 3));
	/* Signed agreements by the district their lead belongs to, else the ceremony's host. */
	char *signing = arena_printf(
	    r->arena,
	    "SELECT o.code, o.name, count(*), sum(a.amount_wan), ?2 FROM agreements a JOIN ceremonies c ON c.id = a.ceremony_id"
	    " LEFT JOIN leads l ON l.id = a.lead_id JOIN orgs o ON o.id = coalesce(l.owner_org_id, c.host_org_id)"
	    " WHERE a.signed_at IS NOT NULL AND %s GROUP BY o.id ORDER BY 4 DESC",
	    owned);
	json_object_set_new(out, "signing", rows_of(r, signing, &rc, sign_keys, 4));
	char *officers = arena_printf(
	    r->arena,
	    "SELECT u.username, u.display_name, count(DISTINCT l.id),"
	    " (SELECT count(*) FROM visits v WHERE v.officer_id = u.id AND v.created_at >= ?2),"
	    " (SELECT count(*) FROM lead_events e WHERE e.actor_id = u.id AND e.kind = 'stage' AND e.at >= ?2)"
	    " FROM leads l JOIN orgs o ON o.id = l.owner_org_id JOIN users u ON u.id = l.officer_id"
	    " WHERE %s GROUP BY u.id ORDER BY 4 DESC, 5 DESC",
	    owned);
	json_object_set_new(out, "officers", rows_of(r, officers, &rc, officer_keys, 5));
	int64_t landed = 0;
	if (rc == 0)
		rc = db_query_int64(r->db, &landed,
		                    arena_printf(r->arena,
		                                 "SELECT count(*) + 0 * ?2 FROM leads l JOIN orgs o ON o.id = l.owner_org_id"
		                                 " WHERE l.project_id IS NOT NULL AND %s",
		                                 owned),
		                    "ti", request_area(r), (int64_t)0);
	json_object_set_new(out, "landed", json_integer(landed));
	if (rc < 0) {
		json_decref(out);
		reply_db_error(r, rc);
		return;
	}
	const char *table = query_arg(r, "table");
	if (!table) {
		reply_json(r, 200, out);
		return;
	}
	json_t *rows = json_object_get(out, table);
	const char *format = export_format_arg(r);
	if (!format || !json_is_array(rows)) {
		if (format)
			reply_error(r, 422, "invalid_filter", "table", "未知的表 %s (unknown table)", table);
		json_decref(out);
		return;
	}
	/* Columns of each download: the label (or the key where there is none), then the figures. */
	static const struct {
		const char *table, *headers[4], *keys[4];
	} columns[] = {
	    {"funnel", {"阶段", "线索数"}, {"label", "leads"}},
	    {"signing", {"县(市)区", "签约数", "签约额(万元)"}, {"label", "agreements", "amount_wan"}},
	    {"officers", {"招商专员", "线索数", "近30天走访", "近30天推进"}, {"label", "leads", "visits_30d", "advances_30d"}},
	    {NULL, {"名称", "线索数", "意向投资(万元)"}, {"label", "leads", "investment_wan"}},
	};
	size_t c = 0;
	while (columns[c].table && strcmp(columns[c].table, table) != 0)
		c++;
	size_t n_cols = 0;
	while (n_cols < 4 && columns[c].headers[n_cols])
		n_cols++;
	json_t *table_rows = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_t *line = json_array();
		for (size_t k = 0; k < n_cols; k++) {
			json_t *v = json_object_get(row, columns[c].keys[k]);
			if (k == 0 && json_string_length(v) == 0)
				v = json_object_get(row, "key");
			json_array_append(line, v);
		}
		json_array_append_new(table_rows, line);
	}
	reply_table(r, format, arena_printf(r->arena, "招商统计-%s", table), columns[c].headers, n_cols, table_rows);
	json_decref(table_rows);
	json_decref(out);
}
