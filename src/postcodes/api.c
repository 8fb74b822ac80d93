#include "postcodes/api.h"

#include <jansson.h>
#include <string.h>

#include "web/web.h"
#include "postcodes/lookup.h"
#include "postcodes/pc_json.h"
#include "util/jsonw.h"
#include "util/num.h"

static struct db *db_or_fail(struct http_request *req, struct http_response *res)
{
	struct db *db = app_reference(req->app);
	if (!db)
		http_error(res, 503, "Database unavailable");
	return db;
}

static void get_postcode(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	const char *raw = route_param(&req->params, "pc");
	struct postcode pc;
	struct pc_record r;
	struct jw w;
	struct db *db;

	if (postcode_parse(raw, strlen(raw), &pc)) {
		http_error(res, 404, "Invalid postcode");
		return;
	}
	if (!(db = db_or_fail(req, res)))
		return;
	switch (lookup_postcode_or_district(db, &pc, &r)) {
	case 1:
		http_ok_begin(res, &w);
		pc_json_write(&w, &r, &app->seats, 0);
		jw_obj_end(&w);
		break;
	case 0: http_error(res, 404, "Postcode not found"); break;
	default: http_error(res, 500, "Lookup failed");
	}
}

static void validate_postcode(struct http_request *req, struct http_response *res)
{
	const char *raw = route_param(&req->params, "pc");
	struct postcode pc;
	struct pc_record r;
	struct jw w;
	struct db *db;
	int found = 0;

	if (postcode_parse(raw, strlen(raw), &pc) == 0) {
		if (!(db = db_or_fail(req, res)))
			return;
		found = lookup_postcode(db, &pc, &r);
		if (found < 0) {
			http_error(res, 500, "Lookup failed");
			return;
		}
	}
	http_ok_begin(res, &w);
	jw_bool(&w, found == 1);
	jw_obj_end(&w);
}

/* limit from the query: def when absent; -1 when present but not 1..max. */
static long query_limit(const struct http_request *req, long def, long max)
{
	const char *s = qs_get(&req->query, "limit");
	long v;

	if (!s)
		return def;
	if (num_parse_long(s, strlen(s), 1, max, &v))
		return -1;
	return v;
}

static void autocomplete(struct http_request *req, struct http_response *res)
{
	const char *raw = route_param(&req->params, "pc");
	char prefix[8], out[REVERSE_MAX_LIMIT][9];
	long limit = query_limit(req, 10, REVERSE_MAX_LIMIT), n = 0;
	struct jw w;
	struct db *db;

	if (limit < 0) {
		http_error(res, 400, "Invalid limit: use a number from 1 to 100");
		return;
	}
	if (postcode_prefix(raw, strlen(raw), prefix) == 0) {
		if (!(db = db_or_fail(req, res)))
			return;
		n = lookup_autocomplete(db, prefix, (size_t)limit, out);
		if (n < 0) {
			http_error(res, 500, "Lookup failed");
			return;
		}
	}
	http_ok_begin(res, &w);
	if (n == 0) {
		jw_null(&w);
	} else {
		jw_arr(&w);
		for (long i = 0; i < n; i++)
			jw_str(&w, out[i]);
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
}

static void bulk_lookup(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	const char *type = http_header(req, "Content-Type");
	json_error_t je;
	json_t *root = NULL, *list, *item;
	struct jw w;
	struct db *db;
	size_t i;

	if (type && strncmp(type, "application/json", 16) != 0) {
		http_error(res, 415, "Content-Type must be application/json");
		return;
	}
	root = json_loadb(req->body.p ? req->body.p : "", req->body.len, JSON_REJECT_DUPLICATES,
			  &je);
	if (!root || !json_is_object(root)) {
		http_error(res, 400,
			   "Invalid JSON submitted. You need to submit a JSON object with an array "
			   "of postcodes or geolocation objects. Also ensure that Content-Type is "
			   "set to application/json");
		goto done;
	}
	list = json_object_get(root, "postcodes");
	if (!json_is_array(list)) {
		http_error(res, 400, "Invalid data submitted. You need to provide a JSON array");
		goto done;
	}
	if (json_array_size(list) > BULK_MAX_POSTCODES) {
		http_error(res, 400, "Too many postcodes submitted. Up to 100 postcodes can be "
				     "bulk requested at a time");
		goto done;
	}
	if (!(db = db_or_fail(req, res)))
		goto done;
	http_ok_begin(res, &w);
	jw_arr(&w);
	json_array_foreach(list, i, item) {
		struct postcode pc;
		struct pc_record r;
		const char *q = json_string_value(item);
		int found = 0;

		if (q && postcode_parse(q, json_string_length(item), &pc) == 0) {
			found = lookup_postcode_or_district(db, &pc, &r);
			if (found < 0) {
				http_error(res, 500, "Lookup failed");
				goto done;
			}
		}
		jw_obj(&w);
		jw_key(&w, "query");
		if (q)
			jw_strn(&w, q, json_string_length(item));
		else
			jw_null(&w);
		jw_key(&w, "result");
		if (found == 1)
			pc_json_write(&w, &r, &app->seats, 0);
		else
			jw_null(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
done:
	json_decref(root);
}

static const char *either(const struct http_request *req, const char *a, const char *b)
{
	const char *v = qs_get(&req->query, a);
	return v ? v : qs_get(&req->query, b);
}

static void nearby(struct http_request *req, struct http_response *res, double lat, double lon);

static void reverse(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	const char *slon = either(req, "lon", "longitude");
	const char *slat = either(req, "lat", "latitude");
	const char *q = either(req, "q", "query");
	double lat, lon;
	long limit = query_limit(req, 10, REVERSE_MAX_LIMIT);
	long n;
	struct jw w;
	struct db *db;

	if (!slon && !slat && q) {
		/* postcodes.io's prefix search: the autocomplete list, in full */
		char prefix[8], codes[REVERSE_MAX_LIMIT][9];
		if (limit < 0) {
			http_error(res, 400, "Invalid limit: use a number from 1 to 100");
			return;
		}
		if (!(db = db_or_fail(req, res)))
			return;
		n = postcode_prefix(q, strlen(q), prefix) ? 0
							  : lookup_autocomplete(db, prefix, (size_t)limit, codes);
		if (n < 0) {
			http_error(res, 500, "Lookup failed");
			return;
		}
		http_ok_begin(res, &w);
		if (n == 0)
			jw_null(&w);
		else
			jw_arr(&w);
		for (long i = 0; i < n; i++) {
			struct postcode pc;
			struct pc_record r;
			if (postcode_parse(codes[i], strlen(codes[i]), &pc) == 0 &&
			    lookup_postcode(db, &pc, &r) == 1)
				pc_json_write(&w, &r, &app->seats, 0);
		}
		if (n)
			jw_arr_end(&w);
		jw_obj_end(&w);
		return;
	}
	if (!slon && !slat) {
		http_error(res, 400,
			   "No postcode query submitted. Remember to include query parameter");
		return;
	}
	if (!slon || !slat || num_parse_double(slon, strlen(slon), -180, 180, &lon) ||
	    num_parse_double(slat, strlen(slat), -90, 90, &lat)) {
		http_error(res, 400, "Invalid longitude/latitude submitted");
		return;
	}
	nearby(req, res, lat, lon);
}

/*
 * Postcodes around a point, as postcodes.io answers them: radius in metres
 * (default 100, larger values capped at 2,000), limit 1..100 (default 10);
 * `widesearch` looks as far as 20 km for up to 10, widening in steps so a
 * dense city costs no more than it must.
 */
static void nearby(struct http_request *req, struct http_response *res, double lat, double lon)
{
	static const double wide_steps[] = { 100, 1000, 5000, WIDESEARCH_RADIUS_M };
	struct app *app = req->app;
	const char *srad = qs_get(&req->query, "radius");
	const char *wide = either(req, "widesearch", "wideSearch");
	long limit = query_limit(req, 10, REVERSE_MAX_LIMIT);
	double radius = 100;
	struct pc_record *found;
	struct jw w;
	struct db *db;
	long n = 0;

	if (limit < 0) {
		http_error(res, 400, "Invalid limit: use a number from 1 to 100");
		return;
	}
	if (srad && num_parse_double(srad, strlen(srad), 0, 1e9, &radius)) {
		http_error(res, 400, "Invalid radius: use a number of metres");
		return;
	}
	if (radius > REVERSE_MAX_RADIUS_M)
		radius = REVERSE_MAX_RADIUS_M;
	int widesearch = wide && (strcmp(wide, "true") == 0 || strcmp(wide, "1") == 0);
	if (widesearch && limit > WIDESEARCH_MAX_LIMIT)
		limit = WIDESEARCH_MAX_LIMIT;
	if (!(db = db_or_fail(req, res)))
		return;
	found = arena_alloc(&req->arena, (size_t)limit * sizeof(*found));
	for (size_t step = 0; step < (widesearch ? 4u : 1u) && n < limit; step++) {
		n = lookup_nearby(db, lat, lon, widesearch ? wide_steps[step] : radius,
				  (size_t)limit, found);
		if (n < 0) {
			http_error(res, 500, "Lookup failed");
			return;
		}
	}
	http_ok_begin(res, &w);
	if (n == 0) {
		jw_null(&w);
	} else {
		jw_arr(&w);
		for (long i = 0; i < n; i++)
			pc_json_write(&w, &found[i], &app->seats, 1);
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
}

static void nearest_postcodes(struct http_request *req, struct http_response *res)
{
	const char *raw = route_param(&req->params, "pc");
	struct postcode pc;
	struct pc_record r;
	struct db *db;

	if (postcode_parse(raw, strlen(raw), &pc)) {
		http_error(res, 404, "Invalid postcode");
		return;
	}
	if (!(db = db_or_fail(req, res)))
		return;
	int found = lookup_postcode(db, &pc, &r);
	if (found < 0) {
		http_error(res, 500, "Lookup failed");
		return;
	}
	if (found == 0 || !r.positioned) {
		http_error(res, 404, "Postcode not found");
		return;
	}
	nearby(req, res, r.lat, r.lon);
}

static void random_postcode(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	const char *want = qs_get(&req->query, "outcode");
	char oc[5] = "";
	struct pc_record r;
	struct jw w;
	struct db *db;

	if (want && postcode_parse_outcode(want, strlen(want), oc)) {
		http_error(res, 404, "Outcode not found");
		return;
	}
	if (!(db = db_or_fail(req, res)))
		return;
	int found = lookup_random(db, *oc ? oc : NULL, &r);
	if (found < 0) {
		http_error(res, 500, "Lookup failed");
		return;
	}
	http_ok_begin(res, &w);
	if (found)
		pc_json_write(&w, &r, &app->seats, 0);
	else
		jw_null(&w);
	jw_obj_end(&w);
}

static void outcode(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	const char *raw = route_param(&req->params, "outcode");
	char oc[5];
	struct district d;
	struct jw w;
	struct db *db;

	if (postcode_parse_outcode(raw, strlen(raw), oc)) {
		http_error(res, 404, "Outcode not found");
		return;
	}
	if (!(db = db_or_fail(req, res)))
		return;
	switch (lookup_district(db, oc, &d)) {
	case 1:
		http_ok_begin(res, &w);
		district_json_write(&w, &d, &app->seats);
		jw_obj_end(&w);
		district_release(&d);
		break;
	case 0: http_error(res, 404, "Outcode not found"); break;
	default: http_error(res, 500, "Lookup failed");
	}
}

const struct http_route postcodes_routes[] = {
	{ "GET", "/postcodes/{pc}", get_postcode, ROUTE_CORS, NULL },
	{ "GET", "/postcodes/{pc}/validate", validate_postcode, ROUTE_CORS, NULL },
	{ "GET", "/postcodes/{pc}/autocomplete", autocomplete, ROUTE_CORS, NULL },
	{ "POST", "/postcodes", bulk_lookup, ROUTE_CORS, NULL },
	{ "GET", "/postcodes", reverse, ROUTE_CORS, NULL },
	{ "GET", "/postcodes/{pc}/nearest", nearest_postcodes, ROUTE_CORS, NULL },
	{ "GET", "/random/postcodes", random_postcode, ROUTE_CORS, NULL },
	{ "GET", "/outcodes/{outcode}", outcode, ROUTE_CORS, NULL },
};
const size_t postcodes_nroutes = sizeof(postcodes_routes) / sizeof(postcodes_routes[0]);
