/*
 * application/x-www-form-urlencoded parsing, for query strings and form
 * bodies alike.  Pure and fuzzable: decodes into an arena, never more than
 * QS_MAX_PAIRS pairs, and rejects bad escapes, NUL bytes and text that is
 * not UTF-8 rather than guessing.
 */
#ifndef TURNOUT_QS_H
#define TURNOUT_QS_H

#include <stddef.h>

#include "util/arena.h"

#define QS_MAX_PAIRS 32

struct qs {
	size_t n;
	struct {
		const char *key, *value;
		size_t value_len;
	} pairs[QS_MAX_PAIRS];
};

/* 0, or -1 (bad escape, NUL, not UTF-8, too many pairs); q is empty after an error. */
int qs_parse(struct qs *q, struct arena *a, const char *s, size_t n);
/* The first value for key, or NULL. */
const char *qs_get(const struct qs *q, const char *key);
/* s percent-encoded for a URL's query (RFC 3986 unreserved kept), in a. */
const char *url_encode(struct arena *a, const char *s);
/* Percent-decodes s into out (n + 1 bytes); returns the length, or -1. */
long url_decode(const char *s, size_t n, char *out, int plus_is_space);

#endif
