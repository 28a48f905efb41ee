/*
 * money.h - amounts of money as int64_t fen (分, 1/100 yuan) and their text
 * forms in 元, 万元 (10^4 yuan) and 亿元 (10^8 yuan).
 */
#ifndef BANYAN_CORE_MONEY_H
#define BANYAN_CORE_MONEY_H

#include <stddef.h>
#include <stdint.h>

enum money_unit {
	MONEY_YUAN, /* "1,234.56元": exact */
	MONEY_WAN,  /* "12.35万元": rounded to 0.01万元 */
	MONEY_YI,   /* "194.78亿元": rounded to 0.01亿元 */
	MONEY_AUTO, /* 亿元 from 1亿元, else 万元 from 1万元, else 元 */
};

/*
 * money_format - write fen in the given unit into buf (size bytes).
 * Always two decimals and ASCII thousands separators in the integer part;
 * a leading '-' for negative amounts, except that an amount which rounds to
 * zero is shown without a sign. 万元 and 亿元 round half away from zero.
 * MONEY_AUTO picks the unit by the exact magnitude, before rounding. Every
 * int64_t, INT64_MIN included, is formatted. Returns the number of bytes
 * written (not counting the NUL), -ENOSPC if the text and its NUL do not fit
 * (buf then holds "" when size > 0), or -EINVAL for a NULL buf or an unknown
 * unit.
 */
int money_format(int64_t fen, enum money_unit unit, char *buf, size_t size);

/*
 * money_parse_yuan - read a yuan amount exactly, e.g. "1234.5", "-0.07",
 * "19,478,000,000". Optional leading '-', at least one digit, optional
 * '.' followed by one or two digits. Commas are allowed only as thousands
 * separators, and then at every thousands position. No spaces, no '+', no
 * unit. Returns 0 and stores the amount in fen in *ret_fen; -EINVAL for NULL,
 * empty or malformed text (including three or more decimals); -ERANGE if the
 * amount does not fit in int64_t fen. *ret_fen is untouched on failure.
 */
int money_parse_yuan(const char *s, int64_t *ret_fen);

#endif /* BANYAN_CORE_MONEY_H */
