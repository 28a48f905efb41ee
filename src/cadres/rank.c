/*
** Ranking an assessment, pure: totals, ranks within each cohort, ties, the
** quota of 优秀 and the grades.  See cadres.h (rank_cohorts) and docs/api.md.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadres/cadres.h"

/* A subject's exact total, num / den, and where it came in. */
struct ranked {
	struct rank_subject *s;
	int64_t num, den;
	size_t index;
};

struct order {
	const struct rank_rules *rules;
	size_t tie_items[64]; /* the items that break ties, in their tie_order */
	size_t n_tie;
};

static int compare_totals(const struct ranked *a, const struct ranked *b)
{
	/* a.num / a.den against b.num / b.den, higher first; both denominators are positive. */
	int64_t x = a->num * b->den, y = b->num * a->den;
	return x > y ? -1 : x < y;
}

/* 0 when a and b stay tied after every tie item: they share a rank. */
static int compare_merit(const struct ranked *a, const struct ranked *b, const struct order *o, size_t *ret_decider)
{
	int c = compare_totals(a, b);
	for (size_t i = 0; c == 0 && i < o->n_tie; i++) {
		int64_t x = a->s->scores[o->tie_items[i]], y = b->s->scores[o->tie_items[i]];
		c = x > y ? -1 : x < y;
		if (c && ret_decider)
			*ret_decider = o->tie_items[i];
	}
	return c;
}

static int compare(const void *pa, const void *pb, void *arg)
{
	const struct ranked *a = pa, *b = pb;
	int c = strcmp(a->s->cohort, b->s->cohort);
	if (!c)
		c = compare_merit(a, b, arg, NULL);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

static enum rank_grade grade_of(const struct rank_rules *rules, int64_t total)
{
	return total >= rules->competent_min ? GRADE_COMPETENT
	       : total >= rules->basic_min   ? GRADE_BASIC
	                                     : GRADE_INCOMPETENT;
}

static void note(struct rank_subject *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct rank_subject *s, const char *fmt, ...)
{
	size_t len = strlen(s->tie_note);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->tie_note + len, sizeof s->tie_note - len, fmt, ap);
	va_end(ap);
}

/* Rank one cohort, v[0..m) in order; quota of 优秀 q. */
static void rank_cohort(const struct order *o, struct ranked *v, size_t m)
{
	const struct rank_rules *rules = o->rules;
	size_t q = (size_t)rules->excellent_pct * m / 100, excellent = 0;
	bool quota_closed = false;
	for (size_t i = 0; i < m;) {
		size_t j = i + 1; /* v[i..j): one rank, tied after every tie item */
		while (j < m && compare_merit(&v[i], &v[j], o, NULL) == 0)
			j++;
		/* Those with the same total, a rank shared or not: [lo, hi). */
		size_t lo = i, hi = j;
		while (lo > 0 && compare_totals(&v[lo - 1], &v[i]) == 0)
			lo--;
		while (hi < m && compare_totals(&v[hi], &v[i]) == 0)
			hi++;
		bool eligible = v[i].s->total >= rules->competent_min;
		bool give = !quota_closed && eligible && excellent + (j - i) <= q;
		/* The edge: a tie the quota's remainder cannot hold.  None of it, nor anyone below, is 优秀. */
		bool edge = !quota_closed && eligible && !give && excellent < q;
		if (!give)
			quota_closed = true;
		for (size_t k = i; k < j; k++) {
			struct rank_subject *s = v[k].s;
			s->rank = (int)(i + 1);
			s->grade = give ? GRADE_EXCELLENT : grade_of(rules, s->total);
			s->tie_note[0] = '\0';
			if (j - i > 1)
				note(s, "与另 %zu 人并列第 %zu 名 (tied with %zu at rank %zu)", j - i - 1, i + 1,
				     j - i - 1, i + 1);
			else if (hi - lo > 1) {
				size_t decider = 0;
				compare_merit(&v[k > lo ? k - 1 : k + 1], &v[k], o, &decider);
				note(s, "总分与另 %zu 人相同,按「%s」分先后 (equal totals broken by %s)", hi - lo - 1,
				     rules->items[decider].name, rules->items[decider].name);
			}
			if (edge)
				note(s,
				     ";并列者超出优秀名额 %zu 个的剩余,均不评优秀 (the tie exceeds what is left of the "
				     "quota of %zu: none of it is excellent)",
				     q, q);
		}
		if (give)
			excellent += j - i;
		i = j;
	}
}

int rank_cohorts(const struct rank_rules *rules, struct rank_subject *subjects, size_t n)
{
	struct order o = {.rules = rules};
	/* The tie items in their tie_order (an insertion sort: a scheme has a handful of items). */
	for (size_t i = 0; i < rules->n_items && o.n_tie < sizeof o.tie_items / sizeof o.tie_items[0]; i++) {
		if (rules->items[i].tie_order <= 0)
			continue;
		size_t k = o.n_tie++;
		for (; k > 0 && rules->items[o.tie_items[k - 1]].tie_order > rules->items[i].tie_order; k--)
			o.tie_items[k] = o.tie_items[k - 1];
		o.tie_items[k] = i;
	}
	if (!n)
		return 0;
	struct ranked *v = calloc(n, sizeof *v);
	if (!v)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		v[k] = (struct ranked){.s = &subjects[k], .index = k};
		for (size_t i = 0; i < rules->n_items; i++)
			if (subjects[k].scores[i] != RANK_NO_SCORE) {
				v[k].num += rules->items[i].weight * subjects[k].scores[i];
				v[k].den += rules->items[i].weight;
			}
		if (!v[k].den) {
			free(v);
			return -EINVAL;
		}
		subjects[k].total = (2 * v[k].num + v[k].den) / (2 * v[k].den);
	}
	qsort_r(v, n, sizeof *v, compare, &o);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && strcmp(v[i].s->cohort, v[j].s->cohort) == 0)
			j++;
		rank_cohort(&o, v + i, j - i);
		i = j;
	}
	free(v);
	return 0;
}

static const char *const grades[][2] = {
    [GRADE_EXCELLENT] = {"excellent", "优秀"},
    [GRADE_COMPETENT] = {"competent", "称职"},
    [GRADE_BASIC] = {"basic", "基本称职"},
    [GRADE_INCOMPETENT] = {"incompetent", "不称职"},
};

const char *rank_grade_name(enum rank_grade g)
{
	return grades[g][0];
}

const char *rank_grade_label(enum rank_grade g)
{
	return grades[g][1];
}
