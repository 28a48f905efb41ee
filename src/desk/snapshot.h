/*
** The desk's statistics snapshot (see snapshot.c).
*/
#ifndef BANYAN_DESK_SNAPSHOT_H
#define BANYAN_DESK_SNAPSHOT_H

#include <stdint.h>

#include "db/db.h"

enum {
	SNAPSHOT_BUCKETS = 16,
	/* count, submitted, accepted, in_progress, answered, closed, overdue, escalated,
	** answered_n, on_time, rating_sum, rating_n */
	SNAPSHOT_FIELDS = 12,
};

enum snapshot_field {
	SF_COUNT,
	SF_SUBMITTED,
	SF_ACCEPTED,
	SF_IN_PROGRESS,
	SF_ANSWERED,
	SF_CLOSED,
	SF_OVERDUE,
	SF_ESCALATED,
	SF_ANSWERED_N,
	SF_ON_TIME,
	SF_RATING_SUM,
	SF_RATING_N,
};

struct snapshot_group {
	int64_t district, department;
	char category[16];
	int64_t n[SNAPSHOT_FIELDS];
	int64_t hist_accept[SNAPSHOT_BUCKETS], hist_solve[SNAPSHOT_BUCKETS];
};

struct snapshot_org {
	int64_t id;
	char code[33], name[128], path[256];
};

struct desk_snapshot {
	int64_t taken_at, problems;
	int refs;
	struct snapshot_group *groups;
	size_t n_groups;
	struct snapshot_org *orgs; /* sorted by id */
	size_t n_orgs;
};

/* Rebuild from the database and publish it.  0 or a db error. */
int desk_snapshot_build(struct db *d);
/* The current snapshot if it is at most max_age seconds old (a reference: give it back with put), else NULL. */
struct desk_snapshot *desk_snapshot_get(int max_age);
void desk_snapshot_put(struct desk_snapshot *s);
/* Forget the snapshot (service stop). */
void desk_snapshot_drop(void);
const struct snapshot_org *desk_snapshot_org(const struct desk_snapshot *s, int64_t id);
/* The median of a histogram of hours, interpolated in its bucket; -1 when empty. */
double desk_histogram_median(const int64_t hist[SNAPSHOT_BUCKETS]);

#endif
