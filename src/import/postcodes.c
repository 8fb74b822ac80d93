/*
 * Code-Point Open (a folder of per-area CSVs, no header), the postcode ->
 * 2024 seat lookup, and the postcode districts.  Grid references become
 * WGS84 in C; the 2010 seat of every postcode is found by point-in-polygon
 * once, here, so no request ever has to.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/osgb.h"
#include "import/import_int.h"
#include "postcodes/postcode.h"
#include "util/csv.h"
#include "util/jsonw.h"
#include "util/mem.h"
#include "util/num.h"
#include "util/progress.h"

#define PC_MAP_BITS 22 /* 4 M slots for ~1.7 M postcodes */
#define MAX_AREA_FILES 512
#define OUTCODE_SLOTS 8192
#define OUTCODE_SET_MAX 24

/* compact postcode -> index + 1 of its 2024 seat (0: none) */
struct pc_map {
	uint64_t *keys;
	uint16_t *vals;
};

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static uint16_t *pc_map_slot(struct pc_map *m, uint64_t key)
{
	size_t mask = ((size_t)1 << PC_MAP_BITS) - 1;
	for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
		if (m->keys[i] == key || m->keys[i] == 0) {
			m->keys[i] = key;
			return &m->vals[i];
		}
	}
}

/* What a district touches, gathered while the postcodes stream past. */
struct outcode_agg {
	char oc[5];
	uint16_t s10[OUTCODE_SET_MAX], s24[OUTCODE_SET_MAX];
	char dist[8][10];
	uint8_t n10, n24, ndist;
	long count;
};

struct outcodes {
	struct outcode_agg *slots; /* OUTCODE_SLOTS, oc[0] == 0 when free */
};

static struct outcode_agg *outcode_get(struct outcodes *o, const char *oc)
{
	uint64_t h = mix(postcode_key(oc));
	for (size_t i = h % OUTCODE_SLOTS, k = 0; k < OUTCODE_SLOTS;
	     i = (i + 1) % OUTCODE_SLOTS, k++) {
		if (o->slots[i].oc[0] == 0) {
			strcpy(o->slots[i].oc, oc);
			return &o->slots[i];
		}
		if (strcmp(o->slots[i].oc, oc) == 0)
			return &o->slots[i];
	}
	return NULL;
}

static void add_seat(uint16_t *set, uint8_t *n, long seat)
{
	if (seat < 0)
		return;
	for (uint8_t i = 0; i < *n; i++)
		if (set[i] == seat)
			return;
	if (*n < OUTCODE_SET_MAX)
		set[(*n)++] = (uint16_t)seat;
}

static int load_pcon2024(struct import *imp, struct pc_map *m)
{
	char path[1024];
	struct csv r;
	int nf, rc = -1;
	const struct bset *set = &imp->sets[1];

	snprintf(path, sizeof(path), "%s/postcodes/postcode-pcon2024.csv.gz", imp->dir);
	if (import_csv_open(imp, &r, path))
		return -1;
	if (r.nf != 2 || csv_header_index(&r, "postcode") != 0 ||
	    csv_header_index(&r, "pcon24_code") != 1) {
		import_fail(imp, path, r.line, "header must be postcode,pcon24_code");
		goto done;
	}
	while ((nf = csv_next(&r)) > 0) {
		struct postcode pc;
		if (nf == 1 && r.f[0].len == 0)
			continue;
		if (import_row_postcode(imp, path, &r, nf, 2, &pc))
			goto done;
		if (r.f[1].len == 0)
			continue; /* published without a seat */
		long seat = bset_find(set, r.f[1].p, r.f[1].len);
		if (seat < 0) {
			import_fail(imp, path, r.line, "unknown 2024 seat %.16s", r.f[1].p);
			goto done;
		}
		*pc_map_slot(m, postcode_key(pc.compact)) = (uint16_t)(seat + 1);
	}
	if (nf < 0) {
		import_fail(imp, path, r.line, "%s", r.err);
		goto done;
	}
	rc = 0;
done:
	csv_release(&r);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_area_files(struct import *imp, const char *dir, char **names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*n = 0;
	if (!d)
		return import_fail(imp, dir, 0, "cannot open the Code-Point Open CSV folder");
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		int csv = len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0;
		int gz = len > 7 && strcmp(e->d_name + len - 7, ".csv.gz") == 0;
		if (!csv && !gz)
			continue;
		if (*n == MAX_AREA_FILES) {
			closedir(d);
			return import_fail(imp, dir, 0, "more than %d area files", MAX_AREA_FILES);
		}
		names[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n == 0)
		return import_fail(imp, dir, 0, "no .csv or .csv.gz area files");
	qsort(names, *n, sizeof(*names), cmp_str);
	return 0;
}

static int bind_code(struct db_stmt *st, int at, const struct csv_field *f)
{
	return f->len ? db_bind_text(st, at, f->p, f->len) : db_bind_null(st, at);
}

static int load_area(struct import *imp, const char *path, struct pc_map *m,
		     struct outcodes *oc, struct db_stmt *st)
{
	struct csv r;
	int nf, rc = -1;
	struct import_stats *s = imp->stats;

	if (csv_open(&r, path))
		return import_fail(imp, path, 0, "%s", r.err);
	while ((nf = csv_next(&r)) > 0) {
		struct postcode pc;
		long quality, east, north;
		double lat = 0, lon = 0;
		long seat10 = -1, seat24;
		int positioned, nearest = 0;

		if (nf == 1 && r.f[0].len == 0)
			continue;
		if (import_row_postcode(imp, path, &r, nf, 10, &pc))
			goto done;
		if (num_parse_long(r.f[1].p, r.f[1].len, 0, 90, &quality) ||
		    num_parse_long(r.f[2].p, r.f[2].len, 0, 700000, &east) ||
		    num_parse_long(r.f[3].p, r.f[3].len, 0, 1300000, &north)) {
			import_fail(imp, path, r.line,
				    "quality, eastings or northings out of range");
			goto done;
		}
		positioned = east != 0 || north != 0;
		if (positioned) {
			osgb_grid_to_wgs84((double)east, (double)north, &lat, &lon);
			seat10 = bset_locate(&imp->sets[0], lat, lon, &nearest);
			s->positioned++;
			if (nearest)
				s->pcon2010_nearest++;
			else if (seat10 < 0)
				s->pcon2010_missing++;
		}
		seat24 = (long)*pc_map_slot(m, postcode_key(pc.compact)) - 1;

		struct outcode_agg *agg = outcode_get(oc, pc.outcode);
		if (agg) {
			/* "held" counts the postcodes a random pick or a map can use */
			agg->count += positioned;
			add_seat(agg->s10, &agg->n10, seat10);
			add_seat(agg->s24, &agg->n24, seat24);
			const struct csv_field *d = &r.f[8];
			int found = 0;
			for (uint8_t i = 0; i < agg->ndist; i++)
				found |= strlen(agg->dist[i]) == d->len &&
					 memcmp(agg->dist[i], d->p, d->len) == 0;
			if (!found && d->len && d->len < 10 && agg->ndist < 8)
				memcpy(agg->dist[agg->ndist++], d->p, d->len + 1);
		}

		db_reset(st);
		int bad = db_bind_str(st, 1, pc.compact) ||
			  db_bind_int(st, 2, quality);
		if (positioned)
			bad = bad || db_bind_int(st, 3, east) || db_bind_int(st, 4, north) ||
			      db_bind_double(st, 5, lat) || db_bind_double(st, 6, lon) ||
			      db_bind_int(st, 7, (long long)floor(lat * 100)) ||
			      db_bind_int(st, 8, (long long)floor(lon * 100));
		bad = bad || bind_code(st, 9, &r.f[4]) || bind_code(st, 10, &r.f[5]) ||
		      bind_code(st, 11, &r.f[6]) || bind_code(st, 12, &r.f[7]) ||
		      bind_code(st, 13, &r.f[8]) || bind_code(st, 14, &r.f[9]) ||
		      (seat10 >= 0 ? db_bind_text(st, 15, imp->sets[0].codes[seat10],
						  strlen(imp->sets[0].codes[seat10]))
				   : db_bind_null(st, 15)) ||
		      (seat24 >= 0 ? db_bind_text(st, 16, imp->sets[1].codes[seat24],
						  strlen(imp->sets[1].codes[seat24]))
				   : db_bind_null(st, 16)) ||
		      db_step(st) != DB_DONE;
		if (bad) {
			import_fail(imp, path, r.line, "%s %s", pc.display, db_errmsg(imp->db));
			goto done;
		}
		s->postcodes++;
	}
	if (nf < 0) {
		import_fail(imp, path, r.line, "%s", r.err);
		goto done;
	}
	rc = 0;
done:
	csv_release(&r);
	return rc;
}

static void seat_array(struct buf *b, const struct bset *set, const uint16_t *ids, uint8_t n)
{
	struct jw w;
	buf_reset(b);
	jw_init(&w, b);
	jw_arr(&w);
	for (uint8_t i = 0; i < n; i++)
		jw_str(&w, set->codes[ids[i]]);
	jw_arr_end(&w);
}

static int bind_json_or_null(struct db_stmt *st, int at, const struct buf *b, int have)
{
	return have ? db_bind_text(st, at, b->p, b->len) : db_bind_null(st, at);
}

static int load_districts(struct import *imp, struct outcodes *oc)
{
	char path[1024];
	struct csv r;
	struct db_stmt *st = NULL;
	struct buf b10, b24, bd;
	int nf, rc = -1;
	int i_pc, i_lat, i_lon, i_e, i_n, i_town, i_region, i_count, i_active, i_ukr;

	buf_init(&b10, 4096);
	buf_init(&b24, 4096);
	buf_init(&bd, 4096);
	snprintf(path, sizeof(path), "%s/postcodes/postcode-districts.csv", imp->dir);
	if (import_csv_open(imp, &r, path))
		goto done;
	i_pc = csv_header_index(&r, "Postcode");
	i_lat = csv_header_index(&r, "Latitude");
	i_lon = csv_header_index(&r, "Longitude");
	i_e = csv_header_index(&r, "Easting");
	i_n = csv_header_index(&r, "Northing");
	i_town = csv_header_index(&r, "Town/Area");
	i_region = csv_header_index(&r, "Region");
	i_count = csv_header_index(&r, "Postcodes");
	i_active = csv_header_index(&r, "Active postcodes");
	i_ukr = csv_header_index(&r, "UK region");
	if (i_pc < 0 || i_lat < 0 || i_lon < 0 || i_count < 0 || i_active < 0) {
		import_fail(imp, path, r.line,
			    "header needs Postcode, Latitude, Longitude, Postcodes, Active postcodes");
		goto done;
	}
	st = db_prepare(imp->db,
			"INSERT INTO districts (outcode, lat, lon, eastings, northings, town,"
			" region, uk_region, postcodes, active, pcon2010, pcon2024, seats2010,"
			" seats2024, admin_districts, held)"
			" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st) {
		import_fail(imp, path, 0, "%s", db_errmsg(imp->db));
		goto done;
	}
	while ((nf = csv_next(&r)) > 0) {
		char outcode[5];
		double lat, lon;
		long east = 0, north = 0, count = 0, active = 0;
		int near;

		if (nf == 1 && r.f[0].len == 0)
			continue;
		if ((size_t)nf <= (size_t)i_active || (size_t)nf <= (size_t)i_count) {
			import_fail(imp, path, r.line, "too few fields (%d)", nf);
			goto done;
		}
		/* non-geographic districts (PO boxes, BFPO) have no position */
		int positioned = r.f[i_lat].len > 0 || r.f[i_lon].len > 0;
		if (positioned &&
		    (num_parse_double(r.f[i_lat].p, r.f[i_lat].len, 49, 61.5, &lat) ||
		     num_parse_double(r.f[i_lon].p, r.f[i_lon].len, -9, 2, &lon))) {
			import_fail(imp, path, r.line, "%.8s: position is not in the UK", r.f[i_pc].p);
			goto done;
		}
		if ((r.f[i_count].len && num_parse_long(r.f[i_count].p, r.f[i_count].len, 0,
							 10000000, &count)) ||
		    (r.f[i_active].len && num_parse_long(r.f[i_active].p, r.f[i_active].len, 0,
							  10000000, &active))) {
			import_fail(imp, path, r.line, "%.8s: postcode counts are not numbers",
				    r.f[i_pc].p);
			goto done;
		}
		if (postcode_parse_outcode(r.f[i_pc].p, r.f[i_pc].len, outcode)) {
			/* retired districts from before today's rules (NPT, W1M) */
			if (active == 0)
				continue;
			import_fail(imp, path, r.line, "invalid outcode \"%.8s\"", r.f[i_pc].p);
			goto done;
		}
		if (i_e >= 0 && i_n >= 0 && nf > i_e && nf > i_n) {
			if ((r.f[i_e].len && num_parse_long(r.f[i_e].p, r.f[i_e].len, 0, 800000,
							     &east)) ||
			    (r.f[i_n].len && num_parse_long(r.f[i_n].p, r.f[i_n].len, 0, 1300000,
							     &north))) {
				import_fail(imp, path, r.line, "%s: grid reference out of range",
					    outcode);
				goto done;
			}
		}
		long s10 = positioned ? bset_locate(&imp->sets[0], lat, lon, &near) : -1;
		long s24 = positioned ? bset_locate(&imp->sets[1], lat, lon, &near) : -1;
		struct outcode_agg *agg = outcode_get(oc, outcode);
		if (agg && agg->count == 0) {
			/* no postcodes of its own here (Northern Ireland): its centre's seats */
			add_seat(agg->s10, &agg->n10, s10);
			add_seat(agg->s24, &agg->n24, s24);
		}
		int have = agg && (agg->count > 0 || agg->n10 || agg->n24);
		if (have) {
			struct jw w;
			seat_array(&b10, &imp->sets[0], agg->s10, agg->n10);
			seat_array(&b24, &imp->sets[1], agg->s24, agg->n24);
			buf_reset(&bd);
			jw_init(&w, &bd);
			jw_arr(&w);
			for (uint8_t i = 0; i < agg->ndist; i++)
				jw_str(&w, agg->dist[i]);
			jw_arr_end(&w);
		}
		db_reset(st);
		if (db_bind_str(st, 1, outcode) ||
		    (positioned ? db_bind_double(st, 2, lat) : db_bind_null(st, 2)) ||
		    (positioned ? db_bind_double(st, 3, lon) : db_bind_null(st, 3)) ||
		    (east ? db_bind_int(st, 4, east) : db_bind_null(st, 4)) ||
		    (north ? db_bind_int(st, 5, north) : db_bind_null(st, 5)) ||
		    (i_town >= 0 && nf > i_town && r.f[i_town].len
			     ? db_bind_text(st, 6, r.f[i_town].p, r.f[i_town].len)
			     : db_bind_null(st, 6)) ||
		    (i_region >= 0 && nf > i_region && r.f[i_region].len
			     ? db_bind_text(st, 7, r.f[i_region].p, r.f[i_region].len)
			     : db_bind_null(st, 7)) ||
		    (i_ukr >= 0 && nf > i_ukr && r.f[i_ukr].len
			     ? db_bind_text(st, 8, r.f[i_ukr].p, r.f[i_ukr].len)
			     : db_bind_null(st, 8)) ||
		    db_bind_int(st, 9, count) || db_bind_int(st, 10, active) ||
		    (s10 >= 0 ? db_bind_text(st, 11, imp->sets[0].codes[s10],
					     strlen(imp->sets[0].codes[s10]))
			      : db_bind_null(st, 11)) ||
		    (s24 >= 0 ? db_bind_text(st, 12, imp->sets[1].codes[s24],
					     strlen(imp->sets[1].codes[s24]))
			      : db_bind_null(st, 12)) ||
		    bind_json_or_null(st, 13, &b10, have) || bind_json_or_null(st, 14, &b24, have) ||
		    bind_json_or_null(st, 15, &bd, have) ||
		    db_bind_int(st, 16, agg ? agg->count : 0) || db_step(st) != DB_DONE) {
			import_fail(imp, path, r.line, "%s: %s", outcode, db_errmsg(imp->db));
			goto done;
		}
		imp->stats->districts++;
	}
	if (nf < 0) {
		import_fail(imp, path, r.line, "%s", r.err);
		goto done;
	}
	rc = 0;
done:
	csv_release(&r); /* safe after a failed open: release is idempotent */
	db_finalize(st);
	buf_release(&b10);
	buf_release(&b24);
	buf_release(&bd);
	return rc;
}

int import_postcodes(struct import *imp)
{
	char dir[1024], path[1400];
	char *names[MAX_AREA_FILES];
	size_t nfiles = 0;
	struct pc_map map;
	struct outcodes oc;
	struct db_stmt *st = NULL;
	struct progress pr;
	int rc = -1;

	map.keys = xcalloc((size_t)1 << PC_MAP_BITS, sizeof(uint64_t));
	map.vals = xcalloc((size_t)1 << PC_MAP_BITS, sizeof(uint16_t));
	oc.slots = xcalloc(OUTCODE_SLOTS, sizeof(*oc.slots));
	snprintf(dir, sizeof(dir), "%s/postcodes/codepo_gb/Data/CSV", imp->dir);
	if (load_pcon2024(imp, &map) || list_area_files(imp, dir, names, &nfiles))
		goto done;
	/* bulk load without the grid index, then build it in one sorted pass */
	if (db_exec(imp->db, "DROP INDEX IF EXISTS postcodes_grid")) {
		import_fail(imp, "database", 0, "%s", db_errmsg(imp->db));
		goto done;
	}
	st = db_prepare(imp->db,
			"INSERT INTO postcodes (pc, quality, eastings, northings, lat, lon, gy, gx,"
			" country, nhs_rha, nhs_ha, admin_county, admin_district, admin_ward,"
			" pcon2010, pcon2024) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st) {
		import_fail(imp, "database", 0, "%s", db_errmsg(imp->db));
		goto done;
	}
	progress_begin(&pr, "postcodes", (long)nfiles);
	for (size_t i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (load_area(imp, path, &map, &oc, st))
			goto done;
		progress_step(&pr, (long)i + 1, imp->stats->postcodes);
	}
	progress_end(&pr);
	if (db_exec(imp->db, "CREATE INDEX postcodes_grid ON postcodes(gy, gx)")) {
		import_fail(imp, "database", 0, "%s", db_errmsg(imp->db));
		goto done;
	}
	if (load_districts(imp, &oc))
		goto done;
	rc = 0;
done:
	db_finalize(st);
	for (size_t i = 0; i < nfiles; i++)
		free(names[i]);
	free(map.keys);
	free(map.vals);
	free(oc.slots);
	return rc;
}
