/*
 * My Nearest Marginal as a page.  The form posts (so the postcode stays out
 * of URLs, browser history and proxy logs); the answer is rendered on the
 * server, map included, and works with no JavaScript at all.
 */
#include "home/pages.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "web/web.h"
#include "events/pages.h"
#include "foodbank/pages.h"
#include "groups/store.h"
#include "http/static.h"
#include "seats/map_svg.h"
#include "seats/nearest.h"
#include "tmpl/tmpl.h"

static const char *const election_years[] = { "2024", "2019", "2017" };
static const char *const form_parties[] = { "lab", "con", "ld", "snp", "pc", "green", "ruk" };

/* The form's fields, echoing what was asked (or the defaults). */
static json_t *form_ctx(const char *postcode, const char *election, const char *pct,
			const char *party)
{
	json_t *elections = json_array(), *parties = json_array();
	char sel[8];

	snprintf(sel, sizeof(sel), "%s", election && *election ? election : "2024");
	for (size_t i = 0; i < sizeof(election_years) / sizeof(*election_years); i++)
		json_array_append_new(elections,
				      json_pack("{s:s, s:b}", "year", election_years[i], "selected",
						strcmp(sel, election_years[i]) == 0));
	for (size_t i = 0; i < sizeof(form_parties) / sizeof(*form_parties); i++)
		json_array_append_new(parties,
				      json_pack("{s:s, s:s, s:b}", "code", form_parties[i], "name",
						party_name(form_parties[i]), "selected",
						party && strcmp(party, form_parties[i]) == 0));
	return json_pack("{s:s, s:o, s:s, s:o}", "postcode", postcode ? postcode : "",
			 "elections", elections, "max_pct", pct && *pct ? pct : "5", "parties",
			 parties);
}



/*
 * When no session is posted in any seat shown: what to do instead — call
 * from home, the local groups for the visitor's seat, and an alert for
 * when something is posted near.
 */
static json_t *nothing_near_ctx(struct db *db, const struct nearest_answer *a, const struct who *w)
{
	json_t *groups = json_array();
	if (*a->where.pcon2024)
		groups_covering(db, a->where.pcon2024, w ? w->actor.id : 0, json_id_name, groups);
	return json_pack("{s:s, s:o, s:b}", "postcode", a->where.pc.display, "groups", groups,
			 "signed_in", w && w->actor.id);
}

#define MAP_AFTER 3 /* marginals listed before the map */

/* The map's key, beside it rather than over its seats: each holding party
 * among the marginals once. */
static json_t *legend(const struct nearest_answer *a)
{
	json_t *parties = json_array();
	for (size_t i = 0; i < a->n; i++) {
		const struct seat_result *r = a->hits[i].r;
		size_t k;
		for (k = 0; k < i && strcmp(a->hits[k].r->first, r->first); k++)
			;
		if (k == i)
			json_array_append_new(
			    parties, json_pack("{s:s, s:s}", "colour", party_colour(r->first), "name",
					       result_party_name(r->first, r->first_label)));
	}
	return json_pack("{s:o, s:b}", "parties", parties, "own", a->own != NULL);
}

static json_t *answer_ctx(const struct app *app, struct db *db, const struct nearest_answer *a,
			  const struct who *w)
{
	size_t listed = 0;
	/* the first three, then the map (right under them on a phone), then the rest */
	json_t *list = json_array(), *rest = json_array();
	char km[32], pct[32];
	struct buf svg;

	for (size_t i = 0; i < a->n; i++) {
		const struct marginal_hit *h = &a->hits[i];
		const struct seat_result *r = h->r;
		const char *why = a->why[i][0] ? a->why[i] : NULL;
		/* an estimate is given to the km; the straight line (no field) as measured */
		if (h->road_km >= 0)
			snprintf(km, sizeof(km), "%.0f", h->road_km);
		else
			snprintf(km, sizeof(km), "%.1f", h->km);
		snprintf(pct, sizeof(pct), "%.1f", r->majority_pct);
		json_t *item = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:s*,"
					" s:s}",
					"rank", (json_int_t)(i + 1), "code", r->seat->code, "name",
					r->seat->name, "km", km, "winner",
					result_party_name(r->first, r->first_label), "runner_up",
					result_party_name(r->second, r->second_label), "colour",
					party_colour(r->first), "majority", (json_int_t)r->majority,
					"majority_pct", pct, "own", h->own, "stance",
					stance_name(h->stance), "turnout", "");
		json_object_set_new(item, "by_road", json_boolean(h->road_km >= 0));
		/* sessions are posted in 2024 seats: list them under each marginal */
		if (a->election->boundary_set == 2024) {
			json_t *sessions = sessions_in_seat_json(db, r->seat->code, 3);
			listed += json_array_size(sessions);
			json_object_set_new(item, "link", json_true());
			json_object_set_new(item, "sessions", sessions);
		}
		if (why)
			json_object_set_new(item, "why", json_string(why));
		json_array_append_new(i < MAP_AFTER ? list : rest, item);
	}
	buf_init(&svg, 4u << 20);
	map_svg_write(&svg, &app->seats, a);
	json_t *ctx = json_pack("{s:s, s:b, s:s*, s:I, s:o, s:o, s:i, s:b, s:s, s:o}", "postcode",
				a->where.pc.display, "district",
				a->where.precision == PRECISION_DISTRICT, "own_seat",
				a->own ? a->own->name : NULL, "election",
				(json_int_t)a->election->year, "marginals", list, "rest", rest,
				"rest_start", MAP_AFTER + 1, "none", a->n == 0, "map",
				svg.overflow ? "" : (svg.p ? svg.p : ""), "legend", legend(a));
	buf_release(&svg);
	if (!listed)
		json_object_set_new(ctx, "nothing_near", nothing_near_ctx(db, a, w));
	json_object_set_new(ctx, "foodbank", foodbank_nearest_json(db, a->where.lat, a->where.lon));
	return ctx;
}

/* The answer to a search form (body, n bytes); a good one posted is kept and
 * answered by redirect (search_or_redirect), so Back and bookmarks work. */
static void find_with(struct http_request *req, struct http_response *res, const char *body,
		      size_t n)
{
	struct app *app = req->app;
	struct qs form;
	struct nearest_params p;
	struct nearest_answer *a = arena_alloc(&req->arena, sizeof(*a));
	const char *err = NULL;
	struct db *db = NULL;
	int status = 400;

	if (qs_parse(&form, &req->arena, body, n)) {
		err = "The form could not be read. Please try again.";
		memset(&form, 0, sizeof(form));
	}
	const char *pc = qs_get(&form, "postcode"), *el = qs_get(&form, "election");
	const char *pct = qs_get(&form, "max_majority_pct"), *party = qs_get(&form, "party");
	if (!err && nearest_params_parse(&p, pc, el, pct, party, NULL, &err) == 0 &&
	    nearest_params_rank(&p, qs_get(&form, "rank"), &err) == 0) {
		/* the answer lists sessions too: those are the shared database's */
		struct db *ref = app_reference(app);
		if (!ref || !(db = app_db(app))) {
			err = "The service is busy. Please try again in a moment.";
			status = 503;
		} else {
			status = nearest_run(ref, db, &app->seats, &p, a, &err);
		}
	}
	if (status == 404)
		err = "We could not find that postcode. Check it and try again.";
	else if (status == 400 && err && strcmp(err, "Invalid postcode") == 0)
		err = "That does not look like a UK postcode. Try one like SW1A 1AA.";
	else if (status == 400 && err && strcmp(err, "Postcode required") == 0)
		err = "Please enter your postcode.";
	if (status == 200 && search_or_redirect(req, res, "/"))
		return;
	json_t *ctx = json_pack("{s:s, s:o, s:s*}", "title", "Find your nearest marginal",
				"form", form_ctx(pc, el, pct, party), "error",
				status == 200 ? NULL : err);
	struct who w;
	const struct who *visitor = who_load(req, res, &w) ? NULL : &w;
	if (status == 200) {
		json_object_set_new(ctx, "answer", answer_ctx(app, db, a, visitor));
		json_object_set_new(ctx, "title", json_string("Your nearest marginals"));
	}
	page_render(req, res, status, "home", ctx, visitor);
}

static void find(struct http_request *req, struct http_response *res)
{
	find_with(req, res, req->body.p ? req->body.p : "", req->body.len);
}

static void home(struct http_request *req, struct http_response *res)
{
	struct who w;
	const char *r = qs_get(&req->query, "r");
	size_t n;
	const char *kept = r ? recall_get(req, r, &n) : NULL;

	if (kept) {
		find_with(req, res, kept, n);
		return;
	}
	json_t *ctx = json_pack("{s:s, s:o, s:s*}", "title", "Find your nearest marginal", "form",
				form_ctx(NULL, NULL, NULL, NULL), "error",
				r ? "That search has expired: search again." : NULL);
	page_render(req, res, 200, "home", ctx, who_load(req, res, &w) ? NULL : &w);
}

static void static_file(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	const struct static_file *f = static_find(&app->statics, route_param(&req->params, "name"));
	const char *inm = http_header(req, "If-None-Match");

	if (!f) {
		http_error(res, 404, "Resource not found");
		return;
	}
	http_set_header(res, "ETag", f->etag);
	http_set_header(res, "Cache-Control", "public, max-age=3600");
	res->content_type = f->type;
	if (inm && strcmp(inm, f->etag) == 0) {
		res->status = 304;
		return;
	}
	res->status = 200;
	buf_put(&res->body, f->data, f->len);
}

/*
 * For a load balancer and an operator: 200 while this node can read and
 * write a sound database, 503 with the reason when it cannot — read-only,
 * damaged (the writer's hourly integrity check), writes failing in the
 * last minute, or unreadable.  Cheap: nothing here reads a table whole.
 */
static void health(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct db *db = app_db(app);
	struct db_health h;
	long unsent = 0;
	long long oldest = 0, now = time(NULL);
	const char *why = NULL;
	int readonly = db && db_readonly(db);

	db_writer_health(&app->writer, &h);
	if (!db)
		why = "the database cannot be opened";
	else if (outbox_depth(db, &unsent, &oldest))
		why = "the database cannot be read";
	else if (readonly)
		why = "the database is read-only: every change would be refused";
	else if (h.sound == 0)
		why = arena_printf(&req->arena, "the database is damaged: %s", h.detail);
	else if (h.write_failed_at > h.write_ok_at && now - h.write_failed_at < 60)
		why = "writes are failing";
	struct jw w;
	http_json(res, why ? 503 : 200);
	jw_init(&w, &res->body);
	jw_obj(&w);
	jw_key_int(&w, "status", why ? 503 : 200);
	if (why) {
		jw_key_str(&w, "error", why);
	}
	jw_key(&w, "result");
	jw_obj(&w);
	jw_key_int(&w, "seats", (long long)app->seats.n);
	jw_key_bool(&w, "database", db != NULL);
	jw_key_bool(&w, "writable", db && !readonly);
	jw_key_str(&w, "integrity", h.sound < 0 ? "unchecked" : h.sound ? "ok" : "damaged");
	jw_key_int(&w, "checked_at", h.checked_at);
	jw_key_int(&w, "checkpoint_at", h.checkpoint_at);
	jw_key_int(&w, "mail_unsent", unsent);
	jw_key_int(&w, "mail_oldest_s", oldest ? now - oldest : 0);
	jw_obj_end(&w);
	jw_obj_end(&w);
}

/*
 * The load balancer's two questions.  Live: the process answers (if not,
 * restart it).  Ready: it can serve now — its database answers and is at
 * the schema this build expects — so send it traffic; a node started
 * before another finished migrating, or whose database is failing over,
 * is live but not ready.
 */
static void live(struct http_request *req, struct http_response *res)
{
	(void)req;
	http_json(res, 200);
	buf_puts(&res->body, "{\"status\":200,\"result\":{\"live\":true}}");
}

static void ready(struct http_request *req, struct http_response *res)
{
	struct db *db = app_db(req->app);
	int at = db ? db_schema_version(db) : 0, want = db_schema_latest();
	const char *why = !db || !at ? "the database cannot be reached"
			  : at != want
			      ? arena_printf(&req->arena, "the database is at schema %d, this build expects %d",
					     at, want)
			      : NULL;
	struct jw w;
	http_json(res, why ? 503 : 200);
	jw_init(&w, &res->body);
	jw_obj(&w);
	jw_key_int(&w, "status", why ? 503 : 200);
	if (why)
		jw_key_str(&w, "error", why);
	jw_key(&w, "result");
	jw_obj(&w);
	jw_key_int(&w, "schema", at);
	jw_key_int(&w, "expects", want);
	jw_key_str(&w, "backend", db && db_postgresql(db) ? "postgresql" : "sqlite");
	jw_obj_end(&w);
	jw_obj_end(&w);
}

const struct http_route home_routes[] = {
	{ "GET", "/", home, ROUTE_PAGE, NULL },
	{ "POST", "/", find, ROUTE_PAGE, NULL },
	{ "GET", "/static/{name}", static_file, 0, NULL },
	{ "GET", "/healthz", health, 0, NULL },
	{ "GET", "/livez", live, 0, NULL },
	{ "GET", "/readyz", ready, 0, NULL },
};
const size_t home_nroutes = sizeof(home_routes) / sizeof(home_routes[0]);
