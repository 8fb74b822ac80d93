/*
 * SQLite backend: WAL, foreign keys on, a busy timeout, and full fsync on
 * commit so an acknowledged write survives a crash.
 */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/backend.h"
#include "util/clock.h"
#include "util/mem.h"

struct lite {
	struct db base;
	sqlite3 *h;
	double busy_since; /* when the current wait for a lock began */
};

struct lite_stmt {
	struct db_stmt base;
	sqlite3_stmt *h;
};

#define LITE(db) ((struct lite *)(db))
#define STMT(st) (((struct lite_stmt *)(st))->h)

/*
 * Waiting for another connection's lock: SQLite's own handler sleeps ever
 * longer (up to 100 ms a try), so a writer waiting on a bulk import that
 * commits and begins again at once can miss every gap and time out.  This
 * one looks every millisecond, for up to DB_BUSY_S.
 */
#define DB_BUSY_S 5.0

static int busy_wait(void *arg, int tries)
{
	struct lite *db = arg;
	double now = now_seconds();
	if (tries == 0)
		db->busy_since = now;
	if (now - db->busy_since > DB_BUSY_S)
		return 0;
	struct timespec ms = { 0, 1000000 };
	nanosleep(&ms, NULL);
	return 1;
}

static void lite_close(struct db *db)
{
	sqlite3_close(LITE(db)->h);
	free(db);
}

static const char *lite_errmsg(struct db *db)
{
	return sqlite3_errmsg(LITE(db)->h);
}

static int lite_readonly(struct db *db)
{
	return sqlite3_db_readonly(LITE(db)->h, "main") == 1;
}

static int lite_check(struct db *db, char *detail, size_t n)
{
	sqlite3_stmt *h = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(LITE(db)->h, "PRAGMA quick_check(1)", -1, &h, NULL) == SQLITE_OK &&
	    sqlite3_step(h) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(h, 0);
		rc = v && !strcmp(v, "ok");
		snprintf(detail, n, "%s", v ? v : "");
		for (char *c = detail; (c = strchr(c, '\n'));)
			*c = ' '; /* one line, for logs and JSON readers alike */
	} else {
		/* a file too damaged to read at all is damaged, not unknown */
		int code = sqlite3_errcode(LITE(db)->h) & 0xff;
		rc = code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? 0 : -1;
		snprintf(detail, n, "%s", sqlite3_errmsg(LITE(db)->h));
	}
	sqlite3_finalize(h);
	return rc;
}

static int lite_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(LITE(db)->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int lite_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(LITE(db)->h);
}

static struct db_stmt *lite_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *h;

	if (sqlite3_prepare_v3(LITE(db)->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &h, NULL) !=
	    SQLITE_OK)
		return NULL;
	struct lite_stmt *st = xmalloc(sizeof(*st));
	st->h = h;
	return &st->base;
}

static void lite_finalize(struct db_stmt *st)
{
	sqlite3_finalize(STMT(st));
	free(st);
}

static int ok(int rc)
{
	return rc == SQLITE_OK ? 0 : -1;
}

static int lite_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	return n > INT_MAX ? -1 : ok(sqlite3_bind_text(STMT(st), i, s, (int)n, SQLITE_TRANSIENT));
}

static int lite_bind_int(struct db_stmt *st, int i, long long v)
{
	return ok(sqlite3_bind_int64(STMT(st), i, v));
}

static int lite_bind_double(struct db_stmt *st, int i, double v)
{
	return ok(sqlite3_bind_double(STMT(st), i, v));
}

static int lite_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	return n > INT_MAX ? -1 : ok(sqlite3_bind_blob(STMT(st), i, p, (int)n, SQLITE_TRANSIENT));
}

static int lite_bind_null(struct db_stmt *st, int i)
{
	return ok(sqlite3_bind_null(STMT(st), i));
}

static enum db_step lite_step(struct db_stmt *st)
{
	int rc = sqlite3_step(STMT(st));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return DB_ERROR;
}

static void lite_reset(struct db_stmt *st)
{
	sqlite3_reset(STMT(st));
	sqlite3_clear_bindings(STMT(st));
}

static const char *lite_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(STMT(st), i);
}

static long long lite_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(STMT(st), i);
}

static double lite_col_double(struct db_stmt *st, int i)
{
	return sqlite3_column_double(STMT(st), i);
}

static const void *lite_col_blob(struct db_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(STMT(st), i);
	*len = (size_t)sqlite3_column_bytes(STMT(st), i);
	return p;
}

static int lite_col_is_null(struct db_stmt *st, int i)
{
	return sqlite3_column_type(STMT(st), i) == SQLITE_NULL;
}

static enum db_kind lite_col_kind(struct db_stmt *st, int i)
{
	switch (sqlite3_column_type(STMT(st), i)) {
	case SQLITE_INTEGER: return DB_K_INT;
	case SQLITE_FLOAT: return DB_K_REAL;
	case SQLITE_TEXT: return DB_K_TEXT;
	case SQLITE_BLOB: return DB_K_BLOB;
	default: return DB_K_NULL;
	}
}

static int lite_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(STMT(st));
}

static const struct db_backend lite_backend = {
	.postgresql = 0,
	.close = lite_close,
	.errmsg = lite_errmsg,
	.readonly = lite_readonly,
	.check = lite_check,
	.exec = lite_exec,
	.in_transaction = lite_in_transaction,
	.begin_sql = "BEGIN IMMEDIATE",
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.bind_text = lite_bind_text,
	.bind_int = lite_bind_int,
	.bind_double = lite_bind_double,
	.bind_blob = lite_bind_blob,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.reset = lite_reset,
	.col_text = lite_col_text,
	.col_int = lite_col_int,
	.col_double = lite_col_double,
	.col_blob = lite_col_blob,
	.col_is_null = lite_col_is_null,
	.col_kind = lite_col_kind,
	.col_count = lite_col_count,
};

int sqlite_open(struct db **out, const char *path, int flags, char *err, size_t errlen)
{
	struct lite *db = xcalloc(1, sizeof(*db));
	int oflags = SQLITE_OPEN_NOMUTEX;

	db->base.be = &lite_backend;
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
	    lite_exec(&db->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db->h));
		goto fail;
	}
	/* secure_delete: an erased person leaves no bytes behind in free pages;
	 * temp_store in memory: a savepoint's journal (a store's write inside a
	 * bigger transaction) is copied in memory, not written to a temp file */
	if (lite_exec(&db->base, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-8192;"
				 " PRAGMA secure_delete=ON; PRAGMA temp_store=MEMORY;")) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db->h));
		goto fail;
	}
	*out = &db->base;
	return 0;
fail:
	db_close(&db->base);
	return -1;
}
