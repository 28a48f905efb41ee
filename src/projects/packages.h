/*
** Projects after completion: packages (项目包) of parts with a rolled-up
** progress and an operation licence (packages.c), and their operation and
** maintenance: a regime of checks, inspections with findings and photos,
** defects raised to the owner until fixed (maintenance.c).
*/
#ifndef BANYAN_PROJECTS_PACKAGES_H
#define BANYAN_PROJECTS_PACKAGES_H

#include <stdint.h>

#include "http/http.h"

/* A package as its handlers need it, loaded for a caller who may see it. */
struct package {
	int64_t id;
	const char *code, *name, *stage, *district_path;
};

/*
** Load the package of the route's {id} for a caller who may see it: staff
** and leaders whose area holds its district, the owner's enterprise users.
** Anything else is 404, as if it did not exist.  Answers and returns false.
*/
bool package_from_route(struct request *r, struct package *ret);

/* Write an audit record about a package (object_type "package" unless given) in the caller's transaction. */
int package_audit(struct request *r, const struct package *k, const char *action, const char *object_type,
                  int64_t object_id, json_t *detail);

/* Put a package's regime, latest inspections and defects into out (maintenance.c); 0 or a db error. */
int package_upkeep_into(struct request *r, json_t *out, int64_t id);

/* The demo's six water-system packages, Jin'an East's 29 rivers in operation (cmd_demo). */
int packages_demo(const char *db_path);

#endif /* BANYAN_PROJECTS_PACKAGES_H */
