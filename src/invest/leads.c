/*
** Investment leads (招商线索): who brought them, which investor, how much,
** which district owns them and which officer follows them, through the
** stages from first contact to a producing factory, or dropped with a
** reason.  The investor is a desk enterprise: a new one is checked against
** existing ones by credit code and by name, so nobody is entered twice.
*/
#include <string.h>

#include "core/clock.h"
#include "core/credit_code.h"
#include "desk/desk.h"
#include "invest/invest.h"
#include "org/org.h"

const char *const lead_stages[] = {"lead", "negotiating", "signed", "registered", "started", "producing", NULL};

int lead_stage_index(const char *stage)
{
	for (int i = 0; stage && lead_stages[i]; i++)
		if (strcmp(stage, lead_stages[i]) == 0)
			return i;
	return -1;
}

const char *leads_scope_sql(struct request *r, int param)
{
	/* Owned on the caller's branch, or shared with / offered to an organisation on it. */
	return arena_printf(
	    r->arena,
	    "(" SQL_ON_BRANCH("o.path", "?%1$d")
	    " OR EXISTS (SELECT 1 FROM lead_shares s JOIN orgs so ON so.id = s.org_id WHERE s.lead_id = l.id"
	    "  AND " SQL_ON_BRANCH("so.path", "?%1$d") ")"
	    " OR EXISTS (SELECT 1 FROM lead_transfers t JOIN lead_transfer_targets tt ON tt.transfer_id = t.id"
	    "  JOIN orgs tg ON tg.id = tt.org_id WHERE t.lead_id = l.id AND t.status = 'offered'"
	    "  AND " SQL_ON_BRANCH("tg.path", "?%1$d") "))",
	    param);
}

/* Load lead id, only if visible to the caller when `scoped`; DB_DONE when there is none. */
static int lead_load(struct request *r, int64_t id, bool scoped, struct lead *ret)
{
	const char *area = request_area(r);
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    arena_printf(r->arena,
	                                 "SELECT l.id, l.enterprise_id, l.owner_org_id, l.officer_id, l.investment_wan,"
	                                 " coalesce(l.project_id, 0), l.title, l.stage, o.path, o.code, l.industry"
	                                 " FROM leads l JOIN orgs o ON o.id = l.owner_org_id WHERE l.id = ?1 AND (?3 = 0 OR %s)",
	                                 leads_scope_sql(r, 2)),
	                    "iti", id, area, (int64_t)scoped);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		*ret = (struct lead){.id = db_column_int64(s, 0),
		                     .enterprise_id = db_column_int64(s, 1),
		                     .owner_org_id = db_column_int64(s, 2),
		                     .officer_id = db_column_int64(s, 3),
		                     .investment_wan = db_column_int64(s, 4),
		                     .project_id = db_column_int64(s, 5),
		                     .title = arena_strdup(r->arena, db_column_text(s, 6)),
		                     .stage = arena_strdup(r->arena, db_column_text(s, 7)),
		                     .owner_path = arena_strdup(r->arena, db_column_text(s, 8)),
		                     .owner_code = arena_strdup(r->arena, db_column_text(s, 9)),
		                     .industry = arena_strdup(r->arena, db_column_text(s, 10))};
		/* The owner's side: a district reads the city's leads but acts only for itself. */
		ret->owned = path_within(ret->owner_path, area);
	}
	db_finalize(s);
	return rc == DB_ROW ? 0 : rc;
}

int lead_by_id(struct request *r, int64_t id, struct lead *ret)
{
	return lead_load(r, id, false, ret);
}

bool lead_for_caller(struct request *r, int64_t id, bool for_change, struct lead *ret)
{
	if (!id && !route_param_id(r, "id", &id))
		return false;
	int rc = lead_load(r, id, true, ret);
	if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_lead", NULL, "招商线索不存在 (no such lead)");
		return false;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	if (for_change && !ret->owned) {
		reply_error(r, 403, "lead_not_yours", NULL,
		            "该线索由 %s 负责,共享方只能查看 (the owner's side changes a lead; shared sides read it)",
		            ret->owner_code);
		return false;
	}
	return true;
}

int lead_event(struct request *r, int64_t lead_id, const char *kind, const char *from_stage, const char *to_stage,
               int64_t from_org, int64_t to_org, const char *text)
{
	return db_run(r->db,
	              "INSERT INTO lead_events(lead_id, at, actor_id, actor, kind, from_stage, to_stage, from_org_id,"
	              " to_org_id, text) VALUES (?,?,?,?,?,?,?,?,?,?)",
	              "iiittttrrt", lead_id, clock_now(), r->who.user_id, r->who.name, kind, from_stage, to_stage, from_org,
	              to_org, text);
}

void lead_publish(struct request *r, const struct lead *l, const char *what)
{
	json_t *data = json_pack("{s:I, s:s}", "id", (json_int_t)l->id, "change", what);
	events_publish("invest.lead", l->owner_path, data);
	struct db_stmt *s;
	if (db_prepare(r->db, &s, "SELECT o.path FROM lead_shares s JOIN orgs o ON o.id = s.org_id WHERE s.lead_id = ?",
	               "i", l->id) == 0) {
		while (db_step(s) == DB_ROW)
			events_publish("invest.lead", db_column_text(s, 0), data);
		db_finalize(s);
	}
	json_decref(data);
}

bool invest_officer(struct request *r, const char *username, int64_t *ret_id, const char **ret_area)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT u.id, coalesce(p.path, o.path) FROM users u JOIN orgs o ON o.id = u.org_id"
	                    " LEFT JOIN orgs p ON o.kind = 'department' AND p.id = o.parent_id"
	                    " WHERE u.username = ? AND u.disabled = 0 AND u.role = 'officer' AND EXISTS"
	                    " (SELECT 1 FROM org_duties d WHERE d.org_id = u.org_id AND d.duty = 'invest')",
	                    "t", username);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		*ret_id = db_column_int64(s, 0);
		*ret_area = arena_strdup(r->arena, db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc == DB_DONE)
		reply_error(r, 422, "unknown_officer", "officer",
		            "投资促进部门没有此在岗招商专员 (no such officer of an investment promotion bureau)");
	else if (rc < 0)
		reply_db_error(r, rc);
	return rc == DB_ROW;
}

/* An organisation a lead can belong to or be shared with: a district or the city. */
static bool lead_org(struct request *r, const char *field, const char *code, struct org *ret)
{
	int rc = org_find_by_code(r->db, r->arena, code, ret);
	if (rc < 0 && rc != DB_DONE) {
		reply_db_error(r, rc);
		return false;
	}
	if (rc == DB_DONE || (strcmp(ret->kind, "district") != 0 && strcmp(ret->kind, "city") != 0)) {
		reply_error(r, 422, "unknown_district", field, "%s 不是县(市)区或市 (not a district or the city)", code);
		return false;
	}
	return true;
}

/* Names compare without the words every company name has, so 福州京东方光电 and 福州京东方光电有限公司 meet. */
static const char name_key_sql[] =
    "replace(replace(replace(replace(replace(?, '有限责任公司', ''), '股份有限公司', ''), '有限公司', ''), ' ', ''), '集团', '')";

/*
** The investor of a new lead: an existing enterprise by id, or a new one in
** the lead's district (owner), refused when its credit code or its name is
** already registered (409 names the record to use instead).  Inside the
** caller's transaction.
*/
static bool lead_enterprise(struct request *r, const struct org *owner, int64_t *ret_id)
{
	json_t *given = json_object_get(r->json, "enterprise"), *fresh = json_object_get(r->json, "new_enterprise");
	if (json_is_integer(given) && !fresh) {
		struct enterprise e;
		if (!enterprise_for_caller(r, json_integer_value(given), &e))
			return false;
		*ret_id = e.id;
		return true;
	}
	if (!json_is_object(fresh) || given) {
		reply_error(r, 422, "missing_field", "enterprise",
		            "请选择已登记企业(enterprise)或填写新企业(new_enterprise)之一 (give enterprise or new_enterprise)");
		return false;
	}
	const char *name = json_string_value(json_object_get(fresh, "name")),
	           *credit = json_string_value(json_object_get(fresh, "credit_code")),
	           *contact = json_string_value(json_object_get(fresh, "contact_name")),
	           *phone = json_string_value(json_object_get(fresh, "contact_phone"));
	if (!name || !*name || strlen(name) > 200 || !credit || !contact || !phone || strlen(contact) > 100 ||
	    strlen(phone) > 32) {
		reply_error(r, 422, "invalid_field", "new_enterprise",
		            "新企业须有名称、统一社会信用代码、联系人和电话 (name, credit_code, contact_name, contact_phone)");
		return false;
	}
	int err = credit_code_validate(credit);
	if (err) {
		reply_error(r, 422, "invalid_credit_code", "new_enterprise", "%s", credit_code_strerror(err));
		return false;
	}
	int64_t existing = 0;
	if (db_query_int64(r->db, &existing, "SELECT id FROM enterprises WHERE credit_code = ?", "t", credit) == 0) {
		reply_error(r, 409, "enterprise_exists", "new_enterprise",
		            "该信用代码的企业已登记,编号 %lld,请直接选用 (already registered as %lld)", (long long)existing,
		            (long long)existing);
		return false;
	}
	bool confirm = json_is_true(json_object_get(fresh, "confirm_new_name"));
	if (!confirm && db_query_int64(r->db, &existing,
	                               arena_printf(r->arena, "SELECT id FROM enterprises WHERE %s = %s LIMIT 1",
	                                            "replace(replace(replace(replace(replace(name, '有限责任公司', ''),"
	                                            " '股份有限公司', ''), '有限公司', ''), ' ', ''), '集团', '')",
	                                            name_key_sql),
	                               "t", name) == 0) {
		reply_error(r, 409, "enterprise_name_exists", "new_enterprise",
		            "已有同名企业(编号 %lld);确属不同企业请勾选 confirm_new_name (an enterprise of this name exists as %lld)",
		            (long long)existing, (long long)existing);
		return false;
	}
	int rc = db_run(
	    r->db,
	    "INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone, created_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)",
	    "ttittti", name, credit, owner->id,
	    json_string_value(json_object_get(r->json, "industry"))
	        ? json_string_value(json_object_get(r->json, "industry"))
	        : "未分类",
	    contact, phone, clock_now());
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	*ret_id = db_last_insert_id(r->db);
	return true;
}

/*
** ROUTE: POST /api/v1/invest/leads
** AUTH: officer
** DUTY: invest
** SUMMARY: 登记招商线索 Register an investment lead
** Body: {"title","source","enterprise" or "new_enterprise":{"name","credit_code",
** "contact_name","contact_phone","confirm_new_name"},"industry","investment_wan",
** "owner","officer"}: owner is the district (or the city) that owns it, by
** default the caller's; officer a username, by default the caller.  A new
** enterprise whose credit code or name is registered already is 409.
*/
void lead_post(struct request *r)
{
	static const char *const fields[] = {"title",    "source",         "enterprise", "new_enterprise",
	                                     "industry", "investment_wan", "owner",      "officer",
	                                     NULL};
	const char *title, *source, *industry, *owner_code, *officer_name;
	int64_t investment, officer = r->who.user_id, enterprise = 0;
	if (!body_only(r, fields) || !body_string(r, "title", FIELD_REQUIRED, 200, &title) ||
	    !body_string(r, "source", FIELD_REQUIRED, 100, &source) ||
	    !body_string(r, "industry", FIELD_REQUIRED, 100, &industry) ||
	    !body_int64(r, "investment_wan", FIELD_REQUIRED, 0, 100000000000LL, &investment, NULL) ||
	    !body_string(r, "owner", FIELD_OPTIONAL, 32, &owner_code) ||
	    !body_string(r, "officer", FIELD_OPTIONAL, 64, &officer_name))
		return;
	struct org owner;
	const char *area = request_area(r);
	if (owner_code) {
		if (!lead_org(r, "owner", owner_code, &owner))
			return;
	} else {
		/* By default the district the caller serves (a 投促局 officer: its district). */
		struct db_stmt *s;
		int rc = db_prepare(r->db, &s, "SELECT code FROM orgs WHERE path = ?", "t", area);
		if (rc == 0 && (rc = db_step(s)) == DB_ROW)
			owner_code = arena_strdup(r->arena, db_column_text(s, 0));
		db_finalize(s);
		if (!owner_code || !lead_org(r, "owner", owner_code, &owner))
			return;
	}
	if (!path_within(owner.path, area)) {
		reply_error(r, 403, "out_of_scope", "owner", "不能为本辖区以外登记线索 (owner outside your area)");
		return;
	}
	const char *officer_area;
	if (officer_name) {
		if (!invest_officer(r, officer_name, &officer, &officer_area))
			return;
		/* Whoever follows the lead is on its owner's side, as a change to it needs. */
		if (!path_within(owner.path, officer_area)) {
			reply_error(r, 403, "out_of_scope", "officer",
			            "%s 不属于线索所属的 %s (the officer is not on the owner's side)", officer_name,
			            owner.name);
			return;
		}
	}
	int rc = db_begin(r->db);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!lead_enterprise(r, &owner, &enterprise)) {
		db_rollback(r->db);
		return;
	}
	int64_t now = clock_now();
	rc = db_run(r->db,
	            "INSERT INTO leads(title, source, enterprise_id, industry, investment_wan, owner_org_id, officer_id,"
	            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
	            "ttitiiiii", title, source, enterprise, industry, investment, owner.id, officer, now, now);
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0)
		rc = lead_event(r, id, "create", NULL, "lead", 0, owner.id, title);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:{s:s, s:I, s:s}}", "after", "title", title, "investment_wan",
		                           (json_int_t)investment, "owner", owner.code);
		rc = audit_append(r->db, &ctx, "lead.create", "lead", arena_printf(r->arena, "%lld", (long long)id), owner.path,
		                  detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "stage", "lead", "enterprise",
		                             (json_int_t)enterprise));
}

/* A lead as the answers show it: the aliases are the JSON's keys (see row_as_json). */
static const char lead_select[] =
    "SELECT l.id AS id, l.title AS title, l.source AS source, e.id AS \"enterprise.id\","
    " e.name AS \"enterprise.name\", e.credit_code AS \"enterprise.credit_code\", l.industry AS industry,"
    " l.investment_wan AS investment_wan, o.code AS \"owner.code\", o.name AS \"owner.name\","
    " u.username AS \"officer.username\", u.display_name AS \"officer.name\", l.stage AS stage,"
    " l.drop_reason AS drop_reason, l.project_id AS project, l.created_at AS \"created_at:time\","
    " l.updated_at AS \"updated_at:time\""
    " FROM leads l JOIN orgs o ON o.id = l.owner_org_id JOIN enterprises e ON e.id = l.enterprise_id"
    " JOIN users u ON u.id = l.officer_id";

/*
** ROUTE: GET /api/v1/invest/leads
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 招商线索列表 Leads the caller's side owns, shares or is offered
** ?stage= ?owner=CODE ?industry= ?q= (title or enterprise) ?mine=1 (the caller's
** own as officer); ?limit= and ?cursor= paginate.
*/
void lead_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 500, &limit, &cursor))
		return;
	const char *stage = query_arg(r, "stage"), *mine = query_arg(r, "mine");
	if (stage && lead_stage_index(stage) < 0 && strcmp(stage, "dropped") != 0) {
		reply_error(r, 422, "invalid_filter", "stage", "未知的阶段 %s (unknown stage)", stage);
		return;
	}
	char *sql = arena_printf(
	    r->arena,
	    "%s WHERE %s AND l.id < ?2 AND (?3 IS NULL OR l.stage = ?3) AND (?4 IS NULL OR o.code = ?4)"
	    " AND (?5 IS NULL OR l.industry = ?5) AND (?6 IS NULL OR instr(l.title, ?6) > 0 OR instr(e.name, ?6) > 0)"
	    " AND (?7 = 0 OR l.officer_id = ?7) ORDER BY l.id DESC LIMIT ?8",
	    lead_select, leads_scope_sql(r, 1));
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, sql, "tittttii", request_area(r), cursor, stage, query_arg(r, "owner"),
	                    query_arg(r, "industry"), query_arg(r, "q"),
	                    mine && strcmp(mine, "1") == 0 ? r->who.user_id : (int64_t)0, limit);
	reply_rows(r, rc, s, row_as_json_of, limit);
}

/*
** ROUTE: GET /api/v1/invest/leads/{id}
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 线索详情 A lead with its whole history, shares, transfer, visits, agreements and problems
*/
void lead_get(struct request *r)
{
	struct lead l;
	if (!lead_for_caller(r, 0, false, &l))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, arena_printf(r->arena, "%s WHERE l.id = ?", lead_select), "i", l.id);
	if (rc == 0 && (rc = db_step(s)) != DB_ROW)
		rc = rc == DB_DONE ? DB_ERROR : rc;
	if (rc < 0) {
		db_finalize(s);
		reply_db_error(r, rc);
		return;
	}
	json_t *out = row_as_json(s);
	db_finalize(s);
	json_object_set_new(out, "owned", json_boolean(l.owned));
	rc = db_prepare(
	    r->db, &s,
	    "SELECT e.at AS \"at:time\", e.actor AS actor, coalesce(u.display_name, e.actor) AS actor_name,"
	    " e.kind AS kind, e.from_stage AS from_stage, e.to_stage AS to_stage, f.name AS \"from\", t.name AS \"to\","
	    " e.text AS text FROM lead_events e LEFT JOIN users u ON u.id = e.actor_id"
	    " LEFT JOIN orgs f ON f.id = e.from_org_id LEFT JOIN orgs t ON t.id = e.to_org_id"
	    " WHERE e.lead_id = ? ORDER BY e.id",
	    "i", l.id);
	rc = rows_into(r, out, "events", rc, s, row_as_json_of);
	if (rc == 0) {
		rc = db_prepare(r->db, &s,
		                "SELECT o.code AS code, o.name AS name FROM lead_shares s JOIN orgs o ON o.id = "
		                "s.org_id WHERE s.lead_id = ?",
		                "i", l.id);
		rc = rows_into(r, out, "shared_with", rc, s, row_as_json_of);
	}
	if (rc == 0) {
		rc = db_prepare(r->db, &s,
		                "SELECT o.code AS code, o.name AS name FROM lead_transfers t JOIN "
		                "lead_transfer_targets x ON x.transfer_id = t.id"
		                " JOIN orgs o ON o.id = x.org_id WHERE t.lead_id = ? AND t.status = 'offered'",
		                "i", l.id);
		rc = rows_into(r, out, "offered_to", rc, s, row_as_json_of);
	}
	int64_t transfer = 0;
	if (rc == 0 && db_query_int64(r->db, &transfer, "SELECT id FROM lead_transfers WHERE lead_id = ? AND status = 'offered'",
	                              "i", l.id) == 0)
		json_object_set_new(out, "open_transfer", json_integer(transfer));
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT v.id AS id, v.happened_on AS \"happened_on:date\", v.mode AS mode, v.discussed AS "
		    "discussed,"
		    " u.username AS officer, u.display_name AS officer_name FROM visits v"
		    " JOIN users u ON u.id = v.officer_id WHERE v.lead_id = ? ORDER BY v.happened_on DESC, v.id DESC",
		    "i", l.id);
		rc = rows_into(r, out, "visits", rc, s, row_as_json_of);
	}
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT id, title, amount_wan, signed_at IS NOT NULL AS \"signed:bool\", ceremony_id AS ceremony"
		    " FROM agreements WHERE lead_id = ? ORDER BY id",
		    "i", l.id);
		rc = rows_into(r, out, "agreements", rc, s, row_as_json_of);
	}
	if (rc == 0) {
		rc = db_prepare(r->db, &s, "SELECT id, title, status FROM problems WHERE lead_ref = ? ORDER BY id DESC", "t",
		                arena_printf(r->arena, "%lld", (long long)l.id));
		rc = rows_into(r, out, "problems", rc, s, row_as_json_of);
	}
	reply_json_or_db_error(r, rc, out);
}

/*
** ROUTE: POST /api/v1/invest/leads/{id}/stage
** AUTH: officer
** DUTY: invest
** SUMMARY: 推进或终止线索 Move a lead one stage on, or drop it with a reason
** Body: {"stage","reason"}: the next stage only (线索 → 洽谈 → 签约 → 注册 → 开工 →
** 投产; no jumps, no going back: 409 invalid_stage), or "dropped" with a reason
** from any stage before producing.  The owner's side only.
*/
void lead_stage_post(struct request *r)
{
	static const char *const fields[] = {"stage", "reason", NULL};
	const char *stage, *reason;
	struct lead l;
	if (!body_only(r, fields) || !body_string(r, "stage", FIELD_REQUIRED, 16, &stage) ||
	    !body_string(r, "reason", FIELD_OPTIONAL, 2000, &reason) || !lead_for_caller(r, 0, true, &l))
		return;
	int from = lead_stage_index(l.stage), to = lead_stage_index(stage);
	bool drop = strcmp(stage, "dropped") == 0;
	if (!drop && to < 0) {
		reply_error(r, 422, "unknown_stage", "stage", "未知的阶段 %s (unknown stage)", stage);
		return;
	}
	if (drop && !reason) {
		reply_error(r, 422, "missing_field", "reason", "终止线索须说明原因 (dropping a lead needs a reason)");
		return;
	}
	if (from < 0 || (drop ? from == 5 : to != from + 1)) {
		reply_error(r, 409, "invalid_stage", "stage", "线索当前为 %s,不能转为 %s (a lead moves one stage at a time)",
		            l.stage, stage);
		return;
	}
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE leads SET stage = ?1, drop_reason = CASE ?1 WHEN 'dropped' THEN ?2 END, updated_at = ?3"
		            " WHERE id = ?4 AND stage = ?5",
		            "ttiit", stage, reason, clock_now(), l.id, l.stage);
	if (rc == 0 && db_changes(r->db) != 1) { /* moved meanwhile by someone else */
		db_rollback(r->db);
		reply_error(r, 409, "invalid_stage", "stage", "线索阶段已被他人更改,请刷新 (the lead changed meanwhile)");
		return;
	}
	if (rc == 0)
		rc = lead_event(r, l.id, drop ? "drop" : "stage", l.stage, stage, 0, 0, reason);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s}", "from", l.stage, "to", stage);
		rc = audit_append(r->db, &ctx, "lead.stage", "lead", arena_printf(r->arena, "%lld", (long long)l.id),
		                  l.owner_path, detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	lead_publish(r, &l, "stage");
	reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)l.id, "stage", stage));
}
