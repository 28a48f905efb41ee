/*
** The stock ledger: every movement of goods is an entry, and stock on hand
** (supply_stock) is the ledger's sum, written in the same transaction.  Goods
** leave by a conditional write, so stock never goes below zero whoever takes
** it at once: of two storekeepers issuing the last box, one gets 201 and the
** other 409.  Receipts (purchases and donations, a donation acknowledged
** with a numbered receipt, 受赠凭证), issues and the day's consumption.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "supplies/supplies.h"

int supplies_move(struct db *d, int64_t actor_id, const struct supply_entry *e)
{
	int rc;
	if (e->quantity < 0) {
		rc = db_run(d,
		            "UPDATE supply_stock SET quantity = quantity + ?3"
		            " WHERE site_id = ?1 AND item_id = ?2 AND quantity >= -?3",
		            "iii", e->site_id, e->item_id, e->quantity);
		if (rc == 0 && db_changes(d) == 0)
			return -ENOSPC;
	} else {
		rc = db_run(d,
		            "INSERT INTO supply_stock(site_id, item_id, quantity) VALUES (?1, ?2, ?3)"
		            " ON CONFLICT (site_id, item_id) DO UPDATE SET quantity = supply_stock.quantity + ?3",
		            "iii", e->site_id, e->item_id, e->quantity);
	}
	if (rc == 0)
		rc = db_run(
		    d,
		    "INSERT INTO supply_ledger(site_id, item_id, day, kind, quantity, receipt_id, transfer_id, batch,"
		    " expires_on, issued_to, actor_id, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		    "iiitirrtrtii", e->site_id, e->item_id, (int64_t)e->day, e->kind, e->quantity, e->receipt_id,
		    e->transfer_id, e->batch, (int64_t)e->expires_on, e->issued_to, actor_id, clock_now());
	return rc;
}

void supplies_reply_short(struct request *r, int64_t item_id, const char *field)
{
	const char *name = "";
	struct db_stmt *s;
	if (db_prepare(r->db, &s, "SELECT name FROM supply_items WHERE id = ?", "i", item_id) >= 0 &&
	    db_step(s) == DB_ROW)
		name = arena_strdup(r->arena, db_column_text(s, 0));
	db_finalize(s);
	reply_error(r, 409, "insufficient_stock", field, "%s库存不足 (not enough in stock)", name);
}

bool supplies_body_day(struct request *r, const char *field, int flags, int32_t *ret)
{
	const char *text = NULL;
	if (!body_string(r, field, flags, 10, &text))
		return false;
	int32_t today = clock_local_day(clock_now());
	if (!text) {
		*ret = today;
		return true;
	}
	if (clock_parse_date(text, ret) < 0 || *ret > today) {
		reply_error(r, 422, "invalid_day", field, "日期应为不晚于今天的 YYYY-MM-DD (a day, not in the future)");
		return false;
	}
	return true;
}

/* The lines as the audit records them: [{"item": id, "quantity": n}]. */
static json_t *lines_detail(const struct supply_line *lines, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:I}", "item", (json_int_t)lines[i].item_id, "quantity",
		                                   (json_int_t)lines[i].quantity));
	return a;
}

/* The end of a write that may have met an empty shelf: 409 on lines[short_line], else commit or the error. */
static bool finish_moves(struct request *r, int rc, const struct supply_line *lines, size_t short_line)
{
	if (rc == -ENOSPC) {
		db_rollback(r->db);
		supplies_reply_short(r, lines[short_line].item_id, arena_printf(r->arena, "lines[%zu]", short_line));
		return false;
	}
	return db_finish_or_reply(r, rc);
}

static const char *const sources[] = {"purchase", "donation", NULL};

/*
** ROUTE: POST /api/v1/supplies/receipts
** AUTH: department
** DUTY: supplies
** SUMMARY: 物资入库(采购或捐赠) Receive goods bought or donated
** Body: {"site" (the store or a site receiving them), "source": "purchase" |
** "donation", "party" (the supplier or the donor), "received_on"
** (YYYY-MM-DD, default today), "note", "lines": [{"item", "quantity",
** "batch", "expires_on"}]}.  Answers 201 with the receipt's number
** (CG2020-0001 for a purchase, JZ2020-0001 for a donation, numbered by year);
** a donation's receipt (受赠凭证) is at .../receipts/{id}/certificate.
*/
void supplies_receipt_post(struct request *r)
{
	static const char *const fields[] = {"site", "source", "party", "received_on", "note", "lines", NULL};
	const char *source, *party, *note = NULL;
	int64_t site_id;
	int32_t day;
	struct supply_site site;
	struct supply_line lines[SUPPLY_MAX_LINES];
	size_t n;
	if (!body_only(r, fields) || !body_int64(r, "site", FIELD_REQUIRED, 1, INT64_MAX, &site_id, NULL) ||
	    !body_string(r, "source", FIELD_REQUIRED, 16, &source) ||
	    choice_or_reply(r, "invalid_source", "source", source, sources) < 0 ||
	    !body_string(r, "party", FIELD_REQUIRED, 128, &party) ||
	    !supplies_body_day(r, "received_on", FIELD_OPTIONAL, &day) ||
	    !body_string(r, "note", FIELD_OPTIONAL, 512, &note) || !supplies_lines(r, false, true, lines, &n) ||
	    !supplies_site_by_id(r, site_id, "site", SUPPLY_STORE, &site))
		return;
	int y, m, d;
	clock_civil_from_days(day, &y, &m, &d);
	bool donation = strcmp(source, "donation") == 0;
	int64_t seq = 0;
	int rc = db_begin(r->db);
	if (rc == 0) /* numbered within the year and source; rows are never deleted, so count + 1 is new */
		rc = db_query_int64(
		    r->db, &seq,
		    "SELECT count(*) + 1 FROM supply_receipts WHERE source = ? AND received_on BETWEEN ? AND ?", "tii",
		    source, (int64_t)clock_days_from_civil(y, 1, 1), (int64_t)clock_days_from_civil(y, 12, 31));
	const char *number = arena_printf(r->arena, "%s%04d-%04lld", donation ? "JZ" : "CG", y, (long long)seq);
	if (rc == 0)
		rc =
		    db_run(r->db,
		           "INSERT INTO supply_receipts(number, site_id, source, party, received_on, note, actor_id,"
		           " created_at) VALUES (?,?,?,?,?,?,?,?)",
		           "tittitii", number, site.id, source, party, (int64_t)day, note, r->who.user_id, clock_now());
	int64_t id = db_last_insert_id(r->db);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int32_t expires = 0;
		if (lines[i].expires_on)
			clock_parse_date(lines[i].expires_on, &expires);
		rc = supplies_move(r->db, r->who.user_id,
		                   &(struct supply_entry){.site_id = site.id,
		                                          .item_id = lines[i].item_id,
		                                          .quantity = lines[i].quantity,
		                                          .day = day,
		                                          .kind = "receipt",
		                                          .receipt_id = id,
		                                          .batch = lines[i].batch,
		                                          .expires_on = expires});
	}
	if (rc == 0)
		rc = supplies_audit(r, "supplies.receipt", "supply_receipt", id, &site,
		                    json_pack("{s:s, s:s, s:s, s:o}", "number", number, "source", source, "party",
		                              party, "lines", lines_detail(lines, n)));
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201,
		           json_pack("{s:I, s:s, s:s, s:s, s:s?}", "id", (json_int_t)id, "number", number, "source",
		                     source, "party", party, "certificate",
		                     donation ? arena_printf(r->arena, "/api/v1/supplies/receipts/%lld/certificate",
		                                             (long long)id)
		                              : NULL));
}

/* Append s to buf escaped for HTML text. */
static void html_text(struct arena *a, char **buf, const char *s)
{
	for (; s && *s; s++) {
		const char *piece = *s == '<'   ? "&lt;"
		                    : *s == '>' ? "&gt;"
		                    : *s == '&' ? "&amp;"
		                    : *s == '"' ? "&quot;"
		                                : NULL;
		*buf = piece ? arena_printf(a, "%s%s", *buf, piece) : arena_printf(a, "%s%c", *buf, *s);
	}
}

/*
** ROUTE: GET /api/v1/supplies/receipts/{id}/certificate
** AUTH: department,leader
** DUTY: supplies
** SUMMARY: 受赠凭证 The receipt acknowledging a donation (printable HTML)
** The donor, the day, what was given and the receiving store or site, under
** the receipt's number.  A purchase has none (404).
*/
void supplies_certificate(struct request *r)
{
	int64_t id;
	if (!route_param_id(r, "id", &id))
		return;
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT c.number, c.party, c.received_on, s.name, c.note FROM supply_receipts c"
	                    " JOIN supply_sites s ON s.id = c.site_id WHERE c.id = ? AND c.source = 'donation'",
	                    "i", id);
	if (!db_row_or_reply(r, rc, s, "not_found", "没有这份捐赠的记录 (no such donation)"))
		return;
	char day[11];
	clock_format_date((int32_t)db_column_int64(s, 2), day);
	const char *number = arena_strdup(r->arena, db_column_text(s, 0));
	char *html =
	    arena_printf(r->arena,
	                 "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>受赠凭证 %s</title>"
	                 "<style>body{font-family:serif;max-width:40em;margin:2em auto}table{border-collapse:"
	                 "collapse;width:100%%}td,th{border:1px solid #333;padding:.4em}</style></head><body>"
	                 "<h1>受赠凭证</h1><p>编号 No. %s</p><p>捐赠方 Donor: ",
	                 number, number);
	html_text(r->arena, &html, db_column_text(s, 1));
	html = arena_printf(r->arena, "%s</p><p>接收日期 Received on: %s</p><p>接收单位 Received by: ", html, day);
	html_text(r->arena, &html, db_column_text(s, 3));
	if (!db_column_is_null(s, 4)) {
		html = arena_printf(r->arena, "%s</p><p>备注 Note: ", html);
		html_text(r->arena, &html, db_column_text(s, 4));
	}
	db_finalize(s);
	html = arena_printf(r->arena,
	                    "%s</p><table><tr><th>物资 Item</th><th>数量 Quantity</th><th>批号 Batch</th>"
	                    "<th>有效期至 Expires</th></tr>",
	                    html);
	rc = db_prepare(r->db, &s,
	                "SELECT i.name, l.quantity, i.unit, l.batch, l.expires_on FROM supply_ledger l"
	                " JOIN supply_items i ON i.id = l.item_id WHERE l.receipt_id = ? ORDER BY l.id",
	                "i", id);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		char expires[11] = "";
		if (!db_column_is_null(s, 4))
			clock_format_date((int32_t)db_column_int64(s, 4), expires);
		html = arena_printf(r->arena, "%s<tr><td>", html);
		html_text(r->arena, &html, db_column_text(s, 0)); /* the catalogue's names are the store's text too */
		html = arena_printf(r->arena, "%s</td><td>%lld ", html, (long long)db_column_int64(s, 1));
		html_text(r->arena, &html, db_column_text(s, 2));
		html = arena_printf(r->arena, "%s</td><td>", html);
		html_text(r->arena, &html, db_column_text(s, 3));
		html = arena_printf(r->arena, "%s</td><td>%s</td></tr>", html, expires);
	}
	db_finalize(s);
	if (rc != DB_DONE) {
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	html =
	    arena_printf(r->arena,
	                 "%s</table><p>感谢您对疫情防控工作的支持!(Thank you for supporting the epidemic response.)</p>"
	                 "<p>接收单位(盖章)Seal of the receiving organisation:</p></body></html>",
	                 html);
	reply_file(r, "text/html; charset=utf-8", arena_printf(r->arena, "受赠凭证-%s.html", number), html,
	           strlen(html));
}

/*
** ROUTE: POST /api/v1/supplies/sites/{id}/issues
** AUTH: officer,agent,department
** SUMMARY: 物资出库发放 Issue goods from a site's or the store's stock
** Body: {"item", "quantity" (1..), "to" (who received them), "day"
** (default today)}.  201 with what is left on hand; 409 insufficient_stock
** when the stock does not hold the quantity (nothing issued).  The site's
** members or the store.
*/
void supplies_issue_post(struct request *r)
{
	static const char *const fields[] = {"item", "quantity", "to", "day", NULL};
	const char *item, *to;
	int64_t quantity, item_id;
	int32_t day;
	struct supply_site site;
	if (!supplies_site_or_reply(r, SUPPLY_ACT, &site) || !body_only(r, fields) ||
	    !body_string(r, "item", FIELD_REQUIRED, 32, &item) ||
	    !body_int64(r, "quantity", FIELD_REQUIRED, 1, 1000000000, &quantity, NULL) ||
	    !body_string(r, "to", FIELD_REQUIRED, 128, &to) || !supplies_body_day(r, "day", FIELD_OPTIONAL, &day) ||
	    !(item_id = supplies_item_or_reply(r, item, "item")))
		return;
	int rc = db_begin(r->db);
	if (rc == 0)
		rc = supplies_move(r->db, r->who.user_id,
		                   &(struct supply_entry){.site_id = site.id,
		                                          .item_id = item_id,
		                                          .quantity = -quantity,
		                                          .day = day,
		                                          .kind = "issue",
		                                          .issued_to = to});
	int64_t id = db_last_insert_id(r->db), left = 0;
	if (rc == 0)
		rc = db_query_int64(r->db, &left, "SELECT quantity FROM supply_stock WHERE site_id = ? AND item_id = ?",
		                    "ii", site.id, item_id);
	if (rc == 0)
		rc = supplies_audit(
		    r, "supplies.issue", "supply_ledger", id, &site,
		    json_pack("{s:s, s:I, s:s}", "item", item, "quantity", (json_int_t)quantity, "to", to));
	if (rc == -ENOSPC) {
		db_rollback(r->db);
		supplies_reply_short(r, item_id, "quantity");
		return;
	}
	if (db_finish_or_reply(r, rc))
		reply_json(r, 201,
		           json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)id, "item", item, "quantity",
		                     (json_int_t)quantity, "on_hand", (json_int_t)left));
}

/*
** ROUTE: POST /api/v1/supplies/sites/{id}/consumption
** AUTH: officer,agent,department
** SUMMARY: 报告当日物资消耗 Report a day's consumption at a site
** Body: {"day" (default today), "lines": [{"item", "quantity" (0: reported,
** none used)}]}.  One report a day per item (409 already_reported); 409
** insufficient_stock when more is reported than on hand (nothing recorded).
*/
void supplies_consumption_post(struct request *r)
{
	static const char *const fields[] = {"day", "lines", NULL};
	int32_t day;
	struct supply_site site;
	struct supply_line lines[SUPPLY_MAX_LINES];
	size_t n, i = 0;
	if (!supplies_site_or_reply(r, SUPPLY_ACT, &site) || !body_only(r, fields) ||
	    !supplies_body_day(r, "day", FIELD_OPTIONAL, &day) || !supplies_lines(r, true, false, lines, &n))
		return;
	int rc = db_begin(r->db);
	for (; rc == 0 && i < n; i++)
		rc = supplies_move(r->db, r->who.user_id,
		                   &(struct supply_entry){.site_id = site.id,
		                                          .item_id = lines[i].item_id,
		                                          .quantity = -lines[i].quantity,
		                                          .day = day,
		                                          .kind = "consume"});
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		reply_error(r, 409, "already_reported", arena_printf(r->arena, "lines[%zu]", i - 1),
		            "该物资当日的消耗已报告 (this day's consumption of the item is reported already)");
		return;
	}
	char day_text[11];
	clock_format_date(day, day_text);
	if (rc == 0)
		rc = supplies_audit(r, "supplies.consumption", "supply_site", site.id, &site,
		                    json_pack("{s:s, s:o}", "day", day_text, "lines", lines_detail(lines, n)));
	if (finish_moves(r, rc, lines, i - 1))
		reply_json(r, 201, json_pack("{s:s, s:I}", "day", day_text, "lines", (json_int_t)n));
}

/*
** ROUTE: GET /api/v1/supplies/sites/{id}/ledger
** AUTH: leader,officer,agent,department
** SUMMARY: 物资台账 A site's or the store's ledger, newest first
** ?item=CODE, ?limit=, ?cursor=.  Each entry: day, kind (receipt,
** transfer_out, transfer_in, issue, consume), item, signed quantity, and its
** receipt (number, id for its certificate, source), transfer, batch, expiry
** or recipient.
*/
void supplies_ledger_list(struct request *r)
{
	struct supply_site site;
	int64_t limit, cursor;
	if (!supplies_site_or_reply(r, SUPPLY_READ, &site) || !page_args(r, 50, 500, &limit, &cursor))
		return;
	const char *item = query_arg(r, "item");
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT l.id AS id, l.day AS \"day:date\", l.kind AS kind, i.code AS \"item.code\","
	    " i.name AS \"item.name\", i.unit AS \"item.unit\", l.quantity AS quantity,"
	    " c.number AS receipt, c.id AS receipt_id, c.source AS receipt_source, c.party AS party,"
	    " l.transfer_id AS transfer, l.batch AS batch,"
	    " l.expires_on AS \"expires_on:date\", l.issued_to AS issued_to, l.at AS \"at:time\""
	    " FROM supply_ledger l JOIN supply_items i ON i.id = l.item_id"
	    " LEFT JOIN supply_receipts c ON c.id = l.receipt_id"
	    " WHERE l.site_id = ?1 AND l.id < ?2 AND (?3 IS NULL OR i.code = ?3) ORDER BY l.id DESC LIMIT ?4",
	    "iiti", site.id, cursor, item, limit);
	reply_rows(r, rc, s, row_as_json_of, limit);
}
