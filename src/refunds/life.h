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
/* Batch id: 0, DB_DONE when there is none, or a database error. */
int life_batch_get(struct db *d, struct arena *a, int64_t id, struct life_batch *ret);
/* The same for batch id. */
bool life_batch_load(struct request *r, int64_t id, bool write, struct life_batch *ret);

/* Today in Shanghai as "YYYY-MM-DD" (the server's clock: BANYAN_CLOCK in tests). */
void life_today(char out[11]);

/* The batch's state as shown: "closed" for a publicised batch whose window is over. */
const char *life_batch_state(const struct life_batch *b, const char *today);

/* The query's ?name=ID: 0 when absent; false having answered 422 for anything but a positive integer. */
bool life_id_arg(struct request *r, const char *name, int64_t *ret);

/*
** Answer a page of a list of records with a state, newest first, in the
** caller's area: select is "SELECT ... FROM" the records as `table` joined
** with their district as o; ?state among states, ?limit, ?cursor.
*/
void life_reply_by_state(struct request *r, const char *select, const char *table, const char *const *states,
                         json_t *(*row)(struct request *r, struct db_stmt *s));

/* Audit an action on a refund record (numeric id), inside the caller's transaction. */
int life_audit(struct db *d, const struct audit_context *ctx, const char *action, const char *object_type, int64_t id,
               const char *org_path, json_t *detail);

/*
** The changes of state, each inside the caller's transaction with its audit
** record, shared by the routes (which check the request first) and the demo.
*/
/* Publicise batch b for working_days from the day after today; notices to the eligible enterprises' accounts. */
int life_publicise(struct db *d, struct arena *a, const struct audit_context *ctx, const struct life_batch *b,
                   int32_t today, int working_days);
/* Lodge an objection to a decision (of the district at path), from ctx->ip. */
int life_object(struct db *d, const struct audit_context *ctx, int64_t decision, const char *reason,
                const char *contact, const char *path, int64_t *ret_id);
/* Resolve an open objection: upheld withdraws its decision with the resolution as the reason. */
int life_resolve(struct db *d, const struct audit_context *ctx, int64_t id, int64_t decision, bool upheld,
                 const char *resolution, const char *path);
/* Approve b's eligible decisions without an open objection; *ret_held counts those still waiting.  Nothing is
** written when none is approved. */
int life_approve(struct db *d, const struct audit_context *ctx, const struct life_batch *b, const char *note,
                 int64_t *ret_approved, int64_t *ret_held);

/* Make b's payment file (see the route): 0 with *ret_answer (rows 0: nothing to pay; the caller rolls back). */
int life_payment_file(struct db *d, const struct audit_context *ctx, const struct life_batch *b, const char *payer,
                      json_t **ret_answer);

/* What a return file did. */
struct life_returned {
	int64_t id, rows, paid, failed, unchanged;
	bool already; /* the same file was imported before: id is that import, nothing changed */
	int line;     /* -EINVAL: the first bad line (1: the header) and why */
	const char *why;
};

/* Import a return file of payment file `file` of batch b: 0, -EINVAL (ret->line, ret->why), -ENOMEM, or a db error. */
int life_returns(struct db *d, struct arena *a, const struct audit_context *ctx, int64_t file,
                 const struct life_batch *b, const char *csv, struct life_returned *ret);

/* Re-address failed payment `failed` of decision as a pending payment: DB_CONSTRAINT when it has a live one. */
int life_resend(struct db *d, const struct audit_context *ctx, int64_t failed, int64_t decision, bool fallback,
                const char *name, const char *account, const char *bank, int64_t fen, const char *path,
                int64_t *ret_id);

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

/* Run policy_id's latest version over the rolls as ctx: a new batch (refunds.c; the route's run, for the demo). */
int refunds_run_policy(struct db *d, struct arena *a, const struct audit_context *ctx, int64_t policy_id,
                       int64_t *ret_batch);

/*
** The demo: take the 2020 difficulty batch through publicity, objections,
** approval, a payment file, a return file with failures and a fallback payment.
*/
int refunds_demo_lifecycle(struct db *d);

/* ---- pure (lifecycle.c) ---- */

struct calendar;
struct arena;

/* A batch's state in Chinese (closed included); a decision's (公示中 for a decided one in its window). */
const char *refund_batch_label(const char *state);
const char *refund_decision_label(const char *state, bool in_window);

/* fen as 元 with two decimals, no separators: "61.73" (the bank's files). fen >= 0. */
void refund_yuan(int64_t fen, char out[32]);

/* A line of the bank's return file. */
struct refund_return_line {
	const char *reference, *reason;
	bool paid; /* 成功; else 失败 */
	int line;
};

/*
** Read a return file (the header 参考号,结果,银行说明; 结果 成功 or 失败, a
** failure with the bank's words): 0 with the lines (arena memory), -EINVAL
** with *ret_line and *ret_why (Chinese, then English), or -ENOMEM.
*/
int refund_returns_parse(struct arena *a, const char *csv, size_t len, struct refund_return_line **ret, size_t *ret_n,
                         int *ret_line, const char **ret_why);

#endif
