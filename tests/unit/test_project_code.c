/*
 * test_project_code.c - unit tests for src/core/project_code.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "core/project_code.h"

static void test_parse_parts(void **state)
{
	(void)state;
	struct project_code pc;
	assert_int_equal(project_code_parse("2020-350111-47-01-012345", &pc), 0);
	assert_int_equal(pc.year, 2020);
	assert_string_equal(pc.division, "350111");
	assert_string_equal(pc.industry, "47");
	assert_string_equal(pc.approval_type, "01");
	assert_string_equal(pc.serial, "012345");

	assert_int_equal(project_code_parse("2000-350100-01-03-000001", &pc), 0);
	assert_int_equal(pc.year, 2000);
	assert_int_equal(project_code_parse("2099-350181-97-02-999999", &pc), 0);
	assert_int_equal(pc.year, 2099);
	assert_string_equal(pc.division, "350181");
	assert_string_equal(pc.serial, "999999");
}

static void test_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "1999-350111-47-01-012345",  /* year before 2000 */
	    "2100-350111-47-01-012345",  /* year after 2099 */
	    "2020-35011-47-01-012345",   /* division too short */
	    "2020-3501110-47-01-012345", /* division too long */
	    "2020-350111-4-01-012345",
	    "2020-350111-47-1-012345",
	    "2020-350111-47-01-12345",   /* serial too short */
	    "2020-350111-47-01-0123456", /* trailing digit */
	    "2020-350111-47-01-012345 ", /* trailing space */
	    " 2020-350111-47-01-012345",
	    "2020/350111/47/01/012345",
	    "2020-350111-47-01-01234A",
	    "2020-35O111-47-01-012345", /* letter O */
	    "2020-350111-4701-012345-",
	    "2020",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct project_code pc;
		memset(&pc, 0x5a, sizeof(pc));
		struct project_code before = pc;
		if (project_code_parse(bad[i], &pc) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_memory_equal(&pc, &before, sizeof(pc));
	}
	struct project_code pc;
	assert_int_equal(project_code_parse(NULL, &pc), -EINVAL);
}

/* The divisions are GB/T 2260's, county level and above, all of China's: not a list of Fuzhou's. */
static void test_divisions_are_real(void **state)
{
	(void)state;
	assert_string_equal(division_name("350111"), "晋安区");
	assert_string_equal(division_name("350112"), "长乐区"); /* since 2017; 长乐市 was 350182 */
	assert_string_equal(division_name("350100"), "福州市");
	assert_string_equal(division_name("350000"), "福建省");
	assert_string_equal(division_name("110101"), "东城区");
	assert_string_equal(division_name("650000"), "新疆维吾尔自治区");
	assert_null(division_name("359999")); /* made up */
	assert_null(division_name("350182")); /* retired in 2017 */
	assert_null(division_name("000000"));
	assert_null(division_name("35011"));
	assert_null(division_name("3501111"));
	assert_null(division_name("code,n"));
	assert_null(division_name(""));
	assert_null(division_name(NULL));
}

static void test_division_fits_the_project(void **state)
{
	(void)state;
	assert_true(project_code_division_fits("350111", "350111", "350100", false));  /* its district */
	assert_true(project_code_division_fits("350100", "350111", "350100", false));  /* its city */
	assert_false(project_code_division_fits("350000", "350111", "350100", false)); /* the province: only ... */
	assert_true(project_code_division_fits("350000", "350111", "350100", true));   /* ... for a provincial one */
	assert_false(project_code_division_fits("350112", "350111", "350100", false)); /* real, another district */
	assert_false(project_code_division_fits("350112", "350111", "350100", true));
	assert_false(project_code_division_fits("440000", "350111", "350100", true)); /* another province */
	assert_false(project_code_division_fits("350200", "350111", "350100", true)); /* another city */
	assert_false(project_code_division_fits("350111", "350112", NULL, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_parts),
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_divisions_are_real),
	    cmocka_unit_test(test_division_fits_the_project),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
