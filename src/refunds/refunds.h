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
** Read the rolls of policy year `year` from CSV (the header 统一社会信用代码,
** 企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)).  All or
** nothing: 0 with the lines in *ret_lines (arena memory, sorted by credit code
** then month) and their number, or -1 with *ret_line the first bad line and
** *ret_why its problem (Chinese, then English): a credit code failing its
** check character, a month outside the year, a negative amount, an unknown
** size or district, or an (enterprise, month) given twice.
*/
int refund_rolls_parse(struct arena *a, const char *csv, size_t len, int year, district_lookup_fn district,
                       void *district_ctx, struct roll_line **ret_lines, size_t *ret_n, int *ret_line,
                       const char **ret_why);

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

/*
** `banyan check`: every refund decision's state agrees with its payments (sent
** with a payment sent, paid or later with one paid, failed with one failed,
** none paid or sent otherwise).  Prints a line; 0 when all is well, else 1.
*/
struct db;
int refunds_check(struct db *d);

/* "2020-06" -> 202006; -1 when malformed. */
int32_t refund_month_parse(const char *s);

#endif
