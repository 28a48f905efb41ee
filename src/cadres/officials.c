/*
** Officials (干部) and central tasks (中心工作), the organisation department's
** records (DUTY: assessment).  The department works in its area: the city's
** organisation department sits in a department of the city, so its area is
** the whole city (request_area()).  An official's file is theirs and the
** department's alone, and every read of it is audited (see official_get).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/clock.h"
#include "core/csv.h"
#include "org/org.h"

int cadres_assessor(struct request *r)
{
	if (r->who.role != ROLE_DEPARTMENT)
		return 0;
	int64_t held = 0;
	int rc =
	    db_query_int64(r->db, &held, "SELECT count(*) FROM org_duties WHERE org_id = ? AND duty = 'assessment'",
	                   "i", r->who.org_id);
	return rc < 0 ? rc : held > 0;
}

/* ---- officials ------------------------------------------------------------- */

struct official_new {
	const char *name, *post, *org, *username;
	bool leading_group;
};

/* Why an official could not be added: for an answer, or a line of an import. */
struct refusal {
	int status;
	const char *code, *field, *why;
};

static int refuse(struct refusal *ret, int status, const char *code, const char *field, const char *why)
{
	*ret = (struct refusal){status, code, field, why};
	return -EINVAL;
}

/*
** Add an official inside the caller's transaction, audited.  0 with *ret_id;
** -EINVAL with *ret_why (an unknown organisation or user, one outside the
** area, a user already linked, the same official twice); or a database error.
*/
static int official_insert(struct db *d, struct arena *a, const struct audit_context *ctx, const char *area,
                           const struct official_new *o, int64_t *ret_id, struct refusal *ret_why)
{
	struct org org;
	int rc = org_find_by_code(d, a, o->org, &org);
	if (rc == DB_DONE)
		return refuse(ret_why, 422, "unknown_org", "org", "单位代码不存在 (no such organisation)");
	if (rc < 0)
		return rc;
	if (!path_within(org.path, area))
		return refuse(ret_why, 403, "out_of_scope", "org",
		              "单位不在您的管辖范围内 (organisation outside your area)");
	int64_t user_id = 0;
	if (o->username) {
		rc = db_query_int64(d, &user_id, "SELECT id FROM users WHERE username = ?", "t", o->username);
		if (rc == DB_DONE)
			return refuse(ret_why, 422, "unknown_user", "user", "用户不存在 (no such user)");
		if (rc < 0)
			return rc;
		int64_t linked = 0;
		rc = db_query_int64(d, &linked, "SELECT count(*) FROM officials WHERE user_id = ?", "i", user_id);
		if (rc < 0)
			return rc;
		if (linked)
			return refuse(ret_why, 409, "user_linked", "user",
			              "该用户已关联另一名干部 (the user is another official's)");
	}
	rc = db_run(d,
	            "INSERT INTO officials(name, post, org_id, leading_group, user_id, created_at) VALUES (?,?,?,?,?,?)"
	            " ON CONFLICT (org_id, name, post) DO NOTHING",
	            "ttiiri", o->name, o->post, org.id, (int64_t)o->leading_group, user_id, clock_now());
	if (rc < 0)
		return rc;
	if (db_changes(d) == 0)
		return refuse(ret_why, 409, "official_exists", "name",
		              "该单位已有同名同职务的干部 (the organisation has this official already)");
	*ret_id = db_last_insert_id(d);
	json_t *detail = json_pack("{s:s, s:s, s:s, s:b, s:s?}", "name", o->name, "post", o->post, "org", org.code,
	                           "leading_group", o->leading_group, "user", o->username);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)*ret_id);
	rc = audit_append(d, ctx, "cadres.official.create", "official", id, org.path, detail);
	json_decref(detail);
	return rc;
}

/*
** ROUTE: POST /api/v1/cadres/officials
** AUTH: department
** DUTY: assessment
** SUMMARY: 登记干部 Add an official
** Body: {"name","post","org" (code, in the department's area),"leading_group"
** (领导班子成员, default false),"user" (the username they sign in as, optional)}.
*/
void official_post(struct request *r)
{
	static const char *const fields[] = {"name", "post", "org", "leading_group", "user", NULL};
	struct official_new o = {0};
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 64, &o.name) ||
	    !body_string(r, "post", FIELD_REQUIRED, 128, &o.post) ||
	    !body_string(r, "org", FIELD_REQUIRED, 32, &o.org) ||
	    !body_bool(r, "leading_group", FIELD_OPTIONAL, &o.leading_group, NULL) ||
	    !body_string(r, "user", FIELD_OPTIONAL, 32, &o.username))
		return;
	struct audit_context ctx = audit_context_of(r);
	struct refusal why;
	int64_t id = 0;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = official_insert(r->db, r->arena, &ctx, request_area(r), &o, &id, &why);
	if (rc == -EINVAL) {
		db_rollback(r->db);
		reply_error(r, why.status, why.code, why.field, "%s", why.why);
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static const char *const roll_header[] = {"姓名", "职务", "单位代码", "领导班子成员", "用户名"};
enum { ROLL_COLUMNS = sizeof roll_header / sizeof roll_header[0] };

/*
** Import officials from CSV text: all or nothing.  0 with *ret_rows; -EINVAL
** with *ret_line (1: the header) and *ret_why; or a database error.
*/
static int officials_import(struct db *d, struct arena *a, const struct audit_context *ctx, const char *area,
                            const char *csv, size_t len, int64_t *ret_rows, int *ret_line, const char **ret_why)
{
	struct csv_reader c;
	char *f[ROLL_COLUMNS + 1];
	int n, got;
	csv_init(&c, csv, len);
	got = csv_read(&c, a, f, ROLL_COLUMNS + 1, &n);
	for (int i = 0; got == 1 && n == ROLL_COLUMNS && i < ROLL_COLUMNS; i++)
		if (strcmp(f[i], roll_header[i]) != 0)
			got = 0;
	if (got != 1 || n != ROLL_COLUMNS) {
		*ret_line = 1;
		*ret_why = "第 1 行应为表头 姓名,职务,单位代码,领导班子成员,用户名 (line 1 must be the header)";
		return -EINVAL;
	}
	int rc = db_begin(d);
	int64_t rows = 0;
	while (rc == 0 && (got = csv_read(&c, a, f, ROLL_COLUMNS + 1, &n)) != 0) {
		*ret_line = c.record_line;
		if (got != 1 || n != ROLL_COLUMNS || !*f[0] || !*f[1] || !*f[2] || strlen(f[0]) > 64 ||
		    strlen(f[1]) > 128) {
			*ret_why = "每行应有姓名、职务、单位代码,领导班子成员和用户名可空 (name, post and organisation "
			           "on each line)";
			rc = -EINVAL;
			break;
		}
		if (*f[3] && strcmp(f[3], "是") != 0 && strcmp(f[3], "否") != 0) {
			*ret_why = "领导班子成员应为 是 或 否 (leading group: 是 or 否)";
			rc = -EINVAL;
			break;
		}
		struct official_new o = {.name = f[0],
		                         .post = f[1],
		                         .org = f[2],
		                         .leading_group = strcmp(f[3], "是") == 0,
		                         .username = *f[4] ? f[4] : NULL};
		struct refusal why;
		int64_t id;
		rc = official_insert(d, a, ctx, area, &o, &id, &why);
		if (rc == -EINVAL)
			*ret_why = why.why;
		rows++;
	}
	if (rc != 0) {
		db_rollback(d);
		return rc;
	}
	*ret_rows = rows;
	return db_commit(d);
}

/*
** ROUTE: POST /api/v1/cadres/officials/import
** AUTH: department
** DUTY: assessment
** SUMMARY: 导入干部名册 Import officials (CSV text)
** Body: {"csv"}: the header 姓名,职务,单位代码,领导班子成员,用户名 and a line
** per official (领导班子成员 是 or 否, empty for 否; 用户名 may be empty).  All
** or nothing: the first bad line is named and nothing is added.
*/
void officials_import_post(struct request *r)
{
	static const char *const fields[] = {"csv", NULL};
	const char *csv;
	if (!body_only(r, fields) || !body_string(r, "csv", FIELD_REQUIRED, 16 << 20, &csv))
		return;
	struct audit_context ctx = audit_context_of(r);
	int64_t rows = 0;
	int line = 0;
	const char *why = NULL;
	int rc = officials_import(r->db, r->arena, &ctx, request_area(r), csv, strlen(csv), &rows, &line, &why);
	if (rc == -EINVAL && line > 1)
		reply_error(r, 422, "bad_line", "csv", "第 %d 行: %s (line %d)", line, why, line);
	else if (rc == -EINVAL)
		reply_error(r, 422, "bad_header", "csv", "%s", why);
	else if (rc < 0)
		reply_db_error(r, rc);
	else
		reply_json(r, 200, json_pack("{s:I}", "rows", (json_int_t)rows));
}

/* An official as lists and files show them: the aliases are the JSON's keys. */
#define OFFICIAL_COLUMNS                                                                                               \
	"o.id AS id, o.name AS name, o.post AS post, g.code AS \"org.code\", g.name AS \"org.name\","                  \
	" o.leading_group AS \"leading_group:bool\", u.username AS \"user\""
#define OFFICIAL_FROM " FROM officials o JOIN orgs g ON g.id = o.org_id LEFT JOIN users u ON u.id = o.user_id"

/*
** The organisation of ?org= (default: the department's area) for a list or
** the figures: inside scope, a path prefix.  Answers 422/403 itself.
*/
bool cadres_org_arg(struct request *r, const char *scope, struct org *ret)
{
	const char *code = query_arg(r, "org");
	int rc = code ? org_find_by_code(r->db, r->arena, code, ret)
	              : db_query_int64(r->db, &ret->id, "SELECT id FROM orgs WHERE path = ?", "t", scope);
	if (rc == 0 && !code)
		rc = org_find_by_id(r->db, r->arena, ret->id, ret);
	if (rc == DB_DONE) {
		reply_error(r, 422, "unknown_org", "org", "单位代码不存在 (no such organisation)");
		return false;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	if (!path_within(ret->path, scope)) {
		reply_error(r, 403, "out_of_scope", "org", "单位不在您的管辖范围内 (organisation outside your scope)");
		return false;
	}
	return true;
}

/*
** ROUTE: GET /api/v1/cadres/officials
** AUTH: department
** DUTY: assessment
** SUMMARY: 干部名册 Officials of an organisation and its subtree
** ?org=CODE (default the department's area); ?limit= and ?cursor= paginate,
** newest first.
*/
void officials_list(struct request *r)
{
	int64_t limit, cursor;
	struct org org;
	if (!page_args(r, 100, 1000, &limit, &cursor) || !cadres_org_arg(r, request_area(r), &org))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT " OFFICIAL_COLUMNS OFFICIAL_FROM
	                    " WHERE o.id < ?1 AND substr(g.path, 1, length(?2)) = ?2 ORDER BY o.id DESC LIMIT ?3",
	                    "iti", cursor, org.path, limit);
	reply_rows(r, rc, s, row_as_json_of, limit);
}

int cadres_official_for_caller(struct request *r, struct cadres_official *ret)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return -1;
	int assessor = cadres_assessor(r);
	if (assessor < 0) {
		reply_db_error(r, assessor);
		return -1;
	}
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s, "SELECT o.id, o.user_id, g.path FROM officials o JOIN orgs g ON g.id = o.org_id WHERE o.id = ?",
	    "i", id);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		*ret = (struct cadres_official){.id = db_column_int64(s, 0),
		                                .user_id = db_column_int64(s, 1),
		                                .org_path = arena_strdup(r->arena, db_column_text(s, 2))};
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return -1;
	}
	bool own = rc == DB_ROW && ret->user_id != 0 && ret->user_id == r->who.user_id;
	if (own)
		return 1;
	/* Whoever is neither the official nor the department learns nothing, not even whether the id exists. */
	if (!assessor) {
		reply_error(r, 403, "not_your_file", NULL,
		            "只有本人和组织部门可以查看干部档案 (only the official and the organisation department)");
		return -1;
	}
	if (rc != DB_ROW) {
		reply_error(r, 404, "unknown_official", NULL, "干部不存在 (no such official)");
		return -1;
	}
	if (!path_within(ret->org_path, request_area(r))) {
		reply_error(r, 403, "out_of_scope", NULL,
		            "该干部不在您的管辖范围内 (the official is outside your area)");
		return -1;
	}
	return 0;
}

bool cadres_not_own_or_reply(struct request *r, int64_t official_user_id)
{
	if (official_user_id == 0 || official_user_id != r->who.user_id)
		return true;
	reply_error(r, 403, "own_record", NULL,
	            "不能为自己记录考核、激励或关爱事项 (nobody records their own assessment, outcomes or care)");
	return false;
}

bool cadres_official_to_record(struct request *r, struct cadres_official *ret)
{
	int own = cadres_official_for_caller(r, ret);
	return own == 0 || (own > 0 && cadres_not_own_or_reply(r, ret->user_id));
}

int cadres_audit_read(struct request *r, const char *action, const struct cadres_official *o, json_t *detail)
{
	struct audit_context ctx = audit_context_of(r);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)o->id);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = audit_append(r->db, &ctx, action, "official", id, o->org_path, detail);
	json_decref(detail);
	if (rc != 0) {
		if (db_in_transaction(r->db))
			db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

/*
** ROUTE: GET /api/v1/cadres/officials/{id}
** AUTH: any
** SUMMARY: 干部档案 An official's file: post, central tasks, frontline entries
** The official themselves (through their linked user, whatever its role) and
** the organisation department's staff of the area; anyone else 403.  Every
** read is audited (cadres.official.read) before the file is answered.
*/
void official_get(struct request *r)
{
	struct cadres_official o;
	int own = cadres_official_for_caller(r, &o);
	if (own < 0)
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT " OFFICIAL_COLUMNS OFFICIAL_FROM " WHERE o.id = ?", "i", o.id);
	if (!db_row_or_reply(r, rc, s, "unknown_official", "干部不存在 (no such official)"))
		return;
	json_t *out = row_as_json(s);
	db_finalize(s);
	rc = db_prepare(r->db, &s,
	                "SELECT t.id AS id, t.name AS name, t.kind AS kind, t.starts_on AS \"starts_on:date\","
	                " t.ends_on AS \"ends_on:date\" FROM central_tasks t WHERE t.id IN (" OFFICIAL_TASKS ")"
	                " ORDER BY t.starts_on DESC, t.id DESC",
	                "it", o.id, o.org_path);
	rc = rows_into(r, out, "tasks", rc, s, row_as_json_of);
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT e.id AS id, e.day AS \"day:date\", e.halves AS halves, e.place AS place, e.work AS work,"
		    " e.task_id AS task, c.id AS \"confirmed_by.id\", c.username AS \"confirmed_by.username\","
		    " c.display_name AS \"confirmed_by.name\", e.confirmed_at AS \"confirmed_at:time\""
		    " FROM frontline_entries e LEFT JOIN users c ON c.id = e.confirmed_by"
		    " WHERE e.official_id = ? ORDER BY e.day DESC, e.id DESC LIMIT 500",
		    "i", o.id);
		rc = rows_into(r, out, "entries", rc, s, row_as_json_of);
	}
	if (rc == 0)
		rc = cadres_audit_read(r, "cadres.official.read", &o, json_pack("{s:b}", "own", own));
	reply_json_or_db_error(r, rc, out);
}

/* ---- central tasks ---------------------------------------------------------- */

static const char *const task_kinds[] = {"special_action", "key_project", "epidemic_post", NULL};
static const char *const record_kinds[] = {"project", "lead", "problem", NULL};

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* A body field that must be an array of at most max elements: true with *ret (NULL when absent). */
bool body_array(struct request *r, const char *field, size_t max, json_t **ret)
{
	*ret = json_object_get(r->json, field);
	if (*ret && (!json_is_array(*ret) || json_array_size(*ret) > max)) {
		reply_error(r, 422, "invalid_field", field, "%s 应为至多 %zu 项的数组 (an array of at most %zu)", field,
		            max, max);
		return false;
	}
	return true;
}

/*
** The reference of a covered record, if it exists: a project by its code, a
** lead or a problem by its id (a number, or its digits as text).  1 with
** *ret (the reference as stored), 0 when there is no such record, or a
** database error.
*/
static int record_ref(struct request *r, const char *kind, json_t *ref, const char **ret)
{
	int64_t found = 0, id = json_integer_value(ref);
	if (strcmp(kind, "project") == 0) {
		*ret = json_string_value(ref);
		int rc =
		    *ret ? db_query_int64(r->db, &found, "SELECT count(*) FROM projects WHERE code = ?", "t", *ret) : 0;
		return rc < 0 ? rc : found > 0;
	}
	if (json_is_string(ref)) {
		char *end;
		id = strtoll(json_string_value(ref), &end, 10);
		if (*end || end == json_string_value(ref))
			return 0;
	}
	*ret = arena_printf(r->arena, "%lld", (long long)id);
	int rc = db_query_int64(r->db, &found,
	                        strcmp(kind, "lead") == 0 ? "SELECT count(*) FROM leads WHERE id = ?"
	                                                  : "SELECT count(*) FROM problems WHERE id = ?",
	                        "i", id);
	return rc < 0 ? rc : found > 0;
}

/* Add the task's organisations, officials and records (inside its transaction); answers a refusal itself (-EINVAL). */
static int task_links(struct request *r, int64_t task, json_t *orgs, json_t *officials, json_t *records)
{
	const char *area = request_area(r);
	size_t i;
	json_t *v;
	int rc = 0;
	json_array_foreach(orgs, i, v)
	{
		struct org o;
		int found = json_is_string(v) ? org_find_by_code(r->db, r->arena, json_string_value(v), &o) : DB_DONE;
		if (found < 0)
			return found;
		if (found == DB_DONE || !path_within(o.path, area)) {
			reply_error(r, 422, "unknown_org", "orgs",
			            "单位 %zu 不存在或不在您的管辖范围内 (no such organisation in your area)", i + 1);
			return -EINVAL;
		}
		if ((rc = db_run(r->db,
		                 "INSERT INTO central_task_orgs(task_id, org_id) VALUES (?,?) ON CONFLICT DO NOTHING",
		                 "ii", task, o.id)) < 0)
			return rc;
	}
	json_array_foreach(officials, i, v)
	{
		const char *path = NULL;
		struct db_stmt *s;
		rc = db_prepare(r->db, &s,
		                "SELECT g.path FROM officials o JOIN orgs g ON g.id = o.org_id WHERE o.id = ?", "i",
		                (int64_t)json_integer_value(v));
		if (rc >= 0 && (rc = db_step(s)) == DB_ROW)
			path = arena_strdup(r->arena, db_column_text(s, 0));
		db_finalize(s);
		if (rc < 0)
			return rc;
		if (!json_is_integer(v) || !path || !path_within(path, area)) {
			reply_error(r, 422, "unknown_official", "officials", "第 %zu 名干部不存在 (no such official)",
			            i + 1);
			return -EINVAL;
		}
		if ((rc = db_run(
		         r->db,
		         "INSERT INTO central_task_officials(task_id, official_id) VALUES (?,?) ON CONFLICT DO NOTHING",
		         "ii", task, (int64_t)json_integer_value(v))) < 0)
			return rc;
	}
	json_array_foreach(records, i, v)
	{
		const char *kind = json_string_value(json_object_get(v, "kind")), *ref = NULL;
		int found =
		    kind && one_of(kind, record_kinds) ? record_ref(r, kind, json_object_get(v, "ref"), &ref) : 0;
		if (found < 0)
			return found;
		if (!found) {
			reply_error(r, 422, "unknown_record", "records",
			            "第 %zu 项记录不存在:应为 {kind: project|lead|problem, ref: 项目代码或编号} (no "
			            "such record)",
			            i + 1);
			return -EINVAL;
		}
		if ((rc = db_run(
		         r->db,
		         "INSERT INTO central_task_records(task_id, kind, ref) VALUES (?,?,?) ON CONFLICT DO NOTHING",
		         "itt", task, kind, ref)) < 0)
			return rc;
	}
	return 0;
}

/*
** ROUTE: POST /api/v1/cadres/tasks
** AUTH: department
** DUTY: assessment
** SUMMARY: 设立中心工作 Set a central task
** Body: {"name","kind": "special_action"|"key_project"|"epidemic_post",
** "starts_on","ends_on" (YYYY-MM-DD),"owner" (the username who confirms its
** frontline entries),"orgs" [codes],"officials" [ids],"records"
** [{"kind": "project"|"lead"|"problem","ref": a project's code or an id}]}.
*/
void task_post(struct request *r)
{
	static const char *const fields[] = {"name", "kind",      "starts_on", "ends_on", "owner",
	                                     "orgs", "officials", "records",   NULL};
	const char *name, *kind, *starts, *ends, *owner;
	json_t *orgs, *officials, *records;
	int32_t from, to;
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 128, &name) ||
	    !body_string(r, "kind", FIELD_REQUIRED, 32, &kind) ||
	    !body_string(r, "starts_on", FIELD_REQUIRED, 10, &starts) ||
	    !body_string(r, "ends_on", FIELD_REQUIRED, 10, &ends) ||
	    !body_string(r, "owner", FIELD_REQUIRED, 32, &owner) || !body_array(r, "orgs", 100, &orgs) ||
	    !body_array(r, "officials", 1000, &officials) || !body_array(r, "records", 1000, &records))
		return;
	if (choice_or_reply(r, "invalid_kind", "kind", kind, task_kinds) < 0)
		return;
	if (clock_parse_date(starts, &from) < 0 || clock_parse_date(ends, &to) < 0 || to < from) {
		reply_error(r, 422, "invalid_period", "ends_on",
		            "起止日期应为 YYYY-MM-DD 且不早于开始 (a YYYY-MM-DD period)");
		return;
	}
	int64_t owner_id = 0;
	int rc =
	    db_query_int64(r->db, &owner_id, "SELECT id FROM users WHERE username = ? AND disabled = 0", "t", owner);
	if (rc == DB_DONE) {
		reply_error(r, 422, "unknown_user", "owner", "负责人用户不存在 (no such user)");
		return;
	}
	int64_t area_id = r->who.org_id;
	if (rc >= 0)
		rc = db_query_int64(r->db, &area_id, "SELECT id FROM orgs WHERE path = ?", "t", request_area(r));
	if (rc >= 0)
		rc = db_begin(r->db);
	if (rc >= 0)
		rc = db_run(r->db,
		            "INSERT INTO central_tasks(name, kind, starts_on, ends_on, owner_id, org_id, created_at)"
		            " VALUES (?,?,?,?,?,?,?)",
		            "ttiiiii", name, kind, (int64_t)from, (int64_t)to, owner_id, area_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc >= 0)
		rc = task_links(r, id, orgs, officials, records);
	if (rc >= 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O?, s:O?, s:O?}", "name", name, "kind", kind,
		                           "starts_on", starts, "ends_on", ends, "owner", owner, "orgs", orgs,
		                           "officials", officials, "records", records);
		rc = audit_append(r->db, &ctx, "cadres.task.create", "central_task",
		                  arena_printf(r->arena, "%lld", (long long)id), request_area(r), detail);
		json_decref(detail);
	}
	if (rc == -EINVAL) {
		db_rollback(r->db);
		return;
	}
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

#define TASK_COLUMNS                                                                                                   \
	"t.id AS id, t.name AS name, t.kind AS kind, t.starts_on AS \"starts_on:date\", t.ends_on AS "                 \
	"\"ends_on:date\","                                                                                            \
	" u.id AS \"owner.id\", u.username AS \"owner.username\", u.display_name AS \"owner.name\""                    \
	" FROM central_tasks t JOIN users u ON u.id = t.owner_id JOIN orgs a ON a.id = t.org_id"

/*
** ROUTE: GET /api/v1/cadres/tasks
** AUTH: department
** DUTY: assessment
** SUMMARY: 中心工作 Central tasks of the department's area, newest first
** ?limit= and ?cursor= paginate.
*/
void tasks_list(struct request *r)
{
	reply_area_page(r, AREA_PAGE_SQL("SELECT " TASK_COLUMNS, "t.id", "a.path"), row_as_json_of);
}

/*
** ROUTE: GET /api/v1/cadres/tasks/{id}
** AUTH: department
** DUTY: assessment
** SUMMARY: 中心工作详情 A central task: its organisations, officials and records
*/
void task_get(struct request *r)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT " TASK_COLUMNS " WHERE t.id = ?1 AND " SQL_ON_BRANCH("a.path", "?2"),
	                    "it", id, request_area(r));
	if (!db_row_or_reply(r, rc, s, "unknown_task", "中心工作不存在 (no such task)"))
		return;
	json_t *out = row_as_json(s);
	db_finalize(s);
	rc = db_prepare(r->db, &s,
	                "SELECT g.code AS code, g.name AS name FROM central_task_orgs a JOIN orgs g ON g.id = a.org_id"
	                " WHERE a.task_id = ? ORDER BY g.path",
	                "i", id);
	rc = rows_into(r, out, "orgs", rc, s, row_as_json_of);
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT " OFFICIAL_COLUMNS OFFICIAL_FROM
		    " JOIN central_task_officials a ON a.official_id = o.id WHERE a.task_id = ? ORDER BY o.id",
		    "i", id);
		rc = rows_into(r, out, "officials", rc, s, row_as_json_of);
	}
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT kind AS kind, ref AS ref FROM central_task_records WHERE task_id = ? ORDER BY kind, ref",
		    "i", id);
		rc = rows_into(r, out, "records", rc, s, row_as_json_of);
	}
	reply_json_or_db_error(r, rc, out);
}
