/* Grid to latitude/longitude, against Ordnance Survey's published example. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "geo/osgb.h"

static double dms(double d, double m, double s) { return d + m / 60 + s / 3600; }

/* OS "A guide to coordinate systems in Great Britain", annex C.2:
 * E 651409.903, N 313177.270 -> 52°39'27.2531"N, 1°43'4.5177"E (OSGB36). */
static void os_worked_example(void **state)
{
	double lat, lon;
	(void)state;
	osgb_grid_to_osgb36(651409.903, 313177.270, &lat, &lon);
	/* the published figures are to 1e-4 arc-seconds */
	assert_true(fabs(lat - dms(52, 39, 27.2531)) * 3600 < 0.0002);
	assert_true(fabs(lon - dms(1, 43, 4.5177)) * 3600 < 0.0002);
}

static void true_origin(void **state)
{
	double lat, lon;
	(void)state;
	/* the National Grid's true origin is 49°N 2°W at E 400000, N -100000 */
	osgb_grid_to_osgb36(400000, -100000, &lat, &lon);
	assert_true(fabs(lat - 49.0) < 1e-9);
	assert_true(fabs(lon + 2.0) < 1e-9);
}

static void helmert_to_wgs84(void **state)
{
	double lat, lon;
	(void)state;
	/* SW1A 1AA (Buckingham Palace), grid 529090 179645: WGS84 51.501009,
	 * -0.141588 as published by ONS/postcodes.io, to about a metre */
	osgb_grid_to_wgs84(529090, 179645, &lat, &lon);
	assert_true(fabs(lat - 51.501009) < 1e-5);
	assert_true(fabs(lon + 0.141588) < 1e-5);
	/* the datum shift itself is ~100 m here: OSGB36 must differ from WGS84 */
	double olat, olon;
	osgb_grid_to_osgb36(529090, 179645, &olat, &olon);
	assert_true(fabs(olon - lon) > 0.001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(os_worked_example),
		cmocka_unit_test(true_origin),
		cmocka_unit_test(helmert_to_wgs84),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
