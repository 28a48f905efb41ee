/*
** Route matching.  The table is small (tens to a few hundred routes) and
** matching a path is a few string compares per route, so a linear scan is
** simpler than a tree and fast enough.
*/
#include "http/router.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"

/* Match path against pattern; on success store parameters in m. */
static int match_one(const struct route_def *route, const char *path, size_t path_len, struct arena *a,
                     struct route_match *m, bool *ret_ok)
{
	int n = 0;
	const char *p = route->pattern, *s = path;
	*ret_ok = false;
	/* Most routes part from the path before their first parameter: compare
	** that literal head before splitting anything into segments. */
	if (route->head_len > path_len || memcmp(p, path, route->head_len) != 0)
		return 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
		if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || n == 8)
				return 0;
			m->names[n] = arena_strndup(a, p + 1, plen - 2);
			m->values[n] = arena_strndup(a, s, slen);
			if (!m->names[n] || !m->values[n])
				return -ENOMEM;
			n++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return 0;
		}
		p += plen;
		s += slen;
	}
	if (*p || *s)
		return 0;
	m->n_params = n;
	*ret_ok = true;
	return 0;
}

int router_match(const struct route_def *routes, size_t n, const char *method, const char *path, struct arena *a,
                 struct route_match *ret)
{
	memset(ret, 0, sizeof *ret);
	size_t path_len = strlen(path);
	for (size_t i = 0; i < n; i++) {
		bool ok;
		int r = match_one(&routes[i], path, path_len, a, ret, &ok);
		if (r < 0)
			return r;
		if (!ok)
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			ret->route = &routes[i];
			return 0;
		}
		ret->path_known = true;
		size_t used = strlen(ret->allow);
		snprintf(ret->allow + used, sizeof ret->allow - used, "%s%s", used ? ", " : "", routes[i].method);
	}
	ret->n_params = 0;
	return 0;
}
