#include "postcodes/lookup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"
#include "util/mem.h"

#define PC_COLUMNS                                                                      \
	"pc, quality, eastings, northings, lat, lon, country, nhs_rha, nhs_ha,"          \
	" admin_county, admin_district, admin_ward, pcon2010, pcon2024"

static void fill_record(struct db_stmt *st, struct pc_record *r)
{
	const char *pc = db_col_text(st, 0);

	postcode_parse(pc, strlen(pc), &r->pc);
	r->precision = PRECISION_POSTCODE;
	r->quality = (int)db_col_int(st, 1);
	r->positioned = !db_col_is_null(st, 4);
	r->eastings = r->positioned ? (long)db_col_int(st, 2) : -1;
	r->northings = r->positioned ? (long)db_col_int(st, 3) : -1;
	r->lat = db_col_double(st, 4);
	r->lon = db_col_double(st, 5);
	db_col_copy(st, 6, r->country, sizeof(r->country));
	db_col_copy(st, 7, r->nhs_rha, sizeof(r->nhs_rha));
	db_col_copy(st, 8, r->nhs_ha, sizeof(r->nhs_ha));
	db_col_copy(st, 9, r->admin_county, sizeof(r->admin_county));
	db_col_copy(st, 10, r->admin_district, sizeof(r->admin_district));
	db_col_copy(st, 11, r->admin_ward, sizeof(r->admin_ward));
	db_col_copy(st, 12, r->pcon2010, sizeof(r->pcon2010));
	db_col_copy(st, 13, r->pcon2024, sizeof(r->pcon2024));
	r->distance_m = 0;
}

int lookup_postcode(struct db *db, const struct postcode *pc, struct pc_record *out)
{
	struct db_stmt *st = db_cached(db, "SELECT " PC_COLUMNS " FROM postcodes WHERE pc = ?");
	int rc = -1;

	if (!st || db_bind_str(st, 1, pc->compact))
		return -1;
	switch (db_step(st)) {
	case DB_ROW:
		fill_record(st, out);
		rc = 1;
		break;
	case DB_DONE:
		rc = 0;
		break;
	default:
		rc = -1;
	}
	db_reset(st);
	return rc;
}

int lookup_district(struct db *db, const char *outcode, struct district *d)
{
	struct db_stmt *st = db_cached(db, "SELECT outcode, lat, lon, eastings, northings, town,"
					   " region, uk_region, postcodes, active, pcon2010,"
					   " pcon2024, seats2010, seats2024, admin_districts"
					   " FROM districts WHERE outcode = ?");
	int rc = -1;

	memset(d, 0, sizeof(*d));
	if (!st || db_bind_str(st, 1, outcode))
		return -1;
	enum db_step s = db_step(st);
	if (s == DB_ROW) {
		db_col_copy(st, 0, d->outcode, sizeof(d->outcode));
		d->positioned = !db_col_is_null(st, 1);
		d->lat = db_col_double(st, 1);
		d->lon = db_col_double(st, 2);
		d->eastings = db_col_is_null(st, 3) ? -1 : (long)db_col_int(st, 3);
		d->northings = db_col_is_null(st, 4) ? -1 : (long)db_col_int(st, 4);
		db_col_copy(st, 5, d->town, sizeof(d->town));
		db_col_copy(st, 6, d->region, sizeof(d->region));
		db_col_copy(st, 7, d->uk_region, sizeof(d->uk_region));
		d->postcodes = (long)db_col_int(st, 8);
		d->active = (long)db_col_int(st, 9);
		db_col_copy(st, 10, d->pcon2010, sizeof(d->pcon2010));
		db_col_copy(st, 11, d->pcon2024, sizeof(d->pcon2024));
		const char *j;
		d->seats2010 = (j = db_col_text(st, 12)) ? xstrdup(j) : NULL;
		d->seats2024 = (j = db_col_text(st, 13)) ? xstrdup(j) : NULL;
		d->admin_districts = (j = db_col_text(st, 14)) ? xstrdup(j) : NULL;
		rc = 1;
	} else if (s == DB_DONE) {
		rc = 0;
	}
	db_reset(st);
	return rc;
}

void district_release(struct district *d)
{
	free(d->seats2010);
	free(d->seats2024);
	free(d->admin_districts);
	d->seats2010 = d->seats2024 = d->admin_districts = NULL;
}

int lookup_postcode_or_district(struct db *db, const struct postcode *pc,
				struct pc_record *out)
{
	struct district d;
	int rc = lookup_postcode(db, pc, out);

	if (rc != 0)
		return rc;
	rc = lookup_district(db, pc->outcode, &d);
	if (rc != 1)
		return rc;
	if (!d.positioned) {
		/* a non-geographic district (PO boxes) places nothing */
		district_release(&d);
		return 0;
	}
	memset(out, 0, sizeof(*out));
	out->pc = *pc;
	out->precision = PRECISION_DISTRICT;
	out->positioned = d.positioned;
	out->lat = d.lat;
	out->lon = d.lon;
	out->eastings = d.eastings;
	out->northings = d.northings;
	out->quality = -1;
	snprintf(out->pcon2010, sizeof(out->pcon2010), "%s", d.pcon2010);
	snprintf(out->pcon2024, sizeof(out->pcon2024), "%s", d.pcon2024);
	district_release(&d);
	return 1;
}

long lookup_nearby(struct db *db, double lat, double lon, double radius_m, size_t limit,
		   struct pc_record *out)
{
	struct db_stmt *st = db_cached(db, "SELECT " PC_COLUMNS " FROM postcodes"
					   " WHERE gy = ? AND gx BETWEEN ? AND ?");
	double dlat = radius_m / 111000.0;
	double dlon = dlat / fmax(cos(lat * M_PI / 180), 0.05);
	long y0 = (long)floor((lat - dlat) * 100), y1 = (long)floor((lat + dlat) * 100);
	long x0 = (long)floor((lon - dlon) * 100), x1 = (long)floor((lon + dlon) * 100);
	size_t n = 0;

	if (!st || limit == 0)
		return st ? 0 : -1;
	for (long gy = y0; gy <= y1; gy++) {
		db_reset(st);
		if (db_bind_int(st, 1, gy) || db_bind_int(st, 2, x0) || db_bind_int(st, 3, x1))
			return -1;
		enum db_step s;
		while ((s = db_step(st)) == DB_ROW) {
			double plat = db_col_double(st, 4), plon = db_col_double(st, 5);
			double d = geo_haversine_km(lat, lon, plat, plon) * 1000;
			if (d > radius_m || (n == limit && d >= out[n - 1].distance_m))
				continue;
			size_t at = n < limit ? n++ : n - 1;
			while (at > 0 && out[at - 1].distance_m > d) {
				out[at] = out[at - 1];
				at--;
			}
			fill_record(st, &out[at]);
			out[at].distance_m = d;
		}
		if (s != DB_DONE)
			return -1;
	}
	db_reset(st);
	return (long)n;
}

long lookup_autocomplete(struct db *db, const char *prefix, size_t limit, char (*out)[9])
{
	struct db_stmt *st = db_cached(db, "SELECT pc FROM postcodes WHERE pc >= ? AND pc < ?"
					   " ORDER BY pc LIMIT ?");
	char hi[9];
	size_t n = strlen(prefix);
	long count = 0;

	if (!st || n == 0 || n > 7)
		return -1;
	/* every string starting with prefix sorts below prefix + 0x7f */
	memcpy(hi, prefix, n);
	hi[n] = '\x7f';
	if (db_bind_text(st, 1, prefix, n) || db_bind_text(st, 2, hi, n + 1) ||
	    db_bind_int(st, 3, (long long)limit))
		return -1;
	while (db_step(st) == DB_ROW) {
		struct postcode pc;
		const char *s = db_col_text(st, 0);
		if (postcode_parse(s, strlen(s), &pc) == 0)
			memcpy(out[count++], pc.display, sizeof(pc.display));
	}
	db_reset(st);
	return count;
}

int lookup_random(struct db *db, const char *outcode, struct pc_record *out)
{
	struct db_stmt *pick = db_cached(db, "SELECT outcode FROM districts WHERE outcode >= ?"
					     " AND held > 0 ORDER BY outcode LIMIT 1");
	struct db_stmt *st = db_cached(db, "SELECT " PC_COLUMNS " FROM postcodes"
					   " WHERE pc >= ? AND pc < ? AND lat IS NOT NULL"
					   " ORDER BY pc LIMIT 1");
	char oc[5], lo[9], hi[9];
	int rc = -1;

	if (!pick || !st)
		return -1;
	if (outcode) {
		snprintf(oc, sizeof(oc), "%s", outcode);
	} else {
		/* a random point in the alphabet of districts, then the next one
		 * that holds postcodes (wrapping to the first): index walks only */
		char from[3] = { (char)('A' + rand() % 26), (char)('A' + rand() % 26), '\0' };
		for (int attempt = 0; attempt < 2; attempt++) {
			db_reset(pick);
			if (db_bind_text(pick, 1, attempt ? "" : from, attempt ? 0 : 2))
				goto done;
			enum db_step s = db_step(pick);
			if (s == DB_ROW)
				break;
			if (s != DB_DONE || attempt == 1) {
				rc = s == DB_DONE ? 0 : -1;
				goto done;
			}
		}
		snprintf(oc, sizeof(oc), "%s", db_col_text(pick, 0));
	}
	/* then a random point inside the district, taking the next postcode at
	 * or after it, or the district's first */
	snprintf(lo, sizeof(lo), "%s%c%c%c", oc, '0' + rand() % 10, 'A' + rand() % 26,
		 'A' + rand() % 26);
	snprintf(hi, sizeof(hi), "%s\x7f", oc);
	for (int attempt = 0; attempt < 2; attempt++) {
		db_reset(st);
		if (db_bind_str(st, 1, attempt ? oc : lo) ||
		    db_bind_str(st, 2, hi))
			goto done;
		enum db_step s = db_step(st);
		if (s == DB_ROW) {
			fill_record(st, out);
			rc = 1;
			goto done;
		}
		if (s != DB_DONE)
			goto done;
	}
	rc = 0;
done:
	db_reset(pick);
	db_reset(st);
	return rc;
}

const char *country_name(const struct pc_record *r)
{
	if (strcmp(r->country, "E92000001") == 0)
		return "England";
	if (strcmp(r->country, "S92000003") == 0)
		return "Scotland";
	if (strcmp(r->country, "W92000004") == 0)
		return "Wales";
	if (strncmp(r->pc.outcode, "BT", 2) == 0)
		return "Northern Ireland";
	/* a district-precision answer knows the country from its seat */
	switch (r->pcon2024[0]) {
	case 'E': return "England";
	case 'S': return "Scotland";
	case 'W': return "Wales";
	case 'N': return "Northern Ireland";
	default: return NULL;
	}
}
