/* /api/v1/marginals and /api/v1/constituencies. */
#ifndef TURNOUT_SEATS_API_H
#define TURNOUT_SEATS_API_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route seats_routes[];
extern const size_t seats_nroutes;

#endif
