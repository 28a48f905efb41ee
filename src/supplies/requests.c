/*
** Requests from the sites and their fulfilment.  A site's member asks for
** items and quantities with an urgency; the store (the procurement group)
** sends all or part of it, each shipment a transfer that leaves the store's
** stock at once and enters the site's when the site confirms receipt.  What
** has been sent of a line grows by a conditional write, never past what was
** asked, however many fulfil at once.  The queue puts the requests of red
** sites (a requested item under red_days of cover) first, then by urgency,
** then the oldest.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "supplies/supplies.h"

static const char *const urgencies[] = {"normal", "urgent", "critical", NULL};

/*
** ROUTE: POST /api/v1/supplies/requests
** AUTH: officer,agent,department
** SUMMARY: 隔离点申领物资 A site requests supplies
** Body: {"site", "urgency": "normal"|"urgent"|"critical", "note", "lines":
** [{"item", "quantity"}]}.  The site's members (or the store on its behalf).
*/
void supplies_request_post(struct request *r)
{
	static const char *const fields[] = {"site", "urgency", "note", "lines", NULL};
	const char *urgency, *note = NULL;
	int64_t site_id;
	struct supply_site site;
	struct supply_line lines[SUPPLY_MAX_LINES];
	size_t n;
	if (!body_only(r, fields) || !body_int64(r, "site", FIELD_REQUIRED, 1, INT64_MAX, &site_id, NULL) ||
	    !body_string(r, "urgency", FIELD_REQUIRED, 16, &urgency) ||
	    choice_or_reply(r, "invalid_urgency", "urgency", urgency, urgencies) < 0 ||
	    !body_string(r, "note", FIELD_OPTIONAL, 512, &note) || !supplies_lines(r, false, false, lines, &n) ||
	    !supplies_site_by_id(r, site_id, "site", SUPPLY_ACT, &site))
		return;
	if (strcmp(site.kind, "site") != 0) {
		reply_error(r, 422, "not_a_site", "site", "仓库不申领物资 (a store does not request supplies)");
		return;
	}
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO supply_requests(site_id, urgency, note, actor_id, created_at) VALUES (?,?,?,?,?)",
		    "ittii", site.id, urgency, note, r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	json_t *detail = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = db_run(r->db, "INSERT INTO supply_request_lines(request_id, item_id, quantity) VALUES (?,?,?)",
		            "iii", id, lines[i].item_id, lines[i].quantity);
		json_array_append_new(detail, json_pack("{s:I, s:I}", "item", (json_int_t)lines[i].item_id, "quantity",
		                                        (json_int_t)lines[i].quantity));
	}
	if (rc == 0)
		rc = supplies_audit(r, "supplies.request", "supply_request", id, &site,
		                    json_pack("{s:s, s:o}", "urgency", urgency, "lines", detail));
	else
		json_decref(detail);
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201,
		           json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "site", (json_int_t)site.id,
		                     "urgency", urgency, "status", "open"));
}

/* A request's lines: item, asked, sent, received (by transfers confirmed) and outstanding. */
static int request_lines(struct request *r, json_t *into, int64_t id)
{
	struct db_stmt *s;
	int prc = db_prepare(r->db, &s,
	                     "SELECT i.code AS \"item.code\", i.name AS \"item.name\", i.unit AS \"item.unit\","
	                     " q.quantity AS quantity, q.sent AS sent, q.quantity - q.sent AS outstanding,"
	                     " coalesce((SELECT -sum(l.quantity) FROM supply_ledger l JOIN supply_transfers t"
	                     " ON t.id = l.transfer_id WHERE t.request_id = q.request_id AND t.received_at IS NOT NULL"
	                     " AND l.kind = 'transfer_out' AND l.item_id = q.item_id), 0) AS received"
	                     " FROM supply_request_lines q JOIN supply_items i ON i.id = q.item_id"
	                     " WHERE q.request_id = ? ORDER BY i.id",
	                     "i", id);
	return rows_into(r, into, "lines", prc, s, row_as_json_of);
}

/* The request of the route's {id} if the caller may act so on its site: its site, or false having answered. */
static bool request_or_reply(struct request *r, enum supply_need need, int64_t *ret_id, struct supply_site *ret)
{
	int64_t site_id = 0;
	if (!route_param_id(r, "id", ret_id))
		return false;
	int rc = db_query_int64(r->db, &site_id, "SELECT site_id FROM supply_requests WHERE id = ?", "i", *ret_id);
	if (rc == DB_DONE)
		reply_error(r, 404, "not_found", NULL, "申领单不存在 (no such request)");
	else if (rc < 0)
		reply_db_error(r, rc);
	return rc == 0 && supplies_site_by_id(r, site_id, NULL, need, ret);
}

static const char request_columns[] =
    "SELECT q.id AS id, s.id AS \"site.id\", s.name AS \"site.name\", o.code AS \"site.district\","
    " q.urgency AS urgency, q.status AS status, q.note AS note, q.created_at AS \"created_at:time\","
    " coalesce(u.display_name, '') AS requested_by,"
    " (SELECT count(*) FROM supply_transfers t WHERE t.request_id = q.id) AS transfers"
    " FROM supply_requests q JOIN supply_sites s ON s.id = q.site_id JOIN orgs o ON o.id = s.org_id"
    " LEFT JOIN users u ON u.id = q.actor_id";

/*
** ROUTE: GET /api/v1/supplies/requests/{id}
** AUTH: leader,officer,agent,department
** SUMMARY: 申领单详情 A request: its lines (asked, sent, received, outstanding) and its transfers
*/
void supplies_request_get(struct request *r)
{
	int64_t id;
	struct supply_site site;
	if (!request_or_reply(r, SUPPLY_READ, &id, &site))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s, arena_printf(r->arena, "%s WHERE q.id = ?", request_columns), "i", id);
	if (!db_row_or_reply(r, rc, s, "not_found", "申领单不存在 (no such request)"))
		return;
	json_t *body = row_as_json(s);
	db_finalize(s);
	rc = request_lines(r, body, id);
	if (rc >= 0) {
		rc = db_prepare(r->db, &s,
		                "SELECT t.id AS id, f.name AS \"from\", t.sent_at AS \"sent_at:time\","
		                " t.received_at AS \"received_at:time\","
		                " (SELECT -sum(quantity) FROM supply_ledger l WHERE l.transfer_id = t.id"
		                " AND l.kind = 'transfer_out') AS quantity"
		                " FROM supply_transfers t JOIN supply_sites f ON f.id = t.from_id"
		                " WHERE t.request_id = ? ORDER BY t.id",
		                "i", id);
		rc = rows_into(r, body, "transfers", rc, s, row_as_json_of);
	}
	reply_json_or_db_error(r, rc, body);
}

/* A site and an item (a row's "site" and a line's "item") as a key: "site id/item code". */
static const char *red_key(struct request *r, json_t *site, json_t *item)
{
	return arena_printf(r->arena, "%lld/%s", (long long)json_integer_value(json_object_get(site, "id")),
	                    json_string_value(json_object_get(item, "code")));
}

/* The queue's order: red first, then critical, urgent, normal, then the oldest. */
static int urgency_rank(json_t *row)
{
	const char *u = json_string_value(json_object_get(row, "urgency"));
	return strcmp(u, "critical") == 0 ? 0 : strcmp(u, "urgent") == 0 ? 1 : 2;
}

static int queue_order(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int rx = !json_is_true(json_object_get(x, "red")), ry = !json_is_true(json_object_get(y, "red"));
	if (rx != ry)
		return rx - ry;
	if (urgency_rank(x) != urgency_rank(y))
		return urgency_rank(x) - urgency_rank(y);
	json_int_t ix = json_integer_value(json_object_get(x, "id")), iy = json_integer_value(json_object_get(y, "id"));
	return (ix > iy) - (ix < iy);
}

/*
** ROUTE: GET /api/v1/supplies/requests
** AUTH: leader,officer,agent,department
** SUMMARY: 物资申领队列 The request queue: red sites first, then by urgency and age
** ?status=open (default) | fulfilled | all.  The store sees every site's, a
** site's members their own, leaders their subtree's.  red: the site has a
** requested item under red_days of cover.  At most 500.
*/
void supplies_requests_list(struct request *r)
{
	static const char *const statuses[] = {"open", "fulfilled", "all", NULL};
	const char *status = query_arg(r, "status");
	if (choice_or_reply(r, "invalid_query", "status", status, statuses) == -2)
		return;
	status = status ? status : "open";
	struct supply_caller c;
	json_t *cover = NULL;
	int rc = supplies_caller(r, &c);
	if (rc >= 0)
		rc = supplies_cover_rows(r, &c, 0, &cover);
	struct db_stmt *s = NULL;
	if (rc >= 0)
		rc = db_prepare(r->db, &s,
		                arena_printf(r->arena,
		                             "%s WHERE " SUPPLY_VISIBLE " AND (?4 = 'all' OR q.status = ?4)"
		                             " ORDER BY q.id LIMIT 500",
		                             request_columns),
		                SUPPLY_VISIBLE_FMT "t", SUPPLY_VISIBLE_ARGS(c), status);
	json_t *items = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(items, row_as_json(s));
	db_finalize(s);
	rc = rc == DB_DONE ? 0 : rc;
	/* The red rows of cover, by site and item: "site/item". */
	json_t *red = json_object(), *row;
	size_t n = json_array_size(items), i;
	json_array_foreach(cover, i, row) if (json_is_true(json_object_get(row, "red"))) json_object_set_new(
	    red, red_key(r, json_object_get(row, "site"), json_object_get(row, "item")), json_true());
	json_t **order = calloc(n ? n : 1, sizeof *order);
	if (!order)
		rc = DB_ERROR;
	for (i = 0; rc == 0 && i < n; i++) {
		row = json_array_get(items, i);
		rc = request_lines(r, row, json_integer_value(json_object_get(row, "id")));
		bool is_red = false;
		size_t k;
		json_t *line;
		json_array_foreach(json_object_get(row, "lines"), k, line) is_red |=
		    json_object_get(red, red_key(r, json_object_get(row, "site"), json_object_get(line, "item"))) !=
		    NULL;
		json_object_set_new(row, "red", json_boolean(is_red));
		order[i] = row;
	}
	json_decref(red);
	json_t *queue = json_array();
	if (rc == 0) {
		qsort(order, n, sizeof *order, queue_order);
		for (i = 0; i < n; i++)
			json_array_append(queue, order[i]);
	}
	free(order);
	json_decref(items);
	json_decref(cover);
	reply_json_or_db_error(r, rc, json_pack("{s:o, s:i}", "items", queue, "red_days", supplies_red_days(r->db)));
}

/*
** ROUTE: POST /api/v1/supplies/requests/{id}/fulfil
** AUTH: department
** DUTY: supplies
** SUMMARY: 调拨物资满足申领(全部或部分) Send goods from a store against a request, in part or whole
** Body: {"from" (the store), "lines": [{"item", "quantity"}]}: each item one
** the request asks for, at most what is outstanding (409 more_than_requested)
** and what the store holds (409 insufficient_stock); nothing is sent unless
** all of it can be.  201 with the transfer; the request is fulfilled once
** every line is sent in full.  The goods enter the site's stock when it
** confirms receipt (.../transfers/{id}/receive).
*/
void supplies_fulfil(struct request *r)
{
	static const char *const fields[] = {"from", "lines", NULL};
	int64_t id, from_id;
	struct supply_site site, store;
	struct supply_line lines[SUPPLY_MAX_LINES];
	size_t n, i = 0;
	if (!request_or_reply(r, SUPPLY_STORE, &id, &site) || !body_only(r, fields) ||
	    !body_int64(r, "from", FIELD_REQUIRED, 1, INT64_MAX, &from_id, NULL) ||
	    !supplies_lines(r, false, false, lines, &n) ||
	    !supplies_site_by_id(r, from_id, "from", SUPPLY_STORE, &store))
		return;
	if (strcmp(store.kind, "store") != 0) {
		reply_error(r, 422, "not_a_store", "from", "调出方应为物资仓库 (goods are sent from a store)");
		return;
	}
	int64_t now = clock_now(), open = 0;
	int32_t today = clock_local_day(now);
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "INSERT INTO supply_transfers(request_id, from_id, to_id, sent_by, sent_at) VALUES (?,?,?,?,?)",
		    "iiiii", id, store.id, site.id, r->who.user_id, now);
	int64_t transfer = db_last_insert_id(r->db);
	bool over = false;
	for (; rc == 0 && i < n; i++) {
		rc = db_run(r->db,
		            "UPDATE supply_request_lines SET sent = sent + ?3"
		            " WHERE request_id = ?1 AND item_id = ?2 AND sent + ?3 <= quantity",
		            "iii", id, lines[i].item_id, lines[i].quantity);
		if (rc == 0 && db_changes(r->db) == 0) {
			over = true;
			rc = -ERANGE;
		}
		if (rc == 0)
			rc = supplies_move(r->db, r->who.user_id,
			                   &(struct supply_entry){.site_id = store.id,
			                                          .item_id = lines[i].item_id,
			                                          .quantity = -lines[i].quantity,
			                                          .day = today,
			                                          .kind = "transfer_out",
			                                          .transfer_id = transfer});
	}
	if (rc == 0)
		rc = db_query_int64(
		    r->db, &open, "SELECT count(*) FROM supply_request_lines WHERE request_id = ? AND sent < quantity",
		    "i", id);
	if (rc == 0 && !open)
		rc = db_run(r->db, "UPDATE supply_requests SET status = 'fulfilled' WHERE id = ?", "i", id);
	json_t *detail = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(detail, json_pack("{s:I, s:I}", "item", (json_int_t)lines[k].item_id, "quantity",
		                                        (json_int_t)lines[k].quantity));
	if (rc == 0)
		rc = supplies_audit(r, "supplies.fulfil", "supply_request", id, &site,
		                    json_pack("{s:I, s:I, s:o}", "transfer", (json_int_t)transfer, "from",
		                              (json_int_t)store.id, "lines", detail));
	else
		json_decref(detail);
	if (over) {
		db_rollback(r->db);
		reply_error(r, 409, "more_than_requested", arena_printf(r->arena, "lines[%zu]", i - 1),
		            "超出申领单尚未满足的数量,或申领单未列此物资 (more than is outstanding, or not requested)");
		return;
	}
	if (rc == -ENOSPC) {
		db_rollback(r->db);
		supplies_reply_short(r, lines[i - 1].item_id, arena_printf(r->arena, "lines[%zu]", i - 1));
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201,
		           json_pack("{s:I, s:I, s:s}", "id", (json_int_t)transfer, "request", (json_int_t)id, "status",
		                     open ? "open" : "fulfilled"));
}

/*
** ROUTE: POST /api/v1/supplies/transfers/{id}/receive
** AUTH: officer,agent,department
** SUMMARY: 隔离点确认收货 The site confirms it received a transfer
** The goods enter the site's stock.  Only the receiving site's members; 409
** already_received the second time.
*/
void supplies_transfer_receive(struct request *r)
{
	int64_t id, to_id = 0;
	struct supply_site site;
	if (!route_param_id(r, "id", &id))
		return;
	int rc = db_query_int64(r->db, &to_id, "SELECT to_id FROM supply_transfers WHERE id = ?", "i", id);
	if (rc == DB_DONE) {
		reply_error(r, 404, "not_found", NULL, "调拨单不存在 (no such transfer)");
		return;
	}
	if (rc < 0) {
		reply_db_error(r, rc);
		return;
	}
	if (!supplies_site_by_id(r, to_id, NULL, SUPPLY_MEMBER, &site))
		return;
	int64_t now = clock_now();
	rc = db_begin(r->db);
	if (rc == 0)
		rc = db_run(
		    r->db,
		    "UPDATE supply_transfers SET received_by = ?, received_at = ? WHERE id = ? AND received_at IS NULL",
		    "iii", r->who.user_id, now, id);
	if (rc == 0 && db_changes(r->db) == 0) {
		db_rollback(r->db);
		reply_error(r, 409, "already_received", NULL, "该调拨单已确认收货 (received already)");
		return;
	}
	struct db_stmt *s = NULL;
	int64_t items[SUPPLY_MAX_LINES], quantities[SUPPLY_MAX_LINES];
	size_t n = 0;
	if (rc == 0)
		rc = db_prepare(
		    r->db, &s,
		    "SELECT item_id, -quantity FROM supply_ledger WHERE transfer_id = ? AND kind = 'transfer_out'", "i",
		    id);
	while (rc >= 0 && n < SUPPLY_MAX_LINES && (rc = db_step(s)) == DB_ROW) {
		items[n] = db_column_int64(s, 0);
		quantities[n++] = db_column_int64(s, 1);
	}
	db_finalize(s);
	rc = rc == DB_DONE || rc == DB_ROW ? 0 : rc;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = supplies_move(r->db, r->who.user_id,
		                   &(struct supply_entry){.site_id = site.id,
		                                          .item_id = items[i],
		                                          .quantity = quantities[i],
		                                          .day = clock_local_day(now),
		                                          .kind = "transfer_in",
		                                          .transfer_id = id});
	if (rc == 0)
		rc = supplies_audit(r, "supplies.receive", "supply_transfer", id, &site, json_object());
	if (db_finish_or_reply(r, rc))
		reply_json(r, 200, json_pack("{s:I, s:b}", "transfer", (json_int_t)id, "received", 1));
}
