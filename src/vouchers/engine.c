/*
** The voucher claim engine (see vouchers.h): in-memory stock and limits, and
** the group-commit writer and its flusher: the writer commits a batch to the
** log and takes the next while the flusher flushes the log to disk and then
** answers the batch, so a claim is acknowledged once on disk.
**
** Locks: the kind table is read-mostly (rwlock); each kind has a mutex for
** its stock and its people; request ids live in 64 shards (by a hash of the
** channel and the id, so one busy channel spreads over all) with a mutex each;
** the writer's queue and the written batches share one.  No lock is held
** while another is taken, except a kind's mutex inside nothing else, so there
** is no order to get wrong.
**
** On PostgreSQL the stock in memory is what this node has leased (leases.c):
** several nodes may claim from one kind.  A claim finding its bucket empty
** leases the next block (a kind's lease lock keeps that to one worker at a
** time), and the database's unique keys catch what another node's memory
** knew and this one's did not: a request id it answered first, a person's
** number it gave (claim_conflict).
*/
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/strmap.h"
#include "db/db.h"
#include "http/cluster.h"
#include "vouchers/leases.h"
#include "vouchers/vouchers.h"

enum {
	SHARDS = 64,
	BATCH_MAX = 8192,
	LOG_RESTART_PAGES = 8192, /* 32 MiB: past it the log is made to start afresh */
	CATCH_UP_PASSES = 20,     /* the ticker's checkpoint passes a second, at most */
	CATCH_UP_PAGES = 256,     /* a pass that found no more new pages than this was short */
	SLOW_COMMIT_US = 50000,   /* a commit this long is logged with what it did */
	COMMIT_BUCKETS = 12,      /* commit times: under 0.25 ms, 0.5, 1, ... 256 ms, longer */
	LEASE_BLOCK = 1024,       /* vouchers leased at a time (fewer once little is left: leases.c) */
	DRY_US = 1000000          /* a bucket the database had no more stock for asks again after this */
};

struct bucket {
	int64_t api_key_id; /* 0: shared by all the round's channels */
	int64_t stock;
	int64_t remaining; /* on PostgreSQL: of the lease */
	int64_t lease;     /* on PostgreSQL: the lease claims take from (0: none yet) */
	int64_t dry_until; /* on PostgreSQL: nothing was left to lease, so sold out till then (monotonic µs) */
};

struct kind_state {
	struct voucher_kind_def def;
	pthread_mutex_t lock;
	pthread_mutex_t lease_lock; /* held by the one worker leasing more of the kind's stock */
	int n_buckets;
	struct bucket buckets[VOUCHER_MAX_CHANNELS];
	/* api_key_id (8 bytes) + person -> the numbers (person_seq) of the
	** person's vouchers of the kind, held or being saved, as bits (number n
	** is bit n - 1; see PERSON_MAX).  The count is how many bits are set.
	** A claim takes the lowest free number, and a claim undone (refused by
	** the disk, or losing a race for its request id) gives its number back,
	** so numbers stay within 1..per_person_limit.  A claim lost in a crash
	** was never on disk, so its number is free again after the restart. */
	struct strmap *people;
};

_Static_assert(sizeof(uintptr_t) == 8, "a person's numbers are the 64 bits of a map value");
#define PERSON_MAX        64 /* numbers a person can hold of a kind: a kind's limit above it counts as 64 */
#define PERSON_BIT(seq)   ((uintptr_t)1 << ((seq)-1))
#define PERSON_COUNT(v)   __builtin_popcountll(v)
#define PERSON_FREE_SEQ(v) (__builtin_ctzll(~(v)) + 1) /* v must have a bit clear */

/* REFUSED: the database showed the person at the limit (claimed on another node): 409, and a repeat is tried afresh. */
enum claim_state { CLAIM_PENDING, CLAIM_DURABLE, CLAIM_FAILED, CLAIM_REFUSED };

struct waiter {
	struct request *r;
	struct waiter *next;
};

/* An accepted claim.  Strings follow the struct. */
struct claim {
	struct claim *next; /* in the writer's queue */
	struct kind_state *kind;
	int64_t api_key_id, claimed_at, expires_at;
	int64_t lease;                 /* on PostgreSQL: the lease its voucher counts into */
	int64_t queued_us, settled_us; /* joined the writer's queue, became durable (monotonic) */
	int person_seq;
	enum claim_state state;
	struct waiter *waiters; /* requests to answer when durable (the last is the claimant) */
	struct waiter claimant; /* the claimant's place in that list, allocated with the claim */
	struct shard *shard;    /* where its request id is kept */
	char code[20];          /* made by the writer (voucher_code()); read once durable */
	const char *person, *request_id;
};

/* A histogram of durations: under 0.25 ms, 0.5, 1, ... 256 ms, longer. */
struct timing {
	_Atomic uint64_t buckets[COMMIT_BUCKETS];
	_Atomic int64_t longest_us;
};

static void timing_add(struct timing *t, int64_t us)
{
	int b = 0;
	while (b < COMMIT_BUCKETS - 1 && us >= (int64_t)250 << b)
		b++;
	atomic_fetch_add_explicit(&t->buckets[b], 1, memory_order_relaxed);
	int64_t longest = atomic_load_explicit(&t->longest_us, memory_order_relaxed);
	while (us > longest && !atomic_compare_exchange_weak(&t->longest_us, &longest, us))
		;
}

static void timing_log(const char *what, struct timing *t)
{
	char text[512];
	size_t len = 0;
	for (int b = 0; b < COMMIT_BUCKETS && len < sizeof text; b++)
		len += (size_t)snprintf(text + len, sizeof text - len, " %s%g:%llu", b < COMMIT_BUCKETS - 1 ? "<" : ">=",
		                        (b < COMMIT_BUCKETS - 1 ? 250 << b : 250 << (b - 1)) / 1e3,
		                        (unsigned long long)atomic_load(&t->buckets[b]));
	log_notice("vouchers: %s: longest %.1f ms; by ms:%s", what, atomic_load(&t->longest_us) / 1e3, text);
}

struct checkpoint_run {
	_Atomic int64_t start_us, end_us;
};

struct shard {
	pthread_mutex_t lock;
	struct strmap *ids; /* api_key_id (8 bytes) + request_id -> struct claim * */
};

static struct {
	bool running;
	bool leasing;         /* on PostgreSQL: stock in leases, several nodes */
	_Atomic int64_t node; /* on PostgreSQL: this node's number (leases.c) */
	pthread_rwlock_t kinds_lock;
	struct kind_state **kinds; /* sorted by id */
	size_t n_kinds, cap_kinds;
	struct shard shards[SHARDS];
	pthread_mutex_t queue_lock;
	pthread_cond_t queue_ready;
	pthread_cond_t ticker_wake; /* signalled at stop */
	struct claim *queue_head, **queue_tail;
	size_t queued;
	bool stopping;
	pthread_t writer;
	struct db *db; /* the writer's */
	pthread_t ticker;
	struct db *checkpoint_db; /* the ticker's, for checkpoints */
	atomic_bool log_long;     /* the ticker asks the writer to let the log start afresh */
	struct checkpoint_run ticker_checkpoint, writer_checkpoint;
	/* Batches written, not yet flushed (under queue_lock): the writer's to the flusher. */
	pthread_cond_t written_ready;
	struct batch *written_head, **written_tail;
	bool writer_done;
	pthread_t flusher;
	/* Where claims' time went, logged at stop: the writer's commits (how
	** many, how many slow), and each claim's wait for the writer, its commit
	** and its answer once durable (resumed, to answered on a worker). */
	uint64_t commits, commits_slow, claims_committed, flushes; /* the flusher thread's alone */
	struct timing commit_time, claim_queued, claim_committing, claim_resumed;
	/* Units of leases no claim will use, for the ticker to give back (under give_back_lock). */
	pthread_mutex_t give_back_lock;
	struct give_back {
		int64_t lease, n;
	} * give_backs;
	size_t n_give_backs, cap_give_backs;
	struct claim **all; /* every claim, to free at stop */
	size_t n_all, cap_all;
	pthread_mutex_t all_lock;
} engine;

/* ---- kinds ------------------------------------------------------------ */

static struct kind_state *kind_find(int64_t id)
{
	struct kind_state *found = NULL;
	pthread_rwlock_rdlock(&engine.kinds_lock);
	size_t lo = 0, hi = engine.n_kinds;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (engine.kinds[mid]->def.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < engine.n_kinds && engine.kinds[lo]->def.id == id)
		found = engine.kinds[lo];
	pthread_rwlock_unlock(&engine.kinds_lock);
	return found;
}

int voucher_engine_add_kind(const struct voucher_kind_def *k)
{
	if (!engine.running || kind_find(k->id))
		return 0;
	struct kind_state *ks = calloc(1, sizeof *ks);
	if (!ks || !(ks->people = strmap_new())) {
		free(ks);
		return -ENOMEM;
	}
	ks->def = *k;
	pthread_mutex_init(&ks->lock, NULL);
	pthread_mutex_init(&ks->lease_lock, NULL);
	ks->n_buckets = k->n_allocations ? k->n_allocations : 1;
	for (int i = 0; i < ks->n_buckets; i++) {
		struct bucket *b = &ks->buckets[i];
		b->api_key_id = k->n_allocations ? k->allocation_channel[i] : 0;
		b->stock = k->n_allocations ? k->allocation_stock[i] : k->stock;
		/* A lone server holds the whole stock (less what engine_load finds claimed); nodes lease it. */
		b->remaining = engine.leasing ? 0 : b->stock;
	}
	pthread_rwlock_wrlock(&engine.kinds_lock);
	if (engine.n_kinds == engine.cap_kinds) {
		size_t cap = engine.cap_kinds ? engine.cap_kinds * 2 : 16;
		struct kind_state **grown = realloc(engine.kinds, cap * sizeof *grown);
		if (!grown) {
			pthread_rwlock_unlock(&engine.kinds_lock);
			strmap_free(ks->people);
			free(ks);
			return -ENOMEM;
		}
		engine.kinds = grown;
		engine.cap_kinds = cap;
	}
	size_t at = engine.n_kinds;
	while (at > 0 && engine.kinds[at - 1]->def.id > k->id) {
		engine.kinds[at] = engine.kinds[at - 1];
		at--;
	}
	engine.kinds[at] = ks;
	engine.n_kinds++;
	pthread_rwlock_unlock(&engine.kinds_lock);
	return 0;
}

static struct bucket *bucket_of(struct kind_state *k, int64_t api_key_id)
{
	for (int i = 0; i < k->n_buckets; i++)
		if (k->buckets[i].api_key_id == 0 || k->buckets[i].api_key_id == api_key_id)
			return &k->buckets[i];
	return NULL;
}

/* Key bytes: the channel's id then the string, so channels never share a person or a request id. */
static size_t channel_key(unsigned char *buf, int64_t api_key_id, const char *s)
{
	size_t n = strlen(s);
	memcpy(buf, &api_key_id, 8);
	memcpy(buf + 8, s, n);
	return 8 + n;
}

/* The shard of a request id's key (FNV-1a: spreading, not secrecy; the map inside is keyed). */
static struct shard *shard_of(const unsigned char *key, size_t len)
{
	uint64_t h = 14695981039346656037u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ key[i]) * 1099511628211u;
	return &engine.shards[h % SHARDS];
}

/* ---- answers ---------------------------------------------------------- */

json_t *voucher_json(const char *code, int64_t kind_id, int64_t round_id, int64_t face_fen, int64_t threshold_fen,
                     int64_t claimed_at, int64_t expires_at, const char *state)
{
	char claimed[32], expires[32];
	clock_format_iso(claimed_at, claimed);
	clock_format_iso(expires_at, expires);
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:s}", "code", code, "kind", (json_int_t)kind_id, "round",
	                 (json_int_t)round_id, "face_fen", (json_int_t)face_fen, "threshold_fen",
	                 (json_int_t)threshold_fen, "claimed_at", claimed, "expires_at", expires, "state", state);
}

static char *put_text(char *p, const char *text)
{
	size_t n = strlen(text);
	memcpy(p, text, n);
	return p + n;
}

static char *put_count(char *p, int64_t n) /* n >= 0 */
{
	char digits[20];
	int k = 0;
	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	while (k > 0)
		*p++ = digits[--k];
	return p;
}

/* Answer with a durable claim: the shape of voucher_json(), written piece by
** piece because every claim of a storm comes through here. */
static void claim_reply(struct request *r, const struct claim *c)
{
	const struct voucher_kind_def *k = &c->kind->def;
	char claimed[32], expires[32], text[384], *p = text;
	clock_format_iso(c->claimed_at, claimed);
	clock_format_iso(c->expires_at, expires);
	p = put_text(p, "{\"voucher\":{\"code\":\"");
	p = put_text(p, c->code);
	p = put_text(p, "\",\"kind\":");
	p = put_count(p, k->id);
	p = put_text(p, ",\"round\":");
	p = put_count(p, k->round_id);
	p = put_text(p, ",\"face_fen\":");
	p = put_count(p, k->face_fen);
	p = put_text(p, ",\"threshold_fen\":");
	p = put_count(p, k->threshold_fen);
	p = put_text(p, ",\"claimed_at\":\"");
	p = put_text(p, claimed);
	p = put_text(p, "\",\"expires_at\":\"");
	p = put_text(p, expires);
	p = put_text(p, "\",\"state\":\"claimed\"}}");
	reply_json_text(r, 201, text, (size_t)(p - text));
}

/* A resumed request's answer, on its worker thread.  The claim's state was
** set before the request was resumed, and does not change after. */
static void claim_answer_deferred(struct request *r, void *arg)
{
	const struct claim *c = arg;
	if (r == c->claimant.r && c->state == CLAIM_DURABLE)
		timing_add(&engine.claim_resumed, clock_monotonic_us() - c->settled_us);
	if (c->state == CLAIM_DURABLE)
		claim_reply(r, c);
	else if (c->state == CLAIM_REFUSED)
		reply_error(r, 409, "already_claimed", NULL, "每人限领 %d 张,您已领取 (limit %d per person reached)",
		            c->kind->def.per_person_limit, c->kind->def.per_person_limit);
	else
		reply_error(r, 503, "busy", NULL, "系统繁忙,请重试 (could not be saved; retry)");
}

/* Wake everyone waiting on a claim that reached its end; each is answered on its own worker thread. */
static void claim_settle(struct claim *c, enum claim_state state)
{
	struct shard *sh = c->shard;
	pthread_mutex_lock(&sh->lock);
	c->state = state;
	struct waiter *w = c->waiters;
	c->waiters = NULL;
	pthread_mutex_unlock(&sh->lock);
	for (struct waiter *next; w; w = next) {
		next = w->next;
		request_resume(w->r);
		if (w != &c->claimant)
			free(w);
	}
}

/* ---- the writer ------------------------------------------------------- */

/*
** A voucher's code: "FZ", four letters of the batch number, then 12 random
** letters, from a 32-letter alphabet without look-alikes (60 random bits; a
** guess hits one of a batch's few hundred codes once in 10^15 tries).  The
** batch letters are why the writer, not the worker, makes the code: fully
** random codes put every claim of a batch on a different page of the code
** index, so each commit wrote (and fsync'd) about one 4 KiB page per claim.
** With the batch number in front, each batch's codes sit together, and as
** the number only grows (coming round after 2^20 batches, into places that
** hold a handful of codes each) a commit adds to the end of the index: a
** few pages, however many vouchers the table holds.  (With two letters, the
** prefix came round every 1,024 batches into places that grew with the
** table: at 3,000,000 vouchers an insert cost half as much again.)
** randombytes_buf() is a getrandom() system call, so draw 4 KiB at a time.
*/
static void voucher_code(char out[20], unsigned batch)
{
	static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
	static unsigned char pool[4096]; /* the writer thread's alone */
	static size_t left;
	if (left < 12) {
		randombytes_buf(pool, sizeof pool);
		left = sizeof pool;
	}
	left -= 12;
	memcpy(out, "FZ", 2);
	for (int i = 0; i < 4; i++)
		out[2 + i] = alphabet[batch >> (15 - 5 * i) & 31];
	for (int i = 0; i < 12; i++)
		out[6 + i] = alphabet[pool[left + i] & 31];
	out[18] = 0;
}

static int write_claim(struct db_stmt *insert, const struct claim *c)
{
	int r = db_rebind(insert, "tiittiii", c->code, c->kind->def.id, c->api_key_id, c->person, c->request_id,
	                  (int64_t)c->person_seq, c->claimed_at, c->expires_at);
	return r < 0 ? r : db_step(insert);
}

static const char insert_sql[] = "INSERT INTO vouchers(code, kind_id, api_key_id, person, request_id, person_seq,"
                                 " claimed_at, expires_at) VALUES (?,?,?,?,?,?,?,?)";

/* Units of a lease the bucket no longer takes from (PostgreSQL): the ticker gives them back to the kind. */
static void give_back_later(int64_t lease, int64_t n)
{
	pthread_mutex_lock(&engine.give_back_lock);
	size_t i = 0;
	while (i < engine.n_give_backs && engine.give_backs[i].lease != lease)
		i++;
	if (i == engine.n_give_backs && i == engine.cap_give_backs) {
		size_t cap = engine.cap_give_backs ? 2 * engine.cap_give_backs : 16;
		struct give_back *grown = realloc(engine.give_backs, cap * sizeof *grown);
		if (grown) {
			engine.give_backs = grown;
			engine.cap_give_backs = cap;
		}
	}
	if (i < engine.n_give_backs)
		engine.give_backs[i].n += n;
	else if (i < engine.cap_give_backs)
		engine.give_backs[engine.n_give_backs++] = (struct give_back){lease, n};
	/* else out of memory: the units come back when the lease is closed */
	pthread_mutex_unlock(&engine.give_back_lock);
}

/* A reserved unit of stock back to its bucket, k->lock held; true when the bucket no longer takes
** from the unit's lease: the caller then gives it back to the kind (give_back_later) once unlocked. */
static bool stock_back_locked(struct kind_state *k, int64_t api_key_id, int64_t lease)
{
	struct bucket *b = bucket_of(k, api_key_id);
	if (b->lease != lease)
		return true;
	b->remaining++;
	return false;
}

/* Give a reservation back: the stock and the person's number (it was never
** saved).  The person is looked up again: the map may have grown since. */
static void reservation_undo(struct kind_state *k, int64_t api_key_id, const char *person, int seq, int64_t lease)
{
	unsigned char key[8 + 65];
	size_t n = channel_key(key, api_key_id, person);
	pthread_mutex_lock(&k->lock);
	bool moved_on = stock_back_locked(k, api_key_id, lease);
	uintptr_t *held = strmap_get(k->people, key, n);
	if (held)
		*held &= ~PERSON_BIT(seq);
	pthread_mutex_unlock(&k->lock);
	if (moved_on)
		give_back_later(lease, 1);
}

static void claim_undo(struct claim *c)
{
	reservation_undo(c->kind, c->api_key_id, c->person, c->person_seq, c->lease);
}

/* The log's size on disk in MiB (slow commits only: a stat). */
static double log_mib(void)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s-wal", db_path(engine.db));
	return stat(path, &st) == 0 ? (double)st.st_size / (1 << 20) : -1;
}

/*
** A batch: the claims one transaction wrote, waiting for the flush that makes
** them durable, with where its time went (monotonic µs).
*/
struct batch {
	struct batch *next;
	struct claim *claims;
	size_t n;
	int64_t began, inserted, written; /* BEGIN, inserts done, COMMIT returned */
};

/* A checkpoint's last run, for the slow-commit lines (monotonic µs; end 0 while it runs). */
static void checkpoint_began(struct checkpoint_run *run)
{
	atomic_store(&run->end_us, 0);
	atomic_store(&run->start_us, clock_monotonic_us());
}

static void checkpoint_ended(struct checkpoint_run *run)
{
	atomic_store(&run->end_us, clock_monotonic_us());
}

/* "none", or how long the last run took if it overlapped from..to. */
static void checkpoint_overlap(char *text, size_t size, struct checkpoint_run *run, int64_t from, int64_t to)
{
	int64_t start = atomic_load(&run->start_us), end = atomic_load(&run->end_us);
	if (start && start < to && (end == 0 || end > from))
		snprintf(text, size, "%s %.1f ms", end ? "ran" : "running for", ((end ? end : to) - start) / 1e3);
	else
		snprintf(text, size, "none");
}

/*
** Count a batch's commit (from BEGIN to durable: what its claims waited for
** once the writer took them) and its claims, and log it if slow, with where
** its time went and what else ran meanwhile.  On the flusher's thread.
*/
static void commit_timed(const struct batch *b, int64_t flush_began, int64_t durable)
{
	int64_t us = durable - b->began;
	engine.commits++;
	engine.claims_committed += b->n;
	timing_add(&engine.commit_time, us);
	for (struct claim *c = b->claims; c; c = c->next) {
		timing_add(&engine.claim_queued, b->began - c->queued_us);
		timing_add(&engine.claim_committing, us);
	}
	if (us < SLOW_COMMIT_US)
		return;
	engine.commits_slow++;
	char ticker[64], own[64];
	checkpoint_overlap(ticker, sizeof ticker, &engine.ticker_checkpoint, b->began, durable);
	checkpoint_overlap(own, sizeof own, &engine.writer_checkpoint, b->began, durable);
	int64_t flushing_from = flush_began > b->written ? flush_began : b->written;
	log_notice("vouchers: slow commit %.1f ms: %zu claims, the oldest queued %.1f ms before;"
	           " inserts %.1f ms, commit (written) %.1f ms, waiting for the flush before %.1f ms, flush %.1f ms;"
	           " log %.1f MiB; writer checkpoint: %s; ticker checkpoint: %s",
	           us / 1e3, b->n, (b->began - b->claims->queued_us) / 1e3, (b->inserted - b->began) / 1e3,
	           (b->written - b->inserted) / 1e3, (flushing_from - b->written) / 1e3,
	           (durable - flushing_from) / 1e3, log_mib(), own, ticker);
}

/* Hand a written batch to the flusher. */
static void batch_written(struct batch *b)
{
	pthread_mutex_lock(&engine.queue_lock);
	*engine.written_tail = b;
	engine.written_tail = &b->next;
	pthread_cond_signal(&engine.written_ready);
	pthread_mutex_unlock(&engine.queue_lock);
}

/*
** The database refused a claim's row as a duplicate: another node (on
** PostgreSQL) wrote a voucher this node's memory did not know of.  Either
** the request id has a voucher already, which is its first answer, or the
** person's number is taken: the person's numbers are read, and the claim
** takes a free one, or is refused if none is left.  Inside the writer's
** transaction (the failed statement alone was undone).  Returns
** CONFLICT_RETRY to write the claim again, CONFLICT_SETTLED when the claim
** was answered and holds no row of this batch, or a db error.
*/
enum { CONFLICT_SETTLED = 10, CONFLICT_RETRY = 11, LEASE_REFUSED = -100 }; /* apart from db.h's codes */

/*
** The voucher a channel's request id was first answered with, by whichever
** node: its code, times and kind (NULL if this node does not hold the kind)
** into *ret.  DB_ROW if there is one, DB_DONE or a db error.
*/
static int first_voucher(struct db *d, int64_t channel, const char *request_id, struct claim *ret)
{
	struct db_stmt *s;
	int r = db_prepare(
	    d, &s, "SELECT code, kind_id, claimed_at, expires_at FROM vouchers WHERE api_key_id = ? AND request_id = ?",
	    "it", channel, request_id);
	if (r == 0 && (r = db_step(s)) == DB_ROW) {
		ret->kind = kind_find(db_column_int64(s, 1));
		snprintf(ret->code, sizeof ret->code, "%s", db_column_text(s, 0));
		ret->claimed_at = db_column_int64(s, 2);
		ret->expires_at = db_column_int64(s, 3);
	}
	db_finalize(s);
	return r;
}

static int claim_conflict(struct claim *c)
{
	struct db_stmt *s;
	struct claim first = {0};
	if (first_voucher(engine.db, c->api_key_id, c->request_id, &first) == DB_ROW) {
		claim_undo(c);
		if (first.kind) { /* answered as that voucher, on disk already */
			memcpy(c->code, first.code, sizeof c->code);
			c->kind = first.kind;
			c->claimed_at = first.claimed_at;
			c->expires_at = first.expires_at;
		}
		c->settled_us = clock_monotonic_us();
		claim_settle(c, first.kind ? CLAIM_DURABLE : CLAIM_FAILED);
		return CONFLICT_SETTLED;
	}
	uintptr_t taken = 0;
	int r = db_prepare(engine.db, &s,
	                   "SELECT person_seq FROM vouchers WHERE kind_id = ? AND api_key_id = ? AND person = ?", "iit",
	                   c->kind->def.id, c->api_key_id, c->person);
	while (r == 0 && (r = db_step(s)) == DB_ROW) {
		int64_t seq = db_column_int64(s, 0);
		if (seq >= 1 && seq <= PERSON_MAX)
			taken |= PERSON_BIT(seq);
		r = 0;
	}
	db_finalize(s);
	if (r != DB_DONE)
		return r < 0 ? r : DB_ERROR;
	if (!(taken & PERSON_BIT(c->person_seq)))
		return DB_ERROR; /* neither: not a conflict another node explains */
	struct kind_state *k = c->kind;
	unsigned char key[8 + 65];
	size_t n = channel_key(key, c->api_key_id, c->person);
	int limit = k->def.per_person_limit < PERSON_MAX ? k->def.per_person_limit : PERSON_MAX;
	pthread_mutex_lock(&k->lock);
	uintptr_t *held = strmap_get(k->people, key, n); /* there since the claim's reservation */
	*held = (*held & ~PERSON_BIT(c->person_seq)) | taken;
	bool full = PERSON_COUNT(*held) >= limit, moved_on = false;
	if (!full) {
		c->person_seq = PERSON_FREE_SEQ(*held);
		*held |= PERSON_BIT(c->person_seq);
	} else { /* the stock back; its number is another voucher's */
		moved_on = stock_back_locked(k, c->api_key_id, c->lease);
	}
	pthread_mutex_unlock(&k->lock);
	if (!full)
		return CONFLICT_RETRY;
	if (moved_on)
		give_back_later(c->lease, 1);
	claim_settle(c, CLAIM_REFUSED);
	return CONFLICT_SETTLED;
}

/* Count a batch's vouchers into their leases (PostgreSQL): LEASE_REFUSED if a lease refused them. */
static int leases_use(const struct batch *b)
{
	int r = 0;
	int64_t *counted = calloc(b->n, sizeof *counted); /* the leases done */
	if (!counted)
		return DB_ERROR;
	size_t n_counted = 0;
	for (const struct claim *c = b->claims; r == 0 && c; c = c->next) {
		size_t i = 0;
		while (i < n_counted && counted[i] != c->lease)
			i++;
		if (i < n_counted)
			continue;
		int64_t n = 0;
		for (const struct claim *d = c; d; d = d->next)
			n += d->lease == c->lease;
		counted[n_counted++] = c->lease;
		r = voucher_lease_use(engine.db, c->lease, n);
		if (r == DB_DONE)
			r = LEASE_REFUSED;
	}
	free(counted);
	return r;
}

/*
** Write the claims of a batch in the caller's transaction, and count them
** into their leases.  A claim another node's voucher explains is answered
** and leaves the batch.
*/
static int write_batch(struct batch *b)
{
	struct db_stmt *insert = NULL;
	int r = db_prepare(engine.db, &insert, insert_sql, NULL);
	for (struct claim **at = &b->claims, *c; r >= 0 && (c = *at);) {
		r = write_claim(insert, c);
		for (int tries = 0; r == DB_CONSTRAINT && tries < PERSON_MAX; tries++)
			if ((r = claim_conflict(c)) == CONFLICT_RETRY)
				r = write_claim(insert, c);
		if (r == CONFLICT_SETTLED) {
			*at = c->next;
			c->next = NULL;
			b->n--;
			r = 0;
		} else {
			at = &c->next;
		}
	}
	db_finalize(insert);
	if (r >= 0 && engine.leasing && b->n)
		r = leases_use(b);
	return r < 0 ? r : 0;
}

/*
** A lease refused a batch: the node was taken for dead (its connection to
** the database was lost, and with it its lock) and its leases were closed.
** Claims now take new leases, under a new number locked on the writer's
** connection as it is now.
*/
static void leases_lost(void)
{
	int64_t node = 0;
	pthread_rwlock_rdlock(&engine.kinds_lock);
	for (size_t i = 0; i < engine.n_kinds; i++) {
		struct kind_state *k = engine.kinds[i];
		pthread_mutex_lock(&k->lock);
		for (int j = 0; j < k->n_buckets; j++)
			k->buckets[j].remaining = k->buckets[j].lease = 0;
		pthread_mutex_unlock(&k->lock);
	}
	pthread_rwlock_unlock(&engine.kinds_lock);
	if (voucher_node_start(engine.db, &node) < 0)
		log_error("vouchers: cannot start again as a node: %s", db_errmsg(engine.db));
	else
		atomic_store(&engine.node, node);
	log_error("vouchers: this node's leases were closed; now node %lld", (long long)node);
}

/*
** Write a batch in one transaction (if that fails, each claim on its own),
** and hand what was written to the flusher: the commit returns before the
** log is flushed (db_commits_unsynced), so the writer takes the next batch
** while the disk flushes this one.  A claim refused is answered at once.
*/
static void commit_batch(struct batch *b)
{
	static unsigned batches; /* the writer thread's alone */
	b->began = clock_monotonic_us();
	batches++;
	for (struct claim *c = b->claims; c; c = c->next)
		voucher_code(c->code, batches);
	int r = db_begin(engine.db);
	if (r == 0)
		r = write_batch(b);
	b->inserted = clock_monotonic_us();
	if (r == 0)
		r = db_commit(engine.db);
	b->written = clock_monotonic_us();
	if (r < 0) {
		char why[256];
		snprintf(why, sizeof why, "%s", db_errmsg(engine.db));
		db_rollback(engine.db);
		if (r == LEASE_REFUSED)
			leases_lost();
		/* A full disk is named: the operator must free space; the claims are answered 503, never acknowledged. */
		log_error("vouchers: batch commit failed (%s%s); saving claims one by one",
		          r == DB_FULL         ? "disk full: "
		          : r == LEASE_REFUSED ? "lease closed: "
		                               : "",
		          why);
		struct claim **kept = &b->claims;
		b->n = 0;
		for (struct claim *c = b->claims, *next; c; c = next) {
			next = c->next;
			c->next = NULL;
			struct batch one = {.claims = c, .n = 1};
			int done = db_begin(engine.db);
			if (done == 0)
				done = write_batch(&one);
			if (done == 0)
				done = db_commit(engine.db);
			else
				db_rollback(engine.db);
			if (done == 0 && one.n) {
				*kept = c;
				kept = &c->next;
				b->n++;
			} else if (done < 0) {
				log_error("vouchers: claim %s not saved: %s", c->code, db_errmsg(engine.db));
				claim_undo(c);
				claim_settle(c, CLAIM_FAILED);
			}
		}
		*kept = NULL;
		b->written = clock_monotonic_us();
	}
	if (b->n)
		batch_written(b); /* the flusher's from here on */
	else
		free(b);
	if (atomic_exchange(&engine.log_long, false)) {
		checkpoint_began(&engine.writer_checkpoint);
		db_checkpoint(engine.db, NULL);
		checkpoint_ended(&engine.writer_checkpoint);
	}
}

static void *writer_main(void *unused)
{
	(void)unused;
	pthread_setname_np(pthread_self(), "voucher-writer");
	for (;;) {
		pthread_mutex_lock(&engine.queue_lock);
		/* One batch written ahead of the flush in progress, no more: the
		** next waits until the flusher has taken it, so each batch is what
		** came during a flush.  Running further ahead would make batches of
		** a few claims, each commit writing the same index pages to the log
		** again, many times the log's bytes to flush. */
		while ((!engine.queue_head || engine.written_head) && !engine.stopping)
			pthread_cond_wait(&engine.queue_ready, &engine.queue_lock);
		/* Group commit without waiting: the writer takes everything queued
		** as soon as it is free, so each batch is what came in during the
		** last flush.  In a storm the batches grow by themselves to what
		** one flush's time gathers; a lone claim is committed at once.  (A
		** fixed gap between commits, 5 ms once, made every claim at moderate
		** load wait for it, and set the pace at 200 connections.) */
		struct claim *batch = engine.queue_head;
		/* Take at most BATCH_MAX so one transaction stays short. */
		struct claim *cut = batch;
		size_t n = 1;
		for (; cut && cut->next && n < BATCH_MAX; n++)
			cut = cut->next;
		if (cut) {
			engine.queued -= n;
			engine.queue_head = cut->next;
			cut->next = NULL;
			if (!engine.queue_head)
				engine.queue_tail = &engine.queue_head;
		}
		bool done = !batch && engine.stopping;
		if (done) { /* the flusher ends once it has flushed what the writer handed it */
			engine.writer_done = true;
			pthread_cond_signal(&engine.written_ready);
		}
		pthread_mutex_unlock(&engine.queue_lock);
		if (done)
			return NULL;
		struct batch *b = calloc(1, sizeof *b);
		if (!b) {
			log_error("vouchers: out of memory for a batch of %zu claims", n);
			for (struct claim *c = batch, *next; c; c = next) {
				next = c->next;
				c->next = NULL;
				claim_undo(c);
				claim_settle(c, CLAIM_FAILED);
			}
			continue;
		}
		b->claims = batch;
		b->n = n;
		commit_batch(b);
	}
}

/*
** The flusher: flushes the log for the batch written since its last flush,
** then answers its claims.  While it waits for the disk the writer writes
** the next batch: a claim waits for at most the flush in progress and its
** own, never for another batch's inserts, and the inserts of one batch
** overlap the flush of the last.
*/
static void *flusher_main(void *unused)
{
	(void)unused;
	pthread_setname_np(pthread_self(), "voucher-flush");
	for (;;) {
		pthread_mutex_lock(&engine.queue_lock);
		while (!engine.written_head && !engine.writer_done)
			pthread_cond_wait(&engine.written_ready, &engine.queue_lock);
		struct batch *batches = engine.written_head;
		engine.written_head = NULL;
		engine.written_tail = &engine.written_head;
		pthread_cond_signal(&engine.queue_ready); /* the writer may write the next batch */
		pthread_mutex_unlock(&engine.queue_lock);
		if (!batches)
			return NULL; /* the writer is done and everything is flushed */
		int64_t flush_began = clock_monotonic_us();
		if (db_log_sync(engine.db) < 0) {
			/* The batches are committed but perhaps not on disk, and a
			** failed flush may have dropped the pages it could not write
			** (Linux): neither answering them nor undoing them is true.
			** Stop, as PostgreSQL does; a restart rebuilds memory from
			** what the disk holds, and the clients' retries with the same
			** request ids learn the outcome. */
			log_error("vouchers: the log could not be flushed to disk (%s): stopping the server",
			          strerror(errno));
			abort();
		}
		int64_t durable = clock_monotonic_us();
		engine.flushes++;
		for (struct batch *b = batches, *next; b; b = next) {
			next = b->next;
			/* The claims are kept (engine.all) and their links unchanged: counted after their answers went. */
			for (struct claim *c = b->claims, *cn; c; c = cn) {
				cn = c->next;
				c->settled_us = durable;
				claim_settle(c, CLAIM_DURABLE);
			}
			commit_timed(b, flush_began, durable);
			free(b);
		}
	}
}

static void enqueue(struct claim *c)
{
	pthread_mutex_lock(&engine.queue_lock);
	c->next = NULL;
	c->queued_us = clock_monotonic_us();
	*engine.queue_tail = c;
	engine.queue_tail = &c->next;
	engine.queued++;
	pthread_cond_signal(&engine.queue_ready);
	pthread_mutex_unlock(&engine.queue_lock);
}

/* ---- claiming --------------------------------------------------------- */

static bool channel_offered(const struct voucher_kind_def *k, int64_t api_key_id)
{
	for (int i = 0; i < k->n_channels; i++)
		if (k->channels[i] == api_key_id)
			return true;
	return false;
}

static struct claim *claim_new(struct kind_state *k, int64_t api_key_id, const char *person, const char *request_id,
                               int64_t claimed_at)
{
	size_t lp = strlen(person) + 1, lr = strlen(request_id) + 1;
	struct claim *c = calloc(1, sizeof *c + lp + lr);
	if (!c)
		return NULL;
	char *strings = (char *)(c + 1);
	memcpy(strings, person, lp);
	memcpy(strings + lp, request_id, lr);
	c->person = strings;
	c->request_id = strings + lp;
	c->kind = k;
	c->api_key_id = api_key_id;
	c->claimed_at = claimed_at;
	c->expires_at = claimed_at + (int64_t)k->def.validity_days * 86400;
	pthread_mutex_lock(&engine.all_lock);
	if (engine.n_all == engine.cap_all) {
		size_t cap = engine.cap_all ? engine.cap_all * 2 : 1024;
		struct claim **grown = realloc(engine.all, cap * sizeof *grown);
		if (!grown) {
			pthread_mutex_unlock(&engine.all_lock);
			free(c);
			return NULL;
		}
		engine.all = grown;
		engine.cap_all = cap;
	}
	engine.all[engine.n_all++] = c;
	pthread_mutex_unlock(&engine.all_lock);
	return c;
}

/*
** Answer a request whose id was seen before: with the first answer, now if
** it is durable, or when it becomes so.  Returns false if the earlier claim
** failed, so this one should be tried afresh.  Caller holds the shard lock.
*/
static bool answer_repeat(struct request *r, struct claim *c)
{
	if (c->state == CLAIM_FAILED || c->state == CLAIM_REFUSED)
		return false;
	if (c->state == CLAIM_DURABLE) {
		claim_reply(r, c);
		return true;
	}
	struct waiter *w = malloc(sizeof *w);
	if (!w) {
		reply_error(r, 503, "busy", NULL, "系统繁忙,请重试 (out of memory)");
		return true;
	}
	w->r = r;
	w->next = c->waiters;
	c->waiters = w;
	request_defer(r, claim_answer_deferred, c);
	return true;
}

/* A kind made on another node (PostgreSQL): loaded on its first claim here. */
static struct kind_state *kind_learn(struct db *d, int64_t kind_id)
{
	struct voucher_kind_def def;
	/* DB_DONE: no such kind, def untouched */
	if (voucher_kind_load(d, kind_id, &def) != 0 || voucher_engine_add_kind(&def) < 0)
		return NULL;
	return kind_find(kind_id);
}

/*
** Lease more of a bucket's stock (PostgreSQL), on the claiming worker's
** connection; one worker of a kind at a time, the others wait and find the
** bucket filled.  A new lease replaces the old one; its units given back
** since go back to the kind through the ticker (give_back_later).  When nothing is left to
** lease the bucket is sold out for DRY_US: a storm after the last voucher
** costs one query a second, and another node's closed lease is found then.
** False when the database could not be asked: that is no answer (503), not
** "sold out".
*/
static bool lease_refill(struct kind_state *k, struct bucket *b, struct db *d)
{
	bool asked = true;
	pthread_mutex_lock(&k->lease_lock);
	pthread_mutex_lock(&k->lock);
	bool needed = b->remaining <= 0 && b->dry_until <= clock_monotonic_us();
	pthread_mutex_unlock(&k->lock);
	if (needed) {
		int64_t lease = 0, size = 0;
		if (voucher_lease_take(d, atomic_load(&engine.node), k->def.id, b->api_key_id, b->stock, LEASE_BLOCK,
		                       &lease, &size) < 0) {
			log_error("vouchers: cannot lease stock of kind %lld: %s", (long long)k->def.id, db_errmsg(d));
			asked = false;
		}
		int64_t old_lease = 0, old_left = 0; /* claims of the old lease undone meanwhile */
		pthread_mutex_lock(&k->lock);
		if (size > 0) {
			old_lease = b->lease;
			old_left = b->remaining;
			b->lease = lease;
			b->remaining = size;
		} else if (asked) {
			b->dry_until = clock_monotonic_us() + DRY_US;
		}
		pthread_mutex_unlock(&k->lock);
		if (old_left > 0)
			give_back_later(old_lease, old_left);
	}
	pthread_mutex_unlock(&k->lease_lock);
	return asked;
}

/*
** A request id this node has not seen may have been answered by another
** (PostgreSQL): before refusing it, look for its voucher, and answer with
** it.  True if answered.
*/
static bool repeat_from_database(struct request *r, int64_t channel, const char *request_id)
{
	struct claim first = {.api_key_id = channel};
	if (first_voucher(r->db, channel, request_id, &first) != DB_ROW || !first.kind)
		return false;
	claim_reply(r, &first);
	return true;
}

void voucher_engine_claim(struct request *r, int64_t round_id, int64_t kind_id, const char *person,
                          const char *request_id)
{
	if (!engine.running) {
		reply_error(r, 503, "busy", NULL, "消费券服务未启动 (the voucher engine is not running)");
		return;
	}
	int64_t channel = r->who.api_key_id, now = clock_now();
	unsigned char id_key[8 + 65], person_key[8 + 65];
	size_t id_len = channel_key(id_key, channel, request_id), person_len = channel_key(person_key, channel, person);
	struct shard *sh = shard_of(id_key, id_len);

	/* A request id seen before gets the first answer. */
	pthread_mutex_lock(&sh->lock);
	uintptr_t *seen = strmap_get(sh->ids, id_key, id_len);
	if (seen && answer_repeat(r, (struct claim *)*seen)) {
		pthread_mutex_unlock(&sh->lock);
		return;
	}
	pthread_mutex_unlock(&sh->lock);

	struct kind_state *k = kind_find(kind_id);
	if (!k && engine.leasing)
		k = kind_learn(r->db, kind_id);
	if (!k || k->def.round_id != round_id) {
		reply_error(r, 404, "unknown_kind", "kind", "该期没有这种消费券 (no such voucher kind in this round)");
		return;
	}
	if (!channel_offered(&k->def, channel)) {
		reply_error(r, 403, "foreign_round", "round",
		            "该期消费券不在本渠道发放 (this round is not offered through your channel)");
		return;
	}
	if (now < k->def.starts_at || now >= k->def.ends_at) {
		reply_error(r, 422, "round_not_open", "round", "该期消费券%s (the round is %s)",
		            now < k->def.starts_at ? "尚未开始" : "已结束",
		            now < k->def.starts_at ? "not open yet" : "over");
		return;
	}

	/* Reserve in memory: the answers "already claimed" and "sold out" need no
	** disk, and a person is remembered only once given a voucher.  On
	** PostgreSQL an empty bucket first leases more, once. */
	bool created, leased = false;
	const char *refusal;
	int seq = 0;
	int64_t lease = 0;
	struct bucket *b = bucket_of(k, channel);
	for (;;) {
		pthread_mutex_lock(&k->lock);
		uintptr_t *held = strmap_get(k->people, person_key, person_len);
		int limit = k->def.per_person_limit < PERSON_MAX ? k->def.per_person_limit : PERSON_MAX;
		refusal = held && PERSON_COUNT(*held) >= limit ? "already_claimed"
		          : !b || b->remaining <= 0            ? "sold_out"
		                                               : NULL;
		if (!refusal && !held && !(held = strmap_put(k->people, person_key, person_len, &created)))
			refusal = "busy";
		if (!refusal) {
			b->remaining--;
			lease = b->lease;
			seq = PERSON_FREE_SEQ(*held);
			*held |= PERSON_BIT(seq);
		}
		bool lease_more = engine.leasing && b && refusal && strcmp(refusal, "sold_out") == 0 && !leased &&
		                  b->dry_until <= clock_monotonic_us();
		pthread_mutex_unlock(&k->lock);
		if (!lease_more)
			break;
		if (!lease_refill(k, b, r->db)) {
			refusal = "busy";
			break;
		}
		leased = true;
	}
	/* Another node may have answered this request id first. */
	if (refusal && engine.leasing && repeat_from_database(r, channel, request_id))
		return;
	if (refusal) {
		if (strcmp(refusal, "already_claimed") == 0)
			reply_error(r, 409, refusal, NULL, "每人限领 %d 张,您已领取 (limit %d per person reached)",
			            k->def.per_person_limit, k->def.per_person_limit);
		else if (strcmp(refusal, "sold_out") == 0)
			reply_error(r, 409, refusal, NULL, "消费券已领完 (sold out)");
		else
			reply_error(r, 503, refusal, NULL, "系统繁忙,请重试 (busy; retry)");
		return;
	}

	struct claim *c = claim_new(k, channel, person, request_id, now);
	if (c) {
		c->person_seq = seq;
		c->lease = lease;
		c->shard = sh;
	}
	pthread_mutex_lock(&sh->lock);
	seen = c ? strmap_put(sh->ids, id_key, id_len, &created) : NULL;
	if (seen && !created && ((struct claim *)*seen)->state != CLAIM_FAILED &&
	    ((struct claim *)*seen)->state != CLAIM_REFUSED) {
		/* The same request id raced in from another connection: it won. */
		struct claim *first = (struct claim *)*seen;
		c->state = CLAIM_FAILED;
		answer_repeat(r, first);
		pthread_mutex_unlock(&sh->lock);
		reservation_undo(k, channel, person, seq, lease);
		return;
	}
	if (seen) {
		*seen = (uintptr_t)c;
		c->claimant = (struct waiter){r, NULL};
		c->waiters = &c->claimant;
		request_defer(r, claim_answer_deferred, c);
	}
	pthread_mutex_unlock(&sh->lock);
	if (!seen) {
		if (c)
			c->state = CLAIM_FAILED;
		reservation_undo(k, channel, person, seq, lease);
		reply_error(r, 503, "busy", NULL, "系统繁忙,请重试 (out of memory)");
		return;
	}
	enqueue(c);
}

/* ---- live counters and checkpoints ------------------------------------ */

/*
** The writer's commits do not checkpoint (db_checkpoints_by_hand()): a
** checkpoint copies pages into the database file and fsyncs it, and on the
** writer that held up every claim queued behind it.  The ticker does it once
** a second on its own connection, beside the writer's commits.
**
** The log starts afresh (its file written again from the start, not grown)
** only at a commit that finds all of it copied, and the ticker never gets
** there in a storm: the writer commits again before a pass is done.  So
** once the log is past LOG_RESTART_PAGES the writer checkpoints once itself,
** right after a commit, when nothing new can be in the log; its next commit
** starts the log afresh.  That holds up the claims queued meanwhile, so the
** ticker first runs pass after pass, each copying only what the writer
** committed during the last, until a pass is short: the writer then copies
** only what came during that one (a few pages and an fsync).  Asked after a
** single pass of a second's log, as before session 7, the writer's share was
** that pass's length of commits: one took 131 ms.  All checkpoints are
** passive: a reader holding old pages delays the restart, never a claim.
*/
static void checkpoint(void)
{
	int log_pages = 0, r = 0;
	checkpoint_began(&engine.ticker_checkpoint);
	/* A pass copies the log as it was when the pass began; the next pass's
	** log length says how much came meanwhile. */
	for (int pass = 0, before = -1; pass < CATCH_UP_PASSES; pass++, before = log_pages) {
		r = db_checkpoint(engine.checkpoint_db, &log_pages);
		if (r < 0 || log_pages <= LOG_RESTART_PAGES || (before >= 0 && log_pages - before <= CATCH_UP_PAGES))
			break;
	}
	checkpoint_ended(&engine.ticker_checkpoint);
	if (r == 0 && log_pages > LOG_RESTART_PAGES)
		atomic_store(&engine.log_long, true);
}

/* What is left of a kind: in memory on a lone server, in the leases' counts on PostgreSQL (-1: unknown). */
static int64_t kind_remaining(struct kind_state *k)
{
	int64_t claimed = 0, remaining = 0;
	if (engine.leasing)
		return db_query_int64(engine.checkpoint_db, &claimed,
		                      "SELECT COALESCE(sum(used), 0) FROM voucher_leases WHERE kind_id = ?", "i",
		                      k->def.id) < 0
		           ? -1
		           : k->def.stock - claimed;
	pthread_mutex_lock(&k->lock);
	for (int b = 0; b < k->n_buckets; b++)
		remaining += k->buckets[b].remaining;
	pthread_mutex_unlock(&k->lock);
	return remaining;
}

static int kinds_load(struct db *d);

/*
** Once a second on PostgreSQL: give back the units of old leases no claim
** will use, learn the kinds other nodes made (so their counters are
** published here too), and close the leases of nodes that died.  Every node
** looks for the dead (closing twice is harmless: the second finds nothing
** open), so their stock is back within a second of their connections
** ending, not after the voucher duty has moved.
*/
static void nodes_tick(void)
{
	pthread_mutex_lock(&engine.give_back_lock);
	struct give_back *give_backs = engine.give_backs;
	size_t n_give_backs = engine.n_give_backs;
	engine.give_backs = NULL;
	engine.n_give_backs = engine.cap_give_backs = 0;
	pthread_mutex_unlock(&engine.give_back_lock);
	for (size_t i = 0; i < n_give_backs; i++)
		if (voucher_lease_give_back(engine.checkpoint_db, give_backs[i].lease, give_backs[i].n) < 0)
			log_error("vouchers: cannot give back %lld unused of lease %lld: %s",
			          (long long)give_backs[i].n, (long long)give_backs[i].lease,
			          db_errmsg(engine.checkpoint_db));
	free(give_backs);
	if (kinds_load(engine.checkpoint_db) < 0)
		log_error("vouchers: cannot load the open kinds: %s", db_errmsg(engine.checkpoint_db));
	int closed = voucher_leases_reclaim(engine.checkpoint_db, atomic_load(&engine.node));
	if (closed < 0)
		log_error("vouchers: cannot close dead nodes' leases: %s", db_errmsg(engine.checkpoint_db));
	else if (closed > 0)
		log_notice("vouchers: closed the leases of %d node(s) no longer running", closed);
}

/*
** Once a second, publish the counters of every kind whose stock moved, for
** the consoles watching a round (counting from memory costs nothing; a storm
** of claims becomes one event a second per kind), and checkpoint.
*/
static void *ticker_main(void *unused)
{
	(void)unused;
	pthread_setname_np(pthread_self(), "voucher-ticker");
	int64_t *last = NULL;
	size_t n_last = 0;
	pthread_mutex_lock(&engine.queue_lock);
	while (!engine.stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&engine.ticker_wake, &engine.queue_lock, &until);
		if (engine.stopping)
			break;
		pthread_mutex_unlock(&engine.queue_lock);
		pthread_rwlock_rdlock(&engine.kinds_lock);
		if (n_last < engine.n_kinds) {
			int64_t *grown = realloc(last, engine.n_kinds * sizeof *grown);
			if (grown) {
				for (size_t i = n_last; i < engine.n_kinds; i++)
					grown[i] = -1;
				last = grown;
				n_last = engine.n_kinds;
			}
		}
		/* Of several nodes, the one doing the voucher duty counts, from the leases. */
		bool counting = !engine.leasing || cluster_leads(DUTY_VOUCHERS);
		for (size_t i = 0; counting && i < engine.n_kinds && i < n_last; i++) {
			struct kind_state *k = engine.kinds[i];
			int64_t remaining = kind_remaining(k);
			if (remaining < 0 || remaining == last[i])
				continue;
			last[i] = remaining;
			json_t *data =
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "kind", (json_int_t)k->def.id, "round",
			              (json_int_t)k->def.round_id, "campaign", (json_int_t)k->def.campaign_id, "stock",
			              (json_int_t)k->def.stock, "claimed", (json_int_t)(k->def.stock - remaining),
			              "remaining", (json_int_t)remaining);
			events_publish("voucher.counter", k->def.org_path, data);
			json_decref(data);
		}
		pthread_rwlock_unlock(&engine.kinds_lock);
		if (engine.leasing)
			nodes_tick();
		checkpoint();
		pthread_mutex_lock(&engine.queue_lock);
	}
	pthread_mutex_unlock(&engine.queue_lock);
	free(last);
	return NULL;
}

/* ---- start and stop --------------------------------------------------- */

int voucher_kind_load(struct db *d, int64_t kind_id, struct voucher_kind_def *ret)
{
	struct db_stmt *s;
	struct voucher_kind_def k = {0};
	int r =
	    db_prepare(d, &s,
	               "SELECT k.id, k.round_id, r.campaign_id, k.face_fen, k.threshold_fen, k.stock, k.validity_days,"
	               " k.per_person_limit, r.starts_at, r.ends_at, o.path FROM voucher_kinds k"
	               " JOIN voucher_rounds r ON r.id = k.round_id JOIN voucher_campaigns c ON c.id = r.campaign_id"
	               " JOIN orgs o ON o.id = c.org_id WHERE k.id = ?",
	               "i", kind_id);
	if (r < 0)
		return r;
	r = db_step(s);
	if (r == DB_ROW) {
		k.id = db_column_int64(s, 0);
		k.round_id = db_column_int64(s, 1);
		k.campaign_id = db_column_int64(s, 2);
		k.face_fen = db_column_int64(s, 3);
		k.threshold_fen = db_column_int64(s, 4);
		k.stock = db_column_int64(s, 5);
		k.validity_days = (int)db_column_int64(s, 6);
		k.per_person_limit = (int)db_column_int64(s, 7);
		k.starts_at = db_column_int64(s, 8);
		k.ends_at = db_column_int64(s, 9);
		snprintf(k.org_path, sizeof k.org_path, "%s", db_column_text(s, 10));
	}
	db_finalize(s);
	if (r != DB_ROW)
		return r;
	r = db_prepare(d, &s, "SELECT api_key_id FROM voucher_round_channels WHERE round_id = ? ORDER BY api_key_id",
	               "i", k.round_id);
	while (r == 0 && db_step(s) == DB_ROW && k.n_channels < VOUCHER_MAX_CHANNELS)
		k.channels[k.n_channels++] = db_column_int64(s, 0);
	db_finalize(s);
	if (r == 0)
		r = db_prepare(
		    d, &s, "SELECT api_key_id, stock FROM voucher_allocations WHERE kind_id = ? ORDER BY api_key_id",
		    "i", kind_id);
	while (r == 0 && db_step(s) == DB_ROW && k.n_allocations < VOUCHER_MAX_CHANNELS) {
		k.allocation_channel[k.n_allocations] = db_column_int64(s, 0);
		k.allocation_stock[k.n_allocations++] = db_column_int64(s, 1);
	}
	db_finalize(s);
	if (r == 0)
		*ret = k;
	return r;
}

/* Every kind of a round not yet over that memory does not hold yet: how many kinds are open, or a db error. */
static int kinds_load(struct db *d)
{
	struct db_stmt *s;
	int r =
	    db_prepare(d, &s,
	               "SELECT k.id FROM voucher_kinds k JOIN voucher_rounds r ON r.id = k.round_id WHERE r.ends_at > ?"
	               " ORDER BY k.id",
	               "i", clock_now());
	if (r < 0)
		return r;
	int64_t ids[4096];
	int n = 0;
	while (db_step(s) == DB_ROW && n < (int)(sizeof ids / sizeof ids[0]))
		ids[n++] = db_column_int64(s, 0);
	db_finalize(s);
	for (int i = 0; i < n; i++) {
		struct voucher_kind_def k;
		if (!kind_find(ids[i]) &&
		    ((r = voucher_kind_load(d, ids[i], &k)) < 0 || (r = voucher_engine_add_kind(&k)) < 0))
			return r;
	}
	return n;
}

/* Rebuild memory from the database: every kind of a round not yet over, and its vouchers. */
static int engine_load(struct db *d)
{
	struct db_stmt *s;
	int64_t now = clock_now();
	int n = kinds_load(d);
	if (n < 0)
		return n;
	int r = db_prepare(d, &s,
	                   "SELECT v.code, v.kind_id, v.api_key_id, v.person, v.person_seq, v.request_id, v.claimed_at,"
	                   " v.expires_at FROM vouchers v JOIN voucher_kinds k ON k.id = v.kind_id"
	                   " JOIN voucher_rounds r ON r.id = k.round_id WHERE r.ends_at > ?",
	                   "i", now);
	if (r < 0)
		return r;
	size_t loaded = 0;
	while ((r = db_step(s)) == DB_ROW) {
		struct kind_state *k = kind_find(db_column_int64(s, 1));
		if (!k)
			continue;
		int64_t channel = db_column_int64(s, 2);
		const char *person = db_column_text(s, 3), *request_id = db_column_text(s, 5);
		struct claim *c = claim_new(k, channel, person, request_id, db_column_int64(s, 6));
		if (!c) {
			r = -ENOMEM;
			break;
		}
		snprintf(c->code, sizeof c->code, "%s", db_column_text(s, 0));
		c->person_seq = (int)db_column_int64(s, 4);
		c->expires_at = db_column_int64(s, 7);
		c->state = CLAIM_DURABLE;
		unsigned char key[8 + 65];
		bool created;
		size_t len = channel_key(key, channel, person);
		uintptr_t *person_slot = strmap_put(k->people, key, len, &created);
		struct bucket *b = bucket_of(k, channel);
		len = channel_key(key, channel, request_id);
		c->shard = shard_of(key, len);
		uintptr_t *slot = strmap_put(c->shard->ids, key, len, &created);
		if (!person_slot || !slot) {
			r = -ENOMEM;
			break;
		}
		/* A number beyond PERSON_MAX or taken twice (written by builds
		** that did not give numbers back) still counts: it takes the lowest free one. */
		int seq = c->person_seq;
		if (seq < 1 || seq > PERSON_MAX || (*person_slot & PERSON_BIT(seq)))
			seq = ~*person_slot ? PERSON_FREE_SEQ(*person_slot) : 0;
		if (seq)
			*person_slot |= PERSON_BIT(seq);
		if (b && !engine.leasing)
			b->remaining--;
		*slot = (uintptr_t)c;
		loaded++;
	}
	db_finalize(s);
	if (r < 0 && r != DB_DONE)
		return r;
	log_info("vouchers: %d open kinds, %zu vouchers loaded", n, loaded);
	return 0;
}

/* Where claims' time went, for the operator and bench/claim_storm.sh (which reads these lines). */
static void writer_summary(void)
{
	log_notice("vouchers: writer: %llu commits of %llu claims, %llu flushes; longest %.1f ms; %llu over %d ms",
	           (unsigned long long)engine.commits, (unsigned long long)engine.claims_committed,
	           (unsigned long long)engine.flushes, atomic_load(&engine.commit_time.longest_us) / 1e3,
	           (unsigned long long)engine.commits_slow, SLOW_COMMIT_US / 1000);
	timing_log("commits", &engine.commit_time);
	timing_log("claims waiting for the writer", &engine.claim_queued);
	timing_log("claims being committed", &engine.claim_committing);
	timing_log("claims durable to answered", &engine.claim_resumed);
}

static void engine_free(void)
{
	for (size_t i = 0; i < engine.n_kinds; i++) {
		strmap_free(engine.kinds[i]->people);
		pthread_mutex_destroy(&engine.kinds[i]->lock);
		pthread_mutex_destroy(&engine.kinds[i]->lease_lock);
		free(engine.kinds[i]);
	}
	free(engine.kinds);
	for (size_t i = 0; i < engine.n_all; i++)
		free(engine.all[i]);
	free(engine.all);
	free(engine.give_backs);
	for (int i = 0; i < SHARDS; i++)
		strmap_free(engine.shards[i].ids);
	db_close(engine.db);
	db_close(engine.checkpoint_db);
	memset(&engine, 0, sizeof engine);
}

/* Stop the writer, which finishes the queue first, then the flusher, which
** flushes and answers what the writer handed it; and wake the ticker to stop. */
static void writer_stop(bool flusher_running)
{
	pthread_mutex_lock(&engine.queue_lock);
	engine.stopping = true;
	pthread_cond_signal(&engine.queue_ready);
	pthread_cond_signal(&engine.ticker_wake);
	pthread_mutex_unlock(&engine.queue_lock);
	pthread_join(engine.writer, NULL);
	if (flusher_running)
		pthread_join(engine.flusher, NULL);
}

/*
** SERVICE: vouchers
** SUMMARY: 消费券领取引擎 The voucher claim engine: memory rebuilt from the database, and its writer
*/
int voucher_service(enum service_phase phase, const char *db_path)
{
	if (phase == SERVICE_DEMO)
		return voucher_demo(db_path);
	if (phase == SERVICE_STOP) {
		if (!engine.running)
			return 0;
		/* The server has stopped: nothing new arrives; the writer finishes the queue. */
		writer_stop(true);
		pthread_join(engine.ticker, NULL);
		if (engine.leasing && voucher_leases_close(engine.db, atomic_load(&engine.node)) < 0)
			log_error("vouchers: cannot give this node's leases back: %s", db_errmsg(engine.db));
		writer_summary();
		engine_free();
		return 0;
	}
	memset(&engine, 0, sizeof engine);
	pthread_rwlock_init(&engine.kinds_lock, NULL);
	pthread_mutex_init(&engine.queue_lock, NULL);
	pthread_mutex_init(&engine.all_lock, NULL);
	pthread_mutex_init(&engine.give_back_lock, NULL);
	pthread_cond_init(&engine.queue_ready, NULL);
	pthread_cond_init(&engine.ticker_wake, NULL);
	pthread_cond_init(&engine.written_ready, NULL);
	engine.queue_tail = &engine.queue_head;
	engine.written_tail = &engine.written_head;
	for (int i = 0; i < SHARDS; i++) {
		pthread_mutex_init(&engine.shards[i].lock, NULL);
		if (!(engine.shards[i].ids = strmap_new()))
			goto fail;
	}
	/* The writer's inserts skip the foreign-key checks (two index lookups a
	** claim): it writes only kinds it loaded and keys that signed the
	** request, and neither is ever deleted. */
	if (db_open(db_path, &engine.db) < 0 || db_checkpoints_by_hand(engine.db) < 0 ||
	    db_skip_foreign_keys(engine.db) < 0 || db_commits_unsynced(engine.db) < 0 ||
	    db_open(db_path, &engine.checkpoint_db) < 0)
		goto fail;
	engine.leasing = db_is_postgres(db_path);
	if (engine.leasing) {
		int64_t node = 0;
		if (voucher_node_start(engine.db, &node) < 0) {
			log_error("vouchers: cannot start as a node: %s", db_errmsg(engine.db));
			goto fail;
		}
		atomic_store(&engine.node, node);
		/* A node that died here a moment ago (this one, before a restart) gives its stock back now. */
		if (voucher_leases_reclaim(engine.checkpoint_db, node) < 0)
			log_error("vouchers: cannot close dead nodes' leases: %s", db_errmsg(engine.checkpoint_db));
	}
	engine.running = true;
	if (engine_load(engine.db) < 0) {
		log_error("vouchers: cannot load the open rounds: %s", db_errmsg(engine.db));
		goto fail;
	}
	if (pthread_create(&engine.writer, NULL, writer_main, NULL) != 0)
		goto fail;
	if (pthread_create(&engine.flusher, NULL, flusher_main, NULL) != 0) {
		writer_stop(false);
		goto fail;
	}
	if (pthread_create(&engine.ticker, NULL, ticker_main, NULL) != 0) {
		writer_stop(true);
		goto fail;
	}
	return 0;
fail:
	engine_free();
	return -1;
}
