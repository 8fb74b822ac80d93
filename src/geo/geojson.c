#include "geo/geojson.h"

#include <stdio.h>
#include <string.h>

static int add_ring(const json_t *ring, struct geo_shape *s, int hole, char *err,
		    size_t errlen)
{
	size_t i;
	const json_t *pos;

	if (!json_is_array(ring) || json_array_size(ring) < 4) {
		snprintf(err, errlen, "a ring needs at least 4 positions");
		return -1;
	}
	geo_shape_begin_ring(s, hole);
	json_array_foreach(ring, i, pos) {
		const json_t *x = json_array_get(pos, 0), *y = json_array_get(pos, 1);
		if (!json_is_array(pos) || json_array_size(pos) < 2 || !json_is_number(x) ||
		    !json_is_number(y)) {
			snprintf(err, errlen, "position %zu is not [lon, lat]", i);
			return -1;
		}
		double lon = json_number_value(x), lat = json_number_value(y);
		if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
			snprintf(err, errlen, "position %zu is outside lon/lat range", i);
			return -1;
		}
		geo_shape_add_point(s, lon, lat);
	}
	if (geo_shape_end_ring(s)) {
		snprintf(err, errlen, "a ring needs at least 4 positions");
		return -1;
	}
	return 0;
}

static int add_polygon(const json_t *poly, struct geo_shape *s, char *err, size_t errlen)
{
	size_t i;
	const json_t *ring;

	if (!json_is_array(poly) || json_array_size(poly) == 0) {
		snprintf(err, errlen, "a polygon needs at least one ring");
		return -1;
	}
	json_array_foreach(poly, i, ring) {
		if (add_ring(ring, s, i > 0, err, errlen))
			return -1;
	}
	return 0;
}

int geojson_to_shape(const json_t *geom, struct geo_shape *s, char *err, size_t errlen)
{
	const char *type = json_string_value(json_object_get(geom, "type"));
	const json_t *coords = json_object_get(geom, "coordinates");
	size_t i;
	const json_t *poly;

	if (!json_is_object(geom) || !type) {
		snprintf(err, errlen, "geometry has no type");
		return -1;
	}
	if (!json_is_array(coords)) {
		snprintf(err, errlen, "geometry has no coordinates array");
		return -1;
	}
	if (strcmp(type, "Polygon") == 0) {
		if (add_polygon(coords, s, err, errlen))
			return -1;
	} else if (strcmp(type, "MultiPolygon") == 0) {
		if (json_array_size(coords) == 0) {
			snprintf(err, errlen, "a MultiPolygon needs at least one polygon");
			return -1;
		}
		json_array_foreach(coords, i, poly) {
			if (add_polygon(poly, s, err, errlen))
				return -1;
		}
	} else {
		snprintf(err, errlen, "geometry type %.32s is not Polygon or MultiPolygon", type);
		return -1;
	}
	geo_shape_finish(s);
	return 0;
}
