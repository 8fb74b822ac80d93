/*
 * Sessions as pages: find them, see one, sign up, cancel, and the host's
 * and organisers' tools (attendees, attendance, messages, moves).
 */
#ifndef TURNOUT_EVENTS_PAGES_H
#define TURNOUT_EVENTS_PAGES_H

#include <jansson.h>
#include <stddef.h>

#include "db/db.h"
#include "http/server.h"

/* Up to max upcoming sessions in a 2024 seat, as the pages list them. */
json_t *sessions_in_seat_json(struct db *db, const char *seat, size_t max);

extern const struct http_route events_routes[];
extern const size_t events_nroutes;

#endif
