/*
 * GeoJSON (RFC 7946) Polygon and MultiPolygon geometries into geo shapes,
 * with every structural error reported rather than skipped.
 */
#ifndef TURNOUT_GEOJSON_H
#define TURNOUT_GEOJSON_H

#include <jansson.h>
#include <stddef.h>

#include "geo/geo.h"

/*
 * Appends the rings of geometry `geom` to s (which the caller inited) and
 * finishes it.  0, or -1 with a reason in err.
 */
int geojson_to_shape(const json_t *geom, struct geo_shape *s, char *err, size_t errlen);

#endif
