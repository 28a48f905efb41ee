/*
** What the indicators' server files share beyond indicators.h.
*/
#ifndef BANYAN_INDICATORS_INTERNAL_H
#define BANYAN_INDICATORS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"
#include "indicators/indicators.h"

/*
** SQL for an optional integer, bound as a flag and a value ('I', 'i'): NULL
** unless the flag is 1.  A value of 0 is a value, so 'r' (0 binds NULL)
** will not do; the CAST gives PostgreSQL the parameter's type.
*/
#define IND_SQL_MAYBE "CASE WHEN ? = 1 THEN CAST(? AS BIGINT) END"

/* Why a value could not be stored: for an answer, or a line of an import. */
struct refusal {
	int status;
	const char *code, *field, *why;
};

/* Fill *ret and return -EINVAL. */
int ind_refuse(struct refusal *ret, int status, const char *code, const char *field, const char *why);
/* true when rc is 0; otherwise answers the refusal (rc -EINVAL) or the database error and returns false. */
bool ind_ok_or_reply(struct request *r, int rc, const struct refusal *why);

/* A unit figures are kept for: the city or a district (path set), or one of the province's other cities (path NULL). */
struct ind_unit {
	const char *code, *name, *path;
};

/* The unit with this code: 0, DB_DONE or a database error. */
int ind_unit_find(struct db *d, struct arena *a, const char *code, struct ind_unit *ret);

/*
** The unit of code if the caller may read it (write false) or enter its
** figures (write true): 0; -EINVAL with *why (unknown_unit 422,
** out_of_scope 403); or a database error.
*/
int ind_unit_check(struct request *r, const char *code, bool write, struct ind_unit *ret, struct refusal *why);
/* The same answering the refusal or the error itself: true when allowed. */
bool ind_unit_or_reply(struct request *r, const char *code, bool write, struct ind_unit *ret);

/* Is the caller the city's statistics bureau's staff (a department whose area is the whole tree)? */
bool ind_city_bureau(struct request *r);
/* The same answering 403 not_city_bureau itself: the city's bureau alone approves, revises and defines. */
bool ind_city_bureau_or_reply(struct request *r);

/* A unit's month's approval state (NULL: never submitted) and revision: 0 or a database error. */
int ind_period_state(struct db *d, struct arena *a, const char *unit, const char *period, const char **ret_state,
                     int64_t *ret_revision);

/* A value as entered: decimal texts (NULL or "" when absent), the comment optional. */
struct ind_value_in {
	const char *indicator, *unit, *period, *value, *growth, *ytd_growth, *comment;
};

/*
** Store a value inside the caller's transaction, audited.  Without reason,
** an entry: refused while the unit's month is submitted or approved.  With
** reason, a correction of an approved value as revision, its change
** recorded.  0; -EINVAL with *why; or a database error.
*/
int ind_value_store(struct request *r, const struct ind_value_in *in, int64_t revision, const char *reason,
                    struct refusal *why);

/* v (in 10^-decimals) as decimal text in the arena. */
const char *ind_decimal_text(struct arena *a, int64_t v, int decimals);

/*
** The unit's figures of a month as JSON items, one per indicator that has
** periods in that month: value, year to date, growth (and whether
** computed), comment, revision, and the validation flags.  *ret_blocking
** counts flagged values without a comment.  0 or a database error.
*/
int ind_month_items(struct request *r, const struct ind_unit *unit, const char *period, json_t **ret,
                    int *ret_blocking);

/*
** The stored values of an indicator from from_year to to_year, of one unit
** or (unit NULL) of every unit: each(ctx, unit, year, month, s) for each,
** s on the row for ind_year_put().  0 or a database error.
*/
int ind_stored_each(struct db *d, int64_t indicator, const char *unit, int from_year, int to_year,
                    void (*each)(void *ctx, const char *unit, int year, int month, struct db_stmt *s), void *ctx);
/* Put the row of ind_stored_each() into its month of y. */
void ind_year_put(struct ind_year *y, int month, struct db_stmt *s);

/* A platform indicator's year for a unit, computed from banyan's data (platform.c): 0 or a database error. */
int ind_platform_year(struct db *d, const struct ind_def *def, const char *unit, int year, struct ind_year *ret);

/* ---- rankings (rankings.c) ---- */

/* A ranking as data: the units compared, basis, span, tie-break, its terms and its red/black list's sizes. */
struct ranking {
	int64_t id; /* 0: made for the occasion, not stored */
	const char *code, *name, *unit_set, *basis, *span, *tie_break;
	int red, black;
	size_t n_terms;
	struct ind_def def[RANK_MAX_TERMS];
	struct rank_term term[RANK_MAX_TERMS];
};

/* The ranking of code with its terms: 0, DB_DONE or a database error. */
int ranking_load(struct request *r, const char *code, struct ranking *ret);

/* The districts ranked on one indicator's year-to-date growth (a ratio: its level): for tables and the screen. */
void ranking_of_indicator(const struct ind_def *def, struct ranking *ret);

/* The province's ranking on one indicator alone (its code in *ret_code): 0, DB_DONE, or a database error. */
int ranking_province_of(struct request *r, const struct ind_def *def, const char **ret_code);

/* A unit in a ranking's result for a month. */
struct ranked {
	const char *code, *name;
	bool has[RANK_MAX_TERMS];
	int64_t value[RANK_MAX_TERMS];
	struct ind_figure first; /* the first term's figure */
	bool ranked;
	int64_t score;
	int rank, previous, streak; /* 0: unranked */
};

/* A ranking's result for a month: its units, best first and the unranked last. */
struct ranking_result {
	const char *period;
	size_t n;
	struct ranked *items;
};

/*
** Rank k's units for period ("YYYY-MM"), with the rank before and the
** streak: 0; -EINVAL with *why (invalid_period, period_kind); or a database
** error.
*/
int ranking_compute(struct request *r, const struct ranking *k, const char *period, struct ranking_result *ret,
                    struct refusal *why);

/* ---- the red/black list and supervised tasks (redblack.c, supervision.c) ---- */

/* A ranking's red and black lists for a period: items [0, red) of the result and [black, ranked). */
struct redblack {
	struct ranking_result res;
	size_t red, black, ranked;
};

/* k's lists for period by its rule: 0, -EINVAL with *why, or a database error. */
int redblack_lists(struct request *r, const struct ranking *k, const char *period, struct redblack *ret,
                   struct refusal *why);

/* The red/black list of k for a period as JSON (the route's answer): 0, -EINVAL with *why, or a database error. */
int redblack_json(struct request *r, const struct ranking *k, const char *period, json_t **ret, struct refusal *why);

/* The open task for a unit's period and ranking or indicator (pass 0 for the other) as JSON, or JSON null. */
json_t *task_brief(struct request *r, const char *unit, const char *period, int64_t ranking_id, int64_t indicator_id);

/*
** The city's headline line of an indicator for a month (bulletin.c), in the
** article's style, and its rank in the province as JSON {ranking, rank,
** phrase} or null: 0 or a database error.
*/
int ind_headline(struct request *r, const struct ind_def *def, const struct ind_unit *city, int year, int month,
                 const char **ret_text, json_t **ret_rank);

/* Tell open consoles the figures of a unit's month changed (what: values, approval, bulletin, task). */
void ind_figures_changed(const struct ind_unit *unit, const char *period, const char *what);

#endif
