/*
 * test_credit_code.c - unit tests for src/core/credit_code.c: real published
 * codes, hand-worked check characters, and every rejection reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/credit_code.h"

static void test_published_codes_are_valid(void **state)
{
	(void)state;
	/* Codes printed on the business licences of well-known companies. */
	assert_int_equal(credit_code_validate("914403001922038216"), 0); /* 华为技术有限公司 */
	assert_int_equal(credit_code_validate("91440300708461136T"), 0); /* 深圳市腾讯计算机系统有限公司 */
	assert_int_equal(credit_code_validate("91110108551385082Q"), 0); /* 小米科技有限责任公司 */
	assert_int_equal(credit_code_validate("91330100799655058B"), 0); /* 阿里巴巴（中国）有限公司 */
}

static void test_hand_worked_check_chars(void **state)
{
	(void)state;
	/* 9*1 + 1*3 + 4*9 + 4*27 + 0*19 + 3*26 + 0*16 + 0*17 + 1*20 + 9*29
	 * + 2*25 + 2*13 + 0*8 + 3*24 + 8*10 + 2*30 + 1*28 = 831;
	 * 831 mod 31 = 25; 31 - 25 = 6. */
	assert_int_equal(credit_code_check_char("91440300192203821"), '6');
	/* M = 21, A = 10: 9 + 3 + 27 + 135 + 0 + 26 + 16 + 17 + 420 + 290
	 * + 75 + 0 + 0 + 0 + 0 + 60 + 224 = 1302 = 42 * 31, so the check
	 * value 31 is read as '0'. */
	assert_int_equal(credit_code_check_char("91350111MA3000028"), '0');
	assert_int_equal(credit_code_validate("91350111MA30000280"), 0);
	/* One less in the sum mod 31 gives value 30, the last character. */
	assert_int_equal(credit_code_check_char("91350111MA3000018"), 'Y');
	assert_int_equal(credit_code_validate("91350111MA3000018Y"), 0);
}

/* A code built from any valid prefix with its computed check character is
 * valid, and every other final character is rejected. */
static void test_computed_codes_round_trip(void **state)
{
	(void)state;
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char code[19];
	memcpy(code, "9135010000000000", 16);
	for (size_t i = 0; i < 31; i++) {
		code[16] = set[i];
		code[17] = credit_code_check_char(code);
		code[18] = '\0';
		assert_int_equal(credit_code_validate(code), 0);
		char right = code[17];
		for (size_t j = 0; j < 31; j++) {
			code[17] = set[j];
			assert_int_equal(credit_code_validate(code), set[j] == right ? 0 : CREDIT_CODE_ERR_CHECK);
		}
	}
}

static void test_length(void **state)
{
	(void)state;
	assert_int_equal(credit_code_validate(NULL), CREDIT_CODE_ERR_LENGTH);
	assert_int_equal(credit_code_validate(""), CREDIT_CODE_ERR_LENGTH);
	assert_int_equal(credit_code_validate("91440300192203821"), CREDIT_CODE_ERR_LENGTH);
	assert_int_equal(credit_code_validate("9144030019220382160"), CREDIT_CODE_ERR_LENGTH);
}

static void test_characters(void **state)
{
	(void)state;
	/* Lower case, the excluded letters I O Z S V, and a space. */
	assert_int_equal(credit_code_validate("91440300708461136t"), CREDIT_CODE_ERR_CHAR);
	assert_int_equal(credit_code_validate("91440300708461136I"), CREDIT_CODE_ERR_CHAR);
	assert_int_equal(credit_code_validate("9144030070846113O6"), CREDIT_CODE_ERR_CHAR);
	assert_int_equal(credit_code_validate("Z14403001922038216"), CREDIT_CODE_ERR_CHAR);
	assert_int_equal(credit_code_validate("9S4403001922038216"), CREDIT_CODE_ERR_CHAR);
	assert_int_equal(credit_code_validate("914403001922V38216"), CREDIT_CODE_ERR_CHAR);
	assert_int_equal(credit_code_validate("91440300 922038216"), CREDIT_CODE_ERR_CHAR);
	assert_int_equal(credit_code_check_char("9144030019220382a"), 0);
	assert_int_equal(credit_code_check_char("9144030019220382O"), 0);
	assert_int_equal(credit_code_check_char("91440300\0"
	                                        "19220382"),
	                 0);
}

static void test_division(void **state)
{
	(void)state;
	/* Letters are allowed elsewhere but not in characters 3-8. */
	char code[19] = "9144A3001922038216";
	code[17] = credit_code_check_char(code);
	assert_int_equal(credit_code_validate(code), CREDIT_CODE_ERR_DIVISION);
	memcpy(code, "9144030B1922038216", 18);
	code[17] = credit_code_check_char(code);
	assert_int_equal(credit_code_validate(code), CREDIT_CODE_ERR_DIVISION);
}

static void test_check_character(void **state)
{
	(void)state;
	assert_int_equal(credit_code_validate("914403001922038217"), CREDIT_CODE_ERR_CHECK);
	/* Two characters swapped. */
	assert_int_equal(credit_code_validate("914403001922038126"), CREDIT_CODE_ERR_CHECK);
}

static void test_messages(void **state)
{
	(void)state;
	assert_string_equal(credit_code_strerror(CREDIT_CODE_ERR_CHECK),
	                    "统一社会信用代码校验位错误 (check character wrong)");
	static const int errs[] = {CREDIT_CODE_ERR_LENGTH, CREDIT_CODE_ERR_CHAR, CREDIT_CODE_ERR_DIVISION,
	                           CREDIT_CODE_ERR_CHECK};
	for (size_t i = 0; i < 4; i++) {
		const char *msg = credit_code_strerror(errs[i]);
		/* Chinese first, then English in brackets; all distinct. */
		assert_memory_equal(msg, "统一社会信用代码", strlen("统一社会信用代码"));
		assert_non_null(strstr(msg, " ("));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(msg, credit_code_strerror(errs[j]));
	}
	const char *unknown = credit_code_strerror(-12345);
	assert_memory_equal(unknown, "统一社会信用代码", strlen("统一社会信用代码"));
	for (size_t j = 0; j < 4; j++)
		assert_string_not_equal(unknown, credit_code_strerror(errs[j]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_published_codes_are_valid),
	    cmocka_unit_test(test_hand_worked_check_chars),
	    cmocka_unit_test(test_computed_codes_round_trip),
	    cmocka_unit_test(test_length),
	    cmocka_unit_test(test_characters),
	    cmocka_unit_test(test_division),
	    cmocka_unit_test(test_check_character),
	    cmocka_unit_test(test_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
