#include "geo/geo.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define DEG (M_PI / 180.0)
#define KM_PER_DEG (GEO_EARTH_RADIUS_KM * DEG)

double geo_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
	double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * DEG) * cos(lat2 * DEG) * sin(dlon / 2) * sin(dlon / 2);
	if (a > 1)
		a = 1;
	return 2 * GEO_EARTH_RADIUS_KM * asin(sqrt(a));
}

void geo_shape_init(struct geo_shape *s)
{
	memset(s, 0, sizeof(*s));
}

void geo_shape_begin_ring(struct geo_shape *s, int hole)
{
	xgrow(&s->rings, &s->cap_rings, s->nrings + 1, sizeof(*s->rings));
	s->rings[s->nrings].start = s->npts;
	s->rings[s->nrings].count = 0;
	s->rings[s->nrings].hole = hole;
	s->nrings++;
}

void geo_shape_add_point(struct geo_shape *s, double x, double y)
{
	assert(s->nrings > 0);
	xgrow(&s->pts, &s->cap_pts, 2 * (s->npts + 1), sizeof(*s->pts));
	s->pts[2 * s->npts] = x;
	s->pts[2 * s->npts + 1] = y;
	s->npts++;
	s->rings[s->nrings - 1].count++;
}

int geo_shape_end_ring(struct geo_shape *s)
{
	struct geo_ring *r = &s->rings[s->nrings - 1];
	const double *first = s->pts + 2 * r->start;
	const double *last = s->pts + 2 * (s->npts - 1);

	if (r->count > 0 && (first[0] != last[0] || first[1] != last[1]))
		geo_shape_add_point(s, first[0], first[1]);
	return r->count >= 4 ? 0 : -1;
}

void geo_shape_finish(struct geo_shape *s)
{
	struct geo_bbox b = { DBL_MAX, DBL_MAX, -DBL_MAX, -DBL_MAX };
	size_t nedges = 0;

	for (size_t i = 0; i < s->npts; i++) {
		double x = s->pts[2 * i], y = s->pts[2 * i + 1];
		b.minx = fmin(b.minx, x);
		b.maxx = fmax(b.maxx, x);
		b.miny = fmin(b.miny, y);
		b.maxy = fmax(b.maxy, y);
	}
	s->bbox = b;
	for (size_t r = 0; r < s->nrings; r++)
		nedges += s->rings[r].count ? s->rings[r].count - 1 : 0;

	/* about 16 edges a slab: a ray cast then touches a few dozen edges */
	uint32_t nslabs = (uint32_t)(nedges / 16 + 1);
	if (nslabs > 4096)
		nslabs = 4096;
	double h = (b.maxy - b.miny) / nslabs;
	if (!(h > 0))
		h = 1;
	s->nslabs = nslabs;
	s->slab_start = xcalloc(nslabs + 1, sizeof(uint32_t));

	/* two passes: count per slab, then fill */
	for (int pass = 0; pass < 2; pass++) {
		uint32_t *fill = NULL;
		if (pass == 1) {
			for (uint32_t k = 0; k < nslabs; k++)
				s->slab_start[k + 1] += s->slab_start[k];
			s->slab_edges = xmalloc((s->slab_start[nslabs] + 1) * sizeof(uint32_t));
			fill = xmalloc(nslabs * sizeof(uint32_t));
			memcpy(fill, s->slab_start, nslabs * sizeof(uint32_t));
		}
		for (size_t r = 0; r < s->nrings; r++) {
			const struct geo_ring *rg = &s->rings[r];
			for (size_t i = rg->start; i + 1 < rg->start + rg->count; i++) {
				double y1 = s->pts[2 * i + 1], y2 = s->pts[2 * i + 3];
				long lo = (long)((fmin(y1, y2) - b.miny) / h);
				long hi = (long)((fmax(y1, y2) - b.miny) / h);
				if (lo < 0)
					lo = 0;
				if (hi >= (long)nslabs)
					hi = nslabs - 1;
				for (long k = lo; k <= hi; k++) {
					if (pass == 0)
						s->slab_start[k + 1]++;
					else
						s->slab_edges[fill[k]++] = (uint32_t)i;
				}
			}
		}
		free(fill);
	}
}

int geo_shape_contains(const struct geo_shape *s, double x, double y)
{
	const struct geo_bbox *b = &s->bbox;
	int inside = 0;

	if (x < b->minx || x > b->maxx || y < b->miny || y > b->maxy || !s->nslabs)
		return 0;
	double h = (b->maxy - b->miny) / s->nslabs;
	long k = h > 0 ? (long)((y - b->miny) / h) : 0;
	if (k >= (long)s->nslabs)
		k = s->nslabs - 1;
	for (uint32_t j = s->slab_start[k]; j < s->slab_start[k + 1]; j++) {
		const double *p = s->pts + 2 * s->slab_edges[j];
		double x1 = p[0], y1 = p[1], x2 = p[2], y2 = p[3];
		if ((y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1))
			inside = !inside;
	}
	return inside;
}

int geo_shape_centroid(const struct geo_shape *s, double *cx, double *cy)
{
	double total = 0, sx = 0, sy = 0;

	/* Affine maps keep centroids, so plain lon/lat gives the same point as
	 * any local equirectangular projection. */
	for (size_t r = 0; r < s->nrings; r++) {
		const struct geo_ring *rg = &s->rings[r];
		double a = 0, x = 0, y = 0;
		for (size_t i = rg->start; i + 1 < rg->start + rg->count; i++) {
			const double *p = s->pts + 2 * i;
			double cr = p[0] * p[3] - p[2] * p[1];
			a += cr;
			x += (p[0] + p[2]) * cr;
			y += (p[1] + p[3]) * cr;
		}
		if (a == 0)
			continue;
		/* ring centroid, weighted by its area: holes take theirs away */
		double gx = x / (3 * a), gy = y / (3 * a);
		double w = fabs(a / 2) * (rg->hole ? -1 : 1);
		total += w;
		sx += gx * w;
		sy += gy * w;
	}
	if (!(total > 0))
		return -1;
	*cx = sx / total;
	*cy = sy / total;
	return 0;
}

static double seg_dist2(double px, double py, double x1, double y1, double x2, double y2)
{
	double dx = x2 - x1, dy = y2 - y1;
	double len2 = dx * dx + dy * dy;
	double t = len2 > 0 ? ((px - x1) * dx + (py - y1) * dy) / len2 : 0;
	if (t < 0)
		t = 0;
	else if (t > 1)
		t = 1;
	double ex = x1 + t * dx - px, ey = y1 + t * dy - py;
	return ex * ex + ey * ey;
}

double geo_shape_edge_distance_km(const struct geo_shape *s, double x, double y)
{
	double k = cos(y * DEG), best = DBL_MAX;

	for (size_t r = 0; r < s->nrings; r++) {
		const struct geo_ring *rg = &s->rings[r];
		for (size_t i = rg->start; i + 1 < rg->start + rg->count; i++) {
			const double *p = s->pts + 2 * i;
			double d = seg_dist2(x * k, y, p[0] * k, p[1], p[2] * k, p[3]);
			if (d < best)
				best = d;
		}
	}
	return best == DBL_MAX ? DBL_MAX : sqrt(best) * KM_PER_DEG;
}

void geo_shape_release(struct geo_shape *s)
{
	free(s->pts);
	free(s->rings);
	free(s->slab_start);
	free(s->slab_edges);
	geo_shape_init(s);
}

size_t geo_simplify(const double *pts, size_t n, double tol, uint32_t *out)
{
	if (n < 3) {
		for (size_t i = 0; i < n; i++)
			out[i] = (uint32_t)i;
		return n;
	}
	unsigned char *keep = xcalloc(n, 1);
	size_t *stack = xmalloc(2 * n * sizeof(size_t));
	size_t top = 0, m = 0;
	double tol2 = tol * tol;

	keep[0] = keep[n - 1] = 1;
	stack[top++] = 0;
	stack[top++] = n - 1;
	while (top) {
		size_t hi = stack[--top], lo = stack[--top];
		double worst = -1;
		size_t at = lo;
		for (size_t i = lo + 1; i < hi; i++) {
			double d = seg_dist2(pts[2 * i], pts[2 * i + 1], pts[2 * lo],
					     pts[2 * lo + 1], pts[2 * hi], pts[2 * hi + 1]);
			if (d > worst) {
				worst = d;
				at = i;
			}
		}
		if (worst > tol2) {
			keep[at] = 1;
			stack[top++] = lo;
			stack[top++] = at;
			stack[top++] = at;
			stack[top++] = hi;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			out[m++] = (uint32_t)i;
	free(keep);
	free(stack);
	return m;
}
