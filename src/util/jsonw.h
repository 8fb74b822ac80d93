/*
 * A streaming JSON writer into a capped struct buf.  API answers are written
 * straight out rather than built as a tree and dumped: half the work on the
 * hot path, and the output is capped by the buffer.
 *
 * Commas are placed by the writer; callers only say key, value, begin, end.
 * Nesting is limited to JW_MAX_DEPTH; deeper writes are a programming error.
 */
#ifndef TURNOUT_JSONW_H
#define TURNOUT_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define JW_MAX_DEPTH 32

struct jw {
	struct buf *b;
	unsigned depth;
	uint32_t has_item; /* bit d set: level d already has a member */
	int after_key;
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, long long v);
/* Finite doubles with up to `digits` decimals, trailing zeros trimmed;
 * non-finite values are written as null. */
void jw_num(struct jw *w, double v, int digits);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
/* A string or null when s is NULL. */
void jw_str_or_null(struct jw *w, const char *s);

/* A key and its value, the common pair. */
void jw_key_str(struct jw *w, const char *key, const char *s);
void jw_key_str_or_null(struct jw *w, const char *key, const char *s);
void jw_key_int(struct jw *w, const char *key, long long v);
void jw_key_num(struct jw *w, const char *key, double v, int digits);
void jw_key_bool(struct jw *w, const char *key, int v);

/* Escapes s as the body of a JSON string (no quotes) into b. */
void json_escape(struct buf *b, const char *s, size_t n);

#endif
