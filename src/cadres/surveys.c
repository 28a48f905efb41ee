/*
** The 360 survey (360度测评): the department invites raters for each
** subject; each rater answers once, anonymously; a subject's mean is shown
** only when at least the scheme's minimum of raters answered.
**
** Nothing links a rater to a score: an answer's row carries no rater and a
** random id (so neither its id nor its place in the table tells when it came
** in), the rater's invitation only says that they answered, and the audit
** record of an answer names neither the rater (it is written as
** "anonymous-rater", without address or request id) nor the score.
*/
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "cadres/cadres.h"
#include "org/org.h"

int cadres_survey_tally(struct db *d, int64_t assessment, int64_t official, int64_t min_raters, int64_t *ret_invited,
                        int64_t *ret_answered, int64_t *ret_mean)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(d, &s,
	               "SELECT (SELECT count(*) FROM assessment_raters WHERE assessment_id = ?1 AND official_id = ?2),"
	               " count(*), coalesce(sum(score), 0) FROM assessment_survey_answers"
	               " WHERE assessment_id = ?1 AND official_id = ?2",
	               "ii", assessment, official);
	if (rc >= 0 && (rc = db_step(s)) == DB_ROW) {
		*ret_invited = db_column_int64(s, 0);
		*ret_answered = db_column_int64(s, 1);
		int64_t sum = db_column_int64(s, 2);
		*ret_mean = *ret_answered >= min_raters && *ret_answered > 0
		                ? (2 * sum + *ret_answered) / (2 * *ret_answered)
		                : RANK_NO_SCORE;
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

/*
** ROUTE: POST /api/v1/cadres/assessments/{id}/raters
** AUTH: department
** DUTY: assessment
** SUMMARY: 邀请360测评人 Invite raters for the 360 survey
** Body: {"raters":[{"official","user" (username),"relation": "superior"|
** "peer"|"subordinate"|"public"}]}.  The official must be a subject (422
** not_subject), the user exist (422 unknown_user), and never the official
** themselves (422 self_rating); one invited twice counts once.  In draft
** only (409 wrong_state).  → 201 {"invited"}: those newly invited.
*/
void raters_post(struct request *r)
{
	static const char *const fields[] = {"raters", NULL};
	static const char *const relations[] = {"superior", "peer", "subordinate", "public", NULL};
	struct cadres_assessment a;
	json_t *raters = json_object_get(r->json, "raters");
	if (!body_only(r, fields) || !cadres_assessment_of(r, "id", &a) || !cadres_assessment_in(r, &a, "draft"))
		return;
	if (!json_is_array(raters) || json_array_size(raters) < 1 || json_array_size(raters) > 1000) {
		reply_error(r, 422, "invalid_field", "raters", "raters 应为 1 至 1000 项 (raters: 1 to 1000)");
		return;
	}
	int rc = db_begin(r->db);
	int64_t invited = 0;
	size_t i;
	json_t *v;
	json_array_foreach(raters, i, v)
	{
		if (rc < 0)
			break;
		int64_t official = json_integer_value(json_object_get(v, "official")), subject = 0, user = 0,
		        official_user = 0;
		const char *username = json_string_value(json_object_get(v, "user")),
		           *relation = json_string_value(json_object_get(v, "relation"));
		if (!relation || choice_or_reply(r, "invalid_relation", "raters", relation, relations) < 0) {
			if (!relation)
				reply_error(r, 422, "invalid_relation", "raters",
				            "第 %zu 项缺少 relation (rater %zu: no relation)", i + 1, i + 1);
			rc = -EINVAL;
			break;
		}
		rc = db_query_int64(r->db, &subject,
		                    "SELECT coalesce(f.user_id, 0) FROM assessment_subjects x JOIN officials f"
		                    " ON f.id = x.official_id WHERE x.assessment_id = ? AND x.official_id = ?",
		                    "ii", a.id, official);
		if (rc == DB_DONE) {
			reply_error(r, 422, "not_subject", "raters", "第 %zu 项的干部不在本考核中 (not a subject)",
			            i + 1);
			rc = -EINVAL;
			break;
		}
		official_user = subject;
		if (rc >= 0)
			rc = db_query_int64(r->db, &user, "SELECT id FROM users WHERE username = ?", "t",
			                    username ? username : "");
		if (rc == DB_DONE) {
			reply_error(r, 422, "unknown_user", "raters", "第 %zu 项的用户不存在 (no such user)", i + 1);
			rc = -EINVAL;
			break;
		}
		if (rc >= 0 && user == official_user) {
			reply_error(r, 422, "self_rating", "raters",
			            "干部不能测评本人 (an official never rates themselves)");
			rc = -EINVAL;
			break;
		}
		if (rc >= 0)
			rc = db_run(r->db,
			            "INSERT INTO assessment_raters(assessment_id, official_id, user_id, relation)"
			            " VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
			            "iiit", a.id, official, user, relation);
		if (rc >= 0)
			invited += db_changes(r->db);
	}
	if (rc >= 0)
		rc = cadres_audit(r, "cadres.survey.invite", "assessment", a.id, a.org_path,
		                  json_pack("{s:O, s:I}", "raters", raters, "invited", (json_int_t)invited));
	if (rc == -EINVAL) {
		db_rollback(r->db);
		return;
	}
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 201, json_pack("{s:I}", "invited", (json_int_t)invited));
}

/*
** ROUTE: GET /api/v1/cadres/surveys/mine
** AUTH: any
** SUMMARY: 我的360测评 The surveys the caller is invited to and has not answered
** items {"assessment":{"id","name"},"official","relation"} of assessments
** still in draft.
*/
void surveys_mine(struct request *r)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(r->db, &s,
	               "SELECT a.id AS \"assessment.id\", a.name AS \"assessment.name\", " CADRES_SUBJECT_OFFICIAL ","
	               " t.relation AS relation FROM assessment_raters t JOIN assessments a ON a.id = t.assessment_id"
	               " JOIN officials f ON f.id = t.official_id JOIN orgs g ON g.id = f.org_id"
	               " WHERE t.user_id = ? AND t.answered = 0 AND a.state = 'draft' ORDER BY a.id, f.id",
	               "i", r->who.user_id);
	reply_rows(r, rc, s, row_as_json_of, 0);
}

/* A random positive id for an answer: its id says nothing of when it came in. */
static int64_t random_id(void)
{
	uint64_t v;
	do
		randombytes_buf(&v, sizeof v);
	while ((v & INT64_MAX) == 0);
	return (int64_t)(v & INT64_MAX);
}

int cadres_survey_answer(struct db *d, int64_t assessment, int64_t official, int64_t user, const char *relation,
                         int64_t score, const char *comment)
{
	int rc = db_run(d,
	                "UPDATE assessment_raters SET answered = 1 WHERE assessment_id = ? AND official_id = ?"
	                " AND user_id = ? AND answered = 0",
	                "iii", assessment, official, user);
	if (rc >= 0 && db_changes(d) == 0)
		return -EEXIST;
	if (rc >= 0)
		rc = db_run(
		    d,
		    "INSERT INTO assessment_survey_answers(id, assessment_id, official_id, relation, score, comment)"
		    " VALUES (?,?,?,?,?,?)",
		    "iiitit", random_id(), assessment, official, relation, score, comment);
	return rc < 0 ? rc : 0;
}

/*
** ROUTE: POST /api/v1/cadres/assessments/{id}/survey/{official}
** AUTH: any
** SUMMARY: 360测评作答 Answer the 360 survey about an official, anonymously
** Body: {"score" (0..100),"comment" (optional)}.  The invited rater only (403
** not_invited, also for an assessment that does not exist), once (409
** already_answered), while the assessment is in draft (409 wrong_state).
** The answer carries no rater; see surveys.c.  → 201 {"answered": true}.
*/
void survey_answer(struct request *r)
{
	static const char *const fields[] = {"score", "comment", NULL};
	int64_t id, official, score, answered = 0;
	const char *comment = NULL;
	if (!body_only(r, fields) || !body_points(r, "score", FIELD_REQUIRED, &score) ||
	    !body_string(r, "comment", FIELD_OPTIONAL, 2000, &comment) || !route_param_id(r, "id", &id) ||
	    !route_param_id(r, "official", &official))
		return;
	struct db_stmt *s;
	int rc = db_prepare(
	    r->db, &s,
	    "SELECT t.answered, t.relation, a.state, o.path FROM assessment_raters t"
	    " JOIN assessments a ON a.id = t.assessment_id JOIN assessment_schemes c ON c.id = a.scheme_id"
	    " JOIN orgs o ON o.id = c.org_id WHERE t.assessment_id = ? AND t.official_id = ? AND t.user_id = ?",
	    "iii", id, official, r->who.user_id);
	if (rc >= 0 && (rc = db_step(s)) == DB_DONE) {
		db_finalize(s);
		reply_error(r, 403, "not_invited", NULL,
		            "您未受邀测评该干部 (you are not invited to rate this official)");
		return;
	}
	if (rc < 0) {
		db_finalize(s);
		reply_db_error(r, rc);
		return;
	}
	answered = db_column_int64(s, 0);
	const char *relation = arena_strdup(r->arena, db_column_text(s, 1)),
	           *path = arena_strdup(r->arena, db_column_text(s, 3));
	bool draft = strcmp(db_column_text(s, 2), "draft") == 0;
	db_finalize(s);
	if (answered) {
		reply_error(r, 409, "already_answered", NULL, "您已测评过该干部 (you have answered already)");
		return;
	}
	if (!draft) {
		reply_error(r, 409, "wrong_state", NULL, "测评已结束 (the survey is closed)");
		return;
	}
	rc = db_begin(r->db);
	if (rc >= 0)
		rc = cadres_survey_answer(r->db, id, official, r->who.user_id, relation, score, comment);
	if (rc == -EEXIST) { /* answered meanwhile */
		db_rollback(r->db);
		reply_error(r, 409, "already_answered", NULL, "您已测评过该干部 (you have answered already)");
		return;
	}
	if (rc >= 0) {
		/* Not the caller's context: the record says an answer came, not whose, nor what. */
		struct audit_context anonymous = {.actor = "anonymous-rater"};
		json_t *detail = json_pack("{s:I}", "official", (json_int_t)official);
		rc = audit_append(r->db, &anonymous, "cadres.survey.answer", "assessment",
		                  arena_printf(r->arena, "%lld", (long long)id), path, detail);
		json_decref(detail);
	}
	if (db_finish_or_reply(r, rc < 0 ? rc : 0))
		reply_json(r, 201, json_pack("{s:b}", "answered", 1));
}

static int subject_survey(struct request *r, const struct cadres_assessment *a, json_t *row, int64_t official)
{
	int64_t invited = 0, answered = 0, mean = RANK_NO_SCORE;
	int rc = cadres_survey_tally(r->db, a->id, official, a->min_raters, &invited, &answered, &mean);
	json_object_set_new(row, "invited", json_integer(invited));
	json_object_set_new(row, "answered", json_integer(answered));
	json_object_set_new(row, "mean", mean == RANK_NO_SCORE ? json_null() : cadres_points_json(mean));
	json_object_set_new(row, "shown", json_boolean(mean != RANK_NO_SCORE));
	if (rc < 0 || mean == RANK_NO_SCORE)
		return rc;
	/* The comments with the mean, in the answers' random order: whose each is stays unknown. */
	struct db_stmt *s;
	rc = db_prepare(r->db, &s,
	                "SELECT comment AS comment FROM assessment_survey_answers WHERE assessment_id = ?"
	                " AND official_id = ? AND comment IS NOT NULL ORDER BY id",
	                "ii", a->id, official);
	json_t *comments = json_array();
	while (rc >= 0 && (rc = db_step(s)) == DB_ROW)
		json_array_append_new(comments, json_string(db_column_text(s, 0)));
	db_finalize(s);
	json_object_set_new(row, "comments", comments);
	return rc == DB_DONE ? 0 : rc < 0 ? rc : DB_ERROR;
}

/*
** ROUTE: GET /api/v1/cadres/assessments/{id}/survey
** AUTH: department
** DUTY: assessment
** SUMMARY: 360测评情况 Each subject's survey: invited, answered, and the mean once shown
** items {"official","cohort","invited","answered","mean"|null,"shown"}: the
** mean only when at least the scheme's min_raters answered, and then also the
** answers' "comments".
*/
void survey_list(struct request *r)
{
	struct cadres_assessment a;
	if (cadres_assessment_of(r, "id", &a))
		cadres_reply_subjects(r, &a, subject_survey);
}
