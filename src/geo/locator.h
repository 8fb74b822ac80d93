/*
 * Which of a set of shapes contains a point: a uniform grid of candidate
 * lists over the shapes' bounding boxes, then an exact point-in-shape test.
 * Built once (import time), queried millions of times; pure, no I/O.
 */
#ifndef TURNOUT_LOCATOR_H
#define TURNOUT_LOCATOR_H

#include <stddef.h>
#include <stdint.h>

#include "geo/geo.h"

struct geo_locator {
	const struct geo_shape *shapes; /* borrowed */
	size_t nshapes;
	double minx, miny, cell;
	uint32_t nx, ny;
	uint32_t *cell_start; /* nx * ny + 1 offsets into cell_shapes */
	uint32_t *cell_shapes;
};

void geo_locator_init(struct geo_locator *l, const struct geo_shape *shapes, size_t n,
		      double cell_deg);
/* Index of a shape containing (x, y), or -1. */
long geo_locator_find(const struct geo_locator *l, double x, double y);
/*
 * Index of the shape whose edge is nearest (x, y) within max_km, or -1:
 * for points just off a generalised coastline.
 */
long geo_locator_nearest(const struct geo_locator *l, double x, double y, double max_km);
void geo_locator_release(struct geo_locator *l);

#endif
