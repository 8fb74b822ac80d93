/* "Unseat X" target campaigns and their progress as pages (the rows: campaigns/store.h). */
#ifndef TURNOUT_CAMPAIGNS_PAGES_H
#define TURNOUT_CAMPAIGNS_PAGES_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route campaigns_routes[];
extern const size_t campaigns_nroutes;

#endif
