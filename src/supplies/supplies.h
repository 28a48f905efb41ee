/*
** Quarantine sites and their supplies (隔离点物资保障): the sites with their
** working groups, a catalogue of supplies, a stock ledger for the central
** store and each site, requests from the sites fulfilled by the store, days
** of cover from the recent consumption, donations acknowledged with a
** receipt, and the figures.
**
** cover.c is pure (days of cover), so unit tests reach it without a
** database; sites.c holds who may do what, the catalogue, the settings, the
** sites, their members and occupancy and the cover dashboard; ledger.c every
** movement of stock (receipts, issues, consumption) and the donation
** receipt; requests.c requests, their fulfilment and receipt; stats.c the
** figures; demo.c the demo.
*/
#ifndef BANYAN_SUPPLIES_SUPPLIES_H
#define BANYAN_SUPPLIES_SUPPLIES_H

#include <stdbool.h>
#include <stdint.h>

/* ---- days of cover (cover.c, pure) ---- */

/* The consumption window: the last 7 days, today included. */
enum { SUPPLY_COVER_WINDOW = 7 };

/*
** The rate of use is what was consumed on the days of the window that have a
** consumption report, divided by the number of those days: a day without a
** report is a gap (the site did not report), not a day of no use, so it
** neither lowers the rate nor lengthens the cover.  A site that used nothing
** reports 0.  Without any report in the window, or with reports of no use,
** the cover is unknown (false) and never red.
*/
struct supply_cover {
	int64_t on_hand, consumed; /* consumed: over the reported days, >= 0 */
	int reported_days;         /* 0..SUPPLY_COVER_WINDOW */
};

/* Days of cover in tenths of a day, rounded down: true with *ret_tenths, false when unknown. */
bool supply_cover_tenths(const struct supply_cover *c, int64_t *ret_tenths);
/* Is the cover below red_days days?  Exact: on_hand × reported_days < red_days × consumed. */
bool supply_cover_red(const struct supply_cover *c, int red_days);

/* ---- the server side ---- */

#include "http/http.h"

/* Who the caller is to the supplies. */
struct supply_caller {
	bool store;        /* department staff of an organisation holding the duty "supplies": every site */
	const char *scope; /* a leader: reads the sites of this subtree; NULL otherwise */
	int64_t user_id;   /* a site's member acts for their own sites */
};

/* The caller as above: 0 or a database error. */
int supplies_caller(struct request *r, struct supply_caller *ret);

/*
** An SQL condition: may the caller see site s (joined to its district o)?
** Parameters ?1 store (1/0), ?2 a leader's scope (NULL otherwise), ?3 the user.
*/
#define SUPPLY_VISIBLE                                                                                                 \
	"(?1 = 1 OR substr(o.path, 1, length(?2)) = ?2 OR s.id IN (SELECT site_id FROM supply_members WHERE user_id "  \
	"= ?3))"
#define SUPPLY_VISIBLE_FMT     "iti"
#define SUPPLY_VISIBLE_ARGS(c) (int64_t)(c).store, (c).scope, (c).user_id

struct supply_site {
	int64_t id;
	const char *kind, *name, *district_path;
};

/* What the caller must be to a site. */
enum supply_need {
	SUPPLY_READ,   /* the store, a leader above it, or its member */
	SUPPLY_ACT,    /* the store or its member */
	SUPPLY_MEMBER, /* its member (the site confirms what it received) */
	SUPPLY_STORE,  /* the store */
};

/* The site of the route's {id}: true, or false having answered 404, 403 out_of_scope or the database error. */
bool supplies_site_or_reply(struct request *r, enum supply_need need, struct supply_site *ret);
/* The same for a site id read from a body field: 422 unknown_site when there is none. */
bool supplies_site_by_id(struct request *r, int64_t id, const char *field, enum supply_need need,
                         struct supply_site *ret);

/* The threshold of red: days (supply_settings red_days). */
int supplies_red_days(struct db *d);

/* The catalogue's item of code: its id, or 0 having answered 422 unknown_item on field. */
int64_t supplies_item_or_reply(struct request *r, const char *code, const char *field);

/*
** Read the body's "lines": [{"item": code, "quantity": n}, ...], 1..50 lines,
** each item once, quantity 1..max (min 0 when zero_ok).  Items are returned as
** ids.  Answers 422 and returns false.
*/
struct supply_line {
	int64_t item_id, quantity;
	const char *batch, *expires_on; /* receipts only */
};
enum { SUPPLY_MAX_LINES = 50 };
bool supplies_lines(struct request *r, bool zero_ok, bool with_batch, struct supply_line *ret, size_t *ret_n);

/* One movement of stock: a ledger entry and the stock it changes. */
struct supply_entry {
	int64_t site_id, item_id, quantity; /* signed: in > 0, out < 0 */
	int32_t day;
	const char *kind;
	int64_t receipt_id, transfer_id; /* 0: none */
	const char *batch, *issued_to;
	int32_t expires_on; /* 0: none */
};

/*
** Inside the caller's transaction: write e to the ledger and the stock, by
** the user actor_id.
** What leaves is taken by a conditional write (never below zero, whoever
** takes it at once): -ENOSPC when the stock does not hold e's quantity,
** nothing written.  0 or a database error otherwise.
*/
int supplies_move(struct db *d, int64_t actor_id, const struct supply_entry *e);

/* A day field (YYYY-MM-DD, not after today; absent and optional: today): true, or false having answered 422. */
bool supplies_body_day(struct request *r, const char *field, int flags, int32_t *ret);

/* Answer 409 insufficient_stock for the item of id on field. */
void supplies_reply_short(struct request *r, int64_t item_id, const char *field);

/*
** The cover rows of the sites the caller sees (site 0) or of one site: each
** site and item with stock, its on hand, consumption in the window, cover
** and red.  Ordered by site, item.  0 or a database error; *ret an array.
*/
int supplies_cover_rows(struct request *r, const struct supply_caller *c, int64_t site, json_t **ret);

/* The audit record of a change to a site's supplies, in the caller's transaction (detail stolen). */
int supplies_audit(struct request *r, const char *action, const char *object_type, int64_t id,
                   const struct supply_site *site, json_t *detail);

/* The demo's quarantine site of 台江 and the store (after the other domains' demo data). */
int supplies_demo(const char *db_path);

#endif
