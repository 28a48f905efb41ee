/*
** CSV reader.  A record is parsed in two passes over the same bytes: the
** first finds its end and field count, the second copies the fields, so no
** field is ever limited by a fixed buffer.
*/
#include "core/csv.h"

#include <errno.h>
#include <string.h>

#include "core/arena.h"

void csv_init(struct csv_reader *c, const char *data, size_t len)
{
	*c = (struct csv_reader){0};
	c->p = data;
	c->end = data + len;
	c->line = 1;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c->p += 3;
}

/* Parse one field starting at p; copy it to out (if not NULL).  Returns the
** position after the field or NULL on a quoting error. */
static const char *parse_field(struct csv_reader *c, const char *p, char *out, size_t *ret_len, int *lines)
{
	size_t n = 0;
	if (p < c->end && *p == '"') {
		p++;
		for (;;) {
			if (p >= c->end)
				return NULL;
			if (*p == '"') {
				if (p + 1 < c->end && p[1] == '"') {
					if (out)
						out[n] = '"';
					n++;
					p += 2;
					continue;
				}
				p++;
				break;
			}
			if (*p == '\n')
				(*lines)++;
			if (out)
				out[n] = *p;
			n++;
			p++;
		}
		if (p < c->end && *p != ',' && *p != '\n' && *p != '\r')
			return NULL;
	} else {
		while (p < c->end && *p != ',' && *p != '\n' && *p != '\r') {
			if (out)
				out[n] = *p;
			n++;
			p++;
		}
	}
	*ret_len = n;
	return p;
}

static int csv_read_buffered(struct csv_reader *c, struct arena *a, char **fields, int max_fields, int *ret_n)
{
	/* Skip blank lines. */
	while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
		if (*c->p == '\n')
			c->line++;
		c->p++;
	}
	c->record_line = c->line;
	if (c->p >= c->end)
		return 0;
	int n = 0, lines = 0;
	const char *p = c->p;
	for (;;) {
		size_t len;
		if (n == max_fields)
			return -E2BIG;
		const char *start = p;
		p = parse_field(c, start, NULL, &len, &lines);
		if (!p)
			return -EINVAL;
		char *copy = arena_alloc_raw(a, len + 1);
		if (!copy)
			return -ENOMEM;
		/* A field without quotes is its bytes as they are; a quoted one is read again to undo "". */
		int ignored = 0;
		if (start < c->end && *start == '"')
			parse_field(c, start, copy, &len, &ignored);
		else
			memcpy(copy, start, len);
		copy[len] = 0;
		fields[n++] = copy;
		if (p < c->end && *p == ',') {
			p++;
			continue;
		}
		break;
	}
	if (p < c->end && *p == '\r')
		p++;
	if (p < c->end && *p == '\n') {
		p++;
		lines++;
	}
	c->p = p;
	c->line += lines;
	*ret_n = n;
	return 1;
}

/*
** Move what is left to the buffer's start and read more after it: the bytes
** read, 0 at the end of the file (or when the buffer is full), -EIO.
*/
static int refill(struct csv_reader *c)
{
	size_t left = (size_t)(c->end - c->p);
	memmove(c->buf, c->p, left);
	size_t got = fread(c->buf + left, 1, c->cap - left, c->file);
	if (got < c->cap - left && ferror(c->file))
		return -EIO;
	if (got < c->cap - left)
		c->eof = true;
	if (got && c->seen)
		c->seen(c->seen_ctx, c->buf + left, got);
	c->p = c->buf;
	c->end = c->buf + left + got;
	return (int)got;
}

void csv_init_file(struct csv_reader *c, FILE *file, char *buf, size_t cap,
                   void (*seen)(void *ctx, const char *bytes, size_t len), void *seen_ctx)
{
	*c = (struct csv_reader){.p = buf, .end = buf, .line = 1, .file = file, .buf = buf, .cap = cap, .seen = seen,
	                         .seen_ctx = seen_ctx};
	if (refill(c) >= 3 && memcmp(c->p, "\xEF\xBB\xBF", 3) == 0)
		c->p += 3;
}

int csv_read(struct csv_reader *c, struct arena *a, char **fields, int max_fields, int *ret_n)
{
	for (;;) {
		const char *start = c->p;
		int line = c->line;
		int rc = csv_read_buffered(c, a, fields, max_fields, ret_n);
		/* A record that ended before the buffer's end is whole; at the buffer's end it may go on in the file. */
		if (!c->file || c->eof || (rc == 1 && c->p < c->end))
			return rc;
		c->p = start;
		c->line = line;
		int got = refill(c);
		if (got < 0)
			return got;
		if (got == 0 && !c->eof)
			return rc < 0 ? rc : -ENOBUFS; /* the buffer is full of this one record */
	}
}
