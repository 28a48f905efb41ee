/*
 * project_code.c - parsing of investment project codes, and the divisions
 * their second part may name.
 *
 * The format is fixed-width, so it is checked against a pattern string in
 * which 'd' stands for a digit; that keeps the layout visible in one place.
 * The divisions are data (data/divisions/gb2260.csv, made by
 * scripts/divisions.sh), embedded and read once into a sorted array.
 */
#include "core/project_code.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/builtin.h"

static const char PATTERN[] = "dddd-dddddd-dd-dd-dddddd";

int project_code_parse(const char *s, struct project_code *ret)
{
	if (!s)
		return -EINVAL;

	/* Compare through the terminating NUL so trailing text is rejected;
	 * a short s stops at its NUL, which matches neither 'd' nor '-'. */
	for (size_t i = 0; i < sizeof(PATTERN); i++) {
		if (PATTERN[i] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return -EINVAL;
		} else if (s[i] != PATTERN[i]) {
			return -EINVAL;
		}
	}

	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	if (year < 2000 || year > 2099)
		return -EINVAL;

	ret->year = year;
	memcpy(ret->division, s + 5, 6);
	ret->division[6] = '\0';
	memcpy(ret->industry, s + 12, 2);
	ret->industry[2] = '\0';
	memcpy(ret->approval_type, s + 15, 2);
	ret->approval_type[2] = '\0';
	memcpy(ret->serial, s + 18, 6);
	ret->serial[6] = '\0';
	return 0;
}

struct division {
	char code[7];
	const char *name;
};

static struct division *divisions; /* sorted by code; the names point into division_text */
static size_t division_count;
static char *division_text;
static pthread_once_t divisions_once = PTHREAD_ONCE_INIT;

static int division_compare(const void *a, const void *b)
{
	return strcmp(((const struct division *)a)->code, ((const struct division *)b)->code);
}

/* Read "code,name" lines (a "#" comment and the header are not codes).  Out of
 * memory the table stays empty: every division is then unknown. */
static void divisions_load(void)
{
	const struct builtin_file *f = builtin_find("data/divisions/gb2260.csv");
	if (!f)
		return;
	size_t lines = 1;
	for (size_t i = 0; i < f->len; i++)
		lines += f->data[i] == '\n';
	division_text = malloc(f->len + 1);
	divisions = malloc(lines * sizeof *divisions);
	if (!division_text || !divisions) {
		free(division_text);
		free(divisions);
		division_text = NULL;
		divisions = NULL;
		return;
	}
	memcpy(division_text, f->data, f->len + 1);
	for (char *line = division_text, *next; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (strspn(line, "0123456789") != 6 || line[6] != ',')
			continue;
		memcpy(divisions[division_count].code, line, 6);
		divisions[division_count].code[6] = '\0';
		divisions[division_count++].name = line + 7;
	}
	qsort(divisions, division_count, sizeof *divisions, division_compare);
}

const char *division_name(const char *code)
{
	pthread_once(&divisions_once, divisions_load);
	struct division key = {.name = NULL};
	if (!code || strlen(code) != 6 || !division_count)
		return NULL;
	memcpy(key.code, code, 7);
	const struct division *d = bsearch(&key, divisions, division_count, sizeof *divisions, division_compare);
	return d ? d->name : NULL;
}

bool project_code_division_fits(const char *division, const char *district, const char *city, bool provincial)
{
	if (strcmp(division, district) == 0 || (city && strcmp(division, city) == 0))
		return true;
	return provincial && city && strlen(city) == 6 && strncmp(division, city, 2) == 0 &&
	       strcmp(division + 2, "0000") == 0;
}
