/*
 * Time-based one-time passwords (RFC 6238: 30-second steps, 6 digits,
 * HMAC-SHA1), the kind every authenticator app speaks, over Debian's
 * liboath.  A code is accepted one step either side of now, and never at
 * or before the last step already used (no replay).
 */
#ifndef TURNOUT_TOTP_H
#define TURNOUT_TOTP_H

#include <stddef.h>
#include <time.h>

#define TOTP_SECRET_B32 33 /* 20 random bytes in base32 (32 chars) + NUL */

int totp_init(void);
void totp_new_secret(char out[TOTP_SECRET_B32]);
/*
 * The step of a valid code at time now, later than last_step; or -1.
 * code must be 6 digits.
 */
long long totp_check(const char *secret_b32, const char *code, time_t now, long long last_step);
/* The code for a step (for tests and enrolment checks); 0 or -1. */
int totp_code(const char *secret_b32, time_t now, char out[7]);

#endif
