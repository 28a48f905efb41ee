/*
** Linkage between districts (县(市)区联动): the owner of a lead shares it with
** another district or the city, which then sees it and its history; or offers
** it to one or more of them, and the first to accept owns it.  Ownership is
** one column changed by one conditional UPDATE in one transaction, so a lead
** is never lost and never owned twice, however many accept at once.  The
** side that gave it keeps seeing it, as a share.
*/
#include <string.h>

#include "core/clock.h"
#include "desk/desk.h"
#include "invest/invest.h"
#include "org/org.h"
#include "projects/projects.h"

/* A district or the city, by code from a body field or a list element. */
static bool linkage_org(struct request *r, const char *field, const char *code, const struct lead *l, struct org *ret)
{
	int rc = code ? org_find_by_code(r->db, r->arena, code, ret) : DB_DONE;
	if (rc < 0 && rc != DB_DONE) {
		reply_db_error(r, rc);
		return false;
	}
	if (rc == DB_DONE || (strcmp(ret->kind, "district") != 0 && strcmp(ret->kind, "city") != 0)) {
		reply_error(r, 422, "unknown_district", field, "%s 不是县(市)区或市 (not a district or the city)",
		            code ? code : "?");
		return false;
	}
	if (ret->id == l->owner_org_id) {
		reply_error(r, 422, "own_lead", field, "线索已属于 %s (the lead is already theirs)", code);
		return false;
	}
	return true;
}

/*
** ROUTE: POST /api/v1/invest/leads/{id}/shares
** AUTH: officer
** DUTY: invest
** SUMMARY: 共享线索 Share a lead with another district or the city
** Body: {"org"}.  The owner's side only; the other side sees the lead and its
** history but does not change it.  Sharing twice is 409 already_shared.
*/
void lead_share_post(struct request *r)
{
	static const char *const fields[] = {"org", NULL};
	const char *code;
	struct lead l;
	struct org o;
	if (!body_only(r, fields) || !body_string(r, "org", FIELD_REQUIRED, 32, &code) ||
	    !lead_for_caller(r, 0, true, &l) || !linkage_org(r, "org", code, &l, &o))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "INSERT INTO lead_shares(lead_id, org_id, shared_by, shared_at) VALUES (?,?,?,?)", "iiii",
		            l.id, o.id, r->who.user_id, clock_now());
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "already_shared", "org", "已与 %s 共享 (already shared)", o.name);
		return;
	}
	if (rc == 0)
		rc = lead_event(r, l.id, "share", NULL, NULL, l.owner_org_id, o.id, NULL);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s}", "with", o.code);
		rc = audit_append(r->db, &ctx, "lead.share", "lead", arena_printf(r->arena, "%lld", (long long)l.id),
		                  l.owner_path, detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	lead_publish(r, &l, "share");
	reply_json(r, 201, json_pack("{s:I, s:s}", "lead", (json_int_t)l.id, "shared_with", o.code));
}

/*
** ROUTE: POST /api/v1/invest/leads/{id}/transfers
** AUTH: officer
** DUTY: invest
** SUMMARY: 移交线索 Offer a lead to one or more districts (or the city): the first to accept owns it
** Body: {"to": [codes], "reason"}.  The owner's side only; one open offer at a
** time (409 transfer_pending).
*/
void lead_transfer_post(struct request *r)
{
	static const char *const fields[] = {"to", "reason", NULL};
	const char *reason;
	struct lead l;
	if (!body_only(r, fields) || !body_string(r, "reason", FIELD_REQUIRED, 2000, &reason) ||
	    !lead_for_caller(r, 0, true, &l))
		return;
	json_t *to = json_object_get(r->json, "to");
	if (!json_is_array(to) || json_array_size(to) == 0 || json_array_size(to) > 20) {
		reply_error(r, 422, "invalid_field", "to", "to 应为 1 至 20 个县(市)区代码 (1 to 20 district codes)");
		return;
	}
	int64_t targets[20];
	size_t i, n = json_array_size(to);
	json_t *v;
	json_array_foreach(to, i, v)
	{
		struct org o;
		if (!linkage_org(r, "to", json_string_value(v), &l, &o))
			return;
		targets[i] = o.id;
	}
	int64_t now = clock_now();
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO lead_transfers(lead_id, from_org_id, reason, offered_by, offered_at) VALUES (?,?,?,?,?)",
		            "iitii", l.id, l.owner_org_id, reason, r->who.user_id, now);
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "transfer_pending", NULL, "该线索已有待接收的移交 (a transfer is already offered)");
		return;
	}
	int64_t id = db_last_insert_id(r->db);
	for (i = 0; rc == 0 && i < n; i++)
		rc = db_run(
		    r->db,
		    "INSERT INTO lead_transfer_targets(transfer_id, org_id) VALUES (?, ?) ON CONFLICT DO NOTHING", "ii",
		    id, targets[i]);
	if (rc == 0)
		rc = lead_event(r, l.id, "offer", NULL, NULL, l.owner_org_id, n == 1 ? targets[0] : 0, reason);
	if (!db_finish_or_reply(r, rc))
		return;
	lead_publish(r, &l, "offer");
	for (i = 0; i < n; i++) {
		struct org o;
		if (org_find_by_id(r->db, r->arena, targets[i], &o) == 0) {
			json_t *data = json_pack("{s:I, s:I}", "id", (json_int_t)l.id, "transfer", (json_int_t)id);
			events_publish("invest.offer", o.path, data);
			json_decref(data);
		}
	}
	reply_json(r, 201, json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "lead", (json_int_t)l.id, "status", "offered"));
}

/* The open transfer of the route's {id} and whether the caller may answer it as a target. */
struct transfer {
	int64_t id, lead_id, from_org_id, target_org_id;
	const char *status;
};

static bool transfer_for_caller(struct request *r, struct transfer *ret)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return false;
	const char *area = request_area(r);
	struct db_stmt *s;
	/* The target the caller answers for: the organisation it serves, itself a target.  A
	** district below a targeted city does not answer for the city. */
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT t.id, t.lead_id, t.from_org_id, t.status, coalesce((SELECT o.id FROM lead_transfer_targets x"
	    "  JOIN orgs o ON o.id = x.org_id WHERE x.transfer_id = t.id AND o.path = ?2), 0)"
	    " FROM lead_transfers t WHERE t.id = ?1",
	    "it", id, area);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		*ret = (struct transfer){.id = db_column_int64(s, 0),
		                         .lead_id = db_column_int64(s, 1),
		                         .from_org_id = db_column_int64(s, 2),
		                         .status = arena_strdup(r->arena, db_column_text(s, 3)),
		                         .target_org_id = db_column_int64(s, 4)};
	db_finalize(s);
	if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_transfer", NULL, "移交不存在 (no such transfer)");
		return false;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	return true;
}

/*
** Close an open transfer as accepted, declined or withdrawn (the history's
** kind: accept, decline, withdraw); the conditional UPDATE picks one winner.
*/
static void transfer_decide(struct request *r, const char *decision, const char *kind)
{
	struct transfer t = {0};
	if (!transfer_for_caller(r, &t))
		return;
	bool withdraw = strcmp(decision, "withdrawn") == 0;
	struct lead l;
	/* The owner's side withdraws an offer; a target answers it, seeing the lead through the offer. */
	if (withdraw && !lead_for_caller(r, t.lead_id, true, &l))
		return;
	if (!withdraw && !t.target_org_id) {
		reply_error(r, 403, "not_offered_to_you", NULL, "该移交不是给本单位的 (this transfer was not offered to you)");
		return;
	}
	int found = withdraw ? 0 : lead_by_id(r, t.lead_id, &l);
	if (found < 0 || found == DB_DONE) {
		reply_db_error(r, found < 0 ? found : DB_ERROR);
		return;
	}
	if (strcmp(t.status, "offered") != 0) {
		reply_error(r, 409, "transfer_closed", NULL, "该移交已%s (the transfer is already %s)",
		            strcmp(t.status, "accepted") == 0 ? "被接收" : "结束", t.status);
		return;
	}
	int64_t now = clock_now();
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE lead_transfers SET status = ?1, to_org_id = ?2, decided_by = ?3, decided_at = ?4"
		            " WHERE id = ?5 AND status = 'offered'",
		            "triii", decision, strcmp(decision, "accepted") == 0 ? t.target_org_id : (int64_t)0,
		            r->who.user_id, now, t.id);
	if (rc == 0 && db_changes(r->db) != 1) {
		db_rollback(r->db);
		reply_error(r, 409, "transfer_closed", NULL, "该移交已被处理 (someone answered the transfer first)");
		return;
	}
	if (rc == 0 && strcmp(decision, "accepted") == 0) {
		/* The one who accepts serves it from now on: an officer of the old owner could no longer act on it. */
		rc = db_run(r->db,
		            "UPDATE leads SET owner_org_id = ?, officer_id = ?, updated_at = ? WHERE id = ? AND owner_org_id = ?",
		            "iiiii", t.target_org_id, r->who.user_id, now, l.id, t.from_org_id);
		if (rc == 0 && db_changes(r->db) != 1)
			rc = DB_CONSTRAINT; /* the owner changed under the offer: refuse rather than own twice */
		/* The side that gave it keeps seeing it; the new owner needs no share of its own. */
		if (rc == 0)
			rc = db_run(r->db,
			            "INSERT INTO lead_shares(lead_id, org_id, shared_by, shared_at) VALUES (?,?,?,?)"
			            " ON CONFLICT DO NOTHING",
			            "iiii", l.id, t.from_org_id, r->who.user_id, now);
		if (rc == 0)
			rc = db_run(r->db, "DELETE FROM lead_shares WHERE lead_id = ? AND org_id = ?", "ii", l.id, t.target_org_id);
	}
	if (rc == 0)
		rc = lead_event(r, l.id, kind, NULL, NULL, t.from_org_id, withdraw ? 0 : t.target_org_id, NULL);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:I, s:s}", "transfer", (json_int_t)t.id, "decision", decision);
		rc = audit_append(r->db, &ctx, "lead.transfer", "lead", arena_printf(r->arena, "%lld", (long long)l.id),
		                  l.owner_path, detail);
		json_decref(detail);
	}
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "transfer_closed", NULL, "线索归属已变化 (the lead's owner changed)");
		return;
	}
	if (!db_finish_or_reply(r, rc))
		return;
	lead_publish(r, &l, kind);
	reply_json(r, 200, json_pack("{s:I, s:I, s:s}", "id", (json_int_t)t.id, "lead", (json_int_t)l.id, "status", decision));
}

/*
** ROUTE: POST /api/v1/invest/transfers/{id}/accept
** AUTH: officer
** DUTY: invest
** SUMMARY: 接收移交 Accept a lead offered to the caller's district: the first to accept owns it
*/
void lead_transfer_accept(struct request *r)
{
	transfer_decide(r, "accepted", "accept");
}

/*
** ROUTE: POST /api/v1/invest/transfers/{id}/decline
** AUTH: officer
** DUTY: invest
** SUMMARY: 拒绝移交 Decline a lead offered to the caller's district; the owner keeps it
*/
void lead_transfer_decline(struct request *r)
{
	transfer_decide(r, "declined", "decline");
}

/*
** ROUTE: POST /api/v1/invest/transfers/{id}/withdraw
** AUTH: officer
** DUTY: invest
** SUMMARY: 撤回移交 Withdraw an offer not yet answered (the owner's side)
*/
void lead_transfer_withdraw(struct request *r)
{
	transfer_decide(r, "withdrawn", "withdraw");
}

static json_t *offer_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	char at[32];
	clock_format_iso(db_column_int64(s, 4), at);
	return json_pack("{s:I, s:{s:I, s:s, s:I}, s:{s:s, s:s}, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0), "lead",
	                 "id", (json_int_t)db_column_int64(s, 1), "title", db_column_text(s, 2), "investment_wan",
	                 (json_int_t)db_column_int64(s, 5), "from", "code", db_column_text(s, 6), "name",
	                 db_column_text(s, 7), "reason", db_column_text(s, 3), "offered_at", at);
}

/*
** ROUTE: GET /api/v1/invest/transfers
** AUTH: officer
** DUTY: invest
** SUMMARY: 待接收的移交 Leads offered to the caller's district and not yet answered
*/
void lead_transfers_incoming(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT DISTINCT t.id, l.id, l.title, t.reason, t.offered_at, l.investment_wan, f.code, f.name"
	    " FROM lead_transfers t JOIN lead_transfer_targets x ON x.transfer_id = t.id"
	    " JOIN orgs o ON o.id = x.org_id JOIN leads l ON l.id = t.lead_id JOIN orgs f ON f.id = t.from_org_id"
	    " WHERE t.status = 'offered' AND o.path = ?1 ORDER BY t.id",
	    "t", request_area(r));
	reply_rows(r, rc, s, offer_json, 0);
}

/*
** ROUTE: POST /api/v1/invest/leads/{id}/project
** AUTH: officer
** DUTY: invest
** SUMMARY: 转为重大项目 Make a signed lead a major project of the cloud agency
** Body: {"code","level","agent","official","district"}: the investment project
** code, level and the agency's people; enterprise, district (a lead owned by
** the city names one), industry and investment come from the lead.  From the
** signed stage on, once; the lead and the project point at each other.
*/
void lead_project_post(struct request *r)
{
	static const char *const fields[] = {"code", "level", "agent", "official", "district", NULL};
	struct project_input in = {0};
	struct lead l;
	if (!body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 32, &in.code) ||
	    !body_string(r, "level", FIELD_REQUIRED, 16, &in.level) || !body_string(r, "agent", FIELD_OPTIONAL, 64, &in.agent) ||
	    !body_string(r, "official", FIELD_OPTIONAL, 64, &in.official) ||
	    !body_string(r, "district", FIELD_OPTIONAL, 32, &in.district) || !lead_for_caller(r, 0, true, &l))
		return;
	if (l.project_id) {
		reply_error(r, 409, "already_project", NULL, "该线索已转为重大项目 %lld (already project %lld)",
		            (long long)l.project_id, (long long)l.project_id);
		return;
	}
	if (lead_stage_index(l.stage) < 2) {
		reply_error(r, 409, "not_signed", NULL, "线索签约后才能转为重大项目 (sign the lead first)");
		return;
	}
	in.name = l.title;
	in.enterprise_id = l.enterprise_id;
	in.industry = l.industry;
	in.investment_wan = l.investment_wan;
	in.lead = arena_printf(r->arena, "%lld", (long long)l.id);
	if (!in.district) {
		struct org owner;
		if (org_find_by_id(r->db, r->arena, l.owner_org_id, &owner) == 0 && strcmp(owner.kind, "district") == 0)
			in.district = owner.code;
	}
	struct project_refusal why;
	int64_t project = 0;
	int rc = db_begin(r->db);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!project_insert(r, &in, &project, &why)) {
		db_rollback(r->db);
		project_reply_refusal(r, 0, &why);
		return;
	}
	rc = db_run(r->db, "UPDATE leads SET project_id = ?, updated_at = ? WHERE id = ? AND project_id IS NULL", "iii",
	            project, clock_now(), l.id);
	if (rc == 0 && db_changes(r->db) != 1)
		rc = DB_CONSTRAINT;
	if (rc == 0)
		rc = lead_event(r, l.id, "project", NULL, NULL, 0, 0, in.code);
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "already_project", NULL, "该线索已转为重大项目 (already a project)");
		return;
	}
	if (!db_finish_or_reply(r, rc))
		return;
	lead_publish(r, &l, "project");
	reply_json(r, 201, json_pack("{s:I, s:I, s:s}", "lead", (json_int_t)l.id, "project", (json_int_t)project, "code", in.code));
}

static json_t *district_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	return json_pack("{s:s, s:s, s:s}", "code", db_column_text(s, 0), "name", db_column_text(s, 1), "kind",
	                 db_column_text(s, 2));
}

/*
** ROUTE: GET /api/v1/invest/districts
** AUTH: leader,officer
** DUTY: invest
** SUMMARY: 联动对象 The city and its districts, whom a lead may be shared with or offered to
** Every district, whatever the caller's branch: linkage crosses branches.
*/
void invest_districts(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT code, name, kind FROM orgs WHERE kind IN ('city', 'district') ORDER BY kind = 'district', code",
	                    NULL);
	reply_rows(r, rc, s, district_json, 0);
}
