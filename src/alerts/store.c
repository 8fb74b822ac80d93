#include "alerts/store.h"

#include <math.h>

int alert_put(struct db *db, const struct alert_new *a, time_t now)
{
	/* a confirmed alert is replaced only by its owner's confirmed one: an
	 * address typed by someone else never ends the alert it already has */
	struct db_stmt *drop = db_cached(db, "DELETE FROM session_alerts WHERE postcode = ?3"
					     " AND ((?1 > 0 AND person_id = ?1)"
					     " OR (?1 = 0 AND email = ?2)) AND (?4 OR confirmed = 0)");
	struct db_stmt *count = db_cached(db, "SELECT count(*) FROM session_alerts"
					      " WHERE ((?1 > 0 AND person_id = ?1)"
					      " OR (?1 = 0 AND email = ?2)) AND confirmed = 1");
	struct db_stmt *add = db_cached(
	    db, "INSERT INTO session_alerts (person_id, email, postcode, lat, lon, km,"
		" confirm_hash, stop_token, confirmed, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (db_begin(db))
		return -1;
	db_binds(drop, 1, DB_INT(a->person_id), DB_STR(a->email), DB_STR(a->postcode),
		 DB_INT(a->confirm_hash == NULL));
	db_binds(count, 1, DB_INT(a->person_id), DB_STR(a->email));
	long long n = db_done(drop) ? -1 : db_int_or(count, -1);
	int rc = n < 0 ? -1 : n >= ALERTS_PER_OWNER ? 0 : 1;
	db_binds(add, 1, DB_ID(a->person_id), DB_STR(a->email), DB_STR(a->postcode),
		 DB_REAL(a->lat), DB_REAL(a->lon), DB_REAL(a->km), DB_STR(a->confirm_hash),
		 DB_STR(a->stop_token), DB_INT(a->confirm_hash == NULL), DB_INT(now));
	if (rc != 1 || db_done(add) || db_commit(db)) {
		db_reset(add);
		db_rollback(db);
		return rc == 1 ? -1 : rc;
	}
	return 1;
}

int alert_confirm(struct db *db, const char *hash, time_t now)
{
	struct db_stmt *st = db_cached(db, "UPDATE session_alerts SET confirmed = 1,"
					   " confirm_hash = NULL WHERE confirm_hash = ?"
					   " AND confirmed = 0 AND created_at > ?"
					   " RETURNING id, email, postcode");
	/* the address's earlier alert for the same postcode gives way to it */
	struct db_stmt *older = db_cached(db, "DELETE FROM session_alerts WHERE email = ?"
					      " AND postcode = ? AND id != ?");
	if (db_begin(db))
		return -1;
	db_binds(st, 1, DB_STR(hash), DB_INT(now - ALERT_CONFIRM_S));
	int rc = db_one(st);
	if (rc == 1) {
		db_binds(older, 1, DB_STR(db_col_text(st, 1)), DB_STR(db_col_text(st, 2)),
			 DB_INT(db_col_int(st, 0)));
		db_reset(st);
		if (db_done(older))
			rc = -1;
	}
	if (rc != 1 || db_commit(db)) {
		db_rollback(db);
		return rc == 1 ? -1 : rc;
	}
	return 1;
}

int alert_stop(struct db *db, const char *token)
{
	struct db_stmt *st =
	    db_cached(db, "DELETE FROM session_alerts WHERE stop_token = ? RETURNING id");
	db_bind_str(st, 1, token);
	return db_changed(st);
}

long alerts_purge(struct db *db, time_t now)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM session_alerts WHERE confirmed = 0"
					   " AND created_at <= ? RETURNING id");
	db_bind_int(st, 1, now - ALERT_CONFIRM_S);
	return db_count(st);
}

static int hits(struct db_stmt *st, void (*fn)(const struct alert_hit *h, void *arg), void *arg)
{
	int rc;
	while (db_next(st, &rc)) {
		struct alert_hit h = { (long)db_col_int(st, 0), db_col_text(st, 1),
				       db_col_text(st, 2),	db_col_text(st, 3),
				       db_col_double(st, 4),	db_col_double(st, 5),
				       db_col_double(st, 6) };
		fn(&h, arg);
	}
	return rc;
}

int alerts_near(struct db *db, double lat, double lon,
		void (*fn)(const struct alert_hit *h, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT a.id, coalesce(p.email, a.email), a.postcode, a.stop_token, a.lat, a.lon,"
		" a.km FROM session_alerts a LEFT JOIN people p ON p.id = a.person_id"
		" WHERE a.lat BETWEEN ? AND ? AND a.lon BETWEEN ? AND ? AND a.confirmed = 1");
	/* a degree of latitude is 111 km; of longitude, that times cos(latitude) */
	double dlat = ALERT_KM_MAX / 111.0, c = cos(fabs(lat) * M_PI / 180.0);
	double dlon = ALERT_KM_MAX / (111.0 * (c > 0.1 ? c : 0.1));
	db_binds(st, 1, DB_REAL(lat - dlat), DB_REAL(lat + dlat), DB_REAL(lon - dlon),
		 DB_REAL(lon + dlon));
	return hits(st, fn, arg);
}

int alerts_of(struct db *db, long person_id, void (*fn)(const struct alert_hit *h, void *arg),
	      void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT id, NULL, postcode, stop_token, lat, lon, km"
					   " FROM session_alerts WHERE person_id = ? ORDER BY id");
	db_bind_int(st, 1, person_id);
	return hits(st, fn, arg);
}
