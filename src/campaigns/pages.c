/*
 * "Unseat X": target campaigns.  A campaign names one or more 2024 seats,
 * an optional opponent, a goal in volunteer-hours and a deadline; its
 * progress is rolled up from the sign-ups (hours pledged) and attendance
 * (hours attended) of sessions in its seats before the deadline.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "campaigns/pages.h"
#include "campaigns/store.h"

#include "web/web.h"
#include "auth/audit.h"
#include "events/pages.h"
#include "events/when.h"
#include "groups/store.h"
#include "seats/map_svg.h"
#include "util/num.h"


struct listing {
	struct app *app;
	json_t *out;
};

static void campaign_item(const struct campaign *c, void *arg)
{
	struct listing *l = arg;
	json_t *names = json_array();
	for (size_t i = 0; i < c->nseats; i++) {
		const struct seat *s = seats_find(&l->app->seats, 2024, c->seats[i]);
		json_array_append_new(names, json_pack("{s:s, s:s}", "code", c->seats[i], "name",
						       s ? s->name : c->seats[i]));
	}
	struct tm tm;
	char when[32];
	london_tm(c->deadline, &tm);
	strftime(when, sizeof(when), "%e %B %Y", &tm);
	double goal = c->goal_hours;
	json_array_append_new(
	    l->out, json_pack("{s:I, s:s, s:s*, s:I, s:I, s:s, s:o, s:I, s:I, s:I}", "id",
			      (json_int_t)c->id, "name", c->name, "opponent", c->opponent,
			      "goal_hours", (json_int_t)goal, "priority", (json_int_t)c->priority,
			      "deadline", when, "seats", names, "pledged_hours",
			      (json_int_t)(c->pledged_hours + 0.5), "attended_hours",
			      (json_int_t)(c->attended_hours + 0.5), "pledged_pct",
			      (json_int_t)(goal > 0 ? 100 * c->pledged_hours / goal + 0.5 : 0)));
}

static json_t *campaign_list(struct app *app, struct db *db, long only)
{
	struct listing l = { app, json_array() };
	campaigns_each(db, only, campaign_item, &l);
	return l.out;
}

static void list_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	page_render(req, res, 200, "campaigns",
		    json_pack("{s:s, s:o}", "title", "Target campaigns", "campaigns",
			      campaign_list(req->app, db, 0)),
		    &w);
}

static void one_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	long id = route_id(&req->params, "id");
	json_t *list = id ? campaign_list(req->app, db, id) : json_array();
	if (json_array_size(list) != 1) {
		json_decref(list);
		page_message(req, res, 404, "Not found", "There is no such campaign.", &w);
		return;
	}
	json_t *c = json_incref(json_array_get(list, 0));
	json_decref(list);
	json_object_set_new(c, "title", json_string(json_string_value(json_object_get(c, "name"))));
	page_render(req, res, 200, "campaigns", json_pack("{s:s, s:[o]}", "title",
							  json_string_value(json_object_get(c, "name")),
							  "campaigns", c),
		    &w);
}

static void list_api(struct http_request *req, struct http_response *res)
{
	struct db *db = app_db(req->app);
	if (!db) {
		http_error(res, 503, "Database unavailable");
		return;
	}
	api_json(res, campaign_list(req->app, db, 0));
}

static void create(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	struct qs f;
	long goal, prio;
	time_t deadline;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (!policy_allows(&w.actor, ACT_ADMIN, NULL)) {
		page_message(req, res, 403, "Admins only", "Target campaigns are set by national admins.", &w);
		return;
	}
	if (form_or_answer(req, res, &w, &f))
		return;
	const char *name = qs_get(&f, "name"), *opp = qs_get(&f, "opponent"), *g = qs_get(&f, "goal_hours");
	const char *p = qs_get(&f, "priority"), *d = qs_get(&f, "deadline"), *seats = qs_get(&f, "seats");
	const char *why = NULL, *field = NULL;
	if (!name || !*name || strlen(name) > 120 || (opp && strlen(opp) > 120))
		why = "A campaign needs a name (and any opponent) of up to 120 characters.",
		field = "name";
	else if (!g || num_parse_long(g, strlen(g), 1, 10000000, &goal))
		why = "The goal is a number of volunteer-hours.", field = "goal_hours";
	else if (!p || num_parse_long(p, strlen(p), 1, 5, &prio))
		why = "Priority runs from 1 to 5.", field = "priority";
	else if (!d || london_parse(d, "23:59", &deadline) || deadline <= time(NULL))
		why = "The deadline is a date in the future, like 2027-05-06.", field = "deadline";
	const char *codes[CAMPAIGN_SEATS_MAX];
	size_t n = 0;
	char *list = arena_strdup(&req->arena, seats ? seats : "");
	for (char *save = NULL, *tok = strtok_r(list, ", \t\r\n", &save); !why && tok;
	     tok = strtok_r(NULL, ", \t\r\n", &save)) {
		if (n == CAMPAIGN_SEATS_MAX || !seats_find(&app->seats, 2024, tok))
			why = "Seats are up to 20 known 2024 constituency codes, like E14001193.",
			field = "seats";
		else
			codes[n++] = tok;
	}
	if (!why && n == 0)
		why = "A campaign targets at least one seat.", field = "seats";
	if (why) {
		/* the form again, as typed, with the field at fault marked */
		json_t *ctx = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title",
					"New target campaign", "error", why, "f_name", name ? name : "",
					"f_opponent", opp ? opp : "", "f_seats", seats ? seats : "",
					"f_goal_hours", g ? g : "", "f_priority", p ? p : "",
					"f_deadline", d ? d : "");
		json_object_set_new(ctx, arena_printf(&req->arena, "err_%s", field), json_string(why));
		page_render(req, res, 400, "campaign_new", ctx, &w);
		return;
	}
	struct campaign_new c = { name, opp, goal, prio, w.actor.id, deadline, n, codes };
	long cid;
	if (campaign_create(db, &c, &cid) != 1) {
		page_sorry(req, res, "The campaign could not be saved.", &w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/campaigns/%ld", cid));
}

/* A seat's page: its 2024 result, the campaigns that target it with their
 * progress, and its upcoming sessions. */
static void seat_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	const char *code = route_param(&req->params, "code");
	const struct election *e = seats_election(&app->seats, 2024);
	const struct seat_result *r = e ? election_result(e, code) : NULL;

	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	if (!r) {
		page_message(req, res, 404, "Not found", "There is no such 2024 constituency.", &w);
		return;
	}
	json_t *all = campaign_list(app, db, 0), *mine = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(all, i, c) {
		size_t k;
		json_t *s;
		json_array_foreach(json_object_get(c, "seats"), k, s)
			if (!strcmp(json_string_value(json_object_get(s, "code")), code))
				json_array_append(mine, c);
	}
	json_decref(all);
	char pct[16];
	snprintf(pct, sizeof(pct), "%.1f", r->majority_pct);
	page_render(req, res, 200, "seat",
		    json_pack("{s:s, s:s, s:s, s:I, s:s, s:o, s:o}", "title", r->seat->name,
			      "winner", result_party_name(r->first, r->first_label), "runner_up",
			      result_party_name(r->second, r->second_label), "majority",
			      (json_int_t)r->majority, "majority_pct", pct, "campaigns", mine,
			      "sessions", sessions_in_seat_json(db, code, 20)),
		    &w);
}

/*
 * The organisers' coverage view: every 2024 marginal (majority under 5%)
 * and every target seat, hours pledged against hours needed — a target's
 * goal, or COVERAGE_DEFAULT_HOURS for a marginal no campaign names — as a
 * table and as a map shaded by coverage.
 */
#define COVERAGE_DEFAULT_HOURS 30
#define COVERAGE_MARGIN_PCT 5.0

static void coverage_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	struct coverage_mark *marks = NULL;
	size_t n = 0;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	/* organisers of any group, and admins, with a strong sign-in */
	struct target t = { 0, group_organises_any(db, w.actor.id) == 1, 0 };
	if (!policy_allows(&w.actor, ACT_GROUP_MEMBERS, &t)) {
		page_message(req, res, 403, "Organisers only",
			     "The coverage view is for organisers and admins, signed in with password"
			     " and code.",
			     &w);
		return;
	}
	const struct election *e = seats_election(&app->seats, 2024);
	json_t *rows = json_array();
	time_t now = time(NULL);
	if (e)
		marks = arena_alloc(&req->arena, (e->n + 1) * sizeof(*marks));
	for (size_t i = 0; e && i < e->n; i++) {
		const struct seat_result *r = &e->results[i];
		double needed;
		long targets;
		seat_campaign_goal(db, r->seat->code, now, &needed, &targets);
		int marginal = strcmp(r->first, "spk") && r->majority_pct < COVERAGE_MARGIN_PCT;
		if (!marginal && !targets)
			continue;
		if (!targets)
			needed = COVERAGE_DEFAULT_HOURS;
		double pledged = seat_pledged_hours(db, r->seat->code, now);
		double cov = needed > 0 ? pledged / needed : 1;
		marks[n].seat = r->seat;
		marks[n].coverage = cov > 1 ? 1 : cov;
		n++;
		char pct[16];
		snprintf(pct, sizeof(pct), "%.1f", r->majority_pct);
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:I}", "code",
						      r->seat->code, "name", r->seat->name,
						      "majority_pct", pct, "target", targets > 0,
						      "needed", (json_int_t)(needed + 0.5), "pledged",
						      (json_int_t)(pledged + 0.5), "coverage_pct",
						      (json_int_t)(cov * 100 + 0.5)));
	}
	struct buf svg;
	buf_init(&svg, 4u << 20);
	map_svg_coverage(&svg, &app->seats, marks, n);
	page_render(req, res, 200, "coverage",
		    json_pack("{s:s, s:o, s:s}", "title", "Coverage", "seats", rows, "map",
			      svg.overflow || !svg.p ? "" : svg.p),
		    &w);
	buf_release(&svg);
}

const struct http_route campaigns_routes[] = {
	{ "GET", "/coverage", coverage_page, ROUTE_PAGE, NULL },
	{ "GET", "/seats/{code}", seat_page, ROUTE_PAGE, NULL },
	{ "GET", "/campaigns", list_page, ROUTE_PAGE, NULL },
	{ "GET", "/campaigns/{id}", one_page, ROUTE_PAGE, NULL },
	{ "POST", "/admin/campaigns", create, ROUTE_PAGE, NULL },
	{ "GET", "/api/v1/campaigns", list_api, 0, NULL },
};
const size_t campaigns_nroutes = sizeof(campaigns_routes) / sizeof(campaigns_routes[0]);
