#include "import/import.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "db/db.h"
#include "import/import_int.h"
#include "import/publish.h"
#include "postcodes/postcode.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/mem.h"

int import_fail(struct import *imp, const char *path, long line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line > 0)
		n = snprintf(imp->err, imp->errlen, "%s:%ld: ", path, line);
	else
		n = snprintf(imp->err, imp->errlen, "%s: ", path);
	if (n < 0 || (size_t)n >= imp->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(imp->err + n, imp->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Lower-case letters and digits only: "Valid votes" == "valid_votes". */
static void fold(const char *s, size_t n, char *out, size_t cap)
{
	size_t m = 0;
	for (size_t i = 0; i < n && m + 1 < cap; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[m++] = c;
	}
	out[m] = '\0';
}

int csv_header_index(const struct csv *r, const char *name)
{
	char want[64], got[64];

	fold(name, strlen(name), want, sizeof(want));
	for (size_t i = 0; i < r->nf; i++) {
		fold(r->f[i].p, r->f[i].len, got, sizeof(got));
		if (strcmp(want, got) == 0)
			return (int)i;
	}
	return -1;
}

int import_csv_open(struct import *imp, struct csv *r, const char *path)
{
	if (csv_open(r, path))
		return import_fail(imp, path, 0, "%s", r->err);
	if (csv_next(r) <= 0) {
		import_fail(imp, path, r->line, "%s", r->err[0] ? r->err : "no header");
		csv_release(r);
		return -1;
	}
	return 0;
}

int import_row_postcode(struct import *imp, const char *path, const struct csv *r, int nf, int want,
			struct postcode *pc)
{
	if (nf != want)
		return import_fail(imp, path, r->line, "expected %d fields, found %d", want, nf);
	if (postcode_parse(r->f[0].p, r->f[0].len, pc))
		return import_fail(imp, path, r->line, "invalid postcode \"%.16s\"", r->f[0].p);
	return 0;
}

long bset_find(const struct bset *b, const char *code, size_t n)
{
	for (size_t i = 0; i < b->n; i++)
		if (strlen(b->codes[i]) == n && memcmp(b->codes[i], code, n) == 0)
			return (long)i;
	return -1;
}

long bset_locate(const struct bset *b, double lat, double lon, int *nearest)
{
	long i = geo_locator_find(&b->loc, lon, lat);

	*nearest = 0;
	if (i >= 0)
		return i;
	i = geo_locator_nearest(&b->loc, lon, lat, 5.0);
	*nearest = i >= 0;
	return i;
}

static void bset_release(struct bset *b)
{
	geo_locator_release(&b->loc);
	for (size_t i = 0; i < b->n; i++) {
		free(b->names[i]);
		geo_shape_release(&b->shapes[i]);
	}
	free(b->names);
	free(b->shapes);
	free(b->codes);
	memset(b, 0, sizeof(*b));
}

static int write_meta(struct import *imp)
{
	char v[32];
	struct db_stmt *st = db_prepare(imp->db, "INSERT INTO meta (key, value) VALUES (?, ?)");
	int rc = -1;
	const struct {
		const char *k;
		long v;
	} rows[] = {
		{ "postcodes", imp->stats->postcodes }, { "districts", imp->stats->districts },
		{ "seats2010", imp->stats->seats2010 }, { "seats2024", imp->stats->seats2024 },
		{ "results", imp->stats->results },
	};

	if (!st)
		goto done;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(v, sizeof(v), "%ld", rows[i].v);
		db_reset(st);
		if (db_bind_str(st, 1, rows[i].k) || db_bind_str(st, 2, v) ||
		    db_step(st) != DB_DONE)
			goto done;
	}
	db_reset(st);
	if (db_bind_text(st, 1, "imported_at", 11) || db_bind_text(st, 2, "now", 3) ||
	    db_step(st) != DB_DONE)
		goto done;
	rc = 0;
done:
	db_finalize(st);
	if (rc)
		import_fail(imp, "database", 0, "%s", db_errmsg(imp->db));
	return rc;
}

/* The build: every step into a fresh staging file, in one transaction
 * that holds no lock on the live database. */
static int build(struct import *imp, const char *stage_path)
{
	int rc = -1;

	if (db_open(&imp->db, stage_path, DB_OPEN_CREATE, imp->err, imp->errlen) ||
	    db_migrate(imp->db, imp->err, imp->errlen))
		goto done;
	/* the file is thrown away on any failure, so it need not survive one;
	 * a big page cache keeps the bulk insert from spilling */
	if (db_exec(imp->db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144") ||
	    db_begin(imp->db)) {
		import_fail(imp, stage_path, 0, "%s", db_errmsg(imp->db));
		goto done;
	}
	if (import_boundaries(imp) || import_travel(imp) || import_results(imp) ||
	    import_postcodes(imp) ||
	    write_meta(imp))
		goto done;
	if (db_exec(imp->db,
		    "UPDATE meta SET value = CURRENT_TIMESTAMP WHERE key = 'imported_at'") ||
	    db_commit(imp->db)) {
		import_fail(imp, stage_path, 0, "commit: %s", db_errmsg(imp->db));
		goto done;
	}
	rc = 0;
done:
	if (imp->db) {
		if (rc)
			db_rollback(imp->db);
		db_close(imp->db);
		imp->db = NULL;
	}
	return rc;
}

static void remove_stage(const char *stage_path)
{
	char p[PATH_MAX + 8];

	unlink(stage_path);
	snprintf(p, sizeof(p), "%s-wal", stage_path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", stage_path);
	unlink(p);
}

int import_run(const char *data_dir, const char *db_path, struct import_stats *stats, char *err,
	       size_t errlen)
{
	struct import imp = { 0 };
	char stage[PATH_MAX] = "", lockpath[PATH_MAX] = "", stage_dir[PATH_MAX - 16] = "";
	double t0 = now_seconds();
	struct db *live = NULL;
	int rc = -1, lockfd = -1, locked = 0, fresh;
	int pg = db_path_postgresql(db_path);

	memset(stats, 0, sizeof(*stats));
	imp.dir = data_dir;
	imp.stats = stats;
	imp.err = err;
	imp.errlen = errlen;
	imp.sets[0].year = 2010;
	imp.sets[1].year = 2024;
	err[0] = '\0';

	if (pg) {
		/* the staging file in a folder of this run's own; the lock is the
		 * database's, held by this connection until it closes */
		const char *tmp = getenv("TMPDIR");
		snprintf(stage_dir, sizeof(stage_dir), "%s/turnout-import-XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(stage_dir)) {
			import_fail(&imp, stage_dir, 0, "%s", strerror(errno));
			stage_dir[0] = 0;
			goto done;
		}
		snprintf(stage, sizeof(stage), "%s/stage.db", stage_dir);
		/* migrated first: through a pooler the lock is a row of the schema's */
		if (db_open(&live, db_path, 0, err, errlen) || db_migrate(live, err, errlen))
			goto done;
		locked = db_lock(live, "turnout import") == 1;
		if (!locked) {
			import_fail(&imp, "database", 0, "another import is running");
			goto done;
		}
	} else {
		if ((size_t)snprintf(stage, sizeof(stage), "%s-import", db_path) >= sizeof(stage) ||
		    (size_t)snprintf(lockpath, sizeof(lockpath), "%s-import.lock", db_path) >=
			sizeof(lockpath)) {
			import_fail(&imp, db_path, 0, "path too long");
			goto done;
		}
		/* one import at a time per database: a second would remove the
		 * first's staging file under it */
		lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		locked = lockfd >= 0 && flock(lockfd, LOCK_EX | LOCK_NB) == 0;
		if (!locked) {
			import_fail(&imp, lockpath, 0, "%s",
				    lockfd < 0 ? strerror(errno) : "another import is running");
			goto done;
		}
		/* the live database is checked first, so a bad path fails at once */
		if (db_open(&live, db_path, DB_OPEN_CREATE, err, errlen))
			goto done;
	}
	/* on PostgreSQL the build is always staged, then loaded by COPY */
	fresh = !pg && db_schema_version(live) == 0;
	if (db_migrate(live, err, errlen))
		goto done;
	remove_stage(stage);
	/* a database created just now has no one reading it: build in place */
	if (fresh ? build(&imp, db_path)
		  : build(&imp, stage) || publish_reference(live, stage, err, errlen))
		goto done;
	/* fold the big write-ahead log back into the database file now */
	db_exec(live, "PRAGMA wal_checkpoint(TRUNCATE)");
	rc = 0;
done:
	db_close(live);
	if (locked) {
		remove_stage(stage);
		if (*lockpath)
			unlink(lockpath);
	}
	if (*stage_dir)
		rmdir(stage_dir);
	if (lockfd >= 0)
		close(lockfd);
	bset_release(&imp.sets[0]);
	bset_release(&imp.sets[1]);
	stats->seconds = now_seconds() - t0;
	return rc;
}
