/*
** test_supplies.c - days of cover (src/supplies/cover.c) by hand.
**
** A site used 100 masks a day and reported it on 4 of the last 7 days; the
** other 3 are a gap (no report).  The rate is 400 / 4 = 100 a day, so 250 on
** hand last 2.5 days: red under the default 3.  Read as 7 days of which 3
** with no use, the rate would be 57 a day and the cover 4.3 days: not red,
** though the masks run out in two and a half.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "supplies/supplies.h"

static void test_a_gap_is_not_a_day_of_no_use(void **state)
{
	(void)state;
	struct supply_cover c = {.on_hand = 250, .consumed = 400, .reported_days = 4};
	int64_t tenths = 0;
	assert_true(supply_cover_tenths(&c, &tenths));
	assert_int_equal(tenths, 25);
	assert_true(supply_cover_red(&c, 3));
	assert_false(supply_cover_red(&c, 2)); /* 2.5 days is not under 2 */
}

/* Exactly at the threshold is not under it: 300 on hand at 100 a day is 3 days. */
static void test_the_threshold_itself_is_not_red(void **state)
{
	(void)state;
	struct supply_cover c = {.on_hand = 300, .consumed = 700, .reported_days = 7};
	int64_t tenths = 0;
	assert_true(supply_cover_tenths(&c, &tenths));
	assert_int_equal(tenths, 30);
	assert_false(supply_cover_red(&c, 3));
	c.on_hand = 299;
	assert_true(supply_cover_red(&c, 3));
	assert_true(supply_cover_tenths(&c, &tenths));
	assert_int_equal(tenths, 29); /* 2.99 rounded down */
}

/* Nothing reported, or reports of no use: the cover is unknown and never red, even with nothing on hand. */
static void test_no_use_or_no_report_is_unknown(void **state)
{
	(void)state;
	int64_t tenths = -1;
	struct supply_cover none = {.on_hand = 0, .consumed = 0, .reported_days = 0};
	assert_false(supply_cover_tenths(&none, &tenths));
	assert_false(supply_cover_red(&none, 3));
	struct supply_cover unused = {.on_hand = 10, .consumed = 0, .reported_days = 7};
	assert_false(supply_cover_tenths(&unused, &tenths));
	assert_false(supply_cover_red(&unused, 3));
	assert_int_equal(tenths, -1); /* untouched */
	struct supply_cover empty = {.on_hand = 0, .consumed = 5, .reported_days = 1};
	assert_true(supply_cover_tenths(&empty, &tenths));
	assert_int_equal(tenths, 0);
	assert_true(supply_cover_red(&empty, 1));
}

/* Large stocks do not overflow: a billion on hand at one a day. */
static void test_large_quantities(void **state)
{
	(void)state;
	struct supply_cover c = {.on_hand = 1000000000, .consumed = 7, .reported_days = 7};
	int64_t tenths = 0;
	assert_true(supply_cover_tenths(&c, &tenths));
	assert_int_equal(tenths, 10000000000);
	assert_false(supply_cover_red(&c, 30));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_gap_is_not_a_day_of_no_use),
	    cmocka_unit_test(test_the_threshold_itself_is_not_red),
	    cmocka_unit_test(test_no_use_or_no_report_is_unknown),
	    cmocka_unit_test(test_large_quantities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
