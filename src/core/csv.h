/*
** CSV reader (RFC 4180 as Excel writes it): quoted fields with "" escapes,
** CRLF or LF line ends, an optional UTF-8 byte-order mark at the start.
** Reads from a buffer in memory; field strings are copied into an arena.
*/
#ifndef BANYAN_CORE_CSV_H
#define BANYAN_CORE_CSV_H

#include <stddef.h>

struct arena;

struct csv_reader {
	const char *p, *end;
	int line;        /* 1-based line where the next record starts */
	int record_line; /* the line where the record just read (or refused) starts */
};

void csv_init(struct csv_reader *c, const char *data, size_t len);

/*
** Read the next record into fields[0..*ret_n).  Returns 1 for a record, 0 at
** end of input, -EINVAL for an unterminated quote or junk after a closing
** quote, -E2BIG for more than max_fields fields, -ENOMEM.  On error c->line is
** the line of the bad record.  Blank lines are skipped.
*/
int csv_read(struct csv_reader *c, struct arena *a, char **fields, int max_fields, int *ret_n);

#endif
