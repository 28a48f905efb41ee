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
#include <stdio.h>

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
** in the caller's area (request_area(): a department works in its
** government's area, the commerce bureau's vouchers in the whole city).  Answers 422 unknown_org, 403 out_of_scope or the
** database error and returns false.  An optional field that is absent
** returns true with *ret_present false.
*/
bool org_from_body(struct request *r, const char *field, int flags, struct org *ret, bool *ret_present);

/* Answer 403 (and return false) unless the organisation is in the caller's scope. */
bool org_require_scope(struct request *r, const struct org *o);

/*
** Does the organisation a body's field named hold the duty (org_duties)?
** Answers 422 org_without_duty on that field (or the database error) and
** returns false when not: work is given only to an organisation that does it.
*/
bool org_duty_or_reply(struct request *r, const struct org *o, const char *duty, const char *field);

/* ---- users ------------------------------------------------------------ */

/* argon2id hash (OWASP's limits: 19 MiB, 2 passes; BANYAN_PWHASH=interactive: the minimum, for tests). */
int user_hash_password(const char *password, char ret_hash[128]);

/*
** The rule for a new password (ASVS 2.1): at least PASSWORD_MIN_CHARS
** characters and not one of the 10,000 most common passwords (in any case);
** no rules on its composition.  Returns NULL, or why not (Chinese, then
** English in parentheses).
*/
enum { PASSWORD_MIN_CHARS = 12 };
const char *password_problem(const char *password);

/*
** Password work for a request, done on the hashing threads (see passwords.c):
** check `password` against `stored` (NULL stored: a made-up hash, for an
** unknown user, so it takes as long), then hash `new_password`, or with
** `rehash` the checked password again when `stored` was made with other
** limits.  Nothing is hashed after a failed check.
*/
struct pwhash_job {
	const char *stored, *password, *new_password;
	bool rehash;
	bool verified, hashed, failed; /* results: the check held; new_hash was made; out of memory */
	char new_hash[128];
	struct request *r;
	void (*answer)(struct request *r, void *arg);
	void *arg;
	struct pwhash_job *next;
};

/*
** The login throttle (session.c), for every check of a user's password:
** answer 429 and return true when username may not be tried from the
** caller's address now (logging_in: also when it logged in too often);
** count a wrong password.
*/
bool login_refuse_if_throttled(struct request *r, const char *username, int64_t user_id, const char *org_path,
                               bool logging_in);
void login_count_failure(struct request *r, const char *username);

/*
** Queue job and answer r later with answer(r, arg) on a worker thread (or
** 503 when hashing ran out of memory).  When too many are waiting, answers
** 503 with Retry-After itself and returns false.
*/
bool pwhash_run(struct request *r, struct pwhash_job *job, void (*answer)(struct request *r, void *arg), void *arg);

/* Username rule: 3..32 of [a-z0-9_.-], starting with a letter or digit. */
bool user_name_valid(const char *username);

struct audit_context;

struct user_new {
	const char *username, *display_name, *role, *password;
	const char *password_hash; /* made already (on the hashing threads), or NULL */
	int64_t org_id;
	const char *org_path; /* for the audit record */
	bool duty_admin;      /* 业务管理员 of the organisation's duties */
};

/*
** Create a user: hash the password (slow, so before taking the write lock),
** then insert and audit in one transaction.  0 with *ret_id, DB_CONSTRAINT
** when the username is taken, or a db error.  Inputs are validated by the
** caller (user_name_valid, role_from_name, password_problem).  With
** password_hash set, that hash is stored and password is not used.
*/
int user_create(struct db *d, const struct audit_context *ctx, const struct user_new *u, int64_t *ret_id);

/*
** The user a route's {id} names, for a password or second-factor reset by the
** caller: it must be in the caller's scope (else 404 or 403), and neither a
** security or audit administrator, whose accounts are the operator's, changed
** from the shell only (三员分立), nor of a role that must use a second factor
** (serve --second-factor), which whoever resets both could take over (403
** shell_only).  Returns false after answering.
*/
bool user_target_or_reply(struct request *r, int64_t *ret_id, const char **ret_path);

/*
** Is the caller the duty administrator (业务管理员) of their organisation's
** duties?  Answers 403 not_duty_admin (and returns false) when not: for the
** work a duty's staff may not all do, like editing refund policies.
*/
bool user_duty_admin_or_reply(struct request *r);

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

/*
** Inside a transaction: end a user's pending second steps, each won with the
** password of its time, when the password changes or the account is disabled.
*/
int login_challenges_end(struct db *d, int64_t user_id);

/* The roles that must use a second factor: "admin,leader" or "none".  -1 for an unknown role. */
int totp_require_roles(const char *list);

/* Whether role is under that rule. */
bool totp_role_required(enum role role);

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

/* The catalogue of actions (audit_actions.c): an action's Chinese label, the action itself if it has none. */
const char *audit_action_label(const char *action);
/* The Chinese name of a kind of object (an audit row's object_type), the type itself if it has none. */
const char *audit_object_label(const char *object_type);
/* The first of a comma-separated list of actions that is not in the catalogue (copied to a), or NULL. */
const char *audit_actions_unknown(struct arena *a, const char *list);
/* A row's detail as "label: value" pairs in Chinese, for the export (in a). */
const char *audit_detail_text(struct arena *a, const char *detail_json);

/*
** The audit key (see audit.c): load it once per process, from file, else
** $BANYAN_AUDIT_KEY, else DB.audit-key beside the database if there is one.
** Without any the log stays (or is) unkeyed.  Later calls do nothing.
** -1 after printing why to stderr (a key file others can read, a bad line).
*/
int audit_key_load(const char *file, const char *db_path);
/* At a server's start: refuse (-1, said on stderr) a keyed log without its
** key; warn loudly about an unkeyed one; record (one audit row) that a new
** key signs from now on. */
int audit_key_begin(struct db *d);
/* The id of the key that signs new rows; 0 without a key. */
int64_t audit_signing_key_id(void);
/* Write a new key to path (0600), or add a newer one to an existing key file. */
int audit_keygen(const char *path, int64_t *ret_key_id);

struct audit_verdict {
	int64_t rows;       /* rows checked */
	int64_t bad_id;     /* the first row that does not hold, or 0 */
	int64_t keyed_from; /* the first keyed row, or 0 */
	const char *why;    /* for bad_id */
};

/*
** Recompute the chain.  Returns 0 with the verdict, or a database error.  With
** a key loaded, every row from the first keyed one on must be keyed with
** non-decreasing key ids, and the last row must be keyed (a log rewritten
** with plain SHA-256 fails), and the log must not be empty (an emptied one
** fails).  Without a key, keyed rows cannot be checked and fail.
*/
int audit_verify(struct db *d, struct audit_verdict *ret);

/*
** What the last `banyan check` found is kept beside the database, in
** DB CHECK_NOTE_SUFFIX, as JSON {"at" (Unix seconds), "ok", "audit_upto" (the
** last audit row that held)}: not in it, since a check must not change what
** it checks (a row it wrote would take the id of a row cut from the log).  A
** PostgreSQL database has no file beside it: there the check adds a row to
** check_notes (migration 0033), a table no check reads.
*/
#define CHECK_NOTE_SUFFIX ".check"

/* The newest row: its id, hash and time (0 rows: *ret_id 0). */
int audit_head(struct db *d, int64_t *ret_id, char ret_hash[65], int64_t *ret_at);

/* Write the rows of the days [from_day, to_day] (Beijing) as a signed JSON Lines archive to f. */
int audit_export_archive(struct db *d, int32_t from_day, int32_t to_day, FILE *f, int64_t *ret_rows);
/* Check an archive: its signature and its rows' chain.  0 ok; -1 with *ret_why. */
int audit_verify_archive(FILE *f, int64_t *ret_rows, const char **ret_why);

#endif
