/* For the unit tests that need a real database: include after cmocka.h.
 * A SQLite file under /tmp; or, when TURNOUT_TEST_PG holds a PostgreSQL
 * connection URI (tests/integration/pg_db.test.mjs sets it), that
 * database emptied, so the same tests check the PostgreSQL backend. */
#ifndef TURNOUT_TEST_TMPDB_H
#define TURNOUT_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"

/* A new, empty database, its name in path (the test unlinks it: nothing
 * for PostgreSQL), with every migration applied when migrate. */
static struct db *tmpdb_open(char path[64], int migrate)
{
	struct db *db;
	char err[256];
	const char *pg = getenv("TURNOUT_TEST_PG");
	if (pg && *pg) {
		snprintf(path, 64, "%.63s", pg);
		assert_int_equal(db_open(&db, pg, 0, err, sizeof(err)), 0);
		assert_int_equal(db_exec(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public"),
				 0);
	} else {
		snprintf(path, 64, "/tmp/turnout-test-XXXXXX");
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(db_open(&db, path, 0, err, sizeof(err)), 0);
	}
	if (migrate)
		assert_int_equal(db_migrate(db, err, sizeof(err)), 0);
	return db;
}

#endif
