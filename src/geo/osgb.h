/*
 * Ordnance Survey National Grid (OSGB36, Airy 1830) to WGS84, after OS
 * "A guide to coordinate systems in Great Britain": inverse Transverse
 * Mercator (annex C) then a seven-parameter Helmert transform, good to a
 * few metres.  Pure functions, no I/O.
 */
#ifndef TURNOUT_OSGB_H
#define TURNOUT_OSGB_H

/* Grid eastings/northings (metres) to OSGB36 latitude/longitude (degrees). */
void osgb_grid_to_osgb36(double e, double n, double *lat, double *lon);
/* OSGB36 latitude/longitude (degrees, height 0) to WGS84 (degrees). */
void osgb_osgb36_to_wgs84(double lat, double lon, double *wlat, double *wlon);
/* Both steps: grid to WGS84 latitude/longitude. */
void osgb_grid_to_wgs84(double e, double n, double *lat, double *lon);

#endif
