#include "events/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/when.h"

static const struct {
	const char *type, *name;
} types[] = {
	{ "canvass", "Canvassing" },   { "phonebank", "Phone bank" },
	{ "leafleting", "Leafleting" }, { "training", "Training" },
	{ "dropoff", "Food-bank drop-off" }, { "meeting", "Meeting" },
};

const char *event_type_name(const char *type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(types[i].type, type))
			return types[i].name;
	return NULL;
}

static int clean(const char *s, size_t max, int multiline)
{
	size_t n = strlen(s);
	if (n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r'))) || c == 0x7f)
			return 0;
	}
	return 1;
}

const char *event_check(const struct event *e, time_t now)
{
	if (!event_type_name(e->type))
		return "Choose what kind of session it is.";
	if (!*e->title || !clean(e->title, EVENT_TITLE_MAX, 0))
		return "Give the session a title of up to 120 characters.";
	if (!clean(e->description, EVENT_TEXT_MAX, 1))
		return "The description is too long (2,000 characters at most).";
	if (!clean(e->address, EVENT_ADDRESS_MAX, 0))
		return "The address is too long (200 characters at most).";
	if (!clean(e->access_notes, EVENT_NOTES_MAX, 1))
		return "The accessibility notes are too long (500 characters at most).";
	if (e->starts_at <= now)
		return "The session must start in the future.";
	if (e->ends_at <= e->starts_at)
		return "The session must end after it starts.";
	if (e->ends_at - e->starts_at > 24 * 3600)
		return "A session lasts at most a day.";
	if (e->nslots == 0)
		return "A session needs at least one time slot with places.";
	for (size_t i = 0; i < e->nslots; i++) {
		const struct event_slot *s = &e->slots[i];
		if (s->capacity < 1 || s->capacity > SLOT_CAPACITY_MAX)
			return "Each slot needs between 1 and 10,000 places.";
		if (s->starts_at < e->starts_at || s->ends_at > e->ends_at ||
		    s->ends_at <= s->starts_at)
			return "Each slot must fall inside the session's start and end.";
	}
	return NULL;
}

const char *event_parse_slots(struct event *e, const char *text, const char *date)
{
	char buf[1024];
	size_t n = 0;

	if (strlen(text) >= sizeof(buf))
		return "Too many slots (12 at most).";
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *save = NULL, *line = strtok_r(buf, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char from[6], to[6];
		long cap;
		int used = 0;
		while (*line == ' ')
			line++;
		if (!*line)
			continue;
		if (n == EVENT_SLOTS_MAX)
			return "Too many slots (12 at most).";
		if (sscanf(line, "%5[0-9:]-%5[0-9:] %ld%n", from, to, &cap, &used) != 3 ||
		    line[used] != '\0' || london_parse(date, from, &e->slots[n].starts_at) ||
		    london_parse(date, to, &e->slots[n].ends_at))
			return "Write each slot as 10:00-12:00 20 (start, end, places).";
		e->slots[n].capacity = cap;
		n++;
	}
	e->nslots = n;
	return NULL;
}

int event_create(struct db *db, struct event *e)
{
	struct db_stmt *ins = db_cached(db, "INSERT INTO events (type, title, description, seat,"
					    " group_id, postcode, lat, lon, address, address_private,"
					    " access_notes, starts_at, ends_at, status, created_by,"
					    " created_at, awaiting_approval, draft)"
					    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'published',?,?,?,?) RETURNING id");
	struct db_stmt *slot = db_cached(db, "INSERT INTO slots (event_id, starts_at, ends_at,"
					     " capacity) VALUES (?, ?, ?, ?)");
	int bad;

	if (!ins || !slot || db_begin(db))
		return -1;
	bad = db_bind_str(ins, 1, e->type) ||
	      db_bind_str(ins, 2, e->title) ||
	      db_bind_str(ins, 3, e->description) ||
	      db_bind_str(ins, 4, e->seat) ||
	      (e->group_id ? db_bind_int(ins, 5, e->group_id) : db_bind_null(ins, 5)) ||
	      db_bind_str(ins, 6, e->postcode) ||
	      db_bind_double(ins, 7, e->lat) || db_bind_double(ins, 8, e->lon) ||
	      db_bind_str(ins, 9, e->address) ||
	      db_bind_int(ins, 10, e->address_private) ||
	      db_bind_str(ins, 11, e->access_notes) ||
	      db_bind_int(ins, 12, e->starts_at) || db_bind_int(ins, 13, e->ends_at) ||
	      (e->created_by ? db_bind_int(ins, 14, e->created_by) : db_bind_null(ins, 14)) ||
	      db_bind_int(ins, 15, (long long)time(NULL)) || db_bind_int(ins, 16, e->awaiting) ||
	      db_bind_int(ins, 17, e->draft) ||
	      db_step(ins) != DB_ROW;
	if (!bad) {
		e->id = (long)db_col_int(ins, 0);
		while (db_step(ins) == DB_ROW)
			;
	}
	db_reset(ins);
	for (size_t i = 0; !bad && i < e->nslots; i++) {
		db_reset(slot);
		bad = db_bind_int(slot, 1, e->id) || db_bind_int(slot, 2, e->slots[i].starts_at) ||
		      db_bind_int(slot, 3, e->slots[i].ends_at) ||
		      db_bind_int(slot, 4, e->slots[i].capacity) || db_step(slot) != DB_DONE;
	}
	db_reset(slot);
	if (bad || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static void copy(char *dst, size_t cap, struct db_stmt *st, int col)
{
	const char *s = db_col_text(st, col);
	snprintf(dst, cap, "%s", s ? s : "");
}

int event_get(struct db *db, long id, struct event *out)
{
	struct db_stmt *st = db_cached(db, "SELECT id, type, title, description, seat, group_id,"
					   " postcode, lat, lon, address, address_private,"
					   " access_notes, starts_at, ends_at, status, created_by,"
					   " awaiting_approval, draft FROM events WHERE id = ?");
	struct db_stmt *sl = db_cached(db, "SELECT id, starts_at, ends_at, capacity, going,"
					   " (SELECT count(*) FROM signups g WHERE g.slot_id = slots.id"
					   "  AND g.status = 'waitlist')"
					   " FROM slots WHERE event_id = ? ORDER BY starts_at, id");
	int rc = -1;

	if (!st || !sl || db_bind_int(st, 1, id))
		return -1;
	switch (db_step(st)) {
	case DB_ROW: break;
	case DB_DONE: rc = 0; /* fall through */
	default: db_reset(st); return rc;
	}
	memset(out, 0, sizeof(*out));
	out->id = (long)db_col_int(st, 0);
	copy(out->type, sizeof(out->type), st, 1);
	copy(out->title, sizeof(out->title), st, 2);
	copy(out->description, sizeof(out->description), st, 3);
	copy(out->seat, sizeof(out->seat), st, 4);
	out->group_id = (long)db_col_int(st, 5);
	copy(out->postcode, sizeof(out->postcode), st, 6);
	out->lat = db_col_double(st, 7);
	out->lon = db_col_double(st, 8);
	copy(out->address, sizeof(out->address), st, 9);
	out->address_private = (int)db_col_int(st, 10);
	copy(out->access_notes, sizeof(out->access_notes), st, 11);
	out->starts_at = (time_t)db_col_int(st, 12);
	out->ends_at = (time_t)db_col_int(st, 13);
	copy(out->status, sizeof(out->status), st, 14);
	out->created_by = (long)db_col_int(st, 15);
	out->awaiting = (int)db_col_int(st, 16);
	out->draft = (int)db_col_int(st, 17);
	db_reset(st);
	if (db_bind_int(sl, 1, id))
		return -1;
	while (out->nslots < EVENT_SLOTS_MAX && db_step(sl) == DB_ROW) {
		struct event_slot *s = &out->slots[out->nslots++];
		s->id = (long)db_col_int(sl, 0);
		s->starts_at = (time_t)db_col_int(sl, 1);
		s->ends_at = (time_t)db_col_int(sl, 2);
		s->capacity = (long)db_col_int(sl, 3);
		s->going = (long)db_col_int(sl, 4);
		s->waiting = (long)db_col_int(sl, 5);
	}
	db_reset(sl);
	return 1;
}

int event_person_going(struct db *db, long event_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM signups g JOIN slots s"
					   " ON s.id = g.slot_id WHERE s.event_id = ?"
					   " AND g.person_id = ? AND g.status != 'cancelled'");
	int rc = -1;
	if (!st || db_bind_int(st, 1, event_id) || db_bind_int(st, 2, person_id))
		return -1;
	if (db_step(st) == DB_ROW)
		rc = db_col_int(st, 0) > 0;
	db_reset(st);
	return rc;
}

json_t *events_in_seats(struct db *db, const char *const *seats, size_t nseats, size_t limit)
{
	json_t *out = json_array();
	struct db_stmt *st = db_cached(db, "SELECT e.id, e.title, e.type, e.starts_at, e.seat,"
					   " (SELECT sum(capacity - going) FROM slots WHERE event_id = e.id)"
					   " FROM events e WHERE e.seat = ? AND e.status = 'published'"
					   " AND e.awaiting_approval = 0 AND e.draft = 0"
					   " AND e.starts_at > ? ORDER BY e.starts_at LIMIT ?");
	if (!st)
		return out;
	for (size_t i = 0; i < nseats; i++) {
		db_reset(st);
		if (db_bind_str(st, 1, seats[i]) ||
		    db_bind_int(st, 2, (long long)time(NULL)) || db_bind_int(st, 3, (long long)limit))
			break;
		while (db_step(st) == DB_ROW) {
			struct tm tm;
			char when[64];
			london_tm((time_t)db_col_int(st, 3), &tm);
			strftime(when, sizeof(when), "%a %e %b, %H:%M", &tm);
			json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id",
							     (json_int_t)db_col_int(st, 0), "title",
							     db_col_text(st, 1), "type",
							     event_type_name(db_col_text(st, 2)), "when", when,
							     "seat", db_col_text(st, 4), "places",
							     (json_int_t)db_col_int(st, 5)));
		}
	}
	db_reset(st);
	return out;
}
