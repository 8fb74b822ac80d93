/*
 * Allocation wrappers that abort on out-of-memory, so callers never check
 * for NULL (the Redis zmalloc habit).  A server that cannot allocate a few
 * bytes cannot answer honestly anyway.
 */
#ifndef TURNOUT_MEM_H
#define TURNOUT_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grow *arr (of *cap elements of size sz) so that it holds at least need. */
void xgrow(void *arrp, size_t *cap, size_t need, size_t sz);

#endif
