#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->overflow = 0;
}

static int reserve(struct buf *b, size_t n)
{
	if (n > b->max - b->len || b->len + n + 1 < n) {
		b->overflow = 1;
		return -1;
	}
	if (b->len + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 256;
		while (c < b->len + n + 1)
			c *= 2;
		b->p = xrealloc(b->p, c);
		b->cap = c;
	}
	return 0;
}

void buf_reserve(struct buf *b, size_t n)
{
	if (reserve(b, n) == 0 && b->len == 0)
		b->p[0] = '\0';
	b->overflow = 0;
}

static int add(struct buf *b, const void *data, size_t n)
{
	if (reserve(b, n))
		return -1;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t n)
{
	return add(b, data, n);
}

int buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

static int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;

	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return add(b, small, (size_t)n);
	if (reserve(b, (size_t)n))
		return -1;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void buf_put(struct buf *b, const void *data, size_t n)
{
	add(b, data, n);
}

void buf_puts(struct buf *b, const char *s)
{
	add(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	add(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	(void)buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->p)
		b->p[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->p ? b->p : xstrdup("");
	if (len)
		*len = b->len;
	buf_init(b, b->max);
	return p;
}

void buf_release(struct buf *b)
{
	free(b->p);
	buf_init(b, b->max);
}
