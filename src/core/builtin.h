/*
** Files embedded into the binary at build time by tools/mkembed.c:
** migrations, reference data (organisations, holidays) and later the console.
*/
#ifndef BANYAN_CORE_BUILTIN_H
#define BANYAN_CORE_BUILTIN_H

#include <stddef.h>

struct builtin_file {
	const char *name; /* path relative to the source root */
	const char *data; /* NUL-terminated for convenience; len excludes the NUL */
	size_t len;
};

extern const struct builtin_file builtin_files[]; /* sorted by name */
extern const size_t builtin_count;

/* Return the embedded file called name, or NULL. */
const struct builtin_file *builtin_find(const char *name);

/*
** Return the index of the first embedded file whose name starts with prefix,
** and set *ret_end to one past the last; files in [index, *ret_end) are in
** name order.  Returns builtin_count (and *ret_end == builtin_count) if none.
*/
size_t builtin_prefix_range(const char *prefix, size_t *ret_end);

#endif
