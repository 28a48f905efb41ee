/*
** Organisations, users and the audit log: who exists, where they sit in the
** city's tree, and what everyone did.
**
** Organisations form a tree (city -> county-level units -> departments);
** each has a materialised path of codes, "/350100/350111/350111-tcj/", so
** "is X inside my scope" is a prefix test.  The Fuzhou tree ships as
** data/orgs/fuzhou.csv and is loaded by `banyan init`.
*/
#ifndef BANYAN_ORG_ORG_H
#define BANYAN_ORG_ORG_H

#include <stdint.h>

#include <jansson.h>

#include "db/db.h"
#include "http/http.h"

struct arena;

struct org {
	int64_t id;
	const char *code, *name, *kind, *path;
	int64_t parent_id;
};

/* Look up an organisation; 0, DB_DONE (absent) or a db error.  Strings live in a. */
int org_find_by_code(struct db *d, struct arena *a, const char *code, struct org *ret);
int org_find_by_id(struct db *d, struct arena *a, int64_t id, struct org *ret);

/*
** Load organisations from CSV text with the header code,name,parent_code,kind.
** New codes are added, existing ones renamed; a parent must come before its
** children (or exist already) and may not change.  All or nothing: one
** transaction; on error *ret_error says which line and why (static text in a)
** and nothing is written.  *ret_added counts new organisations.
*/
int org_import_csv(struct db *d, struct arena *a, const char *csv, size_t len, const char *actor, int *ret_added,
                   const char **ret_error);

/* Create or migrate the database at path and load the built-in Fuzhou tree. */
int org_init_database(const char *path, struct db **ret);

/* A JSON object for an organisation as the API shows it. */
json_t *org_to_json(const struct org *o);

/*
** Read an organisation code from the body's field and load it; it must lie
** in the caller's scope.  Answers 422 unknown_org, 403 out_of_scope or the
** database error and returns false.  An optional field that is absent
** returns true with *ret_present false.
*/
bool org_from_body(struct request *r, const char *field, int flags, struct org *ret, bool *ret_present);

/* Answer 403 (and return false) unless the organisation is in the caller's scope. */
bool org_require_scope(struct request *r, const struct org *o);

/* ---- users ------------------------------------------------------------ */

/* argon2id hash (libsodium, moderate limits unless BANYAN_PWHASH=interactive for tests). */
int user_hash_password(const char *password, char ret_hash[128]);

/* Username rule: 3..32 of [a-z0-9_.-], starting with a letter or digit. */
bool user_name_valid(const char *username);

struct audit_context;

struct user_new {
	const char *username, *display_name, *role, *password;
	int64_t org_id;
	const char *org_path; /* for the audit record */
};

/*
** Create a user: hash the password (slow, so before taking the write lock),
** then insert and audit in one transaction.  0 with *ret_id, DB_CONSTRAINT
** when the username is taken, or a db error.  Inputs are validated by the
** caller (user_name_valid, role_from_name, a password of 8..256 bytes).
*/
int user_create(struct db *d, const struct audit_context *ctx, const struct user_new *u, int64_t *ret_id);

/*
** The user a route's {id} names, for a change by the caller: it must be in
** the caller's scope (else 404 or 403), and not a security or audit
** administrator, whose accounts are the operator's, changed from the shell
** only (三员分立; 403 shell_only).  Returns false after answering.
*/
bool user_target_or_reply(struct request *r, int64_t *ret_id, const char **ret_path);

/* ---- sessions and the second factor (session.c, totp.c) ---------------- */

/* Audit a login event (failed, blocked) in a transaction of its own. */
int login_audit(struct request *r, const char *action, const char *username, int64_t user_id, const char *org_path,
                const char *reason);

/*
** Inside the caller's transaction: open a session for a user whose
** credentials hold and audit the login (detail borrowed, may be NULL).
** Then, once committed, session_reply() sets the cookie and answers
** {"user","csrf_token"} with extra's fields (stolen, may be NULL).
*/
int session_open(struct request *r, int64_t user_id, const char *username, const char *org_path, json_t *detail,
                 char ret_token[65], char ret_csrf[65]);
void session_reply(struct request *r, int64_t user_id, const char *org_path, const char *token, const char *csrf,
                   json_t *extra);

/*
** After a correct password: when the user must use a second factor (by role)
** or has enrolled one, answer the challenge and return true; false lets the
** login go on to a session.
*/
bool totp_challenge_or_pass(struct request *r, int64_t user_id, const char *username, const char *org_path);

/* Inside a transaction: remove a user's second factor, recovery codes and pending logins (a reset). */
int second_factor_remove(struct db *d, int64_t user_id);

/* The roles that must use a second factor: "admin,leader" or "none".  -1 for an unknown role. */
int totp_require_roles(const char *list);

/* RFC 6238/4226: the code of key (HMAC-SHA1) for a time step, with digits digits. */
uint32_t totp_code(const uint8_t *key, size_t key_len, uint64_t step, int digits);

/* RFC 4648 base32 without padding; out has room for len * 8 / 5 + 2 bytes. */
void totp_base32(const uint8_t *data, size_t len, char *out);

/* ---- audit log -------------------------------------------------------- */

struct audit_context {
	int64_t actor_id;  /* 0: none */
	const char *actor; /* username, "apikey:..." or "system" */
	const char *ip;    /* "-" from the shell */
	const char *request_id;
};

/*
** Append an audit record.  Must run inside a transaction (the chain reads the
** last hash and appends under the same write lock).  detail is borrowed.
** org_path places the event in a scope (the affected record's organisation).
*/
int audit_append(struct db *d, const struct audit_context *ctx, const char *action, const char *object_type,
                 const char *object_id, const char *org_path, json_t *detail);

/* The audit context of an HTTP request's caller. */
struct audit_context audit_context_of(struct request *r);
/* The context of a shell command run by the operator. */
struct audit_context audit_context_shell(void);

/*
** Recompute the chain.  Returns 0 with *ret_bad_id == 0 when intact, or the id
** of the first row whose hash does not match; *ret_rows counts rows checked.
*/
int audit_verify(struct db *d, int64_t *ret_bad_id, int64_t *ret_rows);

#endif
