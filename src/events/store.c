#include "events/store.h"

#include <stdio.h>
#include <string.h>

#include "auth/audit.h"

int event_insert(struct db *db, struct event *e)
{
	struct db_stmt *ins =
	    db_cached(db, "INSERT INTO events (type, title, description, seat,"
			  " group_id, postcode, lat, lon, address, address_private,"
			  " access_notes, starts_at, ends_at, status, created_by,"
			  " created_at, awaiting_approval, draft, proposed, online_url)"
			  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'published',?,?,?,?,?,?) RETURNING id");
	struct db_stmt *slot = db_cached(db, "INSERT INTO slots (event_id, starts_at, ends_at,"
					     " capacity) VALUES (?, ?, ?, ?)");
	int bad;

	bad = db_bind_str(ins, 1, e->type) || db_bind_str(ins, 2, e->title) ||
	      db_bind_str(ins, 3, e->description) || db_bind_str(ins, 4, e->seat) ||
	      db_bind_id(ins, 5, e->group_id) || db_bind_str(ins, 6, e->postcode) ||
	      db_bind_double(ins, 7, e->lat) || db_bind_double(ins, 8, e->lon) ||
	      db_bind_str(ins, 9, e->address) || db_bind_int(ins, 10, e->address_private) ||
	      db_bind_str(ins, 11, e->access_notes) || db_bind_int(ins, 12, e->starts_at) ||
	      db_bind_int(ins, 13, e->ends_at) || db_bind_id(ins, 14, e->created_by) ||
	      db_bind_int(ins, 15, (long long)time(NULL)) || db_bind_int(ins, 16, e->awaiting) ||
	      db_bind_int(ins, 17, e->draft) || db_bind_int(ins, 18, e->awaiting) ||
	      db_bind_str(ins, 19, e->online_url) || db_step(ins) != DB_ROW;
	if (!bad)
		e->id = (long)db_col_int(ins, 0);
	db_reset(ins);
	for (size_t i = 0; !bad && i < e->nslots; i++) {
		db_reset(slot);
		bad = db_bind_int(slot, 1, e->id) || db_bind_int(slot, 2, e->slots[i].starts_at) ||
		      db_bind_int(slot, 3, e->slots[i].ends_at) ||
		      db_bind_int(slot, 4, e->slots[i].capacity) || db_step(slot) != DB_DONE;
	}
	db_reset(slot);
	return bad ? -1 : 0;
}

int event_create(struct db *db, struct event *e)
{
	if (db_begin(db))
		return -1;
	if (event_insert(db, e) || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int event_get(struct db *db, long id, struct event *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT id, type, title, description, seat, group_id,"
			  " postcode, lat, lon, address, address_private,"
			  " access_notes, starts_at, ends_at, status, created_by,"
			  " awaiting_approval, draft, version, proposed, online_url"
			  " FROM events WHERE id = ?");
	struct db_stmt *sl =
	    db_cached(db, "SELECT id, starts_at, ends_at, capacity, going,"
			  " (SELECT count(*) FROM signups g WHERE g.slot_id = slots.id"
			  "  AND g.status = 'waitlist')"
			  " FROM slots WHERE event_id = ? ORDER BY starts_at, id");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = (long)db_col_int(st, 0);
	db_col_copy(st, 1, out->type, sizeof(out->type));
	db_col_copy(st, 2, out->title, sizeof(out->title));
	db_col_copy(st, 3, out->description, sizeof(out->description));
	db_col_copy(st, 4, out->seat, sizeof(out->seat));
	out->group_id = (long)db_col_int(st, 5);
	db_col_copy(st, 6, out->postcode, sizeof(out->postcode));
	out->lat = db_col_double(st, 7);
	out->lon = db_col_double(st, 8);
	db_col_copy(st, 9, out->address, sizeof(out->address));
	out->address_private = (int)db_col_int(st, 10);
	db_col_copy(st, 11, out->access_notes, sizeof(out->access_notes));
	out->starts_at = (time_t)db_col_int(st, 12);
	out->ends_at = (time_t)db_col_int(st, 13);
	db_col_copy(st, 14, out->status, sizeof(out->status));
	out->created_by = (long)db_col_int(st, 15);
	out->awaiting = (int)db_col_int(st, 16);
	out->draft = (int)db_col_int(st, 17);
	out->version = (long)db_col_int(st, 18);
	out->proposed = (int)db_col_int(st, 19);
	db_col_copy(st, 20, out->online_url, sizeof(out->online_url));
	/* the session's row stays open while its slots are read: one read
	 * transaction, so a move committed in between is seen whole or not at
	 * all (not the session on one day and its slots on another) */
	db_bind_int(sl, 1, id);
	enum db_step step = DB_DONE;
	while (out->nslots < EVENT_SLOTS_MAX && (step = db_step(sl)) == DB_ROW) {
		struct event_slot *s = &out->slots[out->nslots++];
		s->id = (long)db_col_int(sl, 0);
		s->starts_at = (time_t)db_col_int(sl, 1);
		s->ends_at = (time_t)db_col_int(sl, 2);
		s->capacity = (long)db_col_int(sl, 3);
		s->going = (long)db_col_int(sl, 4);
		s->waiting = (long)db_col_int(sl, 5);
	}
	db_reset(sl);
	db_reset(st);
	return step == DB_ERROR ? -1 : 1;
}

long event_my_signups(struct db *db, long event_id, long person_id, struct my_signup *out,
		      size_t max)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT s.id, s.starts_at, s.ends_at, g.status = 'going',"
			  " (SELECT count(*) FROM signups w WHERE w.slot_id = g.slot_id"
			  "  AND w.status = 'waitlist' AND w.id <= g.id)"
			  " FROM signups g JOIN slots s ON s.id = g.slot_id"
			  " WHERE s.event_id = ? AND g.person_id = ?"
			  " AND g.status != 'cancelled' ORDER BY g.status = 'going' DESC,"
			  " s.starts_at, s.id LIMIT ?");
	long n = 0;
	int rc;

	db_binds(st, 1, DB_INT(event_id), DB_INT(person_id), DB_INT(max));
	while (db_next(st, &rc))
		out[n++] = (struct my_signup){ (long)db_col_int(st, 0), (time_t)db_col_int(st, 1),
					       (time_t)db_col_int(st, 2), (int)db_col_int(st, 3),
					       (long)db_col_int(st, 4) };
	return rc < 0 ? -1 : n;
}

/* Reads up to max rows of (id, title, type, starts_at, seat, places) into out. */
static long briefs_read(struct db_stmt *st, struct event_brief *out, size_t max)
{
	long n = 0;
	enum db_step step = DB_DONE;
	while ((size_t)n < max && (step = db_step(st)) == DB_ROW) {
		struct event_brief *b = &out[n++];
		memset(b, 0, sizeof(*b));
		b->id = (long)db_col_int(st, 0);
		db_col_copy(st, 1, b->title, sizeof(b->title));
		db_col_copy(st, 2, b->type, sizeof(b->type));
		b->starts_at = (time_t)db_col_int(st, 3);
		db_col_copy(st, 4, b->seat, sizeof(b->seat));
		b->places = (long)db_col_int(st, 5);
		b->ends_at = (time_t)db_col_int(st, 6);
	}
	db_reset(st);
	return step == DB_ERROR ? -1 : n;
}

long events_in_seat(struct db *db, const char *seat, struct event_brief *out, size_t max)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT e.id, e.title, e.type, e.starts_at, e.seat,"
			  " (SELECT sum(capacity - going) FROM slots WHERE event_id = e.id),"
			  " e.ends_at FROM events e WHERE e.seat = ? AND e.status = 'published'"
			  " AND e.awaiting_approval = 0 AND e.draft = 0"
			  " AND e.starts_at > ? ORDER BY e.starts_at LIMIT ?");
	db_binds(st, 1, DB_STR(seat), DB_INT(time(NULL)), DB_INT(max));
	return briefs_read(st, out, max);
}

long events_of_group(struct db *db, long group_id, struct event_brief *out, size_t max)
{
	/* still to come or under way: a member looks for today's too */
	struct db_stmt *st =
	    db_cached(db, "SELECT e.id, e.title, e.type, e.starts_at, e.seat,"
			  " (SELECT sum(capacity - going) FROM slots WHERE event_id = e.id),"
			  " e.ends_at FROM events e WHERE e.group_id = ? AND e.starts_at > ? - 86400"
			  " AND e.ends_at > ? AND e.status = 'published'"
			  " AND e.awaiting_approval = 0 AND e.draft = 0"
			  " ORDER BY e.starts_at LIMIT ?");
	time_t now = time(NULL);
	db_binds(st, 1, DB_INT(group_id), DB_INT(now), DB_INT(now), DB_INT(max));
	return briefs_read(st, out, max);
}

int events_search(struct db *db, const struct event_filter *f,
		  void (*fn)(const struct event_brief *e, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT e.id, e.title, e.type, e.seat, e.starts_at,"
		" e.ends_at, e.lat, e.lon,"
		" (SELECT sum(capacity - going) FROM slots WHERE event_id = e.id),"
		" (SELECT coalesce(sum(seats - taken), 0) FROM ride_offers"
		" WHERE event_id = e.id AND status = 'open')"
		" FROM events e WHERE e.status = 'published'"
		" AND e.awaiting_approval = 0 AND e.draft = 0 AND e.starts_at BETWEEN ? AND ?"
		" AND (? = '' OR e.seat = ?) AND (? = '' OR e.type = ?)"
		" ORDER BY e.starts_at LIMIT 500");
	int rc;
	db_binds(st, 1, DB_INT(f->from), DB_INT(f->to), DB_STR(f->seat), DB_STR(f->seat),
		 DB_STR(f->type), DB_STR(f->type));
	while (db_next(st, &rc)) {
		struct event_brief b = {
			.id = (long)db_col_int(st, 0),
			.starts_at = (time_t)db_col_int(st, 4),
			.ends_at = (time_t)db_col_int(st, 5),
			.lat = db_col_double(st, 6),
			.lon = db_col_double(st, 7),
			.places = (long)db_col_int(st, 8),
			.ride_seats = (long)db_col_int(st, 9),
		};
		db_col_copy(st, 1, b.title, sizeof(b.title));
		db_col_copy(st, 2, b.type, sizeof(b.type));
		db_col_copy(st, 3, b.seat, sizeof(b.seat));
		fn(&b, arg);
	}
	return rc;
}

int event_travel_board(struct db *db, long event_id,
		       void (*fn)(const char *name, const char *contact, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT g.name, g.travel_contact FROM signups g"
			  " JOIN slots s ON s.id = g.slot_id WHERE s.event_id = ?"
			  " AND g.status = 'going' AND g.travel_contact IS NOT NULL"
			  " ORDER BY g.id");
	int rc;
	db_bind_int(st, 1, event_id);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), db_col_text(st, 1), arg);
	return rc;
}

int event_people(struct db *db, long event_id,
		 void (*fn)(const char *name, const char *email, void *arg), void *arg)
{
	/* drivers and riders too, once each */
	struct db_stmt *st =
	    db_cached(db, "SELECT g.name, g.email FROM signups g JOIN slots s"
			  " ON s.id = g.slot_id WHERE s.event_id = ?1"
			  " AND g.status IN ('going', 'waitlist')"
			  " UNION SELECT p.name, p.email FROM ride_offers o JOIN people p"
			  " ON p.id = o.driver_id WHERE o.event_id = ?1 AND o.status = 'open'"
			  " UNION SELECT p.name, p.email FROM ride_requests r JOIN people p"
			  " ON p.id = r.rider_id WHERE r.event_id = ?1"
			  " AND r.state != 'cancelled'");
	int rc;
	db_bind_int(st, 1, event_id);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), db_col_text(st, 1), arg);
	return rc;
}

static void count_one(const char *name, const char *email, void *arg)
{
	(void)name;
	(void)email;
	(*(long *)arg)++;
}

long event_people_count(struct db *db, long event_id)
{
	long n = 0;
	return event_people(db, event_id, count_one, &n) < 0 ? -1 : n;
}

int event_attendees(struct db *db, long event_id, void (*fn)(const struct attendee *a, void *arg),
		    void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT g.name, g.email, g.phone, g.status, s.starts_at,"
					   " g.id, g.attended = 1, g.person_id, coalesce(g.role, '')"
					   " FROM signups g JOIN slots s ON s.id = g.slot_id"
					   " WHERE s.event_id = ? AND g.status != 'cancelled'"
					   " ORDER BY s.starts_at, g.status, g.id");
	int rc;
	db_bind_int(st, 1, event_id);
	while (db_next(st, &rc)) {
		struct attendee a = {
			.signup_id = (long)db_col_int(st, 5),
			.name = db_col_text(st, 0),
			.email = db_col_text(st, 1),
			.phone = db_col_text(st, 2),
			.status = db_col_text(st, 3),
			.slot_starts = (time_t)db_col_int(st, 4),
			.attended = (int)db_col_int(st, 6),
			.person_id = (long)db_col_int(st, 7),
			.role = db_col_text(st, 8),
		};
		fn(&a, arg);
	}
	return rc;
}

int event_attendance_set(struct db *db, long event_id, long actor, const long *signups, size_t n)
{
	struct db_stmt *clear =
	    db_cached(db, "UPDATE signups SET attended = 0 WHERE status = 'going'"
			  " AND slot_id IN (SELECT id FROM slots WHERE event_id = ?)");
	struct db_stmt *mark =
	    db_cached(db, "UPDATE signups SET attended = 1 WHERE id = ?"
			  " AND status = 'going'"
			  " AND slot_id IN (SELECT id FROM slots WHERE event_id = ?)");
	char detail[64];

	if (db_begin(db))
		return -1;
	db_bind_int(clear, 1, event_id);
	if (db_done(clear))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		db_binds(mark, 1, DB_INT(signups[i]), DB_INT(event_id));
		if (db_done(mark))
			goto fail;
	}
	snprintf(detail, sizeof(detail), "event %ld: %zu attended", event_id, n);
	/* who changed a record of attendance is part of the record */
	if (audit_write(db, actor, "event.attendance", 0, detail) || db_commit(db))
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int event_release(struct db *db, long event_id, enum event_hold hold)
{
	struct db_stmt *st = db_cached(
	    db, hold == HOLD_DRAFT ? "UPDATE events SET draft = 0 WHERE id = ?"
				   : "UPDATE events SET awaiting_approval = 0 WHERE id = ?");
	db_bind_int(st, 1, event_id);
	return db_done(st) ? -1 : 1;
}

long event_version(struct db *db, long event_id)
{
	struct db_stmt *st = db_cached(db, "SELECT version FROM events WHERE id = ?");
	db_bind_int(st, 1, event_id);
	return (long)db_int_or(st, -1);
}

int event_move(struct db *db, const struct event *moved, long shift)
{
	struct db_stmt *up =
	    db_cached(db, "UPDATE events SET starts_at = ?, ends_at = ?, postcode = ?,"
			  " seat = ?, lat = ?, lon = ?, address = ?, awaiting_approval = ?,"
			  " online_url = ?, version = version + 1 WHERE id = ? AND version = ?"
			  " RETURNING id");
	struct db_stmt *sl = db_cached(db, "UPDATE slots SET starts_at = starts_at + ?,"
					   " ends_at = ends_at + ? WHERE event_id = ?");
	if (db_begin(db))
		return -1;
	db_binds(up, 1, DB_INT(moved->starts_at), DB_INT(moved->ends_at), DB_STR(moved->postcode),
		 DB_STR(moved->seat), DB_REAL(moved->lat), DB_REAL(moved->lon),
		 DB_STR(moved->address), DB_INT(moved->awaiting), DB_STR(moved->online_url),
		 DB_INT(moved->id), DB_INT(moved->version));
	db_binds(sl, 1, DB_INT(shift), DB_INT(shift), DB_INT(moved->id));
	long changed = db_count(up);
	if (changed != 1 || db_done(sl) || db_commit(db)) {
		db_rollback(db);
		return changed == 0 ? 0 : -1;
	}
	return 1;
}

int event_cancel(struct db *db, long event_id)
{
	struct db_stmt *up = db_cached(db, "UPDATE events SET status = 'cancelled' WHERE id = ?"
					   " AND status = 'published' RETURNING id");
	db_bind_int(up, 1, event_id);
	return db_changed(up);
}

int signup_contact(struct db *db, long signup_id, struct signup_contact *out)
{
	struct db_stmt *st = db_cached(db, "SELECT g.name, g.email, e.title, e.id FROM signups g"
					   " JOIN slots s ON s.id = g.slot_id JOIN events e"
					   " ON e.id = s.event_id WHERE g.id = ?");
	db_bind_int(st, 1, signup_id);
	int rc = db_one(st);
	if (rc == 1) {
		db_col_copy(st, 0, out->name, sizeof(out->name));
		db_col_copy(st, 1, out->email, sizeof(out->email));
		db_col_copy(st, 2, out->title, sizeof(out->title));
		out->event_id = (long)db_col_int(st, 3);
		db_reset(st);
	}
	return rc;
}

int signup_hold(struct db *db, const char *token_hash, long slot_id, const char *name,
		const char *email, const char *phone, long referred_by, time_t expires_at)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO pending_signups (token_hash, slot_id, name,"
					   " email, phone, referred_by, expires_at)"
					   " VALUES (?, ?, ?, ?, ?, ?, ?)");
	db_binds(st, 1, DB_STR(token_hash), DB_INT(slot_id), DB_STR(name), DB_STR(email),
		 DB_STR(phone && *phone ? phone : NULL), DB_ID(referred_by), DB_INT(expires_at));
	return db_done(st) ? -1 : 1;
}

int signup_cancel_hash(struct db *db, long event_id, long person_id, long slot_id,
		       char hash[TOKEN_HASH_LEN + 1])
{
	struct db_stmt *st =
	    db_cached(db, "SELECT g.cancel_hash FROM signups g JOIN slots s"
			  " ON s.id = g.slot_id WHERE s.event_id = ? AND g.person_id = ?"
			  " AND g.status != 'cancelled' AND (? = 0 OR s.id = ?) ORDER BY g.id LIMIT 1");
	db_binds(st, 1, DB_INT(event_id), DB_INT(person_id), DB_INT(slot_id), DB_INT(slot_id));
	int rc = db_one(st);
	if (rc == 1) {
		db_col_copy(st, 0, hash, TOKEN_HASH_LEN + 1);
		db_reset(st);
	}
	return rc;
}

int calendar_feed_set(struct db *db, long person_id, const char *token_hash)
{
	struct db_stmt *st = db_cached(db, "UPDATE people SET calendar_hash = ? WHERE id = ?");
	db_binds(st, 1, DB_STR(token_hash), DB_INT(person_id));
	return db_done(st) ? -1 : 1;
}

int calendar_feed(struct db *db, const char *token_hash, time_t now,
		  void (*fn)(const struct feed_entry *e, void *arg), void *arg)
{
	struct db_stmt *known =
	    db_cached(db, "SELECT count(*) FROM people WHERE calendar_hash = ?");
	struct db_stmt *st =
	    db_cached(db, "SELECT g.id, e.id, e.title, e.description, s.starts_at,"
			  " s.ends_at, e.address, e.postcode, e.status FROM people p"
			  " JOIN signups g ON g.person_id = p.id AND g.status = 'going'"
			  " JOIN slots s ON s.id = g.slot_id JOIN events e ON e.id = s.event_id"
			  " WHERE p.calendar_hash = ? AND s.ends_at > ? - 30 * 86400"
			  " ORDER BY s.starts_at LIMIT 500");
	int rc;
	db_bind_str(known, 1, token_hash);
	long long n = db_int_or(known, -1);
	if (n != 1)
		return n < 0 ? -1 : 0;
	db_binds(st, 1, DB_STR(token_hash), DB_INT(now));
	while (db_next(st, &rc)) {
		struct feed_entry e = {
			.signup_id = (long)db_col_int(st, 0),
			.event_id = (long)db_col_int(st, 1),
			.title = db_col_text(st, 2),
			.description = db_col_text(st, 3),
			.starts_at = (time_t)db_col_int(st, 4),
			.ends_at = (time_t)db_col_int(st, 5),
			.address = db_col_text(st, 6),
			.postcode = db_col_text(st, 7),
			.status = db_col_text(st, 8),
		};
		fn(&e, arg);
	}
	return rc;
}

long reminders_due(struct db *db, time_t from, time_t to, const char *kind,
		   struct reminder_due *out, size_t max)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT g.id, g.name, g.email, e.id, e.title, s.starts_at, s.id, p.sms_to"
		" FROM slots s JOIN signups g ON g.slot_id = s.id"
		" JOIN events e ON e.id = s.event_id LEFT JOIN people p ON p.id = g.person_id"
		" WHERE s.starts_at > ? AND s.starts_at <= ?"
		" AND g.status = 'going' AND e.status = 'published'"
		" AND e.awaiting_approval = 0 AND e.draft = 0 AND NOT EXISTS"
		" (SELECT 1 FROM reminders_sent r WHERE r.signup_id = g.id AND r.kind = ?)"
		" ORDER BY g.id LIMIT ?");
	long n = 0;
	enum db_step step = DB_DONE;
	db_binds(st, 1, DB_INT(from), DB_INT(to), DB_STR(kind),
		 DB_INT(max));
	while ((size_t)n < max && (step = db_step(st)) == DB_ROW) {
		struct reminder_due *r = &out[n++];
		r->signup_id = (long)db_col_int(st, 0);
		db_col_copy(st, 1, r->name, sizeof(r->name));
		db_col_copy(st, 2, r->email, sizeof(r->email));
		r->event_id = (long)db_col_int(st, 3);
		db_col_copy(st, 4, r->title, sizeof(r->title));
		r->starts_at = (time_t)db_col_int(st, 5);
		r->slot_id = (long)db_col_int(st, 6);
		db_col_copy(st, 7, r->sms_to, sizeof(r->sms_to));
	}
	db_reset(st);
	return step == DB_ERROR ? -1 : n;
}

int reminder_mark(struct db *db, long signup_id, const char *kind, time_t now)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO reminders_sent (signup_id, kind, sent_at)"
					   " VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1");
	db_binds(st, 1, DB_INT(signup_id), DB_STR(kind), DB_INT(now));
	return db_changed(st);
}

long events_hosted_at_home(struct db *db, long host, time_t now, long *ids, long max)
{
	struct db_stmt *st = db_cached(db, "SELECT id FROM events WHERE created_by = ?"
					   " AND address_private = 1 AND status = 'published'"
					   " AND starts_at > ? ORDER BY starts_at");
	long n = 0;
	int rc;

	db_binds(st, 1, DB_INT(host), DB_INT(now));
	while (db_next(st, &rc))
		if (n < max)
			ids[n++] = (long)db_col_int(st, 0);
	return rc < 0 ? -1 : n;
}

int event_referrers(struct db *db, long event_id,
		    void (*fn)(const char *name, long n, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT p.name, count(*) FROM signups g"
					   " JOIN slots s ON s.id = g.slot_id"
					   " JOIN people p ON p.id = g.referred_by"
					   " WHERE s.event_id = ? AND g.status != 'cancelled'"
					   " GROUP BY p.id, p.name ORDER BY 2 DESC, p.name");
	int rc;
	db_bind_int(st, 1, event_id);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), (long)db_col_int(st, 1), arg);
	return rc;
}

int event_roles_get(struct db *db, long event_id, struct event_role *out, int max)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT r.role, r.needed, (SELECT count(*) FROM signups g JOIN slots s"
		" ON s.id = g.slot_id WHERE s.event_id = r.event_id AND g.role = r.role"
		" AND g.status = 'going') FROM event_roles r WHERE r.event_id = ? ORDER BY r.pos");
	int n = 0, rc;
	db_bind_int(st, 1, event_id);
	while (db_next(st, &rc))
		if (n < max) {
			db_col_copy(st, 0, out[n].role, sizeof(out[n].role));
			out[n].needed = (int)db_col_int(st, 1);
			out[n++].taken = (int)db_col_int(st, 2);
		}
	return rc < 0 ? -1 : n;
}

int event_roles_set(struct db *db, long event_id, const struct event_role *roles, int n)
{
	struct db_stmt *wipe = db_cached(db, "DELETE FROM event_roles WHERE event_id = ?");
	struct db_stmt *add = db_cached(db, "INSERT INTO event_roles (event_id, role, needed, pos)"
					    " VALUES (?, ?, ?, ?)");
	if (db_begin(db))
		return -1;
	db_bind_int(wipe, 1, event_id);
	int ok = db_done(wipe) == 0;
	for (int i = 0; ok && i < n; i++) {
		db_binds(add, 1, DB_INT(event_id), DB_STR(roles[i].role), DB_INT(roles[i].needed),
			 DB_INT(i));
		ok = db_done(add) == 0;
	}
	if (ok && !db_commit(db))
		return 1;
	db_rollback(db);
	return -1;
}
