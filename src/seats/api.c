#include "seats/api.h"

#include <string.h>

#include "web/web.h"
#include "seats/nearest.h"
#include "util/jsonw.h"
#include "util/num.h"

static void marginals(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	const struct qs *q = &req->query;
	struct nearest_params p;
	struct nearest_answer *a = arena_alloc(&req->arena, sizeof(*a));
	const char *err;
	struct db *db = NULL;
	struct jw w;
	int status;

	if (nearest_params_parse(&p, qs_get(q, "postcode"), qs_get(q, "election"),
				 qs_get(q, "max_majority_pct"), qs_get(q, "party"),
				 qs_get(q, "limit"), &err) ||
	    nearest_params_rank(&p, qs_get(q, "rank"), &err)) {
		http_error(res, 400, err);
		return;
	}
	struct db *ref = app_reference(app);
	if (!ref || (p.by_need && !(db = app_db(app)))) {
		http_error(res, 503, "Database unavailable");
		return;
	}
	status = nearest_run(ref, p.by_need ? db : ref, &app->seats, &p, a, &err);
	if (status != 200) {
		http_error(res, status, err);
		return;
	}
	http_ok_begin(res, &w);
	nearest_json_write(&w, &p, a);
	jw_obj_end(&w);
}

/* ?election=, default 2024; NULL after answering 400. */
static const struct election *election_param(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	const char *s = qs_get(&req->query, "election");
	long year = 2024;

	if (s && (num_parse_long(s, strlen(s), 2017, 2024, &year) ||
		  !seats_election(&app->seats, (int)year))) {
		http_error(res, 400, "Invalid election: use 2017, 2019 or 2024");
		return NULL;
	}
	return seats_election(&app->seats, (int)year);
}

static void list_constituencies(struct http_request *req, struct http_response *res)
{
	const struct election *e = election_param(req, res);
	struct jw w;

	if (!e)
		return;
	http_ok_begin(res, &w);
	jw_arr(&w);
	for (size_t i = 0; i < e->n; i++) {
		const struct seat_result *r = &e->results[i];
		jw_obj(&w);
		jw_key_str(&w, "code", r->seat->code);
		jw_key_str(&w, "name", r->seat->name);
		jw_key_str(&w, "winner", r->first);
		jw_key_str(&w, "runner_up", r->second);
		jw_key_int(&w, "majority", r->majority);
		jw_key_num(&w, "majority_pct", r->majority_pct, 2);
		jw_key_num(&w, "latitude", r->seat->lat, 6);
		jw_key_num(&w, "longitude", r->seat->lon, 6);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static const struct seat_result *seat_param(struct http_request *req,
					    struct http_response *res, const struct election *e)
{
	const struct seat_result *r = election_result(e, route_param(&req->params, "code"));
	if (!r)
		http_error(res, 404, "Constituency not found for that election");
	return r;
}

static void get_constituency(struct http_request *req, struct http_response *res)
{
	const struct election *e = election_param(req, res);
	const struct seat_result *r = e ? seat_param(req, res, e) : NULL;
	struct jw w;

	if (!r)
		return;
	http_ok_begin(res, &w);
	seat_result_json_write(&w, r, e->year);
	jw_obj_end(&w);
}

static void get_boundary(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	const struct election *e = election_param(req, res);
	const struct seat_result *r = e ? seat_param(req, res, e) : NULL;
	struct db *db;

	if (!r)
		return;
	if (!(db = app_reference(app))) {
		http_error(res, 503, "Database unavailable");
		return;
	}
	/* a GeoJSON Feature, the stored geometry passed through untouched */
	struct jw w;
	jw_init(&w, &res->body);
	jw_obj(&w);
	jw_key_str(&w, "type", "Feature");
	jw_key(&w, "properties");
	jw_obj(&w);
	jw_key_str(&w, "code", r->seat->code);
	jw_key_str(&w, "name", r->seat->name);
	jw_key_int(&w, "boundary_set", r->seat->boundary_set);
	jw_obj_end(&w);
	jw_key(&w, "geometry");
	if (seat_geometry(db, r->seat, &res->body) != 1) {
		buf_reset(&res->body);
		http_error(res, 500, "Lookup failed");
		return;
	}
	jw_obj_end(&w);
	res->status = 200;
	res->content_type = "application/geo+json";
}

const struct http_route seats_routes[] = {
	{ "GET", "/api/v1/marginals", marginals, ROUTE_CORS, NULL },
	{ "GET", "/api/v1/constituencies", list_constituencies, ROUTE_CORS, NULL },
	{ "GET", "/api/v1/constituencies/{code}", get_constituency, ROUTE_CORS, NULL },
	{ "GET", "/api/v1/constituencies/{code}/boundary", get_boundary, ROUTE_CORS, NULL },
};
const size_t seats_nroutes = sizeof(seats_routes) / sizeof(seats_routes[0]);
