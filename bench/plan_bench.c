/*
** plan_bench - how long backward planning (plan_schedule(), src/projects/plan.c)
** takes on China's real working-day calendar, for a 60-item plan with
** prerequisites (target: < 1 ms) and, for reference, for the 17 items of
** Fuzhou's approval catalogue (data/projects/approval-items.csv, as embedded).
** Prints mean, p50, p99 and max µs per plan over many runs.
**
** Usage: plan_bench [RUNS]   (default 20000, after 1000 runs to warm up)
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/builtin.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/csv.h"
#include "projects/plan.h"

#define MAX_ITEMS 64
#define MAX_PRE 4

struct plan {
	int n;
	struct plan_item items[MAX_ITEMS];
	int pre[MAX_ITEMS][MAX_PRE];
	int32_t targets[MILESTONE_COUNT];
};

static int gate_of(const char *name)
{
	static const char *const names[] = {"start", "structure", "complete", "produce"};
	for (int g = 0; g < MILESTONE_COUNT; g++)
		if (strcmp(name, names[g]) == 0)
			return g;
	return -1;
}

static void item_init(struct plan *p, int i, int duration, int gate)
{
	p->items[i] = (struct plan_item){.duration = duration,
	                                 .gate = (enum milestone)gate,
	                                 .pre = p->pre[i],
	                                 .started = PLAN_NO_DAY,
	                                 .finished = PLAN_NO_DAY};
}

/* The embedded catalogue, in its order (prerequisites come first), none started yet. */
static int plan_catalogue(struct plan *p, int32_t today)
{
	const struct builtin_file *f = builtin_find("data/projects/approval-items.csv");
	struct arena *a = arena_new();
	if (!f || !a) {
		arena_free(a);
		return -ENOENT;
	}
	char codes[MAX_ITEMS][64];
	char *col[10];
	int got, rc = 0;
	struct csv_reader c;
	csv_init(&c, f->data, f->len);
	csv_read(&c, a, col, 10, &got); /* the header */
	p->n = 0;
	while (rc == 0 && csv_read(&c, a, col, 10, &got) == 1) {
		int i = p->n;
		if (got != 9 || i >= MAX_ITEMS || gate_of(col[6]) < 0) {
			rc = -EINVAL;
			break;
		}
		snprintf(codes[i], sizeof codes[i], "%s", col[0]);
		item_init(p, i, atoi(col[4]), gate_of(col[6])); /* a limit in hours: 0 working days */
		for (char *req = strtok(col[7], " "); req; req = strtok(NULL, " "))
			for (int k = 0; k < i; k++)
				if (strcmp(codes[k], req) == 0 && p->items[i].npre < MAX_PRE)
					p->pre[i][p->items[i].npre++] = k;
		p->n++;
	}
	arena_free(a);
	p->targets[MILESTONE_START] = today + 150;
	p->targets[MILESTONE_STRUCTURE] = today + 400;
	p->targets[MILESTONE_COMPLETE] = today + 700;
	p->targets[MILESTONE_PRODUCE] = today + 760;
	return rc;
}

/*
** A 60-item plan shaped like a big project's: three quarters gate the start
** of construction, the rest structure, completion and production; each item
** needs one to three of the eight items before it (so chains are long);
** the first 15 are done, the next 6 under way
** (one returned for more material), the rest not started.
*/
static void plan_sixty(struct plan *p, int32_t today)
{
	static const int durations[] = {0, 3, 10, 5, 5, 10, 15, 10, 5, 10, 10, 3, 5, 10, 5, 20, 20, 7};
	unsigned seed = 12345;
	p->n = 60;
	for (int i = 0; i < p->n; i++) {
		int gate = i < 42 ? MILESTONE_START : i < 48 ? MILESTONE_STRUCTURE : i < 56 ? MILESTONE_COMPLETE : MILESTONE_PRODUCE;
		item_init(p, i, durations[i % (int)(sizeof durations / sizeof durations[0])], gate);
		int want = i == 0 ? 0 : i < 3 ? 1 : 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 3;
		for (int k = 0; k < want; k++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly a recent item, so chains are long */
			int back = 1 + (int)((seed >> 16) % (unsigned)(i < 8 ? i : 8));
			int pre = i - back, dup = 0;
			for (int j = 0; j < p->items[i].npre; j++)
				dup |= p->pre[i][j] == pre;
			if (!dup)
				p->pre[i][p->items[i].npre++] = pre;
		}
		if (i < 15) {
			p->items[i].started = today - 90 + 4 * i;
			p->items[i].finished = today - 88 + 4 * i + (int)p->items[i].duration / 2;
		} else if (i < 21) {
			p->items[i].started = today - (i - 14);
			p->items[i].paused = i == 18;
		}
	}
	p->targets[MILESTONE_START] = today + 240;
	p->targets[MILESTONE_STRUCTURE] = today + 420;
	p->targets[MILESTONE_COMPLETE] = today + 620;
	p->targets[MILESTONE_PRODUCE] = today + 680;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int run(const char *label, struct plan *p, int32_t today, int runs)
{
	const struct calendar *cal = calendar_china();
	struct plan_result res;
	double *t = malloc((size_t)runs * sizeof *t), sum = 0;
	int edges = 0, critical = 0;
	if (!cal || !t) {
		free(t);
		return 1;
	}
	for (int i = 0; i < p->n; i++)
		edges += p->items[i].npre;
	for (int k = 0; k < 1000; k++)
		if (plan_schedule(cal, p->items, p->n, p->targets, today, &res, NULL) < 0) {
			fprintf(stderr, "plan_bench: %s: plan_schedule failed\n", label);
			free(t);
			return 1;
		}
	for (int k = 0; k < runs; k++) {
		double t0 = now_us();
		plan_schedule(cal, p->items, p->n, p->targets, today, &res, NULL);
		t[k] = now_us() - t0;
		sum += t[k];
	}
	qsort(t, (size_t)runs, sizeof *t, cmp_double);
	for (int i = 0; i < p->n; i++)
		critical += p->items[i].critical;
	printf("%-30s %3d items %3d prerequisites  mean %7.2f µs  p50 %7.2f µs  p99 %7.2f µs  max %8.2f µs"
	       "  (%s, %d critical)\n",
	       label, p->n, edges, sum / runs, t[runs / 2], t[runs - 1 - runs / 100], t[runs - 1],
	       res.feasible ? "feasible" : "not feasible", critical);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 20000;
	if (runs < 100) {
		fprintf(stderr, "usage: plan_bench [RUNS >= 100]\n");
		return 2;
	}
	int32_t today = clock_local_day(clock_now());
	static struct plan sixty, fuzhou;
	plan_sixty(&sixty, today);
	if (plan_catalogue(&fuzhou, today) < 0) {
		fprintf(stderr, "plan_bench: cannot read the embedded approval catalogue\n");
		return 1;
	}
	printf("plan_schedule() on the real calendar, %d runs each (after 1000 to warm up); target < 1 ms per 60-item plan\n",
	       runs);
	int rc = run("60-item plan", &sixty, today, runs);
	rc |= run("Fuzhou catalogue (17 items)", &fuzhou, today, runs);
	return rc;
}
