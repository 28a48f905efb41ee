/*
** Plans and progress: an agent makes a project's plan backwards from its
** milestone targets; departments accept, return for more material (补正),
** finish or refuse its approval items; the agent records the milestones.
** After every change the plan is worked out again in the same transaction,
** so the dates, the critical path and the lights are never stale.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/log.h"
#include "org/org.h"
#include "projects/projects.h"

/* One approval item of a project as the plan needs it. */
struct stored_item {
	int64_t id, clock_from, due_at, done_at;
	int limit_days, limit_hours;
	char status[12];
	struct light light;
};

static int find_item(const struct stored_item *items, int n, int64_t id)
{
	int lo = 0, hi = n - 1; /* items are loaded in id order */
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (items[mid].id == id)
			return mid;
		if (items[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static int32_t day_or_none(int64_t t)
{
	return t ? clock_local_day(t) : PLAN_NO_DAY;
}

int project_targets_current(struct db *d, int64_t project_id, int32_t targets[MILESTONE_COUNT])
{
	for (int g = 0; g < MILESTONE_COUNT; g++)
		targets[g] = PLAN_NO_DAY;
	struct db_stmt *s;
	int rc = db_prepare(d, &s,
	                    "SELECT kind, target FROM project_milestones WHERE project_id = ? AND target IS NOT NULL"
	                    " AND actual IS NULL",
	                    "i", project_id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int g = milestone_from_name(db_column_text(s, 0));
		if (g >= 0)
			targets[g] = (int32_t)db_column_int64(s, 1);
	}
	db_finalize(s);
	return rc == DB_DONE ? 0 : rc;
}

/* Load the items, their prerequisites and the targets of a project. */
static int load_plan(struct db *d, int64_t project_id, struct stored_item **ret_stored, struct plan_item **ret_items,
                     int **ret_pre, int *ret_n, int32_t targets[MILESTONE_COUNT], char stage[16])
{
	struct db_stmt *s;
	struct stored_item *stored = NULL;
	struct plan_item *items = NULL;
	int *pre = NULL, n = 0, cap = 0, npre = 0, precap = 0;
	int rc = db_prepare(d, &s,
	                    "SELECT i.id, i.limit_days, i.limit_hours, i.status, coalesce(i.clock_from, 0),"
	                    " coalesce(i.due_at, 0), coalesce(i.done_at, 0), a.gate"
	                    " FROM project_items i JOIN approval_items a ON a.code = i.item_code"
	                    " WHERE i.project_id = ? ORDER BY i.id",
	                    "i", project_id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			struct stored_item *a = realloc(stored, (size_t)cap * sizeof *a);
			struct plan_item *b = a ? realloc(items, (size_t)cap * sizeof *b) : NULL;
			if (a)
				stored = a;
			if (b)
				items = b;
			if (!a || !b) {
				rc = DB_ERROR;
				break;
			}
		}
		struct stored_item *st = &stored[n];
		*st = (struct stored_item){.id = db_column_int64(s, 0),
		                           .limit_days = (int)db_column_int64(s, 1),
		                           .limit_hours = (int)db_column_int64(s, 2),
		                           .clock_from = db_column_int64(s, 4),
		                           .due_at = db_column_int64(s, 5),
		                           .done_at = db_column_int64(s, 6)};
		snprintf(st->status, sizeof st->status, "%s", db_column_text(s, 3));
		bool done = strcmp(st->status, "done") == 0, refused = strcmp(st->status, "refused") == 0;
		items[n] = (struct plan_item){
		    .duration = st->limit_days,
		    .gate = milestone_from_name(db_column_text(s, 7)),
		    /* A refused item must be applied for again: it starts afresh like a pending one. */
		    .started = refused || strcmp(st->status, "pending") == 0 ? PLAN_NO_DAY : day_or_none(st->clock_from),
		    .finished = done ? day_or_none(st->done_at) : PLAN_NO_DAY,
		    .paused = strcmp(st->status, "returned") == 0};
		n++;
	}
	db_finalize(s);
	if (rc != DB_DONE && rc != 0)
		goto fail;
	/* Prerequisites: pairs (item, requires) as indexes, then each item's slice. */
	int *pairs = NULL;
	rc = db_prepare(d, &s,
	                "SELECT x.item_id, x.requires_id FROM project_item_prereqs x"
	                " JOIN project_items i ON i.id = x.item_id WHERE i.project_id = ? ORDER BY x.item_id",
	                "i", project_id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		if (npre == precap) {
			precap = precap ? 2 * precap : 64;
			int *grown = realloc(pairs, (size_t)precap * 2 * sizeof *grown);
			if (!grown) {
				rc = DB_ERROR;
				break;
			}
			pairs = grown;
		}
		pairs[2 * npre] = find_item(stored, n, db_column_int64(s, 0));
		pairs[2 * npre + 1] = find_item(stored, n, db_column_int64(s, 1));
		npre++;
	}
	db_finalize(s);
	if (rc != DB_DONE && rc != 0) {
		free(pairs);
		goto fail;
	}
	pre = malloc(((size_t)npre + 1) * sizeof *pre);
	if (!pre) {
		free(pairs);
		rc = DB_ERROR;
		goto fail;
	}
	for (int k = 0, i = 0; i < n; i++) {
		items[i].pre = pre + k;
		items[i].npre = 0;
		for (; k < npre && pairs[2 * k] == i; k++) {
			pre[k] = pairs[2 * k + 1];
			items[i].npre++;
		}
	}
	free(pairs);
	rc = project_targets_current(d, project_id, targets);
	if (rc == 0) {
		rc = db_prepare(d, &s, "SELECT stage FROM projects WHERE id = ?", "i", project_id);
		if (rc == 0 && (rc = db_step(s)) == DB_ROW)
			snprintf(stage, 16, "%s", db_column_text(s, 0));
		db_finalize(s);
	}
	if (rc != DB_ROW)
		goto fail;
	*ret_stored = stored;
	*ret_items = items;
	*ret_pre = pre;
	*ret_n = n;
	return 0;
fail:
	free(stored), free(items), free(pre);
	return rc < 0 ? rc : DB_ERROR;
}

int project_recompute(struct db *d, int64_t project_id, int64_t now, struct plan_result *ret)
{
	struct stored_item *stored;
	struct plan_item *items;
	int *pre, n, cycle = -1;
	int32_t targets[MILESTONE_COUNT];
	char stage[16] = "";
	int rc = load_plan(d, project_id, &stored, &items, &pre, &n, targets, stage);
	if (rc < 0)
		return rc;
	const struct calendar *cal = calendar_china();
	int yellow = projects_yellow_days(d);
	struct plan_result res;
	rc = plan_schedule(cal, items, n, targets, clock_local_day(now), &res, &cycle);
	if (rc == -ELOOP) {
		free(stored), free(items), free(pre);
		return -ELOOP;
	}
	if (rc < 0) {
		free(stored), free(items), free(pre);
		return DB_ERROR;
	}
	struct light project = LIGHT_NEVER;
	for (int i = 0; i < n; i++) {
		struct stored_item *st = &stored[i];
		if (strcmp(st->status, "done") == 0)
			st->light = LIGHT_NEVER;
		else if (strcmp(st->status, "refused") == 0)
			st->light = (struct light){st->done_at, st->done_at}; /* red from the refusal until applied again */
		else
			st->light = light_of_item(cal, &items[i], strcmp(st->status, "accepted") == 0 ? st->due_at : 0,
			                          st->limit_hours, yellow);
		project = light_worst(project, st->light);
	}
	for (int g = 0; g < MILESTONE_COUNT; g++)
		project = light_worst(project, light_of_day(cal, targets[g], yellow));
	if (strcmp(stage, "operating") == 0)
		project = LIGHT_NEVER;
	rc = 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		const struct plan_item *it = &items[i];
		rc = db_run(d,
		            "UPDATE project_items SET latest_start = ?, latest_finish = ?, earliest_finish = ?, critical = ?,"
		            " red_at = ?, yellow_at = ? WHERE id = ?",
		            "rrrirri", it->latest_start == PLAN_NO_DAY ? (int64_t)0 : (int64_t)it->latest_start,
		            it->latest_finish == PLAN_NO_DAY ? (int64_t)0 : (int64_t)it->latest_finish,
		            (int64_t)it->earliest_finish, (int64_t)(it->critical ? 1 : 0), light_column(stored[i].light.red_at),
		            light_column(stored[i].light.yellow_at), stored[i].id);
	}
	if (rc == 0)
		rc = db_run(d,
		            "UPDATE projects SET feasible = CASE WHEN plan_version > 0 THEN ? END, shortfall_days = ?,"
		            " red_at = ?, yellow_at = ?, updated_at = ? WHERE id = ?",
		            "iirrii", (int64_t)res.feasible, (int64_t)res.shortfall, light_column(project.red_at),
		            light_column(project.yellow_at), now, project_id);
	if (ret)
		*ret = res;
	free(stored), free(items), free(pre);
	return rc;
}

int project_items_set(struct db *d, int64_t project_id, int64_t district_org_id, const char *codes, bool first)
{
	int rc = 0;
	if (first && !codes) /* the first plan takes the whole active catalogue unless told otherwise */
		codes = "null";
	/* A district's own bureau takes an item when it has one (晋安区发改局 files 晋安's projects). */
	if (codes)
		rc = db_run(d,
		            "INSERT INTO project_items(project_id, item_code, district_org_id, department_org_id,"
		            " limit_days, limit_hours) SELECT ?1, a.code, ?2,"
		            " coalesce((SELECT id FROM orgs WHERE code = d.code || '-' || a.local_suffix), a.department_org_id),"
		            " a.limit_days, a.limit_hours FROM approval_items a, orgs d WHERE d.id = ?2 AND a.active = 1"
		            " AND (?3 = 'null' OR a.code IN (SELECT value FROM json_each(?3)))"
		            " AND a.code NOT IN (SELECT item_code FROM project_items WHERE project_id = ?1)",
		            "iit", project_id, district_org_id, codes);
	/* Prerequisites as the catalogue has them now, between the items the plan holds; what is no
	** longer wanted and not yet begun is dropped. */
	if (rc == 0)
		rc = db_run(d,
		            "DELETE FROM project_item_prereqs WHERE item_id IN (SELECT id FROM project_items WHERE project_id = ?)",
		            "i", project_id);
	if (rc == 0 && codes)
		rc = db_run(d,
		            "DELETE FROM project_items WHERE project_id = ?1 AND status = 'pending' AND ?2 <> 'null'"
		            " AND item_code NOT IN (SELECT value FROM json_each(?2))",
		            "it", project_id, codes);
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO project_item_prereqs(item_id, requires_id)"
		            " SELECT i.id, q.id FROM project_items i JOIN approval_prereqs x ON x.item = i.item_code"
		            " JOIN project_items q ON q.project_id = i.project_id AND q.item_code = x.requires"
		            " WHERE i.project_id = ?",
		            "i", project_id);
	return rc;
}

int project_targets_set(struct db *d, int64_t project_id, const int32_t targets[MILESTONE_COUNT])
{
	int rc = 0;
	for (int g = 0; rc == 0 && g < MILESTONE_COUNT; g++)
		rc = db_run(d,
		            "INSERT INTO project_milestones(project_id, kind, target, original_target) VALUES (?1, ?2, ?3, ?3)"
		            " ON CONFLICT(project_id, kind) DO UPDATE SET target = ?3,"
		            " original_target = coalesce(project_milestones.original_target, ?3)",
		            "itr", project_id, milestone_names[g], targets[g] == PLAN_NO_DAY ? (int64_t)0 : (int64_t)targets[g]);
	return rc;
}

/* The chosen item codes as a JSON array text, each a known, active catalogue item. */
static const char *plan_item_codes(struct request *r, json_t *list)
{
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 500) {
		reply_error(r, 422, "invalid_field", "items", "items 应为 1 至 500 个审批事项代码 (1 to 500 item codes)");
		return NULL;
	}
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		int64_t known = 0;
		if (!json_is_string(v) ||
		    db_query_int64(r->db, &known, "SELECT 1 FROM approval_items WHERE code = ? AND active = 1", "t",
		                   json_string_value(v)) != 0) {
			reply_error(r, 422, "unknown_item", "items", "未知的审批事项 %s (unknown approval item)",
			            json_is_string(v) ? json_string_value(v) : "?");
			return NULL;
		}
	}
	char *text = json_dumps(list, JSON_COMPACT);
	const char *copy = text ? arena_strdup(r->arena, text) : NULL;
	free(text);
	return copy;
}

/* Read {"targets": {"start": "YYYY-MM-DD", ...}}: at least one, in milestone order. */
static bool plan_targets(struct request *r, const struct project *p, int32_t targets[MILESTONE_COUNT])
{
	json_t *obj = json_object_get(r->json, "targets");
	if (!json_is_object(obj) || json_object_size(obj) == 0) {
		reply_error(r, 422, "missing_field", "targets",
		            "请至少设定一个节点目标日期 (set a target date for at least one milestone)");
		return false;
	}
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (milestone_from_name(key) < 0) {
			reply_error(r, 422, "unknown_milestone", "targets", "未知的节点 %s (unknown milestone)", key);
			return false;
		}
	}
	int32_t last = PLAN_NO_DAY;
	for (int g = 0; g < MILESTONE_COUNT; g++) {
		targets[g] = PLAN_NO_DAY;
		v = json_object_get(obj, milestone_names[g]);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_string(v) || clock_parse_date(json_string_value(v), &targets[g]) < 0) {
			reply_error(r, 422, "invalid_date", "targets", "%s 的目标日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
			            milestone_labels[g]);
			return false;
		}
		if (targets[g] < p->created_on) {
			reply_error(r, 422, "date_before_project", "targets",
			            "%s 目标日期早于项目登记日 (target before the project existed)", milestone_labels[g]);
			return false;
		}
		if (last != PLAN_NO_DAY && targets[g] < last) {
			reply_error(r, 422, "targets_out_of_order", "targets",
			            "%s 目标日期早于前一节点 (milestones must come in order: 开工, 主体完工, 竣工, 投产)",
			            milestone_labels[g]);
			return false;
		}
		last = targets[g];
	}
	return true;
}

static json_t *plan_answer(struct request *r, const struct project *p, const struct plan_result *res, int version,
                           int *ret_rc)
{
	json_t *projected = json_object();
	for (int g = 0; g < MILESTONE_COUNT; g++)
		if (res->projected[g] != PLAN_NO_DAY) {
			char day[11];
			clock_format_date(res->projected[g], day);
			json_object_set_new(projected, milestone_names[g], json_string(day));
		}
	json_t *out = json_pack("{s:I, s:b, s:i, s:o}", "project", (json_int_t)p->id, "feasible", res->feasible,
	                        "shortfall_days", res->shortfall, "projected", projected);
	if (version)
		json_object_set_new(out, "version", json_integer(version));
	json_t *items = json_array();
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    arena_printf(r->arena, "%s WHERE i.project_id = ? ORDER BY coalesce(i.latest_start, 1e9), a.sort",
	                                 project_item_select),
	                    "i", p->id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(items, project_item_json(r, s));
	db_finalize(s);
	json_object_set_new(out, "items", items);
	*ret_rc = rc == DB_DONE ? 0 : rc;
	return out;
}

/*
** ROUTE: POST /api/v1/projects/{id}/plan
** AUTH: admin,agent
** SUMMARY: 倒排计划 Make or remake a project's plan backwards from its targets
** Body: {"targets": {"start","structure","complete","produce"} (dates, at least
** one, in that order), "items": [catalogue codes] (default: the whole active
** catalogue the first time, the current items after), "reason", "dry_run"}.
** Works out each item's latest start and finish on the working-day calendar,
** the critical path and whether the targets can still be met (shortfall in
** working days).  Items already started stay.  Every plan is kept as a
** version; "dry_run": true answers the same without saving anything.
*/
void project_plan_post(struct request *r)
{
	static const char *const fields[] = {"targets", "items", "reason", "dry_run", NULL};
	struct project p;
	int32_t targets[MILESTONE_COUNT];
	const char *reason, *codes = NULL;
	bool dry_run = false;
	if (!body_only(r, fields) || !project_from_route(r, &p) || !plan_targets(r, &p, targets) ||
	    !body_string(r, "reason", FIELD_OPTIONAL, 500, &reason) || !body_bool(r, "dry_run", FIELD_OPTIONAL, &dry_run, NULL))
		return;
	json_t *list = json_object_get(r->json, "items");
	if (list && !json_is_null(list) && !(codes = plan_item_codes(r, list)))
		return;
	int64_t version = 0, now = clock_now();
	/* What the targets and the light were, to tell a relaxation (放宽目标) from progress. */
	struct target_relaxation relaxation = {.project_id = p.id, .made_by = r->who.user_id, .at = now, .actor = r->who.name};
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_query_int64(r->db, &version, "SELECT plan_version + 1 FROM projects WHERE id = ?", "i", p.id);
	if (rc == 0)
		rc = project_targets_current(r->db, p.id, relaxation.before);
	relaxation.light_before = project_light_now(r->db, p.id, now);
	if (rc == 0)
		rc = project_items_set(r->db, p.id, p.district_org_id, codes, version == 1);
	if (rc == 0)
		rc = project_targets_set(r->db, p.id, targets);
	if (rc == 0)
		rc = db_run(r->db, "UPDATE projects SET plan_version = ? WHERE id = ?", "ii", version, p.id);
	struct plan_result res;
	if (rc == 0)
		rc = project_recompute(r->db, p.id, now, &res);
	int relaxed = 0;
	if (rc == 0 && version > 1) {
		relaxation.version = (int)version;
		relaxation.light_after = project_light_now(r->db, p.id, now);
		rc = project_targets_current(r->db, p.id, relaxation.after);
		if (rc == 0)
			rc = project_relaxation_record(r->db, &relaxation, &relaxed);
	}
	if (rc == -ELOOP) {
		db_rollback(r->db);
		reply_error(r, 422, "prerequisite_cycle", "items", "审批事项的前置条件成环 (the prerequisites form a cycle)");
		return;
	}
	json_t *out = NULL;
	if (rc == 0)
		out = plan_answer(r, &p, &res, dry_run ? 0 : (int)version, &rc);
	if (out) /* the milestones this plan moves later: shown before saving, counted after */
		json_object_set_new(out, "relaxed_milestones", json_integer(relaxed));
	if (rc == 0 && dry_run) {
		db_rollback(r->db);
		json_object_set_new(out, "dry_run", json_true());
		reply_json(r, 200, out);
		return;
	}
	if (rc == 0) {
		json_t *snapshot = json_array();
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(out, "items"), i, it)
		    json_array_append_new(snapshot, json_pack("{s:O, s:O?, s:O?, s:O}", "code", json_object_get(it, "code"),
		                                              "latest_start", json_object_get(it, "latest_start"),
		                                              "latest_finish", json_object_get(it, "latest_finish"),
		                                              "critical", json_object_get(it, "critical")));
		char *text = json_dumps(snapshot, JSON_COMPACT);
		json_decref(snapshot);
		rc = text ? db_run(r->db,
		                   "INSERT INTO project_plans(project_id, version, target_start, target_structure,"
		                   " target_complete, target_produce, feasible, shortfall_days, items, reason, made_by, made_at)"
		                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		                   "iirrrriittii", p.id, version,
		                   targets[0] == PLAN_NO_DAY ? (int64_t)0 : (int64_t)targets[0],
		                   targets[1] == PLAN_NO_DAY ? (int64_t)0 : (int64_t)targets[1],
		                   targets[2] == PLAN_NO_DAY ? (int64_t)0 : (int64_t)targets[2],
		                   targets[3] == PLAN_NO_DAY ? (int64_t)0 : (int64_t)targets[3], (int64_t)res.feasible,
		                   (int64_t)res.shortfall, text, reason ? reason : (version == 1 ? "初始计划" : "调整计划"),
		                   r->who.user_id, now)
		          : DB_ERROR;
		free(text);
	}
	if (rc == 0)
		rc = project_event(r, p.id, 0, "plan", NULL, NULL,
		                   arena_printf(r->arena, "第 %lld 版计划%s", (long long)version,
		                                res.feasible ? "" : arena_printf(r->arena, ",目标无法按期实现,差 %d 个工作日",
		                                                                 res.shortfall)));
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:I, s:b, s:i, s:i}", "version", (json_int_t)version, "feasible", res.feasible,
		                           "shortfall_days", res.shortfall, "relaxed_milestones", relaxed);
		rc = audit_append(r->db, &ctx, "project.plan", "project", arena_printf(r->arena, "%lld", (long long)p.id),
		                  p.district_path, detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc)) {
		json_decref(out);
		return;
	}
	project_publish(r, &p, "plan");
	reply_json(r, 201, out);
}

static json_t *plan_version_json(struct request *r, struct db_stmt *s)
{
	json_t *targets = json_object();
	for (int g = 0; g < MILESTONE_COUNT; g++)
		if (!db_column_is_null(s, 2 + g))
			json_object_set_new(targets, milestone_names[g], json_string(project_day_text(r, s, 2 + g)));
	json_error_t err;
	json_t *items = json_loads(db_column_text(s, 8), 0, &err);
	return json_pack("{s:I, s:i, s:o, s:b, s:i, s:s, s:s, s:s, s:s?, s:o}", "id", (json_int_t)db_column_int64(s, 0),
	                 "version", (int)db_column_int64(s, 1), "targets", targets, "feasible",
	                 (int)db_column_int64(s, 6), "shortfall_days", (int)db_column_int64(s, 7), "reason",
	                 db_column_text(s, 9), "made_by", db_column_text(s, 10), "made_by_name", db_column_text(s, 12),
	                 "made_at", project_time_text(r, s, 11), "items", items ? items : json_array());
}

/*
** ROUTE: GET /api/v1/projects/{id}/plans
** AUTH: admin,leader,officer,agent
** SUMMARY: 计划版本 Every plan made for a project, newest first
*/
void project_plans_get(struct request *r)
{
	struct project p;
	if (!project_from_route(r, &p))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT v.id, v.version, v.target_start, v.target_structure, v.target_complete,"
	                    " v.target_produce, v.feasible, v.shortfall_days, v.items, v.reason, u.username, v.made_at,"
	                    " u.display_name"
	                    " FROM project_plans v JOIN users u ON u.id = v.made_by WHERE v.project_id = ?"
	                    " ORDER BY v.version DESC",
	                    "i", p.id);
	reply_rows(r, rc, s, plan_version_json, 0);
}

/* The statutory deadline of an item whose clock starts at `from`. */
static int64_t statutory_due(int64_t from, int limit_days, int limit_hours)
{
	if (limit_hours > 0)
		return from + (int64_t)limit_hours * 3600;
	int32_t day = calendar_add_working_days(calendar_china(), clock_local_day(from), limit_days);
	return clock_local_midnight(day + 1);
}

/*
** ROUTE: POST /api/v1/projects/{id}/items/{item}/transitions
** AUTH: admin,department
** SUMMARY: 办理审批事项 Move an approval item: accept, return, resubmit, done, refuse
** Body: {"action","note"}.  accept (受理) a pending item once its prerequisites
** are done, or a refused one applied for again; return (补正) an accepted one
** for more material, which stops its clock; resubmit when the material comes,
** which starts the full statutory limit again (行政许可法 第三十二条); done (办结)
** or refuse (不予许可, note required) an accepted one.  A department acts only
** on its own items.  Anything out of order is 409 invalid_transition.
*/
void project_item_transition(struct request *r)
{
	static const char *const fields[] = {"action", "note", NULL};
	static const struct {
		const char *action, *from, *to;
	} moves[] = {
	    {"accept", "pending", "accepted"},  {"accept", "refused", "accepted"}, {"return", "accepted", "returned"},
	    {"resubmit", "returned", "accepted"}, {"done", "accepted", "done"},     {"refuse", "accepted", "refused"},
	};
	struct project p;
	int64_t item_id;
	const char *action, *note;
	if (!body_only(r, fields) || !project_from_route(r, &p) || !route_param_id(r, "item", &item_id) ||
	    !body_string(r, "action", FIELD_REQUIRED, 16, &action) || !body_string(r, "note", FIELD_OPTIONAL, 2000, &note))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT i.status, i.department_org_id, i.limit_days, i.limit_hours, i.clock_from, a.name,"
	                    " (SELECT count(*) FROM project_item_prereqs x JOIN project_items q ON q.id = x.requires_id"
	                    "  WHERE x.item_id = i.id AND q.status <> 'done')"
	                    " FROM project_items i JOIN approval_items a ON a.code = i.item_code"
	                    " WHERE i.id = ? AND i.project_id = ?",
	                    "ii", item_id, p.id);
	if (!db_row_or_reply(r, rc, s, "unknown_item", "该项目没有此审批事项 (no such item in this project)"))
		return;
	const char *status = arena_strdup(r->arena, db_column_text(s, 0)), *name = arena_strdup(r->arena, db_column_text(s, 5));
	int64_t department = db_column_int64(s, 1), clock_from = db_column_int64(s, 4), waiting = db_column_int64(s, 6);
	int limit_days = (int)db_column_int64(s, 2), limit_hours = (int)db_column_int64(s, 3);
	db_finalize(s);
	if (r->who.role == ROLE_DEPARTMENT && department != r->who.org_id) {
		reply_error(r, 403, "not_your_item", NULL, "该事项不由本部门办理 (another department handles this item)");
		return;
	}
	const char *to = NULL;
	bool known = false;
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		known |= strcmp(moves[i].action, action) == 0;
		if (strcmp(moves[i].action, action) == 0 && strcmp(moves[i].from, status) == 0)
			to = moves[i].to;
	}
	if (!known) {
		reply_error(r, 422, "unknown_action", "action",
		            "操作应为 accept、return、resubmit、done 或 refuse (unknown action)");
		return;
	}
	if (!to) {
		reply_error(r, 409, "invalid_transition", "action", "事项当前为 %s,不能 %s (cannot %s an item that is %s)",
		            status, action, action, status);
		return;
	}
	if (strcmp(action, "accept") == 0 && waiting > 0) {
		reply_error(r, 409, "prerequisites_pending", "action",
		            "还有 %lld 个前置事项未办结 (%lld prerequisites are not done yet)", (long long)waiting,
		            (long long)waiting);
		return;
	}
	if ((strcmp(action, "refuse") == 0 || strcmp(action, "return") == 0) && !note) {
		reply_error(r, 422, "missing_field", "note", "请说明原因 (say why)");
		return;
	}
	int64_t now = clock_now();
	rc = db_begin(r->db);
	if (rc == 0 && strcmp(to, "accepted") == 0) /* accept or resubmit: the full limit runs from now */
		rc = db_run(r->db,
		            "UPDATE project_items SET status = 'accepted', accepted_at = coalesce(accepted_at, ?1),"
		            " clock_from = ?1, due_at = ?2, done_at = NULL WHERE id = ?3",
		            "iii", now, statutory_due(now, limit_days, limit_hours), item_id);
	else if (rc == 0 && strcmp(to, "returned") == 0)
		rc = db_run(r->db, "UPDATE project_items SET status = 'returned', due_at = NULL WHERE id = ?", "i", item_id);
	else if (rc == 0) { /* done or refused: decided now */
		int64_t due = statutory_due(clock_from, limit_days, limit_hours);
		rc = db_run(r->db,
		            "UPDATE project_items SET status = ?1, done_at = ?2, due_at = NULL,"
		            " working_days = CASE ?1 WHEN 'done' THEN ?3 END, on_time = CASE ?1 WHEN 'done' THEN ?4 END"
		            " WHERE id = ?5",
		            "tiiii", to, now,
		            (int64_t)calendar_working_days_between(calendar_china(), clock_local_day(clock_from),
		                                                   clock_local_day(now)),
		            (int64_t)(now <= due), item_id);
	}
	if (rc == 0)
		rc = project_event(r, p.id, item_id, action, status, to, note);
	if (rc == 0)
		rc = project_recompute(r->db, p.id, now, NULL);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s, s:s, s:s}", "project", p.code, "item", name, "from", status, "to", to);
		rc = audit_append(r->db, &ctx, "project.item", "project_item", arena_printf(r->arena, "%lld", (long long)item_id),
		                  p.district_path, detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	project_publish(r, &p, "item");
	rc = db_prepare(r->db, &s, arena_printf(r->arena, "%s WHERE i.id = ?", project_item_select), "i", item_id);
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		reply_json(r, 200, project_item_json(r, s));
	else
		reply_db_error(r, rc == DB_DONE ? DB_ERROR : rc);
	db_finalize(s);
}

/*
** ROUTE: POST /api/v1/projects/{id}/milestones/{kind}
** AUTH: admin,officer,agent
** SUMMARY: 记录节点实际日期 Record the day a milestone (开工, 主体完工, 竣工, 投产) was reached
** Body: {"actual": "YYYY-MM-DD"}: not before the project was registered, not in
** the future, and in order after the milestones before it.  开工 moves the
** project to construction, 竣工 to completed, 投产 to operating.
*/
void project_milestone_post(struct request *r)
{
	static const char *const fields[] = {"actual", NULL};
	static const char *const stage_after[MILESTONE_COUNT] = {"construction", NULL, "completed", "operating"};
	struct project p;
	int32_t actual;
	if (!body_only(r, fields) || !project_from_route(r, &p))
		return;
	int g = milestone_from_name(route_param(r, "kind"));
	if (g < 0) {
		reply_error(r, 404, "unknown_milestone", NULL, "节点应为 start、structure、complete 或 produce (unknown milestone)");
		return;
	}
	if (!project_body_day(r, "actual", FIELD_REQUIRED, &p, true, &actual, NULL))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT m.kind, t.actual FROM (SELECT 'start' AS kind UNION ALL SELECT 'structure'"
	                    " UNION ALL SELECT 'complete' UNION ALL SELECT 'produce') m"
	                    " LEFT JOIN project_milestones t ON t.project_id = ? AND t.kind = m.kind",
	                    "i", p.id);
	int32_t recorded[MILESTONE_COUNT] = {PLAN_NO_DAY, PLAN_NO_DAY, PLAN_NO_DAY, PLAN_NO_DAY};
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		if (!db_column_is_null(s, 1))
			recorded[milestone_from_name(db_column_text(s, 0))] = (int32_t)db_column_int64(s, 1);
	db_finalize(s);
	if (rc != DB_DONE) {
		reply_db_error(r, rc);
		return;
	}
	if (recorded[g] != PLAN_NO_DAY) {
		reply_error(r, 409, "milestone_recorded", "actual", "%s 已记录 (already recorded)", milestone_labels[g]);
		return;
	}
	for (int before = 0; before < g; before++) {
		if (before == MILESTONE_STRUCTURE)
			continue; /* 主体完工 is not recorded for every kind of project */
		if (recorded[before] == PLAN_NO_DAY || recorded[before] > actual) {
			reply_error(r, 409, "milestone_out_of_order", "actual", "请先记录%s,且日期不能早于它 (record %s first, and not after this)",
			            milestone_labels[before], milestone_names[before]);
			return;
		}
	}
	int64_t now = clock_now();
	char day[11];
	clock_format_date(actual, day);
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO project_milestones(project_id, kind, actual) VALUES (?1, ?2, ?3)"
		            " ON CONFLICT(project_id, kind) DO UPDATE SET actual = ?3",
		            "iti", p.id, milestone_names[g], (int64_t)actual);
	if (rc == 0 && stage_after[g])
		rc = db_run(r->db, "UPDATE projects SET stage = ? WHERE id = ?", "ti", stage_after[g], p.id);
	if (rc == 0)
		rc = project_event(r, p.id, 0, "milestone", p.stage, stage_after[g] ? stage_after[g] : p.stage,
		                   arena_printf(r->arena, "%s %s", milestone_labels[g], day));
	if (rc == 0)
		rc = project_recompute(r->db, p.id, now, NULL);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:s, s:s, s:s}", "project", p.code, "milestone", milestone_names[g], "actual", day);
		rc = audit_append(r->db, &ctx, "project.milestone", "project", arena_printf(r->arena, "%lld", (long long)p.id),
		                  p.district_path, detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	project_publish(r, &p, "milestone");
	reply_json(r, 200, json_pack("{s:s, s:s, s:s}", "kind", milestone_names[g], "actual", day, "stage",
	                             stage_after[g] ? stage_after[g] : p.stage));
}

/*
** ROUTE: GET /api/v1/projects/items
** AUTH: admin,department
** SUMMARY: 部门待办审批事项 A department's approval items, the overdue (red) first, with their lights
** ?status=open (default: accepted, returned or pending whose prerequisites are
** done) or all; ?light=red|yellow|green.  In order of the instant each turns
** red (its "deadline"; so the red ones first, then by deadline), done ones
** last; ?limit= and ?cursor= (an id from next_cursor) paginate; "total"
** counts every page.  An administrator sees every department's, or one's with ?department=CODE.
** Department staff need the approval duty (the approving bureaus): a bureau
** that approves nothing gets 403 wrong_duty, not an empty list forever.
*/
void project_items_list(struct request *r)
{
	int64_t limit, cursor;
	if ((r->who.role == ROLE_DEPARTMENT && !duty_allowed(r, "approval")) || !page_args(r, 50, 500, &limit, &cursor))
		return;
	const char *status = query_arg(r, "status"), *light = query_arg(r, "light");
	if (status && strcmp(status, "open") != 0 && strcmp(status, "all") != 0) {
		reply_error(r, 422, "invalid_filter", "status", "status 应为 open 或 all (status: open or all)");
		return;
	}
	if (light && strcmp(light, "red") != 0 && strcmp(light, "yellow") != 0 && strcmp(light, "green") != 0) {
		reply_error(r, 422, "invalid_filter", "light", "light 应为 red、yellow 或 green (light: red, yellow or green)");
		return;
	}
	const char *department = r->who.role == ROLE_DEPARTMENT ? r->who.org_code : query_arg(r, "department");
	/* The filters, ?1..?4; the count binds those alone, the page ?5 and ?6 besides. */
	const char *where =
	    " WHERE (?1 IS NULL OR g.code = ?1)"
	    " AND (?2 = 'all' OR i.status IN ('accepted', 'returned', 'refused') OR (i.status = 'pending' AND NOT "
	    "EXISTS"
	    "  (SELECT 1 FROM project_item_prereqs x JOIN project_items q ON q.id = x.requires_id"
	    "   WHERE x.item_id = i.id AND q.status <> 'done')))"
	    " AND " SQL_LIGHT_IS("i.", "?3", "?4");
	const char *open = status ? status : "open";
	int64_t now = clock_now(), total = 0;
	int rc = db_query_int64(r->db, &total,
	                        arena_printf(r->arena, "SELECT count(*) FROM (%s%s) AS x", project_item_select, where),
	                        "ttti", department, open, light, now);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	char *sql =
	    arena_printf(r->arena,
	                 "%s%s AND " SQL_AFTER_DEADLINE("i", "red_at", "project_items",
	                                                "?5") " ORDER BY " SQL_DEADLINE_KEY("i", "red_at") " LIMIT ?6",
	                 project_item_select, where);
	struct db_stmt *s;
	rc =
	    db_prepare(r->db, &s, sql, "tttiri", department, open, light, now, cursor == INT64_MAX ? 0 : cursor, limit);
	reply_counted_rows(r, rc, s, project_item_json, limit, total);
}
