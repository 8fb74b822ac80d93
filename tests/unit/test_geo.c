/* Distances, point-in-polygon (holes, multipolygons), centroids, locator. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "geo/geo.h"
#include "geo/locator.h"

static void ring(struct geo_shape *s, const double *xy, size_t n, int hole)
{
	geo_shape_begin_ring(s, hole);
	for (size_t i = 0; i < n; i++)
		geo_shape_add_point(s, xy[2 * i], xy[2 * i + 1]);
	assert_int_equal(geo_shape_end_ring(s), 0);
}

static void haversine(void **state)
{
	(void)state;
	/* one degree of latitude on the mean-radius sphere */
	assert_true(fabs(geo_haversine_km(50, 0, 51, 0) - 111.1951) < 0.001);
	assert_true(geo_haversine_km(52.9, -1.5, 52.9, -1.5) == 0);
	/* symmetric, and a quarter of the equator */
	assert_true(fabs(geo_haversine_km(0, 0, 0, 90) - 10007.557) < 0.01);
	assert_true(fabs(geo_haversine_km(51.5, -0.1, 55.9, -3.2) -
			 geo_haversine_km(55.9, -3.2, 51.5, -0.1)) < 1e-9);
}

static void square_with_hole(void **state)
{
	static const double outer[] = { 0, 0, 10, 0, 10, 10, 0, 10 };
	static const double hole[] = { 2, 2, 2, 5, 5, 5, 5, 2 };
	struct geo_shape s;
	(void)state;
	geo_shape_init(&s);
	ring(&s, outer, 4, 0);
	ring(&s, hole, 4, 1);
	geo_shape_finish(&s);
	assert_true(geo_shape_contains(&s, 1, 1));
	assert_true(geo_shape_contains(&s, 9, 9));
	assert_false(geo_shape_contains(&s, 3, 3)); /* in the hole */
	assert_false(geo_shape_contains(&s, 11, 5));
	assert_false(geo_shape_contains(&s, -1, 5));
	/* centroid: 100 at (5,5) minus 9 at (3.5,3.5) */
	double cx, cy;
	assert_int_equal(geo_shape_centroid(&s, &cx, &cy), 0);
	assert_true(fabs(cx - (500 - 31.5) / 91) < 1e-9);
	assert_true(fabs(cy - (500 - 31.5) / 91) < 1e-9);
	geo_shape_release(&s);
}

static void multipolygon_and_open_ring(void **state)
{
	static const double a[] = { 0, 0, 1, 0, 1, 1, 0, 1 };     /* closed by end_ring */
	static const double b[] = { 5, 5, 6, 5, 6, 6, 5, 6, 5, 5 }; /* already closed */
	struct geo_shape s;
	(void)state;
	geo_shape_init(&s);
	ring(&s, a, 4, 0);
	ring(&s, b, 5, 0);
	geo_shape_finish(&s);
	assert_int_equal(s.npts, 10);
	assert_true(geo_shape_contains(&s, 0.5, 0.5));
	assert_true(geo_shape_contains(&s, 5.5, 5.5));
	assert_false(geo_shape_contains(&s, 3, 3)); /* between the parts, inside the bbox */
	double cx, cy;
	assert_int_equal(geo_shape_centroid(&s, &cx, &cy), 0);
	assert_true(fabs(cx - 3.0) < 1e-9 && fabs(cy - 3.0) < 1e-9);
	/* a point just outside reports a small edge distance */
	double km = geo_shape_edge_distance_km(&s, 1.001, 0.5);
	assert_true(km > 0.05 && km < 0.2);
	geo_shape_release(&s);
}

/* The slab index must agree with a plain ray cast over every edge. */
static int brute(const double *xy, size_t n, double x, double y)
{
	int in = 0;
	for (size_t i = 0, j = n - 1; i < n; j = i++)
		if ((xy[2 * i + 1] > y) != (xy[2 * j + 1] > y) &&
		    x < xy[2 * i] + (y - xy[2 * i + 1]) * (xy[2 * j] - xy[2 * i]) /
				    (xy[2 * j + 1] - xy[2 * i + 1]))
			in = !in;
	return in;
}

static void slab_index_matches_brute_force(void **state)
{
	enum { N = 400 };
	double xy[2 * N];
	struct geo_shape s;
	(void)state;
	srand(7);
	/* a star-shaped polygon with a jagged radius: many concave edges */
	for (int i = 0; i < N; i++) {
		double t = 2 * M_PI * i / N, r = 1 + 0.6 * ((double)rand() / RAND_MAX);
		xy[2 * i] = r * cos(t);
		xy[2 * i + 1] = r * sin(t);
	}
	geo_shape_init(&s);
	ring(&s, xy, N, 0);
	geo_shape_finish(&s);
	assert_true(s.nslabs > 1);
	for (int k = 0; k < 20000; k++) {
		double x = 3.4 * rand() / RAND_MAX - 1.7, y = 3.4 * rand() / RAND_MAX - 1.7;
		if (geo_shape_contains(&s, x, y) != brute(xy, N, x, y))
			fail_msg("disagree at %f %f", x, y);
	}
	geo_shape_release(&s);
}

static void simplify(void **state)
{
	/* a straight line with a kink: only the ends and the kink survive */
	static const double line[] = { 0, 0, 1, 0.0001, 2, 0, 3, 1, 4, 0 };
	uint32_t keep[5];
	(void)state;
	size_t n = geo_simplify(line, 5, 0.01, keep);
	assert_int_equal(n, 4);
	assert_int_equal(keep[0], 0);
	assert_int_equal(keep[1], 2);
	assert_int_equal(keep[2], 3);
	assert_int_equal(keep[3], 4);
	/* tolerance zero keeps everything */
	assert_int_equal(geo_simplify(line, 5, 0, keep), 5);
}

static void locator(void **state)
{
	static const double a[] = { 0, 0, 1, 0, 1, 1, 0, 1 };
	static const double b[] = { 1, 0, 2, 0, 2, 1, 1, 1 };
	struct geo_shape s[2];
	struct geo_locator l;
	(void)state;
	geo_shape_init(&s[0]);
	geo_shape_init(&s[1]);
	ring(&s[0], a, 4, 0);
	ring(&s[1], b, 4, 0);
	geo_shape_finish(&s[0]);
	geo_shape_finish(&s[1]);
	geo_locator_init(&l, s, 2, 0.25);
	assert_int_equal(geo_locator_find(&l, 0.5, 0.5), 0);
	assert_int_equal(geo_locator_find(&l, 1.5, 0.5), 1);
	assert_int_equal(geo_locator_find(&l, 5, 5), -1);
	assert_int_equal(geo_locator_find(&l, -5, -5), -1);
	/* just off the right edge of b: nearest is b, and only within range */
	assert_int_equal(geo_locator_nearest(&l, 2.01, 0.5, 5.0), 1);
	assert_int_equal(geo_locator_nearest(&l, 3, 0.5, 5.0), -1);
	geo_locator_release(&l);
	geo_shape_release(&s[0]);
	geo_shape_release(&s[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(haversine),
		cmocka_unit_test(square_with_hole),
		cmocka_unit_test(multipolygon_and_open_ring),
		cmocka_unit_test(slab_index_matches_brute_force),
		cmocka_unit_test(simplify),
		cmocka_unit_test(locator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
