/*
 * db.h for every backend: the connection string picks one (postgresql://
 * or postgres:// for libpq, anything else a SQLite file), and what they
 * share — the statement cache, nested transactions, failed binds remembered,
 * injected faults, the one-line helpers — is written once here.
 */
#include "db/backend.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"

int db_path_postgresql(const char *path)
{
	return !strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11);
}

int db_present(const char *path)
{
	return db_path_postgresql(path) || access(path, F_OK) == 0;
}

int db_open(struct db **out, const char *path, int flags, char *err, size_t errlen)
{
	if (db_path_postgresql(path))
		return pg_open(out, path, flags, err, errlen);
	return sqlite_open(out, path, flags, err, errlen);
}

int db_postgresql(struct db *db)
{
	return db->be->postgresql;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (db->cache[i].st)
			db_finalize(db->cache[i].st);
	db->be->close(db);
}

const char *db_errmsg(struct db *db)
{
	return db->be->errmsg(db);
}

int db_lost(struct db *db)
{
	return !db || (db->be->lost && db->be->lost(db));
}

int db_conflict(struct db *db)
{
	return db && db->be->conflict && db->be->conflict(db);
}

int db_readonly(struct db *db)
{
	return db->be->readonly(db);
}

int db_check(struct db *db, char *detail, size_t n)
{
	return db->be->check(db, detail, n);
}

int db_exec(struct db *db, const char *sql)
{
	return db->be->exec(db, sql);
}

int db_begin(struct db *db)
{
	/* a backend ends a transaction by itself on some errors: trust it over the count */
	if (!db->be->in_transaction(db))
		db->depth = 0;
	if (db_exec(db, db->depth ? "SAVEPOINT nested" : db->be->begin_sql))
		return -1;
	db->depth++;
	return 0;
}

int db_commit(struct db *db)
{
	if (db_exec(db, db->depth > 1 ? "RELEASE nested" : "COMMIT"))
		return -1;
	db->depth--;
	return 0;
}

int db_rollback(struct db *db)
{
	int nested = db->depth > 1;

	db->depth -= db->depth > 0;
	if (!db->be->in_transaction(db)) {
		db->depth = 0;
		return 0;
	}
	return db_exec(db, nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	struct db_stmt *st = db->be->prepare(db, sql);
	if (st) {
		st->db = db;
		st->bad_bind = 0;
	}
	return st;
}

void db_finalize(struct db_stmt *st)
{
	if (st)
		st->db->be->finalize(st);
}

struct db_stmt *db_cached(struct db *db, const char *sql)
{
	size_t slot = ((size_t)sql >> 4) % CACHE_SLOTS;

	for (int probe = 0; probe < CACHE_SLOTS; probe++) {
		size_t i = (slot + (size_t)probe) % CACHE_SLOTS;
		if (db->cache[i].sql == sql) {
			db_reset(db->cache[i].st);
			return db->cache[i].st;
		}
		if (!db->cache[i].sql) {
			struct db_stmt *st = db_prepare(db, sql);
			if (!st)
				return NULL;
			db->cache[i].sql = sql;
			db->cache[i].st = st;
			return st;
		}
	}
	/* more distinct statements than slots: a programming error, loudly */
	fprintf(stderr, "turnout: statement cache full: raise CACHE_SLOTS\n");
	return NULL;
}

/* Records a failed bind on the statement, for the next step to report. */
static int bound(struct db_stmt *st, int rc)
{
	if (rc == 0)
		return 0;
	st->bad_bind = 1;
	return -1;
}

int db_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	return st ? bound(st, st->db->be->bind_text(st, i, s, n)) : -1;
}

int db_bind_str(struct db_stmt *st, int i, const char *s)
{
	return s ? db_bind_text(st, i, s, strlen(s)) : db_bind_null(st, i);
}

int db_bind_int(struct db_stmt *st, int i, long long v)
{
	return st ? bound(st, st->db->be->bind_int(st, i, v)) : -1;
}

int db_bind_id(struct db_stmt *st, int i, long long v)
{
	return v ? db_bind_int(st, i, v) : db_bind_null(st, i);
}

int db_bind_double(struct db_stmt *st, int i, double v)
{
	return st ? bound(st, st->db->be->bind_double(st, i, v)) : -1;
}

int db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	return st ? bound(st, st->db->be->bind_blob(st, i, p, n)) : -1;
}

int db_bind_null(struct db_stmt *st, int i)
{
	return st ? bound(st, st->db->be->bind_null(st, i)) : -1;
}

int db_bind_vals(struct db_stmt *st, int first, const struct db_val *v, int n)
{
	int rc = 0;
	for (int k = 0; k < n && rc == 0; k++) {
		int i = first + k;
		switch (v[k].kind) {
		case DB_V_INT: rc = db_bind_int(st, i, v[k].i); break;
		case DB_V_ID: rc = db_bind_id(st, i, v[k].i); break;
		case DB_V_STR: rc = db_bind_str(st, i, v[k].s); break;
		case DB_V_REAL: rc = db_bind_double(st, i, v[k].d); break;
		case DB_V_NULL: rc = db_bind_null(st, i); break;
		}
	}
	return rc;
}

enum db_step db_step(struct db_stmt *st)
{
	if (!st || st->bad_bind)
		return DB_ERROR;
	if (st->db->fail_in && --st->db->fail_in == 0)
		return DB_ERROR;
	return st->db->be->step(st);
}

void db_reset(struct db_stmt *st)
{
	if (!st)
		return;
	st->db->be->reset(st);
	st->bad_bind = 0;
}

/*
 * A lease is written without waiting for a synchronous standby: if the
 * standby stops, commits wait for it, and leases taken every few seconds
 * by every node's jobs would soon hold every pooled connection.  A lease
 * lost with the primary only lets another node run the job a pass sooner.
 */
static int lease_begin(struct db *db)
{
	struct db_stmt *st = db_cached(db, "SELECT set_config('synchronous_commit', 'off', true)");
	if (db_begin(db))
		return -1;
	if (db_one(st) == 1) {
		db_reset(st);
		return 0;
	}
	db_rollback(db);
	return -1;
}

static int lease_end(struct db *db, int rc)
{
	if (rc >= 0 && db_commit(db) == 0)
		return rc;
	db_rollback(db);
	return -1;
}

/* Who holds a lease: this connection of this process on this host. */
static void lock_holder(struct db *db, char *out, size_t n)
{
	char host[64] = "";
	gethostname(host, sizeof(host) - 1);
	snprintf(out, n, "%s/%ld/%p", host, (long)getpid(), (void *)db);
}

int db_lock(struct db *db, const char *name)
{
	char holder[128];
	if (!db->be->postgresql)
		return 1;
	if (!db->pooled) {
		struct db_stmt *st = db_cached(db, "SELECT pg_try_advisory_lock(hashtext(?))");
		db_bind_str(st, 1, name);
		return (int)db_int_or(st, -1);
	}
	/* taken when free, lapsed, or already this connection's (renewed);
	 * the database's clock, so the nodes' clocks need not agree */
	struct db_stmt *st = db_cached(
	    db, "INSERT INTO db_locks (name, holder, until) VALUES (?1, ?2, unixepoch() + ?3)"
		" ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until"
		" WHERE db_locks.until <= unixepoch() OR db_locks.holder = excluded.holder"
		" RETURNING 1");
	lock_holder(db, holder, sizeof(holder));
	db_binds(st, 1, DB_STR(name), DB_STR(holder), DB_INT(DB_LOCK_LEASE_S));
	if (lease_begin(db))
		return -1;
	int rc = db_exists(st);
	return lease_end(db, rc);
}

void db_unlock(struct db *db, const char *name)
{
	char holder[128];
	if (!db->be->postgresql)
		return;
	struct db_stmt *st =
	    db->pooled ? db_cached(db, "DELETE FROM db_locks WHERE name = ? AND holder = ?")
		       : db_cached(db, "SELECT pg_advisory_unlock(hashtext(?))");
	db_bind_str(st, 1, name);
	if (!db->pooled) {
		db_done(st);
		return;
	}
	lock_holder(db, holder, sizeof(holder));
	db_bind_str(st, 2, holder);
	if (!lease_begin(db))
		lease_end(db, db_done(st));
}

void db_fail_step(struct db *db, long nth)
{
	db->fail_in = nth > 0 ? nth : 0;
}

int db_one(struct db_stmt *st)
{
	enum db_step rc = db_step(st);
	if (rc == DB_ROW)
		return 1;
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

int db_exists(struct db_stmt *st)
{
	int rc = db_one(st);
	if (rc == 1)
		db_reset(st);
	return rc;
}

int db_next(struct db_stmt *st, int *rc)
{
	enum db_step step = db_step(st);
	*rc = step == DB_ERROR ? -1 : 1;
	if (step == DB_ROW)
		return 1;
	db_reset(st);
	return 0;
}

int db_id_names(struct db_stmt *st, void (*fn)(long id, const char *name, void *arg), void *arg)
{
	int rc;
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1), arg);
	return rc;
}

long db_count(struct db_stmt *st)
{
	long n = 0;
	enum db_step rc;
	while ((rc = db_step(st)) == DB_ROW)
		n++;
	db_reset(st);
	return rc == DB_DONE ? n : -1;
}

int db_changed(struct db_stmt *st)
{
	long n = db_count(st);
	return n < 0 ? -1 : n > 0;
}

int db_done(struct db_stmt *st)
{
	return db_count(st) < 0 ? -1 : 0;
}

long long db_int_or(struct db_stmt *st, long long dflt)
{
	long long v = db_step(st) == DB_ROW ? db_col_int(st, 0) : dflt;
	db_reset(st);
	return v;
}

const char *db_col_text(struct db_stmt *st, int i)
{
	return st->db->be->col_text(st, i);
}

long long db_col_int(struct db_stmt *st, int i)
{
	return st->db->be->col_int(st, i);
}

double db_col_double(struct db_stmt *st, int i)
{
	return st->db->be->col_double(st, i);
}

const void *db_col_blob(struct db_stmt *st, int i, size_t *len)
{
	return st->db->be->col_blob(st, i, len);
}

int db_col_is_null(struct db_stmt *st, int i)
{
	return st->db->be->col_is_null(st, i);
}

enum db_kind db_col_kind(struct db_stmt *st, int i)
{
	return st->db->be->col_kind(st, i);
}

int db_col_count(struct db_stmt *st)
{
	return st ? st->db->be->col_count(st) : 0;
}

/* The portable way: one INSERT with a placeholder a column, bound by kind. */
static long insert_rows(struct db *db, const char *table, struct db_stmt *src)
{
	struct db_stmt *ins = NULL;
	struct buf sql;
	long n = 0;
	int step;

	buf_init(&sql, 8192);
	while ((step = db_step(src)) == DB_ROW) {
		int cols = db_col_count(src);
		if (!ins) {
			buf_printf(&sql, "INSERT INTO %s VALUES (", table);
			for (int i = 0; i < cols; i++)
				buf_puts(&sql, i ? ",?" : "?");
			buf_putc(&sql, ')');
			if (sql.overflow || !(ins = db_prepare(db, sql.p)))
				break;
		}
		for (int i = 0; i < cols; i++) {
			size_t len;
			const void *p;
			switch (db_col_kind(src, i)) {
			case DB_K_INT: db_bind_int(ins, i + 1, db_col_int(src, i)); break;
			case DB_K_REAL: db_bind_double(ins, i + 1, db_col_double(src, i)); break;
			case DB_K_TEXT: db_bind_str(ins, i + 1, db_col_text(src, i)); break;
			case DB_K_BLOB:
				p = db_col_blob(src, i, &len);
				db_bind_blob(ins, i + 1, p, len);
				break;
			default: db_bind_null(ins, i + 1);
			}
		}
		if (db_done(ins))
			break;
		n++;
	}
	db_finalize(ins);
	db_reset(src);
	buf_release(&sql);
	return step == DB_DONE ? n : -1;
}

long db_copy_rows(struct db *db, const char *table, struct db_stmt *src)
{
	if (!src)
		return -1;
	return db->be->copy_rows ? db->be->copy_rows(db, table, src) : insert_rows(db, table, src);
}

int db_col_copy(struct db_stmt *st, int i, char *out, size_t len)
{
	const char *s = db_col_text(st, i);
	int n = snprintf(out, len, "%s", s ? s : "");
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
