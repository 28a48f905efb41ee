/*
** Arena: a bump allocator freed all at once.  Each HTTP request owns one,
** freed in the server's completion callback, so handlers allocate freely and
** never free piecemeal.  Allocation failure returns NULL like malloc.
*/
#ifndef BANYAN_CORE_ARENA_H
#define BANYAN_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a); /* NULL is fine */
/* Free everything allocated but keep the arena and one block, for reuse. */
void arena_reset(struct arena *a);

/* Zeroed memory aligned for any type, or NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* The same, not zeroed: for buffers about to be overwritten (request bodies). */
void *arena_alloc_raw(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
