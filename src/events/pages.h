/*
 * Sessions as pages: find them, see one, sign up, cancel, and the host's
 * and organisers' tools (attendees, attendance, messages, moves).
 */
#ifndef TURNOUT_EVENTS_PAGES_H
#define TURNOUT_EVENTS_PAGES_H

#include <jansson.h>
#include <stddef.h>

#include "db/db.h"
#include "events/events.h"
#include "http/qs.h"
#include "http/server.h"

/*
 * Before a host's account is erased, inside the caller's transaction: the
 * sessions still to come at their private address lose it with them (the
 * erasure cancels them), so everyone going is told now.  How many were
 * told, or -1 (roll back).
 */
long events_tell_host_leaving(struct http_request *req, struct db *db, long host);

/*
 * A session as a form gives it (date, start, end, postcode, address,
 * address_private, description, access_notes, online_url, capacity or
 * slots), of type and with title, into *e, checked: NULL, or what is
 * wrong with the form field it is about in *field.  The caller sets the
 * group, the host and the holds.
 */
const char *event_form_read(struct db *db, const struct qs *f, const char *type, const char *title,
			    struct event *e, const char **field);

/* Up to max upcoming sessions in a 2024 seat, as the pages list them. */
json_t *sessions_in_seat_json(struct db *db, const char *seat, size_t max);
/* A group's next 20 sessions, those under way included, the same way. */
json_t *sessions_of_group_json(struct db *db, long group_id);

extern const struct http_route events_routes[];
extern const size_t events_nroutes;

#endif
