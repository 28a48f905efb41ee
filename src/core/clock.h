/*
 * clock.h - wall-clock time, civil dates and their text forms.
 *
 * Inside banyan an instant is int64_t Unix seconds (UTC) and a calendar day
 * is an int32_t "day number": days since 1970-01-01 of a proleptic Gregorian
 * civil date. Outside (JSON, CSV, the console) instants are ISO 8601 with the
 * Asia/Shanghai offset +08:00 and days are "YYYY-MM-DD".
 */
#ifndef BANYAN_CORE_CLOCK_H
#define BANYAN_CORE_CLOCK_H

#include <stdint.h>

/* Seconds east of UTC of Asia/Shanghai for every date banyan handles. */
#define CLOCK_SHANGHAI_OFFSET (8 * 3600)

/*
 * clock_now - the current instant in Unix seconds.
 * Returns the fake time set by clock_set_fake() if one is set, else the real
 * time. Safe to call from any thread.
 */
int64_t clock_now(void);

/*
 * clock_monotonic_us - microseconds on a clock that never jumps (not the
 * fake time): for measuring durations and spacing work out.
 */
int64_t clock_monotonic_us(void);

/*
 * clock_set_fake - make clock_now() return t until clock_clear_fake().
 * For tests only. INT64_MIN is reserved to mean "no fake time" and so acts
 * like clock_clear_fake(). Thread-safe.
 */
void clock_set_fake(int64_t t);

/*
 * clock_clear_fake - make clock_now() return the real time again.
 */
void clock_clear_fake(void);

/*
 * clock_days_from_civil - the day number of civil date y-m-d.
 * m is 1..12 and d 1..31; the date is not validated (2021-02-29 gives the day
 * number of 2021-03-01). y must keep the result within int32_t
 * (about ±5.8 million years).
 */
int32_t clock_days_from_civil(int y, int m, int d);

/*
 * clock_civil_from_days - the civil date of a day number.
 * Always succeeds; writes year, month 1..12 and day 1..31 to ret_y, ret_m,
 * ret_d (none may be NULL).
 */
void clock_civil_from_days(int32_t day, int *ret_y, int *ret_m, int *ret_d);

/*
 * clock_weekday - ISO weekday of a day number: 1 = Monday .. 7 = Sunday.
 */
int clock_weekday(int32_t day);

/*
 * clock_local_day - the Shanghai calendar day on which instant t falls.
 * t must lie within the int32_t day-number range (any realistic time does).
 */
int32_t clock_local_day(int64_t t);

/*
 * clock_local_midnight - the instant at which Shanghai day `day` begins.
 */
int64_t clock_local_midnight(int32_t day);

/*
 * clock_format_iso - write t as "YYYY-MM-DDTHH:MM:SS+08:00" into buf.
 * Returns the length written (25, NUL not counted), or -ERANGE if the
 * Shanghai year of t is outside 0000..9999; buf is then untouched.
 */
int clock_format_iso(int64_t t, char buf[32]);

/*
 * clock_format_date - write day as "YYYY-MM-DD" into buf.
 * Returns 10, or -ERANGE if the year is outside 0000..9999 (buf untouched).
 */
int clock_format_date(int32_t day, char buf[11]);

/*
 * clock_parse_iso - read an ISO 8601 instant.
 * Accepts "YYYY-MM-DDTHH:MM:SS" followed by "Z", a "+HH:MM"/"-HH:MM" offset,
 * or nothing (read as Shanghai local time), and a bare "YYYY-MM-DD" (Shanghai
 * midnight). Nothing may follow. Fractional seconds and leap seconds are
 * rejected. Returns 0 and stores the instant in *ret, or -EINVAL (NULL, bad
 * syntax, impossible date or time) leaving *ret untouched.
 */
int clock_parse_iso(const char *s, int64_t *ret);

/*
 * clock_parse_date - read "YYYY-MM-DD" exactly.
 * Returns 0 and stores the day number in *ret_day, or -EINVAL (NULL, bad
 * syntax, impossible date) leaving *ret_day untouched.
 */
int clock_parse_date(const char *s, int32_t *ret_day);

#endif /* BANYAN_CORE_CLOCK_H */
