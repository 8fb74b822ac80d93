#include "people/credentials.h"

#include <string.h>

#include "auth/token.h"

int person_touch(struct db *db, long person_id, long long now)
{
	struct db_stmt *st = db_cached(db, "UPDATE people SET last_active_at = ? WHERE id = ?");
	db_binds(st, 1, DB_INT(now), DB_INT(person_id));
	return db_done(st) ? -1 : 1;
}

int password_hash_of(struct db *db, long person_id, char *hash, size_t cap)
{
	struct db_stmt *st = db_cached(db, "SELECT password_hash FROM people WHERE id = ?"
					   " AND password_hash IS NOT NULL");
	db_bind_int(st, 1, person_id);
	int rc = db_one(st);
	if (rc == 1) {
		rc = db_col_copy(st, 0, hash, cap) ? -1 : 1;
		db_reset(st);
	}
	return rc;
}

int password_hash_set(struct db *db, long person_id, const char *hash)
{
	struct db_stmt *st = db_cached(db, "UPDATE people SET password_hash = ? WHERE id = ?");
	db_binds(st, 1, DB_STR(hash), DB_INT(person_id));
	return db_done(st) ? -1 : 1;
}

int totp_enabled_secret(struct db *db, long person_id, char secret[TOTP_SECRET_B32],
			long long *last_step)
{
	struct db_stmt *st = db_cached(db, "SELECT totp_secret, totp_last_step FROM people"
					   " WHERE id = ? AND totp_enabled = 1");
	db_bind_int(st, 1, person_id);
	int rc = db_one(st);
	if (rc == 1) {
		db_col_copy(st, 0, secret, TOTP_SECRET_B32);
		*last_step = db_col_int(st, 1);
		db_reset(st);
	}
	return rc;
}

int totp_step_claim(struct db *db, long person_id, long long step)
{
	struct db_stmt *st = db_cached(db, "UPDATE people SET totp_last_step = ?"
					   " WHERE id = ? AND totp_last_step < ? RETURNING id");
	db_binds(st, 1, DB_INT(step), DB_INT(person_id), DB_INT(step));
	long n = db_count(st);
	return n < 0 ? -1 : n == 1;
}

int totp_pending_secret(struct db *db, long person_id, char secret[TOTP_SECRET_B32])
{
	struct db_stmt *st = db_cached(db, "SELECT totp_secret FROM people WHERE id = ?"
					   " AND totp_enabled = 0 AND totp_secret IS NOT NULL");
	db_bind_int(st, 1, person_id);
	int rc = db_one(st);
	if (rc == 1) {
		db_col_copy(st, 0, secret, TOTP_SECRET_B32);
		db_reset(st);
	}
	return rc;
}

int totp_pending_set(struct db *db, long person_id, const char *secret)
{
	struct db_stmt *st = db_cached(db, "UPDATE people SET totp_secret = ? WHERE id = ?"
					   " AND totp_enabled = 0");
	db_binds(st, 1, DB_STR(secret), DB_INT(person_id));
	return db_done(st) ? -1 : 1;
}

int totp_enable(struct db *db, long person_id, long long step,
		char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1])
{
	struct db_stmt *up = db_cached(db, "UPDATE people SET totp_enabled = 1, totp_last_step = ?"
					   " WHERE id = ?");
	struct db_stmt *del = db_cached(db, "DELETE FROM recovery_codes WHERE person_id = ?");
	struct db_stmt *ins = db_cached(db, "INSERT INTO recovery_codes (person_id, code_hash)"
					    " VALUES (?, ?)");
	char hash[TOKEN_HASH_LEN + 1];

	if (db_begin(db))
		return -1;
	db_binds(up, 1, DB_INT(step), DB_INT(person_id));
	db_bind_int(del, 1, person_id);
	if (db_done(up) || db_done(del))
		goto fail;
	for (int i = 0; i < RECOVERY_CODES; i++) {
		token_hash(codes[i], strlen(codes[i]), hash);
		db_binds(ins, 1, DB_INT(person_id), DB_STR(hash));
		if (db_done(ins))
			goto fail;
	}
	if (db_commit(db))
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int recovery_code_use(struct db *db, long person_id, const char *code, long long now)
{
	char hash[TOKEN_HASH_LEN + 1];
	struct db_stmt *st =
	    db_cached(db, "UPDATE recovery_codes SET used_at = ?"
			  " WHERE person_id = ? AND code_hash = ? AND used_at IS NULL"
			  " RETURNING person_id");
	token_hash(code, strlen(code), hash);
	db_binds(st, 1, DB_INT(now), DB_INT(person_id), DB_STR(hash));
	long n = db_count(st);
	return n < 0 ? -1 : n == 1;
}

int secret_locked(struct db *db, long person_id, const char *kind, long long now)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM secret_failures"
					   " WHERE person_id = ? AND kind = ? AND at > ?");
	db_binds(st, 1, DB_INT(person_id), DB_STR(kind), DB_INT(now - SECRET_WINDOW_S));
	long long n = db_int_or(st, -1);
	return n < 0 ? -1 : n >= SECRET_FAILURES_MAX;
}

int secret_failed(struct db *db, long person_id, const char *kind, long long now)
{
	struct db_stmt *old = db_cached(db, "DELETE FROM secret_failures WHERE person_id = ?"
					    " AND kind = ? AND at <= ?");
	struct db_stmt *add = db_cached(db, "INSERT INTO secret_failures (person_id, kind, at)"
					    " VALUES (?, ?, ?)");
	db_binds(old, 1, DB_INT(person_id), DB_STR(kind), DB_INT(now - SECRET_WINDOW_S));
	db_binds(add, 1, DB_INT(person_id), DB_STR(kind), DB_INT(now));
	return db_done(old) || db_done(add) ? -1 : 1;
}

int secret_succeeded(struct db *db, long person_id, const char *kind)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM secret_failures WHERE person_id = ?"
					   " AND kind = ?");
	db_binds(st, 1, DB_INT(person_id), DB_STR(kind));
	return db_done(st) ? -1 : 1;
}
