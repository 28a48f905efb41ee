/*
** The demo's assessment groups, made inside cadres_demo()'s transaction from
** its tasks and officials: in 2020 a group on the epidemic front line
** assessed 晋安区投资促进局 (a sitting-in at its dispatch meeting, an open
** visit to a checkpoint and an unannounced one to a factory reopening,
** closed), and a group on the key projects assesses that bureau and the
** service centre over the special action's period (a sitting-in at the
** cloud agency's weekly meeting and an unannounced visit still open, hidden
** from the centre's officials).  Each group judged the officials it assesses.
*/
#include <stddef.h>

#include "cadres/cadres.h"
#include "core/clock.h"
#include "db/db.h"

struct demo_judgement {
	const char *name, *org;
	int score; /* thousandths */
	const char *reasons;
};

/* A group of the department's (zzb's organisation), with zzb leading it, over the organisations in codes. */
static int demo_group(struct db *d, const char *name, int64_t task, int32_t from, int32_t to, int64_t zzb,
                      const char *codes, int64_t *ret_id)
{
	int64_t now = clock_now();
	int rc =
	    db_run(d,
	           "INSERT INTO assessment_groups(name, task_id, org_id, starts_on, ends_on, created_by, created_at)"
	           " SELECT ?, ?, u.org_id, ?, ?, u.id, ? FROM users u WHERE u.id = ?",
	           "tiiiii", name, task, (int64_t)from, (int64_t)to, now, zzb);
	*ret_id = db_last_insert_id(d);
	if (rc == 0)
		rc = db_run(d, "INSERT INTO assessment_group_members(group_id, user_id, leads) VALUES (?, ?, 1)", "ii",
		            *ret_id, zzb);
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO assessment_group_orgs(group_id, org_id) SELECT ?, id FROM orgs"
		            " WHERE code IN (SELECT value FROM json_each(?))",
		            "it", *ret_id, codes);
	return rc;
}

static int demo_sitting(struct db *d, int64_t group, const char *org, int32_t day, const char *meeting,
                        const char *observations, int64_t zzb)
{
	return db_run(
	    d,
	    "INSERT INTO assessment_sittings(group_id, org_id, day, meeting, observations, recorded_by, recorded_at)"
	    " SELECT ?, id, ?, ?, ?, ?, ? FROM orgs WHERE code = ?",
	    "iittiit", group, (int64_t)day, meeting, observations, zzb, clock_now(), org);
}

/* A visit; closed (closed_by and closed_at set) when closed is true. */
static int demo_visit(struct db *d, int64_t group, const char *org, const char *kind, int32_t day, const char *place,
                      const char *findings, bool closed, int64_t zzb)
{
	int64_t now = clock_now();
	return db_run(
	    d,
	    "INSERT INTO assessment_visits(group_id, org_id, kind, day, place, findings, recorded_by, recorded_at,"
	    " closed_by, closed_at) SELECT ?, id, ?, ?, ?, ?, ?, ?, ?, ? FROM orgs WHERE code = ?",
	    "itittiirrt", group, kind, (int64_t)day, place, findings, zzb, now, closed ? zzb : 0, closed ? now : 0,
	    org);
}

static int demo_judgements(struct db *d, int64_t group, const struct demo_judgement *j, size_t n, int64_t zzb)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = db_run(
		    d,
		    "INSERT INTO assessment_judgements(group_id, official_id, score, reasons, recorded_by, recorded_at)"
		    " SELECT ?, o.id, ?, ?, ?, ? FROM officials o JOIN orgs g ON g.id = o.org_id"
		    " WHERE o.name = ? AND g.code = ?",
		    "iitiitt", group, (int64_t)j[i].score, j[i].reasons, zzb, clock_now(), j[i].name, j[i].org);
	return rc;
}

int cadres_demo_groups(struct db *d, int64_t epidemic, int64_t key_projects, int64_t zzb)
{
	static const struct demo_judgement epidemic_judgements[] = {
	    {"郑海峰", "350111-tcj", 92500, "春节期间带队驻守防疫卡口,统筹企业复工复产,调度有力"},
	    {"林晓燕", "350111-tcj", 85000, "参与卡口值守和企业复工核查,作风扎实,台账规范"},
	    {"王建国", "350111-tcj", 68000, "后勤保障到位,但一线值守天数偏少"},
	};
	static const struct demo_judgement project_judgements[] = {
	    {"张敏", "350100-xzfw", 90000, "代办项目审批事项全部按期办结,现场协调及时"},
	    {"陈志强", "350100-xzfw", 88500, "每周调度重大项目,节点对账问题整改到位"},
	    {"黄丽华", "350100-xzfw", 86000, "牵头云代办平台运行,问题答复及时"},
	    {"吴磊", "350100-xzfw", 72000, "服务意识有待加强,下沉一线不足"},
	    {"郑海峰", "350111-tcj", 87000, "招商项目落地推进有力,签约项目按期开工"},
	};
	int32_t today = clock_local_day(clock_now());
	int64_t group = 0;
	int rc = demo_group(d, "防疫一线考核组", epidemic, clock_days_from_civil(2020, 1, 24),
	                    clock_days_from_civil(2020, 3, 31), zzb, "[\"350111-tcj\"]", &group);
	if (rc == 0)
		rc = demo_sitting(d, group, "350111-tcj", clock_days_from_civil(2020, 2, 5),
		                  "晋安区投促局疫情防控工作调度会",
		                  "班子成员逐一汇报卡口值守和企业复工情况,会议议定包片到企、日报制度", zzb);
	if (rc == 0)
		rc = demo_visit(d, group, "350111-tcj", "open", clock_days_from_civil(2020, 2, 6),
		                "晋安区新店镇防疫卡口", "值守人员在岗在位,体温登记台账完整", true, zzb);
	if (rc == 0)
		rc = demo_visit(d, group, "350111-tcj", "unannounced", clock_days_from_civil(2020, 2, 12),
		                "福州海峡新材料有限公司复工现场",
		                "驻企联络员到岗,防疫物资充足;复工人员健康码核验有一处遗漏,已当场整改", true, zzb);
	if (rc == 0)
		rc = demo_judgements(d, group, epidemic_judgements,
		                     sizeof epidemic_judgements / sizeof epidemic_judgements[0], zzb);
	if (rc == 0)
		rc = demo_group(d, "重大项目攻坚考核组", key_projects, today - 90, today + 90, zzb,
		                "[\"350111-tcj\", \"350100-xzfw\"]", &group);
	if (rc == 0)
		rc = demo_sitting(d, group, "350100-xzfw", today - 20, "重大项目云代办周调度会",
		                  "逐个项目过审批事项红黄灯,红灯事项当场明确责任部门和办结时限", zzb);
	if (rc == 0)
		rc = demo_visit(d, group, "350100-xzfw", "open", today - 14, "晋安新材料产业园项目现场",
		                "代办员驻点服务,施工许可材料已预审", true, zzb);
	if (rc == 0) /* still open: the service centre's officials do not see it yet */
		rc = demo_visit(d, group, "350100-xzfw", "unannounced", today - 7, "市行政服务中心代办窗口",
		                "窗口人员在岗,一件材料补正告知未一次说清", false, zzb);
	if (rc == 0)
		rc = demo_judgements(d, group, project_judgements,
		                     sizeof project_judgements / sizeof project_judgements[0], zzb);
	return rc;
}
