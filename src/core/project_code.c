/*
 * project_code.c - parsing of investment project codes.
 *
 * The format is fixed-width, so it is checked against a pattern string in
 * which 'd' stands for a digit; that keeps the layout visible in one place.
 */
#include "core/project_code.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

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
