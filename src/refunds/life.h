/*
** The life of a refund batch after it is decided, shared by publicity.c
** (publicity, objections, approval), payments.c (the bank's files, re-sending,
** recoveries) and accounts.c (the enterprises' bank accounts).  The states
** are those of migration 0013; see docs/api.md.
*/
#ifndef BANYAN_REFUNDS_LIFE_H
#define BANYAN_REFUNDS_LIFE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "db/db.h"
#include "http/http.h"

struct audit_context;

/* A batch as the life routes see it. */
struct life_batch {
	int64_t id, policy_id, policy_version_id, number, run_by_id;
	const char *state, *policy_name, *policy_path, *run_by;
	const char *publicity_start, *publicity_end; /* "YYYY-MM-DD", or NULL before publicity */
};

/*
** The batch of the route's {param}, if its policy is on the caller's branch
** (else 404 unknown_batch), and with `write` inside the caller's area (else
** 403 out_of_scope).  Strings in r->arena.  Answers itself and returns false.
*/
bool life_batch_from_route(struct request *r, const char *param, bool write, struct life_batch *ret);
/* The same for batch id. */
bool life_batch_load(struct request *r, int64_t id, bool write, struct life_batch *ret);

/* Today in Shanghai as "YYYY-MM-DD" (the server's clock: BANYAN_CLOCK in tests). */
void life_today(char out[11]);

/* The batch's state as shown: "closed" for a publicised batch whose window is over. */
const char *life_batch_state(const struct life_batch *b, const char *today);

/* Is the batch's publicity window open today? */
bool life_in_window(const char *start, const char *end, const char *today);

/* A decision's state in Chinese (公示中 for a decided one whose batch is in its window). */
const char *life_decision_label(const char *state, bool in_window);

/* The query's ?name=ID: 0 when absent; false having answered 422 for anything but a positive integer. */
bool life_id_arg(struct request *r, const char *name, int64_t *ret);

/* Audit an action on a refund record (numeric id), inside the caller's transaction. */
int life_audit(struct db *d, const struct audit_context *ctx, const char *action, const char *object_type, int64_t id,
               const char *org_path, json_t *detail);

/* The latest payment of a decision as JSON, or JSON null. */
json_t *life_payment_json(struct db *d, int64_t decision_id);

/*
** Mark the batch settled when every eligible decision in it is paid,
** withdrawn or recovered (nothing left decided, approved, sent or failed),
** inside the caller's transaction.
*/
int life_batch_settle(struct db *d, int64_t batch_id);

/*
** A notice to every account of the enterprise with this credit code, inside
** the caller's transaction (see org/notices.h).
*/
int life_notify_enterprise(struct db *d, const char *credit_code, const char *title, const char *body);

/* Import the bank accounts on record (the list `accounts`): the route's answer, given by accounts.c. */
void refunds_accounts_import(struct request *r, const char *csv);

/* The accounts on record and pending changes of the enterprises the caller acts for, into obj. */
int refunds_mine_accounts(struct request *r, json_t *obj);

/*
** The demo: take the 2020 difficulty batch through publicity, objections,
** approval, a payment file, a return file with failures and a fallback payment.
*/
int refunds_demo_lifecycle(struct db *d);

#endif
