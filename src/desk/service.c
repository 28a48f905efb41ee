/*
** The desk's service: default routing rules for Fuzhou, and escalation
** that happens by itself while the server runs — a late problem climbs
** from its department to the district's leadership, and two working days
** later to the city — not only when someone looks.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/credit_code.h"
#include "core/log.h"
#include "desk/desk.h"
#include "desk/snapshot.h"
#include "http/cluster.h"
#include "org/org.h"

/* City-wide departments by category, and what a district's own bureaus take. */
static const struct {
	const char *category, *city, *district_suffix;
} default_routes[] = {
    {"land", "350100-zrzy", NULL},        {"financing", "350100-fgw", "fgj"}, {"labour", "350100-rsj", "rsj"},
    {"approvals", "350100-xzfw", "xzfw"}, {"utilities", "350100-fgw", "fgj"}, {"policy", "350100-fgw", "fgj"},
    {"other", "350100-tcj", "tcj"},
};

/* In an empty routing table, put the defaults for whatever organisations exist. */
static int seed_routes(struct db *d)
{
	/* Counted inside the write transaction: nodes starting side by side seed once. */
	int64_t n = 0;
	int rc = db_begin(d);
	if (rc == 0)
		rc = db_query_int64(d, &n, "SELECT count(*) FROM problem_routes", NULL);
	if (rc == 0 && n > 0) {
		db_rollback(d);
		return 0;
	}
	for (size_t i = 0; rc == 0 && i < sizeof default_routes / sizeof default_routes[0]; i++) {
		rc = db_run(d,
		            "INSERT INTO problem_routes(category, district_org_id, department_org_id)"
		            " SELECT ?1, NULL, id FROM orgs WHERE code = ?2",
		            "tt", default_routes[i].category, default_routes[i].city);
		if (rc == 0 && default_routes[i].district_suffix)
			rc = db_run(d,
			            "INSERT INTO problem_routes(category, district_org_id, department_org_id)"
			            " SELECT ?1, d.id, b.id FROM orgs d JOIN orgs b ON b.code = d.code || '-' || ?2"
			            " WHERE d.kind = 'district'",
			            "tt", default_routes[i].category, default_routes[i].district_suffix);
	}
	if (rc < 0) {
		db_rollback(d);
		return rc;
	}
	return db_commit(d);
}

int desk_escalate(struct db *d, int64_t now)
{
	/* Level 1 once the deadline that applies has passed; level 2 two working days later. */
	struct db_stmt *s;
	int rc = db_prepare(
	    d, &s,
	    "SELECT p.id, p.escalation, CASE p.status WHEN 'submitted' THEN p.accept_due ELSE p.answer_due END,"
	    " o.path FROM problems p JOIN orgs o ON o.id = p.district_org_id"
	    " WHERE p.status IN ('submitted', 'accepted', 'in_progress') AND p.escalation < 2"
	    " AND CASE p.status WHEN 'submitted' THEN p.accept_due ELSE p.answer_due END < ?",
	    "i", now);
	if (rc < 0)
		return rc;
	struct late {
		int64_t id, level;
		char path[256];
	} *late = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t due = db_column_int64(s, 2);
		int32_t second = calendar_add_working_days(calendar_china(), clock_local_day(due), 2);
		int64_t level = now > clock_local_midnight(second + 1) - 1 ? 2 : 1;
		if (level <= db_column_int64(s, 1))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct late *grown = realloc(late, cap * sizeof *grown);
			if (!grown) {
				rc = DB_ERROR;
				break;
			}
			late = grown;
		}
		late[n].id = db_column_int64(s, 0);
		late[n].level = level;
		snprintf(late[n].path, sizeof late[n].path, "%s", db_column_text(s, 3));
		n++;
	}
	db_finalize(s);
	if (rc < 0 && rc != DB_DONE) {
		free(late);
		return rc;
	}
	rc = n ? db_begin(d) : 0;
	struct audit_context ctx = audit_context_shell();
	ctx.actor = "system";
	for (size_t i = 0; rc == 0 && i < n; i++) {
		static const char *const to[] = {"", "区县领导", "市级"};
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)late[i].id);
		rc = db_run(d, "UPDATE problems SET escalation = ?, updated_at = ? WHERE id = ?", "iii", late[i].level,
		            now, late[i].id);
		if (rc == 0)
			rc = db_run(d,
			            "INSERT INTO problem_events(problem_id, at, actor_id, actor, kind, text) VALUES "
			            "(?,?,0,'system','escalate',?)",
			            "iit", late[i].id, now, to[late[i].level]);
		if (rc == 0) {
			json_t *detail = json_pack("{s:I}", "level", (json_int_t)late[i].level);
			rc = audit_append(d, &ctx, "problem.escalate", "problem", id, late[i].path, detail);
			json_decref(detail);
		}
		if (rc == 0) {
			json_t *data = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)late[i].id, "status", "escalated",
			                         "level", (json_int_t)late[i].level);
			events_publish("desk.problem", late[i].path, data);
			json_decref(data);
		}
	}
	if (n && rc == 0)
		rc = db_commit(d);
	else if (n)
		db_rollback(d);
	free(late);
	return rc < 0 ? rc : (int)n;
}

/*
** A demo problem's life so far, as the routes would have written it: the
** times it was accepted, answered and closed (0: not yet) with an event for
** each step, so that the statistics' medians and on-time figures have
** something true to count.
*/
struct demo_life {
	int64_t accepted, answered, closed;
	int rating; /* 0: none */
};

/* h hours after at, or 0 (not yet) for 0 hours. */
static int64_t hours_after(int64_t at, int h)
{
	return h ? at + (int64_t)h * 3600 : 0;
}

static int demo_problem_life(struct db *d, int64_t problem, int64_t officer, const struct demo_life *l)
{
	static const struct {
		const char *kind, *from, *to, *text;
	} steps[] = {
	    {"accept", "submitted", "accepted", NULL},
	    {"start", "accepted", "in_progress", NULL},
	    {"answer", "in_progress", "answered", "已协调相关部门,办理意见已答复企业"},
	    {"confirm", "answered", "closed", "企业确认问题已解决"},
	};
	/* Work starts an hour after acceptance. */
	int64_t at[] = {l->accepted, l->accepted ? l->accepted + 3600 : 0, l->answered, l->closed};
	int rc = db_run(d,
	                "UPDATE problems SET accepted_at = NULLIF(?1, 0), answered_at = NULLIF(?2, 0),"
	                " closed_at = NULLIF(?3, 0), rating = NULLIF(?4, 0) WHERE id = ?5",
	                "iiiIi", l->accepted, l->answered, l->closed, l->rating, problem);
	for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof steps[0] && at[i]; i++)
		rc = db_run(
		    d,
		    "INSERT INTO problem_events(problem_id, at, actor_id, actor, kind, from_status, to_status, text)"
		    " VALUES (?, ?, ?, 'jinan-officer', ?, ?, ?, ?)",
		    "iiitttt", problem, at[i], officer, steps[i].kind, steps[i].from, steps[i].to, steps[i].text);
	return rc;
}

/*
** Demo data: enterprises in several districts and problems in every state,
** some of them late, so the inboxes and lights have something true to show.
** Each problem's life is given in hours after it was raised: accepted (due
** within a day), answered (due within 5 days) and closed; 0 is not yet.
** Three are answered, two of them on time; two are rated.
*/
static int desk_demo(const char *db_path)
{
	static const struct {
		const char *name, *credit17, *district, *industry;
	} firms[] = {
	    {"福建省源联盛医疗器械有限公司", "91350123MA2YL0001", "350123", "医疗器械"},
	    {"福州京东方光电科技有限公司", "91350181MA2JD0001", "350181", "显示面板"},
	    {"福耀玻璃工业集团股份有限公司", "91350181MA2FY0001", "350181", "汽车玻璃"},
	    {"新大陆数字技术股份有限公司", "91350102MA2XD0001", "350102", "数字技术"},
	    {"福州万达广场商业管理有限公司", "91350104MA2WD0001", "350104", "商业"},
	    {"晋安东部水系运维有限公司", "91350111MA2DB0001", "350111", "水务"},
	};
	static const struct {
		int firm;
		const char *category, *title, *status;
		int days_ago, accepted_h, answered_h, closed_h, rating;
	} problems[] = {
	    {0, "approvals", "口罩生产线设立登记与营业执照", "closed", 200, 3, 96, 144, 5},
	    {0, "labour", "复工复产缺熟练工 80 人", "answered", 6, 20, 72, 0, 0},
	    {1, "land", "二期项目用地报批", "in_progress", 12, 30, 0, 0, 0},
	    {1, "utilities", "工业用电增容", "submitted", 4, 0, 0, 0, 0},
	    {2, "financing", "技改贷款贴息申请", "accepted", 3, 5, 0, 0, 0},
	    {3, "policy", "数字经济扶持政策兑现", "submitted", 0, 0, 0, 0, 0},
	    {4, "other", "商场客流恢复与消费券核销对接", "in_progress", 2, 2, 0, 0, 0},
	    {5, "approvals", "东部水系 29 条河道移交运维手续", "submitted", 9, 0, 0, 0, 0},
	    {5, "utilities", "泵站供电线路改造", "closed", 60, 10, 168, 216, 3},
	};
	struct db *d;
	if (db_open(db_path, &d) < 0)
		return -1;
	int rc = seed_routes(d);
	int64_t now = clock_now(), user = 0;
	if (rc == 0)
		rc = db_query_int64(d, &user, "SELECT id FROM users WHERE username = 'jinan-officer'", NULL);
	if (rc == 0)
		rc = db_begin(d);
	int64_t ids[sizeof firms / sizeof firms[0]];
	for (size_t i = 0; rc == 0 && i < sizeof firms / sizeof firms[0]; i++) {
		char code[19];
		snprintf(code, sizeof code, "%s", firms[i].credit17);
		code[17] = credit_code_check_char(code);
		code[18] = 0;
		rc = db_run(d,
		            "INSERT INTO enterprises(name, credit_code, org_id, industry, contact_name, contact_phone, "
		            "created_at)"
		            " SELECT ?, ?, id, ?, '联系人', '0591-00000000', ? FROM orgs WHERE code = ?",
		            "tttit", firms[i].name, code, firms[i].industry, now, firms[i].district);
		ids[i] = db_last_insert_id(d);
	}
	for (size_t i = 0; rc == 0 && i < sizeof problems / sizeof problems[0]; i++) {
		int64_t at = now - (int64_t)problems[i].days_ago * 86400;
		rc = db_run(
		    d,
		    "INSERT INTO problems(enterprise_id, category, title, description, raised_by, district_org_id,"
		    " department_org_id, status, escalation, accept_due, answer_due, solve_due, created_at, "
		    "updated_at)"
		    " SELECT e.id, ?2, ?3, '企业走访中收集', ?4, e.org_id, r.department_org_id, ?5,"
		    " CASE WHEN ?6 > 5 AND ?5 IN ('submitted', 'accepted', 'in_progress') THEN 1 ELSE 0 END,"
		    " ?7 + 86400, ?7 + 5 * 86400, ?7 + 15 * 86400, ?7, ?7"
		    " FROM enterprises e JOIN problem_routes r ON r.category = ?2"
		    " AND (r.district_org_id = e.org_id OR r.district_org_id IS NULL)"
		    " WHERE e.id = ?1 ORDER BY r.district_org_id IS NULL LIMIT 1",
		    "ittitii", ids[problems[i].firm], problems[i].category, problems[i].title, user, problems[i].status,
		    (int64_t)problems[i].days_ago, at);
		int64_t problem = db_last_insert_id(d);
		if (rc == 0)
			rc = db_run(d,
			            "INSERT INTO problem_events(problem_id, at, actor_id, actor, kind, to_status)"
			            " VALUES (?, ?, ?, 'jinan-officer', 'submit', 'submitted')",
			            "iii", problem, at, user);
		struct demo_life life = {hours_after(at, problems[i].accepted_h),
		                         hours_after(at, problems[i].answered_h), hours_after(at, problems[i].closed_h),
		                         problems[i].rating};
		if (rc == 0)
			rc = demo_problem_life(d, problem, user, &life);
	}
	if (rc == 0)
		rc = db_commit(d);
	else
		db_rollback(d);
	db_close(d);
	return rc < 0 ? -1 : 0;
}

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping, running, snapshots;
	struct db *db;
	int interval;
} service;

/*
** Every tick: escalate, and rebuild the statistics snapshot when it is due.
** A rebuild reads every problem (seconds, for a million), so it waits at
** least ten times as long as the last one took: at most a tenth of a core.
*/
static void *escalation_main(void *unused)
{
	(void)unused;
	int64_t next_snapshot = 0;
	pthread_mutex_lock(&service.lock);
	while (!service.stopping) {
		pthread_mutex_unlock(&service.lock);
		/* Of several nodes on one database one escalates (cluster.c); every node keeps its own snapshot,
		** which its own readers are served from. */
		bool escalating = cluster_leads(DUTY_DESK);
		int n = escalating ? desk_escalate(service.db, clock_now()) : 0;
		if (n > 0)
			log_info("desk: %d problems escalated", n);
		else if (n < 0)
			log_error("desk: escalation failed: %s", db_errmsg(service.db));
		if (service.snapshots && clock_now() >= next_snapshot) {
			struct timespec t0, t1;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if (desk_snapshot_build(service.db) < 0)
				log_error("desk: statistics snapshot failed: %s", db_errmsg(service.db));
			clock_gettime(CLOCK_MONOTONIC, &t1);
			next_snapshot = clock_now() + 10 * (t1.tv_sec - t0.tv_sec + 1);
		}
		pthread_mutex_lock(&service.lock);
		if (service.stopping)
			break;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		/* A node that does not escalate looks again soon, to take over within seconds when the duty comes to it. */
		until.tv_sec +=
		    escalating || service.interval < CLUSTER_RETRY_SECONDS ? service.interval : CLUSTER_RETRY_SECONDS;
		pthread_cond_timedwait(&service.wake, &service.lock, &until);
	}
	pthread_mutex_unlock(&service.lock);
	return NULL;
}

/*
** SERVICE: desk
** SUMMARY: 问题督办:默认分办规则与超时自动升级 Default routing, and escalation every minute
** BANYAN_DESK_TICK (seconds, default 60) sets how often late problems are looked for
** and the statistics snapshot is rebuilt; BANYAN_DESK_STATS_AGE (seconds, default
** 120) how old its figures may be when served (0: no snapshot, always live).
*/
int desk_service(enum service_phase phase, const char *db_path)
{
	if (phase == SERVICE_DEMO)
		return desk_demo(db_path);
	if (phase == SERVICE_STOP) {
		if (!service.running)
			return 0;
		pthread_mutex_lock(&service.lock);
		service.stopping = true;
		pthread_cond_signal(&service.wake);
		pthread_mutex_unlock(&service.lock);
		pthread_join(service.thread, NULL);
		desk_snapshot_drop();
		db_close(service.db);
		memset(&service, 0, sizeof service);
		return 0;
	}
	memset(&service, 0, sizeof service);
	const char *tick = getenv("BANYAN_DESK_TICK");
	service.interval = tick && atoi(tick) > 0 ? atoi(tick) : 60;
	const char *age = getenv("BANYAN_DESK_STATS_AGE");
	service.snapshots = !age || atoi(age) > 0;
	pthread_mutex_init(&service.lock, NULL);
	pthread_cond_init(&service.wake, NULL);
	/* The first pass runs at once, in the service's thread: the server does not wait for it. */
	if (db_open(db_path, &service.db) < 0 || seed_routes(service.db) < 0 ||
	    pthread_create(&service.thread, NULL, escalation_main, NULL) != 0) {
		db_close(service.db);
		service.db = NULL;
		return -1;
	}
	service.running = true;
	return 0;
}

/*
** ROUTE: POST /api/v1/desk/escalations
** AUTH: admin
** SUMMARY: 立即执行超时升级 Run the escalation pass now
** The service runs it every minute by itself; this is for an operator who
** has just changed the calendar or the deadlines.
*/
void desk_escalate_now(struct request *r)
{
	int n = desk_escalate(r->db, clock_now());
	if (n < 0) {
		reply_db_error(r, n);
		return;
	}
	reply_json(r, 200, json_pack("{s:i}", "escalated", n));
}
