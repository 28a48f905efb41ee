/*
** Logging for the top level (server, subcommands): one line per event on
** stderr, "2020-03-05T10:00:00+08:00 LEVEL message".  Library code returns
** errors and lets its caller decide what to say.
*/
#ifndef BANYAN_CORE_LOG_H
#define BANYAN_CORE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Not an error, but for the operator even under --quiet: a stall, a summary at stop. */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Suppress info lines (benchmarks, quiet tests); errors are always written. */
void log_set_quiet(int quiet);

#endif
