/*
** fuzz_refunds.c - the unemployment-insurance rolls' CSV (refund_rolls_start(),
** refund_rolls_next()).  Whatever the input, the reader gives lines that hold
** what the policy year allows (valid credit codes, months of the year,
** non-negative amounts), in the order of the input, until it ends or refuses
** a line of the input, naming it; and it reads the same streamed from a file
** through a small buffer as from memory.
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "fuzz.h"
#include "refunds/refunds.h"

/* Districts: "350111" is known, "350112" outside the area, anything else unknown. */
static int64_t districts(void *ctx, const char *code)
{
	(void)ctx;
	return strcmp(code, "350111") == 0 ? 11 : strcmp(code, "350112") == 0 ? -1 : 0;
}

/* Check every line read; the line refused (0: none), -1 when the buffer was too small for a line. */
static int read_all(const uint8_t *data, size_t size, size_t cap, struct arena *a)
{
	struct rolls_reader r = {0};
	char buf[1024];
	FILE *file = NULL;
	if (cap) {
		file = fmemopen((void *)data, size, "r");
		if (!file)
			return -2;
		csv_init_file(&r.csv, file, buf, cap, NULL, NULL);
	} else {
		csv_init(&r.csv, (const char *)data, size);
	}
	int got = refund_rolls_start(&r, a, 2020, districts, NULL), last = 1;
	struct roll_line l;
	while (got == 0 && (got = refund_rolls_next(&r, a, &l)) == 1) {
		assert(credit_code_validate(l.credit_code) == 0);
		assert(l.month / 100 == 2020 && l.month % 100 >= 1 && l.month % 100 <= 12);
		assert(l.insured >= 0 && l.premiums_fen >= 0 && l.arrears_fen >= 0);
		assert(l.district_id == 11 && l.size < SIZE_COUNT);
		assert(l.line >= last); /* a lone CR ends a record, not a line */
		last = l.line;
		arena_reset(a);
		got = 0;
	}
	if (file)
		fclose(file);
	if (got < 0)
		assert(r.why && r.line >= 1 && (size_t)r.line <= size + 1);
	return got < 0 ? (strstr(r.why, "line too long") ? -1 : r.line) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	int in_memory = read_all(data, size, 0, a), streamed = read_all(data, size, 1024, a);
	assert(streamed == in_memory || streamed == -1 || streamed == -2);
	arena_free(a);
	return 0;
}
