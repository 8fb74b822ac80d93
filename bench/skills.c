/*
 * make bench: finding who can help (issue 14's floor: a skills search over
 * 100,000 members by skill and distance in ≤ 50 ms p95).  100,000 members
 * of one group (the worst case: every one is in scope) spread over Great
 * Britain, each with one to three listed skills, one in ten speaking Welsh,
 * four in five letting organisers ask; we time 500 counts, each of a
 * random skill within 20 km of a random member's home, as the organiser's
 * page runs them.  Prints Markdown rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "skills/skills.h"
#include "skills/store.h"

#define MEMBERS 100000
#define QUERIES 500

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long rng = 88172645463325252ULL;
static double draw(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng % 1000000) / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "bench/out/skills.db";
	struct db *db;
	char err[256];
	unlink(path);
	if (db_open(&db, path, DB_OPEN_CREATE, err, sizeof(err)) ||
	    db_migrate(db, err, sizeof(err))) {
		fprintf(stderr, "bench/skills: %s\n", err);
		return 1;
	}
	struct db_stmt *person =
	    db_prepare(db, "INSERT INTO people (id, name, email, created_at,"
			   " last_active_at) VALUES (?, 'M', 'm' || ?1 || '@x', 0, 0)");
	struct db_stmt *member =
	    db_prepare(db, "INSERT INTO memberships (group_id, person_id, role,"
			   " joined_at) VALUES (1, ?, 'member', 0)");
	double *lat = malloc(MEMBERS * sizeof(*lat)), *lon = malloc(MEMBERS * sizeof(*lon));
	db_exec(db, "INSERT INTO local_groups (id, name, created_at) VALUES (1, 'Everyone', 0)");
	db_begin(db);
	for (long i = 1; i <= MEMBERS; i++) {
		struct skill_profile p = { .findable = draw() < 0.8, .located = 1 };
		p.lat = lat[i - 1] = 50.5 + draw() * 5;
		p.lon = lon[i - 1] = -4.5 + draw() * 6;
		int k = 1 + (int)(draw() * 3);
		for (int j = 0; j < k; j++) {
			const char *key = skill_list[(size_t)(draw() * (double)skill_nlist)].key;
			int dup = 0;
			for (int m = 0; m < p.nlisted; m++)
				dup |= !strcmp(p.listed[m], key);
			if (!dup)
				snprintf(p.listed[p.nlisted++], sizeof(p.listed[0]), "%s", key);
		}
		if (draw() < 0.1)
			snprintf(p.langs[p.nlangs++], SKILL_KEY_CAP, "welsh");
		db_bind_int(person, 1, i);
		db_bind_int(member, 1, i);
		if (db_step(person) != DB_DONE || db_step(member) != DB_DONE ||
		    skill_profile_put(db, i, &p, 0) != 1) {
			fprintf(stderr, "bench/skills: %s\n", db_errmsg(db));
			return 1;
		}
		db_reset(person);
		db_reset(member);
	}
	db_commit(db);
	db_finalize(person);
	db_finalize(member);
	double t[QUERIES];
	long found = 0;
	for (int i = 0; i < QUERIES; i++) {
		long at = (long)(draw() * MEMBERS);
		int lang = i % 5 == 0;
		struct skill_query q = { 1,
					 lang ? SKILL_LANGUAGE : SKILL_LISTED,
					 lang ? "welsh" : skill_list[i % skill_nlist].key,
					 1,
					 lat[at],
					 lon[at],
					 20,
					 0 };
		double a = now();
		long n = skill_count(db, &q);
		t[i] = (now() - a) * 1000;
		if (n < 0) {
			fprintf(stderr, "bench/skills: %s\n", db_errmsg(db));
			return 1;
		}
		found += n;
	}
	qsort(t, QUERIES, sizeof(t[0]), by_value);
	printf("| count by skill within 20 km, %d members of one group | p50 %.1f ms, p95 %.1f ms,"
	       " max %.1f ms | %d queries, %.0f found on average | floor p95 50 ms |\n",
	       MEMBERS, t[QUERIES / 2], t[QUERIES * 95 / 100], t[QUERIES - 1], QUERIES,
	       (double)found / QUERIES);
	free(lat);
	free(lon);
	db_close(db);
	return 0;
}
