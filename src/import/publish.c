#include "import/publish.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db/db.h"

/* Parents before children, for the copy and the renames into place; table
 * names are compiled in, never input, so they may be spliced into SQL. */
static const char *const tables[] = {
	"constituencies", "results", "result_votes", "postcodes", "districts", "meta",
	"travel_grid",
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* Rows per transaction for the one big table (a string, for the SQL). */
#define CHUNK_ROWS "4096"

static int is_reference(const char *id, size_t n)
{
	for (size_t i = 0; i < NTABLES; i++)
		if (strlen(tables[i]) == n && strncmp(tables[i], id, n) == 0)
			return 1;
	return 0;
}

struct out {
	char *p;
	size_t n, len;
	int overflow;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= o->n) {
		o->overflow = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

/* The identifier at s (bare, "quoted", `ticked` or [bracketed]): its name
 * in id and idn and the length of its text, or 0 when s is not one. */
static size_t identifier(const char *s, const char **id, size_t *idn)
{
	size_t i = 1;

	if (*s == '"' || *s == '`' || *s == '[') {
		char close = *s == '[' ? ']' : *s;
		while (s[i] && s[i] != close)
			i++;
		if (!s[i])
			return 0;
		*id = s + 1;
		*idn = i - 1;
		return i + 1;
	}
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '_')
		i++;
	*id = s;
	*idn = i;
	return i;
}

int publish_shadow_sql(const char *sql, char *buf, size_t n)
{
	struct out o = { buf, n, 0, 0 };
	const char *s = sql;
	int after = 0; /* 1: a table name may follow; 2: an index name */

	if (n)
		buf[0] = '\0';
	while (*s) {
		const char *id;
		size_t idn, len;

		if (*s == '\'') { /* a string literal is copied as it stands */
			const char *e = s + 1;
			while (*e && !(*e == '\'' && e[1] != '\''))
				e += *e == '\'' ? 2 : 1;
			len = (size_t)(*e ? e + 1 - s : e - s);
			put(&o, s, len);
			s += len;
			continue;
		}
		len = identifier(s, &id, &idn);
		if (!len) {
			if (!isspace((unsigned char)*s))
				after = 0;
			put(&o, s, 1);
			s++;
			continue;
		}
		if (after == 1 && is_reference(id, idn)) {
			put(&o, "new_", 4);
			put(&o, id, idn);
		} else if (after == 2) {
			int alt = idn > 2 && strncmp(id + idn - 2, "_2", 2) == 0;
			put(&o, id, alt ? idn - 2 : idn);
			if (!alt)
				put(&o, "_2", 2);
		} else {
			put(&o, s, len);
		}
		if (len == idn && idn == 5 && strncasecmp(id, "TABLE", 5) == 0)
			after = 1;
		else if (len == idn && idn == 10 && strncasecmp(id, "REFERENCES", 10) == 0)
			after = 1;
		else if (len == idn && idn == 2 && strncasecmp(id, "ON", 2) == 0)
			after = 1;
		else if (len == idn && idn == 5 && strncasecmp(id, "INDEX", 5) == 0)
			after = 2;
		else
			after = 0;
		s += len;
	}
	return o.overflow ? -1 : 0;
}

static int fail(struct db *db, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "publishing the import: %s: %s", what, db_errmsg(db));
	return -1;
}

/* Each in a transaction of its own (children first), so no one drop holds
 * the write lock for the whole set. */
static int drop_all(struct db *db, const char *prefix)
{
	char sql[96];

	for (size_t i = NTABLES; i-- > 0;) {
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s%s", prefix, tables[i]);
		if (db_begin(db) || db_exec(db, sql) || db_commit(db)) {
			db_rollback(db);
			return -1;
		}
	}
	return 0;
}

/* The shadow tables and their indexes, from the live schema. */
static int create_shadows(struct db *db)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN"
		" ('constituencies', 'results', 'result_votes', 'postcodes', 'districts', 'meta',"
		"  'travel_grid')"
		" ORDER BY type = 'index', CASE tbl_name WHEN 'constituencies' THEN 0"
		" WHEN 'results' THEN 1 WHEN 'result_votes' THEN 2 ELSE 3 END");
	char sql[4096];
	int rc = -1, step = 1;

	if (!st || db_begin(db))
		goto done;
	while (db_next(st, &step))
		if (publish_shadow_sql(db_col_text(st, 0), sql, sizeof(sql)) || db_exec(db, sql))
			goto done;
	if (step == 1 && db_commit(db) == 0)
		rc = 0;
done:
	db_finalize(st);
	if (rc)
		db_rollback(db);
	return rc;
}

/* One table copied from the staging file; the big one in chunks by its key,
 * with a pause after each so the server's writes go between them. */
static int copy_table(struct db *db, const char *t)
{
	char sql[256];
	struct db_stmt *st = NULL, *last = NULL;
	int rc = -1;

	if (strcmp(t, "postcodes") != 0) {
		snprintf(sql, sizeof(sql), "INSERT INTO main.new_%s SELECT * FROM stage.%s", t, t);
		if (db_begin(db) || db_exec(db, sql) || db_commit(db))
			goto done;
		rc = 0;
		goto done;
	}
	st = db_prepare(db, "INSERT INTO main.new_postcodes SELECT * FROM stage.postcodes"
			    " WHERE pc > ? ORDER BY pc LIMIT " CHUNK_ROWS);
	last = db_prepare(db, "SELECT coalesce(max(pc), '') FROM main.new_postcodes");
	for (char from[16] = "", to[16];;) {
		if (db_begin(db) || db_bind_str(st, 1, from) || db_done(st) || db_one(last) != 1)
			goto done;
		db_col_copy(last, 0, to, sizeof(to));
		db_reset(last);
		if (db_commit(db))
			goto done;
		if (strcmp(from, to) == 0)
			break;
		memcpy(from, to, sizeof(from));
		nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	}
	rc = 0;
done:
	db_finalize(st);
	db_finalize(last);
	if (rc)
		db_rollback(db);
	return rc;
}

/* The swap: every live table aside, then every shadow into its place.  A
 * rename carries the foreign keys that name the table with it, so the new
 * results end up referring to the new constituencies. */
static int swap(struct db *db)
{
	char sql[128];

	if (db_begin(db))
		return -1;
	for (size_t i = NTABLES; i-- > 0;) {
		snprintf(sql, sizeof(sql), "ALTER TABLE %s RENAME TO old_%s", tables[i], tables[i]);
		if (db_exec(db, sql))
			goto fail;
	}
	for (size_t i = 0; i < NTABLES; i++) {
		snprintf(sql, sizeof(sql), "ALTER TABLE new_%s RENAME TO %s", tables[i], tables[i]);
		if (db_exec(db, sql))
			goto fail;
	}
	if (db_commit(db) == 0)
		return 0;
fail:
	db_rollback(db);
	return -1;
}

/* PostgreSQL: every table emptied and loaded again by COPY in one
 * transaction; readers keep the old rows (MVCC) until it commits. */
static int publish_by_copy(struct db *db, const char *stage_path, char *err, size_t errlen)
{
	struct db *stage = NULL;
	char sql[96];
	size_t i;

	if (db_open(&stage, stage_path, DB_OPEN_READONLY, err, errlen))
		return -1;
	if (db_begin(db)) {
		fail(db, err, errlen, "beginning");
		goto fail;
	}
	for (i = NTABLES; i-- > 0;) {
		snprintf(sql, sizeof(sql), "DELETE FROM %s", tables[i]);
		if (db_exec(db, sql)) {
			fail(db, err, errlen, tables[i]);
			goto fail;
		}
	}
	for (i = 0; i < NTABLES; i++) {
		snprintf(sql, sizeof(sql), "SELECT * FROM %s", tables[i]);
		struct db_stmt *st = db_prepare(stage, sql);
		long n = db_copy_rows(db, tables[i], st);
		db_finalize(st);
		if (n < 0) {
			fail(db, err, errlen, tables[i]);
			goto fail;
		}
	}
	if (db_commit(db)) {
		fail(db, err, errlen, "committing");
		goto fail;
	}
	db_close(stage);
	/* the planner's figures for tables that changed wholesale */
	db_exec(db, "ANALYZE");
	return 0;
fail:
	db_rollback(db);
	db_close(stage);
	return -1;
}

int publish_reference(struct db *db, const char *stage_path, char *err, size_t errlen)
{
	struct db_stmt *st;
	int attached = 0;

	if (db_postgresql(db))
		return publish_by_copy(db, stage_path, err, errlen);

	/* reference data is public: zeroing the old copy's pages as they are
	 * freed would only write it all again through the log */
	if (db_exec(db, "PRAGMA secure_delete=OFF") || drop_all(db, "new_") || drop_all(db, "old_"))
		return fail(db, err, errlen, "clearing an earlier attempt");
	if (create_shadows(db))
		return fail(db, err, errlen, "creating the new tables");
	st = db_prepare(db, "ATTACH DATABASE ? AS stage");
	db_bind_str(st, 1, stage_path);
	attached = db_done(st) == 0;
	db_finalize(st);
	if (!attached)
		return fail(db, err, errlen, "opening the staging file");
	for (size_t i = 0; i < NTABLES; i++)
		if (copy_table(db, tables[i])) {
			fail(db, err, errlen, tables[i]);
			db_exec(db, "DETACH DATABASE stage");
			return -1;
		}
	if (db_exec(db, "DETACH DATABASE stage") || swap(db))
		return fail(db, err, errlen, "swapping the new tables in");
	if (drop_all(db, "old_"))
		return fail(db, err, errlen, "dropping the old tables");
	return 0;
}
