/*
** strmap (see strmap.h).  Each slot keeps the key's 64-bit hash, so most
** probes never touch the key bytes.  Keys live in 64 KiB blocks (a key of
** over 1 KiB gets a block of its own): no allocation per key.
**
** Growing is incremental, as Redis's dictionaries do it: a map past half
** full gets a table twice the size, and every later call moves the next
** MOVE_STEP slots of the old table into it.  Moving a few million keys at
** once took a quarter of a second and more, all of it under the caller's
** lock, in the middle of a claim storm.  While both tables exist a key is
** looked up in the new one, then in the old; a new key goes into the new
** one; a key still in the old table is returned from there (its value is
** copied over when its slot's turn comes, so writes through the returned
** pointer are kept).
*/
#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

struct slot {
	uint64_t hash; /* 0: empty */
	const unsigned char *key;
	uint32_t len;
	uintptr_t value;
};

struct key_block {
	struct key_block *next;
	size_t used, size;
	unsigned char data[];
};

enum { MOVE_STEP = 8 };

struct strmap {
	struct slot *slots;
	size_t cap, count; /* count: the keys in both tables */
	struct slot *old;  /* while growing: the previous table, moved up to index moved */
	size_t old_cap, moved;
	struct key_block *blocks;
	unsigned char seed[crypto_shorthash_KEYBYTES];
};

struct strmap *strmap_new(void)
{
	struct strmap *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	/* A random seed per map: nobody can choose keys that collide. */
	randombytes_buf(m->seed, sizeof m->seed);
	return m;
}

void strmap_free(struct strmap *m)
{
	if (!m)
		return;
	for (struct key_block *b = m->blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(m->slots);
	free(m->old);
	free(m);
}

size_t strmap_count(const struct strmap *m)
{
	return m->count;
}

static uint64_t hash_of(const struct strmap *m, const void *key, size_t len)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;
	crypto_shorthash(out, key, len, m->seed);
	memcpy(&h, out, sizeof h);
	return h | 1;
}

static struct slot *find_in(struct slot *slots, size_t cap, uint64_t h, const void *key, size_t len)
{
	for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
		struct slot *s = &slots[i];
		if (!s->hash || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
			return s;
	}
}

/* Move the next n slots of the old table (all when n is 0); free it once empty. */
static void move_some(struct strmap *m, size_t n)
{
	if (!m->old)
		return;
	size_t end = n && m->old_cap - m->moved > n ? m->moved + n : m->old_cap;
	for (; m->moved < end; m->moved++) {
		struct slot *s = &m->old[m->moved];
		if (!s->hash)
			continue;
		size_t k = s->hash & (m->cap - 1);
		while (m->slots[k].hash)
			k = (k + 1) & (m->cap - 1);
		m->slots[k] = *s;
	}
	if (m->moved == m->old_cap) {
		free(m->old);
		m->old = NULL;
	}
}

/* The slot holding key, or NULL; in the new table first: a key moved is there. */
static struct slot *find(const struct strmap *m, uint64_t h, const void *key, size_t len)
{
	struct slot *s = find_in(m->slots, m->cap, h, key, len);
	if (!s->hash && m->old)
		s = find_in(m->old, m->old_cap, h, key, len); /* not moved yet, or absent */
	return s->hash ? s : NULL;
}

uintptr_t *strmap_get(struct strmap *m, const void *key, size_t len)
{
	if (!m->cap)
		return NULL;
	move_some(m, MOVE_STEP);
	struct slot *s = find(m, hash_of(m, key, len), key, len);
	return s ? &s->value : NULL;
}

/* Start growing: a table twice the size; the old one is moved over by later calls. */
static bool grow(struct strmap *m)
{
	move_some(m, 0); /* never more than two tables */
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	m->old = m->slots;
	m->old_cap = m->cap;
	m->moved = 0;
	m->slots = slots;
	m->cap = cap;
	if (!m->old_cap) {
		free(m->old);
		m->old = NULL;
	}
	return true;
}

static const unsigned char *copy_key(struct strmap *m, const void *key, size_t len)
{
	struct key_block *b = m->blocks;
	if (!b || b->size - b->used < len) {
		size_t size = len > 1024 ? len : 65536;
		struct key_block *nb = malloc(sizeof *nb + size);
		if (!nb)
			return NULL;
		nb->used = 0;
		nb->size = size;
		nb->next = b;
		m->blocks = b = nb;
	}
	unsigned char *p = b->data + b->used;
	memcpy(p, key, len);
	b->used += len;
	return p;
}

uintptr_t *strmap_put(struct strmap *m, const void *key, size_t len, bool *ret_created)
{
	*ret_created = false;
	if (len > UINT32_MAX)
		return NULL;
	if ((m->count + 1) * 2 > m->cap && !grow(m))
		return NULL;
	move_some(m, MOVE_STEP);
	uint64_t h = hash_of(m, key, len);
	struct slot *s = find(m, h, key, len);
	if (s)
		return &s->value;
	const unsigned char *copy = copy_key(m, key, len);
	if (!copy)
		return NULL;
	s = find_in(m->slots, m->cap, h, key, len);
	*s = (struct slot){h, copy, (uint32_t)len, 0};
	m->count++;
	*ret_created = true;
	return &s->value;
}
