/*
 * "Unseat X": target campaigns.  A campaign names one or more 2024 seats,
 * an optional opponent, a goal in volunteer-hours and a deadline; its
 * progress is rolled up from the sign-ups (hours pledged) and attendance
 * (hours attended) of sessions in its seats before the deadline.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "campaigns/pages.h"
#include "campaigns/store.h"

#include "web/web.h"
#include "auth/audit.h"
#include "events/pages.h"
#include "events/when.h"
#include "groups/store.h"
#include "postcodes/lookup.h"
#include "seats/map_svg.h"
#include "util/num.h"


struct listing {
	struct app *app;
	json_t *out;
};

/* A strong organiser of some group, or an admin: who sets campaigns and
 * reads the coverage view. */
static int organiser(struct db *db, const struct who *w)
{
	struct target t = { 0, w->actor.id && group_organises_any(db, w->actor.id) == 1, 0, 0 };
	return policy_allows(&w->actor, ACT_CAMPAIGN_CREATE, &t);
}

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
	    l->out, json_pack("{s:I, s:s, s:s*, s:s*, s:I, s:I, s:s, s:o, s:I, s:I, s:I}", "id",
			      (json_int_t)c->id, "name", c->name, "opponent", c->opponent, "group",
			      c->group,
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
		    json_pack("{s:s, s:o, s:b}", "title", "Target campaigns", "campaigns",
			      campaign_list(req->app, db, 0), "organiser", organiser(db, &w)),
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
	const char *name = json_string_value(json_object_get(c, "name"));
	json_t *ctx = json_pack("{s:s, s:[O]}", "title", name, "campaigns", c);
	page_og(req, ctx, name,
		arena_printf(&req->arena, "A goal of %lld volunteer-hours by %s: %lld pledged so far.",
			     (long long)json_integer_value(json_object_get(c, "goal_hours")),
			     json_string_value(json_object_get(c, "deadline")),
			     (long long)json_integer_value(json_object_get(c, "pledged_hours"))),
		arena_printf(&req->arena, "/campaigns/%ld", id));
	json_decref(c);
	page_render(req, res, 200, "campaigns", ctx, &w);
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

/* One line of the seats field: a 2024 code, a seat's name, or a postcode
 * in it; the seat, or NULL. */
static const struct seat *seat_pick(struct app *app, struct db *db, const char *s)
{
	const struct seat *seat = seats_find(&app->seats, 2024, s);
	struct postcode pc;
	struct pc_record r;

	for (size_t i = 0; !seat && i < app->seats.n; i++)
		if (app->seats.seats[i].boundary_set == 2024 &&
		    !strcasecmp(app->seats.seats[i].name, s))
			seat = &app->seats.seats[i];
	if (!seat && !postcode_parse(s, strlen(s), &pc) && lookup_postcode(db, &pc, &r) == 1)
		seat = seats_find(&app->seats, 2024, r.pcon2024);
	return seat;
}

/* Adds one seat as typed (NULL: it named none) to codes: NULL, or what is
 * wrong with it.  A group's campaign names only the seats the group covers. */
static const char *seat_add(struct http_request *req, struct db *db, long gid,
			    const struct seat *seat, const char *typed, const char **codes,
			    size_t *n)
{
	if (!seat)
		return arena_printf(&req->arena,
				    "\u201c%.60s\u201d is not a 2024 constituency: give seat names,"
				    " 2024 constituency codes (like E14001193) or postcodes, one a"
				    " line.",
				    typed);
	int covers = gid ? group_covers(db, gid, seat->code) : 1;
	if (covers < 0)
		return "The group's seats could not be read. Please try again.";
	if (!covers)
		return arena_printf(&req->arena,
				    "%s is not one of the group's seats: a group's campaign targets"
				    " the seats it covers.",
				    seat->name);
	if (*n == CAMPAIGN_SEATS_MAX)
		return "A campaign targets up to 20 seats.";
	codes[(*n)++] = seat->code;
	return NULL;
}

/*
 * The seats field into codes: a seat a line (a name, code or postcode), or
 * a line of several split by commas or spaces.  NULL, or what is wrong.
 */
static const char *seats_from_form(struct http_request *req, struct db *db, const char *field,
				   long gid, const char **codes, size_t *n)
{
	struct app *app = req->app;
	char *list = arena_strdup(&req->arena, field ? field : "");
	const char *why = NULL;

	*n = 0;
	for (char *save = NULL, *line = strtok_r(list, "\r\n;", &save); line && !why;
	     line = strtok_r(NULL, "\r\n;", &save)) {
		line += strspn(line, " \t");
		size_t len = strlen(line);
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		const struct seat *one = len ? seat_pick(app, db, line) : NULL;
		if (one) {
			why = seat_add(req, db, gid, one, line, codes, n);
			continue;
		}
		for (char *at = NULL, *part = strtok_r(line, ", \t", &at); part && !why;
		     part = strtok_r(NULL, ", \t", &at))
			why = seat_add(req, db, gid, seat_pick(app, db, part), part, codes, n);
	}
	return why ? why : *n ? NULL : "A campaign targets at least one seat.";
}

static void group_hint(long id, const char *name, void *arg)
{
	json_t *item = json_pack("{s:I, s:s, s:[]}", "id", (json_int_t)id, "name", name, "seats");
	json_array_append_new(arg, item);
}

static void seat_hint(const char *code, void *arg)
{
	struct listing *l = arg;
	const struct seat *s = seats_find(&l->app->seats, 2024, code);
	if (s)
		json_array_append_new(l->out, json_string(s->name));
}

/* The new-campaign form, empty or as typed with what is wrong beside its
 * field: the groups this visitor may set one for, with their seats. */
static void form_page(struct http_request *req, struct http_response *res, struct who *w,
		      struct db *db, int status, const struct qs *f, const char *field,
		      const char *why)
{
	json_t *groups = json_array();
	size_t i;
	json_t *g;
	const char *chosen = f ? qs_get(f, "group") : NULL;

	groups_of(db, w->actor.id, 0, 1, group_hint, groups);
	json_array_foreach(groups, i, g) {
		struct listing l = { req->app, json_object_get(g, "seats") };
		long id = (long)json_integer_value(json_object_get(g, "id"));
		group_seats(db, id, seat_hint, &l);
		json_object_set_new(g, "selected",
				    json_boolean(chosen && id == strtol(chosen, NULL, 10)));
	}
	json_t *ctx = json_pack("{s:s, s:o, s:b, s:s*}", "title", "New target campaign", "groups",
				groups, "national", w->actor.admin && w->actor.strong, "error", why);
	static const char *const fields[] = { "name", "opponent", "seats", "goal_hours",
					      "priority", "deadline" };
	for (size_t k = 0; f && k < sizeof(fields) / sizeof(fields[0]); k++) {
		const char *v = qs_get(f, fields[k]);
		json_object_set_new(ctx, arena_printf(&req->arena, "f_%s", fields[k]),
				    json_string(v ? v : ""));
	}
	if (field)
		json_object_set_new(ctx, arena_printf(&req->arena, "err_%s", field),
				    json_string(why));
	page_render(req, res, status, "campaign_new", ctx, w);
}

static void new_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (!organiser(db, &w)) {
		page_message(req, res, 403, "Organisers only",
			     "A group's organisers set its target campaigns, signed in with password"
			     " and code.",
			     &w);
		return;
	}
	form_page(req, res, &w, db, 200, NULL, NULL, NULL);
}

/* A campaign for a group's seats by its organisers, or a national one by
 * an admin. */
static void create(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	long goal, prio, gid = 0;
	time_t deadline;
	const char *codes[CAMPAIGN_SEATS_MAX];
	size_t n = 0;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	const char *g = qs_get(&f, "group");
	if (g && *g && num_parse_long(g, strlen(g), 1, 1L << 40, &gid))
		gid = -1;
	struct target t = { 0, gid > 0 && group_role_of(db, gid, w.actor.id) == ROLE_ORGANISER, 0, 0 };
	if (gid < 0 || !policy_allows(&w.actor, ACT_CAMPAIGN_CREATE, &t) ||
	    (!gid && !w.actor.admin)) {
		page_message(req, res, 403, "Organisers only",
			     "A group's organisers set campaigns for its seats, signed in with"
			     " password and code; national ones are set by admins.",
			     &w);
		return;
	}
	const char *name = qs_get(&f, "name"), *opp = qs_get(&f, "opponent");
	const char *gh = qs_get(&f, "goal_hours"), *p = qs_get(&f, "priority");
	const char *d = qs_get(&f, "deadline");
	const char *why = NULL, *field = NULL;
	if (!name || !*name || strlen(name) > 120 || (opp && strlen(opp) > 120))
		why = "A campaign needs a name (and any opponent) of up to 120 characters.",
		field = "name";
	else if ((why = seats_from_form(req, db, qs_get(&f, "seats"), gid, codes, &n)))
		field = "seats";
	else if (!gh || num_parse_long(gh, strlen(gh), 1, 10000000, &goal))
		why = "The goal is a number of volunteer-hours.", field = "goal_hours";
	else if (!p || num_parse_long(p, strlen(p), 1, 5, &prio))
		why = "Priority runs from 1 to 5.", field = "priority";
	else if (!d || london_parse(d, "23:59", &deadline) || deadline <= time(NULL))
		why = "The deadline is a date in the future, like 2027-05-06.", field = "deadline";
	if (why) {
		form_page(req, res, &w, db, 400, &f, field, why);
		return;
	}
	struct campaign_new c = { name, opp, goal, prio, w.actor.id, gid, deadline, n, codes };
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
	const char *winner = result_party_name(r->first, r->first_label);
	const char *runner = result_party_name(r->second, r->second_label);
	json_t *ctx = json_pack("{s:s, s:s, s:s, s:I, s:s, s:o, s:o}", "title", r->seat->name,
				"winner", winner, "runner_up", runner, "majority",
				(json_int_t)r->majority, "majority_pct", pct, "campaigns", mine,
				"sessions", sessions_in_seat_json(db, code, 20));
	page_og(req, ctx, r->seat->name,
		arena_printf(&req->arena,
			     "Held by %s by %ld votes (%s%%) over %s in 2024: help where it counts.",
			     winner, (long)r->majority, pct, runner),
		arena_printf(&req->arena, "/seats/%s", r->seat->code));
	page_render(req, res, 200, "seat", ctx, &w);
}

/*
 * The organisers' coverage view: every 2024 marginal (majority under 5%)
 * and every target seat, hours pledged against hours needed — a target's
 * goal, or COVERAGE_DEFAULT_HOURS for a marginal no campaign names — as a
 * table and as a map shaded by coverage.
 */
#define COVERAGE_DEFAULT_HOURS 30
#define COVERAGE_MARGIN_PCT 5.0

struct cover_row {
	const struct seat_result *r;
	double needed, pledged;
	long targets;
};

/* The seats still short of the most hours first; then the most marginal. */
static int by_gap(const void *a, const void *b)
{
	const struct cover_row *x = a, *y = b;
	double gx = x->needed - x->pledged, gy = y->needed - y->pledged;
	if (gx != gy)
		return gx < gy ? 1 : -1;
	return (x->r->majority_pct > y->r->majority_pct) - (x->r->majority_pct < y->r->majority_pct);
}

static void coverage_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	size_t n = 0;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (!organiser(db, &w)) {
		page_message(req, res, 403, "Organisers only",
			     "The coverage view is for organisers and admins, signed in with password"
			     " and code.",
			     &w);
		return;
	}
	const struct election *e = seats_election(&app->seats, 2024);
	size_t cap = e ? e->n : 0;
	struct cover_row *rows = arena_alloc(&req->arena, (cap + 1) * sizeof(*rows));
	struct coverage_mark *marks = arena_alloc(&req->arena, (cap + 1) * sizeof(*marks));
	time_t now = time(NULL);
	for (size_t i = 0; i < cap; i++) {
		struct cover_row *c = &rows[n];
		c->r = &e->results[i];
		seat_campaign_goal(db, c->r->seat->code, now, &c->needed, &c->targets);
		int marginal = strcmp(c->r->first, "spk") && c->r->majority_pct < COVERAGE_MARGIN_PCT;
		if (!marginal && !c->targets)
			continue;
		if (!c->targets)
			c->needed = COVERAGE_DEFAULT_HOURS;
		c->pledged = seat_pledged_hours(db, c->r->seat->code, now);
		n++;
	}
	qsort(rows, n, sizeof(*rows), by_gap);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct cover_row *c = &rows[i];
		double cov = c->needed > 0 ? c->pledged / c->needed : 1;
		char pct[16];
		marks[i] = (struct coverage_mark){ c->r->seat, cov > 1 ? 1 : cov };
		snprintf(pct, sizeof(pct), "%.1f", c->r->majority_pct);
		double gap = c->needed - c->pledged;
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I}", "code",
				    c->r->seat->code, "name", c->r->seat->name, "majority_pct", pct,
				    "target", c->targets > 0, "needed", (json_int_t)(c->needed + 0.5),
				    "pledged", (json_int_t)(c->pledged + 0.5), "gap",
				    (json_int_t)(gap > 0 ? gap + 0.5 : 0), "coverage_pct",
				    (json_int_t)(cov * 100 + 0.5)));
	}
	struct buf svg;
	char none[8], half[8], full[8];
	coverage_colour(0, none);
	coverage_colour(0.5, half);
	coverage_colour(1, full);
	buf_init(&svg, 4u << 20);
	map_svg_coverage(&svg, &app->seats, marks, n);
	page_render(req, res, 200, "coverage",
		    json_pack("{s:s, s:o, s:s, s:{s:s, s:s, s:s}}", "title", "Coverage", "seats", list,
			      "map", svg.overflow || !svg.p ? "" : svg.p, "legend", "none", none,
			      "half", half, "full", full),
		    &w);
	buf_release(&svg);
}

const struct http_route campaigns_routes[] = {
	{ "GET", "/coverage", coverage_page, ROUTE_PAGE, NULL },
	{ "GET", "/seats/{code}", seat_page, ROUTE_PAGE, NULL },
	{ "GET", "/campaigns", list_page, ROUTE_PAGE, NULL },
	{ "GET", "/campaigns/new", new_page, ROUTE_PAGE, NULL },
	{ "GET", "/campaigns/{id}", one_page, ROUTE_PAGE, NULL },
	{ "POST", "/campaigns", create, ROUTE_PAGE, NULL },
	{ "GET", "/api/v1/campaigns", list_api, 0, NULL },
};
const size_t campaigns_nroutes = sizeof(campaigns_routes) / sizeof(campaigns_routes[0]);
