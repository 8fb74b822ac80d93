/* The home page: My Nearest Marginal's form and answer, and the static assets. */
#ifndef TURNOUT_HOME_PAGES_H
#define TURNOUT_HOME_PAGES_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route home_routes[];
extern const size_t home_nroutes;

#endif
