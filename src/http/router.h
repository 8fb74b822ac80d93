/*
 * Path patterns with named segments ("/postcodes/{pc}/validate").  Pure:
 * matching touches only its arguments, so it is unit-tested and fuzzed.
 */
#ifndef TURNOUT_ROUTER_H
#define TURNOUT_ROUTER_H

#include <stddef.h>

#define ROUTE_MAX_PARAMS 4
#define ROUTE_PARAM_MAX 128 /* longest captured segment, bytes */

struct route_params {
	size_t n;
	struct {
		char name[16];
		char value[ROUTE_PARAM_MAX + 1];
	} p[ROUTE_MAX_PARAMS];
};

/*
 * 1 when path (decoded, no query) matches pattern, with the captured
 * segments in params; 0 otherwise.  A capture never matches an empty
 * segment, and never spans a '/'.
 */
int route_match(const char *pattern, const char *path, struct route_params *params);
const char *route_param(const struct route_params *params, const char *name);
/* A captured segment as a positive id (at most 2^40), or 0. */
long route_id(const struct route_params *params, const char *name);

#endif
