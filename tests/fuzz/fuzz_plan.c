/*
** fuzz_plan.c - backward planning on any graph the bytes describe: items
** with limits, gates, progress and prerequisites (cycles, self-loops and
** indexes out of range included).  A refused plan must say why; an accepted
** one must be consistent: every bounded item starts no later than it
** finishes, its earliest finish is no earlier than its earliest start, a
** prerequisite's latest finish is no later than its user's latest start, and
** the plan is feasible exactly when no open item has negative slack.
*/
#include <assert.h>
#include <errno.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "fuzz.h"
#include "projects/plan.h"

enum { MAX_ITEMS = 64, MAX_PRE = 4 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan_item items[MAX_ITEMS];
	int pre[MAX_ITEMS][MAX_PRE];
	if (size < 5)
		return 0;
	const struct calendar *cal = calendar_china();
	int32_t base = clock_days_from_civil(2020, 9, 1);
	int32_t today = base + data[0] % 120, targets[MILESTONE_COUNT];
	for (int g = 0; g < MILESTONE_COUNT; g++)
		targets[g] = data[1 + g] % 5 == 0 ? PLAN_NO_DAY : base + 30 * g + data[1 + g] % 90;
	size_t at = 5;
	int n = 0;
	/* Six bytes an item: limit, gate, progress, prerequisite count, then up to four prerequisites. */
	while (n < MAX_ITEMS && at + 4 <= size) {
		struct plan_item *it = &items[n];
		uint8_t limit = data[at], gate = data[at + 1], progress = data[at + 2], npre = data[at + 3] % (MAX_PRE + 1);
		at += 4;
		*it = (struct plan_item){.duration = limit % 21, .gate = gate % MILESTONE_COUNT, .pre = pre[n],
		                         .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY};
		if (progress % 4 >= 1)
			it->started = base + progress / 4;
		if (progress % 4 == 2)
			it->finished = it->started + limit % 7;
		it->paused = progress % 4 == 3;
		for (int k = 0; k < npre && at < size; k++)
			pre[n][it->npre++] = (int8_t)data[at++] % (MAX_ITEMS + 2);
		n++;
	}
	struct plan_result res;
	int cycle = -1;
	int rc = plan_schedule(cal, items, n, targets, today, &res, &cycle);
	if (rc == -ELOOP) {
		assert(cycle >= 0 && cycle < n);
		return 0;
	}
	if (rc == -EINVAL)
		return 0;
	assert(rc == 0);
	bool late = false;
	for (int i = 0; i < n; i++) {
		const struct plan_item *it = &items[i];
		assert(it->earliest_finish >= it->earliest_start);
		if (it->latest_finish != PLAN_NO_DAY) {
			assert(it->latest_start <= it->latest_finish);
			for (int k = 0; k < it->npre; k++)
				assert(items[it->pre[k]].latest_finish != PLAN_NO_DAY &&
				       items[it->pre[k]].latest_finish <= it->latest_start);
		}
		late |= it->finished == PLAN_NO_DAY && it->slack < 0;
	}
	assert(res.feasible == !late);
	return 0;
}
