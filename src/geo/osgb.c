#include "geo/osgb.h"

#include <math.h>

#define DEG (M_PI / 180.0)

/* Airy 1830 ellipsoid and the National Grid's true origin (OS guide, table A1). */
static const double AIRY_A = 6377563.396, AIRY_B = 6356256.909;
static const double F0 = 0.9996012717;
static const double LAT0 = 49.0 * DEG, LON0 = -2.0 * DEG;
static const double E0 = 400000.0, N0 = -100000.0;
/* GRS80, which WGS84 matches to well under a millimetre here. */
static const double WGS_A = 6378137.0, WGS_B = 6356752.3141;

static double meridional_arc(double lat)
{
	const double n = (AIRY_A - AIRY_B) / (AIRY_A + AIRY_B);
	const double n2 = n * n, n3 = n2 * n;
	const double d = lat - LAT0, s = lat + LAT0;

	return AIRY_B * F0 *
	       ((1 + n + 1.25 * n2 + 1.25 * n3) * d -
		(3 * n + 3 * n2 + 21.0 / 8 * n3) * sin(d) * cos(s) +
		(15.0 / 8 * n2 + 15.0 / 8 * n3) * sin(2 * d) * cos(2 * s) -
		35.0 / 24 * n3 * sin(3 * d) * cos(3 * s));
}

void osgb_grid_to_osgb36(double e, double n, double *lat, double *lon)
{
	const double e2 = 1 - (AIRY_B * AIRY_B) / (AIRY_A * AIRY_A);
	double phi = (n - N0) / (AIRY_A * F0) + LAT0;
	double m = meridional_arc(phi);

	/* iterate until the arc matches the northing to 0.01 mm (OS C.1) */
	for (int i = 0; i < 100 && fabs(n - N0 - m) >= 0.00001; i++) {
		phi += (n - N0 - m) / (AIRY_A * F0);
		m = meridional_arc(phi);
	}

	const double s = sin(phi), c = cos(phi), t = tan(phi);
	const double t2 = t * t, t4 = t2 * t2, t6 = t4 * t2;
	const double nu = AIRY_A * F0 / sqrt(1 - e2 * s * s);
	const double rho = AIRY_A * F0 * (1 - e2) * pow(1 - e2 * s * s, -1.5);
	const double eta2 = nu / rho - 1;
	const double sec = 1 / c;
	const double nu3 = nu * nu * nu, nu5 = nu3 * nu * nu, nu7 = nu5 * nu * nu;

	const double VII = t / (2 * rho * nu);
	const double VIII = t / (24 * rho * nu3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2);
	const double IX = t / (720 * rho * nu5) * (61 + 90 * t2 + 45 * t4);
	const double X = sec / nu;
	const double XI = sec / (6 * nu3) * (nu / rho + 2 * t2);
	const double XII = sec / (120 * nu5) * (5 + 28 * t2 + 24 * t4);
	const double XIIA = sec / (5040 * nu7) * (61 + 662 * t2 + 1320 * t4 + 720 * t6);

	const double de = e - E0, de2 = de * de, de3 = de2 * de;
	const double de4 = de2 * de2, de5 = de4 * de, de6 = de4 * de2, de7 = de6 * de;

	*lat = (phi - VII * de2 + VIII * de4 - IX * de6) / DEG;
	*lon = (LON0 + X * de - XI * de3 + XII * de5 - XIIA * de7) / DEG;
}

void osgb_osgb36_to_wgs84(double lat, double lon, double *wlat, double *wlon)
{
	/* OSGB36 -> WGS84: the OS guide's WGS84 -> OSGB36 parameters negated */
	const double tx = 446.448, ty = -125.157, tz = 542.060;
	const double sc = -20.4894e-6;
	const double rx = 0.1502 / 3600 * DEG, ry = 0.2470 / 3600 * DEG,
		     rz = 0.8421 / 3600 * DEG;
	const double ea2 = 1 - (AIRY_B * AIRY_B) / (AIRY_A * AIRY_A);
	const double ew2 = 1 - (WGS_B * WGS_B) / (WGS_A * WGS_A);

	double phi = lat * DEG, lam = lon * DEG;
	double s = sin(phi), c = cos(phi);
	double nu = AIRY_A / sqrt(1 - ea2 * s * s);
	double x = nu * c * cos(lam), y = nu * c * sin(lam), z = (1 - ea2) * nu * s;

	double x2 = tx + (1 + sc) * x - rz * y + ry * z;
	double y2 = ty + rz * x + (1 + sc) * y - rx * z;
	double z2 = tz - ry * x + rx * y + (1 + sc) * z;

	double p = sqrt(x2 * x2 + y2 * y2);
	phi = atan2(z2, p * (1 - ew2));
	for (int i = 0; i < 10; i++) {
		s = sin(phi);
		nu = WGS_A / sqrt(1 - ew2 * s * s);
		phi = atan2(z2 + ew2 * nu * s, p);
	}
	*wlat = phi / DEG;
	*wlon = atan2(y2, x2) / DEG;
}

void osgb_grid_to_wgs84(double e, double n, double *lat, double *lon)
{
	double la, lo;
	osgb_grid_to_osgb36(e, n, &la, &lo);
	osgb_osgb36_to_wgs84(la, lo, lat, lon);
}
