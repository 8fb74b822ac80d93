#include "rides/store.h"

#include <stdlib.h>
#include <string.h>

#include "people/people.h"
#include "postcodes/lookup.h"
#include "util/mem.h"

int rides_place(struct db *db, const char *postcode, struct ride_place *out)
{
	struct postcode p;
	struct pc_record r;
	if (!postcode || postcode_parse(postcode, strlen(postcode), &p))
		return 0;
	int rc = lookup_postcode_or_district(db, &p, &r);
	if (rc != 1)
		return rc;
	if (!r.positioned)
		return 0;
	snprintf(out->postcode, sizeof(out->postcode), "%s", r.pc.display);
	snprintf(out->district, sizeof(out->district), "%s", r.pc.outcode);
	out->at = (struct match_point){ r.lat, r.lon };
	return 1;
}

/* Binds a place as (postcode, lat, lon, district) from parameter i on. */
static void bind_place(struct db_stmt *st, int i, const struct ride_place *p)
{
	db_bind_str(st, i, p->postcode);
	db_bind_double(st, i + 1, p->at.lat);
	db_bind_double(st, i + 2, p->at.lon);
	db_bind_str(st, i + 3, p->district);
}

int rides_has_offer(struct db *db, long event_id, long driver_id)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM ride_offers WHERE event_id = ?"
					   " AND driver_id = ? AND status = 'open'");
	db_binds(st, 1, DB_INT(event_id), DB_INT(driver_id));
	long long n = db_int_or(st, -1);
	return n < 0 ? -1 : n > 0;
}

long rides_offers_made(struct db *db, long event_id, long driver_id)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM ride_offers WHERE event_id = ?"
					   " AND driver_id = ?");
	db_binds(st, 1, DB_INT(event_id), DB_INT(driver_id));
	return (long)db_int_or(st, -1);
}

int rides_session_full(struct db *db, long event_id, int offers)
{
	struct db_stmt *st = db_cached(db, offers ? "SELECT count(*) FROM ride_offers"
						    " WHERE event_id = ? AND status = 'open'"
						  : "SELECT count(*) FROM ride_requests"
						    " WHERE event_id = ? AND state != 'cancelled'");
	db_bind_int(st, 1, event_id);
	long long n = db_int_or(st, -1);
	return n < 0 ? -1 : n >= (offers ? RIDES_MAX_OFFERS : RIDES_MAX_REQUESTS);
}

int rides_offer_add(struct db *db, const struct ride_offer_new *o)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO ride_offers (event_id, driver_id, postcode, lat,"
			  " lon, district, seats, returns, max_detour_min, notes, status,"
			  " created_at, depart_at, max_detour_pct, slot_id)"
			  " VALUES (?,?,?,?,?,?,?,?,?,?,'open',?,?,?,?)");
	db_binds(st, 1, DB_INT(o->event_id), DB_INT(o->driver_id));
	bind_place(st, 3, &o->from);
	db_binds(st, 7, DB_INT(o->seats), DB_INT(o->returns), DB_REAL(o->max_detour_min),
		 DB_STR(o->notes ? o->notes : ""), DB_INT(time(NULL)),
		 DB_INT(o->depart_at), DB_REAL(o->max_detour_pct), DB_ID(o->slot_id));
	if (db_done(st))
		return -1;
	rides_changed();
	return 1;
}

int rides_request_put(struct db *db, long event_id, long rider_id, const struct ride_place *at)
{
	struct db_stmt *st = db_cached(
	    db, "INSERT INTO ride_requests (event_id, rider_id, postcode,"
		" lat, lon, district, state, created_at)"
		" VALUES (?,?,?,?,?,?,'open',?) ON CONFLICT (event_id, rider_id)"
		" DO UPDATE SET postcode = excluded.postcode, lat = excluded.lat,"
		" lon = excluded.lon, district = excluded.district, state = 'open',"
		" offer_id = NULL, invited = 0,"
		" moves = ride_requests.moves"
		" + CASE WHEN ride_requests.postcode = excluded.postcode THEN 0 ELSE 1 END"
		" WHERE ride_requests.state IN ('open', 'declined', 'cancelled')"
		" AND (ride_requests.moves < ?8 OR ride_requests.postcode = excluded.postcode)"
		" RETURNING id");
	struct db_stmt *frozen = db_cached(db, "SELECT moves >= ? FROM ride_requests"
					       " WHERE event_id = ? AND rider_id = ?");
	db_binds(st, 1, DB_INT(event_id), DB_INT(rider_id));
	bind_place(st, 3, at);
	db_binds(st, 7, DB_INT(time(NULL)), DB_INT(RIDES_MOVES_MAX));
	long n = db_count(st);
	if (n > 0)
		rides_changed();
	if (n != 0)
		return n < 0 ? -1 : 1;
	db_binds(frozen, 1, DB_INT(RIDES_MOVES_MAX), DB_INT(event_id), DB_INT(rider_id));
	long long f = db_int_or(frozen, -1);
	return f < 0 ? -1 : f ? 2 : 0;
}

int rides_ask(struct db *db, long request_id, long rider_id, long offer_id, long *event_id,
	      long *driver_id)
{
	struct db_stmt *st = db_cached(
	    db, "UPDATE ride_requests SET offer_id = ?, state = 'asked',"
		" invited = 0 WHERE id = ? AND rider_id = ? AND state IN ('open', 'declined')"
		" AND EXISTS (SELECT 1 FROM ride_offers WHERE id = ?"
		" AND event_id = ride_requests.event_id AND status = 'open'"
		" AND driver_id != ?)"
		" RETURNING event_id, (SELECT driver_id FROM ride_offers WHERE id = ?)");
	db_binds(st, 1, DB_INT(offer_id), DB_INT(request_id), DB_INT(rider_id), DB_INT(offer_id),
		 DB_INT(rider_id), DB_INT(offer_id));
	int rc = db_one(st);
	if (rc == 1) {
		*event_id = (long)db_col_int(st, 0);
		*driver_id = (long)db_col_int(st, 1);
		db_reset(st); /* one row by its key: the update is whole at the first step */
		rides_changed();
	}
	return rc;
}

int rides_invite(struct db *db, long offer_id, long driver_id, long request_id, long *event_id,
		 long *rider_id)
{
	struct db_stmt *st = db_cached(
	    db, "UPDATE ride_requests SET offer_id = ?, state = 'asked',"
		" invited = 1 WHERE id = ? AND rider_id != ?"
		" AND (state = 'open' OR (state = 'declined' AND coalesce(offer_id, 0) != ?))"
		" AND event_id = (SELECT event_id FROM ride_offers WHERE id = ?"
		" AND driver_id = ? AND status = 'open' AND taken < seats)"
		" RETURNING event_id, rider_id");
	db_binds(st, 1, DB_INT(offer_id), DB_INT(request_id), DB_INT(driver_id), DB_INT(offer_id),
		 DB_INT(offer_id), DB_INT(driver_id));
	int rc = db_one(st);
	if (rc == 1) {
		*event_id = (long)db_col_int(st, 0);
		*rider_id = (long)db_col_int(st, 1);
		db_reset(st); /* one row by its key: the update is whole at the first step */
		rides_changed();
	}
	return rc;
}

/*
 * The request's row, held until the transaction ends, before it is read:
 * an answer and a cancellation racing on another connection wait for each
 * other, and the second reads what the first did (each statement reads
 * what was committed before it began).  On SQLite the write lock that
 * BEGIN takes gives the same order.
 */
static int hold_request(struct db *db, long request_id)
{
	struct db_stmt *st = db_cached(db, "UPDATE ride_requests SET state = state WHERE id = ?");
	db_bind_int(st, 1, request_id);
	return db_done(st);
}

int rides_answer(struct db *db, long request_id, long person_id, int accept, struct ride_answer *a)
{
	struct db_stmt *get =
	    db_cached(db, "SELECT r.offer_id, r.event_id, r.invited, o.driver_id,"
			  " r.rider_id FROM ride_requests r JOIN ride_offers o"
			  " ON o.id = r.offer_id WHERE r.id = ? AND r.state = 'asked'"
			  " AND o.status = 'open' AND ((r.invited = 0 AND o.driver_id = ?)"
			  " OR (r.invited = 1 AND r.rider_id = ?))");
	/* the seat is claimed in one statement: two accepts cannot share it */
	struct db_stmt *claim =
	    db_cached(db, "UPDATE ride_offers SET taken = taken + 1 WHERE id = ?"
			  " AND taken < seats AND status = 'open' RETURNING id");
	struct db_stmt *set = db_cached(db, "UPDATE ride_requests SET state = ? WHERE id = ?"
					    " AND state = 'asked' RETURNING id");
	long offer_id = 0;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	/* read under the write lock: an answer sent twice sees the first one's result */
	if (db_begin(db))
		return -1;
	if (hold_request(db, request_id))
		goto fail;
	db_binds(get, 1, DB_INT(request_id), DB_INT(person_id), DB_INT(person_id));
	rc = db_one(get);
	if (rc != 1)
		goto fail;
	offer_id = (long)db_col_int(get, 0);
	a->event_id = (long)db_col_int(get, 1);
	a->invited = (int)db_col_int(get, 2);
	a->other = (long)db_col_int(get, a->invited ? 3 : 4);
	db_reset(get);
	rc = -1;
	if (accept) {
		db_bind_int(claim, 1, offer_id);
		long claimed = db_count(claim);
		if (claimed < 0)
			goto fail;
		if (claimed == 0) {
			a->full = 1;
			rc = 1;
			goto fail; /* nothing to keep */
		}
	}
	db_binds(set, 1, DB_STR(accept ? "accepted" : "declined"), DB_INT(request_id));
	if (db_count(set) != 1 || db_commit(db))
		goto fail;
	rides_changed();
	return 1;
fail:
	db_reset(get);
	db_rollback(db);
	return rc;
}

int rides_cancel_request(struct db *db, long request_id, long rider_id, long *event_id,
			 long *driver_id)
{
	struct db_stmt *get =
	    db_cached(db, "SELECT r.state, r.offer_id, r.event_id, o.driver_id"
			  " FROM ride_requests r LEFT JOIN ride_offers o ON o.id = r.offer_id"
			  " WHERE r.id = ? AND r.rider_id = ? AND r.state != 'cancelled'");
	struct db_stmt *free_seat =
	    db_cached(db, "UPDATE ride_offers SET taken = taken - 1 WHERE id = ?"
			  " AND taken > 0 RETURNING id");
	struct db_stmt *set = db_cached(db, "UPDATE ride_requests SET state = 'cancelled'"
					    " WHERE id = ? AND state != 'cancelled' RETURNING id");
	int rc, accepted;
	long offer_id;

	/* read under the write lock: a cancel sent twice frees the seat once */
	if (db_begin(db))
		return -1;
	if (hold_request(db, request_id)) {
		rc = -1;
		goto fail;
	}
	db_binds(get, 1, DB_INT(request_id), DB_INT(rider_id));
	rc = db_one(get);
	if (rc != 1)
		goto fail;
	accepted = !strcmp(db_col_text(get, 0), "accepted");
	offer_id = (long)db_col_int(get, 1);
	*event_id = (long)db_col_int(get, 2);
	*driver_id = (long)db_col_int(get, 3);
	db_reset(get);
	rc = -1;
	if (accepted) {
		db_bind_int(free_seat, 1, offer_id);
		if (db_count(free_seat) < 0)
			goto fail;
	}
	db_bind_int(set, 1, request_id);
	if (db_count(set) != 1 || db_commit(db))
		goto fail;
	rides_changed();
	return 1;
fail:
	db_reset(get);
	db_rollback(db);
	return rc;
}

void ride_freed_release(struct ride_freed *f)
{
	free(f->requests);
	free(f->riders);
	memset(f, 0, sizeof(*f));
}

int rides_cancel_offer(struct db *db, long offer_id, long driver_id, struct ride_freed *f)
{
	struct db_stmt *off = db_cached(db, "UPDATE ride_offers SET status = 'cancelled', taken = 0"
					    " WHERE id = ? AND driver_id = ? AND status = 'open'"
					    " RETURNING event_id");
	/* riders asked, invited or accepted are free to look again at once */
	struct db_stmt *riders =
	    db_cached(db, "UPDATE ride_requests SET state = 'open', offer_id = NULL,"
			  " invited = 0 WHERE offer_id = ? AND state IN ('asked',"
			  " 'accepted') RETURNING id, rider_id");
	int rc;

	memset(f, 0, sizeof(*f));
	if (db_begin(db))
		return -1;
	db_binds(off, 1, DB_INT(offer_id), DB_INT(driver_id));
	rc = db_one(off);
	if (rc != 1)
		goto fail;
	f->event_id = (long)db_col_int(off, 0);
	rc = -1;
	if (db_done(off))
		goto fail;
	db_bind_int(riders, 1, offer_id);
	enum db_step step;
	while ((step = db_step(riders)) == DB_ROW) {
		f->requests = xrealloc(f->requests, (f->n + 1) * sizeof(long));
		f->riders = xrealloc(f->riders, (f->n + 1) * sizeof(long));
		f->requests[f->n] = (long)db_col_int(riders, 0);
		f->riders[f->n++] = (long)db_col_int(riders, 1);
	}
	db_reset(riders);
	if (step != DB_DONE || db_commit(db))
		goto fail;
	rides_changed();
	return 1;
fail:
	db_reset(off);
	db_reset(riders);
	db_rollback(db);
	ride_freed_release(f);
	return rc;
}

static time_t add_minutes(time_t t, double min)
{
	return t + (time_t)(min * 60.0 + 0.5);
}

int rides_plan_load(struct db *db, long offer_id, struct match_point session, struct ride_plan *p)
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
	db_bind_int(o, 1, offer_id);
	int rc = db_one(o);
	if (rc != 1)
		return rc;
	p->offer_id = offer_id;
	p->driver_id = (long)db_col_int(o, 0);
	person_first_name(db_col_text(o, 1), p->driver);
	db_col_copy(o, 2, p->start, sizeof(p->start));
	start = (struct match_point){ db_col_double(o, 3), db_col_double(o, 4) };
	p->depart = (time_t)db_col_int(o, 5);
	db_reset(o);
	db_bind_int(r, 1, offer_id);
	while (p->n < MATCH_MAX_SEATS && db_step(r) == DB_ROW) {
		struct ride_stop *s = &found[p->n];
		s->request_id = (long)db_col_int(r, 0);
		s->rider_id = (long)db_col_int(r, 1);
		person_first_name(db_col_text(r, 2), s->first);
		db_col_copy(r, 3, s->postcode, sizeof(s->postcode));
		at[p->n] = (struct match_point){ db_col_double(r, 4), db_col_double(r, 5) };
		which[p->n] = p->n;
		p->n++;
	}
	db_reset(r);
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
	return 1;
}

int rides_mine(struct db *db, long event_id, long rider_id, struct ride_mine *m)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT r.id, r.state, r.lat, r.lon, r.offer_id, r.invited,"
			  " p.name, p.email, p.phone, o.notes, r.postcode FROM ride_requests r"
			  " LEFT JOIN ride_offers o ON o.id = r.offer_id"
			  " LEFT JOIN people p ON p.id = o.driver_id"
			  " WHERE r.event_id = ? AND r.rider_id = ? AND r.state != 'cancelled'");
	memset(m, 0, sizeof(*m));
	db_binds(st, 1, DB_INT(event_id), DB_INT(rider_id));
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	m->id = (long)db_col_int(st, 0);
	db_col_copy(st, 1, m->state, sizeof(m->state));
	m->at = (struct match_point){ db_col_double(st, 2), db_col_double(st, 3) };
	m->offer_id = (long)db_col_int(st, 4);
	m->invited = (int)db_col_int(st, 5);
	if (db_col_text(st, 6))
		person_first_name(db_col_text(st, 6), m->driver);
	if (!strcmp(m->state, "accepted")) {
		db_col_copy(st, 7, m->driver_email, sizeof(m->driver_email));
		db_col_copy(st, 8, m->driver_phone, sizeof(m->driver_phone));
		db_col_copy(st, 9, m->notes, sizeof(m->notes));
	}
	db_col_copy(st, 10, m->postcode, sizeof(m->postcode));
	db_reset(st);
	return 1;
}

int rides_each_open_offer(struct db *db, long event_id,
			  void (*fn)(const struct ride_offer_seen *o, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db,
	    "SELECT o.id, p.name, o.district, o.seats - o.taken, o.lat,"
	    " o.lon, o.max_detour_min, o.driver_id, o.max_detour_pct,"
	    " coalesce((SELECT starts_at FROM slots WHERE id = o.slot_id), 0) FROM ride_offers o"
	    " JOIN people p ON p.id = o.driver_id WHERE o.event_id = ?"
	    " AND o.status = 'open' AND o.taken < o.seats ORDER BY o.id");
	int rc;
	db_bind_int(st, 1, event_id);
	while (db_next(st, &rc)) {
		struct ride_offer_seen o = {
			.id = (long)db_col_int(st, 0),
			.driver_id = (long)db_col_int(st, 7),
			.seats_free = (int)db_col_int(st, 3),
			.route = { { db_col_double(st, 4), db_col_double(st, 5) },
				   1,
				   db_col_double(st, 6),
				   db_col_double(st, 8) },
			.arrives = (time_t)db_col_int(st, 9),
		};
		person_first_name(db_col_text(st, 1), o.driver);
		db_col_copy(st, 2, o.district, sizeof(o.district));
		fn(&o, arg);
	}
	return rc;
}

int rides_my_offer(struct db *db, long event_id, long driver_id, struct ride_offer_own *o)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT id, seats, taken FROM ride_offers WHERE event_id = ?"
			  " AND driver_id = ? AND status = 'open'");
	db_binds(st, 1, DB_INT(event_id), DB_INT(driver_id));
	int rc = db_one(st);
	if (rc == 1) {
		o->id = (long)db_col_int(st, 0);
		o->seats = (int)db_col_int(st, 1);
		o->taken = (int)db_col_int(st, 2);
		db_reset(st);
	}
	return rc;
}

long rides_askers(struct db *db, long offer_id, struct ride_asker *out, size_t max)
{
	struct db_stmt *st = db_cached(db, "SELECT r.id, p.name, r.district, r.state, r.invited,"
					   " p.email, p.phone FROM ride_requests r JOIN people p"
					   " ON p.id = r.rider_id WHERE r.offer_id = ?"
					   " AND r.state IN ('asked', 'accepted') ORDER BY r.id");
	long n = 0;
	enum db_step step;
	db_bind_int(st, 1, offer_id);
	while ((size_t)n < max && (step = db_step(st)) == DB_ROW) {
		struct ride_asker *a = &out[n++];
		memset(a, 0, sizeof(*a));
		a->request_id = (long)db_col_int(st, 0);
		person_first_name(db_col_text(st, 1), a->rider);
		db_col_copy(st, 2, a->district, sizeof(a->district));
		a->accepted = !strcmp(db_col_text(st, 3), "accepted");
		a->invited = !a->accepted && db_col_int(st, 4);
		if (a->accepted) {
			db_col_copy(st, 5, a->email, sizeof(a->email));
			db_col_copy(st, 6, a->phone, sizeof(a->phone));
		}
	}
	db_reset(st);
	return (size_t)n < max && step == DB_ERROR ? -1 : n;
}

int rides_looking_rider(struct db *db, long request_id, char first[64], char district[5])
{
	struct db_stmt *st =
	    db_cached(db, "SELECT p.name, r.district FROM ride_requests r JOIN people p"
			  " ON p.id = r.rider_id WHERE r.id = ?"
			  " AND r.state IN ('open', 'declined')");
	db_bind_int(st, 1, request_id);
	int rc = db_one(st);
	if (rc == 1) {
		person_first_name(db_col_text(st, 0), first);
		db_col_copy(st, 1, district, 5);
		db_reset(st);
	}
	return rc;
}

long rides_seats_offered(struct db *db, long event_id)
{
	struct db_stmt *st = db_cached(db, "SELECT coalesce(sum(seats - taken), 0) FROM ride_offers"
					   " WHERE event_id = ? AND status = 'open'");
	db_bind_int(st, 1, event_id);
	return (long)db_int_or(st, 0);
}

long rides_seats_near(struct db *db, long event_id, struct match_point session,
		      struct match_point at)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT lat, lon, seats - taken, max_detour_min, max_detour_pct"
			  " FROM ride_offers WHERE event_id = ? AND status = 'open'"
			  " AND taken < seats");
	long n = 0;
	db_bind_int(st, 1, event_id);
	while (db_step(st) == DB_ROW) {
		struct match_driver d = { { db_col_double(st, 0), db_col_double(st, 1) },
					  1,
					  db_col_double(st, 3),
					  db_col_double(st, 4) };
		int zero = 0;
		if (match_route_ok(&d, session, &at, &zero, 1, NULL))
			n += (long)db_col_int(st, 2);
	}
	db_reset(st);
	return n;
}
