/*
** Frontline assessment of officials (一线考核): the organisation department's
** tool.  "三分之二人员沉到一线,三分之二工作时间用在一线": two thirds of the
** staff at the front line, two thirds of working time spent there, measured
** from the platform's own records and confirmed entries.
**
** What is pure lives in frontline.c and rank.c, so unit tests reach it
** without a database: a person's frontline time on the working-day calendar,
** the two-thirds rule over a group, and an assessment's ranking.  officials.c
** holds the officials and central tasks, entries.c the frontline entries and
** the figures, schemes.c the assessment schemes and assessments, scores.c
** their scores, ranking, publicity and objections, surveys.c the 360 survey,
** demo.c and demo_scores.c the demo.
*/
#ifndef BANYAN_CADRES_CADRES_H
#define BANYAN_CADRES_CADRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct calendar;

/* Which part of a day a record covers. */
enum { FRONT_MORNING = 1, FRONT_AFTERNOON = 2, FRONT_WHOLE_DAY = 3 };

/* One record of frontline work of one person: a day and the halves it covers. */
struct front_mark {
	int32_t day;
	unsigned halves; /* FRONT_MORNING, FRONT_AFTERNOON or FRONT_WHOLE_DAY */
};

/* A period of at most a year and which of its days are working days. */
enum { FRONT_MAX_DAYS = 366 };
struct front_period {
	int32_t from, to; /* inclusive */
	int working_days; /* make-up working days included, holidays not */
	bool working[FRONT_MAX_DAYS];
};

/* The period from..to on the calendar: 0, or -EINVAL when to < from or it spans more than FRONT_MAX_DAYS days. */
int front_period_init(struct front_period *p, const struct calendar *c, int32_t from, int32_t to);

/*
** A person's frontline time in the period: the number of half days at the
** front line on its working days.  Each day counts once however many records
** it has: the halves of its records are united (a morning and an afternoon
** make a whole day, two mornings one morning).  Days off (weekends,
** holidays) and days outside the period add nothing: the rule measures
** working time.  The marks may come in any order.  Pure.
*/
int64_t front_half_days(const struct front_period *p, const struct front_mark *marks, size_t n);

/*
** The reading of the two-thirds rule (docs/api.md, 一线考核):
**  - an official is at the front line (沉到一线) in a period when they have
**    any counted frontline time on its working days;
**  - the staff clause holds when at least two thirds of an organisation's
**    officials are at the front line: 3 × at_front ≥ 2 × staff;
**  - the time clause holds when each official at the front line spent at
**    least two thirds of the period's working days there:
**    3 × half_days ≥ 4 × working_days (half_days / (2 × working_days) ≥ 2/3);
**  - the rule is met when both hold.  Officials who fall short are those not
**    at the front line and those there for less than two thirds of the time.
** Exact integer comparisons: no rounding decides a verdict.
*/
bool front_time_met(int64_t half_days, int working_days);

struct front_tally {
	int64_t staff;      /* officials counted */
	int64_t at_front;   /* with any frontline time */
	int64_t time_short; /* at the front line for less than two thirds of the time */
	int64_t half_days;  /* everyone's, for the organisation's average */
};

/* Count one official with their half days into t. */
void front_tally_add(struct front_tally *t, int64_t half_days, int working_days);
/* The staff clause, the time clause, and the rule (both); none holds for an organisation without staff. */
bool front_staff_met(const struct front_tally *t);
bool front_time_clause_met(const struct front_tally *t);
bool front_rule_met(const struct front_tally *t);

/* ---- the server side (officials.c, entries.c, demo.c) ---- */

#include <jansson.h>

struct request;
struct org;

/* Does the caller run assessments: a department's staff whose organisation holds the duty "assessment"?  1, 0 or a database error. */
int cadres_assessor(struct request *r);

/* The organisation of ?org= (default: scope itself), inside scope (a path).  Answers 422/403 itself. */
bool cadres_org_arg(struct request *r, const char *scope, struct org *ret);

struct cadres_official {
	int64_t id, user_id; /* user_id 0: not linked */
	const char *org_path;
};

/*
** The official of the route's {id}, if the caller may read their file: 1 the
** official themselves (their linked user), 0 the organisation department's
** staff of the official's area; -1 having answered 403 (anyone else, without
** saying whether the official exists), 404 or the database error.
*/
int cadres_official_for_caller(struct request *r, struct cadres_official *ret);

/*
** A department staffer who is also an official records nothing about
** themselves (judgements, scores, outcomes, the pool, care): true, or false
** having answered 403 own_record when official_user_id is the caller.
*/
bool cadres_not_own_or_reply(struct request *r, int64_t official_user_id);
/* cadres_official_for_caller() for a write: the department's staff only, never about themselves. */
bool cadres_official_to_record(struct request *r, struct cadres_official *ret);

/*
** The central tasks an official is on: directly, or through their
** organisation or one above it (?1 the official, ?2 its organisation's path).
*/
#define OFFICIAL_TASKS                                                                                                 \
	"SELECT task_id FROM central_task_officials WHERE official_id = ?1 UNION SELECT a.task_id FROM"                \
	" central_task_orgs a JOIN orgs g ON g.id = a.org_id WHERE substr(?2, 1, length(g.path)) = g.path"

/* Audit a read of an official's file (action, detail stolen) in a transaction of its own: 0 or a database error. */
int cadres_audit_read(struct request *r, const char *action, const struct cadres_official *o, json_t *detail);

/*
** An official's frontline half days in a period (entries.c): the platform's
** records through their user (0: not linked) and their confirmed entries,
** read with one statement reused from one official to the next.
*/
struct arena;
struct db;
struct db_stmt;
struct front_reader {
	struct db_stmt *stmt;
	struct front_mark *marks;
	size_t n, cap;
};
int front_reader_open(struct db *d, struct front_reader *f);
/* 0 with *ret, or a database error. */
int front_reader_half_days(struct front_reader *f, int64_t official, int64_t user, const struct front_period *p,
                           int64_t *ret);
void front_reader_close(struct front_reader *f); /* also after a failed open */

/* The demo's officials, tasks and entries (after the other domains' demo data). */
int cadres_demo(const char *db_path);

/* ---- what follows an assessment (outcomes.c, reserve.c, care.c, demo_outcomes.c) ---- */

struct db;
struct db_stmt;
/* ---- assessment groups and their methods' evidence (groups.c, methods.c, demo_groups.c) ---- */

/* A body field that must be an array of at most max elements: true with *ret (NULL when absent); answers 422 itself. */
bool body_array(struct request *r, const char *field, size_t max, json_t **ret);

/* An official as lists nest them, under "official" (o: officials, g: their organisation). */
#define CADRES_OFFICIAL_JSON                                                                                           \
	"o.id AS \"official.id\", o.name AS \"official.name\", o.post AS \"official.post\","                           \
	" g.code AS \"official.org.code\", g.name AS \"official.org.name\","                                           \
	" o.leading_group AS \"official.leading_group:bool\""
/* Who recorded a row, as the JSON names users (u: users). */
#define CADRES_RECORDED_BY_JSON                                                                                        \
	"u.id AS \"recorded_by.id\", u.username AS \"recorded_by.username\", u.display_name AS \"recorded_by.name\""

/*
** The arguments of a list that may be downloaded: ?limit= and ?cursor= (see
** page_args()), and ?format=: absent, a page of the JSON list (*ret_export
** false); "xlsx", the whole list as a sheet.  Assessment data leaves only as
** xlsx, which reply_table stamps with who exported it: anything else answers
** 422 xlsx_only.  Returns false having answered.
*/
bool cadres_list_args(struct request *r, int64_t *ret_limit, int64_t *ret_cursor, bool *ret_export);
/* A list's download: its file name, and each column's title and the path of its value in an item ("official.org.name"). */
struct cadres_sheet {
	const char *filename;
	const char *const *headers, *const *paths;
	size_t n_cols;
};
/*
** Answer a list (rc, s, row and limit as for reply_rows()), or with sheet,
** the same rows as an xlsx download.
*/
void cadres_reply_list(struct request *r, int rc, struct db_stmt *s,
                       json_t *(*row)(struct request *r, struct db_stmt *s), int64_t limit,
                       const struct cadres_sheet *sheet);
/* Audit a change (detail stolen) of the object type/id, at the organisation path, inside the caller's transaction. */
int cadres_audit(struct request *r, const char *action, const char *type, int64_t id, const char *path, json_t *detail);
/* Put an official's reserve-pool stays, newest first, into obj under key: 0 or a database error. */
int cadres_reserve_stays_into(struct request *r, json_t *obj, const char *key, int64_t official);
/*
** The demo's care for its frontline officials, and, when the final
** assessment "2020年疫情防控一线考核" exists, outcomes and reserve-pool
** entries for its 优秀 officials (inside cadres_demo()'s transaction).
*/
int cadres_demo_outcomes(struct db *d);
/* The ids of the officials assessment group ?1 assesses: of its organisations' subtrees and of its task. */
extern const char cadres_assessed_sql[];

struct cadres_group {
	int64_t id, task_id;         /* task_id 0: none */
	const char *name, *org_path; /* org_path: the department's area that formed it */
	int32_t starts_on, ends_on;
	bool member; /* the caller is one of its members */
};

/* Group id on the department's branch: true, or false having answered 404 unknown_group or the error. */
bool cadres_group_load(struct request *r, int64_t id, struct cadres_group *ret);
/* The same for the route's {id}. */
bool cadres_group_of_route(struct request *r, struct cadres_group *ret);
/* Is the caller one of the group's members?  Otherwise answers 403 not_group_member. */
bool cadres_group_member_or_reply(struct request *r, const struct cadres_group *g);

/*
** The demo's assessment groups of 2020 (inside cadres_demo()'s transaction):
** one on the epidemic front line (task epidemic), one on the key projects
** (task key_projects), with their evidence and judgements; zzb the
** department's user who records it.
*/
int cadres_demo_groups(struct db *d, int64_t epidemic, int64_t key_projects, int64_t zzb);
/* ---- assessments: schemes, scores, 360 surveys, rankings (schemes.c, scores.c, surveys.c, rank.c) ---- */

/*
** Ranking, pure (rank.c): totals, ranks within each cohort, ties, the quota
** of 优秀 and the grades.  Scores are thousandths of a point.
*/
enum { RANK_NO_SCORE = -1 }; /* an item with nothing to measure: left out, the others reweighted */
enum rank_grade { GRADE_EXCELLENT, GRADE_COMPETENT, GRADE_BASIC, GRADE_INCOMPETENT };

struct rank_item {
	const char *name;
	int weight;
	int tie_order; /* 0: breaks no tie; else 1, 2, ... in the order the items are tried */
};

struct rank_rules {
	const struct rank_item *items;
	size_t n_items;
	int excellent_pct;                /* 优秀 for at most floor(pct × cohort size / 100) */
	int64_t competent_min, basic_min; /* 称职 from competent_min, 基本称职 from basic_min */
};

struct rank_subject {
	const char *cohort;
	const int64_t *scores; /* n_items of them, RANK_NO_SCORE where not scored */
	/* Set by rank_cohorts(): */
	int64_t total; /* Σ weight × score / Σ weight over the scored items, rounded half up */
	int rank;      /* within the cohort from 1; those still tied after the tie items share it */
	enum rank_grade grade;
	char tie_note[320]; /* how a tie was settled, in words; "" without a tie */
};

/*
** Rank the n subjects (see docs/api.md, 排名): each cohort apart; totals
** compared exactly (no rounding decides a rank); equal totals broken by the
** items with a tie_order, in that order, the higher score first (an item
** without a score below any score); those still equal share a rank.  优秀
** goes down the ranking to those with at least competent_min while the quota
** holds; a tied group that would exceed it gets none, nor does anyone below
** it.  0, -EINVAL when a subject has no scored item, or -ENOMEM.
*/
int rank_cohorts(const struct rank_rules *rules, struct rank_subject *subjects, size_t n);

/* "excellent", …, and 优秀, 称职, 基本称职, 不称职. */
const char *rank_grade_name(enum rank_grade g);
const char *rank_grade_label(enum rank_grade g);

/* The assessment routes' shared parts (schemes.c). */
struct cadres_assessment {
	int64_t id, scheme_id, group_id; /* group_id 0: none */
	int32_t starts_on, ends_on;
	const char *name, *state, *org_path, *publicity_start, *publicity_end; /* the window NULL until publicised */
	int64_t min_raters;
};
/* The assessment of the route's {param} in the department's area: false having answered 404 or the error. */
bool cadres_assessment_of(struct request *r, const char *param, struct cadres_assessment *ret);
/* Is the assessment in state?  false having answered 409 wrong_state. */
bool cadres_assessment_in(struct request *r, const struct cadres_assessment *a, const char *state);
/* The state of an assessment a in Chinese, as SQL. */
#define CADRES_STATE_LABEL                                                                                             \
	"CASE a.state WHEN 'draft' THEN '草稿' WHEN 'ranked' THEN '已排名' WHEN 'publicised' THEN '公示中'"    \
	" ELSE '已定' END"
/*
** Answer the assessment's subjects, {"items":[...]} by cohort: each the
** official and their cohort, completed by more() (0 or a database error).
*/
void cadres_reply_subjects(struct request *r, const struct cadres_assessment *a,
                           int (*more)(struct request *r, const struct cadres_assessment *a, json_t *row,
                                       int64_t official));
/* An official (f, of organisation g) as the assessment lists show them, under "official". */
#define CADRES_SUBJECT_OFFICIAL                                                                                        \
	"f.id AS \"official.id\", f.name AS \"official.name\", f.post AS \"official.post\","                           \
	" g.code AS \"official.org.code\", g.name AS \"official.org.name\","                                           \
	" f.leading_group AS \"official.leading_group:bool\""
/* Points (a JSON number 0..100, at most 3 decimals) as thousandths: false when v is not one. */
bool cadres_points(json_t *v, int64_t *ret);
/* The same for a body field: answers 422 itself. */
bool body_points(struct request *r, const char *field, int flags, int64_t *ret);
json_t *cadres_points_json(int64_t thousandths);
/*
** Compute every computed indicator of the assessment's subjects (scores.c),
** inside the caller's transaction: 0 with *ret_scored, or a database error.
*/
int cadres_compute(struct db *d, struct arena *ar, const struct cadres_assessment *a, int64_t *ret_scored);
/*
** Rank the assessment (state ranked) inside the caller's transaction: 0 with
** *ret_ranked; -EINVAL with *ret_missing ([{"official","code"}], yours) when
** scores are missing, or NULL when a subject has no scored item; or a
** database error.
*/
int cadres_rank(struct db *d, struct arena *ar, const struct cadres_assessment *a, json_t **ret_missing,
                int64_t *ret_ranked);
/*
** Record a rater's answer (surveys.c), inside the caller's transaction: the
** invitation marked answered, the answer stored without the rater under a
** random id.  0, -EEXIST when answered already or not invited, or a database error.
*/
int cadres_survey_answer(struct db *d, int64_t assessment, int64_t official, int64_t user, const char *relation,
                         int64_t score, const char *comment);
/*
** A subject's 360 survey (surveys.c): how many were invited and answered, and
** the mean of the answers in thousandths when at least min_raters answered
** (else *ret_mean is RANK_NO_SCORE).  0 or a database error.
*/
int cadres_survey_tally(struct db *d, int64_t assessment, int64_t official, int64_t min_raters, int64_t *ret_invited,
                        int64_t *ret_answered, int64_t *ret_mean);

/* The demo's assessment "2020年疫情防控一线考核", inside cadres_demo's transaction (demo_scores.c): 0 or an error. */
int cadres_demo_scores(struct db *d);

#endif
