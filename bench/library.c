/*
 * make bench: the materials library's list and search, as its page runs
 * them.  1,000 groups with 100 materials each (100,000), 2,000 for the
 * movement and 200 for regions; the visitor is a member of two groups.  We
 * time 300 of each: the newest they may see, a word search, a tag search.
 * Prints Markdown rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "materials/library.h"
#include "materials/store.h"
#include "util/clock.h"

#define GROUPS	  1000
#define PER_GROUP 100
#define MOVEMENT  2000
#define QUERIES	  300

static unsigned long long rng = 88172645463325252ULL;
static unsigned draw(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static long seen;
static void count(const struct material *m, void *arg)
{
	(void)m;
	(void)arg;
	seen++;
}

static void tag_seen(const char *tag, long n, void *arg)
{
	(void)tag;
	(void)n;
	(void)arg;
	seen++;
}

static const char *const words[] = { "bus",   "nhs",   "housing", "canvass", "poster",
				     "flyer", "rally", "climate", "school",  "library" };

static void put(struct db *db, long gid, enum material_scope scope, long i)
{
	struct material m;
	memset(&m, 0, sizeof(m));
	snprintf(m.title, sizeof(m.title), "%s %s number %ld", words[draw(10)], words[draw(10)], i);
	snprintf(m.licence, sizeof(m.licence), "CC BY 4.0");
	snprintf(m.tags, sizeof(m.tags), "%s %s", words[draw(10)], i % 2 ? "for-print" : "for-web");
	snprintf(m.region, sizeof(m.region), "Region %u", draw(12));
	m.scope = scope;
	m.state = MATERIAL_PUBLISHED;
	m.group_id = gid;
	m.created_by = 1;
	snprintf(m.latest.hash, sizeof(m.latest.hash), "%064ld", i);
	snprintf(m.latest.type, sizeof(m.latest.type), "pdf");
	snprintf(m.latest.filename, sizeof(m.latest.filename), "m%ld.pdf", i);
	m.latest.bytes = 1000;
	m.latest.uploaded_by = 1;
	if (material_put(db, &m, 1000000 + i) != 1) {
		fprintf(stderr, "bench/library: %s\n", db_errmsg(db));
		exit(1);
	}
}

static void row(struct db *db, const char *what, struct material_query *q)
{
	double t[QUERIES];
	long total = 0;
	for (int i = 0; i < QUERIES; i++) {
		char like[300];
		if (q->like) {
			material_like_pattern(words[draw(10)], like, sizeof(like));
			q->like = like;
		}
		seen = 0;
		double a = now_seconds();
		if (materials_search(db, q, count, NULL) < 0) {
			fprintf(stderr, "bench/library: %s\n", db_errmsg(db));
			exit(1);
		}
		t[i] = (now_seconds() - a) * 1000;
		total += seen;
	}
	qsort(t, QUERIES, sizeof(t[0]), by_value);
	printf("| %s, %d materials | p50 %.1f ms, p95 %.1f ms | %.0f shown on average |\n", what,
	       GROUPS * PER_GROUP + MOVEMENT + 200, t[QUERIES / 2], t[QUERIES * 95 / 100],
	       (double)total / QUERIES);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "bench/out/library.db";
	struct db *db;
	char err[256];
	unlink(path);
	if (db_open(&db, path, DB_OPEN_CREATE, err, sizeof(err)) ||
	    db_migrate(db, err, sizeof(err)) ||
	    db_exec(db, "INSERT INTO people (id, name, email, created_at, last_active_at) VALUES"
			" (1, 'O', 'o@x', 0, 0), (2, 'M', 'm@x', 0, 0)")) {
		fprintf(stderr, "bench/library: %s\n", err);
		return 1;
	}
	db_begin(db);
	long n = 0;
	for (long g = 1; g <= GROUPS; g++) {
		char sql[200];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO local_groups (id, name, created_at) VALUES (%ld, 'G%ld', 0)",
			 g, g);
		db_exec(db, sql);
		for (int i = 0; i < PER_GROUP; i++)
			put(db, g, MATERIAL_GROUP, ++n);
	}
	for (int i = 0; i < MOVEMENT; i++)
		put(db, 1 + draw(GROUPS), MATERIAL_MOVEMENT, ++n);
	for (int i = 0; i < 200; i++)
		put(db, 1 + draw(GROUPS), MATERIAL_REGION, ++n);
	db_exec(db, "INSERT INTO memberships (group_id, person_id, role, joined_at) VALUES"
		    " (17, 2, 'member', 0), (503, 2, 'member', 0)");
	db_commit(db);
	db_exec(db, "ANALYZE");
	struct material_query q = { 2, 0, NULL, NULL, -1, 0 };
	row(db, "a member's library page, newest first", &q);
	q.like = "x";
	row(db, "a word search", &q);
	q.like = NULL;
	q.tag = "housing";
	row(db, "a tag search", &q);
	double t[QUERIES];
	for (int i = 0; i < QUERIES; i++) {
		seen = 0;
		double a = now_seconds();
		if (material_tags_each(db, 2, 0, tag_seen, NULL) < 0)
			return 1;
		t[i] = (now_seconds() - a) * 1000;
	}
	qsort(t, QUERIES, sizeof(t[0]), by_value);
	printf("| the tags a member's library shows | p50 %.1f ms, p95 %.1f ms | %ld tags |\n",
	       t[QUERIES / 2], t[QUERIES * 95 / 100], seen);
	db_close(db);
	return 0;
}
