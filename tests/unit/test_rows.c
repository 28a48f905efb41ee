/*
** test_rows.c - row_as_json(): a row read by its columns' names, on a real SQLite file.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "http/http.h"

static char dir[] = "/tmp/banyan-test-rows-XXXXXX";

/* A fresh database file, removed by teardown. */
static struct db *open_db(void)
{
	char path[64];
	strcpy(dir, "/tmp/banyan-test-rows-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	struct db *d;
	assert_int_equal(db_open(path, &d), 0);
	return d;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

/* The one row of sql, as row_as_json makes it. */
static json_t *row_of(const char *sql)
{
	struct db *d = open_db();
	struct db_stmt *s;
	assert_int_equal(db_prepare(d, &s, sql, NULL), 0);
	assert_int_equal(db_step(s), DB_ROW);
	json_t *row = row_as_json(s);
	db_finalize(s);
	db_close(d);
	assert_int_equal(teardown(NULL), 0);
	return row;
}

static void assert_json(json_t *got, const char *want)
{
	json_t *expected = json_loads(want, 0, NULL);
	assert_non_null(expected);
	if (!json_equal(got, expected)) {
		char *text = json_dumps(got, JSON_SORT_KEYS);
		fail_msg("got %s, want %s", text, want);
	}
	json_decref(expected);
	json_decref(got);
}

static void test_types_follow_the_values(void **state)
{
	(void)state;
	assert_json(row_of("SELECT 7 AS id, '福州' AS name, 1.5 AS ratio, NULL AS note"),
	            "{\"id\":7, \"name\":\"福州\", \"ratio\":1.5, \"note\":null}");
}

static void test_dotted_aliases_nest(void **state)
{
	(void)state;
	assert_json(row_of("SELECT 3 AS \"enterprise.id\", 'A' AS \"enterprise.name\", 'x' AS \"a.b.c\", 1 AS id"),
	            "{\"enterprise\":{\"id\":3, \"name\":\"A\"}, \"a\":{\"b\":{\"c\":\"x\"}}, \"id\":1}");
}

static void test_kinds(void **state)
{
	(void)state;
	/* 2020-11-04 08:00 in Fuzhou is 00:00 UTC: 1604448000. */
	assert_json(row_of("SELECT 1 AS \"ok:bool\", 0 AS \"no:bool\", 1604448000 AS \"at:time\","
	                   " '{\"people\":30}' AS \"figures:json\", NULL AS \"due:time\""),
	            "{\"ok\":true, \"no\":false, \"at\":\"2020-11-04T08:00:00+08:00\", \"figures\":{\"people\":30},"
	            " \"due\":null}");
	/* Day 18570 after 1970-01-01 is 2020-11-04, the article's day. */
	assert_json(row_of("SELECT 18570 AS \"day:date\""), "{\"day\":\"2020-11-04\"}");
}

static void test_underscore_columns_are_the_codes_alone(void **state)
{
	(void)state;
	assert_json(row_of("SELECT 1 AS id, '350102' AS _path"), "{\"id\":1}");
}

static void test_column_index_by_name(void **state)
{
	(void)state;
	struct db *d = open_db();
	struct db_stmt *s;
	assert_int_equal(db_prepare(d, &s, "SELECT 1 AS id, 'p' AS _path, 2 AS \"a.b\"", NULL), 0);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_index(s, "_path"), 1);
	assert_int_equal(db_column_index(s, "a.b"), 2);
	assert_int_equal(db_column_index(s, "missing"), -1);
	assert_int_equal(db_named_int64(s, "a.b"), 2);
	assert_string_equal(db_named_text(s, "_path"), "p");
	assert_false(db_named_is_null(s, "id"));
	/* A name that is no column reads as NULL (and is logged: the programmer's mistake). */
	assert_true(db_named_is_null(s, "missing"));
	assert_null(db_named_text(s, "missing"));
	db_finalize(s);
	db_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types_follow_the_values),
	    cmocka_unit_test(test_dotted_aliases_nest),
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_underscore_columns_are_the_codes_alone),
	    cmocka_unit_test_teardown(test_column_index_by_name, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
