/*
** The demo's care and outcomes (inside cadres_demo()'s transaction, after
** its officials and tasks): the staff of the 2020 epidemic post (疫情防控一线)
** get their care measures (rest, an allowance, a visit to their families, a
** health check); and when the final assessment "2020年疫情防控一线考核"
** exists (the scores' demo makes it), each official graded 优秀 in it is
** commended (表彰奖励一批), put first for honours (评先评优优先) and entered
** into the reserve pool with it as the basis.  Each insert skips what is
** there already, so running it again adds nothing twice.
*/
#include <stdio.h>

#include "cadres/cadres.h"
#include "core/clock.h"
#include "db/db.h"

static const char epidemic_assessment[] = "2020年疫情防控一线考核";

static const struct {
	const char *kind;
	int month, day;
	int64_t amount_fen; /* 0: none */
	const char *note;
} care[] = {
    {"family_visit", 2, 12, 0, "走访慰问一线干部家属,送去生活物资"},
    {"allowance", 3, 5, 150000, "一线临时性工作补助 5 天,每天 300 元"},
    {"rest", 4, 7, 0, "连续奋战一线,安排补休 3 天"},
    {"health_check", 4, 20, 0, "一线人员专项健康体检"},
};

static const struct {
	const char *list, *item, *note;
} outcomes[] = {
    {"ten_batches", "commended", "疫情防控一线考核优秀,通报表扬"},
    {"five_priorities", "honours", "年度评先评优优先推荐"},
};

int cadres_demo_outcomes(struct db *d)
{
	int64_t now = clock_now(), zzb = 0, assessment = 0, ends_on = 0;
	int rc = db_query_int64(d, &zzb, "SELECT id FROM users WHERE username = 'city-zzb'", NULL);
	for (size_t i = 0; rc == 0 && i < sizeof care / sizeof care[0]; i++)
		rc = db_run(
		    d,
		    "INSERT INTO care_measures(official_id, kind, day, amount_fen, note, recorded_by, recorded_at)"
		    " SELECT a.official_id, ?1, ?2, ?3, ?4, ?5, ?6 FROM central_task_officials a"
		    " JOIN central_tasks t ON t.id = a.task_id WHERE t.name = '疫情防控一线' AND NOT EXISTS"
		    " (SELECT 1 FROM care_measures c WHERE c.official_id = a.official_id AND c.kind = ?1"
		    "  AND c.day = ?2)",
		    "tirtii", care[i].kind, (int64_t)clock_days_from_civil(2020, care[i].month, care[i].day),
		    care[i].amount_fen, care[i].note, zzb, now);
	if (rc == 0)
		rc = db_query_int64(d, &assessment, "SELECT id FROM assessments WHERE name = ? AND state = 'final'",
		                    "t", epidemic_assessment);
	if (rc == DB_DONE) /* not in this database: care alone */
		return 0;
	if (rc == 0)
		rc = db_query_int64(d, &ends_on, "SELECT ends_on FROM assessments WHERE id = ?", "i", assessment);
	/* Recorded the week after the assessment's period ended. */
	for (size_t i = 0; rc == 0 && i < sizeof outcomes / sizeof outcomes[0]; i++)
		rc = db_run(d,
		            "INSERT INTO cadre_outcomes(official_id, list, item, assessment_id, day, note, recorded_by,"
		            " recorded_at) SELECT x.official_id, ?1, ?2, ?3, ?4, ?5, ?6, ?7 FROM assessment_results x"
		            " WHERE x.assessment_id = ?3 AND x.grade = 'excellent' AND NOT EXISTS (SELECT 1 FROM"
		            " cadre_outcomes c WHERE c.official_id = x.official_id AND c.list = ?1 AND c.item = ?2"
		            " AND c.assessment_id = ?3)",
		            "ttiitii", outcomes[i].list, outcomes[i].item, assessment, ends_on + 7, outcomes[i].note,
		            zzb, now);
	char basis[32];
	snprintf(basis, sizeof basis, "[%lld]", (long long)assessment);
	if (rc == 0)
		rc = db_run(d,
		            "INSERT INTO reserve_pool(official_id, basis, entry_reason, entered_by, entered_at)"
		            " SELECT x.official_id, ?2, ?3, ?4, ?5 FROM assessment_results x"
		            " WHERE x.assessment_id = ?1 AND x.grade = 'excellent' AND NOT EXISTS (SELECT 1 FROM"
		            " reserve_pool p WHERE p.official_id = x.official_id AND p.left_at IS NULL)",
		            "ittii", assessment, basis, "2020年疫情防控一线考核优秀,担当作为,纳入后备干部库", zzb, now);
	return rc;
}
