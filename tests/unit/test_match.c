/* The carpool matcher: its rules, a case greedy loses, and properties over
 * random sessions (no driver over capacity, every match inside its bound,
 * never worse than greedy). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
/* cmocka needs the headers above first */
#include <cmocka.h>

#include "rides/match.h"

static const struct match_point session = { 52.0, -1.0 };

static void rules(void **state)
{
	struct match_driver d = { { 52.3, -1.0 }, 3, 30, 40 };
	struct match_point r[] = {
		{ 52.15, -1.0 }, { 52.02, -1.0 }, { 52.15, -1.5 }, { 52.3, -1.0 }
	};
	double det;
	(void)state;
	/* one degree of latitude by road at 50 km/h */
	double m = match_minutes((struct match_point){ 51, 0 }, (struct match_point){ 52, 0 });
	assert_true(fabs(m - 111.195 * 1.3 / 50 * 60) < 0.01);
	int on_way = 0, near_end = 1, far_off = 2, at_start = 3;
	assert_true(match_route_ok(&d, session, r, &on_way, 1, &det));
	assert_true(det < 0.01);
	/* picked up 2 km from the session: shares 6% of the route, under 30% */
	assert_false(match_route_ok(&d, session, r, &near_end, 1, &det));
	assert_false(match_route_ok(&d, session, r, &far_off, 1, &det));
	assert_true(match_route_ok(&d, session, r, &at_start, 1, &det));
	/* more riders than seats is never a route */
	int four[] = { 0, 3, 0, 3 };
	assert_false(match_route_ok(&d, session, r, four, 4, &det));
	/* the driver's own minutes bound binds before the global 40% */
	struct match_driver tight = d;
	tight.max_detour_min = 0.001;
	int two[] = { 3, 2 };
	assert_false(match_route_ok(&tight, session, r, two, 2, &det));
}

/* Greedy gives the easy rider the only seat the hard one could use. */
static void beats_greedy(void **state)
{
	struct match_driver d[] = { { { 52.3, -1.0 }, 1, 30, 40 }, { { 52.3, -0.97 }, 1, 6, 40 } };
	struct match_point r[] = { { 52.15, -1.0 }, { 52.29, -1.06 } };
	struct match_result g, best;
	(void)state;
	match_solve(d, 2, r, 2, session, NULL, 1, &g);
	match_solve(d, 2, r, 2, session, NULL, 0, &best);
	assert_int_equal(g.carried, 1);
	assert_int_equal(best.carried, 2);
	assert_int_equal(best.rider_driver[1], 0);
	assert_int_equal(best.rider_driver[0], 1);
	match_result_release(&g);
	match_result_release(&best);
}

static double rnd(double lo, double hi)
{
	return lo + (hi - lo) * rand() / (double)RAND_MAX;
}

static void properties(void **state)
{
	(void)state;
	srand(11);
	for (int round = 0; round < 40; round++) {
		size_t nd = 5 + (size_t)(rand() % 20), nr = 10 + (size_t)(rand() % 60);
		struct match_driver *d = calloc(nd, sizeof(*d));
		struct match_point *r = calloc(nr, sizeof(*r));
		for (size_t i = 0; i < nd; i++)
			d[i] = (struct match_driver){ { rnd(51.6, 52.4), rnd(-1.6, -0.4) },
						      1 + rand() % 4,
						      rnd(5, 40),
						      rnd(10, 60) };
		for (size_t i = 0; i < nr; i++)
			r[i] = (struct match_point){ rnd(51.6, 52.4), rnd(-1.6, -0.4) };
		struct match_result g, m;
		match_solve(d, nd, r, nr, session, NULL, 1, &g);
		match_solve(d, nd, r, nr, session, NULL, 0, &m);
		assert_true(m.carried >= g.carried);
		if (m.carried == g.carried)
			assert_true(m.total_detour_min <= g.total_detour_min + 1e-9);
		size_t carried = 0;
		for (size_t i = 0; i < nd; i++) {
			const struct match_plan *p = &m.plans[i];
			double det;
			assert_true(p->nstops <= d[i].seats);
			if (p->nstops) {
				assert_true(
				    match_route_ok(&d[i], session, r, p->stops, p->nstops, &det));
				assert_true(fabs(det - p->detour_min) < 1e-6);
			}
			for (int k = 0; k < p->nstops; k++)
				assert_int_equal(m.rider_driver[p->stops[k]], (int)i);
			carried += (size_t)p->nstops;
		}
		assert_int_equal(carried, m.carried);
		match_result_release(&g);
		match_result_release(&m);
		free(d);
		free(r);
	}
}

static double route_time(struct match_point start, const struct match_point *r, const int *o, int n)
{
	double t = 0;
	struct match_point at = start;
	for (int i = 0; i < n; i++) {
		t += match_minutes(at, r[o[i]]);
		at = r[o[i]];
	}
	return t + match_minutes(at, session);
}

/* Heap's algorithm: the shortest of every order, to check match_order. */
static double brute(struct match_point start, const struct match_point *r, int *a, int n, int k)
{
	if (k == 1)
		return route_time(start, r, a, n);
	double best = brute(start, r, a, n, k - 1);
	for (int i = 0; i < k - 1; i++) {
		int j = k % 2 ? 0 : i, t = a[j];
		a[j] = a[k - 1];
		a[k - 1] = t;
		double b = brute(start, r, a, n, k - 1);
		if (b < best)
			best = b;
	}
	return best;
}

static void shortest_order(void **state)
{
	(void)state;
	srand(5);
	for (int round = 0; round < 30; round++) {
		int n = 1 + rand() % 7, which[8], order[8], seen[8] = { 0 };
		struct match_point start = { rnd(51.6, 52.4), rnd(-1.6, -0.4) }, r[8];
		for (int i = 0; i < n; i++) {
			r[i] = (struct match_point){ rnd(51.6, 52.4), rnd(-1.6, -0.4) };
			which[i] = i;
		}
		match_order(start, session, r, which, n, order);
		for (int i = 0; i < n; i++)
			seen[order[i]]++;
		for (int i = 0; i < n; i++)
			assert_int_equal(seen[i], 1);
		assert_true(route_time(start, r, order, n) <= brute(start, r, which, n, n) + 1e-9);
	}
}

/* Riders already carried stay with their driver and use up seats. */
static void pinned_riders(void **state)
{
	(void)state;
	struct match_driver d[] = { { { 52.3, -1.0 }, 2, 30, 40 } };
	struct match_point r[] = { { 52.2, -1.0 }, { 52.15, -1.0 }, { 52.1, -1.0 } };
	int pinned[] = { -1, 0, -1 };
	struct match_result m;

	match_solve(d, 1, r, 3, session, pinned, 0, &m);
	assert_int_equal(m.rider_driver[1], 0);
	assert_int_equal(m.plans[0].nstops, 2);
	assert_int_equal(m.carried, 2);
	assert_int_equal(m.rider_driver[0] + m.rider_driver[2], -1); /* one of them, not both */
	assert_true(m.plans[0].stops[0] == 0 || m.plans[0].stops[1] == 2);
	match_result_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules),	 cmocka_unit_test(beats_greedy),
		cmocka_unit_test(properties),	 cmocka_unit_test(shortest_order),
		cmocka_unit_test(pinned_riders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
