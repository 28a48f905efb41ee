/*
** Major projects under the cloud agency (重大项目"云代办"): the approval
** catalogue, projects and their plans made backwards from target dates,
** approval items moved by departments, milestones, lights, follow-ups,
** inspections, statistics and the owner's public progress query.
*/
#ifndef BANYAN_PROJECTS_PROJECTS_H
#define BANYAN_PROJECTS_PROJECTS_H

#include <stdint.h>

#include "http/http.h"
#include "projects/plan.h"

/* Milestones by name, in enum milestone order: "start", "structure", "complete", "produce". */
extern const char *const milestone_names[MILESTONE_COUNT];
extern const char *const milestone_labels[MILESTONE_COUNT]; /* 开工, 主体完工, 竣工, 投产 */
int milestone_from_name(const char *name);                  /* -1 if unknown */

/* A project as its handlers need it, loaded for a caller who may see it. */
struct project {
	int64_t id, district_org_id, enterprise_id;
	int32_t created_on;
	const char *code, *name, *stage, *district_path;
};

/*
** Load the project of the route's {id} for a caller who may see it: staff
** whose service area (request_area()) is on the branch of its district, a
** department that owns one of its items.  Anything else is 404, as if it
** did not exist.  Answers and returns false.
*/
bool project_from_route(struct request *r, struct project *ret);
/* The same for a project named by its id (a body's field). */
bool project_by_id(struct request *r, int64_t id, struct project *ret);

/*
** The SQL condition that a project row `p` (joined to its district as `o`)
** is visible to the caller, reading the text bound at parameter ?N; *ret_bind
** gets that text.
*/
const char *projects_scope_sql(struct request *r, int param, const char **ret_bind);

/*
** A project's or an approval item's light at a moment, in SQL, from red_at
** and yellow_at (the instants it turns red and yellow; NULL for never):
** prefix is the table's alias with its dot ("p.") or "", now the moment's
** parameter ("?2").  FALSE, not 0: a comparison is a boolean in PostgreSQL.
** SQL_LIGHT_IS is the lists' ?light= filter, light its parameter (NULL: any).
*/
#define SQL_YELLOW(prefix, now) prefix "yellow_at <= " now " AND NOT coalesce(" prefix "red_at <= " now ", FALSE)"
#define SQL_GREEN(prefix, now)                                                                                         \
	"NOT coalesce(" prefix "yellow_at <= " now ", FALSE) AND NOT coalesce(" prefix "red_at <= " now ", FALSE)"
#define SQL_LIGHT_IS(prefix, light, now)                                                                               \
	"(" light " IS NULL OR (" light " = 'red' AND " prefix "red_at <= " now ") OR (" light                         \
	" = 'yellow' AND " SQL_YELLOW(prefix, now) ") OR (" light " = 'green' AND " SQL_GREEN(prefix, now) "))"

/* A project to register: from the console, a spreadsheet line or a signed investment lead. */
struct project_input {
	const char *code, *name, *credit_code, *district, *industry, *level, *agent, *official, *created_on, *lead;
	int64_t enterprise_id, investment_wan;
};

/* Why a project could not be registered: the answer to give, or a line of an import. */
struct project_refusal {
	int status; /* 500: a database error */
	const char *code, *field, *message;
};

/*
** Check a project and insert it with its audit row and timeline, inside the
** caller's transaction.  On refusal nothing is written and *why says what to
** answer (project_reply_refusal()).
*/
bool project_insert(struct request *r, const struct project_input *in, int64_t *ret_id, struct project_refusal *why);
void project_reply_refusal(struct request *r, int rc, const struct project_refusal *why);

/* The working days within which a due date turns a light yellow (project_settings). */
int projects_yellow_days(struct db *d);

/*
** Work a project's plan out again from its stored items, prerequisites,
** targets and progress as of `now`: every item's dates, slack, critical
** flag and light, and the project's feasibility and light.  Call inside the
** transaction that changed something, so lights are never stale.
*/
int project_recompute(struct db *d, int64_t project_id, int64_t now, struct plan_result *ret);

/*
** Give a project the approval items of the catalogue named in codes (a JSON
** array text; NULL keeps the current set, and on the first plan takes every
** active item), dropping pending items no longer named, with the
** prerequisites the catalogue has between them.  Inside a transaction.
*/
int project_items_set(struct db *d, int64_t project_id, int64_t district_org_id, const char *codes, bool first);

/* Set a project's milestone targets (PLAN_NO_DAY: none), keeping the actual dates. */
int project_targets_set(struct db *d, int64_t project_id, const int32_t targets[MILESTONE_COUNT]);

/* The targets of the milestones not yet reached (PLAN_NO_DAY: none), as the plan works to them. */
int project_targets_current(struct db *d, int64_t project_id, int32_t targets[MILESTONE_COUNT]);

/* The project's light ("red", "yellow", "green") at now, as last worked out. */
const char *project_light_now(struct db *d, int64_t project_id, int64_t now);

/* A plan version's targets against the previous ones, with the light under each (relaxed.c). */
struct target_relaxation {
	int64_t project_id, made_by, at;
	const char *actor;
	int version;
	int32_t before[MILESTONE_COUNT], after[MILESTONE_COUNT];
	const char *light_before, *light_after;
};

/*
** Record every milestone whose target the new plan moves later, count the
** version as a relaxation of the project, and note on its timeline whether
** the move alone took it out of red (因放宽目标转绿).  Inside the caller's
** transaction; *ret_moved gets the number of milestones moved.
*/
int project_relaxation_record(struct db *d, const struct target_relaxation *x, int *ret_moved);

/* Tell open consoles in the project's district, and its departments, that it changed. */
void project_publish(struct request *r, const struct project *p, const char *what);

/* Append to the project's timeline (inside the caller's transaction). */
int project_event(struct request *r, int64_t project_id, int64_t item_id, const char *kind, const char *from,
                  const char *to, const char *text);

/* A day-number column as "YYYY-MM-DD" in the request's arena; NULL for SQL NULL. */
const char *project_day_text(struct request *r, struct db_stmt *s, int col);

/* An instant column as ISO 8601 in the request's arena; NULL for SQL NULL. */
const char *project_time_text(struct request *r, struct db_stmt *s, int col);

/* The light at now of a row whose columns col and col + 1 are red_at and yellow_at. */
const char *project_row_light(struct db_stmt *s, int col, int64_t now);

/* A JSON array column (SQL json_group_array, which both backends have) as a JSON array; empty for NULL. */
json_t *json_list_of(const char *list);

/* Store a light in a row's red_at and yellow_at (NULL for never). */
int64_t light_column(int64_t at);

/*
** Read a "YYYY-MM-DD" field: not before the project was registered, and not
** after today when not_future.  Answers 422 and returns false otherwise.
*/
bool project_body_day(struct request *r, const char *field, int flags, const struct project *p, bool not_future,
                      int32_t *ret, bool *ret_present);

/* Rows as the API shows them: an approval item of a project, a follow-up, an inspection. */
extern const char project_item_select[], project_followup_select[], project_inspection_select[];
json_t *project_item_json(struct request *r, struct db_stmt *s);
json_t *project_followup_json(struct request *r, struct db_stmt *s);
json_t *project_inspection_json(struct request *r, struct db_stmt *s);

/* The demo's green-channel cases (green.c), inside the caller's transaction. */
int green_demo(struct db *d, int64_t now);

/* The resumption demo (resumption_demo.c): the road project's story of 2020, after the other domains' demo. */
int resumption_demo(const char *db_path);

/* Put Fuzhou's approval catalogue (data/projects/approval-items.csv) into an empty table. */
int projects_seed_catalogue(struct db *d);

#endif /* BANYAN_PROJECTS_PROJECTS_H */
