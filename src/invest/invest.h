/*
** Investment promotion (招商) and cloud signing (云签约): leads from first
** contact to a producing factory, linkage between districts, one-to-one
** service of key enterprises, signing ceremonies whose agreements the parties
** sign remotely with Ed25519, and the statistics of it all.
*/
#ifndef BANYAN_INVEST_INVEST_H
#define BANYAN_INVEST_INVEST_H

#include <stdint.h>

#include "http/http.h"

/* A lead as its handlers need it. */
struct lead {
	int64_t id, enterprise_id, owner_org_id, officer_id, investment_wan, project_id;
	const char *title, *stage, *owner_path, *owner_code, *industry;
	bool owned; /* the caller is on the owner's side (may change it), not only shown it */
};

/*
** Load the lead of the route's {id} (or `id` when not 0) for a caller who may
** see it: the owner's branch of the tree, an organisation it is shared with
** or offered to, and the city.  404 otherwise.  With for_change, a caller who
** only sees it gets 403 lead_not_yours.  Answers and returns false.
*/
bool lead_for_caller(struct request *r, int64_t id, bool for_change, struct lead *ret);

/* Load a lead whoever may see it (for the side answering an offer): 0, DB_DONE or a db error. */
int lead_by_id(struct request *r, int64_t id, struct lead *ret);

/* The SQL condition that lead row `l` (owner joined as `o`) is visible, the area bound at ?N. */
const char *leads_scope_sql(struct request *r, int param);

/* Append to a lead's history (inside the caller's transaction). */
int lead_event(struct request *r, int64_t lead_id, const char *kind, const char *from_stage, const char *to_stage,
               int64_t from_org, int64_t to_org, const char *text);

/* Tell the consoles of the lead's owner, and of whoever it is shared with, that it changed. */
void lead_publish(struct request *r, const struct lead *l, const char *what);

/* Stages in order; "dropped" is not among them. */
extern const char *const lead_stages[];
int lead_stage_index(const char *stage); /* -1 for dropped or unknown */

/*
** The active officer called username of an organisation holding the invest
** duty (one who can open the lead or enterprise given them), and the part of
** the tree they serve (as request_area() would say for them), so the caller
** can check that a record is not given to someone of another branch.
** Answers 422 unknown_officer (field "officer") and returns false when there
** is none.
*/
bool invest_officer(struct request *r, const char *username, int64_t *ret_id, const char **ret_area);

/*
** Does signature_hex (128 hex digits) verify as public_key_hex's (64 hex
** digits) Ed25519 signature of the message?  Any malformed input is false.
*/
bool ed25519_valid(const char *public_key_hex, const char *signature_hex, const unsigned char *message, size_t len);

/* Append a verified signature to the signing ledger, inside the caller's transaction. */
int signing_ledger_append(struct db *d, int64_t agreement, int64_t signer, const char *sha256, const char *public_key,
                          const char *signature, int64_t at);

/*
** The signing ledger: verify every row's hash against the one before.
** Returns 0 with *ret_bad_id 0 when whole, or the first bad row's id.
*/
int signing_ledger_verify(struct db *d, int64_t *ret_bad_id, int64_t *ret_rows);

#endif /* BANYAN_INVEST_INVEST_H */
