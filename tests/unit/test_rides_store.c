/* The carpool store on a real, migrated SQLite file: the seat rules, who
 * may answer, and faults injected at every step leave nothing half-written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db/db.h"
#include "tmpdb.h"
#include "rides/store.h"

static char path[64];

/* A session, a driver (1) with a 2-seat offer, and three riders (2, 3, 4)
 * whose requests are open. */
static struct db *open_fixture(long *offer_id)
{
	struct db *db = tmpdb_open(path, 1);
	assert_int_equal(
	    db_exec(db, "INSERT INTO people (id, name, email, created_at, last_active_at) VALUES"
			" (1, 'Dee Driver', 'd@x', 0, 0), (2, 'Rae Rider', 'r@x', 0, 0),"
			" (3, 'Sam Second', 's@x', 0, 0), (4, 'Tia Third', 't@x', 0, 0);"
			"INSERT INTO events (id, type, title, description, seat, postcode, lat, lon,"
			" address, address_private, access_notes, starts_at, ends_at, status,"
			" created_at) VALUES (1, 'canvass', 't', '', 'E1', 'DE22 1AA', 52.9, -1.5,"
			" '', 0, '', 4000000000, 4000003600, 'published', 0)"),
	    0);
	struct ride_offer_new o = { .event_id = 1, .driver_id = 1, .seats = 2,
				    .max_detour_min = 30, .max_detour_pct = 40,
				    .from = { "DE65 5PN", "DE65", { 52.85, -1.6 } } };
	assert_int_equal(rides_offer_add(db, &o), 1);
	*offer_id = (long)db_int_or(db_cached(db, "SELECT max(id) FROM ride_offers"), 0);
	for (long r = 2; r <= 4; r++) {
		struct ride_place at = { "DE65 5FE", "DE65", { 52.86, -1.58 } };
		assert_int_equal(rides_request_put(db, 1, r, &at), 1);
	}
	return db;
}

static long request_of(struct db *db, long rider)
{
	struct db_stmt *st = db_cached(db, "SELECT id FROM ride_requests WHERE rider_id = ?");
	db_bind_int(st, 1, rider);
	return (long)db_int_or(st, 0);
}

/* taken == riders accepted, always; returns taken. */
static long consistent(struct db *db, long offer_id)
{
	struct db_stmt *st = db_cached(db, "SELECT taken - (SELECT count(*) FROM ride_requests"
					   " WHERE offer_id = ride_offers.id AND state = 'accepted')"
					   " FROM ride_offers WHERE id = ?");
	db_bind_int(st, 1, offer_id);
	assert_int_equal(db_int_or(st, -1), 0);
	st = db_cached(db, "SELECT taken FROM ride_offers WHERE id = ?");
	db_bind_int(st, 1, offer_id);
	return (long)db_int_or(st, -1);
}

static void seats_and_answers(void **state)
{
	long oid, eid, driver, rider;
	struct ride_answer a;
	(void)state;
	struct db *db = open_fixture(&oid);
	long r2 = request_of(db, 2), r3 = request_of(db, 3), r4 = request_of(db, 4);

	/* a driver cannot ask their own offer; riders ask */
	assert_int_equal(rides_ask(db, r2, 1, oid, &eid, &driver), 0);
	assert_int_equal(rides_ask(db, r2, 2, oid, &eid, &driver), 1);
	assert_int_equal(eid, 1);
	assert_int_equal(driver, 1);
	assert_int_equal(rides_ask(db, r2, 2, oid, &eid, &driver), 0); /* already waiting */
	/* only the driver answers a rider's ask; an answer sent twice counts once */
	assert_int_equal(rides_answer(db, r2, 2, 1, &a), 0);
	assert_int_equal(rides_answer(db, r2, 1, 1, &a), 1);
	assert_int_equal(a.other, 2);
	assert_int_equal(rides_answer(db, r2, 1, 1, &a), 0);
	assert_int_equal(consistent(db, oid), 1);
	/* a cancel sent twice frees the seat once */
	assert_int_equal(rides_cancel_request(db, r2, 2, &eid, &driver), 1);
	assert_int_equal(rides_cancel_request(db, r2, 2, &eid, &driver), 0);
	assert_int_equal(consistent(db, oid), 0);
	/* the driver invites; the third accept finds the car full and changes nothing */
	struct ride_place at = { "DE65 5FE", "DE65", { 52.86, -1.58 } };
	assert_int_equal(rides_request_put(db, 1, 2, &at), 1);
	assert_int_equal(rides_invite(db, oid, 1, r2, &eid, &rider), 1);
	assert_int_equal(rider, 2);
	assert_int_equal(rides_answer(db, r2, 1, 1, &a), 0); /* the rider answers an invitation */
	assert_int_equal(rides_answer(db, r2, 2, 1, &a), 1);
	assert_true(a.invited);
	assert_int_equal(rides_ask(db, r3, 3, oid, &eid, &driver), 1);
	assert_int_equal(rides_ask(db, r4, 4, oid, &eid, &driver), 1);
	assert_int_equal(rides_answer(db, r3, 1, 1, &a), 1);
	assert_int_equal(rides_answer(db, r4, 1, 1, &a), 1);
	assert_true(a.full);
	assert_int_equal(consistent(db, oid), 2);
	/* asking again while accepted does not move the pick-up */
	assert_int_equal(rides_request_put(db, 1, 3, &at), 0);
	/* the plan picks up both accepted riders */
	struct ride_plan plan;
	assert_int_equal(rides_plan_load(db, oid, (struct match_point){ 52.9, -1.5 }, &plan), 1);
	assert_int_equal(plan.n, 2);
	assert_string_equal(plan.driver, "Dee");
	assert_true(plan.arrive >= plan.depart);
	db_close(db);
	unlink(path);
}

/* Fail each step of a withdrawal in turn: either all of it happened or none. */
static void withdrawal_faults(void **state)
{
	(void)state;
	for (long nth = 1; nth <= 8; nth++) {
		long oid, eid, driver;
		struct ride_answer a;
		struct ride_freed f;
		struct db *db = open_fixture(&oid);
		long r2 = request_of(db, 2), r3 = request_of(db, 3);
		assert_int_equal(rides_ask(db, r2, 2, oid, &eid, &driver), 1);
		assert_int_equal(rides_answer(db, r2, 1, 1, &a), 1);
		assert_int_equal(rides_ask(db, r3, 3, oid, &eid, &driver), 1);
		db_fail_step(db, nth);
		int rc = rides_cancel_offer(db, oid, 1, &f);
		db_fail_step(db, 0);
		struct db_stmt *st = db_cached(db, "SELECT status || taken || (SELECT group_concat("
						   "state) FROM (SELECT state FROM ride_requests"
						   " WHERE rider_id IN (2, 3) ORDER BY rider_id) r)"
						   " FROM ride_offers WHERE id = ?");
		db_bind_int(st, 1, oid);
		assert_int_equal(db_one(st), 1);
		char seen[64];
		db_col_copy(st, 0, seen, sizeof(seen));
		db_reset(st);
		if (rc == 1) {
			assert_string_equal(seen, "cancelled0open,open");
			assert_int_equal(f.n, 2);
			ride_freed_release(&f);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(seen, "open1accepted,asked");
			assert_null(f.requests);
		}
		/* and answers: fail each step of an accept */
		long r4 = request_of(db, 4);
		if (rc != 1) {
			assert_int_equal(rides_ask(db, r4, 4, oid, &eid, &driver), 1);
			db_fail_step(db, nth);
			int ar = rides_answer(db, r4, 1, 1, &a);
			db_fail_step(db, 0);
			long taken = consistent(db, oid);
			assert_int_equal(taken, ar == 1 ? 2 : 1);
		}
		db_close(db);
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seats_and_answers),
		cmocka_unit_test(withdrawal_faults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
