/*
** Consumption vouchers (惠民消费券): the claim engine and what the routes share.
**
** Claims are the hot path: very many people grab at the minute a round
** opens.  The engine keeps every open kind's remaining stock (per channel),
** each person's count, and every accepted request id in memory, rebuilt from
** the database at start.  "Sold out" and "already claimed" are answered from
** memory alone.  An accepted claim is queued to one writer thread that
** commits many claims in one transaction (one fsync), and only then are
** their requests answered: an acknowledged claim is on disk.
*/
#ifndef BANYAN_VOUCHERS_VOUCHERS_H
#define BANYAN_VOUCHERS_VOUCHERS_H

#include <stdint.h>

#include "http/http.h"

enum { VOUCHER_MAX_CHANNELS = 16 };

/* What the engine needs to know of a kind of voucher. */
struct voucher_kind_def {
	int64_t id, round_id, campaign_id, face_fen, threshold_fen, stock;
	int validity_days, per_person_limit;
	int64_t starts_at, ends_at;
	int n_channels;
	int64_t channels[VOUCHER_MAX_CHANNELS]; /* api_keys.id of the round's channels */
	int n_allocations;                      /* 0: one shared pool */
	int64_t allocation_channel[VOUCHER_MAX_CHANNELS], allocation_stock[VOUCHER_MAX_CHANNELS];
	char org_path[256]; /* the campaign's organisation: who sees its live counters */
};

/* Make a kind claimable (after its row is committed).  0, or -ENOMEM. */
int voucher_engine_add_kind(const struct voucher_kind_def *k);

/*
** Claim a voucher for the calling channel.  Answers the request itself, now
** (refusals, a repeated request id already answered) or after the claim is
** durable (the request is deferred).
*/
void voucher_engine_claim(struct request *r, int64_t round_id, int64_t kind_id, const char *person,
                          const char *request_id);

/* A claim's body, as the channel API takes it. */
struct voucher_claim_body {
	int64_t round, kind;
	char user[65], request_id[65];
};

/*
** Read a claim body without building a JSON document (the storm's hot path).
** Takes only the plain shape: one object holding each of the four fields
** once, the numbers as digits from 1 (no sign, fraction, exponent or leading
** zero, at most 18 digits), the strings 1 to 64 printable ASCII characters
** without escapes.  Returns false for anything else, which the caller reads
** through the general JSON path instead; so whatever this accepts, jansson
** reads the same values from it (the fuzz target checks).
*/
bool voucher_claim_body_parse(const char *text, size_t len, struct voucher_claim_body *ret);

/* Load a kind's definition from the database (with its round and channels). 0, DB_DONE or a db error. */
int voucher_kind_load(struct db *d, int64_t kind_id, struct voucher_kind_def *ret);

/* Add the demo campaign (five rounds of 2020 and one open now) to a new database. */
int voucher_demo(const char *db_path);

/* The JSON a channel sees of a voucher. */
json_t *voucher_json(const char *code, int64_t kind_id, int64_t round_id, int64_t face_fen, int64_t threshold_fen,
                     int64_t claimed_at, int64_t expires_at, const char *state);

#endif
