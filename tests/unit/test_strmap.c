/*
** strmap: every key keeps its value while the map grows a little at a time,
** including values written through a returned slot while both tables live.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/strmap.h"

static size_t key_of(char *buf, int i)
{
	return (size_t)snprintf(buf, 32, "2088%012d", i);
}

/* A million keys, read back after every growth step, each with its own value. */
static void test_values_survive_growth(void **state)
{
	(void)state;
	struct strmap *m = strmap_new();
	assert_non_null(m);
	enum { N = 1000000 };
	char key[32];
	for (int i = 0; i < N; i++) {
		bool created;
		size_t n = key_of(key, i);
		uintptr_t *v = strmap_put(m, key, n, &created);
		assert_non_null(v);
		assert_true(created);
		*v = (uintptr_t)i + 1;
		/* An earlier key, read while the old table is being emptied. */
		if (i > 0) {
			n = key_of(key, i / 2);
			uintptr_t *w = strmap_get(m, key, n);
			assert_non_null(w);
			assert_int_equal(*w, (uintptr_t)(i / 2) + 1);
		}
	}
	assert_int_equal(strmap_count(m), N);
	for (int i = 0; i < N; i++) {
		size_t n = key_of(key, i);
		uintptr_t *v = strmap_get(m, key, n);
		assert_non_null(v);
		assert_int_equal(*v, (uintptr_t)i + 1);
	}
	assert_null(strmap_get(m, "absent", 6));
	strmap_free(m);
}

/* Putting a key again finds it (in either table) instead of adding it, and
** a value changed through that slot is the one read later. */
static void test_updates_during_growth(void **state)
{
	(void)state;
	struct strmap *m = strmap_new();
	char key[32];
	bool created;
	for (int i = 0; i < 300000; i++) {
		size_t n = key_of(key, i);
		*strmap_put(m, key, n, &created) = 1;
		n = key_of(key, i / 3);
		uintptr_t *v = strmap_put(m, key, n, &created);
		assert_false(created && i / 3 != i);
		(*v)++;
	}
	assert_int_equal(strmap_count(m), 300000);
	/* Key k was put once (value 1) and then incremented for i = 3k, 3k+1, 3k+2 (those below 300000). */
	for (int k = 0; k < 100000; k++) {
		size_t n = key_of(key, k);
		assert_int_equal(*strmap_get(m, key, n), 4);
	}
	strmap_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_survive_growth),
	    cmocka_unit_test(test_updates_during_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
