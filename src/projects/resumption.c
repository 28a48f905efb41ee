/*
** Work resumption (复工复产): for a major project or an enterprise of the
** desk, the day work stopped and resumed, the workforce it needs and who
** was on site day by day (the arrival rate, 人员到位率), the workers
** brought back and how (点对点专车, 包车, on their own), the
** epidemic-control measures in place (a checklist), and the desk's problems
** that block it (linked, not a second problem system).  A project's record
** shows the schedule lost and won back against its plan's completion target,
** in working days on the calendar; the city's statistics give resumption and
** arrival rates by district and industry, the earliest and fullest, and the
** lines a bulletin needs.
**
** The schedule, in working days (calendar.h), as of a day:
**   lost      the working days from stopped_on to the day before resumed_on
**             (to today while not resumed), plus the crew missing on the
**             working days since (worker-days short / workforce needed);
**   won back  the rest days worked since resuming (weekends and holidays:
**             worker-days on site, a full crew at most, / workforce needed).
** The completion projected without catching up is the plan's completion
** target plus the days lost; with it, plus the days lost less those won.
**
** Who may: administrators, officers and agents record for the projects and
** enterprises of their area (as follow-ups and inspections); leaders read
** theirs; anything outside the caller's area is 404, as a project is.
*/
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "desk/desk.h"
#include "org/org.h"
#include "projects/projects.h"

/* The epidemic-control checklist. */
static const struct {
	const char *code, *zh, *en;
} measures[] = {
    {"temperature", "每日体温检测", "Temperature checked daily"},
    {"health_record", "返岗人员健康码与行程登记", "Returning workers' health codes and travel recorded"},
    {"masks", "口罩等防护用品配足", "Masks and protective gear in stock"},
    {"disinfection", "工地、宿舍每日消杀", "Site and dormitories disinfected daily"},
    {"closed_site", "封闭管理、实名出入", "Closed site, entry by name"},
    {"isolation_room", "设置临时隔离观察室", "Temporary isolation room"},
    {"meals", "分餐错峰就餐", "Meals apart and staggered"},
    {"contingency", "防疫专员与应急预案", "Epidemic officer and contingency plan"},
};
enum { N_MEASURES = sizeof measures / sizeof measures[0] };

/* A record as the answers show it, as of day ?1 (see row_as_json). */
static const char record_select[] =
    "SELECT r.id AS id, CASE WHEN r.project_id IS NULL THEN 'enterprise' ELSE 'project' END AS kind,"
    " coalesce(p.name, e.name) AS name, p.id AS \"project.id\", p.code AS \"project.code\","
    " e.id AS \"enterprise.id\", e.name AS \"enterprise.name\", o.code AS \"district.code\","
    " o.name AS \"district.name\", coalesce(p.industry, e.industry) AS industry,"
    " r.stopped_on AS \"stopped_on:date\", CASE WHEN r.resumed_on <= ?1 THEN r.resumed_on END AS \"resumed_on:date\","
    " r.workforce_needed AS workforce_needed,"
    " (SELECT d.on_site FROM resumption_days d WHERE d.resumption_id = r.id AND d.day <= ?1"
    "  ORDER BY d.day DESC LIMIT 1) AS on_site,"
    " (SELECT max(d.day) FROM resumption_days d WHERE d.resumption_id = r.id AND d.day <= ?1) AS \"on_site_day:date\","
    " (SELECT coalesce(sum(d.back_point_to_point), 0) FROM resumption_days d WHERE d.resumption_id = r.id"
    "  AND d.day <= ?1) AS \"back.point_to_point\","
    " (SELECT coalesce(sum(d.back_charter), 0) FROM resumption_days d WHERE d.resumption_id = r.id AND d.day <= ?1)"
    "  AS \"back.charter\","
    " (SELECT coalesce(sum(d.back_own), 0) FROM resumption_days d WHERE d.resumption_id = r.id AND d.day <= ?1)"
    "  AS \"back.own\","
    " (SELECT count(*) FROM resumption_measures m WHERE m.resumption_id = r.id) AS measures_in_place,"
    " (SELECT count(*) FROM resumption_problems x JOIN problems q ON q.id = x.problem_id"
    "  WHERE x.resumption_id = r.id AND q.status <> 'closed') AS open_problems,"
    " r.note AS note, r.resumed_on AS _resumed, r.stopped_on AS _stopped, o.path AS _path,"
    " r.project_id AS _project, r.enterprise_id AS _enterprise"
    " FROM resumptions r JOIN enterprises e ON e.id = r.enterprise_id LEFT JOIN projects p ON p.id = r.project_id"
    " JOIN orgs o ON o.id = r.district_org_id";

/* Workers on site counted towards the arrival rate: a full crew at most. */
static int64_t crew(int64_t on_site, int64_t needed)
{
	return on_site < needed ? on_site : needed;
}

/* A day-number column by name; PLAN_NO_DAY for NULL. */
static int32_t named_day(struct db_stmt *s, const char *name)
{
	return db_named_is_null(s, name) ? PLAN_NO_DAY : (int32_t)db_named_int64(s, name);
}

/* Room for cap items of size each, keeping the used bytes of old (arena memory is never freed one by one). */
static void *grow(struct arena *a, void *old, size_t used, size_t cap, size_t size)
{
	void *p = arena_alloc(a, cap * size);
	if (p && used)
		memcpy(p, old, used);
	return p;
}

/* A share as a real with three decimals (0.985), for the answers. */
static json_t *share(int64_t part, int64_t whole)
{
	return whole > 0 ? json_real((double)(part * 1000 / whole) / 1000.0) : json_null();
}

static json_t *record_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *j = row_as_json(s);
	int64_t needed = db_named_int64(s, "workforce_needed");
	bool resumed = !db_named_is_null(s, "resumed_on:date");
	json_object_set_new(j, "resumed", json_boolean(resumed));
	json_object_set_new(j, "arrival_rate",
	                    db_named_is_null(s, "on_site") ? json_null()
	                                                   : share(crew(db_named_int64(s, "on_site"), needed), needed));
	json_object_set_new(j, "measures_total", json_integer(N_MEASURES));
	return j;
}

/* The record of the route's {id} in the caller's area, on s (finalized by the caller) as of today; else 404. */
static bool record_from_route(struct request *r, struct db_stmt **s, int64_t *ret_id)
{
	if (!route_param_id(r, "id", ret_id))
		return false;
	int rc = db_prepare(
	    r->db, s, arena_printf(r->arena, "%s WHERE r.id = ?2 AND " SQL_ON_BRANCH("o.path", "?3"), record_select),
	    "iit", (int64_t)clock_local_day(clock_now()), *ret_id, request_area(r));
	return db_row_or_reply(r, rc, *s, "unknown_resumption", "复工记录不存在 (no such resumption record)");
}

/* ---- the schedule ------------------------------------------------------ */

struct schedule {
	int lost, won_back;
};

/*
** The working days lost and won back, as of today, of a site that stopped on
** `stopped` (PLAN_NO_DAY: no halt recorded) and resumed on `resumed`
** (PLAN_NO_DAY: not yet), needing `needed` workers, with n daily counts of
** workers on site on days[i].
*/
static struct schedule schedule_work(const struct calendar *cal, int32_t stopped, int32_t resumed, int32_t today,
                                     int64_t needed, const int32_t *days, const int64_t *on_site, size_t n)
{
	int32_t halt_end = resumed != PLAN_NO_DAY ? resumed - 1 : today;
	int halt = stopped != PLAN_NO_DAY && halt_end >= stopped
	               ? calendar_working_days_between(cal, stopped - 1, halt_end)
	               : 0;
	int64_t short_by = 0, extra = 0; /* worker-days */
	for (size_t i = 0; resumed != PLAN_NO_DAY && i < n; i++) {
		if (days[i] < resumed || days[i] > today)
			continue;
		if (calendar_is_working_day(cal, days[i]))
			short_by += needed - crew(on_site[i], needed);
		else
			extra += crew(on_site[i], needed);
	}
	return (struct schedule){.lost = halt + (int)(short_by / needed), .won_back = (int)(extra / needed)};
}

/* A day as "YYYY-MM-DD" in JSON; null for PLAN_NO_DAY. */
static json_t *day_json(int32_t day)
{
	char buf[11];
	return day == PLAN_NO_DAY || clock_format_date(day, buf) < 0 ? json_null() : json_string(buf);
}

/*
** The record's days (into out, "days") and, for a project, its schedule
** against the completion target of its plan ("schedule").
*/
static int days_and_schedule_into(struct request *r, json_t *out, int64_t id, int64_t project, int64_t needed,
                                  int32_t stopped, int32_t resumed)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT day, on_site, back_point_to_point, back_charter, back_own FROM resumption_days"
	                    " WHERE resumption_id = ? ORDER BY day",
	                    "i", id);
	size_t n = 0, cap = 0;
	int32_t *days = NULL;
	int64_t *on_site = NULL;
	json_t *list = json_array();
	const struct calendar *cal = calendar_china();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			days = grow(r->arena, days, n * sizeof *days, cap, sizeof *days);
			on_site = grow(r->arena, on_site, n * sizeof *on_site, cap, sizeof *on_site);
			if (!days || !on_site) {
				rc = DB_ERROR;
				break;
			}
		}
		days[n] = (int32_t)db_column_int64(s, 0);
		on_site[n] = db_column_int64(s, 1);
		json_array_append_new(
		    list, json_pack("{s:o, s:I, s:o, s:b, s:{s:I, s:I, s:I}}", "day", day_json(days[n]), "on_site",
		                    (json_int_t)on_site[n], "arrival_rate", share(crew(on_site[n], needed), needed),
		                    "working_day", calendar_is_working_day(cal, days[n]), "back", "point_to_point",
		                    (json_int_t)db_column_int64(s, 2), "charter", (json_int_t)db_column_int64(s, 3),
		                    "own", (json_int_t)db_column_int64(s, 4)));
		n++;
	}
	db_finalize(s);
	json_object_set_new(out, "days", list);
	if (rc < 0)
		return rc;
	int32_t today = clock_local_day(clock_now());
	struct schedule w = schedule_work(cal, stopped, resumed, today, needed, days, on_site, n);
	json_t *sched = json_pack("{s:i, s:i}", "lost_days", w.lost, "won_back_days", w.won_back);
	json_object_set_new(out, "schedule", sched);
	if (!project)
		return 0;
	int64_t target = 0;
	rc = db_query_int64(r->db, &target,
	                    "SELECT target FROM project_milestones WHERE project_id = ? AND kind = 'complete'"
	                    " AND target IS NOT NULL",
	                    "i", project);
	if (rc < 0)
		return rc;
	int32_t planned = rc == DB_DONE ? PLAN_NO_DAY : (int32_t)target;
	json_object_set_new(sched, "planned_completion", day_json(planned));
	json_object_set_new(
	    sched, "projected_without_catch_up",
	    day_json(planned == PLAN_NO_DAY ? planned : calendar_add_working_days(cal, planned, w.lost)));
	json_object_set_new(
	    sched, "projected_completion",
	    day_json(planned == PLAN_NO_DAY ? planned : calendar_add_working_days(cal, planned, w.lost - w.won_back)));
	return 0;
}

static int measures_into(struct request *r, json_t *out, int64_t id)
{
	json_t *list = json_array();
	json_object_set_new(out, "measures", list);
	for (size_t i = 0; i < N_MEASURES; i++) {
		int64_t in_place = 0;
		int rc =
		    db_query_int64(r->db, &in_place,
		                   "SELECT count(*) FROM resumption_measures WHERE resumption_id = ? AND measure = ?",
		                   "it", id, measures[i].code);
		if (rc < 0)
			return rc;
		json_array_append_new(list,
		                      json_pack("{s:s, s:s, s:s, s:b}", "code", measures[i].code, "name",
		                                measures[i].zh, "name_en", measures[i].en, "in_place", in_place > 0));
	}
	return 0;
}

static json_t *problem_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *j = row_as_json(s);
	json_object_set_new(j, "light",
	                    json_string(desk_light(db_named_text(s, "status"), db_named_int64(s, "_accept_due"),
	                                           db_named_int64(s, "_answer_due"), clock_now())));
	return j;
}

static int problems_into(struct request *r, json_t *out, int64_t id)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT q.id AS id, q.title AS title, q.category AS category, q.status AS status,"
	               " g.name AS \"department.name\", x.linked_at AS \"linked_at:time\", q.accept_due AS _accept_due,"
	               " q.answer_due AS _answer_due FROM resumption_problems x JOIN problems q ON q.id = x.problem_id"
	               " JOIN orgs g ON g.id = q.department_org_id WHERE x.resumption_id = ? ORDER BY q.id",
	               "i", id);
	return rows_into(r, out, "problems", rc, s, problem_json);
}

/*
** ROUTE: GET /api/v1/resumptions/{id}
** AUTH: admin,leader,officer,agent
** SUMMARY: 复工详情 A resumption record: its days, measures, blocking problems and schedule won back
*/
void resumption_get(struct request *r)
{
	struct db_stmt *s;
	int64_t id;
	if (!record_from_route(r, &s, &id))
		return;
	json_t *out = record_json(r, s);
	int64_t project = db_named_int64(s, "_project"), needed = db_named_int64(s, "workforce_needed");
	int32_t stopped = named_day(s, "_stopped"), resumed = named_day(s, "_resumed");
	db_finalize(s);
	int rc = days_and_schedule_into(r, out, id, project, needed, stopped, resumed);
	if (rc == 0)
		rc = measures_into(r, out, id);
	if (rc == 0)
		rc = problems_into(r, out, id);
	reply_json_or_db_error(r, rc, out);
}

/* The ?on= of a list or the statistics (default today); answers 422 and returns false when it is no date. */
static bool on_arg(struct request *r, int32_t *ret)
{
	const char *text = query_arg(r, "on");
	*ret = clock_local_day(clock_now());
	if (text && clock_parse_date(text, ret) < 0) {
		reply_error(r, 422, "invalid_date", "on", "日期应为 YYYY-MM-DD (on: YYYY-MM-DD)");
		return false;
	}
	return true;
}

/*
** ROUTE: GET /api/v1/resumptions
** AUTH: admin,leader,officer,agent
** SUMMARY: 复工复产台账 Resumption records of the caller's area: not yet resumed, then the lowest arrival, first
** ?on=YYYY-MM-DD (default today): as of that day; ?project=ID (that project's
** record), ?district=CODE, ?state=waiting|resumed|all (default all); at most 1,000.
*/
void resumption_list(struct request *r)
{
	static const char *const states[] = {"waiting", "resumed", "all", NULL};
	const char *state = query_arg(r, "state"), *project = query_arg(r, "project");
	int32_t on;
	if (choice_or_reply(r, "invalid_filter", "state", state, states) == -2 || !on_arg(r, &on))
		return;
	int64_t project_id = project ? strtoll(project, NULL, 10) : 0;
	if (project && project_id <= 0) {
		reply_error(r, 422, "invalid_filter", "project", "项目编号应为正整数 (project: a positive id)");
		return;
	}
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    arena_printf(
	        r->arena,
	        "SELECT * FROM (%s WHERE " SQL_ON_BRANCH(
	            "o.path", "?2") " AND (?3 = 0 OR r.project_id = ?3) AND (?4 IS NULL OR o.code = ?4)) t"
	                            " WHERE (?5 = 'all' OR (?5 = 'resumed') = (t.\"resumed_on:date\" IS NOT NULL))"
	                            " ORDER BY t.\"resumed_on:date\" IS NOT NULL, coalesce(CAST(CASE WHEN t.on_site > "
	                            "t.workforce_needed"
	                            " THEN t.workforce_needed ELSE t.on_site END AS REAL) / t.workforce_needed, 0), "
	                            "t.id LIMIT 1000",
	        record_select),
	    "ititt", (int64_t)on, request_area(r), project_id, query_arg(r, "district"), state ? state : "all");
	reply_rows(r, rc, s, record_json, 0);
}

/*
** ROUTE: GET /api/v1/resumptions/measures
** AUTH: admin,leader,officer,agent
** SUMMARY: 防疫措施清单 The epidemic-control checklist a record ticks
*/
void resumption_measures(struct request *r)
{
	json_t *items = json_array();
	for (size_t i = 0; i < N_MEASURES; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "code", measures[i].code, "name",
		                                       measures[i].zh, "name_en", measures[i].en));
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- recording ---------------------------------------------------------- */

/* What a record holds, as the body gives it over what it held. */
struct record_input {
	int32_t stopped, resumed; /* PLAN_NO_DAY: none */
	int64_t needed;
	const char *note;
	json_t *measures; /* the body's array, or NULL to keep */
};

/* A record to change: what it holds, where it is, and its project (project.id 0: an enterprise's own). */
struct record_ref {
	int64_t id, enterprise;
	const char *path;
	struct project project;
	struct record_input was;
};

/* Load the route's record, and its project, for a change; answers and returns false otherwise. */
static bool record_for_change(struct request *r, struct record_ref *ret)
{
	struct db_stmt *s;
	if (!record_from_route(r, &s, &ret->id))
		return false;
	int64_t project = db_named_int64(s, "_project");
	ret->enterprise = db_named_int64(s, "_enterprise");
	ret->path = arena_strdup(r->arena, db_named_text(s, "_path"));
	ret->was = (struct record_input){
	    .stopped = named_day(s, "_stopped"),
	    .resumed = named_day(s, "_resumed"),
	    .needed = db_named_int64(s, "workforce_needed"),
	    .note = db_named_is_null(s, "note") ? NULL : arena_strdup(r->arena, db_named_text(s, "note"))};
	db_finalize(s);
	ret->project.id = 0;
	return !project || project_by_id(r, project, &ret->project);
}

/* A day field of the body, optional, not in the future; null clears it (PLAN_NO_DAY). */
static bool body_day(struct request *r, const char *field, const struct project *p, int32_t *day)
{
	json_t *v = json_object_get(r->json, field);
	if (json_is_null(v)) {
		if (v)
			*day = PLAN_NO_DAY;
		return true;
	}
	return project_body_day(r, field, FIELD_OPTIONAL, p, true, day, NULL);
}

/* Read the body over in; validate it.  Answers 422 and returns false on bad input. */
static bool record_input_read(struct request *r, const struct project *p, struct record_input *in, bool creating)
{
	bool present;
	const char *note;
	if (!body_day(r, "stopped_on", p, &in->stopped) || !body_day(r, "resumed_on", p, &in->resumed) ||
	    !body_int64(r, "workforce_needed", creating ? FIELD_REQUIRED : FIELD_OPTIONAL, 1, 1000000, &in->needed,
	                &present) ||
	    !body_string(r, "note", FIELD_OPTIONAL, 2000, &note))
		return false;
	if (json_object_get(r->json, "note")) /* a change that does not name the note keeps it; null clears it */
		in->note = note;
	if (in->stopped != PLAN_NO_DAY && in->resumed != PLAN_NO_DAY && in->stopped > in->resumed) {
		reply_error(r, 422, "invalid_date", "resumed_on",
		            "复工日期不能早于停工日期 (resumed_on before stopped_on)");
		return false;
	}
	json_t *m = json_object_get(r->json, "measures"), *v;
	size_t i;
	if (m && !json_is_array(m)) {
		reply_error(r, 422, "invalid_field", "measures",
		            "防疫措施应为清单代码的数组 (measures: an array of codes)");
		return false;
	}
	json_array_foreach(m, i, v)
	{
		size_t k = 0;
		while (k < N_MEASURES && !(json_is_string(v) && strcmp(json_string_value(v), measures[k].code) == 0))
			k++;
		if (k == N_MEASURES) {
			reply_error(r, 422, "unknown_measure", "measures",
			            "未知的防疫措施,见 GET /api/v1/resumptions/measures (unknown measure)");
			return false;
		}
	}
	in->measures = m;
	return true;
}

/* The record's fields as the audit's before or after. */
static json_t *record_audit(const struct record_input *in)
{
	json_t *j = json_pack("{s:o, s:o, s:I}", "stopped_on", day_json(in->stopped), "resumed_on",
	                      day_json(in->resumed), "workforce_needed", (json_int_t)in->needed);
	if (in->note)
		json_object_set_new(j, "note", json_string(in->note));
	if (in->measures)
		json_object_set(j, "measures", in->measures);
	return j;
}

/* Write the record's fields and, when given, its measures (inside a transaction). */
static int record_write(struct request *r, int64_t id, const struct record_input *in)
{
	int rc = db_run(r->db,
	                "UPDATE resumptions SET stopped_on = ?, resumed_on = ?, workforce_needed = ?, note = ?,"
	                " updated_at = ? WHERE id = ?",
	                "rritii", (int64_t)(in->stopped == PLAN_NO_DAY ? 0 : in->stopped),
	                (int64_t)(in->resumed == PLAN_NO_DAY ? 0 : in->resumed), in->needed, in->note, clock_now(), id);
	if (rc == 0 && in->measures)
		rc = db_run(r->db, "DELETE FROM resumption_measures WHERE resumption_id = ?", "i", id);
	size_t i;
	json_t *v;
	json_array_foreach(in->measures, i, v)
	{
		if (rc == 0)
			rc = db_run(r->db, "INSERT INTO resumption_measures VALUES (?, ?) ON CONFLICT DO NOTHING", "it",
			            id, json_string_value(v));
	}
	return rc;
}

static int record_audit_append(struct request *r, const char *action, int64_t id, const char *path, json_t *detail)
{
	struct audit_context ctx = audit_context_of(r);
	int rc = audit_append(r->db, &ctx, action, "resumption", arena_printf(r->arena, "%lld", (long long)id), path,
	                      detail);
	json_decref(detail);
	return rc;
}

static void record_publish(const char *path, int64_t id, const char *change)
{
	json_t *data = json_pack("{s:I, s:s}", "id", (json_int_t)id, "change", change);
	events_publish("resumptions.record", path, data);
	json_decref(data);
}

/*
** ROUTE: POST /api/v1/resumptions
** AUTH: admin,officer,agent
** SUMMARY: 登记复工复产 Record a project's or an enterprise's resumption
** Body: {"project" or "enterprise" (an id: one of them), "workforce_needed",
** "stopped_on", "resumed_on" (YYYY-MM-DD, not in the future; none yet: not
** resumed), "measures" (codes of the checklist), "note"}.  One record a
** project, and one an enterprise besides its projects': another is 409.
*/
void resumption_post(struct request *r)
{
	static const char *const fields[] = {
	    "project", "enterprise", "workforce_needed", "stopped_on", "resumed_on", "measures", "note", NULL};
	int64_t project_id = 0, enterprise_id = 0;
	bool has_project, has_enterprise;
	if (!body_only(r, fields) ||
	    !body_int64(r, "project", FIELD_OPTIONAL, 1, INT64_MAX, &project_id, &has_project) ||
	    !body_int64(r, "enterprise", FIELD_OPTIONAL, 1, INT64_MAX, &enterprise_id, &has_enterprise))
		return;
	if (has_project == has_enterprise) {
		reply_error(r, 422, "missing_field", "project",
		            "请指定项目或企业之一 (give either project or enterprise)");
		return;
	}
	struct project p;
	struct enterprise e;
	int64_t district;
	const char *path;
	if (has_project) {
		if (!project_by_id(r, project_id, &p))
			return;
		enterprise_id = p.enterprise_id;
		district = p.district_org_id;
		path = p.district_path;
	} else {
		if (!enterprise_for_caller(r, enterprise_id, &e))
			return;
		district = e.org_id;
		path = e.org_path;
	}
	struct record_input in = {.stopped = PLAN_NO_DAY, .resumed = PLAN_NO_DAY};
	if (!record_input_read(r, has_project ? &p : NULL, &in, true))
		return;
	int64_t existing = 0;
	int rc = db_query_int64(r->db, &existing,
	                        "SELECT id FROM resumptions WHERE project_id = ?1 OR (?1 IS NULL AND project_id IS NULL"
	                        " AND enterprise_id = ?2)",
	                        "ri", project_id, enterprise_id);
	if (rc == 0) {
		reply_error(r, 409, "already_recorded", has_project ? "project" : "enterprise",
		            "已有复工记录,编号 %lld (already recorded as %lld)", (long long)existing,
		            (long long)existing);
		return;
	}
	int64_t now = clock_now(), id = 0;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO resumptions(project_id, enterprise_id, district_org_id, workforce_needed, created_by,"
		    " created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
		    "riiiiii", project_id, enterprise_id, district, in.needed, r->who.user_id, now, now);
	id = db_last_insert_id(r->db);
	if (rc == 0)
		rc = record_write(r, id, &in);
	if (rc == 0)
		rc = record_audit_append(r, "resumption.record", id, path,
		                         json_pack("{s:o}", "after", record_audit(&in)));
	if (rc == 0 && has_project)
		rc = project_event(r, p.id, 0, "resumption", NULL, NULL, "登记复工复产");
	if (!db_finish_or_reply(r, rc))
		return;
	record_publish(path, id, "record");
	reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/*
** ROUTE: PATCH /api/v1/resumptions/{id}
** AUTH: admin,officer,agent
** SUMMARY: 修改复工记录 Change a record's days, workforce, measures or note
** Body: any of {"stopped_on","resumed_on","workforce_needed","measures","note"};
** a day null clears it, measures replace the list.
*/
void resumption_patch(struct request *r)
{
	static const char *const fields[] = {"stopped_on", "resumed_on", "measures", "workforce_needed", "note", NULL};
	struct record_ref ref;
	if (!body_only(r, fields) || !record_for_change(r, &ref))
		return;
	struct record_input in = ref.was;
	if (!record_input_read(r, ref.project.id ? &ref.project : NULL, &in, false))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = record_write(r, ref.id, &in);
	if (rc == 0)
		rc = record_audit_append(
		    r, "resumption.update", ref.id, ref.path,
		    json_pack("{s:o, s:o}", "before", record_audit(&ref.was), "after", record_audit(&in)));
	if (!db_finish_or_reply(r, rc))
		return;
	record_publish(ref.path, ref.id, "update");
	reply_json(r, 200, json_pack("{s:I}", "id", (json_int_t)ref.id));
}

/*
** ROUTE: POST /api/v1/resumptions/{id}/days
** AUTH: admin,officer,agent
** SUMMARY: 填报每日到岗 Record a day's workers on site and those brought back, and how
** Body: {"day" (default today, not in the future), "on_site", "back_point_to_point"
** (点对点专车), "back_charter" (包车), "back_own" (自行返岗)}.  A day recorded
** again is replaced (200); a new one is 201.
*/
void resumption_day_post(struct request *r)
{
	static const char *const fields[] = {"day", "on_site", "back_point_to_point", "back_charter", "back_own", NULL};
	struct record_ref ref;
	int64_t on_site, p2p = 0, charter = 0, own = 0;
	int32_t day = clock_local_day(clock_now());
	if (!body_only(r, fields) || !record_for_change(r, &ref))
		return;
	if (!project_body_day(r, "day", FIELD_OPTIONAL, ref.project.id ? &ref.project : NULL, true, &day, NULL) ||
	    !body_int64(r, "on_site", FIELD_REQUIRED, 0, 1000000, &on_site, NULL) ||
	    !body_int64(r, "back_point_to_point", FIELD_OPTIONAL, 0, 1000000, &p2p, NULL) ||
	    !body_int64(r, "back_charter", FIELD_OPTIONAL, 0, 1000000, &charter, NULL) ||
	    !body_int64(r, "back_own", FIELD_OPTIONAL, 0, 1000000, &own, NULL))
		return;
	json_t *before = NULL;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT on_site AS on_site, back_point_to_point AS back_point_to_point,"
	                    " back_charter AS back_charter, back_own AS back_own FROM resumption_days"
	                    " WHERE resumption_id = ? AND day = ?",
	                    "ii", ref.id, (int64_t)day);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		before = row_as_json(s);
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	json_t *after = json_pack("{s:o, s:I, s:I, s:I, s:I}", "day", day_json(day), "on_site", (json_int_t)on_site,
	                          "back_point_to_point", (json_int_t)p2p, "back_charter", (json_int_t)charter,
	                          "back_own", (json_int_t)own);
	json_t *detail = json_pack("{s:o}", "after", after);
	if (before)
		json_object_set_new(detail, "before", before);
	rc = db_begin(r->db);
	if (rc == 0)
		rc =
		    db_run(r->db,
		           "INSERT INTO resumption_days(resumption_id, day, on_site, back_point_to_point, back_charter,"
		           " back_own, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?)"
		           " ON CONFLICT (resumption_id, day) DO UPDATE SET on_site = excluded.on_site,"
		           " back_point_to_point = excluded.back_point_to_point, back_charter = excluded.back_charter,"
		           " back_own = excluded.back_own, recorded_by = excluded.recorded_by,"
		           " recorded_at = excluded.recorded_at",
		           "iiiiiiii", ref.id, (int64_t)day, on_site, p2p, charter, own, r->who.user_id, clock_now());
	if (rc == 0)
		rc = record_audit_append(r, "resumption.day", ref.id, ref.path, detail);
	else
		json_decref(detail);
	if (!db_finish_or_reply(r, rc))
		return;
	record_publish(ref.path, ref.id, "day");
	reply_json(r, before ? 200 : 201, json_pack("{s:I, s:o}", "id", (json_int_t)ref.id, "day", day_json(day)));
}

/*
** ROUTE: POST /api/v1/resumptions/{id}/problems
** AUTH: admin,officer,agent
** SUMMARY: 关联复工难题 Link a problem of the desk that blocks this resumption
** Body: {"problem": id}: a problem the caller may see, raised for the
** record's enterprise (raise it first with POST /api/v1/problems).  Linking
** it twice is 409.
*/
void resumption_problem_post(struct request *r)
{
	static const char *const fields[] = {"problem", NULL};
	struct record_ref ref;
	int64_t problem;
	if (!body_only(r, fields) || !body_int64(r, "problem", FIELD_REQUIRED, 1, INT64_MAX, &problem, NULL) ||
	    !record_for_change(r, &ref))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT q.enterprise_id, o.path, g.path, q.title FROM problems q JOIN orgs o"
	                    " ON o.id = q.district_org_id JOIN orgs g ON g.id = q.department_org_id WHERE q.id = ?",
	                    "i", problem);
	bool found = rc == 0 && (rc = db_step(s)) == DB_ROW &&
	             desk_problem_visible(r, db_column_text(s, 1), db_column_text(s, 2));
	bool same = found && db_column_int64(s, 0) == ref.enterprise;
	const char *title = found ? arena_strdup(r->arena, db_column_text(s, 3)) : NULL;
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!found) {
		reply_error(r, 422, "unknown_problem", "problem", "问题不存在 (no such problem)");
		return;
	}
	if (!same) {
		reply_error(r, 422, "other_enterprise", "problem",
		            "该问题不是本企业(项目业主)提出的 (the problem is not this enterprise's)");
		return;
	}
	int64_t linked = 0;
	rc = db_query_int64(r->db, &linked,
	                    "SELECT count(*) FROM resumption_problems WHERE resumption_id = ? AND problem_id = ?", "ii",
	                    ref.id, problem);
	if (rc == 0 && linked) {
		reply_error(r, 409, "already_linked", "problem", "该问题已关联 (already linked)");
		return;
	}
	if (rc == 0)
		rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "INSERT INTO resumption_problems VALUES (?,?,?,?)", "iiii", ref.id, problem,
		            r->who.user_id, clock_now());
	if (rc == 0)
		rc = record_audit_append(
		    r, "resumption.problem", ref.id, ref.path,
		    json_pack("{s:{s:I, s:s}}", "after", "problem", (json_int_t)problem, "title", title));
	if (!db_finish_or_reply(r, rc))
		return;
	record_publish(ref.path, ref.id, "problem");
	reply_json(r, 201, json_pack("{s:I, s:I}", "id", (json_int_t)ref.id, "problem", (json_int_t)problem));
}

/* ---- statistics ---------------------------------------------------------- */

/* Running figures of a group (a district, an industry, the whole). */
struct tally {
	int64_t records, resumed, needed, crew, point_to_point, charter, own;
};

static void tally_add(struct tally *t, bool resumed, int64_t needed, int64_t crew_on_site)
{
	t->records++;
	if (resumed) {
		t->resumed++;
		t->needed += needed;
		t->crew += crew_on_site;
	}
}

static json_t *tally_json(const struct tally *t)
{
	return json_pack("{s:I, s:I, s:o, s:I, s:I, s:o}", "records", (json_int_t)t->records, "resumed",
	                 (json_int_t)t->resumed, "resumption_rate", share(t->resumed, t->records), "workforce_needed",
	                 (json_int_t)t->needed, "on_site", (json_int_t)t->crew, "arrival_rate",
	                 share(t->crew, t->needed));
}

/* Groups by key, in the order first met: a small array is enough for districts and industries. */
struct groups {
	size_t n;
	const char *key[256], *name[256];
	struct tally t[256];
};

static struct tally *group_of(struct groups *g, const char *key, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->key[i], key) == 0)
			return &g->t[i];
	if (g->n == 256)
		return NULL;
	g->key[g->n] = key;
	g->name[g->n] = name;
	g->t[g->n] = (struct tally){0};
	return &g->t[g->n++];
}

static json_t *groups_json(const struct groups *g, const char *key_name)
{
	json_t *a = json_array();
	for (size_t i = 0; i < g->n; i++) {
		json_t *j = tally_json(&g->t[i]);
		json_object_set_new(j, key_name, json_string(g->key[i]));
		json_object_set_new(j, "name", json_string(g->name[i]));
		json_array_append_new(a, j);
	}
	return a;
}

/* A resumed record in the ranking. */
struct ranked {
	json_t *record;
	int32_t resumed;
	int64_t crew, needed;
};

/* Earliest first; on the same day the fuller. */
static int by_earliest(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->resumed != y->resumed)
		return x->resumed < y->resumed ? -1 : 1;
	int64_t l = x->crew * y->needed, r = y->crew * x->needed;
	return l > r ? -1 : l < r;
}

/* Fullest first; as full, the earlier. */
static int by_fullest(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int64_t l = x->crew * y->needed, r = y->crew * x->needed;
	if (l != r)
		return l > r ? -1 : 1;
	return (x->resumed > y->resumed) - (x->resumed < y->resumed);
}

static json_t *ranking_json(struct ranked *list, size_t n, int (*order)(const void *, const void *))
{
	if (n) /* an area with nothing resumed has no list: qsort may not be handed NULL */
		qsort(list, n, sizeof *list, order);
	json_t *a = json_array();
	for (size_t i = 0; i < n && i < 10; i++) {
		json_t *j = json_deep_copy(list[i].record);
		json_object_set_new(j, "rank", json_integer((json_int_t)i + 1));
		json_array_append_new(a, j);
	}
	return a;
}

/* "2月20日" */
static const char *month_day(struct request *r, int32_t day)
{
	int y, m, d;
	clock_civil_from_days(day, &y, &m, &d);
	return arena_printf(r->arena, "%d月%d日", m, d);
}

/* Per mille as "98.5". */
static const char *percent(struct request *r, int64_t part, int64_t whole)
{
	int64_t pm = whole > 0 ? part * 1000 / whole : 0;
	return arena_printf(r->arena, "%lld.%lld", (long long)(pm / 10), (long long)(pm % 10));
}

/*
** The bulletin's lines: the earliest and the fullest (one line when they are
** one, as the article puts it: 全市最早复工、人员到位率最高), the rates, and
** the workers brought back point to point.
*/
static json_t *bulletin_json(struct request *r, const char *where, const struct ranked *earliest,
                             const struct ranked *fullest, const struct tally *all)
{
	json_t *lines = json_array();
	if (all->records)
		json_array_append_new(
		    lines, json_string(arena_printf(
		               r->arena, "%s登记复工复产项目和企业%lld个,已复工%lld个,复工率%s%%,人员到位率%s%%", where,
		               (long long)all->records, (long long)all->resumed, percent(r, all->resumed, all->records),
		               percent(r, all->crew, all->needed))));
	if (earliest && earliest->record == fullest->record)
		json_array_append_new(
		    lines, json_string(arena_printf(r->arena, "%s%s最早复工、人员到位率最高(%s复工,人员到位率%s%%)",
		                                    json_string_value(json_object_get(earliest->record, "name")), where,
		                                    month_day(r, earliest->resumed),
		                                    percent(r, earliest->crew, earliest->needed))));
	else if (earliest) {
		json_array_append_new(
		    lines, json_string(arena_printf(r->arena, "%s%s最早复工(%s)",
		                                    json_string_value(json_object_get(earliest->record, "name")), where,
		                                    month_day(r, earliest->resumed))));
		json_array_append_new(
		    lines, json_string(arena_printf(r->arena, "%s人员到位率%s最高(%s%%)",
		                                    json_string_value(json_object_get(fullest->record, "name")), where,
		                                    percent(r, fullest->crew, fullest->needed))));
	}
	if (all->point_to_point)
		json_array_append_new(lines, json_string(arena_printf(r->arena, "点对点专车接回务工人员%lld人",
		                                                      (long long)all->point_to_point)));
	return lines;
}

/*
** ROUTE: GET /api/v1/resumptions/stats
** AUTH: admin,leader,officer,agent
** SUMMARY: 复工复产统计 Resumption and arrival rates by district and industry, the earliest and fullest, the bulletin's lines
** ?on=YYYY-MM-DD (default today): as of that day.  The rates count the
** records of the caller's area: resumed of recorded, and workers on site
** (the last day recorded, a full crew at most) of those needed where resumed.
** "bulletin" holds the lines an indicators' bulletin quotes.
*/
void resumption_stats(struct request *r)
{
	int32_t on;
	if (!on_arg(r, &on))
		return;
	const char *area = request_area(r);
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    arena_printf(r->arena, "%s WHERE " SQL_ON_BRANCH("o.path", "?2") " ORDER BY r.id", record_select), "it",
	    (int64_t)on, area);
	struct groups *districts = arena_alloc(r->arena, sizeof *districts),
	              *industries = arena_alloc(r->arena, sizeof *industries);
	if (!districts || !industries) {
		db_finalize(s);
		reply_db_error(r, DB_ERROR);
		return;
	}
	districts->n = industries->n = 0;
	struct tally all = {0};
	size_t n = 0, cap = 0;
	struct ranked *ranked = NULL;
	json_t *keep = json_array(); /* owns the records the ranking points at */
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *rec = record_json(r, s);
		json_array_append_new(keep, rec);
		bool resumed = !db_named_is_null(s, "resumed_on:date");
		int64_t needed = db_named_int64(s, "workforce_needed"),
		        on_site_crew = crew(db_named_int64(s, "on_site"), needed);
		struct tally *t[] = {&all,
		                     group_of(districts, arena_strdup(r->arena, db_named_text(s, "district.code")),
		                              arena_strdup(r->arena, db_named_text(s, "district.name"))),
		                     group_of(industries, arena_strdup(r->arena, db_named_text(s, "industry")),
		                              arena_strdup(r->arena, db_named_text(s, "industry")))};
		for (size_t k = 0; k < 3; k++)
			if (t[k])
				tally_add(t[k], resumed, needed, on_site_crew);
		all.point_to_point += db_named_int64(s, "back.point_to_point");
		all.charter += db_named_int64(s, "back.charter");
		all.own += db_named_int64(s, "back.own");
		if (!resumed)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			if (!(ranked = grow(r->arena, ranked, n * sizeof *ranked, cap, sizeof *ranked))) {
				rc = DB_ERROR;
				break;
			}
		}
		ranked[n++] = (struct ranked){rec, (int32_t)db_named_int64(s, "_resumed"), on_site_crew, needed};
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(keep);
		reply_db_error(r, rc);
		return;
	}
	json_t *out = tally_json(&all);
	json_object_set_new(out, "on", day_json(on));
	json_object_set_new(out, "back",
	                    json_pack("{s:I, s:I, s:I}", "point_to_point", (json_int_t)all.point_to_point, "charter",
	                              (json_int_t)all.charter, "own", (json_int_t)all.own));
	json_object_set_new(out, "by_district", groups_json(districts, "code"));
	json_object_set_new(out, "by_industry", groups_json(industries, "industry"));
	json_object_set_new(out, "fullest", ranking_json(ranked, n, by_fullest));
	struct ranked fullest = n ? ranked[0] : (struct ranked){0};
	json_object_set_new(out, "earliest", ranking_json(ranked, n, by_earliest));
	/* The bulletin speaks of the whole area the caller serves: 全市, 全区, 全县, by the last character of its name. */
	const char *where = "全市";
	if (db_prepare(r->db, &s, "SELECT name FROM orgs WHERE path = ?", "t", area) == 0 && db_step(s) == DB_ROW) {
		const char *name = db_column_text(s, 0);
		size_t len = strlen(name);
		if (len >= 3)
			where = arena_printf(r->arena, "全%s", name + len - 3); /* one CJK character is three bytes */
	}
	db_finalize(s);
	json_object_set_new(out, "bulletin", bulletin_json(r, where, n ? &ranked[0] : NULL, &fullest, &all));
	json_decref(keep);
	reply_json(r, 200, out);
}
