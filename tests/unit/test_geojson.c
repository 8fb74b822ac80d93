/* GeoJSON geometries: accepted shapes and every structural error. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "geo/geojson.h"

static int load(const char *text, char *err, size_t errlen, struct geo_shape *s)
{
	json_t *g = json_loads(text, 0, NULL);
	assert_non_null(g);
	geo_shape_init(s);
	int rc = geojson_to_shape(g, s, err, errlen);
	json_decref(g);
	return rc;
}

static void good(void **state)
{
	struct geo_shape s;
	char err[128];
	(void)state;
	assert_int_equal(load("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[2,0],[2,2],[0,2],"
			      "[0,0]],[[0.5,0.5],[0.5,1],[1,1],[1,0.5],[0.5,0.5]]],[[[5,5],[6,5],"
			      "[6,6],[5,5]]]]}",
			      err, sizeof(err), &s),
			 0);
	assert_int_equal(s.nrings, 3);
	assert_true(s.rings[1].hole);
	assert_false(s.rings[2].hole);
	assert_true(geo_shape_contains(&s, 1.5, 1.5));
	assert_false(geo_shape_contains(&s, 0.75, 0.75));
	geo_shape_release(&s);
}

static void bad(void **state)
{
	static const struct {
		const char *json, *why;
	} cases[] = {
		{ "{\"coordinates\":[]}", "no type" },
		{ "{\"type\":\"Point\",\"coordinates\":[0,0]}", "not Polygon" },
		{ "{\"type\":\"Polygon\"}", "no coordinates" },
		{ "{\"type\":\"Polygon\",\"coordinates\":[]}", "at least one ring" },
		{ "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}", "4 positions" },
		{ "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,\"x\"],[1,1],[0,0]]]}",
		  "not [lon, lat]" },
		{ "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,95],[0,0]]]}",
		  "outside lon/lat" },
		{ "{\"type\":\"MultiPolygon\",\"coordinates\":[]}", "at least one polygon" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct geo_shape s;
		char err[128] = "";
		assert_int_equal(load(cases[i].json, err, sizeof(err), &s), -1);
		if (!strstr(err, cases[i].why))
			fail_msg("case %zu: error \"%s\" lacks \"%s\"", i, err, cases[i].why);
		geo_shape_release(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
