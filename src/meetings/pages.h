/*
 * Meetings that decide, as pages: calling one, the register and quorum,
 * motions and amendments, elections, secret ballots and their results.
 * See meetings/pages.c.
 */
#ifndef TURNOUT_MEETINGS_PAGES_H
#define TURNOUT_MEETINGS_PAGES_H

#include "http/server.h"

extern const struct http_route meetings_routes[];
extern const size_t meetings_nroutes;

#endif
