/*
** plan.h - backward planning (倒排计划) of a major project's approvals on
** the working-day calendar, and the red/yellow/green light that follows
** from a plan.  Pure functions of their arguments: no database, no clock,
** so the hand-worked cases in tests/unit/test_plan.c pin them down.
**
** Conventions, in working days (calendar.h):
**   - An item with a limit of d working days accepted on day S is due on
**     calendar_add_working_days(S, d): the d-th working day after S.  An
**     item limited in hours has d = 0: it can be done the day it starts.
**   - An item may start on the day its last prerequisite is done.
**   - An item must be done on or before the target day of the milestone it
**     gates (施工许可 before 开工), or of the next later milestone that has a
**     target when its own has none; if that day is not a working day, by
**     the working day before.
*/
#ifndef BANYAN_PROJECTS_PLAN_H
#define BANYAN_PROJECTS_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"

/* Construction milestones, in the order they happen. */
enum milestone { MILESTONE_START, MILESTONE_STRUCTURE, MILESTONE_COMPLETE, MILESTONE_PRODUCE, MILESTONE_COUNT };

/* "No day": an unset target, an item not started, a bound nothing imposes. */
#define PLAN_NO_DAY INT32_MIN

struct plan_item {
	/* What the caller says. */
	int duration;       /* working days the statutory limit allows; 0 for a limit in hours */
	enum milestone gate;
	int npre;           /* prerequisites: indexes into the same array */
	const int *pre;
	int32_t started;    /* day the department accepted it, or PLAN_NO_DAY */
	int32_t finished;   /* day it was done, or PLAN_NO_DAY */
	bool paused;        /* returned for more material (补正): its clock starts again on resubmission */

	/* What plan_schedule() works out. */
	int32_t latest_start, latest_finish;     /* PLAN_NO_DAY when no target bounds the item */
	int32_t earliest_start, earliest_finish; /* from today, given what is done */
	int slack;     /* working days from earliest to latest finish; negative when late; INT32_MAX unbounded */
	bool critical; /* an open item with the least slack: any delay to it delays a target */
};

struct plan_result {
	bool feasible;                      /* every open item can still meet its latest finish */
	int shortfall;                      /* when not, by how many working days at worst */
	int32_t projected[MILESTONE_COUNT]; /* earliest day each milestone's approvals can all be done */
};

/*
** plan_schedule - fill in the latest and earliest dates, slack and critical
** path of n items (at most 10,000) against milestone targets (PLAN_NO_DAY
** for none), as seen on day `today`.
** Returns 0; -EINVAL for a prerequisite index out of range or an item its
** own prerequisite; -ELOOP when prerequisites form a cycle (*ret_cycle, if
** not NULL, gets an item on it); -ENOMEM.
*/
int plan_schedule(const struct calendar *cal, struct plan_item *items, int n,
                  const int32_t targets[MILESTONE_COUNT], int32_t today, struct plan_result *ret, int *ret_cycle);

/* A light as two instants: red from red_at, yellow from yellow_at (INT64_MAX: never). */
struct light {
	int64_t red_at, yellow_at;
};

#define LIGHT_NEVER ((struct light){INT64_MAX, INT64_MAX})

/* "red", "yellow" or "green" at instant now. */
const char *light_at(struct light l, int64_t now);

/* The earlier of two lights' changes: a project is as late as its latest part. */
struct light light_worst(struct light a, struct light b);

/*
** light_of_day - the light of something due on `day`: yellow from the
** yellow_days-th working day before it, red from the day after it.
*/
struct light light_of_day(const struct calendar *cal, int32_t day, int yellow_days);

/*
** light_of_item - the light of a planned item that is not yet done: a
** pending item is late once its latest start has passed, a started one once
** its latest finish has; a started item is also red once its statutory due
** instant `due_at` passes (0: none), and yellow in the last half of a limit
** in hours or the last yellow_days working days of one in days.
*/
struct light light_of_item(const struct calendar *cal, const struct plan_item *it, int64_t due_at, int limit_hours,
                           int yellow_days);

#endif /* BANYAN_PROJECTS_PLAN_H */
