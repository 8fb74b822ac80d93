/*
 * Plane and sphere geometry on longitude/latitude degrees.  Pure: no I/O,
 * no allocation outside the structures passed in.
 */
#ifndef TURNOUT_GEO_H
#define TURNOUT_GEO_H

#include <stddef.h>
#include <stdint.h>

#define GEO_EARTH_RADIUS_KM 6371.0088 /* IUGG mean radius */

/* Great-circle distance in kilometres between two lat/lon points. */
double geo_haversine_km(double lat1, double lon1, double lat2, double lon2);

struct geo_bbox {
	double minx, miny, maxx, maxy; /* lon, lat */
};

/*
 * A shape: one or more polygons, each an outer ring and its holes, all rings
 * flattened into one point list.  Point-in-shape uses the even-odd rule over
 * every ring, which is right for holes and for multipolygons alike.
 */
struct geo_ring {
	size_t start, count; /* into pts, in points; closed (first == last) */
	int hole;
};

struct geo_shape {
	double *pts; /* x0, y0, x1, y1, ... */
	size_t npts, cap_pts;
	struct geo_ring *rings;
	size_t nrings, cap_rings;
	struct geo_bbox bbox;
	/* horizontal-slab edge index: a ray cast at y looks at one slab only */
	uint32_t nslabs;
	uint32_t *slab_start; /* nslabs + 1 offsets into slab_edges */
	uint32_t *slab_edges; /* index of an edge's first point in pts */
};

void geo_shape_init(struct geo_shape *s);
/* Starts a new ring; points follow with geo_shape_add_point(). */
void geo_shape_begin_ring(struct geo_shape *s, int hole);
void geo_shape_add_point(struct geo_shape *s, double x, double y);
/* Closes the open ring if needed; -1 if it has fewer than 4 points. */
int geo_shape_end_ring(struct geo_shape *s);
/* Computes bbox and the slab index; call once after the last ring. */
void geo_shape_finish(struct geo_shape *s);
int geo_shape_contains(const struct geo_shape *s, double x, double y);
/* Area-weighted centroid over all parts, holes subtracted; 0 or -1 when
 * the shape has no area. */
int geo_shape_centroid(const struct geo_shape *s, double *cx, double *cy);
/* Smallest distance (km, approximate) from a point to any edge. */
double geo_shape_edge_distance_km(const struct geo_shape *s, double x, double y);
void geo_shape_release(struct geo_shape *s);

/*
 * Douglas-Peucker: writes to out the indices of the points of ring
 * pts[0..n) kept at tolerance tol (degrees); returns how many (>= 2 when
 * n >= 2).  out must hold n entries.
 */
size_t geo_simplify(const double *pts, size_t n, double tol, uint32_t *out);

#endif
