/*
** Enterprises: the records the desk's problems concern.  A unified social
** credit code identifies one and is checked (GB 32100-2015) and unique.
*/
#include <string.h>

#include "core/clock.h"
#include "core/credit_code.h"
#include "desk/desk.h"
#include "org/org.h"

bool enterprise_for_caller(struct request *r, int64_t id, struct enterprise *ret)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT e.id, e.name, e.credit_code, o.id, o.code, o.path,"
	                    " EXISTS (SELECT 1 FROM enterprise_users u WHERE u.enterprise_id = e.id AND u.user_id = ?2)"
	                    " FROM enterprises e JOIN orgs o ON o.id = e.org_id WHERE e.id = ?1",
	                    "ii", id, r->who.user_id);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	rc = db_step(s);
	bool ok = false;
	if (rc == DB_ROW) {
		*ret = (struct enterprise){.id = db_column_int64(s, 0),
		                           .name = arena_strdup(r->arena, db_column_text(s, 1)),
		                           .credit_code = arena_strdup(r->arena, db_column_text(s, 2)),
		                           .org_id = db_column_int64(s, 3),
		                           .org_code = arena_strdup(r->arena, db_column_text(s, 4)),
		                           .org_path = arena_strdup(r->arena, db_column_text(s, 5))};
		bool own = db_column_int64(s, 6) != 0;
		ok = r->who.role == ROLE_ENTERPRISE ? own : path_on_branch(ret->org_path, request_area(r));
		if (!ok)
			reply_error(r, 403, "out_of_scope", "enterprise",
			            "该企业不在您的服务范围内 (enterprise outside your scope)");
	} else if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_enterprise", "enterprise", "企业不存在 (no such enterprise)");
	} else {
		reply_db_error(r, rc);
	}
	db_finalize(s);
	return ok;
}

static json_t *enterprise_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0), "name",
	                 db_column_text(s, 1), "credit_code", db_column_text(s, 2), "district", db_column_text(s, 3),
	                 "district_name", db_column_text(s, 4), "industry", db_column_text(s, 5), "contact_name",
	                 db_column_text(s, 6), "contact_phone", db_column_text(s, 7));
}

/*
** ROUTE: POST /api/v1/enterprises
** AUTH: admin,officer,agent
** SUMMARY: 登记企业 Register an enterprise
** Body: {"name","credit_code","district","industry","contact_name","contact_phone"}.
** The district must be on the caller's branch of the tree; the credit code
** is checked and must be new (409 credit_code_taken names the existing one).
*/
void enterprise_post(struct request *r)
{
	static const char *const fields[] = {"name",         "credit_code",   "district", "industry",
	                                     "contact_name", "contact_phone", NULL};
	const char *name, *credit, *district, *industry, *contact, *phone;
	struct org o;
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 200, &name) ||
	    !body_string(r, "credit_code", FIELD_REQUIRED, 18, &credit) ||
	    !body_string(r, "district", FIELD_REQUIRED, 32, &district) ||
	    !body_string(r, "industry", FIELD_REQUIRED, 100, &industry) ||
	    !body_string(r, "contact_name", FIELD_REQUIRED, 100, &contact) ||
	    !body_string(r, "contact_phone", FIELD_REQUIRED, 32, &phone))
		return;
	int err = credit_code_validate(credit);
	if (err) {
		reply_error(r, 422, "invalid_credit_code", "credit_code", "%s", credit_code_strerror(err));
		return;
	}
	int rc = org_find_by_code(r->db, r->arena, district, &o);
	if (rc == DB_DONE || (rc == 0 && strcmp(o.kind, "district") != 0)) {
		reply_error(r, 422, "unknown_district", "district", "%s 不是县(市)区 (not a district)", district);
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!path_on_branch(o.path, request_area(r))) {
		reply_error(r, 403, "out_of_scope", "district",
		            "该区县不在您的服务范围内 (district outside your scope)");
		return;
	}
	int64_t existing = 0;
	rc = db_query_int64(r->db, &existing, "SELECT id FROM enterprises WHERE credit_code = ?", "t", credit);
	if (rc == 0) {
		reply_error(r, 409, "credit_code_taken", "credit_code",
		            "该企业已登记,编号 %lld (already registered as %lld)", (long long)existing,
		            (long long)existing);
		return;
	}
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone, "
		            "created_at)"
		            " VALUES (?,?,?,?,?,?,?)",
		            "ttittti", name, credit, o.id, industry, contact, phone, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:{s:s, s:s, s:s}}", "after", "name", name, "credit_code", credit,
		                           "district", district);
		rc = audit_append(r->db, &ctx, "enterprise.create", "enterprise",
		                  arena_printf(r->arena, "%lld", (long long)id), o.path, detail);
		json_decref(detail);
	}
	if (rc < 0) {
		db_rollback(r->db);
		if (rc == DB_CONSTRAINT)
			reply_error(r, 409, "credit_code_taken", "credit_code", "该企业已登记 (already registered)");
		else
			reply_db_error(r, rc);
		return;
	}
	rc = db_commit(r->db);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	reply_json(r, 201,
	           json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "name", name, "credit_code", credit,
	                     "district", district));
}

static const char enterprise_select[] =
    "SELECT e.id, e.name, e.credit_code, o.code, o.name, e.industry, e.contact_name, e.contact_phone"
    " FROM enterprises e JOIN orgs o ON o.id = e.org_id";

/*
** ROUTE: GET /api/v1/enterprises
** AUTH: admin,leader,officer,agent,department,enterprise
** SUMMARY: 企业列表 Enterprises on the caller's branch (an enterprise account: its own)
** ?q= name or credit code contains; ?district=CODE; ?limit= and ?cursor= paginate.
*/
void enterprise_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 500, &limit, &cursor))
		return;
	const char *q = query_arg(r, "q"), *district = query_arg(r, "district");
	struct db_stmt *s;
	/* ?1 is the account for an enterprise, the service area for staff. */
	bool own = r->who.role == ROLE_ENTERPRISE;
	const char *who = own ? "e.id IN (SELECT enterprise_id FROM enterprise_users WHERE user_id = ?1)"
	                      : SQL_ON_BRANCH("o.path", "?1");
	char *sql =
	    arena_printf(r->arena,
	                 "%s WHERE %s"
	                 " AND e.id < ?2 AND (?3 IS NULL OR instr(e.name, ?3) > 0 OR instr(e.credit_code, ?3) > 0)"
	                 " AND (?4 IS NULL OR o.code = ?4) ORDER BY e.id DESC LIMIT ?5",
	                 enterprise_select, who);
	int rc = own ? db_prepare(r->db, &s, sql, "iitti", r->who.user_id, cursor, q, district, limit)
	             : db_prepare(r->db, &s, sql, "titti", request_area(r), cursor, q, district, limit);
	reply_rows(r, rc, s, enterprise_row_json, limit);
}

/*
** ROUTE: POST /api/v1/enterprises/{id}/accounts
** AUTH: admin
** SUMMARY: 关联企业账号 Let an enterprise account act for an enterprise
** Body: {"username"} of a user with the role enterprise, in the
** administrator's subtree (403 out_of_scope otherwise).
*/
void enterprise_account_post(struct request *r)
{
	static const char *const fields[] = {"username", NULL};
	int64_t id, user = 0;
	const char *username;
	struct enterprise e;
	if (!route_param_id(r, "id", &id) || !enterprise_for_caller(r, id, &e) || !body_only(r, fields) ||
	    !body_string(r, "username", FIELD_REQUIRED, 32, &username))
		return;
	struct db_stmt *s;
	const char *user_path = NULL;
	int rc = db_prepare(r->db, &s,
	                    "SELECT u.id, o.path FROM users u JOIN orgs o ON o.id = u.org_id"
	                    " WHERE u.username = ? AND u.role = 'enterprise'",
	                    "t", username);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		user = db_column_int64(s, 0);
		user_path = arena_strdup(r->arena, db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc == DB_DONE) {
		reply_error(r, 422, "invalid_value", "username", "没有这个企业角色的账号 (no enterprise account %s)",
		            username);
		return;
	}
	/* The account is a user like any other: only an administrator over it hands it an enterprise. */
	if (rc == DB_ROW && !principal_scope_contains(&r->who, user_path)) {
		reply_error(r, 403, "out_of_scope", "username",
		            "该账号不在您的管辖范围内 (account outside your organisation)");
		return;
	}
	rc = rc < 0 ? rc : db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO enterprise_users(user_id, enterprise_id) VALUES (?,?)"
		            " ON CONFLICT (user_id) DO UPDATE SET enterprise_id = excluded.enterprise_id",
		            "ii", user, id);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail =
		    json_pack("{s:{s:s, s:I}}", "after", "username", username, "enterprise", (json_int_t)id);
		rc = audit_append(r->db, &ctx, "enterprise.account", "enterprise",
		                  arena_printf(r->arena, "%lld", (long long)id), e.org_path, detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	reply_json(r, 200, json_pack("{s:I, s:s}", "enterprise", (json_int_t)id, "username", username));
}
