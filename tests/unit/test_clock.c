/*
 * test_clock.c - unit tests for src/core/clock.c: civil-date arithmetic
 * against an independent day-by-day count, Shanghai local days, and the ISO
 * 8601 text forms used on every API boundary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <time.h>

#include "core/clock.h"

/* 2020-03-05T10:00:00+08:00, the Jin'an cloud-signing day. */
#define SIGNING_T INT64_C(1583373600)

static void test_known_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(clock_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(clock_days_from_civil(2020, 3, 5), 18326);
	assert_int_equal(clock_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(clock_days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(clock_days_from_civil(1, 1, 1), -719162);
	assert_int_equal(clock_days_from_civil(9999, 12, 31), 2932896);
}

/* Walks the calendar one day at a time with its own month lengths, so the
 * closed-form conversions are checked against plain counting. */
static void test_civil_matches_day_by_day_count(void **state)
{
	(void)state;
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 1600, m = 1, d = 1;
	int32_t day = clock_days_from_civil(1600, 1, 1);
	while (y < 2401) {
		int gy, gm, gd;
		assert_int_equal(clock_days_from_civil(y, m, d), day);
		clock_civil_from_days(day, &gy, &gm, &gd);
		assert_int_equal(gy, y);
		assert_int_equal(gm, m);
		assert_int_equal(gd, d);

		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		int len = m == 2 && leap ? 29 : mdays[m - 1];
		day++;
		if (++d > len) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

static void test_weekday(void **state)
{
	(void)state;
	/* National Day 2020 was a Thursday. */
	assert_int_equal(clock_weekday(clock_days_from_civil(2020, 10, 1)), 4);
	assert_int_equal(clock_weekday(0), 4);
	assert_int_equal(clock_weekday(-1), 3);
	assert_int_equal(clock_weekday(clock_days_from_civil(1900, 1, 1)), 1);
	assert_int_equal(clock_weekday(clock_days_from_civil(2024, 1, 7)), 7);
	assert_int_equal(clock_weekday(clock_days_from_civil(2026, 2, 14)), 6);
}

static void test_local_day_turns_at_shanghai_midnight(void **state)
{
	(void)state;
	int32_t mar5 = clock_days_from_civil(2020, 3, 5);
	/* 16:00 UTC is 00:00 in Shanghai. */
	int64_t midnight = INT64_C(1583337600);
	assert_int_equal(clock_local_midnight(mar5), midnight);
	assert_int_equal(clock_local_day(midnight), mar5);
	assert_int_equal(clock_local_day(midnight - 1), mar5 - 1);
	assert_int_equal(clock_local_day(SIGNING_T), mar5);
	/* Before 1970 the day must still round down, not towards zero. */
	assert_int_equal(clock_local_day(-28800), 0);
	assert_int_equal(clock_local_day(-28801), -1);
	assert_int_equal(clock_local_midnight(-1), -115200);
}

static void test_format_iso(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(clock_format_iso(SIGNING_T, buf), 25);
	assert_string_equal(buf, "2020-03-05T10:00:00+08:00");
	assert_int_equal(clock_format_iso(-1, buf), 25);
	assert_string_equal(buf, "1970-01-01T07:59:59+08:00");
	assert_int_equal(clock_format_iso(INT64_C(1583422199), buf), 25);
	assert_string_equal(buf, "2020-03-05T23:29:59+08:00");

	int64_t y10000 = clock_local_midnight(clock_days_from_civil(10000, 1, 1));
	buf[0] = 'x';
	assert_int_equal(clock_format_iso(y10000, buf), -ERANGE);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(clock_format_iso(y10000 - 1, buf), 25);
	assert_string_equal(buf, "9999-12-31T23:59:59+08:00");
}

static void test_format_date(void **state)
{
	(void)state;
	char buf[11];
	assert_int_equal(clock_format_date(clock_days_from_civil(2020, 3, 5), buf), 10);
	assert_string_equal(buf, "2020-03-05");
	assert_int_equal(clock_format_date(clock_days_from_civil(1, 1, 1), buf), 10);
	assert_string_equal(buf, "0001-01-01");
	assert_int_equal(clock_format_date(clock_days_from_civil(-1, 12, 31), buf), -ERANGE);
}

static void test_parse_iso_offsets_agree(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(clock_parse_iso("2020-03-05T10:00:00+08:00", &t), 0);
	assert_int_equal(t, SIGNING_T);
	assert_int_equal(clock_parse_iso("2020-03-05T02:00:00Z", &t), 0);
	assert_int_equal(t, SIGNING_T);
	assert_int_equal(clock_parse_iso("2020-03-05T10:00:00", &t), 0);
	assert_int_equal(t, SIGNING_T);
	assert_int_equal(clock_parse_iso("2020-03-04T21:00:00-05:00", &t), 0);
	assert_int_equal(t, SIGNING_T);
	assert_int_equal(clock_parse_iso("2020-03-05T07:30:00+05:30", &t), 0);
	assert_int_equal(t, SIGNING_T);
	/* A bare date is the start of that day in Shanghai. */
	assert_int_equal(clock_parse_iso("2020-03-05", &t), 0);
	assert_int_equal(t, clock_local_midnight(clock_days_from_civil(2020, 3, 5)));
	assert_int_equal(clock_parse_iso("1969-12-31T23:59:59Z", &t), 0);
	assert_int_equal(t, -1);
}

static void test_parse_iso_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "2021-02-29T00:00:00Z",   /* not a leap year */
	    "2020-13-01T00:00:00Z",   /* month 13 */
	    "2020-00-10",             /* month 0 */
	    "2020-04-31",             /* April has 30 days */
	    "2020-03-05T24:00:00Z",   /* hour 24 */
	    "2020-03-05T10:60:00Z",   /* minute 60 */
	    "2020-03-05T10:00:60Z",   /* no leap seconds */
	    "2020-3-5",               /* digits missing */
	    "2020-03-05T10:00",       /* seconds missing */
	    "2020-03-05 10:00:00",    /* space for T */
	    "2020-03-05T10:00:00.5Z", /* fractions */
	    "2020-03-05T10:00:00+08", /* offset minutes missing */
	    "2020-03-05T10:00:00+0800",
	    "2020-03-05T10:00:00+24:00",
	    "2020-03-05T10:00:00z",
	    "2020-03-05T10:00:00Z ", /* trailing text */
	    "2020-03-05x",
	    "+2020-03-05",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t t = 42;
		if (clock_parse_iso(bad[i], &t) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(t, 42);
	}
	int64_t t = 42;
	assert_int_equal(clock_parse_iso(NULL, &t), -EINVAL);
	assert_int_equal(t, 42);
}

static void test_parse_date(void **state)
{
	(void)state;
	int32_t day = 7;
	assert_int_equal(clock_parse_date("2020-02-29", &day), 0);
	assert_int_equal(day, clock_days_from_civil(2020, 2, 29));
	assert_int_equal(clock_parse_date("2000-02-29", &day), 0);
	assert_int_equal(day, clock_days_from_civil(2000, 2, 29));
	assert_int_equal(clock_parse_date("1960-06-01", &day), 0);
	assert_int_equal(day, -3501);

	day = 7;
	assert_int_equal(clock_parse_date("2021-02-29", &day), -EINVAL);
	assert_int_equal(clock_parse_date("1900-02-29", &day), -EINVAL);
	assert_int_equal(clock_parse_date("2020-02-30", &day), -EINVAL);
	assert_int_equal(clock_parse_date("2020-02-28T00:00:00", &day), -EINVAL);
	assert_int_equal(clock_parse_date("20200228", &day), -EINVAL);
	assert_int_equal(clock_parse_date(NULL, &day), -EINVAL);
	assert_int_equal(day, 7);
}

/* Every instant printed must read back as itself, over centuries and on
 * both sides of 1970. */
static void test_iso_round_trip(void **state)
{
	(void)state;
	int64_t lo = clock_local_midnight(clock_days_from_civil(1900, 1, 1));
	int64_t hi = clock_local_midnight(clock_days_from_civil(2200, 1, 1));
	uint64_t x = 88172645463325252u;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t t = lo + (int64_t)(x % (uint64_t)(hi - lo));
		char buf[32];
		int64_t back;
		assert_int_equal(clock_format_iso(t, buf), 25);
		assert_int_equal(clock_parse_iso(buf, &back), 0);
		assert_int_equal(back, t);

		int32_t day = clock_local_day(t);
		char date[11];
		int32_t day_back;
		assert_int_equal(clock_format_date(day, date), 10);
		assert_int_equal(clock_parse_date(date, &day_back), 0);
		assert_int_equal(day_back, day);
	}
}

static void test_fake_time(void **state)
{
	(void)state;
	clock_set_fake(SIGNING_T);
	assert_int_equal(clock_now(), SIGNING_T);
	clock_set_fake(-5);
	assert_int_equal(clock_now(), -5);
	clock_clear_fake();
	int64_t real = (int64_t)time(NULL);
	int64_t now = clock_now();
	assert_true(now >= real - 1 && now <= real + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_day_numbers),
	    cmocka_unit_test(test_civil_matches_day_by_day_count),
	    cmocka_unit_test(test_weekday),
	    cmocka_unit_test(test_local_day_turns_at_shanghai_midnight),
	    cmocka_unit_test(test_format_iso),
	    cmocka_unit_test(test_format_date),
	    cmocka_unit_test(test_parse_iso_offsets_agree),
	    cmocka_unit_test(test_parse_iso_rejects),
	    cmocka_unit_test(test_parse_date),
	    cmocka_unit_test(test_iso_round_trip),
	    cmocka_unit_test(test_fake_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
