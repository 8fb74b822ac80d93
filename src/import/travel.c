/*
 * Travel distances over land (geo/travel.h), built once per import: the
 * land raster from the 2024 shapes (clipped to the coastline), the fixed
 * crossings from data/travel/crossings.csv, and one distance field per seat
 * of both boundary sets, stored zlib-compressed beside the seat.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "geo/travel.h"
#include "import/import_int.h"
#include "util/csv.h"
#include "util/mem.h"
#include "util/num.h"

#define CELL_KM 5.0
/* A ferry's waiting and loading, in km of road it is worth. */
#define FERRY_PENALTY_KM 30.0
#define MAX_CROSSINGS	 1000
#define MAX_CROSSING_KM	 500.0

static int on_land(const void *ctx, double lat, double lon)
{
	return geo_locator_find(ctx, lon, lat) >= 0;
}

/* One line of crossings.csv, read and checked before any land is built. */
struct crossing {
	double lat[2], lon[2], km;
	int ferry;
	long line;
};

static int read_crossings(struct import *imp, struct crossing **out, size_t *nout)
{
	char path[1024];
	struct csv r;
	int nf, rc = -1, col[7];
	static const char *const names[7] = { "name",	"kind",	  "from_lat", "from_lon",
					      "to_lat", "to_lon", "km" };
	struct crossing *x = NULL;
	size_t n = 0, cap = 0;

	snprintf(path, sizeof(path), "%s/travel/crossings.csv", imp->dir);
	if (import_csv_open(imp, &r, path))
		return -1;
	for (int i = 0; i < 7; i++)
		if ((col[i] = csv_header_index(&r, names[i])) < 0) {
			import_fail(imp, path, r.line, "header needs %s", names[i]);
			goto done;
		}
	while ((nf = csv_next(&r)) > 0) {
		if (nf == 1 && r.f[0].len == 0)
			continue;
		if (n == MAX_CROSSINGS) {
			import_fail(imp, path, r.line, "more than %d crossings", MAX_CROSSINGS);
			goto done;
		}
		for (int i = 0; i < 7; i++)
			if (nf <= col[i]) {
				import_fail(imp, path, r.line, "expected %zu fields", r.nf);
				goto done;
			}
		xgrow(&x, &cap, n + 1, sizeof(*x));
		struct crossing *c = &x[n];
		const struct csv_field *kind = &r.f[col[1]];
		c->line = r.line;
		c->ferry = kind->len == 5 && memcmp(kind->p, "ferry", 5) == 0;
		if (!c->ferry && !(kind->len == 6 && memcmp(kind->p, "bridge", 6) == 0) &&
		    !(kind->len == 6 && memcmp(kind->p, "tunnel", 6) == 0) &&
		    !(kind->len == 8 && memcmp(kind->p, "causeway", 8) == 0)) {
			import_fail(imp, path, r.line, "kind is bridge, tunnel, causeway or ferry");
			goto done;
		}
		if (num_parse_double(r.f[col[2]].p, r.f[col[2]].len, 49, 61, &c->lat[0]) ||
		    num_parse_double(r.f[col[3]].p, r.f[col[3]].len, -9, 2, &c->lon[0]) ||
		    num_parse_double(r.f[col[4]].p, r.f[col[4]].len, 49, 61, &c->lat[1]) ||
		    num_parse_double(r.f[col[5]].p, r.f[col[5]].len, -9, 2, &c->lon[1])) {
			import_fail(imp, path, r.line, "an end is not a UK latitude/longitude");
			goto done;
		}
		if (num_parse_double(r.f[col[6]].p, r.f[col[6]].len, 0.1, MAX_CROSSING_KM,
				     &c->km)) {
			import_fail(imp, path, r.line, "km is a number from 0.1 to %.0f",
				    MAX_CROSSING_KM);
			goto done;
		}
		n++;
	}
	if (nf < 0) {
		import_fail(imp, path, r.line, "%s", r.err);
		goto done;
	}
	rc = 0;
done:
	csv_release(&r);
	if (rc)
		free(x);
	else {
		*out = x;
		*nout = n;
	}
	return rc;
}

/* The crossings as edges, each end joined to the land it reaches. */
static int add_crossings(struct import *imp, const struct crossing *x, size_t n,
			 const struct travel_grid *g, const struct geo_locator *loc,
			 struct travel_graph *t)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/travel/crossings.csv", imp->dir);
	for (size_t i = 0; i < n; i++) {
		double ka, kb;
		long a = travel_snap(g, x[i].lat[0], x[i].lon[0], on_land, loc, &ka);
		long b = travel_snap(g, x[i].lat[1], x[i].lon[1], on_land, loc, &kb);
		if (a < 0 || b < 0)
			return import_fail(imp, path, x[i].line,
					   "the %s end is not on land near a land cell",
					   a < 0 ? "from" : "to");
		if (a == b)
			continue; /* narrower than a cell: the raster has it already */
		/* the road factor is applied to every path at the end: a crossing
		 * is stored shorter by it, to count as long as it is */
		travel_graph_add(
		    t, (uint32_t)a, (uint32_t)b,
		    ka + kb + (x[i].km + (x[i].ferry ? FERRY_PENALTY_KM : 0)) / TRAVEL_ROAD_FACTOR);
	}
	return 0;
}

static int write_grid(struct import *imp, const struct travel_grid *g)
{
	size_t len = travel_grid_bits_len(g);
	uint8_t *bits = xmalloc(len);
	struct db_stmt *st = db_prepare(imp->db, "INSERT INTO travel_grid (id, lat0, lon0, dlat,"
						 " dlon, nrows, ncols, land, joins)"
						 " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)");
	int rc = -1;

	travel_grid_bits(g, bits);
	if (st && db_bind_double(st, 1, g->lat0) == 0 && db_bind_double(st, 2, g->lon0) == 0 &&
	    db_bind_double(st, 3, g->dlat) == 0 && db_bind_double(st, 4, g->dlon) == 0 &&
	    db_bind_int(st, 5, g->rows) == 0 && db_bind_int(st, 6, g->cols) == 0 &&
	    db_bind_blob(st, 7, bits, len) == 0 &&
	    db_bind_blob(st, 8, g->join, (size_t)g->rows * g->cols * sizeof(*g->join)) == 0 &&
	    db_step(st) == DB_DONE)
		rc = 0;
	db_finalize(st);
	free(bits);
	return rc;
}

/* A centre out at sea (Orkney and Shetland's lies between the two): the
 * seat's own land cell nearest to it. */
static long nearest_inside(const struct travel_grid *g, const struct geo_shape *shape, double lat,
			   double lon, double *km)
{
	long best = -1;

	for (uint32_t i = 0; shape && i < g->nland; i++) {
		double clat, clon;
		travel_cell_centre(g, i, &clat, &clon);
		if (!geo_shape_contains(shape, clon, clat))
			continue;
		double d = geo_haversine_km(lat, lon, clat, clon);
		if (best < 0 || d < *km) {
			best = i;
			*km = d;
		}
	}
	return best;
}

/* One seat's centre, and its field once worked out (zlib'd; NULL when the
 * seat has no land cell at all: the straight line stays). */
struct centre {
	long long id;
	const struct geo_shape *shape;
	double lat, lon;
	Bytef *z;
	uLongf zlen;
};

/* The fields, shared out between threads: each takes the next seat. */
struct fields_job {
	const struct travel_graph *t;
	const struct geo_locator *loc;
	struct centre *c;
	size_t n;
	_Atomic size_t next;
	_Atomic int failed;
};

static void *fields_main(void *arg)
{
	struct fields_job *j = arg;
	const struct travel_grid *g = j->t->g;
	struct travel_work w = { 0 };
	uint16_t *field = xmalloc(g->nland * sizeof(*field));
	uLong zcap = compressBound(g->nland * sizeof(*field));

	for (size_t i; (i = j->next++) < j->n && !j->failed;) {
		struct centre *c = &j->c[i];
		double km;
		long at = travel_snap(g, c->lat, c->lon, on_land, j->loc, &km);
		if (at < 0)
			at = nearest_inside(g, c->shape, c->lat, c->lon, &km);
		if (at < 0)
			continue;
		travel_field(j->t, (uint32_t)at, km, &w, field);
		c->z = xmalloc(zcap);
		c->zlen = zcap;
		if (compress2(c->z, &c->zlen, (const Bytef *)field, g->nland * sizeof(*field), 6) !=
		    Z_OK)
			j->failed = 1;
	}
	travel_work_release(&w);
	free(field);
	return NULL;
}

/* Every seat's field, from the centres the boundaries step stored (read
 * first: the rows are rewritten as they go), on up to four threads. */
static int write_fields(struct import *imp, const struct travel_graph *t,
			const struct geo_locator *loc)
{
	struct db_stmt *sel = db_prepare(imp->db, "SELECT rowid, boundary_set, code, centre_lat,"
						  " centre_lon FROM constituencies");
	struct db_stmt *upd = db_prepare(imp->db, "UPDATE constituencies SET travel = ?"
						  " WHERE rowid = ?");
	struct fields_job j = { .t = t, .loc = loc };
	pthread_t threads[4];
	size_t cap = 0, started = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int rc = -1, step = 1;

	if (!sel || !upd)
		goto done;
	while (db_next(sel, &step)) {
		const struct bset *set = &imp->sets[db_col_int(sel, 1) == 2010 ? 0 : 1];
		long k = bset_find(set, db_col_text(sel, 2), strlen(db_col_text(sel, 2)));
		xgrow(&j.c, &cap, j.n + 1, sizeof(*j.c));
		j.c[j.n++] = (struct centre){ db_col_int(sel, 0),
					      k < 0 ? NULL : &set->shapes[k],
					      db_col_double(sel, 3),
					      db_col_double(sel, 4),
					      NULL,
					      0 };
	}
	if (step != 1)
		goto done;
	while (started < (cpus > 4   ? 4
			  : cpus > 1 ? (size_t)cpus
				     : 1) &&
	       pthread_create(&threads[started], NULL, fields_main, &j) == 0)
		started++;
	if (started == 0)
		fields_main(&j);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (j.failed)
		goto done;
	for (size_t i = 0; i < j.n; i++) {
		if (!j.c[i].z)
			continue;
		db_reset(upd);
		if (db_bind_blob(upd, 1, j.c[i].z, j.c[i].zlen) || db_bind_int(upd, 2, j.c[i].id) ||
		    db_step(upd) != DB_DONE)
			goto done;
		imp->stats->travel_fields++;
	}
	rc = 0;
done:
	db_finalize(sel);
	db_finalize(upd);
	for (size_t i = 0; i < j.n; i++)
		free(j.c[i].z);
	free(j.c);
	return rc;
}

int import_travel(struct import *imp)
{
	const struct bset *set = &imp->sets[1];
	struct geo_bbox bb = set->shapes[0].bbox;
	struct travel_grid g;
	struct travel_graph t = { 0 };
	struct crossing *x = NULL;
	size_t nx = 0;
	double lat = 0, lon = 0, km;
	int rc = -1;

	for (size_t i = 1; i < set->n; i++) {
		const struct geo_bbox *b = &set->shapes[i].bbox;
		bb.minx = fmin(bb.minx, b->minx);
		bb.miny = fmin(bb.miny, b->miny);
		bb.maxx = fmax(bb.maxx, b->maxx);
		bb.maxy = fmax(bb.maxy, b->maxy);
	}
	if (read_crossings(imp, &x, &nx))
		return -1;
	if (travel_grid_build(&g, &bb, CELL_KM, on_land, &set->loc) || g.nland == 0) {
		free(x);
		return import_fail(imp, "boundaries", 0, "no land to build travel distances over");
	}
	travel_graph_build(&t, &g, on_land, &set->loc);
	if (add_crossings(imp, x, nx, &g, &set->loc, &t))
		goto done;
	/* the root of the reached part: a cell near the middle of the seats,
	 * which is on the mainland of Great Britain */
	for (size_t i = 0; i < set->n; i++) {
		lat += (set->shapes[i].bbox.miny + set->shapes[i].bbox.maxy) / 2 / (double)set->n;
		lon += (set->shapes[i].bbox.minx + set->shapes[i].bbox.maxx) / 2 / (double)set->n;
	}
	long root = travel_snap(&g, lat, lon, on_land, &set->loc, &km);
	imp->stats->travel_joined = (long)travel_graph_seal(&t, root < 0 ? 0 : (uint32_t)root,
							    FERRY_PENALTY_KM / TRAVEL_ROAD_FACTOR);
	imp->stats->travel_cells = g.nland;
	if (write_grid(imp, &g) || write_fields(imp, &t, &set->loc)) {
		import_fail(imp, "database", 0, "travel distances: %s", db_errmsg(imp->db));
		goto done;
	}
	rc = 0;
done:
	free(x);
	travel_graph_release(&t);
	travel_grid_release(&g);
	return rc;
}
