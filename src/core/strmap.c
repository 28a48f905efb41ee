/*
** strmap (see strmap.h).  Each slot keeps the key's 64-bit hash, so most
** probes never touch the key bytes.  Keys live in 64 KiB blocks (a key of
** over 1 KiB gets a block of its own): no allocation per key.
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

struct strmap {
	struct slot *slots;
	size_t cap, count;
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

static struct slot *find(const struct strmap *m, uint64_t h, const void *key, size_t len)
{
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct slot *s = &m->slots[i];
		if (!s->hash || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
			return s;
	}
}

uintptr_t *strmap_get(struct strmap *m, const void *key, size_t len)
{
	if (!m->cap)
		return NULL;
	struct slot *s = find(m, hash_of(m, key, len), key, len);
	return s->hash ? &s->value : NULL;
}

static bool grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < m->cap; i++) {
		struct slot *s = &m->slots[i];
		if (!s->hash)
			continue;
		size_t k = s->hash & (cap - 1);
		while (slots[k].hash)
			k = (k + 1) & (cap - 1);
		slots[k] = *s;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
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
	uint64_t h = hash_of(m, key, len);
	struct slot *s = find(m, h, key, len);
	if (s->hash)
		return &s->value;
	const unsigned char *copy = copy_key(m, key, len);
	if (!copy)
		return NULL;
	*s = (struct slot){h, copy, (uint32_t)len, 0};
	m->count++;
	*ret_created = true;
	return &s->value;
}
