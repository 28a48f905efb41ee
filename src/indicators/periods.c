/*
** Periods, exact decimals, growth, the year to date and the validation
** rules of the indicators: pure functions, no database (see indicators.h).
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "indicators/indicators.h"

int ind_kind_from_name(const char *name)
{
	static const char *const names[] = {"month", "quarter", "year"};
	for (int i = 0; i < 3; i++)
		if (name && strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

int ind_period_parse(const char *text, int *ret_year, int *ret_month)
{
	if (!text || strlen(text) != 7 || text[4] != '-')
		return -EINVAL;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (text[i] < '0' || text[i] > '9'))
			return -EINVAL;
	int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
	int month = (text[5] - '0') * 10 + (text[6] - '0');
	if (year < 1990 || year > 2100 || month < 1 || month > 12)
		return -EINVAL;
	*ret_year = year;
	*ret_month = month;
	return 0;
}

bool ind_period_fits(enum ind_kind kind, int month)
{
	return kind == IND_MONTH     ? month >= 1 && month <= 12
	       : kind == IND_QUARTER ? month % 3 == 0 && month > 0 && month <= 12
	                             : month == 12;
}

int ind_period_previous(enum ind_kind kind, int month)
{
	int step = kind == IND_MONTH ? 1 : kind == IND_QUARTER ? 3 : 12;
	return month - step > 0 ? month - step : 0;
}

static const int64_t DECIMAL_LIMIT = 1000000000000000; /* 10^15: far beyond any figure, far below overflow */

int ind_decimal_parse(const char *text, int decimals, int64_t *ret)
{
	if (!text)
		return -EINVAL;
	const char *p = text;
	bool negative = *p == '-';
	if (negative)
		p++;
	int64_t v = 0;
	int digits = 0, fraction = -1;
	for (; *p; p++) {
		if (*p == '.' && fraction < 0 && digits > 0) {
			fraction = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (fraction >= 0 && ++fraction > decimals)
			return -EINVAL;
		v = v * 10 + (*p - '0');
		digits++;
		if (v >= DECIMAL_LIMIT)
			return -ERANGE;
	}
	if (digits == 0 || fraction == 0)
		return -EINVAL;
	for (int i = fraction < 0 ? 0 : fraction; i < decimals; i++) {
		v *= 10;
		if (v >= DECIMAL_LIMIT)
			return -ERANGE;
	}
	*ret = negative ? -v : v;
	return 0;
}

void ind_decimal_format(int64_t v, int decimals, char *buf, size_t size)
{
	int64_t scale = 1;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	uint64_t magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int n = snprintf(buf, size, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(magnitude / (uint64_t)scale));
	if (decimals == 0 || n < 0 || (size_t)n >= size)
		return;
	char fraction[8];
	snprintf(fraction, sizeof fraction, "%0*llu", decimals, (unsigned long long)(magnitude % (uint64_t)scale));
	int keep = decimals;
	while (keep > 2 && fraction[keep - 1] == '0')
		keep--;
	snprintf(buf + n, size - (size_t)n, ".%.*s", keep, fraction);
}

bool ind_growth_bp(int64_t now, int64_t last, int64_t *ret)
{
	if (last <= 0)
		return false;
	int64_t num = (now - last) * 10000;
	/* Round half away from zero, in integers. */
	int64_t q = num / last, rem = num % last;
	if (rem < 0 ? -rem * 2 >= last : rem * 2 >= last)
		q += num < 0 ? -1 : 1;
	*ret = q;
	return true;
}

/* The sum of the kind's periods from January up to month: false unless each has a value. */
static bool year_to_date(enum ind_kind kind, const struct ind_year *y, int month, int64_t *ret)
{
	int64_t sum = 0;
	for (int m = 1; m <= month; m++) {
		if (!ind_period_fits(kind, m))
			continue;
		if (!y->has_value[m - 1])
			return false;
		sum += y->value[m - 1];
	}
	*ret = sum;
	return true;
}

void ind_figure_of(enum ind_kind kind, const struct ind_year *now, const struct ind_year *last, int month,
                   struct ind_figure *ret)
{
	struct ind_figure f = {0};
	int i = month - 1;
	int64_t last_ytd = 0;
	f.has_value = now->has_value[i];
	f.value = now->value[i];
	f.has_ytd = year_to_date(kind, now, month, &f.ytd);
	if (f.has_value && last->has_value[i] && ind_growth_bp(f.value, last->value[i], &f.growth))
		f.has_growth = f.growth_computed = true;
	else if (now->has_growth[i])
		f.has_growth = true, f.growth = now->growth[i];
	if (f.has_ytd && year_to_date(kind, last, month, &last_ytd) && ind_growth_bp(f.ytd, last_ytd, &f.ytd_growth))
		f.has_ytd_growth = f.ytd_growth_computed = true;
	else if (now->has_ytd_growth[i])
		f.has_ytd_growth = true, f.ytd_growth = now->ytd_growth[i];
	*ret = f;
}

unsigned ind_figure_flags(const struct ind_figure *f, const struct ind_figure *prev)
{
	unsigned flags = 0;
	if ((f->has_growth && (f->growth > IND_GROWTH_LIMIT_BP || f->growth < -IND_GROWTH_LIMIT_BP)) ||
	    (f->has_ytd_growth && (f->ytd_growth > IND_GROWTH_LIMIT_BP || f->ytd_growth < -IND_GROWTH_LIMIT_BP)))
		flags |= IND_FLAG_GROWTH;
	if (prev && f->has_ytd && prev->has_ytd && f->ytd < prev->ytd)
		flags |= IND_FLAG_YTD_FALL;
	return flags;
}

bool ind_sum_differs(int64_t city, int64_t districts_sum)
{
	int64_t diff = city - districts_sum;
	if (diff < 0)
		diff = -diff;
	int64_t base = city < 0 ? -city : city;
	return diff * 10000 > base * IND_SUM_TOLERANCE_BP;
}

/* How many of the smallest money unit here (万元) a unit is: 亿元 10,000, anything else counted as itself. */
static int64_t unit_factor(const char *unit)
{
	return strcmp(unit, "亿元") == 0 ? 10000 : 1;
}

static __int128 power_of_ten(int n)
{
	__int128 p = 1;
	while (n-- > 0)
		p *= 10;
	return p;
}

bool ind_ratio(int64_t a, const char *a_unit, int a_decimals, int64_t b, const char *b_unit, int b_decimals,
               int decimals, int64_t *ret)
{
	if (b <= 0)
		return false;
	/* a ÷ 10^da × fa over b ÷ 10^db × fb, × 100 × 10^decimals. */
	__int128 num = (__int128)a * unit_factor(a_unit) * power_of_ten(b_decimals) * 100 * power_of_ten(decimals);
	__int128 den = (__int128)b * unit_factor(b_unit) * power_of_ten(a_decimals);
	__int128 q = num / den, rem = num % den;
	if (rem < 0 ? -rem * 2 >= den : rem * 2 >= den)
		q += num < 0 ? -1 : 1;
	if (q > INT64_MAX || q < INT64_MIN)
		return false;
	*ret = (int64_t)q;
	return true;
}

void ind_growth_words(int64_t bp, char *buf, size_t size)
{
	int64_t tenths = (bp < 0 ? bp - 5 : bp + 5) / 10, whole = tenths / 10, frac = tenths % 10;
	const char *sign = tenths < 0 ? "-" : "";
	if (whole < 0)
		whole = -whole;
	if (frac < 0)
		frac = -frac;
	if (frac)
		snprintf(buf, size, "%s%lld.%lld", sign, (long long)whole, (long long)frac);
	else
		snprintf(buf, size, "%s%lld", sign, (long long)whole);
}
