/*
** One-to-one service (一对一) and online mass visits (线上大走访): an officer
** answers for each key enterprise and visits it, online or on site, every so
** many days; each visit records what was discussed.  A problem raised on a
** visit goes to the desk with the lead it concerns (POST /api/v1/problems
** with "lead").  Each officer's list shows which enterprises are due.
*/
#include <string.h>

#include "core/clock.h"
#include "desk/desk.h"
#include "invest/invest.h"
#include "org/org.h"

/*
** ROUTE: POST /api/v1/invest/key-enterprises
** AUTH: officer
** DUTY: invest
** SUMMARY: 确定重点企业与一对一专员 Make an enterprise a key enterprise with its own officer
** Body: {"enterprise","officer","every_days"} (officer a username; visits every
** 1-365 days, default 30).  Again for the same enterprise changes the officer.
*/
void key_enterprise_post(struct request *r)
{
	static const char *const fields[] = {"enterprise", "officer", "every_days", NULL};
	int64_t enterprise_id, every = 30, officer = 0;
	const char *officer_name;
	struct enterprise e;
	if (!body_only(r, fields) || !body_int64(r, "enterprise", FIELD_REQUIRED, 1, INT64_MAX, &enterprise_id, NULL) ||
	    !body_string(r, "officer", FIELD_REQUIRED, 64, &officer_name) ||
	    !body_int64(r, "every_days", FIELD_OPTIONAL, 1, 365, &every, NULL) || !enterprise_for_caller(r, enterprise_id, &e))
		return;
	const char *officer_area;
	if (!invest_officer(r, officer_name, &officer, &officer_area))
		return;
	/* The one-to-one officer must see the enterprise to visit it. */
	if (!path_on_branch(e.org_path, officer_area)) {
		reply_error(r, 403, "out_of_scope", "officer",
		            "%s 不服务该企业所在区县 (the officer does not serve the enterprise's district)",
		            officer_name);
		return;
	}
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO key_enterprises(enterprise_id, officer_id, every_days, assigned_by, assigned_at)"
		            " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(enterprise_id) DO UPDATE SET officer_id = ?2,"
		            " every_days = ?3, assigned_by = ?4, assigned_at = ?5",
		            "iiiii", e.id, officer, every, r->who.user_id, clock_now());
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:I}", "officer", officer_name, "every_days", (json_int_t)every);
		rc = audit_append(r->db, &ctx, "invest.key_enterprise", "enterprise",
		                  arena_printf(r->arena, "%lld", (long long)e.id), e.org_path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:I, s:s, s:I}", "enterprise", (json_int_t)e.id, "officer", officer_name,
		                             "every_days", (json_int_t)every));
}

static json_t *key_enterprise_json(struct request *r, struct db_stmt *s)
{
	json_t *k = json_pack("{s:I, s:s, s:s, s:{s:s, s:s}, s:I}", "enterprise", (json_int_t)db_column_int64(s, 0),
	                      "name", db_column_text(s, 1), "district", db_column_text(s, 2), "officer", "username",
	                      db_column_text(s, 3), "name", db_column_text(s, 4), "every_days",
	                      (json_int_t)db_column_int64(s, 5));
	char day[11];
	if (!db_column_is_null(s, 6)) {
		clock_format_date((int32_t)db_column_int64(s, 6), day);
		json_object_set_new(k, "last_visit", json_string(day));
	}
	int32_t due = (int32_t)db_column_int64(s, 7);
	clock_format_date(due, day);
	json_object_set_new(k, "next_due", json_string(day));
	json_object_set_new(k, "overdue", json_boolean(due < clock_local_day(clock_now())));
	(void)r;
	return k;
}

/*
** ROUTE: GET /api/v1/invest/key-enterprises
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 重点企业与走访到期 Key enterprises on the caller's branch, the visit most overdue first
** ?mine=1: only those the caller answers for.  A key enterprise never visited is
** due from the day it was assigned.
*/
void key_enterprise_list(struct request *r)
{
	const char *mine = query_arg(r, "mine");
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT e.id, e.name, o.name, u.username, u.display_name, k.every_days, v.last,"
	    " coalesce(v.last + k.every_days, (k.assigned_at + 28800) / 86400) AS due"
	    " FROM key_enterprises k JOIN enterprises e ON e.id = k.enterprise_id JOIN orgs o ON o.id = e.org_id"
	    " JOIN users u ON u.id = k.officer_id"
	    " LEFT JOIN (SELECT enterprise_id, max(happened_on) AS last FROM visits GROUP BY enterprise_id) v"
	    "  ON v.enterprise_id = e.id"
	    " WHERE " SQL_ON_BRANCH("o.path", "?1")
	    " AND (?2 = 0 OR k.officer_id = ?2) ORDER BY due, e.id LIMIT 1000",
	    "ti", request_area(r), mine && strcmp(mine, "1") == 0 ? r->who.user_id : (int64_t)0);
	reply_rows(r, rc, s, key_enterprise_json, 0);
}

/*
** ROUTE: POST /api/v1/invest/visits
** AUTH: officer
** DUTY: invest
** SUMMARY: 记录走访 Log a visit to an enterprise, online or on site
** Body: {"enterprise","lead","mode": "online"|"onsite","happened_on" (default
** today, not in the future),"discussed"}.  The lead, if given, must be the
** enterprise's and visible to the caller.
*/
void visit_post(struct request *r)
{
	static const char *const fields[] = {"enterprise", "lead", "mode", "happened_on", "discussed", NULL};
	int64_t enterprise_id, lead_id = 0;
	const char *mode, *day_text, *discussed;
	int32_t day = clock_local_day(clock_now());
	struct enterprise e;
	if (!body_only(r, fields) || !body_int64(r, "enterprise", FIELD_REQUIRED, 1, INT64_MAX, &enterprise_id, NULL) ||
	    !body_int64(r, "lead", FIELD_OPTIONAL, 1, INT64_MAX, &lead_id, NULL) ||
	    !body_string(r, "mode", FIELD_REQUIRED, 16, &mode) ||
	    !body_string(r, "happened_on", FIELD_OPTIONAL, 10, &day_text) ||
	    !body_string(r, "discussed", FIELD_REQUIRED, 4000, &discussed) || !enterprise_for_caller(r, enterprise_id, &e))
		return;
	if (strcmp(mode, "online") != 0 && strcmp(mode, "onsite") != 0) {
		reply_error(r, 422, "invalid_mode", "mode", "方式应为 online 或 onsite (mode: online or onsite)");
		return;
	}
	if (day_text && (clock_parse_date(day_text, &day) < 0 || day > clock_local_day(clock_now()))) {
		reply_error(r, 422, "invalid_date", "happened_on", "走访日期应为今天或以前的 YYYY-MM-DD (a past YYYY-MM-DD)");
		return;
	}
	struct lead l = {0};
	if (lead_id && !lead_for_caller(r, lead_id, false, &l))
		return;
	if (lead_id && l.enterprise_id != e.id) {
		reply_error(r, 422, "lead_of_another_enterprise", "lead", "该线索不属于此企业 (the lead is another enterprise's)");
		return;
	}
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO visits(enterprise_id, lead_id, officer_id, mode, happened_on, discussed, created_at)"
		            " VALUES (?,?,?,?,?,?,?)",
		            "irititi", e.id, lead_id, r->who.user_id, mode, (int64_t)day, discussed, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0 && lead_id)
		rc = lead_event(r, lead_id, "visit", NULL, NULL, 0, 0, discussed);
	if (!db_finish_or_reply(r, rc))
		return;
	if (lead_id)
		lead_publish(r, &l, "visit");
	reply_json(r, 201, json_pack("{s:I, s:I}", "id", (json_int_t)id, "enterprise", (json_int_t)e.id));
}

static json_t *visit_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	char day[11];
	clock_format_date((int32_t)db_column_int64(s, 1), day);
	json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:s}, s:{s:s, s:s}}", "id", (json_int_t)db_column_int64(s, 0),
	                      "happened_on", day, "mode", db_column_text(s, 2), "discussed", db_column_text(s, 3),
	                      "enterprise", "id", (json_int_t)db_column_int64(s, 4), "name", db_column_text(s, 5), "officer",
	                      "username", db_column_text(s, 6), "name", db_column_text(s, 7));
	if (!db_column_is_null(s, 8))
		json_object_set_new(v, "lead", json_integer(db_column_int64(s, 8)));
	return v;
}

/*
** ROUTE: GET /api/v1/invest/visits
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 走访记录 Visits to enterprises on the caller's branch, newest first
** ?enterprise=ID ?mine=1; ?limit= and ?cursor= paginate.
*/
void visit_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 500, &limit, &cursor))
		return;
	const char *enterprise = query_arg(r, "enterprise"), *mine = query_arg(r, "mine");
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT v.id, v.happened_on, v.mode, v.discussed, e.id, e.name, u.username, u.display_name,"
	                    " v.lead_id FROM visits v JOIN enterprises e ON e.id = v.enterprise_id"
	                    " JOIN orgs o ON o.id = e.org_id JOIN users u ON u.id = v.officer_id"
	                    " WHERE " SQL_ON_BRANCH("o.path", "?1")
	                    " AND v.id < ?2 AND (?3 IS NULL OR e.id = CAST(?3 AS INTEGER)) AND (?4 = 0 OR v.officer_id = ?4)"
	                    " ORDER BY v.id DESC LIMIT ?5",
	                    "titii", request_area(r), cursor, enterprise,
	                    mine && strcmp(mine, "1") == 0 ? r->who.user_id : (int64_t)0, limit);
	reply_rows(r, rc, s, visit_json, limit);
}
