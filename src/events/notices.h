/*
 * What every mail about a place at a session carries, whichever tells it
 * (going, waiting, confirm, reminder): the session and the slot's own
 * time, the place with its postcode and a map link, links to the session,
 * to cancel and to put it in a calendar (Google, Outlook, or the .ics that
 * Apple's and every other calendar opens), and the host for replies.
 */
#ifndef TURNOUT_EVENTS_NOTICES_H
#define TURNOUT_EVENTS_NOTICES_H

#include <jansson.h>

#include "app.h"
#include "events/events.h"
#include "util/arena.h"

/* The mail's values for someone called name at e's slot slot_id (0, or one
 * not found: the whole session); cancel_url may be NULL.  Allocated from a. */
json_t *notice_ctx(struct app *app, struct db *db, struct arena *a, const struct event *e,
		   long slot_id, const char *name, const char *cancel_url);
/* "<what>: <title>, Sat 5 Dec" for the slot's day, from a. */
const char *notice_subject(struct arena *a, const char *what, const struct event *e,
			   long slot_id);

#endif
