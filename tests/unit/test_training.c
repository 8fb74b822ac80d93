/* Training: questions well made or not, grading every kind, pass marks,
 * and gate evaluation as a table (completed, failed, expired, pending,
 * versions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "tmpdb.h"
#include "training/format.h"
#include "training/quiz.h"
#include "training/store.h"

#include <unistd.h>

static struct question choice(enum quiz_kind k, int n, unsigned correct)
{
	struct question q = { .kind = k, .nopts = n, .correct = correct };
	for (int i = 0; i < n; i++)
		snprintf(q.opt[i], sizeof(q.opt[i]), "Option %d", i);
	return q;
}

static void checks(void **state)
{
	(void)state;
	struct question q = choice(QUIZ_SINGLE, 3, 1u << 1);
	assert_null(question_check(&q));
	q.correct = 0;
	assert_string_equal(question_check(&q), "has no right answer");
	q.correct = 3;
	assert_string_equal(question_check(&q), "must have exactly one right answer");
	q = choice(QUIZ_MULTIPLE, 3, 5);
	assert_null(question_check(&q));
	q.correct = 1u << 5;
	assert_string_equal(question_check(&q), "has no right answer");
	q = choice(QUIZ_SINGLE, 1, 1);
	assert_string_equal(question_check(&q), "needs at least two options");
	q = choice(QUIZ_ORDER, 3, 0);
	q.order[0] = 2, q.order[1] = 0, q.order[2] = 1;
	assert_null(question_check(&q));
	q.order[2] = 0;
	assert_non_null(question_check(&q));
	q = (struct question){ .kind = QUIZ_SHORT, .nopts = 2 };
	snprintf(q.opt[0], sizeof(q.opt[0]), "999");
	assert_string_equal(question_check(&q), "has an empty accepted answer");
	snprintf(q.opt[1], sizeof(q.opt[1]), "nine nine nine");
	assert_null(question_check(&q));
	q.nopts = 0;
	assert_non_null(question_check(&q));
	/* the quiz as a whole */
	assert_null(quiz_check(80, 5, 8, 3));
	assert_non_null(quiz_check(101, 5, 8, 3)); /* a pass mark above the total */
	assert_non_null(quiz_check(0, 5, 8, 3));
	assert_non_null(quiz_check(80, 9, 8, 3)); /* more drawn than the bank holds */
	assert_non_null(quiz_check(80, 0, 8, 3));
	assert_non_null(quiz_check(80, 5, 8, 0));
}

static void grading(void **state)
{
	(void)state;
	struct question q = choice(QUIZ_SINGLE, 3, 1u << 2);
	assert_int_equal(question_grade(&q, "2"), 1);
	assert_int_equal(question_grade(&q, "0"), 0);
	assert_int_equal(question_grade(&q, "3"), -1); /* not an option */
	assert_int_equal(question_grade(&q, "0,2"), -1);
	assert_int_equal(question_grade(&q, ""), -1);
	assert_int_equal(question_grade(&q, NULL), -1);
	q = choice(QUIZ_MULTIPLE, 4, (1u << 0) | (1u << 3));
	assert_int_equal(question_grade(&q, "3,0"), 1);
	assert_int_equal(question_grade(&q, "0"), 0);	  /* one of two */
	assert_int_equal(question_grade(&q, "0,1,3"), 0); /* one too many */
	assert_int_equal(question_grade(&q, "0,0"), -1);  /* twice */
	assert_int_equal(question_grade(&q, ""), 0);	  /* none chosen */
	q = choice(QUIZ_ORDER, 3, 0);
	q.order[0] = 1, q.order[1] = 2, q.order[2] = 0;
	assert_int_equal(question_grade(&q, "1,2,0"), 1);
	assert_int_equal(question_grade(&q, "0,1,2"), 0);
	assert_int_equal(question_grade(&q, "1,2"), -1); /* not all of them */
	q = (struct question){ .kind = QUIZ_SHORT, .nopts = 2 };
	snprintf(q.opt[0], sizeof(q.opt[0]), "999");
	snprintf(q.opt[1], sizeof(q.opt[1]), "Nine nine nine");
	assert_int_equal(question_grade(&q, " 999 "), 1);
	assert_int_equal(question_grade(&q, "nine  NINE nine."), 1);
	assert_int_equal(question_grade(&q, "112"), 0);
	assert_int_equal(question_grade(&q, ""), 0);
	/* pass marks */
	assert_true(quiz_passed(4, 5, 80));
	assert_false(quiz_passed(3, 5, 80));
	assert_true(quiz_passed(5, 5, 100));
	assert_false(quiz_passed(0, 0, 50));
}

static void gates(void **state)
{
	(void)state;
	const long long now = 1900000000;
	static const struct {
		struct training_record r;
		int has, min_version, max_attempts;
		enum gate_state want;
	} rows[] = {
		{ { 0, 0, 0, 0 }, 0, 1, 3, GATE_PENDING },    /* never started */
		{ { 0, 0, 0, 2 }, 1, 1, 3, GATE_PENDING },    /* failed twice, one left */
		{ { 0, 0, 0, 3 }, 1, 1, 3, GATE_FAILED },     /* every attempt used */
		{ { 1, 1, 0, 1 }, 1, 1, 3, GATE_OPEN },	      /* done, never expires */
		{ { 1, 2, now + 1, 1 }, 1, 2, 3, GATE_OPEN }, /* done, in date */
		{ { 1, 2, now, 1 }, 1, 2, 3, GATE_EXPIRED },  /* runs out now */
		{ { 1, 1, 0, 0 }, 1, 2, 3, GATE_OUTDATED },   /* an earlier version */
		{ { 1, 1, 0, 3 }, 1, 2, 3, GATE_FAILED },     /* ... and no attempt left at it */
		{ { 1, 3, 0, 0 }, 1, 2, 3, GATE_OPEN },	      /* a later version than asked */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum gate_state got = gate_eval(rows[i].has ? &rows[i].r : NULL, now,
						rows[i].min_version, rows[i].max_attempts);
		if (got != rows[i].want)
			fail_msg("row %zu: %s, wanted %s", i, gate_words(got),
				 gate_words(rows[i].want));
	}
}

static void written(void **state)
{
	(void)state;
	struct module_text *t = malloc(sizeof(*t));
	char err[256];
	const char *steps =
	    "## Before you call\nRead the **script**.\n\nVideo: https://example.org/v\n"
	    "## The call\r\n1. Hello\r\n";
	const char *qs = "? Emergency number?\n= 999\n= nine nine nine\n\n"
			 "? Pick one\n- wrong\n* right\n"
			 "? Tick all\n* a\n- b\n* c\n"
			 "? In order\n1. first\n2. second\n3. third\n";
	assert_int_equal(module_text_parse(steps, qs, t, err, sizeof(err)), 0);
	assert_int_equal(t->nsteps, 2);
	assert_string_equal(t->steps[0].title, "Before you call");
	assert_string_equal(t->steps[0].body, "Read the **script**.\n\n");
	assert_string_equal(t->steps[0].video, "https://example.org/v");
	assert_string_equal(t->steps[1].body, "1. Hello\n");
	assert_int_equal(t->nq, 4);
	assert_int_equal(t->qs[0].q.kind, QUIZ_SHORT);
	assert_int_equal(question_grade(&t->qs[0].q, "Nine Nine Nine"), 1);
	assert_int_equal(t->qs[1].q.kind, QUIZ_SINGLE);
	assert_int_equal(question_grade(&t->qs[1].q, "1"), 1);
	assert_int_equal(t->qs[2].q.kind, QUIZ_MULTIPLE);
	assert_int_equal(question_grade(&t->qs[2].q, "0,2"), 1);
	/* an order is shown otherwise than it is right: reversed */
	assert_int_equal(t->qs[3].q.kind, QUIZ_ORDER);
	assert_string_equal(t->qs[3].q.opt[0], "third");
	assert_int_equal(question_grade(&t->qs[3].q, "2,1,0"), 1);
	assert_int_equal(question_grade(&t->qs[3].q, "0,1,2"), 0);
	module_text_release(t);

	static const struct {
		const char *steps, *qs, *why;
	} bad[] = {
		{ "", "", "at least one step" },
		{ "Text before any step\n## A\nx", "", "line 1" },
		{ "## A\nx\nVideo: javascript:alert(1)", "", "line 3: a video is a web address" },
		{ "## A", "? No right answer\n- a\n- b", "has no right answer" },
		{ "## A", "? One option\n* a", "needs at least two options" },
		{ "## A", "- an option before a question", "line 1: begin a question" },
		{ "## A", "? Q\nan option without a mark", "line 2: an option begins with" },
		{ "## A", "? Mixed\n= 999\n* a", "a short answer takes only" },
		{ "## A", "? Mixed\n1. a\n* b", "an order takes only" },
		{ "## \nbody", "", "title is empty" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(module_text_parse(bad[i].steps, bad[i].qs, t, err, sizeof(err)),
				 -1);
		if (!strstr(err, bad[i].why))
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, bad[i].why);
		module_text_release(t);
	}
	free(t);
}

static char path[64];

static long long count(struct db *db, const char *sql)
{
	return db_int_or(db_cached(db, sql), -1);
}

/* A module of two steps and three questions, person 1 an attempt at it. */
static struct db *with_attempt(struct module *m, struct attempt *a)
{
	struct db *db = tmpdb_open(path, 1);
	assert_int_equal(db_exec(db, "INSERT INTO people (id, name, email, created_at,"
				     " last_active_at) VALUES (1, 'P', 'p@x', 0, 0)"),
			 0);
	struct step_in steps[] = { { "One", "**Read** this.", NULL },
				   { "Two", "And this.", NULL } };
	struct question_in qs[3];
	for (int i = 0; i < 3; i++) {
		qs[i].q = choice(QUIZ_SINGLE, 2, 1u);
		qs[i].prompt = "Which?";
	}
	*m = (struct module){ .pass_percent = 60, .max_attempts = 2, .draw = 3, .valid_days = 30 };
	snprintf(m->slug, sizeof(m->slug), "test");
	snprintf(m->title, sizeof(m->title), "Test");
	assert_int_equal(module_create(db, m, steps, 2, qs, 3, 1000), 0);
	assert_int_equal(module_by_slug(db, "test", m), 1);
	long ids[3] = { 1, 2, 3 }, id;
	assert_int_equal(attempt_start(db, m, 1, ids, 3, 1000, &id), 0);
	assert_int_equal(attempt_get(db, id, a), 1);
	return db;
}

static void finish_all_or_nothing(void **state)
{
	(void)state;
	const char *answers[] = { "0", "0", "1" };
	int correct[] = { 1, 1, 0 };
	for (long nth = 1;; nth++) {
		struct module m;
		struct attempt a;
		struct db *db = with_attempt(&m, &a);
		db_fail_step(db, nth);
		int rc = attempt_finish(db, &m, &a, answers, correct, 2, 1, 2000);
		db_fail_step(db, 0);
		long long done =
		    count(db, "SELECT count(*) FROM quiz_attempts WHERE finished_at IS NOT NULL");
		assert_int_equal(done, rc == 1);
		assert_int_equal(count(db, "SELECT count(*) FROM quiz_answers"), rc == 1 ? 3 : 0);
		assert_int_equal(count(db, "SELECT count(*) FROM completions"), rc == 1);
		if (rc == 1) {
			struct training_record r;
			assert_int_equal(training_record_of(db, &m, 1, &r), 0);
			assert_true(r.completed);
			assert_int_equal(r.expires_at, 2000 + 30 * 86400);
			assert_int_equal(gate_eval(&r, 2001, 1, m.max_attempts), GATE_OPEN);
			/* marked once */
			assert_int_equal(attempt_finish(db, &m, &a, answers, correct, 2, 1, 3000),
					 0);
		}
		db_close(db);
		unlink(path);
		if (rc == 1)
			break;
		assert_true(nth < 50);
	}
}

static void failed_attempts_count(void **state)
{
	(void)state;
	struct module m;
	struct attempt a;
	struct db *db = with_attempt(&m, &a);
	const char *answers[] = { "1", "1", "1" };
	int wrong[] = { 0, 0, 0 };
	struct training_record r;
	assert_int_equal(attempt_finish(db, &m, &a, answers, wrong, 0, 0, 2000), 1);
	assert_int_equal(training_record_of(db, &m, 1, &r), 0);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(gate_eval(&r, 2001, 1, m.max_attempts), GATE_PENDING);
	long ids[3] = { 1, 2, 3 }, id;
	assert_int_equal(attempt_start(db, &m, 1, ids, 3, 2100, &id), 0);
	assert_int_equal(attempt_get(db, id, &a), 1);
	assert_int_equal(attempt_finish(db, &m, &a, answers, wrong, 0, 0, 2200), 1);
	assert_int_equal(training_record_of(db, &m, 1, &r), 0);
	assert_int_equal(gate_eval(&r, 2201, 1, m.max_attempts), GATE_FAILED);
	/* progress only goes forward */
	assert_int_equal(training_step_set(db, m.id, 1, 2, 1), 0);
	assert_int_equal(training_step_set(db, m.id, 1, 1, 2), 0);
	assert_int_equal(training_step(db, m.id, 1), 2);
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checks),
		cmocka_unit_test(grading),
		cmocka_unit_test(gates),
		cmocka_unit_test(written),
		cmocka_unit_test(finish_all_or_nothing),
		cmocka_unit_test(failed_attempts_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
