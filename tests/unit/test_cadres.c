/*
** test_cadres.c - the two-thirds rule (src/cadres/frontline.c) by hand on the
** real calendar, across the 2020 National Day and Mid-Autumn holiday
** (1-8 October off) and its make-up working days (Sunday 27 September,
** Saturday 10 October).
**
** From Saturday 26 September to Sunday 11 October 2020 the working days are
** 27, 28, 29, 30 September and 9, 10 October: six.  Two thirds of them are
** four days, eight half days: 3 × 8 = 24 = 4 × 6, met exactly; seven half
** days (21 < 24) fall short.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include "cadres/cadres.h"
#include "core/calendar.h"
#include "core/clock.h"

#define SEP(d) clock_days_from_civil(2020, 9, (d))
#define OCT(d) clock_days_from_civil(2020, 10, (d))
#define FROM   SEP(26)
#define TO     OCT(11)

static struct front_period period(int32_t from, int32_t to)
{
	struct front_period p;
	assert_int_equal(front_period_init(&p, calendar_china(), from, to), 0);
	return p;
}

static void test_working_days_across_the_holiday(void **state)
{
	(void)state;
	assert_int_equal(period(FROM, TO).working_days, 6);
	assert_int_equal(period(OCT(1), OCT(8)).working_days, 0);   /* the holiday, weekdays included */
	assert_int_equal(period(SEP(27), SEP(27)).working_days, 1); /* a make-up Sunday */
	assert_int_equal(period(OCT(10), OCT(11)).working_days, 1); /* a make-up Saturday, then an ordinary Sunday */
	struct front_period p;
	assert_int_equal(front_period_init(&p, calendar_china(), OCT(11), OCT(10)), -EINVAL); /* backwards */
	assert_int_equal(front_period_init(&p, calendar_china(), SEP(1), SEP(1) + FRONT_MAX_DAYS - 1), 0);
	assert_int_equal(front_period_init(&p, calendar_china(), SEP(1), SEP(1) + FRONT_MAX_DAYS), -EINVAL);
}

/* Whole days on both make-up days and two ordinary ones: exactly two thirds. */
static void test_make_up_days_count_and_holidays_do_not(void **state)
{
	(void)state;
	struct front_period p = period(FROM, TO);
	struct front_mark m[] = {
	    {OCT(10), FRONT_WHOLE_DAY}, {SEP(27), FRONT_WHOLE_DAY}, {SEP(28), FRONT_WHOLE_DAY},
	    {SEP(29), FRONT_WHOLE_DAY}, {OCT(3), FRONT_WHOLE_DAY}, /* a holiday: nothing */
	    {SEP(26), FRONT_WHOLE_DAY},                            /* an ordinary Saturday: nothing */
	    {OCT(12), FRONT_WHOLE_DAY},                            /* after the period: nothing */
	};
	int64_t halves = front_half_days(&p, m, sizeof m / sizeof m[0]);
	assert_int_equal(halves, 8);
	assert_true(front_time_met(halves, 6));
}

/* Duplicates on one day count once; a morning and an afternoon make a day; a lone morning is half. */
static void test_half_days_and_duplicates(void **state)
{
	(void)state;
	struct front_period p = period(FROM, TO);
	struct front_mark m[] = {
	    {SEP(28), FRONT_WHOLE_DAY}, {SEP(28), FRONT_MORNING},   /* 2: the whole day, once */
	    {SEP(29), FRONT_MORNING},   {SEP(29), FRONT_AFTERNOON}, /* 2: both halves */
	    {SEP(30), FRONT_MORNING},   {SEP(30), FRONT_MORNING},   /* 1: the same morning twice */
	    {OCT(9), FRONT_WHOLE_DAY},                              /* 2 */
	    {OCT(1), FRONT_WHOLE_DAY},                              /* 0: National Day */
	};
	int64_t halves = front_half_days(&p, m, sizeof m / sizeof m[0]);
	assert_int_equal(halves, 7); /* three and a half days of six: 58%, under two thirds */
	assert_false(front_time_met(halves, 6));
	assert_int_equal(front_half_days(&p, NULL, 0), 0);
}

static void test_time_rule_boundaries(void **state)
{
	(void)state;
	assert_true(front_time_met(8, 6));    /* 8/12 = 2/3 */
	assert_false(front_time_met(7, 6));   /* 7/12 */
	assert_true(front_time_met(14, 10));  /* 14/20 = 70% */
	assert_false(front_time_met(13, 10)); /* 13/20 = 65% */
	assert_false(front_time_met(0, 0));   /* no working days: nothing to meet */
}

/*
** Three officials: one at two thirds, one at 7/12, one never at the front line.
** Two of three are at the front line (the staff clause holds, 3 × 2 = 2 × 3)
** but one of them falls short of the time: the rule is not met.
*/
static void test_tally_staff_met_time_short(void **state)
{
	(void)state;
	struct front_tally t = {0};
	front_tally_add(&t, 8, 6);
	front_tally_add(&t, 7, 6);
	front_tally_add(&t, 0, 6);
	assert_int_equal(t.staff, 3);
	assert_int_equal(t.at_front, 2);
	assert_int_equal(t.time_short, 1);
	assert_int_equal(t.half_days, 15);
	assert_true(front_staff_met(&t));
	assert_false(front_time_clause_met(&t));
	assert_false(front_rule_met(&t));
}

static void test_tally_met_and_staff_short(void **state)
{
	(void)state;
	struct front_tally met = {0}, few = {0}, none = {0};
	front_tally_add(&met, 8, 6);
	front_tally_add(&met, 12, 6);
	front_tally_add(&met, 0, 6); /* one of three stays in the office: allowed */
	assert_true(front_rule_met(&met));
	front_tally_add(&few, 12, 6);
	front_tally_add(&few, 0, 6);
	front_tally_add(&few, 0, 6); /* one of three: 3 × 1 < 2 × 3 */
	assert_false(front_staff_met(&few));
	assert_true(front_time_clause_met(&few));
	assert_false(front_rule_met(&few));
	assert_false(front_rule_met(&none)); /* no staff: nothing is met */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_working_days_across_the_holiday),
	    cmocka_unit_test(test_make_up_days_count_and_holidays_do_not),
	    cmocka_unit_test(test_half_days_and_duplicates),
	    cmocka_unit_test(test_time_rule_boundaries),
	    cmocka_unit_test(test_tally_staff_met_time_short),
	    cmocka_unit_test(test_tally_met_and_staff_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
