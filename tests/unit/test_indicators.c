/*
** test_indicators.c - the indicators' pure parts (src/indicators/periods.c,
** ranking.c) on hand-worked cases: exact decimals, growth to a hundredth of
** a percent, the year to date and its growth (a unit with no data, a
** missing month, a year boundary, a quarterly indicator), the validation
** rules, and rankings (ties, a unit with no data, the tie-break, a
** composite, streaks).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "indicators/indicators.h"

static void test_periods(void **state)
{
	(void)state;
	int y, m;
	assert_int_equal(ind_period_parse("2020-09", &y, &m), 0);
	assert_int_equal(y, 2020);
	assert_int_equal(m, 9);
	const char *bad[] = {"2020-9", "2020-13", "2020-00", "20-09-01", "2020/09", "1989-12", "", "２０２０-09"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ind_period_parse(bad[i], &y, &m), -EINVAL);
	assert_true(ind_period_fits(IND_QUARTER, 9));
	assert_false(ind_period_fits(IND_QUARTER, 8));
	assert_true(ind_period_fits(IND_YEAR, 12));
	assert_false(ind_period_fits(IND_YEAR, 9));
	assert_int_equal(ind_period_previous(IND_MONTH, 9), 8);
	assert_int_equal(ind_period_previous(IND_QUARTER, 9), 6);
	/* January and the first quarter start the year afresh: no earlier year to date to compare with. */
	assert_int_equal(ind_period_previous(IND_MONTH, 1), 0);
	assert_int_equal(ind_period_previous(IND_QUARTER, 3), 0);
	assert_int_equal(ind_kind_from_name("quarter"), IND_QUARTER);
	assert_int_equal(ind_kind_from_name("week"), -1);
}

static void test_decimals(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(ind_decimal_parse("6759.34", 4, &v), 0);
	assert_int_equal(v, 67593400); /* 亿元 with 4 decimals: 1 is 1万元 */
	assert_int_equal(ind_decimal_parse("-3.1", 2, &v), 0);
	assert_int_equal(v, -310);
	assert_int_equal(ind_decimal_parse("12", 0, &v), 0);
	assert_int_equal(v, 12);
	const char *bad[] = {"", "-", ".5", "5.", "1.234", "1,000", "+1", " 1", "1e3", "1.2.3"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ind_decimal_parse(bad[i], 2, &v), -EINVAL);
	assert_int_equal(ind_decimal_parse("10000000000000", 2, &v), -ERANGE);
	char buf[32];
	ind_decimal_format(67593400, 4, buf, sizeof buf);
	assert_string_equal(buf, "6759.34");
	ind_decimal_format(67593456, 4, buf, sizeof buf);
	assert_string_equal(buf, "6759.3456");
	ind_decimal_format(-310, 2, buf, sizeof buf);
	assert_string_equal(buf, "-3.10");
	ind_decimal_format(-5, 2, buf, sizeof buf);
	assert_string_equal(buf, "-0.05");
	ind_decimal_format(17772, 0, buf, sizeof buf);
	assert_string_equal(buf, "17772");
}

static void test_growth(void **state)
{
	(void)state;
	int64_t g;
	assert_true(ind_growth_bp(9, 8, &g));
	assert_int_equal(g, 1250); /* 12.5% */
	assert_true(ind_growth_bp(640, 600, &g));
	assert_int_equal(g, 667); /* 6.666…% to 6.67% */
	assert_true(ind_growth_bp(20001, 20000, &g));
	assert_int_equal(g, 1); /* 0.005% is a half: away from zero */
	assert_true(ind_growth_bp(19999, 20000, &g));
	assert_int_equal(g, -1);
	assert_true(ind_growth_bp(0, 500, &g));
	assert_int_equal(g, -10000);
	assert_false(ind_growth_bp(500, 0, &g)); /* no base: no growth */
	assert_false(ind_growth_bp(500, -3, &g));
}

/* Ratios in percent, exact: 589亿元 of 6,759.34亿元 is 8.7139…% → 8.71; 5亿元 (50,000.00万元) of it 0.0739…% → 0.07. */
static void test_ratios(void **state)
{
	(void)state;
	int64_t r;
	assert_true(ind_ratio(5890000, "亿元", 4, 67593400, "亿元", 4, 2, &r));
	assert_int_equal(r, 871);
	assert_true(ind_ratio(5000000, "万元", 2, 67593400, "亿元", 4, 2, &r));
	assert_int_equal(r, 7);
	assert_true(ind_ratio(5000000, "万元", 2, 67593400, "亿元", 4, 4, &r));
	assert_int_equal(r, 740); /* 0.07397 → 0.0740 */
	assert_true(ind_ratio(1, "count", 0, 8, "count", 0, 2, &r));
	assert_int_equal(r, 1250); /* 12.50% */
	assert_true(ind_ratio(1, "count", 0, 3, "count", 0, 0, &r));
	assert_int_equal(r, 33);
	assert_true(ind_ratio(2, "count", 0, 3, "count", 0, 0, &r));
	assert_int_equal(r, 67); /* 66.67 rounds up */
	/* The largest figures: 10^15 亿元 units over 1 万元 is 10^19 hundredths of a percent, beyond int64_t. */
	assert_false(ind_ratio(999999999999999, "亿元", 4, 1, "万元", 0, 2, &r));
	assert_true(ind_ratio(999999999999999, "亿元", 4, 1000, "万元", 0, 2, &r));
	assert_int_equal(r, 9999999999999990);
	assert_false(ind_ratio(1, "count", 0, 0, "count", 0, 2, &r));
}

static void put(struct ind_year *y, int month, int64_t value)
{
	y->has_value[month - 1] = true;
	y->value[month - 1] = value;
}

/* Monthly figures 2019: 100, 200, 300; 2020: 90, 220, 330. */
static void test_year_to_date_and_its_growth(void **state)
{
	(void)state;
	struct ind_year y19 = {0}, y20 = {0};
	put(&y19, 1, 100), put(&y19, 2, 200), put(&y19, 3, 300);
	put(&y20, 1, 90), put(&y20, 2, 220), put(&y20, 3, 330);
	struct ind_figure f;
	ind_figure_of(IND_MONTH, &y20, &y19, 3, &f);
	assert_true(f.has_value && f.has_ytd && f.has_growth && f.has_ytd_growth);
	assert_int_equal(f.value, 330);
	assert_int_equal(f.ytd, 640);
	assert_int_equal(f.growth, 1000);    /* 330 on 300: +10.00% */
	assert_int_equal(f.ytd_growth, 667); /* 640 on 600: +6.67% */
	assert_true(f.growth_computed && f.ytd_growth_computed);
	/* The year boundary: January's year to date is January alone, its growth on last January. */
	ind_figure_of(IND_MONTH, &y20, &y19, 1, &f);
	assert_int_equal(f.ytd, 90);
	assert_int_equal(f.ytd_growth, -1000);
	/* A month missing this year: no year to date from April on; published growth stands where stored. */
	y20.has_ytd_growth[4] = true, y20.ytd_growth[4] = 520;
	put(&y20, 5, 400);
	ind_figure_of(IND_MONTH, &y20, &y19, 5, &f);
	assert_true(f.has_value);
	assert_false(f.has_ytd);
	assert_false(f.has_growth); /* no May 2019 and none published */
	assert_true(f.has_ytd_growth && !f.ytd_growth_computed);
	assert_int_equal(f.ytd_growth, 520);
	/* A unit with no data at all. */
	struct ind_year none = {0};
	ind_figure_of(IND_MONTH, &none, &none, 9, &f);
	assert_false(f.has_value || f.has_ytd || f.has_growth || f.has_ytd_growth);
}

/* GDP by quarter: 2019 2000.00, 2200.00, 2356.09; 2020 1900.00, 2300.00, 2559.34 (亿元, 4 decimals). */
static void test_quarters(void **state)
{
	(void)state;
	struct ind_year y19 = {0}, y20 = {0};
	put(&y19, 3, 20000000), put(&y19, 6, 22000000), put(&y19, 9, 23560900);
	put(&y20, 3, 19000000), put(&y20, 6, 23000000), put(&y20, 9, 25593400);
	struct ind_figure f;
	ind_figure_of(IND_QUARTER, &y20, &y19, 9, &f);
	assert_int_equal(f.ytd, 67593400); /* 6759.34亿元 */
	/* 6759.34 on 6556.09: +203.25, 3.1002% → 3.10% */
	assert_int_equal(f.ytd_growth, 310);
	ind_figure_of(IND_QUARTER, &y20, &y19, 6, &f);
	assert_int_equal(f.ytd, 42000000);
	assert_int_equal(f.ytd_growth, 0); /* 4200 on 4200 */
}

static void test_validation_rules(void **state)
{
	(void)state;
	struct ind_figure f = {.has_growth = true, .growth = 3000}, prev = {0};
	assert_int_equal(ind_figure_flags(&f, NULL), 0); /* exactly 30%: allowed */
	f.growth = 3001;
	assert_int_equal(ind_figure_flags(&f, NULL), IND_FLAG_GROWTH);
	f = (struct ind_figure){.has_ytd_growth = true, .ytd_growth = -3500};
	assert_int_equal(ind_figure_flags(&f, NULL), IND_FLAG_GROWTH);
	/* The year to date falls below last month's: a negative month, or a correction. */
	f = (struct ind_figure){.has_ytd = true, .ytd = 599};
	prev = (struct ind_figure){.has_ytd = true, .ytd = 600};
	assert_int_equal(ind_figure_flags(&f, &prev), IND_FLAG_YTD_FALL);
	f.ytd = 600;
	assert_int_equal(ind_figure_flags(&f, &prev), 0);
	prev.has_ytd = false; /* nothing to compare with */
	f.ytd = 1;
	assert_int_equal(ind_figure_flags(&f, &prev), 0);
	/* Districts and the city: 1% of 10000 is 100. */
	assert_false(ind_sum_differs(10000, 9900));
	assert_true(ind_sum_differs(10000, 9899));
	assert_true(ind_sum_differs(10000, 10101));
	assert_false(ind_sum_differs(0, 0));
}

static struct rank_unit unit(int64_t v)
{
	return (struct rank_unit){.has = {true}, .value = {v}};
}

static void test_ranking_ties_and_no_data(void **state)
{
	(void)state;
	struct rank_term t = {1, true};
	struct rank_unit u[] = {unit(310), unit(520), unit(310), {.ranked = false}, unit(-20)};
	rank_units(u, 5, &t, 1, false);
	assert_int_equal(u[1].rank, 1);
	assert_int_equal(u[0].rank, 2); /* a tie shares its rank */
	assert_int_equal(u[2].rank, 2);
	assert_int_equal(u[4].rank, 4); /* and the next is skipped */
	assert_int_equal(u[3].rank, 0); /* no data: not ranked */
	assert_false(u[3].ranked);
	/* The tie broken by the level: the larger economy first; a unit without a level after. */
	u[0].has_level = true, u[0].level = 100;
	u[2].has_level = true, u[2].level = 900;
	rank_units(u, 5, &t, 1, true);
	assert_int_equal(u[2].rank, 2);
	assert_int_equal(u[0].rank, 3);
	u[2].has_level = false;
	rank_units(u, 5, &t, 1, true);
	assert_int_equal(u[0].rank, 2);
	assert_int_equal(u[2].rank, 3);
	/* Equal levels still share. */
	u[2].has_level = true, u[2].level = 100;
	rank_units(u, 5, &t, 1, true);
	assert_int_equal(u[0].rank, 2);
	assert_int_equal(u[2].rank, 2);
	/* Less is better: the order turns. */
	t.higher_better = false;
	rank_units(u, 5, &t, 1, false);
	assert_int_equal(u[4].rank, 1);
	assert_int_equal(u[1].rank, 4);
}

/*
** Two terms weighted 30 and 20.  Term one: A 100, B 200, C 300 scale to 0,
** 500,000, 1,000,000; term two: A 50, B 10, C 30 to 1,000,000, 0, 500,000.
** A 20,000,000, B 15,000,000, C 40,000,000: C, A, B.  D lacks term two.
*/
static void test_ranking_composite(void **state)
{
	(void)state;
	struct rank_term t[] = {{30, true}, {20, true}};
	struct rank_unit u[] = {
	    {.has = {true, true}, .value = {100, 50}},
	    {.has = {true, true}, .value = {200, 10}},
	    {.has = {true, true}, .value = {300, 30}},
	    {.has = {true, false}, .value = {999, 0}},
	};
	rank_units(u, 4, t, 2, false);
	assert_int_equal(u[0].score, 20000000);
	assert_int_equal(u[1].score, 15000000);
	assert_int_equal(u[2].score, 40000000);
	assert_int_equal(u[2].rank, 1);
	assert_int_equal(u[0].rank, 2);
	assert_int_equal(u[1].rank, 3);
	assert_int_equal(u[3].rank, 0); /* its 999 did not stretch the scale either */
}

static void test_streaks(void **state)
{
	(void)state;
	assert_int_equal(rank_streak((int[]){1, 1, 2, 1}, 4), 2); /* 连续两个月第一 */
	assert_int_equal(rank_streak((int[]){3, 1}, 2), 1);
	assert_int_equal(rank_streak((int[]){1, 1, 1}, 3), 3);
	assert_int_equal(rank_streak((int[]){0, 0}, 2), 0); /* unranked: no streak */
	assert_int_equal(rank_streak((int[]){2}, 1), 1);
}

static void test_phrases(void **state)
{
	(void)state;
	char buf[96];
	const struct {
		int n;
		bool measure;
		const char *text;
	} numbers[] = {{1, false, "一"},    {2, false, "二"},   {2, true, "两"},       {10, false, "十"},
	               {11, false, "十一"}, {20, true, "二十"}, {23, false, "二十三"}, {99, false, "九十九"},
	               {0, false, ""},      {100, false, ""}};
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		ind_chinese_number(numbers[i].n, numbers[i].measure, buf, sizeof buf);
		assert_string_equal(buf, numbers[i].text);
	}
	ind_rank_phrase(1, 2, IND_MONTH, true, buf, sizeof buf);
	assert_string_equal(buf, "连续两个月排名全省第一"); /* the article's words */
	ind_rank_phrase(3, 1, IND_QUARTER, true, buf, sizeof buf);
	assert_string_equal(buf, "位列全省第三");
	ind_rank_phrase(2, 3, IND_QUARTER, false, buf, sizeof buf);
	assert_string_equal(buf, "连续三个季度排名全市第二");
	ind_rank_phrase(12, 2, IND_YEAR, false, buf, sizeof buf);
	assert_string_equal(buf, "连续两年排名全市第十二");
	ind_rank_phrase(0, 0, IND_MONTH, true, buf, sizeof buf);
	assert_string_equal(buf, "");
	char small[8];
	ind_rank_phrase(1, 2, IND_MONTH, true, small, sizeof small); /* cut short, still a string */
	assert_true(strlen(small) < sizeof small);
}

/* Growth as the bulletin says it: one decimal, half away from zero, no trailing zero. */
static void test_growth_words(void **state)
{
	(void)state;
	static const struct {
		int64_t bp;
		const char *text;
	} cases[] = {{310, "3.1"}, {800, "8"}, {610, "6.1"}, {-570, "-5.7"}, {-100, "-1"}, {5, "0.1"},
	             {-5, "-0.1"}, {4, "0"},  {-4, "0"},    {1995, "20"},   {0, "0"}};
	char buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ind_growth_words(cases[i].bp, buf, sizeof buf);
		assert_string_equal(buf, cases[i].text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_periods),
	    cmocka_unit_test(test_decimals),
	    cmocka_unit_test(test_growth),
	    cmocka_unit_test(test_ratios),
	    cmocka_unit_test(test_year_to_date_and_its_growth),
	    cmocka_unit_test(test_quarters),
	    cmocka_unit_test(test_validation_rules),
	    cmocka_unit_test(test_ranking_ties_and_no_data),
	    cmocka_unit_test(test_ranking_composite),
	    cmocka_unit_test(test_streaks),
	    cmocka_unit_test(test_phrases),
	    cmocka_unit_test(test_growth_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
