/* Skills: keys that compare equal however they were typed (pure), and the
 * store on a real, migrated SQLite file: only the group's members who
 * allowed it, within reach, nearest first when asked; a fault while asking
 * leaves no request and no one asked. */
/* cmocka.h needs these first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
/* clang-format on */

#include "db/db.h"
#include "events/events.h"
#include "skills/skills.h"
#include "skills/store.h"
#include "tmpdb.h"

static char path[64];

static void keys(void **state)
{
	char k[SKILL_KEY_CAP], why[160], many[SKILL_FREE_MAX][SKILL_KEY_CAP];
	(void)state;
	assert_int_equal(skill_key("  British   Sign Language ", k, why, sizeof(why)), 0);
	assert_string_equal(k, "british sign language");
	assert_int_equal(skill_key("Cymraeg", k, why, sizeof(why)), 0);
	assert_string_equal(k, "cymraeg");
	assert_int_equal(skill_key("", k, why, sizeof(why)), -1);
	assert_int_equal(skill_key("<script>", k, why, sizeof(why)), -1);
	assert_int_equal(skill_key("a\x01"
				   "b",
				   k, why, sizeof(why)),
			 -1);
	char long_one[60];
	memset(long_one, 'x', 41);
	long_one[41] = '\0';
	assert_int_equal(skill_key(long_one, k, why, sizeof(why)), -1);
	/* a list: said once however it was typed, empty parts skipped */
	assert_int_equal(
	    skill_keys("Welsh, welsh ,, Polish", many, SKILL_FREE_MAX, why, sizeof(why)), 2);
	assert_string_equal(many[0], "welsh");
	assert_string_equal(many[1], "polish");
	assert_int_equal(
	    skill_keys("a,b,c,d,e,f,g,h,i,j,k", many, SKILL_FREE_MAX, why, sizeof(why)), -1);
	assert_string_equal(skill_listed_name("first-aid"), "First aid");
	assert_null(skill_listed_name("juggling"));
}

/* Group 1 with members 2..6 and an organiser 1; person 7 in no group. */
static struct db *fixture(void)
{
	struct db *db = tmpdb_open(path, 1);
	assert_int_equal(
	    db_exec(db, "INSERT INTO people (id, name, email, created_at, last_active_at) VALUES"
			" (1, 'O', 'o@x', 0, 0), (2, 'A', 'a@x', 0, 0), (3, 'B', 'b@x', 0, 0),"
			" (4, 'C', 'c@x', 0, 0), (5, 'D', 'd@x', 0, 0), (6, 'E', 'e@x', 0, 0),"
			" (7, 'F', 'f@x', 0, 0);"
			"INSERT INTO local_groups (id, name, created_at) VALUES (1, 'G', 0);"
			"INSERT INTO memberships (group_id, person_id, role, joined_at) VALUES"
			" (1, 1, 'organiser', 0), (1, 2, 'member', 0), (1, 3, 'member', 0),"
			" (1, 4, 'member', 0), (1, 5, 'member', 0), (1, 6, 'member', 0);"),
	    0);
	/* Welsh speakers at 0, ~5 and ~50 km north of Derby; one hidden; one outside */
	static const struct {
		long id;
		int findable;
		double lat;
	} who[] = {
		{ 2, 1, 52.93 }, { 3, 1, 52.975 }, { 4, 1, 53.38 }, { 5, 0, 52.93 }, { 7, 1, 52.93 }
	};
	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		struct skill_profile p = { .findable = who[i].findable,
					   .located = 1,
					   .lat = who[i].lat,
					   .lon = -1.48,
					   .nlangs = 1 };
		snprintf(p.langs[0], SKILL_KEY_CAP, "welsh");
		assert_int_equal(skill_profile_put(db, who[i].id, &p, 0), 1);
	}
	return db;
}

static int told_count;
static int count_told(long person, void *arg)
{
	(void)person;
	(void)arg;
	told_count++;
	return 0;
}

static void counting_and_asking(void **state)
{
	struct db *db = fixture();
	struct skill_query q = { 1, SKILL_LANGUAGE, "welsh", 1, 52.93, -1.48, 10, 1 };
	long n;
	(void)state;
	assert_int_equal(skill_count(db, &q), 2); /* 0 km and 5 km; not 50 km, not the hidden */
	q.km = 100;
	assert_int_equal(skill_count(db, &q), 3);
	q.located = 0;
	assert_int_equal(skill_count(db, &q), 3); /* anywhere: still not the outsider */
	q.exclude = 2;
	assert_int_equal(skill_count(db, &q), 2); /* not the one asking */
	q.exclude = 1;
	q.name = "polish";
	assert_int_equal(skill_count(db, &q), 0);
	/* a profile saved again replaces the old one */
	struct skill_profile p;
	assert_int_equal(skill_profile_get(db, 3, &p), 1);
	p.nlangs = 0;
	assert_int_equal(skill_profile_put(db, 3, &p, 1), 1);
	q.name = "welsh";
	assert_int_equal(skill_count(db, &q), 2);
	/* asked: the matches each told once, in the request's transaction */
	struct skill_request r = {
		.group_id = 1, .asked_by = 1, .kind = SKILL_LANGUAGE, .km = 100
	};
	snprintf(r.name, sizeof(r.name), "welsh");
	snprintf(r.what, sizeof(r.what), "A canvass");
	told_count = 0;
	assert_int_equal(skill_request_put(db, &r, &q, 10, count_told, NULL, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(told_count, 2);
	char answer[4];
	assert_int_equal(skill_asked(db, r.id, 2, answer), 1);
	assert_string_equal(answer, "");
	assert_int_equal(skill_asked(db, r.id, 5, answer), 0);
	assert_int_equal(skill_answer(db, r.id, 5, 1, 11), 0); /* not asked */
	assert_int_equal(skill_answer(db, r.id, 2, 1, 11), 1);
	assert_int_equal(skill_request_close(db, r.id, 12), 1);
	assert_int_equal(skill_answer(db, r.id, 4, 1, 13), 0); /* closed */
	db_close(db);
	unlink(path);
}

static void asking_fault_leaves_nothing(void **state)
{
	struct skill_query q = { 1, SKILL_LANGUAGE, "welsh", 0, 0, 0, 0, 1 };
	int faulted = 0;
	(void)state;
	for (long nth = 1; nth < 12; nth++) {
		struct db *db = fixture();
		struct skill_request r = { .group_id = 1, .asked_by = 1, .kind = SKILL_LANGUAGE };
		long n;
		snprintf(r.name, sizeof(r.name), "welsh");
		snprintf(r.what, sizeof(r.what), "x");
		db_fail_step(db, nth);
		int rc = skill_request_put(db, &r, &q, 10, count_told, NULL, &n);
		db_fail_step(db, 0);
		long kept =
		    (long)db_int_or(db_cached(db, "SELECT (SELECT count(*) FROM skill_requests)"
						  " + (SELECT count(*) FROM skill_asks)"),
				    -1);
		if (rc == 1) {
			assert_int_equal(kept, 4);
		} else {
			faulted++;
			assert_int_equal(kept, 0);
			assert_int_equal(n, 0);
		}
		db_close(db);
		unlink(path);
	}
	assert_true(faulted >= 4);
}

static void session_roles(void **state)
{
	struct event_role r[EVENT_ROLES_MAX];
	int n;
	(void)state;
	assert_null(event_parse_roles("2 drivers\r\n\n  Welsh speaker \n10\tstewards", r, &n));
	assert_int_equal(n, 3);
	assert_string_equal(r[0].role, "drivers");
	assert_int_equal(r[0].needed, 2);
	assert_string_equal(r[1].role, "Welsh speaker");
	assert_int_equal(r[1].needed, 1);
	assert_int_equal(r[2].needed, 10);
	assert_null(event_parse_roles("", r, &n));
	assert_int_equal(n, 0);
	static const char *const bad[] = { "0 drivers",
					   "101 stewards",
					   "2",
					   "2drivers",
					   "1 a\n1 A",
					   "1 <i>x</i>",
					   "1 a\n1 b\n1 c\n1 d\n1 e\n1 f\n1 g\n1 h\n1 i" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_non_null(event_parse_roles(bad[i], r, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys),
		cmocka_unit_test(session_roles),
		cmocka_unit_test(counting_and_asking),
		cmocka_unit_test(asking_fault_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
