/*
** The demo's assessment (called from cadres_demo, after its officials, tasks
** and groups): the scheme 一线考核方案 (一线时间 30, 节点完成 25, 问题办结 15,
** 考核组研判 20, 360测评 10) applied to the demo's officials on the 2020
** epidemic front line, "2020年疫情防控一线考核", by the front line's group
** (demo_groups.c) with its judgements; confirmed frontline days from 24
** January to 31 March 2020, a 360 survey answered by six demo raters (one
** official's by four only, under the minimum of five), computed and ranked by
** the same code as the routes with the 20% quota, publicised in April 2020,
** one objection dismissed, and final.  The milestones and problems find no
** records of that period: they are left unscored and the totals reweighted
** over the other items.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "db/db.h"

static const struct {
	const char *name, *cohort;
	int frontline_pct, judgement, survey; /* share of working days at the front line; points */
	const char *reasons;
} subjects[] = {
    {"郑海峰", "县处级领导班子成员", 90, 92, 92, "靠前指挥,带队驻守卡口,协调解决企业复工用工难题"},
    {"陈志强", "县处级领导班子成员", 80, 88, 88, "统筹审批服务不停摆,牵头开通防疫物资企业审批绿色通道"},
    {"林晓燕", "科级及以下干部", 70, 84, 84, "坚守社区防控一线,完成入户排查任务"},
    {"王建国", "科级及以下干部", 55, 80, 80, "参与物资调配,一线时间偏少"},
    {"张敏", "科级及以下干部", 88, 93, 95, "为口罩生产企业全程代办,2 小时办结许可"},
    {"黄丽华", "科级及以下干部", 75, 86, 86, "组织帮办复工审批,响应及时"},
    {"吴磊", "科级及以下干部", 60, 78, 78, "承担后方保障,按要求完成交办任务"},
};
enum { N_SUBJECTS = sizeof subjects / sizeof subjects[0], N_RATERS = 6 };

/* The 360 raters, demo users who sign in with the demo's password, and how they stand to those they rate. */
static const struct {
	const char *username, *name, *role, *org, *relation;
	int offset; /* their score beside an official's survey points */
} raters[N_RATERS] = {
    {"rater-01", "晋安区委办公室 测评人", "officer", "350111-tcj", "superior", 3},
    {"rater-02", "晋安区投促局 测评人", "officer", "350111-tcj", "peer", -2},
    {"rater-03", "市行政服务中心 测评人", "agent", "350100-xzfw", "peer", 1},
    {"rater-04", "市行政服务中心 科员", "agent", "350100-xzfw", "subordinate", 0},
    {"rater-05", "晋安区投促局 科员", "officer", "350111-tcj", "subordinate", -1},
    {"rater-06", "企业代表", "officer", "350111-tcj", "public", -1},
};

static const struct {
	const char *code, *name, *source;
	int weight, tie_order;
} items[] = {
    {"frontline", "一线时间", "frontline", 30, 2}, {"milestones", "节点完成", "milestones", 25, 0},
    {"problems", "问题办结", "problems", 15, 0},   {"judgement", "考核组研判", "judgement", 20, 1},
    {"survey", "360测评", "survey", 10, 0},
};

/* The id of the first column of the first row of sql with one text parameter. */
static int id_of(struct db *d, int64_t *ret, const char *sql, const char *text)
{
	return db_query_int64(d, ret, sql, "t", text);
}

/* Confirmed whole frontline days of official on pct% of the period's working days, spread evenly. */
static int frontline_days(struct db *d, int64_t official, int64_t task, int64_t by, int64_t confirmer, int pct,
                          int32_t from, int32_t to, int64_t now)
{
	const struct calendar *cal = calendar_china();
	int rc = 0, i = 0;
	for (int32_t day = from; rc >= 0 && day <= to; day++) {
		if (!calendar_is_working_day(cal, day))
			continue;
		if ((i + 1) * pct / 100 > i * pct / 100)
			rc = db_run(
			    d,
			    "INSERT INTO frontline_entries(official_id, task_id, day, halves, place, work, entered_by,"
			    " created_at, confirmed_by, confirmed_at) VALUES (?,?,?,3,'疫情防控卡口及复工企业',"
			    "'卡口值守、入户排查、帮助企业复工复产',?,?,?,?)",
			    "iiiiiii", official, task, (int64_t)day, by, now, confirmer, now);
		i++;
	}
	return rc;
}

int cadres_demo_scores(struct db *d)
{
	struct arena *ar = arena_new();
	if (!ar)
		return DB_ERROR;
	int32_t from = clock_days_from_civil(2020, 1, 24), to = clock_days_from_civil(2020, 3, 31);
	int64_t now = clock_now(), zzb = 0, leader = 0, zzb_org = 0, city = 0, task = 0, scheme = 0, group = 0;
	int64_t official[N_SUBJECTS] = {0}, user[N_SUBJECTS] = {0}, rater[N_RATERS] = {0};
	int rc = id_of(d, &zzb, "SELECT id FROM users WHERE username = ?", "city-zzb");
	if (rc >= 0)
		rc = id_of(d, &leader, "SELECT id FROM users WHERE username = ?", "city-leader");
	if (rc >= 0)
		rc = id_of(d, &zzb_org, "SELECT id FROM orgs WHERE code = ?", "350100-zzb");
	if (rc >= 0)
		rc = id_of(d, &city, "SELECT id FROM orgs WHERE code = ?", "350100");
	if (rc >= 0)
		rc = id_of(d, &task, "SELECT id FROM central_tasks WHERE name = ?", "疫情防控一线");
	for (int i = 0; rc >= 0 && i < N_SUBJECTS; i++) {
		rc = id_of(d, &official[i], "SELECT id FROM officials WHERE name = ?", subjects[i].name);
		if (rc >= 0)
			rc = db_query_int64(d, &user[i], "SELECT coalesce(user_id, 0) FROM officials WHERE id = ?", "i",
			                    official[i]);
	}
	/* The raters sign in with the demo's password: their hash is the organisation department's user's. */
	for (int i = 0; rc >= 0 && i < N_RATERS; i++) {
		rc = db_run(
		    d,
		    "INSERT INTO users(username, display_name, role, org_id, password_hash, created_at, updated_at)"
		    " SELECT ?, ?, ?, g.id, u.password_hash, ?, ? FROM orgs g, users u"
		    " WHERE g.code = ? AND u.username = 'city-zzb'",
		    "tttiit", raters[i].username, raters[i].name, raters[i].role, now, now, raters[i].org);
		rater[i] = db_last_insert_id(d);
	}
	/* The scheme, the group with its judgements, and the epidemic's frontline days of everyone assessed. */
	if (rc >= 0)
		rc = db_run(
		    d,
		    "INSERT INTO assessment_schemes(name, org_id, excellent_pct, competent_min, basic_min, min_raters,"
		    " created_by, created_at) VALUES ('一线考核方案', ?, 20, 70000, 60000, 5, ?, ?)",
		    "iii", city, zzb, now);
	scheme = db_last_insert_id(d);
	for (size_t i = 0; rc >= 0 && i < sizeof items / sizeof items[0]; i++)
		rc = db_run(d,
		            "INSERT INTO assessment_scheme_items(scheme_id, code, name, weight, source, tie_order)"
		            " VALUES (?,?,?,?,?,?)",
		            "ittitr", scheme, items[i].code, items[i].name, (int64_t)items[i].weight, items[i].source,
		            (int64_t)items[i].tie_order);
	/*
	** The group is the epidemic front line's (demo_groups.c), which assessed
	** 晋安's investment bureau; the service centre's officials join it here, and
	** those it has not judged yet get their judgement.
	*/
	if (rc >= 0)
		rc = id_of(d, &group, "SELECT id FROM assessment_groups WHERE name = ?", "防疫一线考核组");
	if (rc >= 0)
		rc = db_run(d,
		            "INSERT INTO assessment_group_orgs(group_id, org_id) SELECT ?, id FROM orgs"
		            " WHERE code = '350100-xzfw' ON CONFLICT DO NOTHING",
		            "i", group);
	for (int i = 0; rc >= 0 && i < N_SUBJECTS; i++) {
		rc = db_run(
		    d,
		    "INSERT INTO assessment_judgements(group_id, official_id, score, reasons, recorded_by, recorded_at)"
		    " VALUES (?,?,?,?,?,?) ON CONFLICT (group_id, official_id) DO NOTHING",
		    "iiitii", group, official[i], (int64_t)subjects[i].judgement * 1000, subjects[i].reasons, zzb, now);
		if (rc >= 0)
			rc = db_run(d,
			            "INSERT INTO central_task_officials(task_id, official_id) VALUES (?, ?) ON "
			            "CONFLICT DO NOTHING",
			            "ii", task, official[i]);
		if (rc >= 0)
			rc = frontline_days(d, official[i], task, user[i] ? user[i] : zzb, leader,
			                    subjects[i].frontline_pct, from, to, now);
	}
	/* The assessment, its subjects, and the survey: everyone asked, everyone answering but two of 吴磊's raters. */
	if (rc >= 0)
		rc = db_run(
		    d,
		    "INSERT INTO assessments(name, scheme_id, group_id, starts_on, ends_on, created_by, created_at)"
		    " VALUES ('2020年疫情防控一线考核', ?, ?, ?, ?, ?, ?)",
		    "iiiiii", scheme, group, (int64_t)from, (int64_t)to, zzb, now);
	struct cadres_assessment a = {.id = db_last_insert_id(d),
	                              .scheme_id = scheme,
	                              .group_id = group,
	                              .starts_on = from,
	                              .ends_on = to,
	                              .min_raters = 5};
	for (int i = 0; rc >= 0 && i < N_SUBJECTS; i++) {
		rc = db_run(d, "INSERT INTO assessment_subjects(assessment_id, official_id, cohort) VALUES (?,?,?)",
		            "iit", a.id, official[i], subjects[i].cohort);
		bool short_survey = strcmp(subjects[i].name, "吴磊") == 0;
		for (int k = 0; rc >= 0 && k < N_RATERS; k++) {
			rc = db_run(d,
			            "INSERT INTO assessment_raters(assessment_id, official_id, user_id, relation) "
			            "VALUES (?,?,?,?)",
			            "iiit", a.id, official[i], rater[k], raters[k].relation);
			if (rc >= 0 && !(short_survey && k >= 4))
				rc =
				    cadres_survey_answer(d, a.id, official[i], rater[k], raters[k].relation,
				                         (int64_t)(subjects[i].survey + raters[k].offset) * 1000, NULL);
		}
	}
	/* Computed and ranked as the routes do, then publicised in April 2020 with one objection, dismissed, and final. */
	int64_t scored = 0, ranked = 0;
	json_t *missing = NULL;
	if (rc >= 0)
		rc = cadres_compute(d, ar, &a, &scored);
	if (rc >= 0 && (rc = cadres_rank(d, ar, &a, &missing, &ranked)) == -EINVAL) {
		char *text = missing ? json_dumps(missing, JSON_COMPACT) : NULL;
		fprintf(stderr, "cadres demo: the assessment cannot be ranked: %s\n", text ? text : "no scored item");
		free(text);
		json_decref(missing);
		rc = DB_ERROR;
	}
	char start[11], end[11];
	calendar_publicity_window(calendar_china(), clock_days_from_civil(2020, 4, 7), 5, start, end);
	int64_t lodger = rater[N_RATERS - 1], wang = official[3];
	if (rc >= 0)
		rc = db_run(
		    d,
		    "UPDATE assessments SET state = 'final', ranked_at = ?, publicity_start = ?, publicity_end = ?,"
		    " finalised_by = ?, finalised_at = ? WHERE id = ?",
		    "ittiii", clock_local_midnight(clock_days_from_civil(2020, 4, 7)), start, end, zzb,
		    clock_local_midnight(clock_days_from_civil(2020, 4, 16)) + 9 * 3600, a.id);
	if (rc >= 0)
		rc = db_run(
		    d,
		    "INSERT INTO assessment_objections(assessment_id, official_id, reason, lodged_by, lodged_at, state,"
		    " resolution, resolved_by, resolved_at) VALUES (?,?,"
		    "'王建国同志疫情期间一线时间是否统计完整?部分值守未见记录。',?,?,'dismissed',"
		    "'经核查,一线时间以经确认的填报记录为准,所提值守日均已计入,统计无误。',?,?)",
		    "iiiiii", a.id, wang, lodger, clock_local_midnight(clock_days_from_civil(2020, 4, 9)) + 10 * 3600,
		    zzb, clock_local_midnight(clock_days_from_civil(2020, 4, 10)) + 15 * 3600);
	arena_free(ar);
	return rc < 0 ? rc : 0;
}
