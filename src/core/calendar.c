/*
 * calendar.c - China's working-day calendar, read from a holiday data file.
 *
 * Working-day arithmetic runs in planning hot loops over long spans, so it
 * is built on one counting function, work_count(x): the number of working
 * days up to and including day x, relative to a fixed origin. Outside the
 * covered years that is a closed formula over Monday-to-Friday weeks; inside
 * them it is a prefix-sum array over the covered days. Counting between two
 * days is then a subtraction, and finding the n-th working day is a binary
 * search over a monotone function.
 */
#include "core/calendar.h"

#include "core/clock.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define COVERS_MIN_YEAR 1900
#define COVERS_MAX_YEAR 2199
/* The real file is a few kilobytes; the cap keeps line numbers in an int. */
#define MAX_TEXT_LEN (1024 * 1024)

enum day_kind {
	DAY_ORDINARY,
	DAY_OFF,
	DAY_WORK,
};

struct calendar {
	int first_year;
	int last_year;
	int32_t first_day; /* 1 January of first_year */
	int32_t ndays;     /* days in the covered years */
	/* prefix[i]: working days in [first_day, first_day + i) */
	int32_t *prefix;
	/* names[i]: holiday name of day first_day + i, or NULL */
	const char **names;
	/* every name, NUL-terminated, back to back */
	char *name_pool;
};

/* Monday 1969-12-29: the origin of the Monday-to-Friday count. */
#define WEEK_ORIGIN (-3)

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Mondays to Fridays in [WEEK_ORIGIN, x], negated count of those in
 * (x, WEEK_ORIGIN) when x is earlier: additive over any interval. */
static int64_t weekday_count(int64_t x)
{
	int64_t n = x - WEEK_ORIGIN + 1;
	int64_t weeks = floor_div(n, 7);
	int64_t rest = n - weeks * 7;
	return weeks * 5 + (rest < 5 ? rest : 5);
}

static int64_t work_count(const struct calendar *c, int64_t x)
{
	int64_t end = (int64_t)c->first_day + c->ndays;
	int64_t before = weekday_count((int64_t)c->first_day - 1);
	if (x < c->first_day)
		return weekday_count(x);
	if (x < end)
		return before + c->prefix[x - c->first_day + 1];
	return weekday_count(x) - weekday_count(end - 1) + before + c->prefix[c->ndays];
}

void calendar_free(struct calendar *c)
{
	if (!c)
		return;
	free(c->prefix);
	free(c->names);
	free(c->name_pool);
	free(c);
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* A line being read: [p, end) with comment and outer blanks removed. */
struct cursor {
	const char *p;
	const char *end;
};

/* Takes the next blank-separated token; false if none is left. */
static bool next_token(struct cursor *cur, const char **ret_tok, size_t *ret_len)
{
	while (cur->p < cur->end && is_blank(*cur->p))
		cur->p++;
	if (cur->p == cur->end)
		return false;
	const char *tok = cur->p;
	while (cur->p < cur->end && !is_blank(*cur->p))
		cur->p++;
	*ret_tok = tok;
	*ret_len = (size_t)(cur->p - tok);
	return true;
}

static bool token_is(const char *tok, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(tok, word, len) == 0;
}

/* Reads a 4-digit year token within the covers limits; -1 if not one. */
static int parse_year(const char *tok, size_t len)
{
	if (len != 4)
		return -1;
	int y = 0;
	for (size_t i = 0; i < 4; i++) {
		if (tok[i] < '0' || tok[i] > '9')
			return -1;
		y = y * 10 + (tok[i] - '0');
	}
	return y >= COVERS_MIN_YEAR && y <= COVERS_MAX_YEAR ? y : -1;
}

/* State carried across the lines of one calendar_parse() call. */
struct parser {
	struct calendar *cal;
	unsigned char *kind; /* enum day_kind per covered day */
	char *pool_end;      /* where the next name goes */
};

static int parse_covers(struct parser *ps, struct cursor *cur)
{
	struct calendar *c = ps->cal;
	const char *tok;
	size_t len;
	if (ps->kind)
		return -EINVAL; /* a second covers line */

	int first = next_token(cur, &tok, &len) ? parse_year(tok, len) : -1;
	int last = next_token(cur, &tok, &len) ? parse_year(tok, len) : -1;
	if (first < 0 || last < first || next_token(cur, &tok, &len))
		return -EINVAL;

	c->first_year = first;
	c->last_year = last;
	c->first_day = clock_days_from_civil(first, 1, 1);
	c->ndays = clock_days_from_civil(last + 1, 1, 1) - c->first_day;
	size_t n = (size_t)c->ndays;
	c->prefix = calloc(n + 1, sizeof(*c->prefix));
	c->names = calloc(n, sizeof(*c->names));
	ps->kind = calloc(n, sizeof(*ps->kind));
	if (!c->prefix || !c->names || !ps->kind)
		return -ENOMEM;
	return 0;
}

static int parse_day(struct parser *ps, struct cursor *cur, const char *tok, size_t len)
{
	struct calendar *c = ps->cal;
	if (!ps->kind || len != 10)
		return -EINVAL; /* no covers line yet, or not a date */

	char date[11];
	memcpy(date, tok, 10);
	date[10] = '\0';
	int32_t day;
	if (clock_parse_date(date, &day) < 0)
		return -EINVAL;
	int64_t i = (int64_t)day - c->first_day;
	if (i < 0 || i >= c->ndays || ps->kind[i] != DAY_ORDINARY)
		return -EINVAL;

	enum day_kind kind;
	if (!next_token(cur, &tok, &len))
		return -EINVAL;
	if (token_is(tok, len, "off"))
		kind = DAY_OFF;
	else if (token_is(tok, len, "work") && clock_weekday(day) >= 6)
		kind = DAY_WORK;
	else
		return -EINVAL;

	while (cur->p < cur->end && is_blank(*cur->p))
		cur->p++;
	size_t name_len = (size_t)(cur->end - cur->p);
	if (name_len == 0)
		return -EINVAL;
	for (size_t k = 0; k < name_len; k++) {
		unsigned char ch = (unsigned char)cur->p[k];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return -EINVAL;
	}

	memcpy(ps->pool_end, cur->p, name_len);
	ps->pool_end[name_len] = '\0';
	c->names[i] = ps->pool_end;
	ps->pool_end += name_len + 1;
	ps->kind[i] = (unsigned char)kind;
	return 0;
}

static int parse_line(struct parser *ps, const char *line, const char *end)
{
	const char *hash = memchr(line, '#', (size_t)(end - line));
	if (hash)
		end = hash;
	while (end > line && (is_blank(end[-1]) || end[-1] == '\r'))
		end--;

	struct cursor cur = {line, end};
	const char *tok;
	size_t len;
	if (!next_token(&cur, &tok, &len))
		return 0;
	if (token_is(tok, len, "covers"))
		return parse_covers(ps, &cur);
	return parse_day(ps, &cur, tok, len);
}

static void build_prefix(struct calendar *c, const unsigned char *kind)
{
	for (int32_t i = 0; i < c->ndays; i++) {
		bool working;
		if (kind[i] == DAY_OFF)
			working = false;
		else if (kind[i] == DAY_WORK)
			working = true;
		else
			working = clock_weekday(c->first_day + i) <= 5;
		c->prefix[i + 1] = c->prefix[i] + (working ? 1 : 0);
	}
}

int calendar_parse(const char *text, size_t len, struct calendar **ret, int *ret_error_line)
{
	int r;
	int line_no = 0;
	struct parser ps = {0};

	if (len > MAX_TEXT_LEN)
		return -E2BIG;
	ps.cal = calloc(1, sizeof(*ps.cal));
	if (!ps.cal)
		return -ENOMEM;
	/* Each name is shorter than its line, so the text length bounds the
	 * pool, terminators included. */
	ps.cal->name_pool = malloc(len + 1);
	if (!ps.cal->name_pool) {
		r = -ENOMEM;
		goto fail;
	}
	ps.pool_end = ps.cal->name_pool;

	const char *p = text;
	const char *text_end = text + len;
	while (p < text_end) {
		const char *nl = memchr(p, '\n', (size_t)(text_end - p));
		const char *line_end = nl ? nl : text_end;
		line_no++;
		r = parse_line(&ps, p, line_end);
		if (r < 0)
			goto fail;
		p = nl ? nl + 1 : text_end;
	}
	if (!ps.kind) {
		line_no = 0;
		r = -EINVAL;
		goto fail;
	}

	build_prefix(ps.cal, ps.kind);
	free(ps.kind);
	*ret = ps.cal;
	return 0;

fail:
	if (r == -EINVAL && ret_error_line)
		*ret_error_line = line_no;
	free(ps.kind);
	calendar_free(ps.cal);
	return r;
}

bool calendar_covers(const struct calendar *c, int year)
{
	return year >= c->first_year && year <= c->last_year;
}

bool calendar_is_working_day(const struct calendar *c, int32_t day)
{
	return work_count(c, day) != work_count(c, (int64_t)day - 1);
}

const char *calendar_holiday_name(const struct calendar *c, int32_t day)
{
	int64_t i = (int64_t)day - c->first_day;
	return i >= 0 && i < c->ndays ? c->names[i] : NULL;
}

int calendar_working_days_between(const struct calendar *c, int32_t from, int32_t to)
{
	int64_t n = work_count(c, to) - work_count(c, from);
	if (n > INT_MAX)
		return INT_MAX;
	if (n < INT_MIN)
		return INT_MIN;
	return (int)n;
}

int32_t calendar_add_working_days(const struct calendar *c, int32_t day, int n)
{
	if (n == 0)
		return day;

	/* The answer is the first day whose count reaches target: counting
	 * forward, n past day's own count; counting back, the working day
	 * that leaves |n| working days in [answer, day). */
	int64_t target = n > 0 ? work_count(c, day) + n : work_count(c, (int64_t)day - 1) + n + 1;
	int64_t lo = INT32_MIN;
	int64_t hi = INT32_MAX;
	if (work_count(c, hi) < target)
		return INT32_MAX;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (work_count(c, mid) >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (int32_t)lo;
}

void calendar_publicity_window(const struct calendar *c, int32_t today, int n, char start[11], char end[11])
{
	int32_t first = calendar_add_working_days(c, today, 1);
	clock_format_date(first, start);
	clock_format_date(calendar_add_working_days(c, first, n - 1), end);
}

bool calendar_window_open(const char *start, const char *end, const char *today)
{
	return start && end && strcmp(start, today) <= 0 && strcmp(today, end) <= 0;
}
