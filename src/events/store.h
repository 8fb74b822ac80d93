/*
 * Sessions as stored: the session and its slots, the people going, guest
 * sign-ups held until confirmed, attendance, and the private calendar
 * feed.  Sign-ups themselves and cancellations go through the group-commit
 * writer (events/signup_writer.h), not through here.
 *
 * Functions return 1 (done, or found), 0 (no such row in that state) or
 * -1 (store error, nothing written) unless their comment says otherwise.
 * Functions taking fn call it once a row, in order.
 */
#ifndef TURNOUT_EVENTS_STORE_H
#define TURNOUT_EVENTS_STORE_H

#include <stddef.h>
#include <time.h>

#include "auth/token.h"
#include "db/db.h"
#include "events/events.h"

/* 0 and e->id set (slots too), or -1, in a transaction of its own. */
int event_create(struct db *db, struct event *e);
/* The same inside the caller's transaction (which it must roll back on -1),
 * for a write that makes many sessions at once. */
int event_insert(struct db *db, struct event *e);
/* 1 and *out (slots included), 0 not found, -1 error. */
int event_get(struct db *db, long id, struct event *out);
/* A person's live sign-up for a session: which slot, and whether they have
 * a place or where they stand on its waiting list (1 = next). */
struct my_signup {
	long slot_id;
	time_t starts_at, ends_at;
	int going;	    /* 0: on the waiting list */
	long place_in_line; /* waiting list only */
};
/* Up to max of a person's live sign-ups for a session into out, places
 * before waiting, then by slot: how many, or -1. */
long event_my_signups(struct db *db, long event_id, long person_id, struct my_signup *out,
		      size_t max);

/* A published upcoming session, as lists show it. */
struct event_brief {
	long id;
	char title[EVENT_TITLE_MAX + 1], type[16], seat[12];
	time_t starts_at, ends_at;
	double lat, lon;
	long places;	 /* free places over all slots */
	long ride_seats; /* free car seats offered to it */
};
/* Up to max upcoming published sessions in a 2024 seat, soonest first, into
 * out: their number, or -1. */
long events_in_seat(struct db *db, const char *seat, struct event_brief *out, size_t max);
/* The same for a group's sessions, those under way included. */
long events_of_group(struct db *db, long group_id, struct event_brief *out, size_t max);

struct event_filter {
	const char *seat, *type; /* "" for any */
	time_t from, to;
};
/* Published sessions starting in [from, to], soonest first (at most 500). */
int events_search(struct db *db, const struct event_filter *f,
		  void (*fn)(const struct event_brief *e, void *arg), void *arg);

/* "Travel together": the first name and contact each one going chose to share. */
int event_travel_board(struct db *db, long event_id,
		       void (*fn)(const char *name, const char *contact, void *arg), void *arg);
/* Everyone going or waiting, and every driver and rider, once each (the
 * people a change of the session is told to); event_people_count, how many. */
long event_people_count(struct db *db, long event_id);
/* Ids of up to max published sessions still to come that the person posted
 * at a private address (their home, as a rule); the count, or -1. */
long events_hosted_at_home(struct db *db, long host, time_t now, long *ids, long max);
int event_people(struct db *db, long event_id,
		 void (*fn)(const char *name, const char *email, void *arg), void *arg);

struct attendee {
	long signup_id;
	long person_id; /* 0: a guest */
	const char *name, *email, *phone, *status; /* valid during fn */
	const char *role;			   /* the role they take, or "" */
	time_t slot_starts;
	int attended;
};
/* Everyone signed up and not cancelled, by slot, status and order. */
int event_attendees(struct db *db, long event_id, void (*fn)(const struct attendee *a, void *arg),
		    void *arg);
/* Sets who came (those going; ids of their sign-ups), in one transaction
 * with its audit row: 1, or -1 when any of it could not be saved. */
int event_attendance_set(struct db *db, long event_id, long actor, const long *signups, size_t n);

/* The roles the session needs, in the order given, with how many going
 * have taken each: how many (at most max), or -1. */
int event_roles_get(struct db *db, long event_id, struct event_role *out, int max);
/* Replaces them (none: n 0): 1, -1. */
int event_roles_set(struct db *db, long event_id, const struct event_role *roles, int n);

enum event_hold { HOLD_DRAFT, HOLD_APPROVAL };
/* Clears a draft or a wait for approval: 1, -1. */
int event_release(struct db *db, long event_id, enum event_hold hold);
/* Moves the session by shift seconds (slots too) and to moved's place and
 * online link, in one transaction, if it is still at moved->version: 1, 0
 * when someone changed it meanwhile (nothing written), -1. */
int event_move(struct db *db, const struct event *moved, long shift);
/* The session's version now (events change it at each edit), or -1. */
long event_version(struct db *db, long event_id);
/* Cancels a published session: 1, 0 when it was not published, -1. */
int event_cancel(struct db *db, long event_id);

/* Whom to tell that a place came free. */
struct signup_contact {
	long event_id;
	char name[128], email[255], title[EVENT_TITLE_MAX + 1];
};
int signup_contact(struct db *db, long signup_id, struct signup_contact *out);
/* Holds a guest's sign-up until the emailed link confirms it: 1, -1. */
int signup_hold(struct db *db, const char *token_hash, long slot_id, const char *name,
		const char *email, const char *phone, long referred_by, time_t expires_at);
/* Who brought people to a session by their share link, most first: the
 * sharer's name and how many places came by it. */
int event_referrers(struct db *db, long event_id,
		    void (*fn)(const char *name, long n, void *arg), void *arg);
/* The cancel hash of the person's live sign-up for the session (in that
 * slot, or any when slot_id is 0): 1, 0, -1. */
int signup_cancel_hash(struct db *db, long event_id, long person_id, long slot_id,
		       char hash[TOKEN_HASH_LEN + 1]);

/* A reminder due: someone going to a slot starting in the window. */
struct reminder_due {
	long signup_id, event_id, slot_id;
	char name[128], email[255], title[EVENT_TITLE_MAX + 1];
	char sms_to[16]; /* the mobile its person agreed to be texted on, or "" */
	time_t starts_at;
};
/* Up to max sign-ups going to slots starting in (from, to] with no reminder
 * of this kind yet, into out: their number, or -1.  Read whole before any
 * is sent, so no read is open while the sends are recorded. */
long reminders_due(struct db *db, time_t from, time_t to, const char *kind,
		   struct reminder_due *out, size_t max);
/* Records a reminder as sent: 1, 0 when it already was, -1. */
int reminder_mark(struct db *db, long signup_id, const char *kind, time_t now);

/* A new private calendar feed for the person (the old one stops): 1, -1. */
int calendar_feed_set(struct db *db, long person_id, const char *token_hash);
struct feed_entry {
	long signup_id, event_id;
	/* valid during fn; the address even of a private home: the feed is for
	 * those going */
	const char *title, *description, *address, *postcode, *status;
	time_t starts_at, ends_at;
};
/* The sessions the feed's owner is going to (from 30 days ago): 1, 0 when
 * no feed has that hash, -1. */
int calendar_feed(struct db *db, const char *token_hash, time_t now,
		  void (*fn)(const struct feed_entry *e, void *arg), void *arg);

#endif
