/*
 * PostgreSQL backend (libpq), for several app nodes on one database: each
 * statement is translated once (db/dialect.h: ? as $N, the schema's
 * types) and prepared once per connection under a name of its own, then
 * run with its binds as text (blobs as binary).  Results are read as text:
 * integers parsed, booleans t/f as 1/0, bytea decoded on demand.  Status
 * of issue 11: the interface, transactions and the schema work; features'
 * statements that only SQLite understands are still to be written once for
 * both (docs/operations.md, "PostgreSQL").
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/backend.h"
#include "db/dialect.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"

#define PG_SQL_MAX (1u << 20) /* bytes of one translated statement */

struct pg {
	struct db base;
	PGconn *c;
	long named; /* statements prepared so far: each gets the next name */
	long session; /* connections made: a statement prepared on an older one is prepared again */
	char err[512];
	char state[6]; /* the SQLSTATE of the last statement that failed, "" after one that ran */
};

struct pg_stmt {
	struct db_stmt base;
	char name[24];
	char *sql;    /* as PostgreSQL takes it, to prepare again on a new connection */
	long session; /* the connection it was prepared on */
	int nparams;
	char **vals; /* the binds, owned; NULL for SQL NULL */
	int *lens, *fmts;
	PGresult *res;	     /* the run's rows, until the reset */
	int row, rows;	     /* the current row; how many the run has */
	/* the row's bytea columns read so far, decoded, kept until the next
	 * step as SQLite keeps its: several may be held at once */
	unsigned char **blob;
	size_t *blob_len;
	int nblob;
};

#define PG(db)	((struct pg *)(db))
#define PST(st) ((struct pg_stmt *)(st))

static void remember(struct pg *db, const char *msg)
{
	snprintf(db->err, sizeof(db->err), "%s", msg && *msg ? msg : "PostgreSQL error");
	char *nl = strchr(db->err, '\n'); /* the first line: where and why come after */
	if (nl)
		*nl = 0;
}

/* A result's status as 0 (it worked) or -1 (its message remembered). */
static int result_ok(struct pg *db, PGresult *r)
{
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
		db->state[0] = 0;
		return 0;
	}
	/* what failed the transaction, not the statements refused after it (25P02) */
	if (!state || strcmp(state, "25P02"))
		snprintf(db->state, sizeof(db->state), "%s", state ? state : "");
	remember(db, r ? PQresultErrorMessage(r) : PQerrorMessage(db->c));
	return -1;
}

/*
 * A connection that was lost (the server restarted, a standby promoted
 * behind the same address) is made again at the next use outside a
 * transaction.  Inside one it is not: what the transaction wrote went
 * with the connection, so every statement fails until the caller rolls
 * back (a statement run now would commit alone).  0 when usable.
 */
static int reconnect(struct pg *db)
{
	if (PQstatus(db->c) == CONNECTION_OK)
		return 0;
	if (db->base.depth > 0) {
		remember(db, "the connection to PostgreSQL was lost inside a transaction");
		return -1;
	}
	PQreset(db->c);
	if (PQstatus(db->c) != CONNECTION_OK) {
		remember(db, PQerrorMessage(db->c));
		return -1;
	}
	if (!db->base.pooled)
		PQclear(PQexec(db->c, "SET client_min_messages = warning"));
	db->session++;
	return 0;
}

/* The statement prepared on this connection (again, after a reconnect). */
static int prepared(struct pg_stmt *st)
{
	struct pg *db = PG(st->base.db);
	if (st->session == db->session || db->base.pooled)
		return 0;
	PGresult *r = PQprepare(db->c, st->name, st->sql, 0, NULL);
	int rc = result_ok(db, r);
	PQclear(r);
	if (!rc)
		st->session = db->session;
	return rc;
}

static void pg_close(struct db *db)
{
	PQfinish(PG(db)->c);
	free(db);
}

static const char *pg_errmsg(struct db *db)
{
	return PG(db)->err;
}

static int pg_readonly(struct db *db)
{
	(void)db;
	return 0;
}

static int pg_check(struct db *db, char *detail, size_t n)
{
	PGresult *r = PQexec(PG(db)->c, "SELECT 1");
	int rc = result_ok(PG(db), r) ? -1 : 1;
	snprintf(detail, n, "%s", rc == 1 ? "ok" : PG(db)->err);
	PQclear(r);
	return rc;
}

/* The schema's text (one or more statements) as PostgreSQL's, then run. */
static int pg_exec(struct db *db, const char *sql)
{
	struct buf b;
	char why[160];
	int rc = -1;
	buf_init(&b, PG_SQL_MAX);
	if (dialect_pg_schema(sql, &b, why, sizeof(why))) {
		remember(PG(db), why);
	} else if (!b.len) {
		rc = 0; /* nothing left to run (PRAGMAs alone) */
	} else if (!reconnect(PG(db))) {
		PGresult *r = PQexec(PG(db)->c, b.p);
		rc = result_ok(PG(db), r);
		/* COMMIT of a transaction a statement failed in rolls it back and
		 * says so only in its tag: that is a failed commit */
		if (!rc && !strcmp(PQcmdStatus(r), "ROLLBACK") && strncmp(sql, "ROLLBACK", 8)) {
			remember(PG(db), "the transaction had failed and was rolled back");
			rc = -1;
		}
		PQclear(r);
	}
	buf_release(&b);
	return rc;
}

/* Down, or (through a pooler, whose own connection stays up) the server
 * behind it gone: class 08, connection exceptions, and 57P0x, shutting
 * down or starting up. */
static int pg_lost(struct db *db)
{
	const char *s = PG(db)->state;
	return PQstatus(PG(db)->c) != CONNECTION_OK || !strncmp(s, "08", 2) || !strncmp(s, "57P0", 4);
}

/* 40001 serialization_failure, 40P01 deadlock_detected */
static int pg_conflict(struct db *db)
{
	return !strcmp(PG(db)->state, "40001") || !strcmp(PG(db)->state, "40P01");
}

static int pg_in_transaction(struct db *db)
{
	return PQtransactionStatus(PG(db)->c) != PQTRANS_IDLE;
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql)
{
	struct buf b;
	char why[160];
	int n = 0;
	struct pg_stmt *st = NULL;
	buf_init(&b, PG_SQL_MAX);
	if (dialect_pg_query(sql, &b, &n, why, sizeof(why))) {
		remember(PG(db), why);
		goto done;
	}
	if (reconnect(PG(db)))
		goto done;
	st = xcalloc(1, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "s%ld", ++PG(db)->named);
	st->sql = buf_detach(&b, NULL);
	st->session = PG(db)->session;
	/* through a pooler in transaction mode the next statement may reach
	 * another server session: each runs unnamed, parsed with its values;
	 * parsed here too, unnamed, so a bad one still fails now */
	PGresult *r = PQprepare(PG(db)->c, db->pooled ? "" : st->name, st->sql ? st->sql : "", 0, NULL);
	if (result_ok(PG(db), r)) {
		/* a statement PostgreSQL will not take is a bug: say which (no values in it) */
		if (PQstatus(PG(db)->c) == CONNECTION_OK)
			log_error("PostgreSQL refused a statement: %s in: %.240s", PG(db)->err, sql);
		free(st->sql);
		free(st);
		st = NULL;
	} else {
		st->nparams = n;
		st->vals = xcalloc((size_t)n + 1, sizeof(*st->vals));
		st->lens = xcalloc((size_t)n + 1, sizeof(*st->lens));
		st->fmts = xcalloc((size_t)n + 1, sizeof(*st->fmts));
	}
	PQclear(r);
done:
	buf_release(&b);
	return st ? &st->base : NULL;
}

static void clear_binds(struct pg_stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		free(st->vals[i]);
		st->vals[i] = NULL;
		st->lens[i] = st->fmts[i] = 0;
	}
}

static void drop_blobs(struct pg_stmt *st)
{
	for (int i = 0; i < st->nblob; i++) {
		PQfreemem(st->blob[i]);
		st->blob[i] = NULL;
	}
}

static void pg_reset(struct db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	PQclear(st->res);
	st->res = NULL;
	st->row = st->rows = 0;
	drop_blobs(st);
	clear_binds(st);
}

static void pg_finalize(struct db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	char sql[48];
	pg_reset(s);
	snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
	if (!s->db->pooled)
		PQclear(PQexec(PG(s->db)->c, sql));
	free(st->vals);
	free(st->lens);
	free(st->fmts);
	free(st->blob);
	free(st->blob_len);
	free(st->sql);
	free(st);
}

/* Parameter i (1-based) set to n bytes of p, as text or binary. */
static int put_param(struct db_stmt *s, int i, const void *p, size_t n, int binary)
{
	struct pg_stmt *st = PST(s);
	if (i < 1 || i > st->nparams || n > (1u << 30))
		return -1;
	free(st->vals[i - 1]);
	st->vals[i - 1] = NULL;
	if (p) {
		st->vals[i - 1] = xmalloc(n + 1);
		memcpy(st->vals[i - 1], p, n);
		st->vals[i - 1][n] = 0;
	}
	st->lens[i - 1] = (int)n;
	st->fmts[i - 1] = binary;
	return 0;
}

static int pg_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
	return put_param(st, i, s ? s : "", n, 0);
}

static int pg_bind_int(struct db_stmt *st, int i, long long v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%lld", v);
	return put_param(st, i, t, (size_t)n, 0);
}

static int pg_bind_double(struct db_stmt *st, int i, double v)
{
	char t[40];
	int n = snprintf(t, sizeof(t), "%.17g", v);
	return put_param(st, i, t, (size_t)n, 0);
}

static int pg_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	return put_param(st, i, p ? p : "", n, 1);
}

static int pg_bind_null(struct db_stmt *st, int i)
{
	return put_param(st, i, NULL, 0, 0);
}

/* A read outside a transaction may run again on a new connection: it
 * changed nothing.  A write may have committed before the line went: its
 * caller is told it failed (and answers 503), never that it did twice. */
static int rerunnable(const struct pg_stmt *st)
{
	return !strncmp(st->sql, "SELECT", 6) && !strstr(st->sql, "FOR UPDATE");
}

static enum db_step pg_step(struct db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	struct pg *db = PG(s->db);
	if (!st->res) {
		int idle = PQtransactionStatus(db->c) == PQTRANS_IDLE ||
			   PQstatus(db->c) != CONNECTION_OK;
		for (int tries = 0; tries < 2 && !st->res; tries++) {
			if (reconnect(db) || prepared(st))
				return DB_ERROR;
			const char *const *vals = (const char *const *)st->vals;
			st->res = db->base.pooled
					  ? PQexecParams(db->c, st->sql ? st->sql : "", st->nparams,
							 NULL, vals, st->lens, st->fmts, 0)
					  : PQexecPrepared(db->c, st->name, st->nparams, vals,
							   st->lens, st->fmts, 0);
			if (result_ok(db, st->res)) {
				PQclear(st->res);
				st->res = NULL;
				if (PQstatus(db->c) == CONNECTION_OK || !idle || !rerunnable(st))
					return DB_ERROR;
			}
		}
		if (!st->res)
			return DB_ERROR;
		st->rows = PQresultStatus(st->res) == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
		st->row = -1;
	}
	drop_blobs(st);
	if (st->row + 1 >= st->rows) {
		st->row = st->rows;
		return DB_DONE;
	}
	st->row++;
	return DB_ROW;
}

static int here(struct pg_stmt *st, int i)
{
	return st->res && st->row >= 0 && st->row < st->rows && i >= 0 && i < PQnfields(st->res);
}

static int pg_col_is_null(struct db_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	return !here(st, i) || PQgetisnull(st->res, st->row, i);
}

static const char *pg_col_text(struct db_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	return pg_col_is_null(s, i) ? NULL : PQgetvalue(st->res, st->row, i);
}

static long long pg_col_int(struct db_stmt *s, int i)
{
	const char *v = pg_col_text(s, i);
	if (!v)
		return 0;
	if (!strcmp(v, "t") || !strcmp(v, "f")) /* a boolean, as SQLite's 1 and 0 */
		return *v == 't';
	/* numeric results (a sum, an average) keep their whole part, as SQLite's */
	return strchr(v, '.') || strchr(v, 'e') ? (long long)strtod(v, NULL) : strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *s, int i)
{
	const char *v = pg_col_text(s, i);
	return v ? strtod(v, NULL) : 0;
}

static const void *pg_col_blob(struct db_stmt *s, int i, size_t *len)
{
	struct pg_stmt *st = PST(s);
	const char *v = pg_col_text(s, i);
	*len = 0;
	if (!v)
		return NULL;
	if (!st->blob) {
		st->nblob = PQnfields(st->res);
		st->blob = xcalloc((size_t)st->nblob, sizeof(*st->blob));
		st->blob_len = xcalloc((size_t)st->nblob, sizeof(*st->blob_len));
	}
	if (!st->blob[i])
		st->blob[i] = PQunescapeBytea((const unsigned char *)v, &st->blob_len[i]);
	*len = st->blob[i] ? st->blob_len[i] : 0;
	return st->blob[i];
}

/* A column's kind from its type's oid (pg_type.dat): booleans are read as
 * SQLite's integers. */
static enum db_kind pg_col_kind(struct db_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	if (pg_col_is_null(s, i))
		return DB_K_NULL;
	switch (PQftype(st->res, i)) {
	case 16: /* bool */
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */
		return DB_K_INT;
	case 700:  /* float4 */
	case 701:  /* float8 */
	case 1700: /* numeric */
		return DB_K_REAL;
	case 17: /* bytea */
		return DB_K_BLOB;
	default:
		return DB_K_TEXT;
	}
}

static int pg_col_count(struct db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	return st->res ? PQnfields(st->res) : 0;
}

/* One value in COPY's text format: \N for NULL, bytea as \\x and hex,
 * the rest with backslash, tab and line ends escaped. */
static void copy_value(struct buf *b, struct db_stmt *src, int i)
{
	static const char hex[] = "0123456789abcdef";
	size_t len;
	enum db_kind k = db_col_kind(src, i);
	if (k == DB_K_NULL) {
		buf_puts(b, "\\N");
	} else if (k == DB_K_BLOB) {
		const unsigned char *p = db_col_blob(src, i, &len);
		buf_puts(b, "\\\\x");
		buf_reserve(b, 2 * len);
		for (size_t j = 0; j < len; j++) {
			buf_putc(b, hex[p[j] >> 4]);
			buf_putc(b, hex[p[j] & 15]);
		}
	} else if (k == DB_K_REAL) {
		buf_printf(b, "%.17g", db_col_double(src, i));
	} else {
		for (const char *s = db_col_text(src, i); s && *s; s++) {
			const char *esc = *s == '\\'   ? "\\\\"
					  : *s == '\t' ? "\\t"
					  : *s == '\n' ? "\\n"
					  : *s == '\r' ? "\\r"
						       : NULL;
			if (esc)
				buf_puts(b, esc);
			else
				buf_putc(b, *s);
		}
	}
}

#define COPY_CHUNK (1u << 18) /* bytes handed to libpq at a time */

static long pg_copy_rows(struct db *db, const char *table, struct db_stmt *src)
{
	PGconn *c = PG(db)->c;
	char sql[160];
	struct buf b;
	long n = 0;
	int step, rc = -1;

	snprintf(sql, sizeof(sql), "COPY %s FROM STDIN", table);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		result_ok(PG(db), r);
		PQclear(r);
		db_reset(src);
		return -1;
	}
	PQclear(r);
	buf_init(&b, 1u << 30);
	while ((step = db_step(src)) == DB_ROW) {
		for (int i = 0, cols = db_col_count(src); i < cols; i++) {
			if (i)
				buf_putc(&b, '\t');
			copy_value(&b, src, i);
		}
		buf_putc(&b, '\n');
		n++;
		if (b.len >= COPY_CHUNK || b.overflow) {
			if (b.overflow || PQputCopyData(c, b.p, (int)b.len) != 1)
				break;
			buf_reset(&b);
		}
	}
	int sent =
	    step == DB_DONE && !b.overflow && (!b.len || PQputCopyData(c, b.p, (int)b.len) == 1);
	/* an error message ends the COPY with nothing of it kept */
	if (PQputCopyEnd(c, sent ? NULL : "the rows to load could not be read") == 1) {
		while ((r = PQgetResult(c))) {
			if (PQresultStatus(r) == PGRES_COMMAND_OK)
				rc = sent ? 0 : -1;
			else
				result_ok(PG(db), r);
			PQclear(r);
		}
	}
	buf_release(&b);
	db_reset(src);
	return rc ? -1 : n;
}

static const struct db_backend pg_backend = {
	.postgresql = 1,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.readonly = pg_readonly,
	.check = pg_check,
	.exec = pg_exec,
	.in_transaction = pg_in_transaction,
	.lost = pg_lost,
	.conflict = pg_conflict,
	.begin_sql = "BEGIN",
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.col_text = pg_col_text,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_blob = pg_col_blob,
	.col_is_null = pg_col_is_null,
	.col_kind = pg_col_kind,
	.col_count = pg_col_count,
	.copy_rows = pg_copy_rows,
};

int pg_open(struct db **out, const char *conninfo, int flags, char *err, size_t errlen)
{
	struct pg *db = xcalloc(1, sizeof(*db));
	/* TURNOUT_PG_POOLER=transaction: PgBouncer (or the like) in transaction mode */
	const char *pooler = getenv("TURNOUT_PG_POOLER");
	(void)flags;
	if (pooler && *pooler && strcmp(pooler, "transaction") && strcmp(pooler, "session")) {
		snprintf(err, errlen, "TURNOUT_PG_POOLER takes transaction or session");
		free(db);
		return -1;
	}
	db->base.be = &pg_backend;
	db->base.pooled = pooler && !strcmp(pooler, "transaction");
	db->c = PQconnectdb(conninfo);
	if (!db->c || PQstatus(db->c) != CONNECTION_OK) {
		/* the message, never the connection string: it may hold a password */
		snprintf(err, errlen, "PostgreSQL: %s",
			 db->c ? PQerrorMessage(db->c) : "cannot connect");
		char *nl = strchr(err, '\n');
		if (nl)
			*nl = 0;
		PQfinish(db->c);
		free(db);
		return -1;
	}
	if (!db->base.pooled)
		PQclear(PQexec(db->c, "SET client_min_messages = warning"));
	*out = &db->base;
	return 0;
}
