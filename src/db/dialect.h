/*
 * The one schema (db/migrate.c, written for SQLite) as PostgreSQL takes it,
 * translated here and nowhere else: INTEGER columns as BIGINT (times are
 * Unix seconds), an INTEGER PRIMARY KEY as an identity, a table's TEXT in
 * byte order (COLLATE "C", as SQLite's BINARY), REAL as DOUBLE PRECISION,
 * BLOB as BYTEA, WITHOUT ROWID dropped, strftime('%s', 'now') and
 * unixepoch() as the epoch, each trigger as a PL/pgSQL function and the
 * trigger that runs it (RAISE(ABORT, …) as RAISE EXCEPTION; DROP TRIGGER as
 * dropping that function), a PRAGMA (tuning of SQLite's file) left out,
 * and a comment opened with "pg:" made the clause it holds (one only
 * PostgreSQL has, FOR UPDATE SKIP LOCKED; SQLite skips the comment).
 * Nothing inside a quoted string or identifier is touched.  Pure and
 * fuzzable.
 */
#ifndef TURNOUT_DIALECT_H
#define TURNOUT_DIALECT_H

#include <stddef.h>

#include "util/buf.h"

/* Appends the PostgreSQL text of the SQLite statements in sql to out
 * (inited by the caller with its cap): 0, or -1 with why (a statement this
 * does not know how to translate, a string left open, out full). */
int dialect_pg_schema(const char *sql, struct buf *out, char *why, size_t cap);

/* SQLite's functions the statements use and PostgreSQL lacks, defined
 * there (db_migrate runs it before the migrations). */
extern const char dialect_pg_functions[];

/* One statement as PostgreSQL takes it: the same rules, and its ? and ?N
 * placeholders as $N (a bare ? is one more than the largest so far, as
 * SQLite counts).
 * Appends to out: 0 and *params (the highest placeholder), or -1 with why. */
int dialect_pg_query(const char *sql, struct buf *out, int *params, char *why, size_t cap);

#endif
