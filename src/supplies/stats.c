/*
** The supplies' figures: received, sent and taken in between stores and
** sites, issued and consumed, and on hand, by item, or by site or district
** and item (quantities of different units are never added up), all from the
** ledger, over the sites the caller sees.
*/
#include <string.h>

#include "supplies/supplies.h"

/* A dimension over the ledger l, its site s, its district o and its item i. */
static const struct stats_dimension dimensions[] = {
    {"item", "物资", "i.code", "i.name"}, /* grouped by item alone: a constant would not do in PostgreSQL's GROUP BY */
    {"site", "隔离点或仓库", "s.id", "s.name"},
    {"district", "县(市)区", "o.code", "o.name"},
};

/*
** ROUTE: GET /api/v1/supplies/stats
** AUTH: department,leader
** DUTY: supplies
** SUMMARY: 防疫物资统计 Supplies received, issued and on hand by item, site or district
** ?by=item (default) | site | district: a row per item, or per site or
** district and item, with received (bought or donated), transferred_in,
** transferred_out, issued (issues and consumption) and on_hand.
** ?format=xlsx|csv downloads the table.
*/
void supplies_stats(struct request *r)
{
	const struct stats_dimension *dim =
	    stats_dimension_arg(r, dimensions, sizeof dimensions / sizeof dimensions[0],
	                        "by 应为 item、site 或 district (by: item, site or district)");
	const char *format = NULL;
	if (!dim || (query_arg(r, "format") && !(format = export_format_arg(r))))
		return;
	struct supply_caller c;
	struct db_stmt *s = NULL;
	int rc = supplies_caller(r, &c);
	if (rc >= 0)
		rc = db_prepare(
		    r->db, &s,
		    arena_printf(
		        r->arena,
		        "SELECT %s AS key, %s AS label, i.code AS item, i.name AS item_name, i.unit AS unit,"
		        " sum(CASE WHEN l.kind = 'receipt' THEN l.quantity ELSE 0 END) AS received,"
		        " sum(CASE WHEN l.kind = 'transfer_in' THEN l.quantity ELSE 0 END) AS transferred_in,"
		        " -sum(CASE WHEN l.kind = 'transfer_out' THEN l.quantity ELSE 0 END) AS transferred_out,"
		        " -sum(CASE WHEN l.kind IN ('issue', 'consume') THEN l.quantity ELSE 0 END) AS issued,"
		        " sum(l.quantity) AS on_hand"
		        " FROM supply_ledger l JOIN supply_sites s ON s.id = l.site_id JOIN orgs o ON o.id = s.org_id"
		        " JOIN supply_items i ON i.id = l.item_id WHERE " SUPPLY_VISIBLE
		        " GROUP BY %s, %s, i.id, i.code, i.name, i.unit ORDER BY 2, i.id",
		        dim->key, dim->label, dim->key, dim->label),
		    SUPPLY_VISIBLE_FMT, SUPPLY_VISIBLE_ARGS(c));
	bool by_item = strcmp(dim->name, "item") == 0;
	json_t *rows = json_array(), *table = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *row = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "item", db_named_text(s, "item"),
		                        "item_name", db_named_text(s, "item_name"), "unit", db_named_text(s, "unit"),
		                        "received", (json_int_t)db_named_int64(s, "received"), "transferred_in",
		                        (json_int_t)db_named_int64(s, "transferred_in"), "transferred_out",
		                        (json_int_t)db_named_int64(s, "transferred_out"), "issued",
		                        (json_int_t)db_named_int64(s, "issued"), "on_hand",
		                        (json_int_t)db_named_int64(s, "on_hand"));
		json_t *line =
		    json_pack("[s, s, O, O, O, O, O]", db_named_text(s, "item_name"), db_named_text(s, "unit"),
		              json_object_get(row, "received"), json_object_get(row, "transferred_in"),
		              json_object_get(row, "transferred_out"), json_object_get(row, "issued"),
		              json_object_get(row, "on_hand"));
		if (!by_item) {
			json_object_set_new(row, dim->name,
			                    json_pack("{s:s, s:s}", "key", db_named_text(s, "key"), "label",
			                              db_named_text(s, "label")));
			json_array_insert_new(line, 0, json_string(db_named_text(s, "label")));
		}
		json_array_append_new(table, line);
		json_array_append_new(rows, row);
	}
	db_finalize(s);
	rc = rc == DB_DONE ? 0 : rc;
	static const char *const headers[] = {"",     "物资", "单位",       "入库(采购、捐赠)",
	                                      "调入", "调出", "发放与消耗", "库存"};
	if (rc == 0 && format) {
		const char *titled[8];
		memcpy(titled, headers, sizeof titled);
		titled[0] = dim->title;
		reply_table(r, format, arena_printf(r->arena, "防疫物资统计-%s", dim->title),
		            by_item ? titled + 1 : titled, by_item ? 7 : 8, table);
		json_decref(table);
		json_decref(rows);
		return;
	}
	json_decref(table);
	reply_json_or_db_error(r, rc, json_pack("{s:s, s:o}", "by", dim->name, "rows", rows));
}
