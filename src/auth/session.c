#include "auth/session.h"

#include <string.h>

int session_create(struct db *db, long person_id, int strong, int mfa_pending, long long now,
		   char token_out[TOKEN_LEN + 1], struct session *out)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO sessions (token_hash, person_id, csrf,"
					   " strong, mfa_pending, created_at, last_seen_at)"
					   " VALUES (?, ?, ?, ?, ?, ?, ?)");

	token_new(token_out);
	memset(out, 0, sizeof(*out));
	token_hash(token_out, TOKEN_LEN, out->hash);
	token_new(out->csrf);
	out->person_id = person_id;
	out->strong = strong;
	out->mfa_pending = mfa_pending;
	out->created_at = out->last_seen_at = now;
	db_binds(st, 1, DB_STR(out->hash), DB_INT(person_id), DB_STR(out->csrf), DB_INT(strong),
		 DB_INT(mfa_pending), DB_INT(now), DB_INT(now));
	return db_done(st);
}

int session_find(struct db *db, const char *token, long long now,
		 const struct session_limits *lim, struct session *out)
{
	struct db_stmt *st = db_cached(db, "SELECT person_id, csrf, strong, mfa_pending,"
					   " created_at, last_seen_at FROM sessions"
					   " WHERE token_hash = ?");
	char hash[TOKEN_HASH_LEN + 1];

	if (!token_well_formed(token))
		return 0;
	token_hash(token, strlen(token), hash);
	db_bind_str(st, 1, hash);
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	memset(out, 0, sizeof(*out));
	out->person_id = (long)db_col_int(st, 0);
	db_col_copy(st, 1, out->csrf, sizeof(out->csrf));
	out->strong = (int)db_col_int(st, 2);
	out->mfa_pending = (int)db_col_int(st, 3);
	out->created_at = db_col_int(st, 4);
	out->last_seen_at = db_col_int(st, 5);
	memcpy(out->hash, hash, sizeof(hash));
	db_reset(st);
	if (rc == 1 && (now - out->last_seen_at > lim->idle_s ||
			now - out->created_at > lim->absolute_s)) {
		session_end(db, hash);
		rc = 0;
	}
	return rc;
}

int session_touch(struct db *db, struct session *s, long long now)
{
	if (now - s->last_seen_at < 60)
		return 0;
	struct db_stmt *st = db_cached(db, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?");
	db_binds(st, 1, DB_INT(now), DB_STR(s->hash));
	if (db_done(st))
		return -1;
	s->last_seen_at = now;
	return 0;
}

int session_end(struct db *db, const char *hash)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM sessions WHERE token_hash = ?");
	db_bind_str(st, 1, hash);
	return db_done(st);
}

int session_end_all(struct db *db, long person_id)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM sessions WHERE person_id = ?");
	db_bind_int(st, 1, person_id);
	return db_done(st);
}

int session_end_others(struct db *db, long person_id, const char *keep_hash)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM sessions WHERE person_id = ?"
					   " AND token_hash != ?");
	db_binds(st, 1, DB_INT(person_id), DB_STR(keep_hash));
	return db_done(st);
}

int session_person(struct db *db, long person_id, char *name, size_t cap, int *admin)
{
	struct db_stmt *st = db_cached(db, "SELECT name, is_admin FROM people WHERE id = ?");
	db_bind_int(st, 1, person_id);
	int rc = db_one(st);
	if (rc == 1) {
		db_col_copy(st, 0, name, cap);
		*admin = (int)db_col_int(st, 1);
		db_reset(st);
	}
	return rc;
}

int session_api_token(struct db *db, const char *hash, long *id, unsigned *scopes)
{
	struct db_stmt *st = db_cached(db, "SELECT id, scopes FROM api_tokens"
					   " WHERE token_hash = ? AND revoked_at IS NULL");
	db_bind_str(st, 1, hash);
	int rc = db_one(st);
	if (rc == 1) {
		*id = (long)db_col_int(st, 0);
		*scopes = (unsigned)db_col_int(st, 1);
		db_reset(st);
	}
	return rc;
}
