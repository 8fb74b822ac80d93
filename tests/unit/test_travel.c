/*
 * Travel over land on a synthetic world: two coasts with a channel between
 * them, joined only far to the north, and what a crossing, an island and a
 * narrow strait do to the distances.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "geo/travel.h"

static const struct geo_bbox world = { 0, 50, 2, 51 }; /* lon 0-2, lat 50-51 */

/* Land but for a channel at lon 0.9-1.1 south of lat 50.9; ctx non-NULL
 * adds an island at lat 50.40-50.50, lon 0.97-1.03. */
static int two_coasts(const void *ctx, double lat, double lon)
{
	if (ctx && lat > 50.40 && lat < 50.50 && lon > 0.97 && lon < 1.03)
		return 1;
	return !(lon > 0.9 && lon < 1.1 && lat < 50.9);
}

/* Land but for a strait 350 m wide at lon 0.980-0.985. */
static int strait(const void *ctx, double lat, double lon)
{
	(void)ctx;
	(void)lat;
	return !(lon > 0.980 && lon < 0.985);
}

static double road(const struct travel_graph *t, double lat0, double lon0, double lat1, double lon1)
{
	struct travel_work w = { 0 };
	uint16_t *f = malloc(t->g->nland * sizeof(*f));
	double km0, km1;
	long a = travel_locate(t->g, lat0, lon0, &km0), b = travel_locate(t->g, lat1, lon1, &km1);
	assert_true(a >= 0 && b >= 0);
	travel_field(t, (uint32_t)a, km0, &w, f);
	double r = travel_road_km(f, b, km1, 0);
	free(f);
	travel_work_release(&w);
	return r;
}

static void around_the_channel(void **state)
{
	struct travel_grid g;
	struct travel_graph t;
	double km;
	(void)state;

	assert_int_equal(travel_grid_build(&g, &world, 2.0, two_coasts, NULL), 0);
	assert_true(g.nland > 1000);
	/* mid-channel is 7 km from land: it joins nothing */
	assert_int_equal(travel_locate(&g, 50.3, 1.0, &km), -1);
	/* off the grid */
	assert_int_equal(travel_locate(&g, 49.0, 1.0, &km), -1);
	travel_graph_build(&t, &g, two_coasts, NULL);
	assert_int_equal(travel_graph_seal(&t, 0, 30), 0);
	/* 71 km apart in a straight line; by land up to lat 50.9 and back,
	 * 2 x 78 km and the 14 km across, before the road factor */
	double straight = geo_haversine_km(50.2, 0.5, 50.2, 1.5);
	double by_land = road(&t, 50.2, 0.5, 50.2, 1.5);
	assert_true(straight > 70 && straight < 72);
	assert_true(by_land > 160 * TRAVEL_ROAD_FACTOR);
	assert_true(by_land < 200 * TRAVEL_ROAD_FACTOR);
	/* a bridge across: the journey is the straight line again, near enough */
	long a = travel_snap(&g, 50.2, 0.89, two_coasts, NULL, &km);
	long b = travel_snap(&g, 50.2, 1.11, two_coasts, NULL, &km);
	assert_true(a >= 0 && b >= 0 && a != b);
	travel_graph_add(&t, (uint32_t)a, (uint32_t)b, 14.5);
	assert_int_equal(travel_graph_seal(&t, 0, 30), 0);
	double bridged = road(&t, 50.2, 0.5, 50.2, 1.5);
	assert_true(bridged < 80 * TRAVEL_ROAD_FACTOR);
	assert_true(bridged >= straight);
	travel_graph_release(&t);
	travel_grid_release(&g);
}

static void an_island_joined_by_boat(void **state)
{
	struct travel_grid g;
	struct travel_graph t;
	struct travel_work w = { 0 };
	double km;
	const int with_island = 1;
	(void)state;

	assert_int_equal(travel_grid_build(&g, &world, 2.0, two_coasts, &with_island), 0);
	travel_graph_build(&t, &g, two_coasts, &with_island);
	long island = travel_locate(&g, 50.45, 1.0, &km);
	assert_true(island >= 0);
	long home = travel_locate(&g, 50.45, 0.5, &km);
	uint16_t *f = malloc(g.nland * sizeof(*f));
	/* no step reaches the island: sealing joins it, and only it */
	assert_int_equal(travel_graph_seal(&t, (uint32_t)home, 30), 1);
	travel_field(&t, (uint32_t)home, 0, &w, f);
	assert_int_not_equal(f[island], TRAVEL_UNREACHED);
	/* 0.5 to 0.97 is 33 km; the boat adds its 30 km wait */
	assert_true(f[island] * TRAVEL_UNIT_KM > 33 + 30);
	assert_true(f[island] * TRAVEL_UNIT_KM < 33 + 30 + 8);
	free(f);
	travel_work_release(&w);
	travel_graph_release(&t);
	travel_grid_release(&g);
}

static void snap_stays_on_its_bank(void **state)
{
	struct travel_grid g;
	double km;
	(void)state;

	assert_int_equal(travel_grid_build(&g, &world, 2.0, strait, NULL), 0);
	/* just east of the strait: the nearest cell centre is across it, the
	 * one reached over land is east */
	double lat = 50.5, lon = 0.986, clat, clon;
	long at = travel_snap(&g, lat, lon, strait, NULL, &km);
	assert_true(at >= 0);
	travel_cell_centre(&g, (uint32_t)at, &clat, &clon);
	assert_true(clon > 0.985);
	assert_true(km > 0 && km < 2.0);
	/* and a point in the water moves to land first */
	at = travel_snap(&g, lat, 0.9835, strait, NULL, &km);
	assert_true(at >= 0);
	travel_grid_release(&g);
}

static void stored_and_loaded(void **state)
{
	struct travel_grid g, back;
	double km1, km2;
	(void)state;

	assert_int_equal(travel_grid_build(&g, &world, 2.0, two_coasts, NULL), 0);
	size_t len = travel_grid_bits_len(&g), n = (size_t)g.rows * g.cols;
	uint8_t *bits = malloc(len);
	travel_grid_bits(&g, bits);
	assert_int_equal(travel_grid_from_bits(&back, g.lat0, g.lon0, g.dlat, g.dlon, g.rows,
					       g.cols, bits, len, g.join, n * 4),
			 0);
	assert_int_equal(back.nland, g.nland);
	assert_memory_equal(back.land, g.land, n * sizeof(*g.land));
	assert_int_equal(travel_locate(&back, 50.2, 0.5, &km1), travel_locate(&g, 50.2, 0.5, &km2));
	travel_grid_release(&back);
	/* sizes that disagree, and a join naming no land cell, are refused */
	assert_int_equal(travel_grid_from_bits(&back, g.lat0, g.lon0, g.dlat, g.dlon, g.rows,
					       g.cols, bits, len - 1, g.join, n * 4),
			 -1);
	assert_int_equal(travel_grid_from_bits(&back, g.lat0, g.lon0, g.dlat, g.dlon, g.rows,
					       g.cols, bits, len, g.join, n * 4 - 4),
			 -1);
	g.join[0] = (int32_t)g.nland;
	assert_int_equal(travel_grid_from_bits(&back, g.lat0, g.lon0, g.dlat, g.dlon, g.rows,
					       g.cols, bits, len, g.join, n * 4),
			 -1);
	assert_int_equal(travel_grid_from_bits(&back, g.lat0, g.lon0, g.dlat, g.dlon, 0, g.cols,
					       bits, len, g.join, n * 4),
			 -1);
	free(bits);
	travel_grid_release(&g);
	/* an empty box, and one needing too many cells */
	assert_int_equal(
	    travel_grid_build(&g, &(struct geo_bbox){ 1, 50, 1, 51 }, 2.0, two_coasts, NULL), -1);
	assert_int_equal(
	    travel_grid_build(&g, &(struct geo_bbox){ -180, -80, 180, 80 }, 0.1, two_coasts, NULL),
	    -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(around_the_channel),
		cmocka_unit_test(an_island_joined_by_boat),
		cmocka_unit_test(snap_stays_on_its_bank),
		cmocka_unit_test(stored_and_loaded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
