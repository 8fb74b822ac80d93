/* For the unit tests that need a real SQLite file: include after cmocka.h. */
#ifndef TURNOUT_TEST_TMPDB_H
#define TURNOUT_TEST_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"

/* A new database file under /tmp, its name in path (the test unlinks it),
 * with every migration applied when migrate. */
static struct db *tmpdb_open(char path[64], int migrate)
{
	struct db *db;
	char err[256];
	snprintf(path, 64, "/tmp/turnout-test-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(db_open(&db, path, 0, err, sizeof(err)), 0);
	if (migrate)
		assert_int_equal(db_migrate(db, err, sizeof(err)), 0);
	return db;
}

#endif
