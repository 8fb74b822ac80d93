#include "geo/travel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define KM_PER_DEG (GEO_EARTH_RADIUS_KM * M_PI / 180.0)
#define MAX_CELLS  (1u << 24)

/* The eight steps, counter-clockwise from east; step k + 4 undoes step k. */
static const int step_dr[8] = { 0, 1, 1, 1, 0, -1, -1, -1 };
static const int step_dc[8] = { 1, 1, 0, -1, -1, -1, 0, 1 };

static void centre_of(const struct travel_grid *g, uint32_t row, uint32_t col, double *lat,
		      double *lon)
{
	*lat = g->lat0 + ((double)row + 0.5) * g->dlat;
	*lon = g->lon0 + ((double)col + 0.5) * g->dlon;
}

static void index_land(struct travel_grid *g)
{
	size_t n = (size_t)g->rows * g->cols;

	g->nland = 0;
	for (size_t i = 0; i < n; i++)
		if (g->land[i] >= 0)
			g->nland++;
	g->cell = xmalloc((g->nland ? g->nland : 1) * sizeof(*g->cell));
	for (size_t i = 0, k = 0; i < n; i++)
		if (g->land[i] >= 0) {
			g->land[i] = (int32_t)k;
			g->cell[k++] = (uint32_t)i;
		}
}

static int over_land(travel_land_fn is_land, const void *ctx, double lat, double lon, double lat2,
		     double lon2, double km)
{
	int n = (int)ceil(km / 0.25);

	for (int i = 1; i < n; i++) {
		double f = (double)i / n;
		if (!is_land(ctx, lat + f * (lat2 - lat), lon + f * (lon2 - lon)))
			return 0;
	}
	return 1;
}

/* The nearest land within half a cell's diagonal of (lat, lon), searched in
 * 16 directions every 250 m: 1 with it in *olat, *olon, or 0. */
static int land_near(const struct travel_grid *g, double lat, double lon, travel_land_fn is_land,
		     const void *ctx, double *olat, double *olon)
{
	double ns = g->dlat * KM_PER_DEG, ew = g->dlon * KM_PER_DEG * cos(lat * M_PI / 180);
	double reach = sqrt(ns * ns + ew * ew) / 2;

	for (double d = 0.25; d <= reach; d += 0.25)
		for (int k = 0; k < 16; k++) {
			double a = k * M_PI / 8, dlat = d * sin(a) / KM_PER_DEG;
			double dlon = d * cos(a) / (KM_PER_DEG * cos(lat * M_PI / 180));
			if (is_land(ctx, lat + dlat, lon + dlon)) {
				*olat = lat + dlat;
				*olon = lon + dlon;
				return 1;
			}
		}
	return 0;
}

static int land_around(const struct travel_grid *g, uint32_t row, uint32_t col)
{
	for (long r = (long)row - 2; r <= (long)row + 2; r++)
		for (long c = (long)col - 2; c <= (long)col + 2; c++)
			if (r >= 0 && c >= 0 && r < (long)g->rows && c < (long)g->cols &&
			    g->land[(size_t)r * g->cols + (size_t)c] >= 0)
				return 1;
	return 0;
}

int travel_grid_build(struct travel_grid *g, const struct geo_bbox *bb, double cell_km,
		      travel_land_fn is_land, const void *ctx)
{
	double mid = (bb->miny + bb->maxy) / 2, rows, cols;

	memset(g, 0, sizeof(*g));
	if (!(bb->maxx > bb->minx && bb->maxy > bb->miny && cell_km > 0))
		return -1;
	g->dlat = cell_km / KM_PER_DEG;
	g->dlon = cell_km / (KM_PER_DEG * cos(mid * M_PI / 180));
	rows = ceil((bb->maxy - bb->miny) / g->dlat);
	cols = ceil((bb->maxx - bb->minx) / g->dlon);
	if (rows * cols > MAX_CELLS)
		return -1;
	g->lat0 = bb->miny;
	g->lon0 = bb->minx;
	g->rows = (uint32_t)rows;
	g->cols = (uint32_t)cols;
	g->land = xmalloc((size_t)g->rows * g->cols * sizeof(*g->land));
	for (uint32_t r = 0; r < g->rows; r++)
		for (uint32_t c = 0; c < g->cols; c++) {
			double lat, lon;
			centre_of(g, r, c, &lat, &lon);
			g->land[(size_t)r * g->cols + c] = is_land(ctx, lat, lon) ? 0 : -1;
		}
	index_land(g);
	/* a cell at sea joins the land nearest its centre, when there is some
	 * within half a diagonal (so inside the cell); open sea, with no land
	 * cell two cells around, is not searched */
	g->join = xmalloc((size_t)g->rows * g->cols * sizeof(*g->join));
	for (uint32_t r = 0; r < g->rows; r++)
		for (uint32_t c = 0; c < g->cols; c++) {
			size_t i = (size_t)r * g->cols + c;
			double lat, lon, km;
			centre_of(g, r, c, &lat, &lon);
			if (g->land[i] >= 0)
				g->join[i] = g->land[i];
			else if (!land_around(g, r, c))
				g->join[i] = -1;
			else
				g->join[i] = (int32_t)travel_snap(g, lat, lon, is_land, ctx, &km);
		}
	return 0;
}

size_t travel_grid_bits_len(const struct travel_grid *g)
{
	return ((size_t)g->rows * g->cols + 7) / 8;
}

void travel_grid_bits(const struct travel_grid *g, uint8_t *out)
{
	size_t n = (size_t)g->rows * g->cols;

	memset(out, 0, travel_grid_bits_len(g));
	for (size_t i = 0; i < n; i++)
		if (g->land[i] >= 0)
			out[i / 8] |= (uint8_t)(1u << (i % 8));
}

int travel_grid_from_bits(struct travel_grid *g, double lat0, double lon0, double dlat, double dlon,
			  uint32_t rows, uint32_t cols, const uint8_t *bits, size_t len,
			  const void *join, size_t join_len)
{
	memset(g, 0, sizeof(*g));
	if (rows == 0 || cols == 0 || (uint64_t)rows * cols > MAX_CELLS || !(dlat > 0) ||
	    !(dlon > 0))
		return -1;
	g->lat0 = lat0;
	g->lon0 = lon0;
	g->dlat = dlat;
	g->dlon = dlon;
	g->rows = rows;
	g->cols = cols;
	size_t n = (size_t)rows * cols;
	if (len != travel_grid_bits_len(g) || join_len != n * sizeof(int32_t))
		return -1;
	g->land = xmalloc(n * sizeof(*g->land));
	for (size_t i = 0; i < n; i++)
		g->land[i] = bits[i / 8] >> (i % 8) & 1 ? 0 : -1;
	index_land(g);
	g->join = xmalloc(n * sizeof(*g->join));
	memcpy(g->join, join, join_len);
	for (size_t i = 0; i < n; i++)
		if (g->join[i] < -1 || g->join[i] >= (int64_t)g->nland) {
			travel_grid_release(g);
			return -1;
		}
	return 0;
}

void travel_grid_release(struct travel_grid *g)
{
	free(g->land);
	free(g->cell);
	free(g->join);
	memset(g, 0, sizeof(*g));
}

void travel_cell_centre(const struct travel_grid *g, uint32_t land, double *lat, double *lon)
{
	uint32_t i = g->cell[land];
	centre_of(g, i / g->cols, i % g->cols, lat, lon);
}

long travel_locate(const struct travel_grid *g, double lat, double lon, double *km)
{
	double fr = floor((lat - g->lat0) / g->dlat), fc = floor((lon - g->lon0) / g->dlon);

	if (!g->join || !(fr >= 0 && fr < g->rows && fc >= 0 && fc < g->cols))
		return -1;
	int32_t k = g->join[(size_t)fr * g->cols + (size_t)fc];
	if (k >= 0) {
		double clat, clon;
		travel_cell_centre(g, (uint32_t)k, &clat, &clon);
		*km = geo_haversine_km(lat, lon, clat, clon);
	}
	return k;
}

long travel_snap(const struct travel_grid *g, double lat, double lon, travel_land_fn is_land,
		 const void *ctx, double *km)
{
	double moved = 0;
	long best = -1, near = -1;
	double near_km = 0;

	if (!is_land(ctx, lat, lon)) {
		double llat = lat, llon = lon;
		if (!land_near(g, lat, lon, is_land, ctx, &llat, &llon))
			return -1;
		moved = geo_haversine_km(lat, lon, llat, llon);
		lat = llat;
		lon = llon;
	}
	long fr = (long)floor((lat - g->lat0) / g->dlat),
	     fc = (long)floor((lon - g->lon0) / g->dlon);

	for (long r = fr - TRAVEL_SNAP_CELLS; r <= fr + TRAVEL_SNAP_CELLS; r++)
		for (long c = fc - TRAVEL_SNAP_CELLS; c <= fc + TRAVEL_SNAP_CELLS; c++) {
			if (r < 0 || c < 0 || r >= (long)g->rows || c >= (long)g->cols)
				continue;
			int32_t k = g->land[(size_t)r * g->cols + (size_t)c];
			double clat, clon;
			if (k < 0)
				continue;
			centre_of(g, (uint32_t)r, (uint32_t)c, &clat, &clon);
			double d = geo_haversine_km(lat, lon, clat, clon);
			if (near < 0 || d < near_km) {
				near = k;
				near_km = d;
			}
			if ((best < 0 || d < *km) &&
			    over_land(is_land, ctx, lat, lon, clat, clon, d)) {
				best = k;
				*km = d;
			}
		}
	if (best < 0 && near >= 0) {
		best = near;
		*km = near_km;
	}
	*km += moved;
	return best;
}

/* The neighbour of land cell a by step k, or -1 off the grid or at sea. */
static long neighbour(const struct travel_grid *g, uint32_t a, int k)
{
	long r = (long)(g->cell[a] / g->cols) + step_dr[k];
	long c = (long)(g->cell[a] % g->cols) + step_dc[k];

	if (r < 0 || c < 0 || r >= (long)g->rows || c >= (long)g->cols)
		return -1;
	return g->land[(size_t)r * g->cols + (size_t)c];
}

static double step_km(const struct travel_graph *t, uint32_t a, int k)
{
	double ew = t->row_km[t->g->cell[a] / t->g->cols], ns = t->row_km[t->g->rows];

	if (step_dr[k] == 0)
		return ew;
	if (step_dc[k] == 0)
		return ns;
	return sqrt(ew * ew + ns * ns);
}

void travel_graph_build(struct travel_graph *t, const struct travel_grid *g, travel_land_fn is_land,
			const void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->g = g;
	t->steps = xcalloc(g->nland ? g->nland : 1, 1);
	t->row_km = xmalloc((g->rows + 1) * sizeof(*t->row_km));
	for (uint32_t r = 0; r < g->rows; r++) {
		double lat = g->lat0 + ((double)r + 0.5) * g->dlat;
		t->row_km[r] = g->dlon * KM_PER_DEG * cos(lat * M_PI / 180);
	}
	t->row_km[g->rows] = g->dlat * KM_PER_DEG;
	/* each step is checked once, from its lower-numbered cell, and both
	 * directions set together */
	for (uint32_t a = 0; a < g->nland; a++)
		for (int k = 0; k < 8; k++) {
			long b = neighbour(g, a, k);
			if (b < 0 || (uint32_t)b < a)
				continue;
			double alat, alon, blat, blon;
			travel_cell_centre(g, a, &alat, &alon);
			travel_cell_centre(g, (uint32_t)b, &blat, &blon);
			if (over_land(is_land, ctx, alat, alon, blat, blon, step_km(t, a, k))) {
				t->steps[a] |= (uint8_t)(1u << k);
				t->steps[b] |= (uint8_t)(1u << ((k + 4) % 8));
			}
		}
}

static void add_one(struct travel_graph *t, uint32_t from, uint32_t to, double km)
{
	xgrow(&t->extra, &t->cap_extra, t->nextra + 1, sizeof(*t->extra));
	t->extra[t->nextra++] = (struct travel_crossing){ from, to, (float)km };
}

void travel_graph_add(struct travel_graph *t, uint32_t a, uint32_t b, double km)
{
	if (a == b || a >= t->g->nland || b >= t->g->nland)
		return;
	add_one(t, a, b, km);
	add_one(t, b, a, km);
}

static int by_from(const void *x, const void *y)
{
	const struct travel_crossing *a = x, *b = y;
	return a->from < b->from ? -1 : a->from > b->from;
}

static void index_extra(struct travel_graph *t)
{
	uint32_t n = t->g->nland;

	if (t->nextra)
		qsort(t->extra, t->nextra, sizeof(*t->extra), by_from);
	free(t->extra_start);
	t->extra_start = xcalloc((size_t)n + 1, sizeof(*t->extra_start));
	for (size_t i = 0; i < t->nextra; i++)
		t->extra_start[t->extra[i].from + 1]++;
	for (uint32_t i = 0; i < n; i++)
		t->extra_start[i + 1] += t->extra_start[i];
}

/* Marks in seen[] every cell reachable from root; returns how many. */
static size_t flood(const struct travel_graph *t, uint32_t root, uint8_t *seen, uint32_t *stack)
{
	size_t top = 0, count = 0;

	if (seen[root])
		return 0;
	seen[root] = 1;
	stack[top++] = root;
	while (top) {
		uint32_t a = stack[--top];
		count++;
		for (int k = 0; k < 8; k++) {
			if (!(t->steps[a] >> k & 1))
				continue;
			uint32_t b = (uint32_t)neighbour(t->g, a, k);
			if (!seen[b]) {
				seen[b] = 1;
				stack[top++] = b;
			}
		}
		for (uint32_t i = t->extra_start[a]; i < t->extra_start[a + 1]; i++)
			if (!seen[t->extra[i].to]) {
				seen[t->extra[i].to] = 1;
				stack[top++] = t->extra[i].to;
			}
	}
	return count;
}

size_t travel_graph_seal(struct travel_graph *t, uint32_t root, double penalty_km)
{
	const struct travel_grid *g = t->g;
	uint8_t *seen = xcalloc(g->nland ? g->nland : 1, 1);
	uint32_t *stack = xmalloc((g->nland ? g->nland : 1) * sizeof(*stack));
	double *lat = xmalloc((g->nland ? g->nland : 1) * sizeof(*lat));
	double *lon = xmalloc((g->nland ? g->nland : 1) * sizeof(*lon));
	size_t joined = 0;

	for (uint32_t i = 0; i < g->nland; i++)
		travel_cell_centre(g, i, &lat[i], &lon[i]);
	index_extra(t);
	if (root < g->nland)
		flood(t, root, seen, stack);
	/* each cut-off part, by its first cell: the shortest gap from any of
	 * its cells to the reached ones, found by trying every pair (parts are
	 * small; the mainland is reached first) */
	for (uint32_t s = 0; s < g->nland; s++) {
		if (seen[s])
			continue;
		uint8_t *part = xcalloc(g->nland, 1);
		flood(t, s, part, stack);
		double best = -1;
		uint32_t ba = 0, bb = 0;
		for (uint32_t a = 0; a < g->nland; a++) {
			if (!part[a])
				continue;
			for (uint32_t b = 0; b < g->nland; b++) {
				if (!seen[b])
					continue;
				double d = geo_haversine_km(lat[a], lon[a], lat[b], lon[b]);
				if (best < 0 || d < best) {
					best = d;
					ba = a;
					bb = b;
				}
			}
		}
		for (uint32_t a = 0; a < g->nland; a++)
			seen[a] |= part[a];
		free(part);
		if (best < 0)
			continue;
		/* a gap no wider than a diagonal step is the raster's, not the sea's */
		double diag = step_km(t, ba, 1);
		add_one(t, ba, bb, best + (best > diag * 1.01 ? penalty_km : 0));
		add_one(t, bb, ba, best + (best > diag * 1.01 ? penalty_km : 0));
		index_extra(t);
		joined++;
	}
	free(seen);
	free(stack);
	free(lat);
	free(lon);
	/* the searches read one flat list per cell, weights worked out once */
	size_t nedges = t->nextra;
	for (uint32_t a = 0; a < g->nland; a++)
		nedges += (size_t)__builtin_popcount(t->steps[a]);
	free(t->edge_start);
	free(t->edge);
	t->edge_start = xmalloc(((size_t)g->nland + 1) * sizeof(*t->edge_start));
	t->edge = xmalloc((nedges ? nedges : 1) * sizeof(*t->edge));
	size_t e = 0;
	for (uint32_t a = 0; a < g->nland; a++) {
		t->edge_start[a] = (uint32_t)e;
		for (int k = 0; k < 8; k++)
			if (t->steps[a] >> k & 1)
				t->edge[e++] = (struct travel_crossing){
					a, (uint32_t)neighbour(g, a, k), (float)step_km(t, a, k)
				};
		for (uint32_t i = t->extra_start[a]; i < t->extra_start[a + 1]; i++)
			t->edge[e++] = t->extra[i];
	}
	t->edge_start[g->nland] = (uint32_t)e;
	return joined;
}

void travel_graph_release(struct travel_graph *t)
{
	free(t->steps);
	free(t->row_km);
	free(t->extra);
	free(t->extra_start);
	free(t->edge_start);
	free(t->edge);
	memset(t, 0, sizeof(*t));
}

void travel_work_release(struct travel_work *w)
{
	free(w->dist);
	free(w->heap);
	memset(w, 0, sizeof(*w));
}

/* A binary min-heap of (km, cell) with the keys inline: a cell is pushed
 * again when a shorter way to it is found, and the stale entry skipped
 * when it comes out, which is cheaper than moving entries about. */
static void push(struct travel_work *w, size_t *n, float km, uint32_t cell)
{
	size_t i = (*n)++;
	while (i > 0 && km < w->heap[(i - 1) / 2].km) {
		w->heap[i] = w->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	w->heap[i] = (struct travel_queued){ km, cell };
}

static struct travel_queued pop(struct travel_work *w, size_t *n)
{
	struct travel_queued top = w->heap[0], last = w->heap[--*n];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1;
		if (l >= *n)
			break;
		if (l + 1 < *n && w->heap[l + 1].km < w->heap[l].km)
			l++;
		if (!(w->heap[l].km < last.km))
			break;
		w->heap[i] = w->heap[l];
		i = l;
	}
	w->heap[i] = last;
	return top;
}

void travel_field(const struct travel_graph *t, uint32_t src, double start_km,
		  struct travel_work *w, uint16_t *out)
{
	uint32_t nland = t->g->nland;
	size_t n = 0, edges = t->edge_start[nland] + 1u;

	if (w->cap < nland) {
		free(w->dist);
		w->dist = xmalloc(nland * sizeof(*w->dist));
		w->cap = nland;
	}
	if (w->heap_cap < edges) {
		free(w->heap);
		w->heap = xmalloc(edges * sizeof(*w->heap));
		w->heap_cap = edges;
	}
	for (uint32_t i = 0; i < nland; i++) {
		w->dist[i] = INFINITY;
		out[i] = TRAVEL_UNREACHED;
	}
	if (src >= nland)
		return;
	/* each push follows a shorter way to a cell, through an edge taken
	 * once: at most one per edge, and the start */
	w->dist[src] = (float)start_km;
	push(w, &n, w->dist[src], src);
	while (n) {
		struct travel_queued q = pop(w, &n);
		uint32_t a = q.cell;
		if (q.km > w->dist[a] || out[a] != TRAVEL_UNREACHED)
			continue;
		double units = q.km / TRAVEL_UNIT_KM + 0.5;
		out[a] = units < TRAVEL_UNREACHED ? (uint16_t)units : TRAVEL_UNREACHED - 1;
		for (uint32_t i = t->edge_start[a]; i < t->edge_start[a + 1]; i++) {
			uint32_t b = t->edge[i].to;
			float d = q.km + t->edge[i].km;
			if (d < w->dist[b]) {
				w->dist[b] = d;
				push(w, &n, d, b);
			}
		}
	}
}

double travel_road_km(const uint16_t *field, long at, double extra_km, double straight_km)
{
	if (!field || at < 0 || field[at] == TRAVEL_UNREACHED)
		return -1;
	double km = TRAVEL_ROAD_FACTOR * (field[at] * TRAVEL_UNIT_KM + extra_km);
	return km > straight_km ? km : straight_km;
}
