/*
** test_refunds.c - src/refunds/rules.c by hand: a decision at every boundary
** of a policy (the layoff rate, the small-enterprise headcount, arrears, the
** lists, rounding in fen, the cap), a policy's rules read and refused, and
** the rolls' CSV refused line by line.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "core/arena.h"
#include "refunds/refunds.h"

/* The 2020 rule for small enterprises: 5.5%, or 20% for 30 insured or fewer; a share of last year's premiums. */
static struct refund_policy share_policy(void)
{
	return (struct refund_policy){.year = 2020,
	                              .start_month = 202001,
	                              .end_month = 202006,
	                              .arrears_month = 202006,
	                              .rate_bp = 550,
	                              .small_rate_bp = 2000,
	                              .small_headcount = 30,
	                              .exclude_default = true,
	                              .amount = AMOUNT_PREMIUM_SHARE,
	                              .share_bp = {5000, 5000, 10000, 10000}};
}

static struct refund_facts firm(int64_t start, int64_t end, int64_t premiums)
{
	return (struct refund_facts){.size = SIZE_SMALL,
	                             .has_start = true,
	                             .has_end = true,
	                             .insured_start = start,
	                             .insured_end = end,
	                             .premiums_last_year_fen = premiums};
}

static struct refund_verdict decide(const struct refund_policy *p, struct refund_facts f)
{
	struct refund_verdict v;
	refund_decide(p, &f, &v);
	return v;
}

static void test_layoff_rate_of_exactly_the_threshold_is_eligible(void **state)
{
	(void)state;
	struct refund_policy p = share_policy();
	/* 200 → 189: 11 / 200 = 5.50% exactly. */
	struct refund_verdict v = decide(&p, firm(200, 189, 100000));
	assert_true(v.eligible);
	assert_int_equal(v.rate_bp, 550);
	assert_int_equal(v.amount_fen, 100000); /* small: 100% of last year's premiums */
	assert_non_null(strstr(v.reason, "5.50%"));
	/* 2000 → 1889: 111 / 2000 = 5.55%, just above (shown rounded half up as 5.55%). */
	v = decide(&p, firm(2000, 1889, 100000));
	assert_false(v.eligible);
	assert_int_equal(v.rate_bp, 555);
	assert_int_equal(v.amount_fen, 0);
	assert_non_null(strstr(v.reason, "裁员率 5.55% 高于 5.50%"));
	/* 1000000 → 945001: 54999 / 1000000 = 5.4999%, shown as 5.50% but below: eligible. */
	v = decide(&p, firm(1000000, 945001, 100000));
	assert_true(v.eligible);
	assert_int_equal(v.rate_bp, 550);
	/* 1000000 → 944999: 5.5001%, also shown as 5.50%, but above: the test is exact, not on the rounded rate. */
	v = decide(&p, firm(1000000, 944999, 100000));
	assert_false(v.eligible);
	/* More people at the end than at the start: a negative rate, eligible. */
	v = decide(&p, firm(100, 110, 100000));
	assert_true(v.eligible);
	assert_int_equal(v.rate_bp, -1000);
}

static void test_thirty_insured_takes_the_small_threshold_and_thirty_one_does_not(void **state)
{
	(void)state;
	struct refund_policy p = share_policy();
	/* 30 → 24: 6 / 30 = 20.00%, at most 20% for 30 insured or fewer. */
	struct refund_verdict v = decide(&p, firm(30, 24, 50000));
	assert_true(v.eligible);
	assert_int_equal(v.rate_bp, 2000);
	/* 30 → 23: 23.33%. */
	assert_false(decide(&p, firm(30, 23, 50000)).eligible);
	/* 31 → 25: 6 / 31 = 19.35%, under 20% but 31 people take the 5.5% threshold. */
	v = decide(&p, firm(31, 25, 50000));
	assert_false(v.eligible);
	assert_int_equal(v.rate_bp, 1935);
	assert_non_null(strstr(v.reason, "19.35% 高于 5.50%"));
	/* 31 → 30: 3.23%, eligible under 5.5%. */
	assert_true(decide(&p, firm(31, 30, 50000)).eligible);
}

static void test_rounding_in_fen_is_half_up(void **state)
{
	(void)state;
	struct refund_policy p = share_policy();
	struct refund_facts f = firm(100, 100, 12345);
	f.size = SIZE_LARGE; /* 50% */
	/* 12345 × 50% = 6172.5 fen → 6173. */
	assert_int_equal(decide(&p, f).amount_fen, 6173);
	f.premiums_last_year_fen = 12344; /* 6172 exactly */
	assert_int_equal(decide(&p, f).amount_fen, 6172);
	p.share_bp[SIZE_LARGE] = 3333; /* 333 × 33.33% = 110.9889 → 111; 331 × 33.33% = 110.3223 → 110 */
	f.premiums_last_year_fen = 333;
	assert_int_equal(decide(&p, f).amount_fen, 111);
	f.premiums_last_year_fen = 331;
	assert_int_equal(decide(&p, f).amount_fen, 110);
	/* 1 fen at 50%: 0.5 → 1. */
	p.share_bp[SIZE_LARGE] = 5000;
	f.premiums_last_year_fen = 1;
	assert_int_equal(decide(&p, f).amount_fen, 1);
	/* No premiums last year: nothing to refund, not eligible. */
	f.premiums_last_year_fen = 0;
	struct refund_verdict v = decide(&p, f);
	assert_false(v.eligible);
	assert_non_null(strstr(v.reason, "可返还金额为 0"));
}

static void test_benefit_months_cap_and_lists(void **state)
{
	(void)state;
	/* The 2020 difficulty rule: six months of the benefit (1,290 元) per insured person at the end. */
	struct refund_policy p = share_policy();
	p.amount = AMOUNT_BENEFIT;
	p.benefit_months = 6;
	p.benefit_fen = 129000;
	p.require_difficulty = true;
	struct refund_facts f = firm(10, 10, 0);
	assert_false(decide(&p, f).eligible); /* not certified */
	assert_non_null(strstr(decide(&p, f).reason, "未认定为困难企业"));
	f.difficulty_certified = true;
	struct refund_verdict v = decide(&p, f);
	assert_true(v.eligible);
	assert_int_equal(v.amount_fen, 6 * 129000 * 10); /* 77,400 元 */
	p.cap_fen = 5000000;                             /* 50,000 元 */
	assert_int_equal(decide(&p, f).amount_fen, 5000000);
	f.on_default_list = true;
	v = decide(&p, f);
	assert_false(v.eligible);
	assert_non_null(strstr(v.reason, "严重失信"));
	p.exclude_default = false;
	assert_true(decide(&p, f).eligible);
	/* Arrears by the cut-off month refuse; the amount is shown in 元. */
	f.arrears_fen = 1;
	v = decide(&p, f);
	assert_false(v.eligible);
	assert_non_null(strstr(v.reason, "2020-06 欠缴失业保险费 0.01元"));
	/* No roll for the start month, or nobody insured then. */
	f = firm(0, 5, 100);
	assert_false(decide(&p, f).eligible);
	f.has_start = false;
	assert_non_null(strstr(decide(&p, f).reason, "2020-01 无参保人员"));
}

static void test_figures_let_anyone_redo_the_sum(void **state)
{
	(void)state;
	struct refund_policy p = share_policy();
	struct refund_facts f = firm(200, 189, 12345);
	f.size = SIZE_MEDIUM;
	struct refund_verdict v = decide(&p, f);
	json_t *o = refund_figures(&p, &f, &v);
	assert_int_equal(json_integer_value(json_object_get(o, "insured_start")), 200);
	assert_int_equal(json_integer_value(json_object_get(o, "insured_end")), 189);
	assert_int_equal(json_integer_value(json_object_get(o, "layoff_rate_bp")), 550);
	assert_int_equal(json_integer_value(json_object_get(o, "threshold_bp")), 550);
	assert_int_equal(json_integer_value(json_object_get(o, "premiums_last_year_fen")), 12345);
	assert_int_equal(json_integer_value(json_object_get(o, "share_bp")), 5000);
	assert_int_equal(json_integer_value(json_object_get(o, "amount_fen")), 6173);
	assert_string_equal(json_string_value(json_object_get(o, "rounding")), "half_up");
	assert_string_equal(json_string_value(json_object_get(o, "start_month")), "2020-01");
	json_decref(o);
}

#define RULES                                                                                                          \
	"{\"year\":2020,\"start_month\":\"2020-01\",\"end_month\":\"2020-06\",\"arrears_month\":\"2020-06\","          \
	"\"rate_bp\":550,\"small_rate_bp\":2000,\"small_headcount\":30,\"exclude_default\":true,"                      \
	"\"require_difficulty\":false,\"amount\":\"premium_share\",\"share_bp\":{\"large\":5000,\"medium\":5000,"      \
	"\"small\":10000,\"micro\":10000},\"cap_fen\":0,\"rounding\":\"half_up\"}"

static const char *policy_fault(const char *json_text, const char *key, json_t *value)
{
	json_t *o = json_loads(json_text, 0, NULL);
	if (key)
		json_object_set_new(o, key, value);
	struct refund_policy p;
	const char *field = NULL, *why = NULL;
	int rc = refund_policy_read(o, &p, &field, &why);
	json_decref(o);
	return rc == 0 ? NULL : field;
}

static void test_policy_rules_are_read_and_refused_by_field(void **state)
{
	(void)state;
	json_t *o = json_loads(RULES, 0, NULL);
	struct refund_policy p;
	const char *field, *why;
	assert_int_equal(refund_policy_read(o, &p, &field, &why), 0);
	json_decref(o);
	assert_int_equal(p.start_month, 202001);
	assert_int_equal(p.share_bp[SIZE_MICRO], 10000);
	assert_null(policy_fault(RULES, NULL, NULL));
	assert_string_equal(policy_fault(RULES, "end_month", json_string("2021-01")), "end_month");
	assert_string_equal(policy_fault(RULES, "end_month", json_string("2020-01")), "end_month"); /* not after start */
	assert_string_equal(policy_fault(RULES, "rate_bp", json_real(5.5)), "rate_bp");                /* no floats */
	assert_string_equal(policy_fault(RULES, "rate_bp", json_integer(10001)), "rate_bp");
	assert_string_equal(policy_fault(RULES, "share_bp", json_pack("{s:i}", "large", 5000)), "share_bp");
	assert_string_equal(policy_fault(RULES, "amount", json_string("all")), "amount");
	assert_string_equal(policy_fault(RULES, "amount", json_string("benefit")), "benefit_months");
	assert_string_equal(policy_fault(RULES, "rounding", json_string("down")), "rounding");
	assert_string_equal(policy_fault(RULES, "cap_fen", json_integer(-1)), "cap_fen");
	assert_string_equal(policy_fault(RULES, "exclude_default", json_integer(1)), "exclude_default");
}

/* ---- the rolls' CSV ---- */

static int64_t districts(void *ctx, const char *code)
{
	(void)ctx;
	if (strcmp(code, "350111") == 0)
		return 11;
	if (strcmp(code, "350112") == 0)
		return -1; /* outside the importer's area */
	return strcmp(code, "350102") == 0 ? 2 : 0;
}

#define HEADER "统一社会信用代码,企业名称,县(市)区,行业,规模,月份,参保人数,缴费(分),欠费(分)\n"
#define A      "91350111MA2RF0001N"
#define B      "91350111MA2RF0002R"

/*
** Read csv as the rolls of 2020 into lines[] (at most 8), from memory or, with
** cap, streamed from a file through a buffer of cap bytes: the first bad line
** (0 when all were read) with the problem in *why.
*/
static int read_rolls(struct arena *a, const char *csv, size_t cap, struct roll_line *lines, size_t *ret_n,
                      const char **why)
{
	struct rolls_reader r = {0};
	char buf[512];
	FILE *file = cap ? fmemopen((void *)csv, strlen(csv), "r") : NULL;
	if (file)
		csv_init_file(&r.csv, file, buf, cap, NULL, NULL);
	else
		csv_init(&r.csv, csv, strlen(csv));
	int got = refund_rolls_start(&r, a, 2020, districts, NULL);
	*ret_n = 0;
	while (got == 0 && *ret_n < 8 && (got = refund_rolls_next(&r, a, &lines[*ret_n])) == 1) {
		++*ret_n;
		got = 0;
	}
	if (file)
		fclose(file);
	*why = got < 0 ? r.why : NULL;
	return got < 0 ? r.line : 0;
}

static int bad_line(const char *csv, const char **why)
{
	struct arena *a = arena_new();
	struct roll_line lines[8];
	size_t n;
	int line = read_rolls(a, csv, 0, lines, &n, why);
	arena_free(a);
	return line;
}

static void test_rolls_are_read_a_line_at_a_time_in_file_order(void **state)
{
	(void)state;
	const char *csv = HEADER B ",乙公司,350102,制造,小型,2020-06,10,5000,0\n" A ",甲公司,350111,零售,微型,2020-06,3,300,0\n" B
	                         ",\"乙公司\n(分厂)\",350102,制造,小型,2020-01,12,6000,100\n";
	/* From memory, and streamed through a buffer no bigger than a line or two. */
	for (size_t cap = 0; cap <= 200; cap += 200) {
		struct arena *a = arena_new();
		struct roll_line lines[8];
		size_t n;
		const char *why;
		assert_int_equal(read_rolls(a, csv, cap, lines, &n, &why), 0);
		assert_int_equal(n, 3);
		assert_string_equal(lines[0].credit_code, B);
		assert_int_equal(lines[0].month, 202006);
		assert_int_equal(lines[0].district_id, 2);
		assert_string_equal(lines[1].credit_code, A);
		assert_int_equal(lines[1].size, SIZE_MICRO);
		assert_int_equal(lines[1].district_id, 11);
		assert_int_equal(lines[2].month, 202001);
		assert_int_equal(lines[2].insured, 12);
		assert_int_equal(lines[2].arrears_fen, 100);
		assert_int_equal(lines[2].line, 4);
		assert_string_equal(lines[2].name, "乙公司\n(分厂)");
		arena_free(a);
	}
}

static void test_rolls_refused_naming_the_first_bad_line(void **state)
{
	(void)state;
	const char *why;
	const char *good = A ",甲公司,350111,零售,微型,2020-06,3,300,0\n";
	/* A wrong check character (…01N → …01P). */
	assert_int_equal(bad_line(HEADER "91350111MA2RF0001P,甲公司,350111,零售,微型,2020-06,3,300,0\n", &why), 2);
	assert_non_null(strstr(why, "校验"));
	/* A month outside the policy year, on line 3. */
	char csv[1024];
	snprintf(csv, sizeof csv, HEADER "%s" B ",乙公司,350111,零售,小型,2019-12,3,300,0\n", good);
	assert_int_equal(bad_line(csv, &why), 3);
	assert_non_null(strstr(why, "政策年度"));
	/* A negative amount. */
	snprintf(csv, sizeof csv, HEADER "%s" B ",乙公司,350111,零售,小型,2020-06,3,-300,0\n", good);
	assert_int_equal(bad_line(csv, &why), 3);
	assert_non_null(strstr(why, "不能为负"));
	/* The first bad line is named, whatever follows it. */
	snprintf(csv, sizeof csv, HEADER "%s" B ",乙公司,350111,零售,小型,2020-13,3,300,0\n" B ",乙,350199,零售,小型,2020-01,3,300,0\n",
	         good);
	assert_int_equal(bad_line(csv, &why), 3);
	assert_non_null(strstr(why, "YYYY-MM"));
	/* A district unknown, or another area's; a size that is not one of the four; a headcount in words. */
	assert_int_equal(bad_line(HEADER A ",甲公司,350199,零售,微型,2020-06,3,300,0\n", &why), 2);
	assert_non_null(strstr(why, "不存在"));
	assert_int_equal(bad_line(HEADER A ",甲公司,350112,零售,微型,2020-06,3,300,0\n", &why), 2);
	assert_non_null(strstr(why, "管辖范围"));
	assert_int_equal(bad_line(HEADER A ",甲公司,350111,零售,小微,2020-06,3,300,0\n", &why), 2);
	assert_int_equal(bad_line(HEADER A ",甲公司,350111,零售,微型,2020-06,三,300,0\n", &why), 2);
	assert_int_equal(bad_line(HEADER A ",甲公司,350111,零售,微型,2020-06,3,300\n", &why), 2);
	/* A blank line does not shift the count; a wrong header is line 1. */
	assert_int_equal(bad_line(HEADER "\n" A ",甲公司,350111,零售,微型,2020-6,3,300,0\n", &why), 3);
	assert_int_equal(bad_line("code,name\n", &why), 1);
	assert_int_equal(bad_line(HEADER, &why), 0); /* no lines: nothing to refuse */
}

/* The article's sentence: 万人 to two decimals half up from 10,000 people, money in 亿元, 万元 or 元. */
static void test_headline_reads_like_the_article(void **state)
{
	(void)state;
	char buf[160];
	/* 17,772 enterprises, 150,600 people, 1,165,996,404.00 元: the Fuzhou Daily's line of 4 November 2020. */
	assert_true(refund_headline(17772, 150600, INT64_C(116599640400), buf, sizeof buf) > 0);
	assert_string_equal(buf, "惠及17772家企业,受惠人数15.06万人,返还资金11.66亿元");
	refund_headline(3, 150649, INT64_C(1000000000), buf, sizeof buf);
	assert_string_equal(buf, "惠及3家企业,受惠人数15.06万人,返还资金1,000.00万元");
	refund_headline(3, 150650, INT64_C(999999), buf, sizeof buf);
	assert_string_equal(buf, "惠及3家企业,受惠人数15.07万人,返还资金9,999.99元");
	refund_headline(1, 10000, 0, buf, sizeof buf);
	assert_string_equal(buf, "惠及1家企业,受惠人数1.00万人,返还资金0.00元");
	refund_headline(2, 9999, 7000, buf, sizeof buf);
	assert_string_equal(buf, "惠及2家企业,受惠人数9999人,返还资金70.00元");
	char small[20];
	assert_int_equal(refund_headline(17772, 150600, INT64_C(116599640400), small, sizeof small), -ENOSPC);
	assert_string_equal(small, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layoff_rate_of_exactly_the_threshold_is_eligible),
	    cmocka_unit_test(test_thirty_insured_takes_the_small_threshold_and_thirty_one_does_not),
	    cmocka_unit_test(test_rounding_in_fen_is_half_up),
	    cmocka_unit_test(test_benefit_months_cap_and_lists),
	    cmocka_unit_test(test_figures_let_anyone_redo_the_sum),
	    cmocka_unit_test(test_policy_rules_are_read_and_refused_by_field),
	    cmocka_unit_test(test_rolls_are_read_a_line_at_a_time_in_file_order),
	    cmocka_unit_test(test_rolls_refused_naming_the_first_bad_line),
	    cmocka_unit_test(test_headline_reads_like_the_article),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
