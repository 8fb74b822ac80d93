/*
 * A growable byte buffer with a hard cap chosen where it is used (the curl
 * dynbuf habit): a request body, a JSON answer, a template's output.  Adding
 * past the cap fails and leaves the buffer as it was, so a caller can answer
 * 413 or 500 instead of growing without bound.
 *
 * Invariant: after buf_init(), p is NULL or NUL-terminated at len.
 */
#ifndef TURNOUT_BUF_H
#define TURNOUT_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define BUF_MUST __attribute__((warn_unused_result))

struct buf {
	char *p;
	size_t len, cap;
	size_t max; /* largest len allowed */
	int overflow; /* set once an add has failed for the cap */
};

void buf_init(struct buf *b, size_t max);
/* Each returns 0, or -1 when the cap would be passed (the buffer unchanged). */
int buf_add(struct buf *b, const void *data, size_t n) BUF_MUST;
int buf_addstr(struct buf *b, const char *s) BUF_MUST;
int buf_addc(struct buf *b, char c) BUF_MUST;
int buf_addf(struct buf *b, const char *fmt, ...) BUF_MUST
	__attribute__((format(printf, 2, 3)));
/* Variants for writers that check b->overflow once at the end. */
void buf_put(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
/* Makes room for n more bytes up front (within the cap) to spare regrowth. */
void buf_reserve(struct buf *b, size_t n);
/* Hands the storage to the caller (never NULL); the buffer is re-inited. */
char *buf_detach(struct buf *b, size_t *len);
void buf_release(struct buf *b);

#endif
