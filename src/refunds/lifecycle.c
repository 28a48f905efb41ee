/*
** The pure part of a refund batch's life (no database, no HTTP), for the
** routes of publicity.c and payments.c and for the unit tests: the publicity
** window on the working-day calendar, the states' words, the bank's return
** file read, and money in 元 as the bank's files write it.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/csv.h"
#include "refunds/life.h"

const char *refund_batch_label(const char *state)
{
	static const char *const labels[][2] = {{"decided", "已决定"},  {"publicised", "公示中"},
	                                        {"closed", "公示结束"}, {"approved", "已审批"},
	                                        {"paying", "支付中"},   {"settled", "已结清"}};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i][0], state) == 0)
			return labels[i][1];
	return state;
}

const char *refund_decision_label(const char *state, bool in_window)
{
	static const char *const labels[][2] = {
	    {"decided", "已决定"},    {"withdrawn", "已撤销"}, {"approved", "已审批"},
	    {"sent", "已发送银行"},   {"paid", "已到账"},      {"failed", "支付失败"},
	    {"recovering", "追回中"}, {"recovered", "已追回"}, {"written_off", "已核销"}};
	if (in_window && strcmp(state, "decided") == 0)
		return "公示中";
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i][0], state) == 0)
			return labels[i][1];
	return state;
}

void refund_yuan(int64_t fen, char out[32])
{
	snprintf(out, 32, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

static const char *const returns_header[] = {"参考号", "结果", "银行说明"};

int refund_returns_parse(struct arena *a, const char *csv, size_t len, struct refund_return_line **ret, size_t *ret_n,
                         int *ret_line, const char **ret_why)
{
	struct csv_reader c;
	char *f[4];
	int n, got;
	size_t cap = 64, used = 0;
	struct refund_return_line *lines = arena_alloc(a, cap * sizeof *lines);
	if (!lines)
		return -ENOMEM;
	csv_init(&c, csv, len);
	if (csv_read(&c, a, f, 4, &n) != 1 || n != 3 || strcmp(f[0], returns_header[0]) ||
	    strcmp(f[1], returns_header[1]) || strcmp(f[2], returns_header[2])) {
		*ret_line = 1;
		*ret_why = "第 1 行应为表头 参考号,结果,银行说明 (line 1 must be the header)";
		return -EINVAL;
	}
	while ((got = csv_read(&c, a, f, 4, &n)) != 0) {
		*ret_line = c.record_line;
		if (got != 1 || n != 3 || !*f[0]) {
			*ret_why =
			    "每行应有参考号、结果和银行说明 (reference, result and the bank's words on each line)";
			return -EINVAL;
		}
		bool paid = strcmp(f[1], "成功") == 0;
		if (!paid && strcmp(f[1], "失败") != 0) {
			*ret_why = "结果应为 成功 或 失败 (result: 成功 or 失败)";
			return -EINVAL;
		}
		if (!paid && !*f[2]) {
			*ret_why = "失败的行须有银行说明 (a failed line needs the bank's reason)";
			return -EINVAL;
		}
		if (used == cap) {
			struct refund_return_line *grown = arena_alloc(a, 2 * cap * sizeof *lines);
			if (!grown)
				return -ENOMEM;
			memcpy(grown, lines, cap * sizeof *lines);
			lines = grown;
			cap *= 2;
		}
		lines[used++] =
		    (struct refund_return_line){.reference = f[0], .reason = f[2], .paid = paid, .line = c.record_line};
	}
	*ret = lines;
	*ret_n = used;
	return 0;
}
