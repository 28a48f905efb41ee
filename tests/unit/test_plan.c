/*
** test_plan.c - backward planning and lights against cases worked by hand
** on the real calendar: National Day 2020 (1-8 October off, Sunday 27
** September and Saturday 10 October working), a target on a holiday, a
** limit in hours, work already done or returned for more material (补正),
** and cycles.
**
** Around National Day 2020 the working days are:
**   Sep 17 18 | 21 22 23 24 25 | 27(Sun) 28 29 30 | Oct 9 10(Sat) | 12 13 14
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "projects/plan.h"

static int32_t day(int y, int m, int d)
{
	return clock_days_from_civil(y, m, d);
}

static int64_t at(int y, int m, int d, int hh, int mm)
{
	return clock_local_midnight(day(y, m, d)) + hh * 3600 + mm * 60;
}

/* 立项备案 (3) → 用地规划许可 (5) → 施工许可 (2), all before 开工. */
static const int pre_a[] = {0}, pre_b[] = {1};
static void chain(struct plan_item it[3])
{
	it[0] = (struct plan_item){.duration = 3, .gate = MILESTONE_START, .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY};
	it[1] = (struct plan_item){.duration = 5, .gate = MILESTONE_START, .npre = 1, .pre = pre_a,
	                           .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY};
	it[2] = (struct plan_item){.duration = 2, .gate = MILESTONE_START, .npre = 1, .pre = pre_b,
	                           .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY};
}

static void targets_start(int32_t t[MILESTONE_COUNT], int32_t start)
{
	for (int g = 0; g < MILESTONE_COUNT; g++)
		t[g] = PLAN_NO_DAY;
	t[MILESTONE_START] = start;
}

static void test_backward_across_national_day(void **state)
{
	(void)state;
	struct plan_item it[3];
	int32_t t[MILESTONE_COUNT];
	struct plan_result res;
	chain(it);
	targets_start(t, day(2020, 10, 12));
	assert_int_equal(plan_schedule(calendar_china(), it, 3, t, day(2020, 9, 18), &res, NULL), 0);
	/* 施工许可: by Mon 12 Oct, so from Fri 9 Oct (Sat 10 Oct is a working day). */
	assert_int_equal(it[2].latest_finish, day(2020, 10, 12));
	assert_int_equal(it[2].latest_start, day(2020, 10, 9));
	/* 用地规划许可: five working days back from 9 Oct skip the holiday and count Sunday 27 Sep. */
	assert_int_equal(it[1].latest_finish, day(2020, 10, 9));
	assert_int_equal(it[1].latest_start, day(2020, 9, 25));
	assert_int_equal(it[0].latest_finish, day(2020, 9, 25));
	assert_int_equal(it[0].latest_start, day(2020, 9, 22));
	/* From Friday 18 Sep: done 23 Sep, 29 Sep, 9 Oct; two working days to spare on the whole chain. */
	assert_int_equal(it[0].earliest_finish, day(2020, 9, 23));
	assert_int_equal(it[1].earliest_finish, day(2020, 9, 29));
	assert_int_equal(it[2].earliest_finish, day(2020, 10, 9));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(it[i].slack, 2);
		assert_true(it[i].critical);
	}
	assert_true(res.feasible);
	assert_int_equal(res.projected[MILESTONE_START], day(2020, 10, 9));
}

static void test_target_out_of_reach(void **state)
{
	(void)state;
	struct plan_item it[3];
	int32_t t[MILESTONE_COUNT];
	struct plan_result res;
	chain(it);
	targets_start(t, day(2020, 10, 12));
	/* Starting Thursday 24 Sep the chain ends Wed 14 Oct: two working days late. */
	assert_int_equal(plan_schedule(calendar_china(), it, 3, t, day(2020, 9, 24), &res, NULL), 0);
	assert_int_equal(it[0].earliest_finish, day(2020, 9, 28));
	assert_int_equal(it[1].earliest_finish, day(2020, 10, 12));
	assert_int_equal(it[2].earliest_finish, day(2020, 10, 14));
	assert_false(res.feasible);
	assert_int_equal(res.shortfall, 2);
	assert_int_equal(it[2].slack, -2);
}

static void test_target_on_a_holiday_and_a_parallel_item(void **state)
{
	(void)state;
	struct plan_item it[4];
	int32_t t[MILESTONE_COUNT];
	struct plan_result res;
	chain(it);
	it[3] = (struct plan_item){.duration = 8, .gate = MILESTONE_START, .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY};
	targets_start(t, day(2020, 10, 4));
	assert_int_equal(plan_schedule(calendar_china(), it, 4, t, day(2020, 9, 1), &res, NULL), 0);
	/* 4 Oct is a holiday: everything must be done by Wednesday 30 Sep. */
	assert_int_equal(it[2].latest_finish, day(2020, 9, 30));
	assert_int_equal(it[2].latest_start, day(2020, 9, 28));
	assert_int_equal(it[1].latest_start, day(2020, 9, 22));
	assert_int_equal(it[0].latest_start, day(2020, 9, 17));
	assert_int_equal(it[3].latest_start, day(2020, 9, 21));
	/* The chain has 12 working days to spare, the parallel 环评 14: only the chain is critical. */
	assert_int_equal(it[2].slack, 12);
	assert_int_equal(it[3].slack, 14);
	assert_true(it[0].critical && it[1].critical && it[2].critical);
	assert_false(it[3].critical);
}

static void test_limit_in_hours_and_later_milestone(void **state)
{
	(void)state;
	/* A licence in hours gated on 开工 when only 投产 has a target, Saturday 10 Oct (a working day). */
	struct plan_item it = {.duration = 0, .gate = MILESTONE_START, .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY};
	int32_t t[MILESTONE_COUNT] = {PLAN_NO_DAY, PLAN_NO_DAY, PLAN_NO_DAY, day(2020, 10, 10)};
	struct plan_result res;
	assert_int_equal(plan_schedule(calendar_china(), &it, 1, t, day(2020, 10, 10), &res, NULL), 0);
	assert_int_equal(it.latest_finish, day(2020, 10, 10));
	assert_int_equal(it.latest_start, day(2020, 10, 10));
	assert_int_equal(it.earliest_finish, day(2020, 10, 10));
	assert_int_equal(it.slack, 0);
	assert_true(res.feasible);
	/* With no target at all nothing bounds it. */
	t[MILESTONE_PRODUCE] = PLAN_NO_DAY;
	assert_int_equal(plan_schedule(calendar_china(), &it, 1, t, day(2020, 10, 10), &res, NULL), 0);
	assert_int_equal(it.latest_finish, PLAN_NO_DAY);
	assert_int_equal(it.slack, INT32_MAX);
	assert_false(it.critical);
}

static void test_work_done_and_returned(void **state)
{
	(void)state;
	struct plan_item it[3];
	int32_t t[MILESTONE_COUNT];
	struct plan_result res;
	chain(it);
	targets_start(t, day(2020, 10, 12));
	it[0].started = day(2020, 9, 16);
	it[0].finished = day(2020, 9, 21);
	it[1].started = day(2020, 9, 22);
	assert_int_equal(plan_schedule(calendar_china(), it, 3, t, day(2020, 9, 24), &res, NULL), 0);
	assert_int_equal(it[1].earliest_finish, day(2020, 9, 28));
	assert_int_equal(it[2].earliest_finish, day(2020, 9, 30));
	assert_int_equal(it[1].slack, 3);
	assert_int_equal(it[2].slack, 3);
	assert_false(it[0].critical);
	assert_true(it[1].critical && it[2].critical);
	/* Returned for more material on the 24th: its five days start again from then. */
	it[1].paused = true;
	assert_int_equal(plan_schedule(calendar_china(), it, 3, t, day(2020, 9, 24), &res, NULL), 0);
	assert_int_equal(it[1].earliest_finish, day(2020, 9, 30));
	assert_int_equal(it[2].earliest_finish, day(2020, 10, 10));
	assert_int_equal(it[2].slack, 1);
	assert_true(res.feasible);
}

static void test_cycles_refused(void **state)
{
	(void)state;
	static const int pre0[] = {1}, pre1[] = {2}, pre2[] = {0}, self[] = {0}, out[] = {7};
	struct plan_item it[3] = {
	    {.duration = 1, .npre = 1, .pre = pre0, .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY},
	    {.duration = 1, .npre = 1, .pre = pre1, .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY},
	    {.duration = 1, .npre = 1, .pre = pre2, .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY},
	};
	int32_t t[MILESTONE_COUNT];
	targets_start(t, day(2020, 10, 12));
	int cycle = -1;
	assert_int_equal(plan_schedule(calendar_china(), it, 3, t, day(2020, 9, 1), NULL, &cycle), -ELOOP);
	assert_true(cycle >= 0 && cycle < 3);
	it[0].pre = self;
	assert_int_equal(plan_schedule(calendar_china(), it, 1, t, day(2020, 9, 1), NULL, NULL), -EINVAL);
	it[0].pre = out;
	assert_int_equal(plan_schedule(calendar_china(), it, 3, t, day(2020, 9, 1), NULL, NULL), -EINVAL);
}

static void test_lights(void **state)
{
	(void)state;
	/* Due Monday 12 Oct, yellow within 3 working days: from Wednesday 30 Sep (9 and 10 Oct count). */
	struct light l = light_of_day(calendar_china(), day(2020, 10, 12), 3);
	assert_string_equal(light_at(l, at(2020, 9, 29, 23, 59)), "green");
	assert_string_equal(light_at(l, at(2020, 9, 30, 0, 0)), "yellow");
	assert_string_equal(light_at(l, at(2020, 10, 12, 23, 59)), "yellow");
	assert_string_equal(light_at(l, at(2020, 10, 13, 0, 0)), "red");
	assert_string_equal(light_at(LIGHT_NEVER, at(2030, 1, 1, 0, 0)), "green");

	/* A two-hour licence accepted at 10:00 on a day it has weeks to spare: yellow at 11:00, red at noon. */
	struct plan_item it = {.duration = 0, .started = day(2020, 2, 3), .finished = PLAN_NO_DAY,
	                       .latest_start = day(2020, 3, 2), .latest_finish = day(2020, 3, 2)};
	l = light_of_item(calendar_china(), &it, at(2020, 2, 3, 12, 0), 2, 3);
	assert_string_equal(light_at(l, at(2020, 2, 3, 10, 59)), "green");
	assert_string_equal(light_at(l, at(2020, 2, 3, 11, 0)), "yellow");
	assert_string_equal(light_at(l, at(2020, 2, 3, 12, 0)), "red");

	/* Not yet accepted: late once its latest start (Fri 9 Oct) has passed, even with its finish ahead. */
	it = (struct plan_item){.duration = 2, .started = PLAN_NO_DAY, .finished = PLAN_NO_DAY,
	                        .latest_start = day(2020, 10, 9), .latest_finish = day(2020, 10, 12)};
	l = light_of_item(calendar_china(), &it, 0, 0, 3);
	assert_string_equal(light_at(l, at(2020, 10, 9, 18, 0)), "yellow");
	assert_string_equal(light_at(l, at(2020, 10, 10, 9, 0)), "red");

	/* The worst of two. */
	struct light a = {100, 50}, b = {80, 70};
	assert_int_equal(light_worst(a, b).red_at, 80);
	assert_int_equal(light_worst(a, b).yellow_at, 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backward_across_national_day),
	    cmocka_unit_test(test_target_out_of_reach),
	    cmocka_unit_test(test_target_on_a_holiday_and_a_parallel_item),
	    cmocka_unit_test(test_limit_in_hours_and_later_milestone),
	    cmocka_unit_test(test_work_done_and_returned),
	    cmocka_unit_test(test_cycles_refused),
	    cmocka_unit_test(test_lights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
