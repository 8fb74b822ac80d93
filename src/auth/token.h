/*
 * Secrets handed to people (session cookies, sign-in links, recovery
 * codes): 256 bits from libsodium's CSPRNG, URL-safe base64, and stored
 * only as their SHA-256, so a copy of the database lets no one sign in.
 */
#ifndef TURNOUT_TOKEN_H
#define TURNOUT_TOKEN_H

#include <stddef.h>

#define TOKEN_LEN 43      /* base64url of 32 bytes, no padding */
#define TOKEN_HASH_LEN 64 /* hex SHA-256 */

/* libsodium must be initialised once before any other call here. */
int token_init(void);
void token_new(char out[TOKEN_LEN + 1]);
void token_hash(const char *token, size_t len, char out[TOKEN_HASH_LEN + 1]);
/* Constant-time equality of two strings of the same length; 0 if unequal. */
int token_equal(const char *a, const char *b);
/* A string is a well-formed token (length and alphabet). */
int token_well_formed(const char *s);

#endif
