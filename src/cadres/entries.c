/*
** Frontline time: what the platform already recorded, the entries officials
** make and a second person confirms, and the two-thirds figures over an
** organisation.
**
** Which platform records are frontline work (docs/api.md, 一线考核): those
** that carry a day and put their author on site.
**  - a project follow-up of kind "visit" (project_followups.happened_on, by
**    its agent_id): calls and online meetings are not on site;
**  - a project inspection done (project_inspections.done_on, by done_by): an
**    inspection is made on the spot;
**  - an investment visit in mode "onsite" (visits.happened_on, by
**    officer_id), not one held online.
** The desk's problems record when each step happened but never where: an
** answer may be written at a desk.  A problem handled on site is entered by
** the official under the task covering it and confirmed like any entry.
** A platform record counts as a whole day: it shows the official on site
** that day and says nothing of the hours; an entry says which half.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "org/org.h"

/*
** An official's frontline records from ?3 to ?4 (days): ?1 the official, ?2
** their user (NULL when not linked).  Only confirmed entries.  Each part is
** read from an index alone (migration 0016), so the figures for the whole
** city step through index entries only.
*/
static const char front_records_sql[] =
    "SELECT f.happened_on AS day, 3 AS halves, 'followup' AS source, f.id AS record FROM project_followups f"
    " WHERE f.agent_id = ?2 AND f.kind = 'visit' AND f.happened_on BETWEEN ?3 AND ?4"
    " UNION ALL SELECT i.done_on, 3, 'inspection', i.id FROM project_inspections i"
    " WHERE i.done_by = ?2 AND i.done_on IS NOT NULL AND i.done_on BETWEEN ?3 AND ?4"
    " UNION ALL SELECT v.happened_on, 3, 'visit', v.id FROM visits v"
    " WHERE v.officer_id = ?2 AND v.mode = 'onsite' AND v.happened_on BETWEEN ?3 AND ?4"
    " UNION ALL SELECT e.day, e.halves, 'entry', e.id FROM frontline_entries e"
    " WHERE e.official_id = ?1 AND e.confirmed_at IS NOT NULL AND e.day BETWEEN ?3 AND ?4";

/* The same records with their places, in order, for an official's own view. */
static const char front_records_placed_sql[] =
    "SELECT r.day, r.halves, r.source, r.record, CASE r.source"
    " WHEN 'followup' THEN (SELECT p.name FROM project_followups f JOIN projects p ON p.id = f.project_id"
    "  WHERE f.id = r.record)"
    " WHEN 'inspection' THEN (SELECT p.name FROM project_inspections i JOIN projects p ON p.id = i.project_id"
    "  WHERE i.id = r.record)"
    " WHEN 'visit' THEN (SELECT n.name FROM visits v JOIN enterprises n ON n.id = v.enterprise_id"
    "  WHERE v.id = r.record)"
    " ELSE (SELECT place FROM frontline_entries WHERE id = r.record) END"
    " FROM (%s) r ORDER BY r.day, r.source, r.record";

int front_reader_open(struct db *d, struct front_reader *f)
{
	*f = (struct front_reader){0};
	return db_prepare(d, &f->stmt, front_records_sql, NULL);
}

static bool marks_push(struct front_reader *f, int32_t day, unsigned halves)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 256;
		struct front_mark *v = realloc(f->marks, cap * sizeof *v);
		if (!v)
			return false;
		f->marks = v;
		f->cap = cap;
	}
	f->marks[f->n++] = (struct front_mark){day, halves};
	return true;
}

int front_reader_half_days(struct front_reader *f, int64_t official, int64_t user, const struct front_period *p,
                           int64_t *ret)
{
	f->n = 0;
	int rc = db_rebind(f->stmt, "iiii", official, user, (int64_t)p->from, (int64_t)p->to);
	while (rc >= 0 && (rc = db_step(f->stmt)) == DB_ROW)
		if (!marks_push(f, (int32_t)db_column_int64(f->stmt, 0), (unsigned)db_column_int64(f->stmt, 1)))
			rc = DB_ERROR;
	if (rc < 0)
		return rc;
	*ret = front_half_days(p, f->marks, f->n);
	return 0;
}

void front_reader_close(struct front_reader *f)
{
	db_finalize(f->stmt);
	free(f->marks);
}

/* ?from= and ?to= (YYYY-MM-DD, inclusive, at most FRONT_MAX_DAYS days) on the calendar: answers 422 itself. */
static bool period_args(struct request *r, struct front_period *ret)
{
	const char *from = query_arg(r, "from"), *to = query_arg(r, "to");
	int32_t from_day, to_day;
	if (!from || !to || clock_parse_date(from, &from_day) < 0 || clock_parse_date(to, &to_day) < 0 ||
	    front_period_init(ret, calendar_china(), from_day, to_day) < 0) {
		reply_error(r, 422, "invalid_period", "from",
		            "应给出 from 与 to (YYYY-MM-DD),不超过一年 (from and to, YYYY-MM-DD, at most a year)");
		return false;
	}
	return true;
}

static json_t *share_json(int64_t num, int64_t den)
{
	return den > 0 ? json_real((double)(num * 10000 / den) / 10000) : json_null();
}

static json_t *tally_json(const struct front_tally *t, int working_days)
{
	return json_pack("{s:I, s:I, s:o, s:I, s:o, s:b, s:b, s:b}", "staff", (json_int_t)t->staff, "at_front",
	                 (json_int_t)t->at_front, "staff_share", share_json(t->at_front, t->staff), "time_short",
	                 (json_int_t)t->time_short, "average_time_share",
	                 share_json(t->half_days, 2 * (int64_t)working_days * t->staff), "staff_met",
	                 front_staff_met(t), "time_met", front_time_clause_met(t), "met", front_rule_met(t));
}

struct child {
	const char *code, *name, *path;
	size_t path_len;
	struct front_tally tally;
};

/*
** ROUTE: GET /api/v1/cadres/frontline
** AUTH: department,leader
** DUTY: assessment
** SUMMARY: 两个三分之二 The two-thirds rule for an organisation and period
** ?org=CODE (default the caller's area), ?from=&to= (YYYY-MM-DD, at most a
** year).  The organisation's subtree, its leading-group members apart, and
** each organisation directly under it: staff, at the front line, the shares,
** and the rule met or not.  The department also gets who falls short, by
** name; a leader (of the organisations in their scope) only the figures.
*/
void frontline_figures(struct request *r)
{
	struct front_period period;
	struct org org;
	bool leader = r->who.role == ROLE_LEADER;
	const char *scope = leader ? r->who.org_path : request_area(r);
	if (!period_args(r, &period) || !cadres_org_arg(r, scope, &org))
		return;
	int wd = period.working_days;
	struct db_stmt *s;
	size_t n_children = 0;
	struct child *children = NULL;
	int64_t n = 0;
	int rc = db_query_int64(r->db, &n, "SELECT count(*) FROM orgs WHERE parent_id = ?", "i", org.id);
	if (rc >= 0 && n > 0 && !(children = arena_alloc(r->arena, (size_t)n * sizeof *children)))
		rc = DB_ERROR;
	if (rc >= 0)
		rc = db_prepare(r->db, &s, "SELECT code, name, path FROM orgs WHERE parent_id = ? ORDER BY path", "i",
		                org.id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW && n_children < (size_t)n) {
		struct child *c = &children[n_children++];
		*c = (struct child){.code = arena_strdup(r->arena, db_column_text(s, 0)),
		                    .name = arena_strdup(r->arena, db_column_text(s, 1)),
		                    .path = arena_strdup(r->arena, db_column_text(s, 2))};
		c->path_len = strlen(c->path);
	}
	db_finalize(s);
	struct front_reader reader = {0};
	if (rc >= 0)
		rc = front_reader_open(r->db, &reader);
	if (rc >= 0)
		rc = db_prepare(
		    r->db, &s,
		    "SELECT o.id, o.user_id, o.name, o.post, g.code, g.path, o.leading_group FROM officials o"
		    " JOIN orgs g ON g.id = o.org_id WHERE substr(g.path, 1, length(?1)) = ?1 ORDER BY o.id",
		    "t", org.path);
	struct front_tally all = {0}, leading = {0};
	json_t *short_list = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t halves;
		if ((rc = front_reader_half_days(&reader, db_column_int64(s, 0), db_column_int64(s, 1), &period,
		                                 &halves)) < 0)
			break;
		front_tally_add(&all, halves, wd);
		if (db_column_int64(s, 6))
			front_tally_add(&leading, halves, wd);
		const char *path = db_column_text(s, 5);
		for (size_t i = 0; i < n_children; i++)
			if (strncmp(path, children[i].path, children[i].path_len) == 0) {
				front_tally_add(&children[i].tally, halves, wd);
				break;
			}
		if (!leader && !front_time_met(halves, wd))
			json_array_append_new(short_list,
			                      json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, s:s}", "id",
			                                (json_int_t)db_column_int64(s, 0), "name", db_column_text(s, 2),
			                                "post", db_column_text(s, 3), "org", db_column_text(s, 4),
			                                "half_days", (json_int_t)halves, "time_share",
			                                share_json(halves, 2 * (int64_t)wd), "why",
			                                halves ? "under_two_thirds" : "not_at_front"));
	}
	db_finalize(s);
	front_reader_close(&reader);
	if (rc != DB_DONE) {
		json_decref(short_list);
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	char from_s[11], to_s[11];
	clock_format_date(period.from, from_s);
	clock_format_date(period.to, to_s);
	json_t *orgs = json_array();
	for (size_t i = 0; i < n_children; i++)
		if (children[i].tally.staff) {
			json_t *row = tally_json(&children[i].tally, wd);
			json_object_set_new(
			    row, "org", json_pack("{s:s, s:s}", "code", children[i].code, "name", children[i].name));
			json_array_append_new(orgs, row);
		}
	json_t *out = json_pack("{s:{s:s, s:s}, s:s, s:s, s:i, s:o, s:o, s:o}", "org", "code", org.code, "name",
	                        org.name, "from", from_s, "to", to_s, "working_days", wd, "rule", tally_json(&all, wd),
	                        "leading_group", tally_json(&leading, wd), "orgs", orgs);
	if (leader)
		json_decref(short_list);
	else
		json_object_set_new(out, "short", short_list);
	reply_json(r, 200, out);
}

/*
** ROUTE: GET /api/v1/cadres/officials/{id}/frontline
** AUTH: any
** SUMMARY: 一线工作记录 An official's frontline days in a period, with their records
** ?from=&to= (YYYY-MM-DD, at most a year).  Each day with its records and what
** it counts (half days, on working days only); the share of working days and
** whether it reaches two thirds; unconfirmed entries listed apart, not
** counted.  Read as the file is (official_get): the official or the
** department, audited.
*/
void official_frontline(struct request *r)
{
	struct front_period period;
	struct cadres_official o;
	if (!period_args(r, &period))
		return;
	int own = cadres_official_for_caller(r, &o);
	if (own < 0)
		return;
	int wd = period.working_days;
	struct db_stmt *s;
	char *sql = arena_printf(r->arena, front_records_placed_sql, front_records_sql);
	int rc = db_prepare(r->db, &s, sql, "riii", o.id, o.user_id, (int64_t)period.from, (int64_t)period.to);
	json_t *days = json_array(), *day_json = NULL, *records = NULL;
	int64_t halves = 0;
	struct front_mark united = {0}; /* the day's records, their halves united */
	for (;;) {
		int step = rc >= 0 ? db_step(s) : rc;
		int32_t next = step == DB_ROW ? (int32_t)db_column_int64(s, 0) : 0;
		if (day_json && (step != DB_ROW || next != united.day)) { /* close the day */
			int64_t credit = front_half_days(&period, &united, 1);
			halves += credit;
			json_object_set_new(day_json, "half_days", json_integer(credit));
			day_json = NULL;
		}
		if (step != DB_ROW) {
			rc = step;
			break;
		}
		if (!day_json) {
			char text[11];
			united = (struct front_mark){next, 0};
			clock_format_date(next, text);
			records = json_array();
			day_json = json_pack("{s:s, s:b, s:o}", "day", text, "working_day",
			                     period.working[next - period.from], "records", records);
			json_array_append_new(days, day_json);
		}
		unsigned h = (unsigned)db_column_int64(s, 1);
		united.halves |= h;
		json_array_append_new(records, json_pack("{s:s, s:I, s:i, s:s?}", "source", db_column_text(s, 2),
		                                         "record", (json_int_t)db_column_int64(s, 3), "halves", (int)h,
		                                         "place", db_column_text(s, 4)));
	}
	db_finalize(s);
	json_t *out = json_pack("{s:I, s:i, s:I, s:o, s:b, s:o}", "official", (json_int_t)o.id, "working_days", wd,
	                        "half_days", (json_int_t)halves, "time_share", share_json(halves, 2 * (int64_t)wd),
	                        "time_met", front_time_met(halves, wd), "days", days);
	if (rc == DB_DONE) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT e.id AS id, e.day AS \"day:date\", e.halves AS halves, e.place AS place, e.work AS work,"
		    " e.task_id AS task FROM frontline_entries e"
		    " WHERE e.official_id = ? AND e.confirmed_at IS NULL AND e.day BETWEEN ? AND ? ORDER BY e.day, "
		    "e.id",
		    "iii", o.id, (int64_t)period.from, (int64_t)period.to);
		rc = rows_into(r, out, "unconfirmed", rc, s, row_as_json_of);
	}
	if (rc == 0)
		rc = cadres_audit_read(
		    r, "cadres.frontline.read", &o,
		    json_pack("{s:b, s:s, s:s}", "own", own, "from", query_arg(r, "from"), "to", query_arg(r, "to")));
	reply_json_or_db_error(r, rc, out);
}

/* ---- entries ------------------------------------------------------------------ */

static const char *const portions[] = {
    [FRONT_MORNING] = "morning", [FRONT_AFTERNOON] = "afternoon", [FRONT_WHOLE_DAY] = "day"};

/*
** ROUTE: POST /api/v1/cadres/officials/{id}/entries
** AUTH: any
** SUMMARY: 填报一线工作 Enter a day (or half day) at the front line
** Body: {"day" (YYYY-MM-DD, not in the future),"portion": "day"|"morning"|
** "afternoon","place","task" (a central task the official is on, directly or
** through their organisation, whose period holds the day),"work" (what was
** done)}.  The official themselves (through their linked user) or the
** organisation department.  It counts once confirmed by a second person.
*/
void entry_post(struct request *r)
{
	static const char *const fields[] = {"day", "portion", "place", "task", "work", NULL};
	const char *day_text, *portion, *place, *work;
	int64_t task;
	int32_t day;
	struct cadres_official o;
	if (!body_only(r, fields) || !body_string(r, "day", FIELD_REQUIRED, 10, &day_text) ||
	    !body_string(r, "portion", FIELD_REQUIRED, 16, &portion) ||
	    !body_string(r, "place", FIELD_REQUIRED, 200, &place) ||
	    !body_int64(r, "task", FIELD_REQUIRED, 1, INT64_MAX, &task, NULL) ||
	    !body_string(r, "work", FIELD_REQUIRED, 4000, &work) || cadres_official_for_caller(r, &o) < 0)
		return;
	unsigned halves = 0;
	for (unsigned i = FRONT_MORNING; i <= FRONT_WHOLE_DAY; i++)
		if (strcmp(portion, portions[i]) == 0)
			halves = i;
	if (!halves) {
		reply_error(r, 422, "invalid_portion", "portion",
		            "时段应为 day、morning 或 afternoon (portion: day, morning or afternoon)");
		return;
	}
	if (clock_parse_date(day_text, &day) < 0 || day > clock_local_day(clock_now())) {
		reply_error(r, 422, "invalid_date", "day", "日期应为今天或以前的 YYYY-MM-DD (a past YYYY-MM-DD)");
		return;
	}
	int64_t on_task = 0;
	int rc = db_query_int64(
	    r->db, &on_task,
	    "SELECT count(*) FROM central_tasks t WHERE t.id = ?3 AND ?4 BETWEEN t.starts_on AND t.ends_on"
	    " AND t.id IN (" OFFICIAL_TASKS ")",
	    "itii", o.id, o.org_path, task, (int64_t)day);
	if (rc >= 0 && !on_task) {
		reply_error(r, 422, "not_on_task", "task",
		            "该干部不在此中心工作中,或日期不在其期间内 (the official is not on this task on that day)");
		return;
	}
	if (rc >= 0)
		rc = db_begin(r->db);
	if (rc >= 0)
		rc = db_run(r->db,
		            "INSERT INTO frontline_entries(official_id, task_id, day, halves, place, work, entered_by, "
		            "created_at)"
		            " VALUES (?,?,?,?,?,?,?,?)",
		            "iiiittii", o.id, task, (int64_t)day, (int64_t)halves, place, work, r->who.user_id,
		            clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc >= 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:I, s:I, s:s, s:s, s:s}", "official", (json_int_t)o.id, "task",
		                           (json_int_t)task, "day", day_text, "portion", portion, "place", place);
		rc = audit_append(r->db, &ctx, "cadres.entry.create", "frontline_entry",
		                  arena_printf(r->arena, "%lld", (long long)id), o.org_path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 201, json_pack("{s:I, s:b}", "id", (json_int_t)id, "confirmed", 0));
}

/*
** ROUTE: POST /api/v1/cadres/entries/{id}/confirm
** AUTH: any
** SUMMARY: 确认一线工作 Confirm an official's frontline entry
** The entry's task owner or the organisation department's staff of the
** official's area; never the official themselves nor whoever entered it
** (403 own_entry).  Once only (409 already_confirmed).
*/
void entry_confirm(struct request *r)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return;
	int assessor = cadres_assessor(r);
	struct db_stmt *s;
	int rc = assessor < 0
	             ? assessor
	             : db_prepare(r->db, &s,
	                          "SELECT o.user_id, g.path, e.entered_by, e.confirmed_at IS NOT NULL, t.owner_id,"
	                          " o.id FROM frontline_entries e JOIN officials o ON o.id = e.official_id"
	                          " JOIN orgs g ON g.id = o.org_id JOIN central_tasks t ON t.id = e.task_id"
	                          " WHERE e.id = ?",
	                          "i", id);
	if (rc >= 0 && (rc = db_step(s)) != DB_ROW) {
		db_finalize(s);
		if (rc == DB_DONE)
			reply_error(r, 404, "unknown_entry", NULL, "填报记录不存在 (no such entry)");
		else
			reply_db_error(r, rc);
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	int64_t official_user = db_column_int64(s, 0), entered_by = db_column_int64(s, 2),
	        owner = db_column_int64(s, 4), official = db_column_int64(s, 5);
	bool confirmed = db_column_int64(s, 3) != 0;
	const char *path = arena_strdup(r->arena, db_column_text(s, 1));
	db_finalize(s);
	bool may = owner == r->who.user_id || (assessor && path_within(path, request_area(r)));
	if (!may) {
		reply_error(
		    r, 403, "not_confirmer", NULL,
		    "只有中心工作负责人或组织部门可以确认 (only the task's owner or the organisation department)");
		return;
	}
	if (r->who.user_id == official_user || r->who.user_id == entered_by) {
		reply_error(r, 403, "own_entry", NULL, "不能确认本人填报或本人的记录 (a second person confirms)");
		return;
	}
	if (confirmed) {
		reply_error(r, 409, "already_confirmed", NULL, "该记录已确认 (already confirmed)");
		return;
	}
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE frontline_entries SET confirmed_by = ?, confirmed_at = ? WHERE id = ? AND "
		            "confirmed_at IS NULL",
		            "iii", r->who.user_id, clock_now(), id);
	if (rc == 0 && db_changes(r->db) == 0) { /* confirmed by someone else meanwhile */
		db_rollback(r->db);
		reply_error(r, 409, "already_confirmed", NULL, "该记录已确认 (already confirmed)");
		return;
	}
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:I}", "official", (json_int_t)official);
		rc = audit_append(r->db, &ctx, "cadres.entry.confirm", "frontline_entry",
		                  arena_printf(r->arena, "%lld", (long long)id), path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "confirmed", 1));
}

/*
** ROUTE: GET /api/v1/cadres/entries/pending
** AUTH: any
** SUMMARY: 待确认的一线工作 Entries waiting for the caller's confirmation
** Those of the tasks the caller owns, and for the organisation department's
** staff every one in their area; never the caller's own.  Oldest first, at
** most 500.
*/
void entries_pending(struct request *r)
{
	int assessor = cadres_assessor(r);
	if (assessor < 0) {
		reply_db_error(r, assessor);
		return;
	}
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT e.id AS id, o.id AS \"official.id\", o.name AS \"official.name\", g.code AS \"official.org\","
	    " e.day AS \"day:date\", e.halves AS halves, e.place AS place, e.work AS work, t.id AS \"task.id\","
	    " t.name AS \"task.name\" FROM frontline_entries e JOIN officials o ON o.id = e.official_id"
	    " JOIN orgs g ON g.id = o.org_id JOIN central_tasks t ON t.id = e.task_id"
	    " WHERE e.confirmed_at IS NULL AND e.entered_by <> ?1 AND coalesce(o.user_id, 0) <> ?1"
	    " AND (t.owner_id = ?1 OR (?2 = 1 AND substr(g.path, 1, length(?3)) = ?3)) ORDER BY e.id LIMIT 500",
	    "iit", r->who.user_id, (int64_t)assessor, request_area(r));
	reply_rows(r, rc, s, row_as_json_of, 0);
}
