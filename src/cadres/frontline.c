/*
** The two-thirds rule, pure: a person's frontline time on the working-day
** calendar, and the rule over a group of officials.  See cadres.h.
*/
#include <errno.h>

#include "cadres/cadres.h"
#include "core/calendar.h"

int front_period_init(struct front_period *p, const struct calendar *c, int32_t from, int32_t to)
{
	if (to < from || (int64_t)to - from >= FRONT_MAX_DAYS)
		return -EINVAL;
	*p = (struct front_period){.from = from, .to = to};
	for (int32_t d = from; d <= to; d++)
		if ((p->working[d - from] = calendar_is_working_day(c, d)))
			p->working_days++;
	return 0;
}

int64_t front_half_days(const struct front_period *p, const struct front_mark *marks, size_t n)
{
	/* A day's halves, united in a table of the period's days: no sorting, each day once. */
	unsigned char halves[FRONT_MAX_DAYS] = {0};
	for (size_t i = 0; i < n; i++)
		if (marks[i].day >= p->from && marks[i].day <= p->to)
			halves[marks[i].day - p->from] |= (unsigned char)(marks[i].halves & FRONT_WHOLE_DAY);
	int64_t total = 0;
	for (int32_t d = 0; d <= p->to - p->from; d++)
		if (p->working[d])
			total += (halves[d] & FRONT_MORNING ? 1 : 0) + (halves[d] & FRONT_AFTERNOON ? 1 : 0);
	return total;
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
