/* The storage interface on a real SQLite file: cached statements,
 * transactions, migrations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db/db.h"

static char path[64];

static struct db *open_fresh(void)
{
	struct db *db;
	char err[256];
	snprintf(path, sizeof(path), "/tmp/turnout-db-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(db_open(&db, path, 0, err, sizeof(err)), 0);
	return db;
}

/* Regression: more call sites than cache slots once made db_cached() fail. */
static void many_cached_statements(void **state)
{
	static char sql[200][48];
	struct db *db = open_fresh();
	(void)state;
	for (int i = 0; i < 200; i++) {
		snprintf(sql[i], sizeof(sql[i]), "SELECT %d", i);
		struct db_stmt *st = db_cached(db, sql[i]);
		assert_non_null(st);
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_int(st, 0), i);
		db_reset(st);
	}
	/* the same pointer gives the same, reset statement */
	struct db_stmt *a = db_cached(db, sql[7]);
	assert_int_equal(db_step(a), DB_ROW);
	assert_ptr_equal(db_cached(db, sql[7]), a);
	assert_int_equal(db_step(a), DB_ROW);
	db_close(db);
	unlink(path);
}

static void transactions_and_migrations(void **state)
{
	char err[256];
	struct db *db = open_fresh();
	(void)state;
	assert_int_equal(db_schema_version(db), 0);
	assert_int_equal(db_migrate(db, err, sizeof(err)), 0);
	int v = db_schema_version(db);
	assert_true(v >= 5);
	assert_int_equal(db_migrate(db, err, sizeof(err)), 0); /* idempotent */
	assert_int_equal(db_schema_version(db), v);
	/* a rolled-back write leaves nothing */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO meta VALUES ('k', 'v')"), 0);
	assert_int_equal(db_rollback(db), 0);
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM meta");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 0);
	db_finalize(st);
	/* the schema's own guards hold: no overbooking, an append-only audit log */
	assert_int_equal(db_exec(db, "INSERT INTO events (id, type, title, description, seat,"
				     " postcode, lat, lon, address, address_private, access_notes,"
				     " starts_at, ends_at, status, created_at) VALUES (1, 'canvass',"
				     " 't', '', 'E1', 'DE1 0AA', 52, -1, '', 0, '', 10, 20,"
				     " 'published', 0);"
				     "INSERT INTO slots (event_id, starts_at, ends_at, capacity)"
				     " VALUES (1, 10, 20, 1)"),
			 0);
	assert_int_equal(db_exec(db, "UPDATE slots SET going = 2"), -1);
	assert_int_equal(db_exec(db, "INSERT INTO audit_log (at, action) VALUES (1, 'x')"), 0);
	assert_int_equal(db_exec(db, "DELETE FROM audit_log"), -1);
	assert_non_null(strstr(db_errmsg(db), "append-only"));
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(many_cached_statements),
		cmocka_unit_test(transactions_and_migrations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
