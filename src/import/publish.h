/*
 * Publishing a finished reference build into a live database without
 * holding its write lock for long.  The build is made in a staging file;
 * publishing copies it into shadow tables (new_postcodes, …) in short
 * transactions, then swaps them for the live ones by renaming, in one
 * transaction that takes milliseconds, and drops the old copies after.
 * Readers see the old data or the new, never a mixture, and a crash at any
 * moment leaves the live tables whole (leftover shadows are dropped by the
 * next run).  On PostgreSQL the tables are emptied and loaded again by
 * COPY in one transaction instead: MVCC gives readers the same guarantee.
 */
#ifndef TURNOUT_IMPORT_PUBLISH_H
#define TURNOUT_IMPORT_PUBLISH_H

#include <stddef.h>

struct db;

/*
 * Rewrites one CREATE TABLE or CREATE INDEX statement of a reference table
 * for its shadow: the reference tables it names after TABLE, REFERENCES or
 * ON get the "new_" prefix, and an index gets its other name (`x` <-> `x_2`,
 * since the live index keeps its own until the swap).  0, or -1 when out
 * (n bytes) is too small.
 */
int publish_shadow_sql(const char *sql, char *out, size_t n);

/* Replaces the reference tables of db by those of the staging file at
 * stage_path; 0, or -1 with the reason in err.  Call with no transaction
 * open. */
int publish_reference(struct db *db, const char *stage_path, char *err, size_t errlen);

#endif
