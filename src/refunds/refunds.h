/*
** Job-stabilisation refunds (稳岗返还): the human resources and social
** security bureau finds the enterprises in the unemployment-insurance rolls
** and refunds them without an application (免申即享).
**
** What is pure lives in rules.c, so that unit tests and the fuzz target reach
** it without a database: reading the rolls' CSV, reading a policy version's
** rules, and deciding one enterprise under them.  refunds.c holds the tables,
** the routes and the `banyan refunds` command.
**
** Money is in fen, rates in basis points (1 bp = 0.01%), headcounts are
** whole people, months are YYYYMM integers: nothing here is floating point.
*/
#ifndef BANYAN_REFUNDS_REFUNDS_H
#define BANYAN_REFUNDS_REFUNDS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/credit_code.h"
#include "core/csv.h"

struct arena;

enum refund_size { SIZE_LARGE, SIZE_MEDIUM, SIZE_SMALL, SIZE_MICRO, SIZE_COUNT };

extern const char *const refund_size_names[SIZE_COUNT];  /* "large", ... */
extern const char *const refund_size_labels[SIZE_COUNT]; /* "大型", ... */

/* One line of the rolls: an enterprise's insured headcount and premiums in one month. */
struct roll_line {
	char credit_code[CREDIT_CODE_LEN + 1];
	int32_t month; /* YYYYMM */
	int32_t insured;
	int64_t premiums_fen, arrears_fen;
	int64_t district_id; /* the organisation district_lookup() gave */
	enum refund_size size;
	const char *name, *industry; /* in the arena */
	int line;                    /* in the file, for messages */
};

/*
** The rolls' district column names an organisation (its code, "350111"):
** answers its id (> 0), 0 when there is none, or -1 when it is outside the
** importer's area.
*/
typedef int64_t (*district_lookup_fn)(void *ctx, const char *code);

/*
** A reader of the rolls of one policy year, one line at a time: from memory
** (csv_init()) or streamed from a file (csv_init_file()), so that an import's
** memory does not grow with the file.  The CSV's header is 统一社会信用代码,
** 企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分).
*/
struct rolls_reader {
	struct csv_reader csv; /* initialised by the caller */
	int year;
	district_lookup_fn district;
	void *district_ctx;
	int line;        /* once refused: the bad line */
	const char *why; /* ... and its problem (Chinese, then English) */
};

/* Check the header: 0, or -1 with r->line and r->why. */
int refund_rolls_start(struct rolls_reader *r, struct arena *a, int year, district_lookup_fn district,
                       void *district_ctx);

/*
** The next line, checked, into *ret (its strings in a): 1; 0 at the end; -1
** with r->line and r->why: a credit code failing its check character, a
** month outside the year, a negative amount, an unknown size or district.
** An (enterprise, month) given twice is for the caller to find: it is where
** the lines go.
*/
int refund_rolls_next(struct rolls_reader *r, struct arena *a, struct roll_line *ret);

enum refund_amount_rule { AMOUNT_PREMIUM_SHARE, AMOUNT_BENEFIT };

/* A policy version's rules (the JSON a version stores; see refund_policy_read()). */
struct refund_policy {
	int year;
	int32_t start_month, end_month; /* the layoff rate compares insured headcounts in these months */
	int32_t arrears_month;          /* no arrears on the rolls from January to this month, inclusive */
	int64_t rate_bp;                /* the highest layoff rate allowed */
	int64_t small_rate_bp;          /* ... for enterprises of at most small_headcount insured at the start */
	int64_t small_headcount;
	bool exclude_default;    /* not on the serious-default (严重失信) list */
	bool require_difficulty; /* on the certified-difficulty (困难企业) list */
	enum refund_amount_rule amount;
	int64_t share_bp[SIZE_COUNT]; /* AMOUNT_PREMIUM_SHARE: of last year's premiums, by size */
	int64_t benefit_months, benefit_fen; /* AMOUNT_BENEFIT: months × monthly benefit × insured at the end */
	int64_t cap_fen;                     /* per enterprise; 0: none */
};

/*
** Read and check a policy's rules from JSON.  0, or -1 with *ret_field the
** field at fault and *ret_why the problem.  See docs/api.md for the fields.
*/
int refund_policy_read(json_t *rules, struct refund_policy *ret, const char **ret_field, const char **ret_why);

/* What the rolls say of one enterprise, for one policy. */
struct refund_facts {
	enum refund_size size;
	bool has_start, has_end; /* rolls for the start and end months */
	int64_t insured_start, insured_end;
	int64_t premiums_last_year_fen; /* premiums paid in the year before the policy's */
	int64_t arrears_fen;            /* arrears from January to the policy's arrears month */
	bool on_default_list, difficulty_certified;
};

struct refund_verdict {
	bool eligible;
	int64_t amount_fen;
	int64_t rate_bp; /* the layoff rate, rounded half up to a basis point, for the record */
	char reason[256];
};

/*
** Decide one enterprise.  The threshold test is exact: (start − end) × 10000
** ≤ threshold × start.  The amount is the share of last year's premiums,
** rounded half up to the fen, or months × benefit × insured at the end; then
** capped.  Pure.
*/
void refund_decide(const struct refund_policy *p, const struct refund_facts *f, struct refund_verdict *ret);

/* The figures a decision used, as JSON, so anyone can redo the sum. */
json_t *refund_figures(const struct refund_policy *p, const struct refund_facts *f, const struct refund_verdict *v);

/* "2020-06" -> 202006; -1 when malformed. */
int32_t refund_month_parse(const char *s);

/*
** The article's sentence from totals: "惠及17772家企业,受惠人数15.06万人,
** 返还资金11.66亿元".  People in 万人 to two decimals (rounded half up) from
** 10,000, else whole; money in 亿元/万元/元 as money_format(MONEY_AUTO).
** Returns the length, or -ENOSPC when it does not fit (buf then "").
*/
int refund_headline(int64_t enterprises, int64_t people, int64_t amount_fen, char *buf, size_t size);

#endif
