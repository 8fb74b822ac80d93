/*
 * "Tell me when a session is posted near me": an alert is a circle (a
 * postcode's point and a radius) and an owner, a signed-in person or, for
 * someone signed out, an address that confirmed it by a mailed link.  Every
 * alert mail carries a link that stops it, without signing in.
 */
#ifndef TURNOUT_ALERTS_STORE_H
#define TURNOUT_ALERTS_STORE_H

#include <time.h>

#include "auth/token.h"
#include "db/db.h"

#define ALERTS_PER_OWNER 5
#define ALERT_KM_MIN 1
#define ALERT_KM_MAX 100
#define ALERT_CONFIRM_S 86400 /* an unconfirmed alert lapses after a day */

struct alert_new {
	long person_id;	   /* or 0, and email set */
	const char *email; /* normalised; NULL for a person */
	const char *postcode;
	double lat, lon, km;
	const char *confirm_hash; /* NULL: confirmed already (a person) */
	const char *stop_token;	  /* kept as it is: it can only stop this alert */
};
/* Adds the alert, replacing the owner's own for the same postcode: 1, 0 when
 * the owner has ALERTS_PER_OWNER others already, -1. */
int alert_put(struct db *db, const struct alert_new *a, time_t now);
/* Confirms the alert whose confirm token hashes to hash, if not lapsed:
 * 1, 0 no such alert, -1. */
int alert_confirm(struct db *db, const char *hash, time_t now);
/* Ends the alert with this stop token: 1, 0 no such alert, -1. */
int alert_stop(struct db *db, const char *token);
/* Removes unconfirmed alerts that lapsed before now; how many, or -1. */
long alerts_purge(struct db *db, time_t now);

struct alert_hit {
	long id;
	const char *email, *postcode, *stop_token; /* valid during fn */
	double lat, lon, km;
};
/* Confirmed alerts whose point is within ALERT_KM_MAX of (lat, lon) by a
 * bounding box (fn checks its own radius), each with its owner's address now. */
int alerts_near(struct db *db, double lat, double lon,
		void (*fn)(const struct alert_hit *h, void *arg), void *arg);
/* A person's alerts, for their account page. */
int alerts_of(struct db *db, long person_id, void (*fn)(const struct alert_hit *h, void *arg),
	      void *arg);

#endif
