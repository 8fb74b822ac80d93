/*
 * SQLite backend: WAL, foreign keys on, a busy timeout, and full fsync on
 * commit so an acknowledged write survives a crash.
 */
#include "db/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define CACHE_SLOTS 512 /* distinct cached statements per connection: more than the code has */

struct db {
	sqlite3 *h;
	struct {
		const char *sql;
		struct db_stmt *st;
	} cache[CACHE_SLOTS];
};

struct db_stmt {
	sqlite3_stmt *h;
	struct db *db;
};

int db_open(struct db **out, const char *path, int flags, char *err, size_t errlen)
{
	struct db *db = xcalloc(1, sizeof(*db));
	int oflags = SQLITE_OPEN_NOMUTEX;

	if (flags & DB_OPEN_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE;
	if (flags & DB_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
			 db->h ? sqlite3_errmsg(db->h) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_extended_result_codes(db->h, 1);
	if (!(flags & DB_OPEN_READONLY) &&
	    db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db->h));
		goto fail;
	}
	/* secure_delete: an erased person leaves no bytes behind in free pages */
	if (db_exec(db, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192; PRAGMA secure_delete=ON;")) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db->h));
		goto fail;
	}
	*out = db;
	return 0;
fail:
	db_close(db);
	return -1;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (db->cache[i].st)
			db_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	free(db);
}

const char *db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

int db_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(db->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int db_begin(struct db *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

int db_rollback(struct db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return 0;
	return db_exec(db, "ROLLBACK");
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *h;

	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &h, NULL) !=
	    SQLITE_OK)
		return NULL;
	struct db_stmt *st = xmalloc(sizeof(*st));
	st->h = h;
	st->db = db;
	return st;
}

void db_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->h);
	free(st);
}

struct db_stmt *db_cached(struct db *db, const char *sql)
{
	size_t slot = ((size_t)sql >> 4) % CACHE_SLOTS;

	for (int probe = 0; probe < CACHE_SLOTS; probe++) {
		size_t i = (slot + (size_t)probe) % CACHE_SLOTS;
		if (db->cache[i].sql == sql) {
			db_reset(db->cache[i].st);
			return db->cache[i].st;
		}
		if (!db->cache[i].sql) {
			struct db_stmt *st = db_prepare(db, sql);
			if (!st)
				return NULL;
			db->cache[i].sql = sql;
			db->cache[i].st = st;
			return st;
		}
	}
	/* more distinct statements than slots: a programming error, loudly */
	fprintf(stderr, "turnout: statement cache full: raise CACHE_SLOTS\n");
	return NULL;
}

int db_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	return sqlite3_bind_text(st->h, i, s, (int)n, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

int db_bind_int(struct db_stmt *st, int i, long long v)
{
	return sqlite3_bind_int64(st->h, i, v) == SQLITE_OK ? 0 : -1;
}

int db_bind_double(struct db_stmt *st, int i, double v)
{
	return sqlite3_bind_double(st->h, i, v) == SQLITE_OK ? 0 : -1;
}

int db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	return sqlite3_bind_blob(st->h, i, p, (int)n, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

int db_bind_null(struct db_stmt *st, int i)
{
	return sqlite3_bind_null(st->h, i) == SQLITE_OK ? 0 : -1;
}

enum db_step db_step(struct db_stmt *st)
{
	int rc = sqlite3_step(st->h);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return DB_ERROR;
}

void db_reset(struct db_stmt *st)
{
	sqlite3_reset(st->h);
	sqlite3_clear_bindings(st->h);
}

const char *db_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->h, i);
}

long long db_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->h, i);
}

double db_col_double(struct db_stmt *st, int i)
{
	return sqlite3_column_double(st->h, i);
}

const void *db_col_blob(struct db_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(st->h, i);
	*len = (size_t)sqlite3_column_bytes(st->h, i);
	return p;
}

int db_col_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(st->h, i) == SQLITE_NULL;
}
