/*
 * Policy conversations as pages: putting a question to a group, a region
 * or the movement; swiping on its statements one at a time; adding and
 * moderating statements; one's own votes; the opinion map; the export in
 * Polis's open-data layout.  See opinion/pages.c.
 */
#ifndef TURNOUT_OPINION_PAGES_H
#define TURNOUT_OPINION_PAGES_H

#include "http/server.h"

extern const struct http_route opinion_routes[];
extern const size_t opinion_nroutes;

#endif
