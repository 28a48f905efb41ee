/*
** Refunds' pure parts: the rolls' CSV, a policy's rules, one decision.
** No database here: the unit tests pin the boundaries by hand and the fuzz
** target feeds the parser whatever it likes.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/csv.h"
#include "core/money.h"
#include "refunds/refunds.h"

const char *const refund_size_names[SIZE_COUNT] = {"large", "medium", "small", "micro"};
const char *const refund_size_labels[SIZE_COUNT] = {"大型", "中型", "小型", "微型"};

/* Amounts above this (1,000亿元 in fen) are refused: sums and shares stay far from overflow. */
#define AMOUNT_MAX INT64_C(10000000000000)

int32_t refund_month_parse(const char *s)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int year = atoi(s), month = atoi(s + 5);
	if (year < 1990 || year > 2100 || month < 1 || month > 12)
		return -1;
	return year * 100 + month;
}

/* A whole number 0..max of at most 18 digits: 0; -ERANGE when negative; -EINVAL otherwise. */
static int amount_parse(const char *s, int64_t max, int64_t *ret)
{
	bool negative = *s == '-';
	const char *digits = s + negative;
	size_t n = strlen(digits);
	if (n == 0 || n > 18 || strspn(digits, "0123456789") != n)
		return -EINVAL;
	int64_t v = strtoll(digits, NULL, 10);
	if (negative && v > 0)
		return -ERANGE;
	if (v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int size_parse(const char *s)
{
	for (int i = 0; i < SIZE_COUNT; i++)
		if (strcmp(s, refund_size_labels[i]) == 0)
			return i;
	return -1;
}

static const char *const roll_header[] = {"统一社会信用代码", "企业名称", "县(市)区", "行业", "规模",
                                          "月份", "参保人数", "缴费(分)", "欠费(分)"};
enum { ROLL_COLS = sizeof roll_header / sizeof roll_header[0] };

/* Check one record into *ret; NULL, or the problem. */
static const char *roll_line_read(char **f, int year, district_lookup_fn district, void *ctx, struct roll_line *ret)
{
	int err = credit_code_validate(f[0]);
	if (err)
		return credit_code_strerror(err);
	memcpy(ret->credit_code, f[0], CREDIT_CODE_LEN + 1);
	if (!*f[1] || strlen(f[1]) > 200)
		return "企业名称不能为空 (name is required)";
	ret->district_id = district(ctx, f[2]);
	if (ret->district_id == 0)
		return "县(市)区代码不存在 (no such district)";
	if (ret->district_id < 0)
		return "该县(市)区不在您的管辖范围内 (district outside your area)";
	if (strlen(f[3]) > 100)
		return "行业过长 (industry too long)";
	int size = size_parse(f[4]);
	if (size < 0)
		return "规模应为 大型、中型、小型 或 微型 (size must be 大型/中型/小型/微型)";
	ret->size = (enum refund_size)size;
	ret->month = refund_month_parse(f[5]);
	if (ret->month < 0)
		return "月份格式应为 YYYY-MM (month must be YYYY-MM)";
	if (ret->month / 100 != year)
		return "月份不在政策年度内 (month outside the policy year)";
	int64_t insured, premiums, arrears;
	int e1 = amount_parse(f[6], 10000000, &insured), e2 = amount_parse(f[7], AMOUNT_MAX, &premiums),
	    e3 = amount_parse(f[8], AMOUNT_MAX, &arrears);
	if (e1 == -ERANGE || e2 == -ERANGE || e3 == -ERANGE)
		return "人数和金额不能为负 (headcount and amounts may not be negative)";
	if (e1 || e2 || e3)
		return "参保人数、缴费、欠费应为整数(分) (headcount and amounts must be whole numbers, in fen)";
	ret->insured = (int32_t)insured;
	ret->premiums_fen = premiums;
	ret->arrears_fen = arrears;
	return NULL;
}

int refund_rolls_start(struct rolls_reader *r, struct arena *a, int year, district_lookup_fn district,
                       void *district_ctx)
{
	char *f[ROLL_COLS + 1];
	int n;
	r->year = year;
	r->district = district;
	r->district_ctx = district_ctx;
	bool header_ok = csv_read(&r->csv, a, f, ROLL_COLS + 1, &n) == 1 && n == ROLL_COLS;
	for (int i = 0; header_ok && i < ROLL_COLS; i++)
		header_ok = strcmp(f[i], roll_header[i]) == 0;
	if (header_ok)
		return 0;
	r->line = 1;
	r->why = "第 1 行应为表头 统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分) "
	         "(line 1 must be the header)";
	return -1;
}

int refund_rolls_next(struct rolls_reader *r, struct arena *a, struct roll_line *ret)
{
	char *f[ROLL_COLS + 1];
	int n = 0, got = csv_read(&r->csv, a, f, ROLL_COLS + 1, &n);
	if (got == 0)
		return 0;
	if (got < 0 || n != ROLL_COLS)
		r->why = got == -ENOMEM ? "内存不足 (out of memory)"
		         : got == -EIO  ? "读取文件出错 (cannot read the file)"
		         : got == -ENOBUFS ? "行过长 (line too long)"
		                           : "每行应有 9 列 (each line needs 9 fields)";
	else
		r->why = roll_line_read(f, r->year, r->district, r->district_ctx, ret);
	if (r->why) {
		r->line = r->csv.record_line;
		return -1;
	}
	ret->name = f[1];
	ret->industry = f[3];
	ret->line = r->csv.record_line;
	return 1;
}

/* ---- policies ---------------------------------------------------------- */

static bool rule_int(json_t *o, const char *key, int64_t min, int64_t max, int64_t *ret)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return false;
	*ret = json_integer_value(v);
	return true;
}

static bool rule_month(json_t *o, const char *key, int year, int32_t *ret)
{
	*ret = refund_month_parse(json_string_value(json_object_get(o, key)));
	return *ret > 0 && *ret / 100 == year;
}

int refund_policy_read(json_t *rules, struct refund_policy *ret, const char **ret_field, const char **ret_why)
{
	struct refund_policy p = {0};
	int64_t year;
#define FAIL(field, why)                                                                                               \
	do {                                                                                                           \
		*ret_field = field;                                                                                    \
		*ret_why = why;                                                                                        \
		return -1;                                                                                             \
	} while (0)
	if (!json_is_object(rules))
		FAIL("rules", "规则应为对象 (rules must be an object)");
	if (!rule_int(rules, "year", 2000, 2100, &year))
		FAIL("year", "年度应为 2000 到 2100 (year must be 2000 to 2100)");
	p.year = (int)year;
	if (!rule_month(rules, "start_month", p.year, &p.start_month))
		FAIL("start_month", "起始月应为政策年度内的 YYYY-MM (start_month: YYYY-MM within the year)");
	if (!rule_month(rules, "end_month", p.year, &p.end_month) || p.end_month <= p.start_month)
		FAIL("end_month", "截止月应为起始月之后、政策年度内的 YYYY-MM (end_month: after start_month, within the year)");
	if (!rule_month(rules, "arrears_month", p.year, &p.arrears_month))
		FAIL("arrears_month", "欠费截止月应为政策年度内的 YYYY-MM (arrears_month: YYYY-MM within the year)");
	if (!rule_int(rules, "rate_bp", 0, 10000, &p.rate_bp))
		FAIL("rate_bp", "裁员率上限应为 0 到 10000 个基点 (rate_bp: 0 to 10000 basis points)");
	if (!rule_int(rules, "small_headcount", 0, 1000000, &p.small_headcount))
		FAIL("small_headcount", "小企业参保人数界限应为非负整数 (small_headcount: a whole number)");
	if (!rule_int(rules, "small_rate_bp", 0, 10000, &p.small_rate_bp))
		FAIL("small_rate_bp", "小企业裁员率上限应为 0 到 10000 个基点 (small_rate_bp: 0 to 10000)");
	json_t *b = json_object_get(rules, "exclude_default"), *d = json_object_get(rules, "require_difficulty");
	if (!json_is_boolean(b))
		FAIL("exclude_default", "exclude_default 应为布尔值 (exclude_default: true or false)");
	if (!json_is_boolean(d))
		FAIL("require_difficulty", "require_difficulty 应为布尔值 (require_difficulty: true or false)");
	p.exclude_default = json_is_true(b);
	p.require_difficulty = json_is_true(d);
	const char *amount = json_string_value(json_object_get(rules, "amount"));
	if (amount && strcmp(amount, "premium_share") == 0) {
		p.amount = AMOUNT_PREMIUM_SHARE;
		json_t *share = json_object_get(rules, "share_bp");
		for (int i = 0; i < SIZE_COUNT; i++)
			if (!rule_int(share, refund_size_names[i], 0, 10000, &p.share_bp[i]))
				FAIL("share_bp", "share_bp 应按规模 large/medium/small/micro 给出 0 到 10000 个基点 (share_bp: "
				                 "0 to 10000 for each of large, medium, small, micro)");
	} else if (amount && strcmp(amount, "benefit") == 0) {
		p.amount = AMOUNT_BENEFIT;
		if (!rule_int(rules, "benefit_months", 1, 24, &p.benefit_months))
			FAIL("benefit_months", "月数应为 1 到 24 (benefit_months: 1 to 24)");
		if (!rule_int(rules, "benefit_fen", 1, 10000000, &p.benefit_fen))
			FAIL("benefit_fen", "月失业保险金应为正整数(分) (benefit_fen: a positive whole number of fen)");
	} else {
		FAIL("amount", "amount 应为 premium_share 或 benefit (amount: premium_share or benefit)");
	}
	if (!rule_int(rules, "cap_fen", 0, AMOUNT_MAX, &p.cap_fen))
		FAIL("cap_fen", "每户上限应为非负整数(分),0 为不设上限 (cap_fen: fen, 0 for none)");
	const char *rounding = json_string_value(json_object_get(rules, "rounding"));
	if (!rounding || strcmp(rounding, "half_up") != 0)
		FAIL("rounding", "rounding 应为 half_up,四舍五入到分 (rounding: half_up, to the fen)");
#undef FAIL
	*ret = p;
	return 0;
}

/* ---- deciding ------------------------------------------------------------ */

static void percent(int64_t bp, char buf[32])
{
	snprintf(buf, 32, "%s%lld.%02lld%%", bp < 0 ? "-" : "", (long long)(llabs(bp) / 100), (long long)(llabs(bp) % 100));
}

/* 202006 -> "2020-06" (months here were checked: 1990..2100, 1..12). */
static char *month_text(int32_t m, char buf[12])
{
	snprintf(buf, 12, "%04u-%02u", (unsigned)(m / 100) % 10000u, (unsigned)(m % 100) % 100u);
	return buf;
}

void refund_decide(const struct refund_policy *p, const struct refund_facts *f, struct refund_verdict *ret)
{
	struct refund_verdict v = {0};
	char m[12], a[32], b[32];
	int64_t threshold = f->insured_start <= p->small_headcount ? p->small_rate_bp : p->rate_bp;
	if (f->has_start && f->insured_start > 0 && f->has_end) {
		int64_t num = (f->insured_start - f->insured_end) * 10000, den = f->insured_start;
		v.rate_bp = num >= 0 ? (2 * num + den) / (2 * den) : -((-2 * num + den) / (2 * den));
	}
	if (!f->has_start || f->insured_start <= 0) {
		snprintf(v.reason, sizeof v.reason, "%s 无参保人员 (nobody insured in the start month)",
		         month_text(p->start_month, m));
	} else if (!f->has_end) {
		snprintf(v.reason, sizeof v.reason, "%s 无参保记录 (no rolls for the end month)",
		         month_text(p->end_month, m));
	} else if (p->exclude_default && f->on_default_list) {
		snprintf(v.reason, sizeof v.reason, "列入严重失信名单 (on the serious-default list)");
	} else if (p->require_difficulty && !f->difficulty_certified) {
		snprintf(v.reason, sizeof v.reason, "未认定为困难企业 (difficulty not certified)");
	} else if (f->arrears_fen > 0) {
		money_format(f->arrears_fen, MONEY_YUAN, a, sizeof a);
		snprintf(v.reason, sizeof v.reason, "截至 %s 欠缴失业保险费 %s (arrears by the cut-off month)",
		         month_text(p->arrears_month, m), a);
	} else if ((f->insured_start - f->insured_end) * 10000 > threshold * f->insured_start) {
		percent(v.rate_bp, a);
		percent(threshold, b);
		snprintf(v.reason, sizeof v.reason, "裁员率 %s 高于 %s (layoff rate above the threshold)", a, b);
	} else {
		if (p->amount == AMOUNT_PREMIUM_SHARE) {
			int64_t scaled = f->premiums_last_year_fen * p->share_bp[f->size];
			v.amount_fen = (scaled + 5000) / 10000; /* round half up: amounts are never negative */
		} else {
			v.amount_fen = p->benefit_months * p->benefit_fen * f->insured_end;
		}
		if (p->cap_fen > 0 && v.amount_fen > p->cap_fen)
			v.amount_fen = p->cap_fen;
		if (v.amount_fen <= 0) {
			snprintf(v.reason, sizeof v.reason, "可返还金额为 0 (nothing to refund)");
			v.amount_fen = 0;
		} else {
			v.eligible = true;
			percent(v.rate_bp, a);
			percent(threshold, b);
			char yuan[40];
			money_format(v.amount_fen, MONEY_YUAN, yuan, sizeof yuan);
			snprintf(v.reason, sizeof v.reason, "符合条件:裁员率 %s 不高于 %s,无欠费,返还 %s (eligible)", a, b,
			         yuan);
		}
	}
	*ret = v;
}

json_t *refund_figures(const struct refund_policy *p, const struct refund_facts *f, const struct refund_verdict *v)
{
	char start[12], end[12], arrears[12];
	json_t *o = json_pack(
	    "{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:I}", "size", refund_size_names[f->size],
	    "start_month", month_text(p->start_month, start), "end_month", month_text(p->end_month, end),
	    "insured_start", (json_int_t)f->insured_start, "insured_end", (json_int_t)f->insured_end, "layoff_rate_bp",
	    (json_int_t)v->rate_bp, "threshold_bp",
	    (json_int_t)(f->insured_start <= p->small_headcount ? p->small_rate_bp : p->rate_bp), "small_headcount",
	    (json_int_t)p->small_headcount, "arrears_fen", (json_int_t)f->arrears_fen, "premiums_last_year_fen",
	    (json_int_t)f->premiums_last_year_fen, "on_default_list", f->on_default_list, "difficulty_certified",
	    f->difficulty_certified, "amount_fen", (json_int_t)v->amount_fen);
	json_object_set_new(o, "arrears_month", json_string(month_text(p->arrears_month, arrears)));
	if (p->amount == AMOUNT_PREMIUM_SHARE) {
		json_object_set_new(o, "rule", json_string("premium_share"));
		json_object_set_new(o, "share_bp", json_integer(p->share_bp[f->size]));
	} else {
		json_object_set_new(o, "rule", json_string("benefit"));
		json_object_set_new(o, "benefit_months", json_integer(p->benefit_months));
		json_object_set_new(o, "benefit_fen", json_integer(p->benefit_fen));
	}
	json_object_set_new(o, "cap_fen", json_integer(p->cap_fen));
	json_object_set_new(o, "rounding", json_string("half_up"));
	return o;
}

/* ---- statistics ------------------------------------------------------------ */

int refund_headline(int64_t enterprises, int64_t people, int64_t amount_fen, char *buf, size_t size)
{
	char money[64], persons[40];
	if (money_format(amount_fen, MONEY_AUTO, money, sizeof money) < 0)
		money[0] = 0;
	if (people >= 10000) {
		int64_t hundreds = (people + 50) / 100; /* 0.01万人 */
		snprintf(persons, sizeof persons, "%lld.%02lld万人", (long long)(hundreds / 100), (long long)(hundreds % 100));
	} else {
		snprintf(persons, sizeof persons, "%lld人", (long long)people);
	}
	int n = snprintf(buf, size, "惠及%lld家企业,受惠人数%s,返还资金%s", (long long)enterprises, persons, money);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			buf[0] = 0;
		return -ENOSPC;
	}
	return n;
}
