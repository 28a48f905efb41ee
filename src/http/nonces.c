/*
** The nonces of signed requests, in memory.
**
** A signature is valid for 300 s either side of its timestamp, so a nonce
** must be remembered for 600 s after first use to refuse every replay.  Two
** generations of hash sets do that without per-entry times: new nonces go
** into the current one, both are searched, and every 600 s the older is
** dropped — an entry lives 600 to 1,200 s.  Sets are sharded by hash with a
** lock each so the workers of a claim storm rarely wait for one another;
** there are many shards because a set grows by rehashing every entry it has
** (a storm remembers millions of nonces), which holds up that shard alone.
**
** Keeping them in memory means a restart forgets them; auth.c refuses any
** request signed before the server started, so nothing signed before can be
** replayed after.
**
** Several nodes on one PostgreSQL database (serve --cluster) share their
** nonces in the database instead (nonce_remember_db()): a request replayed
** to another node is refused there too.  Each worker thread writes them on a
** connection of its own whose commits do not wait for the disk or the
** standby (db_commits_may_be_lost): a durable commit a request, as the
** claims' batches are not, was two thirds of PostgreSQL's work in a claim
** storm (bench/README.md).  A crash of PostgreSQL may forget the last
** fraction of a second of nonces, so a request signed just before could be
** replayed once after; every request a channel signs is idempotent by its own
** key (a claim's request id, a redemption's order number, a reversal), so a
** replay changes nothing.
*/
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "db/db.h"
#include "http/auth.h"

enum { SHARDS = 256, GENERATION_SECONDS = 2 * SIGNATURE_WINDOW };

struct set {
	uint64_t *slots; /* 0 is empty */
	size_t cap, used;
};

struct shard {
	pthread_mutex_t lock;
	struct set gen[2];
	int current;
	int64_t started;
};

static struct shard shards[SHARDS];
static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void nonces_init(void)
{
	randombytes_buf(hash_key, sizeof hash_key);
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_init(&shards[i].lock, NULL);
}

static bool set_contains(const struct set *s, uint64_t h)
{
	if (!s->cap)
		return false;
	for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slots[i] == h)
			return true;
		if (!s->slots[i])
			return false;
	}
}

static void set_put(struct set *s, uint64_t h)
{
	size_t i = h & (s->cap - 1);
	while (s->slots[i])
		i = (i + 1) & (s->cap - 1);
	s->slots[i] = h;
	s->used++;
}

/* Keep the set at most half full.  False when memory ran out. */
static bool set_reserve(struct set *s)
{
	if (s->cap && s->used * 2 < s->cap)
		return true;
	size_t cap = s->cap ? s->cap * 2 : 1024;
	struct set grown = {calloc(cap, sizeof(uint64_t)), cap, 0};
	if (!grown.slots)
		return false;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i])
			set_put(&grown, s->slots[i]);
	free(s->slots);
	*s = grown;
	return true;
}

int nonce_remember(int64_t api_key_id, const char *nonce, int64_t now)
{
	pthread_once(&init_once, nonces_init);
	unsigned char buf[8 + 64], out[crypto_shorthash_BYTES];
	size_t n = strlen(nonce);
	if (n > 64)
		return -1;
	memcpy(buf, &api_key_id, 8);
	memcpy(buf + 8, nonce, n);
	crypto_shorthash(out, buf, 8 + n, hash_key);
	uint64_t h;
	memcpy(&h, out, sizeof h);
	h |= 1; /* never the empty marker */
	struct shard *sh = &shards[(h >> 56) % SHARDS];
	int result = 0;
	pthread_mutex_lock(&sh->lock);
	if (!sh->started)
		sh->started = now;
	if (now - sh->started >= GENERATION_SECONDS) {
		struct set *old = &sh->gen[!sh->current];
		free(old->slots);
		memset(old, 0, sizeof *old);
		sh->current = !sh->current;
		sh->started = now;
	}
	if (set_contains(&sh->gen[0], h) || set_contains(&sh->gen[1], h))
		result = 1;
	else if (set_reserve(&sh->gen[sh->current]))
		set_put(&sh->gen[sh->current], h);
	else
		result = -1;
	pthread_mutex_unlock(&sh->lock);
	return result;
}

/* A worker thread's connection for nonces, closed when the thread ends. */
static pthread_key_t nonce_db_key;
static pthread_once_t nonce_db_once = PTHREAD_ONCE_INIT;

static void nonce_db_close(void *d)
{
	db_close(d);
}

static void nonce_db_key_make(void)
{
	pthread_key_create(&nonce_db_key, nonce_db_close);
}

/* The thread's nonce connection to d's database, or d itself if one cannot be opened. */
static struct db *nonce_db(struct db *d)
{
	pthread_once(&nonce_db_once, nonce_db_key_make);
	struct db *own = pthread_getspecific(nonce_db_key);
	if (!own) {
		if (db_open(db_path(d), &own) < 0 || db_commits_may_be_lost(own) < 0) {
			db_close(own);
			return d;
		}
		pthread_setspecific(nonce_db_key, own);
	}
	return own;
}

int nonce_remember_db(struct db *d, int64_t api_key_id, const char *nonce, int64_t now)
{
	/* The primary key refuses a second insert, whichever node made the first. */
	struct db *own = nonce_db(d);
	int rc = db_run(own, "INSERT INTO nonces(api_key_id, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
	                "iti", api_key_id, nonce, now);
	return rc < 0 ? rc : db_changes(own) == 0;
}

int nonces_forget(struct db *d, int64_t now)
{
	/* A nonce can come back at most 2 * SIGNATURE_WINDOW after it was first seen (its timestamp is good that
	** long either side of the clock); one more window allows for the nodes' clocks disagreeing. */
	return db_run(d, "DELETE FROM nonces WHERE seen_at < ?", "i", now - GENERATION_SECONDS - SIGNATURE_WINDOW);
}
