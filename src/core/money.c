/*
 * money.c - formatting and parsing of fen amounts.
 *
 * All arithmetic is on the unsigned magnitude so that INT64_MIN, whose
 * magnitude has no int64_t representation, needs no special case.
 */
#include "core/money.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define FEN_PER_WAN_CENT UINT64_C(10000)       /* 0.01万元 in fen */
#define FEN_PER_YI_CENT  UINT64_C(100000000)   /* 0.01亿元 in fen */
#define FEN_PER_WAN      UINT64_C(1000000)     /* 1万元 in fen */
#define FEN_PER_YI       UINT64_C(10000000000) /* 1亿元 in fen */

/* |v| as uint64_t, defined for INT64_MIN too. */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
}

/* Rounds mag / step half away from zero: mag is a magnitude, so rounding
 * halves up here rounds away from zero once the sign is put back. Both steps
 * used are even, so step / 2 is exactly the half. */
static uint64_t round_div(uint64_t mag, uint64_t step)
{
	return mag / step + (mag % step >= step / 2 ? 1 : 0);
}

/*
 * Writes "[-]I,III.CC<suffix>" for `cents` hundredths of the unit into out,
 * which holds at least 64 bytes. Returns the length.
 */
static size_t format_cents(bool negative, uint64_t cents, const char *suffix, char *out)
{
	char digits[24];
	size_t n = 0;
	uint64_t whole = cents / 100;
	do {
		digits[n++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole > 0);

	size_t len = 0;
	/* An amount that rounds to zero is shown unsigned, never "-0.00". */
	if (negative && cents > 0)
		out[len++] = '-';
	for (size_t i = n; i > 0; i--) {
		out[len++] = digits[i - 1];
		if (i > 1 && (i - 1) % 3 == 0)
			out[len++] = ',';
	}
	out[len++] = '.';
	out[len++] = (char)('0' + cents / 10 % 10);
	out[len++] = (char)('0' + cents % 10);

	size_t slen = strlen(suffix);
	memcpy(out + len, suffix, slen + 1);
	return len + slen;
}

int money_format(int64_t fen, enum money_unit unit, char *buf, size_t size)
{
	if (!buf)
		return -EINVAL;

	uint64_t mag = magnitude(fen);
	if (unit == MONEY_AUTO)
		unit = mag >= FEN_PER_YI ? MONEY_YI : mag >= FEN_PER_WAN ? MONEY_WAN : MONEY_YUAN;

	/* The longest output, INT64_MIN in 元, is 30 bytes. */
	char text[64];
	size_t len;
	switch (unit) {
	case MONEY_YUAN:
		len = format_cents(fen < 0, mag, "元", text);
		break;
	case MONEY_WAN:
		len = format_cents(fen < 0, round_div(mag, FEN_PER_WAN_CENT), "万元", text);
		break;
	case MONEY_YI:
		len = format_cents(fen < 0, round_div(mag, FEN_PER_YI_CENT), "亿元", text);
		break;
	default:
		return -EINVAL;
	}

	if (len >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	memcpy(buf, text, len + 1);
	return (int)len;
}

/* True if s[0..len) is a digit string, or digit groups with a comma at every
 * thousands position ("1,234,567"), so a misplaced comma is not silently
 * read as a different amount. */
static bool valid_integer_part(const char *s, size_t len)
{
	if (len == 0 || s[0] < '0' || s[0] > '9')
		return false;
	bool grouped = memchr(s, ',', len) != NULL;
	for (size_t j = 0; j < len; j++) {
		bool comma_here = grouped && (len - j) % 4 == 0;
		if (comma_here ? s[j] != ',' : (s[j] < '0' || s[j] > '9'))
			return false;
	}
	return true;
}

int money_parse_yuan(const char *s, int64_t *ret_fen)
{
	if (!s)
		return -EINVAL;

	bool negative = *s == '-';
	const char *p = negative ? s + 1 : s;
	const char *int_start = p;
	while ((*p >= '0' && *p <= '9') || *p == ',')
		p++;
	size_t int_len = (size_t)(p - int_start);
	if (!valid_integer_part(int_start, int_len))
		return -EINVAL;

	uint64_t cents = 0;
	if (*p == '.') {
		p++;
		int n = 0;
		while (*p >= '0' && *p <= '9' && n < 3) {
			cents = cents * 10 + (uint64_t)(*p - '0');
			p++;
			n++;
		}
		if (n == 0 || n > 2)
			return -EINVAL;
		if (n == 1)
			cents *= 10;
	}
	if (*p != '\0')
		return -EINVAL;

	/* The magnitude of INT64_MIN is one more than INT64_MAX. */
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t whole = 0;
	for (size_t j = 0; j < int_len; j++) {
		if (int_start[j] == ',')
			continue;
		whole = whole * 10 + (uint64_t)(int_start[j] - '0');
		if (whole > limit / 100)
			return -ERANGE;
	}
	uint64_t fen = whole * 100 + cents;
	if (fen > limit)
		return -ERANGE;

	if (!negative)
		*ret_fen = (int64_t)fen;
	else if (fen == (uint64_t)INT64_MAX + 1)
		*ret_fen = INT64_MIN;
	else
		*ret_fen = -(int64_t)fen;
	return 0;
}
