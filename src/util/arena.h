/*
 * A bump allocator: one per request (or per import step), released once at
 * the end, so handlers never free piecemeal (the h2o mem_pool habit).
 *
 * Memory from arena_alloc() is 16-byte aligned and lives until
 * arena_release().  An arena never returns NULL: it aborts on OOM.
 */
#ifndef TURNOUT_ARENA_H
#define TURNOUT_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t chunk_size; /* default size of a new chunk */
};

void arena_init(struct arena *a, size_t chunk_size);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Frees every chunk but the first, so a reused arena keeps its warm block. */
void arena_reset(struct arena *a);
void arena_release(struct arena *a);

#endif
