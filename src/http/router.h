/*
** Matching a request path against the route table's patterns.
** A pattern is a path whose segments are literals or "{name}" parameters;
** a parameter matches one non-empty segment.
*/
#ifndef BANYAN_HTTP_ROUTER_H
#define BANYAN_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/index.h"

struct arena;

struct route_match {
	const struct route_def *route; /* NULL: no route for this method and path */
	bool path_known;               /* some route has this path, with another method (405) */
	char allow[64];                /* the methods that path does allow, "GET, POST" */
	int n_params;
	const char *names[8];
	const char *values[8];
};

/* Match against routes[0..n); parameter strings are copied into a. Returns 0 or -ENOMEM. */
int router_match(const struct route_def *routes, size_t n, const char *method, const char *path, struct arena *a,
                 struct route_match *ret);

#endif
