/*
** test_csv.c - the CSV reader as Excel and people write CSV files.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "core/arena.h"
#include "core/csv.h"

static void test_excel_style_file(void **state)
{
	(void)state;
	const char text[] = "\xEF\xBB\xBF"
	                    "code,name\r\n350111,\"晋安区, \"\"东区\"\"\"\r\n\r\n350112,\"长乐\r\n区\"\r\n";
	struct arena *a = arena_new();
	struct csv_reader c;
	char *f[4];
	int n;
	csv_init(&c, text, sizeof text - 1);
	assert_int_equal(csv_read(&c, a, f, 4, &n), 1);
	assert_int_equal(n, 2);
	assert_string_equal(f[0], "code");
	assert_int_equal(csv_read(&c, a, f, 4, &n), 1);
	assert_string_equal(f[0], "350111");
	assert_string_equal(f[1], "晋安区, \"东区\"");
	assert_int_equal(c.line, 3);
	assert_int_equal(csv_read(&c, a, f, 4, &n), 1);
	assert_string_equal(f[1], "长乐\r\n区");
	assert_int_equal(c.record_line, 4); /* the blank line 3 is not the record's */
	assert_int_equal(csv_read(&c, a, f, 4, &n), 0);
	arena_free(a);
}

static void test_empty_fields_and_no_final_newline(void **state)
{
	(void)state;
	const char text[] = "a,,c\n,,";
	struct arena *a = arena_new();
	struct csv_reader c;
	char *f[4];
	int n;
	csv_init(&c, text, sizeof text - 1);
	assert_int_equal(csv_read(&c, a, f, 4, &n), 1);
	assert_int_equal(n, 3);
	assert_string_equal(f[1], "");
	assert_int_equal(csv_read(&c, a, f, 4, &n), 1);
	assert_int_equal(n, 3);
	assert_string_equal(f[2], "");
	assert_int_equal(csv_read(&c, a, f, 4, &n), 0);
	arena_free(a);
}

static void test_errors_name_the_line(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct csv_reader c;
	char *f[2];
	int n;
	const char unterminated[] = "ok,ok\n\"never closed,x\n";
	csv_init(&c, unterminated, sizeof unterminated - 1);
	assert_int_equal(csv_read(&c, a, f, 2, &n), 1);
	assert_int_equal(csv_read(&c, a, f, 2, &n), -EINVAL);
	assert_int_equal(c.line, 2);
	const char junk[] = "\"a\"b,c\n";
	csv_init(&c, junk, sizeof junk - 1);
	assert_int_equal(csv_read(&c, a, f, 2, &n), -EINVAL);
	const char wide[] = "1,2,3\n";
	csv_init(&c, wide, sizeof wide - 1);
	assert_int_equal(csv_read(&c, a, f, 2, &n), -E2BIG);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_excel_style_file),
	    cmocka_unit_test(test_empty_fields_and_no_final_newline),
	    cmocka_unit_test(test_errors_name_the_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
