/* The stores' multi-statement writes on a real, migrated SQLite file: a
 * fault injected at every step leaves all of the write or none of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "admin/store.h"
#include "campaigns/store.h"
#include "db/db.h"
#include "tmpdb.h"
#include "events/store.h"

static char path[64];

static struct db *open_fixture(void)
{
	struct db *db = tmpdb_open(path, 1);
	assert_int_equal(
	    db_exec(db, "INSERT INTO people (id, name, email, created_at, last_active_at) VALUES"
			" (1, 'Orla Organiser', 'o@x', 0, 0), (2, 'Vic Volunteer', 'v@x', 0, 0)"),
	    0);
	return db;
}

static long long count(struct db *db, const char *sql)
{
	return db_int_or(db_cached(db, sql), -1);
}

/* Runs write with a fault at step 1, 2, … until it succeeds; after every
 * failure check() must see nothing of it, after the success all of it. */
static void each_fault(struct db *(*setup)(void), int (*write)(struct db *db),
		       void (*check)(struct db *db, int written))
{
	for (long nth = 1;; nth++) {
		struct db *db = setup();
		db_fail_step(db, nth);
		int rc = write(db);
		db_fail_step(db, 0);
		check(db, rc == 1);
		db_close(db);
		unlink(path);
		if (rc == 1)
			break;
		assert_true(nth < 50);
	}
}

static int write_event(struct db *db)
{
	struct event e = { .type = "canvass", .title = "Doors", .seat = "E14001193",
			   .postcode = "DE22 1AA", .lat = 52.9, .lon = -1.5,
			   .starts_at = 4000000000, .ends_at = 4000007200, .created_by = 1,
			   .nslots = 2 };
	e.slots[0] = (struct event_slot){ 0, 4000000000, 4000003600, 5, 0, 0 };
	e.slots[1] = (struct event_slot){ 0, 4000003600, 4000007200, 7, 0, 0 };
	return event_create(db, &e) == 0 ? 1 : -1;
}

static void check_event(struct db *db, int written)
{
	assert_int_equal(count(db, "SELECT count(*) FROM events"), written);
	assert_int_equal(count(db, "SELECT count(*) FROM slots"), written ? 2 : 0);
}

static struct db *with_session(void)
{
	struct db *db = open_fixture();
	assert_int_equal(write_event(db), 1);
	assert_int_equal(
	    db_exec(db, "INSERT INTO signups (id, slot_id, person_id, name, email, status,"
			" cancel_hash, created_at) SELECT 10 + p.id, s.id, p.id, p.name, p.email,"
			" 'going', 'h' || p.id || s.id, 0 FROM people p, slots s"
			" WHERE s.capacity = 5"),
	    0);
	return db;
}

static int write_attendance(struct db *db)
{
	long came[] = { 11, 12 };
	return event_attendance_set(db, 1, 1, came, 2); /* the fixture's only session */
}

static void check_attendance(struct db *db, int written)
{
	assert_int_equal(count(db, "SELECT count(*) FROM signups WHERE attended = 1"),
			 written ? 2 : 0);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action ="
				   " 'event.attendance'"),
			 written);
}

static int write_group(struct db *db)
{
	const char *seats[] = { "E14001193", "E14001194" };
	long id;
	return admin_group_create(db, 1, "Derby Doorknockers", seats, 2, &id);
}

static void check_group(struct db *db, int written)
{
	assert_int_equal(count(db, "SELECT count(*) FROM local_groups"), written);
	assert_int_equal(count(db, "SELECT count(*) FROM group_seats"), written ? 2 : 0);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'group.create'"),
			 written);
}

static int write_admin(struct db *db)
{
	return admin_set(db, 1, 2, 1);
}

static void check_admin(struct db *db, int written)
{
	assert_int_equal(count(db, "SELECT is_admin FROM people WHERE id = 2"), written);
	assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action ="
				   " 'role.admin_granted'"),
			 written);
}

static int write_campaign(struct db *db)
{
	const char *seats[] = { "E14001193", "E14001194", "E14001195" };
	struct campaign_new c = { "Unseat X", "X", 100, 1, 1, 0, 4000000000, 3, seats };
	long id;
	return campaign_create(db, &c, &id);
}

static void check_campaign(struct db *db, int written)
{
	assert_int_equal(count(db, "SELECT count(*) FROM campaigns"), written);
	assert_int_equal(count(db, "SELECT count(*) FROM campaign_seats"), written ? 3 : 0);
}

static void event_all_or_nothing(void **state)
{
	(void)state;
	each_fault(open_fixture, write_event, check_event);
}

static void attendance_all_or_nothing(void **state)
{
	(void)state;
	each_fault(with_session, write_attendance, check_attendance);
}

static void group_all_or_nothing(void **state)
{
	(void)state;
	each_fault(open_fixture, write_group, check_group);
}

static void role_all_or_nothing(void **state)
{
	(void)state;
	each_fault(open_fixture, write_admin, check_admin);
}

static void campaign_all_or_nothing(void **state)
{
	(void)state;
	each_fault(open_fixture, write_campaign, check_campaign);
}

/* What the pages read back: a session's people, and a move of the whole session. */
static void reads_and_moves(void **state)
{
	(void)state;
	struct db *db = with_session();
	struct event e;
	long id = (long)count(db, "SELECT max(id) FROM events");
	assert_int_equal(event_get(db, id, &e), 1);
	assert_int_equal(e.nslots, 2);
	struct my_signup m[4];
	assert_int_equal(event_my_signups(db, id, 2, m, 4), 1);
	assert_true(m[0].going);
	assert_int_equal(m[0].starts_at, 4000000000);
	assert_int_equal(event_my_signups(db, id, 3, m, 4), 0);
	assert_int_equal(event_get(db, id + 1, &e), 0);
	assert_int_equal(event_get(db, id, &e), 1);
	e.starts_at += 86400;
	e.ends_at += 86400;
	assert_int_equal(event_move(db, &e, 86400), 1);
	assert_int_equal(count(db, "SELECT min(starts_at) FROM slots"), 4000000000LL + 86400);
	assert_int_equal(event_cancel(db, id), 1);
	assert_int_equal(event_cancel(db, id), 0);
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(event_all_or_nothing),	   cmocka_unit_test(attendance_all_or_nothing),
		cmocka_unit_test(group_all_or_nothing),	   cmocka_unit_test(role_all_or_nothing),
		cmocka_unit_test(campaign_all_or_nothing), cmocka_unit_test(reads_and_moves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
