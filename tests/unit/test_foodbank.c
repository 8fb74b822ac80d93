/* Food banks: opening hours and the needs feed (pure), and the store on a
 * real, migrated SQLite file: series made once however often they are
 * checked, a fault at any step leaving nothing half-made, pledges only at
 * an open collection for what is needed, the late drop-out rule for runs
 * and for sign-ups (the schema's triggers). */
/* cmocka.h needs these first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
/* clang-format on */

#include "db/db.h"
#include "events/when.h"
#include "foodbank/feed.h"
#include "foodbank/opening.h"
#include "foodbank/rrule.h"
#include "foodbank/store.h"
#include "tmpdb.h"

static char path[64];

static void opening_hours(void **state)
{
	struct opening o;
	char why[160], text[OPENING_TEXT_MAX + 1];
	(void)state;
	assert_int_equal(opening_parse("mon-fri 09:00-12:00, 13:00-17:00; Sat 10:00-12:00", &o, why,
				       sizeof(why)),
			 0);
	opening_text(&o, text, sizeof(text));
	assert_string_equal(text, "Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-12:00");
	/* Saturday 5 December 2026, London = UTC in winter */
	time_t sat = london_to_utc(2026, 12, 5, 11, 59), sun = london_to_utc(2026, 12, 6, 11, 0);
	assert_true(opening_open_at(&o, sat));
	assert_false(opening_open_at(&o, sat + 60)); /* 12:00: closed */
	assert_false(opening_open_at(&o, sun));
	/* in summer, the hours are London's, not UTC's */
	assert_true(opening_open_at(&o, london_to_utc(2027, 7, 5, 9, 0)));
	assert_false(opening_open_at(&o, london_to_utc(2027, 7, 5, 8, 59)));
	opening_day_text(&o, sun, text, sizeof(text));
	assert_string_equal(text, "closed on Sundays");
	opening_day_text(&o, sat, text, sizeof(text));
	assert_string_equal(text, "open Saturday 10:00-12:00");
	/* a range over the weekend, and a day open till midnight */
	assert_int_equal(opening_parse("Fri-Mon 18:00-24:00", &o, why, sizeof(why)), 0);
	opening_text(&o, text, sizeof(text));
	assert_string_equal(text, "Mon 18:00-24:00; Fri-Sun 18:00-24:00");
	static const char *const bad[] = {
		"",
		"09:00-17:00",
		"Mon",
		"Mon 9-5",
		"Mon 17:00-09:00",
		"Mon 09:00-12:00, 11:00-13:00",
		"Mon 25:00-26:00",
		"Mon 09:00-10:00 Tue 10:00-11:00",
		"Funday 09:00-10:00",
		"Mon 01:00-02:00, 03:00-04:00, 05:00-06:00, 07:00-08:00, 09:00-10:00"
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(opening_parse(bad[i], &o, why, sizeof(why)), -1);
}

struct seen {
	int rows, bad;
	char first[3][64];
	long bad_line;
};

static void saw_row(const struct feed_row *r, void *arg)
{
	struct seen *s = arg;
	if (s->rows < 3)
		snprintf(s->first[s->rows], sizeof(s->first[0]), "%s:%zu:%zu:%s", r->slug,
			 r->nneeds, r->nplenty, r->nneeds ? r->needs[0] : "");
	s->rows++;
}

static void saw_bad(long line, const char *why, void *arg)
{
	struct seen *s = arg;
	(void)why;
	if (!s->bad++)
		s->bad_line = line;
}

static void needs_feed(void **state)
{
	static const char csv[] = "foodbank_name,needs,foodbank_slug,excess\n"
				  "A,\"Tins\n  Tins \nRice, long grain\",a-bank,\"Pasta\"\n"
				  "B,\"\",b-bank,\n"
				  "C,\"Tea\",,\n"
				  "D,\"\x01nasty\",d-bank,\n";
	static const char json[] = " [{\"foodbank\": {\"slug\": \"a-bank\"}, \"needs\": \"Soap\","
				   " \"excess\": null}, {\"foodbank_slug\": \"b\", \"needs\": 1}]";
	struct seen s = { 0 };
	struct feed_sink sink = { saw_row, saw_bad, &s };
	char err[160];
	(void)state;
	assert_int_equal(feed_parse(csv, strlen(csv), &sink, err, sizeof(err)), 0);
	assert_int_equal(s.rows, 2);
	/* items trimmed, said once; commas belong to items */
	assert_string_equal(s.first[0], "a-bank:2:1:Tins");
	assert_string_equal(s.first[1], "b-bank:0:0:");
	assert_int_equal(s.bad, 2);
	assert_int_equal(s.bad_line, 6);
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_parse(json, strlen(json), &sink, err, sizeof(err)), 0);
	assert_int_equal(s.rows, 1);
	assert_string_equal(s.first[0], "a-bank:1:0:Soap");
	assert_int_equal(s.bad, 1);
	/* no such columns, not JSON, not UTF-8: the feed as a whole is refused */
	assert_int_equal(feed_parse("a,b\n1,2\n", 8, &sink, err, sizeof(err)), -1);
	assert_int_equal(feed_parse("[{", 2, &sink, err, sizeof(err)), -1);
	assert_int_equal(feed_parse("\xff\xfe", 2, &sink, err, sizeof(err)), -1);
}

/* A group (1) with an organiser (1) and members (2, 3), a food bank (1)
 * it supports, with two needs (1 wanted, 2 plenty). */
static struct db *open_fixture(void)
{
	struct db *db = tmpdb_open(path, 1);
	assert_int_equal(
	    db_exec(db,
		    "INSERT INTO people (id, name, email, created_at, last_active_at) VALUES"
		    " (1, 'Olu', 'o@x', 0, 0), (2, 'Ana', 'a@x', 0, 0), (3, 'Ben', 'b@x', 0, 0);"
		    "INSERT INTO local_groups (id, name, created_at) VALUES (1, 'Pantry', 0);"
		    "INSERT INTO memberships (group_id, person_id, role, joined_at) VALUES"
		    " (1, 1, 'organiser', 0), (1, 2, 'member', 0), (1, 3, 'member', 0);"),
	    0);
	struct foodbank f = { .kind = "foodbank",
			      .name = "Derby West",
			      .slug = "derby-west",
			      .postcode = "DE22 1AA",
			      .lat = 52.93,
			      .lon = -1.48,
			      .hours = "Mon-Sun 08:00-18:00",
			      .created_by = 1 };
	assert_int_equal(foodbank_put(db, &f, 1, 0), 1);
	assert_int_equal(f.id, 1);
	assert_int_equal(need_put(db, 1, "Tins", NEEDED, 30, 0, 0), 1);
	assert_int_equal(need_put(db, 1, "Pasta", PLENTY, 0, 0, 0), 1);
	return db;
}

static void weekly_series(struct series *s)
{
	memset(s, 0, sizeof(*s));
	s->group_id = 1;
	s->foodbank_id = 1;
	snprintf(s->rrule, sizeof(s->rrule), "FREQ=WEEKLY;BYDAY=SA;COUNT=20");
	snprintf(s->first_at, sizeof(s->first_at), "2030-01-05T10:00");
	s->minutes = 120;
	s->capacity = 4;
	s->late_hours = 24;
	snprintf(s->title, sizeof(s->title), "Saturday");
	snprintf(s->seat, sizeof(s->seat), "E14001193");
	snprintf(s->postcode, sizeof(s->postcode), "DE22 1AE");
	s->lat = 52.93;
	s->lon = -1.48;
	s->created_by = 1;
}

static long count(struct db *db, const char *sql)
{
	return (long)db_int_or(db_cached(db, sql), -1);
}

static void series_made_once(void **state)
{
	struct db *db = open_fixture();
	struct series s;
	long made;
	long long last;
	(void)state;
	weekly_series(&s);
	assert_int_equal(series_create(db, &s, 0), 1);
	long long now = london_to_utc(2030, 1, 1, 12, 0), weeks8 = 8 * 7 * 86400;
	assert_int_equal(series_materialise(db, &s, now, weeks8, &made, &last), 1);
	assert_int_equal(made, 8);
	assert_int_equal(last, london_to_utc(2030, 5, 18, 10, 0)); /* the 20th Saturday */
	/* checked again, and a day later: nothing twice; a week on, one more */
	assert_int_equal(series_materialise(db, &s, now, weeks8, &made, &last), 1);
	assert_int_equal(made, 0);
	assert_int_equal(series_materialise(db, &s, now + 86400, weeks8, &made, &last), 1);
	assert_int_equal(made, 0);
	assert_int_equal(series_materialise(db, &s, now + 7 * 86400, weeks8, &made, &last), 1);
	assert_int_equal(made, 1);
	assert_int_equal(series_made(db, s.id, 0, (long long)1 << 40), 9);
	/* each is a session of type dropoff with its slot */
	assert_int_equal(count(db, "SELECT count(*) FROM events e JOIN slots l ON l.event_id = e.id"
				   " WHERE e.type = 'dropoff' AND l.capacity = 4"),
			 9);
	db_close(db);
	unlink(path);
}

/* A fault at any step of the materialising leaves not one collection, event
 * or slot of it behind; the retry makes them all. */
static void series_fault_leaves_nothing(void **state)
{
	struct series s;
	long made;
	long long last, now = london_to_utc(2030, 1, 1, 12, 0);
	int faulted = 0;
	(void)state;
	for (long nth = 1; nth < 60; nth++) {
		struct db *db = open_fixture();
		weekly_series(&s);
		assert_int_equal(series_create(db, &s, 0), 1);
		db_fail_step(db, nth);
		int rc = series_materialise(db, &s, now, 8 * 7 * 86400, &made, &last);
		db_fail_step(db, 0);
		long n = count(db, "SELECT count(*) FROM collections") +
			 count(db, "SELECT count(*) FROM events") +
			 count(db, "SELECT count(*) FROM slots");
		if (rc == 1) {
			assert_int_equal(n, 24);
		} else {
			faulted++;
			assert_int_equal(n, 0);
			assert_int_equal(made, 0);
			assert_int_equal(
			    series_materialise(db, &s, now, 8 * 7 * 86400, &made, &last), 1);
			assert_int_equal(made, 8);
		}
		db_close(db);
		unlink(path);
	}
	/* every step of the 8 collections' writes was failed once */
	assert_true(faulted >= 24);
}

static long one_collection(struct db *db, time_t starts)
{
	struct event e = { .type = "dropoff",
			   .title = "Collection",
			   .seat = "E14001193",
			   .group_id = 1,
			   .postcode = "DE22 1AE",
			   .lat = 52.93,
			   .lon = -1.48,
			   .starts_at = starts,
			   .ends_at = starts + 7200,
			   .created_by = 1,
			   .nslots = 1 };
	e.slots[0] = (struct event_slot){ 0, starts, starts + 7200, 3, 0, 0 };
	struct collection c = { 0, 1, 0, 24 };
	assert_int_equal(collection_create(db, &e, &c), 1);
	return e.id;
}

static void pledges_and_runs(void **state)
{
	struct db *db = open_fixture();
	long long now = (long long)time(NULL);
	long id;
	(void)state;
	long coll = one_collection(db, (time_t)now + 3 * 86400);
	/* what is wanted, at an open collection */
	assert_int_equal(pledge_add(db, coll, 2, 1, 6, now, &id), 1);
	assert_int_equal(pledge_add(db, coll, 2, 2, 6, now, &id), 0); /* it has plenty */
	assert_int_equal(pledge_add(db, coll, 2, 99, 6, now, &id), 0);
	assert_int_equal(pledge_add(db, coll, 2, 1, 6, now + 4 * 86400, &id), 0); /* over */
	assert_int_equal(pledge_remove(db, id, 3), 0);				  /* not Ben's */
	assert_int_equal(count(db, "SELECT sum(quantity) FROM pledges"), 6);

	struct run r = { .event_id = coll, .vehicle = VEHICLE_VAN, .nstops = 1 };
	r.departs_at = now + 3 * 86400 + 7200;
	r.arrives_at = r.departs_at + 900;
	snprintf(r.stops[0].label, sizeof(r.stops[0].label), "Hall");
	snprintf(r.stops[0].postcode, sizeof(r.stops[0].postcode), "DE22 1AF");
	assert_int_equal(run_create(db, &r, 1, now), 1);
	/* chilled food only where an open run keeps it cold and gets there in time */
	assert_int_equal(need_chilled(db, 1), 0);
	assert_int_equal(need_chilled(db, 99), 0);
	assert_int_equal(need_put(db, 1, "Milk", NEEDED, 0, 1, now), 1);
	assert_int_equal(need_chilled(db, 3), 1);
	assert_int_equal(collection_cold_run(db, coll, r.arrives_at + 60), 0);
	struct run cold = r;
	cold.chilled = 1;
	cold.nstops = 0;
	assert_int_equal(run_create(db, &cold, 1, now), 1);
	assert_int_equal(collection_cold_run(db, coll, cold.arrives_at), 1);
	assert_int_equal(collection_cold_run(db, coll, cold.arrives_at - 1), 0);
	assert_int_equal(run_take(db, r.id, 2, now), 1);
	assert_int_equal(run_take(db, r.id, 3, now), 0); /* one driver */
	assert_int_equal(run_drop(db, r.id, 3, 24, now), 0);
	/* given up three days ahead: not late */
	assert_int_equal(run_drop(db, r.id, 2, 24, now), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM dropouts"), 0);
	/* given up inside the window: late, and covered by the next to take it */
	assert_int_equal(run_take(db, r.id, 2, now), 1);
	long long late = r.departs_at - 3600;
	assert_int_equal(run_drop(db, r.id, 2, 24, late), 1);
	struct dropout d[4];
	assert_int_equal(dropouts_untold(db, d, 4), 1);
	assert_int_equal(d[0].run_id, r.id);
	assert_int_equal(d[0].group_id, 1);
	assert_int_equal(dropout_told(db, d[0].id, 0, late + 5), 1);
	assert_int_equal(dropout_told(db, d[0].id, 0, late + 6), 0); /* once */
	assert_int_equal(dropouts_untold(db, d, 4), 0);
	assert_int_equal(dropouts_unanswered(db, late + 5 - 3600, d, 4), 0); /* not an hour yet */
	assert_int_equal(dropouts_unanswered(db, late + 5, d, 4), 1);
	assert_int_equal(run_take(db, r.id, 3, late + 60), 1);
	assert_int_equal(dropouts_unanswered(db, late + 5, d, 4), 0);
	assert_int_equal(count(db, "SELECT covered_by FROM dropouts"), 3);
	/* delivered once; the month's totals */
	assert_int_equal(run_deliver(db, r.id, 12.5, 40, "R-1", now), 1);
	assert_int_equal(run_deliver(db, r.id, 1, 1, "", now), 0);
	db_close(db);
	unlink(path);
}

/* Sign-ups given up late, wherever, are caught by the schema. */
static void signup_dropouts(void **state)
{
	struct db *db = open_fixture();
	(void)state;
	long soon = one_collection(db, time(NULL) + 3 * 3600);
	long later = one_collection(db, time(NULL) + 3 * 86400);
	char sql[512];
	for (long e = 0; e < 2; e++) {
		long ev = e ? later : soon;
		snprintf(
		    sql, sizeof(sql),
		    "INSERT INTO signups (slot_id, person_id, name, email, status, cancel_hash,"
		    " created_at) SELECT id, 2, 'Ana', 'a@x', 'going', 'h%ld', 0 FROM slots"
		    " WHERE event_id = %ld;"
		    "UPDATE signups SET status = 'cancelled' WHERE cancel_hash = 'h%ld';",
		    ev, ev, ev);
		assert_int_equal(db_exec(db, sql), 0);
	}
	assert_int_equal(count(db, "SELECT count(*) FROM dropouts"), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM dropouts WHERE covered_at IS NULL"), 1);
	/* the next to take a place in that slot covers it */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO signups (slot_id, person_id, name, email, status, cancel_hash,"
		 " created_at) SELECT id, 3, 'Ben', 'b@x', 'going', 'hb', 0 FROM slots"
		 " WHERE event_id = %ld",
		 soon);
	assert_int_equal(db_exec(db, sql), 0);
	assert_int_equal(count(db, "SELECT covered_by FROM dropouts"), 3);
	/* Ana back, then off again: once a person and slot, no one told twice */
	snprintf(sql, sizeof(sql),
		 "UPDATE signups SET status = 'going' WHERE cancel_hash = 'h%ld';"
		 "UPDATE signups SET status = 'cancelled' WHERE cancel_hash = 'h%ld';",
		 soon, soon);
	assert_int_equal(db_exec(db, sql), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM dropouts"), 1);
	db_close(db);
	unlink(path);
}

static void feed_keeps_organisers_needs(void **state)
{
	struct db *db = open_fixture();
	const char *const needs[] = { "Tins", "Rice" }, *const plenty[] = { "Beans" };
	(void)state;
	assert_int_equal(needs_feed_apply(db, "derby-west", needs, 2, plenty, 1, 10), 1);
	assert_int_equal(needs_feed_apply(db, "elsewhere", needs, 2, plenty, 1, 10), 0);
	/* the organisers' Tins (30 wanted) and Pasta stay as they set them */
	assert_int_equal(count(db, "SELECT wanted FROM foodbank_needs WHERE item = 'Tins'"
				   " AND source = 'organiser'"),
			 30);
	assert_int_equal(count(db, "SELECT count(*) FROM foodbank_needs WHERE source = 'feed'"), 2);
	/* a later feed drops what it no longer lists */
	assert_int_equal(needs_feed_apply(db, "derby-west", needs, 1, plenty, 0, 20), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM foodbank_needs WHERE source = 'feed'"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM foodbank_needs"), 2);
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opening_hours),
		cmocka_unit_test(needs_feed),
		cmocka_unit_test(series_made_once),
		cmocka_unit_test(series_fault_leaves_nothing),
		cmocka_unit_test(pledges_and_runs),
		cmocka_unit_test(signup_dropouts),
		cmocka_unit_test(feed_keeps_organisers_needs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
