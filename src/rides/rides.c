/*
 * Carpool for a session: drivers offer seats from a postcode, riders ask
 * for a ride from theirs.  Until a driver accepts, each side sees only the
 * other's first name and postcode district; once accepted, the exact
 * pick-up and contact details are shared with both.  Claiming a seat is
 * one conditional UPDATE, checked again by the schema, so concurrent
 * accepts never overbook.  Candidate drivers are ranked by added detour
 * with the rules of rides/match.h.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth/audit.h"
#include "events/events.h"
#include "groups/groups.h"
#include "people/people.h"
#include "postcodes/lookup.h"
#include "rides/match.h"
#include "rides/rides.h"
#include "util/num.h"

static void tell(struct http_request *req, struct db *db, long person, const char *subject,
		 const char *text, long event_id);

static void first_name(const char *name, char out[64])
{
	snprintf(out, 64, "%s", name);
	out[strcspn(out, " ")] = '\0';
}

/* Signed in, the session there, and for a POST a form with a good token. */
static int begin(struct http_request *req, struct http_response *res, struct who *w,
		 struct db **db, struct event *e, struct qs *form)
{
	if (visitor_begin(req, res, w, db, 0))
		return -1;
	if (!w->actor.id) {
		http_redirect(res, "/signin");
		return -1;
	}
	long id = path_id(req, "id");
	if (e && (!id || event_get(*db, id, e) != 1 || e->draft || e->awaiting)) {
		page_message(req, res, 404, "Not found", "There is no such session.", w);
		return -1;
	}
	if (form && (form_read(req, res, form) || !who_csrf_ok(w, form))) {
		if (res->status != 400)
			page_message(req, res, 403, "This form has expired",
				     "Reload the page and try again.", w);
		return -1;
	}
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
	return db_bind_text(st, i, r->pc.display, strlen(r->pc.display)) ||
	       db_bind_double(st, i + 1, r->lat) || db_bind_double(st, i + 2, r->lon) ||
	       db_bind_text(st, i + 3, r->pc.outcode, strlen(r->pc.outcode));
}

static void rides_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	static _Thread_local struct event e;

	if (begin(req, res, &w, &db, &e, NULL))
		return;
	struct match_point session = { e.lat, e.lon };
	json_t *offers = json_array(), *asking = json_array(), *mine = NULL, *my_offer = NULL;

	/* the visitor's own request, and what it has come to */
	struct db_stmt *rq = db_cached(db, "SELECT r.id, r.state, r.lat, r.lon, r.offer_id,"
					   " p.name, p.email, p.phone, o.postcode, o.notes"
					   " FROM ride_requests r LEFT JOIN ride_offers o ON o.id = r.offer_id"
					   " LEFT JOIN people p ON p.id = o.driver_id"
					   " WHERE r.event_id = ? AND r.rider_id = ? AND r.state != 'cancelled'");
	struct match_point me = { 0, 0 };
	long my_request = 0;
	if (rq && db_bind_int(rq, 1, e.id) == 0 && db_bind_int(rq, 2, w.actor.id) == 0 &&
	    db_step(rq) == DB_ROW) {
		my_request = (long)db_col_int(rq, 0);
		me = (struct match_point){ db_col_double(rq, 2), db_col_double(rq, 3) };
		int accepted = !strcmp(db_col_text(rq, 1), "accepted");
		char first[64] = "";
		if (db_col_text(rq, 5))
			first_name(db_col_text(rq, 5), first);
		mine = json_pack("{s:I, s:s, s:b, s:s*, s:s*, s:s*, s:s*, s:s*}", "id",
				 (json_int_t)my_request, "state", db_col_text(rq, 1), "accepted",
				 accepted, "driver", *first ? first : NULL, "driver_email",
				 accepted ? db_col_text(rq, 6) : NULL, "driver_phone",
				 accepted ? db_col_text(rq, 7) : NULL, "driver_postcode",
				 accepted ? db_col_text(rq, 8) : NULL, "notes",
				 accepted ? db_col_text(rq, 9) : NULL);
	}
	if (rq)
		db_reset(rq);
	/* candidate drivers for the visitor's request, best first */
	struct db_stmt *os = db_cached(db, "SELECT o.id, p.name, o.district, o.seats - o.taken, o.lat,"
					   " o.lon, o.max_detour_min, o.driver_id FROM ride_offers o"
					   " JOIN people p ON p.id = o.driver_id WHERE o.event_id = ?"
					   " AND o.status = 'open' AND o.taken < o.seats ORDER BY o.id");
	if (mine && os && db_bind_int(os, 1, e.id) == 0) {
		while (db_step(os) == DB_ROW) {
			struct match_driver d = { { db_col_double(os, 4), db_col_double(os, 5) }, 1,
						  db_col_double(os, 6), MATCH_MAX_DETOUR_PCT };
			int zero = 0;
			double det;
			if ((long)db_col_int(os, 7) == w.actor.id ||
			    !match_route_ok(&d, session, &me, &zero, 1, &det))
				continue;
			char first[64];
			first_name(db_col_text(os, 1), first);
			json_array_append_new(offers, json_pack("{s:I, s:s, s:s, s:I, s:I}", "id",
								(json_int_t)db_col_int(os, 0), "driver",
								first, "district", db_col_text(os, 2),
								"seats", (json_int_t)db_col_int(os, 3),
								"detour", (json_int_t)(det + 0.5)));
		}
		db_reset(os);
	}
	/* the visitor's own offer, and who is asking */
	struct db_stmt *mo = db_cached(db, "SELECT id, seats, taken FROM ride_offers WHERE event_id = ?"
					   " AND driver_id = ? AND status = 'open'");
	struct db_stmt *ask = db_cached(db, "SELECT r.id, p.name, r.district, r.state, r.postcode,"
					    " p.email, p.phone FROM ride_requests r JOIN people p"
					    " ON p.id = r.rider_id WHERE r.offer_id = ?"
					    " AND r.state IN ('asked', 'accepted') ORDER BY r.id");
	if (mo && ask && db_bind_int(mo, 1, e.id) == 0 && db_bind_int(mo, 2, w.actor.id) == 0 &&
	    db_step(mo) == DB_ROW) {
		long oid = (long)db_col_int(mo, 0);
		my_offer = json_pack("{s:I, s:I, s:I}", "id", (json_int_t)oid, "seats",
				     (json_int_t)db_col_int(mo, 1), "taken", (json_int_t)db_col_int(mo, 2));
		if (db_bind_int(ask, 1, oid) == 0) {
			while (db_step(ask) == DB_ROW) {
				int acc = !strcmp(db_col_text(ask, 3), "accepted");
				char first[64];
				first_name(db_col_text(ask, 1), first);
				json_array_append_new(
					asking, json_pack("{s:I, s:s, s:s, s:b, s:s*, s:s*, s:s*}", "id",
							  (json_int_t)db_col_int(ask, 0), "rider", first,
							  "district", db_col_text(ask, 2), "accepted", acc,
							  "postcode", acc ? db_col_text(ask, 4) : NULL,
							  "email", acc ? db_col_text(ask, 5) : NULL,
							  "phone", acc ? db_col_text(ask, 6) : NULL));
			}
			db_reset(ask);
		}
	}
	if (mo)
		db_reset(mo);
	page_render(req, res, 200, "rides",
		    json_pack("{s:s, s:I, s:s, s:o*, s:o, s:o*, s:o}", "title", "Rides", "id",
			      (json_int_t)e.id, "event", e.title, "request", mine, "offers", offers,
			      "offer", my_offer, "asking", asking),
		    &w);
}

static void offer(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	static _Thread_local struct event e;
	struct pc_record r;
	long seats, detour;

	if (begin(req, res, &w, &db, &e, &f))
		return;
	const char *s = qs_get(&f, "seats"), *dt = qs_get(&f, "max_detour_min");
	const char *notes = qs_get(&f, "notes");
	const char *why = place(db, qs_get(&f, "postcode"), &r) ? "Give the postcode you start from."
			  : !s || num_parse_long(s, strlen(s), 1, MATCH_MAX_SEATS, &seats)
				  ? "Offer between 1 and 8 seats."
			  : dt && *dt && num_parse_long(dt, strlen(dt), 0, 120, &detour)
				  ? "The longest detour is 0 to 120 minutes."
			  : notes && strlen(notes) > 300 ? "Notes are 300 characters at most."
							 : NULL;
	if (!dt || !*dt)
		detour = 20;
	if (why) {
		page_message(req, res, 400, "Not offered", why, &w);
		return;
	}
	struct db_stmt *st = db_cached(db, "INSERT INTO ride_offers (event_id, driver_id, postcode, lat,"
					   " lon, district, seats, returns, max_detour_min, notes, status,"
					   " created_at) VALUES (?,?,?,?,?,?,?,?,?,?,'open',?)");
	if (!st || db_bind_int(st, 1, e.id) || db_bind_int(st, 2, w.actor.id) ||
	    bind_place(st, 3, &r) || db_bind_int(st, 7, seats) || db_bind_int(st, 8, qs_get(&f, "returns") != NULL) ||
	    db_bind_double(st, 9, (double)detour) ||
	    db_bind_text(st, 10, notes ? notes : "", notes ? strlen(notes) : 0) ||
	    db_bind_int(st, 11, (long long)time(NULL)) || db_step(st) != DB_DONE) {
		if (st)
			db_reset(st);
		page_message(req, res, 500, "Sorry", "The offer could not be saved.", &w);
		return;
	}
	db_reset(st);
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
	if (place(db, qs_get(&f, "postcode"), &r)) {
		page_message(req, res, 400, "Not asked", "Give the postcode to be picked up from.", &w);
		return;
	}
	/* one request per person per session: asking again moves the pick-up */
	struct db_stmt *st = db_cached(db, "INSERT INTO ride_requests (event_id, rider_id, postcode,"
					   " lat, lon, district, state, created_at)"
					   " VALUES (?,?,?,?,?,?,'open',?) ON CONFLICT (event_id, rider_id)"
					   " DO UPDATE SET postcode = excluded.postcode, lat = excluded.lat,"
					   " lon = excluded.lon, district = excluded.district, state = 'open',"
					   " offer_id = NULL WHERE state IN ('open', 'declined', 'cancelled')");
	if (!st || db_bind_int(st, 1, e.id) || db_bind_int(st, 2, w.actor.id) ||
	    bind_place(st, 3, &r) || db_bind_int(st, 7, (long long)time(NULL)) || db_step(st) != DB_DONE) {
		if (st)
			db_reset(st);
		page_message(req, res, 500, "Sorry", "The request could not be saved.", &w);
		return;
	}
	db_reset(st);
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
	long rid = path_id(req, "id");
	const char *o = qs_get(&f, "offer");
	struct db_stmt *st = db_cached(db, "UPDATE ride_requests SET offer_id = ?, state = 'asked'"
					   " WHERE id = ? AND rider_id = ? AND state IN ('open', 'declined')"
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
	if (st)
		db_reset(st);
	if (!eid) {
		page_message(req, res, 404, "Not asked", "No such request or offer.", &w);
		return;
	}
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

/* The driver answers; accepting claims a seat or fails cleanly when full. */
static void answer(struct http_request *req, struct http_response *res, int accept)
{
	struct who w;
	struct db *db;
	struct qs f;

	if (begin(req, res, &w, &db, NULL, &f))
		return;
	long rid = path_id(req, "id");
	struct db_stmt *who_st = db_cached(db, "SELECT r.offer_id, r.event_id FROM ride_requests r"
					       " JOIN ride_offers o ON o.id = r.offer_id WHERE r.id = ?"
					       " AND r.state = 'asked' AND o.driver_id = ?");
	long oid = 0, eid = 0;
	if (who_st && db_bind_int(who_st, 1, rid) == 0 && db_bind_int(who_st, 2, w.actor.id) == 0 &&
	    db_step(who_st) == DB_ROW) {
		oid = (long)db_col_int(who_st, 0);
		eid = (long)db_col_int(who_st, 1);
	}
	if (who_st)
		db_reset(who_st);
	if (!oid) {
		page_message(req, res, 404, "Not found", "No such request waiting for you.", &w);
		return;
	}
	struct db_stmt *claim = db_cached(db, "UPDATE ride_offers SET taken = taken + 1 WHERE id = ?"
					      " AND taken < seats AND status = 'open'");
	struct db_stmt *n = db_cached(db, "SELECT changes()");
	struct db_stmt *set = db_cached(db, "UPDATE ride_requests SET state = ? WHERE id = ?"
					    " AND state = 'asked'");
	int full = 0, bad = !claim || !n || !set || db_begin(db);
	if (!bad && accept) {
		/* the seat is claimed in one statement: two accepts cannot share it */
		bad = db_bind_int(claim, 1, oid) || db_step(claim) != DB_DONE || db_step(n) != DB_ROW;
		full = !bad && db_col_int(n, 0) != 1;
		db_reset(claim);
		db_reset(n);
	}
	const char *state = accept && !full ? "accepted" : "declined";
	if (!bad && !full)
		bad = db_bind_text(set, 1, state, strlen(state)) || db_bind_int(set, 2, rid) ||
		      db_step(set) != DB_DONE;
	if (set)
		db_reset(set);
	if (bad || (full ? db_rollback(db) : db_commit(db))) {
		db_rollback(db);
		page_message(req, res, 500, "Sorry", "That could not be saved.", &w);
		return;
	}
	if (full) {
		page_message(req, res, 409, "No seats left", "Every seat in your car is taken.", &w);
		return;
	}
	audit_write(db, w.actor.id, accept ? "ride.accept" : "ride.decline", 0,
		    arena_printf(&req->arena, "request %ld", rid));
	struct db_stmt *r = db_cached(db, "SELECT rider_id FROM ride_requests WHERE id = ?");
	if (r && db_bind_int(r, 1, rid) == 0 && db_step(r) == DB_ROW) {
		long rider = (long)db_col_int(r, 0);
		db_reset(r);
		tell(req, db, rider, accept ? "Your ride is confirmed" : "Your ride request was declined",
		     accept ? "Your driver accepted: the pick-up plan and their contact are on the"
			      " rides page."
			    : "That driver cannot take you. Ask another on the rides page.",
		     eid);
	} else if (r) {
		db_reset(r);
	}
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

/* Tells one person by email, from the queue; their address is looked up here. */
static void tell(struct http_request *req, struct db *db, long person, const char *subject,
		 const char *text, long event_id)
{
	struct app *app = req->app;
	struct db_stmt *st = db_cached(db, "SELECT name, email FROM people WHERE id = ?");
	if (!st || db_bind_int(st, 1, person) || db_step(st) != DB_ROW) {
		if (st)
			db_reset(st);
		return;
	}
	struct buf t, h;
	buf_init(&t, 8 << 10);
	buf_init(&h, 8 << 10);
	buf_printf(&t, "Hello %s,\n\n%s\n\n%s/events/%ld/rides\n", db_col_text(st, 0), text,
		   app->auth.public_url, event_id);
	buf_puts(&h, "<!doctype html><p>");
	html_escape(&h, text, strlen(text));
	buf_printf(&h, "</p><p><a href=\"%s/events/%ld/rides\">Rides</a></p>", app->auth.public_url,
		   event_id);
	mail_queue_send(&app->mailq, db_col_text(st, 1), subject, t.p, h.p);
	buf_release(&t);
	buf_release(&h);
	db_reset(st);
}

/* The rider withdraws: an accepted seat is freed for someone else. */
static void cancel_request(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;

	if (begin(req, res, &w, &db, NULL, &f))
		return;
	long rid = path_id(req, "id");
	struct db_stmt *st = db_cached(db, "SELECT r.state, r.offer_id, r.event_id, o.driver_id"
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
	if (st)
		db_reset(st);
	if (!eid) {
		page_message(req, res, 404, "Not found", "No such request of yours.", &w);
		return;
	}
	struct db_stmt *free_seat = db_cached(db, "UPDATE ride_offers SET taken = taken - 1 WHERE id = ?"
						  " AND taken > 0");
	struct db_stmt *set = db_cached(db, "UPDATE ride_requests SET state = 'cancelled' WHERE id = ?");
	int bad = !free_seat || !set || db_begin(db) ||
		  (accepted && (db_bind_int(free_seat, 1, oid) || db_step(free_seat) != DB_DONE)) ||
		  db_bind_int(set, 1, rid) || db_step(set) != DB_DONE;
	if (free_seat)
		db_reset(free_seat);
	if (set)
		db_reset(set);
	if (bad || db_commit(db)) {
		db_rollback(db);
		page_message(req, res, 500, "Sorry", "That could not be saved.", &w);
		return;
	}
	if (driver)
		tell(req, db, driver, "A rider cancelled", "A rider no longer needs the seat in your car.",
		     eid);
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", eid));
}

/* The driver withdraws: their riders go back to looking, and are told. */
static void cancel_offer(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;

	if (begin(req, res, &w, &db, NULL, &f))
		return;
	long oid = path_id(req, "id");
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
	if (st)
		db_reset(st);
	/* riders asked or accepted are free to ask someone else at once */
	struct db_stmt *riders = db_cached(db, "UPDATE ride_requests SET state = 'open', offer_id = NULL"
					       " WHERE offer_id = ? AND state IN ('asked', 'accepted')"
					       " RETURNING rider_id");
	long told[64];
	size_t nt = 0;
	if (ok && riders && db_bind_int(riders, 1, oid) == 0) {
		while (db_step(riders) == DB_ROW)
			if (nt < 64)
				told[nt++] = (long)db_col_int(riders, 0);
		db_reset(riders);
	}
	if (!ok || db_commit(db)) {
		db_rollback(db);
		page_message(req, res, 404, "Not found", "No such open offer of yours.", &w);
		return;
	}
	for (size_t i = 0; i < nt; i++)
		tell(req, db, told[i], "Your driver cancelled",
		     "Your driver can no longer take you. Other drivers are listed on the rides page.",
		     eid);
	audit_write(db, w.actor.id, "ride.offer_cancel", 0,
		    arena_printf(&req->arena, "offer %ld: %zu riders told", oid, nt));
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/rides", eid));
}

long rides_seats_offered(struct db *db, long event_id)
{
	struct db_stmt *st = db_cached(db, "SELECT coalesce(sum(seats - taken), 0) FROM ride_offers"
					   " WHERE event_id = ? AND status = 'open'");
	long n = 0;
	if (st && db_bind_int(st, 1, event_id) == 0 && db_step(st) == DB_ROW)
		n = (long)db_col_int(st, 0);
	if (st)
		db_reset(st);
	return n;
}

const struct http_route rides_routes[] = {
	{ "GET", "/events/{id}/rides", rides_page, ROUTE_PAGE },
	{ "POST", "/events/{id}/rides/offer", offer, ROUTE_PAGE },
	{ "POST", "/events/{id}/rides/request", request, ROUTE_PAGE },
	{ "POST", "/rides/requests/{id}/ask", ask, ROUTE_PAGE },
	{ "POST", "/rides/requests/{id}/accept", accept_ride, ROUTE_PAGE },
	{ "POST", "/rides/requests/{id}/decline", decline_ride, ROUTE_PAGE },
	{ "POST", "/rides/requests/{id}/cancel", cancel_request, ROUTE_PAGE },
	{ "POST", "/rides/offers/{id}/cancel", cancel_offer, ROUTE_PAGE },
};
const size_t rides_nroutes = sizeof(rides_routes) / sizeof(rides_routes[0]);
