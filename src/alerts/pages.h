/*
 * Session alerts as pages: set one from a postcode answer with nothing
 * near, confirm it (signed out) and stop it from any of its emails; and
 * the mails themselves, sent when a session near goes live.
 */
#ifndef TURNOUT_ALERTS_PAGES_H
#define TURNOUT_ALERTS_PAGES_H

#include "db/db.h"
#include "events/events.h"
#include "http/server.h"

/* Inside the caller's transaction, when session e has just gone live:
 * queues one mail to each alert whose circle holds it.  How many, or -1. */
long alerts_tell(struct http_request *req, struct db *db, const struct event *e);

extern const struct http_route alerts_routes[];
extern const size_t alerts_nroutes;

#endif
