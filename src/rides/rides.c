/*
 * Carpool for a session: drivers offer seats from a postcode, riders ask
 * for a ride from theirs.  Until a driver accepts, each side sees only the
 * other's first name and postcode district; once accepted, the exact
 * pick-up and contact details are shared with both.  Claiming a seat is
 * one conditional UPDATE, checked again by the schema, so concurrent
 * accepts never overbook.  Candidate drivers are ranked by added detour
 * with the rules of rides/match.h; the batch matcher (rides/suggest.c)
 * suggests riders to drivers, who may invite them, and finds a new driver
 * for riders whose driver withdraws.
 *
 * A request is 'open' (looking), 'asked' (waiting for an answer: from the
 * driver, or from the rider when invited = 1), 'accepted', 'declined' (the
 * last driver asked said no) or 'cancelled'.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/web.h"
#include "auth/audit.h"
#include "events/events.h"
#include "events/ics.h"
#include "events/when.h"
#include "groups/groups.h"
#include "people/people.h"
#include "postcodes/lookup.h"
#include "rides/match.h"
#include "rides/rides.h"
#include "util/mem.h"
#include "util/num.h"

static void tell(struct http_request *req, struct db *db, long person, const char *subject,
		 const char *text, long event_id);

/* Signed in, the session there, and for a POST a form with a good token. */
static int begin(struct http_request *req, struct http_response *res, struct who *w, struct db **db,
		 struct event *e, struct qs *form)
{
	if (visit_or_answer(req, res, w, db, VISIT_SIGNED_IN))
		return -1;
	long id = route_id(&req->params, "id");
	if (e && (!id || event_get(*db, id, e) != 1 || e->draft || e->awaiting)) {
		page_message(req, res, 404, "Not found", "There is no such session.", w);
		return -1;
	}
	if (form && form_or_answer(req, res, w, form))
		return -1;
	return 0;
}

static int place(struct db *db, const char *pc, struct pc_record *r)
{
	struct postcode p;
	return pc && postcode_parse(pc, strlen(pc), &p) == 0 &&
		       lookup_postcode_or_district(db, &p, r) == 1 && r->positioned
		   ? 0
		   : -1;
}

/* Binds a place as (postcode, lat, lon, district) from parameter i on. */
static int bind_place(struct db_stmt *st, int i, const struct pc_record *r)
{
	return db_bind_str(st, i, r->pc.display) ||
	       db_bind_double(st, i + 1, r->lat) || db_bind_double(st, i + 2, r->lon) ||
	       db_bind_str(st, i + 3, r->pc.outcode);
}

/* 1 when the session already holds `max` live rows of this kind. */
static int session_full(struct db *db, long event_id, int offers)
{
	struct db_stmt *st = db_cached(db, offers ? "SELECT count(*) FROM ride_offers"
						    " WHERE event_id = ? AND status = 'open'"
						  : "SELECT count(*) FROM ride_requests"
						    " WHERE event_id = ? AND state != 'cancelled'");
	long n = 0;
	if (st && db_bind_int(st, 1, event_id) == 0 && db_step(st) == DB_ROW)
		n = (long)db_col_int(st, 0);
	db_reset(st);
	return !st || n >= (offers ? RIDES_MAX_OFFERS : RIDES_MAX_REQUESTS);
}

static int has_offer(struct db *db, long event_id, long driver)
{
	struct db_stmt *st = db_cached(db, "SELECT 1 FROM ride_offers WHERE event_id = ?"
					   " AND driver_id = ? AND status = 'open'");
	int yes = st && db_bind_int(st, 1, event_id) == 0 && db_bind_int(st, 2, driver) == 0 &&
		  db_step(st) == DB_ROW;
	db_reset(st);
	return yes;
}

/* A driver's car on the day: who is picked up where, in order, and when. */
struct ride_stop {
	long request_id, rider_id;
	char first[64], postcode[9];
	time_t at;
};

struct ride_plan {
	long offer_id, driver_id;
	char driver[64], start[9];
	time_t depart, arrive;
	int n;
	struct ride_stop stops[MATCH_MAX_SEATS];
};

static time_t add_minutes(time_t t, double min)
{
	return t + (time_t)(min * 60.0 + 0.5);
}

/* The accepted riders in the shortest pick-up order (match_order). */
static int plan_load(struct db *db, long offer_id, struct match_point session, struct ride_plan *p)
{
	struct db_stmt *o = db_cached(db, "SELECT o.driver_id, p.name, o.postcode, o.lat, o.lon,"
					  " o.depart_at FROM ride_offers o JOIN people p"
					  " ON p.id = o.driver_id WHERE o.id = ?");
	struct db_stmt *r =
	    db_cached(db, "SELECT r.id, r.rider_id, p.name, r.postcode, r.lat, r.lon"
			  " FROM ride_requests r JOIN people p ON p.id = r.rider_id"
			  " WHERE r.offer_id = ? AND r.state = 'accepted' ORDER BY r.id");
	struct match_point start, at[MATCH_MAX_SEATS];
	struct ride_stop found[MATCH_MAX_SEATS];
	int which[MATCH_MAX_SEATS], order[MATCH_MAX_SEATS];

	memset(p, 0, sizeof(*p));
	if (!o || !r || db_bind_int(o, 1, offer_id) || db_step(o) != DB_ROW) {
		db_reset(o);
		return -1;
	}
	p->offer_id = offer_id;
	p->driver_id = (long)db_col_int(o, 0);
	person_first_name(db_col_text(o, 1), p->driver);
	snprintf(p->start, sizeof(p->start), "%s", db_col_text(o, 2));
	start = (struct match_point){ db_col_double(o, 3), db_col_double(o, 4) };
	p->depart = (time_t)db_col_int(o, 5);
	db_reset(o);
	if (db_bind_int(r, 1, offer_id) == 0) {
		while (p->n < MATCH_MAX_SEATS && db_step(r) == DB_ROW) {
			struct ride_stop *s = &found[p->n];
			s->request_id = (long)db_col_int(r, 0);
			s->rider_id = (long)db_col_int(r, 1);
			person_first_name(db_col_text(r, 2), s->first);
			snprintf(s->postcode, sizeof(s->postcode), "%s", db_col_text(r, 3));
			at[p->n] = (struct match_point){ db_col_double(r, 4), db_col_double(r, 5) };
			which[p->n] = p->n;
			p->n++;
		}
		db_reset(r);
	}
	match_order(start, session, at, which, p->n, order);
	double t = 0;
	struct match_point here = start;
	for (int i = 0; i < p->n; i++) {
		t += match_minutes(here, at[order[i]]);
		here = at[order[i]];
		p->stops[i] = found[order[i]];
		p->stops[i].at = add_minutes(p->depart, t);
	}
	p->arrive = add_minutes(p->depart, t + match_minutes(here, session));
	return 0;
}

static const char *hhmm(struct http_request *req, time_t t)
{
	struct tm tm;
	london_tm(t, &tm);
	return arena_printf(&req->arena, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

static json_t *plan_json(struct http_request *req, const struct ride_plan *p)
{
	json_t *stops = json_array();
	for (int i = 0; i < p->n; i++)
		json_array_append_new(
		    stops, json_pack("{s:s, s:s, s:s}", "rider", p->stops[i].first, "postcode",
				     p->stops[i].postcode, "at", hhmm(req, p->stops[i].at)));
	return json_pack("{s:s, s:s, s:s, s:o}", "start", p->start, "depart", hhmm(req, p->depart),
			 "arrive", hhmm(req, p->arrive), "stops", stops);
}

static int detour_cmp(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "detour"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "detour"));
	return x < y ? -1 : x > y;
}

/* The array's objects, least "detour" first (a new array; the old is freed). */
static json_t *by_detour(json_t *arr)
{
	size_t n = json_array_size(arr);
	json_t **v = xmalloc((n ? n : 1) * sizeof(*v)), *out = json_array();
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof(*v), detour_cmp);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	json_decref(arr);
	return out;
}

/* Riders the matcher suggests for this driver's car, for them to invite. */
static json_t *suggested(struct db *db, const struct event *e, long offer_id)
{
	json_t *out = json_array();
	struct ride_pair *pairs = NULL;
	size_t n = rides_suggest(db, e->id, (struct match_point){ e->lat, e->lon }, &pairs);
	struct db_stmt *st =
	    db_cached(db, "SELECT p.name, r.district FROM ride_requests r JOIN people p"
			  " ON p.id = r.rider_id WHERE r.id = ?"
			  " AND r.state IN ('open', 'declined')");
	for (size_t i = 0; st && i < n; i++) {
		if (pairs[i].offer_id != offer_id)
			continue;
		if (db_bind_int(st, 1, pairs[i].request_id) == 0 && db_step(st) == DB_ROW) {
			char first[64];
			person_first_name(db_col_text(st, 0), first);
			json_array_append_new(out,
					      json_pack("{s:I, s:s, s:s, s:i}", "id",
							(json_int_t)pairs[i].request_id, "rider",
							first, "district", db_col_text(st, 1),
							"detour", pairs[i].detour_min));
		}
		db_reset(st);
	}
	free(pairs);
	return out;
}

/* The session's slots, by start time, for a driver to choose one. */
static json_t *slots_json(struct http_request *req, const struct event *e)
{
	json_t *out = json_array();
	for (size_t i = 0; e->nslots > 1 && i < e->nslots; i++)
		json_array_append_new(out, json_pack("{s:I, s:s}", "id", (json_int_t)e->slots[i].id,
						     "starts", hhmm(req, e->slots[i].starts_at)));
	return out;
}

static void rides_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	static _Thread_local struct event e;
	static _Thread_local struct ride_plan plan;

	if (begin(req, res, &w, &db, &e, NULL))
		return;
	struct match_point session = { e.lat, e.lon };
	json_t *offers = json_array(), *asking = json_array(), *mine = NULL, *my_offer = NULL;

	/* the visitor's own request, and what it has come to */
	struct db_stmt *rq =
	    db_cached(db, "SELECT r.id, r.state, r.lat, r.lon, r.offer_id, r.invited,"
			  " p.name, p.email, p.phone, o.notes FROM ride_requests r"
			  " LEFT JOIN ride_offers o ON o.id = r.offer_id"
			  " LEFT JOIN people p ON p.id = o.driver_id"
			  " WHERE r.event_id = ? AND r.rider_id = ? AND r.state != 'cancelled'");
	struct match_point me = { 0, 0 };
	int looking = 0;
	if (rq && db_bind_int(rq, 1, e.id) == 0 && db_bind_int(rq, 2, w.actor.id) == 0 &&
	    db_step(rq) == DB_ROW) {
		long my_request = (long)db_col_int(rq, 0), oid = (long)db_col_int(rq, 4);
		const char *state = db_col_text(rq, 1);
		me = (struct match_point){ db_col_double(rq, 2), db_col_double(rq, 3) };
		int accepted = !strcmp(state, "accepted");
		int invited = !strcmp(state, "asked") && db_col_int(rq, 5);
		looking = !strcmp(state, "open") || !strcmp(state, "declined");
		char first[64] = "";
		if (db_col_text(rq, 6))
			person_first_name(db_col_text(rq, 6), first);
		mine = json_pack("{s:I, s:s, s:b, s:b, s:b, s:s*, s:s*, s:s*, s:s*}", "id",
				 (json_int_t)my_request, "state", state, "accepted", accepted,
				 "invited", invited, "looking", looking, "driver",
				 *first ? first : NULL, "driver_email",
				 accepted ? db_col_text(rq, 7) : NULL, "driver_phone",
				 accepted ? db_col_text(rq, 8) : NULL, "notes",
				 accepted ? db_col_text(rq, 9) : NULL);
		db_reset(rq);
		if (accepted && plan_load(db, oid, session, &plan) == 0) {
			json_object_set_new(mine, "driver_postcode", json_string(plan.start));
			json_object_set_new(mine, "plan", plan_json(req, &plan));
			for (int i = 0; i < plan.n; i++)
				if (plan.stops[i].request_id == my_request)
					json_object_set_new(
					    mine, "pickup_at",
					    json_string(hhmm(req, plan.stops[i].at)));
		}
	} else if (rq) {
		db_reset(rq);
	}
	/* candidate drivers for the visitor's request, best first */
	struct db_stmt *os = db_cached(
	    db,
	    "SELECT o.id, p.name, o.district, o.seats - o.taken, o.lat,"
	    " o.lon, o.max_detour_min, o.driver_id, o.max_detour_pct,"
	    " coalesce((SELECT starts_at FROM slots WHERE id = o.slot_id), 0) FROM ride_offers o"
	    " JOIN people p ON p.id = o.driver_id WHERE o.event_id = ?"
	    " AND o.status = 'open' AND o.taken < o.seats ORDER BY o.id");
	if (looking && os && db_bind_int(os, 1, e.id) == 0) {
		while (db_step(os) == DB_ROW) {
			struct match_driver d = { { db_col_double(os, 4), db_col_double(os, 5) },
						  1,
						  db_col_double(os, 6),
						  db_col_double(os, 8) };
			int zero = 0;
			double det;
			if ((long)db_col_int(os, 7) == w.actor.id ||
			    !match_route_ok(&d, session, &me, &zero, 1, &det))
				continue;
			char first[64];
			person_first_name(db_col_text(os, 1), first);
			json_array_append_new(
			    offers,
			    json_pack("{s:I, s:s, s:s, s:I, s:I, s:s}", "id",
				      (json_int_t)db_col_int(os, 0), "driver", first, "district",
				      db_col_text(os, 2), "seats", (json_int_t)db_col_int(os, 3),
				      "detour", (json_int_t)(det + 0.5), "arrives",
				      hhmm(req, db_col_int(os, 9) ? (time_t)db_col_int(os, 9)
								  : e.starts_at)));
		}
		offers = by_detour(offers);
	}
	db_reset(os);
	/* the visitor's own offer, and who is asking */
	struct db_stmt *mo =
	    db_cached(db, "SELECT id, seats, taken FROM ride_offers WHERE event_id = ?"
			  " AND driver_id = ? AND status = 'open'");
	struct db_stmt *ask = db_cached(db, "SELECT r.id, p.name, r.district, r.state, r.invited,"
					    " p.email, p.phone FROM ride_requests r JOIN people p"
					    " ON p.id = r.rider_id WHERE r.offer_id = ?"
					    " AND r.state IN ('asked', 'accepted') ORDER BY r.id");
	if (mo && ask && db_bind_int(mo, 1, e.id) == 0 && db_bind_int(mo, 2, w.actor.id) == 0 &&
	    db_step(mo) == DB_ROW) {
		long oid = (long)db_col_int(mo, 0);
		long seats = (long)db_col_int(mo, 1), taken = (long)db_col_int(mo, 2);
		db_reset(mo);
		my_offer = json_pack("{s:I, s:I, s:I}", "id", (json_int_t)oid, "seats",
				     (json_int_t)seats, "taken", (json_int_t)taken);
		if (db_bind_int(ask, 1, oid) == 0) {
			while (db_step(ask) == DB_ROW) {
				int acc = !strcmp(db_col_text(ask, 3), "accepted");
				char first[64];
				person_first_name(db_col_text(ask, 1), first);
				json_array_append_new(
				    asking,
				    json_pack("{s:I, s:s, s:s, s:b, s:b, s:s*, s:s*}", "id",
					      (json_int_t)db_col_int(ask, 0), "rider", first,
					      "district", db_col_text(ask, 2), "accepted", acc,
					      "invited", !acc && db_col_int(ask, 4), "email",
					      acc ? db_col_text(ask, 5) : NULL, "phone",
					      acc ? db_col_text(ask, 6) : NULL));
			}
			db_reset(ask);
		}
		if (plan_load(db, oid, session, &plan) == 0)
			json_object_set_new(my_offer, "plan", plan_json(req, &plan));
		if (taken < seats)
			json_object_set_new(my_offer, "suggested", suggested(db, &e, oid));
	} else if (mo) {
		db_reset(mo);
	}
	page_render(req, res, 200, "rides",
		    json_pack("{s:s, s:I, s:s, s:o*, s:o, s:o*, s:o, s:b, s:o}", "title", "Rides",
			      "id", (json_int_t)e.id, "event", e.title, "request", mine, "offers",
			      offers, "offer", my_offer, "asking", asking, "calendar",
			      (mine && json_is_true(json_object_get(mine, "accepted"))) || my_offer,
			      "slots", slots_json(req, &e)),
		    &w);
}

/*
 * When the driver leaves: the time they give (London, on the session's
 * day, before it starts, at most 12 hours before), or by default early
 * enough to drive direct, take their whole detour, and have 10 minutes.
 */
static int departure(const struct event *e, time_t arrive, struct match_point start, const char *hm,
		     double detour, time_t *out)
{
	if (!hm || !*hm) {
		double min =
		    match_minutes(start, (struct match_point){ e->lat, e->lon }) + detour + 10;
		time_t t = arrive - (time_t)(min * 60);
		*out = t - t % 300;
		return 0;
	}
	struct tm tm;
	char date[48];
	london_tm(arrive, &tm);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday);
	return london_parse(date, hm, out) || *out >= arrive || *out < arrive - 12 * 3600 ? -1 : 0;
}

/* The slot a driver drives to (the form's "slot"), or the session's start:
 * 0 and *arrive set, or -1 when it is not one of the session's slots. */
static int arrival(const struct event *e, const char *slot, long *slot_id, time_t *arrive)
{
	long id;
	*slot_id = 0;
	*arrive = e->starts_at;
	if (!slot || !*slot)
		return 0;
	if (num_parse_long(slot, strlen(slot), 1, 1L << 40, &id))
		return -1;
	for (size_t i = 0; i < e->nslots; i++)
		if (e->slots[i].id == id) {
			*slot_id = id;
			*arrive = e->slots[i].starts_at;
			return 0;
		}
	return -1;
}

static void offer(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	static _Thread_local struct event e;
	struct pc_record r;
	long seats, detour = 20;
	time_t depart = 0;

	if (begin(req, res, &w, &db, &e, &f))
		return;
	const char *s = qs_get(&f, "seats"), *dt = qs_get(&f, "max_detour_min");
	const char *pct = qs_get(&f, "max_detour_pct");
	long detour_pct = (long)MATCH_MAX_DETOUR_PCT, slot_id;
	time_t arrive;
	const char *notes = qs_get(&f, "notes");
	const char *why =
	    place(db, qs_get(&f, "postcode"), &r) ? "Give the postcode you start from."
	    : !s || num_parse_long(s, strlen(s), 1, MATCH_MAX_SEATS, &seats)
		? "Offer between 1 and 8 seats."
	    : dt && *dt && num_parse_long(dt, strlen(dt), 0, 120, &detour)
		? "The longest detour is 0 to 120 minutes."
	    : pct && *pct &&
		    num_parse_long(pct, strlen(pct), 0, (long)MATCH_MAX_DETOUR_PCT, &detour_pct)
		? "The longest detour is 0 to 40 per cent of your trip."
	    : notes && strlen(notes) > 300 ? "Notes are 300 characters at most."
	    : arrival(&e, qs_get(&f, "slot"), &slot_id, &arrive)
		? "Choose one of the session's slots, or its start."
	    : departure(&e, arrive, (struct match_point){ r.lat, r.lon }, qs_get(&f, "depart"),
			(double)detour, &depart)
		? "Give the time you leave as HH:MM, on the day, before the session starts."
	    : has_offer(db, e.id, w.actor.id)
		? "You already offer seats to this session: withdraw that offer first."
	    : session_full(db, e.id, 1) ? "This session has as many ride offers as it can hold."
					: NULL;
	if (why) {
		page_message(req, res, 400, "Not offered", why, &w);
		return;
	}
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO ride_offers (event_id, driver_id, postcode, lat,"
			  " lon, district, seats, returns, max_detour_min, notes, status,"
			  " created_at, depart_at, max_detour_pct, slot_id)"
			  " VALUES (?,?,?,?,?,?,?,?,?,?,'open',?,?,?,?)");
	if (!st || db_bind_int(st, 1, e.id) || db_bind_int(st, 2, w.actor.id) ||
	    bind_place(st, 3, &r) || db_bind_int(st, 7, seats) ||
	    db_bind_int(st, 8, qs_get(&f, "returns") != NULL) ||
	    db_bind_double(st, 9, (double)detour) ||
	    db_bind_str(st, 10, notes ? notes : "") ||
	    db_bind_int(st, 11, (long long)time(NULL)) || db_bind_int(st, 12, (long long)depart) ||
	    db_bind_double(st, 13, (double)detour_pct) ||
	    (slot_id ? db_bind_int(st, 14, slot_id) : db_bind_null(st, 14)) ||
	    db_step(st) != DB_DONE) {
		db_reset(st);
		page_message(req, res, 500, "Sorry", "The offer could not be saved.", &w);
		return;
	}
	db_reset(st);
	rides_changed();
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", e.id));
}

static void request(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	static _Thread_local struct event e;
	struct pc_record r;

	if (begin(req, res, &w, &db, &e, &f))
		return;
	const char *why =
	    place(db, qs_get(&f, "postcode"), &r) ? "Give the postcode to be picked up from."
	    : session_full(db, e.id, 0) ? "This session has as many ride requests as it can hold."
					: NULL;
	if (why) {
		page_message(req, res, 400, "Not asked", why, &w);
		return;
	}
	/* one request per person per session: asking again moves the pick-up */
	struct db_stmt *st = db_cached(
	    db, "INSERT INTO ride_requests (event_id, rider_id, postcode,"
		" lat, lon, district, state, created_at)"
		" VALUES (?,?,?,?,?,?,'open',?) ON CONFLICT (event_id, rider_id)"
		" DO UPDATE SET postcode = excluded.postcode, lat = excluded.lat,"
		" lon = excluded.lon, district = excluded.district, state = 'open',"
		" offer_id = NULL, invited = 0 WHERE state IN ('open', 'declined', 'cancelled')");
	if (!st || db_bind_int(st, 1, e.id) || db_bind_int(st, 2, w.actor.id) ||
	    bind_place(st, 3, &r) || db_bind_int(st, 7, (long long)time(NULL)) ||
	    db_step(st) != DB_DONE) {
		db_reset(st);
		page_message(req, res, 500, "Sorry", "The request could not be saved.", &w);
		return;
	}
	db_reset(st);
	rides_changed();
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", e.id));
}

/* The rider asks one driver. */
static void ask(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	long oid;

	if (begin(req, res, &w, &db, NULL, &f))
		return;
	long rid = route_id(&req->params, "id");
	const char *o = qs_get(&f, "offer");
	struct db_stmt *st = db_cached(
	    db, "UPDATE ride_requests SET offer_id = ?, state = 'asked',"
		" invited = 0 WHERE id = ? AND rider_id = ? AND state IN ('open', 'declined')"
		" AND EXISTS (SELECT 1 FROM ride_offers WHERE id = ?"
		" AND event_id = ride_requests.event_id AND status = 'open'"
		" AND driver_id != ?) RETURNING event_id");
	long eid = 0;
	if (o && num_parse_long(o, strlen(o), 1, 1L << 40, &oid) == 0 && st &&
	    db_bind_int(st, 1, oid) == 0 && db_bind_int(st, 2, rid) == 0 &&
	    db_bind_int(st, 3, w.actor.id) == 0 && db_bind_int(st, 4, oid) == 0 &&
	    db_bind_int(st, 5, w.actor.id) == 0 && db_step(st) == DB_ROW) {
		eid = (long)db_col_int(st, 0);
		while (db_step(st) == DB_ROW)
			;
	}
	db_reset(st);
	if (!eid) {
		page_message(req, res, 404, "Not asked", "No such request or offer.", &w);
		return;
	}
	rides_changed();
	struct db_stmt *d = db_cached(db, "SELECT driver_id FROM ride_offers WHERE id = ?");
	if (d && db_bind_int(d, 1, oid) == 0 && db_step(d) == DB_ROW) {
		long driver = (long)db_col_int(d, 0);
		db_reset(d);
		tell(req, db, driver, "A rider asks for a seat",
		     "Someone going to your session asks for a seat in your car. Accept or decline"
		     " on the rides page.",
		     eid);
	} else if (d) {
		db_reset(d);
	}
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", eid));
}

/*
 * The one asked answers: the driver, or the rider when the driver invited
 * them.  Accepting claims a seat, or fails cleanly when the car is full.
 */
static void answer(struct http_request *req, struct http_response *res, int accept)
{
	struct who w;
	struct db *db;
	struct qs f;

	if (begin(req, res, &w, &db, NULL, &f))
		return;
	long rid = route_id(&req->params, "id");
	struct db_stmt *who_st =
	    db_cached(db, "SELECT r.offer_id, r.event_id, r.invited, o.driver_id,"
			  " r.rider_id FROM ride_requests r JOIN ride_offers o"
			  " ON o.id = r.offer_id WHERE r.id = ? AND r.state = 'asked'"
			  " AND o.status = 'open' AND ((r.invited = 0 AND o.driver_id = ?)"
			  " OR (r.invited = 1 AND r.rider_id = ?))");
	long oid = 0, eid = 0, other = 0;
	int invited = 0;
	if (who_st && db_bind_int(who_st, 1, rid) == 0 && db_bind_int(who_st, 2, w.actor.id) == 0 &&
	    db_bind_int(who_st, 3, w.actor.id) == 0 && db_step(who_st) == DB_ROW) {
		oid = (long)db_col_int(who_st, 0);
		eid = (long)db_col_int(who_st, 1);
		invited = (int)db_col_int(who_st, 2);
		other = (long)db_col_int(who_st, invited ? 3 : 4);
	}
	db_reset(who_st);
	if (!oid) {
		page_message(req, res, 404, "Not found", "No such request waiting for you.", &w);
		return;
	}
	struct db_stmt *claim =
	    db_cached(db, "UPDATE ride_offers SET taken = taken + 1 WHERE id = ?"
			  " AND taken < seats AND status = 'open'");
	struct db_stmt *n = db_cached(db, "SELECT changes()");
	struct db_stmt *set = db_cached(db, "UPDATE ride_requests SET state = ? WHERE id = ?"
					    " AND state = 'asked'");
	int full = 0, bad = !claim || !n || !set || db_begin(db);
	if (!bad && accept) {
		/* the seat is claimed in one statement: two accepts cannot share it */
		bad =
		    db_bind_int(claim, 1, oid) || db_step(claim) != DB_DONE || db_step(n) != DB_ROW;
		full = !bad && db_col_int(n, 0) != 1;
		db_reset(claim);
		db_reset(n);
	}
	const char *state = accept && !full ? "accepted" : "declined";
	if (!bad && !full)
		bad = db_bind_str(set, 1, state) || db_bind_int(set, 2, rid) ||
		      db_step(set) != DB_DONE;
	db_reset(set);
	if (bad || (full ? db_rollback(db) : db_commit(db))) {
		db_rollback(db);
		page_message(req, res, 500, "Sorry", "That could not be saved.", &w);
		return;
	}
	if (full) {
		page_message(req, res, 409, "No seats left", "Every seat in that car is taken.",
			     &w);
		return;
	}
	rides_changed();
	audit_write(db, w.actor.id, accept ? "ride.accept" : "ride.decline", 0,
		    arena_printf(&req->arena, "request %ld", rid));
	if (invited)
		tell(req, db, other,
		     accept ? "A rider accepted your invitation" : "A rider said no thanks",
		     accept ? "The rider you invited is coming with you: their pick-up is on the"
			      " rides page."
			    : "The rider you invited has made other plans.",
		     eid);
	else
		tell(req, db, other,
		     accept ? "Your ride is confirmed" : "Your ride request was declined",
		     accept ? "Your driver accepted: the pick-up plan and their contact are on the"
			      " rides page."
			    : "That driver cannot take you. Ask another on the rides page.",
		     eid);
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", eid));
}

/* The driver invites a rider the matcher suggests; the rider answers. */
static void invite(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	long rid = 0, eid = 0, rider = 0;

	if (begin(req, res, &w, &db, NULL, &f))
		return;
	long oid = route_id(&req->params, "id");
	const char *r = qs_get(&f, "request");
	struct db_stmt *st = db_cached(
	    db, "UPDATE ride_requests SET offer_id = ?, state = 'asked',"
		" invited = 1 WHERE id = ? AND rider_id != ?"
		" AND (state = 'open' OR (state = 'declined' AND coalesce(offer_id, 0) != ?))"
		" AND event_id = (SELECT event_id FROM ride_offers WHERE id = ?"
		" AND driver_id = ? AND status = 'open' AND taken < seats)"
		" RETURNING event_id, rider_id");
	if (r && num_parse_long(r, strlen(r), 1, 1L << 40, &rid) == 0 && st &&
	    db_bind_int(st, 1, oid) == 0 && db_bind_int(st, 2, rid) == 0 &&
	    db_bind_int(st, 3, w.actor.id) == 0 && db_bind_int(st, 4, oid) == 0 &&
	    db_bind_int(st, 5, oid) == 0 && db_bind_int(st, 6, w.actor.id) == 0 &&
	    db_step(st) == DB_ROW) {
		eid = (long)db_col_int(st, 0);
		rider = (long)db_col_int(st, 1);
		while (db_step(st) == DB_ROW)
			;
	}
	db_reset(st);
	if (!eid) {
		page_message(req, res, 404, "Not invited",
			     "No such rider looking for a ride, or no seat left in your car.", &w);
		return;
	}
	rides_changed();
	tell(req, db, rider, "A driver invites you",
	     "A driver going to your session has a seat for you. Accept or decline on the rides "
	     "page.",
	     eid);
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", eid));
}

static void accept_ride(struct http_request *req, struct http_response *res)
{
	answer(req, res, 1);
}

static void decline_ride(struct http_request *req, struct http_response *res)
{
	answer(req, res, 0);
}

/* Tells one person about their ride, by email, with a link to the rides page. */
static void tell(struct http_request *req, struct db *db, long person, const char *subject,
		 const char *text, long event_id)
{
	web_tell(req, db, person, subject, text,
		 arena_printf(&req->arena, "/events/%ld/rides", event_id), "Rides");
}

/* The rider withdraws: an accepted seat is freed for someone else. */
static void cancel_request(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;

	if (begin(req, res, &w, &db, NULL, &f))
		return;
	long rid = route_id(&req->params, "id");
	struct db_stmt *st =
	    db_cached(db, "SELECT r.state, r.offer_id, r.event_id, o.driver_id"
			  " FROM ride_requests r LEFT JOIN ride_offers o ON o.id = r.offer_id"
			  " WHERE r.id = ? AND r.rider_id = ? AND r.state != 'cancelled'");
	long oid = 0, eid = 0, driver = 0;
	int accepted = 0;
	if (st && db_bind_int(st, 1, rid) == 0 && db_bind_int(st, 2, w.actor.id) == 0 &&
	    db_step(st) == DB_ROW) {
		accepted = !strcmp(db_col_text(st, 0), "accepted");
		oid = (long)db_col_int(st, 1);
		eid = (long)db_col_int(st, 2);
		driver = (long)db_col_int(st, 3);
	}
	db_reset(st);
	if (!eid) {
		page_message(req, res, 404, "Not found", "No such request of yours.", &w);
		return;
	}
	struct db_stmt *free_seat =
	    db_cached(db, "UPDATE ride_offers SET taken = taken - 1 WHERE id = ?"
			  " AND taken > 0");
	struct db_stmt *set =
	    db_cached(db, "UPDATE ride_requests SET state = 'cancelled' WHERE id = ?");
	int bad = !free_seat || !set || db_begin(db) ||
		  (accepted && (db_bind_int(free_seat, 1, oid) || db_step(free_seat) != DB_DONE)) ||
		  db_bind_int(set, 1, rid) || db_step(set) != DB_DONE;
	db_reset(free_seat);
	db_reset(set);
	if (bad || db_commit(db)) {
		db_rollback(db);
		page_message(req, res, 500, "Sorry", "That could not be saved.", &w);
		return;
	}
	rides_changed();
	if (driver)
		tell(req, db, driver, "A rider cancelled",
		     "A rider no longer needs the seat in your car.", eid);
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", eid));
}

/*
 * Riders whose driver withdrew: the batch matcher picks a new driver for
 * each it can place, and asks that driver on the rider's behalf; the rest
 * are told to look on the rides page.  Everyone hears which.
 */
static void rematch(struct http_request *req, struct db *db, long eid, const long *requests,
		    const long *riders, size_t n)
{
	static _Thread_local struct event e;
	struct ride_pair *pairs = NULL;
	size_t np = 0;

	if (event_get(db, eid, &e) == 1)
		np = rides_suggest(db, eid, (struct match_point){ e.lat, e.lon }, &pairs);
	struct db_stmt *ask =
	    db_cached(db, "UPDATE ride_requests SET offer_id = ?, state = 'asked',"
			  " invited = 0 WHERE id = ? AND state = 'open'"
			  " RETURNING (SELECT driver_id FROM ride_offers WHERE id = ?)");
	for (size_t i = 0; i < n; i++) {
		long driver = 0;
		for (size_t k = 0; ask && k < np && !driver; k++) {
			if (pairs[k].request_id != requests[i])
				continue;
			if (db_bind_int(ask, 1, pairs[k].offer_id) == 0 &&
			    db_bind_int(ask, 2, requests[i]) == 0 &&
			    db_bind_int(ask, 3, pairs[k].offer_id) == 0 && db_step(ask) == DB_ROW)
				driver = (long)db_col_int(ask, 0);
			db_reset(ask);
		}
		if (driver) {
			tell(req, db, riders[i], "Your driver cancelled: we asked another",
			     "Your driver can no longer take you, so we asked the driver whose "
			     "route fits"
			     " you best. You will hear when they answer.",
			     eid);
			tell(req, db, driver, "A rider asks for a seat",
			     "A rider whose driver cancelled fits your route. Accept or decline on "
			     "the"
			     " rides page.",
			     eid);
		} else {
			tell(req, db, riders[i], "Your driver cancelled",
			     "Your driver can no longer take you, and no other driver's route fits "
			     "yet."
			     " Offers are listed on the rides page as they come.",
			     eid);
		}
	}
	free(pairs);
	rides_changed();
}

/* The driver withdraws: their riders are matched again, and told. */
static void cancel_offer(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;

	if (begin(req, res, &w, &db, NULL, &f))
		return;
	long oid = route_id(&req->params, "id");
	struct db_stmt *st = db_cached(db, "UPDATE ride_offers SET status = 'cancelled', taken = 0"
					   " WHERE id = ? AND driver_id = ? AND status = 'open'"
					   " RETURNING event_id");
	long eid = 0;
	int ok = st && db_begin(db) == 0 && db_bind_int(st, 1, oid) == 0 &&
		 db_bind_int(st, 2, w.actor.id) == 0 && db_step(st) == DB_ROW;
	if (ok) {
		eid = (long)db_col_int(st, 0);
		while (db_step(st) == DB_ROW)
			;
	}
	db_reset(st);
	/* riders asked, invited or accepted are free to look again at once */
	struct db_stmt *riders =
	    db_cached(db, "UPDATE ride_requests SET state = 'open', offer_id = NULL,"
			  " invited = 0 WHERE offer_id = ? AND state IN ('asked',"
			  " 'accepted') RETURNING id, rider_id");
	long *requests = NULL, *people = NULL;
	size_t n = 0;
	if (ok && riders && db_bind_int(riders, 1, oid) == 0) {
		while (db_step(riders) == DB_ROW) {
			requests = xrealloc(requests, (n + 1) * sizeof(long));
			people = xrealloc(people, (n + 1) * sizeof(long));
			requests[n] = (long)db_col_int(riders, 0);
			people[n++] = (long)db_col_int(riders, 1);
		}
		db_reset(riders);
	}
	if (!ok || db_commit(db)) {
		db_rollback(db);
		free(requests);
		free(people);
		page_message(req, res, 404, "Not found", "No such open offer of yours.", &w);
		return;
	}
	rides_changed();
	rematch(req, db, eid, requests, people, n);
	audit_write(db, w.actor.id, "ride.offer_cancel", 0,
		    arena_printf(&req->arena, "offer %ld: %zu riders matched again", oid, n));
	free(requests);
	free(people);
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", eid));
}

long rides_seats_offered(struct db *db, long event_id)
{
	struct db_stmt *st = db_cached(db, "SELECT coalesce(sum(seats - taken), 0) FROM ride_offers"
					   " WHERE event_id = ? AND status = 'open'");
	long n = 0;
	if (st && db_bind_int(st, 1, event_id) == 0 && db_step(st) == DB_ROW)
		n = (long)db_col_int(st, 0);
	db_reset(st);
	return n;
}

long rides_seats_near(struct db *db, long event_id, struct match_point session,
		      const char *postcode)
{
	struct pc_record r;
	if (!postcode || !*postcode || place(db, postcode, &r))
		return -1;
	struct match_point at = { r.lat, r.lon };
	struct db_stmt *st =
	    db_cached(db, "SELECT lat, lon, seats - taken, max_detour_min, max_detour_pct"
			  " FROM ride_offers WHERE event_id = ? AND status = 'open'"
			  " AND taken < seats");
	long n = 0;
	if (st && db_bind_int(st, 1, event_id) == 0) {
		while (db_step(st) == DB_ROW) {
			struct match_driver d = { { db_col_double(st, 0), db_col_double(st, 1) },
						  1,
						  db_col_double(st, 3),
						  db_col_double(st, 4) };
			int zero = 0;
			if (match_route_ok(&d, session, &at, &zero, 1, NULL))
				n += (long)db_col_int(st, 2);
		}
	}
	db_reset(st);
	return n;
}

/* The visitor's ride, driving or riding, as calendar entries. */
static void rides_calendar(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	static _Thread_local struct event e;
	static _Thread_local struct ride_plan plan;
	struct match_point session;
	int found = 0;

	if (begin(req, res, &w, &db, &e, NULL))
		return;
	session = (struct match_point){ e.lat, e.lon };
	const char *url =
	    arena_printf(&req->arena, "%s/events/%ld/rides", app->auth.public_url, e.id);
	struct db_stmt *mo = db_cached(db, "SELECT id FROM ride_offers WHERE event_id = ?"
					   " AND driver_id = ? AND status = 'open'");
	struct db_stmt *rq =
	    db_cached(db, "SELECT id, offer_id, postcode FROM ride_requests"
			  " WHERE event_id = ? AND rider_id = ? AND state = 'accepted'");
	long oid = 0, rid = 0, roid = 0;
	char my_pc[9] = "";
	if (mo && db_bind_int(mo, 1, e.id) == 0 && db_bind_int(mo, 2, w.actor.id) == 0 &&
	    db_step(mo) == DB_ROW)
		oid = (long)db_col_int(mo, 0);
	db_reset(mo);
	if (rq && db_bind_int(rq, 1, e.id) == 0 && db_bind_int(rq, 2, w.actor.id) == 0 &&
	    db_step(rq) == DB_ROW) {
		rid = (long)db_col_int(rq, 0);
		roid = (long)db_col_int(rq, 1);
		snprintf(my_pc, sizeof(my_pc), "%s", db_col_text(rq, 2));
	}
	db_reset(rq);
	buf_reset(&res->body);
	ics_begin(&res->body);
	if (oid && plan_load(db, oid, session, &plan) == 0) {
		struct buf d;
		buf_init(&d, 4 << 10);
		buf_printf(&d, "%s leave %s.", hhmm(req, plan.depart), plan.start);
		for (int i = 0; i < plan.n; i++)
			buf_printf(&d, " %s pick up %s at %s.", hhmm(req, plan.stops[i].at),
				   plan.stops[i].first, plan.stops[i].postcode);
		buf_printf(&d, " %s arrive at the meeting point, %s.", hhmm(req, plan.arrive),
			   e.postcode);
		struct ics_event ev = { arena_printf(&req->arena, "ride-offer-%ld@turnout", oid),
					plan.depart,
					plan.arrive,
					time(NULL),
					arena_printf(&req->arena, "Drive to %s", e.title),
					d.p,
					plan.start,
					url,
					0 };
		ics_event(&res->body, &ev);
		buf_release(&d);
		found = 1;
	}
	if (rid && plan_load(db, roid, session, &plan) == 0) {
		for (int i = 0; i < plan.n; i++) {
			if (plan.stops[i].request_id != rid)
				continue;
			const char *d =
			    arena_printf(&req->arena,
					 "%s picks you up at about %s at %s, and arrives"
					 " about %s.",
					 plan.driver, hhmm(req, plan.stops[i].at), my_pc,
					 hhmm(req, plan.arrive));
			struct ics_event ev = { arena_printf(&req->arena,
							     "ride-request-%ld@turnout", rid),
						plan.stops[i].at,
						plan.arrive,
						time(NULL),
						arena_printf(&req->arena, "Ride to %s with %s",
							     e.title, plan.driver),
						d,
						my_pc,
						url,
						0 };
			ics_event(&res->body, &ev);
			found = 1;
		}
	}
	ics_end(&res->body);
	if (!found) {
		page_message(
		    req, res, 404, "No ride yet",
		    "There is a calendar entry once you offer a ride or a driver takes you.", &w);
		return;
	}
	res->status = 200;
	res->content_type = "text/calendar; charset=utf-8";
	http_set_header(res, "Content-Disposition", "attachment; filename=\"ride.ics\"");
}

const struct http_route rides_routes[] = {
	{ "GET", "/events/{id}/rides", rides_page, ROUTE_PAGE },
	{ "GET", "/events/{id}/rides.ics", rides_calendar, 0 },
	{ "POST", "/events/{id}/rides/offer", offer, ROUTE_PAGE },
	{ "POST", "/events/{id}/rides/request", request, ROUTE_PAGE },
	{ "POST", "/rides/requests/{id}/ask", ask, ROUTE_PAGE },
	{ "POST", "/rides/requests/{id}/accept", accept_ride, ROUTE_PAGE },
	{ "POST", "/rides/requests/{id}/decline", decline_ride, ROUTE_PAGE },
	{ "POST", "/rides/requests/{id}/cancel", cancel_request, ROUTE_PAGE },
	{ "POST", "/rides/offers/{id}/cancel", cancel_offer, ROUTE_PAGE },
	{ "POST", "/rides/offers/{id}/invite", invite, ROUTE_PAGE },
};
const size_t rides_nroutes = sizeof(rides_routes) / sizeof(rides_routes[0]);
