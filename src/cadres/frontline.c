/*
** The two-thirds rule, pure: a person's frontline time on the working-day
** calendar, and the rule over a group of officials.  See cadres.h.
*/
#include <stdlib.h>

#include "cadres/cadres.h"
#include "core/calendar.h"

static int mark_cmp(const void *a, const void *b)
{
	const struct front_mark *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

int64_t front_half_days(const struct calendar *c, int32_t from, int32_t to, struct front_mark *marks, size_t n)
{
	qsort(marks, n, sizeof *marks, mark_cmp);
	int64_t halves = 0;
	for (size_t i = 0; i < n;) {
		int32_t day = marks[i].day;
		unsigned united = 0;
		for (; i < n && marks[i].day == day; i++)
			united |= marks[i].halves & FRONT_WHOLE_DAY;
		if (day >= from && day <= to && calendar_is_working_day(c, day))
			halves += (united & FRONT_MORNING ? 1 : 0) + (united & FRONT_AFTERNOON ? 1 : 0);
	}
	return halves;
}

int front_working_days(const struct calendar *c, int32_t from, int32_t to)
{
	return to < from ? 0 : calendar_working_days_between(c, from - 1, to);
}

bool front_time_met(int64_t half_days, int working_days)
{
	return working_days > 0 && 3 * half_days >= 4 * (int64_t)working_days;
}

void front_tally_add(struct front_tally *t, int64_t half_days, int working_days)
{
	t->staff++;
	t->half_days += half_days;
	if (half_days > 0) {
		t->at_front++;
		if (!front_time_met(half_days, working_days))
			t->time_short++;
	}
}

bool front_staff_met(const struct front_tally *t)
{
	return t->staff > 0 && 3 * t->at_front >= 2 * t->staff;
}

bool front_time_clause_met(const struct front_tally *t)
{
	return t->at_front > 0 && t->time_short == 0;
}

bool front_rule_met(const struct front_tally *t)
{
	return front_staff_met(t) && front_time_clause_met(t);
}
