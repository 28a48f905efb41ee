/*
** Running voucher campaigns (the commerce bureau): campaigns, rounds and
** their channels, kinds of voucher with their stock, and merchants.
** Everything is created inside the caller's area (request_area()) and audited.
*/
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/credit_code.h"
#include "org/org.h"
#include "vouchers/vouchers.h"

static const char *const categories[] = {"catering", "retail", "car", "culture", "tourism", "sports", "other", NULL};

static bool category_valid(const char *c)
{
	for (const char *const *k = categories; *k; k++)
		if (strcmp(*k, c) == 0)
			return true;
	return false;
}

/*
** Finish a creation begun in a transaction: rc is the result of its writes,
** id the new row.  Audits it and commits, or rolls back and answers the error.
*/
static bool insert_audited(struct request *r, const char *action, const char *object_type, const char *org_path,
                           json_t *after, int64_t id, int rc)
{
	if (rc == 0) {
		struct audit_context ctx = audit_context_of(r);
		json_t *detail = json_pack("{s:O}", "after", after);
		rc = audit_append(r->db, &ctx, action, object_type, arena_printf(r->arena, "%lld", (long long)id),
		                  org_path, detail);
		json_decref(detail);
	}
	if (rc < 0) {
		db_rollback(r->db);
		if (rc == DB_CONSTRAINT)
			reply_error(r, 409, "conflict", NULL, "与已有记录冲突 (conflicts with an existing record)");
		else
			reply_db_error(r, rc);
		return false;
	}
	rc = db_commit(r->db);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	return true;
}

/* The org path of a campaign, answering 404/403 when absent or out of scope. */
static const char *campaign_scope(struct request *r, int64_t campaign_id, const char *field)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT o.path FROM voucher_campaigns c JOIN orgs o ON o.id = c.org_id WHERE c.id = ?", "i",
	                    campaign_id);
	const char *path = NULL;
	if (rc == 0 && (rc = db_step(s)) == DB_ROW)
		path = arena_strdup(r->arena, db_column_text(s, 0));
	db_finalize(s);
	if (rc < 0) {
		reply_db_error(r, rc);
		return NULL;
	}
	if (!path) {
		reply_error(r, 422, "unknown_campaign", field, "活动不存在 (no such campaign)");
		return NULL;
	}
	if (!path_within(path, request_area(r))) {
		reply_error(r, 403, "out_of_scope", field, "该活动不在您的管辖范围内 (campaign outside your scope)");
		return NULL;
	}
	return path;
}

/*
** ROUTE: POST /api/v1/vouchers/campaigns
** AUTH: department
** DUTY: vouchers
** SUMMARY: 新建消费券活动 Create a voucher campaign
** Body: {"name","org"}: org is the bureau that runs it, one holding the vouchers duty
** (the commerce bureau), in the caller's area.
*/
void voucher_campaign_post(struct request *r)
{
	static const char *const fields[] = {"name", "org", NULL};
	const char *name;
	struct org o;
	bool present;
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 100, &name) ||
	    !org_from_body(r, "org", FIELD_REQUIRED, &o, &present) || !org_duty_or_reply(r, &o, "vouchers", "org"))
		return;
	const char *org_code = o.code;
	json_t *after = json_pack("{s:s, s:s}", "name", name, "org", org_code);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "INSERT INTO voucher_campaigns(name, org_id, created_at) VALUES (?,?,?)", "tii",
		            name, o.id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	bool ok = insert_audited(r, "voucher.campaign_create", "voucher_campaign", o.path, after, id, rc);
	json_decref(after);
	if (ok)
		reply_json(r, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "org", org_code));
}

/* Read a list of channel key ids ("bk_...") into api_keys ids; answers and returns -1 on a bad one. */
static int body_channels(struct request *r, int64_t *ids, int max)
{
	json_t *list = r->json ? json_object_get(r->json, "channels") : NULL;
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > (size_t)max) {
		reply_error(r, 422, "invalid_value", "channels",
		            "channels 应为 1 到 %d 个渠道密钥 (1 to %d channel keys)", max, max);
		return -1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		int64_t id = 0;
		int rc = json_is_string(v)
		             ? db_query_int64(r->db, &id,
		                              "SELECT id FROM api_keys WHERE key_id = ? AND role = 'channel'"
		                              " AND disabled = 0",
		                              "t", json_string_value(v))
		             : DB_DONE;
		if (rc < 0) {
			reply_db_error(r, rc);
			return -1;
		}
		if (rc == DB_DONE) {
			reply_error(r, 422, "unknown_channel", "channels", "渠道 %s 不存在 (no such channel key)",
			            json_is_string(v) ? json_string_value(v) : "?");
			return -1;
		}
		ids[i] = id;
	}
	return (int)json_array_size(list);
}

static bool body_time(struct request *r, const char *field, int64_t *ret)
{
	const char *text;
	if (!body_string(r, field, FIELD_REQUIRED, 40, &text))
		return false;
	if (clock_parse_iso(text, ret) < 0) {
		reply_error(r, 422, "invalid_value", field, "%s 应为时间,如 2020-04-01T10:00:00+08:00 (must be a time)",
		            field);
		return false;
	}
	return true;
}

/*
** ROUTE: POST /api/v1/vouchers/rounds
** AUTH: department
** DUTY: vouchers
** SUMMARY: 新建一期消费券 Create a round of a campaign
** Body: {"campaign","name","starts_at","ends_at","channels":["bk_..."]}.
*/
void voucher_round_post(struct request *r)
{
	static const char *const fields[] = {"campaign", "name", "starts_at", "ends_at", "channels", NULL};
	int64_t campaign, starts, ends, channels[VOUCHER_MAX_CHANNELS];
	const char *name, *path;
	if (!body_only(r, fields) || !body_int64(r, "campaign", FIELD_REQUIRED, 1, INT64_MAX, &campaign, NULL) ||
	    !body_string(r, "name", FIELD_REQUIRED, 100, &name) || !body_time(r, "starts_at", &starts) ||
	    !body_time(r, "ends_at", &ends) || !(path = campaign_scope(r, campaign, "campaign")))
		return;
	if (ends <= starts) {
		reply_error(r, 422, "invalid_value", "ends_at",
		            "结束时间应晚于开始时间 (ends_at must be after starts_at)");
		return;
	}
	int n = body_channels(r, channels, VOUCHER_MAX_CHANNELS);
	if (n < 0)
		return;
	json_t *after = json_pack("{s:I, s:s, s:I, s:I, s:O}", "campaign", (json_int_t)campaign, "name", name,
	                          "starts_at", (json_int_t)starts, "ends_at", (json_int_t)ends, "channels",
	                          json_object_get(r->json, "channels"));
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO voucher_rounds(campaign_id, name, starts_at, ends_at, created_at) VALUES (?,?,?,?,?)",
		    "itiii", campaign, name, starts, ends, clock_now());
	int64_t round_id = rc == 0 ? db_last_insert_id(r->db) : 0;
	for (int i = 0; rc == 0 && i < n; i++)
		rc = db_run(r->db, "INSERT INTO voucher_round_channels(round_id, api_key_id) VALUES (?,?)", "ii",
		            round_id, channels[i]);
	bool ok = insert_audited(r, "voucher.round_create", "voucher_round", path, after, round_id, rc);
	json_decref(after);
	if (ok)
		reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)round_id, "name", name));
}

/* Read "categories": a list of known categories, as ",a,b," for the table. */
static const char *body_categories(struct request *r)
{
	json_t *list = r->json ? json_object_get(r->json, "categories") : NULL;
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 7) {
		reply_error(
		    r, 422, "invalid_value", "categories",
		    "categories 应为 catering/retail/car/culture/tourism/sports/other 中的若干项 (1 to 7 categories)");
		return NULL;
	}
	char *out = arena_strdup(r->arena, ",");
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		if (!json_is_string(v) || !category_valid(json_string_value(v))) {
			reply_error(r, 422, "invalid_value", "categories", "未知的行业 (unknown category)");
			return NULL;
		}
		out = arena_printf(r->arena, "%s%s,", out, json_string_value(v));
	}
	return out;
}

/* A kind just committed becomes claimable: the engine learns it.  Answers the error itself. */
static bool kind_go_live(struct request *r, int64_t id)
{
	struct voucher_kind_def def;
	int rc = voucher_kind_load(r->db, id, &def);
	if (rc == 0)
		rc = voucher_engine_add_kind(&def);
	if (rc < 0) {
		reply_db_error(r, rc);
		return false;
	}
	return true;
}

/*
** ROUTE: POST /api/v1/vouchers/kinds
** AUTH: department
** DUTY: vouchers
** SUMMARY: 新建券种(面额、门槛、库存) Add a kind of voucher to a round
** Body: {"round","name","face_fen","threshold_fen","no_threshold","stock",
** "validity_days","per_person_limit","categories":["catering",...],
** "allocations":{"bk_...":N}}.  A 满减 kind's face value is below its
** threshold (满100减20); a no_threshold kind (无门槛) has threshold 0 or none.
** allocations (optional) split the stock between the round's channels and
** must add up to it.  Claimable at once.
*/
void voucher_kind_post(struct request *r)
{
	static const char *const fields[] = {
	    "round", "name",          "face_fen",         "threshold_fen", "no_threshold",
	    "stock", "validity_days", "per_person_limit", "categories",    "allocations",
	    NULL};
	int64_t round, face, threshold = 0, stock, days, limit, campaign = 0;
	bool no_threshold = false, has_threshold;
	const char *name, *path, *cats;
	if (!body_only(r, fields) || !body_int64(r, "round", FIELD_REQUIRED, 1, INT64_MAX, &round, NULL) ||
	    !body_string(r, "name", FIELD_REQUIRED, 100, &name) ||
	    !body_int64(r, "face_fen", FIELD_REQUIRED, 1, 100000000, &face, NULL) ||
	    !body_int64(r, "threshold_fen", FIELD_OPTIONAL, 0, 10000000000, &threshold, &has_threshold) ||
	    !body_bool(r, "no_threshold", FIELD_OPTIONAL, &no_threshold, NULL) ||
	    !body_int64(r, "stock", FIELD_REQUIRED, 0, 100000000, &stock, NULL) ||
	    !body_int64(r, "validity_days", FIELD_REQUIRED, 1, 366, &days, NULL) ||
	    !body_int64(r, "per_person_limit", FIELD_REQUIRED, 1, 64, &limit, NULL) || !(cats = body_categories(r)))
		return;
	if (no_threshold && threshold > 0) {
		reply_error(r, 422, "invalid_value", "threshold_fen",
		            "无门槛券的使用门槛应为 0 或不填 (a no-threshold kind has no threshold)");
		return;
	}
	if (!no_threshold && !has_threshold) {
		reply_error(
		    r, 422, "missing_field", "threshold_fen",
		    "请填写使用门槛,或声明为无门槛券 no_threshold (give threshold_fen, or declare no_threshold)");
		return;
	}
	if (!no_threshold && face >= threshold) {
		reply_error(
		    r, 422, "invalid_value", "face_fen",
		    "满减券的面额应低于使用门槛;不设门槛请声明为无门槛券 no_threshold (the face value must be below "
		    "the threshold, or declare no_threshold)");
		return;
	}
	int rc = db_query_int64(r->db, &campaign, "SELECT campaign_id FROM voucher_rounds WHERE id = ?", "i", round);
	if (rc == DB_DONE) {
		reply_error(r, 422, "unknown_round", "round", "该期不存在 (no such round)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!(path = campaign_scope(r, campaign, "round")))
		return;
	/* Allocations: each key a channel of this round, the sum the stock. */
	json_t *alloc = json_object_get(r->json, "allocations");
	int64_t alloc_ids[VOUCHER_MAX_CHANNELS], alloc_stock[VOUCHER_MAX_CHANNELS], sum = 0;
	int n_alloc = 0;
	if (alloc && !json_is_null(alloc)) {
		const char *key;
		json_t *v;
		if (!json_is_object(alloc) || json_object_size(alloc) > VOUCHER_MAX_CHANNELS) {
			reply_error(r, 422, "invalid_value", "allocations",
			            "allocations 应为 {渠道密钥: 数量} (must map channel keys to stock)");
			return;
		}
		json_object_foreach(alloc, key, v)
		{
			int64_t id = 0;
			rc = db_query_int64(
			    r->db, &id,
			    "SELECT k.id FROM api_keys k JOIN voucher_round_channels c ON c.api_key_id = k.id"
			    " WHERE k.key_id = ? AND c.round_id = ?",
			    "ti", key, round);
			if (rc < 0) {
				reply_db_error(r, rc);
				return;
			}
			if (rc == DB_DONE || !json_is_integer(v) || json_integer_value(v) < 0) {
				reply_error(
				    r, 422, "invalid_value", "allocations",
				    "%s 不是本期的渠道,或数量无效 (not a channel of the round, or a bad number)", key);
				return;
			}
			alloc_ids[n_alloc] = id;
			alloc_stock[n_alloc++] = json_integer_value(v);
			sum += json_integer_value(v);
		}
		if (sum != stock) {
			reply_error(r, 422, "invalid_value", "allocations",
			            "各渠道分配之和 %lld 应等于库存 %lld (allocations must add up to the stock)",
			            (long long)sum, (long long)stock);
			return;
		}
	}
	json_t *after = json_pack("{s:I, s:s, s:I, s:I, s:b, s:I, s:I, s:I, s:s}", "round", (json_int_t)round, "name",
	                          name, "face_fen", (json_int_t)face, "threshold_fen", (json_int_t)threshold,
	                          "no_threshold", no_threshold, "stock", (json_int_t)stock, "validity_days",
	                          (json_int_t)days, "per_person_limit", (json_int_t)limit, "categories", cats);
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO voucher_kinds(round_id, name, face_fen, threshold_fen, no_threshold, stock,"
		            " validity_days, per_person_limit, categories, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
		            "itiiiiiiti", round, name, face, threshold, (int64_t)no_threshold, stock, days, limit, cats,
		            clock_now());
	int64_t id = db_last_insert_id(r->db);
	for (int i = 0; rc == 0 && i < n_alloc; i++)
		rc = db_run(r->db, "INSERT INTO voucher_allocations(kind_id, api_key_id, stock) VALUES (?,?,?)", "iii",
		            id, alloc_ids[i], alloc_stock[i]);
	bool ok = insert_audited(r, "voucher.kind_create", "voucher_kind", path, after, id, rc);
	json_decref(after);
	if (!ok)
		return;
	if (!kind_go_live(r, id))
		return;
	reply_json(r, 201,
	           json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "name", name, "stock", (json_int_t)stock));
}

/*
** ROUTE: POST /api/v1/vouchers/merchants
** AUTH: department
** DUTY: vouchers
** SUMMARY: 登记商户 Register a merchant
** Body: {"name","credit_code","district","category","channels":["bk_..."]}.
** The unified social credit code is checked and must be new.
*/
void voucher_merchant_post(struct request *r)
{
	static const char *const fields[] = {"name", "credit_code", "district", "category", "channels", NULL};
	const char *name, *credit, *district, *category;
	int64_t channels[VOUCHER_MAX_CHANNELS];
	struct org o;
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 200, &name) ||
	    !body_string(r, "credit_code", FIELD_REQUIRED, 18, &credit) ||
	    !body_string(r, "district", FIELD_REQUIRED, 32, &district) ||
	    !body_string(r, "category", FIELD_REQUIRED, 16, &category))
		return;
	int err = credit_code_validate(credit);
	if (err) {
		reply_error(r, 422, "invalid_credit_code", "credit_code", "%s", credit_code_strerror(err));
		return;
	}
	if (!category_valid(category)) {
		reply_error(r, 422, "invalid_value", "category", "未知的行业 (unknown category)");
		return;
	}
	bool present;
	if (!org_from_body(r, "district", FIELD_REQUIRED, &o, &present))
		return;
	int n = body_channels(r, channels, VOUCHER_MAX_CHANNELS);
	if (n < 0)
		return;
	char *list = arena_strdup(r->arena, ",");
	for (int i = 0; i < n; i++)
		list = arena_printf(r->arena, "%s%lld,", list, (long long)channels[i]);
	json_t *after = json_pack("{s:s, s:s, s:s, s:s}", "name", name, "credit_code", credit, "district", district,
	                          "category", category);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO merchants(name, credit_code, org_id, category, channels, created_at) VALUES "
		            "(?,?,?,?,?,?)",
		            "ttitti", name, credit, o.id, category, list, clock_now());
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		json_decref(after);
		reply_error(r, 409, "credit_code_taken", "credit_code",
		            "该统一社会信用代码的商户已登记 (a merchant with this credit code exists)");
		return;
	}
	int64_t id = db_last_insert_id(r->db);
	bool ok = insert_audited(r, "voucher.merchant_create", "merchant", o.path, after, id, rc);
	json_decref(after);
	if (ok)
		reply_json(r, 201,
		           json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "credit_code", credit));
}

/*
** ROUTE: GET /api/v1/vouchers/campaigns
** AUTH: department,leader
** DUTY: vouchers
** SUMMARY: 消费券活动列表(含各期与券种) Campaigns with their rounds and kinds
** Each kind shows its stock, vouchers claimed and remaining.
*/
void voucher_campaign_list(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT c.id AS id, c.name AS name, o.code AS org, r.id AS \"round.id\", r.name AS \"round.name\","
	    " r.starts_at AS \"round.starts_at:time\", r.ends_at AS \"round.ends_at:time\","
	    " (SELECT json_group_array(key_id) FROM (SELECT a.key_id FROM voucher_round_channels rc"
	    "   JOIN api_keys a ON a.id = rc.api_key_id WHERE rc.round_id = r.id ORDER BY a.id) AS round_keys)"
	    "   AS \"round.channels:json\","
	    " k.id AS \"kind.id\", k.name AS \"kind.name\", k.face_fen AS \"kind.face_fen\","
	    " k.threshold_fen AS \"kind.threshold_fen\", k.no_threshold AS \"kind.no_threshold:bool\","
	    " k.stock AS \"kind.stock\", k.per_person_limit AS \"kind.per_person_limit\","
	    " (SELECT count(*) FROM vouchers v WHERE v.kind_id = k.id) AS \"kind.claimed\","
	    " k.carried_from AS \"kind.carried_from\""
	    " FROM voucher_campaigns c JOIN orgs o ON o.id = c.org_id"
	    " LEFT JOIN voucher_rounds r ON r.campaign_id = c.id LEFT JOIN voucher_kinds k ON k.round_id = r.id"
	    " WHERE substr(o.path, 1, length(?1)) = ?1 ORDER BY c.id DESC, r.starts_at, k.id",
	    "t", request_area(r));
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	/* One row per kind (or per empty round, or empty campaign), in order: nest them. */
	json_t *items = json_array(), *campaign = NULL, *round = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *row = row_as_json(s);
		json_t *round_row = json_incref(json_object_get(row, "round")),
		       *kind = json_incref(json_object_get(row, "kind"));
		json_object_del(row, "round");
		json_object_del(row, "kind");
		if (!campaign || !json_equal(json_object_get(campaign, "id"), json_object_get(row, "id"))) {
			campaign = row;
			json_object_set_new(campaign, "rounds", json_array());
			json_array_append_new(items, campaign);
			round = NULL;
		} else {
			json_decref(row);
		}
		json_t *round_id = json_object_get(round_row, "id");
		if (!json_is_null(round_id) && (!round || !json_equal(json_object_get(round, "id"), round_id))) {
			round = json_incref(round_row);
			json_object_set_new(round, "kinds", json_array());
			json_array_append_new(json_object_get(campaign, "rounds"), round);
		}
		if (!json_is_null(json_object_get(kind, "id"))) {
			json_int_t stock = json_integer_value(json_object_get(kind, "stock"));
			json_object_set_new(kind, "remaining",
			                    json_integer(stock - json_integer_value(json_object_get(kind, "claimed"))));
			json_array_append(json_object_get(round, "kinds"), kind);
		}
		json_decref(round_row);
		json_decref(kind);
	}
	db_finalize(s);
	if (rc < 0) {
		json_decref(items);
		reply_db_error(r, rc);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static json_t *merchant_row_json(struct request *r, struct db_stmt *s)
{
	/* channels holds ",id,id,": show the channels' key ids. */
	json_t *channels = json_array();
	struct db_stmt *k;
	if (db_prepare(r->db, &k, "SELECT key_id FROM api_keys WHERE instr(?, ',' || id || ',') > 0 ORDER BY id", "t",
	               db_named_text(s, "_channels")) == 0) {
		while (db_step(k) == DB_ROW)
			json_array_append_new(channels, json_string(db_column_text(k, 0)));
		db_finalize(k);
	}
	json_t *m = row_as_json(s);
	json_object_set_new(m, "channels", channels);
	return m;
}

/*
** ROUTE: GET /api/v1/vouchers/merchants
** AUTH: department,leader
** DUTY: vouchers
** SUMMARY: 商户列表 Merchants in the caller's scope
*/
void voucher_merchant_list(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT m.id AS id, m.name AS name, m.credit_code AS credit_code, o.code AS district,"
	                    " o.name AS district_name, m.category AS category, m.channels AS _channels,"
	                    " m.active AS \"active:bool\" FROM merchants m JOIN orgs o ON o.id = m.org_id WHERE "
	                    "substr(o.path, 1, length(?1)) = ?1"
	                    " ORDER BY o.code, m.name",
	                    "t", request_area(r));
	reply_rows(r, rc, s, merchant_row_json, 0);
}

/*
** ROUTE: GET /api/v1/vouchers/channels
** AUTH: department,leader
** DUTY: vouchers
** SUMMARY: 支付渠道列表 The payment channels a round can be offered through
** A disabled (or rotated) key is listed too, marked disabled, so a round or
** a merchant that named it still shows the channel's name.
*/
void voucher_channel_list(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT k.key_id AS key_id, k.name AS name, k.disabled AS \"disabled:bool\" FROM api_keys k"
	                    " WHERE k.role = 'channel' ORDER BY k.id",
	                    NULL);
	reply_rows(r, rc, s, row_as_json_of, 0);
}

/*
** ROUTE: POST /api/v1/vouchers/kinds/{id}/carry
** AUTH: department
** DUTY: vouchers
** SUMMARY: 结转未领完及过期未用的券到后续一期 Carry a closed round's leftovers into a later round
** Body: {"round": the later round}.  Makes a kind with the same terms whose
** stock is what the closed kind left: its unclaimed stock plus the vouchers
** that expired unused.  Once per kind; the source round must be over.
*/
void voucher_kind_carry(struct request *r)
{
	static const char *const fields[] = {"round", NULL};
	int64_t source, target, now = clock_now();
	if (!route_param_id(r, "id", &source) || !body_only(r, fields) ||
	    !body_int64(r, "round", FIELD_REQUIRED, 1, INT64_MAX, &target, NULL))
		return;
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT k.name, k.face_fen, k.threshold_fen, k.validity_days, k.per_person_limit, k.categories,"
	               " r.ends_at, r.campaign_id, k.stock - (SELECT count(*) FROM vouchers v WHERE v.kind_id = k.id),"
	               " (SELECT count(*) FROM vouchers v WHERE v.kind_id = k.id AND v.expires_at <= ?2 AND NOT EXISTS"
	               "   (SELECT 1 FROM voucher_redemptions d WHERE d.voucher_id = v.id AND d.reversed_at IS NULL)),"
	               " (SELECT id FROM voucher_kinds c WHERE c.carried_from = k.id), k.no_threshold"
	               " FROM voucher_kinds k JOIN voucher_rounds r ON r.id = k.round_id WHERE k.id = ?1",
	               "ii", source, now);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_finalize(s);
		if (rc < 0)
			reply_db_error(r, rc);
		else
			reply_error(r, 404, "not_found", NULL, "券种不存在 (no such voucher kind)");
		return;
	}
	const char *name = arena_strdup(r->arena, db_column_text(s, 0)),
	           *cats = arena_strdup(r->arena, db_column_text(s, 5));
	int64_t face = db_column_int64(s, 1), threshold = db_column_int64(s, 2), days = db_column_int64(s, 3),
	        limit = db_column_int64(s, 4), ends = db_column_int64(s, 6), campaign = db_column_int64(s, 7),
	        unclaimed = db_column_int64(s, 8), expired = db_column_int64(s, 9);
	bool carried = !db_column_is_null(s, 10);
	int64_t no_threshold = db_column_int64(s, 11);
	db_finalize(s);
	const char *path = campaign_scope(r, campaign, NULL);
	if (!path)
		return;
	if (ends > now) {
		reply_error(r, 409, "round_not_over", NULL, "该期尚未结束,不能结转 (the round is not over yet)");
		return;
	}
	if (carried) {
		reply_error(r, 409, "already_carried", NULL, "该券种已结转过 (already carried over)");
		return;
	}
	int64_t target_campaign = 0, target_ends = 0;
	rc =
	    db_query_int64(r->db, &target_campaign, "SELECT campaign_id FROM voucher_rounds WHERE id = ?", "i", target);
	if (rc == 0)
		rc =
		    db_query_int64(r->db, &target_ends, "SELECT ends_at FROM voucher_rounds WHERE id = ?", "i", target);
	if (rc == DB_DONE || target_campaign != campaign || target_ends <= now) {
		reply_error(r, 422, "invalid_value", "round",
		            "应结转到同一活动中尚未结束的一期 (carry into a later round of the same campaign)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	int64_t stock = unclaimed + expired;
	char *carried_name = arena_printf(r->arena, "%s(结转)", name);
	json_t *after =
	    json_pack("{s:I, s:I, s:I, s:I, s:I}", "from_kind", (json_int_t)source, "round", (json_int_t)target,
	              "stock", (json_int_t)stock, "unclaimed", (json_int_t)unclaimed, "expired", (json_int_t)expired);
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO voucher_kinds(round_id, name, face_fen, threshold_fen, no_threshold, stock,"
		            " validity_days, per_person_limit, categories, created_at, carried_from)"
		            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		            "itiiiiiitii", target, carried_name, face, threshold, no_threshold, stock, days, limit,
		            cats, now, source);
	int64_t id = db_last_insert_id(r->db);
	bool ok = insert_audited(r, "voucher.kind_carry", "voucher_kind", path, after, id, rc);
	json_decref(after);
	if (!ok)
		return;
	if (!kind_go_live(r, id))
		return;
	reply_json(r, 201,
	           json_pack("{s:I, s:s, s:I, s:I, s:I}", "id", (json_int_t)id, "name", carried_name, "stock",
	                     (json_int_t)stock, "unclaimed", (json_int_t)unclaimed, "expired", (json_int_t)expired));
}
