#include "skills/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"
#include "util/mem.h"

int skill_profile_get(struct db *db, long person_id, struct skill_profile *out)
{
	struct db_stmt *p = db_cached(db, "SELECT findable, trains, weekdays, evenings, weekends,"
					  " lat IS NOT NULL, coalesce(lat, 0), coalesce(lon, 0)"
					  " FROM skill_profiles WHERE person_id = ?");
	struct db_stmt *s = db_cached(db, "SELECT kind, name FROM person_skills WHERE person_id = ?"
					  " ORDER BY kind, name");
	int rc;
	memset(out, 0, sizeof(*out));
	db_bind_int(p, 1, person_id);
	int found = db_one(p);
	if (found < 0)
		return -1;
	if (found) {
		out->findable = (int)db_col_int(p, 0);
		out->trains = (int)db_col_int(p, 1);
		out->weekdays = (int)db_col_int(p, 2);
		out->evenings = (int)db_col_int(p, 3);
		out->weekends = (int)db_col_int(p, 4);
		out->located = (int)db_col_int(p, 5);
		out->lat = db_col_double(p, 6);
		out->lon = db_col_double(p, 7);
		db_reset(p);
	}
	db_bind_int(s, 1, person_id);
	while (db_next(s, &rc)) {
		enum skill_kind k;
		const char *name = db_col_text(s, 1);
		if (skill_kind_parse(db_col_text(s, 0), &k))
			continue;
		if (k == SKILL_LISTED && out->nlisted < SKILL_LISTED_MAX)
			snprintf(out->listed[out->nlisted++], sizeof(out->listed[0]), "%s", name);
		else if (k == SKILL_TAG && out->ntags < SKILL_FREE_MAX)
			snprintf(out->tags[out->ntags++], SKILL_KEY_CAP, "%s", name);
		else if (k == SKILL_LANGUAGE && out->nlangs < SKILL_FREE_MAX)
			snprintf(out->langs[out->nlangs++], SKILL_KEY_CAP, "%s", name);
	}
	return rc < 0 ? -1 : found;
}

int skill_profile_put(struct db *db, long person_id, const struct skill_profile *p, long long now)
{
	struct db_stmt *prof = db_cached(
	    db, "INSERT INTO skill_profiles (person_id, findable, trains, weekdays, evenings,"
		" weekends, lat, lon, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (person_id) DO UPDATE SET findable = excluded.findable,"
		" trains = excluded.trains, weekdays = excluded.weekdays,"
		" evenings = excluded.evenings, weekends = excluded.weekends, lat = excluded.lat,"
		" lon = excluded.lon, updated_at = excluded.updated_at");
	struct db_stmt *wipe = db_cached(db, "DELETE FROM person_skills WHERE person_id = ?");
	struct db_stmt *add =
	    db_cached(db, "INSERT INTO person_skills (kind, name, person_id) VALUES (?, ?, ?)");
	int ok;
	if (db_begin(db))
		return -1;
	db_binds(prof, 1, DB_INT(person_id), DB_INT(p->findable), DB_INT(p->trains),
		 DB_INT(p->weekdays), DB_INT(p->evenings), DB_INT(p->weekends),
		 p->located ? DB_REAL(p->lat) : DB_NULL, p->located ? DB_REAL(p->lon) : DB_NULL,
		 DB_INT(now));
	ok = db_done(prof) == 0;
	db_bind_int(wipe, 1, person_id);
	ok = ok && db_done(wipe) == 0;
	for (int k = 0; ok && k < 3; k++) {
		int n = k == 0 ? p->nlisted : k == 1 ? p->ntags : p->nlangs;
		for (int i = 0; ok && i < n; i++) {
			const char *name = k == 0   ? p->listed[i]
					   : k == 1 ? p->tags[i]
						    : p->langs[i];
			db_binds(add, 1, DB_STR(skill_kind_key((enum skill_kind)k)), DB_STR(name),
				 DB_INT(person_id));
			ok = db_done(add) == 0;
		}
	}
	if (ok && !db_commit(db))
		return 1;
	db_rollback(db);
	return -1;
}

struct match {
	long person_id;
	double km;
};

static int by_km(const void *a, const void *b)
{
	double x = ((const struct match *)a)->km, y = ((const struct match *)b)->km;
	return (x > y) - (x < y);
}

/*
 * The members q matches, nearest first, at most max into out (NULL: only
 * counted): how many match in all, or -1.  The index gives those with the
 * skill; a box on their position, then the circle, gives those in reach.
 */
static long matches(struct db *db, const struct skill_query *q, struct match *out, size_t max)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT s.person_id, coalesce(p.lat, 0), coalesce(p.lon, 0) FROM person_skills s"
		" JOIN skill_profiles p ON p.person_id = s.person_id AND p.findable = 1"
		" JOIN memberships m ON m.person_id = s.person_id AND m.group_id = ?"
		" WHERE s.kind = ? AND s.name = ? AND s.person_id <> ?"
		" AND (? = 0 OR (p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?))");
	double dlat = q->km / 111.32, dlon = q->km / (111.32 * cos(q->lat * M_PI / 180));
	long n = 0;
	int rc;
	db_binds(st, 1, DB_INT(q->group_id), DB_STR(skill_kind_key(q->kind)), DB_STR(q->name),
		 DB_INT(q->exclude), DB_INT(q->located), DB_REAL(q->lat - dlat),
		 DB_REAL(q->lat + dlat), DB_REAL(q->lon - dlon), DB_REAL(q->lon + dlon));
	while (db_next(st, &rc)) {
		double km = q->located ? geo_haversine_km(q->lat, q->lon, db_col_double(st, 1),
							  db_col_double(st, 2))
				       : 0;
		if (km > q->km && q->located)
			continue;
		if (out && (size_t)n < max)
			out[n] = (struct match){ (long)db_col_int(st, 0), km };
		n++;
	}
	return rc < 0 ? -1 : n;
}

long skill_count(struct db *db, const struct skill_query *q)
{
	return matches(db, q, NULL, 0);
}

int skill_request_put(struct db *db, struct skill_request *r, const struct skill_query *q,
		      long long now, int (*told)(long person_id, void *arg), void *arg, long *n)
{
	/* every match is read (to find the nearest), then the nearest asked */
	enum { READ_MAX = 100000 };
	struct db_stmt *ins = db_cached(
	    db, "INSERT INTO skill_requests (group_id, asked_by, kind, name, what, needed_by,"
		" postcode, lat, lon, km, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
	struct db_stmt *ask =
	    db_cached(db, "INSERT INTO skill_asks (request_id, person_id) VALUES (?, ?)");
	struct match *m = xmalloc(READ_MAX * sizeof(*m));
	int ok = 0;
	*n = 0;
	if (db_begin(db))
		goto out;
	long all = matches(db, q, m, READ_MAX);
	db_binds(ins, 1, DB_INT(r->group_id), DB_ID(r->asked_by), DB_STR(skill_kind_key(r->kind)),
		 DB_STR(r->name), DB_STR(r->what), r->needed_by ? DB_INT(r->needed_by) : DB_NULL,
		 DB_STR(*r->postcode ? r->postcode : NULL), q->located ? DB_REAL(q->lat) : DB_NULL,
		 q->located ? DB_REAL(q->lon) : DB_NULL, DB_INT(r->km), DB_INT(now));
	ok = all >= 0 && db_one(ins) == 1;
	if (ok) {
		r->id = (long)db_col_int(ins, 0);
		r->created_at = now;
		db_reset(ins);
	}
	size_t got = all < 0 ? 0 : (size_t)(all < READ_MAX ? all : READ_MAX);
	qsort(m, got, sizeof(*m), by_km);
	for (size_t i = 0; ok && i < got && i < SKILL_ASK_MAX; i++) {
		db_binds(ask, 1, DB_INT(r->id), DB_INT(m[i].person_id));
		ok = db_done(ask) == 0 && told(m[i].person_id, arg) == 0;
		*n += ok;
	}
	if (ok && db_commit(db))
		ok = 0;
	if (!ok) {
		db_rollback(db);
		*n = 0;
	}
out:
	free(m);
	return ok ? 1 : -1;
}

int skill_request_get(struct db *db, long id, struct skill_request *out)
{
	struct db_stmt *st = db_cached(db, "SELECT id, group_id, coalesce(asked_by, 0), kind, name,"
					   " what, coalesce(needed_by, 0), coalesce(postcode, ''),"
					   " km, created_at, coalesce(closed_at, 0)"
					   " FROM skill_requests WHERE id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = (long)db_col_int(st, 0);
	out->group_id = (long)db_col_int(st, 1);
	out->asked_by = (long)db_col_int(st, 2);
	if (skill_kind_parse(db_col_text(st, 3), &out->kind))
		out->kind = SKILL_TAG;
	db_col_copy(st, 4, out->name, sizeof(out->name));
	db_col_copy(st, 5, out->what, sizeof(out->what));
	out->needed_by = db_col_int(st, 6);
	db_col_copy(st, 7, out->postcode, sizeof(out->postcode));
	out->km = (int)db_col_int(st, 8);
	out->created_at = db_col_int(st, 9);
	out->closed_at = db_col_int(st, 10);
	db_reset(st);
	return 1;
}

int skill_asked(struct db *db, long request_id, long person_id, char answer[4])
{
	struct db_stmt *st = db_cached(db, "SELECT coalesce(answer, '') FROM skill_asks"
					   " WHERE request_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(request_id), DB_INT(person_id));
	int rc = db_one(st);
	if (rc == 1) {
		db_col_copy(st, 0, answer, 4);
		db_reset(st);
	}
	return rc;
}

int skill_answer(struct db *db, long request_id, long person_id, int yes, long long now)
{
	struct db_stmt *st = db_cached(
	    db, "UPDATE skill_asks SET answer = ?, answered_at = ? WHERE request_id = ?"
		" AND person_id = ? AND EXISTS (SELECT 1 FROM skill_requests r WHERE r.id = ?3"
		" AND r.closed_at IS NULL) RETURNING 1");
	db_binds(st, 1, DB_STR(yes ? "yes" : "no"), DB_INT(now), DB_INT(request_id),
		 DB_INT(person_id));
	return db_changed(st);
}

int skill_answers(struct db *db, long request_id,
		  void (*fn)(const struct skill_answer_row *a, void *arg), void *arg, long *asked,
		  long *no)
{
	struct db_stmt *count = db_cached(db, "SELECT count(*), coalesce(sum(answer = 'no'), 0)"
					      " FROM skill_asks WHERE request_id = ?");
	struct db_stmt *st =
	    db_cached(db, "SELECT p.id, p.name, p.email FROM skill_asks a"
			  " JOIN people p ON p.id = a.person_id"
			  " WHERE a.request_id = ? AND a.answer = 'yes' ORDER BY p.name");
	int rc;
	db_bind_int(count, 1, request_id);
	if (db_one(count) != 1)
		return -1;
	*asked = (long)db_col_int(count, 0);
	*no = (long)db_col_int(count, 1);
	db_reset(count);
	db_bind_int(st, 1, request_id);
	while (db_next(st, &rc)) {
		struct skill_answer_row a = { (long)db_col_int(st, 0), db_col_text(st, 1),
					      db_col_text(st, 2), "yes" };
		fn(&a, arg);
	}
	return rc;
}

int skill_request_close(struct db *db, long request_id, long long now)
{
	struct db_stmt *st = db_cached(db, "UPDATE skill_requests SET closed_at = ?"
					   " WHERE id = ? AND closed_at IS NULL RETURNING id");
	db_binds(st, 1, DB_INT(now), DB_INT(request_id));
	return db_changed(st);
}

int group_skill_requests(struct db *db, long group_id,
			 void (*fn)(const struct skill_request *r, long yes, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT r.id, r.kind, r.name, r.what, coalesce(r.needed_by, 0), r.created_at,"
		" coalesce(r.closed_at, 0), (SELECT count(*) FROM skill_asks a WHERE"
		" a.request_id = r.id AND a.answer = 'yes') FROM skill_requests r"
		" WHERE r.group_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT 50");
	struct skill_request *r = xmalloc(sizeof(*r));
	int rc;
	db_bind_int(st, 1, group_id);
	while (db_next(st, &rc)) {
		memset(r, 0, sizeof(*r));
		r->id = (long)db_col_int(st, 0);
		r->group_id = group_id;
		if (skill_kind_parse(db_col_text(st, 1), &r->kind))
			r->kind = SKILL_TAG;
		db_col_copy(st, 2, r->name, sizeof(r->name));
		db_col_copy(st, 3, r->what, sizeof(r->what));
		r->needed_by = db_col_int(st, 4);
		r->created_at = db_col_int(st, 5);
		r->closed_at = db_col_int(st, 6);
		fn(r, (long)db_col_int(st, 7), arg);
	}
	free(r);
	return rc;
}

int skills_asked_of(struct db *db, long person_id,
		    void (*fn)(const struct skill_asked_row *a, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT r.id, r.kind, r.name, r.what, g.name, coalesce(a.answer, ''),"
		" r.closed_at IS NOT NULL FROM skill_asks a JOIN skill_requests r ON r.id = "
		"a.request_id"
		" JOIN local_groups g ON g.id = r.group_id WHERE a.person_id = ?"
		" ORDER BY r.closed_at IS NOT NULL, r.created_at DESC, r.id DESC LIMIT 50");
	int rc;
	db_bind_int(st, 1, person_id);
	while (db_next(st, &rc)) {
		struct skill_asked_row a = { .request_id = (long)db_col_int(st, 0),
					     .name = db_col_text(st, 2),
					     .what = db_col_text(st, 3),
					     .group = db_col_text(st, 4),
					     .answer = db_col_text(st, 5),
					     .closed = (int)db_col_int(st, 6) };
		if (skill_kind_parse(db_col_text(st, 1), &a.kind))
			a.kind = SKILL_TAG;
		fn(&a, arg);
	}
	return rc;
}
