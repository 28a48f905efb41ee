/*
 * test_money.c - unit tests for src/core/money.c, using the figures of the
 * Fuzhou Daily report the platform must be able to print.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "core/money.h"

#define YUAN(y) ((int64_t)(y)*100)

/* Formats and checks both the text and the returned length. */
static void expect_format(int64_t fen, enum money_unit unit, const char *want)
{
	char buf[64];
	int n = money_format(fen, unit, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

static void test_article_figures(void **state)
{
	(void)state;
	/* 17 projects signed by Jin'an on 5 March: 19.478 billion yuan. */
	expect_format(YUAN(19478000000), MONEY_YI, "194.78亿元");
	expect_format(YUAN(19478000000), MONEY_AUTO, "194.78亿元");
	expect_format(YUAN(137000000), MONEY_AUTO, "1.37亿元");
	expect_format(YUAN(938000000), MONEY_AUTO, "9.38亿元");
	expect_format(YUAN(1166000000), MONEY_AUTO, "11.66亿元");
	expect_format(YUAN(675934000000), MONEY_AUTO, "6,759.34亿元");
	/* Car vouchers: 3,000万元 in all. */
	expect_format(YUAN(30000000), MONEY_AUTO, "3,000.00万元");
	expect_format(YUAN(30000000), MONEY_WAN, "3,000.00万元");
	expect_format(YUAN(30000000), MONEY_YI, "0.30亿元");
	expect_format(YUAN(30000000), MONEY_YUAN, "30,000,000.00元");
}

static void test_yuan(void **state)
{
	(void)state;
	expect_format(123456, MONEY_YUAN, "1,234.56元");
	expect_format(0, MONEY_YUAN, "0.00元");
	expect_format(5, MONEY_YUAN, "0.05元");
	expect_format(-5, MONEY_YUAN, "-0.05元");
	expect_format(99999, MONEY_YUAN, "999.99元");
	expect_format(100000, MONEY_YUAN, "1,000.00元");
	expect_format(-12345678901, MONEY_YUAN, "-123,456,789.01元");
}

static void test_rounding_half_away_from_zero(void **state)
{
	(void)state;
	expect_format(YUAN(123456), MONEY_WAN, "12.35万元");
	expect_format(YUAN(123450), MONEY_WAN, "12.35万元");
	expect_format(YUAN(123450) - 1, MONEY_WAN, "12.34万元");
	expect_format(-YUAN(123450), MONEY_WAN, "-12.35万元");
	expect_format(-YUAN(123450) + 1, MONEY_WAN, "-12.34万元");
	expect_format(YUAN(1234500000), MONEY_YI, "12.35亿元");
	expect_format(YUAN(1234500000) - 1, MONEY_YI, "12.34亿元");
	expect_format(-YUAN(1234500000), MONEY_YI, "-12.35亿元");
	/* Amounts that round to nothing carry no sign. */
	expect_format(-1, MONEY_WAN, "0.00万元");
	expect_format(-YUAN(49), MONEY_WAN, "0.00万元");
	expect_format(-YUAN(50), MONEY_WAN, "-0.01万元");
}

static void test_auto_thresholds(void **state)
{
	(void)state;
	expect_format(YUAN(10000) - 1, MONEY_AUTO, "9,999.99元");
	expect_format(YUAN(10000), MONEY_AUTO, "1.00万元");
	expect_format(-YUAN(10000), MONEY_AUTO, "-1.00万元");
	/* Still below 1亿元 exactly, so 万元, even though it rounds up. */
	expect_format(YUAN(100000000) - 1, MONEY_AUTO, "10,000.00万元");
	expect_format(YUAN(100000000), MONEY_AUTO, "1.00亿元");
	expect_format(-YUAN(100000000), MONEY_AUTO, "-1.00亿元");
	expect_format(0, MONEY_AUTO, "0.00元");
}

static void test_extremes(void **state)
{
	(void)state;
	expect_format(INT64_MAX, MONEY_YUAN, "92,233,720,368,547,758.07元");
	expect_format(INT64_MIN, MONEY_YUAN, "-92,233,720,368,547,758.08元");
	expect_format(INT64_MAX, MONEY_WAN, "9,223,372,036,854.78万元");
	expect_format(INT64_MIN, MONEY_WAN, "-9,223,372,036,854.78万元");
	expect_format(INT64_MAX, MONEY_YI, "922,337,203.69亿元");
	expect_format(INT64_MIN, MONEY_AUTO, "-922,337,203.69亿元");
}

static void test_buffer_too_small(void **state)
{
	(void)state;
	char buf[16];
	/* "1,234.56元" is 11 bytes plus the NUL. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(money_format(123456, MONEY_YUAN, buf, 11), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(money_format(123456, MONEY_YUAN, buf, 12), 11);
	assert_string_equal(buf, "1,234.56元");
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(money_format(123456, MONEY_YUAN, buf, 0), -ENOSPC);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(money_format(123456, MONEY_YUAN, NULL, 16), -EINVAL);
	assert_int_equal(money_format(123456, (enum money_unit)99, buf, 16), -EINVAL);
}

static void expect_parse(const char *s, int64_t want)
{
	int64_t fen = 42;
	if (money_parse_yuan(s, &fen) != 0)
		fail_msg("rejected \"%s\"", s);
	assert_int_equal(fen, want);
}

static void test_parse(void **state)
{
	(void)state;
	expect_parse("19,478,000,000", YUAN(19478000000));
	expect_parse("19478000000", YUAN(19478000000));
	expect_parse("1234.5", 123450);
	expect_parse("1,234.56", 123456);
	expect_parse("-0.07", -7);
	expect_parse("0", 0);
	expect_parse("-0", 0);
	expect_parse("999", YUAN(999));
	expect_parse("100,000", YUAN(100000));
	expect_parse("92233720368547758.07", INT64_MAX);
	expect_parse("92,233,720,368,547,758.07", INT64_MAX);
	expect_parse("-92233720368547758.08", INT64_MIN);
}

static void test_parse_rejects(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int err;
	} bad[] = {
	    {"", -EINVAL},
	    {"-", -EINVAL},
	    {"1.", -EINVAL},
	    {".5", -EINVAL},
	    {"1.234", -EINVAL},
	    {"1.000", -EINVAL},
	    {"1,23", -EINVAL},
	    {"1,2345", -EINVAL},
	    {"12,34,567", -EINVAL},
	    {"1234,567", -EINVAL},
	    {",123", -EINVAL},
	    {"123,", -EINVAL},
	    {"1 234", -EINVAL},
	    {" 1", -EINVAL},
	    {"+1", -EINVAL},
	    {"--1", -EINVAL},
	    {"1e5", -EINVAL},
	    {"12a", -EINVAL},
	    {"1.5元", -EINVAL},
	    {"1,234.5.6", -EINVAL},
	    {"1.-5", -EINVAL},
	    {"92233720368547758.08", -ERANGE},
	    {"-92233720368547758.09", -ERANGE},
	    {"92233720368547759", -ERANGE},
	    {"100000000000000000000000000000", -ERANGE},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t fen = 42;
		int r = money_parse_yuan(bad[i].s, &fen);
		if (r != bad[i].err)
			fail_msg("\"%s\": got %d, want %d", bad[i].s, r, bad[i].err);
		assert_int_equal(fen, 42);
	}
	int64_t fen = 42;
	assert_int_equal(money_parse_yuan(NULL, &fen), -EINVAL);
	assert_int_equal(fen, 42);
}

/* What money_format prints in yuan, money_parse_yuan reads back. */
static void test_format_parse_round_trip(void **state)
{
	(void)state;
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Vary the magnitude as well as the digits. */
		int64_t fen = (int64_t)(x >> (x % 64));
		if (x & 1)
			fen = -fen;
		char buf[64];
		int n = money_format(fen, MONEY_YUAN, buf, sizeof(buf));
		assert_true(n > (int)strlen("元"));
		buf[n - (int)strlen("元")] = '\0';
		int64_t back;
		assert_int_equal(money_parse_yuan(buf, &back), 0);
		assert_int_equal(back, fen);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_article_figures),
	    cmocka_unit_test(test_yuan),
	    cmocka_unit_test(test_rounding_half_away_from_zero),
	    cmocka_unit_test(test_auto_thresholds),
	    cmocka_unit_test(test_extremes),
	    cmocka_unit_test(test_buffer_too_small),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_rejects),
	    cmocka_unit_test(test_format_parse_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
