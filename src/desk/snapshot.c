/*
** The desk's statistics over a large city: a snapshot of the problems,
** grouped by district, department and category, rebuilt by the desk
** service in the background (a read: WAL readers block no writer).  A
** request for statistics then adds up a few thousand groups in its scope
** instead of scanning every problem.  Medians come from histograms of
** hours (exact to the bucket, interpolated within it).
**
** It answers only where counting live would be slow (BANYAN_DESK_SNAPSHOT_FROM
** problems, default 50,000); its figures may be as old as
** BANYAN_DESK_STATS_AGE seconds (default 120; 0: never).  Requests with a
** date range are always counted live.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "desk/snapshot.h"

/* Histogram bucket upper bounds, in hours. */
static const double bucket_hours[SNAPSHOT_BUCKETS] = {1,   2,   4,   8,   16,  24,  48,   72,
                                                      120, 168, 240, 336, 504, 720, 1440, 1e9};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct desk_snapshot *current; /* shared, reference counted */

static void snapshot_free(struct desk_snapshot *s)
{
	if (!s)
		return;
	free(s->groups);
	free(s->orgs);
	free(s);
}

struct desk_snapshot *desk_snapshot_get(int max_age)
{
	struct desk_snapshot *s = NULL;
	pthread_mutex_lock(&lock);
	if (current && max_age > 0 && clock_now() - current->taken_at <= max_age) {
		s = current;
		s->refs++;
	}
	pthread_mutex_unlock(&lock);
	return s;
}

void desk_snapshot_put(struct desk_snapshot *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&lock);
	bool last = --s->refs == 0;
	pthread_mutex_unlock(&lock);
	if (last)
		snapshot_free(s);
}

static struct snapshot_group *group_for(struct desk_snapshot *s, int64_t district, int64_t department,
                                        const char *category, size_t *cap)
{
	/* Rows come ordered by the group key: the group is the last one or a new one. */
	if (s->n_groups) {
		struct snapshot_group *last = &s->groups[s->n_groups - 1];
		if (last->district == district && last->department == department &&
		    strcmp(last->category, category) == 0)
			return last;
	}
	if (s->n_groups == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		struct snapshot_group *grown = realloc(s->groups, *cap * sizeof *grown);
		if (!grown)
			return NULL;
		s->groups = grown;
	}
	struct snapshot_group *g = &s->groups[s->n_groups++];
	memset(g, 0, sizeof *g);
	g->district = district;
	g->department = department;
	snprintf(g->category, sizeof g->category, "%s", category);
	return g;
}

/* The bucket of an hours value, in SQL: the same bounds as bucket_hours. */
static const char bucket_sql[] =
    "CASE WHEN %1$s < 3600 THEN 0 WHEN %1$s < 7200 THEN 1 WHEN %1$s < 14400 THEN 2 WHEN %1$s < 28800 THEN 3"
    " WHEN %1$s < 57600 THEN 4 WHEN %1$s < 86400 THEN 5 WHEN %1$s < 172800 THEN 6 WHEN %1$s < 259200 THEN 7"
    " WHEN %1$s < 432000 THEN 8 WHEN %1$s < 604800 THEN 9 WHEN %1$s < 864000 THEN 10 WHEN %1$s < 1209600 THEN 11"
    " WHEN %1$s < 1814400 THEN 12 WHEN %1$s < 2592000 THEN 13 WHEN %1$s < 5184000 THEN 14 ELSE 15 END";

int desk_snapshot_build(struct db *d)
{
	struct desk_snapshot *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->taken_at = clock_now();
	s->refs = 1;
	size_t cap = 0, org_cap = 0;
	struct db_stmt *st;
	int rc = db_prepare(d, &st, "SELECT id, code, name, path FROM orgs ORDER BY id", NULL);
	while (rc == 0 && db_step(st) == DB_ROW) {
		if (s->n_orgs == org_cap) {
			org_cap = org_cap ? org_cap * 2 : 128;
			struct snapshot_org *grown = realloc(s->orgs, org_cap * sizeof *grown);
			if (!grown) {
				rc = DB_ERROR;
				break;
			}
			s->orgs = grown;
		}
		struct snapshot_org *o = &s->orgs[s->n_orgs++];
		o->id = db_column_int64(st, 0);
		snprintf(o->code, sizeof o->code, "%s", db_column_text(st, 1));
		snprintf(o->name, sizeof o->name, "%s", db_column_text(st, 2));
		snprintf(o->path, sizeof o->path, "%s", db_column_text(st, 3));
	}
	db_finalize(st);
	if (rc == 0)
		rc = db_prepare(d, &st,
		                "SELECT district_org_id, department_org_id, category, count(*), count(*) FILTER (WHERE "
		                "status = 'submitted'),"
		                " count(*) FILTER (WHERE status = 'accepted'), count(*) FILTER (WHERE status = "
		                "'in_progress'), count(*) FILTER (WHERE status = 'answered'),"
		                " count(*) FILTER (WHERE status = 'closed'), count(*) FILTER (WHERE current_due IS NOT "
		                "NULL AND current_due < ?), count(*) FILTER (WHERE escalation > 0),"
		                " count(*) FILTER (WHERE answered_at IS NOT NULL), count(*) FILTER (WHERE answered_at "
		                "IS NOT NULL AND answered_at <= answer_due),"
		                " coalesce(sum(rating), 0), count(rating)"
		                " FROM problems GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
		                "i", s->taken_at);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		struct snapshot_group *g =
		    group_for(s, db_column_int64(st, 0), db_column_int64(st, 1), db_column_text(st, 2), &cap);
		if (!g) {
			rc = DB_ERROR;
			break;
		}
		for (int f = 0; f < SNAPSHOT_FIELDS; f++)
			g->n[f] = db_column_int64(st, 3 + f);
		s->problems += g->n[SF_COUNT];
		rc = 0;
	}
	db_finalize(st);
	/* Histograms: hours to accept and to close, per group. */
	for (int h = 0; h < 2 && (rc == 0 || rc == DB_DONE); h++) {
		const char *expr = h ? "closed_at - created_at" : "accepted_at - created_at";
		char bucket[1200], sql[1800];
		snprintf(bucket, sizeof bucket, bucket_sql, expr);
		snprintf(sql, sizeof sql,
		         "SELECT district_org_id, department_org_id, category, %s, count(*) FROM problems"
		         " WHERE %s IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3",
		         bucket, expr);
		rc = db_prepare(d, &st, sql, NULL);
		size_t at = 0;
		while (rc == 0 && db_step(st) == DB_ROW) {
			int64_t district = db_column_int64(st, 0), department = db_column_int64(st, 1);
			const char *category = db_column_text(st, 2);
			/* Both queries are ordered alike: walk the groups forward. */
			while (at < s->n_groups &&
			       !(s->groups[at].district == district && s->groups[at].department == department &&
			         strcmp(s->groups[at].category, category) == 0))
				at++;
			if (at == s->n_groups)
				break;
			int64_t b = db_column_int64(st, 3);
			(h ? s->groups[at].hist_solve : s->groups[at].hist_accept)[b] += db_column_int64(st, 4);
		}
		db_finalize(st);
	}
	if (rc < 0 && rc != DB_DONE) {
		snapshot_free(s);
		return rc;
	}
	pthread_mutex_lock(&lock);
	struct desk_snapshot *old = current;
	current = s;
	bool free_old = old && --old->refs == 0;
	pthread_mutex_unlock(&lock);
	if (free_old)
		snapshot_free(old);
	return 0;
}

void desk_snapshot_drop(void)
{
	pthread_mutex_lock(&lock);
	struct desk_snapshot *old = current;
	current = NULL;
	bool free_old = old && --old->refs == 0;
	pthread_mutex_unlock(&lock);
	if (free_old)
		snapshot_free(old);
}

const struct snapshot_org *desk_snapshot_org(const struct desk_snapshot *s, int64_t id)
{
	size_t lo = 0, hi = s->n_orgs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->orgs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n_orgs && s->orgs[lo].id == id ? &s->orgs[lo] : NULL;
}

double desk_histogram_median(const int64_t hist[SNAPSHOT_BUCKETS])
{
	int64_t total = 0, seen = 0;
	for (int b = 0; b < SNAPSHOT_BUCKETS; b++)
		total += hist[b];
	if (!total)
		return -1;
	double half = (double)total / 2;
	for (int b = 0; b < SNAPSHOT_BUCKETS; b++) {
		if ((double)(seen + hist[b]) >= half) {
			double low = b ? bucket_hours[b - 1] : 0,
			       high = b == SNAPSHOT_BUCKETS - 1 ? low * 2 : bucket_hours[b];
			return low + (high - low) * (half - (double)seen) / (double)hist[b];
		}
		seen += hist[b];
	}
	return -1;
}
