/*
** Economic indicators (经济运行监测): the statistics bureaus' figures for the
** city, its county-level units and the province's other cities, their
** year-to-date sums and growth, validation, approval with revisions, and
** rankings.
**
** What is pure lives in periods.c (periods, exact decimals, growth, the
** year to date, the validation rules) and ranking.c (ranking units), so unit
** tests reach it without a database.  values.c holds the indicators and
** their values (entry, import, reading with flags), approval.c a unit's
** month from submission to revision, rankings.c the rankings' routes,
** demo.c the demo's 2019–2020 figures.
**
** Numbers are integers: a value in the indicator's smallest unit
** (10^-decimals of its unit), a growth rate in hundredths of a percent
** ("basis points" here: 310 is 3.10%).
*/
#ifndef BANYAN_INDICATORS_INDICATORS_H
#define BANYAN_INDICATORS_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How often an indicator has a value: each month, each quarter (on its last month), each year (on December). */
enum ind_kind { IND_MONTH, IND_QUARTER, IND_YEAR };

/* "month", "quarter", "year" → the kind; -1 for anything else. */
int ind_kind_from_name(const char *name);

/* "2020-09" → 2020 and 9: 0, or -EINVAL (years 1990–2100, months 01–12, nothing else). */
int ind_period_parse(const char *text, int *ret_year, int *ret_month);

/* Does an indicator of this kind have a value in this month (a quarter's last month, December)? */
bool ind_period_fits(enum ind_kind kind, int month);

/* The month before month in the indicator's kind (9 → 6 for a quarter); 0 when month is the kind's first of the year. */
int ind_period_previous(enum ind_kind kind, int month);

/*
** Read a decimal number exactly into 10^decimals of its unit: "6759.34"
** with 4 decimals is 67593400.  An optional '-', digits, an optional '.'
** and at most `decimals` more digits; no spaces, signs or separators.  0,
** -EINVAL for malformed text, -ERANGE beyond 10^15.
*/
int ind_decimal_parse(const char *text, int decimals, int64_t *ret);

/* Write v (in 10^-decimals) as a decimal with at least two decimals (fewer if the indicator has fewer), trailing zeros beyond dropped. */
void ind_decimal_format(int64_t v, int decimals, char *buf, size_t size);

/*
** Growth on last year's figure in hundredths of a percent:
** (now − last) × 10000 ÷ last, rounded half away from zero.  false (no
** growth) when last is not positive.
*/
bool ind_growth_bp(int64_t now, int64_t last, int64_t *ret);

/* One year of a unit's figures of one indicator, as stored: month m is index m - 1. */
struct ind_year {
	bool has_value[12], has_growth[12], has_ytd_growth[12];
	int64_t value[12], growth[12], ytd_growth[12];
};

/*
** A unit's figure of an indicator in a month, what a reader sees: the
** month's own value, the year to date (the sum of the kind's periods from
** January to the month, when every one of them has a value), and their
** growth on the same period of last year, computed when both years' values
** exist and otherwise the published growth as stored.
*/
struct ind_figure {
	bool has_value, has_ytd, has_growth, has_ytd_growth;
	bool growth_computed, ytd_growth_computed;
	int64_t value, ytd, growth, ytd_growth;
};

/* The figure of month (1–12) from this year's and last year's stored values.  Pure. */
void ind_figure_of(enum ind_kind kind, const struct ind_year *now, const struct ind_year *last, int month,
                   struct ind_figure *ret);

/*
** A ratio in percent with `decimals` decimals, a ÷ b × 100, from a and b in
** their units (亿元, 万元, or anything else counted alike) and precisions,
** rounded half away from zero: 589亿元 over 6,759.34亿元 is 8.71 (871).
** false when b is not positive or the ratio is beyond int64_t.  Exact: no
** floating point.
*/
bool ind_ratio(int64_t a, const char *a_unit, int a_decimals, int64_t b, const char *b_unit, int b_decimals,
               int decimals, int64_t *ret);

/* ---- validation rules: each flags a value; a flag without a comment blocks the submission ---- */

/* Growth beyond ±30% needs a comment. */
enum { IND_GROWTH_LIMIT_BP = 3000 };
/* The districts' values sum to the city's within 1%. */
enum { IND_SUM_TOLERANCE_BP = 100 };

enum ind_flag {
	IND_FLAG_GROWTH = 1,   /* growth (the month's or the year to date's) beyond ±30% */
	IND_FLAG_YTD_FALL = 2, /* the year to date below last period's year to date */
	IND_FLAG_SUM = 4,      /* the city's value and its districts' sum differ by more than the tolerance */
};

/* The flags of a figure by itself (growth, year to date against the previous period's figure prev). */
unsigned ind_figure_flags(const struct ind_figure *f, const struct ind_figure *prev);

/* Do the districts' values (their sum) differ from the city's by more than IND_SUM_TOLERANCE_BP of it? */
bool ind_sum_differs(int64_t city, int64_t districts_sum);

/* ---- rankings (ranking.c) ---- */

enum { RANK_MAX_TERMS = 8 };

/* A term of a ranking: an indicator's weight and whether more is better. */
struct rank_term {
	int64_t weight;
	bool higher_better;
};

/* A unit to rank: its value on each term (has: whether there is one), and a level to break ties. */
struct rank_unit {
	bool has[RANK_MAX_TERMS];
	int64_t value[RANK_MAX_TERMS];
	bool has_level;
	int64_t level;
	/* out */
	bool ranked;   /* every term has a value */
	int64_t score; /* one term: its value (negated when less is better); several: see rank_units() */
	int rank;      /* 1 the first; 0 unranked */
};

/*
** Rank n units on nt terms.  A unit without a value on some term is not
** ranked (rank 0).  With one term the score is the value itself; with
** several, each term's values are scaled to 0–1,000,000 between the ranked
** units' worst and best (all 1,000,000 when they are equal) and the score is
** their weighted sum.  Ranks are competition ranks: 1 plus the number of
** units ahead, so equal units share a rank and the next rank is skipped
** (1, 1, 3).  by_level breaks equal scores by the larger level (a unit
** without one after), equal levels still sharing.  Pure.
*/
void rank_units(struct rank_unit *u, size_t n, const struct rank_term *t, size_t nt, bool by_level);

/*
** How many periods running a unit has held its rank: ranks[0] the latest,
** ranks[1] the one before, … (0: unranked).  0 when ranks[0] is 0.
*/
int rank_streak(const int *ranks, size_t n);

/*
** A number in Chinese numerals, 1–99: 一, 十, 十一, 二十三; with measure (before
** a measure word such as 个月) 2 is 两: 两个月, but 第二.  "" outside 1–99.
*/
void ind_chinese_number(int n, bool measure, char *buf, size_t size);

/*
** A rank as a bulletin says it: "位列全省第一", held for streak periods of
** the step's kind "连续两个月排名全省第一" (季度 for quarters, 年 for years);
** province: 全省, else 全市.  "" for an unranked unit (rank 0).
*/
void ind_rank_phrase(int rank, int streak, enum ind_kind step, bool province, char *buf, size_t size);

/* A growth rate as a bulletin says it, one decimal, no trailing zero, half away from zero: 310 → "3.1", 800 → "8". */
void ind_growth_words(int64_t bp, char *buf, size_t size);

/* ---- the server side (values.c, approval.c, rankings.c, demo.c) ---- */

struct request;
struct db;
struct arena;

/* A derived indicator's formula. */
enum ind_formula { IND_STORED, IND_RATIO, IND_CHILDREN_SUM };

/* An indicator as the server uses it. */
struct ind_def {
	int64_t id;
	const char *code, *name, *unit;
	int decimals;
	enum ind_kind kind;
	bool additive, yoy;
	const char *source; /* entered, imported, platform, derived */
	enum ind_formula formula;
	int64_t a_id, b_id; /* a formula's operands */
};

/* The indicator with this code: 0, DB_DONE, or a database error. */
int ind_def_find(struct db *d, struct arena *a, const char *code, struct ind_def *ret);

/* The indicator with this id: 0, DB_DONE, or a database error. */
int ind_def_by_id(struct db *d, struct arena *a, int64_t id, struct ind_def *ret);

/*
** A unit's year of an indicator: its stored values, or a derived
** indicator's computed ones (a sum over the unit's county-level units, each
** month where all have a value; a ratio of the operands' years to date):
** 0 or a database error.
*/
int ind_year_of(struct db *d, struct arena *a, const struct ind_def *def, const char *unit, int year,
                struct ind_year *ret);

/* The figure of month from this year's and last year's (ind_year_of), as the indicator reads it:
** a ratio is over the year to date already; without yoy, no growth. */
void ind_figure_of_def(const struct ind_def *def, const struct ind_year *now, const struct ind_year *last, int month,
                       struct ind_figure *ret);

/* The figure of an indicator for a unit and month, loading this year and last: 0 or a database error. */
int ind_figure_load(struct db *d, struct arena *a, const struct ind_def *def, const char *unit, int year, int month,
                    struct ind_figure *ret);

/* The demo's 2019–2020 figures and approvals (after the other domains' demo data). */
int indicators_demo(const char *db_path);

#endif
