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

#include "web/web.h"
#include "campaigns/campaigns.h"
#include "seats/map_svg.h"

#define COVERAGE_DEFAULT_HOURS 30
#define COVERAGE_MARGIN_PCT 5.0

static double pledged_in(struct db *db, const char *seat)
{
	struct db_stmt *st = db_cached(db, "SELECT coalesce(sum((s.ends_at - s.starts_at) / 3600.0), 0)"
					   " FROM events e JOIN slots s ON s.event_id = e.id"
					   " JOIN signups g ON g.slot_id = s.id WHERE e.seat = ?"
					   " AND e.status = 'published' AND e.starts_at > ?"
					   " AND g.status = 'going'");
	double h = 0;
	if (st && db_bind_str(st, 1, seat) == 0 &&
	    db_bind_int(st, 2, (long long)time(NULL)) == 0 && db_step(st) == DB_ROW)
		h = db_col_double(st, 0);
	db_reset(st);
	return h;
}

static void coverage_page(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	static _Thread_local struct coverage_mark marks[700];
	size_t n = 0;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	/* organisers of any group, and admins, with a strong sign-in */
	struct db_stmt *org = db_cached(db, "SELECT count(*) FROM memberships WHERE person_id = ?"
					    " AND role = 'organiser'");
	struct target t = { 0, 0, 0 };
	if (org && db_bind_int(org, 1, w.actor.id) == 0 && db_step(org) == DB_ROW)
		t.organiser = db_col_int(org, 0) > 0;
	db_reset(org);
	if (!policy_allows(&w.actor, ACT_GROUP_MEMBERS, &t)) {
		page_message(req, res, 403, "Organisers only",
			     "The coverage view is for organisers and admins, signed in with password"
			     " and code.",
			     &w);
		return;
	}
	const struct election *e = seats_election(&app->seats, 2024);
	struct db_stmt *goal = db_cached(db, "SELECT coalesce(sum(c.goal_hours), 0), count(*)"
					     " FROM campaign_seats cs JOIN campaigns c"
					     " ON c.id = cs.campaign_id WHERE cs.seat = ? AND c.deadline > ?");
	json_t *rows = json_array();
	for (size_t i = 0; e && goal && i < e->n && n < 700; i++) {
		const struct seat_result *r = &e->results[i];
		double needed = 0;
		long targets = 0;
		db_reset(goal);
		if (db_bind_str(goal, 1, r->seat->code) == 0 &&
		    db_bind_int(goal, 2, (long long)time(NULL)) == 0 && db_step(goal) == DB_ROW) {
			needed = db_col_double(goal, 0);
			targets = (long)db_col_int(goal, 1);
		}
		int marginal = strcmp(r->first, "spk") && r->majority_pct < COVERAGE_MARGIN_PCT;
		if (!marginal && !targets)
			continue;
		if (!targets)
			needed = COVERAGE_DEFAULT_HOURS;
		double pledged = pledged_in(db, r->seat->code);
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
	db_reset(goal);
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
