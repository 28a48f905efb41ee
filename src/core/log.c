/*
** Log lines on stderr.  Each line is written with one fputs of a
** preformatted buffer so lines from different threads do not interleave.
*/
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#include "core/clock.h"

static atomic_int quiet_mode;

void log_set_quiet(int quiet)
{
	atomic_store(&quiet_mode, quiet);
}

static void log_write(const char *level, const char *fmt, va_list ap)
{
	char line[2048], when[32];
	clock_format_iso(clock_now(), when);
	int n = snprintf(line, sizeof line, "%s %s ", when, level);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	line[len] = '\n';
	line[len + 1] = 0;
	fputs(line, stderr);
}

void log_info(const char *fmt, ...)
{
	if (atomic_load(&quiet_mode))
		return;
	va_list ap;
	va_start(ap, fmt);
	log_write("INFO", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_write("ERROR", fmt, ap);
	va_end(ap);
}

void log_notice(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_write("NOTICE", fmt, ap);
	va_end(ap);
}
