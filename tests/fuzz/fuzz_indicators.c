/*
** fuzz_indicators.c - the indicators' parsers of typed-in and imported
** values: periods (YYYY-MM) and exact decimals at every precision.  What
** parses must print back to something that parses to the same value.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "indicators/indicators.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;

	int year, month;
	if (ind_period_parse(s, &year, &month) == 0) {
		char back[16];
		snprintf(back, sizeof back, "%04d-%02d", year, month);
		assert(strcmp(back, s) == 0);
	}
	for (int decimals = 0; decimals <= 4; decimals++) {
		int64_t v, again;
		char text[40];
		if (ind_decimal_parse(s, decimals, &v) != 0)
			continue;
		ind_decimal_format(v, decimals, text, sizeof text);
		assert(ind_decimal_parse(text, decimals, &again) == 0 && again == v);
	}
	free(s);
	return 0;
}
