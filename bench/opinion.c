/*
 * make bench: the opinion map of a national conversation (issue 13's
 * floor: 20,000 members × 1,000 statements in ≤ 5 s, memory by the cast
 * vote).  Members in three camps vote on a random tenth of the statements
 * (2 million votes); we time the maths alone, then the whole refresh the
 * server runs (read every vote from SQLite, compute, store the map and
 * re-rank the statements).  Prints Markdown rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "opinion/map.h"
#include "opinion/mapper.h"

#define MEMBERS 20000
#define STATEMENTS 1000
#define PER_MEMBER 100

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static unsigned long long rng = 88172645463325252ULL;
static unsigned draw(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Member i's vote on statement j: their camp's lean on it, sometimes not. */
static int vote_of(int camp, int j)
{
	int lean = ((j * 7 + camp * 13) % 5) - 2; /* −2…2 */
	int r = (int)draw(10);
	if (lean > 0)
		return r < 7 ? 1 : r < 9 ? -1 : 0;
	if (lean < 0)
		return r < 7 ? -1 : r < 9 ? 1 : 0;
	return r < 4 ? 1 : r < 8 ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "bench/out/opinion.db";
	size_t n = (size_t)MEMBERS * PER_MEMBER;
	struct opinion_vote *v = malloc(n * sizeof(*v));
	unsigned char *seen = calloc(STATEMENTS, 1);
	size_t k = 0;

	for (int i = 0; i < MEMBERS; i++) {
		memset(seen, 0, STATEMENTS);
		for (int c = 0; c < PER_MEMBER; c++) {
			int j;
			do
				j = (int)draw(STATEMENTS);
			while (seen[j]);
			seen[j] = 1;
			v[k++] = (struct opinion_vote){ i, j, vote_of(i % 3, j) };
		}
	}
	struct opinion_input in = { MEMBERS, STATEMENTS, v, k };
	struct opinion_map m;
	long before = peak_kib();
	double t0 = now();
	opinion_map_compute(&in, NULL, &m);
	double maths = now() - t0;
	long grew = peak_kib() - before;
	printf("| the maths alone, %d members × %d statements, %zu votes | %.2f s | %d groups,"
	       " %d placed, silhouette %.2f | peak memory +%ld KiB (%.0f bytes a vote; the"
	       " matrix would be %.0f MiB of doubles) |\n",
	       MEMBERS, STATEMENTS, k, maths, m.k, m.placed, m.silhouette, grew,
	       grew * 1024.0 / (double)k, (double)MEMBERS * STATEMENTS * 8 / 1048576);
	opinion_map_release(&m);

	/* the same votes in a database, as the server keeps them */
	struct db *db;
	char err[256];
	unlink(path);
	if (db_open(&db, path, DB_OPEN_CREATE, err, sizeof(err)) || db_migrate(db, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	db_exec(db, "PRAGMA foreign_keys = OFF");
	db_begin(db);
	db_exec(db, "INSERT INTO conversations (id, question, scope, opens_at, closes_at,"
		    " created_at) VALUES (1, 'Bench', 'movement', 0, 4000000000, 0)");
	struct db_stmt *st = db_prepare(db, "INSERT INTO statements (id, conversation_id, body,"
					    " status, created_at) VALUES (?, 1, ?, 'approved', 0)");
	for (int j = 0; j < STATEMENTS; j++) {
		char body[32];
		snprintf(body, sizeof(body), "Statement %d", j);
		db_binds(st, 1, DB_INT(j + 1), DB_STR(body));
		db_done(st);
	}
	db_finalize(st);
	st = db_prepare(db, "INSERT INTO opinion_votes (statement_id, person_id, conversation_id,"
			    " vote, at) VALUES (?, ?, 1, ?, 0)");
	for (size_t e = 0; e < k; e++) {
		db_binds(st, 1, DB_INT(v[e].statement + 1), DB_INT(v[e].member + 1), DB_INT(v[e].vote));
		db_done(st);
	}
	db_finalize(st);
	db_exec(db, "UPDATE conversations SET votes = 1 WHERE id = 1");
	db_commit(db);
	free(v);
	before = peak_kib();
	t0 = now();
	int rc = opinion_map_refresh(db, 1, 0);
	double whole = now() - t0;
	grew = peak_kib() - before;
	t0 = now();
	rc |= opinion_map_refresh(db, 1, 0) != 1;
	double again = now() - t0;
	printf("| the server's refresh (read %zu votes from SQLite, compute, store the map,"
	       " re-rank %d statements) | %.2f s; warm-started again %.2f s | %s |"
	       " peak memory +%ld KiB |\n",
	       k, STATEMENTS, whole, again, rc == 1 ? "stored" : "FAILED", grew);
	db_close(db);
	unlink(path);
	free(seen);
	return rc == 1 ? 0 : 1;
}
