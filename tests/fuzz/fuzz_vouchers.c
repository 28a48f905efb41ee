/*
** fuzz_vouchers.c - the channel API's claim and redemption requests, from
** the body through validation to the database, as a detached request (no
** socket).  The first byte picks the route.  Whatever the body, the answer
** is a 2xx or 4xx (503 when the engine is not running, as here for claims),
** never a 500, and the database stays consistent.  A claim body goes raw to
** the handler, as the route asks, and whatever the claim fast path reads,
** jansson must read the same.
*/
#include <assert.h>
#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "db/db.h"
#include "fuzz.h"
#include "http/auth.h"
#include "http/http.h"
#include "org/org.h"
#include "vouchers/vouchers.h"

void voucher_claim_post(struct request *r);
void voucher_redeem(struct request *r);
void voucher_reverse(struct request *r);

static struct db *db;
static int64_t channel;

/* One round, one kind, one voucher and one merchant, so redemptions can get far. */
static void setup(void)
{
	char key_id[32], secret[65];
	if (sodium_init() < 0 || org_init_database(":memory:", &db) < 0)
		abort();
	int64_t org = 0;
	int r = db_query_int64(db, &org, "SELECT id FROM orgs WHERE code = '350100-swj'", NULL);
	r |= auth_apikey_create(db, org, "channel", "fuzz", key_id, secret, &channel);
	r |= db_exec(
	    db,
	    "INSERT INTO voucher_campaigns(name, org_id, created_at) SELECT 'c', id, 0 FROM orgs WHERE code = "
	    "'350100-swj';"
	    "INSERT INTO voucher_rounds(campaign_id, name, starts_at, ends_at, created_at) VALUES (1, 'r', 0, "
	    "4102444800, 0);"
	    "INSERT INTO voucher_round_channels VALUES (1, 1);"
	    "INSERT INTO voucher_kinds(round_id, name, face_fen, threshold_fen, stock, validity_days, per_person_limit,"
	    " categories, created_at) VALUES (1, 'k', 2000, 10000, 100, 7, 1, ',catering,', 0);"
	    "INSERT INTO vouchers(code, kind_id, api_key_id, person, person_seq, request_id, claimed_at, expires_at)"
	    " VALUES ('FZ0000000000000001', 1, 1, 'p', 1, 'q', 0, 4102444800);"
	    "INSERT INTO merchants(name, credit_code, org_id, category, channels, created_at)"
	    " VALUES ('m', '91350102MA2XY00014', 2, 'catering', ',1,', 0);");
	if (r != 0)
		abort();
}

/* Whatever the claim fast path accepts, jansson must read as the same four values. */
static void check_claim_parse(const char *text, size_t len)
{
	struct voucher_claim_body b;
	if (!voucher_claim_body_parse(text, len, &b))
		return;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	assert(json_is_object(j) && json_object_size(j) == 4);
	assert(json_is_integer(json_object_get(j, "round")) &&
	       json_integer_value(json_object_get(j, "round")) == b.round);
	assert(json_is_integer(json_object_get(j, "kind")) && json_integer_value(json_object_get(j, "kind")) == b.kind);
	assert(b.round >= 1 && b.kind >= 1);
	const char *user = json_string_value(json_object_get(j, "user"));
	const char *request_id = json_string_value(json_object_get(j, "request_id"));
	assert(user && strcmp(user, b.user) == 0 && strlen(user) <= 64);
	assert(request_id && strcmp(request_id, b.request_id) == 0 && strlen(request_id) <= 64);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		setup();
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	/* Claims read the raw body themselves (BODY: raw); the others get it parsed, as the dispatcher would. */
	bool claim = data[0] % 3 == 0;
	json_t *body = NULL;
	if (claim) {
		check_claim_parse(text, len);
	} else {
		body = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(body)) {
			json_decref(body);
			return 0;
		}
	}
	struct arena *a = arena_new();
	struct request *r = arena_alloc(a, sizeof *r);
	r->arena = a;
	r->db = db;
	r->method = "POST";
	r->path = "/api/v1/vouchers/fuzz";
	r->json = body;
	r->body = arena_strndup(a, text, len);
	r->body_len = len;
	r->who = (struct principal){.role = ROLE_CHANNEL,
	                            .api_key_id = channel,
	                            .name = "apikey:fuzz",
	                            .org_code = "350100-swj",
	                            .org_path = "/350100/350100-swj/"};
	memcpy(r->id, "fuzz", 5);
	switch (data[0] % 3) {
	case 0:
		voucher_claim_post(r);
		break;
	case 1:
		voucher_redeem(r);
		break;
	default: {
		/* The id comes from the body's "id" string, as the path would carry it. */
		const char *id = json_string_value(json_object_get(body, "id"));
		r->n_params = 1;
		r->param_names[0] = "id";
		r->param_values[0] = id ? id : "1";
		voucher_reverse(r);
	}
	}
	assert(r->status >= 200 && r->status < 600);
	assert(r->status < 500 || r->status == 503);
	assert(r->captured && r->captured_len > 0);
	assert(!db_in_transaction(db));
	json_decref(r->json);
	arena_free(a);
	return 0;
}
