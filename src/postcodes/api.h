/* The postcodes.io-compatible API: same paths, shapes and error texts. */
#ifndef TURNOUT_POSTCODES_API_H
#define TURNOUT_POSTCODES_API_H

#include <stddef.h>

#include "http/server.h"

#define BULK_MAX_POSTCODES 100
#define REVERSE_MAX_LIMIT 100
#define REVERSE_MAX_RADIUS_M 2000.0
#define WIDESEARCH_RADIUS_M 20000.0
#define WIDESEARCH_MAX_LIMIT 10

extern const struct http_route postcodes_routes[];
extern const size_t postcodes_nroutes;

#endif
