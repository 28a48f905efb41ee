/*
 * calendar_china.c - the built-in working-day calendar: the embedded holiday
 * file, parsed once per process.
 */
#include <pthread.h>

#include "core/builtin.h"
#include "core/calendar.h"

static struct calendar *china;
static pthread_once_t china_once = PTHREAD_ONCE_INIT;

static void china_load(void)
{
	const struct builtin_file *f = builtin_find("data/calendar/cn-holidays.txt");
	if (f)
		calendar_parse(f->data, f->len, &china, NULL);
}

const struct calendar *calendar_china(void)
{
	pthread_once(&china_once, china_load);
	return china;
}
