#include "postcodes/pc_json.h"

#include <jansson.h>
#include <string.h>

static void str_or_null(struct jw *w, const char *key, const char *s)
{
	jw_key_str_or_null(w, key, s && *s ? s : NULL);
}

static const char *seat_name(const struct seats *seats, int set, const char *code)
{
	const struct seat *s = *code ? seats_find(seats, set, code) : NULL;
	return s ? s->name : NULL;
}

/* Negative counts and grid references are unknown. */
static void count_or_null(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	if (v >= 0)
		jw_int(w, v);
	else
		jw_null(w);
}

static void coord_or_null(struct jw *w, const char *key, int positioned, double v)
{
	jw_key(w, key);
	if (positioned)
		jw_num(w, v, 6);
	else
		jw_null(w);
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
	count_or_null(w, "quality", r->quality);
	count_or_null(w, "eastings", r->eastings);
	count_or_null(w, "northings", r->northings);
	str_or_null(w, "country", country_name(r));
	nulls(w, unknown);
	coord_or_null(w, "longitude", r->positioned, r->lon);
	coord_or_null(w, "latitude", r->positioned, r->lat);
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
		jw_key_num(w, "distance", r->distance_m, 2);
	}
	jw_key_str(w, "precision", r->precision == PRECISION_DISTRICT ? "district" : "postcode");
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
	coord_or_null(w, "longitude", d->positioned, d->lon);
	coord_or_null(w, "latitude", d->positioned, d->lat);
	count_or_null(w, "eastings", d->eastings);
	count_or_null(w, "northings", d->northings);
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
	jw_key_int(w, "postcodes", d->postcodes);
	jw_key_int(w, "active_postcodes", d->active);
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
