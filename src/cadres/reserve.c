/*
** The reserve pool (后备库, DUTY: assessment): officials who rated well over
** several assessments.  An official enters with a basis (final assessments
** in which they were graded 优秀 or 称职) and a reason, and leaves with a
** reason; a stay is kept after it ends, so the pool's history stays.  At
** most one open stay per official: the partial unique index of migration
** 0017 holds it even against two entries at once.  Every entry and exit is
** audited.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/clock.h"
#include "org/org.h"

enum { BASIS_MAX = 20 };

static const char *const grade_labels[][2] = {
    {"excellent", "优秀"}, {"competent", "称职"}, {"basic", "基本称职"}, {"incompetent", "不称职"}};

static const char *grade_label(const char *grade)
{
	for (size_t i = 0; grade && i < sizeof grade_labels / sizeof grade_labels[0]; i++)
		if (strcmp(grade_labels[i][0], grade) == 0)
			return grade_labels[i][1];
	return "";
}

/*
** ROUTE: GET /api/v1/cadres/reserve/candidates
** AUTH: department
** DUTY: assessment
** SUMMARY: 后备库人选 Officials graded 优秀 in at least ?min= final assessments, not in the pool
** ?min= (1 to 100, default 2).  Each with the assessments that make them one.
*/
void reserve_candidates(struct request *r)
{
	const char *min_text = query_arg(r, "min");
	char *end = NULL;
	errno = 0;
	long min = min_text ? strtol(min_text, &end, 10) : 2;
	if (min_text && (errno || *end || !*min_text || min < 1 || min > 100)) {
		reply_error(r, 422, "invalid_query", "min", "min 应为 1 到 100 (min must be 1 to 100)");
		return;
	}
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT " CADRES_OFFICIAL_JSON ", a.id AS _assessment, a.name AS _name FROM assessment_results x"
	               " JOIN assessments a ON a.id = x.assessment_id JOIN officials o ON o.id = x.official_id"
	               " JOIN orgs g ON g.id = o.org_id"
	               " WHERE x.grade = 'excellent' AND a.state = 'final' AND substr(g.path, 1, length(?1)) = ?1"
	               " AND NOT EXISTS (SELECT 1 FROM reserve_pool p WHERE p.official_id = o.id AND p.left_at IS NULL)"
	               " AND (SELECT count(*) FROM assessment_results y JOIN assessments b ON b.id = y.assessment_id"
	               "  WHERE y.official_id = o.id AND y.grade = 'excellent' AND b.state = 'final') >= ?2"
	               " ORDER BY o.id, a.ends_on, a.id LIMIT 10000",
	               "ti", request_area(r), (int64_t)min);
	json_t *items = json_array(), *excellent = NULL;
	int64_t official = 0;
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *row = row_as_json(s);
		int64_t id = json_integer_value(json_object_get(json_object_get(row, "official"), "id"));
		if (id != official) {
			official = id;
			excellent = json_array();
			json_object_set_new(row, "excellent", excellent);
			json_array_append(items, row);
		}
		json_decref(row);
		json_array_append_new(excellent,
		                      json_pack("{s:I, s:s}", "id", (json_int_t)db_named_int64(s, "_assessment"),
		                                "name", db_named_text(s, "_name")));
	}
	db_finalize(s);
	if (rc != DB_DONE) {
		json_decref(items);
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/*
** Check the basis of an entry: 1..BASIS_MAX distinct assessment ids, each
** final with the official graded 优秀 or 称职 in it.  0, -1 having answered
** 422, or a database error.
*/
static int basis_or_reply(struct request *r, json_t *basis, int64_t official)
{
	size_t n = json_array_size(basis), i;
	json_t *v;
	if (!json_is_array(basis) || n < 1 || n > BASIS_MAX) {
		reply_error(r, 422, "invalid_field", "basis",
		            "basis 应为 1 到 %d 项考核编号 (basis: 1 to %d assessment ids)", BASIS_MAX, BASIS_MAX);
		return -1;
	}
	json_array_foreach(basis, i, v)
	{
		for (size_t j = 0; j < i; j++)
			if (json_equal(json_array_get(basis, j), v))
				v = NULL;
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			reply_error(r, 422, "invalid_field", "basis",
			            "basis 第 %zu 项应为不重复的考核编号 (basis: distinct assessment ids)", i + 1);
			return -1;
		}
		int64_t strong = 0;
		int rc = db_query_int64(r->db, &strong,
		                        "SELECT count(*) FROM assessments a JOIN assessment_results x"
		                        " ON x.assessment_id = a.id AND x.official_id = ?2 WHERE a.id = ?1"
		                        " AND a.state = 'final' AND x.grade IN ('excellent', 'competent')",
		                        "ii", (int64_t)json_integer_value(v), official);
		if (rc < 0)
			return rc;
		if (!strong) {
			reply_error(
			    r, 422, "weak_basis", "basis",
			    "basis 第 %zu 项:考核未定,或该干部在其中不是优秀或称职 (not a final assessment in which "
			    "the official was graded excellent or competent)",
			    i + 1);
			return -1;
		}
	}
	return 0;
}

/*
** ROUTE: POST /api/v1/cadres/reserve
** AUTH: department
** DUTY: assessment
** SUMMARY: 纳入后备库 Enter an official into the reserve pool
** Body: {"official","basis": [final assessments in which the official was
** graded 优秀 or 称职],"reason"}.  409 already_in_pool while a stay is open.
*/
void reserve_post(struct request *r)
{
	static const char *const fields[] = {"official", "basis", "reason", NULL};
	int64_t official;
	const char *reason, *path = NULL;
	if (!body_only(r, fields) || !body_int64(r, "official", FIELD_REQUIRED, 1, INT64_MAX, &official, NULL) ||
	    !body_string(r, "reason", FIELD_REQUIRED, 2000, &reason))
		return;
	json_t *basis = json_object_get(r->json, "basis");
	struct db_stmt *s;
	int64_t user = 0;
	int rc = db_prepare(r->db, &s,
	                    "SELECT g.path, coalesce(o.user_id, 0) FROM officials o JOIN orgs g ON g.id = o.org_id"
	                    " WHERE o.id = ?",
	                    "i", official);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		path = arena_strdup(r->arena, db_column_text(s, 0));
		user = db_column_int64(s, 1);
	}
	db_finalize(s);
	if (rc >= 0 && (!path || !path_within(path, request_area(r)))) {
		reply_error(r, 422, "unknown_official", "official", "干部不存在 (no such official)");
		return;
	}
	if (rc >= 0 && !cadres_not_own_or_reply(r, user))
		return;
	if (rc >= 0 && (rc = basis_or_reply(r, basis, official)) == -1)
		return;
	char *basis_text = rc >= 0 ? json_dumps(basis, JSON_COMPACT) : NULL;
	if (rc >= 0)
		rc = db_begin(r->db);
	if (rc >= 0)
		rc = db_run(r->db,
		            "INSERT INTO reserve_pool(official_id, basis, entry_reason, entered_by, entered_at)"
		            " VALUES (?,?,?,?,?)",
		            "ittii", official, basis_text, reason, r->who.user_id, clock_now());
	free(basis_text);
	if (rc == DB_CONSTRAINT) { /* the open-stay index: even two entries at once make one stay */
		db_rollback(r->db);
		reply_error(r, 409, "already_in_pool", "official",
		            "该干部已在后备库中 (the official is in the pool already)");
		return;
	}
	int64_t id = db_last_insert_id(r->db);
	if (rc >= 0)
		rc = cadres_audit(
		    r, "cadres.reserve.enter", "reserve", id, path,
		    json_pack("{s:I, s:O, s:s}", "official", (json_int_t)official, "basis", basis, "reason", reason));
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/*
** ROUTE: POST /api/v1/cadres/reserve/{id}/leave
** AUTH: department
** DUTY: assessment
** SUMMARY: 移出后备库 End an official's stay in the reserve pool
** Body: {"reason"}.  → {"id","left_at"}; 409 already_left.
*/
void reserve_leave(struct request *r)
{
	static const char *const fields[] = {"reason", NULL};
	int64_t id;
	const char *reason, *path = NULL;
	if (!route_param_id(r, "id", &id) || !body_only(r, fields) ||
	    !body_string(r, "reason", FIELD_REQUIRED, 2000, &reason))
		return;
	struct db_stmt *s;
	int64_t official = 0, user = 0;
	int rc = db_prepare(r->db, &s,
	                    "SELECT g.path, p.official_id, coalesce(o.user_id, 0) FROM reserve_pool p"
	                    " JOIN officials o ON o.id = p.official_id JOIN orgs g ON g.id = o.org_id WHERE p.id = ?",
	                    "i", id);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		path = arena_strdup(r->arena, db_column_text(s, 0));
		official = db_column_int64(s, 1);
		user = db_column_int64(s, 2);
	}
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!path || !path_within(path, request_area(r))) {
		reply_error(r, 404, "unknown_stay", NULL, "后备库中没有这条记录 (no such stay in the pool)");
		return;
	}
	if (!cadres_not_own_or_reply(r, user))
		return;
	int64_t now = clock_now();
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE reserve_pool SET exit_reason = ?, left_by = ?, left_at = ? WHERE id = ? AND "
		            "left_at IS NULL",
		            "tiii", reason, r->who.user_id, now, id);
	if (rc == 0 && db_changes(r->db) == 0) { /* ended already, perhaps a moment ago */
		db_rollback(r->db);
		reply_error(r, 409, "already_left", NULL, "该干部已移出后备库 (the stay has ended already)");
		return;
	}
	if (rc == 0)
		rc = cadres_audit(r, "cadres.reserve.leave", "reserve", id, path,
		                  json_pack("{s:I, s:s}", "official", (json_int_t)official, "reason", reason));
	char when[32];
	clock_format_iso(now, when);
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "left_at", when));
}

#define STAY_SELECT                                                                                                    \
	"SELECT p.id AS id, " CADRES_OFFICIAL_JSON ", p.basis AS _basis, p.entry_reason AS entry_reason,"              \
	" u.id AS \"entered_by.id\", u.username AS \"entered_by.username\", u.display_name AS \"entered_by.name\","    \
	" p.entered_at AS \"entered_at:time\", p.exit_reason AS exit_reason, l.id AS \"left_by.id\","                  \
	" l.username AS \"left_by.username\", l.display_name AS \"left_by.name\", p.left_at AS \"left_at:time\""       \
	" FROM reserve_pool p JOIN officials o ON o.id = p.official_id JOIN orgs g ON g.id = o.org_id"                 \
	" JOIN users u ON u.id = p.entered_by LEFT JOIN users l ON l.id = p.left_by"

/* A stay: its basis, each assessment with its name and the official's grade in it. */
static json_t *stay_json(struct request *r, struct db_stmt *s)
{
	json_t *row = row_as_json(s), *ids = json_loads(db_named_text(s, "_basis"), 0, NULL), *basis = json_array(), *v;
	int64_t official = json_integer_value(json_object_get(json_object_get(row, "official"), "id"));
	if (json_is_null(json_object_get(row, "left_at")))
		json_object_set_new(row, "left_by", json_null());
	struct db_stmt *q;
	int rc = db_prepare(r->db, &q,
	                    "SELECT a.name, x.grade FROM assessments a LEFT JOIN assessment_results x"
	                    " ON x.assessment_id = a.id AND x.official_id = ?2 WHERE a.id = ?1",
	                    NULL);
	size_t i;
	json_array_foreach(ids, i, v)
	{
		if (rc >= 0)
			rc = db_rebind(q, "ii", (int64_t)json_integer_value(v), official);
		if (rc >= 0 && (rc = db_step(q)) == DB_ROW)
			json_array_append_new(basis,
			                      json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)json_integer_value(v),
			                                "name", db_column_text(q, 0), "grade", db_column_text(q, 1)));
	}
	db_finalize(q);
	json_decref(ids);
	json_object_set_new(row, "basis", basis);
	return row;
}

int cadres_reserve_stays_into(struct request *r, json_t *obj, const char *key, int64_t official)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, STAY_SELECT " WHERE p.official_id = ? ORDER BY p.id DESC", "i", official);
	return rows_into(r, obj, key, rc, s, stay_json);
}

/* A stay as a sheet shows it: also its basis in words, "2020年疫情防控一线考核(优秀); …". */
static json_t *stay_sheet_json(struct request *r, struct db_stmt *s)
{
	json_t *row = stay_json(r, s), *v;
	const char *words = "";
	size_t i;
	json_array_foreach(json_object_get(row, "basis"), i, v)
	{
		words = arena_printf(r->arena, "%s%s%s(%s)", words, i ? "; " : "",
		                     json_string_value(json_object_get(v, "name")),
		                     grade_label(json_string_value(json_object_get(v, "grade"))));
	}
	json_object_set_new(row, "basis_words", json_string(words));
	return row;
}

/*
** ROUTE: GET /api/v1/cadres/reserve
** AUTH: department
** DUTY: assessment
** SUMMARY: 后备库 The reserve pool of the area: its stays, with their basis and reasons
** ?state=in (default: the open stays) | left | all; ?limit= and ?cursor=
** page, newest first; ?format=xlsx downloads every matching stay (xlsx
** only: 422 xlsx_only).
*/
void reserve_list(struct request *r)
{
	static const char *const states[] = {"in", "left", "all", NULL};
	static const char *const headers[] = {"姓名",   "职务",     "单位",     "入库依据", "入库理由",
	                                      "入库人", "入库时间", "出库理由", "出库人",   "出库时间"};
	static const char *const paths[] = {"official.name", "official.post",   "official.org.name", "basis_words",
	                                    "entry_reason",  "entered_by.name", "entered_at",        "exit_reason",
	                                    "left_by.name",  "left_at"};
	int64_t limit, cursor;
	bool export;
	const char *state_arg = query_arg(r, "state");
	int state = state_arg ? choice_or_reply(r, "invalid_query", "state", state_arg, states) : 0;
	if (state < 0 || !cadres_list_args(r, &limit, &cursor, &export))
		return;
	static const struct cadres_sheet sheet = {"后备干部库", headers, paths, sizeof headers / sizeof headers[0]};
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               STAY_SELECT " WHERE p.id < ?1 AND substr(g.path, 1, length(?2)) = ?2"
	                           " AND (?3 = 'all' OR (p.left_at IS NULL) = (?3 = 'in')) ORDER BY p.id DESC LIMIT ?4",
	               "itti", cursor, request_area(r), states[state], limit);
	cadres_reply_list(r, rc, s, export ? stay_sheet_json : stay_json, limit, export ? &sheet : NULL);
}
