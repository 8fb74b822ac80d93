/*
 * make bench: repeating food-bank collections (issue 16's floor: a year of
 * weekly series for 1,000 groups made in ≤ 1 s).  Each of 1,000 groups has
 * a weekly Saturday series for a year; we time making every collection
 * (session, slot and collection rows, each series in its transaction), then
 * the daily check that finds them all made, then the expansion alone.
 * Prints Markdown rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "events/when.h"
#include "foodbank/rrule.h"
#include "foodbank/store.h"

#define GROUPS 1000

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, struct db *db)
{
	fprintf(stderr, "bench/foodbank: %s: %s\n", what, db ? db_errmsg(db) : "");
	exit(1);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "bench/out/foodbank.db";
	struct db *db;
	char err[256];
	unlink(path);
	if (db_open(&db, path, DB_OPEN_CREATE, err, sizeof(err)) ||
	    db_migrate(db, err, sizeof(err))) {
		fprintf(stderr, "bench/foodbank: %s\n", err);
		return 1;
	}
	if (getenv("CS") && db_exec(db, getenv("CS")))
		die("pragma", db);
	if (db_exec(db, "INSERT INTO people (id, name, email, created_at, last_active_at)"
			" VALUES (1, 'Olu', 'o@x', 0, 0)"))
		die("people", db);
	struct db_stmt *g = db_prepare(db, "INSERT INTO local_groups (id, name, created_at)"
					   " VALUES (?, 'Group ' || ?1, 0)");
	db_begin(db);
	for (long i = 1; i <= GROUPS; i++) {
		db_bind_int(g, 1, i);
		if (db_step(g) != DB_DONE)
			die("groups", db);
		db_reset(g);
	}
	db_finalize(g);
	db_commit(db);
	struct foodbank f = { .kind = "foodbank",
			      .name = "Bench",
			      .postcode = "DE22 1AA",
			      .lat = 52.93,
			      .lon = -1.48,
			      .hours = "Mon-Sun 08:00-18:00" };
	if (foodbank_put(db, &f, 0, 0) != 1)
		die("food bank", db);
	struct series *s = calloc(GROUPS, sizeof(*s));
	long long t0 = london_to_utc(2027, 1, 1, 0, 0), year = 366 * 86400LL;
	for (long i = 0; i < GROUPS; i++) {
		s[i].group_id = i + 1;
		s[i].foodbank_id = f.id;
		snprintf(s[i].rrule, sizeof(s[i].rrule),
			 "FREQ=WEEKLY;BYDAY=SA;UNTIL=20271231T235900");
		snprintf(s[i].first_at, sizeof(s[i].first_at), "2027-01-02T10:00");
		s[i].minutes = 120;
		s[i].capacity = 6;
		s[i].late_hours = 24;
		snprintf(s[i].title, sizeof(s[i].title), "Saturday collection");
		snprintf(s[i].seat, sizeof(s[i].seat), "E14001193");
		snprintf(s[i].postcode, sizeof(s[i].postcode), "DE22 1AE");
		s[i].lat = 52.93;
		s[i].lon = -1.48;
		s[i].created_by = 1;
		if (series_create(db, &s[i], 0) != 1)
			die("series", db);
	}
	long made = 0, again = 0, m;
	long long last;
	double a = now();
	db_begin(db);
	for (long i = 0; i < GROUPS; i++) {
		if (series_materialise(db, &s[i], t0, year, &m, &last) != 1)
			die("materialise", db);
		made += m;
	}
	db_commit(db);
	double b = now();
	for (long i = 0; i < GROUPS; i++) {
		if (series_materialise(db, &s[i], t0, year, &m, &last) != 1)
			die("check", db);
		again += m;
	}
	double c = now();
	struct rrule r;
	struct wall w;
	char why[200];
	time_t *t = malloc(400 * sizeof(*t));
	size_t n = 0;
	rrule_parse(s[0].rrule, &r, why, sizeof(why));
	wall_parse(s[0].first_at, &w);
	for (long i = 0; i < GROUPS; i++)
		n += rrule_expand(&r, &w, (time_t)t0, (time_t)(t0 + year), t, 400);
	double d = now();
	printf("| make a year of weekly collections, %d groups | %.3f s | %ld collections (%ld "
	       "sessions"
	       " and slots) | floor 1 s |\n",
	       GROUPS, b - a, made, made);
	printf("| the daily check of the same 1,000 series | %.3f s | %ld made again | |\n", c - b,
	       again);
	printf("| the expansion alone (RFC 5545, London time) | %.4f s | %zu dates | |\n", d - c,
	       n);
	free(t);
	free(s);
	db_close(db);
	return made == 52L * GROUPS && again == 0 ? 0 : 1;
}
