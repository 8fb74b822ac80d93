/*
 * Carpool pages for a session: drivers offer seats, riders ask, the one
 * asked answers, the batch matcher's suggestions, the pick-up plan and its
 * calendar entry.  Until both agree each side sees only the other's first
 * name and postcode district; then the exact pick-up and contact.  The
 * rows and their rules are in rides/store.h, the matcher in rides/match.h.
 */
#ifndef TURNOUT_RIDES_PAGES_H
#define TURNOUT_RIDES_PAGES_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route rides_routes[];
extern const size_t rides_nroutes;

#endif
