/* The web pages: My Nearest Marginal's form and answer, and static assets. */
#ifndef TURNOUT_PAGES_H
#define TURNOUT_PAGES_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route page_routes[];
extern const size_t page_nroutes;

#endif
