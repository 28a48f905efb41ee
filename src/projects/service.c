/*
** The projects service: Fuzhou's approval catalogue in an empty database,
** and demo data — a few dozen major projects across the districts in every
** stage, some of them late, so every page has something true to show.
** Lights need no timer: each is stored as the instants it turns yellow and
** red (see 0006_projects.sql).
*/
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/credit_code.h"
#include "org/org.h"
#include "projects/projects.h"

static const struct demo_project {
	const char *name, *district, *industry, *level;
	int investment_wan;
} demo_projects[] = {
    {"京东方第6代柔性AMOLED生产线", "350181", "显示面板", "provincial", 4650000},
    {"福耀玻璃汽车玻璃技改扩能", "350181", "汽车玻璃", "municipal", 220000},
    {"新大陆物联网产业园二期", "350102", "数字技术", "municipal", 180000},
    {"源联盛医用防护用品生产线", "350123", "医疗器械", "ordinary", 3500},
    {"晋安东部水系综合治理(29条河道)", "350111", "水利", "provincial", 460000},
    {"滨海新城综合医院", "350112", "医疗卫生", "provincial", 520000},
    {"长乐数字经济产业园", "350112", "数字技术", "municipal", 300000},
    {"马尾船政文化城", "350105", "文化旅游", "municipal", 150000},
    {"马尾物联网基地三期", "350105", "数字技术", "municipal", 98000},
    {"仓山万达二期商业综合体", "350104", "商贸", "ordinary", 120000},
    {"台江上下杭保护提升", "350103", "文化旅游", "municipal", 86000},
    {"闽侯高新区生物医药产业园", "350121", "生物医药", "provincial", 360000},
    {"闽侯南通新材料产业基地", "350121", "新材料", "municipal", 140000},
    {"连江可门港经济区不锈钢深加工", "350122", "冶金", "provincial", 410000},
    {"连江海洋渔业冷链物流中心", "350122", "物流", "ordinary", 45000},
    {"罗源湾钢铁配套码头", "350123", "港口", "municipal", 260000},
    {"闽清陶瓷产业转型升级园", "350124", "建材", "ordinary", 60000},
    {"永泰生态康养度假区", "350125", "文化旅游", "ordinary", 75000},
    {"平潭国际旅游岛综合客运枢纽", "350128", "交通", "provincial", 380000},
    {"福清元洪国际食品产业园", "350181", "食品", "municipal", 210000},
    {"福清江阴化工新材料专区项目", "350181", "化工", "provincial", 900000},
    {"晋安新店片区安置房", "350111", "房地产", "ordinary", 130000},
    {"晋安光明港公园提升", "350111", "市政", "ordinary", 42000},
    {"鼓楼软件园F区", "350102", "软件", "municipal", 110000},
    {"长乐国际机场二期扩建配套", "350112", "交通", "provincial", 1200000},
    {"仓山上渡科技园", "350104", "数字技术", "ordinary", 66000},
    {"马尾琅岐生态岛道路工程", "350105", "交通", "ordinary", 54000},
    {"闽侯大学城配套学校", "350121", "教育", "ordinary", 38000},
    {"平潭海峡大桥配套物流园", "350128", "物流", "municipal", 170000},
    {"永泰抽水蓄能电站", "350125", "能源", "provincial", 850000},
};

/* Which stage the i-th demo project is in, and how far its approvals have got. */
static const char *demo_stage(size_t i)
{
	return i % 6 == 4 ? "operating" : i % 6 == 3 ? "completed" : i % 6 == 2 || i % 6 == 5 ? "construction" : "approvals";
}

/* Milestone targets as a project of this stage and age would have them. */
static void demo_targets(const char *stage, int32_t created, int32_t today, bool late, int i,
                         int32_t ret[MILESTONE_COUNT])
{
	if (strcmp(stage, "approvals") == 0) {
		int32_t start = today + (late ? 5 : 60 + i * 11 % 60);
		ret[0] = start, ret[1] = start + 200, ret[2] = start + 420, ret[3] = start + 480;
	} else if (strcmp(stage, "construction") == 0) {
		ret[0] = created + 150, ret[1] = today + (late ? -10 : 60), ret[2] = today + 200, ret[3] = today + 260;
	} else if (strcmp(stage, "completed") == 0) {
		ret[0] = created + 150, ret[1] = created + 300, ret[2] = today - 30, ret[3] = today + (late ? -5 : 45);
	} else {
		ret[0] = created + 100, ret[1] = created + 200, ret[2] = created + 300, ret[3] = created + 360;
	}
}

/* How many milestones a project of this stage has reached. */
static int demo_reached(const char *stage)
{
	return strcmp(stage, "approvals") == 0 ? 0 : strcmp(stage, "construction") == 0 ? 1
	       : strcmp(stage, "completed") == 0 ? 3 : 4;
}

/* Mark the first `done` items (catalogue order) done, the next accepted, as an agency would have seen them. */
static int demo_progress(struct db *d, int64_t project, int64_t since, int done, int64_t now, bool slow)
{
	struct db_stmt *s;
	int rc = db_prepare(d, &s,
	                    "SELECT i.id, i.limit_days, i.limit_hours FROM project_items i"
	                    " JOIN approval_items a ON a.code = i.item_code WHERE i.project_id = ? ORDER BY a.sort",
	                    "i", project);
	int64_t ids[64], t = since;
	int limits[64], hours[64], n = 0;
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW && n < 64) {
		ids[n] = db_column_int64(s, 0);
		limits[n] = (int)db_column_int64(s, 1);
		hours[n++] = (int)db_column_int64(s, 2);
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	const struct calendar *cal = calendar_china();
	rc = 0;
	for (int i = 0; rc == 0 && i < n && i <= done; i++) {
		int32_t start = calendar_add_working_days(cal, clock_local_day(t), 1);
		int took = hours[i] ? 0 : slow && i % 3 == 0 ? limits[i] + 2 : limits[i] * 2 / 3;
		int64_t finish = hours[i] ? clock_local_midnight(start) + 10 * 3600
		                          : clock_local_midnight(calendar_add_working_days(cal, start, took)) + 16 * 3600;
		bool under_way = i == done || finish > now;
		if (under_way && start < clock_local_day(now) - 1) /* the one in hand came in yesterday */
			start = clock_local_day(now) - 1;
		int64_t from = clock_local_midnight(start) + 9 * 3600;
		int64_t due = hours[i] ? from + hours[i] * 3600
		                       : clock_local_midnight(calendar_add_working_days(cal, start, limits[i]) + 1);
		if (under_way)
			rc = db_run(d, "UPDATE project_items SET status = 'accepted', accepted_at = ?1, clock_from = ?1, due_at = ?2 WHERE id = ?3",
			            "iii", from, due, ids[i]);
		else
			rc = db_run(d,
			            "UPDATE project_items SET status = 'done', accepted_at = ?1, clock_from = ?1, done_at = ?2,"
			            " working_days = ?3, on_time = ?4 WHERE id = ?5",
			            "iiiii", from, finish, (int64_t)took, (int64_t)(finish <= due), ids[i]);
		if (under_way)
			break;
		t = finish;
	}
	return rc;
}

/* What every demo project is made with. */
struct demo_context {
	struct db *d;
	struct arena *a;
	int64_t now, agent, official;
	const char *agent_name;
	int32_t today;
	int64_t items_total, gated[MILESTONE_COUNT + 1]; /* gated[k]: items done before the k-th milestone is passed */
};

/*
** A second plan that pushes the project's unreached targets back by `days`,
** as an agent relaxes them (放宽目标) when land approval runs late.
*/
static int demo_relax(struct demo_context *c, int64_t project, const int32_t targets[MILESTONE_COUNT], int days)
{
	struct target_relaxation x = {.project_id = project, .made_by = c->agent, .at = c->now, .actor = c->agent_name,
	                              .version = 2};
	int rc = project_targets_current(c->d, project, x.before);
	x.light_before = project_light_now(c->d, project, c->now);
	int32_t moved[MILESTONE_COUNT];
	for (int g = 0; g < MILESTONE_COUNT; g++)
		moved[g] = targets[g] + (x.before[g] == PLAN_NO_DAY ? 0 : days);
	if (rc == 0)
		rc = project_targets_set(c->d, project, moved);
	if (rc == 0)
		rc = db_run(c->d,
		            "INSERT INTO project_plans(project_id, version, target_start, target_structure, target_complete,"
		            " target_produce, feasible, shortfall_days, items, reason, made_by, made_at)"
		            " VALUES (?, 2, ?, ?, ?, ?, 1, 0, '[]', '用地报批滞后,节点目标顺延', ?, ?)",
		            "iiiiiii", project, (int64_t)moved[0], (int64_t)moved[1], (int64_t)moved[2], (int64_t)moved[3],
		            c->agent, c->now);
	if (rc == 0)
		rc = db_run(c->d, "UPDATE projects SET plan_version = 2 WHERE id = ?", "i", project);
	if (rc == 0)
		rc = project_recompute(c->d, project, c->now, NULL);
	if (rc == 0)
		rc = project_targets_current(c->d, project, x.after);
	x.light_after = project_light_now(c->d, project, c->now);
	return rc == 0 ? project_relaxation_record(c->d, &x, NULL) : rc;
}

/*
** The i-th demo project, in this stage: its items, targets, progress, plan,
** follow-ups, inspections and (when late) a problem.  enterprise 0 makes
** one for it; lead (0: none) is the investment lead it came from.
*/
static int demo_project_add(struct demo_context *c, const struct demo_project *p, size_t i, const char *stage,
                            int64_t enterprise, int64_t lead)
{
	struct db *d = c->d;
	int64_t now = c->now, agent = c->agent;
	int32_t today = c->today;
	bool approvals = strcmp(stage, "approvals") == 0, late = i % 4 == 0;
	int age = approvals ? 40 + (int)(i * 7 % 90) : 400 + (int)(i * 37 % 500);
	int32_t created = today - age;
	char credit[19], code[25];
	snprintf(code, sizeof code, "%d-%s-%02zu-03-%06zu", 2020 + (int)(i % 3), p->district, 10 + i % 80, 1000 + i);
	int rc = 0;
	if (!enterprise) {
		snprintf(credit, sizeof credit, "91%sMA2P%05zu", p->district, 100 + i);
		credit[17] = credit_code_check_char(credit);
		credit[18] = 0;
		rc = db_run(d,
		            "INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone, "
		            "created_at)"
		            " SELECT ?, ?, id, ?, '项目联系人', '0591-87000000', ? FROM orgs WHERE code = ?",
		            "tttit", arena_printf(c->a, "%s项目公司", p->name), credit, p->industry, now, p->district);
		enterprise = db_last_insert_id(d);
	}
	int64_t district = 0, project;
	if (rc == 0)
		rc = db_query_int64(d, &district, "SELECT id FROM orgs WHERE code = ?", "t", p->district);
	if (rc == 0)
		rc = db_run(
		    d,
		    "INSERT INTO projects(code, name, enterprise_id, district_org_id, industry, investment_wan, level,"
		    " agent_id, official_id, stage, query_code, created_on, plan_version, created_at, updated_at, "
		    "lead_ref)"
		    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?, CAST(NULLIF(?, 0) AS TEXT))",
		    "ttiititiittiiii", code, p->name, enterprise, district, p->industry, (int64_t)p->investment_wan,
		    p->level, agent, c->official, stage, arena_printf(c->a, "DEMO%04zu", i), (int64_t)created,
		    clock_local_midnight(created), clock_local_midnight(created), lead);
	project = db_last_insert_id(d);
	if (rc == 0 && lead)
		rc = db_run(d, "UPDATE leads SET project_id = ? WHERE id = ?", "ii", project, lead);
	if (rc == 0 && lead)
		rc = db_run(d,
		            "INSERT INTO lead_events(lead_id, at, actor_id, actor, kind, text) VALUES (?, ?, ?, 'demo',"
		            " 'project', ?)",
		            "iiit", lead, clock_local_midnight(created), agent, code);
	if (rc == 0)
		rc = project_items_set(d, project, district, NULL, true);
	/* Targets: a late project was promised a date it can no longer make, or has missed. */
	int32_t targets[MILESTONE_COUNT];
	demo_targets(stage, created, today, late, (int)i, targets);
	if (rc == 0)
		rc = project_targets_set(d, project, targets);
	/* Approvals under way, or every item gated on the milestones the project has passed. */
	int done = approvals ? (int)(c->items_total * (int64_t)(i % 5 + 1) / 7) : (int)c->gated[demo_reached(stage)];
	if (rc == 0)
		rc = demo_progress(d, project, clock_local_midnight(created), done, now, late);
	for (int g = 0; rc == 0 && g < demo_reached(stage); g++)
		rc = db_run(d, "UPDATE project_milestones SET actual = ? WHERE project_id = ? AND kind = ?", "iit",
		            (int64_t)(targets[g] + (late ? 3 : -2)), project, milestone_names[g]);
	if (rc == 0)
		rc = db_run(
		    d,
		    "INSERT INTO project_plans(project_id, version, target_start, target_structure, target_complete,"
		    " target_produce, feasible, shortfall_days, items, reason, made_by, made_at)"
		    " VALUES (?, 1, ?, ?, ?, ?, 1, 0, '[]', '初始计划', ?, ?)",
		    "iiiiiii", project, (int64_t)targets[0], (int64_t)targets[1], (int64_t)targets[2],
		    (int64_t)targets[3], agent, clock_local_midnight(created));
	if (rc == 0)
		rc = project_recompute(d, project, now, NULL);
	/* This month three plans were relaxed: two late projects turned green by it, one on time stayed green. */
	int relax_days = i == 0 ? 92 : i == 8 ? 61 : i == 6 ? 31 : 0;
	if (rc == 0 && relax_days)
		rc = demo_relax(c, project, targets, relax_days);
	if (rc == 0 && i % 3 == 0)
		rc = db_run(
		    d,
		    "INSERT INTO project_followups(project_id, agent_id, kind, happened_on, summary, next_action,"
		    " next_due, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    "iitittii", project, agent, i % 2 ? "online" : "visit", (int64_t)(today - 10),
		    "现场了解审批进展与用地、用电需求", "协调施工图审查与消防设计审查并联办理",
		    (int64_t)(today + (late ? -2 : 5)), now);
	if (rc == 0 && strcmp(stage, "operating") == 0)
		rc = db_run(d,
		            "INSERT INTO project_inspections(project_id, title, due, every_days, created_at)"
		            " VALUES (?, '长效运维巡查', ?, 30, ?)",
		            "iii", project, (int64_t)(today + (late ? -3 : 12)), now);
	if (rc == 0 && late)
		rc =
		    db_run(d,
		           "INSERT INTO problems(enterprise_id, category, title, description, project_ref, raised_by,"
		           " district_org_id, department_org_id, status, accept_due, answer_due, solve_due, created_at,"
		           " updated_at) SELECT ?1, 'land', '项目用地报批进度滞后', '代办员跟踪服务中收集', ?2, ?3, ?4,"
		           " (SELECT id FROM orgs WHERE code = '350100-zrzy'), 'submitted', ?5 + 86400, ?5 + 5 * 86400,"
		           " ?5 + 20 * 86400, ?5, ?5",
		           "itiii", enterprise, code, agent, district, now - 3 * 86400);
	return rc;
}

static int projects_demo(const char *db_path)
{
	struct db *d;
	if (db_open(db_path, &d) < 0)
		return -1;
	struct demo_context c = {.d = d, .a = arena_new(), .now = clock_now()};
	c.today = clock_local_day(c.now);
	int rc = c.a ? projects_seed_catalogue(d) : DB_ERROR;
	if (rc == 0)
		rc = db_begin(d);
	if (rc == 0)
		rc = db_query_int64(d, &c.agent, "SELECT id FROM users WHERE username = 'city-agent'", NULL);
	if (rc == 0)
		rc = db_query_int64(d, &c.official, "SELECT id FROM users WHERE username = 'city-leader'", NULL);
	struct db_stmt *who;
	if (rc == 0 && (rc = db_prepare(d, &who, "SELECT display_name FROM users WHERE id = ?", "i", c.agent)) == 0) {
		c.agent_name = db_step(who) == DB_ROW ? arena_strdup(c.a, db_column_text(who, 0)) : "代办员";
		db_finalize(who);
	}
	for (int g = 0; rc == 0 && g < MILESTONE_COUNT; g++)
		rc = db_query_int64(d, &c.gated[g + 1],
		                    "SELECT count(*) FROM approval_items WHERE active = 1 AND gate IN (?, ?, ?, ?)",
		                    "tttt", milestone_names[0], milestone_names[g > 0 ? 1 : 0],
		                    milestone_names[g > 1 ? 2 : 0], milestone_names[g > 2 ? 3 : 0]);
	c.items_total = c.gated[MILESTONE_COUNT];
	size_t n = sizeof demo_projects / sizeof demo_projects[0];
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = demo_project_add(&c, &demo_projects[i], i, demo_stage(i), 0, 0);
	/*
	** The investment demo's leads whose work has started or whose plant
	** produces became major projects, as POST /invest/leads/{id}/project
	** makes them: building, or in operation.
	*/
	struct db_stmt *s = NULL;
	if (rc == 0)
		rc = db_prepare(d, &s,
		                "SELECT l.id, l.title, o.code, l.industry, l.investment_wan, l.enterprise_id, l.stage"
		                " FROM leads l JOIN orgs o ON o.id = l.owner_org_id"
		                " WHERE l.stage IN ('started', 'producing') AND l.project_id IS NULL AND "
		                "l.enterprise_id IS NOT NULL"
		                " ORDER BY l.id",
		                NULL);
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		struct demo_project p = {.name = arena_strdup(c.a, db_column_text(s, 1)),
		                         .district = arena_strdup(c.a, db_column_text(s, 2)),
		                         .industry = arena_strdup(c.a, db_column_text(s, 3)),
		                         .level = db_column_int64(s, 4) >= 100000 ? "municipal" : "ordinary",
		                         .investment_wan = (int)db_column_int64(s, 4)};
		const char *stage = strcmp(db_column_text(s, 6), "producing") == 0 ? "operating" : "construction";
		rc = demo_project_add(&c, &p, n++, stage, db_column_int64(s, 5), db_column_int64(s, 0));
	}
	db_finalize(s);
	if (rc == DB_DONE)
		rc = 0;
	if (rc == 0)
		rc = green_demo(d, c.now);
	if (rc == 0)
		rc = db_commit(d);
	else if (db_in_transaction(d))
		db_rollback(d);
	arena_free(c.a);
	db_close(d);
	return rc < 0 ? -1 : 0;
}

/*
** SERVICE: projects
** SUMMARY: 重大项目云代办:审批事项目录 Fuzhou's approval catalogue in a new database
*/
int projects_service(enum service_phase phase, const char *db_path)
{
	if (phase == SERVICE_DEMO)
		return projects_demo(db_path);
	if (phase == SERVICE_STOP)
		return 0;
	struct db *d;
	if (db_open(db_path, &d) < 0)
		return -1;
	int rc = projects_seed_catalogue(d);
	db_close(d);
	return rc < 0 ? -1 : 0;
}
