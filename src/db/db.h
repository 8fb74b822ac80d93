/*
 * The storage interface every feature uses: connections, prepared
 * statements, transactions.  SQL written against it is portable (`?`
 * placeholders, no SQLite-only syntax in features), so a PostgreSQL backend
 * can sit behind the same calls.  The SQLite backend lives in db_sqlite.c.
 *
 * A connection belongs to one thread at a time.  Statements from
 * db_cached() belong to the connection and must not be finalised.
 *
 * Every statement call accepts a NULL statement (db_cached() failed) and
 * fails cleanly, and a failed bind is remembered by the statement until its
 * reset: the next step returns DB_ERROR.  So a query reads as statements in
 * order, checked once at the step:
 *
 *     struct db_stmt *st = db_cached(db, "SELECT name FROM people WHERE id = ?");
 *     db_bind_int(st, 1, id);
 *     if (db_one(st) == 1)
 *             db_col_copy(st, 0, name, sizeof(name));
 *     db_reset(st);
 */
#ifndef TURNOUT_DB_H
#define TURNOUT_DB_H

#include <stddef.h>
#include <stdio.h>

struct db;
struct db_stmt;

enum db_step { DB_ROW = 1, DB_DONE = 0, DB_ERROR = -1 };

#define DB_OPEN_CREATE 1 /* create the file if missing */
#define DB_OPEN_READONLY 2

/* path: a SQLite file, or a PostgreSQL connection URI (postgresql://…).
 * 0 and *out, or -1 with a message written to err (errlen bytes). */
int db_open(struct db **out, const char *path, int flags, char *err, size_t errlen);
/* 1 when path names PostgreSQL (a postgresql:// or postgres:// URI, which
 * may hold a password: print it nowhere), 0 for a SQLite file. */
int db_path_postgresql(const char *path);
/* 1 when there is a database to open at path without creating one (a
 * SQLite file that exists; a PostgreSQL URI, which connecting will tell). */
int db_present(const char *path);
/* 1 when the connection is to PostgreSQL: for the few places that differ. */
int db_postgresql(struct db *db);
void db_close(struct db *db);
const char *db_errmsg(struct db *db);
/* 1 when the server cannot be reached now (PostgreSQL down, restarting or
 * failing over; the connection is made again at its next use), or db is
 * NULL; always 0 for an open SQLite file.  What makes a failure "try again
 * in a moment" rather than a fault. */
int db_lost(struct db *db);
/* 1 when the last statement failed for another transaction's sake (a
 * deadlock, a serialization failure on PostgreSQL): the transaction, rolled
 * back, may be run again whole.  0 otherwise, always on SQLite. */
int db_conflict(struct db *db);

/* 1 when the connection can only read (the file or its folder is read-only). */
int db_readonly(struct db *db);
/* SQLite's quick_check over the whole file: 1 sound, 0 damaged (the first
 * finding in detail), -1 when it could not run. */
int db_check(struct db *db, char *detail, size_t n);

/* Runs one or more statements with no parameters; 0 or -1. */
int db_exec(struct db *db, const char *sql);
/*
 * BEGIN for writing (takes the write lock up front), COMMIT, ROLLBACK.
 * They nest: inside an open transaction, a begin is a savepoint that its
 * commit releases and its rollback undoes alone, so a caller may hold a
 * store's write and the mail it causes in one transaction.  A failed
 * commit leaves the transaction open: roll it back.
 */
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

/* Binds are 1-based, like SQL placeholders; 0 or -1 (and the next step fails). */
int db_bind_text(struct db_stmt *st, int i, const char *s, size_t n);
/* A NUL-terminated string; NULL binds SQL NULL. */
int db_bind_str(struct db_stmt *st, int i, const char *s);
/* v, or SQL NULL when v is 0 (an optional reference to another row). */
int db_bind_id(struct db_stmt *st, int i, long long v);
int db_bind_int(struct db_stmt *st, int i, long long v);
int db_bind_double(struct db_stmt *st, int i, double v);
int db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n);
int db_bind_null(struct db_stmt *st, int i);
/*
 * A run of binds as one call, each value tagged with its type, so a
 * statement's parameters read in placeholder order on one line:
 *
 *     db_binds(st, 1, DB_INT(event_id), DB_STR(name), DB_ID(group_id));
 *
 * binds ?1, ?2, ?3; 0, or -1 as the first failed bind (the next step fails).
 */
struct db_val {
	enum { DB_V_INT, DB_V_ID, DB_V_STR, DB_V_REAL, DB_V_NULL } kind;
	union {
		long long i;
		double d;
		const char *s;
	};
};
#define DB_INT(v)  ((struct db_val){ .kind = DB_V_INT, .i = (v) })
#define DB_ID(v)   ((struct db_val){ .kind = DB_V_ID, .i = (v) })
#define DB_STR(v)  ((struct db_val){ .kind = DB_V_STR, .s = (v) })
#define DB_REAL(v) ((struct db_val){ .kind = DB_V_REAL, .d = (v) })
#define DB_NULL	   ((struct db_val){ .kind = DB_V_NULL })
#define db_binds(st, first, ...)                                                                   \
	db_bind_vals((st), (first), (const struct db_val[]){ __VA_ARGS__ },                       \
		     (int)(sizeof((struct db_val[]){ __VA_ARGS__ }) / sizeof(struct db_val)))
int db_bind_vals(struct db_stmt *st, int first, const struct db_val *v, int n);
enum db_step db_step(struct db_stmt *st);
/* Ends the statement's run (releasing its read snapshot) and its binds. */
void db_reset(struct db_stmt *st);

/*
 * One step of a statement run for its rows: 1 with a row to read (reset it
 * when done), 0 when there is none or -1 on error (both already reset).
 */
int db_one(struct db_stmt *st);
/* Whether the statement returns a row: 1, 0 none, -1 on error; reset. */
int db_exists(struct db_stmt *st);
/*
 * For a loop over a statement's rows: 1 with a row to read; at the end, or
 * on an error, the statement is reset, *rc set to 1 (or -1) and 0 returned:
 *
 *     while (db_next(st, &rc))
 *             fn(db_col_text(st, 0), arg);
 *     return rc;
 */
int db_next(struct db_stmt *st, int *rc);
/* For a statement whose rows are (id, name): fn once a row, in order; 1 or -1. */
int db_id_names(struct db_stmt *st, void (*fn)(long id, const char *name, void *arg), void *arg);
/* Runs a statement for its effect (rows it returns are read and dropped),
 * then resets it: 0, or -1 on any error. */
int db_done(struct db_stmt *st);
/* db_done() that also says how many rows the statement returned (for an
 * UPDATE … RETURNING whose effect must be checked): n >= 0, or -1. */
long db_count(struct db_stmt *st);
/* For a write whose effect is to be checked (an UPDATE … RETURNING): 1
 * when it returned a row, 0 when none, -1 on error; reset. */
int db_changed(struct db_stmt *st);
/* The first column of the first row as an integer, or dflt when there is
 * no row or an error; always reset. */
long long db_int_or(struct db_stmt *st, long long dflt);

/* Columns are 0-based; text is NULL for SQL NULL and valid until the next step. */
const char *db_col_text(struct db_stmt *st, int i);
long long db_col_int(struct db_stmt *st, int i);
double db_col_double(struct db_stmt *st, int i);
const void *db_col_blob(struct db_stmt *st, int i, size_t *len);
int db_col_is_null(struct db_stmt *st, int i);
/* What column i of the current row holds; how many columns a row has. */
enum db_kind { DB_K_NULL, DB_K_INT, DB_K_REAL, DB_K_TEXT, DB_K_BLOB };
enum db_kind db_col_kind(struct db_stmt *st, int i);
int db_col_count(struct db_stmt *st);

/*
 * Bulk load, as an import needs: every row src returns (any backend), its
 * columns in the order of table's, into table on db, inside the caller's
 * transaction: by COPY on PostgreSQL, by one prepared INSERT on SQLite.
 * src is reset.  The rows loaded, or -1.  table is compiled in, never input.
 */
long db_copy_rows(struct db *db, const char *table, struct db_stmt *src);

/* Copies column i's text into out (len bytes, SQL NULL as ""): 0, or -1 when
 * it was cut to fit. */
int db_col_copy(struct db_stmt *st, int i, char *out, size_t len);

/*
 * A lock by name across every process on the database, for work one node
 * does at a time (an import, a periodic job's pass): 1 held, 0 another
 * process holds it, -1 on error.  On PostgreSQL an advisory lock this
 * connection holds until db_unlock() or its close; through a pooler in
 * transaction mode (TURNOUT_PG_POOLER), where no server session is the
 * connection's own, a lease row (db_locks) for DB_LOCK_LEASE_S that
 * db_unlock() ends early; on SQLite, whose file one server owns, always
 * granted.
 */
#define DB_LOCK_LEASE_S 60
int db_lock(struct db *db, const char *name);
void db_unlock(struct db *db, const char *name);

/* For fault tests: the nth db_step() from now on this connection (1 = the
 * next) fails as an I/O error would; 0 turns it off. */
void db_fail_step(struct db *db, long nth);

/* Applies the schema migrations not yet applied; 0 or -1 (err filled). */
int db_migrate(struct db *db, char *err, size_t errlen);
/* The schema version the database is at (0 for an empty file, or when it
 * cannot be read); the version this build's migrations reach. */
int db_schema_version(struct db *db);
int db_schema_latest(void);
/* Every migration's text, in order, for SQLite as written or (postgresql)
 * as db/dialect.h translates it, to out: 0, or -1 with why. */
int db_schema_write(FILE *out, int postgresql, char *err, size_t errlen);

#endif
