/*
** An assessment's scores and what follows them: each indicator computed from
** the records with its basis in words (or entered by the department), the
** ranking (rank.c), publicity over N working days with objections, the final
** result, and an official's own results.  The organisation department's
** (DUTY: assessment), except where a route says otherwise.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadres/cadres.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "org/org.h"

/* round(100000 × num / den): points as thousandths of a share. */
static int64_t share_points(int64_t num, int64_t den)
{
	return (200000 * num + den) / (2 * den);
}

/* What one computed score says: the score (RANK_NO_SCORE: nothing to measure) and its basis. */
struct computed {
	int64_t score;
	const char *basis;
};

/* The official on a subject's row, for the computations. */
struct subject {
	int64_t official, user;
	const char *org_path;
};

static int frontline_score(struct arena *ar, struct front_reader *f, const struct front_period *p,
                           const struct subject *x, struct computed *ret)
{
	int64_t halves;
	int rc = front_reader_half_days(f, x->official, x->user, p, &halves);
	if (rc < 0)
		return rc;
	if (!p->working_days) {
		*ret = (struct computed){RANK_NO_SCORE, "考核期内没有工作日 (no working days in the period)"};
		return 0;
	}
	ret->score = share_points(halves, 2 * (int64_t)p->working_days);
	ret->basis = arena_printf(ar,
	                          "一线时间 %lld 个半天,占考核期 %d 个工作日的 %.1f%% (%lld half days at the front line"
	                          " of %d working days)",
	                          (long long)halves, p->working_days, (double)ret->score / 1000, (long long)halves,
	                          p->working_days);
	return 0;
}

/*
** The milestones of their tasks' projects planned in the period and due (done,
** or planned before today): met when done by the planned day.
*/
static int milestones_score(struct db *d, struct arena *ar, const struct cadres_assessment *a, const struct subject *x,
                            struct computed *ret)
{
	struct db_stmt *s;
	int rc = db_prepare(d, &s,
	                    "SELECT count(*), coalesce(sum(CASE WHEN m.actual <= m.target THEN 1 ELSE 0 END), 0)"
	                    " FROM project_milestones m JOIN projects p ON p.id = m.project_id"
	                    " WHERE p.code IN (SELECT t.ref FROM central_task_records t WHERE t.kind = 'project'"
	                    "  AND t.task_id IN (" OFFICIAL_TASKS "))"
	                    " AND m.target BETWEEN ?3 AND ?4 AND (m.actual IS NOT NULL OR m.target < ?5)",
	                    "itiii", x->official, x->org_path, (int64_t)a->starts_on, (int64_t)a->ends_on,
	                    (int64_t)clock_local_day(clock_now()));
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t due = db_column_int64(s, 0), met = db_column_int64(s, 1);
		if (!due)
			*ret = (struct computed){RANK_NO_SCORE,
			                         "所负责中心工作的项目在考核期内没有到期节点 (no milestones due)"};
		else
			*ret = (struct computed){
			    share_points(met, due),
			    arena_printf(ar,
			                 "项目节点到期 %lld 个,按期完成 %lld 个 (%lld of %lld milestones"
			                 " met on time)",
			                 (long long)due, (long long)met, (long long)met, (long long)due)};
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

/*
** The problems the official answered in the period (through their user): 60
** points for the share answered on time, 40 for the enterprises' mean rating
** over 5; without any rating, the share on time alone.
*/
static int problems_score(struct db *d, struct arena *ar, const struct cadres_assessment *a, const struct subject *x,
                          struct computed *ret)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(d, &s,
	               "SELECT count(*), coalesce(sum(CASE WHEN p.answered_at <= p.answer_due THEN 1 ELSE 0 END), 0),"
	               " count(p.rating), coalesce(sum(p.rating), 0) FROM problems p"
	               " WHERE p.answered_at BETWEEN ?2 AND ?3 AND EXISTS (SELECT 1 FROM problem_events e"
	               "  WHERE e.problem_id = p.id AND e.kind = 'answer' AND e.actor_id = ?1)",
	               "iii", x->user, clock_local_midnight(a->starts_on), clock_local_midnight(a->ends_on + 1) - 1);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		int64_t answered = db_column_int64(s, 0), on_time = db_column_int64(s, 1),
		        rated = db_column_int64(s, 2), stars = db_column_int64(s, 3);
		if (!answered || !x->user)
			*ret = (struct computed){RANK_NO_SCORE, "考核期内没有答复问题 (no problems answered)"};
		else if (!rated)
			*ret = (struct computed){
			    share_points(on_time, answered),
			    arena_printf(ar,
			                 "答复问题 %lld 个,按期 %lld 个,无企业评价 (%lld answered, %lld on time,"
			                 " none rated)",
			                 (long long)answered, (long long)on_time, (long long)answered,
			                 (long long)on_time)};
		else /* 60 × on_time / answered + 40 × stars / (5 × rated), over one denominator */
			*ret = (struct computed){
			    (2 * (60000 * on_time * 5 * rated + 40000 * stars * answered) + 5 * rated * answered) /
			        (2 * 5 * rated * answered),
			    arena_printf(
			        ar,
			        "答复问题 %lld 个,按期 %lld 个;企业评价 %lld 个,平均 %.2f 星 (%lld answered, %lld on "
			        "time; %lld rated, mean %.2f of 5)",
			        (long long)answered, (long long)on_time, (long long)rated, (double)stars / rated,
			        (long long)answered, (long long)on_time, (long long)rated, (double)stars / rated)};
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

static int judgement_score(struct db *d, struct arena *ar, const struct cadres_assessment *a, const struct subject *x,
                           struct computed *ret)
{
	*ret = (struct computed){RANK_NO_SCORE, "本考核未指定考核组 (no assessment group)"};
	if (!a->group_id)
		return 0;
	struct db_stmt *s;
	int rc = db_prepare(d, &s,
	                    "SELECT j.score, j.reasons, g.name FROM assessment_judgements j"
	                    " JOIN assessment_groups g ON g.id = j.group_id WHERE j.group_id = ? AND j.official_id = ?",
	                    "ii", a->group_id, x->official);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		*ret = (struct computed){db_column_int64(s, 0),
		                         arena_printf(ar, "%s综合研判:%s", db_column_text(s, 2), db_column_text(s, 1))};
	else if (rc == DB_DONE)
		ret->basis = "考核组尚未研判 (no judgement yet)";
	db_finalize(s);
	return rc < 0 ? rc : 0;
}

static int survey_score(struct db *d, struct arena *ar, const struct cadres_assessment *a, const struct subject *x,
                        struct computed *ret)
{
	int64_t invited, answered, mean;
	int rc = cadres_survey_tally(d, a->id, x->official, a->min_raters, &invited, &answered, &mean);
	if (rc < 0)
		return rc;
	ret->score = mean;
	ret->basis = mean == RANK_NO_SCORE
	                 ? arena_printf(ar,
	                                "360测评邀请 %lld 人,作答 %lld 人,不足 %lld 人不计 (%lld of %lld answered,"
	                                " under the minimum of %lld: not counted)",
	                                (long long)invited, (long long)answered, (long long)a->min_raters,
	                                (long long)answered, (long long)invited, (long long)a->min_raters)
	                 : arena_printf(ar, "360测评 %lld 人作答的平均分 (the mean of %lld answers)",
	                                (long long)answered, (long long)answered);
	return 0;
}

int cadres_compute(struct db *d, struct arena *ar, const struct cadres_assessment *a, int64_t *ret_scored)
{
	struct front_period period;
	front_period_init(&period, calendar_china(), a->starts_on,
	                  a->ends_on); /* at most a year: checked at creation */
	char *codes[20], *item_sources[20];
	size_t n_items = 0;
	struct db_stmt *s, *subjects = NULL;
	int rc = db_prepare(
	    d, &s, "SELECT code, source FROM assessment_scheme_items WHERE scheme_id = ? AND source <> 'entered'", "i",
	    a->scheme_id);
	while (rc >= 0 && n_items < 20 && (rc = db_step(s)) == DB_ROW) {
		codes[n_items] = arena_strdup(ar, db_column_text(s, 0));
		item_sources[n_items++] = arena_strdup(ar, db_column_text(s, 1));
	}
	db_finalize(s);
	struct front_reader reader = {0};
	if (rc >= 0)
		rc = front_reader_open(d, &reader);
	if (rc >= 0)
		rc = db_prepare(d, &subjects,
		                "SELECT f.id, coalesce(f.user_id, 0), g.path FROM assessment_subjects x"
		                " JOIN officials f ON f.id = x.official_id JOIN orgs g ON g.id = f.org_id"
		                " WHERE x.assessment_id = ? ORDER BY f.id",
		                "i", a->id);
	int64_t scored = 0, now = clock_now();
	while (rc >= 0 && (rc = db_step(subjects)) == DB_ROW) {
		struct subject x = {db_column_int64(subjects, 0), db_column_int64(subjects, 1),
		                    arena_strdup(ar, db_column_text(subjects, 2))};
		for (size_t i = 0; rc >= 0 && i < n_items; i++) {
			struct computed c = {RANK_NO_SCORE, ""};
			const char *src = item_sources[i];
			rc = strcmp(src, "frontline") == 0    ? frontline_score(ar, &reader, &period, &x, &c)
			     : strcmp(src, "milestones") == 0 ? milestones_score(d, ar, a, &x, &c)
			     : strcmp(src, "problems") == 0   ? problems_score(d, ar, a, &x, &c)
			     : strcmp(src, "judgement") == 0  ? judgement_score(d, ar, a, &x, &c)
			                                      : survey_score(d, ar, a, &x, &c);
			if (rc >= 0)
				rc = db_run(
				    d,
				    "INSERT INTO assessment_scores(assessment_id, official_id, code, score, basis,"
				    " entered_by, scored_at) VALUES (?1,?2,?3,CASE WHEN ?4 < 0 THEN NULL ELSE ?4 "
				    "END,?5,"
				    "NULL,?6) ON CONFLICT (assessment_id, official_id, code) DO UPDATE SET"
				    " score = excluded.score, basis = excluded.basis, entered_by = NULL,"
				    " scored_at = excluded.scored_at",
				    "iititi", a->id, x.official, codes[i], c.score, c.basis, now);
			scored++;
		}
	}
	db_finalize(subjects);
	front_reader_close(&reader);
	*ret_scored = scored;
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR;
}

/*
** ROUTE: POST /api/v1/cadres/assessments/{id}/compute
** AUTH: department
** DUTY: assessment
** SUMMARY: 计算考核得分 Compute every computed indicator of every subject, with its basis
** frontline, milestones, problems, judgement and survey, from the records
** (docs/api.md: what each counts); an entered score is left as it is.  Only
** in draft (409 wrong_state).  → {"scored"}: the scores written.
*/
void assessment_compute(struct request *r)
{
	struct cadres_assessment a;
	if (!cadres_assessment_of(r, "id", &a) || !cadres_assessment_in(r, &a, "draft"))
		return;
	int64_t scored = 0;
	int rc = db_begin(r->db);
	if (rc >= 0)
		rc = cadres_compute(r->db, r->arena, &a, &scored);
	if (rc >= 0)
		rc = cadres_audit(r, "cadres.assessment.compute", "assessment", a.id, a.org_path,
		                  json_pack("{s:I}", "scored", (json_int_t)scored));
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 200, json_pack("{s:I}", "scored", (json_int_t)scored));
}

/*
** ROUTE: PUT /api/v1/cadres/assessments/{id}/scores/{official}/{code}
** AUTH: department
** DUTY: assessment
** SUMMARY: 录入考核得分 Enter a score of an entered indicator
** Body: {"score" (0..100, at most 3 decimals),"basis" (optional: what it
** rests on)}.  Only an item whose source is entered (422 not_entered_item),
** of a subject (404 unknown_subject), in draft (409 wrong_state); a second
** entry replaces the first, audited with the old score.
*/
void score_put(struct request *r)
{
	static const char *const fields[] = {"score", "basis", NULL};
	struct cadres_assessment a;
	int64_t official, score, old = -1;
	const char *code = route_param(r, "code"), *basis = NULL;
	if (!body_only(r, fields) || !body_points(r, "score", FIELD_REQUIRED, &score) ||
	    !body_string(r, "basis", FIELD_OPTIONAL, 2000, &basis) || !route_param_id(r, "official", &official) ||
	    !cadres_assessment_of(r, "id", &a) || !cadres_assessment_in(r, &a, "draft"))
		return;
	int64_t subject = 0, entered = 0;
	int rc = db_query_int64(r->db, &subject,
	                        "SELECT count(*) FROM assessment_subjects WHERE assessment_id = ? AND official_id = ?",
	                        "ii", a.id, official);
	if (rc >= 0 && !subject) {
		reply_error(r, 404, "unknown_subject", NULL, "该干部不在本考核中 (the official is not assessed here)");
		return;
	}
	if (rc >= 0)
		rc = db_query_int64(r->db, &entered,
		                    "SELECT count(*) FROM assessment_scheme_items WHERE scheme_id = ? AND code = ?"
		                    " AND source = 'entered'",
		                    "it", a.scheme_id, code);
	if (rc >= 0 && !entered) {
		reply_error(r, 422, "not_entered_item", "code", "指标 %s 不是录入项 (%s is not an entered item)", code,
		            code);
		return;
	}
	if (rc >= 0)
		rc = db_begin(r->db);
	if (rc >= 0) {
		rc = db_query_int64(r->db, &old,
		                    "SELECT coalesce(score, -1) FROM assessment_scores WHERE assessment_id = ?"
		                    " AND official_id = ? AND code = ?",
		                    "iit", a.id, official, code);
		if (rc == DB_DONE)
			rc = 0;
	}
	if (rc >= 0)
		rc =
		    db_run(r->db,
		           "INSERT INTO assessment_scores(assessment_id, official_id, code, score, basis, entered_by,"
		           " scored_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT (assessment_id, official_id, code) DO UPDATE"
		           " SET score = excluded.score, basis = excluded.basis, entered_by = excluded.entered_by,"
		           " scored_at = excluded.scored_at",
		           "iititii", a.id, official, code, score, basis ? basis : "考核组录入 (entered)",
		           r->who.user_id, clock_now());
	if (rc >= 0) {
		json_t *detail = json_pack("{s:I, s:s, s:o}", "official", (json_int_t)official, "code", code, "score",
		                           cadres_points_json(score));
		if (old >= 0)
			json_object_set_new(detail, "old_score", cadres_points_json(old));
		rc = cadres_audit(r, "cadres.score.enter", "assessment", a.id, a.org_path, detail);
	}
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 200,
		           json_pack("{s:I, s:s, s:o}", "official", (json_int_t)official, "code", code, "score",
		                     cadres_points_json(score)));
}

/* A subject's scores by code into obj["scores"]; own: the official reading their own (no one named). */
static int scores_into(struct request *r, json_t *obj, int64_t assessment, int64_t official, bool own)
{
	struct db_stmt *s;
	int rc = db_prepare(r->db, &s,
	                    "SELECT i.code, i.name, c.score, c.basis, u.id, u.username, u.display_name"
	                    " FROM assessments a JOIN assessment_scheme_items i ON i.scheme_id = a.scheme_id"
	                    " LEFT JOIN assessment_scores c ON c.assessment_id = a.id AND c.official_id = ?2"
	                    "  AND c.code = i.code LEFT JOIN users u ON u.id = c.entered_by"
	                    " WHERE a.id = ?1 ORDER BY i.rowid",
	                    "ii", assessment, official);
	json_t *scores = json_object();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *one =
		    json_pack("{s:s, s:o, s:s?}", "name", db_column_text(s, 1), "score",
		              db_column_is_null(s, 2) ? json_null() : cadres_points_json(db_column_int64(s, 2)),
		              "basis", db_column_text(s, 3));
		if (!own)
			json_object_set_new(one, "entered_by",
			                    db_column_is_null(s, 4)
			                        ? json_null()
			                        : json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 4),
			                                    "username", db_column_text(s, 5), "name",
			                                    db_column_text(s, 6)));
		json_object_set_new(scores, db_column_text(s, 0), one);
	}
	db_finalize(s);
	json_object_set_new(obj, "scores", scores);
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR;
}

static int subject_scores(struct request *r, const struct cadres_assessment *a, json_t *row, int64_t official)
{
	return scores_into(r, row, a->id, official, false);
}

/*
** ROUTE: GET /api/v1/cadres/assessments/{id}/scores
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核得分 Every subject's scores, item by item, with their basis
** items {"official","cohort","scores":{code:{"name","score"|null,"basis",
** "entered_by"|null}}}, by cohort and official.
*/
void assessment_scores(struct request *r)
{
	struct cadres_assessment a;
	if (cadres_assessment_of(r, "id", &a))
		cadres_reply_subjects(r, &a, subject_scores);
}

/* The scheme's rules for rank_cohorts, from the database: 0 or an error. */
struct scheme_rules {
	struct rank_rules rules;
	struct rank_item items[20];
	const char *codes[20], *sources[20];
};

static int scheme_rules(struct db *d, struct arena *ar, int64_t scheme, struct scheme_rules *ret)
{
	struct db_stmt *s;
	*ret = (struct scheme_rules){.rules.items = ret->items};
	int rc = db_prepare(
	    d, &s, "SELECT excellent_pct, competent_min, basic_min FROM assessment_schemes WHERE id = ?", "i", scheme);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		ret->rules.excellent_pct = (int)db_column_int64(s, 0);
		ret->rules.competent_min = db_column_int64(s, 1);
		ret->rules.basic_min = db_column_int64(s, 2);
	}
	db_finalize(s);
	if (rc >= 0)
		rc = db_prepare(d, &s,
		                "SELECT code, name, weight, coalesce(tie_order, 0), source FROM assessment_scheme_items"
		                " WHERE scheme_id = ? ORDER BY rowid",
		                "i", scheme);
	size_t n = 0;
	while (rc >= 0 && n < 20 && (rc = db_step(s)) == DB_ROW) {
		ret->codes[n] = arena_strdup(ar, db_column_text(s, 0));
		ret->items[n] = (struct rank_item){arena_strdup(ar, db_column_text(s, 1)), (int)db_column_int64(s, 2),
		                                   (int)db_column_int64(s, 3)};
		ret->sources[n++] = arena_strdup(ar, db_column_text(s, 4));
	}
	db_finalize(s);
	ret->rules.n_items = n;
	return rc < 0 ? rc : 0;
}

/* Is an unscored item of this source missing (someone must still score it) rather than with nothing to measure? */
static bool missing_when_null(const char *source)
{
	return strcmp(source, "entered") == 0 || strcmp(source, "judgement") == 0;
}

int cadres_rank(struct db *d, struct arena *ar, const struct cadres_assessment *a, json_t **ret_missing,
                int64_t *ret_ranked)
{
	struct scheme_rules sr;
	int64_t n = 0;
	*ret_missing = NULL;
	int rc = scheme_rules(d, ar, a->scheme_id, &sr);
	if (rc >= 0)
		rc = db_query_int64(d, &n, "SELECT count(*) FROM assessment_subjects WHERE assessment_id = ?", "i",
		                    a->id);
	size_t m = sr.rules.n_items;
	struct rank_subject *subjects = arena_alloc(ar, (size_t)n * sizeof *subjects + 1);
	int64_t *officials = arena_alloc(ar, (size_t)n * sizeof *officials + 1),
	        *scores = arena_alloc(ar, (size_t)n * m * sizeof *scores + 1);
	if (!subjects || !officials || !scores)
		rc = DB_ERROR;
	struct db_stmt *s = NULL;
	if (rc >= 0)
		rc = db_prepare(d, &s,
		                "SELECT x.official_id, x.cohort, c.score, c.official_id IS NULL"
		                " FROM assessment_subjects x JOIN assessment_scheme_items i ON i.scheme_id = ?2"
		                " LEFT JOIN assessment_scores c ON c.assessment_id = x.assessment_id"
		                "  AND c.official_id = x.official_id AND c.code = i.code"
		                " WHERE x.assessment_id = ?1 ORDER BY x.official_id, i.rowid",
		                "ii", a->id, a->scheme_id);
	json_t *missing = json_array();
	size_t k = 0, cells = 0;
	while (rc >= 0 && cells < (size_t)n * m && (rc = db_step(s)) == DB_ROW) {
		size_t subject = cells / m, item = cells % m;
		if (item == 0) {
			officials[subject] = db_column_int64(s, 0);
			subjects[subject] = (struct rank_subject){.cohort = arena_strdup(ar, db_column_text(s, 1)),
			                                          .scores = scores + subject * m};
			k = subject + 1;
		}
		bool absent = db_column_int64(s, 3) != 0, null = db_column_is_null(s, 2);
		scores[cells] = null ? RANK_NO_SCORE : db_column_int64(s, 2);
		if (absent || (null && missing_when_null(sr.sources[item])))
			json_array_append_new(missing,
			                      json_pack("{s:I, s:s}", "official", (json_int_t)officials[subject],
			                                "code", sr.codes[item]));
		cells++;
	}
	db_finalize(s);
	if (rc >= 0 && json_array_size(missing)) {
		*ret_missing = missing;
		return -EINVAL;
	}
	json_decref(missing);
	if (rc >= 0 && (rc = rank_cohorts(&sr.rules, subjects, k)) == -EINVAL)
		return -EINVAL; /* someone without any scored item */
	if (rc >= 0)
		rc = db_run(d, "DELETE FROM assessment_results WHERE assessment_id = ?", "i", a->id);
	for (size_t i = 0; rc >= 0 && i < k; i++)
		rc = db_run(
		    d,
		    "INSERT INTO assessment_results(assessment_id, official_id, cohort, total, rank, grade, tie_note)"
		    " VALUES (?,?,?,?,?,?,?)",
		    "iitiitt", a->id, officials[i], subjects[i].cohort, subjects[i].total, (int64_t)subjects[i].rank,
		    rank_grade_name(subjects[i].grade), subjects[i].tie_note[0] ? subjects[i].tie_note : NULL);
	if (rc >= 0)
		rc = db_run(d, "UPDATE assessments SET state = 'ranked', ranked_at = ? WHERE id = ?", "ii", clock_now(),
		            a->id);
	*ret_ranked = (int64_t)k;
	return rc < 0 ? rc : 0;
}

/*
** ROUTE: POST /api/v1/cadres/assessments/{id}/rank
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核排名 Rank the subjects within their cohorts, with the quota of 优秀
** Totals, ranks, ties, the quota and the grades as docs/api.md says (排名);
** state ranked.  409 missing_scores {"missing":[{"official","code"}]} while
** an item is not computed yet, an entered item has no score or the group
** has not judged; 409 wrong_state after draft.  → {"state","ranked"}.
*/
void assessment_rank(struct request *r)
{
	struct cadres_assessment a;
	if (!cadres_assessment_of(r, "id", &a) || !cadres_assessment_in(r, &a, "draft"))
		return;
	json_t *missing = NULL;
	int64_t ranked = 0;
	int rc = db_begin(r->db);
	if (rc >= 0)
		rc = cadres_rank(r->db, r->arena, &a, &missing, &ranked);
	if (rc == -EINVAL) {
		db_rollback(r->db);
		reply_json(
		    r, 409,
		    json_pack("{s:{s:s, s:s, s:n}, s:o}", "error", "code", "missing_scores", "message",
		              "尚有得分未计算或未录入,或有干部没有任何可计分的指标 (some scores are not computed or"
		              " entered yet, or an official has no scored item)",
		              "field", "missing", missing ? missing : json_array()));
		return;
	}
	if (rc >= 0)
		rc = cadres_audit(r, "cadres.assessment.rank", "assessment", a.id, a.org_path,
		                  json_pack("{s:I}", "ranked", (json_int_t)ranked));
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 200, json_pack("{s:s, s:I}", "state", "ranked", "ranked", (json_int_t)ranked));
}

#define RESULT_COLUMNS                                                                                                 \
	CADRES_SUBJECT_OFFICIAL                                                                                        \
	", t.cohort AS cohort, t.total / 1000.0 AS total, t.rank AS rank, t.grade AS grade,"                           \
	" t.tie_note AS tie_note, (SELECT count(*) FROM assessment_objections j WHERE j.assessment_id = "              \
	"t.assessment_id"                                                                                              \
	" AND j.official_id = t.official_id AND j.state = 'open') AS objections_open"                                  \
	" FROM assessment_results t JOIN officials f ON f.id = t.official_id JOIN orgs g ON g.id = f.org_id"

/* o["grade_label"]: the Chinese of o["grade"]. */
static void label_grade(json_t *o)
{
	const char *grade = json_string_value(json_object_get(o, "grade"));
	for (enum rank_grade g = GRADE_EXCELLENT; grade && g <= GRADE_INCOMPETENT; g++)
		if (strcmp(grade, rank_grade_name(g)) == 0)
			json_object_set_new(o, "grade_label", json_string(rank_grade_label(g)));
}

static json_t *result_json(struct request *r, struct db_stmt *s)
{
	(void)r;
	json_t *o = row_as_json(s);
	label_grade(o);
	return o;
}

/*
** ROUTE: GET /api/v1/cadres/assessments/{id}/results
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核结果 The ranking: total, rank and grade of each subject, by cohort and rank
** items {"official","cohort","total","rank","grade","grade_label",
** "tie_note"|null,"objections_open"}.  ?format=xlsx: the same as a
** spreadsheet, stamped with who exported it; csv is refused (422
** xlsx_only): assessment data leaves only as a stamped workbook.
*/
void assessment_results(struct request *r)
{
	const char *format = query_arg(r, "format");
	if (format && strcmp(format, "xlsx") != 0) {
		reply_error(r, 422, strcmp(format, "csv") == 0 ? "xlsx_only" : "invalid_query", "format",
		            "考核数据只能导出为 xlsx (assessment data exports as xlsx only)");
		return;
	}
	struct cadres_assessment a;
	if (!cadres_assessment_of(r, "id", &a))
		return;
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s, "SELECT " RESULT_COLUMNS " WHERE t.assessment_id = ? ORDER BY t.cohort, t.rank, f.id",
	               "i", a.id);
	if (!format) {
		reply_rows(r, rc, s, result_json, 0);
		return;
	}
	json_t *rows = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *o = result_json(r, s), *official = json_object_get(o, "official");
		json_array_append_new(
		    rows,
		    json_pack("[s, s, s, s, O, i, s, O]", json_string_value(json_object_get(official, "name")),
		              json_string_value(json_object_get(official, "post")),
		              json_string_value(json_object_get(json_object_get(official, "org"), "name")),
		              json_string_value(json_object_get(o, "cohort")), json_object_get(o, "total"),
		              (int)json_integer_value(json_object_get(o, "rank")),
		              json_string_value(json_object_get(o, "grade_label")), json_object_get(o, "tie_note")));
		json_decref(o);
	}
	db_finalize(s);
	if (rc != DB_DONE) {
		json_decref(rows);
		reply_db_error(r, rc < 0 ? rc : DB_ERROR);
		return;
	}
	static const char *const headers[] = {"姓名", "职务", "单位", "类别", "总分", "名次", "等次", "并列说明"};
	reply_table(r, "xlsx", arena_printf(r->arena, "%s-结果", a.name), headers, sizeof headers / sizeof headers[0],
	            rows);
	json_decref(rows);
}

/* ---- publicity, objections, the final result ------------------------------------------ */

/*
** ROUTE: POST /api/v1/cadres/assessments/{id}/publicise
** AUTH: department
** DUTY: assessment
** SUMMARY: 公示考核结果 Publicise the ranking for N working days
** Body: {"days" (working days, 1..30, default 5)}: from the next working day,
** on the working-day calendar, as the refunds' publicity.  Only a ranked
** assessment (409 wrong_state).  → {"publicity_start","publicity_end"}.
*/
void assessment_publicise(struct request *r)
{
	static const char *const fields[] = {"days", NULL};
	struct cadres_assessment a;
	int64_t days = 5;
	if (!body_only(r, fields) || !body_int64(r, "days", FIELD_OPTIONAL, 1, 30, &days, NULL) ||
	    !cadres_assessment_of(r, "id", &a) || !cadres_assessment_in(r, &a, "ranked"))
		return;
	char start[11], end[11];
	calendar_publicity_window(calendar_china(), clock_local_day(clock_now()), (int)days, start, end);
	int rc = db_begin(r->db);
	if (rc >= 0)
		rc = db_run(
		    r->db,
		    "UPDATE assessments SET state = 'publicised', publicity_start = ?, publicity_end = ? WHERE id = ?",
		    "tti", start, end, a.id);
	if (rc >= 0)
		rc = cadres_audit(r, "cadres.assessment.publicise", "assessment", a.id, a.org_path,
		                  json_pack("{s:I, s:s, s:s}", "days", (json_int_t)days, "start", start, "end", end));
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 200,
		           json_pack("{s:s, s:s, s:s}", "state", "publicised", "publicity_start", start,
		                     "publicity_end", end));
}

/*
** ROUTE: POST /api/v1/cadres/assessments/{id}/objections
** AUTH: any
** SUMMARY: 对考核结果提出异议 Object to a publicised result
** Body: {"official","reason"}.  Any signed-in user (not an API key: 403), while the assessment is in
** its publicity window (409 not_in_publicity; 404 unknown_assessment), about
** one of its subjects (422 not_subject).  Who lodged it is kept for the
** organisation department alone.
*/
void objection_post(struct request *r)
{
	static const char *const fields[] = {"official", "reason", NULL};
	int64_t id, official;
	const char *reason;
	if (!body_only(r, fields) || !body_int64(r, "official", FIELD_REQUIRED, 1, INT64_MAX, &official, NULL) ||
	    !body_string(r, "reason", FIELD_REQUIRED, 2000, &reason) || !route_param_id(r, "id", &id))
		return;
	if (!r->who.user_id) { /* the department must be able to ask who objected */
		reply_error(r, 403, "forbidden", NULL, "仅限用户本人 (for users, not API keys)");
		return;
	}
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT a.publicity_start, a.publicity_end, o.path, a.state FROM assessments a"
	               " JOIN assessment_schemes c ON c.id = a.scheme_id JOIN orgs o ON o.id = c.org_id WHERE a.id = ?",
	               "i", id);
	if (!db_row_or_reply(r, rc, s, "unknown_assessment", "考核不存在 (no such assessment)"))
		return;
	char today[11];
	clock_format_date(clock_local_day(clock_now()), today);
	bool open = strcmp(db_column_text(s, 3), "publicised") == 0 &&
	            calendar_window_open(db_column_text(s, 0), db_column_text(s, 1), today);
	const char *path = arena_strdup(r->arena, db_column_text(s, 2));
	db_finalize(s);
	if (!open) {
		reply_error(r, 409, "not_in_publicity", NULL,
		            "该考核结果不在公示期内 (the result is not in publicity)");
		return;
	}
	int64_t subject = 0;
	rc = db_query_int64(r->db, &subject,
	                    "SELECT count(*) FROM assessment_subjects WHERE assessment_id = ? AND official_id = ?",
	                    "ii", id, official);
	if (rc >= 0 && !subject) {
		reply_error(r, 422, "not_subject", "official",
		            "该干部不在本考核中 (the official is not assessed here)");
		return;
	}
	if (rc >= 0)
		rc = db_begin(r->db);
	if (rc >= 0)
		rc =
		    db_run(r->db,
		           "INSERT INTO assessment_objections(assessment_id, official_id, reason, lodged_by, lodged_at)"
		           " VALUES (?,?,?,?,?)",
		           "iitii", id, official, reason, r->who.user_id, clock_now());
	int64_t objection = db_last_insert_id(r->db);
	if (rc >= 0)
		rc = cadres_audit(
		    r, "cadres.objection.lodge", "objection", objection, path,
		    json_pack("{s:I, s:I}", "assessment", (json_int_t)id, "official", (json_int_t)official));
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)objection));
}

/*
** ROUTE: GET /api/v1/cadres/assessments/{id}/objections
** AUTH: department
** DUTY: assessment
** SUMMARY: 考核公示异议 The objections to an assessment's results, with who lodged them
*/
void objections_list(struct request *r)
{
	struct cadres_assessment a;
	if (!cadres_assessment_of(r, "id", &a))
		return;
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT j.id AS id, " CADRES_SUBJECT_OFFICIAL ", j.reason AS reason, u.id AS \"lodged_by.id\","
	               " u.username AS \"lodged_by.username\", u.display_name AS \"lodged_by.name\","
	               " j.lodged_at AS \"lodged_at:time\", j.state AS state, j.resolution AS resolution"
	               " FROM assessment_objections j JOIN officials f ON f.id = j.official_id"
	               " JOIN orgs g ON g.id = f.org_id JOIN users u ON u.id = j.lodged_by"
	               " WHERE j.assessment_id = ? ORDER BY j.id",
	               "i", a.id);
	reply_rows(r, rc, s, row_as_json_of, 0);
}

/*
** ROUTE: POST /api/v1/cadres/objections/{id}/resolve
** AUTH: department
** DUTY: assessment
** SUMMARY: 处理考核异议 Resolve an objection: upheld sends the assessment back to draft
** Body: {"outcome": "upheld"|"dismissed","resolution"}.  An open objection
** (409 wrong_state) of an assessment in the area (404 unknown_objection).
** Upheld: the assessment returns to draft, its ranking and window cleared,
** for the correction (scores editable again, ranked and publicised again).
*/
void objection_resolve(struct request *r)
{
	static const char *const fields[] = {"outcome", "resolution", NULL};
	static const char *const outcomes[] = {"upheld", "dismissed", NULL};
	const char *outcome, *resolution;
	int64_t id;
	if (!body_only(r, fields) || !body_string(r, "outcome", FIELD_REQUIRED, 16, &outcome) ||
	    !body_string(r, "resolution", FIELD_REQUIRED, 2000, &resolution) || !route_param_id(r, "id", &id) ||
	    choice_or_reply(r, "invalid_outcome", "outcome", outcome, outcomes) < 0)
		return;
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT j.state, j.assessment_id, o.path FROM assessment_objections j"
	               " JOIN assessments a ON a.id = j.assessment_id JOIN assessment_schemes c ON c.id = a.scheme_id"
	               " JOIN orgs o ON o.id = c.org_id WHERE j.id = ?1 AND substr(o.path, 1, length(?2)) = ?2",
	               "it", id, request_area(r));
	if (!db_row_or_reply(r, rc, s, "unknown_objection", "异议不存在 (no such objection)"))
		return;
	bool open = strcmp(db_column_text(s, 0), "open") == 0;
	int64_t assessment = db_column_int64(s, 1);
	const char *path = arena_strdup(r->arena, db_column_text(s, 2));
	db_finalize(s);
	if (!open) {
		reply_error(r, 409, "wrong_state", NULL, "该异议已处理 (the objection was resolved already)");
		return;
	}
	bool upheld = strcmp(outcome, "upheld") == 0;
	rc = db_begin(r->db);
	if (rc >= 0)
		rc = db_run(
		    r->db,
		    "UPDATE assessment_objections SET state = ?, resolution = ?, resolved_by = ?, resolved_at = ?"
		    " WHERE id = ?",
		    "ttiii", outcome, resolution, r->who.user_id, clock_now(), id);
	if (rc >= 0 && upheld)
		rc = db_run(r->db, "DELETE FROM assessment_results WHERE assessment_id = ?", "i", assessment);
	if (rc >= 0 && upheld)
		rc = db_run(r->db,
		            "UPDATE assessments SET state = 'draft', publicity_start = NULL, publicity_end = NULL,"
		            " ranked_at = NULL WHERE id = ?",
		            "i", assessment);
	if (rc >= 0)
		rc = cadres_audit(r, "cadres.objection.resolve", "objection", id, path,
		                  json_pack("{s:I, s:s, s:s}", "assessment", (json_int_t)assessment, "outcome", outcome,
		                            "resolution", resolution));
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 200,
		           json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "state", outcome, "assessment_state",
		                     upheld ? "draft" : "publicised"));
}

/*
** ROUTE: POST /api/v1/cadres/assessments/{id}/finalise
** AUTH: department
** DUTY: assessment
** SUMMARY: 确定考核结果 Make the results final once the publicity is over
** Only a publicised assessment (409 wrong_state), after its window (409
** publicity_open) and with no open objection (409 objections_open).
*/
void assessment_finalise(struct request *r)
{
	struct cadres_assessment a;
	if (!cadres_assessment_of(r, "id", &a) || !cadres_assessment_in(r, &a, "publicised"))
		return;
	char today[11];
	clock_format_date(clock_local_day(clock_now()), today);
	if (strcmp(today, a.publicity_end) <= 0) {
		reply_error(r, 409, "publicity_open", NULL, "公示期至 %s 结束,之后方可确定 (publicity runs until %s)",
		            a.publicity_end, a.publicity_end);
		return;
	}
	int64_t open = 0;
	int rc = db_query_int64(r->db, &open,
	                        "SELECT count(*) FROM assessment_objections WHERE assessment_id = ? AND state = 'open'",
	                        "i", a.id);
	if (rc >= 0 && open) {
		reply_error(r, 409, "objections_open", NULL, "尚有 %lld 件异议未处理 (%lld objections open)",
		            (long long)open, (long long)open);
		return;
	}
	if (rc >= 0)
		rc = db_begin(r->db);
	if (rc >= 0)
		rc = db_run(r->db,
		            "UPDATE assessments SET state = 'final', finalised_by = ?, finalised_at = ? WHERE id = ?",
		            "iii", r->who.user_id, clock_now(), a.id);
	if (rc >= 0)
		rc = cadres_audit(r, "cadres.assessment.finalise", "assessment", a.id, a.org_path, NULL);
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)a.id, "state", "final"));
}

/*
** ROUTE: GET /api/v1/cadres/officials/{id}/assessments
** AUTH: any
** SUMMARY: 本人考核结果 An official's assessments: state, result and scores with their basis
** The official (through their linked user) and the department; anyone else
** 403 not_your_file.  The official sees their result and scores only once
** the assessment is publicised or final (before: null), and the survey only
** as its mean when shown; the department sees them at any state.  Audited
** (cadres.assessments.read) before it is answered.
*/
void official_assessments(struct request *r)
{
	struct cadres_official o;
	int own = cadres_official_for_caller(r, &o);
	if (own < 0)
		return;
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT a.id AS \"assessment.id\", a.name AS \"assessment.name\","
	               " a.starts_on AS \"assessment.starts_on:date\", a.ends_on AS \"assessment.ends_on:date\","
	               " a.state AS state, " CADRES_STATE_LABEL " AS state_label,"
	               " x.cohort AS cohort, t.total / 1000.0 AS \"result.total\", t.rank AS \"result.rank\","
	               " t.grade AS \"result.grade\", t.tie_note AS \"result.tie_note\""
	               " FROM assessment_subjects x JOIN assessments a ON a.id = x.assessment_id"
	               " LEFT JOIN assessment_results t ON t.assessment_id = a.id AND t.official_id = x.official_id"
	               " WHERE x.official_id = ? ORDER BY a.starts_on DESC, a.id DESC",
	               "i", o.id);
	json_t *items = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		json_t *row = row_as_json(s), *result = json_object_get(row, "result");
		json_array_append_new(items, row);
		const char *state = db_named_text(s, "state");
		bool shown = !own || strcmp(state, "publicised") == 0 || strcmp(state, "final") == 0;
		if (shown && !db_named_is_null(s, "result.rank"))
			label_grade(result);
		else
			json_object_set_new(row, "result", json_null());
		if (shown)
			rc = scores_into(r, row,
			                 json_integer_value(json_object_get(json_object_get(row, "assessment"), "id")),
			                 o.id, own);
		else
			json_object_set_new(row, "scores", json_null());
	}
	db_finalize(s);
	if (rc == DB_DONE)
		rc = cadres_audit_read(r, "cadres.assessments.read", &o, json_pack("{s:b}", "own", own));
	reply_json_or_db_error(r, rc < 0 ? rc : 0, json_pack("{s:o}", "items", items));
}
