/*
 * Strict number parsing with range checks (the OpenBSD strtonum habit):
 * the whole string must be the number, nothing before or after.
 */
#ifndef TURNOUT_NUM_H
#define TURNOUT_NUM_H

#include <stddef.h>

/* 0 and *out set, or -1 when s (n bytes) is not an integer in [min, max]. */
int num_parse_long(const char *s, size_t n, long min, long max, long *out);
/* Like num_parse_long, but accepts thousands separators ("72,580"). */
int num_parse_count(const char *s, size_t n, long max, long *out);
/* A finite decimal number in [min, max]; no hex, no inf/nan. */
int num_parse_double(const char *s, size_t n, double min, double max, double *out);

#endif
