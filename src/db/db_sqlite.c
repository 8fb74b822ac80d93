/*
 * SQLite backend: WAL, foreign keys on, a busy timeout, and full fsync on
 * commit so an acknowledged write survives a crash.
 */
#include "db/db.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"
#include "util/mem.h"

#define CACHE_SLOTS 512 /* distinct cached statements per connection: more than the code has */

struct db {
	sqlite3 *h;
	double busy_since; /* when the current wait for a lock began */
	long fail_in; /* db_fail_step(): steps left before one fails; 0 off */
	int depth;    /* open db_begin()s: the outermost is BEGIN, the rest savepoints */
	struct {
		const char *sql;
		struct db_stmt *st;
	} cache[CACHE_SLOTS];
};

struct db_stmt {
	sqlite3_stmt *h;
	struct db *db;
	int bad_bind; /* a bind failed since the last reset: the next step fails */
};

/*
 * Waiting for another connection's lock: SQLite's own handler sleeps ever
 * longer (up to 100 ms a try), so a writer waiting on a bulk import that
 * commits and begins again at once can miss every gap and time out.  This
 * one looks every millisecond, for up to DB_BUSY_S.
 */
#define DB_BUSY_S 5.0

static int busy_wait(void *arg, int tries)
{
	struct db *db = arg;
	double now = now_seconds();
	if (tries == 0)
		db->busy_since = now;
	if (now - db->busy_since > DB_BUSY_S)
		return 0;
	struct timespec ms = { 0, 1000000 };
	nanosleep(&ms, NULL);
	return 1;
}

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
	sqlite3_busy_handler(db->h, busy_wait, db);
	sqlite3_extended_result_codes(db->h, 1);
	if (!(flags & DB_OPEN_READONLY) &&
	    db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db->h));
		goto fail;
	}
	/* secure_delete: an erased person leaves no bytes behind in free pages;
	 * temp_store in memory: a savepoint's journal (a store's write inside a
	 * bigger transaction) is copied in memory, not written to a temp file */
	if (db_exec(db, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192; PRAGMA secure_delete=ON;"
			" PRAGMA temp_store=MEMORY;")) {
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

int db_readonly(struct db *db)
{
	return sqlite3_db_readonly(db->h, "main") == 1;
}

int db_check(struct db *db, char *detail, size_t n)
{
	sqlite3_stmt *h = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db->h, "PRAGMA quick_check(1)", -1, &h, NULL) == SQLITE_OK &&
	    sqlite3_step(h) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(h, 0);
		rc = v && !strcmp(v, "ok");
		snprintf(detail, n, "%s", v ? v : "");
		for (char *c = detail; (c = strchr(c, '\n'));)
			*c = ' '; /* one line, for logs and JSON readers alike */
	} else {
		/* a file too damaged to read at all is damaged, not unknown */
		int code = sqlite3_errcode(db->h) & 0xff;
		rc = code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? 0 : -1;
		snprintf(detail, n, "%s", sqlite3_errmsg(db->h));
	}
	sqlite3_finalize(h);
	return rc;
}

int db_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(db->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int db_begin(struct db *db)
{
	/* SQLite ends a transaction by itself on some errors: trust it over the count */
	if (sqlite3_get_autocommit(db->h))
		db->depth = 0;
	if (db_exec(db, db->depth ? "SAVEPOINT nested" : "BEGIN IMMEDIATE"))
		return -1;
	db->depth++;
	return 0;
}

int db_commit(struct db *db)
{
	if (db_exec(db, db->depth > 1 ? "RELEASE nested" : "COMMIT"))
		return -1;
	db->depth--;
	return 0;
}

int db_rollback(struct db *db)
{
	int nested = db->depth > 1;

	db->depth -= db->depth > 0;
	if (sqlite3_get_autocommit(db->h)) {
		db->depth = 0;
		return 0;
	}
	return db_exec(db, nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
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
	st->bad_bind = 0;
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

/* Records a failed bind on the statement, for the next step to report. */
static int bound(struct db_stmt *st, int rc)
{
	if (rc == SQLITE_OK)
		return 0;
	st->bad_bind = 1;
	return -1;
}

int db_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	if (!st)
		return -1;
	if (n > INT_MAX)
		return bound(st, SQLITE_TOOBIG);
	return bound(st, sqlite3_bind_text(st->h, i, s, (int)n, SQLITE_TRANSIENT));
}

int db_bind_str(struct db_stmt *st, int i, const char *s)
{
	return s ? db_bind_text(st, i, s, strlen(s)) : db_bind_null(st, i);
}

int db_bind_int(struct db_stmt *st, int i, long long v)
{
	return st ? bound(st, sqlite3_bind_int64(st->h, i, v)) : -1;
}

int db_bind_id(struct db_stmt *st, int i, long long v)
{
	return v ? db_bind_int(st, i, v) : db_bind_null(st, i);
}

int db_bind_double(struct db_stmt *st, int i, double v)
{
	return st ? bound(st, sqlite3_bind_double(st->h, i, v)) : -1;
}

int db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	if (!st)
		return -1;
	if (n > INT_MAX)
		return bound(st, SQLITE_TOOBIG);
	return bound(st, sqlite3_bind_blob(st->h, i, p, (int)n, SQLITE_TRANSIENT));
}

int db_bind_null(struct db_stmt *st, int i)
{
	return st ? bound(st, sqlite3_bind_null(st->h, i)) : -1;
}

int db_bind_vals(struct db_stmt *st, int first, const struct db_val *v, int n)
{
	int rc = 0;
	for (int k = 0; k < n && rc == 0; k++) {
		int i = first + k;
		switch (v[k].kind) {
		case DB_V_INT: rc = db_bind_int(st, i, v[k].i); break;
		case DB_V_ID: rc = db_bind_id(st, i, v[k].i); break;
		case DB_V_STR: rc = db_bind_str(st, i, v[k].s); break;
		case DB_V_REAL: rc = db_bind_double(st, i, v[k].d); break;
		case DB_V_NULL: rc = db_bind_null(st, i); break;
		}
	}
	return rc;
}

enum db_step db_step(struct db_stmt *st)
{
	if (!st || st->bad_bind)
		return DB_ERROR;
	if (st->db->fail_in && --st->db->fail_in == 0)
		return DB_ERROR;
	int rc = sqlite3_step(st->h);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return DB_ERROR;
}

void db_reset(struct db_stmt *st)
{
	if (!st)
		return;
	sqlite3_reset(st->h);
	sqlite3_clear_bindings(st->h);
	st->bad_bind = 0;
}

void db_fail_step(struct db *db, long nth)
{
	db->fail_in = nth > 0 ? nth : 0;
}

int db_one(struct db_stmt *st)
{
	enum db_step rc = db_step(st);
	if (rc == DB_ROW)
		return 1;
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

int db_exists(struct db_stmt *st)
{
	int rc = db_one(st);
	if (rc == 1)
		db_reset(st);
	return rc;
}

int db_next(struct db_stmt *st, int *rc)
{
	enum db_step step = db_step(st);
	*rc = step == DB_ERROR ? -1 : 1;
	if (step == DB_ROW)
		return 1;
	db_reset(st);
	return 0;
}

int db_id_names(struct db_stmt *st, void (*fn)(long id, const char *name, void *arg), void *arg)
{
	int rc;
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1), arg);
	return rc;
}

long db_count(struct db_stmt *st)
{
	long n = 0;
	enum db_step rc;
	while ((rc = db_step(st)) == DB_ROW)
		n++;
	db_reset(st);
	return rc == DB_DONE ? n : -1;
}

int db_changed(struct db_stmt *st)
{
	long n = db_count(st);
	return n < 0 ? -1 : n > 0;
}

int db_done(struct db_stmt *st)
{
	return db_count(st) < 0 ? -1 : 0;
}

long long db_int_or(struct db_stmt *st, long long dflt)
{
	long long v = db_step(st) == DB_ROW ? db_col_int(st, 0) : dflt;
	db_reset(st);
	return v;
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

int db_col_copy(struct db_stmt *st, int i, char *out, size_t len)
{
	const char *s = db_col_text(st, i);
	int n = snprintf(out, len, "%s", s ? s : "");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
