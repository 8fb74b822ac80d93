/*
 * Canvassing sessions ("events": canvass, phone bank, leafleting, training,
 * food-bank drop-off, meeting) in a seat, with one or more time slots each
 * with a capacity, and the sign-ups for them.  This header is the model and
 * its pure checks; the rows are in events/store.h, the pages in
 * events/pages.h.
 */
#ifndef TURNOUT_EVENTS_H
#define TURNOUT_EVENTS_H

#include <stddef.h>
#include <time.h>


#define EVENT_TITLE_MAX 120
#define EVENT_TEXT_MAX 2000
#define EVENT_ADDRESS_MAX 200
#define EVENT_NOTES_MAX 500
#define EVENT_URL_MAX 300
#define EVENT_SLOTS_MAX 12
#define SLOT_CAPACITY_MAX 10000
#define EVENT_ROLES_MAX 8
#define EVENT_ROLE_MAX 40 /* characters of a role's name */

/* A role a session needs, and how many going have taken it. */
struct event_role {
	char role[EVENT_ROLE_MAX * 4 + 1];
	int needed, taken;
};

struct event_slot {
	long id;
	time_t starts_at, ends_at;
	long capacity, going, waiting;
};

struct event {
	long id;
	char type[16];
	char title[EVENT_TITLE_MAX + 1];
	char description[EVENT_TEXT_MAX + 1];
	char seat[12];
	long group_id;
	char postcode[9];
	double lat, lon;
	char address[EVENT_ADDRESS_MAX + 1];
	int address_private;
	char access_notes[EVENT_NOTES_MAX + 1];
	/* where to join from home (a video call): given, like a private home's
	 * address, only to those going; "" for none */
	char online_url[EVENT_URL_MAX + 1];
	time_t starts_at, ends_at;
	char status[12];
	int awaiting; /* posted by a volunteer, not yet approved */
	int proposed; /* posted by a volunteer: they host it; else the group's */
	int draft;    /* saved by its host, not yet published */
	long version; /* counts its edits: an edit names the version it changes */
	long created_by;
	size_t nslots;
	struct event_slot slots[EVENT_SLOTS_MAX];
};

/* A place as mails and calendars give it: the address with its postcode,
 * unless it already holds it; the postcode alone when there is no address. */
void place_text(const char *address, const char *postcode, char *out, size_t cap);
/* The same for a session as anyone may see it: a private home by its
 * postcode only. */
void event_place(const struct event *e, char *out, size_t cap);
/* A display name for a type ("canvass" -> "Canvassing"); NULL if unknown. */
const char *event_type_name(const char *type);
/*
 * Checks an event as typed (times already parsed) against now: known type,
 * lengths, an online link that is an http(s) address, future start, end
 * after start, slots inside the event with capacities 1..10000.  NULL, or
 * what is wrong, with the form field it is about in *field (when field is
 * not NULL).
 */
const char *event_check(const struct event *e, time_t now, const char **field);
/* Parses "2 drivers" lines (a count of 1 to 100 first, or 1 when none) into
 * at most EVENT_ROLES_MAX distinct roles: NULL and *n, or why not. */
const char *event_parse_roles(const char *text, struct event_role *out, int *n);
/* Parses "10:00-12:00 20" lines into slots on the event's day; NULL or why not. */
const char *event_parse_slots(struct event *e, const char *text, const char *date);

#endif
