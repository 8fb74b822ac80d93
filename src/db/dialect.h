/*
 * The one schema (db/migrate.c, written for SQLite) as PostgreSQL takes it,
 * translated here and nowhere else: INTEGER columns as BIGINT (times are
 * Unix seconds), an INTEGER PRIMARY KEY as an identity, REAL as DOUBLE
 * PRECISION, BLOB as BYTEA, WITHOUT ROWID dropped, strftime('%s', 'now') as
 * the epoch, and each trigger as a PL/pgSQL function and the trigger that
 * runs it (RAISE(ABORT, …) as RAISE EXCEPTION).  Nothing inside a quoted
 * string or identifier is touched.  Pure and fuzzable.
 */
#ifndef TURNOUT_DIALECT_H
#define TURNOUT_DIALECT_H

#include <stddef.h>

#include "util/buf.h"

/* Appends the PostgreSQL text of the SQLite statements in sql to out
 * (inited by the caller with its cap): 0, or -1 with why (a statement this
 * does not know how to translate, a string left open, out full). */
int dialect_pg_schema(const char *sql, struct buf *out, char *why, size_t cap);

#endif
