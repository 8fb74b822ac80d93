/*
 * Constituency shapes for both boundary sets.  A seat's centre is the ONS
 * published centre point on the 2024 boundaries and the area-weighted
 * centroid of its polygons on the 2010 ones (which have none published).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "geo/geojson.h"
#include "import/import_int.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/mem.h"
#include "util/num.h"

#define GEOJSON_MAX (256u << 20)
#define OUTLINE_TOLERANCE 0.0008 /* degrees, ~60 m: finer than a map pixel */

struct centre {
	char code[16];
	double lat, lon;
};

static int read_centres(struct import *imp, struct centre **out, size_t *nout)
{
	char path[1024];
	struct csv r;
	struct centre *c = NULL;
	size_t n = 0, cap = 0;
	int nf, rc = -1, ic, ilat, ilon;

	snprintf(path, sizeof(path), "%s/boundaries/pcon2024-centroids.csv", imp->dir);
	if (import_csv_open(imp, &r, path))
		return -1;
	ic = csv_header_index(&r, "pcon24_code");
	ilat = csv_header_index(&r, "centre_lat");
	ilon = csv_header_index(&r, "centre_lng");
	if (ic < 0 || ilat < 0 || ilon < 0) {
		import_fail(imp, path, r.line, "header needs pcon24_code, centre_lat, centre_lng");
		goto done;
	}
	while ((nf = csv_next(&r)) > 0) {
		if (nf == 1 && r.f[0].len == 0)
			continue;
		xgrow(&c, &cap, n + 1, sizeof(*c));
		if (nf <= ic || nf <= ilat || nf <= ilon || r.f[ic].len == 0 ||
		    r.f[ic].len >= sizeof(c[n].code)) {
			import_fail(imp, path, r.line, "missing code or centre");
			goto done;
		}
		if (num_parse_double(r.f[ilat].p, r.f[ilat].len, 49, 61, &c[n].lat) ||
		    num_parse_double(r.f[ilon].p, r.f[ilon].len, -9, 2, &c[n].lon)) {
			import_fail(imp, path, r.line, "centre is not a UK latitude/longitude");
			goto done;
		}
		memcpy(c[n].code, r.f[ic].p, r.f[ic].len + 1);
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
		free(c);
	else {
		*out = c;
		*nout = n;
	}
	return rc;
}

/* Simplified rings as float32 pairs: u32 nrings, then u32 npts + points. */
static void outline_blob(const struct geo_shape *s, struct buf *b)
{
	uint32_t *keep = xmalloc((s->npts + 1) * sizeof(uint32_t));
	uint32_t nrings = 0;

	buf_reset(b);
	buf_put(b, &nrings, sizeof(nrings));
	for (size_t r = 0; r < s->nrings; r++) {
		const struct geo_ring *rg = &s->rings[r];
		size_t m = geo_simplify(s->pts + 2 * rg->start, rg->count, OUTLINE_TOLERANCE, keep);
		if (m < 4)
			continue; /* an island smaller than a pixel */
		uint32_t cnt = (uint32_t)m;
		buf_put(b, &cnt, sizeof(cnt));
		for (size_t i = 0; i < m; i++) {
			const double *p = s->pts + 2 * (rg->start + keep[i]);
			float xy[2] = { (float)p[0], (float)p[1] };
			buf_put(b, xy, sizeof(xy));
		}
		nrings++;
	}
	memcpy(b->p, &nrings, sizeof(nrings));
	free(keep);
}

static int load_set(struct import *imp, struct bset *set, const char *file,
		    const char *code_key, const char *name_key, const struct centre *centres,
		    size_t ncentres)
{
	char path[1024], jerr[256];
	struct buf raw, blob;
	json_t *root = NULL;
	json_error_t je;
	struct db_stmt *st = NULL;
	int rc = -1;

	buf_init(&raw, GEOJSON_MAX);
	buf_init(&blob, 64u << 20);
	snprintf(path, sizeof(path), "%s/boundaries/%s", imp->dir, file);
	if (file_read_all(path, &raw, imp->err, imp->errlen))
		goto done;
	root = json_loadb(raw.p, raw.len, 0, &je);
	if (!root) {
		import_fail(imp, path, je.line, "invalid JSON: %s", je.text);
		goto done;
	}
	const json_t *features = json_object_get(root, "features");
	if (!json_is_array(features) || json_array_size(features) == 0) {
		import_fail(imp, path, 0, "not a FeatureCollection with features");
		goto done;
	}
	size_t n = json_array_size(features);
	set->codes = xcalloc(n, sizeof(*set->codes));
	set->names = xcalloc(n, sizeof(*set->names));
	set->shapes = xcalloc(n, sizeof(*set->shapes));
	st = db_prepare(imp->db,
			"INSERT INTO constituencies (code, boundary_set, name, centre_lat,"
			" centre_lon, min_lon, min_lat, max_lon, max_lat, geometry, outline)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st) {
		import_fail(imp, path, 0, "%s", db_errmsg(imp->db));
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *f = json_array_get(features, i);
		const json_t *props = json_object_get(f, "properties");
		const char *code = json_string_value(json_object_get(props, code_key));
		const char *name = json_string_value(json_object_get(props, name_key));
		const json_t *geom = json_object_get(f, "geometry");
		double clat, clon;

		if (!code || !name || !*code || strlen(code) >= sizeof(set->codes[0]) || !*name) {
			import_fail(imp, path, 0, "feature %zu: needs properties %s and %s", i,
				    code_key, name_key);
			goto done;
		}
		if (bset_find(set, code, strlen(code)) >= 0) {
			import_fail(imp, path, 0, "feature %zu: duplicate code %s", i, code);
			goto done;
		}
		geo_shape_init(&set->shapes[i]);
		strcpy(set->codes[i], code);
		set->names[i] = xstrdup(name);
		set->n = i + 1;
		if (geojson_to_shape(geom, &set->shapes[i], jerr, sizeof(jerr))) {
			import_fail(imp, path, 0, "feature %zu (%s): %s", i, code, jerr);
			goto done;
		}
		if (centres) {
			size_t k;
			for (k = 0; k < ncentres && strcmp(centres[k].code, code); k++)
				;
			if (k == ncentres) {
				import_fail(imp, path, 0, "%s has no published centre point", code);
				goto done;
			}
			clat = centres[k].lat;
			clon = centres[k].lon;
		} else if (geo_shape_centroid(&set->shapes[i], &clon, &clat)) {
			import_fail(imp, path, 0, "feature %zu (%s): shape has no area", i, code);
			goto done;
		}
		char *gtext = json_dumps(geom, JSON_COMPACT | JSON_REAL_PRECISION(8));
		const struct geo_bbox *bb = &set->shapes[i].bbox;
		outline_blob(&set->shapes[i], &blob);
		db_reset(st);
		int bad = !gtext || blob.overflow || db_bind_str(st, 1, code) ||
			  db_bind_int(st, 2, set->year) || db_bind_str(st, 3, name) ||
			  db_bind_double(st, 4, clat) || db_bind_double(st, 5, clon) ||
			  db_bind_double(st, 6, bb->minx) || db_bind_double(st, 7, bb->miny) ||
			  db_bind_double(st, 8, bb->maxx) || db_bind_double(st, 9, bb->maxy) ||
			  db_bind_str(st, 10, gtext) ||
			  db_bind_blob(st, 11, blob.p, blob.len) || db_step(st) != DB_DONE;
		free(gtext);
		if (bad) {
			import_fail(imp, path, 0, "feature %zu (%s): %s", i, code, db_errmsg(imp->db));
			goto done;
		}
	}
	geo_locator_init(&set->loc, set->shapes, set->n, 0.05);
	rc = 0;
done:
	db_finalize(st);
	json_decref(root);
	buf_release(&raw);
	buf_release(&blob);
	return rc;
}

int import_boundaries(struct import *imp)
{
	struct centre *centres = NULL;
	size_t ncentres = 0;
	int rc = -1;

	if (read_centres(imp, &centres, &ncentres))
		return -1;
	if (load_set(imp, &imp->sets[0], "pcon2010.geojson.gz", "pcon_code", "pcon_name", NULL, 0))
		goto done;
	if (load_set(imp, &imp->sets[1], "pcon2024-buc.geojson.gz", "PCON24CD", "PCON24NM",
		     centres, ncentres))
		goto done;
	imp->stats->seats2010 = (long)imp->sets[0].n;
	imp->stats->seats2024 = (long)imp->sets[1].n;
	rc = 0;
done:
	free(centres);
	return rc;
}
