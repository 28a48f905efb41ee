/*
** What the files of src/refunds/ share beyond refunds.h: the imports and
** the policies' writes of refunds.c, which the demo data (demo.c) uses
** through the same path as the routes and the command.
*/
#ifndef BANYAN_REFUNDS_INTERNAL_H
#define BANYAN_REFUNDS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "refunds/refunds.h"

/* Where an import happens: its database, its arena, who and in which area. */
struct import_place {
	struct db *db;
	struct arena *arena;
	struct audit_context ctx;
	int64_t area_org_id;
	const char *area; /* path */
};

struct import_result {
	int64_t id, rows, enterprises;
	bool already; /* the same file was imported before: nothing changed */
	int line;     /* the first bad line, when refused (0: not a line's fault) */
	const char *why;
};

/* Import the rolls of policy year `year`, or a list ("default", "difficulty"): see refunds.c. */
int rolls_import(const struct import_place *at, int year, const char *csv, size_t len, struct import_result *ret);
int list_import(const struct import_place *at, const char *list, const char *csv, size_t len,
                struct import_result *ret);

/* A policy at one of its versions, its rules read. */
struct policy {
	int64_t id, version_id;
	int version;
	const char *code, *name, *org_path;
	struct refund_policy rules;
};

/*
** The policy `id` (or, with id 0, the one whose code is `code`) at version
** `version` (0: the latest), its strings in a: 0, DB_DONE when there is no
** such policy or version, or a database error.
*/
int policy_load(struct db *d, struct arena *a, int64_t id, const char *code, int version, struct policy *ret);

/*
** Run policy p: a batch (第N批) deciding every enterprise on the rolls in the
** policy's area not yet decided under it, by ctx's actor, in one transaction
** that the caller ends (db_commit or db_rollback): all the batch or none of
** it.  *ret_answer: the batch's totals (as POST .../batches answers), also audited.
*/
int batch_run(struct db *d, const struct audit_context *ctx, struct policy *p, json_t **ret_answer);

/* Create a policy of the area at org_path with its version 1, inside the caller's transaction. */
int policy_insert(struct db *d, const struct audit_context *ctx, const char *code, const char *name,
                  const char *org_path, const char *rules, const char *note, int64_t *ret_id);

#endif
