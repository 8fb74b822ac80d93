/*
 * Food banks as stored: the places (food banks and collection points) with
 * their opening hours and what they need, the groups that support them,
 * collections (a session of type dropoff for a food bank: its slots,
 * sign-ups, reminders and calendar are the session's), recurring series
 * materialised ahead, pledges against the needs, runs to the food bank,
 * the standby list, late drop-outs and no-shows.
 *
 * The late drop-out rule for sign-ups lives in the schema (migration 41's
 * triggers), so a place given up anywhere — the session's page, a mailed
 * link — is caught; runs are dropped here.  Functions return 1 (done, or
 * found), 0 (no such row in that state) or -1 (store error, nothing
 * written) unless their comment says otherwise; those taking fn call it
 * once a row, in order, and return 1 or -1.
 */
#ifndef TURNOUT_FOODBANK_STORE_H
#define TURNOUT_FOODBANK_STORE_H

#include <stddef.h>
#include <time.h>

#include "db/db.h"
#include "events/events.h"
#include "foodbank/opening.h"
#include "foodbank/rrule.h"

#define FOODBANK_NAME_MAX 120
#define FOODBANK_SLUG_MAX 80
#define FOODBANK_TEXT_MAX 500
#define NEED_ITEM_MAX	  80
#define NEEDS_MAX	  200 /* on one food bank's list */
#define RUN_STOPS_MAX	  8
#define RECEIPT_MAX	  200

struct foodbank {
	long id;
	char name[FOODBANK_NAME_MAX * 4 + 1]; /* characters, of UTF-8 */
	char kind[12];			      /* "foodbank" or "point" (a collection point) */
	char slug[FOODBANK_SLUG_MAX * 4 + 1]; /* in the needs feed; "" for none */
	char postcode[9];
	double lat, lon;
	char address[EVENT_ADDRESS_MAX * 4 + 1];
	char hours[OPENING_TEXT_MAX + 1];
	char contact[FOODBANK_TEXT_MAX + 1];
	char accepts[FOODBANK_TEXT_MAX + 1];
	int chilled;
	long created_by;
};

/* Adds (f->id 0: set here, linked to group_id when not 0) or updates a
 * food bank: 1, 0 when another already has its slug, -1. */
int foodbank_put(struct db *db, struct foodbank *f, long group_id, long long now);
int foodbank_get(struct db *db, long id, struct foodbank *out);

struct foodbank_near {
	struct foodbank f;
	double distance_m;
};
/* Up to max food banks (kind "foodbank" only when only_banks) within
 * radius_m of (lat, lon), nearest first: how many, or -1. */
long foodbanks_near(struct db *db, double lat, double lon, double radius_m, int only_banks,
		    struct foodbank_near *out, size_t max);

/* Links (on) or unlinks a group and a food bank it supports: 1, -1. */
int foodbank_link(struct db *db, long foodbank_id, long group_id, int on);
/* 1 when the group supports the food bank, 0 not, -1. */
int foodbank_supports(struct db *db, long foodbank_id, long group_id);
/* 1 when the person organises a group that supports the food bank. */
int foodbank_organised_by(struct db *db, long foodbank_id, long person_id);
/* The groups supporting a food bank; the food banks a group supports. */
int foodbank_groups(struct db *db, long foodbank_id,
		    void (*fn)(long id, const char *name, void *arg), void *arg);
int group_foodbanks(struct db *db, long group_id, void (*fn)(long id, const char *name, void *arg),
		    void *arg);

enum urgency { URGENT, NEEDED, PLENTY };
struct need {
	long id;
	const char *item, *source; /* valid during fn */
	enum urgency urgency;
	long wanted; /* 0: not said */
	int chilled;
	long pledged; /* at the collection asked about; 0 otherwise */
};
const char *urgency_name(enum urgency u);
/* "urgent", "needed", "plenty": 0 and *u, or -1. */
int urgency_parse(const char *s, enum urgency *u);
/* The food bank's needs, urgent first then by item, with what has been
 * pledged at event_id (0: none asked). */
int needs_each(struct db *db, long foodbank_id, long event_id,
	       void (*fn)(const struct need *n, void *arg), void *arg);
/* Adds or replaces (by item) a need the organisers set: 1, 0 when the list
 * is full, -1. */
int need_put(struct db *db, long foodbank_id, const char *item, enum urgency u, long wanted,
	     int chilled, long long now);
int need_remove(struct db *db, long foodbank_id, long need_id);
/* 1 when the need is for chilled food, 0 not (or no such need), -1. */
int need_chilled(struct db *db, long need_id);

/* A needs feed's row for one food bank: its needs and what it has plenty
 * of, each list up to NEEDS_MAX items.  Replaces the food bank's feed
 * needs (organisers' own stay as they set them): 1, 0 when no food bank
 * here has the slug, -1.  Inside the caller's transaction when one is open. */
int needs_feed_apply(struct db *db, const char *slug, const char *const *needs, size_t nneeds,
		     const char *const *plenty, size_t nplenty, long long now);

struct collection {
	long event_id, foodbank_id, series_id;
	int late_hours;
};
/* Creates the session e (type dropoff) and its collection, in one
 * transaction: 1 and e->id, -1. */
int collection_create(struct db *db, struct event *e, const struct collection *c);
int collection_get(struct db *db, long event_id, struct collection *out);
struct collection_brief {
	long event_id, series_id;
	const char *title, *foodbank, *status; /* valid during fn */
	long long starts_at, ends_at;
	long uncovered; /* runs without a driver, and places left late, not yet taken */
	long pledges;
};
/* A group's collections from since, uncovered ones first, then soonest. */
int group_collections(struct db *db, long group_id, long long since,
		      void (*fn)(const struct collection_brief *c, void *arg), void *arg);
/* A food bank's published collections still to come, soonest first (at most 20). */
int foodbank_collections(struct db *db, long foodbank_id, long long now,
			 void (*fn)(const struct collection_brief *c, void *arg), void *arg);

struct series {
	long id, group_id, foodbank_id;
	char rrule[RRULE_TEXT_MAX + 1];
	char first_at[17]; /* London wall time: 2026-12-05T10:00 */
	int minutes, capacity, late_hours;
	char title[EVENT_TITLE_MAX + 1], description[EVENT_TEXT_MAX + 1], seat[12];
	char postcode[9];
	double lat, lon;
	char address[EVENT_ADDRESS_MAX + 1];
	int address_private;
	long created_by;
	long long checked_at, stopped_at;
	char warned[12];
};
/* Stores a series (its rule already checked): 1 and s->id, -1. */
int series_create(struct db *db, struct series *s, long long now);
int series_get(struct db *db, long id, struct series *out);
/* Ends a series: its collections still to come stay (organisers cancel
 * them one by one). 1, 0 when already stopped, -1. */
int series_stop(struct db *db, long id, long long now);
int group_series(struct db *db, long group_id, void (*fn)(const struct series *s, void *arg),
		 void *arg);
/* Live series not checked since before, into out (at most max): how many, -1. */
long series_due(struct db *db, long long before, struct series *out, size_t max);
/*
 * Makes the series' collections starting in [now, now + horizon) that do
 * not exist yet, each with its session, in one transaction.  Idempotent:
 * an occurrence made before (even one cancelled since) is not made again.
 * *made: how many were made; *last: the series' last occurrence (0 when
 * it has none left).  1, or -1 (nothing made).
 */
int series_materialise(struct db *db, const struct series *s, long long now, long long horizon,
		       long *made, long long *last);
/* How many of the series' collections start in [from, to), cancelled
 * ones too, or -1. */
long series_made(struct db *db, long id, long long from, long long to);
/* Records the daily check and what the organisers were told ("" for
 * nothing): 1, -1. */
int series_checked(struct db *db, long id, long long now, const char *warned);

/* A pledge of quantity of a need (not one the food bank has plenty of) at
 * an open collection: 1 and *id; 0 when the collection is over or
 * cancelled, or the need is not on its food bank's list; -1. */
int pledge_add(struct db *db, long event_id, long person_id, long need_id, long quantity,
	       long long now, long *id);
/* Withdraws the person's own pledge: 1, 0, -1. */
int pledge_remove(struct db *db, long pledge_id, long person_id);
struct pledge {
	long id, quantity;
	const char *item; /* valid during fn */
	int chilled;
};
int pledges_of(struct db *db, long event_id, long person_id,
	       void (*fn)(const struct pledge *p, void *arg), void *arg);

enum vehicle { VEHICLE_CAR, VEHICLE_ESTATE, VEHICLE_VAN };
const char *vehicle_name(enum vehicle v);
int vehicle_parse(const char *s, enum vehicle *v);
struct run_stop {
	char label[FOODBANK_NAME_MAX * 4 + 1], postcode[9];
	double lat, lon;
};
struct run {
	long id, event_id, driver_id;
	enum vehicle vehicle;
	int chilled;
	long long departs_at, arrives_at;
	char status[12];
	char driver[128]; /* the driver's name, or "" */
	double delivered_kg;
	long delivered_items;
	char receipt[RECEIPT_MAX * 4 + 1];
	long long recorded_at;
	int nstops;
	struct run_stop stops[RUN_STOPS_MAX];
};
/* Stores a run with its pick-ups in order: 1 and r->id, -1. */
int run_create(struct db *db, struct run *r, long actor, long long now);
int run_get(struct db *db, long id, struct run *out);
/* A collection's runs, those without a driver first, then by departure. */
int runs_each(struct db *db, long event_id, void (*fn)(const struct run *r, void *arg), void *arg);
/* 1 when an open run of the collection keeps chilled food cold and reaches
 * the food bank by instant by, 0 when none does, -1. */
int collection_cold_run(struct db *db, long event_id, long long by);
/* The person drives the open run: 1; 0 when it has a driver already or is
 * not open.  A late drop-out it fills is covered. */
int run_take(struct db *db, long run_id, long person_id, long long now);
/* The driver gives the run up: 1 (a drop-out recorded when it departs
 * within late_hours, once a driver and run), 0 when it is not theirs or
 * not open, -1. */
int run_drop(struct db *db, long run_id, long person_id, int late_hours, long long now);
/* What the run delivered: 1, 0 when it is not open, -1. */
int run_deliver(struct db *db, long run_id, double kg, long items, const char *receipt,
		long long now);
struct delivered {
	const char *month; /* "2026-12", valid during fn */
	long runs, items;
	double kg;
};
/* The group's deliveries by London month, latest first (three years at most). */
int group_deliveries(struct db *db, long group_id, void (*fn)(const struct delivered *d, void *arg),
		     void *arg);

/* Joins (on) or leaves the collection's standby list: 1, -1. */
int standby_set(struct db *db, long event_id, long person_id, int on, long long now);
/* 1 when on it, 0 not, -1. */
int standby_has(struct db *db, long event_id, long person_id);
/* The people on it, longest first. */
int standby_each(struct db *db, long event_id, void (*fn)(long person_id, void *arg), void *arg);
long standby_count(struct db *db, long event_id);

struct dropout {
	long id, event_id, slot_id, run_id, group_id;
	long person_id; /* who dropped out, or 0 once erased */
	long long at, starts_at, told_at;
	char title[EVENT_TITLE_MAX + 1];
};
/* Drop-outs not covered whose standby list is still to be told, oldest
 * first, into out (at most max): how many, or -1. */
long dropouts_untold(struct db *db, struct dropout *out, size_t max);
/* Those told at or before told_before and still not covered, not yet
 * passed to the organisers. */
long dropouts_unanswered(struct db *db, long long told_before, struct dropout *out, size_t max);
/* Records that the standby list (told) or the organisers (escalated) were
 * told: 1, 0 when it already was, -1. */
int dropout_told(struct db *db, long id, int escalated, long long now);
/* The collection's uncovered drop-outs, oldest first. */
int dropouts_open(struct db *db, long event_id, void (*fn)(const struct dropout *d, void *arg),
		  void *arg);

/* Records (on) or withdraws a no-show of someone who signed up for the
 * collection or drove one of its runs: 1, 0 when they did neither, -1. */
int no_show_set(struct db *db, long event_id, long person_id, long by, int on, long long now);
int no_shows_each(struct db *db, long event_id,
		  void (*fn)(long person_id, const char *name, void *arg), void *arg);

#endif
