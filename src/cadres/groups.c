/*
** Assessment groups (考核组): the organisation department forms one for a
** central task (or on its own) and a period, with its members, drawn from
** organisations holding the assessment duty, and the organisations it
** assesses.  The department reads the groups formed in its area (the city's
** every group, a district's its own) and its members theirs; only a group's
** members record its evidence (methods.c).
**
** Whom a group assesses: the officials of its organisations' subtrees, and
** those of its task (on the task directly, or through an organisation the
** task names or one above theirs), as entries.c reads "on a task".
*/
#include <errno.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/clock.h"
#include "org/org.h"

const char cadres_assessed_sql[] =
    "SELECT o.id FROM officials o JOIN orgs g ON g.id = o.org_id WHERE"
    " EXISTS (SELECT 1 FROM assessment_group_orgs a JOIN orgs x ON x.id = a.org_id"
    "  WHERE a.group_id = ?1 AND substr(g.path, 1, length(x.path)) = x.path)"
    " OR EXISTS (SELECT 1 FROM assessment_groups ag JOIN central_task_officials t ON t.task_id = ag.task_id"
    "  WHERE ag.id = ?1 AND t.official_id = o.id)"
    " OR EXISTS (SELECT 1 FROM assessment_groups ag JOIN central_task_orgs t ON t.task_id = ag.task_id"
    "  JOIN orgs x ON x.id = t.org_id WHERE ag.id = ?1 AND substr(g.path, 1, length(x.path)) = x.path)";

bool cadres_group_load(struct request *r, int64_t id, struct cadres_group *ret)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT ag.id, ag.name, ag.task_id, ag.starts_on, ag.ends_on, a.path,"
	               " EXISTS (SELECT 1 FROM assessment_group_members m WHERE m.group_id = ag.id AND m.user_id = ?3)"
	               " FROM assessment_groups ag JOIN orgs a ON a.id = ag.org_id"
	               " WHERE ag.id = ?1 AND (substr(a.path, 1, length(?2)) = ?2 OR EXISTS (SELECT 1"
	               "  FROM assessment_group_members m WHERE m.group_id = ag.id AND m.user_id = ?3))",
	               "iti", id, request_area(r), r->who.user_id);
	if (!db_row_or_reply(r, rc, s, "unknown_group", "考核组不存在 (no such assessment group)"))
		return false;
	*ret = (struct cadres_group){.id = db_column_int64(s, 0),
	                             .name = arena_strdup(r->arena, db_column_text(s, 1)),
	                             .task_id = db_column_int64(s, 2),
	                             .starts_on = (int32_t)db_column_int64(s, 3),
	                             .ends_on = (int32_t)db_column_int64(s, 4),
	                             .org_path = arena_strdup(r->arena, db_column_text(s, 5)),
	                             .member = db_column_int64(s, 6) != 0};
	db_finalize(s);
	return true;
}

bool cadres_group_of_route(struct request *r, struct cadres_group *ret)
{
	int64_t id;
	return route_param_id(r, "id", &id) && cadres_group_load(r, id, ret);
}

bool cadres_group_member_or_reply(struct request *r, const struct cadres_group *g)
{
	if (!g->member)
		reply_error(r, 403, "not_group_member", NULL,
		            "只有考核组成员可以记录考核材料 (only the group's members record its evidence)");
	return g->member;
}

/* An official as a row of a list (o: officials, g: their organisation). */
#define OFFICIAL_ROW                                                                                                   \
	"o.id AS id, o.name AS name, o.post AS post, g.code AS \"org.code\", g.name AS \"org.name\","                  \
	" o.leading_group AS \"leading_group:bool\""

/* A refusal of a group's members or organisations: answered by the caller. */
struct group_refusal {
	int status;
	const char *code, *field, *why;
	size_t index;
};

static int refuse(struct group_refusal *ret, int status, const char *code, const char *field, size_t index,
                  const char *why)
{
	*ret = (struct group_refusal){status, code, field, why, index};
	return -EINVAL;
}

/* Add the group's members and organisations inside its transaction: 0, -EINVAL with *why, or a database error. */
static int group_links(struct request *r, int64_t group, json_t *members, json_t *orgs, struct group_refusal *why)
{
	size_t i;
	json_t *v;
	int rc = 0;
	json_array_foreach(members, i, v)
	{
		const char *username = json_string_value(json_object_get(v, "user"));
		json_t *leads = json_object_get(v, "leads");
		if (!json_is_object(v) || !username || (leads && !json_is_boolean(leads)))
			return refuse(why, 422, "invalid_field", "members", i,
			              "成员应为 {user: 用户名, leads: 是否组长} (a member is {user, leads})");
		int64_t user = 0, assessor = 0;
		rc = db_query_int64(r->db, &user, "SELECT id FROM users WHERE username = ? AND disabled = 0", "t",
		                    username);
		if (rc == DB_DONE)
			return refuse(why, 422, "unknown_user", "members", i, "用户不存在 (no such user)");
		if (rc == 0)
			rc = db_query_int64(r->db, &assessor,
			                    "SELECT count(*) FROM users u JOIN org_duties d ON d.org_id = u.org_id"
			                    " WHERE u.id = ? AND u.role = 'department' AND d.duty = 'assessment'",
			                    "i", user);
		if (rc < 0)
			return rc;
		if (!assessor)
			return refuse(
			    why, 422, "not_assessor", "members", i,
			    "成员应为组织部门干部考核工作人员 (members are the organisation department's staff)");
		/* A member listed twice leads if either entry says so. */
		rc = db_run(r->db,
		            "INSERT INTO assessment_group_members(group_id, user_id, leads) VALUES (?,?,?)"
		            " ON CONFLICT (group_id, user_id) DO UPDATE SET leads = 1 WHERE excluded.leads = 1",
		            "iii", group, user, (int64_t)json_is_true(leads));
		if (rc < 0)
			return rc;
	}
	json_array_foreach(orgs, i, v)
	{
		struct org o;
		rc = json_is_string(v) ? org_find_by_code(r->db, r->arena, json_string_value(v), &o) : DB_DONE;
		if (rc == DB_DONE)
			return refuse(why, 422, "unknown_org", "orgs", i, "单位代码不存在 (no such organisation)");
		if (rc < 0)
			return rc;
		if (!path_within(o.path, request_area(r)))
			return refuse(why, 403, "out_of_scope", "orgs", i,
			              "单位不在您的管辖范围内 (organisation outside your area)");
		rc = db_run(r->db,
		            "INSERT INTO assessment_group_orgs(group_id, org_id) VALUES (?,?) ON CONFLICT DO NOTHING",
		            "ii", group, o.id);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
** ROUTE: POST /api/v1/cadres/groups
** AUTH: department
** DUTY: assessment
** SUMMARY: 组建考核组 Form an assessment group
** Body: {"name","task" (a central task's id, optional),"starts_on","ends_on"
** (YYYY-MM-DD),"members" [{"user": username,"leads": 组长}],"orgs" [codes of
** the organisations it assesses, in the department's area]}.  Members are
** staff of an organisation holding the assessment duty (422 not_assessor).
*/
void group_post(struct request *r)
{
	static const char *const fields[] = {"name", "task", "starts_on", "ends_on", "members", "orgs", NULL};
	const char *name, *starts, *ends;
	int64_t task = 0;
	json_t *members, *orgs;
	int32_t from, to;
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 128, &name) ||
	    !body_int64(r, "task", FIELD_OPTIONAL, 1, INT64_MAX, &task, NULL) ||
	    !body_string(r, "starts_on", FIELD_REQUIRED, 10, &starts) ||
	    !body_string(r, "ends_on", FIELD_REQUIRED, 10, &ends) || !body_array(r, "members", 50, &members) ||
	    !body_array(r, "orgs", 100, &orgs))
		return;
	if (clock_parse_date(starts, &from) < 0 || clock_parse_date(ends, &to) < 0 || to < from) {
		reply_error(r, 422, "invalid_period", "ends_on",
		            "起止日期应为 YYYY-MM-DD 且不早于开始 (a YYYY-MM-DD period)");
		return;
	}
	if (json_array_size(members) == 0) {
		reply_error(r, 422, "no_members", "members", "考核组至少要有一名成员 (at least one member)");
		return;
	}
	if (json_array_size(orgs) == 0) {
		reply_error(r, 422, "no_orgs", "orgs", "考核组至少要考核一个单位 (at least one organisation)");
		return;
	}
	int64_t found = 1, area_id = 0;
	int rc = task ? db_query_int64(r->db, &found,
	                               "SELECT count(*) FROM central_tasks t JOIN orgs a ON a.id = t.org_id"
	                               " WHERE t.id = ?1 AND " SQL_ON_BRANCH("a.path", "?2"),
	                               "it", task, request_area(r))
	              : 0;
	if (rc == 0 && !found) {
		reply_error(r, 422, "unknown_task", "task", "中心工作不存在 (no such central task)");
		return;
	}
	if (rc == 0)
		rc = db_query_int64(r->db, &area_id, "SELECT id FROM orgs WHERE path = ?", "t", request_area(r));
	if (rc == 0)
		rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO assessment_groups(name, task_id, org_id, starts_on, ends_on, created_by, created_at)"
		    " VALUES (?,?,?,?,?,?,?)",
		    "triiiii", name, task, area_id, (int64_t)from, (int64_t)to, r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	struct group_refusal why = {0};
	if (rc == 0)
		rc = group_links(r, id, members, orgs, &why);
	if (rc == 0)
		rc = cadres_audit(r, "cadres.group.create", "assessment_group", id, request_area(r),
		                  json_pack("{s:s, s:o, s:s, s:s, s:O, s:O}", "name", name, "task",
		                            task ? json_integer(task) : json_null(), "starts_on", starts, "ends_on",
		                            ends, "members", members, "orgs", orgs));
	if (rc == -EINVAL) {
		db_rollback(r->db);
		reply_error(r, why.status, why.code, why.field, "第 %zu 项: %s (item %zu)", why.index + 1, why.why,
		            why.index + 1);
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* Put a group's organisations and members into out (the group s is on): 0 or a database error. */
static int group_lists(struct request *r, struct db_stmt *s, json_t *out)
{
	int64_t id = db_named_int64(s, "id");
	if (db_named_is_null(s, "task.id"))
		json_object_set_new(out, "task", json_null());
	struct db_stmt *q;
	int rc = db_prepare(
	    r->db, &q,
	    "SELECT g.code AS code, g.name AS name FROM assessment_group_orgs a JOIN orgs g ON g.id = a.org_id"
	    " WHERE a.group_id = ? ORDER BY g.path",
	    "i", id);
	rc = rows_into(r, out, "orgs", rc, q, row_as_json_of);
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &q,
		    "SELECT u.id AS id, u.username AS username, u.display_name AS name, m.leads AS \"leads:bool\""
		    " FROM assessment_group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ?"
		    " ORDER BY m.leads DESC, u.username",
		    "i", id);
		rc = rows_into(r, out, "members", rc, q, row_as_json_of);
	}
	return rc;
}

/* A group's columns and tables, ?2 the caller's id (for "mine"). */
#define GROUP_COLUMNS                                                                                                  \
	"ag.id AS id, ag.name AS name, t.id AS \"task.id\", t.name AS \"task.name\","                                  \
	" ag.starts_on AS \"starts_on:date\", ag.ends_on AS \"ends_on:date\","                                         \
	" EXISTS (SELECT 1 FROM assessment_group_members m WHERE m.group_id = ag.id AND m.user_id = ?2)"               \
	" AS \"mine:bool\""
#define GROUP_FROM                                                                                                     \
	" FROM assessment_groups ag JOIN orgs a ON a.id = ag.org_id LEFT JOIN central_tasks t ON t.id = ag.task_id"

/*
** ROUTE: GET /api/v1/cadres/groups
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核组 Assessment groups of the department's area, newest first
** Each with its task, period, organisations and members, and "mine" (the
** caller is a member); ?mine=1 only those; ?limit= and ?cursor= paginate.
*/
void groups_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 200, &limit, &cursor))
		return;
	const char *mine = query_arg(r, "mine");
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT " GROUP_COLUMNS GROUP_FROM " WHERE ag.id < ?1 AND (?4 = 0 OR EXISTS (SELECT 1"
	    "  FROM assessment_group_members m WHERE m.group_id = ag.id AND m.user_id = ?2))"
	    " AND (substr(a.path, 1, length(?3)) = ?3 OR EXISTS (SELECT 1 FROM assessment_group_members m"
	    "  WHERE m.group_id = ag.id AND m.user_id = ?2)) ORDER BY ag.id DESC LIMIT ?5",
	    "iitii", cursor, r->who.user_id, request_area(r), (int64_t)(mine && strcmp(mine, "1") == 0), limit);
	json_t *items = json_array();
	int64_t last = 0;
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *group = row_as_json(s);
		json_array_append_new(items, group);
		last = db_named_int64(s, "id");
		rc = group_lists(r, s, group);
	}
	db_finalize(s);
	json_t *next = (int64_t)json_array_size(items) == limit ? json_sprintf("%lld", (long long)last) : json_null();
	reply_json_or_db_error(r, rc < 0 ? rc : 0, /* the loop ends on DB_DONE or an error */
	                       json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

/*
** ROUTE: GET /api/v1/cadres/groups/{id}
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核组详情 An assessment group: whom it assesses, and how much evidence it holds
** The group as the list shows it, its "officials" (assessed: those of its
** organisations' subtrees and of its task), and the counts "sittings",
** "visits", "open_visits" (not yet closed) and "judgements".
*/
void group_get(struct request *r)
{
	struct cadres_group g;
	if (!cadres_group_of_route(r, &g))
		return;
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT " GROUP_COLUMNS ", (SELECT count(*) FROM assessment_sittings WHERE group_id = ag.id) AS sittings,"
	    " (SELECT count(*) FROM assessment_visits WHERE group_id = ag.id) AS visits,"
	    " (SELECT count(*) FROM assessment_visits WHERE group_id = ag.id AND closed_at IS NULL) AS open_visits,"
	    " (SELECT count(*) FROM assessment_judgements WHERE group_id = ag.id) AS judgements" GROUP_FROM
	    " WHERE ag.id = ?1",
	    "ii", g.id, r->who.user_id);
	if (!db_row_or_reply(r, rc, s, "unknown_group", "考核组不存在 (no such assessment group)"))
		return;
	json_t *out = row_as_json(s);
	rc = group_lists(r, s, out);
	db_finalize(s);
	if (rc == 0)
		rc = db_prepare(r->db, &s,
		                arena_printf(r->arena,
		                             "SELECT " OFFICIAL_ROW " FROM officials o JOIN orgs g ON g.id = o.org_id"
		                             " WHERE o.id IN (%s) ORDER BY g.path, o.leading_group DESC, o.id",
		                             cadres_assessed_sql),
		                "i", g.id);
	reply_json_or_db_error(r, rc < 0 ? rc : rows_into(r, out, "officials", rc, s, row_as_json_of), out);
}
