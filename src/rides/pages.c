/*
 * Carpool pages (rides/pages.h): each handler reads the form, checks it in
 * order with one exit to 400, calls the store (rides/store.h) and renders
 * or redirects.  Candidate drivers are ranked by added detour with the
 * rules of rides/match.h; the batch matcher (rides/suggest.c) suggests
 * riders to drivers and finds a new driver for riders whose driver
 * withdraws.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "events/ics.h"
#include "events/store.h"
#include "events/when.h"
#include "rides/match.h"
#include "rides/pages.h"
#include "rides/store.h"
#include "training/pages.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/num.h"
#include "web/web.h"

/* Signed in, the session there (when e), and for a POST a form with a good
 * token (when form): 0, or -1 after answering. */
static int ride_visit_or_answer(struct http_request *req, struct http_response *res, struct who *w,
				struct db **db, struct event *e, struct qs *form)
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

/* Queues an email to one person about their ride, with a link to the rides
 * page, inside the ride change's transaction: 0 or -1. */
static int tell(struct http_request *req, struct db *db, long person, const char *subject,
		const char *text, long event_id)
{
	return web_tell(req, db, person, subject, text,
			arena_printf(&req->arena, "/events/%ld/rides", event_id), "Rides");
}

/*
 * A ride change is begun with db_begin() so that it and the mail it causes
 * are kept together: rc is the store's answer (1 done, 0 not found, -1
 * error) and told whether the mail was queued (0) or not (-1).  Commits or
 * rolls back; 1, 0 or -1 for the page to answer.
 */
static int ride_settle(struct http_request *req, struct db *db, int rc, int told)
{
	if (rc == 1 && told == 0 && app_commit(req->app, db) == 0)
		return 1;
	db_rollback(db);
	return rc == 1 ? -1 : rc;
}

static void to_rides(struct http_request *req, struct http_response *res, long event_id)
{
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", event_id));
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
/* A detour as shown before both agree: up to the next 5 minutes, so the
 * figure does not measure the distance to the other's door. */
static json_int_t detour_band(double minutes)
{
	json_int_t band = (json_int_t)((minutes + 4.999) / 5) * 5;
	return band < 5 ? 5 : band;
}

static json_t *suggested(struct db *db, const struct event *e, long offer_id)
{
	json_t *out = json_array();
	struct ride_pair *pairs = NULL;
	size_t n = rides_suggest(db, e->id, (struct match_point){ e->lat, e->lon }, &pairs);
	for (size_t i = 0; i < n; i++) {
		char first[64], district[5];
		if (pairs[i].offer_id != offer_id ||
		    rides_looking_rider(db, pairs[i].request_id, first, district) != 1)
			continue;
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:I}", "id",
						     (json_int_t)pairs[i].request_id, "rider",
						     first, "district", district, "detour",
						     detour_band(pairs[i].detour_min)));
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

/* The visitor's own request as the page shows it, with their pick-up plan. */
static json_t *mine_json(struct http_request *req, struct db *db, const struct event *e,
			 const struct ride_mine *m)
{
	int accepted = !strcmp(m->state, "accepted");
	int looking = !strcmp(m->state, "open") || !strcmp(m->state, "declined");
	json_t *mine = json_pack(
	    "{s:I, s:s, s:b, s:b, s:b, s:s*, s:s*, s:s*, s:s*}", "id", (json_int_t)m->id, "state",
	    m->state, "accepted", accepted, "invited", !strcmp(m->state, "asked") && m->invited,
	    "looking", looking, "driver", *m->driver ? m->driver : NULL, "driver_email",
	    accepted ? m->driver_email : NULL, "driver_phone", accepted ? m->driver_phone : NULL,
	    "notes", accepted ? m->notes : NULL);
	struct ride_plan plan;
	if (accepted &&
	    rides_plan_load(db, m->offer_id, (struct match_point){ e->lat, e->lon }, &plan) == 1) {
		json_object_set_new(mine, "driver_postcode", json_string(plan.start));
		json_object_set_new(mine, "plan", plan_json(req, &plan));
		for (int i = 0; i < plan.n; i++)
			if (plan.stops[i].request_id == m->id)
				json_object_set_new(mine, "pickup_at",
						    json_string(hhmm(req, plan.stops[i].at)));
	}
	return mine;
}

struct candidates {
	struct http_request *req;
	const struct event *e;
	long me;
	struct match_point at;
	json_t *out;
};

/* An open offer whose route fits the visitor's pick-up, as a candidate. */
static void candidate(const struct ride_offer_seen *o, void *arg)
{
	struct candidates *c = arg;
	int zero = 0;
	double det;
	if (o->driver_id == c->me ||
	    !match_route_ok(&o->route, (struct match_point){ c->e->lat, c->e->lon }, &c->at, &zero,
			    1, &det))
		return;
	json_array_append_new(
	    c->out, json_pack("{s:I, s:s, s:s, s:I, s:I, s:s}", "id", (json_int_t)o->id, "driver",
			      o->driver, "district", o->district, "seats",
			      (json_int_t)o->seats_free, "detour", detour_band(det),
			      "arrives", hhmm(c->req, o->arrives ? o->arrives : c->e->starts_at)));
}

/* The visitor's own offer, who is asking, the plan and the suggestions. */
static json_t *offer_json(struct http_request *req, struct db *db, const struct event *e,
			  const struct ride_offer_own *o, json_t *asking)
{
	struct ride_asker *a = arena_alloc(&req->arena, 2 * MATCH_MAX_SEATS * sizeof(*a));
	long n = rides_askers(db, o->id, a, 2 * MATCH_MAX_SEATS);
	for (long i = 0; i < n; i++)
		json_array_append_new(
		    asking, json_pack("{s:I, s:s, s:s, s:b, s:b, s:s*, s:s*}", "id",
				      (json_int_t)a[i].request_id, "rider", a[i].rider, "district",
				      a[i].district, "accepted", a[i].accepted, "invited",
				      a[i].invited, "email", a[i].accepted ? a[i].email : NULL,
				      "phone", a[i].accepted ? a[i].phone : NULL));
	json_t *out = json_pack("{s:I, s:I, s:I}", "id", (json_int_t)o->id, "seats",
				(json_int_t)o->seats, "taken", (json_int_t)o->taken);
	struct ride_plan plan;
	if (rides_plan_load(db, o->id, (struct match_point){ e->lat, e->lon }, &plan) == 1)
		json_object_set_new(out, "plan", plan_json(req, &plan));
	if (o->taken < o->seats)
		json_object_set_new(out, "suggested", suggested(db, e, o->id));
	return out;
}

static void rides_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct event e;
	struct ride_mine m;
	struct ride_offer_own own;

	if (ride_visit_or_answer(req, res, &w, &db, &e, NULL))
		return;
	json_t *mine = NULL, *my_offer = NULL, *asking = json_array();
	struct candidates c = { req, &e, w.actor.id, { 0, 0 }, json_array() };
	if (rides_mine(db, e.id, w.actor.id, &m) == 1) {
		mine = mine_json(req, db, &e, &m);
		c.at = m.at;
		if (json_is_true(json_object_get(mine, "looking"))) {
			rides_each_open_offer(db, e.id, candidate, &c);
			c.out = by_detour(c.out);
		}
	}
	if (rides_my_offer(db, e.id, w.actor.id, &own) == 1)
		my_offer = offer_json(req, db, &e, &own, asking);
	int calendar = (mine && json_is_true(json_object_get(mine, "accepted"))) || my_offer;
	page_render(req, res, 200, "rides",
		    json_pack("{s:s, s:I, s:s, s:o*, s:o, s:o*, s:o, s:b, s:o, s:o}", "title", "Rides",
			      "id", (json_int_t)e.id, "event", e.title, "request", mine, "offers",
			      c.out, "offer", my_offer, "asking", asking, "calendar", calendar,
			      "slots", slots_json(req, &e), "driver_needs",
			      training_gate_json(db, "ride_drive", 0)),
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

/* An optional whole number from a form field: 0 (dflt when empty), or -1. */
static int form_long(const struct qs *f, const char *name, long min, long max, long *out)
{
	const char *s = qs_get(f, name);
	return s && *s ? num_parse_long(s, strlen(s), min, max, out) : 0;
}

/* Reads a driver's offer from the form: NULL, or what is wrong with it. */
static const char *offer_read(struct db *db, const struct event *e, const struct qs *f,
			      struct ride_offer_new *o)
{
	long seats = 0, detour = 20, detour_pct = (long)MATCH_MAX_DETOUR_PCT;
	time_t arrive;

	o->notes = qs_get(f, "notes");
	o->returns = qs_get(f, "returns") != NULL;
	if (rides_place(db, qs_get(f, "postcode"), &o->from) != 1)
		return "Give the postcode you start from.";
	if (!qs_get(f, "seats") || form_long(f, "seats", 1, MATCH_MAX_SEATS, &seats) || !seats)
		return "Offer between 1 and 8 seats.";
	if (form_long(f, "max_detour_min", 0, 120, &detour))
		return "The longest detour is 0 to 120 minutes.";
	if (form_long(f, "max_detour_pct", 0, (long)MATCH_MAX_DETOUR_PCT, &detour_pct))
		return "The longest detour is 0 to 40 per cent of your trip.";
	if (o->notes && strlen(o->notes) > RIDES_NOTES_MAX)
		return "Notes are 300 characters at most.";
	if (arrival(e, qs_get(f, "slot"), &o->slot_id, &arrive))
		return "Choose one of the session's slots, or its start.";
	if (departure(e, arrive, o->from.at, qs_get(f, "depart"), (double)detour, &o->depart_at))
		return "Give the time you leave as HH:MM, on the day, before the session starts.";
	if (rides_has_offer(db, e->id, o->driver_id))
		return "You already offer seats to this session: withdraw that offer first.";
	if (rides_offers_made(db, e->id, o->driver_id) >= RIDES_OFFERS_MAX)
		return "You have offered seats to this session three times: ask its organisers"
		       " if your plans change again.";
	if (rides_session_full(db, e->id, 1))
		return "This session has as many ride offers as it can hold.";
	o->seats = (int)seats;
	o->max_detour_min = (double)detour;
	o->max_detour_pct = (double)detour_pct;
	return NULL;
}

static void offer(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;

	if (ride_visit_or_answer(req, res, &w, &db, &e, &f))
		return;
	/* the training the movement asks of its drivers, done and in date */
	if (training_gate_or_answer(req, res, db, w.actor.id, "ride_drive", 0,
				    arena_printf(&req->arena, "/events/%ld/rides", e.id)))
		return;
	struct ride_offer_new o = { .event_id = e.id, .driver_id = w.actor.id };
	const char *why = offer_read(db, &e, &f, &o);
	if (why) {
		page_message(req, res, 400, "Not offered", why, &w);
		return;
	}
	if (rides_offer_add(db, &o) != 1) {
		page_sorry(req, res, "The offer could not be saved.", &w);
		return;
	}
	to_rides(req, res, e.id);
}

static void request(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;
	struct ride_place at;

	if (ride_visit_or_answer(req, res, &w, &db, &e, &f))
		return;
	const char *why = NULL;
	if (rides_place(db, qs_get(&f, "postcode"), &at) != 1)
		why = "Give the postcode to be picked up from.";
	else if (rides_session_full(db, e.id, 0))
		why = "This session has as many ride requests as it can hold.";
	if (why) {
		page_message(req, res, 400, "Not asked", why, &w);
		return;
	}
	/* one request per person per session: asking again moves the pick-up */
	int put = rides_request_put(db, e.id, w.actor.id, &at);
	if (put < 0) {
		page_sorry(req, res, "The request could not be saved.", &w);
		return;
	}
	if (put == 2) {
		page_message(req, res, 409, "Not moved",
			     "Your pick-up has moved three times for this session, so it stays"
			     " where it is now. Ask the session's organisers if it must move again.",
			     &w);
		return;
	}
	to_rides(req, res, e.id);
}

/* The rider asks one driver. */
static void ask(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	long offer_id = 0, event_id, driver;

	if (ride_visit_or_answer(req, res, &w, &db, NULL, &f))
		return;
	int rc = form_long(&f, "offer", 1, 1L << 40, &offer_id) || !offer_id ? 0
		 : db_begin(db)					      ? -1
		     : rides_ask(db, route_id(&req->params, "id"), w.actor.id, offer_id, &event_id,
				 &driver);
	rc = ride_settle(req, db, rc,
			 rc == 1 ? tell(req, db, driver, "A rider asks for a seat",
					"Someone going to your session asks for a seat in your"
					" car. Accept or decline on the rides page.",
					event_id)
				 : 0);
	if (rc != 1) {
		if (rc == 0)
			page_message(req, res, 404, "Not asked", "No such request or offer.", &w);
		else
			page_sorry(req, res, "That could not be saved.", &w);
		return;
	}
	to_rides(req, res, event_id);
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
	struct ride_answer a;

	if (ride_visit_or_answer(req, res, &w, &db, NULL, &f))
		return;
	long rid = route_id(&req->params, "id");
	int rc = db_begin(db) ? -1 : rides_answer(db, rid, w.actor.id, accept, &a), told = 0;
	if (rc == 1 && !a.full && a.invited)
		told = tell(req, db, a.other,
			    accept ? "A rider accepted your invitation" : "A rider said no thanks",
			    accept ? "The rider you invited is coming with you: their pick-up is on"
				     " the rides page."
				   : "The rider you invited has made other plans.",
			    a.event_id);
	else if (rc == 1 && !a.full)
		told = tell(req, db, a.other,
			    accept ? "Your ride is confirmed" : "Your ride request was declined",
			    accept ? "Your driver accepted: the pick-up plan and their contact are"
				     " on the rides page."
				   : "That driver cannot take you. Ask another on the rides page.",
			    a.event_id);
	rc = ride_settle(req, db, rc, told);
	if (rc == 0) {
		page_message(req, res, 404, "Not found", "No such request waiting for you.", &w);
		return;
	}
	if (rc < 0) {
		page_sorry(req, res, "That could not be saved.", &w);
		return;
	}
	if (a.full) {
		page_message(req, res, 409, "No seats left", "Every seat in that car is taken.",
			     &w);
		return;
	}
	audit_note(db, w.actor.id, accept ? "ride.accept" : "ride.decline", 0,
		   arena_printf(&req->arena, "request %ld", rid));
	to_rides(req, res, a.event_id);
}

/* The driver invites a rider the matcher suggests; the rider answers. */
static void invite(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	long request_id = 0, event_id, rider;

	if (ride_visit_or_answer(req, res, &w, &db, NULL, &f))
		return;
	int rc = form_long(&f, "request", 1, 1L << 40, &request_id) || !request_id ? 0
		 : db_begin(db)							  ? -1
		     : rides_invite(db, route_id(&req->params, "id"), w.actor.id, request_id,
				    &event_id, &rider);
	rc = ride_settle(req, db, rc,
			 rc == 1 ? tell(req, db, rider, "A driver invites you",
					"A driver going to your session has a seat for you."
					" Accept or decline on the rides page.",
					event_id)
				 : 0);
	if (rc != 1) {
		if (rc == 0)
			page_message(req, res, 404, "Not invited",
				     "No such rider looking for a ride, or no seat left in your car.",
				     &w);
		else
			page_sorry(req, res, "That could not be saved.", &w);
		return;
	}
	to_rides(req, res, event_id);
}

static void accept_ride(struct http_request *req, struct http_response *res)
{
	answer(req, res, 1);
}

static void decline_ride(struct http_request *req, struct http_response *res)
{
	answer(req, res, 0);
}

/* The rider withdraws: an accepted seat is freed for someone else. */
static void cancel_request(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	long event_id, driver;

	if (ride_visit_or_answer(req, res, &w, &db, NULL, &f))
		return;
	int rc = db_begin(db) ? -1
			      : rides_cancel_request(db, route_id(&req->params, "id"), w.actor.id,
						     &event_id, &driver);
	rc = ride_settle(req, db, rc,
			 rc == 1 && driver ? tell(req, db, driver, "A rider cancelled",
						  "A rider no longer needs the seat in your car.",
						  event_id)
					   : 0);
	if (rc == 0) {
		page_message(req, res, 404, "Not found", "No such request of yours.", &w);
		return;
	}
	if (rc < 0) {
		page_sorry(req, res, "That could not be saved.", &w);
		return;
	}
	to_rides(req, res, event_id);
}

/*
 * Riders whose driver withdrew look again at once.  Each one the batch
 * matcher can place is told a driver whose route fits can take them; the
 * rider then asks that driver themselves, so no driver sees a rider's
 * pick-up or contact that the rider did not choose to share.
 */
static int rematch(struct http_request *req, struct db *db, const struct ride_freed *f)
{
	struct event e;
	struct ride_pair *pairs = NULL;
	size_t np = 0;
	int told = 0;

	if (event_get(db, f->event_id, &e) == 1)
		np = rides_suggest(db, f->event_id, (struct match_point){ e.lat, e.lon }, &pairs);
	for (size_t i = 0; i < f->n; i++) {
		int placed = 0;
		for (size_t k = 0; k < np && !placed; k++)
			placed = pairs[k].request_id == f->requests[i];
		if (placed)
			told |= tell(req, db, f->riders[i],
				     "Your driver cancelled: another can take you",
				     "Your driver can no longer take you, but another driver's route"
				     " fits yours. Ask them for a seat on the rides page.",
				     f->event_id);
		else
			told |= tell(req, db, f->riders[i], "Your driver cancelled",
				     "Your driver can no longer take you, and no other driver's route"
				     " fits yet. Offers are listed on the rides page as they come.",
				     f->event_id);
	}
	free(pairs);
	return told;
}

/* The driver withdraws: their riders are matched again, and told. */
static void cancel_offer(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct ride_freed freed = { 0 };

	if (ride_visit_or_answer(req, res, &w, &db, NULL, &f))
		return;
	long oid = route_id(&req->params, "id");
	int rc = db_begin(db) ? -1 : rides_cancel_offer(db, oid, w.actor.id, &freed);
	rc = ride_settle(req, db, rc, rc == 1 ? rematch(req, db, &freed) : 0);
	if (rc == 0)
		page_message(req, res, 404, "Not found", "No such open offer of yours.", &w);
	else if (rc < 0)
		page_sorry(req, res, "That could not be saved.", &w);
	else {
		audit_note(db, w.actor.id, "ride.offer_cancel", 0,
			   arena_printf(&req->arena, "offer %ld: %zu riders matched again", oid,
					freed.n));
		to_rides(req, res, freed.event_id);
	}
	ride_freed_release(&freed);
}

/* The driver's plan as one calendar entry. */
static void calendar_drive(struct http_request *req, struct buf *out, const struct event *e,
			   const struct ride_plan *plan, const char *url)
{
	struct buf d;
	buf_init(&d, 4 << 10);
	buf_printf(&d, "%s leave %s.", hhmm(req, plan->depart), plan->start);
	for (int i = 0; i < plan->n; i++)
		buf_printf(&d, " %s pick up %s at %s.", hhmm(req, plan->stops[i].at),
			   plan->stops[i].first, plan->stops[i].postcode);
	buf_printf(&d, " %s arrive at the meeting point, %s.", hhmm(req, plan->arrive),
		   e->postcode);
	struct ics_event ev = { arena_printf(&req->arena, "ride-offer-%ld@turnout", plan->offer_id),
				plan->depart,
				plan->arrive,
				time(NULL),
				arena_printf(&req->arena, "Drive to %s", e->title),
				d.p,
				plan->start,
				url,
				0 };
	ics_event(out, &ev);
	buf_release(&d);
}

/* The rider's pick-up as one calendar entry: 1 written, 0 not in the plan. */
static int calendar_ride(struct http_request *req, struct buf *out, const struct event *e,
			 const struct ride_plan *plan, const struct ride_mine *m, const char *url)
{
	for (int i = 0; i < plan->n; i++) {
		if (plan->stops[i].request_id != m->id)
			continue;
		const char *d = arena_printf(&req->arena,
					     "%s picks you up at about %s at %s, and arrives"
					     " about %s.",
					     plan->driver, hhmm(req, plan->stops[i].at),
					     m->postcode, hhmm(req, plan->arrive));
		struct ics_event ev = {
			arena_printf(&req->arena, "ride-request-%ld@turnout", m->id),
			plan->stops[i].at,
			plan->arrive,
			time(NULL),
			arena_printf(&req->arena, "Ride to %s with %s", e->title, plan->driver),
			d,
			m->postcode,
			url,
			0
		};
		ics_event(out, &ev);
		return 1;
	}
	return 0;
}

/* The visitor's ride, driving or riding, as calendar entries. */
static void rides_calendar(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	struct event e;
	struct ride_plan plan;
	struct ride_offer_own own;
	struct ride_mine m;
	int found = 0;

	if (ride_visit_or_answer(req, res, &w, &db, &e, NULL))
		return;
	struct match_point session = { e.lat, e.lon };
	const char *url =
	    arena_printf(&req->arena, "%s/events/%ld/rides", app->auth.public_url, e.id);
	buf_reset(&res->body);
	ics_begin(&res->body);
	if (rides_my_offer(db, e.id, w.actor.id, &own) == 1 &&
	    rides_plan_load(db, own.id, session, &plan) == 1) {
		calendar_drive(req, &res->body, &e, &plan, url);
		found = 1;
	}
	if (rides_mine(db, e.id, w.actor.id, &m) == 1 && !strcmp(m.state, "accepted") &&
	    rides_plan_load(db, m.offer_id, session, &plan) == 1)
		found |= calendar_ride(req, &res->body, &e, &plan, &m, url);
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
	{ "GET", "/events/{id}/rides", rides_page, ROUTE_PAGE, NULL },
	{ "GET", "/events/{id}/rides.ics", rides_calendar, 0, NULL },
	{ "POST", "/events/{id}/rides/offer", offer, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/rides/request", request, ROUTE_PAGE, NULL },
	{ "POST", "/rides/requests/{id}/ask", ask, ROUTE_PAGE, NULL },
	{ "POST", "/rides/requests/{id}/accept", accept_ride, ROUTE_PAGE, NULL },
	{ "POST", "/rides/requests/{id}/decline", decline_ride, ROUTE_PAGE, NULL },
	{ "POST", "/rides/requests/{id}/cancel", cancel_request, ROUTE_PAGE, NULL },
	{ "POST", "/rides/offers/{id}/cancel", cancel_offer, ROUTE_PAGE, NULL },
	{ "POST", "/rides/offers/{id}/invite", invite, ROUTE_PAGE, NULL },
};
const size_t rides_nroutes = sizeof(rides_routes) / sizeof(rides_routes[0]);
