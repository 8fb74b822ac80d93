/*
 * Passwords for organisers and admins: argon2id through libsodium with
 * OWASP's parameters (19 MiB, 2 passes).  Each hash costs tens of
 * milliseconds and 19 MiB, so at most PASSWORD_MAX_CONCURRENT run at
 * once; the rest wait, and give up after PASSWORD_WAIT_MS, so a burst of
 * sign-ins queues instead of exhausting memory.  Sign-ins verify on
 * threads of their own (password_submit).
 */
#ifndef TURNOUT_PASSWORD_H
#define TURNOUT_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN 12
#define PASSWORD_MAX 128
#define PASSWORD_HASH_MAX 128
#define PASSWORD_MAX_CONCURRENT 2
#define PASSWORD_WAIT_MS 5000

#define PASSWORD_QUEUE_MAX 512 /* verifications waiting for a hashing thread */

/* Starts the hashing threads (PASSWORD_MAX_CONCURRENT of them). */
void password_init(void);
/* 0 and out filled; -1 busy (the wait timed out) or out of memory. */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
/* 1 matches, 0 does not, -1 busy. */
int password_verify(const char *hash, const char *pw);
/*
 * A verification on the hashing threads, so that a burst of sign-ins never
 * holds the threads that answer everyone else: done() runs on a hashing
 * thread once rc is set (1 matches, 0 does not, -1 busy).
 */
struct password_job {
	const char *hash, *pw; /* the caller's, alive until done() */
	int rc;
	void (*done)(struct password_job *job);
	struct password_job *next;
};
/* 0 queued, or -1 when PASSWORD_QUEUE_MAX are waiting already (done() not called). */
int password_submit(struct password_job *job);
/* NULL when acceptable, else why not, for the person choosing it. */
const char *password_weakness(const char *pw);

#endif
