/*
** fuzz_calendar.c - the holiday file parser, and working-day arithmetic on
** whatever calendar it accepts: adding n working days and counting them back
** must agree.
*/
#include <assert.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calendar *c;
	if (calendar_parse((const char *)data, size, &c, NULL) != 0)
		return 0;
	int32_t start = clock_days_from_civil(2020, 1, 1) + (size > 0 ? data[0] : 0);
	for (int n = 1; n <= 30; n += 7) {
		int32_t end = calendar_add_working_days(c, start, n);
		assert(calendar_working_days_between(c, start, end) == n);
		assert(calendar_is_working_day(c, end));
	}
	calendar_free(c);
	return 0;
}
