/*
** The packages' demo, made after the projects' (cmd_demo): the city's six
** water-system packages (水系治理项目包).  Jin'an East (晋安东区水系, the
** largest) took its 29 rivers into operation with its licence 120 days ago:
** a regime of four checks inspected on time since, but the sluices and pumps
** not for 20 days (every 14: overdue, red), a pump down on one river (a
** major defect, so 28 of 29 run normally), a minor defect open and two fixed.
** 鼓台城区 is in operation too, a check falling due in two days (yellow);
** the other four are still being built, their progress rolled up from the
** rivers'.  Agent: city-agent.  Days are relative to today.
*/
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/credit_code.h"
#include "projects/packages.h"

static const char *const jinan_rivers[] = {
    "凤坂河", "磨洋河",     "化工河",     "光明港(晋安段)", "浦东河", "洋里河", "远洋河", "鳝溪",   "新店溪", "登云溪",
    "竹榄河", "牛浦河",     "魁岐河",     "东山溪",         "斗顶河", "秀峰河", "茶园河", "连潘河", "红星河", "陆庄河",
    "铜盘河", "凤坂一支河", "凤坂二支河", "鼓山溪",         "岳峰河", "前横河", "后横河", "福兴河", "象园河",
};

static const struct demo_package {
	const char *code, *name, *area, *district, *owner; /* owner NULL: the Jin'an East operator */
	int parts, investment_wan, progress_from; /* each part's progress starts here and steps up by 7 to 100 */
	int licensed_days_ago;                    /* 0: still being built */
} demo_packages[] = {
    {"SX-350111-E", "晋安东区水系治理项目包", "晋安东区", "350111", NULL, 29, 460000, 100, 120},
    {"SX-350102", "鼓楼台江城区水系治理项目包", "鼓台城区", "350102", "福州城区水系运维有限公司", 18, 380000, 100, 60},
    {"SX-350104", "仓山南台岛水系治理项目包", "南台岛", "350104", "福州仓山水系建设有限公司", 16, 300000, 62, 0},
    {"SX-350111-W", "晋安西区水系治理项目包", "晋安西区", "350111", "福州晋西水系建设有限公司", 12, 210000, 70, 0},
    {"SX-350105", "马尾水系治理项目包", "马尾", "350105", "福州马尾水系建设有限公司", 10, 150000, 45, 0},
    {"SX-350121", "高新区水系治理项目包", "高新区", "350121", "福州高新区水系建设有限公司", 9, 120000, 30, 0},
};

/* The regime: what is inspected, every so many days, and the days since it was last done. */
static const struct {
	const char *what;
	int every, last_done_ago;
} regime[] = {
    {"河道保洁与漂浮物巡查", 7, 2},
    {"水质监测(透明度、溶解氧、氨氮)", 30, 10},
    {"闸站泵站设备检查", 14, 20}, /* overdue */
    {"护岸及沿河绿化养护检查", 30, 5},
};

static int add_package(struct db *d, const struct demo_package *p, size_t n, int64_t agent, int64_t now, int32_t today,
                       int64_t *ret_id)
{
	int64_t owner = 0;
	int rc;
	if (p->owner) {
		char credit[19];
		snprintf(credit, sizeof credit, "91%sMA2W%05zu", p->district, 100 + n);
		credit[17] = credit_code_check_char(credit);
		credit[18] = 0;
		rc = db_run(
		    d,
		    "INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone,"
		    " created_at) SELECT ?, ?, id, '水务', '运维联系人', '0591-87100000', ? FROM orgs WHERE code = ?",
		    "ttit", p->owner, credit, now, p->district);
		owner = db_last_insert_id(d);
	} else {
		rc = db_query_int64(
		    d, &owner,
		    "SELECT coalesce((SELECT id FROM enterprises WHERE name = '晋安东部水系运维有限公司'),"
		    " (SELECT enterprise_id FROM projects WHERE name LIKE '晋安东部水系%'))",
		    NULL);
	}
	int32_t licensed = today - p->licensed_days_ago;
	if (rc == 0)
		rc = db_run(
		    d,
		    "INSERT INTO packages(code, name, kind, district_org_id, enterprise_id, agent_id, stage,"
		    " licence_number, licence_issuer, licence_on, created_at)"
		    " SELECT ?1, ?2, '水系治理', id, ?3, ?4, CASE WHEN ?5 > 0 THEN 'operating' ELSE 'construction' END,"
		    " CASE WHEN ?5 > 0 THEN 'FZSX-YY-' || ?1 END, CASE WHEN ?5 > 0 THEN '福州市城乡建设局' END,"
		    " CASE WHEN ?5 > 0 THEN ?6 END, ?7 FROM orgs WHERE code = ?8",
		    "ttiiiiit", p->code, p->name, owner, agent, (int64_t)p->licensed_days_ago, (int64_t)licensed, now,
		    p->district);
	int64_t id = db_last_insert_id(d), weights = 0, spread = 0;
	for (int i = 0; i < p->parts; i++)
		weights += 1 + i % 3;
	for (int i = 0; rc == 0 && i < p->parts; i++) {
		char name[64];
		if (p->owner)
			snprintf(name, sizeof name, "%s水系第%d段河道", p->area, i + 1);
		else
			snprintf(name, sizeof name, "%s", jinan_rivers[i]);
		int progress = p->progress_from + 7 * i;
		/* Parts differ in size: the investment is spread 1 : 2 : 3 over them in turn, the last taking what is left. */
		int64_t share =
		    i == p->parts - 1 ? p->investment_wan - spread : p->investment_wan * (1 + i % 3) / weights;
		spread += share;
		rc = db_run(d, "INSERT INTO package_parts(package_id, name, investment_wan, progress) VALUES (?,?,?,?)",
		            "itii", id, name, share, (int64_t)(progress > 100 ? 100 : progress));
	}
	*ret_id = id;
	return rc;
}

/* Jin'an East's 120 days in operation: each check done on time, in turn along the rivers, and its defects. */
static int jinan_upkeep(struct db *d, int64_t id, int64_t agent, int64_t now, int32_t today, int32_t licensed)
{
	int rc = 0;
	for (size_t c = 0; rc == 0 && c < sizeof regime / sizeof regime[0]; c++) {
		rc = db_run(d, "INSERT INTO package_checks(package_id, what, every_days, next_due) VALUES (?,?,?,?)",
		            "itii", id, regime[c].what, (int64_t)regime[c].every,
		            (int64_t)(today - regime[c].last_done_ago + regime[c].every));
		int64_t check = db_last_insert_id(d);
		int k = 0;
		for (int32_t day = today - regime[c].last_done_ago; rc == 0 && day > licensed;
		     day -= regime[c].every, k++)
			rc = db_run(
			    d,
			    "INSERT INTO package_inspections(package_id, check_id, part_id, done_on, finding, normal,"
			    " done_by, created_at)"
			    " SELECT ?1, ?2, (SELECT id FROM package_parts WHERE package_id = ?1 ORDER BY id"
			    " LIMIT 1 OFFSET ?3), ?4, ?5, 1, ?6, ?7",
			    "iiiitii", id, check, (int64_t)((k * 5 + (int)c * 7) % 29), (int64_t)day,
			    "运行正常,水面清洁,无异常", agent, now);
	}
	/* The defects: part (index of the river), what, severity, raised and due days ago, fixed days ago (-1: open). */
	static const struct {
		int part;
		const char *description, *severity;
		int raised_ago, due_ago, fixed_ago;
		const char *note;
	} defects[] = {
	    {1, "磨洋河2号泵站水泵故障,无法抽排", "major", 6, -4, -1, NULL},
	    {13, "东山溪右岸护栏松动约20米", "minor", 9, 2, -1, NULL},
	    {0, "凤坂河截污管溢流口堵塞", "major", 40, 33, 35, "已疏通并加装格栅"},
	    {7, "鳝溪沿岸绿化补植", "minor", 70, 50, 55, "补植完成"},
	};
	for (size_t i = 0; rc == 0 && i < sizeof defects / sizeof defects[0]; i++)
		rc = db_run(
		    d,
		    "INSERT INTO package_defects(package_id, part_id, description, severity, raised_on, due_on,"
		    " state, fixed_on, fix_note, raised_by, fixed_by)"
		    " SELECT ?1, (SELECT id FROM package_parts WHERE package_id = ?1 ORDER BY id LIMIT 1 OFFSET ?2),"
		    " ?3, ?4, ?5, ?6, CASE WHEN ?7 >= 0 THEN 'fixed' ELSE 'open' END,"
		    " CASE WHEN ?7 >= 0 THEN ?8 - ?7 END, ?9, ?10, CASE WHEN ?7 >= 0 THEN ?10 END",
		    "iittiiiiti", id, (int64_t)defects[i].part, defects[i].description, defects[i].severity,
		    (int64_t)(today - defects[i].raised_ago), (int64_t)(today - defects[i].due_ago),
		    (int64_t)defects[i].fixed_ago, (int64_t)today, defects[i].note, agent);
	return rc;
}

int packages_demo(const char *db_path)
{
	struct db *d;
	if (db_open(db_path, &d) < 0)
		return -1;
	int64_t now = clock_now(), agent = 0;
	int32_t today = clock_local_day(now);
	int rc = db_begin(d);
	if (rc == 0)
		rc = db_query_int64(d, &agent, "SELECT id FROM users WHERE username = 'city-agent'", NULL);
	for (size_t i = 0; rc == 0 && i < sizeof demo_packages / sizeof demo_packages[0]; i++) {
		const struct demo_package *p = &demo_packages[i];
		int64_t id = 0;
		rc = add_package(d, p, i, agent, now, today, &id);
		if (rc == 0 && i == 0)
			rc = jinan_upkeep(d, id, agent, now, today, today - p->licensed_days_ago);
		if (rc == 0 && p->licensed_days_ago && i > 0) /* in operation, one check falling due in two days */
			rc = db_run(d,
			            "INSERT INTO package_checks(package_id, what, every_days, next_due) VALUES "
			            "(?,?,?,?), (?,?,?,?)",
			            "itiiitii", id, regime[0].what, (int64_t)7, (int64_t)(today + 2), id,
			            regime[1].what, (int64_t)30, (int64_t)(today + 20));
	}
	if (rc == 0)
		rc = db_commit(d);
	else
		db_rollback(d);
	if (rc != 0)
		fprintf(stderr, "packages demo: %s\n", db_errmsg(d));
	db_close(d);
	return rc == 0 ? 0 : -1;
}
