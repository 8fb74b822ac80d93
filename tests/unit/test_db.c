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
#include "db/writer.h"
#include "tmpdb.h"

static char path[64];

static struct db *open_fresh(void)
{
	return tmpdb_open(path, 0);
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

static long count_meta(struct db *db)
{
	return db_int_or(db_cached(db, "SELECT count(*) FROM meta"), -1);
}

/* A store's own transaction inside a caller's is a savepoint: undone alone,
 * or kept, and all of it undone with the caller's. */
static void nested_transactions(void **state)
{
	char err[256];
	struct db *db = open_fresh();
	(void)state;
	assert_int_equal(db_migrate(db, err, sizeof(err)), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO meta VALUES ('a', '1')"), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO meta VALUES ('b', '1')"), 0);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO meta VALUES ('c', '1')"), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(count_meta(db), 2);
	assert_int_equal(db_int_or(db_cached(db, "SELECT count(*) FROM meta WHERE key = 'b'"), -1), 0);
	/* the outer rollback takes the inner commit with it */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO meta VALUES ('d', '1')"), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(count_meta(db), 2);
	/* and the next begin is a real BEGIN again: it commits on its own */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO meta VALUES ('e', '1')"), 0);
	assert_int_equal(db_commit(db), 0);
	struct db *other;
	assert_int_equal(db_open(&other, path, 0, err, sizeof(err)), 0);
	assert_int_equal(count_meta(other), 3);
	db_close(other);
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

/* The one-line helpers: NULL statements fail cleanly, a failed bind fails
 * the step, and every helper leaves its statement reset. */
static void one_line_helpers(void **state)
{
	struct db *db = open_fresh();
	char name[8];
	(void)state;
	assert_int_equal(db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT,"
				     " ref INTEGER)"),
			 0);
	/* NULL statement: every call fails, none crashes */
	struct db_stmt *none = db_cached(db, "SELECT nonsense FROM nowhere");
	assert_null(none);
	assert_int_equal(db_bind_str(none, 1, "x"), -1);
	assert_int_equal(db_bind_int(none, 1, 1), -1);
	assert_int_equal(db_one(none), -1);
	assert_int_equal(db_done(none), -1);
	assert_int_equal(db_count(none), -1);
	assert_int_equal(db_int_or(none, 42), 42);
	db_reset(none);

	struct db_stmt *ins = db_cached(db, "INSERT INTO t (name, ref) VALUES (?, ?)");
	db_bind_str(ins, 1, "Ada");
	db_bind_id(ins, 2, 0);
	assert_int_equal(db_done(ins), 0);
	db_bind_str(ins, 1, NULL);
	db_bind_id(ins, 2, 1);
	assert_int_equal(db_done(ins), 0);
	assert_int_equal(db_int_or(db_cached(db, "SELECT count(*) FROM t WHERE ref IS NULL"), -1),
			 1);
	assert_int_equal(db_int_or(db_cached(db, "SELECT count(*) FROM t WHERE name IS NULL"), -1),
			 1);
	/* a bind out of range is remembered: the step fails and nothing is written */
	assert_int_equal(db_bind_str(ins, 1, "Bob"), 0);
	assert_int_equal(db_bind_int(ins, 9, 1), -1);
	assert_int_equal(db_done(ins), -1);
	assert_int_equal(db_int_or(db_cached(db, "SELECT count(*) FROM t"), -1), 2);
	/* and forgotten at the reset */
	db_bind_str(ins, 1, "Cy");
	assert_int_equal(db_done(ins), 0);

	struct db_stmt *get = db_cached(db, "SELECT name FROM t WHERE id = ?");
	db_bind_int(get, 1, 1);
	assert_int_equal(db_one(get), 1);
	assert_int_equal(db_col_copy(get, 0, name, sizeof(name)), 0);
	assert_string_equal(name, "Ada");
	db_reset(get);
	db_bind_int(get, 1, 2); /* NULL name copies as "" */
	assert_int_equal(db_one(get), 1);
	assert_int_equal(db_col_copy(get, 0, name, sizeof(name)), 0);
	assert_string_equal(name, "");
	db_reset(get);
	db_bind_int(get, 1, 99);
	assert_int_equal(db_one(get), 0);
	/* a copy cut to fit says so */
	struct db_stmt *lit = db_cached(db, "SELECT 'a longer name'");
	assert_int_equal(db_one(lit), 1);
	assert_int_equal(db_col_copy(lit, 0, name, sizeof(name)), -1);
	assert_string_equal(name, "a longe");
	db_reset(lit);
	/* RETURNING rows counted: the effect of a conditional UPDATE is checked */
	struct db_stmt *upd = db_cached(db, "UPDATE t SET ref = 7 WHERE ref IS NULL RETURNING id");
	assert_int_equal(db_count(upd), 2);
	assert_int_equal(db_count(upd), 0);
	/* a reset statement holds no read snapshot: another connection writes freely */
	struct db *other;
	char err[256];
	assert_int_equal(db_open(&other, path, 0, err, sizeof(err)), 0);
	db_bind_int(get, 1, 1);
	assert_int_equal(db_one(get), 1);
	db_reset(get);
	assert_int_equal(db_exec(other, "INSERT INTO t (name) VALUES ('Di')"), 0);
	assert_int_equal(db_int_or(db_cached(db, "SELECT count(*) FROM t"), -1), 4);
	db_close(other);
	db_close(db);
	unlink(path);
}

/* db_binds(): every kind of value lands in its placeholder, in order, and a
 * failed bind in the run fails the step with nothing written. */
static void binds_in_one_call(void **state)
{
	struct db *db = open_fresh();
	(void)state;
	assert_int_equal(db_exec(db, "CREATE TABLE v (i INTEGER, r INTEGER, s TEXT, d REAL,"
				     " n INTEGER, z TEXT)"),
			 0);
	struct db_stmt *ins = db_cached(db, "INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)");
	assert_int_equal(db_binds(ins, 1, DB_INT(-7), DB_ID(0), DB_STR("tea"), DB_REAL(2.5),
				  DB_NULL, DB_STR(NULL)),
			 0);
	assert_int_equal(db_done(ins), 0);
	struct db_stmt *get = db_cached(db, "SELECT i, r IS NULL, s, d, n IS NULL, z IS NULL FROM v");
	assert_int_equal(db_one(get), 1);
	assert_int_equal(db_col_int(get, 0), -7);
	assert_int_equal(db_col_int(get, 1), 1);
	assert_string_equal(db_col_text(get, 2), "tea");
	assert_true(db_col_double(get, 3) == 2.5);
	assert_int_equal(db_col_int(get, 4), 1);
	assert_int_equal(db_col_int(get, 5), 1);
	db_reset(get);
	/* a run starting later binds from there: ?5 and ?6 */
	db_binds(ins, 1, DB_INT(1), DB_ID(3), DB_STR("a"), DB_REAL(0));
	db_binds(ins, 5, DB_INT(5), DB_STR("six"));
	assert_int_equal(db_done(ins), 0);
	assert_int_equal(db_int_or(db_cached(db, "SELECT count(*) FROM v WHERE r = 3 AND n = 5"
						 " AND z = 'six'"),
				   -1),
			 1);
	/* one placeholder too many: refused, and the insert does not happen */
	assert_int_equal(db_binds(ins, 1, DB_INT(1), DB_INT(2), DB_STR("x"), DB_REAL(1), DB_INT(5),
				  DB_STR("y"), DB_INT(7)),
			 -1);
	assert_int_equal(db_done(ins), -1);
	assert_int_equal(db_int_or(db_cached(db, "SELECT count(*) FROM v"), -1), 2);
	assert_int_equal(db_binds(NULL, 1, DB_INT(1)), -1);
	db_close(db);
	unlink(path);
}

/* db_fail_step(): the nth step fails once, then steps work again. */
static void injected_faults(void **state)
{
	struct db *db = open_fresh();
	(void)state;
	db_fail_step(db, 2);
	assert_int_equal(db_int_or(db_cached(db, "SELECT 1"), -1), 1);
	assert_int_equal(db_int_or(db_cached(db, "SELECT 2"), -1), -1);
	assert_int_equal(db_int_or(db_cached(db, "SELECT 3"), -1), 3);
	db_close(db);
	unlink(path);
}

/* A staging file's rows into the database under test (COPY on PostgreSQL):
 * the awkward values come back as they went, and a row the table refuses
 * loads nothing. */
static void bulk_copy(void **state)
{
	char src_path[] = "/tmp/turnout-copy-XXXXXX", err[256];
	struct db *db = open_fresh(), *src;
	(void)state;
	int fd = mkstemp(src_path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(db_open(&src, src_path, 0, err, sizeof(err)), 0);
	const char *schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, x REAL,"
			     " raw BLOB, n INTEGER NOT NULL)";
	assert_int_equal(db_exec(src, schema), 0);
	assert_int_equal(db_exec(db, schema), 0);
	assert_int_equal(db_exec(src, "INSERT INTO t VALUES (1, 'tab\there, line\nend \\N', 0.1,"
				      " x'00ff5c0a', 7), (2, NULL, NULL, NULL, -9000000000),"
				      " (3, 'Ynys Môn', 2.5e-7, x'', 0)"),
			 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_copy_rows(db, "t", db_cached(src, "SELECT * FROM t")), 3);
	assert_int_equal(db_commit(db), 0);
	struct db_stmt *st = db_prepare(db, "SELECT id, name, x, raw, n FROM t ORDER BY id");
	size_t len;
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 1), "tab\there, line\nend \\N");
	assert_true(db_col_double(st, 2) == 0.1);
	const unsigned char *raw = db_col_blob(st, 3, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(raw, "\x00\xff\\\n", 4);
	assert_int_equal(db_col_int(st, 4), 7);
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_is_null(st, 1) && db_col_is_null(st, 2) && db_col_is_null(st, 3));
	assert_int_equal(db_col_int(st, 4), -9000000000LL);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 1), "Ynys Môn");
	assert_true(db_col_double(st, 2) == 2.5e-7);
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
	/* the same rows again break the primary key: nothing of the second load stays */
	assert_int_equal(db_exec(src, "INSERT INTO t VALUES (4, 'four', 0, x'', 4)"), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_copy_rows(db, "t", db_cached(src, "SELECT * FROM t ORDER BY id DESC")), -1);
	db_rollback(db);
	st = db_prepare(db, "SELECT count(*) FROM t");
	assert_int_equal(db_int_or(st, -1), 3);
	db_finalize(st);
	assert_int_equal(db_copy_rows(db, "t", NULL), -1);
	/* a statement failed inside a transaction: a commit that says 0 kept the
	 * rest (SQLite), one that could not (PostgreSQL rolls it all back) says -1 */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t (id, n) VALUES (1, 1)"), -1);
	assert_int_equal(db_exec(db, "INSERT INTO t (id, n) VALUES (9, 9)"), db_postgresql(db) ? -1 : 0);
	int kept = db_commit(db) == 0;
	if (!kept)
		db_rollback(db);
	st = db_prepare(db, "SELECT count(*) FROM t WHERE id = 9");
	assert_int_equal(db_int_or(st, -1), kept);
	db_finalize(st);
	/* and the connection is whole again */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t (id, n) VALUES (10, 10)"), 0);
	assert_int_equal(db_commit(db), 0);
	db_close(src);
	db_close(db);
	unlink(src_path);
	unlink(path);
}

/* Of two connections one holds a named lock at a time; unlocking or (for
 * an advisory lock) closing lets the other take it, as does a lapsed lease
 * through a pooler.  SQLite's file has one server: always granted. */
static void locks_by_name(void **state)
{
	char err[256];
	struct db *a = open_fresh(), *b;
	(void)state;
	assert_int_equal(db_migrate(a, err, sizeof(err)), 0);
	assert_int_equal(db_open(&b, path, 0, err, sizeof(err)), 0);
	int pg = db_postgresql(a);
	const char *pooler = getenv("TURNOUT_PG_POOLER");
	int leased = pg && pooler && !strcmp(pooler, "transaction");
	assert_int_equal(db_lock(a, "job"), 1);
	assert_int_equal(db_lock(b, "job"), pg ? 0 : 1);
	assert_int_equal(db_lock(b, "other job"), 1);
	db_unlock(a, "job");
	assert_int_equal(db_lock(b, "job"), 1);
	assert_int_equal(db_lock(a, "job"), pg ? 0 : 1);
	db_unlock(b, "job");
	db_unlock(b, "other job");
	if (pg) {
		/* the holder dies without unlocking */
		struct db *c;
		assert_int_equal(db_open(&c, path, 0, err, sizeof(err)), 0);
		assert_int_equal(db_lock(c, "job"), 1);
		db_close(c);
		if (leased) {
			assert_int_equal(db_lock(a, "job"), 0);
			assert_int_equal(db_exec(b, "UPDATE db_locks SET until = 0"), 0);
		}
		assert_int_equal(db_lock(a, "job"), 1);
		db_unlock(a, "job");
	}
	db_close(b);
	db_close(a);
	unlink(path);
}

/* A writer batch that another transaction deadlocks with is run again
 * whole, and its job hears it succeeded (PostgreSQL; SQLite's one writer
 * cannot deadlock). */
struct crossing {
	struct db_job base;
	int tries, ok;
	volatile int done;
};

static int crossing_apply(struct db *db, struct db_job *base)
{
	struct crossing *c = (struct crossing *)base;
	c->tries++;
	return db_exec(db, "UPDATE t SET n = n + 1 WHERE id = 1") ||
		       db_exec(db, "UPDATE t SET n = n + 1 WHERE id = 2")
		   ? -1
		   : 0;
}

static void crossing_done(struct db_job *base, int ok)
{
	struct crossing *c = (struct crossing *)base;
	c->ok = ok;
	c->done = 1;
}

static void deadlocked_batch_runs_again(void **state)
{
	struct db *db = open_fresh();
	struct db_writer w;
	struct crossing c = { .base = { crossing_apply, crossing_done, NULL } };
	(void)state;
	if (!db_postgresql(db)) {
		db_close(db);
		unlink(path);
		skip();
	}
	assert_int_equal(db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER);"
				     "INSERT INTO t VALUES (1, 0), (2, 0)"),
			 0);
	assert_int_equal(db_writer_start(&w, path, 0), 0);
	/* this connection holds row 2; the batch takes row 1 and waits for 2;
	 * then this one waits for 1: the batch waited first, so PostgreSQL's
	 * deadlock check (after a second) fails the batch, not this */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "UPDATE t SET n = n + 10 WHERE id = 2"), 0);
	db_writer_submit(&w, &c.base);
	usleep(300000);
	assert_int_equal(db_exec(db, "UPDATE t SET n = n + 10 WHERE id = 1"), 0);
	assert_int_equal(db_commit(db), 0);
	for (int i = 0; i < 500 && !c.done; i++)
		usleep(10000);
	assert_true(c.done);
	assert_int_equal(c.ok, 1);
	assert_int_equal(c.tries, 2);
	struct db_stmt *st = db_prepare(db, "SELECT sum(n) FROM t");
	assert_int_equal(db_int_or(st, -1), 22);
	db_finalize(st);
	db_writer_stop(&w);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(many_cached_statements),
		cmocka_unit_test(transactions_and_migrations),
		cmocka_unit_test(nested_transactions),
		cmocka_unit_test(one_line_helpers),
		cmocka_unit_test(binds_in_one_call),
		cmocka_unit_test(injected_faults),
		cmocka_unit_test(bulk_copy),
		cmocka_unit_test(locks_by_name),
		cmocka_unit_test(deadlocked_batch_runs_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
