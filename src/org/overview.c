/*
** The home page's figures for the caller's scope.  Each module adds its own
** figures to its own statistics routes; this one covers the foundation.
*/
#include "core/clock.h"
#include "org/org.h"

static int count_in_scope(struct request *r, const char *sql, int64_t since, int64_t *ret)
{
	return since ? db_query_int64(r->db, ret, sql, "ti", r->who.org_path, since)
	             : db_query_int64(r->db, ret, sql, "t", r->who.org_path);
}

/*
** ROUTE: GET /api/v1/overview
** AUTH: any
** SUMMARY: 首页概览 Figures for the home page
** Organisations by kind in the caller's scope; for administrators and
** leaders also users (active and disabled); for the audit administrator, who
** alone reads the audit log (三员分立), audit events today.
*/
void overview_get(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT kind, count(*) FROM orgs WHERE substr(path, 1, length(?1)) = ?1 GROUP BY kind ORDER BY kind", "t",
	    r->who.org_path);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	json_t *orgs = json_object();
	int64_t total = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		json_object_set_new(orgs, db_column_text(s, 0), json_integer(db_column_int64(s, 1)));
		total += db_column_int64(s, 1);
	}
	db_finalize(s);
	json_object_set_new(orgs, "total", json_integer(total));
	json_t *body = json_pack("{s:o}", "orgs", orgs);
	if (rc >= 0 && (r->who.role == ROLE_ADMIN || r->who.role == ROLE_LEADER)) {
		int64_t active = 0, disabled = 0;
		rc = count_in_scope(r,
		                    "SELECT count(*) FROM users u JOIN orgs o ON o.id = u.org_id"
		                    " WHERE substr(o.path, 1, length(?1)) = ?1 AND u.disabled = 0",
		                    0, &active);
		if (rc >= 0)
			rc = count_in_scope(r,
			                    "SELECT count(*) FROM users u JOIN orgs o ON o.id = u.org_id"
			                    " WHERE substr(o.path, 1, length(?1)) = ?1 AND u.disabled = 1",
			                    0, &disabled);
		json_object_set_new(
		    body, "users",
		    json_pack("{s:I, s:I}", "active", (json_int_t)active, "disabled", (json_int_t)disabled));
	}
	if (rc >= 0 && r->who.role == ROLE_AUDITOR) {
		int64_t today = 0;
		rc = count_in_scope(
		    r, "SELECT count(*) FROM audit_log WHERE substr(org_path, 1, length(?1)) = ?1 AND at >= ?2",
		    clock_local_midnight(clock_local_day(clock_now())), &today);
		json_object_set_new(body, "audit_today", json_integer(today));
	}
	reply_json_or_db_error(r, rc, body);
}
