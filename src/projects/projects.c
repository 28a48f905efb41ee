/*
** Projects: registered with their investment project code, owner
** enterprise, district, investment and the people answerable for them;
** listed with their lights, exported to Excel, imported from CSV.
*/
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/csv.h"
#include "core/project_code.h"
#include "desk/desk.h"
#include "org/org.h"
#include "projects/projects.h"

const char *const milestone_names[MILESTONE_COUNT] = {"start", "structure", "complete", "produce"};
const char *const milestone_labels[MILESTONE_COUNT] = {"开工", "主体完工", "竣工", "投产"};

int milestone_from_name(const char *name)
{
	for (int g = 0; name && g < MILESTONE_COUNT; g++)
		if (strcmp(name, milestone_names[g]) == 0)
			return g;
	return -1;
}

const char *projects_scope_sql(struct request *r, int param, const char **ret_bind)
{
	if (r->who.role == ROLE_DEPARTMENT) {
		*ret_bind = r->who.org_path;
		/* One primary-key step a project (project_departments is kept by triggers): a list
		 * walking projects newest first stops after a page, and one project costs one step. */
		return arena_printf(r->arena,
		                    "EXISTS (SELECT 1 FROM project_departments WHERE project_id = p.id"
		                    " AND department_org_id = (SELECT id FROM orgs WHERE path = ?%d))",
		                    param);
	}
	*ret_bind = request_area(r);
	return arena_printf(r->arena, SQL_ON_BRANCH("o.path", "?%1$d"), param);
}

bool project_from_route(struct request *r, struct project *ret)
{
	int64_t id;
	return route_param_id(r, "id", &id) && project_by_id(r, id, ret);
}

bool project_by_id(struct request *r, int64_t id, struct project *ret)
{
	const char *bind;
	const char *scope = projects_scope_sql(r, 2, &bind);
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    arena_printf(r->arena,
	                                 "SELECT p.id, p.district_org_id, p.enterprise_id, p.created_on, p.code, p.name,"
	                                 " p.stage, o.path FROM projects p JOIN orgs o ON o.id = p.district_org_id"
	                                 " WHERE p.id = ?1 AND %s",
	                                 scope),
	                    "it", id, bind);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		*ret = (struct project){.id = db_column_int64(s, 0),
		                        .district_org_id = db_column_int64(s, 1),
		                        .enterprise_id = db_column_int64(s, 2),
		                        .created_on = (int32_t)db_column_int64(s, 3),
		                        .code = arena_strdup(r->arena, db_column_text(s, 4)),
		                        .name = arena_strdup(r->arena, db_column_text(s, 5)),
		                        .stage = arena_strdup(r->arena, db_column_text(s, 6)),
		                        .district_path = arena_strdup(r->arena, db_column_text(s, 7))};
	db_finalize(s);
	if (rc == DB_DONE)
		reply_error(r, 404, "unknown_project", NULL, "项目不存在 (no such project)");
	else if (rc < 0)
		reply_db_error(r, rc);
	return rc == DB_ROW;
}

int projects_yellow_days(struct db *d)
{
	int64_t n = 3;
	db_query_int64(d, &n, "SELECT value FROM project_settings WHERE key = 'yellow_days'", NULL);
	return (int)n;
}

void project_publish(struct request *r, const struct project *p, const char *what)
{
	json_t *data = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)p->id, "code", p->code, "change", what);
	events_publish("projects.project", p->district_path, data);
	/* Departments of the city see their items of every district. */
	struct db_stmt *s;
	if (db_prepare(r->db, &s,
	               "SELECT DISTINCT o.path FROM project_items i JOIN orgs o ON o.id = i.department_org_id"
	               " WHERE i.project_id = ?",
	               "i", p->id) == 0) {
		while (db_step(s) == DB_ROW)
			if (strncmp(db_column_text(s, 0), p->district_path, strlen(p->district_path)) != 0)
				events_publish("projects.project", db_column_text(s, 0), data);
		db_finalize(s);
	}
	json_decref(data);
}

int project_event(struct request *r, int64_t project_id, int64_t item_id, const char *kind, const char *from,
                  const char *to, const char *text)
{
	return db_run(r->db,
	              "INSERT INTO project_events(project_id, item_id, at, actor_id, actor, kind, from_status,"
	              " to_status, text) VALUES (?,?,?,?,?,?,?,?,?)",
	              "iriittttt", project_id, item_id, clock_now(), r->who.user_id, r->who.name,
	              kind, from, to, text);
}

const char *project_day_text(struct request *r, struct db_stmt *s, int col)
{
	if (db_column_is_null(s, col))
		return NULL;
	char buf[11];
	return clock_format_date((int32_t)db_column_int64(s, col), buf) < 0 ? NULL : arena_strdup(r->arena, buf);
}

const char *project_time_text(struct request *r, struct db_stmt *s, int col)
{
	if (db_column_is_null(s, col))
		return NULL;
	char buf[32];
	return clock_format_iso(db_column_int64(s, col), buf) < 0 ? NULL : arena_strdup(r->arena, buf);
}

const char *project_row_light(struct db_stmt *s, int col, int64_t now)
{
	struct light l = LIGHT_NEVER;
	if (!db_column_is_null(s, col))
		l.red_at = db_column_int64(s, col);
	if (!db_column_is_null(s, col + 1))
		l.yellow_at = db_column_int64(s, col + 1);
	return light_at(l, now);
}

json_t *json_list_of(const char *list)
{
	json_t *a = list ? json_loads(list, 0, NULL) : NULL;
	if (json_is_array(a))
		return a;
	json_decref(a);
	return json_array();
}

int64_t light_column(int64_t at)
{
	return at == INT64_MAX ? 0 : at;
}

bool project_body_day(struct request *r, const char *field, int flags, const struct project *p, bool not_future,
                      int32_t *ret, bool *ret_present)
{
	const char *text;
	if (!body_string(r, field, flags, 10, &text))
		return false;
	if (ret_present)
		*ret_present = text != NULL;
	if (!text)
		return true;
	int32_t day;
	if (clock_parse_date(text, &day) < 0) {
		reply_error(r, 422, "invalid_date", field, "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return false;
	}
	if (p && day < p->created_on) {
		char since[11];
		clock_format_date(p->created_on, since);
		reply_error(r, 422, "date_before_project", field, "日期早于项目登记日 %s (before the project existed)",
		            since);
		return false;
	}
	if (not_future && day > clock_local_day(clock_now())) {
		reply_error(r, 422, "date_in_future", field, "日期不能晚于今天 (date is in the future)");
		return false;
	}
	*ret = day;
	return true;
}

/* ---- registering ------------------------------------------------------ */

static bool refuse(struct project_refusal *why, int status, const char *code, const char *field, const char *message)
{
	*why = (struct project_refusal){status, code, field, message};
	return false;
}

/* A user of one of the roles (comma-separated) by username: 0 if none. */
static int64_t user_with_role(struct request *r, const char *username, const char *roles)
{
	int64_t id = 0;
	db_query_int64(r->db, &id,
	               "SELECT id FROM users WHERE username = ? AND disabled = 0"
	               " AND instr(',' || ? || ',', ',' || role || ',') > 0",
	               "tt", username, roles);
	return id;
}

static void query_code_new(char ret[9])
{
	static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* no 0/O, 1/I */
	for (int i = 0; i < 8; i++)
		ret[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	ret[8] = 0;
}

/*
** The code's division must be a real one (GB/T 2260) and the project's: its
** district's, its city's, or for a provincial project its province's.
*/
static bool project_division_fits(struct request *r, const struct project_code *pc, const char *district_code,
                                  int64_t city_id, bool provincial, struct project_refusal *why)
{
	const char *name = division_name(pc->division);
	if (!name)
		return refuse(why, 422, "unknown_division", "code",
		              arena_printf(r->arena, "项目代码中的行政区划代码 %s 不存在 (no division %s in GB/T 2260)",
		                           pc->division, pc->division));
	struct org city = {.code = NULL};
	int rc = city_id ? org_find_by_id(r->db, r->arena, city_id, &city) : 0;
	if (rc < 0 && rc != DB_DONE)
		return refuse(why, 500, NULL, NULL, NULL);
	if (!project_code_division_fits(pc->division, district_code, city.code, provincial))
		return refuse(
		    why, 422, "division_mismatch", "code",
		    arena_printf(r->arena,
		                 "项目代码的行政区划 %s(%s)不是项目所在区县、所在市%s (the code's division is not the "
		                 "project's district, city%s)",
		                 pc->division, name, provincial ? "或所在省" : "", provincial ? " or province" : ""));
	return true;
}

bool project_insert(struct request *r, const struct project_input *in, int64_t *ret_id,
                           struct project_refusal *why)
{
	struct project_code pc;
	if (project_code_parse(in->code, &pc) < 0)
		return refuse(why, 422, "invalid_project_code", "code",
		              "项目代码应为 YYYY-DDDDDD-II-TT-SSSSSS (project code must be YYYY-DDDDDD-II-TT-SSSSSS)");
	int64_t existing = 0;
	if (db_query_int64(r->db, &existing, "SELECT id FROM projects WHERE code = ?", "t", in->code) == 0)
		return refuse(why, 409, "project_code_taken", "code",
		              arena_printf(r->arena, "项目代码已登记,项目编号 %lld (already registered as %lld)",
		                           (long long)existing, (long long)existing));
	static const char *const levels[] = {"provincial", "municipal", "ordinary"};
	bool level_ok = false;
	for (size_t i = 0; i < 3; i++)
		level_ok |= strcmp(in->level, levels[i]) == 0;
	if (!level_ok)
		return refuse(why, 422, "invalid_level", "level",
		              "级别应为 provincial、municipal 或 ordinary (level: provincial, municipal or ordinary)");
	/* The enterprise: by id from the console, by credit code from a spreadsheet. */
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT e.id, o.id, o.code, o.path, o.parent_id FROM enterprises e JOIN orgs o ON o.id = e.org_id"
	    " WHERE e.id = ? OR e.credit_code = ?",
	    "it", in->enterprise_id, in->credit_code);
	int64_t enterprise = 0, district_id = 0, parent_id = 0;
	const char *district_path = NULL, *district_code = NULL;
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		enterprise = db_column_int64(s, 0);
		district_id = db_column_int64(s, 1);
		district_code = arena_strdup(r->arena, db_column_text(s, 2));
		district_path = arena_strdup(r->arena, db_column_text(s, 3));
		parent_id = db_column_int64(s, 4);
	}
	db_finalize(s);
	if (rc < 0)
		return refuse(why, 500, NULL, NULL, NULL);
	if (!enterprise)
		return refuse(why, 422, "unknown_enterprise", in->credit_code ? "credit_code" : "enterprise",
		              "业主企业未登记,请先在问题督办中登记企业 (owner enterprise not registered)");
	/* Only an enterprise the caller may see: naming another district would hand it over. */
	const char *area = request_area(r);
	if (!path_on_branch(district_path, area))
		return refuse(why, 403, "out_of_scope", in->credit_code ? "credit_code" : "enterprise",
		              "该企业不在您的服务范围内 (enterprise outside your scope)");
	if (in->district) {
		struct org o;
		rc = org_find_by_code(r->db, r->arena, in->district, &o);
		if (rc < 0 && rc != DB_DONE)
			return refuse(why, 500, NULL, NULL, NULL);
		if (rc == DB_DONE || strcmp(o.kind, "district") != 0)
			return refuse(why, 422, "unknown_district", "district", "不是县(市)区 (not a district)");
		district_id = o.id;
		district_path = o.path;
		district_code = o.code;
		parent_id = o.parent_id;
	}
	if (!path_on_branch(district_path, area))
		return refuse(why, 403, "out_of_scope", "district", "该区县不在您的服务范围内 (district outside your scope)");
	if (!project_division_fits(r, &pc, district_code, parent_id, strcmp(in->level, "provincial") == 0, why))
		return false;
	int64_t agent = 0, official = 0;
	if (in->agent)
		agent = user_with_role(r, in->agent, "agent,officer");
	else if (r->who.role == ROLE_AGENT || r->who.role == ROLE_OFFICER)
		agent = r->who.user_id;
	if (!agent)
		return refuse(why, 422, "unknown_agent", "agent", "代办员应为代办员或招商专员账号 (agent must be an agent or officer)");
	if (in->official && !(official = user_with_role(r, in->official, "leader,officer,agent,admin")))
		return refuse(why, 422, "unknown_official", "official", "责任领导账号不存在 (no such official)");
	int32_t created_on = clock_local_day(clock_now());
	if (in->created_on && (clock_parse_date(in->created_on, &created_on) < 0 || created_on > clock_local_day(clock_now())))
		return refuse(why, 422, "invalid_date", "created_on", "登记日期应为今天或以前的 YYYY-MM-DD (a past YYYY-MM-DD)");
	char query_code[9];
	query_code_new(query_code);
	int64_t now = clock_now();
	rc = db_run(r->db,
	            "INSERT INTO projects(code, name, enterprise_id, district_org_id, industry, investment_wan, level,"
	            " agent_id, official_id, query_code, created_on, lead_ref, created_at, updated_at)"
	            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	            "ttiititirtitii", in->code, in->name, enterprise, district_id, in->industry, in->investment_wan,
	            in->level, agent, official, query_code, (int64_t)created_on, in->lead, now, now);
	if (rc < 0)
		return refuse(why, 500, NULL, NULL, NULL);
	*ret_id = db_last_insert_id(r->db);
	struct audit_context ctx = audit_context_of(r);
	json_t *detail = json_pack("{s:{s:s, s:s, s:I}}", "after", "code", in->code, "name", in->name,
	                           "investment_wan", (json_int_t)in->investment_wan);
	rc = audit_append(r->db, &ctx, "project.create", "project", arena_printf(r->arena, "%lld", (long long)*ret_id),
	                  district_path, detail);
	json_decref(detail);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO project_events(project_id, at, actor_id, actor, kind, text) VALUES (?,?,?,?,'create',?)",
		            "iiitt", *ret_id, now, r->who.user_id, r->who.name, in->name);
	if (rc < 0)
		return refuse(why, 500, NULL, NULL, NULL);
	return true;
}

void project_reply_refusal(struct request *r, int rc, const struct project_refusal *why)
{
	if (why->status == 500)
		reply_db_error(r, rc ? rc : DB_ERROR);
	else
		reply_error(r, why->status, why->code, why->field, "%s", why->message);
}

/*
** ROUTE: POST /api/v1/projects
** AUTH: admin,officer,agent
** SUMMARY: 登记重大项目 Register a major project
** Body: {"code","name","enterprise","district","industry","investment_wan","level",
** "agent","official","created_on","lead"}: the investment project code (checked,
** unique), the owner enterprise's id (registered on the desk), its district
** (default the enterprise's), total investment in 万元, level provincial /
** municipal / ordinary, the agent's and the responsible official's usernames
** (the agent defaults to the caller), the day it was registered (default
** today; earlier for a project already under way) and an investment lead.
** Answers 201 with the id and the query code the owner uses on the public page.
*/
void project_post(struct request *r)
{
	static const char *const fields[] = {"code",  "name",     "enterprise", "district",   "industry", "investment_wan",
	                                     "level", "agent",    "official",   "created_on", "lead",     NULL};
	struct project_input in = {0};
	if (!body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 32, &in.code) ||
	    !body_string(r, "name", FIELD_REQUIRED, 200, &in.name) ||
	    !body_int64(r, "enterprise", FIELD_REQUIRED, 1, INT64_MAX, &in.enterprise_id, NULL) ||
	    !body_string(r, "district", FIELD_OPTIONAL, 32, &in.district) ||
	    !body_string(r, "industry", FIELD_REQUIRED, 100, &in.industry) ||
	    !body_int64(r, "investment_wan", FIELD_REQUIRED, 0, 100000000000LL, &in.investment_wan, NULL) ||
	    !body_string(r, "level", FIELD_REQUIRED, 16, &in.level) ||
	    !body_string(r, "agent", FIELD_OPTIONAL, 64, &in.agent) ||
	    !body_string(r, "official", FIELD_OPTIONAL, 64, &in.official) ||
	    !body_string(r, "created_on", FIELD_OPTIONAL, 10, &in.created_on) ||
	    !body_string(r, "lead", FIELD_OPTIONAL, 64, &in.lead))
		return;
	struct project_refusal why;
	int64_t id = 0;
	int rc = db_begin(r->db);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!project_insert(r, &in, &id, &why)) {
		db_rollback(r->db);
		project_reply_refusal(r, 0, &why);
		return;
	}
	if (!db_finish_or_reply(r, 0))
		return;
	char query_code[16] = "";
	struct db_stmt *s;
	if (db_prepare(r->db, &s, "SELECT query_code FROM projects WHERE id = ?", "i", id) == 0 && db_step(s) == DB_ROW)
		snprintf(query_code, sizeof query_code, "%s", db_column_text(s, 0));
	db_finalize(s);
	reply_json(r, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "code", in.code, "query_code", query_code));
}

/*
** ROUTE: POST /api/v1/projects/import
** AUTH: admin,officer,agent
** SUMMARY: 批量导入项目 Import projects from a spreadsheet (CSV text)
** Body: {"csv"}: the header 项目代码,项目名称,业主统一社会信用代码,县(市)区,行业,
** 总投资(万元),级别,代办员,责任领导,登记日期 and a line a project (Excel's
** "CSV UTF-8"; the console turns an .xlsx into this).  All or nothing: the first
** bad line is named and nothing is imported.
*/
void project_import(struct request *r)
{
	static const char *const fields[] = {"csv", NULL};
	static const char *const header[] = {"项目代码", "项目名称", "业主统一社会信用代码", "县(市)区", "行业",
	                                     "总投资(万元)", "级别", "代办员", "责任领导", "登记日期"};
	enum { N_COLS = sizeof header / sizeof header[0] };
	const char *csv;
	if (!body_only(r, fields) || !body_string(r, "csv", FIELD_REQUIRED, 8 << 20, &csv))
		return;
	struct csv_reader c;
	char *f[N_COLS + 1];
	int n;
	csv_init(&c, csv, strlen(csv));
	bool header_ok = csv_read(&c, r->arena, f, N_COLS + 1, &n) == 1 && n == N_COLS;
	for (int i = 0; header_ok && i < N_COLS; i++)
		header_ok = strcmp(f[i], header[i]) == 0;
	if (!header_ok) {
		reply_error(r, 422, "bad_header", "csv",
		            "第 1 行应为表头 项目代码,项目名称,业主统一社会信用代码,县(市)区,行业,总投资(万元),级别,代办员,"
		            "责任领导,登记日期 (line 1 must be the header)");
		return;
	}
	int rc = db_begin(r->db), imported = 0;
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	int got;
	while ((got = csv_read(&c, r->arena, f, N_COLS + 1, &n)) != 0) {
		struct project_refusal why = {422, "bad_line", "csv", "每行应有 10 列 (each line needs 10 fields)"};
		struct project_input in = {0};
		char *end = NULL;
		bool ok = got == 1 && n == N_COLS;
		if (ok) {
			in = (struct project_input){.code = f[0], .name = f[1], .credit_code = f[2], .district = f[3],
			                            .industry = f[4], .level = f[6], .agent = *f[7] ? f[7] : NULL,
			                            .official = *f[8] ? f[8] : NULL, .created_on = *f[9] ? f[9] : NULL};
			in.investment_wan = strtoll(f[5], &end, 10);
			if (!*f[0] || !*f[1] || !*f[4] || !*f[5] || *end || in.investment_wan < 0)
				ok = refuse(&why, 422, "bad_line", "csv",
				            "项目代码、名称、行业必填,总投资为非负整数万元 (code, name, industry required; investment a "
				            "whole number of 万元)");
		}
		int64_t id;
		if (ok)
			ok = project_insert(r, &in, &id, &why);
		if (!ok) {
			db_rollback(r->db);
			if (why.status == 500)
				reply_db_error(r, DB_ERROR);
			else
				reply_error(r, why.status, why.code, "csv", "第 %d 行: %s (line %d, %s)", c.record_line,
				            why.message, c.record_line, why.field ? why.field : "");
			return;
		}
		imported++;
	}
	if (db_finish_or_reply(r, 0))
		reply_json(r, 200, json_pack("{s:i}", "imported", imported));
}

/* ---- lists ------------------------------------------------------------ */

/* A project as the answers show it: the aliases are the JSON's keys (see row_as_json). */
static const char project_select[] =
    "SELECT p.id AS id, p.code AS code, p.name AS name, e.name AS enterprise_name, o.code AS district,"
    " o.name AS district_name, p.industry AS industry, p.investment_wan AS investment_wan, p.level AS level,"
    " p.stage AS stage, p.red_at AS _red_at, p.yellow_at AS _yellow_at, p.feasible AS \"feasible:bool\","
    " p.shortfall_days AS shortfall_days, u.username AS \"agent.username\", u.display_name AS \"agent.name\","
    " p.plan_version AS plan_version, p.created_on AS \"created_on:date\", e.id AS _enterprise_id,"
    " e.credit_code AS _credit_code, p.query_code AS _query_code, p.official_id AS _official_id, p.lead_ref AS _lead,"
    " p.relaxed_times AS relaxed_times, p.relaxed_at AS \"relaxed_at:time\", p.relaxed_from_red AS _relaxed_from_red,"
    " t.kind AS _target_kind, t.original_target AS \"target.original:date\", t.target AS \"target.current:date\","
    " t.moves AS \"target.moves\""
    " FROM projects p JOIN orgs o ON o.id = p.district_org_id JOIN enterprises e ON e.id = p.enterprise_id"
    " JOIN users u ON u.id = p.agent_id"
    /* The target a list shows: the milestone moved last, else the last one with a target. */
    " LEFT JOIN project_milestones t ON t.project_id = p.id AND t.kind = (SELECT x.kind FROM project_milestones x"
    "  WHERE x.project_id = p.id AND x.target IS NOT NULL ORDER BY coalesce(x.moved_at, 0) DESC,"
    "  CASE x.kind WHEN 'produce' THEN 0 WHEN 'complete' THEN 1 WHEN 'structure' THEN 2 ELSE 3 END LIMIT 1)";

static json_t *project_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *p = row_as_json(s);
	const char *light = project_row_light(s, db_column_index(s, "_red_at"), clock_now());
	json_object_set_new(p, "light", json_string(light));
	/* Out of red because the targets were pushed back, not by progress: say so. */
	json_object_set_new(p, "light_by_relaxation",
	                    json_boolean(db_named_int64(s, "_relaxed_from_red") && strcmp(light, "red") != 0));
	int g = milestone_from_name(db_named_text(s, "_target_kind"));
	if (g >= 0) {
		json_t *target = json_object_get(p, "target");
		json_object_set_new(target, "milestone", json_string(milestone_names[g]));
		json_object_set_new(target, "name", json_string(milestone_labels[g]));
	} else {
		json_object_set_new(p, "target", json_null());
	}
	return p;
}

/* Prepare the project list for the caller's filters (?district ?level ?stage ?industry ?light ?q ?mine). */
static int project_query(struct request *r, struct db_stmt **s, int64_t cursor, int64_t limit, bool *ret_bad)
{
	static const char *const levels[] = {"provincial", "municipal", "ordinary", NULL};
	static const char *const stages[] = {"approvals", "construction", "completed", "operating", NULL};
	static const char *const lights[] = {"red", "yellow", "green", NULL};
	const char *level = query_arg(r, "level"), *stage = query_arg(r, "stage"), *light = query_arg(r, "light");
	*ret_bad = choice_or_reply(r, "invalid_filter", "level", level, levels) == -2 ||
	           choice_or_reply(r, "invalid_filter", "stage", stage, stages) == -2 ||
	           choice_or_reply(r, "invalid_filter", "light", light, lights) == -2;
	if (*ret_bad)
		return 0;
	const char *bind, *scope = projects_scope_sql(r, 1, &bind);
	const char *mine = query_arg(r, "mine");
	char *sql = arena_printf(
	    r->arena,
	    "%s WHERE %s AND p.id < ?2 AND (?3 IS NULL OR o.code = ?3) AND (?4 IS NULL OR p.level = ?4)"
	    " AND (?5 IS NULL OR p.stage = ?5) AND (?6 IS NULL OR p.industry = ?6)"
	    " AND (?7 IS NULL OR instr(p.name, ?7) > 0 OR instr(p.code, ?7) > 0) AND (?8 = 0 OR p.agent_id = ?8)"
	    " AND " SQL_LIGHT_IS("p.", "?9", "?10") " ORDER BY p.id DESC LIMIT ?11",
	    project_select, scope);
	return db_prepare(r->db, s, sql, "titttttitii", bind, cursor, query_arg(r, "district"), level, stage,
	                  query_arg(r, "industry"), query_arg(r, "q"),
	                  mine && strcmp(mine, "1") == 0 ? r->who.user_id : (int64_t)0, light, clock_now(), limit);
}

/*
** ROUTE: GET /api/v1/projects
** AUTH: admin,leader,officer,agent,department
** SUMMARY: 项目列表(含红黄绿灯) Projects with their lights
** ?district=CODE ?level= ?stage= ?industry= ?light=red|yellow|green ?q= (name or
** code contains) ?mine=1 (the caller's own as agent); ?limit= and ?cursor= paginate.
** Staff see their branch of the tree; a department the projects it has items in.
*/
void project_list(struct request *r)
{
	int64_t limit, cursor;
	bool bad;
	if (!page_args(r, 50, 500, &limit, &cursor))
		return;
	struct db_stmt *s;
	int rc = project_query(r, &s, cursor, limit, &bad);
	if (!bad)
		reply_rows(r, rc, s, project_row_json, limit);
}

/* The Chinese of an English value in a table of pairs, for exports people read. */
static const char *label_zh(const char *const (*table)[2], size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i][0], key) == 0)
			return table[i][1];
	return key;
}

/*
** ROUTE: GET /api/v1/projects/export
** AUTH: admin,leader,officer,agent,department
** SUMMARY: 导出项目表 Export the project list to Excel (or ?format=csv)
** Takes the list's filters; at most 100,000 rows.
*/
void project_export(struct request *r)
{
	static const char *const headers[] = {"项目代码", "项目名称", "业主", "县(市)区", "行业", "总投资(万元)",
	                                      "级别",     "阶段",     "灯",   "代办员",   "登记日期"};
	static const char *const level_zh[][2] = {{"provincial", "省重点"}, {"municipal", "市重点"}, {"ordinary", "一般"}};
	static const char *const stage_zh[][2] = {
	    {"approvals", "审批"}, {"construction", "在建"}, {"completed", "竣工"}, {"operating", "投运"}};
	static const char *const light_zh[][2] = {{"red", "红"}, {"yellow", "黄"}, {"green", "绿"}};
	const char *format = export_format_arg(r);
	if (!format)
		return;
	struct db_stmt *s;
	bool bad;
	int rc = project_query(r, &s, INT64_MAX, 100000, &bad);
	if (bad)
		return;
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	json_t *rows = json_array();
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *p = project_row_json(r, s);
		json_array_append_new(rows,
		                      json_pack("[O, O, O, O, O, O, s, s, s, O, O]", json_object_get(p, "code"),
		                                json_object_get(p, "name"), json_object_get(p, "enterprise_name"),
		                                json_object_get(p, "district_name"), json_object_get(p, "industry"),
		                                json_object_get(p, "investment_wan"),
		                                label_zh(level_zh, 3, json_string_value(json_object_get(p, "level"))),
		                                label_zh(stage_zh, 4, json_string_value(json_object_get(p, "stage"))),
		                                label_zh(light_zh, 3, json_string_value(json_object_get(p, "light"))),
		                                json_object_get(json_object_get(p, "agent"), "name"),
		                                json_object_get(p, "created_on")));
		json_decref(p);
	}
	db_finalize(s);
	if (rc != DB_DONE) {
		json_decref(rows);
		reply_db_error(r, rc);
		return;
	}
	reply_table(r, format, "重大项目", headers, sizeof headers / sizeof headers[0], rows);
	json_decref(rows);
}

/* ---- one project ------------------------------------------------------ */

const char project_item_select[] =
    "SELECT i.id, i.item_code, a.name, g.code, g.name, i.limit_days, i.limit_hours, i.status, i.latest_start,"
    " i.latest_finish, i.earliest_finish, i.critical, i.accepted_at, i.due_at, i.done_at, i.working_days,"
    " i.on_time, i.red_at, i.yellow_at, a.gate,"
    " (SELECT json_group_array(q.item_code) FROM project_item_prereqs x JOIN project_items q ON q.id = x.requires_id"
    "  WHERE x.item_id = i.id), i.project_id, pr.code, pr.name"
    " FROM project_items i JOIN approval_items a ON a.code = i.item_code JOIN orgs g ON g.id = i.department_org_id"
    " JOIN projects pr ON pr.id = i.project_id";

json_t *project_item_json(struct request *r, struct db_stmt *s)
{
	const char *status = db_column_text(s, 7);
	bool open = strcmp(status, "done") != 0;
	json_t *it = json_pack(
	    "{s:I, s:s, s:s, s:{s:s, s:s}, s:i, s:i, s:s, s:s?, s:s?, s:s?, s:b, s:s?, s:s?, s:s?, s:s, s:s, "
	    "s:{s:I, s:s, s:s}}",
	    "id", (json_int_t)db_column_int64(s, 0), "code", db_column_text(s, 1), "name", db_column_text(s, 2),
	    "department", "code", db_column_text(s, 3), "name", db_column_text(s, 4), "limit_days",
	    (int)db_column_int64(s, 5), "limit_hours", (int)db_column_int64(s, 6), "status", status, "latest_start",
	    project_day_text(r, s, 8), "latest_finish", project_day_text(r, s, 9), "earliest_finish",
	    project_day_text(r, s, 10), "critical", (int)db_column_int64(s, 11), "accepted_at",
	    project_time_text(r, s, 12), "due_at", project_time_text(r, s, 13), "done_at", project_time_text(r, s, 14),
	    "light", open ? project_row_light(s, 17, clock_now()) : "done", "gate", db_column_text(s, 19), "project",
	    "id", (json_int_t)db_column_int64(s, 21), "code", db_column_text(s, 22), "name", db_column_text(s, 23));
	if (!db_column_is_null(s, 15))
		json_object_set_new(it, "working_days", json_integer(db_column_int64(s, 15)));
	if (!db_column_is_null(s, 16))
		json_object_set_new(it, "on_time", json_boolean(db_column_int64(s, 16)));
	json_object_set_new(it, "requires", json_list_of(db_column_text(s, 20)));
	/* The one deadline a list shows: the instant the item turns red (the statutory one or the plan's, whichever
	** is first); a refused item is red from the refusal and has none until applied for again. */
	const char *deadline = open && strcmp(status, "refused") != 0 ? project_time_text(r, s, 17) : NULL;
	if (deadline)
		json_object_set_new(it, "deadline", json_string(deadline));
	return it;
}

/* A milestone row: kind, target, actual, the yellow rule's working days (read once by the query), the first
** target, how many times it moved later and when last. */
static json_t *milestone_json(struct request *r, struct db_stmt *s)
{
	int g = milestone_from_name(db_column_text(s, 0));
	struct light l = db_column_is_null(s, 2) ? light_of_day(calendar_china(),
	                                                         db_column_is_null(s, 1) ? PLAN_NO_DAY
	                                                                                 : (int32_t)db_column_int64(s, 1),
	                                                         (int)db_column_int64(s, 3))
	                                         : LIGHT_NEVER;
	return json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s?, s:I, s:s?}", "kind", db_column_text(s, 0), "name",
	                 g >= 0 ? milestone_labels[g] : "", "target", project_day_text(r, s, 1), "actual",
	                 project_day_text(r, s, 2), "light", db_column_is_null(s, 2) ? light_at(l, clock_now()) : "done",
	                 "original_target", project_day_text(r, s, 4), "moves", (json_int_t)db_column_int64(s, 5),
	                 "moved_at", project_time_text(r, s, 6));
}

/*
** ROUTE: GET /api/v1/projects/{id}
** AUTH: admin,leader,officer,agent,department
** SUMMARY: 项目详情 A project: plan, items with lights, milestones, problems, follow-ups
** A department sees only its own items, and none of the follow-ups or timeline.
*/
void project_get(struct request *r)
{
	struct project p;
	if (!project_from_route(r, &p))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, arena_printf(r->arena, "%s WHERE p.id = ?", project_select), "i", p.id);
	if (rc == 0 && (rc = db_step(s)) != DB_ROW)
		rc = rc == DB_DONE ? DB_ERROR : rc;
	if (rc < 0) {
		db_finalize(s);
		reply_db_error(r, rc);
		return;
	}
	json_t *out = project_row_json(r, s);
	bool department = r->who.role == ROLE_DEPARTMENT;
	json_object_set_new(out, "enterprise",
	                    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_named_int64(s, "_enterprise_id"), "name",
	                              db_named_text(s, "enterprise_name"), "credit_code",
	                              db_named_text(s, "_credit_code")));
	if (!department)
		json_object_set_new(out, "query_code", json_string(db_named_text(s, "_query_code")));
	if (!db_named_is_null(s, "_lead"))
		json_object_set_new(out, "lead", json_string(db_named_text(s, "_lead")));
	int64_t official = db_named_int64(s, "_official_id");
	db_finalize(s);
	if (official && db_prepare(r->db, &s, "SELECT username, display_name AS name FROM users WHERE id = ?", "i",
	                           official) == 0) {
		if (db_step(s) == DB_ROW)
			json_object_set_new(out, "official", row_as_json(s));
		db_finalize(s);
	}
	rc = db_prepare(r->db, &s,
	                arena_printf(r->arena,
	                             "%s WHERE i.project_id = ?1 AND (?2 = 0 OR i.department_org_id = ?2)"
	                             " ORDER BY coalesce(i.latest_start, 1e9), a.sort",
	                             project_item_select),
	                "ii", p.id, department ? r->who.org_id : (int64_t)0);
	rc = rows_into(r, out, "items", rc, s, project_item_json);
	if (rc == 0) {
		rc = db_prepare(r->db, &s,
		                "SELECT m.kind, t.target, t.actual, (SELECT value FROM project_settings WHERE key = 'yellow_days'),"
		                " t.original_target, coalesce(t.moves, 0), t.moved_at"
		                " FROM (SELECT 'start' AS kind, 0 AS n UNION ALL"
		                " SELECT 'structure', 1 UNION ALL SELECT 'complete', 2 UNION ALL SELECT 'produce', 3) m"
		                " LEFT JOIN project_milestones t ON t.project_id = ? AND t.kind = m.kind ORDER BY m.n",
		                "i", p.id);
		rc = rows_into(r, out, "milestones", rc, s, milestone_json);
	}
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT p.id AS id, p.title AS title, c.name AS category, p.status AS status,"
		    " g.name AS department, p.created_at AS \"created_at:time\" FROM problems p"
		    " JOIN problem_categories c ON c.code = p.category JOIN orgs g ON g.id = p.department_org_id"
		    " WHERE p.project_ref = ? ORDER BY p.id DESC",
		    "t", p.code);
		rc = rows_into(r, out, "problems", rc, s, row_as_json_of);
	}
	if (rc == 0 && !department) {
		rc = db_prepare(r->db, &s,
		                arena_printf(r->arena, "%s WHERE f.project_id = ? ORDER BY f.id DESC LIMIT 50",
		                             project_followup_select),
		                "i", p.id);
		rc = rows_into(r, out, "followups", rc, s, project_followup_json);
	}
	if (rc == 0 && !department) {
		rc = db_prepare(r->db, &s,
		                arena_printf(r->arena, "%s WHERE n.project_id = ? ORDER BY n.due DESC, n.id DESC LIMIT 50",
		                             project_inspection_select),
		                "i", p.id);
		rc = rows_into(r, out, "inspections", rc, s, project_inspection_json);
	}
	if (rc == 0 && !department) { /* a project that came from a signed lead carries its agreements */
		rc = db_prepare(
		    r->db, &s,
		    "SELECT a.id AS id, a.title AS title, a.amount_wan AS amount_wan, a.document_name AS document_name,"
		    " a.document_sha256 AS document_sha256, a.signed_at AS \"signed_at:time\" FROM agreements a"
		    " WHERE a.lead_id = (SELECT CAST(lead_ref AS INTEGER) FROM projects WHERE id = ?) ORDER BY a.id",
		    "i", p.id);
		rc = rows_into(r, out, "agreements", rc, s, row_as_json_of);
	}
	if (rc == 0 && !department) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT e.at AS \"at:time\", e.actor AS actor, coalesce(u.display_name, e.actor) AS actor_name,"
		    " e.kind AS kind, a.name AS item, e.from_status AS \"from\", e.to_status AS \"to\", e.text AS text"
		    " FROM project_events e LEFT JOIN users u ON u.id = e.actor_id"
		    " LEFT JOIN project_items i ON i.id = e.item_id LEFT JOIN approval_items a ON a.code = i.item_code"
		    " WHERE e.project_id = ? ORDER BY e.id DESC LIMIT 100",
		    "i", p.id);
		rc = rows_into(r, out, "events", rc, s, row_as_json_of);
	}
	reply_json_or_db_error(r, rc, out);
}

/*
** ROUTE: GET /api/v1/projects/{id}/agreements/{agreement}/document
** AUTH: admin,leader,officer,agent
** SUMMARY: 项目协议文件 The document of an agreement signed for the lead the project came from
*/
void project_agreement_document(struct request *r)
{
	struct project p;
	int64_t agreement;
	if (!project_from_route(r, &p) || !route_param_id(r, "agreement", &agreement))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT a.document_name, a.document FROM agreements a JOIN projects p ON p.id = ?1"
	                    " WHERE a.id = ?2 AND a.lead_id = CAST(p.lead_ref AS INTEGER)",
	                    "ii", p.id, agreement);
	reply_file_row(r, rc, s, "unknown_agreement", "该项目没有此协议 (no such agreement for this project)");
}
