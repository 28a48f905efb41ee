/*
** A decided batch before its money: publicity over N working days (公示), the
** public list, objections by anyone during the window and the bureau's
** resolution of each, and approval by someone other than whoever ran the
** batch.  Payment (payments.c) takes only approved decisions, and a decision
** with an open objection is not approved.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/money.h"
#include "http/auth.h"
#include "org/notices.h"
#include "org/org.h"
#include "refunds/life.h"

/* ---- shared by the life routes ------------------------------------------- */

#define BATCH_SELECT                                                                                                   \
	"SELECT b.id, b.policy_id, b.policy_version_id, b.number, b.actor_id, b.state, p.name, o.path, b.actor,"       \
	" b.publicity_start, b.publicity_end, v.version, b.approved_by, b.at, ru.display_name, au.display_name"        \
	" FROM refund_batches b JOIN refund_policies p ON p.id = b.policy_id JOIN orgs o ON o.id = p.org_id"           \
	" JOIN refund_policy_versions v ON v.id = b.policy_version_id LEFT JOIN users ru ON ru.id = b.actor_id"        \
	" LEFT JOIN users au ON au.id = b.approved_by_id"

static void batch_read(struct arena *a, struct db_stmt *s, struct life_batch *ret)
{
	*ret = (struct life_batch){.id = db_column_int64(s, 0),
	                           .policy_id = db_column_int64(s, 1),
	                           .policy_version_id = db_column_int64(s, 2),
	                           .number = db_column_int64(s, 3),
	                           .run_by_id = db_column_int64(s, 4),
	                           .state = arena_strdup(a, db_column_text(s, 5)),
	                           .policy_name = arena_strdup(a, db_column_text(s, 6)),
	                           .policy_path = arena_strdup(a, db_column_text(s, 7)),
	                           .run_by = arena_strdup(a, db_column_text(s, 8))};
	if (!db_column_is_null(s, 9)) {
		ret->publicity_start = arena_strdup(a, db_column_text(s, 9));
		ret->publicity_end = arena_strdup(a, db_column_text(s, 10));
	}
}

bool life_batch_from_route(struct request *r, const char *param, bool write, struct life_batch *ret)
{
	int64_t id;
	return route_param_id(r, param, &id) && life_batch_load(r, id, write, ret);
}

int life_batch_get(struct db *d, struct arena *a, int64_t id, struct life_batch *ret)
{
	struct db_stmt *s;
	int rc = db_prepare(d, &s, BATCH_SELECT " WHERE b.id = ?", "i", id);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		batch_read(a, s, ret);
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

bool life_batch_load(struct request *r, int64_t id, bool write, struct life_batch *ret)
{
	int rc = life_batch_get(r->db, r->arena, id, ret);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	const char *area = request_area(r);
	if (rc == DB_DONE || !path_on_branch(ret->policy_path, area)) {
		reply_error(r, 404, "unknown_batch", NULL, "批次不存在 (no such batch)");
		return false;
	}
	if (write && !path_within(ret->policy_path, area)) {
		reply_error(r, 403, "out_of_scope", NULL, "该批次不属于您的单位 (the batch is another area's)");
		return false;
	}
	return true;
}

void life_today(char out[11])
{
	clock_format_date(clock_local_day(clock_now()), out);
}

const char *life_batch_state(const struct life_batch *b, const char *today)
{
	if (strcmp(b->state, "publicised") == 0 && strcmp(today, b->publicity_end) > 0)
		return "closed";
	return b->state;
}

int life_audit(struct db *d, const struct audit_context *ctx, const char *action, const char *object_type, int64_t id,
               const char *org_path, json_t *detail)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)id);
	return audit_append(d, ctx, action, object_type, text, org_path, detail);
}

int life_notify_enterprise(struct db *d, const char *credit_code, const char *title, const char *body)
{
	struct db_stmt *s;
	int64_t users[64];
	int n = 0;
	int rc = db_prepare(d, &s,
	                    "SELECT u.user_id FROM enterprise_users u JOIN enterprises x ON x.id = u.enterprise_id"
	                    " WHERE x.credit_code = ?",
	                    "t", credit_code);
	while (rc >= 0 && n < 64 && (rc = db_step(s)) == DB_ROW)
		users[n++] = db_column_int64(s, 0);
	db_finalize(s);
	if (rc < 0)
		return rc;
	rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = notice_add(d, users[i], title, body, "/refunds/mine");
	return rc;
}

bool life_id_arg(struct request *r, const char *name, int64_t *ret)
{
	const char *text = query_arg(r, name);
	char *end;
	long long v = text ? strtoll(text, &end, 10) : 0;
	if (text && (!*text || *end || v < 1)) {
		reply_error(r, 422, "invalid_query", name, "%s 应为正整数 (%s: a positive id)", name, name);
		return false;
	}
	*ret = v;
	return true;
}

void life_reply_by_state(struct request *r, const char *select, const char *table, const char *const *states,
                         json_t *(*row)(struct request *r, struct db_stmt *s))
{
	int64_t limit, cursor;
	const char *state = query_arg(r, "state");
	if (!page_args(r, 50, 200, &limit, &cursor) ||
	    choice_or_reply(r, "invalid_query", "state", state, states) == -2)
		return;
	const char *sql = arena_printf(r->arena,
	                               "%s WHERE %s.id < ?1 AND substr(o.path, 1, length(?2)) = ?2 AND (?3 IS NULL OR"
	                               " %s.state = ?3) ORDER BY %s.id DESC LIMIT ?4",
	                               select, table, table, table);
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, sql, "itti", cursor, request_area(r), state, limit);
	reply_rows(r, rc, s, row, limit);
}

/* ---- batches ----------------------------------------------------------------- */

/*
** The batch's totals over the decisions in area: each {"enterprises",
** "amount_fen"}.  They add up: eligible = withdrawn + waiting (eligible, not
** yet approved) + approved; approved = unsent + sent + paid + failed; paid
** counts money that reached the bank, recovered or not; returned is the
** money come back through recoveries.
*/
static const char *const totals[][2] = {
    {"decided", "1 = 1"},
    {"eligible", "d.eligible = 1"},
    {"waiting", "d.eligible = 1 AND d.state = 'decided'"},
    {"withdrawn", "d.state = 'withdrawn'"},
    {"approved", "d.state IN ('approved', 'sent', 'paid', 'failed', 'recovering', 'recovered', 'written_off')"},
    {"unsent", "d.state = 'approved'"},
    {"sent", "d.state = 'sent'"},
    {"paid", "d.state IN ('paid', 'recovering', 'recovered', 'written_off')"},
    {"failed", "d.state = 'failed'"},
    {"recovering", "d.state = 'recovering'"},
    {"returned", "d.state = 'recovered'"},
};
enum { N_TOTALS = sizeof totals / sizeof totals[0] };

static int batch_totals(struct request *r, int64_t batch_id, json_t *obj)
{
	char sql[4096];
	size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT count(*)");
	for (int i = 0; i < N_TOTALS; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len,
		                        ", coalesce(sum(CASE WHEN %s THEN 1 ELSE 0 END), 0),"
		                        " coalesce(sum(CASE WHEN %s THEN d.amount_fen ELSE 0 END), 0)",
		                        totals[i][1], totals[i][1]);
	snprintf(sql + len, sizeof sql - len,
	         " FROM refund_decisions d JOIN orgs o ON o.id = d.district_org_id"
	         " WHERE d.batch_id = ?1 AND substr(o.path, 1, length(?2)) = ?2");
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, sql, "it", batch_id, request_area(r));
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *t = json_object();
		for (int i = 0; i < N_TOTALS; i++)
			json_object_set_new(t, totals[i][0],
			                    json_pack("{s:I, s:I}", "enterprises",
			                              (json_int_t)db_column_int64(s, 1 + 2 * i), "amount_fen",
			                              (json_int_t)db_column_int64(s, 2 + 2 * i)));
		json_object_set_new(obj, "totals", t);
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

static json_t *batch_json(struct request *r, struct db_stmt *s)
{
	struct life_batch b;
	char today[11], at[32];
	batch_read(r->arena, s, &b);
	life_today(today);
	clock_format_iso(db_column_int64(s, 13), at);
	const char *state = life_batch_state(&b, today);
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:I, s:I, s:s, s:s, s:o, s:s, s:s?, s:s}", "id", (json_int_t)b.id, "policy",
	    (json_int_t)b.policy_id, "policy_name", b.policy_name, "number", (json_int_t)b.number, "version",
	    (json_int_t)db_column_int64(s, 11), "state", state, "state_label", refund_batch_label(state), "publicity",
	    b.publicity_start ? json_pack("{s:s, s:s}", "start", b.publicity_start, "end", b.publicity_end)
	                      : json_null(),
	    "run_by", b.run_by, "approved_by", db_column_text(s, 12), "at", at);
	/* People by their names, as the console shows them (the login stays for the record). */
	json_object_set_new(o, "run_by_name", json_string(db_column_is_null(s, 14) ? b.run_by : db_column_text(s, 14)));
	json_object_set_new(o, "approved_by_name",
	                    db_column_is_null(s, 15) ? json_incref(json_object_get(o, "approved_by"))
	                                             : json_string(db_column_text(s, 15)));
	if (o && batch_totals(r, b.id, o) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
** ROUTE: GET /api/v1/refunds/batches
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 返还批次 Refund batches, newest first, with their state and totals
** Batches of policies on the caller's branch; totals over the caller's area's
** enterprises (see docs/api.md: they add up).  ?limit, ?cursor.
*/
void refunds_batches_list(struct request *r)
{
	reply_area_page(r, AREA_PAGE_SQL(BATCH_SELECT, "b.id", "o.path"), batch_json);
}

/* Answer the batch {id} as GET /api/v1/refunds/batches/{id} does, with status. */
static void reply_batch(struct request *r, int status, int64_t id)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, BATCH_SELECT " WHERE b.id = ?", "i", id);
	if (!db_row_or_reply(r, rc, s, "unknown_batch", "批次不存在 (no such batch)"))
		return;
	json_t *o = batch_json(r, s);
	db_finalize(s);
	int64_t open = 0;
	rc = o ? db_query_int64(
	             r->db, &open,
	             "SELECT count(*) FROM refund_objections j JOIN refund_decisions d ON d.id = j.decision_id"
	             " JOIN orgs o ON o.id = d.district_org_id WHERE d.batch_id = ?1 AND j.state = 'open'"
	             " AND substr(o.path, 1, length(?2)) = ?2",
	             "it", id, request_area(r))
	       : DB_ERROR;
	if (rc < 0) {
		json_decref(o);
		reply_db_error(r, rc);
		return;
	}
	json_object_set_new(o, "objections_open", json_integer(open));
	reply_json(r, status, o);
}

/*
** ROUTE: GET /api/v1/refunds/batches/{id}
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 一个返还批次 A refund batch: state, publicity window, totals, open objections
*/
void refunds_batch_get(struct request *r)
{
	struct life_batch b;
	if (life_batch_from_route(r, "id", false, &b))
		reply_batch(r, 200, b.id);
}

/* ---- publicity ----------------------------------------------------------------- */

int life_publicise(struct db *d, struct arena *a, const struct audit_context *ctx, const struct life_batch *b,
                   int32_t today, int working_days)
{
	char start[11], end[11];
	calendar_publicity_window(calendar_china(), today, working_days, start, end);
	int rc = db_run(d,
	                "UPDATE refund_batches SET state = 'publicised', publicity_start = ?, publicity_end = ?"
	                " WHERE id = ? AND state = 'decided'",
	                "tti", start, end, b->id);
	struct db_stmt *s = NULL;
	if (rc == 0)
		rc = db_prepare(d, &s,
		                "SELECT d.credit_code, d.amount_fen FROM refund_decisions d WHERE d.batch_id = ?"
		                " AND d.eligible = 1 AND d.state = 'decided'",
		                "i", b->id);
	while (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		char yuan[40];
		money_format(db_column_int64(s, 1), MONEY_YUAN, yuan, sizeof yuan);
		const char *body = arena_printf(a, "%s 第%lld批:贵企业拟获返还 %s,公示期 %s 至 %s。", b->policy_name,
		                                (long long)b->number, yuan, start, end);
		rc = life_notify_enterprise(d, db_column_text(s, 0), "稳岗返还公示", body);
	}
	db_finalize(s);
	if (rc == DB_DONE)
		rc = 0;
	if (rc == 0) {
		json_t *detail = json_pack("{s:i, s:s, s:s}", "working_days", working_days, "start", start, "end", end);
		rc = life_audit(d, ctx, "refunds.batch.publicise", "refund_batch", b->id, b->policy_path, detail);
		json_decref(detail);
	}
	return rc;
}

/*
** ROUTE: POST /api/v1/refunds/batches/{id}/publicity
** AUTH: department
** DUTY: refunds
** SUMMARY: 公示返还批次 Publicise a batch for N working days
** Body: {"working_days"} (1..30).  The window starts the next working day and
** lasts N working days on the working-day calendar; each eligible
** enterprise's accounts get a notice.  Only a decided batch (409 wrong_state);
** the batch must be the caller's area's.
*/
void refunds_batch_publicise(struct request *r)
{
	static const char *const fields[] = {"working_days", NULL};
	int64_t days;
	struct life_batch b;
	if (!life_batch_from_route(r, "id", true, &b) || !body_only(r, fields) ||
	    !body_int64(r, "working_days", FIELD_REQUIRED, 1, 30, &days, NULL))
		return;
	if (strcmp(b.state, "decided") != 0) {
		reply_error(r, 409, "wrong_state", NULL,
		            "只能公示尚未公示的批次 (only a decided batch can be publicised)");
		return;
	}
	struct audit_context ctx = audit_context_of(r);
	int64_t mark = notices_mark(r->db);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = life_publicise(r->db, r->arena, &ctx, &b, clock_local_day(clock_now()), (int)days);
	if (!db_finish_or_reply(r, rc))
		return;
	notices_push(r->db, mark);
	reply_batch(r, 200, b.id);
}

static json_t *public_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	return json_pack("{s:I, s:s, s:s, s:I}", "decision", (json_int_t)db_column_int64(s, 0), "name",
	                 db_column_text(s, 1), "district_name", db_column_text(s, 2), "amount_fen",
	                 (json_int_t)db_column_int64(s, 3));
}

/*
** ROUTE: GET /api/v1/public/refunds/publicity
** AUTH: public
** SUMMARY: 稳岗返还公示名单 The refunds now in publicity (public)
** {"batches":[{"id","policy_name","number","start","end","decisions":[{"decision",
** "name","district_name","amount_fen"}]}]}: every batch now in its window and its
** eligible decisions not withdrawn.  No credit code, headcount or personal data.
** ?batch=ID for one batch.
*/
void refunds_public_publicity(struct request *r)
{
	int64_t only;
	if (!life_id_arg(r, "batch", &only))
		return;
	char today[11];
	life_today(today);
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT b.id, p.name, b.number, b.publicity_start, b.publicity_end FROM refund_batches b"
	                    " JOIN refund_policies p ON p.id = b.policy_id WHERE b.state = 'publicised'"
	                    " AND b.publicity_start <= ?1 AND b.publicity_end >= ?1 AND (?2 = 0 OR b.id = ?2)"
	                    " ORDER BY b.id",
	                    "ti", today, only);
	json_t *list = json_array();
	while (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *batch =
		    json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0), "policy_name",
		              db_column_text(s, 1), "number", (json_int_t)db_column_int64(s, 2), "start",
		              db_column_text(s, 3), "end", db_column_text(s, 4));
		json_array_append_new(list, batch);
		struct db_stmt *d;
		int drc = db_prepare(r->db, &d,
		                     "SELECT d.id, e.name, o.name, d.amount_fen FROM refund_decisions d"
		                     " JOIN refund_enterprises e ON e.credit_code = d.credit_code"
		                     " JOIN orgs o ON o.id = d.district_org_id WHERE d.batch_id = ? AND d.eligible = 1"
		                     " AND d.state = 'decided' ORDER BY o.code, d.id",
		                     "i", db_column_int64(s, 0));
		rc = rows_into(r, batch, "decisions", drc, d, public_row_json);
	}
	db_finalize(s);
	if (rc == DB_DONE)
		rc = 0;
	reply_json_or_db_error(r, rc, json_pack("{s:o}", "batches", list));
}

int life_object(struct db *d, const struct audit_context *ctx, int64_t decision, const char *reason,
                const char *contact, const char *path, int64_t *ret_id)
{
	int rc =
	    db_run(d, "INSERT INTO refund_objections(decision_id, reason, contact, ip, lodged_at) VALUES (?,?,?,?,?)",
	           "ittti", decision, reason, contact, ctx->ip, clock_now());
	*ret_id = db_last_insert_id(d);
	if (rc == 0) {
		json_t *detail = json_pack("{s:I}", "decision", (json_int_t)decision);
		rc = life_audit(d, ctx, "refunds.objection.lodge", "refund_objection", *ret_id, path, detail);
		json_decref(detail);
	}
	return rc;
}

/* Objections an address may lodge in an hour. */
enum { OBJECTIONS_PER_HOUR = 10 };

/* The number of characters (not bytes) of UTF-8 text. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/*
** ROUTE: POST /api/v1/public/refunds/objections
** AUTH: public
** SUMMARY: 对公示的返还提出异议 Object to a publicised refund (public)
** Body: {"decision","reason","contact"}: reason 10..1000 characters, contact
** optional (seen by the bureau only).  → 201 {"id"}.  Only while the
** decision's batch is in its window (409 not_in_publicity); 10 an hour from
** one address (429 too_many_objections).
*/
void refunds_public_object(struct request *r)
{
	static const char *const fields[] = {"decision", "reason", "contact", NULL};
	int64_t decision;
	const char *reason, *contact;
	if (!body_only(r, fields) || !body_int64(r, "decision", FIELD_REQUIRED, 1, INT64_MAX, &decision, NULL) ||
	    !body_string(r, "reason", FIELD_REQUIRED, 4000, &reason) ||
	    !body_string(r, "contact", FIELD_OPTIONAL, 100, &contact))
		return;
	size_t chars = utf8_chars(reason);
	if (chars < 10 || chars > 1000) {
		reply_error(r, 422, "invalid_length", "reason",
		            "异议理由应为 10 至 1000 字 (reason: 10 to 1000 characters)");
		return;
	}
	char key[96];
	snprintf(key, sizeof key, "objection:%s", request_ip(r));
	int64_t now = clock_now(), wait = ratelimit_blocked(key, OBJECTIONS_PER_HOUR, now);
	if (wait) {
		r->retry_after = wait;
		reply_error(
		    r, 429, "too_many_objections", NULL,
		    "异议提交过于频繁,请稍后再试 (too many objections from this address; try again in %lld seconds)",
		    (long long)wait);
		return;
	}
	char today[11];
	life_today(today);
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT b.publicity_start, b.publicity_end, o.path FROM refund_decisions d"
	               " JOIN refund_batches b ON b.id = d.batch_id JOIN orgs o ON o.id = d.district_org_id"
	               " WHERE d.id = ? AND d.eligible = 1 AND d.state = 'decided' AND b.publicity_start IS NOT NULL",
	               "i", decision);
	if (!db_row_or_reply(r, rc, s, "unknown_decision", "公示名单中没有该决定 (no such publicised decision)"))
		return;
	bool open = calendar_window_open(db_column_text(s, 0), db_column_text(s, 1), today);
	const char *path = arena_strdup(r->arena, db_column_text(s, 2));
	db_finalize(s);
	if (!open) {
		reply_error(r, 409, "not_in_publicity", NULL,
		            "该决定不在公示期内 (the decision is not in its publicity window)");
		return;
	}
	ratelimit_count(key, 3600, now);
	struct audit_context ctx = audit_context_of(r);
	int64_t id = 0;
	rc = db_begin(r->db);
	if (rc == 0)
		rc = life_object(r->db, &ctx, decision, reason, contact, path, &id);
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* ---- objections ------------------------------------------------------------------ */

static json_t *objection_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	char lodged[32], resolved[32];
	clock_format_iso(db_column_int64(s, 11), lodged);
	bool done = !db_column_is_null(s, 13);
	if (done)
		clock_format_iso(db_column_int64(s, 13), resolved);
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s?, s:s, s:s?, s:s, s:s?, s:s?}", "id",
	                 (json_int_t)db_column_int64(s, 0), "decision", (json_int_t)db_column_int64(s, 1), "batch",
	                 (json_int_t)db_column_int64(s, 2), "name", db_column_text(s, 3), "district_name",
	                 db_column_text(s, 4), "amount_fen", (json_int_t)db_column_int64(s, 5), "reason",
	                 db_column_text(s, 6), "contact", db_column_text(s, 7), "state", db_column_text(s, 8),
	                 "resolution", db_column_text(s, 9), "lodged_at", lodged, "resolved_by", db_column_text(s, 12),
	                 "resolved_at", done ? resolved : NULL);
}

#define OBJECTION_SELECT                                                                                               \
	"SELECT j.id, j.decision_id, d.batch_id, e.name, o.name, d.amount_fen, j.reason, j.contact, j.state,"          \
	" j.resolution, o.path, j.lodged_at, j.resolved_by, j.resolved_at FROM refund_objections j"                    \
	" JOIN refund_decisions d ON d.id = j.decision_id JOIN refund_enterprises e ON e.credit_code = d.credit_code"  \
	" JOIN orgs o ON o.id = d.district_org_id"

/*
** ROUTE: GET /api/v1/refunds/objections
** AUTH: department,leader
** DUTY: refunds
** SUMMARY: 公示异议 Objections to publicised refunds
** On decisions about enterprises in the caller's area, newest first;
** ?state=open|upheld|dismissed, ?batch=ID, ?limit, ?cursor.
*/
void refunds_objections_list(struct request *r)
{
	int64_t limit, cursor;
	const char *state = query_arg(r, "state");
	int64_t batch;
	if (!page_args(r, 50, 200, &limit, &cursor) || !life_id_arg(r, "batch", &batch))
		return;
	static const char *const states[] = {"open", "upheld", "dismissed", NULL};
	if (choice_or_reply(r, "invalid_query", "state", state, states) == -2)
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    OBJECTION_SELECT " WHERE j.id < ?1 AND substr(o.path, 1, length(?2)) = ?2"
	                                     " AND (?3 IS NULL OR j.state = ?3) AND (?4 = 0 OR d.batch_id = ?4)"
	                                     " ORDER BY j.id DESC LIMIT ?5",
	                    "ittii", cursor, request_area(r), state, batch, limit);
	reply_rows(r, rc, s, objection_json, limit);
}

int life_resolve(struct db *d, const struct audit_context *ctx, int64_t id, int64_t decision, bool upheld,
                 const char *resolution, const char *path)
{
	int rc =
	    db_run(d,
	           "UPDATE refund_objections SET state = ?, resolution = ?, resolved_by = ?, resolved_by_id = ?,"
	           " resolved_at = ? WHERE id = ? AND state = 'open'",
	           "tttrii", upheld ? "upheld" : "dismissed", resolution, ctx->actor, ctx->actor_id, clock_now(), id);
	/* Only a decision not yet approved can be withdrawn: one with an open objection was held back. */
	if (rc == 0 && upheld)
		rc = db_run(d,
		            "UPDATE refund_decisions SET state = 'withdrawn', withdrawn_reason = ? WHERE id = ?"
		            " AND state = 'decided'",
		            "ti", resolution, decision);
	if (rc == 0) {
		json_t *detail = json_pack("{s:I, s:s, s:s}", "decision", (json_int_t)decision, "outcome",
		                           upheld ? "upheld" : "dismissed", "resolution", resolution);
		rc = life_audit(d, ctx, "refunds.objection.resolve", "refund_objection", id, path, detail);
		json_decref(detail);
	}
	return rc;
}

/*
** ROUTE: POST /api/v1/refunds/objections/{id}/resolve
** AUTH: department
** DUTY: refunds
** SUMMARY: 处理公示异议 Resolve an objection: upheld withdraws the decision
** Body: {"outcome": "upheld" | "dismissed", "resolution"} (resolution: why, 1..1000
** bytes).  Upheld: the decision is withdrawn with the resolution as its
** reason; dismissed: it stands.  Only an open objection (409 wrong_state) on
** a decision in the caller's area (404 unknown_objection).
*/
void refunds_objection_resolve(struct request *r)
{
	static const char *const fields[] = {"outcome", "resolution", NULL};
	int64_t id;
	const char *outcome, *resolution;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "outcome", FIELD_REQUIRED, 16, &outcome) ||
	    !body_string(r, "resolution", FIELD_REQUIRED, 3000, &resolution))
		return;
	static const char *const outcomes[] = {"upheld", "dismissed", NULL};
	int choice = choice_or_reply(r, "invalid_value", "outcome", outcome, outcomes);
	if (choice < 0)
		return;
	bool upheld = choice == 0;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, OBJECTION_SELECT " WHERE j.id = ?1 AND substr(o.path, 1, length(?2)) = ?2", "it",
	                    id, request_area(r));
	if (!db_row_or_reply(r, rc, s, "unknown_objection", "异议不存在 (no such objection)"))
		return;
	int64_t decision = db_column_int64(s, 1);
	bool open = strcmp(db_column_text(s, 8), "open") == 0;
	const char *path = arena_strdup(r->arena, db_column_text(s, 10));
	db_finalize(s);
	if (!open) {
		reply_error(r, 409, "wrong_state", NULL, "该异议已处理 (the objection was resolved already)");
		return;
	}
	struct audit_context ctx = audit_context_of(r);
	rc = db_begin(r->db);
	if (rc == 0)
		rc = life_resolve(r->db, &ctx, id, decision, upheld, resolution, path);
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200,
		           json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "decision", (json_int_t)decision,
		                     "state", upheld ? "upheld" : "dismissed", "decision_state",
		                     upheld ? "withdrawn" : "decided"));
}

int life_approve(struct db *d, const struct audit_context *ctx, const struct life_batch *b, const char *note,
                 int64_t *ret_approved, int64_t *ret_held)
{
	int rc = db_run(d,
	                "UPDATE refund_decisions SET state = 'approved' WHERE batch_id = ? AND eligible = 1"
	                " AND state = 'decided' AND NOT EXISTS (SELECT 1 FROM refund_objections j"
	                " WHERE j.decision_id = refund_decisions.id AND j.state = 'open')",
	                "i", b->id);
	*ret_approved = db_changes(d);
	if (rc == 0)
		rc = db_query_int64(d, ret_held,
		                    "SELECT count(*) FROM refund_decisions WHERE batch_id = ? AND eligible = 1"
		                    " AND state = 'decided'",
		                    "i", b->id);
	if (rc == 0 && *ret_approved > 0)
		rc = db_run(
		    d,
		    "UPDATE refund_batches SET state = CASE WHEN state = 'publicised' THEN 'approved' ELSE state END,"
		    " approved_by = ?, approved_by_id = ?, approved_at = ? WHERE id = ?",
		    "trii", ctx->actor, ctx->actor_id, clock_now(), b->id);
	if (rc == 0 && *ret_approved > 0) {
		json_t *detail = json_pack("{s:I, s:I, s:s?}", "approved", (json_int_t)*ret_approved, "held",
		                           (json_int_t)*ret_held, "note", note);
		rc = life_audit(d, ctx, "refunds.batch.approve", "refund_batch", b->id, b->policy_path, detail);
		json_decref(detail);
	}
	return rc;
}

/* ---- approval -------------------------------------------------------------------- */

/*
** ROUTE: POST /api/v1/refunds/batches/{id}/approve
** AUTH: department,leader
** SUMMARY: 审批返还批次 Approve a batch once its publicity is over
** Body: {"note"} (optional).  A leader signs off, or the refunds bureau's
** staff (another bureau's: 403 wrong_duty); never whoever ran the batch (403
** same_person); the batch must be of the caller's area (403 out_of_scope).
** Only once the window is over (409 publicity_open; before any publicity 409
** wrong_state).  Approves every eligible decision not withdrawn and without an
** open objection; those with one are held: {"approved","held"}.  Again after
** objections are resolved, to approve the held ones (409 nothing_to_approve).
*/
void refunds_batch_approve(struct request *r)
{
	static const char *const fields[] = {"note", NULL};
	const char *note;
	struct life_batch b;
	if (r->who.role == ROLE_DEPARTMENT && !duty_allowed(r, "refunds"))
		return;
	if (!life_batch_from_route(r, "id", true, &b) || !body_only(r, fields) ||
	    !body_string(r, "note", FIELD_OPTIONAL, 1000, &note))
		return;
	if (b.run_by_id == r->who.user_id) {
		reply_error(r, 403, "same_person", NULL,
		            "运行批次的人不能审批同一批次 (whoever ran the batch may not approve it)");
		return;
	}
	char today[11];
	life_today(today);
	if (strcmp(b.state, "decided") == 0 || strcmp(b.state, "settled") == 0) {
		reply_error(r, 409, "wrong_state", NULL,
		            "该批次尚未公示或已结清 (the batch is not publicised, or settled)");
		return;
	}
	if (strcmp(life_batch_state(&b, today), "publicised") == 0) {
		reply_error(r, 409, "publicity_open", NULL, "公示期至 %s 结束,之后方可审批 (publicity runs until %s)",
		            b.publicity_end, b.publicity_end);
		return;
	}
	struct audit_context ctx = audit_context_of(r);
	int64_t approved = 0, held = 0;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = life_approve(r->db, &ctx, &b, note, &approved, &held);
	if (rc == 0 && approved == 0) {
		db_rollback(r->db);
		reply_error(r, 409, "nothing_to_approve", NULL, "没有可审批的决定 (nothing to approve; %lld held)",
		            (long long)held);
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200,
		           json_pack("{s:I, s:I, s:I}", "id", (json_int_t)b.id, "approved", (json_int_t)approved,
		                     "held", (json_int_t)held));
}
