/*
** CSV reader (RFC 4180 as Excel writes it): quoted fields with "" escapes,
** CRLF or LF line ends, an optional UTF-8 byte-order mark at the start.
** Reads from a buffer in memory, or streams a file through a buffer the
** caller gives (csv_init_file): memory bounded by that buffer, whatever the
** file's size.  Field strings are copied into an arena.
*/
#ifndef BANYAN_CORE_CSV_H
#define BANYAN_CORE_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct arena;

struct csv_reader {
	const char *p, *end;
	int line;        /* 1-based line where the next record starts */
	int record_line; /* the line where the record just read (or refused) starts */
	/* Streaming (csv_init_file): the file, the buffer it is read through, and who sees each byte read. */
	FILE *file;
	char *buf;
	size_t cap;
	bool eof;
	void (*seen)(void *ctx, const char *bytes, size_t len);
	void *seen_ctx;
};

void csv_init(struct csv_reader *c, const char *data, size_t len);

/*
** Read file through buf (cap bytes: the longest record it can hold), calling
** seen(seen_ctx, ...) on every byte read once, in order (seen may be NULL):
** to hash the file as it streams.  csv_read() then refills the buffer as it
** goes and answers as for memory; a record longer than the buffer is -ENOBUFS
** and a read error -EIO.
*/
void csv_init_file(struct csv_reader *c, FILE *file, char *buf, size_t cap,
                   void (*seen)(void *ctx, const char *bytes, size_t len), void *seen_ctx);

/*
** Read the next record into fields[0..*ret_n).  Returns 1 for a record, 0 at
** end of input, -EINVAL for an unterminated quote or junk after a closing
** quote, -E2BIG for more than max_fields fields, -ENOMEM.  On error c->line is
** the line of the bad record.  Blank lines are skipped.
*/
int csv_read(struct csv_reader *c, struct arena *a, char **fields, int max_fields, int *ret_n);

#endif
