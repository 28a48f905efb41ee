/*
** A unit's month from submission to revision: the unit's bureau submits it
** (refused while a flagged value has no comment), the city's statistics
** bureau approves it or sends it back with a reason; approved values are
** locked, and a correction by the city's bureau makes the next revision
** (快报 → 修订), each changed value recorded with what it was.
*/
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "indicators/internal.h"
#include "org/org.h"

/* The route's unit and period, the unit writable by the caller and the period a month: true, or answered. */
static bool month_of_route(struct request *r, struct ind_unit *unit, const char **period)
{
	int year, month;
	*period = route_param(r, "period");
	if (!ind_unit_or_reply(r, route_param(r, "unit"), true, unit))
		return false;
	if (ind_period_parse(*period, &year, &month) < 0) {
		reply_error(r, 422, "invalid_period", "period", "期间应为 YYYY-MM (a month, YYYY-MM)");
		return false;
	}
	return true;
}

/* Audit a step of the month's life inside the transaction. */
static int audit_step(struct request *r, const struct ind_unit *unit, const char *period, const char *action,
                      json_t *detail)
{
	struct audit_context ctx = audit_context_of(r);
	int rc =
	    audit_append(r->db, &ctx, action, "indicator_period", arena_printf(r->arena, "%s/%s", unit->code, period),
	                 unit->path ? unit->path : request_area(r), detail);
	json_decref(detail);
	return rc;
}

/* Answer the month's state after a step. */
static void reply_state(struct request *r, const struct ind_unit *unit, const char *period)
{
	const char *state;
	int64_t revision;
	int rc = ind_period_state(r->db, r->arena, unit->code, period, &state, &revision);
	reply_json_or_db_error(r, rc,
	                       json_pack("{s:s, s:s, s:s?, s:I}", "unit", unit->code, "period", period, "state", state,
	                                 "revision", (json_int_t)revision));
}

/*
** ROUTE: POST /api/v1/indicators/periods/{unit}/{period}/submit
** AUTH: department
** DUTY: statistics
** SUMMARY: 报送月度数据 Submit a unit's month for approval
** The unit's figures go to the city's statistics bureau.  422
** validation_failed while a flagged value has no comment (GET
** /indicators/values shows the flags), 422 nothing_entered without any
** value, 409 already_submitted / already_approved.
*/
void indicator_period_submit(struct request *r)
{
	struct ind_unit unit;
	const char *period, *state;
	int64_t revision, entered = 0;
	if (!month_of_route(r, &unit, &period))
		return;
	json_t *items = NULL;
	int blocking = 0;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = ind_period_state(r->db, r->arena, unit.code, period, &state, &revision);
	if (rc == 0)
		rc = db_query_int64(r->db, &entered,
		                    "SELECT count(*) FROM indicator_values WHERE unit = ? AND period = ?", "tt",
		                    unit.code, period);
	if (rc == 0)
		rc = ind_month_items(r, &unit, period, &items, &blocking);
	if (rc == 0 && state && strcmp(state, "returned") != 0) {
		db_rollback(r->db);
		json_decref(items);
		reply_error(r, 409, strcmp(state, "approved") == 0 ? "already_approved" : "already_submitted", NULL,
		            "该期数据已报送或已审定 (the month is submitted or approved already)");
		return;
	}
	if (rc == 0 && !entered) {
		db_rollback(r->db);
		json_decref(items);
		reply_error(r, 422, "nothing_entered", NULL, "该期尚未录入任何数据 (nothing entered for the month)");
		return;
	}
	if (rc == 0 && blocking) {
		const char *first = NULL;
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) if (!first && json_is_true(json_object_get(it, "blocking"))) first =
		    json_string_value(json_object_get(json_object_get(it, "indicator"), "name"));
		db_rollback(r->db);
		reply_error(r, 422, "validation_failed", "comment",
		            "%d 项数据未通过校验且没有说明,首项:%s;请补充说明后报送 (%d flagged values need a comment)",
		            blocking, first ? first : "", blocking);
		json_decref(items);
		return;
	}
	json_decref(items);
	int64_t now = clock_now();
	if (rc == 0)
		rc =
		    db_run(r->db,
		           "INSERT INTO indicator_periods(unit, period, state, submitted_by, submitted_at) VALUES (?,?,"
		           "'submitted',?,?) ON CONFLICT (unit, period) DO UPDATE SET state = 'submitted',"
		           " submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at, reason = NULL",
		           "ttii", unit.code, period, r->who.user_id, now);
	if (rc == 0)
		rc = audit_step(r, &unit, period, "indicators.period.submit",
		                json_pack("{s:I}", "values", (json_int_t)entered));
	if (db_finish_or_reply(r, rc)) {
		ind_figures_changed(&unit, period, "approval");
		reply_state(r, &unit, period);
	}
}

/*
** Begin a step's transaction on a month that must be in state want: 0 with
** *ret_revision; -EINVAL having rolled back and answered 409 code with
** message; or a database error.
*/
static int begin_in_state(struct request *r, const struct ind_unit *unit, const char *period, const char *want,
                          const char *code, const char *message, int64_t *ret_revision)
{
	const char *state;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = ind_period_state(r->db, r->arena, unit->code, period, &state, ret_revision);
	if (rc == 0 && (!state || strcmp(state, want) != 0)) {
		db_rollback(r->db);
		reply_error(r, 409, code, NULL, "%s", message);
		return -EINVAL;
	}
	return rc;
}

/* Decide a submitted month: approve (reason NULL) or send it back with reason. */
static void decide(struct request *r, const char *reason)
{
	struct ind_unit unit;
	const char *period;
	int64_t revision;
	if (!ind_city_bureau_or_reply(r) || !month_of_route(r, &unit, &period))
		return;
	int rc = begin_in_state(r, &unit, period, "submitted", "not_submitted",
	                        "该期数据不在待审核状态 (the month is not waiting for approval)", &revision);
	if (rc == -EINVAL)
		return;
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE indicator_periods SET state = ?, reason = ?, decided_by = ?, decided_at = ?"
		            " WHERE unit = ? AND period = ?",
		            "ttiitt", reason ? "returned" : "approved", reason, r->who.user_id, clock_now(), unit.code,
		            period);
	if (rc == 0)
		rc = audit_step(r, &unit, period, reason ? "indicators.period.return" : "indicators.period.approve",
		                json_pack("{s:s?}", "reason", reason));
	if (db_finish_or_reply(r, rc)) {
		ind_figures_changed(&unit, period, "approval");
		reply_state(r, &unit, period);
	}
}

/*
** ROUTE: POST /api/v1/indicators/periods/{unit}/{period}/approve
** AUTH: department
** DUTY: statistics
** SUMMARY: 审定月度数据 Approve a submitted month (the city's bureau)
** Its values are locked (409 period_approved) from then on; 403
** not_city_bureau for a district's bureau, 409 not_submitted.
*/
void indicator_period_approve(struct request *r)
{
	decide(r, NULL);
}

/*
** ROUTE: POST /api/v1/indicators/periods/{unit}/{period}/return
** AUTH: department
** DUTY: statistics
** SUMMARY: 退回月度数据 Send a submitted month back with a reason (the city's bureau)
** Body: {"reason"}.  The unit's bureau corrects its values and submits again.
*/
void indicator_period_return(struct request *r)
{
	static const char *const fields[] = {"reason", NULL};
	const char *reason;
	if (!body_only(r, fields) || !body_string(r, "reason", FIELD_REQUIRED, 500, &reason))
		return;
	decide(r, reason);
}

/*
** ROUTE: POST /api/v1/indicators/periods/{unit}/{period}/corrections
** AUTH: department
** DUTY: statistics
** SUMMARY: 修订已审定数据 Correct an approved month: the next revision (the city's bureau)
** Body: {"reason","values": [{"indicator","value","growth","ytd_growth",
** "comment"}]} (1–50).  Each value replaces the approved one and is
** recorded with what it was; the month's revision goes up by one (快报 0,
** 修订 1, 2 …) and every value changed carries it.  409 not_approved.
*/
void indicator_period_correct(struct request *r)
{
	static const char *const fields[] = {"reason", "values", NULL};
	struct ind_unit unit;
	const char *period, *reason;
	int64_t revision;
	if (!body_only(r, fields) || !body_string(r, "reason", FIELD_REQUIRED, 500, &reason))
		return;
	json_t *values = json_object_get(r->json, "values");
	if (!json_is_array(values) || json_array_size(values) == 0 || json_array_size(values) > 50) {
		reply_error(r, 422, "invalid_field", "values", "values 应为 1 至 50 项更正 (one to fifty corrections)");
		return;
	}
	if (!ind_city_bureau_or_reply(r) || !month_of_route(r, &unit, &period))
		return;
	int rc =
	    begin_in_state(r, &unit, period, "approved", "not_approved",
	                   "只有已审定的数据才需修订,未审定的直接录入 (only an approved month is revised)", &revision);
	if (rc == -EINVAL)
		return;
	revision++;
	size_t i;
	json_t *v;
	struct refusal why = {0};
	json_array_foreach(values, i, v)
	{
		if (rc != 0)
			break;
		struct ind_value_in in = {.indicator = json_string_value(json_object_get(v, "indicator")),
		                          .unit = unit.code,
		                          .period = period,
		                          .value = json_string_value(json_object_get(v, "value")),
		                          .growth = json_string_value(json_object_get(v, "growth")),
		                          .ytd_growth = json_string_value(json_object_get(v, "ytd_growth")),
		                          .comment = json_string_value(json_object_get(v, "comment"))};
		if (!in.indicator) {
			rc = ind_refuse(&why, 422, "unknown_indicator", "values",
			                "每项更正应有 indicator (an indicator each)");
			break;
		}
		rc = ind_value_store(r, &in, revision, reason, &why);
	}
	if (rc == -EINVAL) {
		db_rollback(r->db);
		reply_error(r, why.status == 404 ? 422 : why.status, why.code, "values",
		            "第 %zu 项更正: %s (correction %zu)", i + 1, why.why, i + 1);
		return;
	}
	if (rc == 0)
		rc = db_run(r->db, "UPDATE indicator_periods SET revision = ? WHERE unit = ? AND period = ?", "itt",
		            revision, unit.code, period);
	if (rc == 0)
		rc = audit_step(r, &unit, period, "indicators.period.revise",
		                json_pack("{s:I, s:s, s:I}", "revision", (json_int_t)revision, "reason", reason,
		                          "values", (json_int_t)json_array_size(values)));
	if (db_finish_or_reply(r, rc)) {
		ind_figures_changed(&unit, period, "approval");
		reply_state(r, &unit, period);
	}
}

/*
** ROUTE: GET /api/v1/indicators/periods
** AUTH: department,leader
** DUTY: statistics
** SUMMARY: 报送审核情况 The units' months in the caller's area: state, revision, who and when
** ?period=YYYY-MM and ?state=submitted|approved|returned filter; newest
** months first, at most 500.
*/
void indicator_periods_list(struct request *r)
{
	static const char *const states[] = {"submitted", "approved", "returned", NULL};
	const char *period = query_arg(r, "period"), *state = query_arg(r, "state");
	int year, month;
	if (period && ind_period_parse(period, &year, &month) < 0) {
		reply_error(r, 422, "invalid_period", "period", "期间应为 YYYY-MM (a month, YYYY-MM)");
		return;
	}
	if (choice_or_reply(r, "invalid_state", "state", state, states) == -2)
		return;
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT p.unit AS unit, coalesce(o.name, e.name) AS name, p.period AS period, p.state AS state,"
	    " p.revision AS revision, p.reason AS reason, su.username AS submitted_by,"
	    " su.display_name AS submitted_by_name, p.submitted_at AS \"submitted_at:time\", du.username AS decided_by,"
	    " du.display_name AS decided_by_name, p.decided_at AS \"decided_at:time\""
	    " FROM indicator_periods p LEFT JOIN orgs o ON o.code = p.unit LEFT JOIN indicator_peers e ON e.code = "
	    "p.unit"
	    " LEFT JOIN users su ON su.id = p.submitted_by LEFT JOIN users du ON du.id = p.decided_by"
	    " WHERE (?1 IS NULL OR p.period = ?1) AND (?2 IS NULL OR p.state = ?2)"
	    " AND (o.path IS NULL OR substr(o.path, 1, length(?3)) = ?3)"
	    " ORDER BY p.period DESC, p.unit LIMIT 500",
	    "ttt", period, state, request_area(r));
	reply_rows(r, rc, s, row_as_json_of, 0);
}
