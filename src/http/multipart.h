/*
 * multipart/form-data (RFC 7578) as a browser's form sends it: the text
 * fields into a struct qs, as for an urlencoded form, and at most one file
 * (its bytes left where they are in the body).  Pure and fuzzable; refuses
 * rather than guesses: a missing or bad boundary, a part without a name,
 * a header block over MULTIPART_HEAD_MAX, more than QS_MAX_PAIRS fields or
 * one file, a field that is not UTF-8 or holds a NUL, a body cut short.
 */
#ifndef TURNOUT_MULTIPART_H
#define TURNOUT_MULTIPART_H

#include <stddef.h>

#include "http/qs.h"
#include "util/arena.h"

#define MULTIPART_HEAD_MAX     1024
#define MULTIPART_BOUNDARY_MAX 70 /* RFC 2046 */

struct multipart_file {
	const char *field, *filename; /* in the arena; filename "" when none */
	const char *data;	      /* in the body */
	size_t len;
	int present;
};

/* Parses body (n bytes) sent as content_type into fields and file: 0, or
 * -1 with why (a sentence) in why. */
int multipart_parse(const char *content_type, const char *body, size_t n, struct arena *a,
		    struct qs *fields, struct multipart_file *file, char *why, size_t cap);

#endif
