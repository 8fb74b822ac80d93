/* "Needs me most": each factor moves the score the way the docs say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "seats/need.h"

static double score(struct need_input in)
{
	char why[256];
	return need_score(&in, why, sizeof(why));
}

static void factors(void **state)
{
	struct need_input base = { 2.0, 5.0, 20, 0, 0, 0, 0, 0 };
	(void)state;
	struct need_input tighter = base, nearer = base, crowded = base, target = base, done = base;
	tighter.majority_pct = 0.5;
	nearer.km = 5;
	crowded.going = 60;
	target.target = 1;
	target.priority = 5;
	target.goal_hours = 500;
	done = target;
	done.pledged_hours = 600;
	assert_true(score(tighter) > score(base));
	assert_true(score(nearer) > score(base));
	assert_true(score(crowded) < score(base));
	assert_true(score(target) > score(base));
	assert_true(score(done) < score(target));
	/* distance halves the weight at 25 km */
	struct need_input at0 = base, at25 = base;
	at0.km = 0;
	at25.km = 25;
	double r = score(at25) / score(at0);
	assert_true(r > 0.499 && r < 0.501);
	/* never zero: a safe-ish seat still ranks, just low */
	struct need_input edge = base;
	edge.majority_pct = 5.0;
	assert_true(score(edge) > 0);
}

static void explained(void **state)
{
	char why[256];
	struct need_input t = { 0.7, 5.0, 23.3, 1, 4, 200, 30, 0 };
	(void)state;
	need_score(&t, why, sizeof(why));
	assert_non_null(strstr(why, "Majority 0.7% (very tight)"));
	assert_non_null(strstr(why, "about 23 km by road"));
	assert_non_null(strstr(why, "target seat (priority 4) with 30 of 200 hours pledged"));
	struct need_input n = { 3.0, 5.0, 8, 0, 0, 0, 0, 1 };
	need_score(&n, why, sizeof(why));
	assert_non_null(strstr(why, "1 volunteer already going"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(factors),
		cmocka_unit_test(explained),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
