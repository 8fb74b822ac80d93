/*
 * Travel over land.  Straight lines cross the Severn and the Irish Sea; a
 * volunteer cannot.  So the map is a raster of land cells (a cell is land
 * when its centre is), neighbours joined only where the step
 * between their centres stays on land, the fixed crossings (bridges,
 * tunnels, ferries) added as extra edges, and shortest paths from each
 * seat's centre over that graph.
 *
 * The import builds the grid and one distance field per seat (Dijkstra from
 * the seat's centre to every land cell); the server loads them once and a
 * lookup is one array read per seat.  Pure: no I/O; the land test is the
 * caller's function.
 */
#ifndef TURNOUT_TRAVEL_H
#define TURNOUT_TRAVEL_H

#include <stddef.h>
#include <stdint.h>

#include "geo/geo.h"

/* A field holds tenths of a km; this marks a cell no path reaches. */
#define TRAVEL_UNREACHED 0xFFFFu
#define TRAVEL_UNIT_KM	 0.1
/*
 * Roads wind: a route is longer than the grid's path over open land.  One
 * factor for the whole country, fitted against published road distances
 * (docs/travel.md lists the journeys and the error).
 */
#define TRAVEL_ROAD_FACTOR 1.15
/* Snap a point to a land cell at most this many cells away. */
#define TRAVEL_SNAP_CELLS 4

typedef int (*travel_land_fn)(const void *ctx, double lat, double lon);

struct travel_grid {
	double lat0, lon0; /* south-west corner of cell (0, 0) */
	double dlat, dlon; /* cell size in degrees */
	uint32_t rows, cols;
	uint32_t nland;
	int32_t *land;	/* rows * cols: the cell's land index, or -1 for sea */
	uint32_t *cell; /* nland: row * cols + col of each land cell */
	/* rows * cols: the land cell a point in the cell starts from (its own,
	 * or for a cell at sea the one its land reaches without crossing
	 * water), or -1; set by the import, NULL until then */
	int32_t *join;
};

/*
 * Covers bb with cells of about cell_km (east-west at the middle latitude),
 * a cell being land when is_land says so of its centre.  0, or -1 when bb
 * is empty or would need more than 2^24 cells.
 */
int travel_grid_build(struct travel_grid *g, const struct geo_bbox *bb, double cell_km,
		      travel_land_fn is_land, const void *ctx);
/* The land bitmap, row by row, bit i of byte i / 8; (rows * cols + 7) / 8 bytes. */
size_t travel_grid_bits_len(const struct travel_grid *g);
void travel_grid_bits(const struct travel_grid *g, uint8_t *out);
/* A grid from its stored form (join as int32 per cell); 0, or -1 when the
 * sizes do not agree or a join names no land cell. */
int travel_grid_from_bits(struct travel_grid *g, double lat0, double lon0, double dlat, double dlon,
			  uint32_t rows, uint32_t cols, const uint8_t *bits, size_t len,
			  const void *join, size_t join_len);
void travel_grid_release(struct travel_grid *g);
void travel_cell_centre(const struct travel_grid *g, uint32_t land, double *lat, double *lon);
/*
 * The land cell for a point, by the grid's join table, with the straight km
 * from the point to that cell's centre in *km; -1 off the grid or out at sea.
 */
long travel_locate(const struct travel_grid *g, double lat, double lon, double *km);
/*
 * The land cell whose centre is nearest the point within TRAVEL_SNAP_CELLS
 * and reached from it over land (is_land sampled every 250 m), so the north
 * end of a bridge never joins the south bank.  A point the generalised
 * coastline leaves in the water moves to land within half a cell's diagonal
 * first (counted in *km); an island too small for a cell takes the nearest
 * cell.  -1 when no land is in reach.
 */
long travel_snap(const struct travel_grid *g, double lat, double lon, travel_land_fn is_land,
		 const void *ctx, double *km);

/* A crossing's one direction. */
struct travel_crossing {
	uint32_t from, to;
	float km;
};

/* The graph the fields are computed over (import only). */
struct travel_graph {
	const struct travel_grid *g;
	uint8_t *steps; /* nland: bit k set when step k (see travel.c) stays on land */
	double *row_km; /* rows: east-west step at that row; [rows] is north-south */
	/* crossings, both directions, grouped by their first cell */
	size_t nextra, cap_extra;
	struct travel_crossing *extra;
	uint32_t *extra_start; /* nland + 1, after travel_graph_seal() */
	/* every edge of cell a, steps and crossings, at edge[edge_start[a]..
	 * edge_start[a + 1]): built by travel_graph_seal() for the searches */
	uint32_t *edge_start;
	struct travel_crossing *edge;
};

/* The 8-neighbour steps whose line (sampled every 250 m) stays on land. */
void travel_graph_build(struct travel_graph *t, const struct travel_grid *g, travel_land_fn is_land,
			const void *ctx);
/* A crossing between two land cells, both ways. */
void travel_graph_add(struct travel_graph *t, uint32_t a, uint32_t b, double km);
/*
 * Joins every part the crossings leave cut off from root (a small island,
 * a peninsula the raster cut) to the nearest cell reached, by a boat of its
 * straight length plus penalty_km; then indexes the crossings.  Returns how
 * many parts it joined.
 */
size_t travel_graph_seal(struct travel_graph *t, uint32_t root, double penalty_km);
void travel_graph_release(struct travel_graph *t);

/* Scratch space for travel_field(), reusable across calls. */
struct travel_queued {
	float km;
	uint32_t cell;
};
struct travel_work {
	float *dist;
	struct travel_queued *heap;
	size_t cap, heap_cap;
};
void travel_work_release(struct travel_work *w);
/*
 * Shortest paths from land cell src (start_km already travelled to reach
 * its centre) to every land cell, in TRAVEL_UNIT_KM, into out[nland].  The
 * graph must be sealed.
 */
void travel_field(const struct travel_graph *t, uint32_t src, double start_km,
		  struct travel_work *w, uint16_t *out);

/*
 * Estimated road km from field[at] (a path's length to a land cell) and
 * extra_km (from the point to that cell's centre); straight_km is the
 * floor.  -1 when the path does not reach.
 */
double travel_road_km(const uint16_t *field, long at, double extra_km, double straight_km);

#endif
