/*
** test_csv.c - the CSV reader as Excel and people write CSV files.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Every record of text, fields joined by '|' and records by '\n', read from memory or streamed through cap bytes. */
static void records(const char *text, size_t cap, char *out, size_t out_len, int *ret_last)
{
	struct arena *a = arena_new();
	struct csv_reader c;
	char buf[256], *f[8];
	FILE *file = NULL;
	int n, got;
	/* The text exactly, without its NUL: the sanitizers see a byte read past its end. */
	char *exact = malloc(strlen(text));
	memcpy(exact, text, strlen(text));
	if (cap) {
		file = fmemopen(exact, strlen(text), "r");
		csv_init_file(&c, file, buf, cap, NULL, NULL);
	} else {
		csv_init(&c, exact, strlen(text));
	}
	*out = 0;
	while ((got = csv_read(&c, a, f, 8, &n)) == 1) {
		size_t len = strlen(out);
		snprintf(out + len, out_len - len, "%d:", c.record_line);
		for (int i = 0; i < n; i++) {
			len = strlen(out);
			snprintf(out + len, out_len - len, "%s%s", i ? "|" : "", f[i]);
		}
		len = strlen(out);
		snprintf(out + len, out_len - len, "\n");
	}
	*ret_last = got == 0 ? 0 : c.record_line * 1000 - got;
	if (file)
		fclose(file);
	free(exact);
	arena_free(a);
}

static void test_a_file_streamed_through_a_small_buffer_reads_as_from_memory(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    "\xEF\xBB\xBF" "code,name\r\n350111,\"晋安区, \"\"东区\"\"\"\r\n\r\n350112,\"长乐\r\n区\"\r\nlast,line",
	    "a,b,c\n\n\n\"x\ny\",,\"\"\n1,2,3\r\n",
	    "ok,1\n\"unterminated,2\n3,4\n",
	    "ok,1\n\"x\"junk,2\n",
	    "a,b,\n1,2,",
	};
	for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
		char want[2048], got[2048];
		int want_last, got_last;
		records(texts[t], 0, want, sizeof want, &want_last);
		/* Every buffer size from one that holds the longest record: the records cross its edges everywhere. */
		for (size_t cap = 40; cap <= 256; cap++) {
			records(texts[t], cap, got, sizeof got, &got_last);
			assert_string_equal(got, want);
			assert_int_equal(got_last, want_last);
		}
	}
}

static void seen(void *ctx, const char *bytes, size_t len)
{
	strncat(ctx, bytes, len);
}

static void test_a_stream_shows_every_byte_once_and_refuses_a_record_longer_than_its_buffer(void **state)
{
	(void)state;
	const char text[] = "\xEF\xBB\xBF" "a,b\n0123456789012345678901234567890123456789,x\nc,d\n";
	char bytes[256] = "", buf[16], *f[4];
	FILE *file = fmemopen((void *)text, sizeof text - 1, "r");
	struct arena *a = arena_new();
	struct csv_reader c;
	int n;
	csv_init_file(&c, file, buf, sizeof buf, seen, bytes);
	assert_int_equal(csv_read(&c, a, f, 4, &n), 1);
	assert_string_equal(f[0], "a");
	assert_int_equal(csv_read(&c, a, f, 4, &n), -ENOBUFS);
	assert_int_equal(c.record_line, 2);
	fclose(file);
	/* A buffer that holds it: the whole file is seen, the byte-order mark too. */
	char big[64];
	bytes[0] = 0;
	file = fmemopen((void *)text, sizeof text - 1, "r");
	csv_init_file(&c, file, big, sizeof big, seen, bytes);
	while (csv_read(&c, a, f, 4, &n) == 1)
		;
	assert_string_equal(bytes, text);
	fclose(file);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_excel_style_file),
	    cmocka_unit_test(test_empty_fields_and_no_final_newline),
	    cmocka_unit_test(test_errors_name_the_line),
	    cmocka_unit_test(test_a_file_streamed_through_a_small_buffer_reads_as_from_memory),
	    cmocka_unit_test(test_a_stream_shows_every_byte_once_and_refuses_a_record_longer_than_its_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
