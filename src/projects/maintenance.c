/*
** Operation and maintenance (长效运营管护) of a package once it holds its
** operation licence: a regime of checks (what is inspected, every so many
** days), inspections recorded against a check with a finding and photos,
** each moving its check's next day on, and defects raised to the owner and
** followed until fixed.  A check not done by its day is overdue: red from
** the next day.  A part with an open major defect is not in normal
** operation.  See 0025_packages.sql.
*/
#include <string.h>

#include "core/clock.h"
#include "desk/desk.h"
#include "org/org.h"
#include "projects/packages.h"
#include "projects/projects.h"

enum { PHOTOS_PER_INSPECTION = 5 };

static json_t *check_json(struct request *r, struct db_stmt *s)
{
	json_t *c = row_as_json(s);
	int64_t due = db_named_int64(s, "_next_due"), today = clock_local_day(clock_now());
	json_object_set_new(c, "overdue", json_boolean(due < today));
	json_object_set_new(c, "light",
	                    json_string(due < today                                  ? "red"
	                                : due <= today + projects_yellow_days(r->db) ? "yellow"
	                                                                             : "green"));
	return c;
}

static json_t *defect_json(struct request *r, struct db_stmt *s)
{
	json_t *d = row_as_json_of(r, s);
	json_object_set_new(d, "overdue",
	                    json_boolean(strcmp(db_named_text(s, "state"), "open") == 0 &&
	                                 db_named_int64(s, "_due_on") < clock_local_day(clock_now())));
	return d;
}

static const char defect_select[] =
    "SELECT d.id AS id, pp.name AS part, d.description AS description, d.severity AS severity,"
    " d.raised_on AS \"raised_on:date\", d.due_on AS \"due_on:date\", d.due_on AS _due_on, d.state AS state,"
    " d.fixed_on AS \"fixed_on:date\", d.fix_note AS fix_note, d.inspection_id AS inspection"
    " FROM package_defects d LEFT JOIN package_parts pp ON pp.id = d.part_id";

int package_upkeep_into(struct request *r, json_t *out, int64_t id)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT c.id AS id, c.what AS what, c.every_days AS every_days, c.next_due AS \"next_due:date\","
	               " c.next_due AS _next_due, (SELECT max(done_on) FROM package_inspections i"
	               " WHERE i.check_id = c.id) AS \"last_done:date\""
	               " FROM package_checks c WHERE c.package_id = ? ORDER BY c.next_due, c.id",
	               "i", id);
	rc = rows_into(r, out, "checks", rc, s, check_json);
	if (rc == 0) {
		rc =
		    db_prepare(r->db, &s,
		               "SELECT i.id AS id, c.what AS \"check\", pp.name AS part, i.done_on AS \"done_on:date\","
		               " i.finding AS finding, i.normal AS \"normal:bool\", u.display_name AS \"by.name\","
		               " (SELECT json_group_array(f.id) FROM package_photos f WHERE f.inspection_id = i.id)"
		               " AS \"photos:json\""
		               " FROM package_inspections i JOIN package_checks c ON c.id = i.check_id"
		               " LEFT JOIN package_parts pp ON pp.id = i.part_id JOIN users u ON u.id = i.done_by"
		               " WHERE i.package_id = ? ORDER BY i.done_on DESC, i.id DESC LIMIT 50",
		               "i", id);
		rc = rows_into(r, out, "inspections", rc, s, row_as_json_of);
	}
	if (rc == 0) {
		rc =
		    db_prepare(r->db, &s,
		               arena_printf(r->arena,
		                            "%s WHERE d.package_id = ? AND (d.state = 'open' OR d.id IN (SELECT id FROM"
		                            " package_defects WHERE package_id = ?1 AND state = 'fixed'"
		                            " ORDER BY fixed_on DESC, id DESC LIMIT 20))"
		                            " ORDER BY d.state = 'open' DESC, d.due_on, d.id",
		                            defect_select),
		               "i", id);
		rc = rows_into(r, out, "defects", rc, s, defect_json);
	}
	return rc;
}

/* Answer 409 unless the package is in operation (holds its licence). */
static bool in_operation(struct request *r, const struct package *k)
{
	if (strcmp(k->stage, "operating") == 0)
		return true;
	reply_error(r, 409, "not_in_operation", NULL,
	            "项目包尚未取得运营许可证 (the package has no operation licence yet)");
	return false;
}

/*
** ROUTE: POST /api/v1/packages/{id}/checks
** AUTH: admin,officer,agent
** SUMMARY: 设置管护巡查制度 Add to a package's maintenance regime: what is inspected, every so many days
** Body: {"what","every_days" (1-366),"first_due" (YYYY-MM-DD, default today +
** every_days)}.  The same what twice is 409 check_exists.
*/
void package_check_post(struct request *r)
{
	static const char *const fields[] = {"what", "every_days", "first_due", NULL};
	struct package k;
	const char *what;
	int64_t every;
	int32_t due;
	bool due_given;
	if (!body_only(r, fields) || !package_from_route(r, &k) ||
	    !body_string(r, "what", FIELD_REQUIRED, 200, &what) ||
	    !body_int64(r, "every_days", FIELD_REQUIRED, 1, 366, &every, NULL) ||
	    !project_body_day(r, "first_due", FIELD_OPTIONAL, NULL, false, &due, &due_given))
		return;
	if (!due_given)
		due = clock_local_day(clock_now()) + (int32_t)every;
	char day[11];
	clock_format_date(due, day);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc =
		    db_run(r->db, "INSERT INTO package_checks(package_id, what, every_days, next_due) VALUES (?,?,?,?)",
		           "itii", k.id, what, every, (int64_t)due);
	int64_t id = db_last_insert_id(r->db);
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "check_exists", "what", "该巡查内容已在管护制度中 (already in the regime)");
		return;
	}
	if (rc == 0)
		rc = package_audit(r, &k, "package.check", NULL, 0,
		                   json_pack("{s:{s:s, s:I, s:s}}", "after", "title", what, "every_days",
		                             (json_int_t)every, "next_due", day));
	if (!db_finish_or_reply(r, rc))
		return;
	reply_json(r, 201,
	           json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)id, "what", what, "every_days",
	                     (json_int_t)every, "next_due", day));
}

/* A part of the package named by id in field (0: none); answers 422 and returns false when it is not its part. */
static bool part_of(struct request *r, const struct package *k, const char *field, int64_t *ret)
{
	bool present;
	*ret = 0;
	if (!body_int64(r, field, FIELD_OPTIONAL, 1, INT64_MAX, ret, &present))
		return false;
	int64_t found = 0;
	int rc = present ? db_query_int64(r->db, &found, "SELECT id FROM package_parts WHERE id = ? AND package_id = ?",
	                                  "ii", *ret, k->id)
	                 : 0;
	if (rc == DB_DONE)
		reply_error(r, 422, "unknown_part", field, "不是该项目包的组成部分 (not a part of this package)");
	else if (rc < 0)
		reply_db_error(r, rc);
	return rc == 0;
}

struct photo {
	const char *name, *type;
	const unsigned char *bytes;
	size_t len;
};

/* The body's photos: up to 5 of {"name","content_type","data" (base64)}; answers and returns -1 when one is wrong. */
static int photos_from_body(struct request *r, struct photo *photos)
{
	json_t *list = json_object_get(r->json, "photos"), *p;
	size_t i;
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list) || json_array_size(list) > PHOTOS_PER_INSPECTION) {
		reply_error(r, 422, "invalid_photos", "photos",
		            "照片应为至多 5 张的列表 (photos: a list of at most 5)");
		return -1;
	}
	json_array_foreach(list, i, p)
	{
		const char *name = json_string_value(json_object_get(p, "name")),
		           *type = json_string_value(json_object_get(p, "content_type")),
		           *data = json_string_value(json_object_get(p, "data"));
		if (!name || !*name || strlen(name) > 200 || !type || !data) {
			reply_error(
			    r, 422, "invalid_photos", "photos",
			    "每张照片应有 name、content_type 和 base64 的 data (each photo: name, content_type, data)");
			return -1;
		}
		photos[i] = (struct photo){.name = name, .type = type};
		if (!(photos[i].bytes = attachment_decode(r, type, data, "photos", "photos", &photos[i].len)))
			return -1;
	}
	return (int)json_array_size(list);
}

struct defect_input {
	const char *description, *severity;
	int32_t due_on;
};

/* The body's defect, if any: {"description","severity" (minor|major),"due_on"}; answers and returns false when wrong. */
static bool defect_from_body(struct request *r, struct defect_input *ret, bool *present)
{
	json_t *d = json_object_get(r->json, "defect");
	*present = d && !json_is_null(d);
	if (!*present)
		return true;
	const char *description = json_string_value(json_object_get(d, "description")),
	           *severity = json_string_value(json_object_get(d, "severity")),
	           *due = json_string_value(json_object_get(d, "due_on"));
	int32_t day;
	if (!json_is_object(d) || !description || !*description || strlen(description) > 2000 || !severity ||
	    (strcmp(severity, "minor") != 0 && strcmp(severity, "major") != 0) || !due ||
	    clock_parse_date(due, &day) < 0 || day < clock_local_day(clock_now())) {
		reply_error(r, 422, "invalid_defect", "defect",
		            "问题缺陷应有说明 description、严重程度 severity(minor 一般 / major "
		            "影响运行)和不早于今天的整改期限 "
		            "due_on (defect: description, severity minor|major, due_on YYYY-MM-DD not before today)");
		return false;
	}
	*ret = (struct defect_input){.description = description, .severity = severity, .due_on = day};
	return true;
}

/*
** ROUTE: POST /api/v1/packages/{id}/inspections
** AUTH: admin,officer,agent
** SUMMARY: 登记管护巡查 Record a maintenance inspection with its finding, photos and any defect raised to the owner
** Body: {"check","part","done_on","finding","normal","photos","defect"}:
** check the id of a check of the regime, part (optional) the id of a part;
** done_on (default today, not in the future); finding what was seen; normal
** true when it runs normally; photos up to 5 {"name","content_type","data"}
** (PNG or JPEG in base64, at most 512 KiB each, checked as the desk's
** attachments); defect {"description","severity" (minor|major: stops the
** part),"due_on"} raised to the owner.  The check's next day becomes done_on
** + every_days.  Only in operation (409 not_in_operation).
*/
void package_inspection_post(struct request *r)
{
	static const char *const fields[] = {"check", "part", "done_on", "finding", "normal", "photos", "defect", NULL};
	struct package k;
	struct photo photos[PHOTOS_PER_INSPECTION];
	struct defect_input defect = {0};
	const char *finding;
	int64_t check, part, every = 0;
	int32_t done_on = clock_local_day(clock_now());
	bool normal, has_defect;
	if (!body_only(r, fields) || !package_from_route(r, &k) ||
	    !body_int64(r, "check", FIELD_REQUIRED, 1, INT64_MAX, &check, NULL) || !part_of(r, &k, "part", &part) ||
	    !project_body_day(r, "done_on", FIELD_OPTIONAL, NULL, true, &done_on, NULL) ||
	    !body_string(r, "finding", FIELD_REQUIRED, 4000, &finding) ||
	    !body_bool(r, "normal", FIELD_REQUIRED, &normal, NULL) || !defect_from_body(r, &defect, &has_defect))
		return;
	int n = photos_from_body(r, photos);
	if (n < 0)
		return;
	int rc = db_query_int64(r->db, &every, "SELECT every_days FROM package_checks WHERE id = ? AND package_id = ?",
	                        "ii", check, k.id);
	if (rc == DB_DONE) {
		reply_error(r, 422, "unknown_check", "check",
		            "不是该项目包管护制度中的巡查 (not a check of this package)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!in_operation(r, &k))
		return;
	int64_t now = clock_now(), id = 0, defect_id = 0;
	char day[11];
	clock_format_date(done_on, day);
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO package_inspections(package_id, check_id, part_id, done_on, finding, normal, done_by,"
		    " created_at) VALUES (?,?,nullif(?, 0),?,?,?,?,?)",
		    "iiiitiii", k.id, check, part, (int64_t)done_on, finding, (int64_t)normal, r->who.user_id, now);
	id = db_last_insert_id(r->db);
	/* A late inspection recorded after a later one does not pull the next day back. */
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE package_checks SET next_due = CASE WHEN next_due > ?1 + every_days THEN next_due "
		            "ELSE ?1 + every_days END"
		            " WHERE id = ?2",
		            "ii", (int64_t)done_on, check);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = db_run(r->db,
		            "INSERT INTO package_photos(inspection_id, name, content_type, size, data, created_at)"
		            " VALUES (?,?,?,?,?,?)",
		            "ittibi", id, photos[i].name, photos[i].type, (int64_t)photos[i].len, photos[i].bytes,
		            photos[i].len, now);
	if (rc == 0 && has_defect) {
		rc = db_run(
		    r->db,
		    "INSERT INTO package_defects(package_id, part_id, inspection_id, description, severity, raised_on,"
		    " due_on, raised_by) VALUES (?,nullif(?, 0),?,?,?,?,?,?)",
		    "iiittiii", k.id, part, id, defect.description, defect.severity, (int64_t)done_on,
		    (int64_t)defect.due_on, r->who.user_id);
		defect_id = db_last_insert_id(r->db);
	}
	if (rc == 0) {
		json_t *detail = json_pack("{s:I, s:s, s:s, s:b, s:i}", "id", (json_int_t)id, "day", day, "finding",
		                           finding, "normal", normal, "photos", n);
		if (part)
			json_object_set_new(detail, "part", json_integer(part));
		if (has_defect)
			json_object_set_new(
			    detail, "defect",
			    json_pack("{s:s, s:s}", "description", defect.description, "severity", defect.severity));
		rc = package_audit(r, &k, "package.inspection", NULL, 0, detail);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	json_t *out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "done_on", day);
	json_object_set_new(out, "defect", defect_id ? json_integer(defect_id) : json_null());
	reply_json(r, 201, out);
}

/*
** ROUTE: POST /api/v1/packages/{id}/defects/{defect}/fix
** AUTH: admin,officer,agent,enterprise
** SUMMARY: 问题缺陷整改完成 Record a defect as fixed, by the owner or the package's staff
** Body: {"fixed_on" (default today, not in the future),"note"}.  Twice is 409 defect_fixed.
*/
void package_defect_fix(struct request *r)
{
	static const char *const fields[] = {"fixed_on", "note", NULL};
	struct package k;
	int64_t id, raised = 0;
	const char *note;
	int32_t fixed_on = clock_local_day(clock_now());
	if (!body_only(r, fields) || !package_from_route(r, &k) || !route_param_id(r, "defect", &id) ||
	    !project_body_day(r, "fixed_on", FIELD_OPTIONAL, NULL, true, &fixed_on, NULL) ||
	    !body_string(r, "note", FIELD_REQUIRED, 2000, &note))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT state, raised_on FROM package_defects WHERE id = ? AND package_id = ?",
	                    "ii", id, k.id);
	if (!db_row_or_reply(r, rc, s, "unknown_defect", "没有此问题缺陷 (no such defect)"))
		return;
	bool open = strcmp(db_column_text(s, 0), "open") == 0;
	raised = db_column_int64(s, 1);
	db_finalize(s);
	if (!open) {
		reply_error(r, 409, "defect_fixed", NULL, "该问题缺陷已整改 (already fixed)");
		return;
	}
	if (fixed_on < raised) {
		reply_error(r, 422, "date_before_defect", "fixed_on",
		            "整改日期早于发现日期 (fixed before it was raised)");
		return;
	}
	char day[11];
	clock_format_date(fixed_on, day);
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "UPDATE package_defects SET state = 'fixed', fixed_on = ?, fix_note = ?, fixed_by = ?"
		            " WHERE id = ? AND state = 'open'",
		            "itii", (int64_t)fixed_on, note, r->who.user_id, id);
	if (rc == 0 && db_changes(r->db) != 1)
		rc = DB_CONSTRAINT;
	if (rc == 0)
		rc = package_audit(r, &k, "package.defect_fix", "package_defect", id,
		                   json_pack("{s:s, s:s}", "day", day, "note", note));
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "defect_fixed", NULL, "该问题缺陷已整改 (already fixed)");
		return;
	}
	if (!db_finish_or_reply(r, rc))
		return;
	rc = db_prepare(r->db, &s, arena_printf(r->arena, "%s WHERE d.id = ?", defect_select), "i", id);
	if (db_row_or_reply(r, rc, s, "unknown_defect", "没有此问题缺陷 (no such defect)")) {
		json_t *out = defect_json(r, s);
		db_finalize(s);
		reply_json(r, 200, out);
	}
}

/*
** ROUTE: GET /api/v1/packages/{id}/photos/{photo}
** AUTH: admin,leader,officer,agent,enterprise
** SUMMARY: 下载巡查照片 Download a photo of a maintenance inspection
*/
void package_photo_get(struct request *r)
{
	struct package k;
	int64_t photo;
	if (!package_from_route(r, &k) || !route_param_id(r, "photo", &photo))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT f.name, f.data, f.content_type FROM package_photos f"
	                    " JOIN package_inspections i ON i.id = f.inspection_id WHERE f.id = ? AND i.package_id = ?",
	                    "ii", photo, k.id);
	reply_file_row(r, rc, s, "unknown_photo", "没有此照片 (no such photo)");
}
