/*
** fuzz_router.c - matching request paths against the real route table.
** A match's parameters must be non-empty and contain no '/'.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/index.h"
#include "fuzz.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
	if (size < 1)
		return 0;
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = 0;
	struct arena *a = arena_new();
	struct route_match m;
	if (router_match(route_table, route_count, methods[data[0] % 6], path, a, &m) == 0 && m.route) {
		for (int i = 0; i < m.n_params; i++) {
			assert(m.values[i][0] != 0);
			assert(strchr(m.values[i], '/') == NULL);
		}
	}
	arena_free(a);
	free(path);
	return 0;
}
