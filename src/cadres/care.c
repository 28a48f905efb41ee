/*
** Care for frontline staff (关心关爱, DUTY: assessment): rest, allowances,
** visits to families, health checks, recorded per official by the
** organisation department; the official reads their own.
*/
#include <stdio.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/clock.h"
#include "org/org.h"

static const char *const kinds[] = {"rest", "allowance", "family_visit", "health_check", "other", NULL};
static const char *const kind_labels[] = {"轮休补休", "补助津贴", "走访慰问家属", "健康体检", "其他"};

static const char *kind_label(const char *kind)
{
	for (size_t i = 0; kind && kinds[i]; i++)
		if (strcmp(kinds[i], kind) == 0)
			return kind_labels[i];
	return NULL;
}

/*
** ROUTE: POST /api/v1/cadres/officials/{id}/care
** AUTH: department
** DUTY: assessment
** SUMMARY: 登记关心关爱措施 Record a care measure for an official
** Body: {"kind": "rest"|"allowance"|"family_visit"|"health_check"|"other",
** "day" (YYYY-MM-DD),"amount_fen" (an allowance's amount, required for one;
** optional otherwise),"note"}.
*/
void care_post(struct request *r)
{
	static const char *const fields[] = {"kind", "day", "amount_fen", "note", NULL};
	const char *kind, *day_text, *note;
	int64_t amount = 0;
	bool has_amount = false;
	int32_t day;
	struct cadres_official o;
	if (!body_only(r, fields) || !body_string(r, "kind", FIELD_REQUIRED, 32, &kind) ||
	    !body_string(r, "day", FIELD_REQUIRED, 10, &day_text) ||
	    !body_int64(r, "amount_fen", FIELD_OPTIONAL, 0, 100000000000, &amount, &has_amount) ||
	    !body_string(r, "note", FIELD_REQUIRED, 2000, &note) ||
	    choice_or_reply(r, "invalid_kind", "kind", kind, kinds) < 0)
		return;
	if (strcmp(kind, "allowance") == 0 && !has_amount) {
		reply_error(r, 422, "amount_required", "amount_fen",
		            "补助津贴应写明金额 (an allowance needs its amount)");
		return;
	}
	if (clock_parse_date(day_text, &day) < 0) {
		reply_error(r, 422, "invalid_date", "day", "日期应为 YYYY-MM-DD (day: YYYY-MM-DD)");
		return;
	}
	if (!cadres_official_to_record(r, &o))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO care_measures(official_id, kind, day, amount_fen, note, recorded_by, recorded_at)"
		    " VALUES (?,?,?,?,?,?,?)",
		    "itirtii", o.id, kind, (int64_t)day, has_amount ? amount : 0, note, r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0)
		rc = cadres_audit(r, "cadres.care.create", "care", id, o.org_path,
		                  json_pack("{s:I, s:s, s:s, s:o, s:s}", "official", (json_int_t)o.id, "kind", kind,
		                            "day", day_text, "amount_fen",
		                            has_amount ? json_integer(amount) : json_null(), "note", note));
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

#define CARE_SELECT                                                                                                    \
	"SELECT c.id AS id, " CADRES_OFFICIAL_JSON ", c.kind AS kind, c.day AS \"day:date\","                          \
	" c.amount_fen AS amount_fen, c.note AS note, " CADRES_RECORDED_BY_JSON                                        \
	" FROM care_measures c JOIN officials o ON o.id = c.official_id JOIN orgs g ON g.id = o.org_id"                \
	" JOIN users u ON u.id = c.recorded_by"

/* A row with a "kind": its label beside it. */
static json_t *kind_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *row = row_as_json(s);
	const char *label = kind_label(json_string_value(json_object_get(row, "kind")));
	json_object_set_new(row, "kind_label", label ? json_string(label) : json_null());
	return row;
}

/*
** ROUTE: GET /api/v1/cadres/officials/{id}/care
** AUTH: any
** SUMMARY: 干部的关心关爱记录 An official's care measures and their allowances' total
** The official themselves and the organisation department (as the file is,
** official_get); every read audited (cadres.care.read).  Newest first.
*/
void official_care(struct request *r)
{
	struct cadres_official o;
	int own = cadres_official_for_caller(r, &o);
	if (own < 0)
		return;
	int64_t allowance = 0;
	int rc = db_query_int64(r->db, &allowance,
	                        "SELECT coalesce(sum(amount_fen), 0) FROM care_measures"
	                        " WHERE official_id = ? AND kind = 'allowance'",
	                        "i", o.id);
	json_t *out = json_pack("{s:I, s:I}", "official", (json_int_t)o.id, "allowance_fen", (json_int_t)allowance);
	struct db_stmt *s;
	if (rc >= 0)
		rc = db_prepare(r->db, &s, CARE_SELECT " WHERE c.official_id = ? ORDER BY c.day DESC, c.id DESC", "i",
		                o.id);
	rc = rows_into(r, out, "items", rc, s, kind_row_json);
	if (rc == 0)
		rc = cadres_audit_read(r, "cadres.care.read", &o, json_pack("{s:b}", "own", own));
	reply_json_or_db_error(r, rc, out);
}

/*
** ROUTE: GET /api/v1/cadres/care
** AUTH: department
** DUTY: assessment
** SUMMARY: 关心关爱台账 Care measures of an organisation's officials, with totals by kind
** ?org=CODE (default the department's area: its subtree), ?kind=; ?limit=
** and ?cursor= page the items, newest first; "totals" (per kind: count,
** amount_fen) cover every matching measure, not only the page.
*/
void care_list(struct request *r)
{
	const char *kind = query_arg(r, "kind");
	int64_t limit, cursor;
	struct org org;
	if ((kind && choice_or_reply(r, "invalid_query", "kind", kind, kinds) < 0) ||
	    !page_args(r, 100, 1000, &limit, &cursor) || !cadres_org_arg(r, request_area(r), &org))
		return;
	json_t *out = json_object();
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT c.kind AS kind, count(*) AS count, coalesce(sum(c.amount_fen), 0) AS amount_fen"
	               " FROM care_measures c JOIN officials o ON o.id = c.official_id JOIN orgs g ON g.id = o.org_id"
	               " WHERE substr(g.path, 1, length(?1)) = ?1 AND (?2 IS NULL OR c.kind = ?2)"
	               " GROUP BY c.kind ORDER BY c.kind",
	               "tt", org.path, kind);
	rc = rows_into(r, out, "totals", rc, s, kind_row_json);
	if (rc == 0) {
		rc = db_prepare(r->db, &s,
		                CARE_SELECT " WHERE c.id < ?1 AND substr(g.path, 1, length(?2)) = ?2"
		                            " AND (?3 IS NULL OR c.kind = ?3) ORDER BY c.id DESC LIMIT ?4",
		                "itti", cursor, org.path, kind, limit);
		rc = rows_into(r, out, "items", rc, s, kind_row_json);
	}
	json_t *items = json_object_get(out, "items");
	size_t n = json_array_size(items);
	json_object_set_new(out, "next_cursor",
	                    n == (size_t)limit ? json_sprintf("%lld", (long long)json_integer_value(json_object_get(
	                                                                  json_array_get(items, n - 1), "id")))
	                                       : json_null());
	reply_json_or_db_error(r, rc, out);
}
