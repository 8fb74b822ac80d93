/*
 * The black-box tests' window on a database of either backend: the SQL
 * on stdin (statements in the schema's dialect, ';' between them) run
 * through db.h, so PostgreSQL gets the same translation the server's
 * statements do.  Rows print as the sqlite3 shell's list mode prints them
 * (columns joined by '|', NULL as nothing).  A test tool, not the
 * product's: exit 1 with the database's message on the first error.
 *
 *     sql DATABASE < statements
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/db.h"
#include "util/buf.h"

/* 1 when the statement returns rows to print.  A PRAGMA does on SQLite
 * (quick_check, foreign_key_check); PostgreSQL's translation drops it. */
static int returns_rows(const char *s, int pg)
{
	while (isspace((unsigned char)*s))
		s++;
	return !strncasecmp(s, "SELECT", 6) || !strncasecmp(s, "WITH", 4) ||
	       !strncasecmp(s, "VALUES", 6) || strcasestr(s, "RETURNING") ||
	       (!pg && !strncasecmp(s, "PRAGMA", 6));
}

static void print_row(struct db_stmt *st)
{
	for (int i = 0, n = db_col_count(st); i < n; i++) {
		if (i)
			putchar('|');
		switch (db_col_kind(st, i)) {
		case DB_K_NULL:
			break;
		case DB_K_INT:
			printf("%lld", db_col_int(st, i));
			break;
		case DB_K_REAL: {
			/* as the shell: a real keeps its point (10.0, not 10) */
			char v[40];
			snprintf(v, sizeof(v), "%.15g", db_col_double(st, i));
			fputs(v, stdout);
			if (!strpbrk(v, ".eEni"))
				fputs(".0", stdout);
			break;
		}
		default:
			fputs(db_col_text(st, i), stdout);
		}
	}
	putchar('\n');
}

/* 1 when [start, at) is a CREATE TRIGGER whose END has not come yet */
static int in_trigger(const char *start, const char *at)
{
	while (isspace((unsigned char)*start))
		start++;
	if (strncasecmp(start, "CREATE TRIGGER", 14) && strncasecmp(start, "CREATE TEMP TRIGGER", 19))
		return 0;
	const char *end = at;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	return !(end - start >= 3 && !strncasecmp(end - 3, "END", 3));
}

static int run(struct db *db, const char *sql, int pg)
{
	if (!returns_rows(sql, pg))
		return db_exec(db, sql);
	struct db_stmt *st = db_prepare(db, sql);
	int rc;
	while (db_next(st, &rc))
		print_row(st);
	db_finalize(st);
	return rc == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct db *db;
	struct buf in;
	char err[256], chunk[65536];
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: sql DATABASE < statements\n");
		return 2;
	}
	buf_init(&in, 64u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		buf_put(&in, chunk, n);
	if (in.overflow || db_open(&db, argv[1], 0, err, sizeof(err))) {
		fprintf(stderr, "sql: %s\n", in.overflow ? "input too large" : err);
		return 1;
	}
	int pg = !strncmp(argv[1], "postgres", 8);
	/* statements end at a ';' outside quotes, a trigger at the one after END */
	char *s = in.p ? in.p : "", *start = s;
	int rc = 0;
	for (char q = 0; !rc; s++) {
		if (q && *s == q)
			q = 0;
		else if (!q && (*s == '\'' || *s == '"'))
			q = *s;
		else if (!q && *s == ';' && in_trigger(start, s))
			continue;
		else if (!*s || (!q && *s == ';')) {
			int end = !*s;
			*s = 0;
			if (strspn(start, " \t\r\n") < strlen(start) && run(db, start, pg)) {
				fprintf(stderr, "sql: %s\n", db_errmsg(db));
				rc = 1;
			}
			start = s + 1;
			if (end)
				break;
		}
	}
	db_close(db);
	buf_release(&in);
	return rc;
}
