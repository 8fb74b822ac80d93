/*
 * Server-side sessions.  The cookie holds a 256-bit token; the store holds
 * its hash, the CSRF token for the session's forms, and whether the
 * session is strong (password + TOTP).  Sessions end after SESSION_IDLE of
 * inactivity or SESSION_ABSOLUTE after sign-in, at sign-out, and all at
 * once when a person's role changes downward or they are removed.
 */
#ifndef TURNOUT_SESSION_H
#define TURNOUT_SESSION_H

#include <stddef.h>

#include "auth/token.h"
#include "db/db.h"

struct session_limits {
	long idle_s;     /* default 2 h */
	long absolute_s; /* default 12 h */
};

struct session {
	long person_id;
	int strong, mfa_pending;
	char csrf[TOKEN_LEN + 1];
	char hash[TOKEN_HASH_LEN + 1];
	long long created_at, last_seen_at;
};

/* A new session; token_out gets the cookie value. 0 or -1. */
int session_create(struct db *db, long person_id, int strong, int mfa_pending, long long now,
		   char token_out[TOKEN_LEN + 1], struct session *out);
/* 1 and *out for a live session, 0 for none (an expired one is deleted), -1. */
int session_find(struct db *db, const char *token, long long now,
		 const struct session_limits *lim, struct session *out);
/* Records activity at most once a minute, so reads stay reads. */
int session_touch(struct db *db, struct session *s, long long now);
int session_end(struct db *db, const char *hash);
int session_end_all(struct db *db, long person_id);
/* Ends every session of the person but the one with this hash (a change
 * of password, codes or address signs out everywhere else). */
int session_end_others(struct db *db, long person_id, const char *keep_hash);
/* A signed-in person's name (cap bytes) and admin flag: 1, 0 gone, -1. */
int session_person(struct db *db, long person_id, char *name, size_t cap, int *admin);
/* A live API token by its hash: 1 with its id and scopes, 0 none, -1. */
int session_api_token(struct db *db, const char *hash, long *id, unsigned *scopes);

#endif
