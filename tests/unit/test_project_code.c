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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_parts),
	    cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
