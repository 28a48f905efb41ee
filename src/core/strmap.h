/*
** strmap: a hash map from byte strings to a pointer-sized value, for the
** in-memory state that hot paths consult instead of the database (who has
** claimed a voucher, which request ids were answered).  Open addressing with
** linear probing, grown at half full a little at a time (no call stalls to
** move every key); keys are copied into blocks the map owns.  There is no
** removal: these maps only grow for the life of a process.  Not
** thread-safe: callers hold their own lock, an exclusive one even to read
** (strmap_get() moves entries while the map grows).  A value slot returned by
** strmap_get() or strmap_put() is valid until the next call on the same map.
*/
#ifndef BANYAN_CORE_STRMAP_H
#define BANYAN_CORE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap;

struct strmap *strmap_new(void);
void strmap_free(struct strmap *m); /* NULL is fine */
size_t strmap_count(const struct strmap *m);

/* The value slot of key, or NULL when absent. */
uintptr_t *strmap_get(struct strmap *m, const void *key, size_t len);
/* The value slot of key, inserted as 0 (and *ret_created set) when absent; NULL when out of memory. */
uintptr_t *strmap_put(struct strmap *m, const void *key, size_t len, bool *ret_created);

#endif
