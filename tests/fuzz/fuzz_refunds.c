/*
** fuzz_refunds.c - the unemployment-insurance rolls' CSV (refund_rolls_parse()).
** Whatever the input, the parser accepts it with lines that hold what the
** policy year allows (valid credit codes, months of the year, non-negative
** amounts, sorted, no (enterprise, month) twice), or refuses it naming a line
** of the input.
*/
#include <assert.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct roll_line *lines;
	size_t n;
	int line;
	const char *why;
	if (refund_rolls_parse(a, (const char *)data, size, 2020, districts, NULL, &lines, &n, &line, &why) == 0) {
		for (size_t i = 0; i < n; i++) {
			assert(credit_code_validate(lines[i].credit_code) == 0);
			assert(lines[i].month / 100 == 2020 && lines[i].month % 100 >= 1 && lines[i].month % 100 <= 12);
			assert(lines[i].insured >= 0 && lines[i].premiums_fen >= 0 && lines[i].arrears_fen >= 0);
			assert(lines[i].district_id == 11 && lines[i].size < SIZE_COUNT);
			int c = i ? strcmp(lines[i - 1].credit_code, lines[i].credit_code) : -1;
			assert(c < 0 || (c == 0 && lines[i - 1].month < lines[i].month));
		}
	} else {
		assert(why && line >= 0 && (size_t)line <= size + 1);
	}
	arena_free(a);
	return 0;
}
