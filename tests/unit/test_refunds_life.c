/*
** test_refunds_life.c - src/refunds/lifecycle.c by hand: the publicity window
** on the working-day calendar (over a weekend, over National Day and its
** make-up Saturday), the window's ends, the states' words, 元 as the bank's
** files write them, and the bank's return file refused line by line.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "refunds/life.h"

static void window_from(int y, int m, int d, int days, const char *start, const char *end)
{
	char s[11], e[11];
	calendar_publicity_window(calendar_china(), clock_days_from_civil(y, m, d), days, s, e);
	assert_string_equal(s, start);
	assert_string_equal(e, end);
}

static void test_publicity_window(void **state)
{
	(void)state;
	/* Tuesday: from Wednesday, five working days over a weekend. */
	window_from(2020, 9, 1, 5, "2020-09-02", "2020-09-08");
	/* Friday: from Monday. */
	window_from(2020, 9, 4, 1, "2020-09-07", "2020-09-07");
	/* Wednesday 30 September: 1-8 October are off, Friday the 9th and Saturday the 10th are worked. */
	window_from(2020, 9, 30, 3, "2020-10-09", "2020-10-12");
	/* Saturday 26 September: Sunday the 27th is a make-up working day. */
	window_from(2020, 9, 26, 2, "2020-09-27", "2020-09-28");
}

static void test_window_ends_are_inside(void **state)
{
	(void)state;
	assert_false(calendar_window_open("2020-09-02", "2020-09-08", "2020-09-01"));
	assert_true(calendar_window_open("2020-09-02", "2020-09-08", "2020-09-02"));
	assert_true(calendar_window_open("2020-09-02", "2020-09-08", "2020-09-08"));
	assert_false(calendar_window_open("2020-09-02", "2020-09-08", "2020-09-09"));
	assert_false(calendar_window_open(NULL, NULL, "2020-09-03"));
}

static void test_words(void **state)
{
	(void)state;
	assert_string_equal(refund_decision_label("decided", false), "已决定");
	assert_string_equal(refund_decision_label("decided", true), "公示中");
	assert_string_equal(refund_decision_label("withdrawn", true), "已撤销");
	assert_string_equal(refund_decision_label("failed", false), "支付失败");
	assert_string_equal(refund_decision_label("written_off", false), "已核销");
	assert_string_equal(refund_batch_label("closed"), "公示结束");
	assert_string_equal(refund_batch_label("settled"), "已结清");
	char yuan[32];
	refund_yuan(6173, yuan);
	assert_string_equal(yuan, "61.73");
	refund_yuan(5, yuan);
	assert_string_equal(yuan, "0.05");
	refund_yuan(50000, yuan);
	assert_string_equal(yuan, "500.00");
	refund_yuan(116600000000LL, yuan);
	assert_string_equal(yuan, "1166000000.00");
}

static int parse(const char *csv, size_t *n, struct refund_return_line **lines, int *line)
{
	static struct arena *a;
	if (!a)
		a = arena_new();
	const char *why = NULL;
	*line = 0;
	int rc = refund_returns_parse(a, csv, strlen(csv), lines, n, line, &why);
	if (rc < 0)
		assert_non_null(why);
	return rc;
}

static void test_return_file(void **state)
{
	(void)state;
	size_t n;
	struct refund_return_line *l;
	int line;
	assert_int_equal(parse("参考号,结果\nWG1-1,成功\n", &n, &l, &line), -EINVAL);
	assert_int_equal(line, 1);
	assert_int_equal(parse("参考号,结果,银行说明\nWG1-1,成功,\nWG1-2,退回,户名不符\n", &n, &l, &line), -EINVAL);
	assert_int_equal(line, 3);
	assert_int_equal(parse("参考号,结果,银行说明\nWG1-1,失败,\n", &n, &l, &line),
	                 -EINVAL); /* a failure needs words */
	assert_int_equal(line, 2);
	assert_int_equal(parse("参考号,结果,银行说明\n,成功,\n", &n, &l, &line), -EINVAL);
	assert_int_equal(parse("参考号,结果,银行说明\nWG1-1,成功\n", &n, &l, &line), -EINVAL);
	assert_int_equal(parse("参考号,结果,银行说明\n", &n, &l, &line), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
	    parse("参考号,结果,银行说明\nWG1-1,成功,\n\nWG1-2,失败,\"账户已销户,请核实\"\n", &n, &l, &line), 0);
	assert_int_equal(n, 2);
	assert_true(l[0].paid);
	assert_string_equal(l[0].reference, "WG1-1");
	assert_false(l[1].paid);
	assert_string_equal(l[1].reason, "账户已销户,请核实");
	assert_int_equal(l[1].line, 4);
	/* More lines than the first allocation holds. */
	char big[200 * 16 + 64] = "参考号,结果,银行说明\n";
	for (int i = 0; i < 200; i++)
		strcat(big, "WG9-1,成功,\n");
	assert_int_equal(parse(big, &n, &l, &line), 0);
	assert_int_equal(n, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_publicity_window),
	    cmocka_unit_test(test_window_ends_are_inside),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_return_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
