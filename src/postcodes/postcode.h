/*
 * UK postcode syntax: normalisation and validation, pure and fuzzable.
 *
 * Accepted outward codes: A9, A99, AA9, AA99, A9A, AA9A with the Royal Mail
 * letter rules per position, plus the special GIR 0AA.  Inward codes are
 * 9AA without C, I, K, M, O or V.  Input may use any case and any spaces.
 */
#ifndef TURNOUT_POSTCODE_H
#define TURNOUT_POSTCODE_H

#include <stddef.h>
#include <stdint.h>

#define POSTCODE_MAX_INPUT 32 /* longer input is never a postcode */

struct postcode {
	char compact[8]; /* "SW1A1AA" */
	char display[9]; /* "SW1A 1AA" */
	char outcode[5]; /* "SW1A" */
	char incode[4];  /* "1AA" */
};

/* 0 and *pc filled when in[0..n) is a valid postcode, else -1. */
int postcode_parse(const char *in, size_t n, struct postcode *pc);
/* 0 and out ("SW1A", NUL-terminated) when in is a valid outward code. */
int postcode_parse_outcode(const char *in, size_t n, char out[5]);
/*
 * For autocomplete: upper-cases and strips spaces into out (8 bytes);
 * 0 when the result is 2..7 letters/digits that begin a valid postcode
 * shape (a letter first), else -1.
 */
int postcode_prefix(const char *in, size_t n, char out[8]);
/* A compact postcode of up to 7 characters as a 64-bit key. */
uint64_t postcode_key(const char *compact);

#endif
