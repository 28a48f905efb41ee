/*
** Lookup in the table of embedded files (see tools/mkembed.c).
*/
#include "core/builtin.h"

#include <stdlib.h>
#include <string.h>

static int compare_name(const void *key, const void *item)
{
	return strcmp(key, ((const struct builtin_file *)item)->name);
}

const struct builtin_file *builtin_find(const char *name)
{
	return bsearch(name, builtin_files, builtin_count, sizeof builtin_files[0], compare_name);
}

size_t builtin_prefix_range(const char *prefix, size_t *ret_end)
{
	size_t n = strlen(prefix), first = builtin_count, end = builtin_count;
	for (size_t i = 0; i < builtin_count; i++) {
		if (strncmp(builtin_files[i].name, prefix, n) == 0) {
			if (first == builtin_count)
				first = i;
			end = i + 1;
		}
	}
	*ret_end = end;
	return first;
}
