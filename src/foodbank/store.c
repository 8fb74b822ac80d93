#include "foodbank/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/store.h"
#include "events/when.h"
#include "geo/geo.h"
#include "util/mem.h"

static const char *const urgency_names[] = { "urgent", "needed", "plenty" };
static const char *const vehicle_names[] = { "car", "estate", "van" };

/* The index of s among the three names, or -1. */
static int one_of(const char *const names[3], const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

const char *urgency_name(enum urgency u)
{
	return urgency_names[u];
}

int urgency_parse(const char *s, enum urgency *u)
{
	int i = one_of(urgency_names, s);
	if (i >= 0)
		*u = (enum urgency)i;
	return i < 0 ? -1 : 0;
}

const char *vehicle_name(enum vehicle v)
{
	return vehicle_names[v];
}

int vehicle_parse(const char *s, enum vehicle *v)
{
	int i = one_of(vehicle_names, s);
	if (i >= 0)
		*v = (enum vehicle)i;
	return i < 0 ? -1 : 0;
}

/* A write in a transaction of its own (a savepoint inside the caller's). */
static int commit_or_undo(struct db *db, int ok)
{
	if (ok && !db_commit(db))
		return 1;
	db_rollback(db);
	return -1;
}

#define FOODBANK_COLS                                                                              \
	"id, name, kind, coalesce(slug, ''), postcode, lat, lon, address, hours, contact,"         \
	" accepts, chilled, coalesce(created_by, 0)"

static void foodbank_read(struct db_stmt *st, int c, struct foodbank *f)
{
	f->id = (long)db_col_int(st, c);
	db_col_copy(st, c + 1, f->name, sizeof(f->name));
	db_col_copy(st, c + 2, f->kind, sizeof(f->kind));
	db_col_copy(st, c + 3, f->slug, sizeof(f->slug));
	db_col_copy(st, c + 4, f->postcode, sizeof(f->postcode));
	f->lat = db_col_double(st, c + 5);
	f->lon = db_col_double(st, c + 6);
	db_col_copy(st, c + 7, f->address, sizeof(f->address));
	db_col_copy(st, c + 8, f->hours, sizeof(f->hours));
	db_col_copy(st, c + 9, f->contact, sizeof(f->contact));
	db_col_copy(st, c + 10, f->accepts, sizeof(f->accepts));
	f->chilled = (int)db_col_int(st, c + 11);
	f->created_by = (long)db_col_int(st, c + 12);
}

int foodbank_put(struct db *db, struct foodbank *f, long group_id, long long now)
{
	struct db_stmt *taken = db_cached(db, "SELECT 1 FROM foodbanks WHERE slug = ? AND id <> ?");
	struct db_stmt *st;
	if (db_begin(db))
		return -1;
	if (*f->slug) {
		db_binds(taken, 1, DB_STR(f->slug), DB_INT(f->id));
		int rc = db_one(taken);
		db_reset(taken);
		if (rc) {
			db_rollback(db);
			return rc < 0 ? -1 : 0;
		}
	}
	if (!f->id) {
		st = db_cached(db,
			       "INSERT INTO foodbanks (name, kind, slug, postcode, lat, lon,"
			       " address, hours, contact, accepts, chilled, created_by, created_at)"
			       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
		db_binds(st, 1, DB_STR(f->name), DB_STR(f->kind), DB_STR(*f->slug ? f->slug : NULL),
			 DB_STR(f->postcode), DB_REAL(f->lat), DB_REAL(f->lon), DB_STR(f->address),
			 DB_STR(f->hours), DB_STR(f->contact), DB_STR(f->accepts),
			 DB_INT(f->chilled), DB_ID(f->created_by), DB_INT(now));
		if (db_one(st) != 1)
			return commit_or_undo(db, 0);
		f->id = (long)db_col_int(st, 0);
		db_reset(st);
		if (group_id && foodbank_link(db, f->id, group_id, 1) != 1)
			return commit_or_undo(db, 0);
		return commit_or_undo(db, 1);
	}
	st = db_cached(db, "UPDATE foodbanks SET name = ?, kind = ?, slug = ?, postcode = ?,"
			   " lat = ?, lon = ?, address = ?, hours = ?, contact = ?, accepts = ?,"
			   " chilled = ? WHERE id = ?");
	db_binds(st, 1, DB_STR(f->name), DB_STR(f->kind), DB_STR(*f->slug ? f->slug : NULL),
		 DB_STR(f->postcode), DB_REAL(f->lat), DB_REAL(f->lon), DB_STR(f->address),
		 DB_STR(f->hours), DB_STR(f->contact), DB_STR(f->accepts), DB_INT(f->chilled),
		 DB_INT(f->id));
	return commit_or_undo(db, db_done(st) == 0);
}

int foodbank_get(struct db *db, long id, struct foodbank *out)
{
	struct db_stmt *st = db_cached(db, "SELECT " FOODBANK_COLS " FROM foodbanks WHERE id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		foodbank_read(st, 0, out);
		db_reset(st);
	}
	return rc;
}

static int by_distance(const void *a, const void *b)
{
	double x = ((const struct foodbank_near *)a)->distance_m;
	double y = ((const struct foodbank_near *)b)->distance_m;
	return (x > y) - (x < y);
}

long foodbanks_near(struct db *db, double lat, double lon, double radius_m, int only_banks,
		    struct foodbank_near *out, size_t max)
{
	/* a box on the (lat, lon) index, then the circle; at most this many
	 * places are weighed */
	enum { CANDIDATES = 500 };
	double dlat = radius_m / 111320.0, dlon = radius_m / (111320.0 * cos(lat * M_PI / 180));
	struct db_stmt *st = db_cached(db, "SELECT " FOODBANK_COLS " FROM foodbanks"
					   " WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
					   " AND (kind = 'foodbank' OR ? = 0) LIMIT 500");
	struct foodbank_near *all = xmalloc(CANDIDATES * sizeof(*all));
	size_t n = 0;
	int rc;
	db_binds(st, 1, DB_REAL(lat - dlat), DB_REAL(lat + dlat), DB_REAL(lon - dlon),
		 DB_REAL(lon + dlon), DB_INT(only_banks));
	while (db_next(st, &rc)) {
		struct foodbank_near *c = &all[n];
		foodbank_read(st, 0, &c->f);
		c->distance_m = geo_haversine_km(lat, lon, c->f.lat, c->f.lon) * 1000;
		if (c->distance_m <= radius_m && n < CANDIDATES)
			n++;
	}
	if (rc < 0) {
		free(all);
		return -1;
	}
	qsort(all, n, sizeof(*all), by_distance);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*all));
	free(all);
	return (long)n;
}

int foodbank_link(struct db *db, long foodbank_id, long group_id, int on)
{
	struct db_stmt *st =
	    on ? db_cached(db, "INSERT INTO group_foodbanks (group_id, foodbank_id) VALUES (?, ?)"
			       " ON CONFLICT DO NOTHING")
	       : db_cached(db,
			   "DELETE FROM group_foodbanks WHERE group_id = ? AND foodbank_id = ?");
	db_binds(st, 1, DB_INT(group_id), DB_INT(foodbank_id));
	return db_done(st) ? -1 : 1;
}

int foodbank_supports(struct db *db, long foodbank_id, long group_id)
{
	struct db_stmt *st = db_cached(db, "SELECT 1 FROM group_foodbanks"
					   " WHERE group_id = ? AND foodbank_id = ?");
	db_binds(st, 1, DB_INT(group_id), DB_INT(foodbank_id));
	int rc = db_one(st);
	db_reset(st);
	return rc;
}

int foodbank_organised_by(struct db *db, long foodbank_id, long person_id)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT 1 FROM group_foodbanks g JOIN memberships m"
			  " ON m.group_id = g.group_id AND m.person_id = ? AND m.role = 'organiser'"
			  " WHERE g.foodbank_id = ? LIMIT 1");
	db_binds(st, 1, DB_INT(person_id), DB_INT(foodbank_id));
	int rc = db_one(st);
	db_reset(st);
	return rc;
}

int foodbank_groups(struct db *db, long foodbank_id,
		    void (*fn)(long id, const char *name, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT l.id, l.name FROM group_foodbanks g"
					   " JOIN local_groups l ON l.id = g.group_id"
					   " WHERE g.foodbank_id = ? ORDER BY l.name");
	db_bind_int(st, 1, foodbank_id);
	return db_id_names(st, fn, arg);
}

int group_foodbanks(struct db *db, long group_id, void (*fn)(long id, const char *name, void *arg),
		    void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT f.id, f.name FROM group_foodbanks g"
					   " JOIN foodbanks f ON f.id = g.foodbank_id"
					   " WHERE g.group_id = ? ORDER BY f.name");
	db_bind_int(st, 1, group_id);
	return db_id_names(st, fn, arg);
}

int needs_each(struct db *db, long foodbank_id, long event_id,
	       void (*fn)(const struct need *n, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT n.id, n.item, n.urgency, coalesce(n.wanted, 0), n.chilled, n.source,"
		" (SELECT coalesce(sum(p.quantity), 0) FROM pledges p"
		"  WHERE p.event_id = ? AND p.need_id = n.id)"
		" FROM foodbank_needs n WHERE n.foodbank_id = ?"
		" ORDER BY CASE n.urgency WHEN 'urgent' THEN 0 WHEN 'needed' THEN 1 ELSE 2 END,"
		" n.item");
	int rc;
	db_binds(st, 1, DB_INT(event_id), DB_INT(foodbank_id));
	while (db_next(st, &rc)) {
		struct need n = { .id = (long)db_col_int(st, 0),
				  .item = db_col_text(st, 1),
				  .wanted = (long)db_col_int(st, 3),
				  .chilled = (int)db_col_int(st, 4),
				  .source = db_col_text(st, 5),
				  .pledged = (long)db_col_int(st, 6) };
		if (urgency_parse(db_col_text(st, 2), &n.urgency))
			n.urgency = NEEDED;
		fn(&n, arg);
	}
	return rc;
}

static long needs_count(struct db *db, long foodbank_id)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT count(*) FROM foodbank_needs WHERE foodbank_id = ?");
	db_bind_int(st, 1, foodbank_id);
	return (long)db_int_or(st, -1);
}

int need_put(struct db *db, long foodbank_id, const char *item, enum urgency u, long wanted,
	     int chilled, long long now)
{
	struct db_stmt *st = db_cached(
	    db, "INSERT INTO foodbank_needs (foodbank_id, item, urgency, wanted, chilled, source,"
		" updated_at) VALUES (?, ?, ?, ?, ?, 'organiser', ?)"
		" ON CONFLICT (foodbank_id, item) DO UPDATE SET urgency = excluded.urgency,"
		" wanted = excluded.wanted, chilled = excluded.chilled, source = 'organiser',"
		" updated_at = excluded.updated_at");
	struct db_stmt *has =
	    db_cached(db, "SELECT 1 FROM foodbank_needs WHERE foodbank_id = ? AND item = ?");
	if (db_begin(db))
		return -1;
	db_binds(has, 1, DB_INT(foodbank_id), DB_STR(item));
	int exists = db_one(has);
	db_reset(has);
	long n = needs_count(db, foodbank_id);
	if (exists < 0 || n < 0)
		return commit_or_undo(db, 0);
	if (!exists && n >= NEEDS_MAX) {
		db_rollback(db);
		return 0;
	}
	db_binds(st, 1, DB_INT(foodbank_id), DB_STR(item), DB_STR(urgency_name(u)), DB_ID(wanted),
		 DB_INT(chilled), DB_INT(now));
	return commit_or_undo(db, db_done(st) == 0);
}

int need_remove(struct db *db, long foodbank_id, long need_id)
{
	struct db_stmt *st = db_cached(
	    db, "DELETE FROM foodbank_needs WHERE id = ? AND foodbank_id = ? RETURNING id");
	db_binds(st, 1, DB_INT(need_id), DB_INT(foodbank_id));
	return db_changed(st);
}

int need_chilled(struct db *db, long need_id)
{
	struct db_stmt *st = db_cached(db, "SELECT chilled FROM foodbank_needs WHERE id = ?");
	db_bind_int(st, 1, need_id);
	int rc = db_one(st);
	if (rc == 1) {
		rc = db_col_int(st, 0) != 0;
		db_reset(st);
	}
	return rc;
}

int needs_feed_apply(struct db *db, const char *slug, const char *const *needs, size_t nneeds,
		     const char *const *plenty, size_t nplenty, long long now)
{
	struct db_stmt *fb = db_cached(db, "SELECT id FROM foodbanks WHERE slug = ?");
	/* an item the organisers set stays as they set it */
	struct db_stmt *put = db_cached(
	    db, "INSERT INTO foodbank_needs (foodbank_id, item, urgency, chilled, source,"
		" updated_at) VALUES (?, ?, ?, 0, 'feed', ?)"
		" ON CONFLICT (foodbank_id, item) DO UPDATE SET urgency = excluded.urgency,"
		" updated_at = excluded.updated_at WHERE foodbank_needs.source = 'feed'");
	/* what the feed no longer lists goes (rows are updated, not replaced,
	 * so pledges keep pointing at the need they were made for) */
	struct db_stmt *gone = db_cached(db, "DELETE FROM foodbank_needs WHERE foodbank_id = ?"
					     " AND source = 'feed' AND updated_at < ?");
	int ok = 1;
	db_bind_str(fb, 1, slug);
	long id = (long)db_int_or(fb, 0);
	if (!id)
		return 0;
	if (db_begin(db))
		return -1;
	for (size_t i = 0; ok && i < nneeds + nplenty; i++) {
		int is_plenty = i >= nneeds;
		const char *item = is_plenty ? plenty[i - nneeds] : needs[i];
		db_binds(put, 1, DB_INT(id), DB_STR(item), DB_STR(is_plenty ? "plenty" : "needed"),
			 DB_INT(now));
		ok = db_done(put) == 0;
	}
	if (ok) {
		db_binds(gone, 1, DB_INT(id), DB_INT(now));
		ok = db_done(gone) == 0 && needs_count(db, id) <= NEEDS_MAX;
	}
	return commit_or_undo(db, ok);
}

/* The session and its collection row, inside the caller's transaction. */
static int collection_insert(struct db *db, struct event *e, const struct collection *c)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO collections (event_id, foodbank_id,"
			  " series_id, occurs_at, late_hours) VALUES (?, ?, ?, ?, ?)");
	if (event_insert(db, e))
		return -1;
	db_binds(st, 1, DB_INT(e->id), DB_INT(c->foodbank_id), DB_ID(c->series_id),
		 c->series_id ? DB_INT(e->starts_at) : DB_NULL, DB_INT(c->late_hours));
	return db_done(st);
}

int collection_create(struct db *db, struct event *e, const struct collection *c)
{
	if (db_begin(db))
		return -1;
	return commit_or_undo(db, collection_insert(db, e, c) == 0);
}

int collection_get(struct db *db, long event_id, struct collection *out)
{
	struct db_stmt *st = db_cached(db, "SELECT event_id, foodbank_id, coalesce(series_id, 0),"
					   " late_hours FROM collections WHERE event_id = ?");
	db_bind_int(st, 1, event_id);
	int rc = db_one(st);
	if (rc == 1) {
		out->event_id = (long)db_col_int(st, 0);
		out->foodbank_id = (long)db_col_int(st, 1);
		out->series_id = (long)db_col_int(st, 2);
		out->late_hours = (int)db_col_int(st, 3);
		db_reset(st);
	}
	return rc;
}

/* Runs without a driver, and places left late not yet taken, at collection c. */
#define UNCOVERED(c)                                                                               \
	"((SELECT count(*) FROM runs r WHERE r.event_id = " c " AND r.status = 'open'"             \
	"   AND r.driver_id IS NULL)"                                                              \
	" + (SELECT count(*) FROM dropouts d WHERE d.event_id = " c " AND d.slot_id IS NOT NULL"   \
	"   AND d.covered_at IS NULL))"

static int briefs(struct db_stmt *st, void (*fn)(const struct collection_brief *c, void *arg),
		  void *arg)
{
	int rc;
	while (db_next(st, &rc)) {
		struct collection_brief b = { .event_id = (long)db_col_int(st, 0),
					      .series_id = (long)db_col_int(st, 1),
					      .title = db_col_text(st, 2),
					      .foodbank = db_col_text(st, 3),
					      .status = db_col_text(st, 4),
					      .starts_at = db_col_int(st, 5),
					      .ends_at = db_col_int(st, 6),
					      .uncovered = (long)db_col_int(st, 7),
					      .pledges = (long)db_col_int(st, 8) };
		fn(&b, arg);
	}
	return rc;
}

int group_collections(struct db *db, long group_id, long long since,
		      void (*fn)(const struct collection_brief *c, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT e.id, coalesce(c.series_id, 0), e.title, f.name, e.status, e.starts_at,"
		" e.ends_at, " UNCOVERED(
		    "e.id") ","
			    " (SELECT count(*) FROM pledges p WHERE p.event_id = e.id)"
			    " FROM collections c JOIN events e ON e.id = c.event_id"
			    " JOIN foodbanks f ON f.id = c.foodbank_id"
			    " WHERE e.group_id = ? AND e.ends_at >= ?"
			    " ORDER BY e.status = 'published' AND " UNCOVERED(
				"e.id") " > 0 DESC, e.starts_at"
					" LIMIT 100");
	db_binds(st, 1, DB_INT(group_id), DB_INT(since));
	return briefs(st, fn, arg);
}

int foodbank_collections(struct db *db, long foodbank_id, long long now,
			 void (*fn)(const struct collection_brief *c, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT e.id, coalesce(c.series_id, 0), e.title, f.name, e.status, e.starts_at,"
		" e.ends_at, " UNCOVERED(
		    "e.id") ","
			    " (SELECT count(*) FROM pledges p WHERE p.event_id = e.id)"
			    " FROM collections c JOIN events e ON e.id = c.event_id"
			    " JOIN foodbanks f ON f.id = c.foodbank_id"
			    " WHERE c.foodbank_id = ? AND e.ends_at >= ? AND e.status = 'published'"
			    " AND e.draft = 0 AND e.awaiting_approval = 0 ORDER BY e.starts_at "
			    "LIMIT 20");
	db_binds(st, 1, DB_INT(foodbank_id), DB_INT(now));
	return briefs(st, fn, arg);
}

#define SERIES_COLS                                                                                \
	"id, group_id, foodbank_id, rrule, first_at, minutes, capacity, late_hours, title,"        \
	" description, seat, postcode, lat, lon, address, address_private,"                        \
	" coalesce(created_by, 0), coalesce(checked_at, 0), coalesce(stopped_at, 0),"              \
	" coalesce(warned, '')"

static void series_read(struct db_stmt *st, struct series *s)
{
	s->id = (long)db_col_int(st, 0);
	s->group_id = (long)db_col_int(st, 1);
	s->foodbank_id = (long)db_col_int(st, 2);
	db_col_copy(st, 3, s->rrule, sizeof(s->rrule));
	db_col_copy(st, 4, s->first_at, sizeof(s->first_at));
	s->minutes = (int)db_col_int(st, 5);
	s->capacity = (int)db_col_int(st, 6);
	s->late_hours = (int)db_col_int(st, 7);
	db_col_copy(st, 8, s->title, sizeof(s->title));
	db_col_copy(st, 9, s->description, sizeof(s->description));
	db_col_copy(st, 10, s->seat, sizeof(s->seat));
	db_col_copy(st, 11, s->postcode, sizeof(s->postcode));
	s->lat = db_col_double(st, 12);
	s->lon = db_col_double(st, 13);
	db_col_copy(st, 14, s->address, sizeof(s->address));
	s->address_private = (int)db_col_int(st, 15);
	s->created_by = (long)db_col_int(st, 16);
	s->checked_at = db_col_int(st, 17);
	s->stopped_at = db_col_int(st, 18);
	db_col_copy(st, 19, s->warned, sizeof(s->warned));
}

int series_create(struct db *db, struct series *s, long long now)
{
	struct db_stmt *st = db_cached(
	    db, "INSERT INTO series (group_id, foodbank_id, rrule, first_at, minutes, capacity,"
		" late_hours, title, description, seat, postcode, lat, lon, address,"
		" address_private, created_by, created_at)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
	db_binds(st, 1, DB_INT(s->group_id), DB_INT(s->foodbank_id), DB_STR(s->rrule),
		 DB_STR(s->first_at), DB_INT(s->minutes), DB_INT(s->capacity),
		 DB_INT(s->late_hours), DB_STR(s->title), DB_STR(s->description), DB_STR(s->seat),
		 DB_STR(s->postcode), DB_REAL(s->lat), DB_REAL(s->lon), DB_STR(s->address),
		 DB_INT(s->address_private), DB_ID(s->created_by), DB_INT(now));
	if (db_one(st) != 1)
		return -1;
	s->id = (long)db_col_int(st, 0);
	db_reset(st);
	return 1;
}

int series_get(struct db *db, long id, struct series *out)
{
	struct db_stmt *st = db_cached(db, "SELECT " SERIES_COLS " FROM series WHERE id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		series_read(st, out);
		db_reset(st);
	}
	return rc;
}

int series_stop(struct db *db, long id, long long now)
{
	struct db_stmt *st = db_cached(db, "UPDATE series SET stopped_at = ?"
					   " WHERE id = ? AND stopped_at IS NULL RETURNING id");
	db_binds(st, 1, DB_INT(now), DB_INT(id));
	return db_changed(st);
}

int group_series(struct db *db, long group_id, void (*fn)(const struct series *s, void *arg),
		 void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT " SERIES_COLS " FROM series WHERE group_id = ?"
					   " ORDER BY stopped_at IS NOT NULL, id");
	struct series *s = xmalloc(sizeof(*s));
	int rc;
	db_bind_int(st, 1, group_id);
	while (db_next(st, &rc)) {
		series_read(st, s);
		fn(s, arg);
	}
	free(s);
	return rc;
}

long series_due(struct db *db, long long before, struct series *out, size_t max)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT " SERIES_COLS " FROM series"
			  " WHERE stopped_at IS NULL AND coalesce(checked_at, 0) < ?"
			  " ORDER BY coalesce(checked_at, 0), id LIMIT ?");
	long n = 0;
	int rc;
	db_binds(st, 1, DB_INT(before), DB_INT((long long)max));
	while (db_next(st, &rc))
		series_read(st, &out[n++]);
	return rc < 0 ? -1 : n;
}

static int by_time(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;
	return (x > y) - (x < y);
}

int series_materialise(struct db *db, const struct series *s, long long now, long long horizon,
		       long *made, long long *last)
{
	struct db_stmt *had = db_cached(db, "SELECT occurs_at FROM collections WHERE series_id = ?"
					    " AND occurs_at >= ? AND occurs_at < ?");
	struct rrule r;
	struct wall w;
	char why[256];
	size_t cap = RRULE_YEARS_MAX * 366 + 2, nhad = 0;
	time_t *t = NULL, *have = NULL;
	struct event *e = NULL;
	int ok = 0, rc;

	*made = 0;
	*last = 0;
	if (rrule_parse(s->rrule, &r, why, sizeof(why)) || wall_parse(s->first_at, &w))
		return -1;
	t = xmalloc(cap * sizeof(*t));
	have = xmalloc(cap * sizeof(*have));
	e = xcalloc(1, sizeof(*e));
	/* the whole series, for its last occurrence; those in the window made */
	size_t n = rrule_expand(&r, &w, 0, (time_t)1 << 40, t, cap);
	if (n)
		*last = t[n - 1];
	if (db_begin(db))
		goto out;
	/* the occurrences made before (a cancelled one too) are not made again */
	db_binds(had, 1, DB_INT(s->id), DB_INT(now), DB_INT(now + horizon));
	while (db_next(had, &rc))
		if (nhad < cap)
			have[nhad++] = (time_t)db_col_int(had, 0);
	qsort(have, nhad, sizeof(*have), by_time);
	snprintf(e->type, sizeof(e->type), "dropoff");
	snprintf(e->title, sizeof(e->title), "%s", s->title);
	snprintf(e->description, sizeof(e->description), "%s", s->description);
	snprintf(e->seat, sizeof(e->seat), "%s", s->seat);
	snprintf(e->postcode, sizeof(e->postcode), "%s", s->postcode);
	snprintf(e->address, sizeof(e->address), "%s", s->address);
	e->group_id = s->group_id;
	e->lat = s->lat;
	e->lon = s->lon;
	e->address_private = s->address_private;
	e->created_by = s->created_by;
	e->nslots = 1;
	e->slots[0].capacity = s->capacity;
	ok = rc > 0;
	for (size_t i = 0; ok && i < n; i++) {
		if (t[i] < now || t[i] >= now + horizon ||
		    bsearch(&t[i], have, nhad, sizeof(*have), by_time))
			continue;
		e->starts_at = e->slots[0].starts_at = t[i];
		e->ends_at = e->slots[0].ends_at = t[i] + (time_t)s->minutes * 60;
		struct collection c = { 0, s->foodbank_id, s->id, s->late_hours };
		ok = collection_insert(db, e, &c) == 0;
		*made += ok;
	}
	if (commit_or_undo(db, ok) != 1) {
		ok = 0;
		*made = 0;
	}
out:
	free(t);
	free(have);
	free(e);
	return ok ? 1 : -1;
}

long series_made(struct db *db, long id, long long from, long long to)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM collections WHERE series_id = ?"
					   " AND occurs_at >= ? AND occurs_at < ?");
	db_binds(st, 1, DB_INT(id), DB_INT(from), DB_INT(to));
	return (long)db_int_or(st, -1);
}

int series_checked(struct db *db, long id, long long now, const char *warned)
{
	struct db_stmt *st =
	    db_cached(db, "UPDATE series SET checked_at = ?, warned = ? WHERE id = ?");
	db_binds(st, 1, DB_INT(now), DB_STR(*warned ? warned : NULL), DB_INT(id));
	return db_done(st) ? -1 : 1;
}

int pledge_add(struct db *db, long event_id, long person_id, long need_id, long quantity,
	       long long now, long *id)
{
	/* the collection still open, the need on its food bank's list and wanted */
	struct db_stmt *st = db_cached(
	    db, "INSERT INTO pledges (event_id, person_id, need_id, item, quantity, chilled,"
		" created_at)"
		" SELECT c.event_id, ?, n.id, n.item, ?, n.chilled, ? FROM collections c"
		" JOIN events e ON e.id = c.event_id"
		" JOIN foodbank_needs n ON n.foodbank_id = c.foodbank_id AND n.id = ?"
		" WHERE c.event_id = ? AND e.status = 'published' AND e.ends_at > ?"
		" AND n.urgency <> 'plenty' RETURNING id");
	db_binds(st, 1, DB_INT(person_id), DB_INT(quantity), DB_INT(now), DB_INT(need_id),
		 DB_INT(event_id), DB_INT(now));
	int rc = db_one(st);
	if (rc == 1) {
		*id = (long)db_col_int(st, 0);
		db_reset(st);
	}
	return rc;
}

int pledge_remove(struct db *db, long pledge_id, long person_id)
{
	struct db_stmt *st =
	    db_cached(db, "DELETE FROM pledges WHERE id = ? AND person_id = ? RETURNING id");
	db_binds(st, 1, DB_INT(pledge_id), DB_INT(person_id));
	return db_changed(st);
}

int pledges_of(struct db *db, long event_id, long person_id,
	       void (*fn)(const struct pledge *p, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT id, quantity, item, chilled FROM pledges"
					   " WHERE event_id = ? AND person_id = ? ORDER BY id");
	int rc;
	db_binds(st, 1, DB_INT(event_id), DB_INT(person_id));
	while (db_next(st, &rc)) {
		struct pledge p = { (long)db_col_int(st, 0), (long)db_col_int(st, 1),
				    db_col_text(st, 2), (int)db_col_int(st, 3) };
		fn(&p, arg);
	}
	return rc;
}

int run_create(struct db *db, struct run *r, long actor, long long now)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO runs (event_id, vehicle, chilled,"
					   " departs_at, arrives_at, created_by, created_at)"
					   " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	struct db_stmt *stop = db_cached(db, "INSERT INTO run_stops (run_id, pos, label, postcode,"
					     " lat, lon) VALUES (?, ?, ?, ?, ?, ?)");
	int ok;
	if (db_begin(db))
		return -1;
	db_binds(st, 1, DB_INT(r->event_id), DB_STR(vehicle_name(r->vehicle)), DB_INT(r->chilled),
		 DB_INT(r->departs_at), DB_INT(r->arrives_at), DB_ID(actor), DB_INT(now));
	ok = db_one(st) == 1;
	if (ok) {
		r->id = (long)db_col_int(st, 0);
		db_reset(st);
	}
	for (int i = 0; ok && i < r->nstops; i++) {
		const struct run_stop *p = &r->stops[i];
		db_binds(stop, 1, DB_INT(r->id), DB_INT(i), DB_STR(p->label), DB_STR(p->postcode),
			 DB_REAL(p->lat), DB_REAL(p->lon));
		ok = db_done(stop) == 0;
	}
	return commit_or_undo(db, ok);
}

#define RUN_COLS                                                                                   \
	"r.id, r.event_id, coalesce(r.driver_id, 0), r.vehicle, r.chilled, r.departs_at,"          \
	" r.arrives_at, r.status, coalesce(p.name, ''), coalesce(r.delivered_kg, 0),"              \
	" coalesce(r.delivered_items, 0), coalesce(r.receipt, ''), coalesce(r.recorded_at, 0)"

static int run_read(struct db *db, struct db_stmt *st, struct run *r)
{
	struct db_stmt *stops = db_cached(db, "SELECT label, postcode, lat, lon FROM run_stops"
					      " WHERE run_id = ? ORDER BY pos");
	int rc;
	memset(r, 0, sizeof(*r));
	r->id = (long)db_col_int(st, 0);
	r->event_id = (long)db_col_int(st, 1);
	r->driver_id = (long)db_col_int(st, 2);
	if (vehicle_parse(db_col_text(st, 3), &r->vehicle))
		r->vehicle = VEHICLE_CAR;
	r->chilled = (int)db_col_int(st, 4);
	r->departs_at = db_col_int(st, 5);
	r->arrives_at = db_col_int(st, 6);
	db_col_copy(st, 7, r->status, sizeof(r->status));
	db_col_copy(st, 8, r->driver, sizeof(r->driver));
	r->delivered_kg = db_col_double(st, 9);
	r->delivered_items = (long)db_col_int(st, 10);
	db_col_copy(st, 11, r->receipt, sizeof(r->receipt));
	r->recorded_at = db_col_int(st, 12);
	db_bind_int(stops, 1, r->id);
	while (r->nstops < RUN_STOPS_MAX && db_next(stops, &rc)) {
		struct run_stop *p = &r->stops[r->nstops++];
		db_col_copy(stops, 0, p->label, sizeof(p->label));
		db_col_copy(stops, 1, p->postcode, sizeof(p->postcode));
		p->lat = db_col_double(stops, 2);
		p->lon = db_col_double(stops, 3);
	}
	db_reset(stops);
	return rc < 0 ? -1 : 1;
}

int run_get(struct db *db, long id, struct run *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT " RUN_COLS " FROM runs r"
			  " LEFT JOIN people p ON p.id = r.driver_id WHERE r.id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		rc = run_read(db, st, out);
		db_reset(st);
	}
	return rc;
}

int runs_each(struct db *db, long event_id, void (*fn)(const struct run *r, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT " RUN_COLS " FROM runs r LEFT JOIN people p ON p.id = r.driver_id"
			  " WHERE r.event_id = ? ORDER BY r.status = 'cancelled',"
			  " r.status = 'open' AND r.driver_id IS NULL DESC, r.departs_at, r.id");
	struct run *r = xmalloc(sizeof(*r));
	int rc;
	db_bind_int(st, 1, event_id);
	while (db_next(st, &rc)) {
		if (run_read(db, st, r) < 0) {
			db_reset(st);
			rc = -1;
			break;
		}
		fn(r, arg);
	}
	free(r);
	return rc;
}

int collection_cold_run(struct db *db, long event_id, long long by)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT 1 FROM runs WHERE event_id = ? AND status = 'open'"
			  " AND chilled = 1 AND arrives_at <= ? LIMIT 1");
	db_binds(st, 1, DB_INT(event_id), DB_INT(by));
	int rc = db_one(st);
	db_reset(st);
	return rc;
}

int run_take(struct db *db, long run_id, long person_id, long long now)
{
	struct db_stmt *take =
	    db_cached(db, "UPDATE runs SET driver_id = ? WHERE id = ?"
			  " AND driver_id IS NULL AND status = 'open' RETURNING id");
	struct db_stmt *cover = db_cached(db, "UPDATE dropouts SET covered_by = ?, covered_at = ?"
					      " WHERE run_id = ? AND covered_at IS NULL");
	if (db_begin(db))
		return -1;
	db_binds(take, 1, DB_INT(person_id), DB_INT(run_id));
	long n = db_count(take);
	if (n <= 0) {
		db_rollback(db);
		return n < 0 ? -1 : 0;
	}
	db_binds(cover, 1, DB_INT(person_id), DB_INT(now), DB_INT(run_id));
	return commit_or_undo(db, db_done(cover) == 0);
}

int run_drop(struct db *db, long run_id, long person_id, int late_hours, long long now)
{
	struct db_stmt *drop =
	    db_cached(db, "UPDATE runs SET driver_id = NULL WHERE id = ? AND driver_id = ?"
			  " AND status = 'open' RETURNING event_id, departs_at");
	/* once a driver and run: taking it and giving it up again mails no one twice */
	struct db_stmt *late =
	    db_cached(db, "INSERT INTO dropouts (event_id, run_id, person_id, at,"
			  " starts_at) SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS"
			  " (SELECT 1 FROM dropouts WHERE run_id = ?2 AND person_id = ?3)");
	if (db_begin(db))
		return -1;
	db_binds(drop, 1, DB_INT(run_id), DB_INT(person_id));
	int rc = db_one(drop);
	if (rc <= 0) {
		db_rollback(db);
		return rc;
	}
	long event_id = (long)db_col_int(drop, 0);
	long long departs = db_col_int(drop, 1);
	db_reset(drop);
	int ok = 1;
	if (departs > now && departs - (long long)late_hours * 3600 <= now) {
		db_binds(late, 1, DB_INT(event_id), DB_INT(run_id), DB_INT(person_id), DB_INT(now),
			 DB_INT(departs));
		ok = db_done(late) == 0;
	}
	return commit_or_undo(db, ok);
}

int run_deliver(struct db *db, long run_id, double kg, long items, const char *receipt,
		long long now)
{
	struct db_stmt *st = db_cached(db, "UPDATE runs SET status = 'done', delivered_kg = ?,"
					   " delivered_items = ?, receipt = ?, recorded_at = ?"
					   " WHERE id = ? AND status = 'open' RETURNING id");
	db_binds(st, 1, DB_REAL(kg), DB_INT(items), DB_STR(*receipt ? receipt : NULL), DB_INT(now),
		 DB_INT(run_id));
	return db_changed(st);
}

int group_deliveries(struct db *db, long group_id, void (*fn)(const struct delivered *d, void *arg),
		     void *arg)
{
	/* months in London time, summed here: the SQL stays portable */
	struct db_stmt *st = db_cached(db, "SELECT r.arrives_at, coalesce(r.delivered_items, 0),"
					   " coalesce(r.delivered_kg, 0) FROM runs r"
					   " JOIN events e ON e.id = r.event_id"
					   " WHERE e.group_id = ? AND r.status = 'done'"
					   " ORDER BY r.arrives_at DESC");
	char month[8] = "", at[8];
	struct delivered d = { month, 0, 0, 0 };
	int rc, shown = 0;
	db_bind_int(st, 1, group_id);
	while (db_next(st, &rc)) {
		struct tm tm;
		london_tm((time_t)db_col_int(st, 0), &tm);
		strftime(at, sizeof(at), "%Y-%m", &tm);
		if (strcmp(at, month)) {
			if (d.runs && shown++ < 36)
				fn(&d, arg);
			memcpy(month, at, sizeof(month));
			d.runs = d.items = 0;
			d.kg = 0;
		}
		d.runs++;
		d.items += (long)db_col_int(st, 1);
		d.kg += db_col_double(st, 2);
	}
	if (rc > 0 && d.runs && shown < 36)
		fn(&d, arg);
	return rc;
}

int standby_set(struct db *db, long event_id, long person_id, int on, long long now)
{
	struct db_stmt *st =
	    on ? db_cached(db, "INSERT INTO standbys (event_id, person_id, since) VALUES (?, ?, ?)"
			       " ON CONFLICT DO NOTHING")
	       : db_cached(db, "DELETE FROM standbys WHERE event_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(event_id), DB_INT(person_id));
	if (on)
		db_bind_int(st, 3, now);
	return db_done(st) ? -1 : 1;
}

int standby_has(struct db *db, long event_id, long person_id)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT 1 FROM standbys WHERE event_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(event_id), DB_INT(person_id));
	int rc = db_one(st);
	db_reset(st);
	return rc;
}

int standby_each(struct db *db, long event_id, void (*fn)(long person_id, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT person_id FROM standbys WHERE event_id = ?"
					   " ORDER BY since, person_id");
	int rc;
	db_bind_int(st, 1, event_id);
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), arg);
	return rc;
}

long standby_count(struct db *db, long event_id)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM standbys WHERE event_id = ?");
	db_bind_int(st, 1, event_id);
	return (long)db_int_or(st, -1);
}

#define DROPOUT_COLS                                                                               \
	"d.id, d.event_id, coalesce(d.slot_id, 0), coalesce(d.run_id, 0),"                         \
	" coalesce(e.group_id, 0), d.at, d.starts_at, coalesce(d.told_at, 0), e.title,"            \
	" coalesce(d.person_id, 0)"

static void dropout_read(struct db_stmt *st, struct dropout *d)
{
	d->id = (long)db_col_int(st, 0);
	d->event_id = (long)db_col_int(st, 1);
	d->slot_id = (long)db_col_int(st, 2);
	d->run_id = (long)db_col_int(st, 3);
	d->group_id = (long)db_col_int(st, 4);
	d->at = db_col_int(st, 5);
	d->starts_at = db_col_int(st, 6);
	d->told_at = db_col_int(st, 7);
	db_col_copy(st, 8, d->title, sizeof(d->title));
	d->person_id = (long)db_col_int(st, 9);
}

static long dropouts_read(struct db_stmt *st, struct dropout *out, size_t max)
{
	long n = 0;
	int rc;
	while (db_next(st, &rc))
		if ((size_t)n < max)
			dropout_read(st, &out[n++]);
	return rc < 0 ? -1 : n;
}

long dropouts_untold(struct db *db, struct dropout *out, size_t max)
{
	struct db_stmt *st = db_cached(db, "SELECT " DROPOUT_COLS " FROM dropouts d"
					   " JOIN events e ON e.id = d.event_id"
					   " WHERE d.covered_at IS NULL AND d.escalated_at IS NULL"
					   " AND d.told_at IS NULL ORDER BY d.id LIMIT ?");
	db_bind_int(st, 1, (long long)max);
	return dropouts_read(st, out, max);
}

long dropouts_unanswered(struct db *db, long long told_before, struct dropout *out, size_t max)
{
	struct db_stmt *st = db_cached(db, "SELECT " DROPOUT_COLS " FROM dropouts d"
					   " JOIN events e ON e.id = d.event_id"
					   " WHERE d.covered_at IS NULL AND d.escalated_at IS NULL"
					   " AND d.told_at <= ? ORDER BY d.id LIMIT ?");
	db_binds(st, 1, DB_INT(told_before), DB_INT((long long)max));
	return dropouts_read(st, out, max);
}

int dropout_told(struct db *db, long id, int escalated, long long now)
{
	struct db_stmt *st =
	    escalated ? db_cached(db, "UPDATE dropouts SET escalated_at = ?1,"
				      " told_at = coalesce(told_at, ?1)"
				      " WHERE id = ?2 AND escalated_at IS NULL RETURNING id")
		      : db_cached(db, "UPDATE dropouts SET told_at = ?1"
				      " WHERE id = ?2 AND told_at IS NULL RETURNING id");
	db_binds(st, 1, DB_INT(now), DB_INT(id));
	return db_changed(st);
}

int dropouts_open(struct db *db, long event_id, void (*fn)(const struct dropout *d, void *arg),
		  void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT " DROPOUT_COLS " FROM dropouts d"
					   " JOIN events e ON e.id = d.event_id"
					   " WHERE d.event_id = ? AND d.covered_at IS NULL"
					   " ORDER BY d.id");
	struct dropout d;
	int rc;
	db_bind_int(st, 1, event_id);
	while (db_next(st, &rc)) {
		dropout_read(st, &d);
		fn(&d, arg);
	}
	return rc;
}

int no_show_set(struct db *db, long event_id, long person_id, long by, int on, long long now)
{
	struct db_stmt *st;
	if (!on) {
		st = db_cached(db, "DELETE FROM no_shows WHERE event_id = ? AND person_id = ?");
		db_binds(st, 1, DB_INT(event_id), DB_INT(person_id));
		return db_done(st) ? -1 : 1;
	}
	st = db_cached(
	    db, "INSERT INTO no_shows (event_id, person_id, recorded_by, recorded_at)"
		" SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM signups g"
		"  JOIN slots s ON s.id = g.slot_id WHERE s.event_id = ?1"
		"  AND g.person_id = ?2 AND g.status <> 'cancelled')"
		" OR EXISTS (SELECT 1 FROM runs r WHERE r.event_id = ?1 AND r.driver_id = ?2)"
		" ON CONFLICT DO NOTHING RETURNING 1");
	db_binds(st, 1, DB_INT(event_id), DB_INT(person_id), DB_ID(by), DB_INT(now));
	long n = db_count(st);
	if (n == 0) {
		/* already recorded counts as done */
		struct db_stmt *has = db_cached(db, "SELECT 1 FROM no_shows WHERE event_id = ?"
						    " AND person_id = ?");
		db_binds(has, 1, DB_INT(event_id), DB_INT(person_id));
		int rc = db_one(has);
		db_reset(has);
		return rc;
	}
	return n < 0 ? -1 : 1;
}

int no_shows_each(struct db *db, long event_id,
		  void (*fn)(long person_id, const char *name, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT n.person_id, p.name FROM no_shows n"
					   " JOIN people p ON p.id = n.person_id"
					   " WHERE n.event_id = ? ORDER BY p.name");
	db_bind_int(st, 1, event_id);
	return db_id_names(st, fn, arg);
}
