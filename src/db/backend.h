/*
 * What a storage backend provides behind db.h (db_sqlite.c, db_pg.c), and
 * the part of a connection and a statement db.c keeps for every backend:
 * the statement cache, transaction depth, injected faults, failed binds.
 * For db/ alone: features include db.h.
 */
#ifndef TURNOUT_DB_BACKEND_H
#define TURNOUT_DB_BACKEND_H

#include "db/db.h"

#define CACHE_SLOTS 512 /* distinct cached statements per connection: more than the code has */

struct db_backend {
	int postgresql; /* db_postgresql() */
	void (*close)(struct db *db);
	const char *(*errmsg)(struct db *db);
	int (*readonly)(struct db *db);
	int (*check)(struct db *db, char *detail, size_t n);
	int (*exec)(struct db *db, const char *sql);
	int (*in_transaction)(struct db *db); /* 0 when the server says none is open */
	int (*lost)(struct db *db);	      /* db_lost(); NULL: never */
	int (*conflict)(struct db *db);	      /* db_conflict(); NULL: never */
	const char *begin_sql;		      /* the outermost begin */
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	void (*finalize)(struct db_stmt *st);
	/* binds: 0, or -1 (db.c remembers it for the next step) */
	int (*bind_text)(struct db_stmt *st, int i, const char *s, size_t n);
	int (*bind_int)(struct db_stmt *st, int i, long long v);
	int (*bind_double)(struct db_stmt *st, int i, double v);
	int (*bind_blob)(struct db_stmt *st, int i, const void *p, size_t n);
	int (*bind_null)(struct db_stmt *st, int i);
	enum db_step (*step)(struct db_stmt *st);
	void (*reset)(struct db_stmt *st); /* ends the run and clears the binds */
	const char *(*col_text)(struct db_stmt *st, int i);
	long long (*col_int)(struct db_stmt *st, int i);
	double (*col_double)(struct db_stmt *st, int i);
	const void *(*col_blob)(struct db_stmt *st, int i, size_t *len);
	int (*col_is_null)(struct db_stmt *st, int i);
	enum db_kind (*col_kind)(struct db_stmt *st, int i);
	int (*col_count)(struct db_stmt *st);
	/* db_copy_rows() when the backend has a faster way than INSERT; else NULL */
	long (*copy_rows)(struct db *db, const char *table, struct db_stmt *src);
};

/* The first member of every backend's connection. */
struct db {
	const struct db_backend *be;
	long fail_in; /* db_fail_step(): steps left before one fails; 0 off */
	int depth;    /* open db_begin()s: the outermost is BEGIN, the rest savepoints */
	int pooled;   /* PostgreSQL through a pooler in transaction mode: nothing per session */
	struct {
		const char *sql;
		struct db_stmt *st;
	} cache[CACHE_SLOTS];
};

/* The first member of every backend's statement. */
struct db_stmt {
	struct db *db;
	int bad_bind; /* a bind failed since the last reset: the next step fails */
};

int sqlite_open(struct db **out, const char *path, int flags, char *err, size_t errlen);
int pg_open(struct db **out, const char *conninfo, int flags, char *err, size_t errlen);

#endif
