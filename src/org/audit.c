/*
** The audit log: every change of state, append-only and hash-chained.
**
** Each row's hash is SHA-256 over the previous row's hash and the row's own
** fields, each written as "length:bytes" so no choice of field contents can
** make two different rows hash alike.  Changing, deleting or inserting a row
** anywhere breaks every hash after it; `banyan check` finds the first one.
** Triggers refuse UPDATE and DELETE so only someone who edits the file
** itself can try.
**
** Who reads it (三员分立, GB/T 22239-2019 8.1.4.3, 8.1.5.3): the audit
** administrator, and leaders, who answer for their organisations; not the
** system administrator, whose own actions it records, nor the security
** administrator.  Nobody deletes or changes a row through the API.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "org/org.h"

static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

static void hash_field(crypto_hash_sha256_state *st, const char *value)
{
	char prefix[24];
	size_t n = strlen(value);
	int len = snprintf(prefix, sizeof prefix, "%zu:", n);
	crypto_hash_sha256_update(st, (const unsigned char *)prefix, (unsigned long long)len);
	crypto_hash_sha256_update(st, (const unsigned char *)value, n);
}

struct audit_row {
	int64_t id, at, actor_id;
	const char *actor, *action, *object_type, *object_id, *detail, *ip, *request_id, *org_path, *prev_hash;
};

static void audit_hash(const struct audit_row *row, char ret_hex[65])
{
	char num[3][24];
	unsigned char out[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	snprintf(num[0], sizeof num[0], "%" PRId64, row->id);
	snprintf(num[1], sizeof num[1], "%" PRId64, row->at);
	snprintf(num[2], sizeof num[2], "%" PRId64, row->actor_id);
	crypto_hash_sha256_init(&st);
	const char *fields[] = {row->prev_hash,   num[0],         num[1],      num[2],  row->actor,      row->action,
	                        row->object_type, row->object_id, row->detail, row->ip, row->request_id, row->org_path};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		hash_field(&st, fields[i]);
	crypto_hash_sha256_final(&st, out);
	sodium_bin2hex(ret_hex, 65, out, sizeof out);
}

int audit_append(struct db *d, const struct audit_context *ctx, const char *action, const char *object_type,
                 const char *object_id, const char *org_path, json_t *detail)
{
	if (!db_in_transaction(d))
		return DB_ERROR;
	char prev[65], hash[65];
	struct db_stmt *s;
	int64_t last_id = 0;
	int r = db_prepare(d, &s, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", NULL);
	if (r < 0)
		return r;
	r = db_step(s);
	if (r == DB_ROW) {
		last_id = db_column_int64(s, 0);
		snprintf(prev, sizeof prev, "%s", db_column_text(s, 1));
	} else {
		memcpy(prev, genesis, sizeof prev);
	}
	db_finalize(s);
	if (r < 0)
		return r;
	char *detail_text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct audit_row row = {
	    .id = last_id + 1,
	    .at = clock_now(),
	    .actor_id = ctx->actor_id,
	    .actor = ctx->actor ? ctx->actor : "system",
	    .action = action,
	    .object_type = object_type,
	    .object_id = object_id,
	    .detail = detail_text ? detail_text : "{}",
	    .ip = ctx->ip ? ctx->ip : "-",
	    .request_id = ctx->request_id ? ctx->request_id : "-",
	    .org_path = org_path,
	    .prev_hash = prev,
	};
	audit_hash(&row, hash);
	r = db_run(
	    d,
	    "INSERT INTO audit_log(id, at, actor_id, actor, action, object_type, object_id, detail, ip, request_id,"
	    " org_path, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	    "iiitttttttttt", row.id, row.at, row.actor_id, row.actor, row.action, row.object_type, row.object_id,
	    row.detail, row.ip, row.request_id, row.org_path, row.prev_hash, hash);
	free(detail_text);
	return r;
}

struct audit_context audit_context_of(struct request *r)
{
	return (struct audit_context){
	    .actor_id = r->who.user_id,
	    .actor = r->who.name ? r->who.name : "anonymous",
	    .ip = request_ip(r),
	    .request_id = r->id,
	};
}

struct audit_context audit_context_shell(void)
{
	return (struct audit_context){.actor = "shell", .ip = "-", .request_id = "-"};
}

int audit_verify(struct db *d, int64_t *ret_bad_id, int64_t *ret_rows)
{
	struct db_stmt *s;
	char prev[65], hash[65];
	int64_t rows = 0, bad = 0, expect_id = 1;
	memcpy(prev, genesis, sizeof prev);
	int r = db_prepare(d, &s,
	                   "SELECT id, at, coalesce(actor_id, 0), actor, action, object_type, object_id, detail, ip,"
	                   " request_id, org_path, prev_hash, hash FROM audit_log ORDER BY id",
	                   NULL);
	if (r < 0)
		return r;
	while ((r = db_step(s)) == DB_ROW) {
		struct audit_row row = {
		    .id = db_column_int64(s, 0),
		    .at = db_column_int64(s, 1),
		    .actor_id = db_column_int64(s, 2),
		    .actor = db_column_text(s, 3),
		    .action = db_column_text(s, 4),
		    .object_type = db_column_text(s, 5),
		    .object_id = db_column_text(s, 6),
		    .detail = db_column_text(s, 7),
		    .ip = db_column_text(s, 8),
		    .request_id = db_column_text(s, 9),
		    .org_path = db_column_text(s, 10),
		    .prev_hash = prev,
		};
		rows++;
		audit_hash(&row, hash);
		/* A gap in ids is a deleted row, even if the rest were re-hashed to match. */
		if (row.id != expect_id || strcmp(db_column_text(s, 11), prev) != 0 ||
		    strcmp(db_column_text(s, 12), hash) != 0) {
			bad = row.id;
			break;
		}
		memcpy(prev, hash, sizeof prev);
		expect_id++;
	}
	db_finalize(s);
	if (r < 0)
		return r;
	*ret_bad_id = bad;
	*ret_rows = rows;
	return 0;
}

/*
** Parse the audit filters of a request and prepare the query for them,
** newest first, below cursor, at most limit rows.  Answers 422 or 500 and
** returns NULL on a bad filter or a database error.
*/
static struct db_stmt *audit_query(struct request *r, int64_t limit, int64_t cursor)
{
	int64_t from = INT64_MIN, to = INT64_MAX;
	const char *actor = query_arg(r, "actor"), *action = query_arg(r, "action");
	const char *from_s = query_arg(r, "from"), *to_s = query_arg(r, "to");
	int32_t day;
	if (from_s) {
		if (clock_parse_date(from_s, &day) < 0) {
			reply_error(r, 422, "invalid_query", "from", "日期格式应为 YYYY-MM-DD (from must be a date)");
			return NULL;
		}
		from = clock_local_midnight(day);
	}
	if (to_s) {
		if (clock_parse_date(to_s, &day) < 0) {
			reply_error(r, 422, "invalid_query", "to", "日期格式应为 YYYY-MM-DD (to must be a date)");
			return NULL;
		}
		to = clock_local_midnight(day + 1) - 1;
	}
	bool prefix = action && action[0] && action[strlen(action) - 1] == '.';
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT id, at, actor, action, object_type, object_id, detail, ip, request_id FROM audit_log"
	               " WHERE substr(org_path, 1, length(?1)) = ?1 AND id < ?2 AND (?3 IS NULL OR actor = ?3)"
	               " AND (?4 IS NULL OR (?5 AND substr(action, 1, length(?4)) = ?4) OR (NOT ?5 AND action = ?4))"
	               " AND at BETWEEN ?6 AND ?7 ORDER BY id DESC LIMIT ?8",
	               "tittIiii", r->who.org_path, cursor, actor, action, (int)prefix, from, to, limit);
	if (rc < 0) {
		reply_db_error(r, rc);
		return NULL;
	}
	return s;
}

static json_t *audit_row_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	char when[32];
	clock_format_iso(db_column_int64(s, 1), when);
	json_t *detail = json_loads(db_column_text(s, 6), 0, NULL);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o*, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0),
	                 "at", when, "actor", db_column_text(s, 2), "action", db_column_text(s, 3), "object_type",
	                 db_column_text(s, 4), "object_id", db_column_text(s, 5), "detail", detail, "ip",
	                 db_column_text(s, 7), "request_id", db_column_text(s, 8));
}

/*
** ROUTE: GET /api/v1/audit
** AUTH: auditor,leader
** SUMMARY: 审计日志 The audit log of the caller's scope
** Filters: ?actor=USERNAME, ?action= (exact, or a prefix ending in '.' such
** as "user."), ?from=YYYY-MM-DD, ?to=YYYY-MM-DD (inclusive, Beijing time);
** newest first, ?limit= and ?cursor= paginate.
*/
void audit_list(struct request *r)
{
	int64_t limit, cursor;
	if (!page_args(r, 50, 1000, &limit, &cursor))
		return;
	struct db_stmt *s = audit_query(r, limit, cursor);
	if (s)
		reply_rows(r, 0, s, audit_row_json, limit);
}

enum { AUDIT_EXPORT_MAX = 100000 };

/*
** ROUTE: GET /api/v1/audit/export
** AUTH: auditor,leader
** SUMMARY: 导出审计日志(Excel/CSV) Export the audit log as Excel or CSV
** The filters of GET /api/v1/audit, and ?format=xlsx (default) or csv.
** At most the newest 100,000 rows.
*/
void audit_export(struct request *r)
{
	static const char *const headers[] = {"编号", "时间", "操作人", "操作",    "对象类型",
	                                      "对象", "详情", "IP",     "请求编号"};
	const char *format = export_format_arg(r);
	if (!format)
		return;
	struct db_stmt *s = audit_query(r, AUDIT_EXPORT_MAX, INT64_MAX);
	if (!s)
		return;
	json_t *rows = json_array();
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		char when[32];
		clock_format_iso(db_column_int64(s, 1), when);
		json_array_append_new(rows, json_pack("[I, s, s, s, s, s, s, s, s]", (json_int_t)db_column_int64(s, 0),
		                                      when, db_column_text(s, 2), db_column_text(s, 3),
		                                      db_column_text(s, 4), db_column_text(s, 5), db_column_text(s, 6),
		                                      db_column_text(s, 7), db_column_text(s, 8)));
	}
	db_finalize(s);
	if (rc < 0)
		reply_db_error(r, rc);
	else
		reply_table(r, format, "审计日志", headers, sizeof headers / sizeof headers[0], rows);
	json_decref(rows);
}

/*
** ROUTE: GET /api/v1/audit/daily
** AUTH: auditor,leader
** SUMMARY: 每日审计事件数 Audit events per day
** ?days=N (1..366, default 30): the last N days up to today (Beijing time),
** every day listed, with zero where nothing happened.
*/
void audit_daily(struct request *r)
{
	const char *days_s = query_arg(r, "days");
	char *end;
	long days = days_s ? strtol(days_s, &end, 10) : 30;
	if (days_s && (*end || !*days_s || days < 1 || days > 366)) {
		reply_error(r, 422, "invalid_query", "days", "days 应为 1 到 366 (days must be 1 to 366)");
		return;
	}
	int32_t today = clock_local_day(clock_now()), first = today - (int32_t)days + 1;
	int64_t *counts = arena_alloc(r->arena, sizeof *counts * (size_t)days);
	struct db_stmt *s;
	/* Group by Beijing day: shift to +08:00 before dividing into days. */
	int rc = counts ? db_prepare(r->db, &s,
	                             "SELECT (at + 28800) / 86400 AS day, count(*) FROM audit_log"
	                             " WHERE substr(org_path, 1, length(?1)) = ?1 AND at >= ?2 GROUP BY day",
	                             "ti", r->who.org_path, clock_local_midnight(first))
	                : DB_ERROR;
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t day = db_column_int64(s, 0);
		if (day >= first && day <= today)
			counts[day - first] = db_column_int64(s, 1);
	}
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	json_t *items = json_array();
	for (int32_t d = 0; d < days; d++) {
		char date[11];
		clock_format_date(first + d, date);
		json_array_append_new(items, json_pack("{s:s, s:I}", "date", date, "count", (json_int_t)counts[d]));
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}
