/* Carpool offers and requests for a session (the matcher is match.h). */
#ifndef TURNOUT_RIDES_H
#define TURNOUT_RIDES_H

#include <stddef.h>

#include "db/db.h"
#include "http/server.h"
#include "rides/match.h"

/* What one session holds at most; offers and requests past these are refused. */
#define RIDES_MAX_OFFERS   2000
#define RIDES_MAX_REQUESTS 5000

/* Seats still free in open offers for the session. */
long rides_seats_offered(struct db *db, long event_id);
/* Of those, the seats in cars whose route could pick someone up at this
 * postcode; -1 when it is not a place we know. */
long rides_seats_near(struct db *db, long event_id, struct match_point session,
		      const char *postcode);

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

extern const struct http_route rides_routes[];
extern const size_t rides_nroutes;

#endif
