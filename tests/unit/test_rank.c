/*
** test_rank.c - ranking an assessment (src/cadres/rank.c), worked by hand:
** totals and their reweighting, ranks within cohorts, ties broken by the
** items in tie_order or shared, the quota of 优秀 (floor(pct × size / 100),
** never exceeded, none to a tie at its edge) and the grades' thresholds.
**
** The scheme is the demo's: 一线时间 30 (breaks ties second), 节点完成 25
** (first), 问题办结 15, 考核组研判 20, 360测评 10; 称职 from 70, 基本称职 from 60.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "cadres/cadres.h"

static const struct rank_item items[] = {
    {"一线时间", 30, 2}, {"节点完成", 25, 1}, {"问题办结", 15, 0}, {"考核组研判", 20, 0}, {"360测评", 10, 0},
};

static struct rank_rules rules(int pct)
{
	return (struct rank_rules){items, 5, pct, 70000, 60000};
}

#define P(x) ((int64_t)((x)*1000)) /* points as thousandths */
#define NO   RANK_NO_SCORE

/* Every item the same score: the total is that score. */
static int64_t flat[][5] = {
    {P(95), P(95), P(95), P(95), P(95)}, {P(90), P(90), P(90), P(90), P(90)}, {P(85), P(85), P(85), P(85), P(85)},
    {P(80), P(80), P(80), P(80), P(80)}, {P(75), P(75), P(75), P(75), P(75)}, {P(65), P(65), P(65), P(65), P(65)},
    {P(55), P(55), P(55), P(55), P(55)}, {P(72), P(72), P(72), P(72), P(72)}, {P(71), P(71), P(71), P(71), P(71)},
    {P(70), P(70), P(70), P(70), P(70)},
};

static void test_totals_weighted_and_reweighted(void **state)
{
	(void)state;
	/* 30×80 + 25×90 + 15×70 + 20×85 + 10×60 = 8000 over 100: 80. */
	int64_t all[] = {P(80), P(90), P(70), P(85), P(60)};
	/* Without the survey (under its minimum): 7400 over 90 = 82.2222…, 82.222 rounded. */
	int64_t no_survey[] = {P(80), P(90), P(70), P(85), NO};
	/* 1 × 1 thousandth over 30 weights 0.0333… thousandths: rounded half up to 0; 2 of 3 → 1. */
	int64_t tiny[] = {1, NO, NO, NO, NO};
	struct rank_subject s[] = {
	    {.cohort = "c", .scores = all}, {.cohort = "c", .scores = no_survey}, {.cohort = "c", .scores = tiny}};
	struct rank_rules r = rules(20);
	assert_int_equal(rank_cohorts(&r, s, 3), 0);
	assert_int_equal(s[0].total, 80000);
	assert_int_equal(s[1].total, 82222);
	assert_int_equal(s[2].total, 1);
	assert_int_equal(s[1].rank, 1);
	assert_int_equal(s[0].rank, 2);
	assert_int_equal(s[2].grade, GRADE_INCOMPETENT);
}

static void test_quota_is_floor_of_the_share(void **state)
{
	(void)state;
	/* Ten in the cohort at 20%: two 优秀 (95, 90); 85 is 称职 though well above the threshold. */
	struct rank_subject s[10];
	for (int i = 0; i < 10; i++)
		s[i] = (struct rank_subject){.cohort = "县处级", .scores = flat[i]};
	struct rank_rules r = rules(20);
	assert_int_equal(rank_cohorts(&r, s, 10), 0);
	assert_int_equal(s[0].grade, GRADE_EXCELLENT);
	assert_int_equal(s[1].grade, GRADE_EXCELLENT);
	assert_int_equal(s[2].grade, GRADE_COMPETENT);
	assert_int_equal(s[5].grade, GRADE_BASIC);       /* 65 */
	assert_int_equal(s[6].grade, GRADE_INCOMPETENT); /* 55 */
	assert_int_equal(s[9].grade, GRADE_COMPETENT);   /* 70: the threshold itself */
	assert_int_equal(s[0].rank, 1);
	assert_int_equal(s[6].rank, 10);
	assert_int_equal(s[7].rank, 6); /* 72 after 95, 90, 85, 80, 75 */
	assert_string_equal(s[0].tie_note, "");
	/* Four at 20%: 0.8, floored to none. */
	assert_int_equal(rank_cohorts(&r, s, 4), 0);
	for (int i = 0; i < 4; i++)
		assert_int_not_equal(s[i].grade, GRADE_EXCELLENT);
}

static void test_cohorts_ranked_apart(void **state)
{
	(void)state;
	/* Five in each cohort at 20%: one 优秀 each, the best of its own cohort. */
	struct rank_subject s[10];
	for (int i = 0; i < 10; i++)
		s[i] = (struct rank_subject){.cohort = i % 2 ? "乡科级" : "县处级", .scores = flat[i]};
	struct rank_rules r = rules(20);
	assert_int_equal(rank_cohorts(&r, s, 10), 0);
	assert_int_equal(s[0].rank, 1); /* 95, 县处级 */
	assert_int_equal(s[1].rank, 1); /* 90, 乡科级 */
	assert_int_equal(s[0].grade, GRADE_EXCELLENT);
	assert_int_equal(s[1].grade, GRADE_EXCELLENT);
	assert_int_equal(s[2].grade, GRADE_COMPETENT);
	assert_int_equal(s[3].grade, GRADE_COMPETENT);
	assert_int_equal(s[8].rank, 4); /* 71 in 县处级: 95, 85, 75, 71, 65 */
}

static void test_equal_totals_broken_by_the_tie_items(void **state)
{
	(void)state;
	/*
	** A and B both total 80: A has 节点完成 90, B 80, so A first (tie_order 1).
	** C and D both total 76 and the same 节点完成: 一线时间 (tie_order 2) decides, D's 82 over C's 70.
	** A: 30×80 + 25×90 + 15×70 + 20×80 + 10×70 = 8000.  B: 30×80 + 25×80 + 15×80 + 20×80 + 10×80 = 8000.
	** C: 30×70 + 25×80 + 15×80 + 20×80 + 10×70 = 7600.  D: 30×82 + 25×80 + 15×56 + 20×80 + 10×70 = 7600.
	*/
	int64_t a[] = {P(80), P(90), P(70), P(80), P(70)}, b[] = {P(80), P(80), P(80), P(80), P(80)};
	int64_t c[] = {P(70), P(80), P(80), P(80), P(70)}, d[] = {P(82), P(80), P(56), P(80), P(70)};
	struct rank_subject s[] = {{.cohort = "x", .scores = b},
	                           {.cohort = "x", .scores = a},
	                           {.cohort = "x", .scores = c},
	                           {.cohort = "x", .scores = d},
	                           {.cohort = "x", .scores = flat[6]}};
	struct rank_rules r = rules(20); /* five: one 优秀 */
	assert_int_equal(rank_cohorts(&r, s, 5), 0);
	assert_int_equal(s[0].total, s[1].total);
	assert_int_equal(s[1].rank, 1);
	assert_int_equal(s[0].rank, 2);
	assert_int_equal(s[1].grade, GRADE_EXCELLENT);
	assert_int_equal(s[0].grade, GRADE_COMPETENT);
	assert_non_null(strstr(s[1].tie_note, "按「节点完成」分先后"));
	assert_non_null(strstr(s[0].tie_note, "按「节点完成」分先后"));
	assert_int_equal(s[2].total, 76000);
	assert_int_equal(s[3].total, 76000);
	assert_int_equal(s[3].rank, 3);
	assert_int_equal(s[2].rank, 4);
	assert_non_null(strstr(s[2].tie_note, "按「一线时间」分先后"));
	assert_string_equal(s[4].tie_note, "");
}

static void test_an_item_without_a_score_loses_the_tie(void **state)
{
	(void)state;
	/* Both 80 over the items they have; B has no 节点完成 score, so A wins the tie on it. */
	int64_t a[] = {P(80), P(80), P(80), P(80), P(80)}, b[] = {P(80), NO, P(80), P(80), P(80)};
	struct rank_subject s[] = {{.cohort = "x", .scores = b}, {.cohort = "x", .scores = a}};
	struct rank_rules r = rules(0);
	assert_int_equal(rank_cohorts(&r, s, 2), 0);
	assert_int_equal(s[1].rank, 1);
	assert_int_equal(s[0].rank, 2);
}

static void test_a_tie_at_the_quota_edge_gets_none(void **state)
{
	(void)state;
	/* Five at 20%: one 优秀, but two tie at the top on every item: neither, nor the third. */
	struct rank_subject s[] = {{.cohort = "x", .scores = flat[1]},
	                           {.cohort = "x", .scores = flat[1]},
	                           {.cohort = "x", .scores = flat[2]},
	                           {.cohort = "x", .scores = flat[3]},
	                           {.cohort = "x", .scores = flat[4]}};
	struct rank_rules r = rules(20);
	assert_int_equal(rank_cohorts(&r, s, 5), 0);
	assert_int_equal(s[0].rank, 1);
	assert_int_equal(s[1].rank, 1);
	assert_int_equal(s[2].rank, 3);
	for (int i = 0; i < 5; i++)
		assert_int_equal(s[i].grade, GRADE_COMPETENT);
	assert_non_null(strstr(s[0].tie_note, "与另 1 人并列第 1 名"));
	assert_non_null(strstr(s[0].tie_note, "均不评优秀"));
	assert_string_equal(s[2].tie_note, "");
	/* Ten at 20%: two; the first alone, then two tied at rank 2: the first only. */
	struct rank_subject t[10];
	int64_t *order[10] = {flat[0], flat[1], flat[1], flat[2], flat[3], flat[4], flat[5], flat[6], flat[7], flat[8]};
	for (int i = 0; i < 10; i++)
		t[i] = (struct rank_subject){.cohort = "x", .scores = order[i]};
	assert_int_equal(rank_cohorts(&r, t, 10), 0);
	assert_int_equal(t[0].grade, GRADE_EXCELLENT);
	assert_int_equal(t[1].grade, GRADE_COMPETENT);
	assert_int_equal(t[2].grade, GRADE_COMPETENT);
	assert_int_equal(t[1].rank, 2);
	assert_int_equal(t[3].rank, 4);
	assert_non_null(strstr(t[1].tie_note, "均不评优秀"));
	/* The same pair fits a quota of three (fifteen at 20%): all three 优秀. */
	struct rank_subject u[15];
	for (int i = 0; i < 15; i++)
		u[i] = (struct rank_subject){.cohort = "x", .scores = i < 10 ? order[i] : flat[9]};
	assert_int_equal(rank_cohorts(&r, u, 15), 0);
	assert_int_equal(u[0].grade, GRADE_EXCELLENT);
	assert_int_equal(u[1].grade, GRADE_EXCELLENT);
	assert_int_equal(u[2].grade, GRADE_EXCELLENT);
	assert_int_equal(u[3].grade, GRADE_COMPETENT);
	assert_null(strstr(u[1].tie_note, "均不评优秀"));
}

static void test_excellent_needs_the_competent_threshold(void **state)
{
	(void)state;
	/* Five at 20% whose best has 65: the quota gives 优秀 to nobody under 称职. */
	struct rank_subject s[] = {{.cohort = "x", .scores = flat[5]},
	                           {.cohort = "x", .scores = flat[6]},
	                           {.cohort = "x", .scores = flat[6]},
	                           {.cohort = "x", .scores = flat[6]},
	                           {.cohort = "x", .scores = flat[6]}};
	struct rank_rules r = rules(20);
	assert_int_equal(rank_cohorts(&r, s, 5), 0);
	assert_int_equal(s[0].grade, GRADE_BASIC);
	assert_int_equal(s[1].rank, 2);
	assert_string_equal(rank_grade_label(s[0].grade), "基本称职");
	assert_string_equal(rank_grade_name(GRADE_EXCELLENT), "excellent");
}

static void test_a_subject_without_any_score_is_refused(void **state)
{
	(void)state;
	int64_t none[] = {NO, NO, NO, NO, NO};
	struct rank_subject s[] = {{.cohort = "x", .scores = flat[0]}, {.cohort = "x", .scores = none}};
	struct rank_rules r = rules(20);
	assert_int_equal(rank_cohorts(&r, s, 2), -EINVAL);
	assert_int_equal(rank_cohorts(&r, s, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_totals_weighted_and_reweighted),
	    cmocka_unit_test(test_quota_is_floor_of_the_share),
	    cmocka_unit_test(test_cohorts_ranked_apart),
	    cmocka_unit_test(test_equal_totals_broken_by_the_tie_items),
	    cmocka_unit_test(test_an_item_without_a_score_loses_the_tie),
	    cmocka_unit_test(test_a_tie_at_the_quota_edge_gets_none),
	    cmocka_unit_test(test_excellent_needs_the_competent_threshold),
	    cmocka_unit_test(test_a_subject_without_any_score_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
