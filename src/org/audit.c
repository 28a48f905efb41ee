/*
** The audit log: every change of state, append-only and hash-chained.
**
** Each row's hash is SHA-256 over the previous row's hash and the row's own
** fields, each written as "length:bytes" so no choice of field contents can
** make two different rows hash alike.  Changing, deleting or inserting a row
** anywhere breaks every hash after it; `banyan check` finds the first one.
** Triggers refuse UPDATE and DELETE so only someone who edits the file
** itself can try.
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
** ROUTE: GET /api/v1/audit
** AUTH: admin,leader
** SUMMARY: 审计日志 The audit log of the caller's scope
** Filters: ?actor=USERNAME, ?action= (exact, or a prefix ending in '.' such
** as "user."), ?from=YYYY-MM-DD, ?to=YYYY-MM-DD (inclusive, Beijing time);
** newest first, ?limit= and ?cursor= paginate.
*/
void audit_list(struct request *r)
{
	int64_t limit, cursor, from = INT64_MIN, to = INT64_MAX;
	if (!page_args(r, 50, 1000, &limit, &cursor))
		return;
	const char *actor = query_arg(r, "actor"), *action = query_arg(r, "action");
	const char *from_s = query_arg(r, "from"), *to_s = query_arg(r, "to");
	int32_t day;
	if (from_s) {
		if (clock_parse_date(from_s, &day) < 0) {
			reply_error(r, 422, "invalid_query", "from", "日期格式应为 YYYY-MM-DD (from must be a date)");
			return;
		}
		from = clock_local_midnight(day);
	}
	if (to_s) {
		if (clock_parse_date(to_s, &day) < 0) {
			reply_error(r, 422, "invalid_query", "to", "日期格式应为 YYYY-MM-DD (to must be a date)");
			return;
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
		return;
	}
	json_t *items = json_array();
	int64_t last = 0, count = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		char when[32];
		last = db_column_int64(s, 0);
		count++;
		clock_format_iso(db_column_int64(s, 1), when);
		json_t *detail = json_loads(db_column_text(s, 6), 0, NULL);
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o*, s:s, s:s}", "id", (json_int_t)last, "at",
		                     when, "actor", db_column_text(s, 2), "action", db_column_text(s, 3), "object_type",
		                     db_column_text(s, 4), "object_id", db_column_text(s, 5), "detail", detail, "ip",
		                     db_column_text(s, 7), "request_id", db_column_text(s, 8)));
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(items);
		reply_db_error(r, rc);
		return;
	}
	json_t *body = json_pack("{s:o}", "items", items);
	json_object_set_new(body, "next_cursor", count == limit ? json_sprintf("%lld", (long long)last) : json_null());
	reply_json(r, 200, body);
}
