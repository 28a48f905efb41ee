/*
** Who may do what with the supplies, the catalogue, the settings, the sites
** with their working groups and occupancy, and the cover dashboard.
**
** The store is the work of the organisations that hold the duty "supplies"
** (the city's health commission, 卫健委): its department staff see every
** site and run the store.  A site's members who are banyan users act for
** that site alone: its stock, issues, consumption and requests.  Leaders
** read the sites of their subtree.
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "org/org.h"
#include "supplies/supplies.h"

int supplies_caller(struct request *r, struct supply_caller *ret)
{
	*ret = (struct supply_caller){.user_id = r->who.user_id};
	if (r->who.role == ROLE_LEADER)
		ret->scope = r->who.org_path;
	if (r->who.role != ROLE_DEPARTMENT)
		return 0;
	int64_t held = 0;
	int rc = db_query_int64(r->db, &held, "SELECT count(*) FROM org_duties WHERE org_id = ? AND duty = 'supplies'",
	                        "i", r->who.org_id);
	ret->store = held > 0;
	return rc < 0 ? rc : 0;
}

static bool site_load(struct request *r, int64_t id, const char *field, enum supply_need need, struct supply_site *ret)
{
	struct supply_caller c;
	int rc = supplies_caller(r, &c);
	struct db_stmt *s = NULL;
	if (rc >= 0)
		rc = db_prepare(r->db, &s,
		                "SELECT s.kind, s.name, o.path,"
		                " (SELECT count(*) FROM supply_members m WHERE m.site_id = s.id AND m.user_id = ?2)"
		                " FROM supply_sites s JOIN orgs o ON o.id = s.org_id WHERE s.id = ?1",
		                "ii", id, c.user_id);
	if (rc >= 0)
		rc = db_step(s);
	if (rc == DB_DONE) {
		db_finalize(s);
		if (field)
			reply_error(r, 422, "unknown_site", field, "隔离点或仓库不存在 (no such site or store)");
		else
			reply_error(r, 404, "not_found", NULL, "隔离点或仓库不存在 (no such site or store)");
		return false;
	}
	if (rc < 0) {
		db_finalize(s);
		reply_db_error(r, rc);
		return false;
	}
	*ret = (struct supply_site){.id = id,
	                            .kind = arena_strdup(r->arena, db_column_text(s, 0)),
	                            .name = arena_strdup(r->arena, db_column_text(s, 1)),
	                            .district_path = arena_strdup(r->arena, db_column_text(s, 2))};
	bool member = db_column_int64(s, 3) > 0;
	db_finalize(s);
	bool allowed = need == SUPPLY_MEMBER  ? member
	               : c.store              ? need != SUPPLY_MEMBER
	               : need == SUPPLY_STORE ? false
	               : member               ? true
	                        : need == SUPPLY_READ && c.scope && path_within(ret->district_path, c.scope);
	if (!allowed)
		reply_error(r, 403, "out_of_scope", field,
		            need == SUPPLY_MEMBER
		                ? "只有该隔离点的工作人员可以确认 (only the site's members may confirm)"
		                : "该隔离点不在您的工作范围内 (the site is not yours)");
	return allowed;
}

bool supplies_site_or_reply(struct request *r, enum supply_need need, struct supply_site *ret)
{
	int64_t id;
	return route_param_id(r, "id", &id) && site_load(r, id, NULL, need, ret);
}

bool supplies_site_by_id(struct request *r, int64_t id, const char *field, enum supply_need need,
                         struct supply_site *ret)
{
	return site_load(r, id, field, need, ret);
}

int supplies_red_days(struct db *d)
{
	int64_t days = 3;
	db_query_int64(d, &days, "SELECT value FROM supply_settings WHERE key = 'red_days'", NULL);
	return (int)days;
}

int64_t supplies_item_or_reply(struct request *r, const char *code, const char *field)
{
	int64_t id = 0;
	int rc = db_query_int64(r->db, &id, "SELECT id FROM supply_items WHERE code = ?", "t", code);
	if (rc == DB_DONE)
		reply_error(r, 422, "unknown_item", field, "物资目录中没有 %s (no such item in the catalogue)", code);
	else if (rc < 0)
		reply_db_error(r, rc);
	return rc == 0 ? id : 0;
}

bool supplies_lines(struct request *r, bool zero_ok, bool with_batch, struct supply_line *ret, size_t *ret_n)
{
	json_t *lines = json_object_get(r->json, "lines");
	if (!json_is_array(lines) || json_array_size(lines) < 1 || json_array_size(lines) > SUPPLY_MAX_LINES) {
		reply_error(r, 422, lines ? "invalid_lines" : "missing_field", "lines",
		            "lines 应为 1 至 %d 项物资 (lines: 1 to %d items)", SUPPLY_MAX_LINES, SUPPLY_MAX_LINES);
		return false;
	}
	size_t i;
	json_t *line;
	json_array_foreach(lines, i, line)
	{
		const char *field = arena_printf(r->arena, "lines[%zu]", i);
		json_t *item = json_object_get(line, "item"), *quantity = json_object_get(line, "quantity");
		json_t *batch = json_object_get(line, "batch"), *expires = json_object_get(line, "expires_on");
		int32_t day;
		size_t known = 2 + (batch != NULL) + (expires != NULL);
		if (!json_is_object(line) || !json_is_string(item) || !json_is_integer(quantity) ||
		    json_integer_value(quantity) < (zero_ok ? 0 : 1) || json_integer_value(quantity) > 1000000000 ||
		    json_object_size(line) != known || ((batch || expires) && !with_batch) ||
		    (batch && (!json_is_string(batch) || json_string_length(batch) > 64)) ||
		    (expires && (!json_is_string(expires) || clock_parse_date(json_string_value(expires), &day) < 0))) {
			reply_error(
			    r, 422, "invalid_line", field,
			    "每项应为 {\"item\": 物资代码, \"quantity\": %s}%s (each line: an item and a quantity%s)",
			    zero_ok ? "0 至 10亿" : "1 至 10亿",
			    with_batch ? ",可附批号 batch 与有效期 expires_on" : "",
			    with_batch ? ", with a batch and an expiry YYYY-MM-DD if given" : "");
			return false;
		}
		int64_t id = supplies_item_or_reply(r, json_string_value(item), field);
		if (!id)
			return false;
		for (size_t k = 0; k < i; k++)
			if (ret[k].item_id == id) {
				reply_error(r, 422, "duplicate_item", field, "同一物资只能列一次 (each item once)");
				return false;
			}
		ret[i] = (struct supply_line){.item_id = id,
		                              .quantity = json_integer_value(quantity),
		                              .batch = batch ? json_string_value(batch) : NULL,
		                              .expires_on = expires ? json_string_value(expires) : NULL};
	}
	*ret_n = json_array_size(lines);
	return true;
}

int supplies_audit(struct request *r, const char *action, const char *object_type, int64_t id,
                   const struct supply_site *site, json_t *detail)
{
	struct audit_context ctx = audit_context_of(r);
	if (site)
		json_object_set_new(detail, "site",
		                    json_pack("{s:I, s:s}", "id", (json_int_t)site->id, "name", site->name));
	int rc = audit_append(r->db, &ctx, action, object_type, arena_printf(r->arena, "%lld", (long long)id),
	                      site ? site->district_path : r->who.org_path, detail);
	json_decref(detail);
	return rc;
}

/* ---- the catalogue and the settings ---- */

static const char *const categories[] = {"protection", "disinfection", "testing", NULL};

/*
** ROUTE: GET /api/v1/supplies/items
** AUTH: leader,officer,agent,department
** SUMMARY: 防疫物资目录 The catalogue of supplies
*/
void supplies_items_list(struct request *r)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, "SELECT id, code, name, unit, category FROM supply_items ORDER BY id", NULL);
	reply_rows(r, rc, s, row_as_json_of, 0);
}

/*
** ROUTE: POST /api/v1/supplies/items
** AUTH: department
** DUTY: supplies
** SUMMARY: 新增物资品目 Add an item to the catalogue
** Body: {"code" (a-z, 0-9, _), "name", "unit", "category": "protection"|"disinfection"|"testing"}.
*/
void supplies_item_post(struct request *r)
{
	static const char *const fields[] = {"code", "name", "unit", "category", NULL};
	const char *code, *name, *unit, *category;
	if (!body_only(r, fields) || !body_string(r, "code", FIELD_REQUIRED, 32, &code) ||
	    !body_string(r, "name", FIELD_REQUIRED, 64, &name) || !body_string(r, "unit", FIELD_REQUIRED, 8, &unit) ||
	    !body_string(r, "category", FIELD_REQUIRED, 16, &category) ||
	    choice_or_reply(r, "invalid_category", "category", category, categories) < 0)
		return;
	if (strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code)) {
		reply_error(r, 422, "invalid_value", "code",
		            "代码只能由小写字母、数字和下划线组成 (code: a-z, 0-9, _)");
		return;
	}
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "INSERT INTO supply_items(code, name, unit, category) VALUES (?,?,?,?)", "tttt",
		            code, name, unit, category);
	int64_t id = db_last_insert_id(r->db);
	if (rc == 0)
		rc = supplies_audit(
		    r, "supplies.item.create", "supply_item", id, NULL,
		    json_pack("{s:s, s:s, s:s, s:s}", "code", code, "name", name, "unit", unit, "category", category));
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "item_exists", "code", "物资代码已存在 (the code is taken)");
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201,
		           json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "code", code, "name", name,
		                     "unit", unit, "category", category));
}

/*
** ROUTE: GET /api/v1/supplies/settings
** AUTH: leader,officer,agent,department
** SUMMARY: 物资预警设置 When a site's cover turns red
*/
void supplies_settings_get(struct request *r)
{
	reply_json(r, 200,
	           json_pack("{s:i, s:i}", "red_days", supplies_red_days(r->db), "window_days", SUPPLY_COVER_WINDOW));
}

/*
** ROUTE: PUT /api/v1/supplies/settings
** AUTH: department
** DUTY: supplies
** SUMMARY: 修改物资预警天数 Change the days of cover under which a site is red
** Body: {"red_days": 1..30}.
*/
void supplies_settings_put(struct request *r)
{
	static const char *const fields[] = {"red_days", NULL};
	int64_t days;
	if (!body_only(r, fields) || !body_int64(r, "red_days", FIELD_REQUIRED, 1, 30, &days, NULL))
		return;
	int before = supplies_red_days(r->db);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db, "UPDATE supply_settings SET value = ? WHERE key = 'red_days'", "i", days);
	if (rc == 0)
		rc = supplies_audit(r, "supplies.settings", "supply_settings", 1, NULL,
		                    json_pack("{s:{s:i}, s:{s:I}}", "before", "red_days", before, "after", "red_days",
		                              (json_int_t)days));
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200,
		           json_pack("{s:I, s:i}", "red_days", (json_int_t)days, "window_days", SUPPLY_COVER_WINDOW));
}

/* ---- sites ---- */

static const char *const site_kinds[] = {"site", "store", NULL};

/*
** ROUTE: POST /api/v1/supplies/sites
** AUTH: department
** DUTY: supplies
** SUMMARY: 新建隔离点或物资仓库 Open a quarantine site or a store
** Body: {"name", "kind": "site" (default) | "store", "district" (an
** organisation code), "address", "capacity" (rooms)}.
*/
void supplies_site_post(struct request *r)
{
	static const char *const fields[] = {"name", "kind", "district", "address", "capacity", NULL};
	const char *name, *kind = "site", *address;
	int64_t capacity = 0;
	struct org district;
	bool present;
	if (!body_only(r, fields) || !body_string(r, "name", FIELD_REQUIRED, 128, &name) ||
	    !body_string(r, "kind", FIELD_OPTIONAL, 8, &kind) ||
	    (kind && choice_or_reply(r, "invalid_kind", "kind", kind, site_kinds) < 0) ||
	    !body_string(r, "address", FIELD_REQUIRED, 256, &address) ||
	    !body_int64(r, "capacity", FIELD_OPTIONAL, 0, 100000, &capacity, NULL) ||
	    !org_from_body(r, "district", FIELD_REQUIRED, &district, &present))
		return;
	/* In the store's area: the city's health commission opens sites in every district. */
	kind = kind ? kind : "site";
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO supply_sites(kind, name, org_id, address, capacity, created_at)"
		            " VALUES (?,?,?,?,?,?)",
		            "ttitii", kind, name, district.id, address, capacity, clock_now());
	struct supply_site site = {db_last_insert_id(r->db), kind, name, district.path};
	if (rc == 0)
		rc = supplies_audit(r, "supplies.site.create", "supply_site", site.id, &site,
		                    json_pack("{s:s, s:s, s:I}", "district", district.code, "address", address,
		                              "capacity", (json_int_t)capacity));
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "site_exists", "name", "同名的隔离点或仓库已存在 (the name is taken)");
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201,
		           json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)site.id, "kind", kind, "name", name,
		                     "district", district.code));
}

/* The sites of the rows of cover with any red item: a JSON object {site id: red items}. */
static json_t *red_sites(json_t *cover)
{
	json_t *red = json_object(), *row;
	size_t i;
	json_array_foreach(cover, i, row) if (json_is_true(json_object_get(row, "red")))
	{
		char key[24];
		snprintf(key, sizeof key, "%lld",
		         (long long)json_integer_value(json_object_get(json_object_get(row, "site"), "id")));
		json_object_set_new(red, key, json_integer(json_integer_value(json_object_get(red, key)) + 1));
	}
	return red;
}

/*
** ROUTE: GET /api/v1/supplies/sites
** AUTH: leader,officer,agent,department
** SUMMARY: 隔离点与仓库 The sites and stores the caller sees, red ones first
** Each with its district, capacity, the latest occupancy and red_items: how
** many of its items have fewer days of cover than red_days.
*/
void supplies_sites_list(struct request *r)
{
	struct supply_caller c;
	json_t *cover = NULL, *items = json_array();
	struct db_stmt *s = NULL;
	int rc = supplies_caller(r, &c);
	if (rc >= 0)
		rc = supplies_cover_rows(r, &c, 0, &cover);
	if (rc >= 0)
		rc = db_prepare(
		    r->db, &s,
		    "SELECT s.id AS id, s.kind AS kind, s.name AS name, o.code AS \"district.code\","
		    " o.name AS \"district.name\", s.address AS address, s.capacity AS capacity,"
		    " (SELECT occupants FROM supply_occupancy p WHERE p.site_id = s.id ORDER BY day DESC LIMIT 1)"
		    " AS occupants, (SELECT count(*) FROM supply_requests q WHERE q.site_id = s.id"
		    " AND q.status = 'open') AS open_requests"
		    " FROM supply_sites s JOIN orgs o ON o.id = s.org_id WHERE " SUPPLY_VISIBLE
		    " ORDER BY s.kind DESC, s.id",
		    SUPPLY_VISIBLE_FMT, SUPPLY_VISIBLE_ARGS(c));
	json_t *red = red_sites(cover);
	json_t *reds = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *row = row_as_json(s);
		json_int_t n = json_integer_value(
		    json_object_get(red, arena_printf(r->arena, "%lld", (long long)db_named_int64(s, "id"))));
		json_object_set_new(row, "red_items", json_integer(n));
		json_object_set_new(row, "red", json_boolean(n > 0));
		json_array_append_new(n > 0 ? reds : items, row);
	}
	db_finalize(s);
	json_array_extend(reds, items);
	json_decref(items);
	json_decref(red);
	json_decref(cover);
	reply_json_or_db_error(r, rc == DB_DONE ? 0 : rc,
	                       json_pack("{s:o, s:i}", "items", reds, "red_days", supplies_red_days(r->db)));
}

static const char *const teams[] = {"medical", "disinfection", "logistics", "software", NULL};
static const char *const team_labels[] = {"医疗保障组", "消杀物资组", "后勤保障组", "软件管理组"};

/*
** ROUTE: GET /api/v1/supplies/sites/{id}
** AUTH: leader,officer,agent,department
** SUMMARY: 隔离点详情 A site: its working groups, occupancy, stock and days of cover
** teams: the four working groups (医疗保障、消杀物资、后勤保障、软件管理) with
** their members; occupancy: the last 14 days reported; stock: each item on
** hand with its consumption in the window, cover_days and red.
*/
void supplies_site_get(struct request *r)
{
	struct supply_site site;
	struct supply_caller c;
	if (!supplies_site_or_reply(r, SUPPLY_READ, &site))
		return;
	json_t *body = NULL, *stock = NULL, *teams_json = json_array();
	struct db_stmt *s = NULL;
	int rc = supplies_caller(r, &c);
	if (rc >= 0)
		rc = db_prepare(r->db, &s,
		                "SELECT s.id AS id, s.kind AS kind, s.name AS name, o.code AS \"district.code\","
		                " o.name AS \"district.name\", s.address AS address, s.capacity AS capacity,"
		                " s.created_at AS \"created_at:time\""
		                " FROM supply_sites s JOIN orgs o ON o.id = s.org_id WHERE s.id = ?",
		                "i", site.id);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		body = row_as_json(s);
		rc = 0;
	}
	db_finalize(s);
	for (int t = 0; rc >= 0 && teams[t]; t++) {
		json_t *team = json_pack("{s:s, s:s}", "team", teams[t], "label", team_labels[t]);
		json_array_append_new(teams_json, team);
		rc = db_prepare(r->db, &s,
		                "SELECT m.id AS id, m.name AS name, m.post AS post, m.phone AS phone,"
		                " m.lead AS \"lead:bool\", u.username AS username FROM supply_members m"
		                " LEFT JOIN users u ON u.id = m.user_id WHERE m.site_id = ? AND m.team = ?"
		                " ORDER BY m.lead DESC, m.id",
		                "it", site.id, teams[t]);
		rc = rows_into(r, team, "members", rc, s, row_as_json_of);
	}
	if (rc >= 0) {
		rc = db_prepare(r->db, &s,
		                "SELECT day AS \"day:date\", occupants AS occupants FROM supply_occupancy"
		                " WHERE site_id = ? AND day > ? ORDER BY day",
		                "ii", site.id, (int64_t)clock_local_day(clock_now()) - 14);
		rc = rows_into(r, body, "occupancy", rc, s, row_as_json_of);
	}
	if (rc >= 0)
		rc = supplies_cover_rows(r, &c, site.id, &stock);
	if (rc != 0) {
		json_decref(body);
		json_decref(stock);
		json_decref(teams_json);
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	json_object_set_new(body, "teams", teams_json);
	json_object_set_new(body, "stock", stock);
	json_object_set_new(body, "red_days", json_integer(supplies_red_days(r->db)));
	reply_json(r, 200, body);
}

/*
** ROUTE: POST /api/v1/supplies/sites/{id}/members
** AUTH: department
** DUTY: supplies
** SUMMARY: 添加工作组成员 Add a member to one of a site's working groups
** Body: {"team": "medical"|"disinfection"|"logistics"|"software", "name",
** "post", "phone", "lead" (组长), "username" (links a banyan user, who then
** acts for the site)}.
*/
void supplies_member_post(struct request *r)
{
	static const char *const fields[] = {"team", "name", "post", "phone", "lead", "username", NULL};
	const char *team, *name, *post, *phone = NULL, *username = NULL;
	bool lead = false;
	struct supply_site site;
	if (!supplies_site_or_reply(r, SUPPLY_STORE, &site) || !body_only(r, fields) ||
	    !body_string(r, "team", FIELD_REQUIRED, 16, &team) ||
	    choice_or_reply(r, "invalid_team", "team", team, teams) < 0 ||
	    !body_string(r, "name", FIELD_REQUIRED, 64, &name) || !body_string(r, "post", FIELD_REQUIRED, 64, &post) ||
	    !body_string(r, "phone", FIELD_OPTIONAL, 32, &phone) ||
	    !body_bool(r, "lead", FIELD_OPTIONAL, &lead, NULL) ||
	    !body_string(r, "username", FIELD_OPTIONAL, 32, &username))
		return;
	int64_t user_id = 0;
	int rc = 0;
	if (username) {
		rc = db_query_int64(r->db, &user_id, "SELECT id FROM users WHERE username = ? AND disabled = 0", "t",
		                    username);
		if (rc == DB_DONE) {
			reply_error(r, 422, "unknown_user", "username", "用户不存在 (no such user)");
			return;
		}
	}
	if (rc >= 0)
		rc = db_begin(r->db);
	if (rc >= 0)
		rc = db_run(r->db,
		            "INSERT INTO supply_members(site_id, team, name, post, phone, lead, user_id, created_at)"
		            " VALUES (?,?,?,?,?,?,?,?)",
		            "itttiiri", site.id, team, name, post, phone, (int64_t)lead, user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	if (rc >= 0)
		rc = supplies_audit(r, "supplies.member.create", "supply_member", id, &site,
		                    json_pack("{s:s, s:s, s:s, s:b, s:s?}", "team", team, "name", name, "post", post,
		                              "lead", lead, "username", username));
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "already_member", "username", "该用户已是本隔离点的成员 (already a member)");
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "team", team, "name", name));
}

/*
** ROUTE: POST /api/v1/supplies/sites/{id}/occupancy
** AUTH: officer,agent,department
** SUMMARY: 报告在住人数 Report the people staying at a site on a day
** Body: {"day" (YYYY-MM-DD, not in the future), "occupants"}: a day reported
** again is corrected.  The site's members or the store.
*/
void supplies_occupancy_post(struct request *r)
{
	static const char *const fields[] = {"day", "occupants", NULL};
	int64_t occupants;
	int32_t day;
	struct supply_site site;
	if (!supplies_site_or_reply(r, SUPPLY_ACT, &site) || !body_only(r, fields) ||
	    !supplies_body_day(r, "day", FIELD_REQUIRED, &day) ||
	    !body_int64(r, "occupants", FIELD_REQUIRED, 0, 100000, &occupants, NULL))
		return;
	char day_text[11];
	clock_format_date(day, day_text);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(r->db,
		            "INSERT INTO supply_occupancy(site_id, day, occupants) VALUES (?,?,?)"
		            " ON CONFLICT (site_id, day) DO UPDATE SET occupants = excluded.occupants",
		            "iii", site.id, (int64_t)day, occupants);
	if (rc == 0)
		rc = supplies_audit(r, "supplies.occupancy", "supply_site", site.id, &site,
		                    json_pack("{s:s, s:I}", "day", day_text, "occupants", (json_int_t)occupants));
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:s, s:I}", "day", day_text, "occupants", (json_int_t)occupants));
}

/* ---- days of cover ---- */

/* Ids in ascending order with a JSON object each (a site's or an item's, shared by every row that names it). */
struct keyed {
	size_t n;
	int64_t *ids;
	json_t **json;
};

static void keyed_free(struct keyed *k)
{
	for (size_t i = 0; i < k->n; i++)
		json_decref(k->json[i]);
	free(k->ids);
	free(k->json);
}

/* Step s (rc: db_prepare's result), whose first column is the id, into k; the rest of the row is its JSON. */
static int keyed_load(struct keyed *k, int rc, struct db_stmt *s)
{
	size_t cap = 0;
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		if (k->n == cap) {
			cap = cap ? 2 * cap : 64;
			int64_t *ids = realloc(k->ids, cap * sizeof *ids);
			json_t **json = ids ? realloc(k->json, cap * sizeof *json) : NULL;
			if (ids)
				k->ids = ids;
			if (!json) {
				rc = DB_ERROR;
				break;
			}
			k->json = json;
		}
		k->ids[k->n] = db_column_int64(s, 0);
		k->json[k->n++] = row_as_json(s);
	}
	db_finalize(s);
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR;
}

/* The index of id in k, or -1. */
static ptrdiff_t keyed_find(const struct keyed *k, int64_t id)
{
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (k->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && k->ids[lo] == id ? (ptrdiff_t)lo : -1;
}

/*
** The window's consumption is one range of the day-first covering index,
** read in order and summed here by site and item: at city scale (1,000 sites
** × 50 items) a sequential read of 350,000 index entries, where a lookup per
** site and item would seek 50,000 times.  Stock on hand is read as kept.
*/
int supplies_cover_rows(struct request *r, const struct supply_caller *c, int64_t site, json_t **ret)
{
	int32_t today = clock_local_day(clock_now());
	int red_days = supplies_red_days(r->db);
	struct keyed sites = {0}, items = {0};
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT s.id AS _id, s.id AS id, s.name AS name, o.code AS district FROM supply_sites s"
	    " JOIN orgs o ON o.id = s.org_id WHERE (?4 = 0 AND s.kind = 'site' OR s.id = ?4) AND " SUPPLY_VISIBLE
	    " ORDER BY s.id",
	    SUPPLY_VISIBLE_FMT "i", SUPPLY_VISIBLE_ARGS(*c), site);
	rc = keyed_load(&sites, rc, s);
	if (rc == 0) {
		rc = db_prepare(
		    r->db, &s,
		    "SELECT id AS _id, code AS code, name AS name, unit AS unit FROM supply_items ORDER BY id", NULL);
		rc = keyed_load(&items, rc, s);
	}
	struct use {
		int64_t consumed;
		int days;
	} *used = rc == 0 ? calloc(sites.n * items.n + 1, sizeof *used) : NULL;
	if (rc == 0 && !used)
		rc = DB_ERROR;
	if (rc == 0)
		rc = db_prepare(r->db, &s,
		                "SELECT site_id, item_id, quantity FROM supply_ledger"
		                " WHERE kind = 'consume' AND day BETWEEN ?1 AND ?2 AND (?3 = 0 OR site_id = ?3)",
		                "iii", (int64_t)(today - SUPPLY_COVER_WINDOW + 1), (int64_t)today, site);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		ptrdiff_t at = keyed_find(&sites, db_column_int64(s, 0)),
		          item = keyed_find(&items, db_column_int64(s, 1));
		if (at >= 0 && item >= 0) {
			used[(size_t)at * items.n + (size_t)item].consumed -= db_column_int64(s, 2);
			used[(size_t)at * items.n + (size_t)item].days++;
		}
	}
	db_finalize(s);
	rc = rc == DB_DONE ? 0 : rc;
	if (rc == 0)
		rc = db_prepare(r->db, &s,
		                "SELECT site_id, item_id, quantity FROM supply_stock WHERE ?1 = 0 OR site_id = ?1"
		                " ORDER BY site_id, item_id",
		                "i", site);
	json_t *rows = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		ptrdiff_t at = keyed_find(&sites, db_column_int64(s, 0)),
		          item = keyed_find(&items, db_column_int64(s, 1));
		if (at < 0 || item < 0)
			continue;
		const struct use *u = &used[(size_t)at * items.n + (size_t)item];
		struct supply_cover cover = {
		    .on_hand = db_column_int64(s, 2), .consumed = u->consumed, .reported_days = u->days};
		int64_t tenths;
		json_array_append_new(
		    rows,
		    json_pack("{s:O, s:O, s:I, s:I, s:i, s:o, s:b}", "site", sites.json[at], "item", items.json[item],
		              "on_hand", (json_int_t)cover.on_hand, "consumed", (json_int_t)cover.consumed,
		              "reported_days", cover.reported_days, "cover_days",
		              supply_cover_tenths(&cover, &tenths) ? json_real((double)tenths / 10.0) : json_null(),
		              "red", supply_cover_red(&cover, red_days)));
	}
	db_finalize(s);
	free(used);
	keyed_free(&sites);
	keyed_free(&items);
	if (rc != DB_DONE) {
		json_decref(rows);
		return rc < 0 ? rc : DB_ERROR;
	}
	*ret = rows;
	return 0;
}

/*
** ROUTE: GET /api/v1/supplies/cover
** AUTH: leader,officer,agent,department
** SUMMARY: 物资可用天数 Days of cover of every site and item the caller sees, red first
** Each row: site, item, on_hand, consumed and reported_days (the last 7 days,
** today included: a day without a report is a gap, left out of the rate),
** cover_days (null: no use reported) and red (cover under red_days).
** ?red=1: the red rows only.
*/
void supplies_cover(struct request *r)
{
	struct supply_caller c;
	json_t *rows = NULL;
	const char *red_only = query_arg(r, "red");
	if (red_only && strcmp(red_only, "1") != 0 && strcmp(red_only, "0") != 0) {
		reply_error(r, 422, "invalid_query", "red", "red 应为 0 或 1 (red: 0 or 1)");
		return;
	}
	int rc = supplies_caller(r, &c);
	if (rc >= 0)
		rc = supplies_cover_rows(r, &c, 0, &rows);
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	json_t *first = json_array(), *rest = json_array(), *row;
	size_t i;
	json_array_foreach(rows, i, row)
	{
		bool red = json_is_true(json_object_get(row, "red"));
		if (red || !red_only || strcmp(red_only, "1") != 0)
			json_array_append(red ? first : rest, row);
	}
	json_decref(rows);
	json_array_extend(first, rest);
	json_decref(rest);
	reply_json(r, 200,
	           json_pack("{s:o, s:i, s:i}", "items", first, "red_days", supplies_red_days(r->db), "window_days",
	                     SUPPLY_COVER_WINDOW));
}
