/*
** Backward planning: a latest-dates pass from the milestone targets back
** through the prerequisites, an earliest-dates pass forward from today and
** what is already done, and the slack between them.  Both passes walk one
** topological order, so a plan of n items with e prerequisites costs
** O(n + e) calendar steps, each O(log) (calendar_add_working_days).
*/
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/clock.h"
#include "projects/plan.h"

static int32_t min_day(int32_t a, int32_t b)
{
	if (a == PLAN_NO_DAY)
		return b;
	if (b == PLAN_NO_DAY)
		return a;
	return a < b ? a : b;
}

static int32_t max_day(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

/* The last working day on or before day. */
static int32_t working_on_or_before(const struct calendar *cal, int32_t day)
{
	return calendar_is_working_day(cal, day) ? day : calendar_add_working_days(cal, day, -1);
}

/* The first working day on or after day. */
static int32_t working_on_or_after(const struct calendar *cal, int32_t day)
{
	return calendar_is_working_day(cal, day) ? day : calendar_add_working_days(cal, day, 1);
}

/* Kahn's algorithm; order[] gets the items, prerequisites first. */
static int topological_order(const struct plan_item *items, int n, int *order, int *ret_cycle)
{
	int *waiting = calloc((size_t)n, sizeof *waiting); /* prerequisites not yet placed */
	int *users = calloc((size_t)n + 1, sizeof *users); /* CSR index of who needs each item */
	int total = 0;
	for (int i = 0; i < n; i++)
		total += items[i].npre;
	int *user = malloc(((size_t)total + 1) * sizeof *user);
	if (!waiting || !users || !user) {
		free(waiting), free(users), free(user);
		return -ENOMEM;
	}
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		for (int k = 0; k < items[i].npre; k++) {
			int p = items[i].pre[k];
			if (p < 0 || p >= n || p == i)
				rc = -EINVAL;
			else
				users[p + 1]++;
		}
	for (int i = 0; rc == 0 && i < n; i++)
		users[i + 1] += users[i];
	int *fill = rc == 0 ? calloc((size_t)n, sizeof *fill) : NULL;
	if (rc == 0 && !fill)
		rc = -ENOMEM;
	for (int i = 0; rc == 0 && i < n; i++) {
		waiting[i] = items[i].npre;
		for (int k = 0; k < items[i].npre; k++) {
			int p = items[i].pre[k];
			user[users[p] + fill[p]++] = i;
		}
	}
	int placed = 0;
	for (int i = 0; rc == 0 && i < n; i++)
		if (waiting[i] == 0)
			order[placed++] = i;
	for (int next = 0; rc == 0 && next < placed; next++) {
		int p = order[next];
		for (int k = users[p]; k < users[p + 1]; k++)
			if (--waiting[user[k]] == 0)
				order[placed++] = user[k];
	}
	if (rc == 0 && placed < n) {
		rc = -ELOOP;
		for (int i = 0; i < n; i++)
			if (waiting[i] > 0) {
				if (ret_cycle)
					*ret_cycle = i;
				break;
			}
	}
	free(waiting), free(users), free(user), free(fill);
	return rc;
}

int plan_schedule(const struct calendar *cal, struct plan_item *items, int n,
                  const int32_t targets[MILESTONE_COUNT], int32_t today, struct plan_result *ret, int *ret_cycle)
{
	if (n < 0 || n > 10000)
		return -EINVAL;
	int *order = malloc(((size_t)n + 1) * sizeof *order);
	if (!order)
		return -ENOMEM;
	int rc = topological_order(items, n, order, ret_cycle);
	if (rc < 0) {
		free(order);
		return rc;
	}

	/* Each milestone's deadline: its own target, else the next later one's. */
	int32_t deadline[MILESTONE_COUNT];
	int32_t later = PLAN_NO_DAY;
	for (int g = MILESTONE_COUNT - 1; g >= 0; g--) {
		if (targets[g] != PLAN_NO_DAY)
			later = targets[g];
		deadline[g] = later;
	}

	/* Backward: an item's latest finish is its gate's deadline or the latest start of whatever needs it. */
	for (int i = 0; i < n; i++)
		items[i].latest_finish = deadline[items[i].gate];
	for (int k = n - 1; k >= 0; k--) {
		struct plan_item *it = &items[order[k]];
		if (it->latest_finish == PLAN_NO_DAY) {
			it->latest_start = PLAN_NO_DAY;
			continue;
		}
		it->latest_finish = working_on_or_before(cal, it->latest_finish);
		it->latest_start = calendar_add_working_days(cal, it->latest_finish, -it->duration);
		for (int p = 0; p < it->npre; p++) {
			struct plan_item *pre = &items[it->pre[p]];
			pre->latest_finish = min_day(pre->latest_finish, it->latest_start);
		}
	}

	/* Forward: nothing open can start before today, nor before its prerequisites are done. */
	int32_t first = working_on_or_after(cal, today);
	for (int k = 0; k < n; k++) {
		struct plan_item *it = &items[order[k]];
		if (it->finished != PLAN_NO_DAY) {
			it->earliest_finish = it->finished;
			it->earliest_start = it->started != PLAN_NO_DAY ? it->started : it->finished;
			continue;
		}
		if (it->started != PLAN_NO_DAY && !it->paused) {
			it->earliest_start = it->started;
			it->earliest_finish = max_day(calendar_add_working_days(cal, it->started, it->duration), first);
			continue;
		}
		int32_t start = first;
		for (int p = 0; p < it->npre; p++)
			start = max_day(start, items[it->pre[p]].earliest_finish);
		it->earliest_start = start;
		it->earliest_finish = calendar_add_working_days(cal, start, it->duration);
	}

	/* Slack, the critical items (the least slack among open ones) and the milestones' projections. */
	int least = INT32_MAX;
	struct plan_result res = {.feasible = true};
	for (int g = 0; g < MILESTONE_COUNT; g++)
		res.projected[g] = PLAN_NO_DAY;
	for (int i = 0; i < n; i++) {
		struct plan_item *it = &items[i];
		it->critical = false;
		it->slack = it->latest_finish == PLAN_NO_DAY
		                ? INT32_MAX
		                : calendar_working_days_between(cal, it->earliest_finish, it->latest_finish);
		res.projected[it->gate] = res.projected[it->gate] == PLAN_NO_DAY
		                              ? it->earliest_finish
		                              : max_day(res.projected[it->gate], it->earliest_finish);
		if (it->finished == PLAN_NO_DAY && it->slack < least)
			least = it->slack;
	}
	for (int g = 1; g < MILESTONE_COUNT; g++)
		if (res.projected[g - 1] != PLAN_NO_DAY)
			res.projected[g] = max_day(res.projected[g], res.projected[g - 1]);
	for (int i = 0; i < n; i++)
		if (items[i].finished == PLAN_NO_DAY && items[i].slack == least && least != INT32_MAX)
			items[i].critical = true;
	if (least < 0) {
		res.feasible = false;
		res.shortfall = -least;
	}
	if (ret)
		*ret = res;
	free(order);
	return 0;
}

const char *light_at(struct light l, int64_t now)
{
	return now >= l.red_at ? "red" : now >= l.yellow_at ? "yellow" : "green";
}

struct light light_worst(struct light a, struct light b)
{
	return (struct light){a.red_at < b.red_at ? a.red_at : b.red_at,
	                      a.yellow_at < b.yellow_at ? a.yellow_at : b.yellow_at};
}

struct light light_of_day(const struct calendar *cal, int32_t day, int yellow_days)
{
	if (day == PLAN_NO_DAY)
		return LIGHT_NEVER;
	return (struct light){clock_local_midnight(day + 1),
	                      clock_local_midnight(calendar_add_working_days(cal, day, -yellow_days))};
}

struct light light_of_item(const struct calendar *cal, const struct plan_item *it, int64_t due_at, int limit_hours,
                           int yellow_days)
{
	bool running = it->started != PLAN_NO_DAY && !it->paused;
	struct light l = light_of_day(cal, running || it->paused ? it->latest_finish : it->latest_start, yellow_days);
	if (running && due_at > 0) {
		int64_t warn = limit_hours > 0 ? due_at - (int64_t)limit_hours * 3600 / 2
		                               : clock_local_midnight(calendar_add_working_days(
		                                     cal, clock_local_day(due_at - 1), -yellow_days));
		l = light_worst(l, (struct light){due_at, warn});
	}
	return l;
}
