/* Ideas: words and likeness on hand-checked pairs, the threshold's
 * arithmetic, and the store on a real, migrated SQLite file — support
 * counted once a member, rising to a conversation, merging without
 * counting anyone twice, closing when time runs out, and every
 * multi-statement write all or nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"
#include "ideas/similar.h"
#include "ideas/store.h"
#include "tmpdb.h"

static char path[64];
static const long long NOW = 1900000000;

static void words(void **state)
{
	(void)state;
	struct idea_words w;
	idea_words_of("Capped fares: the bus FARES should be capped, capping is good!", &w);
	/* stop words dropped, endings stemmed, each once, sorted */
	const char *want[] = { "bus", "cap", "fare", "good" };
	assert_int_equal(w.n, 4);
	for (size_t i = 0; i < w.n; i++)
		assert_string_equal(w.w[i], want[i]);
	idea_words_of(NULL, &w);
	assert_int_equal(w.n, 0);
	idea_words_of("a an of to", &w);
	assert_int_equal(w.n, 0);
	idea_words_of("Café culture für alle", &w);
	assert_int_equal(w.n, 4); /* letters beyond ASCII are kept whole: café, für */
}

static void likeness(void **state)
{
	(void)state;
	/* the same idea in other words is flagged; different ideas are not */
	assert_true(idea_similarity("Cap bus fares at £2", "Fares are too high for families.",
				    "Bus fares capped at two pounds",
				    "Capping bus fares helps families.") >= IDEA_SIMILAR);
	assert_true(idea_similarity("Cap bus fares at £2", "Fares are too high.",
				    "Plant more street trees",
				    "Shade and clean air for everyone.") < 0.1);
	assert_true(idea_similarity("Open libraries on Sundays", "", "Sunday library opening",
				    "") >= IDEA_SIMILAR);
	/* symmetric, and an idea is wholly like itself */
	double ab = idea_similarity("A fair wage", "for carers", "Carers need a fair wage", "");
	double ba = idea_similarity("Carers need a fair wage", "", "A fair wage", "for carers");
	assert_true(ab == ba);
	assert_true(idea_similarity("Free school meals", "for all", "Free school meals",
				    "for all") > 0.999);
	assert_true(idea_similarity("", "", "", "") == 0);
}

static void needed(void **state)
{
	(void)state;
	struct idea_threshold t = { 5, 10, 30 };
	assert_int_equal(idea_needed(&t, 20), 5);   /* 10% is 2: the 5 is more */
	assert_int_equal(idea_needed(&t, 200), 20); /* 10% is more */
	assert_int_equal(idea_needed(&t, 201), 21); /* rounded up */
	assert_int_equal(idea_needed(&t, 3), 3);    /* never more than there are members */
	assert_int_equal(idea_needed(&t, 0), 1);    /* at least one */
	t = (struct idea_threshold){ 0, 2.5, 30 };
	assert_int_equal(idea_needed(&t, 1000), 25);
}

/* People 1–6 in group 1 (1 organises it), 7 in group 2. */
static struct db *open_fixture(void)
{
	struct db *db = tmpdb_open(path, 1);
	assert_int_equal(db_exec(db, "INSERT INTO local_groups (id, name, created_at) VALUES"
				     " (1, 'Derby', 0), (2, 'Leeds', 0)"),
			 0);
	for (int i = 1; i <= 7; i++) {
		char sql[256];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO people (id, name, email, created_at, last_active_at)"
			 " VALUES (%d, 'P%d', 'p%d@x', 0, 0);"
			 "INSERT INTO memberships (group_id, person_id, role, joined_at)"
			 " VALUES (%d, %d, '%s', 0)",
			 i, i, i, i == 7 ? 2 : 1, i, i == 1 ? "organiser" : "member");
		assert_int_equal(db_exec(db, sql), 0);
	}
	return db;
}

static long long count(struct db *db, const char *sql)
{
	return db_int_or(db_cached(db, sql), -1);
}

static long put(struct db *db, const char *title, long author)
{
	struct idea i = { .scope = CONV_GROUP,
			  .group_id = 1,
			  .author_id = author,
			  .needed = 3,
			  .deadline = NOW + 100 };
	struct idea_words w;
	snprintf(i.title, sizeof(i.title), "%s", title);
	snprintf(i.category, sizeof(i.category), "transport");
	i.body = (char[]){ "Fares are too high." };
	i.claims = (char[]){ "Fares are too high\nA cap helps" };
	idea_words_of(title, &w);
	assert_int_equal(idea_create(db, &i, &w, NULL, NULL, 0, NOW), 0);
	return i.id;
}

static void support_and_rise(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	long id = put(db, "Cap bus fares", 2);
	struct idea i;

	assert_int_equal(idea_support_of(db, id, 2), 1); /* the author backs it */
	assert_int_equal(idea_support(db, id, 3, 1, NOW), 1);
	assert_int_equal(idea_support(db, id, 3, 1, NOW), 0); /* once */
	assert_int_equal(idea_support(db, id, 4, -1, NOW), 1);
	assert_int_equal(idea_support(db, id, 4, 0, NOW), 1); /* withdrawn */
	assert_int_equal(idea_get(db, id, &i), 1);
	assert_int_equal(i.supports, 2);
	assert_int_equal(i.opposes, 0);
	idea_release(&i);
	assert_int_equal(idea_rise(db, id, NOW), 0); /* 2 of 3 */
	assert_int_equal(idea_support(db, id, 5, 1, NOW), 1);
	assert_int_equal(idea_rise(db, id, NOW), 1);
	assert_int_equal(idea_get(db, id, &i), 1);
	assert_int_equal(i.stage, IDEA_DELIBERATION);
	assert_true(i.conversation_id > 0);
	idea_release(&i);
	assert_int_equal(count(db, "SELECT count(*) FROM statements"), 2); /* its two claims */
	assert_int_equal(idea_support(db, id, 6, 1, NOW), 2);		   /* no longer open */
	assert_int_equal(idea_rise(db, id, NOW), 0);
	/* an erased supporter leaves the count */
	assert_int_equal(db_exec(db, "DELETE FROM people WHERE id = 3"), 0);
	assert_int_equal(count(db, "SELECT supports FROM ideas"), 2);
	/* similar ideas are found through the word index, not itself, best first */
	long other = put(db, "Bus fares capped", 6);
	put(db, "Plant street trees", 6);
	long ids[5];
	double scores[5];
	int n = idea_similar_find(db, "g:1", "Capping bus fares", "Fares are too high.", other, ids,
				  scores, 5);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], id);
	assert_int_equal(idea_similar_find(db, "g:2", "Capping bus fares", "", 0, ids, scores, 5),
			 0);
	db_close(db);
	unlink(path);
}

static void merge_counts_once(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	long a = put(db, "Cap bus fares", 2), b = put(db, "Bus fares capped", 3);
	struct idea i;

	idea_support(db, a, 4, 1, NOW);
	idea_support(db, b, 4, 1, NOW); /* 4 backs both */
	idea_support(db, b, 5, -1, NOW);
	idea_support(db, b, 2, 1, NOW); /* a's author backs b */
	assert_int_equal(idea_merge(db, a, a, 1, NOW), 0);
	assert_int_equal(idea_merge(db, b, a, 1, NOW), 1);
	assert_int_equal(idea_get(db, a, &i), 1);
	assert_int_equal(i.supports, 3); /* 2, 3 and 4, once each */
	assert_int_equal(i.opposes, 1);
	idea_release(&i);
	assert_int_equal(count(db, "SELECT count(*) FROM idea_authors WHERE idea_id = 1"), 2);
	assert_int_equal(idea_merge(db, b, a, 1, NOW), 0); /* merged already */
	assert_int_equal(idea_merge(db, a, b, 1, NOW), 0); /* into a merged one */
	/* another scope's idea is not merged in */
	struct idea c = { .scope = CONV_GROUP,
			  .group_id = 2,
			  .author_id = 7,
			  .needed = 1,
			  .deadline = NOW + 100 };
	struct idea_words w = { 0 };
	snprintf(c.title, sizeof(c.title), "Leeds fares");
	snprintf(c.category, sizeof(c.category), "transport");
	c.body = (char[]){ "x" };
	c.claims = (char[]){ "" };
	assert_int_equal(idea_create(db, &c, &w, NULL, NULL, 0, NOW), 0);
	assert_int_equal(idea_merge(db, c.id, a, 1, NOW), 0);
	db_close(db);
	unlink(path);
}

static struct db *two_ideas(void)
{
	struct db *db = open_fixture();
	long a = put(db, "Cap bus fares", 2), b = put(db, "Bus fares capped", 3);
	idea_support(db, a, 4, 1, NOW);
	idea_support(db, b, 4, 1, NOW);
	idea_support(db, b, 5, 1, NOW);
	return db;
}

/* A fault at any step of a merge leaves both ideas as they were. */
static void merge_all_or_nothing(void **state)
{
	(void)state;
	for (long nth = 1;; nth++) {
		struct db *db = two_ideas();
		db_fail_step(db, nth);
		int rc = idea_merge(db, 2, 1, 1, NOW);
		db_fail_step(db, 0);
		if (rc == 1) {
			assert_int_equal(count(db, "SELECT supports FROM ideas WHERE id = 1"), 4);
			assert_int_equal(
			    count(db, "SELECT count(*) FROM ideas WHERE stage = 'merged'"), 1);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(count(db, "SELECT supports FROM ideas WHERE id = 1"), 2);
			assert_int_equal(
			    count(db, "SELECT count(*) FROM idea_supports WHERE idea_id = 1"), 2);
			assert_int_equal(
			    count(db, "SELECT count(*) FROM idea_authors WHERE idea_id = 1"), 1);
			assert_int_equal(
			    count(db, "SELECT count(*) FROM ideas WHERE stage = 'merged'"), 0);
			assert_int_equal(count(db, "SELECT count(*) FROM idea_events"), 2);
		}
		db_close(db);
		unlink(path);
		if (rc == 1)
			break;
		assert_true(nth < 100);
	}
}

/* And of rising: no conversation without the stage, nor the reverse. */
static void rise_all_or_nothing(void **state)
{
	(void)state;
	for (long nth = 1;; nth++) {
		struct db *db = open_fixture();
		long id = put(db, "Cap bus fares", 2);
		idea_support(db, id, 3, 1, NOW);
		idea_support(db, id, 4, 1, NOW);
		db_fail_step(db, nth);
		int rc = idea_rise(db, id, NOW);
		db_fail_step(db, 0);
		long long convs = count(db, "SELECT count(*) FROM conversations");
		long long risen =
		    count(db, "SELECT count(*) FROM ideas WHERE stage = 'deliberation'"
			      " AND conversation_id IS NOT NULL");
		assert_int_equal(convs, rc == 1);
		assert_int_equal(risen, rc == 1);
		db_close(db);
		unlink(path);
		if (rc == 1)
			break;
		assert_true(nth < 100);
	}
}

static int told(long id, void *arg)
{
	(void)id;
	++*(int *)arg;
	return 0;
}

static int refuse(long id, void *arg)
{
	(void)id, (void)arg;
	return -1;
}

static void time_runs_out(void **state)
{
	(void)state;
	struct db *db = open_fixture();
	long id = put(db, "Cap bus fares", 2);
	int n = 0;
	assert_int_equal(ideas_expire(db, NOW + 99, told, &n), 0);
	/* the telling fails: the idea stays open, to be closed next time */
	assert_int_equal(ideas_expire(db, NOW + 100, refuse, NULL), -1);
	assert_int_equal(count(db, "SELECT count(*) FROM ideas WHERE stage = 'open'"), 1);
	assert_int_equal(ideas_expire(db, NOW + 100, told, &n), 1);
	assert_int_equal(n, 1);
	struct idea i;
	assert_int_equal(idea_get(db, id, &i), 1);
	assert_int_equal(i.stage, IDEA_CLOSED);
	idea_release(&i);
	assert_int_equal(count(db, "SELECT count(*) FROM idea_events WHERE text LIKE"
				   " 'Closed: it had 1 of the 3 supports%'"),
			 1);
	assert_int_equal(ideas_expire(db, NOW + 200, told, &n), 0); /* once */
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words),
		cmocka_unit_test(likeness),
		cmocka_unit_test(needed),
		cmocka_unit_test(support_and_rise),
		cmocka_unit_test(merge_counts_once),
		cmocka_unit_test(merge_all_or_nothing),
		cmocka_unit_test(rise_all_or_nothing),
		cmocka_unit_test(time_runs_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
