/*
 * test_calendar.c - unit tests for src/core/calendar.c against the real
 * holiday data file: hand-worked deadlines across the 2020 Spring Festival
 * extension, 2020 National Day and 2026, agreement of the fast counting with
 * plain day-by-day counting, and the parser's error reporting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"

#define HOLIDAY_FILE BANYAN_SOURCE_ROOT "/data/calendar/cn-holidays.txt"

static int32_t day_of(int y, int m, int d)
{
	return clock_days_from_civil(y, m, d);
}

static int load_calendar(void **state)
{
	FILE *f = fopen(HOLIDAY_FILE, "rb");
	if (!f)
		return -1;
	static char text[64 * 1024];
	size_t len = fread(text, 1, sizeof(text), f);
	bool whole = feof(f) && !ferror(f);
	fclose(f);
	if (!whole)
		return -1;

	struct calendar *c = NULL;
	int line = -1;
	int r = calendar_parse(text, len, &c, &line);
	if (r < 0) {
		fprintf(stderr, "%s:%d: calendar_parse: %d\n", HOLIDAY_FILE, line, r);
		return -1;
	}
	*state = c;
	return 0;
}

static int free_calendar(void **state)
{
	calendar_free(*state);
	return 0;
}

static void test_national_day_2020(void **state)
{
	const struct calendar *c = *state;
	/* 国庆节、中秋节 10-01..10-08 off; Sunday 09-27 and Saturday 10-10
	 * are working days. */
	assert_true(calendar_is_working_day(c, day_of(2020, 9, 27)));
	assert_true(calendar_is_working_day(c, day_of(2020, 9, 30)));
	for (int d = 1; d <= 8; d++)
		assert_false(calendar_is_working_day(c, day_of(2020, 10, d)));
	assert_true(calendar_is_working_day(c, day_of(2020, 10, 9)));
	assert_true(calendar_is_working_day(c, day_of(2020, 10, 10)));
	assert_false(calendar_is_working_day(c, day_of(2020, 10, 11)));

	assert_int_equal(calendar_add_working_days(c, day_of(2020, 9, 30), 1), day_of(2020, 10, 9));
	assert_int_equal(calendar_add_working_days(c, day_of(2020, 10, 3), 1), day_of(2020, 10, 9));
	assert_int_equal(calendar_add_working_days(c, day_of(2020, 10, 9), 1), day_of(2020, 10, 10));
	assert_int_equal(calendar_add_working_days(c, day_of(2020, 10, 9), -1), day_of(2020, 9, 30));
	assert_int_equal(calendar_add_working_days(c, day_of(2020, 10, 5), -1), day_of(2020, 9, 30));
	/* Friday 09-25 + 3: Sunday 09-27, Monday 09-28, Tuesday 09-29. */
	assert_int_equal(calendar_add_working_days(c, day_of(2020, 9, 25), 3), day_of(2020, 9, 29));
	/* (09-25, 10-12]: 09-27..09-30, 10-09, 10-10, 10-12. */
	assert_int_equal(calendar_working_days_between(c, day_of(2020, 9, 25), day_of(2020, 10, 12)), 7);
	assert_int_equal(calendar_working_days_between(c, day_of(2020, 10, 12), day_of(2020, 9, 25)), -7);

	assert_string_equal(calendar_holiday_name(c, day_of(2020, 10, 5)), "国庆节、中秋节");
	assert_string_equal(calendar_holiday_name(c, day_of(2020, 10, 10)), "国庆节、中秋节");
	assert_null(calendar_holiday_name(c, day_of(2020, 10, 9)));
}

static void test_spring_festival_2020_extension(void **state)
{
	const struct calendar *c = *state;
	/* The notice made Saturday 02-01 a working day; the COVID-19
	 * extension to 02-02 took it back. Sunday 01-19 stayed working. */
	assert_false(calendar_is_working_day(c, day_of(2020, 2, 1)));
	assert_false(calendar_is_working_day(c, day_of(2020, 1, 31)));
	assert_true(calendar_is_working_day(c, day_of(2020, 1, 19)));
	assert_true(calendar_is_working_day(c, day_of(2020, 2, 3)));
	assert_string_equal(calendar_holiday_name(c, day_of(2020, 2, 1)), "春节");

	assert_int_equal(calendar_add_working_days(c, day_of(2020, 1, 23), 1), day_of(2020, 2, 3));
	/* A 10-working-day limit from Monday 01-20: 01-21..01-23,
	 * 02-03..02-07, 02-10, 02-11. */
	assert_int_equal(calendar_add_working_days(c, day_of(2020, 1, 20), 10), day_of(2020, 2, 11));
	/* Back again: between two working days the steps undo each other. */
	assert_int_equal(calendar_add_working_days(c, day_of(2020, 2, 11), -10), day_of(2020, 1, 20));
}

static void test_2025_and_2026(void **state)
{
	const struct calendar *c = *state;
	/* 2025: 除夕 01-28 is now a holiday; Sunday 01-26 works. */
	assert_false(calendar_is_working_day(c, day_of(2025, 1, 28)));
	assert_true(calendar_is_working_day(c, day_of(2025, 1, 26)));
	assert_true(calendar_is_working_day(c, day_of(2025, 2, 8)));
	assert_false(calendar_is_working_day(c, day_of(2025, 5, 2)));

	/* 元旦 01-01..01-03, Sunday 01-04 works. */
	assert_false(calendar_is_working_day(c, day_of(2026, 1, 2)));
	assert_true(calendar_is_working_day(c, day_of(2026, 1, 4)));
	assert_int_equal(calendar_add_working_days(c, day_of(2025, 12, 31), 1), day_of(2026, 1, 4));
	/* 春节 02-15..02-23 with Saturdays 02-14 and 02-28 working. */
	assert_int_equal(calendar_add_working_days(c, day_of(2026, 2, 13), 1), day_of(2026, 2, 14));
	assert_int_equal(calendar_add_working_days(c, day_of(2026, 2, 14), 1), day_of(2026, 2, 24));
	assert_true(calendar_is_working_day(c, day_of(2026, 2, 28)));
	/* 清明 and 端午 need no make-up day. */
	assert_false(calendar_is_working_day(c, day_of(2026, 4, 6)));
	assert_false(calendar_is_working_day(c, day_of(2026, 6, 19)));
	/* 劳动节 05-01..05-05, Saturday 05-09 works. */
	assert_int_equal(calendar_add_working_days(c, day_of(2026, 4, 30), 1), day_of(2026, 5, 6));
	assert_true(calendar_is_working_day(c, day_of(2026, 5, 9)));
	/* 中秋 09-25..09-27, 国庆 10-01..10-07, Sunday 09-20 and Saturday
	 * 10-10 work. */
	assert_false(calendar_is_working_day(c, day_of(2026, 9, 25)));
	assert_true(calendar_is_working_day(c, day_of(2026, 9, 20)));
	assert_int_equal(calendar_add_working_days(c, day_of(2026, 9, 30), 1), day_of(2026, 10, 8));
	assert_true(calendar_is_working_day(c, day_of(2026, 10, 10)));
	assert_string_equal(calendar_holiday_name(c, day_of(2026, 2, 23)), "春节");
}

/* Each year loses its statutory holidays that the notices move onto
 * weekdays: 11 days a year, 13 from 2025 (除夕 and 5月2日 added), and in
 * 2020 two more for the Spring Festival extension (Friday 01-31 and the
 * cancelled Saturday make-up day 02-01). */
static void test_working_days_per_year(void **state)
{
	const struct calendar *c = *state;
	static const struct {
		int year, weekdays, lost;
	} years[] = {
	    {2020, 262, 13}, {2021, 261, 11}, {2022, 260, 11}, {2023, 260, 11},
	    {2024, 262, 11}, {2025, 261, 13}, {2026, 261, 13},
	};
	for (size_t i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
		int y = years[i].year;
		int n = calendar_working_days_between(c, day_of(y - 1, 12, 31), day_of(y, 12, 31));
		if (n != years[i].weekdays - years[i].lost)
			fail_msg("%d: %d working days, want %d", y, n, years[i].weekdays - years[i].lost);
	}
}

static void test_outside_coverage_is_monday_to_friday(void **state)
{
	const struct calendar *c = *state;
	assert_false(calendar_covers(c, 2019));
	assert_true(calendar_covers(c, 2020));
	assert_true(calendar_covers(c, 2026));
	assert_false(calendar_covers(c, 2027));

	/* National Day 2019 and 元旦 2027 are not in the data. */
	assert_true(calendar_is_working_day(c, day_of(2019, 10, 1)));
	assert_false(calendar_is_working_day(c, day_of(2019, 10, 5)));
	assert_true(calendar_is_working_day(c, day_of(2027, 1, 1)));
	assert_null(calendar_holiday_name(c, day_of(2019, 10, 1)));
	assert_int_equal(calendar_add_working_days(c, day_of(2026, 12, 31), 1), day_of(2027, 1, 1));

	/* Across the start of coverage: (2019-12-27, 2020-01-03] holds
	 * 12-30, 12-31, 01-02 and 01-03; 元旦 01-01 is off. */
	assert_int_equal(calendar_working_days_between(c, day_of(2019, 12, 27), day_of(2020, 1, 3)), 4);
	assert_int_equal(calendar_add_working_days(c, day_of(2019, 12, 31), 1), day_of(2020, 1, 2));
	/* Whole weeks far from coverage: five working days each. */
	assert_int_equal(calendar_working_days_between(c, day_of(1950, 1, 1), day_of(1950, 1, 1) + 7000), 5000);
	assert_int_equal(calendar_add_working_days(c, day_of(2100, 1, 4), 5), day_of(2100, 1, 11));
}

static void test_add_zero_and_extremes(void **state)
{
	const struct calendar *c = *state;
	int32_t sunday = day_of(2020, 10, 4);
	assert_int_equal(calendar_add_working_days(c, sunday, 0), sunday);
	assert_int_equal(calendar_working_days_between(c, sunday, sunday), 0);
	assert_int_equal(calendar_add_working_days(c, 0, INT_MAX), INT32_MAX);
	assert_int_equal(calendar_add_working_days(c, 0, INT_MIN), INT32_MIN);
	assert_int_equal(calendar_working_days_between(c, INT32_MIN, INT32_MAX), INT_MAX);
	assert_int_equal(calendar_working_days_between(c, INT32_MAX, INT32_MIN), INT_MIN);
}

/* The O(1) count must equal counting day by day, and adding must land on
 * the day that count describes, for spans within and across coverage. */
static void test_fast_counts_agree_with_day_by_day(void **state)
{
	const struct calendar *c = *state;
	int32_t lo = day_of(2019, 6, 1);
	int32_t hi = day_of(2027, 6, 1);
	int span = (int)(hi - lo);
	int *count = malloc(sizeof(*count) * (size_t)(span + 1));
	assert_non_null(count);
	/* count[i]: working days in (lo, lo + i]. */
	count[0] = 0;
	for (int i = 1; i <= span; i++)
		count[i] = count[i - 1] + (calendar_is_working_day(c, lo + i) ? 1 : 0);

	uint64_t x = 0x2545f4914f6cdd1du;
	for (int k = 0; k < 20000; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int a = (int)(x % (uint64_t)span);
		int b = (int)((x >> 32) % (uint64_t)span);
		int32_t da = lo + a, db = lo + b;
		int n = calendar_working_days_between(c, da, db);
		assert_int_equal(n, count[b] - count[a]);

		if (n > 0) {
			/* The n-th working day after a is the last working
			 * day up to b. */
			int32_t got = calendar_add_working_days(c, da, n);
			assert_true(got <= db);
			assert_true(calendar_is_working_day(c, got));
			assert_int_equal(count[got - lo] - count[a], n);
		} else if (n < 0) {
			/* Going back |n| working days from a lands on a
			 * working day with |n| working days in [got, a). */
			int32_t got = calendar_add_working_days(c, da, n);
			assert_true(got < da);
			assert_true(calendar_is_working_day(c, got));
			assert_int_equal(calendar_working_days_between(c, got - 1, da - 1), -n);
		}
		if (calendar_is_working_day(c, da) && calendar_is_working_day(c, db))
			assert_int_equal(calendar_add_working_days(c, da, n), db);
	}
	free(count);
}

/* Parses text expecting failure at `line`; *ret must stay untouched. */
static void expect_parse_error(const char *text, int line)
{
	/* Any non-NULL value will do to see that *ret is left alone. */
	static char sentinel;
	struct calendar *before = (struct calendar *)(void *)&sentinel;
	struct calendar *c = before;
	int got = -1;
	int r = calendar_parse(text, strlen(text), &c, &got);
	if (r != -EINVAL || got != line)
		fail_msg("\"%s\": got %d at line %d, want -EINVAL at line %d", text, r, got, line);
	assert_ptr_equal(c, before);
}

static void test_parse_errors_name_the_line(void **state)
{
	(void)state;
	expect_parse_error("covers 2020 2020\n"
	                   "2020-10-01 off 国庆节\n"
	                   "\n"
	                   "# the same day again\n"
	                   "2020-10-01 off 国庆节\n",
	                   5);
	expect_parse_error("covers 2020 2020\n2021-02-29 off x\n", 2);
	expect_parse_error("covers 2020 2020\n2020-02-30 off x\n", 2);
	/* A make-up working day must be a Saturday or Sunday. */
	expect_parse_error("covers 2020 2020\n2020-10-09 work 国庆节\n", 2);
	expect_parse_error("covers 2020 2020\n2020-10-01 off\n", 2);
	expect_parse_error("covers 2020 2020\n2020-10-01 off # no name\n", 2);
	expect_parse_error("covers 2020 2020\n2020-10-01 holiday 国庆节\n", 2);
	expect_parse_error("covers 2020 2020\n2020-10-1 off 国庆节\n", 2);
	expect_parse_error("covers 2020 2020\n2020-10-01off 国庆节\n", 2);
	expect_parse_error("covers 2020 2020\n2020-10-01 off 国庆\x01节\n", 2);
	expect_parse_error("covers 2020 2020\n2019-12-31 off 元旦\n", 2);
	expect_parse_error("covers 2020 2020\n2021-01-01 off 元旦\n", 2);
	expect_parse_error("2020-10-01 off 国庆节\ncovers 2020 2020\n", 1);
	expect_parse_error("covers 2020 2020\ncovers 2021 2021\n", 2);
	expect_parse_error("# header\ncovers 2020\n", 2);
	expect_parse_error("covers 2021 2020\n", 1);
	expect_parse_error("covers 20 2021\n", 1);
	expect_parse_error("covers 2020 2021 2022\n", 1);
	expect_parse_error("covers 1899 2020\n", 1);
	expect_parse_error("covers 2020 2200\n", 1);
	expect_parse_error("hello\n", 1);
	/* No covers line at all is not any one line's fault. */
	expect_parse_error("# only a comment\n\n", 0);
	expect_parse_error("", 0);
}

static void test_parse_format_details(void **state)
{
	(void)state;
	/* CRLF, tabs, trailing comments, names with spaces, no final
	 * newline; and only len bytes are read. */
	const char text[] = "# test\r\n"
	                    "covers\t2020 2021\r\n"
	                    "2020-10-01\toff\tNational Day   # 国庆\r\n"
	                    "2020-10-10 work 国庆节\n"
	                    "2021-01-01 off 元旦\n"
	                    "this line is beyond len";
	size_t len = strlen(text) - strlen("this line is beyond len");
	struct calendar *c = NULL;
	assert_int_equal(calendar_parse(text, len, &c, NULL), 0);
	assert_non_null(c);
	assert_string_equal(calendar_holiday_name(c, day_of(2020, 10, 1)), "National Day");
	assert_false(calendar_is_working_day(c, day_of(2020, 10, 1)));
	assert_true(calendar_is_working_day(c, day_of(2020, 10, 10)));
	assert_false(calendar_is_working_day(c, day_of(2021, 1, 1)));
	assert_true(calendar_is_working_day(c, day_of(2020, 10, 2)));
	assert_true(calendar_covers(c, 2021));
	calendar_free(c);

	/* A calendar may cover years with no special days at all. */
	c = NULL;
	assert_int_equal(calendar_parse("covers 2030 2030", 16, &c, NULL), 0);
	assert_true(calendar_covers(c, 2030));
	assert_true(calendar_is_working_day(c, day_of(2030, 10, 1)));
	calendar_free(c);
	calendar_free(NULL);

	char *huge = malloc(2 * 1024 * 1024);
	assert_non_null(huge);
	memset(huge, '\n', 2 * 1024 * 1024);
	c = NULL;
	assert_int_equal(calendar_parse(huge, 2 * 1024 * 1024, &c, NULL), -E2BIG);
	assert_null(c);
	free(huge);
}

/* The copy embedded in the binary is the same data and parses. */
static void test_embedded_calendar(void **state)
{
	(void)state;
	const struct calendar *c = calendar_china();
	assert_non_null(c);
	assert_ptr_equal(c, calendar_china());
	assert_true(calendar_covers(c, 2020));
	assert_true(calendar_covers(c, 2026));
	assert_false(calendar_is_working_day(c, clock_days_from_civil(2020, 10, 8)));
	assert_true(calendar_is_working_day(c, clock_days_from_civil(2020, 10, 10)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_national_day_2020),
	    cmocka_unit_test(test_spring_festival_2020_extension),
	    cmocka_unit_test(test_2025_and_2026),
	    cmocka_unit_test(test_working_days_per_year),
	    cmocka_unit_test(test_outside_coverage_is_monday_to_friday),
	    cmocka_unit_test(test_add_zero_and_extremes),
	    cmocka_unit_test(test_fast_counts_agree_with_day_by_day),
	    cmocka_unit_test(test_parse_errors_name_the_line),
	    cmocka_unit_test(test_parse_format_details),
	    cmocka_unit_test(test_embedded_calendar),
	};
	return cmocka_run_group_tests(tests, load_calendar, free_calendar);
}
