/*
 * Food banks as pages: "what my nearest food bank needs" by postcode, a
 * food bank's page (needs, hours, collections; its contact for the
 * organisers of the groups that support it), a group's collections (one
 * off or repeating), and a collection's page: pledges against the needs,
 * the runs to the food bank (uncovered first), the standby list, no-shows
 * and deliveries.  See foodbank/store.h for the rows.
 */
#ifndef TURNOUT_FOODBANK_PAGES_H
#define TURNOUT_FOODBANK_PAGES_H

#include <jansson.h>

#include "db/db.h"
#include "http/server.h"

/* The nearest food bank to (lat, lon) within 20 km and what it needs,
 * for the home page's answer; JSON null when there is none. */
json_t *foodbank_nearest_json(struct db *db, double lat, double lon);

extern const struct http_route foodbank_routes[];
extern const size_t foodbank_nroutes;

#endif
