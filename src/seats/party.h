/*
 * Party codes as turnout speaks them: the House of Commons Library's
 * abbreviations lower-cased ("Lab" -> "lab"), with the Alliance Party's two
 * spellings ("alliance" in 2017, "APNI" later) folded into "apni".
 */
#ifndef TURNOUT_PARTY_H
#define TURNOUT_PARTY_H

#include <stddef.h>

#define PARTY_CODE_MAX 32

/*
 * Writes the canonical code of s[0..n) to out: letters and digits only,
 * lower-cased, so a party published by name ("National Health Action
 * Party") gets a stable code too.  0, or -1 if nothing or too much is left.
 */
int party_code(const char *s, size_t n, char out[PARTY_CODE_MAX]);
/* Display name, e.g. "Labour"; NULL when the code is not a known party. */
const char *party_name(const char *code);
/* A CSS colour for maps and legends; grey when unknown. */
const char *party_colour(const char *code);

#endif
