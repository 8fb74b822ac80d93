/* The contact-list load on a real, migrated SQLite file: a store that fails
 * part-way leaves a record that says exactly what is live (never "whole"),
 * and the same file loaded again carries on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db/db.h"
#include "phonebank/store.h"
#include "tmpdb.h"

#define ROWS 20000 /* three batches of 8,192 */

static long long count(struct db *db, const char *sql)
{
	return db_int_or(db_cached(db, sql), -1);
}

static int list_fd(void)
{
	char name[] = "/tmp/turnout-list-XXXXXX";
	int fd = mkstemp(name);
	assert_true(fd >= 0);
	unlink(name);
	FILE *f = fdopen(dup(fd), "w");
	assert_non_null(f);
	fputs("phone,name,postcode\n", f);
	for (int i = 0; i < ROWS; i++)
		fprintf(f, "07%d,Voter %d,DE22 1AA\n", 400000000 + i, i);
	fclose(f);
	return fd;
}

static void store_fails_mid_load(void **state)
{
	char path[64];
	struct db *db = tmpdb_open(path, 1);
	static struct phonebank pb;
	static struct contacts_report rep;
	(void)state;

	assert_int_equal(db_exec(db, "INSERT INTO local_groups VALUES (1, 'Callers', 0);"
				     "INSERT INTO phonebanks VALUES (1, 1, 'Calls', 'Hi', '', 0, 1440,"
				     " 127, 3, 60, NULL, 0, 0)"),
			 0);
	assert_int_equal(phonebank_get(db, 1, &pb), 1);
	int fd = list_fd();
	/* past the first batch's 8,192 staged rows: a step of the second fails */
	db_fail_step(db, 9000);
	assert_int_equal(contacts_import(db, &pb, fd, "list.csv", NULL, &rep, NULL), -1);
	db_fail_step(db, 0);
	assert_non_null(strstr(rep.fatal, "The store failed"));
	assert_int_equal(count(db, "SELECT count(*) FROM contacts WHERE practice = 0"), 8192);
	assert_int_equal(count(db, "SELECT rows_done FROM contact_imports"), 8192);
	assert_int_equal(count(db, "SELECT finished_at IS NULL FROM contact_imports"), 1);
	/* the same file carries on from there, and is whole */
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(contacts_import(db, &pb, fd, "list.csv", NULL, &rep, NULL), 0);
	assert_int_equal(rep.resumed_after, 8192);
	assert_int_equal(count(db, "SELECT count(*) FROM contacts WHERE practice = 0"), ROWS);
	assert_int_equal(count(db, "SELECT finished_at IS NOT NULL FROM contact_imports"), 1);
	close(fd);
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_fails_mid_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
