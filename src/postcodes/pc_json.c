#include "postcodes/pc_json.h"

#include <jansson.h>
#include <string.h>

static void str_or_null(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str_or_null(w, s && *s ? s : NULL);
}

static const char *seat_name(const struct seats *seats, int set, const char *code)
{
	const struct seat *s = *code ? seats_find(seats, set, code) : NULL;
	return s ? s->name : NULL;
}

static void nulls(struct jw *w, const char *const *keys)
{
	for (; *keys; keys++) {
		jw_key(w, *keys);
		jw_null(w);
	}
}

void pc_json_write(struct jw *w, const struct pc_record *r, const struct seats *seats,
		   int with_distance)
{
	static const char *const unknown[] = { "nhs_ha", "european_electoral_region",
					       "primary_care_trust", "region", "lsoa", "msoa",
					       NULL };
	static const char *const unknown2[] = { "parish", "date_of_introduction", "ced", "ccg",
						"nuts", "pfa", NULL };
	static const char *const unknown_codes[] = { "parish", "ccg", "ccg_id", "ced", "nuts",
						     "lsoa", "msoa", "lau2", "pfa", NULL };
	jw_obj(w);
	str_or_null(w, "postcode", r->pc.display);
	jw_key(w, "quality");
	if (r->quality >= 0)
		jw_int(w, r->quality);
	else
		jw_null(w);
	jw_key(w, "eastings");
	if (r->eastings >= 0)
		jw_int(w, r->eastings);
	else
		jw_null(w);
	jw_key(w, "northings");
	if (r->northings >= 0)
		jw_int(w, r->northings);
	else
		jw_null(w);
	str_or_null(w, "country", country_name(r));
	nulls(w, unknown);
	jw_key(w, "longitude");
	if (r->positioned)
		jw_num(w, r->lon, 6);
	else
		jw_null(w);
	jw_key(w, "latitude");
	if (r->positioned)
		jw_num(w, r->lat, 6);
	else
		jw_null(w);
	str_or_null(w, "incode", r->pc.incode);
	str_or_null(w, "outcode", r->pc.outcode);
	str_or_null(w, "parliamentary_constituency", seat_name(seats, 2010, r->pcon2010));
	str_or_null(w, "parliamentary_constituency_2024", seat_name(seats, 2024, r->pcon2024));
	str_or_null(w, "admin_district", NULL);
	str_or_null(w, "admin_county", NULL);
	str_or_null(w, "admin_ward", NULL);
	nulls(w, unknown2);
	jw_key(w, "codes");
	jw_obj(w);
	str_or_null(w, "admin_district", r->admin_district);
	str_or_null(w, "admin_county", r->admin_county);
	str_or_null(w, "admin_ward", r->admin_ward);
	str_or_null(w, "nhs_ha", r->nhs_ha);
	str_or_null(w, "nhs_rha", r->nhs_rha);
	str_or_null(w, "parliamentary_constituency", r->pcon2010);
	str_or_null(w, "parliamentary_constituency_2024", r->pcon2024);
	nulls(w, unknown_codes);
	jw_obj_end(w);
	if (with_distance) {
		jw_key(w, "distance");
		jw_num(w, r->distance_m, 2);
	}
	jw_key(w, "precision");
	jw_str(w, r->precision == PRECISION_DISTRICT ? "district" : "postcode");
	jw_obj_end(w);
}

/* A stored JSON array of seat codes, written as names or as codes. */
static void seat_list(struct jw *w, const char *json, const struct seats *seats, int set,
		      int names)
{
	json_t *arr = json ? json_loads(json, 0, NULL) : NULL;
	size_t i;
	json_t *v;

	jw_arr(w);
	json_array_foreach(arr, i, v) {
		const char *code = json_string_value(v);
		const char *name = code && set ? seat_name(seats, set, code) : NULL;
		if (names && name)
			jw_str(w, name);
		else if (!names && code)
			jw_str(w, code);
	}
	jw_arr_end(w);
	json_decref(arr);
}

void district_json_write(struct jw *w, const struct district *d, const struct seats *seats)
{
	jw_obj(w);
	str_or_null(w, "outcode", d->outcode);
	jw_key(w, "longitude");
	if (d->positioned)
		jw_num(w, d->lon, 6);
	else
		jw_null(w);
	jw_key(w, "latitude");
	if (d->positioned)
		jw_num(w, d->lat, 6);
	else
		jw_null(w);
	jw_key(w, "eastings");
	if (d->eastings >= 0)
		jw_int(w, d->eastings);
	else
		jw_null(w);
	jw_key(w, "northings");
	if (d->northings >= 0)
		jw_int(w, d->northings);
	else
		jw_null(w);
	jw_key(w, "country");
	jw_arr(w);
	if (*d->uk_region) {
		const char *u = d->uk_region;
		/* the district list names English regions, and the other nations */
		int nation = !strcmp(u, "Scotland") || !strcmp(u, "Wales") ||
			     !strcmp(u, "Northern Ireland");
		jw_str(w, nation ? u : "England");
	}
	jw_arr_end(w);
	jw_key(w, "parliamentary_constituency");
	seat_list(w, d->seats2010, seats, 2010, 1);
	jw_key(w, "parliamentary_constituency_2024");
	seat_list(w, d->seats2024, seats, 2024, 1);
	jw_key(w, "admin_district");
	jw_arr(w);
	jw_arr_end(w);
	str_or_null(w, "town", d->town);
	str_or_null(w, "region", d->region);
	jw_key(w, "postcodes");
	jw_int(w, d->postcodes);
	jw_key(w, "active_postcodes");
	jw_int(w, d->active);
	jw_key(w, "codes");
	jw_obj(w);
	jw_key(w, "admin_district");
	if (d->admin_districts)
		seat_list(w, d->admin_districts, seats, 0, 0);
	else {
		jw_arr(w);
		jw_arr_end(w);
	}
	jw_key(w, "parliamentary_constituency");
	seat_list(w, d->seats2010, seats, 2010, 0);
	jw_key(w, "parliamentary_constituency_2024");
	seat_list(w, d->seats2024, seats, 2024, 0);
	jw_obj_end(w);
	jw_obj_end(w);
}
