#include "geo/locator.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void geo_locator_init(struct geo_locator *l, const struct geo_shape *shapes, size_t n,
		      double cell_deg)
{
	double minx = DBL_MAX, miny = DBL_MAX, maxx = -DBL_MAX, maxy = -DBL_MAX;

	memset(l, 0, sizeof(*l));
	l->shapes = shapes;
	l->nshapes = n;
	for (size_t i = 0; i < n; i++) {
		minx = fmin(minx, shapes[i].bbox.minx);
		miny = fmin(miny, shapes[i].bbox.miny);
		maxx = fmax(maxx, shapes[i].bbox.maxx);
		maxy = fmax(maxy, shapes[i].bbox.maxy);
	}
	if (n == 0)
		minx = miny = maxx = maxy = 0;
	l->minx = minx;
	l->miny = miny;
	l->cell = cell_deg;
	l->nx = (uint32_t)((maxx - minx) / cell_deg) + 1;
	l->ny = (uint32_t)((maxy - miny) / cell_deg) + 1;
	size_t ncells = (size_t)l->nx * l->ny;
	l->cell_start = xcalloc(ncells + 1, sizeof(uint32_t));

	for (int pass = 0; pass < 2; pass++) {
		uint32_t *fill = NULL;
		if (pass == 1) {
			for (size_t c = 0; c < ncells; c++)
				l->cell_start[c + 1] += l->cell_start[c];
			l->cell_shapes = xmalloc((l->cell_start[ncells] + 1) * sizeof(uint32_t));
			fill = xmalloc(ncells * sizeof(uint32_t));
			memcpy(fill, l->cell_start, ncells * sizeof(uint32_t));
		}
		for (size_t i = 0; i < n; i++) {
			const struct geo_bbox *b = &shapes[i].bbox;
			uint32_t x0 = (uint32_t)((b->minx - minx) / cell_deg);
			uint32_t x1 = (uint32_t)((b->maxx - minx) / cell_deg);
			uint32_t y0 = (uint32_t)((b->miny - miny) / cell_deg);
			uint32_t y1 = (uint32_t)((b->maxy - miny) / cell_deg);
			for (uint32_t y = y0; y <= y1 && y < l->ny; y++)
				for (uint32_t x = x0; x <= x1 && x < l->nx; x++) {
					size_t c = (size_t)y * l->nx + x;
					if (pass == 0)
						l->cell_start[c + 1]++;
					else
						l->cell_shapes[fill[c]++] = (uint32_t)i;
				}
		}
		free(fill);
	}
}

static long cell_of(const struct geo_locator *l, double x, double y)
{
	if (!(x >= l->minx && y >= l->miny))
		return -1;
	uint32_t cx = (uint32_t)((x - l->minx) / l->cell);
	uint32_t cy = (uint32_t)((y - l->miny) / l->cell);
	if (cx >= l->nx || cy >= l->ny)
		return -1;
	return (long)cy * l->nx + cx;
}

long geo_locator_find(const struct geo_locator *l, double x, double y)
{
	long c = cell_of(l, x, y);

	if (c < 0)
		return -1;
	for (uint32_t j = l->cell_start[c]; j < l->cell_start[c + 1]; j++) {
		uint32_t i = l->cell_shapes[j];
		if (geo_shape_contains(&l->shapes[i], x, y))
			return i;
	}
	return -1;
}

long geo_locator_nearest(const struct geo_locator *l, double x, double y, double max_km)
{
	long best = -1;
	double best_km = max_km;

	/* every shape whose box comes within max_km of the point */
	double dy = max_km / 111.0, dx = dy / fmax(cos(y * M_PI / 180), 0.1);
	for (size_t i = 0; i < l->nshapes; i++) {
		const struct geo_bbox *b = &l->shapes[i].bbox;
		if (x < b->minx - dx || x > b->maxx + dx || y < b->miny - dy || y > b->maxy + dy)
			continue;
		double d = geo_shape_edge_distance_km(&l->shapes[i], x, y);
		if (d <= best_km) {
			best_km = d;
			best = (long)i;
		}
	}
	return best;
}

void geo_locator_release(struct geo_locator *l)
{
	free(l->cell_start);
	free(l->cell_shapes);
	memset(l, 0, sizeof(*l));
}
