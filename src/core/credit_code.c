/*
 * credit_code.c - unified social credit code (GB 32100-2015).
 *
 * The check character is a mod-31 weighted sum over the first 17
 * characters, each worth its index in the 31-character code set (the
 * letters I, O, Z, S and V are left out so they are not misread as digits).
 */
#include "core/credit_code.h"

#include <stddef.h>
#include <string.h>

static const char CODE_SET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static const int WEIGHTS[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* The value of c in the code set, or -1. */
static int char_value(char c)
{
	if (c == '\0')
		return -1;
	const char *p = strchr(CODE_SET, c);
	return p ? (int)(p - CODE_SET) : -1;
}

char credit_code_check_char(const char first17[17])
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = char_value(first17[i]);
		if (v < 0)
			return 0;
		sum += v * WEIGHTS[i];
	}
	/* 31 - 0 would be 31, which the standard reads as '0'. */
	return CODE_SET[(31 - sum % 31) % 31];
}

int credit_code_validate(const char *s)
{
	if (!s || strnlen(s, CREDIT_CODE_LEN + 1) != CREDIT_CODE_LEN)
		return CREDIT_CODE_ERR_LENGTH;

	for (int i = 0; i < CREDIT_CODE_LEN; i++)
		if (char_value(s[i]) < 0)
			return CREDIT_CODE_ERR_CHAR;

	/* Characters 3-8 (1-based) are the registering authority's
	 * administrative division code. */
	for (int i = 2; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return CREDIT_CODE_ERR_DIVISION;

	if (credit_code_check_char(s) != s[17])
		return CREDIT_CODE_ERR_CHECK;
	return 0;
}

const char *credit_code_strerror(int err)
{
	switch (err) {
	case 0:
		return "统一社会信用代码有效 (valid)";
	case CREDIT_CODE_ERR_LENGTH:
		return "统一社会信用代码应为18位 (must be 18 characters)";
	case CREDIT_CODE_ERR_CHAR:
		return "统一社会信用代码含有无效字符 (invalid character; "
		       "use digits and upper-case letters except I, O, Z, S, V)";
	case CREDIT_CODE_ERR_DIVISION:
		return "统一社会信用代码第3至8位应为行政区划代码 "
		       "(characters 3-8 must be a 6-digit division code)";
	case CREDIT_CODE_ERR_CHECK:
		return "统一社会信用代码校验位错误 (check character wrong)";
	default:
		return "统一社会信用代码错误 (invalid credit code)";
	}
}
