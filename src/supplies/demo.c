/*
** The supplies' demo, made after the other domains' (cmd_demo): the city's
** store (市卫健委's 防疫物资保障组) and the 台江 quarantine site with its four
** working groups, over the last eight weeks.  The procurement group gathered
** 21,000 masks and protective suits (a purchase and two donations, each
** donation with its receipt), sent them to the site against its requests
** (the second one fulfilled in part), and the site reported its consumption
** every day but three (a gap).  A 晋安 site runs short of gloves: red, and
** its open request heads the store's queue.
*/
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "supplies/supplies.h"

enum { N95 = 1, SURGICAL = 2, SUIT = 3, GOGGLES = 5, GLOVES = 7, CHLORINE = 9, THERMOMETER = 12 };

struct line {
	int64_t item, quantity;
};

static const struct {
	const char *team, *name, *post, *username;
	int lead;
} members[] = {
    {"medical", "陈丽君", "台江区医院主治医师", NULL, 1},
    {"medical", "郑晓东", "护士长", NULL, 0},
    {"disinfection", "林志明", "台江区疾控中心副主任(采购组组长)", "taijiang-site", 1},
    {"disinfection", "黄伟", "消杀员", NULL, 0},
    {"logistics", "吴建华", "台江区卫健局后勤科科长", NULL, 1},
    {"logistics", "刘芳", "酒店值班经理", NULL, 0},
    {"software", "周磊", "台江区大数据中心工程师", NULL, 1},
};

/* A receipt at the store: its lines are entries. */
static int receipt(struct db *d, int64_t actor, int64_t store, const char *number, const char *source,
                   const char *party, int32_t day, const struct line *lines, size_t n, int64_t now)
{
	int rc = db_run(d,
	                "INSERT INTO supply_receipts(number, site_id, source, party, received_on, actor_id, created_at)"
	                " VALUES (?,?,?,?,?,?,?)",
	                "tittiii", number, store, source, party, (int64_t)day, actor, now);
	int64_t id = db_last_insert_id(d);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = supplies_move(d, actor,
		                   &(struct supply_entry){.site_id = store,
		                                          .item_id = lines[i].item,
		                                          .quantity = lines[i].quantity,
		                                          .day = day,
		                                          .kind = "receipt",
		                                          .receipt_id = id,
		                                          .batch = number,
		                                          .expires_on = day + 730});
	return rc;
}

/*
** A request of site on day; with fulfil, sent of it what send says (all of it
** when NULL) and received the same day.
*/
static int request(struct db *d, int64_t actor, int64_t store, int64_t site, const char *urgency, int32_t day,
                   const struct line *lines, size_t n, bool fulfil, const int64_t *send)
{
	int64_t at = clock_local_midnight(day) + 9 * 3600;
	int rc =
	    db_run(d, "INSERT INTO supply_requests(site_id, urgency, status, actor_id, created_at) VALUES (?,?,?,?,?)",
	           "ittii", site, urgency, fulfil && !send ? "fulfilled" : "open", actor, at);
	int64_t id = db_last_insert_id(d);
	if (rc == 0 && fulfil)
		rc = db_run(d,
		            "INSERT INTO supply_transfers(request_id, from_id, to_id, sent_by, sent_at, received_by,"
		            " received_at) VALUES (?,?,?,?,?,?,?)",
		            "iiiiiii", id, store, site, actor, at + 3600, actor, at + 4 * 3600);
	int64_t transfer = db_last_insert_id(d);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t sent = !fulfil ? 0 : send ? send[i] : lines[i].quantity;
		rc = db_run(d, "INSERT INTO supply_request_lines(request_id, item_id, quantity, sent) VALUES (?,?,?,?)",
		            "iiii", id, lines[i].item, lines[i].quantity, sent);
		if (rc == 0 && fulfil)
			rc = supplies_move(d, actor,
			                   &(struct supply_entry){.site_id = store,
			                                          .item_id = lines[i].item,
			                                          .quantity = -sent,
			                                          .day = day,
			                                          .kind = "transfer_out",
			                                          .transfer_id = transfer});
		if (rc == 0 && fulfil)
			rc = supplies_move(d, actor,
			                   &(struct supply_entry){.site_id = site,
			                                          .item_id = lines[i].item,
			                                          .quantity = sent,
			                                          .day = day,
			                                          .kind = "transfer_in",
			                                          .transfer_id = transfer});
	}
	return rc;
}

/* A day's consumption at site of each item: per_day[i] of lines[i].item. */
static int consume(struct db *d, int64_t actor, int64_t site, int32_t day, const struct line *per_day, size_t n)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = supplies_move(d, actor,
		                   &(struct supply_entry){.site_id = site,
		                                          .item_id = per_day[i].item,
		                                          .quantity = -per_day[i].quantity,
		                                          .day = day,
		                                          .kind = "consume"});
	return rc;
}

static int site(struct db *d, const char *kind, const char *name, const char *org, const char *address,
                int64_t capacity, int64_t now, int64_t *ret)
{
	int rc = db_run(d,
	                "INSERT INTO supply_sites(kind, name, org_id, address, capacity, created_at)"
	                " SELECT ?, ?, id, ?, ?, ? FROM orgs WHERE code = ?",
	                "tttiit", kind, name, address, capacity, now, org);
	*ret = db_last_insert_id(d);
	return rc;
}

int supplies_demo(const char *db_path)
{
	struct db *d;
	if (db_open(db_path, &d) < 0)
		return -1;
	int64_t now = clock_now(), store_user = 0, site_user = 0, store = 0, taijiang = 0, jinan = 0;
	int32_t today = clock_local_day(now), day0 = today - 56;
	int rc = db_begin(d);
	if (rc == 0)
		rc = db_query_int64(d, &store_user, "SELECT id FROM users WHERE username = 'city-wjw'", NULL);
	if (rc == 0)
		rc = db_query_int64(d, &site_user, "SELECT id FROM users WHERE username = 'taijiang-site'", NULL);
	if (rc == 0)
		rc = site(d, "store", "福州市防疫物资储备库", "350100", "福州市鼓楼区湖东路", 0, now, &store);
	if (rc == 0)
		rc = site(d, "site", "台江区集中隔离医学观察点", "350103", "福州市台江区江滨中大道(原闽江大酒店)", 200,
		          now, &taijiang);
	if (rc == 0)
		rc = site(d, "site", "晋安区集中隔离医学观察点", "350111", "福州市晋安区福新东路", 120, now, &jinan);
	for (size_t i = 0; rc == 0 && i < sizeof members / sizeof members[0]; i++)
		rc = db_run(d,
		            "INSERT INTO supply_members(site_id, team, name, post, lead, user_id, created_at)"
		            " VALUES (?,?,?,?,?,(SELECT id FROM users WHERE username = ?),?)",
		            "itttiti", taijiang, members[i].team, members[i].name, members[i].post,
		            (int64_t)members[i].lead, members[i].username, now);
	/* What the procurement group gathered: 21,000 masks and suits. */
	static const struct line bought[] = {{N95, 5000},    {SURGICAL, 8000}, {SUIT, 2000},     {GLOVES, 10000},
	                                     {GOGGLES, 500}, {CHLORINE, 300},  {THERMOMETER, 50}};
	static const struct line chamber[] = {{SURGICAL, 4000}, {N95, 1000}};
	static const struct line overseas[] = {{SUIT, 1000}};
	int y, m, dd;
	clock_civil_from_days(day0, &y, &m, &dd);
	char number[3][16];
	snprintf(number[0], sizeof number[0], "CG%04d-0001", y);
	snprintf(number[1], sizeof number[1], "JZ%04d-0001", y);
	snprintf(number[2], sizeof number[2], "JZ%04d-0002", y);
	if (rc == 0)
		rc = receipt(d, store_user, store, number[0], "purchase", "福建海峡医疗器械有限公司", day0, bought, 7,
		             now);
	if (rc == 0)
		rc = receipt(d, store_user, store, number[1], "donation", "台江区工商业联合会(总商会)", day0 + 3,
		             chamber, 2, now);
	if (rc == 0)
		rc = receipt(d, store_user, store, number[2], "donation", "旅美福州十邑同乡会", day0 + 10, overseas, 1,
		             now);
	static const struct line first[] = {{N95, 2000},    {SURGICAL, 6000}, {SUIT, 1200},     {GLOVES, 6000},
	                                    {GOGGLES, 200}, {CHLORINE, 100},  {THERMOMETER, 20}};
	static const struct line second[] = {{N95, 3000}, {SUIT, 1000}};
	static const int64_t second_sent[] = {2000, 600}; /* fulfilled in part */
	static const struct line jinan_first[] = {{SURGICAL, 2000}, {GLOVES, 1000}, {N95, 500}};
	static const struct line jinan_more[] = {{GLOVES, 500}};
	if (rc == 0)
		rc = request(d, site_user, store, taijiang, "urgent", day0 + 1, first, 7, true, NULL);
	if (rc == 0)
		rc = request(d, store_user, store, jinan, "normal", day0 + 5, jinan_first, 3, true, NULL);
	if (rc == 0)
		rc = supplies_move(d, site_user,
		                   &(struct supply_entry){.site_id = taijiang,
		                                          .item_id = THERMOMETER,
		                                          .quantity = -10,
		                                          .day = day0 + 2,
		                                          .kind = "issue",
		                                          .issued_to = "医疗保障组"});
	static const struct line taijiang_use[] = {{N95, 45},    {SURGICAL, 100}, {SUIT, 25},      {GLOVES, 100},
	                                           {GOGGLES, 2}, {CHLORINE, 1},   {THERMOMETER, 0}};
	static const struct line jinan_use[] = {{SURGICAL, 35}, {GLOVES, 19}, {N95, 9}};
	for (int32_t day = day0 + 1; rc == 0 && day <= today; day++) {
		if (day == day0 + 40)
			rc = request(d, site_user, store, taijiang, "critical", day, second, 2, true, second_sent);
		if (rc == 0 && day != today - 3 && day != today - 4 && day != day0 + 20) /* days not reported: gaps */
			rc = consume(d, site_user, taijiang, day, taijiang_use, 7);
		if (rc == 0 && day > day0 + 5)
			rc = consume(d, store_user, jinan, day, jinan_use, 3);
		if (rc == 0)
			rc = db_run(d, "INSERT INTO supply_occupancy(site_id, day, occupants) VALUES (?,?,?), (?,?,?)",
			            "iiiiii", taijiang, (int64_t)day, (int64_t)(120 + (day - day0) % 40), jinan,
			            (int64_t)day, (int64_t)(60 + (day - day0) % 25));
	}
	if (rc == 0)
		rc = request(d, store_user, store, jinan, "urgent", today, jinan_more, 1, false, NULL);
	if (rc == 0)
		rc = db_commit(d);
	else
		db_rollback(d);
	if (rc != 0)
		fprintf(stderr, "supplies demo: %s\n", db_errmsg(d));
	db_close(d);
	return rc == 0 ? 0 : -1;
}
