/*
 * The storage interface every feature uses: connections, prepared
 * statements, transactions.  SQL written against it is portable (`?`
 * placeholders, no SQLite-only syntax in features), so a PostgreSQL backend
 * can sit behind the same calls.  The SQLite backend lives in db_sqlite.c.
 *
 * A connection belongs to one thread at a time.  Statements from
 * db_cached() belong to the connection and must not be finalised.
 */
#ifndef TURNOUT_DB_H
#define TURNOUT_DB_H

#include <stddef.h>

struct db;
struct db_stmt;

enum db_step { DB_ROW = 1, DB_DONE = 0, DB_ERROR = -1 };

#define DB_OPEN_CREATE 1 /* create the file if missing */
#define DB_OPEN_READONLY 2

/* 0 and *out, or -1 with a message written to err (errlen bytes). */
int db_open(struct db **out, const char *path, int flags, char *err, size_t errlen);
void db_close(struct db *db);
const char *db_errmsg(struct db *db);

/* Runs one or more statements with no parameters; 0 or -1. */
int db_exec(struct db *db, const char *sql);
/* BEGIN for writing (takes the write lock up front), COMMIT, ROLLBACK. */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* A statement owned by the caller (db_finalize), or NULL on error. */
struct db_stmt *db_prepare(struct db *db, const char *sql);
void db_finalize(struct db_stmt *st);
/*
 * A statement prepared once per connection and reused: the key is the sql
 * pointer, so pass a string literal.  Comes back reset and unbound.
 */
struct db_stmt *db_cached(struct db *db, const char *sql);

/* Binds are 1-based, like SQL placeholders; 0 or -1. */
int db_bind_text(struct db_stmt *st, int i, const char *s, size_t n);
int db_bind_int(struct db_stmt *st, int i, long long v);
int db_bind_double(struct db_stmt *st, int i, double v);
int db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
int db_bind_null(struct db_stmt *st, int i);
enum db_step db_step(struct db_stmt *st);
void db_reset(struct db_stmt *st);

/* Columns are 0-based; text is NULL for SQL NULL and valid until the next step. */
const char *db_col_text(struct db_stmt *st, int i);
long long db_col_int(struct db_stmt *st, int i);
double db_col_double(struct db_stmt *st, int i);
const void *db_col_blob(struct db_stmt *st, int i, size_t *len);
int db_col_is_null(struct db_stmt *st, int i);

/* Applies the schema migrations not yet applied; 0 or -1 (err filled). */
int db_migrate(struct db *db, char *err, size_t errlen);
/* The schema version the database is at (0 for an empty file). */
int db_schema_version(struct db *db);

#endif
