/*
** fuzz_codes.c - the small parsers of typed-in values: unified social credit
** codes, investment project codes, dates and times, amounts of money.
** What parses must print back to something that parses to the same value.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/credit_code.h"
#include "core/money.h"
#include "core/project_code.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;

	if (credit_code_validate(s) == 0)
		assert(strlen(s) == 18 && credit_code_check_char(s) == s[17]);

	struct project_code pc;
	if (project_code_parse(s, &pc) == 0) {
		assert(pc.year >= 2000 && pc.year <= 2099 && strlen(pc.division) == 6);
		/* A known division has a name, and a project in it may carry the code. */
		const char *name = division_name(pc.division);
		assert(!name || (*name && project_code_division_fits(pc.division, pc.division, NULL, false)));
	}
	/* Any text looks up without harm; only six digits can name a division. */
	assert(!division_name(s) || (strlen(s) == 6 && strspn(s, "0123456789") == 6));

	int64_t t, t2;
	char text[32];
	if (clock_parse_iso(s, &t) == 0 && clock_format_iso(t, text) > 0) {
		assert(clock_parse_iso(text, &t2) == 0);
		assert(t == t2);
	}
	int32_t day, day2;
	if (clock_parse_date(s, &day) == 0 && clock_format_date(day, text) > 0) {
		assert(clock_parse_date(text, &day2) == 0);
		assert(day == day2);
	}

	int64_t fen;
	char money[64];
	if (money_parse_yuan(s, &fen) == 0)
		assert(money_format(fen, MONEY_YUAN, money, sizeof money) > 0);
	free(s);
	return 0;
}
