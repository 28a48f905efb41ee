/*
** Notices to a user: stored, listed newest first, marked read, and pushed to
** the user's open consoles as the SSE event "notice".
*/
#include "org/notices.h"

#include "core/clock.h"
#include "http/http.h"
#include "org/org.h"

int notice_add(struct db *d, int64_t user_id, const char *title, const char *body, const char *link)
{
	return db_run(d, "INSERT INTO notices(user_id, title, body, link, at) VALUES (?,?,?,?,?)", "ittti", user_id,
	              title, body, link, clock_now());
}

int64_t notices_mark(struct db *d)
{
	int64_t id = 0;
	db_query_int64(d, &id, "SELECT coalesce(max(id), 0) FROM notices", NULL);
	return id;
}

static json_t *notice_json(struct db_stmt *s, int first)
{
	char at[32];
	clock_format_iso(db_column_int64(s, first + 4), at);
	return json_pack("{s:I, s:s, s:s, s:s?, s:s, s:b}", "id", (json_int_t)db_column_int64(s, first), "title",
	                 db_column_text(s, first + 1), "body", db_column_text(s, first + 2), "link",
	                 db_column_text(s, first + 3), "at", at, "read", !db_column_is_null(s, first + 5));
}

#define NOTICE_COLUMNS "id, title, body, link, at, read_at"

void notices_push(struct db *d, int64_t after)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(d, &s, "SELECT user_id, " NOTICE_COLUMNS " FROM notices WHERE id > ? ORDER BY id", "i", after);
	while (rc == 0 && db_step(s) == DB_ROW) {
		json_t *n = notice_json(s, 1);
		events_publish_user("notice", db_column_int64(s, 0), n);
		json_decref(n);
	}
	db_finalize(s);
}

static json_t *notice_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	return notice_json(s, 0);
}

/*
** ROUTE: GET /api/v1/notices
** AUTH: any
** SUMMARY: 我的通知 My notices, newest first
** {"items":[{"id","title","body","link","at","read"}],"next_cursor"}; ?limit, ?cursor, ?unread=1.
*/
void notices_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 200, &limit, &cursor))
		return;
	const char *unread = query_arg(r, "unread");
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT " NOTICE_COLUMNS " FROM notices WHERE user_id = ? AND id < ?"
	                    " AND (? = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?",
	                    "iiii", r->who.user_id, cursor, (int64_t)(unread && unread[0] == '1'), limit);
	reply_rows(r, rc, s, notice_row_json, limit);
}

/*
** ROUTE: POST /api/v1/notices/{id}/read
** AUTH: any
** SUMMARY: 标记通知已读 Mark a notice read
** Only the caller's own notices (another's: 404 unknown_notice); reading twice changes nothing.
*/
void notices_read(struct request *r)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return;
	int rc = db_run(r->db, "UPDATE notices SET read_at = coalesce(read_at, ?) WHERE id = ? AND user_id = ?", "iii",
	                clock_now(), id, r->who.user_id);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (db_changes(r->db) == 0) {
		reply_error(r, 404, "unknown_notice", NULL, "通知不存在 (no such notice)");
		return;
	}
	reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "read", 1));
}
