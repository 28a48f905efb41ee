/*
** Ranking units on one or several indicators: pure (see indicators.h).
*/
#include <stdio.h>

#include "indicators/indicators.h"

enum { SCALE = 1000000 };

/* Is a ahead of b?  Scores first; equal scores by the level when asked. */
static bool ahead(const struct rank_unit *a, const struct rank_unit *b, bool by_level)
{
	if (a->score != b->score)
		return a->score > b->score;
	if (!by_level || !a->has_level)
		return false;
	return !b->has_level || a->level > b->level;
}

void rank_units(struct rank_unit *u, size_t n, const struct rank_term *t, size_t nt, bool by_level)
{
	if (nt > RANK_MAX_TERMS)
		nt = RANK_MAX_TERMS;
	for (size_t i = 0; i < n; i++) {
		u[i].ranked = nt > 0;
		for (size_t k = 0; k < nt; k++)
			u[i].ranked &= u[i].has[k];
		u[i].score = 0;
		u[i].rank = 0;
	}
	for (size_t k = 0; k < nt; k++) {
		bool any = false;
		int64_t lo = 0, hi = 0;
		for (size_t i = 0; i < n; i++) {
			if (!u[i].ranked)
				continue;
			int64_t v = t[k].higher_better ? u[i].value[k] : -u[i].value[k];
			if (!any || v < lo)
				lo = v;
			if (!any || v > hi)
				hi = v;
			any = true;
		}
		for (size_t i = 0; i < n; i++) {
			if (!u[i].ranked)
				continue;
			int64_t v = t[k].higher_better ? u[i].value[k] : -u[i].value[k];
			if (nt == 1)
				u[i].score = v;
			else
				u[i].score += t[k].weight * (hi == lo ? SCALE : (v - lo) * SCALE / (hi - lo));
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!u[i].ranked)
			continue;
		u[i].rank = 1;
		for (size_t j = 0; j < n; j++)
			if (j != i && u[j].ranked && ahead(&u[j], &u[i], by_level))
				u[i].rank++;
	}
}

int rank_streak(const int *ranks, size_t n)
{
	if (n == 0 || ranks[0] == 0)
		return 0;
	int streak = 1;
	while ((size_t)streak < n && ranks[streak] == ranks[0])
		streak++;
	return streak;
}

void ind_chinese_number(int n, bool measure, char *buf, size_t size)
{
	static const char *const digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
	if (size == 0)
		return;
	buf[0] = 0;
	if (n < 1 || n > 99)
		return;
	if (n == 2 && measure)
		snprintf(buf, size, "两");
	else if (n < 10)
		snprintf(buf, size, "%s", digits[n]);
	else
		snprintf(buf, size, "%s十%s", n >= 20 ? digits[n / 10] : "", digits[n % 10]);
}

void ind_rank_phrase(int rank, int streak, enum ind_kind step, bool province, char *buf, size_t size)
{
	char place[16], periods[16];
	if (size == 0)
		return;
	buf[0] = 0;
	if (rank <= 0)
		return;
	ind_chinese_number(rank, false, place, sizeof place);
	const char *scope = province ? "全省" : "全市";
	if (streak < 2) {
		snprintf(buf, size, "位列%s第%s", scope, place);
		return;
	}
	ind_chinese_number(streak, true, periods, sizeof periods);
	snprintf(buf, size, "连续%s%s排名%s第%s", periods,
	         step == IND_MONTH     ? "个月"
	         : step == IND_QUARTER ? "个季度"
	                               : "年",
	         scope, place);
}
