/*
 * calendar.h - China's working-day calendar: which days are working days
 * under the State Council's yearly holiday notices (including weekend days
 * that become working days, 调休), and working-day arithmetic for
 * statutory time limits and backward plans.
 *
 * The calendar is data (data/calendar/cn-holidays.txt), not code, so a new
 * year's notice is a data change. Days are clock.h day numbers.
 */
#ifndef BANYAN_CORE_CALENDAR_H
#define BANYAN_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct calendar;

/*
 * calendar_parse - build a calendar from the text of a holiday file: len
 * bytes at text (not NULL, need not be NUL-terminated, at most 1 MiB).
 * Format (see data/calendar/cn-holidays.txt): '#' starts a comment, blank
 * lines are ignored, and otherwise
 *     covers FIRST LAST          exactly once, before any day line
 *     YYYY-MM-DD off NAME        a day off (any day of a holiday block)
 *     YYYY-MM-DD work NAME       a Saturday or Sunday that is a working day
 * Fields are separated by spaces or tabs; NAME is the rest of the line.
 * Years in `covers` are 1900..2199. Each day line must fall within the
 * covered years and appear once; a `work` day must be a weekend day.
 * On success returns 0 and stores a new calendar in *ret, owned by the
 * caller (free it with calendar_free()). On failure *ret is untouched and
 * returns -EINVAL, storing in *ret_error_line (if not NULL) the 1-based
 * number of the first bad line, or 0 if the text has no `covers` line at
 * all; or returns -E2BIG for text over 1 MiB, or -ENOMEM.
 */
int calendar_parse(const char *text, size_t len, struct calendar **ret, int *ret_error_line);

/*
 * calendar_free - release a calendar. NULL is allowed.
 */
void calendar_free(struct calendar *c);

/*
 * calendar_covers - whether the holiday notice of `year` is in the calendar.
 */
bool calendar_covers(const struct calendar *c, int year);

/*
 * calendar_is_working_day - whether `day` is a working day. Outside the
 * covered years every Monday to Friday is one and no other day is.
 */
bool calendar_is_working_day(const struct calendar *c, int32_t day);

/*
 * calendar_holiday_name - the name of the holiday a special day belongs to:
 * for an `off` day the holiday itself, for a `work` day the holiday it makes
 * up for (use calendar_is_working_day() to tell them apart). Returns NULL for
 * an ordinary day. The string is owned by the calendar.
 */
const char *calendar_holiday_name(const struct calendar *c, int32_t day);

/*
 * calendar_working_days_between - the number of working days d with
 * from < d <= to; when to < from, minus the number with to < d <= from.
 * O(1) for any span. A count beyond the range of int (spans of millions of
 * years) is clamped to INT_MIN/INT_MAX.
 */
int calendar_working_days_between(const struct calendar *c, int32_t from, int32_t to);

/*
 * calendar_add_working_days - the n-th working day after `day` when n > 0,
 * the n-th working day before `day` when n < 0, and `day` itself when n is 0
 * (whether or not it is a working day). So a time limit of n working days
 * counted from a Friday ends n working days later, skipping the weekend and
 * any holiday. Takes O(log) time. A result beyond the int32_t day range is
 * clamped to INT32_MIN/INT32_MAX.
 */
int32_t calendar_add_working_days(const struct calendar *c, int32_t day, int n);

/*
 * calendar_publicity_window - the window of a publicity (公示) of n working
 * days announced on `today`: from the next working day, n working days,
 * both ends inclusive, as "YYYY-MM-DD" in start and end.
 */
void calendar_publicity_window(const struct calendar *c, int32_t today, int n, char start[11], char end[11]);

/*
 * calendar_window_open - is a window (start and end "YYYY-MM-DD", NULL:
 * none) open on day today ("YYYY-MM-DD")?
 */
bool calendar_window_open(const char *start, const char *end, const char *today);

/*
 * calendar_china - the calendar built into banyan (data/calendar/cn-holidays.txt,
 * embedded at build time), parsed once on first use and kept for the life of
 * the process. Thread-safe. NULL only if the embedded data is broken, which
 * the unit tests rule out.
 */
const struct calendar *calendar_china(void);

#endif /* BANYAN_CORE_CALENDAR_H */
