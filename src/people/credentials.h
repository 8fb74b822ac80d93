/*
 * What a person signs in with, as stored: the argon2id password hash, the
 * TOTP secret with the last time-step used (a code works once), and
 * single-use recovery codes kept only as hashes.  Functions return 1 (done,
 * found), 0 (no such row, or the claim lost) or -1 (store error).
 */
#ifndef TURNOUT_PEOPLE_CREDENTIALS_H
#define TURNOUT_PEOPLE_CREDENTIALS_H

#include <stddef.h>

#include "auth/totp.h"
#include "db/db.h"

#define RECOVERY_CODES	  10
#define RECOVERY_CODE_LEN 9 /* "abcd-2345" */

/* Records that the person was active now (retention counts from it). */
int person_touch(struct db *db, long person_id, long long now);
/* The stored hash (cap bytes), when the person has a password. */
int password_hash_of(struct db *db, long person_id, char *hash, size_t cap);
int password_hash_set(struct db *db, long person_id, const char *hash);

/* The enabled secret and the last step used, for signing in. */
int totp_enabled_secret(struct db *db, long person_id, char secret[TOTP_SECRET_B32],
			long long *last_step);
/* Claims a time-step atomically: 1 when it is later than any used before. */
int totp_step_claim(struct db *db, long person_id, long long step);
/* A secret being set up (not yet enabled): 1 with it, 0 none. */
int totp_pending_secret(struct db *db, long person_id, char secret[TOTP_SECRET_B32]);
/* Starts setting up a new secret, unless one is enabled. */
int totp_pending_set(struct db *db, long person_id, const char *secret);
/* Enables the pending secret at step and replaces the recovery codes with
 * codes (RECOVERY_CODES of RECOVERY_CODE_LEN + 1 bytes, hashed here), in
 * one transaction. */
int totp_enable(struct db *db, long person_id, long long step,
		char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1]);
/* Uses up one of the person's unused recovery codes: 1 when code was one. */
int recovery_code_use(struct db *db, long person_id, const char *code, long long now);

/*
 * Wrong secrets per account, durably: SECRET_FAILURES_MAX of a kind
 * ("password", "totp") within SECRET_WINDOW_S lock that way in until the
 * oldest ages out; a right one clears them.
 */
#define SECRET_FAILURES_MAX 10
#define SECRET_WINDOW_S	    (15 * 60)
/* 1 when the account is locked for kind at now, 0 not, -1. */
int secret_locked(struct db *db, long person_id, const char *kind, long long now);
/* Records one wrong secret (and forgets those older than the window). */
int secret_failed(struct db *db, long person_id, const char *kind, long long now);
int secret_succeeded(struct db *db, long person_id, const char *kind);

#endif
