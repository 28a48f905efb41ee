/*
** The cadres' demo data, made after the other domains' (cmd_demo): the
** officials of 晋安区投资促进局 and 市行政服务中心, some linked to the demo's
** users, whose on-site visits and follow-up visits count by themselves; a
** special action on the key projects and an epidemic post of 2020; and
** entries over the last 30 days, most confirmed by the task's owner and some
** waiting.  Over those 30 days the service centre meets the two-thirds rule
** and the investment promotion bureau does not (one official short of the
** time, one never at the front line).
*/
#include <stdio.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "db/db.h"

/* Which working days (by index i in the period) an official's entries cover, and whether confirmed. */
enum pattern {
	NONE,
	TWO_THIRDS,      /* i % 3 != 2, whole days, confirmed: at least two thirds */
	TWO_THIRDS_HALF, /* the same as a morning and an afternoon each */
	ONE_THIRD,       /* i % 3 == 0 confirmed, i % 3 == 1 waiting for confirmation */
};

static const struct {
	const char *name, *post, *org, *username;
	int leading_group;
	enum pattern pattern;
} people[] = {
    {"郑海峰", "局长", "350111-tcj", "jinan-officer", 1, TWO_THIRDS},
    {"林晓燕", "招商科科员", "350111-tcj", NULL, 0, ONE_THIRD},
    {"王建国", "办公室主任", "350111-tcj", NULL, 0, NONE},
    {"张敏", "项目代办员", "350100-xzfw", "city-agent", 0, TWO_THIRDS},
    {"陈志强", "副主任", "350100-xzfw", NULL, 1, TWO_THIRDS_HALF},
    {"黄丽华", "代办科科长", "350100-xzfw", NULL, 0, TWO_THIRDS},
    {"吴磊", "综合科科员", "350100-xzfw", NULL, 0, NONE},
};

static const char *const places[] = {"晋安新材料产业园项目现场", "福州滨海新城项目现场", "东部水系河道",
                                     "企业生产车间"};

static int entry(struct db *d, int64_t official, int64_t task, int32_t day, int halves, bool confirmed,
                 int64_t entered_by, int64_t confirmer, int64_t now)
{
	return db_run(
	    d,
	    "INSERT INTO frontline_entries(official_id, task_id, day, halves, place, work, entered_by, created_at,"
	    " confirmed_by, confirmed_at) VALUES (?,?,?,?,?,'现场协调项目建设中的用地、用电问题',?,?,?,?)",
	    "iiiitiirr", official, task, (int64_t)day, (int64_t)halves, places[day % 4], entered_by, now,
	    confirmed ? confirmer : 0, confirmed ? now : 0);
}

int cadres_demo(const char *db_path)
{
	struct db *d;
	if (db_open(db_path, &d) < 0)
		return -1;
	const struct calendar *cal = calendar_china();
	int64_t now = clock_now(), zzb = 0, leader = 0, org = 0, task = 0, epidemic = 0;
	int32_t today = clock_local_day(now);
	int rc = db_begin(d);
	if (rc == 0)
		rc = db_query_int64(d, &zzb, "SELECT id FROM users WHERE username = 'city-zzb'", NULL);
	if (rc == 0)
		rc = db_query_int64(d, &leader, "SELECT id FROM users WHERE username = 'city-leader'", NULL);
	if (rc == 0)
		rc = db_query_int64(d, &org, "SELECT id FROM orgs WHERE code = '350100-zzb'", NULL);
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO central_tasks(name, kind, starts_on, ends_on, owner_id, org_id, created_at)"
		            " VALUES ('重大项目攻坚专项行动', 'special_action', ?, ?, ?, ?, ?)",
		            "iiiii", (int64_t)(today - 90), (int64_t)(today + 90), leader, org, now);
	task = db_last_insert_id(d);
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO central_tasks(name, kind, starts_on, ends_on, owner_id, org_id, created_at)"
		            " VALUES ('疫情防控一线', 'epidemic_post', ?, ?, ?, ?, ?)",
		            "iiiii", (int64_t)clock_days_from_civil(2020, 1, 24),
		            (int64_t)clock_days_from_civil(2020, 3, 31), leader, org, now);
	epidemic = db_last_insert_id(d);
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO central_task_orgs(task_id, org_id) SELECT ?, id FROM orgs"
		            " WHERE code IN ('350111-tcj', '350100-xzfw')",
		            "i", task);
	if (rc == 0) /* the key projects of 晋安 are the action's records */
		rc = db_run(
		    d,
		    "INSERT INTO central_task_records(task_id, kind, ref) SELECT ?, 'project', code FROM projects"
		    " WHERE district_org_id = (SELECT id FROM orgs WHERE code = '350111')",
		    "i", task);
	/* The working days of the last 30 days, for the entries' patterns. */
	int32_t days[32];
	int n = 0;
	for (int32_t day = today - 30; day < today; day++)
		if (calendar_is_working_day(cal, day))
			days[n++] = day;
	for (size_t p = 0; rc == 0 && p < sizeof people / sizeof people[0]; p++) {
		int64_t user = 0;
		if (people[p].username)
			rc = db_query_int64(d, &user, "SELECT id FROM users WHERE username = ?", "t",
			                    people[p].username);
		if (rc == 0)
			rc = db_run(d,
			            "INSERT INTO officials(name, post, org_id, leading_group, user_id, created_at)"
			            " SELECT ?, ?, id, ?, ?, ? FROM orgs WHERE code = ?",
			            "ttirit", people[p].name, people[p].post, (int64_t)people[p].leading_group, user,
			            now, people[p].org);
		int64_t official = db_last_insert_id(d), by = user ? user : zzb;
		for (int i = 0; rc == 0 && i < n; i++) {
			switch (people[p].pattern) {
			case NONE:
				break;
			case TWO_THIRDS:
				if (i % 3 != 2)
					rc = entry(d, official, task, days[i], FRONT_WHOLE_DAY, true, by, leader, now);
				break;
			case TWO_THIRDS_HALF:
				if (i % 3 != 2)
					rc = entry(d, official, task, days[i], FRONT_MORNING, true, by, leader, now);
				if (rc == 0 && i % 3 != 2)
					rc = entry(d, official, task, days[i], FRONT_AFTERNOON, true, by, leader, now);
				break;
			case ONE_THIRD:
				if (i % 3 != 2)
					rc = entry(d, official, task, days[i], FRONT_WHOLE_DAY, i % 3 == 0, by, leader,
					           now);
				break;
			}
		}
		/* The investment bureau's staff also stood on the epidemic front line in February 2020. */
		if (rc == 0 && strcmp(people[p].org, "350111-tcj") == 0) {
			rc = db_run(d, "INSERT INTO central_task_officials(task_id, official_id) VALUES (?, ?)", "ii",
			            epidemic, official);
			for (int day = 3; rc == 0 && day <= 7; day++)
				rc = entry(d, official, epidemic, clock_days_from_civil(2020, 2, day), FRONT_WHOLE_DAY,
				           true, by, leader, now);
		}
	}
	rc = rc ? rc : cadres_demo_groups(d, epidemic, task, zzb); /* the assessment groups of 2020 */
	rc = rc == 0 ? cadres_demo_scores(d) : rc; /* the assessment of those officials (demo_scores.c) */
	if (rc == 0)
		rc = cadres_demo_outcomes(d);
	if (rc == 0)
		rc = db_commit(d);
	else
		db_rollback(d);
	if (rc != 0)
		fprintf(stderr, "cadres demo: %s\n", db_errmsg(d));
	db_close(d);
	return rc == 0 ? 0 : -1;
}
