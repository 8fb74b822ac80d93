/*
 * The carpool's rows: offers of seats to a session, requests for a ride,
 * and the seats they claim.  Seats taken always equals riders carried:
 * every change of a request's state and its offer's seat count happens in
 * one transaction that reads the request after taking the write lock, and
 * a conditional UPDATE whose effect is checked claims the seat, so
 * concurrent accepts, cancels and withdrawals never overbook or leave a
 * phantom seat.  The batch matcher's cache (rides_suggest) is told of
 * every write by rides_changed(), called here after each commit.
 *
 * A request is 'open' (looking), 'asked' (waiting for an answer: from the
 * driver, or from the rider when invited = 1), 'accepted', 'declined' (the
 * last driver asked said no) or 'cancelled'.
 *
 * Functions return 1 (done, or found), 0 (no such row in that state) or
 * -1 (store error, nothing written) unless a header comment says more.
 */
#ifndef TURNOUT_RIDES_STORE_H
#define TURNOUT_RIDES_STORE_H

#include <stddef.h>
#include <time.h>

#include "db/db.h"
#include "rides/match.h"

/* What one session holds at most; offers and requests past these are refused. */
#define RIDES_MAX_OFFERS   2000
#define RIDES_MAX_REQUESTS 5000
#define RIDES_NOTES_MAX	   300

/* Where someone starts from or is picked up: a postcode and its district. */
struct ride_place {
	char postcode[9], district[5];
	struct match_point at;
};

/* A postcode (or its district) that has a position: 1 and *out, 0 when it
 * is not a place we know, -1. */
int rides_place(struct db *db, const char *postcode, struct ride_place *out);

struct ride_offer_new {
	long event_id, driver_id, slot_id; /* slot_id 0: the session's start */
	struct ride_place from;
	int seats, returns;
	double max_detour_min, max_detour_pct;
	const char *notes;
	time_t depart_at;
};

/*
 * Places tried per person and session: a rider's pick-up moves, a driver's
 * offers (withdrawn ones count).  The offers that fit, or the riders that
 * do, asked from many places, would find where the other starts.
 */
#define RIDES_MOVES_MAX 3
#define RIDES_OFFERS_MAX 3

/* 1 when the driver has an open offer for the session, 0 not, -1. */
int rides_has_offer(struct db *db, long event_id, long driver_id);
/* Offers the driver has made for the session, open or withdrawn; -1. */
long rides_offers_made(struct db *db, long event_id, long driver_id);
/* 1 when the session holds as many open offers (or live requests) as it may. */
int rides_session_full(struct db *db, long event_id, int offers);
/* 1 added, -1. */
int rides_offer_add(struct db *db, const struct ride_offer_new *o);
/* The rider's one request for the session, made or moved to a new pick-up
 * (asking again reopens it): 1, 0 when it is waiting or accepted, 2 when
 * it has moved RIDES_MOVES_MAX times and this would move it again. */
int rides_request_put(struct db *db, long event_id, long rider_id, const struct ride_place *at);

/* The rider asks one driver: 1 with *event_id and *driver_id, 0 when the
 * request is not theirs and looking, or the offer not open to them. */
int rides_ask(struct db *db, long request_id, long rider_id, long offer_id, long *event_id,
	      long *driver_id);
/* The driver invites a looking rider: 1 with *event_id and *rider_id, 0 when
 * the rider is not looking or the car is full. */
int rides_invite(struct db *db, long offer_id, long driver_id, long request_id, long *event_id,
		 long *rider_id);

struct ride_answer {
	long event_id, other; /* the other party, to be told */
	int invited;	      /* the rider answered the driver's invitation */
	int full;	      /* accepting: every seat was taken */
};
/* The one asked (the driver, or the rider when invited) accepts or declines:
 * 1 done, 1 with a->full when no seat was left (nothing changed), 0 when the
 * request is not waiting for this person. */
int rides_answer(struct db *db, long request_id, long person_id, int accept, struct ride_answer *a);
/* The rider withdraws; an accepted seat is freed.  1 with *event_id and
 * *driver_id (0 if none was asked), 0 when no live request of theirs. */
int rides_cancel_request(struct db *db, long request_id, long rider_id, long *event_id,
			 long *driver_id);

/* Riders freed by a driver's withdrawal, to be matched again. */
struct ride_freed {
	long event_id;
	size_t n;
	long *requests, *riders; /* n each; ride_freed_release() */
};
void ride_freed_release(struct ride_freed *f);
/* The driver withdraws: their riders asked, invited or carried look again
 * (they choose their next driver themselves).  1 with *f, 0 when no open
 * offer of theirs. */
int rides_cancel_offer(struct db *db, long offer_id, long driver_id, struct ride_freed *f);

/* A driver's car on the day: who is picked up where, in order, and when. */
struct ride_stop {
	long request_id, rider_id;
	char first[64], postcode[9];
	time_t at;
};

struct ride_plan {
	long offer_id, driver_id;
	char driver[64], start[9];
	time_t depart, arrive;
	int n;
	struct ride_stop stops[MATCH_MAX_SEATS];
};
/* The accepted riders in the shortest pick-up order (match_order). */
int rides_plan_load(struct db *db, long offer_id, struct match_point session, struct ride_plan *p);

/* The visitor's live request for a session, and what it has come to. */
struct ride_mine {
	long id, offer_id;
	char state[12];
	int invited;
	struct match_point at;
	char postcode[9];
	/* the driver asked or carrying: first name; contact only once accepted */
	char driver[64], driver_email[255], driver_phone[21], notes[RIDES_NOTES_MAX + 1];
};
int rides_mine(struct db *db, long event_id, long rider_id, struct ride_mine *m);

/* An open offer with a seat free, as a rider sees it before both agree. */
struct ride_offer_seen {
	long id, driver_id;
	char driver[64], district[5];
	int seats_free;
	struct match_driver route;
	time_t arrives; /* the chosen slot's start, or 0 for the session's */
};
/* Each open offer with a seat free, in id order, to fn: 1, or -1. */
int rides_each_open_offer(struct db *db, long event_id,
			  void (*fn)(const struct ride_offer_seen *o, void *arg), void *arg);

/* The driver's own open offer. */
struct ride_offer_own {
	long id;
	int seats, taken;
};
int rides_my_offer(struct db *db, long event_id, long driver_id, struct ride_offer_own *o);

/* A rider asking or carried, as their driver sees them. */
struct ride_asker {
	long request_id;
	char rider[64], district[5];
	int accepted, invited;
	char email[255], phone[21]; /* "" until accepted */
};
/* The riders who asked this offer or are carried, up to max; their number or -1. */
long rides_askers(struct db *db, long offer_id, struct ride_asker *out, size_t max);
/* A looking rider's first name and district, for a suggestion: 1, 0 no
 * longer looking, -1. */
int rides_looking_rider(struct db *db, long request_id, char first[64], char district[5]);

/* Seats still free in open offers for the session. */
long rides_seats_offered(struct db *db, long event_id);
/* Of those, the seats in cars whose route could pick someone up there. */
long rides_seats_near(struct db *db, long event_id, struct match_point session,
		      struct match_point at);

/* The batch matcher's advice: this rider, still looking, fits this driver. */
struct ride_pair {
	long offer_id, request_id;
	int detour_min; /* the driver's detour for this rider alone */
};
/*
 * The batch matcher's suggestions for a session (rides/suggest.c), into
 * *out (the caller frees it); their number.  Answered from a cache until
 * the next rides_changed().
 */
size_t rides_suggest(struct db *db, long event_id, struct match_point session,
		     struct ride_pair **out);
/* Every write to offers or requests calls this, after it commits. */
void rides_changed(void);

#endif
