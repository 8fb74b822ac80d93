/* Training: questions well made or not, grading every kind, pass marks,
 * and gate evaluation as a table (completed, failed, expired, pending,
 * versions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "training/quiz.h"

static struct question choice(enum question_kind k, int n, unsigned correct)
{
	struct question q = { .kind = k, .nopts = n, .correct = correct };
	for (int i = 0; i < n; i++)
		snprintf(q.opt[i], sizeof(q.opt[i]), "Option %d", i);
	return q;
}

static void checks(void **state)
{
	(void)state;
	struct question q = choice(Q_SINGLE, 3, 1u << 1);
	assert_null(question_check(&q));
	q.correct = 0;
	assert_string_equal(question_check(&q), "has no right answer");
	q.correct = 3;
	assert_string_equal(question_check(&q), "must have exactly one right answer");
	q = choice(Q_MULTIPLE, 3, 5);
	assert_null(question_check(&q));
	q.correct = 1u << 5;
	assert_string_equal(question_check(&q), "has no right answer");
	q = choice(Q_SINGLE, 1, 1);
	assert_string_equal(question_check(&q), "needs at least two options");
	q = choice(Q_ORDER, 3, 0);
	q.order[0] = 2, q.order[1] = 0, q.order[2] = 1;
	assert_null(question_check(&q));
	q.order[2] = 0;
	assert_non_null(question_check(&q));
	q = (struct question){ .kind = Q_SHORT, .nopts = 2 };
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
	struct question q = choice(Q_SINGLE, 3, 1u << 2);
	assert_int_equal(question_grade(&q, "2"), 1);
	assert_int_equal(question_grade(&q, "0"), 0);
	assert_int_equal(question_grade(&q, "3"), -1); /* not an option */
	assert_int_equal(question_grade(&q, "0,2"), -1);
	assert_int_equal(question_grade(&q, ""), -1);
	assert_int_equal(question_grade(&q, NULL), -1);
	q = choice(Q_MULTIPLE, 4, (1u << 0) | (1u << 3));
	assert_int_equal(question_grade(&q, "3,0"), 1);
	assert_int_equal(question_grade(&q, "0"), 0);	  /* one of two */
	assert_int_equal(question_grade(&q, "0,1,3"), 0); /* one too many */
	assert_int_equal(question_grade(&q, "0,0"), -1);  /* twice */
	assert_int_equal(question_grade(&q, ""), 0);	  /* none chosen */
	q = choice(Q_ORDER, 3, 0);
	q.order[0] = 1, q.order[1] = 2, q.order[2] = 0;
	assert_int_equal(question_grade(&q, "1,2,0"), 1);
	assert_int_equal(question_grade(&q, "0,1,2"), 0);
	assert_int_equal(question_grade(&q, "1,2"), -1); /* not all of them */
	q = (struct question){ .kind = Q_SHORT, .nopts = 2 };
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checks),
		cmocka_unit_test(grading),
		cmocka_unit_test(gates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
