/*
** The resumption demo, made after the other domains' (cmd_demo): the
** municipal road project's story of 2020.  Its site stopped for the Spring
** Festival and did not restart on 31 January (the first working day after
** the holiday as first announced); 320 workers were brought back point to
** point by bus from 10 February, and it was the first in the city to
** resume, on 20 February, with the highest arrival rate; working every
** weekend and the Qingming holiday with a full crew to the end of April,
** it won back 20 working days.  Eight of the desk's enterprises resumed
** later and less fully, so the ranking and the bulletin have something to
** compare; one waited for its workers until 16 March.
*/
#include <stdio.h>

#include "core/clock.h"
#include "core/credit_code.h"
#include "projects/projects.h"

/* A day of 2020 by month and day. */
static int32_t day_2020(int m, int d)
{
	char text[11];
	int32_t day = 0;
	snprintf(text, sizeof text, "2020-%02d-%02d", m, d);
	clock_parse_date(text, &day);
	return day;
}

static int road_project(struct db *d, int64_t now, int64_t *ret_project, int64_t *ret_enterprise, int64_t *ret_org)
{
	char credit[19];
	snprintf(credit, sizeof credit, "91350104MA2R%05d", 20);
	credit[17] = credit_code_check_char(credit);
	credit[18] = 0;
	int rc = db_query_int64(d, ret_org, "SELECT id FROM orgs WHERE code = '350104'", NULL);
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone,"
		            " created_at) VALUES ('福州市城市建设投资集团有限公司', ?, ?, '市政道路', '项目联系人',"
		            " '0591-87000020', ?)",
		            "tii", credit, *ret_org, now);
	*ret_enterprise = db_last_insert_id(d);
	int32_t created = day_2020(1, 1) - 200;
	if (rc == 0)
		rc = db_run(
		    d,
		    "INSERT INTO projects(code, name, enterprise_id, district_org_id, industry, investment_wan, level,"
		    " agent_id, official_id, stage, query_code, created_on, plan_version, created_at, updated_at)"
		    " SELECT '2019-350104-48-01-000920', '福州市南江滨西大道延伸段道路工程', ?1, ?2, '市政道路',"
		    " 186000, 'municipal', a.id, l.id, 'construction', 'DEMOROAD', ?3, 1, ?4, ?4"
		    " FROM users a, users l WHERE a.username = 'city-agent' AND l.username = 'city-leader'",
		    "iiii", *ret_enterprise, *ret_org, (int64_t)created, clock_local_midnight(created));
	*ret_project = db_last_insert_id(d);
	/* The plan: started in September 2019, to be finished at the end of 2020. */
	const int32_t targets[MILESTONE_COUNT] = {day_2020(1, 1) - 122, day_2020(6, 30), day_2020(12, 31), PLAN_NO_DAY};
	if (rc == 0)
		rc = project_targets_set(d, *ret_project, targets);
	if (rc == 0)
		rc = db_run(d, "UPDATE project_milestones SET actual = target WHERE project_id = ? AND kind = 'start'",
		            "i", *ret_project);
	if (rc == 0)
		rc = project_recompute(d, *ret_project, now, NULL);
	return rc;
}

static int record(struct db *d, int64_t project, int64_t enterprise, int64_t org, int32_t stopped, int32_t resumed,
                  int64_t needed, int64_t actor, int64_t now, int64_t *ret)
{
	int rc =
	    db_run(d,
	           "INSERT INTO resumptions(project_id, enterprise_id, district_org_id, stopped_on, resumed_on,"
	           " workforce_needed, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
	           "riiiiiiii", project, enterprise, org, (int64_t)stopped, (int64_t)resumed, needed, actor, now, now);
	*ret = db_last_insert_id(d);
	return rc;
}

static int day(struct db *d, int64_t id, int32_t on, int64_t on_site, int64_t p2p, int64_t charter, int64_t own,
               int64_t actor, int64_t now)
{
	return db_run(
	    d,
	    "INSERT INTO resumption_days(resumption_id, day, on_site, back_point_to_point, back_charter, back_own,"
	    " recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?)",
	    "iiiiiiii", id, (int64_t)on, on_site, p2p, charter, own, actor, now);
}

int resumption_demo(const char *db_path)
{
	struct db *d;
	if (db_open(db_path, &d) < 0)
		return -1;
	int64_t now = clock_now(), agent = 0, project = 0, owner = 0, cangshan = 0, road = 0;
	int rc = db_begin(d);
	if (rc == 0)
		rc = db_query_int64(d, &agent, "SELECT id FROM users WHERE username = 'city-agent'", NULL);
	if (rc == 0)
		rc = road_project(d, now, &project, &owner, &cangshan);
	int32_t stopped = day_2020(1, 31), resumed = day_2020(2, 20), last = day_2020(4, 30);
	if (rc == 0)
		rc = record(d, project, owner, cangshan, stopped, resumed, 320, agent, now, &road);
	static const char *const all_measures[] = {"temperature", "health_record",  "masks", "disinfection",
	                                           "closed_site", "isolation_room", "meals", "contingency"};
	for (size_t i = 0; rc == 0 && i < sizeof all_measures / sizeof all_measures[0]; i++)
		rc = db_run(d, "INSERT INTO resumption_measures VALUES (?, ?)", "it", road, all_measures[i]);
	/* Brought back by bus from 四川, 贵州 and 江西, and 14 days' watch before work. */
	if (rc == 0)
		rc = day(d, road, day_2020(2, 6), 0, 168, 0, 4, agent, now);
	if (rc == 0)
		rc = day(d, road, day_2020(2, 10), 0, 124, 0, 6, agent, now);
	if (rc == 0)
		rc = day(d, road, day_2020(2, 14), 0, 16, 0, 2, agent, now);
	for (int32_t on = resumed; rc == 0 && on <= last; on++)
		rc = day(d, road, on, on == resumed ? 312 : 320, 0, 0, 0, agent, now);
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO project_events(project_id, at, actor_id, actor, kind, text)"
		            " VALUES (?, ?, ?, 'demo', 'resumption', '点对点专车接回工人,全市最早复工')",
		            "iii", project, clock_local_midnight(resumed) + 8 * 3600, agent);
	/* The desk's enterprises that own no project: later, and less full. */
	static const struct {
		int month, day;      /* resumed; 0: waited */
		int64_t needed, pct; /* on site: pct of needed */
		int64_t charter;
	} others[] = {{2, 24, 180, 92, 60}, {2, 25, 420, 88, 120}, {2, 27, 95, 85, 0}, {3, 2, 260, 80, 80},
	              {3, 2, 60, 75, 0},    {3, 9, 140, 70, 40},   {3, 16, 75, 66, 0}, {3, 16, 230, 61, 90}};
	struct db_stmt *s = NULL;
	if (rc == 0)
		rc = db_prepare(d, &s,
		                "SELECT e.id, e.org_id FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM projects p"
		                " WHERE p.enterprise_id = e.id) ORDER BY e.id LIMIT 8",
		                NULL);
	for (size_t i = 0; rc >= 0 && (rc = db_step(s)) == DB_ROW; i++) {
		int64_t id = 0, needed = others[i].needed;
		int32_t from = day_2020(others[i].month, others[i].day);
		rc = record(d, 0, db_column_int64(s, 0), db_column_int64(s, 1), stopped, from, needed, agent, now, &id);
		if (rc == 0)
			rc = db_run(d, "INSERT INTO resumption_measures VALUES (?, 'temperature'), (?, 'masks')", "ii",
			            id, id);
		if (rc == 0)
			rc = day(d, id, from - 3, 0, 0, others[i].charter, needed / 3, agent, now);
		for (int32_t on = from; rc == 0 && on <= from + 20; on++)
			rc = day(d, id, on, needed * others[i].pct / 100, 0, 0, 0, agent, now);
	}
	db_finalize(s);
	if (rc == DB_DONE)
		rc = 0;
	if (rc == 0)
		rc = db_commit(d);
	else if (db_in_transaction(d))
		db_rollback(d);
	if (rc != 0)
		fprintf(stderr, "resumption demo: %s\n", db_errmsg(d));
	db_close(d);
	return rc == 0 ? 0 : -1;
}
