/*
** Small attachments to problems (a photo of the site, a PDF of a notice),
** stored in the database.  The content must be what its type says: the
** first bytes are checked, not just the name.
*/
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "desk/desk.h"
#include "org/org.h"

enum { ATTACHMENT_MAX = 512 * 1024, ATTACHMENTS_PER_PROBLEM = 20 };

/* Does data look like content_type?  Only the types an enterprise would send. */
static bool content_matches(const char *type, const unsigned char *data, size_t len)
{
	if (strcmp(type, "image/png") == 0)
		return len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0;
	if (strcmp(type, "image/jpeg") == 0)
		return len >= 3 && memcmp(data, "\xff\xd8\xff", 3) == 0;
	if (strcmp(type, "application/pdf") == 0)
		return len >= 5 && memcmp(data, "%PDF-", 5) == 0;
	if (strcmp(type, "text/plain") == 0)
		return memchr(data, 0, len) == NULL;
	return false;
}

const unsigned char *attachment_decode(struct request *r, const char *type, const char *data, const char *field,
                                      const char *type_field, size_t *ret_len)
{
	/* Base64 is 4 characters for 3 bytes: too long a text is too big a file. */
	if (strlen(data) / 4 * 3 > ATTACHMENT_MAX + 3) {
		reply_error(r, 413, "attachment_too_large", field, "附件不能超过 512 KB (at most 512 KiB)");
		return NULL;
	}
	size_t len = 0, max = ATTACHMENT_MAX + 3;
	unsigned char *bytes = arena_alloc_raw(r->arena, max);
	if (!bytes || sodium_base642bin(bytes, max, data, strlen(data), "\n\r ", &len, NULL,
	                                sodium_base64_VARIANT_ORIGINAL) != 0) {
		reply_error(r, 422, "invalid_value", field, "附件应为 base64 编码 (data must be base64)");
		return NULL;
	}
	if (len == 0 || len > ATTACHMENT_MAX) {
		reply_error(r, 413, "attachment_too_large", field, "附件不能超过 512 KB (at most 512 KiB)");
		return NULL;
	}
	if (!content_matches(type, bytes, len)) {
		reply_error(
		    r, 415, "unsupported_attachment", type_field,
		    "附件应为 PNG、JPEG、PDF 或文本,且内容与类型一致 (PNG, JPEG, PDF or text, matching its content)");
		return NULL;
	}
	*ret_len = len;
	return bytes;
}

/* The problem id of the path, loaded for the caller (404 when not visible). */
static bool visible_problem(struct request *r, int64_t *ret_id, const char **ret_district)
{
	struct db_stmt *s;
	if (!route_param_id(r, "id", ret_id))
		return false;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT d.path, g.path, p.enterprise_id,"
	    " EXISTS (SELECT 1 FROM enterprise_users u WHERE u.user_id = ?2 AND u.enterprise_id = p.enterprise_id)"
	    " FROM problems p JOIN orgs d ON d.id = p.district_org_id JOIN orgs g ON g.id = p.department_org_id"
	    " WHERE p.id = ?1",
	    "ii", *ret_id, r->who.user_id);
	bool ok = false;
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		*ret_district = arena_strdup(r->arena, db_column_text(s, 0));
		ok = r->who.role == ROLE_ENTERPRISE
		         ? db_column_int64(s, 3) != 0
		         : desk_problem_visible(r, db_column_text(s, 0), db_column_text(s, 1));
	}
	db_finalize(s);
	if (rc < 0 && rc != DB_DONE)
		reply_db_error(r, rc);
	else if (!ok)
		reply_error(r, 404, "not_found", NULL, "问题不存在 (no such problem)");
	return ok;
}

/*
** ROUTE: POST /api/v1/problems/{id}/attachments
** AUTH: admin,leader,officer,agent,department,enterprise
** SUMMARY: 上传附件 Attach a small file to a problem
** Body: {"name","content_type","data"}: data in base64, at most 512 KiB;
** content_type image/png, image/jpeg, application/pdf or text/plain, and the
** content must match it.  At most 20 files a problem.
*/
void problem_attachment_post(struct request *r)
{
	static const char *const fields[] = {"name", "content_type", "data", NULL};
	int64_t id, count = 0;
	const char *name, *type, *data, *district;
	if (!visible_problem(r, &id, &district) || !body_only(r, fields) ||
	    !body_string(r, "name", FIELD_REQUIRED, 200, &name) ||
	    !body_string(r, "content_type", FIELD_REQUIRED, 64, &type) ||
	    !body_string(r, "data", FIELD_REQUIRED, 1 << 20, &data))
		return;
	size_t len = 0;
	const unsigned char *bytes = attachment_decode(r, type, data, "data", "content_type", &len);
	if (!bytes)
		return;
	int rc =
	    db_query_int64(r->db, &count, "SELECT count(*) FROM problem_attachments WHERE problem_id = ?", "i", id);
	if (rc == 0 && count >= ATTACHMENTS_PER_PROBLEM) {
		reply_error(r, 409, "too_many_attachments", NULL,
		            "每个问题最多 20 个附件 (at most 20 files a problem)");
		return;
	}
	if (rc == 0)
		rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO problem_attachments(problem_id, name, content_type, size, data, created_at)"
		            " VALUES (?,?,?,?,?,?)",
		            "ittibi", id, name, type, (int64_t)len, bytes, len, clock_now());
	int64_t aid = db_last_insert_id(r->db);
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:{s:s, s:s, s:I}}", "after", "name", name, "content_type", type, "size",
		                           (json_int_t)len);
		rc = audit_append(r->db, &ctx, "problem.attach", "problem",
		                  arena_printf(r->arena, "%lld", (long long)id), district, detail);
		json_decref(detail);
	}
	if (!db_finish_or_reply(r, rc))
		return;
	reply_json(r, 201,
	           json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)aid, "name", name, "content_type", type, "size",
	                     (json_int_t)len));
}

/*
** ROUTE: GET /api/v1/problems/{id}/attachments/{attachment}
** AUTH: admin,leader,officer,agent,department,enterprise
** SUMMARY: 下载附件 Download a problem's attachment
*/
void problem_attachment_get(struct request *r)
{
	int64_t id, aid;
	const char *district;
	if (!visible_problem(r, &id, &district) || !route_param_id(r, "attachment", &aid))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT name, data, content_type FROM problem_attachments WHERE id = ? AND problem_id = ?",
	                    "ii", aid, id);
	reply_file_row(r, rc, s, "not_found", "附件不存在 (no such attachment)");
}
