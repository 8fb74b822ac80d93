/*
 * The organisers' coverage view: every 2024 marginal (majority under 5%)
 * and every target seat, hours pledged against hours needed — a target's
 * goal, or COVERAGE_DEFAULT_HOURS for a marginal no campaign names — as a
 * table and as a map shaded by coverage.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "campaigns/pages.h"
#include "campaigns/store.h"
#include "groups/store.h"
#include "seats/map_svg.h"
#include "web/web.h"

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

const struct http_route coverage_routes[] = {
	{ "GET", "/coverage", coverage_page, ROUTE_PAGE },
};
const size_t coverage_nroutes = sizeof(coverage_routes) / sizeof(coverage_routes[0]);
