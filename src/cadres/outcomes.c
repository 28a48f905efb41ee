/*
** What follows an assessment (考核结果运用): outcomes recorded against the
** "十个一批" and "五个优先" lists, each with the final assessment that
** justifies it (DUTY: assessment), and an official's own view of their
** outcomes and reserve-pool stays.
**
** The lists.  The city's 2020 measures for staff on the epidemic front line
** name ten batches (十个一批) and five priorities (五个优先); no public source
** at hand gives Fuzhou's wording item by item, so the items below are those
** the brief names (表彰奖励 … 休假疗养, and the five priorities) completed
** with the two measures other cities' 2020 notices put beside them
** (培养锻炼, 纳入后备): change the text here, never the codes, which are
** stored.
*/
#include <stdio.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/clock.h"
#include "org/org.h"

struct item {
	const char *code, *label;
};

static const struct item ten_batches[] = {
    {"commended", "表彰奖励一批"},
    {"promoted", "提拔使用一批"},
    {"rank_raised", "晋升职级一批"},
    {"merit", "记功嘉奖一批"},
    {"publicised", "宣传报道一批"},
    {"joined_party", "火线入党一批"},
    {"visited", "慰问帮扶一批"},
    {"rest", "休假疗养一批"},
    {"trained", "培养锻炼一批"},
    {"reserve", "纳入后备一批"},
    {NULL, NULL},
};

static const struct item five_priorities[] = {
    {"honours", "评先评优优先"},  {"promotion", "提拔使用优先"}, {"rank", "职级晋升优先"},
    {"training", "教育培训优先"}, {"care", "关爱帮扶优先"},      {NULL, NULL},
};

static const struct {
	const char *code, *label;
	const struct item *items;
} lists[] = {
    {"ten_batches", "十个一批", ten_batches},
    {"five_priorities", "五个优先", five_priorities},
};
enum { N_LISTS = sizeof lists / sizeof lists[0] };
static const char *const list_codes[] = {"ten_batches", "five_priorities", NULL}; /* the order of lists[] */

/* The list of this code, or -1. */
static int list_index(const char *code)
{
	for (int i = 0; code && i < N_LISTS; i++)
		if (strcmp(lists[i].code, code) == 0)
			return i;
	return -1;
}

/* The item's label in list l, or NULL when the list has no such item. */
static const char *item_label(int l, const char *code)
{
	for (const struct item *it = lists[l].items; code && it->code; it++)
		if (strcmp(it->code, code) == 0)
			return it->label;
	return NULL;
}

/* The rows a download holds at most. */
enum { CADRES_EXPORT_MAX = 100000 };

bool cadres_list_args(struct request *r, int64_t *ret_limit, int64_t *ret_cursor, bool *ret_export)
{
	const char *f = query_arg(r, "format");
	*ret_export = f != NULL;
	if (f && strcmp(f, "xlsx") != 0) {
		reply_error(r, 422, "xlsx_only", "format",
		            "考核数据只导出为 Excel (xlsx),以便标注导出人 (assessment data is exported as xlsx only)");
		return false;
	}
	if (!page_args(r, 100, 1000, ret_limit, ret_cursor))
		return false;
	if (*ret_export) {
		*ret_limit = CADRES_EXPORT_MAX;
		*ret_cursor = INT64_MAX;
	}
	return true;
}

int cadres_audit(struct request *r, const char *action, const char *type, int64_t id, const char *path, json_t *detail)
{
	struct audit_context ctx = audit_context_of(r);
	int rc = audit_append(r->db, &ctx, action, type, arena_printf(r->arena, "%lld", (long long)id), path, detail);
	json_decref(detail);
	return rc;
}

/* The value at a path of keys ("official.org.name") in an object, or NULL. */
static json_t *value_at(json_t *v, const char *path)
{
	char key[64];
	while (v && *path) {
		size_t len = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)len, path);
		v = json_object_get(v, key);
		path += len + (path[len] == '.');
	}
	return v;
}

void cadres_reply_list(struct request *r, int rc, struct db_stmt *s,
                       json_t *(*row)(struct request *r, struct db_stmt *s), int64_t limit,
                       const struct cadres_sheet *sheet)
{
	if (!sheet) {
		reply_rows(r, rc, s, row, limit);
		return;
	}
	json_t *out = json_object(), *item, *lines = json_array();
	rc = rows_into(r, out, "items", rc, s, row);
	size_t i;
	json_array_foreach(json_object_get(out, "items"), i, item)
	{
		json_t *line = json_array();
		for (size_t c = 0; c < sheet->n_cols; c++) {
			json_t *v = value_at(item, sheet->paths[c]);
			json_array_append_new(line, v ? json_incref(v) : json_null());
		}
		json_array_append_new(lines, line);
	}
	if (rc < 0)
		reply_db_error(r, rc);
	else
		reply_table(r, "xlsx", sheet->filename, sheet->headers, sheet->n_cols, lines);
	json_decref(lines);
	json_decref(out);
}

static json_t *items_json(const struct item *it)
{
	json_t *a = json_array();
	for (; it->code; it++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code", it->code, "name", it->label));
	return a;
}

/*
** ROUTE: GET /api/v1/cadres/outcome-items
** AUTH: department
** DUTY: assessment
** SUMMARY: 十个一批、五个优先 The outcome lists and their items
*/
void outcome_items(struct request *r)
{
	reply_json(r, 200,
	           json_pack("{s:o, s:o}", "ten_batches", items_json(ten_batches), "five_priorities",
	                     items_json(five_priorities)));
}

/*
** The assessment of a body field for the official: 0 when it is final and
** they are one of its subjects; -1 having answered (422 unknown, 409 not
** final, 422 not a subject) or the database error.
*/
static int final_subject_or_reply(struct request *r, int64_t assessment, int64_t official)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT a.state, (SELECT count(*) FROM assessment_subjects t WHERE t.assessment_id = a.id"
	                    " AND t.official_id = ?2) FROM assessments a WHERE a.id = ?1",
	                    "ii", assessment, official);
	if (rc >= 0)
		rc = db_step(s);
	bool final = rc == DB_ROW && strcmp(db_column_text(s, 0), "final") == 0;
	bool subject = rc == DB_ROW && db_column_int64(s, 1) > 0;
	db_finalize(s);
	if (rc < 0)
		reply_db_error(r, rc);
	else if (rc == DB_DONE)
		reply_error(r, 422, "unknown_assessment", "assessment", "考核不存在 (no such assessment)");
	else if (!final)
		reply_error(r, 409, "assessment_not_final", "assessment",
		            "考核结果尚未确定,不能据此运用 (the assessment is not final)");
	else if (!subject)
		reply_error(r, 422, "not_assessed", "assessment",
		            "该干部不是此次考核的对象 (the official was not assessed)");
	return rc == DB_ROW && final && subject ? 0 : -1;
}

/*
** ROUTE: POST /api/v1/cadres/officials/{id}/outcomes
** AUTH: department
** DUTY: assessment
** SUMMARY: 登记结果运用 Record an outcome ("十个一批"/"五个优先") for an official
** Body: {"list": "ten_batches"|"five_priorities","item" (a code of
** GET /cadres/outcome-items),"assessment" (a final assessment the official
** was a subject of),"day" (YYYY-MM-DD),"note" (optional)}.
*/
void outcome_post(struct request *r)
{
	static const char *const fields[] = {"list", "item", "assessment", "day", "note", NULL};
	const char *list, *item, *day_text, *note;
	int64_t assessment;
	int32_t day;
	struct cadres_official o;
	if (!body_only(r, fields) || !body_string(r, "list", FIELD_REQUIRED, 32, &list) ||
	    !body_string(r, "item", FIELD_REQUIRED, 32, &item) ||
	    !body_int64(r, "assessment", FIELD_REQUIRED, 1, INT64_MAX, &assessment, NULL) ||
	    !body_string(r, "day", FIELD_REQUIRED, 10, &day_text) ||
	    !body_string(r, "note", FIELD_OPTIONAL, 2000, &note))
		return;
	int l = choice_or_reply(r, "invalid_list", "list", list, list_codes);
	if (l < 0)
		return;
	if (!item_label(l, item)) {
		reply_error(r, 422, "invalid_item", "item", "%s 中没有此项 (no such item in the list)", lists[l].label);
		return;
	}
	if (clock_parse_date(day_text, &day) < 0) {
		reply_error(r, 422, "invalid_date", "day", "日期应为 YYYY-MM-DD (day: YYYY-MM-DD)");
		return;
	}
	if (!cadres_official_to_record(r, &o) || final_subject_or_reply(r, assessment, o.id) < 0)
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO cadre_outcomes(official_id, list, item, assessment_id, day, note, recorded_by,"
		            " recorded_at) VALUES (?,?,?,?,?,?,?,?)",
		            "ittiitii", o.id, list, item, assessment, (int64_t)day, note, r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0)
		rc = cadres_audit(r, "cadres.outcome.create", "outcome", id, o.org_path,
		                  json_pack("{s:I, s:s, s:s, s:I, s:s, s:s?}", "official", (json_int_t)o.id, "list",
		                            list, "item", item, "assessment", (json_int_t)assessment, "day", day_text,
		                            "note", note));
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* An outcome as lists show it: the columns give the JSON, the labels come from the lists above. */
#define OUTCOME_SELECT                                                                                                 \
	"SELECT c.id AS id, " CADRES_OFFICIAL_JSON ", c.list AS list, c.item AS item, a.id AS \"assessment.id\","      \
	" a.name AS \"assessment.name\", c.day AS \"day:date\", c.note AS note, " CADRES_RECORDED_BY_JSON              \
	" FROM cadre_outcomes c JOIN officials o ON o.id = c.official_id JOIN orgs g ON g.id = o.org_id"               \
	" JOIN assessments a ON a.id = c.assessment_id JOIN users u ON u.id = c.recorded_by"

static json_t *outcome_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *row = row_as_json(s);
	int l = list_index(json_string_value(json_object_get(row, "list")));
	const char *label = l < 0 ? NULL : item_label(l, json_string_value(json_object_get(row, "item")));
	json_object_set_new(row, "list_label", l < 0 ? json_null() : json_string(lists[l].label));
	json_object_set_new(row, "item_label", label ? json_string(label) : json_null());
	return row;
}

/*
** ROUTE: GET /api/v1/cadres/outcomes
** AUTH: department
** DUTY: assessment
** SUMMARY: 结果运用台账 Outcomes recorded for the officials of the area, newest first
** ?list= and ?item= filter; ?limit= and ?cursor= page; ?format=xlsx
** downloads every matching row (xlsx only: 422 xlsx_only).
*/
void outcomes_list(struct request *r)
{
	static const char *const headers[] = {"姓名",     "职务", "单位", "清单",  "事项",
	                                      "依据考核", "日期", "备注", "登记人"};
	static const char *const paths[] = {"official.name", "official.post", "official.org.name",
	                                    "list_label",    "item_label",    "assessment.name",
	                                    "day",           "note",          "recorded_by.name"};
	int64_t limit, cursor;
	bool export;
	const char *list = query_arg(r, "list"), *item = query_arg(r, "item");
	if (!cadres_list_args(r, &limit, &cursor, &export))
		return;
	int l = choice_or_reply(r, "invalid_list", "list", list, list_codes);
	if (l == -2)
		return;
	if (item && (l < 0 || !item_label(l, item))) {
		reply_error(r, 422, "invalid_item", "item",
		            "item 应与 list 一同给出且属于该清单 (item needs its list)");
		return;
	}
	static const struct cadres_sheet sheet = {"干部结果运用台账", headers, paths,
	                                          sizeof headers / sizeof headers[0]};
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    OUTCOME_SELECT " WHERE c.id < ?1 AND substr(g.path, 1, length(?2)) = ?2"
	                                   " AND (?3 IS NULL OR c.list = ?3) AND (?4 IS NULL OR c.item = ?4)"
	                                   " ORDER BY c.id DESC LIMIT ?5",
	                    "ittti", cursor, request_area(r), list, item, limit);
	cadres_reply_list(r, rc, s, outcome_json, limit, export ? &sheet : NULL);
}

/*
** ROUTE: GET /api/v1/cadres/officials/{id}/outcomes
** AUTH: any
** SUMMARY: 干部的结果运用与后备库记录 An official's outcomes and reserve-pool stays
** The official themselves and the organisation department (as the file is,
** official_get); every read audited (cadres.outcomes.read).
*/
void official_outcomes(struct request *r)
{
	struct cadres_official o;
	int own = cadres_official_for_caller(r, &o);
	if (own < 0)
		return;
	json_t *out = json_pack("{s:I}", "official", (json_int_t)o.id);
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s, OUTCOME_SELECT " WHERE c.official_id = ? ORDER BY c.day DESC, c.id DESC", "i", o.id);
	rc = rows_into(r, out, "outcomes", rc, s, outcome_json);
	if (rc == 0)
		rc = cadres_reserve_stays_into(r, out, "reserve", o.id);
	if (rc == 0)
		rc = cadres_audit_read(r, "cadres.outcomes.read", &o, json_pack("{s:b}", "own", own));
	reply_json_or_db_error(r, rc, out);
}
