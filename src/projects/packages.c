/*
** Packages (项目包): a water-system package groups its rivers, a road
** package its sections, under one owner and one agent.  Its progress rolls
** up from its parts, each weighted by its investment: parts of 100 and 200
** 万元 at 100% and 40% make (100×100 + 200×40) / 300 = 60%.  The operation
** licence (运营许可证) is its last milestone: recorded once, when every part
** is built, it moves the package into operation and maintenance
** (maintenance.c).  See 0025_packages.sql.
*/
#include <string.h>

#include "core/clock.h"
#include "org/org.h"
#include "projects/packages.h"
#include "projects/projects.h"

enum { PACKAGE_MAX_PARTS = 200 };

/*
** The packages the caller may see, as an SQL condition on k (joined to its
** district o) reading ?1 (the caller's area, NULL for an enterprise user)
** and ?2 (the caller): staff and leaders their branch of the tree, an
** enterprise user the packages its enterprise owns.
*/
static const char package_scope[] = "((?1 IS NOT NULL AND " SQL_ON_BRANCH(
    "o.path",
    "?1") ")"
          " OR EXISTS (SELECT 1 FROM enterprise_users w WHERE w.user_id = ?2 AND w.enterprise_id = k.enterprise_id))";

static const char *scope_area(struct request *r)
{
	return r->who.role == ROLE_ENTERPRISE ? NULL : request_area(r);
}

/*
** A package with its roll-up, counted when read (?3 is today, ?4 the yellow
** days), as a table x to select from: its light is red when a check is
** overdue (due before today) or a defect is past the day it was to be fixed
** by, yellow when a check falls due within ?4 days.
*/
static const char package_rows[] =
    "(SELECT k.id AS id, k.code AS code, k.name AS name, k.kind AS kind, o.code AS \"district.code\","
    " o.name AS \"district.name\", e.name AS \"owner.name\", e.credit_code AS \"owner.credit_code\","
    " u.username AS \"agent.username\", u.display_name AS \"agent.name\", k.stage AS stage,"
    " k.licence_number AS \"licence.number\", k.licence_issuer AS \"licence.issuer\","
    " k.licence_on AS \"licence.on:date\","
    " (SELECT count(*) FROM package_parts WHERE package_id = k.id) AS parts,"
    " (SELECT coalesce(sum(investment_wan), 0) FROM package_parts WHERE package_id = k.id) AS investment_wan,"
    " (SELECT coalesce(sum(investment_wan * progress), 0) FROM package_parts WHERE package_id = k.id) AS _weighted,"
    " (SELECT count(*) FROM package_parts pp WHERE pp.package_id = k.id AND NOT EXISTS (SELECT 1 FROM"
    "  package_defects d WHERE d.part_id = pp.id AND d.state = 'open' AND d.severity = 'major')) AS parts_normal,"
    " (SELECT count(*) FROM package_checks WHERE package_id = k.id AND next_due < ?3) AS checks_overdue,"
    " (SELECT count(*) FROM package_checks WHERE package_id = k.id AND next_due BETWEEN ?3 AND ?3 + ?4)"
    "  AS checks_due_soon,"
    " (SELECT count(*) FROM package_defects WHERE package_id = k.id AND state = 'open') AS defects_open,"
    " (SELECT count(*) FROM package_defects WHERE package_id = k.id AND state = 'open' AND due_on < ?3)"
    "  AS defects_overdue,"
    " o.path AS _district_path"
    " FROM packages k JOIN orgs o ON o.id = k.district_org_id JOIN enterprises e ON e.id = k.enterprise_id"
    " JOIN users u ON u.id = k.agent_id WHERE %s) x";

/* Red first, then yellow, then by name. */
static const char package_order[] =
    " ORDER BY (checks_overdue > 0 OR defects_overdue > 0) DESC, checks_due_soon > 0 DESC, code";

/*
** A package's row as the answers show it: its progress (per cent, to a
** tenth), its light, and in operation the share of its parts running
** normally (no open defect that stops them).
*/
static json_t *package_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *k = row_as_json(s);
	int64_t invest = db_named_int64(s, "investment_wan"), parts = db_named_int64(s, "parts");
	json_object_set_new(k, "progress",
	                    invest
	                        ? json_real((double)((db_named_int64(s, "_weighted") * 10 + invest / 2) / invest) / 10)
	                        : json_null());
	bool operating = strcmp(db_named_text(s, "stage"), "operating") == 0;
	json_object_set_new(k, "normal_share",
	                    operating && parts ? json_real((double)db_named_int64(s, "parts_normal") / (double)parts)
	                                       : json_null());
	const char *light = db_named_int64(s, "checks_overdue") || db_named_int64(s, "defects_overdue") ? "red"
	                    : db_named_int64(s, "checks_due_soon")                                      ? "yellow"
	                                                                                                : "green";
	json_object_set_new(k, "light", json_string(light));
	if (json_is_null(json_object_get(json_object_get(k, "licence"), "number")))
		json_object_set_new(k, "licence", json_null());
	return k;
}

/* Prepare the packages the caller may see, of a district (code, or NULL for all) or one (id, or 0 for all). */
static int package_query(struct request *r, struct db_stmt **s, const char *district, int64_t id)
{
	const char *where =
	    arena_printf(r->arena, "%s AND (?5 IS NULL OR o.code = ?5) AND (?6 = 0 OR k.id = ?6)", package_scope);
	return db_prepare(
	    r->db, s,
	    arena_printf(r->arena, "SELECT * FROM %s%s", arena_printf(r->arena, package_rows, where), package_order),
	    "tiiiti", scope_area(r), r->who.user_id, (int64_t)clock_local_day(clock_now()),
	    (int64_t)projects_yellow_days(r->db), district, id);
}

bool package_from_route(struct request *r, struct package *ret)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return false;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    arena_printf(r->arena,
	                                 "SELECT k.id, k.code, k.name, k.stage, o.path FROM packages k"
	                                 " JOIN orgs o ON o.id = k.district_org_id WHERE %s AND k.id = ?3",
	                                 package_scope),
	                    "tii", scope_area(r), r->who.user_id, id);
	if (!db_row_or_reply(r, rc, s, "unknown_package", "项目包不存在 (no such package)"))
		return false;
	*ret = (struct package){.id = db_column_int64(s, 0),
	                        .code = arena_strdup(r->arena, db_column_text(s, 1)),
	                        .name = arena_strdup(r->arena, db_column_text(s, 2)),
	                        .stage = arena_strdup(r->arena, db_column_text(s, 3)),
	                        .district_path = arena_strdup(r->arena, db_column_text(s, 4))};
	db_finalize(s);
	return true;
}

int package_audit(struct request *r, const struct package *k, const char *action, const char *object_type,
                  int64_t object_id, json_t *detail)
{
	struct audit_context ctx = audit_context_of(r);
	json_object_set_new(detail, "package", json_string(k->code));
	int rc = audit_append(r->db, &ctx, action, object_type ? object_type : "package",
	                      arena_printf(r->arena, "%lld", (long long)(object_type ? object_id : k->id)),
	                      k->district_path, detail);
	json_decref(detail);
	return rc;
}

/*
** ROUTE: GET /api/v1/packages
** AUTH: admin,leader,officer,agent,enterprise
** SUMMARY: 项目包列表(红灯在前) Packages with their roll-up and light, red first
** Each package: parts, investment (万元), progress (%, weighted by investment),
** stage, licence, checks overdue and due soon, open defects, the share of parts
** in normal operation (in operation), light.  ?district=CODE.
*/
void package_list(struct request *r)
{
	struct db_stmt *s;
	int rc = package_query(r, &s, query_arg(r, "district"), 0);
	reply_rows(r, rc, s, package_json, 0);
}

static json_t *part_json(struct request *r, struct db_stmt *s)
{
	json_t *p = row_as_json_of(r, s);
	json_object_set_new(p, "normal", json_boolean(db_named_int64(s, "_stopped") == 0));
	if (json_is_null(json_object_get(json_object_get(p, "project"), "id")))
		json_object_set_new(p, "project", json_null());
	return p;
}

/*
** ROUTE: GET /api/v1/packages/{id}
** AUTH: admin,leader,officer,agent,enterprise
** SUMMARY: 项目包详情 A package: its parts, roll-up, licence, regime, inspections and defects
** The package as in the list, with its parts (each with its progress and
** whether it runs normally), its maintenance regime (each check's next day
** and light), its latest inspections and its defects (open first).
*/
void package_get(struct request *r)
{
	struct package k;
	struct db_stmt *s;
	if (!package_from_route(r, &k))
		return;
	int rc = package_query(r, &s, NULL, k.id);
	if (!db_row_or_reply(r, rc, s, "unknown_package", "项目包不存在 (no such package)"))
		return;
	json_t *out = package_json(r, s);
	db_finalize(s);
	rc = db_prepare(
	    r->db, &s,
	    "SELECT pp.id AS id, pp.name AS name, pp.investment_wan AS investment_wan, pp.progress AS progress,"
	    " p.code AS \"project.code\", p.id AS \"project.id\","
	    " (SELECT count(*) FROM package_defects d WHERE d.part_id = pp.id AND d.state = 'open')"
	    " AS defects_open,"
	    " (SELECT count(*) FROM package_defects d WHERE d.part_id = pp.id AND d.state = 'open'"
	    " AND d.severity = 'major') AS _stopped"
	    " FROM package_parts pp LEFT JOIN projects p ON p.id = pp.project_id"
	    " WHERE pp.package_id = ? ORDER BY pp.id",
	    "i", k.id);
	rc = rows_into(r, out, "parts_list", rc, s, part_json);
	if (rc == 0)
		rc = package_upkeep_into(r, out, k.id);
	reply_json_or_db_error(r, rc, out);
}

/* The enterprise of a credit code; answers 422 on field and returns 0 when there is none. */
static int64_t enterprise_from_body(struct request *r, const char *field)
{
	const char *code;
	int64_t id = 0;
	if (!body_string(r, field, FIELD_REQUIRED, 18, &code))
		return 0;
	int rc = db_query_int64(r->db, &id, "SELECT id FROM enterprises WHERE credit_code = ?", "t", code);
	if (rc == DB_DONE)
		reply_error(r, 422, "unknown_enterprise", field, "未登记的企业 %s (unknown enterprise)", code);
	else if (rc < 0)
		reply_db_error(r, rc);
	return rc == 0 ? id : 0;
}

struct part_input {
	const char *name, *project;
	int64_t investment_wan, progress, project_id;
};

/* Read the body's parts: 1..PACKAGE_MAX_PARTS, names unique.  Answers 422 and returns -1 when one is wrong. */
static int parts_from_body(struct request *r, struct part_input **ret)
{
	json_t *list = json_object_get(r->json, "parts"), *part;
	size_t n = json_array_size(list), i;
	if (!json_is_array(list) || n == 0 || n > PACKAGE_MAX_PARTS) {
		reply_error(r, 422, "invalid_parts", "parts",
		            "组成部分应为 1 至 200 项的列表 (parts: a list of 1 to 200 parts)");
		return -1;
	}
	struct part_input *parts = arena_alloc(r->arena, n * sizeof *parts);
	json_array_foreach(list, i, part)
	{
		json_t *name = json_object_get(part, "name"), *invest = json_object_get(part, "investment_wan"),
		       *progress = json_object_get(part, "progress"), *project = json_object_get(part, "project");
		bool ok = json_is_string(name) && json_string_length(name) > 0 && json_string_length(name) <= 200 &&
		          json_is_integer(invest) && json_integer_value(invest) > 0 &&
		          json_integer_value(invest) <= 100000000 &&
		          (!progress || (json_is_integer(progress) && json_integer_value(progress) >= 0 &&
		                         json_integer_value(progress) <= 100)) &&
		          (!project || json_is_string(project)) && json_object_size(part) <= 4;
		for (size_t j = 0; ok && j < i; j++)
			ok = strcmp(parts[j].name, json_string_value(name)) != 0;
		if (!ok) {
			reply_error(
			    r, 422, "invalid_parts", "parts",
			    "第 %zu 项应有不重复的名称 name、投资额 investment_wan(万元,正整数)、进度 progress(0-100)"
			    "和可选的项目代码 project (part %zu: a unique name, investment_wan > 0, progress 0-100, "
			    "an optional project code)",
			    i + 1, i + 1);
			return -1;
		}
		parts[i] = (struct part_input){.name = json_string_value(name),
		                               .investment_wan = json_integer_value(invest),
		                               .progress = progress ? json_integer_value(progress) : 0,
		                               .project = project ? json_string_value(project) : NULL};
		if (parts[i].project) {
			int rc = db_query_int64(r->db, &parts[i].project_id, "SELECT id FROM projects WHERE code = ?",
			                        "t", parts[i].project);
			if (rc == DB_DONE)
				reply_error(r, 422, "unknown_project", "parts",
				            "第 %zu 项的项目 %s 未登记 (part %zu: unknown project)", i + 1,
				            parts[i].project, i + 1);
			else if (rc < 0)
				reply_db_error(r, rc);
			if (rc != 0)
				return -1;
		}
	}
	*ret = parts;
	return (int)n;
}

/*
** ROUTE: POST /api/v1/packages
** AUTH: admin,officer,agent
** SUMMARY: 新建项目包 Register a package of projects or parts under one owner and agent
** Body: {"code","name","kind","district","owner","agent","parts"}: owner the
** enterprise's credit code, agent the username of an active agent; parts 1 to
** 200 of {"name","investment_wan" (万元, its weight in the roll-up),
** "progress" (0-100, default 0),"project" (a registered project's code)}.  The
** district must be a county-level one in the caller's scope (403 out_of_scope).
*/
void package_post(struct request *r)
{
	static const char *const fields[] = {"code", "name", "kind", "district", "owner", "agent", "parts", NULL};
	const char *code, *name, *kind, *agent_name;
	struct org district;
	struct part_input *parts;
	int64_t owner, agent = 0;
	bool present;
	if (!body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 40, &code) ||
	    !body_string(r, "name", FIELD_REQUIRED, 200, &name) || !body_string(r, "kind", FIELD_REQUIRED, 40, &kind) ||
	    !org_from_body(r, "district", FIELD_REQUIRED, &district, &present) ||
	    !(owner = enterprise_from_body(r, "owner")) || !body_string(r, "agent", FIELD_REQUIRED, 64, &agent_name))
		return;
	if (strcmp(district.kind, "district") != 0) {
		reply_error(r, 422, "not_a_district", "district", "应为县(市)区 (must be a county-level district)");
		return;
	}
	int rc =
	    db_query_int64(r->db, &agent, "SELECT id FROM users WHERE username = ? AND role = 'agent' AND disabled = 0",
	                   "t", agent_name);
	if (rc == DB_DONE) {
		reply_error(r, 422, "unknown_agent", "agent",
		            "代办员应为在岗的代办员账号 (the agent must be an active agent)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	int n = parts_from_body(r, &parts);
	if (n < 0)
		return;
	int64_t now = clock_now(), id = 0;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO packages(code, name, kind, district_org_id, enterprise_id, agent_id, created_at)"
		    " VALUES (?,?,?,?,?,?,?)",
		    "tttiiii", code, name, kind, district.id, owner, agent, now);
	id = db_last_insert_id(r->db);
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "package_exists", "code", "项目包编号 %s 已存在 (a package with this code exists)",
		            code);
		return;
	}
	for (int i = 0; rc == 0 && i < n; i++)
		rc =
		    db_run(r->db,
		           "INSERT INTO package_parts(package_id, name, project_id, investment_wan, progress)"
		           " VALUES (?,?,nullif(?, 0),?,?)",
		           "itiii", id, parts[i].name, parts[i].project_id, parts[i].investment_wan, parts[i].progress);
	if (rc == 0) {
		struct package k = {.id = id, .code = code, .district_path = district.path};
		rc = package_audit(r, &k, "package.create", NULL, 0,
		                   json_pack("{s:{s:s, s:s, s:s, s:s, s:O}}", "after", "name", name, "kind", kind,
		                             "district", district.code, "agent", agent_name, "parts",
		                             json_object_get(r->json, "parts")));
	}
	if (!db_finish_or_reply(r, rc))
		return;
	reply_json(r, 201, json_pack("{s:I, s:s, s:i}", "id", (json_int_t)id, "code", code, "parts", n));
}

/*
** ROUTE: PUT /api/v1/packages/{id}/parts/{part}
** AUTH: admin,officer,agent
** SUMMARY: 更新组成部分进度 Record a part's progress (per cent built) while the package is built
** Body: {"progress": 0-100}.  Once the package is in operation it is 409 package_operating.
*/
void package_part_put(struct request *r)
{
	static const char *const fields[] = {"progress", NULL};
	struct package k;
	int64_t part, progress, before = 0;
	if (!body_only(r, fields) || !package_from_route(r, &k) || !route_param_id(r, "part", &part) ||
	    !body_int64(r, "progress", FIELD_REQUIRED, 0, 100, &progress, NULL))
		return;
	int rc = db_query_int64(r->db, &before, "SELECT progress FROM package_parts WHERE id = ? AND package_id = ?",
	                        "ii", part, k.id);
	if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_part", NULL, "没有此组成部分 (no such part)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (strcmp(k.stage, "operating") == 0) {
		reply_error(r, 409, "package_operating", "progress",
		            "项目包已取得运营许可证,进入运营管护 (the package is in operation)");
		return;
	}
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "UPDATE package_parts SET progress = ? WHERE id = ?", "ii", progress, part);
	if (rc == 0)
		rc = package_audit(r, &k, "package.progress", NULL, 0,
		                   json_pack("{s:I, s:{s:I}, s:{s:I}}", "part", (json_int_t)part, "before", "progress",
		                             (json_int_t)before, "after", "progress", (json_int_t)progress));
	if (!db_finish_or_reply(r, rc))
		return;
	package_get(r);
}

/*
** ROUTE: POST /api/v1/packages/{id}/licence
** AUTH: admin,officer,agent
** SUMMARY: 记录运营许可证 Record the operation licence: the package moves into operation and maintenance
** Body: {"number","issuer","on" (YYYY-MM-DD, not in the future)}.  Recorded
** once (409 licence_recorded), when every part is built (409 parts_unfinished);
** the parts that are projects get it on their timeline.
*/
void package_licence_post(struct request *r)
{
	static const char *const fields[] = {"number", "issuer", "on", NULL};
	struct package k;
	const char *number, *issuer;
	int32_t on;
	int64_t unfinished = 0;
	if (!body_only(r, fields) || !package_from_route(r, &k) ||
	    !body_string(r, "number", FIELD_REQUIRED, 60, &number) ||
	    !body_string(r, "issuer", FIELD_REQUIRED, 100, &issuer) ||
	    !project_body_day(r, "on", FIELD_REQUIRED, NULL, true, &on, NULL))
		return;
	if (strcmp(k.stage, "operating") == 0) {
		reply_error(r, 409, "licence_recorded", "number", "运营许可证已记录 (the licence is already recorded)");
		return;
	}
	int rc =
	    db_query_int64(r->db, &unfinished,
	                   "SELECT count(*) FROM package_parts WHERE package_id = ? AND progress < 100", "i", k.id);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (unfinished) {
		reply_error(r, 409, "parts_unfinished", NULL,
		            "尚有 %lld 个组成部分未建成 (%lld parts are not yet built)", (long long)unfinished,
		            (long long)unfinished);
		return;
	}
	char day[11];
	clock_format_date(on, day);
	struct db_stmt *s = NULL;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "UPDATE packages SET stage = 'operating', licence_number = ?, licence_issuer = ?, licence_on = ?"
		    " WHERE id = ? AND stage = 'construction'",
		    "ttii", number, issuer, (int64_t)on, k.id);
	if (rc == 0 && db_changes(r->db) != 1)
		rc = DB_CONSTRAINT; /* another caller recorded it first */
	if (rc == 0)
		rc = db_prepare(r->db, &s,
		                "SELECT project_id FROM package_parts WHERE package_id = ? AND project_id IS NOT NULL",
		                "i", k.id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		rc = project_event(r, db_column_int64(s, 0), 0, "licence", NULL, NULL,
		                   arena_printf(r->arena, "运营许可证 %s %s", number, day));
	db_finalize(s);
	if (rc == DB_DONE)
		rc = 0;
	if (rc == 0)
		rc = package_audit(r, &k, "package.licence", NULL, 0,
		                   json_pack("{s:s, s:s, s:s}", "number", number, "issuer", issuer, "day", day));
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "licence_recorded", "number", "运营许可证已记录 (the licence is already recorded)");
		return;
	}
	if (!db_finish_or_reply(r, rc))
		return;
	package_get(r);
}
