/* Carpool offers and requests for a session (the matcher is match.h). */
#ifndef TURNOUT_RIDES_H
#define TURNOUT_RIDES_H

#include <stddef.h>

#include "db/db.h"
#include "http/server.h"

/* Seats still free in open offers for the session. */
long rides_seats_offered(struct db *db, long event_id);

extern const struct http_route rides_routes[];
extern const size_t rides_nroutes;

#endif
