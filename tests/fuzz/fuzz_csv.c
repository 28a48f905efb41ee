/*
** fuzz_csv.c - the CSV reader (organisation imports; later insurance records).
** Every record read must hold between 1 and max fields, and the reader must
** always make progress or stop.
*/
#include <assert.h>
#include <string.h>

#include "core/arena.h"
#include "core/csv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct csv_reader c;
	char *fields[16];
	int n, r, records = 0;
	csv_init(&c, (const char *)data, size);
	while ((r = csv_read(&c, a, fields, 16, &n)) == 1) {
		assert(n >= 1 && n <= 16);
		for (int i = 0; i < n; i++)
			assert(strlen(fields[i]) <= size);
		assert(++records <= (int)size + 1);
	}
	arena_free(a);
	return 0;
}
