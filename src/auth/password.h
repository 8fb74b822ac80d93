/*
 * Passwords for organisers and admins: argon2id through libsodium with
 * OWASP's parameters (19 MiB, 2 passes).  Each hash costs tens of
 * milliseconds and 19 MiB, so at most PASSWORD_MAX_CONCURRENT run at
 * once; the rest wait, and give up after PASSWORD_WAIT_MS, so a burst of
 * sign-ins queues instead of exhausting memory.
 */
#ifndef TURNOUT_PASSWORD_H
#define TURNOUT_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN 12
#define PASSWORD_MAX 128
#define PASSWORD_HASH_MAX 128
#define PASSWORD_MAX_CONCURRENT 2
#define PASSWORD_WAIT_MS 5000

void password_init(void);
/* 0 and out filled; -1 busy (the wait timed out) or out of memory. */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* 1 matches, 0 does not, -1 busy. */
int password_verify(const char *hash, const char *pw);
/* NULL when acceptable, else why not, for the person choosing it. */
const char *password_weakness(const char *pw);

#endif
