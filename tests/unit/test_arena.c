/*
** test_arena.c - the request arena: zeroed, aligned memory, strings, large blocks.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"

static void test_alloc_is_zeroed_and_aligned(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	for (int i = 1; i < 200; i++) {
		unsigned char *p = arena_alloc(a, (size_t)i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (int k = 0; k < i; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xAB, (size_t)i);
	}
	arena_free(a);
}

static void test_large_blocks_keep_small_space(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *small1 = arena_strdup(a, "榕城");
	char *big = arena_alloc(a, 1 << 20);
	char *small2 = arena_strdup(a, "福州");
	assert_non_null(big);
	memset(big, 'x', 1 << 20);
	assert_string_equal(small1, "榕城");
	assert_string_equal(small2, "福州");
	arena_free(a);
}

static void test_printf_and_strndup(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(arena_printf(a, "%s-%03d", "350111", 7), "350111-007");
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_null(arena_strdup(a, NULL));
	char long_text[20000];
	memset(long_text, 'y', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = 0;
	assert_string_equal(arena_printf(a, "%s", long_text), long_text);
	arena_free(a);
	arena_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alloc_is_zeroed_and_aligned),
	    cmocka_unit_test(test_large_blocks_keep_small_space),
	    cmocka_unit_test(test_printf_and_strndup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
