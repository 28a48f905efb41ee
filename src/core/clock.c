/*
 * clock.c - wall-clock time, civil dates and ISO 8601 text.
 *
 * Asia/Shanghai has kept a fixed UTC+08:00 offset with no daylight saving
 * since 1991, so a constant +08:00 is exact for every date the platform
 * handles (projects, vouchers and refunds all date from 2020 on) and no tz
 * database is needed. The date arithmetic is Howard Hinnant's
 * days_from_civil / civil_from_days, exact over the whole proleptic
 * Gregorian calendar.
 */
#include "core/clock.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define SECONDS_PER_DAY 86400

/* The one piece of mutable global state: a fake time for tests.
 * INT64_MIN means "not faked"; atomic so a test may fake time while server
 * threads read it. */
static _Atomic int64_t fake_now = INT64_MIN;

int64_t clock_now(void)
{
	int64_t fake = atomic_load(&fake_now);
	if (fake != INT64_MIN)
		return fake;

	struct timespec ts;
	/* CLOCK_REALTIME cannot fail with a valid clock id and pointer. */
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t clock_monotonic_us(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_set_fake(int64_t t)
{
	atomic_store(&fake_now, t);
}

void clock_clear_fake(void)
{
	atomic_store(&fake_now, INT64_MIN);
}

/* Division rounding towards negative infinity, for days before 1970. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int32_t clock_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void clock_civil_from_days(int32_t day, int *ret_y, int *ret_m, int *ret_d)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	*ret_y = (int)y;
	*ret_m = (int)m;
	*ret_d = (int)d;
}

int clock_weekday(int32_t day)
{
	/* Day 0, 1970-01-01, was a Thursday. */
	int64_t r = ((int64_t)day + 3) % 7;
	if (r < 0)
		r += 7;
	return (int)r + 1;
}

int32_t clock_local_day(int64_t t)
{
	/* Split before adding the offset so t near INT64_MAX cannot overflow. */
	int64_t day = floor_div(t, SECONDS_PER_DAY);
	int64_t sec = t - day * SECONDS_PER_DAY;
	if (sec + CLOCK_SHANGHAI_OFFSET >= SECONDS_PER_DAY)
		day++;
	return (int32_t)day;
}

int64_t clock_local_midnight(int32_t day)
{
	return (int64_t)day * SECONDS_PER_DAY - CLOCK_SHANGHAI_OFFSET;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Writes v as exactly `width` decimal digits; v is known to fit. */
static void put_digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

int clock_format_date(int32_t day, char buf[11])
{
	int y, m, d;
	clock_civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -ERANGE;

	put_digits(buf, y, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = '\0';
	return 10;
}

int clock_format_iso(int64_t t, char buf[32])
{
	int32_t day = clock_local_day(t);
	char date[11];
	int r = clock_format_date(day, date);
	if (r < 0)
		return r;

	int sec = (int)(t - clock_local_midnight(day));
	for (int i = 0; i < 10; i++)
		buf[i] = date[i];
	buf[10] = 'T';
	put_digits(buf + 11, sec / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, sec / 60 % 60, 2);
	buf[16] = ':';
	put_digits(buf + 17, sec % 60, 2);
	const char *zone = "+08:00";
	for (int i = 0; i < 7; i++)
		buf[19 + i] = zone[i];
	return 25;
}

/* Reads exactly n ASCII digits at s; returns the value or -1. */
static int read_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Parses "YYYY-MM-DD" at the start of s (no terminator required). */
static int parse_date_prefix(const char *s, int32_t *ret_day)
{
	int y = read_digits(s, 4);
	if (y < 0 || s[4] != '-')
		return -EINVAL;
	int m = read_digits(s + 5, 2);
	if (m < 1 || m > 12 || s[7] != '-')
		return -EINVAL;
	int d = read_digits(s + 8, 2);
	if (d < 1 || d > days_in_month(y, m))
		return -EINVAL;

	*ret_day = clock_days_from_civil(y, m, d);
	return 0;
}

int clock_parse_date(const char *s, int32_t *ret_day)
{
	if (!s)
		return -EINVAL;

	int32_t day;
	int r = parse_date_prefix(s, &day);
	if (r < 0)
		return r;
	if (s[10] != '\0')
		return -EINVAL;

	*ret_day = day;
	return 0;
}

/* Parses "HH:MM" with HH 00..23 and MM 00..59; returns seconds or -1. */
static int parse_hh_mm(const char *s)
{
	int h = read_digits(s, 2);
	if (h < 0 || h > 23 || s[2] != ':')
		return -1;
	int m = read_digits(s + 3, 2);
	if (m < 0 || m > 59)
		return -1;
	return h * 3600 + m * 60;
}

int clock_parse_iso(const char *s, int64_t *ret)
{
	if (!s)
		return -EINVAL;

	int32_t day;
	int r = parse_date_prefix(s, &day);
	if (r < 0)
		return r;

	if (s[10] == '\0') {
		*ret = clock_local_midnight(day);
		return 0;
	}
	if (s[10] != 'T')
		return -EINVAL;

	int hm = parse_hh_mm(s + 11);
	if (hm < 0 || s[16] != ':')
		return -EINVAL;
	int sec = read_digits(s + 17, 2);
	if (sec < 0 || sec > 59)
		return -EINVAL;

	const char *zone = s + 19;
	int offset;
	if (zone[0] == '\0') {
		offset = CLOCK_SHANGHAI_OFFSET;
	} else if (zone[0] == 'Z' && zone[1] == '\0') {
		offset = 0;
	} else if (zone[0] == '+' || zone[0] == '-') {
		offset = parse_hh_mm(zone + 1);
		if (offset < 0 || zone[6] != '\0')
			return -EINVAL;
		if (zone[0] == '-')
			offset = -offset;
	} else {
		return -EINVAL;
	}

	*ret = (int64_t)day * SECONDS_PER_DAY + hm + sec - offset;
	return 0;
}
