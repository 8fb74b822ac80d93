/* The conversations store and the map keeper on a real, migrated SQLite
 * file: scope, one vote a member a statement (changeable, counted as it
 * comes), the next statement, erasure, and all-or-nothing writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "db/db.h"
#include "opinion/mapper.h"
#include "opinion/store.h"
#include "tmpdb.h"
#include "util/utf8.h"

static char path[64];
static const long long NOW = 1900000000;

/* People 1–9: 1 organises group 1, 2–7 are its members, 8 is in group 2
 * only, 9 in no group. */
static struct db *open_fixture(void)
{
	struct db *db = tmpdb_open(path, 1);
	assert_int_equal(db_exec(db, "INSERT INTO local_groups (id, name, created_at) VALUES"
				     " (1, 'Leeds', 0), (2, 'Derby', 0)"),
			 0);
	for (int i = 1; i <= 9; i++) {
		char sql[256];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO people (id, name, email, created_at, last_active_at)"
			 " VALUES (%d, 'P%d', 'p%d@x', 0, 0)",
			 i, i, i);
		assert_int_equal(db_exec(db, sql), 0);
		if (i <= 8) {
			snprintf(sql, sizeof(sql),
				 "INSERT INTO memberships (group_id, person_id, role, joined_at)"
				 " VALUES (%d, %d, '%s', 0)",
				 i == 8 ? 2 : 1, i, i == 1 ? "organiser" : "member");
			assert_int_equal(db_exec(db, sql), 0);
		}
	}
	return db;
}

static long long count(struct db *db, const char *sql)
{
	return db_int_or(db_cached(db, sql), -1);
}

static const char *const seeds[] = { "Bus fares should be capped", "Libraries open on Sundays",
				     "Bus fares should be capped", "More cycle lanes" };

static long put(struct db *db, enum conv_scope scope, long long closes)
{
	struct conversation c = { .scope = scope,
				  .group_id = scope == CONV_GROUP ? 1 : 0,
				  .opens_at = NOW - 10,
				  .closes_at = closes,
				  .created_by = 1 };
	snprintf(c.question, sizeof(c.question), "What should the council do?");
	assert_int_equal(conversation_create(db, &c, seeds, 4, NOW - 10), 0);
	return c.id;
}

static void count_row(const struct conversation *c, long voted, void *arg)
{
	(void)c, (void)voted;
	(*(int *)arg)++;
}

static void scope_and_listing(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	long id = put(db, CONV_GROUP, NOW + 1000);
	long mv = put(db, CONV_MOVEMENT, NOW + 1000);
	struct conversation c;
	assert_int_equal(conversation_get(db, id, &c), 1);
	assert_int_equal(c.approved, 3); /* the repeated seed is dropped */
	assert_string_equal(c.group_name, "Leeds");
	assert_int_equal(conversation_in_scope(db, &c, 2), 1);
	assert_int_equal(conversation_in_scope(db, &c, 8), 0);
	assert_int_equal(conversation_in_scope(db, &c, 9), 0);
	assert_int_equal(conversation_get(db, mv, &c), 1);
	assert_int_equal(conversation_in_scope(db, &c, 8), 1);
	assert_int_equal(conversation_in_scope(db, &c, 9), 0);
	int n = 0;
	assert_int_equal(conversations_for(db, 2, 0, count_row, &n), 1);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(conversations_for(db, 8, 0, count_row, &n), 1);
	assert_int_equal(n, 1); /* the movement's, not Leeds's */
	n = 0;
	assert_int_equal(conversations_for(db, 9, 0, count_row, &n), 1);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(conversations_for(db, 9, 1, count_row, &n), 1);
	assert_int_equal(n, 2);
	db_close(db);
	unlink(path);
}

static void text_checks(void **state)
{
	(void)state;
	char long_text[300];
	memset(long_text, 'a', 281);
	long_text[281] = 0;
	assert_null(plain_text_why("Fine words", STATEMENT_MAX));
	assert_non_null(plain_text_why("", STATEMENT_MAX));
	assert_non_null(plain_text_why(NULL, STATEMENT_MAX));
	assert_non_null(plain_text_why(long_text, STATEMENT_MAX));
	long_text[280] = 0;
	assert_null(plain_text_why(long_text, STATEMENT_MAX));
	/* 280 characters of two bytes each are still 280 characters */
	char wide[600] = "";
	for (int i = 0; i < 280; i++)
		strcat(wide, "é");
	assert_null(plain_text_why(wide, STATEMENT_MAX));
	assert_non_null(plain_text_why("<script>alert(1)</script>", STATEMENT_MAX));
	assert_non_null(plain_text_why("a <b>bold</b> claim", STATEMENT_MAX));
	assert_null(plain_text_why("fares < £2 for under-18s", STATEMENT_MAX));
	assert_non_null(plain_text_why("two\nlines", STATEMENT_MAX));
	assert_non_null(plain_text_why("\xff\xfe", STATEMENT_MAX));
}

static long first_statement(struct db *db, long conv)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT min(id) FROM statements WHERE conversation_id = ?");
	db_bind_int(st, 1, conv);
	return (long)db_int_or(st, 0);
}

static void votes_once_and_changed(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	long conv = put(db, CONV_GROUP, NOW + 1000), s = first_statement(db, conv);
	int v;

	assert_int_equal(opinion_vote_put(db, conv, s, 2, 1, 0, NOW), 1);
	assert_int_equal(opinion_vote_put(db, conv, s, 2, -1, 0, NOW), 0); /* twice: refused */
	assert_int_equal(opinion_vote_of(db, s, 2, &v), 1);
	assert_int_equal(v, 1);
	assert_int_equal(opinion_vote_put(db, conv, s, 3, 0, 1, NOW), 0); /* nothing to change */
	assert_int_equal(opinion_vote_put(db, conv, s, 3, -1, 0, NOW), 1);
	assert_int_equal(opinion_vote_put(db, conv, s, 2, -1, 1, NOW), 1); /* changed */
	struct statement st;
	char body[1200], reason[1200];
	assert_int_equal(statement_get(db, s, &st, body, reason, sizeof(body)), 1);
	assert_int_equal(st.agrees, 0);
	assert_int_equal(st.disagrees, 2);
	assert_int_equal(st.passes, 0);
	assert_int_equal(opinion_votes_version(db, conv), 3);
	assert_int_equal(opinion_votes_count(db, conv, 2), 1);
	/* after the close, or on a statement not approved: refused, nothing written */
	assert_int_equal(opinion_vote_put(db, conv, s, 4, 1, 0, NOW + 1000), 2);
	long queued;
	assert_int_equal(statement_add(db, conv, "A member's idea", 4, ST_QUEUED, NOW, &queued), 0);
	assert_int_equal(opinion_vote_put(db, conv, queued, 4, 1, 0, NOW), 2);
	assert_int_equal(count(db, "SELECT count(*) FROM opinion_votes"), 2);
	/* a duplicate is refused */
	assert_int_equal(statement_add(db, conv, "A member's idea", 5, ST_QUEUED, NOW, &queued), 1);
	/* moderation: once */
	assert_int_equal(statement_moderate(db, queued, 0, "Off topic", 1), 1);
	assert_int_equal(statement_moderate(db, queued, 1, NULL, 1), 0);
	assert_int_equal(statement_get(db, queued, &st, body, reason, sizeof(body)), 1);
	assert_int_equal(st.status, ST_REJECTED);
	assert_string_equal(st.reason, "Off topic");
	/* closing ends the voting */
	assert_int_equal(conversation_close(db, conv, NOW), 1);
	assert_int_equal(conversation_close(db, conv, NOW + 1), 0);
	assert_int_equal(opinion_vote_put(db, conv, s, 5, 1, 0, NOW + 1), 2);
	db_close(db);
	unlink(path);
}

static void next_statement(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	long conv = put(db, CONV_GROUP, NOW + 1000), s = first_statement(db, conv);
	struct statement st;
	char body[1200];

	/* three members vote on the first: the two unseen come before it */
	for (long p = 2; p <= 4; p++)
		assert_int_equal(opinion_vote_put(db, conv, s, p, 1, 0, NOW), 1);
	assert_int_equal(statement_next(db, conv, 5, &st, body, sizeof(body)), 1);
	assert_int_not_equal(st.id, s);
	/* a member who has voted on all has none left */
	for (long j = s; j < s + 3; j++)
		opinion_vote_put(db, conv, j, 6, 0, 0, NOW);
	assert_int_equal(statement_next(db, conv, 6, &st, body, sizeof(body)), 0);
	/* a new statement comes first for someone who has voted on the rest */
	long fresh;
	assert_int_equal(statement_add(db, conv, "Free school meals", 1, ST_APPROVED, NOW, &fresh),
			 0);
	assert_int_equal(statement_next(db, conv, 6, &st, body, sizeof(body)), 1);
	assert_int_equal(st.id, fresh);
	assert_string_equal(body, "Free school meals");
	db_close(db);
	unlink(path);
}

/* Members 2–7 in two blocs on 8 statements: a map of two groups, and the
 * statements re-ranked by how they split the groups. */
static long two_blocs(struct db *db)
{
	long conv = put(db, CONV_GROUP, NOW + 1000);
	for (int i = 0; i < 5; i++) {
		char text[64];
		long id;
		snprintf(text, sizeof(text), "Statement %d", i);
		assert_int_equal(statement_add(db, conv, text, 1, ST_APPROVED, NOW, &id), 0);
	}
	long s = first_statement(db, conv);
	for (long p = 2; p <= 7; p++)
		for (long j = s; j < s + 8; j++)
			assert_int_equal(opinion_vote_put(db, conv, j, p,
							  j == s		? 1
							  : ((p % 2) ^ (j % 2)) ? 1
										: -1,
							  0, NOW),
					 1);
	return conv;
}

static void map_kept(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	long conv = two_blocs(db), due[4];
	struct opinion_map_row row;
	char *body, *st;

	assert_int_equal(opinion_maps_due(db, due, 4), 1);
	assert_int_equal(opinion_maps_refresh(db, NOW), 1);
	assert_int_equal(opinion_maps_due(db, due, 4), 0);
	assert_int_equal(opinion_map_get(db, conv, &row, &body, &st), 1);
	assert_int_equal(row.groups, 2);
	assert_int_equal(row.placed, 6);
	assert_int_equal(row.at_votes, 48);
	json_t *m = json_loads(body, 0, NULL);
	assert_non_null(m);
	assert_int_equal(json_object_size(json_object_get(m, "people")), 6);
	assert_null(json_object_get(json_object_get(m, "people"), "1")); /* did not vote */
	/* the statement all agree on is the consensus */
	json_t *cons = json_object_get(m, "consensus");
	assert_true(json_array_size(cons) >= 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(cons, 0), "statement")),
			 first_statement(db, conv));
	json_decref(m);
	free(body);
	free(st);
	/* the splitting statements now rank above the agreed one */
	assert_true(count(db, "SELECT count(*) FROM statements WHERE spread > 0.5") >= 6);

	/* erasing a member takes their votes out of the counts and re-queues the map */
	assert_int_equal(db_exec(db, "DELETE FROM people WHERE id = 2"), 0);
	assert_int_equal(count(db, "SELECT sum(agrees + disagrees + passes) FROM statements"), 40);
	assert_int_equal(opinion_maps_due(db, due, 4), 1);
	assert_int_equal(opinion_maps_refresh(db, NOW), 1);
	assert_int_equal(opinion_map_get(db, conv, &row, &body, &st), 1);
	assert_int_equal(row.placed, 5);
	assert_null(strstr(body, "\"2\":"));
	free(body);
	free(st);
	db_close(db);
	unlink(path);
}

static struct db *fixture_with_map_due(void)
{
	struct db *db = open_fixture();
	two_blocs(db);
	return db;
}

/* A fault at any step of storing the map leaves the old state whole: no
 * map, nothing re-ranked, still due. */
static void map_all_or_nothing(void **state)
{
	(void)state;
	for (long nth = 1;; nth++) {
		struct db *db = fixture_with_map_due();
		long due[2];
		long long ranked = count(db, "SELECT count(*) FROM statements WHERE spread > 0");
		db_fail_step(db, nth);
		int rc = opinion_map_refresh(db, 1, NOW);
		db_fail_step(db, 0);
		if (rc == 1) {
			assert_int_equal(count(db, "SELECT count(*) FROM opinion_maps"), 1);
			assert_int_equal(opinion_maps_due(db, due, 2), 0);
		} else {
			assert_int_equal(count(db, "SELECT count(*) FROM opinion_maps"), 0);
			assert_int_equal(
			    count(db, "SELECT count(*) FROM statements WHERE spread > 0"), ranked);
			assert_int_equal(opinion_maps_due(db, due, 2), 1);
		}
		db_close(db);
		unlink(path);
		if (rc == 1)
			break;
		assert_true(nth < 100);
	}
}

/* Putting a conversation is all or nothing too. */
static void put_all_or_nothing(void **state)
{
	(void)state;
	for (long nth = 1;; nth++) {
		struct db *db = open_fixture();
		struct conversation c = { .scope = CONV_GROUP,
					  .group_id = 1,
					  .opens_at = NOW,
					  .closes_at = NOW + 10,
					  .created_by = 1 };
		snprintf(c.question, sizeof(c.question), "Q?");
		db_fail_step(db, nth);
		int rc = conversation_create(db, &c, seeds, 4, NOW);
		db_fail_step(db, 0);
		long long convs = count(db, "SELECT count(*) FROM conversations");
		long long stmts = count(db, "SELECT count(*) FROM statements");
		assert_int_equal(convs, rc == 0 ? 1 : 0);
		assert_int_equal(stmts, rc == 0 ? 3 : 0);
		db_close(db);
		unlink(path);
		if (rc == 0)
			break;
		assert_true(nth < 50);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scope_and_listing),
		cmocka_unit_test(text_checks),
		cmocka_unit_test(votes_once_and_changed),
		cmocka_unit_test(next_statement),
		cmocka_unit_test(map_kept),
		cmocka_unit_test(map_all_or_nothing),
		cmocka_unit_test(put_all_or_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
