/*
** The evidence of an assessment group's methods: sitting in (列席旁听),
** open and unannounced visits (明察暗访) and the overall judgement (综合研判),
** recorded by the group's members; dynamic tracking (动态跟踪) and milestone
** reconciliation (节点对账), computed from the platform's own records; and an
** official's evidence, read by the official and the department.
**
** An unannounced visit is the department's secret until the group closes it:
** the assessed official does not see it in their evidence before then.
**
** Which records are an assessed organisation's (its subtree, a path prefix):
**  - a project in a district of its subtree, or whose agent or responsible
**    official is a user of its subtree (a bureau's projects are those its
**    staff run);
**  - a lead owned by an organisation of its subtree, or whose officer is a
**    user of it;
**  - a problem whose owning department is in its subtree.
** When the group's task names records of a kind (central_task_records), only
** those of that kind count: a group on key projects tracks the key projects.
*/
#include <errno.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "org/org.h"
#include "projects/projects.h"

/* clang-format off (it would break these macros' pasted strings in the middle of names) */
/* Is path expression x's organisation (or one above it) in the subtree at path expression scope? */
#define IN_SUBTREE(x, scope) "substr(" x ", 1, length(" scope ")) = " scope

/* A project p of the organisation at path expression org. */
#define PROJECT_OF(org)                                                                                                \
	"(EXISTS (SELECT 1 FROM orgs d WHERE d.id = p.district_org_id AND " IN_SUBTREE(                                \
	    "d.path", org) ")"                                                                                         \
	                   " OR EXISTS (SELECT 1 FROM users u JOIN orgs w ON w.id = u.org_id WHERE u.id IN "           \
	                   "(p.agent_id, p.official_id)"                                                               \
	                   " AND " IN_SUBTREE("w.path", org) "))"

/* A record (ref: its reference as central_task_records keeps it) of a kind the task ?4 covers, if it names any. */
#define TASK_NARROWS(kind, ref)                                                                                        \
	"(NOT EXISTS (SELECT 1 FROM central_task_records k WHERE k.task_id = ?4 AND k.kind = '" kind "')"              \
	" OR EXISTS (SELECT 1 FROM central_task_records k WHERE k.task_id = ?4 AND k.kind = '" kind "'"                \
	" AND k.ref = " ref "))"

/* The group's projects: ?1 the group, ?4 its task (0: none). */
#define GROUP_PROJECTS                                                                                                 \
	"EXISTS (SELECT 1 FROM assessment_group_orgs a JOIN orgs x ON x.id = a.org_id WHERE a.group_id = ?1 "          \
	"AND " PROJECT_OF("x.path") ") AND " TASK_NARROWS("project", "p.code")

/* An organisation's projects, problems and leads among the group's: ?1 its path, ?4 the group's task. */
#define ORG_PROJECTS PROJECT_OF("?1") " AND " TASK_NARROWS("project", "p.code")
#define ORG_PROBLEMS IN_SUBTREE("g.path", "?1") " AND " TASK_NARROWS("problem", "CAST(q.id AS TEXT)")
#define ORG_LEADS                                                                                                      \
	"(EXISTS (SELECT 1 FROM orgs w WHERE w.id = l.owner_org_id AND " IN_SUBTREE(                                   \
	    "w.path", "?1") ")"                                                                                        \
	                    " OR EXISTS (SELECT 1 FROM users u JOIN orgs w ON w.id = u.org_id WHERE u.id = "           \
	                    "l.officer_id AND " IN_SUBTREE("w.path",                                                   \
	                                                   "?1") ")) AND " TASK_NARROWS("lead", "CAST(l.id AS TEXT)")

/* Evidence about organisation g, the official's (path ?1) or one above it. */
#define ABOUT_OFFICIAL IN_SUBTREE("?1", "g.path")
/* clang-format on */

/* The planned milestones of the projects (%s) planned from ?2 to ?3 (days), in order. */
static const char milestones_sql[] =
    "SELECT p.code AS \"project.code\", p.name AS \"project.name\", m.kind AS milestone, m.target AS _planned,"
    " m.actual AS _actual FROM project_milestones m JOIN projects p ON p.id = m.project_id"
    " WHERE m.target BETWEEN ?2 AND ?3 AND %s ORDER BY m.target, p.code,"
    " CASE m.kind WHEN 'start' THEN 0 WHEN 'structure' THEN 1 WHEN 'complete' THEN 2 ELSE 3 END";

enum milestone_state { ON_TIME, LATE, OVERDUE, PENDING };
static const char *const milestone_states[] = {"on_time", "late", "overdue", "pending"};

/*
** A planned milestone against its actual day (reached: actual is set), in
** working days on the calendar: late when reached on a later working day
** than planned (a target on a Friday met on the Sunday after is on time),
** overdue when not reached and planned before today, else pending.
** *ret_late: working days late (a milestone overdue: so far); 0 when on time.
*/
static enum milestone_state milestone_state(int32_t planned, bool reached, int32_t actual, int32_t today, int *ret_late)
{
	const struct calendar *c = calendar_china();
	if (reached) {
		int late = calendar_working_days_between(c, planned, actual);
		*ret_late = late > 0 ? late : 0;
		return late > 0 ? LATE : ON_TIME;
	}
	*ret_late = planned < today ? calendar_working_days_between(c, planned, today) : 0;
	return planned < today ? OVERDUE : PENDING;
}

/* The period of ?from=&to= (YYYY-MM-DD), each defaulting to the group's: answers 422 itself. */
static bool group_period_args(struct request *r, const struct cadres_group *g, int32_t *ret_from, int32_t *ret_to)
{
	const char *from = query_arg(r, "from"), *to = query_arg(r, "to");
	*ret_from = g->starts_on;
	*ret_to = g->ends_on;
	if ((from && clock_parse_date(from, ret_from) < 0) || (to && clock_parse_date(to, ret_to) < 0) ||
	    *ret_to < *ret_from) {
		reply_error(r, 422, "invalid_period", from && !to ? "from" : "to",
		            "from 与 to 应为 YYYY-MM-DD,且 to 不早于 from (from and to, YYYY-MM-DD, in order)");
		return false;
	}
	return true;
}

/* ---- recording the evidence ------------------------------------------------- */

/*
** The organisation of body field "org", one the group assesses (its
** organisations and their subtrees): true, or false having answered 422.
*/
static bool assessed_org(struct request *r, const struct cadres_group *g, const char *code, struct org *ret)
{
	int64_t assessed = 0;
	int rc = org_find_by_code(r->db, r->arena, code, ret);
	if (rc == 0)
		rc = db_query_int64(r->db, &assessed,
		                    "SELECT count(*) FROM assessment_group_orgs a JOIN orgs x ON x.id = a.org_id"
		                    " WHERE a.group_id = ? AND substr(?, 1, length(x.path)) = x.path",
		                    "it", g->id, ret->path);
	if (rc < 0 && rc != DB_DONE) {
		reply_db_error(r, rc);
		return false;
	}
	if (!assessed)
		reply_error(r, 422, "org_not_assessed", "org", "考核组不考核该单位 (the group does not assess %s)",
		            code);
	return assessed > 0;
}

/* Body field "day": a day of the group's period, not after today.  Answers 422 itself. */
static bool evidence_day(struct request *r, const struct cadres_group *g, const char **ret_text, int32_t *ret)
{
	if (!body_string(r, "day", FIELD_REQUIRED, 10, ret_text))
		return false;
	if (clock_parse_date(*ret_text, ret) < 0 || *ret < g->starts_on || *ret > g->ends_on ||
	    *ret > clock_local_day(clock_now())) {
		reply_error(r, 422, "invalid_date", "day",
		            "日期应为考核期内、不晚于今天的 YYYY-MM-DD (a YYYY-MM-DD in the group's period, not in the "
		            "future)");
		return false;
	}
	return true;
}

/* Audit a change of a group's evidence (detail stolen) and end the transaction; answer 201 {"id"} on success. */
static void evidence_written(struct request *r, int rc, const struct cadres_group *g, const char *action, int64_t id,
                             json_t *detail)
{
	if (rc == 0) {
		json_object_set_new(detail, "id", json_integer(id));
		rc = cadres_audit(r, action, "assessment_group", g->id, g->org_path, detail);
	} else {
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/*
** ROUTE: POST /api/v1/cadres/groups/{id}/sittings
** AUTH: department
** DUTY: assessment
** SUMMARY: 列席旁听 Record a meeting of an assessed organisation the group sat in on
** Body: {"org" (code: one the group assesses, 422 org_not_assessed),"day" (in
** the group's period, not in the future),"meeting","observations"}.  The
** group's members only (403 not_group_member).
*/
void group_sitting_post(struct request *r)
{
	static const char *const fields[] = {"org", "day", "meeting", "observations", NULL};
	struct cadres_group g;
	struct org org;
	const char *code, *day_text, *meeting, *observations;
	int32_t day;
	if (!cadres_group_of_route(r, &g) || !cadres_group_member_or_reply(r, &g) || !body_only(r, fields) ||
	    !body_string(r, "org", FIELD_REQUIRED, 32, &code) || !evidence_day(r, &g, &day_text, &day) ||
	    !body_string(r, "meeting", FIELD_REQUIRED, 200, &meeting) ||
	    !body_string(r, "observations", FIELD_REQUIRED, 8000, &observations) || !assessed_org(r, &g, code, &org))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO assessment_sittings(group_id, org_id, day, meeting, observations, recorded_by,"
		            " recorded_at) VALUES (?,?,?,?,?,?,?)",
		            "iiittii", g.id, org.id, (int64_t)day, meeting, observations, r->who.user_id, clock_now());
	evidence_written(r, rc, &g, "cadres.sitting.create", db_last_insert_id(r->db),
	                 json_pack("{s:s, s:s, s:s}", "org", org.code, "day", day_text, "meeting", meeting));
}

/*
** ROUTE: POST /api/v1/cadres/groups/{id}/visits
** AUTH: department
** DUTY: assessment
** SUMMARY: 明察暗访 Record an open or unannounced visit to an assessed organisation
** Body: {"org","kind": "open" (明察) | "unannounced" (暗访),"day","place",
** "findings"}.  An unannounced visit stays hidden from the assessed
** organisation's officials until the group closes it.  Members only.
*/
void group_visit_post(struct request *r)
{
	static const char *const fields[] = {"org", "kind", "day", "place", "findings", NULL};
	static const char *const kinds[] = {"open", "unannounced", NULL};
	struct cadres_group g;
	struct org org;
	const char *code, *kind, *day_text, *place, *findings;
	int32_t day;
	if (!cadres_group_of_route(r, &g) || !cadres_group_member_or_reply(r, &g) || !body_only(r, fields) ||
	    !body_string(r, "org", FIELD_REQUIRED, 32, &code) || !body_string(r, "kind", FIELD_REQUIRED, 16, &kind) ||
	    choice_or_reply(r, "invalid_kind", "kind", kind, kinds) < 0 || !evidence_day(r, &g, &day_text, &day) ||
	    !body_string(r, "place", FIELD_REQUIRED, 200, &place) ||
	    !body_string(r, "findings", FIELD_REQUIRED, 8000, &findings) || !assessed_org(r, &g, code, &org))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO assessment_visits(group_id, org_id, kind, day, place, findings, recorded_by,"
		            " recorded_at) VALUES (?,?,?,?,?,?,?,?)",
		            "iitittii", g.id, org.id, kind, (int64_t)day, place, findings, r->who.user_id, clock_now());
	evidence_written(
	    r, rc, &g, "cadres.visit.create", db_last_insert_id(r->db),
	    json_pack("{s:s, s:s, s:s, s:s}", "org", org.code, "kind", kind, "day", day_text, "place", place));
}

/*
** ROUTE: POST /api/v1/cadres/visits/{id}/close
** AUTH: department
** DUTY: assessment
** SUMMARY: 结束暗访 Close a visit: an unannounced one becomes visible to the assessed
** The group's members only; once (409 already_closed).
*/
void group_visit_close(struct request *r)
{
	int64_t id, group_id = 0, closed = 0;
	if (!route_param_id(r, "id", &id))
		return;
	int rc = db_query_int64(r->db, &group_id, "SELECT group_id FROM assessment_visits WHERE id = ?", "i", id);
	if (rc == DB_DONE) {
		reply_error(r, 404, "unknown_visit", NULL, "暗访记录不存在 (no such visit)");
		return;
	}
	struct cadres_group g;
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!cadres_group_load(r, group_id, &g) || !cadres_group_member_or_reply(r, &g))
		return;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "UPDATE assessment_visits SET closed_by = ?, closed_at = ? WHERE id = ? AND closed_at IS NULL",
		    "iii", r->who.user_id, clock_now(), id);
	if (rc == 0)
		closed = db_changes(r->db);
	if (rc == 0 && !closed) {
		db_rollback(r->db);
		reply_error(r, 409, "already_closed", NULL, "该走访已结束 (the visit is closed already)");
		return;
	}
	if (rc == 0)
		rc = cadres_audit(r, "cadres.visit.close", "assessment_group", g.id, g.org_path,
		                  json_pack("{s:I}", "id", (json_int_t)id));
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "closed", 1));
}

/*
** ROUTE: PUT /api/v1/cadres/groups/{id}/judgements/{official}
** AUTH: department
** DUTY: assessment
** SUMMARY: 综合研判 The group's overall judgement of an official: a score and its reasons
** Body: {"score" (0–100, up to three decimals),"reasons"}.  The official must
** be one the group assesses (422 official_not_assessed).  A revision replaces
** the judgement, audited with the score it replaces.  Members only.
*/
void group_judgement_put(struct request *r)
{
	static const char *const fields[] = {"score", "reasons", NULL};
	struct cadres_group g;
	int64_t official, score, assessed = 0;
	const char *reasons;
	if (!cadres_group_of_route(r, &g) || !route_param_id(r, "official", &official) ||
	    !cadres_group_member_or_reply(r, &g) || !body_only(r, fields) ||
	    !body_points(r, "score", FIELD_REQUIRED, &score) ||
	    !body_string(r, "reasons", FIELD_REQUIRED, 8000, &reasons))
		return;
	int rc =
	    db_query_int64(r->db, &assessed,
	                   arena_printf(r->arena, "SELECT count(*) FROM (%s) s WHERE s.id = ?2", cadres_assessed_sql),
	                   "ii", g.id, official);
	if (rc == 0 && !assessed) {
		reply_error(r, 422, "official_not_assessed", NULL,
		            "该干部不在考核组的考核对象中 (the group does not assess this official)");
		return;
	}
	int64_t user = 0;
	if (rc == 0)
		rc = db_query_int64(r->db, &user, "SELECT coalesce(user_id, 0) FROM officials WHERE id = ?", "i",
		                    official);
	if (rc == 0 && !cadres_not_own_or_reply(r, user))
		return;
	struct db_stmt *s = NULL;
	json_t *old = json_null();
	if (rc == 0)
		rc = db_begin(r->db);
	if (rc == 0)
		rc = db_prepare(r->db, &s,
		                "SELECT score FROM assessment_judgements WHERE group_id = ? AND official_id = ?", "ii",
		                g.id, official);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		old = json_real((double)db_column_int64(s, 0) / 1000);
	db_finalize(s);
	if (rc >= 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO assessment_judgements(group_id, official_id, score, reasons, recorded_by, recorded_at)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (group_id, official_id) DO UPDATE SET score = ?3,"
		    " reasons = ?4, recorded_by = ?5, recorded_at = ?6",
		    "iiitii", g.id, official, score, reasons, r->who.user_id, clock_now());
	if (rc >= 0)
		rc = cadres_audit(r, json_is_null(old) ? "cadres.judgement.create" : "cadres.judgement.revise",
		                  "assessment_group", g.id, g.org_path,
		                  json_pack("{s:I, s:f, s:O, s:s}", "official", (json_int_t)official, "score",
		                            (double)score / 1000, "old_score", old, "reasons", reasons));
	json_decref(old);
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 200,
		           json_pack("{s:I, s:f}", "official", (json_int_t)official, "score", (double)score / 1000));
}

/* ---- reading the evidence -------------------------------------------------------- */

#define SITTING_COLUMNS                                                                                                \
	"e.id AS id, g.code AS \"org.code\", g.name AS \"org.name\", e.day AS \"day:date\", e.meeting AS meeting,"     \
	" e.observations AS observations, " CADRES_RECORDED_BY_JSON                                                    \
	" FROM assessment_sittings e JOIN orgs g ON g.id = e.org_id JOIN users u ON u.id = e.recorded_by"
#define VISIT_COLUMNS                                                                                                      \
	"e.id AS id, g.code AS \"org.code\", g.name AS \"org.name\", e.kind AS kind,"                                      \
	" CASE e.kind WHEN 'open' THEN '明察' ELSE '暗访' END AS kind_label, e.day AS \"day:date\", e.place AS place," \
	" e.findings AS findings, " CADRES_RECORDED_BY_JSON ", e.closed_at AS \"closed_at:time\""                          \
	" FROM assessment_visits e JOIN orgs g ON g.id = e.org_id JOIN users u ON u.id = e.recorded_by"
#define JUDGEMENT_COLUMNS                                                                                              \
	CADRES_OFFICIAL_JSON                                                                                           \
	", j.score / 1000.0 AS score, j.reasons AS reasons, " CADRES_RECORDED_BY_JSON                                  \
	", j.recorded_at AS \"recorded_at:time\""                                                                      \
	" FROM assessment_judgements j JOIN officials o ON o.id = j.official_id JOIN orgs g ON g.id = o.org_id"        \
	" JOIN users u ON u.id = j.recorded_by"

/* A page of a group's evidence, newest first: sql selects it for ?1 the group, ?2 the cursor, ?3 the limit. */
static void evidence_page(struct request *r, const char *sql)
{
	struct cadres_group g;
	int64_t limit, cursor;
	if (!page_args(r, 100, 500, &limit, &cursor) || !cadres_group_of_route(r, &g))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, sql, "iii", g.id, cursor, limit);
	reply_rows(r, rc, s, row_as_json_of, limit);
}

/*
** ROUTE: GET /api/v1/cadres/groups/{id}/sittings
** AUTH: department
** DUTY: assessment
** SUMMARY: 列席旁听记录 The group's sittings-in, newest first
** ?limit= and ?cursor= paginate.
*/
void group_sittings_list(struct request *r)
{
	evidence_page(r, "SELECT " SITTING_COLUMNS " WHERE e.group_id = ?1 AND e.id < ?2 ORDER BY e.id DESC LIMIT ?3");
}

/*
** ROUTE: GET /api/v1/cadres/groups/{id}/visits
** AUTH: department
** DUTY: assessment
** SUMMARY: 明察暗访记录 The group's open and unannounced visits, newest first
** Each with kind_label (明察, 暗访) and closed_at (null while open); ?limit=
** and ?cursor= paginate.
*/
void group_visits_list(struct request *r)
{
	evidence_page(r, "SELECT " VISIT_COLUMNS " WHERE e.group_id = ?1 AND e.id < ?2 ORDER BY e.id DESC LIMIT ?3");
}

/*
** ROUTE: GET /api/v1/cadres/groups/{id}/judgements
** AUTH: department
** DUTY: assessment
** SUMMARY: 综合研判记录 The group's judgements of the officials it assesses
*/
void group_judgements_list(struct request *r)
{
	struct cadres_group g;
	if (!cadres_group_of_route(r, &g))
		return;
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s, "SELECT " JUDGEMENT_COLUMNS " WHERE j.group_id = ? ORDER BY g.path, o.id", "i", g.id);
	reply_rows(r, rc, s, row_as_json_of, 0);
}

/*
** ROUTE: GET /api/v1/cadres/officials/{id}/evidence
** AUTH: any
** SUMMARY: 考核材料 The evidence about an official: sittings, visits, judgements
** The sittings-in and visits of the official's organisation (or one above
** it), and every group's judgement of them, each with its "group" {id,name}.
** The official themselves (through their linked user) does not see an
** unannounced visit until it is closed; the department sees all.  Read as
** the file is: the official or the department, audited (cadres.evidence.read).
*/
void official_evidence(struct request *r)
{
	struct cadres_official o;
	int own = cadres_official_for_caller(r, &o);
	if (own < 0)
		return;
	json_t *out = json_object();
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT ag.id AS \"group.id\", ag.name AS \"group.name\", " SITTING_COLUMNS
	                    " JOIN assessment_groups ag ON ag.id = e.group_id WHERE " ABOUT_OFFICIAL
	                    " ORDER BY e.day DESC, e.id DESC LIMIT 500",
	                    "t", o.org_path);
	rc = rows_into(r, out, "sittings", rc, s, row_as_json_of);
	if (rc == 0) {
		rc = db_prepare(r->db, &s,
		                "SELECT ag.id AS \"group.id\", ag.name AS \"group.name\", " VISIT_COLUMNS
		                " JOIN assessment_groups ag ON ag.id = e.group_id WHERE " ABOUT_OFFICIAL
		                " AND (?2 = 0 OR e.kind = 'open' OR e.closed_at IS NOT NULL)"
		                " ORDER BY e.day DESC, e.id DESC LIMIT 500",
		                "ti", o.org_path, (int64_t)own);
		rc = rows_into(r, out, "visits", rc, s, row_as_json_of);
	}
	if (rc == 0) {
		rc = db_prepare(r->db, &s,
		                "SELECT ag.id AS \"group.id\", ag.name AS \"group.name\", " JUDGEMENT_COLUMNS
		                " JOIN assessment_groups ag ON ag.id = j.group_id WHERE j.official_id = ?"
		                " ORDER BY j.recorded_at DESC",
		                "i", o.id);
		rc = rows_into(r, out, "judgements", rc, s, row_as_json_of);
	}
	if (rc == 0)
		rc = cadres_audit_read(r, "cadres.evidence.read", &o, json_pack("{s:b}", "own", own));
	reply_json_or_db_error(r, rc, out);
}

/* ---- computed from the platform ---------------------------------------------------- */

/* One milestone row of milestones_sql as the reconciliation shows it. */
static json_t *milestone_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *row = row_as_json(s);
	int32_t planned = (int32_t)db_named_int64(s, "_planned"), actual = (int32_t)db_named_int64(s, "_actual");
	bool reached = !db_named_is_null(s, "_actual");
	int late;
	enum milestone_state state = milestone_state(planned, reached, actual, clock_local_day(clock_now()), &late);
	char planned_text[11], actual_text[11];
	clock_format_date(planned, planned_text);
	clock_format_date(actual, actual_text);
	int g = milestone_from_name(json_string_value(json_object_get(row, "milestone")));
	json_object_set_new(row, "milestone_label", json_string(g >= 0 ? milestone_labels[g] : ""));
	json_object_set_new(row, "planned", json_string(planned_text));
	json_object_set_new(row, "actual", reached ? json_string(actual_text) : json_null());
	json_object_set_new(row, "late_working_days", state == PENDING ? json_null() : json_integer(late));
	json_object_set_new(row, "state", json_string(milestone_states[state]));
	return row;
}

/*
** ROUTE: GET /api/v1/cadres/groups/{id}/milestones
** AUTH: department
** DUTY: assessment
** SUMMARY: 节点对账 Each planned milestone of the group's projects against its actual day
** ?from=&to= (default the group's period): the milestones planned in it, by
** planned day: project {code,name}, milestone (start, structure, complete,
** produce) and its label, planned, actual (null), late_working_days on the
** working-day calendar, and state: on_time, late (reached on a later working
** day), overdue (not reached, planned before today: late so far) or pending.
*/
void group_milestones(struct request *r)
{
	struct cadres_group g;
	int32_t from, to;
	if (!cadres_group_of_route(r, &g) || !group_period_args(r, &g, &from, &to))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, arena_printf(r->arena, milestones_sql, GROUP_PROJECTS), "iiii", g.id,
	                    (int64_t)from, (int64_t)to, g.task_id);
	reply_rows(r, rc, s, milestone_json, 0);
}

/* The tracking figures of one assessed organisation (at path) into row: 0 or a database error. */
static int org_tracking(struct request *r, const struct cadres_group *g, const char *path, int32_t from, int32_t to,
                        json_t *row)
{
	int64_t now = clock_now(), from_at = clock_local_midnight(from), to_at = clock_local_midnight(to + 1) - 1;
	int64_t moment = now < to_at ? now : to_at; /* the lights at the end of the period, or now */
	int32_t today = clock_local_day(now);
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT count(*), coalesce(sum(CASE WHEN p.red_at <= ?5 THEN 1 ELSE 0 END), 0),"
	               " coalesce(sum(CASE WHEN " SQL_YELLOW(
	                   "p.", "?5") " THEN 1 ELSE 0 END), 0)"
	                               " FROM projects p WHERE p.created_on <= ?3 AND " ORG_PROJECTS, /* ?2 unused */
	               "tiiii", path, (int64_t)from, (int64_t)to, g->task_id, moment);
	int64_t total = 0, red = 0, yellow = 0, met = 0, missed = 0;
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		total = db_column_int64(s, 0);
		red = db_column_int64(s, 1);
		yellow = db_column_int64(s, 2);
	}
	db_finalize(s);
	if (rc >= 0)
		rc = db_prepare(r->db, &s, arena_printf(r->arena, milestones_sql, ORG_PROJECTS), "tiii", path,
		                (int64_t)from, (int64_t)to, g->task_id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int late;
		enum milestone_state state =
		    milestone_state((int32_t)db_named_int64(s, "_planned"), !db_named_is_null(s, "_actual"),
		                    (int32_t)db_named_int64(s, "_actual"), today, &late);
		met += state == ON_TIME;
		missed += state == LATE || state == OVERDUE;
	}
	db_finalize(s);
	json_object_set_new(row, "projects",
	                    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "total", (json_int_t)total, "green",
	                              (json_int_t)(total - red - yellow), "yellow", (json_int_t)yellow, "red",
	                              (json_int_t)red, "milestones_met", (json_int_t)met, "milestones_missed",
	                              (json_int_t)missed));
	if (rc >= 0)
		rc = db_prepare(
		    r->db, &s,
		    "SELECT count(*), coalesce(sum(CASE WHEN q.answered_at <= q.answer_due THEN 1 ELSE 0 END), 0),"
		    " round(avg(q.rating), 2) FROM problems q JOIN orgs g ON g.id = q.department_org_id"
		    " WHERE q.answered_at BETWEEN ?2 AND ?3 AND " ORG_PROBLEMS,
		    "tiii", path, from_at, to_at, g->task_id);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t answered = db_column_int64(s, 0), on_time = db_column_int64(s, 1);
		json_object_set_new(
		    row, "problems",
		    json_pack("{s:I, s:I, s:I, s:o}", "answered", (json_int_t)answered, "on_time", (json_int_t)on_time,
		              "late", (json_int_t)(answered - on_time), "average_rating",
		              db_column_is_null(s, 2) ? json_null() : json_real(db_column_double(s, 2))));
	}
	db_finalize(s);
	if (rc >= 0)
		rc = db_prepare(
		    r->db, &s,
		    "SELECT count(DISTINCT l.id), count(DISTINCT CASE WHEN e.to_stage = 'signed' THEN l.id END)"
		    " FROM leads l JOIN lead_events e ON e.lead_id = l.id AND e.kind = 'stage'"
		    " AND e.at BETWEEN ?2 AND ?3 WHERE " ORG_LEADS,
		    "tiii", path, from_at, to_at, g->task_id);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_object_set_new(row, "leads",
		                    json_pack("{s:I, s:I}", "moved", (json_int_t)db_column_int64(s, 0), "signed",
		                              (json_int_t)db_column_int64(s, 1)));
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

/*
** ROUTE: GET /api/v1/cadres/groups/{id}/tracking
** AUTH: department
** DUTY: assessment
** SUMMARY: 动态跟踪 What the platform recorded of the assessed organisations and officials
** ?from=&to= (default the group's period).  For each organisation of the
** group: its projects (registered by the period's end) with their lights at
** the period's end (or now) and their milestones planned in the period met
** or missed (late, or overdue), the problems it answered in the period (on
** time against the answer deadline, late, average rating of those rated),
** and its leads moved a stage and signed in the period.  For each assessed
** official, through their linked user: follow-ups logged, inspections done,
** investment visits made, and problems handled (accepted, started or
** answered) in the period.  Records of a kind the group's task names count
** only when the task covers them.
*/
void group_tracking(struct request *r)
{
	struct cadres_group g;
	int32_t from, to;
	if (!cadres_group_of_route(r, &g) || !group_period_args(r, &g, &from, &to))
		return;
	json_t *orgs = json_array(), *out = json_pack("{s:o}", "orgs", orgs);
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT g.code, g.name, g.path FROM assessment_group_orgs a JOIN orgs g ON g.id = a.org_id"
	                    " WHERE a.group_id = ? ORDER BY g.path",
	                    "i", g.id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *row =
		    json_pack("{s:{s:s, s:s}}", "org", "code", db_column_text(s, 0), "name", db_column_text(s, 1));
		json_array_append_new(orgs, row);
		rc = org_tracking(r, &g, db_column_text(s, 2), from, to, row);
	}
	db_finalize(s);
	if (rc == DB_DONE)
		rc = db_prepare(
		    r->db, &s,
		    arena_printf(
		        r->arena,
		        "SELECT " CADRES_OFFICIAL_JSON ","
		        " (SELECT count(*) FROM project_followups f WHERE f.agent_id = o.user_id AND f.happened_on "
		        "BETWEEN ?2 AND ?3)"
		        " AS followups,"
		        " (SELECT count(*) FROM project_inspections i WHERE i.done_by = o.user_id AND i.done_on "
		        "BETWEEN ?2 AND ?3)"
		        " AS inspections,"
		        " (SELECT count(*) FROM visits v WHERE v.officer_id = o.user_id AND v.happened_on BETWEEN ?2 "
		        "AND ?3)"
		        " AS visits,"
		        " (SELECT count(DISTINCT e.problem_id) FROM problem_events e WHERE e.actor_id = o.user_id"
		        "  AND e.kind IN ('accept', 'start', 'answer') AND e.at BETWEEN ?4 AND ?5) AS problems_handled"
		        " FROM officials o JOIN orgs g ON g.id = o.org_id WHERE o.id IN (%s) ORDER BY g.path, o.id",
		        cadres_assessed_sql),
		    "iiiii", g.id, (int64_t)from, (int64_t)to, clock_local_midnight(from),
		    clock_local_midnight(to + 1) - 1);
	reply_json_or_db_error(r, rc < 0 ? rc : rows_into(r, out, "officials", rc, s, row_as_json_of), out);
}
